/* Sweep files (docs/sweeps.md): the `sweep:` mapping with its base architecture and workload,
 * workload options, mapper settings and objectives (parameters and constraint blocks are read
 * by ts-sweep-params.c, values and templates by ts-sweep-values.c); the inputs and settings a
 * resumed run checks; accessors. */
#include "ts-sweep.h"

#include <string.h>

#include "ts-exec.h"
#include "ts-file.h"
#include "ts-json-text.h"
#include "ts-library.h"
#include "ts-sweep-private.h"
#include "ts-json-glib.h"

/* Defaults of the per-op search (as `tilesim map`, docs/mapper.md). */
#define SWEEP_DEFAULT_BUDGET 200000

static const char *const kObjectiveNames[TS_SWEEP_OBJ_COUNT_] = {
    [TS_SWEEP_OBJ_ENERGY] = "energy",
    [TS_SWEEP_OBJ_LATENCY] = "latency",
    [TS_SWEEP_OBJ_CYCLES] = "cycles",
    [TS_SWEEP_OBJ_EDP] = "edp",
    [TS_SWEEP_OBJ_AREA] = "area",
    [TS_SWEEP_OBJ_DES_LATENCY] = "des_latency",
    [TS_SWEEP_OBJ_DES_CYCLES] = "des_cycles",
};

const char *ts_sweep_objective_name(TsSweepObjective objective)
{
    g_return_val_if_fail(objective < TS_SWEEP_OBJ_COUNT_, "?");
    return kObjectiveNames[objective];
}

gboolean ts_sweep_objective_from_name(const char *name, TsSweepObjective *objective)
{
    for (guint i = 0; i < TS_SWEEP_OBJ_COUNT_; i++) {
        if (g_strcmp0(name, kObjectiveNames[i]) == 0) {
            *objective = (TsSweepObjective)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *ts_sweep_objective_unit(TsSweepObjective o)
{
    switch (o) {
    case TS_SWEEP_OBJ_ENERGY:
        return "pJ";
    case TS_SWEEP_OBJ_LATENCY:
    case TS_SWEEP_OBJ_DES_LATENCY:
        return "s";
    case TS_SWEEP_OBJ_CYCLES:
    case TS_SWEEP_OBJ_DES_CYCLES:
        return "cycles";
    case TS_SWEEP_OBJ_EDP:
        return "J x cycles";
    case TS_SWEEP_OBJ_AREA:
        return "um^2";
    case TS_SWEEP_OBJ_COUNT_:
        break;
    }
    return "";
}

gboolean ts_sweep_objective_is_des(TsSweepObjective o)
{
    return o == TS_SWEEP_OBJ_DES_LATENCY || o == TS_SWEEP_OBJ_DES_CYCLES;
}

gboolean ts_sweep_engine_runs_des(const char *engine)
{
    return g_strcmp0(engine, "des") == 0 || g_strcmp0(engine, "both") == 0;
}

gboolean ts_sweep_runs_des(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, FALSE);
    return ts_sweep_engine_runs_des(sweep->engine);
}

/* Objectives that differ only by the clock (latency and cycles of the same engine) measure the
 * same thing: the same family. */
static int objective_family(TsSweepObjective o)
{
    return o == TS_SWEEP_OBJ_CYCLES       ? TS_SWEEP_OBJ_LATENCY
           : o == TS_SWEEP_OBJ_DES_CYCLES ? TS_SWEEP_OBJ_DES_LATENCY
                                          : (int)o;
}

char *ts_sweep_sha256(const char *text, gssize len)
{
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, len);
}

/* ---- Accessors ---------------------------------------------------------------------------- */

const char *ts_sweep_name(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->name;
}

const char *ts_sweep_path(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->path;
}

const char *ts_sweep_engine_name(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->engine;
}

guint ts_sweep_n_points(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, 0);
    return sweep->n_points;
}

guint ts_sweep_n_params(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, 0);
    return sweep->params->len;
}

const char *ts_sweep_param_name(const TsSweep *sweep, guint param)
{
    g_return_val_if_fail(sweep != NULL && param < sweep->params->len, NULL);
    return ((TsSweepParam *)sweep->params->pdata[param])->name;
}

const char *ts_sweep_param_kind(const TsSweep *sweep, guint param)
{
    g_return_val_if_fail(sweep != NULL && param < sweep->params->len, NULL);
    guint k = ((TsSweepParam *)sweep->params->pdata[param])->kinds;
    if ((k & TS_SWEEP_KIND_ARCH) && (k & TS_SWEEP_KIND_WORKLOAD))
        return "arch+workload";
    if (k & TS_SWEEP_KIND_ARCH)
        return "arch";
    if (k & TS_SWEEP_KIND_WORKLOAD)
        return "workload";
    if (k & TS_SWEEP_KIND_OPTION)
        return "workload option";
    if (k & TS_SWEEP_KIND_ARCH_VAR)
        return "arch variable";
    if (k & TS_SWEEP_KIND_WORKLOAD_VAR)
        return "workload variable";
    if (k & TS_SWEEP_KIND_UNUSED)
        return "unused";
    return "label";
}

const char *ts_sweep_param_targets(const TsSweep *sweep, guint param)
{
    g_return_val_if_fail(sweep != NULL && param < sweep->params->len, NULL);
    return ((TsSweepParam *)sweep->params->pdata[param])->targets_text;
}

const char *const *ts_sweep_notes(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return (const char *const *)sweep->notes->pdata;
}

guint ts_sweep_n_inputs(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, 0);
    return sweep->inputs->len;
}

void ts_sweep_input(const TsSweep *sweep, guint index, const char **label, const char **path,
                    const char **sha256)
{
    g_return_if_fail(sweep != NULL && index < sweep->inputs->len);
    const TsSweepInput *in = sweep->inputs->pdata[index];
    if (label)
        *label = in->label;
    if (path)
        *path = in->path;
    if (sha256)
        *sha256 = in->sha256;
}

gboolean ts_sweep_systolic_folds(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, FALSE);
    return sweep->systolic_folds;
}

const char *ts_sweep_settings_json(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->settings_json;
}

const char *ts_sweep_text(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->text;
}

const char *ts_sweep_points_text(const TsSweep *sweep)
{
    g_return_val_if_fail(sweep != NULL, NULL);
    return sweep->points_text;
}

/* ---- Freeing ------------------------------------------------------------------------------ */

void ts_sweep_set_free(gpointer p)
{
    TsSweepSet *s = p;
    g_free(s->path);
    g_free(s->template_text);
    g_free(s);
}

static void param_free(gpointer p)
{
    TsSweepParam *x = p;
    g_free(x->name);
    g_ptr_array_unref(x->arch_sets);
    g_ptr_array_unref(x->workload_sets);
    g_free(x->targets_text);
    if (x->values)
        g_ptr_array_unref(x->values);
    g_free(x);
}

static void block_free(gpointer p)
{
    TsSweepConstraintBlock *b = p;
    g_ptr_array_unref(b->when_params);
    g_ptr_array_unref(b->when_values);
    g_ptr_array_unref(b->arch_sets);
    g_ptr_array_unref(b->workload_sets);
    ts_doc_free(b->file_doc);
    g_free(b);
}

static void input_free(gpointer p)
{
    TsSweepInput *in = p;
    g_free(in->label);
    g_free(in->path);
    g_free(in->sha256);
    g_free(in);
}

void ts_sweep_free(TsSweep *s)
{
    if (s == NULL)
        return;
    g_ptr_array_unref(s->params);
    g_ptr_array_unref(s->constraints);
    if (s->explicit_points)
        g_ptr_array_unref(s->explicit_points);
    if (s->value_params)
        g_array_unref(s->value_params);
    g_ptr_array_unref(s->owned_values);
    g_ptr_array_unref(s->notes);
    g_ptr_array_unref(s->inputs);
    ts_doc_free(s->points_doc);
    ts_doc_free(s->workload_doc);
    ts_doc_free(s->arch_doc);
    ts_doc_free(s->doc);
    g_strfreev(s->ops);
    g_free(s->opt_phase);
    g_free(s->opt_precision);
    g_free(s->path);
    g_free(s->dir);
    g_free(s->name);
    g_free(s->text);
    g_free(s->engine);
    g_free(s->arch_path);
    g_free(s->ert_path);
    g_free(s->workload_ref);
    g_free(s->workload_path);
    g_free(s->points_path);
    g_free(s->points_text);
    g_free(s->settings_json);
    g_free(s);
}

/* ---- Loading helpers ---------------------------------------------------------------------- */

void ts_sweep_note(TsSweep *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_ptr_array_insert(s->notes, (gint)s->notes->len - 1, text); /* before the NULL */
}

gboolean ts_sweep_add_input(TsSweep *s, const char *label, const char *path, GError **error)
{
    gsize len = 0;
    g_autofree char *text = NULL;
    if (!ts_file_read(path, 0, &text, &len, error))
        return FALSE;
    TsSweepInput *in = g_new0(TsSweepInput, 1);
    in->label = g_strdup(label);
    in->path = g_strdup(path);
    in->sha256 = ts_sweep_sha256(text, (gssize)len);
    g_ptr_array_add(s->inputs, in);
    return TRUE;
}

char *ts_sweep_resolve_file(const TsSweep *s, TsLibraryKind kind, gboolean library,
                            const char *text, const TsNode *node, const char *path, GError **error)
{
    if (!g_path_is_absolute(text)) {
        g_autofree char *rel = g_build_filename(s->dir, text, NULL);
        if (g_file_test(rel, G_FILE_TEST_IS_REGULAR))
            return g_steal_pointer(&rel);
    }
    if (g_file_test(text, G_FILE_TEST_IS_REGULAR))
        return g_strdup(text);
    if (library) {
        g_autoptr(GError) local = NULL;
        char *r = ts_library_resolve(kind, text, &local);
        if (r != NULL)
            return r;
        ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path, "%s", local->message);
        return NULL;
    }
    ts_config_error(error, node, TS_CONFIG_ERROR_IO, path,
                    "no such file (looked in %s and the working directory) (got '%s')", s->dir,
                    text);
    return NULL;
}

gboolean ts_sweep_node_text(const TsNode *node, const char *path, const char **out, GError **error)
{
    if (node == NULL || node->kind != TS_NODE_SCALAR || ts_node_is_null(node)) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a text value");
        return FALSE;
    }
    *out = node->value;
    return TRUE;
}

/* The key path as applied to a document: prefixed with the document's single root key
 * (`architecture`, `workload`, `problem`) when it does not start with a root key. */
static gboolean read_mapper(TsSweep *s, const TsNode *m, GError **error)
{
    TsSearchOptions *o = &s->search;
    ts_search_options_init(o);
    o->algorithm = TS_SEARCH_ANNEAL;
    o->budget = SWEEP_DEFAULT_BUDGET;
    if (m == NULL)
        return TRUE;
    const char *path = "sweep.mapper";
    static const char *const keys[] = {"search",         "metric", "budget",        "victory",
                                       "max_invalid",    "seed",   "factorization", "polish",
                                       "systolic_folds", NULL};
    if (m->kind != TS_NODE_MAPPING) {
        ts_config_error(error, m, TS_CONFIG_ERROR_TYPE, path, "expected a mapping");
        return FALSE;
    }
    if (!ts_schema_check_keys(m, path, keys, error))
        return FALSE;
    const TsNode *n;
    if ((n = ts_node_get(m, "search")) != NULL) {
        const char *t = NULL;
        g_autoptr(GError) local = NULL;
        if (!ts_sweep_node_text(n, "sweep.mapper.search", &t, error))
            return FALSE;
        if (!ts_search_algorithm_from_name(t, &o->algorithm, &local)) {
            ts_config_error(error, n, TS_CONFIG_ERROR_REFERENCE, "sweep.mapper.search", "%s",
                            local->message);
            return FALSE;
        }
        if (o->algorithm == TS_SEARCH_EXHAUSTIVE && ts_node_get(m, "budget") == NULL)
            o->budget = 0;
    }
    if ((n = ts_node_get(m, "metric")) != NULL) {
        const char *t = NULL;
        g_autoptr(GError) local = NULL;
        if (!ts_sweep_node_text(n, "sweep.mapper.metric", &t, error))
            return FALSE;
        if (!ts_search_parse_metrics(t, o, &local)) {
            ts_config_error(error, n, TS_CONFIG_ERROR_REFERENCE, "sweep.mapper.metric", "%s",
                            local->message);
            return FALSE;
        }
    }
    if ((n = ts_node_get(m, "factorization")) != NULL) {
        const char *t = NULL;
        g_autoptr(GError) local = NULL;
        if (!ts_sweep_node_text(n, "sweep.mapper.factorization", &t, error))
            return FALSE;
        if (strcmp(t, "perfect") != 0 && strcmp(t, "imperfect") != 0) {
            ts_config_error(error, n, TS_CONFIG_ERROR_INVALID, "sweep.mapper.factorization",
                            "expected perfect or imperfect (got '%s')", t);
            return FALSE;
        }
        s->imperfect = strcmp(t, "imperfect") == 0;
    }
    struct {
        const char *key;
        guint64 *out;
    } ints[] = {{"budget", &o->budget},
                {"victory", &o->victory},
                {"max_invalid", &o->max_invalid},
                {"seed", &o->seed}};
    for (guint i = 0; i < G_N_ELEMENTS(ints); i++) {
        if ((n = ts_node_get(m, ints[i].key)) == NULL)
            continue;
        g_autofree char *pk = ts_path_key(path, ints[i].key);
        if (!ts_node_uint(n, pk, ints[i].out, error))
            return FALSE;
    }
    if ((n = ts_node_get(m, "polish")) != NULL) {
        gboolean polish = FALSE;
        if (!ts_node_bool(n, "sweep.mapper.polish", &polish, error))
            return FALSE;
        if (polish && o->algorithm != TS_SEARCH_ANNEAL) {
            ts_config_error(error, n, TS_CONFIG_ERROR_INVALID, "sweep.mapper.polish",
                            "polish applies to the anneal search only (search is %s)",
                            ts_search_algorithm_name(o->algorithm));
            return FALSE;
        }
        o->polish = polish;
    }
    if ((n = ts_node_get(m, "systolic_folds")) != NULL &&
        !ts_node_bool(n, "sweep.mapper.systolic_folds", &s->systolic_folds, error))
        return FALSE;
    gboolean ordered =
        o->algorithm == TS_SEARCH_EXHAUSTIVE || o->algorithm == TS_SEARCH_LINEAR_PRUNED;
    if (!ordered && o->budget == 0 && o->victory == 0) {
        ts_config_error(error, m, TS_CONFIG_ERROR_INVALID, path,
                        "search %s with budget 0 needs a victory condition (it would never stop)",
                        ts_search_algorithm_name(o->algorithm));
        return FALSE;
    }
    return TRUE;
}

static gboolean read_objectives(TsSweep *s, const TsNode *obj, const TsNode *rank, GError **error)
{
    const gboolean des = ts_sweep_engine_runs_des(s->engine);
    s->objectives[0] = TS_SWEEP_OBJ_ENERGY;
    s->objectives[1] =
        strcmp(s->engine, "des") == 0 ? TS_SWEEP_OBJ_DES_LATENCY : TS_SWEEP_OBJ_LATENCY;
    s->n_objectives = 2;
    s->rank = TS_SWEEP_OBJ_EDP;
    static const char *const pareto[] = {"energy",      "latency",    "cycles", "area",
                                         "des_latency", "des_cycles", NULL};
    if (obj != NULL) {
        const char *path = "sweep.objectives";
        if (obj->kind != TS_NODE_SEQUENCE || obj->n < 2 || obj->n > 3) {
            ts_config_error(error, obj, TS_CONFIG_ERROR_TYPE, path,
                            "expected 2 or 3 of energy, latency (or cycles), area, des_latency "
                            "(or des_cycles)");
            return FALSE;
        }
        s->n_objectives = obj->n;
        for (guint i = 0; i < obj->n; i++) {
            const char *t = NULL;
            g_autofree char *pi = ts_path_index(path, i);
            if (!ts_sweep_node_text(obj->items[i], pi, &t, error))
                return FALSE;
            if (!g_strv_contains(pareto, t) ||
                !ts_sweep_objective_from_name(t, &s->objectives[i])) {
                g_autofree char *hint = ts_config_suggest(t, pareto);
                ts_config_error(error, obj->items[i], TS_CONFIG_ERROR_REFERENCE, pi,
                                "expected energy, latency, cycles, area, des_latency or "
                                "des_cycles%s (got '%s')",
                                hint, t);
                return FALSE;
            }
            if (ts_sweep_objective_is_des(s->objectives[i]) && !des) {
                ts_config_error(error, obj->items[i], TS_CONFIG_ERROR_INVALID, pi,
                                "%s is measured by the discrete-event simulation: it needs "
                                "engine des or both (the engine is %s) (got '%s')",
                                t, s->engine, t);
                return FALSE;
            }
            for (guint j = 0; j < i; j++) {
                if (objective_family(s->objectives[j]) == objective_family(s->objectives[i])) {
                    ts_config_error(error, obj->items[i], TS_CONFIG_ERROR_DUPLICATE, pi,
                                    "names the same objective twice (latency and cycles differ "
                                    "only by the clock) (got '%s')",
                                    t);
                    return FALSE;
                }
            }
        }
    }
    if (rank != NULL) {
        const char *t = NULL;
        if (!ts_sweep_node_text(rank, "sweep.rank", &t, error))
            return FALSE;
        if (!ts_sweep_objective_from_name(t, &s->rank)) {
            g_autofree char *hint = ts_config_suggest(t, kObjectiveNames);
            ts_config_error(error, rank, TS_CONFIG_ERROR_REFERENCE, "sweep.rank",
                            "expected edp, energy, latency, cycles, area, des_latency or "
                            "des_cycles%s (got '%s')",
                            hint, t);
            return FALSE;
        }
        if (ts_sweep_objective_is_des(s->rank) && !des) {
            ts_config_error(error, rank, TS_CONFIG_ERROR_INVALID, "sweep.rank",
                            "%s is measured by the discrete-event simulation: it needs engine "
                            "des or both (the engine is %s) (got '%s')",
                            t, s->engine, t);
            return FALSE;
        }
    }
    return TRUE;
}

/* The `des:` settings of the discrete-event engines (des, both). */
static gboolean read_des(TsSweep *s, const TsNode *map, GError **error)
{
    if (map == NULL)
        return TRUE;
    if (!ts_sweep_engine_runs_des(s->engine)) {
        ts_config_error(error, map, TS_CONFIG_ERROR_INVALID, "sweep.des",
                        "sets the discrete-event simulation: it applies to engine des or both "
                        "(the engine is %s)",
                        s->engine);
        return FALSE;
    }
    if (map->kind != TS_NODE_MAPPING) {
        ts_config_error(error, map, TS_CONFIG_ERROR_TYPE, "sweep.des",
                        "expected a mapping (max_steps, instances, lane_memory)");
        return FALSE;
    }
    static const char *const keys[] = {"max_steps", "instances", "lane_memory", NULL};
    if (!ts_schema_check_keys(map, "sweep.des", keys, error))
        return FALSE;
    const TsNode *n = ts_node_get(map, "max_steps");
    if (n != NULL) {
        guint64 v = 0;
        if (!ts_node_uint(n, "sweep.des.max_steps", &v, error))
            return FALSE;
        if (v == 0) {
            ts_config_error(error, n, TS_CONFIG_ERROR_RANGE, "sweep.des.max_steps",
                            "must be > 0 (got 0)");
            return FALSE;
        }
        s->des_max_steps = v;
    }
    const TsNode *in = ts_node_get(map, "instances");
    if (in != NULL) {
        const char *text = NULL;
        guint64 v = 0;
        if (!ts_node_string(in, "sweep.des.instances", &text, error))
            return FALSE;
        if (strcmp(text, "auto") == 0) {
            s->des_instances = 0;
        } else if (strcmp(text, "all") == 0) {
            s->des_instances = TS_EXEC_INSTANCES_ALL;
        } else if (g_ascii_isdigit(text[0]) &&
                   g_ascii_string_to_unsigned(text, 10, TS_EXEC_SAMPLE_N_MIN, TS_EXEC_SAMPLE_N_MAX,
                                              &v, NULL)) {
            s->des_instances = v;
        } else {
            ts_config_error(error, in, TS_CONFIG_ERROR_RANGE, "sweep.des.instances",
                            "expected auto, all or a number of instances from %d to %d (got "
                            "'%s')",
                            TS_EXEC_SAMPLE_N_MIN, TS_EXEC_SAMPLE_N_MAX, text);
            return FALSE;
        }
    }
    const TsNode *lm = ts_node_get(map, "lane_memory");
    if (lm != NULL) {
        const char *text = NULL, *why = NULL;
        guint64 v = 0;
        if (!ts_node_string(lm, "sweep.des.lane_memory", &text, error))
            return FALSE;
        if (!ts_unit_parse_bytes(text, TS_EXEC_LANE_MEMORY_MIN, TS_EXEC_LANE_MEMORY_MAX, &v,
                                 &why)) {
            ts_config_error(error, lm, TS_CONFIG_ERROR_RANGE, "sweep.des.lane_memory",
                            "expected a size such as 512M, 2G or 1GiB from 1 KiB to 1 TiB (got "
                            "'%s': %s)",
                            text, why);
            return FALSE;
        }
        s->des_lane_memory = v;
    }
    return TRUE;
}

static gboolean read_options(TsSweep *s, const TsNode *map, GError **error)
{
    const char *const ints[] = {"seq", "batch", "kv_len"};
    uint64_t *outs[] = {&s->options.seq, &s->options.batch, &s->options.kv_len};
    for (guint i = 0; i < 3; i++) {
        const TsNode *n = ts_node_get(map, ints[i]);
        if (n == NULL)
            continue;
        guint64 v = 0;
        g_autofree char *pk = ts_path_key("sweep", ints[i]);
        if (!ts_node_uint(n, pk, &v, error))
            return FALSE;
        if (v == 0) {
            ts_config_error(error, n, TS_CONFIG_ERROR_RANGE, pk, "must be > 0 (got 0)");
            return FALSE;
        }
        *outs[i] = v;
    }
    const TsNode *n;
    const char *t = NULL;
    if ((n = ts_node_get(map, "phase")) != NULL) {
        if (!ts_sweep_node_text(n, "sweep.phase", &t, error))
            return FALSE;
        s->opt_phase = g_strdup(t);
        s->options.phase = s->opt_phase;
    }
    if ((n = ts_node_get(map, "precision")) != NULL) {
        if (!ts_sweep_node_text(n, "sweep.precision", &t, error))
            return FALSE;
        s->opt_precision = g_strdup(t);
        s->options.precision = s->opt_precision;
    }
    if ((n = ts_node_get(map, "ops")) != NULL) {
        const TsNode *const *items = n->kind == TS_NODE_SEQUENCE ? n->items : &n;
        guint k = n->kind == TS_NODE_SEQUENCE ? n->n : 1;
        s->ops = g_new0(char *, k + 1);
        for (guint i = 0; i < k; i++) {
            g_autofree char *pi = ts_path_index("sweep.ops", i);
            if (!ts_sweep_node_text(items[i], pi, &t, error))
                return FALSE;
            s->ops[i] = g_strdup(t);
        }
    }
    return TRUE;
}

static gboolean read_base(TsSweep *s, const TsNode *map, GError **error)
{
    const TsNode *an = ts_node_get(map, "arch"), *wn = ts_node_get(map, "workload"),
                 *en = ts_node_get(map, "ert");
    const char *t = NULL;
    if (an == NULL || wn == NULL) {
        ts_config_error(error, map, TS_CONFIG_ERROR_MISSING, "sweep",
                        "a sweep needs a base arch and workload");
        return FALSE;
    }
    if (!ts_sweep_node_text(an, "sweep.arch", &t, error))
        return FALSE;
    s->arch_path = ts_sweep_resolve_file(s, TS_LIBRARY_ARCH, TRUE, t, an, "sweep.arch", error);
    if (s->arch_path == NULL)
        return FALSE;
    s->arch_doc = ts_doc_load_file(s->arch_path, NULL, error);
    if (s->arch_doc == NULL || !ts_sweep_add_input(s, "arch", s->arch_path, error))
        return FALSE;
    /* The base must load: a broken base is a sweep error, not 19 invalid points. */
    g_autoptr(TsArch) probe = ts_arch_load_doc(s->arch_doc, s->arch_path, NULL, error);
    if (probe == NULL)
        return FALSE;
    if (!ts_arch_is_mappable(probe)) {
        ts_config_error(error, an, TS_CONFIG_ERROR_INVALID, "sweep.arch",
                        "%s has no storage or compute level to map onto (got '%s')", s->arch_path,
                        t);
        return FALSE;
    }
    if (en != NULL) {
        if (!ts_sweep_node_text(en, "sweep.ert", &t, error))
            return FALSE;
        s->ert_path = ts_sweep_resolve_file(s, TS_LIBRARY_ARCH, FALSE, t, en, "sweep.ert", error);
        if (s->ert_path == NULL || !ts_sweep_add_input(s, "ert", s->ert_path, error))
            return FALSE;
    }
    if (wn->kind == TS_NODE_MAPPING) {
        /* inline workload: the document {workload: <node>} around the sweep file's node */
        s->workload_doc = ts_doc_new(s->path);
        const char *key = "workload";
        ts_doc_set_root(s->workload_doc, ts_doc_new_mapping(s->workload_doc, &key, &wn, 1, wn));
        s->workload_ref = g_strdup_printf("%s (inline)", s->path);
        s->workload_path = g_strdup(s->path);
        return TRUE;
    }
    if (!ts_sweep_node_text(wn, "sweep.workload", &t, error))
        return FALSE;
    s->workload_ref = g_strdup(t);
    g_autoptr(GError) local = NULL;
    s->workload_path =
        ts_sweep_resolve_file(s, TS_LIBRARY_WORKLOAD, TRUE, t, wn, "sweep.workload", &local);
    if (s->workload_path == NULL) {
        if (g_strv_contains(ts_transformer_model_names(), t))
            return TRUE; /* a built-in model without a file */
        g_propagate_error(error, g_steal_pointer(&local));
        return FALSE;
    }
    s->workload_doc = ts_doc_load_file(s->workload_path, NULL, error);
    return s->workload_doc != NULL && ts_sweep_add_input(s, "workload", s->workload_path, error);
}

static char *settings_json(const TsSweep *s, gboolean cross)
{
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "engine");
    json_builder_add_string_value(b, s->engine);
    json_builder_set_member_name(b, "mapper");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "search");
    json_builder_add_string_value(b, ts_search_algorithm_name(s->search.algorithm));
    json_builder_set_member_name(b, "metric");
    json_builder_begin_array(b);
    for (guint i = 0; i < s->search.n_metrics; i++)
        json_builder_add_string_value(b, ts_metric_name(s->search.metrics[i]));
    json_builder_end_array(b);
    const char *keys[] = {"budget", "victory", "max_invalid", "seed"};
    guint64 vals[] = {s->search.budget, s->search.victory, s->search.max_invalid, s->search.seed};
    for (guint i = 0; i < 4; i++) {
        json_builder_set_member_name(b, keys[i]);
        json_builder_add_int_value(b, (gint64)vals[i]);
    }
    if (s->imperfect) {
        json_builder_set_member_name(b, "factorization");
        json_builder_add_string_value(b, "imperfect");
    }
    if (s->search.polish) {
        json_builder_set_member_name(b, "polish");
        json_builder_add_boolean_value(b, TRUE);
    }
    if (s->systolic_folds) { /* absent when off: the settings text of sweeps without it */
        json_builder_set_member_name(b, "systolic_folds");
        json_builder_add_boolean_value(b, TRUE);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "objectives");
    json_builder_begin_array(b);
    for (guint i = 0; i < s->n_objectives; i++)
        json_builder_add_string_value(b, ts_sweep_objective_name(s->objectives[i]));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "rank");
    json_builder_add_string_value(b, ts_sweep_objective_name(s->rank));
    json_builder_set_member_name(b, "cross");
    json_builder_add_boolean_value(b, cross);
    json_builder_set_member_name(b, "points");
    json_builder_add_int_value(b, s->n_points);
    if (ts_sweep_engine_runs_des(s->engine)) {
        /* what changes the DES figures (absent for analytical sweeps, whose settings text
         * stays that of databases made before the DES engines) */
        json_builder_set_member_name(b, "des");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "max_steps");
        json_builder_add_int_value(b, (gint64)s->des_max_steps);
        json_builder_set_member_name(b, "instances");
        if (s->des_instances == 0 || s->des_instances == TS_EXEC_INSTANCES_ALL)
            json_builder_add_string_value(b, s->des_instances ? "all" : "auto");
        else
            json_builder_add_int_value(b, (gint64)s->des_instances);
        if (s->des_lane_memory != 0) { /* absent at the default, as before the key existed */
            json_builder_set_member_name(b, "lane_memory_bytes");
            json_builder_add_int_value(b, (gint64)s->des_lane_memory);
        }
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    g_autoptr(TsJsonGenerator) g = json_generator_new();
    g_autoptr(TsJsonNode) root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    return ts_json_repair_numbers(json_generator_to_data(g, NULL));
}

/* ---- Loading ------------------------------------------------------------------------------ */

TsSweep *ts_sweep_load(const char *path, const TsSweepLoadOptions *options, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    TsSweepLoadOptions none = {0};
    if (options == NULL)
        options = &none;
    g_autoptr(TsSweep) s = g_new0(TsSweep, 1);
    s->path = g_strdup(path);
    s->dir = g_path_get_dirname(path);
    s->params = g_ptr_array_new_with_free_func(param_free);
    s->constraints = g_ptr_array_new_with_free_func(block_free);
    s->owned_values = g_ptr_array_new_with_free_func(ts_sweep_value_free);
    s->notes = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(s->notes, NULL);
    s->inputs = g_ptr_array_new_with_free_func(input_free);

    gsize len = 0;
    if (!ts_file_read(path, 0, &s->text, &len, error))
        return NULL;
    s->doc = ts_doc_load_string(path, s->text, (gssize)len, NULL, error);
    if (s->doc == NULL || !ts_sweep_add_input(s, "sweep", path, error))
        return NULL;
    const TsNode *root = s->doc->root;
    const TsNode *map = root && root->kind == TS_NODE_MAPPING ? ts_node_get(root, "sweep") : NULL;
    if (map == NULL || map->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root, TS_CONFIG_ERROR_MISSING, NULL,
                        "not a sweep file: expected a top-level 'sweep' mapping");
        return NULL;
    }
    static const char *const top[] = {"sweep", NULL};
    if (!ts_schema_check_keys(root, "", top, error))
        return NULL;
    static const char *const keys[] = {
        "name",       "description", "arch",   "ert",   "workload",  "ops",
        "seq",        "batch",       "kv_len", "phase", "precision", "constraints",
        "parameters", "combine",     "points", "cross", "mapper",    "objectives",
        "rank",       "engine",      "des",    NULL};
    if (!ts_schema_check_keys(map, "sweep", keys, error))
        return NULL;
    const TsNode *n;
    const char *t = NULL;
    if ((n = ts_node_get(map, "name")) != NULL) {
        if (!ts_sweep_node_text(n, "sweep.name", &t, error))
            return NULL;
        s->name = g_strdup(t);
    } else {
        g_autofree char *base = g_path_get_basename(path);
        char *dot = strrchr(base, '.');
        if (dot != NULL && dot != base)
            *dot = '\0';
        s->name = g_strdup(base);
    }
    s->engine = g_strdup("analytical");
    if ((n = ts_node_get(map, "engine")) != NULL) {
        if (!ts_sweep_node_text(n, "sweep.engine", &t, error))
            return NULL;
        g_free(s->engine);
        s->engine = g_strdup(t);
    }
    if (options->engine != NULL) {
        g_free(s->engine);
        s->engine = g_strdup(options->engine);
    }
    if (!read_base(s, map, error) || !read_options(s, map, error))
        return NULL;
    const TsNode *params = ts_node_get(map, "parameters");
    if (params == NULL || params->kind != TS_NODE_MAPPING || params->n == 0) {
        ts_config_error(error, params ? params : map, TS_CONFIG_ERROR_MISSING, "sweep.parameters",
                        "expected a mapping of parameters to vary");
        return NULL;
    }
    for (guint i = 0; i < params->n; i++)
        if (!ts_sweep_read_param(s, ts_node_key_node(params, i), ts_node_value(params, i), error))
            return NULL;
    if ((n = ts_node_get(map, "constraints")) != NULL && !ts_sweep_read_constraints(s, n, error))
        return NULL;
    if (!ts_sweep_classify(s, error) || !read_mapper(s, ts_node_get(map, "mapper"), error) ||
        !read_objectives(s, ts_node_get(map, "objectives"), ts_node_get(map, "rank"), error) ||
        !read_des(s, ts_node_get(map, "des"), error))
        return NULL;
    if (options->factorization != NULL) {
        g_autoptr(GError) local = NULL;
        if (strcmp(options->factorization, "perfect") != 0 &&
            strcmp(options->factorization, "imperfect") != 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "--factorization must be perfect or imperfect (got '%s')",
                        options->factorization);
            return NULL;
        }
        s->imperfect = strcmp(options->factorization, "imperfect") == 0;
    }
    s->systolic_folds |= options->systolic_folds;
    gboolean cross = options->cross;
    if ((n = ts_node_get(map, "cross")) != NULL) {
        gboolean c = FALSE;
        if (!ts_node_bool(n, "sweep.cross", &c, error))
            return NULL;
        cross |= c;
    }
    TsSweepLoadOptions popts = *options;
    popts.cross = cross;
    if (!ts_sweep_points_setup(s, map, &popts, error))
        return NULL;
    if (s->points_path != NULL && !ts_sweep_add_input(s, "points", s->points_path, error))
        return NULL;
    s->settings_json = settings_json(s, cross);
    /* Notes of the loaders (constraint keys not applied, workload notes) for the first point:
     * the same for every point built from these files. */
    TsSweepPointInputs in;
    if (!ts_sweep_point_build(s, 0, &in, error))
        return NULL;
    if (in.reason != NULL && in.reason_code == TS_CONFIG_ERROR_UNKNOWN_KEY) {
        /* a key the loader does not know is unknown at every point: a sweep file error */
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_UNKNOWN_KEY,
                    "%s: a key path sets a key the loader does not accept: %s", s->path, in.reason);
        ts_sweep_point_clear(&in);
        return NULL;
    }
    for (guint k = 0; in.workload && s->ops && s->ops[k]; k++) {
        if (ts_workload_find_op(in.workload, s->ops[k]) != NULL)
            continue;
        GString *all = g_string_new(NULL);
        const char **names = g_new0(const char *, ts_workload_n_ops(in.workload) + 1);
        for (guint i = 0; i < ts_workload_n_ops(in.workload); i++) {
            names[i] = ts_workload_op(in.workload, i)->name;
            g_string_append_printf(all, "%s%s", i ? ", " : "", names[i]);
        }
        g_autofree char *hint = ts_config_suggest(s->ops[k], names);
        ts_config_error(error, ts_node_get(ts_node_get(s->doc->root, "sweep"), "ops"),
                        TS_CONFIG_ERROR_REFERENCE, "sweep.ops",
                        "workload %s has no op '%s'%s; its ops are %s",
                        ts_workload_name(in.workload), s->ops[k], hint, all->str);
        g_string_free(all, TRUE);
        g_free(names);
        ts_sweep_point_clear(&in);
        return NULL;
    }
    const TsLevel *cl = in.arch != NULL ? ts_arch_compute(in.arch) : NULL;
    if (s->systolic_folds && cl != NULL && cl->klass != TS_CLASS_SYSTOLIC_ARRAY)
        ts_sweep_note(s,
                      "mapper.systolic_folds: the compute level %s of %s has class %s, not "
                      "systolic_array: the fold timing changes no figure of its points "
                      "(docs/model.md, \"Systolic arrays\")",
                      cl->name, ts_arch_name(in.arch), cl->class_text ? cl->class_text : "?");
    for (guint i = 0; in.constraints && i < ts_constraints_n_notes(in.constraints); i++)
        ts_sweep_note(s, "%s", ts_constraints_note(in.constraints, i));
    for (guint i = 0; in.workload && i < ts_workload_n_notes(in.workload); i++)
        ts_sweep_note(s, "%s", ts_workload_note(in.workload, i));
    ts_sweep_point_clear(&in);
    return g_steal_pointer(&s);
}
