/* The inputs of one design point: copies of the base architecture and workload documents with
 * the point's keys set (copy on write, ts_doc_set_path), loaded by the normal loaders so that
 * an invalid point carries their usual message; the point's constraints (those embedded in
 * its architecture, the files and the template blocks whose conditions hold). */
#include <string.h>

#include "ts-sweep-private.h"

static void set_reason(TsSweepPointInputs *in, GError *error)
{
    if (in->reason == NULL) {
        in->reason = g_strdup(error->message);
        in->reason_code = error->domain == TS_CONFIG_ERROR ? error->code : -1;
    }
}

/* Applies sets to doc for point (p: the parameter whose value a set without a template takes,
 * NULL for a block); FALSE (with *bad set) when a template or path fails. */
static gboolean apply_sets(const TsSweep *s, guint point, const TsSweepParam *p,
                           const GPtrArray *sets, TsDoc *doc, GError **bad)
{
    const TsSweepValue *v =
        p ? ts_sweep_value(s, point, (guint)ts_sweep_param_index(s, p->name)) : NULL;
    for (guint i = 0; i < sets->len; i++) {
        const TsSweepSet *set = sets->pdata[i];
        g_autofree char *text = NULL;
        const TsNode *origin = set->node;
        if (set->template_text != NULL) {
            text = ts_sweep_expand(s, point, set->template_text, set->node, bad);
            if (text == NULL)
                return FALSE;
        } else {
            text = g_strdup(v->text);
            if (v->origin != NULL)
                origin = v->origin;
        }
        const TsNode *scalar = ts_doc_new_scalar(doc, text, origin);
        if (!ts_doc_set_path_at(doc, set->path, scalar, set->node, bad))
            return FALSE;
    }
    return TRUE;
}

static gboolean when_holds(const TsSweep *s, guint point, const TsSweepConstraintBlock *b)
{
    for (guint k = 0; k < b->when_params->len; k++) {
        const TsSweepValue *v =
            ts_sweep_value(s, point, (guint)GPOINTER_TO_INT(b->when_params->pdata[k]));
        const GPtrArray *vals = b->when_values->pdata[k];
        gboolean any = FALSE;
        for (guint j = 0; j < vals->len && !any; j++) {
            const char *want = vals->pdata[j];
            char *end = NULL;
            double d = g_ascii_strtod(want, &end);
            gboolean num = want[0] && end != want && *end == '\0';
            any = strcmp(v->text, want) == 0 || (num && v->is_number && v->number == d);
        }
        if (!any)
            return FALSE;
    }
    return TRUE;
}

typedef struct {
    const TsSweep *sweep;
    guint point;
} ExpandCtx;

static char *expand_scalar(const TsNode *scalar, gpointer data, GError **error)
{
    ExpandCtx *c = data;
    if (strstr(scalar->value, "${") == NULL)
        return NULL;
    return ts_sweep_expand(c->sweep, c->point, scalar->value, scalar, error);
}

/* Parses an unsigned workload option of a point. */
static gboolean option_uint(const TsSweepValue *v, const char *name, uint64_t *out, GError **bad)
{
    if (!v->is_number || v->number < 1 || v->number != floor(v->number) || v->number > 1e15) {
        ts_config_error(bad, v->origin, TS_CONFIG_ERROR_RANGE, NULL,
                        "workload option %s must be a positive integer (got '%s')", name, v->text);
        return FALSE;
    }
    *out = (uint64_t)v->number;
    return TRUE;
}

gboolean ts_sweep_point_build(const TsSweep *s, guint point, TsSweepPointInputs *in, GError **error)
{
    g_return_val_if_fail(s != NULL && point < s->n_points && in != NULL, FALSE);
    memset(in, 0, sizeof *in);
    in->docs = g_ptr_array_new_with_free_func((GDestroyNotify)ts_doc_free);
    g_autoptr(GError) bad = NULL;

    /* architecture */
    in->arch_doc = ts_doc_derive(s->arch_doc);
    for (guint i = 0; i < s->params->len && bad == NULL; i++) {
        const TsSweepParam *p = s->params->pdata[i];
        apply_sets(s, point, p, p->arch_sets, in->arch_doc, &bad);
    }
    for (guint i = 0; i < s->constraints->len && bad == NULL; i++) {
        const TsSweepConstraintBlock *b = s->constraints->pdata[i];
        if (when_holds(s, point, b))
            apply_sets(s, point, NULL, b->arch_sets, in->arch_doc, &bad);
    }
    if (bad == NULL)
        in->arch = ts_arch_load_doc(in->arch_doc, s->arch_path, s->ert_path, &bad);
    if (bad != NULL) {
        set_reason(in, bad);
        return TRUE;
    }

    /* workload */
    TsWorkloadOverrides ov = s->options;
    for (guint i = 0; i < s->params->len && bad == NULL; i++) {
        const TsSweepParam *p = s->params->pdata[i];
        if (!(p->kinds & TS_SWEEP_KIND_OPTION))
            continue;
        const TsSweepValue *v = ts_sweep_value(s, point, i);
        if (strcmp(p->name, "seq") == 0)
            option_uint(v, p->name, &ov.seq, &bad);
        else if (strcmp(p->name, "batch") == 0)
            option_uint(v, p->name, &ov.batch, &bad);
        else if (strcmp(p->name, "kv_len") == 0)
            option_uint(v, p->name, &ov.kv_len, &bad);
        else if (strcmp(p->name, "phase") == 0)
            ov.phase = v->text;
        else if (strcmp(p->name, "precision") == 0)
            ov.precision = v->text;
    }
    if (bad == NULL && s->workload_doc != NULL) {
        in->workload_doc = ts_doc_derive(s->workload_doc);
        for (guint i = 0; i < s->params->len && bad == NULL; i++) {
            const TsSweepParam *p = s->params->pdata[i];
            apply_sets(s, point, p, p->workload_sets, in->workload_doc, &bad);
        }
        for (guint i = 0; i < s->constraints->len && bad == NULL; i++) {
            const TsSweepConstraintBlock *b = s->constraints->pdata[i];
            if (when_holds(s, point, b))
                apply_sets(s, point, NULL, b->workload_sets, in->workload_doc, &bad);
        }
        if (bad == NULL)
            in->workload = ts_workload_load_doc(in->workload_doc, s->workload_path, &ov, &bad);
    } else if (bad == NULL) {
        in->workload = ts_workload_load(s->workload_ref, &ov, &bad);
    }
    if (bad != NULL) {
        set_reason(in, bad);
        return TRUE;
    }

    /* constraints */
    in->constraints = ts_constraints_new();
    if (!ts_constraints_load_arch_doc(in->constraints, in->arch_doc, &bad)) {
        set_reason(in, bad);
        return TRUE;
    }
    ExpandCtx ec = {s, point};
    for (guint i = 0; i < s->constraints->len && bad == NULL; i++) {
        const TsSweepConstraintBlock *b = s->constraints->pdata[i];
        if (!when_holds(s, point, b))
            continue;
        if (b->file_doc == NULL && b->targets == NULL)
            continue;
        if (b->file_doc != NULL) {
            ts_constraints_load_node(in->constraints, b->file_doc->root, &bad);
            continue;
        }
        TsDoc *doc = ts_doc_new(s->path);
        g_ptr_array_add(in->docs, doc);
        const TsNode *targets = ts_doc_map_scalars(doc, b->targets, expand_scalar, &ec, &bad);
        if (targets != NULL)
            ts_constraints_load_node(in->constraints, targets, &bad);
    }
    if (bad != NULL)
        set_reason(in, bad);
    return TRUE;
}

void ts_sweep_point_clear(TsSweepPointInputs *in)
{
    if (in == NULL)
        return;
    ts_constraints_free(in->constraints);
    ts_workload_free(in->workload);
    ts_arch_free(in->arch);
    if (in->docs)
        g_ptr_array_unref(in->docs);
    ts_doc_free(in->workload_doc);
    ts_doc_free(in->arch_doc);
    g_free(in->reason);
    memset(in, 0, sizeof *in);
}
