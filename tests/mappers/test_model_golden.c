/* Golden tests of the analytical model against Timeloop 3.0.3: every case under
 * ../shared/reference/timeloop/cases/ (arch + problem + mapping, with Timeloop's stats.txt)
 * goes through the real loaders and ts_model_evaluate. Counts (reads, fills, updates, utilized
 * capacity, partition size, utilized instances, computes) must be identical; cycles, energies
 * per level and in total, fJ/compute per level and the Summary Stats within 1%. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-model.h"
#include "ts-stats-parse.h"
#include "ts-test.h"
#include "ts-workload.h"

#define REL_TOL 0.01

/* Largest relative energy difference seen (total energy), for the summary line. */
static double worst_energy_rel = 0.0;
static const char *worst_energy_case = "";

static gboolean close_rel(double a, double b, double tol)
{
    if (a == b)
        return TRUE;
    double m = MAX(fabs(a), fabs(b));
    return fabs(a - b) <= tol * m;
}

/* Which problem file a case uses: run.json's "problem", else the problem whose name occurs in
 * the case name (model_qkv_... -> bert_qkv), longest match first. */
static char *case_problem(const char *root, const char *case_dir, const char *case_name,
                          char **arch_out, char **ert_out)
{
    g_autofree char *run = g_build_filename(case_dir, "run.json", NULL);
    *arch_out = NULL;
    *ert_out = NULL;
    char *problem = NULL;
    if (g_file_test(run, G_FILE_TEST_EXISTS)) {
        g_autoptr(JsonParser) p = json_parser_new();
        if (json_parser_load_from_file(p, run, NULL)) {
            JsonObject *o = json_node_get_object(json_parser_get_root(p));
            if (json_object_has_member(o, "problem"))
                problem = g_build_filename(root, json_object_get_string_member(o, "problem"), NULL);
            if (json_object_has_member(o, "arch"))
                *arch_out = g_build_filename(root, json_object_get_string_member(o, "arch"), NULL);
            if (json_object_has_member(o, "ert"))
                *ert_out = g_build_filename(root, json_object_get_string_member(o, "ert"), NULL);
        }
    }
    if (*arch_out == NULL) {
        g_autofree char *adir = g_build_filename(root, "arch", NULL);
        g_autoptr(GDir) d = g_dir_open(adir, 0, NULL);
        const char *f;
        while (d && (f = g_dir_read_name(d)) != NULL) {
            if (g_str_has_suffix(f, ".yaml") && *arch_out == NULL)
                *arch_out = g_build_filename(adir, f, NULL);
        }
    }
    if (*ert_out == NULL && g_str_has_suffix(case_name, "_ERT")) {
        g_autofree char *edir = g_build_filename(root, "ert", NULL);
        g_autoptr(GDir) d = g_dir_open(edir, 0, NULL);
        const char *f;
        while (d && (f = g_dir_read_name(d)) != NULL) {
            if (g_str_has_suffix(f, ".yaml") && *ert_out == NULL)
                *ert_out = g_build_filename(edir, f, NULL);
        }
    }
    if (problem == NULL) {
        g_autofree char *pdir = g_build_filename(root, "prob", NULL);
        g_autoptr(GDir) d = g_dir_open(pdir, 0, NULL);
        const char *f;
        gsize best = 0;
        while (d && (f = g_dir_read_name(d)) != NULL) {
            if (!g_str_has_suffix(f, ".prob.yaml"))
                continue;
            g_autofree char *stem = g_strndup(f, strlen(f) - strlen(".prob.yaml"));
            const char *key = g_str_has_prefix(stem, "bert_") ? stem + 5 : stem;
            g_autofree char *pat = g_strdup_printf("_%s_", key);
            g_autofree char *padded = g_strdup_printf("_%s_", case_name);
            if (strstr(padded, pat) && strlen(key) > best) {
                best = strlen(key);
                g_free(problem);
                problem = g_build_filename(pdir, f, NULL);
            }
        }
    }
    return problem;
}

/* Runs one case; returns the number of mismatches (each printed). */
static guint check_case(const char *case_name)
{
    g_autofree char *root = ts_test_reference_path("timeloop");
    g_autofree char *dir = g_build_filename(root, "cases", case_name, NULL);
    g_autofree char *arch_path = NULL, *ert_path = NULL;
    g_autofree char *prob = case_problem(root, dir, case_name, &arch_path, &ert_path);
    g_autofree char *map_path = g_build_filename(dir, "map.yaml", NULL);
    g_autofree char *stats_path = g_build_filename(dir, "stats.txt", NULL);
    guint bad = 0;
#define MISMATCH(...)                                                                              \
    do {                                                                                           \
        fprintf(stderr, "  %s: ", case_name);                                                      \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        bad++;                                                                                     \
    } while (0)

    if (prob == NULL || arch_path == NULL) {
        MISMATCH("cannot tell the problem or arch of this case");
        return bad;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_path, ert_path, &error);
    if (arch == NULL) {
        MISMATCH("arch: %s", error->message);
        return bad;
    }
    g_autoptr(TsWorkload) wl = ts_workload_load(prob, NULL, &error);
    if (wl == NULL) {
        MISMATCH("problem: %s", error->message);
        return bad;
    }
    const TsOp *op = ts_workload_op(wl, 0);
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    if (model == NULL) {
        MISMATCH("model: %s", error->message);
        return bad;
    }
    TsMapping mapping;
    if (!ts_mapping_load(map_path, arch, op, &mapping, &error)) {
        MISMATCH("mapping: %s", error->message);
        return bad;
    }
    /* The loop nest view reproduces Timeloop's map.txt byte for byte. */
    g_autofree char *maptxt_path = g_build_filename(dir, "map.txt", NULL);
    g_autofree char *maptxt = NULL;
    if (g_file_get_contents(maptxt_path, &maptxt, NULL, NULL)) {
        g_autofree char *nest = ts_mapping_format_nest(&mapping, arch, op);
        if (strcmp(nest, maptxt) != 0)
            MISMATCH("loop nest differs from map.txt:\n%s---\n%s", nest, maptxt);
    }
    TsCost cost;
    if (ts_model_evaluate(model, &mapping, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, &mapping, &cost);
        MISMATCH("mapping rejected: %s", why);
        return bad;
    }
    TsStats st;
    if (!ts_stats_parse(stats_path, &st, &error)) {
        MISMATCH("stats: %s", error->message);
        return bad;
    }

    if (cost.macs != st.computes)
        MISMATCH("computes %" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT, cost.macs, st.computes);
    if (cost.compute_instances != st.mac_utilized_instances)
        MISMATCH("MAC utilized instances %" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT,
                 cost.compute_instances, st.mac_utilized_instances);
    if ((uint64_t)cost.compute_cycles != st.mac_cycles)
        MISMATCH("compute cycles %.0f vs %" G_GUINT64_FORMAT, cost.compute_cycles, st.mac_cycles);
    if (!close_rel(cost.compute_energy_pj, st.mac_energy_pj, REL_TOL))
        MISMATCH("MAC energy %.2f vs %.2f pJ", cost.compute_energy_pj, st.mac_energy_pj);

    const guint nl = ts_model_n_levels(model);
    for (guint l = 0; l < nl; l++) {
        const TsLevel *lv = ts_model_level(model, l);
        const TsStatsLevel *sl = ts_stats_level(&st, lv->name);
        if (sl == NULL) {
            MISMATCH("level %s not in stats.txt", lv->name);
            continue;
        }
        const TsLevelCost *lc = &cost.level[l];
        if (!close_rel(lc->cycles, (double)sl->cycles, REL_TOL))
            MISMATCH("%s cycles %.0f vs %" G_GUINT64_FORMAT, lv->name, lc->cycles, sl->cycles);
        double stats_energy = 0.0;
        for (guint t = 0; t < op->n_tensors; t++) {
            const char *tn = op->tensors[t].name;
            const TsStatsSpace *sp = NULL;
            for (guint i = 0; i < sl->n_spaces; i++)
                if (strcmp(sl->space[i].name, tn) == 0)
                    sp = &sl->space[i];
            const gboolean kept = lc->keep >> t & 1u;
            if ((sp != NULL) != kept) {
                MISMATCH("%s %s: kept %d in tilesim, %d in Timeloop", lv->name, tn, kept,
                         sp != NULL);
                continue;
            }
            if (sp == NULL)
                continue;
            const TsTensorCost *tc = &lc->tensor[t];
            stats_energy += sp->energy_total_pj;
#define SAME(field, value)                                                                         \
    if ((uint64_t)(value) != sp->field)                                                            \
    MISMATCH("%s %s " #field " %" G_GUINT64_FORMAT " vs %" G_GUINT64_FORMAT, lv->name, tn,         \
             (uint64_t)(value), sp->field)
            SAME(reads, tc->reads);
            SAME(fills, tc->fills);
            SAME(updates, tc->updates);
            SAME(utilized_capacity, tc->tile_words);
            SAME(partition_size, tc->partition_words);
            SAME(utilized_instances, tc->instances);
#undef SAME
            if (!close_rel(tc->energy_pj, sp->energy_total_pj, REL_TOL))
                MISMATCH("%s %s energy %.2f vs %.2f pJ", lv->name, tn, tc->energy_pj,
                         sp->energy_total_pj);
        }
        if (!close_rel(lc->energy_pj, stats_energy, REL_TOL))
            MISMATCH("%s energy %.2f vs %.2f pJ", lv->name, lc->energy_pj, stats_energy);
        double fj = ts_stats_fj(&st, lv->name);
        double mine = lc->energy_pj / (double)cost.macs * 1000.0;
        if (fj >= 0.0 && !close_rel(mine, fj, REL_TOL) && fabs(mine - fj) > 0.01)
            MISMATCH("%s fJ/compute %.2f vs %.2f", lv->name, mine, fj);
    }
    /* Summary Stats. */
    if (!close_rel(cost.cycles, (double)st.cycles, REL_TOL))
        MISMATCH("cycles %.0f vs %" G_GUINT64_FORMAT, cost.cycles, st.cycles);
    {
        double rel =
            fabs(cost.pj_per_mac * 1000.0 - ts_stats_fj(&st, "Total")) / ts_stats_fj(&st, "Total");
        if (rel > worst_energy_rel) {
            worst_energy_rel = rel;
            worst_energy_case = case_name;
        }
    }
    if (!close_rel(cost.energy_pj / 1e6, st.energy_uj, REL_TOL))
        MISMATCH("energy %.4f vs %.2f uJ", cost.energy_pj / 1e6, st.energy_uj);
    if (!close_rel(cost.edp_j_cycles, st.edp, REL_TOL))
        MISMATCH("EDP %.4g vs %.4g J*cycle", cost.edp_j_cycles, st.edp);
    if (fabs(cost.utilization - st.utilization) > 0.005 + 1e-9)
        MISMATCH("utilization %.4f vs %.2f", cost.utilization, st.utilization);
    double gflops = (double)cost.total_ops / cost.cycles;
    if (!close_rel(gflops, st.gflops, REL_TOL) && fabs(gflops - st.gflops) > 0.005)
        MISMATCH("GFLOPs @1GHz %.2f vs %.2f", gflops, st.gflops);
    double total_fj = ts_stats_fj(&st, "Total");
    if (total_fj >= 0.0 && !close_rel(cost.pj_per_mac * 1000.0, total_fj, REL_TOL))
        MISMATCH("total fJ/compute %.2f vs %.2f", cost.pj_per_mac * 1000.0, total_fj);
    double mac_fj = ts_stats_fj(&st, st.mac_name);
    if (mac_fj >= 0.0 &&
        !close_rel(cost.compute_energy_pj / (double)cost.macs * 1000.0, mac_fj, REL_TOL))
        MISMATCH("%s fJ/compute %.2f vs %.2f", st.mac_name,
                 cost.compute_energy_pj / (double)cost.macs * 1000.0, mac_fj);
    ts_stats_clear(&st);
#undef MISMATCH
    return bad;
}

static void run_case(const char *name)
{
    g_autofree char *root = ts_test_reference_path("timeloop/cases");
    if (root == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found (set TILESIM_SHARED)\n", name);
        return;
    }
    g_autofree char *dir = g_build_filename(root, name, NULL);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "SKIP %s: case directory absent\n", name);
        return;
    }
    CU_ASSERT_EQUAL(check_case(name), 0);
}

/* One test per known case directory. */
#define TS_GOLDEN_CASES(X)                                                                         \
    X(ey_bert_attn_av_rp_fb10k_t1)                                                                 \
    X(ey_bert_attn_av_rp_fb10k_t2)                                                                 \
    X(ey_bert_attn_av_rp_vc500_t1)                                                                 \
    X(ey_bert_attn_av_rp_vc500_t2)                                                                 \
    X(ey_bert_attn_qk_rp_fb10k_t1)                                                                 \
    X(ey_bert_attn_qk_rp_fb10k_t2)                                                                 \
    X(ey_bert_attn_qk_rp_vc500_t1)                                                                 \
    X(ey_bert_attn_qk_rp_vc500_t2)                                                                 \
    X(ey_bert_ff1_rp_fb10k_t1)                                                                     \
    X(ey_bert_ff1_rp_fb10k_t2)                                                                     \
    X(ey_bert_ff1_rp_vc500_t1)                                                                     \
    X(ey_bert_ff1_rp_vc500_t2)                                                                     \
    X(ey_bert_ff2_rp_fb10k_t1)                                                                     \
    X(ey_bert_ff2_rp_fb10k_t2)                                                                     \
    X(ey_bert_ff2_rp_vc500_t1)                                                                     \
    X(ey_bert_ff2_rp_vc500_t2)                                                                     \
    X(ey_bert_kqv_fused_rp_fb10k_t1)                                                               \
    X(ey_bert_kqv_fused_rp_fb10k_t2)                                                               \
    X(ey_bert_kqv_fused_rp_vc500_t1)                                                               \
    X(ey_bert_kqv_fused_rp_vc500_t2)                                                               \
    X(ey_bert_qkv_asconv_rp_fb10k_t1)                                                              \
    X(ey_bert_qkv_hybrid_fb10k_t1)                                                                 \
    X(ey_bert_qkv_lp_notimeout_300s_t1)                                                            \
    X(ey_bert_qkv_null_rp_fb10k_t1)                                                                \
    X(ey_bert_qkv_random_fb10k_t1)                                                                 \
    X(ey_bert_qkv_rp_fb100k_t2)                                                                    \
    X(ey_bert_qkv_rp_fb10k_t1)                                                                     \
    X(ey_bert_qkv_rp_fb10k_t1_delay)                                                               \
    X(ey_bert_qkv_rp_fb10k_t1_energy)                                                              \
    X(ey_bert_qkv_rp_fb10k_t1_rep2)                                                                \
    X(ey_bert_qkv_rp_fb10k_t2)                                                                     \
    X(ey_bert_qkv_rp_fb10k_t2_rep2)                                                                \
    X(ey_bert_qkv_rp_vc500_t1)                                                                     \
    X(ey_bert_qkv_rp_vc500_t2)                                                                     \
    X(model_qkv_eyeriss_fixed)                                                                     \
    X(model_qkv_eyeriss_fixed_ERT)

#define DEFINE_CASE(name)                                                                          \
    static void test_##name(void)                                                                  \
    {                                                                                              \
        run_case(#name);                                                                           \
    }
TS_GOLDEN_CASES(DEFINE_CASE)

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every directory under cases/, including any this file does not list: a new case is checked
 * the moment it appears. */
static void test_every_case_directory(void)
{
    g_autofree char *root = ts_test_reference_path("timeloop/cases");
    if (root == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found (set TILESIM_SHARED)\n", __func__);
        return;
    }
    g_autoptr(GDir) d = g_dir_open(root, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *f;
    while ((f = g_dir_read_name(d)) != NULL) {
        g_autofree char *stats = g_build_filename(root, f, "stats.txt", NULL);
        g_autofree char *map = g_build_filename(root, f, "map.yaml", NULL);
        if (g_file_test(stats, G_FILE_TEST_EXISTS) && g_file_test(map, G_FILE_TEST_EXISTS))
            g_ptr_array_add(names, g_strdup(f));
    }
    g_ptr_array_sort(names, compare_names);
    guint failed = 0;
    for (guint i = 0; i < names->len; i++)
        failed += check_case(names->pdata[i]) ? 1 : 0;
    fprintf(stderr,
            "  %u case directories, %u with mismatches; largest total-energy difference "
            "%.4f %% (%s, against the fJ/compute Total Timeloop prints)\n",
            names->len, failed, 100.0 * worst_energy_rel, worst_energy_case);
    CU_ASSERT(names->len >= 1);
    CU_ASSERT_EQUAL(failed, 0);
    g_ptr_array_free(names, TRUE);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("model_golden_timeloop", NULL, NULL);
#define ADD_CASE(name) CU_add_test(s, #name, test_##name);
    TS_GOLDEN_CASES(ADD_CASE)
    CU_add_test(s, "every_case_directory", test_every_case_directory);
    return ts_test_run(argc, argv);
}
