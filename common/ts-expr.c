/* Arithmetic in configuration scalars, with Python's syntax and precedence as Timeloop v0.4
 * inputs use it ("24*2**20", "(SP_SIZE*8)//(IN_BITWIDTH*DIM)", "max(32, width)"): numbers,
 * names resolved by a lookup, + - * / // % **, unary +/-, parentheses and the functions min,
 * max, ceil, floor, log2, round, int, abs. A recursive-descent evaluator over doubles; ** is
 * right-associative and binds tighter than a unary minus on its left; % follows Python's sign. */
#include "ts-config.h"

#include <math.h>
#include <string.h>

typedef struct {
    const char *p;
    const char *text;
    TsExprLookup lookup;
    gpointer user_data;
    char *why;
    gboolean unknown_name; /* the failure was an unresolved name */
    guint depth;
} TsPyExpr;

static gboolean py_sum(TsPyExpr *e, double *out);

static void py_skip(TsPyExpr *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

static gboolean py_fail(TsPyExpr *e, const char *what)
{
    if (e->why == NULL)
        e->why = g_strdup_printf("%s at offset %d of expression '%s'", what, (int)(e->p - e->text),
                                 e->text);
    return FALSE;
}

static gboolean py_call(TsPyExpr *e, const char *fn, double *out)
{
    double args[8];
    guint n = 0;
    e->p++; /* '(' */
    py_skip(e);
    if (*e->p != ')') {
        for (;;) {
            if (n == G_N_ELEMENTS(args))
                return py_fail(e, "too many arguments");
            if (!py_sum(e, &args[n++]))
                return FALSE;
            py_skip(e);
            if (*e->p == ',') {
                e->p++;
                continue;
            }
            break;
        }
    }
    if (*e->p != ')')
        return py_fail(e, "missing ')'");
    e->p++;
    if ((strcmp(fn, "max") == 0 || strcmp(fn, "min") == 0) && n >= 1) {
        *out = args[0];
        for (guint i = 1; i < n; i++)
            *out = strcmp(fn, "max") == 0 ? MAX(*out, args[i]) : MIN(*out, args[i]);
        return TRUE;
    }
    if (n != 1)
        return py_fail(e, "wrong number of arguments");
    if (strcmp(fn, "ceil") == 0)
        *out = ceil(args[0]);
    else if (strcmp(fn, "floor") == 0 || strcmp(fn, "int") == 0)
        *out = strcmp(fn, "int") == 0 ? trunc(args[0]) : floor(args[0]);
    else if (strcmp(fn, "round") == 0)
        *out = nearbyint(args[0]);
    else if (strcmp(fn, "abs") == 0)
        *out = fabs(args[0]);
    else if (strcmp(fn, "log2") == 0) {
        if (args[0] <= 0)
            return py_fail(e, "log2 of a non-positive number");
        *out = log2(args[0]);
    } else
        return py_fail(e, "unknown function");
    return TRUE;
}

/* atom: number | name | name(args) | (sum) */
static gboolean py_atom(TsPyExpr *e, double *out)
{
    py_skip(e);
    if (*e->p == '(') {
        e->p++;
        if (!py_sum(e, out))
            return FALSE;
        py_skip(e);
        if (*e->p != ')')
            return py_fail(e, "missing ')'");
        e->p++;
        return TRUE;
    }
    if (g_ascii_isdigit(*e->p) || *e->p == '.') {
        char *end = NULL;
        if (e->p[0] == '0' && (e->p[1] == 'x' || e->p[1] == 'X'))
            return py_fail(e, "hexadecimal numbers are not supported");
        *out = g_ascii_strtod(e->p, &end);
        if (end == e->p)
            return py_fail(e, "malformed number");
        e->p = end;
        return TRUE;
    }
    if (g_ascii_isalpha(*e->p) || *e->p == '_') {
        const char *start = e->p;
        while (g_ascii_isalnum(*e->p) || *e->p == '_')
            e->p++;
        g_autofree char *name = g_strndup(start, (gsize)(e->p - start));
        py_skip(e);
        if (*e->p == '(')
            return py_call(e, name, out);
        if (e->lookup != NULL && e->lookup(name, out, e->user_data))
            return TRUE;
        e->p = start;
        if (e->why == NULL) {
            e->why = g_strdup_printf("unknown name '%s' in expression '%s'", name, e->text);
            e->unknown_name = TRUE;
        }
        return FALSE;
    }
    return py_fail(e, *e->p ? "unexpected character" : "unexpected end");
}

/* power: atom ['**' unary]  (right-associative, binds tighter than a unary minus on its left) */
static gboolean py_unary(TsPyExpr *e, double *out);

static gboolean py_power(TsPyExpr *e, double *out)
{
    if (!py_atom(e, out))
        return FALSE;
    py_skip(e);
    if (e->p[0] == '*' && e->p[1] == '*') {
        e->p += 2;
        double rhs;
        if (!py_unary(e, &rhs))
            return FALSE;
        *out = pow(*out, rhs);
    }
    return TRUE;
}

static gboolean py_unary(TsPyExpr *e, double *out)
{
    py_skip(e);
    if (++e->depth > 64)
        return py_fail(e, "expression nested too deeply");
    gboolean ok;
    if (*e->p == '-' || *e->p == '+') {
        gboolean neg = *e->p == '-';
        e->p++;
        ok = py_unary(e, out);
        if (ok && neg)
            *out = -*out;
    } else {
        ok = py_power(e, out);
    }
    e->depth--;
    return ok;
}

static gboolean py_product(TsPyExpr *e, double *out)
{
    if (!py_unary(e, out))
        return FALSE;
    for (;;) {
        py_skip(e);
        char op = *e->p;
        gboolean floordiv = FALSE;
        if (op == '*' && e->p[1] != '*')
            e->p++;
        else if (op == '/' && e->p[1] == '/') {
            floordiv = TRUE;
            e->p += 2;
        } else if (op == '/' || op == '%')
            e->p++;
        else
            return TRUE;
        double rhs;
        if (!py_unary(e, &rhs))
            return FALSE;
        if (op != '*' && rhs == 0.0)
            return py_fail(e, "division by zero");
        if (op == '*')
            *out *= rhs;
        else if (floordiv)
            *out = floor(*out / rhs);
        else if (op == '/')
            *out /= rhs;
        else
            *out = *out - rhs * floor(*out / rhs); /* Python's modulo sign */
    }
}

static gboolean py_sum(TsPyExpr *e, double *out)
{
    if (!py_product(e, out))
        return FALSE;
    for (;;) {
        py_skip(e);
        char op = *e->p;
        if (op != '+' && op != '-')
            return TRUE;
        e->p++;
        double rhs;
        if (!py_product(e, &rhs))
            return FALSE;
        *out = op == '+' ? *out + rhs : *out - rhs;
    }
}

gboolean ts_expr_eval(const char *text, TsExprLookup lookup, gpointer user_data, double *out,
                      GError **error)
{
    g_return_val_if_fail(text != NULL && out != NULL, FALSE);
    TsPyExpr e = {.p = text, .text = text, .lookup = lookup, .user_data = user_data};
    gboolean ok = py_sum(&e, out);
    if (ok) {
        py_skip(&e);
        if (*e.p != '\0')
            ok = py_fail(&e, "unexpected text");
        else if (!isfinite(*out))
            ok = py_fail(&e, "result is not finite");
    }
    if (!ok)
        g_set_error_literal(error, TS_CONFIG_ERROR,
                            e.unknown_name ? TS_CONFIG_ERROR_REFERENCE : TS_CONFIG_ERROR_TYPE,
                            e.why ? e.why : "invalid expression");
    g_free(e.why);
    return ok;
}
