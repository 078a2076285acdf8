/* Internals shared by the workloads module's files: the TsWorkload struct (names interned in
 * a string chunk it owns), op checks with file positions, the variable table used for
 * Timeloop instance values, projection parsing, and the two YAML loaders. Not installed;
 * nothing outside workloads/ includes it. */
#ifndef TS_WORKLOAD_PRIVATE_H
#define TS_WORKLOAD_PRIVATE_H

#include "ts-workload.h"

G_BEGIN_DECLS

struct TsWorkload {
    char *name;
    char *path; /* NULL when built in code */
    TsWorkloadSource source;
    GArray *ops;           /* TsOp, names pointing into strings */
    GStringChunk *strings; /* interned op, dimension and tensor names */
    GPtrArray *notes;      /* char *, owned */
    gboolean has_config;
    TsTransformerConfig config;
    uint64_t total_macs, total_bytes, total_work, total_params;
    /* `fusion:` spec (interned; group NULL = none) and where it is (file:line:col). */
    const char *fuse_group, *fuse_level, *fuse_where;
};

TsWorkload *ts_workload_new_empty(const char *name, TsWorkloadSource source, const char *path);
const char *ts_workload_intern(TsWorkload *workload, const char *text);
void ts_workload_add_note(TsWorkload *workload, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Checks op (see ts_op_check), interns its names and appends a copy. */
gboolean ts_workload_append(TsWorkload *workload, const TsOp *op, const TsNode *node,
                            const char *path, GError **error);
/* Computes the whole-layer totals with overflow checks. */
gboolean ts_workload_finish(TsWorkload *workload, const TsNode *node, const char *path,
                            GError **error);

/* ts_op_finalize with the error placed at node / path (either may be NULL). */
gboolean ts_op_check(TsOp *op, const TsNode *node, const char *path, GError **error);
/* Sets every tensor of an einsum op from a precision set by role: tensors named "Weights"
 * take weights (activations when weights_are_activations), the read-write tensor outputs,
 * the rest activations. */
void ts_op_apply_precision(TsOp *op, const TsPrecisionSet *set, gboolean weights_are_activations);

/* Precision from a YAML scalar, error positioned at the node. */
gboolean ts_precision_from_node(const TsNode *node, const char *path, TsPrecision *out,
                                GError **error);
/* Precision set from a preset name or a mapping {weights, activations, outputs}. name_out
 * (may be NULL) gets the preset name or "custom" (static or borrowed from the document). */
gboolean ts_precision_set_from_node(const TsNode *node, const char *path, TsPrecisionSet *out,
                                    const char **name_out, GError **error);

/* ---- Variables (timeloopfe `variables:` semantics) ---- */

typedef struct TsVars TsVars;

/* Built-in defaults: BERT-base, seq 128 (EMBEDDING 768, SEQ_LENGTH 128, HEADS 12, FF_DIM
 * 3072, EMBEDDING_HEADS = EMBEDDING / HEADS, EMBEDDING_3 = EMBEDDING * 3, MB_D/E/L 1,
 * BATCH 1). */
TsVars *ts_vars_new(void);
void ts_vars_free(TsVars *vars);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsVars, ts_vars_free)
/* Layers a `variables:` mapping over the current values (later layers win). */
gboolean ts_vars_add_node(TsVars *vars, const TsNode *map, const char *path, GError **error);
/* Layers a variables file (a timeloopfe file with a top-level `variables:` mapping). */
gboolean ts_vars_add_file(TsVars *vars, const char *filename, GError **error);
/* Layers "NAME=VALUE" strings (--var), tracked so unused ones can be reported. */
gboolean ts_vars_add_overrides(TsVars *vars, const char *const *assignments, GError **error);
/* Sets name to an integer value from an override (tracked like --var). */
void ts_vars_set_override(TsVars *vars, const char *name, uint64_t value, const char *origin);
/* Evaluates a scalar node (integer or expression over variables) to a non-negative integer;
 * min is the smallest accepted value. */
gboolean ts_vars_eval_node(TsVars *vars, const TsNode *node, const char *path, uint64_t min,
                           uint64_t *out, GError **error);
/* "NAME=VALUE (origin), ..." for the variables evaluations used, in definition order
 * (newly allocated; "" when none). */
char *ts_vars_describe_used(TsVars *vars);
/* Fails naming the first override (--var, --seq, --batch) that no evaluation used. */
gboolean ts_vars_check_overrides_used(TsVars *vars, const char *what, GError **error);

/* ---- Projections ---- */

/* A named integer coefficient usable in projections (Wstride, Hdilation ...). */
typedef struct {
    const char *name;
    int64_t value;
} TsCoef;

/* Parses one rank: a Timeloop sum-of-products list ([[R, Wdilation], [P, Wstride]]) or a
 * string ("R*Wdilation + P*Wstride", "2*P + R", "K"). Terms name dims of op; factors other
 * than the dim are integers or coefficient names. */
gboolean ts_projection_parse(const TsNode *rank, const char *path, const TsOp *op,
                             const TsCoef *coefs, guint n_coefs, TsProjection *out, GError **error);

/* ---- Loaders ---- */

TsWorkload *ts_timeloop_problem_load(const TsDoc *doc, const char *path,
                                     const TsWorkloadOverrides *overrides, GError **error);
/* Parses a Timeloop problem document into op, interning names and adding notes into
 * workload. vars must already hold every layer (the document's own `variables:` included).
 * Used by the loader above and by explicit-op files that include a problem. */
gboolean ts_timeloop_problem_parse(const TsDoc *doc, TsVars *vars, TsWorkload *workload,
                                   const char *op_name, TsOp *op, GError **error);
/* Op name of a Timeloop problem file: the basename without .yaml/.yml, .prob, _layer. */
char *ts_timeloop_op_name(const char *filename);

TsWorkload *ts_workload_yaml_load(const TsDoc *doc, const char *path,
                                  const TsWorkloadOverrides *overrides, GError **error);

/* Applies TsWorkloadOverrides to a transformer config (file values already in cfg). */
gboolean ts_transformer_apply_overrides(TsTransformerConfig *cfg,
                                        const TsWorkloadOverrides *overrides, GError **error);

G_END_DECLS

#endif /* TS_WORKLOAD_PRIVATE_H */
