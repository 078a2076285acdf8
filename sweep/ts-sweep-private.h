/* Private to sweep/: the parsed sweep (parameters, value lists, explicit points, constraint
 * blocks, base documents, mapper settings), template substitution, and the per-point inputs an
 * engine maps (architecture, workload, constraints built from edited documents). */
#ifndef TS_SWEEP_PRIVATE_H
#define TS_SWEEP_PRIVATE_H

#include <glib.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-library.h"
#include "ts-workload.h"
#include "ts-search.h"
#include "ts-sweep.h"

G_BEGIN_DECLS

/* What a parameter acts on (bits; a parameter may set keys of both documents). */
enum {
    TS_SWEEP_KIND_ARCH = 1u << 0,         /* key paths into the architecture document */
    TS_SWEEP_KIND_WORKLOAD = 1u << 1,     /* key paths into the workload document */
    TS_SWEEP_KIND_OPTION = 1u << 2,       /* seq, batch, kv_len, phase, precision */
    TS_SWEEP_KIND_ARCH_VAR = 1u << 3,     /* a variable the (Timeloop) architecture declares */
    TS_SWEEP_KIND_WORKLOAD_VAR = 1u << 4, /* a variable the workload (Timeloop problem) uses */
    TS_SWEEP_KIND_LABEL = 1u << 5,        /* read by conditions and templates only */
    TS_SWEEP_KIND_UNUSED = 1u << 6,       /* declared to change nothing (reason given) */
};

/* One key set per point: path in the document (with its `architecture.` or `workload.` root
 * key), and the template giving the value (NULL: the parameter's own value). */
typedef struct {
    char *path;
    char *template_text;
    const TsNode *node; /* the template's (or path's) node: position of substituted values */
} TsSweepSet;

typedef struct {
    char *name;
    const TsNode *node; /* the parameter's entry */
    guint kinds;
    GPtrArray *arch_sets;     /* TsSweepSet* */
    GPtrArray *workload_sets; /* TsSweepSet* */
    char *targets_text;       /* for the database and listings */
    GPtrArray *values;        /* TsSweepValue* from values/range, or NULL */
    TsSweepValue *default_value;
    gboolean in_points; /* given by the explicit points */
    guint stride;       /* cross product: combinations per step of this parameter's index */
} TsSweepParam;

/* A block of `constraints:`: constraints (a file or template targets) and key settings that
 * apply when every named parameter has one of the listed values (always without `when`). */
typedef struct {
    GPtrArray *when_params; /* guint indices (as pointers) */
    GPtrArray *when_values; /* GPtrArray of const char * per condition */
    const TsNode *node;
    const TsNode *targets;    /* template list (Timeloop v0.4 targets), or NULL */
    TsDoc *file_doc;          /* a constraints file, or NULL */
    GPtrArray *arch_sets;     /* TsSweepSet* with templates */
    GPtrArray *workload_sets; /* TsSweepSet* with templates */
} TsSweepConstraintBlock;

typedef struct {
    char *label, *path, *sha256;
} TsSweepInput;

struct TsSweep {
    char *path, *dir, *name, *text, *engine;
    TsDoc *doc;

    char *arch_path, *ert_path;
    TsDoc *arch_doc;
    /* workload: a file (workload_doc from it), a built-in model name (no document), or an
     * inline mapping (workload_doc built around the sweep file's node) */
    char *workload_ref, *workload_path;
    TsDoc *workload_doc;
    TsWorkloadOverrides options; /* fixed options (strings owned below) */
    char *opt_phase, *opt_precision;
    char **ops;

    GPtrArray *params;      /* TsSweepParam* in file order */
    GPtrArray *constraints; /* TsSweepConstraintBlock* */

    /* Points: explicit points (rows of n_params values, NULL = the parameter's default) times
     * the combinations of the parameters with value lists (cross product, first parameter
     * slowest, or zip). */
    TsDoc *points_doc;
    char *points_path, *points_text;
    GPtrArray *explicit_points; /* TsSweepValue** (n_params each) */
    GArray *value_params;       /* guint: parameters with value lists, in order */
    gboolean zip;
    guint n_combos, n_points;
    GPtrArray *owned_values; /* TsSweepValue* made by ranges, cross and points (freed here) */

    TsSearchOptions search;
    gboolean imperfect;      /* mapper.factorization: imperfect */
    gboolean systolic_folds; /* mapper.systolic_folds (TsModelOptions.systolic_folds) */
    TsSweepObjective objectives[3];
    guint n_objectives;
    TsSweepObjective rank;
    uint64_t des_max_steps;   /* `des: max_steps` (0: the executor's default) */
    uint64_t des_instances;   /* `des: instances` (TsExecOptions.instances; 0: auto) */
    uint64_t des_lane_memory; /* `des: lane_memory` (TsExecOptions.lane_memory_bytes; 0: default) */
    char *settings_json;

    GPtrArray *notes;  /* char * + NULL */
    GPtrArray *inputs; /* TsSweepInput* */
};

/* Value of a template for point: "${expr}" pieces are replaced by the expression over the
 * point's parameters (a parameter name alone gives its text), and a template that is exactly
 * a parameter name gives that parameter's text. Newly allocated, or NULL with error naming
 * node (TS_CONFIG_ERROR). */
char *ts_sweep_expand(const TsSweep *sweep, guint point, const char *template_text,
                      const TsNode *node, GError **error);

/* Names a template reads (for the check that every parameter is used); appended to names. */
void ts_sweep_template_names(const char *template_text, GPtrArray *names);

/* ---- Loading (ts-sweep-spec.c, ts-sweep-params.c, ts-sweep-values.c) ---- */

/* Adds a note (shown when the sweep runs). */
void ts_sweep_note(TsSweep *sweep, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Records an input file and the SHA-256 of its contents. */
gboolean ts_sweep_add_input(TsSweep *sweep, const char *label, const char *path, GError **error);
/* A non-null scalar's text, else TS_CONFIG_ERROR_TYPE at path. */
gboolean ts_sweep_node_text(const TsNode *node, const char *path, const char **out, GError **error);
void ts_sweep_set_free(gpointer set);
void ts_sweep_value_free(gpointer value);
/* A letter or _ followed by letters, digits and _. */
gboolean ts_sweep_is_identifier(const char *text);
/* Integral values without a decimal point, others with 17 significant digits (newly
 * allocated). */
char *ts_sweep_format_number(double x);
/* `range:` of parameter p into its value list. */
gboolean ts_sweep_read_range(TsSweep *sweep, TsSweepParam *p, const TsNode *range, const char *path,
                             GError **error);
/* One entry of `parameters:`, appended to sweep->params. */
gboolean ts_sweep_read_param(TsSweep *sweep, const TsNode *name_node, const TsNode *entry,
                             GError **error);
/* The `constraints:` list into sweep->constraints. */
gboolean ts_sweep_read_constraints(TsSweep *sweep, const TsNode *list, GError **error);
/* Kinds of the parameters that set no key (options, variables, labels); an error for one
 * that changes nothing. */
gboolean ts_sweep_classify(TsSweep *sweep, GError **error);

/* Index of a parameter by name, or -1. */
int ts_sweep_param_index(const TsSweep *sweep, const char *name);

/* Builds the value lists and explicit points of the `points`/`combine` keys (points.c). */
gboolean ts_sweep_points_setup(TsSweep *sweep, const TsNode *sweep_map,
                               const TsSweepLoadOptions *options, GError **error);

/* A file named in the sweep file: relative to the sweep file's folder when it exists there,
 * else as given (working directory) or, when library is TRUE, a library name. */
char *ts_sweep_resolve_file(const TsSweep *sweep, TsLibraryKind kind, gboolean library,
                            const char *text, const TsNode *node, const char *path, GError **error);

/* A value owned by sweep. */
TsSweepValue *ts_sweep_value_new(TsSweep *sweep, const char *text, const TsNode *origin);

/* The inputs of one design point, built from edited copies of the base documents. */
typedef struct {
    TsDoc *arch_doc;     /* derived from the base architecture document */
    TsDoc *workload_doc; /* derived, or NULL (built-in model) */
    GPtrArray *docs;     /* per-point constraint trees (TsDoc) */
    TsArch *arch;
    TsWorkload *workload;
    TsConstraints *constraints;
    char *reason;    /* the first error: the point is invalid */
    int reason_code; /* its TsConfigError code */
} TsSweepPointInputs;

/* Builds point's inputs. Returns FALSE only for internal errors; an input the loaders reject
 * leaves arch/workload/constraints NULL and sets reason. */
gboolean ts_sweep_point_build(const TsSweep *sweep, guint point, TsSweepPointInputs *in,
                              GError **error);
void ts_sweep_point_clear(TsSweepPointInputs *in);

/* MPI transport (ts-sweep-mpi.c; main thread only). Processes of this rank's machine; a
 * blocking send of len bytes; a non-blocking receive of any message (TRUE with its source, tag
 * and bytes when one was waiting). */
int ts_sweep_mpi_local_size(void);
gboolean ts_sweep_mpi_send(int dest, int tag, const void *data, gsize len);
gboolean ts_sweep_mpi_poll(int *source, int *tag, GBytes **data);

/* Hex SHA-256 of text (newly allocated). */
char *ts_sweep_sha256(const char *text, gssize len);

G_END_DECLS

#endif /* TS_SWEEP_PRIVATE_H */
