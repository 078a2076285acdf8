/* A systolic array's fold timing of a mapping (ts_model_systolic_folds): the passes the DES
 * runs at its finest walk, each a GEMM that the array folds by its dataflow with SCALE-Sim's
 * stall-free fold length (docs/des.md section 10.1). The model charges it when
 * TsModelOptions.systolic_folds is set; reports compare it with the model's cycles either way
 * (docs/model.md, "Systolic arrays"). */
#include "ts-model.h"

#include <string.h>

#include "ts-model-private.h"

const TsModelOptions *ts_model_options(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, NULL);
    return &model->options;
}

static uint64_t ceil_div64(uint64_t a, uint64_t b)
{
    return b == 0 ? 0 : a / b + (a % b != 0);
}

gboolean ts_model_systolic_folds(const TsModel *m, const TsMapping *map, TsSystolicFolds *f)
{
    g_return_val_if_fail(m != NULL && map != NULL && f != NULL, FALSE);
    memset(f, 0, sizeof *f);
    const TsLevel *cl = &m->compute;
    if (cl->klass != TS_CLASS_SYSTOLIC_ARRAY || cl->spec == NULL || m->n_levels == 0 ||
        m->n_tensors < 2)
        return FALSE;
    const TsSystolicSpec *sp = cl->spec;
    const uint64_t R = MAX(sp->rows, (guint64)1), C = MAX(sp->cols, (guint64)1);
    f->rows = R;
    f->cols = C;
    f->dataflow = sp->dataflow;
    /* the ifmap operand: Inputs, else the first tensor that is not the output (the DES's
     * reading of a step's GEMM) */
    const TsOp *op = m->op;
    int ifmap = ts_op_find_tensor(op, "Inputs");
    if (ifmap < 0 || (guint)ifmap == m->output)
        ifmap = m->output == 0 ? 1 : 0;
    const uint32_t out = m->dim_mask[m->output], in = m->dim_mask[ifmap];
    const guint inner = m->n_levels - 1;
    uint64_t gemm[3] = {1, 1, 1}; /* M, N, K */
    uint64_t passes = 1;
    /* the class the dataflow streams: WS M, OS K, IS N */
    const guint streamed = sp->dataflow == TS_DATAFLOW_OS ? 2 : sp->dataflow == TS_DATAFLOW_IS ? 1 : 0;
    for (guint d = 0; d < m->n_dims; d++) {
        uint64_t sx = 1;
        for (guint l = 0; l < m->n_levels; l++)
            sx *= (uint64_t)map->level[l].spatial_x[d] * map->level[l].spatial_y[d];
        uint64_t e = sx * map->level[inner].temporal[d];
        const uint64_t size = MAX(m->dims[d], (uint64_t)1);
        e = MIN(MAX(e, (uint64_t)1), size);
        passes *= ceil_div64(size, e);
        const guint k = !(out >> d & 1u) ? 2 : !(in >> d & 1u) ? 1 : 0;
        gemm[k] *= e;
        f->spatial_ext[d] = sx;
        if (k == streamed && sx > 1)
            f->streamed_spatial |= 1u << d;
    }
    f->gemm_m = gemm[0];
    f->gemm_n = gemm[1];
    f->gemm_k = gemm[2];
    f->passes = passes;
    uint64_t rows_needed, cols_needed, skew;
    switch (sp->dataflow) {
    case TS_DATAFLOW_OS:
        rows_needed = gemm[0];
        cols_needed = gemm[1];
        f->stream = gemm[2];
        skew = R + C - 2;
        break;
    case TS_DATAFLOW_IS:
        rows_needed = gemm[2];
        cols_needed = gemm[0];
        f->stream = gemm[1];
        skew = 2 * R + C - 2;
        break;
    case TS_DATAFLOW_WS:
    default:
        rows_needed = gemm[2];
        cols_needed = gemm[1];
        f->stream = gemm[0];
        skew = 2 * R + C - 2;
        break;
    }
    f->folds = ceil_div64(rows_needed, R) * ceil_div64(cols_needed, C);
    f->lines = f->stream + skew;
    const double folds = (double)passes * (double)f->folds;
    f->cycles = folds * (double)f->lines;
    f->skew_cycles = folds * (double)skew;
    return TRUE;
}
