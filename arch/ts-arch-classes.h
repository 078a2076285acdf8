/* Class-specific parameters of architecture levels (TsLevel.spec): DRAM organisation and JEDEC
 * timing, SRAM/regfile geometry, host link, systolic array, PIM core, MAC, vector unit and the
 * UPMEM-profiler device profile. The loaders fill them from YAML (one schema table per class,
 * listed by ts_arch_class_fields()); ts-arch-derive.c computes the derived members (marked
 * "derived") in one place after parsing. All structs are owned by the TsArch. */
#ifndef TS_ARCH_CLASSES_H
#define TS_ARCH_CLASSES_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-config.h"

G_BEGIN_DECLS

/* ---- DRAM ------------------------------------------------------------------------------- */

/* JEDEC timing parameters, in command-clock cycles (tCK) as DRAMsim3 configs and datasheets
 * give them. X(name, description). tBURST is the data-bus occupancy of one burst (BL/2 for
 * DDR). */
#define TS_DRAM_TIMING_LIST(X)                                                                     \
    X(tRCD, "ACT to READ/WRITE")                                                                   \
    X(tRP, "PRE to ACT")                                                                           \
    X(tCL, "READ to first data (CAS latency)")                                                     \
    X(tCWL, "WRITE to first data")                                                                 \
    X(tRAS, "ACT to PRE")                                                                          \
    X(tRC, "ACT to ACT, same bank")                                                                \
    X(tCCD_S, "column to column, different bank group")                                            \
    X(tCCD_L, "column to column, same bank group")                                                 \
    X(tRRD_S, "ACT to ACT, different bank group")                                                  \
    X(tRRD_L, "ACT to ACT, same bank group")                                                       \
    X(tFAW, "four-activate window")                                                                \
    X(tWR, "write recovery")                                                                       \
    X(tWTR_S, "write to read, different bank group")                                               \
    X(tWTR_L, "write to read, same bank group")                                                    \
    X(tRTP, "READ to PRE")                                                                         \
    X(tBURST, "data-bus cycles of one burst")                                                      \
    X(tRFC, "refresh cycle time")                                                                  \
    X(tREFI, "refresh interval")

/* Optional timing parameters (tCK cycles; 0 when a standard does not have them or a config
 * does not give them; the DES model documents how it uses 0). */
#define TS_DRAM_TIMING_OPT_LIST(X)                                                                 \
    X(AL, "additive latency (READ/WRITE posted by AL)")                                            \
    X(tRTRS, "rank-to-rank data-bus switch")                                                       \
    X(tRCDWR, "ACT to WRITE when it differs from tRCD (GDDR, HBM); 0 = tRCD")                      \
    X(tPPD, "PRE to PRE, different bank (LPDDR4, GDDR)")                                           \
    X(t32AW, "thirty-two-activate window (GDDR); 0 = none")                                        \
    X(tRFCb, "per-bank refresh cycle time (bank-level refresh)")                                   \
    X(tREFIb, "per-bank refresh interval (bank-level refresh)")                                  \
    X(tCCDab, "column to column of one bank in an all-bank PIM mode (HBM-PIM, AiM); 0 = tCCD_L")

typedef struct {
#define TS_DRAM_X_FIELD(name, doc) guint64 name;
    TS_DRAM_TIMING_LIST(TS_DRAM_X_FIELD)
    TS_DRAM_TIMING_OPT_LIST(TS_DRAM_X_FIELD)
#undef TS_DRAM_X_FIELD
} TsDramTimings;

typedef enum {
#define TS_DRAM_X_ENUM(name, doc) TS_DRAM_T_##name,
    TS_DRAM_TIMING_LIST(TS_DRAM_X_ENUM) TS_DRAM_T_COUNT_, /* the required timings end here */
    TS_DRAM_T_OPT_FIRST_ = TS_DRAM_T_COUNT_ - 1,
    TS_DRAM_TIMING_OPT_LIST(TS_DRAM_X_ENUM) TS_DRAM_T_ALL_COUNT_
#undef TS_DRAM_X_ENUM
} TsDramTimingId;

/* Controller policies of the DES DRAM model (DRAMsim3's [system] keys). */
typedef enum { TS_DRAM_PAGE_OPEN, TS_DRAM_PAGE_CLOSE } TsDramPagePolicy;
typedef enum {
    TS_DRAM_REFRESH_RANK_STAGGERED,    /* one rank every tREFI / ranks */
    TS_DRAM_REFRESH_RANK_SIMULTANEOUS, /* every rank every tREFI */
    TS_DRAM_REFRESH_BANK_STAGGERED,    /* one bank every tREFIb (REFb, tRFCb) */
    TS_DRAM_REFRESH_NONE,              /* no refresh (idealised studies) */
} TsDramRefreshPolicy;
typedef enum { TS_DRAM_QUEUE_PER_BANK, TS_DRAM_QUEUE_PER_RANK } TsDramQueueStructure;

typedef struct {
    const char *preset;   /* preset applied ("DDR4-2400"), or NULL */
    const char *protocol; /* "DDR4", "LPDDR4", "HBM2", "GDDR6", or NULL when not given */
    gboolean has_timing;  /* FALSE for DRAM levels imported from Timeloop (no timing there) */

    /* Organisation. banks is per bank group (DRAMsim3's banks_per_group). */
    guint64 channels, ranks, bankgroups, banks, rows, columns;
    guint64 device_width_bits; /* DQ width of one device (x8 -> 8) */
    guint64 bus_width_bits;    /* data bus of one channel */
    guint64 burst_length;      /* BL: transfers per burst */
    double data_rate_mtps;     /* transfers per second per pin, MT/s */
    double tck_ps;             /* command clock period, ps */
    TsDramTimings cycles;      /* timing in tCK cycles */

    /* IDD currents (mA) and VDD (V) as DRAMsim3 configs give them; 0 = not given. */
    double vdd_v, idd0_ma, idd2n_ma, idd3n_ma, idd4r_ma, idd4w_ma, idd5ab_ma, idd5pb_ma;

    /* Controller of the DES model (DRAMsim3's [system] section). 0 / NULL = the default
     * filled by the derivation pass (in brackets). */
    const char *address_mapping; /* 12 characters, fields ch ra bg ba ro co from the most
                                    significant bits down ["rochrababgco"] */
    guint64 pseudo_channels;     /* per channel (HBM pseudo-channel mode) [1] */
    guint64 trans_queue_size;    /* transactions per channel (read queue and write buffer) [32] */
    guint64 cmd_queue_size;      /* commands per bank (or per rank) queue [8] */
    guint64 write_buf_size;      /* writes that start a drain when no read waits [16] */
    TsDramPagePolicy page_policy;
    TsDramRefreshPolicy refresh_policy;
    TsDramQueueStructure queue_structure;
    gboolean unified_queue; /* reads and writes in one queue of trans_queue_size */
    gboolean dual_command;  /* a row and a column command may issue in one cycle (HBM) */
    /* All-bank (PIM) arbitration: a turn of all-bank work or of normal traffic lasts at least
     * this many all-bank row cycles while the other mode waits [8] (DES only). */
    guint64 allbank_turn_rows;

    /* Derived (ts-arch-derive.c). */
    guint64 tck_num_ps, tck_den; /* tCK as an exact fraction (2500/3 ps for 833.33 ps) */
    TsDramTimings ps;           /* cycles * tck_ps rounded up to whole ps */
    guint64 total_banks;        /* bankgroups * banks per rank */
    guint64 devices_per_rank;   /* bus_width_bits / device_width_bits */
    guint64 capacity_bytes;     /* channels * ranks * total_banks * rows * columns * bus/8 */
    guint64 burst_bytes;        /* bus_width_bits / 8 * burst_length */
    double peak_bw_bytes_per_s; /* channels * bus_width_bits / 8 * data_rate */
    /* Per-command energies from IDD currents (Micron TN-40-07 method as DRAMsim3 applies it),
     * per rank, pJ; 0 when the currents are not given. */
    double activate_pj, read_burst_pj, write_burst_pj, refresh_pj;
} TsDramSpec;

/* Name of timing parameter id ("tRCD") and its one-line description. */
const char *ts_dram_timing_name(TsDramTimingId id);
const char *ts_dram_timing_doc(TsDramTimingId id);
/* Value of timing id (required or optional) in a TsDramTimings (cycles or ps). */
guint64 ts_dram_timing_get(const TsDramTimings *t, TsDramTimingId id);

/* Checks a DRAMsim3-style address mapping string (12 characters: each of ch ra bg ba ro co
 * once). FALSE with a message (newly allocated in *why) otherwise. */
gboolean ts_dram_address_mapping_valid(const char *mapping, char **why);

/* Fills the controller defaults and the derived members of a DRAM spec with timing (the
 * derivation pass calls it for arch levels; the DRAMsim3 .ini loader for its specs). FALSE
 * with a message (newly allocated in *why) on an inconsistent spec. */
gboolean ts_dram_spec_derive(TsDramSpec *d, char **why);

/* Whether the spec gives VDD and at least one IDD current: the DRAM component's command
 * energies (DRAMsim3's formulas) are all 0 pJ without them, which reports must not show as a
 * figure. The LPDDR4-3200 and GDDR6 presets have none. */
gboolean ts_dram_spec_has_currents(const TsDramSpec *d);

/* Loads a DRAMsim3 .ini configuration (sections dram_structure, timing, power, system;
 * other sections are read by DRAMsim3 for thermal and output settings and are ignored here,
 * each ignored key listed in *notes when notes is not NULL). The spec's strings live in
 * `strings`. Returns a newly allocated, derived spec, or NULL with TS_CONFIG_ERROR naming
 * file:line and the key. */
TsDramSpec *ts_dram_spec_load_ini(const char *path, GStringChunk *strings, GPtrArray *notes,
                                  GError **error);

/* DRAM presets (DDR4-2400, DDR4-3200, LPDDR4-3200, HBM2, GDDR6): NULL-terminated names, and a
 * lookup returning a borrowed spec with org and timing filled (derived members not), or NULL.
 * Sources are given per preset in docs/arch-reference.md. */
const char *const *ts_dram_preset_names(void);
const TsDramSpec *ts_dram_preset(const char *name);

/* ---- SRAM and register files ------------------------------------------------------------ */

typedef struct {
    guint64 depth;      /* rows; 0 when the size was given otherwise */
    guint64 width_bits; /* bits per row */
    guint64 entries;    /* words held (size_words of the level) */
    guint64 banks, ports;
    guint64 read_latency_cycles;
    gboolean is_regfile;
} TsSramSpec;

/* ---- MAC -------------------------------------------------------------------------------- */

typedef struct {
    guint64 word_bits;      /* operand width used for energy ((a/16)(b/16) pJ by PAT) */
    guint64 operand_a_bits; /* multiplier inputs, default word_bits */
    guint64 operand_b_bits;
    guint64 accumulator_bits;
    double macs_per_cycle; /* per instance */
} TsMacSpec;

/* ---- Host link -------------------------------------------------------------------------- */

typedef struct {
    double h2d_bw_bytes_per_s;       /* host -> device */
    double d2h_bw_bytes_per_s;       /* device -> host */
    double broadcast_bw_bytes_per_s; /* host -> all devices, same data (0 = not given) */
    double latency_ps;               /* per transfer */
    double dma_setup_ps;             /* per DMA descriptor */
    double h2d_pj_per_bit;
    double d2h_pj_per_bit;
    /* PIM DIMMs (UPMEM): devices (DPUs) share a rank's bus; a serial transfer moves one
     * device's buffer at a time at the device rates, a parallel one fills the devices of each
     * rank at once up to the rank rates, ranks side by side up to the host-wide caps above
     * (h2d / d2h), a broadcast sends one buffer to every device of a rank at the broadcast
     * rate (counting each copy). 0 = not given: one flat link (the caps). */
    guint64 devices_per_rank;
    double device_h2d_bw_bytes_per_s, device_d2h_bw_bytes_per_s;
    double rank_h2d_bw_bytes_per_s, rank_d2h_bw_bytes_per_s;
} TsHostLinkSpec;

/* Kinds of host <-> device transfers (PrIM's CPU-DPU microbenchmark). */
typedef enum {
    TS_XFER_SERIAL_H2D,   /* one device after another, host -> device */
    TS_XFER_SERIAL_D2H,   /* device -> host, one after another */
    TS_XFER_PARALLEL_H2D, /* a distinct buffer to every device at once (scatter) */
    TS_XFER_PARALLEL_D2H, /* from every device at once (gather) */
    TS_XFER_BROADCAST,    /* the same buffer to every device */
} TsXferKind;

/* Seconds to move bytes_per_device to (from) each of n_devices devices over the link: the
 * latency and the DMA setup once per call (a serial transfer is one call per device), then
 * n x bytes (every copy of a broadcast counts) over the rate the kind reaches with that many
 * devices and ranks (docs/pim.md, "Host transfers"). Without rank keys: n x bytes over the
 * link's h2d (d2h, broadcast) bandwidth. 0 bandwidth = unlimited. The DES host_link
 * (sim/components/ts-host-link.h) charges a transfer the same way. */
double ts_host_link_transfer_s(const TsHostLinkSpec *spec, TsXferKind kind,
                               double bytes_per_device, guint64 n_devices);
/* The sustained rate of a kind with n_devices (bytes/s, counting every device's bytes; a
 * broadcast without a broadcast or device rate moves its copies at the parallel rate). */
double ts_host_link_rate(const TsHostLinkSpec *spec, TsXferKind kind, guint64 n_devices);
/* The host link landing in a storage level (the first storage level below it), or NULL.
 * storage_index as ts_arch_storage. Borrowed from the arch. */
const TsHostLinkSpec *ts_arch_storage_link_spec(const TsArch *arch, guint storage_index);

/* ---- Systolic array --------------------------------------------------------------------- */

typedef enum { TS_DATAFLOW_WS, TS_DATAFLOW_OS, TS_DATAFLOW_IS } TsDataflow;

typedef struct {
    guint64 rows, cols;
    TsDataflow dataflow;
    guint64 word_bits;        /* operand width */
    guint64 accumulator_bits; /* partial-sum width */
    guint64 pe_reg_words;     /* words of local storage per PE (0 = none) */
    /* Indices into the arch's level list of the expansion (see docs/arch-reference.md):
     * <name>.regs (storage, absent when pe_reg_words == 0) and <name>.mac (compute). */
    int regs_level, mac_level;
} TsSystolicSpec;

/* ---- PIM core --------------------------------------------------------------------------- */

typedef enum { TS_PIM_DPU, TS_PIM_BANK_UNIT } TsPimKind;

/* Issue slots (pipeline instructions) a UPMEM-like DPU spends per operation: the ISA's own
 * instructions, or the runtime library's routine for what the ISA lacks (docs/pim.md, "DPU
 * instruction costs"). X(key, default, doc); a default of 0 means "not given": an op that needs
 * it is an error naming the key. 32-bit multiply and divide are the runtime's step routines:
 * mul_int32_call / div_int32_call slots plus one mul_step / div_step per step (the smaller
 * operand's significant bits; the quotient's bits plus one). */
#define TS_DPU_OP_LIST(X)                                                                          \
    X(loop, 5, "per element of a streamed WRAM loop besides its arithmetic: address, load, "       \
               "store (or second load), index increment, compare-and-branch")                      \
    X(add_int32, 1, "32-bit add (one instruction)")                                                \
    X(sub_int32, 1, "32-bit subtract")                                                             \
    X(add_int64, 2, "64-bit add: add + addc")                                                      \
    X(sub_int64, 2, "64-bit subtract: sub + subc")                                                 \
    X(mul_int8, 1, "8 x 8-bit multiply: one mul_sl_sl on the 8-bit hardware multiplier")          \
    X(mul_int16, 7, "16 x 16-bit multiply: four 8 x 8 partial products and three shifted adds")    \
    X(mul_int32_call, 8, "32-bit multiply besides its mul_steps: call, argument move, operand "    \
                         "swap (3), clear, result move, return (__mulsi3)")                        \
    X(div_int32_call, 16, "32-bit signed divide besides its div_steps: call, argument move, stack " \
                          "save, two sign tests, inner call, two clz, subtract, two moves, jump "  \
                          "into the step table, three returns and the restore (__div32, "         \
                          "__udiv32)")                                                             \
    X(mul_int64, 0, "64-bit multiply: the runtime routine (__muldi3)")                             \
    X(div_int64, 0, "64-bit divide: the runtime routine")                                          \
    X(add_fp32, 0, "float add (soft-float routine)")                                               \
    X(sub_fp32, 0, "float subtract")                                                               \
    X(mul_fp32, 0, "float multiply")                                                               \
    X(div_fp32, 0, "float divide")                                                                 \
    X(add_fp64, 0, "double add")                                                                   \
    X(sub_fp64, 0, "double subtract")                                                              \
    X(mul_fp64, 0, "double multiply")                                                              \
    X(div_fp64, 0, "double divide")

typedef enum {
#define TS_DPU_X_ENUM(key, def, doc) TS_DPU_OP_##key,
    TS_DPU_OP_LIST(TS_DPU_X_ENUM) TS_DPU_OP_COUNT_
#undef TS_DPU_X_ENUM
} TsDpuOp;

/* Key ("mul_fp32"), default slots and description of a DPU operation. */
const char *ts_dpu_op_key(TsDpuOp op);
double ts_dpu_op_default(TsDpuOp op);
const char *ts_dpu_op_doc(TsDpuOp op);

typedef enum { TS_DPU_ADD, TS_DPU_SUB, TS_DPU_MUL, TS_DPU_DIV } TsDpuArith;

typedef struct {
    TsPimKind kind;
    double frequency_hz;
    /* UPMEM-like DPU */
    guint64 tasklets;        /* hardware threads used */
    guint64 max_tasklets;    /* hardware threads available */
    guint64 pipeline_stages; /* 14 on UPMEM */
    guint64 revolver_cycles; /* a tasklet issues at most once every N cycles (11): >= N
                                tasklets fill the pipeline */
    guint64 wram_bytes, mram_bytes, iram_bytes;
    double dma_alpha_read_cycles;  /* MRAM -> WRAM: alpha + beta * bytes */
    double dma_alpha_write_cycles; /* WRAM -> MRAM */
    double dma_beta_cycles_per_byte;
    guint64 max_dma_bytes;
    double wram_bytes_per_cycle; /* load/store width */
    double cycles_per_mac;       /* given: instructions per MAC (0 = from the instruction costs
                                    and the op's precision) */
    double dpu_slots[TS_DPU_OP_COUNT_]; /* issue slots per operation (0 = not given) */
    double instruction_pj;              /* energy per issued instruction */
    /* Bank-level PIM unit (HBM-PIM / AiM), next to banks_per_unit banks of the arch's first
     * dram level (dram_level), which it reads in that DRAM's all-bank mode: every bank of the
     * device opens a row and streams its columns at once, each into its own unit. */
    guint64 simd_lanes; /* MACs per cycle per unit */
    guint64 banks_per_unit;
    guint64 bank_bytes;             /* capacity of one bank (given, or the DRAM's) */
    double bank_bw_bytes_per_cycle; /* given read bandwidth per unit (bytes per core cycle);
                                       0 = derived from the DRAM's all-bank timing */
    double bank_read_pj, bank_write_pj; /* given energy per bank burst; < 0 = from the DRAM's
                                           IDD currents (array and periphery, no I/O) */
    guint64 reg_words;              /* register-file words per unit */
    guint64 word_bits;
    /* Derived: effective issue rate = min(tasklets, revolver_cycles) / revolver_cycles. */
    double issue_fraction;
    /* Derived for bank units (ts-arch-derive.c, docs/pim.md "Bank-level PIM"): the DRAM they
     * sit in (index into the level list), its row and burst sizes per bank, the all-bank row
     * cycle in tCK (ACT, the row's bursts at max(tCCD_L, tBURST), PRE, at least tRAS + tRP)
     * and the unit's time per row with banks_per_unit banks taking turns
     * (row cycle / banks / (1 - the refresh share)), the resulting read bandwidth per unit, and the
     * in-bank energy per burst (IDD4R over IDD3N for the burst, plus the row's activation
     * shared by its bursts). */
    int dram_level;
    double bank_row_bytes, bank_burst_bytes;
    double bank_row_cycle_tck, bank_unit_row_tck;
    double bank_unit_bw_bytes_per_s;
    double bank_refresh_fraction; /* of the time refresh takes the banks from all-bank mode */
    double bank_burst_pj;
    const char *bank_energy_source;
    /* Indices into the arch's level list of the expansion. */
    int mram_level, wram_level, bank_level, regs_level, alu_level;
} TsPimCoreSpec;

/* Issue slots of one arithmetic operation on a DPU at a number format (bits 8..64, fp TRUE for
 * floating point; 16-bit floats run as fp32, there being no narrower float routine). For the
 * 32-bit step routines, steps = operand bits (multiply: the smaller operand's significant
 * bits; divide: quotient bits + 1). Returns the slots, or -1 with *missing set to the key the
 * DPU does not give (NULL when nothing is missing). */
double ts_pim_dpu_arith_slots(const TsPimCoreSpec *spec, TsDpuArith op, guint bits, gboolean fp,
                              guint steps, const char **missing);

/* Issue slots per MAC of a DPU inner-product loop: the loop's own slots, the multiply at the
 * wider operand's format (operands of a_bits and b_bits, fp when either is floating point;
 * a 32-bit integer multiply takes min(a_bits, b_bits) steps) and the accumulate at acc_bits.
 * -1 and *missing as ts_pim_dpu_arith_slots. */
double ts_pim_dpu_mac_slots(const TsPimCoreSpec *spec, guint a_bits, gboolean a_fp, guint b_bits,
                            gboolean b_fp, guint acc_bits, gboolean acc_fp, const char **missing);

/* MRAM <-> WRAM DMA of bytes (one transfer): alpha + beta x bytes DPU cycles, read (MRAM to
 * WRAM) or write. Inline: the DES component uses it without linking the arch layer. */
static inline double ts_pim_dpu_dma_cycles(const TsPimCoreSpec *spec, double bytes, gboolean write)
{
    double alpha = write ? spec->dma_alpha_write_cycles : spec->dma_alpha_read_cycles;
    return alpha + spec->dma_beta_cycles_per_byte * bytes;
}

/* ---- Vector unit ------------------------------------------------------------------------ */

/* Per-element cost of one operation kind on a vector unit. */
typedef struct {
    const char *op;            /* "exp", "add", "mul", "div", "rsqrt", "max", ... */
    double cycles_per_element; /* per lane */
    double energy_pj_per_element;
} TsVectorOp;

typedef struct {
    guint64 lanes;
    guint64 word_bits;
    guint n_ops;
    TsVectorOp *ops; /* sorted by op name */
} TsVectorUnitSpec;

/* Cost of op on a vector unit, or NULL when the unit does not list it. */
const TsVectorOp *ts_vector_unit_op(const TsVectorUnitSpec *spec, const char *op);

/* ---- Device profile (UPMEM LLM profiler) ------------------------------------------------ */

/* Fraction of a peak (compute or memory bandwidth) a device reaches as a function of an op's
 * size: points (x[i], y[i]) with x strictly increasing and 0 < y <= 1, interpolated linearly
 * in log(x) and held flat outside the first and last points. n = 0: no curve (peak). */
typedef enum {
    TS_EFFICIENCY_BY_M,     /* rows of the op's input: tokens (the L dimension) */
    TS_EFFICIENCY_BY_FLOPS, /* FLOPs of the op (all instances) */
    TS_EFFICIENCY_BY_BYTES, /* bytes the op reads from device memory */
} TsEfficiencyBy;

typedef struct {
    TsEfficiencyBy by;
    guint n;
    const double *x, *y; /* owned by the arch */
} TsEfficiencyCurve;

/* Name of what a curve is indexed by ("M", "flops", "bytes"). */
const char *ts_efficiency_by_name(TsEfficiencyBy by);
/* The curve's fraction at size x (> 0); 1 when the curve has no points. */
double ts_efficiency_at(const TsEfficiencyCurve *curve, double x);

struct TsDeviceProfile {
    const char *name;          /* profile name as in the file ("PIM_AI_4dimm") */
    double h2d_bw_bytes_per_s; /* host_to_device_bw_GBs x 1e9 */
    double h2d_pj_per_bit;
    double d2h_bw_bytes_per_s;
    double d2h_pj_per_bit;
    double mem_bw_bytes_per_s; /* mem_bw_GBs x 1e9 */
    double mem_pj_per_bit;
    double flops_per_s;            /* tflops x 1e12 */
    double pj_per_tflop;           /* energy per 1e12 FLOPs, pJ */
    double flops_int4_per_s;       /* 0 = not given */
    double softmax_ns_per_element; /* 0 = not given */
    double silu_ns_per_element;
    double rmsnorm_ns_per_element;
    TsEfficiencyCurve compute_efficiency; /* native device_profile only; n = 0: peak */
    TsEfficiencyCurve memory_efficiency;
};

/* ---- Schema tables ---------------------------------------------------------------------- */

/* The native-format schema of class klass's `attributes:` mapping ({NULL}-terminated; the
 * offsets are private). Used for docs and `tilesim list components`. */
const TsField *ts_arch_class_fields(TsClass klass);
/* Keys of a DRAM level's `controller:` mapping (offsets into TsDramSpec). */
const TsField *ts_arch_dram_controller_fields(void);
/* One-line description of a class, and how it appears to the analytical model. */
const char *ts_arch_class_doc(TsClass klass);
/* Keys of a level entry (name, class, preset, attributes, spatial, levels) and of the top
 * `architecture:` mapping, as schema tables for docs. */
const TsField *ts_arch_level_fields(void);
const TsField *ts_arch_top_fields(void);
/* The UPMEM-profiler keys of a device profile (as in architectures_schema.json). */
const TsField *ts_arch_upmem_profile_fields(void);

/* Human listing of every class and key (markdown when markdown is TRUE; the text of
 * docs/arch-reference.md's generated part), newly allocated. */
char *ts_arch_components_text(gboolean markdown);

G_END_DECLS

#endif /* TS_ARCH_CLASSES_H */
