/* The mapping executor's speed: BERT-base (seq 128) on an architecture (gemmini-like by
 * default), each einsum mapped by the default search (not timed), then FF1 alone and the whole
 * layer run through the DES, and each einsum with several instances (attention x heads) on the
 * compute level, median of 5 runs each: wall and thread CPU time, events, events per
 * CPU-second, simulated cycles, and the allocations made during the runs (malloc, calloc and
 * realloc interposed for the process), per event and per op instance. Targets (issue, Release,
 * one core): FF1 under 1 s, the whole layer under 5 s.
 *
 * Usage: des_exec_bench [ARCH] [--runs N] */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ts-alloc-count.h"
#include "ts-exec.h"
#include "ts-layer.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double wall, cpu, cycles;
    guint64 events, allocs, instances;
} Run;

/* One timed run of an op's mapping x count through the executor, allocations counted. */
static gboolean time_op_with(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                             guint64 count, const TsExecOptions *opt, Run *r, GError **error)
{
    TsExecOpResult o;
    ts_alloc_count = 0;
    const double w0 = (double)g_get_monotonic_time() / 1e6, c0 = cpu_now();
    ts_alloc_counting = TRUE;
    gboolean ok = ts_exec_run_op(arch, model, mapping, count, opt, &o, error);
    ts_alloc_counting = FALSE;
    if (ok)
        *r = (Run){(double)g_get_monotonic_time() / 1e6 - w0,
                   cpu_now() - c0,
                   o.cycles,
                   o.events,
                   ts_alloc_count,
                   count};
    return ok;
}

static gboolean time_op(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                        guint64 count, Run *r, GError **error)
{
    return time_op_with(arch, model, mapping, count, NULL, r, error);
}

static void report(const char *what, Run *runs, guint n)
{
    double wall[32], cpu[32];
    for (guint i = 0; i < n; i++) {
        wall[i] = runs[i].wall;
        cpu[i] = runs[i].cpu;
    }
    qsort(wall, n, sizeof(double), cmp_double);
    qsort(cpu, n, sizeof(double), cmp_double);
    const Run *r = &runs[0];
    printf("%-22s wall %8.3f s  cpu %8.3f s  events %10" G_GUINT64_FORMAT "  %6.2f M events/cpu-s"
           "  %12.0f cycles  allocs %" G_GUINT64_FORMAT " (%.4f per event, %.1f per op instance)\n",
           what, wall[n / 2], cpu[n / 2], r->events, (double)r->events / cpu[n / 2] / 1e6,
           r->cycles, r->allocs, (double)r->allocs / (double)MAX(r->events, 1),
           (double)r->allocs / (double)MAX(r->instances, 1));
}

int main(int argc, char **argv)
{
    const char *arch_name = "gemmini-like";
    guint runs = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            const int n = atoi(argv[++i]);
            runs = (guint)CLAMP(n, 1, 32);
        } else
            arch_name = argv[i];
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    g_autoptr(TsWorkload) wl = arch ? ts_workload_load("bert-base", NULL, &error) : NULL;
    if (wl == NULL) {
        fprintf(stderr, "des_exec_bench: %s\n", error->message);
        return 1;
    }
    TsLayerOptions lo = {0};
    ts_search_options_init(&lo.search); /* as `tilesim simulate` maps by default */
    lo.search.algorithm = TS_SEARCH_ANNEAL;
    lo.search.budget = 200000;
    lo.search.polish = TRUE;
    lo.search.threads = 2;
    TsLayerResult layer = {0};
    const double t0 = (double)g_get_monotonic_time() / 1e6;
    if (!ts_layer_map(arch, wl, &lo, &layer, &error)) {
        fprintf(stderr, "des_exec_bench: %s\n", error->message);
        ts_layer_result_clear(&layer);
        return 1;
    }
    printf("BERT-base (seq 128) on %s: mapped in %.1f s (default search, not timed below)\n",
           arch_name, (double)g_get_monotonic_time() / 1e6 - t0);
    int ff1 = -1;
    guint64 instances = 0;
    for (guint i = 0; i < layer.n_ops; i++) {
        instances += MAX(layer.ops[i].op->count, 1);
        if (strcmp(layer.ops[i].op->name, "FF1") == 0)
            ff1 = (int)i;
    }
    if (ff1 < 0) {
        fprintf(stderr, "des_exec_bench: no op FF1\n");
        return 1;
    }
    const TsLayerOp *f = &layer.ops[layer.ops[ff1].same_as];
    Run r[32];
    for (guint k = 0; k < runs; k++)
        if (!time_op(arch, f->model, &f->search.best[0].mapping, 1, &r[k], &error)) {
            fprintf(stderr, "des_exec_bench: FF1: %s\n", error->message);
            return 1;
        }
    report("FF1", r, runs);
    /* the einsums with several instances (attention x heads), each op's mapping on the compute
     * level even where the layer places it on the host: on an architecture with a host link
     * whose calls they share (upmem-pim), its instances run in lock-step */
    for (guint i = 0; i < layer.n_ops; i++) {
        const TsLayerOp *a = &layer.ops[i];
        const guint64 count = MAX(a->op->count, 1);
        if (!a->einsum || a->same_as != i || count == 1 || a->search.n_best == 0)
            continue;
        for (guint k = 0; k < runs; k++)
            if (!time_op(arch, a->model, &a->search.best[0].mapping, count, &r[k], &error)) {
                fprintf(stderr, "des_exec_bench: %s: %s\n", a->op->name, error->message);
                return 1;
            }
        g_autofree char *what = g_strdup_printf("%s x%" G_GUINT64_FORMAT, a->op->name, count);
        report(what, r, runs);
        const double an = a->search.best[0].cost.cycles * (double)count;
        printf("%-22s the model: %.0f cycles (DES %+.2f%%)\n", "", an,
               100.0 * (r[0].cycles - an) / an);
        if (a->search.best[0].cost.link_calls > 0 && a->search.best[0].cost.link_batch > 1)
            continue; /* lock-step: run exactly whatever the option */
        /* x8 instances (batch 8): sampled instances (the default) against every one */
        const TsExecOptions opts[2] = {{0}, {.instances = TS_EXEC_INSTANCES_ALL}};
        Run sr[2][32];
        for (guint m = 0; m < 2; m++)
            for (guint k = 0; k < runs; k++)
                if (!time_op_with(arch, a->model, &a->search.best[0].mapping, 8 * count, &opts[m],
                                  &sr[m][k], &error)) {
                    fprintf(stderr, "des_exec_bench: %s: %s\n", a->op->name, error->message);
                    return 1;
                }
        g_autofree char *ws =
            g_strdup_printf("%s x%" G_GUINT64_FORMAT " sampled", a->op->name, 8 * count);
        g_autofree char *wa =
            g_strdup_printf("%s x%" G_GUINT64_FORMAT " all", a->op->name, 8 * count);
        report(ws, sr[0], runs);
        report(wa, sr[1], runs);
        printf("%-22s sampled against all: cycles %+.3f%%, events / %.1f\n", "",
               100.0 * (sr[0][0].cycles - sr[1][0].cycles) / sr[1][0].cycles,
               (double)sr[1][0].events / (double)MAX(sr[0][0].events, 1u));
    }
    /* the whole layer: sampled instances and chunks (the default) against every one */
    const TsExecOptions lopts[2] = {{0}, {.instances = TS_EXEC_INSTANCES_ALL}};
    Run lr[2][32];
    for (guint m = 0; m < 2; m++) {
        for (guint k = 0; k < runs; k++) {
            TsExecResult x;
            ts_alloc_count = 0;
            const double w0 = (double)g_get_monotonic_time() / 1e6, c0 = cpu_now();
            ts_alloc_counting = TRUE;
            gboolean ok = ts_exec_run_layer(arch, wl, &layer, &lopts[m], &x, &error);
            ts_alloc_counting = FALSE;
            if (!ok) {
                fprintf(stderr, "des_exec_bench: layer: %s\n", error->message);
                ts_exec_result_clear(&x);
                return 1;
            }
            lr[m][k] = (Run){(double)g_get_monotonic_time() / 1e6 - w0,
                             cpu_now() - c0,
                             x.cycles,
                             x.events,
                             ts_alloc_count,
                             instances};
            ts_exec_result_clear(&x);
        }
    }
    report("whole layer", lr[0], runs);
    report("whole layer all", lr[1], runs);
    printf("%-22s sampled against all: cycles %+.4f%%, events / %.2f\n", "",
           100.0 * (lr[0][0].cycles - lr[1][0].cycles) / lr[1][0].cycles,
           (double)lr[1][0].events / (double)MAX(lr[0][0].events, 1u));
    ts_layer_result_clear(&layer);
    return 0;
}
