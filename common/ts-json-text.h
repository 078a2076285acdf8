/* JSON text as json-glib writes it, made valid: shared by every module that writes a JSON
 * document (the reports, the sweep's exports and settings, the DES kernel's statistics), so it
 * sits at the bottom of the dependency order and needs only GLib. */
#ifndef TS_JSON_TEXT_H
#define TS_JSON_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* Repairs, in place, the numbers json-glib 1.6 writes invalid: a double whose shortest form
 * has an exponent and no point (3e-09) comes out as "3e-09.0"; the ".0" is dropped (outside
 * strings). Returns text. Every JSON document tilesim writes goes through it. */
char *ts_json_repair_numbers(char *text);

G_END_DECLS

#endif /* TS_JSON_TEXT_H */
