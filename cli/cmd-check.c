/* `tilesim check FILE...`: validates each file by what it is and prints a summary. Arch files
 * (tilesim, Timeloop, UPMEM profiles, ERTs, component libraries) get levels, instances,
 * capacities, bandwidths, energies and peak MAC/s; workloads and Timeloop problems their ops
 * and MACs; constraint files their directives. Every file is checked and every error printed;
 * the exit code is 1 when any file had an error. */
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-cli.h"
#include "ts-config.h"
#include "ts-constraints.h"
#include "ts-library.h"
#include "ts-doc-kind.h"
#include "ts-workload.h"

/* Workloads and Timeloop problems: loads them as `--workload` would. */
static gboolean check_workload(const char *path, GString *out, GError **error)
{
    g_autoptr(TsWorkload) wl = ts_workload_load(path, NULL, error);
    if (wl == NULL)
        return FALSE;
    guint64 total = 0;
    g_string_append_printf(out, "%s: workload '%s', %u op(s)\n", path, ts_workload_name(wl),
                           ts_workload_n_ops(wl));
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *op = ts_workload_op(wl, i);
        g_string_append_printf(
            out, "  %-12s %-11s count %-5" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " MACs\n",
            op->name, ts_op_kind_name(op->kind), op->count, op->macs);
        total += op->macs * op->count;
    }
    g_string_append_printf(out, "  total %" G_GUINT64_FORMAT " MACs (each op x count)\n", total);
    return TRUE;
}

static gboolean check_constraints(const char *path, GString *out, GError **error)
{
    g_autoptr(TsConstraints) c = ts_constraints_new();
    if (!ts_constraints_load_file(c, path, error))
        return FALSE;
    g_string_append_printf(out,
                           "%s: constraints, %u directive(s) (level, dimension and tensor names "
                           "are checked against an arch and op by tilesim map)\n",
                           path, ts_constraints_count(c));
    for (guint i = 0; i < ts_constraints_n_notes(c); i++)
        g_string_append_printf(out, "  note: %s\n", ts_constraints_note(c, i));
    return TRUE;
}

/* A FILE that does not exist may be a library name (`tilesim check upmem-pim`, as --arch and
 * --workload take it): the arch library first, then the workload library. Returns the path
 * to load (owned). */
static char *resolve(const char *file, GError **error)
{
    if (g_file_test(file, G_FILE_TEST_EXISTS) || strchr(file, '/') != NULL ||
        g_str_has_suffix(file, ".yaml"))
        return g_strdup(file);
    g_autoptr(GError) arch_error = NULL;
    char *path = ts_library_resolve(TS_LIBRARY_ARCH, file, &arch_error);
    if (path == NULL)
        path = ts_library_resolve(TS_LIBRARY_WORKLOAD, file, NULL);
    if (path == NULL)
        g_propagate_error(error, g_steal_pointer(&arch_error));
    return path;
}

/* Returns TRUE when the file is valid; *kind_checked tells whether it was validated. tables:
 * Accelergy ERT/ART files applied to architecture files (NULL-terminated, may be NULL). */
static gboolean check_one(const char *file, const char *const *tables, GString *out,
                          gboolean *kind_checked, GError **error)
{
    g_autofree char *path = resolve(file, error);
    if (path == NULL)
        return FALSE;
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    *kind_checked = TRUE;
    switch (ts_doc_kind_of(doc)) {
    case TS_DOC_KIND_TIMELOOP_PROBLEM:
    case TS_DOC_KIND_TILESIM_WORKLOAD:
        return check_workload(path, out, error);
    case TS_DOC_KIND_TIMELOOP_CONSTRAINTS:
        return check_constraints(path, out, error);
    default:
        return ts_arch_check_file_full(path, tables, out, kind_checked, error);
    }
}

/* --device NAME: one profile of a UPMEM-profiler device file, loaded as a device_profile arch
 * (underscores in NAME may be hyphens, as the profiler allows). */
static gboolean check_device(const char *path, const char *device, GString *out, GError **error)
{
    g_autoptr(TsArch) arch = ts_arch_load_device(path, device, error);
    if (arch == NULL)
        return FALSE;
    g_autofree char *d = ts_arch_describe(arch);
    g_string_append_printf(out, "%s: OK, device profile %s\n%s", path, device, d);
    return TRUE;
}

static int run(int argc, char **argv)
{
    char *device = NULL, *ert = NULL, *art = NULL;
    GOptionEntry entries[] = {
        {"device", 0, 0, G_OPTION_ARG_STRING, &device,
         "one profile of a UPMEM-profiler device file (PIM-AI-4dimm selects PIM_AI_4dimm)", "NAME"},
        {"ert", 0, 0, G_OPTION_ARG_FILENAME, &ert,
         "Accelergy ERT applied to the architectures checked; lists each level's energy source",
         "E"},
        {"art", 0, 0, G_OPTION_ARG_FILENAME, &art,
         "Accelergy ART applied to the architectures checked (area per instance)", "A"},
        {NULL}};
    if (!ts_cli_parse("check", "FILE|NAME...",
                      "Validate input files and summarise them: architectures (tilesim, "
                      "Timeloop v0.3/v0.4, UPMEM profiler device profiles, Accelergy ERTs, ARTs "
                      "and component libraries), workloads and Timeloop problems, constraint "
                      "files; with --ert, each level's energy source. "
                      "Mappings need an arch and an op: check them with tilesim model. A NAME "
                      "that is not a file is looked up in the arch, then the workload library.",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    g_autofree char *device_owned = device;
    g_autofree char *ert_owned = ert;
    g_autofree char *art_owned = art;
    const char *tables[] = {ert ? ert : art, ert ? art : NULL, NULL};
    if (argc < 2) {
        fprintf(stderr, "tilesim check: expected at least one FILE\n");
        return TS_EXIT_BAD_INPUT;
    }
    int status = TS_EXIT_OK;
    int n_ok = 0, n_skipped = 0, n_bad = 0;
    for (int i = 1; i < argc; i++) {
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GError) error = NULL;
        gboolean checked = FALSE;
        gboolean ok = device != NULL ? (checked = TRUE, check_device(argv[i], device, out, &error))
                                     : check_one(argv[i], tables, out, &checked, &error);
        if (ok) {
            fputs(out->str, stdout);
            if (checked)
                n_ok++;
            else
                n_skipped++;
        } else {
            fflush(stdout);
            int code = ts_cli_fail(error);
            status = MAX(status, code);
            n_bad++;
        }
        fflush(stdout);
    }
    if (argc > 2)
        printf("checked %d file(s): %d ok, %d not checked, %d with errors\n", argc - 1, n_ok,
               n_skipped, n_bad);
    return status;
}

TS_CLI_COMMAND(check, "check", "validate input files (architectures, workloads, constraints)", run)
