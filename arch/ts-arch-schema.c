/* Schema tables of the native architecture format: one TsField table per class (the keys of
 * a level's `attributes:`), the level and top-level keys, spatial meshes, vector-unit ops, and
 * the UPMEM profiler's device-profile keys; plus the generator of the class reference
 * (docs/arch-reference.md and `tilesim list components`), so the docs cannot drift from the
 * tables. Units, defaults and ranges live here and nowhere else. */
#include "ts-arch-classes.h"

#include <stddef.h>
#include <string.h>

#include "ts-arch-private.h"

/* clang-format off */
#define A(m) offsetof(TsNativeAttrs, m)
#define D(m) offsetof(TsNativeAttrs, dram.m)
#define T(m) offsetof(TsNativeAttrs, dram.cycles.m)

/* Physical range of each quantity kind (TS_RANGE_* in ts-arch-private.h), by token pasting on
 * the unit's enum name: QMIN_/QMAX_ TS_UNIT_FREQUENCY etc. */
#define QMIN_TS_UNIT_FREQUENCY TS_RANGE_CLOCK_MIN_HZ
#define QMAX_TS_UNIT_FREQUENCY TS_RANGE_CLOCK_MAX_HZ
#define QMIN_TS_UNIT_TIME 0
#define QMAX_TS_UNIT_TIME TS_RANGE_TIME_MAX_PS
#define QMIN_TS_UNIT_BANDWIDTH 0
#define QMAX_TS_UNIT_BANDWIDTH TS_RANGE_BW_MAX_BPS
#define QMIN_TS_UNIT_ENERGY 0
#define QMAX_TS_UNIT_ENERGY TS_RANGE_ENERGY_MAX_PJ
#define QMIN_TS_UNIT_ENERGY_PER_BIT 0
#define QMAX_TS_UNIT_ENERGY_PER_BIT TS_RANGE_EPB_MAX_PJ
#define QMIN_TS_UNIT_SIZE 0
#define QMAX_TS_UNIT_SIZE TS_RANGE_SIZE_MAX_B
#define QMIN_TS_UNIT_POWER 0
#define QMAX_TS_UNIT_POWER TS_RANGE_POWER_MAX_W
#define QMIN_TS_UNIT_AREA 0
#define QMAX_TS_UNIT_AREA TS_RANGE_AREA_MAX_UM2

/* {key, type, unit, required, default, min, max, min_exclusive, choices, offset, doc} */
#define UINT_POS(k, off, def, mx, doc) {k, TS_FIELD_UINT, TS_UNIT_NONE, FALSE, def, 0, mx, TRUE, NULL, off, doc}
#define UINT_REQ(k, off, mx, doc) {k, TS_FIELD_UINT, TS_UNIT_NONE, TRUE, NULL, 0, mx, TRUE, NULL, off, doc}
#define UINT_NN(k, off, def, mx, doc) {k, TS_FIELD_UINT, TS_UNIT_NONE, FALSE, def, 0, mx, FALSE, NULL, off, doc}
#define DBL(k, off, def, mn, mx, excl, doc) {k, TS_FIELD_DOUBLE, TS_UNIT_NONE, FALSE, def, mn, mx, excl, NULL, off, doc}
/* excl: the value must be > 0 (sizes, bandwidths, periods); frequencies start at 1 kHz. */
#define QTY(k, unit, off, def, excl, doc) {k, TS_FIELD_QUANTITY, unit, FALSE, def, QMIN_##unit, QMAX_##unit, (excl) && QMIN_##unit == 0, NULL, off, doc}
#define QTY_REQ(k, unit, off, doc) {k, TS_FIELD_QUANTITY, unit, TRUE, NULL, QMIN_##unit, QMAX_##unit, QMIN_##unit == 0, NULL, off, doc}
#define QTY_REQ0(k, unit, off, doc) {k, TS_FIELD_QUANTITY, unit, TRUE, NULL, 0, QMAX_##unit, FALSE, NULL, off, doc}
#define NODE(k, off, doc) {k, TS_FIELD_NODE, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, NULL, off, doc}
#define STR(k, off, doc) {k, TS_FIELD_STRING, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, NULL, off, doc}
#define END {NULL, 0, 0, FALSE, NULL, 0, 0, FALSE, NULL, 0, NULL}

#define BW_DOC(what)                                                                               \
    what " per instance: words per cycle of the arch clock (a plain number, as Timeloop) or a "   \
         "bandwidth with unit (25.6GB/s); absent = unlimited"

/* Energies shared by the storage classes. */
#define STORAGE_ENERGY                                                                             \
    QTY("read_energy", TS_UNIT_ENERGY, A(read_energy), NULL, FALSE,                                \
        "energy per vector read (block_size words); default: built-in table"),                   \
        QTY("write_energy", TS_UNIT_ENERGY, A(write_energy), NULL, FALSE,                          \
            "energy per vector fill from the parent; default: built-in table"),                   \
        QTY("update_energy", TS_UNIT_ENERGY, A(update_energy), NULL, FALSE,                        \
            "energy per vector update (partial sums from children); default: built-in table"),    \
        QTY("leak_power", TS_UNIT_POWER, A(leak_power), "0W", FALSE,                               \
            "static power per instance (reported as pJ per cycle)"),                              \
        QTY("area", TS_UNIT_AREA, A(area), "0um^2", FALSE, "area per instance")

#define STORAGE_MAPPING                                                                            \
    NODE("read_bandwidth", A(read_bandwidth), BW_DOC("read bandwidth")),                           \
        NODE("write_bandwidth", A(write_bandwidth), BW_DOC("write (fill) bandwidth")),            \
        NODE("shared_bandwidth", A(shared_bandwidth),                                              \
             BW_DOC("bandwidth shared by reads and writes")),                                      \
        DBL("multiple_buffering", A(multiple_buffering), "1", 1, 1e6, FALSE,                       \
            "1 = single buffered, 2 = double buffered (capacity for tiles = size / this)"),        \
        DBL("min_utilization", A(min_utilization), "0", 0, 1, FALSE,                               \
            "mappings must use at least this fraction of the capacity")

static const TsField sram_fields[] = {
    UINT_POS("depth", A(depth), NULL, TS_RANGE_WORDS_MAX, "rows; capacity = depth x block_size words"),
    UINT_POS("width_bits", A(width_bits), NULL, TS_RANGE_WIDTH_BITS_MAX,
             "bits per row, read in one vector access; sets block_size = width_bits / word_bits "
             "unless block_size is given"),
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX, "bits per word (the unit of tiles and bandwidth)"),
    UINT_POS("block_size", A(block_size), NULL, TS_RANGE_WIDTH_BITS_MAX,
             "words per vector access; default width_bits / word_bits, else 1"),
    UINT_POS("cluster_size", A(cluster_size), "1", TS_RANGE_WIDTH_BITS_MAX,
             "vector accesses per row (Timeloop's cluster size): width_bits = word_bits x "
             "block_size x cluster_size"),
    UINT_POS("entries", A(entries), NULL, TS_RANGE_WORDS_MAX, "capacity in words (instead of depth or size)"),
    QTY("size", TS_UNIT_SIZE, A(size_bytes), NULL, TRUE,
        "capacity in bytes, e.g. 108KB (instead of depth or entries)"),
    STORAGE_MAPPING,
    UINT_POS("banks", A(banks), "1", TS_RANGE_COUNT_MAX, "banks: the DES's bank contention, and the table energy model's per-access energy (its fit applies to one bank of size / banks words; PAT ignores banks)"),
    UINT_POS("ports", A(ports), "2", TS_RANGE_COUNT_MAX, "read/write ports"),
    UINT_NN("read_latency", A(read_latency), "1", TS_RANGE_CYCLES_MAX, "cycles from read request to data (DES)"),
    STORAGE_ENERGY,
    END,
};

static const char *const dram_page_choices[] = {"open", "close", NULL};
static const char *const dram_refresh_choices[] = {"rank_staggered", "rank_simultaneous",
                                                   "bank_staggered", "none", NULL};
static const char *const dram_queue_choices[] = {"per_bank", "per_rank", NULL};

#define C(m) offsetof(TsDramSpec, m)
/* Keys of a DRAM level's `controller:` mapping, applied onto its TsDramSpec. */
static const TsField dram_controller_fields[] = {
    STR("address_mapping", C(address_mapping),
        "DES: DRAMsim3-style address mapping, fields ch ra bg ba ro co from the most significant "
        "bits down (default rochrababgco)"),
    UINT_POS("trans_queue_size", C(trans_queue_size), NULL, TS_RANGE_QUEUE_MAX,
            "DES: transaction queue entries per (pseudo-)channel (default 32)"),
    UINT_POS("cmd_queue_size", C(cmd_queue_size), NULL, TS_RANGE_QUEUE_MAX,
            "DES: command queue entries per bank (per rank with queue_structure per_rank; "
            "default 8)"),
    UINT_POS("write_buf_size", C(write_buf_size), NULL, TS_RANGE_QUEUE_MAX,
            "DES: buffered writes that start a write drain when no read waits (default 16)"),
    {"page_policy", TS_FIELD_ENUM, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, dram_page_choices,
     C(page_policy), "DES: open (rows stay open, FR-FCFS) or close (auto-precharge)"},
    {"refresh_policy", TS_FIELD_ENUM, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE,
     dram_refresh_choices, C(refresh_policy),
     "DES: rank_staggered (tREFI / ranks), rank_simultaneous, bank_staggered (tREFIb, tRFCb) or "
     "none"},
    {"queue_structure", TS_FIELD_ENUM, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, dram_queue_choices,
     C(queue_structure), "DES: per_bank or per_rank command queues"},
    {"unified_queue", TS_FIELD_BOOL, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, NULL,
     C(unified_queue), "DES: reads and writes share one transaction queue"},
    {"dual_command", TS_FIELD_BOOL, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, NULL, C(dual_command),
     "DES: a row and a column command may issue in the same cycle (HBM)"},
    UINT_POS("allbank_turn_rows", C(allbank_turn_rows), NULL, TS_RANGE_COUNT_MAX,
             "DES: all-bank (PIM) mode and normal traffic take turns of at least this many "
             "all-bank row cycles while the other waits (default 8; the analytical model has "
             "no such contention)"),
    END,
};
#undef C

const TsField *ts_arch_dram_controller_fields(void)
{
    return dram_controller_fields;
}

static const TsField dram_fields[] = {
    STR("protocol", A(dram.protocol), "DDR4, LPDDR4, HBM2, GDDR6 ... (informative)"),
    UINT_POS("channels", D(channels), NULL, TS_RANGE_COUNT_MAX, "independent channels"),
    UINT_POS("ranks", D(ranks), NULL, TS_RANGE_COUNT_MAX, "ranks per channel"),
    UINT_POS("bankgroups", D(bankgroups), NULL, TS_RANGE_COUNT_MAX, "bank groups per rank (1 when the standard has none)"),
    UINT_POS("banks", D(banks), NULL, TS_RANGE_COUNT_MAX, "banks per bank group"),
    UINT_POS("rows", D(rows), NULL, TS_RANGE_CYCLES_MAX, "rows per bank"),
    UINT_POS("columns", D(columns), NULL, TS_RANGE_CYCLES_MAX, "column addresses per row"),
    UINT_POS("device_width_bits", D(device_width_bits), NULL, TS_RANGE_WORD_BITS_MAX, "DQ width of one device (x8 = 8)"),
    UINT_POS("bus_width_bits", D(bus_width_bits), NULL, TS_RANGE_WIDTH_BITS_MAX, "data bus width of one channel"),
    UINT_POS("burst_length", D(burst_length), NULL, TS_RANGE_COUNT_MAX, "BL: transfers per burst"),
    DBL("data_rate_mtps", D(data_rate_mtps), NULL, 0, 1e6, TRUE,
        "transfers per second per pin, in MT/s (DDR4-2400: 2400)"),
    QTY("tCK", TS_UNIT_TIME, D(tck_ps), NULL, TRUE, "command clock period (0.83ns)"),
#define TS_DRAM_X_FIELD(name, doc)                                                                 \
    {#name, TS_FIELD_UINT, TS_UNIT_NONE, FALSE, NULL, 0, TS_RANGE_CYCLES_MAX, TRUE, NULL, T(name),                  \
     doc ": tCK cycles, or a time (13.75ns) rounded up to whole cycles"},
    TS_DRAM_TIMING_LIST(TS_DRAM_X_FIELD)
#undef TS_DRAM_X_FIELD
#define TS_DRAM_X_OPT(name, doc)                                                                   \
    {#name, TS_FIELD_UINT, TS_UNIT_NONE, FALSE, NULL, 0, TS_RANGE_CYCLES_MAX, FALSE, NULL,          \
     T(name), doc ": tCK cycles (DES only)"},
    TS_DRAM_TIMING_OPT_LIST(TS_DRAM_X_OPT)
#undef TS_DRAM_X_OPT
    UINT_NN("pseudo_channels", D(pseudo_channels), NULL, TS_RANGE_COUNT_MAX,
            "DES: pseudo-channels per channel (HBM); each gets bus_width / this bits, every bank "
            "and its own controller (default 1)"),
    NODE("controller", A(dram_controller),
         "DES: the memory controller (keys in the `controller:` table below)"),
    DBL("VDD", D(vdd_v), NULL, 0, 100, FALSE, "supply voltage, V (for IDD-based command energies)"),
    DBL("IDD0", D(idd0_ma), NULL, 0, 1e6, FALSE, "activate-precharge current, mA"),
    DBL("IDD2N", D(idd2n_ma), NULL, 0, 1e6, FALSE, "precharge standby current, mA"),
    DBL("IDD3N", D(idd3n_ma), NULL, 0, 1e6, FALSE, "active standby current, mA"),
    DBL("IDD4R", D(idd4r_ma), NULL, 0, 1e6, FALSE, "burst read current, mA"),
    DBL("IDD4W", D(idd4w_ma), NULL, 0, 1e6, FALSE, "burst write current, mA"),
    DBL("IDD5AB", D(idd5ab_ma), NULL, 0, 1e6, FALSE, "all-bank refresh current, mA"),
    DBL("IDD5PB", D(idd5pb_ma), NULL, 0, 1e6, FALSE, "per-bank refresh current, mA (DES)"),
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX, "bits per word seen by the mapper"),
    UINT_POS("width_bits", A(width_bits), NULL, TS_RANGE_WIDTH_BITS_MAX,
             "bits per vector access for the analytical model; default bus_width_bits"),
    UINT_POS("block_size", A(block_size), NULL, TS_RANGE_WIDTH_BITS_MAX, "words per vector access; default width_bits / word_bits"),
    NODE("read_bandwidth", A(read_bandwidth), BW_DOC("read bandwidth")),
    NODE("write_bandwidth", A(write_bandwidth), BW_DOC("write bandwidth")),
    NODE("shared_bandwidth", A(shared_bandwidth),
         "bandwidth shared by reads and writes (words per cycle or B/s); default: the peak "
         "channels x bus width x data rate when timing is given"),
    QTY("energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(energy_per_bit), NULL, FALSE,
        "analytical energy per bit read or written; default 12.5 pJ/bit (Timeloop PAT: 200 pJ "
        "per 16 bits)"),
    QTY("read_energy", TS_UNIT_ENERGY, A(read_energy), NULL, FALSE,
        "energy per vector read; overrides energy_per_bit"),
    QTY("write_energy", TS_UNIT_ENERGY, A(write_energy), NULL, FALSE, "energy per vector write"),
    QTY("update_energy", TS_UNIT_ENERGY, A(update_energy), NULL, FALSE, "energy per vector update"),
    END,
};

static const TsField mac_fields[] = {
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX, "operand width"),
    UINT_POS("operand_a_bits", A(operand_a_bits), NULL, TS_RANGE_WORD_BITS_MAX, "first multiplier input; default word_bits"),
    UINT_POS("operand_b_bits", A(operand_b_bits), NULL, TS_RANGE_WORD_BITS_MAX, "second multiplier input; default word_bits"),
    UINT_POS("accumulator_bits", A(accumulator_bits), NULL, TS_RANGE_WORD_BITS_MAX, "partial-sum width; default 2 x word_bits (outputs wider than it are noted)"),
    DBL("macs_per_cycle", A(macs_per_cycle), "1", 0, TS_RANGE_RATE_MAX, TRUE, "MACs per cycle per instance"),
    QTY("mac_energy", TS_UNIT_ENERGY, A(mac_energy), NULL, FALSE,
        "energy per MAC; default: built-in table ((a/16)(b/16) pJ at 45 nm, node-scaled)"),
    QTY("leak_power", TS_UNIT_POWER, A(leak_power), "0W", FALSE, "static power per instance"),
    QTY("area", TS_UNIT_AREA, A(area), "0um^2", FALSE, "area per instance"),
    END,
};

static const TsField host_link_fields[] = {
    QTY_REQ("bandwidth", TS_UNIT_BANDWIDTH, A(h2d_bw), "host -> device bandwidth (22GB/s)"),
    QTY("d2h_bandwidth", TS_UNIT_BANDWIDTH, A(d2h_bw), NULL, TRUE,
        "device -> host bandwidth; default = bandwidth"),
    QTY("broadcast_bandwidth", TS_UNIT_BANDWIDTH, A(broadcast_bw), NULL, TRUE,
        "host -> all devices, same data, counting every copy (per rank with devices_per_rank)"),
    QTY("latency", TS_UNIT_TIME, A(latency), "0ns", FALSE, "per-transfer latency (each call, occupying the link: one call at a time; a serial transfer is a call per device)"),
    QTY("dma_setup", TS_UNIT_TIME, A(dma_setup), "0ns", FALSE, "per-transfer DMA setup, occupying the link (both engines)"),
    QTY_REQ0("energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(h2d_epb), "host -> device energy per bit"),
    QTY("d2h_energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(d2h_epb), NULL, FALSE,
        "device -> host energy per bit; default = energy_per_bit"),
    UINT_NN("devices_per_rank", A(devices_per_rank), "0", TS_RANGE_COUNT_MAX,
            "PIM DIMMs: devices sharing one rank's bus (64 DPUs); 0 = a flat link"),
    QTY("device_bandwidth", TS_UNIT_BANDWIDTH, A(device_bw), NULL, TRUE,
        "PIM DIMMs: host -> one device (a serial transfer)"),
    QTY("d2h_device_bandwidth", TS_UNIT_BANDWIDTH, A(d2h_device_bw), NULL, TRUE,
        "PIM DIMMs: one device -> host; default device_bandwidth"),
    QTY("rank_bandwidth", TS_UNIT_BANDWIDTH, A(rank_bw), NULL, TRUE,
        "PIM DIMMs: host -> all devices of a rank at once (parallel transfer)"),
    QTY("d2h_rank_bandwidth", TS_UNIT_BANDWIDTH, A(d2h_rank_bw), NULL, TRUE,
        "PIM DIMMs: all devices of a rank -> host; default rank_bandwidth"),
    END,
};

static const char *const dataflow_choices[] = {"ws", "os", "is", NULL};
static const char *const pim_kind_choices[] = {"dpu", "bank_unit", NULL};

static const TsField systolic_fields[] = {
    UINT_REQ("rows", A(rows), TS_RANGE_COUNT_MAX, "PE rows (meshY of the expansion)"),
    UINT_REQ("cols", A(cols), TS_RANGE_COUNT_MAX, "PE columns (meshX of the expansion)"),
    {"dataflow", TS_FIELD_ENUM, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, dataflow_choices,
     A(dataflow), "ws (weight), os (output) or is (input) stationary"},
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX, "operand width"),
    UINT_POS("accumulator_bits", A(accumulator_bits), NULL, TS_RANGE_WORD_BITS_MAX, "partial-sum width; default 2 x word_bits (outputs wider than it are noted)"),
    UINT_NN("pe_reg_words", A(pe_reg_words), "1", TS_RANGE_WORDS_MAX,
            "words of register storage per PE (the <name>.regs level; 0 = none)"),
    QTY("mac_energy", TS_UNIT_ENERGY, A(mac_energy), NULL, FALSE, "energy per MAC; default: table"),
    QTY("read_energy", TS_UNIT_ENERGY, A(read_energy), NULL, FALSE,
        "energy per PE-register read; default: table"),
    QTY("write_energy", TS_UNIT_ENERGY, A(write_energy), NULL, FALSE,
        "energy per PE-register write; default: table"),
    QTY("area", TS_UNIT_AREA, A(area), "0um^2", FALSE, "area per PE"),
    END,
};

static const TsField pim_fields[] = {
    {"kind", TS_FIELD_ENUM, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, pim_kind_choices, A(pim_kind),
     "dpu (UPMEM-like core with MRAM and WRAM) or bank_unit (HBM-PIM / AiM unit next to banks)"},
    QTY("frequency", TS_UNIT_FREQUENCY, A(frequency), NULL, TRUE, "core clock; default the arch clock"),
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX, "word width of the expansion's storage levels"),
    UINT_POS("tasklets", A(tasklets), "16", TS_RANGE_COUNT_MAX, "dpu: hardware threads used"),
    UINT_POS("max_tasklets", A(max_tasklets), "24", TS_RANGE_COUNT_MAX, "dpu: hardware threads available (tasklets may not exceed it)"),
    UINT_POS("pipeline_stages", A(pipeline_stages), "14", TS_RANGE_COUNT_MAX, "dpu: pipeline depth: the DES's latency to the results of elementwise work "
             "run on the DPUs as lanes (no vector unit); kernels issue at the revolver_cycles "
             "rate in both engines"),
    UINT_POS("revolver_cycles", A(revolver_cycles), "11", TS_RANGE_COUNT_MAX,
             "dpu: a tasklet issues at most once every N cycles, so >= N tasklets fill the "
             "pipeline"),
    QTY("wram_size", TS_UNIT_SIZE, A(wram_size), NULL, TRUE, "dpu (required): working RAM (64KB)"),
    QTY("mram_size", TS_UNIT_SIZE, A(mram_size), NULL, TRUE, "dpu (required): main RAM bank (64MB)"),
    QTY("iram_size", TS_UNIT_SIZE, A(iram_size), "24KB", TRUE, "dpu: instruction RAM (informative: kernels are taken to fit)"),
    DBL("dma_alpha_read", A(dma_alpha_read), NULL, 0, TS_RANGE_RATE_MAX, FALSE,
        "dpu (required): MRAM->WRAM DMA fixed cost, cycles (alpha of alpha + beta x bytes)"),
    DBL("dma_alpha_write", A(dma_alpha_write), NULL, 0, TS_RANGE_RATE_MAX, FALSE, "dpu (required): WRAM->MRAM DMA fixed cost, cycles"),
    DBL("dma_beta", A(dma_beta), NULL, 0, TS_RANGE_RATE_MAX, TRUE, "dpu (required): DMA cycles per byte"),
    UINT_POS("max_dma_bytes", A(max_dma_bytes), "2048", TS_RANGE_CYCLES_MAX, "dpu: largest single DMA"),
    DBL("wram_bytes_per_cycle", A(wram_bytes_per_cycle), "8", 0, TS_RANGE_RATE_MAX, TRUE,
        "dpu: WRAM load/store bytes per cycle"),
    DBL("cycles_per_mac", A(cycles_per_mac), NULL, 0, TS_RANGE_RATE_MAX, TRUE,
        "dpu: instructions per MAC whatever the precision; default from `instructions` and the "
        "op's precision (docs/pim.md)"),
    NODE("instructions", A(instructions),
         "dpu: issue slots per operation, {loop: 5, add_int32: 1, mul_fp32: 178, ...}: the "
         "ISA's instructions or the runtime routine (keys and defaults in docs/pim.md)"),
    QTY("instruction_energy", TS_UNIT_ENERGY, A(instruction_energy), "70pJ", FALSE,
        "dpu: energy per issued instruction (Horowitz, ISSCC 2014: ~70 pJ for a simple in-order "
        "core at 45 nm); a MAC costs its issue slots x this unless mac_energy is given"),
    QTY("mram_read_energy", TS_UNIT_ENERGY, A(mram_read_energy), NULL, FALSE,
        "dpu: energy of an 8-byte MRAM read (in-bank, no I/O); default: the built-in DRAM table"),
    QTY("mram_write_energy", TS_UNIT_ENERGY, A(mram_write_energy), NULL, FALSE,
        "dpu: energy of an 8-byte MRAM write; default mram_read_energy"),
    UINT_POS("simd_lanes", A(simd_lanes), NULL, TS_RANGE_COUNT_MAX, "bank_unit (required): MAC lanes (instances of <name>.alu per unit)"),
    UINT_POS("banks_per_unit", A(banks_per_unit), NULL, TS_RANGE_COUNT_MAX, "bank_unit (required): banks one unit reads"),
    QTY("bank_size", TS_UNIT_SIZE, A(bank_size), NULL, TRUE,
        "bank_unit: capacity of one bank; default the dram level's (rows x row bytes)"),
    DBL("bank_bandwidth", A(bank_bandwidth), NULL, 0, TS_RANGE_RATE_MAX, TRUE,
        "bank_unit: bytes per core cycle one unit reads from its banks; default derived from "
        "the dram level's all-bank timing and refresh (docs/pim.md), which the DES runs as "
        "all-bank commands on the dram component; given, the DES serves the bank level at "
        "this bandwidth instead"),
    QTY("bank_read_energy", TS_UNIT_ENERGY, A(bank_read_energy), NULL, FALSE,
        "bank_unit: energy of one in-bank burst read (no I/O); default from the dram level's "
        "IDD currents"),
    QTY("bank_write_energy", TS_UNIT_ENERGY, A(bank_write_energy), NULL, FALSE,
        "bank_unit: energy of one in-bank burst write; default from the IDD currents"),
    UINT_NN("reg_words", A(reg_words), "0", TS_RANGE_WORDS_MAX, "bank_unit: register-file words per unit (0 = none)"),
    QTY("mac_energy", TS_UNIT_ENERGY, A(mac_energy), NULL, FALSE, "energy per MAC; default: table"),
    QTY("area", TS_UNIT_AREA, A(area), "0um^2", FALSE, "area per core"),
    END,
};

static const TsField vector_fields[] = {
    UINT_REQ("lanes", A(lanes), TS_RANGE_COUNT_MAX, "elements per cycle"),
    UINT_POS("word_bits", A(word_bits), "16", TS_RANGE_WORD_BITS_MAX,
             "lane width: an element costs its ops: entry; elements wider than it are noted"),
    QTY("frequency", TS_UNIT_FREQUENCY, A(frequency), NULL, TRUE, "clock; default the arch clock"),
    {"ops", TS_FIELD_NODE, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, NULL, A(ops),
     "per-op costs: {exp: {cycles: 4, energy: 1.5pJ}, add: ...} per element per lane"},
    QTY("leak_power", TS_UNIT_POWER, A(leak_power), "0W", FALSE, "static power"),
    QTY("area", TS_UNIT_AREA, A(area), "0um^2", FALSE, "area"),
    END,
};

static const TsField device_fields[] = {
    QTY_REQ("host_to_device_bandwidth", TS_UNIT_BANDWIDTH, A(dp_h2d_bw), "host -> device"),
    QTY_REQ0("host_to_device_energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(dp_h2d_epb), "host -> device energy"),
    QTY_REQ("device_to_host_bandwidth", TS_UNIT_BANDWIDTH, A(dp_d2h_bw), "device -> host"),
    QTY_REQ0("device_to_host_energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(dp_d2h_epb), "device -> host energy"),
    QTY_REQ("memory_bandwidth", TS_UNIT_BANDWIDTH, A(dp_mem_bw), "device memory bandwidth"),
    QTY_REQ0("memory_energy_per_bit", TS_UNIT_ENERGY_PER_BIT, A(dp_mem_epb), "device memory energy"),
    {"tflops", TS_FIELD_DOUBLE, TS_UNIT_NONE, TRUE, NULL, 0, 1e6, TRUE, NULL, A(dp_flops),
     "peak TFLOP/s at the profile's data type"},
    QTY_REQ0("energy_per_flop", TS_UNIT_ENERGY, A(dp_pj_per_tflop), "energy per FLOP (0.4pJ)"),
    DBL("tflops_int4", A(dp_flops_int4), NULL, 0, 1e6, TRUE, "peak INT4 TOP/s"),
    QTY("softmax_time_per_element", TS_UNIT_TIME, A(dp_softmax_ns), NULL, TRUE, "softmax cost"),
    QTY("silu_time_per_element", TS_UNIT_TIME, A(dp_silu_ns), NULL, TRUE, "SiLU cost"),
    QTY("rmsnorm_time_per_element", TS_UNIT_TIME, A(dp_rmsnorm_ns), NULL, TRUE, "RMSNorm cost"),
    NODE("compute_efficiency", A(dp_compute_eff),
         "fraction of peak FLOP/s reached, by op size: {by: M|flops|bytes, points: [[x, f], "
         "...]} (log-linear between points, flat outside; profile engine)"),
    NODE("memory_efficiency", A(dp_memory_eff),
         "fraction of memory bandwidth reached, by op size (same form)"),
    END,
};

/* clang-format on */

const TsField *ts_arch_class_fields(TsClass klass)
{
    switch (klass) {
    case TS_CLASS_DRAM:
        return dram_fields;
    case TS_CLASS_SRAM:
    case TS_CLASS_REGFILE:
        return sram_fields;
    case TS_CLASS_HOST_LINK:
        return host_link_fields;
    case TS_CLASS_SYSTOLIC_ARRAY:
        return systolic_fields;
    case TS_CLASS_PIM_CORE:
        return pim_fields;
    case TS_CLASS_MAC:
        return mac_fields;
    case TS_CLASS_VECTOR_UNIT:
        return vector_fields;
    case TS_CLASS_DEVICE_PROFILE:
        return device_fields;
    case TS_CLASS_COUNT_:
        break;
    }
    g_return_val_if_reached(NULL);
}

const char *ts_arch_class_doc(TsClass klass)
{
    switch (klass) {
    case TS_CLASS_DRAM:
        return "Off-chip DRAM: organisation and JEDEC timing (from a preset: plus overrides) for "
               "the DES; an unbounded storage level with per-access energy and bandwidth for the "
               "analytical model. Without a preset, every organisation key (channels .. tCK) and "
               "every timing (tRCD .. tREFI) is required.";
    case TS_CLASS_SRAM:
        return "On-chip SRAM buffer: a storage level of depth x block_size words.";
    case TS_CLASS_REGFILE:
        return "Register file: a storage level like sram (same keys), usually per PE.";
    case TS_CLASS_HOST_LINK:
        return "Host <-> device link (PCIe, DDR channel to PIM DIMMs): not a mapping level; it "
               "caps the fill (and drain) bandwidth of the first storage level below it and adds "
               "its energy per bit to that level's fills (drains).";
    case TS_CLASS_SYSTOLIC_ARRAY:
        return "rows x cols PE array with a dataflow; expands into a fan-out of rows x cols "
               "(meshY x meshX) of <name>.regs (pe_reg_words per PE; omitted when 0) and "
               "<name>.mac (compute).";
    case TS_CLASS_PIM_CORE:
        return "Processing-in-memory core. kind dpu (UPMEM-like) expands into <name>.mram "
               "(storage, DMA bandwidth 1/dma_beta bytes/cycle), <name>.wram (storage) and "
               "<name>.alu (compute: a MAC costs the issue slots of its loop, multiply and add at "
               "the op's precision, one slot per cycle at full issue); kind "
               "bank_unit (HBM-PIM, AiM) into <name>.bank (the banks it reads), optional "
               "<name>.regs and <name>.alu (simd_lanes MAC instances per unit, a spatial "
               "fan-out along X). Replicate with a container's spatial. A key of one kind (dpu: "
               "or bank_unit: below) given to a core of the other is an error.";
    case TS_CLASS_MAC:
        return "Multiply-accumulate units: the compute level.";
    case TS_CLASS_VECTOR_UNIT:
        return "Vector unit for non-GEMM ops (softmax, layernorm, GELU): per-element cycles and "
               "energy per op; not a mapping level.";
    case TS_CLASS_DEVICE_PROFILE:
        return "A roofline device (UPMEM LLM profiler profile): host<->device and memory "
               "bandwidths, peak FLOP/s and energies; not a mapping level.";
    case TS_CLASS_COUNT_:
        break;
    }
    return "?";
}

/* clang-format off */
#define L(m) offsetof(TsNativeLevel, m)
static const TsField level_fields[] = {
    {"name", TS_FIELD_STRING, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, NULL, L(name),
     "unique level name (mapping targets use it)"},
    STR("class", L(klass), "component class (below); absent for a container"),
    STR("preset", L(preset), "dram: timing/organisation preset, then attributes override"),
    NODE("attributes", L(attributes), "the class's keys (below)"),
    NODE("spatial", L(spatial), "container: {meshX, meshY} replicating every level inside"),
    NODE("levels", L(levels), "container: the levels inside, outermost first"),
    NODE("constraints", L(constraints),
         "map-space rules for this level: {dataspace: {keep, bypass}, temporal: {factors, "
         "permutation}, spatial: {...}} as in docs/mapper.md"),
    NODE("resident", L(resident),
         "data residency: tensor roles whose home is this level, loaded once before any "
         "inference and reported apart from the per-inference cost: a list of parameters "
         "(projection weights, LUT-NN tables) and kv_cache (decode attention's K and V); "
         "levels above bypass them (docs/pim.md). A pim_core's applies to its memory (.mram, "
         ".bank)"),
    STR("description", L(description), "free text"),
    END,
};

#define TOP(m) offsetof(TsNativeTop, m)
static const TsField top_fields[] = {
    {"name", TS_FIELD_STRING, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, NULL, TOP(name),
     "architecture name"},
    {"clock", TS_FIELD_QUANTITY, TS_UNIT_FREQUENCY, TRUE, NULL, TS_RANGE_CLOCK_MIN_HZ,
     TS_RANGE_CLOCK_MAX_HZ, FALSE, NULL, TOP(clock_hz),
     "clock of the mapping levels (cycles are counted in it)"},
    {"technology", TS_FIELD_QUANTITY, TS_UNIT_LENGTH_NM, FALSE, "45nm", 1, 1000, FALSE, NULL,
     TOP(technology_nm), "process node; scales the built-in energies (docs/energy.md)"},
    {"levels", TS_FIELD_NODE, TS_UNIT_NONE, TRUE, NULL, 0, 0, FALSE, NULL, TOP(levels),
     "levels outermost first"},
    STR("description", TOP(description), "free text"),
    STR("version", TOP(version), "format version (informative)"),
    END,
};

static const TsField spatial_fields[] = {
    {"meshX", TS_FIELD_UINT, TS_UNIT_NONE, FALSE, "1", 0, TS_RANGE_COUNT_MAX, TRUE, NULL,
     offsetof(TsNativeSpatial, mesh_x), "instances along X"},
    {"meshY", TS_FIELD_UINT, TS_UNIT_NONE, FALSE, "1", 0, TS_RANGE_COUNT_MAX, TRUE, NULL,
     offsetof(TsNativeSpatial, mesh_y), "instances along Y"},
    END,
};

static const TsField vector_op_fields[] = {
    {"cycles", TS_FIELD_DOUBLE, TS_UNIT_NONE, TRUE, NULL, 0, TS_RANGE_RATE_MAX, TRUE, NULL,
     offsetof(TsVectorOpAttrs, cycles), "cycles per element per lane"},
    {"energy", TS_FIELD_QUANTITY, TS_UNIT_ENERGY, TRUE, NULL, 0, TS_RANGE_ENERGY_MAX_PJ, FALSE, NULL,
     offsetof(TsVectorOpAttrs, energy), "energy per element"},
    END,
};

#define U(m) offsetof(TsUpmemRaw, m)
/* The profiler's plain numbers: GB/s and TFLOP/s up to 1e6 (1 PB/s, 1 EFLOP/s), pJ per bit up
 * to TS_RANGE_EPB_MAX_PJ, pJ per TFLOP up to 1e18 (1e6 pJ per FLOP), ns per element up to 1 s. */
#define UP_REQ(k, m, mx, doc) {k, TS_FIELD_DOUBLE, TS_UNIT_NONE, TRUE, NULL, 0, mx, TRUE, NULL, U(m), doc}
#define UP_REQ0(k, m, mx, doc) {k, TS_FIELD_DOUBLE, TS_UNIT_NONE, TRUE, NULL, 0, mx, FALSE, NULL, U(m), doc}
#define UP_OPT(k, m, mx, doc) {k, TS_FIELD_DOUBLE, TS_UNIT_NONE, FALSE, NULL, 0, mx, TRUE, NULL, U(m), doc}
static const TsField upmem_fields[] = {
    UP_REQ("host_to_device_bw_GBs", h2d_gbs, 1e6, "Host to device bandwidth in GB/s"),
    UP_REQ0("host_to_device_pj_per_bit", h2d_pj_per_bit, TS_RANGE_EPB_MAX_PJ, "Host to device energy per bit in pJ"),
    UP_REQ("device_to_host_bw_GBs", d2h_gbs, 1e6, "Device to host bandwidth in GB/s"),
    UP_REQ0("device_to_host_pj_per_bit", d2h_pj_per_bit, TS_RANGE_EPB_MAX_PJ, "Device to host energy per bit in pJ"),
    UP_REQ("mem_bw_GBs", mem_gbs, 1e6, "Memory bandwidth in GB/s"),
    UP_REQ0("mem_pj_per_bit", mem_pj_per_bit, TS_RANGE_EPB_MAX_PJ, "Memory energy per bit in pJ"),
    UP_REQ("tflops", tflops, 1e6, "TFLOPS"),
    UP_REQ0("pj_per_tflop", pj_per_tflop, 1e18, "Energy per TFLOP in pJ"),
    UP_OPT("tflops_int4", tflops_int4, 1e6, "TFLOPS for INT4 (optional)"),
    UP_OPT("softmax_ns_per_element", softmax_ns, 1e9, "Softmax latency per element in ns (optional)"),
    UP_OPT("SiLU_ns_per_element", silu_ns, 1e9, "SiLU latency per element in ns (optional)"),
    UP_OPT("RMSNorm_ns_per_element", rmsnorm_ns, 1e9, "RMSNorm latency per element in ns (optional)"),
    END,
};

/* clang-format on */

const TsField *ts_arch_level_fields(void)
{
    return level_fields;
}

const TsField *ts_arch_top_fields(void)
{
    return top_fields;
}

const TsField *ts_arch_spatial_fields(void)
{
    return spatial_fields;
}

const TsField *ts_arch_vector_op_fields(void)
{
    return vector_op_fields;
}

const TsField *ts_arch_upmem_profile_fields(void)
{
    return upmem_fields;
}

int ts_arch_field_index(const TsField *fields, const char *key)
{
    for (int i = 0; fields[i].key; i++) {
        if (strcmp(fields[i].key, key) == 0)
            return i;
    }
    return -1;
}

/* ---- Reference text ----------------------------------------------------------------------- */

static char *bound_text(const TsField *f, double v)
{
    if (f->type == TS_FIELD_QUANTITY && v != 0)
        return ts_unit_format(v, f->unit);
    const char *unit = f->type == TS_FIELD_QUANTITY ? ts_unit_base_name(f->unit) : "";
    return g_strdup_printf("%.15g%s%s", v, unit[0] ? " " : "", unit);
}

/* "1 kHz .. 1000 GHz", "> 0 B/s, <= 1000 TB/s", ">= 0": the range check_range applies. */
static char *range_text(const TsField *f)
{
    if (f->type == TS_FIELD_ENUM) {
        g_autofree char *list = g_strjoinv(", ", (char **)f->choices);
        return g_strdup(list);
    }
    if (f->min == 0.0 && f->max == 0.0)
        return g_strdup(f->min_exclusive ? "> 0" : "");
    g_autofree char *lo = bound_text(f, f->min);
    if (!(f->max > f->min))
        return g_strdup_printf("%s %s", f->min_exclusive ? ">" : ">=", lo);
    g_autofree char *hi = bound_text(f, f->max);
    if (f->type == TS_FIELD_UINT && f->min_exclusive && f->min == 0)
        return g_strdup_printf("1 .. %s", hi);
    if (f->min_exclusive)
        return g_strdup_printf("> %s, <= %s", lo, hi);
    return g_strdup_printf("%s .. %s", lo, hi);
}

static void fields_text(GString *s, const TsField *fields, gboolean md)
{
    if (md) {
        g_string_append(s, "| key | type | required / default | range | description |\n");
        g_string_append(s, "|---|---|---|---|---|\n");
    }
    for (guint i = 0; fields[i].key; i++) {
        const TsField *f = &fields[i];
        g_autofree char *range = range_text(f);
        g_strstrip(range);
        const char *def = f->required ? "required" : f->default_text ? f->default_text : "-";
        if (md)
            g_string_append_printf(s, "| `%s` | %s | %s | %s | %s |\n", f->key,
                                   ts_field_type_name(f), def, range, f->doc ? f->doc : "");
        else
            g_string_append_printf(s, "    %-30s %-24s %-10s %-14s %s\n", f->key,
                                   ts_field_type_name(f), def, range, f->doc ? f->doc : "");
    }
    if (md)
        g_string_append_c(s, '\n');
}

static void presets_text(GString *s, gboolean md)
{
    const char *const *names = ts_dram_preset_names();
    if (md) {
        g_string_append(s, "| preset | org | MT/s | tCK (ps) |");
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++)
            g_string_append_printf(s, " %s |", ts_dram_timing_name((TsDramTimingId)t));
        g_string_append(s, "\n|---|---|---|---|");
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++)
            g_string_append(s, "---|");
        g_string_append_c(s, '\n');
    }
    for (guint i = 0; names[i]; i++) {
        const TsDramSpec *d = ts_dram_preset(names[i]);
        g_autofree char *org =
            g_strdup_printf("%" G_GUINT64_FORMAT "ch x %" G_GUINT64_FORMAT "rk x %" G_GUINT64_FORMAT
                            "bg x %" G_GUINT64_FORMAT "ba, %" G_GUINT64_FORMAT
                            " rows x %" G_GUINT64_FORMAT " cols, x%" G_GUINT64_FORMAT
                            " devices, %" G_GUINT64_FORMAT "-bit bus, BL%" G_GUINT64_FORMAT,
                            d->channels, d->ranks, d->bankgroups, d->banks, d->rows, d->columns,
                            d->device_width_bits, d->bus_width_bits, d->burst_length);
        if (md)
            g_string_append_printf(s, "| %s | %s | %.0f | %.0f |", d->preset, org,
                                   d->data_rate_mtps, d->tck_ps);
        else
            g_string_append_printf(s, "    %-12s %s, %.0f MT/s, tCK %.0f ps\n      ", d->preset,
                                   org, d->data_rate_mtps, d->tck_ps);
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++) {
            guint64 v = ts_dram_timing_get(&d->cycles, (TsDramTimingId)t);
            if (md)
                g_string_append_printf(s, " %" G_GUINT64_FORMAT " |", v);
            else
                g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT,
                                       ts_dram_timing_name((TsDramTimingId)t), v);
        }
        g_string_append_c(s, '\n');
    }
    if (md)
        g_string_append_c(s, '\n');
}

char *ts_arch_components_text(gboolean md)
{
    GString *s = g_string_new(NULL);
    if (md) {
        g_string_append(s, "### Top level: `architecture:`\n\n");
        fields_text(s, top_fields, md);
        g_string_append(s, "### Entries of `levels:`\n\n");
        fields_text(s, level_fields, md);
        g_string_append(s, "`spatial:` of a container:\n\n");
        fields_text(s, spatial_fields, md);
    } else {
        g_string_append(s, "architecture: (top level)\n");
        fields_text(s, top_fields, md);
        g_string_append(s, "levels[] entries:\n");
        fields_text(s, level_fields, md);
        g_string_append(s, "spatial: (containers)\n");
        fields_text(s, spatial_fields, md);
    }
    for (int k = 0; k < TS_CLASS_COUNT_; k++) {
        if (k == TS_CLASS_REGFILE) {
            if (md)
                g_string_append(s, "### Class `regfile`\n\nSame keys as `sram`. ");
            else
                g_string_append(s, "class regfile: same keys as sram.\n");
            if (md)
                g_string_append_printf(s, "%s\n\n", ts_arch_class_doc((TsClass)k));
            continue;
        }
        if (md)
            g_string_append_printf(s, "### Class `%s`\n\n%s\n\n", ts_class_name((TsClass)k),
                                   ts_arch_class_doc((TsClass)k));
        else
            g_string_append_printf(s, "class %s: %s\n", ts_class_name((TsClass)k),
                                   ts_arch_class_doc((TsClass)k));
        fields_text(s, ts_arch_class_fields((TsClass)k), md);
        if (k == TS_CLASS_DRAM) {
            g_string_append(s, md ? "Keys of `controller:` (DES memory controller, DRAMsim3's "
                                    "[system] settings):\n\n"
                                  : "  controller keys:\n");
            fields_text(s, dram_controller_fields, md);
            g_string_append(s, md ? "DRAM presets (`preset:`; timing in tCK cycles):\n\n"
                                  : "  presets (timing in tCK cycles):\n");
            presets_text(s, md);
        }
        if (k == TS_CLASS_VECTOR_UNIT) {
            g_string_append(
                s, md ? "Op names the models look up: an elementwise op's kind (`softmax`, "
                        "`layernorm`, `gelu`, ...),\nthen its main operation (`exp`, `add`, "
                        "`mul`); `lut` for a LUT-NN op costed as vector work;\n`mac` (else "
                        "`mul`) for an einsum placed on a host's vector unit ([pim.md](pim.md), "
                        "\"Op\nplacement\"); `ccs` for a LUT-NN closest-centroid search on the "
                        "host, per subtract, multiply,\nadd or compare (else `add`/`mul` on every "
                        "lane).\n\nEach entry of `ops:`:\n\n"
                      : "  op names: the elementwise kind, then its main operation; lut (LUT-NN "
                        "op), mac or mul (an einsum on a host), ccs (LUT-NN centroid search on "
                        "the host)\n  ops entries:\n");
            fields_text(s, vector_op_fields, md);
        }
    }
    g_string_append(s, md ? "### UPMEM LLM profiler device profiles (`tilesim check FILE "
                            "--device NAME`)\n\n"
                          : "UPMEM profiler device profile keys (tilesim check FILE --device "
                            "NAME):\n");
    fields_text(s, upmem_fields, md);
    return g_string_free(s, FALSE);
}
