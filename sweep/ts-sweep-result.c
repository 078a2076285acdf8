/* Results of one design point: statuses, objectives, and an exact binary round trip
 * (GVariant: doubles travel as their bits) for results sent from MPI worker ranks to rank 0. */
#include <string.h>

#include "ts-sweep.h"

static const char *const kStatus[] = {"pending", "ok", "invalid", "unmapped"};

const char *ts_sweep_status_name(TsSweepStatus status)
{
    g_return_val_if_fail((guint)status < G_N_ELEMENTS(kStatus), "?");
    return kStatus[status];
}

gboolean ts_sweep_status_from_name(const char *name, TsSweepStatus *status)
{
    for (guint i = 0; i < G_N_ELEMENTS(kStatus); i++) {
        if (g_strcmp0(name, kStatus[i]) == 0) {
            *status = (TsSweepStatus)i;
            return TRUE;
        }
    }
    return FALSE;
}

void ts_sweep_result_init(TsSweepResult *r, guint point)
{
    g_return_if_fail(r != NULL);
    memset(r, 0, sizeof *r);
    r->point = point;
    r->status = TS_SWEEP_PENDING;
    r->area_um2 = NAN;
    r->des_cycles = r->des_latency_s = r->des_energy_pj = r->des_diff = NAN;
}

void ts_sweep_result_clear(TsSweepResult *r)
{
    if (r == NULL)
        return;
    for (guint i = 0; i < r->n_ops; i++) {
        TsSweepOp *o = &r->ops[i];
        g_free(o->name);
        g_free(o->kind);
        g_free(o->bound);
        g_free(o->mapping);
        g_free(o->des_bound);
        g_free(o->des_not_run);
    }
    g_free(r->des_bound);
    g_free(r->des_not_run);
    g_free(r->ops);
    g_free(r->reason);
    ts_sweep_result_init(r, r->point);
}

double ts_sweep_result_objective(const TsSweepResult *r, TsSweepObjective objective)
{
    g_return_val_if_fail(r != NULL, NAN);
    if (r->status != TS_SWEEP_OK)
        return NAN;
    switch (objective) {
    case TS_SWEEP_OBJ_ENERGY:
        return r->energy_pj;
    case TS_SWEEP_OBJ_LATENCY:
        return r->latency_s;
    case TS_SWEEP_OBJ_CYCLES:
        return r->cycles;
    case TS_SWEEP_OBJ_EDP:
        return r->edp_j_cycles;
    case TS_SWEEP_OBJ_AREA:
        return r->area_um2;
    case TS_SWEEP_OBJ_DES_LATENCY:
        return r->des_latency_s;
    case TS_SWEEP_OBJ_DES_CYCLES:
        return r->des_cycles;
    case TS_SWEEP_OBJ_COUNT_:
        break;
    }
    return NAN;
}

#define OP_TYPE "(ststddddsttmsdddmsms)"
#define RESULT_TYPE "(uumsddddddddddddmsmstdduia" OP_TYPE ")"

GBytes *ts_sweep_result_serialize(const TsSweepResult *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    GVariantBuilder ops;
    g_variant_builder_init(&ops, G_VARIANT_TYPE("a" OP_TYPE));
    for (guint i = 0; i < r->n_ops; i++) {
        const TsSweepOp *o = &r->ops[i];
        g_variant_builder_add(&ops, OP_TYPE, o->name, (guint64)o->count, o->kind, (guint64)o->macs,
                              o->energy_pj, o->cycles, o->latency_s, o->utilization,
                              o->bound ? o->bound : "", (guint64)o->evaluated, (guint64)o->valid,
                              o->mapping, o->des_cycles, o->des_latency_s, o->des_energy_pj,
                              o->des_bound, o->des_not_run);
    }
    GVariant *v = g_variant_new(
        RESULT_TYPE, r->point, (guint32)r->status, r->reason, r->energy_pj, r->cycles, r->latency_s,
        r->macs, r->utilization, r->edp_j_cycles, r->pj_per_mac, r->area_um2, r->des_cycles,
        r->des_latency_s, r->des_energy_pj, r->des_diff, r->des_bound, r->des_not_run,
        (guint64)r->des_events, r->seconds, r->des_seconds, r->cache_hits, (gint32)r->rank, &ops);
    g_variant_ref_sink(v);
    GBytes *bytes = g_variant_get_data_as_bytes(v);
    g_variant_unref(v);
    return bytes;
}

gboolean ts_sweep_result_deserialize(GBytes *bytes, TsSweepResult *r, GError **error)
{
    g_return_val_if_fail(bytes != NULL && r != NULL, FALSE);
    GVariant *v = g_variant_new_from_bytes(G_VARIANT_TYPE(RESULT_TYPE), bytes, FALSE);
    g_variant_ref_sink(v);
    if (!g_variant_is_normal_form(v)) {
        g_variant_unref(v);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "malformed point result (%" G_GSIZE_FORMAT " bytes)", g_bytes_get_size(bytes));
        return FALSE;
    }
    guint32 point = 0, status = 0, hits = 0;
    gint32 rank = 0;
    GVariantIter *ops = NULL;
    char *reason = NULL;
    guint64 events = 0;
    ts_sweep_result_init(r, 0);
    g_variant_get(v, RESULT_TYPE, &point, &status, &reason, &r->energy_pj, &r->cycles,
                  &r->latency_s, &r->macs, &r->utilization, &r->edp_j_cycles, &r->pj_per_mac,
                  &r->area_um2, &r->des_cycles, &r->des_latency_s, &r->des_energy_pj, &r->des_diff,
                  &r->des_bound, &r->des_not_run, &events, &r->seconds, &r->des_seconds, &hits,
                  &rank, &ops);
    r->des_events = events;
    r->point = point;
    r->status = status <= TS_SWEEP_UNMAPPED ? (TsSweepStatus)status : TS_SWEEP_INVALID;
    r->reason = reason;
    r->cache_hits = hits;
    r->rank = rank;
    r->n_ops = (guint)g_variant_iter_n_children(ops);
    r->ops = g_new0(TsSweepOp, MAX(r->n_ops, 1u));
    for (guint i = 0; i < r->n_ops; i++) {
        TsSweepOp *o = &r->ops[i];
        guint64 count = 0, macs = 0, ev = 0, valid = 0;
        g_variant_iter_next(ops, OP_TYPE, &o->name, &count, &o->kind, &macs, &o->energy_pj,
                            &o->cycles, &o->latency_s, &o->utilization, &o->bound, &ev, &valid,
                            &o->mapping, &o->des_cycles, &o->des_latency_s, &o->des_energy_pj,
                            &o->des_bound, &o->des_not_run);
        o->count = count;
        o->macs = macs;
        o->evaluated = ev;
        o->valid = valid;
    }
    g_variant_iter_free(ops);
    g_variant_unref(v);
    return TRUE;
}
