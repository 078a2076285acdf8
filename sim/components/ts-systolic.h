/* Systolic array timing model with SCALE-Sim v2's semantics: a rows x cols array of PEs running
 * one layer (a GEMM, or a convolution lowered to one) fold by fold under the output-, weight- or
 * input-stationary dataflow, with operand skew, fill, stream and drain per fold; per-operand
 * double-buffered SRAMs in front of DRAM; and either a stall-free interface whose bandwidth is
 * whatever the prefetches need (SCALE-Sim's CALC mode) or a fixed words/cycle interface whose late
 * prefetches stall the array (USER mode). Counts are computed per fold and per event in closed
 * form, never per PE per cycle; docs/des.md describes the model and where it differs from
 * SCALE-Sim. */
#ifndef TS_SYSTOLIC_H
#define TS_SYSTOLIC_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    TS_SYSTOLIC_OS =
        0, /* output stationary: rows take output pixels, cols filters, window streams */
    TS_SYSTOLIC_WS = 1, /* weight stationary: rows take the window, cols filters, pixels stream */
    TS_SYSTOLIC_IS = 2, /* input stationary: rows take the window, cols pixels, filters stream */
} TsSystolicDataflow;

/* "os", "ws", "is" (lower case, as SCALE-Sim writes them). */
const char *ts_systolic_dataflow_name(TsSystolicDataflow df);
/* Parses "os"/"ws"/"is" in any case; FALSE when the text is none of them. */
gboolean ts_systolic_dataflow_parse(const char *text, TsSystolicDataflow *out);

/* The array and its memory system. SRAM sizes are in words (SCALE-Sim: kB x 1024 with 1-byte
 * words); each SRAM is double buffered, half active and half prefetch/drain. */
typedef struct TsSystolicConfig {
    guint32 rows, cols; /* PEs (SCALE-Sim ArrayHeight, ArrayWidth), >= 1 */
    TsSystolicDataflow dataflow;
    guint64 ifmap_sram_words, filter_sram_words, ofmap_sram_words; /* >= 2 each */
    /* FALSE: stall-free interface (SCALE-Sim CALC); the read prefetch bandwidth is whatever is
     * needed and the ofmap drain runs at `cols` words/cycle. TRUE: every SRAM exchanges at most
     * dram_words_per_cycle words per cycle with DRAM (SCALE-Sim USER). */
    gboolean bandwidth_limited;
    guint32 dram_words_per_cycle; /* >= 1 when bandwidth_limited */
} TsSystolicConfig;

/* One layer in SCALE-Sim's convolution form. A GEMM A(MxK) x B(KxN) is
 * {.ifmap_h = M, .ifmap_w = K, .filter_h = 1, .filter_w = K, .channels = 1, .num_filters = N,
 *  .stride_h = 1, .stride_w = 1} (ts_systolic_layer_gemm). */
typedef struct TsSystolicLayer {
    guint64 ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride_h, stride_w;
} TsSystolicLayer;

TsSystolicLayer ts_systolic_layer_gemm(guint64 m, guint64 n, guint64 k);

/* Checks a config and a layer (sizes >= 1, filter within the ifmap, products within 2^40 so
 * every count fits); FALSE with a TS_SYSTOLIC_ERROR naming the field otherwise. */
gboolean ts_systolic_config_check(const TsSystolicConfig *cfg, GError **error);
gboolean ts_systolic_layer_check(const TsSystolicLayer *layer, GError **error);

/* Results of one layer, with SCALE-Sim's definitions. All counts are words. */
typedef struct TsSystolicResult {
    guint64 cycles;       /* SCALE-Sim total_cycles: the cycle the last ofmap line is written */
    guint64 stall_cycles; /* cycles the array waited for prefetches or ofmap drains */
    guint64 macs;         /* ofmap pixels x window size x filters */
    guint64 folds;        /* row folds x column folds */
    guint64 ofmap_px, window, filters; /* GEMM view: M (pixels), K (window), N (filters) */
    double overall_util_pct;           /* 100 * macs / (cycles * rows * cols) */
    double mapping_eff_pct;            /* mean over folds of used PEs / all PEs */
    double compute_util_pct;           /* mean over folds of MAC cycles / (PEs * fold cycles) */
    guint64 sram_ifmap_reads, sram_filter_reads;
    guint64 sram_ofmap_writes; /* includes partial sums for WS/IS and OS's per-fold edge count */
    guint64 dram_ifmap_reads, dram_filter_reads, dram_ofmap_writes;
} TsSystolicResult;

/* Runs one layer. Memory does not grow with the folds (at most 2^17 anti-diagonals of an operand
 * are tabulated, the rest in closed form), except the per-address tables of convolutions with
 * overlapping windows, O(ifmap words) and bounded below; time is
 * O(folds + events) where events are the demand lines that may miss an SRAM window, start an
 * ofmap drain or stall, for layers whose operand words are distinct (GEMMs, 1x1 and
 * non-overlapping convolutions); convolutions with overlapping windows take O(operand reads)
 * more (bounded: at most 2^27 ifmap words and 2^33 ifmap requests). FALSE with an error when
 * the inputs fail the checks above or exceed those bounds, or the layer needs more than 2^28
 * folds or 2^50 cycles on this array. */
gboolean ts_systolic_run(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                         TsSystolicResult *out, GError **error);

/* Folds of a layer (row folds x column folds); 0 on API misuse. The inputs must pass the
 * checks. */
guint64 ts_systolic_n_folds(const TsSystolicConfig *cfg, const TsSystolicLayer *layer);

/* As ts_systolic_run, and when fold_end is not NULL (n_fold_end >= the layer's folds) it
 * receives, per fold in run order (column folds outermost), the cycle at which the fold's last
 * demand line is served: the fold boundaries of the timeline, stalls included. */
gboolean ts_systolic_run_folds(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                               TsSystolicResult *out, guint64 *fold_end, gsize n_fold_end,
                               GError **error);

/* As ts_systolic_run_folds, and when fold_reads / fold_writes are not NULL (n entries) they
 * receive the DRAM words read and written up to the end of each fold (bandwidth-limited
 * mode: as the prefetches and drains issue them; stall-free: reads are counted per layer, so
 * they are spread over the folds in proportion to their number). */
gboolean ts_systolic_run_folds_dram(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                                    TsSystolicResult *out, guint64 *fold_end, guint64 *fold_reads,
                                    guint64 *fold_writes, gsize n, GError **error);

/* A layer's folds visited one at a time in run order, in memory that does not grow with the
 * number of folds (the model's buffer state only): what ts_systolic_run_folds_dram fills in
 * arrays, for a caller that needs each fold only when it reaches it (the systolic_array DES
 * component). _new runs the checks and the per-layer counts (O(folds) time, O(1) memory);
 * NULL with the same errors as ts_systolic_run. _next serves the next fold and gives its
 * boundary cycle and the DRAM words read and written up to its end (any may be NULL); FALSE
 * after the last fold. _result is every figure of ts_systolic_run once the last fold was
 * served (before that, only the per-layer counts: macs, folds, SRAM counts, utilisation
 * means, and the stall-free DRAM reads). */
typedef struct TsSystolicFoldIter TsSystolicFoldIter;
TsSystolicFoldIter *ts_systolic_fold_iter_new(const TsSystolicConfig *cfg,
                                              const TsSystolicLayer *layer, GError **error);
gboolean ts_systolic_fold_iter_next(TsSystolicFoldIter *it, guint64 *end, guint64 *reads,
                                    guint64 *writes);
const TsSystolicResult *ts_systolic_fold_iter_result(const TsSystolicFoldIter *it);
guint64 ts_systolic_fold_iter_folds(const TsSystolicFoldIter *it);
void ts_systolic_fold_iter_free(TsSystolicFoldIter *it);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsSystolicFoldIter, ts_systolic_fold_iter_free)

#define TS_SYSTOLIC_ERROR (ts_systolic_error_quark())
GQuark ts_systolic_error_quark(void);
typedef enum {
    TS_SYSTOLIC_ERROR_INVALID, /* a config or layer value out of range */
} TsSystolicError;

G_END_DECLS

#endif /* TS_SYSTOLIC_H */
