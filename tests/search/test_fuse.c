/* Fused attention (mappers/ts-fuse.h): a fused group moves no intermediate through the levels
 * above the fusion level (per-level, per-tensor access counts of the best mappings), the energy
 * saved on one mapping is the backing store's accesses times its energy per access plus the
 * changed on-chip costs, capacity violations are refused with the numbers, the reserved
 * capacity reaches the model, results do not depend on the thread count, and the CLI options
 * check their arguments. */
#include <math.h>
#include <string.h>

#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-test.h"

static TsWorkload *bert(const char *seq)
{
    TsWorkloadOverrides ov = {0};
    ov.seq = seq ? g_ascii_strtoull(seq, NULL, 10) : 0;
    g_autoptr(GError) error = NULL;
    TsWorkload *w = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL(w);
    if (error)
        fprintf(stderr, "%s\n", error->message);
    return w;
}

static void layer_options(TsLayerOptions *lo, guint threads)
{
    memset(lo, 0, sizeof *lo);
    ts_search_options_init(&lo->search);
    lo->search.algorithm = TS_SEARCH_ANNEAL;
    lo->search.budget = 1000;
    lo->search.threads = threads;
    lo->search.seed = ts_test_seed(7);
}

/* The plan's ops, mapped fused and unfused on eyeriss-like. */
typedef struct {
    TsArch *arch;
    TsWorkload *w;
    TsFusePlan *plan;
    TsLayerResult unfused, fused;
} Run;

static gboolean run_both(Run *r, const char *arch, guint threads)
{
    memset(r, 0, sizeof *r);
    g_autoptr(GError) error = NULL;
    r->arch = ts_arch_load(arch, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->arch);
    r->w = bert(NULL);
    r->plan = ts_fuse_plan_new(r->arch, r->w, NULL, "attention", NULL, &error);
    if (r->plan == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->plan);
    TsLayerOptions lo;
    layer_options(&lo, threads);
    CU_ASSERT_FATAL(ts_layer_map(r->arch, r->w, &lo, &r->unfused, &error));
    lo.fuse = r->plan;
    gboolean ok = ts_layer_map(r->arch, r->w, &lo, &r->fused, &error);
    if (!ok)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_FATAL(ok);
    return TRUE;
}

static void run_clear(Run *r)
{
    ts_layer_result_clear(&r->unfused);
    ts_layer_result_clear(&r->fused);
    ts_fuse_plan_free(r->plan);
    ts_workload_free(r->w);
    ts_arch_free(r->arch);
}

static const TsLayerOp *find(const TsLayerResult *r, const char *name)
{
    for (guint i = 0; i < r->n_ops; i++)
        if (strcmp(r->ops[i].op->name, name) == 0)
            return &r->ops[i];
    return NULL;
}

static uint64_t accesses(const TsTensorCost *t)
{
    return t->reads + t->fills + t->updates;
}

static void test_no_intermediate_through_dram(void)
{
    Run r;
    run_both(&r, "eyeriss-like", 1);
    guint f = ts_fuse_plan_level(r.plan);
    CU_ASSERT_EQUAL(f, 1u); /* GlobalBuffer: the outermost on-chip level */
    CU_ASSERT_STRING_EQUAL(ts_fuse_plan_level_name(r.plan), "GlobalBuffer");
    static const char *const names[] = {"KQV", "KTQ", "VScores"};
    for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
        const TsLayerOp *fo = find(&r.fused, names[k]), *uo = find(&r.unfused, names[k]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(fo);
        CU_ASSERT_PTR_NOT_NULL_FATAL(uo);
        uint8_t mask = ts_fuse_plan_intermediates(r.plan, fo->index);
        CU_ASSERT_NOT_EQUAL(mask, 0);
        const TsCost *fc = &r.fused.ops[fo->same_as].search.best[0].cost;
        const TsCost *uc = &r.unfused.ops[uo->same_as].search.best[0].cost;
        for (guint t = 0; t < fo->op->n_tensors; t++) {
            if (!(mask >> t & 1u))
                continue;
            /* Unfused, the intermediate crosses DRAM; fused, it never does. */
            CU_ASSERT(accesses(&uc->level[0].tensor[t]) > 0);
            for (guint l = 0; l < f; l++) {
                CU_ASSERT_EQUAL(accesses(&fc->level[l].tensor[t]), 0);
                CU_ASSERT_FALSE(fc->level[l].keep >> t & 1u);
            }
            CU_ASSERT(fc->level[f].keep >> t & 1u);
            /* The fusion level is its backing store: no fills into it. */
            CU_ASSERT_EQUAL(fc->level[f].tensor[t].fills, 0);
            if (fo->op->tensors[t].read_write)
                CU_ASSERT(fc->level[f].tensor[t].updates > 0);
        }
    }
    /* KTQ's tensors are all intermediates: DRAM is idle. */
    const TsLayerOp *ktq = find(&r.fused, "KTQ");
    CU_ASSERT_EQUAL(r.fused.ops[ktq->same_as].search.best[0].cost.level[0].energy_pj, 0.0);
    /* KQV runs one head's slice, heads times. */
    const TsLayerOp *kqv = find(&r.fused, "KQV");
    CU_ASSERT_EQUAL(kqv->op->count, 12);
    CU_ASSERT_EQUAL(kqv->op->macs * kqv->op->count, find(&r.unfused, "KQV")->op->macs);
    /* Softmax reads and writes nothing at DRAM. */
    const TsLayerOp *sm = find(&r.fused, "softmax");
    CU_ASSERT_EQUAL(sm->vector.read_words, 0.0);
    CU_ASSERT_EQUAL(sm->vector.write_words, 0.0);
    CU_ASSERT(sm->vector.fused_energy_pj > 0.0);
    CU_ASSERT(find(&r.unfused, "softmax")->vector.read_words > 0.0);
    /* The summary adds up. */
    TsFuseSummary s;
    CU_ASSERT_FATAL(ts_fuse_summarize(r.plan, &r.unfused, &r.fused, &s));
    double words = 0;
    for (guint p = 0; p < TS_FUSE_GROUP_OPS; p++)
        words += s.op[p].dram_words_fused;
    CU_ASSERT_DOUBLE_EQUAL(words, s.dram_words_fused, 1e-6);
    CU_ASSERT_EQUAL(s.op[1].dram_words_fused, 0.0); /* KTQ */
    CU_ASSERT_EQUAL(s.op[2].dram_words_fused, 0.0); /* softmax */
    CU_ASSERT(s.dram_words_saved > 0);
    CU_ASSERT_DOUBLE_EQUAL(s.energy_pj_saved, s.dram_energy_pj_saved + s.other_energy_pj_saved,
                           1e-6 * s.energy_pj_unfused);
    CU_ASSERT_DOUBLE_EQUAL(s.layer_energy_pj_unfused - s.layer_energy_pj_fused, s.energy_pj_saved,
                           1e-6 * s.layer_energy_pj_unfused);
    run_clear(&r);
}

/* attention-scores: KQV stays a layer op (its output through DRAM), KTQ -> softmax -> VScores
 * keep the scores and probabilities at the fusion level; the group saves DRAM words. */
static void test_scores_group(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("eyeriss-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) w = bert(NULL);
    g_autoptr(TsFusePlan) plan = ts_fuse_plan_new(arch, w, NULL, "attention-scores", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    CU_ASSERT_EQUAL(ts_fuse_plan_first(plan), 1u);
    CU_ASSERT_FALSE(ts_fuse_plan_keeps(plan, 0)); /* Q */
    CU_ASSERT_TRUE(ts_fuse_plan_keeps(plan, 3));  /* scores */
    /* resident: scores and probabilities of one head (softmax), 2 x 128 x 128 words */
    CU_ASSERT_EQUAL(ts_fuse_plan_peak_words(plan), 2u * 128 * 128);
    TsLayerOptions lo;
    layer_options(&lo, 1);
    TsLayerResult unfused = {0}, fused = {0};
    CU_ASSERT_FATAL(ts_layer_map(arch, w, &lo, &unfused, &error));
    lo.fuse = plan;
    CU_ASSERT_FATAL(ts_layer_map(arch, w, &lo, &fused, &error));
    const TsLayerOp *kqv = find(&fused, "KQV"), *ktq = find(&fused, "KTQ");
    CU_ASSERT_EQUAL(kqv->op->count, 1); /* not split per head */
    CU_ASSERT_PTR_NULL(ts_fuse_plan_op(plan, kqv->index));
    const TsCost *kc = &fused.ops[ktq->same_as].search.best[0].cost;
    CU_ASSERT_EQUAL(accesses(&kc->level[0].tensor[ktq->op->output]), 0);
    for (guint t = 0; t < ktq->op->n_tensors; t++)
        if (t != ktq->op->output)
            CU_ASSERT(accesses(&kc->level[0].tensor[t]) > 0); /* K and Q from DRAM */
    TsFuseSummary s;
    CU_ASSERT_FATAL(ts_fuse_summarize(plan, &unfused, &fused, &s));
    CU_ASSERT_EQUAL(s.op[0].dram_words_unfused, 0.0); /* KQV: not in the group */
    CU_ASSERT_EQUAL(s.op[2].dram_words_fused, 0.0);   /* softmax */
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "attention-scores: DRAM words %.0f -> %.0f\n", s.dram_words_unfused,
                s.dram_words_fused);
    CU_ASSERT(s.dram_words_fused < 0.5 * s.dram_words_unfused);
    ts_layer_result_clear(&unfused);
    ts_layer_result_clear(&fused);
}

/* One mapping, evaluated with and without its intermediates at DRAM: the saving is DRAM's
 * accesses times its energy per access, plus the fusion level's drain reads and fill writes;
 * levels below it and the arithmetic are unchanged. */
static void test_saved_energy_is_dram_traffic(void)
{
    Run r;
    run_both(&r, "eyeriss-like", 1);
    const TsLayerOp *ktq = find(&r.fused, "KTQ");
    const TsLayerOp *src = &r.fused.ops[ktq->same_as];
    TsMapping fused = src->search.best[0].mapping;
    TsMapping unfused = fused;
    unfused.level[0].keep |= ts_fuse_plan_intermediates(r.plan, ktq->index);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) m = ts_model_new(r.arch, ktq->op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsCost cf, cu;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &fused, &cf), TS_EVAL_OK);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &unfused, &cu), TS_EVAL_OK);
    const TsLevel *dram = ts_model_level(m, 0);
    double block = MAX(dram->block_size, 1u);
    double dram_pj = 0;
    for (guint t = 0; t < ktq->op->n_tensors; t++) {
        const TsTensorCost *tc = &cu.level[0].tensor[t];
        CU_ASSERT_EQUAL(cf.level[0].tensor[t].reads + cf.level[0].tensor[t].updates, 0);
        dram_pj +=
            (double)tc->instances *
            ((double)tc->reads * dram->energy.read_pj + (double)tc->fills * dram->energy.write_pj +
             (double)tc->updates * dram->energy.update_pj) /
            block;
    }
    CU_ASSERT(dram_pj > 0);
    CU_ASSERT_DOUBLE_EQUAL(cu.level[0].energy_pj, dram_pj, 1e-6 * dram_pj);
    double onchip = cu.level[1].energy_pj - cf.level[1].energy_pj;
    CU_ASSERT(onchip > 0); /* the drain reads and the fills of GlobalBuffer are gone */
    CU_ASSERT_DOUBLE_EQUAL(cu.energy_pj - cf.energy_pj, dram_pj + onchip, 1e-6 * cu.energy_pj);
    for (guint l = 2; l < cf.n_levels; l++)
        CU_ASSERT_DOUBLE_EQUAL(cu.level[l].energy_pj, cf.level[l].energy_pj, 1e-9);
    CU_ASSERT_EQUAL(cu.compute_energy_pj, cf.compute_energy_pj);
    run_clear(&r);
}

static void expect_refused(const char *arch_name, const char *seq, const char *level,
                           const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) w = bert(seq);
    g_autoptr(TsFusePlan) plan = ts_fuse_plan_new(arch, w, NULL, "attention", level, &error);
    CU_ASSERT_PTR_NULL(plan);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (strstr(error->message, needle) == NULL)
        fprintf(stderr, "unexpected message: %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
}

static void test_capacity_refused(void)
{
    /* seq 512: one head's scores are 262144 words, over the 55296 of GlobalBuffer. */
    expect_refused("eyeriss-like", "512", NULL, "refused: no on-chip level can hold");
    expect_refused("eyeriss-like", "512", NULL,
                   "GlobalBuffer: needs 557056 words (during "
                   "softmax), capacity 55296");
    expect_refused("eyeriss-like", NULL, "psum_spad", "refused: the given level cannot hold");
    expect_refused("eyeriss-like", NULL, "DRAM", "the outermost level is the backing store");
    expect_refused("eyeriss-like", NULL, "GlobalBufer", "did you mean 'GlobalBuffer'");

    /* The reserved words reach the model: a mapping that fits alone is refused when the group
     * holds the rest of the capacity, and the reason says so. */
    Run r;
    run_both(&r, "eyeriss-like", 1);
    const TsLayerOp *ktq = find(&r.fused, "KTQ");
    TsMapping m = r.fused.ops[ktq->same_as].search.best[0].mapping;
    TsModelOptions mo = {0};
    TsRules rules;
    TsSpaceArch sa;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FATAL(ts_space_arch_from_arch(r.arch, &sa, &error));
    ts_rules_init(&rules, &sa, ktq->op);
    CU_ASSERT_FATAL(ts_fuse_apply(r.plan, ktq->index, &rules, &mo, &error));
    uint64_t v_words;
    ts_fuse_plan_intermediate(r.plan, 2, &v_words);
    CU_ASSERT_EQUAL(mo.reserved_words[1], v_words); /* V waits while KTQ runs */
    CU_ASSERT(ts_rules_check(&rules, &sa, ktq->op, &m, NULL));
    mo.reserved_words[1] = ts_fuse_plan_capacity_words(r.plan);
    g_autoptr(TsModel) model = ts_model_new_full(r.arch, ktq->op, &mo, &error);
    TsCost c;
    CU_ASSERT_EQUAL(ts_model_evaluate(model, &m, &c), TS_EVAL_CAPACITY);
    g_autofree char *why = ts_model_explain(model, &m, &c);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "held by a fused group"));
    run_clear(&r);
}

static void test_threads_identical(void)
{
    Run a, b;
    run_both(&a, "gemmini-like", 1);
    run_both(&b, "gemmini-like", 2);
    CU_ASSERT_EQUAL(a.fused.energy_pj, b.fused.energy_pj);
    CU_ASSERT_EQUAL(a.fused.cycles, b.fused.cycles);
    for (guint i = 0; i < a.fused.n_ops; i++) {
        const TsLayerOp *x = &a.fused.ops[i], *y = &b.fused.ops[i];
        if (!x->einsum || x->same_as != i)
            continue;
        CU_ASSERT(ts_mapping_equal(&x->search.best[0].mapping, &y->search.best[0].mapping));
    }
    run_clear(&a);
    run_clear(&b);
}

static void test_cli(void)
{
    TsTestRun c;
    const char *const bad_level[] = {"map",       "--arch",       "eyeriss-like", "--workload",
                                     "bert-base", "--fuse-level", "GlobalBuffer", NULL};
    if (ts_test_spawn(&c, bad_level, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(c.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "--fuse-level needs --fuse"));
    ts_test_run_clear(&c);
    const char *const with_op[] = {"map",    "--arch",    "eyeriss-like", "--workload", "bert-base",
                                   "--fuse", "attention", "--op",         "KTQ",        NULL};
    ts_test_spawn(&c, with_op, FALSE);
    CU_ASSERT_EQUAL(c.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "drop --op"));
    ts_test_run_clear(&c);
    const char *const unknown[] = {"simulate",  "--arch", "eyeriss-like", "--workload",
                                   "bert-base", "--fuse", "atention",     NULL};
    ts_test_spawn(&c, unknown, FALSE);
    CU_ASSERT_EQUAL(c.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "did you mean 'attention'"));
    ts_test_run_clear(&c);
    /* Byte-identical JSON for 1 and 2 threads, with the fusion member. */
    char *json[2] = {NULL, NULL};
    for (guint k = 0; k < 2; k++) {
        const char *const run[] = {
            "map",       "--arch",      "gemmini-like",   "--workload", "bert-base",
            "--fuse",    "attention",   "--budget",       "500",        "--no-polish",
            "--threads", k ? "2" : "1", "--reproducible", "--json",     "-",
            NULL};
        ts_test_spawn(&c, run, FALSE);
        CU_ASSERT_EQUAL(c.status, 0);
        json[k] = g_steal_pointer(&c.out);
        ts_test_run_clear(&c);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(json[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(json[1]);
    CU_ASSERT_STRING_EQUAL(json[0], json[1]);
    CU_ASSERT_PTR_NOT_NULL(strstr(json[0], "\"fusion\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json[0], "\"dram_words_saved\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(json[0], "\"level\" : \"Scratchpad\""));
    g_free(json[0]);
    g_free(json[1]);
}

static void test_workload_spec(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w =
        ts_workload_load("examples/workloads/bert-base-fused-attention.yaml", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const char *group = NULL, *level = "x", *where = NULL;
    CU_ASSERT(ts_workload_fusion(w, &group, &level, &where));
    CU_ASSERT_STRING_EQUAL(group, "attention");
    CU_ASSERT_PTR_NULL(level);
    CU_ASSERT_PTR_NOT_NULL(strstr(where, "bert-base-fused-attention.yaml:"));
    g_autoptr(TsWorkload) plain = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_FALSE(ts_workload_fusion(plain, NULL, NULL, NULL));

    g_autofree char *dir = g_dir_make_tmp("ts-fuse-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "w.yaml", NULL);
    const char *bad[][2] = {
        {"workload:\n  model: bert-base\n  fusion: {group: attention, levl: X}\n",
         "w.yaml:3:30: workload.fusion.levl: unknown key 'levl' (did you mean 'level'?)"},
        {"workload:\n  model: bert-base\n  fusion: attention\n", "workload.fusion: expected"},
        {"workload:\n  model: bert-base\n  fusion: {level: X}\n", "workload.fusion.group"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_clear_error(&error);
        CU_ASSERT_FATAL(g_file_set_contents(path, bad[i][0], -1, NULL));
        TsWorkload *x = ts_workload_load(path, NULL, &error);
        CU_ASSERT_PTR_NULL(x);
        ts_workload_free(x);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        if (strstr(error->message, bad[i][1]) == NULL)
            fprintf(stderr, "unexpected message: %s\n", error->message);
        CU_ASSERT_PTR_NOT_NULL(strstr(error->message, bad[i][1]));
    }
    ts_test_remove_tree(dir);
}

/* A sweep point whose buffer cannot hold the intermediates is unmapped with the reason; the
 * other is mapped fused. */
static void test_sweep(void)
{
    g_autofree char *dir = g_dir_make_tmp("ts-fuse-sweep-XXXXXX", NULL);
    g_autofree char *wl = ts_test_source_path("examples/workloads/bert-base-fused-attention.yaml");
    g_autofree char *sweep = g_build_filename(dir, "s.yaml", NULL);
    g_autofree char *out = g_build_filename(dir, "out", NULL);
    g_autofree char *text =
        g_strdup_printf("sweep:\n  arch: eyeriss-like\n  workload: %s\n  mapper: {budget: 300}\n"
                        "  parameters:\n    glb:\n      values: [32KB, 128KB]\n"
                        "      arch: levels[GlobalBuffer].attributes.size\n",
                        wl);
    CU_ASSERT_FATAL(g_file_set_contents(sweep, text, -1, NULL));
    TsTestRun c;
    const char *const args[] = {"sweep", sweep,        "--out",         out, "--threads",
                                "1",     "--no-plots", "--no-progress", NULL};
    if (ts_test_spawn(&c, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(c.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "1 ok"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "workload.fusion: group attention: refused"));
    ts_test_run_clear(&c);
    ts_test_remove_tree(dir);
}

/* The fusion's source is named: a workload's `fusion:` spec by its file:line:col and keys,
 * never as the --fuse option; its notes carry the command's prefix; a fused layer that does
 * not map (upmem-pim's residency) says so, and what to change. */
static void test_spec_source(void)
{
    g_autofree char *wl = ts_test_source_path("examples/workloads/bert-base-fused-attention.yaml");
    g_autofree char *at = g_strdup_printf("%s:16:5: workload.fusion: ", wl);
    static const char *const archs[] = {"upmem-pim", "simba-like", "tpu-like"};
    static const int status[] = {1, 1, 0};
    static const char *const needle[] = {
        "group attention: the fused layer cannot be mapped, though it maps unfused (remove the "
        "workload's `fusion:` entry",
        "group attention: refused: no on-chip level", "op KQV: the constraint that bypasses"};
    for (guint i = 0; i < G_N_ELEMENTS(archs); i++) {
        const char *const args[] = {"simulate", "--arch",        archs[i],     "--workload",
                                    wl,         "--engine",      "analytical", "--budget",
                                    "100",      "--max-invalid", "2000",       "--threads",
                                    "1",        "--no-progress", "-q",         NULL};
        TsTestRun c;
        if (ts_test_spawn(&c, args, FALSE) < 0)
            return;
        g_autofree char *want = g_strconcat(at, needle[i], NULL);
        if (c.status != status[i] || strstr(c.err, want) == NULL)
            fprintf(stderr, "\n  %s: exit %d, stderr: %.1500s\n", archs[i], c.status, c.err);
        CU_ASSERT_EQUAL(c.status, status[i]);
        CU_ASSERT_PTR_NOT_NULL(strstr(c.err, want));
        CU_ASSERT_PTR_NULL(strstr(c.err, "--fuse attention"));
        CU_ASSERT_PTR_NULL(strstr(c.err, "tilesim: note:"));
        if (status[i] == 0)
            CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "tilesim simulate: note: "));
        ts_test_run_clear(&c);
    }
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("fuse", NULL, NULL);
    CU_add_test(s, "no intermediate through DRAM", test_no_intermediate_through_dram);
    CU_add_test(s, "saved energy = DRAM traffic x energy + on-chip change",
                test_saved_energy_is_dram_traffic);
    CU_add_test(s, "capacity refused, reserved capacity", test_capacity_refused);
    CU_add_test(s, "attention-scores group", test_scores_group);
    CU_add_test(s, "1/2 threads identical", test_threads_identical);
    CU_add_test(s, "CLI options and determinism", test_cli);
    CU_add_test(s, "workload fusion spec", test_workload_spec);
    CU_add_test(s, "workload fusion spec named as the source", test_spec_source);
    CU_add_test(s, "sweep points fused or unmapped", test_sweep);
    return ts_test_run(argc, argv);
}
