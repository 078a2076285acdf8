/* Parameter sets and their validation against a kind's spec table. Sets are tiny (tens of
 * keys), so a GArray with linear lookup keeps insertion order for free and never iterates a
 * hash table. */
#include "ts-params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char *origin;
    TsParamType type;
    union {
        gint64 i;
        double d;
        char *s;
        gboolean b;
    } v;
} TsParamEntry;

struct TsParams {
    GArray *entries; /* TsParamEntry, insertion order */
};

static void entry_clear(gpointer p)
{
    TsParamEntry *e = p;
    g_free(e->key);
    g_free(e->origin);
    if (e->type == TS_PARAM_STRING)
        g_free(e->v.s);
}

TsParams *ts_params_new(void)
{
    TsParams *p = g_new(TsParams, 1);
    p->entries = g_array_new(FALSE, TRUE, sizeof(TsParamEntry));
    g_array_set_clear_func(p->entries, entry_clear);
    return p;
}

void ts_params_free(TsParams *params)
{
    if (params == NULL)
        return;
    g_array_unref(params->entries);
    g_free(params);
}

static TsParamEntry *find(const TsParams *p, const char *key)
{
    for (guint i = 0; i < p->entries->len; i++) {
        TsParamEntry *e = &g_array_index(p->entries, TsParamEntry, i);
        if (strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* Entry for key, created at the end if new; an existing value is released. */
static TsParamEntry *slot_for(TsParams *p, const char *key)
{
    TsParamEntry *e = find(p, key);
    if (e != NULL) {
        if (e->type == TS_PARAM_STRING)
            g_clear_pointer(&e->v.s, g_free);
        return e;
    }
    TsParamEntry n = {.key = g_strdup(key)};
    g_array_append_val(p->entries, n);
    return &g_array_index(p->entries, TsParamEntry, p->entries->len - 1);
}

TsParams *ts_params_copy(const TsParams *params)
{
    g_return_val_if_fail(params != NULL, NULL);
    TsParams *c = ts_params_new();
    for (guint i = 0; i < params->entries->len; i++) {
        const TsParamEntry *e = &g_array_index(params->entries, TsParamEntry, i);
        TsParamEntry n = *e;
        n.key = g_strdup(e->key);
        n.origin = g_strdup(e->origin);
        if (e->type == TS_PARAM_STRING)
            n.v.s = g_strdup(e->v.s);
        g_array_append_val(c->entries, n);
    }
    return c;
}

void ts_params_set_int(TsParams *params, const char *key, gint64 value)
{
    g_return_if_fail(params != NULL && key != NULL);
    TsParamEntry *e = slot_for(params, key);
    e->type = TS_PARAM_INT;
    e->v.i = value;
}

void ts_params_set_double(TsParams *params, const char *key, double value)
{
    g_return_if_fail(params != NULL && key != NULL);
    TsParamEntry *e = slot_for(params, key);
    e->type = TS_PARAM_DOUBLE;
    e->v.d = value;
}

void ts_params_set_string(TsParams *params, const char *key, const char *value)
{
    g_return_if_fail(params != NULL && key != NULL && value != NULL);
    TsParamEntry *e = slot_for(params, key);
    e->type = TS_PARAM_STRING;
    e->v.s = g_strdup(value);
}

void ts_params_set_bool(TsParams *params, const char *key, gboolean value)
{
    g_return_if_fail(params != NULL && key != NULL);
    TsParamEntry *e = slot_for(params, key);
    e->type = TS_PARAM_BOOL;
    e->v.b = value ? TRUE : FALSE;
}

void ts_params_set_origin(TsParams *params, const char *key, const char *origin)
{
    g_return_if_fail(params != NULL && key != NULL);
    TsParamEntry *e = find(params, key);
    g_return_if_fail(e != NULL);
    g_free(e->origin);
    e->origin = g_strdup(origin);
}

guint ts_params_size(const TsParams *params)
{
    g_return_val_if_fail(params != NULL, 0);
    return params->entries->len;
}

const char *ts_params_key(const TsParams *params, guint i)
{
    g_return_val_if_fail(params != NULL && i < params->entries->len, NULL);
    return g_array_index(params->entries, TsParamEntry, i).key;
}

gboolean ts_params_has(const TsParams *params, const char *key)
{
    g_return_val_if_fail(params != NULL && key != NULL, FALSE);
    return find(params, key) != NULL;
}

gboolean ts_params_type(const TsParams *params, const char *key, TsParamType *type)
{
    g_return_val_if_fail(params != NULL && key != NULL, FALSE);
    const TsParamEntry *e = find(params, key);
    if (e == NULL)
        return FALSE;
    if (type)
        *type = e->type;
    return TRUE;
}

gint64 ts_params_get_int(const TsParams *params, const char *key)
{
    g_return_val_if_fail(params != NULL && key != NULL, 0);
    const TsParamEntry *e = find(params, key);
    g_return_val_if_fail(e != NULL && e->type == TS_PARAM_INT, 0);
    return e->v.i;
}

double ts_params_get_double(const TsParams *params, const char *key)
{
    g_return_val_if_fail(params != NULL && key != NULL, 0.0);
    const TsParamEntry *e = find(params, key);
    g_return_val_if_fail(e != NULL && e->type == TS_PARAM_DOUBLE, 0.0);
    return e->v.d;
}

const char *ts_params_get_string(const TsParams *params, const char *key)
{
    g_return_val_if_fail(params != NULL && key != NULL, NULL);
    const TsParamEntry *e = find(params, key);
    g_return_val_if_fail(e != NULL && e->type == TS_PARAM_STRING, NULL);
    return e->v.s;
}

gboolean ts_params_get_bool(const TsParams *params, const char *key)
{
    g_return_val_if_fail(params != NULL && key != NULL, FALSE);
    const TsParamEntry *e = find(params, key);
    g_return_val_if_fail(e != NULL && e->type == TS_PARAM_BOOL, FALSE);
    return e->v.b;
}

const char *ts_param_type_name(TsParamType type)
{
    switch (type) {
    case TS_PARAM_INT:
        return "int";
    case TS_PARAM_DOUBLE:
        return "double";
    case TS_PARAM_STRING:
        return "string";
    case TS_PARAM_BOOL:
        return "bool";
    }
    return "invalid";
}

static char *value_text(const TsParamEntry *e)
{
    switch (e->type) {
    case TS_PARAM_INT:
        return g_strdup_printf("%" G_GINT64_FORMAT, e->v.i);
    case TS_PARAM_DOUBLE:
        return g_strdup_printf("%.17g", e->v.d);
    case TS_PARAM_STRING:
        return g_strdup_printf("\"%s\"", e->v.s);
    case TS_PARAM_BOOL:
        return g_strdup(e->v.b ? "true" : "false");
    }
    return g_strdup("?");
}

/* Error prefix: "origin: path" or "path". */
static char *where(const TsParamEntry *e, const char *path)
{
    if (e != NULL && e->origin != NULL)
        return g_strdup_printf("%s: %s", e->origin, path);
    return g_strdup(path);
}

/* Parses a spec's textual default; a malformed table is a programming error. */
static void parse_default(const TsParamSpec *s, TsParamEntry *out)
{
    const char *t = s->default_value;
    char *end = NULL;
    out->type = s->type;
    errno = 0;
    switch (s->type) {
    case TS_PARAM_INT:
        out->v.i = g_ascii_strtoll(t, &end, 0);
        break;
    case TS_PARAM_DOUBLE:
        out->v.d = g_ascii_strtod(t, &end);
        break;
    case TS_PARAM_STRING:
        out->v.s = g_strdup(t);
        return;
    case TS_PARAM_BOOL:
        if (strcmp(t, "true") == 0 || strcmp(t, "false") == 0) {
            out->v.b = t[0] == 't';
            return;
        }
        end = (char *)t;
        break;
    }
    if (end == t || *end != '\0' || errno != 0)
        g_error("parameter spec '%s': malformed default '%s' for type %s", s->name, t,
                ts_param_type_name(s->type));
}

static char *known_list(const TsParamSpec *specs, guint n)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", specs[i].name);
    if (n == 0)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

TsParams *ts_params_resolve(const TsParams *given, const TsParamSpec *specs, guint n_specs,
                            const char *path, const char *kind_name, GError **error)
{
    g_return_val_if_fail(specs != NULL || n_specs == 0, NULL);
    g_return_val_if_fail(path != NULL && kind_name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    /* Unknown keys first: a typo is the likeliest mistake and names the culprit directly. */
    if (given != NULL) {
        for (guint i = 0; i < given->entries->len; i++) {
            const TsParamEntry *e = &g_array_index(given->entries, TsParamEntry, i);
            gboolean known = FALSE;
            for (guint j = 0; j < n_specs && !known; j++)
                known = strcmp(specs[j].name, e->key) == 0;
            if (!known) {
                g_autofree char *w = where(e, path);
                g_autofree char *list = known_list(specs, n_specs);
                g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_UNKNOWN_PARAM,
                            "%s: unknown parameter '%s' for kind '%s' (known: %s)", w, e->key,
                            kind_name, list);
                return NULL;
            }
        }
    }

    g_autoptr(TsParams) out = ts_params_new();
    for (guint j = 0; j < n_specs; j++) {
        const TsParamSpec *s = &specs[j];
        const TsParamEntry *e = given ? find(given, s->name) : NULL;
        TsParamEntry r = {.key = g_strdup(s->name)};
        g_autofree char *w = where(e, path);
        if (e == NULL) {
            if (s->default_value == NULL) {
                g_free(r.key);
                g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_MISSING,
                            "%s: required parameter '%s' (%s%s%s) of kind '%s' is missing", w,
                            s->name, ts_param_type_name(s->type), s->unit && *s->unit ? ", " : "",
                            s->unit ? s->unit : "", kind_name);
                return NULL;
            }
            parse_default(s, &r);
        } else {
            gboolean ok = TRUE;
            r.type = s->type;
            r.origin = g_strdup(e->origin);
            switch (s->type) {
            case TS_PARAM_INT:
                if (e->type == TS_PARAM_INT)
                    r.v.i = e->v.i;
                else if (e->type == TS_PARAM_DOUBLE && isfinite(e->v.d) &&
                         e->v.d == floor(e->v.d) && fabs(e->v.d) < 9.2e18)
                    r.v.i = (gint64)e->v.d;
                else
                    ok = FALSE;
                break;
            case TS_PARAM_DOUBLE:
                if (e->type == TS_PARAM_DOUBLE)
                    r.v.d = e->v.d;
                else if (e->type == TS_PARAM_INT)
                    r.v.d = (double)e->v.i;
                else
                    ok = FALSE;
                break;
            case TS_PARAM_STRING:
                ok = e->type == TS_PARAM_STRING;
                if (ok)
                    r.v.s = g_strdup(e->v.s);
                break;
            case TS_PARAM_BOOL:
                ok = e->type == TS_PARAM_BOOL;
                if (ok)
                    r.v.b = e->v.b;
                break;
            }
            if (!ok) {
                g_autofree char *val = value_text(e);
                g_free(r.key);
                g_free(r.origin);
                g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_TYPE,
                            "%s: parameter '%s' expects %s, got %s %s", w, s->name,
                            ts_param_type_name(s->type), ts_param_type_name(e->type), val);
                return NULL;
            }
        }
        if (s->min < s->max && (s->type == TS_PARAM_INT || s->type == TS_PARAM_DOUBLE)) {
            double v = s->type == TS_PARAM_INT ? (double)r.v.i : r.v.d;
            if (!(v >= s->min && v <= s->max)) {
                g_autofree char *val = value_text(&r);
                g_free(r.key);
                g_free(r.origin);
                g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                            "%s: parameter '%s' must be in [%g, %g]%s%s (got %s)", w, s->name,
                            s->min, s->max, s->unit && *s->unit ? " " : "", s->unit ? s->unit : "",
                            val);
                return NULL;
            }
        }
        g_array_append_val(out->entries, r);
    }
    return g_steal_pointer(&out);
}
