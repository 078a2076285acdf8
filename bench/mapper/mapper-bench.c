/* Mapper benchmark on the BERT-base problems of ../shared/reference/timeloop (Eyeriss-like
 * 3-level arch, keep-all constraints): per problem the valid evaluations per CPU-second per
 * thread (Timeloop's mapper did 95-280), the time annealing needs to reach an EDP at least as
 * good as the best any Timeloop run found (run.json of every case), the default search's best
 * EDP (anneal 200,000 valid then the polish, one thread, as `tilesim map` runs it) against
 * Timeloop's; optionally the exhaustive proof of each optimum (time, certificate) and whether
 * the default search reached it. Usage: bench/mapper/run.sh (or mapper_bench --help). */
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-layer.h"
#include "ts-mapspace.h"
#include "ts-model.h"
#include "ts-search.h"

typedef struct {
    TsArch *arch;
    TsWorkload *wl;
    const TsOp *op;
    TsModel *model;
    TsMapSpace *space;
} Problem;

static char *shared_dir;

static char *ref(const char *rel)
{
    return g_build_filename(shared_dir, "reference", "timeloop", rel, NULL);
}

static double timeloop_best_edp(const char *prob_rel, guint *runs)
{
    g_autofree char *dir = ref("cases");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    double best = INFINITY;
    *runs = 0;
    if (d == NULL)
        return best;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, "run.json", NULL);
        g_autoptr(JsonParser) p = json_parser_new();
        if (!json_parser_load_from_file(p, path, NULL))
            continue;
        JsonObject *o = json_node_get_object(json_parser_get_root(p));
        if (!json_object_has_member(o, "problem") ||
            g_strcmp0(json_object_get_string_member(o, "problem"), prob_rel) != 0)
            continue;
        double e = json_object_get_double_member(o, "energy_uJ") * 1e-6;
        double c = json_object_get_double_member(o, "cycles");
        best = MIN(best, e * c);
        (*runs)++;
    }
    return best;
}

static gboolean problem_load(Problem *p, const char *name, GError **error)
{
    memset(p, 0, sizeof *p);
    g_autofree char *arch = ref("arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *rel = g_strdup_printf("prob/%s.prob.yaml", name);
    g_autofree char *prob = ref(rel);
    g_autofree char *cons = ref("constraints/eyeriss_like_keepall.constraints.yaml");
    p->arch = ts_arch_load(arch, NULL, error);
    if (!p->arch)
        return FALSE;
    p->wl = ts_workload_load(prob, NULL, error);
    if (!p->wl)
        return FALSE;
    p->op = ts_workload_op(p->wl, 0);
    p->model = ts_model_new(p->arch, p->op, error);
    if (!p->model)
        return FALSE;
    TsSpaceArch sa;
    if (!ts_space_arch_from_arch(p->arch, &sa, error))
        return FALSE;
    g_autoptr(TsConstraints) c = ts_constraints_new();
    TsRules rules;
    if (!ts_constraints_load_file(c, cons, error) ||
        !ts_constraints_resolve(c, &sa, p->op, &rules, error))
        return FALSE;
    p->space = ts_mapspace_new(&sa, p->op, &rules, error);
    return p->space != NULL;
}

static void problem_clear(Problem *p)
{
    ts_mapspace_free(p->space);
    ts_model_free(p->model);
    ts_workload_free(p->wl);
    ts_arch_free(p->arch);
}

static void run(const Problem *p, TsSearchAlgorithm alg, guint64 budget, guint threads,
                gboolean polish, TsSearchResult *r)
{
    TsSearchOptions o;
    ts_search_options_init(&o);
    o.algorithm = alg;
    o.budget = budget;
    o.threads = threads;
    o.seed = 1;
    /* Exhaustive: polish says whether its incumbent anneal is polished. */
    o.polish = alg != TS_SEARCH_EXHAUSTIVE && polish;
    if (alg == TS_SEARCH_EXHAUSTIVE || polish) {
        o.bound = ts_search_model_bound;
        o.bound_data = p->model;
    }
    if (alg == TS_SEARCH_EXHAUSTIVE) {
        o.incumbent_budget = 50000;
        o.incumbent_no_polish = !polish;
    }
    ts_search_run(p->space, ts_search_model_eval, p->model, &o, r);
}

int main(int argc, char **argv)
{
    g_autofree char *shared = NULL, *problems = NULL;
    gint64 budget = 1000000;
    gint threads = 1, ex_threads = 0;
    gboolean exhaustive = FALSE, no_polish = FALSE;
    GOptionEntry entries[] = {
        {"shared", 0, 0, G_OPTION_ARG_FILENAME, &shared,
         "directory holding reference/ (default: ../shared beside the source tree)", "DIR"},
        {"problems", 0, 0, G_OPTION_ARG_STRING, &problems,
         "comma list of problems (default: all BERT-base problems)", "LIST"},
        {"budget", 0, 0, G_OPTION_ARG_INT64, &budget,
         "valid evaluations of the speed and quality runs (default 1000000)", "N"},
        {"threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads of the speed run (default 1)", "N"},
        {"exhaustive", 0, 0, G_OPTION_ARG_NONE, &exhaustive,
         "also prove each optimum by exhaustive search (seconds each on 2 threads)", NULL},
        {"exhaustive-threads", 0, 0, G_OPTION_ARG_INT, &ex_threads,
         "threads of the exhaustive runs (default: the processors)", "N"},
        {"no-polish", 0, 0, G_OPTION_ARG_NONE, &no_polish,
         "no polish in the default search nor in the exhaustive runs' incumbent anneal", NULL},
        {NULL}};
    g_autoptr(GOptionContext) ctx = g_option_context_new("");
    g_option_context_set_summary(ctx, "Mapper speed and quality against Timeloop's mapper runs.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "mapper_bench: %s\n", error->message);
        return 1;
    }
    shared_dir =
        shared ? g_strdup(shared) : g_build_filename(TILESIM_SOURCE_DIR, "..", "shared", NULL);
    g_auto(GStrv) names = g_strsplit(problems ? problems
                                              : "bert_qkv,bert_kqv_fused,bert_attn_qk,bert_attn_av,"
                                                "bert_ff1,bert_ff2,bert_qkv_as_conv",
                                     ",", -1);
    if (ex_threads <= 0)
        ex_threads = (gint)g_get_num_processors();
    printf("tilesim mapper benchmark: Eyeriss-like 3-level arch, keep-all constraints, EDP\n");
    printf("Timeloop 3.0.3's random-pruned mapper: 95-280 valid mappings per CPU-second per "
           "thread (shared/reference/timeloop/README.md)\n\n");
    printf("%-17s %12s %14s %14s %12s %12s %12s %9s %12s %9s\n", "problem", "space",
           "rp valid/CPU-s", "an valid/CPU-s", "x Timeloop", "to beat TL", "default EDP",
           "default s", "TL best EDP", "ratio");
    for (guint i = 0; names[i]; i++) {
        Problem p;
        if (!problem_load(&p, names[i], &error)) {
            fprintf(stderr, "%s: %s\n", names[i], error->message);
            return 1;
        }
        g_autofree char *rel = g_strdup_printf("prob/%s.prob.yaml", names[i]);
        guint runs;
        double tl = timeloop_best_edp(rel, &runs);
        TsSpaceSize size;
        ts_mapspace_size(p.space, &size);
        /* Speed: random-pruned (Timeloop's algorithm) and anneal, valid per CPU-second. */
        TsSearchResult rp, an;
        run(&p, TS_SEARCH_RANDOM_PRUNED, (guint64)budget, (guint)threads, FALSE, &rp);
        run(&p, TS_SEARCH_ANNEAL, (guint64)budget, (guint)threads, FALSE, &an);
        /* The default search of `tilesim map`, on one thread. */
        TsSearchResult def;
        run(&p, TS_SEARCH_ANNEAL, 200000, 1, !no_polish, &def);
        double per_thread_rp = rp.valid_per_cpu_s;
        double per_thread_an = an.valid_per_cpu_s;
        /* Time to beat: the smallest anneal budget (1 thread) whose best <= Timeloop's best. */
        static const guint64 steps[] = {1000,  2000,   5000,   10000,  20000,
                                        50000, 100000, 200000, 500000, 1000000};
        double t_beat = -1;
        for (guint k = 0; k < G_N_ELEMENTS(steps); k++) {
            TsSearchResult r;
            run(&p, TS_SEARCH_ANNEAL, steps[k], 1, FALSE, &r);
            gboolean beat = r.n_best && r.best[0].cost.edp_j_cycles <= tl;
            double s = r.seconds;
            ts_search_result_clear(&r);
            if (beat) {
                t_beat = s;
                break;
            }
        }
        double best = def.n_best ? def.best[0].cost.edp_j_cycles : INFINITY;
        char beat_text[32];
        if (t_beat >= 0)
            g_snprintf(beat_text, sizeof beat_text, "%.3f s", t_beat);
        else
            g_snprintf(beat_text, sizeof beat_text, "not in 1M");
        printf("%-17s %12.3g %14.0f %14.0f %12.0f %12s %12.6g %9.3f %12.4g %8.1f%%\n", names[i],
               pow(10, size.log10), per_thread_rp, per_thread_an,
               MIN(per_thread_rp, per_thread_an) / 280.0, beat_text, best, def.seconds, tl,
               100.0 * best / tl);
        fflush(stdout);
        if (exhaustive) {
            TsSearchResult ex;
            run(&p, TS_SEARCH_EXHAUSTIVE, 0, (guint)ex_threads, !no_polish, &ex);
            const double opt = ex.best[0].cost.edp_j_cycles;
            printf("  exhaustive (%d threads): optimum EDP %.6g in %.2f s wall, %.2f s CPU; %s; "
                   "%" G_GUINT64_FORMAT " evaluated, %.3g factorizations cut by the bound; "
                   "default search %s the optimum\n",
                   ex_threads, opt, ex.seconds, ex.cpu_seconds,
                   !ex.complete ? "incomplete"
                   : ex.lower_bound >= opt * (1 - 1e-12)
                       ? "certificate: lower bound = optimum"
                       : "complete, lower bound below the optimum",
                   ex.evaluated, ex.bounded_factorizations,
                   best <= opt * (1 + 1e-12) ? "reached" : "MISSED");
            fflush(stdout);
            ts_search_result_clear(&ex);
        }
        ts_search_result_clear(&def);
        ts_search_result_clear(&rp);
        ts_search_result_clear(&an);
        problem_clear(&p);
    }
    printf("\nrp = random-pruned, an = anneal (budget %" G_GINT64_FORMAT
           " valid each, %d thread%s; valid/CPU-s is per thread); x Timeloop = the slower of the "
           "two over Timeloop's best 280/s; to beat TL = wall time of the smallest anneal run "
           "(1 thread) whose best EDP <= the best of every Timeloop run on the problem; default "
           "= tilesim map's search (anneal 200,000 valid, %s) on 1 thread, its EDP "
           "and wall seconds\n",
           budget, threads, threads == 1 ? "" : "s",
           no_polish ? "without the polish (--no-polish)" : "then the polish");
    g_free(shared_dir);
    return 0;
}
