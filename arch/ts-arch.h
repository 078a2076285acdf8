/* The loaded architecture: an immutable tree of levels flattened outermost-first, as both
 * engines consume it. The analytical model reads the storage levels (TsLevel with is_storage)
 * and the compute level; the DES builds one component per level from the same records and
 * their class-specific parameters. Loaded from tilesim YAML, Timeloop v0.3/v0.4 YAML (with an
 * optional Accelergy ERT), or a UPMEM-profiler device profile. Shared read-only by threads. */
#ifndef TS_ARCH_H
#define TS_ARCH_H

#include <glib.h>
#include <stdint.h>

#include "ts-config.h"

G_BEGIN_DECLS

#define TS_ARCH_MAX_LEVELS 8 /* storage levels + compute, as a mapping addresses them */

typedef enum {
    TS_CLASS_DRAM,
    TS_CLASS_SRAM,
    TS_CLASS_REGFILE,
    TS_CLASS_HOST_LINK,
    TS_CLASS_SYSTOLIC_ARRAY,
    TS_CLASS_PIM_CORE,
    TS_CLASS_MAC,
    TS_CLASS_VECTOR_UNIT,
    TS_CLASS_DEVICE_PROFILE,
    TS_CLASS_COUNT_
} TsClass;

/* Energy per action, pJ. Storage: per vector access of block_size words (Timeloop's
 * "vector access energy"); DRAM adds per-bit and row-command energies used by the DES. */
typedef struct {
    double read_pj;
    double write_pj;  /* fills from the parent */
    double update_pj; /* read-modify-write of partial sums from children */
    double leak_pj_per_cycle;
    double mac_pj;       /* compute levels: per MAC at the level's word width */
    double per_bit_pj;   /* links, DRAM I/O */
    double activate_pj;  /* DRAM ACT+PRE pair */
    double refresh_pj;   /* DRAM REF per rank */
    const char *source;  /* "yaml", "ert", "pat" (Timeloop built-in), "table:<row>" */
} TsEnergy;

/* One level of the hierarchy. Counts are totals over the whole chip unless noted. */
typedef struct {
    const char *name; /* as in the input ("GlobalBuffer") */
    TsClass klass;
    gboolean is_storage; /* holds tensor tiles (dram, sram, regfile, pim_core memories) */
    gboolean is_compute; /* the arithmetic level (mac, systolic_array PEs, vector units) */

    /* Topology: instances of this level and how they are laid out; fanout to the next inner
     * level (or compute) = inner.instances / instances, split as fanout_x * fanout_y. */
    uint32_t instances;
    uint32_t mesh_x, mesh_y;
    uint32_t fanout_x, fanout_y;

    /* Storage: capacity in words of word_bits (0 = unbounded, e.g. DRAM), block_size words per
     * vector access, bandwidths in words per cycle of the arch clock (0 = unlimited). */
    uint64_t size_words;
    uint32_t word_bits;
    uint32_t block_size;
    uint32_t cluster_size;
    double read_bw_words_per_cycle;
    double write_bw_words_per_cycle;
    double shared_bw_words_per_cycle;
    double multiple_buffering; /* 1.0 = single; 2.0 = double buffered */
    double min_utilization;

    TsEnergy energy;
    double area_um2;
    double clock_hz; /* this level's clock (defaults to the arch clock) */

    /* Class-specific parameters (TsDramSpec, TsSramSpec, TsPimCoreSpec, ... in
     * ts-arch-classes.h), or NULL; owned by the arch. */
    const void *spec;

    /* Where the level was declared, for messages: file name, 1-based line and column. */
    const char *file;
    guint line, col;
} TsLevel;

typedef struct TsArch TsArch;

/* Loads an architecture from a path or a library name ("eyeriss-like"), recognising tilesim,
 * Timeloop and UPMEM-profiler formats by content. ert_path (may be NULL) is an Accelergy ERT
 * whose energies override defaults. Returns an owned immutable arch or NULL with
 * TS_CONFIG_ERROR ("FILE:LINE:COL: key.path: message"). */
TsArch *ts_arch_load(const char *path_or_name, const char *ert_path, GError **error);

void ts_arch_free(TsArch *arch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsArch, ts_arch_free)

const char *ts_arch_name(const TsArch *arch);
double ts_arch_clock_hz(const TsArch *arch);
uint32_t ts_arch_technology_nm(const TsArch *arch);

/* All levels outermost first (storage and non-storage); n via n_levels. Borrowed. */
guint ts_arch_n_levels(const TsArch *arch);
const TsLevel *ts_arch_level(const TsArch *arch, guint index);
/* Index of a level by name, or -1. */
int ts_arch_find_level(const TsArch *arch, const char *name);

/* The storage levels a mapping addresses, outermost first (indices into the full list), and
 * the compute level. Borrowed. */
guint ts_arch_n_storage(const TsArch *arch);
const TsLevel *ts_arch_storage(const TsArch *arch, guint storage_index);
const TsLevel *ts_arch_compute(const TsArch *arch);

/* Name of a class ("sram") and its lookup; -1 when unknown. */
const char *ts_class_name(TsClass klass);
int ts_class_from_name(const char *name);

G_END_DECLS

#endif /* TS_ARCH_H */
