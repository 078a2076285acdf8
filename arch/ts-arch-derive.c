/* The one place where derived architecture values are computed, after a loader has filled the
 * levels from its input (documented in docs/arch-reference.md, "Derived values"):
 *   1. level clocks default to the arch clock;
 *   2. the mapping chain (storage levels outermost first, then the one compute level) and the
 *      fan-out between consecutive chain levels, inner.instances / outer.instances split as
 *      (inner.meshX / outer.meshX) x (inner.meshY / outer.meshY), each of which must divide;
 *   3. DRAM values: timing in ps, banks, capacity, peak bandwidth, IDD-based command energies,
 *      and the default bandwidth of a native DRAM level;
 *   4. bandwidth limits and energy a host_link adds: fills of the storage level below it
 *      (its landing level: every tensor crossing the link is kept there), updates of the
 *      storage level above it; resident roles on a level below the outermost one;
 *   5. default energies per action (Timeloop PAT fits, technology-scaled for native input)
 *      for every action the input did not give;
 *   6. the physical ranges of docs/arch-reference.md ("Ranges") on every level, whatever the
 *      input format: clocks, capacities, widths, bandwidths, energies, power and area;
 *   7. the component view: specs, neighbouring storage levels and chip meshes of the declared
 *      components and containers (ts-arch-topology.c). */
#include "ts-arch-private.h"

#include <math.h>
#include <string.h>

static gboolean level_error(GError **error, const TsArch *arch, const TsLevel *l,
                            TsConfigError code, const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* "FILE:LINE:COL: PATH (NAME): message" for a level found wrong after parsing. */
static gboolean level_error(GError **error, const TsArch *arch, const TsLevel *l,
                            TsConfigError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    const TsLevelPriv *p =
        &g_array_index(arch->priv, TsLevelPriv, l - (const TsLevel *)arch->levels->data);
    g_autofree char *where =
        p->path ? g_strdup_printf("%s (%s)", p->path, l->name) : g_strdup(l->name);
    if (l->line > 0)
        g_set_error(error, TS_CONFIG_ERROR, code, "%s:%u:%u: %s: %s", l->file, l->line, l->col,
                    where, msg);
    else
        g_set_error(error, TS_CONFIG_ERROR, code, "%s: %s: %s", l->file, where, msg);
    return FALSE;
}

/* ---- Fan-outs ----------------------------------------------------------------------------- */

static gboolean derive_chain(TsArch *arch, GError **error)
{
    guint chain[TS_ARCH_MAX_ALL_LEVELS];
    guint n = 0;
    arch->n_storage = 0;
    arch->compute = -1;
    for (guint i = 0; i < arch->levels->len; i++) {
        TsLevel *l = ts_arch_level_mut(arch, i);
        l->fanout_x = l->fanout_y = 1;
        if (!l->is_storage && !l->is_compute)
            continue;
        if (arch->compute >= 0) {
            const TsLevel *c = ts_arch_level(arch, (guint)arch->compute);
            return level_error(error, arch, l, TS_CONFIG_ERROR_INVALID,
                               "%s level after the compute level '%s': the compute level must "
                               "be the innermost",
                               l->is_compute ? "a second compute" : "a storage", c->name);
        }
        if (l->is_compute) {
            arch->compute = (int)i;
        } else {
            if (arch->n_storage >= TS_ARCH_MAX_LEVELS - 1)
                return level_error(error, arch, l, TS_CONFIG_ERROR_LIMIT,
                                   "more than %d storage levels (a mapping addresses at most %d "
                                   "levels including compute)",
                                   TS_ARCH_MAX_LEVELS - 1, TS_ARCH_MAX_LEVELS);
            arch->storage[arch->n_storage++] = i;
        }
        chain[n++] = i;
    }
    for (guint k = 0; k + 1 < n; k++) {
        TsLevel *o = ts_arch_level_mut(arch, chain[k]);
        const TsLevel *in = ts_arch_level(arch, chain[k + 1]);
        if (in->instances % o->instances != 0)
            return level_error(error, arch, in, TS_CONFIG_ERROR_INVALID,
                               "fan-out does not divide: %u instances below %u instances of '%s' "
                               "(got %u/%u)",
                               in->instances, o->instances, o->name, in->instances, o->instances);
        if (in->mesh_x % o->mesh_x != 0 || in->mesh_y % o->mesh_y != 0)
            return level_error(error, arch, in, TS_CONFIG_ERROR_INVALID,
                               "fan-out does not divide: mesh %ux%u below mesh %ux%u of '%s' "
                               "(got %u/%u x %u/%u)",
                               in->mesh_x, in->mesh_y, o->mesh_x, o->mesh_y, o->name, in->mesh_x,
                               o->mesh_x, in->mesh_y, o->mesh_y);
        o->fanout_x = in->mesh_x / o->mesh_x;
        o->fanout_y = in->mesh_y / o->mesh_y;
        if ((guint64)o->fanout_x * o->fanout_y != in->instances / o->instances)
            return level_error(error, arch, in, TS_CONFIG_ERROR_INVALID,
                               "fan-out %ux%u from '%s' does not match %u/%u instances",
                               o->fanout_x, o->fanout_y, o->name, in->instances, o->instances);
    }
    /* Containers recorded as fan-out stages must make up the fan-out exactly; otherwise the
     * level keeps one undivided fan-out. */
    for (guint k = 0; k < n; k++) {
        TsLevel *o = ts_arch_level_mut(arch, chain[k]);
        if (o->n_stages == 0)
            continue;
        guint64 sx = 1, sy = 1;
        for (guint i = 0; i < MIN(o->n_stages, (guint)TS_MAX_FANOUT_STAGES); i++) {
            sx *= o->stages[i].mesh_x;
            sy *= o->stages[i].mesh_y;
        }
        if (o->n_stages > TS_MAX_FANOUT_STAGES || sx != o->fanout_x || sy != o->fanout_y) {
            if (o->n_stages <= TS_MAX_FANOUT_STAGES)
                ts_arch_add_note(arch,
                                 "%s: its containers' meshes (%" G_GUINT64_FORMAT
                                 "x%" G_GUINT64_FORMAT ") differ from its fan-out %ux%u: the "
                                 "fan-out is analysed as one spatial level",
                                 o->name, sx, sy, o->fanout_x, o->fanout_y);
            o->n_stages = 0;
        }
    }
    return TRUE;
}

/* ---- DRAM --------------------------------------------------------------------------------- */

static gboolean derive_dram(TsArch *arch, guint index, GError **error)
{
    TsLevel *l = ts_arch_level_mut(arch, index);
    TsDramSpec *d = (TsDramSpec *)l->spec;
    if (d == NULL || !d->has_timing)
        return TRUE;
    /* Command energies need every current: a part given alone would be ignored. */
    const struct {
        const char *key;
        double v;
    } cur[] = {{"VDD", d->vdd_v},     {"IDD0", d->idd0_ma},   {"IDD2N", d->idd2n_ma},
               {"IDD3N", d->idd3n_ma}, {"IDD4R", d->idd4r_ma}, {"IDD4W", d->idd4w_ma},
               {"IDD5AB", d->idd5ab_ma}};
    gboolean any = d->idd5pb_ma > 0.0;
    g_autoptr(GString) missing = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(cur); i++) {
        any |= cur[i].v > 0.0;
        if (cur[i].v <= 0.0)
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", cur[i].key);
    }
    if (arch->format == TS_ARCH_FORMAT_TILESIM && any && missing->len > 0)
        return level_error(error, arch, l, TS_CONFIG_ERROR_INVALID,
                           "DRAM command energies (from IDD currents) need VDD, IDD0, IDD2N, "
                           "IDD3N, IDD4R, IDD4W and IDD5AB, from the preset or the attributes; "
                           "missing %s (give them all, or none)",
                           missing->str);
    g_autofree char *why = NULL;
    if (!ts_dram_spec_derive(d, &why))
        return level_error(error, arch, l, TS_CONFIG_ERROR_INVALID, "%s", why);
    if (d->activate_pj > 0) {
        l->energy.activate_pj = d->activate_pj;
        l->energy.refresh_pj = d->refresh_pj;
    }
    /* Native DRAM without a bandwidth: reads and writes share the peak bus bandwidth. */
    if (arch->format == TS_ARCH_FORMAT_TILESIM && l->read_bw_words_per_cycle == 0 &&
        l->write_bw_words_per_cycle == 0 && l->shared_bw_words_per_cycle == 0)
        l->shared_bw_words_per_cycle =
            d->peak_bw_bytes_per_s / (l->clock_hz * (double)l->word_bits / 8.0);
    if (l->size_words == 0 && arch->format == TS_ARCH_FORMAT_TILESIM)
        l->size_words = 0; /* DRAM stays unbounded for the mapper; capacity is in the spec */
    return TRUE;
}

/* ---- Host links --------------------------------------------------------------------------- */

static void derive_links(TsArch *arch)
{
    for (guint h = 0; h < arch->levels->len; h++) {
        const TsLevel *link = ts_arch_level(arch, h);
        if (link->klass != TS_CLASS_HOST_LINK || link->spec == NULL)
            continue;
        const TsHostLinkSpec *s = link->spec;
        int above = -1, below = -1;
        for (guint t = 0; t < h; t++)
            if (ts_arch_level(arch, t)->is_storage)
                above = (int)t;
        for (guint t = h + 1; t < arch->levels->len && below < 0; t++)
            if (ts_arch_level(arch, t)->is_storage)
                below = (int)t;
        /* Host -> device: the fills of the first storage level below the link. */
        if (below >= 0) {
            TsLevel *l = ts_arch_level_mut(arch, (guint)below);
            l->link_landing = TRUE;
            double per = (double)l->instances * arch->clock_hz * l->word_bits / 8.0;
            double fill = s->h2d_bw_bytes_per_s / per;
            if (l->fill_bw_words_per_cycle == 0 || l->fill_bw_words_per_cycle > fill)
                l->fill_bw_words_per_cycle = fill;
            TsLevelPriv *p = ts_arch_level_priv(arch, (guint)below);
            p->link_fill_pj = s->h2d_pj_per_bit * l->word_bits * l->block_size;
            p->link_call_s = (s->latency_ps + s->dma_setup_ps) * 1e-12;
            p->link_name = link->name;
            p->link_spec = s;
            if (p->link_call_s > 0.0)
                ts_arch_add_note(arch,
                                 "%s: fills come over host link '%s' in calls of %.4g ms each, "
                                 "their bytes at the link's rate for the instances a call "
                                 "reaches (a scatter to all: %.4g GB/s), one call at a time in the "
                                 "order the tile versions need them (a version's work after its "
                                 "fills, a partial output read back after its write-back); %.4g pJ "
                                 "link energy added per filled vector access",
                                 l->name, link->name, p->link_call_s * 1e3,
                                 s->h2d_bw_bytes_per_s / 1e9, p->link_fill_pj);
            else
                ts_arch_add_note(arch,
                                 "%s: fills limited by host link '%s' to %.4g words/cycle per "
                                 "instance (%.4g GB/s shared by %u instances); %.4g pJ link "
                                 "energy added per filled vector access",
                                 l->name, link->name, l->fill_bw_words_per_cycle,
                                 s->h2d_bw_bytes_per_s / 1e9, l->instances, p->link_fill_pj);
        }
        /* Device -> host: the updates (write-backs) of the storage level above the link. */
        if (above >= 0) {
            TsLevel *l = ts_arch_level_mut(arch, (guint)above);
            double per = (double)l->instances * arch->clock_hz * l->word_bits / 8.0;
            double drain = s->d2h_bw_bytes_per_s / per;
            if (l->update_bw_words_per_cycle == 0 || l->update_bw_words_per_cycle > drain)
                l->update_bw_words_per_cycle = drain;
            TsLevelPriv *p = ts_arch_level_priv(arch, (guint)above);
            p->link_drain_pj = s->d2h_pj_per_bit * l->word_bits * l->block_size;
            if (below >= 0 && s->latency_ps + s->dma_setup_ps > 0.0)
                ts_arch_add_note(arch,
                                 "%s: write-backs over host link '%s' in calls, their bytes at "
                                 "the link's rate for the instances a call gathers from (from all: "
                                 "%.4g GB/s); %.4g pJ link energy added per updated vector "
                                 "access",
                                 l->name, link->name, s->d2h_bw_bytes_per_s / 1e9,
                                 p->link_drain_pj);
            else
                ts_arch_add_note(arch,
                                 "%s: writes (updates from below) limited by host link '%s' to "
                                 "%.4g words/cycle (%.4g GB/s); %.4g pJ link energy added per "
                                 "updated vector access",
                                 l->name, link->name, l->update_bw_words_per_cycle,
                                 s->d2h_bw_bytes_per_s / 1e9, p->link_drain_pj);
        }
    }
}

/* ---- Bank-level PIM units ----------------------------------------------------------------- */

/* A bank unit's in-bank read bandwidth, capacity and energy from the first dram level's
 * all-bank mode (docs/pim.md, "Bank-level PIM"; the DES runs the same commands on the dram
 * component, docs/des.md section 11): ACTAB opens a row in every bank, each unit reads its
 * banks_per_unit rows in turn, one burst per max(tCCDab, tBURST) (tCCDab: the device's
 * all-bank column interval, tCCD_L when not given), then PREAB (after tRTP, at least tRAS
 * after the ACT; tRP): a row cycle of max(tRAS, tRCD + (b x bursts - 1) x tCOL + tRTP) + tRP
 * for b rows, at least tRC and tFAW (an ACTAB is an ACT of every bank). All-bank commands go to
 * every bank at once: tRRD does not apply. Refresh takes the banks away for its share of the
 * time (rank refresh: ranks x tRFC / tREFI; per-bank refresh: tRFCb / tREFIb), so a unit reads
 * a row per row cycle / b / (1 - that share). No I/O is crossed: the energy of a burst is IDD4R
 * over IDD3N for the burst plus the row's activation shared by its bursts, the
 * array-and-periphery figures of the DRAM's IDD currents (JEDEC measures IDD4R with no output
 * load). */
static gboolean derive_bank_units(TsArch *arch, GError **error)
{
    for (guint i = 0; i < arch->levels->len; i++) {
        TsLevel *l = ts_arch_level_mut(arch, i);
        if (l->klass != TS_CLASS_PIM_CORE || l->spec == NULL)
            continue;
        TsPimCoreSpec *sp = (TsPimCoreSpec *)l->spec;
        if (sp->kind != TS_PIM_BANK_UNIT || sp->bank_level != (int)i)
            continue;
        int d = -1;
        for (guint k = 0; k < arch->levels->len && d < 0; k++) {
            const TsLevel *o = ts_arch_level(arch, k);
            if (o->klass == TS_CLASS_DRAM && o->spec != NULL &&
                ((const TsDramSpec *)o->spec)->has_timing)
                d = (int)k;
        }
        if (d < 0)
            return level_error(error, arch, l, TS_CONFIG_ERROR_INVALID,
                               "a bank_unit computes beside the banks of a DRAM: declare a dram "
                               "level with timing (a preset) in the architecture");
        const TsDramSpec *ds = ts_arch_level(arch, (guint)d)->spec;
        const TsDramTimings *t = &ds->cycles;
        const double total_banks =
            (double)ds->channels * ds->ranks * ds->bankgroups * ds->banks;
        if ((double)l->instances * sp->banks_per_unit > total_banks)
            return level_error(error, arch, l, TS_CONFIG_ERROR_RANGE,
                               "%u units x %" G_GUINT64_FORMAT " banks per unit exceed the %.0f "
                               "banks of '%s'",
                               l->instances, sp->banks_per_unit, total_banks,
                               ts_arch_level(arch, (guint)d)->name);
        const double burst = (double)ds->burst_bytes;
        const double row = (double)ds->columns * (double)ds->bus_width_bits / 8.0;
        const double bursts = MAX(1.0, floor(row / burst));
        const double tcol = (double)MAX(t->tCCDab ? t->tCCDab : t->tCCD_L, t->tBURST);
        /* the unit's banks_per_unit rows of one all-bank row, read in turn, then PREAB */
        const double b = (double)sp->banks_per_unit;
        const double cycle =
            MAX(MAX((double)t->tRAS, (double)t->tRCD - (double)t->AL +
                                         (b * bursts - 1.0) * tcol + (double)t->AL +
                                         (double)t->tRTP) +
                    (double)t->tRP,
                MAX((double)t->tRC, (double)t->tFAW));
        /* refresh takes the banks from the all-bank mode: every rank's REF (tRFC per tREFI,
         * each rank in turn when staggered) or every bank's REFb (tRFCb per tREFIb) */
        double refresh = 0.0;
        if (ds->refresh_policy == TS_DRAM_REFRESH_RANK_STAGGERED && t->tREFI)
            refresh = (double)ds->ranks * (double)t->tRFC / (double)t->tREFI;
        else if (ds->refresh_policy == TS_DRAM_REFRESH_RANK_SIMULTANEOUS && t->tREFI)
            refresh = (double)t->tRFC / (double)t->tREFI;
        else if (ds->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED && t->tREFIb)
            refresh = (double)t->tRFCb / (double)t->tREFIb;
        refresh = MIN(refresh, 0.5);
        const double unit_row = cycle / b / (1.0 - refresh);
        sp->bank_refresh_fraction = refresh;
        sp->dram_level = d;
        sp->bank_row_bytes = row;
        sp->bank_burst_bytes = burst;
        sp->bank_row_cycle_tck = cycle;
        sp->bank_unit_row_tck = unit_row;
        sp->bank_unit_bw_bytes_per_s = row / (unit_row * ds->tck_ps * 1e-12);
        const double word_bytes = l->word_bits / 8.0;
        if (sp->bank_bw_bytes_per_cycle == 0.0) {
            double wpc = sp->bank_unit_bw_bytes_per_s / word_bytes / arch->clock_hz;
            l->read_bw_words_per_cycle = l->write_bw_words_per_cycle = wpc;
        }
        if (sp->bank_bytes == 0) {
            sp->bank_bytes = (guint64)((double)ds->rows * row);
            l->size_words = sp->bank_bytes * sp->banks_per_unit * 8 / l->word_bits;
        }
        /* Energy per vector access (block_size words) from the energy of a burst. */
        TsLevelPriv *p = ts_arch_level_priv(arch, i);
        const double access = (double)l->block_size * word_bytes;
        double rd = -1.0, wr = -1.0;
        if (ds->read_burst_pj > 0.0) {
            const double act = ds->activate_pj / bursts;
            rd = ds->read_burst_pj + act;
            wr = ds->write_burst_pj + act;
            sp->bank_energy_source = "dram-idd:in-bank";
        }
        if (sp->bank_read_pj >= 0.0) {
            rd = sp->bank_read_pj;
            sp->bank_energy_source = "yaml";
        }
        if (sp->bank_write_pj >= 0.0)
            wr = sp->bank_write_pj;
        else if (sp->bank_read_pj >= 0.0)
            wr = sp->bank_read_pj;
        if (rd < 0.0) {
            ts_arch_add_note(arch,
                             "%s: DRAM '%s' gives no IDD currents and bank_read_energy is not "
                             "given: its in-bank energy is the built-in DRAM table's, which "
                             "includes I/O (give bank_read_energy)",
                             l->name, ts_arch_level(arch, (guint)d)->name);
            continue;
        }
        sp->bank_burst_pj = rd;
        if (!(p->energy_set & TS_E_READ))
            l->energy.read_pj = rd * access / burst;
        if (!(p->energy_set & TS_E_WRITE))
            l->energy.write_pj = wr * access / burst;
        if (!(p->energy_set & TS_E_UPDATE))
            l->energy.update_pj = wr * access / burst;
        p->energy_set |= TS_E_READ | TS_E_WRITE | TS_E_UPDATE;
        l->energy.source = sp->bank_energy_source;
    }
    return TRUE;
}

/* ---- Residency ---------------------------------------------------------------------------- */

/* A resident role names a storage level below the outermost one (the outermost level is every
 * tensor's home already). */
static gboolean check_residency(TsArch *arch, GError **error)
{
    guint n = ts_arch_n_storage(arch);
    for (guint s = 0; s < n; s++) {
        const TsLevel *l = ts_arch_storage(arch, s);
        if (l->resident != 0 && s == 0)
            return level_error(error, arch, l, TS_CONFIG_ERROR_INVALID,
                               "resident: the outermost storage level holds every tensor "
                               "already; name the memory the data is preloaded into (a PIM "
                               "core's MRAM or banks)");
    }
    return TRUE;
}

/* ---- Energies ----------------------------------------------------------------------------- */

static void derive_energy(TsArch *arch, guint i)
{
    TsLevel *l = ts_arch_level_mut(arch, i);
    TsLevelPriv *p = ts_arch_level_priv(arch, i);
    double scale =
        p->energy_model == TS_ENERGY_MODEL_TABLE ? ts_energy_tech_scale(arch->technology_nm) : 1.0;
    const char *model = NULL;
    if (l->is_storage) {
        double e;
        gboolean dram = p->is_dram_tech || l->klass == TS_CLASS_DRAM;
        guint64 width = (guint64)l->word_bits * l->block_size;
        if (dram && (p->energy_set & TS_E_PER_BIT)) {
            e = l->energy.per_bit_pj * (double)width;
            model = "yaml:pJ/bit";
        } else if (dram) {
            e = ts_pat_dram_energy_pj(width); /* DRAM is not a logic process: not scaled */
            model = p->energy_model == TS_ENERGY_MODEL_PAT ? "pat" : "table:dram-200pJ/16b";
        } else if (l->size_words == 0) {
            e = 0.0; /* zero or unbounded capacity: Timeloop gives 0 */
            model = p->energy_model == TS_ENERGY_MODEL_PAT ? "pat" : "table:none";
        } else {
            guint64 height = (l->size_words + l->block_size - 1) / l->block_size;
            guint64 w = width * l->cluster_size;
            /* The TABLE model applies the fit to one bank (PAT ignores banks). */
            const TsSramSpec *sp = l->spec;
            if (p->energy_model == TS_ENERGY_MODEL_TABLE && sp != NULL &&
                (l->klass == TS_CLASS_SRAM || l->klass == TS_CLASS_REGFILE) && sp->banks > 1)
                height = (height + sp->banks - 1) / sp->banks;
            e = ts_pat_sram_energy_pj(height, w) / (double)l->cluster_size * scale;
            model = p->energy_model == TS_ENERGY_MODEL_PAT ? "pat" : "table:sram-fit";
        }
        if (!(p->energy_set & TS_E_READ))
            l->energy.read_pj = e;
        if (!(p->energy_set & TS_E_WRITE))
            l->energy.write_pj = e;
        if (!(p->energy_set & TS_E_UPDATE))
            l->energy.update_pj = e;
        if ((p->energy_set & (TS_E_READ | TS_E_WRITE | TS_E_UPDATE)) ==
            (TS_E_READ | TS_E_WRITE | TS_E_UPDATE))
            model = NULL;
        /* A host link above adds its per-bit energy to fills and drains. */
        l->energy.write_pj += p->link_fill_pj;
        l->energy.update_pj += p->link_drain_pj;
    } else if (l->is_compute) {
        if (!(p->energy_set & TS_E_MAC)) {
            guint a = p->mac_bits_a ? p->mac_bits_a : l->word_bits;
            guint b = p->mac_bits_b ? p->mac_bits_b : a;
            l->energy.mac_pj = ts_pat_mac_energy_pj(a, b) * scale;
            model = p->energy_model == TS_ENERGY_MODEL_PAT ? "pat" : "table:mac-fit";
        }
    }
    if (model != NULL) {
        const char *given = l->energy.source;
        g_autofree char *src = NULL;
        if (p->energy_model == TS_ENERGY_MODEL_TABLE && g_str_has_prefix(model, "table:") &&
            strcmp(model, "table:dram-200pJ/16b") != 0)
            src = g_strdup_printf("%s@%unm", model, arch->technology_nm);
        else
            src = g_strdup(model);
        if (given != NULL && strcmp(given, src) != 0) {
            g_autofree char *both = g_strdup_printf("%s+%s", given, src);
            l->energy.source = ts_arch_intern(arch, both);
        } else
            l->energy.source = ts_arch_intern(arch, src);
    }
}

/* ---- Physical ranges ---------------------------------------------------------------------- */

/* "outside the physical range": the value is not finite or not within [lo, hi]. */
static gboolean out_of_range(double v, double lo, double hi)
{
    return !isfinite(v) || v < lo || v > hi;
}

static gboolean range_error(GError **error, const TsArch *arch, const TsLevel *l,
                            const char *what, double v, double lo, double hi, const char *unit)
{
    return level_error(error, arch, l, TS_CONFIG_ERROR_RANGE,
                       "%s %.6g %s is outside the physical range %.6g .. %.6g %s "
                       "(docs/arch-reference.md, \"Ranges\")",
                       what, v, unit, lo, hi, unit);
}

/* Every loader's levels, after derivation: Timeloop and UPMEM inputs and ERT energies are
 * not read through the native schema tables, so their values are checked here. */
static gboolean check_ranges(const TsArch *arch, GError **error)
{
    for (guint i = 0; i < arch->levels->len; i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (out_of_range(l->clock_hz, TS_RANGE_CLOCK_MIN_HZ, TS_RANGE_CLOCK_MAX_HZ))
            return range_error(error, arch, l, "clock", l->clock_hz, TS_RANGE_CLOCK_MIN_HZ,
                               TS_RANGE_CLOCK_MAX_HZ, "Hz");
        if (l->is_storage || l->is_compute) {
            if (out_of_range(l->word_bits, 1, TS_RANGE_WORD_BITS_MAX))
                return range_error(error, arch, l, "word width", l->word_bits, 1,
                                   TS_RANGE_WORD_BITS_MAX, "bits");
        }
        if (l->is_storage) {
            if (out_of_range((double)l->size_words, 0, TS_RANGE_WORDS_MAX))
                return range_error(error, arch, l, "capacity", (double)l->size_words, 1,
                                   TS_RANGE_WORDS_MAX, "words per instance");
            if (out_of_range((double)l->block_size * l->word_bits, 1, TS_RANGE_WIDTH_BITS_MAX))
                return range_error(error, arch, l, "vector access",
                                   (double)l->block_size * l->word_bits, 1,
                                   TS_RANGE_WIDTH_BITS_MAX, "bits");
            const double bws[] = {l->read_bw_words_per_cycle, l->write_bw_words_per_cycle,
                                  l->shared_bw_words_per_cycle};
            for (guint b = 0; b < G_N_ELEMENTS(bws); b++) {
                double bps = bws[b] * l->word_bits / 8.0 * arch->clock_hz;
                if (out_of_range(bps, 0, TS_RANGE_BW_MAX_BPS))
                    return range_error(error, arch, l, "bandwidth", bps, 0, TS_RANGE_BW_MAX_BPS,
                                       "B/s per instance");
            }
            if (out_of_range(l->multiple_buffering, 0, 1e6))
                return range_error(error, arch, l, "multiple buffering", l->multiple_buffering,
                                   0, 1e6, "");
        }
        const struct {
            const char *what;
            double v;
        } energies[] = {{"read energy", l->energy.read_pj},
                        {"write energy", l->energy.write_pj},
                        {"update energy", l->energy.update_pj},
                        {"MAC energy", l->energy.mac_pj},
                        {"activate energy", l->energy.activate_pj},
                        {"refresh energy", l->energy.refresh_pj}};
        for (guint e = 0; e < G_N_ELEMENTS(energies); e++)
            if (out_of_range(energies[e].v, 0, TS_RANGE_ENERGY_MAX_PJ))
                return range_error(error, arch, l, energies[e].what, energies[e].v, 0,
                                   TS_RANGE_ENERGY_MAX_PJ, "pJ");
        if (out_of_range(l->energy.per_bit_pj, 0, TS_RANGE_EPB_MAX_PJ))
            return range_error(error, arch, l, "energy per bit", l->energy.per_bit_pj, 0,
                               TS_RANGE_EPB_MAX_PJ, "pJ/bit");
        double leak_w = l->energy.leak_pj_per_cycle * 1e-12 * l->clock_hz;
        if (out_of_range(leak_w, 0, TS_RANGE_POWER_MAX_W))
            return range_error(error, arch, l, "leakage power", leak_w, 0, TS_RANGE_POWER_MAX_W,
                               "W per instance");
        if (out_of_range(l->area_um2, 0, TS_RANGE_AREA_MAX_UM2))
            return range_error(error, arch, l, "area", l->area_um2, 0, TS_RANGE_AREA_MAX_UM2,
                               "um^2 per instance");
    }
    return TRUE;
}

gboolean ts_arch_finalize(TsArch *arch, GError **error)
{
    g_return_val_if_fail(arch != NULL, FALSE);
    for (guint i = 0; i < arch->levels->len; i++) {
        TsLevel *l = ts_arch_level_mut(arch, i);
        if (l->clock_hz == 0)
            l->clock_hz = arch->clock_hz;
        for (guint j = 0; j < i; j++) {
            const TsLevel *o = ts_arch_level(arch, j);
            if (strcmp(o->name, l->name) == 0)
                return level_error(error, arch, l, TS_CONFIG_ERROR_DUPLICATE,
                                   "duplicate level name (first at %s:%u:%u)", o->file, o->line,
                                   o->col);
        }
    }
    if (!derive_chain(arch, error))
        return FALSE;
    for (guint i = 0; i < arch->levels->len; i++) {
        if (ts_arch_level(arch, i)->klass == TS_CLASS_DRAM && !derive_dram(arch, i, error))
            return FALSE;
    }
    if (!derive_bank_units(arch, error))
        return FALSE;
    derive_links(arch);
    if (!check_residency(arch, error))
        return FALSE;
    for (guint i = 0; i < arch->levels->len; i++) {
        derive_energy(arch, i);
        TsLevel *l = ts_arch_level_mut(arch, i);
        if (l->is_compute)
            l->macs_per_cycle = ts_arch_level_priv(arch, i)->macs_per_cycle;
    }
    if (!check_ranges(arch, error))
        return FALSE;
    ts_arch_topology_finalize(arch);
    g_ptr_array_add(arch->notes, NULL);
    return TRUE;
}
