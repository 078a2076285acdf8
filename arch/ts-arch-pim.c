/* Costs of a UPMEM-like DPU that both engines share (docs/pim.md): issue slots per operation
 * from the ISA and the runtime library's routines, the slots of an inner-product MAC at a
 * precision, and the MRAM <-> WRAM DMA latency alpha + beta x bytes. Pure functions of the
 * arch's typed spec. */
#include "ts-arch-private.h"

#include <math.h>

static const char *const op_keys[TS_DPU_OP_COUNT_] = {
#define TS_DPU_X_KEY(key, def, doc) #key,
    TS_DPU_OP_LIST(TS_DPU_X_KEY)
#undef TS_DPU_X_KEY
};

static const double op_defaults[TS_DPU_OP_COUNT_] = {
#define TS_DPU_X_DEF(key, def, doc) def,
    TS_DPU_OP_LIST(TS_DPU_X_DEF)
#undef TS_DPU_X_DEF
};

static const char *const op_docs[TS_DPU_OP_COUNT_] = {
#define TS_DPU_X_DOC(key, def, doc) doc,
    TS_DPU_OP_LIST(TS_DPU_X_DOC)
#undef TS_DPU_X_DOC
};

const char *ts_dpu_op_key(TsDpuOp op)
{
    g_return_val_if_fail(op < TS_DPU_OP_COUNT_, "?");
    return op_keys[op];
}

double ts_dpu_op_default(TsDpuOp op)
{
    g_return_val_if_fail(op < TS_DPU_OP_COUNT_, 0.0);
    return op_defaults[op];
}

const char *ts_dpu_op_doc(TsDpuOp op)
{
    g_return_val_if_fail(op < TS_DPU_OP_COUNT_, "?");
    return op_docs[op];
}

/* The slots of one table entry, or -1 with *missing. */
static double slots(const TsPimCoreSpec *spec, TsDpuOp op, const char **missing)
{
    double v = spec->dpu_slots[op];
    if (v > 0.0)
        return v;
    if (missing != NULL && *missing == NULL)
        *missing = op_keys[op];
    return -1.0;
}

double ts_pim_dpu_arith_slots(const TsPimCoreSpec *spec, TsDpuArith op, guint bits, gboolean fp,
                              guint steps, const char **missing)
{
    g_return_val_if_fail(spec != NULL, -1.0);
    if (missing != NULL)
        *missing = NULL;
    if (fp) {
        const gboolean dbl = bits > 32;
        static const TsDpuOp f32[] = {TS_DPU_OP_add_fp32, TS_DPU_OP_sub_fp32, TS_DPU_OP_mul_fp32,
                                      TS_DPU_OP_div_fp32};
        static const TsDpuOp f64[] = {TS_DPU_OP_add_fp64, TS_DPU_OP_sub_fp64, TS_DPU_OP_mul_fp64,
                                      TS_DPU_OP_div_fp64};
        return slots(spec, dbl ? f64[op] : f32[op], missing);
    }
    const gboolean wide = bits > 32;
    switch (op) {
    case TS_DPU_ADD:
        return slots(spec, wide ? TS_DPU_OP_add_int64 : TS_DPU_OP_add_int32, missing);
    case TS_DPU_SUB:
        return slots(spec, wide ? TS_DPU_OP_sub_int64 : TS_DPU_OP_sub_int32, missing);
    case TS_DPU_MUL:
        if (wide)
            return slots(spec, TS_DPU_OP_mul_int64, missing);
        if (bits <= 8)
            return slots(spec, TS_DPU_OP_mul_int8, missing);
        if (bits <= 16)
            return slots(spec, TS_DPU_OP_mul_int16, missing);
        {
            double c = slots(spec, TS_DPU_OP_mul_int32_call, missing);
            return c < 0.0 ? c : c + (double)MIN(steps, 32u);
        }
    case TS_DPU_DIV:
        if (wide)
            return slots(spec, TS_DPU_OP_div_int64, missing);
        {
            double c = slots(spec, TS_DPU_OP_div_int32_call, missing);
            return c < 0.0 ? c : c + (double)MIN(steps, 32u);
        }
    }
    return -1.0;
}

double ts_pim_dpu_mac_slots(const TsPimCoreSpec *spec, guint a_bits, gboolean a_fp, guint b_bits,
                            gboolean b_fp, guint acc_bits, gboolean acc_fp, const char **missing)
{
    g_return_val_if_fail(spec != NULL, -1.0);
    const char *miss = NULL;
    const gboolean fp = a_fp || b_fp;
    const guint wide = MAX(a_bits, b_bits);
    double loop = slots(spec, TS_DPU_OP_loop, &miss);
    double mul = ts_pim_dpu_arith_slots(spec, TS_DPU_MUL, wide, fp, MIN(a_bits, b_bits),
                                        miss ? NULL : &miss);
    double add =
        ts_pim_dpu_arith_slots(spec, TS_DPU_ADD, acc_bits, acc_fp || fp, 0, miss ? NULL : &miss);
    if (missing != NULL)
        *missing = miss;
    if (loop < 0.0 || mul < 0.0 || add < 0.0)
        return -1.0;
    return loop + mul + add;
}

/* ---- Host transfers ------------------------------------------------------------------------ */

/* min over the limits that are given (> 0); 0 when none is. */
static double min_given(double a, double b)
{
    if (a <= 0.0)
        return b;
    if (b <= 0.0)
        return a;
    return MIN(a, b);
}

double ts_host_link_rate(const TsHostLinkSpec *spec, TsXferKind kind, guint64 n_devices)
{
    g_return_val_if_fail(spec != NULL, 0.0);
    const gboolean d2h = kind == TS_XFER_SERIAL_D2H || kind == TS_XFER_PARALLEL_D2H;
    const double cap = d2h ? spec->d2h_bw_bytes_per_s : spec->h2d_bw_bytes_per_s;
    if (spec->devices_per_rank == 0 || n_devices == 0) {
        if (kind == TS_XFER_BROADCAST && spec->broadcast_bw_bytes_per_s > 0.0)
            return spec->broadcast_bw_bytes_per_s;
        return cap;
    }
    const double dev = d2h ? spec->device_d2h_bw_bytes_per_s : spec->device_h2d_bw_bytes_per_s;
    const double rank = d2h ? spec->rank_d2h_bw_bytes_per_s : spec->rank_h2d_bw_bytes_per_s;
    const guint64 per = spec->devices_per_rank;
    const double ranks = (double)((n_devices + per - 1) / per);
    const double in_rank = (double)MIN(n_devices, per);
    switch (kind) {
    case TS_XFER_SERIAL_H2D:
    case TS_XFER_SERIAL_D2H:
        return min_given(dev, cap);
    case TS_XFER_PARALLEL_H2D:
    case TS_XFER_PARALLEL_D2H:
        return min_given(ranks * min_given(dev > 0.0 ? in_rank * dev : 0.0, rank), cap);
    case TS_XFER_BROADCAST: {
        /* Each copy counts: the rank rate for one buffer sent to every device of the rank. */
        double b = min_given(dev > 0.0 ? in_rank * dev : 0.0, spec->broadcast_bw_bytes_per_s);
        if (b > 0.0)
            return ranks * b;
        /* neither rate given: one copy after another, as a parallel transfer */
        return ts_host_link_rate(spec, TS_XFER_PARALLEL_H2D, n_devices);
    }
    }
    return cap;
}

double ts_host_link_transfer_s(const TsHostLinkSpec *spec, TsXferKind kind, double bytes_per_device,
                               guint64 n_devices)
{
    g_return_val_if_fail(spec != NULL, 0.0);
    const double bytes = bytes_per_device * (double)MAX(n_devices, (guint64)1);
    const double rate = ts_host_link_rate(spec, kind, n_devices);
    double t = (spec->latency_ps + spec->dma_setup_ps) * 1e-12;
    if (kind == TS_XFER_SERIAL_H2D || kind == TS_XFER_SERIAL_D2H)
        t *= (double)MAX(n_devices, (guint64)1); /* one call per device */
    return t + (rate > 0.0 ? bytes / rate : 0.0);
}
