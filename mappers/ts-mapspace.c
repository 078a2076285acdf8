/* Map space construction and indexing: per-dimension factorization lists built by divisor
 * recursion under the rules (so every listed factorization already satisfies the per-dimension
 * constraints and per-axis fan-outs), loop-order class tables per level, keep/bypass choices,
 * the size of the space, and the id <-> mapping conversions used by every search driver. */
#include "ts-mapspace.h"

#include <math.h>
#include <string.h>

#include "ts-mapspace-private.h"

/* Factorization lists beyond this many stored factors (all dimensions together) are refused:
 * 32 Mi factors = 128 MiB. */
#define TS_SPACE_MAX_FACTOR_WORDS (32u * 1024u * 1024u)

/* ---- Small helpers ---------------------------------------------------------------------- */

static guint popcount32(uint32_t x)
{
    return (guint)__builtin_popcount(x);
}

static void factor_primes(uint64_t n, uint32_t *primes, guint *n_primes)
{
    *n_primes = 0;
    for (uint64_t p = 2; p * p <= n; p++) {
        if (n % p == 0) {
            primes[(*n_primes)++] = (uint32_t)p;
            while (n % p == 0)
                n /= p;
        }
    }
    if (n > 1)
        primes[(*n_primes)++] = (uint32_t)n;
}

/* ---- Factorization enumeration ---------------------------------------------------------- */

typedef struct {
    const TsMapSpace *space;
    guint dim;
    const uint32_t *divisors;
    guint n_divisors;
    uint32_t cur[TS_SPACE_MAX_SLOTS];
    GArray *out; /* uint32 factors, n_slots per factorization; NULL = count only */
    guint64 count;
    guint64 limit;
    gboolean over;
} FactGen;

static gboolean rule_ok(const TsFactorRule *r, uint32_t v)
{
    if (r->exact != 0 && v != r->exact)
        return FALSE;
    return v >= r->min && v <= r->max;
}

/* Checks the slot just assigned (s) against its own rules; the spatial pair of a level is
 * checked when its last slot is assigned. */
static gboolean slot_ok(FactGen *g, guint s)
{
    const TsMapSpace *sp = g->space;
    guint l = sp->slot_level[s];
    guint d = g->dim;
    const TsLevelRules *lr = &sp->rules.level[l];
    uint32_t v = g->cur[s];
    switch ((TsSlotKind)sp->slot_kind[s]) {
    case TS_SLOT_TEMPORAL:
        if (!rule_ok(&lr->temporal[d], v))
            return FALSE;
        /* a level without spatial slots: its spatial factor is 1 */
        if (sp->slot_x[l] < 0 && !rule_ok(&lr->spatial_x[d], 1))
            return FALSE;
        if (sp->slot_y[l] < 0 && !rule_ok(&lr->spatial_y[d], 1))
            return FALSE;
        if (sp->slot_x[l] < 0 && sp->slot_y[l] < 0 && !rule_ok(&lr->spatial[d], 1))
            return FALSE;
        return TRUE;
    case TS_SLOT_X:
        if (v > sp->arch.level[l].fanout_x || v > lr->spatial[d].max)
            return FALSE;
        if (!rule_ok(&lr->spatial_x[d], v))
            return FALSE;
        if (v > 1 && lr->axis[d] == TS_AXIS_Y)
            return FALSE;
        if (sp->slot_y[l] < 0)
            return rule_ok(&lr->spatial[d], v);
        return TRUE;
    case TS_SLOT_Y: {
        if (v > sp->arch.level[l].fanout_y || !rule_ok(&lr->spatial_y[d], v))
            return FALSE;
        if (v > 1 && lr->axis[d] == TS_AXIS_X)
            return FALSE;
        uint32_t x = sp->slot_x[l] >= 0 ? g->cur[sp->slot_x[l]] : 1;
        if (x > 1 && v > 1 && !lr->both_axes) /* one axis per dimension, as Timeloop */
            return FALSE;
        return rule_ok(&lr->spatial[d], x * v);
    }
    }
    return FALSE;
}

static void gen_rec(FactGen *g, guint s, uint64_t remaining)
{
    const TsMapSpace *sp = g->space;
    if (g->over)
        return;
    if (s == sp->n_slots - 1) {
        if (remaining > G_MAXUINT32)
            return;
        g->cur[s] = (uint32_t)remaining;
        if (!slot_ok(g, s))
            return;
        if (++g->count > g->limit) {
            g->over = TRUE;
            return;
        }
        if (g->out)
            g_array_append_vals(g->out, g->cur, sp->n_slots);
        return;
    }
    for (guint i = 0; i < g->n_divisors; i++) {
        uint32_t v = g->divisors[i];
        if (v > remaining)
            break;
        if (remaining % v != 0)
            continue;
        g->cur[s] = v;
        if (!slot_ok(g, s))
            continue;
        gen_rec(g, s + 1, remaining / v);
        if (g->over)
            return;
    }
}

static char *describe_dim_rules(const TsMapSpace *sp, guint d)
{
    GString *s = g_string_new(NULL);
    for (guint l = 0; l < sp->n_levels; l++) {
        const TsLevelRules *lr = &sp->rules.level[l];
        /* spatial_x / spatial_y: rules of a v0.4 container spanning one axis. */
        const TsFactorRule *rs[4] = {&lr->temporal[d], &lr->spatial[d], &lr->spatial_x[d],
                                     &lr->spatial_y[d]};
        static const char *const kinds[4] = {"temporal", "spatial", "spatial X", "spatial Y"};
        for (guint k = 0; k < 4; k++) {
            const TsFactorRule *r = rs[k];
            if (r->exact == 0 && r->min <= 1 && r->max == G_MAXUINT32)
                continue;
            g_string_append_printf(s, "%s%s %s", s->len ? ", " : "", sp->arch.level[l].name,
                                   kinds[k]);
            if (r->exact)
                g_string_append_printf(s, " %s=%u", sp->op.dim_names[d], r->exact);
            if (r->min > 1)
                g_string_append_printf(s, " %s>=%u", sp->op.dim_names[d], r->min);
            if (r->max != G_MAXUINT32)
                g_string_append_printf(s, " %s<=%u", sp->op.dim_names[d], r->max);
            if (r->where && r->where->doc)
                g_string_append_printf(s, " (%s:%u:%u)", r->where->doc->filename, r->where->line,
                                       r->where->col);
        }
    }
    if (s->len == 0)
        g_string_append(s, "fan-outs only");
    return g_string_free(s, FALSE);
}

/* Divisors of n, ascending. */
static GArray *divisors_of(uint64_t n)
{
    GArray *divs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (uint64_t v = 1; v * v <= n; v++) {
        if (n % v == 0) {
            uint32_t a = (uint32_t)v, b = (uint32_t)(n / v);
            g_array_append_val(divs, a);
            if (b != a)
                g_array_append_val(divs, b);
        }
    }
    /* ascending (insertion sort: a few hundred divisors at most) */
    uint32_t *dv = (uint32_t *)divs->data;
    for (guint i = 1; i < divs->len; i++) {
        uint32_t x = dv[i];
        guint j = i;
        while (j > 0 && dv[j - 1] > x) {
            dv[j] = dv[j - 1];
            j--;
        }
        dv[j] = x;
    }
    return divs;
}

static int compare_rows(gconstpointer a, gconstpointer b, gpointer n_slots)
{
    const uint32_t *x = a, *y = b;
    for (guint s = 0; s < GPOINTER_TO_UINT(n_slots); s++)
        if (x[s] != y[s])
            return x[s] < y[s] ? -1 : 1;
    return 0;
}

/* Imperfect factorizations of dimension g->dim (size n > 1), see ts_mapspace_new_full: for
 * each inner tile T = ceil(n / k) < n and each top slot s, slots before s are 1, slot s holds
 * ceil(n / T) and the slots after s a perfect factorization of T. Sorted afterwards. */
static void gen_imperfect(FactGen *g, uint64_t n)
{
    const TsMapSpace *sp = g->space;
    uint64_t last = 0;
    for (uint64_t k = n; k >= 2 && !g->over; k--) {
        const uint64_t tile = (n + k - 1) / k;
        if (tile == last || tile >= n)
            continue;
        last = tile;
        const uint64_t q = (n + tile - 1) / tile;
        GArray *divs = divisors_of(tile);
        g->divisors = (const uint32_t *)divs->data;
        g->n_divisors = divs->len;
        for (guint s = 0; s < sp->n_slots && !g->over; s++) {
            gboolean ok = TRUE;
            for (guint i = 0; i < s && ok; i++) {
                g->cur[i] = 1;
                ok = slot_ok(g, i);
            }
            g->cur[s] = (uint32_t)q;
            if (!ok || !slot_ok(g, s))
                continue;
            /* The top loop is a dimension's only spatial one at its level. */
            const guint l = sp->slot_level[s];
            const gboolean pair_x = sp->slot_kind[s] == TS_SLOT_X && sp->slot_y[l] >= 0;
            if (s + 1 == sp->n_slots) {
                if (tile == 1 && ++g->count > g->limit)
                    g->over = TRUE;
                else if (tile == 1 && g->out)
                    g_array_append_vals(g->out, g->cur, sp->n_slots);
                continue;
            }
            guint before = g->out ? g->out->len : 0;
            gen_rec(g, s + 1, tile);
            if (g->out && pair_x && n % tile != 0) {
                /* drop ceil rows with the same level's Y factor > 1 under an X top (the nest
                 * order of the two would depend on the containers); perfect rows stay */
                const int ys = pair_x ? sp->slot_y[l] : -1;
                guint w = before;
                for (guint r = before; r < g->out->len; r += sp->n_slots) {
                    const uint32_t *row = &g_array_index(g->out, uint32_t, r);
                    if (ys >= 0 && row[ys] > 1) {
                        g->count--;
                        continue;
                    }
                    if (w != r)
                        memmove(&g_array_index(g->out, uint32_t, w), row,
                                sp->n_slots * sizeof(uint32_t));
                    w += sp->n_slots;
                }
                g_array_set_size(g->out, w);
            }
        }
        g_array_free(divs, TRUE);
    }
    if (g->out && !g->over)
        g_qsort_with_data(g->out->data, (gint)(g->out->len / sp->n_slots),
                          sp->n_slots * sizeof(uint32_t), compare_rows,
                          GUINT_TO_POINTER(sp->n_slots));
}

static gboolean build_factorizations(TsMapSpace *sp, GError **error)
{
    guint64 words = 0;
    for (guint d = 0; d < sp->n_dims; d++) {
        uint64_t n = sp->op.dims[d];
        if (n == 0 || n > G_MAXUINT32) {
            ts_config_error(error, NULL, TS_CONFIG_ERROR_RANGE, NULL,
                            "op %s: dimension %s has size %" G_GUINT64_FORMAT
                            ", outside 1 .. 4294967295",
                            sp->op.name ? sp->op.name : "?", sp->op.dim_names[d], n);
            return FALSE;
        }
        factor_primes(n, sp->primes[d], &sp->n_primes[d]);
        GArray *divs = divisors_of(n);
        FactGen g = {.space = sp,
                     .dim = d,
                     .divisors = (const uint32_t *)divs->data,
                     .n_divisors = divs->len};
        g.limit = (TS_SPACE_MAX_FACTOR_WORDS - words) / sp->n_slots;
        g.out = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        if ((sp->imperfect_dims >> d & 1u) && n > 1)
            gen_imperfect(&g, n);
        else
            gen_rec(&g, 0, n);
        g_array_free(divs, TRUE);
        if (g.over) {
            g_array_free(g.out, TRUE);
            ts_config_error(
                error, NULL, TS_CONFIG_ERROR_LIMIT, NULL,
                "op %s: dimension %s (size %" G_GUINT64_FORMAT ") has more than %" G_GUINT64_FORMAT
                " factorizations over %u slots; too large to index: add factor "
                "constraints",
                sp->op.name ? sp->op.name : "?", sp->op.dim_names[d], n, g.limit, sp->n_slots);
            return FALSE;
        }
        if (g.count == 0) {
            g_array_free(g.out, TRUE);
            g_autofree char *why = describe_dim_rules(sp, d);
            ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                            "op %s: no factorization of dimension %s (size %" G_GUINT64_FORMAT
                            ") satisfies the constraints: %s",
                            sp->op.name ? sp->op.name : "?", sp->op.dim_names[d], n, why);
            return FALSE;
        }
        words += g.count * sp->n_slots;
        sp->n_facts[d] = (uint32_t)g.count;
        sp->facts[d] = (uint32_t *)g_array_free(g.out, FALSE);
        sp->pattern[d] = g_new0(uint16_t, g.count);
        for (uint32_t f = 0; f < g.count; f++) {
            uint16_t pat = 0;
            for (guint l = 0; l < sp->n_levels; l++)
                if (sp->facts[d][(size_t)f * sp->n_slots + (guint)sp->slot_t[l]] > 1)
                    pat |= (uint16_t)(1u << l);
            sp->pattern[d][f] = pat;
        }
    }
    return TRUE;
}

/* ---- Loop-order classes ----------------------------------------------------------------- */

uint64_t ts_mapspace_order_key(const TsMapSpace *sp, const uint8_t *order, guint n)
{
    /* Per tensor whose ranks are single dimensions: the set of loops below its innermost
     * relevant loop (temporal reuse depends on that set only); for a tensor with a sliding
     * window (a rank summing dimensions) the whole order counts. */
    uint64_t key = 0;
    for (guint t = 0; t < sp->n_tensors; t++) {
        if (sp->windowed[t])
            continue;
        uint32_t below = 0;
        for (guint i = 0; i < n; i++) {
            if (sp->relevant[t] & (1u << order[i]))
                break;
            below |= 1u << order[i];
        }
        key |= (uint64_t)below << (8 * t);
    }
    if (sp->any_windowed) {
        uint64_t code = 0;
        for (guint i = 0; i < n; i++)
            code |= (uint64_t)(order[i] & 7u) << (3 * i);
        key |= code << 32;
    }
    return key;
}

static gboolean next_permutation(uint8_t *a, guint n)
{
    if (n < 2)
        return FALSE;
    guint i = n - 1;
    while (i > 0 && a[i - 1] >= a[i])
        i--;
    if (i == 0)
        return FALSE;
    guint j = n - 1;
    while (a[j] <= a[i - 1])
        j--;
    uint8_t t = a[i - 1];
    a[i - 1] = a[j];
    a[j] = t;
    for (guint x = i, y = n - 1; x < y; x++, y--) {
        t = a[x];
        a[x] = a[y];
        a[y] = t;
    }
    return TRUE;
}

static TsOrderTable *build_order_table(const TsMapSpace *sp, const uint8_t *prefix, guint n_prefix,
                                       gboolean single)
{
    guint D = sp->n_dims;
    guint n_masks = 1u << D;
    TsOrderTable *tab = g_new0(TsOrderTable, 1);
    tab->single = single;
    tab->offset = g_new0(uint32_t, n_masks);
    tab->count = g_new0(uint16_t, n_masks);
    GArray *reps = g_array_new(FALSE, FALSE, sizeof(uint8_t));
    GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
    gint64 *keys = g_new(gint64, 40320);
    for (uint32_t mask = 0; mask < n_masks; mask++) {
        uint8_t dims[TS_MAX_DIMS], want[TS_MAX_DIMS];
        guint n = 0, n_want = 0;
        for (guint d = 0; d < D; d++)
            if (mask & (1u << d))
                dims[n++] = (uint8_t)d;
        for (guint i = 0; i < n_prefix; i++)
            if (mask & (1u << prefix[i]))
                want[n_want++] = prefix[i];
        tab->offset[mask] = tab->total;
        g_hash_table_remove_all(seen);
        guint n_keys = 0;
        do {
            if (n_want && memcmp(dims, want, n_want) != 0)
                continue;
            gint64 k = single ? 0 : (gint64)ts_mapspace_order_key(sp, dims, n);
            if (g_hash_table_contains(seen, &k))
                continue;
            keys[n_keys] = k;
            g_hash_table_add(seen, &keys[n_keys]);
            n_keys++;
            uint8_t row[TS_MAX_DIMS] = {0};
            memcpy(row, dims, n);
            g_array_append_vals(reps, row, D);
            tab->count[mask]++;
            tab->total++;
        } while (next_permutation(dims, n));
    }
    g_free(keys);
    g_hash_table_destroy(seen);
    tab->reps = (uint8_t *)g_array_free(reps, FALSE);
    return tab;
}

static void free_order_table(TsOrderTable *tab)
{
    if (tab == NULL)
        return;
    g_free(tab->offset);
    g_free(tab->count);
    g_free(tab->reps);
    g_free(tab);
}

/* ---- Construction ----------------------------------------------------------------------- */

TsMapSpace *ts_mapspace_new(const TsSpaceArch *arch, const TsOp *op, const TsRules *rules,
                            GError **error)
{
    return ts_mapspace_new_full(arch, op, rules, 0, error);
}

uint32_t ts_mapspace_imperfect_dims(const TsMapSpace *space)
{
    g_return_val_if_fail(space != NULL, 0);
    return space->imperfect_dims;
}

TsMapSpace *ts_mapspace_new_full(const TsSpaceArch *arch, const TsOp *op, const TsRules *rules,
                                 uint32_t imperfect_dims, GError **error)
{
    g_return_val_if_fail(arch != NULL && op != NULL, NULL);
    if (op->kind != TS_OP_EINSUM) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s is not an einsum: it has no map space", op->name ? op->name : "?");
        return NULL;
    }
    if (arch->n_levels == 0 || arch->n_levels > TS_ARCH_MAX_LEVELS || op->n_dims == 0 ||
        op->n_dims > TS_MAX_DIMS || op->n_tensors == 0 || op->n_tensors > TS_MAX_TENSORS) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_LIMIT, NULL,
                        "op %s on %u storage levels: need 1..%d levels, 1..%d dimensions and "
                        "1..%d tensors (got %u dimensions, %u tensors)",
                        op->name ? op->name : "?", arch->n_levels, TS_ARCH_MAX_LEVELS, TS_MAX_DIMS,
                        TS_MAX_TENSORS, op->n_dims, op->n_tensors);
        return NULL;
    }
    g_autoptr(TsMapSpace) sp = g_new0(TsMapSpace, 1);
    sp->arch = *arch;
    sp->op = *op;
    sp->n_levels = arch->n_levels;
    sp->n_dims = op->n_dims;
    sp->n_tensors = op->n_tensors;
    sp->imperfect_dims = imperfect_dims & (uint32_t)((1ull << op->n_dims) - 1u);
    if (rules) {
        if (rules->n_levels != sp->n_levels || rules->n_dims != sp->n_dims ||
            rules->n_tensors != sp->n_tensors) {
            ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                            "op %s: constraint rules were resolved for another "
                            "architecture or op",
                            op->name ? op->name : "?");
            return NULL;
        }
        sp->rules = *rules;
    } else {
        ts_rules_init(&sp->rules, arch, op);
    }

    /* Slots: per level T, then X and Y where the fan-out along the axis is > 1. */
    sp->total_fanout = 1.0;
    for (guint l = 0; l < sp->n_levels; l++) {
        const TsSpaceLevel *lv = &arch->level[l];
        sp->slot_t[l] = (int8_t)sp->n_slots;
        sp->slot_level[sp->n_slots] = (uint8_t)l;
        sp->slot_kind[sp->n_slots++] = TS_SLOT_TEMPORAL;
        sp->slot_x[l] = sp->slot_y[l] = -1;
        if (lv->fanout_x > 1) {
            sp->slot_x[l] = (int8_t)sp->n_slots;
            sp->slot_level[sp->n_slots] = (uint8_t)l;
            sp->slot_kind[sp->n_slots++] = TS_SLOT_X;
        }
        if (lv->fanout_y > 1) {
            sp->slot_y[l] = (int8_t)sp->n_slots;
            sp->slot_level[sp->n_slots] = (uint8_t)l;
            sp->slot_kind[sp->n_slots++] = TS_SLOT_Y;
        }
        sp->total_fanout *= (double)MAX(lv->fanout_x, 1u) * (double)MAX(lv->fanout_y, 1u);
    }

    /* Tensors: relevance and sliding windows. */
    for (guint t = 0; t < sp->n_tensors; t++) {
        const TsTensor *tn = &op->tensors[t];
        for (guint r = 0; r < tn->n_ranks; r++) {
            guint terms = 0;
            for (guint i = 0; i < tn->ranks[r].n_terms; i++) {
                if (tn->ranks[r].coef[i] != 0 && tn->ranks[r].dim[i] < sp->n_dims) {
                    sp->relevant[t] |= 1u << tn->ranks[r].dim[i];
                    if (op->dims[tn->ranks[r].dim[i]] > 1)
                        terms++;
                }
            }
            if (terms > 1)
                sp->windowed[t] = TRUE;
        }
        sp->any_windowed |= sp->windowed[t];
    }

    /* Keep choices. The outermost level keeps every tensor not bypassed by a rule. */
    uint8_t all = (uint8_t)((1u << sp->n_tensors) - 1u);
    guint shift = 0;
    for (guint l = 0; l < sp->n_levels; l++) {
        const TsLevelRules *lr = &sp->rules.level[l];
        if (l == 0) {
            /* The outermost level is the backing store: it keeps every tensor unless a
             * constraint bypasses it there (Timeloop's default). */
            sp->keep_forced[0] = (uint8_t)(all & ~lr->bypass);
            sp->keep_free[0] = 0;
        } else {
            sp->keep_forced[l] = lr->keep & all;
            sp->keep_free[l] = (uint8_t)(all & ~lr->keep & ~lr->bypass);
        }
        sp->keep_shift[l] = (uint8_t)shift;
        shift += popcount32(sp->keep_free[l]);
    }
    if (shift > 31) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_LIMIT, NULL,
                        "%u free keep/bypass choices: too many to index (limit 31)", shift);
        return NULL;
    }
    sp->n_keep = 1u << shift;

    if (!build_factorizations(sp, error))
        return NULL;

    /* Order tables: one shared for levels without an order rule. The innermost storage
     * level feeds the arithmetic, which holds nothing: the order of its loops cannot change
     * any reuse, so all its orders form one class. */
    TsOrderTable *shared = NULL;
    for (guint l = 0; l < sp->n_levels; l++) {
        const TsLevelRules *lr = &sp->rules.level[l];
        gboolean innermost = l == sp->n_levels - 1;
        if (lr->n_perm == 0 && !innermost) {
            if (shared == NULL) {
                shared = build_order_table(sp, NULL, 0, FALSE);
                sp->owned[sp->n_owned++] = shared;
            }
            sp->table[l] = shared;
        } else {
            sp->table[l] = build_order_table(sp, lr->perm, lr->n_perm, innermost);
            sp->owned[sp->n_owned++] = sp->table[l];
        }
    }
    return g_steal_pointer(&sp);
}

void ts_mapspace_free(TsMapSpace *space)
{
    if (space == NULL)
        return;
    for (guint d = 0; d < TS_MAX_DIMS; d++) {
        g_free(space->facts[d]);
        g_free(space->pattern[d]);
    }
    for (guint i = 0; i < space->n_owned; i++)
        free_order_table(space->owned[i]);
    g_free(space);
}

/* ---- Accessors -------------------------------------------------------------------------- */

const TsSpaceArch *ts_mapspace_arch(const TsMapSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return &space->arch;
}

const TsOp *ts_mapspace_op(const TsMapSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return &space->op;
}

const TsRules *ts_mapspace_rules(const TsMapSpace *space)
{
    g_return_val_if_fail(space != NULL, NULL);
    return &space->rules;
}

guint ts_mapspace_n_levels(const TsMapSpace *space)
{
    return space->n_levels;
}

guint ts_mapspace_n_dims(const TsMapSpace *space)
{
    return space->n_dims;
}

guint ts_mapspace_n_slots(const TsMapSpace *space)
{
    return space->n_slots;
}

void ts_mapspace_slot(const TsMapSpace *space, guint s, guint *level, TsSlotKind *kind)
{
    g_return_if_fail(space != NULL && s < space->n_slots);
    if (level)
        *level = space->slot_level[s];
    if (kind)
        *kind = (TsSlotKind)space->slot_kind[s];
}

uint32_t ts_mapspace_n_factorizations(const TsMapSpace *space, guint dim)
{
    g_return_val_if_fail(space != NULL && dim < space->n_dims, 0);
    return space->n_facts[dim];
}

const uint32_t *ts_mapspace_factorization(const TsMapSpace *space, guint dim, uint32_t index)
{
    g_return_val_if_fail(space != NULL && dim < space->n_dims, NULL);
    g_return_val_if_fail(index < space->n_facts[dim], NULL);
    return space->facts[dim] + (size_t)index * space->n_slots;
}

int64_t ts_mapspace_find_factorization(const TsMapSpace *space, guint dim, const uint32_t *factors)
{
    g_return_val_if_fail(space != NULL && dim < space->n_dims && factors != NULL, -1);
    guint S = space->n_slots;
    int64_t lo = 0, hi = (int64_t)space->n_facts[dim] - 1;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        const uint32_t *row = space->facts[dim] + (size_t)mid * S;
        int c = 0;
        for (guint s = 0; s < S && c == 0; s++)
            c = row[s] < factors[s] ? -1 : row[s] > factors[s] ? 1 : 0;
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

uint32_t ts_mapspace_n_keep(const TsMapSpace *space)
{
    g_return_val_if_fail(space != NULL, 0);
    return space->n_keep;
}

uint8_t ts_mapspace_keep_mask(const TsMapSpace *space, uint32_t k, guint level)
{
    g_return_val_if_fail(space != NULL && level < space->n_levels, 0);
    return ts_space_keep(space, k, level);
}

guint ts_mapspace_n_orders(const TsMapSpace *space, guint level, uint32_t nonunit_mask)
{
    g_return_val_if_fail(space != NULL && level < space->n_levels, 0);
    g_return_val_if_fail(nonunit_mask < (1u << space->n_dims), 0);
    return space->table[level]->count[nonunit_mask];
}

const uint8_t *ts_mapspace_order(const TsMapSpace *space, guint level, uint32_t nonunit_mask,
                                 guint c)
{
    g_return_val_if_fail(space != NULL && level < space->n_levels, NULL);
    g_return_val_if_fail(nonunit_mask < (1u << space->n_dims), NULL);
    const TsOrderTable *tab = space->table[level];
    g_return_val_if_fail(c < tab->count[nonunit_mask], NULL);
    return tab->reps + ((size_t)tab->offset[nonunit_mask] + c) * space->n_dims;
}

uint32_t ts_mapspace_nonunit_mask(const TsMapSpace *space, const TsMapId *id, guint level)
{
    uint32_t mask = 0;
    for (guint d = 0; d < space->n_dims; d++)
        if (space->pattern[d][id->fact[d]] & (1u << level))
            mask |= 1u << d;
    return mask;
}

/* ---- Size ------------------------------------------------------------------------------- */

typedef unsigned __int128 u128;

static void u128_to_text(u128 v, char *buf, gsize len)
{
    char tmp[48];
    guint n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v && n < sizeof tmp);
    guint i = 0;
    for (; i < n && i + 1 < len; i++)
        buf[i] = tmp[n - 1 - i];
    buf[i] = '\0';
}

void ts_mapspace_size(const TsMapSpace *space, TsSpaceSize *size)
{
    g_return_if_fail(space != NULL && size != NULL);
    memset(size, 0, sizeof *size);
    const TsMapSpace *sp = space;
    guint L = sp->n_levels, D = sp->n_dims;
    /* Group each dimension's factorizations by their pattern of non-unit temporal levels. */
    guint n_pat[TS_MAX_DIMS];
    uint16_t pats[TS_MAX_DIMS][1u << TS_ARCH_MAX_LEVELS];
    double cnt[TS_MAX_DIMS][1u << TS_ARCH_MAX_LEVELS];
    double fact_product = 1.0, combos = 1.0;
    for (guint d = 0; d < D; d++) {
        double *by = g_new0(double, 1u << L);
        for (uint32_t f = 0; f < sp->n_facts[d]; f++)
            by[sp->pattern[d][f]] += 1.0;
        n_pat[d] = 0;
        for (guint p = 0; p < (1u << L); p++) {
            if (by[p] > 0) {
                pats[d][n_pat[d]] = (uint16_t)p;
                cnt[d][n_pat[d]] = by[p];
                n_pat[d]++;
            }
        }
        g_free(by);
        fact_product *= sp->n_facts[d];
        combos *= n_pat[d];
    }
    size->factorizations = fact_product;
    size->keep_choices = sp->n_keep;
    if (combos <= 1e6) {
        /* Exact: sum over pattern combinations of (product of counts) x (orders per level). */
        guint idx[TS_MAX_DIMS] = {0};
        u128 total = 0;
        double total_d = 0.0;
        gboolean overflow = FALSE;
        for (;;) {
            u128 n = 1;
            double nd = 1.0;
            for (guint d = 0; d < D; d++) {
                n *= (u128)cnt[d][idx[d]];
                nd *= cnt[d][idx[d]];
            }
            for (guint l = 0; l < L; l++) {
                uint32_t mask = 0;
                for (guint d = 0; d < D; d++)
                    if (pats[d][idx[d]] & (1u << l))
                        mask |= 1u << d;
                guint c = sp->table[l]->count[mask];
                n *= c;
                nd *= c;
            }
            if (nd > 1e36)
                overflow = TRUE;
            total += n;
            total_d += nd;
            guint d = D;
            while (d > 0) {
                d--;
                if (++idx[d] < n_pat[d])
                    break;
                idx[d] = 0;
                if (d == 0)
                    goto done;
            }
            if (D == 0)
                break;
        }
    done:
        total_d *= sp->n_keep;
        total *= sp->n_keep;
        size->exact = TRUE;
        size->log10 = log10(total_d);
        if (!overflow && total_d < 1e36)
            u128_to_text(total, size->text, sizeof size->text);
        else
            g_snprintf(size->text, sizeof size->text, "~%.3g", total_d);
    } else {
        /* Lower bound: every factorization has at least one order per level. */
        double lb = fact_product * sp->n_keep;
        size->exact = FALSE;
        size->log10 = log10(lb);
        g_snprintf(size->text, sizeof size->text, ">= %.3g", lb);
    }
}

/* ---- Points ----------------------------------------------------------------------------- */

TsEvalStatus ts_mapspace_spatial_status(const TsMapSpace *space, const TsMapId *id)
{
    const TsMapSpace *sp = space;
    double used_all = 1.0;
    for (guint l = 0; l < sp->n_levels; l++) {
        uint64_t px = 1, py = 1;
        if (sp->slot_x[l] >= 0)
            for (guint d = 0; d < sp->n_dims; d++)
                px *= ts_space_factor(sp, d, id->fact[d], sp->slot_x[l]);
        if (sp->slot_y[l] >= 0)
            for (guint d = 0; d < sp->n_dims; d++)
                py *= ts_space_factor(sp, d, id->fact[d], sp->slot_y[l]);
        const TsSpaceLevel *lv = &sp->arch.level[l];
        if (px > MAX(lv->fanout_x, 1u) || py > MAX(lv->fanout_y, 1u))
            return TS_EVAL_FANOUT;
        double used = (double)px * (double)py;
        double min_u = sp->rules.level[l].min_spatial_utilization;
        if (min_u > 0 &&
            used < min_u * (double)MAX(lv->fanout_x, 1u) * (double)MAX(lv->fanout_y, 1u) - 1e-9)
            return TS_EVAL_UTILIZATION;
        used_all *= used;
    }
    if (sp->rules.min_compute_utilization > 0 &&
        used_all < sp->rules.min_compute_utilization * sp->total_fanout - 1e-9)
        return TS_EVAL_UTILIZATION;
    return TS_EVAL_OK;
}

gboolean ts_mapspace_fanout_ok(const TsMapSpace *space, const TsMapId *id)
{
    return ts_mapspace_spatial_status(space, id) == TS_EVAL_OK;
}

gboolean ts_mapspace_build(const TsMapSpace *space, const TsMapId *id, TsMapping *m)
{
    const TsMapSpace *sp = space;
    guint D = sp->n_dims, L = sp->n_levels;
    memset(m, 0, sizeof *m);
    m->n_levels = (uint8_t)L;
    m->n_dims = (uint8_t)D;
    for (guint l = 0; l < L; l++) {
        TsMappingLevel *ml = &m->level[l];
        uint32_t nonunit = 0;
        for (guint d = 0; d < TS_MAX_DIMS; d++) {
            ml->temporal[d] = ml->spatial_x[d] = ml->spatial_y[d] = 1;
        }
        for (guint d = 0; d < D; d++) {
            const uint32_t *row = sp->facts[d] + (size_t)id->fact[d] * sp->n_slots;
            ml->temporal[d] = row[sp->slot_t[l]];
            if (sp->slot_x[l] >= 0)
                ml->spatial_x[d] = row[sp->slot_x[l]];
            if (sp->slot_y[l] >= 0)
                ml->spatial_y[d] = row[sp->slot_y[l]];
            if (ml->temporal[d] > 1)
                nonunit |= 1u << d;
        }
        const TsOrderTable *tab = sp->table[l];
        guint c = id->perm[l];
        if (c >= tab->count[nonunit])
            return FALSE;
        const uint8_t *rep = tab->reps + ((size_t)tab->offset[nonunit] + c) * D;
        guint n_nonunit = popcount32(nonunit);
        /* Required prefix first (unit loops included, so the order literally matches the
         * constraint), then the representative's other loops, then the remaining unit loops. */
        uint32_t placed = 0;
        guint k = 0;
        const TsLevelRules *lr = &sp->rules.level[l];
        for (guint i = 0; i < lr->n_perm; i++) {
            guint d = lr->perm[i];
            if (d < D && !(placed & (1u << d))) {
                ml->permutation[k++] = (uint8_t)d;
                placed |= 1u << d;
            }
        }
        for (guint i = 0; i < n_nonunit; i++) {
            guint d = rep[i];
            if (!(placed & (1u << d))) {
                ml->permutation[k++] = (uint8_t)d;
                placed |= 1u << d;
            }
        }
        for (guint d = 0; d < D; d++) {
            if (!(placed & (1u << d))) {
                ml->permutation[k++] = (uint8_t)d;
                placed |= 1u << d;
            }
        }
        /* Spatial display order: X loops, then Y loops, then the rest. */
        k = 0;
        placed = 0;
        for (guint pass = 0; pass < 3; pass++) {
            for (guint d = 0; d < D; d++) {
                gboolean take = pass == 0   ? ml->spatial_x[d] > 1
                                : pass == 1 ? ml->spatial_y[d] > 1
                                            : !(placed & (1u << d));
                if (take && !(placed & (1u << d))) {
                    ml->spatial_permutation[k++] = (uint8_t)d;
                    placed |= 1u << d;
                }
            }
        }
        ml->keep = ts_space_keep(sp, id->keep, l);
    }
    return TRUE;
}

gboolean ts_mapspace_locate(const TsMapSpace *space, const TsMapping *m, TsMapId *id)
{
    g_return_val_if_fail(space != NULL && m != NULL && id != NULL, FALSE);
    const TsMapSpace *sp = space;
    guint D = sp->n_dims, L = sp->n_levels;
    if (m->n_levels != L || m->n_dims != D)
        return FALSE;
    memset(id, 0, sizeof *id);
    for (guint d = 0; d < D; d++) {
        uint32_t row[TS_SPACE_MAX_SLOTS];
        for (guint l = 0; l < L; l++) {
            const TsMappingLevel *ml = &m->level[l];
            row[sp->slot_t[l]] = ml->temporal[d];
            if (sp->slot_x[l] >= 0)
                row[sp->slot_x[l]] = ml->spatial_x[d];
            else if (ml->spatial_x[d] != 1)
                return FALSE;
            if (sp->slot_y[l] >= 0)
                row[sp->slot_y[l]] = ml->spatial_y[d];
            else if (ml->spatial_y[d] != 1)
                return FALSE;
        }
        int64_t f = ts_mapspace_find_factorization(sp, d, row);
        if (f < 0)
            return FALSE;
        id->fact[d] = (uint32_t)f;
    }
    uint32_t k = 0;
    for (guint l = 0; l < L; l++) {
        uint8_t keep = m->level[l].keep & (uint8_t)((1u << sp->n_tensors) - 1u);
        if ((keep & sp->keep_forced[l]) != sp->keep_forced[l])
            return FALSE;
        if (keep & ~(sp->keep_forced[l] | sp->keep_free[l]))
            return FALSE;
        guint bit = 0;
        for (guint t = 0; t < sp->n_tensors; t++) {
            if (sp->keep_free[l] & (1u << t)) {
                if (keep & (1u << t))
                    k |= 1u << (sp->keep_shift[l] + bit);
                bit++;
            }
        }
    }
    id->keep = k;
    for (guint l = 0; l < L; l++) {
        uint32_t nonunit = ts_mapspace_nonunit_mask(sp, id, l);
        uint8_t order[TS_MAX_DIMS];
        guint n = 0;
        for (guint i = 0; i < D; i++) {
            guint d = m->level[l].permutation[i];
            if (d >= D)
                return FALSE;
            if (nonunit & (1u << d))
                order[n++] = (uint8_t)d;
        }
        if (n != popcount32(nonunit))
            return FALSE;
        uint64_t key = ts_mapspace_order_key(sp, order, n);
        const TsOrderTable *tab = sp->table[l];
        if (tab->single) {
            id->perm[l] = 0;
            continue;
        }
        gboolean found = FALSE;
        for (guint c = 0; c < tab->count[nonunit]; c++) {
            const uint8_t *rep = tab->reps + ((size_t)tab->offset[nonunit] + c) * D;
            if (ts_mapspace_order_key(sp, rep, n) == key) {
                id->perm[l] = (uint16_t)c;
                found = TRUE;
                break;
            }
        }
        if (!found)
            return FALSE;
    }
    return TRUE;
}

int ts_mapid_compare(const TsMapSpace *space, const TsMapId *a, const TsMapId *b)
{
    for (guint d = 0; d < space->n_dims; d++)
        if (a->fact[d] != b->fact[d])
            return a->fact[d] < b->fact[d] ? -1 : 1;
    if (a->keep != b->keep)
        return a->keep < b->keep ? -1 : 1;
    for (guint l = 0; l < space->n_levels; l++)
        if (a->perm[l] != b->perm[l])
            return a->perm[l] < b->perm[l] ? -1 : 1;
    return 0;
}

char *ts_mapid_to_string(const TsMapSpace *space, const TsMapId *id)
{
    g_return_val_if_fail(space != NULL && id != NULL, NULL);
    GString *s = g_string_new("f=");
    for (guint d = 0; d < space->n_dims; d++)
        g_string_append_printf(s, "%s%u", d ? "." : "", id->fact[d]);
    g_string_append_printf(s, " k=%u p=", id->keep);
    for (guint l = 0; l < space->n_levels; l++)
        g_string_append_printf(s, "%s%u", l ? "." : "", id->perm[l]);
    return g_string_free(s, FALSE);
}
