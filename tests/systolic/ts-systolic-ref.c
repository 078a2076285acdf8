/* Brute-force reference: SCALE-Sim v2's demand matrices and buffers, element by element (see
 * ts-systolic-ref.h). It models the mechanism of scalesim-project/scale-sim-v2 as studied for
 * tilesim; no SCALE-Sim code is copied. */
#include "ts-systolic-ref.h"

#include <math.h>
#include <string.h>

/* Lowered layer: operand address functions. */
typedef struct {
    gint64 H, W, R, S, C, NF, sh, sw, Eh, Ew, npx, win;
} Lay;

static gint64 ifmap_addr(const Lay *l, gint64 px, gint64 w)
{
    gint64 orow = px / l->Ew, ocol = px % l->Ew;
    gint64 irow = orow * l->sh, icol = ocol * l->sw;
    gint64 crow = w / (l->S * l->C), k = w % (l->S * l->C);
    gint64 ccol = k / l->C, cch = k % l->C;
    if (crow + irow >= l->H || ccol + icol >= l->W)
        return -1;
    return (irow * l->W * l->C + icol * l->C) + crow * l->W * l->C + ccol * l->C + cch;
}
static gint64 filter_addr(const Lay *l, gint64 w, gint64 f)
{
    return f * l->R * l->S * l->C + w + 10000000;
}
static gint64 ofmap_addr(const Lay *l, gint64 px, gint64 f)
{
    return l->NF * px + f + 20000000;
}

/* A growing matrix of addresses, `width` per row. */
typedef struct {
    gint64 *d;
    gsize rows, width, cap;
} Mat;

static gint64 *mat_rows(Mat *m, gsize n)
{
    if ((m->rows + n) * m->width > m->cap) {
        m->cap = MAX(m->cap * 2, (m->rows + n) * m->width);
        m->d = g_realloc_n(m->d, m->cap, sizeof(gint64));
    }
    gint64 *p = m->d + m->rows * m->width;
    for (gsize i = 0; i < n * m->width; i++)
        p[i] = -1;
    m->rows += n;
    return p;
}

/* ---- stall-free estimating read buffer ---- */
typedef struct {
    gint64 items, nsets_active, nsets_prefetch;
    gint64 cur_id, elems_cur, read_start, read_end;
    gboolean first_done;
    guint64 inserted;
    GHashTable *latest; /* addr -> set id of its latest insertion */
} EstBuf;

static void est_init(EstBuf *b, guint64 words)
{
    memset(b, 0, sizeof *b);
    b->items = (gint64)(words / 100);
    b->nsets_active = 50;
    b->nsets_prefetch = 50;
    b->read_end = b->nsets_active - 1;
    b->latest = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
}

static void est_access(EstBuf *b, gint64 addr)
{
    gint64 *id = g_hash_table_lookup(b->latest, &addr);
    if (id && *id >= b->read_start && *id <= b->cur_id)
        return; /* in the window's complete sets or the current set */
    gint64 *k = g_new(gint64, 1), *v = g_new(gint64, 1);
    *k = addr;
    *v = b->cur_id;
    g_hash_table_replace(b->latest, k, v);
    b->inserted++;
    b->elems_cur++;
    if (b->elems_cur == b->items) {
        b->elems_cur = 0;
        b->cur_id++;
        if (b->cur_id == b->read_end + 1) {
            b->read_start += b->nsets_prefetch;
            b->read_end += b->nsets_prefetch;
        }
    }
}

/* ---- bandwidth-limited prefetching read buffer ---- */
typedef struct {
    gint64 bw, active_size, prefetch_size, fetch_lines, nlines, nactive, nprefetch;
    gint64 a_start, a_end, last_prefetch, next_col;
    gboolean full;
    guint64 accesses;
    GHashTable *lines; /* addr -> GArray of gint64 hashed line ids */
} RdBuf;

static void rd_free_arr(gpointer p)
{
    g_array_free(p, TRUE);
}

static void rd_init(RdBuf *b, guint64 words, gint64 bw, const gint64 *fetch, gsize n)
{
    memset(b, 0, sizeof *b);
    b->bw = bw;
    b->active_size = (gint64)ceil((double)words * 0.5);
    b->prefetch_size = (gint64)words - b->active_size;
    b->fetch_lines = (gint64)((n + bw - 1) / bw);
    b->lines = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, rd_free_arr);
    gint64 line = 0, ctr = 0, eps = (gint64)((words + 99) / 100); /* 100 sets per SRAM */
    for (gsize i = 0; i < n; i++) {
        if (fetch[i] == -1)
            continue;
        GArray *a = g_hash_table_lookup(b->lines, &fetch[i]);
        if (!a) {
            a = g_array_new(FALSE, FALSE, sizeof(gint64));
            gint64 *k = g_new(gint64, 1);
            *k = fetch[i];
            g_hash_table_insert(b->lines, k, a);
        }
        g_array_append_val(a, line);
        if (++ctr >= eps) {
            line++;
            ctr = 0;
        }
    }
    b->nlines = line + 1;
    gint64 max_a = (b->active_size + eps - 1) / eps, max_p = (b->prefetch_size + eps - 1) / eps;
    b->nactive = MIN(b->nlines, max_a);
    b->nprefetch = MIN(b->nlines - b->nactive, max_p);
}

static gboolean rd_hit(const RdBuf *b, gint64 addr)
{
    GArray *a = g_hash_table_lookup(b->lines, &addr);
    if (!a)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        gint64 l = g_array_index(a, gint64, i);
        if (b->a_start < b->a_end ? (l >= b->a_start && l < b->a_end)
                                  : (l >= b->a_start || l < b->a_end))
            return TRUE;
    }
    return FALSE;
}

static void rd_prefetch_active(RdBuf *b, gint64 start_cycle)
{
    gint64 n = (b->active_size + b->bw - 1) / b->bw;
    if (!(n < b->fetch_lines))
        n = b->fetch_lines;
    b->accesses += (guint64)(n * b->bw);
    /* request cycles start - n + i - 1 (i < n), served after the 1-cycle DRAM latency */
    b->last_prefetch = start_cycle - n + (n - 1) - 1 + 1;
    b->a_start = 0;
    b->a_end = b->nactive;
    b->full = TRUE;
}

static void rd_new_prefetch(RdBuf *b)
{
    b->a_start = (b->a_start + b->nprefetch) % b->nlines;
    b->a_end = (b->a_start + b->nactive) % b->nlines;
    gint64 n = (b->prefetch_size + b->bw - 1) / b->bw;
    b->accesses += (guint64)(n * b->bw);
    /* requests at last + 1 + i (i < n), served after the 1-cycle DRAM latency */
    b->last_prefetch = b->last_prefetch + (n - 1) + 1 + 1;
}

/* Returns the service cycle of one demand line. */
static gint64 rd_service(RdBuf *b, const gint64 *row, gsize width, gint64 cycle)
{
    if (!b->full)
        rd_prefetch_active(b, cycle);
    gint64 offset = 1;
    for (gsize i = 0; i < width; i++) {
        if (row[i] == -1)
            continue;
        while (!rd_hit(b, row[i])) {
            rd_new_prefetch(b);
            offset += b->last_prefetch - (cycle + offset); /* may be negative */
        }
    }
    return cycle + offset;
}

/* ---- write buffer ---- */
typedef struct {
    gint64 bw, total, active, drain_size, free_space, drain_end;
    GArray *line_valid; /* per trace line: valid words */
    gint64 line_idx, drain_start;
    guint64 accesses;
} WrBuf;

static void wr_init(WrBuf *b, guint64 words, gint64 bw)
{
    memset(b, 0, sizeof *b);
    b->bw = bw;
    b->total = (gint64)words;
    b->active = (gint64)ceil((double)words * 0.5);
    b->drain_size = b->total - b->active;
    b->free_space = b->total;
    b->line_valid = g_array_new(FALSE, FALSE, sizeof(gint64));
}

static void wr_force_line(WrBuf *b)
{
    if (b->line_idx != 0) {
        g_array_append_val(b->line_valid, b->line_idx);
        b->line_idx = 0;
    }
}

static gint64 wr_drain(WrBuf *b, gint64 start_cycle)
{
    gint64 nl = (b->drain_size + b->bw - 1) / b->bw;
    gint64 end = MIN(b->drain_start + nl, (gint64)b->line_valid->len);
    gint64 n = end - b->drain_start;
    if (n <= 0)
        return start_cycle; /* nothing staged */
    gint64 data = n * b->bw - (b->bw - g_array_index(b->line_valid, gint64, end - 1));
    b->accesses += (guint64)data;
    b->free_space += data;
    b->drain_start = end;
    return start_cycle + n - 1; /* one line per cycle, write latency 0 */
}

static gint64 wr_service(WrBuf *b, const gint64 *row, gsize width, gint64 cycle)
{
    gint64 offset = 0, cur = cycle + offset;
    for (gsize i = 0; i < width; i++) {
        if (row[i] == -1)
            continue;
        b->free_space--;
        if (++b->line_idx == b->bw) {
            g_array_append_val(b->line_valid, b->line_idx);
            b->line_idx = 0;
        }
        if (cur < b->drain_end) {
            if (!(b->free_space > 0)) {
                offset += MAX(b->drain_end - cur, 0);
                cur = b->drain_end;
            }
        } else if (b->free_space < b->total - b->drain_size) {
            wr_force_line(b);
            b->drain_end = wr_drain(b, cur);
        }
    }
    return cur;
}

static void wr_finish(WrBuf *b, gint64 cycle)
{
    wr_force_line(b);
    while (b->drain_start < (gint64)b->line_valid->len)
        cycle = wr_drain(b, cycle) + 1;
}

/* Diagonal rollout of a rows x cols matrix (anti-diagonals, highest row first). */
static gint64 *rollout(const gint64 *m, gint64 rows, gint64 cols)
{
    gint64 *out = g_new(gint64, rows * cols), idx = 0;
    for (gint64 d = 0; d < rows + cols; d++) {
        gint64 maxr = MIN(d, rows - 1), minr = MAX(0, d - cols + 1);
        for (gint64 r = maxr; r >= minr; r--)
            out[idx++] = m[r * cols + (d - r)];
    }
    return out;
}

/* The prefetch matrix of one operand, flattened in prefetch order: nb blocks of tb rows by blk
 * columns, row (b*tb + t), column x holding element (a = b*blk + x, t) while a < sa (-1
 * beyond), read row by row or, when `roll`, anti-diagonal by anti-diagonal. The element is
 * ifmap(px = a, w = t) (IF_A_T), ifmap(px = t, w = a) (IF_T_A), filter(w = t, f = a) (FL_T_A) or
 * filter(w = a, f = t) (FL_A_T). */
typedef enum { IF_A_T, IF_T_A, FL_T_A, FL_A_T } Elem;

static gint64 *prefetch_matrix(const Lay *l, Elem e, gint64 nb, gint64 tb, gint64 blk, gint64 sa,
                               gboolean roll, gsize *n)
{
    gint64 rows = nb * tb, *P = g_new(gint64, rows * blk);
    for (gint64 b = 0; b < nb; b++)
        for (gint64 t = 0; t < tb; t++)
            for (gint64 x = 0; x < blk; x++) {
                gint64 a = b * blk + x, v = -1;
                if (a < sa)
                    v = e == IF_A_T   ? ifmap_addr(l, a, t)
                        : e == IF_T_A ? ifmap_addr(l, t, a)
                        : e == FL_T_A ? filter_addr(l, t, a)
                                      : filter_addr(l, a, t);
                P[(b * tb + t) * blk + x] = v;
            }
    *n = (gsize)(rows * blk);
    if (!roll)
        return P;
    gint64 *q = rollout(P, rows, blk);
    g_free(P);
    return q;
}

void ts_systolic_ref_run(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                         TsSystolicResult *out)
{
    Lay l = {.H = (gint64)layer->ifmap_h,
             .W = (gint64)layer->ifmap_w,
             .R = (gint64)layer->filter_h,
             .S = (gint64)layer->filter_w,
             .C = (gint64)layer->channels,
             .NF = (gint64)layer->num_filters,
             .sh = (gint64)layer->stride_h,
             .sw = (gint64)layer->stride_w};
    l.Eh = (l.H - l.R + l.sh + l.sh - 1) / l.sh;
    l.Ew = (l.W - l.S + l.sw + l.sw - 1) / l.sw;
    l.npx = l.Eh * l.Ew;
    l.win = l.R * l.S * l.C;
    const gint64 R = cfg->rows, C = cfg->cols;
    const TsSystolicDataflow df = cfg->dataflow;
    gint64 Sr, Sc, T;
    if (df == TS_SYSTOLIC_OS) {
        Sr = l.npx, Sc = l.NF, T = l.win;
    } else if (df == TS_SYSTOLIC_WS) {
        Sr = l.win, Sc = l.NF, T = l.npx;
    } else {
        Sr = l.win, Sc = l.npx, T = l.NF;
    }
    const gint64 rf = (Sr + R - 1) / R, cf = (Sc + C - 1) / C;
    memset(out, 0, sizeof *out);
    out->macs = (guint64)(l.npx * l.win * l.NF);
    out->folds = (guint64)(rf * cf);
    out->ofmap_px = (guint64)l.npx;
    out->window = (guint64)l.win;
    out->filters = (guint64)l.NF;

    Mat mi = {.width = (gsize)(df == TS_SYSTOLIC_IS ? C : R)};
    Mat mf = {.width = (gsize)(df == TS_SYSTOLIC_IS ? R : C)};
    Mat mo = {.width = (gsize)C};
    double map_sum = 0, util_sum = 0;
    for (gint64 fc = 0; fc < cf; fc++) {
        for (gint64 fr = 0; fr < rf; fr++) {
            gint64 ru = MIN(R, Sr - fr * R), cu = MIN(C, Sc - fc * C), fold_rows;
            if (df == TS_SYSTOLIC_OS) {
                fold_rows = T + R + C - 2;
                gint64 *pi = mat_rows(&mi, fold_rows), *pf = mat_rows(&mf, fold_rows),
                       *po = mat_rows(&mo, fold_rows);
                for (gint64 j = 0; j < fold_rows; j++) {
                    for (gint64 r = 0; r < R; r++) {
                        gint64 s = j - r;
                        if (s >= 0 && s < T && r < ru)
                            pi[j * R + r] = ifmap_addr(&l, fr * R + r, s);
                    }
                    for (gint64 c = 0; c < C; c++) {
                        gint64 s = j - c;
                        if (s >= 0 && s < T && c < cu)
                            pf[j * C + c] = filter_addr(&l, s, fc * C + c);
                        if (s >= T - 1 && s < T - 1 + R) {
                            gint64 i = R - 1 - (s - (T - 1));
                            if (i < ru && c < cu)
                                po[j * C + c] = ofmap_addr(&l, fr * R + i, fc * C + c);
                        }
                    }
                }
                out->sram_ifmap_reads += (guint64)(T * ru);
                out->sram_filter_reads += (guint64)(T * cu);
                out->sram_ofmap_writes += (guint64)(ru * cu + R + C);
                util_sum += (double)(ru * cu * T) / (double)(R * C * (T - 1 + R + C - 1));
            } else if (df == TS_SYSTOLIC_WS) {
                fold_rows = 2 * R + C + T - 2;
                gint64 *pi = mat_rows(&mi, fold_rows), *pf = mat_rows(&mf, fold_rows),
                       *po = mat_rows(&mo, fold_rows);
                for (gint64 j = 0; j < fold_rows; j++) {
                    for (gint64 r = 0; r < R; r++) {
                        gint64 s = j - r;
                        if (s >= R && s < R + T && r < ru)
                            pi[j * R + r] = ifmap_addr(&l, s - R, fr * R + r);
                    }
                    for (gint64 c = 0; c < C; c++) {
                        if (j < R) {
                            gint64 i = R - 1 - j;
                            if (i < ru && c < cu)
                                pf[j * C + c] = filter_addr(&l, fr * R + i, fc * C + c);
                        }
                        gint64 s = j - c;
                        if (s >= 2 * R - 1 && s < 2 * R - 1 + T && c < cu)
                            po[j * C + c] = ofmap_addr(&l, s - (2 * R - 1), fc * C + c);
                    }
                }
                out->sram_ifmap_reads += (guint64)(T * ru);
                out->sram_filter_reads += (guint64)(ru * cu);
                out->sram_ofmap_writes += (guint64)(T * cu);
                util_sum += (double)(ru * cu * T) / (double)(R * C * (2 * R + 2 * C + T - 3));
            } else {
                fold_rows = 2 * R + C + T - 2;
                gint64 *pi = mat_rows(&mi, fold_rows), *pf = mat_rows(&mf, fold_rows),
                       *po = mat_rows(&mo, fold_rows);
                for (gint64 j = 0; j < fold_rows; j++) {
                    for (gint64 c = 0; c < C; c++) {
                        if (j < R) {
                            gint64 i = R - 1 - j;
                            if (i < ru && c < cu)
                                pi[j * C + c] = ifmap_addr(&l, fc * C + c, fr * R + i);
                        }
                        gint64 s = j - c;
                        if (s >= 2 * R - 1 && s < 2 * R - 1 + T && c < cu)
                            po[j * C + c] = ofmap_addr(&l, fc * C + c, s - (2 * R - 1));
                    }
                    for (gint64 r = 0; r < R; r++) {
                        gint64 s = j - r;
                        if (s >= R && s < R + T && r < ru)
                            pf[j * R + r] = filter_addr(&l, fr * R + r, s - R);
                    }
                }
                out->sram_ifmap_reads += (guint64)(ru * cu);
                out->sram_filter_reads += (guint64)(T * ru);
                out->sram_ofmap_writes += (guint64)(T * cu);
                util_sum += (double)(ru * cu * T) / (double)(R * C * (2 * R + 2 * C + T - 3));
            }
            map_sum += (double)(ru * cu) / (double)(R * C);
        }
    }
    out->mapping_eff_pct = map_sum / (double)(rf * cf) * 100.0;
    out->compute_util_pct = util_sum / (double)(rf * cf) * 100.0;

    /* Memory system. */
    EstBuf ei, ef;
    RdBuf ri, rfb;
    WrBuf wo;
    gboolean user = cfg->bandwidth_limited;
    if (user) {
        /* prefetch matrices */
        gboolean os = df == TS_SYSTOLIC_OS, ws = df == TS_SYSTOLIC_WS;
        gsize n;
        gint64 *P = os || ws ? prefetch_matrix(&l, os ? IF_A_T : IF_T_A, rf, T, R, Sr, TRUE, &n)
                             : prefetch_matrix(&l, IF_A_T, cf, Sr, C, Sc, FALSE, &n);
        rd_init(&ri, cfg->ifmap_sram_words, cfg->dram_words_per_cycle, P, n);
        g_free(P);
        P = os   ? prefetch_matrix(&l, FL_T_A, cf, T, C, Sc, TRUE, &n)
            : ws ? prefetch_matrix(&l, FL_T_A, cf, Sr, C, Sc, FALSE, &n)
                 : prefetch_matrix(&l, FL_A_T, rf, T, R, Sr, TRUE, &n);
        rd_init(&rfb, cfg->filter_sram_words, cfg->dram_words_per_cycle, P, n);
        g_free(P);
        wr_init(&wo, cfg->ofmap_sram_words, cfg->dram_words_per_cycle);
    } else {
        est_init(&ei, cfg->ifmap_sram_words);
        est_init(&ef, cfg->filter_sram_words);
        wr_init(&wo, cfg->ofmap_sram_words, C);
    }

    gint64 stall = 0, last = 0;
    for (gsize i = 0; i < mo.rows; i++) {
        gint64 cycle = (gint64)i + stall;
        const gint64 *ri_row = mi.d + i * mi.width, *rf_row = mf.d + i * mf.width,
                     *ro_row = mo.d + i * mo.width;
        gint64 st_i = 0, st_f = 0;
        if (user) {
            st_i = rd_service(&ri, ri_row, mi.width, cycle) - cycle - 1;
            st_f = rd_service(&rfb, rf_row, mf.width, cycle) - cycle - 1;
        } else {
            for (gsize c = 0; c < mi.width; c++)
                if (ri_row[c] != -1)
                    est_access(&ei, ri_row[c]);
            for (gsize c = 0; c < mf.width; c++)
                if (rf_row[c] != -1)
                    est_access(&ef, rf_row[c]);
        }
        gint64 o = wr_service(&wo, ro_row, mo.width, cycle);
        gint64 st_o = o - cycle;
        stall += MAX(MAX(st_i, st_f), st_o);
        last = o;
    }
    wr_finish(&wo, last);
    out->cycles = (guint64)last;
    out->stall_cycles = (guint64)stall;
    out->overall_util_pct = (double)out->macs * 100.0 / ((double)last * (double)(R * C));
    if (user) {
        out->dram_ifmap_reads = ri.accesses;
        out->dram_filter_reads = rfb.accesses;
        g_hash_table_destroy(ri.lines);
        g_hash_table_destroy(rfb.lines);
    } else {
        out->dram_ifmap_reads = ei.inserted;
        out->dram_filter_reads = ef.inserted;
        g_hash_table_destroy(ei.latest);
        g_hash_table_destroy(ef.latest);
    }
    out->dram_ofmap_writes = wo.accesses;
    g_array_free(wo.line_valid, TRUE);
    g_free(mi.d);
    g_free(mf.d);
    g_free(mo.d);
}
