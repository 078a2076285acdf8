/* Timeloop architecture import with Timeloop 3's semantics: the v0.3 tree
 * (architecture.subtree[0].local / subtree, "PE[0..255]" multiplying instances below) and the
 * v0.4 node list (!Container with spatial meshX/meshY, !Component, !Parallel, !Nothing), with
 * the storage attribute rules of Timeloop's BufferLevel::ParseSpecs (word bits, block size,
 * cluster size from width, size from entries / depth x block / sizeKB, bandwidths, multiple
 * buffering, instances and meshes) and its class-name rules for buffers, arithmetic and
 * networks. Attributes Timeloop does not interpret (n_banks, network_fill_latency, ...) are
 * kept on the level. Values may be Python-like expressions over architecture variables. */
#include "ts-arch-private.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

typedef struct {
    TsArch *arch;
    const TsDoc *doc;
    const TsNode *arch_node; /* the `architecture:` mapping: holds v0.4 variables (DIM: 32) */
    const TsNode *variables; /* optional top-level `variables:` mapping */
    gboolean v04;
    GPtrArray *inherited; /* v0.4: container `attributes:` mappings in scope, outermost first */
    /* Variables: indexed by name on first use, each evaluated once (memo), chains bounded. */
    GHashTable *var_index; /* name -> scalar node (architecture keys first, then variables) */
    GHashTable *var_memo;  /* name -> double* of evaluated variables */
    GHashTable *var_busy;  /* names being evaluated (a reference back is a cycle) */
    GError **var_error;    /* why the last variable evaluation failed, or NULL */
    guint var_depth;
    int n_compute;
    GError **error;
} TlCtx;

/* Timeloop's class tests (model/topology: isBufferClass, isComputeClass, isNetworkClass):
 * a class is a buffer if its name contains any of these, checked in this order. */
static const char *const tl_buffer_classes[] = {"DRAM",        "SRAM",    "regfile",
                                                "smartbuffer", "storage", NULL};
static const char *const tl_compute_classes[] = {"mac", "intmac", "fpmac", "compute", NULL};
static const char *const tl_network_classes[] = {"XY_NoC", "Legacy", "ReductionTree",
                                                 "SimpleMulticast", NULL};

static gboolean class_has(const char *klass, const char *const *list)
{
    for (guint i = 0; list[i]; i++) {
        if (strstr(klass, list[i]) != NULL)
            return TRUE;
    }
    return FALSE;
}

/* Keys equal up to '-' vs '_' (Timeloop's "block-size" and v0.4's "block_size"). */
static gboolean key_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y)
            return FALSE;
    }
    return *a == *b;
}

/* ---- Values ------------------------------------------------------------------------------- */

static gboolean tl_eval_text(TlCtx *c, const char *text, double *out, char **why);

/* Longest chain of variables referring to variables (Timeloop files use a handful). */
#define TL_MAX_VAR_DEPTH 100u

static void index_vars(TlCtx *c, const TsNode *map)
{
    static const char *const structural[] = {"version", "subtree", "nodes", "local", NULL};
    if (map == NULL || map->kind != TS_NODE_MAPPING)
        return;
    for (guint i = 0; i < map->n; i++) {
        const char *name = ts_node_key(map, i);
        const TsNode *v = ts_node_value(map, i);
        gboolean skip = v->kind != TS_NODE_SCALAR;
        for (guint j = 0; structural[j] && !skip; j++)
            skip = strcmp(name, structural[j]) == 0;
        if (!skip && !g_hash_table_contains(c->var_index, name))
            g_hash_table_insert(c->var_index, (gpointer)name, (gpointer)v);
    }
}

/* The variable's scalar node, or NULL; *key gets the name as stored in the document. */
static const TsNode *find_var(TlCtx *c, const char *name, const char **key)
{
    if (g_hash_table_size(c->var_index) == 0) {
        index_vars(c, c->arch_node);
        index_vars(c, c->variables);
    }
    gpointer k = NULL, v = NULL;
    if (!g_hash_table_lookup_extended(c->var_index, name, &k, &v))
        return NULL;
    *key = k;
    return v;
}

static gboolean var_fail(TlCtx *c, const TsNode *v, const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static gboolean var_fail(TlCtx *c, const TsNode *v, const char *name, const char *fmt, ...)
{
    if (*c->var_error != NULL)
        return FALSE;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    ts_config_error(c->var_error, v, TS_CONFIG_ERROR_INVALID, name, "%s", msg);
    return FALSE;
}

static gboolean var_lookup(const char *name, double *value, gpointer user_data)
{
    TlCtx *c = user_data;
    const double *memo = g_hash_table_lookup(c->var_memo, name);
    if (memo != NULL) {
        *value = *memo;
        return TRUE;
    }
    const char *key = NULL; /* name is the caller's temporary: tables keep the document's */
    const TsNode *v = find_var(c, name, &key);
    if (v == NULL)
        return FALSE;
    if (g_hash_table_contains(c->var_busy, key))
        return var_fail(c, v, name, "variable refers to itself through its definition (got '%s')",
                        v->value);
    if (c->var_depth >= TL_MAX_VAR_DEPTH)
        return var_fail(c, v, name,
                        "variables refer to variables more than %u deep (got '%s' at that depth)",
                        TL_MAX_VAR_DEPTH, v->value);
    g_hash_table_add(c->var_busy, (gpointer)key);
    c->var_depth++;
    g_autofree char *why = NULL;
    gboolean ok = tl_eval_text(c, v->value, value, &why);
    c->var_depth--;
    g_hash_table_remove(c->var_busy, key);
    if (!ok)
        return var_fail(c, v, key, "%s", why ? why : "not a number");
    g_hash_table_insert(c->var_memo, (gpointer)key, g_memdup2(value, sizeof *value));
    return TRUE;
}

static gboolean tl_eval_text(TlCtx *c, const char *text, double *out, char **why)
{
    char *end = NULL;
    double d = g_ascii_strtod(text, &end);
    if (end != text && *end == '\0' && isfinite(d)) {
        *out = d;
        return TRUE;
    }
    if (c->var_depth == 0)
        g_clear_error(c->var_error);
    g_autoptr(GError) local = NULL;
    if (ts_expr_eval(text, var_lookup, c, out, &local))
        return TRUE;
    if (why != NULL)
        *why = g_strdup(local->message);
    return FALSE;
}

static gboolean tl_number(TlCtx *c, const TsNode *node, const char *path, double *out)
{
    if (node->kind != TS_NODE_SCALAR) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_TYPE, path, "expected a number");
        return FALSE;
    }
    g_autofree char *why = NULL;
    if (!tl_eval_text(c, node->value, out, &why)) {
        if (*c->var_error != NULL) { /* the message names the variable's own place */
            g_propagate_prefixed_error(c->error, g_steal_pointer(c->var_error),
                                       "%s:%u:%u: %s: in '%s': ", node->doc->filename,
                                       node->line, node->col, path, node->value);
            return FALSE;
        }
        ts_config_error(c->error, node, TS_CONFIG_ERROR_TYPE, path,
                        "expected a number or an arithmetic expression (got '%s'): %s", node->value,
                        why);
        return FALSE;
    }
    return TRUE;
}

static gboolean tl_uint(TlCtx *c, const TsNode *node, const char *path, guint64 *out,
                        gboolean positive)
{
    double d;
    if (!tl_number(c, node, path, &d))
        return FALSE;
    if (d != floor(d) || d < 0 || d > 9007199254740992.0) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_RANGE, path,
                        "must be a non-negative integer (got %s)", node->value);
        return FALSE;
    }
    if (positive && d == 0) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_RANGE, path, "must be > 0 (got %s)",
                        node->value);
        return FALSE;
    }
    *out = (guint64)d;
    return TRUE;
}

static gboolean tl_double(TlCtx *c, const TsNode *node, const char *path, double *out,
                          gboolean positive)
{
    if (!tl_number(c, node, path, out))
        return FALSE;
    if (*out < 0 || (positive && *out == 0)) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_RANGE, path, "must be %s 0 (got %s)",
                        positive ? ">" : ">=", node->value);
        return FALSE;
    }
    return TRUE;
}

/* "PE[0..255]" -> 256, "name" -> 1 (Timeloop's config::parseElementSize). */
static gboolean element_size(TlCtx *c, const TsNode *name_node, const char *path, guint64 *out,
                             char **base)
{
    const char *name = name_node->value;
    const char *lb = strchr(name, '[');
    *out = 1;
    if (lb == NULL) {
        *base = g_strdup(name);
        return TRUE;
    }
    const char *dots = strstr(lb, "..");
    const char *rb = strrchr(name, ']');
    if (dots == NULL || rb == NULL || rb < dots || rb[1] != '\0') {
        ts_config_error(c->error, name_node, TS_CONFIG_ERROR_TYPE, path,
                        "malformed instance range: expected NAME[FIRST..LAST] (got '%s')", name);
        return FALSE;
    }
    g_autofree char *lo_s = g_strndup(lb + 1, (gsize)(dots - lb - 1));
    g_autofree char *hi_s = g_strndup(dots + 2, (gsize)(rb - dots - 2));
    double lo, hi;
    g_autofree char *why1 = NULL;
    g_autofree char *why2 = NULL;
    if (!tl_eval_text(c, lo_s, &lo, &why1) || !tl_eval_text(c, hi_s, &hi, &why2) ||
        lo != floor(lo) || hi != floor(hi) || lo < 0 || hi < lo || hi - lo >= 4294967295.0) {
        ts_config_error(c->error, name_node, TS_CONFIG_ERROR_RANGE, path,
                        "instance range must be [FIRST..LAST] with 0 <= FIRST <= LAST (got '%s')",
                        name);
        return FALSE;
    }
    *out = (guint64)(hi - lo + 1);
    *base = g_strndup(name, (gsize)(lb - name));
    return TRUE;
}

/* ---- Attribute access --------------------------------------------------------------------- */

typedef struct {
    const TsNode *own; /* the component's attributes mapping (or the component itself) */
    const char *path;  /* path of own */
    TlCtx *c;
    guint64 used; /* bit i: pair i of own interpreted */
} TlAttrs;

/* Value of the first of keys (NULL-terminated), in the component's own attributes, then (v0.4)
 * in the enclosing containers' attributes, innermost first. *kp gets the key path. */
static const TsNode *attr_get(TlAttrs *a, const char *const *keys, char **kp)
{
    for (guint k = 0; keys[k]; k++) {
        if (a->own != NULL && a->own->kind == TS_NODE_MAPPING) {
            for (guint i = 0; i < a->own->n; i++) {
                if (key_eq(ts_node_key(a->own, i), keys[k])) {
                    if (i < 64)
                        a->used |= G_GUINT64_CONSTANT(1) << i;
                    *kp = ts_path_key(a->path, ts_node_key(a->own, i));
                    return ts_node_value(a->own, i);
                }
            }
        }
    }
    if (a->c->v04) {
        for (guint j = a->c->inherited->len; j-- > 0;) {
            const TsNode *m = a->c->inherited->pdata[j];
            for (guint k = 0; keys[k]; k++) {
                for (guint i = 0; i < m->n; i++) {
                    if (key_eq(ts_node_key(m, i), keys[k])) {
                        *kp = g_strdup_printf("(inherited) %s", ts_node_key(m, i));
                        return ts_node_value(m, i);
                    }
                }
            }
        }
    }
    return NULL;
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* attr_get, and in *given (when not NULL) whether one of the keys is there. */
static const TsNode *attr_given(TlAttrs *a, const char *const *keys, char **kp, gboolean *given)
{
    const TsNode *v = attr_get(a, keys, kp);
    if (given)
        *given = v != NULL;
    return v;
}

/* The number under the first of keys that is given into *out (left alone when none is);
 * FALSE with error when it is not a (positive, with positive) number. */
static gboolean get_uint(TlAttrs *a, const char *const *keys, guint64 *out, gboolean *given,
                         gboolean positive)
{
    g_autofree char *kp = NULL;
    const TsNode *v = attr_given(a, keys, &kp, given);
    return v == NULL || tl_uint(a->c, v, kp, out, positive);
}

static gboolean get_double(TlAttrs *a, const char *const *keys, double *out, gboolean *given,
                           gboolean positive)
{
    g_autofree char *kp = NULL;
    const TsNode *v = attr_given(a, keys, &kp, given);
    return v == NULL || tl_double(a->c, v, kp, out, positive);
}

static const char *get_string(TlAttrs *a, const char *const *keys)
{
    g_autofree char *kp = NULL;
    const TsNode *v = attr_get(a, keys, &kp);
    return v != NULL && v->kind == TS_NODE_SCALAR ? v->value : NULL;
}

static char *node_text(const TsNode *v)
{
    if (v == NULL)
        return g_strdup("");
    if (v->kind == TS_NODE_SCALAR)
        return g_strdup(v->value);
    GString *s = g_string_new(v->kind == TS_NODE_MAPPING ? "{" : "[");
    for (guint i = 0; i < v->n; i++) {
        if (i)
            g_string_append(s, ", ");
        if (v->kind == TS_NODE_MAPPING) {
            g_autofree char *t = node_text(ts_node_value(v, i));
            g_string_append_printf(s, "%s: %s", ts_node_key(v, i), t);
        } else {
            g_autofree char *t = node_text(v->items[i]);
            g_string_append(s, t);
        }
    }
    g_string_append(s, v->kind == TS_NODE_MAPPING ? "}" : "]");
    return g_string_free(s, FALSE);
}

/* Keeps the component's attributes that were not interpreted. */
static void keep_unused(TlAttrs *a, guint level)
{
    if (a->own == NULL || a->own->kind != TS_NODE_MAPPING)
        return;
    for (guint i = 0; i < a->own->n; i++) {
        if (i < 64 && (a->used & (G_GUINT64_CONSTANT(1) << i)))
            continue;
        const char *k = ts_node_key(a->own, i);
        if (strcmp(k, "name") == 0 || strcmp(k, "class") == 0 || strcmp(k, "subclass") == 0)
            continue;
        g_autofree char *t = node_text(ts_node_value(a->own, i));
        ts_arch_keep_attr(a->c->arch, level, k, t);
    }
}

static void note_technology(TlCtx *c, const char *tech)
{
    if (tech == NULL || c->arch->technology_nm != 0)
        return;
    double nm;
    const char *why = NULL;
    if (ts_unit_parse(tech, TS_UNIT_LENGTH_NM, &nm, &why) && nm >= 1 && nm <= 1e5)
        c->arch->technology_nm = (uint32_t)nm;
}

/* ---- Components --------------------------------------------------------------------------- */

/* Instances and mesh of a component (BufferLevel::ValidateTopology): the instances attribute
 * overrides the count from the enclosing ranges/containers; meshX/meshY attributes must agree
 * with it; without them the mesh is the containers' (v0.4) or instances x 1 (v0.3). */
static gboolean topology(TlAttrs *a, const TsNode *where, const char *path, guint64 n_elements,
                         guint64 cmx, guint64 cmy, TsLevel *l)
{
    guint64 inst = n_elements, mx = 0, my = 0;
    gboolean inst_given, mx_given, my_given;
    if (!get_uint(a, KEYS("instances"), &inst, &inst_given, TRUE) ||
        !get_uint(a, KEYS("meshX"), &mx, &mx_given, TRUE) ||
        !get_uint(a, KEYS("meshY"), &my, &my_given, TRUE))
        return FALSE;
    if (!inst_given)
        inst = n_elements;
    if (mx_given && my_given) {
        if (mx * my != inst) {
            ts_config_error(a->c->error, where, TS_CONFIG_ERROR_INVALID, path,
                            "meshX x meshY must equal the instances (got %" G_GUINT64_FORMAT
                            " x %" G_GUINT64_FORMAT " for %" G_GUINT64_FORMAT " instances)",
                            mx, my, inst);
            return FALSE;
        }
    } else if (mx_given || my_given) {
        guint64 m = mx_given ? mx : my;
        if (inst % m != 0) {
            ts_config_error(a->c->error, where, TS_CONFIG_ERROR_INVALID, path,
                            "%s does not divide the instances (got %" G_GUINT64_FORMAT
                            " for %" G_GUINT64_FORMAT " instances)",
                            mx_given ? "meshX" : "meshY", m, inst);
            return FALSE;
        }
        if (mx_given)
            my = inst / mx;
        else
            mx = inst / my;
    } else if (a->c->v04 && cmx * cmy == inst) {
        mx = cmx;
        my = cmy;
    } else {
        mx = inst;
        my = 1;
    }
    if (inst > G_MAXUINT32 || mx > G_MAXUINT32 || my > G_MAXUINT32) {
        ts_config_error(a->c->error, where, TS_CONFIG_ERROR_RANGE, path,
                        "too many instances (got %" G_GUINT64_FORMAT ")", inst);
        return FALSE;
    }
    l->instances = (uint32_t)inst;
    l->mesh_x = (uint32_t)mx;
    l->mesh_y = (uint32_t)my;
    return TRUE;
}

/* Adds the level a component becomes (its YAML node comp, at path, of Timeloop class klass):
 * its index, or -1 with c->error set by ts_arch_add_level. */
static int tl_add_level(TlCtx *c, const char *name, TsClass cls, const TsNode *comp,
                        const char *path, const char *klass)
{
    int idx = ts_arch_add_level(c->arch, name, cls, comp, c->error);
    if (idx >= 0) {
        ts_arch_set_level_path(c->arch, (guint)idx, path);
        ts_arch_level_mut(c->arch, (guint)idx)->class_text = ts_arch_intern(c->arch, klass);
    }
    return idx;
}

static gboolean tl_storage(TlCtx *c, const TsNode *comp, const char *path, const char *name,
                           const char *klass, guint64 n_elements, guint64 cmx, guint64 cmy)
{
    const TsNode *attrs_node = ts_node_get(comp, "attributes");
    g_autofree char *apath = ts_path_key(path, "attributes");
    TlAttrs a = {.own = attrs_node ? attrs_node : comp, .path = attrs_node ? apath : path, .c = c};
    if (attrs_node != NULL && attrs_node->kind != TS_NODE_MAPPING && !ts_node_is_null(attrs_node)) {
        ts_config_error(c->error, attrs_node, TS_CONFIG_ERROR_TYPE, apath, "expected a mapping");
        return FALSE;
    }
    if (attrs_node != NULL && ts_node_is_null(attrs_node))
        a.own = NULL;

    guint64 word_bits = 16, block = 1, cluster = 1, width = 0;
    gboolean word_given, block_given, cluster_given, width_given;
    if (!get_uint(&a, KEYS("word-bits", "word_width", "datawidth"), &word_bits, &word_given,
                  TRUE) ||
        !get_uint(&a, KEYS("block-size", "n_words"), &block, &block_given, TRUE) ||
        !get_uint(&a, KEYS("cluster-size"), &cluster, &cluster_given, TRUE) ||
        !get_uint(&a, KEYS("width", "memory_width", "data_storage_width"), &width, &width_given,
                  FALSE))
        return FALSE;
    g_autofree char *wkp = NULL;
    const TsNode *wnode = attr_get(&a, KEYS("width", "memory_width", "data_storage_width"), &wkp);
    /* Width fixes block or cluster size (Timeloop 3's rules). */
    if (width_given && width > 0) {
        if (width % (word_bits * (block_given ? block : 1)) != 0) {
            ts_config_error(
                c->error, wnode, TS_CONFIG_ERROR_INVALID, wkp,
                "width must be a multiple of word bits x block size (got %" G_GUINT64_FORMAT
                " for %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT ")",
                width, word_bits, block_given ? block : 1);
            return FALSE;
        }
        if (block_given && cluster_given) {
            if (block * word_bits * cluster != width) {
                ts_config_error(c->error, wnode, TS_CONFIG_ERROR_INVALID, wkp,
                                "block size x word bits x cluster size must equal the width (got "
                                "%" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                                " for %" G_GUINT64_FORMAT ")",
                                block, word_bits, cluster, width);
                return FALSE;
            }
        } else if (cluster_given) {
            if (width % (cluster * word_bits) != 0) {
                ts_config_error(
                    c->error, wnode, TS_CONFIG_ERROR_INVALID, wkp,
                    "width must be a multiple of cluster size x word bits (got %" G_GUINT64_FORMAT
                    ")",
                    width);
                return FALSE;
            }
            block = width / cluster / word_bits;
        } else if (block_given) {
            cluster = width / (word_bits * block);
        } else {
            block = width / word_bits;
            cluster = 1;
        }
    }
    if (block == 0 || cluster == 0) {
        ts_config_error(c->error, comp, TS_CONFIG_ERROR_RANGE, path,
                        "block size and cluster size must be > 0");
        return FALSE;
    }

    /* Size: entries, else depth x block size, else sizeKB; none = unbounded. */
    guint64 entries = 0, depth = 0, size_kb = 0;
    gboolean entries_given, depth_given, kb_given;
    if (!get_uint(&a, KEYS("entries"), &entries, &entries_given, FALSE) ||
        !get_uint(&a, KEYS("depth", "memory_depth", "data_storage_depth"), &depth, &depth_given,
                  FALSE) ||
        !get_uint(&a, KEYS("sizeKB"), &size_kb, &kb_given, FALSE))
        return FALSE;
    gboolean size_given = TRUE;
    guint64 size = 0;
    if (entries_given) {
        size = entries;
        if (depth_given && depth * block != entries)
            ts_arch_add_note(c->arch,
                             "%s: entries %" G_GUINT64_FORMAT
                             " and depth x block size %" G_GUINT64_FORMAT
                             " differ; entries wins (as in Timeloop)",
                             name, entries, depth * block);
    } else if (depth_given) {
        size = depth * block;
    } else if (kb_given) {
        size = size_kb * 1024 * 8 / word_bits;
    } else {
        size_given = FALSE;
    }

    const char *tech = get_string(&a, KEYS("technology"));
    gboolean is_dram = strstr(klass, "DRAM") != NULL || (tech && strcmp(tech, "DRAM") == 0);
    if (is_dram && cluster != 1) {
        ts_config_error(c->error, comp, TS_CONFIG_ERROR_INVALID, path,
                        "a DRAM level must have cluster size 1 (got %" G_GUINT64_FORMAT ")",
                        cluster);
        return FALSE;
    }
    TsClass cls = is_dram                                             ? TS_CLASS_DRAM
                  : (strstr(klass, "regfile") || strstr(klass, "RF")) ? TS_CLASS_REGFILE
                                                                      : TS_CLASS_SRAM;
    int idx = tl_add_level(c, name, cls, comp, path, klass);
    if (idx < 0)
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)idx);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, (guint)idx);
    l->is_storage = TRUE;
    l->word_bits = (uint32_t)MIN(word_bits, G_MAXUINT32);
    l->block_size = (uint32_t)MIN(block, G_MAXUINT32);
    l->cluster_size = (uint32_t)MIN(cluster, G_MAXUINT32);
    l->size_words = size;
    l->zero_capacity = size_given && size == 0;
    if (!size_given && !is_dram)
        ts_arch_add_note(c->arch,
                         "%s: no entries/depth/sizeKB given: capacity unbounded "
                         "(as in Timeloop)",
                         name);
    p->energy_model = TS_ENERGY_MODEL_PAT;
    p->is_dram_tech = is_dram;

    guint64 ports = 2, banks = 2;
    if (!get_uint(&a, KEYS("num-ports", "n_ports"), &ports, NULL, TRUE) ||
        !get_uint(&a, KEYS("num-banks", "n_banks"), &banks, NULL, TRUE))
        return FALSE;

    double bw = 0, rbw = 0, wbw = 0, sbw = 0;
    gboolean bw_given, rbw_given, wbw_given;
    if (!get_double(&a, KEYS("bandwidth"), &bw, &bw_given, TRUE) ||
        !get_double(&a, KEYS("read_bandwidth"), &rbw, &rbw_given, TRUE) ||
        !get_double(&a, KEYS("write_bandwidth"), &wbw, &wbw_given, TRUE) ||
        !get_double(&a, KEYS("shared_bandwidth"), &sbw, NULL, TRUE))
        return FALSE;
    if (bw_given) {
        /* Deprecated in Timeloop: read = write = bandwidth / 2. */
        l->read_bw_words_per_cycle = bw / 2;
        l->write_bw_words_per_cycle = bw / 2;
    }
    if (rbw_given)
        l->read_bw_words_per_cycle = rbw;
    if (wbw_given)
        l->write_bw_words_per_cycle = wbw;
    l->shared_bw_words_per_cycle = sbw;

    double mb = 1.0, mu = 0.0;
    if (!get_double(&a, KEYS("multiple-buffering"), &mb, NULL, TRUE) ||
        !get_double(&a, KEYS("min-utilization"), &mu, NULL, FALSE))
        return FALSE;
    if (mb < 1.0 || mu > 1.0) {
        ts_config_error(c->error, comp, TS_CONFIG_ERROR_RANGE, path,
                        "multiple-buffering must be >= 1 and min-utilization <= 1 (got %g, %g)", mb,
                        mu);
        return FALSE;
    }
    l->multiple_buffering = mb;
    l->min_utilization = mu;

    double vae = 0;
    gboolean vae_given;
    if (!get_double(&a, KEYS("vector-access-energy"), &vae, &vae_given, FALSE))
        return FALSE;
    if (vae_given) {
        l->energy.read_pj = l->energy.write_pj = l->energy.update_pj = vae;
        l->energy.source = "yaml";
        p->energy_set |= TS_E_READ | TS_E_WRITE | TS_E_UPDATE;
    }
    double area = 0;
    if (!get_double(&a, KEYS("cluster-area"), &area, NULL, FALSE))
        return FALSE;
    l->area_um2 = area * (double)l->cluster_size;

    if (!topology(&a, comp, path, n_elements, cmx, cmy, l))
        return FALSE;
    note_technology(c, tech);

    if (is_dram) {
        TsDramSpec *d = ts_arch_alloc(c->arch, sizeof *d);
        const char *type = get_string(&a, KEYS("type"));
        d->protocol = type ? ts_arch_intern(c->arch, type) : NULL;
        d->has_timing = FALSE;
        d->bus_width_bits = width_given ? width : word_bits * block;
        l->spec = d;
    } else {
        TsSramSpec *s = ts_arch_alloc(c->arch, sizeof *s);
        s->depth = depth_given ? depth : (block ? size / block : 0);
        s->width_bits = width_given ? width : word_bits * block * cluster;
        s->entries = size;
        s->banks = banks;
        s->ports = ports;
        s->is_regfile = cls == TS_CLASS_REGFILE;
        l->spec = s;
    }
    /* Network names, overbooking, address-generation energy: kept for reports. */
    keep_unused(&a, (guint)idx);
    return TRUE;
}

static gboolean tl_compute(TlCtx *c, const TsNode *comp, const char *path, const char *name,
                           const char *klass, guint64 n_elements, guint64 cmx, guint64 cmy)
{
    const TsNode *attrs_node = ts_node_get(comp, "attributes");
    g_autofree char *apath = ts_path_key(path, "attributes");
    TlAttrs a = {.own = attrs_node && !ts_node_is_null(attrs_node) ? attrs_node : NULL,
                 .path = apath,
                 .c = c};
    if (a.own != NULL && a.own->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, attrs_node, TS_CONFIG_ERROR_TYPE, apath, "expected a mapping");
        return FALSE;
    }
    if (attrs_node == NULL) {
        a.own = comp;
        a.path = path;
    }
    if (++c->n_compute > 1) {
        ts_config_error(c->error, comp, TS_CONFIG_ERROR_INVALID, path,
                        "a second arithmetic level ('%s', class %s): Timeloop supports exactly one",
                        name, klass);
        return FALSE;
    }
    /* Timeloop's arithmetic level reads word-bits / datawidth only (default 16), not
     * multiplier_width: the published experiments' stats print 16 for their 8-bit MACs. */
    guint64 bits = 16, mult_bits = 0;
    if (!get_uint(&a, KEYS("word-bits", "datawidth"), &bits, NULL, TRUE) ||
        !get_uint(&a, KEYS("multiplier_width"), &mult_bits, NULL, TRUE))
        return FALSE;
    int idx = tl_add_level(c, name, TS_CLASS_MAC, comp, path, klass);
    if (idx < 0)
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)idx);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, (guint)idx);
    l->is_compute = TRUE;
    l->word_bits = (uint32_t)MIN(bits, G_MAXUINT32);
    l->compute_word_bits_b = l->word_bits;
    p->mac_bits_a = p->mac_bits_b = l->word_bits;
    p->energy_model = TS_ENERGY_MODEL_PAT;
    double energy = 0;
    gboolean energy_given;
    if (!get_double(&a, KEYS("energy"), &energy, &energy_given, FALSE))
        return FALSE;
    if (energy_given) {
        l->energy.mac_pj = energy;
        l->energy.source = "yaml";
        p->energy_set |= TS_E_MAC;
    }
    double area = 0;
    if (!get_double(&a, KEYS("area"), &area, NULL, FALSE))
        return FALSE;
    l->area_um2 = area;
    if (!topology(&a, comp, path, n_elements, cmx, cmy, l))
        return FALSE;
    note_technology(c, get_string(&a, KEYS("technology")));
    TsMacSpec *m = ts_arch_alloc(c->arch, sizeof *m);
    m->word_bits = bits;
    m->operand_a_bits = m->operand_b_bits = mult_bits ? mult_bits : bits;
    guint64 adder = 0;
    if (!get_uint(&a, KEYS("adder_width"), &adder, NULL, FALSE))
        return FALSE;
    m->accumulator_bits = adder ? adder : bits;
    m->macs_per_cycle = 1.0;
    l->spec = m;
    keep_unused(&a, (guint)idx);
    return TRUE;
}

/* One component (a v0.3 `local:` entry or a v0.4 !Component). */
static gboolean tl_component(TlCtx *c, const TsNode *comp, const char *path, guint64 mult,
                             guint64 cmx, guint64 cmy)
{
    if (comp->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, comp, TS_CONFIG_ERROR_TYPE, path,
                        "expected a component mapping (name, class, attributes)");
        return FALSE;
    }
    static const char *const keys[] = {"name",    "class",       "subclass",         "attributes",
                                       "spatial", "constraints", "required_actions", "description",
                                       "enabled", "area_share",  "energy_scale",     NULL};
    if (!ts_schema_check_keys(comp, path, keys, c->error))
        return FALSE;
    const TsNode *name_node = ts_node_get(comp, "name");
    const TsNode *class_node = ts_node_get(comp, "class");
    g_autofree char *np = ts_path_key(path, "name");
    g_autofree char *cp = ts_path_key(path, "class");
    const char *klass = NULL;
    if (name_node == NULL || name_node->kind != TS_NODE_SCALAR) {
        ts_config_error(c->error, name_node ? name_node : comp,
                        name_node ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING, np,
                        "every component needs a name");
        return FALSE;
    }
    if (class_node == NULL || !ts_node_string(class_node, cp, &klass, c->error)) {
        if (class_node == NULL)
            ts_config_error(c->error, comp, TS_CONFIG_ERROR_MISSING, path,
                            "missing required key 'class'");
        return FALSE;
    }
    guint64 local = 1;
    g_autofree char *base = NULL;
    if (!element_size(c, name_node, np, &local, &base))
        return FALSE;
    guint64 n = mult * local;
    const TsNode *spatial = ts_node_get(comp, "spatial");
    if (spatial != NULL) {
        ts_config_error(c->error, spatial, TS_CONFIG_ERROR_INVALID, path,
                        "spatial on a component is not supported: put the component in a "
                        "!Container with spatial: {meshX, meshY}");
        return FALSE;
    }
    if (class_has(klass, tl_buffer_classes) || class_has(klass, tl_compute_classes)) {
        gboolean buffer = class_has(klass, tl_buffer_classes);
        ts_arch_begin_component(c->arch, base, buffer ? TS_CLASS_SRAM : TS_CLASS_MAC, klass, n,
                                comp, path);
        gboolean ok = buffer ? tl_storage(c, comp, path, base, klass, n, cmx * local, cmy)
                             : tl_compute(c, comp, path, base, klass, n, cmx * local, cmy);
        ts_arch_end_component(c->arch);
        return ok;
    }
    if (class_has(klass, tl_network_classes)) {
        ts_arch_add_note(c->arch,
                         "%s: network component (class %s) kept as a note: the analytical model "
                         "uses Timeloop's default network (no network energy)",
                         base, klass);
        return TRUE;
    }
    ts_arch_add_note(c->arch,
                     "%s: class '%s' is neither a Timeloop buffer, arithmetic nor network class: "
                     "ignored, as Timeloop does",
                     base, klass);
    return TRUE;
}

/* ---- v0.3 tree ---------------------------------------------------------------------------- */

static gboolean tl_tree(TlCtx *c)
{
    const TsNode *node = c->arch_node;
    g_autofree char *path = g_strdup("architecture");
    guint64 mult = 1;
    const TsNode *subtree;
    while ((subtree = ts_node_get(node, "subtree")) != NULL) {
        g_autofree char *sp = ts_path_key(path, "subtree");
        if (subtree->kind != TS_NODE_SEQUENCE || subtree->n != 1) {
            ts_config_error(c->error, subtree, TS_CONFIG_ERROR_INVALID, sp,
                            "Timeloop supports exactly one subtree per level (got %s%u)",
                            subtree->kind == TS_NODE_SEQUENCE ? "" : "a non-list, ",
                            subtree->kind == TS_NODE_SEQUENCE ? subtree->n : 0);
            return FALSE;
        }
        node = subtree->items[0];
        g_free(path);
        path = ts_path_index(sp, 0);
        if (node->kind != TS_NODE_MAPPING) {
            ts_config_error(c->error, node, TS_CONFIG_ERROR_TYPE, path, "expected a mapping");
            return FALSE;
        }
        static const char *const keys[] = {"name",    "attributes",  "local",
                                           "subtree", "description", NULL};
        if (!ts_schema_check_keys(node, path, keys, c->error))
            return FALSE;
        const TsNode *name_node = ts_node_get(node, "name");
        g_autofree char *np = ts_path_key(path, "name");
        if (name_node == NULL || name_node->kind != TS_NODE_SCALAR) {
            ts_config_error(c->error, name_node ? name_node : node, TS_CONFIG_ERROR_MISSING, np,
                            "every subtree needs a name");
            return FALSE;
        }
        guint64 size = 1;
        g_autofree char *base = NULL;
        if (!element_size(c, name_node, np, &size, &base))
            return FALSE;
        if (mult > G_MAXUINT32 / size) {
            ts_config_error(c->error, name_node, TS_CONFIG_ERROR_RANGE, np,
                            "too many instances (got %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                            ")",
                            mult, size);
            return FALSE;
        }
        mult *= size;
        ts_arch_push_container(c->arch, base, size, 1, FALSE, 0, mult, node, path);
        const TsNode *attrs = ts_node_get(node, "attributes");
        if (attrs != NULL && attrs->kind == TS_NODE_MAPPING) {
            const TsNode *t = ts_node_get(attrs, "technology");
            if (t != NULL && t->kind == TS_NODE_SCALAR)
                note_technology(c, t->value);
        }
        const TsNode *local = ts_node_get(node, "local");
        if (local != NULL && !ts_node_is_null(local)) {
            g_autofree char *lp = ts_path_key(path, "local");
            if (local->kind != TS_NODE_SEQUENCE) {
                ts_config_error(c->error, local, TS_CONFIG_ERROR_TYPE, lp, "expected a list");
                return FALSE;
            }
            for (guint i = 0; i < local->n; i++) {
                g_autofree char *ip = ts_path_index(lp, i);
                if (!tl_component(c, local->items[i], ip, mult, 1, 1))
                    return FALSE;
            }
        }
    }
    if (node == c->arch_node) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_MISSING, "architecture",
                        "missing required key 'subtree'");
        return FALSE;
    }
    return TRUE;
}

/* ---- v0.4 nodes --------------------------------------------------------------------------- */

typedef struct {
    guint64 mult, mx, my;
} TlScope;

static gboolean tl_nodes(TlCtx *c, const TsNode *nodes, const char *path, TlScope *scope,
                         guint depth);

static gboolean spatial_of(TlCtx *c, const TsNode *n, const char *path, TlScope *scope)
{
    const TsNode *sp = ts_node_get(n, "spatial");
    if (sp == NULL || ts_node_is_null(sp))
        return TRUE;
    g_autofree char *spp = ts_path_key(path, "spatial");
    if (sp->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, sp, TS_CONFIG_ERROR_TYPE, spp, "expected {meshX, meshY}");
        return FALSE;
    }
    static const char *const keys[] = {"meshX", "meshY", NULL};
    if (!ts_schema_check_keys(sp, spp, keys, c->error))
        return FALSE;
    guint64 mx = 1, my = 1;
    const TsNode *x = ts_node_get(sp, "meshX"), *y = ts_node_get(sp, "meshY");
    g_autofree char *xp = ts_path_key(spp, "meshX");
    g_autofree char *yp = ts_path_key(spp, "meshY");
    if ((x && !tl_uint(c, x, xp, &mx, TRUE)) || (y && !tl_uint(c, y, yp, &my, TRUE)))
        return FALSE;
    if (scope->mult * mx * my > G_MAXUINT32) {
        ts_config_error(c->error, sp, TS_CONFIG_ERROR_RANGE, spp, "too many instances");
        return FALSE;
    }
    scope->mult *= mx * my;
    scope->mx *= mx;
    scope->my *= my;
    return TRUE;
}

static gboolean tl_node(TlCtx *c, const TsNode *n, const char *path, TlScope *scope, guint depth)
{
    const char *tag = n->tag;
    if (n->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, n, TS_CONFIG_ERROR_TYPE, path,
                        "expected a !Container, !Component, !Parallel or !Nothing node");
        return FALSE;
    }
    if (tag == NULL)
        tag = ts_node_get(n, "nodes")   ? "!Hierarchical"
              : ts_node_get(n, "class") ? "!Component"
                                        : "!Container";
    if (strcmp(tag, "!Component") == 0)
        return tl_component(c, n, path, scope->mult, scope->mx, scope->my);
    if (strcmp(tag, "!Nothing") == 0)
        return TRUE;
    if (strcmp(tag, "!Container") == 0) {
        static const char *const keys[] = {
            "name", "attributes", "spatial", "constraints", "description", "max_utilization", NULL};
        if (!ts_schema_check_keys(n, path, keys, c->error))
            return FALSE;
        const TsNode *attrs = ts_node_get(n, "attributes");
        if (attrs != NULL && !ts_node_is_null(attrs)) {
            if (attrs->kind != TS_NODE_MAPPING) {
                g_autofree char *ap = ts_path_key(path, "attributes");
                ts_config_error(c->error, attrs, TS_CONFIG_ERROR_TYPE, ap, "expected a mapping");
                return FALSE;
            }
            g_ptr_array_add(c->inherited, (gpointer)attrs);
            const TsNode *t = ts_node_get(attrs, "technology");
            if (t != NULL && t->kind == TS_NODE_SCALAR)
                note_technology(c, t->value);
        }
        TlScope before = *scope;
        if (!spatial_of(c, n, path, scope))
            return FALSE;
        const TsNode *nm = ts_node_get(n, "name");
        if (nm != NULL && nm->kind == TS_NODE_SCALAR)
            ts_arch_add_fanout_stage(c->arch, nm->value, scope->mx / before.mx,
                                     scope->my / before.my);
        /* A v0.4 container encloses the nodes after it in its list (tl_nodes closes it). */
        const TsNode *sp = ts_node_get(n, "spatial");
        gboolean spatial = sp != NULL && !ts_node_is_null(sp);
        guint8 axes = 0;
        if (spatial && sp->kind == TS_NODE_MAPPING) {
            axes |= ts_node_get(sp, "meshX") ? TS_MESH_AXIS_X : 0;
            axes |= ts_node_get(sp, "meshY") ? TS_MESH_AXIS_Y : 0;
        }
        ts_arch_push_container(c->arch, nm && nm->kind == TS_NODE_SCALAR ? nm->value : "",
                               scope->mx / before.mx, scope->my / before.my, spatial, axes,
                               scope->mult, n, path);
        return TRUE;
    }
    if (strcmp(tag, "!Parallel") == 0 || strcmp(tag, "!Hierarchical") == 0) {
        const TsNode *sub = ts_node_get(n, "nodes");
        g_autofree char *np = ts_path_key(path, "nodes");
        if (sub == NULL || sub->kind != TS_NODE_SEQUENCE) {
            ts_config_error(c->error, sub ? sub : n,
                            sub ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING, np,
                            "%s needs a list of nodes", tag);
            return FALSE;
        }
        if (strcmp(tag, "!Hierarchical") == 0)
            return tl_nodes(c, sub, np, scope, depth + 1);
        /* Parallel siblings become consecutive levels at the same multiplicity (as the
         * v0.4 front end flattens them); their spatial/containers do not leak out. */
        for (guint i = 0; i < sub->n; i++) {
            TlScope s = *scope;
            g_autofree char *ip = ts_path_index(np, i);
            guint mark = c->inherited->len;
            guint open = ts_arch_container_depth(c->arch);
            if (!tl_node(c, sub->items[i], ip, &s, depth + 1))
                return FALSE;
            g_ptr_array_set_size(c->inherited, mark);
            ts_arch_pop_containers(c->arch, open);
        }
        return TRUE;
    }
    static const char *const tags[] = {"!Container",    "!Component", "!Parallel",
                                       "!Hierarchical", "!Nothing",   NULL};
    g_autofree char *hint = ts_config_suggest(tag, tags);
    ts_config_error(c->error, n, TS_CONFIG_ERROR_REFERENCE, path,
                    "unknown node tag '%s'%s; expected !Container, !Component, !Parallel, "
                    "!Hierarchical or !Nothing",
                    tag, hint);
    return FALSE;
}

static gboolean tl_nodes(TlCtx *c, const TsNode *nodes, const char *path, TlScope *scope,
                         guint depth)
{
    if (depth > 32) {
        ts_config_error(c->error, nodes, TS_CONFIG_ERROR_LIMIT, path, "nodes nested too deeply");
        return FALSE;
    }
    guint open = ts_arch_container_depth(c->arch);
    for (guint i = 0; i < nodes->n; i++) {
        g_autofree char *ip = ts_path_index(path, i);
        if (!tl_node(c, nodes->items[i], ip, scope, depth))
            return FALSE;
    }
    ts_arch_pop_containers(c->arch, open);
    return TRUE;
}

/* ---- Entry -------------------------------------------------------------------------------- */

static char *stem_of(const char *file)
{
    g_autofree char *base = g_path_get_basename(file);
    static const char *const suffixes[] = {".arch.yaml", ".arch.yml", ".yaml", ".yml", NULL};
    for (guint i = 0; suffixes[i]; i++) {
        if (g_str_has_suffix(base, suffixes[i])) {
            base[strlen(base) - strlen(suffixes[i])] = '\0';
            break;
        }
    }
    return g_steal_pointer(&base);
}

TsArch *ts_arch_load_timeloop(const TsDoc *doc, const char *file, GError **error)
{
    const TsNode *an = ts_node_get(doc->root, "architecture");
    if (an == NULL || an->kind != TS_NODE_MAPPING) {
        ts_config_error(error, an ? an : doc->root, TS_CONFIG_ERROR_TYPE, "architecture",
                        "expected a mapping");
        return NULL;
    }
    gboolean is_nodes = ts_node_get(an, "nodes") != NULL;
    g_autoptr(TsArch) arch = ts_arch_new_empty(file, is_nodes ? TS_ARCH_FORMAT_TIMELOOP_V04
                                                              : TS_ARCH_FORMAT_TIMELOOP_V03);
    arch->name = stem_of(file);
    arch->clock_hz = 1e9;
    g_free(arch->clock_source);
    arch->clock_source = g_strdup("not given in Timeloop input: 1 GHz assumed for seconds");
    g_autoptr(GPtrArray) inherited = g_ptr_array_new();
    g_autoptr(GHashTable) var_index = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) var_memo = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GHashTable) var_busy = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GError) var_error = NULL;
    TlCtx c = {.arch = arch,
               .doc = doc,
               .arch_node = an,
               .variables = ts_node_get(doc->root, "variables"),
               .v04 = is_nodes,
               .inherited = inherited,
               .var_index = var_index,
               .var_memo = var_memo,
               .var_busy = var_busy,
               .var_error = &var_error,
               .error = error};
    const TsNode *version = ts_node_get(an, "version");
    if (version != NULL && version->kind == TS_NODE_SCALAR) {
        gboolean says04 = g_str_has_prefix(version->value, "0.4");
        if (says04 != is_nodes)
            ts_arch_add_note(arch,
                             "declares version %s but uses the %s syntax: read as the %s form",
                             version->value, is_nodes ? "v0.4 nodes" : "tree (subtree/local)",
                             is_nodes ? "v0.4" : "tree");
    }
    if (ts_node_get(an, "subtree") != NULL && is_nodes) {
        ts_config_error(error, an, TS_CONFIG_ERROR_INVALID, "architecture",
                        "both 'subtree' (v0.3 tree) and 'nodes' (v0.4) given");
        return NULL;
    }
    if (is_nodes) {
        const TsNode *nodes = ts_node_get(an, "nodes");
        if (nodes->kind != TS_NODE_SEQUENCE) {
            ts_config_error(error, nodes, TS_CONFIG_ERROR_TYPE, "architecture.nodes",
                            "expected a list");
            return NULL;
        }
        TlScope scope = {1, 1, 1};
        if (!tl_nodes(&c, nodes, "architecture.nodes", &scope, 0))
            return NULL;
    } else if (!tl_tree(&c)) {
        return NULL;
    }
    if (c.n_compute == 0) {
        ts_config_error(error, an, TS_CONFIG_ERROR_MISSING, "architecture",
                        "no arithmetic level (a component whose class contains mac, intmac, "
                        "fpmac or compute)");
        return NULL;
    }
    return g_steal_pointer(&arch);
}
