/* The profile engine (`tilesim simulate --engine profile`): LLM inference on roofline device
 * profiles with the semantics of UPMEM's LLM profiler (upmem/upmem_llm_framework @8c64e9cd):
 * each op is placed on a device by a layer map of the profiler's `name: device,options` pairs,
 * timed as max(FLOPs / peak, bytes / memory bandwidth) with energy per FLOP and per bit, the
 * layer input crossing the host at transfer points, everything summed without overlap (its
 * compatibility mode, the default). Whole models: embedding, N layers and LM head, a prefill of
 * the prompt then decode of G tokens with the KV cache growing per token, tokens/s, time to
 * first token, energy per token and power. Past the profiler's limits: efficiency curves of a
 * device profile and a double-buffered schedule of transfers against compute, each reported
 * next to the profiler-compatible sum. Semantics, quirks kept and corrections: docs/profile.md.
 * Plain data results; no printing (reports/ts-report-profile.h does that). */
#ifndef TS_PROFILE_H
#define TS_PROFILE_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-workload.h"

G_BEGIN_DECLS

/* COMPAT reproduces the profiler, quirks included; CORRECTED fixes the ones docs/profile.md
 * lists (attention FLOPs, KV cache precision and window, untraced ops, host round trips). */
typedef enum { TS_PROFILE_COMPAT, TS_PROFILE_CORRECTED } TsProfileMode;

const char *ts_profile_mode_name(TsProfileMode mode); /* "compat", "corrected" */
/* Parses "compat" / "corrected"; TS_CONFIG_ERROR_REFERENCE with a did-you-mean otherwise. */
gboolean ts_profile_mode_parse(const char *text, TsProfileMode *out, GError **error);

/* The profiler's BaseArchitecture defaults for a profile that does not give a per-element
 * latency, and its energy figure for per-element ops (1,500 FLOPs per element). */
#define TS_PROFILE_SOFTMAX_NS_DEFAULT 0.4
#define TS_PROFILE_SILU_NS_DEFAULT 0.6
#define TS_PROFILE_RMSNORM_NS_DEFAULT 1.1
#define TS_PROFILE_MISC_FLOPS_PER_ELEMENT 1500.0

/* ---- Devices ------------------------------------------------------------------------------ */

/* Device profiles by name: every profile of a UPMEM-profiler device file, and every
 * device_profile level of a tilesim architecture (which may carry efficiency curves). */
typedef struct TsProfileDevices TsProfileDevices;

TsProfileDevices *ts_profile_devices_new(void);
void ts_profile_devices_free(TsProfileDevices *devices);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsProfileDevices, ts_profile_devices_free)

/* Adds the devices of a file (a path or an architecture library name). A name already present
 * (from another file) is TS_CONFIG_ERROR_DUPLICATE; a file without device profiles is
 * TS_CONFIG_ERROR_INVALID. */
gboolean ts_profile_devices_add_file(TsProfileDevices *devices, const char *path_or_name,
                                     GError **error);
/* A device by its profile name or the profiler's mapping spelling (underscores written as
 * hyphens: "PIM-AI-4chip" finds PIM_AI_4chip); NULL when absent. Borrowed. */
const TsDeviceProfile *ts_profile_devices_find(const TsProfileDevices *devices, const char *name);
/* Resolves like find, else sets TS_CONFIG_ERROR_REFERENCE listing the devices with a
 * did-you-mean (no position: callers add it). */
const TsDeviceProfile *ts_profile_devices_lookup(const TsProfileDevices *devices, const char *name,
                                                 GError **error);
guint ts_profile_devices_n(const TsProfileDevices *devices);

/* ---- Layer map ---------------------------------------------------------------------------- */

/* Where an op runs: the device, and the profiler's options: transfer point ('t': the op's
 * input comes from the host, the previous device having returned it) and MoE transfer point
 * ('m': the input is shared by the op's instances and sent once). */
typedef struct {
    const TsDeviceProfile *device;
    gboolean transfer;
    gboolean moe;
} TsProfilePlacement;

typedef struct TsProfileMap TsProfileMap;

/* Loads a layer map (docs/profile.md): `default: DEVICE[,OPTS]`, `layer_mapping: {NAME:
 * DEVICE[,OPTS]}` where NAME is an op name, a Hugging Face module name the profiler's examples
 * use (q_proj, ..., lm_head) or an op class (linear, attention, norm, LlamaRMSNorm, SiLU,
 * the elementwise kinds), `devices: [FILE...]` (extra device files, relative to the map, added
 * to devices), `moe_end: OP` and `experts_per_token: K`. Errors name file:line:col. */
TsProfileMap *ts_profile_map_load(const char *path, TsProfileDevices *devices, GError **error);
/* A map with only a default placement, "DEVICE[,OPTS]". */
TsProfileMap *ts_profile_map_new(const char *default_spec, const TsProfileDevices *devices,
                                 GError **error);
void ts_profile_map_free(TsProfileMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsProfileMap, ts_profile_map_free)

/* Replaces the default placement ("DEVICE[,OPTS]", the --device option). */
gboolean ts_profile_map_set_default(TsProfileMap *map, const char *spec,
                                    const TsProfileDevices *devices, GError **error);
gboolean ts_profile_map_has_default(const TsProfileMap *map);
/* Checks every name of the map against the ops a run sees (run_parts) and those of the whole
 * model (all_parts, may equal run_parts): a name that matches nothing is an error with a
 * did-you-mean; one that matches only ops outside this run adds a note. A map without a
 * default is an error. */
gboolean ts_profile_map_check(TsProfileMap *map, const TsWorkload *const *run_parts, guint n_run,
                              const TsWorkload *const *all_parts, guint n_all, GError **error);
/* Placement of op: by op name, then profiler alias, then class, then the default. */
TsProfilePlacement ts_profile_map_place(const TsProfileMap *map, const TsOp *op);
/* Notes collected by ts_profile_map_check (borrowed, NULL-terminated). */
const char *const *ts_profile_map_notes(const TsProfileMap *map);
/* The MoE end op (NULL when none) and experts per token (default 2, as the profiler). */
const char *ts_profile_map_moe_end(const TsProfileMap *map);
guint ts_profile_map_experts_per_token(const TsProfileMap *map);

/* ---- One op on one device ----------------------------------------------------------------- */

typedef struct {
    TsProfileMode mode;
    gboolean overlap; /* also compute the double-buffered schedule */
} TsProfileOptions;

/* Cost of all `count` instances of an op on a device. Times in ns, energies in pJ, bytes. */
typedef struct {
    double flops;        /* FLOPs charged (2 per MAC, or the profiler's per-op figure) */
    double weight_bytes; /* parameters read from device memory */
    double kv_bytes;     /* KV cache read (decode attention) */
    double peak_flops_per_s;
    double compute_ns;                       /* flops / peak, or elements x per-element latency */
    double mem_ns;                           /* weight_bytes / memory bandwidth */
    double kv_ns;                            /* kv_bytes / memory bandwidth */
    double time_ns;                          /* max(compute, mem + kv): the profiler's roofline */
    double energy_compute_pj, energy_mem_pj; /* energy_mem includes the KV cache */
    const char *bound;                       /* "compute", "memory", "per-element", "untraced" */
    const char *how; /* static: which rule of docs/profile.md costed the op */
    /* the op offloaded on its own, as the profiler's host_transfer computes it: its input to
     * the device, its output back to the host, at the activation precision */
    double in_bytes, out_bytes, in_bytes_instance;
    double h2d_ns, h2d_pj, d2h_ns, d2h_pj;
    /* past the limits: fractions of peak from the device's efficiency curves (1 without) */
    double rows; /* M: rows of the op's input (tokens), the curves' "M" and the chunks
                    of the double-buffered schedule */
    double eff_compute, eff_memory;
    double time_eff_ns; /* max(compute / eff_compute, (mem + kv) / eff_memory) */
} TsProfileOpCost;

/* Costs op (from a workload whose transformer config is cfg, or NULL) on dev. Errors
 * (TS_CONFIG_ERROR_INVALID): LUT-NN ops and Timeloop-einsum nonlinear ops, which the profiler
 * has no rule for. */
gboolean ts_profile_op_cost(const TsDeviceProfile *dev, const TsOp *op,
                            const TsTransformerConfig *cfg, const TsProfileOptions *options,
                            TsProfileOpCost *out, GError **error);

/* ---- Runs --------------------------------------------------------------------------------- */

/* Sums over the ops a phase ran (each op x count x executions). Times in ns. time_ns is the
 * profiler-compatible total: op times plus transfers, no overlap. */
typedef struct {
    double time_ns;
    double compute_ns, mem_ns, kv_ns, h2d_ns, d2h_ns; /* the profiler's breakdown keys */
    double energy_compute_pj, energy_mem_pj, energy_h2d_pj, energy_d2h_pj;
    double h2d_bytes, d2h_bytes;
    double flops;
    double time_eff_ns;    /* with the efficiency curves (= time_ns without curves) */
    double overlap_ns;     /* double-buffered schedule (0 unless options.overlap) */
    double overlap_eff_ns; /* the same with the efficiency curves */
    guint64 forwards;
} TsProfilePhase;

double ts_profile_phase_energy_pj(const TsProfilePhase *phase);

/* One op as run: its placement, cost and the transfers the run charged at it. */
typedef struct {
    const TsOp *op; /* borrowed from the run's workload */
    TsProfilePlacement placement;
    TsProfileOpCost cost;
    double xfer_h2d_bytes, xfer_h2d_ns, xfer_h2d_pj; /* H2D of its input at a transfer point */
    double xfer_d2h_bytes, xfer_d2h_ns, xfer_d2h_pj; /* D2H from the previous device */
    const char *xfer_reason; /* NULL, "from host", "device change", "transfer point ('t')",
                                "MoE transfer point ('m')", plus "moe_end" returns */
} TsProfileStep;

/* One pass over a workload's ops (a layer, or any op list) in order, starting on the host:
 * the first op's input goes host -> device, the last op's output back to the host. */
typedef struct {
    guint n_steps;
    TsProfileStep *steps;
    TsProfilePhase total;
    double return_bytes, return_ns, return_pj; /* the last output back to the host */
} TsProfileLayerResult;

/* Runs workload's ops (only those named only_op when not NULL) under map. result must be
 * cleared whether or not the call succeeds. */
gboolean ts_profile_run_layer(const TsWorkload *workload, const TsProfileMap *map,
                              const char *only_op, const TsProfileOptions *options,
                              TsProfileLayerResult *result, GError **error);
void ts_profile_layer_result_clear(TsProfileLayerResult *result);

/* A whole model: prefill of cfg->seq tokens (x batch), then gen decode steps, step d
 * attending to seq + d keys (the cache including its new token). Each step is a forward over
 * every layer: run time grows linearly with gen x layers (x rows with the schedule), hence
 * the cap on gen. */
#define TS_PROFILE_MAX_GEN 131072u
typedef struct {
    const TsTransformerConfig *cfg; /* the model (from a model workload) */
    uint64_t layers;                /* 0 = cfg->layers */
    uint64_t gen;                   /* decode steps (generated tokens) */
} TsProfileModelSpec;

/* Per op name (in first-run order), sums over layers, steps and instances of each phase. */
typedef struct {
    const char *name;   /* interned in the result */
    const char *device; /* profile name of its placement */
    TsProfilePhase prefill, decode;
} TsProfileOpSummary;

typedef struct {
    uint64_t prompt, gen, batch, layers;
    TsProfilePhase prefill, decode;
    /* the final return to the host: compat, the profiler's end-of-run transfer of the last
     * forward's LM head input x forwards; corrected, per forward logits (already in the
     * phases). Compat charges it to decode, as the profiler does. */
    double end_bytes, end_ns, end_pj;
    guint n_ops;
    TsProfileOpSummary *ops;
    GStringChunk *strings;
    /* derived (s, J, W); decode figures are 0 when gen is 0 */
    double ttft_s, decode_s, total_s;
    double tokens_per_s, energy_per_token_j, prefill_power_w, decode_power_w;
} TsProfileModelResult;

/* Builds the model's parts (ts_transformer_build_embedding / _build / _head) per phase and
 * step and runs them under map. The map is checked against the model's ops. Errors: a model
 * without vocabulary, bad map names, ops the engine cannot cost. result must be cleared
 * whether or not the call succeeds. */
gboolean ts_profile_run_model(const TsProfileModelSpec *spec, TsProfileMap *map,
                              const TsProfileOptions *options, TsProfileModelResult *result,
                              GError **error);
void ts_profile_model_result_clear(TsProfileModelResult *result);

/* Phase time variants used by the reports: 0 peak (profiler), 1 efficiency, 2 overlap,
 * 3 overlap with efficiency. */
double ts_profile_phase_time_ns(const TsProfilePhase *phase, guint variant);

G_END_DECLS

#endif /* TS_PROFILE_H */
