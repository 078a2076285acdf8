/* Golden tests of the Timeloop import: the Eyeriss-like v0.3 reference architecture must load
 * with the specs Timeloop 3.0.3 printed in every case's stats.txt (size, word bits, block and
 * cluster size, instances and mesh, bandwidths, multiple buffering, vector access energy from
 * PAT or the ERT, compute energy), and the ERT's per-action energies must reproduce the
 * per-scalar-access energies Timeloop printed per tensor. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-test.h"

#define ARCH_REL "timeloop/arch/eyeriss_like_3level.arch.yaml"
#define ERT_REL "timeloop/ert/eyeriss_like_handwritten.ERT.yaml"

/* One "=== NAME ===" section of stats.txt, spec lines only. */
typedef struct {
    char name[64];
    gboolean compute;
    double vector_access_energy, compute_energy;
    char size[32];
    int word_bits, block_size, cluster_size, instances, mesh_x, mesh_y;
    char read_bw[32], write_bw[32];
    double multiple_buffering;
    char energy_source[16];
    /* per tensor: reads, updates, fills, energy per scalar access */
    int n_tensors;
    double reads[3], updates[3], fills[3], per_scalar[3];
} StatsLevel;

static char *value_of(const char *line)
{
    const char *c = strchr(line, ':');
    return c ? g_strstrip(g_strdup(c + 1)) : g_strdup("");
}

static GArray *parse_stats(const char *path)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    GArray *levels = g_array_new(FALSE, TRUE, sizeof(StatsLevel));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    StatsLevel *cur = NULL;
    gboolean in_networks = FALSE;
    for (guint i = 0; lines[i]; i++) {
        const char *l = lines[i];
        if (g_str_has_prefix(l, "Networks"))
            in_networks = TRUE;
        if (in_networks)
            continue;
        const char *eq = strstr(l, "=== ");
        if (eq != NULL && strstr(eq + 4, " ===") != NULL) {
            StatsLevel s = {0};
            const char *start = eq + 4, *end = strstr(start, " ===");
            g_strlcpy(s.name, start, MIN(sizeof s.name, (gsize)(end - start + 1)));
            g_array_append_val(levels, s);
            cur = &g_array_index(levels, StatsLevel, levels->len - 1);
            continue;
        }
        if (cur == NULL)
            continue;
        g_autofree char *v = value_of(l);
        const char *t = l;
        while (*t == ' ')
            t++;
        if (g_str_has_prefix(t, "Vector access energy source"))
            g_strlcpy(cur->energy_source, v, sizeof cur->energy_source);
        else if (g_str_has_prefix(t, "Vector access energy "))
            cur->vector_access_energy = g_ascii_strtod(v, NULL);
        else if (g_str_has_prefix(t, "Compute energy")) {
            cur->compute = TRUE;
            cur->compute_energy = g_ascii_strtod(v, NULL);
        } else if (g_str_has_prefix(t, "Size "))
            g_strlcpy(cur->size, v, sizeof cur->size);
        else if (g_str_has_prefix(t, "Word bits"))
            cur->word_bits = atoi(v);
        else if (g_str_has_prefix(t, "Block size"))
            cur->block_size = atoi(v);
        else if (g_str_has_prefix(t, "Cluster size"))
            cur->cluster_size = atoi(v);
        else if (g_str_has_prefix(t, "Instances") && !g_str_has_prefix(t, "Instances sharing")) {
            cur->instances = atoi(v);
            const char *p = strchr(v, '(');
            if (p)
                sscanf(p, "(%d*%d)", &cur->mesh_x, &cur->mesh_y);
        } else if (g_str_has_prefix(t, "Read bandwidth "))
            g_strlcpy(cur->read_bw, v, sizeof cur->read_bw);
        else if (g_str_has_prefix(t, "Write bandwidth "))
            g_strlcpy(cur->write_bw, v, sizeof cur->write_bw);
        else if (g_str_has_prefix(t, "Multiple buffering"))
            cur->multiple_buffering = g_ascii_strtod(v, NULL);
        else if (g_str_has_prefix(t, "Weights:") || g_str_has_prefix(t, "Inputs:") ||
                 g_str_has_prefix(t, "Outputs:"))
            cur->n_tensors = MIN(cur->n_tensors + 1, 3);
        else if (cur->n_tensors > 0 && g_str_has_prefix(t, "Scalar reads"))
            cur->reads[cur->n_tensors - 1] = g_ascii_strtod(v, NULL);
        else if (cur->n_tensors > 0 && g_str_has_prefix(t, "Scalar updates"))
            cur->updates[cur->n_tensors - 1] = g_ascii_strtod(v, NULL);
        else if (cur->n_tensors > 0 && g_str_has_prefix(t, "Scalar fills"))
            cur->fills[cur->n_tensors - 1] = g_ascii_strtod(v, NULL);
        else if (cur->n_tensors > 0 && g_str_has_prefix(t, "Energy (per-scalar-access)"))
            cur->per_scalar[cur->n_tensors - 1] = g_ascii_strtod(v, NULL);
    }
    return levels;
}

/* Printed with two decimals. */
static gboolean close2(double printed, double ours)
{
    return fabs(printed - ours) <= 0.005 + 1e-9;
}

/* Compares the spec lines of a stats file with arch. ert: energies come from the ERT (else
 * PAT); energies FALSE: do not compare energies (Accelergy-generated tables); skip_size: level
 * names whose size differs because the run swept it. */
static int check_stats(const char *stats, const TsArch *arch, gboolean ert, gboolean energies,
                       const char *const *skip_size)
{
    const char *case_dir = stats;
    g_autoptr(GArray) levels = parse_stats(stats);
    int failures = 0;
    if (levels == NULL)
        fprintf(stderr, "cannot read %s\n", stats);
    CU_ASSERT_PTR_NOT_NULL_FATAL(levels);
    CU_ASSERT_EQUAL(levels->len, ts_arch_n_levels(arch));
    for (guint i = 0; i < levels->len; i++) {
        const StatsLevel *s = &g_array_index(levels, StatsLevel, i);
        int idx = ts_arch_find_level(arch, s->name);
        CU_ASSERT_TRUE_FATAL(idx >= 0);
        const TsLevel *l = ts_arch_level(arch, (guint)idx);
#define EXPECT(cond)                                                                               \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s: %s: %s\n", case_dir, s->name, #cond);                             \
            failures++;                                                                            \
        }                                                                                          \
        CU_ASSERT(cond);                                                                           \
    } while (0)
        EXPECT((int)l->word_bits == s->word_bits);
        EXPECT((int)l->instances == s->instances);
        EXPECT((int)l->mesh_x == s->mesh_x && (int)l->mesh_y == s->mesh_y);
        if (s->compute) {
            EXPECT(l->is_compute);
            if (energies)
                EXPECT(close2(s->compute_energy, l->energy.mac_pj));
            continue;
        }
        EXPECT(l->is_storage);
        EXPECT((int)l->block_size == s->block_size);
        EXPECT((int)l->cluster_size == s->cluster_size);
        gboolean swept = FALSE;
        for (guint k = 0; skip_size && skip_size[k]; k++)
            swept |= strcmp(skip_size[k], s->name) == 0;
        if (strcmp(s->size, "-") == 0)
            EXPECT(l->size_words == 0 && !l->zero_capacity);
        else if (!swept)
            EXPECT(l->size_words == g_ascii_strtoull(s->size, NULL, 10));
        if (strcmp(s->read_bw, "-") == 0)
            EXPECT(l->read_bw_words_per_cycle == 0);
        else
            EXPECT(close2(g_ascii_strtod(s->read_bw, NULL), l->read_bw_words_per_cycle));
        if (strcmp(s->write_bw, "-") == 0)
            EXPECT(l->write_bw_words_per_cycle == 0);
        else
            EXPECT(close2(g_ascii_strtod(s->write_bw, NULL), l->write_bw_words_per_cycle));
        EXPECT(close2(s->multiple_buffering, l->multiple_buffering));
        if (!energies)
            continue;
        /* Timeloop prints the most expensive action as the vector access energy. */
        double vae = MAX(l->energy.read_pj, MAX(l->energy.write_pj, l->energy.update_pj));
        EXPECT(close2(s->vector_access_energy, vae));
        EXPECT(strcmp(s->energy_source, ert ? "ERT" : "PAT") == 0);
        /* Per-scalar energy of each tensor from our per-action energies and Timeloop's counts:
         * reads at the read energy, fills at the write energy, updates at the update energy,
         * per vector access of block_size words. */
        for (int t = 0; t < s->n_tensors; t++) {
            double n = s->reads[t] + s->fills[t] + s->updates[t];
            if (n == 0)
                continue;
            double e = (s->reads[t] * l->energy.read_pj + s->fills[t] * l->energy.write_pj +
                        s->updates[t] * l->energy.update_pj) /
                       l->block_size / n;
            EXPECT(close2(s->per_scalar[t], e));
        }
#undef EXPECT
    }
    return failures;
}

static int check_case(const char *case_dir, const TsArch *arch, gboolean ert)
{
    g_autofree char *stats = g_build_filename(case_dir, "stats.txt", NULL);
    return check_stats(stats, arch, ert, TRUE, NULL);
}

/* ts_arch_load, its error (if any) printed. */
static TsArch *load_arch(const char *path, const char *ert)
{
    g_autoptr(GError) error = NULL;
    TsArch *arch = ts_arch_load(path, ert, &error);
    if (error)
        fprintf(stderr, "%s\n", error->message);
    return arch;
}

static void test_pat_energies_all_cases(void)
{
    g_autofree char *arch_path = ts_test_reference_path(ARCH_REL);
    if (arch_path == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(TsArch) arch = load_arch(arch_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autofree char *cases = ts_test_reference_path("timeloop/cases");
    g_autoptr(GDir) dir = g_dir_open(cases, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    const char *name;
    int n_cases = 0, failures = 0;
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, "_ERT"))
            continue;
        g_autofree char *cd = g_build_filename(cases, name, NULL);
        failures += check_case(cd, arch, FALSE);
        n_cases++;
    }
    printf("\n  PAT specs and energies checked against %d stats.txt files (%d mismatches)\n",
           n_cases, failures);
    CU_ASSERT(n_cases >= 35);
}

static void test_ert_energies(void)
{
    g_autofree char *arch_path = ts_test_reference_path(ARCH_REL);
    g_autofree char *ert_path = ts_test_reference_path(ERT_REL);
    if (arch_path == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(TsArch) arch = load_arch(arch_path, ert_path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autofree char *cd = ts_test_reference_path("timeloop/cases/model_qkv_eyeriss_fixed_ERT");
    CU_ASSERT_EQUAL(check_case(cd, arch, TRUE), 0);
    /* The ERT's actions: read -> read, write -> fill and update, mac_random -> MAC. */
    const TsLevel *glb = ts_arch_level(arch, (guint)ts_arch_find_level(arch, "GlobalBuffer"));
    CU_ASSERT_DOUBLE_EQUAL(glb->energy.read_pj, 26.49, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(glb->energy.write_pj, 21.13, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(glb->energy.update_pj, 21.13, 1e-12);
    CU_ASSERT_STRING_EQUAL(glb->energy.source, "ert");
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_compute(arch)->energy.mac_pj, 1.207, 1e-12);
}

static void test_eyeriss_structure(void)
{
    g_autofree char *arch_path = ts_test_reference_path(ARCH_REL);
    if (arch_path == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_path, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    CU_ASSERT_EQUAL(ts_arch_format(arch), TS_ARCH_FORMAT_TIMELOOP_V03);
    CU_ASSERT_EQUAL(ts_arch_n_storage(arch), 3);
    CU_ASSERT_STRING_EQUAL(ts_arch_storage(arch, 0)->name, "DRAM");
    CU_ASSERT_STRING_EQUAL(ts_arch_storage(arch, 1)->name, "GlobalBuffer");
    CU_ASSERT_STRING_EQUAL(ts_arch_storage(arch, 2)->name, "RegisterFile");
    const TsLevel *glb = ts_arch_storage(arch, 1), *rf = ts_arch_storage(arch, 2);
    const TsLevel *mac = ts_arch_compute(arch);
    CU_ASSERT_STRING_EQUAL(mac->name, "MACC");
    CU_ASSERT_EQUAL(ts_arch_storage(arch, 0)->klass, TS_CLASS_DRAM);
    CU_ASSERT_EQUAL(glb->klass, TS_CLASS_SRAM);
    CU_ASSERT_EQUAL(rf->klass, TS_CLASS_REGFILE);
    CU_ASSERT_EQUAL(mac->klass, TS_CLASS_MAC);
    /* fan-out = inner.instances / outer.instances split by meshX/meshY */
    CU_ASSERT_EQUAL(ts_arch_storage(arch, 0)->fanout_x * ts_arch_storage(arch, 0)->fanout_y, 1);
    CU_ASSERT_EQUAL(glb->fanout_x, 16);
    CU_ASSERT_EQUAL(glb->fanout_y, 16);
    CU_ASSERT_EQUAL(rf->fanout_x * rf->fanout_y, 1);
    CU_ASSERT_EQUAL(glb->size_words, 65536); /* depth 16384 x block 4 */
    CU_ASSERT_DOUBLE_EQUAL(glb->energy.read_pj, 4 * (1.0 + 5.0 / 99.5 * (128 - 0.5)), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(rf->energy.read_pj, 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_arch_storage(arch, 0)->energy.read_pj, 800.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(mac->energy.mac_pj, 1.0, 1e-12);
    CU_ASSERT_EQUAL(ts_arch_technology_nm(arch), 45);
}

void ts_test_register_timeloop(void);
void ts_test_register_timeloop(void)
{
    CU_pSuite s = CU_add_suite("timeloop", NULL, NULL);
    CU_add_test(s, "eyeriss v0.3 structure", test_eyeriss_structure);
    CU_add_test(s, "PAT energies vs every stats.txt", test_pat_energies_all_cases);
    CU_add_test(s, "ERT energies vs model_qkv_eyeriss_fixed_ERT", test_ert_energies);
}

/* Every architecture of the published Timeloop transformer experiments (v0.3 tree and v0.4
 * nodes) loads; their compound-component libraries are not architectures. */
static void test_experiment_archs(void)
{
    g_autofree char *root = ts_test_reference_path("timeloop-experiments");
    if (root == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    static const char *const dirs[] = {"transformer_gemmini/arch", "transformer_pim/arch",
                                       "transformer_pim/arch_v0.4", NULL};
    int n = 0;
    for (guint d = 0; dirs[d]; d++) {
        g_autofree char *dir_path = g_build_filename(root, dirs[d], NULL);
        g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
        const char *name;
        while ((name = g_dir_read_name(dir)) != NULL) {
            if (!g_str_has_suffix(name, ".yaml"))
                continue;
            g_autofree char *p = g_build_filename(dir_path, name, NULL);
            g_autoptr(TsArch) arch = load_arch(p, NULL);
            CU_ASSERT_PTR_NOT_NULL(arch);
            if (arch) {
                CU_ASSERT_TRUE(ts_arch_is_mappable(arch));
                if (g_getenv("TS_TEST_VERBOSE")) {
                    g_autofree char *desc = ts_arch_describe(arch);
                    printf("\n%s", desc);
                }
            }
            n++;
        }
    }
    CU_ASSERT_EQUAL(n, 11);
}

/* The published experiments' Timeloop stats (results_against_ff, BERT-large KQV and VScores
 * on eyeriss, gemmini, simba, tpu): every level's size, word bits, block and cluster size,
 * instances and mesh, bandwidths and buffering must match our load of the corresponding
 * v0.4 architecture. Energies there come from Accelergy tables, not compared. The tpu runs
 * used a swept configuration (hw_configs.json): its UnifiedBuffer and Accumulator sizes
 * differ from system_tpu.yaml and are not compared. */
static void test_experiment_stats_specs(void)
{
    g_autofree char *dir = ts_test_reference_path("timeloop-experiments/results_against_ff");
    if (dir == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    static const struct {
        const char *key, *arch;
    } map[] = {{"eyeriss", "system_eyeriss.yaml"},
               {"gemmini", "system_gemmini.yaml"},
               {"simba", "system_simba.yaml"},
               {"tpu", "system_tpu.yaml"}};
    static const char *const tpu_swept[] = {"UnifiedBuffer", "Accumulator", NULL};
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const char *name;
    int n = 0, failures = 0;
    while ((name = g_dir_read_name(d)) != NULL) {
        for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
            g_autofree char *key = g_strdup_printf("_%s_", map[i].key);
            if (strstr(name, key) == NULL)
                continue;
            g_autofree char *rel = g_build_filename("timeloop-experiments/transformer_gemmini/arch",
                                                    map[i].arch, NULL);
            g_autofree char *ap = ts_test_reference_path(rel);
            g_autoptr(GError) error = NULL;
            g_autoptr(TsArch) arch = ts_arch_load(ap, NULL, &error);
            CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
            g_autofree char *sp = g_build_filename(dir, name, NULL);
            failures += check_stats(sp, arch, FALSE, FALSE,
                                    strcmp(map[i].key, "tpu") == 0 ? tpu_swept : NULL);
            n++;
        }
    }
    printf("\n  specs checked against %d published experiment stats files (%d mismatches)\n", n,
           failures);
    CU_ASSERT_EQUAL(n, 15);
    CU_ASSERT_EQUAL(failures, 0);
}

void ts_test_register_timeloop_experiments(void);
void ts_test_register_timeloop_experiments(void)
{
    CU_pSuite s = CU_add_suite("timeloop-experiments", NULL, NULL);
    CU_add_test(s, "all experiment archs load", test_experiment_archs);
    CU_add_test(s, "specs vs published experiment stats", test_experiment_stats_specs);
}
