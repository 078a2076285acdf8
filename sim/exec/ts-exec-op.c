/* The schedule of one einsum op instance (docs/des.md, "The mapping executor"). The walk's
 * steps are the tiles of level `depth`. For every level at or above the depth that keeps a
 * tensor it does not back, a cursor finds the tile versions in order and a fill is issued as
 * soon as (1) a buffer slot is free: the version nslots back is released, i.e. every step up
 * to its last has completed (and an output tile has been written back), (2) the peer above
 * holds the data: its version covering the fill's first step has landed (the backing store
 * always holds it, once the previous op's outputs are written for an activation), (3) an
 * output tile read back for accumulation was written back at its previous visit. A compute
 * step starts when every level's version covering it has landed: it is one job of the compute
 * unit's step and the accesses of the levels below the depth inside it (each level's reads,
 * fills and updates as one request per port), so steps pipeline across the units. Output tiles
 * a step completes are written back in order, a level's after the deeper levels' have landed.
 * Every transfer adds the walker's elements to the counted actions. */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>

#include "ts-arch-classes.h"

/* ---- helpers -------------------------------------------------------------------------------- */

static double word_bytes(const TsModel *m, guint l)
{
    return MAX(ts_model_level(m, l)->word_bits, 1u) / 8.0;
}

/* Bytes one instance of level l moves for n elements of tensor t (timing only). */
static uint64_t level_bytes(const OpCtx *c, guint l, guint t, uint64_t n)
{
    uint64_t words = (uint64_t)ceil((double)n * ts_model_words_per_element(c->model, l, t));
    return (uint64_t)ceil((double)words * word_bytes(c->model, l));
}

/* Bytes of n elements of tensor t in DRAM (its precision rounded up to whole bytes). */
static uint64_t tensor_bytes(const TsOp *op, guint t, uint64_t n)
{
    return n * MAX((op->tensors[t].precision.bits + 7u) / 8u, 1u);
}

static int unit_of_level(const Exec *x, guint l)
{
    return x->storage_unit[l];
}

/* The host link on the way between storage levels p < l, or -1. */
static int link_between(const Exec *x, guint p, guint l)
{
    for (guint m = p + 1; m <= l; m++)
        if (x->link_unit[m] >= 0)
            return x->link_unit[m];
    return -1;
}

/* Instances whose tiles a host-link call of this instance carries: the lanes of its
 * lock-step group. */
static uint64_t link_share(const OpCtx *c)
{
    return c->group ? c->group->n : 1;
}

/* Whether the op's instances share each host-link call (docs/pim.md, "Host-link calls"): more
 * than one, and at each landing level every instance's tiles of the per-inference tensors fit
 * its capacity (over multiple buffering) together, beside the tiles it backs (resident data,
 * one copy for all), as the model decides (TsCost.link_batch). */
static gboolean link_batched(const Exec *x, const OpCtx *c)
{
    if (c->count <= 1)
        return FALSE;
    for (guint l = 1; l < c->nl; l++) {
        if (x->link_unit[l] < 0)
            continue;
        const TsLevel *lv = ts_model_level(c->model, l);
        const double mb = lv->multiple_buffering > 0.0 ? lv->multiple_buffering : 1.0;
        const uint64_t cap = lv->size_words ? (uint64_t)floor((double)lv->size_words / mb) : 0;
        uint64_t held = 0, each = 0;
        for (guint t = 0; t < c->nt; t++) {
            if (!ts_walk_keeps(c->compute, l, t))
                continue;
            const uint64_t w = ts_walk_words(c->compute, l, t, ts_walk_tile(c->compute, l, t));
            held += w;
            if (c->lt[l][t].peer >= 0)
                each += w; /* per-inference data: a tile per instance */
        }
        if (cap > 0 && (double)held + (double)each * (double)(c->count - 1) > (double)cap)
            return FALSE;
    }
    return TRUE;
}

/* Steps the schedule runs: the walk's, less those extrapolated (sampled steps). */
static uint64_t sched_steps(const OpCtx *c)
{
    return c->n_steps - c->st_skip;
}

static uint64_t covered(const OpCtx *c, const LevelTensor *lt)
{
    if (lt->complete < lt->found)
        return lt->first_step[lt->complete % VRING];
    return lt->exhausted ? sched_steps(c) : lt->first_step[lt->complete % VRING];
}

/* ---- lock-step lanes ------------------------------------------------------------------------ */

/* Lane 0 of c's group (the instance whose calls carry every lane's tiles), or c. */
static const OpCtx *lead_of(const OpCtx *c)
{
    return c->group ? c->group->lane[0] : c;
}

/* The first step not covered by the landed versions of (l, t): in a lock-step group a tile
 * that crosses the link has landed once this lane's own part (its host-side read and write)
 * and lane 0's call are done. */
static uint64_t landed(const OpCtx *c, guint l, guint t)
{
    const uint64_t s = covered(c, &c->lt[l][t]);
    if (c->group == NULL || !c->lt[l][t].via_link || c->lane == 0)
        return s;
    const OpCtx *lead = lead_of(c);
    return MIN(s, covered(lead, &lead->lt[l][t]));
}

/* Whether every lane of c's group has completed its steps before `end`. */
static gboolean lanes_done(const OpCtx *c, uint64_t end)
{
    for (guint i = 0; c->group && i < c->group->n; i++)
        if (c->group->lane[i]->steps_done < end)
            return FALSE;
    return TRUE;
}

/* Whether lane o has completed step `step` and written back its tiles of levels below l for
 * the steps up to it (what lane 0's write-back call at level l gathers from). */
static gboolean lane_drained(const OpCtx *o, uint64_t step, guint l)
{
    if (o->steps_done <= step)
        return FALSE;
    for (guint m = l + 1; m < o->nl; m++)
        if (o->wb_outstanding[m] > 0)
            return FALSE;
    if (o->wb_len == 0)
        return TRUE;
    const Writeback *h = &o->wb[o->wb_head];
    return h->step > step || h->x.level <= l;
}

/* Whether a step starts a new version of a tile that crosses the link (a call's boundary). */
static gboolean starts_call_version(const OpCtx *c, const TsWalkStep *st)
{
    for (guint i = 0; i < st->n_before; i++)
        if (c->lt[st->before[i].level][st->before[i].tensor].via_link)
            return TRUE;
    return FALSE;
}

/* Takes the walk's step st into c->step, whose rows are sized by the walk: its index and its
 * write-backs' versions relabelled past the extrapolated steps (sampled steps). */
static void take_step(OpCtx *c, const TsWalkStep *st)
{
    NextStep *n = &c->step;
    n->index = st->index - c->st_skip;
    n->iterations = st->iterations;
    n->macs = st->macs;
    n->call_boundary = starts_call_version(c, st);
    g_assert(st->n_after <= c->nl * c->nt);
    n->n_after = st->n_after;
    memcpy(n->after, st->after, st->n_after * sizeof st->after[0]);
    for (guint i = 0; i < n->n_after; i++)
        n->after[i].version -= c->st_voff[n->after[i].level][n->after[i].tensor];
    for (guint l = 0; l < c->nl; l++)
        memcpy(&n->inner[l * c->nt], st->inner[l], c->nt * sizeof st->inner[l][0]);
}

/* Takes c's next compute step from its walk (through the executor's scratch step) into
 * c->step; FALSE after the last. */
static gboolean next_step(Exec *x, OpCtx *c)
{
    TsWalkStep *st = &x->scratch;
    if (!ts_walk_next(c->compute, st))
        return FALSE;
    take_step(c, st);
    return TRUE;
}

/* Appends a pending write-back, growing the ring (try_step keeps it within WB_RING). */
static void wb_push(OpCtx *c, const TsWalkXfer *xf, uint64_t step)
{
    if (c->wb_len == c->wb_cap)
        c->wb = ts_exec_ring_grow(c->wb, sizeof *c->wb, &c->wb_cap, &c->wb_head, c->wb_len, 8);
    Writeback *w = &c->wb[(c->wb_head + c->wb_len) & (c->wb_cap - 1)];
    w->x = *xf;
    w->step = step;
    c->wb_len++;
}

/* The compute unit takes the next lane's steps. */
static void pass_turn(LockGroup *g)
{
    g->turn = (g->turn + 1) % g->n;
    g->turn_steps = 0;
    g->repump = TRUE;
}

/* Whether lane c may fill a tile that does not cross the link now: the lanes share the
 * buffers below the calls' landing level, so the lane whose steps run fills them, and the next
 * lane only the tiles of the first step of its turn (prefetched while the other computes). */
static gboolean lane_may_fill(const OpCtx *c, const LevelTensor *lt)
{
    const LockGroup *g = c->group;
    if (g == NULL || lt->via_link || g->turn == c->lane)
        return TRUE;
    return (g->turn + 1) % g->n == c->lane && c->have_step && lt->next_first_step <= c->step.index;
}

/* First step after version v (n_steps for the last), or G_MAXUINT64 when not found yet. */
static uint64_t version_end(const OpCtx *c, const LevelTensor *lt, uint64_t v)
{
    if (v + 1 < lt->found)
        return lt->first_step[(v + 1) % VRING];
    return lt->exhausted && v + 1 == lt->found ? sched_steps(c) : G_MAXUINT64;
}

static void update_released(OpCtx *c, LevelTensor *lt)
{
    while (lt->released < lt->issued) {
        const uint64_t v = lt->released;
        const uint64_t end = version_end(c, lt, v);
        if (end == G_MAXUINT64 || c->steps_done < end)
            return;
        if (lt->output && lt->wb_done <= v)
            return;
        /* lane 0's call fills every lane's tile: its slot is free once all are past it */
        if (lt->via_link && c->lane == 0 && !lanes_done(c, end))
            return;
        lt->released++;
    }
}

/* The peer's slot address holding step `step` (its version covering it). */
static uint64_t peer_slot_addr(const OpCtx *c, guint p, guint t, uint64_t step)
{
    const LevelTensor *pt = &c->lt[p][t];
    if (!pt->active)
        return pt->sram_base;
    uint64_t v = pt->complete < pt->found ? pt->complete : pt->found - 1;
    for (uint64_t u = pt->released; u < pt->found; u++)
        if (pt->first_step[u % VRING] <= step)
            v = u;
    return pt->sram_base + (v % MAX(pt->nslots, 1u)) * pt->slot_bytes;
}

/* Takes the next version of (l, t) into lt: from its cursor, or, for a lane of a lock-step
 * group whose tile crosses the link (no cursor of its own), from lane 0's versions found (lane
 * 0 has found it: a lane's part of a version follows lane 0's call, after which lane 0 finds
 * the next; and lane 0 is at most its two slots and the one found ahead, within VRING). */
static void lt_advance(Exec *x, const OpCtx *c, LevelTensor *lt, guint l, guint t)
{
    TsWalkStep *st = &x->scratch;
    lt->have_next = FALSE;
    if (lt->cursor == NULL) {
        const LevelTensor *lead = &lead_of(c)->lt[l][t];
        const uint64_t v = lt->found;
        if (v >= lead->found) {
            g_assert(lead->exhausted);
            lt->exhausted = TRUE;
            return;
        }
        g_assert(lead->found - v <= VRING);
        lt->next = lead->found_xfer[v % VRING];
        lt->next_first_step = lead->first_step[v % VRING];
        lt->first_step[v % VRING] = lt->next_first_step;
        lt->fill_done[v % VRING] = FALSE;
        lt->wb_flag[v % VRING] = FALSE;
        lt->found++;
        lt->have_next = TRUE;
        return;
    }
    while (ts_walk_next(lt->cursor, st)) {
        for (guint i = 0; i < st->n_before; i++) {
            const TsWalkXfer *f = &st->before[i];
            if (f->level != l || f->tensor != t)
                continue;
            lt->next = *f;
            if (lt->found_xfer != NULL)
                lt->found_xfer[lt->found % VRING] = *f;
            lt->next_first_step = st->index - c->st_skip;
            lt->first_step[lt->found % VRING] = lt->next_first_step;
            lt->fill_done[lt->found % VRING] = FALSE;
            lt->wb_flag[lt->found % VRING] = FALSE;
            lt->found++;
            lt->have_next = TRUE;
            return;
        }
    }
    lt->exhausted = TRUE;
}

/* Time of a part on its idle unit and the part of it independent of its size, ps. */
static void unloaded(const Exec *x, Part *p)
{
    const Unit *u = &x->unit[p->unit];
    switch (u->role) {
    case UNIT_SRAM: {
        TsMemReq r = {.bytes = (guint32)MIN(p->bytes, (uint64_t)G_MAXUINT32),
                      .op = p->op,
                      .flags = p->flags,
                      .dma_calls = p->dma_calls};
        p->unloaded_ps = ts_sram_request_unloaded_cycles(u->comp, &r) * u->period_ps;
        r.bytes = 0;
        p->fixed_ps = ts_sram_request_unloaded_cycles(u->comp, &r) * u->period_ps;
        break;
    }
    case UNIT_LINK:
        p->unloaded_ps = ts_host_link_unloaded_ps(
            u->comp, p->bytes, p->targets, p->flags & TS_HOST_LINK_BROADCAST, (TsMemOp)p->op);
        p->fixed_ps = ts_host_link_unloaded_ps(u->comp, 0, 1, FALSE, (TsMemOp)p->op);
        break;
    case UNIT_DRAM: {
        const TsDramSpec *d = ts_arch_level(x->arch, (guint)u->level)->spec;
        p->fixed_ps = (double)(d->cycles.tRCD + d->cycles.tCL + d->cycles.tBURST) * d->tck_ps;
        p->unloaded_ps = (double)p->bytes / d->peak_bw_bytes_per_s * 1e12 + p->fixed_ps;
        break;
    }
    case UNIT_BANKS: {
        /* an all-bank row's first data, then the unit's all-bank rate */
        const TsPimCoreSpec *sp = ts_arch_level(x->arch, (guint)u->level)->spec;
        const TsDramSpec *d = ts_arch_level(x->arch, (guint)sp->dram_level)->spec;
        p->fixed_ps = (double)(d->cycles.tRCD + d->cycles.tCL + d->cycles.tBURST) * d->tck_ps;
        p->unloaded_ps = (double)p->bytes / sp->bank_unit_bw_bytes_per_s * 1e12 + p->fixed_ps;
        break;
    }
    default:
        p->unloaded_ps = p->fixed_ps = 0.0;
    }
}

/* A memory part at storage level l: an sram request, or a DRAM stream over the tensor box. */
static Part *mem_part(Exec *x, OpCtx *c, Job *j, guint l, guint t, TsMemOp op, uint64_t sram_addr,
                      uint64_t elements, const uint64_t *origin, const uint64_t *box)
{
    const int ui = unit_of_level(x, l);
    Part *p;
    if (x->unit[ui].role == UNIT_DRAM) {
        const uint64_t bytes = tensor_bytes(c->op, t, elements);
        c->dram_bytes[t] += bytes;
        p = ts_exec_part_mem(x, j, ui, op, 0, bytes);
        if (bytes > 0) {
            static const uint64_t zero[TS_MAX_DIMS] = {0};
            uint64_t whole[TS_MAX_DIMS];
            if (box == NULL) {
                for (guint d = 0; d < TS_MAX_DIMS; d++)
                    whole[d] = d < c->op->n_dims ? c->op->dims[d] : 1;
            }
            ts_exec_part_stream(x, j, p, c->op, t, c->base + ts_exec_tensor_base(c->op, t, 0),
                                origin ? origin : zero, box ? box : whole, bytes);
        }
    } else {
        p = ts_exec_part_mem(x, j, ui, op, sram_addr, level_bytes(c, l, t, elements));
    }
    unloaded(x, p);
    return p;
}

/* The landing level's side of a host-link transfer: the host's access, not a DMA call. */
static void host_side(Exec *x, Part *p)
{
    if (x->unit[p->unit].role == UNIT_SRAM)
        p->flags |= TS_SRAM_HOST_ACCESS;
}

/* A unit's offset of a tensor's accesses inside steps at level l: consecutive in the tensor's
 * area of the level (its slots), wrapping (the rows the all-bank mode opens follow it; other
 * levels ignore the address). */
static uint64_t bank_offset(OpCtx *c, guint l, int t, uint64_t bytes)
{
    const LevelTensor *lt = &c->lt[l][t];
    const uint64_t size = MAX(MAX(lt->nslots, 1u) * lt->slot_bytes, bytes);
    const uint64_t at = c->bank_off[t] % size;
    c->bank_off[t] = (at + bytes) % size;
    return lt->sram_base + at;
}

/* ---- fills ---------------------------------------------------------------------------------- */

static gboolean try_fill(Exec *x, OpCtx *c, guint l, guint t)
{
    LevelTensor *lt = &c->lt[l][t];
    if (!lt->have_next)
        return FALSE;
    const uint64_t v = lt->issued;
    update_released(c, lt);
    if (v >= lt->released + lt->nslots)
        return FALSE;
    /* in lock-step, a lane's part of a call follows lane 0's call; the tiles below it are
     * filled lane after lane */
    if (c->group && lt->via_link && c->lane > 0 && lead_of(c)->lt[l][t].issued <= v)
        return FALSE;
    if (!lane_may_fill(c, lt))
        return FALSE;
    const TsWalkXfer *xf = &lt->next;
    const guint p = xf->peer;
    const LevelTensor *pt = &c->lt[p][t];
    if (pt->active && landed(c, p, t) <= lt->next_first_step)
        return FALSE;
    if (!pt->active && lt->dependent && !c->deps_done && xf->elements > 0)
        return FALSE;
    if (xf->prev_visit > 0 && lt->wb_done + xf->prev_visit <= v)
        return FALSE;
    /* issue */
    const int ji = ts_exec_job_new(x, JOB_FILL, c->slot);
    Job *j = &x->jobs[ji];
    j->level = (guint8)l;
    j->tensor = (guint8)t;
    j->version = v;
    j->step = lt->next_first_step;
    if (xf->elements > 0) {
        const uint64_t *box = ts_walk_box(c->compute, l, t);
        /* a tensor the banks keep whole (resident) streams through its area in order */
        const uint64_t from =
            x->unit[unit_of_level(x, p)].role == UNIT_BANKS && !pt->active
                ? bank_offset(c, p, (int)t, level_bytes(c, p, t, xf->peer_elements))
                : peer_slot_addr(c, p, t, lt->next_first_step);
        mem_part(x, c, j, p, t, TS_MEM_READ, from, xf->peer_elements, xf->origin, box);
        const int link = link_between(x, p, l);
        if (link >= 0 && c->lane == 0) {
            const uint64_t inst = ts_walk_instances(c->compute, l);
            const gboolean bcast =
                xf->peer_elements * ts_walk_instances(c->compute, p) < xf->elements * inst;
            Part *lp = ts_exec_part_link(x, j, link, TS_MEM_WRITE,
                                         tensor_bytes(c->op, t, xf->elements) * link_share(c), inst,
                                         bcast);
            unloaded(x, lp);
            c->link_calls++;
        }
        Part *dst =
            mem_part(x, c, j, l, t, TS_MEM_WRITE, lt->sram_base + (v % lt->nslots) * lt->slot_bytes,
                     xf->elements, xf->origin, box);
        if (link >= 0)
            host_side(x, dst);
    }
    c->fills[l][t] += xf->elements;
    c->reads[p][t] += xf->peer_elements;
    c->fills_all[l][t] += xf->elements_all;
    c->reads_all[p][t] += xf->peer_elements_all;
    if (c->group && c->lane == 0 && lt->via_link)
        c->group->wake_all = TRUE; /* the other lanes' parts of the call may follow */
    lt->issued++;
    lt_advance(x, c, lt, l, t);
    ts_exec_job_start(x, ji);
    return TRUE;
}

/* Issues the fills of level l that can be issued now; TRUE when any. Tensor after tensor, each
 * as many versions as its slots take; where the fills cross a host link (calls, served one at
 * a time in the order issued), one at a time, the version needed first (ties: tensor order),
 * so that a second slot's prefetch does not delay another tensor's first tile. */
static gboolean try_fills(Exec *x, OpCtx *c, guint l)
{
    gboolean any = FALSE, calls = FALSE;
    for (guint t = 0; t < c->nt; t++)
        calls |= c->lt[l][t].via_link;
    if (!calls) {
        for (guint t = 0; t < c->nt; t++)
            while (c->lt[l][t].active && try_fill(x, c, l, t))
                any = TRUE;
        return any;
    }
    for (;;) {
        guint order[TS_MAX_TENSORS], n = 0;
        for (guint t = 0; t < c->nt; t++) {
            const LevelTensor *lt = &c->lt[l][t];
            if (!lt->active || !lt->have_next)
                continue;
            guint i = n++;
            for (; i > 0 && c->lt[l][order[i - 1]].next_first_step > lt->next_first_step; i--)
                order[i] = order[i - 1];
            order[i] = t;
        }
        guint i = 0;
        while (i < n && !try_fill(x, c, l, order[i]))
            i++;
        if (i == n)
            return any;
        any = TRUE;
    }
}

/* ---- write-backs ---------------------------------------------------------------------------- */

static gboolean try_writeback(Exec *x, OpCtx *c)
{
    if (c->wb_len == 0)
        return FALSE;
    const Writeback *w = &c->wb[c->wb_head];
    if (c->steps_done <= w->step)
        return FALSE;
    const guint l = w->x.level, t = w->x.tensor, p = w->x.peer;
    for (guint m = l + 1; m < c->nl; m++)
        if (c->wb_outstanding[m] > 0)
            return FALSE;
    LevelTensor *lt = &c->lt[l][t];
    /* lane 0's call gathers every lane's tile once all have written theirs */
    for (guint i = 1; c->group && c->lane == 0 && lt->via_link && i < c->group->n; i++)
        if (!lane_drained(c->group->lane[i], w->step, l))
            return FALSE;
    const int ji = ts_exec_job_new(x, JOB_WRITEBACK, c->slot);
    Job *j = &x->jobs[ji];
    j->level = (guint8)l;
    j->tensor = (guint8)t;
    j->version = w->x.version;
    j->step = w->step;
    const uint64_t *box = ts_walk_box(c->compute, l, t);
    Part *src = mem_part(x, c, j, l, t, TS_MEM_READ,
                         lt->sram_base + (w->x.version % lt->nslots) * lt->slot_bytes,
                         w->x.elements, w->x.origin, box);
    const int link = link_between(x, p, l);
    if (link >= 0)
        host_side(x, src);
    if (link >= 0 && c->lane == 0) {
        Part *lp = ts_exec_part_link(x, j, link, TS_MEM_READ,
                                     tensor_bytes(c->op, t, w->x.elements) * link_share(c),
                                     ts_walk_instances(c->compute, l), FALSE);
        unloaded(x, lp);
        c->link_calls++;
    }
    mem_part(x, c, j, p, t, TS_MEM_WRITE, peer_slot_addr(c, p, t, w->step), w->x.peer_elements,
             w->x.origin, box);
    c->updates[p][t] += w->x.peer_elements;
    c->updates_all[p][t] += w->x.peer_elements_all;
    c->wb_outstanding[l]++;
    c->wb_head = (c->wb_head + 1) & (c->wb_cap - 1);
    c->wb_len--;
    ts_exec_job_start(x, ji);
    return TRUE;
}

/* ---- compute steps -------------------------------------------------------------------------- */

static gboolean step_ready(const OpCtx *c, uint64_t s)
{
    for (guint l = 1; l <= c->depth; l++)
        for (guint t = 0; t < c->nt; t++)
            if (c->lt[l][t].active && landed(c, l, t) <= s)
                return FALSE;
    return TRUE;
}

/* Running offset of a tensor's accesses inside steps at a DRAM level (no tile origin). */
static uint64_t inner_dram_offset(OpCtx *c, guint t, uint64_t bytes)
{
    const uint64_t size = MAX(tensor_bytes(c->op, t, ts_op_tensor_elements(c->op, t)), 1);
    uint64_t at = c->inner_off[t] % size;
    c->inner_off[t] = (at + bytes) % size;
    return at;
}

/* The DMA calls of `elements` more of level l's reads (dir 0) or updates (dir 1) of tensor t
 * inside steps: the model's calls over the op in proportion to the elements issued so far,
 * so the steps together carry exactly the model's count. */
static uint64_t step_dma_calls(OpCtx *c, guint dir, guint l, guint t, uint64_t elements)
{
    const uint64_t total = c->dma->calls[dir][l][t], all = c->dma->elements[dir][l][t];
    if (total == 0 || all == 0 || elements == 0)
        return 0;
    const uint64_t before = c->dma_issued[dir][l][t];
    const uint64_t after = MIN(before + elements, all);
    c->dma_issued[dir][l][t] = after;
    return (uint64_t)((unsigned __int128)total * after / all -
                      (unsigned __int128)total * before / all);
}

/* The MRAM-WRAM DMA calls of the tile moves inside steps (DmaPlan) of c's walk: the model's
 * count per (level, tensor) whose nearest keeping level below lies below the walk depth (its
 * tiles move inside the steps), and the elements the steps will read and update there (a walk
 * of the op's steps). Computed once per walk the contexts copy (x->walk_proto) and shared. */
static gboolean dma_inner_setup(Exec *x, OpCtx *c)
{
    memset(c->dma_issued, 0, sizeof c->dma_issued);
    if (x->dma_proto == NULL) {
        DmaPlan *d = g_rc_box_new0(DmaPlan);
        for (guint l = 0; l < c->nl; l++) {
            for (guint t = 0; t < c->nt; t++) {
                guint child = l + 1;
                while (child < c->nl && !ts_walk_keeps(c->compute, child, t))
                    child++;
                if (!ts_walk_keeps(c->compute, l, t) || child >= c->nl || child <= c->depth)
                    continue;
                ts_walk_dma_calls(c->compute, l, t, &d->calls[0][l][t], &d->calls[1][l][t]);
                d->inner |= d->calls[0][l][t] + d->calls[1][l][t] > 0;
            }
        }
        if (d->inner) {
            TsWalk *w = ts_walk_copy(x->walk_proto);
            while (ts_walk_next(w, &x->scratch)) {
                for (guint l = 0; l < c->nl; l++) {
                    for (guint t = 0; t < c->nt; t++) {
                        d->elements[0][l][t] += x->scratch.inner[l][t].reads;
                        d->elements[1][l][t] += x->scratch.inner[l][t].updates;
                    }
                }
            }
            ts_walk_free(w);
        }
        x->dma_proto = d;
    }
    c->dma = x->dma_proto->inner ? g_rc_box_acquire(x->dma_proto) : NULL;
    return TRUE;
}

/* The accesses inside a step (inner: its counts, [l * nt + t]), one request per level and
 * direction as parts of job j; j NULL: an extrapolated step, its counts, requested bytes, DMA
 * calls and running offsets only. */
static void step_inner(Exec *x, OpCtx *c, Job *j, const TsWalkCounts *inner)
{
    for (guint l = 0; l < c->nl; l++) {
        uint64_t rd = 0, wr = 0, rd_el = 0, wr_el = 0, rd_calls = 0, wr_calls = 0;
        int rt = -1, wt = -1;
        for (guint t = 0; t < c->nt; t++) {
            const TsWalkCounts *k = &inner[l * c->nt + t];
            c->reads[l][t] += k->reads;
            c->fills[l][t] += k->fills;
            c->updates[l][t] += k->updates;
            c->reads_all[l][t] += k->reads_all;
            c->fills_all[l][t] += k->fills_all;
            c->updates_all[l][t] += k->updates_all;
            if (c->dma != NULL) {
                rd_calls += step_dma_calls(c, 0, l, t, k->reads);
                wr_calls += step_dma_calls(c, 1, l, t, k->updates);
            }
            if (k->reads) {
                rd += level_bytes(c, l, t, k->reads);
                rd_el += k->reads;
                rt = (int)t;
            }
            if (k->fills + k->updates) {
                wr += level_bytes(c, l, t, k->fills + k->updates);
                wr_el += k->fills + k->updates;
                wt = (int)t;
            }
        }
        const int ui = unit_of_level(x, l);
        const gboolean dram = x->unit[ui].role == UNIT_DRAM;
        for (guint dir = 0; dir < 2; dir++) {
            const uint64_t bytes = dir ? wr : rd, el = dir ? wr_el : rd_el;
            const int tt = dir ? wt : rt;
            if (bytes == 0)
                continue;
            const TsMemOp mop = dir ? TS_MEM_WRITE : TS_MEM_READ;
            Part *p;
            if (dram) {
                const uint64_t b = tensor_bytes(c->op, (guint)tt, el);
                for (guint t = 0; t < c->nt; t++) {
                    const TsWalkCounts *k = &inner[l * c->nt + t];
                    c->dram_bytes[t] +=
                        tensor_bytes(c->op, t, dir ? k->fills + k->updates : k->reads);
                }
                const uint64_t at = c->base + ts_exec_tensor_base(c->op, (guint)tt, 0) +
                                    inner_dram_offset(c, (guint)tt, b);
                if (j == NULL) {
                    ts_exec_skip_dram(x, c, ui, mop, ts_exec_linear_bursts(x, at, b));
                    continue;
                }
                p = ts_exec_part_mem(x, j, ui, mop, 0, b);
                ts_exec_part_linear(x, j, p, at);
            } else {
                const uint64_t at = bank_offset(c, l, tt, bytes);
                if (j == NULL)
                    continue;
                p = ts_exec_part_mem(x, j, ui, mop, at, bytes);
                /* a DPU's MRAM: the tiles' calls */
                p->dma_calls = ts_mem_dma_calls(dir ? wr_calls : rd_calls);
            }
            unloaded(x, p);
        }
    }
}

/* ---- sampled steps --------------------------------------------------------------------------- */

#define STEP_UNITS 32 /* units of a segment at least (TS_EXEC_SAMPLE_MIN to measure, more to skip) */
/* units of the op at least: where the op's last units meet the next op moves by up to about a
 * unit's time (docs/des.md section 12, "Sampled instances", (d)), under 1% of the op */
#define STEP_UNITS_OP 128

/* The DRAM bursts of a transfer of (l, t) the schedule does not issue, of `elements` at the
 * DRAM side, as mem_part's stream would send them. */
static uint64_t skip_bursts(const Exec *x, const OpCtx *c, guint l, guint t, const uint64_t *origin,
                            uint64_t elements)
{
    return ts_exec_box_bursts(x, c->op, t, c->base + ts_exec_tensor_base(c->op, t, 0), origin,
                              ts_walk_box(c->compute, l, t), tensor_bytes(c->op, t, elements));
}

/* The counts and requested bytes of a fill of (l, t) the schedule does not issue (a version in
 * the extrapolated steps), as try_fill counts them. */
static void count_fill(Exec *x, OpCtx *c, guint l, guint t, const TsWalkXfer *xf)
{
    const guint p = xf->peer;
    if (xf->elements > 0) {
        /* read at the peer, written here */
        if (x->unit[unit_of_level(x, p)].role == UNIT_DRAM) {
            c->dram_bytes[t] += tensor_bytes(c->op, t, xf->peer_elements);
            ts_exec_skip_dram(x, c, unit_of_level(x, p), TS_MEM_READ,
                              skip_bursts(x, c, l, t, xf->origin, xf->peer_elements));
        }
        if (x->unit[unit_of_level(x, l)].role == UNIT_DRAM) {
            c->dram_bytes[t] += tensor_bytes(c->op, t, xf->elements);
            ts_exec_skip_dram(x, c, unit_of_level(x, l), TS_MEM_WRITE,
                              skip_bursts(x, c, l, t, xf->origin, xf->elements));
        }
        if (link_between(x, p, l) >= 0)
            c->link_calls++;
    }
    c->fills[l][t] += xf->elements;
    c->reads[p][t] += xf->peer_elements;
    c->fills_all[l][t] += xf->elements_all;
    c->reads_all[p][t] += xf->peer_elements_all;
}

/* Likewise a write-back, as try_writeback counts it. */
static void count_writeback(Exec *x, OpCtx *c, const TsWalkXfer *xf)
{
    const guint l = xf->level, t = xf->tensor, p = xf->peer;
    /* read here, written at the peer */
    if (x->unit[unit_of_level(x, l)].role == UNIT_DRAM) {
        c->dram_bytes[t] += tensor_bytes(c->op, t, xf->elements);
        ts_exec_skip_dram(x, c, unit_of_level(x, l), TS_MEM_READ,
                          skip_bursts(x, c, l, t, xf->origin, xf->elements));
    }
    if (link_between(x, p, l) >= 0)
        c->link_calls++;
    if (x->unit[unit_of_level(x, p)].role == UNIT_DRAM) {
        c->dram_bytes[t] += tensor_bytes(c->op, t, xf->peer_elements);
        ts_exec_skip_dram(x, c, unit_of_level(x, p), TS_MEM_WRITE,
                          skip_bursts(x, c, l, t, xf->origin, xf->peer_elements));
    }
    c->updates[p][t] += xf->peer_elements;
    c->updates_all[p][t] += xf->peer_elements_all;
}

/* Extrapolates the n steps from the one just taken into c->step (st_from, at the start of a
 * unit; the walk's scratch step still holds it; at least one unit remains after them): their
 * inner actions, MACs, write-backs and the fills of the tile versions that start in them are
 * counted from the walks (requested bytes and host-link calls too), and the schedule runs on
 * with the step after them relabelled st_from. The versions of each (l, t) already found that
 * start at st_from or later (fills issued ahead, the next one found) stand for the versions as
 * many further on, the d that start in the extrapolated steps being skipped: their first steps
 * become those versions' (relabelled), the later versions and the write-backs are numbered d
 * earlier. The skip is fitted (ts_exec_sample_steps) so that st_from and the step after the
 * extrapolated ones start new versions of the same (l, t): a version open across st_from then
 * ends, relabelled, with the one open across the skip's end. */
static void skip_steps(Exec *x, OpCtx *c, uint64_t n)
{
    TsWalkStep *st = &x->scratch;
    const uint64_t from = c->step.index;
    uint64_t d[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    memset(d, 0, sizeof d);
    for (uint64_t i = 0; i < n; i++) {
        if (i > 0) {
            const gboolean more = ts_walk_next(c->compute, st);
            g_assert(more);
            take_step(c, st);
        }
        step_inner(x, c, NULL, c->step.inner);
        c->macs += c->step.macs;
        for (guint k = 0; k < c->step.n_after; k++)
            count_writeback(x, c, &c->step.after[k]);
        for (guint k = 0; k < st->n_before; k++)
            d[st->before[k].level][st->before[k].tensor]++;
    }
    for (guint l = 1; l <= c->depth; l++) {
        for (guint t = 0; t < c->nt; t++) {
            LevelTensor *lt = &c->lt[l][t];
            if (!lt->active)
                continue;
            uint64_t first[VRING], skipped[VRING], k = 0;
            /* the next version found, not issued, starting in the extrapolated steps: the
             * first one skipped */
            const gboolean unfind = lt->have_next && lt->next_first_step >= from && d[l][t] > 0;
            if (unfind) {
                count_fill(x, c, l, t, &lt->next);
                skipped[k++ % VRING] = lt->next_first_step;
                lt->found--;
                lt->have_next = FALSE;
            }
            /* the versions found that start at `from` or later: [a, found) */
            uint64_t a = lt->found;
            while (a > 0 && lt->found - a < VRING && lt->first_step[(a - 1) % VRING] >= from)
                a--;
            for (uint64_t v = a; v < lt->found; v++)
                first[v - a] = lt->first_step[v % VRING];
            /* the d versions after them, skipped (the last VRING first steps kept) */
            while (k < d[l][t]) {
                const gboolean more = ts_walk_next(lt->cursor, st);
                g_assert(more);
                for (guint i = 0; i < st->n_before; i++) {
                    const TsWalkXfer *f = &st->before[i];
                    if (f->level != l || f->tensor != t)
                        continue;
                    count_fill(x, c, l, t, f);
                    skipped[k % VRING] = st->index - c->st_skip;
                    k++;
                    break;
                }
            }
            /* version v (of those found from `from` on) stands for v + d */
            for (uint64_t v = a; v < lt->found; v++) {
                const uint64_t w = v + d[l][t];
                const uint64_t f =
                    w < lt->found ? first[w - a] : skipped[(w - lt->found) % VRING];
                lt->first_step[v % VRING] = f - n;
            }
            if (lt->have_next && lt->found > a)
                lt->next_first_step = lt->first_step[(lt->found - 1) % VRING];
            c->st_voff[l][t] += d[l][t];
        }
    }
    c->st_from = from;
    c->st_skip += n;
    for (guint l = 1; l <= c->depth; l++)
        for (guint t = 0; t < c->nt; t++)
            if (c->lt[l][t].active && !c->lt[l][t].have_next && !c->lt[l][t].exhausted)
                lt_advance(x, c, &c->lt[l][t], l, t);
    const gboolean more = ts_walk_next(c->compute, st);
    g_assert(more);
    take_step(c, st);
}

/* Whether n units of steps from the step just taken (StepFit.from) can be skipped:
 * (1) the step after them starts an iteration of the same step loops as `from` (the same
 * (l, t) start new tile versions at both), so that a version open across `from` ends,
 * relabelled, where the one open across the skip's end does; (2) every (l, t) has the
 * versions that its versions issued from `from` on stand for (skip_steps). The versions that
 * start in each unit from `from` on are counted by a walk of its own, once. */
typedef struct {
    Exec *x;
    OpCtx *c;
    uint64_t from;
    TsWalk *walk;     /* at step from + units walked x st_unit */
    TsWalkStep *step; /* its steps (the executor's scratch step holds `from`) */
    GArray *cum;   /* uint64_t [u * nl * nt + l * nt + t]: versions starting in the first u units */
} StepFit;

/* The outermost step loop an iteration of which starts at step s. */
static guint wrap_level(const TsWalk *w, uint64_t s)
{
    guint j = ts_walk_n_step_loops(w);
    while (j > 0 && s % ts_walk_step_span(w, j) != 0)
        j--;
    return j;
}

static gboolean step_fits(void *data, uint64_t n)
{
    StepFit *f = data;
    OpCtx *c = f->c;
    /* the walk's steps (st_skip: the ones extrapolated in earlier segments) */
    const uint64_t at = f->from + c->st_skip, to = at + n * c->st_unit;
    if (to >= c->n_steps || wrap_level(c->compute, to) != wrap_level(c->compute, at))
        return FALSE;
    const guint row = c->nl * c->nt;
    if (f->walk == NULL) {
        f->walk = ts_walk_copy(c->compute);
        f->step = g_new(TsWalkStep, 1);
        for (uint64_t i = 0; i < at; i++)
            ts_walk_next(f->walk, f->step);
        f->cum = g_array_sized_new(FALSE, TRUE, sizeof(uint64_t), row);
        g_array_set_size(f->cum, row);
    }
    while (f->cum->len / row <= n) {
        const guint base = f->cum->len;
        g_array_set_size(f->cum, base + row);
        uint64_t *cur = &g_array_index(f->cum, uint64_t, base);
        memcpy(cur, cur - row, row * sizeof *cur);
        const TsWalkStep *st = f->step;
        for (uint64_t i = 0; i < c->st_unit && ts_walk_next(f->walk, f->step); i++)
            for (guint k = 0; k < st->n_before; k++)
                cur[st->before[k].level * c->nt + st->before[k].tensor]++;
    }
    const uint64_t *d = &g_array_index(f->cum, uint64_t, n * row);
    for (guint l = 1; l <= c->depth; l++) {
        for (guint t = 0; t < c->nt; t++) {
            const LevelTensor *lt = &c->lt[l][t];
            if (!lt->active)
                continue;
            const uint64_t dv = d[l * c->nt + t];
            const gboolean unfind = lt->have_next && lt->next_first_step >= f->from && dv > 0;
            /* the versions left to the schedule (st_voff: those skipped in earlier segments) */
            if (lt->found - unfind + dv > ts_walk_versions(c->compute, l, t) - c->st_voff[l][t])
                return FALSE;
        }
    }
    return TRUE;
}

static gboolean try_step(Exec *x, OpCtx *c)
{
    if (!c->have_step)
        return FALSE;
    const NextStep *st = &c->step;
    LockGroup *g = c->group;
    if (g != NULL) {
        /* lock-step: this lane's steps up to the next call boundary, then the next lane's */
        if (g->turn != c->lane)
            return FALSE;
        if (g->turn_steps > 0 && st->call_boundary) {
            pass_turn(g);
            return FALSE;
        }
    }
    if (c->steps_issued - c->steps_done >= STEPS_IN_FLIGHT || !step_ready(c, st->index))
        return FALSE;
    if (c->wb_len + st->n_after > WB_RING)
        return FALSE;
    const int ji = ts_exec_job_new(x, JOB_STEP, c->slot);
    Job *j = &x->jobs[ji];
    j->step = st->index;
    Part *cp = ts_exec_part_compute(
        x, j, x->compute_unit, st->iterations,
        (uint32_t)MIN(ts_walk_compute_instances(c->compute), (uint64_t)G_MAXUINT32));
    /* A partial step (imperfect factors) runs its share of a whole step's time; on a systolic
     * array as the passes its iterations fill (at least one), each with its share of the
     * pass's rows (M). */
    const double share = st->iterations < c->step_iterations
                             ? (double)st->iterations / (double)c->step_iterations
                             : 1.0;
    if (x->unit[x->compute_unit].role == UNIT_SYSTOLIC) {
        cp->passes = c->passes;
        double pass_share = 1.0;
        if (share < 1.0) {
            const uint64_t it = st->iterations, pi = c->pass_iterations;
            cp->passes = CLAMP(it / pi + (it % pi != 0), 1u, c->passes);
            pass_share = MIN((double)it / ((double)cp->passes * (double)pi), 1.0);
        }
        cp->work = pass_share < 1.0 ? MAX((uint64_t)ceil((double)c->gemm[0] * pass_share), 1u)
                                    : c->gemm[0];
        cp->n = c->gemm[1];
        cp->k = c->gemm[2];
    }
    step_inner(x, c, j, st->inner);
    c->macs += st->macs;
    ts_exec_compute_issued(x, c, c->step_compute_ps * share);
    for (guint i = 0; i < st->n_after; i++)
        wb_push(c, &st->after[i], st->index);
    c->steps_issued++;
    c->have_step = next_step(x, c);
    /* sampled steps: at the start of each unit of a segment, until its rest is extrapolated */
    const uint64_t at = c->step.index + c->st_skip; /* the walk's step */
    if (c->have_step && c->st_unit > 0 && at % c->st_unit == 0 && at % c->st_seg != 0) {
        StepFit fit = {x, c, c->step.index, NULL, NULL, NULL};
        const uint64_t skip = ts_exec_sample_steps(
            x, c->op_index, c->op, c->st_unit, at % c->st_seg / c->st_unit,
            c->st_seg / c->st_unit, c->n_steps / c->st_unit, step_fits, &fit);
        if (fit.walk != NULL) {
            ts_walk_free(fit.walk);
            g_free(fit.step);
            g_array_free(fit.cum, TRUE);
        }
        if (skip > 0)
            skip_steps(x, c, skip * c->st_unit);
    }
    if (g != NULL) {
        g->turn_steps++;
        if (!c->have_step)
            pass_turn(g);
    }
    if (!c->have_step)
        ts_exec_ctx_compute_done(x, c);
    ts_exec_job_start(x, ji);
    return TRUE;
}

/* ---- the pump ------------------------------------------------------------------------------- */

static gboolean op_finished(const OpCtx *c)
{
    if (c->steps_done < sched_steps(c) || c->wb_len > 0)
        return FALSE;
    for (guint l = 0; l < c->nl; l++) {
        if (c->wb_outstanding[l] > 0)
            return FALSE;
        for (guint t = 0; t < c->nt; t++) {
            const LevelTensor *lt = &c->lt[l][t];
            if (lt->active && (lt->complete < lt->issued || lt->have_next))
                return FALSE;
        }
    }
    return TRUE;
}

/* Issues what the instance can issue now; TRUE when it issued anything. */
static gboolean pump_lane(Exec *x, OpCtx *c)
{
    gboolean any = FALSE, progress = TRUE;
    while (progress || c->repump) {
        progress = c->repump = FALSE;
        /* fills, outermost level first: parents land before children need them */
        for (guint l = 1; l <= c->depth; l++)
            progress |= try_fills(x, c, l);
        while (try_step(x, c))
            progress = TRUE;
        while (try_writeback(x, c))
            progress = TRUE;
        any |= progress;
    }
    return any;
}

/* A lock-step group, round after round until no lane can issue more: the lanes a change may
 * let go on, in order: lane 0 (its call's slots wait for every lane's steps), the lane whose
 * steps run and the next one (the turn), the lanes whose own jobs completed (repump), and
 * every lane once lane 0 has issued a call (each lane's part follows it). Once every lane is
 * finished, they complete together. */
static void pump_group(Exec *x, LockGroup *g)
{
    if (g->pumping) {
        g->repump = TRUE;
        return;
    }
    g->pumping = TRUE;
    do {
        g->repump = FALSE;
        const gboolean all = g->wake_all;
        g->wake_all = FALSE;
        for (guint i = 0; i < g->n; i++) {
            OpCtx *o = g->lane[i];
            if (all || o->repump || i == 0 || i == g->turn || i == (g->turn + 1) % g->n)
                if (pump_lane(x, o))
                    g->repump = TRUE;
        }
        g->repump |= g->wake_all;
    } while (g->repump);
    g->pumping = FALSE;
    for (guint i = 0; i < g->n; i++)
        if (!op_finished(g->lane[i]))
            return;
    const TsTick now = ts_sim_now(x->sim);
    for (guint i = 0; i < g->n; i++) {
        g->lane[i]->group = NULL;
        g->lane[i]->end_tick = now;
    }
    for (guint i = 0; i < g->n; i++)
        ts_exec_ctx_complete(x, g->lane[i]);
    g_free(g->lane);
    g_free(g);
}

void ts_exec_op_pump(Exec *x, OpCtx *c)
{
    if (!c->active)
        return;
    if (c->group != NULL) {
        c->repump = TRUE;
        pump_group(x, c->group);
        return;
    }
    if (c->pumping) {
        c->repump = TRUE; /* a job that completed at once: the running pump goes round again */
        return;
    }
    c->pumping = TRUE;
    pump_lane(x, c);
    c->pumping = FALSE;
    if (op_finished(c)) {
        c->end_tick = ts_sim_now(x->sim);
        ts_exec_ctx_complete(x, c);
    }
}

gboolean ts_exec_op_lockstep(const OpCtx *c)
{
    if (!c->link_batch)
        return FALSE;
    for (guint l = 1; l <= c->depth; l++)
        for (guint t = 0; t < c->nt; t++)
            if (c->lt[l][t].via_link)
                return TRUE;
    return FALSE;
}

void ts_exec_op_share_versions(OpCtx *lead, OpCtx *c)
{
    for (guint l = 1; l <= c->depth; l++) {
        for (guint t = 0; t < c->nt; t++) {
            LevelTensor *lt = &c->lt[l][t], *ld = &lead->lt[l][t];
            if (!lt->active || !lt->via_link || lt->cursor == NULL)
                continue;
            /* both have found version 0 (or none) from their own cursors */
            g_assert(lt->found == ld->found && lt->found <= 1 && lt->issued == 0);
            if (ld->found_xfer == NULL) {
                ld->found_xfer = g_new(TsWalkXfer, VRING);
                if (ld->found > 0)
                    ld->found_xfer[0] = ld->next;
            }
            g_clear_pointer(&lt->cursor, ts_walk_free);
        }
    }
}

void ts_exec_op_group(OpCtx **lane, guint n)
{
    LockGroup *g = g_new0(LockGroup, 1);
    g->n = n;
    g->lane = lane;
    for (guint i = 0; i < n; i++) {
        lane[i]->group = g;
        lane[i]->lane = i;
    }
}

void ts_exec_op_job_done(Exec *x, OpCtx *c, Job *j)
{
    switch (j->kind) {
    case JOB_FILL: {
        LevelTensor *lt = &c->lt[j->level][j->tensor];
        lt->fill_done[j->version % VRING] = TRUE;
        while (lt->complete < lt->issued && lt->fill_done[lt->complete % VRING])
            lt->complete++;
        break;
    }
    case JOB_WRITEBACK: {
        LevelTensor *lt = &c->lt[j->level][j->tensor];
        c->wb_outstanding[j->level]--;
        lt->wb_flag[j->version % VRING] = TRUE;
        while (lt->wb_done < lt->issued && lt->wb_flag[lt->wb_done % VRING])
            lt->wb_done++;
        break;
    }
    case JOB_STEP:
        c->step_flag[j->step % STEPS_IN_FLIGHT] = TRUE;
        while (c->steps_done < c->steps_issued && c->step_flag[c->steps_done % STEPS_IN_FLIGHT]) {
            c->step_flag[c->steps_done % STEPS_IN_FLIGHT] = FALSE;
            c->steps_done++;
        }
        c->last_compute_end = MAX(c->last_compute_end, j->end);
        break;
    default:
        break;
    }
    ts_exec_trace_job(x, c, j);
    ts_exec_job_free(x, (int)(j - x->jobs));
    ts_exec_op_pump(x, c);
}

/* ---- setting up ------------------------------------------------------------------------------ */

static uint64_t dim_mask_of(const TsOp *op, guint t)
{
    uint64_t m = 0;
    const TsTensor *tn = &op->tensors[t];
    for (guint r = 0; r < tn->n_ranks; r++)
        for (guint k = 0; k < tn->ranks[r].n_terms; k++)
            m |= G_GUINT64_CONSTANT(1) << tn->ranks[r].dim[k];
    return m;
}

/* The GEMM (M, N, K) a systolic array runs per pass: the extent of each dimension in one
 * iteration of the temporal loops above the innermost storage level (its loops and every
 * spatial loop), K the dimensions the output does not have, N the output's dimensions only the
 * filter operand has, M the rest (batch dimensions included); the passes one step spans (the
 * temporal loops from the depth to the level above the innermost: 1 at the finest walk), and
 * a pass's compute iterations. A step runs as its passes, each folded with its own fill and
 * drain, so the array's time does not depend on the walk depth. */
static void step_gemm(OpCtx *c)
{
    const TsOp *op = c->op;
    const TsMapping *m = c->mapping;
    int ifmap = ts_op_find_tensor(op, "Inputs");
    if (ifmap < 0 || (guint)ifmap == op->output)
        ifmap = op->output == 0 ? 1 : 0;
    const uint64_t out = dim_mask_of(op, op->output), in = dim_mask_of(op, (guint)ifmap);
    const guint inner = c->nl - 1;
    c->gemm[0] = c->gemm[1] = c->gemm[2] = 1;
    c->passes = c->pass_iterations = 1;
    for (guint d = 0; d < op->n_dims; d++) {
        uint64_t e = m->level[inner].temporal[d];
        c->pass_iterations *= m->level[inner].temporal[d];
        for (guint l = 0; l < c->nl; l++) {
            e *= (uint64_t)m->level[l].spatial_x[d] * m->level[l].spatial_y[d];
            if (l >= c->depth && l < inner)
                c->passes *= m->level[l].temporal[d];
        }
        const gboolean o = (out >> d) & 1u, i = (in >> d) & 1u;
        c->gemm[!o ? 2 : (!i ? 1 : 0)] *= e;
    }
}

/* Whether tensor t of op is a parameter (weights of a projection: nothing in the layer writes
 * them) rather than an activation the previous op produced. */
static gboolean is_parameter(const TsOp *op, guint t)
{
    return op->param_elements > 0 && t != op->output && op->tensors[t].name != NULL &&
           strcmp(op->tensors[t].name, "Weights") == 0;
}

/* A walk of c's mapping at its depth: a copy of the executor's walk of the same (model,
 * mapping, depth), sharing its loop nest, or a new one that becomes that walk. */
static TsWalk *ctx_walk(Exec *x, const OpCtx *c)
{
    const TsWalk *p = x->walk_proto;
    if (p == NULL || ts_walk_model(p) != c->model || ts_walk_depth(p) != c->depth ||
        !ts_mapping_equal(ts_walk_mapping(p), c->mapping)) {
        TsWalk *w = ts_walk_new(c->model, c->mapping, c->depth, &x->error);
        if (w == NULL)
            return NULL;
        g_clear_pointer(&x->walk_proto, ts_walk_free);
        g_clear_pointer(&x->dma_proto, g_rc_box_release);
        x->walk_proto = w;
    }
    return ts_walk_copy(x->walk_proto);
}

gboolean ts_exec_op_begin(Exec *x, OpCtx *c)
{
    const TsModel *m = c->model;
    c->nl = ts_model_n_levels(m);
    c->nt = c->op->n_tensors;
    /* the op's walk depth, once for all its instances and lanes */
    if (x->depth_model != m || x->depth_mapping != c->mapping) {
        if (!ts_exec_walk_depth(x->arch, m, c->mapping, x->max_steps, &x->depth_of, &x->error))
            return FALSE;
        x->depth_model = m;
        x->depth_mapping = c->mapping;
    }
    c->depth = x->depth_of;
    c->compute = ctx_walk(x, c);
    if (c->compute == NULL)
        return FALSE;
    /* the next step's rows: after-transfers and inner counts, nl x nt each */
    c->step.after = g_new(TsWalkXfer, c->nl * c->nt);
    c->step.inner = g_new(TsWalkCounts, c->nl * c->nt);
    c->n_steps = ts_walk_n_steps(c->compute);
    c->step_iterations = ts_walk_step_iterations(c->compute);
    step_gemm(c);
    /* buffers: per level, tensors one after another, two slots where the capacity allows */
    for (guint l = 0; l < c->nl; l++) {
        const TsLevel *lv = ts_model_level(m, l);
        uint64_t held = 0;
        for (guint t = 0; t < c->nt; t++) {
            LevelTensor *lt = &c->lt[l][t];
            memset(lt, 0, sizeof *lt);
            if (!ts_walk_keeps(c->compute, l, t))
                continue;
            int peer = -1;
            for (guint q = 0; q < l; q++)
                if (ts_walk_keeps(c->compute, q, t))
                    peer = (int)q;
            lt->peer = peer;
            lt->active = l >= 1 && l <= c->depth && peer >= 0;
            lt->via_link = lt->active && link_between(x, (guint)peer, l) >= 0;
            lt->output = t == c->op->output;
            lt->dependent = !is_parameter(c->op, t);
            lt->nslots = 1;
            lt->slot_bytes = level_bytes(c, l, t, ts_walk_tile(c->compute, l, t));
            held += ts_walk_words(c->compute, l, t, ts_walk_tile(c->compute, l, t));
        }
        /* a second slot for the tensors refilled most often, while the level holds them */
        for (;;) {
            int best = -1;
            for (guint t = 0; t < c->nt; t++) {
                const LevelTensor *lt = &c->lt[l][t];
                if (!lt->active || lt->nslots == 2 || ts_walk_versions(c->compute, l, t) < 2)
                    continue;
                uint64_t w = ts_walk_words(c->compute, l, t, ts_walk_tile(c->compute, l, t));
                if (lv->size_words > 0 && held + w > lv->size_words)
                    continue;
                if (best < 0 || ts_walk_versions(c->compute, l, t) >
                                    ts_walk_versions(c->compute, l, (guint)best))
                    best = (int)t;
            }
            if (best < 0)
                break;
            c->lt[l][best].nslots = 2;
            held +=
                ts_walk_words(c->compute, l, (guint)best, ts_walk_tile(c->compute, l, (guint)best));
        }
        uint64_t at = 0;
        for (guint t = 0; t < c->nt; t++) {
            LevelTensor *lt = &c->lt[l][t];
            lt->sram_base = at;
            at += lt->nslots * lt->slot_bytes;
        }
    }
    for (guint l = 1; l <= c->depth; l++) {
        for (guint t = 0; t < c->nt; t++) {
            LevelTensor *lt = &c->lt[l][t];
            if (!lt->active)
                continue;
            lt->cursor = ctx_walk(x, c);
            if (lt->cursor == NULL)
                return FALSE;
            lt_advance(x, c, lt, l, t);
        }
    }
    /* one compute step's time on the compute unit */
    const Unit *cu = &x->unit[x->compute_unit];
    if (cu->role == UNIT_SYSTOLIC) {
        const TsSystolicConfig *cfg = ts_systolic_component_config(cu->comp);
        TsSystolicLayer gl = ts_systolic_layer_gemm(c->gemm[0], c->gemm[1], c->gemm[2]);
        TsSystolicResult r;
        if (!ts_systolic_run(cfg, &gl, &r, &x->error))
            return FALSE;
        /* a step of several passes travels with K and its passes in 32 bits each
         * (TS_SYSTOLIC_EV_PASSES), and its cycles stay within the model's 2^50 */
        if (c->passes > 1 && (c->gemm[2] > G_MAXUINT32 || c->passes > G_MAXUINT32 ||
                              (double)c->passes * (double)(r.cycles + 1) > 0x1p50)) {
            g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                        "op %s: a compute step of %" G_GUINT64_FORMAT
                        " passes of a GEMM M %" G_GUINT64_FORMAT " x N %" G_GUINT64_FORMAT
                        " x K %" G_GUINT64_FORMAT
                        " on the systolic array is beyond what the DES runs in one step "
                        "(K and the passes below 2^32, 2^50 cycles): walk the mapping deeper "
                        "(a larger max_steps)",
                        c->op->name, c->passes, c->gemm[0], c->gemm[1], c->gemm[2]);
            return FALSE;
        }
        c->step_compute_ps = (double)c->passes * (double)(r.cycles + 1) * cu->period_ps;
        c->step_ideal_ps =
            (double)c->passes *
            ceil((double)(c->gemm[0] * c->gemm[1] * c->gemm[2]) / (cfg->rows * cfg->cols)) *
            cu->period_ps;
    } else if (cu->role == UNIT_PIM) {
        /* the model's rate at the op's precision: issue fraction / slots per MAC */
        const TsPimCoreSpec *sp = ts_arch_level(x->arch, (guint)cu->level)->spec;
        const double macs_per_dpu_cycle =
            ts_model_macs_per_cycle(c->model) * ts_model_clock_hz(c->model) / sp->frequency_hz;
        c->dpu_slots_per_mac = sp->issue_fraction / macs_per_dpu_cycle;
        const double tasklets = (double)MAX(sp->tasklets, 1u);
        c->step_compute_ps = (double)ts_walk_step_iterations(c->compute) * c->dpu_slots_per_mac /
                             tasklets * (double)MAX(sp->tasklets, sp->revolver_cycles) *
                             cu->period_ps;
        c->step_ideal_ps = c->step_compute_ps;
    } else {
        c->step_compute_ps =
            ts_compute_unit_cycles(cu->comp, ts_walk_step_iterations(c->compute), 0) *
            cu->period_ps;
        c->step_ideal_ps = c->step_compute_ps;
    }
    c->link_batch = link_batched(x, c);
    if (!dma_inner_setup(x, c))
        return FALSE;
    /* sampled steps (perfect factors: the iterations of a step loop have the same steps):
     * segments are the iterations of the outermost step loop where it has fewer than
     * STEP_UNITS (they may differ in time, their tiles lying elsewhere in the DRAM's rows),
     * else the whole walk; units the iterations of the outermost step loops inside a segment
     * with STEP_UNITS at least. Not on a DPU nor where fills cross a host link: their calls
     * and DMA calls are few and long, and windows of them miss the op (random upmem-pim
     * mappings of test_exec_link came out over 4% off) */
    gboolean calls = x->unit[x->compute_unit].role == UNIT_PIM;
    for (guint l = 1; l <= c->depth; l++)
        for (guint t = 0; t < c->nt; t++)
            calls |= c->lt[l][t].via_link;
    if (c->st_sample && x->sample != NULL && !ts_walk_imperfect(c->compute) && !calls) {
        const guint ns = ts_walk_n_step_loops(c->compute);
        guint top = ns;
        while (top > 0 && ts_walk_step_span(c->compute, top - 1) == c->n_steps)
            top--;
        c->st_seg = c->n_steps;
        if (top > 0 && c->n_steps / ts_walk_step_span(c->compute, top - 1) < STEP_UNITS)
            c->st_seg = ts_walk_step_span(c->compute, top - 1);
        for (guint i = ns + 1; i-- > 0 && c->st_unit == 0;)
            if (c->st_seg / ts_walk_step_span(c->compute, i) >= STEP_UNITS)
                c->st_unit = ts_walk_step_span(c->compute, i);
        if (c->st_unit > 0 && c->n_steps / c->st_unit < STEP_UNITS_OP)
            c->st_unit = 0;
    }
    c->have_step = next_step(x, c);
    c->start_tick = ts_sim_now(x->sim);
    return TRUE;
}

void ts_exec_op_end(Exec *x, OpCtx *c)
{
    (void)x;
    if (c->group != NULL && c->lane == 0) {
        /* a group that never completed (the run stopped): its lanes let go of it */
        LockGroup *g = c->group;
        for (guint i = 0; i < g->n; i++)
            g->lane[i]->group = NULL;
        g_free(g->lane);
        g_free(g);
    }
    c->group = NULL;
    for (guint l = 0; l < TS_ARCH_MAX_LEVELS; l++) {
        for (guint t = 0; t < TS_MAX_TENSORS; t++) {
            g_clear_pointer(&c->lt[l][t].cursor, ts_walk_free);
            g_clear_pointer(&c->lt[l][t].found_xfer, g_free);
        }
    }
    g_clear_pointer(&c->compute, ts_walk_free);
    g_clear_pointer(&c->step.after, g_free);
    g_clear_pointer(&c->step.inner, g_free);
    g_clear_pointer(&c->wb, g_free);
    c->wb_cap = c->wb_head = c->wb_len = 0;
    g_clear_pointer(&c->dma, g_rc_box_release);
}

/* ---- the lanes' memory ---------------------------------------------------------------------- */

gsize ts_exec_lane_bytes(const TsWalk *walk)
{
    const TsModel *m = ts_walk_model(walk);
    const TsOp *op = ts_model_op(m);
    const guint nl = ts_model_n_levels(m), nt = op->n_tensors;
    const guint depth = ts_walk_depth(walk);
    gsize cursors = 0, outputs = 0;
    for (guint l = 1; l <= depth && l < nl; l++) {
        for (guint t = 0; t < nt; t++) {
            gboolean peer = FALSE;
            for (guint q = 0; q < l; q++)
                peer |= ts_walk_keeps(walk, q, t);
            if (!ts_walk_keeps(walk, l, t) || !peer)
                continue;
            cursors++;
            outputs += t == op->output;
        }
    }
    /* jobs in flight: a fill per slot of each cursor's tensor (two at most), a write-back per
     * slot of an output's, the steps in flight; each a part in a unit's wait queue at most.
     * The job pool and the wait queues grow by doubling: twice that. */
    const gsize jobs = 2 * (2 * cursors + 2 * outputs + STEPS_IN_FLIGHT);
    return sizeof(OpCtx) + sizeof(OpCtx *) +
           (gsize)nl * nt * (sizeof(TsWalkXfer) + sizeof(TsWalkCounts)) +
           WB_RING * sizeof(Writeback) + (1 + cursors) * ts_walk_bytes(walk) +
           jobs * (sizeof(Job) + sizeof(guint32));
}

gboolean ts_exec_lanes_fit(const TsOp *op, uint64_t lanes, gsize lane_bytes, uint64_t budget,
                           GError **error)
{
    if (lanes <= 1 || (double)lanes * (double)lane_bytes <= (double)budget)
        return TRUE;
    /* the budget in KiB below 1 MiB (the smallest accepted is 1 KiB) */
    const gboolean kib = budget < (G_GUINT64_CONSTANT(1) << 20);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                "op %s: its %" G_GUINT64_FORMAT " instances share each host-link call and would "
                "run in lock-step in the DES, holding %.1f MiB of schedule state (%.1f KiB per "
                "instance), over the executor's budget of %.1f %s for a lock-step group",
                op->name ? op->name : "?", lanes, (double)lanes * (double)lane_bytes / 1048576.0,
                (double)lane_bytes / 1024.0, (double)budget / (kib ? 1024.0 : 1048576.0),
                kib ? "KiB" : "MiB");
    return FALSE;
}
