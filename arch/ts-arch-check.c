/* `tilesim check` for architecture inputs: recognises a file by content and validates what
 * the arch layer owns (tilesim and Timeloop architectures, every profile of a UPMEM-profiler
 * device file, Accelergy ERTs and compound-component libraries), appending a summary; other
 * recognised inputs (problems, mappings, constraints, ...) are reported as not architectures. */
#include "ts-arch.h"

#include <string.h>

#include "ts-arch-private.h"
#include "ts-doc-kind.h"

static const char *or_builtin(const char *s)
{
    return s ? s : "built-in";
}

static gboolean check_components(const TsDoc *doc, GString *out, GError **error)
{
    const TsNode *cc = ts_node_get(doc->root, "compound_components");
    if (cc == NULL || cc->kind != TS_NODE_MAPPING) {
        ts_config_error(error, cc ? cc : doc->root, TS_CONFIG_ERROR_TYPE, "compound_components",
                        "expected a mapping with version and classes");
        return FALSE;
    }
    static const char *const keys[] = {"version", "classes", NULL};
    if (!ts_schema_check_keys(cc, "compound_components", keys, error))
        return FALSE;
    const TsNode *classes = ts_node_get(cc, "classes");
    if (classes == NULL || classes->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, classes ? classes : cc,
                        classes ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING,
                        "compound_components.classes", "expected a list of classes");
        return FALSE;
    }
    g_string_append(out, "  Accelergy compound-component classes (used by Accelergy to build an "
                         "ERT; tilesim takes energies from an ERT or its built-in tables):\n");
    for (guint i = 0; i < classes->n; i++) {
        const TsNode *c = classes->items[i];
        g_autofree char *cp = ts_path_index("compound_components.classes", i);
        const TsNode *nm = c->kind == TS_NODE_MAPPING ? ts_node_get(c, "name") : NULL;
        const char *name;
        g_autofree char *np = ts_path_key(cp, "name");
        if (nm == NULL) {
            ts_config_error(error, c, TS_CONFIG_ERROR_MISSING, cp, "missing required key 'name'");
            return FALSE;
        }
        if (!ts_node_string(nm, np, &name, error))
            return FALSE;
        g_string_append_printf(out, "    %s", name);
        const TsNode *acts = ts_node_get(c, "actions");
        if (acts != NULL && acts->kind == TS_NODE_SEQUENCE) {
            g_string_append(out, " (actions:");
            for (guint k = 0; k < acts->n; k++) {
                const TsNode *an = acts->items[k]->kind == TS_NODE_MAPPING
                                       ? ts_node_get(acts->items[k], "name")
                                       : NULL;
                g_string_append_printf(out, " %s",
                                       an && an->kind == TS_NODE_SCALAR ? an->value : "?");
            }
            g_string_append_c(out, ')');
        }
        g_string_append_c(out, '\n');
    }
    return TRUE;
}

static gboolean check_upmem(const TsDoc *doc, const char *path, GString *out, GError **error)
{
    g_auto(GStrv) names = ts_arch_upmem_names(doc, error);
    if (names == NULL)
        return FALSE;
    g_string_append_printf(
        out, "  %u device profiles (summarise one with tilesim check FILE --device NAME):\n",
        g_strv_length(names));
    g_string_append_printf(out, "    %-18s %12s %12s %12s %10s %9s %9s %9s\n", "profile", "TFLOP/s",
                           "memory", "host->dev", "dev->host", "pJ/FLOP", "mem pJ/b", "h2d pJ/b");
    for (guint i = 0; names[i]; i++) {
        g_autoptr(TsArch) arch = ts_arch_load_upmem(doc, path, names[i], error);
        if (arch == NULL || !ts_arch_finalize(arch, error))
            return FALSE;
        const TsDeviceProfile *p = ts_arch_device_profile(arch);
        g_autofree char *mem = ts_unit_format(p->mem_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_autofree char *h2d = ts_unit_format(p->h2d_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_autofree char *d2h = ts_unit_format(p->d2h_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_string_append_printf(out, "    %-18s %12.4g %12s %12s %10s %9.3g %9.3g %9.3g\n", names[i],
                               p->flops_per_s / 1e12, mem, h2d, d2h, p->pj_per_tflop / 1e12,
                               p->mem_pj_per_bit, p->h2d_pj_per_bit);
    }
    return TRUE;
}

gboolean ts_arch_check_file(const char *path, GString *out, gboolean *checked, GError **error)
{
    return ts_arch_check_file_full(path, NULL, out, checked, error);
}

/* One line per storage and compute level: where its energies (and area) come from. */
static void energy_sources(const TsArch *arch, GString *out)
{
    g_string_append(out, "  energy sources (per level):\n");
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (!l->is_storage && !l->is_compute)
            continue;
        g_string_append_printf(out, "    %-22s %-10s", l->name, or_builtin(l->energy.source));
        if (l->is_storage)
            g_string_append_printf(out, " read %.4g pJ, fill %.4g pJ, update %.4g pJ per access",
                                   l->energy.read_pj, l->energy.write_pj, l->energy.update_pj);
        else
            g_string_append_printf(out, " %.4g pJ per MAC", l->energy.mac_pj);
        g_string_append_printf(out, ", leakage %.4g pJ/cycle, area %.6g um^2 (%s)\n",
                               l->energy.leak_pj_per_cycle, l->area_um2,
                               l->area_source ? l->area_source : "not given");
    }
}

gboolean ts_arch_check_file_full(const char *path, const char *const *tables, GString *out,
                                 gboolean *checked, GError **error)
{
    g_return_val_if_fail(path != NULL && out != NULL, FALSE);
    gboolean dummy;
    if (checked == NULL)
        checked = &dummy;
    *checked = FALSE;
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    TsDocKind kind = ts_doc_kind_of(doc);
    switch (kind) {
    case TS_DOC_KIND_TILESIM_ARCH:
    case TS_DOC_KIND_TIMELOOP_ARCH: {
        g_autoptr(TsArch) arch = ts_arch_load_from_doc_full(doc, path, tables, error);
        if (arch == NULL)
            return FALSE;
        g_autofree char *d = ts_arch_describe(arch);
        g_string_append_printf(out, "%s: OK, %s\n%s", path, ts_doc_kind_name(kind), d);
        if (tables != NULL && tables[0] != NULL)
            energy_sources(arch, out);
        *checked = TRUE;
        return TRUE;
    }
    case TS_DOC_KIND_UPMEM_PROFILES:
        g_string_append_printf(out, "%s: OK, %s\n", path, ts_doc_kind_name(kind));
        *checked = check_upmem(doc, path, out, error);
        return *checked;
    case TS_DOC_KIND_ACCELERGY_ERT:
        g_string_append_printf(out, "%s: OK, %s (energies per action, pJ):\n", path,
                               ts_doc_kind_name(kind));
        *checked = ts_arch_ert_summary(doc, out, error);
        if (*checked && ts_node_get(doc->root, "ART") != NULL) {
            g_string_append(out, "  and an area reference table (ART):\n");
            *checked = ts_arch_art_summary(doc, out, error);
        }
        return *checked;
    case TS_DOC_KIND_ACCELERGY_ART:
        g_string_append_printf(out, "%s: OK, %s (area per instance):\n", path,
                               ts_doc_kind_name(kind));
        *checked = ts_arch_art_summary(doc, out, error);
        return *checked;
    case TS_DOC_KIND_ACCELERGY_COMPONENTS:
        g_string_append_printf(out, "%s: OK, %s\n", path, ts_doc_kind_name(kind));
        *checked = check_components(doc, out, error);
        return *checked;
    case TS_DOC_KIND_UNKNOWN: {
        const TsNode *r = doc->root;
        GString *what = g_string_new(NULL);
        if (r == NULL)
            g_string_append(what, "an empty document");
        else if (r->kind != TS_NODE_MAPPING)
            g_string_append(what, "a document that is not a mapping");
        else {
            g_string_append(what, "top-level keys ");
            for (guint i = 0; i < r->n && i < 8; i++)
                g_string_append_printf(what, "%s'%s'", i ? ", " : "", ts_node_key(r, i));
            if (r->n > 8)
                g_string_append(what, ", ...");
        }
        /* An empty document has no node to carry the file name: name it in the path. */
        ts_config_error(error, r, TS_CONFIG_ERROR_INVALID, r == NULL ? path : NULL,
                        "not a recognised input (%s): an architecture starts with "
                        "'architecture:', an ERT with 'ERT:', a component library with "
                        "'compound_components:', a UPMEM device file maps profile names to "
                        "host_to_device_bw_GBs ...",
                        what->str);
        g_string_free(what, TRUE);
        return FALSE;
    }
    default:
        g_string_append_printf(out,
                               "%s: %s, not an architecture: not checked (tilesim check "
                               "validates architectures, ERTs, component libraries and "
                               "device profiles)\n",
                               path, ts_doc_kind_name(kind));
        return TRUE;
    }
}
