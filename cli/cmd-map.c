/* `tilesim map`: searches the map space of every einsum op of a workload (or of one Timeloop
 * problem) with the analytical model, costs elementwise ops on the vector unit, and prints the
 * search summary, the best K mappings and the per-op table with whole-layer totals (JSON of
 * docs/cli.md with "search" and "best" with --json; the best mapping in Timeloop's
 * format with --mapping-out). Options and defaults: docs/mapper.md. */
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ts-cli-map.h"
#include "ts-cli.h"
#include "ts-file.h"

/* Writes the best mapping of each mapped einsum shape: to path for one shape, else to
 * path/<op>.yaml (missing directories are created in both cases, as ts_cli_map_check_outputs
 * checked before the search). */
static gboolean write_mappings(const TsLayerResult *r, const char *path, GError **error)
{
    guint n = 0;
    for (guint i = 0; i < r->n_ops; i++)
        n += r->ops[i].same_as == i && r->ops[i].einsum;
    if (n == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--mapping-out: no einsum op was mapped (elementwise ops have no mapping)");
        return FALSE;
    }
    if (n > 1 && ts_output_is_stdout(path)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "--mapping-out %s: %u op shapes were mapped, so it names a directory (use "
                    "--op to map one op to standard output)",
                    path, n);
        return FALSE;
    }
    if (n > 1 && g_mkdir_with_parents(path, 0755) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "--mapping-out %s: %u op shapes were mapped, so it names a directory; "
                    "cannot create it: %s",
                    path, n, g_strerror(errno));
        return FALSE;
    }
    g_autofree char *parent = g_path_get_dirname(path);
    if (n == 1 && !ts_output_is_stdout(path) && g_mkdir_with_parents(parent, 0755) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "--mapping-out %s: cannot create its directory: %s", path, g_strerror(errno));
        return FALSE;
    }
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        if (lo->same_as != i || !lo->einsum)
            continue;
        g_autofree char *yaml =
            ts_model_mapping_yaml(lo->model, &lo->search.best[0].mapping, error);
        if (yaml == NULL) {
            g_prefix_error(error, "--mapping-out: op %s: ", lo->op->name);
            return FALSE;
        }
        g_autofree char *file = NULL;
        if (n > 1) {
            g_autofree char *base = g_strdup_printf("%s.yaml", lo->op->name);
            file = g_build_filename(path, base, NULL);
        } else {
            file = g_strdup(path);
        }
        if (!ts_output_write("--mapping-out", file, yaml, -1, error))
            return FALSE;
    }
    return TRUE;
}

static int run(int argc, char **argv)
{
    TsCliMapArgs a;
    ts_cli_map_args_init(&a);
    gboolean exact_windows = FALSE, diagonal = FALSE;
    const GOptionEntry extra[] = {
        {"mapping-out", 'o', 0, G_OPTION_ARG_FILENAME, &a.mapping_out,
         "write the best mapping in Timeloop's format to F (a directory when several op "
         "shapes are mapped; - = stdout for one)",
         "F"},
        TS_CLI_MODEL_OPTION_ENTRIES(&exact_windows, &diagonal),
    };
    g_autofree GOptionEntry *entries = ts_cli_map_entries(&a, extra, G_N_ELEMENTS(extra));
    if (!ts_cli_parse("map", "",
                      "Search the map space of each op with the analytical model.\n\n"
                      "  tilesim map --arch A (--workload W [--op NAME] | --problem P) "
                      "[--constraints C]\n      [--search ALG] [--metric edp|energy|delay] "
                      "[--budget N] [--time-limit S] [--victory N]\n      [--threads N] "
                      "[--seed N] [--top K] [--json F] [--mapping-out F]",
                      entries, &argc, &argv)) {
        ts_cli_map_args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    if (argc > 1) {
        fprintf(stderr, "tilesim map: unexpected argument '%s'\n", argv[1]);
        ts_cli_map_args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(GError) error = NULL;
    TsLayerOptions lo;
    TsCliMapInputs in = {0};
    TsLayerResult r = {0};
    TsLayerResult unfused = {0};
    TsFusePlan *plan = NULL;
    TsFuseSummary summary = {0};
    int rc = TS_EXIT_OK;
    if (!ts_cli_map_options(&a, &lo, &error) || !ts_cli_map_check_outputs(&a, &error) ||
        !ts_cli_map_inputs_load(&in, &a, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    lo.model_options.exact_sliding_window_deltas = exact_windows;
    lo.model_options.diagonal_multicast = diagonal;
    /* The report carries the arch's notes and the models'; the models' (a precision the MAC
     * cannot hold) go to stderr instead when no text report is shown. */
    TsCliMapProgress mp;
    char **notes =
        ts_cli_map_search(&a, &in, "map", &lo, &mp, &r, &unfused, &plan, &summary, &error);
    if (notes == NULL) {
        rc = ts_cli_fail(error);
        goto out;
    }
    TsLayerReport rep = {.arch = in.arch,
                         .workload = in.workload,
                         .result = &r,
                         .options = &lo,
                         .info = {.arch = ts_arch_name(in.arch),
                                  .workload = ts_workload_name(in.workload),
                                  .engine = "analytical",
                                  .notes = (const char *const *)notes},
                         .with_search = TRUE,
                         .show_nest = r.n_ops == 1 && r.ops[0].einsum,
                         .reproducible = a.reproducible,
                         .fuse = plan,
                         .fuse_summary = plan ? &summary : NULL};
    gboolean emitted = ts_cli_map_emit(&a, &rep, &error);
    g_strfreev(notes);
    if (!emitted) {
        rc = ts_cli_fail(error);
        goto out;
    }
    if (a.mapping_out && !write_mappings(&r, a.mapping_out, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
out:
    ts_layer_result_clear(&unfused);
    ts_fuse_plan_free(plan);
    ts_layer_result_clear(&r);
    ts_cli_map_inputs_clear(&in);
    ts_cli_map_args_clear(&a);
    return rc;
}

TS_CLI_COMMAND(map, "map", "search the best mappings of a workload's ops (analytical model)", run)
