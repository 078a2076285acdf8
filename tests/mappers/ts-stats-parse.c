/* Test-only reader of Timeloop's stats.txt: a line scanner keyed on the labels Timeloop
 * 3.0.3 prints ("=== NAME ===", "    Weights:", "Scalar reads (per-instance) : N", the
 * Summary Stats block). Networks are skipped. */
#include "ts-stats-parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ts_stats_clear(TsStats *s)
{
    g_free(s->mac_name);
    for (guint l = 0; l < s->n_levels; l++) {
        g_free(s->level[l].name);
        for (guint i = 0; i < s->level[l].n_loops; i++)
            g_free(s->level[l].loop[i].dim);
        for (guint i = 0; i < s->level[l].n_spaces; i++)
            g_free(s->level[l].space[i].name);
    }
    for (guint i = 0; i < s->n_fj; i++)
        g_free(s->fj_name[i]);
    memset(s, 0, sizeof *s);
}

/* Value after the first ':' of a "label : value" line. */
static const char *value_of(const char *line)
{
    const char *c = strchr(line, ':');
    if (c == NULL)
        return "";
    c++;
    while (*c == ' ')
        c++;
    return c;
}

static gboolean label_is(const char *line, const char *label)
{
    while (*line == ' ')
        line++;
    gsize n = strlen(label);
    if (strncmp(line, label, n) != 0)
        return FALSE;
    line += n;
    while (*line == ' ')
        line++;
    return *line == ':';
}

gboolean ts_stats_parse(const char *path, TsStats *out, GError **error)
{
    memset(out, 0, sizeof *out);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    enum { NONE, MAC, STORAGE, NETWORK, SUMMARY, FJ } where = NONE;
    gboolean in_levels = TRUE, in_nest = FALSE;
    TsStatsLevel *lv = NULL;
    TsStatsSpace *sp = NULL;
    for (guint i = 0; lines[i]; i++) {
        const char *line = lines[i];
        if (in_levels && g_str_has_prefix(line, "=== ") && g_str_has_suffix(line, " ===")) {
            g_autofree char *name = g_strndup(line + 4, strlen(line) - 8);
            /* The first level listed is the arithmetic one (Level 0). */
            if (out->mac_name == NULL && out->n_levels == 0) {
                out->mac_name = g_steal_pointer(&name);
                where = MAC;
            } else {
                if (out->n_levels >= TS_STATS_MAX_LEVELS) {
                    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "too many levels");
                    return FALSE;
                }
                lv = &out->level[out->n_levels++];
                lv->name = g_steal_pointer(&name);
                sp = NULL;
                where = STORAGE;
            }
            continue;
        }
        if (g_str_has_prefix(line, "Networks") ||
            g_str_has_prefix(line, "Operational Intensity Stats")) {
            where = NETWORK;
            in_levels = FALSE;
            continue;
        }
        if (g_str_has_prefix(line, "Summary Stats")) {
            where = SUMMARY;
            continue;
        }
        if (where == MAC) {
            if (label_is(line, "Utilized instances"))
                out->mac_utilized_instances = g_ascii_strtoull(value_of(line), NULL, 10);
            else if (label_is(line, "Computes (total)"))
                out->computes = g_ascii_strtoull(value_of(line), NULL, 10);
            else if (label_is(line, "Cycles"))
                out->mac_cycles = g_ascii_strtoull(value_of(line), NULL, 10);
            else if (label_is(line, "Energy (total)"))
                out->mac_energy_pj = g_ascii_strtod(value_of(line), NULL);
            else if (label_is(line, "Instances"))
                sscanf(value_of(line), "%u (%u*%u)", &out->mac_instances, &out->mac_mesh_x,
                       &out->mac_mesh_y);
        } else if (where == STORAGE) {
            if (strstr(line, "Loop nest:")) {
                in_nest = TRUE;
                continue;
            }
            if (in_nest) {
                const char *f = strstr(line, "for ");
                if (f == NULL) {
                    in_nest = FALSE;
                } else if (lv->n_loops < TS_STATS_MAX_LOOPS) {
                    char dim[64];
                    unsigned long long end = 0;
                    if (sscanf(f, "for %63s in [0:%llu)", dim, &end) == 2) {
                        TsStatsLoop *lp = &lv->loop[lv->n_loops++];
                        lp->dim = g_strdup(dim);
                        lp->end = end;
                        lp->spatial = strstr(f, "Spatial-X")   ? 'X'
                                      : strstr(f, "Spatial-Y") ? 'Y'
                                                               : 0;
                    }
                }
                continue;
            }
            /* "    Weights:" opens a data-space block (4 spaces, a name, a colon). */
            if (g_str_has_prefix(line, "    ") && line[4] != ' ' && g_str_has_suffix(line, ":") &&
                strchr(line + 4, ' ') == NULL) {
                if (lv->n_spaces >= TS_STATS_MAX_SPACES) {
                    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "too many data spaces");
                    return FALSE;
                }
                sp = &lv->space[lv->n_spaces++];
                sp->name = g_strndup(line + 4, strlen(line) - 5);
                sp->present = TRUE;
                continue;
            }
            if (sp == NULL) {
                if (label_is(line, "Cycles"))
                    lv->cycles = g_ascii_strtoull(value_of(line), NULL, 10);
                else if (label_is(line, "Bandwidth throttling"))
                    lv->throttling = g_ascii_strtod(value_of(line), NULL);
                else if (label_is(line, "Vector access energy"))
                    lv->vector_access_energy_pj = g_ascii_strtod(value_of(line), NULL);
                else if (label_is(line, "Size"))
                    lv->size = g_ascii_strtoull(value_of(line), NULL, 10);
                else if (label_is(line, "Word bits"))
                    lv->word_bits = (uint32_t)g_ascii_strtoull(value_of(line), NULL, 10);
                else if (label_is(line, "Block size"))
                    lv->block_size = (uint32_t)g_ascii_strtoull(value_of(line), NULL, 10);
                else if (label_is(line, "Instances"))
                    sscanf(value_of(line), "%u (%u*%u)", &lv->instances, &lv->mesh_x, &lv->mesh_y);
                else if (label_is(line, "Read bandwidth"))
                    lv->read_bw = g_ascii_strtod(value_of(line), NULL);
                else if (label_is(line, "Write bandwidth"))
                    lv->write_bw = g_ascii_strtod(value_of(line), NULL);
                continue;
            }
            const char *v = value_of(line);
            if (label_is(line, "Partition size"))
                sp->partition_size = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Utilized capacity"))
                sp->utilized_capacity = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Utilized instances (max)"))
                sp->utilized_instances = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Scalar reads (per-instance)"))
                sp->reads = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Scalar updates (per-instance)"))
                sp->updates = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Scalar fills (per-instance)"))
                sp->fills = g_ascii_strtoull(v, NULL, 10);
            else if (label_is(line, "Energy (total)"))
                sp->energy_total_pj = g_ascii_strtod(v, NULL);
        } else if (where == SUMMARY || where == FJ) {
            if (g_str_has_prefix(line, "GFLOPs"))
                out->gflops = g_ascii_strtod(value_of(line), NULL);
            else if (g_str_has_prefix(line, "Utilization:"))
                out->utilization = g_ascii_strtod(value_of(line), NULL);
            else if (g_str_has_prefix(line, "Cycles:"))
                out->cycles = g_ascii_strtoull(value_of(line), NULL, 10);
            else if (g_str_has_prefix(line, "Energy:"))
                out->energy_uj = g_ascii_strtod(value_of(line), NULL);
            else if (g_str_has_prefix(line, "EDP(J*cycle):"))
                out->edp = g_ascii_strtod(value_of(line), NULL);
            else if (g_str_has_prefix(line, "Computes ="))
                out->summary_computes = g_ascii_strtoull(strchr(line, '=') + 1, NULL, 10);
            else if (g_str_has_prefix(line, "fJ/Compute") || g_str_has_prefix(line, "pJ/Compute"))
                where = FJ;
            else if (where == FJ && g_str_has_prefix(line, "    ") && strchr(line, '=')) {
                const char *eq = strrchr(line, '=');
                g_autofree char *name = g_strndup(line + 4, (gsize)(eq - line - 4));
                g_strstrip(name);
                if (out->n_fj < G_N_ELEMENTS(out->fj_name)) {
                    out->fj_name[out->n_fj] = g_steal_pointer(&name);
                    out->fj_per_compute[out->n_fj] = g_ascii_strtod(eq + 1, NULL);
                    out->n_fj++;
                }
            }
        }
    }
    if (out->mac_name == NULL || out->n_levels == 0 || out->cycles == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: not a Timeloop stats.txt (no levels or no summary)", path);
        return FALSE;
    }
    return TRUE;
}

const TsStatsLevel *ts_stats_level(const TsStats *stats, const char *name)
{
    for (guint l = 0; l < stats->n_levels; l++)
        if (strcmp(stats->level[l].name, name) == 0)
            return &stats->level[l];
    return NULL;
}

double ts_stats_fj(const TsStats *stats, const char *name)
{
    for (guint i = 0; i < stats->n_fj; i++)
        if (strcmp(stats->fj_name[i], name) == 0)
            return stats->fj_per_compute[i];
    return -1.0;
}
