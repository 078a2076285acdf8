/* The workload model: an op is an einsum over named dimensions whose tensors are affine
 * projections of those dimensions, each with its own precision; non-einsum ops (softmax,
 * layernorm, GELU, residual add) carry element counts and passes; LUT-NN ops (PIM-DL) carry
 * their codebook shape. A workload is an ordered list of ops, each with a count. Plain data,
 * fixed-size arrays: the model's hot path reads it without indirection. */
#ifndef TS_OP_H
#define TS_OP_H

#include <glib.h>
#include <stdint.h>

#include "ts-config.h"

G_BEGIN_DECLS

#define TS_MAX_DIMS 8    /* Timeloop's CNN layer has 7 (R S P Q C K N) + G in v0.4 */
#define TS_MAX_TENSORS 4 /* data spaces per op */
#define TS_MAX_RANKS 6   /* ranks per tensor */
#define TS_MAX_TERMS 2   /* terms per rank: Wstride*P + Wdilation*R */

typedef enum {
    TS_NUM_INT,
    TS_NUM_UINT,
    TS_NUM_FP,   /* IEEE binary16/32 by bits */
    TS_NUM_BF16,
    TS_NUM_FP8_E4M3,
    TS_NUM_FP8_E5M2,
    TS_NUM_NF4,
} TsNumFormat;

typedef struct {
    uint8_t bits; /* 1, 2, 4, 8, 16, 32 */
    TsNumFormat format;
} TsPrecision;

/* One rank (coordinate) of a tensor: sum over terms of coef[i] * dim[i]. */
typedef struct {
    uint8_t n_terms;
    uint8_t dim[TS_MAX_TERMS];
    int64_t coef[TS_MAX_TERMS];
} TsProjection;

typedef struct {
    const char *name; /* "Weights", "Inputs", "Outputs", or any name */
    uint8_t n_ranks;
    TsProjection ranks[TS_MAX_RANKS];
    gboolean read_write; /* the output: read-modify-write */
    TsPrecision precision;
} TsTensor;

typedef enum {
    TS_OP_EINSUM,      /* GEMM, batched GEMM, convolution: MACs over all dims */
    TS_OP_ELEMENTWISE, /* softmax, layernorm, gelu, silu, add: vector-unit work */
    TS_OP_LUT,         /* LUT-NN: centroid search + table lookup-accumulate */
} TsOpKind;

typedef enum {
    TS_EW_SOFTMAX,
    TS_EW_LAYERNORM,
    TS_EW_GELU,
    TS_EW_SILU,
    TS_EW_ADD,
    TS_EW_COUNT_
} TsElementwiseKind;

typedef struct {
    const char *name; /* "KQV", "FF1", ... (borrowed from the workload) */
    TsOpKind kind;
    uint64_t count; /* times the op runs per layer (e.g. once per head) */

    uint8_t n_dims;
    const char *dim_names[TS_MAX_DIMS];
    uint64_t dims[TS_MAX_DIMS];

    uint8_t n_tensors;
    TsTensor tensors[TS_MAX_TENSORS];
    uint8_t output; /* index of the read-write tensor */

    uint64_t macs; /* one instance: product of dims for einsums, 0 otherwise */

    /* TS_OP_ELEMENTWISE */
    TsElementwiseKind ew_kind;
    uint64_t elements; /* elements per instance */
    uint32_t passes;   /* sweeps over the data (softmax 2-3, layernorm 3) */

    /* TS_OP_LUT (PIM-DL): M tokens x K features against N outputs, sub-vectors of vec_len,
     * centroids per codebook; tables (K/vec_len) * centroids * N entries. */
    uint32_t lut_vec_len;
    uint32_t lut_centroids;
    TsPrecision lut_index, lut_table, lut_acc; /* uint16, int8, int32 as PIM-DL */
} TsOp;

typedef struct TsWorkload TsWorkload;

/* Overrides applied when building a named model workload; 0 / NULL = the file's value or the
 * default (seq 128, batch 1, prefill, fp16). */
typedef struct {
    uint64_t seq;
    uint64_t batch;
    uint64_t kv_len;
    const char *phase;     /* "prefill" | "decode" */
    const char *precision; /* preset name: "fp16", "int8", "w4a16", ... */
} TsWorkloadOverrides;

/* Loads a workload from a path or library name ("bert-base"): a tilesim workload YAML (model
 * config or explicit ops) or a Timeloop problem YAML (one op). Returns owned or NULL with
 * TS_CONFIG_ERROR naming file:line:col and key path. overrides may be NULL. */
TsWorkload *ts_workload_load(const char *path_or_name, const TsWorkloadOverrides *overrides,
                             GError **error);
void ts_workload_free(TsWorkload *workload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsWorkload, ts_workload_free)

const char *ts_workload_name(const TsWorkload *workload);
guint ts_workload_n_ops(const TsWorkload *workload);
const TsOp *ts_workload_op(const TsWorkload *workload, guint index);
/* Op by name ("FF1"), or NULL. */
const TsOp *ts_workload_find_op(const TsWorkload *workload, const char *name);

/* Index of a dimension / tensor by name, or -1. */
int ts_op_find_dim(const TsOp *op, const char *name);
int ts_op_find_tensor(const TsOp *op, const char *name);
/* Words of a tensor for the full problem (product of rank extents). */
uint64_t ts_op_tensor_elements(const TsOp *op, guint tensor);

G_END_DECLS

#endif /* TS_OP_H */
