/* The statistics dump: the whole run as one JSON document built with JsonBuilder. Order is
 * creation order for components and links and registration order for statistics (arrays and
 * json-glib's insertion-ordered objects), never hash-table order. */
#include "ts-sim.h"

#include "ts-json-text.h"
#include "ts-sim-private.h"
#include "ts-json-glib.h"

static void member_int(JsonBuilder *b, const char *name, guint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, (gint64)v);
}

static void member_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, v);
}

static void link_dir_json(JsonBuilder *b, const TsLink *l, int d)
{
    const TsPort *from = l->end[d], *to = l->end[1 - d];
    const TsLinkDir *dir = &l->dir[d];
    g_autofree char *f = g_strdup_printf("%s:%s", from->owner->path, from->spec->name);
    g_autofree char *t = g_strdup_printf("%s:%s", to->owner->path, to->spec->name);
    json_builder_begin_object(b);
    member_str(b, "from", f);
    member_str(b, "to", t);
    member_int(b, "latency_ps", l->spec.latency_ps);
    member_int(b, "bw_bytes_per_s", l->spec.bw_bytes_per_s);
    member_int(b, "transfers", dir->transfers);
    member_int(b, "bytes", dir->bytes);
    /* Serialisation time of all transfers, rounded up (0 for unlimited bandwidth). */
    guint64 busy = 0;
    if (l->spec.bw_bytes_per_s)
        busy = (guint64)(((TsU128)dir->bytes * TS_PS_PER_S + l->spec.bw_bytes_per_s - 1) /
                         l->spec.bw_bytes_per_s);
    member_int(b, "busy_ps", busy);
    json_builder_end_object(b);
}

JsonNode *ts_sim_stats_to_json_node(TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, NULL);
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    member_int(b, "tick_ps", sim->now);
    member_int(b, "events", sim->events);
    member_str(b, "status", sim->stop_message ? ts_run_status_name(sim->last_status) : "not_run");
    member_str(b, "queue", ts_evq_kind_name(sim->evq.kind));
    member_int(b, "seed", sim->seed);

    TsSimKernelStats k;
    ts_sim_get_kernel_stats(sim, &k);
    json_builder_set_member_name(b, "kernel");
    json_builder_begin_object(b);
    member_int(b, "pool_capacity", k.pool.capacity);
    member_int(b, "pool_live", k.pool.live);
    member_int(b, "pool_peak_live", k.pool.peak_live);
    member_int(b, "pool_allocs", k.pool.allocs);
    member_int(b, "pool_chunk_allocs", k.pool.chunk_allocs);
    member_int(b, "queue_pending", k.queue.size);
    member_int(b, "queue_peak", k.queue.peak);
    member_int(b, "queue_pushes", k.queue.pushes);
    member_int(b, "queue_renumbers", k.queue.renumbers);
    json_builder_end_object(b);

    json_builder_set_member_name(b, "components");
    json_builder_begin_array(b);
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        json_builder_begin_object(b);
        member_str(b, "path", c->path);
        member_str(b, "kind", c->kind->name);
        if (c->clock.freq_hz)
            member_int(b, "freq_hz", c->clock.freq_hz);
        if (c->clock.period_num) {
            json_builder_set_member_name(b, "period_ps");
            json_builder_add_double_value(b, ts_clock_period_ps(&c->clock));
        }
        json_builder_set_member_name(b, "stats");
        json_builder_begin_object(b);
        ts_stat_set_to_json(c->stats, b);
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    json_builder_set_member_name(b, "links");
    json_builder_begin_array(b);
    for (guint i = 0; i < sim->links->len; i++) {
        const TsLink *l = g_ptr_array_index(sim->links, i);
        link_dir_json(b, l, 0);
        link_dir_json(b, l, 1);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

char *ts_sim_stats_to_json(TsSim *sim, gboolean pretty)
{
    g_return_val_if_fail(sim != NULL, NULL);
    g_autoptr(TsJsonNode) root = ts_sim_stats_to_json_node(sim);
    g_autoptr(TsJsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, pretty);
    json_generator_set_root(gen, root);
    return ts_json_repair_numbers(json_generator_to_data(gen, NULL));
}

gboolean ts_sim_stats_write_json(TsSim *sim, const char *filename, GError **error)
{
    g_return_val_if_fail(sim != NULL && filename != NULL, FALSE);
    g_autofree char *text = ts_sim_stats_to_json(sim, TRUE);
    g_autofree char *with_nl = g_strconcat(text, "\n", NULL);
    return g_file_set_contents(filename, with_nl, -1, error);
}
