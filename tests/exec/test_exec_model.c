/* The mapping executor against the analytical model, timing. Consistency: the BERT-base einsums
 * mapped by the search on gemmini-like and eyeriss-like with multiple_buffering: 2 (tiles fit
 * twice), run with unlimited DRAM bandwidth, take within 5% of the model's cycles without the
 * DRAM bound, and name the same bounding level. On gemmini-like as it is, a saturated
 * Scratchpad is charged the stalls and named the bound. With the DRAM's bus cut to 8 bits
 * (test_exec_dram) the DES shows the stall on the DRAM where the model says the DRAM bounds an
 * op, charges it to the DRAM and names it, and the model's cycles stay a lower bound. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-test-arch.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-test.h"

static TsArch *load_edited(const char *name, const char *const *edits, TsConstraints *cons)
{
    return ts_test_arch_edited(name, edits, cons);
}

/* The BERT-base einsums mapped on arch under its own constraints (a short search per shape). */
static gboolean map_bert_full(const TsArch *arch, const TsConstraints *cons, uint64_t seq,
                              gboolean imperfect, TsWorkload **wl, TsLayerResult *r)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = seq};
    *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*wl);
    TsLayerOptions lo = {.constraints = cons};
    lo.model_options.imperfect_factors = imperfect;
    ts_search_options_init(&lo.search);
    lo.search.budget = imperfect ? 20000 : 3000;
    lo.search.seed = 7;
    lo.search.threads = 1;
    gboolean ok = ts_layer_map(arch, *wl, &lo, r, &error);
    if (!ok)
        fprintf(stderr, "map: %s\n", error->message);
    return ok;
}

/* The unit the DES charged the most stall cycles to (NULL: none). */
static const char *most_stalled(const TsExecOpResult *x)
{
    double most = 0;
    const char *who = NULL;
    for (guint u = 0; u < x->n_units; u++)
        if (x->unit[u].stall_cycles > most) {
            most = x->unit[u].stall_cycles;
            who = x->unit[u].name;
        }
    return who;
}

static void print_units(const TsExecOpResult *x)
{
    for (guint u = 0; u < x->n_units; u++)
        fprintf(stderr, "  %s (%s): stall %.0f utilization %.3f\n", x->unit[u].name,
                x->unit[u].kind, x->unit[u].stall_cycles, x->unit[u].utilization);
}

/* Per-op check of a run: the op, the search's best mapping and the DES result. */
typedef void (*OpCheck)(const TsLayerOp *lo, const TsSearchEntry *best, guint64 count,
                        const TsExecOpResult *x, gpointer user);

/* Maps BERT-base on the library arch `name` (with edits; ceil factors allowed when imperfect)
 * and runs each distinct einsum through the DES with opt (all its instances when all_instances,
 * else one), then check. An imperfect search must use ceil factors somewhere. */
static void each_einsum_full(const char *name, const char *const *edits, gboolean imperfect,
                             const TsExecOptions *opt, gboolean all_instances, OpCheck check,
                             gpointer user)
{
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    g_autoptr(TsArch) arch = load_edited(name, edits, cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkload *wl = NULL;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(map_bert_full(arch, cons, 128, imperfect, &wl, &r));
    guint partial = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        if (!lo->einsum || lo->same_as != i)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        partial += ts_test_mapping_imperfect(lo->op, &best->mapping, best->cost.n_levels);
        g_autoptr(GError) error = NULL;
        TsExecOpResult x;
        const guint64 count = all_instances ? MAX(lo->op->count, 1) : 1;
        CU_ASSERT_TRUE_FATAL(
            ts_exec_run_op(arch, lo->model, &best->mapping, count, opt, &x, &error));
        check(lo, best, count, &x, user);
    }
    if (imperfect)
        CU_ASSERT(partial > 0);
    ts_layer_result_clear(&r);
    ts_workload_free(wl);
}

static void each_einsum(const char *name, const char *const *edits, const TsExecOptions *opt,
                        gboolean all_instances, OpCheck check, gpointer user)
{
    each_einsum_full(name, edits, FALSE, opt, all_instances, check, user);
}

#ifndef TS_EXEC_TEST_DRAM
/* Cycles of an analytical cost without the outermost level's bandwidth bound. */
static double cycles_without_dram(const TsCost *k)
{
    double c = k->compute_cycles;
    for (guint l = 1; l < k->n_levels; l++)
        c = MAX(c, k->level[l].cycles);
    return c;
}

/* The model's bounding level without the outermost level (ts_layer_bound_name's rule). */
static const char *bound_without_dram(const TsModel *m, const TsCost *k)
{
    const char *b = "compute";
    double most = k->compute_cycles;
    for (guint l = 1; l < k->n_levels; l++)
        if (k->level[l].cycles > most) {
            most = k->level[l].cycles;
            b = ts_model_level(m, l)->name;
        }
    return b;
}

/* The model's load on level l's busier port: per-instance reads (fills + updates) over the
 * read (write) bandwidth, as a fraction of the compute cycles; 0 without a bandwidth. */
static double port_load(const TsModel *m, const TsCost *k, guint l)
{
    const TsLevel *lv = ts_model_level(m, l);
    double rd = 0, wr = 0;
    for (guint t = 0; t < TS_MAX_TENSORS; t++) {
        rd += (double)k->level[l].tensor[t].reads;
        wr += (double)(k->level[l].tensor[t].fills + k->level[l].tensor[t].updates);
    }
    double load = 0.0;
    if (lv->read_bw_words_per_cycle > 0)
        load = MAX(load, rd / lv->read_bw_words_per_cycle);
    if (lv->write_bw_words_per_cycle > 0)
        load = MAX(load, wr / lv->write_bw_words_per_cycle);
    return k->compute_cycles > 0 ? load / k->compute_cycles : 0.0;
}

static void consistency_op(const TsLayerOp *lo, const TsSearchEntry *best, guint64 count,
                           const TsExecOpResult *xr, gpointer user)
{
    const char *name = user;
    const TsExecOpResult x = *xr;
    const double an = cycles_without_dram(&best->cost) * (double)count;
    const double diff = (x.cycles - an) / an;
    /* One known exception (docs/des.md, "Imperfect factors"): a level whose read or write port
     * the model loads to >= 80% of its bandwidth; the DES serves a level's reads and writes in
     * arrival order, so their queues interfere where the model takes the two bandwidths as
     * independent. Such an op is held to 10%. */
    double busiest = 0.0;
    for (guint l = 0; l < best->cost.n_levels; l++)
        busiest = MAX(busiest, port_load(lo->model, &best->cost, l));
    const double tolerance = busiest >= 0.8 ? 0.10 : 0.05;
    const gboolean ceil_factors =
        ts_test_mapping_imperfect(lo->op, &best->mapping, best->cost.n_levels);
    if (g_getenv("TILESIM_TEST_VERBOSE") || fabs(diff) > 0.05)
        fprintf(stderr,
                "%s%s %s x%" G_GUINT64_FORMAT ": DES %.0f cycles (busy %.0f, fill %.0f, drain "
                "%.0f, bandwidth %.0f, latency %.0f), model %.0f (%+.2f%%, busiest port %.2f)\n",
                name, ceil_factors ? " (ceil factors)" : "", lo->op->name, count, x.cycles,
                x.compute_busy_cycles, x.stall_cycles[TS_STALL_FILL],
                x.stall_cycles[TS_STALL_DRAIN], x.stall_cycles[TS_STALL_BANDWIDTH],
                x.stall_cycles[TS_STALL_LATENCY], an, 100 * diff, busiest);
    if (fabs(diff) > 0.05 && g_getenv("TILESIM_TEST_VERBOSE")) {
        g_autofree char *nest = ts_model_format_nest(lo->model, &best->mapping);
        fprintf(stderr, "%s", nest);
        for (guint l = 0; l < best->cost.n_levels; l++)
            fprintf(stderr, "  %s: model cycles %.0f; DES steps %" G_GUINT64_FORMAT " depth %u\n",
                    ts_model_level(lo->model, l)->name, best->cost.level[l].cycles, x.steps,
                    x.depth);
    }
    if (fabs(diff) > 0.05)
        print_units(&x);
    CU_ASSERT(fabs(diff) <= tolerance);
    /* engines that agree on the cycles agree on what bounds the op */
    const char *want = bound_without_dram(lo->model, &best->cost);
    if (fabs(diff) <= 0.05 && strcmp(x.bound, want) != 0) {
        fprintf(stderr, "%s %s: DES bound %s, model %s\n", name, lo->op->name, x.bound, want);
        print_units(&x);
    }
    CU_ASSERT(fabs(diff) > 0.05 || strcmp(x.bound, want) == 0);
}

static void check_consistency(const char *name, const char *const *edits)
{
    const TsExecOptions opt = {.ideal_dram = TRUE, .ideal_compute = TRUE, .max_steps = 1024};
    each_einsum(name, edits, &opt, TRUE, consistency_op, (gpointer)name);
}

static void test_consistency_gemmini(void)
{
    static const char *const edits[] = {"size: 256KB", "size: 256KB\n        multiple_buffering: 2",
                                        "size: 64KB", "size: 64KB\n        multiple_buffering: 2",
                                        NULL};
    check_consistency("gemmini-like", edits);
}

/* eyeriss-like with every buffer holding its tiles twice. */
static const char *const kEyerissDouble[] = {"size: 108KB",
                                             "size: 108KB\n        multiple_buffering: 2",
                                             "entries: 12,",
                                             "entries: 12, multiple_buffering: 2,",
                                             "entries: 224,",
                                             "entries: 224, multiple_buffering: 2,",
                                             "entries: 24,",
                                             "entries: 24, multiple_buffering: 2,",
                                             NULL};

static void test_consistency_eyeriss(void)
{
    check_consistency("eyeriss-like", kEyerissDouble);
}

/* The best imperfect mappings (--factorization imperfect) of the same ops on eyeriss-like, whose
 * 14 x 12 array takes ceil factors; at most 256 steps per instance: the best KTQ mapping has
 * 20-cycle steps at 1,024 (walk depth 3), where per-transfer latency the model ignores
 * dominates (docs/des.md, "Imperfect factors"). */
static void test_consistency_eyeriss_imperfect(void)
{
    const TsExecOptions opt = {.ideal_dram = TRUE, .ideal_compute = TRUE, .max_steps = 256};
    each_einsum_full("eyeriss-like", kEyerissDouble, TRUE, &opt, TRUE, consistency_op,
                     (gpointer) "eyeriss-like");
}

/* upmem-pim as the library gives it and BERT-base mapped on it, once for the suite's upmem
 * tests (freed by the suite's cleanup). */
static struct {
    TsConstraints *cons;
    TsArch *arch;
    TsWorkload *wl;
    TsLayerResult r;
} upmem;

static gboolean upmem_mapped(void)
{
    if (upmem.arch != NULL)
        return TRUE;
    static const char *const none[] = {NULL};
    upmem.cons = ts_constraints_new();
    upmem.arch = load_edited("upmem-pim", none, upmem.cons);
    return upmem.arch != NULL &&
           map_bert_full(upmem.arch, upmem.cons, 128, FALSE, &upmem.wl, &upmem.r);
}

static int upmem_cleanup(void)
{
    ts_layer_result_clear(&upmem.r);
    g_clear_pointer(&upmem.wl, ts_workload_free);
    g_clear_pointer(&upmem.arch, ts_arch_free);
    g_clear_pointer(&upmem.cons, ts_constraints_free);
    return 0;
}

/* PIM archs as the library gives them (DES components: the 12-channel host DRAM, the host link,
 * a DPU's pim_core; hbm-pim's bank units), the BERT-base einsums run once each. On a DPU the
 * pim_core is busy exactly the model's compute cycles (its revolver issue rate at the op's
 * precision). Where a host link's calls are in the model (calls: upmem-pim, 3.7 ms each, the
 * first fill and the last write-back exposed in both engines) the DES is within `tol` of the
 * model; elsewhere (hbm-pim) within `tol` besides the DES's first fills and last drains. */
static void check_pim(const char *name, gboolean calls, double tol)
{
    static const char *const none[] = {NULL};
    const gboolean shared = strcmp(name, "upmem-pim") == 0;
    g_autoptr(TsConstraints) cons = shared ? NULL : ts_constraints_new();
    g_autoptr(TsArch) own = shared ? NULL : load_edited(name, none, cons);
    CU_ASSERT_TRUE_FATAL(!shared || upmem_mapped());
    const TsArch *arch = shared ? upmem.arch : own;
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    double link_cycles = 0.0;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_HOST_LINK && l->spec != NULL)
            link_cycles = MAX(link_cycles, ((const TsHostLinkSpec *)l->spec)->latency_ps * 1e-12 *
                                               ts_arch_clock_hz(arch));
    }
    TsWorkload *wl = NULL;
    TsLayerResult mine = {0};
    if (!shared)
        CU_ASSERT_TRUE_FATAL(map_bert_full(arch, cons, 128, FALSE, &wl, &mine));
    const TsLayerResult *rp = shared ? &upmem.r : &mine;
    const TsLayerResult r = *rp;
    guint checked = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        if (!lo->einsum || lo->same_as != i || MAX(lo->op->count, 1) != 1)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        g_autoptr(GError) error = NULL;
        TsExecOptions opt = {.max_steps = 1024, .dram_check = TRUE};
        TsExecOpResult x;
        CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, lo->model, &best->mapping, 1, &opt, &x, &error));
        /* every DRAM command legal, all-bank ones included; bank units read in all-bank mode */
        CU_ASSERT_EQUAL(x.dram_violations, 0);
        if (strcmp(name, "hbm-pim") == 0)
            CU_ASSERT(x.dram_allbank_bursts > 0);
        const double an = best->cost.cycles;
        const double edges = x.stall_cycles[TS_STALL_FILL] + x.stall_cycles[TS_STALL_DRAIN];
        const double diff =
            calls ? (x.cycles - an) / an
                  : (x.cycles - edges - MIN(x.cycles - edges - an, link_cycles) - an) / an;
        const double busy =
            (x.compute_busy_cycles - best->cost.compute_cycles) / best->cost.compute_cycles;
        if (g_getenv("TILESIM_TEST_VERBOSE") || fabs(diff) > tol)
            fprintf(stderr,
                    "%s %s: DES %.0f cycles (busy %.0f, fill %.0f, drain %.0f), model %.0f "
                    "(compute %.0f): %+.2f%% %s\n",
                    name, lo->op->name, x.cycles, x.compute_busy_cycles,
                    x.stall_cycles[TS_STALL_FILL], x.stall_cycles[TS_STALL_DRAIN], an,
                    best->cost.compute_cycles, 100 * diff,
                    calls ? "against the model" : "without fill and drain");
        CU_ASSERT(fabs(diff) <= tol);
        CU_ASSERT(fabs(busy) <= 0.001);
        checked++;
    }
    CU_ASSERT(checked >= 3);
    if (!shared) {
        ts_layer_result_clear(&mine);
        ts_workload_free(wl);
    }
}

/* upmem-pim within 1%: the model's gather moves every DPU's output tile, as the DES does (it
 * counted the reduced words before, and Out was 1.5% above it). */
static void test_pim_upmem(void)
{
    check_pim("upmem-pim", TRUE, 0.01);
}

static void test_pim_hbm(void)
{
    check_pim("hbm-pim", FALSE, 0.05);
}

/* upmem-pim, BERT-base's attention einsums with their 12 instances (heads) on the DPUs (the
 * search's best DPU mapping; the layer places them on the host): the instances share each
 * host-link call in both engines (the DES makes the calls of one instance's mapping, the model
 * counts them once for the 12), and both take them in lock-step: per tile version one call
 * fills every head's tiles, the DPUs compute each head's part in turn, one call gathers their
 * outputs, the calls overlapping the compute of the neighbouring versions. KTQ: 5 calls of
 * 1,295,000 cycles (2 versions of its first operand and of the output, 1 of the second
 * operand), 255,386 cycles of compute per head; the first two fills and the last gather are
 * exposed, the rest overlaps the 12 heads' compute: 12 x 255,386 + 3 x 1,295,000 + the last
 * gather's bytes (every DPU's MRAM output tile, the partial sums of the DPUs splitting the
 * reduction) = 7.17 M cycles in the model, the DES within 0.1% (docs/pim.md). Run one head after
 * another (the first one's fills carrying every tile, the last one's gathers), the heads between
 * overlap no call: KTQ 9.87 M cycles (+42%), VScores +13%. */
static void test_pim_upmem_heads(void)
{
    CU_ASSERT_TRUE_FATAL(upmem_mapped());
    const TsArch *arch = upmem.arch;
    const TsLayerResult r = upmem.r;
    guint checked = 0;
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        const guint64 count = MAX(lo->op->count, 1);
        if (!lo->einsum || lo->same_as != i || count == 1 || lo->search.n_best == 0)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        g_autoptr(GError) error = NULL;
        TsExecOptions opt = {.max_steps = 1024};
        TsExecOpResult x;
        CU_ASSERT_TRUE_FATAL(
            ts_exec_run_op(arch, lo->model, &best->mapping, count, &opt, &x, &error));
        const double an = best->cost.cycles * (double)count;
        if (g_getenv("TILESIM_TEST_VERBOSE"))
            fprintf(stderr,
                    "upmem-pim %s x%" G_GUINT64_FORMAT ": DES %.0f cycles, %" G_GUINT64_FORMAT
                    " calls (batch %" G_GUINT64_FORMAT "); model %.0f, %" G_GUINT64_FORMAT
                    " calls per instance (batch %" G_GUINT64_FORMAT ")\n",
                    lo->op->name, count, x.cycles, x.link_calls, x.link_batch, an,
                    best->cost.link_calls, best->cost.link_batch);
        CU_ASSERT_EQUAL(x.link_batch, best->cost.link_batch);
        CU_ASSERT_EQUAL(x.link_calls * x.link_batch, best->cost.link_calls * count);
        /* both engines take the instances in lock-step, and the gather moves every DPU's
         * partial sums in both: within 1% (KTQ was 3.3% above when the model's gather counted
         * the reduced words) */
        if (g_getenv("TILESIM_TEST_VERBOSE"))
            fprintf(stderr, "  DES %+.2f%%, %" G_GUINT64_FORMAT " events\n",
                    100.0 * (x.cycles - an) / an, x.events);
        CU_ASSERT(fabs(x.cycles - an) <= 0.01 * an);
        checked++;
    }
    CU_ASSERT(checked >= 2);
}

/* upmem-pim, the BERT-base layer through the DES: an op the host runs (layernorm, GELU, the
 * residuals, softmax, the einsums placed on the host) is bound by a component it used (the
 * host's DRAM or vector unit), never by the DPUs' memories or the host link, busy in its window
 * with the next op's prefetch (weights resident in MRAM read ahead). */
static void test_pim_upmem_bounds(void)
{
    CU_ASSERT_TRUE_FATAL(upmem_mapped());
    const TsLayerResult r = upmem.r;
    g_autoptr(GError) error = NULL;
    TsExecOptions opt = {.max_steps = 256};
    TsExecResult x = {0};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(upmem.arch, upmem.wl, &upmem.r, &opt, &x, &error));
    guint host_ops = 0;
    for (guint i = 0; i < x.n_ops; i++) {
        const TsLayerOp *lo = &r.ops[i];
        const TsLayerOp *src = &r.ops[lo->same_as];
        if (src->einsum && src->placed_on == NULL)
            continue;
        const char *b = x.ops[i].bound;
        if (g_getenv("TILESIM_TEST_VERBOSE"))
            fprintf(stderr, "%s: bound %s\n", lo->op->name, b);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT(strcmp(b, "HostDRAM") == 0 || strcmp(b, "vector") == 0 ||
                  strcmp(b, "compute") == 0 || strcmp(b, "Host") == 0);
        host_ops++;
    }
    CU_ASSERT(host_ops >= 6);
    ts_exec_result_clear(&x);
    /* a component's busy time within an op's window never exceeds the window (the MRAM's
     * service of the next op's scatter, accepted before the window closes, is not in it);
     * the default walk depth, as `tilesim simulate` runs it */
    TsExecOptions dflt = {0};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(upmem.arch, upmem.wl, &upmem.r, &dflt, &x, &error));
    for (guint i = 0; i < x.n_ops; i++)
        for (guint u = 0; u < x.ops[i].n_units; u++)
            CU_ASSERT(x.ops[i].unit[u].utilization <= 1.0 + 1e-9);
    /* utilization is the busy time of the op's own requests (docs/des.md section 12): an op
     * the host runs shows none on the DPUs' memories and the host link, though the next op on
     * the DPUs reads its resident weights ahead in its window (the unit's busy time in the window
     * was 8.2% of it on the MRAM during VScores, 1.3% during GELU) */
    guint dpu_units = 0;
    for (guint i = 0; i < x.n_ops; i++) {
        const TsLayerOp *src = &r.ops[r.ops[i].same_as];
        if (src->einsum && src->placed_on == NULL)
            continue;
        for (guint u = 0; u < x.ops[i].n_units; u++) {
            const TsExecUnitResult *ur = &x.ops[i].unit[u];
            if (strncmp(ur->name, "DPU.", 4) != 0 && strcmp(ur->kind, "host_link") != 0)
                continue;
            if (g_getenv("TILESIM_TEST_VERBOSE"))
                fprintf(stderr, "%s: %s %.4f\n", r.ops[i].op->name, ur->name, ur->utilization);
            CU_ASSERT_EQUAL(ur->utilization, 0.0);
            dpu_units++;
        }
    }
    CU_ASSERT(dpu_units >= 12);
    ts_exec_result_clear(&x);
}

/* gemmini-like as the library gives it (DRAM timing included): where the model says an on-chip
 * level bounds an op and the DES finds that level saturated, the compute unit's stalls are
 * charged to it (not to the DRAM whose short fills end last on a step's critical path), and
 * where the engines agree within 5% on cycles they name the same bound. */
typedef struct {
    guint saturated, agreeing;
} SramBound;

static void sram_bound_op(const TsLayerOp *lo, const TsSearchEntry *best, guint64 count,
                          const TsExecOpResult *xr, gpointer user)
{
    SramBound *sb = user;
    const TsExecOpResult x = *xr;
    (void)count;
    const double diff = (x.cycles - best->cost.cycles) / best->cost.cycles;
    if (g_getenv("TILESIM_TEST_VERBOSE")) {
        fprintf(stderr, "%s: DES %.0f cycles bound %s, model %.0f bound %s\n", lo->op->name,
                x.cycles, x.bound, best->cost.cycles, lo->bound);
        print_units(&x);
    }
    if (fabs(diff) <= 0.05) {
        CU_ASSERT_STRING_EQUAL(x.bound, lo->bound);
        sb->agreeing++;
    }
    /* the busiest component: a saturated SRAM that the model says bounds the op */
    guint busiest = 0;
    for (guint u = 1; u < x.n_units; u++)
        if (x.unit[u].utilization > x.unit[busiest].utilization)
            busiest = u;
    const TsExecUnitResult *b = &x.unit[busiest];
    if (strcmp(b->kind, "sram") == 0 && b->utilization > 0.8 && strcmp(b->name, lo->bound) == 0) {
        /* it is charged (most of) the stalls and named the bound */
        sb->saturated++;
        const char *who = most_stalled(&x);
        if (who == NULL || strcmp(who, b->name) != 0)
            print_units(&x);
        CU_ASSERT_STRING_EQUAL(who, b->name);
        CU_ASSERT_STRING_EQUAL(x.bound, b->name);
        CU_ASSERT(b->stall_cycles >=
                  0.5 * (x.stall_cycles[TS_STALL_BANDWIDTH] + x.stall_cycles[TS_STALL_LATENCY]));
    }
}

static void test_sram_bound(void)
{
    static const char *const edits[] = {NULL};
    const TsExecOptions opt = {0};
    SramBound sb = {0};
    each_einsum("gemmini-like", edits, &opt, FALSE, sram_bound_op, &sb);
    CU_ASSERT(sb.saturated > 0);
    CU_ASSERT(sb.agreeing > 0);
}

#else
/* The DRAM bus cut to 8 bits: the DES stalls on the DRAM, and the model's bound stays below. */
static void bandwidth_cut_op(const TsLayerOp *lo, const TsSearchEntry *best, guint64 count,
                             const TsExecOpResult *xr, gpointer user)
{
    guint *stalled = user;
    const TsExecOpResult x = *xr;
    (void)count;
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "%s: DES %.0f cycles (busy %.0f, fill %.0f, drain %.0f, bandwidth %.0f, "
                "latency %.0f), model %.0f (bound %s)\n",
                lo->op->name, x.cycles, x.compute_busy_cycles, x.stall_cycles[TS_STALL_FILL],
                x.stall_cycles[TS_STALL_DRAIN], x.stall_cycles[TS_STALL_BANDWIDTH],
                x.stall_cycles[TS_STALL_LATENCY], best->cost.cycles, lo->bound);
    CU_ASSERT(x.cycles >= best->cost.cycles * (1 - 1e-9));
    if (strcmp(lo->bound, "DRAM") == 0) {
        /* the model says the DRAM bounds it: the DES stalls on the DRAM */
        CU_ASSERT(x.stall_cycles[TS_STALL_BANDWIDTH] > 0.2 * x.cycles);
        (*stalled)++;
        /* the DRAM is what the stall is charged to, and what bounds the op */
        const char *who = most_stalled(&x);
        if (who == NULL || strcmp(who, "DRAM") != 0)
            print_units(&x);
        CU_ASSERT_STRING_EQUAL(who, "DRAM");
        CU_ASSERT_STRING_EQUAL(x.bound, "DRAM");
    }
}

/* Elementwise ops stream over a DRAM of several channels: the executor's DRAM pump passes over a
 * stream whose next burst's channel has no credit and keeps the other channels busy with the
 * other streams' bursts. BERT-base's GELU on eyeriss-like (LPDDR4-3200, two channels
 * interleaved by 16 KiB: two chunks in flight, a read and a write stream): the model runs its
 * traffic at the DRAM's peak; the DES within 25% of it and the data bus of both channels busy
 * 80% of the op's cycles at least. What the DES adds is the DRAM's own:
 * refresh (tRFC / tREFI = 288 / 6246, 4.6%) and the row misses (at most (tRP + tRCD) = 56 tCK
 * per 2 KB row of 64 bursts of 8 tCK, 11%), 1 / (1 - 0.046 - 0.11) = 1.19. A pump that stops
 * every stream at the first one that waits alternates the channels (one at a time: the GELU
 * took +98%, the data bus 50% busy). (The residual add, two read streams and a write stream,
 * comes out +32%: turnarounds between them; the report's line under the DES table.) */
static void test_streams_channels(void)
{
    static const char *const edits[] = {NULL};
    static const char *const ops[] = {"gelu", NULL};
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    g_autoptr(TsArch) arch = load_edited("eyeriss-like", edits, cons);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 128};
    TsWorkload *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    TsLayerOptions lo = {.constraints = cons, .only_ops = ops};
    ts_search_options_init(&lo.search);
    lo.search.budget = 100;
    lo.search.seed = 7;
    lo.search.threads = 1;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &lo, &r, &error));
    const TsExecOptions opt = {.instances = TS_EXEC_INSTANCES_ALL};
    TsExecResult x = {0};
    CU_ASSERT_TRUE_FATAL(ts_exec_run_layer(arch, wl, &r, &opt, &x, &error));
    guint checked = 0;
    for (guint i = 0; i < x.n_ops; i++) {
        const TsExecOpResult *o = &x.ops[i];
        const double model = r.ops[i].cycles * (double)MAX(r.ops[i].op->count, 1);
        const TsExecDramTime *t = &o->dram_time;
        fprintf(stderr,
                "%s: DES %.0f cycles, model %.0f (%+.1f%%), data bus %.1f%% of %u of %u "
                "channels\n",
                o->op->name, o->cycles, model, 100.0 * (o->cycles - model) / model,
                t->window > 0 ? 100.0 * t->data / t->window : 0.0, t->reached, t->channels);
        CU_ASSERT_FALSE(o->einsum);
        CU_ASSERT(o->cycles >= model);
        CU_ASSERT(o->cycles <= 1.25 * model);
        CU_ASSERT_TRUE(t->valid);
        CU_ASSERT_EQUAL(t->channels, 2);
        CU_ASSERT_EQUAL(t->reached, 2);
        CU_ASSERT(t->data >= 0.8 * t->window);
        CU_ASSERT(t->data <= t->window);
        /* two streams in flight: neither channel goes long without a request; a channel moving
         * data has one queued */
        CU_ASSERT(t->idle <= 0.15 * t->window);
        CU_ASSERT(t->data + t->idle <= 1.001 * t->window);
        checked++;
    }
    CU_ASSERT_EQUAL(checked, 1);
    ts_exec_result_clear(&x);
    ts_layer_result_clear(&r);
    ts_workload_free(wl);
}

static double run_out_tpu(const char *const *edits, TsExecDramTime *t)
{
    g_autoptr(TsArch) arch = load_edited("tpu-like", edits, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 128};
    TsWorkload *wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    const TsOp *op = NULL;
    for (guint i = 0; i < ts_workload_n_ops(wl); i++)
        if (strcmp(ts_workload_op(wl, i)->name, "Out") == 0)
            op = ts_workload_op(wl, i);
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsMapping m;
    CU_ASSERT_TRUE_FATAL(
        ts_mapping_load_string("out-tpu", ts_test_tpu_out_mapping, arch, op, &m, &error));
    TsCost k;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &k), TS_EVAL_OK);
    const TsExecOptions opt = {.instances = TS_EXEC_INSTANCES_ALL};
    TsExecOpResult x;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &opt, &x, &error));
    *t = x.dram_time;
    fprintf(stderr,
            "Out on tpu-like: DES %.0f cycles, model %.0f (%+.1f%%): data bus %.1f%%, no request "
            "queued %.1f%% of the window\n",
            x.cycles, k.cycles, 100.0 * (x.cycles - k.cycles) / k.cycles,
            t->window > 0 ? 100.0 * t->data / t->window : 0.0,
            t->window > 0 ? 100.0 * t->idle / t->window : 0.0);
    ts_workload_free(wl);
    return x.cycles;
}

/* One DRAM transfer at a time over channels interleaved coarsely: BERT-base's Out on tpu-like
 * under simulate's mapping (two DDR4-2400 channels under rochrababgco, the channel bits above the
 * rank, bank, bank group and column bits: 128 KiB per channel in turn). The weights bypass every
 * on-chip level, so a step's weights are one transfer; the executor sends its bursts in address
 * order, and while it waits for the channel whose 32-entry transaction queue is full the other has
 * no request: each channel is without a request about half the op's window, measured
 * (TsExecDramTime.idle), and a channel moving data is never counted idle (data + idle <= window).
 * Interleaving the channels by burst (rorababgcoch, the same mapping) keeps both busy: idle under
 * 10% of the window and the op at most 60% of the cycles. */
static void test_channels_in_turn(void)
{
    static const char *const coarse[] = {NULL};
    static const char *const fine[] = {
        "shared_bandwidth: 34GB/s",
        "shared_bandwidth: 34GB/s\n        controller: {address_mapping: rorababgcoch}", NULL};
    TsExecDramTime a, b;
    const double ca = run_out_tpu(coarse, &a), cb = run_out_tpu(fine, &b);
    CU_ASSERT_TRUE_FATAL(a.valid && b.valid);
    CU_ASSERT_EQUAL(a.channels, 2);
    CU_ASSERT_EQUAL(a.reached, 2);
    CU_ASSERT(a.idle >= 0.35 * a.window);
    CU_ASSERT(a.idle <= 0.6 * a.window);
    CU_ASSERT(a.data + a.idle <= 1.001 * a.window);
    CU_ASSERT_EQUAL(b.reached, 2);
    CU_ASSERT(b.idle <= 0.1 * b.window);
    CU_ASSERT(b.data + b.idle <= 1.001 * b.window);
    CU_ASSERT(cb <= 0.6 * ca);
}

static void test_bandwidth_cut(void)
{
    static const char *const edits[] = {"attributes: {word_bits: 8}",
                                        "attributes: {word_bits: 8, bus_width_bits: 8}", NULL};
    const TsExecOptions opt = {.ideal_compute = TRUE};
    guint stalled = 0;
    each_einsum("gemmini-like", edits, &opt, FALSE, bandwidth_cut_op, &stalled);
    CU_ASSERT(stalled > 0);
}
#endif

int main(int argc, char **argv)
{
    CU_initialize_registry();
#ifdef TS_EXEC_TEST_DRAM
    CU_pSuite s = CU_add_suite("exec_model", NULL, NULL);
#else
    CU_pSuite s = CU_add_suite("exec_model", NULL, upmem_cleanup);
#endif
#ifdef TS_EXEC_TEST_DRAM
    CU_add_test(s, "DRAM bandwidth cut: stall shown, model a lower bound", test_bandwidth_cut);
    CU_add_test(s, "elementwise streams keep every DRAM channel busy, near the model",
                test_streams_channels);
    CU_add_test(s, "one transfer at a time over coarsely interleaved channels: measured idle",
                test_channels_in_turn);
#else
    CU_add_test(s, "gemmini-like BERT-base: DES within 5% of the model", test_consistency_gemmini);
    CU_add_test(s, "eyeriss-like BERT-base: DES within 5% of the model", test_consistency_eyeriss);
    CU_add_test(s, "eyeriss-like BERT-base, imperfect factors: DES within 5% of the model",
                test_consistency_eyeriss_imperfect);
    CU_add_test(s,
                "upmem-pim BERT-base: pim_core at the model's rate, DES within 1% (calls in both)",
                test_pim_upmem);
    CU_add_test(s, "upmem-pim BERT-base heads on the DPUs: instances share each call",
                test_pim_upmem_heads);
    CU_add_test(s, "upmem-pim BERT-base layer: host ops bound by components they used",
                test_pim_upmem_bounds);
    CU_add_test(s, "hbm-pim BERT-base: DES within 5% of the model", test_pim_hbm);
    CU_add_test(s, "gemmini-like BERT-base: a saturated SRAM is charged the stalls",
                test_sram_bound);
#endif
    return ts_test_run(argc, argv);
}
