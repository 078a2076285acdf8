/* Test fixtures built in code (no files): the Eyeriss-like 3-level hierarchy of the Timeloop
 * reference cases (DRAM -> 128 KB GlobalBuffer -> 16x16 PEs with a 256-word RegisterFile and a
 * MAC), GEMM and convolution ops, and mappings set directive by directive. */
#ifndef TS_MODEL_FIXTURE_H
#define TS_MODEL_FIXTURE_H

#include <string.h>

#include "ts-model.h"
#include "ts-test-ops.h"

enum { FX_DRAM, FX_GLB, FX_RF, FX_NLEVELS };
enum { FX_M = TS_TEST_DIM_M, FX_N = TS_TEST_DIM_N, FX_K = TS_TEST_DIM_K };
enum { FX_W = TS_TEST_WEIGHTS, FX_I = TS_TEST_INPUTS, FX_O = TS_TEST_OUTPUTS };

typedef struct {
    TsLevel storage[FX_NLEVELS];
    TsLevel mac;
} FxArch;

static inline void fx_arch(FxArch *a)
{
    memset(a, 0, sizeof *a);
    TsLevel *d = &a->storage[FX_DRAM], *g = &a->storage[FX_GLB], *r = &a->storage[FX_RF];
    *d = (TsLevel){.name = "DRAM",
                   .klass = TS_CLASS_DRAM,
                   .is_storage = TRUE,
                   .instances = 1,
                   .mesh_x = 1,
                   .mesh_y = 1,
                   .fanout_x = 1,
                   .fanout_y = 1,
                   .size_words = 0,
                   .word_bits = 16,
                   .block_size = 4,
                   .cluster_size = 1,
                   .read_bw_words_per_cycle = 8,
                   .write_bw_words_per_cycle = 8,
                   .multiple_buffering = 1.0,
                   .energy = {.read_pj = 800, .write_pj = 800, .update_pj = 800, .source = "pat"}};
    *g = (TsLevel){
        .name = "GlobalBuffer",
        .klass = TS_CLASS_SRAM,
        .is_storage = TRUE,
        .instances = 1,
        .mesh_x = 1,
        .mesh_y = 1,
        .fanout_x = 16,
        .fanout_y = 16,
        .size_words = 65536,
        .word_bits = 16,
        .block_size = 4,
        .cluster_size = 1,
        .read_bw_words_per_cycle = 16,
        .write_bw_words_per_cycle = 16,
        .multiple_buffering = 1.0,
        .energy = {
            .read_pj = 29.62816, .write_pj = 29.62816, .update_pj = 29.62816, .source = "pat"}};
    *r = (TsLevel){.name = "RegisterFile",
                   .klass = TS_CLASS_REGFILE,
                   .is_storage = TRUE,
                   .instances = 256,
                   .mesh_x = 16,
                   .mesh_y = 16,
                   .fanout_x = 1,
                   .fanout_y = 1,
                   .size_words = 256,
                   .word_bits = 16,
                   .block_size = 1,
                   .cluster_size = 1,
                   .multiple_buffering = 1.0,
                   .energy = {.read_pj = 1, .write_pj = 1, .update_pj = 1, .source = "pat"}};
    a->mac = (TsLevel){.name = "MACC",
                       .klass = TS_CLASS_MAC,
                       .is_compute = TRUE,
                       .instances = 256,
                       .mesh_x = 16,
                       .mesh_y = 16,
                       .word_bits = 16,
                       .energy = {.mac_pj = 1.0, .source = "pat"}};
}

#define fx_rank ts_test_rank

/* Z[m,n] += A[m,k] * B[k,n] as the Timeloop problems write it: Weights [K,N], Inputs [M,K],
 * Outputs [M,N]. */
static inline void fx_gemm(TsOp *op, uint64_t m, uint64_t n, uint64_t k)
{
    ts_test_gemm(op, m, n, k);
}

/* Sets a level's temporal factors (M, N, K) and permutation (innermost first, as letters). */
static inline void fx_temporal(TsMapping *map, const TsOp *op, guint level, const uint32_t *f,
                               const char *perm)
{
    for (guint d = 0; d < op->n_dims; d++)
        map->level[level].temporal[d] = f[d];
    for (guint i = 0; perm[i]; i++) {
        for (guint d = 0; d < op->n_dims; d++)
            if (op->dim_names[d][0] == perm[i] && op->dim_names[d][1] == '\0')
                map->level[level].permutation[i] = (uint8_t)d;
    }
}

/* The hand-written mapping of the model_qkv_eyeriss_fixed reference case on a 128x768x768
 * GEMM: RF K16; GLB spatial X N16, Y M16, temporal M8 K12 (K innermost); DRAM N48 K4 (N
 * innermost). */
static inline void fx_fixed_mapping(TsMapping *map, const TsOp *op)
{
    ts_mapping_init(map, FX_NLEVELS, op);
    fx_temporal(map, op, FX_RF, (const uint32_t[]){1, 1, 16}, "KMN");
    fx_temporal(map, op, FX_GLB, (const uint32_t[]){8, 1, 12}, "KMN");
    fx_temporal(map, op, FX_DRAM, (const uint32_t[]){1, 48, 4}, "NKM");
    map->level[FX_GLB].spatial_x[FX_N] = 16;
    map->level[FX_GLB].spatial_y[FX_M] = 16;
    map->level[FX_GLB].spatial_permutation[0] = FX_N;
    map->level[FX_GLB].spatial_permutation[1] = FX_M;
    map->level[FX_GLB].spatial_permutation[2] = FX_K;
}

#endif /* TS_MODEL_FIXTURE_H */
