/* CSV fields as every report writes them: text quoted only when it holds a comma, a quote or
 * a line break (RFC 4180), numbers in the shortest form that reads back exactly. */
#ifndef TS_REPORT_CSV_H
#define TS_REPORT_CSV_H

#include <glib.h>

G_BEGIN_DECLS

/* Shortest decimal text that reads back as v ("0.1", not "0.10000000000000001"); integers
 * below 2^53 without exponent; nothing for a non-finite value (an empty field). */
void ts_csv_double(GString *s, double v);

/* text as one field ("" doubled inside quotes when needed); nothing for NULL. */
void ts_csv_text(GString *s, const char *text);

G_END_DECLS

#endif /* TS_REPORT_CSV_H */
