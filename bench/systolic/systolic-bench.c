/* Systolic-array model speed on a whole BERT-base encoder layer (seq 128) as SCALE-Sim runs it:
 * the GEMMs of bert_base_s128.csv (QKV_proj, Attn_QKt_head, Attn_ctx_head, Out_proj, FF1, FF2)
 * on a 32x32 array with 64 KB SRAMs, once as that 6-row topology and once as the whole layer
 * (Q, K and V projections, 12 heads of each attention GEMM: 30 GEMMs, every one simulated), for
 * OS, WS and IS, stall-free (CALC) and with a 10 words/cycle interface (USER). Prints the best
 * wall time of --reps runs and the simulated cycles; --json prints one object per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ts-systolic.h"

typedef struct {
    const char *name;
    guint64 m, n, k, count; /* count: copies in a whole layer */
} Gemm;

static const Gemm bert[] = {
    {"QKV_proj", 128, 768, 768, 3},      {"Attn_QKt_head", 128, 128, 64, 12},
    {"Attn_ctx_head", 128, 64, 128, 12}, {"Out_proj", 128, 768, 768, 1},
    {"FF1", 128, 3072, 768, 1},          {"FF2", 128, 768, 3072, 1},
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Runs the layer; returns seconds, sets the simulated cycles. */
static double run_layer(const TsSystolicConfig *c, gboolean whole, guint64 *cycles)
{
    double t0 = now_s();
    *cycles = 0;
    for (guint i = 0; i < G_N_ELEMENTS(bert); i++) {
        guint64 copies = whole ? bert[i].count : 1;
        for (guint64 j = 0; j < copies; j++) {
            TsSystolicLayer l = ts_systolic_layer_gemm(bert[i].m, bert[i].n, bert[i].k);
            TsSystolicResult r;
            if (!ts_systolic_run(c, &l, &r, NULL)) {
                fprintf(stderr, "systolic_bench: run failed\n");
                exit(2);
            }
            *cycles += r.cycles;
        }
    }
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    int reps = 5;
    gboolean json = FALSE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--json") == 0)
            json = TRUE;
        else {
            fprintf(stderr, "usage: systolic_bench [--reps N] [--json]\n");
            return 1;
        }
    }
    if (reps < 1)
        reps = 1;
    if (!json)
        printf("%-5s %-4s %-9s %14s %10s %12s\n", "mode", "df", "layer", "cycles", "best ms",
               "cycles/s");
    for (int user = 0; user < 2; user++) {
        for (int df = 0; df < 3; df++) {
            for (int whole = 0; whole < 2; whole++) {
                TsSystolicConfig c = {.rows = 32,
                                      .cols = 32,
                                      .dataflow = (TsSystolicDataflow)df,
                                      .ifmap_sram_words = 65536,
                                      .filter_sram_words = 65536,
                                      .ofmap_sram_words = 65536,
                                      .bandwidth_limited = user,
                                      .dram_words_per_cycle = 10};
                double best = 1e30;
                guint64 cycles = 0;
                for (int r = 0; r < reps; r++) {
                    double t = run_layer(&c, whole, &cycles);
                    best = t < best ? t : best;
                }
                const char *mode = user ? "USER" : "CALC", *what = whole ? "layer" : "topology";
                if (json)
                    printf("{\"mode\":\"%s\",\"dataflow\":\"%s\",\"what\":\"%s\",\"gemms\":%u,"
                           "\"cycles\":%" G_GUINT64_FORMAT ",\"best_ms\":%.3f,\"reps\":%d}\n",
                           mode, ts_systolic_dataflow_name(c.dataflow), what, whole ? 30u : 6u,
                           cycles, best * 1e3, reps);
                else
                    printf("%-5s %-4s %-9s %14" G_GUINT64_FORMAT " %10.3f %12.3g\n", mode,
                           ts_systolic_dataflow_name(c.dataflow), what, cycles, best * 1e3,
                           (double)cycles / best);
            }
        }
    }
    if (!json)
        printf("targets: whole layer < 10 ms stall-free (CALC), < 100 ms bandwidth-limited "
               "(USER). SCALE-Sim v2 on this kind of machine: 128-147 s (CALC IS), 183-231 s "
               "(USER IS).\n");
    return 0;
}
