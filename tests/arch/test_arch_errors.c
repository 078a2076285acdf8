/* Bad architecture inputs: each case is written to a file and loaded; the load must fail with
 * the expected TS_CONFIG_ERROR code and a message naming FILE:LINE:COL and the key path (and
 * the offending value where there is one). Never a crash, a hang or a silent default. */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ts-arch.h"
#include "ts-test.h"

char *ts_arch_test_write(const char *name, const char *text);

typedef struct {
    const char *name;
    const char *text;
    TsConfigError code;
    const char *where;   /* expected "LINE:COL: path" right after the file name, or NULL */
    const char *message; /* expected substring */
} BadCase;

#define HEAD "architecture:\n  name: x\n  clock: 1GHz\n  levels:\n"
#define DRAM "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
#define MAC "    - {name: MAC, class: mac}\n"

static const BadCase cases[] = {
    {"syntax", "architecture:\n  name: [x\n  clock: 1GHz\n", TS_CONFIG_ERROR_SYNTAX, NULL, ""},
    {"unknown_key_top", "architecture:\n  name: x\n  clok: 1GHz\n  levels: []\n",
     TS_CONFIG_ERROR_UNKNOWN_KEY, "3:3: architecture.clok",
     "unknown key 'clok' (did you mean 'clock'?)"},
    {"unknown_key_attr",
     HEAD DRAM
     "    - name: GLB\n      class: sram\n      attributes: {dpeth: 16, word_bits: 16}\n" MAC,
     TS_CONFIG_ERROR_UNKNOWN_KEY, "8:20: levels[1].attributes.dpeth",
     "unknown key 'dpeth' (did you mean 'depth'?)"},
    {"unknown_key_level",
     HEAD "    - {name: DRAM, class: dram, preset: DDR4-2400, atributes: {}}\n" MAC,
     TS_CONFIG_ERROR_UNKNOWN_KEY, "5:52: levels[0].atributes", "did you mean 'attributes'?"},
    {"wrong_type", HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: lots}}\n" MAC,
     TS_CONFIG_ERROR_TYPE, "6:52: levels[1].attributes.depth", "(got 'lots')"},
    {"wrong_type_levels", "architecture:\n  name: x\n  clock: 1GHz\n  levels: {a: 1}\n",
     TS_CONFIG_ERROR_TYPE, "4:11: levels", "expected a non-empty list of levels"},
    {"missing_clock", "architecture:\n  name: x\n  levels: []\n", TS_CONFIG_ERROR_MISSING,
     "2:3: architecture", "missing required key 'clock'"},
    {"missing_class", HEAD DRAM "    - {name: GLB, attributes: {depth: 4}}\n" MAC,
     TS_CONFIG_ERROR_MISSING, "6:7: levels[1]", "missing required key 'class'"},
    {"missing_size", HEAD DRAM "    - {name: GLB, class: sram, attributes: {word_bits: 16}}\n" MAC,
     TS_CONFIG_ERROR_MISSING, "6:44: levels[1].attributes", "missing required key 'depth'"},
    {"missing_dram_timing", HEAD "    - {name: DRAM, class: dram, attributes: {channels: 1}}\n" MAC,
     TS_CONFIG_ERROR_MISSING, "5:45: levels[0].attributes",
     "missing required key 'ranks' (or give preset:"},
    {"bad_unit_clock", "architecture:\n  name: x\n  clock: 200MB\n  levels: []\n",
     TS_CONFIG_ERROR_UNIT, "3:10: architecture.clock", "(got '200MB')"},
    /* Bare numbers where the unit is ambiguous: 200 (MHz meant) would be 200 Hz, a tCK of
     * 0.83 (ns, as DRAMsim3 writes it) 0.83 ps, a host link of 22 (GB/s) 22 B/s. */
    {"bare_clock", "architecture:\n  name: x\n  clock: 200\n  levels: []\n", TS_CONFIG_ERROR_UNIT,
     "3:10: architecture.clock",
     "missing unit: expected a frequency in Hz, kHz, MHz, GHz (got '200')"},
    {"bare_tck",
     HEAD "    - {name: DRAM, class: dram, preset: DDR4-2400, attributes: {tCK: 0.83}}\n" MAC,
     TS_CONFIG_ERROR_UNIT, "5:70: levels[0].attributes.tCK",
     "missing unit: expected a time in ps, ns, us, ms, s (got '0.83')"},
    {"bare_link_bandwidth",
     HEAD DRAM "    - {name: L, class: host_link, attributes: {bandwidth: 22, energy_per_bit: 5}}\n"
               "    - {name: GLB, class: sram, attributes: {depth: 4}}\n" MAC,
     TS_CONFIG_ERROR_UNIT, "6:59: levels[1].attributes.bandwidth",
     "missing unit: expected a bandwidth in B/s"},
    {"bare_size", HEAD DRAM "    - {name: GLB, class: sram, attributes: {size: 4096}}\n" MAC,
     TS_CONFIG_ERROR_UNIT, "6:51: levels[1].attributes.size",
     "missing unit: expected a size in B, KB/KiB"},
    {"bad_unit_energy_per_bit",
     HEAD
     "    - {name: DRAM, class: dram, preset: HBM2, attributes: {energy_per_bit: 0.9pJ}}\n" MAC,
     TS_CONFIG_ERROR_UNIT, "5:76: levels[0].attributes.energy_per_bit",
     "unknown unit: expected an energy per bit in fJ/bit, pJ/bit, nJ/bit, pJ/B (got '0.9pJ')"},
    {"bad_unit_bandwidth",
     HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: 4, read_bandwidth: 5GHz}}\n" MAC,
     TS_CONFIG_ERROR_UNIT, "6:71: levels[1].attributes.read_bandwidth", "(got '5GHz')"},
    {"negative_timing",
     HEAD "    - {name: DRAM, class: dram, preset: DDR4-2400, attributes: {tRCD: -3}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "5:71: levels[0].attributes.tRCD", "(got -3)"},
    {"bad_timing_unit",
     HEAD "    - {name: DRAM, class: dram, preset: DDR4-2400, attributes: {tRCD: 13GHz}}\n" MAC,
     TS_CONFIG_ERROR_TYPE, "5:71: levels[0].attributes.tRCD", "(got '13GHz')"},
    {"zero_timing",
     HEAD "    - {name: DRAM, class: dram, preset: DDR4-2400, attributes: {tRP: 0}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "5:70: levels[0].attributes.tRP", "must be > 0 (got 0)"},
    {"zero_allbank_turn",
     HEAD "    - {name: DRAM, class: dram, preset: HBM2, attributes: {controller: "
          "{allbank_turn_rows: 0}}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "5:92: levels[0].attributes.controller.allbank_turn_rows",
     "must be > 0 (got 0)"},
    {"huge_cmd_queue",
     HEAD "    - {name: DRAM, class: dram, preset: HBM2, attributes: {controller: "
          "{cmd_queue_size: 1048576}}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "5:89: levels[0].attributes.controller.cmd_queue_size",
     "must be <= 4096 (got 1048576)"},
    {"zero_trans_queue",
     HEAD "    - {name: DRAM, class: dram, preset: HBM2, attributes: {controller: "
          "{trans_queue_size: 0}}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "5:91: levels[0].attributes.controller.trans_queue_size",
     "must be > 0 (got 0)"},
    {"out_of_range",
     HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: 4, min_utilization: 1.5}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "6:72: levels[1].attributes.min_utilization", "must be <= 1 (got 1.5)"},
    {"zero_size", HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: 0}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "6:52: levels[1].attributes.depth", "must be > 0 (got 0)"},
    {"negative_size", HEAD DRAM "    - {name: GLB, class: sram, attributes: {size: -4KB}}\n" MAC,
     TS_CONFIG_ERROR_RANGE, "6:51: levels[1].attributes.size", "(got -4KB)"},
    {"too_many_expanded",
     HEAD "    - {name: A, spatial: {meshX: 65536}, levels: [{name: SA, class: systolic_array, "
          "attributes: {rows: 65536, cols: 2, dataflow: ws}}]}\n",
     TS_CONFIG_ERROR_RANGE, "5:51: levels[0].levels[0]",
     "too many instances of 'SA.regs': at most 4294967295 (got 8589934592)"},
    {"zero_mesh",
     HEAD DRAM "    - {name: PE, spatial: {meshX: 0}, levels: [{name: MAC, class: mac}]}\n",
     TS_CONFIG_ERROR_RANGE, "6:35: levels[1].spatial.meshX", "must be > 0 (got 0)"},
    {"width_not_multiple",
     HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: 4, width_bits: 24}}\n" MAC,
     TS_CONFIG_ERROR_INVALID, "6:67: levels[1].attributes.width_bits", "(got 24)"},
    {"sizes_disagree",
     HEAD DRAM "    - {name: GLB, class: sram, attributes: {depth: 4, size: 1KB}}\n" MAC,
     TS_CONFIG_ERROR_INVALID, "6:61: levels[1].attributes.size", "but depth gives 4"},
    {"duplicate_name", HEAD DRAM "    - {name: DRAM, class: sram, attributes: {depth: 4}}\n" MAC,
     TS_CONFIG_ERROR_DUPLICATE, "6:7: levels[1] (DRAM)", "duplicate level name (first at"},
    {"unknown_preset", HEAD "    - {name: DRAM, class: dram, preset: DDR4-2440}\n" MAC,
     TS_CONFIG_ERROR_REFERENCE, "5:41: levels[0].preset",
     "unknown preset 'DDR4-2440' (did you mean 'DDR4-2400'?)"},
    {"preset_on_sram",
     HEAD DRAM "    - {name: G, class: sram, preset: DDR4-2400, attributes: {depth: 4}}\n" MAC,
     TS_CONFIG_ERROR_INVALID, "6:38: levels[1].preset", "only class dram has presets"},
    {"unknown_class", HEAD DRAM "    - {name: GLB, class: srma, attributes: {depth: 4}}\n" MAC,
     TS_CONFIG_ERROR_REFERENCE, "6:26: levels[1].class",
     "unknown class 'srma' (did you mean 'sram'?)"},
    {"unknown_enum",
     HEAD DRAM
     "    - {name: A, class: systolic_array, attributes: {rows: 2, cols: 2, dataflow: rs}}\n",
     TS_CONFIG_ERROR_REFERENCE, "6:81: levels[1].attributes.dataflow",
     "unknown value 'rs' (did you mean 'ws'?); expected one of ws, os, is"},
    {"spatial_on_component", HEAD DRAM "    - {name: MAC, class: mac, spatial: {meshX: 4}}\n",
     TS_CONFIG_ERROR_INVALID, "6:40: levels[1].spatial", "only containers"},
    {"class_and_levels", HEAD DRAM "    - {name: PE, class: mac, levels: []}\n",
     TS_CONFIG_ERROR_INVALID, "6:38: levels[1].levels", "not both"},
    {"compute_not_innermost",
     HEAD DRAM MAC "    - {name: B, class: sram, attributes: {depth: 4}}\n",
     TS_CONFIG_ERROR_INVALID, "7:7: levels[2] (B)", "the compute level must be the innermost"},
    {"dpu_missing_key",
     HEAD DRAM
     "    - {name: D, class: pim_core, attributes: {kind: dpu, wram_size: 64KB, mram_size: 64MB, "
     "dma_alpha_read: 1, dma_alpha_write: 1}}\n",
     TS_CONFIG_ERROR_MISSING, "6:7: levels[1].attributes",
     "missing required key 'dma_beta' (kind: dpu)"},
    {"dpu_unknown_instruction",
     HEAD DRAM
     "    - {name: D, class: pim_core, attributes: {kind: dpu, wram_size: 64KB, mram_size: 64MB, "
     "dma_alpha_read: 1, dma_alpha_write: 1, dma_beta: 0.5, instructions: {mul_fp23: 9}}}\n",
     TS_CONFIG_ERROR_REFERENCE, "6:171: levels[1].attributes.instructions.mul_fp23",
     "unknown DPU operation 'mul_fp23' (did you mean 'mul_fp32'?)"},
    {"vector_op_missing",
     HEAD DRAM MAC
     "    - {name: V, class: vector_unit, attributes: {lanes: 4, ops: {exp: {cycles: 2}}}}\n",
     TS_CONFIG_ERROR_MISSING, "7:71: levels[2].attributes.ops.exp",
     "missing required key 'energy'"},
    {"alias_bomb",
     "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, "
     "*c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, "
     "*e]\n"
     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g, "
     "*g]\n",
     TS_CONFIG_ERROR_LIMIT, NULL, ""},
    {"non_utf8", "architecture:\n  name: \xff\xfe\n", TS_CONFIG_ERROR_ENCODING, NULL, ""},
    {"not_an_arch", "problem:\n  shape: {name: x}\n", TS_CONFIG_ERROR_INVALID, "1:1",
     "not an architecture: this is a Timeloop problem"},
    /* Timeloop input */
    {"tl_fanout",
     "architecture:\n  version: 0.3\n  subtree:\n  - name: S\n    local:\n"
     "    - {name: DRAM, class: DRAM, attributes: {word-bits: 16}}\n"
     "    - {name: GLB, class: SRAM, attributes: {depth: 64, word-bits: 16, instances: 3}}\n"
     "    subtree:\n    - name: PE[0..9]\n      local:\n"
     "      - {name: RF, class: regfile, attributes: {depth: 4, word-bits: 16}}\n"
     "      - {name: M, class: intmac, attributes: {datawidth: 16}}\n",
     TS_CONFIG_ERROR_INVALID, "11:9: architecture.subtree[0].subtree[0].local[0] (RF)",
     "fan-out does not divide: 10 instances below 3"},
    {"tl_mesh",
     "architecture:\n  version: 0.3\n  subtree:\n  - name: S\n    local:\n"
     "    - {name: DRAM, class: DRAM, attributes: {word-bits: 16}}\n"
     "    subtree:\n    - name: PE[0..15]\n      local:\n"
     "      - {name: RF, class: regfile, attributes: {depth: 4, meshX: 3}}\n"
     "      - {name: M, class: intmac}\n",
     TS_CONFIG_ERROR_INVALID, "10:9: architecture.subtree[0].subtree[0].local[0]",
     "meshX does not divide the instances (got 3 for 16 instances)"},
    {"tl_two_subtrees", "architecture:\n  subtree:\n  - {name: A}\n  - {name: B}\n",
     TS_CONFIG_ERROR_INVALID, "3:3: architecture.subtree", "exactly one subtree per level (got 2)"},
    {"tl_unknown_tag", "architecture:\n  version: 0.4\n  nodes:\n  - !Containr {name: S}\n",
     TS_CONFIG_ERROR_REFERENCE, "4:5: architecture.nodes[0]", "did you mean '!Container'?"},
    {"tl_bad_expression",
     "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: B, class: SRAM, attributes: "
     "{depth: 16384*x, datawidth: 8}}\n  - !Component {name: M, class: intmac}\n",
     TS_CONFIG_ERROR_TYPE, "4:59: architecture.nodes[0].attributes.depth",
     "unknown name 'x' in expression '16384*x'"},
    {"tl_no_compute",
     "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: B, class: DRAM}\n",
     TS_CONFIG_ERROR_MISSING, "2:3: architecture", "no arithmetic level"},
    {"tl_two_computes",
     "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: A, class: intmac}\n"
     "  - !Component {name: B, class: intmac}\n",
     TS_CONFIG_ERROR_INVALID, "5:5: architecture.nodes[1]", "Timeloop supports exactly one"},
    {"tl_unknown_component_key",
     "architecture:\n  version: 0.4\n  nodes:\n  - !Component {name: A, clas: intmac}\n",
     TS_CONFIG_ERROR_UNKNOWN_KEY, "4:26: architecture.nodes[0].clas", "did you mean 'class'?"},
    {"tl_width",
     "architecture:\n  subtree:\n  - name: S\n    local:\n"
     "    - {name: B, class: SRAM, attributes: {depth: 8, width: 20, word-bits: 16}}\n"
     "    - {name: M, class: intmac}\n",
     TS_CONFIG_ERROR_INVALID, "5:60: architecture.subtree[0].local[0].attributes.width",
     "width must be a multiple of word bits x block size (got 20 for 16 x 1)"},
    {"upmem_extra_key",
     "Dev:\n    host_to_device_bw_GBs: 1\n    host_to_device_pj_per_bit: 1\n"
     "    device_to_host_bw_GBs: 1\n    device_to_host_pj_per_bit: 1\n    mem_bw_GBs: 1\n"
     "    mem_pj_per_bit: 1\n    tflops: 1\n    pj_per_tflop: 1\n    tflop: 2\n",
     TS_CONFIG_ERROR_UNKNOWN_KEY, "10:5: Dev.tflop", "did you mean 'tflops'?"},
    {"upmem_missing_key", "Dev:\n    host_to_device_bw_GBs: 1\n    host_to_device_pj_per_bit: 1\n",
     TS_CONFIG_ERROR_MISSING, "2:5: Dev", "missing required key 'device_to_host_bw_GBs'"},
    {"upmem_zero_bandwidth",
     "Dev:\n    host_to_device_bw_GBs: 0\n    host_to_device_pj_per_bit: 1\n"
     "    device_to_host_bw_GBs: 1\n    device_to_host_pj_per_bit: 1\n    mem_bw_GBs: 1\n"
     "    mem_pj_per_bit: 1\n    tflops: 1\n    pj_per_tflop: 1\n",
     TS_CONFIG_ERROR_RANGE, "2:28: Dev.host_to_device_bw_GBs", "must be > 0 (got 0)"},
};

static void run_case(const BadCase *c)
{
    g_autofree char *file = g_strdup_printf("%s.yaml", c->name);
    g_autofree char *path = ts_arch_test_write(file, c->text);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(path, NULL, &error);
    gboolean ok = arch == NULL && error != NULL && error->domain == TS_CONFIG_ERROR &&
                  error->code == (gint)c->code;
    if (ok && c->where != NULL) {
        g_autofree char *prefix = g_strdup_printf("%s:%s: ", path, c->where);
        ok = g_str_has_prefix(error->message, prefix);
    }
    if (ok)
        ok = strstr(error->message, c->message) != NULL;
    if (!ok)
        fprintf(stderr, "\ncase %s: expected code %d at '%s' with '%s', got %s (code %d)\n",
                c->name, c->code, c->where ? c->where : "-", c->message,
                error ? error->message : "no error", error ? error->code : -1);
    CU_ASSERT_TRUE(ok);
}

static void test_bad_cases(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        run_case(&cases[i]);
}

static void test_limits(void)
{
    /* Containers nested deeper than the native format's bound (16). */
    GString *nest = g_string_new(HEAD);
    for (int i = 0; i < 18; i++)
        g_string_append_printf(nest, "%*s- name: c%d\n%*s  levels:\n", 4 + 4 * i, "", i, 4 + 4 * i,
                               "");
    g_string_append_printf(nest, "%*s- {name: MAC, class: mac}\n", 4 + 4 * 18, "");
    g_autofree char *p0 = ts_arch_test_write("nest.yaml", nest->str);
    g_string_free(nest, TRUE);
    g_autoptr(GError) e0 = NULL;
    g_autoptr(TsArch) a0 = ts_arch_load(p0, NULL, &e0);
    CU_ASSERT_PTR_NULL(a0);
    CU_ASSERT_TRUE(g_error_matches(e0, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    CU_ASSERT_PTR_NOT_NULL(e0 ? strstr(e0->message, "containers nested deeper than 16") : NULL);

    /* Nesting deeper than the parser's bound. */
    GString *deep = g_string_new("architecture: ");
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < 100; i++)
        g_string_append_c(deep, ']');
    g_string_append_c(deep, '\n');
    g_autofree char *p1 = ts_arch_test_write("deep.yaml", deep->str);
    g_string_free(deep, TRUE);
    g_autoptr(GError) e1 = NULL;
    g_autoptr(TsArch) a1 = ts_arch_load(p1, NULL, &e1);
    CU_ASSERT_PTR_NULL(a1);
    CU_ASSERT_TRUE(g_error_matches(e1, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    /* A file over the size bound (16 MiB). */
    gsize n = 17u * 1024u * 1024u;
    char *big = g_malloc(n + 1);
    memset(big, '#', n);
    big[n] = '\0';
    g_autofree char *p2 = ts_arch_test_write("big.yaml", big);
    g_free(big);
    g_autoptr(GError) e2 = NULL;
    g_autoptr(TsArch) a2 = ts_arch_load(p2, NULL, &e2);
    CU_ASSERT_PTR_NULL(a2);
    CU_ASSERT_TRUE(g_error_matches(e2, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    g_unlink(p2);
    /* A missing file and an unknown library name. */
    g_autoptr(GError) e3 = NULL;
    g_autoptr(TsArch) a3 = ts_arch_load("eyeriss-like-3levle", NULL, &e3);
    CU_ASSERT_PTR_NULL(a3);
    CU_ASSERT_TRUE(g_error_matches(e3, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE));
    CU_ASSERT_PTR_NOT_NULL(e3 ? strstr(e3->message, "eyeriss-like-3level") : NULL);
}

static void test_bad_ert(void)
{
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    if (arch == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autofree char *e1 = ts_arch_test_write(
        "neg.ERT.yaml", "ERT:\n  version: 0.3\n  tables:\n  - name: S.GlobalBuffer\n"
                        "    actions:\n    - {name: read, energy: -1}\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) a = ts_arch_load(arch, e1, &error);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "ERT.tables[0].actions[0].energy: must "
                                                          "be >= 0 (got -1)")
                                 : NULL);
    g_clear_error(&error);
    g_autofree char *e2 = ts_arch_test_write("notert.yaml", "mapping: []\n");
    g_autoptr(TsArch) b = ts_arch_load(arch, e2, &error);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID));
}

static void test_fuzz(void);
static void test_fuzz_long(void);
void ts_test_register_errors(void);
void ts_test_register_errors(void)
{
    CU_pSuite s = CU_add_suite("errors", NULL, NULL);
    CU_add_test(s, "bad inputs: code, position, path, message", test_bad_cases);
    CU_add_test(s, "limits: depth, size, unknown name", test_limits);
    CU_add_test(s, "bad ERT", test_bad_ert);
    CU_add_test(s, "mutation fuzzing never crashes", test_fuzz);
}

void ts_test_register_errors_slow(void);
void ts_test_register_errors_slow(void)
{
    CU_pSuite s = CU_add_suite("errors (slow)", NULL, NULL);
    CU_add_test(s, "mutation fuzzing never crashes (1,000 rounds per file)", test_fuzz_long);
}

/* Mutation fuzzing: every library file and the Timeloop/UPMEM reference inputs, with random
 * byte flips, deletions, duplications and insertions of YAML punctuation; loading must return
 * an arch or a TS_CONFIG_ERROR, never crash (run under ASan/UBSan in CI). Seeded: see
 * ts_test_seed. */
static void fuzz_file(const char *path, GRand *rng, guint rounds, guint *n_ok, guint *n_err)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &text, &len, NULL) || len == 0)
        return;
    static const char punct[] = ":-[]{},#&*!|>'\"\n 0123456789.e";
    g_autofree char *base = g_path_get_basename(path);
    for (guint r = 0; r < rounds; r++) {
        GString *m = g_string_new_len(text, (gssize)len);
        guint edits = 1 + g_rand_int_range(rng, 0, 4);
        for (guint e = 0; e < edits && m->len > 0; e++) {
            gsize at = (gsize)g_rand_int_range(rng, 0, (gint32)m->len);
            switch (g_rand_int_range(rng, 0, 5)) {
            case 0:
                m->str[at] = punct[g_rand_int_range(rng, 0, sizeof punct - 1)];
                break;
            case 1: {
                gsize n = (gsize)g_rand_int_range(rng, 1, 16); /* not inside MIN(): once */
                g_string_erase(m, (gssize)at, (gssize)MIN(n, m->len - at));
                break;
            }
            case 2: {
                gsize n = (gsize)g_rand_int_range(rng, 1, 40);
                n = MIN(n, m->len - at);
                g_autofree char *dup = g_strndup(m->str + at, n);
                g_string_insert(m, (gssize)at, dup);
                break;
            }
            case 3:
                g_string_insert_c(m, (gssize)at, punct[g_rand_int_range(rng, 0, sizeof punct - 1)]);
                break;
            default:
                m->str[at] = (char)g_rand_int_range(rng, 1, 256);
                break;
            }
        }
        /* In memory (a memfd read through /proc/self/fd/N, as any path): a thousand files
         * created on a busy disk cost seconds. */
        int fd = memfd_create(base, MFD_CLOEXEC);
        CU_ASSERT_TRUE_FATAL(fd >= 0 && write(fd, m->str, m->len) == (gssize)m->len);
        g_autofree char *p = g_strdup_printf("/proc/self/fd/%d", fd);
        g_string_free(m, TRUE);
        g_autoptr(GError) error = NULL;
        g_autoptr(TsArch) arch = ts_arch_load(p, NULL, &error);
        if (arch != NULL) {
            (*n_ok)++;
            g_autofree char *d = ts_arch_describe(arch);
            CU_ASSERT_PTR_NOT_NULL(d);
        } else {
            (*n_err)++;
            CU_ASSERT_TRUE(error != NULL && error->domain == TS_CONFIG_ERROR);
            if (error == NULL || error->domain != TS_CONFIG_ERROR)
                fprintf(stderr, "fuzz %s round %u: not a config error\n", base, r);
        }
        close(fd);
    }
}

/* rounds mutated copies of each file ($TILESIM_FUZZ_ROUNDS overrides). */
static void fuzz_files(guint rounds)
{
    guint64 seed = ts_test_seed(20261121);
    g_autoptr(GRand) rng = g_rand_new_with_seed((guint32)seed);
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *lib = ts_test_source_path("arch/library");
    g_autoptr(GDir) d = g_dir_open(lib, 0, NULL);
    const char *name;
    while (d && (name = g_dir_read_name(d)) != NULL)
        if (g_str_has_suffix(name, ".yaml"))
            g_ptr_array_add(files, g_build_filename(lib, name, NULL));
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    static const char *const refs[] = {
        "timeloop/arch/eyeriss_like_3level.arch.yaml",
        "timeloop-experiments/transformer_gemmini/arch/system_gemmini_realistic.yaml",
        "timeloop-experiments/transformer_gemmini/arch/system_simba.yaml",
        "timeloop-experiments/transformer_pim/arch/system_PIM.yaml", NULL};
    for (guint i = 0; refs[i]; i++) {
        char *p = ts_test_reference_path(refs[i]);
        if (p)
            g_ptr_array_add(files, p);
    }
    if (g_getenv("TILESIM_FUZZ_ROUNDS"))
        rounds = (guint)atoi(g_getenv("TILESIM_FUZZ_ROUNDS"));
    guint ok = 0, err = 0;
    for (guint i = 0; i < files->len; i++)
        fuzz_file(files->pdata[i], rng, rounds, &ok, &err);
    printf("\n  fuzz: %u mutated files, %u loaded, %u rejected with a config error\n", ok + err, ok,
           err);
}

/* 150 rounds per file take seconds under ASan; the slow variant and the libFuzzer harness
 * (tests/fuzz/) go further. */
static void test_fuzz(void)
{
    fuzz_files(150);
}

static void test_fuzz_long(void)
{
    fuzz_files(1000);
}
