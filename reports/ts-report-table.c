/* Aligned text tables (see ts-report-table.h). */
#include "ts-report-table.h"

TsTable ts_table_new(guint n_cols, const char *const *headers, const gboolean *right)
{
    TsTable t = {n_cols, headers, right, g_ptr_array_new()};
    return t;
}

void ts_table_add(TsTable *t, char **cells)
{
    g_ptr_array_add(t->rows, cells);
}

void ts_table_print(TsTable *t, GString *out)
{
    gsize *w = g_new0(gsize, t->n_cols);
    for (guint c = 0; c < t->n_cols; c++)
        w[c] = g_utf8_strlen(t->headers[c], -1);
    for (guint r = 0; r < t->rows->len; r++) {
        char **cells = g_ptr_array_index(t->rows, r);
        for (guint c = 0; c < t->n_cols; c++)
            w[c] = MAX(w[c], (gsize)g_utf8_strlen(cells[c], -1));
    }
    for (guint r = 0; r <= t->rows->len; r++) {
        const char *const *cells =
            r == 0 ? t->headers : (const char *const *)g_ptr_array_index(t->rows, r - 1);
        g_string_append(out, "  ");
        for (guint c = 0; c < t->n_cols; c++) {
            gsize len = (gsize)g_utf8_strlen(cells[c], -1);
            gsize pad = w[c] - len;
            if (c)
                g_string_append(out, "  ");
            if (t->right[c])
                g_string_append_printf(out, "%*s%s", (int)pad, "", cells[c]);
            else if (c + 1 < t->n_cols)
                g_string_append_printf(out, "%s%*s", cells[c], (int)pad, "");
            else
                g_string_append(out, cells[c]);
        }
        g_string_append_c(out, '\n');
    }
    g_free(w);
    for (guint r = 0; r < t->rows->len; r++)
        g_strfreev(g_ptr_array_index(t->rows, r));
    g_ptr_array_free(t->rows, TRUE);
    t->rows = g_ptr_array_new();
}
