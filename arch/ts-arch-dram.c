/* DRAM presets (organisation + JEDEC timing in tCK cycles + IDD currents where a public
 * config gives them) and the timing-name table. Sources, per preset (docs/arch-reference.md):
 *   DDR4-2400   DRAMsim3 DDR4_8Gb_x8_2400 with one rank, as shared/reference/dram/ holds it
 *   DDR4-3200   DRAMsim3 configs/DDR4_8Gb_x8_3200.ini
 *   LPDDR4-3200 Ramulator 1 LPDDR4.h speed table LPDDR4_3200 (JESD209-4), 8Gb x16 die
 *   HBM2        DRAMsim3 configs/HBM2_8Gb_x128.ini (8 channels x 128 bits, 2 Gb/s/pin; the
 *               config's 64 columns are 128 physical columns of 128 bits, as DRAMsim3 counts)
 *   GDDR6       Ramulator 2.0 GDDR6 timing preset GDDR6_2000_1350mV_double, tCK 570 ps,
 *               14 Gb/s per pin, one x16 channel; tBURST = 2 tCK (16n prefetch, 8 transfers
 *               per tCK)
 * tRC, where a config leaves it implicit, is tRAS + tRP. */
#include "ts-arch-private.h"

#include <math.h>
#include <string.h>

static const char *const timing_names[TS_DRAM_T_ALL_COUNT_] = {
#define TS_DRAM_X_NAME(name, doc) #name,
    TS_DRAM_TIMING_LIST(TS_DRAM_X_NAME) TS_DRAM_TIMING_OPT_LIST(TS_DRAM_X_NAME)
#undef TS_DRAM_X_NAME
};

static const char *const timing_docs[TS_DRAM_T_ALL_COUNT_] = {
#define TS_DRAM_X_DOC(name, doc) doc,
    TS_DRAM_TIMING_LIST(TS_DRAM_X_DOC) TS_DRAM_TIMING_OPT_LIST(TS_DRAM_X_DOC)
#undef TS_DRAM_X_DOC
};

G_STATIC_ASSERT(sizeof(TsDramTimings) == TS_DRAM_T_ALL_COUNT_ * sizeof(guint64));

const char *ts_dram_timing_name(TsDramTimingId id)
{
    g_return_val_if_fail(id < TS_DRAM_T_ALL_COUNT_, "?");
    return timing_names[id];
}

const char *ts_dram_timing_doc(TsDramTimingId id)
{
    g_return_val_if_fail(id < TS_DRAM_T_ALL_COUNT_, "?");
    return timing_docs[id];
}

guint64 ts_dram_timing_get(const TsDramTimings *t, TsDramTimingId id)
{
    g_return_val_if_fail(t != NULL && id < TS_DRAM_T_ALL_COUNT_, 0);
    const guint64 *v = (const guint64 *)t;
    return v[id];
}

/* clang-format off */
/* Timing initialiser in list order: tRCD tRP tCL tCWL tRAS tRC tCCD_S tCCD_L tRRD_S tRRD_L tFAW
 * tWR tWTR_S tWTR_L tRTP tBURST tRFC tREFI, then tRTRS and optional timings by name. */
#define TIMING(rcd, rp, cl, cwl, ras, rc, ccds, ccdl, rrds, rrdl, faw, wr, wtrs, wtrl, rtp, bst,  \
               rfc, refi, rtrs, ...)                                                               \
    {rcd, rp, cl, cwl, ras, rc, ccds, ccdl, rrds, rrdl, faw, wr, wtrs, wtrl, rtp, bst, rfc, refi,  \
     .tRTRS = rtrs, __VA_ARGS__}

static const TsDramSpec presets[] = {
    {
        .preset = "DDR4-2400",
        .protocol = "DDR4",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 65536, .columns = 1024,
        .device_width_bits = 8, .bus_width_bits = 64, .burst_length = 8,
        .data_rate_mtps = 2400, .tck_ps = 2500.0 / 3.0, /* JEDEC: 833.33 ps */
        .cycles = TIMING(17, 17, 17, 12, 39, 56, 4, 6, 4, 6, 26, 18, 3, 9, 9, 4, 420, 9360, 1),
        .vdd_v = 1.2, .idd0_ma = 48, .idd2n_ma = 34, .idd3n_ma = 43, .idd4r_ma = 135,
        .idd4w_ma = 123, .idd5ab_ma = 250,
        .address_mapping = "rochrababgco", .trans_queue_size = 32, .cmd_queue_size = 8,
    },
    {
        .preset = "DDR4-3200",
        .protocol = "DDR4",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 65536, .columns = 1024,
        .device_width_bits = 8, .bus_width_bits = 64, .burst_length = 8,
        .data_rate_mtps = 3200, .tck_ps = 625,
        .cycles = TIMING(22, 22, 22, 16, 52, 74, 4, 8, 4, 8, 34, 24, 4, 12, 12, 4, 560, 12480, 1),
        .vdd_v = 1.2, .idd0_ma = 57, .idd2n_ma = 37, .idd3n_ma = 52, .idd4r_ma = 168,
        .idd4w_ma = 150, .idd5ab_ma = 250,
        .address_mapping = "rochrababgco", .trans_queue_size = 32, .cmd_queue_size = 8,
    },
    {
        .preset = "LPDDR4-3200",
        .protocol = "LPDDR4",
        .has_timing = TRUE,
        .channels = 2, .ranks = 1, .bankgroups = 1, .banks = 8, .rows = 32768, .columns = 1024,
        .device_width_bits = 16, .bus_width_bits = 16, .burst_length = 16,
        .data_rate_mtps = 3200, .tck_ps = 625,
        /* tCL 29+3, tRCD 29, tRPpb 27, tCWL 15+3, tRAS 68, tRC 95, tCCD 8, tRRD 16, tFAW 64,
         * tWR 28, tWTR 16, tRTP 12+2, BL16 = 8 tCK; tRFCab 180 ns (4 Gb per channel) = 288,
         * tREFI 3.904 us = 6246. */
        .cycles = TIMING(29, 27, 32, 18, 68, 95, 8, 8, 16, 16, 64, 28, 16, 16, 14, 8, 288, 6246, 2,
                         .tPPD = 4),
        .address_mapping = "rochrababgco", .trans_queue_size = 32, .cmd_queue_size = 8,
    },
    {
        .preset = "HBM2",
        .protocol = "HBM2",
        .has_timing = TRUE,
        .channels = 8, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 32768, .columns = 128,
        .device_width_bits = 128, .bus_width_bits = 128, .burst_length = 4,
        .data_rate_mtps = 2000, .tck_ps = 1000,
        /* tRTP = tRTP_L (6); BL4 = 2 tCK; 128 physical columns of 128 bits (2 KB rows: the
         * config's 64 columns times the 2n prefetch, as DRAMsim3 counts them). tRFCb is
         * DRAMsim3's default (20), tREFIb the config's 128. */
        .cycles = TIMING(14, 14, 14, 4, 34, 48, 1, 2, 4, 6, 30, 16, 6, 8, 6, 2, 260, 3900, 1,
                         .tRCDWR = 14, .tRFCb = 20, .tREFIb = 128),
        .vdd_v = 1.2, .idd0_ma = 65, .idd2n_ma = 40, .idd3n_ma = 55, .idd4r_ma = 390,
        .idd4w_ma = 500, .idd5ab_ma = 250,
        /* DRAMsim3 HBM2_8Gb_x128.ini: rorabgbachco, per-rank command queues of 32,
         * transaction queues of 16, dual command issue. */
        .address_mapping = "rorabgbachco", .trans_queue_size = 16, .cmd_queue_size = 32,
        .queue_structure = TS_DRAM_QUEUE_PER_RANK, .dual_command = TRUE,
    },
    {
        .preset = "GDDR6",
        .protocol = "GDDR6",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 16384, .columns = 1024,
        .device_width_bits = 16, .bus_width_bits = 16, .burst_length = 16,
        .data_rate_mtps = 14000, .tck_ps = 570,
        /* tRCD = nRCDRD 26; tWTR_S/L 9/11; tRFC 210; tREFI 3333. */
        .cycles = TIMING(26, 26, 24, 6, 53, 79, 4, 6, 7, 7, 28, 26, 9, 11, 4, 2, 210, 3333, 1,
                         .tRCDWR = 16, .tPPD = 2),
        .address_mapping = "rochrababgco", .trans_queue_size = 32, .cmd_queue_size = 8,
    },
};

/* clang-format on */

static const char *const preset_names[] = {"DDR4-2400", "DDR4-3200", "LPDDR4-3200",
                                           "HBM2",      "GDDR6",     NULL};

const char *const *ts_dram_preset_names(void)
{
    return preset_names;
}

const TsDramSpec *ts_dram_preset(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);
    for (guint i = 0; i < G_N_ELEMENTS(presets); i++) {
        if (g_ascii_strcasecmp(presets[i].preset, name) == 0)
            return &presets[i];
    }
    return NULL;
}

/* ---- Address mapping and derivation ------------------------------------------------------- */

gboolean ts_dram_address_mapping_valid(const char *mapping, char **why)
{
    static const char *const fields[] = {"ch", "ra", "bg", "ba", "ro", "co"};
    if (mapping == NULL || strlen(mapping) != 12) {
        *why = g_strdup_printf("address mapping '%s' must have 12 characters: the fields ch ra "
                               "bg ba ro co, each once, most significant first (e.g. "
                               "rochrababgco)",
                               mapping ? mapping : "");
        return FALSE;
    }
    guint seen = 0;
    for (guint i = 0; i < 12; i += 2) {
        guint f;
        for (f = 0; f < G_N_ELEMENTS(fields); f++)
            if (strncmp(mapping + i, fields[f], 2) == 0)
                break;
        if (f == G_N_ELEMENTS(fields) || (seen & (1u << f))) {
            *why = g_strdup_printf("address mapping '%s': field '%.2s' at position %u is %s "
                                   "(expected each of ch ra bg ba ro co once)",
                                   mapping, mapping + i, i / 2 + 1,
                                   f == G_N_ELEMENTS(fields) ? "unknown" : "repeated");
            return FALSE;
        }
        seen |= 1u << f;
    }
    return TRUE;
}

static guint64 gcd_u64(guint64 a, guint64 b)
{
    while (b) {
        guint64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The smallest-denominator fraction (den <= 1000) within 1e-6 ps of tck_ps: 830 -> 830/1,
 * 833.333... -> 2500/3, 570 -> 570/1. */
static void tck_fraction(double tck_ps, guint64 *num, guint64 *den)
{
    for (guint64 d = 1; d <= 1000; d++) {
        double n = tck_ps * (double)d;
        double r = floor(n + 0.5);
        if (fabs(n - r) <= 1e-6 * (double)d && r >= 1) {
            guint64 g = gcd_u64((guint64)r, d);
            *num = (guint64)r / g;
            *den = d / g;
            return;
        }
    }
    *num = (guint64)ceil(tck_ps);
    *den = 1;
}

gboolean ts_dram_spec_has_currents(const TsDramSpec *d)
{
    g_return_val_if_fail(d != NULL, FALSE);
    return d->vdd_v > 0.0 &&
           (d->idd0_ma > 0.0 || d->idd2n_ma > 0.0 || d->idd3n_ma > 0.0 || d->idd4r_ma > 0.0 ||
            d->idd4w_ma > 0.0 || d->idd5ab_ma > 0.0 || d->idd5pb_ma > 0.0);
}

gboolean ts_dram_spec_derive(TsDramSpec *d, char **why)
{
    g_return_val_if_fail(d != NULL && why != NULL, FALSE);
    if (d->tck_ps <= 0 || d->data_rate_mtps <= 0 || d->bus_width_bits == 0 ||
        d->device_width_bits == 0) {
        *why = g_strdup("DRAM needs tCK, data rate, bus width and device width > 0");
        return FALSE;
    }
    if (d->bus_width_bits % d->device_width_bits != 0) {
        *why = g_strdup_printf(
            "bus width must be a multiple of the device width (got %" G_GUINT64_FORMAT
            " / %" G_GUINT64_FORMAT ")",
            d->bus_width_bits, d->device_width_bits);
        return FALSE;
    }
    if (d->cycles.tRC < d->cycles.tRAS) {
        *why = g_strdup_printf("tRC must be >= tRAS (got %" G_GUINT64_FORMAT " < %" G_GUINT64_FORMAT
                               ")",
                               d->cycles.tRC, d->cycles.tRAS);
        return FALSE;
    }
    /* Controller defaults. */
    if (d->address_mapping == NULL)
        d->address_mapping = "rochrababgco";
    if (!ts_dram_address_mapping_valid(d->address_mapping, why))
        return FALSE;
    if (d->pseudo_channels == 0)
        d->pseudo_channels = 1;
    if (d->trans_queue_size == 0)
        d->trans_queue_size = 32;
    if (d->cmd_queue_size == 0)
        d->cmd_queue_size = 8;
    if (d->allbank_turn_rows == 0)
        d->allbank_turn_rows = 8;
    if (d->write_buf_size == 0)
        d->write_buf_size = MIN(16, d->trans_queue_size);
    if (d->write_buf_size > d->trans_queue_size) {
        *why = g_strdup_printf("write_buf_size %" G_GUINT64_FORMAT
                               " exceeds trans_queue_size %" G_GUINT64_FORMAT,
                               d->write_buf_size, d->trans_queue_size);
        return FALSE;
    }
    if (d->cycles.tRCDWR == 0)
        d->cycles.tRCDWR = d->cycles.tRCD;
    if (d->bus_width_bits % d->pseudo_channels != 0) {
        *why = g_strdup_printf("pseudo_channels %" G_GUINT64_FORMAT
                               " must divide the bus width (%" G_GUINT64_FORMAT " bits)",
                               d->pseudo_channels, d->bus_width_bits);
        return FALSE;
    }
    tck_fraction(d->tck_ps, &d->tck_num_ps, &d->tck_den);
    for (int t = 0; t < TS_DRAM_T_ALL_COUNT_; t++) {
        guint64 v = ts_dram_timing_get(&d->cycles, (TsDramTimingId)t);
        guint64 *dst = (guint64 *)((char *)&d->ps + (gsize)t * sizeof(guint64));
        *dst = (v * d->tck_num_ps + d->tck_den - 1) / d->tck_den;
    }
    d->total_banks = d->bankgroups * d->banks;
    d->devices_per_rank = d->bus_width_bits / d->device_width_bits;
    double cap = (double)d->channels * (double)d->ranks * (double)d->total_banks * (double)d->rows *
                 (double)d->columns * (double)d->device_width_bits / 8.0 *
                 (double)d->devices_per_rank;
    if (cap > 1.8e19) {
        *why = g_strdup("capacity overflows 64 bits");
        return FALSE;
    }
    d->capacity_bytes = (guint64)cap;
    d->burst_bytes = d->bus_width_bits / 8 * d->burst_length;
    d->peak_bw_bytes_per_s =
        (double)d->channels * (double)d->bus_width_bits / 8.0 * d->data_rate_mtps * 1e6;
    /* Command energies from IDD currents, per rank, as DRAMsim3 applies Micron's method:
     * mA x V x ns = pJ. */
    if (d->vdd_v > 0 && d->idd0_ma > 0) {
        double tck_ns = d->tck_ps / 1000.0, dev = (double)d->devices_per_rank;
        double trc = (double)d->cycles.tRC, tras = (double)d->cycles.tRAS;
        d->activate_pj = d->vdd_v *
                         (d->idd0_ma * trc - (d->idd3n_ma * tras + d->idd2n_ma * (trc - tras))) *
                         tck_ns * dev;
        double burst_cycles = (double)d->cycles.tBURST;
        d->read_burst_pj = d->vdd_v * (d->idd4r_ma - d->idd3n_ma) * burst_cycles * tck_ns * dev;
        d->write_burst_pj = d->vdd_v * (d->idd4w_ma - d->idd3n_ma) * burst_cycles * tck_ns * dev;
        d->refresh_pj =
            d->vdd_v * (d->idd5ab_ma - d->idd3n_ma) * (double)d->cycles.tRFC * tck_ns * dev;
    }
    return TRUE;
}
