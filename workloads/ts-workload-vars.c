/* Variables for Timeloop instance values written as names (`E: EMBEDDING`), with timeloopfe's
 * semantics: a `variables:` mapping of names to numbers or expressions over other variables,
 * evaluated lazily (so derived defaults follow overrides), cycles rejected. Layers, lowest
 * first: built-in BERT-base seq-128 defaults, a problem's own `variables:`, a variables file,
 * --seq/--batch, --var NAME=VALUE. Overrides nothing uses are reported as errors. Values are
 * memoised per layer set (each variable is evaluated once however often it is referenced) and
 * a chain of references deeper than TS_VARS_MAX_DEPTH is an error, so hostile files (chains
 * of 30,000 links, variables that each sum the previous one ten times) fail fast. */
#include "ts-op.h"

#include <math.h>
#include <string.h>

#include "ts-workload-private.h"

/* Longest chain of variables referring to variables (timeloopfe files use a handful). */
#define TS_VARS_MAX_DEPTH 100u

typedef struct {
    char *name;
    char *text;         /* expression text; NULL when the YAML value is not a scalar */
    const TsNode *node; /* definition (borrowed from a document vars keeps alive), or NULL */
    char *origin;       /* "--var", "--seq", "built-in default", file name */
    int state;          /* 0 not evaluated, 1 being evaluated, 2 done (for generation) */
    guint64 generation; /* TsVars generation value was computed in */
    double value;
    gboolean override;
    gboolean used;
} TsVar;

struct TsVars {
    GHashTable *current; /* name -> TsVar (the highest layer) */
    GPtrArray *all;      /* every TsVar ever added, owned */
    GPtrArray *docs;     /* TsDoc of variables files */
    guint64 generation;  /* bumped by every added variable: older values are stale */
    guint depth;         /* variables being evaluated (the reference chain) */
};

static void var_free(gpointer p)
{
    TsVar *v = p;
    g_free(v->name);
    g_free(v->text);
    g_free(v->origin);
    g_free(v);
}

static void add_var(TsVars *vars, const char *name, const char *text, const TsNode *node,
                    const char *origin, gboolean override)
{
    TsVar *v = g_new0(TsVar, 1);
    v->name = g_strdup(name);
    v->text = g_strdup(text);
    v->node = node;
    v->origin = g_strdup(origin);
    v->override = override;
    g_ptr_array_add(vars->all, v);
    g_hash_table_insert(vars->current, v->name, v);
    /* A new layer changes what derived variables evaluate to: earlier values go stale. */
    vars->generation++;
}

TsVars *ts_vars_new(void)
{
    TsVars *vars = g_new0(TsVars, 1);
    vars->current = g_hash_table_new(g_str_hash, g_str_equal);
    vars->all = g_ptr_array_new_with_free_func(var_free);
    vars->docs = g_ptr_array_new_with_free_func((GDestroyNotify)ts_doc_free);
    static const char *const defaults[][2] = {
        {"EMBEDDING", "768"},
        {"SEQ_LENGTH", "128"},
        {"HEADS", "12"},
        {"FF_DIM", "3072"},
        {"EMBEDDING_HEADS", "EMBEDDING / HEADS"},
        {"EMBEDDING_3", "EMBEDDING * 3"},
        {"BATCH", "1"},
        {"MB_D", "1"},
        {"MB_E", "1"},
        {"MB_L", "1"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(defaults); i++)
        add_var(vars, defaults[i][0], defaults[i][1], NULL, "built-in default", FALSE);
    return vars;
}

void ts_vars_free(TsVars *vars)
{
    if (vars == NULL)
        return;
    g_hash_table_destroy(vars->current);
    g_ptr_array_free(vars->all, TRUE);
    g_ptr_array_free(vars->docs, TRUE);
    g_free(vars);
}

gboolean ts_vars_add_node(TsVars *vars, const TsNode *map, const char *path, GError **error)
{
    if (map == NULL || ts_node_is_null(map))
        return TRUE;
    if (map->kind != TS_NODE_MAPPING) {
        ts_config_error(error, map, TS_CONFIG_ERROR_TYPE, path,
                        "expected a mapping of variable names to values (got %s)",
                        map->kind == TS_NODE_SEQUENCE ? "a list" : "a scalar");
        return FALSE;
    }
    for (guint i = 0; i < map->n; i++) {
        const TsNode *value = ts_node_value(map, i);
        add_var(vars, ts_node_key(map, i), value->kind == TS_NODE_SCALAR ? value->value : NULL,
                value, map->doc ? map->doc->filename : "variables", FALSE);
    }
    return TRUE;
}

gboolean ts_vars_add_file(TsVars *vars, const char *filename, GError **error)
{
    TsDoc *doc = ts_doc_load_file(filename, NULL, error);
    if (doc == NULL)
        return FALSE;
    g_ptr_array_add(vars->docs, doc);
    const TsNode *root = doc->root;
    const TsNode *map =
        root && root->kind == TS_NODE_MAPPING ? ts_node_get(root, "variables") : NULL;
    if (map == NULL) {
        ts_config_error(error, root, TS_CONFIG_ERROR_MISSING, NULL,
                        "%s: a variables file needs a top-level 'variables' mapping (got %s)",
                        filename, root == NULL ? "an empty document" : "none");
        return FALSE;
    }
    return ts_vars_add_node(vars, map, "variables", error);
}

static gboolean is_identifier(const char *s)
{
    if (!(g_ascii_isalpha(s[0]) || s[0] == '_'))
        return FALSE;
    for (const char *p = s; *p; p++) {
        if (!(g_ascii_isalnum(*p) || *p == '_'))
            return FALSE;
    }
    return TRUE;
}

gboolean ts_vars_add_overrides(TsVars *vars, const char *const *assignments, GError **error)
{
    for (guint i = 0; assignments && assignments[i]; i++) {
        const char *eq = strchr(assignments[i], '=');
        g_autofree char *name =
            eq ? g_strstrip(g_strndup(assignments[i], (gsize)(eq - assignments[i]))) : NULL;
        if (name == NULL || !is_identifier(name) || eq[1] == '\0') {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                        "--var: expected NAME=VALUE with NAME an identifier (got '%s')",
                        assignments[i]);
            return FALSE;
        }
        add_var(vars, name, eq + 1, NULL, "--var", TRUE);
    }
    return TRUE;
}

void ts_vars_set_override(TsVars *vars, const char *name, uint64_t value, const char *origin)
{
    g_autofree char *text = g_strdup_printf("%" G_GUINT64_FORMAT, value);
    add_var(vars, name, text, NULL, origin, TRUE);
}

/* ---- Evaluation ---- */

typedef struct {
    TsVars *vars;
    GError *nested;    /* error raised while evaluating a referenced variable */
    char *failed_name; /* name the lookup did not know */
} TsEvalCtx;

static gboolean eval_var(TsVars *vars, TsVar *v, GError **error);

static gboolean lookup(const char *name, double *value, gpointer data)
{
    TsEvalCtx *ctx = data;
    TsVar *v = g_hash_table_lookup(ctx->vars->current, name);
    if (v == NULL) {
        if (ctx->failed_name == NULL)
            ctx->failed_name = g_strdup(name);
        return FALSE;
    }
    if (!eval_var(ctx->vars, v, ctx->nested ? NULL : &ctx->nested))
        return FALSE;
    *value = v->value;
    return TRUE;
}

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* " (did you mean 'X'?)" over the current variable names. */
static char *suggest_var(TsVars *vars, const char *name)
{
    GPtrArray *names = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, vars->current);
    while (g_hash_table_iter_next(&it, &key, NULL))
        g_ptr_array_add(names, key);
    g_ptr_array_sort(names, compare_strings); /* ties in the suggestion never follow hashing */
    g_ptr_array_add(names, NULL);
    char *hint = ts_config_suggest(name, (const char *const *)names->pdata);
    g_ptr_array_free(names, TRUE);
    return hint;
}

/* Evaluates text; on failure sets error with node/path and the offending text. */
static gboolean eval_text(TsVars *vars, const char *text, const TsNode *node, const char *path,
                          double *out, GError **error)
{
    TsEvalCtx ctx = {.vars = vars};
    g_autoptr(GError) local = NULL;
    gboolean ok = ts_expr_eval(text, lookup, &ctx, out, &local);
    if (!ok) {
        if (ctx.nested != NULL) {
            g_propagate_error(error, ctx.nested);
            ctx.nested = NULL;
        } else if (ctx.failed_name != NULL) {
            g_autofree char *hint = suggest_var(vars, ctx.failed_name);
            ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                            "unknown variable '%s'%s; give it in a variables file or with --var "
                            "%s=VALUE (got '%s')",
                            ctx.failed_name, hint, ctx.failed_name, text);
        } else {
            ts_config_error(error, node, (TsConfigError)local->code, path, "%s (got '%s')",
                            local->message, text);
        }
    }
    g_clear_error(&ctx.nested);
    g_free(ctx.failed_name);
    return ok;
}

static gboolean eval_var(TsVars *vars, TsVar *v, GError **error)
{
    v->used = TRUE;
    if (v->state == 2 && v->generation == vars->generation)
        return TRUE;
    if (v->state == 2)
        v->state = 0;
    g_autofree char *path = g_strdup_printf("%s%s", v->node ? "variables." : "", v->name);
    g_autofree char *where = v->node ? NULL : g_strdup_printf("%s %s", v->origin, v->name);
    const char *p = v->node ? path : where;
    if (v->state == 1) {
        ts_config_error(error, v->node, TS_CONFIG_ERROR_INVALID, p,
                        "variable refers to itself through its definition (got '%s')",
                        v->text ? v->text : "");
        return FALSE;
    }
    if (v->text == NULL) {
        ts_config_error(error, v->node, TS_CONFIG_ERROR_TYPE, p,
                        "variable is not a number (got a collection)");
        return FALSE;
    }
    if (vars->depth >= TS_VARS_MAX_DEPTH) {
        ts_config_error(error, v->node, TS_CONFIG_ERROR_LIMIT, p,
                        "variables refer to variables more than %u deep (got '%s' at that depth)",
                        TS_VARS_MAX_DEPTH, v->text);
        return FALSE;
    }
    v->state = 1;
    vars->depth++;
    gboolean ok = eval_text(vars, v->text, v->node, p, &v->value, error);
    vars->depth--;
    v->state = ok ? 2 : 0;
    v->generation = vars->generation;
    return ok;
}

gboolean ts_vars_eval_node(TsVars *vars, const TsNode *node, const char *path, uint64_t min,
                           uint64_t *out, GError **error)
{
    const char *text;
    if (!ts_node_string(node, path, &text, error))
        return FALSE;
    /* Exact 64-bit integers first: expressions go through doubles. */
    guint64 u;
    if (g_ascii_isdigit(text[0]) &&
        g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &u, NULL)) {
        if (u < min) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "must be %s %" G_GUINT64_FORMAT " (got %s)",
                            min == 1 ? ">" : ">=", min == 1 ? (guint64)0 : min, text);
            return FALSE;
        }
        *out = u;
        return TRUE;
    }
    double d;
    if (!eval_text(vars, text, node, path, &d, error))
        return FALSE;
    if (d != floor(d)) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                        "expected an integer (got '%s' = %g)", text, d);
        return FALSE;
    }
    if (d >= 9007199254740992.0) { /* 2^53: doubles stop being exact */
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "expression value too large to be exact; write the integer itself "
                        "(got '%s' = %g)",
                        text, d);
        return FALSE;
    }
    if (d < (double)min) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "must be %s %" G_GUINT64_FORMAT " (got '%s' = %g)",
                        min == 1 ? ">" : ">=", min == 1 ? (guint64)0 : min, text, d);
        return FALSE;
    }
    *out = (uint64_t)d;
    return TRUE;
}

gboolean ts_vars_check_overrides_used(TsVars *vars, const char *what, GError **error)
{
    for (guint i = 0; i < vars->all->len; i++) {
        TsVar *v = g_ptr_array_index(vars->all, i);
        if (!v->override || v->used || g_hash_table_lookup(vars->current, v->name) != v)
            continue;
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: %s %s=%s is not used: no instance value refers to variable '%s' "
                    "(got '%s')",
                    what, v->origin, v->name, v->text, v->name, v->text);
        return FALSE;
    }
    return TRUE;
}

char *ts_vars_describe_used(TsVars *vars)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < vars->all->len; i++) {
        TsVar *v = g_ptr_array_index(vars->all, i);
        if (!v->used || v->state != 2 || g_hash_table_lookup(vars->current, v->name) != v)
            continue;
        gboolean literal =
            g_ascii_isdigit(v->text[0]) && strspn(v->text, "0123456789.") == strlen(v->text);
        g_string_append_printf(s, "%s%s=%.17g (%s%s%s)", s->len ? ", " : "", v->name, v->value,
                               v->origin, literal ? "" : ": ", literal ? "" : v->text);
    }
    return g_string_free(s, FALSE);
}
