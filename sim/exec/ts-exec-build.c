/* Building the executor's simulation from an architecture's component view: one component per
 * storage level of the mapping chain (a dram with JEDEC timing where the level has it, else an
 * sram: the level's ports, banks and latency), one host_link per host link, the compute level
 * (a systolic_array for a systolic array, else a mac_array), the first vector unit, and the
 * executor itself, joined to each by credited links without latency or bandwidth of their
 * own (the components model the timing). */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>

#include "ts-arch-classes.h"

static const TsPortSpec exec_ports[] = {
    {"port", FALSE, "requests to every unit (credited), responses back",
     TS_PORT_ARRAY | TS_PORT_CREDITED},
};

static gboolean exec_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    Exec *x = TS_COMPONENT_DOWNCAST(Exec, self);
    const ExecSpec *s = spec;
    x->arch = s->arch;
    x->sim = self->sim;
    if (!ts_component_set_clock_period(self, 1, 1, error))
        return FALSE;
    return ts_component_set_port_count(self, "port", s->n_ports, error);
}

static void exec_handle(TsComponent *self, TsEvent *ev)
{
    Exec *x = TS_COMPONENT_DOWNCAST(Exec, self);
    if (ev->type == TS_EVENT_CREDIT)
        ts_exec_on_credit(x, ev);
    else
        ts_exec_on_response(x, ev);
}

static void exec_destroy(TsComponent *self)
{
    Exec *x = TS_COMPONENT_DOWNCAST(Exec, self);
    for (guint i = 0; i < x->n_ctx; i++)
        ts_exec_ctx_clear(x, x->ctx[i]); /* (a lock-step group's lanes refer to each other) */
    for (guint i = 0; i < x->n_ctx; i++)
        g_free(x->ctx[i]);
    g_free(x->ctx);
    ts_walk_free(x->walk_proto);
    g_clear_pointer(&x->dma_proto, g_rc_box_release);
    for (guint u = 0; u < x->n_units; u++)
        g_free(x->unit[u].wait);
    g_free(x->jobs);
    g_free(x->streams);
    g_free(x->stream_next);
    g_free(x->stream_job);
    g_free(x->chan.reads);
    g_free(x->chan.cap);
    g_free(x->chan.idle);
    g_free(x->chan.idle_since);
    g_free(x->chan.idle_ps);
    g_clear_error(&x->error);
    g_clear_pointer(&x->notes, g_ptr_array_unref);
}

const TsComponentKind ts_exec_kind = {
    .name = "exec",
    .description = "the mapping executor: tile transfers and compute steps of mapped ops",
    .instance_size = sizeof(Exec),
    .ports = exec_ports,
    .n_ports = G_N_ELEMENTS(exec_ports),
    .spec_type = "ExecSpec",
    .init = exec_init,
    .handle = exec_handle,
    .destroy = exec_destroy,
};

static int add_unit(Exec *x, TsComponent *comp, UnitRole role, int level, guint n_ports,
                    double period_ps, GError **error)
{
    if (x->n_units >= TS_EXEC_MAX_UNITS || x->n_port + n_ports > EXEC_MAX_PORTS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT,
                    "architecture %s: more than %d components or %d ports to simulate",
                    ts_arch_name(x->arch), TS_EXEC_MAX_UNITS, EXEC_MAX_PORTS);
        return -1;
    }
    Unit *u = &x->unit[x->n_units];
    memset(u, 0, sizeof *u);
    u->comp = comp;
    u->role = role;
    u->level = level;
    u->first_port = x->n_port;
    u->n_ports = n_ports;
    u->period_ps = period_ps;
    u->s_head = u->s_tail = -1;
    for (guint i = 0; i < n_ports; i++)
        x->port_unit[x->n_port + i] = x->n_units;
    x->n_port += n_ports;
    return (int)x->n_units++;
}

static char *component_path(const TsLevel *l)
{
    /* "chip.<name>" with characters a path cannot hold replaced */
    g_autofree char *clean = g_strdup(l->name);
    for (char *p = clean; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-')
            *p = '_';
    if (!g_ascii_isalpha(clean[0]) && clean[0] != '_')
        return g_strdup_printf("chip.l_%s", clean);
    return g_strdup_printf("chip.%s", clean);
}

/* The bank-level PIM unit whose banks are in DRAM level `dram_level` (index into the level
 * list), or NULL. */
static const TsPimCoreSpec *bank_unit_in(const TsArch *arch, int dram_level)
{
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        const TsPimCoreSpec *sp = l->klass == TS_CLASS_PIM_CORE ? l->spec : NULL;
        if (sp != NULL && sp->kind == TS_PIM_BANK_UNIT && sp->bank_level == (int)i &&
            sp->dram_level == dram_level)
            return sp;
    }
    return NULL;
}

/* The bank level of a bank-level PIM unit whose DRAM runs in the DES: the dram component's
 * all-bank mode, its "pim" elements joined to the executor's ports. FALSE with error;
 * *done FALSE when the level is not such a bank level. */
static gboolean bank_unit(Exec *x, guint s, const TsLevel *l, gboolean *done, GError **error)
{
    *done = FALSE;
    const TsPimCoreSpec *sp = l->klass == TS_CLASS_PIM_CORE ? l->spec : NULL;
    const int level = ts_arch_find_level(x->arch, l->name);
    if (sp == NULL || sp->kind != TS_PIM_BANK_UNIT || sp->bank_level != level ||
        sp->dram_level < 0 || sp->bank_bw_bytes_per_cycle > 0.0)
        return TRUE;
    int du = -1;
    for (guint k = 0; k < x->n_units; k++)
        if (x->unit[k].role == UNIT_DRAM && x->unit[k].level == sp->dram_level)
            du = (int)k;
    if (du < 0)
        return TRUE; /* its DRAM is not timed here (ideal DRAM): the bandwidth server */
    TsComponent *c = x->unit[du].comp;
    const TsDramSpec *d = ts_arch_level(x->arch, (guint)sp->dram_level)->spec;
    const int u = add_unit(x, c, UNIT_BANKS, level, ts_dram_n_units(c), d->tck_ps, error);
    if (u < 0)
        return FALSE;
    for (guint i = 0; i < x->unit[u].n_ports; i++) {
        g_autofree char *mine = g_strdup_printf("port[%u]", x->unit[u].first_port + i);
        g_autofree char *theirs = g_strdup_printf("pim[%u]", i);
        if (!ts_sim_connect(x->sim, &x->base, mine, c, theirs, &(TsLinkSpec){0}, error))
            return FALSE;
    }
    x->storage_unit[s] = u;
    *done = TRUE;
    return TRUE;
}

static gboolean level_unit(Exec *x, guint s, const TsExecOptions *opt, GError **error)
{
    const TsLevel *l = ts_arch_storage(x->arch, s);
    int level = ts_arch_find_level(x->arch, l->name);
    g_autofree char *path = component_path(l);
    TsComponent *c;
    int u;
    gboolean done;
    if (!bank_unit(x, s, l, &done, error) || done)
        return done;
    if (l->klass == TS_CLASS_DRAM && opt->ideal_dram) {
        /* a bandwidth server with every limit removed (the sram component: 0 is unlimited) */
        TsLevel *copy = &x->ideal[s];
        *copy = *l;
        copy->read_bw_words_per_cycle = copy->write_bw_words_per_cycle = 0;
        copy->shared_bw_words_per_cycle = 0;
        copy->spec = NULL;
        l = copy;
    }
    if (l->klass == TS_CLASS_DRAM && l->spec != NULL && ((const TsDramSpec *)l->spec)->has_timing) {
        g_autoptr(TsParams) p = ts_params_new();
        ts_params_set_bool(p, "check", opt->dram_check);
        const TsPimCoreSpec *pim = bank_unit_in(x->arch, level);
        if (pim != NULL)
            ts_params_set_int(p, "banks_per_unit", (gint64)pim->banks_per_unit);
        c = ts_sim_add_component_typed(x->sim, &ts_dram_kind, path, TS_SPEC(TsDramSpec, l->spec), p,
                                       error);
        if (c == NULL)
            return FALSE;
        const TsDramSpec *d = l->spec;
        const double peak = d->peak_bw_bytes_per_s / (l->clock_hz * MAX(l->word_bits, 1u) / 8.0);
        const double given[] = {l->read_bw_words_per_cycle, l->write_bw_words_per_cycle,
                                l->shared_bw_words_per_cycle};
        gboolean differs = FALSE;
        for (guint k = 0; k < G_N_ELEMENTS(given); k++)
            differs |= given[k] > 0 && fabs(given[k] - peak) > 1e-9 * peak;
        if (differs)
            g_ptr_array_add(
                x->notes,
                g_strdup_printf("%s: the analytical model limits it to the bandwidth given (read "
                                "%g, write %g, shared %g words per cycle, 0 = none); the DES runs "
                                "its DRAM timing instead (peak %.4g words per cycle)",
                                l->name, given[0], given[1], given[2], peak));
        u = add_unit(x, c, UNIT_DRAM, level, ts_dram_n_units(c), d->tck_ps, error);
        if (u < 0)
            return FALSE;
        if (x->dram_unit < 0) {
            x->dram_unit = u;
            x->dram_burst = ts_dram_burst_bytes(c);
            ExecChannels *ch = &x->chan;
            ch->n = x->unit[u].n_ports;
            ch->reads = g_new0(guint32, ch->n);
            ch->cap = g_new0(guint32, ch->n);
            ch->idle = g_new(gboolean, ch->n);
            ch->idle_since = g_new0(TsTick, ch->n);
            ch->idle_ps = g_new0(double, ch->n);
            for (guint i = 0; i < ch->n; i++)
                ch->idle[i] = TRUE; /* from the run's start */
        }
        for (guint i = 0; i < x->unit[u].n_ports; i++) {
            g_autofree char *mine = g_strdup_printf("port[%u]", x->unit[u].first_port + i);
            g_autofree char *theirs = g_strdup_printf("req[%u]", i);
            if (!ts_sim_connect(x->sim, &x->base, mine, c, theirs, &(TsLinkSpec){0}, error))
                return FALSE;
        }
    } else {
        g_autoptr(TsParams) p = ts_params_new();
        ts_params_set_int(p, "queue_depth", 16);
        c = ts_sim_add_component_typed(x->sim, &ts_sram_kind, path, TS_SPEC(TsLevel, l), p, error);
        if (c == NULL)
            return FALSE;
        u = add_unit(x, c, UNIT_SRAM, level, 1, 1e12 / l->clock_hz, error);
        if (u < 0)
            return FALSE;
        g_autofree char *mine = g_strdup_printf("port[%u]", x->unit[u].first_port);
        if (!ts_sim_connect(x->sim, &x->base, mine, c, "req[0]", &(TsLinkSpec){0}, error))
            return FALSE;
    }
    x->storage_unit[s] = u;
    return TRUE;
}

static int storage_index(const TsArch *arch, int level)
{
    if (level < 0)
        return -1;
    for (guint s = 0; s < ts_arch_n_storage(arch); s++)
        if (ts_arch_storage(arch, s) == ts_arch_level(arch, (guint)level))
            return (int)s;
    return -1;
}

/* Marks the storage levels (of n_levels) a host link of arch lands in (a link above them);
 * FALSE when there is none. */
static gboolean link_levels(const TsArch *arch, guint n_levels, gboolean *above)
{
    gboolean any = FALSE;
    memset(above, 0, n_levels * sizeof *above);
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass != TS_CLASS_HOST_LINK || l->spec == NULL)
            continue;
        const TsArchComponent *e = ts_arch_component(arch, (guint)ts_arch_level_component(arch, i));
        const int below = storage_index(arch, e->storage_below);
        if (below > 0 && (guint)below < n_levels)
            any = above[below] = TRUE;
    }
    return any;
}

guint ts_exec_link_depth(const TsArch *arch, const TsWalk *walk, guint n_levels, guint n_tensors)
{
    gboolean link_above[TS_ARCH_MAX_LEVELS];
    if (!link_levels(arch, MIN(n_levels, TS_ARCH_MAX_LEVELS), link_above))
        return 0;
    guint depth = 0;
    for (guint l = 1; l < n_levels; l++) {
        for (guint t = 0; t < n_tensors; t++) {
            if (!ts_walk_keeps(walk, l, t))
                continue;
            int peer = -1;
            for (guint q = 0; q < l; q++)
                if (ts_walk_keeps(walk, q, t))
                    peer = (int)q;
            for (guint m = (guint)(peer + 1); peer >= 0 && m <= l; m++)
                if (link_above[m])
                    depth = l;
        }
    }
    return depth;
}

gboolean ts_exec_walk_depth(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                            uint64_t max_steps, guint *depth, GError **error)
{
    const guint nl = ts_model_n_levels(model);
    gboolean link_above[TS_ARCH_MAX_LEVELS];
    *depth = ts_walk_depth_for(model, mapping, max_steps);
    if (!link_levels(arch, MIN(nl, TS_ARCH_MAX_LEVELS), link_above))
        return TRUE;
    g_autoptr(TsWalk) w = ts_walk_new(model, mapping, 0, error);
    if (w == NULL)
        return FALSE;
    const TsOp *op = ts_model_op(model);
    const guint need = ts_exec_link_depth(arch, w, nl, op->n_tensors);
    if (need <= *depth)
        return TRUE;
    if (ts_walk_depth_for(model, mapping, TS_EXEC_LINK_MAX_STEPS) < need) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "op %s: its host-link transfers land at level %s, whose tile steps per "
                    "instance exceed the executor's %" G_GUINT64_FORMAT
                    " for simulating each host-link call",
                    op->name ? op->name : "?", ts_model_level(model, need)->name,
                    TS_EXEC_LINK_MAX_STEPS);
        return FALSE;
    }
    *depth = need;
    return TRUE;
}

static gboolean single_unit(Exec *x, const TsComponentKind *kind, const TsLevel *l,
                            const char *spec_type, const void *spec, TsParams *p, UnitRole role,
                            GError **error)
{
    g_autofree char *path = component_path(l);
    TsComponent *c = ts_sim_add_component_typed(x->sim, kind, path, spec_type, spec, p, error);
    if (c == NULL)
        return FALSE;
    int u =
        add_unit(x, c, role, ts_arch_find_level(x->arch, l->name), 1, 1e12 / l->clock_hz, error);
    if (u < 0)
        return FALSE;
    g_autofree char *mine = g_strdup_printf("port[%u]", x->unit[u].first_port);
    const char *theirs = role == UNIT_SYSTOLIC || role == UNIT_PIM ? "ctrl" : "req[0]";
    if (!ts_sim_connect(x->sim, &x->base, mine, c, theirs, &(TsLinkSpec){0}, error))
        return FALSE;
    if (role == UNIT_LINK) {
        /* the mapping levels it joins */
        const TsArchComponent *e = ts_arch_component(
            x->arch,
            (guint)ts_arch_level_component(x->arch, (guint)ts_arch_find_level(x->arch, l->name)));
        int below = storage_index(x->arch, e->storage_below);
        if (below >= 0 && x->link_unit[below] < 0)
            x->link_unit[below] = u;
    } else if (role == UNIT_VECTOR) {
        x->vector_unit = u;
    } else {
        x->compute_unit = u;
    }
    return TRUE;
}

/* Executor port elements the arch needs: a DRAM's (pseudo-)channels, one per other unit. */
static guint count_ports(const TsArch *arch)
{
    guint n = 2; /* the compute and vector units */
    for (guint s = 0; s < ts_arch_n_storage(arch); s++) {
        const TsLevel *l = ts_arch_storage(arch, s);
        const TsDramSpec *d = l->klass == TS_CLASS_DRAM ? l->spec : NULL;
        n += d != NULL && d->has_timing ? (guint)(d->channels * MAX(d->pseudo_channels, 1)) : 1;
        /* a bank level in all-bank mode: one port per channel of its DRAM */
        const TsPimCoreSpec *sp = l->klass == TS_CLASS_PIM_CORE ? l->spec : NULL;
        if (sp != NULL && sp->kind == TS_PIM_BANK_UNIT && sp->dram_level >= 0) {
            const TsDramSpec *bd = ts_arch_level(arch, (guint)sp->dram_level)->spec;
            n += (guint)(bd->channels * MAX(bd->pseudo_channels, 1));
        }
    }
    for (guint i = 0; i < ts_arch_n_levels(arch); i++)
        n += ts_arch_level(arch, i)->klass == TS_CLASS_HOST_LINK;
    return n;
}

Exec *ts_exec_build(const TsArch *arch, const TsExecOptions *opt, GError **error)
{
    const TsLevel *compute = ts_arch_compute(arch);
    if (!ts_arch_is_mappable(arch) || compute == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "architecture %s has no storage and compute levels to simulate",
                    ts_arch_name(arch));
        return NULL;
    }
    const guint n_ports = count_ports(arch);
    if (n_ports > EXEC_MAX_PORTS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT,
                    "architecture %s: %u component ports to simulate (at most %d)",
                    ts_arch_name(arch), n_ports, EXEC_MAX_PORTS);
        return NULL;
    }
    TsSim *sim = ts_sim_new();
    ExecSpec spec = {arch, n_ports};
    TsComponent *self = ts_sim_add_component_typed(sim, &ts_exec_kind, "exec",
                                                   TS_SPEC(ExecSpec, &spec), NULL, error);
    if (self == NULL) {
        ts_sim_free(sim);
        return NULL;
    }
    Exec *x = TS_COMPONENT_DOWNCAST(Exec, self);
    x->notes = g_ptr_array_new_with_free_func(g_free);
    x->cause = CP_NONE;
    x->dram_unit = x->compute_unit = x->vector_unit = -1;
    x->free_stream = -1;
    for (guint i = 0; i < TS_ARCH_MAX_LEVELS; i++)
        x->storage_unit[i] = x->link_unit[i] = -1;
    x->arch_period_ps = 1e12 / ts_arch_clock_hz(arch);
    gboolean ok = TRUE;
    for (guint s = 0; ok && s < ts_arch_n_storage(arch); s++)
        ok = level_unit(x, s, opt, error);
    for (guint i = 0; ok && i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_HOST_LINK && l->spec != NULL) {
            g_autoptr(TsParams) p = ts_params_new();
            ok = single_unit(x, &ts_host_link_kind, l, "TsLevel", l, p, UNIT_LINK, error);
        } else if (l->klass == TS_CLASS_VECTOR_UNIT && l->spec != NULL && x->vector_unit < 0) {
            g_autoptr(TsParams) p = ts_params_new();
            ok = single_unit(x, &ts_vector_unit_kind, l, "TsLevel", l, p, UNIT_VECTOR, error);
        }
    }
    if (ok && compute->klass == TS_CLASS_SYSTOLIC_ARRAY && compute->spec != NULL &&
        !opt->ideal_compute) {
        /* The executor moves the data: the array runs stall-free with room for any tile. */
        g_autoptr(TsParams) p = ts_params_new();
        ts_params_set_int(p, "clock_hz", (gint64)llround(compute->clock_hz));
        ts_params_set_int(p, "ifmap_sram_words", G_GINT64_CONSTANT(1) << 40);
        ts_params_set_int(p, "filter_sram_words", G_GINT64_CONSTANT(1) << 40);
        ts_params_set_int(p, "ofmap_sram_words", G_GINT64_CONSTANT(1) << 40);
        ts_params_set_int(p, "queue_depth", 2);
        ok = single_unit(x, &ts_systolic_kind, compute, "TsSystolicSpec", compute->spec, p,
                         UNIT_SYSTOLIC, error);
    } else if (ok && compute->klass == TS_CLASS_PIM_CORE && compute->spec != NULL &&
               ((const TsPimCoreSpec *)compute->spec)->kind == TS_PIM_DPU && !opt->ideal_compute) {
        /* a DPU: each compute step is a kernel on the revolver pipeline, in DPU cycles */
        const TsPimCoreSpec *sp = compute->spec;
        ok = single_unit(x, &ts_pim_core_kind, compute, "TsPimCoreSpec", sp, NULL, UNIT_PIM, error);
        if (ok)
            x->unit[x->compute_unit].period_ps = 1e12 / sp->frequency_hz;
    } else if (ok) {
        g_autoptr(TsParams) p = ts_params_new();
        ok = single_unit(x, &ts_mac_array_kind, compute, "TsLevel", compute, p, UNIT_MAC, error);
    }
    /* elementwise work without a vector unit: on the compute level's instances as lanes, a
     * systolic array's steps queued with its GEMM tiles */
    x->lane_unit = x->compute_unit;
    if (ok && x->unit[x->compute_unit].role == UNIT_PIM && x->vector_unit < 0) {
        /* a DPU's elementwise work as lanes, one element per DPU and cycle */
        g_autoptr(TsParams) p = ts_params_new();
        int keep = x->compute_unit;
        ok = single_unit(x, &ts_mac_array_kind, compute, "TsLevel", compute, p, UNIT_MAC, error);
        x->lane_unit = x->compute_unit;
        x->compute_unit = keep;
    }
    if (!ok || !ts_sim_build(sim, error)) {
        /* a component that cannot model the arch's values: the input's limit, not a bug */
        if (error != NULL && *error != NULL && (*error)->domain != TS_CONFIG_ERROR) {
            GError *e = *error;
            *error = NULL;
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "architecture %s cannot be simulated by the DES: %s", ts_arch_name(arch),
                        e->message);
            g_error_free(e);
        }
        ts_sim_free(sim);
        return NULL;
    }
    return x;
}
