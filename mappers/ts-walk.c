/* The loop-nest walker (ts-walk.h). Per (level, tensor) it precomputes, from the model's nest
 * analysis, where tile versions change: a level's tile changes when a loop outside its
 * innermost relevant temporal loop above it advances (loops inside that one leave it
 * stationary), so with the step index a mixed-radix number over the step loops (the temporal
 * loops above the depth, innermost digit fastest) a version starts at every multiple of the
 * place value of that loop. Loops of the levels below the depth run inside a step: a level
 * whose innermost relevant loop is among them changes tile a fixed number of times per step.
 * An output region is visited for the first time exactly when every irrelevant loop outside
 * its innermost relevant one is at index 0 (its first read is elided, as the model's
 * `delivered - partition`). Sliding windows (ranks summing several dims) deliver per step what
 * the model's Timeloop-parity recursion gives (ts_nest_slide_*), each later iteration of a
 * loop behaving as its second, so the walk's total is the model's to the element. Imperfect
 * (ceil) factors take another path (next_imperfect): the steps are the non-empty digit tuples,
 * and each figure of a step is one of the model's imperfect counts (ts_nest_count) with the
 * step loops fixed at their digits, attributed to the steps where the loops it keeps at index
 * 0 are 0. */
#include "ts-walk.h"

#include <string.h>

#include "ts-model-private.h"

#define MAX_STEP_LOOPS (TS_ARCH_MAX_LEVELS * TS_MAX_DIMS)

/* The current pass of a step loop over a sliding window: its entry state, and its delivery
 * and exit state once computed (ok). */
typedef struct {
    int entry;
    gboolean ok;
    guint after;
    uint64_t delta;
} SlidePass;

typedef struct {
    gboolean kept, backing; /* backing: the outermost keeping level (never filled) */
    gboolean output;        /* the read-modify-write tensor */
    gboolean slide;         /* sliding-window deliveries (a rank sums several dims) */
    int peer;               /* nearest keeping level above, -1 for the backing store */
    uint64_t tile;          /* elements per instance */
    uint64_t peer_factor;   /* distinct tiles of the fan-outs from the peer down to the level */
    uint64_t versions;      /* over the whole walk */
    /* Versions change at step boundaries (span > 0: every span steps; first visit when the
     * irrelevant step loops of irr_mask are at 0), or inside the step (in_versions per step,
     * in_first of them first visits when every irrelevant step loop is at 0). */
    uint64_t span;
    uint64_t irr_mask;
    uint64_t in_versions, in_first;
    /* prev_visit distance: place values of the step loops */
    uint64_t box[TS_MAX_DIMS];
    /* Sliding windows: the slide context, the number of its loops inside the step, and the
     * current pass of each of the walk's ns step loops (allocated with sl, NULL without). */
    TsNestSlide *sl;
    guint k_in, i0; /* slide loops inside the step; the first step loop above the level */
    SlidePass *pass;
    uint64_t filled; /* fills issued so far (version counter of a sliding window) */
    /* Imperfect factors: the step position of the innermost relevant step loop (ns: none),
     * the versions started, the current version's write-back figures, and the last version
     * (plus one) of each output region (relevant step loops of the levels above; NULL when
     * there are too many regions: a revisit then waits for the version before). */
    guint vpos;
    uint64_t ver;
    uint64_t wb_el, wb_el_all, wb_peer, wb_peer_all;
    uint64_t *last_visit;
    uint64_t n_regions;
    int child; /* nearest keeping level below (outer index), -1: the compute */
} LevelTensor;

/* What every walk of a mapping at a depth reads and none changes: built by ts_walk_new, then
 * shared by its copies (reference counted). */
typedef struct {
    TsMapping mapping;
    TsNest nest; /* the loop nest and its analysis */
    /* step loops: the temporal loops above the depth, inner first */
    uint32_t sext[MAX_STEP_LOOPS];
    uint8_t sdim[MAX_STEP_LOOPS];
    uint8_t slevel[MAX_STEP_LOOPS]; /* outer level index */
    uint64_t sstride[MAX_STEP_LOOPS];
    uint64_t place[MAX_STEP_LOOPS + 1];
    uint8_t step_of[TS_NEST_MAX_LOOPS]; /* nest loop index -> step loop index */
    uint8_t sloop[MAX_STEP_LOOPS];      /* the nest loop of each step loop */
} WalkTables;

struct TsWalk {
    const TsModel *model;
    WalkTables *tab;
    guint nl, nt, nd, depth;
    guint ns; /* step loops */
    uint64_t n_steps;
    uint64_t step_iterations;
    LevelTensor (*lt)[TS_MAX_TENSORS]; /* nl rows */
    int innermost_keeper[TS_MAX_TENSORS];
    uint64_t compute_factor[TS_MAX_TENSORS]; /* distinct tiles from the keeper to the MACs */
    /* Output regions of steps: step loops irrelevant to the output, and the elements a
     * keeper at or above the depth touches first in a step that visits its region first. */
    uint64_t out_irr, out_first;
    gboolean elide; /* first reads of outputs are elided (the model's default) */
    /* walk state */
    uint64_t step;
    uint32_t digit[MAX_STEP_LOOPS];
    /* Imperfect factors: the next non-empty step's digits (have_next) and the current digit
     * of each nest loop (TS_NEST_FREE off the step loops). */
    gboolean imperfect, have_next;
    uint32_t next_digit[MAX_STEP_LOOPS];
    uint32_t fixed[TS_NEST_MAX_LOOPS];
};

static uint64_t distinct_at(const TsWalk *w, guint level, guint t)
{
    return w->tab->nest.distinct[w->nl - 1 - level][t];
}

static gboolean relevant(const TsWalk *w, guint t, guint dim)
{
    return (w->model->dim_mask[t] >> dim) & 1u;
}

/* Fills the per-(level, tensor) version structure. */
static void prepare_lt(TsWalk *w, guint l, guint t, guint step_lo)
{
    LevelTensor *x = &w->lt[l][t];
    const TsNest *n = &w->tab->nest;
    const guint c = w->nl - 1 - l;
    x->tile = n->tile[c][t];
    x->output = t == w->model->output;
    x->slide = w->model->multi_term[t];
    x->peer_factor = 1;
    for (int m = (int)l - 1; m >= x->peer && m >= 0; m--)
        x->peer_factor *= distinct_at(w, (guint)m, t);
    /* The box moved at the peer: the loops at and below the level, and the spatial loops of
     * the fan-outs from the peer down to the level. */
    for (guint d = 0; d < w->nd; d++)
        x->box[d] = 1;
    for (guint k = 0; k < n->level_lo[c + 1]; k++)
        x->box[n->loop[k].dim] *= n->loop[k].ext;
    if (x->peer >= 0) {
        const guint cp = w->nl - 1 - (guint)x->peer;
        for (guint k = n->level_lo[c + 1]; k < n->level_lo[cp + 1]; k++)
            if (n->loop[k].kind != TS_LOOP_TEMPORAL)
                x->box[n->loop[k].dim] *= n->loop[k].ext;
    }
    if (!x->kept || x->backing)
        return;
    /* Version loops: temporal loops above the level; k_rel the innermost relevant one. */
    int krel = -1;
    for (guint k = n->level_lo[c + 1]; k < n->n_loops; k++) {
        if (n->loop[k].kind == TS_LOOP_TEMPORAL && relevant(w, t, n->loop[k].dim)) {
            krel = (int)k;
            break;
        }
    }
    x->irr_mask = 0;
    if (krel < 0) {
        /* One version for the whole walk. */
        x->span = w->n_steps;
        x->versions = 1;
    } else if ((guint)krel >= step_lo) {
        /* A step loop: its place value. */
        const guint i = w->tab->step_of[krel];
        x->span = w->tab->place[i];
        x->versions = w->n_steps / x->span;
        for (guint j = i + 1; j < w->ns; j++)
            if (!relevant(w, t, w->tab->sdim[j]))
                x->irr_mask |= G_GUINT64_CONSTANT(1) << j;
    } else {
        /* Inside the step: the in-step temporal loops from k_rel outward. */
        x->span = 0;
        x->in_versions = x->in_first = 1;
        for (guint k = (guint)krel; k < step_lo; k++) {
            if (n->loop[k].kind != TS_LOOP_TEMPORAL)
                continue;
            x->in_versions *= n->loop[k].ext;
            if (relevant(w, t, n->loop[k].dim))
                x->in_first *= n->loop[k].ext;
        }
        x->versions = x->in_versions * w->n_steps;
        for (guint j = 0; j < w->ns; j++)
            if (!relevant(w, t, w->tab->sdim[j]))
                x->irr_mask |= G_GUINT64_CONSTANT(1) << j;
    }
    if (x->slide) {
        x->sl = g_new(TsNestSlide, 1);
        x->pass = g_new0(SlidePass, MAX(w->ns, 1u));
        ts_nest_slide_init(w->model, n, c, t, x->sl);
        x->k_in = 0;
        for (guint j = 1; j <= x->sl->n; j++)
            if (x->sl->loop[j] < step_lo)
                x->k_in = j;
        /* Step loops of the levels between the depth and this level lie inside its tile. */
        x->i0 = 0;
        while (x->i0 < w->ns && w->tab->slevel[x->i0] >= l)
            x->i0++;
    }
}

static void prepare_imperfect(TsWalk *w);
static gboolean digits_zero(const TsWalk *w, uint64_t mask);
static void tile_origin(const TsWalk *w, guint level, uint64_t *origin);

static gboolean shape_ok(const TsModel *model, const TsMapping *mapping, GError **error)
{
    TsCost cost;
    if (ts_model_evaluate(model, mapping, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, mapping, &cost);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "invalid mapping: %s", why);
        return FALSE;
    }
    return TRUE;
}

/* Nest loops from step_lo on that are temporal: the step loops of depth. */
static guint step_lo_of(const TsWalk *w, guint depth)
{
    return w->tab->nest.level_lo[w->nl - depth];
}

TsWalk *ts_walk_new(const TsModel *model, const TsMapping *mapping, guint depth, GError **error)
{
    g_return_val_if_fail(model != NULL && mapping != NULL, NULL);
    if (depth >= model->n_levels) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "walk depth %u is not a storage level (0 .. %u)", depth, model->n_levels - 1);
        return NULL;
    }
    if (!shape_ok(model, mapping, error))
        return NULL;
    gboolean imperfect = FALSE;
    for (guint d = 0; d < model->n_dims; d++) {
        uint64_t prod = 1;
        for (guint l = 0; l < model->n_levels; l++)
            prod *= (uint64_t)mapping->level[l].temporal[d] * mapping->level[l].spatial_x[d] *
                    mapping->level[l].spatial_y[d];
        imperfect |= prod != model->dims[d];
    }
    if (model->multi_term[model->output]) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the output tensor has a rank summing several dimensions; the walker "
                    "handles sliding windows on input tensors only",
                    model->op->name ? model->op->name : "?");
        return NULL;
    }
    TsWalk *w = g_new0(TsWalk, 1);
    w->model = model;
    w->tab = g_rc_box_new0(WalkTables);
    w->tab->mapping = *mapping;
    w->nl = model->n_levels;
    w->nt = model->n_tensors;
    w->nd = model->n_dims;
    w->lt = (LevelTensor(*)[TS_MAX_TENSORS])g_new0(LevelTensor, (gsize)w->nl * TS_MAX_TENSORS);
    w->depth = depth;
    w->elide = !model->options.no_first_read_elision;
    ts_nest_build_loops(model, mapping, &w->tab->nest);
    ts_nest_tiles(model, &w->tab->nest);
    uint8_t keep[TS_ARCH_MAX_LEVELS];
    for (guint c = 0; c < w->nl; c++)
        keep[c] = mapping->level[w->nl - 1 - c].keep;
    w->imperfect = imperfect;
    if (imperfect)
        ts_nest_analyze_imperfect(model, keep, &w->tab->nest);
    else
        ts_nest_analyze(model, keep, &w->tab->nest);

    const TsNest *n = &w->tab->nest;
    const guint lo = step_lo_of(w, depth);
    w->ns = 0;
    w->tab->place[0] = 1;
    for (guint k = lo; k < n->n_loops; k++) {
        if (n->loop[k].kind != TS_LOOP_TEMPORAL)
            continue;
        guint i = w->ns++;
        w->tab->step_of[k] = (uint8_t)i;
        w->tab->sext[i] = n->loop[k].ext;
        w->tab->sdim[i] = n->loop[k].dim;
        w->tab->slevel[i] = (uint8_t)(w->nl - 1 - n->loop[k].level);
        w->tab->sstride[i] = n->loop[k].stride;
        w->tab->sloop[i] = (uint8_t)k;
        w->tab->place[i + 1] = w->tab->place[i] * n->loop[k].ext;
    }
    w->n_steps = w->tab->place[w->ns];
    w->step_iterations = 1;
    for (guint k = 0; k < lo; k++)
        if (n->loop[k].kind == TS_LOOP_TEMPORAL)
            w->step_iterations *= n->loop[k].ext;

    for (guint t = 0; t < w->nt; t++) {
        int last = -1;
        for (guint l = 0; l < w->nl; l++) {
            LevelTensor *x = &w->lt[l][t];
            x->kept = (mapping->level[l].keep >> t) & 1u;
            x->peer = last;
            x->backing = x->kept && last < 0;
            if (x->kept)
                last = (int)l;
        }
        w->innermost_keeper[t] = last;
        uint64_t f = 1;
        for (int m = (int)w->nl - 1; m >= last && m >= 0; m--)
            f *= distinct_at(w, (guint)m, t);
        w->compute_factor[t] = f;
        for (guint l = 0; l < w->nl; l++)
            prepare_lt(w, l, t, lo);
        if (t == model->output && last >= 0 && (guint)last <= depth) {
            w->out_first = n->tile[w->nl - 1 - depth][t];
            for (guint m = (guint)last; m < depth; m++)
                w->out_first *= distinct_at(w, m, t);
            for (guint j = 0; j < w->ns; j++)
                if (!relevant(w, t, w->tab->sdim[j]))
                    w->out_irr |= G_GUINT64_CONSTANT(1) << j;
        }
    }
    if (imperfect)
        prepare_imperfect(w);
    ts_walk_reset(w);
    return w;
}

void ts_walk_free(TsWalk *w)
{
    if (w == NULL)
        return;
    for (guint l = 0; l < w->nl; l++) {
        for (guint t = 0; t < TS_MAX_TENSORS; t++) {
            g_free(w->lt[l][t].sl);
            g_free(w->lt[l][t].pass);
            g_free(w->lt[l][t].last_visit);
        }
    }
    g_free(w->lt);
    g_rc_box_release(w->tab);
    g_free(w);
}

TsWalk *ts_walk_copy(const TsWalk *src)
{
    g_return_val_if_fail(src != NULL, NULL);
    TsWalk *w = g_memdup2(src, sizeof *w);
    w->tab = g_rc_box_acquire(src->tab);
    w->lt = g_memdup2(src->lt, (gsize)src->nl * sizeof *src->lt);
    for (guint l = 0; l < w->nl; l++) {
        for (guint t = 0; t < TS_MAX_TENSORS; t++) {
            LevelTensor *x = &w->lt[l][t];
            if (x->sl != NULL)
                x->sl = g_memdup2(x->sl, sizeof *x->sl);
            if (x->pass != NULL)
                x->pass = g_new0(SlidePass, MAX(w->ns, 1u));
            if (x->last_visit != NULL)
                x->last_visit = g_new0(uint64_t, x->n_regions);
            x->wb_el = x->wb_el_all = x->wb_peer = x->wb_peer_all = 0;
        }
    }
    ts_walk_reset(w);
    return w;
}

gsize ts_walk_bytes(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    gsize bytes = sizeof *w + (gsize)w->nl * sizeof *w->lt;
    for (guint l = 0; l < w->nl; l++) {
        for (guint t = 0; t < TS_MAX_TENSORS; t++) {
            const LevelTensor *x = &w->lt[l][t];
            if (x->sl != NULL)
                bytes += sizeof *x->sl + MAX(w->ns, 1u) * sizeof *x->pass;
            if (x->last_visit != NULL)
                bytes += x->n_regions * sizeof *x->last_visit;
        }
    }
    return bytes;
}

gsize ts_walk_shared_bytes(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return sizeof *w->tab;
}

void ts_walk_reset(TsWalk *w)
{
    g_return_if_fail(w != NULL);
    w->step = 0;
    memset(w->digit, 0, sizeof w->digit);
    w->have_next = FALSE;
    for (guint l = 0; l < w->nl; l++) {
        for (guint t = 0; t < w->nt; t++) {
            LevelTensor *x = &w->lt[l][t];
            x->ver = 0;
            if (x->last_visit)
                memset(x->last_visit, 0, x->n_regions * sizeof *x->last_visit);
        }
    }
    for (guint l = 0; l < w->nl; l++) {
        for (guint t = 0; t < w->nt; t++) {
            LevelTensor *x = &w->lt[l][t];
            x->filled = 0;
            if (x->pass != NULL)
                memset(x->pass, 0, MAX(w->ns, 1u) * sizeof *x->pass);
        }
    }
}

guint ts_walk_depth_for(const TsModel *model, const TsMapping *mapping, uint64_t max_steps)
{
    g_return_val_if_fail(model != NULL && mapping != NULL, 0);
    const guint nl = model->n_levels;
    guint best = 0;
    uint64_t steps = 1;
    /* steps at depth d = product of the temporal factors of levels 0 .. d-1 */
    for (guint d = 1; d < nl; d++) {
        for (guint dim = 0; dim < model->n_dims; dim++) {
            uint32_t f = mapping->level[d - 1].temporal[dim];
            if (f > 1 && steps > max_steps / f) {
                steps = max_steps + 1;
                break;
            }
            steps *= MAX(f, 1u);
        }
        if (steps > max_steps)
            break;
        best = d;
    }
    return best;
}

/* ---- Imperfect factors ------------------------------------------------------------------- */

#define MAX_REGIONS (G_GUINT64_CONSTANT(1) << 20)

/* Innermost temporal loop at or above nest loop lo over a dimension of t (n_loops: none). */
static guint first_relevant_from(const TsWalk *w, guint lo, guint t)
{
    const TsNest *n = &w->tab->nest;
    for (guint k = lo; k < n->n_loops; k++)
        if (n->loop[k].kind == TS_LOOP_TEMPORAL && relevant(w, t, n->loop[k].dim))
            return k;
    return n->n_loops;
}

/* First nest loop above outer level l's tile. */
static guint lo_of(const TsWalk *w, guint l)
{
    return w->tab->nest.level_lo[w->nl - l];
}

static void prepare_imperfect(TsWalk *w)
{
    const TsNest *n = &w->tab->nest;
    const guint lo = step_lo_of(w, w->depth);
    uint8_t counted[TS_NEST_MAX_LOOPS];
    /* non-empty steps: the step loops' iterations of the busiest instance */
    for (guint k = 0; k < n->n_loops; k++)
        counted[k] = n->loop[k].kind == TS_LOOP_TEMPORAL;
    w->n_steps = ts_nest_count(w->model, n, lo, counted, NULL, -1);
    for (guint t = 0; t < w->nt; t++) {
        int below = -1;
        for (guint l = w->nl; l-- > 0;) {
            LevelTensor *x = &w->lt[l][t];
            x->child = below;
            if (!x->kept)
                continue;
            below = (int)l;
            const guint ks = first_relevant_from(w, lo_of(w, l), t);
            x->vpos = ks >= lo && ks < n->n_loops ? w->tab->step_of[ks] : w->ns;
            if (x->backing)
                continue;
            /* versions: iterations of the loops from the innermost relevant one out */
            for (guint k = 0; k < n->n_loops; k++)
                counted[k] = n->loop[k].kind == TS_LOOP_TEMPORAL && k >= ks;
            x->versions = ts_nest_count(w->model, n, lo_of(w, l), counted, NULL, -1);
            if (!x->output || l > w->depth)
                continue;
            uint64_t regions = 1;
            for (guint j = 0; j < w->ns && regions <= MAX_REGIONS; j++)
                if (w->tab->slevel[j] < l && relevant(w, t, w->tab->sdim[j]))
                    regions *= w->tab->sext[j];
            if (regions <= MAX_REGIONS) {
                x->n_regions = regions;
                x->last_visit = g_new0(uint64_t, regions);
            }
        }
    }
}

/* The outermost step position at which digits leave the busiest instance's tile empty (the
 * tuples sharing the digits from there out are all empty), -1 when the step is non-empty. */
static int empty_at(const TsWalk *w, const uint32_t *digit)
{
    const TsNest *n = &w->tab->nest;
    const guint lo = step_lo_of(w, w->depth);
    int bad = -1;
    for (guint d = 0; d < w->nd; d++) {
        uint64_t rem = w->model->dims[d];
        for (guint k = n->n_loops; k-- > lo;) {
            const TsNestLoop *lp = &n->loop[k];
            if (lp->dim != d)
                continue;
            if (lp->kind == TS_LOOP_TEMPORAL) {
                const uint64_t off = (uint64_t)digit[w->tab->step_of[k]] * lp->stride;
                if (rem <= off) {
                    bad = MAX(bad, (int)w->tab->step_of[k]);
                    break;
                }
                rem = MIN(rem - off, lp->stride);
            } else {
                rem = MIN(rem, lp->stride);
            }
        }
    }
    return bad;
}

/* Advances digit to the next non-empty step from position j up; FALSE after the last. */
static gboolean advance_from(const TsWalk *w, uint32_t *digit, guint j)
{
    for (;;) {
        while (j < w->ns && ++digit[j] == w->tab->sext[j])
            digit[j++] = 0;
        if (j >= w->ns)
            return FALSE;
        const int bad = empty_at(w, digit);
        if (bad < 0)
            return TRUE;
        for (guint i = 0; i < (guint)bad; i++)
            digit[i] = 0;
        j = (guint)bad;
    }
}

typedef enum { PAT_DELIVER, PAT_FIRST, PAT_ACCESS } Pattern;

/* One of the model's counts (ts_nest_analyze_imperfect) restricted to the current step: the
 * step loops the count iterates are fixed at their digits, and a count that keeps a step loop
 * at index 0 (a stationary tile, a first visit, a tile holding the step) belongs to the steps
 * where its digit is 0. DELIVER: tiles delivered to l (from its innermost relevant temporal
 * loop out); FIRST: the elements of l's partition first touched (the step's region for a level
 * at or above the depth); ACCESS: l's accesses by its nearest keeping child (or the compute).
 * t < 0 with PAT_DELIVER: the compute iterations (temporal loops). */
static void step_count(TsWalk *w, guint l, int t, Pattern pat, uint64_t *busiest, uint64_t *all)
{
    const TsNest *n = &w->tab->nest;
    const guint lo = step_lo_of(w, w->depth);
    uint8_t counted[TS_NEST_MAX_LOOPS];
    guint leaf, kmin = 0, hi = 0;
    gboolean by_relevance = FALSE;
    if (t < 0) {
        leaf = 0;
    } else if (pat == PAT_DELIVER) {
        leaf = lo_of(w, l);
        kmin = first_relevant_from(w, leaf, (guint)t);
    } else if (pat == PAT_FIRST) {
        leaf = MIN(lo_of(w, l), lo);
        hi = lo_of(w, l);
        by_relevance = TRUE;
    } else {
        const int b = w->lt[l][t].child;
        leaf = b >= 0 ? lo_of(w, (guint)b) : 0;
        kmin = b >= 0 ? first_relevant_from(w, leaf, (guint)t) : 0;
        hi = lo_of(w, l);
    }
    for (guint v = 0; v < 2; v++) {
        for (guint k = 0; k < n->n_loops; k++) {
            const TsNestLoop *lp = &n->loop[k];
            const gboolean rel = t >= 0 && relevant(w, (guint)t, lp->dim);
            if (lp->kind == TS_LOOP_TEMPORAL)
                counted[k] = by_relevance ? rel : k >= kmin;
            else
                counted[k] = k < hi ? rel : v == 1;
        }
        uint64_t r = 1;
        for (guint j = 0; j < w->ns; j++) {
            const guint k = w->tab->sloop[j];
            if ((!counted[k] || k < leaf) && w->digit[j] != 0)
                r = 0;
        }
        if (r)
            r = ts_nest_count(w->model, n, leaf, counted, w->fixed, t);
        *(v ? all : busiest) = r;
    }
}

static void push_xfer(TsWalkXfer *list, guint *n, TsWalkKind kind, guint level,
                      const LevelTensor *x, guint t, uint64_t version, uint64_t el, uint64_t el_all,
                      uint64_t peer, uint64_t peer_all, uint64_t prev)
{
    TsWalkXfer *r = &list[(*n)++];
    r->kind = (uint8_t)kind;
    r->level = (uint8_t)level;
    r->peer = (uint8_t)x->peer;
    r->tensor = (uint8_t)t;
    r->version = version;
    r->elements = el;
    r->elements_all = el_all;
    r->peer_elements = peer;
    r->peer_elements_all = peer_all;
    r->prev_visit = prev;
}

/* Versions back to the previous visit of the current output region (0: the first). */
static uint64_t prev_visit_imperfect(const TsWalk *w, LevelTensor *x, guint l, uint64_t version)
{
    if (x->last_visit == NULL)
        return version > 0; /* too many regions to track: after the version before */
    uint64_t key = 0;
    for (guint j = w->ns; j-- > 0;)
        if (w->tab->slevel[j] < l && relevant(w, w->model->output, w->tab->sdim[j]))
            key = key * w->tab->sext[j] + w->digit[j];
    const uint64_t last = x->last_visit[key];
    x->last_visit[key] = version + 1;
    return last ? version + 1 - last : 0;
}

static gboolean next_imperfect(TsWalk *w, TsWalkStep *st)
{
    if (w->step >= w->n_steps)
        return FALSE;
    if (w->step > 0)
        memcpy(w->digit, w->next_digit, sizeof w->digit);
    memcpy(w->next_digit, w->digit, sizeof w->digit);
    w->have_next = advance_from(w, w->next_digit, 0);
    /* outermost step position the next step changes (ns: no next step) */
    guint carry = w->ns;
    if (w->have_next) {
        carry = 0;
        for (guint j = 0; j < w->ns; j++)
            if (w->next_digit[j] != w->digit[j])
                carry = j;
    }
    for (guint k = 0; k < w->tab->nest.n_loops; k++)
        w->fixed[k] = TS_NEST_FREE;
    for (guint j = 0; j < w->ns; j++)
        w->fixed[w->tab->sloop[j]] = w->digit[j];

    st->index = w->step;
    st->n_before = st->n_after = 0;
    memset(st->inner, 0, sizeof st->inner[0] * w->nl);
    step_count(w, 0, -1, PAT_DELIVER, &st->iterations, &st->macs);
    const guint out = w->model->output;
    for (guint t = 0; t < w->nt; t++) {
        const gboolean elide = w->elide && t == out;
        for (guint l = 0; l < w->nl; l++) {
            LevelTensor *x = &w->lt[l][t];
            if (!x->kept)
                continue;
            uint64_t fb = 0, fa = 0;
            if (elide)
                step_count(w, l, (int)t, PAT_FIRST, &fb, &fa);
            if (!x->backing) {
                if (l <= w->depth) {
                    gboolean starts = TRUE;
                    for (guint j = 0; j < x->vpos && j < w->ns; j++)
                        starts &= w->digit[j] == 0;
                    if (starts) {
                        uint64_t db, da, pb, pa;
                        step_count(w, l, (int)t, PAT_DELIVER, &db, &da);
                        step_count(w, (guint)x->peer, (int)t, PAT_ACCESS, &pb, &pa);
                        const gboolean first = elide && digits_zero(w, x->irr_mask);
                        const uint64_t v = x->ver++;
                        x->wb_el = db;
                        x->wb_el_all = da;
                        x->wb_peer = pb;
                        x->wb_peer_all = pa;
                        const uint64_t prev =
                            t == out && !first ? prev_visit_imperfect(w, x, l, v) : 0;
                        if (t == out && first)
                            (void)prev_visit_imperfect(w, x, l, v);
                        push_xfer(st->before, &st->n_before, TS_WALK_FILL, l, x, t, v,
                                  first ? 0 : db, first ? 0 : da, first ? 0 : pb, first ? 0 : pa,
                                  prev);
                        tile_origin(w, l, st->before[st->n_before - 1].origin);
                    }
                } else {
                    uint64_t db, da;
                    step_count(w, l, (int)t, PAT_DELIVER, &db, &da);
                    st->inner[l][t].fills += db - fb;
                    st->inner[l][t].fills_all += da - fa;
                }
            }
            if (x->child >= 1 && (guint)x->child <= w->depth)
                continue; /* the child's transfers list these accesses */
            uint64_t ab, aa;
            step_count(w, l, (int)t, PAT_ACCESS, &ab, &aa);
            st->inner[l][t].reads += ab - fb;
            st->inner[l][t].reads_all += aa - fa;
            if (t == out) {
                st->inner[l][t].updates += ab;
                st->inner[l][t].updates_all += aa;
            }
        }
    }
    /* write-backs of the explicit levels' output tiles the step completes, innermost first */
    for (guint l = w->depth + 1; l-- > 1;) {
        LevelTensor *x = &w->lt[l][out];
        if (!x->kept || x->backing)
            continue;
        if (carry >= x->vpos) {
            push_xfer(st->after, &st->n_after, TS_WALK_UPDATE, l, x, out, x->ver - 1, x->wb_el,
                      x->wb_el_all, x->wb_peer, x->wb_peer_all, 0);
            tile_origin(w, l, st->after[st->n_after - 1].origin);
        }
    }
    w->step++;
    return TRUE;
}

/* ---- Stepping ----------------------------------------------------------------------------- */

static gboolean digits_zero(const TsWalk *w, uint64_t mask)
{
    for (guint j = 0; j < w->ns; j++)
        if (((mask >> j) & 1u) && w->digit[j] != 0)
            return FALSE;
    return TRUE;
}

/* Versions back to the previous visit of the current version's region: the innermost
 * irrelevant version loop with a nonzero index goes back one, the irrelevant loops inside it
 * to their last index. */
static uint64_t prev_visit(const TsWalk *w, const LevelTensor *x)
{
    for (guint j = 0; j < w->ns; j++) {
        if (!((x->irr_mask >> j) & 1u) || w->digit[j] == 0)
            continue;
        uint64_t back = w->tab->place[j];
        for (guint i = 0; i < j; i++)
            if ((x->irr_mask >> i) & 1u)
                back -= (uint64_t)(w->tab->sext[i] - 1) * w->tab->place[i];
        return back / x->span;
    }
    return 0;
}

static void tile_origin(const TsWalk *w, guint level, uint64_t *origin)
{
    for (guint d = 0; d < w->nd; d++)
        origin[d] = 0;
    for (guint j = 0; j < w->ns; j++)
        if (w->tab->slevel[j] < level)
            origin[w->tab->sdim[j]] += (uint64_t)w->digit[j] * w->tab->sstride[j];
}

/* Sliding window: the delivery of the type-i step loop's current pass (computing it from the
 * pass's entry state when needed). */
static uint64_t slide_pass(LevelTensor *x, guint i, guint *after)
{
    SlidePass *p = &x->pass[i];
    if (!p->ok) {
        const guint j = x->k_in + 1 + (i - x->i0); /* slide loop index of step loop i */
        guint s2, s3;
        ts_nest_slide_rest(x->sl, j - 1, (guint)p->entry, &s2);
        p->delta = ts_nest_slide_step(x->sl, j, s2, &s3);
        p->after = s3;
        p->ok = TRUE;
    }
    *after = p->after;
    return p->delta;
}

/* Sliding window at step boundary `carry` (the outermost step loop that advanced; ns at the
 * first step): the delivery at the boundary; *in_step the deliveries inside the step. */
static uint64_t slide_boundary(TsWalk *w, LevelTensor *x, guint carry, uint64_t *in_step)
{
    uint64_t d;
    guint state;
    if (carry >= w->ns) {
        d = x->tile;
        state = 0;
    } else if (carry < x->i0) {
        *in_step = 0; /* only loops inside the level's tile advanced: it stays */
        return 0;
    } else {
        d = slide_pass(x, carry, &state);
        for (guint i = x->i0; i < carry; i++) {
            x->pass[i].ok = FALSE;
            x->pass[i].entry = (int)state;
        }
    }
    guint out;
    *in_step = x->k_in ? ts_nest_slide_rest(x->sl, x->k_in, state, &out) : 0;
    return d;
}

/* Every instance alike: the peer reads or updates the distinct tiles of its fan-out; the *_all
 * figures are set once the step is complete. */
static void add_xfer(TsWalkXfer *list, guint *n, TsWalkKind kind, guint level, const LevelTensor *x,
                     guint t, uint64_t version, uint64_t elements, uint64_t prev)
{
    push_xfer(list, n, kind, level, x, t, version, elements, 0, elements * x->peer_factor, 0, prev);
}

gboolean ts_walk_next(TsWalk *w, TsWalkStep *st)
{
    g_return_val_if_fail(w != NULL && st != NULL, FALSE);
    if (w->imperfect)
        return next_imperfect(w, st);
    if (w->step >= w->n_steps)
        return FALSE;
    const uint64_t s = w->step;
    /* The outermost step loop that advanced into this step (ns at the first). */
    guint carry = w->ns;
    if (s > 0) {
        guint j = 0;
        while (j < w->ns && ++w->digit[j] == w->tab->sext[j])
            w->digit[j++] = 0;
        carry = j;
    }
    st->index = s;
    st->n_before = st->n_after = 0;
    st->iterations = w->step_iterations;
    memset(st->inner, 0, sizeof st->inner[0] * w->nl);
    const gboolean last = s + 1 == w->n_steps;

    for (guint t = 0; t < w->nt; t++) {
        /* Operand reads of the compute at the innermost keeping level. */
        const int k = w->innermost_keeper[t];
        const uint64_t acc = w->step_iterations * w->compute_factor[t];
        if (k >= 0) {
            st->inner[k][t].reads += acc;
            if (t == w->model->output) {
                st->inner[k][t].updates += acc;
                /* The first touch of an output element reads nothing: a keeper at or above
                 * the depth sees the step's region for the first time when every step loop
                 * irrelevant to the output is at index 0 (deeper keepers: below). */
                if (w->elide && (guint)k <= w->depth && digits_zero(w, w->out_irr))
                    st->inner[k][t].reads -= w->out_first;
            }
        }
        for (guint l = 1; l < w->nl; l++) {
            LevelTensor *x = &w->lt[l][t];
            if (!x->kept || x->backing)
                continue;
            TsWalkCounts *at = &st->inner[l][t];
            TsWalkCounts *pe = &st->inner[x->peer][t];
            if (x->slide) {
                uint64_t in = 0, d = slide_boundary(w, x, carry, &in);
                if (l <= w->depth && d > 0) {
                    add_xfer(st->before, &st->n_before, TS_WALK_FILL, l, x, t, x->filled, d, 0);
                    tile_origin(w, l, st->before[st->n_before - 1].origin);
                    x->filled++;
                } else if (d > 0) {
                    at->fills += d;
                    pe->reads += d * x->peer_factor;
                }
                at->fills += in;
                pe->reads += in * x->peer_factor;
                continue;
            }
            uint64_t starts, firsts, ends;
            gboolean boundary_first = FALSE;
            if (x->span > 0) {
                starts = s % x->span == 0;
                ends = (s + 1) % x->span == 0 || last;
                boundary_first = w->elide && starts && digits_zero(w, x->irr_mask);
                firsts = boundary_first;
            } else {
                starts = ends = x->in_versions;
                firsts = w->elide && digits_zero(w, x->irr_mask) ? x->in_first : 0;
            }
            const uint64_t version = x->span > 0 ? s / x->span : 0;
            if (x->output && k >= 0 && (guint)k == l && l > w->depth)
                st->inner[l][t].reads -= firsts * x->tile; /* first touches: no read */
            if (l <= w->depth) {
                /* Boundary transfers of the explicit levels. */
                if (starts) {
                    const gboolean elide = x->output && boundary_first;
                    add_xfer(st->before, &st->n_before, TS_WALK_FILL, l, x, t, version,
                             elide ? 0 : x->tile, x->output && !elide ? prev_visit(w, x) : 0);
                    tile_origin(w, l, st->before[st->n_before - 1].origin);
                }
                continue;
            }
            const uint64_t fills = x->output ? starts - firsts : starts;
            at->fills += fills * x->tile;
            pe->reads += fills * x->tile * x->peer_factor;
            if (x->output)
                pe->updates += ends * x->tile * x->peer_factor;
        }
    }
    /* Write-backs of the explicit levels' output tiles the step completes, innermost first. */
    const guint out = w->model->output;
    for (guint l = w->depth + 1; l-- > 1;) {
        LevelTensor *x = &w->lt[l][out];
        if (!x->kept || x->backing)
            continue;
        if ((s + 1) % x->span == 0 || last) {
            add_xfer(st->after, &st->n_after, TS_WALK_UPDATE, l, x, out, s / x->span, x->tile, 0);
            tile_origin(w, l, st->after[st->n_after - 1].origin);
        }
    }
    /* every instance does the same */
    st->macs = st->iterations * w->tab->nest.compute_instances;
    for (guint l = 0; l < w->nl; l++) {
        const uint64_t inst = w->tab->nest.instances[w->nl - 1 - l];
        for (guint t = 0; t < w->nt; t++) {
            TsWalkCounts *k = &st->inner[l][t];
            k->reads_all = k->reads * inst;
            k->fills_all = k->fills * inst;
            k->updates_all = k->updates * inst;
        }
    }
    for (guint i = 0; i < st->n_before + st->n_after; i++) {
        TsWalkXfer *r = i < st->n_before ? &st->before[i] : &st->after[i - st->n_before];
        r->elements_all = r->elements * w->tab->nest.instances[w->nl - 1 - r->level];
        r->peer_elements_all = r->peer_elements * w->tab->nest.instances[w->nl - 1 - r->peer];
    }
    w->step++;
    return TRUE;
}

/* ---- Accessors ---------------------------------------------------------------------------- */

guint ts_walk_depth(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->depth;
}

gboolean ts_walk_imperfect(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, FALSE);
    return w->imperfect;
}

uint64_t ts_walk_n_steps(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->n_steps;
}

guint ts_walk_n_step_loops(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->ns;
}

uint64_t ts_walk_step_span(const TsWalk *w, guint i)
{
    g_return_val_if_fail(w != NULL && i <= w->ns, 0);
    return w->tab->place[i];
}

const TsModel *ts_walk_model(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, NULL);
    return w->model;
}

const TsMapping *ts_walk_mapping(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, NULL);
    return &w->tab->mapping;
}

gboolean ts_walk_keeps(const TsWalk *w, guint level, guint tensor)
{
    g_return_val_if_fail(w != NULL && level < w->nl && tensor < w->nt, FALSE);
    return w->lt[level][tensor].kept;
}

uint64_t ts_walk_tile(const TsWalk *w, guint level, guint tensor)
{
    g_return_val_if_fail(w != NULL && level < w->nl && tensor < w->nt, 0);
    return w->lt[level][tensor].tile;
}

uint64_t ts_walk_versions(const TsWalk *w, guint level, guint tensor)
{
    g_return_val_if_fail(w != NULL && level < w->nl && tensor < w->nt, 0);
    const LevelTensor *x = &w->lt[level][tensor];
    return x->kept ? (x->backing ? 1 : x->versions) : 0;
}

uint64_t ts_walk_instances(const TsWalk *w, guint level)
{
    g_return_val_if_fail(w != NULL && level < w->nl, 0);
    return w->tab->nest.instances[w->nl - 1 - level];
}

uint64_t ts_walk_step_iterations(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->step_iterations;
}

uint64_t ts_walk_compute_instances(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->tab->nest.compute_instances;
}

uint64_t ts_walk_compute_iterations(const TsWalk *w)
{
    g_return_val_if_fail(w != NULL, 0);
    return w->tab->nest.compute_iterations;
}

const uint64_t *ts_walk_box(const TsWalk *w, guint level, guint tensor)
{
    g_return_val_if_fail(w != NULL && level < w->nl && tensor < w->nt, NULL);
    return w->lt[level][tensor].box;
}

uint64_t ts_walk_words(const TsWalk *w, guint level, guint tensor, uint64_t elements)
{
    g_return_val_if_fail(w != NULL && level < w->nl && tensor < w->nt, 0);
    return ts_model_words(w->model, level, tensor, elements);
}

void ts_walk_dma_calls(const TsWalk *w, guint level, guint tensor, uint64_t *read_calls,
                       uint64_t *write_calls)
{
    g_return_if_fail(w != NULL && level < w->nl && tensor < w->nt && read_calls != NULL &&
                     write_calls != NULL);
    ts_model_dma_calls(w->model, &w->tab->mapping, &w->tab->nest, level, tensor, read_calls,
                       write_calls);
}
