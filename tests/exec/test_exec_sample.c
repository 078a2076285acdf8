/* Sampled instances (docs/des.md section 12, "Sampled instances"): an op whose 48 instances run
 * one after another (BERT-base, sequence 128, batch 4: KTQ, softmax and VScores x 48) is
 * simulated until its start-to-start period is steady and the rest extrapolated. Against the
 * simulation of every instance (TS_EXEC_INSTANCES_ALL) on eyeriss-like and gemmini-like, both
 * with their timed DRAM: the layer's cycles and DRAM bursts within 1%; per op the cycles, busy +
 * stalls and busy time of each unit within 1% or 1.5 periods (check_op), its DRAM bursts
 * within 1% (the extrapolated units' from the bytes they request), the compute unit's
 * busy cycles exactly, the row-hit rate within 0.01, requested bytes equal. A bound on simulated
 * instances is honoured. The CLI: the note in the text report, the JSON members
 * (des.instances_simulated, instances_extrapolated, steady_state),
 * --des-instances all simulating every instance, the same bytes on repeat, and bad values
 * refused. Sampled chunks (docs/des.md section 12, "Sampled chunks"): the elementwise ops of
 * one instance (residual and gelu, 64 chunks each) sampled by chunk against every chunk
 * simulated, per op and layer within 1%, requested bytes and counted energy equal; ops whose
 * windows cannot last the refresh intervals (gemmini-like's residual adds) run every chunk; a
 * bound;
 * the CLI's note and JSON members (des.chunks, chunks_simulated, chunks_extrapolated,
 * steady_state.of) and --des-instances all. Sampled steps (docs/des.md section 12, "Sampled
 * steps"): the einsums of one instance (BERT-base, sequence 32: KQV, Out and FF1) sampled by the
 * iterations of their outer step loops against every step simulated, per op and layer within
 * 1%, requested bytes, MACs and counted energy equal; a bound; the same figures on repeat; the
 * CLI's note and JSON members (des.steps_simulated, steps_extrapolated, steady_state.of). */
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

/* The ops (NULL-terminated names) of BERT-base (seq 128, batch 4; the einsums of one instance:
 * seq 32, batch 1) mapped on arch. */
static const char *const step_ops[] = {"KQV", "Out", "FF1", NULL};

static gboolean map_ops(const TsArch *arch, const TsConstraints *cons, const char *const *ops,
                        TsWorkload **wl, TsLayerResult *r)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 128, .batch = 4};
    if (ops == step_ops)
        ov = (TsWorkloadOverrides){.seq = 32, .batch = 1};
    *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*wl);
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

/* KTQ, softmax and VScores (48 instances each). */
static const char *const attention_ops[] = {"KTQ", "softmax", "VScores", NULL};
/* The residual adds and GELU (one instance each). */
static const char *const elementwise_ops[] = {"residual", "gelu", NULL};

static void close_rel(double a, double b, double tol, const char *what, const char *op)
{
    const double d = fabs(a - b) / MAX(MAX(fabs(a), fabs(b)), 1.0);
    if (d > tol)
        fprintf(stderr, "%s %s: sampled %.6g, every instance %.6g (%.3f%%)\n", op, what, a, b,
                100 * d);
    CU_ASSERT(d <= tol);
}

/* What a sampled op (s) has against the simulation of everything (f): steady; its cycles and
 * busy + stalls within tol, each unit's busy cycles within 1% + edge, the DRAM's bursts within
 * bursts, the compute unit's busy cycles within busy, the row-hit rate within 0.01; requested
 * bytes, host-link calls and counted energy equal. */
static void check_figures(const TsExecOpResult *s, const TsExecOpResult *f, double tol, double edge,
                          double bursts, double busy)
{
    const char *name = s->op->name;
    CU_ASSERT_TRUE(s->steady);
    CU_ASSERT(s->steady_spread <= TS_EXEC_SAMPLE_TOL);
    CU_ASSERT(s->steady_period_cycles > 0);
    CU_ASSERT(s->events < f->events);
    close_rel(s->cycles, f->cycles, tol, "cycles", name);
    close_rel(s->compute_busy_cycles, f->compute_busy_cycles, busy, "compute busy", name);
    /* the compute unit's busy and stalled cycles (which add up to the op's cycles within the
     * simulation's rounding, sampled or not) */
    double stalls = s->compute_busy_cycles, fstalls = f->compute_busy_cycles;
    for (guint k = 0; k < TS_STALL_COUNT_; k++) {
        stalls += s->stall_cycles[k];
        fstalls += f->stall_cycles[k];
    }
    close_rel(stalls, fstalls, tol, "busy + stalls", name);
    close_rel((double)s->dram_reads, (double)f->dram_reads, bursts, "DRAM reads", name);
    close_rel((double)s->dram_writes, (double)f->dram_writes, bursts, "DRAM writes", name);
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

/* An op's end depends on how its last instance meets the next op's start, which the full run
 * may reach in another phase of a pattern among instances (eyeriss-like's softmax alternates
 * between two instance durations whose order drifts): up to about one instance's time moves
 * between an op and the next, with the next op's early traffic. Per op, times and busy times
 * are held to 1% or that boundary; the DRAM's bursts to 1% (the extrapolated instances' from
 * their bytes); the layer's to 1%. */
static void check_op(const TsExecOpResult *s, const TsExecOpResult *f)
{
    CU_ASSERT_EQUAL(f->instances_simulated, f->count);
    CU_ASSERT_EQUAL(s->count, 48);
    CU_ASSERT(s->instances_simulated >= TS_EXEC_SAMPLE_MIN);
    CU_ASSERT(s->instances_simulated < s->count);
    const double edge = 1.5 * s->steady_period_cycles;
    check_figures(s, f, MAX(TOL, edge / f->cycles), edge, TOL, 1e-9);
}

/* The ops of BERT-base (map_ops) on arch_name with its timed DRAM, run sampled (the default,
 * at most 256 tile steps per instance) and with every instance and chunk simulated. */
typedef struct {
    TsConstraints *cons;
    TsArch *arch;
    TsWorkload *wl;
    TsLayerResult r;
    TsExecResult s, f;
    uint64_t max_steps; /* the walk depth's bound (0: the default) */
} Pair;

static gboolean pair_run(Pair *p, const char *arch_name, const char *const *ops)
{
    memset(p, 0, sizeof *p);
    p->cons = ts_constraints_new();
    static const char *const none[] = {NULL};
    p->arch = ts_test_arch_edited(arch_name, none, p->cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->arch);
    CU_ASSERT_TRUE_FATAL(map_ops(p->arch, p->cons, ops, &p->wl, &p->r));
    CU_ASSERT_EQUAL_FATAL(p->r.n_ops, 3);
    g_autoptr(GError) error = NULL;
    /* the einsums of one instance at the default walk depth */
    p->max_steps = ops == step_ops ? 0 : 256;
    TsExecOptions sampled = {.max_steps = p->max_steps}, full = sampled;
    full.instances = TS_EXEC_INSTANCES_ALL;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(p->arch, p->wl, &p->r, &sampled, &p->s, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(p->arch, p->wl, &p->r, &full, &p->f, &error));
    return TRUE;
}

/* The pair's layer run with at most `instances` instances or chunks simulated per op. */
static void pair_bounded(Pair *p, uint64_t instances, TsExecResult *b)
{
    g_autoptr(GError) error = NULL;
    TsExecOptions bounded = {.max_steps = p->max_steps, .instances = instances};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(p->arch, p->wl, &p->r, &bounded, b, &error));
}

static void pair_clear(Pair *p)
{
    ts_exec_result_clear(&p->s);
    ts_exec_result_clear(&p->f);
    ts_layer_result_clear(&p->r);
    ts_workload_free(p->wl);
    ts_arch_free(p->arch);
    ts_constraints_free(p->cons);
}

static void sampled_against_full(const char *arch_name)
{
    Pair p;
    if (!pair_run(&p, arch_name, attention_ops))
        return;
    const TsLayerResult r = p.r;
    const TsExecResult s = p.s, f = p.f;
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
    TsExecResult b = {0};
    pair_bounded(&p, 6, &b);
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
        g_autofree char *want = g_strdup_printf("%s: %" G_GUINT64_FORMAT " of ", b.ops[i].op->name,
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
    pair_clear(&p);
}

static void test_eyeriss(void)
{
    sampled_against_full("eyeriss-like");
}

static void test_gemmini(void)
{
    sampled_against_full("gemmini-like");
}

/* ---- sampled chunks ------------------------------------------------------------------------- */

/* An op sampled by chunk (s) against every chunk simulated (f): its figures within 1%, the
 * compute unit's busy cycles (each chunk's share of the passes, extrapolated) within 0.1%. */
static void check_chunks(const TsExecOpResult *s, const TsExecOpResult *f)
{
    CU_ASSERT_EQUAL(s->count, 1);
    CU_ASSERT_EQUAL(s->instances_simulated, 1);
    CU_ASSERT_EQUAL(f->chunks_simulated, f->chunks);
    CU_ASSERT_EQUAL(s->chunks, f->chunks);
    CU_ASSERT_EQUAL(s->chunks, 64);
    CU_ASSERT(s->chunks_simulated >= TS_EXEC_SAMPLE_MIN);
    CU_ASSERT(s->chunks_simulated < s->chunks);
    check_figures(s, f, TOL, 0.0, TOL, 1e-3);
}

/* The residual adds and GELU on arch_name sampled by chunk against every chunk simulated: at
 * least `sampled` of the three ops sampled, and `exact` run chunk by chunk (their windows short
 * of the refresh intervals), their figures within 1% of the full run's (an earlier op's
 * sampling leaves the DRAM in another state). */
static void chunks_against_full(const char *arch_name, guint sampled, guint exact)
{
    Pair p;
    if (!pair_run(&p, arch_name, elementwise_ops))
        return;
    const TsLayerResult r = p.r;
    const TsExecResult s = p.s, f = p.f;
    guint notes = 0, n_sampled = 0, n_exact = 0;
    for (guint i = 0; s.notes && s.notes[i]; i++)
        notes += strstr(s.notes[i], " chunks simulated, ") != NULL &&
                 strstr(s.notes[i], "cycles per chunk") != NULL;
    for (guint i = 0; f.notes && f.notes[i]; i++)
        CU_ASSERT_PTR_NULL(strstr(f.notes[i], "extrapolated"));
    for (guint i = 0; i < r.n_ops; i++) {
        fprintf(stderr,
                "%s %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " chunks simulated, %.0f against %.0f cycles\n",
                arch_name, s.ops[i].op->name, s.ops[i].chunks_simulated, s.ops[i].chunks,
                s.ops[i].cycles, f.ops[i].cycles);
        if (s.ops[i].chunks_simulated < s.ops[i].chunks) {
            n_sampled++;
            check_chunks(&s.ops[i], &f.ops[i]);
        } else {
            n_exact++;
            CU_ASSERT_EQUAL(s.ops[i].chunks, 64);
            close_rel(s.ops[i].cycles, f.ops[i].cycles, TOL, "cycles", s.ops[i].op->name);
        }
    }
    CU_ASSERT(n_sampled >= sampled);
    CU_ASSERT(n_exact >= exact);
    CU_ASSERT_EQUAL(notes, n_sampled);
    close_rel(s.cycles, f.cycles, TOL, "layer cycles", arch_name);
    if (n_sampled == r.n_ops) {
        CU_ASSERT(s.events < f.events / 2);
        /* a bound of 6 chunks: windows of two chunks, each chunk about one refresh interval
         * (eyeriss-like's residual: about 800 cycles, 4.0 us against tREFI 3.9 us), whose
         * periods beat with the refresh (windows of 2 chunks differ by up to 5%, of 4 by 24%),
         * extrapolated all the same and said to be not yet steady: within 10% */
        TsExecResult b = {0};
        pair_bounded(&p, 6, &b);
        for (guint i = 0; i < r.n_ops; i++) {
            const TsExecOpResult *o = &b.ops[i];
            CU_ASSERT(o->chunks_simulated < 2 * 6);
            CU_ASSERT_FALSE(o->steady);
            close_rel(o->cycles, f.ops[i].cycles, 0.10, "cycles (6 chunks)", o->op->name);
            g_autofree char *want =
                g_strdup_printf("%s: %" G_GUINT64_FORMAT " of 64 chunks simulated", o->op->name,
                                o->chunks_simulated);
            gboolean noted = FALSE;
            for (guint k = 0; b.notes && b.notes[k]; k++)
                noted |= g_str_has_prefix(b.notes[k], want) &&
                         strstr(b.notes[k], "from the last chunks, not yet steady") != NULL;
            CU_ASSERT_TRUE(noted);
        }
        ts_exec_result_clear(&b);
    }
    pair_clear(&p);
}

static void test_chunks_eyeriss(void)
{
    chunks_against_full("eyeriss-like", 3, 0);
}

static void test_chunks_gemmini(void)
{
    chunks_against_full("gemmini-like", 1, 1);
}

/* ---- sampled steps -------------------------------------------------------------------------- */

/* KQV, Out and FF1 of BERT-base at sequence 32 on arch_name, einsums of one instance of a few
 * thousand tile steps, sampled by step against every step simulated: per op its figures within
 * 1% (the DRAM's bursts too, the row-hit rate within 0.02), the compute unit's busy cycles and
 * MACs equal (every step's work, extrapolated), requested bytes and counted energy equal; the
 * layer within 1%; a note per sampled op; the same figures on repeat; a bound of 6 units. */
static void steps_against_full(const char *arch_name, guint sampled)
{
    Pair p;
    if (!pair_run(&p, arch_name, step_ops))
        return;
    const TsLayerResult r = p.r;
    const TsExecResult s = p.s, f = p.f;
    guint n_sampled = 0, notes = 0;
    for (guint i = 0; s.notes && s.notes[i]; i++)
        notes += strstr(s.notes[i], " tile steps simulated, ") != NULL &&
                 strstr(s.notes[i], "cycles per tile step") != NULL;
    for (guint i = 0; f.notes && f.notes[i]; i++)
        CU_ASSERT_PTR_NULL(strstr(f.notes[i], "extrapolated"));
    for (guint i = 0; i < r.n_ops; i++) {
        const TsExecOpResult *o = &s.ops[i], *fo = &f.ops[i];
        fprintf(stderr,
                "%s %s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " steps simulated, %.0f against %.0f cycles, %" G_GUINT64_FORMAT
                " against %" G_GUINT64_FORMAT " events\n",
                arch_name, o->op->name, o->steps_simulated, o->steps, o->cycles, fo->cycles,
                o->events, fo->events);
        CU_ASSERT_TRUE(o->einsum);
        CU_ASSERT_EQUAL(o->count, 1);
        CU_ASSERT_EQUAL(fo->steps_simulated, fo->steps);
        CU_ASSERT_EQUAL(o->steps, fo->steps);
        CU_ASSERT_EQUAL(o->cost.macs, fo->cost.macs);
        if (o->steps_simulated == o->steps) {
            close_rel(o->cycles, fo->cycles, TOL, "cycles", o->op->name);
            continue;
        }
        n_sampled++;
        CU_ASSERT(o->steps_simulated < o->steps);
        CU_ASSERT(o->steady_window > 0 && o->steady_window < o->steps);
        /* each unit's busy time within 2% of the op's cycles (the windows' mix of a unit's
         * accesses: FF2's psum_spad 1.2%) */
        check_figures(o, fo, TOL, 0.01 * fo->cycles, TOL, 1e-9);
    }
    CU_ASSERT(n_sampled >= sampled);
    CU_ASSERT_EQUAL(notes, n_sampled);
    close_rel(s.cycles, f.cycles, TOL, "layer cycles", arch_name);
    CU_ASSERT(s.events < f.events);
    /* determinism: the same figures again */
    TsExecResult again = {0};
    pair_bounded(&p, 0, &again);
    CU_ASSERT_EQUAL(again.events, s.events);
    CU_ASSERT_EQUAL(again.cycles, s.cycles);
    for (guint i = 0; i < r.n_ops; i++) {
        CU_ASSERT_EQUAL(again.ops[i].cycles, s.ops[i].cycles);
        CU_ASSERT_EQUAL(again.ops[i].steps_simulated, s.ops[i].steps_simulated);
    }
    ts_exec_result_clear(&again);
    /* a bound of 6 units: extrapolated from windows of a unit or two (KQV 14% long: its first
     * units are not yet steady), the counts still exact, said */
    TsExecResult b = {0};
    pair_bounded(&p, 6, &b);
    for (guint i = 0; i < r.n_ops; i++) {
        const TsExecOpResult *o = &b.ops[i];
        if (o->steps_simulated == o->steps)
            continue;
        close_rel(o->cycles, f.ops[i].cycles, 0.25, "cycles (6 units)", o->op->name);
        CU_ASSERT_EQUAL(o->dram_request_bytes, f.ops[i].dram_request_bytes);
        CU_ASSERT_DOUBLE_EQUAL(o->cost.energy_pj, f.ops[i].cost.energy_pj,
                               1e-9 * f.ops[i].cost.energy_pj);
        g_autofree char *want = g_strdup_printf("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                                                " tile steps simulated",
                                                o->op->name, o->steps_simulated, o->steps);
        gboolean noted = FALSE;
        for (guint k = 0; b.notes && b.notes[k]; k++)
            noted |= g_str_has_prefix(b.notes[k], want);
        CU_ASSERT_TRUE(noted);
    }
    ts_exec_result_clear(&b);
    pair_clear(&p);
}

static void test_steps_eyeriss(void)
{
    steps_against_full("eyeriss-like", 3);
}

/* ---- the CLI -------------------------------------------------------------------------------- */

static JsonObject *des_of(JsonNode *root)
{
    JsonObject *o = json_node_get_object(root);
    return json_object_get_object_member(o, "des");
}

static gboolean run_cli_op(const char *op, const char *seq, const char *instances, const char *json,
                           char **out)
{
    const char *args[] = {"simulate",
                          "--arch",
                          "eyeriss-like",
                          "--workload",
                          "bert-base",
                          "--seq",
                          seq,
                          "--batch",
                          "4",
                          "--op",
                          op,
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

/* The CLI on op: twice by default and once with --des-instances all. Checks the line under the
 * op (holding `line`) and the note in the sampled run's text report and none with all, the same
 * bytes on repeat, the sampled run's cycles within TOL of all's; fills the JSON's "des" of the
 * default (d1) and all (d3) runs, parsed in p1 and p3. FALSE when the runs failed. */
static gboolean cli_runs(const char *op, const char *seq, const char *line, JsonParser *p1,
                         JsonParser *p3, JsonObject **d1, JsonObject **d3)
{
    g_autofree char *j1 = ts_test_tmp_path("tilesim-test-sample-1.json");
    g_autofree char *j2 = ts_test_tmp_path("tilesim-test-sample-2.json");
    g_autofree char *j3 = ts_test_tmp_path("tilesim-test-sample-3.json");
    g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL;
    if (!run_cli_op(op, seq, NULL, j1, &o1) || !run_cli_op(op, seq, "auto", j2, &o2) ||
        !run_cli_op(op, seq, "all", j3, &o3))
        return FALSE;
    g_autofree char *note = g_strdup_printf("DES note: %s:", op);
    CU_ASSERT_PTR_NOT_NULL(strstr(o1, note));
    CU_ASSERT_PTR_NOT_NULL(strstr(o1, line));
    CU_ASSERT_PTR_NULL(strstr(o3, "extrapolated"));
    /* determinism: the same bytes */
    g_autofree char *t1 = NULL, *t2 = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(j1, &t1, NULL, NULL));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(j2, &t2, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT_STRING_EQUAL(o1, o2);
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p1, t1, -1, NULL));
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p3, j3, NULL));
    *d1 = des_of(json_parser_get_root(p1));
    *d3 = des_of(json_parser_get_root(p3));
    CU_ASSERT_PTR_NOT_NULL_FATAL(*d1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*d3);
    const double c1 = json_object_get_double_member(*d1, "cycles");
    const double c3 = json_object_get_double_member(*d3, "cycles");
    CU_ASSERT(fabs(c1 - c3) <= TOL * c3);
    CU_ASSERT(json_object_get_int_member(*d1, "events") <
              json_object_get_int_member(*d3, "events"));
    g_unlink(j1);
    g_unlink(j2);
    g_unlink(j3);
    return TRUE;
}

/* steady_state of a sampled run's des: of `of`, with a period, steady. */
static void check_steady_state(JsonObject *d, const char *of)
{
    JsonObject *st = json_object_get_object_member(d, "steady_state");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(st, "of"), of);
    CU_ASSERT(json_object_get_double_member(st, "period_cycles") > 0);
    CU_ASSERT_TRUE(json_object_get_boolean_member(st, "steady"));
}

static void test_cli(void)
{
    g_autoptr(JsonParser) p1 = json_parser_new(), p3 = json_parser_new();
    JsonObject *d1 = NULL, *d3 = NULL;
    if (!cli_runs("KTQ", "64", " instances simulated, ", p1, p3, &d1, &d3))
        return;
    const gint64 sim = json_object_get_int_member(d1, "instances_simulated");
    const gint64 ext = json_object_get_int_member(d1, "instances_extrapolated");
    CU_ASSERT(sim >= TS_EXEC_SAMPLE_MIN && ext > 0 && sim + ext == 48);
    check_steady_state(d1, "instances");
    CU_ASSERT_FALSE(json_object_has_member(d1, "chunks")); /* an einsum */
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "instances_simulated"), 48);
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "instances_extrapolated"), 0);
    CU_ASSERT_TRUE(json_object_get_null_member(d3, "steady_state"));
}

static void test_cli_chunks(void)
{
    g_autoptr(JsonParser) p1 = json_parser_new(), p3 = json_parser_new();
    JsonObject *d1 = NULL, *d3 = NULL;
    if (!cli_runs("gelu", "128", " of 64 chunks simulated, ", p1, p3, &d1, &d3))
        return;
    CU_ASSERT_EQUAL(json_object_get_int_member(d1, "instances_simulated"), 1);
    CU_ASSERT_EQUAL(json_object_get_int_member(d1, "instances_extrapolated"), 0);
    CU_ASSERT_EQUAL(json_object_get_int_member(d1, "chunks"), 64);
    const gint64 sim = json_object_get_int_member(d1, "chunks_simulated");
    const gint64 ext = json_object_get_int_member(d1, "chunks_extrapolated");
    CU_ASSERT(sim >= TS_EXEC_SAMPLE_MIN && ext > 0 && sim + ext == 64);
    check_steady_state(d1, "chunks");
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "chunks"), 64);
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "chunks_simulated"), 64);
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "chunks_extrapolated"), 0);
    CU_ASSERT_TRUE(json_object_get_null_member(d3, "steady_state"));
}

static void test_cli_steps(void)
{
    g_autoptr(JsonParser) p1 = json_parser_new(), p3 = json_parser_new();
    JsonObject *d1 = NULL, *d3 = NULL;
    if (!cli_runs("FF2", "32", " tile steps simulated, ", p1, p3, &d1, &d3))
        return;
    CU_ASSERT_EQUAL(json_object_get_int_member(d1, "instances_simulated"), 1);
    CU_ASSERT_FALSE(json_object_has_member(d1, "chunks")); /* an einsum */
    const gint64 steps = json_object_get_int_member(d1, "steps");
    const gint64 sim = json_object_get_int_member(d1, "steps_simulated");
    const gint64 ext = json_object_get_int_member(d1, "steps_extrapolated");
    CU_ASSERT(sim > 0 && ext > 0 && sim + ext == steps);
    check_steady_state(d1, "steps");
    JsonObject *st = json_object_get_object_member(d1, "steady_state");
    CU_ASSERT(json_object_get_int_member(st, "window") > 0);
    JsonObject *dram1 = json_object_get_object_member(d1, "dram");
    JsonObject *dram3 = json_object_get_object_member(d3, "dram");
    CU_ASSERT_EQUAL(json_object_get_int_member(dram1, "request_bytes"),
                    json_object_get_int_member(dram3, "request_bytes"));
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "steps_simulated"), steps);
    CU_ASSERT_EQUAL(json_object_get_int_member(d3, "steps_extrapolated"), 0);
    CU_ASSERT_TRUE(json_object_get_null_member(d3, "steady_state"));
}

static void test_cli_refused(void)
{
    static const char *const bad[] = {"2", "0", "65537", "some", "-4", "", NULL};
    for (guint i = 0; bad[i]; i++) {
        const char *args[] = {"simulate", "--arch", "eyeriss-like",    "--workload", "bert-base",
                              "--op",     "KTQ",    "--des-instances", bad[i],       NULL};
        CU_ASSERT(ts_test_refused(args, "--des-instances"));
    }
    const char *args[] = {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base",
                          "--op",     "KTQ",    "--engine",     "analytical", "--des-instances",
                          "all",      NULL};
    CU_ASSERT(ts_test_refused(args, "--des-instances (DES engine: --engine des or both) is not "
                                    "available with --engine analytical"));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_sample", NULL, NULL);
    CU_add_test(s, "extrapolated against every instance, eyeriss-like", test_eyeriss);
    CU_add_test(s, "extrapolated against every instance, gemmini-like", test_gemmini);
    CU_add_test(s, "the CLI: note, JSON, --des-instances all, determinism", test_cli);
    CU_add_test(s, "chunks extrapolated against every chunk, eyeriss-like", test_chunks_eyeriss);
    CU_add_test(s, "chunks against every chunk, gemmini-like (windows short of the refresh)",
                test_chunks_gemmini);
    CU_add_test(s, "the CLI: chunks' note, JSON, --des-instances all, determinism",
                test_cli_chunks);
    CU_add_test(s, "the CLI: bad --des-instances refused", test_cli_refused);
    CU_add_test(s, "steps extrapolated against every step, eyeriss-like", test_steps_eyeriss);
    CU_add_test(s, "the CLI: steps' note, JSON, --des-instances all, determinism", test_cli_steps);
    return ts_test_run(argc, argv);
}
