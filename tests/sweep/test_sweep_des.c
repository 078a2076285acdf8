/* `tilesim sweep --engine both|des` end to end on tiny sweeps: the DES columns in the database
 * and every export, identical with 1 and 2 threads and after a stop and resume, the same rows
 * for both and des; a run killed with SIGKILL at random moments mid-DES and resumed ends with
 * the same database and exports, byte for byte; a point where the DES refuses one op and runs
 * the other (the layer's DES totals absent and the reason said in the database, every export
 * and the report; the op that ran has the figures it has alone); points whose lock-step op is
 * over the DES's lane memory budget (the model's figures kept, the reason said; within it at a
 * shallower max_steps); a point's DES figures equal
 * `tilesim simulate --engine both`'s for the same mapping; a database of schema 1 (before the
 * DES columns) migrated on resume, a newer schema refused. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sweep-cli-support.h"

static char *tmpdir;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static char *db_of(const char *dir)
{
    return g_build_filename(dir, "sweep.db", NULL);
}

/* Not inlined: at -O2 GCC's -Wdangling-pointer takes the returned text for the local pointer. */
static G_GNUC_NO_INLINE char *read_out(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    char *text = NULL;
    g_file_get_contents(path, &text, NULL, NULL);
    return text;
}

/* One line of results.jsonl parsed with p (which owns the object). */
static JsonObject *jsonl_row(JsonParser *p, const char *line)
{
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, line, -1, NULL));
    return json_node_get_object(json_parser_get_root(p));
}

static void test_des_engines(void)
{
    g_autofree char *file = tmp("tiny.yaml");
    g_file_set_contents(file, kDesSweep, -1, NULL);
    g_autofree char *o1 = tmp("des1"), *o2 = tmp("des2"), *ob = tmp("both");
    TsTestRun r;
    const char *a1[] = {"sweep", file, "--engine", "des", "--out", o1, "--threads", "1", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, a1, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep tiny: 2 points: 2 ok"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DES cycles"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DES vs model"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "best by DES cycles  point 1 (pe_x=14)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Pareto front on energy, des_latency"));
    ts_test_run_clear(&r);
    const char *a2[] = {"sweep",     file, "--engine",   "des", "--out", o2,
                        "--threads", "2",  "--no-plots", "-q",  NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, a2, FALSE), 0);
    ts_test_run_clear(&r);
    g_autofree char *db1 = db_of(o1), *db2 = db_of(o2), *dbb = db_of(ob);
    g_autofree char *d1 = sweep_dump(db1), *d2 = sweep_dump(db2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
    if (strcmp(d1, d2) != 0)
        sweep_report_diff(d1, d2);
    CU_ASSERT_STRING_EQUAL(d1, d2);

    /* every point and op has its DES figures */
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db1, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT (SELECT count(*) FROM points WHERE des_cycles > 0 AND "
                       "des_latency_s > 0 AND des_energy_pj > 0 AND des_bound IS NOT NULL AND "
                       "des_not_run IS NULL AND abs(des_diff - (des_cycles / cycles - 1)) < 1e-12 "
                       "AND des_events > 0), (SELECT count(*) FROM op_results WHERE des_cycles > "
                       "0 AND des_bound IS NOT NULL), (SELECT count(*) FROM point_runs WHERE "
                       "des_seconds > 0), (SELECT value FROM meta WHERE key = 'schema_version');",
                       -1, &st, NULL);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 4);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 2), 2);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 3), "2");
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* the exports carry the DES columns */
    g_autofree char *csv = read_out(o1, "results.csv"), *ops = read_out(o1, "ops.csv"),
                    *jsonl = read_out(o1, "results.jsonl"), *front = read_out(o1, "pareto.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv,
                                  ",area_um2,pareto,reason,des_cycles,des_latency_s,"
                                  "des_energy_pj,des_diff,des_bound,des_not_run,des_events\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(front, ",area_um2,des_cycles,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ops, ",valid,des_cycles,des_latency_s,des_energy_pj,des_diff,"
                                       "des_bound,des_not_run\n"));
    g_auto(GStrv) lines = g_strsplit(jsonl, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);
    for (guint i = 0; i < 2; i++) {
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *o = jsonl_row(p, lines[i]);
        JsonObject *des = json_object_get_object_member(o, "des");
        CU_ASSERT_PTR_NOT_NULL_FATAL(des);
        CU_ASSERT_TRUE(json_object_get_double_member(des, "cycles") > 0);
        CU_ASSERT_TRUE(json_object_get_null_member(des, "not_run"));
        JsonArray *ops_a = json_object_get_array_member(o, "ops");
        CU_ASSERT_EQUAL(json_array_get_length(ops_a), 2);
        JsonObject *op0 = json_array_get_object_element(ops_a, 0);
        JsonObject *od = json_object_get_object_member(op0, "des");
        CU_ASSERT_PTR_NOT_NULL_FATAL(od);
        CU_ASSERT_TRUE(json_object_get_double_member(od, "cycles") > 0);
    }
    /* des_latency is the Pareto front's second objective: a point on it is not beaten on both */
    g_autofree char *plot = g_build_filename(o1, "plots", "pareto.csv", NULL);
    CU_ASSERT_TRUE(g_file_test(plot, G_FILE_TEST_IS_REGULAR));

    /* a run stopped after one point and resumed ends with the same rows */
    g_autofree char *op = tmp("des-part");
    const char *part[] = {"sweep", file,         "--engine",     "des", "--out", op,
                          "-q",    "--no-plots", "--max-points", "1",   NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, part, FALSE), 0);
    ts_test_run_clear(&r);
    const char *rest[] = {"sweep", file, "--engine",   "des",      "--out",
                          op,      "-q", "--no-plots", "--resume", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, rest, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "1 done before"));
    ts_test_run_clear(&r);
    g_autofree char *dbp = db_of(op);
    g_autofree char *dp = sweep_dump(dbp);
    CU_ASSERT_STRING_EQUAL(dp, d1);

    /* --engine both: the same figures (both run the same simulation) */
    const char *ab[] = {"sweep", file, "--engine", "both", "--out", ob, "--no-plots", "-q", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, ab, FALSE), 0);
    ts_test_run_clear(&r);
    g_autofree char *db_b = sweep_dump(dbb);
    CU_ASSERT_STRING_EQUAL(db_b, d1);
}

/* Four points of kDesSweep's shape (two ops, short walks), for killing mid-run. */
static const char *kDesKillSweep = "sweep:\n"
                                   "  name: tiny4\n"
                                   "  arch: eyeriss-like\n"
                                   "  workload: bert-base\n"
                                   "  ops: [KTQ, softmax]\n"
                                   "  parameters:\n"
                                   "    pe_x:\n"
                                   "      values: [7, 14]\n"
                                   "      arch: levels[PE_column].spatial.meshX\n"
                                   "    seq:\n"
                                   "      values: [32, 64]\n"
                                   "  mapper: {search: anneal, budget: 300, seed: 3}\n"
                                   "  des: {max_steps: 64}\n";

static const char *const kExports[] = {"results.csv", "ops.csv", "results.jsonl", "pareto.csv",
                                       "summary.txt"};

/* A DES sweep (--engine both) killed with SIGKILL at random moments (one to three kills, from
 * the database's creation to past an uninterrupted run's end; $TILESIM_TEST_SEED overrides the
 * seed) and resumed: its database rows and every export equal the uninterrupted run's byte for
 * byte, and each point was stored by exactly one run. */
static void test_des_resume_after_sigkill(void)
{
    g_autofree char *file = tmp("tiny4.yaml");
    g_file_set_contents(file, kDesKillSweep, -1, NULL);
    g_autofree char *ref = tmp("kill-ref");
    TsTestRun r;
    const char *args[] = {"sweep",     file, "--engine",   "both", "--out", ref,
                          "--threads", "2",  "--no-plots", "-q",   NULL};
    gint64 t0 = g_get_monotonic_time();
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    const double ref_s = (double)(g_get_monotonic_time() - t0) * 1e-6;
    ts_test_run_clear(&r);
    g_autofree char *ref_db = db_of(ref);
    g_autofree char *want = sweep_dump(ref_db);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    CU_ASSERT_PTR_NOT_NULL(strstr(want, "'ok'"));
    CU_ASSERT_PTR_NULL(strstr(want, "'pending'"));
    guint64 base = ts_test_seed(20261206);
    for (guint round = 0; round < 2; round++) {
        const guint64 seed = base + round;
        GRand *rng = g_rand_new_with_seed((guint32)seed);
        g_autofree char *name = g_strdup_printf("kill%u", round);
        g_autofree char *out = tmp(name);
        guint kills = 0, attempts = 1 + (guint)g_rand_int_range(rng, 0, 3);
        for (guint k = 0; k < attempts; k++) {
            double delay = g_rand_double_range(rng, 0.0, 1.1 * ref_s);
            if (k == 0 && round == 0)
                delay = 0.5 * ref_s; /* once surely mid-run */
            kills += sweep_run_and_kill(file, out, "both", delay, k > 0);
        }
        g_rand_free(rng);
        const char *rest[] = {"sweep",     file, "--engine", "both",       "--out", out,
                              "--threads", "2",  "--resume", "--no-plots", "-q",    NULL};
        CU_ASSERT_EQUAL(ts_test_spawn(&r, rest, FALSE), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "of 4 points done in this run"));
        ts_test_run_clear(&r);
        fprintf(stderr, "(seed %" G_GUINT64_FORMAT ", %u kills) ", seed, kills);
        g_autofree char *db = db_of(out);
        g_autofree char *got = sweep_dump(db);
        CU_ASSERT_PTR_NOT_NULL_FATAL(got);
        if (strcmp(want, got) != 0)
            sweep_report_diff(want, got);
        CU_ASSERT_STRING_EQUAL(want, got);
        for (guint e = 0; e < G_N_ELEMENTS(kExports); e++) {
            g_autofree char *a = read_out(ref, kExports[e]), *b = read_out(out, kExports[e]);
            CU_ASSERT_PTR_NOT_NULL_FATAL(a);
            CU_ASSERT_PTR_NOT_NULL_FATAL(b);
            if (strcmp(a, b) != 0)
                fprintf(stderr, "%s differs after the kills\n", kExports[e]);
            CU_ASSERT_STRING_EQUAL(a, b);
        }
        sqlite3 *h = NULL;
        CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(h,
                           "SELECT count(*), count(DISTINCT point_id), min(des_seconds > 0) FROM "
                           "point_runs;",
                           -1, &st, NULL);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 4);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 4);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 2), 1);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
}

/* A workload of two einsums: a transposed convolution whose output rank sums two dimensions
 * (the analytical model maps it; the DES's walker refuses it, naming the op), then a GEMM the
 * DES runs. */
static const char *kPartialWorkload =
    "workload:\n"
    "  name: partial\n"
    "  precision: int8\n"
    "  ops:\n"
    "    - name: tconv\n"
    "      dims: {P: 16, R: 3, C: 8, K: 8}\n"
    "      tensors:\n"
    "        - {name: Weights, projection: [C, K, R]}\n"
    "        - {name: Inputs, projection: [C, P]}\n"
    "        - {name: Outputs, projection: [K, \"P + R\"], read_write: true}\n"
    "    - name: proj\n"
    "      dims: {M: 64, N: 64, K: 64}\n"
    "      tensors:\n"
    "        - {name: Weights, projection: [K, N]}\n"
    "        - {name: Inputs, projection: [M, K]}\n"
    "        - {name: Outputs, projection: [M, N], read_write: true}\n";

#define PARTIAL_REASON                                                                             \
    "op tconv: the output tensor has a rank summing several dimensions; the walker handles "      \
    "sliding windows on input tensors only"

static char *partial_sweep(const char *name, const char *ops)
{
    g_autofree char *w = tmp("partial-workload.yaml");
    g_file_set_contents(w, kPartialWorkload, -1, NULL);
    g_autofree char *file = tmp(name);
    g_autofree char *text = g_strdup_printf(
        "sweep:\n  name: partial\n  arch: gemmini-like\n  workload: partial-workload.yaml\n"
        "%s  parameters:\n    rows:\n      values: [8, 16]\n"
        "      arch: levels[Array].attributes.rows\n"
        "  mapper: {search: anneal, budget: 100, seed: 3}\n  des: {max_steps: 64}\n",
        ops);
    g_file_set_contents(file, text, -1, NULL);
    return g_steal_pointer(&file);
}

/* The field `name` of a CSV line without quoted fields (these exports' values have no commas). */
static char *csv_field(const char *line, const char *header, const char *name)
{
    g_auto(GStrv) h = g_strsplit(header, ",", -1), f = g_strsplit(line, ",", -1);
    for (guint i = 0; h[i] && f[i]; i++)
        if (strcmp(h[i], name) == 0)
            return g_strdup(f[i]);
    return NULL;
}

/* One op refused by the DES, the other run, in each point: the point's DES totals (cycles,
 * latency, energy, diff, bound) absent with des_not_run naming the op and why; des_events
 * counts the simulation of the op that ran (as many as a sweep of that op alone); the refused op's row absent with its reason, the
 * run op's figures equal to those of a sweep of that op alone; the same in the CSV and JSONL
 * exports; the report says why the DES columns are empty; the DES Pareto front is empty. */
static void test_des_op_refused(void)
{
    g_autofree char *file = partial_sweep("partial.yaml", "");
    g_autofree char *alone = partial_sweep("partial-proj.yaml", "  ops: [proj]\n");
    g_autofree char *out = tmp("partial"), *out1 = tmp("partial-proj");
    TsTestRun r;
    const char *a[] = {"sweep", file, "--engine", "des", "--out", out, "--no-plots", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, a, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep partial: 2 points: 2 ok"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.out, "  no DES totals: 2 points (0, 1): tconv: " PARTIAL_REASON "\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "best by DES cycles  none"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Pareto front on energy, des_latency: 0 points"));
    ts_test_run_clear(&r);
    const char *b[] = {"sweep", alone, "--engine", "des", "--out", out1, "--no-plots", "-q", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, b, FALSE), 0);
    ts_test_run_clear(&r);

    g_autofree char *db_path = db_of(out), *db1_path = db_of(out1);
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    g_autofree char *attach = g_strdup_printf("ATTACH DATABASE '%s' AS alone;", db1_path);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(
            db,
            "SELECT (SELECT count(*) FROM points WHERE status = 'ok' AND cycles > 0 AND "
            "des_cycles IS NULL AND des_latency_s IS NULL AND des_energy_pj IS NULL AND des_diff "
            "IS NULL AND des_bound IS NULL AND des_not_run = 'tconv: ' || ?1 AND des_events > 0),"
            " (SELECT count(*) FROM op_results WHERE op = 'tconv' AND position = 0 AND cycles > "
            "0 AND des_cycles IS NULL AND des_latency_s IS NULL AND des_energy_pj IS NULL AND "
            "des_bound IS NULL AND des_not_run = ?1),"
            " (SELECT count(*) FROM op_results o JOIN alone.points a ON a.id = o.point_id WHERE "
            "o.op = 'proj' AND o.position = 1 AND o.des_not_run IS NULL AND o.des_cycles = "
            "a.des_cycles AND o.des_latency_s = a.des_latency_s AND o.des_energy_pj = "
            "a.des_energy_pj AND o.des_bound = a.des_bound AND o.cycles = a.cycles),"
            " (SELECT count(*) FROM points p JOIN alone.points a ON a.id = p.id WHERE "
            "p.des_events = a.des_events);",
            -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, PARTIAL_REASON, -1, SQLITE_STATIC);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 2), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 3), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* the exports: empty DES totals and the reason; the run op's figures, the refused op's
     * reason */
    g_autofree char *csv = read_out(out, "results.csv"), *ops = read_out(out, "ops.csv"),
                    *jsonl = read_out(out, "results.jsonl"), *front = read_out(out, "pareto.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
    g_auto(GStrv) rows = g_strsplit(csv, "\n", -1), orows = g_strsplit(ops, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(rows), 4);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(orows), 6);
    for (guint i = 1; i <= 2; i++) {
        const char *empty[] = {"des_cycles", "des_latency_s", "des_energy_pj", "des_diff",
                               "des_bound"};
        for (guint k = 0; k < G_N_ELEMENTS(empty); k++) {
            g_autofree char *v = csv_field(rows[i], rows[0], empty[k]);
            CU_ASSERT_STRING_EQUAL(v, "");
        }
        g_autofree char *nr = csv_field(rows[i], rows[0], "des_not_run");
        CU_ASSERT_STRING_EQUAL(nr, "tconv: " PARTIAL_REASON);
        g_autofree char *ev = csv_field(rows[i], rows[0], "des_events");
        CU_ASSERT_TRUE(ev != NULL && g_ascii_strtoll(ev, NULL, 10) > 0);
        /* ops.csv: tconv then proj for each point */
        g_autofree char *t_c = csv_field(orows[2 * i - 1], orows[0], "des_cycles");
        g_autofree char *t_n = csv_field(orows[2 * i - 1], orows[0], "des_not_run");
        g_autofree char *p_c = csv_field(orows[2 * i], orows[0], "des_cycles");
        g_autofree char *p_n = csv_field(orows[2 * i], orows[0], "des_not_run");
        CU_ASSERT_STRING_EQUAL(t_c, "");
        CU_ASSERT_STRING_EQUAL(t_n, PARTIAL_REASON);
        CU_ASSERT_TRUE(p_c != NULL && g_ascii_strtod(p_c, NULL) > 0);
        CU_ASSERT_STRING_EQUAL(p_n, "");
    }
    g_auto(GStrv) lines = g_strsplit(jsonl, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);
    for (guint i = 0; i < 2; i++) {
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *o = jsonl_row(p, lines[i]);
        JsonObject *des = json_object_get_object_member(o, "des");
        CU_ASSERT_PTR_NOT_NULL_FATAL(des);
        CU_ASSERT_TRUE(json_object_get_null_member(des, "cycles"));
        CU_ASSERT_TRUE(json_object_get_null_member(des, "latency_s"));
        CU_ASSERT_TRUE(json_object_get_null_member(des, "energy_pj"));
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(des, "not_run"),
                               "tconv: " PARTIAL_REASON);
        JsonArray *oa = json_object_get_array_member(o, "ops");
        CU_ASSERT_EQUAL_FATAL(json_array_get_length(oa), 2);
        JsonObject *t = json_object_get_object_member(json_array_get_object_element(oa, 0), "des");
        JsonObject *q = json_object_get_object_member(json_array_get_object_element(oa, 1), "des");
        CU_ASSERT_TRUE(json_object_get_null_member(t, "cycles"));
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(t, "not_run"), PARTIAL_REASON);
        CU_ASSERT_TRUE(json_object_get_double_member(q, "cycles") > 0);
        CU_ASSERT_TRUE(json_object_get_null_member(q, "not_run"));
    }
    /* a DES objective leaves out the points whose DES did not run every op */
    CU_ASSERT_PTR_NOT_NULL_FATAL(front);
    const char *nl = strchr(front, '\n');
    CU_ASSERT_TRUE(nl != NULL && nl[1] == '\0');
}

/* An int8 projection x 4 on upmem-pim: the search maps it on the DPUs with its 4 instances
 * sharing each host-link call (lock-step in the DES, 153.8 KiB of schedule state per instance
 * at the default walk depth, 105.8 KiB walked to the MRAM only, max_steps 1). */
static const char *kLockstepWorkload = "workload:\n"
                                       "  name: lockstep\n"
                                       "  precision: int8\n"
                                       "  ops:\n"
                                       "    - name: proj\n"
                                       "      count: 4\n"
                                       "      dims: {M: 64, N: 1024, K: 1024}\n"
                                       "      tensors:\n"
                                       "        - {name: Weights, projection: [K, N]}\n"
                                       "        - {name: Inputs, projection: [M, K]}\n"
                                       "        - {name: Outputs, projection: [M, N], "
                                       "read_write: true}\n";

#define LOCKSTEP_REASON                                                                            \
    "op proj: its 4 instances share each host-link call and would run in lock-step in the DES"

/* The lock-step sweep (two points: host DRAM channels) with engine and des settings (NULL:
 * none) run into *out (under tmpdir), its outputs in r; the exit status. */
static int lockstep_sweep(const char *name, const char *engine, const char *des, char **out,
                          TsTestRun *r)
{
    g_autofree char *w = tmp("lockstep-workload.yaml");
    g_file_set_contents(w, kLockstepWorkload, -1, NULL);
    g_autofree char *file = tmp(name);
    g_autofree char *text = g_strdup_printf(
        "sweep:\n  name: lockstep\n  arch: upmem-pim\n  workload: lockstep-workload.yaml\n"
        "  engine: %s\n  parameters:\n    channels:\n      values: [12, 4]\n"
        "      arch: levels[HostDRAM].attributes.channels\n"
        "  mapper: {search: anneal, budget: 300, seed: 3}\n%s%s%s",
        engine, des ? "  des: " : "", des ? des : "", des ? "\n" : "");
    g_file_set_contents(file, text, -1, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - strlen(".yaml"));
    *out = tmp(stem);
    const char *a[] = {"sweep", file, "--out", *out, "--no-plots", NULL};
    return ts_test_spawn(r, a, FALSE);
}

/* A sweep whose op the DES refuses for its lock-step lanes (docs/sweeps.md, `des: lane_memory`):
 * under 500K at the default walk depth (4 x 153.8 KiB) every point keeps the model's figures
 * (those of the same sweep with the analytical engine) with des_not_run naming the op, the
 * figures and the budget, in the database and the exports, and the report says so; exit 0.
 * With `max_steps: 1` the same budget holds the lanes (4 x 105.8 KiB): the refusal applies
 * the budget at the run's walk depth, so the DES runs. */
static void test_des_lane_memory_refused(void)
{
    g_autofree char *model = NULL, *refused = NULL, *shallow = NULL;
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(lockstep_sweep("lockstep-model.yaml", "analytical", NULL, &model, &r), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(
        lockstep_sweep("lockstep-refused.yaml", "both", "{lane_memory: 500K}", &refused, &r), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep lockstep: 2 points: 2 ok"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "  no DES totals: 2 points (0, 1): proj: " LOCKSTEP_REASON));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "over the executor's budget of 500.0 KiB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "best by DES cycles  none"));
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(lockstep_sweep("lockstep-shallow.yaml", "both",
                                         "{lane_memory: 500K, max_steps: 1}", &shallow, &r),
                          0);
    CU_ASSERT_PTR_NULL(strstr(r.out, "no DES totals"));
    ts_test_run_clear(&r);
    g_autofree char *db_path = db_of(refused), *model_db = db_of(model),
                    *shallow_db = db_of(shallow);
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    g_autofree char *attach = g_strdup_printf(
        "ATTACH DATABASE '%s' AS model; ATTACH DATABASE '%s' AS shallow;", model_db, shallow_db);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(
            db,
            "SELECT (SELECT count(*) FROM points p JOIN model.points m ON m.id = p.id WHERE "
            "p.status = 'ok' AND p.cycles = m.cycles AND p.energy_pj = m.energy_pj AND "
            "p.latency_s = m.latency_s AND p.des_cycles IS NULL AND p.des_latency_s IS NULL AND "
            "p.des_energy_pj IS NULL AND p.des_diff IS NULL AND p.des_bound IS NULL AND "
            "p.des_not_run LIKE 'proj: ' || ?1 || '%budget of 500.0 KiB%'),"
            " (SELECT count(*) FROM op_results o JOIN model.op_results m ON m.point_id = "
            "o.point_id AND m.op = o.op WHERE o.cycles = m.cycles AND o.energy_pj = m.energy_pj "
            "AND o.des_cycles IS NULL AND o.des_not_run LIKE ?1 || '%'),"
            " (SELECT count(*) FROM shallow.points s JOIN points p ON p.id = s.id WHERE "
            "s.des_not_run IS NULL AND s.des_cycles > 0 AND s.cycles = p.cycles);",
            -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, LOCKSTEP_REASON, -1, SQLITE_STATIC);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 2), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);

    g_autofree char *csv = read_out(refused, "results.csv"),
                    *jsonl = read_out(refused, "results.jsonl");
    CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(jsonl);
    g_auto(GStrv) rows = g_strsplit(csv, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(rows), 4);
    for (guint i = 1; i <= 2; i++) {
        g_autofree char *c = csv_field(rows[i], rows[0], "des_cycles");
        CU_ASSERT_STRING_EQUAL(c, "");
    }
    g_auto(GStrv) lines = g_strsplit(jsonl, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);
    for (guint i = 0; i < 2; i++) {
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *des = json_object_get_object_member(jsonl_row(p, lines[i]), "des");
        CU_ASSERT_PTR_NOT_NULL_FATAL(des);
        CU_ASSERT_TRUE(json_object_get_null_member(des, "cycles"));
        const char *nr = json_object_get_string_member(des, "not_run");
        CU_ASSERT_TRUE(nr != NULL && strstr(nr, LOCKSTEP_REASON) != NULL);
    }
}

/* A point's DES figures are those of `tilesim simulate --engine both` on the same mapping: the
 * sweep's anneal is unpolished unless `mapper.polish: true` (simulate --no-polish searches as
 * the default sweep does, simulate's default as `polish: true`). */
static void des_matches_simulate(gboolean polish)
{
    g_autofree char *file = tmp(polish ? "one-polish.yaml" : "one.yaml");
    g_autofree char *spec =
        g_strdup_printf("sweep:\n  arch: eyeriss-like\n  workload: bert-base\n  seq: 32\n"
                        "  ops: [KTQ]\n  engine: both\n"
                        "  parameters:\n    label: {values: [a], unused: \"one point\"}\n"
                        "  mapper: {search: anneal, budget: 100, seed: 3%s}\n",
                        polish ? ", polish: true" : "");
    g_file_set_contents(file, spec, -1, NULL);
    g_autofree char *out = tmp(polish ? "one-polish" : "one");
    TsTestRun r;
    const char *sw[] = {"sweep", file, "--out", out, "-q", "--no-plots", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, sw, FALSE), 0);
    ts_test_run_clear(&r);
    const char *sim[] = {"simulate",
                         "--arch",
                         "eyeriss-like",
                         "--workload",
                         "bert-base",
                         "--seq",
                         "32",
                         "--op",
                         "KTQ",
                         "--search",
                         "anneal",
                         "--budget",
                         "100",
                         "--seed",
                         "3",
                         "--json",
                         "-",
                         "-q",
                         polish ? NULL : "--no-polish",
                         NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, sim, FALSE), 0);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
    ts_test_run_clear(&r);
    JsonObject *dt =
        json_object_get_object_member(json_node_get_object(json_parser_get_root(p)), "des_totals");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dt);
    g_autofree char *db_path = db_of(out);
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT des_cycles, des_latency_s, des_energy_pj, cycles FROM points;",
                       -1, &st, NULL);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 0), json_object_get_double_member(dt, "cycles"));
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 1), json_object_get_double_member(dt, "latency_s"));
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 2), json_object_get_double_member(dt, "energy_pj"));
    CU_ASSERT_EQUAL(sqlite3_column_double(st, 3),
                    json_object_get_double_member(dt, "analytical_cycles"));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_des_matches_simulate(void)
{
    des_matches_simulate(FALSE);
}

static void test_polish_matches_simulate(void)
{
    des_matches_simulate(TRUE);
}

/* A database made before the DES columns (schema 1) is migrated when resumed; a newer schema
 * is refused with its version. */
static void test_schema_migration(void)
{
    g_autofree char *file = tmp("tiny-analytical.yaml");
    g_autofree char *text = g_strdup(kDesSweep);
    *strstr(text, "  des: {max_steps: 64}\n") = '\0';
    g_file_set_contents(file, text, -1, NULL);
    g_autofree char *full = tmp("ana-full"), *old = tmp("ana-old");
    TsTestRun r;
    const char *af[] = {"sweep", file, "--out", full, "--no-plots", "-q", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, af, FALSE), 0);
    ts_test_run_clear(&r);
    const char *ao[] = {"sweep", file, "--out", old, "--no-plots", "-q", "--max-points", "1", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, ao, FALSE), 0);
    ts_test_run_clear(&r);
    /* make it a schema 1 database: no DES column */
    g_autofree char *db_path = db_of(old);
    sqlite3 *db = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    const char *drop =
        "ALTER TABLE points DROP COLUMN des_cycles; ALTER TABLE points DROP COLUMN des_latency_s;"
        "ALTER TABLE points DROP COLUMN des_energy_pj; ALTER TABLE points DROP COLUMN des_diff;"
        "ALTER TABLE points DROP COLUMN des_bound; ALTER TABLE points DROP COLUMN des_not_run;"
        "ALTER TABLE points DROP COLUMN des_events; ALTER TABLE op_results DROP COLUMN "
        "des_cycles; ALTER TABLE op_results DROP COLUMN des_latency_s; ALTER TABLE op_results "
        "DROP COLUMN des_energy_pj; ALTER TABLE op_results DROP COLUMN des_bound; ALTER TABLE "
        "op_results DROP COLUMN des_not_run; ALTER TABLE point_runs DROP COLUMN des_seconds;"
        "UPDATE meta SET value = '1' WHERE key = 'schema_version';";
    CU_ASSERT_EQUAL(sqlite3_exec(db, drop, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    const char *resume[] = {"sweep", file, "--out", old, "--no-plots", "-q", "--resume", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, resume, FALSE), 0);
    ts_test_run_clear(&r);
    g_autofree char *full_db = db_of(full);
    g_autofree char *a = sweep_dump(full_db), *b = sweep_dump(db_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    if (strcmp(a, b) != 0)
        sweep_report_diff(a, b);
    CU_ASSERT_STRING_EQUAL(a, b);
    /* a newer schema */
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "UPDATE meta SET value = '9' WHERE key = 'schema_version';",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(db);
    const char *ex[] = {"sweep", "--export", "--out", old, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, ex, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "has schema version 9, this tilesim reads up to 2"));
    ts_test_run_clear(&r);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-des-XXXXXX", NULL);
    return tmpdir == NULL;
}

static int teardown(void)
{
    ts_test_tmpdir_done(&tmpdir);
    return 0;
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("sweep_des", setup, teardown);
    CU_add_test(s, "des_engines", test_des_engines);
    CU_add_test(s, "des_resume_after_sigkill", test_des_resume_after_sigkill);
    CU_add_test(s, "des_op_refused", test_des_op_refused);
    CU_add_test(s, "des_lane_memory_refused", test_des_lane_memory_refused);
    CU_add_test(s, "schema_migration", test_schema_migration);
    CU_add_test(s, "des_matches_simulate", test_des_matches_simulate);
    CU_add_test(s, "polish_matches_simulate", test_polish_matches_simulate);
    return ts_test_run(argc, argv);
}
