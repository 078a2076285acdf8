/* Internals of the mapping executor: the simulation it builds (units: the components and the
 * executor's ports to them), jobs (a transfer or a compute step: up to a few requests to
 * units, done when all are answered), DRAM burst streams over a tensor box, the per-op
 * schedule state (einsum: walk cursors, buffer slots and versions per level and tensor;
 * elementwise: chunks), statistics, and the trace writer. Not installed. */
#ifndef TS_EXEC_PRIVATE_H
#define TS_EXEC_PRIVATE_H

#include <stdio.h>

#include "ts-compute-unit.h"
#include "ts-dram.h"
#include "ts-exec.h"
#include "ts-host-link.h"
#include "ts-lut-kernel.h"
#include "ts-pim-core.h"
#include "ts-sim.h"
#include "ts-sram.h"
#include "ts-systolic-component.h"
#include "ts-walk.h"

G_BEGIN_DECLS

typedef enum {
    UNIT_SRAM,
    UNIT_DRAM,
    UNIT_LINK,
    UNIT_MAC,
    UNIT_SYSTOLIC,
    UNIT_VECTOR,
    UNIT_PIM,  /* a DPU (pim_core): each compute step runs as a kernel of its tasklets */
    UNIT_BANKS /* the banks of bank-level PIM units: the dram component's all-bank mode ("pim"
                  elements), one request per channel for every unit's bytes in lockstep */
} UnitRole;

#define EXEC_MAX_PORTS 256 /* executor port elements (DRAM channels count one each) */
/* A DRAM burst's tag: job << 8 | part (32 bits), its channel + 1 from this bit up. */
#define EXEC_TAG_CHANNEL_SHIFT 40
#define EXEC_WAIT_RING 512 /* a unit's first ring of parts waiting for its credits */

typedef struct {
    TsComponent *comp;
    UnitRole role;
    int level;        /* arch level index (full list) */
    guint first_port; /* the executor's port elements to it */
    guint n_ports;
    double period_ps; /* its clock period (links: 1) */
    /* parts waiting for credits, FIFO: job index << 8 | part */
    guint32 *wait; /* ring of wait_cap (a power of two, grown to the high-water mark: a
                      lock-step group queues a part per lane) */
    guint wait_cap, wait_head, wait_len;
    int s_head, s_tail; /* DRAM: FIFO of streams with bursts to send (stream indices) */
    gboolean pumping, repump; /* DRAM: a pass over the streams runs; a nested call asked for
                                 another */
} Unit;

/* A DRAM burst stream over a box of a row-major tensor. */
typedef struct {
    uint64_t base; /* tensor base address */
    uint32_t elem_bytes;
    uint8_t n_ranks;
    uint64_t extent[TS_MAX_RANKS]; /* tensor rank extents */
    uint64_t lo[TS_MAX_RANKS];     /* box origin per rank */
    uint64_t len[TS_MAX_RANKS];    /* box extents per rank */
    uint8_t outer;                 /* ranks [0, outer) iterate; [outer, n) are one run */
    uint64_t idx[TS_MAX_RANKS];    /* odometer over the outer ranks */
    uint64_t run_len;              /* bytes per run */
    uint64_t burst, burst_end;     /* next burst address and the run's end (exclusive) */
    uint64_t last_burst;           /* deduplication of consecutive bursts */
    uint64_t budget;               /* bytes still to cover (partial fills) */
    uint64_t peek;                 /* its next burst (valid when peeked; G_MAXUINT64: none) */
    guint channel;                 /* the channel of peek */
    uint64_t bursts;               /* bursts sent */
    gboolean peeked, done;
} Stream;

enum { PART_MAX = 2 * TS_ARCH_MAX_LEVELS + 2 };

typedef struct {
    guint8 unit;   /* index into Exec.unit */
    guint8 op;     /* TsMemOp, or PART_COMPUTE */
    guint8 flags;  /* host link: TS_HOST_LINK_BROADCAST */
    gboolean sent; /* request (all bursts, for DRAM) sent */
    gboolean done;
    uint64_t addr, bytes, targets; /* memory / link requests */
    uint64_t dma_calls;            /* sram requests: TsMemReq.dma_calls (0: the default) */
    uint64_t work;                 /* compute: work; systolic: m */
    uint64_t n, k, passes;         /* systolic: n, k, the passes of (m, n, k) */
    uint32_t instances;
    uint16_t vop;         /* vector operation */
    int stream;           /* DRAM: stream index, -1 */
    uint32_t outstanding; /* DRAM bursts awaiting responses */
    TsTick sent_tick, done_tick;
    double unloaded_ps; /* its time on an idle unit */
    double fixed_ps;    /* the part of it that does not depend on its size */
} Part;

#define PART_COMPUTE 7

typedef enum {
    JOB_FILL,
    JOB_WRITEBACK,
    JOB_STEP,
    JOB_EW_READ,
    JOB_EW_COMPUTE,
    JOB_EW_WRITE,
    JOB_LUT_SEARCH,  /* a LUT-NN op's centroid search: a chunk on the host, or a DPU kernel */
    JOB_LUT_SCATTER, /* its indices (or inputs) or tables to the DPUs */
    JOB_LUT_KERNEL,  /* a segment of its DPU kernel */
    JOB_LUT_GATHER   /* its outputs to the host */
} JobKind;

typedef struct {
    guint8 kind, level, tensor;
    guint32 ctx; /* its op context (Exec.ctx index) */
    gboolean in_use;
    uint64_t version, step;
    guint n_parts, parts_done;
    Part part[PART_MAX];
    TsTick start, end;
    int critical;   /* part that finished last */
    uint64_t cause; /* critical-path record of the job whose completion issued it, or CP_NONE */
    int next_free;
} Job;

/* The critical path (docs/des.md, "Stalls"): one record per completed job, its span and the
 * unit of its part that finished last, linked to the record of the job whose completion let it
 * be issued. Records live in a ring by sequence number, oldest dropped once no stall window
 * can reach back to them. */
#define CP_NONE G_MAXUINT64
typedef struct {
    TsTick start, end;
    uint64_t parent;  /* sequence number of the enabling job's record, or CP_NONE */
    int unit;         /* the unit that finished last, -1 for a job without parts */
    gboolean latency; /* that part met no queue and its size-independent time dominated */
} CpRecord;

/* Per (level, tensor) schedule state of an explicit level (at or above the walk depth). */
#define VRING 8
#define STEPS_IN_FLIGHT 4 /* compute steps issued and not complete */
typedef struct {
    gboolean active; /* kept, not the backing store, level in 1..depth */
    gboolean output, dependent;
    gboolean via_link; /* its fills and write-backs cross a host link (calls) */
    int peer;          /* storage level index (mapping order) */
    guint nslots;
    TsWalk *cursor;         /* finds this (level, tensor)'s fills in order; NULL for a lane of a
                               lock-step group whose tile crosses the link (lane 0's versions) */
    TsWalkXfer *found_xfer; /* lane 0 of such a group: its versions found, by version % VRING */
    TsWalkXfer next; /* the next fill to issue (valid when have_next) */
    uint64_t next_first_step;
    gboolean have_next, exhausted;
    uint64_t found;             /* versions found by the cursor (next = found - 1 when have_next) */
    uint64_t issued;            /* versions whose fill was issued */
    uint64_t first_step[VRING]; /* by version % VRING */
    gboolean fill_done[VRING];
    uint64_t complete; /* versions fill-complete in order */
    uint64_t released; /* versions whose slot is free again */
    uint64_t wb_done;  /* output versions written back in order */
    gboolean wb_flag[VRING];
    uint64_t sram_base; /* its buffer in the level (bytes, per instance) */
    uint64_t slot_bytes;
    int blocker_job; /* the fill job last completed (stall attribution) */
} LevelTensor;

/* One pending write-back (after-transfer of a completed step). */
typedef struct {
    TsWalkXfer x;
    uint64_t step;
} Writeback;

/* Write-backs pending per context at most (a step waits while its own would not fit): the
 * ring grows by doubling to its high-water mark, up to this. */
#define WB_RING 256

/* The next compute step of a context (of its compute walk, ts_walk_next): the part of a
 * TsWalkStep the schedule uses, its rows sized by the walk's levels and tensors (a TsWalkStep
 * holds the maximum: 9 KB). */
typedef struct {
    uint64_t index, iterations, macs;
    guint n_after;
    gboolean call_boundary; /* it starts a new version of a tile that crosses a host link */
    TsWalkXfer *after;      /* n_after of at most nl x nt */
    TsWalkCounts *inner;    /* [l * nt + t], nl x nt */
} NextStep;

/* The MRAM-WRAM DMA calls of an op's tile moves inside steps (OpCtx.dma): computed once per
 * (model, mapping, depth) from a walk of the op's steps and shared, refcounted, by every
 * context of the op (g_rc_box). */
typedef struct {
    gboolean inner; /* any call inside steps */
    uint64_t calls[2][TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t elements[2][TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
} DmaPlan;

typedef struct Exec Exec;
typedef struct OpCtx OpCtx;

/* The first timed DRAM's channels as the executor sees them (docs/des.md section 12, "The
 * DRAM's time"): per channel, the reads sent and not yet answered (a read is answered when its
 * data has crossed the bus), the most credits seen (its transaction queue empty) and the time
 * with neither a read outstanding nor a credit out (no request queued: a posted write that has
 * left the transaction queue for a command queue gives no later signal and counts as gone),
 * summed from the run's start, ps. Arrays of n entries (the DRAM unit's ports), NULL without a
 * timed DRAM. */
typedef struct {
    guint n;
    guint32 *reads, *cap;
    gboolean *idle;
    TsTick *idle_since;
    double *idle_ps;
} ExecChannels;

/* The instances of an op that share each host-link call, run in lock-step (docs/des.md,
 * section 12, "Instances in lock-step"): lane i is instance i's context. Lane 0's fills and
 * write-backs of the tiles that cross the link are the calls, carrying every lane's tile; a
 * version of such a tile is released once every lane's steps are past it. The compute unit
 * takes the lanes' steps in turns: from a version boundary of a tile that crosses the link to
 * the next, lane 0's steps, then lane 1's, ... (one DPU launch runs every instance's part of
 * the tiles a call brought). */
typedef struct {
    guint n;
    OpCtx **lane;
    guint turn;          /* the lane whose steps the compute unit takes */
    uint64_t turn_steps; /* steps it issued in this turn */
    gboolean pumping, repump;
    gboolean wake_all; /* lane 0 issued a call: every lane is pumped */
} LockGroup;

/* An op's time on its compute unit, over all its instances (arch ticks and ps). */
G_STATIC_ASSERT(TS_EXEC_MAX_UNITS <= 32); /* OpTiming.units_used */
typedef struct {
    gboolean started;
    TsTick free;          /* end of the steps issued so far */
    TsTick first_compute; /* start of its first step */
    TsTick end;           /* every instance complete (outputs written) */
    double busy_ps;
    double stall_ps[TS_STALL_COUNT_];
    double unit_stall_ps[TS_EXEC_MAX_UNITS]; /* stall charged to each unit */
    /* busy time the op's own requests caused on each unit (docs/des.md section 12,
     * "Utilization"), per statistic: [0] reads (an sram's shared port), host-to-device calls, or
     * the unit's one statistic; [1] writes, device-to-host calls */
    double own_busy_ps[2][TS_EXEC_MAX_UNITS], snap_own_ps[2][TS_EXEC_MAX_UNITS];
    guint32 units_used;                      /* bit u: a job of the op had a part on unit u */
    /* the units' statistics when the op started (begun) and busy times and conflicts when its
     * window opened (the previous op complete, or its start if later) */
    gboolean begun;
    TsTick snap_at;
    double snap_busy[TS_EXEC_MAX_UNITS], snap_conflicts[TS_EXEC_MAX_UNITS];
    TsDramStats snap_dram;
    uint64_t snap_events;
    /* the first timed DRAM, [0] reads [1] writes: the bursts (column commands) of the op's
     * streams sent whole; those of its extrapolated chunks and steps (ts_exec_skip_dram) */
    uint64_t dram_own_bursts[2];
    double dram_skip_cmds[2];
    guint64 dram_reached[(EXEC_MAX_PORTS + 63) / 64]; /* channels its bursts were sent to */
    TsDramStats snap_dram_window;                     /* the DRAM's counters as its window opened */
    /* the first timed DRAM's channels: their time with no request queued (ExecChannels) as
     * its window opened; over the window, summed over the channels its bursts reached (ps,
     * extrapolated units included) */
    double snap_idle_ps[EXEC_MAX_PORTS];
    double dram_idle_ps;
} OpTiming;

/* A LUT-NN op on DPUs in the executor (ts-exec-lut.c): its phases one after another. */
typedef enum {
    LUT_SEARCH_HOST,
    LUT_INPUT,
    LUT_SEARCH_DPU,
    LUT_TABLE,
    LUT_KERNEL,
    LUT_GATHER,
    LUT_DONE
} LutPhase;

typedef struct {
    TsLutPimTarget target;
    TsLutKernel kernel, search;
    LutPhase phase;
    gboolean phase_issued;
    TsTick phase_start;
    uint64_t chunks, ch_issued, ch_done; /* host search chunks (issued, done: simulated ones) */
    uint64_t ch_skip_at, ch_skip; /* sampled: those issued from ch_skip_at on stand for the
                                     chunks ch_skip later */
    int vop_ccs, vop_add, vop_mul;       /* host vector unit operations */
    int link;                            /* the host link unit */
    guint seg;                           /* next kernel segment to launch */
} LutRun;

struct OpCtx {
    gboolean active, einsum;
    const TsLutPimCost *lut; /* a LUT-NN op on DPUs (PIM-DL's kernel), else NULL */
    LutRun *lut_run;
    guint slot;     /* ctx index */
    guint op_index; /* in the result */
    uint64_t instance, count;
    uint64_t base; /* DRAM base of this instance's tensors */
    const TsOp *op;
    const TsModel *model;
    const TsMapping *mapping;
    guint depth, nl, nt;
    uint64_t n_steps;
    /* sampled steps (ts_exec_sample_steps; an einsum of one instance): st_unit steps per unit
     * (0: not sampled) in segments of st_seg; once decided in a segment, the steps from st_from
     * on are extrapolated (their counts taken from the walks) and the steps after them
     * relabelled earlier: st_skip steps (over every segment), the versions of (l, t)
     * st_voff[l][t], so that the schedule runs on contiguously */
    gboolean st_sample;
    uint64_t st_unit, st_seg, st_from, st_skip; /* st_seg: steps per segment */
    uint64_t st_voff[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    TsWalk *compute;
    NextStep step; /* the next step to issue (valid when have_step) */
    gboolean have_step;
    uint64_t steps_issued, steps_done;
    gboolean step_flag[STEPS_IN_FLIGHT];
    /* A systolic array's step: passes of the GEMM M, N, K of one iteration of the temporal
     * loops above the innermost storage level (the finest walk's step), as many as one step
     * spans of those loops; the compute iterations of one pass. */
    uint64_t gemm[3], passes, pass_iterations;
    double step_compute_ps;   /* one step on the compute unit */
    double step_ideal_ps;     /* its MACs at one per PE and cycle (systolic fill / drain) */
    double dpu_slots_per_mac; /* a DPU compute unit: issue slots of one MAC at the op's
                                 precision (the model's rate) */
    uint64_t inner_off[TS_MAX_TENSORS]; /* DRAM accesses inside steps: running offsets */
    uint64_t bank_off[TS_MAX_TENSORS];  /* all-bank reads inside steps: running offsets in the
                                           tensor's area of the banks */
    /* Host-link calls (docs/pim.md, "Host-link calls"): link_batch: the op's instances share
     * each call (count > 1 and their tiles fit the landing levels together); where the op's
     * tiles cross a link they then run in lock-step as the lanes of `group` (lane: this one's
     * index), lane 0's calls carrying every lane's tiles; link_calls: the calls this instance
     * issued. */
    gboolean link_batch;
    LockGroup *group;
    guint lane;
    uint64_t link_calls;
    /* MRAM-WRAM DMA calls inside steps (docs/pim.md, "The DPU"): for a DPU's MRAM level l and a
     * tensor t whose nearest keeping level below lies below the walk depth (its tiles move
     * inside the steps), the model's calls over the op instance (ts_walk_dma_calls; [0] fills
     * of the level below, read at l; [1] its write-backs, updates of l), the elements of l's
     * reads / updates of t over the walk, and the running sum of those the steps issued so
     * far: a step's aggregated request carries the calls in proportion. */
    DmaPlan *dma; /* shared with the op's other contexts; NULL: no call inside steps */
    uint64_t dma_issued[2][TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    LevelTensor lt[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    Writeback *wb; /* ring of wb_cap (a power of two, grown to the high-water mark) */
    guint wb_cap, wb_head, wb_len;
    uint64_t wb_step_done[TS_ARCH_MAX_LEVELS]; /* level: write-backs of steps < this are done */
    uint64_t wb_outstanding[TS_ARCH_MAX_LEVELS];
    gboolean deps_done;       /* the previous op's outputs are written */
    gboolean issued_all;      /* every compute step issued: the next op may start */
    gboolean pumping, repump; /* the pump is running; a nested call asked for another round */
    TsTick start_tick, end_tick, last_compute_end;
    /* elementwise */
    uint64_t chunks, chunk_elems, ew_read_bytes, ew_write_bytes, ew_params_bytes;
    uint64_t ch_read, ch_read_done, ch_comp, ch_comp_done, ch_write, ch_write_done;
    /* sampled chunks (ts_exec_sample_chunk): the chunks issued count simulated chunks; those
     * from ch_skip_at on stand for the chunks ch_skip later (ch_skip extrapolated) */
    gboolean ch_sample; /* the op's chunks may be sampled */
    uint64_t ch_skip_at, ch_skip;
    gboolean ch_read_flag[64], ch_comp_flag[64], ch_write_flag[64];
    TsVectorCost ew;
    uint64_t ew_element_passes;
    int ew_vop;
    /* counted actions (elements, one instance: the busiest with imperfect factors; and
     * summed over the utilized instances) */
    uint64_t reads[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t fills[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t updates[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t reads_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t fills_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t updates_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t macs;
    uint64_t step_iterations; /* of a whole step (partial steps run fewer) */
    /* bytes requested from DRAM levels, per tensor (einsums; elementwise: index 0) */
    uint64_t dram_bytes[TS_MAX_TENSORS];
    /* elementwise: the layer's cost (fused: part of the traffic at the fusion level) */
    const TsVectorCost *vector;
    uint64_t ew_fused_read_bytes, ew_fused_write_bytes;
    int ew_fused_unit;
};

#define EXEC_CTX 2 /* op units (an instance, or a lock-step group) in flight at most */

typedef struct {
    FILE *f;
    char *path, *tmp_path; /* the trace's path, and the temporary file written until closed */
    uint64_t max_events;
    uint64_t seen, events, dropped;      /* offered, written, left out */
    uint64_t stride, segment_end;        /* sampling: every stride-th event until segment_end */
    char *queue_name[TS_EXEC_MAX_UNITS]; /* counter names: "queue LEVEL (kind)" */
} Trace;

struct Exec {
    TsComponent base; /* the executor component (its instance is this record) */
    const TsArch *arch;
    TsSim *sim;
    guint n_units;
    Unit unit[TS_EXEC_MAX_UNITS];
    int storage_unit[TS_ARCH_MAX_LEVELS]; /* per mapping storage level */
    TsLevel ideal[TS_ARCH_MAX_LEVELS];    /* ideal_dram: the DRAM levels' unlimited copies */
    int link_unit[TS_ARCH_MAX_LEVELS];    /* host link above mapping storage level l, or -1 */
    int compute_unit, vector_unit;
    int lane_unit;      /* elementwise work without a vector unit: the compute unit, its
                           instances (or a systolic array's PEs) as lanes */
    int dram_unit;      /* the first timed DRAM, or -1 */
    ExecChannels chan;  /* its channels' queues as the executor sees them */
    TsDpuStep dpu_step; /* the kernel running on the DPU compute unit (one at a time) */
    TsDpuKernel dpu_kernel;
    TsWalkStep scratch;  /* a fill cursor's step while it finds its next fill (every context's) */
    uint32_t dram_burst; /* its burst bytes */
    guint port_unit[EXEC_MAX_PORTS];
    guint n_port;
    double arch_period_ps;
    /* jobs */
    Job *jobs;
    guint n_jobs, free_job;
    Stream *streams;
    guint n_streams;
    int free_stream;
    int *stream_next;    /* FIFO links (and the free list) */
    guint32 *stream_job; /* job << 8 | part of each stream */
    /* op contexts (each allocated once, reused; a lock-step group takes one per instance) and
     * the plan they run */
    OpCtx **ctx;
    guint n_ctx;
    /* the walk the contexts' walks of the op starting copy (their loop nest shared: every
     * instance and lane of an op walks the same mapping); NULL before the first einsum */
    TsWalk *walk_proto;
    DmaPlan *dma_proto; /* walk_proto's DMA calls inside steps (NULL: not computed yet) */
    /* the walk depth of the op starting (ts_exec_walk_depth), for (depth_model,
     * depth_mapping): every instance and lane of an op has the same */
    const TsModel *depth_model;
    const TsMapping *depth_mapping;
    guint depth_of;
    struct Plan *plan;
    guint next_op; /* next op of the plan to start, and its instance */
    uint64_t next_instance;
    uint64_t layer_base; /* DRAM base of the next op instance */
    guint64 max_steps;
    uint64_t lane_memory; /* TsExecOptions.lane_memory_bytes (or its default) */
    OpTiming *timing; /* per op: the compute unit's timeline */
    GError *error;
    GPtrArray *notes; /* char *, see TsExecResult.notes */
    /* critical-path records: sequence numbers [cp_first, cp_next) in a ring of cp_cap (a power
     * of two); cause: the record of the job completed last */
    CpRecord *cp;
    uint64_t cp_cap, cp_first, cp_next, cause;
    Trace trace;
    gboolean tracing;
    struct ExecSample *sample; /* sampled instances (ts-exec-sample.c), NULL: every instance */
};

/* Busy time ps of statistic `stat` (OpTiming.own_busy_ps) on unit that job j's request causes,
 * charged to j's op. */
static inline void ts_exec_own_busy(Exec *x, const Job *j, int unit, guint stat, double ps)
{
    x->timing[x->ctx[j->ctx]->op_index].own_busy_ps[stat][unit] += ps;
}

/* ---- ts-exec-build.c ---------------------------------------------------------------------- */

/* The executor component's typed spec. */
typedef struct {
    const TsArch *arch;
    guint n_ports;
} ExecSpec;

/* Builds the simulation of arch (units and the executor component, built and ready to run);
 * the Exec lives in its sim (free with ts_sim_free(x->sim)). NULL with error. */
Exec *ts_exec_build(const TsArch *arch, const TsExecOptions *opt, GError **error);
extern const TsComponentKind ts_exec_kind;
void ts_exec_ctx_clear(Exec *x, OpCtx *c);

/* The deepest storage level (of n_levels) that a host link of arch fills or that writes back
 * over one, for the tensors (of n_tensors) walk keeps where; 0 when none. The walk depth of an
 * einsum is at least this: a host-link call is a transfer of its own, never aggregated inside
 * a step (docs/des.md section 12). */
guint ts_exec_link_depth(const TsArch *arch, const TsWalk *walk, guint n_levels, guint n_tensors);
/* Tile steps per instance the executor walks at most to reach that depth. */
#define TS_EXEC_LINK_MAX_STEPS (G_GUINT64_CONSTANT(1) << 20)
/* The walk depth of mapping (valid for the model, as for ts_walk_depth_for) on model's (arch,
 * op): the deepest storage level whose tile steps number at most max_steps, and at least
 * ts_exec_link_depth. FALSE with error (naming the op and the level) when reaching the link's
 * level takes more than TS_EXEC_LINK_MAX_STEPS steps per instance. */
gboolean ts_exec_walk_depth(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                            uint64_t max_steps, guint *depth, GError **error);

/* ---- ts-exec-jobs.c ----------------------------------------------------------------------- */

int ts_exec_job_new(Exec *x, JobKind kind, guint ctx);
/* A ring of *cap elements of elem bytes (a power of two, 0: none yet) holding len from *head,
 * doubled (to `first` when empty) with its elements in order from 0: the new ring, *cap and
 * *head updated; the old one is freed. */
void *ts_exec_ring_grow(void *ring, gsize elem, guint *cap, guint *head, guint len, guint first);
void ts_exec_job_free(Exec *x, int job);
/* Adds a memory part (unit, read / write, per-instance bytes, address); a DRAM unit gets a
 * burst stream over `box` of tensor `tensor` of op (NULL box: `bytes` from addr). */
Part *ts_exec_part_mem(Exec *x, Job *j, int unit, TsMemOp op, uint64_t addr, uint64_t bytes);
void ts_exec_part_stream(Exec *x, Job *j, Part *p, const TsOp *op, guint tensor,
                         uint64_t tensor_base, const uint64_t *origin, const uint64_t *box,
                         uint64_t bytes);
/* A DRAM part's stream of p->bytes from addr on. */
void ts_exec_part_linear(Exec *x, Job *j, Part *p, uint64_t addr);
/* The bursts the stream of ts_exec_part_stream (or ts_exec_part_linear) over the same box (bytes
 * from addr) would send, counted run by run without sending: the first timed DRAM's bursts. */
uint64_t ts_exec_box_bursts(const Exec *x, const TsOp *op, guint tensor, uint64_t tensor_base,
                            const uint64_t *origin, const uint64_t *box, uint64_t bytes);
uint64_t ts_exec_linear_bursts(const Exec *x, uint64_t addr, uint64_t bytes);
Part *ts_exec_part_link(Exec *x, Job *j, int unit, TsMemOp op, uint64_t bytes, uint64_t targets,
                        gboolean broadcast);
Part *ts_exec_part_compute(Exec *x, Job *j, int unit, uint64_t work, uint32_t instances);
/* Sends what the job's parts can send now; a job with no parts completes at once. */
void ts_exec_job_start(Exec *x, int job);
/* Event handling: responses and credits. */
void ts_exec_on_response(Exec *x, TsEvent *ev);
void ts_exec_on_credit(Exec *x, TsEvent *ev);
/* The time channel ch of the first timed DRAM has had no request queued (ExecChannels) from
 * the run's start to now, ps. */
double ts_exec_channel_idle_ps(const Exec *x, guint ch);

/* ---- ts-exec-op.c / ts-exec-ew.c ---------------------------------------------------------- */

gboolean ts_exec_op_begin(Exec *x, OpCtx *c);
/* Whether the einsum instance begun in c shares its host-link calls with the op's other
 * instances: they then run in lock-step (ts_exec_op_group over their contexts). */
gboolean ts_exec_op_lockstep(const OpCtx *c);
/* Joins the n begun contexts of an op's instances (lane i: instance i) into a lock-step
 * group. */
void ts_exec_op_group(OpCtx **lane, guint n);
/* A lane c (begun) of the group lane 0 `lead` leads takes the versions of its tiles that cross
 * the link from lead's (its cursors of them are freed): every lane walks the same mapping. */
void ts_exec_op_share_versions(OpCtx *lead, OpCtx *c);
/* The schedule state one lane of a lock-step group of walk's op (at its depth) holds at most,
 * bytes: its context, next step, write-back ring at its bound (WB_RING), compute walk and
 * fill cursors (ts_walk_bytes each; the tables they share are counted once per op, not per
 * lane), and its entries in the units' wait queues and the job pool. */
gsize ts_exec_lane_bytes(const TsWalk *walk);
/* Whether `lanes` lanes of lane_bytes each fit `budget` bytes; FALSE with error naming op and
 * the figures otherwise. */
gboolean ts_exec_lanes_fit(const TsOp *op, uint64_t lanes, gsize lane_bytes, uint64_t budget,
                           GError **error);
void ts_exec_op_pump(Exec *x, OpCtx *c);
void ts_exec_op_job_done(Exec *x, OpCtx *c, Job *j);
void ts_exec_op_end(Exec *x, OpCtx *c);
gboolean ts_exec_ew_begin(Exec *x, OpCtx *c);
gboolean ts_exec_lut_begin(Exec *x, OpCtx *c);
void ts_exec_lut_pump(Exec *x, OpCtx *c);
void ts_exec_lut_job_done(Exec *x, OpCtx *c, Job *j);
void ts_exec_lut_end(OpCtx *c);
/* The pim_core kernel a LUT op's part launches (its p->work-th segment). */
TsDpuKernel *ts_exec_lut_segment(OpCtx *c, const Part *p);
void ts_exec_ew_pump(Exec *x, OpCtx *c);
void ts_exec_ew_job_done(Exec *x, OpCtx *c, Job *j);

/* The op of ctx c is complete (outputs written): record and start what waits. */
void ts_exec_ctx_complete(Exec *x, OpCtx *c);
/* The op of ctx c has issued its last compute step: the next op may start. */
void ts_exec_ctx_compute_done(Exec *x, OpCtx *c);
/* A compute step (or elementwise chunk) of step_ps issued now by ctx c: the compute unit's
 * idle time before it is charged to the fill (before the op's first step, from the previous
 * op's end) or to bandwidth / latency, and to the units along the critical path that ended
 * now (ts_exec_cp_record). */
void ts_exec_compute_issued(Exec *x, OpCtx *c, double step_ps);
/* The critical-path record of a job that completed now (before its context is told). */
void ts_exec_cp_record(Exec *x, const Job *j);
/* The record a job issued now links to: the job completed now, or CP_NONE. */
uint64_t ts_exec_cp_cause(const Exec *x);
/* Result slot of ctx c. */
TsExecOpResult *ts_exec_result_of(Exec *x, const OpCtx *c);

/* Busy time of unit u so far (ps: its busiest port, direction or data bus) and its bank-conflict
 * cycles (srams), as the per-op utilization counts them. */
double ts_exec_unit_busy(const Exec *x, guint u);
double ts_exec_unit_conflicts(const Exec *x, guint u);

/* ---- ts-exec-sample.c --------------------------------------------------------------------- */

/* Sets up the sampling of n_ops plan ops (TsExecOptions.instances; nothing for
 * TS_EXEC_INSTANCES_ALL); freed with ts_exec_sample_free. */
void ts_exec_sample_init(Exec *x, guint n_ops, uint64_t instances);
void ts_exec_sample_free(Exec *x);
/* Instance inst of plan op `op` (the workload's top, of count; eligible: instances one after
 * another, not a LUT-NN op on DPUs) starts now: records the op's figures; when the steady state
 * is reached (or the bound on simulated instances), returns how many of the instances after
 * inst are extrapolated (the caller skips them; the rest, fewer than the windows' 2W, are
 * simulated), else 0. */
uint64_t ts_exec_sample_instance(Exec *x, guint op, const TsOp *top, uint64_t inst, uint64_t count,
                                 gboolean eligible);
/* Chunk `chunk` (>= 1) of the `chunks` of plan op `op`, an elementwise op of one instance
 * (not a fused group's iteration), starts now (chunk - 1's compute issued), `begun` of them
 * begun (their reads issued): as ts_exec_sample_instance, over the chunks; returns how many
 * of the chunks after the begun ones are extrapolated (the caller skips them). */
uint64_t ts_exec_sample_chunk(Exec *x, guint op, const TsOp *top, uint64_t chunk, uint64_t begun,
                              uint64_t chunks);
/* Whether the schedule can skip n units of steps from the current one (ts_exec_sample_steps). */
typedef gboolean (*TsExecStepFit)(void *data, uint64_t n);
/* Unit `unit` (>= 1) of the `units` of a segment of plan op `op`, an einsum of one instance
 * whose walk's steps run in segments (iterations of its outermost step loop where those are
 * few, else the whole walk) of units of unit_steps (iterations of the step loops inside),
 * `all` units in the op, starts now (the last step of unit - 1 issued): as
 * ts_exec_sample_instance, over the segment's units, each segment sampled anew (its unit 1
 * starts over); returns how many units after this one (unit begun) are extrapolated, a number
 * `fits` accepts (the caller skips them). */
uint64_t ts_exec_sample_steps(Exec *x, guint op, const TsOp *top, uint64_t unit_steps,
                              uint64_t unit, uint64_t units, uint64_t all, TsExecStepFit fits,
                              void *data);
/* Folds op's extrapolated instances (or chunks, or steps) into its result r (computed from the simulated
 * ones over a window of *window_ps, which grows by their time), its start by the earlier ops'
 * extrapolated time; sets r->instances_simulated and r->chunks_simulated. TRUE when r's time
 * changed (the figures that follow from it are to be recomputed). */
gboolean ts_exec_sample_finish(Exec *x, guint op, TsExecOpResult *r, double *window_ps);
/* Bursts (column commands) in direction dir that the extrapolated chunks or steps of c's op
 * send to unit ui, counted exactly from their transfers (ts_exec_box_bursts,
 * ts_exec_linear_bursts): added to OpTiming.dram_skip_cmds where ui is the first timed DRAM. */
void ts_exec_skip_dram(Exec *x, const OpCtx *c, int ui, TsMemOp dir, uint64_t bursts);
/* Simulated time the extrapolated units of plan op `op` stand for, ps. */
double ts_exec_sample_op_skipped_ps(const Exec *x, guint op);
/* Simulated time the extrapolated instances of every op stand for, ps. */
double ts_exec_sample_skipped_ps(const Exec *x);

/* ---- ts-exec-trace.c ---------------------------------------------------------------------- */

gboolean ts_exec_trace_open(Exec *x, const char *path, uint64_t max_events, GError **error);
void ts_exec_trace_slice(Exec *x, guint track, const char *name, const char *cat, TsTick start,
                         TsTick end, const char *args_json);
void ts_exec_trace_counter(Exec *x, const char *name, TsTick at, double value);
/* A finished job as slices on the tracks of its parts' units (and the op's track). */
void ts_exec_trace_job(Exec *x, const OpCtx *c, const Job *j);
/* A finished op instance on the ops track. */
void ts_exec_trace_op(Exec *x, const OpCtx *c);
/* Closes the file and renames it over the trace's path (keep), returning a note on what it
 * holds (owned; NULL with error when it cannot be written), or removes it (!keep: NULL). */
char *ts_exec_trace_close(Exec *x, gboolean keep, GError **error);

G_END_DECLS

#endif /* TS_EXEC_PRIVATE_H */
