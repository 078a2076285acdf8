/* Statistics: the JSON dump of a ping-pong run (exact values, registration order, null for
 * empty accumulators), disabled statistics (NULL handles, no-op updates, absent from the
 * dump) and histogram binning. */
#include "test-core.h"

#include <math.h>
#include <string.h>

static JsonObject *stats_of(JsonArray *components, guint i)
{
    JsonObject *c = json_array_get_object_element(components, i);
    return json_object_get_object_member(c, "stats");
}

static void test_stats_json(void)
{
    g_autoptr(TsSim) sim = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    ts_sim_run(sim);
    ts_sim_finish(sim);
    g_autofree char *text = ts_sim_stats_to_json(sim, FALSE);
    g_autoptr(JsonParser) parser = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(parser, text, -1, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    CU_ASSERT_EQUAL(json_object_get_int_member(root, "tick_ps"), 142834);
    CU_ASSERT_EQUAL(json_object_get_int_member(root, "events"), 11);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "status"), "empty");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "queue"), "heap4");
    JsonObject *kernel = json_object_get_object_member(root, "kernel");
    CU_ASSERT_EQUAL(json_object_get_int_member(kernel, "pool_chunk_allocs"), 1);
    CU_ASSERT_EQUAL(json_object_get_int_member(kernel, "pool_live"), 0);
    CU_ASSERT_EQUAL(json_object_get_int_member(kernel, "queue_pushes"), 11);

    JsonArray *comps = json_object_get_array_member(root, "components");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(comps), 2);
    JsonObject *c0 = json_array_get_object_element(comps, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(c0, "path"), "pp.ping");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(c0, "kind"), "pingpong");
    CU_ASSERT_EQUAL(json_object_get_int_member(c0, "freq_hz"), 1000000000);

    JsonObject *s0 = stats_of(comps, 0);
    JsonObject *sent = json_object_get_object_member(s0, "sent");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(sent, "type"), "counter");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(sent, "unit"), "messages");
    CU_ASSERT_EQUAL(json_object_get_int_member(sent, "value"), 3);
    JsonObject *rtt = json_object_get_object_member(s0, "rtt_ps");
    CU_ASSERT_EQUAL(json_object_get_int_member(rtt, "count"), 3);
    CU_ASSERT_EQUAL(json_object_get_double_member(rtt, "sum"), 137501.0);
    CU_ASSERT_EQUAL(json_object_get_double_member(rtt, "min"), 45500.0);
    CU_ASSERT_EQUAL(json_object_get_double_member(rtt, "max"), 46167.0);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(rtt, "mean"), 137501.0 / 3, 1e-9);
    JsonObject *hist = json_object_get_object_member(s0, "rtt_hist");
    JsonArray *bins = json_object_get_array_member(hist, "bins");
    /* 1 ns bins from 45 ns: 45500 and 45834 in bin 0, 46167 in bin 1 */
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(bins), 4);
    CU_ASSERT_EQUAL(json_array_get_int_element(bins, 0), 2);
    CU_ASSERT_EQUAL(json_array_get_int_element(bins, 1), 1);
    CU_ASSERT_EQUAL(json_array_get_int_element(bins, 2), 0);
    CU_ASSERT_EQUAL(json_object_get_int_member(hist, "underflow"), 0);

    /* registration order, never hash order: sent, received, rtt_ps, rtt_hist */
    g_autoptr(GList) names = json_object_get_members(s0);
    const char *want[] = {"sent", "received", "rtt_ps", "rtt_hist"};
    guint i = 0;
    for (GList *l = names; l; l = l->next, i++)
        CU_ASSERT_STRING_EQUAL(l->data, i < 4 ? want[i] : "?");
    CU_ASSERT_EQUAL(i, 4);
    const char *p1 = strstr(text, "\"sent\""), *p2 = strstr(text, "\"received\""),
               *p3 = strstr(text, "\"rtt_ps\""), *p4 = strstr(text, "\"rtt_hist\"");
    CU_ASSERT_TRUE(p1 && p2 && p3 && p4 && p1 < p2 && p2 < p3 && p3 < p4);

    /* the pong side registered only its counters */
    JsonObject *s1 = stats_of(comps, 1);
    CU_ASSERT_EQUAL(json_object_get_size(s1), 2);
    CU_ASSERT_EQUAL(
        json_object_get_int_member(json_object_get_object_member(s1, "received"), "value"), 3);

    /* links: one entry per direction */
    JsonArray *links = json_object_get_array_member(root, "links");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(links), 2);
    JsonObject *l0 = json_array_get_object_element(links, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(l0, "from"), "pp.ping:link");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(l0, "to"), "pp.pong:link");
    CU_ASSERT_EQUAL(json_object_get_int_member(l0, "transfers"), 3);
    CU_ASSERT_EQUAL(json_object_get_int_member(l0, "bytes"), 192);
    CU_ASSERT_EQUAL(json_object_get_int_member(l0, "busy_ps"), 96000);

    /* the same run serialises identically */
    g_autoptr(TsSim) again = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    ts_sim_run(again);
    g_autofree char *text2 = ts_sim_stats_to_json(again, FALSE);
    CU_ASSERT_STRING_EQUAL(text, text2);
}

/* A double json-glib 1.6 writes invalid (3e-09 as "3e-09.0") comes out as valid JSON. */
static void test_stats_json_small_double(void)
{
    g_autoptr(TsSim) sim = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    TestPingPong *ping = TS_COMPONENT_DOWNCAST(TestPingPong, ts_sim_find_component(sim, "pp.ping"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ping->rtt);
    ts_accumulator_add(ping->rtt, 3e-09); /* the accumulator's min */
    ts_sim_run(sim);
    for (int pretty = 0; pretty < 2; pretty++) {
        g_autofree char *text = ts_sim_stats_to_json(sim, pretty);
        CU_ASSERT_PTR_NULL(strstr(text, "e-09.0"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "3e-09"));
        g_autoptr(JsonParser) parser = json_parser_new();
        CU_ASSERT_TRUE(json_parser_load_from_data(parser, text, -1, NULL));
    }
}

static void test_stats_disabled(void)
{
    g_autoptr(TsSim) sim = test_pingpong_sim(3, TS_EVQ_DEFAULT, TRUE);
    TestPingPong *ping = TS_COMPONENT_DOWNCAST(TestPingPong, ts_sim_find_component(sim, "pp.ping"));
    /* disabled: a NULL handle; the inline updates test that one pointer and do nothing */
    CU_ASSERT_PTR_NULL(ping->rtt_hist);
    CU_ASSERT_PTR_NOT_NULL(ping->rtt);
    ts_histogram_add(NULL, 1.0);
    ts_counter_add(NULL, 5);
    ts_counter_inc(NULL);
    ts_accumulator_add(NULL, 2.0);
    ts_sim_run(sim);
    CU_ASSERT_EQUAL(ts_sim_now(sim), 142834);
    g_autofree char *text = ts_sim_stats_to_json(sim, TRUE);
    CU_ASSERT_PTR_NULL(strstr(text, "rtt_hist"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "rtt_ps"));

    /* rules apply in order, the last match wins */
    g_autoptr(TsSim) s2 = ts_sim_new();
    ts_sim_enable_stats(s2, "*", FALSE);
    ts_sim_enable_stats(s2, "keep.*", TRUE);
    TsComponent *keep = ts_sim_add_component(s2, &test_recorder_kind, "keep", NULL, NULL);
    TsComponent *drop = ts_sim_add_component(s2, &test_recorder_kind, "drop", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(TS_COMPONENT_DOWNCAST(TestRecorder, keep)->events);
    CU_ASSERT_PTR_NULL(TS_COMPONENT_DOWNCAST(TestRecorder, drop)->events);
    /* registering twice hands back the same statistic */
    CU_ASSERT_PTR_EQUAL(ts_component_counter(keep, "events"),
                        TS_COMPONENT_DOWNCAST(TestRecorder, keep)->events);
}

static void test_stat_set_direct(void)
{
    static const TsStatSpec specs[] = {
        {"lat", TS_STAT_ACCUMULATOR, "ps", ""},
        {"h", TS_STAT_HISTOGRAM, "bytes", ""},
        {"n", TS_STAT_COUNTER, "events", ""},
    };
    g_autoptr(TsStatSet) set = ts_stat_set_new();
    TsAccumulator *a = ts_stat_set_add_accumulator(set, &specs[0]);
    TsHistogram *h = ts_stat_set_add_histogram(set, &specs[1], 0, 10, 3);
    TsCounter *n = ts_stat_set_add_counter(set, &specs[2]);
    CU_ASSERT_EQUAL(ts_stat_set_size(set), 3);
    CU_ASSERT_PTR_EQUAL(ts_stat_spec_find(specs, 3, "h"), &specs[1]);
    const double xs[] = {-1, 0, 9.99, 10, 29.99, 30, 1e9};
    for (guint i = 0; i < G_N_ELEMENTS(xs); i++)
        ts_histogram_add(h, xs[i]);
    CU_ASSERT_EQUAL(h->underflow, 1);
    CU_ASSERT_EQUAL(h->bins[0], 2);
    CU_ASSERT_EQUAL(h->bins[1], 1);
    CU_ASSERT_EQUAL(h->bins[2], 1);
    CU_ASSERT_EQUAL(h->overflow, 2);
    CU_ASSERT_EQUAL(h->count, 7);
    ts_counter_add(n, 41);
    ts_counter_inc(n);

    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ts_stat_set_to_json(set, b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    /* an empty accumulator reports null, not infinities */
    CU_ASSERT_STRING_EQUAL(
        text, "{\"lat\":{\"type\":\"accumulator\",\"unit\":\"ps\",\"count\":0,\"sum\":0.0,"
              "\"min\":null,\"max\":null,\"mean\":null,\"stddev\":null},"
              "\"h\":{\"type\":\"histogram\",\"unit\":\"bytes\",\"count\":7,\"sum\":1000000078.98,"
              "\"lo\":0.0,\"bin_width\":10.0,\"underflow\":1,\"overflow\":2,\"bins\":[2,1,1]},"
              "\"n\":{\"type\":\"counter\",\"unit\":\"events\",\"value\":42}}");
    ts_accumulator_add(a, 4);
    ts_accumulator_add(a, 8);
    CU_ASSERT_EQUAL(ts_accumulator_mean(a), 6.0);
    ts_stat_set_reset(set);
    CU_ASSERT_EQUAL(n->value, 0);
    CU_ASSERT_EQUAL(a->count, 0);
    CU_ASSERT_EQUAL(h->bins[0], 0);

    /* Counts above 2^63 - 1 stay positive (written as doubles); a non-finite sum is null. */
    ts_counter_add(n, G_GUINT64_CONSTANT(1) << 63);
    ts_accumulator_add(a, INFINITY);
    g_autoptr(JsonBuilder) b2 = json_builder_new();
    json_builder_begin_object(b2);
    ts_stat_set_to_json(set, b2);
    json_builder_end_object(b2);
    g_autoptr(JsonNode) root2 = json_builder_get_root(b2);
    json_generator_set_root(gen, root2);
    g_autofree char *text2 = json_generator_to_data(gen, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(text2, "\"value\":9.2233720368547758e+18"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text2, "\"count\":1,\"sum\":null"));
    CU_ASSERT_PTR_NULL(strstr(text2, "inf"));
}

void test_core_register_stats(void)
{
    CU_pSuite s = CU_add_suite("core_stats", NULL, NULL);
    CU_add_test(s, "stats_json", test_stats_json);
    CU_add_test(s, "stats_json_small_double", test_stats_json_small_double);
    CU_add_test(s, "stats_disabled", test_stats_disabled);
    CU_add_test(s, "stat_set_direct", test_stat_set_direct);
}
