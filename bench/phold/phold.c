/* `phold`: the PHOLD benchmark on the tilesim DES kernel. Prints a one-line summary, or with
 * --json one JSON object (committed_events, loop_seconds, events_per_s, the configuration,
 * final_state_hash and the pool's allocation counters). Only the event loop is timed. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ts-phold.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    TsPholdConfig cfg;
    ts_phold_config_init(&cfg);
    gint nlp = (gint)cfg.n_lp, start = (gint)cfg.start_events;
    gint64 seed = (gint64)cfg.seed, unit = (gint64)cfg.time_unit_ps;
    gboolean json = FALSE;
    g_autofree char *queue = NULL;
    g_autofree char *rng = NULL;
    GOptionEntry entries[] = {
        {"nlp", 0, 0, G_OPTION_ARG_INT, &nlp, "Number of LPs (default 1024)", "N"},
        {"start-events", 0, 0, G_OPTION_ARG_INT, &start, "Events per LP at start (default 1)", "S"},
        {"end", 0, 0, G_OPTION_ARG_DOUBLE, &cfg.end, "End time in ROSS units (default 50000)", "T"},
        {"remote", 0, 0, G_OPTION_ARG_DOUBLE, &cfg.remote, "Remote probability (default 0.25)",
         "P"},
        {"mean", 0, 0, G_OPTION_ARG_DOUBLE, &cfg.mean, "Mean delay (default 1.0)", "M"},
        {"lookahead", 0, 0, G_OPTION_ARG_DOUBLE, &cfg.lookahead, "Lookahead (default 1.0)", "L"},
        {"seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Master seed (default 1)", "SEED"},
        {"time-unit-ps", 0, 0, G_OPTION_ARG_INT64, &unit,
         "Picoseconds per ROSS time unit (default 1000000)", "PS"},
        {"queue", 0, 0, G_OPTION_ARG_STRING, &queue, "Event queue: heap4 (default), heap2, pairing",
         "Q"},
        {"rng", 0, 0, G_OPTION_ARG_STRING, &rng, "GSL generator: taus2 (default), mt19937", "R"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- PHOLD on the tilesim DES kernel");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fprintf(stderr, "phold: %s\n", error->message);
        return 1;
    }
    if (nlp < 1 || start < 1 || unit < 1) {
        fprintf(stderr, "phold: --nlp, --start-events and --time-unit-ps must be >= 1\n");
        return 1;
    }
    cfg.n_lp = (guint32)nlp;
    cfg.start_events = (guint32)start;
    cfg.seed = (guint64)seed;
    cfg.time_unit_ps = (TsTick)unit;
    if (queue != NULL && !ts_evq_kind_from_name(queue, &cfg.queue, &error)) {
        fprintf(stderr, "phold: %s\n", error->message);
        return 1;
    }

    if (rng != NULL) {
        if (g_strcmp0(rng, "taus2") == 0)
            cfg.rng = gsl_rng_taus2;
        else if (g_strcmp0(rng, "mt19937") == 0)
            cfg.rng = gsl_rng_mt19937;
        else {
            fprintf(stderr, "phold: unknown --rng '%s' (known: taus2, mt19937)\n", rng);
            return 1;
        }
    }

    g_autoptr(TsPhold) ph = ts_phold_new(&cfg, &error);
    if (ph == NULL) {
        fprintf(stderr, "%s\n", error->message);
        return 1;
    }
    TsSim *sim = ts_phold_sim(ph);
    TsSimKernelStats before, after;
    ts_sim_get_kernel_stats(sim, &before);
    double t0 = now_seconds();
    guint64 committed = ts_phold_run(ph);
    double secs = now_seconds() - t0;
    ts_sim_get_kernel_stats(sim, &after);
    guint64 hash = ts_phold_state_hash(ph);
    guint64 expected = ts_phold_expected_fixed(&cfg);
    double rate = secs > 0 ? (double)committed / secs : 0;

    if (json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
#define MEMBER(kind, name, value)                                                                  \
    do {                                                                                           \
        json_builder_set_member_name(b, name);                                                     \
        json_builder_add_##kind##_value(b, value);                                                 \
    } while (0)
        MEMBER(string, "model", "phold");
        MEMBER(int, "nlp", cfg.n_lp);
        MEMBER(int, "start_events", cfg.start_events);
        MEMBER(double, "end", cfg.end);
        MEMBER(double, "remote", cfg.remote);
        MEMBER(double, "mean", cfg.mean);
        MEMBER(double, "lookahead", cfg.lookahead);
        MEMBER(int, "seed", (gint64)cfg.seed);
        MEMBER(int, "time_unit_ps", (gint64)cfg.time_unit_ps);
        MEMBER(string, "queue", ts_evq_kind_name(cfg.queue));
        MEMBER(string, "rng", gsl_rng_name(ts_phold_rng(ph)));
        MEMBER(int, "committed_events", (gint64)committed);
        if (expected)
            MEMBER(int, "expected_committed_events", (gint64)expected);
        MEMBER(double, "loop_seconds", secs);
        MEMBER(double, "events_per_s", rate);
        g_autofree char *hex = g_strdup_printf("0x%016" G_GINT64_MODIFIER "x", hash);
        MEMBER(string, "final_state_hash", hex);
        MEMBER(int, "final_tick_ps", (gint64)ts_sim_now(sim));
        MEMBER(int, "pool_capacity", (gint64)after.pool.capacity);
        MEMBER(int, "pool_peak_live", (gint64)after.pool.peak_live);
        MEMBER(int, "pool_chunk_allocs", (gint64)after.pool.chunk_allocs);
        MEMBER(int, "pool_chunk_allocs_in_loop",
               (gint64)(after.pool.chunk_allocs - before.pool.chunk_allocs));
        MEMBER(int, "queue_peak", (gint64)after.queue.peak);
#undef MEMBER
        json_builder_end_object(b);
        g_autoptr(JsonNode) root = json_builder_get_root(b);
        g_autoptr(JsonGenerator) gen = json_generator_new();
        json_generator_set_root(gen, root);
        g_autofree char *text = json_generator_to_data(gen, NULL);
        printf("%s\n", text);
    } else {
        printf("phold nlp=%u start=%u end=%g remote=%g mean=%g lookahead=%g seed=%" G_GUINT64_FORMAT
               " queue=%s rng=%s\n",
               cfg.n_lp, cfg.start_events, cfg.end, cfg.remote, cfg.mean, cfg.lookahead, cfg.seed,
               ts_evq_kind_name(cfg.queue), gsl_rng_name(ts_phold_rng(ph)));
        printf("committed %" G_GUINT64_FORMAT
               " events in %.3f s = %.3f M events/s; hash 0x%016" G_GINT64_MODIFIER
               "x; chunk allocs in loop %" G_GUINT64_FORMAT "\n",
               committed, secs, rate / 1e6, hash,
               after.pool.chunk_allocs - before.pool.chunk_allocs);
    }
    if (expected && committed != expected) {
        fprintf(stderr,
                "phold: committed %" G_GUINT64_FORMAT " != expected %" G_GUINT64_FORMAT "\n",
                committed, expected);
        return 2;
    }
    return 0;
}
