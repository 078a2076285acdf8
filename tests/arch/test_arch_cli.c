/* `tilesim check` through the executable ($TILESIM_BIN): every library architecture and every
 * architecture-related reference file (Timeloop arch, ERT, problems and constraints validated as
 * such, mappings reported as not checked, the experiments' v0.3/v0.4 archs and their Accelergy
 * component libraries, the UPMEM profiler's 29 profiles and its schema, PIM-DL configs) is
 * checked with exit 0; a bad file among good ones gives exit 1, its error on stderr, and the
 * other files are still summarised; the summary shows the keys that change results (a
 * systolic array's dataflow, a vector unit's clock and op costs). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ts-test.h"

/* One `tilesim check` run: its stdout, stderr and exit status. */
typedef struct {
    char *out, *err;
    int status;
} CheckRun;

static void check_run_clear(CheckRun *r)
{
    g_clear_pointer(&r->out, g_free);
    g_clear_pointer(&r->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CheckRun, check_run_clear)

/* Runs `tilesim check ARGS...` into *r (cleared first): FALSE (test `test` reported as skipped)
 * when TILESIM_BIN is unset. */
static gboolean run_check(const char *test, GPtrArray *args, CheckRun *r)
{
    check_run_clear(r);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, "check");
    for (guint i = 0; i < args->len; i++)
        g_ptr_array_add(argv, args->pdata[i]);
    g_ptr_array_add(argv, NULL);
    r->status = ts_test_tilesim((const char *const *)argv->pdata, &r->out, &r->err);
    if (r->status < 0)
        fprintf(stderr, "SKIP %s: TILESIM_BIN not set\n", test);
    return r->status >= 0;
}

/* run_check expecting exit 0 (stderr printed otherwise); FALSE when skipped. */
static gboolean check_ok(const char *test, GPtrArray *args, CheckRun *r)
{
    if (!run_check(test, args, r))
        return FALSE;
    if (r->status != 0)
        fprintf(stderr, "%s", r->err);
    CU_ASSERT_EQUAL(r->status, 0);
    return TRUE;
}

static void add_dir(GPtrArray *files, const char *dir, gboolean recurse, const char *suffix)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        char *p = g_build_filename(dir, names->pdata[i], NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR)) {
            if (recurse)
                add_dir(files, p, TRUE, suffix);
            g_free(p);
        } else if (suffix == NULL || g_str_has_suffix(p, suffix)) {
            g_ptr_array_add(files, p);
        } else {
            g_free(p);
        }
    }
}

static void test_check_library(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *lib = ts_test_source_path("arch/library");
    add_dir(files, lib, FALSE, ".yaml");
    CU_ASSERT(files->len >= 10);
    g_auto(CheckRun) r = {0};
    if (!check_ok(__func__, files, &r))
        return;
    const char *out = r.out;
    g_autofree char *summary = g_strdup_printf(
        "checked %u file(s): %u ok, 0 not checked, 0 with errors", files->len, files->len);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, summary));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "peak "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "mappable by the analytical model: yes"));
    CU_ASSERT_PTR_NULL(strstr(out, "mappable by the analytical model: no"));
}

static void test_check_reference(void)
{
    const char *shared = ts_test_shared_dir();
    if (shared == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *tl = ts_test_reference_path("timeloop");
    add_dir(files, tl, TRUE, ".yaml");
    static const char *const exp_dirs[] = {"transformer_gemmini/arch", "transformer_pim/arch",
                                           "transformer_pim/arch_v0.4", NULL};
    for (guint i = 0; exp_dirs[i]; i++) {
        g_autofree char *rel = g_build_filename("timeloop-experiments", exp_dirs[i], NULL);
        g_autofree char *d = ts_test_reference_path(rel);
        add_dir(files, d, TRUE, NULL);
    }
    g_ptr_array_add(files, ts_test_reference_path("upmem/sim_architectures.yaml"));
    g_ptr_array_add(files, ts_test_reference_path("upmem/architectures_schema.json"));
    g_autofree char *pimdl = ts_test_reference_path("upmem/pim_dl");
    add_dir(files, pimdl, TRUE, ".yaml");
    g_auto(CheckRun) r = {0};
    if (!check_ok(__func__, files, &r))
        return;
    const char *out = r.out;
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", 0 with errors"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "29 device profiles"));
    /* Problems and constraint files are validated as such, mappings reported unchecked. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "bert_qkv.prob.yaml: workload 'bert_qkv', 1 op(s)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "eyeriss_like_keepall.constraints.yaml: constraints, 3 "
                                       "directive(s)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "a Timeloop mapping, not an architecture"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "an Accelergy compound-component library"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "an Accelergy energy reference table"));
    /* 1 Timeloop arch + 11 experiment archs are architectures. */
    guint n_arch = 0;
    for (const char *p = out; (p = strstr(p, ": OK, a Timeloop architecture")) != NULL; p++)
        n_arch++;
    CU_ASSERT_EQUAL(n_arch, 12);
    printf("\n  tilesim check over %u reference files: exit %d\n", files->len, r.status);
}

static void test_check_errors(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *dir = g_dir_make_tmp("tilesim-check-XXXXXX", NULL);
    char *bad = g_build_filename(dir, "bad.yaml", NULL);
    g_file_set_contents(bad,
                        "architecture:\n  name: x\n  clock: 1GHz\n  levels:\n"
                        "    - {name: DRAM, class: dram, preset: DDR4-2400, attributes: "
                        "{tRCD: -3}}\n",
                        -1, NULL);
    char *notyaml = g_build_filename(dir, "stats.txt", NULL);
    g_file_set_contents(notyaml, "Buffer and Arithmetic Levels\n------\n", -1, NULL);
    g_ptr_array_add(files, bad);
    g_ptr_array_add(files, ts_test_source_path("arch/library/gemmini-like.yaml"));
    g_ptr_array_add(files, notyaml);
    g_ptr_array_add(files, g_build_filename(dir, "missing.yaml", NULL));
    g_auto(CheckRun) r = {0};
    if (!run_check(__func__, files, &r))
        return;
    const char *out = r.out, *err = r.err;
    CU_ASSERT_EQUAL(r.status, 1);
    g_autofree char *msg = g_strdup_printf("%s:5:71: levels[0].attributes.tRCD: must be > 0 "
                                           "(got -3)",
                                           bad);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, msg));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a recognised input"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.yaml"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "gemmini-like.yaml: OK"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "checked 4 file(s): 1 ok, 0 not checked, 3 with "
                                       "errors"));
    /* No file at all. */
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_auto(CheckRun) r2 = {0};
    run_check(__func__, none, &r2);
    CU_ASSERT_EQUAL(r2.status, 1);
}

/* The device file's summary says how to pick a profile; `check --device NAME` does, with the
 * profiler's underscore -> hyphen rule, and names a wrong profile with a did-you-mean. */
static void test_check_device(void)
{
    if (ts_test_shared_dir() == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autofree char *upmem = ts_test_reference_path("upmem/sim_architectures.yaml");
    g_autoptr(GPtrArray) files = g_ptr_array_new();
    g_ptr_array_add(files, upmem);
    g_auto(CheckRun) r = {0};
    if (!check_ok(__func__, files, &r))
        return;
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "summarise one with tilesim check FILE --device NAME"));
    g_autoptr(GPtrArray) one = g_ptr_array_new();
    g_ptr_array_add(one, "--device");
    g_ptr_array_add(one, "PIM-AI-4dimm");
    g_ptr_array_add(one, upmem);
    check_ok(__func__, one, &r);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "architecture PIM_AI_4dimm"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "320 TFLOP/s (0.4 pJ/FLOP), memory 6.554 TB/s"));
    g_ptr_array_index(one, 1) = "PIM-AI-4dimmm";
    run_check(__func__, one, &r);
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown device 'PIM-AI-4dimmm' (did you mean "
                                        "'PIM-AI-4dimm'?)"));
}

/* `check NAME` takes library names as --arch and --workload do; a typo gets a did-you-mean. */
static void test_check_library_names(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new();
    g_ptr_array_add(files, "upmem-pim");
    g_ptr_array_add(files, "bert-base");
    g_ptr_array_add(files, "gemini-like");
    g_auto(CheckRun) r = {0};
    if (!run_check(__func__, files, &r))
        return;
    const char *out = r.out, *err = r.err;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "upmem-pim.yaml: OK, a tilesim architecture"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "workload 'bert-base'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown architecture 'gemini-like' (did you mean "
                                       "'gemmini-like'?)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "checked 3 file(s): 2 ok, 0 not checked, 1 with errors"));
}

/* Keys that change results are shown: a systolic array's dataflow and widths, a vector unit's
 * own clock and its per-element op costs. */
static void test_check_shows_result_keys(void)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new();
    g_ptr_array_add(files, "gemmini-like");
    g_ptr_array_add(files, "upmem-pim");
    g_auto(CheckRun) r = {0};
    if (!check_ok(__func__, files, &r))
        return;
    const char *out = r.out;
    static const char *const needles[] = {
        "16 x 16 systolic array, dataflow ws (weight-stationary), 8-bit operands, 32-bit "
        "accumulators, 1 register word per PE",
        "320 lanes at 2.2 GHz (its own clock), per element: add (1 cycles, 241 pJ)",
        "gelu (12 cycles, 2892 pJ)"};
    for (guint i = 0; i < G_N_ELEMENTS(needles); i++) {
        if (strstr(out, needles[i]) == NULL)
            fprintf(stderr, "\n  expected '%s' in: %.3000s\n", needles[i], out);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, needles[i]));
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("check", NULL, NULL);
    CU_add_test(s, "check the library", test_check_library);
    CU_add_test(s, "check the reference files", test_check_reference);
    CU_add_test(s, "check reports every error, exit 1", test_check_errors);
    CU_add_test(s, "check --device NAME", test_check_device);
    CU_add_test(s, "check library names", test_check_library_names);
    CU_add_test(s, "check shows the keys that change results", test_check_shows_result_keys);
    return ts_test_run(argc, argv);
}
