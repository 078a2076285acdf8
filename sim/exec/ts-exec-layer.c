/* Running the part of a mapped layer the DES can run: which ops it refuses and why (a mapping
 * the walker cannot step through or whose host-link level is too deep, instances in lock-step
 * over the lanes' memory budget, a LUT-NN kernel on
 * DPUs whose kernel the DES cannot build, an op the vector unit cannot cost), and the run of
 * the others in layer order with one result per op of the layer. */
#include "ts-exec.h"
#include "ts-exec-private.h"

#include <string.h>

#include "ts-lut-kernel.h"
#include "ts-walk.h"

char *ts_exec_op_refusal(const TsArch *arch, const TsLayerResult *layer, guint i)
{
    return ts_exec_op_refusal_with(arch, layer, i, NULL);
}

char *ts_exec_op_refusal_with(const TsArch *arch, const TsLayerResult *layer, guint i,
                              const TsExecOptions *options)
{
    g_return_val_if_fail(arch != NULL && layer != NULL && i < layer->n_ops, NULL);
    const TsLayerOp *lo = &layer->ops[i];
    const TsLayerOp *src = &layer->ops[lo->same_as];
    g_autoptr(GError) error = NULL;
    if (src->lut_pim) {
        /* PIM-DL's kernel: the executor runs it (ts-exec-lut.c) unless the DES cannot build
         * it or the arch lacks the components its phases need */
        TsLutPimTarget t;
        if (!ts_lut_pim_target(arch, &t))
            return g_strdup("LUT-NN kernel on DPUs: the arch has no DPU for the DES to run it");
        if (!ts_lut_kernel_check(&t, lo->op, &src->lut, &error))
            return g_strdup(error->message);
        if (!src->lut.p.search_on_dpus && t.host == NULL)
            return g_strdup("LUT-NN kernel on DPUs: its centroid search runs on the host, which "
                            "has no vector unit in the DES");
        return NULL;
    }
    if (src->placed_on != NULL)
        return NULL; /* an einsum placed on the host runs as vector work at its cost */
    if (!lo->einsum) {
        TsVectorCost vc;
        if (!ts_layer_vector_cost(arch, lo->op, &vc, &error))
            return g_strdup(error->message);
        return NULL;
    }
    if (src->model == NULL || src->search.n_best == 0)
        return g_strdup("no mapping to simulate");
    const TsMapping *m = &src->search.best[0].mapping;
    g_autoptr(TsWalk) w = ts_walk_new(src->model, m, 0, &error);
    guint depth;
    if (w == NULL || !ts_exec_walk_depth(arch, src->model, m, 1, &depth, &error))
        return g_strdup(error->message);
    /* instances that share each host-link call run in lock-step: their state within the
     * budget, at the walk depth a run with these options takes */
    if (src->search.best[0].cost.link_batch > 1) {
        const uint64_t max_steps = options && options->max_steps ? options->max_steps
                                                                 : TS_EXEC_DEFAULT_MAX_STEPS;
        if (!ts_exec_walk_depth(arch, src->model, m, max_steps, &depth, &error))
            return g_strdup(error->message);
        g_autoptr(TsWalk) at = ts_walk_new(src->model, m, depth, &error);
        if (at == NULL ||
            !ts_exec_lanes_fit(lo->op, MAX(lo->op->count, 1), ts_exec_lane_bytes(at),
                               options && options->lane_memory_bytes ? options->lane_memory_bytes
                                                                     : TS_EXEC_LANE_MEMORY_DEFAULT,
                               &error))
            return g_strdup(error->message);
    }
    return NULL;
}

gboolean ts_exec_run_layer_subset(const TsArch *arch, const TsWorkload *workload,
                                  const TsLayerResult *layer, const gboolean *run,
                                  const TsExecOptions *options, TsExecResult *result,
                                  GError **error)
{
    g_return_val_if_fail(arch != NULL && layer != NULL && run != NULL && result != NULL, FALSE);
    memset(result, 0, sizeof *result);
    /* The ops run, each standing for its own shape (a shallow view of the layer's results). */
    TsLayerResult sub = {0};
    sub.ops = g_new0(TsLayerOp, MAX(layer->n_ops, 1u));
    guint *where = g_new0(guint, MAX(layer->n_ops, 1u));
    for (guint i = 0; i < layer->n_ops; i++) {
        if (!run[i])
            continue;
        const TsLayerOp *lo = &layer->ops[i];
        TsLayerOp *s = &sub.ops[sub.n_ops];
        *s = layer->ops[lo->same_as];
        s->op = lo->op;
        s->index = lo->index;
        s->cycles = lo->cycles;
        s->same_as = sub.n_ops;
        where[sub.n_ops++] = i;
    }
    gboolean ok = TRUE;
    TsExecResult part = {0};
    if (sub.n_ops > 0)
        ok = ts_exec_run_layer(arch, workload, &sub, options, &part, error);
    result->n_ops = layer->n_ops;
    result->ops = g_new0(TsExecOpResult, MAX(layer->n_ops, 1u));
    for (guint i = 0; i < layer->n_ops; i++) {
        result->ops[i].op = layer->ops[i].op;
        result->ops[i].einsum = layer->ops[i].einsum;
        result->ops[i].dram_row_hit_rate = -1.0;
    }
    for (guint k = 0; ok && k < part.n_ops && k < sub.n_ops; k++)
        result->ops[where[k]] = part.ops[k];
    result->cycles = part.cycles;
    result->latency_s = part.latency_s;
    result->energy_pj = part.energy_pj;
    result->macs = part.macs;
    result->events = part.events;
    result->seconds = part.seconds;
    result->trace_note = g_steal_pointer(&part.trace_note);
    result->notes = g_steal_pointer(&part.notes);
    ts_exec_result_clear(&part);
    g_free(where);
    g_free(sub.ops);
    return ok;
}
