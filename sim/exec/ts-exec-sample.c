/* Sampled instances, chunks and steps (docs/des.md section 12, "Sampled instances", "Sampled
 * chunks", "Sampled steps"). A sequence of identical units of work run one after another: the
 * instances of an op with no shared host-link calls (each walks the same mapping over its own
 * tensors), the chunks that stream an elementwise op of one instance through the compute (each
 * the same share of its traffic), or the iterations of the outer step loops of an einsum of
 * one instance (each the same tile steps over other tiles). Once the schedule settles, each further
 * unit adds the same period and the same increments to the op's figures. At the start of each unit
 * k >= 1 the op's running figures are recorded (the time, the compute unit's busy and stall time,
 * stall charged per unit, each unit's busy time and bank conflicts, the DRAM's column commands, row
 * hits, activates, refreshes and its energy other than its commands). With at least the minimum
 * begun, the steady state holds when the last two windows of W >= max(1, (k - 1) / 4) units, each
 * lasting a DRAM refresh interval at least (chunks and steps: TS_EXEC_SAMPLE_CHUNK_REFRESHES of
 * them, W even), took the same time within TS_EXEC_SAMPLE_TOL. Units not begun yet are then
 * extrapolated from the increments over those two windows, a whole number of 2W of them, and the
 * rest (fewer than 2W) simulated at their own addresses, so that the op's last unit meets the next
 * op as it would (its drain overlapping the next op's start, in the phase of any pattern repeating
 * within 2W units). Simulated time does not jump: every later op runs earlier by the
 * extrapolated time, which the results add back (start cycles, the layer's cycles). The
 * extrapolated units' DRAM column commands are not the windows' increments: they are counted
 * exactly from the transfers those units stand for (extrapolate_dram).
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
    /* the first timed DRAM: its read and write requests answered and column commands, row
     * hits, activates (normal mode) and refreshes, its energy other than those commands and
     * activates (refresh, background, all-bank mode), all-bank bursts */
    double dram_done[2], dram_cmds[2];
    double dram_cols, dram_hits, dram_acts, dram_refs, dram_other_pj, dram_allbank;
} Snap;

typedef enum { UNIT_INSTANCE, UNIT_CHUNK, UNIT_STEPS } UnitKind;

typedef struct {
    GArray *snaps;       /* Snap at the start of unit k + 1, k = 0, 1, ... */
    UnitKind kind;       /* what a unit is */
    uint64_t unit_steps; /* steps: tile steps per unit (else 1) */
    uint64_t skipped; /* units extrapolated */
    double skip_ps;   /* the time they stand for */
    double period_ps; /* steady-state period */
    double spread;    /* relative difference of the two windows' periods */
    uint64_t window;  /* units per window */
    gboolean steady;  /* within the tolerance (else the bound came first) */
    gboolean decided; /* the instances to extrapolate are chosen */
    Snap inc;         /* per-unit increments (the last decision's) */
    Snap ext;         /* the extrapolated units' increments (steps: over every segment) */

    guint note;       /* its note: index in x->notes + 1, 0: none yet */
} OpSample;

typedef struct ExecSample ExecSample;
struct ExecSample {
    uint64_t min, max; /* units simulated at least / at most */
    gboolean bounded;  /* max given (--des-instances N), else the default */
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
    s->bounded = instances != 0;
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

/* Energies of one normal-mode read and write command and of one activate of the first timed
 * DRAM, pJ (each a constant of the DRAM's currents: its energy of that kind over the commands
 * that drew it, all-bank bursts and activates included; 0 before the first). */
static void command_pj(const Exec *x, const TsDramStats *d, double *rd, double *wr, double *act)
{
    const TsDramSpec *sp = ts_arch_level(x->arch, (guint)x->unit[x->dram_unit].level)->spec;
    const double banks = (double)(sp->ranks * sp->total_banks);
    const double nr = (double)(d->read_cmds + d->ab_read_bursts);
    const double nw = (double)(d->write_cmds + d->ab_write_bursts);
    const double na = (double)d->activates + banks * (double)d->ab_activates;
    *rd = nr > 0 ? d->read_energy_pj / nr : 0.0;
    *wr = nw > 0 ? d->write_energy_pj / nw : 0.0;
    *act = na > 0 ? d->act_energy_pj / na : 0.0;
}

/* The energy of the normal-mode column commands and activates in d, pJ. */
static double normal_mode_pj(const Exec *x, const TsDramStats *d)
{
    double rd, wr, act;
    command_pj(x, d, &rd, &wr, &act);
    return rd * (double)d->read_cmds + wr * (double)d->write_cmds + act * (double)d->activates;
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

        s->dram_done[0] = (double)d.reads_done;
        s->dram_done[1] = (double)d.writes_done;
        s->dram_cmds[0] = (double)d.read_cmds;
        s->dram_cmds[1] = (double)d.write_cmds;
        s->dram_cols = (double)(d.read_cmds + d.write_cmds);
        s->dram_hits = (double)(d.read_row_hits + d.write_row_hits);
        s->dram_acts = (double)d.activates;
        s->dram_refs = (double)d.refreshes;
        s->dram_other_pj = d.total_energy_pj - normal_mode_pj(x, &d);
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

static const char *const unit_name[] = {"instance", "chunk", "tile step"};

/* The note of a sampled op (all: its units; steps: the op's, in units of o->unit_steps,
 * counted in tile steps), replacing its earlier note (steps: another segment's). */
static void add_note(Exec *x, const char *name, OpSample *o, uint64_t all)
{
    const char *unit = unit_name[o->kind];
    const uint64_t us = o->unit_steps, simulated = all - o->skipped;
    char *text = g_strdup_printf(
            "%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " %ss simulated, %" G_GUINT64_FORMAT
            " extrapolated from %s: "
            "%.0f cycles per %s (start to start; the last two windows of %" G_GUINT64_FORMAT
            " %ss %s %.2f%%); --des-instances all simulates every one",
            name, simulated * us, (simulated + o->skipped) * us, unit, o->skipped * us,
            o->steady                   ? "the steady state"
            : o->kind == UNIT_CHUNK     ? "the last chunks, not yet steady"
            : o->kind == UNIT_STEPS     ? "the last steps, not yet steady"
                                        : "the last instances, not yet steady",
            o->period_ps / (double)us / x->arch_period_ps, unit, o->window * us, unit,
            o->steady ? "within" : "differ by", 100.0 * o->spread);
    if (o->note > 0) {
        g_free(g_ptr_array_index(x->notes, o->note - 1));
        g_ptr_array_index(x->notes, o->note - 1) = text;
    } else {
        g_ptr_array_add(x->notes, text);
        o->note = x->notes->len;
    }
}

/* a += n b, field by field. */
static void snap_add(Snap *a, double n, const Snap *b)
{
    double *pa = (double *)a;
    const double *pb = (const double *)b;
    for (size_t k = 0; k < sizeof(Snap) / sizeof(double); k++)
        pa[k] += n * pb[k];
}

/* Steps: the units to skip fitted to the walk: at most skip, a whole number of the windows'
 * 2W where one fits, else any that fits (the executor's test, TsExecStepFit). */
typedef struct {
    TsExecStepFit fits;
    void *data;
    uint64_t unit_steps;
} StepFit;

static uint64_t fit_steps(const StepFit *f, uint64_t skip, uint64_t w2)
{
    for (uint64_t n = skip / w2 * w2; n > 0; n -= w2)
        if (f->fits(f->data, n))
            return n;
    for (uint64_t n = skip; n > 0; n--)
        if (n % w2 != 0 && f->fits(f->data, n))
            return n;
    return 0;
}

/* Unit `inst` (>= 1) of the `count` units of plan op `op` starts now, `simulated` of them
 * begun (inst + 1 at least): records the op's figures; when the steady state (or the bound)
 * is reached, decides how many of the units not begun are extrapolated (a whole number of the
 * windows' 2W; steps: fitted to the walk, fit) and folds their compute timeline into the op's:
 * returns that number, else 0. */
static uint64_t sample_unit(Exec *x, guint op, const char *name, UnitKind kind, uint64_t inst,
                            uint64_t simulated, uint64_t count, uint64_t all, const StepFit *fit)
{
    ExecSample *s = x->sample;
    OpSample *o = &s->op[op];
    if (kind == UNIT_STEPS && inst == 1) {
        /* a new segment of steps: sampled anew */
        o->decided = FALSE;
        if (o->snaps != NULL)
            g_array_set_size(o->snaps, 0);
    }
    if (o->decided)
        return 0;
    if (o->snaps == NULL)
        o->snaps = g_array_new(FALSE, FALSE, sizeof(Snap));
    o->kind = kind;
    o->unit_steps = fit ? fit->unit_steps : 1;
    /* a window of chunks lasts several refresh intervals (short chunks' periods beat with the
     * refresh), and holds an even number of them: with two chunks in flight, their periods
     * can alternate between two values; the outer iterations of an einsum's steps alike */
    const gboolean chunks = kind != UNIT_INSTANCE;
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
    if (!steady && kind == UNIT_STEPS && !s->bounded) {
        /* an einsum's steps are extrapolated from a steady state only, unless asked: its units
         * are many and may be short, and the rest runs exactly */
        o->decided = TRUE;
        g_array_free(o->snaps, TRUE);
        o->snaps = NULL;
        return 0;
    }
    /* a whole number of the windows' 2W units, so that the units simulated after them (fewer
     * than 2W) end the op in the phase the full run would: a pattern repeating within 2W units
     * (durations alternating between two values) meets the next op as it would */
    uint64_t skip = (count - simulated) / (2 * w) * (2 * w);
    if (fit != NULL)
        skip = fit_steps(fit, count - simulated, 2 * w);
    if (skip == 0)
        return 0;
    o->decided = TRUE;
    o->steady = o->skipped == 0 ? steady : o->steady && steady;
    o->spread = o->skipped == 0 ? spread : MAX(o->spread, spread);
    o->window = w;
    snap_increment(a, &now, (double)(2 * w), &o->inc);
    /* The compute unit's timeline is charged up to its last issued step, which may lead the
     * instant recorded by a little that varies between units: its stall increments are
     * scaled so that busy + stalls add up to the period, as they do over the op. */
    double stalls = 0.0;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        stalls += o->inc.stall_ps[k];
    const double rest = MAX(o->inc.t_ps - o->inc.busy_ps, 0.0);
    if (stalls > 0.0) {
        const double f = rest / stalls;
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            o->inc.stall_ps[k] *= f;
        for (guint u = 0; u < TS_EXEC_MAX_UNITS; u++)
            o->inc.unit_stall_ps[u] *= f;
    } else {
        o->inc.stall_ps[TS_STALL_BANDWIDTH] = rest;
    }
    const double n = (double)skip;
    o->skipped += skip;
    o->skip_ps += n * o->inc.t_ps;
    o->period_ps = o->skipped == skip ? o->inc.t_ps : o->skip_ps / (double)o->skipped;
    snap_add(&o->ext, n, &o->inc);
    /* the compute unit's timeline of the op stands for every unit */
    OpTiming *t = &x->timing[op];
    t->busy_ps += n * o->inc.busy_ps;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        t->stall_ps[k] += n * o->inc.stall_ps[k];
    for (guint u = 0; u < x->n_units && u < TS_EXEC_MAX_UNITS; u++)
        t->unit_stall_ps[u] += n * o->inc.unit_stall_ps[u];
    g_array_free(o->snaps, TRUE);
    o->snaps = NULL;
    add_note(x, name, o, all);
    return skip;
}

uint64_t ts_exec_sample_instance(Exec *x, guint op, const TsOp *top, uint64_t inst, uint64_t count,
                                 gboolean eligible)
{
    const ExecSample *s = x->sample;
    if (s == NULL || !eligible || inst == 0 || count <= s->min || op >= s->n)
        return 0;
    return sample_unit(x, op, top->name ? top->name : "?", UNIT_INSTANCE, inst, inst + 1, count,
                       count, NULL);
}

uint64_t ts_exec_sample_chunk(Exec *x, guint op, const TsOp *top, uint64_t chunk, uint64_t begun,
                              uint64_t chunks)
{
    const ExecSample *s = x->sample;
    if (s == NULL || chunk == 0 || chunks <= s->min || op >= s->n)
        return 0;
    return sample_unit(x, op, top->name ? top->name : "?", UNIT_CHUNK, chunk, begun, chunks, chunks,
                       NULL);
}

uint64_t ts_exec_sample_steps(Exec *x, guint op, const TsOp *top, uint64_t unit_steps,
                              uint64_t unit, uint64_t units, uint64_t all, TsExecStepFit fits,
                              void *data)
{
    const ExecSample *s = x->sample;
    if (s == NULL || unit == 0 || units <= s->min || op >= s->n || unit_steps == 0)
        return 0;
    const StepFit fit = {fits, data, unit_steps};
    return sample_unit(x, op, top->name ? top->name : "?", UNIT_STEPS, unit, unit + 1, units, all,
                       &fit);
}

double ts_exec_sample_op_skipped_ps(const Exec *x, guint op)
{
    return x->sample != NULL && op < x->sample->n ? x->sample->op[op].skip_ps : 0.0;
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

void ts_exec_skip_dram(Exec *x, const OpCtx *c, int ui, TsMemOp dir, uint64_t bursts)
{
    if (ui == x->dram_unit)
        x->timing[c->op_index].dram_skip_cmds[dir == TS_MEM_WRITE] += (double)bursts;
}

/* The DRAM figures of op's extrapolated units, added to r (whose figures are the simulated
 * part's: the DRAM's counters over the op's window). Their bursts are counted exactly: chunks
 * and steps, those of the transfers they stand for (ts_exec_skip_dram); instances (sim of them
 * simulated), those of the simulated instances' streams per instance (every instance sends the
 * same); their column commands are those bursts at the windows' commands per request answered
 * (the controller merges a read with one queued for the same burst, a write with one buffered
 * for it: FF1 on eyeriss-like sends 1.75 read bursts per read command). Their row hits and
 * activates at the windows' rates per column command; command energy: those commands and activates
 * at the DRAM's energy per command, plus the windows' per-unit increment of the rest (refresh,
 * background, all-bank mode); all-bank bursts: the windows' increments. Not the windows' increments
 * of column commands: which bursts of the units in flight fall on either side of a window's edges
 * depends on the order the DRAM pump sends them in, not on the work (docs/des.md section 12,
 * "Sampled instances"). */
static void extrapolate_dram(Exec *x, guint op, const OpSample *o, TsExecOpResult *r, uint64_t sim)
{
    const OpTiming *t = &x->timing[op];
    double cmds[2];
    for (guint k = 0; k < 2; k++) {
        const double bursts = sim > 0
                                  ? (double)t->dram_own_bursts[k] * (double)o->skipped / (double)sim
                                  : t->dram_skip_cmds[k];
        /* the controller merges a request with one queued for the same burst: commands per
         * request answered, over the windows */
        const double per_request =
            o->ext.dram_done[k] > 0 ? MIN(o->ext.dram_cmds[k] / o->ext.dram_done[k], 1.0) : 1.0;
        cmds[k] = round(bursts * per_request);
    }
    const double cols = (double)(r->dram_reads + r->dram_writes);
    const double ext = cmds[0] + cmds[1];
    const double hit_rate =
        o->ext.dram_cols > 0 ? o->ext.dram_hits / o->ext.dram_cols : MAX(r->dram_row_hit_rate, 0.0);
    const double acts_per_col = o->ext.dram_cols > 0 ? o->ext.dram_acts / o->ext.dram_cols : 0.0;
    const double hits = r->dram_row_hit_rate * cols + hit_rate * ext;
    r->dram_reads += (uint64_t)cmds[0];
    r->dram_writes += (uint64_t)cmds[1];
    r->dram_row_hit_rate = cols + ext > 0 ? MIN(hits / (cols + ext), 1.0) : 0.0;
    TsDramStats now;
    ts_dram_get_stats(x->unit[x->dram_unit].comp, &now);
    double rd, wr, act;
    command_pj(x, &now, &rd, &wr, &act);
    r->dram_command_energy_pj += cmds[0] * rd + cmds[1] * wr + ext * acts_per_col * act +
                                 o->ext.dram_other_pj; /* NAN stays NAN */
    r->dram_allbank_bursts += (uint64_t)llround(o->ext.dram_allbank);
    r->dram_time.bursts += (uint64_t)ext;
    r->dram_time.activates += (uint64_t)llround(ext * acts_per_col);
    r->dram_time.refreshes += (uint64_t)llround(o->ext.dram_refs);
}

gboolean ts_exec_sample_finish(Exec *x, guint op, TsExecOpResult *r, double *window_ps)
{
    r->instances_simulated = r->count;
    r->chunks_simulated = r->chunks;
    r->steps_simulated = r->steps;
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
    const gboolean within = o->kind != UNIT_INSTANCE; /* chunks or steps of one instance */
    const uint64_t sim = within ? r->count : r->count - o->skipped;
    r->instances_simulated = sim;
    if (o->kind == UNIT_CHUNK)
        r->chunks_simulated = r->chunks - o->skipped;
    if (o->kind == UNIT_STEPS)
        r->steps_simulated = r->steps - o->skipped * o->unit_steps;
    r->steady = o->steady;
    r->steady_period_cycles = o->period_ps / (double)o->unit_steps / x->arch_period_ps;
    r->steady_spread = o->spread;
    r->steady_window = o->window * o->unit_steps;
    r->cycles += o->skip_ps / x->arch_period_ps;
    r->latency_s = r->cycles / ts_arch_clock_hz(x->arch);
    r->cost.cycles = r->cycles / (double)MAX(r->count, 1);
    r->cost.latency_s = r->cost.cycles / ts_arch_clock_hz(x->arch);
    const double window = *window_ps, all = window + o->skip_ps;
    for (guint u = 0; u < r->n_units && u < TS_EXEC_MAX_UNITS; u++) {
        TsExecUnitResult *ur = &r->unit[u];
        ur->utilization =
            all > 0 ? (ur->utilization * window + o->ext.unit_busy_ps[u]) / all : 0.0;
        ur->bank_conflict_cycles += o->ext.unit_conflicts[u];
        /* stall_cycles: from the op's timeline, which holds the extrapolated stalls */
    }
    *window_ps = all;
    if (r->dram_row_hit_rate >= 0 && x->dram_unit >= 0)
        extrapolate_dram(x, op, o, r, within ? 0 : sim);
    if (within)
        return TRUE; /* the chunks' and steps' requested bytes and calls are counted exactly
                        (ts-exec-ew.c, ts-exec-op.c) */
    /* what every instance requests alike */
    r->link_calls = scale_count(r->link_calls, sim, r->count);
    r->dram_request_bytes = scale_count(r->dram_request_bytes, sim, r->count);
    for (guint t = 0; t < TS_MAX_TENSORS; t++)
        r->dram_tensor_bytes[t] = scale_count(r->dram_tensor_bytes[t], sim, r->count);
    r->array_fill_drain_cycles *= (double)r->count / (double)MAX(sim, 1u);
    return TRUE;
}
