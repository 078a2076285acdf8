/* Fixtures for the map-space and search suites, built in code: small storage hierarchies (as
 * TsSpaceArch for the map space and as TsLevel records for the analytical model), GEMM ops,
 * a deterministic fake cost function that honours the search's contract (validity does not
 * depend on loop order), and a brute-force enumerator of every mapping of a space's arch. */
#ifndef TS_SEARCH_FIXTURE_H
#define TS_SEARCH_FIXTURE_H

#include <CUnit/CUnit.h>
#include <string.h>

#include "ts-model.h"
#include "ts-search.h"

#include "ts-test-ops.h"

enum { SX_M = TS_TEST_DIM_M, SX_N = TS_TEST_DIM_N, SX_K = TS_TEST_DIM_K };
enum { SX_W = TS_TEST_WEIGHTS, SX_I = TS_TEST_INPUTS, SX_O = TS_TEST_OUTPUTS };

#define SX_MAX_LEVELS 4

typedef struct {
    guint n;
    TsLevel storage[SX_MAX_LEVELS];
    TsLevel mac;
    TsSpaceArch space;
} SxArch;

#define sx_rank ts_test_rank

/* Outputs[M,N] += Inputs[M,K] * Weights[K,N], 16-bit. */
static inline void sx_gemm(TsOp *op, uint64_t m, uint64_t n, uint64_t k)
{
    ts_test_gemm(op, m, n, k);
}

static inline TsLevel sx_level(const char *name, TsClass klass, uint32_t instances, uint32_t fx,
                               uint32_t fy, uint64_t size, uint32_t block, double pj, double bw)
{
    return (TsLevel){.name = name,
                     .klass = klass,
                     .is_storage = TRUE,
                     .instances = instances,
                     .mesh_x = 1,
                     .mesh_y = 1,
                     .fanout_x = fx,
                     .fanout_y = fy,
                     .size_words = size,
                     .word_bits = 16,
                     .block_size = block,
                     .cluster_size = 1,
                     .read_bw_words_per_cycle = bw,
                     .write_bw_words_per_cycle = bw,
                     .multiple_buffering = 1.0,
                     .energy = {.read_pj = pj, .write_pj = pj, .update_pj = pj, .source = "test"}};
}

static inline void sx_finish(SxArch *a)
{
    memset(&a->space, 0, sizeof a->space);
    a->space.n_levels = a->n;
    for (guint l = 0; l < a->n; l++) {
        a->space.level[l].name = a->storage[l].name;
        a->space.level[l].fanout_x = MAX(a->storage[l].fanout_x, 1u);
        a->space.level[l].fanout_y = MAX(a->storage[l].fanout_y, 1u);
    }
}

/* DRAM -> Buffer (fan-out 2 x 2) -> 4 x RF (8 words) -> 4 MACs. */
static inline void sx_arch3(SxArch *a)
{
    memset(a, 0, sizeof *a);
    a->n = 3;
    a->storage[0] = sx_level("DRAM", TS_CLASS_DRAM, 1, 1, 1, 0, 1, 100.0, 2);
    a->storage[1] = sx_level("Buffer", TS_CLASS_SRAM, 1, 2, 2, 64, 1, 6.0, 4);
    a->storage[2] = sx_level("RF", TS_CLASS_REGFILE, 4, 1, 1, 8, 1, 1.0, 0);
    a->mac = (TsLevel){.name = "MAC",
                       .klass = TS_CLASS_MAC,
                       .is_compute = TRUE,
                       .instances = 4,
                       .mesh_x = 2,
                       .mesh_y = 2,
                       .word_bits = 16,
                       .energy = {.mac_pj = 0.5, .source = "test"}};
    sx_finish(a);
}

/* sx_arch3 into *a, a GEMM of m x n x k into *op, and their unconstrained map space (the
 * current test fails when it cannot be built). Free with ts_mapspace_free. */
static inline TsMapSpace *sx_space3(SxArch *a, TsOp *op, uint64_t m, uint64_t n, uint64_t k)
{
    sx_arch3(a);
    sx_gemm(op, m, n, k);
    TsMapSpace *sp = ts_mapspace_new(&a->space, op, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    return sp;
}

/* DRAM -> 4 x RF (fan-out 4 x 1 below DRAM, 6 words) -> 4 MACs. */
static inline void sx_arch2(SxArch *a)
{
    memset(a, 0, sizeof *a);
    a->n = 2;
    a->storage[0] = sx_level("DRAM", TS_CLASS_DRAM, 1, 4, 1, 0, 1, 100.0, 4);
    a->storage[1] = sx_level("RF", TS_CLASS_REGFILE, 4, 1, 1, 6, 1, 1.0, 0);
    a->mac = (TsLevel){.name = "MAC",
                       .klass = TS_CLASS_MAC,
                       .is_compute = TRUE,
                       .instances = 4,
                       .mesh_x = 4,
                       .mesh_y = 1,
                       .word_bits = 16,
                       .energy = {.mac_pj = 0.5, .source = "test"}};
    sx_finish(a);
}

static inline TsModel *sx_model(const SxArch *a, const TsOp *op)
{
    GError *error = NULL;
    TsModel *m = ts_model_new_from_levels(a->storage, a->n, &a->mac, 1e9, op, NULL, &error);
    if (m == NULL) {
        fprintf(stderr, "model: %s\n", error->message);
        g_error_free(error);
    }
    return m;
}

/* ---- A fake cost function ---------------------------------------------------------------- */

static inline guint64 sx_mix(guint64 h, guint64 v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* Deterministic and rugged. Invalid ("capacity") for about one factorization+keep in five,
 * independently of loop order, as the search assumes of real models; energy from a hash of
 * the whole mapping with many ties (1000 values), cycles from the spatial factors. */
static inline TsEvalStatus sx_fake_eval(const TsMapping *m, TsCost *cost, gpointer data)
{
    (void)data;
    guint64 hv = 1469598103934665603ull, hc = hv;
    double spatial = 1;
    for (guint l = 0; l < m->n_levels; l++) {
        const TsMappingLevel *ml = &m->level[l];
        for (guint d = 0; d < m->n_dims; d++) {
            hv = sx_mix(hv, ml->temporal[d] * 131 + ml->spatial_x[d] * 17 + ml->spatial_y[d]);
            spatial *= (double)ml->spatial_x[d] * ml->spatial_y[d];
        }
        hv = sx_mix(hv, ml->keep);
        uint32_t seen = 0;
        for (guint i = 0; i < m->n_dims; i++) {
            guint d = ml->permutation[i];
            if (ml->temporal[d] > 1 && !(seen & (1u << d))) {
                hc = sx_mix(hc, d + 1);
                seen |= 1u << d;
            }
        }
    }
    memset(cost, 0, sizeof *cost);
    if (hv % 5 == 0) {
        cost->status = TS_EVAL_CAPACITY;
        return TS_EVAL_CAPACITY;
    }
    cost->status = TS_EVAL_OK;
    cost->energy_pj = 1000.0 + (double)(sx_mix(hv, hc) % 1000);
    cost->cycles = 1e6 / spatial;
    cost->edp_j_cycles = cost->energy_pj * 1e-12 * cost->cycles;
    return TS_EVAL_OK;
}

/* ---- Brute force -------------------------------------------------------------------------- */

/* Every ordered split of n over slots (1-based factors), appended as rows of n_slots. */
static inline void sx_splits(uint64_t n, guint n_slots, guint s, uint32_t *cur, GArray *out)
{
    if (s == n_slots - 1) {
        cur[s] = (uint32_t)n;
        g_array_append_vals(out, cur, n_slots);
        return;
    }
    for (uint64_t v = 1; v <= n; v++) {
        if (n % v)
            continue;
        cur[s] = (uint32_t)v;
        sx_splits(n / v, n_slots, s + 1, cur, out);
    }
}

#endif /* TS_SEARCH_FIXTURE_H */
