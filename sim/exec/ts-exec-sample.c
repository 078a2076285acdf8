/* Sampled instances and chunks (docs/des.md section 12, "Sampled instances", "Sampled
 * chunks"). A sequence of identical units of work run one after another: the instances of an
 * op with no shared host-link calls (each walks the same mapping over its own tensors), or the
 * chunks that stream an elementwise op of one instance through the compute (each the same
 * share of its traffic). Once the schedule settles, each further unit adds the same period and
 * the same increments to the op's figures. At the start of each unit k >= 1 the op's running
 * figures are recorded (the time, the compute unit's busy and stall time, stall charged per
 * unit, each unit's busy time and bank conflicts, the DRAM's bursts, row hits and command
 * energy). With at least the minimum begun, the steady state holds when the last two windows
 * of W >= max(1, (k - 1) / 4) units, each lasting a DRAM refresh interval at least
 * (chunks: TS_EXEC_SAMPLE_CHUNK_REFRESHES of them, W even), took the same time within
 * TS_EXEC_SAMPLE_TOL. Units not begun yet are then extrapolated from the
 * increments over those two windows, a whole number of 2W of them, and the rest (fewer than
 * 2W) simulated at their own addresses, so that the op's last unit meets the next op as it
 * would (its drain overlapping the next op's start, in the phase of any pattern repeating
 * within 2W units). Simulated time does not jump: every later op runs earlier by the
 * extrapolated time, which the results add back (start cycles, the layer's cycles).
 */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>

/* An op's running figures at one instant. */
typedef struct {
    double t_ps, busy_ps;
    double stall_ps[TS_STALL_COUNT_];
    double unit_stall_ps[TS_EXEC_MAX_UNITS], unit_busy_ps[TS_EXEC_MAX_UNITS];
    double unit_conflicts[TS_EXEC_MAX_UNITS];
    double dram_reads, dram_writes, dram_hits, dram_energy_pj, dram_allbank;
} Snap;

typedef struct {
    GArray *snaps;    /* Snap at the start of unit k + 1, k = 0, 1, ... */
    gboolean chunks;  /* the units are an instance's chunks (else the op's instances) */
    uint64_t skipped; /* units extrapolated */
    double skip_ps;   /* the time they stand for */
    double period_ps; /* steady-state period */
    double spread;    /* relative difference of the two windows' periods */
    uint64_t window;  /* units per window */
    gboolean steady;  /* within the tolerance (else the bound came first) */
    gboolean decided; /* the instances to extrapolate are chosen */
    Snap inc;         /* per-unit increments */
} OpSample;

typedef struct ExecSample ExecSample;
struct ExecSample {
    uint64_t min, max; /* units simulated at least / at most */
    double refresh_ps; /* a window lasts at least this: the timed DRAMs' longest refresh interval */
    guint n;
    OpSample *op;
};

void ts_exec_sample_init(Exec *x, guint n_ops, uint64_t instances)
{
    if (instances == TS_EXEC_INSTANCES_ALL)
        return;
    ExecSample *s = g_new0(ExecSample, 1);
    s->max = instances ? MAX(instances, (uint64_t)TS_EXEC_SAMPLE_N_MIN) : TS_EXEC_SAMPLE_MAX;
    s->min = MIN((uint64_t)TS_EXEC_SAMPLE_MIN, s->max);
    s->n = n_ops;
    s->op = g_new0(OpSample, MAX(n_ops, 1u));
    for (guint u = 0; u < x->n_units; u++) {
        const Unit *un = &x->unit[u];
        if (un->role != UNIT_DRAM)
            continue;
        const TsDramSpec *d = ts_arch_level(x->arch, (guint)un->level)->spec;
        const double refi = d->refresh_policy == TS_DRAM_REFRESH_NONE ? 0.0
                            : d->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED && d->ps.tREFIb
                                ? (double)d->ps.tREFIb
                                : (double)d->ps.tREFI;
        s->refresh_ps = MAX(s->refresh_ps, refi);
    }
    x->sample = s;
}

void ts_exec_sample_free(Exec *x)
{
    ExecSample *s = x->sample;
    if (s == NULL)
        return;
    for (guint i = 0; i < s->n; i++)
        if (s->op[i].snaps != NULL)
            g_array_free(s->op[i].snaps, TRUE);
    g_free(s->op);
    g_free(s);
    x->sample = NULL;
}

static void take_snap(Exec *x, guint op, Snap *s)
{
    const OpTiming *t = &x->timing[op];
    memset(s, 0, sizeof *s);
    s->t_ps = (double)ts_sim_now(x->sim);
    s->busy_ps = t->busy_ps;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        s->stall_ps[k] = t->stall_ps[k];
    for (guint u = 0; u < x->n_units && u < TS_EXEC_MAX_UNITS; u++) {
        s->unit_stall_ps[u] = t->unit_stall_ps[u];
        s->unit_busy_ps[u] = ts_exec_unit_busy(x, u);
        s->unit_conflicts[u] = ts_exec_unit_conflicts(x, u);
    }
    if (x->dram_unit >= 0) {
        TsDramStats d;
        ts_dram_get_stats(x->unit[x->dram_unit].comp, &d);
        s->dram_reads = (double)d.read_cmds;
        s->dram_writes = (double)d.write_cmds;
        s->dram_hits = (double)(d.read_row_hits + d.write_row_hits);
        s->dram_energy_pj = d.total_energy_pj;
        s->dram_allbank = (double)(d.ab_read_bursts + d.ab_write_bursts);
    }
}

/* inc = (b - a) / n, field by field (Snap holds doubles only). */
static void snap_increment(const Snap *a, const Snap *b, double n, Snap *inc)
{
    const double *pa = (const double *)a, *pb = (const double *)b;
    double *pi = (double *)inc;
    for (size_t k = 0; k < sizeof(Snap) / sizeof(double); k++)
        pi[k] = (pb[k] - pa[k]) / n;
}

static void add_note(Exec *x, const char *name, const OpSample *o, uint64_t simulated)
{
    const char *unit = o->chunks ? "chunk" : "instance";
    g_ptr_array_add(
        x->notes,
        g_strdup_printf(
            "%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " %ss simulated, %" G_GUINT64_FORMAT
            " extrapolated from %s: "
            "%.0f cycles per %s (start to start; the last two windows of %" G_GUINT64_FORMAT
            " %ss %s %.2f%%); --des-instances all simulates every one",
            name, simulated, simulated + o->skipped, unit, o->skipped,
            o->steady   ? "the steady state"
            : o->chunks ? "the last chunks, not yet steady"
                        : "the last instances, not yet steady",
            o->period_ps / x->arch_period_ps, unit, o->window, unit,
            o->steady ? "within" : "differ by", 100.0 * o->spread));
}

/* Unit `inst` (>= 1) of the `count` units of plan op `op` starts now, `simulated` of them
 * begun (inst + 1 at least): records the op's figures; when the steady state (or the bound)
 * is reached, decides how many of the units not begun are extrapolated (a whole number of the
 * windows' 2W) and folds their compute timeline into the op's: returns that number, else 0. */
static uint64_t sample_unit(Exec *x, guint op, const char *name, gboolean chunks, uint64_t inst,
                            uint64_t simulated, uint64_t count)
{
    ExecSample *s = x->sample;
    OpSample *o = &s->op[op];
    if (o->decided)
        return 0;
    if (o->snaps == NULL)
        o->snaps = g_array_new(FALSE, FALSE, sizeof(Snap));
    o->chunks = chunks;
    /* a window of chunks lasts several refresh intervals (short chunks' periods beat with the
     * refresh), and holds an even number of them: with two chunks in flight, their periods
     * can alternate between two values */
    const double min_window_ps =
        chunks ? TS_EXEC_SAMPLE_CHUNK_REFRESHES * s->refresh_ps : s->refresh_ps;
    const uint64_t step = chunks ? 2 : 1;
    Snap now;
    take_snap(x, op, &now);
    g_array_append_val(o->snaps, now);
    g_assert(o->snaps->len == inst);
    if (inst < 3 || simulated < s->min || simulated >= count)
        return 0;
    /* the windows: W = max(1, (i - 1) / 4) units (rounded up to the step), longer (up to
     * (i - 1) / 2) until each lasts a refresh interval at least, so that one refresh more or
     * less in a window shows */
    uint64_t w = (MAX((inst - 1) / 4, 1u) + step - 1) / step * step;
    if (2 * w + 1 > inst)
        return 0;
    const Snap *a, *m;
    double wa, wb;
    for (;;) {
        a = &g_array_index(o->snaps, Snap, inst - 2 * w - 1);
        m = &g_array_index(o->snaps, Snap, inst - w - 1);
        wa = m->t_ps - a->t_ps;
        wb = now.t_ps - m->t_ps;
        if (MIN(wa, wb) >= min_window_ps || w + step > (inst - 1) / 2)
            break;
        w += step;
    }
    const double spread = fabs(wb - wa) / MAX(MAX(wa, wb), 1.0);
    const gboolean steady = spread <= TS_EXEC_SAMPLE_TOL && MIN(wa, wb) >= min_window_ps;
    if (!steady && simulated < s->max)
        return 0;
    /* a whole number of the windows' 2W units, so that the units simulated after them (fewer
     * than 2W) end the op in the phase the full run would: a pattern repeating within 2W units
     * (durations alternating between two values) meets the next op as it would */
    const uint64_t skip = (count - simulated) / (2 * w) * (2 * w);
    if (skip == 0)
        return 0;
    o->decided = TRUE;
    o->steady = steady;
    o->spread = spread;
    o->window = w;
    snap_increment(a, &now, (double)(2 * w), &o->inc);
    o->period_ps = o->inc.t_ps;
    /* The compute unit's timeline is charged up to its last issued step, which may lead the
     * instant recorded by a little that varies between units: its stall increments are
     * scaled so that busy + stalls add up to the period, as they do over the op. */
    double stalls = 0.0;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        stalls += o->inc.stall_ps[k];
    const double rest = MAX(o->period_ps - o->inc.busy_ps, 0.0);
    if (stalls > 0.0) {
        const double f = rest / stalls;
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            o->inc.stall_ps[k] *= f;
        for (guint u = 0; u < TS_EXEC_MAX_UNITS; u++)
            o->inc.unit_stall_ps[u] *= f;
    } else {
        o->inc.stall_ps[TS_STALL_BANDWIDTH] = rest;
    }
    o->skipped = skip;
    const double n = (double)o->skipped;
    o->skip_ps = n * o->period_ps;
    /* the compute unit's timeline of the op stands for every unit */
    OpTiming *t = &x->timing[op];
    t->busy_ps += n * o->inc.busy_ps;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        t->stall_ps[k] += n * o->inc.stall_ps[k];
    for (guint u = 0; u < x->n_units && u < TS_EXEC_MAX_UNITS; u++)
        t->unit_stall_ps[u] += n * o->inc.unit_stall_ps[u];
    g_array_free(o->snaps, TRUE);
    o->snaps = NULL;
    add_note(x, name, o, count - skip);
    return o->skipped;
}

uint64_t ts_exec_sample_instance(Exec *x, guint op, const TsOp *top, uint64_t inst, uint64_t count,
                                 gboolean eligible)
{
    const ExecSample *s = x->sample;
    if (s == NULL || !eligible || inst == 0 || count <= s->min || op >= s->n)
        return 0;
    return sample_unit(x, op, top->name ? top->name : "?", FALSE, inst, inst + 1, count);
}

uint64_t ts_exec_sample_chunk(Exec *x, guint op, const TsOp *top, uint64_t chunk, uint64_t begun,
                              uint64_t chunks)
{
    const ExecSample *s = x->sample;
    if (s == NULL || chunk == 0 || chunks <= s->min || op >= s->n)
        return 0;
    return sample_unit(x, op, top->name ? top->name : "?", TRUE, chunk, begun, chunks);
}

double ts_exec_sample_skipped_ps(const Exec *x)
{
    double skip = 0.0;
    for (guint i = 0; x->sample != NULL && i < x->sample->n; i++)
        skip += x->sample->op[i].skip_ps;
    return skip;
}

/* Per-instance total of a figure summed over the simulated instances, times count. */
static uint64_t scale_count(uint64_t sum, uint64_t simulated, uint64_t count)
{
    return simulated ? (uint64_t)llround((double)sum / (double)simulated * (double)count) : sum;
}

gboolean ts_exec_sample_finish(Exec *x, guint op, TsExecOpResult *r, double *window_ps)
{
    r->instances_simulated = r->count;
    r->chunks_simulated = r->chunks;
    const ExecSample *s = x->sample;
    if (s == NULL || op >= s->n)
        return FALSE;
    double before = 0.0;
    for (guint i = 0; i < op; i++)
        before += s->op[i].skip_ps;
    r->start_cycles += before / x->arch_period_ps;
    const OpSample *o = &s->op[op];
    if (o->skipped == 0)
        return FALSE;
    const double n = (double)o->skipped;
    const uint64_t sim = o->chunks ? r->count : r->count - o->skipped;
    r->instances_simulated = sim;
    if (o->chunks)
        r->chunks_simulated = r->chunks - o->skipped;
    r->steady = o->steady;
    r->steady_period_cycles = o->period_ps / x->arch_period_ps;
    r->steady_spread = o->spread;
    r->steady_window = o->window;
    r->cycles += o->skip_ps / x->arch_period_ps;
    r->latency_s = r->cycles / ts_arch_clock_hz(x->arch);
    r->cost.cycles = r->cycles / (double)MAX(r->count, 1);
    r->cost.latency_s = r->cost.cycles / ts_arch_clock_hz(x->arch);
    const double window = *window_ps, all = window + o->skip_ps;
    for (guint u = 0; u < r->n_units && u < TS_EXEC_MAX_UNITS; u++) {
        TsExecUnitResult *ur = &r->unit[u];
        ur->utilization =
            all > 0 ? (ur->utilization * window + n * o->inc.unit_busy_ps[u]) / all : 0.0;
        ur->bank_conflict_cycles += n * o->inc.unit_conflicts[u];
        /* stall_cycles: from the op's timeline, which holds the extrapolated stalls */
    }
    *window_ps = all;
    if (r->dram_row_hit_rate >= 0) {
        const double cols = (double)(r->dram_reads + r->dram_writes);
        const double hits = r->dram_row_hit_rate * cols + n * o->inc.dram_hits;
        r->dram_reads += (uint64_t)llround(n * o->inc.dram_reads);
        r->dram_writes += (uint64_t)llround(n * o->inc.dram_writes);
        const double all_cols = (double)(r->dram_reads + r->dram_writes);
        r->dram_row_hit_rate = all_cols > 0 ? MIN(hits / all_cols, 1.0) : 0.0;
        r->dram_command_energy_pj += n * o->inc.dram_energy_pj; /* NAN stays NAN */
        r->dram_allbank_bursts += (uint64_t)llround(n * o->inc.dram_allbank);
    }
    if (o->chunks)
        return TRUE; /* the chunks' requested bytes are counted exactly (ts-exec-ew.c) */
    /* what every instance requests alike */
    r->link_calls = scale_count(r->link_calls, sim, r->count);
    r->dram_request_bytes = scale_count(r->dram_request_bytes, sim, r->count);
    for (guint t = 0; t < TS_MAX_TENSORS; t++)
        r->dram_tensor_bytes[t] = scale_count(r->dram_tensor_bytes[t], sim, r->count);
    r->array_fill_drain_cycles *= (double)r->count / (double)MAX(sim, 1u);
    return TRUE;
}
