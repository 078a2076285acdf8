/* model_eval: how many mappings per CPU-second ts_model_evaluate scores. Three runs on one op:
 * (1) one valid mapping evaluated over and over (the full path: validation, nest analysis,
 * energy, cycles), (2) a pool of random mappings, valid and invalid, as a search draws them,
 * (3) the pool again from several threads sharing one const model. Times are CPU time of the
 * evaluating threads (CLOCK_THREAD_CPUTIME_ID); mappings are generated before timing.
 *
 * Default inputs: the Timeloop reference case ey_bert_ff1_rp_fb10k_t1 (BERT-base FF1 on the
 * Eyeriss-like 3-level arch) from ../shared/reference; any arch/problem/workload and mapping
 * can be given instead (see --help and bench/README.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "ts-model.h"
#include "ts-workload.h"

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A random mapping as a search would draw it: each prime factor of each dimension goes to the
 * temporal loops of a random level or to the X/Y fan-out of a level that has one (a factor
 * that would overflow the fan-out goes to that level's temporal loops 9 times in 10, so the
 * pool keeps some fan-out failures); random permutations; random bypass below the outermost
 * level (probability 1/4 per tensor). */
static void place(gsl_rng *rng, const TsModel *model, TsMapping *map, guint d, uint32_t p)
{
    const guint nl = ts_model_n_levels(model);
    guint l = (guint)gsl_rng_uniform_int(rng, nl);
    guint kind = (guint)gsl_rng_uniform_int(rng, 3);
    const TsLevel *lv = ts_model_level(model, l);
    TsMappingLevel *ml = &map->level[l];
    uint32_t *f = &ml->temporal[d];
    if (kind > 0) {
        uint32_t *axis = kind == 1 ? ml->spatial_x : ml->spatial_y;
        uint64_t prod = p;
        for (guint k = 0; k < map->n_dims; k++)
            prod *= axis[k];
        if (prod <= (kind == 1 ? lv->fanout_x : lv->fanout_y) || gsl_rng_uniform_int(rng, 10) == 0)
            f = &axis[d];
    }
    *f *= p;
}

static void random_mapping(gsl_rng *rng, const TsModel *model, const TsOp *op, TsMapping *map)
{
    const guint nl = ts_model_n_levels(model);
    ts_mapping_init(map, nl, op);
    for (guint d = 0; d < op->n_dims; d++) {
        map->level[0].temporal[d] = 1;
        uint64_t n = op->dims[d];
        for (uint64_t p = 2; p * p <= n; p++)
            while (n % p == 0) {
                n /= p;
                place(rng, model, map, d, (uint32_t)p);
            }
        if (n > 1)
            place(rng, model, map, d, (uint32_t)n);
    }
    for (guint l = 0; l < nl; l++) {
        for (guint i = op->n_dims - 1; i > 0; i--) {
            guint j = (guint)gsl_rng_uniform_int(rng, i + 1);
            uint8_t t = map->level[l].permutation[i];
            map->level[l].permutation[i] = map->level[l].permutation[j];
            map->level[l].permutation[j] = t;
        }
        if (l > 0)
            for (guint t = 0; t < op->n_tensors; t++)
                if (gsl_rng_uniform_int(rng, 4) == 0)
                    map->level[l].keep &= (uint8_t) ~(1u << t);
    }
}

typedef struct {
    const TsModel *model;
    const TsMapping *pool;
    guint pool_n;
    double seconds;
    guint64 evals, valid;
    guint64 by_status[TS_EVAL_COUNT_];
    double cpu_s;
    double checksum;
} Job;

/* Evaluates the pool round-robin until `seconds` of this thread's CPU time have passed. */
static gpointer run_job(gpointer data)
{
    Job *job = data;
    TsCost cost;
    const double t0 = thread_cpu_s();
    double t = t0;
    guint i = 0;
    while (t - t0 < job->seconds) {
        for (guint k = 0; k < 4096; k++) {
            TsEvalStatus st = ts_model_evaluate(job->model, &job->pool[i], &cost);
            job->by_status[st]++;
            if (st == TS_EVAL_OK) {
                job->valid++;
                job->checksum += cost.energy_pj;
            }
            if (++i == job->pool_n)
                i = 0;
        }
        job->evals += 4096;
        t = thread_cpu_s();
    }
    job->cpu_s = t - t0;
    return NULL;
}

int main(int argc, char **argv)
{
    g_autofree char *arch_path = NULL, *problem = NULL, *workload = NULL, *op_name = NULL;
    g_autofree char *mapping_path = NULL, *ert = NULL;
    double seconds = 2.0;
    gint threads = 2, pool_n = 10000;
    gint64 seed = 1;
    GOptionEntry entries[] = {
        {"arch", 'a', 0, G_OPTION_ARG_FILENAME, &arch_path, "architecture (path or name)", "A"},
        {"ert", 0, 0, G_OPTION_ARG_FILENAME, &ert, "Accelergy ERT", "E"},
        {"problem", 'p', 0, G_OPTION_ARG_FILENAME, &problem, "Timeloop problem", "P"},
        {"workload", 'w', 0, G_OPTION_ARG_FILENAME, &workload, "workload (with --op)", "W"},
        {"op", 0, 0, G_OPTION_ARG_STRING, &op_name, "op of the workload", "NAME"},
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME, &mapping_path, "a valid mapping", "M"},
        {"seconds", 's', 0, G_OPTION_ARG_DOUBLE, &seconds, "CPU seconds per run (default 2)", "S"},
        {"threads", 't', 0, G_OPTION_ARG_INT, &threads, "threads of run 3 (default 2)", "N"},
        {"pool", 0, 0, G_OPTION_ARG_INT, &pool_n, "random mappings in the pool (default 10000)",
         "N"},
        {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "seed of the random pool (default 1)", "N"},
        {NULL}};
    g_autoptr(GOptionContext) ctx = g_option_context_new("- analytical model evaluation rate");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "model_eval: %s\n", error->message);
        return 1;
    }
    if (seconds <= 0 || threads < 1 || threads > 64 || pool_n < 1) {
        fprintf(stderr, "model_eval: --seconds > 0, --threads in [1, 64], --pool >= 1\n");
        return 1;
    }
    const char *shared = g_getenv("TILESIM_SHARED");
    g_autofree char *ref = g_build_filename(shared ? shared : TILESIM_SOURCE_DIR "/../shared",
                                            "reference", "timeloop", NULL);
    if (arch_path == NULL)
        arch_path = g_build_filename(ref, "arch", "eyeriss_like_3level.arch.yaml", NULL);
    if (problem == NULL && workload == NULL)
        problem = g_build_filename(ref, "prob", "bert_ff1.prob.yaml", NULL);
    if (mapping_path == NULL)
        mapping_path = g_build_filename(ref, "cases", "ey_bert_ff1_rp_fb10k_t1", "map.yaml", NULL);

    g_autoptr(TsArch) arch = ts_arch_load(arch_path, ert, &error);
    if (arch == NULL) {
        fprintf(stderr, "model_eval: %s\n", error->message);
        return 1;
    }
    g_autoptr(TsWorkload) wl = ts_workload_load(problem ? problem : workload, NULL, &error);
    if (wl == NULL) {
        fprintf(stderr, "model_eval: %s\n", error->message);
        return 1;
    }
    const TsOp *op = op_name ? ts_workload_find_op(wl, op_name) : ts_workload_op(wl, 0);
    if (op == NULL) {
        fprintf(stderr, "model_eval: no op %s in %s\n", op_name, ts_workload_name(wl));
        return 1;
    }
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    if (model == NULL) {
        fprintf(stderr, "model_eval: %s\n", error->message);
        return 1;
    }
    TsMapping best;
    if (!ts_mapping_load(mapping_path, arch, op, &best, &error)) {
        fprintf(stderr, "model_eval: %s\n", error->message);
        return 1;
    }
    TsCost cost;
    if (ts_model_evaluate(model, &best, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, &best, &cost);
        fprintf(stderr, "model_eval: %s is not a valid mapping: %s\n", mapping_path, why);
        return 1;
    }
    printf("model_eval: op %s (%" G_GUINT64_FORMAT " MACs) on %s, tilesim %s\n",
           op->name ? op->name : "?", cost.macs, ts_arch_name(arch), TILESIM_VERSION);
    printf("  mapping %s: %.2f uJ, %.0f cycles, EDP %.4g J*cycle\n", mapping_path,
           cost.energy_pj / 1e6, cost.cycles, cost.edp_j_cycles);

    /* Run 1: one valid mapping. */
    Job one = {.model = model, .pool = &best, .pool_n = 1, .seconds = seconds};
    run_job(&one);
    printf("run 1, one valid mapping, 1 thread : %12.0f evaluations/CPU-s  %8.1f ns/eval  "
           "(%" G_GUINT64_FORMAT " in %.2f s)\n",
           (double)one.evals / one.cpu_s, one.cpu_s / (double)one.evals * 1e9, one.evals,
           one.cpu_s);

    /* Run 2: random pool. */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)seed);
    TsMapping *pool = g_new(TsMapping, (gsize)pool_n);
    for (gint i = 0; i < pool_n; i++)
        random_mapping(rng, model, op, &pool[i]);
    gsl_rng_free(rng);
    Job mix = {.model = model, .pool = pool, .pool_n = (guint)pool_n, .seconds = seconds};
    run_job(&mix);
    printf("run 2, %d random mappings, 1 thread: %12.0f evaluations/CPU-s  %8.1f ns/eval  "
           "valid %.1f%% -> %.0f valid evaluations/CPU-s\n",
           pool_n, (double)mix.evals / mix.cpu_s, mix.cpu_s / (double)mix.evals * 1e9,
           100.0 * (double)mix.valid / (double)mix.evals, (double)mix.valid / mix.cpu_s);
    printf("       outcomes:");
    for (guint s = 0; s < TS_EVAL_COUNT_; s++)
        if (mix.by_status[s])
            printf(" %s %.1f%%", ts_eval_status_name((TsEvalStatus)s),
                   100.0 * (double)mix.by_status[s] / (double)mix.evals);
    printf("\n");

    /* Run 3: threads sharing the model. */
    Job *jobs = g_new0(Job, (gsize)threads);
    GThread **th = g_new0(GThread *, (gsize)threads);
    const double w0 = wall_s();
    for (gint i = 0; i < threads; i++) {
        jobs[i] = (Job){.model = model, .pool = pool, .pool_n = (guint)pool_n, .seconds = seconds};
        th[i] = g_thread_new("eval", run_job, &jobs[i]);
    }
    guint64 total = 0;
    double cpu = 0.0;
    for (gint i = 0; i < threads; i++) {
        g_thread_join(th[i]);
        total += jobs[i].evals;
        cpu += jobs[i].cpu_s;
    }
    const double wall = wall_s() - w0;
    printf("run 3, random pool, %d threads      : %12.0f evaluations/CPU-s per thread, %.0f/s "
           "wall in total (%.2f s wall; a shared machine lowers the wall rate)\n",
           threads, (double)total / cpu, (double)total / wall, wall);
    g_free(jobs);
    g_free(th);
    g_free(pool);
    return 0;
}
