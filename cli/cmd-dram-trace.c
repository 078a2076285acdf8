/* `tilesim dram-trace --config C --trace T [--cycles N] [--check] [--json F]`: runs a DRAMsim3
 * trace on the DES dram component. C is a DRAMsim3 .ini config (read as DRAMsim3 reads it) or
 * a tilesim architecture (path or library name) whose first DRAM level with timing is used.
 * Prints the figures DRAMsim3 reports (reads and writes done, bandwidth, average read latency
 * from acceptance, row-hit rate, activates, refreshes, energy); --json writes them. */
#include <stdio.h>
#include <string.h>


#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-cli.h"
#include "ts-config.h"
#include "ts-dram-trace.h"
#include "ts-file.h"
#include "ts-report-json.h"
#include "ts-json-glib.h"

/* The DRAM spec of the config, owned by *arch or *spec_out (the caller frees both). */
static const TsDramSpec *load_config(const char *config, TsArch **arch, TsDramSpec **spec_out,
                                     GStringChunk *strings, GError **error)
{
    if (g_str_has_suffix(config, ".ini")) {
        g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
        *spec_out = ts_dram_spec_load_ini(config, strings, notes, error);
        for (guint i = 0; i < notes->len; i++)
            fprintf(stderr, "tilesim dram-trace: note: %s\n",
                    (const char *)g_ptr_array_index(notes, i));
        return *spec_out;
    }
    *arch = ts_arch_load(config, NULL, error);
    if (*arch == NULL)
        return NULL;
    for (guint i = 0; i < ts_arch_n_levels(*arch); i++) {
        const TsLevel *l = ts_arch_level(*arch, i);
        if (l->klass == TS_CLASS_DRAM && l->spec != NULL &&
            ((const TsDramSpec *)l->spec)->has_timing)
            return l->spec;
    }
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                "%s: no DRAM level with timing (give a DRAM level a preset such as DDR4-2400, or "
                "pass a DRAMsim3 .ini)",
                config);
    return NULL;
}

static JsonNode *result_json(const char *config, const char *trace, const TsDramSpec *s,
                             const TsDramTraceResult *r, gboolean check)
{
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
#define STR(k, v) (json_builder_set_member_name(b, k), json_builder_add_string_value(b, v))
#define INT(k, v) (json_builder_set_member_name(b, k), json_builder_add_int_value(b, (gint64)(v)))
#define DBL(k, v) (json_builder_set_member_name(b, k), json_builder_add_double_value(b, v))
    STR("tool", "tilesim");
    STR("version", TILESIM_VERSION);
    STR("engine", "des");
    STR("config", config);
    STR("trace", trace);
    STR("protocol", s->protocol ? s->protocol : "");
    DBL("tck_ps", r->tck_ps);
    INT("reads_done", r->stats.reads_done);
    INT("writes_done", r->stats.writes_done);
    INT("cycles", r->cycles);
    DBL("bw_gbps", r->bw_gbps);
    DBL("avg_read_latency_cycles", r->avg_read_latency_cycles);
    INT("min_read_latency_cycles", r->stats.read_latency_min);
    INT("max_read_latency_cycles", r->stats.read_latency_max);
    DBL("row_hit_rate", r->row_hit_rate);
    INT("activates", r->stats.activates);
    INT("precharges", r->stats.precharges);
    INT("refreshes", r->stats.refreshes + r->stats.bank_refreshes);
    INT("read_cmds", r->stats.read_cmds);
    INT("write_cmds", r->stats.write_cmds);
    if (ts_dram_spec_has_currents(s)) {
        DBL("energy_pj", r->stats.total_energy_pj);
        json_builder_set_member_name(b, "energy_breakdown_pj");
        json_builder_begin_object(b);
        DBL("activate", r->stats.act_energy_pj);
        DBL("read", r->stats.read_energy_pj);
        DBL("write", r->stats.write_energy_pj);
        DBL("refresh", r->stats.refresh_energy_pj);
        DBL("background", r->stats.background_energy_pj);
        json_builder_end_object(b);
    } else { /* no VDD and IDD currents: the command energies are not modelled */
        json_builder_set_member_name(b, "energy_pj");
        json_builder_add_null_value(b);
        json_builder_set_member_name(b, "energy_breakdown_pj");
        json_builder_add_null_value(b);
    }
    INT("requests_sent", r->requests_sent);
    if (check) {
        INT("commands_checked", r->stats.commands_checked);
        INT("timing_violations", r->stats.violations);
    }
#undef STR
#undef INT
#undef DBL
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static int run(int argc, char **argv)
{
    g_autofree char *config = NULL, *trace_path = NULL, *cycles_text = NULL, *json = NULL;
    gboolean check = FALSE;
    GOptionEntry entries[] = {
        {"config", 0, 0, G_OPTION_ARG_FILENAME, &config,
         "DRAMsim3 .ini config, or a tilesim architecture (path or library name) with a DRAM "
         "level",
         "C"},
        {"trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path,
         "DRAMsim3 trace: '0xADDR READ|WRITE CYCLE' per line (.xz accepted)", "T"},
        {"cycles", 0, 0, G_OPTION_ARG_STRING, &cycles_text,
         "Simulate exactly N controller cycles (DRAMsim3's -c); default: until every request "
         "completed",
         "N"},
        {"check", 0, 0, G_OPTION_ARG_NONE, &check,
         "Re-check every issued command against every timing rule; exit 2 on a violation", NULL},
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write JSON to FILE ('-' = stdout)", "F"},
        {NULL}};
    if (!ts_cli_parse("dram-trace", "",
                      "Run a DRAMsim3 trace on the DES DRAM model (DRAMsim3 configs and traces "
                      "unmodified).",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc > 1) {
        fprintf(stderr, "tilesim dram-trace: unexpected argument '%s'\n", argv[1]);
        return TS_EXIT_BAD_INPUT;
    }
    if (config == NULL || trace_path == NULL) {
        fprintf(stderr, "tilesim dram-trace: --config and --trace are required\n");
        return TS_EXIT_BAD_INPUT;
    }
    guint64 cycles = 0;
    if (cycles_text != NULL &&
        !g_ascii_string_to_unsigned(cycles_text, 10, 1, G_MAXUINT64, &cycles, NULL)) {
        fprintf(stderr,
                "tilesim dram-trace: --cycles: expected an integer in 1 .. 2^64 - 1 (got '%s')\n",
                cycles_text);
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(GError) error = NULL;
    if (!ts_output_check("--json", json, &error))
        return ts_cli_fail(error);
    GStringChunk *strings = g_string_chunk_new(256);
    TsArch *arch = NULL;
    TsDramSpec *owned = NULL;
    int rc = TS_EXIT_OK;
    const TsDramSpec *spec = load_config(config, &arch, &owned, strings, &error);
    /* The trace is streamed through a fixed buffer as the driver sends its requests. */
    g_autoptr(TsDramTraceReader) trace =
        spec ? ts_dram_trace_reader_open(trace_path, 0, &error) : NULL;
    TsDramTraceResult r;
    if (spec == NULL || trace == NULL) {
        rc = ts_cli_fail(error);
        goto out;
    }
    if (!ts_dram_trace_run_reader(spec, trace, cycles, check, &r, &error)) {
        /* An error of the trace's text, however late its line: the run's figures are not
         * printed. */
        if (ts_dram_trace_reader_error(trace) != NULL) {
            rc = ts_cli_fail(error);
        } else {
            fprintf(stderr, "tilesim: %s: %s\n", config, error->message);
            rc = TS_EXIT_BAD_INPUT;
        }
        goto out;
    }
    gboolean json_stdout = ts_output_is_stdout(json);
    if (!json_stdout) {
        printf("DRAM %s (%s), trace %s: %" G_GSIZE_FORMAT " requests\n", config,
               spec->protocol ? spec->protocol : "?", trace_path,
               (gsize)ts_dram_trace_reader_count(trace));
        printf("  cycles                %" G_GUINT64_FORMAT " (tCK %.2f ps)\n", r.cycles, r.tck_ps);
        printf("  reads done            %" G_GUINT64_FORMAT "\n", r.stats.reads_done);
        printf("  writes done           %" G_GUINT64_FORMAT "\n", r.stats.writes_done);
        printf("  bandwidth             %.3f GB/s\n", r.bw_gbps);
        printf("  avg read latency      %.2f cycles (min %" G_GUINT64_FORMAT
               ", max %" G_GUINT64_FORMAT ", from acceptance)\n",
               r.avg_read_latency_cycles, r.stats.read_latency_min, r.stats.read_latency_max);
        printf("  row hit rate          %.4f\n", r.row_hit_rate);
        printf("  activates             %" G_GUINT64_FORMAT "\n", r.stats.activates);
        printf("  refreshes             %" G_GUINT64_FORMAT "\n",
               r.stats.refreshes + r.stats.bank_refreshes);
        if (ts_dram_spec_has_currents(spec))
            printf("  energy                %.1f pJ\n", r.stats.total_energy_pj);
        else
            printf("  energy                not modelled: the DRAM gives no VDD and IDD currents "
                   "(VDD, IDD0, IDD2N, IDD3N, IDD4R, IDD4W, IDD5AB)\n");
        if (check)
            printf("  legality checker      %" G_GUINT64_FORMAT " commands, %" G_GUINT64_FORMAT
                   " violations\n",
                   r.stats.commands_checked, r.stats.violations);
    }
    if (json != NULL) {
        g_autoptr(TsJsonNode) node = result_json(config, trace_path, spec, &r, check);
        if (!ts_json_write_file(node, json, &error)) {
            rc = ts_cli_fail(error);
            goto out;
        }
    }
    if (check && r.stats.violations > 0) {
        fprintf(stderr, "tilesim: dram-trace: %" G_GUINT64_FORMAT " timing violations; first: %s\n",
                r.stats.violations, "see --check output");
        rc = TS_EXIT_INTERNAL;
    }
out:
    if (arch)
        ts_arch_free(arch);
    g_free(owned);
    g_string_chunk_free(strings);
    return rc;
}

TS_CLI_COMMAND(dram_trace, "dram-trace",
               "run a DRAMsim3 trace and config (or a tilesim DRAM) on the DES DRAM model", run)
