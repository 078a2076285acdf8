/* Speed of the dram component on the DRAMsim3 reference traces (shared/reference/dram): each
 * saturated trace run to completion (all 400,000 reads, as the DRAMsim3 figures in the issue
 * were measured), each paced trace over DRAMsim3's 402,000-cycle window, and HBM2 (preset,
 * 8 channels) on generated sequential and random saturated traces of 400,000 reads. Prints per
 * run the requests completed per CPU-second and the simulated DRAM cycles per CPU-second of the
 * event loop (thread CPU time, trace loading excluded, so that a busy shared machine does not
 * inflate the figures), medians of --repeat runs, and the DRAMsim3 figure where the issue gives
 * one. With --write-traces DIR it also writes each trace it runs to DIR in DRAMsim3's format
 * (DIR/<trace name>.trace) and one row per trace to DIR/cases.tsv (the config it runs on,
 * requests, the cycles tilesim simulated and its rates), for bench/dram/dramsim3.sh to run
 * DRAMsim3 itself on the same traces. Release build: bench/run.sh dram. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-dram-trace.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    const char *name;
    const char *config; /* "ddr4" (the reference ini) or "hbm2" (the preset) */
    const TsDramSpec *spec;
    TsDramTrace *trace;
    guint64 cycles; /* 0 = to completion */
    const char *dramsim3;
} Case;

static const char *only_filter;
static const char *write_dir; /* --write-traces DIR, or NULL */
static FILE *cases_tsv;

/* Writes the case's trace to write_dir and its row to cases.tsv; exits 1 on an I/O error. */
static void write_case(const Case *c, const TsDramTraceResult *r, double mr, double mc)
{
    g_autofree char *base = g_strdelimit(g_strdup(c->name), " ", '_');
    g_autofree char *file = g_strconcat(base, ".trace", NULL);
    g_autofree char *path = g_build_filename(write_dir, file, NULL);
    g_autoptr(GError) error = NULL;
    if (!ts_dram_trace_save(c->trace, path, &error)) {
        fprintf(stderr, "dram_bench: %s\n", error->message);
        exit(1);
    }
    fprintf(cases_tsv, "%s\t%s\t%s\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%.0f\t%.0f\n",
            c->name, c->config, file, r->stats.reads_done + r->stats.writes_done, r->cycles, mr,
            mc);
    fflush(cases_tsv);
}

static void run_case(const Case *c, int repeat, gboolean json)
{
    if (only_filter && !strstr(c->name, only_filter))
        return;
    double rps[16], cps[16];
    TsDramTraceResult r = {0};
    for (int i = 0; i < repeat; i++) {
        g_autoptr(GError) error = NULL;
        if (!ts_dram_trace_run(c->spec, c->trace, c->cycles, FALSE, &r, &error)) {
            fprintf(stderr, "dram_bench: %s: %s\n", c->name, error->message);
            exit(2);
        }
        double done = (double)(r.stats.reads_done + r.stats.writes_done);
        rps[i] = done / r.cpu_seconds;
        cps[i] = (double)r.cycles / r.cpu_seconds;
    }
    qsort(rps, (size_t)repeat, sizeof(double), cmp_double);
    qsort(cps, (size_t)repeat, sizeof(double), cmp_double);
    double mr = rps[repeat / 2], mc = cps[repeat / 2];
    if (json)
        printf("{\"trace\":\"%s\",\"requests\":%" G_GUINT64_FORMAT ",\"cycles\":%" G_GUINT64_FORMAT
               ",\"events\":%" G_GUINT64_FORMAT ",\"requests_per_s\":%.0f,\"cycles_per_s\":%.0f}\n",
               c->name, r.stats.reads_done + r.stats.writes_done, r.cycles, r.events, mr, mc);
    else
        printf("%-24s %9" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT " %12.3f %12.2f   %s\n", c->name,
               r.stats.reads_done + r.stats.writes_done, r.cycles, mr / 1e6, mc / 1e6, c->dramsim3);
    if (write_dir)
        write_case(c, &r, mr, mc);
}

static TsDramTrace *synthetic(gsize n, gboolean random, guint64 span)
{
    TsDramTrace *t = g_new0(TsDramTrace, 1);
    t->entries = g_new0(TsDramTraceEntry, n);
    t->n = n;
    t->file = g_strdup(random ? "(random)" : "(sequential)");
    GRand *rng = g_rand_new_with_seed(7);
    for (gsize i = 0; i < n; i++) {
        guint64 a = random ? ((guint64)g_rand_int(rng) << 6) % span : (guint64)i * 64;
        t->entries[i] = (TsDramTraceEntry){a, 0, FALSE};
    }
    g_rand_free(rng);
    return t;
}

int main(int argc, char **argv)
{
    int repeat = 3;
    gboolean json = FALSE;
    const char *only = NULL;
    const char *shared = g_getenv("TILESIM_SHARED") ? g_getenv("TILESIM_SHARED") : "../shared";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]), repeat = CLAMP(repeat, 1, 15);
        else if (strcmp(argv[i], "--json") == 0)
            json = TRUE;
        else if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--write-traces") == 0 && i + 1 < argc)
            write_dir = argv[++i];
        else {
            fprintf(stderr, "usage: dram_bench [--repeat N] [--json] [--shared DIR] [--only "
                            "SUBSTRING] [--write-traces DIR]\n");
            return 1;
        }
    }
    only_filter = only;
    if (write_dir) {
        g_autofree char *tsv = g_build_filename(write_dir, "cases.tsv", NULL);
        if (g_mkdir_with_parents(write_dir, 0755) != 0 || !(cases_tsv = fopen(tsv, "w"))) {
            fprintf(stderr, "dram_bench: %s: %s\n", tsv, g_strerror(errno));
            return 1;
        }
        fprintf(cases_tsv, "trace\tconfig\tfile\trequests\tcycles\ttilesim_requests_per_s\t"
                           "tilesim_cycles_per_s\n");
    }
    g_autofree char *dir = g_build_filename(shared, "reference", "dram", NULL);
    g_autofree char *ini = g_build_filename(dir, "ds3_DDR4_8Gb_x8_2400_1rank.ini", NULL);
    GStringChunk *strings = g_string_chunk_new(64);
    g_autoptr(GError) error = NULL;
    TsDramSpec *ddr4 = ts_dram_spec_load_ini(ini, strings, NULL, &error);
    if (ddr4 == NULL) {
        fprintf(stderr, "dram_bench: %s (set --shared to the folder holding reference/)\n",
                error->message);
        return 1;
    }
    if (!json)
        printf("%-24s %9s %11s %12s %12s   %s\n", "trace", "requests", "cycles", "M req/s",
               "M cycles/s", "DRAMsim3 (issue, 2-core machine)");
    static const char *const patterns[] = {"seq", "rand", "rowhit1b", "rowconf1b", "rowconfallb"};
    static const char *const ds3_sat[] = {"0.29 M req/s, 1.5 M cycles/s",
                                          "0.133 M req/s, 0.9 M cycles/s", "", "", ""};
    for (int mode = 0; mode < 2; mode++) {
        for (guint p = 0; p < G_N_ELEMENTS(patterns); p++) {
            g_autofree char *name0 =
                g_strdup_printf("ddr4 %s %s", patterns[p], mode == 0 ? "sat" : "paced");
            if (only && !strstr(name0, only))
                continue;
            g_autofree char *f = g_strdup_printf("%s/traces/ds3_ddr4_%s_%s", dir, patterns[p],
                                                 mode == 0 ? "sat.trace.xz" : "paced.trace");
            g_autoptr(TsDramTrace) t = ts_dram_trace_load(f, &error);
            if (t == NULL) {
                fprintf(stderr, "dram_bench: %s\n", error->message);
                return 1;
            }
            g_autofree char *name =
                g_strdup_printf("ddr4 %s %s", patterns[p], mode == 0 ? "sat" : "paced");
            Case c = {name,
                      "ddr4",
                      ddr4,
                      t,
                      mode == 0 ? 0 : 402000,
                      mode == 0 ? ds3_sat[p] : "6 M cycles/s (ticks every idle cycle)"};
            run_case(&c, repeat, json);
        }
    }
    const TsDramSpec *hp = ts_dram_preset("HBM2");
    TsDramSpec hbm = *hp;
    g_autofree char *why = NULL;
    if (!ts_dram_spec_derive(&hbm, &why)) {
        fprintf(stderr, "dram_bench: HBM2: %s\n", why);
        return 1;
    }
    g_autoptr(TsDramTrace) hs = synthetic(400000, FALSE, 0);
    g_autoptr(TsDramTrace) hr = synthetic(400000, TRUE, hbm.capacity_bytes);
    Case h1 = {"hbm2 seq sat", "hbm2", &hbm, hs, 0, "0.1-0.45 M cycles/s"};
    Case h2 = {"hbm2 rand sat", "hbm2", &hbm, hr, 0, "0.1-0.45 M cycles/s"};
    run_case(&h1, repeat, json);
    run_case(&h2, repeat, json);
    g_free(ddr4);
    g_string_chunk_free(strings);
    if (cases_tsv && fclose(cases_tsv) != 0) {
        fprintf(stderr, "dram_bench: cases.tsv: %s\n", g_strerror(errno));
        return 1;
    }
    return 0;
}
