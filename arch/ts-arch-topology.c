/* The component and topology view of an architecture (ts-arch.h, "Components and topology"):
 * the loaders open containers and components while they build levels, so every declared entry
 * is recorded once, in declaration order, with its parent container and the levels it provides;
 * the finalize step fills what follows from the levels (specs, neighbouring storage levels,
 * chip meshes). */
#include "ts-arch-private.h"

#include <string.h>

static TsArchComponent *entry(TsArch *arch, guint index)
{
    return &g_array_index(arch->components, TsArchComponent, index);
}

static int innermost_open(const TsArch *arch)
{
    return arch->open->len ? g_array_index(arch->open, int, arch->open->len - 1) : -1;
}

static int add_entry(TsArch *arch, const char *name, TsArchEntryKind kind, TsClass klass,
                     const char *class_text, guint64 instances, const TsNode *node,
                     const char *path)
{
    TsArchComponent e = {0};
    e.name = ts_arch_intern(arch, name ? name : "");
    e.kind = kind;
    e.klass = klass;
    e.class_text = ts_arch_intern(arch, class_text);
    e.parent = innermost_open(arch);
    e.mesh_x = e.mesh_y = 1;
    e.instances = (uint32_t)MIN(instances, (guint64)G_MAXUINT32);
    e.chip_mesh_x = e.chip_mesh_y = 1;
    e.first_level = arch->levels->len;
    e.storage_above = e.storage_below = -1;
    if (node != NULL && node->doc != NULL) {
        e.file = ts_arch_intern(arch, node->doc->filename);
        e.line = node->line;
        e.col = node->col;
    } else {
        e.file = ts_arch_intern(arch, arch->file);
    }
    e.path = ts_arch_intern(arch, path);
    g_array_append_val(arch->components, e);
    return (int)arch->components->len - 1;
}

int ts_arch_push_container(TsArch *arch, const char *name, guint64 mesh_x, guint64 mesh_y,
                           gboolean spatial, guint8 axes, guint64 instances, const TsNode *node,
                           const char *path)
{
    g_return_val_if_fail(arch != NULL, -1);
    int i = add_entry(arch, name, TS_ARCH_CONTAINER, TS_CLASS_COUNT_, NULL, instances, node, path);
    TsArchComponent *e = entry(arch, (guint)i);
    e->mesh_x = (uint32_t)MIN(MAX(mesh_x, 1), (guint64)G_MAXUINT32);
    e->mesh_y = (uint32_t)MIN(MAX(mesh_y, 1), (guint64)G_MAXUINT32);
    e->spatial = spatial;
    e->mesh_axes = axes;
    g_array_append_val(arch->open, i);
    return i;
}

guint ts_arch_container_depth(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0);
    return arch->open->len;
}

void ts_arch_pop_containers(TsArch *arch, guint depth)
{
    g_return_if_fail(arch != NULL);
    while (arch->open->len > depth) {
        TsArchComponent *e = entry(arch, (guint)innermost_open(arch));
        e->n_levels = arch->levels->len - e->first_level;
        g_array_set_size(arch->open, arch->open->len - 1);
    }
}

int ts_arch_begin_component(TsArch *arch, const char *name, TsClass klass, const char *class_text,
                            guint64 instances, const TsNode *node, const char *path)
{
    g_return_val_if_fail(arch != NULL && arch->open_component < 0, -1);
    int i = add_entry(arch, name, TS_ARCH_COMPONENT, klass,
                      class_text ? class_text : ts_class_name(klass), instances, node, path);
    arch->open_component = i;
    return i;
}

void ts_arch_end_component(TsArch *arch)
{
    g_return_if_fail(arch != NULL);
    if (arch->open_component < 0)
        return;
    TsArchComponent *e = entry(arch, (guint)arch->open_component);
    e->n_levels = arch->levels->len - e->first_level;
    arch->open_component = -1;
}

void ts_arch_topology_finalize(TsArch *arch)
{
    arch->open_component = -1;
    ts_arch_pop_containers(arch, 0);
    /* A level no loader placed in a component becomes a component of its own. */
    for (guint l = 0; l < arch->levels->len; l++) {
        TsLevelPriv *p = ts_arch_level_priv(arch, l);
        if (p->component >= 0)
            continue;
        const TsLevel *lv = ts_arch_level(arch, l);
        int i = add_entry(arch, lv->name, TS_ARCH_COMPONENT, lv->klass, lv->class_text,
                          lv->instances, NULL, p->path);
        TsArchComponent *e = entry(arch, (guint)i);
        e->first_level = l;
        e->n_levels = 1;
        e->file = lv->file;
        e->line = lv->line;
        e->col = lv->col;
        p->component = i;
    }
    for (guint i = 0; i < arch->components->len; i++) {
        TsArchComponent *e = entry(arch, i);
        if (e->kind == TS_ARCH_COMPONENT && e->n_levels > 0) {
            const TsLevel *first = ts_arch_level(arch, e->first_level);
            e->spec = first->spec;
            e->klass = first->klass; /* a Timeloop buffer is dram, sram or regfile by its class */
        }
        /* Layout of the copies: the enclosing containers' meshes (and the own). */
        guint64 mx = e->mesh_x, my = e->mesh_y;
        for (int par = e->parent; par >= 0; par = entry(arch, (guint)par)->parent) {
            mx *= entry(arch, (guint)par)->mesh_x;
            my *= entry(arch, (guint)par)->mesh_y;
        }
        e->chip_mesh_x = (uint32_t)MIN(mx, (guint64)G_MAXUINT32);
        e->chip_mesh_y = (uint32_t)MIN(my, (guint64)G_MAXUINT32);
        e->storage_above = e->storage_below = -1;
        for (guint l = 0; l < e->first_level && l < arch->levels->len; l++)
            if (ts_arch_level(arch, l)->is_storage)
                e->storage_above = (int)l;
        guint end = e->kind == TS_ARCH_COMPONENT ? e->first_level + e->n_levels : e->first_level;
        for (guint l = end; l < arch->levels->len && e->storage_below < 0; l++)
            if (ts_arch_level(arch, l)->is_storage)
                e->storage_below = (int)l;
    }
}

/* ---- Accessors ---------------------------------------------------------------------------- */

guint ts_arch_n_components(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0);
    return arch->components->len;
}

const TsArchComponent *ts_arch_component(const TsArch *arch, guint index)
{
    g_return_val_if_fail(arch != NULL && index < arch->components->len, NULL);
    return &g_array_index(arch->components, TsArchComponent, index);
}

int ts_arch_find_component(const TsArch *arch, const char *name)
{
    g_return_val_if_fail(arch != NULL && name != NULL, -1);
    for (guint i = 0; i < arch->components->len; i++)
        if (strcmp(g_array_index(arch->components, TsArchComponent, i).name, name) == 0)
            return (int)i;
    return -1;
}

int ts_arch_level_component(const TsArch *arch, guint level)
{
    g_return_val_if_fail(arch != NULL && level < arch->priv->len, -1);
    return g_array_index(arch->priv, TsLevelPriv, level).component;
}

double ts_arch_level_link_fill_pj(const TsArch *arch, guint level)
{
    g_return_val_if_fail(arch != NULL && level < arch->priv->len, 0.0);
    return g_array_index(arch->priv, TsLevelPriv, level).link_fill_pj;
}

double ts_arch_level_link_drain_pj(const TsArch *arch, guint level)
{
    g_return_val_if_fail(arch != NULL && level < arch->priv->len, 0.0);
    return g_array_index(arch->priv, TsLevelPriv, level).link_drain_pj;
}
