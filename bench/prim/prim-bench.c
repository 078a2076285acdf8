/* PrIM's microbenchmark figures (Gomez-Luna et al., "Benchmarking a New Paradigm", 2021/2022;
 * CMU-SAFARI/prim-benchmarks) on the upmem-pim architecture: the arithmetic-throughput kernel
 * and the MRAM read/write kernel run on the DES pim_core component (revolver pipeline, DMA
 * engine), the CPU-DPU transfers through the arch's host-link model. Prints figure, reference,
 * tilesim, difference and the basis of each row, and exits 1 when any figure is more than 10%
 * off (2 on an internal error, 77 when ../shared/reference is absent).
 *
 * Basis: "predicted" rows take no input from the figure they reproduce (ISA and runtime
 * instruction counts, PrIM's one-tasklet profile for the float and double add routines, the
 * DMA's alpha + beta, the revolver); "input" rows check a figure whose value the arch was
 * given (routine lengths without an independent measurement, the host link's rates), so they
 * only confirm that the model carries the input through. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-pim-core.h"

typedef struct {
    char figure[96];
    double reference, tilesim;
    const char *unit;
    char basis[160];
    gboolean input;
} Row;

static GArray *rows;
static gboolean internal_error;

static void add_row(const char *figure, double ref, double got, const char *unit,
                    gboolean input, const char *basis_fmt, ...) G_GNUC_PRINTF(6, 7);
static void add_row(const char *figure, double ref, double got, const char *unit,
                    gboolean input, const char *basis_fmt, ...)
{
    Row r = {0};
    g_strlcpy(r.figure, figure, sizeof r.figure);
    r.reference = ref;
    r.tilesim = got;
    r.unit = unit;
    r.input = input;
    va_list ap;
    va_start(ap, basis_fmt);
    g_vsnprintf(r.basis, sizeof r.basis, basis_fmt, ap);
    va_end(ap);
    g_array_append_val(rows, r);
}

/* ---- The arithmetic-throughput kernel (Microbenchmarks/Arithmetic-Throughput) ---------------
 * Each tasklet loads a 1 KiB block from MRAM, meets the others at a barrier, updates the block
 * in WRAM (timed: PrIM's perfcounter), meets them again and writes the block back; 1,048,576
 * elements per DPU. The update loop costs `loop` slots per element plus the operation. */
static double run_arith(const TsPimCoreSpec *dpu, guint elem_bytes, double op_slots,
                        guint tasklets)
{
    const double block = 1024.0;
    const guint64 elements = 1048576;
    const double per_block = block / elem_bytes;
    const TsDpuStep body[] = {
        {TS_DPU_STEP_MRAM_READ, block, FALSE},
        {TS_DPU_STEP_BARRIER, 0, FALSE},
        {TS_DPU_STEP_COMPUTE, per_block * (dpu->dpu_slots[TS_DPU_OP_loop] + op_slots), TRUE},
        {TS_DPU_STEP_BARRIER, 0, FALSE},
        {TS_DPU_STEP_MRAM_WRITE, block, FALSE},
    };
    TsDpuKernel k = {body, G_N_ELEMENTS(body), tasklets,
                     (guint64)(elements * elem_bytes / (block * tasklets)), NULL};
    TsDpuKernelResult r;
    g_autoptr(GError) e = NULL;
    if (!ts_pim_run_kernel(dpu, &k, &r, &e)) {
        fprintf(stderr, "prim_bench: %s\n", e->message);
        internal_error = TRUE;
        return 0.0;
    }
    return (double)r.timed_cycles / (double)elements; /* cycles per element */
}

/* ---- The MRAM kernel (Microbenchmarks/MRAM-Latency): one tasklet, one DMA per iteration,
 * timed from the counter read before the DMA to the one after: the DMA plus the instructions
 * inside the interval (address setup, ldma, the counter read: 3 slots, 11 cycles apart with
 * one tasklet). Returns bytes per second. */
static double run_mram(const TsPimCoreSpec *dpu, double block, gboolean write)
{
    const TsDpuStep body[] = {
        {TS_DPU_STEP_COMPUTE, 3, TRUE},
        {write ? TS_DPU_STEP_MRAM_WRITE : TS_DPU_STEP_MRAM_READ, block, TRUE},
        {TS_DPU_STEP_COMPUTE, 4, FALSE},
    };
    const guint64 iters = 1024;
    TsDpuKernel k = {body, G_N_ELEMENTS(body), 1, iters, NULL};
    TsDpuKernelResult r;
    g_autoptr(GError) e = NULL;
    if (!ts_pim_run_kernel(dpu, &k, &r, &e)) {
        fprintf(stderr, "prim_bench: %s\n", e->message);
        internal_error = TRUE;
        return 0.0;
    }
    return block * (double)iters / ((double)r.timed_cycles / dpu->frequency_hz);
}

static double member(JsonObject *o, const char *a, const char *b)
{
    JsonObject *x = json_object_get_object_member(o, a);
    if (x == NULL || !json_object_has_member(x, b)) {
        fprintf(stderr, "prim_bench: upmem_hw_facts.json lacks %s.%s\n", a, b);
        internal_error = TRUE;
        return NAN;
    }
    return json_object_get_double_member(x, b);
}

int main(int argc, char **argv)
{
    const char *shared = g_getenv("TILESIM_SHARED");
    const char *arch_name = "upmem-pim";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc)
            shared = argv[++i];
        else if (strcmp(argv[i], "--arch") == 0 && i + 1 < argc)
            arch_name = argv[++i];
        else {
            fprintf(stderr, "usage: prim_bench [--shared DIR] [--arch ARCH]\n");
            return 2;
        }
    }
    g_autofree char *facts =
        g_build_filename(shared ? shared : "../shared", "reference", "upmem",
                         "upmem_hw_facts.json", NULL);
    if (!g_file_test(facts, G_FILE_TEST_EXISTS)) {
        printf("SKIP: %s not found (give --shared DIR holding reference/)\n", facts);
        return 77;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    if (arch == NULL) {
        fprintf(stderr, "prim_bench: %s\n", error->message);
        return 2;
    }
    const TsPimCoreSpec *dpu = NULL;
    const TsHostLinkSpec *link = NULL;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_PIM_CORE && l->spec && dpu == NULL &&
            ((const TsPimCoreSpec *)l->spec)->kind == TS_PIM_DPU)
            dpu = l->spec;
        if (l->klass == TS_CLASS_HOST_LINK && l->spec && link == NULL)
            link = l->spec;
    }
    if (dpu == NULL || link == NULL) {
        fprintf(stderr, "prim_bench: %s has no DPU or no host link\n", arch_name);
        return 2;
    }
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_file(parser, facts, &error)) {
        fprintf(stderr, "prim_bench: %s: %s\n", facts, error->message);
        return 2;
    }
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *arith = json_object_get_object_member(root, "arithmetic_throughput_MOPS_1dpu_350MHz_16tasklets");
    JsonObject *dma = json_object_get_object_member(root, "mram_wram_dma");
    JsonObject *host = json_object_get_object_member(root, "host_transfers");
    if (arith == NULL || dma == NULL || host == NULL) {
        fprintf(stderr, "prim_bench: %s lacks a PrIM section\n", facts);
        return 2;
    }
    rows = g_array_new(FALSE, TRUE, sizeof(Row));
    const double f = dpu->frequency_hz;
    const guint tl = 16;

    /* Arithmetic throughput: MOPS = f / cycles per element. The PrIM kernel's operands: the
     * scalar is the element count 2^20 (21 significant bits, the smaller multiply operand);
     * dividends are rand() (uniform over 31 bits), so dividing by 2^20 runs one div_step per
     * bit of the quotient: 11 with probability 1/2, 10 with 1/4, ..., 10 on average. */
    struct {
        const char *type, *op;
        guint bits;
        gboolean fp;
        TsDpuArith arith;
        guint steps;
        gboolean input;
        const char *why;
    } ops[] = {
        {"INT32", "ADD", 32, FALSE, TS_DPU_ADD, 0, FALSE, "ISA: add"},
        {"INT32", "SUB", 32, FALSE, TS_DPU_SUB, 0, FALSE, "ISA: sub"},
        {"INT32", "MUL", 32, FALSE, TS_DPU_MUL, 21, FALSE, "__mulsi3: 8 + 21 mul_steps"},
        {"INT32", "DIV", 32, FALSE, TS_DPU_DIV, 10, FALSE, "__div32: 16 + 10 div_steps"},
        {"INT64", "ADD", 64, FALSE, TS_DPU_ADD, 0, FALSE, "ISA: add + addc"},
        {"INT64", "MUL", 64, FALSE, TS_DPU_MUL, 0, TRUE, "routine length from this figure"},
        {"INT64", "DIV", 64, FALSE, TS_DPU_DIV, 0, TRUE, "routine length from this figure"},
        {"FLOAT", "ADD", 32, TRUE, TS_DPU_ADD, 0, FALSE, "PrIM profile ADD_FLOAT_tl1"},
        {"FLOAT", "MUL", 32, TRUE, TS_DPU_MUL, 0, TRUE, "routine length from this figure"},
        {"FLOAT", "DIV", 32, TRUE, TS_DPU_DIV, 0, TRUE, "routine length from this figure"},
        {"DOUBLE", "ADD", 64, TRUE, TS_DPU_ADD, 0, FALSE, "PrIM profile ADD_DOUBLE_tl1"},
        {"DOUBLE", "MUL", 64, TRUE, TS_DPU_MUL, 0, TRUE, "routine length from this figure"},
        {"DOUBLE", "DIV", 64, TRUE, TS_DPU_DIV, 0, TRUE, "routine length from this figure"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(ops); i++) {
        const char *missing = NULL;
        double slots =
            ts_pim_dpu_arith_slots(dpu, ops[i].arith, ops[i].bits, ops[i].fp, ops[i].steps, &missing);
        if (slots < 0) {
            fprintf(stderr, "prim_bench: the DPU lacks instructions.%s\n", missing);
            return 2;
        }
        double ref = member(arith, ops[i].type, ops[i].op);
        double cpe = run_arith(dpu, ops[i].bits / 8, slots, tl);
        char fig[96];
        g_snprintf(fig, sizeof fig, "%s %s, 1 DPU, %u tasklets", ops[i].type, ops[i].op, tl);
        add_row(fig, ref, f / cpe / 1e6, "MOPS", ops[i].input, "%s (%.4g slots/elem)",
                ops[i].why, dpu->dpu_slots[TS_DPU_OP_loop] + slots);
    }

    /* Revolver pipeline: cycles per element against the tasklet count, PrIM's own profile
     * outputs (prim-benchmarks Arithmetic-Throughput/profile/ADD_*_tl<N>.txt: DPU cycles over
     * 1,048,576 elements). */
    static const struct {
        const char *type;
        guint bits;
        gboolean fp;
        guint tasklets;
        double cycles; /* PrIM's "DPU cycles" */
    } sweep[] = {
        {"INT32", 32, FALSE, 1, 6.92941e7},   {"INT32", 32, FALSE, 4, 1.73262e7},
        {"INT32", 32, FALSE, 8, 8.66466e6},   {"INT32", 32, FALSE, 11, 6.31261e6},
        {"INT32", 32, FALSE, 24, 6.28288e6},  {"FLOAT", 32, TRUE, 8, 1.02603e8},
        {"FLOAT", 32, TRUE, 16, 7.45888e7},
    };
    for (guint i = 0; i < G_N_ELEMENTS(sweep); i++) {
        double slots = ts_pim_dpu_arith_slots(dpu, TS_DPU_ADD, sweep[i].bits, sweep[i].fp, 0, NULL);
        double cpe = run_arith(dpu, sweep[i].bits / 8, slots, sweep[i].tasklets);
        char fig[96];
        g_snprintf(fig, sizeof fig, "%s ADD, %u tasklet%s (cycles/element)", sweep[i].type,
                   sweep[i].tasklets, sweep[i].tasklets == 1 ? "" : "s");
        add_row(fig, sweep[i].cycles / 1048576.0, cpe, "cycles", FALSE,
                "revolver: max(tasklets, %" G_GUINT64_FORMAT ") cycles per slot",
                dpu->revolver_cycles);
    }

    /* MRAM <-> WRAM at 2048 B per DMA, one tasklet. */
    add_row("MRAM read, 2048 B DMAs, 1 tasklet", member(dma, "sustained_bandwidth_MBps_2048B", "read"),
            run_mram(dpu, 2048, FALSE) / 1e6, "MB/s", FALSE,
            "DMA %.4g + %.4g x B cycles, 3 slots in the timed interval",
            dpu->dma_alpha_read_cycles, dpu->dma_beta_cycles_per_byte);
    add_row("MRAM write, 2048 B DMAs, 1 tasklet",
            member(dma, "sustained_bandwidth_MBps_2048B", "write"),
            run_mram(dpu, 2048, TRUE) / 1e6, "MB/s", FALSE,
            "DMA %.4g + %.4g x B cycles, 3 slots in the timed interval",
            dpu->dma_alpha_write_cycles, dpu->dma_beta_cycles_per_byte);

    /* CPU <-> DPU transfers of 32 MiB per DPU (PrIM's largest size): one DPU serially, one rank
     * of 64 in parallel, a broadcast to the rank. */
    const double mb32 = 32.0 * 1048576.0;
    struct {
        const char *fig, *a, *b;
        TsXferKind kind;
        guint64 n;
    } xf[] = {
        {"CPU-DPU serial, 1 DPU", "prim_single_dpu_GBps", "cpu_to_dpu", TS_XFER_SERIAL_H2D, 1},
        {"DPU-CPU serial, 1 DPU", "prim_single_dpu_GBps", "dpu_to_cpu", TS_XFER_SERIAL_D2H, 1},
        {"CPU-DPU parallel, 64 DPUs (1 rank)", "prim_one_rank_64dpus_parallel_GBps",
         "cpu_to_dpu", TS_XFER_PARALLEL_H2D, 64},
        {"DPU-CPU parallel, 64 DPUs (1 rank)", "prim_one_rank_64dpus_parallel_GBps",
         "dpu_to_cpu", TS_XFER_PARALLEL_D2H, 64},
        {"CPU-DPU broadcast, 64 DPUs (1 rank)", "prim_one_rank_64dpus_parallel_GBps",
         "broadcast_cpu_to_dpu", TS_XFER_BROADCAST, 64},
    };
    for (guint i = 0; i < G_N_ELEMENTS(xf); i++) {
        double t = ts_host_link_transfer_s(link, xf[i].kind, mb32, xf[i].n);
        add_row(xf[i].fig, member(host, xf[i].a, xf[i].b), mb32 * (double)xf[i].n / t / 1e9,
                "GB/s", TRUE, "host link rates, %.3g ms per call", link->latency_ps * 1e-9);
    }

    printf("PrIM figures on %s: DES pim_core (%.0f MHz, %" G_GUINT64_FORMAT
           " revolver cycles) and the host-link model\nreference: %s\n\n",
           arch_name, f / 1e6, dpu->revolver_cycles, facts);
    printf("%-44s %11s %11s %8s  %-9s %s\n", "figure", "reference", "tilesim", "diff", "basis",
           "mechanism");
    gboolean bad = FALSE;
    for (guint i = 0; i < rows->len; i++) {
        const Row *r = &g_array_index(rows, Row, i);
        double d = (r->tilesim - r->reference) / r->reference;
        gboolean off = !(fabs(d) <= 0.10);
        bad |= off;
        printf("%-44s %7.4g %-3s %7.4g %-3s %+7.1f%%  %-9s %s%s\n", r->figure, r->reference,
               r->unit, r->tilesim, r->unit, 100.0 * d, r->input ? "input" : "predicted",
               r->basis, off ? "  <-- more than 10% off" : "");
    }
    printf("\n%u figures, %s\n", rows->len,
           bad ? "SOME MORE THAN 10% OFF" : "all within 10%");
    g_array_free(rows, TRUE);
    if (internal_error)
        return 2;
    return bad ? 1 : 0;
}
