/* Random valid mappings of an op through both engines, for the suites that check the DES
 * against the analytical model over many mappings (tests/exec). */
#ifndef TS_TEST_EXEC_RUNS_H
#define TS_TEST_EXEC_RUNS_H

#include <glib.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-model.h"
#include "ts-test-mappings.h"
#include "ts-test.h"

/* One mapping's figures: the model's per-instance cost and the DES's run of count instances. */
typedef void (*TsTestExecRunFn)(const TsModel *model, const TsMapping *mapping,
                                const TsCost *cost, const TsExecOpResult *des, uint64_t count,
                                void *data);

/* Draws up to n random valid mappings of op on arch (ts_test_random_mappings, 400 n tries),
 * evaluates each with the model (which must accept it) and, unless linked_only and it makes no
 * host-link call, runs it through the DES (every instance of op, max_steps 512; the run must
 * succeed) and hands the figures to fn. Returns the number of mappings drawn. */
static inline guint ts_test_exec_random_runs(const TsArch *arch, const TsOp *op, GRand *rng,
                                             guint n, gboolean linked_only, TsTestExecRunFn fn,
                                             void *data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsMapping *maps = g_new0(TsMapping, n);
    const guint found = ts_test_random_mappings(arch, model, op, rng, maps, n, 400 * n);
    const uint64_t count = MAX(op->count, 1);
    for (guint i = 0; i < found; i++) {
        TsCost cost;
        CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &maps[i], &cost), TS_EVAL_OK);
        if (linked_only && cost.link_calls == 0)
            continue;
        TsExecOptions opt = {.max_steps = 512};
        TsExecOpResult x;
        CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &maps[i], count, &opt, &x, &error));
        fn(model, &maps[i], &cost, &x, count, data);
    }
    g_free(maps);
    return found;
}

#endif /* TS_TEST_EXEC_RUNS_H */
