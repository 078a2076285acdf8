/* Sampled instances (docs/des.md section 12, "Sampled instances"): an op whose 48 instances run
 * one after another (BERT-base, sequence 128, batch 4: KTQ, softmax and VScores x 48) is
 * simulated until its start-to-start period is steady and the rest extrapolated. Against the
 * simulation of every instance (TS_EXEC_INSTANCES_ALL) on eyeriss-like and gemmini-like, both
 * with their timed DRAM: the layer's cycles and DRAM bursts within 1%; per op the cycles, busy +
 * stalls and busy time of each unit within 1% or 1.5 periods (check_op), the compute unit's
 * busy cycles exactly, the row-hit rate within 0.01, requested bytes equal. A bound on simulated
 * instances is honoured. The CLI: the note in the text report, the JSON members
 * (des.instances_simulated, instances_extrapolated, steady_state),
 * --des-instances all simulating every instance, the same bytes on repeat, and bad values
 * refused. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-test-arch.h"
#include "ts-test.h"

#define TOL 0.01 /* extrapolated against simulated: relative, on times and bursts */

/* KTQ, softmax and VScores of BERT-base (seq 128, batch 4: 48 instances each) mapped on arch. */
static gboolean map_attention(const TsArch *arch, const TsConstraints *cons, TsWorkload **wl,
                              TsLayerResult *r)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 128, .batch = 4};
    *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*wl);
    static const char *const ops[] = {"KTQ", "softmax", "VScores", NULL};
    TsLayerOptions lo = {.constraints = cons, .only_ops = ops};
    ts_search_options_init(&lo.search);
    lo.search.budget = 1000;
    lo.search.seed = 7;
    lo.search.threads = 1;
    gboolean ok = ts_layer_map(arch, *wl, &lo, r, &error);
    if (!ok)
        fprintf(stderr, "map: %s\n", error->message);
    return ok;
}

static void close_rel(double a, double b, double tol, const char *what, const char *op)
{
    const double d = fabs(a - b) / MAX(MAX(fabs(a), fabs(b)), 1.0);
    if (d > tol)
        fprintf(stderr, "%s %s: sampled %.6g, every instance %.6g (%.3f%%)\n", op, what, a, b,
                100 * d);
    CU_ASSERT(d <= tol);
}

/* An op's end depends on how its last instance meets the next op's start, which the full run
 * may reach in another phase of a pattern among instances (eyeriss-like's softmax alternates
 * between two instance durations whose order drifts): up to about one instance's time moves
 * between an op and the next, with the next op's early traffic. Per op, times and busy times
 * are held to 1% or that boundary, the DRAM's bursts to 5%; the layer's to 1%. */
static void check_op(const TsExecOpResult *s, const TsExecOpResult *f)
{
    const char *name = s->op->name;
    CU_ASSERT_EQUAL(f->instances_simulated, f->count);
    CU_ASSERT_EQUAL(s->count, 48);
    CU_ASSERT(s->instances_simulated >= TS_EXEC_SAMPLE_MIN);
    CU_ASSERT(s->instances_simulated < s->count);
    CU_ASSERT_TRUE(s->steady);
    CU_ASSERT(s->steady_spread <= TS_EXEC_SAMPLE_TOL);
    CU_ASSERT(s->steady_period_cycles > 0);
    CU_ASSERT(s->events < f->events);
    const double edge = 1.5 * s->steady_period_cycles;
    const double tol = MAX(TOL, edge / f->cycles);
    close_rel(s->cycles, f->cycles, tol, "cycles", name);
    close_rel(s->compute_busy_cycles, f->compute_busy_cycles, 1e-9, "compute busy", name);
    /* the compute unit's busy and stalled cycles (which add up to the op's cycles within the
     * simulation's rounding, sampled or not) */
    double stalls = s->compute_busy_cycles, fstalls = f->compute_busy_cycles;
    for (guint k = 0; k < TS_STALL_COUNT_; k++) {
        stalls += s->stall_cycles[k];
        fstalls += f->stall_cycles[k];
    }
    close_rel(stalls, fstalls, tol, "busy + stalls", name);
    close_rel((double)s->dram_reads, (double)f->dram_reads, 0.05, "DRAM reads", name);
    close_rel((double)s->dram_writes, (double)f->dram_writes, 0.05, "DRAM writes", name);
    CU_ASSERT(s->dram_row_hit_rate >= 0 && f->dram_row_hit_rate >= 0);
    CU_ASSERT_DOUBLE_EQUAL(s->dram_row_hit_rate, f->dram_row_hit_rate, 0.01);
    CU_ASSERT_EQUAL(s->dram_request_bytes, f->dram_request_bytes);
    CU_ASSERT_EQUAL(s->link_calls, f->link_calls);
    CU_ASSERT_DOUBLE_EQUAL(s->cost.energy_pj, f->cost.energy_pj, 1e-9 * f->cost.energy_pj);
    CU_ASSERT_EQUAL(s->n_units, f->n_units);
    for (guint u = 0; u < s->n_units; u++) {
        /* busy cycles in the window */
        const double bs = s->unit[u].utilization * s->cycles;
        const double bf = f->unit[u].utilization * f->cycles;
        if (fabs(bs - bf) > 0.01 * f->cycles + edge)
            fprintf(stderr, "%s %s utilization: %.4f against %.4f\n", name, s->unit[u].name,
                    s->unit[u].utilization, f->unit[u].utilization);
        CU_ASSERT(fabs(bs - bf) <= 0.01 * f->cycles + edge);
    }
    if (isfinite(f->dram_command_energy_pj))
        close_rel(s->dram_command_energy_pj, f->dram_command_energy_pj, tol, "DRAM energy", name);
}

static void sampled_against_full(const char *arch_name)
{
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    static const char *const none[] = {NULL};
    g_autoptr(TsArch) arch = ts_test_arch_edited(arch_name, none, cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkload *wl = NULL;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(map_attention(arch, cons, &wl, &r));
    CU_ASSERT_EQUAL_FATAL(r.n_ops, 3);
    g_autoptr(GError) error = NULL;
    TsExecOptions sampled = {.max_steps = 256}, full = sampled;
    full.instances = TS_EXEC_INSTANCES_ALL;
    TsExecResult s = {0}, f = {0};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(arch, wl, &r, &sampled, &s, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(arch, wl, &r, &full, &f, &error));
    for (guint i = 0; i < r.n_ops; i++) {
        fprintf(stderr, "%s %s: %" G_GUINT64_FORMAT " of 48 simulated, %.0f against %.0f cycles\n",
                arch_name, s.ops[i].op->name, s.ops[i].instances_simulated, s.ops[i].cycles,
                f.ops[i].cycles);
        check_op(&s.ops[i], &f.ops[i]);
    }
    close_rel(s.cycles, f.cycles, TOL, "layer cycles", arch_name);
    double rs = 0, rf = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        rs += (double)(s.ops[i].dram_reads + s.ops[i].dram_writes);
        rf += (double)(f.ops[i].dram_reads + f.ops[i].dram_writes);
    }
    close_rel(rs, rf, TOL, "layer DRAM bursts", arch_name);
    CU_ASSERT(s.events < f.events);
    /* one note per sampled op, none when every instance ran */
    CU_ASSERT_PTR_NOT_NULL_FATAL(s.notes);
    guint notes = 0;
    for (guint i = 0; s.notes[i]; i++)
        notes += strstr(s.notes[i], "extrapolated") != NULL;
    CU_ASSERT_EQUAL(notes, 3);
    for (guint i = 0; f.notes && f.notes[i]; i++)
        CU_ASSERT_PTR_NULL(strstr(f.notes[i], "extrapolated"));
    /* a bound on the simulated instances */
    TsExecOptions bounded = {.max_steps = 256, .instances = 6};
    TsExecResult b = {0};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(arch, wl, &r, &bounded, &b, &error));
    /* Where the bound comes before the steady state (on eyeriss-like, windows of one instance
     * shorter than a refresh interval) the note says the last instances were not yet steady. */
    guint unsteady = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        CU_ASSERT(b.ops[i].instances_simulated < 2 * 6); /* 6, then fewer than 2W <= 6 */
        close_rel(b.ops[i].cycles, f.ops[i].cycles, 0.05, "cycles (6 instances)",
                  b.ops[i].op->name);
        if (b.ops[i].instances_simulated >= b.ops[i].count || b.ops[i].steady)
            continue;
        unsteady++;
        g_autofree char *want =
            g_strdup_printf("%s: %" G_GUINT64_FORMAT " of ", b.ops[i].op->name,
                            b.ops[i].instances_simulated);
        gboolean noted = FALSE;
        for (guint k = 0; b.notes && b.notes[k]; k++)
            noted |= g_str_has_prefix(b.notes[k], want) &&
                     strstr(b.notes[k], "from the last instances, not yet steady") != NULL &&
                     strstr(b.notes[k], "differ by") != NULL;
        CU_ASSERT_TRUE(noted);
    }
    if (strcmp(arch_name, "eyeriss-like") == 0)
        CU_ASSERT(unsteady > 0);
    ts_exec_result_clear(&b);
    ts_exec_result_clear(&s);
    ts_exec_result_clear(&f);
    ts_layer_result_clear(&r);
    ts_workload_free(wl);
}

static void test_eyeriss(void)
{
    sampled_against_full("eyeriss-like");
}

static void test_gemmini(void)
{
    sampled_against_full("gemmini-like");
}

/* ---- the CLI -------------------------------------------------------------------------------- */

static JsonObject *des_of(JsonNode *root)
{
    JsonObject *o = json_node_get_object(root);
    return json_object_get_object_member(o, "des");
}

static gboolean run_cli(const char *instances, const char *json, char **out)
{
    const char *args[] = {"simulate",
                          "--arch",
                          "eyeriss-like",
                          "--workload",
                          "bert-base",
                          "--seq",
                          "64",
                          "--batch",
                          "4",
                          "--op",
                          "KTQ",
                          "--engine",
                          "des",
                          "--budget",
                          "300",
                          "--json",
                          json,
                          "--reproducible",
                          "--no-progress",
                          instances ? "--des-instances" : NULL,
                          instances,
                          NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return FALSE;
    CU_ASSERT_EQUAL(r.status, 0);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    *out = g_strdup(r.out);
    ts_test_run_clear(&r);
    return TRUE;
}

static void test_cli(void)
{
    g_autofree char *j1 = ts_test_tmp_path("tilesim-test-sample-1.json");
    g_autofree char *j2 = ts_test_tmp_path("tilesim-test-sample-2.json");
    g_autofree char *j3 = ts_test_tmp_path("tilesim-test-sample-3.json");
    g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL;
    if (!run_cli(NULL, j1, &o1) || !run_cli("auto", j2, &o2) || !run_cli("all", j3, &o3))
        return;
    /* the note in the text report */
    CU_ASSERT_PTR_NOT_NULL(strstr(o1, "instances simulated"));
    CU_ASSERT_PTR_NOT_NULL(strstr(o1, "DES note: KTQ:"));
    CU_ASSERT_PTR_NULL(strstr(o3, "extrapolated"));
    /* determinism: the same bytes */
    g_autofree char *t1 = NULL, *t2 = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(j1, &t1, NULL, NULL));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(j2, &t2, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT_STRING_EQUAL(o1, o2);
    g_autoptr(JsonParser) p1 = json_parser_new(), p3 = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p1, t1, -1, NULL));
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p3, j3, NULL));
    JsonObject *d1 = des_of(json_parser_get_root(p1)), *d3 = des_of(json_parser_get_root(p3));
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d3);
    const gint64 sim = json_object_get_int_member(d1, "instances_simulated");
    const gint64 ext = json_object_get_int_member(d1, "instances_extrapolated");
    CU_ASSERT(sim >= TS_EXEC_SAMPLE_MIN && ext > 0 && sim + ext == 48);
    JsonObject *st = json_object_get_object_member(d1, "steady_state");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT(json_object_get_double_member(st, "period_cycles") > 0);
    CU_ASSERT_TRUE(json_object_get_boolean_member(st, "steady"));
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "instances_simulated"), 48);
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "instances_extrapolated"), 0);
    CU_ASSERT_TRUE(json_object_get_null_member(d3, "steady_state"));
    const double c1 = json_object_get_double_member(d1, "cycles");
    const double c3 = json_object_get_double_member(d3, "cycles");
    CU_ASSERT(fabs(c1 - c3) <= TOL * c3);
    g_unlink(j1);
    g_unlink(j2);
    g_unlink(j3);
}

static void test_cli_refused(void)
{
    static const char *const bad[] = {"2", "0", "65537", "some", "-4", "", NULL};
    for (guint i = 0; bad[i]; i++) {
        const char *args[] = {"simulate", "--arch", "eyeriss-like",    "--workload", "bert-base",
                              "--op",     "KTQ",    "--des-instances", bad[i],       NULL};
        TsTestRun r = {0};
        if (ts_test_spawn(&r, args, FALSE) < 0)
            return;
        CU_ASSERT_EQUAL(r.status, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--des-instances"));
        ts_test_run_clear(&r);
    }
    const char *args[] = {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base",
                          "--op",     "KTQ",    "--engine",     "analytical", "--des-instances",
                          "all",      NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--des-instances"));
    ts_test_run_clear(&r);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_sample", NULL, NULL);
    CU_add_test(s, "extrapolated against every instance, eyeriss-like", test_eyeriss);
    CU_add_test(s, "extrapolated against every instance, gemmini-like", test_gemmini);
    CU_add_test(s, "the CLI: note, JSON, --des-instances all, determinism", test_cli);
    CU_add_test(s, "the CLI: bad --des-instances refused", test_cli_refused);
    return ts_test_run(argc, argv);
}
