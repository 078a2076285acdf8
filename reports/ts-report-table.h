/* Aligned text tables shared by the reports: a header row and rows of owned cells, each
 * column left- or right-aligned to its widest cell (UTF-8 aware), two spaces between columns
 * and two before the first. */
#ifndef TS_REPORT_TABLE_H
#define TS_REPORT_TABLE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    guint n_cols;
    const char *const *headers;
    const gboolean *right; /* per column: right-aligned (numbers) */
    GPtrArray *rows;       /* char ** of n_cols owned strings */
} TsTable;

/* A table over static headers and alignments (both borrowed, n_cols entries). */
TsTable ts_table_new(guint n_cols, const char *const *headers, const gboolean *right);
/* Appends a row: cells is a g_strfreev-able vector of n_cols strings, owned by the table. */
void ts_table_add(TsTable *table, char **cells);
/* Appends the table to out and frees its rows (the table is empty afterwards). */
void ts_table_print(TsTable *table, GString *out);

G_END_DECLS

#endif /* TS_REPORT_TABLE_H */
