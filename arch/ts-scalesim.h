/* SCALE-Sim input files as they are: the configuration (.cfg, Python configparser syntax) of a
 * systolic array and its memory system, and the topology (.csv) of a network as GEMM rows
 * (Layer, M, N, K) or convolution rows (Layer, IFMAP height, IFMAP width, Filter height, Filter
 * width, Channels, Num filter, Stride height[, Stride width]). Keys and columns are read with
 * SCALE-Sim v2's meaning; what it would read differently or that tilesim does not model is an
 * error naming file:line and the key. */
#ifndef TS_SCALESIM_H
#define TS_SCALESIM_H

#include <glib.h>

#include "ts-arch-classes.h"

G_BEGIN_DECLS

typedef struct TsScaleSimConfig {
    char *run_name;        /* [general] run_name */
    guint32 rows, cols;    /* ArrayHeight, ArrayWidth */
    guint64 ifmap_sram_kb; /* IfmapSramSzkB, FilterSramSzkB, OfmapSramSzkB (1 kB = 1024 words) */
    guint64 filter_sram_kb;
    guint64 ofmap_sram_kb;
    gint64 ifmap_offset, filter_offset, ofmap_offset; /* address offsets: no effect on counts */
    TsDataflow dataflow;                              /* Dataflow: os, ws, is */
    gboolean user_bandwidth;                          /* [run_presets] InterfaceBandwidth USER */
    guint32 bandwidth; /* Bandwidth (words/cycle), USER mode only; 0 in CALC mode */
    char *topology;    /* [network_presets] TopologyCsvLoc, or NULL */
    GPtrArray *notes;  /* char*: keys read but without effect, for the report */
} TsScaleSimConfig;

/* Reads a .cfg file. NULL with a TS_CONFIG_ERROR ("FILE:LINE: ...") on bad input. */
TsScaleSimConfig *ts_scalesim_config_load(const char *path, GError **error);
void ts_scalesim_config_free(TsScaleSimConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsScaleSimConfig, ts_scalesim_config_free)

typedef enum {
    TS_SCALESIM_TOPO_AUTO, /* GEMM when data rows have 4 fields, convolution when 8 or 9 */
    TS_SCALESIM_TOPO_GEMM,
    TS_SCALESIM_TOPO_CONV,
} TsScaleSimTopoFormat;

/* One layer in convolution form (a GEMM row M, N, K is ifmap M x K, filter 1 x K, 1 channel,
 * N filters, stride 1, as SCALE-Sim lowers it). */
typedef struct TsScaleSimLayer {
    char *name;
    guint line; /* 1-based line in the topology file */
    guint64 ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride_h, stride_w;
} TsScaleSimLayer;

typedef struct TsScaleSimTopology {
    TsScaleSimTopoFormat format; /* GEMM or CONV after loading */
    GPtrArray *layers;           /* TsScaleSimLayer*, file order; depthwise rows expanded */
} TsScaleSimTopology;

/* Reads a topology .csv: the first line is a header; rows end with ',' as SCALE-Sim requires
 * (it drops the last field of every row). Rows whose name contains "DP" are depthwise: one layer
 * per channel named "<name>Channel_<i>". NULL with a TS_CONFIG_ERROR on bad input. */
TsScaleSimTopology *ts_scalesim_topology_load(const char *path, TsScaleSimTopoFormat format,
                                              GError **error);
void ts_scalesim_topology_free(TsScaleSimTopology *topo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsScaleSimTopology, ts_scalesim_topology_free)

G_END_DECLS

#endif /* TS_SCALESIM_H */
