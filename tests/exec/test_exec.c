/* The mapping executor against the analytical model. Counts: over many random valid mappings
 * of several ops (GEMMs, the einsums of a small transformer layer, a convolution with sliding
 * windows) on several architectures, the reads, fills and updates the DES counts per level and
 * tensor, and its MACs, equal the model's. Consistency: the BERT-base einsums mapped by the
 * search on gemmini-like and eyeriss-like with multiple_buffering: 2 (tiles fit twice), run
 * with unlimited DRAM bandwidth, take within 5% of the model's cycles without the DRAM bound;
 * with the DRAM's bus cut to 8 bits the DES shows the stall on the DRAM where the model says the
 * DRAM bounds an op, and the model's cycles stay a lower bound. Seed printed; TILESIM_TEST_SEED
 * overrides it. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-test.h"

/* Runs one mapping through the DES and compares its counted actions with the model's. */
static gboolean check_counts(const TsArch *arch, const TsModel *m, const TsMapping *map,
                             const char *what)
{
    g_autoptr(GError) error = NULL;
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, map, &cost), TS_EVAL_OK);
    TsExecOptions opt = {.max_steps = 512};
    TsExecOpResult r;
    gboolean ok = ts_exec_run_op(arch, m, map, 1, &opt, &r, &error);
    CU_ASSERT_TRUE(ok);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", what, error ? error->message : "?");
        return FALSE;
    }
    CU_ASSERT_EQUAL(r.cost.macs, cost.macs);
    CU_ASSERT(r.cycles > 0);
    const TsOp *op = ts_model_op(m);
    for (guint l = 0; l < ts_model_n_levels(m); l++) {
        for (guint t = 0; t < op->n_tensors; t++) {
            const TsTensorCost *a = &cost.level[l].tensor[t], *d = &r.cost.level[l].tensor[t];
            if (a->reads != d->reads || a->fills != d->fills || a->updates != d->updates ||
                a->tile_words != d->tile_words) {
                fprintf(stderr,
                        "%s: %s %s: DES reads %" G_GUINT64_FORMAT " fills %" G_GUINT64_FORMAT
                        " updates %" G_GUINT64_FORMAT " tile %" G_GUINT64_FORMAT
                        ", model %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                        " %" G_GUINT64_FORMAT "\n",
                        what, ts_model_level(m, l)->name, op->tensors[t].name, d->reads, d->fills,
                        d->updates, d->tile_words, a->reads, a->fills, a->updates, a->tile_words);
                g_autofree char *nest = ts_model_format_nest(m, map);
                fprintf(stderr, "%s", nest);
                CU_FAIL("DES counts differ from the model");
                return FALSE;
            }
        }
        /* energy from the same counts and per-action energies */
        CU_ASSERT_DOUBLE_EQUAL(r.cost.level[l].energy_pj, cost.level[l].energy_pj,
                               1e-9 * fabs(cost.level[l].energy_pj) + 1e-9);
    }
    CU_ASSERT_DOUBLE_EQUAL(r.cost.energy_pj, cost.energy_pj, 1e-9 * cost.energy_pj + 1e-9);
    /* the figures that follow from the simulated time */
    CU_ASSERT(r.cost.utilization > 0 && r.cost.utilization <= 1 + 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.utilization * r.cost.cycles, cost.utilization * cost.cycles,
                           1e-6 * cost.utilization * cost.cycles);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.edp_j_cycles, r.cost.energy_pj * 1e-12 * r.cost.cycles,
                           1e-9 * r.cost.edp_j_cycles);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.leakage_pj * cost.cycles, cost.leakage_pj * r.cost.cycles,
                           1e-6 * cost.leakage_pj * r.cost.cycles + 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.area_um2, cost.area_um2, 1e-9 * cost.area_um2);
    return TRUE;
}

static void check_pair(const char *arch_name, const TsOp *op, GRand *rng, guint n)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsModel) m = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsMapping *maps = g_new0(TsMapping, n);
    guint found = ts_test_random_mappings(arch, m, op, rng, maps, n, 200 * n);
    CU_ASSERT(found >= n / 2);
    g_autofree char *what = g_strdup_printf("%s on %s", op->name, arch_name);
    guint checked = 0;
    for (guint i = 0; i < found; i++)
        checked += check_counts(arch, m, &maps[i], what);
    CU_ASSERT_EQUAL(checked, found);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "%s: %u mappings\n", what, found);
    g_free(maps);
}

static const char *const kArchs[] = {"eyeriss-like", "gemmini-like", "transformer-gemmini",
                                     "simba-like", NULL};

static GRand *new_rng(void)
{
    return g_rand_new_with_seed((guint32)ts_test_seed(20261205));
}

static void test_counts_gemms(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_gemm(&op, 16, 24, 36);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 12);
    ts_test_gemm(&op, 64, 12, 128);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 8);
}

static void test_counts_layer_ops(void)
{
    g_autoptr(GRand) rng = new_rng();
    g_autoptr(GError) error = NULL;
    TsTransformerConfig cfg;
    CU_ASSERT_TRUE_FATAL(ts_transformer_config_init(&cfg, "bert-base", &error));
    cfg.hidden = 64;
    cfg.heads = cfg.kv_heads = 4;
    cfg.ffn = 96;
    cfg.seq = 16;
    g_autoptr(TsWorkload) wl = ts_transformer_build("small", &cfg, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *op = ts_workload_op(wl, i);
        if (op->kind != TS_OP_EINSUM)
            continue;
        for (guint a = 0; kArchs[a]; a++)
            check_pair(kArchs[a], op, rng, 4);
    }
}

static void test_counts_sliding_windows(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_conv2d(&op, 8, 3, 6, 3);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 8);
}

/* ---- consistency -------------------------------------------------------------------------- */

/* The library arch's YAML with edits (pairs of texts: each first occurrence of the first
 * replaced by the second; NULL-terminated), loaded. */
static TsArch *load_edited(const char *name, const char *const *edits, TsConstraints *cons)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *rel = g_strdup_printf("arch/library/%s.yaml", name);
    g_autofree char *path = ts_test_source_path(rel);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, &error));
    GString *s = g_string_new(text);
    for (guint i = 0; edits[i] != NULL; i += 2)
        CU_ASSERT(g_string_replace(s, edits[i], edits[i + 1], 1) == 1);
    g_autofree char *edited = g_string_free(s, FALSE);
    g_autofree char *tmp = g_build_filename(g_get_tmp_dir(), "tilesim-test-exec-XXXXXX.yaml", NULL);
    int fd = g_mkstemp(tmp);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tmp, edited, -1, &error));
    TsArch *arch = ts_arch_load(tmp, NULL, &error);
    if (arch == NULL)
        fprintf(stderr, "%s: %s\n", name, error->message);
    g_clear_error(&error);
    CU_ASSERT_TRUE(ts_constraints_load_arch_file(cons, tmp, &error));
    g_unlink(tmp);
    return arch;
}

/* The BERT-base einsums mapped on arch under its own constraints (a short search per shape). */
static gboolean map_bert(const TsArch *arch, const TsConstraints *cons, uint64_t seq,
                         TsWorkload **wl, TsLayerResult *r)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = seq};
    *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*wl);
    TsLayerOptions lo = {.constraints = cons};
    ts_search_options_init(&lo.search);
    lo.search.budget = 3000;
    lo.search.seed = 7;
    lo.search.threads = 1;
    gboolean ok = ts_layer_map(arch, *wl, &lo, r, &error);
    if (!ok)
        fprintf(stderr, "map: %s\n", error->message);
    return ok;
}

/* Cycles of an analytical cost without the outermost level's bandwidth bound. */
static double cycles_without_dram(const TsCost *k)
{
    double c = k->compute_cycles;
    for (guint l = 1; l < k->n_levels; l++)
        c = MAX(c, k->level[l].cycles);
    return c;
}

static void check_consistency(const char *name, const char *const *edits)
{
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    g_autoptr(TsArch) arch = load_edited(name, edits, cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkload *wl = NULL;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(map_bert(arch, cons, 128, &wl, &r));
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        if (!lo->einsum || lo->same_as != i)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        g_autoptr(GError) error = NULL;
        TsExecOptions opt = {.ideal_dram = TRUE, .ideal_compute = TRUE, .max_steps = 1024};
        TsExecOpResult x;
        const guint64 count = MAX(lo->op->count, 1);
        CU_ASSERT_TRUE_FATAL(
            ts_exec_run_op(arch, lo->model, &best->mapping, count, &opt, &x, &error));
        const double an = cycles_without_dram(&best->cost) * (double)count;
        const double diff = (x.cycles - an) / an;
        if (g_getenv("TILESIM_TEST_VERBOSE") || fabs(diff) > 0.05)
            fprintf(stderr,
                    "%s %s x%" G_GUINT64_FORMAT ": DES %.0f cycles (busy %.0f, fill %.0f, drain "
                    "%.0f, bandwidth %.0f, latency %.0f), model %.0f (%+.2f%%)\n",
                    name, lo->op->name, count, x.cycles, x.compute_busy_cycles,
                    x.stall_cycles[TS_STALL_FILL], x.stall_cycles[TS_STALL_DRAIN],
                    x.stall_cycles[TS_STALL_BANDWIDTH], x.stall_cycles[TS_STALL_LATENCY], an,
                    100 * diff);
        if (fabs(diff) > 0.05 && g_getenv("TILESIM_TEST_VERBOSE")) {
            g_autofree char *nest = ts_model_format_nest(lo->model, &best->mapping);
            fprintf(stderr, "%s", nest);
            for (guint l = 0; l < best->cost.n_levels; l++)
                fprintf(stderr,
                        "  %s: model cycles %.0f; DES steps %" G_GUINT64_FORMAT " depth %u\n",
                        ts_model_level(lo->model, l)->name, best->cost.level[l].cycles, x.steps,
                        x.depth);
        }
        if (fabs(diff) > 0.05)
            for (guint u = 0; u < x.n_units; u++)
                fprintf(stderr, "  %s: stall %.0f utilization %.3f\n", x.unit[u].name,
                        x.unit[u].stall_cycles, x.unit[u].utilization);
        CU_ASSERT(fabs(diff) <= 0.05);
    }
    ts_layer_result_clear(&r);
    ts_workload_free(wl);
}

static void test_consistency_gemmini(void)
{
    static const char *const edits[] = {"size: 256KB", "size: 256KB\n        multiple_buffering: 2",
                                        "size: 64KB", "size: 64KB\n        multiple_buffering: 2",
                                        NULL};
    check_consistency("gemmini-like", edits);
}

static void test_consistency_eyeriss(void)
{
    static const char *const edits[] = {"size: 108KB",
                                        "size: 108KB\n        multiple_buffering: 2",
                                        "entries: 12,",
                                        "entries: 12, multiple_buffering: 2,",
                                        "entries: 224,",
                                        "entries: 224, multiple_buffering: 2,",
                                        "entries: 24,",
                                        "entries: 24, multiple_buffering: 2,",
                                        NULL};
    check_consistency("eyeriss-like", edits);
}

/* The DRAM bus cut to 8 bits: the DES stalls on the DRAM, and the model's bound stays below. */
static void test_bandwidth_cut(void)
{
    static const char *const edits[] = {"attributes: {word_bits: 8}",
                                        "attributes: {word_bits: 8, bus_width_bits: 8}", NULL};
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    g_autoptr(TsArch) arch = load_edited("gemmini-like", edits, cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkload *wl = NULL;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(map_bert(arch, cons, 128, &wl, &r));
    guint stalled = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        if (!lo->einsum || lo->same_as != i)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        g_autoptr(GError) error = NULL;
        TsExecOpResult x;
        TsExecOptions opt = {.ideal_compute = TRUE};
        CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, lo->model, &best->mapping, 1, &opt, &x, &error));
        if (g_getenv("TILESIM_TEST_VERBOSE"))
            fprintf(stderr,
                    "%s: DES %.0f cycles (busy %.0f, fill %.0f, drain %.0f, bandwidth %.0f, "
                    "latency %.0f), model %.0f (bound %s)\n",
                    lo->op->name, x.cycles, x.compute_busy_cycles, x.stall_cycles[TS_STALL_FILL],
                    x.stall_cycles[TS_STALL_DRAIN], x.stall_cycles[TS_STALL_BANDWIDTH],
                    x.stall_cycles[TS_STALL_LATENCY], best->cost.cycles, lo->bound);
        CU_ASSERT(x.cycles >= best->cost.cycles * (1 - 1e-9));
        if (strcmp(lo->bound, "DRAM") == 0) {
            /* the model says the DRAM bounds it: the DES stalls on the DRAM */
            CU_ASSERT(x.stall_cycles[TS_STALL_BANDWIDTH] > 0.2 * x.cycles);
            stalled++;
            /* the DRAM is what the stall is charged to */
            double most = 0;
            const char *who = NULL;
            for (guint u = 0; u < x.n_units; u++)
                if (x.unit[u].stall_cycles > most) {
                    most = x.unit[u].stall_cycles;
                    who = x.unit[u].name;
                }
            if (who == NULL || strcmp(who, "DRAM") != 0)
                for (guint u = 0; u < x.n_units; u++)
                    fprintf(stderr, "  %s: stall %.0f utilization %.3f\n", x.unit[u].name,
                            x.unit[u].stall_cycles, x.unit[u].utilization);
            CU_ASSERT_STRING_EQUAL(who, "DRAM");
        }
    }
    CU_ASSERT(stalled > 0);
    ts_layer_result_clear(&r);
    ts_workload_free(wl);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec", NULL, NULL);
    CU_add_test(s, "GEMMs: DES counts equal the model's", test_counts_gemms);
    CU_add_test(s, "transformer layer ops: DES counts equal the model's", test_counts_layer_ops);
    CU_add_test(s, "sliding windows: DES counts equal the model's", test_counts_sliding_windows);
    CU_add_test(s, "gemmini-like BERT-base: DES within 5% of the model", test_consistency_gemmini);
    CU_add_test(s, "eyeriss-like BERT-base: DES within 5% of the model", test_consistency_eyeriss);
    CU_add_test(s, "DRAM bandwidth cut: stall shown, model a lower bound", test_bandwidth_cut);
    return ts_test_run(argc, argv);
}
