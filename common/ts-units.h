/* Physical quantities with units as written in configuration files ("1.2GHz", "10ns",
 * "25.6GB/s", "0.95pJ/bit", "64KiB") parsed into one base unit per kind, and formatted back
 * for reports. Decimal prefixes are powers of 10, binary prefixes (Ki, Mi, Gi) powers of 2. */
#ifndef TS_COMMON_UNITS_H
#define TS_COMMON_UNITS_H

#include <glib.h>

G_BEGIN_DECLS

/* Base units: the value a parser returns for each kind. */
typedef enum {
    TS_UNIT_NONE,           /* dimensionless number */
    TS_UNIT_FREQUENCY,      /* Hz          (Hz, kHz, MHz, GHz) */
    TS_UNIT_TIME,           /* ps          (ps, ns, us, ms, s; bare number = ps) */
    TS_UNIT_BANDWIDTH,      /* bytes/s     (B/s, KB/s, MB/s, GB/s, TB/s, KiB/s.., Gbit/s, Gb/s) */
    TS_UNIT_ENERGY,         /* pJ          (fJ, pJ, nJ, uJ, mJ, J) */
    TS_UNIT_ENERGY_PER_BIT, /* pJ/bit      (pJ/bit, fJ/bit, pJ/B = 1/8 pJ/bit) */
    TS_UNIT_SIZE,           /* bytes       (B, KB, MB, GB, KiB, MiB, GiB, bit, Kbit ...) */
    TS_UNIT_POWER,          /* W           (mW, W) */
    TS_UNIT_AREA,           /* um^2        (um^2, mm^2) */
    TS_UNIT_LENGTH_NM,      /* nm          (technology node: "45nm", bare number = nm) */
    TS_UNIT_COUNT_
} TsUnitKind;

/* Parses "NUMBER[ ]UNIT" of the given kind into the base unit. A bare number is taken in the
 * base unit. Returns FALSE and sets *why (static string) for an unknown or mismatched unit or
 * a malformed number; never accepts trailing garbage. */
gboolean ts_unit_parse(const char *text, TsUnitKind kind, double *out, const char **why);

/* A byte count as command-line options and sweep settings write it: a size of ts_unit_parse
 * (a bare number is bytes; B, KB/KiB, MB/MiB, GB/GiB, all x1024; bit, Kbit ...) or the
 * shorthand K, M, G for KB, MB, GB ("512M", "2G", "1GiB"), a whole number of bytes within
 * min .. max. FALSE with *why (static) otherwise. */
gboolean ts_unit_parse_bytes(const char *text, guint64 min, guint64 max, guint64 *out,
                             const char **why);

/* Base unit name of a kind: "Hz", "ps", "B/s", "pJ", "pJ/bit", "B", "W", "um^2", "nm". */
const char *ts_unit_base_name(TsUnitKind kind);

/* Human-readable kind name ("frequency") and accepted units ("Hz, kHz, MHz, GHz"). */
const char *ts_unit_kind_name(TsUnitKind kind);
const char *ts_unit_accepted(TsUnitKind kind);

/* TRUE for the kinds whose bare numbers are ambiguous in a configuration file (frequency,
 * time, bandwidth, size: "clock: 200" could be MHz, "tCK: 0.83" ns, "size: 4096" words):
 * ts_node_quantity() requires a unit for them unless the value is 0. ts_unit_parse() itself
 * still reads a bare number in the base unit. */
gboolean ts_unit_needs_suffix(TsUnitKind kind);

/* Formats value (base unit) with an SI prefix and the unit, e.g. 2.0e8 Hz -> "200 MHz".
 * Returns a newly allocated string. */
char *ts_unit_format(double value, TsUnitKind kind);

G_END_DECLS

#endif /* TS_COMMON_UNITS_H */
