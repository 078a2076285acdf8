/* The systolic model's memory timeline: demand lines (one per array cycle) go through the ifmap
 * and filter read buffers and the ofmap write buffer; the array stalls by the largest wait of
 * the three on each line (SCALE-Sim v2's double-buffered scratchpad). A fold is skipped whole
 * when it can neither prefetch, drain nor stall; otherwise the timeline jumps from one line
 * that may miss a read window to the next, staging the writes between them in runs, and a line
 * that may miss costs one window test per buffer line its requests touch. */
#include <string.h>

#include "ts-systolic-private.h"

/* ---- bandwidth-limited read buffer ---- */

#define RANK_TABLE_MAX (G_GINT64_CONSTANT(1) << 17) /* anti-diagonals tabulated per operand */

/* The operand is prefetched in the order of its prefetch matrix: nb blocks of tb rows by blk
 * columns (the last block uses `used` columns, the rest are null), read row by row, or
 * anti-diagonal by anti-diagonal (highest row first) when `rolled`. The valid words in that order
 * are cut into buffer lines of `eps` words; the buffer holds a window of `nactive` lines, and a
 * request outside it slides the window by `nprefetch` lines (wrapping around the operand) and
 * issues a prefetch of `pf_lines` DRAM lines of `bw` words, one per cycle after the previous. */
typedef struct {
    gboolean rolled;
    gint64 tb, nb, blk, used, mr, nc;
    gint64 *vbd, n_vbd; /* rolled: valid_before_diag of the first n_vbd anti-diagonals */
    gint64 eps, nlines, nactive, nprefetch, a_start, a_end;
    gint64 bw, pf_lines, last_prefetch;
    guint64 accesses;
    /* operands whose words repeat (overlapping windows): per address, its buffer lines */
    gboolean by_address;
    gint64 *addr_first; /* CSR: lines of address x are line_ids[addr_first[x] .. [x+1]) */
    gint64 *line_ids;
} RdBuf;

/* Rolled: the valid words on anti-diagonals < d, from a table of the first few (1 MB) and in
 * closed form beyond, so memory does not grow with the operand. */
static G_GNUC_NO_INLINE gint64 valid_before_diag_far(const RdBuf *b, gint64 d)
{
    return ts_systolic_valid_before_diag(b->mr, b->nc, b->tb, b->used, d);
}

static inline gint64 valid_before_diag(const RdBuf *b, gint64 d)
{
    if (G_LIKELY(d < b->n_vbd))
        return b->vbd[d];
    return valid_before_diag_far(b, d);
}

static gint64 rd_rank(const RdBuf *b, gint64 a, gint64 bb)
{
    gint64 row = (a / b->blk) * b->tb + bb, col = a % b->blk;
    gint64 first_last = b->mr - b->tb; /* first row of the last block */
    if (!b->rolled) {
        gint64 inv = row >= first_last ? (row - first_last) * (b->nc - b->used) : 0;
        return row * b->nc + col - inv;
    }
    gint64 d = row + col, maxr = MIN(d, b->mr - 1), inv = 0;
    if (b->used < b->blk) {
        gint64 hi = MIN(maxr, d - b->used), lo = MAX(first_last, row + 1);
        inv = MAX(0, hi - lo + 1);
    }
    return valid_before_diag(b, d) + (maxr - row) - inv;
}

static gboolean rd_range_in_window(const RdBuf *b, gint64 la, gint64 lb)
{
    return b->a_start < b->a_end ? (la >= b->a_start && lb < b->a_end)
                                 : (la >= b->a_start || lb < b->a_end);
}

/* Slides the window k times: each slide issues pf_lines DRAM lines at last+1 .. last+n, which
 * land one cycle later. */
static void rd_prefetch(RdBuf *b, gint64 k)
{
    b->a_start =
        (gint64)(((guint64)b->a_start + (guint64)k % (guint64)b->nlines * (guint64)b->nprefetch) %
                 (guint64)b->nlines);
    b->a_end = (b->a_start + b->nactive) % b->nlines;
    b->accesses += (guint64)k * (guint64)(b->pf_lines * b->bw);
    b->last_prefetch += k * (b->pf_lines + 1);
}

/* Slides needed until buffer line l is in the window (0 when it is): the window's offset to l
 * shrinks by nprefetch <= nactive per slide, so the first slide that brings it below nactive
 * never overshoots. */
static gint64 rd_slides_to(const RdBuf *b, gint64 l)
{
    gint64 d = ((l - b->a_start) % b->nlines + b->nlines) % b->nlines;
    if (d < b->nactive)
        return 0;
    return (d - b->nactive + b->nprefetch) / b->nprefetch;
}

/* The element (a, b) of an ifmap lane as an address (for by_address buffers). */
static gint64 lane_addr(const TsSystolicGeom *g, gint64 a, gint64 bb)
{
    return g->df == TS_SYSTOLIC_WS ? ts_systolic_ifmap_addr(g, bb, a)
                                   : ts_systolic_ifmap_addr(g, a, bb);
}

/* Calls fn(a, b, user) for each cell of the prefetch matrix in prefetch order, with a = -1 for
 * a null cell. */
typedef void (*CellFn)(gint64 a, gint64 bb, gpointer user);
static void rd_cells(const RdBuf *b, CellFn fn, gpointer user)
{
    if (b->rolled) {
        for (gint64 d = 0; d < b->mr + b->nc; d++) {
            gint64 maxr = MIN(d, b->mr - 1), minr = MAX(0, d - b->nc + 1);
            for (gint64 r = maxr; r >= minr; r--) {
                gint64 c = d - r, blkidx = r / b->tb;
                gboolean valid = blkidx < b->nb - 1 || c < b->used;
                fn(valid ? blkidx * b->blk + c : -1, r % b->tb, user);
            }
        }
    } else {
        for (gint64 r = 0; r < b->mr; r++) {
            for (gint64 c = 0; c < b->nc; c++) {
                gint64 blkidx = r / b->tb;
                gboolean valid = blkidx < b->nb - 1 || c < b->used;
                fn(valid ? blkidx * b->blk + c : -1, r % b->tb, user);
            }
        }
    }
}

typedef struct {
    const TsSystolicGeom *g;
    RdBuf *b;
    gint64 rank;
    gboolean fill;
} CsrBuild;

static void csr_cell(gint64 a, gint64 bb, gpointer user)
{
    CsrBuild *s = user;
    if (a < 0)
        return;
    gint64 addr = lane_addr(s->g, a, bb);
    if (addr < 0)
        return;
    if (s->fill)
        s->b->line_ids[s->b->addr_first[addr]++] = s->rank / s->b->eps;
    else
        s->b->addr_first[addr + 1]++;
    s->rank++;
}

/* Sets up the buffer of one operand: words of SRAM, prefetch order from the dataflow. */
static void rd_init(RdBuf *b, const TsSystolicGeom *g, TsSystolicOperand op, guint64 words,
                    gint64 bw)
{
    memset(b, 0, sizeof *b);
    const gint64 R = g->R, C = g->C;
    /* (block width, a range, rows per block, rolled) per dataflow and operand */
    gint64 sa;
    if (op == TS_SYSTOLIC_IFMAP) {
        switch (g->df) {
        case TS_SYSTOLIC_OS:
            b->blk = R, sa = g->npx, b->tb = g->T, b->rolled = TRUE;
            break;
        case TS_SYSTOLIC_WS:
            b->blk = R, sa = g->win, b->tb = g->T, b->rolled = TRUE;
            break;
        default:
            b->blk = C, sa = g->npx, b->tb = g->Sr, b->rolled = FALSE;
            break;
        }
    } else {
        switch (g->df) {
        case TS_SYSTOLIC_OS:
            b->blk = C, sa = g->NF, b->tb = g->T, b->rolled = TRUE;
            break;
        case TS_SYSTOLIC_WS:
            b->blk = C, sa = g->NF, b->tb = g->Sr, b->rolled = FALSE;
            break;
        default:
            b->blk = R, sa = g->win, b->tb = g->T, b->rolled = TRUE;
            break;
        }
    }
    b->nb = (sa + b->blk - 1) / b->blk;
    b->used = sa - (b->nb - 1) * b->blk;
    b->mr = b->tb * b->nb;
    b->nc = b->blk;
    b->bw = bw;
    b->eps = (gint64)((words + 99) / 100);
    const gint64 active = (gint64)((words + 1) / 2), prefetch = (gint64)words - active;
    gint64 nvalid = b->tb * sa;
    b->by_address = op == TS_SYSTOLIC_IFMAP && !g->ifmap_unique;
    if (b->rolled) {
        /* diagonal by diagonal: cells of diagonal d, less the last block's nulls on it */
        b->n_vbd = MIN(b->mr + b->nc + 1, RANK_TABLE_MAX);
        b->vbd = g_new(gint64, (gsize)b->n_vbd);
        gint64 acc = 0, first_last = b->mr - b->tb;
        for (gint64 d = 0; d < b->n_vbd; d++) {
            b->vbd[d] = acc;
            gint64 maxr = MIN(d, b->mr - 1), minr = MAX(0, d - b->nc + 1);
            gint64 cells = maxr - minr + 1, inv = 0;
            if (b->used < b->blk) {
                gint64 hi = MIN(maxr, d - b->used), lo = MAX(first_last, minr);
                inv = MAX(0, hi - lo + 1);
            }
            acc += cells - inv;
        }
    }
    if (b->by_address) {
        gsize naddr = (gsize)(g->H * g->W * g->CH);
        b->addr_first = g_new0(gint64, naddr + 1);
        CsrBuild s = {.g = g, .b = b};
        rd_cells(b, csr_cell, &s);
        for (gsize x = 0; x < naddr; x++)
            b->addr_first[x + 1] += b->addr_first[x];
        nvalid = s.rank;
        b->line_ids = g_new(gint64, (gsize)MAX(nvalid, 1));
        s.rank = 0;
        s.fill = TRUE;
        rd_cells(b, csr_cell, &s);
        for (gsize x = naddr; x > 0; x--) /* undo the fill's advance */
            b->addr_first[x] = b->addr_first[x - 1];
        b->addr_first[0] = 0;
    }
    b->nlines = nvalid / b->eps + 1; /* the trailing, possibly empty, line counts */
    gint64 max_a = (active + b->eps - 1) / b->eps, max_p = (prefetch + b->eps - 1) / b->eps;
    b->nactive = MIN(b->nlines, max_a);
    b->nprefetch = MIN(b->nlines - b->nactive, max_p);
    b->pf_lines = (prefetch + bw - 1) / bw;
    /* The active half is fetched before the first request: ceil(active / bw) DRAM lines (at most
     * the whole operand), ending the cycle before it. */
    gint64 fetch_lines = (b->mr * b->nc + bw - 1) / bw, first = (active + bw - 1) / bw;
    if (!(first < fetch_lines))
        first = fetch_lines;
    b->accesses = (guint64)(first * bw);
    b->last_prefetch = -1;
    b->a_start = 0;
    b->a_end = b->nactive;
}

static void rd_clear(RdBuf *b)
{
    g_free(b->vbd);
    g_free(b->addr_first);
    g_free(b->line_ids);
}

/* Serves one demand line; returns the cycles the array waits for it (SCALE-Sim: service cycle
 * - request cycle - hit latency; negative when a prefetch it waited for had landed early). */
static gint64 rd_line(RdBuf *b, const TsSystolicGeom *g, const TsSystolicLanes *ln, gint64 cycle)
{
    if (ln->lo > ln->hi)
        return 0;
    gboolean fetched = FALSE;
    if (!b->by_address) {
        gint64 la = rd_rank(b, ln->a0 + ln->sa * ln->lo, ln->b0 + ln->sb * ln->lo) / b->eps;
        gint64 lb = rd_rank(b, ln->a0 + ln->sa * ln->hi, ln->b0 + ln->sb * ln->hi) / b->eps;
        if (rd_range_in_window(b, la, lb))
            return 0;
        for (gint64 l = la; l <= lb; l++) {
            gint64 k = rd_slides_to(b, l);
            if (k > 0) {
                rd_prefetch(b, k);
                fetched = TRUE;
            }
        }
    } else {
        for (gint64 x = ln->lo; x <= ln->hi; x++) {
            gint64 addr = lane_addr(g, ln->a0 + ln->sa * x, ln->b0 + ln->sb * x);
            if (addr < 0)
                continue;
            gint64 k = G_MAXINT64; /* the first slide that brings any of its lines in */
            for (gint64 i = b->addr_first[addr]; i < b->addr_first[addr + 1] && k > 0; i++)
                k = MIN(k, rd_slides_to(b, b->line_ids[i]));
            if (k > 0 && k != G_MAXINT64) {
                rd_prefetch(b, k);
                fetched = TRUE;
            }
        }
    }
    return fetched ? b->last_prefetch - cycle - 1 : 0;
}

/* The buffer lines a fold reads span [*la, *lb] (unique-word operands). */
static void rd_fold_lines(const RdBuf *b, const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr,
                          gint64 fc, gint64 *la, gint64 *lb)
{
    const gint64 ru = MIN(g->R, g->Sr - fr * g->R), cu = MIN(g->C, g->Sc - fc * g->C);
    gint64 a0, ua, b0, ub;
    gboolean os = g->df == TS_SYSTOLIC_OS, ws = g->df == TS_SYSTOLIC_WS;
    if (op == TS_SYSTOLIC_IFMAP) {
        if (os || ws)
            a0 = fr * g->R, ua = ru, b0 = 0, ub = g->T;
        else
            a0 = fc * g->C, ua = cu, b0 = fr * g->R, ub = ru;
    } else {
        if (os)
            a0 = fc * g->C, ua = cu, b0 = 0, ub = g->T;
        else if (ws)
            a0 = fc * g->C, ua = cu, b0 = fr * g->R, ub = ru;
        else
            a0 = fr * g->R, ua = ru, b0 = 0, ub = g->T;
    }
    *la = rd_rank(b, a0, b0) / b->eps;
    *lb = rd_rank(b, a0 + ua - 1, b0 + ub - 1) / b->eps;
}

/* ---- ofmap write buffer ---- */

/* Words are staged in DRAM lines of `bw` words; once more than the active half is occupied and
 * no drain is running, the staged lines (the partial one closed first) drain at one line per
 * cycle, at most half the SRAM per drain. A drain counts every word of its lines but the nulls of
 * its last line; the array stalls when the SRAM is full while a drain runs. */
typedef struct {
    gint64 lines;
    gint64 valid; /* words per line */
} LineRun;

typedef struct {
    gint64 bw, total, active, drain_lines, free_space, drain_end, line_idx;
    GArray *queue; /* LineRun, staged and not drained, head first */
    guint head;
    guint64 accesses;
} WrBuf;

static void wr_push(WrBuf *b, gint64 lines, gint64 valid)
{
    if (lines <= 0)
        return;
    if (b->queue->len > b->head) {
        LineRun *last = &g_array_index(b->queue, LineRun, b->queue->len - 1);
        if (last->valid == valid) {
            last->lines += lines;
            return;
        }
    }
    LineRun r = {lines, valid};
    g_array_append_val(b->queue, r);
}

static void wr_stage(WrBuf *b, gint64 n)
{
    b->free_space -= n;
    gint64 t = b->line_idx + n;
    wr_push(b, t / b->bw, b->bw);
    b->line_idx = t % b->bw;
}

static gint64 wr_drain(WrBuf *b, gint64 start)
{
    if (b->line_idx != 0) { /* close the partial line */
        wr_push(b, 1, b->line_idx);
        b->line_idx = 0;
    }
    gint64 want = b->drain_lines, n = 0, last_valid = b->bw;
    while (want > 0 && b->head < b->queue->len) {
        LineRun *r = &g_array_index(b->queue, LineRun, b->head);
        gint64 take = MIN(want, r->lines);
        n += take;
        want -= take;
        last_valid = r->valid;
        r->lines -= take;
        if (r->lines == 0)
            b->head++;
    }
    if (b->head > 64 && b->head * 2 > b->queue->len) {
        g_array_remove_range(b->queue, 0, b->head);
        b->head = 0;
    }
    if (n == 0)
        return start; /* nothing staged: no drain */
    gint64 data = n * b->bw - (b->bw - last_valid);
    b->accesses += (guint64)data;
    b->free_space += data;
    return start + n - 1;
}

/* Serves the w writes of one demand line requested at `cycle`; returns the line's service cycle. */
static gint64 wr_line(WrBuf *b, gint64 w, gint64 cycle)
{
    gint64 cur = cycle;
    while (w > 0) {
        if (cur < b->drain_end) {
            if (b->free_space - w > 0) {
                wr_stage(b, w);
                break;
            }
            gint64 m = MAX(1, b->free_space); /* the write that fills the SRAM waits */
            wr_stage(b, m);
            w -= m;
            cur = b->drain_end;
        } else {
            gint64 need = MAX(1, b->free_space - b->active + 1);
            if (need > w) {
                wr_stage(b, w);
                break;
            }
            wr_stage(b, need);
            w -= need;
            b->drain_end = wr_drain(b, cur);
        }
    }
    return cur;
}

/* Serves n demand lines of w writes each, requested at consecutive cycles from *cycle (no read
 * waits): runs of lines that can neither trigger a drain nor stall are staged at once, the
 * others go through wr_line. Advances *cycle past the lines, adds their stalls to *stall and
 * sets *last_out to the service cycle of the last one. */
static void wr_lines(WrBuf *b, gint64 w, gint64 n, gint64 *cycle, gint64 *stall, gint64 *last_out)
{
    while (n > 0) {
        gint64 cur = *cycle, safe;
        if (w == 0) {
            safe = n;
        } else if (cur >= b->drain_end) {
            safe = b->free_space >= b->active ? (b->free_space - b->active) / w : 0;
        } else {
            safe = b->free_space > w ? (b->free_space - 1) / w : 0;
            safe = MIN(safe, b->drain_end - cur);
        }
        safe = MIN(safe, n);
        if (safe > 0) {
            wr_stage(b, safe * w);
            *cycle += safe;
            *last_out = *cycle - 1;
            n -= safe;
            continue;
        }
        gint64 o = wr_line(b, w, cur);
        *stall += o - cur;
        *last_out = o;
        *cycle += 1 + (o - cur);
        n--;
    }
}

static gint64 ofmap_fold_words(const TsSystolicGeom *g, gint64 fr, gint64 fc)
{
    const gint64 ru = MIN(g->R, g->Sr - fr * g->R), cu = MIN(g->C, g->Sc - fc * g->C);
    return g->df == TS_SYSTOLIC_OS ? ru * cu : g->T * cu;
}

/* ---- the timeline ---- */

/* Serves the writes of lines [j0, j1) of fold (fr, fc), which read nothing that can miss: the
 * writes per line are linear in the line between the breakpoints below, so runs of equal
 * width go to wr_lines at once. *cycle is the request cycle of line j0 and advances. */
static void write_lines(const TsSystolicGeom *g, WrBuf *wb, gint64 fr, gint64 fc, gint64 j0,
                        gint64 j1, gint64 *cycle, gint64 *stall, gint64 *last_out)
{
    const gint64 ru = MIN(g->R, g->Sr - fr * g->R), cu = MIN(g->C, g->Sc - fc * g->C);
    gint64 A, B;
    if (g->df == TS_SYSTOLIC_OS)
        A = g->T + g->R - 2, B = g->T - 1 + g->R - ru;
    else
        A = 2 * g->R - 2 + g->T, B = 2 * g->R - 1;
    gint64 bp[] = {j0, B, B + cu - 1, A, A + cu, j1};
    for (guint x = 1; x < G_N_ELEMENTS(bp); x++) /* insertion sort, 6 entries */
        for (guint y = x; y > 0 && bp[y - 1] > bp[y]; y--) {
            gint64 t = bp[y];
            bp[y] = bp[y - 1];
            bp[y - 1] = t;
        }
    for (guint x = 0; x + 1 < G_N_ELEMENTS(bp); x++) {
        gint64 a = MAX(j0, bp[x]), b = MIN(j1, bp[x + 1]);
        if (a >= b)
            continue;
        TsSystolicLanes l0, l1;
        ts_systolic_lanes(g, TS_SYSTOLIC_OFMAP, fr, fc, a, &l0);
        ts_systolic_lanes(g, TS_SYSTOLIC_OFMAP, fr, fc, b - 1, &l1);
        gint64 w0 = MAX(0, l0.hi - l0.lo + 1), w1 = MAX(0, l1.hi - l1.lo + 1);
        if (w0 == w1) {
            wr_lines(wb, w0, b - a, cycle, stall, last_out);
            continue;
        }
        for (gint64 j = a; j < b; j++) {
            ts_systolic_lanes(g, TS_SYSTOLIC_OFMAP, fr, fc, j, &l0);
            wr_lines(wb, MAX(0, l0.hi - l0.lo + 1), 1, cycle, stall, last_out);
        }
    }
}

/* Lines of a fold with requests of one operand: [*jlo, *jhi]. `forward`: the requests of later
 * lines lie later in the prefetch order (the skewed operands); else the operand is the
 * stationary one, loaded in its first R lines in reverse order. */
static void operand_lines(const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr, gint64 fc,
                          gint64 *jlo, gint64 *jhi, gboolean *forward)
{
    const gint64 R = g->R, T = g->T;
    const gint64 ru = MIN(R, g->Sr - fr * R), cu = MIN(g->C, g->Sc - fc * g->C);
    *forward = TRUE;
    if (g->df == TS_SYSTOLIC_OS) {
        *jlo = 0;
        *jhi = T + (op == TS_SYSTOLIC_IFMAP ? ru : cu) - 2;
    } else if ((g->df == TS_SYSTOLIC_WS) == (op == TS_SYSTOLIC_IFMAP)) {
        *jlo = R; /* WS ifmap, IS filter */
        *jhi = R + T + ru - 2;
    } else {
        *forward = FALSE; /* WS filter, IS ifmap */
        *jlo = R - ru;
        *jhi = R - 1;
    }
}

/* Buffer lines of the first and last request of line j (which has requests). */
static void line_span(const RdBuf *b, const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr,
                      gint64 fc, gint64 j, gint64 *la, gint64 *lb)
{
    TsSystolicLanes ln;
    ts_systolic_lanes(g, op, fr, fc, j, &ln);
    *la = rd_rank(b, ln.a0 + ln.sa * ln.lo, ln.b0 + ln.sb * ln.lo) / b->eps;
    *lb = rd_rank(b, ln.a0 + ln.sa * ln.hi, ln.b0 + ln.sb * ln.hi) / b->eps;
}

/* First line >= j of fold (fr, fc) whose requests of one operand may miss the buffer's current
 * window (fold_rows when none can). Along a forward operand the first and last buffer line of
 * each line's requests never decrease, so the hit lines are one interval (window inside the
 * operand) or a prefix and a suffix (window wrapping around), found by bisection. */
static inline __attribute__((always_inline)) gint64 next_read_event(const RdBuf *b,
                                                                    const TsSystolicGeom *g,
                                                                    TsSystolicOperand op, gint64 fr,
                                                                    gint64 fc, gint64 j)
{
    gint64 jlo, jhi;
    gboolean fwd;
    operand_lines(g, op, fr, fc, &jlo, &jhi, &fwd);
    if (j > jhi)
        return g->fold_rows;
    j = MAX(j, jlo);
    if (b->by_address)
        return j;
    gint64 la, lb;
    if (!fwd) { /* the stationary load: all of the fold's block, in one window or not */
        rd_fold_lines(b, g, op, fr, fc, &la, &lb);
        return rd_range_in_window(b, la, lb) ? g->fold_rows : j;
    }
    line_span(b, g, op, fr, fc, j, &la, &lb);
    gboolean wrap = !(b->a_start < b->a_end);
    if (!rd_range_in_window(b, la, lb))
        return j;
    if (wrap && la >= b->a_start)
        return g->fold_rows; /* every later line lies at or after the window's start */
    /* the first line whose last request reaches past the window's end */
    gint64 lo = j + 1, hi = jhi + 1;
    while (lo < hi) {
        gint64 mid = lo + (hi - lo) / 2;
        line_span(b, g, op, fr, fc, mid, &la, &lb);
        if (lb >= b->a_end)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo > jhi)
        return g->fold_rows;
    if (wrap) {
        line_span(b, g, op, fr, fc, lo, &la, &lb);
        if (la >= b->a_start)
            return g->fold_rows;
    }
    return lo;
}

struct TsSystolicTimeline {
    TsSystolicGeom g;
    gboolean user;
    RdBuf rb[2];
    WrBuf wb;
    gint64 stall, row0, last_out;
    gint64 fr, fc; /* the next fold */
};

TsSystolicTimeline *ts_systolic_timeline_new(const TsSystolicGeom *g, const TsSystolicConfig *cfg)
{
    TsSystolicTimeline *t = g_new0(TsSystolicTimeline, 1);
    t->g = *g;
    g = &t->g;
    t->user = cfg->bandwidth_limited;
    if (t->user) {
        rd_init(&t->rb[0], g, TS_SYSTOLIC_IFMAP, cfg->ifmap_sram_words, cfg->dram_words_per_cycle);
        rd_init(&t->rb[1], g, TS_SYSTOLIC_FILTER, cfg->filter_sram_words,
                cfg->dram_words_per_cycle);
    }
    WrBuf *wb = &t->wb;
    wb->bw = t->user ? cfg->dram_words_per_cycle : g->C;
    wb->total = (gint64)cfg->ofmap_sram_words;
    wb->active = (wb->total + 1) / 2;
    wb->drain_lines = (wb->total - wb->active + wb->bw - 1) / wb->bw;
    wb->free_space = wb->total;
    wb->queue = g_array_new(FALSE, FALSE, sizeof(LineRun));
    return t;
}

gboolean ts_systolic_timeline_fold(TsSystolicTimeline *t, guint64 *end, guint64 *reads,
                                   guint64 *writes)
{
    const TsSystolicGeom *g = &t->g;
    if (t->fc >= g->cf)
        return FALSE;
    const gint64 fr = t->fr, fc = t->fc;
    const gboolean user = t->user;
    RdBuf *rb = t->rb;
    WrBuf *wb = &t->wb;
    gint64 wf = ofmap_fold_words(g, fr, fc);
    gboolean quiet = wb->free_space - wf >= wb->active;
    for (int k = 0; k < 2 && user && quiet; k++) {
        gint64 la, lb;
        if (rb[k].by_address) {
            quiet = FALSE;
            break;
        }
        rd_fold_lines(&rb[k], g, k == 0 ? TS_SYSTOLIC_IFMAP : TS_SYSTOLIC_FILTER, fr, fc, &la, &lb);
        quiet = rd_range_in_window(&rb[k], la, lb);
    }
    if (quiet) {
        wr_stage(wb, wf);
        t->row0 += g->fold_rows;
        t->last_out = t->row0 - 1 + t->stall;
    } else {
        gint64 cycle = t->row0 + t->stall, j = 0;
        while (j < g->fold_rows) {
            gint64 ev = g->fold_rows;
            if (user) {
                gint64 ei = next_read_event(&rb[0], g, TS_SYSTOLIC_IFMAP, fr, fc, j);
                gint64 ef = next_read_event(&rb[1], g, TS_SYSTOLIC_FILTER, fr, fc, j);
                ev = MIN(ei, ef);
            }
            write_lines(g, wb, fr, fc, j, ev, &cycle, &t->stall, &t->last_out);
            if (ev >= g->fold_rows)
                break;
            TsSystolicLanes ln;
            ts_systolic_lanes(g, TS_SYSTOLIC_IFMAP, fr, fc, ev, &ln);
            gint64 si = rd_line(&rb[0], g, &ln, cycle);
            ts_systolic_lanes(g, TS_SYSTOLIC_FILTER, fr, fc, ev, &ln);
            gint64 sf = rd_line(&rb[1], g, &ln, cycle);
            ts_systolic_lanes(g, TS_SYSTOLIC_OFMAP, fr, fc, ev, &ln);
            gint64 o = wr_line(wb, MAX(0, ln.hi - ln.lo + 1), cycle);
            gint64 st = MAX(MAX(si, sf), MAX(0, o - cycle));
            t->stall += st;
            t->last_out = o;
            cycle += 1 + st;
            j = ev + 1;
        }
        t->row0 += g->fold_rows;
    }
    if (++t->fr == g->rf) { /* column folds outermost */
        t->fr = 0;
        t->fc++;
    }
    *end = (guint64)t->last_out;
    *reads = user ? rb[0].accesses + rb[1].accesses : 0;
    *writes = wb->accesses;
    return TRUE;
}

void ts_systolic_timeline_finish(TsSystolicTimeline *t, TsSystolicResult *out)
{
    WrBuf *wb = &t->wb;
    /* The staged rest drains after the last line: it adds writes, not cycles. */
    gint64 c = t->last_out;
    while (wb->line_idx != 0 || wb->head < wb->queue->len)
        c = wr_drain(wb, c) + 1;
    out->cycles = (guint64)t->last_out;
    out->stall_cycles = (guint64)t->stall;
    out->dram_ofmap_writes = wb->accesses;
    if (t->user) {
        out->dram_ifmap_reads = t->rb[0].accesses;
        out->dram_filter_reads = t->rb[1].accesses;
    }
}

void ts_systolic_timeline_free(TsSystolicTimeline *t)
{
    if (t == NULL)
        return;
    g_array_free(t->wb.queue, TRUE);
    if (t->user) {
        rd_clear(&t->rb[0]);
        rd_clear(&t->rb[1]);
    }
    g_free(t);
}
