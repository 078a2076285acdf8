/* The mac_array and vector_unit components (ts-compute-unit.h): one FIFO server each, in
 * fixed-point cycles of the unit's clock; the request event travels back as the response. */
#include "ts-compute-unit.h"

#include <string.h>

#include "ts-arch-classes.h"
#include "ts-unit-private.h"

typedef struct {
    TsComponent base;
    const TsLevel *level;
    gboolean vector;
    double macs_per_cycle;         /* mac_array */
    const TsVectorUnitSpec *vspec; /* vector_unit */
    guint64 pipeline;              /* cycles */
    guint32 queue_depth;
    TsServer srv;
    TsComputeUnitStats st;
    TsCounter *c_steps, *c_work;
} Unit;

static const TsParamSpec mac_params[] = {
    {"requesters", TS_PARAM_INT, "ports", "1", 1, 4096, "elements of the req port array"},
    {"queue_depth", TS_PARAM_INT, "steps", "2", 1, 1 << 20, "credits per requester"},
    {"pipeline_cycles", TS_PARAM_INT, "cycles", "-1", -1, 1 << 20,
     "latency from a step's end to its results (-1: the spec's pipeline stages, else 0)"},
};

static const TsParamSpec vec_params[] = {
    {"requesters", TS_PARAM_INT, "ports", "1", 1, 4096, "elements of the req port array"},
    {"queue_depth", TS_PARAM_INT, "steps", "2", 1, 1 << 20, "credits per requester"},
};

static const TsPortSpec ports[] = {
    {"req", FALSE, "compute steps in (TsComputeReq), completions out", TS_PORT_ARRAY},
};

static const TsStatSpec stats[] = {
    {"steps", TS_STAT_COUNTER, "steps", "compute steps finished"},
    {"work", TS_STAT_COUNTER, "units", "MACs (all instances) or element-passes"},
};

static Unit *unit_of(TsComponent *c)
{
    return TS_COMPONENT_DOWNCAST(Unit, c);
}

static gboolean common_init(Unit *u, const TsParams *p, GError **error)
{
    if (!ts_unit_set_clock_hz(&u->base, u->level->clock_hz, error))
        return FALSE;
    if (!ts_unit_init_req(&u->base, p, &u->queue_depth, error))
        return FALSE;
    u->c_steps = ts_component_counter(&u->base, "steps");
    u->c_work = ts_component_counter(&u->base, "work");
    return TRUE;
}

static gboolean mac_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    Unit *u = unit_of(self);
    const TsLevel *l = spec;
    if (!l->is_compute) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "level %s is not a compute level",
                    l->name);
        return FALSE;
    }
    u->level = l;
    u->macs_per_cycle = l->macs_per_cycle > 0.0 ? l->macs_per_cycle : 1.0;
    gint64 pipe = ts_params_get_int(p, "pipeline_cycles");
    if (pipe < 0 && l->klass == TS_CLASS_PIM_CORE && l->spec != NULL &&
        ((const TsPimCoreSpec *)l->spec)->kind == TS_PIM_DPU)
        pipe = (gint64)((const TsPimCoreSpec *)l->spec)->pipeline_stages;
    u->pipeline = pipe > 0 ? (guint64)pipe : 0;
    return common_init(u, p, error);
}

static gboolean vec_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    Unit *u = unit_of(self);
    const TsLevel *l = spec;
    if (l->klass != TS_CLASS_VECTOR_UNIT || l->spec == NULL) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "level %s is not a vector_unit with a spec", l->name);
        return FALSE;
    }
    u->level = l;
    u->vector = TRUE;
    u->vspec = l->spec;
    return common_init(u, p, error);
}

static void unit_setup(TsComponent *self)
{
    ts_unit_grant_req_credits(self, unit_of(self)->queue_depth);
}

static double step_cycles(const Unit *u, guint64 work, guint op)
{
    if (!u->vector)
        return ceil((double)work / u->macs_per_cycle);
    const TsVectorOp *o = &u->vspec->ops[MIN(op, u->vspec->n_ops - 1)];
    return ceil((double)work * o->cycles_per_element / (double)MAX(u->vspec->lanes, 1));
}

/* A step's time on the unit in fixed point: what its busy statistics add. */
static guint64 hold_fp(double cycles)
{
    return (guint64)(cycles * (double)TS_FP_ONE);
}

static void unit_serve(TsComponent *self, TsEvent *ev)
{
    Unit *u = unit_of(self);
    TsComputeReq *r = ts_compute_req(ev);
    if (u->vector && r->op >= u->vspec->n_ops)
        TS_ABORT(self, "vector operation %u out of range (the unit lists %u)", r->op,
                 u->vspec->n_ops);
    TsPort *port = ts_component_port_of_event(self, ev);
    const double cycles = step_cycles(u, r->work, r->op);
    const guint64 start = ts_server_take(&u->srv, ts_fp_now_cycles(self), hold_fp(cycles));
    const guint64 done = u->srv.free_fp + (u->pipeline << TS_FP_SHIFT);
    u->st.steps++;
    u->st.work += u->vector ? r->work : r->work * MAX(r->instances, 1u);
    ts_counter_inc(u->c_steps);
    ts_counter_add(u->c_work, u->vector ? r->work : r->work * MAX(r->instances, 1u));
    ts_unit_credit_at(self, port, ts_fp_cycles_to_tick(&self->clock, start));
    TsTick at = ts_fp_cycles_to_tick(&self->clock, done);
    ev->type = TS_EVENT_COMPUTE_RESPONSE;
    r->cycles = (guint64)cycles;
    ts_port_send_from(port, ev, 0, at);
}

static void unit_handle(TsComponent *self, TsEvent *ev)
{
    ts_unit_dispatch(self, ev, TS_EVENT_COMPUTE_REQUEST, unit_serve);
}

const TsComponentKind ts_mac_array_kind = {
    .name = "mac_array",
    .description = "the compute level's MACs in lockstep: work / MACs per cycle, pipelined",
    .instance_size = sizeof(Unit),
    TS_COMPONENT_KIND_TABLES(mac_params, ports, stats),
    .spec_type = "TsLevel",
    .init = mac_init,
    .setup = unit_setup,
    .handle = unit_handle,
};

const TsComponentKind ts_vector_unit_kind = {
    .name = "vector_unit",
    .description = "lanes running elementwise operations at their per-element cycles",
    .instance_size = sizeof(Unit),
    TS_COMPONENT_KIND_TABLES(vec_params, ports, stats),
    .spec_type = "TsLevel",
    .init = vec_init,
    .setup = unit_setup,
    .handle = unit_handle,
};

void ts_compute_unit_get_stats(const TsComponent *c, TsComputeUnitStats *out)
{
    g_return_if_fail(c != NULL && out != NULL &&
                     (c->kind == &ts_mac_array_kind || c->kind == &ts_vector_unit_kind));
    const Unit *u = TS_COMPONENT_DOWNCAST(const Unit, c);
    *out = u->st;
    out->busy_cycles = (double)u->srv.busy_fp / (double)TS_FP_ONE;
}

double ts_compute_unit_cycles(const TsComponent *c, guint64 work, guint op)
{
    g_return_val_if_fail(
        c != NULL && (c->kind == &ts_mac_array_kind || c->kind == &ts_vector_unit_kind), 0.0);
    return step_cycles(TS_COMPONENT_DOWNCAST(const Unit, c), work, op);
}

double ts_compute_unit_busy_cycles(const TsComponent *c, guint64 work, guint op)
{
    return (double)hold_fp(ts_compute_unit_cycles(c, work, op)) / (double)TS_FP_ONE;
}

int ts_vector_unit_op_index(const TsLevel *l, const char *name)
{
    g_return_val_if_fail(l != NULL && name != NULL, -1);
    if (l->klass != TS_CLASS_VECTOR_UNIT || l->spec == NULL)
        return -1;
    const TsVectorUnitSpec *v = l->spec;
    for (guint i = 0; i < v->n_ops; i++)
        if (strcmp(v->ops[i].op, name) == 0)
            return (int)i;
    return -1;
}
