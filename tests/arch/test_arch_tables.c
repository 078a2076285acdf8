/* Accelergy tables on small inline architectures: Timeloop 3.0.3's ERT/ART name rule (drop a
 * trailing "[lo..hi]", keep the text after the last '.', compare exactly), every entry either
 * applied or reported as a note, levels no ERT names reported, ERT leak actions and ART areas;
 * fan-out stages recorded from v0.4 containers; static figures (leak_power, area) of native
 * architectures reaching the arch's totals. */
#include <stdio.h>
#include <string.h>

#include "ts-arch-private.h"
#include "ts-arch.h"
#include "ts-test.h"

char *ts_arch_test_write(const char *name, const char *text);

static const char *const arch_v04 = "architecture:\n"
                                    "  version: 0.4\n"
                                    "  nodes:\n"
                                    "  - !Container\n"
                                    "    name: System\n"
                                    "  - !Component\n"
                                    "    name: MainMemory\n"
                                    "    class: DRAM\n"
                                    "    attributes: {width: 64, datawidth: 8}\n"
                                    "  - !Component\n"
                                    "    name: Buffer\n"
                                    "    class: regfile\n"
                                    "    attributes: {depth: 64, width: 8, datawidth: 8}\n"
                                    "  - !Container\n"
                                    "    name: PE_column\n"
                                    "    spatial: {meshX: 4}\n"
                                    "  - !Container\n"
                                    "    name: PE\n"
                                    "    spatial: {meshY: 3}\n"
                                    "  - !Component\n"
                                    "    name: RF\n"
                                    "    class: regfile\n"
                                    "    attributes: {depth: 16, width: 8, datawidth: 8}\n"
                                    "  - !Component\n"
                                    "    name: MACC\n"
                                    "    class: intmac\n"
                                    "    attributes: {width: 8}\n";

static gboolean has_note(const TsArch *arch, const char *needle)
{
    for (const char *const *n = ts_arch_notes(arch); n && *n; n++)
        if (strstr(*n, needle) != NULL)
            return TRUE;
    fprintf(stderr, "\n  no note with: %s", needle);
    return FALSE;
}

static void test_leaf_names(void)
{
    static const struct {
        const char *entry, *level;
    } names[] = {
        {"System_top_level.MainMemory[1..1]", "MainMemory"},
        {"PE_top_level.Buffer[1..16]", "Buffer"},
        {"System.Chip.PE[0..255].RegisterFile", "RegisterFile"},
        {"system_top_level.mac[1..168]", "mac"},
        {"DRAM", "DRAM"},
        {"A.B[10..20]", "B"},
        {"A.B[3]", "B[3]"}, /* not a range: kept */
    };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *got = ts_arch_ert_leaf_name(names[i].entry);
        CU_ASSERT_STRING_EQUAL(got, names[i].level);
    }
}

static void test_ert_applied_and_reported(void)
{
    g_autofree char *arch = ts_arch_test_write("tables.arch.yaml", arch_v04);
    g_autofree char *ert = ts_arch_test_write(
        "tables.ERT.yaml", "ERT:\n"
                           "  version: '0.4'\n"
                           "  tables:\n"
                           "  - name: System_top_level.MainMemory[1..1]\n"
                           "    actions:\n"
                           "    - {name: read, arguments: {}, energy: 100.0}\n"
                           "    - {name: write, arguments: {}, energy: 120.0}\n"
                           "    - {name: leak, arguments: {}, energy: 0.0}\n"
                           "  - name: System_top_level.RF[1..12]\n"
                           "    actions:\n"
                           "    - {name: read, arguments: {}, energy: 0.5}\n"
                           "    - {name: write, arguments: {}, energy: 0.6}\n"
                           "    - {name: leak, arguments: {}, energy: 0.002}\n"
                           "  - name: System_top_level.buffer[1..1]\n" /* case differs */
                           "    actions:\n"
                           "    - {name: read, arguments: {}, energy: 9.0}\n"
                           "  - name: System_top_level.MACC[1..12]\n"
                           "    actions:\n"
                           "    - {name: compute, arguments: {}, energy: 0.3}\n"
                           "    - {name: leak, arguments: {}, energy: 0.01}\n");
    g_autofree char *art =
        ts_arch_test_write("tables.ART.yaml", "ART:\n"
                                              "  version: '0.4'\n"
                                              "  tables:\n"
                                              "  - name: System_top_level.RF[1..12]\n"
                                              "    area: 250.5\n"
                                              "  - name: System_top_level.Nope[1..1]\n"
                                              "    area: 9\n");
    const char *tables[] = {ert, art, NULL};
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load_full(arch, tables, &error);
    if (error)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    const TsLevel *mm = ts_arch_level(a, (guint)ts_arch_find_level(a, "MainMemory"));
    const TsLevel *rf = ts_arch_level(a, (guint)ts_arch_find_level(a, "RF"));
    const TsLevel *buf = ts_arch_level(a, (guint)ts_arch_find_level(a, "Buffer"));
    const TsLevel *mac = ts_arch_compute(a);
    CU_ASSERT_STRING_EQUAL(mm->energy.source, "ert");
    CU_ASSERT_DOUBLE_EQUAL(mm->energy.read_pj, 100.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mm->energy.write_pj, 120.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mm->energy.update_pj, 120.0, 1e-12); /* update <- write */
    CU_ASSERT_STRING_EQUAL(rf->energy.source, "ert");
    CU_ASSERT_DOUBLE_EQUAL(rf->energy.leak_pj_per_cycle, 0.002, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(rf->area_um2, 250.5, 1e-12);
    CU_ASSERT_STRING_EQUAL(rf->area_source, "art");
    CU_ASSERT_STRING_EQUAL(mac->energy.source, "ert");
    CU_ASSERT_DOUBLE_EQUAL(mac->energy.mac_pj, 0.3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mac->energy.leak_pj_per_cycle, 0.01, 1e-15);
    /* "buffer" is not "Buffer": the entry is unused and the level keeps the built-in model. */
    CU_ASSERT_STRING_EQUAL(buf->energy.source, "pat");
    CU_ASSERT_TRUE(has_note(a, "ERT entry 'System_top_level.buffer[1..1]' (level name "
                               "'buffer') matches no level"));
    CU_ASSERT_TRUE(has_note(a, "no ERT entry names level 'Buffer'"));
    CU_ASSERT_TRUE(has_note(a, "ART entry 'System_top_level.Nope[1..1]'"));
    /* Static totals: RF 12 instances x 0.002 + MACC 12 x 0.01 pJ per cycle; RF area. */
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_leak_pj_per_cycle(a), 12 * 0.002 + 12 * 0.01, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_area_um2(a), 12 * 250.5, 1e-9);
    /* The two containers below Buffer are its fan-out stages, outermost first. */
    CU_ASSERT_EQUAL(buf->n_stages, 2);
    CU_ASSERT_STRING_EQUAL(buf->stages[0].name, "PE_column");
    CU_ASSERT_EQUAL(buf->stages[0].mesh_x, 4);
    CU_ASSERT_EQUAL(buf->stages[1].mesh_y, 3);
    CU_ASSERT_EQUAL(buf->fanout_x, 4);
    CU_ASSERT_EQUAL(buf->fanout_y, 3);
    /* `tilesim check --ert` lists every level's energy source. */
    GString *out = g_string_new(NULL);
    gboolean checked = FALSE;
    CU_ASSERT_TRUE(ts_arch_check_file_full(arch, tables, out, &checked, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(out->str, "energy sources (per level):"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out->str, "    Buffer                 pat"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out->str, "    RF                     ert"));
    g_string_free(out, TRUE);
}

/* leak_power and area of native levels reach the figures (every key changes a figure). */
static void test_native_static_figures(void)
{
    g_autofree char *path = ts_arch_test_write(
        "static.yaml", "architecture:\n"
                       "  name: static\n"
                       "  clock: 1GHz\n"
                       "  technology: 45nm\n"
                       "  levels:\n"
                       "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
                       "    - name: Buf\n"
                       "      class: sram\n"
                       "      attributes: {size: 64KB, word_bits: 16, leak_power: 2mW, area: "
                       "0.5mm^2}\n"
                       "    - name: PE\n"
                       "      spatial: {meshX: 4}\n"
                       "      levels:\n"
                       "        - {name: MAC, class: mac, attributes: {leak_power: 1mW, area: "
                       "100um^2}}\n"
                       "        - {name: VU, class: vector_unit, attributes: {lanes: 4, "
                       "leak_power: 3mW, area: 10um^2, ops: {add: {cycles: 1, energy: 1pJ}}}}\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load(path, NULL, &error);
    if (error)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    /* pJ per 1 GHz cycle: 2 mW = 2 pJ/cycle; 4 MACs x 1; 4 vector units x 3. */
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_leak_pj_per_cycle(a), 2.0 + 4 * 1.0 + 4 * 3.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_area_um2(a), 0.5e6 + 4 * 100.0 + 4 * 10.0, 1e-6);
}

void ts_test_register_tables(void);
void ts_test_register_tables(void)
{
    CU_pSuite s = CU_add_suite("accelergy tables and static figures", NULL, NULL);
    CU_add_test(s, "ERT/ART level names", test_leaf_names);
    CU_add_test(s, "ERT and ART applied, unmatched entries reported",
                test_ert_applied_and_reported);
    CU_add_test(s, "leak_power and area reach the totals", test_native_static_figures);
}
