/* Native-format tests: the library's eyeriss-like-3level equals the Timeloop reference arch,
 * DRAM presets (DDR4-2400 against DRAMsim3's ini), preset overrides and derived values,
 * systolic-array and PIM expansions, host-link bandwidth limits, vector units, device
 * profiles (all 29 UPMEM profiles and the underscore->hyphen naming rule), the library list,
 * and the generated class reference in docs/arch-reference.md. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-doc-kind.h"
#include "ts-arch.h"
#include "ts-test.h"

/* Writes text to a fresh file in a per-test directory; returns its path (owned). */
char *ts_arch_test_write(const char *name, const char *text);
char *ts_arch_test_write(const char *name, const char *text)
{
    static char *dir = NULL;
    if (dir == NULL)
        dir = g_dir_make_tmp("tilesim-arch-XXXXXX", NULL);
    char *path = g_build_filename(dir, name, NULL);
    /* Written as a new file: g_file_set_contents syncs every replacement of an existing one
     * (seconds per thousand files on a busy disk). */
    g_unlink(path);
    g_file_set_contents(path, text, -1, NULL);
    return path;
}

static TsArch *load_text(const char *name, const char *text)
{
    g_autofree char *path = ts_arch_test_write(name, text);
    g_autoptr(GError) error = NULL;
    TsArch *arch = ts_arch_load(path, NULL, &error);
    if (error)
        fprintf(stderr, "%s\n", error->message);
    return arch;
}

static void test_eyeriss_native_equals_timeloop(void)
{
    g_autofree char *tl = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    if (tl == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load("eyeriss-like-3level", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    g_autoptr(TsArch) b = ts_arch_load(tl, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    g_autofree char *diff = ts_arch_diff(a, b, TRUE);
    if (diff)
        fprintf(stderr, "diff: %s\n", diff);
    CU_ASSERT_PTR_NULL(diff);
    CU_ASSERT_EQUAL(ts_arch_format(a), TS_ARCH_FORMAT_TILESIM);
    CU_ASSERT_EQUAL(ts_arch_clock_hz(a), 200e6);
}

/* transformer-gemmini is system_gemmini.yaml of the Timeloop experiments, natively; energies
 * differ (built-in tables at 32 nm vs Timeloop's technology-independent PAT). */
static void test_transformer_gemmini_native_equals_timeloop(void)
{
    g_autofree char *tl =
        ts_test_reference_path("timeloop-experiments/transformer_gemmini/arch/system_gemmini.yaml");
    if (tl == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load("transformer-gemmini", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    g_autoptr(TsArch) b = ts_arch_load(tl, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    g_autofree char *diff = ts_arch_diff(a, b, FALSE);
    if (diff)
        fprintf(stderr, "diff: %s\n", diff);
    CU_ASSERT_PTR_NULL(diff);
}

/* transformer-pim is system_PIM.yaml (v0.4) without the zero-capacity dummy buffer. */
static void test_transformer_pim_native_matches_timeloop(void)
{
    g_autofree char *tl =
        ts_test_reference_path("timeloop-experiments/transformer_pim/arch_v0.4/system_PIM.yaml");
    if (tl == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load("transformer-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    g_autoptr(TsArch) b = ts_arch_load(tl, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(ts_arch_n_levels(a) + 1, ts_arch_n_levels(b));
    for (guint i = 0; i < ts_arch_n_levels(a); i++) {
        const TsLevel *x = ts_arch_level(a, i);
        int j = ts_arch_find_level(b, x->name);
        CU_ASSERT_TRUE_FATAL(j >= 0);
        const TsLevel *y = ts_arch_level(b, (guint)j);
        CU_ASSERT_EQUAL(x->instances, y->instances);
        CU_ASSERT_EQUAL(x->mesh_x, y->mesh_x);
        CU_ASSERT_EQUAL(x->mesh_y, y->mesh_y);
        CU_ASSERT_EQUAL(x->size_words, y->size_words);
        CU_ASSERT_EQUAL(x->word_bits, y->word_bits);
        CU_ASSERT_EQUAL(x->block_size, y->block_size);
        CU_ASSERT_DOUBLE_EQUAL(x->read_bw_words_per_cycle, y->read_bw_words_per_cycle, 1e-12);
    }
    CU_ASSERT_TRUE(ts_arch_level(b, 2)->zero_capacity);
}

/* DDR4-2400 must match DRAMsim3's DDR4_8Gb_x8_2400 config (shared/reference/dram). */
static void test_ddr4_2400_vs_dramsim3(void)
{
    g_autofree char *ini = ts_test_reference_path("dram/ds3_DDR4_8Gb_x8_2400_1rank.ini");
    if (ini == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GKeyFile) kf = g_key_file_new();
    CU_ASSERT_TRUE_FATAL(g_key_file_load_from_file(kf, ini, G_KEY_FILE_NONE, NULL));
    const TsDramSpec *d = ts_dram_preset("DDR4-2400");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
#define INI(sec, key) g_key_file_get_double(kf, sec, key, NULL)
    /* DRAMsim3's config rounds tCK to 0.83 ns; the preset keeps JEDEC's exact 2500/3 ps. */
    CU_ASSERT_DOUBLE_EQUAL(d->tck_ps, INI("timing", "tCK") * 1000, 3.4);
    CU_ASSERT_DOUBLE_EQUAL(d->tck_ps, 2500.0 / 3.0, 1e-9);
    CU_ASSERT_EQUAL(d->cycles.tCL, (guint64)INI("timing", "CL"));
    CU_ASSERT_EQUAL(d->cycles.tCWL, (guint64)INI("timing", "CWL"));
    CU_ASSERT_EQUAL(d->cycles.tRCD, (guint64)INI("timing", "tRCD"));
    CU_ASSERT_EQUAL(d->cycles.tRP, (guint64)INI("timing", "tRP"));
    CU_ASSERT_EQUAL(d->cycles.tRAS, (guint64)INI("timing", "tRAS"));
    CU_ASSERT_EQUAL(d->cycles.tRC, (guint64)(INI("timing", "tRAS") + INI("timing", "tRP")));
    CU_ASSERT_EQUAL(d->cycles.tRFC, (guint64)INI("timing", "tRFC"));
    CU_ASSERT_EQUAL(d->cycles.tREFI, (guint64)INI("timing", "tREFI"));
    CU_ASSERT_EQUAL(d->cycles.tRRD_S, (guint64)INI("timing", "tRRD_S"));
    CU_ASSERT_EQUAL(d->cycles.tRRD_L, (guint64)INI("timing", "tRRD_L"));
    CU_ASSERT_EQUAL(d->cycles.tWTR_S, (guint64)INI("timing", "tWTR_S"));
    CU_ASSERT_EQUAL(d->cycles.tWTR_L, (guint64)INI("timing", "tWTR_L"));
    CU_ASSERT_EQUAL(d->cycles.tFAW, (guint64)INI("timing", "tFAW"));
    CU_ASSERT_EQUAL(d->cycles.tWR, (guint64)INI("timing", "tWR"));
    CU_ASSERT_EQUAL(d->cycles.tRTP, (guint64)INI("timing", "tRTP"));
    CU_ASSERT_EQUAL(d->cycles.tCCD_S, (guint64)INI("timing", "tCCD_S"));
    CU_ASSERT_EQUAL(d->cycles.tCCD_L, (guint64)INI("timing", "tCCD_L"));
    CU_ASSERT_EQUAL(d->cycles.tBURST, (guint64)INI("dram_structure", "BL") / 2);
    CU_ASSERT_EQUAL(d->bankgroups, (guint64)INI("dram_structure", "bankgroups"));
    CU_ASSERT_EQUAL(d->banks, (guint64)INI("dram_structure", "banks_per_group"));
    CU_ASSERT_EQUAL(d->rows, (guint64)INI("dram_structure", "rows"));
    CU_ASSERT_EQUAL(d->columns, (guint64)INI("dram_structure", "columns"));
    CU_ASSERT_EQUAL(d->device_width_bits, (guint64)INI("dram_structure", "device_width"));
    CU_ASSERT_EQUAL(d->burst_length, (guint64)INI("dram_structure", "BL"));
    CU_ASSERT_EQUAL(d->bus_width_bits, (guint64)INI("system", "bus_width"));
    CU_ASSERT_EQUAL(d->channels, (guint64)INI("system", "channels"));
    CU_ASSERT_DOUBLE_EQUAL(d->idd0_ma, INI("power", "IDD0"), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(d->idd4r_ma, INI("power", "IDD4R"), 1e-12);
#undef INI
    /* Derived values: 8 GiB in one rank (channel_size 8192 MB), 19.2 GB/s peak. */
    g_autoptr(TsArch) a =
        load_text("ddr4.yaml", "architecture:\n"
                               "  name: d\n  clock: 1GHz\n"
                               "  levels:\n"
                               "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
                               "    - {name: MAC, class: mac}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    const TsDramSpec *s = ts_arch_level(a, 0)->spec;
    CU_ASSERT_EQUAL(s->capacity_bytes, G_GUINT64_CONSTANT(8192) * 1024 * 1024);
    CU_ASSERT_DOUBLE_EQUAL(s->peak_bw_bytes_per_s, 19.2e9, 1);
    CU_ASSERT_EQUAL(s->ps.tRCD, 14167); /* 17 x 2500/3 ps, rounded up */
    CU_ASSERT_EQUAL(s->tck_num_ps, 2500);
    CU_ASSERT_EQUAL(s->tck_den, 3);
    CU_ASSERT_EQUAL(s->total_banks, 16);
    CU_ASSERT_EQUAL(s->devices_per_rank, 8);
    CU_ASSERT(s->activate_pj > 0 && s->refresh_pj > s->activate_pj);
    /* Native DRAM without bandwidth: the peak bus bandwidth shared by reads and writes. */
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_level(a, 0)->shared_bw_words_per_cycle, 19.2e9 / 1e9 / 2, 1e-9);
}

static void test_preset_override(void)
{
    g_autoptr(TsArch) a =
        load_text("ovr.yaml", "architecture:\n"
                              "  name: o\n  clock: 1GHz\n"
                              "  levels:\n"
                              "    - name: DRAM\n      class: dram\n"
                              "      preset: hbm2\n"
                              "      attributes: {channels: 16, tRCD: 20, word_bits: 8}\n"
                              "    - {name: MAC, class: mac, attributes: {word_bits: 8}}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    const TsLevel *l = ts_arch_level(a, 0);
    const TsDramSpec *d = l->spec;
    CU_ASSERT_STRING_EQUAL(d->preset, "HBM2");
    CU_ASSERT_EQUAL(d->channels, 16);
    CU_ASSERT_EQUAL(d->cycles.tRCD, 20);
    CU_ASSERT_EQUAL(d->cycles.tRP, 14); /* from the preset */
    CU_ASSERT_EQUAL(l->word_bits, 8);
    CU_ASSERT_EQUAL(l->block_size, 16); /* 128-bit bus / 8-bit words */
    /* Timing given as a time: whole tCK cycles, rounded up. */
    g_autoptr(TsArch) b =
        load_text("ns.yaml", "architecture:\n"
                             "  name: o\n  clock: 1GHz\n"
                             "  levels:\n"
                             "    - name: DRAM\n      class: dram\n"
                             "      preset: DDR4-2400\n"
                             "      attributes: {tRCD: 13.75ns, tRP: 14ns, tCK: 0.75ns, "
                             "tRAS: 32}\n"
                             "    - {name: MAC, class: mac}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    const TsDramSpec *e = ts_arch_level(b, 0)->spec;
    CU_ASSERT_EQUAL(e->cycles.tRCD, 19); /* 13.75 / 0.75 = 18.33 */
    CU_ASSERT_EQUAL(e->cycles.tRP, 19);
    CU_ASSERT_EQUAL(e->cycles.tRAS, 32);
    CU_ASSERT_EQUAL(e->ps.tRCD, 19 * 750);
    CU_ASSERT_DOUBLE_EQUAL(l->energy.read_pj, 200.0 * 128 / 16, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_compute(a)->energy.mac_pj, 0.25, 1e-12);
}

/* DRAM command energies need every IDD current and VDD: LPDDR4-3200 has none, so IDD0 alone
 * (which the energies would ignore) is refused naming the level and the missing keys; all of
 * them give the activate energy; DDR4-2400 has them all, so overriding one is accepted. */
static void test_partial_currents(void)
{
    const char *head = "architecture:\n  name: o\n  clock: 1GHz\n  levels:\n"
                       "    - name: DRAM\n      class: dram\n      preset: %s\n"
                       "      attributes: {word_bits: 16%s}\n"
                       "    - {name: MAC, class: mac}\n";
    g_autofree char *partial = g_strdup_printf(head, "LPDDR4-3200", ", IDD0: 60");
    g_autofree char *path = ts_arch_test_write("idd0.yaml", partial);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load(path, NULL, &error);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "idd0.yaml:5:7: levels[0] (DRAM): DRAM command "
                                                  "energies (from IDD currents) need VDD"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "missing VDD, IDD2N, IDD3N, IDD4R, IDD4W, "
                                                  "IDD5AB (give them all, or none)"));
    g_autofree char *all = g_strdup_printf(head, "LPDDR4-3200",
                                           ", VDD: 1.1, IDD0: 60, IDD2N: 30, IDD3N: 40, IDD4R: "
                                           "150, IDD4W: 140, IDD5AB: 200");
    g_autoptr(TsArch) b = load_text("iddall.yaml", all);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT(((const TsDramSpec *)ts_arch_level(b, 0)->spec)->activate_pj > 0.0);
    g_autofree char *one = g_strdup_printf(head, "DDR4-2400", ", IDD0: 60");
    g_autoptr(TsArch) c = load_text("ddr4idd.yaml", one);
    CU_ASSERT_PTR_NOT_NULL(c);
}

static void test_technology_scaling(void)
{
    g_autoptr(TsArch) a =
        load_text("tech.yaml", "architecture:\n"
                               "  name: t\n  clock: 1GHz\n  technology: 22.5nm\n"
                               "  levels:\n"
                               "    - {name: B, class: sram, attributes: {size: 512B, "
                               "word_bits: 16}}\n"
                               "    - {name: MAC, class: mac}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(ts_arch_technology_nm(a), 22);
    CU_ASSERT_EQUAL(ts_arch_level(a, 0)->size_words, 256);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_level(a, 0)->energy.read_pj, 22.0 / 45.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_compute(a)->energy.mac_pj, 22.0 / 45.0, 1e-9);
}

static void test_systolic_expansion(void)
{
    g_autoptr(TsArch) a =
        load_text("sa.yaml", "architecture:\n"
                             "  name: sa\n  clock: 1GHz\n"
                             "  levels:\n"
                             "    - {name: DRAM, class: dram, preset: DDR4-3200}\n"
                             "    - {name: SP, class: sram, attributes: {size: 256KB, "
                             "width_bits: 128, word_bits: 8}}\n"
                             "    - name: Array\n      class: systolic_array\n"
                             "      attributes: {rows: 16, cols: 8, dataflow: WS, "
                             "word_bits: 8}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(ts_arch_n_levels(a), 4);
    const TsLevel *regs = ts_arch_level(a, 2), *mac = ts_arch_level(a, 3);
    CU_ASSERT_STRING_EQUAL(regs->name, "Array.regs");
    CU_ASSERT_STRING_EQUAL(mac->name, "Array.mac");
    CU_ASSERT_TRUE(regs->is_storage);
    CU_ASSERT_TRUE(mac->is_compute);
    CU_ASSERT_EQUAL(regs->instances, 128);
    CU_ASSERT_EQUAL(regs->mesh_x, 8);
    CU_ASSERT_EQUAL(regs->mesh_y, 16);
    CU_ASSERT_EQUAL(ts_arch_level(a, 1)->fanout_x, 8);
    CU_ASSERT_EQUAL(ts_arch_level(a, 1)->fanout_y, 16);
    const TsSystolicSpec *s = mac->spec;
    CU_ASSERT_EQUAL(s->dataflow, TS_DATAFLOW_WS);
    CU_ASSERT_EQUAL(s->regs_level, 2);
    CU_ASSERT_EQUAL(s->mac_level, 3);
    CU_ASSERT_EQUAL(s->accumulator_bits, 16);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_peak_macs_per_s(a), 128e9, 1);
}

static void test_pim_and_link(void)
{
    g_autoptr(TsArch) a = load_text(
        "pim.yaml",
        "architecture:\n"
        "  name: p\n  clock: 350MHz\n"
        "  levels:\n"
        "    - {name: Host, class: dram, preset: DDR4-2400}\n"
        "    - name: Link\n      class: host_link\n"
        "      attributes: {bandwidth: 28.672GB/s, d2h_bandwidth: 14.336GB/s, "
        "energy_per_bit: 20pJ/bit}\n"
        "    - name: DPUs\n      spatial: {meshX: 1024}\n      levels:\n"
        "        - name: DPU\n          class: pim_core\n"
        "          attributes: {kind: dpu, tasklets: 16, wram_size: 64KB, mram_size: 64MB,\n"
        "                       dma_alpha_read: 61, dma_alpha_write: 77, dma_beta: 0.5,\n"
        "                       cycles_per_mac: 8, word_bits: 8}\n"
        "    - name: SFU\n      class: vector_unit\n"
        "      attributes:\n        lanes: 4\n        ops:\n"
        "          mul: {cycles: 1, energy: 0.5pJ}\n          exp: {cycles: 8, energy: 3pJ}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    int mram = ts_arch_find_level(a, "DPU.mram"), wram = ts_arch_find_level(a, "DPU.wram");
    int alu = ts_arch_find_level(a, "DPU.alu");
    CU_ASSERT_TRUE_FATAL(mram > 0 && wram > mram && alu > wram);
    const TsLevel *m = ts_arch_level(a, (guint)mram);
    CU_ASSERT_EQUAL(m->instances, 1024);
    CU_ASSERT_EQUAL(m->size_words, G_GUINT64_CONSTANT(64) * 1024 * 1024);
    /* 28.672 GB/s shared by 1024 DPUs at 350 MHz = 0.08 B/cycle = 0.08 words/cycle. */
    CU_ASSERT_DOUBLE_EQUAL(m->fill_bw_words_per_cycle, 28.672e9 / 1024 / 350e6, 1e-12);
    /* The link limits fills only: write-backs from WRAM keep the MRAM's own bandwidth. */
    CU_ASSERT_DOUBLE_EQUAL(m->update_bw_words_per_cycle, 0.0, 0);
    /* MRAM -> WRAM reads at the DMA rate, 1 / 0.5 cycles per byte = 2 words per cycle. */
    CU_ASSERT_DOUBLE_EQUAL(m->read_bw_words_per_cycle, 2.0, 1e-12);
    /* Device -> host write-backs: the host DRAM's updates, 14.336 GB/s at 350 MHz. */
    const TsLevel *host = ts_arch_level(a, 0);
    CU_ASSERT_DOUBLE_EQUAL(host->update_bw_words_per_cycle, 14.336e9 / 350e6 / 2, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(host->fill_bw_words_per_cycle, 0.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(host->energy.update_pj, 200.0 * 64 / 16 + 20.0 * 64, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(host->energy.read_pj, 200.0 * 64 / 16, 1e-9);
    /* Link energy added to fills: 20 pJ/bit x 8 bits x 8 words per vector access. */
    CU_ASSERT_DOUBLE_EQUAL(m->energy.write_pj, 200.0 * 64 / 16 + 20.0 * 64, 1e-9);
    const TsLevel *w = ts_arch_level(a, (guint)wram);
    CU_ASSERT_DOUBLE_EQUAL(w->read_bw_words_per_cycle, 8.0, 1e-12);
    /* 16 tasklets >= 11 fill the pipeline: 1/8 MAC per cycle per DPU. */
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_compute_macs_per_cycle(a), 1.0 / 8, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_peak_macs_per_s(a), 1024 * 350e6 / 8, 1);
    const TsPimCoreSpec *p = ts_arch_compute(a)->spec;
    CU_ASSERT_EQUAL(p->revolver_cycles, 11);
    CU_ASSERT_EQUAL(p->pipeline_stages, 14);
    const TsLevel *sfu = ts_arch_level(a, (guint)ts_arch_find_level(a, "SFU"));
    CU_ASSERT_FALSE(sfu->is_storage || sfu->is_compute);
    const TsVectorUnitSpec *v = sfu->spec;
    CU_ASSERT_EQUAL(v->n_ops, 2);
    CU_ASSERT_STRING_EQUAL(v->ops[0].op, "exp"); /* sorted */
    CU_ASSERT_PTR_NOT_NULL(ts_vector_unit_op(v, "mul"));
    CU_ASSERT_PTR_NULL(ts_vector_unit_op(v, "div"));
    CU_ASSERT_DOUBLE_EQUAL(ts_vector_unit_op(v, "exp")->energy_pj_per_element, 3.0, 1e-12);
}

/* Keys a pim_core kind requires are errors when missing, and the class reference says so
 * ("dpu (required)"), rather than showing them as optional without a default. */
static void test_conditionally_required_keys_documented(void)
{
    static const struct {
        const char *kind, *key, *attr;
    } keys[] = {
        {"dpu", "wram_size", "wram_size: 64KB"},
        {"dpu", "mram_size", "mram_size: 64MB"},
        {"dpu", "dma_alpha_read", "dma_alpha_read: 61"},
        {"dpu", "dma_alpha_write", "dma_alpha_write: 77"},
        {"dpu", "dma_beta", "dma_beta: 0.5"},
        {"bank_unit", "simd_lanes", "simd_lanes: 16"},
        {"bank_unit", "banks_per_unit", "banks_per_unit: 1"},
    };
    const TsField *f = ts_arch_class_fields(TS_CLASS_PIM_CORE);
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        GString *attrs = g_string_new(NULL);
        for (guint j = 0; j < G_N_ELEMENTS(keys); j++)
            if (j != i && strcmp(keys[j].kind, keys[i].kind) == 0)
                g_string_append_printf(attrs, ", %s", keys[j].attr);
        g_autofree char *text =
            g_strdup_printf("architecture:\n  name: p\n  clock: 300MHz\n  levels:\n"
                            "    - {name: D, class: dram, preset: HBM2}\n"
                            "    - {name: U, class: pim_core, attributes: {kind: %s%s}}\n",
                            keys[i].kind, attrs->str);
        g_string_free(attrs, TRUE);
        g_autofree char *path = ts_arch_test_write("req.yaml", text);
        g_autoptr(GError) error = NULL;
        g_autoptr(TsArch) a = ts_arch_load(path, NULL, &error);
        CU_ASSERT_PTR_NULL(a);
        g_autofree char *want = g_strdup_printf("missing required key '%s'", keys[i].key);
        CU_ASSERT_TRUE(error != NULL && strstr(error->message, want) != NULL);
        const char *doc = NULL;
        for (guint k = 0; f[k].key; k++)
            if (strcmp(f[k].key, keys[i].key) == 0)
                doc = f[k].doc;
        g_autofree char *tag = g_strdup_printf("%s (required)", keys[i].kind);
        if (doc == NULL || !g_str_has_prefix(doc, tag))
            fprintf(stderr, "\n%s: doc '%s' lacks '%s'\n", keys[i].key, doc ? doc : "?", tag);
        CU_ASSERT_TRUE(doc != NULL && g_str_has_prefix(doc, tag));
    }
    /* DRAM without a preset: every organisation and timing key. */
    CU_ASSERT_PTR_NOT_NULL(strstr(ts_arch_class_doc(TS_CLASS_DRAM), "Without a preset"));
}

/* The summary's peak: an SI prefix and the MACs per cycle per instance (a DPU's 1/40). */
static void test_describe_peak(void)
{
    static const struct {
        const char *arch, *line;
    } cases[] = {
        {"tpu-like", "peak 45.88 TMAC/s (65536 MatrixUnit.mac instances x 1 MAC/cycle at 700 MHz)"},
        /* int8 MAC: loop 5 + mul_sl_sl 1 + add 1 = 7 issue slots at full issue */
        {"upmem-pim", "peak 51.2 GMAC/s (1024 DPU.alu instances x 0.1429 MAC/cycle at 350 MHz)"},
        {"eyeriss-like", "peak 33.6 GMAC/s (168 MAC instances x 1 MAC/cycle at 200 MHz)"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(TsArch) a = ts_arch_load(cases[i].arch, NULL, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(a);
        g_autofree char *d = ts_arch_describe(a);
        if (strstr(d, cases[i].line) == NULL)
            fprintf(stderr, "\n%s: no '%s' in\n%s", cases[i].arch, cases[i].line, d);
        CU_ASSERT_PTR_NOT_NULL(strstr(d, cases[i].line));
    }
}

static void test_few_tasklets(void)
{
    g_autoptr(TsArch) a =
        load_text("pim4.yaml",
                  "architecture:\n  name: p\n  clock: 350MHz\n  levels:\n"
                  "    - {name: Host, class: dram, preset: DDR4-2400}\n"
                  "    - name: DPU\n      class: pim_core\n"
                  "      attributes: {kind: dpu, tasklets: 4, wram_size: 64KB, mram_size: 64MB,\n"
                  "                   dma_alpha_read: 61, dma_alpha_write: 77, dma_beta: 0.5,\n"
                  "                   cycles_per_mac: 1}\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    /* 4 tasklets issue 4 of every 11 cycles. */
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_compute_macs_per_cycle(a), 4.0 / 11, 1e-12);
}

static void test_upmem_profiles(void)
{
    g_autofree char *path = ts_test_reference_path("upmem/sim_architectures.yaml");
    if (path == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) names = ts_arch_device_names(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(names);
    CU_ASSERT_EQUAL(g_strv_length(names), 29);
    for (guint i = 0; names[i]; i++) {
        g_autoptr(TsArch) a = ts_arch_load_device(path, names[i], &error);
        if (error)
            fprintf(stderr, "%s\n", error->message);
        CU_ASSERT_PTR_NOT_NULL(a);
        if (a) {
            CU_ASSERT_PTR_NOT_NULL(ts_arch_device_profile(a));
            CU_ASSERT_EQUAL(ts_arch_level(a, 0)->klass, TS_CLASS_DEVICE_PROFILE);
            CU_ASSERT_FALSE(ts_arch_is_mappable(a));
        }
    }
    /* The profiler's rule: underscores may be written as hyphens. */
    g_autoptr(TsArch) p = ts_arch_load_device(path, "PIM-AI-4dimm", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const TsDeviceProfile *d = ts_arch_device_profile(p);
    CU_ASSERT_STRING_EQUAL(d->name, "PIM_AI_4dimm");
    CU_ASSERT_DOUBLE_EQUAL(d->h2d_bw_bytes_per_s, 22e9, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->d2h_bw_bytes_per_s, 88e9, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->mem_bw_bytes_per_s, 6553.6e9, 1e3);
    CU_ASSERT_DOUBLE_EQUAL(d->flops_per_s, 320e12, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->pj_per_tflop, 0.4e12, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->softmax_ns_per_element, 6.25e-3, 1e-15);
    g_autoptr(TsArch) h = ts_arch_load_device(path, "H100-x4", &error);
    CU_ASSERT_PTR_NOT_NULL(h);
    g_autoptr(TsArch) bad = ts_arch_load_device(path, "PIM-AI-4dim", &error);
    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "did you mean 'PIM-AI-4dimm'") : NULL);
    g_clear_error(&error);
    /* Loading the whole file without --device says how to select one. */
    g_autoptr(TsArch) all = ts_arch_load(path, NULL, &error);
    CU_ASSERT_PTR_NULL(all);
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "--device") : NULL);
}

/* Document-kind recognition (common/) knows the keys of the arch module's profile schema. */
static void test_upmem_recognition_keys(void)
{
    const TsField *f = ts_arch_upmem_profile_fields();
    const char *const *keys = ts_doc_kind_upmem_profile_keys();
    guint i = 0;
    for (; f[i].key && keys[i]; i++)
        CU_ASSERT_STRING_EQUAL(keys[i], f[i].key);
    CU_ASSERT_PTR_NULL(f[i].key);
    CU_ASSERT_PTR_NULL(keys[i]);
}

static void test_native_device_profile(void)
{
    g_autoptr(TsArch) a = load_text(
        "dp.yaml",
        "architecture:\n  name: dev\n  clock: 1GHz\n  levels:\n"
        "    - name: PIM\n      class: device_profile\n      attributes:\n"
        "        host_to_device_bandwidth: 22GB/s\n"
        "        host_to_device_energy_per_bit: 50pJ/bit\n"
        "        device_to_host_bandwidth: 44GB/s\n"
        "        device_to_host_energy_per_bit: 50pJ/bit\n"
        "        memory_bandwidth: 1638.4GB/s\n        memory_energy_per_bit: 0.95pJ/bit\n"
        "        tflops: 80\n        energy_per_flop: 0.4pJ\n"
        "        softmax_time_per_element: 0.1ns\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    const TsDeviceProfile *d = ts_arch_device_profile(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_DOUBLE_EQUAL(d->flops_per_s, 80e12, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->pj_per_tflop, 0.4e12, 1);
    CU_ASSERT_DOUBLE_EQUAL(d->softmax_ns_per_element, 0.1, 1e-12);
}

static void test_library_loads(void)
{
    g_auto(GStrv) names = ts_arch_library_names();
    CU_ASSERT_PTR_NOT_NULL_FATAL(names);
    guint n = g_strv_length(names);
    CU_ASSERT(n >= 1);
    for (guint i = 0; names[i]; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(TsArch) a = ts_arch_load(names[i], NULL, &error);
        if (error)
            fprintf(stderr, "%s: %s\n", names[i], error->message);
        CU_ASSERT_PTR_NOT_NULL(a);
        /* Every library arch is mappable: storage levels + one compute level. */
        if (a)
            CU_ASSERT_TRUE(ts_arch_is_mappable(a));
        if (i > 0)
            CU_ASSERT(strcmp(names[i - 1], names[i]) < 0);
    }
}

/* docs/arch-reference.md embeds the generated class reference between markers. */
static void test_reference_doc_matches_tables(void)
{
    g_autofree char *path = ts_test_source_path("docs/arch-reference.md");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    const char *begin = "<!-- BEGIN GENERATED: tilesim list components --markdown -->\n";
    const char *end = "<!-- END GENERATED -->";
    char *b = strstr(text, begin), *e = strstr(text, end);
    CU_ASSERT_TRUE_FATAL(b != NULL && e != NULL && e > b);
    g_autofree char *doc = g_strndup(b + strlen(begin), (gsize)(e - b - strlen(begin)));
    g_autofree char *gen = ts_arch_components_text(TRUE);
    if (g_getenv("TILESIM_UPDATE_DOCS") != NULL && strcmp(doc, gen) != 0) {
        /* Regenerate in place: TILESIM_UPDATE_DOCS=1 build/tests/arch/test_arch */
        g_autofree char *head = g_strndup(text, (gsize)(b - text) + strlen(begin));
        g_autofree char *updated = g_strconcat(head, gen, e, NULL);
        CU_ASSERT_TRUE(g_file_set_contents(path, updated, -1, NULL));
        fprintf(stderr, "updated %s\n", path);
        return;
    }
    if (strcmp(doc, gen) != 0)
        fprintf(stderr, "docs/arch-reference.md is out of date: regenerate the part between the "
                        "markers with `tilesim list components --markdown`\n");
    CU_ASSERT_STRING_EQUAL(doc, gen);
}

/* The component view: each declared entry once, in declaration order, with its parent,
 * copies, the levels it provides and its neighbouring storage levels. */
static void test_component_view(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) g = ts_arch_load("gemmini-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(ts_arch_n_components(g), 4);
    int arr = ts_arch_find_component(g, "Array");
    CU_ASSERT_EQUAL_FATAL(arr, 3);
    const TsArchComponent *a = ts_arch_component(g, (guint)arr);
    CU_ASSERT_EQUAL(a->kind, TS_ARCH_COMPONENT);
    CU_ASSERT_EQUAL(a->klass, TS_CLASS_SYSTOLIC_ARRAY);
    CU_ASSERT_EQUAL(a->n_levels, 2); /* Array.regs and Array.mac share the spec */
    CU_ASSERT_EQUAL(a->instances, 1);
    CU_ASSERT_PTR_EQUAL(a->spec, ts_arch_level(g, a->first_level)->spec);
    CU_ASSERT_STRING_EQUAL(ts_arch_level(g, a->first_level + 1)->name, "Array.mac");
    CU_ASSERT_EQUAL(ts_arch_level_component(g, a->first_level + 1), arr);
    CU_ASSERT_EQUAL(a->storage_above, ts_arch_find_level(g, "Accumulator"));
    CU_ASSERT_EQUAL(a->parent, -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(a->file, "gemmini-like.yaml"));
    CU_ASSERT(a->line > 0);

    g_autoptr(TsArch) e = ts_arch_load("eyeriss-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    int col = ts_arch_find_component(e, "PE_column"), pe = ts_arch_find_component(e, "PE");
    int wsp = ts_arch_find_component(e, "weights_spad");
    CU_ASSERT_FATAL(col >= 0 && pe > col && wsp > pe);
    const TsArchComponent *c = ts_arch_component(e, (guint)col);
    CU_ASSERT_EQUAL(c->kind, TS_ARCH_CONTAINER);
    CU_ASSERT_TRUE(c->spatial);
    CU_ASSERT_EQUAL(c->mesh_axes, TS_MESH_AXIS_X);
    CU_ASSERT_EQUAL(c->mesh_x, 14);
    CU_ASSERT_EQUAL(c->instances, 14);
    CU_ASSERT_EQUAL(c->n_levels, 4); /* three scratchpads and the MAC */
    CU_ASSERT_EQUAL(c->storage_above, ts_arch_find_level(e, "GlobalBuffer"));
    const TsArchComponent *p = ts_arch_component(e, (guint)pe);
    CU_ASSERT_EQUAL(p->parent, col);
    CU_ASSERT_EQUAL(p->mesh_axes, TS_MESH_AXIS_Y);
    CU_ASSERT_EQUAL(p->instances, 168);
    CU_ASSERT_EQUAL(p->chip_mesh_x, 14);
    CU_ASSERT_EQUAL(p->chip_mesh_y, 12);
    const TsArchComponent *w = ts_arch_component(e, (guint)wsp);
    CU_ASSERT_EQUAL(w->parent, pe);
    CU_ASSERT_EQUAL(w->instances, 168);
    CU_ASSERT_EQUAL(w->klass, TS_CLASS_REGFILE);
    CU_ASSERT_EQUAL(((const TsSramSpec *)w->spec)->entries, 224);

    /* a host link stays a component between the storage levels it joins */
    g_autoptr(TsArch) u = ts_arch_load("upmem-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    int hl = ts_arch_find_component(u, "HostLink"), dpu = ts_arch_find_component(u, "DPU");
    CU_ASSERT_FATAL(hl >= 0 && dpu >= 0);
    const TsArchComponent *h = ts_arch_component(u, (guint)hl);
    CU_ASSERT_EQUAL(h->klass, TS_CLASS_HOST_LINK);
    CU_ASSERT_EQUAL(h->storage_above, ts_arch_find_level(u, "HostDRAM"));
    CU_ASSERT_EQUAL(h->storage_below, ts_arch_find_level(u, "DPU.mram"));
    CU_ASSERT_DOUBLE_EQUAL(((const TsHostLinkSpec *)h->spec)->h2d_bw_bytes_per_s,
                           29530.0 * 1024 * 1024, 1.0);
    CU_ASSERT(ts_arch_level_link_fill_pj(u, (guint)h->storage_below) > 0.0);
    const TsArchComponent *d = ts_arch_component(u, (guint)dpu);
    CU_ASSERT_EQUAL(d->n_levels, 3); /* mram, wram, alu */
    CU_ASSERT_EQUAL(d->instances, 1024);
    CU_ASSERT_EQUAL(ts_arch_component(u, (guint)d->parent)->mesh_x, 64);

    /* Timeloop v0.4: a container encloses the nodes after it in its list */
    g_autofree char *v04 =
        ts_test_reference_path("timeloop-experiments/transformer_gemmini/arch/system_gemmini.yaml");
    if (v04 == NULL || !g_file_test(v04, G_FILE_TEST_EXISTS))
        return;
    g_autoptr(TsArch) t = ts_arch_load(v04, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    guint containers = 0;
    for (guint i = 0; i < ts_arch_n_components(t); i++) {
        const TsArchComponent *x = ts_arch_component(t, i);
        containers += x->kind == TS_ARCH_CONTAINER;
        if (x->kind == TS_ARCH_COMPONENT && x->n_levels > 0)
            CU_ASSERT_EQUAL(x->instances, ts_arch_level(t, x->first_level)->instances);
    }
    CU_ASSERT(containers >= 2);
    int mac = ts_arch_level_component(t, (guint)(ts_arch_n_levels(t) - 1));
    CU_ASSERT_FATAL(mac >= 0);
    CU_ASSERT(ts_arch_component(t, (guint)mac)->parent >= 0);
}

void ts_test_register_native(void);
void ts_test_register_native(void)
{
    CU_pSuite s = CU_add_suite("native", NULL, NULL);
    CU_add_test(s, "eyeriss-like-3level native == Timeloop", test_eyeriss_native_equals_timeloop);
    CU_add_test(s, "transformer-gemmini native == Timeloop (structure)",
                test_transformer_gemmini_native_equals_timeloop);
    CU_add_test(s, "transformer-pim native vs Timeloop v0.4",
                test_transformer_pim_native_matches_timeloop);
    CU_add_test(s, "DDR4-2400 preset vs DRAMsim3 ini", test_ddr4_2400_vs_dramsim3);
    CU_add_test(s, "preset + overrides", test_preset_override);
    CU_add_test(s, "IDD currents given in part: refused", test_partial_currents);
    CU_add_test(s, "technology scaling", test_technology_scaling);
    CU_add_test(s, "systolic array expansion", test_systolic_expansion);
    CU_add_test(s, "component and topology view", test_component_view);
    CU_add_test(s, "PIM core, host link, vector unit", test_pim_and_link);
    CU_add_test(s, "PIM core with few tasklets", test_few_tasklets);
    CU_add_test(s, "summary: peak MAC/s", test_describe_peak);
    CU_add_test(s, "conditionally required keys are documented",
                test_conditionally_required_keys_documented);
    CU_add_test(s, "UPMEM profiler device profiles", test_upmem_profiles);
    CU_add_test(s, "UPMEM profile keys recognised as the schema's", test_upmem_recognition_keys);
    CU_add_test(s, "native device profile", test_native_device_profile);
    CU_add_test(s, "library archs load and are mappable", test_library_loads);
    CU_add_test(s, "docs/arch-reference.md matches the schema", test_reference_doc_matches_tables);
}
