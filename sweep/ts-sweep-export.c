/* Exports of a sweep, from its database alone (so `tilesim sweep --export` works on a partial
 * or finished run anywhere): results.csv (one row per point), results.jsonl (one object per
 * point with its ops and mappings), ops.csv (one row per point and op), pareto.csv (the points
 * no other point beats on every objective), summary.txt (the table of the Timeloop
 * experiments' -t summary: the parameters that vary, energy, cycles, utilization, EDP and the
 * cycles of each op) and the plots. Numbers are written so that they read back exactly. */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-file.h"
#include "ts-report-csv.h"
#include "ts-report-json.h"
#include "ts-sweep-db-private.h"
#include "ts-sweep-export-private.h"
#include "ts-json-glib.h"

/* Columns of the points table after the parameters, and their objectives. */
static const char *const kTotals[] = {"energy_pj",   "cycles",       "latency_s",  "macs",
                                      "utilization", "edp_j_cycles", "pj_per_mac", "area_um2"};
/* The DES's columns of the points table (sweeps whose engine runs the DES), exported after the
 * analytical ones: numbers, then texts, then the event count. */
static const char *const kDesTotals[] = {"des_cycles", "des_latency_s", "des_energy_pj",
                                         "des_diff"};
static const char *const kDesTexts[] = {"des_bound", "des_not_run"};

/* ---- Loading ------------------------------------------------------------------------------ */

static void data_clear(TsExportData *d)
{
    for (guint i = 0; d->rows && i < d->rows->len; i++) {
        TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        g_strfreev(r->values);
        g_free(r->is_number);
        g_free(r->numbers);
        g_free(r->reason);
        g_free(r->op_cycles);
        g_free(r->op_energy);
        g_free(r->op_des_cycles);
        g_free(r->des_bound);
        g_free(r->des_not_run);
    }
    if (d->rows)
        g_array_unref(d->rows);
    g_strfreev(d->op_names);
    g_strfreev(d->param_names);
    g_strfreev(d->param_kinds);
    g_free(d->param_varies);
    g_free(d->name);
    memset(d, 0, sizeof *d);
}

static double col_real(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static char *col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? g_strdup((const char *)t) : NULL;
}

static gboolean read_settings(TsSweepDb *db, TsExportData *d, GError **error)
{
    g_autofree char *json = ts_sweep_db_meta(db, "settings");
    d->name = ts_sweep_db_meta(db, "sweep_name");
    d->objectives[0] = TS_SWEEP_OBJ_ENERGY;
    d->objectives[1] = TS_SWEEP_OBJ_LATENCY;
    d->n_objectives = 2;
    d->rank = TS_SWEEP_OBJ_EDP;
    if (json == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: not a tilesim sweep database (no settings)", ts_sweep_db_path(db));
        return FALSE;
    }
    g_autoptr(TsJsonParser) p = json_parser_new();
    if (!json_parser_load_from_data(p, json, -1, error))
        return FALSE;
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    JsonArray *obj = json_object_get_array_member(o, "objectives");
    d->n_objectives = 0;
    for (guint i = 0; obj && i < json_array_get_length(obj) && i < 3; i++)
        if (ts_sweep_objective_from_name(json_array_get_string_element(obj, i),
                                         &d->objectives[d->n_objectives]))
            d->n_objectives++;
    ts_sweep_objective_from_name(json_object_get_string_member(o, "rank"), &d->rank);
    d->des = ts_sweep_engine_runs_des(json_object_get_string_member_with_default(o, "engine", ""));
    JsonObject *mapper = json_object_get_object_member(o, "mapper");
    d->systolic_folds = mapper != NULL && json_object_get_boolean_member_with_default(
                                              mapper, "systolic_folds", FALSE);
    return TRUE;
}

static gboolean load(TsSweepDb *db, TsExportData *d, GError **error)
{
    memset(d, 0, sizeof *d);
    if (!read_settings(db, d, error))
        return FALSE;
    sqlite3_stmt *st =
        ts_sweep_db_prepare(db, "SELECT name, kind FROM parameters ORDER BY position;", error);
    if (st == NULL)
        return FALSE;
    GPtrArray *names = g_ptr_array_new(), *kinds = g_ptr_array_new();
    while (sqlite3_step(st) == SQLITE_ROW) {
        g_ptr_array_add(names, col_text(st, 0));
        g_ptr_array_add(kinds, col_text(st, 1));
    }
    sqlite3_finalize(st);
    d->n_params = names->len;
    g_ptr_array_add(names, NULL);
    g_ptr_array_add(kinds, NULL);
    d->param_names = (char **)g_ptr_array_free(names, FALSE);
    d->param_kinds = (char **)g_ptr_array_free(kinds, FALSE);
    d->param_varies = g_new0(gboolean, MAX(d->n_params, 1u));

    GString *sql = g_string_new("SELECT id");
    for (guint k = 0; k < d->n_params; k++)
        g_string_append_printf(sql, ", \"%s\"", d->param_names[k]);
    g_string_append(sql, ", status, reason");
    for (guint i = 0; i < G_N_ELEMENTS(kTotals); i++)
        g_string_append_printf(sql, ", %s", kTotals[i]);
    for (guint i = 0; i < G_N_ELEMENTS(kDesTotals); i++)
        g_string_append_printf(sql, ", %s", kDesTotals[i]);
    g_string_append(sql, ", des_bound, des_not_run, des_events FROM points ORDER BY id;");
    st = ts_sweep_db_prepare(db, sql->str, error);
    g_string_free(sql, TRUE);
    if (st == NULL)
        return FALSE;
    d->rows = g_array_new(FALSE, TRUE, sizeof(TsExportRow));
    int np = (int)d->n_params;
    while (sqlite3_step(st) == SQLITE_ROW) {
        TsExportRow r = {0};
        r.id = sqlite3_column_int64(st, 0);
        r.values = g_new0(char *, d->n_params + 1);
        r.is_number = g_new0(gboolean, MAX(d->n_params, 1u));
        r.numbers = g_new0(double, MAX(d->n_params, 1u));
        for (int k = 0; k < np; k++) {
            int type = sqlite3_column_type(st, k + 1);
            if (type == SQLITE_INTEGER) {
                r.values[k] = g_strdup_printf("%lld", (long long)sqlite3_column_int64(st, k + 1));
            } else if (type == SQLITE_FLOAT) {
                GString *t = g_string_new(NULL);
                ts_csv_double(t, sqlite3_column_double(st, k + 1));
                r.values[k] = g_string_free(t, FALSE);
            } else {
                r.values[k] = col_text(st, k + 1);
            }
            r.is_number[k] = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
            r.numbers[k] = r.is_number[k] ? sqlite3_column_double(st, k + 1) : NAN;
        }
        g_autofree char *status = col_text(st, np + 1);
        ts_sweep_status_from_name(status, &r.status);
        r.reason = col_text(st, np + 2);
        double t[G_N_ELEMENTS(kTotals)];
        for (guint i = 0; i < G_N_ELEMENTS(kTotals); i++)
            t[i] = col_real(st, np + 3 + (int)i);
        r.v[TS_SWEEP_OBJ_ENERGY] = t[0];
        r.v[TS_SWEEP_OBJ_CYCLES] = t[1];
        r.v[TS_SWEEP_OBJ_LATENCY] = t[2];
        r.macs = t[3];
        r.utilization = t[4];
        r.v[TS_SWEEP_OBJ_EDP] = t[5];
        r.pj_per_mac = t[6];
        r.v[TS_SWEEP_OBJ_AREA] = t[7];
        const int dc = np + 3 + (int)G_N_ELEMENTS(kTotals);
        r.v[TS_SWEEP_OBJ_DES_CYCLES] = col_real(st, dc);
        r.v[TS_SWEEP_OBJ_DES_LATENCY] = col_real(st, dc + 1);
        r.des_energy_pj = col_real(st, dc + 2);
        r.des_diff = col_real(st, dc + 3);
        r.des_bound = col_text(st, dc + 4);
        r.des_not_run = col_text(st, dc + 5);
        r.des_events = sqlite3_column_int64(st, dc + 6);
        g_array_append_val(d->rows, r);
    }
    sqlite3_finalize(st);
    for (guint k = 0; k < d->n_params; k++)
        for (guint i = 1; i < d->rows->len && !d->param_varies[k]; i++)
            d->param_varies[k] = g_strcmp0(g_array_index(d->rows, TsExportRow, i).values[k],
                                           g_array_index(d->rows, TsExportRow, 0).values[k]) != 0;

    /* per point and op name: cycles and energy of all its instances, names in order of
     * first appearance (by point, then position) */
    st = ts_sweep_db_prepare(db, "SELECT count(DISTINCT op) FROM op_results;", error);
    if (st == NULL)
        return FALSE;
    guint n_names = sqlite3_step(st) == SQLITE_ROW ? (guint)sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    GPtrArray *opn = g_ptr_array_new();
    /* sum() of NULLs is NULL: an op name with any instance the DES did not run has none */
    st = ts_sweep_db_prepare(db,
                             "SELECT point_id, op, sum(count * cycles), sum(count * energy_pj), "
                             "CASE WHEN count(des_cycles) = count(*) THEN "
                             "sum(count * des_cycles) END "
                             "FROM op_results GROUP BY point_id, op "
                             "ORDER BY point_id, min(position);",
                             error);
    if (st == NULL) {
        g_ptr_array_free(opn, TRUE);
        return FALSE;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        TsExportRow *r = ts_export_row(d, sqlite3_column_int64(st, 0));
        const char *op = (const char *)sqlite3_column_text(st, 1);
        guint k = 0;
        while (k < opn->len && strcmp(opn->pdata[k], op) != 0)
            k++;
        if (k == opn->len)
            g_ptr_array_add(opn, g_strdup(op));
        if (r == NULL || k >= n_names)
            continue;
        if (r->op_cycles == NULL) {
            r->op_cycles = g_new(double, n_names);
            r->op_energy = g_new(double, n_names);
            r->op_des_cycles = d->des ? g_new(double, n_names) : NULL;
            for (guint j2 = 0; j2 < n_names; j2++) {
                r->op_cycles[j2] = r->op_energy[j2] = NAN;
                if (r->op_des_cycles)
                    r->op_des_cycles[j2] = NAN;
            }
        }
        r->op_cycles[k] = col_real(st, 2);
        r->op_energy[k] = col_real(st, 3);
        if (r->op_des_cycles)
            r->op_des_cycles[k] = col_real(st, 4);
    }
    sqlite3_finalize(st);
    d->n_op_names = MIN(opn->len, n_names);
    g_ptr_array_add(opn, NULL);
    d->op_names = (char **)g_ptr_array_free(opn, FALSE);
    return TRUE;
}

TsExportRow *ts_export_row(const TsExportData *d, gint64 id)
{
    /* points are numbered 0 .. n-1 and read in that order */
    if (id < 0 || (guint64)id >= d->rows->len)
        return NULL;
    TsExportRow *r = &g_array_index(d->rows, TsExportRow, (guint)id);
    return r->id == id ? r : NULL;
}

/* ---- Pareto front ------------------------------------------------------------------------- */

static gboolean dominates(const TsExportRow *a, const TsExportRow *b, const TsExportData *d)
{
    gboolean better = FALSE;
    for (guint k = 0; k < d->n_objectives; k++) {
        double x = a->v[d->objectives[k]], y = b->v[d->objectives[k]];
        if (x > y)
            return FALSE;
        better |= x < y;
    }
    return better;
}

static gboolean row_usable(const TsExportRow *r, const TsExportData *d)
{
    if (r->status != TS_SWEEP_OK)
        return FALSE;
    for (guint k = 0; k < d->n_objectives; k++)
        if (!isfinite(r->v[d->objectives[k]]))
            return FALSE;
    return TRUE;
}

static int by_first_objective(gconstpointer a, gconstpointer b, gpointer data)
{
    const TsExportData *sort_data = data;
    const TsExportRow *x = *(TsExportRow *const *)a, *y = *(TsExportRow *const *)b;
    for (guint k = 0; k < sort_data->n_objectives; k++) {
        double p = x->v[sort_data->objectives[k]], q = y->v[sort_data->objectives[k]];
        if (p != q)
            return p < q ? -1 : 1;
    }
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Marks the non-dominated usable points: sorted lexicographically by the objectives, a point
 * can only be dominated by one before it that is on the front. */
static guint mark_pareto(TsExportData *d)
{
    GPtrArray *order = g_ptr_array_new();
    for (guint i = 0; i < d->rows->len; i++) {
        TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        r->pareto = FALSE;
        if (row_usable(r, d))
            g_ptr_array_add(order, r);
    }
    g_ptr_array_sort_with_data(order, by_first_objective, d);
    GPtrArray *front = g_ptr_array_new();
    for (guint i = 0; i < order->len; i++) {
        TsExportRow *r = order->pdata[i];
        gboolean dominated = FALSE;
        for (guint j = front->len; j-- > 0 && !dominated;)
            dominated = dominates(front->pdata[j], r, d);
        if (!dominated) {
            r->pareto = TRUE;
            g_ptr_array_add(front, r);
        }
    }
    guint n = front->len;
    g_ptr_array_free(front, TRUE);
    g_ptr_array_free(order, TRUE);
    return n;
}

/* ---- Files -------------------------------------------------------------------------------- */

/* A file written line by line through a temporary name and renamed when complete (as
 * ts_output_write does for a whole buffer): ops.csv and results.jsonl can be far larger than
 * what a sweep keeps in memory. */
typedef struct {
    FILE *f;
    char *path, *tmp;
} OutFile;

static gboolean out_open(OutFile *o, const char *dir, const char *name, GError **error)
{
    o->path = g_build_filename(dir, name, NULL);
    o->tmp = g_strdup_printf("%s.tmp-%d", o->path, (int)getpid());
    o->f = g_fopen(o->tmp, "w");
    if (o->f == NULL) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", o->tmp,
                    g_strerror(e));
        g_clear_pointer(&o->path, g_free);
        g_clear_pointer(&o->tmp, g_free);
        return FALSE;
    }
    return TRUE;
}

/* Writes line (and empties it). */
static void out_put(OutFile *o, GString *line)
{
    fwrite(line->str, 1, line->len, o->f);
    g_string_truncate(line, 0);
}

static gboolean out_close(OutFile *o, GError **error)
{
    gboolean ok = ferror(o->f) == 0;
    ok = fclose(o->f) == 0 && ok;
    int e = errno;
    if (ok && g_rename(o->tmp, o->path) != 0) {
        e = errno;
        ok = FALSE;
    }
    if (!ok) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s",
                    o->path, g_strerror(e));
        g_unlink(o->tmp);
    }
    g_free(o->path);
    g_free(o->tmp);
    return ok;
}

static void put_header_params(GString *s, const TsExportData *d)
{
    for (guint k = 0; k < d->n_params; k++) {
        g_string_append_c(s, ',');
        ts_csv_text(s, d->param_names[k]);
    }
}

static void put_row_params(GString *s, const TsExportData *d, const TsExportRow *r)
{
    for (guint k = 0; k < d->n_params; k++) {
        g_string_append_c(s, ',');
        ts_csv_text(s, r->values[k]);
    }
}

/* A point's figures in the order of kTotals. */
static void row_totals(const TsExportRow *r, double v[G_N_ELEMENTS(kTotals)])
{
    v[0] = r->v[TS_SWEEP_OBJ_ENERGY];
    v[1] = r->v[TS_SWEEP_OBJ_CYCLES];
    v[2] = r->v[TS_SWEEP_OBJ_LATENCY];
    v[3] = r->macs;
    v[4] = r->utilization;
    v[5] = r->v[TS_SWEEP_OBJ_EDP];
    v[6] = r->pj_per_mac;
    v[7] = r->v[TS_SWEEP_OBJ_AREA];
}

/* A point's DES figures in the order of kDesTotals. */
static void row_des_totals(const TsExportRow *r, double v[G_N_ELEMENTS(kDesTotals)])
{
    v[0] = r->v[TS_SWEEP_OBJ_DES_CYCLES];
    v[1] = r->v[TS_SWEEP_OBJ_DES_LATENCY];
    v[2] = r->des_energy_pj;
    v[3] = r->des_diff;
}

static gboolean results_csv(const TsExportData *d, const char *dir, const char *name,
                            gboolean front_only, GError **error)
{
    OutFile o;
    if (!out_open(&o, dir, name, error))
        return FALSE;
    g_autoptr(GString) s = g_string_new("id");
    put_header_params(s, d);
    g_string_append(s, ",status");
    for (guint i = 0; i < G_N_ELEMENTS(kTotals); i++)
        g_string_append_printf(s, ",%s", kTotals[i]);
    if (!front_only)
        g_string_append(s, ",pareto,reason");
    if (d->des) {
        for (guint i = 0; i < G_N_ELEMENTS(kDesTotals); i++)
            g_string_append_printf(s, ",%s", kDesTotals[i]);
        for (guint i = 0; i < G_N_ELEMENTS(kDesTexts); i++)
            g_string_append_printf(s, ",%s", kDesTexts[i]);
        g_string_append(s, ",des_events");
    }
    g_string_append_c(s, '\n');
    out_put(&o, s);
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (front_only && !r->pareto)
            continue;
        g_string_append_printf(s, "%" G_GINT64_FORMAT, r->id);
        put_row_params(s, d, r);
        g_string_append_printf(s, ",%s", ts_sweep_status_name(r->status));
        double v[G_N_ELEMENTS(kTotals)];
        row_totals(r, v);
        for (guint k = 0; k < G_N_ELEMENTS(v); k++) {
            g_string_append_c(s, ',');
            ts_csv_double(s, v[k]);
        }
        if (!front_only) {
            g_string_append_printf(s, ",%d,", r->pareto ? 1 : 0);
            ts_csv_text(s, r->reason);
        }
        if (d->des) {
            double dv[G_N_ELEMENTS(kDesTotals)];
            row_des_totals(r, dv);
            for (guint k = 0; k < G_N_ELEMENTS(dv); k++) {
                g_string_append_c(s, ',');
                ts_csv_double(s, dv[k]);
            }
            g_string_append_c(s, ',');
            ts_csv_text(s, r->des_bound);
            g_string_append_c(s, ',');
            ts_csv_text(s, r->des_not_run);
            if (r->des_events > 0)
                g_string_append_printf(s, ",%" G_GINT64_FORMAT, r->des_events);
            else
                g_string_append_c(s, ',');
        }
        g_string_append_c(s, '\n');
        out_put(&o, s);
    }
    return out_close(&o, error);
}

/* The op_results rows in point order, read one at a time. */
#define OP_COLUMNS                                                                                 \
    "point_id, op, count, kind, macs, energy_pj, cycles, latency_s, utilization, edp_j_cycles, "   \
    "bound, evaluated, valid, mapping, des_cycles, des_latency_s, des_energy_pj, des_bound, "      \
    "des_not_run"

static sqlite3_stmt *ops_query(TsSweepDb *db, GError **error)
{
    return ts_sweep_db_prepare(
        db, "SELECT " OP_COLUMNS " FROM op_results ORDER BY point_id, position;", error);
}

static gboolean ops_csv(TsSweepDb *db, const TsExportData *d, const char *dir, GError **error)
{
    sqlite3_stmt *st = ops_query(db, error);
    OutFile o;
    if (st == NULL || !out_open(&o, dir, "ops.csv", error)) {
        sqlite3_finalize(st);
        return FALSE;
    }
    g_autoptr(GString) s = g_string_new("id");
    put_header_params(s, d);
    g_string_append(s, ",op,count,kind,macs,energy_pj,cycles,latency_s,utilization,"
                       "edp_j_cycles,bound,evaluated,valid");
    g_string_append(s, d->des ? ",des_cycles,des_latency_s,des_energy_pj,des_diff,des_bound,"
                                "des_not_run\n"
                              : "\n");
    out_put(&o, s);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const TsExportRow *r = ts_export_row(d, sqlite3_column_int64(st, 0));
        if (r == NULL)
            continue;
        g_string_append_printf(s, "%" G_GINT64_FORMAT, r->id);
        put_row_params(s, d, r);
        g_string_append_c(s, ',');
        ts_csv_text(s, (const char *)sqlite3_column_text(st, 1));
        g_string_append_printf(s, ",%lld,", (long long)sqlite3_column_int64(st, 2));
        ts_csv_text(s, (const char *)sqlite3_column_text(st, 3));
        g_string_append_printf(s, ",%lld", (long long)sqlite3_column_int64(st, 4));
        for (int c = 5; c <= 9; c++) {
            g_string_append_c(s, ',');
            ts_csv_double(s, col_real(st, c));
        }
        g_string_append_c(s, ',');
        ts_csv_text(s, (const char *)sqlite3_column_text(st, 10));
        g_string_append_printf(s, ",%lld,%lld", (long long)sqlite3_column_int64(st, 11),
                               (long long)sqlite3_column_int64(st, 12));
        if (d->des) {
            const double dc = col_real(st, 14), ac = col_real(st, 6);
            const double dv[] = {dc, col_real(st, 15), col_real(st, 16),
                                 ac > 0 ? dc / ac - 1.0 : NAN};
            for (guint k = 0; k < G_N_ELEMENTS(dv); k++) {
                g_string_append_c(s, ',');
                ts_csv_double(s, dv[k]);
            }
            g_string_append_c(s, ',');
            ts_csv_text(s, (const char *)sqlite3_column_text(st, 17));
            g_string_append_c(s, ',');
            ts_csv_text(s, (const char *)sqlite3_column_text(st, 18));
        }
        g_string_append_c(s, '\n');
        out_put(&o, s);
    }
    sqlite3_finalize(st);
    return out_close(&o, error);
}

static void json_op(JsonBuilder *b, sqlite3_stmt *st, gboolean des)
{
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", (const char *)sqlite3_column_text(st, 1));
    ts_json_member_int(b, "count", sqlite3_column_int64(st, 2));
    ts_json_member_string(b, "kind", (const char *)sqlite3_column_text(st, 3));
    ts_json_member_int(b, "macs", sqlite3_column_int64(st, 4));
    static const char *const reals[] = {"energy_pj", "cycles", "latency_s", "utilization",
                                        "edp_j_cycles"};
    for (int c = 0; c < 5; c++)
        ts_json_member_double(b, reals[c], col_real(st, 5 + c));
    ts_json_member_string(b, "bound", (const char *)sqlite3_column_text(st, 10));
    ts_json_member_int(b, "evaluated", sqlite3_column_int64(st, 11));
    ts_json_member_int(b, "valid", sqlite3_column_int64(st, 12));
    ts_json_member_string(b, "mapping", (const char *)sqlite3_column_text(st, 13));
    if (des) {
        json_builder_set_member_name(b, "des");
        json_builder_begin_object(b);
        const double dc = col_real(st, 14), ac = col_real(st, 6);
        ts_json_member_double(b, "cycles", dc);
        ts_json_member_double(b, "latency_s", col_real(st, 15));
        ts_json_member_double(b, "energy_pj", col_real(st, 16));
        ts_json_member_double(b, "diff", ac > 0 ? dc / ac - 1.0 : NAN);
        ts_json_member_string(b, "bound", (const char *)sqlite3_column_text(st, 17));
        ts_json_member_string(b, "not_run", (const char *)sqlite3_column_text(st, 18));
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

/* One JSON object per point; its ops come from a cursor over op_results in point order. */
static gboolean results_jsonl(TsSweepDb *db, const TsExportData *d, const char *dir, GError **error)
{
    sqlite3_stmt *st = ops_query(db, error);
    OutFile o;
    if (st == NULL || !out_open(&o, dir, "results.jsonl", error)) {
        sqlite3_finalize(st);
        return FALSE;
    }
    g_autoptr(TsJsonGenerator) gen = json_generator_new();
    g_autoptr(GString) s = g_string_new(NULL);
    gboolean have = sqlite3_step(st) == SQLITE_ROW;
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        g_autoptr(TsJsonBuilder) b = json_builder_new();
        json_builder_begin_object(b);
        ts_json_member_int(b, "id", r->id);
        json_builder_set_member_name(b, "params");
        json_builder_begin_object(b);
        for (guint k = 0; k < d->n_params; k++) {
            json_builder_set_member_name(b, d->param_names[k]);
            if (r->values[k] == NULL)
                json_builder_add_null_value(b);
            else if (r->is_number[k] && r->numbers[k] == floor(r->numbers[k]) &&
                     fabs(r->numbers[k]) < 9e15)
                json_builder_add_int_value(b, (gint64)r->numbers[k]);
            else if (r->is_number[k])
                json_builder_add_double_value(b, r->numbers[k]);
            else
                json_builder_add_string_value(b, r->values[k]);
        }
        json_builder_end_object(b);
        ts_json_member_string(b, "status", ts_sweep_status_name(r->status));
        ts_json_member_string(b, "reason", r->reason);
        json_builder_set_member_name(b, "pareto");
        json_builder_add_boolean_value(b, r->pareto);
        json_builder_set_member_name(b, "totals");
        json_builder_begin_object(b);
        double v[G_N_ELEMENTS(kTotals)];
        row_totals(r, v);
        for (guint k = 0; k < G_N_ELEMENTS(kTotals); k++)
            ts_json_member_double(b, kTotals[k], v[k]);
        json_builder_end_object(b);
        if (d->des) {
            json_builder_set_member_name(b, "des");
            json_builder_begin_object(b);
            double dv[G_N_ELEMENTS(kDesTotals)];
            row_des_totals(r, dv);
            static const char *const names[] = {"cycles", "latency_s", "energy_pj", "diff"};
            for (guint k = 0; k < G_N_ELEMENTS(dv); k++)
                ts_json_member_double(b, names[k], dv[k]);
            ts_json_member_string(b, "bound", r->des_bound);
            ts_json_member_string(b, "not_run", r->des_not_run);
            if (r->des_events > 0)
                ts_json_member_int(b, "events", r->des_events);
            else
                ts_json_member_double(b, "events", NAN);
            json_builder_end_object(b);
        }
        json_builder_set_member_name(b, "ops");
        json_builder_begin_array(b);
        while (have && sqlite3_column_int64(st, 0) < r->id)
            have = sqlite3_step(st) == SQLITE_ROW;
        while (have && sqlite3_column_int64(st, 0) == r->id) {
            json_op(b, st, d->des);
            have = sqlite3_step(st) == SQLITE_ROW;
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
        g_autoptr(TsJsonNode) root = json_builder_get_root(b);
        json_generator_set_root(gen, root);
        g_autofree char *line = ts_json_repair_numbers(json_generator_to_data(gen, NULL));
        g_string_append(s, line);
        g_string_append_c(s, '\n');
        out_put(&o, s);
    }
    sqlite3_finalize(st);
    return out_close(&o, error);
}

/* ---- Summary ------------------------------------------------------------------------------ */

static int by_rank(gconstpointer a, gconstpointer b, gpointer data)
{
    const TsExportData *sort_data = data;
    const TsExportRow *x = *(TsExportRow *const *)a, *y = *(TsExportRow *const *)b;
    double p = x->v[sort_data->rank], q = y->v[sort_data->rank];
    gboolean fp = isfinite(p), fq = isfinite(q);
    if (fp != fq)
        return fp ? -1 : 1;
    if (fp && p != q)
        return p < q ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void pad(GString *s, const char *text, guint width, gboolean right)
{
    glong n = g_utf8_strlen(text, -1);
    if (right)
        for (glong i = n; i < (glong)width; i++)
            g_string_append_c(s, ' ');
    g_string_append(s, text);
    if (!right)
        for (glong i = n; i < (glong)width; i++)
            g_string_append_c(s, ' ');
}

static char *fmt_group(double v, int decimals)
{
    if (!isfinite(v))
        return g_strdup("-");
    g_autofree char *raw = g_strdup_printf("%.*f", decimals, v);
    GString *s = g_string_new(NULL);
    const char *dot = strchr(raw, '.');
    gsize int_len = dot ? (gsize)(dot - raw) : strlen(raw);
    gsize start = raw[0] == '-' ? 1 : 0;
    g_string_append_len(s, raw, (gssize)start);
    for (gsize i = start; i < int_len; i++) {
        if (i > start && (int_len - i) % 3 == 0)
            g_string_append_c(s, ',');
        g_string_append_c(s, raw[i]);
    }
    if (dot)
        g_string_append(s, dot);
    return g_string_free(s, FALSE);
}

/* Table of the usable points ranked by the rank objective (at most limit rows; 0 = all). */
static void table(GString *s, const TsExportData *d, GPtrArray *ranked, guint limit)
{
    GPtrArray *heads = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cells = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    g_ptr_array_add(heads, g_strdup("#"));
    for (guint k = 0; k < d->n_params; k++)
        if (d->param_varies[k])
            g_ptr_array_add(heads, g_strdup(d->param_names[k]));
    const char *fixed[] = {"energy (uJ)", "cycles", "utilization", "EDP (J x cycles)", "Pareto"};
    for (guint i = 0; i < G_N_ELEMENTS(fixed); i++) {
        g_ptr_array_add(heads, g_strdup(fixed[i]));
        if (d->des && i == 1) {
            g_ptr_array_add(heads, g_strdup("DES cycles"));
            g_ptr_array_add(heads, g_strdup("DES vs model"));
        }
    }
    for (guint i = 0; i < d->n_op_names; i++)
        g_ptr_array_add(heads, g_strdup_printf("%s cycles", d->op_names[i]));
    guint n = limit ? MIN(limit, ranked->len) : ranked->len;
    for (guint i = 0; i < n; i++) {
        const TsExportRow *r = ranked->pdata[i];
        GPtrArray *row = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(row, g_strdup_printf("%" G_GINT64_FORMAT, r->id));
        for (guint k = 0; k < d->n_params; k++)
            if (d->param_varies[k])
                g_ptr_array_add(row, g_strdup(r->values[k] ? r->values[k] : "-"));
        g_ptr_array_add(row, fmt_group(r->v[TS_SWEEP_OBJ_ENERGY] * 1e-6, 3));
        g_ptr_array_add(row, fmt_group(r->v[TS_SWEEP_OBJ_CYCLES], 0));
        if (d->des) {
            g_ptr_array_add(row, fmt_group(r->v[TS_SWEEP_OBJ_DES_CYCLES], 0));
            g_ptr_array_add(row, isfinite(r->des_diff)
                                     ? g_strdup_printf("%+.1f%%", 100.0 * r->des_diff)
                                     : g_strdup("-"));
        }
        g_ptr_array_add(row, g_strdup_printf("%.3f", r->utilization));
        double edp = r->v[TS_SWEEP_OBJ_EDP];
        g_ptr_array_add(row, fabs(edp) < 1e9 ? fmt_group(edp, 1) : g_strdup_printf("%.4g", edp));
        g_ptr_array_add(row, g_strdup(r->pareto ? "*" : ""));
        for (guint j = 0; j < d->n_op_names; j++)
            g_ptr_array_add(row, fmt_group(r->op_cycles ? r->op_cycles[j] : NAN, 0));
        g_ptr_array_add(cells, row);
    }
    guint *width = g_new0(guint, heads->len);
    for (guint c = 0; c < heads->len; c++) {
        width[c] = (guint)g_utf8_strlen(heads->pdata[c], -1);
        for (guint i = 0; i < cells->len; i++)
            width[c] =
                MAX(width[c], (guint)g_utf8_strlen(((GPtrArray *)cells->pdata[i])->pdata[c], -1));
    }
    for (guint c = 0; c < heads->len; c++) {
        g_string_append(s, c ? "  " : "  ");
        pad(s, heads->pdata[c], width[c], c > 0);
    }
    g_string_append_c(s, '\n');
    for (guint i = 0; i < cells->len; i++) {
        GPtrArray *row = cells->pdata[i];
        for (guint c = 0; c < heads->len; c++) {
            g_string_append(s, "  ");
            pad(s, row->pdata[c], width[c], c > 0);
        }
        g_string_append_c(s, '\n');
    }
    if (n < ranked->len)
        g_string_append_printf(s, "  ... %u more in summary.txt and results.csv\n",
                               ranked->len - n);
    g_free(width);
    g_ptr_array_unref(heads);
    g_ptr_array_unref(cells);
}

static void point_text(GString *s, const TsExportData *d, const TsExportRow *r)
{
    g_string_append_printf(s, "point %" G_GINT64_FORMAT " (", r->id);
    guint shown = 0;
    for (guint k = 0; k < d->n_params; k++) {
        if (!d->param_varies[k] && d->rows->len > 1)
            continue;
        g_string_append_printf(s, "%s%s=%s", shown++ ? ", " : "", d->param_names[k],
                               r->values[k] ? r->values[k] : "-");
    }
    g_string_append(s, ")");
}

/* A parameter whose values never change a result: among ok points that differ only in it,
 * energy and cycles are always equal (keys the model does not read, e.g. an attribute a
 * Timeloop architecture keeps without interpreting it). */
static void no_effect_notes(GString *s, const TsExportData *d)
{
    for (guint k = 0; k < d->n_params; k++) {
        if (!d->param_varies[k])
            continue;
        GHashTable *groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        gboolean compared = FALSE, changed = FALSE;
        for (guint i = 0; i < d->rows->len && !changed; i++) {
            const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
            if (r->status != TS_SWEEP_OK)
                continue;
            GString *key = g_string_new(NULL);
            for (guint j = 0; j < d->n_params; j++)
                if (j != k)
                    g_string_append_printf(key, "%s\x1f", r->values[j] ? r->values[j] : "");
            const TsExportRow *first = g_hash_table_lookup(groups, key->str);
            if (first == NULL) {
                g_hash_table_insert(groups, g_string_free(key, FALSE), (gpointer)r);
                continue;
            }
            g_string_free(key, TRUE);
            if (g_strcmp0(first->values[k], r->values[k]) == 0)
                continue;
            compared = TRUE;
            changed = first->v[TS_SWEEP_OBJ_ENERGY] != r->v[TS_SWEEP_OBJ_ENERGY] ||
                      first->v[TS_SWEEP_OBJ_CYCLES] != r->v[TS_SWEEP_OBJ_CYCLES];
        }
        g_hash_table_destroy(groups);
        if (compared && !changed)
            g_string_append_printf(s,
                                   "  note: points that differ only in %s (%s) have identical "
                                   "energy and cycles: the model does not see what it sets\n",
                                   d->param_names[k], d->param_kinds[k]);
    }
}

/* The reason grouped_reasons lists row r under: with des, an ok point's des_not_run (the ops
 * the DES left out and why); else an invalid or unmapped point's reason. NULL: none. */
static const char *row_reason(const TsExportRow *r, gboolean des)
{
    if (des)
        return r->status == TS_SWEEP_OK ? r->des_not_run : NULL;
    return r->status == TS_SWEEP_INVALID || r->status == TS_SWEEP_UNMAPPED ? r->reason : NULL;
}

/* One line per distinct (status, reason) among the points row_reason lists, in the order of
 * their first point, with the count and the first 12 ids. */
static void grouped_reasons(GString *s, const TsExportData *d, gboolean des)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        const char *reason = row_reason(r, des);
        if (reason == NULL || g_hash_table_contains(seen, reason))
            continue;
        g_hash_table_add(seen, (gpointer)reason);
        GString *ids = g_string_new(NULL);
        guint n = 0;
        for (guint j = i; j < d->rows->len; j++) {
            const TsExportRow *q = &g_array_index(d->rows, TsExportRow, j);
            if (q->status == r->status && g_strcmp0(row_reason(q, des), reason) == 0) {
                if (n < 12)
                    g_string_append_printf(ids, "%s%" G_GINT64_FORMAT, n ? ", " : "", q->id);
                n++;
            }
        }
        g_string_append_printf(s, "  %s: %u point%s (%s%s): %s\n",
                               des ? "no DES totals" : ts_sweep_status_name(r->status), n,
                               n == 1 ? "" : "s", ids->str, n > 12 ? ", ..." : "", reason);
        g_string_free(ids, TRUE);
    }
    g_hash_table_destroy(seen);
}

static void summary(GString *s, const TsExportData *d, guint n_front, guint limit)
{
    guint counts[4] = {0};
    GPtrArray *ranked = g_ptr_array_new();
    for (guint i = 0; i < d->rows->len; i++) {
        TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        counts[r->status]++;
        if (r->status == TS_SWEEP_OK)
            g_ptr_array_add(ranked, r);
    }
    g_ptr_array_sort_with_data(ranked, by_rank, (gpointer)d);
    g_string_append_printf(s,
                           "sweep %s: %u points: %u ok, %u invalid, %u unmapped, %u pending; "
                           "ranked by %s (%s)\n",
                           d->name ? d->name : "?", d->rows->len, counts[TS_SWEEP_OK],
                           counts[TS_SWEEP_INVALID], counts[TS_SWEEP_UNMAPPED],
                           counts[TS_SWEEP_PENDING], ts_sweep_objective_name(d->rank),
                           ts_sweep_objective_unit(d->rank));
    if (d->systolic_folds)
        g_string_append(s, "  model: systolic arrays charge their fold timing (fill and drain) in "
                           "the compute cycles (mapper.systolic_folds, docs/model.md)\n");
    if (ranked->len > 0) {
        g_string_append_c(s, '\n');
        table(s, d, ranked, limit);
        g_string_append_c(s, '\n');
        struct {
            const char *what;
            int obj; /* TsSweepObjective, or -1 for utilization (largest) */
        } best[] = {{"EDP", TS_SWEEP_OBJ_EDP},
                    {"energy", TS_SWEEP_OBJ_ENERGY},
                    {"cycles", TS_SWEEP_OBJ_CYCLES},
                    {"utilization", -1},
                    {"DES cycles", TS_SWEEP_OBJ_DES_CYCLES}};
        for (guint b = 0; b < G_N_ELEMENTS(best) - (d->des ? 0 : 1); b++) {
            const TsExportRow *top = NULL;
            for (guint i = 0; i < ranked->len; i++) {
                const TsExportRow *r = ranked->pdata[i];
                double v = best[b].obj < 0 ? -r->utilization : r->v[best[b].obj];
                if (!isfinite(v))
                    continue;
                double w = top == NULL
                               ? INFINITY
                               : (best[b].obj < 0 ? -top->utilization : top->v[best[b].obj]);
                if (top == NULL || v < w || (v == w && r->id < top->id))
                    top = r;
            }
            g_string_append_printf(s, "  best by %-11s ", best[b].what);
            if (top == NULL) {
                g_string_append(s, "none (no point has every op simulated)\n");
                continue;
            }
            point_text(s, d, top);
            if (best[b].obj < 0)
                g_string_append_printf(s, ": utilization %.4f\n", top->utilization);
            else
                g_string_append_printf(s, ": %.6g %s\n", top->v[best[b].obj],
                                       ts_sweep_objective_unit(best[b].obj));
        }
        g_string_append_printf(s, "  Pareto front on");
        for (guint k = 0; k < d->n_objectives; k++)
            g_string_append_printf(s, "%s %s", k ? "," : "",
                                   ts_sweep_objective_name(d->objectives[k]));
        g_string_append_printf(s, ": %u point%s (pareto.csv)\n", n_front, n_front == 1 ? "" : "s");
    }
    /* invalid and unmapped points, grouped by reason; then the ok points whose DES left an op
     * out (their DES columns are "-"), grouped by what it left out and why */
    grouped_reasons(s, d, FALSE);
    if (d->des)
        grouped_reasons(s, d, TRUE);
    no_effect_notes(s, d);
    if (counts[TS_SWEEP_PENDING])
        g_string_append_printf(s, "  %u points pending: tilesim sweep --resume finishes them\n",
                               counts[TS_SWEEP_PENDING]);
    g_ptr_array_free(ranked, TRUE);
}

gboolean ts_sweep_export(TsSweepDb *db, const char *out_dir, const TsSweepExportOptions *options,
                         GString *out, GError **error)
{
    g_return_val_if_fail(db != NULL && out_dir != NULL, FALSE);
    TsExportData d;
    if (!load(db, &d, error)) {
        data_clear(&d);
        return FALSE;
    }
    guint n_front = mark_pareto(&d);
    g_autoptr(GString) full = g_string_new(NULL);
    summary(full, &d, n_front, 0);
    gboolean ok = results_csv(&d, out_dir, "results.csv", FALSE, error) &&
                  results_csv(&d, out_dir, "pareto.csv", TRUE, error) &&
                  ops_csv(db, &d, out_dir, error) && results_jsonl(db, &d, out_dir, error);
    if (ok) {
        g_autofree char *path = g_build_filename(out_dir, "summary.txt", NULL);
        ok = ts_output_write("--out", path, full->str, (gssize)full->len, error);
    }
    if (ok && options != NULL && options->plots) {
        g_autofree char *dir = g_build_filename(out_dir, "plots", NULL);
        ok = ts_sweep_plots(&d, dir, error);
    }
    if (ok && out != NULL)
        summary(out, &d, n_front, 30);
    data_clear(&d);
    return ok;
}
