/* The mapping executor: runs mapped ops through the DES. From an architecture's component view
 * it builds one simulation (a dram component per DRAM level with JEDEC timing, an sram
 * component per other storage level, a host_link per host link, the compute level as a
 * mac_array or systolic_array, a vector_unit), then executes each op's mapping as a schedule
 * of tile transfers and compute steps walked with the loop-nest walker (ts-walk.h): each
 * storage level fetches its next tiles from the level above into free buffer slots (two per
 * tensor when the level's capacity holds both, else one), compute steps start when their
 * tiles are in, output tiles are written back when complete; transfers become requests to the
 * components (DRAM bursts at the tensors' addresses). Elementwise ops stream through the
 * vector unit; a LUT-NN op on DPUs runs PIM-DL's kernel (search, scatters, the DPU kernel on
 * the pim_core, gather). The counted reads, fills and updates are the model's; timing, stalls,
 * utilization, DRAM behaviour and energy come from the simulation. Semantics, the address
 * layout and what is overlapped: docs/des.md, "The mapping executor". */
#ifndef TS_EXEC_H
#define TS_EXEC_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-workload.h"

G_BEGIN_DECLS

typedef struct {
    /* Per op instance: the walk depth is the deepest storage level whose tile steps number at
     * most this (levels below run aggregated inside a step), and never above the deepest level
     * a host link fills or writes back from (each host-link call is simulated: an op that
     * would need more than 2^20 steps per instance to reach it is refused). 0: the default,
     * 16384. */
    uint64_t max_steps;
    /* Run the DRAM command legality checker on every command (slow; tests). */
    gboolean dram_check;
    /* Compute steps at the compute level's MACs per cycle (a mac_array) even on a systolic
     * array, whose steps otherwise run fold by fold with skew fill and drain (SCALE-Sim): the
     * analytical model's view of the array, to compare transfers and stalls alone. */
    gboolean ideal_compute;
    /* DRAM levels as memories of unlimited bandwidth and no latency (no DRAM timing): the
     * analytical model's view with the DRAM bound left out, to check the on-chip schedule. */
    gboolean ideal_dram;
    /* Chrome / Perfetto trace-event JSON written here (NULL: none), with at most
     * trace_max_events events (0: the default, 200,000); beyond the bound, slices are dropped
     * and summarised per track (said in the file and in TsExecResult.trace_note). */
    const char *trace_path;
    uint64_t trace_max_events;
    /* The fusion plan the layer was mapped with (ts_exec_run_layer; NULL: none): the fused
     * group runs iteration by iteration (one head: each op of the group once, in order) as the
     * analytical fusion model schedules it; its intermediates live at the fusion level. */
    const TsFusePlan *fuse;
    /* The schedule state a lock-step group (docs/des.md section 12, "Instances in lock-step")
     * may hold, bytes: a group whose lanes would hold more (ts_exec_lane_bytes each) is refused
     * naming the op and the figures. 0: the default, TS_EXEC_LANE_MEMORY_DEFAULT. */
    uint64_t lane_memory_bytes;
    /* Instances simulated per op whose instances run one after another (neither a lock-step
     * group nor a LUT-NN op on DPUs; docs/des.md section 12, "Sampled instances"): 0 (the
     * default) until their start-to-start periods reach a steady state, measured over at least
     * TS_EXEC_SAMPLE_MIN and at most TS_EXEC_SAMPLE_MAX; N (TS_EXEC_SAMPLE_N_MIN to
     * TS_EXEC_SAMPLE_N_MAX) likewise over at most N; TS_EXEC_INSTANCES_ALL every instance. Most
     * of the later instances are then extrapolated from the steady state's per-instance
     * increments, and the last few (fewer than the two windows measured) simulated
     * (TsExecOpResult.instances_simulated, a note in TsExecResult.notes). The chunks of an
     * elementwise op of one instance likewise ("Sampled chunks"; TsExecOpResult.chunks_simulated),
     * each window lasting TS_EXEC_SAMPLE_CHUNK_REFRESHES refresh intervals at least, and the
     * tile steps of an einsum of one instance by the iterations of its outer step loops
     * ("Sampled steps"; TsExecOpResult.steps_simulated), by the same rules. */
    uint64_t instances;
} TsExecOptions;

#define TS_EXEC_DEFAULT_MAX_STEPS 16384
#define TS_EXEC_LANE_MEMORY_DEFAULT (G_GUINT64_CONSTANT(1) << 30) /* 1 GiB */
/* The budgets `simulate --des-lane-memory` and a sweep's `des: lane_memory` accept. */
#define TS_EXEC_LANE_MEMORY_MIN (G_GUINT64_CONSTANT(1) << 10) /* 1 KiB */
#define TS_EXEC_LANE_MEMORY_MAX (G_GUINT64_CONSTANT(1) << 40) /* 1 TiB */

#define TS_EXEC_INSTANCES_ALL UINT64_MAX
#define TS_EXEC_SAMPLE_MIN 16      /* default: instances measured at least before extrapolating */
#define TS_EXEC_SAMPLE_MAX 64      /* default: at most */
#define TS_EXEC_SAMPLE_N_MIN 4     /* a given bound: at least (two windows after the first) */
#define TS_EXEC_SAMPLE_N_MAX 65536 /* and at most */
#define TS_EXEC_SAMPLE_TOL 0.01    /* steady: the two last windows' periods within 1% */
#define TS_EXEC_SAMPLE_CHUNK_REFRESHES 8 /* chunks: a window lasts this many refresh intervals */

/* Why the compute unit was idle, in arch-clock cycles (docs/des.md). */
typedef enum {
    TS_STALL_FILL,      /* before the first compute step: the first tiles arriving */
    TS_STALL_DRAIN,     /* after the last step: the last write-backs */
    TS_STALL_BANDWIDTH, /* waiting for a transfer limited by a component's throughput */
    TS_STALL_LATENCY,   /* waiting for a transfer that met no queue: its latency */
    TS_STALL_COUNT_
} TsStallKind;

#define TS_EXEC_MAX_UNITS 24 /* simulated components per architecture */

/* A simulated component's share of an op: busy time within the op's window / the window, and
 * the compute unit's idle cycles charged to it along the critical path (docs/des.md, "Stalls":
 * the spans of the jobs it finished last, walking back from what ended each idle window). */
typedef struct {
    const char *name; /* arch level name (borrowed) */
    const char *kind; /* component kind ("sram", "dram", ...) */
    double utilization;
    double stall_cycles;
    double bank_conflict_cycles; /* srams with banks: waits for banks busy with other requests */
} TsExecUnitResult;

/* A LUT-NN op on DPUs run as PIM-DL's runtime runs it (docs/pim.md, "PIM architectures in
 * the DES"): its phases one after another as simulated (seconds, summed over the instances)
 * and what each moved (per instance). */
typedef struct {
    gboolean ran;
    gboolean search_on_dpus;
    double search_s, input_s, table_s, dpu_s, gather_s;
    double search_read_bytes, search_write_bytes;  /* host memory (host search) */
    double input_bytes, table_bytes, output_bytes; /* over the host link, all DPUs */
    double lookups;                                /* all DPUs */
    /* one DPU's LUT kernel: DPU cycles, the DMA engine's busy cycles, instructions issued,
     * MRAM <-> WRAM bytes; and its centroid search kernel (search on the DPUs) */
    double dpu_cycles, dma_busy_cycles, issued, dma_bytes;
    double search_dpu_cycles;
} TsExecLut;

/* Where an op's time went on the first timed DRAM, from the DES's counters over the op's window
 * (extrapolated units included; the row-hit rate: TsExecOpResult's) and the DRAM's timing, in
 * DRAM clock cycles (tCK) per channel
 * (docs/des.md section 12, "The DRAM's time"): what the model, which runs the op's traffic at
 * the DRAM's peak over every channel, does not have. */
typedef struct {
    gboolean valid;          /* a timed DRAM served bursts of the op */
    const char *level;       /* its arch level name (borrowed) */
    guint channels, reached; /* its channels (pseudo-channels), those the op's bursts went to */
    guint tBURST, tCCD_L;    /* tCK */
    uint64_t bursts;         /* the DRAM's column commands in the op's window */
    uint64_t activates, refreshes; /* the DRAM's normal-mode activates and rank refreshes in the
                                      op's window (all channels) */
    double window;                 /* the op's cycles (its window: from the previous op's end) */
    double data;                   /* bursts x tBURST / reached: its data-bus time */
    double channels_extra; /* data - bursts x tBURST / channels: the data-bus time beyond the
                              model's for reaching fewer channels than there are */
    double refresh;        /* refreshes x tRFC / channels: the ranks blocked */
    double row_misses;     /* at most: activates x (tRP + tRCD) / reached (a controller
                              overlaps another bank's activate with the data of a row) */
    double spacing;        /* at most: its row-hit bursts x (tCCD_L - tBURST) / reached,
                              where a row's columns lie in one bank group (the address
                              mapping's bank group bits above its column bits) and tCCD_L >
                              tBURST (column spacing: commands to one bank group wait tCCD_L;
                              bursts of another stream to another group interleave) */
    double idle;           /* measured: the time the reached channels had no request queued
                              (no read sent to them awaiting its data, their transaction queues
                              empty), their mean; extrapolated units at the simulated windows'
                              share. The executor sends a transfer's bursts in address order,
                              so a transfer that waits for a full channel's queue leaves the
                              others without requests while no other transfer has bursts for
                              them */
} TsExecDramTime;

typedef struct {
    const TsOp *op;              /* borrowed from the workload */
    guint64 count;               /* instances run (op->count) */
    gboolean einsum;             /* else elementwise / LUT: streamed through the vector unit */
    guint depth;                 /* walk depth (einsums) */
    uint64_t steps;              /* tile steps per instance */
    uint64_t events;             /* simulation events the op took (all instances) */
    double start_cycles, cycles; /* start and duration of all instances, arch cycles */
    double latency_s;
    /* Counted actions of one instance, as TsCost: per level and tensor tile_words, reads,
     * fills, updates (words per utilized instance), instances; energies from the per-action
     * energies the model uses; compute MACs and energy; totals. cycles / latency / utilization
     * are the simulation's (per instance: the op's cycles / count). */
    TsCost cost;
    /* Stall breakdown over all instances (arch cycles): compute busy + stalls = cycles. */
    double compute_busy_cycles;
    double stall_cycles[TS_STALL_COUNT_];
    double array_fill_drain_cycles; /* systolic array: skew fill and drain within its steps */
    /* What bounds the op (docs/des.md, "Stalls"): "compute" ("vector" for an elementwise op)
     * when the compute unit's busy cycles exceed every other component's claim, else the arch
     * level name of the component with the largest claim among those the op's own transfers
     * used: its busy cycles (its busiest port, direction or data bus) or the stall cycles
     * charged to it, whichever is larger. */
    const char *bound;
    guint n_units;
    TsExecUnitResult unit[TS_EXEC_MAX_UNITS];
    /* DRAM (all instances): bursts, row-hit rate, command energy (IDD-based, extra to the
     * per-access energy above). */
    uint64_t dram_reads, dram_writes; /* column commands (bursts) */
    double dram_row_hit_rate;         /* hits / column commands; -1 without a timed DRAM */
    double dram_command_energy_pj;
    /* All-bank (PIM) mode: bursts moved between banks and bank-level PIM units; commands the
     * legality checker flagged (TsExecOptions.dram_check, else 0). */
    uint64_t dram_allbank_bursts, dram_violations;
    TsExecDramTime dram_time;
    /* Elementwise ops: the words read and written at the outermost level (as the analytical
     * vector cost counts them). */
    double ew_read_words, ew_write_words;
    /* Bytes requested from DRAM levels (all instances): in total, and per tensor of an einsum
     * (an elementwise op's traffic is not split by tensor). */
    uint64_t dram_request_bytes;
    uint64_t dram_tensor_bytes[TS_MAX_TENSORS];
    /* Host-link transfer calls of all instances (docs/pim.md, "Host-link calls"), and the
     * instances sharing each call (the op's count when they run in lock-step, else 1): as the
     * model's TsCost.link_calls x count / link_batch. */
    uint64_t link_calls;
    uint64_t link_batch;
    TsExecLut lut; /* a LUT-NN op on DPUs (lut.ran) */
    /* Instances simulated (count when every one was; 0 when the op did not run). The others
     * were extrapolated (docs/des.md section 12, "Sampled instances") from the steady state
     * the last simulated instances reached: steady_period_cycles per instance (start to start,
     * arch cycles), the mean over the last two windows of steady_window instances each, whose
     * periods differ by steady_spread (relative); steady is FALSE when the bound on simulated
     * instances came first (steady_spread above TS_EXEC_SAMPLE_TOL). The time, stalls,
     * utilization, DRAM figures, host-link calls and requested bytes of the op include the
     * extrapolated instances; events are the simulated ones. */
    uint64_t instances_simulated;
    /* An elementwise op: the chunks one instance streams through the compute (ts-exec-ew.c)
     * and how many were simulated: an op of one instance is sampled by chunk as the instances
     * of others (docs/des.md section 12, "Sampled chunks"), the steady_* figures then per chunk;
     * 0 for an einsum. */
    uint64_t chunks, chunks_simulated;
    /* An einsum of one instance: its tile steps simulated (of steps; docs/des.md section 12,
     * "Sampled steps"), the steady_* figures then per tile step. */
    uint64_t steps_simulated;
    double steady_period_cycles, steady_spread;
    uint64_t steady_window;
    gboolean steady;
} TsExecOpResult;

typedef struct {
    guint n_ops;
    TsExecOpResult *ops; /* workload order (the layer result's ops) */
    double cycles;       /* whole layer, arch cycles (ops overlap where dependencies allow) */
    double latency_s;
    double energy_pj; /* sum over ops of count x per-instance counted energy */
    double macs;
    uint64_t events;
    double seconds;   /* wall time of the simulation */
    char *trace_note; /* what the trace holds and its bound, or NULL */
    /* Where the simulation departs from the analytical description of the arch (a DRAM whose
     * given bandwidth differs from its timing's peak, ...): NULL-terminated, or NULL. */
    char **notes;
} TsExecResult;

/* Runs the ops of a mapped workload (a ts_layer_map result on the same arch: each einsum's best
 * mapping, elementwise ops on the vector unit) through the DES, in workload order: an op starts
 * as soon as the previous one's compute is done, and its activation inputs are fetched once
 * the previous op's outputs are written back (parameters are prefetched earlier). Fills
 * result (clear with ts_exec_result_clear whether or not the call succeeds). FALSE with
 * TS_CONFIG_ERROR when the arch cannot be simulated (no compute level, a storage level the
 * executor cannot model) or the trace cannot be written. */
gboolean ts_exec_run_layer(const TsArch *arch, const TsWorkload *workload,
                           const TsLayerResult *layer, const TsExecOptions *options,
                           TsExecResult *result, GError **error);

/* Runs one mapped op (count instances one after another) alone. */
gboolean ts_exec_run_op(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                        guint64 count, const TsExecOptions *options, TsExecOpResult *result,
                        GError **error);

void ts_exec_result_clear(TsExecResult *result);

const char *ts_stall_kind_name(TsStallKind kind); /* "fill", "drain", "bandwidth", "latency" */

/* The DRAM address layout of an op's tensors (docs/des.md): tensor t of instance i starts at
 * ts_exec_tensor_base(op, t, i) bytes, row-major, elements of precision bits rounded up to
 * whole bytes; tensors one after another in op order, each from a 4096-byte boundary, the
 * instances after one another. */
uint64_t ts_exec_tensor_base(const TsOp *op, guint tensor, uint64_t instance);
uint64_t ts_exec_op_footprint(const TsOp *op);

/* Why the DES cannot run op i of a mapped layer (a ts_layer_map result on arch; fused groups
 * run, through TsExecOptions.fuse), newly allocated, or NULL when it can: a LUT-NN kernel
 * on DPUs whose pim_core kernel cannot be built (too many steps) or whose search has no host
 * vector unit, an einsum without a mapping or whose mapping the walker cannot step through or
 * whose host-link transfers land at a level more than 2^20 tile steps per instance deep or
 * whose instances in lock-step would hold more than TS_EXEC_LANE_MEMORY_DEFAULT (at the default
 * options; not an einsum placed on the host, which runs as vector work), an elementwise op the
 * vector unit cannot cost. Arch-wide limits (components the DES
 * cannot build) show when the run starts. */
char *ts_exec_op_refusal(const TsArch *arch, const TsLayerResult *layer, guint i);
/* As ts_exec_op_refusal, with the lock-step budget of options->lane_memory_bytes at the walk
 * depth of options->max_steps (options NULL or a field 0: its default), as a run with those
 * options applies them. */
char *ts_exec_op_refusal_with(const TsArch *arch, const TsLayerResult *layer, guint i,
                              const TsExecOptions *options);

/* ts_exec_run_layer over the ops with run[i] (layer order; the others are left out of the
 * simulated schedule). result has one entry per op of layer: an op not run has its op, einsum
 * flag and zero figures (count 0, dram_row_hit_rate -1); so has every op when the run fails
 * (error set). */
gboolean ts_exec_run_layer_subset(const TsArch *arch, const TsWorkload *workload,
                                  const TsLayerResult *layer, const gboolean *run,
                                  const TsExecOptions *options, TsExecResult *result,
                                  GError **error);

G_END_DECLS

#endif /* TS_EXEC_H */
