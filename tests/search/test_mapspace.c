/* Map space: factorization lists against brute force, the exact size, loop-order classes
 * (counts, required prefixes, and equal cost inside a class under the real model for a GEMM
 * and a sliding-window op), id <-> mapping round trips, keep choices and error messages. */
#include <stdio.h>
#include <string.h>

#include "search-fixture.h"
#include "ts-mapspace.h"
#include "ts-mapspace-private.h"
#include "ts-test.h"

/* ---- Factorizations --------------------------------------------------------------------- */

static void check_dim_against_brute_force(const TsMapSpace *sp, guint d, uint64_t size,
                                          const SxArch *a)
{
    guint S = ts_mapspace_n_slots(sp);
    GArray *all = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    uint32_t cur[TS_SPACE_MAX_SLOTS];
    sx_splits(size, S, 0, cur, all);
    guint expected = 0;
    for (guint r = 0; r < all->len / S; r++) {
        const uint32_t *row = &g_array_index(all, uint32_t, r * S);
        gboolean ok = TRUE;
        for (guint l = 0; l < a->n; l++) {
            uint32_t x = 1, y = 1;
            for (guint s = 0; s < S; s++) {
                guint lv;
                TsSlotKind k;
                ts_mapspace_slot(sp, s, &lv, &k);
                if (lv != l)
                    continue;
                if (k == TS_SLOT_X)
                    x = row[s];
                if (k == TS_SLOT_Y)
                    y = row[s];
            }
            if (x > a->space.level[l].fanout_x || y > a->space.level[l].fanout_y ||
                (x > 1 && y > 1))
                ok = FALSE;
        }
        if (!ok)
            continue;
        expected++;
        CU_ASSERT(ts_mapspace_find_factorization(sp, d, row) >= 0);
    }
    CU_ASSERT_EQUAL(ts_mapspace_n_factorizations(sp, d), expected);
    /* Sorted, distinct, perfect. */
    for (uint32_t f = 0; f < ts_mapspace_n_factorizations(sp, d); f++) {
        const uint32_t *row = ts_mapspace_factorization(sp, d, f);
        uint64_t prod = 1;
        for (guint s = 0; s < S; s++)
            prod *= row[s];
        CU_ASSERT_EQUAL(prod, size);
        if (f > 0) {
            const uint32_t *prev = ts_mapspace_factorization(sp, d, f - 1);
            CU_ASSERT(memcmp(prev, row, S * sizeof(uint32_t)) != 0);
            int c = 0;
            for (guint s = 0; s < S && c == 0; s++)
                c = prev[s] < row[s] ? -1 : prev[s] > row[s] ? 1 : 0;
            CU_ASSERT_EQUAL(c, -1);
        }
    }
    g_array_free(all, TRUE);
}

static void test_factorizations(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 12, 8, 6);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_EQUAL(ts_mapspace_n_slots(sp), 5); /* DRAM t, Buffer t, X, Y, RF t */
    check_dim_against_brute_force(sp, SX_M, 12, &a);
    check_dim_against_brute_force(sp, SX_N, 8, &a);
    check_dim_against_brute_force(sp, SX_K, 6, &a);
}

/* ---- Size ------------------------------------------------------------------------------- */

static void test_size_exact(void)
{
    SxArch a;
    TsOp op;
    g_autoptr(TsMapSpace) sp = sx_space3(&a, &op, 4, 6, 2);
    guint64 total = 0;
    TsMapId id = {0};
    for (id.fact[0] = 0; id.fact[0] < ts_mapspace_n_factorizations(sp, 0); id.fact[0]++)
        for (id.fact[1] = 0; id.fact[1] < ts_mapspace_n_factorizations(sp, 1); id.fact[1]++)
            for (id.fact[2] = 0; id.fact[2] < ts_mapspace_n_factorizations(sp, 2); id.fact[2]++) {
                guint64 n = 1;
                for (guint l = 0; l < 3; l++)
                    n *= ts_mapspace_n_orders(sp, l, ts_mapspace_nonunit_mask(sp, &id, l));
                total += n;
            }
    total *= ts_mapspace_n_keep(sp);
    CU_ASSERT_EQUAL(ts_mapspace_n_keep(sp), 64); /* 2 inner levels x 3 tensors free */
    TsSpaceSize size;
    ts_mapspace_size(sp, &size);
    CU_ASSERT_TRUE(size.exact);
    char buf[32];
    g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, total);
    CU_ASSERT_STRING_EQUAL(size.text, buf);
}

/* ---- Loop-order classes ----------------------------------------------------------------- */

static void test_order_classes_gemm(void)
{
    SxArch a;
    TsOp op;
    g_autoptr(TsMapSpace) sp = sx_space3(&a, &op, 4, 4, 4);
    /* Each GEMM dimension is irrelevant to exactly one tensor: only the innermost loop
     * matters, so 3 loops give 3 classes, 2 loops 2, 1 loop 1. */
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 0, 7), 3);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 0, 3), 2);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 0, 4), 1);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 0, 0), 1);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 1, 7), 3);
    /* The innermost storage level feeds the arithmetic: one class. */
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 2, 7), 1);
    /* Keys: MNK and MKN share the innermost loop M. */
    uint8_t a1[] = {SX_M, SX_N, SX_K}, a2[] = {SX_M, SX_K, SX_N}, a3[] = {SX_N, SX_M, SX_K};
    CU_ASSERT_EQUAL(ts_mapspace_order_key(sp, a1, 3), ts_mapspace_order_key(sp, a2, 3));
    CU_ASSERT_NOT_EQUAL(ts_mapspace_order_key(sp, a1, 3), ts_mapspace_order_key(sp, a3, 3));
}

/* 1-D convolution: Outputs[K,P] += Weights[K,R] * Inputs[P+R] (a sliding window). */
static void conv1d(TsOp *op, uint64_t k, uint64_t p, uint64_t r)
{
    memset(op, 0, sizeof *op);
    op->name = "conv1d";
    op->kind = TS_OP_EINSUM;
    op->count = 1;
    op->n_dims = 3;
    op->dim_names[0] = "K";
    op->dim_names[1] = "P";
    op->dim_names[2] = "R";
    op->dims[0] = k;
    op->dims[1] = p;
    op->dims[2] = r;
    op->n_tensors = 3;
    op->tensors[0] = (TsTensor){.name = "Weights", .n_ranks = 2, .precision = {16, TS_NUM_FP}};
    sx_rank(&op->tensors[0], 0, 0);
    sx_rank(&op->tensors[0], 1, 2);
    op->tensors[1] = (TsTensor){.name = "Inputs", .n_ranks = 1, .precision = {16, TS_NUM_FP}};
    op->tensors[1].ranks[0] = (TsProjection){.n_terms = 2, .dim = {1, 2}, .coef = {1, 1}};
    op->tensors[2] = (TsTensor){
        .name = "Outputs", .n_ranks = 2, .read_write = TRUE, .precision = {16, TS_NUM_FP}};
    sx_rank(&op->tensors[2], 0, 0);
    sx_rank(&op->tensors[2], 1, 1);
    op->output = 2;
    op->macs = k * p * r;
}

static void test_order_classes_window(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    conv1d(&op, 4, 4, 4);
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    /* A sliding window makes every order of a non-innermost level its own class. */
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 0, 7), 6);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 1, 3), 2);
    CU_ASSERT_EQUAL(ts_mapspace_n_orders(sp, 2, 7), 1);
}

/* Every permutation of every level, evaluated by the analytical model: permutations that the
 * space puts in one class (same located id) give bit-identical energy and cycles. */
static void check_classes_equal_cost(const SxArch *a, const TsOp *op, guint samples, guint64 seed)
{
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a->space, op, NULL, NULL);
    g_autoptr(TsModel) model = sx_model(a, op);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    GRand *rng = g_rand_new_with_seed((guint32)seed);
    guint checked = 0, distinct_costs = 0;
    for (guint s = 0; s < samples * 50 && checked < samples; s++) {
        TsMapId id = {0};
        for (guint d = 0; d < op->n_dims; d++)
            id.fact[d] =
                (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_factorizations(sp, d));
        id.keep = (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_keep(sp));
        if (!ts_mapspace_fanout_ok(sp, &id))
            continue;
        TsMapping base;
        CU_ASSERT_TRUE_FATAL(ts_mapspace_build(sp, &id, &base));
        TsCost cost;
        if (ts_model_evaluate(model, &base, &cost) != TS_EVAL_OK)
            continue;
        checked++;
        for (guint l = 0; l < a->n; l++) {
            static const uint8_t perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                                {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
            /* all 6 orders of this level; the first cost seen per class */
            double class_energy[64], class_cycles[64];
            gboolean class_seen[64] = {FALSE};
            GHashTable *energies = g_hash_table_new(g_double_hash, g_double_equal);
            for (guint p = 0; p < 6; p++) {
                TsMapping m = base;
                memcpy(m.level[l].permutation, perms[p], 3);
                TsCost c;
                CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &c), TS_EVAL_OK);
                TsMapId at;
                CU_ASSERT_TRUE_FATAL(ts_mapspace_locate(sp, &m, &at));
                guint k = at.perm[l];
                CU_ASSERT_FATAL(k < 64);
                if (!class_seen[k]) {
                    class_seen[k] = TRUE;
                    class_energy[k] = c.energy_pj;
                    class_cycles[k] = c.cycles;
                    /* the class representative the space builds has that cost too */
                    TsMapping rm;
                    CU_ASSERT_TRUE_FATAL(ts_mapspace_build(sp, &at, &rm));
                    TsCost rc;
                    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &rm, &rc), TS_EVAL_OK);
                    CU_ASSERT_EQUAL(rc.energy_pj, c.energy_pj);
                    CU_ASSERT_EQUAL(rc.cycles, c.cycles);
                } else {
                    CU_ASSERT_EQUAL(class_energy[k], c.energy_pj);
                    CU_ASSERT_EQUAL(class_cycles[k], c.cycles);
                }
                if (!g_hash_table_contains(energies, &c.energy_pj)) {
                    double *e = g_new(double, 1);
                    *e = c.energy_pj;
                    g_hash_table_add(energies, e);
                }
            }
            distinct_costs += g_hash_table_size(energies) > 1;
            GList *keys = g_hash_table_get_keys(energies);
            g_list_free_full(keys, g_free);
            g_hash_table_destroy(energies);
        }
    }
    g_rand_free(rng);
    CU_ASSERT(checked >= samples / 2);
    CU_ASSERT(distinct_costs > 0); /* orders do matter somewhere: the test has teeth */
}

static void test_classes_equal_cost_gemm(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 8, 8, 4);
    check_classes_equal_cost(&a, &op, 200, ts_test_seed(11));
}

static void test_classes_equal_cost_window(void)
{
    SxArch a;
    sx_arch3(&a);
    a.storage[1].size_words = 256;
    a.storage[2].size_words = 32;
    TsOp op;
    conv1d(&op, 4, 8, 3);
    check_classes_equal_cost(&a, &op, 200, ts_test_seed(12));
}

/* ---- Ids -------------------------------------------------------------------------------- */

static void test_build_locate_roundtrip(void)
{
    SxArch a;
    TsOp op;
    g_autoptr(TsMapSpace) sp = sx_space3(&a, &op, 12, 8, 6);
    GRand *rng = g_rand_new_with_seed(7);
    for (guint s = 0; s < 2000; s++) {
        TsMapId id = {0};
        for (guint d = 0; d < 3; d++)
            id.fact[d] =
                (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_factorizations(sp, d));
        id.keep = (uint32_t)g_rand_int_range(rng, 0, (gint32)ts_mapspace_n_keep(sp));
        for (guint l = 0; l < 3; l++) {
            guint n = ts_mapspace_n_orders(sp, l, ts_mapspace_nonunit_mask(sp, &id, l));
            id.perm[l] = (uint16_t)g_rand_int_range(rng, 0, (gint32)n);
        }
        TsMapping m;
        CU_ASSERT_TRUE_FATAL(ts_mapspace_build(sp, &id, &m));
        TsMapId back;
        CU_ASSERT_TRUE(ts_mapspace_locate(sp, &m, &back));
        CU_ASSERT_EQUAL(ts_mapid_compare(sp, &id, &back), 0);
        /* the mapping is a perfect factorization with valid permutations */
        for (guint d = 0; d < 3; d++) {
            uint64_t p = 1;
            for (guint l = 0; l < 3; l++)
                p *= (uint64_t)m.level[l].temporal[d] * m.level[l].spatial_x[d] *
                     m.level[l].spatial_y[d];
            CU_ASSERT_EQUAL(p, op.dims[d]);
        }
        CU_ASSERT_EQUAL(m.level[0].keep, 7);
    }
    g_rand_free(rng);
    TsMapId x = {.fact = {1, 2, 3}, .keep = 4, .perm = {0, 1, 0}};
    g_autofree char *text = ts_mapid_to_string(sp, &x);
    CU_ASSERT_STRING_EQUAL(text, "f=1.2.3 k=4 p=0.1.0");
    TsMapId y = x;
    y.perm[1] = 2;
    CU_ASSERT(ts_mapid_compare(sp, &x, &y) < 0);
    y = x;
    y.fact[2] = 0;
    CU_ASSERT(ts_mapid_compare(sp, &x, &y) > 0);
}

/* ---- Rules ------------------------------------------------------------------------------ */

static void test_rules_shape_space(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 12, 8, 6);
    TsRules rules;
    ts_rules_init(&rules, &a.space, &op);
    rules.level[1].temporal[SX_M].exact = 3;
    rules.level[1].spatial[SX_N].min = 2;
    rules.level[1].axis[SX_N] = TS_AXIS_Y;
    rules.level[1].perm[0] = SX_K;
    rules.level[1].perm[1] = SX_M;
    rules.level[1].n_perm = 2;
    rules.level[2].keep = 1u << SX_W;
    rules.level[2].bypass = 1u << SX_O;
    rules.level[1].bypass = 1u << SX_I;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, &rules, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_EQUAL(ts_mapspace_n_keep(sp), 8); /* Buffer: W, O free; RF: I free */
    for (uint32_t f = 0; f < ts_mapspace_n_factorizations(sp, SX_M); f++)
        CU_ASSERT_EQUAL(ts_mapspace_factorization(sp, SX_M, f)[1], 3);
    /* Every point satisfies the rules. */
    TsMapId id = {0};
    guint n = 0;
    for (id.fact[0] = 0; id.fact[0] < ts_mapspace_n_factorizations(sp, 0); id.fact[0]++)
        for (id.fact[1] = 0; id.fact[1] < ts_mapspace_n_factorizations(sp, 1); id.fact[1]++)
            for (id.fact[2] = 0; id.fact[2] < ts_mapspace_n_factorizations(sp, 2); id.fact[2]++)
                for (id.keep = 0; id.keep < ts_mapspace_n_keep(sp); id.keep++) {
                    guint cnt[3];
                    for (guint l = 0; l < 3; l++)
                        cnt[l] = ts_mapspace_n_orders(sp, l, ts_mapspace_nonunit_mask(sp, &id, l));
                    for (id.perm[0] = 0; id.perm[0] < cnt[0]; id.perm[0]++)
                        for (id.perm[1] = 0; id.perm[1] < cnt[1]; id.perm[1]++) {
                            TsMapping m;
                            CU_ASSERT_TRUE_FATAL(ts_mapspace_build(sp, &id, &m));
                            GString *why = g_string_new(NULL);
                            gboolean ok = ts_rules_check(&rules, &a.space, &op, &m, why);
                            if (!ok)
                                fprintf(stderr, "violation: %s", why->str);
                            CU_ASSERT_TRUE(ok);
                            g_string_free(why, TRUE);
                            CU_ASSERT_EQUAL(m.level[1].permutation[0], SX_K);
                            CU_ASSERT_EQUAL(m.level[1].permutation[1], SX_M);
                            CU_ASSERT(m.level[1].spatial_x[SX_N] == 1);
                            CU_ASSERT(m.level[1].spatial_y[SX_N] >= 2);
                            n++;
                        }
                }
    CU_ASSERT(n > 100);
    /* A mapping breaking a rule is reported. */
    TsMapping bad;
    TsMapId first = {0};
    CU_ASSERT_TRUE_FATAL(ts_mapspace_build(sp, &first, &bad));
    bad.level[1].temporal[SX_M] = 6;
    GString *why = g_string_new(NULL);
    CU_ASSERT_FALSE(ts_rules_check(&rules, &a.space, &op, &bad, why));
    CU_ASSERT_PTR_NOT_NULL(strstr(why->str, "Buffer: temporal M=6, constraint M=3"));
    g_string_free(why, TRUE);
}

static void test_errors(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 12, 8, 6);
    TsRules rules;
    ts_rules_init(&rules, &a.space, &op);
    rules.level[0].temporal[SX_M].exact = 5;
    g_autoptr(GError) error = NULL;
    TsMapSpace *sp = ts_mapspace_new(&a.space, &op, &rules, &error);
    CU_ASSERT_PTR_NULL(sp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message,
                                  "no factorization of dimension M (size 12) satisfies the "
                                  "constraints: DRAM temporal M=5"));
    g_clear_error(&error);

    /* A rule on one axis only (a v0.4 container spanning X) is named too. */
    ts_rules_init(&rules, &a.space, &op);
    rules.level[1].spatial_x[SX_M].min = 3; /* the Buffer's X fan-out is 2 */
    sp = ts_mapspace_new(&a.space, &op, &rules, &error);
    CU_ASSERT_PTR_NULL(sp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (strstr(error->message, "Buffer spatial X M>=3") == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message,
                                  "no factorization of dimension M (size 12) satisfies the "
                                  "constraints: Buffer spatial X M>=3"));
    g_clear_error(&error);

    /* A constraint may bypass a tensor at the outermost level (Timeloop's backing store). */
    ts_rules_init(&rules, &a.space, &op);
    rules.level[0].bypass = 1u << SX_I;
    sp = ts_mapspace_new(&a.space, &op, &rules, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_EQUAL(ts_mapspace_keep_mask(sp, 0, 0), (1u << SX_W) | (1u << SX_O));
    ts_mapspace_free(sp);

    TsOp ew = op;
    ew.kind = TS_OP_ELEMENTWISE;
    sp = ts_mapspace_new(&a.space, &ew, NULL, &error);
    CU_ASSERT_PTR_NULL(sp);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "is not an einsum"));
}

static void test_fanout_and_utilization(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 4, 4, 4);
    TsRules rules;
    ts_rules_init(&rules, &a.space, &op);
    rules.min_compute_utilization = 1.0; /* all 4 PEs */
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, &rules, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    TsMapId id = {0};
    guint ok = 0, total = 0;
    for (id.fact[0] = 0; id.fact[0] < ts_mapspace_n_factorizations(sp, 0); id.fact[0]++)
        for (id.fact[1] = 0; id.fact[1] < ts_mapspace_n_factorizations(sp, 1); id.fact[1]++)
            for (id.fact[2] = 0; id.fact[2] < ts_mapspace_n_factorizations(sp, 2); id.fact[2]++) {
                total++;
                TsMapping m;
                ts_mapspace_build(sp, &id, &m);
                uint64_t x = 1, y = 1;
                for (guint d = 0; d < 3; d++) {
                    x *= m.level[1].spatial_x[d];
                    y *= m.level[1].spatial_y[d];
                }
                gboolean want = x <= 2 && y <= 2 && x * y == 4;
                CU_ASSERT_EQUAL(ts_mapspace_fanout_ok(sp, &id), want);
                ok += want;
            }
    CU_ASSERT(ok > 0 && ok < total);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("mapspace", NULL, NULL);
    CU_add_test(s, "factorizations vs brute force", test_factorizations);
    CU_add_test(s, "exact size", test_size_exact);
    CU_add_test(s, "order classes (GEMM)", test_order_classes_gemm);
    CU_add_test(s, "order classes (sliding window)", test_order_classes_window);
    CU_add_test(s, "one cost per class (GEMM, model)", test_classes_equal_cost_gemm);
    CU_add_test(s, "one cost per class (window, model)", test_classes_equal_cost_window);
    CU_add_test(s, "build/locate round trip", test_build_locate_roundtrip);
    CU_add_test(s, "rules shape the space", test_rules_shape_space);
    CU_add_test(s, "errors", test_errors);
    CU_add_test(s, "fan-out and utilization", test_fanout_and_utilization);
    return ts_test_run(argc, argv);
}
