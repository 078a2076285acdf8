/* Systolic array model: fold geometry, SRAM counts, the stall-free estimating read buffers (per
 * fold, by epoch arithmetic), the bandwidth-limited prefetching read buffers and the ofmap write
 * buffer (per event: a demand line is looked at only when it may prefetch, stall or drain).
 * Semantics are SCALE-Sim v2's (see ts-systolic.h and docs/des.md). */
#include "ts-systolic.h"

#include <string.h>

#include "ts-systolic-private.h"

G_DEFINE_QUARK(ts - systolic - error - quark, ts_systolic_error)

/* Products of layer sizes stay below this so every count fits in 64 bits with room to spare. */
#define TS_SYSTOLIC_MAX_PRODUCT (G_GUINT64_CONSTANT(1) << 40)
#define TS_SYSTOLIC_MAX_FOLDS (G_GINT64_CONSTANT(1) << 28)
#define TS_SYSTOLIC_MAX_EXACT_WORDS (G_GUINT64_CONSTANT(1) << 27)

const char *ts_systolic_dataflow_name(TsSystolicDataflow df)
{
    switch (df) {
    case TS_SYSTOLIC_OS:
        return "os";
    case TS_SYSTOLIC_WS:
        return "ws";
    case TS_SYSTOLIC_IS:
        return "is";
    }
    return "?";
}

gboolean ts_systolic_dataflow_parse(const char *text, TsSystolicDataflow *out)
{
    static const TsSystolicDataflow all[] = {TS_SYSTOLIC_OS, TS_SYSTOLIC_WS, TS_SYSTOLIC_IS};
    for (guint i = 0; i < G_N_ELEMENTS(all); i++) {
        if (text && g_ascii_strcasecmp(text, ts_systolic_dataflow_name(all[i])) == 0) {
            *out = all[i];
            return TRUE;
        }
    }
    return FALSE;
}

TsSystolicLayer ts_systolic_layer_gemm(guint64 m, guint64 n, guint64 k)
{
    TsSystolicLayer l = {.ifmap_h = m,
                         .ifmap_w = k,
                         .filter_h = 1,
                         .filter_w = k,
                         .channels = 1,
                         .num_filters = n,
                         .stride_h = 1,
                         .stride_w = 1};
    return l;
}

static gboolean mul_ok(guint64 *acc, guint64 v)
{
    if (v != 0 && *acc > TS_SYSTOLIC_MAX_PRODUCT / v)
        return FALSE;
    *acc *= v;
    return *acc <= TS_SYSTOLIC_MAX_PRODUCT;
}

gboolean ts_systolic_config_check(const TsSystolicConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL, FALSE);
    if (cfg->rows < 1 || cfg->cols < 1 || cfg->rows > 65536 || cfg->cols > 65536) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "array must be 1..65536 x 1..65536 PEs (got %u x %u)", cfg->rows, cfg->cols);
        return FALSE;
    }
    if ((guint)cfg->dataflow > TS_SYSTOLIC_IS) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID, "unknown dataflow %d",
                    (int)cfg->dataflow);
        return FALSE;
    }
    const struct {
        const char *name;
        guint64 words;
    } srams[] = {{"ifmap", cfg->ifmap_sram_words},
                 {"filter", cfg->filter_sram_words},
                 {"ofmap", cfg->ofmap_sram_words}};
    for (guint i = 0; i < G_N_ELEMENTS(srams); i++) {
        if (srams[i].words < 2 || srams[i].words > TS_SYSTOLIC_MAX_PRODUCT) {
            g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                        "%s SRAM must hold 2..2^40 words (got %" G_GUINT64_FORMAT ")",
                        srams[i].name, srams[i].words);
            return FALSE;
        }
    }
    if (cfg->bandwidth_limited && cfg->dram_words_per_cycle < 1) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "a bandwidth-limited interface needs >= 1 word/cycle (got %u)",
                    cfg->dram_words_per_cycle);
        return FALSE;
    }
    return TRUE;
}

gboolean ts_systolic_layer_check(const TsSystolicLayer *l, GError **error)
{
    g_return_val_if_fail(l != NULL, FALSE);
    const struct {
        const char *name;
        guint64 v;
    } f[] = {{"ifmap height", l->ifmap_h},   {"ifmap width", l->ifmap_w},
             {"filter height", l->filter_h}, {"filter width", l->filter_w},
             {"channels", l->channels},      {"num filters", l->num_filters},
             {"stride height", l->stride_h}, {"stride width", l->stride_w}};
    for (guint i = 0; i < G_N_ELEMENTS(f); i++) {
        if (f[i].v < 1 || f[i].v > TS_SYSTOLIC_MAX_PRODUCT) {
            g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                        "%s must be 1..2^40 (got %" G_GUINT64_FORMAT ")", f[i].name, f[i].v);
            return FALSE;
        }
    }
    if (l->filter_h > l->ifmap_h || l->filter_w > l->ifmap_w) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "filter %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT
                    " is larger than the ifmap %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT,
                    l->filter_h, l->filter_w, l->ifmap_h, l->ifmap_w);
        return FALSE;
    }
    guint64 eh = (l->ifmap_h - l->filter_h + l->stride_h + l->stride_h - 1) / l->stride_h;
    guint64 ew = (l->ifmap_w - l->filter_w + l->stride_w + l->stride_w - 1) / l->stride_w;
    guint64 macs = 1, ifmap = 1;
    if (!mul_ok(&macs, eh) || !mul_ok(&macs, ew) || !mul_ok(&macs, l->filter_h) ||
        !mul_ok(&macs, l->filter_w) || !mul_ok(&macs, l->channels) ||
        !mul_ok(&macs, l->num_filters) || !mul_ok(&ifmap, l->ifmap_h) ||
        !mul_ok(&ifmap, l->ifmap_w) || !mul_ok(&ifmap, l->channels)) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "layer too large: MACs and ifmap words must stay below 2^40");
        return FALSE;
    }
    return TRUE;
}

/* ---- geometry ---- */

void ts_systolic_geom_init(TsSystolicGeom *g, const TsSystolicConfig *cfg, const TsSystolicLayer *l)
{
    memset(g, 0, sizeof *g);
    g->R = cfg->rows;
    g->C = cfg->cols;
    g->df = cfg->dataflow;
    g->H = (gint64)l->ifmap_h;
    g->W = (gint64)l->ifmap_w;
    g->FR = (gint64)l->filter_h;
    g->FS = (gint64)l->filter_w;
    g->CH = (gint64)l->channels;
    g->NF = (gint64)l->num_filters;
    g->sh = (gint64)l->stride_h;
    g->sw = (gint64)l->stride_w;
    g->Eh = (g->H - g->FR + g->sh + g->sh - 1) / g->sh;
    g->Ew = (g->W - g->FS + g->sw + g->sw - 1) / g->sw;
    g->npx = g->Eh * g->Ew;
    g->win = g->FR * g->FS * g->CH;
    switch (g->df) {
    case TS_SYSTOLIC_OS:
        g->Sr = g->npx, g->Sc = g->NF, g->T = g->win;
        g->fold_rows = g->T + g->R + g->C - 2;
        break;
    case TS_SYSTOLIC_WS:
        g->Sr = g->win, g->Sc = g->NF, g->T = g->npx;
        g->fold_rows = 2 * g->R + g->C + g->T - 2;
        break;
    case TS_SYSTOLIC_IS:
        g->Sr = g->win, g->Sc = g->npx, g->T = g->NF;
        g->fold_rows = 2 * g->R + g->C + g->T - 2;
        break;
    }
    g->rf = (g->Sr + g->R - 1) / g->R;
    g->cf = (g->Sc + g->C - 1) / g->C;
    /* Ifmap addresses are distinct iff windows do not overlap and all lie inside the ifmap. */
    g->ifmap_unique = (g->Eh == 1 || g->FR <= g->sh) && (g->Ew == 1 || g->FS <= g->sw) &&
                      (g->Eh - 1) * g->sh + g->FR <= g->H && (g->Ew - 1) * g->sw + g->FS <= g->W;
}

gint64 ts_systolic_ifmap_addr(const TsSystolicGeom *g, gint64 px, gint64 w)
{
    gint64 orow = px / g->Ew, ocol = px % g->Ew;
    gint64 irow = orow * g->sh, icol = ocol * g->sw;
    gint64 crow = w / (g->FS * g->CH), k = w % (g->FS * g->CH);
    gint64 ccol = k / g->CH, cch = k % g->CH;
    if (crow + irow >= g->H || ccol + icol >= g->W)
        return -1;
    return ((irow + crow) * g->W + icol + ccol) * g->CH + cch;
}

/* The lanes with a request on demand line j of a fold, as [*lo, *hi] (empty when lo > hi), and
 * for operand reads the element of lane x as (a, b) = (a0 + sa * x, b0 + sb * x). */
void ts_systolic_lanes(const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr, gint64 fc,
                       gint64 j, TsSystolicLanes *out)
{
    const gint64 R = g->R, C = g->C, T = g->T;
    const gint64 ru = MIN(R, g->Sr - fr * R), cu = MIN(C, g->Sc - fc * C);
    gint64 lo = 0, hi = -1;
    out->a0 = out->b0 = out->sa = out->sb = 0;
    switch (g->df) {
    case TS_SYSTOLIC_OS:
        if (op == TS_SYSTOLIC_IFMAP) { /* lane r: px = fr*R + r, w = j - r */
            lo = MAX(0, j - T + 1), hi = MIN(ru - 1, j);
            out->a0 = fr * R, out->sa = 1, out->b0 = j, out->sb = -1;
        } else if (op == TS_SYSTOLIC_FILTER) { /* lane c: w = j - c, f = fc*C + c */
            lo = MAX(0, j - T + 1), hi = MIN(cu - 1, j);
            out->a0 = fc * C, out->sa = 1, out->b0 = j, out->sb = -1;
        } else {
            lo = MAX(0, j - (T + R - 2)), hi = MIN(cu - 1, j - (T - 1 + R - ru));
        }
        break;
    case TS_SYSTOLIC_WS:
        if (op == TS_SYSTOLIC_IFMAP) { /* lane r: w = fr*R + r, px = j - R - r */
            lo = MAX(0, j - R - T + 1), hi = MIN(ru - 1, j - R);
            out->a0 = fr * R, out->sa = 1, out->b0 = j - R, out->sb = -1;
        } else if (op == TS_SYSTOLIC_FILTER) { /* line j < R: w = fr*R + R-1-j, lane c: f */
            if (j < R && R - 1 - j < ru)
                lo = 0, hi = cu - 1;
            out->a0 = fc * C, out->sa = 1, out->b0 = fr * R + R - 1 - j, out->sb = 0;
        } else {
            lo = MAX(0, j - (2 * R - 2 + T)), hi = MIN(cu - 1, j - (2 * R - 1));
        }
        break;
    case TS_SYSTOLIC_IS:
        if (op == TS_SYSTOLIC_IFMAP) { /* line j < R: w = fr*R + R-1-j, lane c: px */
            if (j < R && R - 1 - j < ru)
                lo = 0, hi = cu - 1;
            out->a0 = fc * C, out->sa = 1, out->b0 = fr * R + R - 1 - j, out->sb = 0;
        } else if (op == TS_SYSTOLIC_FILTER) { /* lane r: w = fr*R + r, f = j - R - r */
            lo = MAX(0, j - R - T + 1), hi = MIN(ru - 1, j - R);
            out->a0 = fr * R, out->sa = 1, out->b0 = j - R, out->sb = -1;
        } else {
            lo = MAX(0, j - (2 * R - 2 + T)), hi = MIN(cu - 1, j - (2 * R - 1));
        }
        break;
    }
    out->lo = lo;
    out->hi = hi;
}

/* Valid requests of one operand in one fold, and the id of the operand block the fold reads:
 * folds with equal ids read the same words in the same order; different ids share none. */
static void fold_block(const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr, gint64 fc,
                       gint64 *n, gint64 *id)
{
    const gint64 ru = MIN(g->R, g->Sr - fr * g->R), cu = MIN(g->C, g->Sc - fc * g->C);
    switch (g->df) { /* id -1: the fold's block is read by no other fold */
    case TS_SYSTOLIC_OS:
        *n = op == TS_SYSTOLIC_IFMAP ? g->T * ru : g->T * cu;
        *id = op == TS_SYSTOLIC_IFMAP ? fr : fc;
        break;
    case TS_SYSTOLIC_WS:
        *n = op == TS_SYSTOLIC_IFMAP ? g->T * ru : ru * cu;
        *id = op == TS_SYSTOLIC_IFMAP ? fr : -1;
        break;
    case TS_SYSTOLIC_IS:
        *n = op == TS_SYSTOLIC_IFMAP ? ru * cu : g->T * ru;
        *id = op == TS_SYSTOLIC_IFMAP ? -1 : fr;
        break;
    }
}

/* ---- stall-free estimating read buffer ---- */

/* The buffer remembers the distinct words it was asked for since its last reset in sets of
 * floor(words/100); a reset comes when 50 sets are complete (the active half), so a word is a
 * DRAM read when it was not requested since the last reset. Per fold, for blocks of distinct
 * words: the words present from a block are always all of it or a suffix in request order (the
 * block in which the current epoch began), so counts alone decide hits and misses. */
typedef struct {
    gint64 epoch_words; /* 0: never resets */
    gint64 have;        /* distinct words in the current epoch */
    gint64 epoch;       /* epoch number */
    gint64 part_id;     /* block the epoch began in (-1 none) and the first present position */
    gint64 part_pos;
    /* The blocks fully present in the current epoch: ids [first, first + count) modulo n_ids.
     * Block ids (a fold's row or column fold) come in cyclic order and each epoch stamps them
     * one after the other (the block it began in last, once its head is read again), so they
     * form one cyclic interval: O(1) memory whatever the fold count. */
    gint64 n_ids, first, count;
    guint64 misses;
} EstState;

static inline gboolean est_present(const EstState *s, gint64 id)
{
    return s->count > 0 && (id - s->first + s->n_ids) % s->n_ids < s->count;
}

static void est_stamp(EstState *s, gint64 id)
{
    if (s->count == 0) {
        s->first = id;
        s->count = 1;
    } else if (!est_present(s, id)) {
        /* the next id in cyclic order, by the visiting order of the folds */
        g_assert((s->first + s->count) % s->n_ids == id);
        s->count++;
    }
}

static void est_run(EstState *s, gint64 id, gint64 n)
{
    gint64 miss_n; /* the misses are positions [0, miss_n) of the fold's requests */
    if (id >= 0 && est_present(s, id))
        return;
    if (id >= 0 && id == s->part_id)
        miss_n = s->part_pos;
    else
        miss_n = n;
    if (s->epoch_words == 0 || s->have + miss_n < s->epoch_words) {
        s->have += miss_n;
        s->misses += (guint64)miss_n;
        if (id >= 0)
            est_stamp(s, id);
        if (id >= 0 && id == s->part_id)
            s->part_id = -1;
        return;
    }
    /* The epoch fills at miss number epoch_words - have; every later request of the fold misses
     * in the new epoch. */
    gint64 q = (s->epoch_words - s->have) - 1; /* position of the filling miss */
    s->misses += (guint64)(s->epoch_words - s->have);
    gint64 start = q + 1, rest = n - start;
    s->epoch++;
    s->have = 0;
    s->part_id = -1;
    s->count = 0;
    while (rest >= s->epoch_words) {
        s->misses += (guint64)s->epoch_words;
        start += s->epoch_words;
        rest -= s->epoch_words;
        s->epoch++;
    }
    if (rest > 0) {
        s->have = rest;
        s->misses += (guint64)rest;
        if (id < 0) {
            /* never read again: which of its words the epoch holds does not matter */
        } else if (start == 0) {
            est_stamp(s, id);
        } else {
            s->part_id = id;
            s->part_pos = start;
        }
    }
}

/* The same buffer request by request, for operands whose words repeat within a fold
 * (overlapping convolution windows). */
typedef struct {
    gint64 items, cur_id, elems_cur, read_start, read_end;
    gint64 *latest; /* per address: set id of its latest insertion, -1 never */
    guint64 misses;
} EstExact;

static void est_exact_access(EstExact *b, gint64 addr)
{
    gint64 id = b->latest[addr];
    if (id >= 0 && id >= b->read_start)
        return;
    b->latest[addr] = b->cur_id;
    b->misses++;
    if (++b->elems_cur == b->items) {
        b->elems_cur = 0;
        if (++b->cur_id == b->read_end + 1) {
            b->read_start += 50;
            b->read_end += 50;
        }
    }
}

static guint64 calc_reads(const TsSystolicGeom *g, TsSystolicOperand op, guint64 words)
{
    gboolean exact = op == TS_SYSTOLIC_IFMAP && !g->ifmap_unique;
    guint64 items = words / 100;
    if (!exact) {
        /* block ids: row folds, but the filter's column folds under OS (fold_block) */
        EstState s = {.epoch_words = (gint64)(50 * items),
                      .part_id = -1,
                      .n_ids = g->df == TS_SYSTOLIC_OS && op == TS_SYSTOLIC_FILTER ? g->cf : g->rf};
        for (gint64 fc = 0; fc < g->cf; fc++) {
            for (gint64 fr = 0; fr < g->rf; fr++) {
                gint64 n = 0, id = 0;
                fold_block(g, op, fr, fc, &n, &id);
                est_run(&s, id, n);
            }
        }
        return s.misses;
    }
    EstExact b = {.items = items == 0 ? -1 : (gint64)items, .read_end = 49};
    gsize naddr = (gsize)(g->H * g->W * g->CH);
    b.latest = g_new(gint64, naddr);
    for (gsize i = 0; i < naddr; i++)
        b.latest[i] = -1;
    /* Never-resetting buffer (items 0): hit iff requested before, so start read_start at 0. */
    for (gint64 fc = 0; fc < g->cf; fc++) {
        for (gint64 fr = 0; fr < g->rf; fr++) {
            for (gint64 j = 0; j < g->fold_rows; j++) {
                TsSystolicLanes ln;
                ts_systolic_lanes(g, op, fr, fc, j, &ln);
                for (gint64 x = ln.lo; x <= ln.hi; x++) {
                    gint64 a = ln.a0 + ln.sa * x, bb = ln.b0 + ln.sb * x;
                    /* ifmap elements are (px, w): OS/IS lanes carry px in a, WS in b */
                    gint64 addr = g->df == TS_SYSTOLIC_WS ? ts_systolic_ifmap_addr(g, bb, a)
                                                          : ts_systolic_ifmap_addr(g, a, bb);
                    if (addr >= 0)
                        est_exact_access(&b, addr);
                }
            }
        }
    }
    g_free(b.latest);
    return b.misses;
}

/* ---- run ---- */

gboolean ts_systolic_run(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                         TsSystolicResult *out, GError **error)
{
    return ts_systolic_run_folds(cfg, layer, out, NULL, 0, error);
}

guint64 ts_systolic_n_folds(const TsSystolicConfig *cfg, const TsSystolicLayer *layer)
{
    g_return_val_if_fail(cfg != NULL && layer != NULL, 0);
    TsSystolicGeom g;
    ts_systolic_geom_init(&g, cfg, layer);
    return (guint64)(g.rf * g.cf);
}

gboolean ts_systolic_run_folds(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                               TsSystolicResult *out, guint64 *fold_end, gsize n_fold_end,
                               GError **error)
{
    return ts_systolic_run_folds_dram(cfg, layer, out, fold_end, NULL, NULL, n_fold_end, error);
}

struct TsSystolicFoldIter {
    TsSystolicGeom g;
    TsSystolicResult r;
    TsSystolicTimeline *tl;
    guint64 fold;
    gboolean user;
};

TsSystolicFoldIter *ts_systolic_fold_iter_new(const TsSystolicConfig *cfg,
                                              const TsSystolicLayer *layer, GError **error)
{
    if (!ts_systolic_config_check(cfg, error) || !ts_systolic_layer_check(layer, error))
        return NULL;
    TsSystolicGeom g;
    ts_systolic_geom_init(&g, cfg, layer);
    /* Work is O(folds) at least: bound it, and keep every cycle count far from overflow. */
    if (g.rf * g.cf > TS_SYSTOLIC_MAX_FOLDS ||
        (double)(g.rf * g.cf) * (double)g.fold_rows > 0x1p50) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "layer too large for a %ux%u array: %" G_GINT64_FORMAT
                    " folds of %" G_GINT64_FORMAT " cycles (at most 2^28 folds and 2^50 cycles)",
                    cfg->rows, cfg->cols, g.rf * g.cf, g.fold_rows);
        return NULL;
    }
    TsSystolicResult res = {0}, *out = &res;
    out->ofmap_px = (guint64)g.npx;
    out->window = (guint64)g.win;
    out->filters = (guint64)g.NF;
    out->macs = (guint64)(g.npx * g.win * g.NF);
    out->folds = (guint64)(g.rf * g.cf);

    /* SRAM counts and per-fold utilisation, SCALE-Sim's definitions. */
    const gint64 R = g.R, C = g.C, T = g.T;
    double map_sum = 0, util_sum = 0;
    for (gint64 fc = 0; fc < g.cf; fc++) {
        for (gint64 fr = 0; fr < g.rf; fr++) {
            gint64 ru = MIN(R, g.Sr - fr * R), cu = MIN(C, g.Sc - fc * C), fold_cycles;
            if (g.df == TS_SYSTOLIC_OS) {
                out->sram_ifmap_reads += (guint64)(T * ru);
                out->sram_filter_reads += (guint64)(T * cu);
                out->sram_ofmap_writes += (guint64)(ru * cu + R + C);
                fold_cycles = T + R + C - 2;
            } else if (g.df == TS_SYSTOLIC_WS) {
                out->sram_ifmap_reads += (guint64)(T * ru);
                out->sram_filter_reads += (guint64)(ru * cu);
                out->sram_ofmap_writes += (guint64)(T * cu);
                fold_cycles = 2 * R + 2 * C + T - 3;
            } else {
                out->sram_ifmap_reads += (guint64)(ru * cu);
                out->sram_filter_reads += (guint64)(T * ru);
                out->sram_ofmap_writes += (guint64)(T * cu);
                fold_cycles = 2 * R + 2 * C + T - 3;
            }
            map_sum += (double)(ru * cu) / (double)(R * C);
            util_sum += (double)(ru * cu * T) / (double)(R * C * fold_cycles);
        }
    }
    out->mapping_eff_pct = map_sum / (double)(g.rf * g.cf) * 100.0;
    out->compute_util_pct = util_sum / (double)(g.rf * g.cf) * 100.0;

    /* Overlapping windows repeat ifmap words: those requests are followed one by one, with a
     * table per ifmap word (and per prefetched word when bandwidth-limited). */
    if (!g.ifmap_unique && ((guint64)(g.H * g.W * g.CH) > TS_SYSTOLIC_MAX_EXACT_WORDS ||
                            (guint64)(g.npx * g.win) > 2 * TS_SYSTOLIC_MAX_EXACT_WORDS ||
                            out->sram_ifmap_reads > 64 * TS_SYSTOLIC_MAX_EXACT_WORDS)) {
        g_set_error(error, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID,
                    "convolution with overlapping windows too large to follow word by word: "
                    "%" G_GINT64_FORMAT " ifmap words, %" G_GINT64_FORMAT
                    " lowered, %" G_GUINT64_FORMAT " requests (at most 2^27, 2^28 and 2^33)",
                    g.H * g.W * g.CH, g.npx * g.win, out->sram_ifmap_reads);
        return NULL;
    }
    if (!cfg->bandwidth_limited) {
        out->dram_ifmap_reads = calc_reads(&g, TS_SYSTOLIC_IFMAP, cfg->ifmap_sram_words);
        out->dram_filter_reads = calc_reads(&g, TS_SYSTOLIC_FILTER, cfg->filter_sram_words);
    }
    TsSystolicFoldIter *it = g_new0(TsSystolicFoldIter, 1);
    it->g = g;
    it->r = res;
    it->user = cfg->bandwidth_limited;
    it->tl = ts_systolic_timeline_new(&g, cfg);
    return it;
}

gboolean ts_systolic_fold_iter_next(TsSystolicFoldIter *it, guint64 *end, guint64 *reads,
                                    guint64 *writes)
{
    g_return_val_if_fail(it != NULL, FALSE);
    TsSystolicResult *out = &it->r;
    guint64 e, rd, wr;
    if (it->fold == out->folds || !ts_systolic_timeline_fold(it->tl, &e, &rd, &wr))
        return FALSE;
    it->fold++;
    /* stall-free reads are counted per layer: spread over the folds in proportion */
    if (!it->user && reads != NULL)
        rd = (guint64)((unsigned __int128)(out->dram_ifmap_reads + out->dram_filter_reads) *
                       it->fold / out->folds);
    if (it->fold == out->folds) {
        ts_systolic_timeline_finish(it->tl, out);
        out->overall_util_pct =
            (double)out->macs * 100.0 / ((double)out->cycles * (double)(it->g.R * it->g.C));
    }
    if (end)
        *end = e;
    if (reads)
        *reads = rd;
    if (writes)
        *writes = wr;
    return TRUE;
}

const TsSystolicResult *ts_systolic_fold_iter_result(const TsSystolicFoldIter *it)
{
    g_return_val_if_fail(it != NULL, NULL);
    return &it->r;
}

guint64 ts_systolic_fold_iter_folds(const TsSystolicFoldIter *it)
{
    g_return_val_if_fail(it != NULL, 0);
    return it->r.folds;
}

void ts_systolic_fold_iter_free(TsSystolicFoldIter *it)
{
    if (it == NULL)
        return;
    ts_systolic_timeline_free(it->tl);
    g_free(it);
}

gboolean ts_systolic_run_folds_dram(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                                    TsSystolicResult *out, guint64 *fold_end, guint64 *fold_reads,
                                    guint64 *fold_writes, gsize n, GError **error)
{
    g_return_val_if_fail(out != NULL, FALSE);
    g_autoptr(TsSystolicFoldIter) it = ts_systolic_fold_iter_new(cfg, layer, error);
    if (it == NULL)
        return FALSE;
    g_return_val_if_fail(
        (fold_end == NULL && fold_reads == NULL && fold_writes == NULL) || n >= it->r.folds, FALSE);
    guint64 e, rd, wr;
    for (gsize f = 0; ts_systolic_fold_iter_next(it, &e, fold_reads ? &rd : NULL, &wr); f++) {
        if (fold_end)
            fold_end[f] = e;
        if (fold_reads)
            fold_reads[f] = rd;
        if (fold_writes)
            fold_writes[f] = wr;
    }
    *out = it->r;
    return TRUE;
}
