/* Internals of the systolic model shared by its files and tests: the fold geometry of a layer
 * under a dataflow and the requests of each demand line. Not installed. */
#ifndef TS_SYSTOLIC_PRIVATE_H
#define TS_SYSTOLIC_PRIVATE_H

#include "ts-systolic.h"

G_BEGIN_DECLS

typedef enum { TS_SYSTOLIC_IFMAP, TS_SYSTOLIC_FILTER, TS_SYSTOLIC_OFMAP } TsSystolicOperand;

/* A layer lowered to SCALE-Sim's operand matrices (ifmap npx x win, filter win x NF, ofmap
 * npx x NF) and mapped on the array: Sr x Sc spatial, T temporal; rf x cf folds of fold_rows
 * demand lines each, column folds outermost. */
typedef struct TsSystolicGeom {
    gint64 R, C;
    TsSystolicDataflow df;
    gint64 H, W, FR, FS, CH, NF, sh, sw, Eh, Ew, npx, win;
    gint64 Sr, Sc, T, rf, cf, fold_rows;
    gboolean ifmap_unique; /* no ifmap word appears twice in the operand matrix */
} TsSystolicGeom;

void ts_systolic_geom_init(TsSystolicGeom *g, const TsSystolicConfig *cfg,
                           const TsSystolicLayer *layer);
/* Ifmap word of output pixel px and window element w (0-based, no offset), -1 off the ifmap. */
gint64 ts_systolic_ifmap_addr(const TsSystolicGeom *g, gint64 px, gint64 w);

/* Requests of demand line j (0-based within the fold) of fold (fr, fc): lanes [lo, hi]; for
 * ifmap and filter, lane x reads element (a0 + sa*x, b0 + sb*x) where (a, b) is (px, w) for the
 * ifmap under OS and IS, (w, px) under WS, and (f, w) / (w, f) for the filter (f first under OS
 * and WS). Lanes are listed in request order. */
typedef struct TsSystolicLanes {
    gint64 lo, hi, a0, sa, b0, sb;
} TsSystolicLanes;
void ts_systolic_lanes(const TsSystolicGeom *g, TsSystolicOperand op, gint64 fr, gint64 fc,
                       gint64 j, TsSystolicLanes *out);

/* Cells (r, c) of [0, h) x [0, w) with r + c < x: inclusion and exclusion over the x (x + 1)
 * / 2 cells of the quadrant below anti-diagonal x (128-bit once x reaches 2^31). */
static inline gint64 ts_systolic_tri_(gint64 k)
{
    return k > 0 ? k * (k + 1) / 2 : 0;
}

static inline gint64 ts_systolic_cells_below(gint64 h, gint64 w, gint64 x)
{
    if (G_LIKELY(x < G_GINT64_CONSTANT(1) << 31))
        return ts_systolic_tri_(x) - ts_systolic_tri_(x - h) - ts_systolic_tri_(x - w) +
               ts_systolic_tri_(x - h - w);
    const gint64 k[4] = {x, x - h, x - w, x - h - w};
    __int128 t[4];
    for (int i = 0; i < 4; i++)
        t[i] = k[i] > 0 ? (__int128)k[i] * (k[i] + 1) / 2 : 0;
    return (gint64)(t[0] - t[1] - t[2] + t[3]);
}

/* A skewed operand's prefetch order (the timeline's rolled read buffers): an mr x nc matrix
 * read anti-diagonal by anti-diagonal, whose last block of tb rows holds `used` valid columns
 * (the others are nulls). The valid words on anti-diagonals < d, in O(1). */
static inline gint64 ts_systolic_valid_before_diag(gint64 mr, gint64 nc, gint64 tb, gint64 used,
                                                   gint64 d)
{
    gint64 v = ts_systolic_cells_below(mr, nc, d);
    if (used < nc)
        v -= ts_systolic_cells_below(tb, nc - used, d - (mr - tb) - used);
    return v;
}

/* The memory timeline (ts-systolic-timeline.c), fold by fold in run order: demand lines go
 * through the read buffers (bandwidth-limited mode) and the ofmap write buffer. Its state is
 * the buffers' (O(1) in the folds; the rank tables are capped), so a caller may stop after
 * any fold. _fold serves the next fold and gives the cycle its last line is served, the DRAM
 * words read (bandwidth-limited mode; 0 when stall-free) and written up to its end; FALSE
 * once every fold was served. _finish, after the last fold, drains the staged rest and sets
 * cycles, stall_cycles, dram_ofmap_writes and, when bandwidth-limited, dram_ifmap_reads and
 * dram_filter_reads. The geometry is copied. */
typedef struct TsSystolicTimeline TsSystolicTimeline;
TsSystolicTimeline *ts_systolic_timeline_new(const TsSystolicGeom *g, const TsSystolicConfig *cfg);
gboolean ts_systolic_timeline_fold(TsSystolicTimeline *t, guint64 *end, guint64 *reads,
                                   guint64 *writes);
void ts_systolic_timeline_finish(TsSystolicTimeline *t, TsSystolicResult *out);
void ts_systolic_timeline_free(TsSystolicTimeline *t);

G_END_DECLS

#endif
