/* The pim_core DES component for a UPMEM-like DPU (docs/pim.md, "The DPU in the DES"): tasklets
 * run a kernel on a revolver pipeline and share one MRAM <-> WRAM DMA engine. A tasklet issues
 * at most once every revolver_cycles cycles and the pipeline at most once per cycle, so k
 * tasklets that are ready to issue each advance one instruction every max(k, revolver_cycles)
 * cycles (round-robin); a tasklet waiting for its DMA or at a barrier issues nothing, which
 * speeds up the others when k exceeds the revolver. The DMA engine serves one transfer at a
 * time, in request order, each alpha + beta x bytes cycles (ts_pim_dpu_dma_cycles), and the
 * requesting tasklet waits for it (mram_read / mram_write are synchronous). Configured from the
 * arch's TsPimCoreSpec (kind dpu); the clock is the spec's frequency. Between two changes of
 * the ready set the component advances in closed form (one self-event per change), so a kernel
 * costs events per step of its tasklets, not per instruction; nothing is allocated per event.
 *
 * Ports: "ctrl" (kernels in, completions out; one kernel at a time: the component grants its
 * sender one credit, returned with each completion), "host" (optional: TS_EVENT_MEM_REQUEST from a host link writing or reading MRAM,
 * answered when accepted: the link carries the transfer's timing; 16 credits).
 * Statistics: kernels, cycles, issued (instructions), dma_reads, dma_writes (bytes),
 * dma_busy_cycles, host_bytes. */
#ifndef TS_PIM_CORE_H
#define TS_PIM_CORE_H

#include "ts-arch-classes.h"
#include "ts-sim.h"

G_BEGIN_DECLS

extern const TsComponentKind ts_pim_core_kind;

typedef enum {
    TS_DPU_STEP_COMPUTE,    /* amount = issue slots */
    TS_DPU_STEP_MRAM_READ,  /* amount = bytes, MRAM -> WRAM, one DMA */
    TS_DPU_STEP_MRAM_WRITE, /* amount = bytes, WRAM -> MRAM, one DMA */
    TS_DPU_STEP_BARRIER,    /* every running tasklet meets here */
} TsDpuStepKind;

typedef struct {
    TsDpuStepKind kind;
    double amount;
    /* TRUE: the tasklet's cycle counter runs through this step (PrIM's perfcounter between
     * timer_start and timer_stop); consecutive timed steps form one interval. */
    gboolean timed;
} TsDpuStep;

/* A kernel: every tasklet runs `iterations` times through body (tasklet t runs
 * iterations_of[t] times when that array is given). Borrowed for the kernel's run. */
typedef struct {
    const TsDpuStep *body;
    guint n_body;
    guint tasklets;
    guint64 iterations;
    const guint64 *iterations_of; /* NULL or `tasklets` counts */
} TsDpuKernel;

typedef struct {
    guint64 cycles;       /* launch to the last tasklet's end, DPU cycles */
    guint64 timed_cycles; /* the largest timed total of any tasklet (PrIM's "DPU cycles") */
    double issued;        /* instructions issued */
    guint64 dma_read_bytes, dma_write_bytes;
    guint64 dma_busy_cycles;
    guint64 dma_transfers;
} TsDpuKernelResult;

/* Event types on "ctrl". */
enum {
    /* in: payload ptr[0] = const TsDpuKernel *, u64[1] = tag. */
    TS_PIM_EV_LAUNCH = 1,
    /* out: payload u64[0] = tag, u64[1] = cycles, u64[2] = timed cycles, u64[3] = issued. */
    TS_PIM_EV_DONE = 2,
    TS_PIM_EV_WAKE = 3, /* internal */
};

enum { TS_PIM_PORT_CTRL = 0, TS_PIM_PORT_HOST = 1 };

/* The result of the component's last finished kernel (zero before). Borrowed. */
const TsDpuKernelResult *ts_pim_core_last(const TsComponent *component);

/* DPU cycles spent in kernels so far (finished ones, and the running one up to its last
 * advance). */
guint64 ts_pim_core_busy_cycles(const TsComponent *component);

/* Checks a kernel against a DPU spec: tasklets in [1, max_tasklets], a non-empty body, DMA
 * sizes in (0, max_dma_bytes] and multiples of 8, at least one iteration. FALSE with
 * TS_CORE_ERROR_PARAM_RANGE naming the step otherwise. */
gboolean ts_pim_kernel_check(const TsPimCoreSpec *spec, const TsDpuKernel *kernel,
                             GError **error);

/* Runs one kernel on a DPU of spec in a simulation of its own and fills *result. Errors as
 * ts_pim_kernel_check, and a spec that is not a DPU. */
gboolean ts_pim_run_kernel(const TsPimCoreSpec *spec, const TsDpuKernel *kernel,
                           TsDpuKernelResult *result, GError **error);

G_END_DECLS

#endif /* TS_PIM_CORE_H */
