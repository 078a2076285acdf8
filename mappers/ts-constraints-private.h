/* Internals shared by the constraint files: directives as read (kept with their YAML nodes,
 * resolved later against one (arch, op) pair), the TsConstraints record, the factor-term
 * parser and notes. ts-constraints.c reads files and the blocks embedded in architectures,
 * ts-constraints-resolve.c turns directives into TsRules, ts-constraints-check.c checks a
 * mapping against rules. Not installed. */
#ifndef TS_CONSTRAINTS_PRIVATE_H
#define TS_CONSTRAINTS_PRIVATE_H

#include "ts-constraints.h"

G_BEGIN_DECLS

typedef enum {
    TS_DIR_TEMPORAL,
    TS_DIR_SPATIAL,
    TS_DIR_DATASPACE,
    TS_DIR_UTILIZATION,
} TsDirKind;

/* One directive: its kind, target and the value nodes of its fields (borrowed from the
 * documents the TsConstraints keeps). */
typedef struct {
    TsDirKind kind;
    const char *target;        /* level name, or NULL with target_id */
    int target_id;             /* Timeloop numeric target (0 = innermost), or -1 */
    const TsNode *target_node; /* for messages */
    const TsNode *node;        /* the directive (messages) */
    const TsNode *factors, *permutation, *split, *keep, *bypass, *min_util;
    char *path;
} TsDirective;

struct TsConstraints {
    GPtrArray *docs;  /* TsDoc: the directives point into them */
    GArray *dirs;     /* TsDirective */
    GPtrArray *notes; /* char *, de-duplicated */
};

/* One term of a factors string: "K=4" ('='), "M>=2" ('>'), "N<=8" ('<'). */
typedef struct {
    char name[64];
    char op;
    uint64_t value;
} TsFactorTerm;

/* Parses a factors node (a string "K=4 M>=2 N<=8" / "M2 N6 K12", or a list of such strings)
 * appending TsFactorTerm to out (may be NULL: syntax check only). Errors name path. */
gboolean ts_constraints_parse_factors(const TsNode *node, const char *path, GArray *out,
                                      GError **error);

/* Adds a note "FILE:LINE:COL: PATH: message" once (the same note from resolving another op is
 * not repeated). */
void ts_constraints_add_note(TsConstraints *c, const TsNode *node, const char *path,
                             const char *fmt, ...) G_GNUC_PRINTF(4, 5);

G_END_DECLS

#endif /* TS_CONSTRAINTS_PRIVATE_H */
