/* Ops built in code for the unit suites: a GEMM as the Timeloop reference problems write it,
 * Outputs[M,N] += Inputs[M,K] * Weights[K,N], 16-bit, with dimension and tensor indices fixed
 * (M N K; Weights Inputs Outputs) so tests can address them by constant. */
#ifndef TS_TEST_OPS_H
#define TS_TEST_OPS_H

#include <string.h>

#include "ts-workload.h"

enum { TS_TEST_DIM_M, TS_TEST_DIM_N, TS_TEST_DIM_K };
enum { TS_TEST_WEIGHTS, TS_TEST_INPUTS, TS_TEST_OUTPUTS };

/* Rank r of tensor t is the single dimension dim (coefficient 1). */
static inline void ts_test_rank(TsTensor *t, guint r, guint dim)
{
    t->ranks[r].n_terms = 1;
    t->ranks[r].dim[0] = (uint8_t)dim;
    t->ranks[r].coef[0] = 1;
}

static inline void ts_test_gemm(TsOp *op, uint64_t m, uint64_t n, uint64_t k)
{
    memset(op, 0, sizeof *op);
    op->name = "gemm";
    op->kind = TS_OP_EINSUM;
    op->count = 1;
    op->n_dims = 3;
    op->dim_names[TS_TEST_DIM_M] = "M";
    op->dim_names[TS_TEST_DIM_N] = "N";
    op->dim_names[TS_TEST_DIM_K] = "K";
    op->dims[TS_TEST_DIM_M] = m;
    op->dims[TS_TEST_DIM_N] = n;
    op->dims[TS_TEST_DIM_K] = k;
    op->n_tensors = 3;
    TsTensor *w = &op->tensors[TS_TEST_WEIGHTS], *i = &op->tensors[TS_TEST_INPUTS];
    TsTensor *o = &op->tensors[TS_TEST_OUTPUTS];
    *w = (TsTensor){.name = "Weights", .n_ranks = 2, .precision = {16, TS_NUM_FP}};
    ts_test_rank(w, 0, TS_TEST_DIM_K);
    ts_test_rank(w, 1, TS_TEST_DIM_N);
    *i = (TsTensor){.name = "Inputs", .n_ranks = 2, .precision = {16, TS_NUM_FP}};
    ts_test_rank(i, 0, TS_TEST_DIM_M);
    ts_test_rank(i, 1, TS_TEST_DIM_K);
    *o = (TsTensor){
        .name = "Outputs", .n_ranks = 2, .read_write = TRUE, .precision = {16, TS_NUM_FP}};
    ts_test_rank(o, 0, TS_TEST_DIM_M);
    ts_test_rank(o, 1, TS_TEST_DIM_N);
    op->output = TS_TEST_OUTPUTS;
    op->macs = m * n * k;
}

/* A 2-D convolution P, R, Q, S: Weights[R,S], Inputs[P+R, Q+S] (sliding windows),
 * Outputs[P,Q]; no precision given (Timeloop-problem placeholders). */
static inline void ts_test_conv2d(TsOp *op, uint64_t p, uint64_t r, uint64_t q, uint64_t s)
{
    memset(op, 0, sizeof *op);
    op->name = "conv2d";
    op->kind = TS_OP_EINSUM;
    op->count = 1;
    op->n_dims = 4;
    static const char *const names[4] = {"P", "R", "Q", "S"};
    const uint64_t sizes[4] = {p, r, q, s};
    for (guint d = 0; d < 4; d++) {
        op->dim_names[d] = names[d];
        op->dims[d] = sizes[d];
    }
    op->n_tensors = 3;
    op->tensors[0] = (TsTensor){.name = "Weights", .n_ranks = 2, .precision = {16, TS_NUM_INT}};
    op->tensors[0].ranks[0] = (TsProjection){1, {1}, {1}};
    op->tensors[0].ranks[1] = (TsProjection){1, {3}, {1}};
    op->tensors[1] = (TsTensor){.name = "Inputs", .n_ranks = 2, .precision = {16, TS_NUM_INT}};
    op->tensors[1].ranks[0] = (TsProjection){2, {0, 1}, {1, 1}};
    op->tensors[1].ranks[1] = (TsProjection){2, {2, 3}, {1, 1}};
    op->tensors[2] = (TsTensor){
        .name = "Outputs", .n_ranks = 2, .read_write = TRUE, .precision = {16, TS_NUM_INT}};
    op->tensors[2].ranks[0] = (TsProjection){1, {0}, {1}};
    op->tensors[2].ranks[1] = (TsProjection){1, {2}, {1}};
    op->output = 2;
    op->precision_is_default = TRUE;
    op->macs = p * r * q * s;
}

/* A small BERT-like layer (hidden 64, 4 heads, FFN 96, sequence 16): every einsum kind of a real
 * layer (batched attention products included) at a size the engine-vs-model suites check in
 * milliseconds. NULL with error set when the builder refuses it. */
static inline TsWorkload *ts_test_small_transformer(GError **error)
{
    TsTransformerConfig cfg;
    if (!ts_transformer_config_init(&cfg, "bert-base", error))
        return NULL;
    cfg.hidden = 64;
    cfg.heads = cfg.kv_heads = 4;
    cfg.ffn = 96;
    cfg.seq = 16;
    return ts_transformer_build("small", &cfg, error);
}

#endif /* TS_TEST_OPS_H */
