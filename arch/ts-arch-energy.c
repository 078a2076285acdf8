/* Built-in energy models. The 45 nm fits are the ones Timeloop's PAT model uses when no
 * Accelergy ERT is given (so tilesim and Timeloop agree on the same input); the TABLE model
 * scales them linearly with the technology node. Every number here is documented with its
 * source in docs/energy.md. */
#include "ts-arch-private.h"

#include <math.h>

/* Timeloop PAT SRAM fit (Eyeriss data points): 1.0 energy unit per 16-bit access at 0.5 KB
 * of capacity, 6.0 at 100 KB, linear in capacity; scaled by the access width over 16 bits.
 * Capacity in KB = height x width_bits / 8 / 1024. */
double ts_pat_sram_energy_pj(guint64 height, guint64 width_bits)
{
    const double x0 = 0.5, y0 = 1.0, x1 = 100.0, y1 = 6.0;
    double slope = (y1 - y0) / (x1 - x0);
    double kb = (double)width_bits * (double)height / (8.0 * 1024.0);
    double per16 = slope * (kb - x0) + y0;
    return per16 * (double)width_bits / 16.0;
}

/* Timeloop PAT DRAM: 200 pJ per 16 bits accessed. */
double ts_pat_dram_energy_pj(guint64 width_bits)
{
    return 200.0 * (double)width_bits / 16.0;
}

/* Timeloop PAT multiplier: 1 pJ for 16 x 16 bits, scaled by each operand's width over 16. */
double ts_pat_mac_energy_pj(guint64 bits_a, guint64 bits_b)
{
    return 1.0 * ((double)bits_a / 16.0) * ((double)bits_b / 16.0);
}

/* First-order node scaling: switched capacitance proportional to feature size at constant
 * supply voltage, relative to the 45 nm of the fits. Not calibrated to a process (see
 * docs/energy.md); YAML or ERT energies override it. */
double ts_energy_tech_scale(uint32_t technology_nm)
{
    if (technology_nm == 0)
        return 1.0;
    return (double)technology_nm / 45.0;
}
