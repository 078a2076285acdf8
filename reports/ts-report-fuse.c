/* Text and JSON of a fused group against the unfused layer (numbers from ts_fuse_summarize). */
#include "ts-report-fuse.h"

#include "ts-report-json.h"
#include "ts-json-glib.h"

void ts_report_fuse_text(GString *out, const TsFusePlan *plan, const TsFuseSummary *s)
{
    g_return_if_fail(out != NULL && plan != NULL && s != NULL);
    g_string_append_printf(
        out,
        "\nFusion\n------\n  group %s (%s), one "
        "head at a time (%" G_GUINT64_FORMAT " iterations: heads x batch); intermediates "
        "at %s (%s): at most %" G_GUINT64_FORMAT " words resident (during "
        "%s), capacity %" G_GUINT64_FORMAT " words\n",
        ts_fuse_plan_group(plan),
        ts_fuse_plan_first(plan) ? "KTQ -> softmax -> VScores; KQV unfused"
                                 : "KQV -> KTQ -> softmax -> VScores",
        ts_fuse_plan_iterations(plan), ts_fuse_plan_level_name(plan),
        ts_fuse_plan_level_given(plan) ? "the given level"
                                       : "outermost on-chip level that holds them",
        ts_fuse_plan_peak_words(plan), ts_fuse_plan_peak_op(plan),
        ts_fuse_plan_capacity_words(plan));
    g_string_append(out, "  per head:");
    gboolean any = FALSE;
    for (guint i = 0; i < TS_FUSE_INTERMEDIATES; i++) {
        uint64_t w;
        const char *n = ts_fuse_plan_intermediate(plan, i, &w);
        if (!ts_fuse_plan_keeps(plan, i))
            continue;
        g_string_append_printf(out, "%s %s %" G_GUINT64_FORMAT, any ? "," : "", n, w);
        any = TRUE;
    }
    g_string_append(out, " words\n");
    g_string_append_printf(out, "  levels considered: %s\n", ts_fuse_plan_choice(plan));
    for (guint i = 0; i < ts_fuse_plan_n_notes(plan); i++)
        g_string_append_printf(out, "  note: %s\n", ts_fuse_plan_note(plan, i));
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "  %-9s %14s %14s %14s %14s %14s %14s\n", "op", "DRAM words",
                           "fused", "DRAM uJ", "fused", "energy uJ", "fused");
    for (guint p = ts_fuse_plan_first(plan); p < TS_FUSE_GROUP_OPS; p++) {
        const TsFuseOpSummary *o = &s->op[p];
        g_string_append_printf(out, "  %-9s %14.0f %14.0f %14.3f %14.3f %14.3f %14.3f\n", o->name,
                               o->dram_words_unfused, o->dram_words_fused,
                               o->dram_energy_pj_unfused * 1e-6, o->dram_energy_pj_fused * 1e-6,
                               o->energy_pj_unfused * 1e-6, o->energy_pj_fused * 1e-6);
    }
    g_string_append_printf(
        out,
        "  saved: %.0f DRAM words (%.1f%%), %.3f uJ (%.1f%% of the group, %.1f%% of the layer): "
        "%.3f uJ at DRAM, %.3f uJ on chip and in arithmetic; group cycles %.0f -> %.0f\n",
        s->dram_words_saved,
        s->dram_words_unfused > 0 ? 100.0 * s->dram_words_saved / s->dram_words_unfused : 0.0,
        s->energy_pj_saved * 1e-6,
        s->energy_pj_unfused > 0 ? 100.0 * s->energy_pj_saved / s->energy_pj_unfused : 0.0,
        s->layer_energy_pj_unfused > 0
            ? 100.0 * (s->layer_energy_pj_unfused - s->layer_energy_pj_fused) /
                  s->layer_energy_pj_unfused
            : 0.0,
        s->dram_energy_pj_saved * 1e-6, s->other_energy_pj_saved * 1e-6, s->cycles_unfused,
        s->cycles_fused);
}

void ts_report_fuse_json(JsonBuilder *b, const TsFusePlan *plan, const TsFuseSummary *s)
{
    g_return_if_fail(b != NULL && plan != NULL && s != NULL);
    json_builder_set_member_name(b, "fusion");
    json_builder_begin_object(b);
    ts_json_member_string(b, "group", ts_fuse_plan_group(plan));
    json_builder_set_member_name(b, "ops");
    json_builder_begin_array(b);
    for (guint p = ts_fuse_plan_first(plan); p < TS_FUSE_GROUP_OPS; p++)
        json_builder_add_string_value(b, s->op[p].name);
    json_builder_end_array(b);
    ts_json_member_string(b, "level", ts_fuse_plan_level_name(plan));
    json_builder_set_member_name(b, "level_given");
    json_builder_add_boolean_value(b, ts_fuse_plan_level_given(plan));
    ts_json_member_string(b, "choice", ts_fuse_plan_choice(plan));
    json_builder_set_member_name(b, "overridden_constraints");
    json_builder_begin_array(b);
    for (guint i = 0; i < ts_fuse_plan_n_notes(plan); i++)
        json_builder_add_string_value(b, ts_fuse_plan_note(plan, i));
    json_builder_end_array(b);
    ts_json_member_int(b, "capacity_words", (gint64)ts_fuse_plan_capacity_words(plan));
    ts_json_member_int(b, "peak_words", (gint64)ts_fuse_plan_peak_words(plan));
    ts_json_member_string(b, "peak_op", ts_fuse_plan_peak_op(plan));
    ts_json_member_int(b, "iterations", (gint64)ts_fuse_plan_iterations(plan));
    json_builder_set_member_name(b, "intermediates");
    json_builder_begin_object(b);
    for (guint i = 0; i < TS_FUSE_INTERMEDIATES; i++) {
        uint64_t w;
        const char *n = ts_fuse_plan_intermediate(plan, i, &w);
        if (ts_fuse_plan_keeps(plan, i))
            ts_json_member_int(b, n, (gint64)w);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "per_op");
    json_builder_begin_array(b);
    for (guint p = ts_fuse_plan_first(plan); p < TS_FUSE_GROUP_OPS; p++) {
        const TsFuseOpSummary *o = &s->op[p];
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", o->name);
        ts_json_member_int(b, "count_unfused", (gint64)o->count_unfused);
        ts_json_member_int(b, "count_fused", (gint64)o->count_fused);
        ts_json_member_double(b, "dram_words_unfused", o->dram_words_unfused);
        ts_json_member_double(b, "dram_words_fused", o->dram_words_fused);
        ts_json_member_double(b, "dram_energy_pj_unfused", o->dram_energy_pj_unfused);
        ts_json_member_double(b, "dram_energy_pj_fused", o->dram_energy_pj_fused);
        ts_json_member_double(b, "energy_pj_unfused", o->energy_pj_unfused);
        ts_json_member_double(b, "energy_pj_fused", o->energy_pj_fused);
        ts_json_member_double(b, "cycles_unfused", o->cycles_unfused);
        ts_json_member_double(b, "cycles_fused", o->cycles_fused);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    ts_json_member_double(b, "dram_words_unfused", s->dram_words_unfused);
    ts_json_member_double(b, "dram_words_fused", s->dram_words_fused);
    ts_json_member_double(b, "dram_words_saved", s->dram_words_saved);
    ts_json_member_double(b, "dram_energy_pj_saved", s->dram_energy_pj_saved);
    ts_json_member_double(b, "other_energy_pj_saved", s->other_energy_pj_saved);
    ts_json_member_double(b, "energy_pj_unfused", s->energy_pj_unfused);
    ts_json_member_double(b, "energy_pj_fused", s->energy_pj_fused);
    ts_json_member_double(b, "energy_pj_saved", s->energy_pj_saved);
    ts_json_member_double(b, "cycles_unfused", s->cycles_unfused);
    ts_json_member_double(b, "cycles_fused", s->cycles_fused);
    ts_json_member_double(b, "layer_energy_pj_unfused", s->layer_energy_pj_unfused);
    ts_json_member_double(b, "layer_energy_pj_fused", s->layer_energy_pj_fused);
    json_builder_end_object(b);
}
