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

static void component_free(TsComponent *c)
{
    ts_stat_set_free(c->stats);
    g_free(c->ports);
    g_free(c->port_first);
    g_free(c->port_count);
    g_free((char *)c->path);
    g_free(c);
}

static gboolean check_spec_type(const TsComponentKind *kind, const char *path,
                                const char *spec_type, const void *spec, GError **error)
{
    if (kind->spec_type == NULL && spec_type == NULL && spec == NULL)
        return TRUE;
    if (kind->spec_type == NULL) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_SPEC_TYPE,
                    "%s: kind '%s' takes no typed spec (got a %s)", path, kind->name,
                    spec_type ? spec_type : "spec of unnamed type");
        return FALSE;
    }
    if (spec == NULL || spec_type == NULL) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_SPEC_TYPE,
                    "%s: kind '%s' needs a %s (none given)", path, kind->name, kind->spec_type);
        return FALSE;
    }
    if (strcmp(kind->spec_type, spec_type) != 0) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_SPEC_TYPE,
                    "%s: kind '%s' takes a %s, got a %s", path, kind->name, kind->spec_type,
                    spec_type);
        return FALSE;
    }
    return TRUE;
}

/* Lays out the flat port table once init has sized the arrays. */
static gboolean allocate_ports(TsComponent *c, GError **error)
{
    const TsComponentKind *kind = c->kind;
    guint total = 0;
    for (guint i = 0; i < kind->n_ports; i++) {
        c->port_first[i] = (guint16)MIN(total, TS_PORT_NONE);
        total += c->port_count[i];
        if (total >= TS_PORT_NONE) {
            g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                        "%s: more than %u ports in one component", c->path, TS_PORT_NONE - 1);
            return FALSE;
        }
    }
    c->n_port_slots = total;
    c->ports = g_new0(TsPort, total ? total : 1);
    for (guint i = 0; i < kind->n_ports; i++) {
        for (guint e = 0; e < c->port_count[i]; e++) {
            TsPort *p = &c->ports[c->port_first[i] + e];
            p->owner = c;
            p->spec = &kind->ports[i];
            p->index = (guint16)(c->port_first[i] + e);
            p->spec_index = (guint16)i;
            p->element = e;
            p->credited = (kind->ports[i].flags & TS_PORT_CREDITED) != 0;
            p->quiet = (kind->ports[i].flags & TS_PORT_CREDIT_QUIET) != 0;
            p->batch = (kind->ports[i].flags & TS_PORT_BATCH) != 0;
        }
    }
    return TRUE;
}

TsComponent *ts_sim_add_component_typed(TsSim *sim, const TsComponentKind *kind, const char *path,
                                        const char *spec_type, const void *spec,
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
    if (!check_spec_type(kind, path, spec_type, spec, error))
        return NULL;
    g_autoptr(TsParams) resolved =
        ts_params_resolve(params, kind->params, kind->n_params, path, kind->name, error);
    if (resolved == NULL)
        return NULL;

    TsComponent *c = g_malloc0(kind->instance_size);
    c->arrivals_watch = TS_TICK_NEVER;
    c->handle = kind->handle;
    c->sim = sim;
    c->kind = kind;
    c->path = g_strdup(path);
    c->id = sim->components->len;
    c->stats = ts_stat_set_new();
    c->port_first = g_new0(guint16, kind->n_ports ? kind->n_ports : 1);
    c->port_count = g_new0(guint16, kind->n_ports ? kind->n_ports : 1);
    for (guint i = 0; i < kind->n_ports; i++)
        c->port_count[i] = (kind->ports[i].flags & TS_PORT_ARRAY) ? 0 : 1;
    /* Registered before init so that init may schedule events and look itself up; removed
     * again if init fails. */
    g_ptr_array_add(sim->components, c);
    g_hash_table_insert(sim->by_path, (gpointer)c->path, c);
    ts_sim_trace_apply_(sim, c);

    GError *local = NULL;
    guint64 pushes_before = sim->evq.pushes;
    sim->initialising = c;
    gboolean ok = kind->init(c, spec, resolved, &local);
    sim->initialising = NULL;
    if (ok)
        ok = allocate_ports(c, &local);
    if (!ok) {
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
            component_free(c);
        }
        return NULL;
    }
    return c;
}

TsComponent *ts_sim_add_component(TsSim *sim, const TsComponentKind *kind, const char *path,
                                  const TsParams *params, GError **error)
{
    return ts_sim_add_component_typed(sim, kind, path, NULL, NULL, params, error);
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
    g_return_val_if_fail(component != NULL && component->ports != NULL, NULL);
    g_return_val_if_fail(index < component->kind->n_ports, NULL);
    g_return_val_if_fail(!(component->kind->ports[index].flags & TS_PORT_ARRAY), NULL);
    return &component->ports[component->port_first[index]];
}

TsPort *ts_component_port_at(TsComponent *component, guint index, guint element)
{
    g_return_val_if_fail(component != NULL && component->ports != NULL, NULL);
    g_return_val_if_fail(index < component->kind->n_ports, NULL);
    g_return_val_if_fail(element < component->port_count[index], NULL);
    return &component->ports[component->port_first[index] + element];
}

TsPort *ts_component_port_of_event(TsComponent *component, const TsEvent *event)
{
    g_return_val_if_fail(component != NULL && event != NULL, NULL);
    g_return_val_if_fail(event->port < component->n_port_slots, NULL);
    return &component->ports[event->port];
}

guint ts_component_port_count(const TsComponent *component, guint index)
{
    g_return_val_if_fail(component != NULL && index < component->kind->n_ports, 0);
    return component->port_count[index];
}

/* Spec index of the entry called `name` (length len), or -1. */
static int find_port_spec(const TsComponentKind *kind, const char *name, gsize len)
{
    for (guint i = 0; i < kind->n_ports; i++)
        if (strlen(kind->ports[i].name) == len && strncmp(kind->ports[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

gboolean ts_component_set_port_count(TsComponent *component, const char *name, guint count,
                                     GError **error)
{
    g_return_val_if_fail(component != NULL && name != NULL, FALSE);
    g_return_val_if_fail(component->sim->initialising == component, FALSE);
    int i = find_port_spec(component->kind, name, strlen(name));
    if (i < 0 || !(component->kind->ports[i].flags & TS_PORT_ARRAY)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_UNKNOWN_PORT,
                    "kind '%s' has no port array '%s'", component->kind->name, name);
        return FALSE;
    }
    if (count >= TS_PORT_NONE) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "port array '%s' of %u elements exceeds %u ports", name, count,
                    TS_PORT_NONE - 1);
        return FALSE;
    }
    component->port_count[i] = (guint16)count;
    return TRUE;
}

TsPort *ts_component_port_by_name(TsComponent *component, const char *name)
{
    g_return_val_if_fail(component != NULL && name != NULL, NULL);
    const char *br = strchr(name, '[');
    gsize len = br ? (gsize)(br - name) : strlen(name);
    int i = find_port_spec(component->kind, name, len);
    if (i < 0)
        return NULL;
    gboolean is_array = (component->kind->ports[i].flags & TS_PORT_ARRAY) != 0;
    if (!is_array)
        return br ? NULL : &component->ports[component->port_first[i]];
    if (br == NULL || !g_ascii_isdigit(br[1]))
        return NULL;
    char *end = NULL;
    guint64 e = g_ascii_strtoull(br + 1, &end, 10);
    if (end == NULL || end[0] != ']' || end[1] != '\0' || e >= component->port_count[i])
        return NULL;
    return &component->ports[component->port_first[i] + e];
}

const char *ts_port_name(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, NULL);
    return port->spec->name;
}

guint ts_port_element(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, 0);
    return port->element;
}

guint ts_port_spec_index(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, 0);
    return port->spec_index;
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

/* "name" or "name[e]" of a port (newly allocated). */
static char *port_label(const TsPort *p)
{
    if (p->spec->flags & TS_PORT_ARRAY)
        return g_strdup_printf("%s[%u]", p->spec->name, p->element);
    return g_strdup(p->spec->name);
}

static TsPort *resolve_port(TsComponent *c, const char *name, GError **error)
{
    TsPort *p = ts_component_port_by_name(c, name);
    if (p != NULL)
        return p;
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < c->kind->n_ports; i++) {
        g_string_append_printf(list, "%s%s", i ? ", " : "", c->kind->ports[i].name);
        if (c->kind->ports[i].flags & TS_PORT_ARRAY)
            g_string_append_printf(list, "[0..%d]", (int)c->port_count[i] - 1);
    }
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
    g_autofree char *mine = port_label(p);
    g_autofree char *peer = port_label(p->peer);
    g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PORT_CONNECTED,
                "%s:%s is already connected to %s:%s; cannot also connect it to %s:%s",
                p->owner->path, mine, p->peer->owner->path, peer, other_c->path, other_port);
    return FALSE;
}

/* A TS_PORT_BATCH sender needs credits (they bound the receiver's arrival queue) and a peer
 * that reads arrivals. */
static gboolean check_batch(const TsPort *from, const TsPort *to, GError **error)
{
    if (!from->batch)
        return TRUE;
    g_autofree char *mine = port_label(from);
    g_autofree char *peer = port_label(to);
    if (!from->credited) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "%s:%s: a batched port (TS_PORT_BATCH) must be credited (TS_PORT_CREDITED)",
                    from->owner->path, mine);
        return FALSE;
    }
    if (!(to->spec->flags & TS_PORT_ARRIVALS)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "%s:%s sends batched arrivals (TS_PORT_BATCH) but %s:%s does not read them "
                    "(no TS_PORT_ARRIVALS)",
                    from->owner->path, mine, to->owner->path, peer);
        return FALSE;
    }
    return TRUE;
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
    if (!check_batch(pa, pb, error) || !check_batch(pb, pa, error))
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
        for (guint j = 0; j < c->n_port_slots; j++) {
            TsPort *p = &c->ports[j];
            if (p->spec->required && p->link == NULL) {
                g_autofree char *label = port_label(p);
                g_string_append_printf(dangling, "%s%s:%s", n_dangling ? ", " : "", c->path, label);
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

gboolean ts_component_set_clock_period(TsComponent *component, guint64 num_ps, guint64 den,
                                       GError **error)
{
    g_return_val_if_fail(component != NULL, FALSE);
    GError *local = NULL;
    if (!ts_clock_init_period(&component->clock, num_ps, den, &local)) {
        g_propagate_prefixed_error(error, local, "%s: ", component->path);
        return FALSE;
    }
    return TRUE;
}

TsTick ts_component_cycles_from_now(const TsComponent *component, guint64 cycles)
{
    g_return_val_if_fail(component != NULL && component->clock.period_num != 0, TS_TICK_NEVER);
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
