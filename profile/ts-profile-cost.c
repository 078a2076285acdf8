/* One op on one device profile, as UPMEM's LLM profiler (upmem_llm_framework @8c64e9cd,
 * base_architecture.py and simulator.py) costs the module or function the op stands for:
 * linear layers as a roofline over FLOPs = 2·M·K·N and the weight bytes, softmax / SiLU /
 * RMSNorm at the profile's latency per element, attention through its scaled-dot-product path
 * (KV cache loads in decode overlapped with the products), the rest through its generic layer
 * path. The rules and each quirk kept or corrected are listed in docs/profile.md. */
#include "ts-profile.h"

#include <string.h>

#include "ts-config.h"

const char *ts_profile_mode_name(TsProfileMode mode)
{
    return mode == TS_PROFILE_CORRECTED ? "corrected" : "compat";
}

gboolean ts_profile_mode_parse(const char *text, TsProfileMode *out, GError **error)
{
    static const char *const names[] = {"compat", "corrected", NULL};
    for (guint i = 0; names[i]; i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (TsProfileMode)i;
            return TRUE;
        }
    }
    g_autofree char *hint = ts_config_suggest(text, names);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown profile mode '%s'%s; expected compat or corrected (got '%s')", text, hint,
                text);
    return FALSE;
}

double ts_profile_phase_energy_pj(const TsProfilePhase *p)
{
    return p->energy_compute_pj + p->energy_mem_pj + p->energy_h2d_pj + p->energy_d2h_pj;
}

double ts_profile_phase_time_ns(const TsProfilePhase *p, guint variant)
{
    switch (variant) {
    case 1:
        return p->time_eff_ns;
    case 2:
        return p->overlap_ns;
    case 3:
        return p->overlap_eff_ns;
    default:
        return p->time_ns;
    }
}

/* The tensor an op takes in (its "Inputs", else the first read-only tensor). */
static int input_tensor(const TsOp *op)
{
    int t = ts_op_find_tensor(op, "Inputs");
    if (t >= 0)
        return t;
    for (guint i = 0; i < op->n_tensors; i++) {
        if (i != op->output)
            return (int)i;
    }
    return op->output;
}

/* Rows of the op's input: the tokens dimension L (tilesim's builders), else M, else 1. */
static double op_rows(const TsOp *op)
{
    int d = ts_op_find_dim(op, "L");
    if (d < 0)
        d = ts_op_find_dim(op, "M");
    return d >= 0 ? (double)op->dims[d] : 1.0;
}

static double per_element_ns(const TsDeviceProfile *dev, TsElementwiseKind kind)
{
    switch (kind) {
    case TS_EW_SOFTMAX:
        return dev->softmax_ns_per_element > 0 ? dev->softmax_ns_per_element
                                               : TS_PROFILE_SOFTMAX_NS_DEFAULT;
    case TS_EW_SILU:
        return dev->silu_ns_per_element > 0 ? dev->silu_ns_per_element : TS_PROFILE_SILU_NS_DEFAULT;
    case TS_EW_RMSNORM:
        return dev->rmsnorm_ns_per_element > 0 ? dev->rmsnorm_ns_per_element
                                               : TS_PROFILE_RMSNORM_NS_DEFAULT;
    default:
        return 0.0;
    }
}

static double curve_size(const TsEfficiencyCurve *c, const TsProfileOpCost *o)
{
    switch (c->by) {
    case TS_EFFICIENCY_BY_M:
        return o->rows;
    case TS_EFFICIENCY_BY_FLOPS:
        return o->flops;
    case TS_EFFICIENCY_BY_BYTES:
        return o->weight_bytes + o->kv_bytes;
    }
    return 1.0;
}

gboolean ts_profile_op_cost(const TsDeviceProfile *dev, const TsOp *op,
                            const TsTransformerConfig *cfg, const TsProfileOptions *options,
                            TsProfileOpCost *out, GError **error)
{
    g_return_val_if_fail(dev != NULL && op != NULL && options != NULL && out != NULL, FALSE);
    memset(out, 0, sizeof *out);
    if (op->kind == TS_OP_LUT) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the profile engine has no rule for LUT-NN ops (the profiler knows "
                    "linear layers and per-element functions); use the analytical engine",
                    op->name);
        return FALSE;
    }
    if (cfg != NULL && cfg->nonlinear == TS_NONLINEAR_EINSUM) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the profile engine costs softmax and norms per element; build the "
                    "workload with nonlinear: elementwise (got nonlinear: einsum)",
                    op->name);
        return FALSE;
    }
    const gboolean compat = options->mode == TS_PROFILE_COMPAT;
    const double count = (double)op->count;
    /* The profiler's one data type (data_type_bytes): activations and transfers. */
    const int in_t = input_tensor(op);
    const double act_bits =
        cfg ? cfg->precision.activations.bits : op->tensors[in_t].precision.bits;
    const double act_bytes = act_bits / 8.0;
    const double in_elems = (double)ts_op_tensor_elements(op, (guint)in_t);
    const double out_elems = (double)ts_op_tensor_elements(op, op->output);
    out->in_bytes_instance = in_elems * act_bytes;
    out->in_bytes = out->in_bytes_instance * count;
    out->out_bytes = out_elems * act_bytes * count;
    out->rows = op_rows(op);

    /* Peak: tflops_int4 when weights and activations are 4-bit and the profile gives it (the
     * profiler switches on data_type_bytes 0.5), else tflops. */
    int w_t = ts_op_find_tensor(op, "Weights");
    double w_bits = op->param_elements > 0 ? op->param_precision.bits
                    : w_t >= 0             ? op->tensors[w_t].precision.bits
                                           : act_bits;
    double peak = dev->flops_per_s;
    if (dev->flops_int4_per_s > 0 && w_bits == 4 && act_bits == 4)
        peak = dev->flops_int4_per_s;
    out->peak_flops_per_s = peak;

    const double elements = (double)op->elements * count;
    double per_elem_ns = 0.0;
    gboolean untraced = FALSE;
    if (op->kind == TS_OP_EINSUM) {
        out->flops = 2.0 * (double)op->macs * count;
        if (op->param_elements > 0) {
            out->weight_bytes = (double)ts_op_param_bytes(op) * count;
            out->how = "roofline: 2 FLOPs per MAC, the weights read once (inputs and outputs not "
                       "counted)";
        } else {
            gboolean attention =
                cfg != NULL && (strcmp(op->name, "KTQ") == 0 || strcmp(op->name, "VScores") == 0);
            out->how = "roofline: 2 FLOPs per MAC, no weights (the op declares no "
                       "parameters)";
            if (attention) {
                uint64_t b = cfg->batch, hd = cfg->hidden / cfg->heads;
                uint64_t kvh = cfg->kv_heads ? cfg->kv_heads : cfg->heads;
                uint64_t q_len = cfg->phase == TS_PHASE_DECODE ? 1 : cfg->seq;
                if (compat)
                    /* its sdpa path: Linear FLOPs of the query against weight_shape[0] = batch */
                    out->flops = 2.0 * (double)b * (double)(b * cfg->heads * q_len * hd);
                out->how = compat ? "the profiler's scaled-dot-product path: 2 x batch x query "
                                    "elements FLOPs, the K or V cache read in decode "
                                    "(overlapped)"
                                  : "2 FLOPs per MAC, the K or V cache read in decode "
                                    "(overlapped)";
                if (cfg->phase == TS_PHASE_DECODE) {
                    int kv_t = ts_op_find_tensor(op, "Weights");
                    if (compat) {
                        /* load_data: always 2 bytes per element; the window's rows when set */
                        uint64_t rows = cfg->sliding_window ? cfg->sliding_window : cfg->kv_len;
                        out->kv_bytes = 2.0 * (double)(b * kvh) * (double)rows * (double)hd;
                    } else if (kv_t >= 0) {
                        out->kv_bytes = (double)ts_op_tensor_bytes(op, (guint)kv_t) * count;
                    }
                }
            }
        }
    } else {
        switch (op->ew_kind) {
        case TS_EW_SOFTMAX:
        case TS_EW_SILU:
        case TS_EW_RMSNORM:
            per_elem_ns = per_element_ns(dev, op->ew_kind);
            out->flops = elements * TS_PROFILE_MISC_FLOPS_PER_ELEMENT;
            out->how = "the profile's latency per element (or the profiler's default), energy of "
                       "1,500 FLOPs per element";
            break;
        case TS_EW_LAYERNORM:
            out->flops = elements * TS_PROFILE_MISC_FLOPS_PER_ELEMENT;
            out->weight_bytes = compat ? act_bytes * count : (double)ts_op_param_bytes(op) * count;
            out->how = compat ? "1,500 FLOPs per element at peak, a 1x1 weight (the profiler's "
                                "LayerNorm)"
                              : "1,500 FLOPs per element at peak, gamma and beta read";
            break;
        case TS_EW_GELU:
            out->flops = 2.0 * elements;
            out->weight_bytes = compat ? act_bytes * count : 0.0;
            out->how = "2 FLOPs per element at peak (the profiler's generic layer)";
            break;
        case TS_EW_ROPE:
            if (compat) {
                /* LlamaRotaryEmbedding(value_states): 2 FLOPs per element of V, 1x1 weight */
                double v = elements;
                if (cfg != NULL) {
                    uint64_t kvh = cfg->kv_heads ? cfg->kv_heads : cfg->heads;
                    v = out->rows * (double)(kvh * (cfg->hidden / cfg->heads)) * count;
                }
                out->flops = 2.0 * v;
                out->weight_bytes = act_bytes * count;
                out->how = "2 FLOPs per element of the value states, a 1x1 weight (the "
                           "profiler's generic layer)";
            } else {
                out->flops = 3.0 * elements;
                out->how = "3 FLOPs per element of Q and K";
            }
            break;
        case TS_EW_EMBED:
            if (compat) {
                out->flops = 2.0 * out->rows * count;
                out->weight_bytes = act_bytes * count;
                out->how = "2 FLOPs per token, a 1x1 weight (the profiler's generic layer)";
            } else {
                out->weight_bytes = (double)ts_op_param_bytes(op) * count;
                out->how = "one table row read per token";
            }
            break;
        case TS_EW_ADD:
        case TS_EW_MUL:
        case TS_EW_COUNT_:
            if (compat) {
                untraced = TRUE;
                out->how = "not traced by the profiler (a Python operator): no cost, no data "
                           "movement";
            } else {
                out->flops = elements;
                out->how = "1 FLOP per element at peak, no memory traffic";
            }
            break;
        }
    }
    if (untraced)
        out->flops = 0.0;

    const double pj_per_flop = dev->pj_per_tflop / 1e12;
    if (per_elem_ns > 0.0) {
        out->compute_ns = elements * per_elem_ns;
    } else {
        out->compute_ns = out->flops / peak * 1e9;
    }
    out->mem_ns = out->weight_bytes / dev->mem_bw_bytes_per_s * 1e9;
    out->kv_ns = out->kv_bytes / dev->mem_bw_bytes_per_s * 1e9;
    out->time_ns = MAX(out->compute_ns, out->mem_ns + out->kv_ns);
    out->energy_compute_pj = out->flops * pj_per_flop;
    out->energy_mem_pj = (out->weight_bytes + out->kv_bytes) * 8.0 * dev->mem_pj_per_bit;
    out->bound = untraced                                      ? "untraced"
                 : per_elem_ns > 0.0                           ? "per-element"
                 : out->compute_ns >= out->mem_ns + out->kv_ns ? "compute"
                                                               : "memory";

    out->h2d_ns = out->in_bytes / dev->h2d_bw_bytes_per_s * 1e9;
    out->h2d_pj = out->in_bytes * 8.0 * dev->h2d_pj_per_bit;
    out->d2h_ns = out->out_bytes / dev->d2h_bw_bytes_per_s * 1e9;
    out->d2h_pj = out->out_bytes * 8.0 * dev->d2h_pj_per_bit;

    /* Efficiency curves apply to the roofline terms; per-element latencies are measured
     * figures and stay as given. */
    out->eff_compute = out->eff_memory = 1.0;
    if (per_elem_ns == 0.0 && !untraced) {
        if (dev->compute_efficiency.n > 0)
            out->eff_compute = ts_efficiency_at(&dev->compute_efficiency,
                                                curve_size(&dev->compute_efficiency, out));
        if (dev->memory_efficiency.n > 0)
            out->eff_memory =
                ts_efficiency_at(&dev->memory_efficiency, curve_size(&dev->memory_efficiency, out));
    }
    out->time_eff_ns =
        MAX(out->compute_ns / out->eff_compute, (out->mem_ns + out->kv_ns) / out->eff_memory);
    return TRUE;
}
