/* Private to the arch module: the TsArch struct, the builder the loaders share (levels,
 * interned strings, owned spec blocks, kept attributes, notes), the derivation pass, the
 * energy models, and the Python-like expression evaluator used for Timeloop values. */
#ifndef TS_ARCH_PRIVATE_H
#define TS_ARCH_PRIVATE_H

#include <glib.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-config.h"

G_BEGIN_DECLS

#define TS_ARCH_MAX_ALL_LEVELS 64 /* every level, mapping or not */

/* Physical ranges of architecture values, in base units (docs/arch-reference.md, "Ranges").
 * The schema tables use them for the keys they read, and ts_arch_finalize checks every
 * loader's levels against them (Timeloop and UPMEM files, ERT energies), so no input reaches
 * the models as an infinity, a 1e-300 Hz clock or a 2^63-word buffer. */
#define TS_RANGE_CLOCK_MIN_HZ 1e3  /* 1 kHz */
#define TS_RANGE_CLOCK_MAX_HZ 1e12 /* 1 THz */
#define TS_RANGE_TIME_MAX_PS 1e12  /* 1 s: latencies, DMA setup, tCK, per-element times */
#define TS_RANGE_BW_MAX_BPS 1e15   /* 1 PB/s per instance */
#define TS_RANGE_ENERGY_MAX_PJ 1e9 /* 1 mJ per action */
#define TS_RANGE_EPB_MAX_PJ 1e6    /* 1 uJ per bit */
#define TS_RANGE_SIZE_MAX_B 1125899906842624.0 /* 2^50 B = 1 PiB per instance */
#define TS_RANGE_POWER_MAX_W 1e6               /* 1 MW per instance */
#define TS_RANGE_AREA_MAX_UM2 1e12             /* 1 m^2 per instance */
#define TS_RANGE_WORDS_MAX 1099511627776.0     /* 2^40 words (rows, entries) per instance */
#define TS_RANGE_WORD_BITS_MAX 1024.0          /* bits per word or operand */
#define TS_RANGE_WIDTH_BITS_MAX 1048576.0      /* 2^20 bits per row or vector access */
#define TS_RANGE_COUNT_MAX 1048576.0           /* 2^20: banks, ports, channels, lanes, mesh sides */
#define TS_RANGE_QUEUE_MAX 4096.0             /* DES controller queue entries (as the DRAMsim3 .ini loader) */
#define TS_RANGE_CYCLES_MAX 4294967295.0       /* 2^32 - 1 cycles: DRAM timings, latencies */
#define TS_RANGE_RATE_MAX 1e9                  /* per-cycle rates and costs (MACs, bytes, cycles) */

/* Which energies a loader set explicitly (YAML, ERT); the rest come from the defaults. */
enum {
    TS_E_READ = 1u << 0,
    TS_E_WRITE = 1u << 1,
    TS_E_UPDATE = 1u << 2,
    TS_E_MAC = 1u << 3,
    TS_E_LEAK = 1u << 4,
    TS_E_PER_BIT = 1u << 5,
};

/* How default energies are computed (docs/energy.md). */
typedef enum {
    TS_ENERGY_MODEL_PAT, /* Timeloop's built-in PAT fits, technology-independent (Timeloop input) */
    TS_ENERGY_MODEL_TABLE, /* same fits at 45 nm, scaled by technology node (native input) */
} TsEnergyModel;

typedef struct {
    char *key;
    char *value;
} TsArchAttr;

typedef struct {
    GArray *attrs;    /* TsArchAttr kept without interpretation */
    guint energy_set; /* TS_E_* given explicitly */
    TsEnergyModel energy_model;
    double macs_per_cycle; /* compute levels: MACs per cycle per instance (default 1) */
    gboolean is_dram_tech; /* storage whose default energy is DRAM's (Timeloop technology DRAM) */
    uint32_t mac_bits_a, mac_bits_b;    /* compute: operand widths for the default energy */
    double link_fill_pj, link_drain_pj; /* host-link energy per filled / drained access */
    double link_call_s; /* landing level of a host link: its latency + DMA setup per call */
    const char *link_name; /* that host link's name (the level's, borrowed) */
    const TsHostLinkSpec *link_spec; /* that host link's rates (borrowed), or NULL */
    const char *path; /* key path of the declaration ("levels[2].levels[0]"), interned */
    int component;    /* entry of the component list providing the level, -1 until assigned */
} TsLevelPriv;

struct TsArch {
    char *name;
    char *file;
    TsArchFormat format;
    double clock_hz;
    char *clock_source;
    uint32_t technology_nm;

    GArray *levels; /* TsLevel */
    GArray *priv;   /* TsLevelPriv, parallel to levels */
    guint n_storage;
    guint storage[TS_ARCH_MAX_LEVELS];
    int compute;

    GStringChunk *strings;
    GPtrArray *blocks; /* owned spec allocations (g_free) */
    GPtrArray *notes;  /* char *, NULL-terminated after finalize */
    TsDeviceProfile *profile;

    GArray *components; /* TsArchComponent, declaration order */
    GArray *open;       /* int: containers enclosing what is declared next, innermost last */
    int open_component; /* component receiving the levels added now, or -1 */
};

/* ---- Builder (ts-arch.c) ---------------------------------------------------------------- */

TsArch *ts_arch_new_empty(const char *file, TsArchFormat format);
const char *ts_arch_intern(TsArch *arch, const char *text);
/* Zeroed block of size bytes owned by the arch. */
gpointer ts_arch_alloc(TsArch *arch, gsize size);
/* Appends a level named name (interned) of class klass declared at node (may be NULL);
 * instances/mesh 1, word_bits 16, block_size 1, cluster_size 1, multiple_buffering 1. Returns
 * its index, or -1 with error when the arch already has TS_ARCH_MAX_ALL_LEVELS levels. */
int ts_arch_add_level(TsArch *arch, const char *name, TsClass klass, const TsNode *node,
                      GError **error);
TsLevel *ts_arch_level_mut(TsArch *arch, guint index);
/* Records the key path a level was declared at, for messages of the derivation pass. */
void ts_arch_set_level_path(TsArch *arch, guint index, const char *path);
TsLevelPriv *ts_arch_level_priv(TsArch *arch, guint index);
void ts_arch_keep_attr(TsArch *arch, guint level, const char *key, const char *value);
void ts_arch_add_note(TsArch *arch, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Records a container (name interned) with an mx x my mesh as a fan-out stage of the storage
 * level added last (none yet: not recorded). The derivation pass checks that the stages of a
 * level multiply to its fan-out. */
void ts_arch_add_fanout_stage(TsArch *arch, const char *name, guint64 mx, guint64 my);

/* ---- Topology builder (ts-arch-topology.c) -------------------------------------------------- */

/* Opens a container entry enclosing what is declared until the matching pop: name (interned),
 * its own mesh, whether the input had a `spatial:` key and which axes it named
 * (TS_MESH_AXIS_*), and the copies of it in the architecture (enclosing meshes x its own).
 * node and path locate the declaration (may be NULL). Returns its index. */
int ts_arch_push_container(TsArch *arch, const char *name, guint64 mesh_x, guint64 mesh_y,
                           gboolean spatial, guint8 axes, guint64 instances, const TsNode *node,
                           const char *path);
/* Containers currently open, and closing them down to `depth` (the innermost first). */
guint ts_arch_container_depth(const TsArch *arch);
void ts_arch_pop_containers(TsArch *arch, guint depth);
/* Opens a component entry: the levels added until ts_arch_end_component belong to it (a
 * systolic array's or PIM core's expansion). instances: copies in the architecture. */
int ts_arch_begin_component(TsArch *arch, const char *name, TsClass klass, const char *class_text,
                            guint64 instances, const TsNode *node, const char *path);
/* Closes the open component: its spec is the spec of its first level. */
void ts_arch_end_component(TsArch *arch);
/* Finalize step: components for levels no loader assigned, the neighbouring storage levels,
 * chip meshes. */
void ts_arch_topology_finalize(TsArch *arch);

/* Derivation pass (ts-arch-derive.c): fan-outs and their checks, storage/compute indices,
 * default energies, DRAM derived values, link-limited bandwidths, level clocks. Must run once
 * after loading; errors name the offending level's file:line:col. */
gboolean ts_arch_finalize(TsArch *arch, GError **error);

/* ---- Loaders ---------------------------------------------------------------------------- */

/* As ts_arch_load_doc with any number of ERT/ART files (NULL-terminated, may be NULL). */
TsArch *ts_arch_load_from_doc_full(const TsDoc *doc, const char *file, const char *const *tables,
                                   GError **error);

TsArch *ts_arch_load_native(const TsDoc *doc, const char *file, GError **error);
TsArch *ts_arch_load_timeloop(const TsDoc *doc, const char *file, GError **error);
TsArch *ts_arch_load_upmem(const TsDoc *doc, const char *file, const char *device, GError **error);
/* Profile names of a parsed UPMEM file (owned strv). */
char **ts_arch_upmem_names(const TsDoc *doc, GError **error);

/* Applies an Accelergy ERT (v0.2 or v0.3) to matching levels (by last dotted name component,
 * [..] ranges stripped), as Timeloop 3 does: read <- random_read|read, fill <- random_fill|
 * random_write|fill|write, update <- random_update|random_write|update|write, compute <-
 * mac_random|mult_random|mac|mult|compute; an action missing falls back to the most expensive
 * action of the component / cluster size. */
gboolean ts_arch_apply_ert(TsArch *arch, const TsDoc *ert, GError **error);
/* Summary of an ERT file for `tilesim check` (tables, actions). */
gboolean ts_arch_ert_summary(const TsDoc *ert, GString *out, GError **error);
/* Applies an Accelergy ART (area per instance, um^2) to the levels its entries name. */
gboolean ts_arch_apply_art(TsArch *arch, const TsDoc *art, GError **error);
gboolean ts_arch_art_summary(const TsDoc *art, GString *out, GError **error);
/* The level name an ERT/ART entry addresses: trailing "[lo..hi]" dropped, text after the last
 * '.' kept. Newly allocated. */
char *ts_arch_ert_leaf_name(const char *path);

/* ---- Energy models (ts-arch-energy.c) ---------------------------------------------------- */

/* Timeloop PAT: SRAM/regfile vector access of width_bits over height rows (pJ); DRAM access
 * of width_bits (pJ); multiplier of a x b bits (pJ). */
double ts_pat_sram_energy_pj(guint64 height, guint64 width_bits);
double ts_pat_dram_energy_pj(guint64 width_bits);
double ts_pat_mac_energy_pj(guint64 bits_a, guint64 bits_b);
/* Technology scale factor applied to the 45 nm fits by the TABLE model (1.0 at 45 nm). */
double ts_energy_tech_scale(uint32_t technology_nm);

/* ---- Schema internals (ts-arch-schema.c) ------------------------------------------------- */

/* Raw attribute values of the native format; the per-class tables point into this struct. */
typedef struct {
    /* storage geometry */
    guint64 depth, width_bits, word_bits, block_size, cluster_size, entries;
    double size_bytes;
    const TsNode *read_bandwidth, *write_bandwidth, *shared_bandwidth;
    double multiple_buffering, min_utilization;
    guint64 banks, ports, read_latency;
    /* energy and area */
    double read_energy, write_energy, update_energy, mac_energy, energy_per_bit, leak_power;
    double area;
    /* mac */
    guint64 operand_a_bits, operand_b_bits, accumulator_bits;
    double macs_per_cycle;
    /* dram: org, timing, currents (struct copied from a preset first) */
    TsDramSpec dram;
    const TsNode
        *dram_controller; /* `controller:` of a dram level (ts_arch_dram_controller_fields) */
    /* host link */
    double h2d_bw, d2h_bw, broadcast_bw, latency, dma_setup, h2d_epb, d2h_epb;
    guint64 devices_per_rank;
    double device_bw, d2h_device_bw, rank_bw, d2h_rank_bw;
    /* systolic array */
    guint64 rows, cols, pe_reg_words;
    int dataflow;
    /* pim core */
    int pim_kind;
    double frequency;
    guint64 tasklets, max_tasklets, pipeline_stages, revolver_cycles;
    double wram_size, mram_size, iram_size;
    double dma_alpha_read, dma_alpha_write, dma_beta;
    guint64 max_dma_bytes;
    double wram_bytes_per_cycle, cycles_per_mac;
    const TsNode *instructions;
    double instruction_energy, mram_read_energy, mram_write_energy;
    guint64 simd_lanes, banks_per_unit, reg_words;
    double bank_size, bank_bandwidth, bank_read_energy, bank_write_energy;
    /* vector unit */
    guint64 lanes;
    const TsNode *ops;
    /* device profile (native keys with units) */
    double dp_h2d_bw, dp_h2d_epb, dp_d2h_bw, dp_d2h_epb, dp_mem_bw, dp_mem_epb, dp_flops,
        dp_pj_per_tflop, dp_flops_int4, dp_softmax_ns, dp_silu_ns, dp_rmsnorm_ns;
    const TsNode *dp_compute_eff, *dp_memory_eff;
} TsNativeAttrs;

/* Keys of one entry of `levels:` and of the `architecture:` mapping. */
typedef struct {
    const char *name, *klass, *preset, *description;
    const TsNode *attributes, *spatial, *levels;
    const TsNode *constraints; /* read by the mapper (ts_constraints_load_arch_file) */
    const TsNode *resident;    /* data residency: roles whose home is this level */
} TsNativeLevel;

typedef struct {
    const char *name, *description, *version;
    double clock_hz, technology_nm;
    const TsNode *levels;
} TsNativeTop;

typedef struct {
    guint64 mesh_x, mesh_y;
} TsNativeSpatial;
const TsField *ts_arch_spatial_fields(void);

/* A UPMEM-profiler profile as written (GB/s, pJ/bit, TFLOPS, pJ per TFLOP, ns/element). */
typedef struct {
    double h2d_gbs, h2d_pj_per_bit, d2h_gbs, d2h_pj_per_bit, mem_gbs, mem_pj_per_bit, tflops,
        pj_per_tflop, tflops_int4, softmax_ns, silu_ns, rmsnorm_ns;
} TsUpmemRaw;

/* Schema of the per-op entries of a vector unit's `ops:` mapping. */
typedef struct {
    double cycles;
    double energy;
} TsVectorOpAttrs;
const TsField *ts_arch_vector_op_fields(void);

/* Index of key in fields, or -1. */
int ts_arch_field_index(const TsField *fields, const char *key);

G_END_DECLS

#endif /* TS_ARCH_PRIVATE_H */
