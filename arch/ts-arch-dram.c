/* DRAM presets (organisation + JEDEC timing in tCK cycles + IDD currents where a public
 * config gives them) and the timing-name table. Sources, per preset (docs/arch-reference.md):
 *   DDR4-2400   DRAMsim3 DDR4_8Gb_x8_2400 with one rank, as shared/reference/dram/ holds it
 *   DDR4-3200   DRAMsim3 configs/DDR4_8Gb_x8_3200.ini
 *   LPDDR4-3200 Ramulator 1 LPDDR4.h speed table LPDDR4_3200 (JESD209-4), 8Gb x16 die
 *   HBM2        DRAMsim3 configs/HBM2_8Gb_x128.ini (8 channels x 128 bits, 2 Gb/s/pin)
 *   GDDR6       Ramulator 2.0 GDDR6 timing preset GDDR6_2000_1350mV_double, tCK 570 ps,
 *               14 Gb/s per pin, one x16 channel; tBURST = 2 tCK (16n prefetch, 8 transfers
 *               per tCK)
 * tRC, where a config leaves it implicit, is tRAS + tRP. */
#include "ts-arch-private.h"

#include <string.h>

static const char *const timing_names[TS_DRAM_T_COUNT_] = {
#define TS_DRAM_X_NAME(name, doc) #name,
    TS_DRAM_TIMING_LIST(TS_DRAM_X_NAME)
#undef TS_DRAM_X_NAME
};

static const char *const timing_docs[TS_DRAM_T_COUNT_] = {
#define TS_DRAM_X_DOC(name, doc) doc,
    TS_DRAM_TIMING_LIST(TS_DRAM_X_DOC)
#undef TS_DRAM_X_DOC
};

const char *ts_dram_timing_name(TsDramTimingId id)
{
    g_return_val_if_fail(id < TS_DRAM_T_COUNT_, "?");
    return timing_names[id];
}

const char *ts_dram_timing_doc(TsDramTimingId id)
{
    g_return_val_if_fail(id < TS_DRAM_T_COUNT_, "?");
    return timing_docs[id];
}

guint64 ts_dram_timing_get(const TsDramTimings *t, TsDramTimingId id)
{
    g_return_val_if_fail(t != NULL && id < TS_DRAM_T_COUNT_, 0);
    const guint64 *v = (const guint64 *)t;
    return v[id];
}

/* clang-format off */
/* Timing initialiser in list order: tRCD tRP tCL tCWL tRAS tRC tCCD_S tCCD_L tRRD_S tRRD_L tFAW
 * tWR tWTR_S tWTR_L tRTP tBURST tRFC tREFI. */
#define TIMING(rcd, rp, cl, cwl, ras, rc, ccds, ccdl, rrds, rrdl, faw, wr, wtrs, wtrl, rtp, bst,  \
               rfc, refi)                                                                          \
    {rcd, rp, cl, cwl, ras, rc, ccds, ccdl, rrds, rrdl, faw, wr, wtrs, wtrl, rtp, bst, rfc, refi}

static const TsDramSpec presets[] = {
    {
        .preset = "DDR4-2400",
        .protocol = "DDR4",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 65536, .columns = 1024,
        .device_width_bits = 8, .bus_width_bits = 64, .burst_length = 8,
        .data_rate_mtps = 2400, .tck_ps = 830,
        .cycles = TIMING(17, 17, 17, 12, 39, 56, 4, 6, 4, 6, 26, 18, 3, 9, 9, 4, 420, 9360),
        .vdd_v = 1.2, .idd0_ma = 48, .idd2n_ma = 34, .idd3n_ma = 43, .idd4r_ma = 135,
        .idd4w_ma = 123, .idd5ab_ma = 250,
    },
    {
        .preset = "DDR4-3200",
        .protocol = "DDR4",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 65536, .columns = 1024,
        .device_width_bits = 8, .bus_width_bits = 64, .burst_length = 8,
        .data_rate_mtps = 3200, .tck_ps = 625,
        .cycles = TIMING(22, 22, 22, 16, 52, 74, 4, 8, 4, 8, 34, 24, 4, 12, 12, 4, 560, 12480),
        .vdd_v = 1.2, .idd0_ma = 57, .idd2n_ma = 37, .idd3n_ma = 52, .idd4r_ma = 168,
        .idd4w_ma = 150, .idd5ab_ma = 250,
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
        .cycles = TIMING(29, 27, 32, 18, 68, 95, 8, 8, 16, 16, 64, 28, 16, 16, 14, 8, 288, 6246),
    },
    {
        .preset = "HBM2",
        .protocol = "HBM2",
        .has_timing = TRUE,
        .channels = 8, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 32768, .columns = 64,
        .device_width_bits = 128, .bus_width_bits = 128, .burst_length = 4,
        .data_rate_mtps = 2000, .tck_ps = 1000,
        /* tRTP = tRTP_L (6); BL4 = 2 tCK. */
        .cycles = TIMING(14, 14, 14, 4, 34, 48, 1, 2, 4, 6, 30, 16, 6, 8, 6, 2, 260, 3900),
        .vdd_v = 1.2, .idd0_ma = 65, .idd2n_ma = 40, .idd3n_ma = 55, .idd4r_ma = 390,
        .idd4w_ma = 500, .idd5ab_ma = 250,
    },
    {
        .preset = "GDDR6",
        .protocol = "GDDR6",
        .has_timing = TRUE,
        .channels = 1, .ranks = 1, .bankgroups = 4, .banks = 4, .rows = 16384, .columns = 1024,
        .device_width_bits = 16, .bus_width_bits = 16, .burst_length = 16,
        .data_rate_mtps = 14000, .tck_ps = 570,
        /* tRCD = nRCDRD 26; tWTR_S/L 9/11; tRFC 210; tREFI 3333. */
        .cycles = TIMING(26, 26, 24, 6, 53, 79, 4, 6, 7, 7, 28, 26, 9, 11, 4, 2, 210, 3333),
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
