/* Ops built in code for the unit suites: a GEMM as the Timeloop reference problems write it,
 * Outputs[M,N] += Inputs[M,K] * Weights[K,N], 16-bit, with dimension and tensor indices fixed
 * (M N K; Weights Inputs Outputs) so tests can address them by constant. */
#ifndef TS_TEST_OPS_H
#define TS_TEST_OPS_H

#include <string.h>

#include "ts-op.h"

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

#endif /* TS_TEST_OPS_H */
