/* Fusion plans: the attention group's ops in a workload, its intermediates and when each is
 * resident, the fusion level (given or the outermost on-chip level that holds the resident
 * intermediates), the per-op rule and capacity adjustments, the fused cost of its elementwise
 * op, and the fused-against-unfused summary. Schedule and semantics: docs/mapper.md, "Fusion". */
#include "ts-fuse.h"

#include <math.h>
#include <string.h>

/* Group positions and intermediates. */
enum { P_KQV, P_KTQ, P_SOFTMAX, P_VSCORES };
enum { I_Q, I_K, I_V, I_SCORES, I_PROBS };

static const char *const group_ops[TS_FUSE_GROUP_OPS] = {"KQV", "KTQ", "softmax", "VScores"};
static const char *const inter_names[TS_FUSE_INTERMEDIATES] = {"Q", "K", "V", "scores", "probs"};

/* Intermediates resident while the op at each position runs (bit i = intermediate i): KQV
 * produces Q, K and V; KTQ reads K and Q and produces the scores while V waits; softmax turns
 * the scores into probabilities while V waits; VScores reads V and the probabilities. */
static const uint8_t live_at[TS_FUSE_GROUP_OPS] = {
    [P_KQV] = 1u << I_Q | 1u << I_K | 1u << I_V,
    [P_KTQ] = 1u << I_Q | 1u << I_K | 1u << I_V | 1u << I_SCORES,
    [P_SOFTMAX] = 1u << I_V | 1u << I_SCORES | 1u << I_PROBS,
    [P_VSCORES] = 1u << I_V | 1u << I_PROBS,
};
/* Intermediates that are tensors of the op at each position (its tiles hold them). */
static const uint8_t own_at[TS_FUSE_GROUP_OPS] = {
    [P_KQV] = 1u << I_Q | 1u << I_K | 1u << I_V,
    [P_KTQ] = 1u << I_Q | 1u << I_K | 1u << I_SCORES,
    [P_SOFTMAX] = 1u << I_SCORES | 1u << I_PROBS,
    [P_VSCORES] = 1u << I_V | 1u << I_PROBS,
};

struct TsFusePlan {
    char *group;
    guint first;   /* the group's first position: P_KQV, or P_KTQ for attention-scores */
    uint8_t inter; /* the group's intermediates (bit i) */
    guint level;
    const char *level_name;
    gboolean level_given;
    uint64_t capacity_words;
    uint64_t iterations;
    guint index[TS_FUSE_GROUP_OPS]; /* workload indices */
    const TsOp *op[TS_FUSE_GROUP_OPS];
    uint8_t mask[TS_FUSE_GROUP_OPS];       /* intermediate tensor bits of each op */
    TsOp kqv_head;                         /* one head's slice of KQV */
    uint64_t words[TS_FUSE_INTERMEDIATES]; /* at the fusion level, one head */
    uint64_t peak_words;
    guint peak_pos;
    char *choice;
    GPtrArray *notes; /* constraints on intermediates that fusion overrides */
};

const char *const *ts_fuse_group_names(void)
{
    static const char *const names[] = {"attention", "attention-scores", NULL};
    return names;
}

void ts_fuse_plan_free(TsFusePlan *plan)
{
    if (plan == NULL)
        return;
    g_free(plan->group);
    g_free(plan->choice);
    if (plan->notes)
        g_ptr_array_unref(plan->notes);
    g_free(plan);
}

const char *ts_fuse_plan_group(const TsFusePlan *plan)
{
    return plan->group;
}
guint ts_fuse_plan_first(const TsFusePlan *plan)
{
    return plan->first;
}
gboolean ts_fuse_plan_keeps(const TsFusePlan *plan, guint i)
{
    return i < TS_FUSE_INTERMEDIATES && (plan->inter >> i & 1u);
}
guint ts_fuse_plan_level(const TsFusePlan *plan)
{
    return plan->level;
}
const char *ts_fuse_plan_level_name(const TsFusePlan *plan)
{
    return plan->level_name;
}
gboolean ts_fuse_plan_level_given(const TsFusePlan *plan)
{
    return plan->level_given;
}
uint64_t ts_fuse_plan_capacity_words(const TsFusePlan *plan)
{
    return plan->capacity_words;
}
uint64_t ts_fuse_plan_peak_words(const TsFusePlan *plan)
{
    return plan->peak_words;
}
const char *ts_fuse_plan_peak_op(const TsFusePlan *plan)
{
    return group_ops[plan->peak_pos];
}
uint64_t ts_fuse_plan_iterations(const TsFusePlan *plan)
{
    return plan->iterations;
}
const char *ts_fuse_plan_choice(const TsFusePlan *plan)
{
    return plan->choice;
}

guint ts_fuse_plan_n_notes(const TsFusePlan *plan)
{
    return plan->notes->len;
}
const char *ts_fuse_plan_note(const TsFusePlan *plan, guint i)
{
    g_return_val_if_fail(i < plan->notes->len, NULL);
    return g_ptr_array_index(plan->notes, i);
}

/* Records the keep/bypass constraints on the group's intermediates that fusion at level f
 * overrides, resolving constraints for each einsum op of the group. */
static gboolean note_overrides(TsFusePlan *plan, const TsArch *arch,
                               const TsConstraints *constraints, GError **error)
{
    if (constraints == NULL)
        return TRUE;
    TsSpaceArch sa;
    if (!ts_space_arch_from_arch(arch, &sa, error))
        return FALSE;
    for (guint p = plan->first; p < TS_FUSE_GROUP_OPS; p++) {
        const TsOp *op = plan->op[p];
        if (op->kind != TS_OP_EINSUM)
            continue;
        TsRules rules;
        if (!ts_constraints_resolve(constraints, &sa, op, &rules, error))
            return FALSE;
        for (guint l = 0; l <= plan->level; l++) {
            const TsLevelRules *lr = &rules.level[l];
            uint8_t hit = l == plan->level ? (uint8_t)(lr->bypass & plan->mask[p])
                                           : (uint8_t)(lr->keep & plan->mask[p]);
            for (guint t = 0; t < op->n_tensors; t++) {
                if (!(hit >> t & 1u))
                    continue;
                g_ptr_array_add(
                    plan->notes,
                    g_strdup_printf("--fuse: op %s: the constraint that %s %s at %s is "
                                    "overridden: the fused group keeps its intermediates at %s",
                                    op->name, l == plan->level ? "bypasses" : "keeps",
                                    op->tensors[t].name, ts_arch_storage(arch, l)->name,
                                    plan->level_name));
            }
        }
    }
    return TRUE;
}

const char *ts_fuse_plan_intermediate(const TsFusePlan *plan, guint i, uint64_t *words)
{
    g_return_val_if_fail(i < TS_FUSE_INTERMEDIATES, NULL);
    if (words)
        *words = plan->words[i];
    return inter_names[i];
}

static int position_of(const TsFusePlan *plan, guint workload_index)
{
    for (guint p = 0; p < TS_FUSE_GROUP_OPS; p++)
        if (plan->index[p] == workload_index)
            return (int)p;
    return -1;
}

const TsOp *ts_fuse_plan_op(const TsFusePlan *plan, guint workload_index)
{
    int p = position_of(plan, workload_index);
    return p < 0 ? NULL : plan->op[p];
}

uint8_t ts_fuse_plan_intermediates(const TsFusePlan *plan, guint workload_index)
{
    int p = position_of(plan, workload_index);
    return p < 0 ? 0 : plan->mask[p];
}

/* Sets a TS_CONFIG_ERROR without a file position and evaluates to FALSE. */
#define fail(error, code, ...) (ts_config_error((error), NULL, (code), NULL, __VA_ARGS__), FALSE)

/* Words n elements of precision bits take in one word of word_bits (packed when narrower, as
 * the model packs them). */
static uint64_t words_of(uint64_t n, uint32_t bits, uint32_t word_bits)
{
    if (word_bits == 0 || bits == 0)
        return n;
    if (bits <= word_bits) {
        uint64_t per = word_bits / bits;
        return (n + per - 1) / per;
    }
    return n * ((bits + word_bits - 1) / word_bits);
}

/* Words of intermediates resident at level while the op at position p runs, and the part the
 * op's own tiles do not hold. */
static uint64_t resident_words(const TsFusePlan *plan, guint p, gboolean others_only)
{
    uint64_t w = 0;
    uint8_t set = others_only ? (uint8_t)(live_at[p] & ~own_at[p]) : live_at[p];
    set &= plan->inter;
    for (guint i = 0; i < TS_FUSE_INTERMEDIATES; i++)
        if (set >> i & 1u)
            w += plan->words[i];
    return w;
}

static void set_words(TsFusePlan *plan, const TsLevel *lv)
{
    const TsOp *ktq = plan->op[P_KTQ], *vs = plan->op[P_VSCORES];
    uint32_t wb = lv->word_bits;
    plan->words[I_K] = words_of(ts_op_tensor_elements(ktq, 0), ktq->tensors[0].precision.bits, wb);
    plan->words[I_Q] = words_of(ts_op_tensor_elements(ktq, 1), ktq->tensors[1].precision.bits, wb);
    plan->words[I_SCORES] =
        words_of(ts_op_tensor_elements(ktq, 2), ktq->tensors[2].precision.bits, wb);
    plan->words[I_V] = words_of(ts_op_tensor_elements(vs, 0), vs->tensors[0].precision.bits, wb);
    plan->words[I_PROBS] =
        words_of(ts_op_tensor_elements(vs, 1), vs->tensors[1].precision.bits, wb);
    plan->peak_words = 0;
    plan->peak_pos = plan->first;
    for (guint p = plan->first; p < TS_FUSE_GROUP_OPS; p++) {
        uint64_t w = resident_words(plan, p, FALSE);
        if (w > plan->peak_words) {
            plan->peak_words = w;
            plan->peak_pos = p;
        }
    }
}

/* Finds the group's ops in order and checks that KQV splits into per-head slices. */
static gboolean find_ops(TsFusePlan *plan, const TsWorkload *workload, GError **error)
{
    guint n = ts_workload_n_ops(workload), next = 0;
    for (guint p = 0; p < TS_FUSE_GROUP_OPS; p++) {
        guint i = next;
        while (i < n && g_strcmp0(ts_workload_op(workload, i)->name, group_ops[p]) != 0)
            i++;
        if (i == n)
            return fail(error, TS_CONFIG_ERROR_REFERENCE,
                        "--fuse %s: workload %s has no op %s%s (the group is KQV, KTQ, softmax, "
                        "VScores in this order)",
                        plan->group, ts_workload_name(workload), group_ops[p],
                        p > 0 ? " after the group's previous op" : "");
        plan->index[p] = i;
        plan->op[p] = ts_workload_op(workload, i);
        next = i + 1;
    }
    const TsOp *kqv = plan->op[P_KQV], *ktq = plan->op[P_KTQ], *sm = plan->op[P_SOFTMAX],
               *vs = plan->op[P_VSCORES];
    if (kqv->kind != TS_OP_EINSUM || ktq->kind != TS_OP_EINSUM || vs->kind != TS_OP_EINSUM)
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse %s: KQV, KTQ and VScores must be einsums (a LUT-NN KQV cannot be "
                    "split per head)",
                    plan->group);
    int ke = ts_op_find_dim(ktq, "E"), kd = ts_op_find_dim(ktq, "D"), kl = ts_op_find_dim(ktq, "L");
    int qd = ts_op_find_dim(kqv, "D"), ql = ts_op_find_dim(kqv, "L"), qe = ts_op_find_dim(kqv, "E");
    int si = ts_op_find_tensor(sm, "Inputs"), so = ts_op_find_tensor(sm, "Outputs");
    if (ke < 0 || kd < 0 || kl < 0 || qd < 0 || ql < 0 || qe < 0 || si < 0 || so < 0 ||
        ktq->n_tensors != 3 || vs->n_tensors != 3 || kqv->n_tensors != 3)
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse %s: the ops are not in the transformer builder's D/E/L form "
                    "(Weights, Inputs, Outputs; softmax Inputs -> Outputs)",
                    plan->group);
    uint64_t head_dim = ktq->dims[ke], keys = ktq->dims[kd], queries = ktq->dims[kl];
    uint64_t iters = MAX(ktq->count, (uint64_t)1);
    if (keys != queries)
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse %s: KTQ attends %" G_GUINT64_FORMAT " keys with %" G_GUINT64_FORMAT
                    " queries; fusion keeps K and V produced by KQV on chip, which needs a "
                    "prefill (keys = queries), not a decode over a KV cache",
                    plan->group, keys, queries);
    if (kqv->dims[qd] * kqv->dims[ql] != iters * 3 * head_dim * queries ||
        kqv->dims[qd] % (3 * head_dim) != 0 || kqv->dims[ql] % queries != 0 ||
        sm->count != ktq->count || vs->count != ktq->count)
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse %s: KQV (D %" G_GUINT64_FORMAT " x L %" G_GUINT64_FORMAT
                    ") does not split into %" G_GUINT64_FORMAT
                    " per-head slices of 3 x %" G_GUINT64_FORMAT " features x %" G_GUINT64_FORMAT
                    " tokens matching KTQ, softmax and VScores",
                    plan->group, kqv->dims[qd], kqv->dims[ql], iters, head_dim, queries);
    plan->iterations = iters;
    plan->kqv_head = *kqv;
    plan->kqv_head.dims[qd] = 3 * head_dim;
    plan->kqv_head.dims[ql] = queries;
    plan->kqv_head.count = iters;
    plan->kqv_head.macs = plan->kqv_head.dims[qd] * plan->kqv_head.dims[ql] * kqv->dims[qe];
    plan->kqv_head.param_elements = kqv->param_elements / MAX(kqv->dims[qd] / (3 * head_dim), 1);
    plan->mask[P_SOFTMAX] = (uint8_t)(1u << si | 1u << so);
    if (plan->first == P_KTQ) {
        /* KQV stays a layer op: Q, K and V go through DRAM; scores and probabilities stay */
        plan->index[P_KQV] = G_MAXUINT;
        plan->mask[P_KQV] = 0;
        plan->mask[P_KTQ] = (uint8_t)(1u << ktq->output);
        plan->mask[P_VSCORES] = (uint8_t)(1u << ts_op_find_tensor(vs, "Inputs"));
        plan->inter = 1u << I_SCORES | 1u << I_PROBS;
        return TRUE;
    }
    plan->inter = (1u << TS_FUSE_INTERMEDIATES) - 1u;
    plan->op[P_KQV] = &plan->kqv_head;
    plan->mask[P_KQV] = (uint8_t)(1u << kqv->output);
    plan->mask[P_KTQ] = 0x7;
    plan->mask[P_VSCORES] =
        (uint8_t)(1u << ts_op_find_tensor(vs, "Weights") | 1u << ts_op_find_tensor(vs, "Inputs"));
    return TRUE;
}

TsFusePlan *ts_fuse_plan_new(const TsArch *arch, const TsWorkload *workload,
                             const TsConstraints *constraints, const char *group,
                             const char *level_name, GError **error)
{
    g_return_val_if_fail(arch != NULL && workload != NULL && group != NULL, NULL);
    if (!g_strv_contains(ts_fuse_group_names(), group)) {
        g_autofree char *hint = ts_config_suggest(group, ts_fuse_group_names());
        ts_config_error(
            error, NULL, TS_CONFIG_ERROR_REFERENCE, NULL,
            "--fuse: unknown group '%s'%s; groups: attention, attention-scores (or auto)", group,
            hint);
        return NULL;
    }
    g_autoptr(TsFusePlan) plan = g_new0(TsFusePlan, 1);
    plan->group = g_strdup(group);
    plan->first = strcmp(group, "attention-scores") == 0 ? P_KTQ : P_KQV;
    plan->notes = g_ptr_array_new_with_free_func(g_free);
    if (!find_ops(plan, workload, error))
        return NULL;
    guint ns = ts_arch_n_storage(arch);
    if (ns < 2) {
        ts_config_error(
            error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
            "--fuse %s: architecture %s has no on-chip storage level below %s to keep the "
            "intermediates",
            group, ts_arch_name(arch), ns ? ts_arch_storage(arch, 0)->name : "its backing store");
        return NULL;
    }
    if (level_name != NULL) {
        guint l = 0;
        while (l < ns && g_strcmp0(ts_arch_storage(arch, l)->name, level_name) != 0)
            l++;
        if (l == ns) {
            const char **names = g_new0(const char *, ns + 1);
            GString *all = g_string_new(NULL);
            for (guint k = 0; k < ns; k++) {
                names[k] = ts_arch_storage(arch, k)->name;
                g_string_append_printf(all, "%s%s", k ? ", " : "", names[k]);
            }
            g_autofree char *hint = ts_config_suggest(level_name, (const char *const *)names);
            ts_config_error(
                error, NULL, TS_CONFIG_ERROR_REFERENCE, NULL,
                "--fuse-level: architecture %s has no storage level '%s'%s; its levels are %s",
                ts_arch_name(arch), level_name, hint, all->str);
            g_string_free(all, TRUE);
            g_free(names);
            return NULL;
        }
        if (l == 0) {
            ts_config_error(
                error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                "--fuse-level %s: the outermost level is the backing store the fusion keeps "
                "the intermediates out of; name an on-chip level below it",
                level_name);
            return NULL;
        }
    }
    GString *choice = g_string_new(NULL);
    gboolean found = FALSE;
    for (guint l = 1; l < ns && !found; l++) {
        const TsLevel *lv = ts_arch_storage(arch, l);
        if (level_name != NULL && g_strcmp0(lv->name, level_name) != 0)
            continue;
        set_words(plan, lv);
        double mb = lv->multiple_buffering > 1.0 ? lv->multiple_buffering : 1.0;
        uint64_t cap = lv->size_words ? (uint64_t)floor((double)lv->size_words / mb) : 0;
        gboolean fits = !lv->zero_capacity && (cap == 0 || plan->peak_words <= cap);
        g_string_append_printf(choice, "%s%s: needs %" G_GUINT64_FORMAT " words (during %s)%s",
                               choice->len ? "; " : "", lv->name, plan->peak_words,
                               group_ops[plan->peak_pos], "");
        if (lv->zero_capacity)
            g_string_append(choice, ", no capacity");
        else if (cap == 0)
            g_string_append(choice, ", capacity unbounded");
        else
            g_string_append_printf(choice, ", capacity %" G_GUINT64_FORMAT, cap);
        if (fits) {
            found = TRUE;
            plan->level = l;
            plan->level_name = lv->name;
            plan->capacity_words = cap;
        }
    }
    plan->choice = g_string_free(choice, FALSE);
    plan->level_given = level_name != NULL;
    if (!found) {
        ts_config_error(
            error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
            "--fuse %s: refused: %s hold the intermediates the group keeps resident, one "
            "head at a time (Q, K, V, scores and probabilities of one of %" G_GUINT64_FORMAT
            " heads x batch; %s). Tiling the queries within a head is not modelled: use a "
            "shorter --seq, a narrower --precision or an architecture with a larger buffer",
            group, level_name ? "the given level cannot" : "no on-chip level can", plan->iterations,
            plan->choice);
        return NULL;
    }
    if (!note_overrides(plan, arch, constraints, error))
        return NULL;
    return g_steal_pointer(&plan);
}

/* Sets a factor rule to exactly 1, or fails when a constraint requires more. */
static gboolean force_one(TsFactorRule *r, const char *level, const char *kind, const char *dim,
                          const char *op, GError **error)
{
    if (r->exact > 1 || r->min > 1) {
        char where[64] = "";
        if (r->where)
            g_snprintf(where, sizeof where, " (constraint at line %u:%u)", r->where->line,
                       r->where->col);
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse: op %s: fusion needs the %s factor of %s at %s to be 1 (the "
                    "intermediates stay below it), but a constraint requires %u%s",
                    op, kind, dim, level, r->exact > 1 ? r->exact : r->min, where);
    }
    r->exact = 1;
    r->min = r->max = 1;
    return TRUE;
}

gboolean ts_fuse_apply(const TsFusePlan *plan, guint workload_index, TsRules *rules,
                       TsModelOptions *model_options, GError **error)
{
    g_return_val_if_fail(plan != NULL && rules != NULL && model_options != NULL, FALSE);
    int p = position_of(plan, workload_index);
    if (p < 0)
        return TRUE;
    const TsOp *op = plan->op[p];
    uint8_t mask = plan->mask[p];
    guint f = plan->level;
    /* Dimensions that index an intermediate. */
    uint32_t dims = 0;
    for (guint t = 0; t < op->n_tensors; t++) {
        if (!(mask >> t & 1u))
            continue;
        const TsTensor *ts = &op->tensors[t];
        for (guint r = 0; r < ts->n_ranks; r++)
            for (guint k = 0; k < ts->ranks[r].n_terms; k++)
                dims |= 1u << ts->ranks[r].dim[k];
    }
    for (guint l = 0; l <= f && l < rules->n_levels; l++) {
        TsLevelRules *lr = &rules->level[l];
        /* Fusion decides where the intermediates live: keep/bypass constraints on them at and
         * above the fusion level give way (ts_fuse_plan_notes lists each). */
        if (l == f) {
            lr->keep |= mask;
            lr->bypass &= (uint8_t)~mask;
            break;
        }
        lr->bypass |= mask;
        lr->keep &= (uint8_t)~mask;
        for (guint d = 0; d < op->n_dims; d++) {
            if (!(dims >> d & 1u))
                continue;
            char lname[32];
            g_snprintf(lname, sizeof lname, "level %u", l);
            if (!force_one(&lr->temporal[d], lname, "temporal", op->dim_names[d], op->name,
                           error) ||
                !force_one(&lr->spatial[d], lname, "spatial", op->dim_names[d], op->name, error) ||
                !force_one(&lr->spatial_x[d], lname, "spatial X", op->dim_names[d], op->name,
                           error) ||
                !force_one(&lr->spatial_y[d], lname, "spatial Y", op->dim_names[d], op->name,
                           error))
                return FALSE;
        }
    }
    model_options->reserved_words[f] = resident_words(plan, (guint)p, TRUE);
    return TRUE;
}

gboolean ts_fuse_vector_cost(const TsFusePlan *plan, const TsArch *arch, guint workload_index,
                             TsVectorCost *cost, GError **error)
{
    g_return_val_if_fail(plan != NULL && arch != NULL && cost != NULL, FALSE);
    int p = position_of(plan, workload_index);
    if (p < 0)
        return TRUE;
    const TsOp *op = plan->op[p];
    uint64_t need = resident_words(plan, (guint)p, FALSE);
    if (plan->capacity_words > 0 && need > plan->capacity_words)
        return fail(error, TS_CONFIG_ERROR_INVALID,
                    "--fuse: op %s needs %" G_GUINT64_FORMAT
                    " words of intermediates at %s, capacity %" G_GUINT64_FORMAT,
                    op->name, need, plan->level_name, plan->capacity_words);
    const TsLevel *outer = ts_arch_storage(arch, 0);
    const TsLevel *lv = ts_arch_storage(arch, plan->level);
    double ow = outer->word_bits ? (double)outer->word_bits : 16.0;
    double lw = lv->word_bits ? (double)lv->word_bits : 16.0;
    double rd_bits = 0, wr_bits = 0, frd = 0, fwr = 0;
    for (guint t = 0; t < op->n_tensors; t++) {
        double n = (double)ts_op_tensor_elements(op, t);
        double bits = n * op->tensors[t].precision.bits;
        gboolean inter = plan->mask[p] >> t & 1u;
        if (op->tensors[t].read_write) {
            if (inter)
                fwr += (double)words_of((uint64_t)n, op->tensors[t].precision.bits, lv->word_bits);
            else
                wr_bits += bits;
        } else {
            if (inter)
                frd += (double)words_of((uint64_t)n, op->tensors[t].precision.bits, lv->word_bits);
            else
                rd_bits += bits;
        }
    }
    (void)lw;
    rd_bits += (double)op->param_elements * op->param_precision.bits;
    double ob = (double)MAX(outer->block_size, 1u), lb = (double)MAX(lv->block_size, 1u);
    cost->read_words = ceil(rd_bits / ow);
    cost->write_words = ceil(wr_bits / ow);
    double outer_pj = cost->read_words / ob * outer->energy.read_pj +
                      cost->write_words / ob * outer->energy.update_pj;
    double level_pj = frd / lb * lv->energy.read_pj + fwr / lb * lv->energy.update_pj;
    cost->memory_energy_pj = outer_pj + level_pj;
    cost->memory_read_energy_pj =
        cost->read_words / ob * outer->energy.read_pj + frd / lb * lv->energy.read_pj;
    cost->memory_write_energy_pj =
        cost->write_words / ob * outer->energy.update_pj + fwr / lb * lv->energy.update_pj;
    cost->fused_energy_pj = level_pj;
    cost->fused_read_words = frd;
    cost->fused_write_words = fwr;
    cost->fused_level = plan->level;
    /* Cycles: each level's traffic at its bandwidth; the slower one bounds. */
    const TsLevel *levels[2] = {outer, lv};
    double rw[2][2] = {{cost->read_words, cost->write_words}, {frd, fwr}};
    double mc = 0;
    for (guint k = 0; k < 2; k++) {
        const TsLevel *x = levels[k];
        double rc = 0, wc = 0;
        if (x->shared_bw_words_per_cycle > 0) {
            rc = (rw[k][0] + rw[k][1]) / x->shared_bw_words_per_cycle;
        } else {
            if (x->read_bw_words_per_cycle > 0)
                rc = rw[k][0] / x->read_bw_words_per_cycle;
            if (x->write_bw_words_per_cycle > 0)
                wc = rw[k][1] / x->write_bw_words_per_cycle;
        }
        double c = ceil(MAX(rc, wc));
        if (c > mc) {
            mc = c;
            cost->bound = c > cost->compute_cycles ? x->name : "vector";
        }
    }
    if (mc <= cost->compute_cycles)
        cost->bound = "vector";
    cost->memory_cycles = mc;
    cost->cycles = MAX(cost->compute_cycles, cost->memory_cycles);
    cost->energy_pj = cost->compute_energy_pj + cost->memory_energy_pj;
    double clock = ts_arch_clock_hz(arch);
    cost->latency_s = clock > 0 ? cost->cycles / clock : 0.0;
    cost->utilization = cost->cycles > 0 ? cost->compute_cycles / cost->cycles : 0.0;
    g_strlcat(cost->source, "; fused: intermediates at ", sizeof cost->source);
    g_strlcat(cost->source, plan->level_name, sizeof cost->source);
    return TRUE;
}

/* Backing-store words and energy of one op of a layer result, times its count. */
static void op_traffic(const TsLayerResult *r, guint workload_index, double *words, double *pj,
                       double *energy, double *cycles, uint64_t *count)
{
    *words = *pj = *energy = *cycles = 0;
    *count = 0;
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        if (lo->index != workload_index)
            continue;
        double n = (double)MAX(lo->op->count, (uint64_t)1);
        *count = MAX(lo->op->count, (uint64_t)1);
        *energy = n * lo->energy_pj;
        *cycles = n * lo->cycles;
        if (lo->einsum) {
            const TsLayerOp *src = &r->ops[lo->same_as];
            const TsCost *c = &src->search.best[0].cost;
            double w = 0;
            for (guint t = 0; t < TS_MAX_TENSORS; t++) {
                const TsTensorCost *tc = &c->level[0].tensor[t];
                w += (double)(tc->reads + tc->fills + tc->updates) * (double)tc->instances;
            }
            *words = n * w;
            *pj = n * c->level[0].energy_pj;
        } else {
            *words = n * (lo->vector.read_words + lo->vector.write_words);
            *pj = n * (lo->vector.memory_energy_pj - lo->vector.fused_energy_pj);
        }
    }
}

gboolean ts_fuse_summarize(const TsFusePlan *plan, const TsLayerResult *unfused,
                           const TsLayerResult *fused, TsFuseSummary *out)
{
    g_return_val_if_fail(plan != NULL && unfused != NULL && fused != NULL && out != NULL, FALSE);
    memset(out, 0, sizeof *out);
    double upj = 0, fpj = 0;
    for (guint p = 0; p < TS_FUSE_GROUP_OPS; p++) {
        TsFuseOpSummary *s = &out->op[p];
        s->name = group_ops[p];
        if (p < plan->first)
            continue; /* not in the group */
        double dummy_pj;
        op_traffic(unfused, plan->index[p], &s->dram_words_unfused, &dummy_pj,
                   &s->energy_pj_unfused, &s->cycles_unfused, &s->count_unfused);
        s->dram_energy_pj_unfused = dummy_pj;
        op_traffic(fused, plan->index[p], &s->dram_words_fused, &dummy_pj, &s->energy_pj_fused,
                   &s->cycles_fused, &s->count_fused);
        s->dram_energy_pj_fused = dummy_pj;
        if (s->count_unfused == 0 || s->count_fused == 0)
            return FALSE;
        out->dram_words_unfused += s->dram_words_unfused;
        out->dram_words_fused += s->dram_words_fused;
        upj += s->dram_energy_pj_unfused;
        fpj += s->dram_energy_pj_fused;
        out->energy_pj_unfused += s->energy_pj_unfused;
        out->energy_pj_fused += s->energy_pj_fused;
        out->cycles_unfused += s->cycles_unfused;
        out->cycles_fused += s->cycles_fused;
    }
    out->dram_words_saved = out->dram_words_unfused - out->dram_words_fused;
    out->dram_energy_pj_saved = upj - fpj;
    out->energy_pj_saved = out->energy_pj_unfused - out->energy_pj_fused;
    out->other_energy_pj_saved = out->energy_pj_saved - out->dram_energy_pj_saved;
    out->layer_energy_pj_unfused = unfused->energy_pj;
    out->layer_energy_pj_fused = fused->energy_pj;
    return TRUE;
}

char *ts_fuse_source_text(const char *msg, const char *where)
{
    if (where == NULL)
        return g_strdup(msg);
    const char *rest = msg, *key = "";
    if (g_str_has_prefix(msg, "--fuse-level ")) {
        rest = msg + strlen("--fuse-level ");
        key = "level ";
    } else if (g_str_has_prefix(msg, "--fuse: ")) {
        rest = msg + strlen("--fuse: ");
    } else if (g_str_has_prefix(msg, "--fuse ")) {
        rest = msg + strlen("--fuse ");
        key = "group ";
    }
    return g_strdup_printf("%s: workload.fusion: %s%s", where, key, rest);
}
