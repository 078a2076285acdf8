/* The native tilesim architecture format (docs/arch-reference.md): `architecture:` with name,
 * clock, technology and `levels:` outermost first; an entry is a component (`class:` +
 * `attributes:`, validated by the class's schema table in ts-arch-schema.c, with `preset:` +
 * overrides for DRAM) or a container (`spatial: {meshX, meshY}` + nested `levels:`) that
 * replicates everything inside. systolic_array and pim_core entries expand into several levels
 * (documented in docs/arch-reference.md). Derived values are left to ts-arch-derive.c. */
#include "ts-arch-private.h"

#include <math.h>
#include <string.h>

typedef struct {
    TsArch *arch;
    GError **error;
    const char *path; /* key path of the entry being built */
} NvCtx;

typedef struct {
    guint64 mult, mx, my;
} NvScope;

static gboolean given(const TsField *fields, guint64 mask, const char *key)
{
    int i = ts_arch_field_index(fields, key);
    g_assert(i >= 0 && i < 64);
    return (mask >> i) & 1;
}

static const TsNode *attr_node(const TsNode *attrs, const char *key)
{
    return attrs != NULL && attrs->kind == TS_NODE_MAPPING ? ts_node_get(attrs, key) : NULL;
}

/* A bandwidth: words per cycle of the arch clock, or a quantity in B/s converted with the arch
 * clock and the level's word width. */
static gboolean nv_bandwidth(NvCtx *c, const TsNode *node, const char *path, guint word_bits,
                             double *out)
{
    if (node == NULL)
        return TRUE;
    g_autoptr(GError) local = NULL;
    double v;
    const double bytes_per_word_cycle = c->arch->clock_hz * word_bits / 8.0;
    gboolean words = node->kind == TS_NODE_SCALAR && ts_node_double(node, path, &v, &local);
    if (!words) {
        g_clear_error(&local);
        if (!(node->kind == TS_NODE_SCALAR &&
              ts_node_quantity(node, path, TS_UNIT_BANDWIDTH, &v, &local)))
            v = NAN;
    }
    if (!isnan(v)) {
        double bps = words ? v * bytes_per_word_cycle : v;
        if (!(v > 0) || !(bps <= TS_RANGE_BW_MAX_BPS)) {
            ts_config_error(c->error, node, TS_CONFIG_ERROR_RANGE, path,
                            "must be > 0 and <= %g B/s per instance (got %s)",
                            TS_RANGE_BW_MAX_BPS, node->value);
            return FALSE;
        }
        *out = words ? v : v / bytes_per_word_cycle;
        return TRUE;
    }
    ts_config_error(
        c->error, node, node->kind == TS_NODE_SCALAR ? TS_CONFIG_ERROR_UNIT : TS_CONFIG_ERROR_TYPE,
        path, "expected words per cycle (16) or a bandwidth such as 25.6GB/s (got '%s')",
        node->kind == TS_NODE_SCALAR ? node->value : "a collection");
    return FALSE;
}

static int new_level(NvCtx *c, const char *name, TsClass klass, const TsNode *where,
                     const NvScope *s, guint64 extra_x, guint64 extra_y)
{
    guint64 inst = s->mult * extra_x * extra_y;
    if (inst > G_MAXUINT32) {
        ts_config_error(c->error, where, TS_CONFIG_ERROR_RANGE, c->path,
                        "too many instances of '%s': at most %u (got %" G_GUINT64_FORMAT ")", name,
                        G_MAXUINT32, inst);
        return -1;
    }
    int idx = ts_arch_add_level(c->arch, name, klass, where, c->error);
    if (idx < 0)
        return -1;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)idx);
    l->instances = (uint32_t)inst;
    l->mesh_x = (uint32_t)(s->mx * extra_x);
    l->mesh_y = (uint32_t)(s->my * extra_y);
    ts_arch_level_priv(c->arch, (guint)idx)->energy_model = TS_ENERGY_MODEL_TABLE;
    if (c->path != NULL)
        ts_arch_set_level_path(c->arch, (guint)idx, c->path);
    return idx;
}

/* Explicit per-action energies and static power / area common to many classes. */
static void nv_energies(NvCtx *c, guint idx, const TsField *f, guint64 mask, const TsNativeAttrs *a)
{
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, idx);
    gboolean any = FALSE;
    if (ts_arch_field_index(f, "read_energy") >= 0 && given(f, mask, "read_energy")) {
        l->energy.read_pj = a->read_energy;
        p->energy_set |= TS_E_READ;
        any = TRUE;
    }
    if (ts_arch_field_index(f, "write_energy") >= 0 && given(f, mask, "write_energy")) {
        l->energy.write_pj = a->write_energy;
        p->energy_set |= TS_E_WRITE;
        any = TRUE;
    }
    if (ts_arch_field_index(f, "update_energy") >= 0 && given(f, mask, "update_energy")) {
        l->energy.update_pj = a->update_energy;
        p->energy_set |= TS_E_UPDATE;
        any = TRUE;
    }
    if (ts_arch_field_index(f, "mac_energy") >= 0 && given(f, mask, "mac_energy") &&
        l->is_compute) {
        l->energy.mac_pj = a->mac_energy;
        p->energy_set |= TS_E_MAC;
        any = TRUE;
    }
    if (ts_arch_field_index(f, "energy_per_bit") >= 0 && given(f, mask, "energy_per_bit")) {
        l->energy.per_bit_pj = a->energy_per_bit;
        p->energy_set |= TS_E_PER_BIT;
        any = TRUE;
    }
    if (ts_arch_field_index(f, "leak_power") >= 0 && c->arch->clock_hz > 0)
        l->energy.leak_pj_per_cycle = a->leak_power / c->arch->clock_hz * 1e12;
    if (ts_arch_field_index(f, "area") >= 0)
        l->area_um2 = a->area;
    if (any)
        l->energy.source = "yaml";
}

/* Word bits, block size (from width_bits), bandwidths, buffering of a storage level. */
static gboolean nv_storage_common(NvCtx *c, guint idx, const TsField *f, guint64 mask,
                                  const TsNativeAttrs *a, const TsNode *attrs, const char *apath)
{
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    l->is_storage = TRUE;
    guint64 word = a->word_bits, cluster = a->cluster_size ? a->cluster_size : 1, block = 1;
    g_autofree char *wp = ts_path_key(apath, "width_bits");
    if (given(f, mask, "block_size")) {
        block = a->block_size;
        if (given(f, mask, "width_bits") && a->width_bits != word * block * cluster) {
            ts_config_error(c->error, attr_node(attrs, "width_bits"), TS_CONFIG_ERROR_INVALID, wp,
                            "must equal word_bits x block_size x cluster_size = %" G_GUINT64_FORMAT
                            " (got %" G_GUINT64_FORMAT ")",
                            word * block * cluster, a->width_bits);
            return FALSE;
        }
    } else if (given(f, mask, "width_bits")) {
        if (a->width_bits % (word * cluster) != 0) {
            ts_config_error(c->error, attr_node(attrs, "width_bits"), TS_CONFIG_ERROR_INVALID, wp,
                            "must be a multiple of word_bits x cluster_size = %" G_GUINT64_FORMAT
                            " (got %" G_GUINT64_FORMAT ")",
                            word * cluster, a->width_bits);
            return FALSE;
        }
        block = a->width_bits / (word * cluster);
    }
    if (word > 4096 || block > G_MAXUINT32) {
        ts_config_error(c->error, attrs, TS_CONFIG_ERROR_RANGE, apath,
                        "word_bits must be <= 4096 and block_size < 2^32");
        return FALSE;
    }
    l->word_bits = (uint32_t)word;
    l->block_size = (uint32_t)block;
    l->cluster_size = (uint32_t)cluster;
    static const char *const bws[] = {"read_bandwidth", "write_bandwidth", "shared_bandwidth"};
    double *dst[] = {&l->read_bw_words_per_cycle, &l->write_bw_words_per_cycle,
                     &l->shared_bw_words_per_cycle};
    for (guint i = 0; i < 3; i++) {
        g_autofree char *bp = ts_path_key(apath, bws[i]);
        if (!nv_bandwidth(c, attr_node(attrs, bws[i]), bp, l->word_bits, dst[i]))
            return FALSE;
    }
    if (ts_arch_field_index(f, "multiple_buffering") >= 0) {
        l->multiple_buffering = a->multiple_buffering;
        l->min_utilization = a->min_utilization;
    }
    nv_energies(c, idx, f, mask, a);
    return TRUE;
}

/* ---- Classes ------------------------------------------------------------------------------ */

static gboolean nv_sram(NvCtx *c, guint idx, TsClass klass, guint64 mask, TsNativeAttrs *a,
                        const TsNode *attrs, const char *apath, const TsNode *where)
{
    const TsField *f = ts_arch_class_fields(klass);
    if (!nv_storage_common(c, idx, f, mask, a, attrs, apath))
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    gboolean has_depth = given(f, mask, "depth"), has_entries = given(f, mask, "entries");
    gboolean has_size = given(f, mask, "size");
    if (!has_depth && !has_entries && !has_size) {
        ts_config_error(c->error, attrs ? attrs : where, TS_CONFIG_ERROR_MISSING, apath,
                        "missing required key 'depth' (or 'entries' or 'size')");
        return FALSE;
    }
    guint64 words = 0;
    gboolean have = FALSE;
    const char *first = NULL;
    struct {
        gboolean on;
        const char *key;
        double words;
    } alts[] = {
        {has_depth, "depth", (double)a->depth * l->block_size},
        {has_entries, "entries", (double)a->entries},
        {has_size, "size", a->size_bytes * 8.0 / l->word_bits},
    };
    for (guint i = 0; i < G_N_ELEMENTS(alts); i++) {
        if (!alts[i].on)
            continue;
        g_autofree char *kp = ts_path_key(apath, alts[i].key);
        const TsNode *kn = attr_node(attrs, alts[i].key);
        if (alts[i].words != floor(alts[i].words) || alts[i].words > 1.8e19) {
            ts_config_error(c->error, kn, TS_CONFIG_ERROR_INVALID, kp,
                            "must hold a whole number of %u-bit words (got %s)", l->word_bits,
                            kn ? kn->value : "?");
            return FALSE;
        }
        guint64 w = (guint64)alts[i].words;
        if (have && w != words) {
            ts_config_error(c->error, kn, TS_CONFIG_ERROR_INVALID, kp,
                            "gives %" G_GUINT64_FORMAT " words but %s gives %" G_GUINT64_FORMAT
                            " (got %s)",
                            w, first, words, kn ? kn->value : "?");
            return FALSE;
        }
        words = w;
        have = TRUE;
        first = alts[i].key;
    }
    l->size_words = words;
    l->zero_capacity = words == 0;
    TsSramSpec *s = ts_arch_alloc(c->arch, sizeof *s);
    s->depth = has_depth ? a->depth : (l->block_size ? words / l->block_size : 0);
    s->width_bits = (guint64)l->word_bits * l->block_size * l->cluster_size;
    s->entries = words;
    s->banks = a->banks;
    s->ports = a->ports;
    s->read_latency_cycles = a->read_latency;
    s->is_regfile = klass == TS_CLASS_REGFILE;
    l->spec = s;
    return TRUE;
}

static gboolean nv_dram(NvCtx *c, guint idx, const char *preset, guint64 mask, TsNativeAttrs *a,
                        const TsNode *attrs, const char *apath, const TsNode *where)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_DRAM);
    if (preset == NULL) {
        /* Without a preset every organisation and timing key is required. */
        static const char *const need[] = {"channels",
                                           "ranks",
                                           "bankgroups",
                                           "banks",
                                           "rows",
                                           "columns",
                                           "device_width_bits",
                                           "bus_width_bits",
                                           "burst_length",
                                           "data_rate_mtps",
                                           "tCK",
                                           NULL};
        for (guint i = 0; need[i]; i++) {
            if (!given(f, mask, need[i])) {
                g_autofree char *list = g_strjoinv(", ", (char **)ts_dram_preset_names());
                ts_config_error(c->error, attrs ? attrs : where, TS_CONFIG_ERROR_MISSING, apath,
                                "missing required key '%s' (or give preset: one of %s)", need[i],
                                list);
                return FALSE;
            }
        }
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++) {
            const char *name = ts_dram_timing_name((TsDramTimingId)t);
            if (!given(f, mask, name)) {
                ts_config_error(c->error, attrs ? attrs : where, TS_CONFIG_ERROR_MISSING, apath,
                                "missing required key '%s' (no preset given)", name);
                return FALSE;
            }
        }
    }
    a->dram.has_timing = TRUE;
    if (a->dram_controller != NULL) {
        g_autofree char *cpath = ts_path_key(apath, "controller");
        if (!ts_schema_apply(ts_arch_dram_controller_fields(), a->dram_controller, cpath, &a->dram,
                             NULL, FALSE, c->error))
            return FALSE;
        if (a->dram.address_mapping != NULL) {
            g_autofree char *why = NULL;
            if (!ts_dram_address_mapping_valid(a->dram.address_mapping, &why)) {
                g_autofree char *mp = ts_path_key(cpath, "address_mapping");
                ts_config_error(c->error, ts_node_get(a->dram_controller, "address_mapping"),
                                TS_CONFIG_ERROR_INVALID, mp, "%s", why);
                return FALSE;
            }
        }
    }
    guint64 m = mask;
    if (!given(f, mask, "width_bits") && !given(f, mask, "block_size")) {
        a->width_bits = a->dram.bus_width_bits; /* one bus beat per vector access */
        m |= G_GUINT64_CONSTANT(1) << ts_arch_field_index(f, "width_bits");
    }
    if (!nv_storage_common(c, idx, f, m, a, attrs, apath))
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, idx);
    p->is_dram_tech = TRUE;
    l->size_words = 0; /* unbounded for the mapper; the capacity is in the spec */
    TsDramSpec *d = ts_arch_alloc(c->arch, sizeof *d);
    *d = a->dram;
    if (d->preset)
        d->preset = ts_arch_intern(c->arch, d->preset);
    if (d->address_mapping)
        d->address_mapping = ts_arch_intern(c->arch, d->address_mapping);
    if (d->protocol)
        d->protocol = ts_arch_intern(c->arch, d->protocol);
    l->spec = d;
    return TRUE;
}

static gboolean nv_mac(NvCtx *c, guint idx, guint64 mask, TsNativeAttrs *a)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_MAC);
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, idx);
    l->is_compute = TRUE;
    l->word_bits = (uint32_t)MIN(a->word_bits, 4096);
    TsMacSpec *m = ts_arch_alloc(c->arch, sizeof *m);
    m->word_bits = a->word_bits;
    m->operand_a_bits = given(f, mask, "operand_a_bits") ? a->operand_a_bits : a->word_bits;
    m->operand_b_bits = given(f, mask, "operand_b_bits") ? a->operand_b_bits : a->word_bits;
    m->accumulator_bits =
        given(f, mask, "accumulator_bits") ? a->accumulator_bits : 2 * a->word_bits;
    m->macs_per_cycle = a->macs_per_cycle;
    p->mac_bits_a = (uint32_t)MIN(m->operand_a_bits, 4096);
    p->mac_bits_b = (uint32_t)MIN(m->operand_b_bits, 4096);
    l->compute_word_bits_b = p->mac_bits_b;
    p->macs_per_cycle = a->macs_per_cycle;
    l->spec = m;
    nv_energies(c, idx, f, mask, a);
    return TRUE;
}

static gboolean nv_host_link(NvCtx *c, guint idx, guint64 mask, TsNativeAttrs *a)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_HOST_LINK);
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    TsHostLinkSpec *h = ts_arch_alloc(c->arch, sizeof *h);
    h->h2d_bw_bytes_per_s = a->h2d_bw;
    h->d2h_bw_bytes_per_s = given(f, mask, "d2h_bandwidth") ? a->d2h_bw : a->h2d_bw;
    h->broadcast_bw_bytes_per_s = a->broadcast_bw;
    h->latency_ps = a->latency;
    h->dma_setup_ps = a->dma_setup;
    h->h2d_pj_per_bit = a->h2d_epb;
    h->d2h_pj_per_bit = given(f, mask, "d2h_energy_per_bit") ? a->d2h_epb : a->h2d_epb;
    h->devices_per_rank = a->devices_per_rank;
    h->device_h2d_bw_bytes_per_s = a->device_bw;
    h->device_d2h_bw_bytes_per_s = given(f, mask, "d2h_device_bandwidth") ? a->d2h_device_bw
                                                                          : a->device_bw;
    h->rank_h2d_bw_bytes_per_s = a->rank_bw;
    h->rank_d2h_bw_bytes_per_s = given(f, mask, "d2h_rank_bandwidth") ? a->d2h_rank_bw : a->rank_bw;
    l->energy.per_bit_pj = h->h2d_pj_per_bit;
    l->energy.source = "yaml";
    ts_arch_level_priv(c->arch, idx)->energy_set |= TS_E_PER_BIT;
    l->spec = h;
    return TRUE;
}

static gboolean nv_systolic(NvCtx *c, const char *name, const TsNode *where, const NvScope *s,
                            guint64 mask, TsNativeAttrs *a, const char *apath)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_SYSTOLIC_ARRAY);
    TsSystolicSpec *sp = ts_arch_alloc(c->arch, sizeof *sp);
    sp->rows = a->rows;
    sp->cols = a->cols;
    sp->dataflow = (TsDataflow)a->dataflow;
    sp->word_bits = a->word_bits;
    sp->accumulator_bits =
        given(f, mask, "accumulator_bits") ? a->accumulator_bits : 2 * a->word_bits;
    sp->pe_reg_words = a->pe_reg_words;
    sp->regs_level = -1;
    if (a->word_bits > 4096) {
        ts_config_error(c->error, where, TS_CONFIG_ERROR_RANGE, apath, "word_bits must be <= 4096");
        return FALSE;
    }
    if (a->pe_reg_words > 0) {
        g_autofree char *rn = g_strdup_printf("%s.regs", name);
        int r = new_level(c, rn, TS_CLASS_SYSTOLIC_ARRAY, where, s, a->cols, a->rows);
        if (r < 0)
            return FALSE;
        TsLevel *l = ts_arch_level_mut(c->arch, (guint)r);
        l->class_text = ts_arch_intern(c->arch, "systolic_array.regs");
        l->is_storage = TRUE;
        l->word_bits = (uint32_t)a->word_bits;
        l->size_words = a->pe_reg_words;
        l->spec = sp;
        TsLevelPriv *p = ts_arch_level_priv(c->arch, (guint)r);
        if (given(f, mask, "read_energy")) {
            l->energy.read_pj = a->read_energy;
            p->energy_set |= TS_E_READ;
            l->energy.source = "yaml";
        }
        if (given(f, mask, "write_energy")) {
            l->energy.write_pj = l->energy.update_pj = a->write_energy;
            p->energy_set |= TS_E_WRITE | TS_E_UPDATE;
            l->energy.source = "yaml";
        }
        sp->regs_level = r;
    }
    g_autofree char *mn = g_strdup_printf("%s.mac", name);
    int m = new_level(c, mn, TS_CLASS_SYSTOLIC_ARRAY, where, s, a->cols, a->rows);
    if (m < 0)
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)m);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, (guint)m);
    l->class_text = ts_arch_intern(c->arch, "systolic_array.mac");
    l->is_compute = TRUE;
    l->word_bits = (uint32_t)a->word_bits;
    l->compute_word_bits_b = l->word_bits;
    l->spec = sp;
    l->area_um2 = a->area;
    p->mac_bits_a = p->mac_bits_b = l->word_bits;
    if (given(f, mask, "mac_energy")) {
        l->energy.mac_pj = a->mac_energy;
        p->energy_set |= TS_E_MAC;
        l->energy.source = "yaml";
    }
    sp->mac_level = m;
    return TRUE;
}

static gboolean need_keys(NvCtx *c, const TsField *f, guint64 mask, const char *const *keys,
                          const char *why, const TsNode *where, const char *apath)
{
    for (guint i = 0; keys[i]; i++) {
        if (!given(f, mask, keys[i])) {
            ts_config_error(c->error, where, TS_CONFIG_ERROR_MISSING, apath,
                            "missing required key '%s' (%s)", keys[i], why);
            return FALSE;
        }
    }
    return TRUE;
}

/* A storage level of a PIM expansion: bandwidth in bytes per core cycle converted to words per
 * arch cycle. */
static int pim_storage(NvCtx *c, const char *name, const char *part, const TsNode *where,
                       const NvScope *s, guint word_bits, guint64 bytes, double bytes_per_cycle,
                       double freq, gboolean dram_tech, TsPimCoreSpec *sp)
{
    g_autofree char *ln = g_strdup_printf("%s.%s", name, part);
    int i = new_level(c, ln, TS_CLASS_PIM_CORE, where, s, 1, 1);
    if (i < 0)
        return -1;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)i);
    g_autofree char *ct = g_strdup_printf("pim_core.%s", part);
    l->class_text = ts_arch_intern(c->arch, ct);
    l->is_storage = TRUE;
    l->word_bits = word_bits;
    guint64 block = 64 / word_bits;
    l->block_size = (uint32_t)MAX(block, 1);
    l->size_words = bytes * 8 / word_bits;
    double wpc = bytes_per_cycle * 8.0 / word_bits * freq / c->arch->clock_hz;
    l->read_bw_words_per_cycle = l->write_bw_words_per_cycle = wpc;
    l->spec = sp;
    ts_arch_level_priv(c->arch, (guint)i)->is_dram_tech = dram_tech;
    return i;
}

/* A DPU's `instructions:` mapping (TS_DPU_OP_LIST keys -> issue slots), over the defaults. */
static gboolean nv_dpu_instructions(NvCtx *c, const TsNode *node, const char *apath,
                                    TsPimCoreSpec *sp)
{
    for (guint k = 0; k < TS_DPU_OP_COUNT_; k++)
        sp->dpu_slots[k] = ts_dpu_op_default((TsDpuOp)k);
    if (node == NULL)
        return TRUE;
    g_autofree char *ip = ts_path_key(apath, "instructions");
    if (node->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_TYPE, ip,
                        "expected a mapping of operation -> issue slots (mul_fp32: 178)");
        return FALSE;
    }
    static const char *keys[TS_DPU_OP_COUNT_ + 1];
    for (guint k = 0; k < TS_DPU_OP_COUNT_; k++)
        keys[k] = ts_dpu_op_key((TsDpuOp)k);
    for (guint i = 0; i < node->n; i++) {
        const char *key = ts_node_key(node, i);
        g_autofree char *kp = ts_path_key(ip, key);
        int op = -1;
        for (guint k = 0; k < TS_DPU_OP_COUNT_; k++)
            if (strcmp(key, keys[k]) == 0)
                op = (int)k;
        if (op < 0) {
            g_autofree char *hint = ts_config_suggest(key, keys);
            ts_config_error(c->error, ts_node_value(node, i), TS_CONFIG_ERROR_REFERENCE, kp,
                            "unknown DPU operation '%s'%s (known: loop, add/sub/mul/div of "
                            "int32, int64, fp32, fp64, mul_int8, mul_int16, mul_int32_call, "
                            "div_int32_call)",
                            key, hint);
            return FALSE;
        }
        double v;
        if (!ts_node_double(ts_node_value(node, i), kp, &v, c->error))
            return FALSE;
        if (!(v > 0.0 && v <= 1e6)) {
            ts_config_error(c->error, ts_node_value(node, i), TS_CONFIG_ERROR_RANGE, kp,
                            "issue slots must be in (0, 1e6] (got %g)", v);
            return FALSE;
        }
        sp->dpu_slots[op] = v;
    }
    return TRUE;
}

/* Keys of one pim_core kind: given to a core of the other kind they are errors (the core
 * would ignore them). */
static const char *const pim_dpu_keys[] = {
    "tasklets",         "max_tasklets",      "pipeline_stages",
    "revolver_cycles",  "wram_size",         "mram_size",
    "iram_size",        "dma_alpha_read",    "dma_alpha_write",
    "dma_beta",         "max_dma_bytes",     "wram_bytes_per_cycle",
    "cycles_per_mac",   "instructions",      "instruction_energy",
    "mram_read_energy", "mram_write_energy", NULL};
static const char *const pim_bank_unit_keys[] = {
    "simd_lanes",       "banks_per_unit",    "bank_size", "bank_bandwidth",
    "bank_read_energy", "bank_write_energy", "reg_words", NULL};

static gboolean nv_pim(NvCtx *c, const char *name, const TsNode *where, const NvScope *s,
                       guint64 mask, TsNativeAttrs *a, const TsNode *attrs, const char *apath)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_PIM_CORE);
    TsPimCoreSpec *sp = ts_arch_alloc(c->arch, sizeof *sp);
    double freq = given(f, mask, "frequency") ? a->frequency : c->arch->clock_hz;
    guint word = (guint)MIN(a->word_bits, 64);
    sp->kind = (TsPimKind)a->pim_kind;
    const gboolean dpu = sp->kind == TS_PIM_DPU;
    const char *const *other = dpu ? pim_bank_unit_keys : pim_dpu_keys;
    for (guint i = 0; other[i]; i++) {
        if (!given(f, mask, other[i]))
            continue;
        const TsNode *kn = attr_node(attrs, other[i]);
        g_autofree char *kp = ts_path_key(apath, other[i]);
        ts_config_error(c->error, kn ? kn : where, TS_CONFIG_ERROR_INVALID, kp,
                        "applies to kind: %s only (this core is kind: %s): remove it",
                        dpu ? "bank_unit" : "dpu", dpu ? "dpu" : "bank_unit");
        return FALSE;
    }
    sp->frequency_hz = freq;
    sp->word_bits = word;
    sp->mram_level = sp->wram_level = sp->bank_level = sp->regs_level = sp->alu_level = -1;
    sp->dram_level = -1;
    if (a->word_bits > 64 || 64 % a->word_bits != 0) {
        g_autofree char *wp = ts_path_key(apath, "word_bits");
        ts_config_error(c->error, where, TS_CONFIG_ERROR_RANGE, wp,
                        "must divide the 64-bit memory port (got %" G_GUINT64_FORMAT ")",
                        a->word_bits);
        return FALSE;
    }
    double macs_per_cycle;
    if (sp->kind == TS_PIM_DPU) {
        static const char *const need[] = {"wram_size",       "mram_size", "dma_alpha_read",
                                           "dma_alpha_write", "dma_beta",  NULL};
        if (!need_keys(c, f, mask, need, "kind: dpu", where, apath))
            return FALSE;
        sp->tasklets = a->tasklets;
        sp->max_tasklets = a->max_tasklets;
        sp->pipeline_stages = a->pipeline_stages;
        sp->revolver_cycles = a->revolver_cycles;
        sp->wram_bytes = (guint64)a->wram_size;
        sp->mram_bytes = (guint64)a->mram_size;
        sp->iram_bytes = (guint64)a->iram_size;
        sp->dma_alpha_read_cycles = a->dma_alpha_read;
        sp->dma_alpha_write_cycles = a->dma_alpha_write;
        sp->dma_beta_cycles_per_byte = a->dma_beta;
        sp->max_dma_bytes = a->max_dma_bytes;
        sp->wram_bytes_per_cycle = a->wram_bytes_per_cycle;
        sp->cycles_per_mac = given(f, mask, "cycles_per_mac") ? a->cycles_per_mac : 0.0;
        sp->instruction_pj = a->instruction_energy;
        if (!nv_dpu_instructions(c, a->instructions, apath, sp))
            return FALSE;
        if (sp->tasklets > sp->max_tasklets) {
            g_autofree char *tp = ts_path_key(apath, "tasklets");
            ts_config_error(c->error, where, TS_CONFIG_ERROR_RANGE, tp,
                            "must be <= max_tasklets %" G_GUINT64_FORMAT " (got %" G_GUINT64_FORMAT
                            ")",
                            sp->max_tasklets, sp->tasklets);
            return FALSE;
        }
        sp->issue_fraction =
            (double)MIN(sp->tasklets, sp->revolver_cycles) / (double)sp->revolver_cycles;
        sp->mram_level = pim_storage(c, name, "mram", where, s, word, sp->mram_bytes,
                                     1.0 / sp->dma_beta_cycles_per_byte, freq, TRUE, sp);
        if (sp->mram_level < 0)
            return FALSE;
        if (given(f, mask, "mram_read_energy")) {
            /* Given per 8-byte access; the level's vector access is block_size words. */
            TsLevel *ml = ts_arch_level_mut(c->arch, (guint)sp->mram_level);
            TsLevelPriv *mp = ts_arch_level_priv(c->arch, (guint)sp->mram_level);
            double scale = (double)ml->block_size * ml->word_bits / 64.0;
            double wr = given(f, mask, "mram_write_energy") ? a->mram_write_energy
                                                           : a->mram_read_energy;
            ml->energy.read_pj = a->mram_read_energy * scale;
            ml->energy.write_pj = ml->energy.update_pj = wr * scale;
            mp->energy_set |= TS_E_READ | TS_E_WRITE | TS_E_UPDATE;
            ml->energy.source = "yaml";
        }
        sp->wram_level = pim_storage(c, name, "wram", where, s, word, sp->wram_bytes,
                                     sp->wram_bytes_per_cycle, freq, FALSE, sp);
        if (sp->wram_level < 0)
            return FALSE;
        /* The arch-level rate (tilesim check, layer utilization): cycles_per_mac when given,
         * else an int8 x int8 -> int32 MAC; the model takes each op's precision. */
        double per_mac = sp->cycles_per_mac;
        if (per_mac <= 0.0)
            per_mac = ts_pim_dpu_mac_slots(sp, 8, FALSE, 8, FALSE, 32, FALSE, NULL);
        if (per_mac <= 0.0) {
            g_autofree char *ip = ts_path_key(apath, "instructions");
            ts_config_error(c->error, where, TS_CONFIG_ERROR_MISSING, ip,
                            "the DPU has no cost for an int8 MAC (loop, mul_int8, add_int32): "
                            "give them or cycles_per_mac");
            return FALSE;
        }
        macs_per_cycle = sp->issue_fraction / per_mac * freq / c->arch->clock_hz;
    } else {
        static const char *const need[] = {"simd_lanes", "banks_per_unit", NULL};
        if (!need_keys(c, f, mask, need, "kind: bank_unit", where, apath))
            return FALSE;
        sp->simd_lanes = a->simd_lanes;
        sp->banks_per_unit = a->banks_per_unit;
        sp->bank_bytes = given(f, mask, "bank_size") ? (guint64)a->bank_size : 0;
        sp->bank_bw_bytes_per_cycle = given(f, mask, "bank_bandwidth") ? a->bank_bandwidth : 0.0;
        sp->bank_read_pj = given(f, mask, "bank_read_energy") ? a->bank_read_energy : -1.0;
        sp->bank_write_pj = given(f, mask, "bank_write_energy") ? a->bank_write_energy : -1.0;
        sp->dram_level = -1;
        sp->reg_words = a->reg_words;
        sp->issue_fraction = 1.0;
        sp->bank_level =
            pim_storage(c, name, "bank", where, s, word, sp->bank_bytes * sp->banks_per_unit,
                        sp->bank_bw_bytes_per_cycle, freq, TRUE, sp);
        if (sp->bank_level < 0)
            return FALSE;
        if (sp->reg_words > 0) {
            g_autofree char *rn = g_strdup_printf("%s.regs", name);
            int r = new_level(c, rn, TS_CLASS_PIM_CORE, where, s, 1, 1);
            if (r < 0)
                return FALSE;
            TsLevel *l = ts_arch_level_mut(c->arch, (guint)r);
            l->class_text = ts_arch_intern(c->arch, "pim_core.regs");
            l->is_storage = TRUE;
            l->word_bits = word;
            l->size_words = sp->reg_words;
            l->spec = sp;
            sp->regs_level = r;
        }
        /* SIMD lanes are a spatial fan-out of MAC instances (as Timeloop models SIMD), one
         * MAC per lane per core cycle. */
        macs_per_cycle = freq / c->arch->clock_hz;
    }
    g_autofree char *an = g_strdup_printf("%s.alu", name);
    guint64 lanes = sp->kind == TS_PIM_BANK_UNIT ? sp->simd_lanes : 1;
    int alu = new_level(c, an, TS_CLASS_PIM_CORE, where, s, lanes, 1);
    if (alu < 0)
        return FALSE;
    TsLevel *l = ts_arch_level_mut(c->arch, (guint)alu);
    TsLevelPriv *p = ts_arch_level_priv(c->arch, (guint)alu);
    l->class_text = ts_arch_intern(c->arch, "pim_core.alu");
    l->is_compute = TRUE;
    l->word_bits = word;
    l->compute_word_bits_b = word;
    l->area_um2 = a->area;
    l->spec = sp;
    p->mac_bits_a = p->mac_bits_b = word;
    p->macs_per_cycle = macs_per_cycle;
    if (given(f, mask, "mac_energy")) {
        l->energy.mac_pj = a->mac_energy;
        p->energy_set |= TS_E_MAC;
        l->energy.source = "yaml";
    } else if (sp->kind == TS_PIM_DPU) {
        /* A MAC is its issue slots of instructions (the int8 reference here; the model uses
         * the op's precision). */
        double per_mac = sp->cycles_per_mac > 0.0
                             ? sp->cycles_per_mac
                             : ts_pim_dpu_mac_slots(sp, 8, FALSE, 8, FALSE, 32, FALSE, NULL);
        l->energy.mac_pj = per_mac * sp->instruction_pj;
        p->energy_set |= TS_E_MAC;
        l->energy.source = "dpu:slots x instruction_energy";
    }
    sp->alu_level = alu;
    return TRUE;
}

static int compare_ops(const void *x, const void *y)
{
    return strcmp(((const TsVectorOp *)x)->op, ((const TsVectorOp *)y)->op);
}

static gboolean nv_vector(NvCtx *c, guint idx, guint64 mask, TsNativeAttrs *a, const char *apath)
{
    const TsField *f = ts_arch_class_fields(TS_CLASS_VECTOR_UNIT);
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    g_autofree char *op_path = ts_path_key(apath, "ops");
    const TsNode *ops = a->ops;
    if (ops->kind != TS_NODE_MAPPING || ops->n == 0) {
        ts_config_error(c->error, ops, TS_CONFIG_ERROR_TYPE, op_path,
                        "expected a non-empty mapping of op name -> {cycles, energy}");
        return FALSE;
    }
    TsVectorUnitSpec *v = ts_arch_alloc(c->arch, sizeof *v);
    v->lanes = a->lanes;
    v->word_bits = a->word_bits;
    v->n_ops = ops->n;
    v->ops = ts_arch_alloc(c->arch, sizeof(TsVectorOp) * ops->n);
    for (guint i = 0; i < ops->n; i++) {
        const char *op = ts_node_key(ops, i);
        g_autofree char *kp = ts_path_key(op_path, op);
        TsVectorOpAttrs oa = {0};
        if (!ts_schema_apply(ts_arch_vector_op_fields(), ts_node_value(ops, i), kp, &oa, NULL,
                             FALSE, c->error))
            return FALSE;
        v->ops[i].op = ts_arch_intern(c->arch, op);
        v->ops[i].cycles_per_element = oa.cycles;
        v->ops[i].energy_pj_per_element = oa.energy;
    }
    qsort(v->ops, v->n_ops, sizeof(TsVectorOp), compare_ops);
    l->word_bits = (uint32_t)MIN(a->word_bits, 4096);
    if (given(f, mask, "frequency"))
        l->clock_hz = a->frequency;
    nv_energies(c, idx, f, mask, a);
    l->spec = v;
    return TRUE;
}

/* An efficiency curve: {by: M|flops|bytes, points: [[x, fraction], ...]} with x > 0 strictly
 * increasing and 0 < fraction <= 1. */
static gboolean nv_efficiency(NvCtx *c, const TsNode *node, const char *apath, const char *key,
                              TsEfficiencyCurve *out)
{
    memset(out, 0, sizeof *out);
    if (node == NULL)
        return TRUE;
    g_autofree char *path = ts_path_key(apath, key);
    static const char *const keys[] = {"by", "points", NULL};
    if (node->kind != TS_NODE_MAPPING) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_TYPE, path,
                        "expected a mapping {by: M|flops|bytes, points: [[x, fraction], ...]}");
        return FALSE;
    }
    if (!ts_schema_check_keys(node, path, keys, c->error))
        return FALSE;
    static const char *const bys[] = {"M", "flops", "bytes", NULL};
    const TsNode *bn = ts_node_get(node, "by");
    const TsNode *pn = ts_node_get(node, "points");
    if (bn == NULL || pn == NULL) {
        ts_config_error(c->error, node, TS_CONFIG_ERROR_MISSING, path, "missing required key '%s'",
                        bn == NULL ? "by" : "points");
        return FALSE;
    }
    g_autofree char *bp = ts_path_key(path, "by");
    const char *by;
    if (!ts_node_string(bn, bp, &by, c->error))
        return FALSE;
    int b = -1;
    for (int i = 0; bys[i]; i++) {
        if (strcmp(by, bys[i]) == 0)
            b = i;
    }
    if (b < 0) {
        g_autofree char *hint = ts_config_suggest(by, bys);
        ts_config_error(c->error, bn, TS_CONFIG_ERROR_REFERENCE, bp,
                        "unknown size '%s'%s; expected M, flops or bytes (got '%s')", by, hint, by);
        return FALSE;
    }
    g_autofree char *pp = ts_path_key(path, "points");
    if (pn->kind != TS_NODE_SEQUENCE || pn->n == 0) {
        ts_config_error(c->error, pn, TS_CONFIG_ERROR_TYPE, pp,
                        "expected a non-empty list of [x, fraction] pairs");
        return FALSE;
    }
    double *x = ts_arch_alloc(c->arch, pn->n * sizeof *x);
    double *y = ts_arch_alloc(c->arch, pn->n * sizeof *y);
    for (guint i = 0; i < pn->n; i++) {
        const TsNode *pt = pn->items[i];
        g_autofree char *ip = ts_path_index(pp, i);
        if (pt->kind != TS_NODE_SEQUENCE || pt->n != 2) {
            ts_config_error(c->error, pt, TS_CONFIG_ERROR_TYPE, ip,
                            "expected a pair [x, fraction]");
            return FALSE;
        }
        if (!ts_node_double(pt->items[0], ip, &x[i], c->error) ||
            !ts_node_double(pt->items[1], ip, &y[i], c->error))
            return FALSE;
        if (!(x[i] > 0.0) || (i > 0 && !(x[i] > x[i - 1]))) {
            ts_config_error(c->error, pt->items[0], TS_CONFIG_ERROR_RANGE, ip,
                            "x must be > 0 and increase from point to point (got %g%s)", x[i],
                            i > 0 ? " after a larger or equal x" : "");
            return FALSE;
        }
        if (!(y[i] > 0.0 && y[i] <= 1.0)) {
            ts_config_error(c->error, pt->items[1], TS_CONFIG_ERROR_RANGE, ip,
                            "fraction of peak must be within (0, 1] (got %g)", y[i]);
            return FALSE;
        }
    }
    out->by = (TsEfficiencyBy)b;
    out->n = pn->n;
    out->x = x;
    out->y = y;
    return TRUE;
}

static gboolean nv_device(NvCtx *c, guint idx, const char *name, TsNativeAttrs *a,
                          const char *apath)
{
    TsLevel *l = ts_arch_level_mut(c->arch, idx);
    TsDeviceProfile *p = ts_arch_alloc(c->arch, sizeof *p);
    p->name = ts_arch_intern(c->arch, name);
    p->h2d_bw_bytes_per_s = a->dp_h2d_bw;
    p->h2d_pj_per_bit = a->dp_h2d_epb;
    p->d2h_bw_bytes_per_s = a->dp_d2h_bw;
    p->d2h_pj_per_bit = a->dp_d2h_epb;
    p->mem_bw_bytes_per_s = a->dp_mem_bw;
    p->mem_pj_per_bit = a->dp_mem_epb;
    p->flops_per_s = a->dp_flops * 1e12;
    p->pj_per_tflop = a->dp_pj_per_tflop * 1e12;
    p->flops_int4_per_s = a->dp_flops_int4 * 1e12;
    p->softmax_ns_per_element = a->dp_softmax_ns / 1000.0;
    p->silu_ns_per_element = a->dp_silu_ns / 1000.0;
    p->rmsnorm_ns_per_element = a->dp_rmsnorm_ns / 1000.0;
    if (!nv_efficiency(c, a->dp_compute_eff, apath, "compute_efficiency", &p->compute_efficiency) ||
        !nv_efficiency(c, a->dp_memory_eff, apath, "memory_efficiency", &p->memory_efficiency))
        return FALSE;
    l->spec = p;
    if (c->arch->profile == NULL)
        c->arch->profile = p;
    return TRUE;
}

/* DRAM timing given as a time ("13.75ns") instead of tCK cycles: returns a copy of the
 * attributes mapping (owned by the arch) whose such values are replaced by whole cycles,
 * ceil(t / tCK - 0.01), keeping their positions; attrs itself when nothing needs converting. */
static const TsNode *dram_times_to_cycles(NvCtx *c, const TsNode *attrs, const char *apath,
                                          double preset_tck_ps)
{
    if (attrs == NULL || attrs->kind != TS_NODE_MAPPING)
        return attrs;
    gboolean any = FALSE;
    for (guint i = 0; i < attrs->n && !any; i++) {
        const TsNode *v = ts_node_value(attrs, i);
        const char *k = ts_node_key(attrs, i);
        if (v->kind != TS_NODE_SCALAR || strcmp(k, "tCK") == 0)
            continue;
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++) {
            double ps;
            const char *why;
            if (strcmp(k, ts_dram_timing_name((TsDramTimingId)t)) == 0 &&
                g_ascii_isdigit(v->value[0]) && ts_unit_parse(v->value, TS_UNIT_TIME, &ps, &why) &&
                strpbrk(v->value, "pnums") != NULL)
                any = TRUE;
        }
    }
    if (!any)
        return attrs;
    double tck = preset_tck_ps;
    const TsNode *tn = ts_node_get(attrs, "tCK");
    if (tn != NULL) {
        g_autofree char *tp = ts_path_key(apath, "tCK");
        g_autoptr(GError) local = NULL;
        if (!ts_node_quantity(tn, tp, TS_UNIT_TIME, &tck, &local))
            return attrs; /* the schema reports tCK's own error */
    }
    if (!(tck > 0))
        return attrs;
    TsNode *copy = ts_arch_alloc(c->arch, sizeof *copy);
    *copy = *attrs;
    const TsNode **items = ts_arch_alloc(c->arch, sizeof(TsNode *) * 2 * attrs->n);
    for (guint i = 0; i < 2 * attrs->n; i++)
        items[i] = attrs->items[i];
    for (guint i = 0; i < attrs->n; i++) {
        const TsNode *v = ts_node_value(attrs, i);
        const char *k = ts_node_key(attrs, i);
        double ps;
        const char *why;
        gboolean timing = FALSE;
        for (int t = 0; t < TS_DRAM_T_COUNT_; t++)
            timing |= strcmp(k, ts_dram_timing_name((TsDramTimingId)t)) == 0;
        if (!timing || v->kind != TS_NODE_SCALAR || !g_ascii_isdigit(v->value[0]) ||
            strpbrk(v->value, "pnums") == NULL || !ts_unit_parse(v->value, TS_UNIT_TIME, &ps, &why))
            continue;
        TsNode *n = ts_arch_alloc(c->arch, sizeof *n);
        *n = *v;
        double cycles = ceil(ps / tck - 0.01);
        g_autofree char *text = g_strdup_printf("%.0f", MAX(cycles, 0.0));
        n->value = ts_arch_intern(c->arch, text);
        items[2 * i + 1] = n;
    }
    copy->items = items;
    return copy;
}

/* ---- Levels ------------------------------------------------------------------------------- */

static gboolean nv_levels(NvCtx *c, const TsNode *levels, const char *path, const NvScope *scope,
                          guint depth);

/* The levels of one component of class klass (several for an expanding class). */
static gboolean nv_class(NvCtx *c, const TsNativeLevel *lv, TsClass klass, const TsNode *entry,
                         const NvScope *scope, guint64 mask, TsNativeAttrs *a, const TsNode *attrs,
                         const char *apath)
{
    if (klass == TS_CLASS_SYSTOLIC_ARRAY)
        return nv_systolic(c, lv->name, entry, scope, mask, a, apath);
    if (klass == TS_CLASS_PIM_CORE)
        return nv_pim(c, lv->name, entry, scope, mask, a, attrs, apath);
    int idx = new_level(c, lv->name, klass, entry, scope, 1, 1);
    if (idx < 0)
        return FALSE;
    switch (klass) {
    case TS_CLASS_DRAM:
        return nv_dram(c, (guint)idx, lv->preset, mask, a, attrs, apath, entry);
    case TS_CLASS_SRAM:
    case TS_CLASS_REGFILE:
        return nv_sram(c, (guint)idx, klass, mask, a, attrs, apath, entry);
    case TS_CLASS_MAC:
        return nv_mac(c, (guint)idx, mask, a);
    case TS_CLASS_HOST_LINK:
        return nv_host_link(c, (guint)idx, mask, a);
    case TS_CLASS_VECTOR_UNIT:
        return nv_vector(c, (guint)idx, mask, a, apath);
    case TS_CLASS_DEVICE_PROFILE:
        return nv_device(c, (guint)idx, lv->name, a, apath);
    default:
        break;
    }
    g_return_val_if_reached(FALSE);
}

static gboolean nv_component(NvCtx *c, const TsNode *entry, const char *path,
                             const TsNativeLevel *lv, const NvScope *scope)
{
    g_autofree char *cp = ts_path_key(path, "class");
    int k = ts_class_from_name(lv->klass);
    if (k < 0) {
        static const char *names[TS_CLASS_COUNT_ + 1];
        for (int i = 0; i < TS_CLASS_COUNT_; i++)
            names[i] = ts_class_name((TsClass)i);
        g_autofree char *hint = ts_config_suggest(lv->klass, names);
        g_autofree char *list = g_strjoinv(", ", (char **)names);
        ts_config_error(c->error, ts_node_get(entry, "class"), TS_CONFIG_ERROR_REFERENCE, cp,
                        "unknown class '%s'%s; expected one of %s", lv->klass, hint, list);
        return FALSE;
    }
    TsClass klass = (TsClass)k;
    if (lv->spatial != NULL) {
        g_autofree char *sp = ts_path_key(path, "spatial");
        ts_config_error(c->error, lv->spatial, TS_CONFIG_ERROR_INVALID, sp,
                        "only containers (entries with levels:) replicate; put '%s' inside a "
                        "container with spatial: {meshX, meshY}",
                        lv->name);
        return FALSE;
    }
    TsNativeAttrs a = {0};
    g_autofree char *pp = ts_path_key(path, "preset");
    if (lv->preset != NULL) {
        const TsNode *pn = ts_node_get(entry, "preset");
        if (klass != TS_CLASS_DRAM) {
            ts_config_error(c->error, pn, TS_CONFIG_ERROR_INVALID, pp,
                            "only class dram has presets (got class %s)", lv->klass);
            return FALSE;
        }
        const TsDramSpec *p = ts_dram_preset(lv->preset);
        if (p == NULL) {
            g_autofree char *hint = ts_config_suggest(lv->preset, ts_dram_preset_names());
            g_autofree char *list = g_strjoinv(", ", (char **)ts_dram_preset_names());
            ts_config_error(c->error, pn, TS_CONFIG_ERROR_REFERENCE, pp,
                            "unknown preset '%s'%s; expected one of %s", lv->preset, hint, list);
            return FALSE;
        }
        a.dram = *p;
    }
    g_autofree char *apath = ts_path_key(path, "attributes");
    const TsField *fields = ts_arch_class_fields(klass);
    guint64 mask = 0;
    const TsNode *attrs = lv->attributes;
    if (klass == TS_CLASS_DRAM)
        attrs = dram_times_to_cycles(c, attrs, apath, a.dram.tck_ps);
    if (!ts_schema_apply(fields, attrs, apath, &a, &mask, FALSE, c->error))
        return FALSE;
    ts_arch_begin_component(c->arch, lv->name, klass, NULL, scope->mult, entry, path);
    gboolean ok = nv_class(c, lv, klass, entry, scope, mask, &a, attrs, apath);
    ts_arch_end_component(c->arch);
    return ok;
}

/* The `resident:` list of a component whose levels start at index first: role bits on the
 * storage level that holds them (a pim_core's memory: .mram for a DPU, .bank for a bank unit;
 * otherwise the component's own level). */
static gboolean nv_resident(NvCtx *c, const TsNativeLevel *lv, const char *path, guint first)
{
    if (lv->resident == NULL)
        return TRUE;
    g_autofree char *rp = ts_path_key(path, "resident");
    const TsNode *rn = lv->resident;
    if (rn->kind != TS_NODE_SEQUENCE || rn->n == 0) {
        ts_config_error(c->error, rn, TS_CONFIG_ERROR_TYPE, rp,
                        "expected a non-empty list of roles (parameters, kv_cache)");
        return FALSE;
    }
    int target = (int)first;
    const TsLevel *l = ts_arch_level(c->arch, first);
    if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL) {
        const TsPimCoreSpec *sp = l->spec;
        target = sp->kind == TS_PIM_DPU ? sp->mram_level : sp->bank_level;
    }
    const TsLevel *tl = target >= 0 ? ts_arch_level(c->arch, (guint)target) : NULL;
    if (tl == NULL || !tl->is_storage || tl->klass == TS_CLASS_SYSTOLIC_ARRAY) {
        ts_config_error(c->error, rn, TS_CONFIG_ERROR_INVALID, rp,
                        "class %s holds no tensors: only storage (dram, sram, regfile, "
                        "pim_core) can be the home of resident data",
                        lv->klass);
        return FALSE;
    }
    static const char *names[3];
    for (guint i = 0; i < 2; i++)
        names[i] = ts_resident_role_name(i);
    uint8_t bits = 0;
    for (guint i = 0; i < rn->n; i++) {
        g_autofree char *ip = ts_path_index(rp, i);
        const char *role;
        if (!ts_node_string(rn->items[i], ip, &role, c->error))
            return FALSE;
        int r = -1;
        for (int k = 0; names[k]; k++)
            if (strcmp(role, names[k]) == 0)
                r = k;
        if (r < 0) {
            g_autofree char *hint = ts_config_suggest(role, names);
            ts_config_error(c->error, rn->items[i], TS_CONFIG_ERROR_REFERENCE, ip,
                            "unknown role '%s'%s; expected parameters or kv_cache (got '%s')", role,
                            hint, role);
            return FALSE;
        }
        if (bits & (1u << r)) {
            ts_config_error(c->error, rn->items[i], TS_CONFIG_ERROR_INVALID, ip,
                            "role '%s' is listed twice", role);
            return FALSE;
        }
        bits |= (uint8_t)(1u << r);
    }
    /* One home per role in the whole architecture. */
    for (guint i = 0; i < ts_arch_n_levels(c->arch); i++) {
        const TsLevel *o = ts_arch_level(c->arch, i);
        if ((o->resident & bits) != 0) {
            guint r = (guint)__builtin_ctz(o->resident & bits);
            ts_config_error(c->error, rn, TS_CONFIG_ERROR_INVALID, rp,
                            "role '%s' already lives in level '%s' (%s:%u:%u); a role has one "
                            "home",
                            ts_resident_role_name(r), o->name, o->file ? o->file : "?", o->line,
                            o->col);
            return FALSE;
        }
    }
    ts_arch_level_mut(c->arch, (guint)target)->resident = bits;
    return TRUE;
}

static gboolean nv_entry(NvCtx *c, const TsNode *entry, const char *path, const NvScope *scope,
                         guint depth)
{
    TsNativeLevel lv = {0};
    if (!ts_schema_apply(ts_arch_level_fields(), entry, path, &lv, NULL, FALSE, c->error))
        return FALSE;
    c->path = path;
    if (lv.klass != NULL && lv.levels != NULL) {
        g_autofree char *lp = ts_path_key(path, "levels");
        ts_config_error(c->error, lv.levels, TS_CONFIG_ERROR_INVALID, lp,
                        "an entry is a component (class:) or a container (levels:), not both");
        return FALSE;
    }
    if (lv.klass == NULL && lv.levels == NULL) {
        ts_config_error(c->error, entry, TS_CONFIG_ERROR_MISSING, path,
                        "missing required key 'class' (or 'levels' for a container)");
        return FALSE;
    }
    if (lv.klass != NULL) {
        guint first = ts_arch_n_levels(c->arch);
        return nv_component(c, entry, path, &lv, scope) && nv_resident(c, &lv, path, first);
    }
    static const char *const comp_only[] = {"preset", "attributes", "resident", NULL};
    for (guint i = 0; comp_only[i]; i++) {
        const TsNode *n = ts_node_get(entry, comp_only[i]);
        if (n != NULL) {
            g_autofree char *kp = ts_path_key(path, comp_only[i]);
            ts_config_error(c->error, n, TS_CONFIG_ERROR_INVALID, kp,
                            "a container (levels:) has no %s; give it to a component",
                            comp_only[i]);
            return FALSE;
        }
    }
    TsNativeSpatial sp = {1, 1};
    g_autofree char *spath = ts_path_key(path, "spatial");
    if (!ts_schema_apply(ts_arch_spatial_fields(), lv.spatial, spath, &sp, NULL, FALSE, c->error))
        return FALSE;
    NvScope inner = *scope;
    double total = (double)scope->mult * (double)sp.mesh_x * (double)sp.mesh_y;
    if (total > G_MAXUINT32) {
        ts_config_error(c->error, lv.spatial, TS_CONFIG_ERROR_RANGE, spath,
                        "too many instances: at most %u (got %.0f)", G_MAXUINT32, total);
        return FALSE;
    }
    inner.mult *= sp.mesh_x * sp.mesh_y;
    inner.mx *= sp.mesh_x;
    inner.my *= sp.mesh_y;
    ts_arch_add_fanout_stage(c->arch, lv.name, sp.mesh_x, sp.mesh_y);
    guint8 axes = 0;
    if (lv.spatial != NULL && lv.spatial->kind == TS_NODE_MAPPING) {
        axes |= ts_node_get(lv.spatial, "meshX") ? TS_MESH_AXIS_X : 0;
        axes |= ts_node_get(lv.spatial, "meshY") ? TS_MESH_AXIS_Y : 0;
    }
    guint depth0 = ts_arch_container_depth(c->arch);
    ts_arch_push_container(c->arch, lv.name, sp.mesh_x, sp.mesh_y, lv.spatial != NULL, axes,
                           inner.mult, entry, path);
    g_autofree char *lp = ts_path_key(path, "levels");
    gboolean ok = nv_levels(c, lv.levels, lp, &inner, depth + 1);
    ts_arch_pop_containers(c->arch, depth0);
    return ok;
}

static gboolean nv_levels(NvCtx *c, const TsNode *levels, const char *path, const NvScope *scope,
                          guint depth)
{
    if (depth > 16) {
        ts_config_error(c->error, levels, TS_CONFIG_ERROR_LIMIT, path,
                        "containers nested deeper than 16");
        return FALSE;
    }
    if (levels->kind != TS_NODE_SEQUENCE || levels->n == 0) {
        ts_config_error(c->error, levels, TS_CONFIG_ERROR_TYPE, path,
                        "expected a non-empty list of levels");
        return FALSE;
    }
    for (guint i = 0; i < levels->n; i++) {
        g_autofree char *ip = ts_path_index(path, i);
        if (!nv_entry(c, levels->items[i], ip, scope, depth))
            return FALSE;
    }
    return TRUE;
}

TsArch *ts_arch_load_native(const TsDoc *doc, const char *file, GError **error)
{
    static const char *const top_keys[] = {"architecture", NULL};
    if (!ts_schema_check_keys(doc->root, "", top_keys, error))
        return NULL;
    const TsNode *an = ts_node_get(doc->root, "architecture");
    TsNativeTop top = {0};
    if (!ts_schema_apply(ts_arch_top_fields(), an, "architecture", &top, NULL, FALSE, error))
        return NULL;
    g_autoptr(TsArch) arch = ts_arch_new_empty(file, TS_ARCH_FORMAT_TILESIM);
    arch->name = g_strdup(top.name);
    arch->clock_hz = top.clock_hz;
    arch->technology_nm = (uint32_t)top.technology_nm;
    NvCtx c = {.arch = arch, .error = error};
    NvScope scope = {1, 1, 1};
    if (!nv_levels(&c, top.levels, "levels", &scope, 0))
        return NULL;
    return g_steal_pointer(&arch);
}
