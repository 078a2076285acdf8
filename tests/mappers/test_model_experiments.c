/* Cross-check against the Timeloop stats published with the BERT Timeloop experiments
 * (../shared/reference/timeloop-experiments/results_against_ff: KQV and VScores of BERT-large
 * at seq 4096 on gemmini, eyeriss, simba and tpu). Those files print each storage level's specs
 * and temporal loops but not the spatial loops, which live in unprinted zero-size "spatial"
 * levels. The test rebuilds the hierarchy from the printed specs (fan-out of a level = ratio of
 * instances and meshes to the next printed level), takes the temporal loops and keep sets as
 * printed, and searches the ways to place each dimension's missing factor on the fan-outs
 * that reproduce the printed utilized instances. A file agrees when one placement reproduces
 * every printed count (reads, fills, updates, utilized capacity, partition size, utilized
 * instances, computes). A table of the outcome is printed; the files listed in
 * expected_agree[] must agree. */
#include <stdio.h>
#include <string.h>

#include "ts-model.h"
#include "ts-stats-parse.h"
#include "ts-test.h"
#include "ts-workload.h"

#define MAX_SLOTS 16

typedef struct {
    const TsStats *st;
    const TsOp *op;
    TsModel *model;
    guint nl; /* printed storage levels, model order (outermost first) */
    const TsStatsLevel *lv[TS_ARCH_MAX_LEVELS];
    uint64_t used[TS_ARCH_MAX_LEVELS]; /* utilized instances printed per level */
    TsMapping base;
    uint64_t missing[TS_MAX_DIMS];
    guint n_fan; /* levels with a fan-out */
    guint fan_level[MAX_SLOTS];
    uint64_t fan_need[MAX_SLOTS]; /* product of spatial factors there (from used instances) */
    /* search state */
    uint64_t assign[TS_MAX_DIMS][MAX_SLOTS];
    guint best_bad;
    char best_note[512];
    guint evaluated;
} Recon;

static int find_dim(const TsOp *op, const char *name)
{
    for (guint d = 0; d < op->n_dims; d++)
        if (strcmp(op->dim_names[d], name) == 0)
            return (int)d;
    return -1;
}

static const TsStatsSpace *space_of(const TsStatsLevel *lv, const char *name)
{
    for (guint i = 0; i < lv->n_spaces; i++)
        if (strcmp(lv->space[i].name, name) == 0)
            return &lv->space[i];
    return NULL;
}

/* Compares one candidate's cost with the printed counts; returns mismatches. */
static guint compare(Recon *r, const TsCost *c, GString *note)
{
    guint bad = 0;
    if (c->macs != r->st->computes)
        bad++;
    for (guint l = 0; l < r->nl; l++) {
        for (guint t = 0; t < r->op->n_tensors; t++) {
            const TsStatsSpace *sp = space_of(r->lv[l], r->op->tensors[t].name);
            if (sp == NULL)
                continue;
            const TsTensorCost *tc = &c->level[l].tensor[t];
            uint64_t mine[6] = {tc->reads,      tc->fills,           tc->updates,
                                tc->tile_words, tc->partition_words, tc->instances};
            uint64_t theirs[6] = {sp->reads,          sp->fills,
                                  sp->updates,        sp->utilized_capacity,
                                  sp->partition_size, sp->utilized_instances};
            static const char *const what[6] = {"reads",    "fills",     "updates",
                                                "capacity", "partition", "instances"};
            for (guint k = 0; k < 6; k++) {
                if (mine[k] != theirs[k]) {
                    if (note && bad < 4)
                        g_string_append_printf(
                            note, " %s.%s.%s %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                            r->lv[l]->name, r->op->tensors[t].name, what[k], mine[k], theirs[k]);
                    bad++;
                }
            }
        }
    }
    return bad;
}

/* Largest divisor of f that is <= cap. */
static uint64_t fit(uint64_t f, uint64_t cap)
{
    for (uint64_t k = MIN(f, cap); k > 1; k--)
        if (f % k == 0)
            return k;
    return 1;
}

/* Places the assigned factors and evaluates. Slot s < n_fan: the spatial fan-out of level
 * fan_level[s] (a dimension's factor fills X first, the rest goes to Y: the counts do not
 * depend on the axis). Slot n_fan + s: a temporal loop innermost at that level, standing for
 * a loop of the unprinted spatial level just below it. */
static void try_assignment(Recon *r)
{
    TsMapping m = r->base;
    for (guint s = 0; s < r->n_fan; s++) {
        const guint l = r->fan_level[s];
        const TsLevel *spec = ts_model_level(r->model, l);
        uint64_t x = 1;
        for (guint d = 0; d < r->op->n_dims; d++) {
            uint64_t f = r->assign[d][s];
            uint64_t fx = fit(f, spec->fanout_x / x);
            x *= fx;
            m.level[l].spatial_x[d] = (uint32_t)fx;
            m.level[l].spatial_y[d] = (uint32_t)(f / fx);
        }
        for (guint d = 0; d < r->op->n_dims; d++) {
            uint64_t f = r->assign[d][r->n_fan + s];
            if (f == 1)
                continue;
            m.level[l].temporal[d] *= (uint32_t)f;
            /* make d the innermost loop of the level */
            uint8_t *perm = m.level[l].permutation;
            guint at = 0;
            while (perm[at] != d)
                at++;
            memmove(perm + 1, perm, at);
            perm[0] = (uint8_t)d;
        }
    }
    TsCost c;
    r->evaluated++;
    if (ts_model_evaluate(r->model, &m, &c) != TS_EVAL_OK) {
        if (g_getenv("TS_DEBUG_RECON")) {
            g_autofree char *why = ts_model_explain(r->model, &m, &c);
            fprintf(stderr, "      invalid: %s\n", why);
        }
        return;
    }
    guint bad = compare(r, &c, NULL);
    if (bad < r->best_bad) {
        r->best_bad = bad;
        GString *note = g_string_new(NULL);
        for (guint s = 0; s < 2 * r->n_fan; s++) {
            GString *part = g_string_new(NULL);
            for (guint d = 0; d < r->op->n_dims; d++)
                if (r->assign[d][s] > 1)
                    g_string_append_printf(part, " %s%" G_GUINT64_FORMAT, r->op->dim_names[d],
                                           r->assign[d][s]);
            if (part->len)
                g_string_append_printf(note, "%s%s %s:%s", note->len ? ", " : "",
                                       r->lv[r->fan_level[s % r->n_fan]]->name,
                                       s < r->n_fan ? "spatial" : "temporal", part->str);
            g_string_free(part, TRUE);
        }
        if (bad)
            compare(r, &c, note);
        g_strlcpy(r->best_note, note->str, sizeof r->best_note);
        g_string_free(note, TRUE);
    }
}

/* Splits each dimension's missing factor over the slots (spatial slots multiply to their
 * need; temporal slots are free). */
static void search(Recon *r, guint d, guint s, uint64_t left, uint64_t *slot_prod)
{
    const guint nslots = 2 * r->n_fan;
    if (r->best_bad == 0 || r->evaluated > 200000)
        return;
    if (d == r->op->n_dims) {
        for (guint k = 0; k < r->n_fan; k++)
            if (slot_prod[k] != r->fan_need[k])
                return;
        try_assignment(r);
        return;
    }
    if (s == nslots - 1) { /* the rest of this dim goes to the last slot */
        r->assign[d][s] = left;
        search(r, d + 1, 0, d + 1 < r->op->n_dims ? r->missing[d + 1] : 1, slot_prod);
        return;
    }
    for (uint64_t f = 1; f <= left; f++) {
        if (left % f)
            continue;
        if (s < r->n_fan && r->fan_need[s] % (slot_prod[s] * f))
            continue;
        r->assign[d][s] = f;
        if (s < r->n_fan)
            slot_prod[s] *= f;
        search(r, d, s + 1, left / f, slot_prod);
        if (s < r->n_fan)
            slot_prod[s] /= f;
    }
}

static TsWorkload *load_layer(const char *layer)
{
    g_autofree char *path = g_strdup_printf("timeloop-experiments/transformer_gemmini/layers/"
                                            "%s_layer.yaml",
                                            layer);
    g_autofree char *file = ts_test_reference_path(path);
    /* BERT-large (hidden 1024, 16 heads of 64) at sequence length 4096, one head for VScores */
    static const char *const kqv[] = {"EMBEDDING=1024", "EMBEDDING_3=3072", "SEQ_LENGTH=4096",
                                      NULL};
    static const char *const vscores[] = {"EMBEDDING_HEADS=64", "SEQ_LENGTH=4096", NULL};
    TsWorkloadOverrides o = {.vars = strcmp(layer, "KQV") == 0 ? kqv : vscores};
    g_autoptr(GError) error = NULL;
    TsWorkload *w = ts_workload_load(file, &o, &error);
    if (w == NULL)
        fprintf(stderr, "    %s: %s\n", path, error->message);
    return w;
}

/* Returns the mismatches of the best reconstruction (0 = agrees), G_MAXUINT when the file
 * could not be rebuilt. */
static guint check_file(const char *name, char *note, gsize note_len)
{
    g_autofree char *path = g_strdup_printf("timeloop-experiments/results_against_ff/%s", name);
    g_autofree char *file = ts_test_reference_path(path);
    TsStats st;
    g_autoptr(GError) error = NULL;
    if (!ts_stats_parse(file, &st, &error)) {
        g_snprintf(note, note_len, "%s", error->message);
        return G_MAXUINT;
    }
    const char *layer = g_str_has_prefix(name, "stats_KQV") ? "KQV" : "VScores";
    g_autoptr(TsWorkload) wl = load_layer(layer);
    if (wl == NULL) {
        g_snprintf(note, note_len, "cannot load the %s layer", layer);
        ts_stats_clear(&st);
        return G_MAXUINT;
    }
    Recon r;
    memset(&r, 0, sizeof r);
    r.st = &st;
    r.op = ts_workload_op(wl, 0);
    r.nl = st.n_levels;
    /* Model levels from the printed specs, outermost first. */
    TsLevel levels[TS_ARCH_MAX_LEVELS];
    memset(levels, 0, sizeof levels);
    for (guint k = 0; k < st.n_levels; k++) {
        const guint l = st.n_levels - 1 - k;
        const TsStatsLevel *s = &st.level[k];
        r.lv[l] = s;
        levels[l] = (TsLevel){.name = s->name,
                              .is_storage = TRUE,
                              .instances = s->instances,
                              .mesh_x = s->mesh_x,
                              .mesh_y = s->mesh_y,
                              .size_words = s->size,
                              .word_bits = s->word_bits,
                              .block_size = s->block_size,
                              .cluster_size = 1,
                              .read_bw_words_per_cycle = s->read_bw,
                              .write_bw_words_per_cycle = s->write_bw,
                              .multiple_buffering = 1.0,
                              .energy = {.read_pj = s->vector_access_energy_pj,
                                         .write_pj = s->vector_access_energy_pj,
                                         .update_pj = s->vector_access_energy_pj}};
        for (guint i = 0; i < s->n_spaces; i++)
            if (s->space[i].utilized_instances)
                r.used[l] = s->space[i].utilized_instances;
    }
    TsLevel mac = {.name = st.mac_name,
                   .is_compute = TRUE,
                   .instances = st.mac_instances,
                   .mesh_x = st.mac_mesh_x,
                   .mesh_y = st.mac_mesh_y};
    for (guint l = 0; l < r.nl; l++) {
        const TsLevel *inner = l + 1 < r.nl ? &levels[l + 1] : &mac;
        levels[l].fanout_x = MAX(1u, inner->mesh_x / MAX(1u, levels[l].mesh_x));
        levels[l].fanout_y = MAX(1u, inner->mesh_y / MAX(1u, levels[l].mesh_y));
        uint64_t inner_used = l + 1 < r.nl ? r.used[l + 1] : st.mac_utilized_instances;
        if (levels[l].fanout_x * levels[l].fanout_y > 1 && r.n_fan < MAX_SLOTS) {
            r.fan_level[r.n_fan] = l;
            r.fan_need[r.n_fan] = inner_used / MAX(1u, r.used[l]);
            r.n_fan++;
        }
    }
    r.model = ts_model_new_from_levels(levels, r.nl, &mac, 1e9, r.op, NULL, &error);
    if (r.model == NULL) {
        g_snprintf(note, note_len, "%s", error->message);
        ts_stats_clear(&st);
        return G_MAXUINT;
    }
    /* Temporal loops and keep sets as printed. */
    ts_mapping_init(&r.base, r.nl, r.op);
    for (guint d = 0; d < r.op->n_dims; d++)
        r.base.level[0].temporal[d] = 1;
    uint64_t printed[TS_MAX_DIMS];
    for (guint d = 0; d < TS_MAX_DIMS; d++)
        printed[d] = 1;
    gboolean ok = TRUE;
    for (guint l = 0; l < r.nl && ok; l++) {
        const TsStatsLevel *s = r.lv[l];
        TsMappingLevel *ml = &r.base.level[l];
        uint8_t perm[TS_MAX_DIMS];
        guint n = 0;
        uint32_t seen = 0;
        for (guint i = s->n_loops; i-- > 0;) { /* printed outermost first */
            int d = find_dim(r.op, s->loop[i].dim);
            if (d < 0 || s->loop[i].spatial) {
                ok = FALSE;
                break;
            }
            ml->temporal[d] *= (uint32_t)s->loop[i].end;
            printed[d] *= s->loop[i].end;
            if (!(seen >> d & 1u))
                perm[n++] = (uint8_t)d;
            seen |= 1u << d;
        }
        for (guint d = 0; d < r.op->n_dims; d++)
            if (!(seen >> d & 1u))
                perm[n++] = (uint8_t)d;
        memcpy(ml->permutation, perm, r.op->n_dims);
        ml->keep = 0;
        for (guint t = 0; t < r.op->n_tensors; t++)
            if (space_of(s, r.op->tensors[t].name))
                ml->keep |= (uint8_t)(1u << t);
    }
    for (guint d = 0; d < r.op->n_dims && ok; d++) {
        if (r.op->dims[d] % printed[d]) {
            ok = FALSE;
            break;
        }
        r.missing[d] = r.op->dims[d] / printed[d];
    }
    if (g_getenv("TS_DEBUG_RECON")) {
        for (guint dd = 0; dd < r.op->n_dims; dd++)
            fprintf(stderr, "      missing %s %" G_GUINT64_FORMAT "\n", r.op->dim_names[dd],
                    r.missing[dd]);
        for (guint s = 0; s < r.n_fan; s++)
            fprintf(stderr, "      fan %s need %" G_GUINT64_FORMAT " (X %u Y %u)\n",
                    r.lv[r.fan_level[s]]->name, r.fan_need[s],
                    ts_model_level(r.model, r.fan_level[s])->fanout_x,
                    ts_model_level(r.model, r.fan_level[s])->fanout_y);
    }
    guint result = G_MAXUINT;
    if (!ok) {
        g_snprintf(note, note_len, "the printed loops do not divide the problem");
    } else {
        r.best_bad = G_MAXUINT;
        uint64_t slot_prod[MAX_SLOTS];
        for (guint s = 0; s < MAX_SLOTS; s++)
            slot_prod[s] = 1;
        gboolean leftover = FALSE;
        for (guint dd = 0; dd < r.op->n_dims; dd++)
            leftover |= r.missing[dd] != 1;
        if (r.n_fan == 0 && !leftover) {
            try_assignment(&r);
        } else if (r.n_fan == 0) {
            g_snprintf(note, note_len, "loops missing and no fan-out to hold them");
        } else {
            search(&r, 0, 0, r.missing[0], slot_prod);
        }
        result = r.best_bad;
        if (r.n_fan == 0 && leftover)
            result = G_MAXUINT;
        else if (result == G_MAXUINT)
            g_snprintf(note, note_len, "no placement of the missing factors (%u tried) is valid",
                       r.evaluated);
        else
            g_snprintf(note, note_len, "%s", r.best_note);
    }
    ts_model_free(r.model);
    ts_stats_clear(&st);
    return result;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void test_results_against_ff(void)
{
    g_autofree char *dir = ts_test_reference_path("timeloop-experiments/results_against_ff");
    if (dir == NULL || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    /* The TPU files are not listed: their loops at the unprinted spatial levels (and above the
     * weight DRAM) cannot be placed from what the files print. */
    static const char *const expected_agree[] = {
        "stats_KQV_eyeriss_TLD.txt",     "stats_KQV_eyeriss_TLL.txt",
        "stats_KQV_gemmini_TLD.txt",     "stats_KQV_gemmini_TLL.txt",
        "stats_KQV_simba_TLL.txt",       "stats_VScores_eyeriss_TLD.txt",
        "stats_VScores_eyeriss_TLL.txt", "stats_VScores_gemmini_TLD.txt",
        "stats_VScores_gemmini_TLL.txt", "stats_VScores_simba_TLD.txt",
        "stats_VScores_simba_TLL.txt",   NULL};
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *f;
    while ((f = g_dir_read_name(d)) != NULL)
        if (g_str_has_prefix(f, "stats_") && g_str_has_suffix(f, ".txt"))
            g_ptr_array_add(names, g_strdup(f));
    g_ptr_array_sort(names, compare_names);
    guint agree = 0;
    fprintf(stderr, "\n    %-32s %-8s %s\n", "file", "outcome",
            "spatial placement / first "
            "differences");
    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        char note[512];
        guint bad = check_file(name, note, sizeof note);
        const char *outcome = bad == 0 ? "agrees" : bad == G_MAXUINT ? "n/a" : "differs";
        fprintf(stderr, "    %-32s %-8s %s\n", name, outcome, note);
        agree += bad == 0;
        for (guint k = 0; expected_agree[k]; k++)
            if (strcmp(expected_agree[k], name) == 0)
                CU_ASSERT_EQUAL(bad, 0);
    }
    fprintf(stderr, "    %u of %u files agree\n", agree, names->len);
    g_ptr_array_free(names, TRUE);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("model_experiments", NULL, NULL);
    CU_add_test(s, "results_against_ff", test_results_against_ff);
    return ts_test_run(argc, argv);
}
