/* Golden search checks on the Timeloop reference inputs (../shared/reference): on every
 * BERT-base problem the mapper's best EDP (and energy, delay) within a bounded budget is at
 * least as good as the best any Timeloop run found (run.json of each case); identical results
 * for 1, 2 and 8 threads; every constraint file loads, and constrained spaces and searches
 * never produce a mapping that violates them (checked with the rules and independently against
 * the file's literal factors); the best mapping's YAML round-trips through the reader. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-layer.h"
#include "ts-mapspace.h"
#include "ts-model.h"
#include "ts-search.h"
#include "ts-test.h"

#define BUDGET 100000

typedef struct {
    double edp, energy_uj, cycles;
} TlBest;

/* Best EDP / energy / cycles over the run.json of every case that used problem prob_file. */
static gboolean timeloop_best(const char *prob_file, const char *constraints_file, TlBest *best)
{
    g_autofree char *dir = ts_test_reference_path("timeloop/cases");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return FALSE;
    best->edp = best->energy_uj = best->cycles = INFINITY;
    const char *name;
    guint n = 0;
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, "run.json", NULL);
        g_autoptr(JsonParser) p = json_parser_new();
        if (!json_parser_load_from_file(p, path, NULL))
            continue;
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        if (!json_object_has_member(o, "problem") ||
            g_strcmp0(json_object_get_string_member(o, "problem"), prob_file) != 0)
            continue;
        if (constraints_file && json_object_has_member(o, "constraints") &&
            g_strcmp0(json_object_get_string_member(o, "constraints"), constraints_file) != 0)
            continue;
        double e = json_object_get_double_member(o, "energy_uJ");
        double c = json_object_get_double_member(o, "cycles");
        best->edp = MIN(best->edp, e * 1e-6 * c);
        best->energy_uj = MIN(best->energy_uj, e);
        best->cycles = MIN(best->cycles, c);
        n++;
    }
    return n > 0;
}

typedef struct {
    TsArch *arch;
    TsWorkload *wl;
    const TsOp *op;
    TsModel *model;
    TsConstraints *cons;
    TsSpaceArch sa;
    TsRules rules;
    TsMapSpace *space;
} Setup;

static void setup_clear(Setup *s)
{
    ts_mapspace_free(s->space);
    ts_model_free(s->model);
    ts_constraints_free(s->cons);
    ts_workload_free(s->wl);
    ts_arch_free(s->arch);
    memset(s, 0, sizeof *s);
}

static gboolean setup(Setup *s, const char *arch, const char *prob, const char *cons,
                      const char *vars, GError **error)
{
    memset(s, 0, sizeof *s);
    s->arch = ts_arch_load(arch, NULL, error);
    if (s->arch == NULL)
        return FALSE;
    TsWorkloadOverrides ov = {.variables_file = vars};
    s->wl = ts_workload_load(prob, &ov, error);
    if (s->wl == NULL)
        return FALSE;
    s->op = ts_workload_op(s->wl, 0);
    if (!ts_space_arch_from_arch(s->arch, &s->sa, error))
        return FALSE;
    s->cons = ts_constraints_new();
    if (!ts_constraints_load_arch_file(s->cons, arch, error))
        return FALSE;
    if (cons && !ts_constraints_load_file(s->cons, cons, error))
        return FALSE;
    if (!ts_constraints_resolve(s->cons, &s->sa, s->op, &s->rules, error))
        return FALSE;
    s->space = ts_mapspace_new(&s->sa, s->op, &s->rules, error);
    if (s->space == NULL)
        return FALSE;
    s->model = ts_model_new(s->arch, s->op, error);
    return s->model != NULL;
}

static void search(Setup *s, TsMetric metric, guint threads, TsSearchResult *r)
{
    TsSearchOptions o;
    ts_search_options_init(&o);
    o.algorithm = TS_SEARCH_ANNEAL;
    o.metrics[0] = metric;
    o.budget = BUDGET;
    o.threads = threads;
    o.seed = ts_test_seed(1);
    o.top_k = 3;
    ts_search_run(s->space, ts_search_model_eval, s->model, &o, r);
}

static const char *const kProblems[] = {"bert_qkv",        "bert_kqv_fused", "bert_attn_qk",
                                        "bert_attn_av",    "bert_ff1",       "bert_ff2",
                                        "bert_qkv_as_conv"};

static void test_beats_timeloop(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *cons =
        ts_test_reference_path("timeloop/constraints/eyeriss_like_keepall.constraints.yaml");
    for (guint i = 0; i < G_N_ELEMENTS(kProblems); i++) {
        g_autofree char *rel = g_strdup_printf("prob/%s.prob.yaml", kProblems[i]);
        g_autofree char *prob = g_strdup_printf("timeloop/%s", rel);
        g_autofree char *path = ts_test_reference_path(prob);
        TlBest tl;
        CU_ASSERT_TRUE_FATAL(timeloop_best(rel, NULL, &tl));
        Setup s;
        g_autoptr(GError) error = NULL;
        gboolean ok = setup(&s, arch, path, cons, NULL, &error);
        if (!ok)
            fprintf(stderr, "%s: %s\n", kProblems[i], error->message);
        CU_ASSERT_TRUE_FATAL(ok);
        TsSearchResult r;
        search(&s, TS_METRIC_EDP, 2, &r);
        CU_ASSERT_FATAL(r.n_best > 0);
        double edp = r.best[0].cost.edp_j_cycles;
        fprintf(stderr,
                "  %-18s tilesim EDP %10.4f  Timeloop best %10.4f  (%.1f%%), %" G_GUINT64_FORMAT
                " valid in %.2f s\n",
                kProblems[i], edp, tl.edp, 100.0 * edp / tl.edp, r.valid, r.seconds);
        CU_ASSERT(edp <= tl.edp);
        /* The winner satisfies the constraints (keep everything everywhere). */
        for (guint l = 0; l < r.best[0].mapping.n_levels; l++)
            CU_ASSERT_EQUAL(r.best[0].mapping.level[l].keep, 7);
        ts_search_result_clear(&r);
        setup_clear(&s);
    }
}

/* The branch and bound's soundness: the model bound of every prefix of a mapping (every subset
 * of dimensions fixed at its factorizations) is at most its modelled EDP, energy and cycles.
 * Returns the number of violations (the first few printed). */
static guint prefix_violations(const Setup *s, const char *name, const TsMapId *id,
                               const TsCost *cost)
{
    const guint D = ts_mapspace_n_dims(s->space);
    double v[TS_METRIC_COUNT_] = {0};
    v[TS_METRIC_EDP] = cost->edp_j_cycles;
    v[TS_METRIC_ENERGY] = cost->energy_pj;
    v[TS_METRIC_DELAY] = cost->cycles;
    guint bad = 0;
    for (uint32_t mask = 0; mask < (1u << D); mask++) {
        double lo[TS_METRIC_COUNT_];
        ts_search_model_bound(s->space, id, mask, lo, s->model);
        for (int k = 0; k < TS_METRIC_COUNT_; k++)
            if (lo[k] > v[k] * (1.0 + 1e-9) && bad++ < 3)
                fprintf(stderr, "  %s: metric %d, fixed dimensions 0x%x: bound %.9g > cost %.9g\n",
                        name, k, mask, lo[k], v[k]);
    }
    return bad;
}

/* Uniformly drawn valid mappings, and the best mappings of short anneals on energy and on EDP
 * (near the optimum, where the bounds are tight and a cut matters). */
static void check_prefix_bounds(Setup *s, const char *name)
{
    const TsMapSpace *sp = s->space;
    const guint D = ts_mapspace_n_dims(sp), L = ts_mapspace_n_levels(sp);
    g_autoptr(GRand) rng = g_rand_new_with_seed((guint32)ts_test_seed(7));
    guint valid = 0, violations = 0;
    for (guint i = 0; i < 100000 && valid < 300; i++) {
        TsMapId id;
        memset(&id, 0, sizeof id);
        for (guint d = 0; d < D; d++)
            id.fact[d] =
                (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_factorizations(sp, d));
        id.keep = (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_keep(sp));
        for (guint l = 0; l < L; l++)
            id.perm[l] = (uint16_t)g_rand_int_range(
                rng, 0, (gint32)ts_mapspace_n_orders(sp, l, ts_mapspace_nonunit_mask(sp, &id, l)));
        TsMapping m;
        TsCost cost;
        if (!ts_mapspace_fanout_ok(sp, &id) || !ts_mapspace_build(sp, &id, &m) ||
            ts_model_evaluate(s->model, &m, &cost) != TS_EVAL_OK)
            continue;
        valid++;
        violations += prefix_violations(s, name, &id, &cost);
    }
    CU_ASSERT(valid >= 150);
    const TsMetric metrics[] = {TS_METRIC_ENERGY, TS_METRIC_EDP};
    for (guint k = 0; k < G_N_ELEMENTS(metrics); k++) {
        TsSearchOptions o;
        ts_search_options_init(&o);
        o.algorithm = TS_SEARCH_ANNEAL;
        o.metrics[0] = metrics[k];
        o.budget = 10000;
        o.seed = ts_test_seed(7);
        o.top_k = 64;
        TsSearchResult r;
        ts_search_run(s->space, ts_search_model_eval, s->model, &o, &r);
        CU_ASSERT(r.n_best > 0);
        for (guint i = 0; i < r.n_best; i++)
            violations += prefix_violations(s, name, &r.best[i].id, &r.best[i].cost);
        ts_search_result_clear(&r);
    }
    CU_ASSERT_EQUAL(violations, 0);
}

static void test_prefix_bounds_sound(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *keep =
        ts_test_reference_path("timeloop/constraints/eyeriss_like_keepall.constraints.yaml");
    for (guint i = 0; i < G_N_ELEMENTS(kProblems); i++) {
        g_autofree char *prob = g_strdup_printf("timeloop/prob/%s.prob.yaml", kProblems[i]);
        g_autofree char *path = ts_test_reference_path(prob);
        for (int c = 0; c < 2; c++) {
            Setup s;
            g_autoptr(GError) error = NULL;
            gboolean ok = setup(&s, arch, path, c == 0 ? keep : NULL, NULL, &error);
            if (!ok)
                fprintf(stderr, "%s: %s\n", kProblems[i], error->message);
            CU_ASSERT_TRUE_FATAL(ok);
            check_prefix_bounds(&s, kProblems[i]);
            setup_clear(&s);
        }
    }
}

/* Timeloop's energy- and delay-first runs of bert_qkv (ey_bert_qkv_rp_fb10k_t1_energy, _delay)
 * and the unconstrained (bypass-free) run. */
static void test_other_metrics_and_bypass(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *prob = ts_test_reference_path("timeloop/prob/bert_qkv.prob.yaml");
    g_autofree char *keep =
        ts_test_reference_path("timeloop/constraints/eyeriss_like_keepall.constraints.yaml");
    g_autofree char *null = ts_test_reference_path("timeloop/constraints/null.constraints.yaml");
    TlBest tl;
    CU_ASSERT_TRUE_FATAL(timeloop_best("prob/bert_qkv.prob.yaml", NULL, &tl));
    Setup s;
    CU_ASSERT_TRUE_FATAL(setup(&s, arch, prob, keep, NULL, NULL));
    TsSearchResult r;
    search(&s, TS_METRIC_ENERGY, 2, &r);
    CU_ASSERT(r.best[0].cost.energy_pj * 1e-6 <= tl.energy_uj);
    ts_search_result_clear(&r);
    search(&s, TS_METRIC_DELAY, 2, &r);
    CU_ASSERT(r.best[0].cost.cycles <= tl.cycles);
    ts_search_result_clear(&r);
    setup_clear(&s);
    /* No constraints: bypass is searched too; still at least as good as Timeloop. */
    CU_ASSERT_TRUE_FATAL(setup(&s, arch, prob, null, NULL, NULL));
    CU_ASSERT(ts_mapspace_n_keep(s.space) == 64);
    search(&s, TS_METRIC_EDP, 2, &r);
    CU_ASSERT(r.best[0].cost.edp_j_cycles <= tl.edp);
    ts_search_result_clear(&r);
    setup_clear(&s);
}

static void test_threads_golden(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *prob = ts_test_reference_path("timeloop/prob/bert_ff2.prob.yaml");
    g_autofree char *null = ts_test_reference_path("timeloop/constraints/null.constraints.yaml");
    Setup s;
    CU_ASSERT_TRUE_FATAL(setup(&s, arch, prob, null, NULL, NULL));
    TsSearchResult r[3];
    guint threads[3] = {1, 2, 8};
    for (guint i = 0; i < 3; i++) {
        TsSearchOptions o;
        ts_search_options_init(&o);
        o.algorithm = i == 0 ? TS_SEARCH_HYBRID : TS_SEARCH_HYBRID;
        o.budget = 30000;
        o.threads = threads[i];
        o.top_k = 5;
        o.seed = 7;
        ts_search_run(s.space, ts_search_model_eval, s.model, &o, &r[i]);
    }
    for (guint i = 1; i < 3; i++) {
        CU_ASSERT_EQUAL(r[i].evaluated, r[0].evaluated);
        CU_ASSERT_EQUAL(r[i].valid, r[0].valid);
        CU_ASSERT_EQUAL(r[i].skipped_candidates, r[0].skipped_candidates);
        for (guint k = 0; k < TS_EVAL_COUNT_; k++)
            CU_ASSERT_EQUAL(r[i].rejected[k], r[0].rejected[k]);
        CU_ASSERT_EQUAL_FATAL(r[i].n_best, r[0].n_best);
        for (guint k = 0; k < r[0].n_best; k++) {
            CU_ASSERT_EQUAL(ts_mapid_compare(s.space, &r[i].best[k].id, &r[0].best[k].id), 0);
            CU_ASSERT_EQUAL(r[i].best[k].cost.edp_j_cycles, r[0].best[k].cost.edp_j_cycles);
        }
    }
    for (guint i = 0; i < 3; i++)
        ts_search_result_clear(&r[i]);
    setup_clear(&s);
}

/* The best mapping's YAML is read back to the same mapping and cost. */
static void test_mapping_yaml_roundtrip(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *prob = ts_test_reference_path("timeloop/prob/bert_attn_av.prob.yaml");
    g_autofree char *null = ts_test_reference_path("timeloop/constraints/null.constraints.yaml");
    Setup s;
    CU_ASSERT_TRUE_FATAL(setup(&s, arch, prob, null, NULL, NULL));
    TsSearchResult r;
    search(&s, TS_METRIC_EDP, 2, &r);
    for (guint k = 0; k < r.n_best; k++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *yaml = ts_model_mapping_yaml(s.model, &r.best[k].mapping, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
        TsMapping back;
        CU_ASSERT_TRUE_FATAL(
            ts_mapping_load_string("best.yaml", yaml, s.arch, s.op, &back, &error));
        TsCost c;
        CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(s.model, &back, &c), TS_EVAL_OK);
        CU_ASSERT_EQUAL(c.energy_pj, r.best[k].cost.energy_pj);
        CU_ASSERT_EQUAL(c.cycles, r.best[k].cost.cycles);
    }
    ts_search_result_clear(&r);
    setup_clear(&s);
}

/* ---- Constraint files ------------------------------------------------------------------- */

static void for_each_yaml(const char *rel_dir, void (*fn)(const char *path))
{
    g_autofree char *dir = ts_test_reference_path(rel_dir);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".yaml"))
            g_ptr_array_add(names, g_build_filename(dir, name, NULL));
    g_ptr_array_sort(names, (GCompareFunc)(void (*)(void))g_strcmp0);
    for (guint i = 0; i < names->len; i++)
        fn(g_ptr_array_index(names, i));
    g_ptr_array_unref(names);
}

static guint n_loaded;

static void load_one(const char *path)
{
    g_autoptr(TsConstraints) c = ts_constraints_new();
    g_autoptr(GError) error = NULL;
    gboolean ok = ts_constraints_load_file(c, path, &error);
    if (!ok)
        fprintf(stderr, "%s: %s\n", path, error->message);
    CU_ASSERT_TRUE(ok);
    n_loaded += ok;
}

static void test_constraint_files_load(void)
{
    TS_TEST_REQUIRE_SHARED();
    n_loaded = 0;
    for_each_yaml("timeloop/constraints", load_one);
    for_each_yaml("timeloop-experiments/transformer_gemmini/constraints", load_one);
    for_each_yaml("timeloop-experiments/transformer_pim/constraints", load_one);
    for_each_yaml("timeloop-experiments/transformer_pim/constraints_v0.4", load_one);
    CU_ASSERT_EQUAL(n_loaded, 2 + 6 + 2 + 2);
}

/* Literal check: every `type: temporal` (or spatial) target of the file with exact factors in
 * list or string form, read here without the library's parser, against a mapping. Returns the
 * number of factors checked. */
static guint literal_check(const char *cons_path, const Setup *s, const TsMapping *m)
{
    g_autoptr(TsDoc) doc = ts_doc_load_file(cons_path, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const TsNode *root = ts_node_get(doc->root, "constraints");
    if (root == NULL)
        root = ts_node_get(doc->root, "mapspace");
    const TsNode *targets = root ? ts_node_get(root, "targets") : NULL;
    if (targets == NULL)
        return 0;
    guint checked = 0;
    for (guint i = 0; i < targets->n; i++) {
        const TsNode *t = targets->items[i];
        const TsNode *type = ts_node_get(t, "type");
        const TsNode *factors = ts_node_get(t, "factors");
        const char *target = ts_node_get(t, "target")->value;
        if (factors == NULL || strcmp(type->value, "temporal") != 0)
            continue;
        int level = -1;
        for (guint l = 0; l < s->sa.n_levels; l++)
            if (strcmp(s->sa.level[l].name, target) == 0)
                level = (int)l;
        if (level < 0)
            continue; /* a container: no loops of its own here */
        g_auto(GStrv) items = NULL;
        if (factors->kind == TS_NODE_SEQUENCE) {
            items = g_new0(char *, factors->n + 1);
            for (guint k = 0; k < factors->n; k++)
                items[k] = g_strdup(factors->items[k]->value);
        } else {
            items = g_strsplit(factors->value, " ", -1);
        }
        for (guint k = 0; items[k]; k++) {
            char dim[16];
            unsigned v;
            if (sscanf(items[k], "%15[A-Za-z]=%u", dim, &v) != 2)
                continue;
            int d = ts_op_find_dim(s->op, dim);
            if (d < 0)
                continue;
            uint64_t want = v == 0 ? s->op->dims[d] : MIN((uint64_t)v, s->op->dims[d]);
            CU_ASSERT_EQUAL(m->level[level].temporal[d], want);
            checked++;
        }
    }
    return checked;
}

typedef struct {
    const char *arch, *layer, *cons;
    gboolean evaluate; /* the model can cost it (small enough) */
} ConsCase;

static void check_constrained_case(const ConsCase *cc, const char *vars)
{
    g_autofree char *arch = ts_test_reference_path(cc->arch);
    g_autofree char *layer = ts_test_reference_path(cc->layer);
    g_autofree char *cons = ts_test_reference_path(cc->cons);
    Setup s;
    g_autoptr(GError) error = NULL;
    if (!setup(&s, arch, layer, cons, vars, &error)) {
        fprintf(stderr, "%s + %s: %s\n", cc->arch, cc->cons, error->message);
        CU_FAIL("constrained case does not set up");
        setup_clear(&s);
        return;
    }
    /* Every sampled point of the space satisfies the rules and the file's literal factors. */
    GRand *rng = g_rand_new_with_seed(3);
    guint literal = 0;
    for (guint k = 0; k < 300; k++) {
        TsMapId id = {0};
        for (guint d = 0; d < s.op->n_dims; d++)
            id.fact[d] = (uint32_t)g_rand_int_range(
                rng, 0, (gint32)ts_mapspace_n_factorizations(s.space, d));
        id.keep = (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_keep(s.space));
        for (guint l = 0; l < s.sa.n_levels; l++) {
            guint n = ts_mapspace_n_orders(s.space, l, ts_mapspace_nonunit_mask(s.space, &id, l));
            id.perm[l] = (uint16_t)g_rand_int_range(rng, 0, (gint32)n);
        }
        TsMapping m;
        CU_ASSERT_TRUE_FATAL(ts_mapspace_build(s.space, &id, &m));
        GString *why = g_string_new(NULL);
        gboolean ok = ts_rules_check(&s.rules, &s.sa, s.op, &m, why);
        if (!ok)
            fprintf(stderr, "%s: %s", cc->cons, why->str);
        CU_ASSERT_TRUE(ok);
        g_string_free(why, TRUE);
        literal += literal_check(cons, &s, &m);
    }
    g_rand_free(rng);
    if (cc->evaluate) {
        TsSearchOptions o;
        ts_search_options_init(&o);
        o.algorithm = TS_SEARCH_ANNEAL;
        o.budget = 5000;
        o.threads = 2;
        o.top_k = 5;
        TsSearchResult r;
        CU_ASSERT_TRUE(ts_search_run(s.space, ts_search_model_eval, s.model, &o, &r));
        for (guint k = 0; k < r.n_best; k++) {
            CU_ASSERT_TRUE(ts_rules_check(&s.rules, &s.sa, s.op, &r.best[k].mapping, NULL));
            literal_check(cons, &s, &r.best[k].mapping);
        }
        ts_search_result_clear(&r);
    }
    (void)literal;
    setup_clear(&s);
}

static void test_experiment_constraints_honoured(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *gvars =
        ts_test_reference_path("timeloop-experiments/transformer_gemmini/mapper/variables.yaml");
    g_autofree char *pvars =
        ts_test_reference_path("timeloop-experiments/transformer_pim/mapper/variables.yaml");
    const char *G = "timeloop-experiments/transformer_gemmini/";
    const char *P = "timeloop-experiments/transformer_pim/";
    struct {
        const char *dir, *arch, *layer, *cons;
        gboolean evaluate;
    } cases[] = {
        /* per-dataflow constraints of the results_against_ff runs (BERT-large, seq 4096) */
        {G, "arch/system_gemmini.yaml", "layers/KQV_layer.yaml",
         "constraints/constraints_gemmini.yaml", TRUE},
        {G, "arch/system_eyeriss.yaml", "layers/KQV_layer.yaml",
         "constraints/constraints_eyeriss.yaml", TRUE},
        {G, "arch/system_simba.yaml", "layers/KQV_layer.yaml", "constraints/constraints_simba.yaml",
         TRUE},
        {G, "arch/system_gemmini.yaml", "layers/KQV_layer.yaml", "constraints/constraints.yaml",
         TRUE},
        {G, "arch/system_gemmini.yaml", "layers/softmax_layer.yaml", "constraints/constraints.yaml",
         TRUE},
        {P, "arch/system_PIM.yaml", "layers/KTQ_layer.yaml", "constraints/constraints.yaml", TRUE},
        {P, "arch_v0.4/system_PIM.yaml", "layers/KQV_layer.yaml",
         "constraints_v0.4/constraints.yaml", TRUE},
        {P, "arch_v0.4/system_PIM.yaml", "layers/KTQ_layer.yaml",
         "constraints_v0.4/constraints.yaml", TRUE},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *a = g_strconcat(cases[i].dir, cases[i].arch, NULL);
        g_autofree char *l = g_strconcat(cases[i].dir, cases[i].layer, NULL);
        g_autofree char *c = g_strconcat(cases[i].dir, cases[i].cons, NULL);
        ConsCase cc = {a, l, c, cases[i].evaluate};
        check_constrained_case(&cc, cases[i].dir == G ? gvars : pvars);
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("search golden", NULL, NULL);
    CU_add_test(s, "best EDP <= Timeloop's best, every problem", test_beats_timeloop);
    CU_add_test(s, "energy, delay and bypass search", test_other_metrics_and_bypass);
    CU_add_test(s, "model bounds of every prefix <= the cost", test_prefix_bounds_sound);
    CU_add_test(s, "1/2/8 threads identical (reference arch)", test_threads_golden);
    CU_add_test(s, "best mapping YAML round trip", test_mapping_yaml_roundtrip);
    CU_add_test(s, "reference constraint files load", test_constraint_files_load);
    CU_add_test(s, "experiment constraints honoured", test_experiment_constraints_honoured);
    return ts_test_run(argc, argv);
}
