/* Component parameters: a small insertion-ordered key -> value set (int, double, string,
 * bool) that the arch layer fills from YAML, and the static spec tables a component kind
 * declares (name, type, unit, default, range, description). Validation resolves a given set
 * against a spec table: unknown keys, wrong types, missing required keys and out-of-range
 * values are GErrors naming the component path and the key. */
#ifndef TS_PARAMS_H
#define TS_PARAMS_H

#include "ts-time.h"

G_BEGIN_DECLS

typedef enum {
    TS_PARAM_INT,    /* gint64 */
    TS_PARAM_DOUBLE, /* double; an int value is accepted and converted */
    TS_PARAM_STRING,
    TS_PARAM_BOOL,
} TsParamType;

/* One entry of a kind's parameter table (static const data). */
typedef struct TsParamSpec {
    const char *name; /* key, e.g. "latency_ps" */
    TsParamType type;
    const char *unit;          /* "ps", "Hz", "bytes", "" when dimensionless */
    const char *default_value; /* textual default parsed per type; NULL = required */
    double min;                /* inclusive range, checked for numbers when min < max */
    double max;
    const char *description;
} TsParamSpec;

typedef struct TsParams TsParams;

/* New empty set. Free with ts_params_free (accepts NULL). */
TsParams *ts_params_new(void);
void ts_params_free(TsParams *params);

/* Deep copy. */
TsParams *ts_params_copy(const TsParams *params);

/* Set (or replace, keeping the original position) a value. Keys are copied. */
void ts_params_set_int(TsParams *params, const char *key, gint64 value);
void ts_params_set_double(TsParams *params, const char *key, double value);
void ts_params_set_string(TsParams *params, const char *key, const char *value);
void ts_params_set_bool(TsParams *params, const char *key, gboolean value);

/* Records where a key came from (e.g. "arch/x.yaml:12:5"); validation errors about the key
 * are prefixed with it. The key must be set already. */
void ts_params_set_origin(TsParams *params, const char *key, const char *origin);

/* Number of keys, and the i-th key in insertion order (borrowed). */
guint ts_params_size(const TsParams *params);
const char *ts_params_key(const TsParams *params, guint i);
gboolean ts_params_has(const TsParams *params, const char *key);
/* Type of a key; FALSE when absent. */
gboolean ts_params_type(const TsParams *params, const char *key, TsParamType *type);

/* Typed getters for a *resolved* set (every spec key present with its spec type): asking for
 * an absent key or the wrong type is API misuse (g_return_val_if_fail, returns 0/NULL).
 * ts_params_get_string returns a borrowed string. */
gint64 ts_params_get_int(const TsParams *params, const char *key);
double ts_params_get_double(const TsParams *params, const char *key);
const char *ts_params_get_string(const TsParams *params, const char *key);
gboolean ts_params_get_bool(const TsParams *params, const char *key);

/* Resolves `given` (may be NULL = empty) against a spec table for the component at `path`.
 * Returns a new set holding exactly the spec keys in spec order, typed per spec (int
 * promoted to double; integral double accepted for int), defaults filled in. NULL and
 * TS_CORE_ERROR_{UNKNOWN_PARAM, PARAM_TYPE, PARAM_MISSING, PARAM_RANGE} on bad input, with a
 * message like "chip.pe[0]: unknown parameter 'depht' for kind 'regfile' (known: depth,
 * word_bits)". `kind_name` is used in messages only. */
TsParams *ts_params_resolve(const TsParams *given, const TsParamSpec *specs, guint n_specs,
                            const char *path, const char *kind_name, GError **error);

/* Type name ("int", "double", "string", "bool"). */
const char *ts_param_type_name(TsParamType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsParams, ts_params_free)

G_END_DECLS

#endif /* TS_PARAMS_H */
