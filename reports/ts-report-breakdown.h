/* Where a mapped workload's energy and time go: energy by level, by tensor and by op class
 * (GEMM, attention, non-GEMM, transfers), and cycles by op and by cause. Every figure is a sum
 * of the model's per-op figures (each op `count` times, ops one after another), so each
 * breakdown adds up to the layer totals of TsLayerResult. Shared by the text, JSON and CSV
 * reports and the plots. */
#ifndef TS_REPORT_BREAKDOWN_H
#define TS_REPORT_BREAKDOWN_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ts-layer.h"

G_BEGIN_DECLS

/* Op classes. GEMM: einsums with learned parameters (projections, FFN; a Timeloop problem,
 * which does not say which tensor holds parameters) and LUT-NN ops (which replace GEMMs);
 * attention: einsums without parameters (QK^T, scores x V: both operands are activations);
 * non-GEMM: elementwise ops (softmax, layernorm, activations, residual adds); transfers: the
 * energy of words crossing a host link (TsLevelCost.link_energy_pj, TsVectorCost
 * .link_energy_pj), taken out of the op's own class. */
typedef enum {
    TS_OP_CLASS_GEMM,
    TS_OP_CLASS_ATTENTION,
    TS_OP_CLASS_NON_GEMM,
    TS_OP_CLASS_TRANSFERS,
    TS_OP_CLASS_COUNT_
} TsOpClass;

/* "gemm", "attention", "non_gemm", "transfers" (JSON keys); labels "GEMM", "attention",
 * "non-GEMM", "transfers". */
const char *ts_op_class_key(TsOpClass c);
const char *ts_op_class_label(TsOpClass c);
/* The class of an op's own work (never TS_OP_CLASS_TRANSFERS). */
TsOpClass ts_op_class_of(const TsOp *op);

typedef struct {
    /* Energy components (columns of op_energy_pj): each storage level of the arch, outermost
     * first, then the compute level (the MACs of einsum ops), then "vector ops" (the
     * arithmetic of elementwise and LUT ops). Names borrowed from the arch. */
    guint n_parts;
    const char **part_names;
    guint n_storage; /* parts 0 .. n_storage-1 are storage levels */
    /* Per op in result order, one instance: pJ by part (n_ops x n_parts, row-major). */
    guint n_ops;
    double *op_energy_pj;
    TsOpClass *op_class;       /* per op */
    double *op_transfer_pj;    /* per op instance: host-link part of its energy */
    double *op_compute_cycles; /* per op instance: cycles the arithmetic alone needs */
    /* Layer sums (each op x count). */
    double *energy_by_part_pj; /* n_parts */
    double energy_by_class_pj[TS_OP_CLASS_COUNT_];
    /* Storage energy of einsum ops by tensor name (first appearance order), then
     * "vector-op reads", "vector-op writes" (backing-store traffic of elementwise and LUT
     * ops) and "arithmetic" (MACs and vector work): adds up to the layer energy. */
    guint n_tensors;
    char **tensor_names;
    double *energy_by_tensor_pj;
    /* Cycles by cause: "compute" (cycles the arithmetic sets) then one entry per level whose
     * bandwidth stretches an op beyond its compute cycles ("DRAM bandwidth"): the analytical
     * model's stall of each op is cycles - compute cycles, charged to its bounding level. */
    guint n_causes;
    char **cause_names;
    double *cycles_by_cause;
} TsLayerBreakdown;

/* Fills b from a mapped workload on arch (the arch the result was mapped on). Clear with
 * ts_layer_breakdown_clear. */
void ts_layer_breakdown_init(TsLayerBreakdown *b, const TsArch *arch, const TsLayerResult *r);
void ts_layer_breakdown_clear(TsLayerBreakdown *b);

/* Appends the text sections: energy by level, by tensor, by op class, latency by op and by
 * cause, each with its share of the total. */
void ts_layer_breakdown_text(GString *out, const TsLayerBreakdown *b, const TsLayerResult *r);

/* Adds the "breakdown" member: {"energy_by_level_pj": {part: pJ}, "energy_by_tensor_pj":
 * {...}, "energy_by_class_pj": {"gemm", "attention", "non_gemm", "transfers"},
 * "latency_by_op": [{"index", "name", "count", "cycles", "latency_s", "share"}],
 * "cycles_by_cause": {"source": "analytical", cause: cycles}}. */
void ts_layer_breakdown_json(JsonBuilder *jb, const TsLayerBreakdown *b, const TsLayerResult *r);

G_END_DECLS

#endif /* TS_REPORT_BREAKDOWN_H */
