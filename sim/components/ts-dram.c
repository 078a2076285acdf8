/* The dram component (ts-dram.h): per (pseudo-)channel controller units on the bank-timing
 * engine (ts-dram-engine.c), woken by events only on cycles where a command can issue, a
 * transaction can move, a refresh falls due or a credit must return. Every structure is sized
 * at init (transaction records, queues, address maps, completion rings), so steady state
 * allocates nothing per request or command. */
#include "ts-dram.h"

#include <string.h>

#include "ts-dram-private.h"

#define NONE G_MAXUINT32
#define WAKE_EVENT 1u
#define NO_CYCLE G_MAXUINT64

/* ---- address -> record map (open addressing, linear probing, backward-shift delete) ---- */

typedef struct {
    guint64 key;
    guint32 val; /* NONE = empty */
} MapSlot;

/* Key and value share a slot, so a probe touches one cache line. */
typedef struct {
    MapSlot *slots;
    guint32 mask;
    guint32 n; /* entries */
} AddrMap;

static void map_init(AddrMap *m, guint32 min_entries)
{
    guint32 cap = 16;
    while (cap < 2 * min_entries)
        cap <<= 1;
    m->slots = g_new(MapSlot, cap);
    for (guint32 i = 0; i < cap; i++)
        m->slots[i] = (MapSlot){0, NONE};
    m->mask = cap - 1;
}

static void map_clear(AddrMap *m)
{
    g_free(m->slots);
}

static inline guint32 map_slot(const AddrMap *m, guint64 key)
{
    return (guint32)((key * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> 40) & m->mask;
}

/* The slot holding key, or the empty slot ending its probe. */
static inline MapSlot *map_find(const AddrMap *m, guint64 key)
{
    for (guint32 i = map_slot(m, key);; i = (i + 1) & m->mask)
        if (m->slots[i].val == NONE || m->slots[i].key == key)
            return &m->slots[i];
}

static guint32 map_get(const AddrMap *m, guint64 key)
{
    return m->n == 0 ? NONE : map_find(m, key)->val;
}

static void map_put(AddrMap *m, guint64 key, guint32 val)
{
    MapSlot *e = map_find(m, key);
    m->n += e->val == NONE;
    *e = (MapSlot){key, val};
}

/* The value of key; when it has none, key is entered with val and NONE returned. */
static inline guint32 map_get_or_put(AddrMap *m, guint64 key, guint32 val)
{
    MapSlot *e = map_find(m, key);
    if (e->val != NONE)
        return e->val;
    m->n++;
    *e = (MapSlot){key, val};
    return NONE;
}

static void map_del(AddrMap *m, guint64 key)
{
    MapSlot *e = map_find(m, key);
    if (e->val == NONE)
        return;
    guint32 i = (guint32)(e - m->slots);
    m->slots[i].val = NONE;
    m->n--;
    for (guint32 j = (i + 1) & m->mask; m->slots[j].val != NONE; j = (j + 1) & m->mask) {
        guint32 home = map_slot(m, m->slots[j].key);
        /* Move j back into the hole i when its home does not lie in (i, j]. */
        gboolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            m->slots[i] = m->slots[j];
            m->slots[j].val = NONE;
            i = j;
        }
    }
}

/* ---- records ---- */

typedef struct {
    TsMemReq req;
    guint64 key;   /* its key in the pending maps: its burst address within the unit, wrapped */
    guint64 added; /* acceptance cycle */
    guint32 next_merged; /* reads to the same address waiting on this one */
    guint32 row, col;
    guint16 bank; /* bank within the rank */
    guint8 rank;
    guint8 is_write;
    guint8 holds_credit; /* merged read: its credit returns when the read issues */
} Trans;

typedef struct {
    guint32 trans;
    guint32 row, col;
    guint32 seq; /* order of entry into its command queue (wraps; compared as a difference) */
    guint16 bank;
    guint8 rank;
    guint8 cmd; /* RD, WR, RDA or WRA */
} CmdEntry;

/* A posted write's or a forwarded read's completion, one cycle after acceptance (its credit
 * returns then; reads served by the banks are counted at their READ, Unit.rd_ring). */
#define LAT_BINS 8192 /* read latency histogram, cycles; the last bin collects the rest */

typedef struct {
    guint64 cycle;
    guint64 latency_sum;
    guint32 count;
    guint16 credit_port; /* NONE16: no credit */
    guint8 is_write;
    guint8 credits;
} Done;

typedef struct {
    Done *e;
    guint32 cap, head, n;
} DoneRing;

static inline Done *ring_push(DoneRing *r)
{
    g_assert(r->n < r->cap);
    const guint32 i = r->head + r->n;
    Done *d = &r->e[i < r->cap ? i : i - r->cap];
    r->n++;
    return d;
}

typedef struct {
    guint8 cmd; /* REF or REFB */
    guint8 rank;
    guint16 bank;
} RefReq;

typedef struct Dram Dram;

/* An all-bank (PIM) request: bytes per PIM unit from a unit's byte offset, every unit of the
 * channel in lockstep. */
typedef struct {
    TsMemReq req;
    guint64 pos, end; /* next byte and the end (unit offsets) */
} AbReq;

/* Who owns the channel's banks: the normal FR-FCFS scheduler, or the all-bank path. */
enum { AB_OFF, AB_ON };
#define AB_QUEUE 4 /* all-bank requests queued per unit (credits of a "pim" element) */

enum { STALE_CMDS = 0xff, STALE_GROUP_ACT = 0x100, STALE_BOUNDS = 0x200 };

typedef struct {
    Dram *d;
    guint index;
    TsDramEngine eng;
    TsDramChecker *chk;
    TsPort *port;

    Trans *trans;
    guint32 *free_list;
    guint32 n_free, n_trans;
    guint32 *rq, *wq;     /* read (or unified) queue and write buffer, arrival order */
    guint16 *rq_q, *wq_q; /* the command queue of each entry */
    guint32 rq_n, wq_n;
    guint64 write_draining;
    gboolean sched_idle; /* the last scan moved nothing and nothing it depends on changed */
    AddrMap rd_pending, wr_pending;

    /* Command queue entries, kept per bank (cq_cap each, in queue order): a per-bank queue is
     * its bank's list; a per-rank queue is its banks' lists merged by seq. */
    CmdEntry *cq;
    guint32 cq_seq;                 /* seq of the next entry */
    guint32 *cq_n;                  /* entries per queue */
    guint8 *q_full;                 /* per queue: cq_n == cq_cap */
    guint64 *busy;                  /* bit per queue: it holds entries */
    guint32 *rq_wait, *wq_wait;     /* per command queue: transactions waiting to enter it */
    guint32 rq_movable, wq_movable; /* waiting transactions whose command queue has room */
    guint32 nq, cq_cap, q_idx;
    guint n_words;     /* words of the queue bitmask */
    gboolean per_bank; /* one command queue per bank (else one per rank) */
    /* Per bank of the unit (rank * banks_per_rank + bank): the commands its queued entries
     * need in DRAMsim3's arbitration (b_want, TsDramCmd bits), whether one hits its open row,
     * its entries, and b_lb, the earliest cycle it can issue one of them (NO_CYCLE with no
     * entries). b_lb is exact once refresh_bounds has run (with act_gate, below, a part of it
     * for a bank needing ACT): a bank is dirty when its entries or its state change
     * (re-derived), stale when a command raised, from another bank, the constraint of a
     * command it needs (re-bounded; wants[k] lists the banks needing k). Exact bounds make
     * every wake-up find a command to issue. */
    guint64 *b_lb;
    guint8 *b_want, *b_hit;
    guint16 *b_n;
    guint16 *b_nwr; /* per bank: how many of its entries are writes (with none, bank_update
                       needs no pass over them when the first one hits the open row) */
    guint32 *b_seq; /* per bank: the seq of its first entry (valid while it has entries; the
                       per-rank ACT pick compares banks' ages without touching their lists) */
    /* act_gate: the banks needing ACT, the oldest first entry first (their first entries do
     * not change while they need ACT), so the ACT pick stops at the first whose bound is
     * reached. */
    guint8 act_order[64];
    guint32 n_act_order;
    guint8 rd_cmd; /* the read command entries carry (RD, or RDA with close page) */
    guint64 *b_dirty, *b_stale, *wants;
    guint n_bwords;
    gboolean bounds_pending; /* some bank is dirty or stale */
    guint64 lb_min;          /* a lower bound of every b_lb (exact after next_wake) */
    guint64 *r_lb;           /* per rank: min of its banks' exact bounds (per-rank queues) */
    /* Per-rank queues with at most 64 banks in the unit (act_gate): a bank needing ACT (a
     * closed bank with entries) keeps in b_lb its own and its bank group's ACT cycle, without
     * its rank's (tRRD_S, tFAW, tRFC, other ranks' rules), so an ACT re-bounds only the banks
     * of its group; its exact bound is the later of b_lb and the rank's ACT cycle. a_min is
     * per rank the minimum b_lb of its banks needing ACT (recomputed for the ranks in
     * a_dirty), r_act the later of that and the rank's ACT cycle (the earliest exact bound of
     * those banks), col_banks the banks needing another command (their b_lb exact), r_col per
     * rank their minimum. Exact once refresh_bounds has run. stale_mask: per command, what it
     * re-bounds in other banks (up to 64 banks): STALE_CMDS, the commands whose banks it
     * re-bounds (with act_gate every one its wider rules delay but ACT); STALE_GROUP_ACT, its
     * group's banks needing ACT (act_gate: its group rules delay ACT); STALE_BOUNDS, its wider
     * rules delay something (the minima change). */
    gboolean act_gate;
    guint64 col_banks, a_dirty;
    guint64 *a_min, *r_act, *r_col;
    guint16 stale_mask[TS_DCMD_COUNT];
    guint64 *group_banks; /* act_gate: per bank, the bit mask of its bank group's banks */
    guint32 n_ready;      /* banks with a ready entry found by the last per-rank pick (act_gate:
                             exact up to 1, at least 2 when more are ready) */
    gboolean dual_alone;  /* one command queue, and no bank can issue twice in a cycle */

    RefReq *ref_q;
    guint32 ref_head, ref_n, ref_cap;
    gboolean in_ref;
    guint64 refresh_interval, next_refresh;
    guint next_rank, next_bank;
    TsDramRefCmd *ref_round; /* idle refresh skip: the round given to the checker */
    guint32 ref_round_n;

    DoneRing fast;
    /* Reads issued to the banks are counted (reads_done, lat_sum, hist) when their READ
     * issues; those whose data has not returned by read_pop (the latest cycle up to which
     * completions were counted: each READ's cycle, each statistics read's last cycle) are
     * pending, and the statistics leave them out. Their completion cycles and latencies are
     * the newest entries of rd_ring (written in issue order, so completion cycles never
     * decrease; rd_w entries written in rd_mask + 1 slots, which double when the slot to
     * write holds a pending read: at most one READ issues per cycle, so about read_delay
     * slots, more only while reads merge). */
    struct {
        guint64 cycle, latency;
    } * rd_ring;
    guint64 rd_w, rd_mask, read_pop;
    guint64 *hist; /* reads per latency (LAT_BINS), pending ones included */

    guint64 bg_last; /* background energy accounted up to this cycle */
    guint64 last_tick_cycle;

    /* statistics */
    guint64 reads_done, writes_done, read_cmds, write_cmds, read_hits, write_hits;
    guint64 acts, pres, refs, refbs;
    guint64 lat_sum, lat_min, lat_max;
    guint64 *active_cycles, *idle_cycles; /* per rank */

    /* all-bank (PIM) mode: requests from the "pim" element, the all-bank timing and state */
    TsPort *pim_port;
    TsDramAllBank ab;
    AbReq abq[AB_QUEUE];
    guint32 ab_head, ab_n;
    guint8 ab_mode;          /* AB_OFF or AB_ON */
    gboolean ab_yield;       /* a request finished with normal work waiting: close, hand over */
    guint64 ab_normal_until; /* the normal turn lasts until this cycle (while it has work) */
    guint64 ab_since;        /* cycle the all-bank path took the channel */
    guint64 ab_hold; /* it keeps the channel from normal work this long while it has requests */
    guint64 ab_acts, ab_reads, ab_writes, ab_pres, ab_busy;
} Unit;

struct Dram {
    TsComponent base;
    const TsDramSpec *spec;
    Unit *units;
    guint n_units;
    /* Every unit's read-latency histogram, LAT_BINS each, in one zeroed block: with several
     * units it is large enough for the allocator to map it fresh, so only the pages of bins
     * reads reach are ever touched. */
    guint64 *hists;
    gboolean check;
    guint32 burst_bytes;
    guint shift;
    guint pos[6], width[6]; /* ch ra bg ba ro co */
    guint64 fmask[6];       /* (1 << width) - 1 */
    guint64 addr_mask;      /* bits the mapping uses (after the shift), the channel's excepted
                               when ch_digit */
    /* A channel count that is not a power of two: the channel is a digit of radix n_units at
     * bit pos[F_CH] of the burst address (width[F_CH] = 0): channel = (a >> pos) mod n_units,
     * the fields above it taken from (a >> pos) / n_units, as controllers interleave 3, 6 or 12
     * channels by a modulo. */
    gboolean ch_digit;
    guint banks_per_rank, bpg;
    /* One wake event for every unit (they share the clock): at the earliest unit_wake. */
    guint64 *unit_wake;     /* per unit: next cycle to tick (NO_CYCLE = none) */
    guint64 wake_cycle;     /* cycle of the pending wake event (NO_CYCLE = none) */
    guint64 wake_seq;       /* identifies it; an event carrying another one was superseded */
    gboolean ticking;       /* units are ticking: the handler schedules the next wake after them */
    guint64 tick_cycle;     /* while ticking: the cycle */
    guint64 due;            /* while ticking, at most 64 units: the units due at tick_cycle */
    TsDramDoneFn done_hook; /* completions go to it instead of response events (NULL: events) */
    gboolean ref_due;       /* a refresh issued in this wake: idle units may skip ahead */
    gboolean refresh_step;  /* TILESIM_DRAM_REFRESH_STEP: tick every idle refresh (tests) */
    guint shape;            /* the configuration every unit's hot path is compiled for */
    gpointer done_user;
    double e_act, e_rd, e_wr, e_ref, e_refb, e_act_stb, e_pre_stb; /* pJ per command / cycle */
    guint banks_per_unit; /* all-bank mode: banks beside each PIM unit */
};

enum { F_CH, F_RA, F_BG, F_BA, F_RO, F_CO };

static const TsParamSpec dram_params[] = {
    {"check", TS_PARAM_BOOL, "", "false", 0, 0,
     "re-check every issued command against every timing rule (legality checker)"},
    {"banks_per_unit", TS_PARAM_INT, "banks", "1", 1, 65536,
     "all-bank mode: banks beside each PIM unit, read in turn (divides a channel's banks)"},
};

static const TsPortSpec dram_ports[] = {
    {"req", TRUE, "one per (pseudo-)channel: requests in, responses out (requester side credited)",
     TS_PORT_ARRAY | TS_PORT_ARRIVALS},
    {"pim", FALSE,
     "one per (pseudo-)channel: all-bank (PIM) requests in, responses out (requester side "
     "credited)",
     TS_PORT_ARRAY},
};

static const TsStatSpec dram_stats[] = {
    {"reads_done", TS_STAT_COUNTER, "requests", "reads whose data returned"},
    {"writes_done", TS_STAT_COUNTER, "requests", "writes accepted and acknowledged"},
    {"activates", TS_STAT_COUNTER, "commands", "ACT commands"},
    {"precharges", TS_STAT_COUNTER, "commands", "PRE commands"},
    {"refreshes", TS_STAT_COUNTER, "commands", "REF and REFb commands"},
    {"row_hits", TS_STAT_COUNTER, "commands", "RD/WR to a row opened by an earlier one"},
    {"column_commands", TS_STAT_COUNTER, "commands", "RD/WR/RDA/WRA commands"},
    {"read_latency_sum", TS_STAT_COUNTER, "cycles", "sum over reads of acceptance to data"},
    {"energy_pj", TS_STAT_COUNTER, "pJ", "command and background energy (rounded)"},
};

static inline Dram *dram_of(TsComponent *c)
{
    return TS_COMPONENT_DOWNCAST(Dram, c);
}

static guint log2u(guint64 v)
{
    guint n = 0;
    while ((G_GUINT64_CONSTANT(1) << n) < v)
        n++;
    return n;
}

static gboolean is_pow2(guint64 v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

static inline guint64 field(const Dram *d, guint64 a, int f)
{
    return (a >> d->pos[f]) & d->fmask[f];
}

/* The burst address of a byte address with the channel digit taken out when ch_digit (the
 * other fields then read by field()); *ch (may be NULL) the channel. */
static inline guint64 burst_addr(const Dram *d, guint64 addr, guint *ch)
{
    guint64 a = addr >> d->shift;
    if (G_LIKELY(!d->ch_digit)) {
        if (ch != NULL)
            *ch = (guint)field(d, a, F_CH);
        return a;
    }
    const guint p = d->pos[F_CH];
    const guint64 rest = a >> p;
    if (ch != NULL)
        *ch = (guint)(rest % d->n_units);
    return (a & ((G_GUINT64_CONSTANT(1) << p) - 1)) | (rest / d->n_units) << p;
}

guint ts_dram_unit_of(const TsComponent *dram, guint64 addr)
{
    const Dram *d = TS_COMPONENT_DOWNCAST(Dram, dram);
    guint ch;
    burst_addr(d, addr, &ch);
    return ch;
}

guint64 ts_dram_address(const TsComponent *dram, guint unit, guint rank, guint bankgroup,
                        guint bank, guint64 row, guint64 column)
{
    const Dram *d = TS_COMPONENT_DOWNCAST(Dram, dram);
    const guint64 v[6] = {unit, rank, bankgroup, bank, row, column};
    guint64 a = 0;
    for (int f = 0; f < 6; f++)
        a |= (v[f] & ((G_GUINT64_CONSTANT(1) << d->width[f]) - 1)) << d->pos[f];
    if (d->ch_digit) {
        const guint p = d->pos[F_CH];
        a = (a & ((G_GUINT64_CONSTANT(1) << p) - 1)) | ((a >> p) * d->n_units + unit % d->n_units)
                                                           << p;
    }
    return a << d->shift;
}

guint ts_dram_n_units(const TsComponent *dram)
{
    return TS_COMPONENT_DOWNCAST(Dram, dram)->n_units;
}

guint32 ts_dram_burst_bytes(const TsComponent *dram)
{
    return TS_COMPONENT_DOWNCAST(Dram, dram)->burst_bytes;
}

/* ---- wake-ups ---- */

/* Schedules the component's wake event at `cycle` unless one is due earlier; `reuse` (may be
 * NULL) is the wake event being handled, scheduled again instead of a new one. */
static void dram_wake_at_tick(Dram *d, guint64 cycle, TsTick tick, TsEvent *reuse)
{
    TsComponent *self = &d->base;
    d->wake_cycle = cycle;
    d->wake_seq++;
    TsEvent *ev = reuse ? reuse : ts_sim_event_new(self->sim, self, WAKE_EVENT);
    ev->payload.u64[0] = d->wake_seq;
    ts_sim_schedule(self->sim, ev, tick);
    ts_component_watch_arrivals(self, tick); /* arrivals before it may need an earlier wake */
}

static void dram_wake_at(Dram *d, guint64 cycle, TsEvent *reuse)
{
    if (cycle < d->wake_cycle)
        dram_wake_at_tick(d, cycle, ts_dram_cycle_tick(&d->base.clock, cycle), reuse);
}

/* Unit u ticks at `cycle` unless it ticks earlier already. */
static inline void unit_want_wake(Unit *u, guint64 cycle)
{
    guint64 *w = &u->d->unit_wake[u->index];
    if (cycle >= *w)
        return;
    *w = cycle;
    if (!u->d->ticking)
        dram_wake_at(u->d, cycle, NULL);
    else if (cycle == u->d->tick_cycle) /* a request read at the start of the cycle */
        u->d->due |= G_GUINT64_CONSTANT(1) << (u->index & 63);
    else if (G_UNLIKELY(cycle < u->d->tick_cycle))
        TS_ABORT(&u->d->base,
                 "unit %u: a request read at cycle %" G_GUINT64_FORMAT
                 " wakes it at %" G_GUINT64_FORMAT,
                 u->index, u->d->tick_cycle, cycle);
}

/* ---- statistics ---- */

/* Background cycles of each rank up to (excluding) `upto`, in its current state (a bank open
 * or none). Called before a command changes a rank's state at cycle `upto` (the cycle then
 * counts in the new state, as DRAMsim3 counts it) and when statistics are read, so the state
 * is constant over every interval accounted. */
static void account_background(Unit *u, guint64 upto)
{
    if (upto <= u->bg_last)
        return;
    guint64 n = upto - u->bg_last;
    for (guint r = 0; r < u->eng.ranks; r++) {
        if (u->eng.open_banks[r])
            u->active_cycles[r] += n;
        else
            u->idle_cycles[r] += n;
    }
    u->bg_last = upto;
}

/* A posted write's or a forwarded read's completion (latency 1: served from the buffer). */
static void count_done(Unit *u, const Done *d)
{
    if (d->is_write) {
        u->writes_done += d->count;
    } else {
        u->reads_done += d->count;
        u->lat_sum += d->latency_sum;
        u->hist[1] += d->count;
    }
    if (d->credits)
        ts_port_grant_credits(u->port, d->credits);
}

/* rd_ring doubled (its slot to write holds a pending read). */
static G_GNUC_NO_INLINE void rd_ring_grow(Unit *u)
{
    const guint64 cap = u->rd_mask + 1, mask = 2 * cap - 1;
    __typeof__(u->rd_ring) r = g_malloc0_n(2 * cap, sizeof *r);
    for (guint64 w = u->rd_w - MIN(u->rd_w, cap); w < u->rd_w; w++)
        r[w & mask] = u->rd_ring[w & u->rd_mask];
    g_free(u->rd_ring);
    u->rd_ring = r;
    u->rd_mask = mask;
}

/* The pending reads (rd_ring: completion after read_pop) from the newest: their number, and
 * their latency sum in *lat_sum; `sign` (+1, -1 or 0) is added to their histogram bins. The
 * oldest one's completion cycle in *oldest (NO_CYCLE with none). */
static guint64 pending_reads(Unit *u, guint64 *lat_sum, int sign, guint64 *oldest)
{
    guint64 n = 0, sum = 0;
    *oldest = NO_CYCLE;
    for (guint64 w = u->rd_w; w > 0; w--) {
        const guint64 i = (w - 1) & u->rd_mask;
        if (u->rd_ring[i].cycle <= u->read_pop)
            break;
        g_assert(n <= u->rd_mask); /* the ring grows before it overwrites a pending read */
        n++;
        sum += u->rd_ring[i].latency;
        u->hist[MIN(u->rd_ring[i].latency, LAT_BINS - 1)] += (guint64)(gint64)sign;
        *oldest = u->rd_ring[i].cycle;
    }
    *lat_sum = sum;
    return n;
}

static G_GNUC_NO_INLINE void pop_fast_slow(Unit *u, guint64 cycle)
{
    while (u->fast.n && u->fast.e[u->fast.head].cycle <= cycle) {
        count_done(u, &u->fast.e[u->fast.head]);
        u->fast.head = u->fast.head + 1 == u->fast.cap ? 0 : u->fast.head + 1;
        u->fast.n--;
    }
}

/* Completes the posted writes and forwarded reads due by `cycle`: their credits return then. */
static inline void pop_fast(Unit *u, guint64 cycle)
{
    if (u->fast.n && u->fast.e[u->fast.head].cycle <= cycle)
        pop_fast_slow(u, cycle);
}

/* Counts every completion up to and including `cycle`. */
static void pop_done(Unit *u, guint64 cycle)
{
    u->read_pop = MAX(u->read_pop, cycle);
    pop_fast(u, cycle);
}

static void note_latency(Unit *u, guint64 lat)
{
    if (lat < u->lat_min)
        u->lat_min = lat;
    if (lat > u->lat_max)
        u->lat_max = lat;
}

/* ---- transactions in ---- */

static inline guint64 bit64(guint i)
{
    return G_GUINT64_CONSTANT(1) << (i & 63);
}

/* Bank gb's entries or state changed: what it needs is re-derived before the next pick. */
static inline void mark_dirty(Unit *u, guint gb)
{
    u->b_dirty[gb >> 6] |= bit64(gb);
    u->bounds_pending = TRUE;
}

static inline void set_busy(Unit *u, guint q, gboolean on)
{
    u->busy[q >> 6] = on ? u->busy[q >> 6] | bit64(q) : u->busy[q >> 6] & ~bit64(q);
}

/* Bookkeeping of transactions that can move: a command queue entering or leaving "full". */
static inline void cq_became_full(Unit *u, guint q)
{
    u->q_full[q] = 1;
    u->rq_movable -= u->rq_wait[q];
    u->wq_movable -= u->wq_wait[q];
}

static inline void cq_left_full(Unit *u, guint q)
{
    u->q_full[q] = 0;
    u->rq_movable += u->rq_wait[q];
    u->wq_movable += u->wq_wait[q];
}

static inline guint queue_of(const Unit *u, guint rank, guint bank)
{
    return u->d->spec->queue_structure == TS_DRAM_QUEUE_PER_RANK
               ? rank
               : rank * u->eng.banks_per_rank + bank;
}

/* The response to t, done at tick `at`: to the completion hook, else as an event. */
static G_GNUC_NO_INLINE void respond_event(Unit *u, const Trans *t, TsTick at)
{
    TsComponent *self = &u->d->base;
    TsEvent *ev = ts_sim_event_new(self->sim, NULL, TS_EVENT_MEM_RESPONSE);
    TsMemReq *r = ts_mem_req(ev);
    *r = t->req;
    r->done_tick = at;
    ts_port_send_from(u->port, ev, 0, at);
}

static inline void respond_at(Unit *u, const Trans *t, TsTick at)
{
    if (u->d->done_hook != NULL)
        u->d->done_hook(u->d->done_user, &t->req, at);
    else
        respond_event(u, t, at);
}

static void respond(Unit *u, const Trans *t, guint64 done_cycle)
{
    respond_at(u, t, ts_dram_cycle_tick(&u->d->base.clock, done_cycle));
}

static guint32 trans_alloc(Unit *u)
{
    if (G_UNLIKELY(u->n_free == 0))
        TS_ABORT(&u->d->base,
                 "unit %u: transaction records exhausted (a requester ignored credits)", u->index);
    return u->free_list[--u->n_free];
}

static void trans_free(Unit *u, guint32 i)
{
    u->free_list[u->n_free++] = i;
}

/* A transaction record for req (burst address a, pending-map key `key`) accepted at cycle
 * `added`, its address decoded. */
static inline guint32 trans_new(Unit *u, const TsMemReq *req, guint64 a, guint64 key, guint64 added,
                                gboolean write)
{
    const Dram *d = u->d;
    guint32 i = trans_alloc(u);
    Trans *t = &u->trans[i];
    t->req = *req;
    t->key = key;
    t->added = added;
    t->next_merged = NONE;
    t->is_write = (guint8)write;
    t->holds_credit = 0;
    t->rank = (guint8)field(d, a, F_RA);
    t->bank = (guint16)(field(d, a, F_BG) * d->bpg + field(d, a, F_BA));
    t->row = (guint32)field(d, a, F_RO);
    t->col = (guint32)field(d, a, F_CO);
    return i;
}

/* A request for burst address `a` (burst_addr) arriving at `arrival`. */
static inline __attribute__((always_inline)) void unit_request(Unit *u, const TsMemReq *req,
                                                               guint64 a, TsTick arrival)
{
    Dram *d = u->d;
    TsComponent *self = &d->base;
    if (G_UNLIKELY(req->bytes > d->burst_bytes || req->bytes == 0))
        TS_ABORT(self,
                 "request of %u bytes at 0x%" G_GINT64_MODIFIER "x: one burst is 1 .. %u bytes "
                 "(requesters split transfers into bursts)",
                 req->bytes, req->addr, d->burst_bytes);
    u->sched_idle = FALSE;
    /* Accepted at the first controller cycle after the arrival: the first edge after it. */
    const guint64 added = ts_dram_cycles_at(&self->clock, arrival) + 1;
    /* Addresses beyond the capacity wrap, as in DRAMsim3 (the mapping keeps its bits). */
    guint64 key = a & d->addr_mask;
    gboolean wr = req->op == TS_MEM_WRITE;
    if (wr) {
        if (map_get(&u->wr_pending, key) == NONE) {
            guint32 i = trans_new(u, req, a, key, added, TRUE);
            const Trans *t = &u->trans[i];
            map_put(&u->wr_pending, key, i);
            guint16 qi = (guint16)queue_of(u, t->rank, t->bank);
            gboolean room = u->cq_n[qi] < u->cq_cap;
            if (d->spec->unified_queue) {
                u->rq_q[u->rq_n] = qi;
                u->rq[u->rq_n++] = i;
                u->rq_wait[qi]++;
                u->rq_movable += room;
            } else {
                u->wq_q[u->wq_n] = qi;
                u->wq[u->wq_n++] = i;
                u->wq_wait[qi]++;
                u->wq_movable += room;
            }
            Done *dn = ring_push(&u->fast);
            *dn = (Done){added + 1, 0, 1, G_MAXUINT16, 1, 0};
        } else {
            Done *dn = ring_push(&u->fast); /* merged into the buffered write */
            *dn = (Done){added + 1, 0, 1, G_MAXUINT16, 1, 1};
        }
        Trans tmp = {.req = *req};
        respond(u, &tmp, added + 1);
        unit_want_wake(u, added);
        return;
    }
    if (map_get(&u->wr_pending, key) != NONE) { /* served from the write buffer */
        Done *dn = ring_push(&u->fast);
        *dn = (Done){added + 1, 1, 1, G_MAXUINT16, 0, 1};
        note_latency(u, 1);
        Trans tmp = {.req = *req};
        respond(u, &tmp, added + 1);
        unit_want_wake(u, added + 1);
        return;
    }
    guint32 i = trans_new(u, req, a, key, added, FALSE);
    Trans *t = &u->trans[i];
    guint32 head = map_get_or_put(&u->rd_pending, key, i);
    if (head != NONE) { /* merged with the pending read of this address */
        t->holds_credit = 1;
        t->next_merged = u->trans[head].next_merged;
        u->trans[head].next_merged = i;
        return;
    }
    guint16 qi = (guint16)queue_of(u, t->rank, t->bank);
    u->rq_q[u->rq_n] = qi;
    u->rq[u->rq_n++] = i;
    u->rq_wait[qi]++;
    u->rq_movable += u->cq_n[qi] < u->cq_cap;
    /* A read whose command queue is full cannot move before a command frees a slot (which
     * wakes the unit anyway), unless buffered writes make it change the drain decision. */
    if (u->cq_n[qi] < u->cq_cap || u->wq_n > 0)
        unit_want_wake(u, added);
}

/* ---- command selection ---- */

/* The entries of bank gb in queue order (b_n[gb] of them). */
static inline CmdEntry *bank_entries(const Unit *u, guint gb)
{
    return &u->cq[(gsize)gb * u->cq_cap];
}

static inline gboolean queue_in_ref(const Unit *u, guint q)
{
    const RefReq *r = &u->ref_q[u->ref_head];
    if (!u->per_bank)
        return q == r->rank;
    if (r->cmd == TS_DCMD_REF)
        return q / u->eng.banks_per_rank == r->rank;
    return q == r->rank * u->eng.banks_per_rank + r->bank;
}

/* DRAMsim3's read-to-write dependency: a write waits behind an earlier read of its column
 * (entry i of a bank's list: only entries of its bank can match). */
static inline gboolean write_behind_read(const CmdEntry *qe, guint i)
{
    const CmdEntry *e = &qe[i];
    for (guint j = 0; j < i; j++)
        if ((qe[j].cmd == TS_DCMD_RD || qe[j].cmd == TS_DCMD_RDA) && qe[j].row == e->row &&
            qe[j].col == e->col)
            return TRUE;
    return FALSE;
}

/* Earliest cycle bank gb can issue one of the commands it needs. */
static inline guint64 want_bound(const Unit *u, guint gb)
{
    const guint32 want = u->b_want[gb];
    if (want && !(want & (want - 1))) /* one command (a closed bank's ACT, most often) */
        return ts_dram_engine_earliest_at(&u->eng, (TsDramCmd)__builtin_ctz(want), gb);
    guint64 lb = NO_CYCLE;
    for (guint32 m = u->b_want[gb]; m; m &= m - 1)
        lb = MIN(lb, ts_dram_engine_earliest_at(&u->eng, (TsDramCmd)__builtin_ctz(m), gb));
    return lb;
}

/* With act_gate, the bound a bank needing ACT keeps: its own and its group's ACT cycle. */
static inline guint64 act_partial(const Unit *u, guint gb)
{
    const TsDramBank *b = &u->eng.bank[gb];
    return MAX(b->next[TS_DCMD_ACT], u->eng.group[b->group].next[TS_DCMD_ACT]);
}

/* Enters bank gb, which now needs ACT, into act_order by its first entry's seq. */
static inline void act_order_add(Unit *u, guint gb)
{
    const guint32 seq = u->b_seq[gb];
    guint i = u->n_act_order++;
    for (; i > 0 && (gint32)(seq - u->b_seq[u->act_order[i - 1]]) < 0; i--)
        u->act_order[i] = u->act_order[i - 1];
    u->act_order[i] = (guint8)gb;
}

static inline void act_order_remove(Unit *u, guint gb)
{
    guint i = 0;
    while (u->act_order[i] != gb)
        i++;
    for (u->n_act_order--; i < u->n_act_order; i++)
        u->act_order[i] = u->act_order[i + 1];
}

#ifndef NDEBUG
/* act_order holds exactly the banks needing ACT, oldest first. */
static void act_order_check(const Unit *u)
{
    guint64 seen = 0;
    for (guint i = 0; i < u->n_act_order; i++) {
        const guint gb = u->act_order[i];
        g_assert(gb < 64 && !(seen & (G_GUINT64_CONSTANT(1) << gb)));
        seen |= G_GUINT64_CONSTANT(1) << gb;
        g_assert(u->b_n[gb] > 0 && u->b_seq[gb] == u->cq[(gsize)gb * u->cq_cap].seq);
        g_assert(i == 0 || (gint32)(u->b_seq[gb] - u->b_seq[u->act_order[i - 1]]) > 0);
    }
    g_assert(seen == u->wants[TS_DCMD_ACT]);
}
#endif

/* What bank gb's entries need, by the pass over its entries (bank_update's general case). */
static guint8 bank_want_scan(const Unit *u, guint gb, guint8 *hit_out)
{
    const TsDramBank *b = &u->eng.bank[gb];
    const CmdEntry *qe = bank_entries(u, gb);
    const gboolean head_misses = (gint64)qe[0].row != b->open_row;
    guint8 want = 0, hit = 0;
    for (guint i = 0, n = u->b_n[gb]; i < n; i++) {
        if ((gint64)qe[i].row != b->open_row)
            continue;
        hit = 1;
        if ((qe[i].cmd == TS_DCMD_WR || qe[i].cmd == TS_DCMD_WRA) && write_behind_read(qe, i))
            continue;
        want |= (guint8)(1u << qe[i].cmd);
    }
    if (head_misses && !(hit && b->row_hits < 4))
        want |= 1u << TS_DCMD_PRE;
    *hit_out = hit;
    return want;
}

/* What bank gb's entries need, in DRAMsim3's arbitration, from its queue in order: ACT for a
 * closed bank; for an open one the column command of each row hit (but a write behind a read
 * of its column) and PRE when the bank's first entry misses, unless a hit is pending and fewer
 * than 4 hits were served since the ACT. Then its bound. one_word (n_bwords == 1) and act_gate
 * (u->act_gate) are constants at each call. A bank holding only reads whose first entry hits
 * needs exactly the read command (its entries all carry it; no PRE), without a pass. */
static inline __attribute__((always_inline)) void bank_update(Unit *u, guint gb, gboolean one_word,
                                                              gboolean act_gate)
{
    const TsDramBank *b = &u->eng.bank[gb];
    guint8 want = 0, hit = 0;
    if (u->b_n[gb] > 0 && b->open_row < 0) {
        want = 1u << TS_DCMD_ACT;
    } else if (u->b_n[gb] > 0) {
        if (u->b_nwr[gb] == 0 && (gint64)bank_entries(u, gb)->row == b->open_row) {
            hit = 1;
            want = (guint8)(1u << u->rd_cmd);
        } else {
            want = bank_want_scan(u, gb, &hit);
        }
#ifndef NDEBUG
        guint8 hit2;
        g_assert(want == bank_want_scan(u, gb, &hit2) && hit == hit2);
#endif
    }
    for (guint32 m = u->b_want[gb] ^ want; m; m &= m - 1)
        u->wants[one_word ? (gsize)__builtin_ctz(m)
                          : (gsize)__builtin_ctz(m) * u->n_bwords + (gb >> 6)] ^= bit64(gb);
    if (act_gate) { /* gb < 64: one word */
        /* The rank's ACT minimum stays exact unless the bank holding it leaves or rises. */
        if ((u->b_want[gb] & (1u << TS_DCMD_ACT)) && u->b_lb[gb] == u->a_min[b->rank])
            u->a_dirty |= bit64(b->rank);
        u->col_banks =
            want & ~(1u << TS_DCMD_ACT) ? u->col_banks | bit64(gb) : u->col_banks & ~bit64(gb);
        if ((u->b_want[gb] ^ want) & (1u << TS_DCMD_ACT)) {
            if (want & (1u << TS_DCMD_ACT))
                act_order_add(u, gb);
            else
                act_order_remove(u, gb);
        }
        u->b_want[gb] = want;
        u->b_hit[gb] = hit;
        if (want == 1u << TS_DCMD_ACT) {
            u->b_lb[gb] = act_partial(u, gb);
            u->a_min[b->rank] = MIN(u->a_min[b->rank], u->b_lb[gb]);
        } else {
            u->b_lb[gb] = want ? want_bound(u, gb) : NO_CYCLE;
        }
        return; /* refresh_bounds takes the minima */
    }
    u->b_want[gb] = want;
    u->b_hit[gb] = hit;
    u->b_lb[gb] = want ? want_bound(u, gb) : NO_CYCLE;
    u->lb_min = MIN(u->lb_min, u->b_lb[gb]);
}

/* The configuration a unit's hot path is compiled for (unit_shape; the _ functions take it as
 * a constant, so the branches on these settings fold). SHAPE_ANY reads every setting; the
 * others hold for every unit of the dram and imply one rank with at most 64 banks, separate
 * read and write queues, open page, no t32AW and no all-bank (PIM) port connected:
 * SHAPE_RANK_DUAL with per-rank command queues (act_gate) and dual command with dual_alone
 * (HBM2's presets), SHAPE_BANK with per-bank command queues and one command per cycle (DDR4's). */
enum { SHAPE_ANY, SHAPE_RANK_DUAL, SHAPE_BANK };

/* The minimum of n bounds (two running minima: half the dependency chain). */
static inline guint64 min_bound(const guint64 *lb, guint n)
{
    guint64 min = NO_CYCLE, min2 = NO_CYCLE;
    for (guint k = 0; k + 1 < n; k += 2) {
        min = MIN(min, lb[k]);
        min2 = MIN(min2, lb[k + 1]);
    }
    return MIN(MIN(min, min2), n & 1 ? lb[n - 1] : NO_CYCLE);
}

/* With act_gate (one word of banks): re-bounds the stale banks (those needing ACT to their
 * partial bound), then per rank the minimum over its banks needing ACT (when one changed)
 * and the exact minimum, the earlier of its banks needing other commands (exact bounds) and
 * the later of the rank's ACT cycle and that ACT minimum (max distributes over min). */
static inline __attribute__((always_inline)) void act_gate_bounds(Unit *u, guint64 stale,
                                                                  const guint shape)
{
    const TsDramEngine *e = &u->eng;
    const guint64 acts = u->wants[TS_DCMD_ACT];
    for (guint64 m = stale & ~acts; m; m &= m - 1) {
        const guint gb = (guint)__builtin_ctzll(m);
        u->b_lb[gb] = want_bound(u, gb);
    }
    for (guint64 m = stale & acts; m; m &= m - 1) { /* raised: the minimum may move */
        const guint gb = (guint)__builtin_ctzll(m), r = e->bank[gb].rank;
        if (u->b_lb[gb] == u->a_min[r])
            u->a_dirty |= bit64(r);
        u->b_lb[gb] = act_partial(u, gb);
    }
    if (shape == SHAPE_RANK_DUAL || e->ranks == 1) { /* the loops below for rank 0 */
        if (u->a_dirty) {
            guint64 min = NO_CYCLE;
            for (guint64 k = acts; k; k &= k - 1)
                min = MIN(min, u->b_lb[__builtin_ctzll(k)]);
            u->a_min[0] = min;
            u->a_dirty = 0;
        }
        guint64 col = NO_CYCLE;
        for (guint64 k = u->col_banks; k; k &= k - 1)
            col = MIN(col, u->b_lb[__builtin_ctzll(k)]);
        u->r_col[0] = col;
        u->r_act[0] = MAX(u->a_min[0], e->rank[0].next[TS_DCMD_ACT]);
        u->lb_min = u->r_lb[0] = MIN(col, u->r_act[0]);
        return;
    }
    const guint bpr = e->banks_per_rank;
    const guint64 rmask = bpr < 64 ? bit64(bpr) - 1 : G_MAXUINT64;
    for (guint64 m = u->a_dirty; m; m &= m - 1) {
        const guint r = (guint)__builtin_ctzll(m);
        guint64 min = NO_CYCLE;
        for (guint64 k = acts & (rmask << (r * bpr)); k; k &= k - 1)
            min = MIN(min, u->b_lb[__builtin_ctzll(k)]);
        u->a_min[r] = min;
    }
    u->a_dirty = 0;
    guint64 all = NO_CYCLE;
    for (guint r = 0; r < e->ranks; r++) {
        guint64 col = NO_CYCLE;
        for (guint64 k = u->col_banks & (rmask << (r * bpr)); k; k &= k - 1)
            col = MIN(col, u->b_lb[__builtin_ctzll(k)]);
        u->r_col[r] = col;
        u->r_act[r] = MAX(u->a_min[r], e->rank[r].next[TS_DCMD_ACT]);
        u->r_lb[r] = MIN(col, u->r_act[r]);
        all = MIN(all, u->r_lb[r]);
    }
    u->lb_min = all;
}

/* Makes every bank bound exact (dirty banks are re-derived, stale ones re-bounded); with
 * per-rank queues, then the minima over each rank and over the unit (exact: every pick reads
 * its queue's). Per-bank queues read their bank's bound; next_wake makes lb_min exact. */
static inline __attribute__((always_inline)) void refresh_bounds_(Unit *u, const guint shape)
{
    if (!u->bounds_pending)
        return;
    u->bounds_pending = FALSE;
    if (shape == SHAPE_RANK_DUAL || u->n_bwords == 1) {
        const guint64 dirty = u->b_dirty[0], stale = u->b_stale[0] & ~dirty;
        u->b_dirty[0] = u->b_stale[0] = 0;
        if (shape == SHAPE_RANK_DUAL || u->act_gate) {
            for (guint64 m = dirty; m; m &= m - 1)
                bank_update(u, (guint)__builtin_ctzll(m), TRUE, TRUE);
            act_gate_bounds(u, stale, shape);
            return;
        }
        for (guint64 m = dirty; m; m &= m - 1)
            bank_update(u, (guint)__builtin_ctzll(m), TRUE, FALSE);
        for (guint64 m = stale; m; m &= m - 1) {
            const guint gb = (guint)__builtin_ctzll(m);
            u->b_lb[gb] = want_bound(u, gb);
        }
    } else {
        for (guint w = 0; w < u->n_bwords; w++) {
            for (guint64 m = u->b_dirty[w]; m; m &= m - 1)
                bank_update(u, w * 64 + (guint)__builtin_ctzll(m), FALSE, FALSE);
            for (guint64 m = u->b_stale[w] & ~u->b_dirty[w]; m; m &= m - 1) {
                guint gb = w * 64 + (guint)__builtin_ctzll(m);
                u->b_lb[gb] = want_bound(u, gb);
            }
            u->b_dirty[w] = u->b_stale[w] = 0;
        }
    }
    if (u->per_bank)
        return;
    const guint bpr = u->eng.banks_per_rank;
    guint64 all = NO_CYCLE;
    for (guint r = 0; r < u->eng.ranks; r++) {
        u->r_lb[r] = min_bound(&u->b_lb[r * bpr], bpr);
        all = MIN(all, u->r_lb[r]);
    }
    u->lb_min = all;
}

/* refresh_bounds_ for every configuration (out of line), and inline for SHAPE_RANK_DUAL's
 * (one rank, one word of banks, act_gate: the branches on those fold). */
static G_GNUC_NO_INLINE void refresh_bounds_any(Unit *u)
{
    refresh_bounds_(u, SHAPE_ANY);
}

static inline __attribute__((always_inline)) void refresh_bounds_shaped(Unit *u, const guint shape)
{
    if (!u->bounds_pending)
        return;
    if (shape == SHAPE_RANK_DUAL)
        refresh_bounds_(u, SHAPE_RANK_DUAL);
    else
        refresh_bounds_any(u);
}

static void refresh_bounds(Unit *u)
{
    refresh_bounds_shaped(u, SHAPE_ANY);
}

typedef struct {
    TsDramCmd cmd;
    guint rank, bank;
    guint64 row;
    guint32 q, slot; /* command queue, and the entry in its bank's list (column commands) */
    guint32 seq;     /* the entry's seq */
} Pick;

/* DRAMsim3's GetFirstReadyInQueue over the entries of bank gb, whose exact bound b_lb[gb] is
 * reached (so it can issue one of the commands it needs): the first entry, in queue order,
 * whose needed command is ready. Only a bank's first entry can need ACT or PRE for it (an
 * earlier entry of a closed bank needs the same ACT; ArbitratePrecharge refuses a PRE behind
 * an earlier entry of the bank). A bank needing one command (b_want) has it ready: the first
 * entry needing it, without the engine. */
static inline gboolean first_ready_bank(Unit *u, guint gb, guint q, guint64 c, Pick *p)
{
    const CmdEntry *qe = bank_entries(u, gb);
    const guint n = u->b_n[gb], rank = qe[0].rank, bank = qe[0].bank;
    const TsDramEngine *eng = &u->eng;
    const TsDramBank *b = &eng->bank[gb];
    if (b->open_row < 0) { /* bound exact and reached: ACT is ready */
        *p = (Pick){TS_DCMD_ACT, rank, bank, qe[0].row, q, 0, qe[0].seq};
        return TRUE;
    }
    const guint32 want = u->b_want[gb];
    if (want == 1u << TS_DCMD_PRE) { /* the first entry misses, and PRE is ready */
        *p = (Pick){TS_DCMD_PRE, rank, bank, qe[0].row, q, 0, qe[0].seq};
        return TRUE;
    }
    if (!(want & (want - 1))) { /* one column command, ready: its first entry not held back */
        const TsDramCmd need = (TsDramCmd)__builtin_ctz(want);
        for (guint i = 0; i < n; i++) {
            const CmdEntry *e = &qe[i];
            if ((gint64)e->row != b->open_row || e->cmd != need ||
                ((need == TS_DCMD_WR || need == TS_DCMD_WRA) && write_behind_read(qe, i)))
                continue;
            *p = (Pick){need, rank, bank, e->row, q, i, e->seq};
            return TRUE;
        }
    }
    guint32 known = 0, ready = 0; /* commands looked up, and those ready at c */
    for (guint i = 0; i < n; i++) {
        const CmdEntry *e = &qe[i];
        TsDramCmd need = (gint64)e->row == b->open_row ? (TsDramCmd)e->cmd : TS_DCMD_PRE;
        if (need == TS_DCMD_PRE && (i > 0 || (u->b_hit[gb] && b->row_hits < 4)))
            continue; /* an earlier entry of the bank, or a pending hit, goes first */
        if (!(known & (1u << need))) {
            known |= 1u << need;
            if (ts_dram_engine_earliest(eng, need, rank, bank) <= c)
                ready |= 1u << need;
        }
        if (!(ready & (1u << need)))
            continue;
        if ((need == TS_DCMD_WR || need == TS_DCMD_WRA) && write_behind_read(qe, i))
            continue;
        *p = (Pick){need, rank, bank, e->row, q, i, e->seq};
        return TRUE;
    }
    return FALSE;
}

/* GetFirstReadyInQueue on a queue shared by the banks of rank q: the first entry in queue
 * order whose needed command is ready is the earliest (by seq) of the first ready entries of
 * the banks whose bound is reached. one_rank (a constant at each call): the unit has one rank. */
static inline __attribute__((always_inline)) gboolean first_ready(Unit *u, guint q, guint64 c,
                                                                  Pick *p, gboolean one_rank)
{
    const guint bpr = u->eng.banks_per_rank;
    guint found = 0;
    Pick cand;
    if (u->act_gate) {
        /* The banks needing other commands whose bound is reached, then, when one can, the
         * banks needing ACT whose partial bound is reached (a closed bank's first entry). */
        const guint64 rmask =
            one_rank ? G_MAXUINT64 : (bpr < 64 ? bit64(bpr) - 1 : G_MAXUINT64) << (q * bpr);
        /* The earliest entry is the oldest: its age (cq_seq - seq) the largest, every age >= 1. */
        guint32 best = 0;
        for (guint64 m = u->r_col[q] <= c ? u->col_banks & rmask : 0; m; m &= m - 1) {
            const guint gb = (guint)__builtin_ctzll(m);
            if (u->b_lb[gb] > c || !first_ready_bank(u, gb, q, c, &cand))
                continue;
            found++;
            if (u->cq_seq - cand.seq > best) {
                best = u->cq_seq - cand.seq;
                *p = cand;
            }
        }
        if (u->r_act[q] <= c) { /* the rank's ACT cycle is reached */
#ifndef NDEBUG
            act_order_check(u);
#endif
            /* The oldest of them is the first reached in act_order. The caller only asks
             * whether one bank or more is ready (n_ready == 1): the walk stops at the second
             * reached, or at the first when another command was found. */
            const guint need = found ? 1 : 2;
            guint act = G_MAXUINT, n_act = 0;
            for (guint i = 0; i < u->n_act_order; i++) {
                const guint gb = u->act_order[i];
                if (u->b_lb[gb] > c || !(rmask & bit64(gb)))
                    continue;
                act = n_act == 0 ? gb : act;
                if (++n_act == need)
                    break;
            }
            found += n_act;
            if (act != G_MAXUINT && u->cq_seq - u->b_seq[act] <= best)
                act = G_MAXUINT; /* a column command's entry is older */
            if (act != G_MAXUINT) {
                const CmdEntry *e = bank_entries(u, act);
                *p = (Pick){TS_DCMD_ACT, e->rank, e->bank, e->row, q, 0, e->seq};
            }
        }
        u->n_ready = found;
        return found > 0;
    }
    for (guint gb = q * bpr, end = gb + bpr; gb < end; gb++) {
        if (u->b_lb[gb] > c || !first_ready_bank(u, gb, q, c, &cand))
            continue;
        if (!found || (gint32)(cand.seq - p->seq) < 0)
            *p = cand;
        found++;
    }
    u->n_ready = found;
    return found > 0;
}

/* first_ready for one of several ranks (out of line: the ticks inline the one-rank case). */
static G_GNUC_NO_INLINE gboolean first_ready_ranks(Unit *u, guint q, guint64 c, Pick *p)
{
    return first_ready(u, q, c, p, FALSE);
}

/* Earliest exact bound of the banks of queue q (per-rank queues: the rank's banks). */
static inline guint64 queue_lb(const Unit *u, guint q)
{
    return u->per_bank ? u->b_lb[q] : u->r_lb[q];
}

/* DRAMsim3's GetCommandToIssue: queues in round-robin from the one after the last served (the
 * last served stays put when nothing issues). Empty queues cannot issue and are skipped: the
 * busy bits are walked from the start queue's word to the end, then from 0 back to it. */
static inline __attribute__((always_inline)) gboolean pick_command(Unit *u, guint64 c, Pick *p,
                                                                   const guint shape)
{
    refresh_bounds_shaped(u, shape);
    /* No queue can issue yet: a full round would leave q_idx where it is. */
    if (c < u->lb_min)
        return FALSE;
    if (u->nq == 1 && !u->per_bank) /* one rank: its bound is lb_min, NO_CYCLE when empty */
        return !(u->in_ref && queue_in_ref(u, 0)) && first_ready(u, 0, c, p, TRUE);
    if (u->nq == 1) /* one queue: the round below without its loop (q_idx stays 0) */
        return u->busy[0] && queue_lb(u, 0) <= c && !(u->in_ref && queue_in_ref(u, 0)) &&
               first_ready_bank(u, 0, 0, c, p);
    const guint nw = u->n_words, start = u->q_idx + 1 == u->nq ? 0 : u->q_idx + 1;
    const guint64 below = bit64(start) - 1; /* queues before `start` in its word */
    for (guint k = 0; k <= nw; k++) {
        const guint w = (start >> 6) + k < nw ? (start >> 6) + k : (start >> 6) + k - nw;
        guint64 m = u->busy[w] & (k == 0 ? ~below : k == nw ? below : G_MAXUINT64);
        for (; m; m &= m - 1) {
            const guint q = w * 64 + (guint)__builtin_ctzll(m);
            if (queue_lb(u, q) <= c && !(u->in_ref && queue_in_ref(u, q)) &&
                (u->per_bank ? first_ready_bank(u, q, q, c, p) : first_ready_ranks(u, q, c, p))) {
                u->q_idx = q;
                return TRUE;
            }
        }
    }
    return FALSE;
}

/* The refresh at the head of the refresh queue, or the precharge it needs first. */
static gboolean pick_refresh(Unit *u, guint64 c, Pick *p)
{
    const RefReq *r = &u->ref_q[u->ref_head];
    u->in_ref = TRUE;
    const TsDramEngine *e = &u->eng;
    if (r->cmd == TS_DCMD_REFB) {
        const TsDramBank *b = &e->bank[r->rank * e->banks_per_rank + r->bank];
        TsDramCmd need = b->open_row >= 0 ? TS_DCMD_PRE : TS_DCMD_REFB;
        if (c < ts_dram_engine_earliest(e, need, r->rank, r->bank))
            return FALSE;
        *p = (Pick){need, r->rank, r->bank, 0, NONE, NONE, 0};
        return TRUE;
    }
    guint ready = 0;
    for (guint k = 0; k < e->banks_per_rank; k++) {
        const TsDramBank *b = &e->bank[r->rank * e->banks_per_rank + k];
        TsDramCmd need = b->open_row >= 0 ? TS_DCMD_PRE : TS_DCMD_REF;
        if (c < ts_dram_engine_earliest(e, need, r->rank, k))
            continue;
        if (need == TS_DCMD_PRE) {
            *p = (Pick){TS_DCMD_PRE, r->rank, k, 0, NONE, NONE, 0};
            return TRUE;
        }
        ready++;
    }
    if (ready < e->banks_per_rank)
        return FALSE;
    *p = (Pick){TS_DCMD_REF, r->rank, 0, 0, NONE, NONE, 0};
    return TRUE;
}

/* ---- issue ---- */

/* Takes the column command of pick p out of its queue (counting the command and whether it
 * hit an open row) and returns its transaction record. */
static inline __attribute__((always_inline)) guint32
take_column(Unit *u, const Pick *p, const TsDramBank *b, gboolean write)
{
    u->sched_idle = FALSE; /* a command queue slot frees */
    if (write) {
        u->write_cmds++;
        u->write_hits += b->row_hits != 0;
    } else {
        u->read_cmds++;
        u->read_hits += b->row_hits != 0;
    }
    const guint gb = p->rank * u->eng.banks_per_rank + p->bank;
    CmdEntry *qe = bank_entries(u, gb);
    const guint slot = p->slot, n = u->b_n[gb];
    guint32 ti = qe[slot].trans;
    u->b_nwr[gb] -= write;
    memmove(&qe[slot], &qe[slot + 1], sizeof(CmdEntry) * (n - slot - 1));
    u->b_n[gb]--;
    u->b_seq[gb] = qe[0].seq; /* the new first entry's (stale when none is left: unread) */
    if (u->cq_n[p->q]-- == u->cq_cap)
        cq_left_full(u, p->q);
    if (u->cq_n[p->q] == 0)
        set_busy(u, p->q, FALSE);
    return ti;
}

static inline __attribute__((always_inline)) void issue_(Unit *u, const Pick *p, guint64 c,
                                                         const guint shape)
{
    Dram *d = u->d;
    TsDramEngine *e = &u->eng;
    const guint rank = shape != SHAPE_ANY ? 0 : p->rank;
    TsDramBank *b = &e->bank[rank * e->banks_per_rank + p->bank];
    /* A rank's first bank to open or last to close changes its background state at c. */
    if (G_UNLIKELY(p->cmd == TS_DCMD_ACT ? e->open_banks[rank] == 0
                                         : e->open_banks[rank] == 1 &&
                                               (p->cmd == TS_DCMD_PRE || p->cmd == TS_DCMD_RDA ||
                                                p->cmd == TS_DCMD_WRA)))
        account_background(u, c);
    switch (p->cmd) {
    case TS_DCMD_RD:
    case TS_DCMD_RDA: {
        guint32 ti = take_column(u, p, b, FALSE);
        guint64 done = c + e->read_delay;
        const TsTick done_tick = ts_dram_cycle_tick(&d->base.clock, done);
        u->read_pop = MAX(u->read_pop, c); /* the reads done by c are counted */
        map_del(&u->rd_pending, u->trans[ti].key);
        guint credits = 0;
        for (guint32 i = ti; i != NONE;) {
            Trans *t = &u->trans[i];
            guint64 lat = done - t->added;
            if (G_UNLIKELY(u->rd_ring[u->rd_w & u->rd_mask].cycle > u->read_pop))
                rd_ring_grow(u);
            const guint64 ri = u->rd_w++ & u->rd_mask;
            u->rd_ring[ri].cycle = done;
            u->rd_ring[ri].latency = lat;
            u->reads_done++;
            u->lat_sum += lat;
            u->hist[MIN(lat, LAT_BINS - 1)]++;
            note_latency(u, lat);
            respond_at(u, t, done_tick);
            credits += t->holds_credit;
            guint32 next = t->next_merged;
            trans_free(u, i);
            i = next;
        }
        if (credits)
            ts_port_grant_credits(u->port, credits);
        break;
    }
    case TS_DCMD_WR:
    case TS_DCMD_WRA: {
        guint32 ti = take_column(u, p, b, TRUE);
        map_del(&u->wr_pending, u->trans[ti].key);
        trans_free(u, ti);
        break;
    }
    case TS_DCMD_ACT:
        u->acts++;
        break;
    case TS_DCMD_PRE:
        u->pres++;
        break;
    case TS_DCMD_REF:
    case TS_DCMD_REFB:
        if (p->cmd == TS_DCMD_REF)
            u->refs++;
        else
            u->refbs++;
        u->ref_head = (u->ref_head + 1) % u->ref_cap;
        u->ref_n--;
        u->in_ref = FALSE;
        u->d->ref_due = TRUE;
        break;
    default:
        break;
    }
    if (p->cmd != TS_DCMD_REF) /* the bank's entries or state change */
        mark_dirty(u, rank * e->banks_per_rank + p->bank);
    /* Banks needing a command this one delays in other banks may now issue later. */
    if (shape != SHAPE_ANY || u->n_bwords == 1) { /* up to 64 banks: one word per command */
        const guint32 sm = u->stale_mask[p->cmd];
        guint64 stale = 0;
        for (guint32 m = sm & STALE_CMDS; m; m &= m - 1)
            stale |= u->wants[__builtin_ctz(m)];
        if (sm & STALE_GROUP_ACT) /* act_gate: the group's banks needing ACT */
            stale |= u->wants[TS_DCMD_ACT] & u->group_banks[rank * e->banks_per_rank + p->bank];
        u->b_stale[0] |= stale;
        u->bounds_pending |= sm != 0;
    } else {
        for (guint32 m = e->wide_mask[p->cmd]; m; m &= m - 1) {
            const guint64 *wk = &u->wants[(gsize)__builtin_ctz(m) * u->n_bwords];
            for (guint w = 0; w < u->n_bwords; w++)
                u->b_stale[w] |= wk[w];
            u->bounds_pending = TRUE;
        }
    }
    if (u->chk)
        ts_dram_checker_command(u->chk, c, p->cmd, rank, p->bank / d->bpg, p->bank % d->bpg,
                                p->row);
    ts_dram_engine_issue_(e, p->cmd, rank, p->bank, p->row, c, shape != SHAPE_ANY);
}

static void issue(Unit *u, const Pick *p, guint64 c)
{
    issue_(u, p, c, SHAPE_ANY);
}

/* Inline in the shaped ticks, with their constants. */
static inline __attribute__((always_inline)) void issue_shaped(Unit *u, const Pick *p, guint64 c,
                                                               const guint shape)
{
    if (shape != SHAPE_ANY)
        issue_(u, p, c, shape);
    else
        issue(u, p, c);
}

/* ---- transactions to commands ---- */

/* Entries of an arrival-ordered queue accepted by cycle c: only the latest arrivals can be
 * later, so count back from the tail. */
static inline guint eligible(const Unit *u, const guint32 *q, guint n, guint64 c)
{
    while (n > 0 && u->trans[q[n - 1]].added > c)
        n--;
    return n;
}

/* Removes entry i of the n entries of an arrival-ordered queue and of its command-queue
 * array: a fixed block of GAP_SLACK entries moves (in registers) when the rest fits in it, so
 * the arrays hold GAP_SLACK entries more than the queue. */
#define GAP_SLACK 16
static inline void queue_remove(guint32 *q, guint16 *qq, guint i, guint n)
{
    if (G_LIKELY(n - i - 1 <= GAP_SLACK)) {
        guint32 t[GAP_SLACK];
        guint16 tq[GAP_SLACK];
        memcpy(t, &q[i + 1], sizeof t);
        memcpy(&q[i], t, sizeof t);
        memcpy(tq, &qq[i + 1], sizeof tq);
        memcpy(&qq[i], tq, sizeof tq);
    } else {
        memmove(&q[i], &q[i + 1], sizeof(guint32) * (n - i - 1));
        memmove(&qq[i], &qq[i + 1], sizeof(guint16) * (n - i - 1));
    }
}

/* DRAMsim3's ScheduleTransaction: at most one transaction per cycle into its command queue. */
static inline __attribute__((always_inline)) gboolean schedule_transaction_(Unit *u, guint64 c,
                                                                            const guint shape)
{
    if (u->sched_idle)
        return FALSE;
    guint64 draining_before = u->write_draining;
    const TsDramSpec *s = u->d->spec;
    gboolean unified = shape == SHAPE_ANY && s->unified_queue;
    if (!unified && u->write_draining == 0) {
        guint nw = eligible(u, u->wq, u->wq_n, c);
        if (nw >= s->trans_queue_size ||
            (nw >= s->write_buf_size && eligible(u, u->rq, u->rq_n, c) == 0))
            u->write_draining = nw;
    }
    gboolean drain = !unified && u->write_draining > 0;
    guint32 *q = drain ? u->wq : u->rq;
    guint32 *qn = drain ? &u->wq_n : &u->rq_n;
    if ((drain ? u->wq_movable : u->rq_movable) == 0) {
        u->sched_idle = u->write_draining == draining_before;
        return FALSE; /* every waiting transaction's command queue is full */
    }
    guint n = eligible(u, q, *qn, c);
    guint16 *qq = drain ? u->wq_q : u->rq_q;
    guint32 *wait = drain ? u->wq_wait : u->rq_wait;
    guint32 *movable = drain ? &u->wq_movable : &u->rq_movable;
    guint i = 0;
    while (i < n && u->q_full[qq[i]])
        i++;
    if (i < n) {
        guint qi = qq[i];
        Trans *t = &u->trans[q[i]];
        if (!unified && t->is_write) {
            if (map_get(&u->rd_pending, t->key) != NONE) {
                u->write_draining = 0; /* re-examined next cycle (sched_idle stays clear) */
                return FALSE;
            }
            u->write_draining--;
        }
        TsDramCmd cmd = t->is_write ? TS_DCMD_WR : TS_DCMD_RD;
        if (shape == SHAPE_ANY && s->page_policy == TS_DRAM_PAGE_CLOSE)
            cmd = t->is_write ? TS_DCMD_WRA : TS_DCMD_RDA;
        wait[qi]--;
        (*movable)--;
        const guint gb = t->rank * u->eng.banks_per_rank + t->bank;
        if (++u->cq_n[qi] == 1)
            set_busy(u, qi, TRUE);
        if (u->cq_n[qi] == u->cq_cap)
            cq_became_full(u, qi);
        if (u->b_n[gb] == 0)
            u->b_seq[gb] = u->cq_seq;
        bank_entries(u, gb)[u->b_n[gb]++] =
            (CmdEntry){q[i], t->row, t->col, u->cq_seq++, t->bank, t->rank, (guint8)cmd};
        /* Behind other entries, one that misses the open row (or waits for a closed bank's
         * ACT) changes nothing the bank needs, and neither does a row hit whose command a
         * derived (not dirty) bank already needs: it adds that command or nothing (a write
         * behind a read), and a hit was pending already. A first entry or another hit may. */
        u->b_nwr[gb] += t->is_write;
        if (u->b_n[gb] == 1 ||
            ((gint64)t->row == u->eng.bank[gb].open_row &&
             (!(u->b_want[gb] & (1u << cmd)) || (u->b_dirty[gb >> 6] & bit64(gb))))) {
            mark_dirty(u, gb);
        } else if ((gint64)t->row == u->eng.bank[gb].open_row) {
#ifndef NDEBUG
            guint8 hit;
            g_assert(bank_want_scan(u, gb, &hit) == u->b_want[gb] && hit == u->b_hit[gb]);
#endif
        }
        queue_remove(q, qq, i, *qn);
        (*qn)--;
        ts_port_grant_credits(u->port, 1);
        /* Another move next cycle needs an entry with room in its command queue (or a write
         * buffer whose drain decision may change); otherwise wait for a change. */
        if (unified || u->wq_n == 0)
            u->sched_idle = u->rq_movable == 0;
        return TRUE;
    }
    /* Nothing moves until a command queue frees a slot, a request arrives or a read issues
     * (each clears the flag); a changed drain decision is re-examined next cycle. */
    u->sched_idle = u->write_draining == draining_before;
    return FALSE;
}

static gboolean schedule_transaction(Unit *u, guint64 c)
{
    return schedule_transaction_(u, c, SHAPE_ANY);
}

/* ---- refresh ---- */

static void insert_refresh(Unit *u)
{
    const TsDramSpec *s = u->d->spec;
    const TsDramEngine *e = &u->eng;
    guint n = s->refresh_policy == TS_DRAM_REFRESH_RANK_SIMULTANEOUS ? e->ranks : 1;
    for (guint i = 0; i < n; i++) {
        if (u->ref_n == u->ref_cap)
            TS_ABORT(&u->d->base, "unit %u: refresh queue overflow (refreshes cannot keep up)",
                     u->index);
        RefReq *r = &u->ref_q[(u->ref_head + u->ref_n) % u->ref_cap];
        u->ref_n++;
        if (s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED) {
            *r = (RefReq){TS_DCMD_REFB, (guint8)u->next_rank, (guint16)u->next_bank};
            if (++u->next_bank == e->banks_per_rank) {
                u->next_bank = 0;
                u->next_rank = (u->next_rank + 1) % e->ranks;
            }
        } else {
            guint rank = n > 1 ? i : u->next_rank;
            *r = (RefReq){TS_DCMD_REF, (guint8)rank, 0};
            if (n == 1)
                u->next_rank = (u->next_rank + 1) % e->ranks;
        }
    }
}

/* ---- the controller cycle ---- */

/* Earliest cycle after c at which anything can change with no new input: a refresh falls due,
 * a credit returns, an arrival becomes eligible, the pending refresh or a queued command can
 * issue (from the exact per-queue bounds, recomputed for the queues whose state changed). */
static inline __attribute__((always_inline)) guint64 next_wake_(Unit *u, guint64 c,
                                                                const guint shape)
{
    const gboolean per_bank = shape == SHAPE_ANY ? u->per_bank : shape == SHAPE_BANK;
    const guint ranks = shape == SHAPE_ANY ? u->eng.ranks : 1;
    guint64 w = u->next_refresh;
    if (u->fast.n)
        w = MIN(w, u->fast.e[u->fast.head].cycle);
    guint er = eligible(u, u->rq, u->rq_n, c), ew = eligible(u, u->wq, u->wq_n, c);
    if (er < u->rq_n && (u->rq_movable > 0 || u->wq_n > 0))
        w = MIN(w, u->trans[u->rq[er]].added);
    if (ew < u->wq_n)
        w = MIN(w, u->trans[u->wq[ew]].added);
    const TsDramEngine *e = &u->eng;
    if (u->ref_n) {
        const RefReq *r = &u->ref_q[u->ref_head];
        if (r->cmd == TS_DCMD_REFB) {
            const TsDramBank *b = &e->bank[r->rank * e->banks_per_rank + r->bank];
            w = MIN(w, ts_dram_engine_earliest(e, b->open_row >= 0 ? TS_DCMD_PRE : TS_DCMD_REFB,
                                               r->rank, r->bank));
        } else {
            guint64 pre = NO_CYCLE, ref = 0;
            for (guint k = 0; k < e->banks_per_rank; k++) {
                const TsDramBank *b = &e->bank[r->rank * e->banks_per_rank + k];
                if (b->open_row >= 0)
                    pre = MIN(pre, ts_dram_engine_earliest(e, TS_DCMD_PRE, r->rank, k));
                else
                    ref = MAX(ref, ts_dram_engine_earliest(e, TS_DCMD_REF, r->rank, k));
            }
            w = MIN(w, pre != NO_CYCLE ? pre : ref);
        }
    }
    refresh_bounds_shaped(u, shape);
    if (per_bank)
        u->lb_min = min_bound(u->b_lb, ranks * u->eng.banks_per_rank);
    if (!u->ref_n) {
        w = MIN(w, u->lb_min);
    } else if (!per_bank) {
        for (guint r = 0; r < ranks; r++)
            if (!queue_in_ref(u, r))
                w = MIN(w, u->r_lb[r]);
    } else {
        for (guint gb = 0, nb = ranks * u->eng.banks_per_rank; gb < nb; gb++)
            if (!queue_in_ref(u, gb))
                w = MIN(w, u->b_lb[gb]);
    }
    return MAX(w, c + 1);
}

static guint64 next_wake(Unit *u, guint64 c)
{
    return next_wake_(u, c, SHAPE_ANY);
}

/* ---- all-bank (PIM) mode ----
 * All-bank requests arrive on the "pim" elements and are served by this path alone: while it
 * owns the channel (AB_ON) the normal scheduler issues nothing (its transactions still move
 * into the command queues). Taking the channel: every bank the normal scheduler left open is
 * precharged (its own PRE timing), then ACTAB opens the request's row in every bank, column
 * commands RDAB / WRAB move one burst between every bank (slot) and its unit every tCOL, and the
 * row stays open (open page) until a request needs another row, a refresh falls due (PREAB,
 * then the normal refresh path: REF waits tRP, the next ACTAB tRFC) or normal work takes the
 * channel back. Arbitration with normal-mode traffic is by turns of at least
 * allbank_turn_rows (a `controller:` key, default 8) all-bank row cycles: normal work waiting
 * gets the channel when the all-bank queue empties, or at the next row boundary (or request
 * end) once the all-bank turn has lasted that long;
 * the normal turn then lasts as long, or until the normal scheduler runs dry, while all-bank
 * requests wait. docs/des.md section 11. */

/* Normal work the scheduler would issue: reads, queued commands, a write drain (buffered
 * writes below the drain threshold are posted and wait, as in normal mode). */
static gboolean normal_pending(const Unit *u)
{
    if (u->rq_n || u->write_draining)
        return TRUE;
    for (guint w = 0; w < u->n_words; w++)
        if (u->busy[w])
            return TRUE;
    return FALSE;
}

static void ab_request(Unit *u, const TsMemReq *req, TsTick arrival)
{
    Dram *d = u->d;
    TsComponent *self = &d->base;
    if (G_UNLIKELY(u->ab_n == AB_QUEUE))
        TS_ABORT(self, "unit %u: all-bank queue overflow (a requester ignored credits)", u->index);
    if (G_UNLIKELY(req->bytes == 0))
        TS_ABORT(self, "unit %u: all-bank request of 0 bytes", u->index);
    AbReq *r = &u->abq[(u->ab_head + u->ab_n) % AB_QUEUE];
    u->ab_n++;
    r->req = *req;
    r->pos = req->addr;
    r->end = req->addr + req->bytes;
    unit_want_wake(u, ts_dram_cycles_at(&self->clock, arrival) + 1);
}

/* Issues an all-bank command: the engine's banks, the checker, counts; the normal scheduler
 * re-derives every bank afterwards. */
static void ab_issue(Unit *u, TsDramCmd cmd, guint64 row, guint64 c)
{
    TsDramEngine *e = &u->eng;
    if (u->chk)
        ts_dram_checker_command(u->chk, c, cmd, 0, 0, 0, row);
    if (cmd == TS_DCMD_PREAB)
        u->ab_busy += c + u->d->spec->cycles.tRP - u->ab.act_cycle;
    if (cmd == TS_DCMD_ACTAB || cmd == TS_DCMD_PREAB)
        account_background(u, c); /* every rank opens or closes */
    ts_dram_allbank_issue(&u->ab, e, cmd, row, c);
    switch (cmd) {
    case TS_DCMD_ACTAB:
        u->ab_acts++;
        break;
    case TS_DCMD_PREAB:
        u->ab_pres++;
        break;
    case TS_DCMD_RDAB:
        u->ab_reads++;
        return;
    case TS_DCMD_WRAB:
        u->ab_writes++;
        return;
    default:
        return;
    }
    for (guint gb = 0, nb = e->ranks * e->banks_per_rank; gb < nb; gb++)
        mark_dirty(u, gb);
}

/* The column command of the head request at c: its burst, then the request's completion
 * (response at its data's arrival, credit back). */
static void ab_column(Unit *u, AbReq *r, TsDramCmd cmd, guint64 row, guint64 c)
{
    ab_issue(u, cmd, row, c);
    const guint64 burst = u->ab.burst_bytes;
    r->pos = (r->pos / burst + 1) * burst;
    if (r->pos < r->end)
        return;
    TsComponent *self = &u->d->base;
    const guint64 done = c + (cmd == TS_DCMD_RDAB ? u->ab.read_delay : u->ab.write_delay);
    const TsTick at = ts_dram_cycle_tick(&self->clock, done);
    TsEvent *ev = ts_sim_event_new(self->sim, NULL, TS_EVENT_MEM_RESPONSE);
    TsMemReq *m = ts_mem_req(ev);
    *m = r->req;
    m->done_tick = at;
    ts_port_send_from(u->pim_port, ev, 0, at);
    ts_port_grant_credits(u->pim_port, 1);
    u->ab_head = (u->ab_head + 1) % AB_QUEUE;
    u->ab_n--;
    if (normal_pending(u) && (u->ab_n == 0 || c >= u->ab_since + u->ab_hold))
        u->ab_yield = TRUE;
}

/* One cycle of the all-bank path. FALSE: the normal scheduler has the channel this cycle.
 * TRUE: the all-bank path owns it; *wake is the cycle it can act next (NO_CYCLE: an arrival
 * or a refresh wakes it). */
static gboolean ab_tick(Unit *u, guint64 c, guint64 *wake)
{
    TsDramAllBank *a = &u->ab;
    const TsDramEngine *e = &u->eng;
    *wake = NO_CYCLE;
    if (u->ab_mode == AB_OFF) {
        if (u->ab_n == 0 || (normal_pending(u) && c < u->ab_normal_until))
            return FALSE;
        u->ab_mode = AB_ON;
        u->ab_since = c;
    }
    AbReq *r = u->ab_n ? &u->abq[u->ab_head] : NULL;
    guint64 row = 0;
    guint slot, col;
    if (r != NULL)
        ts_dram_allbank_locate(a, r->pos, &row, &slot, &col);
    if (a->open_row >= 0) {
        /* at a row boundary, normal work that waited its turn gets the channel */
        if (r && (gint64)row != a->open_row && c >= u->ab_since + u->ab_hold && normal_pending(u))
            u->ab_yield = TRUE;
        const gboolean close = u->ref_n > 0 || u->ab_yield || (r && (gint64)row != a->open_row) ||
                               (!r && normal_pending(u));
        TsDramCmd cmd = close                       ? TS_DCMD_PREAB
                        : r == NULL                 ? TS_DCMD_COUNT
                        : r->req.op == TS_MEM_WRITE ? TS_DCMD_WRAB
                                                    : TS_DCMD_RDAB;
        if (cmd == TS_DCMD_COUNT)
            return TRUE; /* open page, nothing to move */
        const guint64 t = ts_dram_allbank_earliest(a, e, cmd);
        if (t > c) {
            *wake = t;
            return TRUE;
        }
        if (cmd == TS_DCMD_PREAB)
            ab_issue(u, cmd, (guint64)a->open_row, c);
        else
            ab_column(u, r, cmd, (guint64)a->open_row, c);
        *wake = c + 1;
        return TRUE;
    }
    /* Every all-bank row closed: a due refresh goes first, through the normal refresh path. */
    if (u->ref_n) {
        Pick p;
        if (pick_refresh(u, c, &p))
            issue(u, &p, c);
        *wake = c + 1;
        return TRUE;
    }
    if (r == NULL || u->ab_yield) {
        /* hand the channel back for a turn of the work queued now */
        u->ab_mode = AB_OFF;
        u->ab_yield = FALSE;
        u->ab_normal_until = c + u->ab_hold;
        return FALSE;
    }
    /* Banks the normal scheduler left open are precharged first. */
    guint64 pre = NO_CYCLE;
    for (guint gb = 0, nb = e->ranks * e->banks_per_rank; gb < nb; gb++) {
        if (e->bank[gb].open_row < 0)
            continue;
        const guint64 t = ts_dram_engine_earliest_at(e, TS_DCMD_PRE, gb);
        if (t <= c) {
            Pick p = {
                TS_DCMD_PRE, gb / e->banks_per_rank, gb % e->banks_per_rank, 0, NONE, NONE, 0};
            issue(u, &p, c);
            *wake = c + 1;
            return TRUE;
        }
        pre = MIN(pre, t);
    }
    if (pre != NO_CYCLE) {
        *wake = pre;
        return TRUE;
    }
    const guint64 t = ts_dram_allbank_earliest(a, e, TS_DCMD_ACTAB);
    if (t > c) {
        *wake = t;
        return TRUE;
    }
    ab_issue(u, TS_DCMD_ACTAB, row, c);
    *wake = c + 1;
    return TRUE;
}

/* The next cycle an all-bank-owned unit must tick besides the all-bank path's own: a refresh
 * falls due, a credit returns, transactions can move into the command queues. */
static guint64 ab_next_wake(Unit *u, guint64 c, guint64 ab_wake)
{
    guint64 w = MIN(ab_wake, u->next_refresh);
    if (u->fast.n)
        w = MIN(w, u->fast.e[u->fast.head].cycle);
    guint64 sum, oldest;
    if (pending_reads(u, &sum, 0, &oldest))
        w = MIN(w, oldest);
    if (!u->sched_idle)
        w = c + 1;
    guint er = eligible(u, u->rq, u->rq_n, c), ew = eligible(u, u->wq, u->wq_n, c);
    if (er < u->rq_n)
        w = MIN(w, u->trans[u->rq[er]].added);
    if (ew < u->wq_n)
        w = MIN(w, u->trans[u->wq[ew]].added);
    return MAX(w, c + 1);
}

/* The shape of unit u (enum above). */
static guint unit_shape(const Unit *u)
{
    const TsDramSpec *s = u->d->spec;
    if (u->eng.ranks != 1 || u->n_bwords != 1 || s->unified_queue ||
        s->page_policy != TS_DRAM_PAGE_OPEN || u->eng.aw32 != 0 ||
        ts_port_is_connected(u->pim_port))
        return SHAPE_ANY;
    if (u->act_gate && s->dual_command && u->dual_alone)
        return SHAPE_RANK_DUAL;
    if (u->per_bank && !s->dual_command)
        return SHAPE_BANK;
    return SHAPE_ANY;
}

static inline __attribute__((always_inline)) void unit_tick_(Unit *u, guint64 c, const guint shape)
{
    const gboolean dual = shape == SHAPE_ANY ? u->d->spec->dual_command : shape == SHAPE_RANK_DUAL;
    pop_fast(u, c);
    if (c == u->next_refresh) {
        insert_refresh(u);
        u->next_refresh += u->refresh_interval;
    }
    if (shape == SHAPE_ANY && G_UNLIKELY(u->ab_n || u->ab_mode != AB_OFF)) {
        guint64 ab_wake;
        if (ab_tick(u, c, &ab_wake)) {
            schedule_transaction(u, c);
            u->last_tick_cycle = c;
            u->d->unit_wake[u->index] = MIN(u->d->unit_wake[u->index], ab_next_wake(u, c, ab_wake));
            return;
        }
    }
    Pick p; /* set by the pick that returns TRUE */
    gboolean issued = FALSE, alone = FALSE;
    if (u->ref_n && pick_refresh(u, c, &p)) {
        issue_shaped(u, &p, c, shape);
        issued = TRUE;
    } else if (pick_command(u, c, &p, shape)) {
        alone = (shape == SHAPE_RANK_DUAL || u->dual_alone) && u->n_ready == 1;
        issue_shaped(u, &p, c, shape);
        issued = TRUE;
    }
    /* DRAMsim3 picks again and issues that command if it is of the other kind (row or
     * column). With one command queue, when the first pick found no other bank ready, none is
     * now (readiness only decreases) and the issuing bank cannot issue again this cycle
     * (dual_alone), so that pick finds nothing and changes nothing: skipped, and the bounds
     * the command changed are refreshed once, for the next wake or pick. */
    if (issued && dual && !alone) {
        gboolean column = p.cmd == TS_DCMD_RD || p.cmd == TS_DCMD_WR || p.cmd == TS_DCMD_RDA ||
                          p.cmd == TS_DCMD_WRA;
        Pick s;
        if (pick_command(u, c, &s, shape)) {
            gboolean s_column = s.cmd == TS_DCMD_RD || s.cmd == TS_DCMD_WR ||
                                s.cmd == TS_DCMD_RDA || s.cmd == TS_DCMD_WRA;
            if (s_column != column)
                issue_shaped(u, &s, c, shape);
        }
    }
    if (shape != SHAPE_ANY)
        schedule_transaction_(u, c, shape);
    else
        schedule_transaction(u, c);
    u->last_tick_cycle = c;
    guint64 w =
        u->sched_idle ? shape != SHAPE_ANY ? next_wake_(u, c, shape) : next_wake(u, c) : c + 1;
    /* all-bank work waits for the end of the normal turn */
    if (shape == SHAPE_ANY && G_UNLIKELY(u->ab_n))
        w = c + 1;
    u->d->unit_wake[u->index] = MIN(u->d->unit_wake[u->index], w);
}

static G_GNUC_NO_INLINE void unit_tick(Unit *u, guint64 c)
{
    unit_tick_(u, c, SHAPE_ANY);
}

static G_GNUC_NO_INLINE void unit_tick_rank_dual(Unit *u, guint64 c)
{
    unit_tick_(u, c, SHAPE_RANK_DUAL);
}

static G_GNUC_NO_INLINE void unit_tick_bank(Unit *u, guint64 c)
{
    unit_tick_(u, c, SHAPE_BANK);
}

/* ---- refresh while idle ----
 * A unit with nothing to do (no read, queued command, write acknowledgement or all-bank
 * request, no transaction that can move, every bank closed, no refresh pending) only
 * refreshes: each due refresh issues at once (every bank ready for it), a rank-simultaneous
 * batch one rank per cycle, and nothing else changes. Up to
 * the quiet horizon (ts_sim_quiet_until: nothing else can happen before it, and the busy
 * units' next cycles) those refreshes are counted instead of ticked: the first round (every
 * rank, or every bank for per-bank refresh, once) and at least the last one are issued as the
 * ticks would issue them (counts, refresh energy, the timing engine, whose state after them
 * depends only on each rank's or bank's latest refresh, and the checker), and the rounds
 * between them are counted, the checker checking them as repeats of the first round
 * (ts_dram_checker_refresh_repeat). Background energy is accounted per interval anyway. So
 * every figure is that of ticking each refresh; O(banks) per idle gap. */

/* Unit u is idle (no read, no command queued, nothing to move: posted writes below the drain
 * threshold may wait in the write buffer) and its next tick is its next refresh, which every
 * bank can take then. */
static gboolean refresh_idle(const Unit *u)
{
    const TsDramSpec *s = u->d->spec;
    const TsDramEngine *e = &u->eng;
    if (u->refresh_interval == 0 || u->ref_n || !u->sched_idle || u->rq_n || u->fast.n || u->ab_n ||
        u->ab_mode != AB_OFF || u->d->unit_wake[u->index] != u->next_refresh ||
        s->cycles.tRP > u->refresh_interval)
        return FALSE;
    const gboolean simultaneous = s->refresh_policy == TS_DRAM_REFRESH_RANK_SIMULTANEOUS;
    if (simultaneous && e->ranks > u->refresh_interval)
        return FALSE; /* a batch would run into the next one */
    for (guint w = 0; w < u->n_words; w++)
        if (u->busy[w])
            return FALSE;
    for (guint r = 0; r < e->ranks; r++)
        if (e->open_banks[r])
            return FALSE;
    const TsDramCmd cmd =
        s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED ? TS_DCMD_REFB : TS_DCMD_REF;
    for (guint gb = 0, nb = e->ranks * e->banks_per_rank; gb < nb; gb++)
        if (ts_dram_engine_earliest_at(e, cmd, gb) > u->next_refresh)
            return FALSE;
    return TRUE;
}

/* The ticks of an idle unit's next due refresh: it falls due and issues at once (a batch one
 * command per cycle), as unit_tick does; with `record` the commands go to the checker round. */
static void idle_refresh_due(Unit *u, gboolean record)
{
    const guint64 due = u->next_refresh;
    insert_refresh(u);
    u->next_refresh += u->refresh_interval;
    for (guint64 c = due; u->ref_n; c++) {
        Pick p;
        if (G_UNLIKELY(!pick_refresh(u, c, &p) || (p.cmd != TS_DCMD_REF && p.cmd != TS_DCMD_REFB)))
            TS_ABORT(&u->d->base, "unit %u: idle refresh not ready at cycle %" G_GUINT64_FORMAT,
                     u->index, c);
        if (record)
            u->ref_round[u->ref_round_n++] =
                (TsDramRefCmd){c, p.cmd, p.rank, p.bank / u->d->bpg, p.bank % u->d->bpg};
        issue(u, &p, c);
        u->last_tick_cycle = c;
    }
}

/* Every refresh of idle unit u whose commands lie before cycle `lim`. */
static void idle_refresh_run(Unit *u, guint64 lim)
{
    const TsDramSpec *s = u->d->spec;
    const TsDramEngine *e = &u->eng;
    const guint64 period = u->refresh_interval, first = u->next_refresh;
    const guint64 batch = s->refresh_policy == TS_DRAM_REFRESH_RANK_SIMULTANEOUS ? e->ranks : 1;
    if (lim < first + batch)
        return;
    const guint64 k = (lim - first - batch) / period + 1; /* refreshes falling due */
    /* refreshes per round: the rotation over ranks (banks) is back where it started */
    const guint64 m = s->refresh_policy == TS_DRAM_REFRESH_RANK_STAGGERED ? e->ranks
                      : s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED
                          ? (guint64)e->ranks * e->banks_per_rank
                          : 1;
    if (k < 3 * m) {
        for (guint64 j = 0; j < k; j++)
            idle_refresh_due(u, FALSE);
    } else {
        u->ref_round_n = 0;
        for (guint64 j = 0; j < m; j++)
            idle_refresh_due(u, TRUE);
        /* q rounds counted; then k - (q + 1) m in [m, 2m) issued, at least one round */
        const guint64 q = k / m - 2, cmds = q * m * batch;
        if (s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED)
            u->refbs += cmds;
        else
            u->refs += cmds;
        u->ref_head = (guint32)((u->ref_head + cmds % u->ref_cap) % u->ref_cap);
        u->next_refresh += q * m * period;
        if (u->chk)
            ts_dram_checker_refresh_repeat(u->chk, u->ref_round, u->ref_round_n, m * period, q);
        for (guint64 j = 0, rest = k - (q + 1) * m; j < rest; j++)
            idle_refresh_due(u, FALSE);
    }
    refresh_bounds(u);
    u->d->unit_wake[u->index] = u->next_refresh;
}

/* After a wake in which a refresh issued: every idle unit counts its refreshes up to the
 * quiet horizon. Returns the earliest unit's next cycle (`next` as the ticks left it, or
 * later). */
static G_GNUC_NO_INLINE guint64 idle_refresh_skip(Dram *d, guint64 next)
{
    d->ref_due = FALSE;
    if (d->refresh_step)
        return next;
    TsTick h = ts_sim_quiet_until(d->base.sim);
    if (h == TS_TICK_NEVER)
        return next; /* a run with no end and nothing else to do: tick on */
    guint n_idle = 0;
    for (guint i = 0; i < d->n_units; i++) {
        if (refresh_idle(&d->units[i]))
            n_idle++;
        else if (d->unit_wake[i] != NO_CYCLE)
            h = MIN(h, ts_dram_cycle_tick(&d->base.clock, d->unit_wake[i]));
    }
    if (n_idle == 0)
        return next;
    /* cycles below lim have their edges before h */
    const guint64 lim = ts_dram_edge_at_or_after(&d->base.clock, h);
    next = NO_CYCLE;
    for (guint i = 0; i < d->n_units; i++) {
        if (refresh_idle(&d->units[i]))
            idle_refresh_run(&d->units[i], lim);
        next = MIN(next, d->unit_wake[i]);
    }
    return next;
}

/* ---- kind callbacks ---- */

/* A request (an event or an arrival) on an element of "req" or "pim". */
static void dram_request(Dram *d, const TsEvent *ev)
{
    TsComponent *self = &d->base;
    const TsMemReq *r = ts_mem_req_const(ev);
    /* The element of "req" (spec entry 0) or of "pim" (1) it arrived on. */
    guint unit = ev->port - self->port_first[0];
    if (G_UNLIKELY(unit >= self->port_count[0])) {
        ab_request(&d->units[ev->port - self->port_first[1]], r, ev->tick);
        return;
    }
    guint want;
    const guint64 a = burst_addr(d, r->addr, &want);
    if (G_UNLIKELY(want != unit))
        TS_ABORT(self,
                 "request for 0x%" G_GINT64_MODIFIER "x (unit %u) arrived on req[%u]; "
                 "send on the element ts_dram_unit_of gives",
                 r->addr, want, unit);
    unit_request(&d->units[unit], r, a, ev->tick);
}

/* Reads the arrival queue (batched requests, ts-sim.h) up to (tick, priority): each request as
 * its event would have been handled there. */
static G_GNUC_NO_INLINE void take_arrivals(Dram *d, TsTick tick, guint8 priority)
{
    const TsEvent *ev;
    while ((ev = ts_component_arrival_due(&d->base, tick, priority)) != NULL) {
        dram_request(d, ev);
        ts_component_drop_arrival(&d->base);
    }
}

/* Whether reading request `ev` wakes its unit (unit_request, ab_request): a write, a read of a
 * buffered write, or a read whose command queue has room or that may change a drain decision.
 * Not for a read merged into a pending one, which may still answer TRUE (it then only reads
 * early). */
static gboolean request_wakes(const Dram *d, const TsEvent *ev)
{
    const TsComponent *self = &d->base;
    const TsMemReq *r = ts_mem_req_const(ev);
    const guint unit = ev->port - self->port_first[0];
    if (unit >= self->port_count[0] || r->op == TS_MEM_WRITE)
        return TRUE;
    const Unit *u = &d->units[unit];
    if (u->wq_n > 0)
        return TRUE;
    const guint64 a = burst_addr(d, r->addr, NULL);
    if (map_get(&u->wr_pending, a & d->addr_mask) != NONE)
        return TRUE;
    const guint bank = (guint)(field(d, a, F_BG) * d->bpg + field(d, a, F_BA));
    return u->cq_n[queue_of(u, (guint)field(d, a, F_RA), bank)] < u->cq_cap;
}

/* The cycle by which the queued arrivals must be read when the units' state stays as it is
 * until cycle `next` (their next wake; NO_CYCLE for none): an arrival is accepted at the first
 * cycle after it, and reading it there matters only if it wakes its unit; the others are read
 * at `next` with the same result (nothing changes before). So the acceptance cycle of the
 * first arrival before `next` that wakes its unit, else `next` (the first arrival's acceptance
 * cycle when `next` is NO_CYCLE). */
static guint64 arrivals_deadline(const Dram *d, guint64 next)
{
    const TsComponent *self = &d->base;
    if (next == NO_CYCLE)
        return ts_dram_cycles_at(&self->clock, ts_component_next_arrival(self)->tick) + 1;
    for (guint32 i = 0; i < self->arrivals_n; i++) {
        const TsEvent *ev = ts_component_arrival_at(self, i);
        const guint64 added = ts_dram_cycles_at(&self->clock, ev->tick) + 1;
        if (added >= next)
            break;
        if (request_wakes(d, ev))
            return added;
    }
    return next;
}

/* A batched request arrives before the next wake: the wake moves to the cycle at which it
 * must be read, if earlier (while the units tick, the wake loop takes it into account). */
static void dram_arrival(TsComponent *self, const TsEvent *arrival)
{
    Dram *d = dram_of(self);
    if (d->ticking)
        return;
    /* The arrivals queued before it that are accepted before the wake do not wake their units
     * (the wake was placed after them), and the state stays as it is until the wake; with no
     * wake pending it is read where it is accepted. */
    const guint64 added = ts_dram_cycles_at(&self->clock, arrival->tick) + 1;
    if (d->wake_cycle == NO_CYCLE || (added < d->wake_cycle && request_wakes(d, arrival)))
        dram_wake_at(d, added, NULL);
}

static void dram_handle(TsComponent *self, TsEvent *ev)
{
    Dram *d = dram_of(self);
    if (ev->type == WAKE_EVENT) {
        if (ev->payload.u64[0] != d->wake_seq)
            return; /* superseded by an earlier wake-up */
        /* The arrivals before this cycle are read, the units due this cycle tick (they are
         * independent: their order changes nothing), then the event is rescheduled at the
         * earliest next one (a unit's, or the cycle that reads the next arrival), or the
         * handler goes on to that cycle when no other event comes first (ts_sim_continue_at). */
        guint64 c = d->wake_cycle;
        TsTick tc = ev->tick;
        d->wake_cycle = NO_CYCLE;
        guint64 *w = d->unit_wake;
        const guint nu = d->n_units;
        guint64 due = 0; /* at most 64 units: those due at c, in index order */
        if (nu <= 64)
            for (guint i = 0; i < nu; i++)
                due |= (guint64)(w[i] == c) << i;
        for (;;) {
            guint64 next = NO_CYCLE;
            d->ticking = TRUE;
            d->tick_cycle = c;
            d->due = due;
            if (self->arrivals_n)
                take_arrivals(d, tc, 0);
            for (guint base = 0; base < nu; base += 64) {
                /* the units of this block due at c, in index order */
                guint64 bd = d->due;
                if (nu > 64) {
                    const guint n = MIN(64u, nu - base);
                    bd = 0;
                    for (guint i = 0; i < n; i++)
                        bd |= (guint64)(w[base + i] == c) << i;
                }
                for (; bd; bd &= bd - 1) {
                    const guint i = base + (guint)__builtin_ctzll(bd);
                    w[i] = NO_CYCLE;
                    if (d->shape == SHAPE_RANK_DUAL)
                        unit_tick_rank_dual(&d->units[i], c);
                    else if (d->shape == SHAPE_BANK)
                        unit_tick_bank(&d->units[i], c);
                    else
                        unit_tick(&d->units[i], c);
                }
            }
            /* the next cycle and the units due then (at most 64 units; one pass), after the
             * idle units' refreshes are counted up to the quiet horizon */
            due = 0;
            if (nu <= 64) {
                for (guint i = 0; i < nu; i++) {
                    if (w[i] < next) {
                        next = w[i];
                        due = 0;
                    }
                    due |= (guint64)(w[i] == next) << i;
                }
            } else {
                for (guint i = 0; i < nu; i++)
                    next = MIN(next, w[i]);
            }
            d->ticking = FALSE;
            if (G_UNLIKELY(d->ref_due)) {
                next = idle_refresh_skip(d, next);
                due = 0;
                if (nu <= 64)
                    for (guint i = 0; i < nu; i++)
                        due |= (guint64)(w[i] == next) << i;
            }
            /* An arrival accepted before the next cycle (one before the tick of the cycle
             * before it) may have to be read earlier. */
            if (self->arrivals_n && next != c + 1 &&
                (next == NO_CYCLE || ts_component_next_arrival(self)->tick <
                                         ts_dram_cycle_tick(&self->clock, next - 1))) {
                const guint64 a = arrivals_deadline(d, next);
                if (a < next) {
                    next = a;
                    due = 0;
                }
            }
            if (next == NO_CYCLE) {
                ts_component_watch_arrivals(self, TS_TICK_NEVER);
                return;
            }
            tc = ts_dram_cycle_tick(&self->clock, next);
            if (!ts_sim_continue_at(self->sim, tc, 0)) {
                dram_wake_at_tick(d, next, tc, ev);
                return;
            }
            ts_component_watch_arrivals(self, tc);
            c = next;
        }
    }
    /* A request event or the arrival queue's first entry: what came before it is read first,
     * and a wake reads what is queued after it. */
    if (self->arrivals_n)
        take_arrivals(d, ev->tick, ev->priority);
    if (ev->type == TS_EVENT_MEM_REQUEST)
        dram_request(d, ev);
    if (self->arrivals_n)
        dram_wake_at(d, arrivals_deadline(d, d->wake_cycle), NULL);
}

/* Whether a dual-command cycle's second pick finds nothing when the first pick found one bank
 * ready: one command queue (per-rank queues, one rank), and every command the controller issues
 * to a bank delays, in that bank, each command the bank can need next (after ACT its column
 * commands and PRE; after RD or WR those and PRE; after PRE, RDA or WRA the ACT) by at least
 * one cycle (the longest rule over the bank, group and rank scopes, all of which the bank
 * reads). */
static gboolean dual_alone(const Unit *u)
{
    const TsDramSpec *s = u->d->spec;
    const TsDramEngine *e = &u->eng;
    if (!s->dual_command || s->queue_structure != TS_DRAM_QUEUE_PER_RANK || e->ranks != 1)
        return FALSE;
    const gboolean close = s->page_policy == TS_DRAM_PAGE_CLOSE;
    const guint32 col =
        close ? (1u << TS_DCMD_RDA) | (1u << TS_DCMD_WRA) : (1u << TS_DCMD_RD) | (1u << TS_DCMD_WR);
    for (guint32 cmds = col | (1u << TS_DCMD_ACT) | (1u << TS_DCMD_PRE); cmds; cmds &= cmds - 1) {
        const guint a = (guint)__builtin_ctz(cmds);
        const gboolean closes = a == TS_DCMD_PRE || a == TS_DCMD_RDA || a == TS_DCMD_WRA;
        for (guint32 m = closes ? 1u << TS_DCMD_ACT : col | (1u << TS_DCMD_PRE); m; m &= m - 1) {
            const guint next = (guint)__builtin_ctz(m);
            guint32 delay = 0;
            for (guint sc = TS_DSCOPE_BANK; sc <= TS_DSCOPE_RANK; sc++)
                for (guint k = 0; k < e->rules->n[a][sc]; k++)
                    if (e->rules->d[a][sc][k].next == next)
                        delay = MAX(delay, e->rules->d[a][sc][k].cycles);
            if (delay == 0)
                return FALSE;
        }
    }
    return TRUE;
}

static gboolean unit_init(Dram *d, Unit *u, guint index, GError **error)
{
    const TsDramSpec *s = d->spec;
    u->d = d;
    u->index = index;
    const gboolean close_page = s->page_policy == TS_DRAM_PAGE_CLOSE;
    u->rd_cmd = close_page ? TS_DCMD_RDA : TS_DCMD_RD;
    g_autofree char *why = NULL;
    if (!ts_dram_engine_init(&u->eng, s, &why)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "%s", why);
        return FALSE;
    }
    if (index > 0)
        ts_dram_engine_share_rules(&u->eng, &d->units[0].eng);
    if (!ts_dram_allbank_init(&u->ab, s, d->banks_per_unit, &why)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "%s", why);
        return FALSE;
    }
    if (d->check) {
        g_autofree char *name = g_strdup_printf("%s unit %u", d->base.path, index);
        u->chk = ts_dram_checker_new(s, name);
    }
    guint T = (guint)s->trans_queue_size;
    u->nq = s->queue_structure == TS_DRAM_QUEUE_PER_RANK ? u->eng.ranks
                                                         : u->eng.ranks * u->eng.banks_per_rank;
    u->cq_cap = (guint32)s->cmd_queue_size;
    u->per_bank = s->queue_structure == TS_DRAM_QUEUE_PER_BANK;
    guint nbanks = u->eng.ranks * u->eng.banks_per_rank;
    u->n_bwords = (nbanks + 63) / 64;
    u->b_lb = g_new(guint64, nbanks);
    for (guint b = 0; b < nbanks; b++)
        u->b_lb[b] = NO_CYCLE;
    u->lb_min = NO_CYCLE;
    u->r_lb = g_new(guint64, u->eng.ranks);
    u->r_act = g_new(guint64, u->eng.ranks);
    u->r_col = g_new(guint64, u->eng.ranks);
    for (guint r = 0; r < u->eng.ranks; r++)
        u->r_lb[r] = u->r_act[r] = u->r_col[r] = NO_CYCLE;
    u->act_gate = !u->per_bank && u->n_bwords == 1;
    for (guint a = 0; a < TS_DCMD_COUNT; a++) {
        const guint32 wide = u->eng.wide_mask[a];
        u->stale_mask[a] = (guint16)((u->act_gate ? wide & ~(1u << TS_DCMD_ACT) : wide) |
                                     (wide ? STALE_BOUNDS : 0));
        for (guint k = 0; u->act_gate && k < u->eng.rules->n[a][TS_DSCOPE_GROUP]; k++)
            if (u->eng.rules->d[a][TS_DSCOPE_GROUP][k].next == TS_DCMD_ACT)
                u->stale_mask[a] |= STALE_GROUP_ACT;
    }
    if (u->act_gate) {
        const guint bpg = u->eng.banks_per_group;
        u->group_banks = g_new(guint64, nbanks);
        for (guint gb = 0; gb < nbanks; gb++)
            u->group_banks[gb] = (bpg < 64 ? bit64(bpg) - 1 : G_MAXUINT64) << (gb - gb % bpg);
    }
    u->a_min = g_new(guint64, u->eng.ranks);
    for (guint r = 0; r < u->eng.ranks; r++)
        u->a_min[r] = NO_CYCLE;
    u->b_want = g_new0(guint8, nbanks);
    u->b_hit = g_new0(guint8, nbanks);
    u->b_n = g_new0(guint16, nbanks);
    u->b_nwr = g_new0(guint16, nbanks);
    u->b_seq = g_new0(guint32, nbanks);
    u->b_dirty = g_new0(guint64, u->n_bwords);
    u->b_stale = g_new0(guint64, u->n_bwords);
    u->wants = g_new0(guint64, (gsize)TS_DCMD_COUNT * u->n_bwords);
    u->cq = g_new0(CmdEntry, (gsize)nbanks * u->cq_cap);
    u->cq_n = g_new0(guint32, u->nq);
    u->q_full = g_new0(guint8, u->nq);
    u->n_words = (u->nq + 63) / 64;
    u->busy = g_new0(guint64, u->n_words);
    u->rq_wait = g_new0(guint32, u->nq);
    u->wq_wait = g_new0(guint32, u->nq);
    u->q_idx = 0;
    /* Records: the queues, the command queues and merged reads (credit-bounded). */
    u->n_trans = 3 * T + u->nq * u->cq_cap + 4;
    u->trans = g_new0(Trans, u->n_trans);
    u->free_list = g_new(guint32, u->n_trans);
    for (guint32 i = 0; i < u->n_trans; i++)
        u->free_list[i] = u->n_trans - 1 - i;
    u->n_free = u->n_trans;
    /* GAP_SLACK more: queue_remove moves a fixed block */
    u->rq = g_new0(guint32, 2 * T + 1 + GAP_SLACK);
    u->wq = g_new0(guint32, 2 * T + 1 + GAP_SLACK);
    u->rq_q = g_new0(guint16, 2 * T + 1 + GAP_SLACK);
    u->wq_q = g_new0(guint16, 2 * T + 1 + GAP_SLACK);
    map_init(&u->rd_pending, u->n_trans);
    map_init(&u->wr_pending, u->n_trans);
    u->ref_cap = u->eng.ranks * u->eng.banks_per_rank + 16;
    u->ref_q = g_new0(RefReq, u->ref_cap);
    u->ref_round = g_new(TsDramRefCmd, (gsize)u->eng.ranks * u->eng.banks_per_rank);
    /* one READ per cycle completes read_delay later: room for four times that many */
    u->rd_mask = (G_GUINT64_CONSTANT(1) << log2u(4 * ((guint64)u->eng.read_delay + 2))) - 1;
    u->rd_ring = g_malloc0_n(u->rd_mask + 1, sizeof *u->rd_ring);
    u->hist = &d->hists[(gsize)index * LAT_BINS];
    u->fast.cap = 2 * T + 8;
    u->fast.e = g_new0(Done, u->fast.cap);
    u->lat_min = G_MAXUINT64;
    u->active_cycles = g_new0(guint64, u->eng.ranks);
    u->idle_cycles = g_new0(guint64, u->eng.ranks);
    switch (s->refresh_policy) {
    case TS_DRAM_REFRESH_RANK_STAGGERED:
        u->refresh_interval = s->cycles.tREFI / u->eng.ranks;
        break;
    case TS_DRAM_REFRESH_RANK_SIMULTANEOUS:
        u->refresh_interval = s->cycles.tREFI;
        break;
    case TS_DRAM_REFRESH_BANK_STAGGERED:
        u->refresh_interval = s->cycles.tREFIb;
        break;
    case TS_DRAM_REFRESH_NONE:
        u->refresh_interval = 0;
        break;
    }
    if (s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED && u->refresh_interval == 0) {
        g_set_error_literal(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                            "refresh_policy bank_staggered needs the per-bank refresh interval "
                            "tREFIb, which this DRAM does not give (0 cycles): set tREFIb and "
                            "tRFCb (tCK cycles) on the dram level, or choose refresh_policy "
                            "rank_staggered, rank_simultaneous or none");
        return FALSE;
    }
    if (s->refresh_policy != TS_DRAM_REFRESH_NONE && u->refresh_interval == 0) {
        /* rank_staggered spreads one tREFI over the ranks: each falls due every tREFI / ranks. */
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "refresh_policy %s: tREFI (%" G_GUINT64_FORMAT
                    " cycles) leaves 0 cycles between refreshes of %u ranks: set tREFI to at "
                    "least %u cycles",
                    s->refresh_policy == TS_DRAM_REFRESH_RANK_STAGGERED ? "rank_staggered"
                                                                        : "rank_simultaneous",
                    (guint64)s->cycles.tREFI, (guint)u->eng.ranks,
                    s->refresh_policy == TS_DRAM_REFRESH_RANK_STAGGERED ? (guint)u->eng.ranks : 1u);
        return FALSE;
    }
    guint64 busy =
        s->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED ? s->cycles.tRFCb : s->cycles.tRFC;
    if (u->refresh_interval && busy >= u->refresh_interval) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "refresh cannot keep up: each takes %" G_GUINT64_FORMAT
                    " cycles but one falls due every %" G_GUINT64_FORMAT,
                    busy, u->refresh_interval);
        return FALSE;
    }
    u->next_refresh = u->refresh_interval ? u->refresh_interval : NO_CYCLE;
    u->ab_hold = s->allbank_turn_rows * (guint64)u->ab.row_cycle;
    u->dual_alone = dual_alone(u);
    return TRUE;
}

static gboolean dram_init(TsComponent *self, const void *spec, const TsParams *params,
                          GError **error)
{
    Dram *d = dram_of(self);
    const TsDramSpec *s = spec;
    d->spec = s;
    d->check = ts_params_get_bool(params, "check");
    d->refresh_step = g_getenv("TILESIM_DRAM_REFRESH_STEP") != NULL;
    d->banks_per_unit = (guint)ts_params_get_int(params, "banks_per_unit");
    if (!s->has_timing || s->tck_num_ps == 0) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "the DRAM has no timing (Timeloop DRAM levels carry none): give a preset or "
                    "the timing keys");
        return FALSE;
    }
    const struct {
        const char *name;
        guint64 v;
    } pow2[] = {{"ranks", s->ranks},
                {"bankgroups", s->bankgroups},
                {"banks", s->banks},
                {"rows", s->rows},
                {"columns", s->columns},
                {"burst_length", s->burst_length},
                {"pseudo_channels", s->pseudo_channels}};
    for (guint i = 0; i < G_N_ELEMENTS(pow2); i++) {
        if (!is_pow2(pow2[i].v)) {
            g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                        "%s = %" G_GUINT64_FORMAT " is not a power of two (the address mapping "
                        "takes whole bit fields; only the channel count may be any)",
                        pow2[i].name, pow2[i].v);
            return FALSE;
        }
    }
    if (s->channels == 0 || s->channels * s->pseudo_channels > 65536) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "channels = %" G_GUINT64_FORMAT " is not in 1 .. 65536", s->channels);
        return FALSE;
    }
    guint64 unit_bus = s->bus_width_bits / s->pseudo_channels;
    guint64 unit_cols = s->columns / s->pseudo_channels;
    if (unit_cols < s->burst_length || unit_bus % 8 != 0 || s->ranks > 255 ||
        s->bankgroups * s->banks > 65535) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "unsupported organisation: %" G_GUINT64_FORMAT " columns and %" G_GUINT64_FORMAT
                    " bus bits per pseudo-channel with BL%" G_GUINT64_FORMAT,
                    unit_cols, unit_bus, s->burst_length);
        return FALSE;
    }
    d->n_units = (guint)(s->channels * s->pseudo_channels);
    d->burst_bytes = (guint32)(unit_bus / 8 * s->burst_length);
    d->shift = log2u(d->burst_bytes);
    d->bpg = (guint)s->banks;
    d->banks_per_rank = (guint)(s->bankgroups * s->banks);
    d->ch_digit = !is_pow2(d->n_units);
    d->width[F_CH] = d->ch_digit ? 0 : log2u(d->n_units);
    d->width[F_RA] = log2u(s->ranks);
    d->width[F_BG] = log2u(s->bankgroups);
    d->width[F_BA] = log2u(s->banks);
    d->width[F_RO] = log2u(s->rows);
    d->width[F_CO] = log2u(unit_cols) - log2u(s->burst_length);
    for (int f = 0; f < 6; f++)
        d->fmask[f] = (G_GUINT64_CONSTANT(1) << d->width[f]) - 1;
    static const char *const names[6] = {"ch", "ra", "bg", "ba", "ro", "co"};
    guint pos = 0;
    for (int i = 10; i >= 0; i -= 2) { /* least significant field last in the string */
        for (int f = 0; f < 6; f++) {
            if (strncmp(s->address_mapping + i, names[f], 2) == 0) {
                d->pos[f] = pos;
                pos += d->width[f];
            }
        }
    }
    if (pos > 63) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "the address mapping needs %u bits", pos + d->shift);
        return FALSE;
    }
    d->addr_mask = (G_GUINT64_CONSTANT(1) << pos) - 1;
    /* Energies per command and per cycle (pJ): IDD x VDD x cycles x tCK x devices per rank. */
    double tck_ns = (double)s->tck_num_ps / (double)s->tck_den / 1000.0;
    double k = s->vdd_v * (double)s->devices_per_rank * tck_ns;
    const TsDramTimings *t = &s->cycles;
    double trc = (double)(t->tRAS + t->tRP);
    d->e_act =
        k * (s->idd0_ma * trc - (s->idd3n_ma * (double)t->tRAS + s->idd2n_ma * (double)t->tRP));
    d->e_rd = k * (s->idd4r_ma - s->idd3n_ma) * (double)t->tBURST;
    d->e_wr = k * (s->idd4w_ma - s->idd3n_ma) * (double)t->tBURST;
    d->e_ref = k * (s->idd5ab_ma - s->idd3n_ma) * (double)t->tRFC;
    /* Per-bank refresh: IDD5PB above active standby; a config whose IDD5PB lies below IDD3N
     * (DRAMsim3's defaults, 5 and 43 mA) would make refreshes give energy back: none then. */
    d->e_refb = MAX(0.0, k * (s->idd5pb_ma - s->idd3n_ma) * (double)t->tRFCb);
    d->e_act_stb = k * s->idd3n_ma;
    d->e_pre_stb = k * s->idd2n_ma;
    if (!ts_component_set_clock_period(self, s->tck_num_ps, s->tck_den, error))
        return FALSE;
    if (!ts_component_set_port_count(self, "req", d->n_units, error) ||
        !ts_component_set_port_count(self, "pim", d->n_units, error))
        return FALSE;
    d->wake_cycle = NO_CYCLE;
    d->unit_wake = g_new(guint64, d->n_units);
    for (guint i = 0; i < d->n_units; i++)
        d->unit_wake[i] = NO_CYCLE;
    d->units = g_new0(Unit, d->n_units);
    d->hists = g_new0(guint64, (gsize)d->n_units * LAT_BINS);
    for (guint i = 0; i < d->n_units; i++)
        if (!unit_init(d, &d->units[i], i, error))
            return FALSE;
    return TRUE;
}

static void dram_setup(TsComponent *self)
{
    Dram *d = dram_of(self);
    for (guint i = 0; i < d->n_units; i++) {
        Unit *u = &d->units[i];
        u->port = ts_component_port_at(self, 0, i);
        ts_port_grant_credits(u->port, (guint32)d->spec->trans_queue_size);
        u->pim_port = ts_component_port_at(self, 1, i);
        if (ts_port_is_connected(u->pim_port))
            ts_port_grant_credits(u->pim_port, AB_QUEUE);
        if (u->next_refresh != NO_CYCLE)
            unit_want_wake(u, u->next_refresh);
    }
    d->shape = d->n_units ? unit_shape(&d->units[0]) : SHAPE_ANY;
    for (guint i = 1; i < d->n_units; i++)
        if (unit_shape(&d->units[i]) != d->shape)
            d->shape = SHAPE_ANY;
}

void ts_dram_get_stats(TsComponent *self, TsDramStats *st)
{
    Dram *d = dram_of(self);
    memset(st, 0, sizeof *st);
    TsTick now = ts_sim_now(self->sim);
    if (now > 0 && self->arrivals_n) /* the requests that arrived before now */
        take_arrivals(d, now - 1, G_MAXUINT8);
    guint64 end = ts_clock_edge_index_at_or_after(&self->clock, now); /* cycles before now */
    st->cycles = end;
    st->read_latency_min = G_MAXUINT64;
    for (guint i = 0; i < d->n_units; i++) {
        Unit *u = &d->units[i];
        if (end > 0)
            pop_done(u, end - 1);
        account_background(u, MAX(end, u->last_tick_cycle + 1));
        /* the pending reads left out (their bins until the median and mode are taken) */
        guint64 pend_sum, oldest;
        st->reads_done += u->reads_done - pending_reads(u, &pend_sum, -1, &oldest);
        st->read_latency_sum -= pend_sum;
        st->writes_done += u->writes_done;
        st->read_cmds += u->read_cmds;
        st->write_cmds += u->write_cmds;
        st->read_row_hits += u->read_hits;
        st->write_row_hits += u->write_hits;
        st->activates += u->acts;
        st->precharges += u->pres;
        st->refreshes += u->refs;
        st->bank_refreshes += u->refbs;
        st->read_latency_sum += u->lat_sum;
        st->read_latency_min = MIN(st->read_latency_min, u->lat_min);
        st->read_latency_max = MAX(st->read_latency_max, u->lat_max);
        /* all-bank: an ACTAB activates every bank, a column command moves one burst per unit
         * inside the device (IDD4R / IDD4W over IDD3N: no I/O) */
        const double nb = (double)(u->eng.ranks * u->eng.banks_per_rank);
        st->ab_activates += u->ab_acts;
        st->ab_precharges += u->ab_pres;
        st->ab_read_cmds += u->ab_reads;
        st->ab_write_cmds += u->ab_writes;
        st->ab_read_bursts += u->ab_reads * u->ab.units;
        st->ab_write_bursts += u->ab_writes * u->ab.units;
        st->ab_busy_cycles += u->ab_busy;
        st->act_energy_pj += d->e_act * ((double)u->acts + nb * (double)u->ab_acts);
        st->read_energy_pj +=
            d->e_rd * ((double)u->read_cmds + (double)(u->ab_reads * u->ab.units));
        st->write_energy_pj +=
            d->e_wr * ((double)u->write_cmds + (double)(u->ab_writes * u->ab.units));
        st->refresh_energy_pj += d->e_ref * (double)u->refs + d->e_refb * (double)u->refbs;
        for (guint r = 0; r < u->eng.ranks; r++)
            st->background_energy_pj += d->e_act_stb * (double)u->active_cycles[r] +
                                        d->e_pre_stb * (double)u->idle_cycles[r];
        if (u->chk) {
            ts_dram_checker_finish(u->chk, end);
            st->commands_checked += ts_dram_checker_commands(u->chk);
            st->violations += ts_dram_checker_violations(u->chk);
        }
    }
    if (st->read_latency_min == G_MAXUINT64)
        st->read_latency_min = 0;
    /* Median and mode over every unit's histogram. Every counted read's bin is at most its
     * unit's lat_max, or 1 (a read forwarded from the write buffer): the bins above are never
     * touched, and are not read (a 64 KiB histogram's untouched pages stay unmapped). */
    guint64 half = (st->reads_done + 1) / 2, seen = 0, best = 0;
    gboolean have_median = FALSE;
    const guint top = (guint)MIN(MAX(st->read_latency_max, 1), LAT_BINS - 1);
    for (guint b = 0; b <= top; b++) {
        guint64 n = 0;
        for (guint i = 0; i < d->n_units; i++)
            n += d->units[i].hist[b];
        seen += n;
        if (!have_median && st->reads_done && seen >= half) {
            st->read_latency_median = b;
            have_median = TRUE;
        }
        if (n > best) {
            best = n;
            st->read_latency_mode = b;
        }
    }
    for (guint i = 0; i < d->n_units; i++) {
        guint64 pend_sum, oldest;
        pending_reads(&d->units[i], &pend_sum, 1, &oldest);
    }
    st->total_energy_pj = st->act_energy_pj + st->read_energy_pj + st->write_energy_pj +
                          st->refresh_energy_pj + st->background_energy_pj;
}

void ts_dram_set_done_hook(TsComponent *self, TsDramDoneFn done, gpointer user)
{
    Dram *d = dram_of(self);
    d->done_hook = done;
    d->done_user = user;
}

const char *ts_dram_first_violation(const TsComponent *self)
{
    const Dram *d = TS_COMPONENT_DOWNCAST(Dram, self);
    for (guint i = 0; i < d->n_units; i++)
        if (d->units[i].chk && ts_dram_checker_first(d->units[i].chk))
            return ts_dram_checker_first(d->units[i].chk);
    return NULL;
}

static void dram_finish(TsComponent *self)
{
    TsDramStats st;
    ts_dram_get_stats(self, &st);
    const char *names[] = {"reads_done",      "writes_done",      "activates",
                           "precharges",      "refreshes",        "row_hits",
                           "column_commands", "read_latency_sum", "energy_pj"};
    guint64 vals[] = {st.reads_done,
                      st.writes_done,
                      st.activates,
                      st.precharges,
                      st.refreshes + st.bank_refreshes,
                      st.read_row_hits + st.write_row_hits,
                      st.read_cmds + st.write_cmds,
                      st.read_latency_sum,
                      (guint64)(st.total_energy_pj + 0.5)};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        ts_counter_add(ts_component_counter(self, names[i]), vals[i]);
}

static void dram_destroy(TsComponent *self)
{
    Dram *d = dram_of(self);
    for (guint i = 0; d->units && i < d->n_units; i++) {
        Unit *u = &d->units[i];
        ts_dram_engine_clear(&u->eng);
        ts_dram_checker_free(u->chk);
        g_free(u->cq);
        g_free(u->cq_n);
        g_free(u->q_full);
        g_free(u->b_lb);
        g_free(u->r_lb);
        g_free(u->r_act);
        g_free(u->r_col);
        g_free(u->a_min);
        g_free(u->group_banks);
        g_free(u->b_want);
        g_free(u->b_hit);
        g_free(u->b_n);
        g_free(u->b_nwr);
        g_free(u->b_seq);
        g_free(u->b_dirty);
        g_free(u->b_stale);
        g_free(u->wants);
        g_free(u->busy);
        g_free(u->rq_wait);
        g_free(u->wq_wait);
        g_free(u->trans);
        g_free(u->free_list);
        g_free(u->rq);
        g_free(u->wq);
        g_free(u->rq_q);
        g_free(u->wq_q);
        if (u->rd_pending.slots) {
            map_clear(&u->rd_pending);
            map_clear(&u->wr_pending);
        }
        g_free(u->ref_q);
        g_free(u->ref_round);
        g_free(u->rd_ring);
        g_free(u->fast.e);
        g_free(u->active_cycles);
        g_free(u->idle_cycles);
    }
    g_free(d->units);
    g_free(d->hists);
    g_free(d->unit_wake);
}

const TsComponentKind ts_dram_kind = {
    .name = "dram",
    .description = "JEDEC DRAM with a DRAMsim3-style FR-FCFS controller per (pseudo-)channel",
    .instance_size = sizeof(Dram),
    .params = dram_params,
    .n_params = G_N_ELEMENTS(dram_params),
    .ports = dram_ports,
    .n_ports = G_N_ELEMENTS(dram_ports),
    .stats = dram_stats,
    .n_stats = G_N_ELEMENTS(dram_stats),
    .spec_type = "TsDramSpec",
    .init = dram_init,
    .setup = dram_setup,
    .handle = dram_handle,
    .finish = dram_finish,
    .destroy = dram_destroy,
    .arrival = dram_arrival,
};
