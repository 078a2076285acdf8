/* Values of sweep parameters: texts that may read as numbers, value ranges (linear steps,
 * log or geometric spacing), and templates: "${expression}" over a point's parameters (a
 * parameter name alone gives its text), so one parameter can set several keys, e.g.
 * "${glb_kb}KB" or "D>=${pe_rows//2}". */
#include <string.h>

#include "ts-sweep-private.h"

/* ---- Values and templates ----------------------------------------------------------------- */
TsSweepValue *ts_sweep_value_new(TsSweep *sweep, const char *text, const TsNode *origin)
{
    TsSweepValue *v = g_new0(TsSweepValue, 1);
    v->text = g_strdup(text);
    v->origin = origin;
    char *end = NULL;
    double d = g_ascii_strtod(text, &end);
    v->is_number = text[0] != '\0' && end != text && *end == '\0' && isfinite(d);
    v->number = v->is_number ? d : NAN;
    g_ptr_array_add(sweep->owned_values, v);
    return v;
}

void ts_sweep_value_free(gpointer p)
{
    TsSweepValue *v = p;
    g_free((char *)v->text);
    g_free(v);
}

int ts_sweep_param_index(const TsSweep *sweep, const char *name)
{
    for (guint i = 0; i < sweep->params->len; i++)
        if (strcmp(((TsSweepParam *)sweep->params->pdata[i])->name, name) == 0)
            return (int)i;
    return -1;
}

gboolean ts_sweep_is_identifier(const char *s)
{
    if (!(g_ascii_isalpha(s[0]) || s[0] == '_'))
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!(g_ascii_isalnum(*p) || *p == '_'))
            return FALSE;
    return TRUE;
}

typedef struct {
    const TsSweep *sweep;
    guint point;
    const char *bad; /* a parameter that is not a number */
} ExprCtx;

static gboolean expr_lookup(const char *name, double *value, gpointer data)
{
    ExprCtx *c = data;
    int p = ts_sweep_param_index(c->sweep, name);
    if (p < 0)
        return FALSE;
    const TsSweepValue *v = ts_sweep_value(c->sweep, c->point, (guint)p);
    if (!v->is_number) {
        c->bad = ((TsSweepParam *)c->sweep->params->pdata[p])->name;
        return FALSE;
    }
    *value = v->number;
    return TRUE;
}

char *ts_sweep_format_number(double x)
{
    if (x == floor(x) && fabs(x) < 1e15)
        return g_strdup_printf("%.0f", x);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.17g", x));
}

char *ts_sweep_expand(const TsSweep *sweep, guint point, const char *tpl, const TsNode *node,
                      GError **error)
{
    int whole = ts_sweep_param_index(sweep, tpl);
    if (whole >= 0)
        return g_strdup(ts_sweep_value(sweep, point, (guint)whole)->text);
    GString *out = g_string_new(NULL);
    const char *p = tpl;
    while (*p) {
        const char *open = strstr(p, "${");
        if (open == NULL) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, open - p);
        const char *close = strchr(open + 2, '}');
        if (close == NULL) {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, NULL,
                            "unterminated ${ in template '%s'", tpl);
            return g_string_free(out, TRUE), NULL;
        }
        g_autofree char *expr = g_strstrip(g_strndup(open + 2, (gsize)(close - open - 2)));
        int named = ts_sweep_param_index(sweep, expr);
        if (named >= 0) {
            g_string_append(out, ts_sweep_value(sweep, point, (guint)named)->text);
        } else {
            ExprCtx c = {sweep, point, NULL};
            double v = 0;
            g_autoptr(GError) local = NULL;
            if (!ts_expr_eval(expr, expr_lookup, &c, &v, &local)) {
                if (c.bad != NULL)
                    ts_config_error(
                        error, node, TS_CONFIG_ERROR_TYPE, NULL,
                        "template '%s': parameter %s is not a number at this point "
                        "(got '%s')",
                        tpl, c.bad,
                        ts_sweep_value(sweep, point, (guint)ts_sweep_param_index(sweep, c.bad))
                            ->text);
                else
                    ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, NULL, "template '%s': %s",
                                    tpl, local->message);
                return g_string_free(out, TRUE), NULL;
            }
            g_autofree char *num = ts_sweep_format_number(v);
            g_string_append(out, num);
        }
        p = close + 1;
    }
    return g_string_free(out, FALSE);
}

void ts_sweep_template_names(const char *tpl, GPtrArray *names)
{
    if (ts_sweep_is_identifier(tpl)) {
        g_ptr_array_add(names, g_strdup(tpl));
        return;
    }
    for (const char *p = strstr(tpl, "${"); p; p = strstr(p, "${")) {
        const char *close = strchr(p + 2, '}');
        const char *end = close ? close : p + strlen(p);
        for (const char *q = p + 2; q < end;) {
            if (g_ascii_isalpha(*q) || *q == '_') {
                const char *s = q;
                while (q < end && (g_ascii_isalnum(*q) || *q == '_'))
                    q++;
                g_ptr_array_add(names, g_strndup(s, (gsize)(q - s)));
            } else {
                q++;
            }
        }
        p = end;
    }
}

gboolean ts_sweep_read_range(TsSweep *s, TsSweepParam *p, const TsNode *r, const char *path,
                             GError **error)
{
    static const char *const keys[] = {"from",   "to",    "step",  "steps",
                                       "factor", "scale", "round", NULL};
    if (r->kind != TS_NODE_MAPPING) {
        ts_config_error(error, r, TS_CONFIG_ERROR_TYPE, path,
                        "expected {from: A, to: B, steps: N | step: S | factor: F}");
        return FALSE;
    }
    if (!ts_schema_check_keys(r, path, keys, error))
        return FALSE;
    double from = 0, to = 0;
    g_autofree char *pf = ts_path_key(path, "from"), *pt = ts_path_key(path, "to");
    const TsNode *nf = ts_node_get(r, "from"), *nt = ts_node_get(r, "to");
    if (nf == NULL || nt == NULL) {
        ts_config_error(error, r, TS_CONFIG_ERROR_MISSING, path, "a range needs from and to");
        return FALSE;
    }
    if (!ts_node_double(nf, pf, &from, error) || !ts_node_double(nt, pt, &to, error))
        return FALSE;
    const TsNode *nstep = ts_node_get(r, "step"), *nsteps = ts_node_get(r, "steps"),
                 *nfac = ts_node_get(r, "factor"), *nscale = ts_node_get(r, "scale"),
                 *nround = ts_node_get(r, "round");
    if ((nstep != NULL) + (nsteps != NULL) + (nfac != NULL) != 1) {
        ts_config_error(error, r, TS_CONFIG_ERROR_INVALID, path,
                        "give exactly one of steps (N values from..to), step (from, from+S, ...) "
                        "or factor (from, from*F, ...)");
        return FALSE;
    }
    gboolean log_scale = FALSE, round_int = FALSE;
    if (nscale != NULL) {
        const char *sc = NULL;
        g_autofree char *ps = ts_path_key(path, "scale");
        if (!ts_sweep_node_text(nscale, ps, &sc, error))
            return FALSE;
        if (strcmp(sc, "log") == 0) {
            log_scale = TRUE;
        } else if (strcmp(sc, "linear") != 0) {
            ts_config_error(error, nscale, TS_CONFIG_ERROR_REFERENCE, ps,
                            "expected linear or log (got '%s')", sc);
            return FALSE;
        }
        if (nsteps == NULL) {
            ts_config_error(error, nscale, TS_CONFIG_ERROR_INVALID, ps,
                            "scale applies to steps (step is linear, factor geometric)");
            return FALSE;
        }
    }
    if (nround != NULL) {
        g_autofree char *pr = ts_path_key(path, "round");
        if (!ts_node_bool(nround, pr, &round_int, error))
            return FALSE;
    }
    GArray *xs = g_array_new(FALSE, FALSE, sizeof(double));
    gboolean ok = TRUE;
    if (nsteps != NULL) {
        guint64 n = 0;
        g_autofree char *pn = ts_path_key(path, "steps");
        ok = ts_node_uint(nsteps, pn, &n, error);
        if (ok && (n < 1 || n > TS_SWEEP_MAX_POINTS)) {
            ts_config_error(error, nsteps, TS_CONFIG_ERROR_RANGE, pn,
                            "must be within 1 .. %u (got %" G_GUINT64_FORMAT ")",
                            TS_SWEEP_MAX_POINTS, n);
            ok = FALSE;
        }
        if (ok && log_scale && !(from > 0 && to > 0)) {
            ts_config_error(error, nsteps, TS_CONFIG_ERROR_RANGE, path,
                            "a log range needs from > 0 and to > 0 (got %g, %g)", from, to);
            ok = FALSE;
        }
        for (guint64 i = 0; ok && i < n; i++) {
            double f = n == 1 ? 0.0 : (double)i / (double)(n - 1);
            double x =
                log_scale ? exp(log(from) + f * (log(to) - log(from))) : from + f * (to - from);
            if (i == n - 1)
                x = to;
            g_array_append_val(xs, x);
        }
    } else if (nstep != NULL) {
        double st = 0;
        g_autofree char *ps = ts_path_key(path, "step");
        ok = ts_node_double(nstep, ps, &st, error);
        if (ok && !(st != 0 && (to - from) / st >= 0)) {
            ts_config_error(error, nstep, TS_CONFIG_ERROR_RANGE, ps,
                            "must be non-zero and go from %g towards %g (got %g)", from, to, st);
            ok = FALSE;
        }
        double count = ok ? floor((to - from) / st + 1e-9) + 1 : 0;
        if (ok && count > TS_SWEEP_MAX_POINTS) {
            ts_config_error(error, nstep, TS_CONFIG_ERROR_RANGE, ps,
                            "gives %.0f values, over the limit of %u", count, TS_SWEEP_MAX_POINTS);
            ok = FALSE;
        }
        for (double i = 0; ok && i < count; i++) {
            double x = from + i * st;
            g_array_append_val(xs, x);
        }
    } else {
        double fac = 0;
        g_autofree char *pf2 = ts_path_key(path, "factor");
        ok = ts_node_double(nfac, pf2, &fac, error);
        gboolean up = to >= from;
        if (ok &&
            !(from != 0 && ((up && fac > 1) || (!up && fac > 0 && fac < 1)) && to / from > 0)) {
            ts_config_error(error, nfac, TS_CONFIG_ERROR_RANGE, pf2,
                            "must take %g towards %g (a factor %s 1, same signs) (got %g)", from,
                            to, up ? "above" : "between 0 and", fac);
            ok = FALSE;
        }
        for (double x = from; ok && (up ? x <= to * (1 + 1e-12) : x >= to * (1 - 1e-12));
             x *= fac) {
            if (xs->len >= TS_SWEEP_MAX_POINTS)
                break;
            g_array_append_val(xs, x);
        }
    }
    if (ok) {
        p->values = g_ptr_array_new();
        for (guint i = 0; i < xs->len; i++) {
            double x = g_array_index(xs, double, i);
            double near = round(x);
            if (round_int || fabs(x - near) <= 1e-9 * MAX(1.0, fabs(x)))
                x = near;
            g_autofree char *t = ts_sweep_format_number(x);
            g_ptr_array_add(p->values, ts_sweep_value_new(s, t, r));
        }
    }
    g_array_free(xs, TRUE);
    return ok;
}
