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
    double mac_pj;      /* compute levels: per MAC at the level's word width */
    double per_bit_pj;  /* links, DRAM I/O */
    double activate_pj; /* DRAM ACT+PRE pair */
    double refresh_pj;  /* DRAM REF per rank */
    const char *source; /* "yaml", "ert", "pat" (Timeloop built-in), "table:<row>" */
} TsEnergy;

/* One container whose mesh is part of the fan-out below a storage level (a Timeloop v0.4
 * !Container with `spatial`, a native container). Timeloop gives each its own spatial level. */
#define TS_MAX_FANOUT_STAGES 4
typedef struct {
    const char *name;
    uint32_t mesh_x, mesh_y;
} TsFanoutStage;

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
    gboolean zero_capacity; /* size given as 0 (Timeloop "dummy" buffers): holds nothing,
                               every tensor must bypass it; size_words is 0 too */
    uint32_t word_bits;
    uint32_t block_size;
    uint32_t cluster_size;
    double read_bw_words_per_cycle;
    double write_bw_words_per_cycle;
    double shared_bw_words_per_cycle;
    /* Limits of the network into the level, words per cycle per instance (0 = unlimited):
     * fills from its parent and updates from its children, e.g. through a host link. They
     * come on top of the level's own write bandwidth, which covers both. */
    double fill_bw_words_per_cycle;
    double update_bw_words_per_cycle;
    double multiple_buffering; /* 1.0 = single; 2.0 = double buffered */
    double min_utilization;

    TsEnergy energy;
    double area_um2;         /* per instance */
    const char *area_source; /* "yaml", "art" (Accelergy ART), or NULL (none given: 0) */
    double clock_hz;         /* this level's clock (defaults to the arch clock) */

    /* Class-specific parameters (TsDramSpec, TsSramSpec, TsPimCoreSpec, ... in
     * ts-arch-classes.h), or NULL; owned by the arch. */
    const void *spec;

    /* Where the level was declared, for messages: file name, 1-based line and column. */
    const char *file;
    guint line, col;

    /* Added by the arch layer (see docs/arch-reference.md). */
    const char *class_text;       /* class as written ("smartbuffer_SRAM", "sram") */
    uint32_t compute_word_bits_b; /* compute: second multiplier operand width (see TsMacSpec) */
    double macs_per_cycle;        /* compute: MACs per arch-clock cycle of one instance, as
                                     ts_arch_compute_macs_per_cycle; 0 for other levels */

    /* Storage: the containers making up the fan-out below this level, outermost first; their
     * meshes multiply to fanout_x x fanout_y. 0 when the fan-out comes from no named container
     * (a v0.3 PE[0..N] range). Mappings may target them by name or as Timeloop's generated
     * inter_<name>_spatial levels. */
    uint8_t n_stages;
    TsFanoutStage stages[TS_MAX_FANOUT_STAGES];

    /* Data residency (docs/pim.md). Storage: the tensor roles (TS_RESIDENT_* bits) whose home
     * is this level: loaded here once before any inference and read in place, never crossing
     * the levels above per inference (they bypass them). */
    uint8_t resident;
    /* Storage: TRUE for the first storage level below a host link. Every tensor that crosses
     * the link lands here, so a mapping keeps it here: none bypasses the link. */
    gboolean link_landing;
} TsLevel;

/* Tensor roles a level may be the home of (TsLevel.resident bits). */
enum {
    TS_RESIDENT_PARAMETERS = 1u << 0, /* learned parameters: projection weights, LUT tables */
    TS_RESIDENT_KV_CACHE = 1u << 1,   /* a decode step's key/value cache */
};
/* Name of residency role bit index i ("parameters", "kv_cache"), or NULL past the last. */
const char *ts_resident_role_name(guint i);

typedef struct TsArch TsArch;

/* Loads an architecture from a path or a library name ("eyeriss-like"), recognising tilesim,
 * Timeloop and UPMEM-profiler formats by content. ert_path (may be NULL) is an Accelergy ERT
 * whose energies override defaults. Returns an owned immutable arch or NULL with
 * TS_CONFIG_ERROR ("FILE:LINE:COL: key.path: message"). */
TsArch *ts_arch_load(const char *path_or_name, const char *ert_path, GError **error);

/* As ts_arch_load with any number of Accelergy tables: each path of tables (NULL-terminated,
 * may be NULL) holds an ERT (`ERT:`), an ART (`ART:`) or both; energies and areas of the
 * levels they name replace the defaults. Entries naming no level, and levels no ERT names,
 * become notes (ts_arch_notes). */
TsArch *ts_arch_load_full(const char *path_or_name, const char *const *tables, GError **error);

/* ts_arch_load() on a parsed document, e.g. one edited with ts_doc_derive() and
 * ts_doc_set_path() (a design point of a sweep). file names the input (ts_arch_file()); messages
 * name the file of each node. The arch keeps no reference to doc. */
TsArch *ts_arch_load_doc(const TsDoc *doc, const char *file, const char *ert_path, GError **error);

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

/* ---- Components and topology ------------------------------------------------------------ */

/* The hardware description, once per declared entry, as a DES builds its components from it.
 * The levels above are the analytical view: a systolic_array or pim_core component provides
 * several levels sharing one spec (<name>.regs, <name>.mac; <name>.mram, <name>.wram, ...), and
 * a host link is folded into its neighbours' limits there (fill_bw / update_bw and the link's
 * share of write / update energy: analytical limits, not hardware). Here each entry appears
 * once, in declaration order (outermost first, a container before what it encloses): a
 * component with its class, its typed spec (TsDramSpec, TsSramSpec, TsHostLinkSpec,
 * TsSystolicSpec, TsPimCoreSpec, TsMacSpec, TsVectorUnitSpec, TsDeviceProfile in
 * ts-arch-classes.h) and the levels it provides, or a container with its mesh. */
typedef enum {
    TS_ARCH_COMPONENT, /* a class with attributes (dram, sram, host_link, ...) */
    TS_ARCH_CONTAINER, /* a spatial mesh replicating what it encloses (native container,
                          Timeloop v0.4 !Container, Timeloop v0.3 subtree) */
} TsArchEntryKind;

/* Axes a container's input named (its `spatial:` keys): a container naming only meshX spans X. */
enum { TS_MESH_AXIS_X = 1u << 0, TS_MESH_AXIS_Y = 1u << 1 };

typedef struct {
    const char *name;
    TsArchEntryKind kind;
    TsClass klass;          /* components; TS_CLASS_COUNT_ for containers */
    const char *class_text; /* class as written ("smartbuffer_SRAM"); NULL for containers */
    int parent;             /* enclosing container (index into the component list), or -1 */
    /* Containers: the own mesh (1 x 1 when not given), whether the input had a `spatial:` key
     * and which axes it named (TS_MESH_AXIS_*). Components: 1 x 1, FALSE, 0. */
    uint32_t mesh_x, mesh_y;
    gboolean spatial;
    uint8_t mesh_axes;
    /* Copies in the whole architecture and their layout (the product of the enclosing meshes,
     * and the container's own for a container). An expanded component (a systolic array) is
     * counted once per copy of the array, not per PE. */
    uint32_t instances;
    uint32_t chip_mesh_x, chip_mesh_y;
    const void *spec; /* the typed class spec (shared by the levels it provides), or NULL */
    /* Levels (indices into ts_arch_level) the component provides, [first_level, first_level +
     * n_levels); for a container the levels declared inside it. n_levels may be 0 (a container
     * enclosing nothing that maps). */
    guint first_level, n_levels;
    /* The nearest storage levels declared before and after the entry (indices into
     * ts_arch_level), or -1. A host link carries the fills of storage_below from storage_above
     * and the write-backs back up; a container's fan-out belongs to storage_above. */
    int storage_above, storage_below;
    const char *file; /* where it was declared: file, 1-based line and column, key path */
    guint line, col;
    const char *path;
} TsArchComponent;

/* Entries in declaration order (components and containers). Borrowed. */
guint ts_arch_n_components(const TsArch *arch);
const TsArchComponent *ts_arch_component(const TsArch *arch, guint index);
/* Index of an entry by name, or -1. */
int ts_arch_find_component(const TsArch *arch, const char *name);
/* Index of the component providing level `level` (an index into ts_arch_level). */
int ts_arch_level_component(const TsArch *arch, guint level);
/* The part of a storage level's write and update energy per vector access (pJ) that a host
 * link above or below it adds in the analytical view (0 without a link): a DES that models the
 * link as its own component charges it there instead. */
double ts_arch_level_link_fill_pj(const TsArch *arch, guint level);
double ts_arch_level_link_drain_pj(const TsArch *arch, guint level);

/* ---- Added by the arch layer -------------------------------------------------------------- */

/* Input format an arch was loaded from. */
typedef enum {
    TS_ARCH_FORMAT_TILESIM,       /* native tilesim YAML (docs/arch-reference.md) */
    TS_ARCH_FORMAT_TIMELOOP_V03,  /* Timeloop tree: architecture.subtree / local */
    TS_ARCH_FORMAT_TIMELOOP_V04,  /* Timeloop v0.4: architecture.nodes with !Container/!Component */
    TS_ARCH_FORMAT_UPMEM_PROFILE, /* one profile of the UPMEM LLM profiler's device file */
} TsArchFormat;

/* Loads one device profile of a UPMEM-profiler architectures file (sim_architectures.yaml)
 * as an arch with a single device_profile level. device is the profile name as in the file or
 * with the profiler's underscore->hyphen rule applied ("PIM-AI-4dimm" selects PIM_AI_4dimm).
 * Unknown device: TS_CONFIG_ERROR_REFERENCE listing the profiles with a did-you-mean. */
TsArch *ts_arch_load_device(const char *path, const char *device, GError **error);

/* The profiler's naming rule: TRUE when name is the profile name as written or with its
 * underscores written as hyphens ("PIM-AI-4dimm" names PIM_AI_4dimm). */
gboolean ts_arch_device_name_matches(const char *profile_name, const char *name);

/* Profile names of a UPMEM-profiler architectures file, in file order (owned, g_strfreev). */
char **ts_arch_device_names(const char *path, GError **error);

/* Sorted, de-duplicated library architecture names (owned, g_strfreev). */
char **ts_arch_library_names(void);

/* The file an arch came from (resolved path), its format and a name for it. Borrowed. */
const char *ts_arch_file(const TsArch *arch);
TsArchFormat ts_arch_format(const TsArch *arch);
const char *ts_arch_format_name(TsArchFormat format);

/* Where the clock came from: "yaml", or a note such as "not given: 1 GHz assumed" (Timeloop
 * files carry no clock). Borrowed. */
const char *ts_arch_clock_source(const TsArch *arch);

/* TRUE when the arch has at least one storage level and a compute level (the analytical
 * model can map onto it); device profiles are not mappable. */
gboolean ts_arch_is_mappable(const TsArch *arch);

/* The device profile of a TS_ARCH_FORMAT_UPMEM_PROFILE arch (or of a native arch with a
 * device_profile level), else NULL. Borrowed; the struct is in ts-arch-classes.h. */
typedef struct TsDeviceProfile TsDeviceProfile;
const TsDeviceProfile *ts_arch_device_profile(const TsArch *arch);

/* Attributes a level kept without interpreting them (Timeloop/Accelergy keys such as n_banks,
 * network_fill_latency), in input order: count and key/value of entry i. Borrowed. */
guint ts_arch_level_n_attributes(const TsArch *arch, guint level);
const char *ts_arch_level_attribute_key(const TsArch *arch, guint level, guint i);
const char *ts_arch_level_attribute_value(const TsArch *arch, guint level, guint i);
/* Value of a kept attribute by key, or NULL. */
const char *ts_arch_level_attribute(const TsArch *arch, guint level, const char *key);

/* Notes the loader recorded (components Timeloop ignores, assumed values), NULL-terminated,
 * borrowed. */
const char *const *ts_arch_notes(const TsArch *arch);

/* Capacity of one instance of a storage level in bytes (size_words x word_bits / 8); 0 for
 * unbounded or non-storage levels. */
double ts_level_capacity_bytes(const TsLevel *level);
/* Peak bandwidth of one instance of a level of arch, bytes/s (words per arch cycle x word
 * bytes x arch clock): read (or shared when only that is given); 0 = unlimited. */
double ts_arch_level_read_bw_bytes_per_s(const TsArch *arch, const TsLevel *level);
double ts_arch_level_write_bw_bytes_per_s(const TsArch *arch, const TsLevel *level);
/* The host-link energy included in a storage level's per-access energies (pJ per vector
 * access): fill_pj in write_pj (fills crossing a link above the level), drain_pj in update_pj
 * (updates from below crossing a link under it); 0 without a link. storage_index as
 * ts_arch_storage. */
void ts_arch_storage_link_pj(const TsArch *arch, guint storage_index, double *fill_pj,
                             double *drain_pj);
/* Seconds of one transfer call (the link's latency + DMA setup) over the host link above a
 * storage level it lands in (docs/pim.md, "Host-link calls"), and the link's name (NULL ok);
 * 0 (and NULL) when no link lands there. */
double ts_arch_storage_link_call_s(const TsArch *arch, guint storage_index,
                                   const char **link_name);
/* MACs per arch-clock cycle of one compute instance: 1 for Timeloop input and plain MACs;
 * macs_per_cycle of a mac level; a PIM core's issue rate / cycles_per_mac or SIMD lanes.
 * Compute cycles = MACs / (utilized instances x this). 0 when there is no compute level. */
double ts_arch_compute_macs_per_cycle(const TsArch *arch);

/* Static figures of the whole architecture, every level (storage, compute, vector units, host
 * links) and every instance: leakage per arch-clock cycle (pJ) and area (um^2). */
double ts_arch_leak_pj_per_cycle(const TsArch *arch);
double ts_arch_area_um2(const TsArch *arch);

/* Peak MACs per second of the compute level (instances x MACs/cycle x clock), 0 if none. */
double ts_arch_peak_macs_per_s(const TsArch *arch);

/* Multi-line human summary for `tilesim check`: format, clock, technology, then one line per
 * level (instances, mesh, capacity with units, bandwidth in B/s, energies) and peak MAC/s.
 * Newly allocated. */
char *ts_arch_describe(const TsArch *arch);

/* Compares the analytical view of two archs (levels, classes, instances, meshes, fan-outs,
 * sizes, word bits, block sizes, bandwidths, buffering, and with energies TRUE the energies
 * per action within 1e-9 relative). Returns NULL when equal, else a newly allocated
 * description of the first difference. */
char *ts_arch_diff(const TsArch *a, const TsArch *b, gboolean energies);

/* ---- Checking (used by `tilesim check`; document kinds: ts-doc-kind.h) ------------------- */

/* Validates one file for `tilesim check`: architectures (all formats), ERTs, Accelergy
 * component libraries and UPMEM device files (every profile) are loaded and summarised into
 * out; other recognised kinds (problems, mappings, ...) are reported as not architectures with
 * *checked = FALSE. Returns FALSE with error on the first error in the file. */
gboolean ts_arch_check_file(const char *path, GString *out, gboolean *checked, GError **error);
/* As ts_arch_check_file with Accelergy ERT/ART files applied to architecture files (as
 * ts_arch_load_full); the summary then lists each level's energy and area source. */
gboolean ts_arch_check_file_full(const char *path, const char *const *tables, GString *out,
                                 gboolean *checked, GError **error);

G_END_DECLS

#endif /* TS_ARCH_H */
