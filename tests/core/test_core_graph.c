/* Graph building and parameters: unknown port, double connection, dangling required port,
 * unknown / mistyped / missing / out-of-range parameters, bad and duplicate names, unknown
 * component, failing init, phase errors. Each checks the GError domain, code and the exact
 * message, which must name the component path and the port or key. */
#include "test-core.h"

#include <string.h>

static const TsLinkSpec link_1ns = {.latency_ps = 1000, .bw_bytes_per_s = 0};

static void test_unknown_port(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *a = ts_sim_add_component(sim, &test_driver_kind, "chip.a", NULL, NULL);
    TsComponent *b = ts_sim_add_component(sim, &test_recorder_kind, "chip.b", NULL, NULL);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_sim_connect(sim, a, "lnk", b, "in", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_UNKNOWN_PORT,
                 "chip.a: unknown port 'lnk' for kind 'driver' (ports: link)");
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_sim_connect(sim, a, "link", b, "out", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_UNKNOWN_PORT,
                 "chip.b: unknown port 'out' for kind 'recorder' (ports: in)");
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_sim_connect_paths(sim, "chip.a", "link", "chip.c", "in", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_UNKNOWN_COMPONENT,
                 "chip.c: no such component (connecting chip.a:link to chip.c:in)");
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_sim_connect(sim, a, "link", a, "link", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_INVALID, "chip.a:link: cannot connect a port to itself");
    g_clear_error(&error);
    TsLinkSpec huge = {.latency_ps = 0, .bw_bytes_per_s = G_GUINT64_CONSTANT(1) << 51};
    CU_ASSERT_FALSE(ts_sim_connect(sim, a, "link", b, "in", &huge, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID));
}

static void test_double_connection(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *a = ts_sim_add_component(sim, &test_driver_kind, "chip.a", NULL, NULL);
    TsComponent *b = ts_sim_add_component(sim, &test_driver_kind, "chip.b", NULL, NULL);
    TsComponent *c = ts_sim_add_component(sim, &test_recorder_kind, "chip.pe[3][7].rf", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_sim_connect(sim, a, "link", b, "link", &link_1ns, &error));
    CU_ASSERT_FALSE(ts_sim_connect(sim, a, "link", c, "in", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PORT_CONNECTED,
                 "chip.a:link is already connected to chip.b:link; cannot also connect it to "
                 "chip.pe[3][7].rf:in");
    g_clear_error(&error);
    /* the second end already taken */
    CU_ASSERT_FALSE(ts_sim_connect(sim, c, "in", b, "link", &link_1ns, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PORT_CONNECTED,
                 "chip.b:link is already connected to chip.a:link; cannot also connect it to "
                 "chip.pe[3][7].rf:in");
    CU_ASSERT_FALSE(ts_port_is_connected(ts_component_port(c, 0)));
}

static void test_dangling_required(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *p = ts_sim_add_component(sim, &test_pingpong_kind, "x.p", NULL, NULL);
    TsComponent *q = ts_sim_add_component(sim, &test_pingpong_kind, "x.q", NULL, NULL);
    TsComponent *r = ts_sim_add_component(sim, &test_pingpong_kind, "x.r", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_sim_build(sim, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PORT_UNCONNECTED,
                 "required ports not connected: x.p:link, x.q:link, x.r:link");
    g_clear_error(&error);
    CU_ASSERT_TRUE(ts_sim_connect(sim, p, "link", q, "link", &link_1ns, NULL));
    CU_ASSERT_FALSE(ts_sim_build(sim, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PORT_UNCONNECTED, "required port not connected: x.r:link");
    g_clear_error(&error);
    /* optional ports may dangle */
    g_autoptr(TsSim) sim2 = ts_sim_new();
    ts_sim_add_component(sim2, &test_driver_kind, "lonely", NULL, NULL);
    CU_ASSERT_TRUE(ts_sim_build(sim2, &error));
    CU_ASSERT_FALSE(ts_sim_build(sim2, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_STATE, "ts_sim_build called twice");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim2, &test_driver_kind, "late", NULL, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_STATE, "late: components cannot be added after ts_sim_build");
}

static void test_params_errors(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_int(p, "depth", 8);
    ts_params_set_int(p, "depht", 3);
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", p, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_UNKNOWN_PARAM,
                 "chip.a: unknown parameter 'depht' for kind 'driver' (known: depth, scale, mode)");
    g_clear_error(&error);
    /* the origin of a key prefixes the message (as the YAML loader will record it) */
    ts_params_set_origin(p, "depht", "arch/x.yaml:12:5");
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", p, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_UNKNOWN_PARAM,
                 "arch/x.yaml:12:5: chip.a: unknown parameter 'depht' for kind 'driver' (known: "
                 "depth, scale, mode)");
    g_clear_error(&error);

    g_autoptr(TsParams) t = ts_params_new();
    ts_params_set_string(t, "depth", "deep");
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", t, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PARAM_TYPE,
                 "chip.a: parameter 'depth' expects int, got string \"deep\"");
    g_clear_error(&error);
    ts_params_set_double(t, "depth", 2.5);
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", t, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PARAM_TYPE,
                 "chip.a: parameter 'depth' expects int, got double 2.5");
    g_clear_error(&error);
    ts_params_set_int(t, "depth", 5000);
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", t, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PARAM_RANGE,
                 "chip.a: parameter 'depth' must be in [1, 1024] entries (got 5000)");
    g_clear_error(&error);

    /* required parameter (no default) */
    static const TsParamSpec req_params[] = {
        {"size_bytes", TS_PARAM_INT, "bytes", NULL, 0, 0, "required"}};
    TsComponentKind req = test_recorder_kind;
    req.name = "needs_size";
    req.params = req_params;
    req.n_params = 1;
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &req, "mem", NULL, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_PARAM_MISSING,
                 "mem: required parameter 'size_bytes' (int, bytes) of kind 'needs_size' is "
                 "missing");
    g_clear_error(&error);

    /* init's own error gets the path prefix; the name stays free */
    g_autoptr(TsParams) f = ts_params_new();
    ts_params_set_string(f, "mode", "fail");
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_driver_kind, "chip.a", f, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_INVALID, "chip.a: mode 'fail' requested");
    g_clear_error(&error);
    CU_ASSERT_EQUAL(ts_sim_n_components(sim), 0);
    CU_ASSERT_PTR_NULL(ts_sim_find_component(sim, "chip.a"));
}

static void test_params_resolve(void)
{
    /* int promoted to double, integral double accepted for int, defaults filled, spec order */
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_string(p, "mode", "slow");
    ts_params_set_int(p, "scale", 3);
    ts_params_set_double(p, "depth", 16.0);
    static const TsParamSpec specs[] = {
        {"depth", TS_PARAM_INT, "entries", "4", 1, 1024, ""},
        {"scale", TS_PARAM_DOUBLE, "", "1.5", 0, 0, ""},
        {"mode", TS_PARAM_STRING, "", "fast", 0, 0, ""},
        {"enabled", TS_PARAM_BOOL, "", "true", 0, 0, ""},
        {"latency_ps", TS_PARAM_INT, "ps", "0x10", 0, 0, ""},
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(TsParams) r = ts_params_resolve(p, specs, G_N_ELEMENTS(specs), "c", "k", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_EQUAL(ts_params_size(r), 5);
    CU_ASSERT_STRING_EQUAL(ts_params_key(r, 0), "depth");
    CU_ASSERT_STRING_EQUAL(ts_params_key(r, 4), "latency_ps");
    CU_ASSERT_EQUAL(ts_params_get_int(r, "depth"), 16);
    CU_ASSERT_EQUAL(ts_params_get_double(r, "scale"), 3.0);
    CU_ASSERT_STRING_EQUAL(ts_params_get_string(r, "mode"), "slow");
    CU_ASSERT_TRUE(ts_params_get_bool(r, "enabled"));
    CU_ASSERT_EQUAL(ts_params_get_int(r, "latency_ps"), 16);
    /* replacing keeps the position */
    ts_params_set_int(p, "mode", 1);
    CU_ASSERT_STRING_EQUAL(ts_params_key(p, 0), "mode");
    TsParamType ty;
    CU_ASSERT_TRUE(ts_params_type(p, "mode", &ty));
    CU_ASSERT_EQUAL(ty, TS_PARAM_INT);
    g_autoptr(TsParams) c = ts_params_copy(p);
    CU_ASSERT_EQUAL(ts_params_size(c), 3);
    CU_ASSERT_FALSE(ts_params_has(c, "nope"));
}

static void test_names(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(GError) error = NULL;
    const char *good[] = {"a", "chip.pe[3][7].rf", "GlobalBuffer", "x_1.y-2[0]"};
    for (guint i = 0; i < G_N_ELEMENTS(good); i++)
        CU_ASSERT_PTR_NOT_NULL(ts_sim_add_component(sim, &test_recorder_kind, good[i], NULL, NULL));
    const char *bad[] = {"", "a..b", ".a", "a.", "pe[3", "pe[]", "pe[x]", "3pe", "a b", "pe[1]x"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &test_recorder_kind, bad[i], NULL, &error));
        CU_ASSERT_TRUE(g_error_matches(error, TS_CORE_ERROR, TS_CORE_ERROR_BAD_NAME));
        g_clear_error(&error);
    }
    CU_ASSERT_PTR_NULL(
        ts_sim_add_component(sim, &test_driver_kind, "chip.pe[3][7].rf", NULL, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_DUPLICATE_NAME,
                 "chip.pe[3][7].rf: a component of kind 'recorder' already has this path");
    TsComponent *c = ts_sim_find_component(sim, "chip.pe[3][7].rf");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->path, "chip.pe[3][7].rf");
    CU_ASSERT_EQUAL(c->id, 1);
    CU_ASSERT_PTR_EQUAL(ts_sim_component(sim, 1), c);
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_component_set_clock(c, 0, &error));
    ASSERT_ERROR(error, TS_CORE_ERROR_INVALID,
                 "chip.pe[3][7].rf: clock frequency must be in 1 Hz .. 1 THz (got 0 Hz)");
}

static void test_seed_derivation(void)
{
    /* fixed by documentation: changing these changes every seeded result */
    CU_ASSERT_EQUAL(ts_mix64(0), G_GUINT64_CONSTANT(0xe220a8397b1dcdaf));
    CU_ASSERT_NOT_EQUAL(ts_seed_derive(1, "a"), ts_seed_derive(1, "b"));
    CU_ASSERT_NOT_EQUAL(ts_seed_derive(1, "a"), ts_seed_derive(2, "a"));
    CU_ASSERT_EQUAL(ts_seed_derive(1, "a"), ts_seed_derive(1, "a"));
    g_autoptr(gsl_rng) r1 = ts_rng_new(42, "chip.pe[0]");
    g_autoptr(gsl_rng) r2 = ts_rng_new(42, "chip.pe[0]");
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r1), "mt19937");
    for (int i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(gsl_rng_get(r1), gsl_rng_get(r2));
}

void test_core_register_graph(void)
{
    CU_pSuite s = CU_add_suite("core_graph", NULL, NULL);
    CU_add_test(s, "unknown_port", test_unknown_port);
    CU_add_test(s, "double_connection", test_double_connection);
    CU_add_test(s, "dangling_required", test_dangling_required);
    CU_add_test(s, "params_errors", test_params_errors);
    CU_add_test(s, "params_resolve", test_params_resolve);
    CU_add_test(s, "names", test_names);
    CU_add_test(s, "seed_derivation", test_seed_derivation);
}
