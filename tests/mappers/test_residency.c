/* Data residency and bank-level PIM (docs/pim.md):
 * - on upmem-pim no mapping the model accepts lets a tensor skip the host link: searching a
 *   map space without the residency rules, every mapping the model accepts keeps the weights
 *   at their home (the DPU's MRAM) and the per-inference tensors at the link's landing level
 *   (the MRAM), and the model rejects the others with status residency; with the rules the
 *   space holds no such mapping at all;
 * - the weights' one-time load is counted once, apart from the per-inference figures: the
 *   layer's load bytes are each op's weight bytes x its count, and no per-inference read of
 *   the weights reaches the host's DRAM;
 * - bank-level PIM (hbm-pim, aim-like): the bank units read their banks in parallel at an
 *   aggregate rate above the DRAM's external interface, and a decode GEMV runs faster than on
 *   gemmini-like, which streams the weights over the interface. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-layer.h"
#include "ts-mapspace.h"
#include "ts-model.h"
#include "ts-workload.h"
#include "ts-residency.h"
#include "ts-search.h"
#include "ts-test.h"

static int storage_index(const TsArch *arch, const char *name)
{
    for (guint l = 0; l < ts_arch_n_storage(arch); l++)
        if (strcmp(ts_arch_storage(arch, l)->name, name) == 0)
            return (int)l;
    return -1;
}

static int tensor_index(const TsOp *op, const char *name)
{
    for (guint t = 0; t < op->n_tensors; t++)
        if (strcmp(op->tensors[t].name, name) == 0)
            return (int)t;
    return -1;
}

typedef struct {
    const TsModel *model;
    int mram, weights, n_tensors;
    guint64 ok, residency, bad_ok; /* accepted, rejected for residency, accepted yet wrong */
    GMutex lock;
} Watch;

static TsEvalStatus watch_eval(const TsMapping *m, TsCost *cost, gpointer data)
{
    Watch *w = data;
    TsEvalStatus st = ts_model_evaluate(w->model, m, cost);
    g_mutex_lock(&w->lock);
    if (st == TS_EVAL_OK) {
        w->ok++;
        /* Every tensor sits in the MRAM: the weights live there, the others land there. */
        for (int t = 0; t < w->n_tensors; t++)
            if (!(m->level[w->mram].keep & (1u << t)))
                w->bad_ok++;
        /* Nothing above the MRAM holds the weights, and the load is costed. */
        for (int l = 1; l < w->mram; l++)
            if (m->level[l].keep & (1u << w->weights))
                w->bad_ok++;
        if (cost->load_level[w->weights] != w->mram || cost->load_bytes == 0)
            w->bad_ok++;
    } else if (st == TS_EVAL_RESIDENCY) {
        w->residency++;
    }
    g_mutex_unlock(&w->lock);
    return st;
}

static void search_space(const TsArch *arch, const TsOp *op, gboolean with_rules, Watch *w)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsSpaceArch sa;
    CU_ASSERT_TRUE_FATAL(ts_space_arch_from_arch(arch, &sa, &error));
    TsRules rules;
    ts_rules_init(&rules, &sa, op);
    if (with_rules) {
        TsResidency res;
        ts_residency_init(&res, arch, op);
        CU_ASSERT_TRUE_FATAL(ts_residency_active(&res));
        CU_ASSERT_TRUE_FATAL(ts_residency_apply_rules(&res, &sa, op, &rules, &error));
    }
    g_autoptr(TsMapSpace) space = ts_mapspace_new(&sa, op, &rules, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(space);
    w->model = model;
    TsSearchOptions so;
    ts_search_options_init(&so);
    so.algorithm = TS_SEARCH_RANDOM;
    so.budget = 300;
    so.max_invalid = 20000;
    so.threads = 1;
    so.seed = 7;
    TsSearchResult r = {0};
    ts_search_run(space, watch_eval, w, &so, &r);
    ts_search_result_clear(&r);
    w->model = NULL;
}

static void test_host_link_path(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("upmem-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    const TsOp *op = ts_workload_find_op(wl, "Out");
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    Watch w = {.mram = storage_index(arch, "DPU.mram"),
               .weights = tensor_index(op, "Weights"),
               .n_tensors = (int)op->n_tensors};
    g_mutex_init(&w.lock);
    CU_ASSERT_FATAL(w.mram > 0 && w.weights >= 0);
    search_space(arch, op, FALSE, &w);
    printf("\n  without the residency rules: %" G_GUINT64_FORMAT " accepted, %" G_GUINT64_FORMAT
           " rejected for residency\n",
           w.ok, w.residency);
    CU_ASSERT(w.residency > 0);   /* the open space holds mappings that skip the link ... */
    CU_ASSERT_EQUAL(w.bad_ok, 0); /* ... and the model accepts none of them */
    w.ok = w.residency = w.bad_ok = 0;
    search_space(arch, op, TRUE, &w);
    printf("  with the rules: %" G_GUINT64_FORMAT " accepted, %" G_GUINT64_FORMAT
           " rejected for residency\n",
           w.ok, w.residency);
    CU_ASSERT(w.ok > 0);
    CU_ASSERT_EQUAL(w.residency, 0);
    CU_ASSERT_EQUAL(w.bad_ok, 0);
    g_mutex_clear(&w.lock);
}

static void test_load_once(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("upmem-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    static const char *const ops[] = {"KQV", "Out", "FF1", "FF2", NULL};
    TsLayerOptions o = {0};
    ts_search_options_init(&o.search);
    o.search.algorithm = TS_SEARCH_RANDOM;
    o.search.budget = 200;
    o.search.threads = 1;
    o.only_ops = ops;
    TsLayerResult r;
    gboolean ok = ts_layer_map(arch, wl, &o, &r, &error);
    if (!ok)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_TRUE_FATAL(ok);
    double weight_bytes = 0.0;
    const int host = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        const TsOp *op = lo->op;
        const int w = tensor_index(op, "Weights");
        CU_ASSERT_FATAL(w >= 0);
        const double bytes =
            (double)ts_op_tensor_elements(op, (guint)w) * op->tensors[w].precision.bits / 8.0;
        const TsLayerOp *src = &r.ops[lo->same_as];
        const TsMapping *m = &src->search.best[0].mapping;
        const TsCost *c = &src->search.best[0].cost;
        /* Each DPU's MRAM holds its partition: DPUs that split a dimension the weights do not
         * depend on each hold the same weights. */
        TsResidency res;
        ts_residency_init(&res, arch, op);
        double copies = 1.0;
        for (guint l = 0; l < m->n_levels; l++)
            for (guint d = 0; d < m->n_dims; d++)
                if (!(res.dim_mask[w] & (1u << d)))
                    copies *= (double)m->level[l].spatial_x[d] * m->level[l].spatial_y[d];
        printf("  %s: weights %.0f B x %.0f copies, load %" G_GUINT64_FORMAT " B\n", op->name,
               bytes, copies, lo->load_bytes);
        CU_ASSERT_EQUAL(lo->load_bytes, (guint64)(bytes * copies));
        CU_ASSERT_EQUAL(c->load_bytes_tensor[w], lo->load_bytes); /* only the weights */
        weight_bytes += bytes * copies * (double)MAX(op->count, (uint64_t)1);
        /* Per inference the host's DRAM never serves the weights, and their home is never
         * refilled. */
        CU_ASSERT_EQUAL(c->level[host].tensor[w].reads, 0);
        CU_ASSERT_EQUAL(c->level[res.home[w]].tensor[w].fills, 0);
        CU_ASSERT(c->load_energy_pj > 0.0 && c->load_s > 0.0);
    }
    CU_ASSERT_DOUBLE_EQUAL(r.load_bytes, weight_bytes, 0.5);
    ts_layer_result_clear(&r);
}

/* Op placement: on upmem-pim (a host CPU above the host link) the attention einsums of
 * bert-base-lut, in fp32 (soft-float on the DPUs), run on the host, each where its EDP is lower
 * (host cost = ts_layer_vector_cost, mapped cost = the best mapping's), and an op whose weights
 * are resident in MRAM stays on the DPUs; an arch without a host places nothing. */
static void place(const char *arch_name, const char *wl_name, guint *on_host, guint *einsums)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load(wl_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    TsLayerOptions o = {0};
    ts_search_options_init(&o.search);
    o.search.algorithm = TS_SEARCH_RANDOM;
    o.search.budget = 300;
    o.search.threads = 1;
    TsLayerResult r;
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &o, &r, &error));
    *on_host = *einsums = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        if (!lo->einsum || lo->same_as != i)
            continue;
        (*einsums)++;
        const TsCost *c = &lo->search.best[0].cost;
        gboolean resident = FALSE;
        for (guint t = 0; t < lo->op->n_tensors; t++)
            resident |= lo->op->tensors[t].role == TS_TENSOR_PARAMETERS;
        if (ts_layer_host_unit(arch) == NULL || resident) {
            CU_ASSERT_PTR_NULL(lo->placed_on);
            continue;
        }
        TsVectorCost v;
        CU_ASSERT_TRUE_FATAL(ts_layer_vector_cost(arch, lo->op, &v, &error));
        const double host_edp = v.energy_pj * v.cycles, mapped_edp = c->energy_pj * c->cycles;
        CU_ASSERT_DOUBLE_EQUAL(lo->mapped_cycles, c->cycles, 1e-9 * c->cycles);
        if (lo->placed_on != NULL) {
            CU_ASSERT(host_edp < mapped_edp);
            CU_ASSERT_EQUAL(lo->cycles, v.cycles);
            CU_ASSERT_EQUAL(lo->energy_pj, v.energy_pj);
            (*on_host)++;
        } else {
            CU_ASSERT(host_edp >= mapped_edp);
            CU_ASSERT_EQUAL(lo->cycles, c->cycles);
        }
    }
    ts_layer_result_clear(&r);
}

static void test_placement(void)
{
    guint host, einsums;
    place("upmem-pim", "bert-base-lut", &host, &einsums);
    CU_ASSERT_EQUAL(einsums, 2); /* KTQ and VScores; the projections are LUT ops */
    CU_ASSERT_EQUAL(host, 2);
    place("upmem-pim", "bert-base", &host, &einsums);
    CU_ASSERT(einsums >= 5 && host <= 2); /* the weights' ops stay with their weights */
    place("gemmini-like", "bert-base", &host, &einsums);
    CU_ASSERT_EQUAL(host, 0);
}

static double gemv_latency(const char *arch_name, double *in_bank_bps, double *io_bps)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load("gpt2-small-decode", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    *in_bank_bps = 0.0;
    *io_bps = ts_arch_level_read_bw_bytes_per_s(arch, ts_arch_storage(arch, 0));
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL &&
            ((const TsPimCoreSpec *)l->spec)->kind == TS_PIM_BANK_UNIT &&
            ((const TsPimCoreSpec *)l->spec)->bank_unit_bw_bytes_per_s > 0.0 && *in_bank_bps == 0)
            *in_bank_bps =
                ((const TsPimCoreSpec *)l->spec)->bank_unit_bw_bytes_per_s * (double)l->instances;
    }
    static const char *const ops[] = {"FF1", NULL};
    TsLayerOptions o = {0};
    ts_search_options_init(&o.search);
    o.search.budget = 3000;
    o.search.threads = 1;
    o.only_ops = ops;
    TsLayerResult r;
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &o, &r, &error));
    const double s = r.latency_s;
    ts_layer_result_clear(&r);
    return s;
}

static void test_bank_gemv(void)
{
    double bank_hbm, io_hbm, bank_aim, io_aim, b0, io0;
    const double hbm = gemv_latency("hbm-pim", &bank_hbm, &io_hbm);
    const double aim = gemv_latency("aim-like", &bank_aim, &io_aim);
    const double npu = gemv_latency("gemmini-like", &b0, &io0);
    printf("\n  GPT-2 small decode FF1: hbm-pim %.4g us (in-bank %.4g GB/s, interface %.4g GB/s), "
           "aim-like %.4g us (in-bank %.4g GB/s, interface %.4g GB/s), gemmini-like %.4g us\n",
           hbm * 1e6, bank_hbm / 1e9, io_hbm / 1e9, aim * 1e6, bank_aim / 1e9, io_aim / 1e9,
           npu * 1e6);
    /* All banks at once read faster than the interface can carry. */
    CU_ASSERT(bank_hbm > 2.0 * io_hbm);
    CU_ASSERT(bank_aim > 2.0 * io_aim);
    /* The GEMV reads its weights in place: several-fold faster than streaming them. */
    CU_ASSERT(npu > 4.0 * hbm);
    CU_ASSERT(npu > 4.0 * aim);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("residency", NULL, NULL);
    CU_add_test(s, "host_link_path", test_host_link_path);
    CU_add_test(s, "load_once", test_load_once);
    CU_add_test(s, "bank_gemv", test_bank_gemv);
    CU_add_test(s, "op placement on the host", test_placement);
    return ts_test_run(argc, argv);
}
