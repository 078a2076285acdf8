/* Test-only reader of Timeloop's stats.txt (timeloop-model / timeloop-mapper output): per
 * level and data space the integer counts, per level the energies and cycles, the arithmetic
 * level's stats and the Summary Stats block. Enough to compare tilesim's model line by line. */
#ifndef TS_STATS_PARSE_H
#define TS_STATS_PARSE_H

#include <glib.h>
#include <stdint.h>

#define TS_STATS_MAX_LEVELS 8
#define TS_STATS_MAX_SPACES 4

typedef struct {
    char *name;
    gboolean present;
    uint64_t partition_size, utilized_capacity, utilized_instances;
    uint64_t reads, updates, fills;
    double energy_total_pj;
} TsStatsSpace;

#define TS_STATS_MAX_LOOPS 16

typedef struct {
    char *dim;
    uint64_t end;
    char spatial; /* 0, 'X' or 'Y' */
} TsStatsLoop;

typedef struct {
    char *name;
    uint64_t cycles;
    double throttling;
    double vector_access_energy_pj;
    /* SPECS */
    uint64_t size; /* 0 = "-" */
    uint32_t word_bits, block_size, instances, mesh_x, mesh_y;
    double read_bw, write_bw; /* 0 = "-" */
    /* MAPPING: the level's loop nest, outermost first */
    guint n_loops;
    TsStatsLoop loop[TS_STATS_MAX_LOOPS];
    guint n_spaces;
    TsStatsSpace space[TS_STATS_MAX_SPACES];
} TsStatsLevel;

typedef struct {
    /* arithmetic */
    char *mac_name;
    uint32_t mac_instances, mac_mesh_x, mac_mesh_y;
    uint64_t mac_utilized_instances, computes, mac_cycles;
    double mac_energy_pj;
    /* storage, in file order (innermost first) */
    guint n_levels;
    TsStatsLevel level[TS_STATS_MAX_LEVELS];
    /* Summary Stats */
    double gflops, utilization, energy_uj, edp;
    uint64_t cycles, summary_computes;
    guint n_fj;
    char *fj_name[TS_STATS_MAX_LEVELS * 2 + 2];
    double fj_per_compute[TS_STATS_MAX_LEVELS * 2 + 2];
} TsStats;

/* Parses path into out (zeroed first). FALSE with a message on a malformed file. */
gboolean ts_stats_parse(const char *path, TsStats *out, GError **error);
void ts_stats_clear(TsStats *stats);
/* Storage level by name, or NULL. */
const TsStatsLevel *ts_stats_level(const TsStats *stats, const char *name);
/* fJ/Compute entry by name, or a negative value. */
double ts_stats_fj(const TsStats *stats, const char *name);

#endif /* TS_STATS_PARSE_H */
