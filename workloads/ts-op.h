/* The op model: an op is an einsum over named dimensions whose tensors are affine
 * projections of those dimensions, each with its own precision; non-einsum ops (softmax,
 * layernorm, GELU, residual add) carry element counts and passes; LUT-NN ops (PIM-DL) carry
 * their codebook shape. Plain data, fixed-size arrays: the model's hot path reads it without
 * indirection. Workloads (ordered ops with counts) are in ts-workload.h. */
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
    TS_NUM_FP, /* IEEE binary16/32 by bits */
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

/* What a tensor holds, for data residency (docs/pim.md): per-inference data (activations and
 * outputs), the op's learned parameters (projection weights, LUT-NN tables), or a decode
 * step's key/value cache (the K or V operand of attention, built token by token and kept). */
typedef enum {
    TS_TENSOR_DATA,
    TS_TENSOR_PARAMETERS,
    TS_TENSOR_KV_CACHE,
    TS_TENSOR_ROLE_COUNT_
} TsTensorRole;

typedef struct {
    const char *name; /* "Weights", "Inputs", "Outputs", or any name */
    uint8_t n_ranks;
    TsProjection ranks[TS_MAX_RANKS];
    gboolean read_write; /* the output: read-modify-write */
    TsPrecision precision;
    TsTensorRole role; /* TS_TENSOR_DATA unless the builder or the file says otherwise */
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
    TS_EW_RMSNORM, /* LLaMA's RMSNorm: 2 passes (mean square, scale), gamma as parameters */
    TS_EW_ROPE,    /* rotary position embedding of Q and K */
    TS_EW_MUL,     /* elementwise product (SwiGLU's gate x up) */
    TS_EW_EMBED,   /* embedding lookup: one table row gathered per token (the parameters) */
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

    /* ---- Added by the workloads module (all plain data, filled for every op) ---- */

    /* Learned parameters read by one instance (projection weights, layernorm gamma + beta);
     * 0 for attention products (their "Weights" data space is an activation) and for
     * Timeloop problems, which do not say which tensor holds parameters. */
    uint64_t param_elements;
    TsPrecision param_precision;

    /* TRUE when the input gave no precision (Timeloop problems): tensors carry 16-bit
     * placeholders and the model should take word bits from the architecture. */
    gboolean precision_is_default;

    /* TS_OP_LUT derived counts, per instance. Dims are D (outputs N), CB (codebooks K/V),
     * V (vec_len), C (centroids), L (tokens M). */
    uint64_t lut_codebooks;     /* K / vec_len */
    uint64_t lut_table_entries; /* codebooks * centroids * N */
    uint64_t lut_search_macs;   /* closest-centroid search: M * codebooks * centroids * V */
    uint64_t lut_lookups;       /* lookup-accumulates: M * N * codebooks */
} TsOp;

/* Index of a dimension / tensor by name, or -1. */
int ts_op_find_dim(const TsOp *op, const char *name);
int ts_op_find_tensor(const TsOp *op, const char *name);
/* Words of a tensor for the full problem (product of rank extents). */
uint64_t ts_op_tensor_elements(const TsOp *op, guint tensor);

/* ==== Additions (workloads module) ======================================================= */

/* ---- Precisions ---- */

/* Weights / activations / outputs precisions of a preset ("fp16", "int8", "w4a16", ...).
 * outputs is what output tensors (partial sums included) are stored at. */
typedef struct {
    TsPrecision weights, activations, outputs;
} TsPrecisionSet;

/* Parses a number format name: int1 int2 int4 int8 int16 int32, uint1 .. uint32, fp16 fp32,
 * bf16, fp8_e4m3 (e4m3), fp8_e5m2 (e5m2), nf4 (case-insensitive). Unknown names set
 * TS_CONFIG_ERROR_REFERENCE with a did-you-mean (no file position: loaders add it). */
gboolean ts_precision_parse(const char *text, TsPrecision *out, GError **error);
/* Canonical name ("int8", "bf16", "fp8_e4m3"), static; "invalid" for a combination that
 * ts_precision_parse would not produce. */
const char *ts_precision_name(TsPrecision precision);
/* TRUE for a combination ts_precision_parse can produce. */
gboolean ts_precision_valid(TsPrecision precision);
/* Preset by name (see docs/workloads.md), or TS_CONFIG_ERROR_REFERENCE with a did-you-mean. */
gboolean ts_precision_preset(const char *name, TsPrecisionSet *out, GError **error);
/* NULL-terminated static list of preset names, in documentation order. */
const char *const *ts_precision_preset_names(void);

/* Arithmetic energy at 45 nm (pJ) by precision: Horowitz ISSCC 2014 for int8/int32/fp16/fp32,
 * other formats scaled from it (docs/energy.md, "Arithmetic by precision"). An add at p; a
 * multiply of a by b (at the wider float significand when either is float). */
double ts_precision_add_pj_45nm(TsPrecision p);
double ts_precision_mul_pj_45nm(TsPrecision a, TsPrecision b);
/* One MAC of operands a and b accumulating at acc: the multiply and the add, plus, when an
 * integer (or NF4) operand meets a float one, its dequantization to that format (one multiply
 * at that format per use), as weight-only quantized kernels (W4A16) do. how (may be NULL)
 * receives the breakdown ("int8 x int8 multiply 0.2 + int32 add 0.1"). */
double ts_precision_mac_pj_45nm(TsPrecision a, TsPrecision b, TsPrecision acc, char *how,
                                gsize how_len);

/* ---- Ops ---- */

const char *ts_op_kind_name(TsOpKind kind);                   /* "einsum", "elementwise", "lut" */
const char *ts_tensor_role_name(TsTensorRole role);           /* "data", "parameters", "kv_cache" */
const char *ts_elementwise_kind_name(TsElementwiseKind kind); /* "softmax", "gelu", ... */
/* Extent of one rank: sum over terms of coef * (dim - 1), plus 1 (Timeloop's dense extent). */
uint64_t ts_op_rank_extent(const TsOp *op, guint tensor, guint rank);
/* Bytes of a tensor at its precision: ceil(elements * bits / 8). */
uint64_t ts_op_tensor_bytes(const TsOp *op, guint tensor);
/* Bytes of the op's parameters at param_precision: ceil(param_elements * bits / 8). */
uint64_t ts_op_param_bytes(const TsOp *op);
/* Compulsory traffic of one instance: every tensor read or written once (sum of
 * ts_op_tensor_bytes). Parameters of elementwise ops (layernorm gamma, beta), which are not a
 * tensor of the op, are added. */
uint64_t ts_op_bytes(const TsOp *op);
/* Work of one instance: macs (einsum), elements * passes (elementwise),
 * lut_search_macs + lut_lookups (LUT). */
uint64_t ts_op_work(const TsOp *op);
/* Arithmetic intensity: ts_op_work / ts_op_bytes (MACs per byte for einsums); 0 when no
 * bytes. */
double ts_op_intensity(const TsOp *op);

/* Checks a hand-built op and fills its derived fields (macs, output, LUT counts): dims > 0,
 * projections naming existing dims, one read-write tensor, valid precisions, and 64-bit
 * counts (macs x count, tensor bytes) that do not overflow. For ops built in code (tests,
 * other modules); loaders apply the same checks with file positions. */
gboolean ts_op_finalize(TsOp *op, GError **error);

G_END_DECLS

#endif /* TS_OP_H */
