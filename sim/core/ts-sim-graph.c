/* Building the component graph: instances from kinds (name checks, parameter resolution,
 * init), ports and links (unknown ports, double connections), the build pass (dangling
 * required ports, setup), clocks and statistic registration. All bad input is a GError
 * whose message names the component path and the port or key. */
#include "ts-sim.h"

#include <string.h>

#include "ts-sim-private.h"

/* Segment: [A-Za-z_][A-Za-z0-9_-]* followed by any number of [digits]; segments joined by
 * single dots. */
static gboolean path_is_valid(const char *p)
{
    if (*p == '\0')
        return FALSE;
    for (;;) {
        if (!(g_ascii_isalpha(*p) || *p == '_'))
            return FALSE;
        p++;
        while (g_ascii_isalnum(*p) || *p == '_' || *p == '-')
            p++;
        while (*p == '[') {
            p++;
            if (!g_ascii_isdigit(*p))
                return FALSE;
            while (g_ascii_isdigit(*p))
                p++;
            if (*p != ']')
                return FALSE;
            p++;
        }
        if (*p == '\0')
            return TRUE;
        if (*p != '.')
            return FALSE;
        p++;
    }
}

TsComponent *ts_sim_add_component(TsSim *sim, const TsComponentKind *kind, const char *path,
                                  const TsParams *params, GError **error)
{
    g_return_val_if_fail(sim != NULL && kind != NULL && path != NULL, NULL);
    g_return_val_if_fail(kind->name != NULL && kind->init != NULL && kind->handle != NULL, NULL);
    g_return_val_if_fail(kind->instance_size >= sizeof(TsComponent), NULL);
    g_return_val_if_fail(kind->n_ports < TS_PORT_NONE, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (sim->phase != TS_PHASE_CONFIG) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_STATE,
                    "%s: components cannot be added after ts_sim_build", path);
        return NULL;
    }
    if (!path_is_valid(path)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_BAD_NAME,
                    "'%s' is not a valid component path (segments like name or name[3][7] "
                    "joined by '.')",
                    path);
        return NULL;
    }
    TsComponent *other = g_hash_table_lookup(sim->by_path, path);
    if (other != NULL) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_DUPLICATE_NAME,
                    "%s: a component of kind '%s' already has this path", path, other->kind->name);
        return NULL;
    }
    g_autoptr(TsParams) resolved =
        ts_params_resolve(params, kind->params, kind->n_params, path, kind->name, error);
    if (resolved == NULL)
        return NULL;

    TsComponent *c = g_malloc0(kind->instance_size);
    c->handle = kind->handle;
    c->sim = sim;
    c->kind = kind;
    c->path = g_strdup(path);
    c->id = sim->components->len;
    c->stats = ts_stat_set_new();
    c->ports = g_new0(TsPort, kind->n_ports ? kind->n_ports : 1);
    for (guint i = 0; i < kind->n_ports; i++) {
        c->ports[i].owner = c;
        c->ports[i].spec = &kind->ports[i];
        c->ports[i].index = (guint16)i;
    }
    /* Registered before init so that init may schedule events and look itself up; removed
     * again if init fails. */
    g_ptr_array_add(sim->components, c);
    g_hash_table_insert(sim->by_path, (gpointer)c->path, c);
    ts_sim_trace_apply_(sim, c);

    GError *local = NULL;
    guint64 pushes_before = sim->evq.pushes;
    if (!kind->init(c, resolved, &local)) {
        if (local == NULL)
            g_set_error(&local, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "init failed");
        g_propagate_prefixed_error(error, local, "%s: ", path);
        g_hash_table_remove(sim->by_path, c->path);
        g_ptr_array_remove_index(sim->components, sim->components->len - 1);
        if (sim->evq.pushes != pushes_before) {
            /* Queued events point at the instance: keep it (freed with the sim) and refuse
             * to build, rather than leave dangling targets. */
            sim->init_failed_with_events = TRUE;
            g_ptr_array_add(sim->graveyard, c);
        } else {
            if (kind->destroy != NULL)
                kind->destroy(c);
            ts_stat_set_free(c->stats);
            g_free(c->ports);
            g_free((char *)c->path);
            g_free(c);
        }
        return NULL;
    }
    return c;
}

TsComponent *ts_sim_find_component(TsSim *sim, const char *path)
{
    g_return_val_if_fail(sim != NULL && path != NULL, NULL);
    return g_hash_table_lookup(sim->by_path, path);
}

guint ts_sim_n_components(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, 0);
    return sim->components->len;
}

TsComponent *ts_sim_component(TsSim *sim, guint index)
{
    g_return_val_if_fail(sim != NULL && index < sim->components->len, NULL);
    return g_ptr_array_index(sim->components, index);
}

/* ---- ports and links ---- */

TsPort *ts_component_port(TsComponent *component, guint index)
{
    g_return_val_if_fail(component != NULL, NULL);
    g_return_val_if_fail(index < component->kind->n_ports, NULL);
    return &component->ports[index];
}

TsPort *ts_component_port_by_name(TsComponent *component, const char *name)
{
    g_return_val_if_fail(component != NULL && name != NULL, NULL);
    for (guint i = 0; i < component->kind->n_ports; i++)
        if (strcmp(component->kind->ports[i].name, name) == 0)
            return &component->ports[i];
    return NULL;
}

const char *ts_port_name(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, NULL);
    return port->spec->name;
}

TsComponent *ts_port_component(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, NULL);
    return port->owner;
}

gboolean ts_port_is_connected(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, FALSE);
    return port->link != NULL;
}

TsComponent *ts_port_peer_component(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, NULL);
    return port->peer ? port->peer->owner : NULL;
}

static TsPort *resolve_port(TsComponent *c, const char *name, GError **error)
{
    TsPort *p = ts_component_port_by_name(c, name);
    if (p != NULL)
        return p;
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < c->kind->n_ports; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", c->kind->ports[i].name);
    g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_UNKNOWN_PORT,
                "%s: unknown port '%s' for kind '%s' (ports: %s)", c->path, name, c->kind->name,
                list->len ? list->str : "none");
    g_string_free(list, TRUE);
    return NULL;
}

static gboolean check_free(TsPort *p, TsComponent *other_c, const char *other_port, GError **error)
{
    if (p->link == NULL)
        return TRUE;
    g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PORT_CONNECTED,
                "%s:%s is already connected to %s:%s; cannot also connect it to %s:%s",
                p->owner->path, p->spec->name, p->peer->owner->path, p->peer->spec->name,
                other_c->path, other_port);
    return FALSE;
}

gboolean ts_sim_connect(TsSim *sim, TsComponent *a, const char *port_a, TsComponent *b,
                        const char *port_b, const TsLinkSpec *link, GError **error)
{
    g_return_val_if_fail(sim != NULL && a != NULL && b != NULL, FALSE);
    g_return_val_if_fail(a->sim == sim && b->sim == sim, FALSE);
    g_return_val_if_fail(port_a != NULL && port_b != NULL && link != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (sim->phase != TS_PHASE_CONFIG) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_STATE,
                    "%s:%s: links cannot be added after ts_sim_build", a->path, port_a);
        return FALSE;
    }
    TsPort *pa = resolve_port(a, port_a, error);
    if (pa == NULL)
        return FALSE;
    TsPort *pb = resolve_port(b, port_b, error);
    if (pb == NULL)
        return FALSE;
    if (pa == pb) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "%s:%s: cannot connect a port to itself", a->path, port_a);
        return FALSE;
    }
    if (!check_free(pa, b, port_b, error) || !check_free(pb, a, port_a, error))
        return FALSE;
    if (link->bw_bytes_per_s > (G_GUINT64_CONSTANT(1) << 50)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "%s:%s -> %s:%s: bandwidth %" G_GUINT64_FORMAT
                    " bytes/s exceeds the limit of 2^50 bytes/s",
                    a->path, port_a, b->path, port_b, link->bw_bytes_per_s);
        return FALSE;
    }
    TsLink *l = g_new0(TsLink, 1);
    l->end[0] = pa;
    l->end[1] = pb;
    l->spec = *link;
    pa->link = l;
    pa->dir = 0;
    pa->peer = pb;
    pb->link = l;
    pb->dir = 1;
    pb->peer = pa;
    g_ptr_array_add(sim->links, l);
    return TRUE;
}

gboolean ts_sim_connect_paths(TsSim *sim, const char *path_a, const char *port_a,
                              const char *path_b, const char *port_b, const TsLinkSpec *link,
                              GError **error)
{
    g_return_val_if_fail(sim != NULL && path_a != NULL && path_b != NULL, FALSE);
    const char *paths[2] = {path_a, path_b};
    TsComponent *c[2];
    for (int i = 0; i < 2; i++) {
        c[i] = ts_sim_find_component(sim, paths[i]);
        if (c[i] == NULL) {
            g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_UNKNOWN_COMPONENT,
                        "%s: no such component (connecting %s:%s to %s:%s)", paths[i], path_a,
                        port_a, path_b, port_b);
            return FALSE;
        }
    }
    return ts_sim_connect(sim, c[0], port_a, c[1], port_b, link, error);
}

gboolean ts_sim_build(TsSim *sim, GError **error)
{
    g_return_val_if_fail(sim != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    if (sim->phase != TS_PHASE_CONFIG) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_STATE, "ts_sim_build called twice");
        return FALSE;
    }
    if (sim->init_failed_with_events) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_STATE,
                    "cannot build: a component failed to initialise after scheduling events");
        return FALSE;
    }
    GString *dangling = g_string_new(NULL);
    guint n_dangling = 0;
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        for (guint j = 0; j < c->kind->n_ports; j++) {
            if (c->kind->ports[j].required && c->ports[j].link == NULL) {
                g_string_append_printf(dangling, "%s%s:%s", n_dangling ? ", " : "", c->path,
                                       c->kind->ports[j].name);
                n_dangling++;
            }
        }
    }
    if (n_dangling) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PORT_UNCONNECTED,
                    "required port%s not connected: %s", n_dangling > 1 ? "s" : "", dangling->str);
        g_string_free(dangling, TRUE);
        return FALSE;
    }
    g_string_free(dangling, TRUE);
    sim->phase = TS_PHASE_BUILT;
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        if (c->kind->setup != NULL) {
            sim->current = c;
            c->kind->setup(c);
        }
    }
    sim->current = NULL;
    return TRUE;
}

/* ---- clocks ---- */

gboolean ts_component_set_clock(TsComponent *component, guint64 freq_hz, GError **error)
{
    g_return_val_if_fail(component != NULL, FALSE);
    GError *local = NULL;
    if (!ts_clock_init(&component->clock, freq_hz, &local)) {
        g_propagate_prefixed_error(error, local, "%s: ", component->path);
        return FALSE;
    }
    return TRUE;
}

TsTick ts_component_cycles_from_now(const TsComponent *component, guint64 cycles)
{
    g_return_val_if_fail(component != NULL && component->clock.freq_hz != 0, TS_TICK_NEVER);
    return ts_clock_edge_after(&component->clock, component->sim->now, cycles);
}

/* ---- statistics ---- */

void ts_sim_enable_stats(TsSim *sim, const char *glob, gboolean enable)
{
    g_return_if_fail(sim != NULL && glob != NULL);
    TsStatRule r = {g_pattern_spec_new(glob), enable ? TRUE : FALSE};
    g_array_append_val(sim->stat_rules, r);
}

/* Spec of `name` if the statistic is enabled, else NULL; misuse (unknown name, wrong kind)
 * is reported through g_return_val_if_fail. */
static const TsStatSpec *enabled_spec(TsComponent *c, const char *name, TsStatKind kind)
{
    g_return_val_if_fail(c != NULL && name != NULL, NULL);
    const TsStatSpec *spec = ts_stat_spec_find(c->kind->stats, c->kind->n_stats, name);
    g_return_val_if_fail(spec != NULL, NULL);
    g_return_val_if_fail(spec->kind == kind, NULL);
    GArray *rules = c->sim->stat_rules;
    if (rules->len == 0)
        return spec;
    g_autofree char *full = g_strconcat(c->path, ".", name, NULL);
    gboolean on = TRUE;
    for (guint i = 0; i < rules->len; i++) {
        TsStatRule *r = &g_array_index(rules, TsStatRule, i);
        if (g_pattern_spec_match_string(r->pattern, full))
            on = r->enable;
    }
    return on ? spec : NULL;
}

TsCounter *ts_component_counter(TsComponent *component, const char *name)
{
    const TsStatSpec *s = enabled_spec(component, name, TS_STAT_COUNTER);
    return s ? ts_stat_set_add_counter(component->stats, s) : NULL;
}

TsAccumulator *ts_component_accumulator(TsComponent *component, const char *name)
{
    const TsStatSpec *s = enabled_spec(component, name, TS_STAT_ACCUMULATOR);
    return s ? ts_stat_set_add_accumulator(component->stats, s) : NULL;
}

TsHistogram *ts_component_histogram(TsComponent *component, const char *name, double lo,
                                    double bin_width, guint32 n_bins)
{
    const TsStatSpec *s = enabled_spec(component, name, TS_STAT_HISTOGRAM);
    return s ? ts_stat_set_add_histogram(component->stats, s, lo, bin_width, n_bins) : NULL;
}
