/* Workloads: an ordered list of ops (ts-op.h), each with a count, loaded from a tilesim
 * workload YAML (model config or explicit ops), a Timeloop problem YAML or the library, or
 * built in code by the transformer builders. The struct is private (ts-workload-private.h). */
#ifndef TS_WORKLOAD_H
#define TS_WORKLOAD_H

#include <glib.h>
#include <stdint.h>

#include "ts-config.h"
#include "ts-op.h"

G_BEGIN_DECLS

typedef struct TsWorkload TsWorkload;

/* Overrides applied when building a named model workload; 0 / NULL = the file's value or the
 * default (seq 128, batch 1, prefill, fp16). */
typedef struct {
    uint64_t seq;
    uint64_t batch;
    uint64_t kv_len;
    const char *phase;     /* "prefill" | "decode" */
    const char *precision; /* preset name: "fp16", "int8", "w4a16", ... */

    /* Timeloop problems and explicit-op files: variables for instance values written as
     * names (EMBEDDING, SEQ_LENGTH, ...). vars is a NULL-terminated list of "NAME=VALUE"
     * (VALUE an expression over other variables), highest priority; variables_file a
     * timeloopfe variables YAML (`variables: {NAME: value}`). seq / batch set SEQ_LENGTH /
     * BATCH and are errors when the problem does not use them. */
    const char *const *vars;
    const char *variables_file;
} TsWorkloadOverrides;

/* Loads a workload from a path or library name ("bert-base"): a tilesim workload YAML (model
 * config or explicit ops) or a Timeloop problem YAML (one op). Returns owned or NULL with
 * TS_CONFIG_ERROR naming file:line:col and key path. overrides may be NULL. */
TsWorkload *ts_workload_load(const char *path_or_name, const TsWorkloadOverrides *overrides,
                             GError **error);
/* ts_workload_load() on a parsed document (a tilesim workload or a Timeloop problem), e.g. one
 * edited with ts_doc_derive() and ts_doc_set_path(); path names the input in messages that
 * have no node. The workload keeps no reference to doc. */
TsWorkload *ts_workload_load_doc(const TsDoc *doc, const char *path,
                                 const TsWorkloadOverrides *overrides, GError **error);
void ts_workload_free(TsWorkload *workload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsWorkload, ts_workload_free)

const char *ts_workload_name(const TsWorkload *workload);
guint ts_workload_n_ops(const TsWorkload *workload);
const TsOp *ts_workload_op(const TsWorkload *workload, guint index);
/* The workload's fusion spec (`fusion: {group, level}`): FALSE when it has none. group, level
 * (NULL = the default level) and where (the spec's file:line:col) are borrowed; any may be
 * NULL. */
gboolean ts_workload_fusion(const TsWorkload *workload, const char **group, const char **level,
                            const char **where);
/* Op by name ("FF1"), or NULL. */
const TsOp *ts_workload_find_op(const TsWorkload *workload, const char *name);

/* ---- Transformer builders ---- */

typedef enum { TS_PHASE_PREFILL, TS_PHASE_DECODE } TsPhase;

/* How softmax and layernorm are represented: tilesim elementwise ops (default, 0 MACs) or
 * the Timeloop experiments' einsum form (dims L, E, D with D = sweeps). */
typedef enum { TS_NONLINEAR_ELEMENTWISE, TS_NONLINEAR_EINSUM } TsNonlinearForm;

/* Layer structure of a model. TRANSFORMER: BERT / GPT-2 / ViT layers (fused KQV, layernorm,
 * GELU FFN). LLAMA: the LLaMA family (pre-RMSNorm, separate Q, K, V projections with
 * grouped-query attention, rotary embeddings, SwiGLU FFN, optional sliding window). */
typedef enum { TS_FAMILY_TRANSFORMER, TS_FAMILY_LLAMA } TsModelFamily;

/* One encoder/decoder layer. Dimension convention (Timeloop experiments): D = output
 * features, E = reduction, L = tokens. */
typedef struct {
    const char *model; /* preset it started from ("bert-base"), static or NULL */
    uint64_t hidden, heads, ffn;
    uint64_t layers; /* layers in the model (reported; ops are one layer) */
    uint64_t seq, batch;
    TsPhase phase;
    uint64_t kv_len; /* decode: keys attended (KV cache incl. the new token) */
    TsPrecisionSet precision;
    const char *precision_name; /* preset name, or "custom" */
    uint32_t softmax_passes;    /* 2 (Timeloop D=2) or 3 (max subtraction) */
    TsNonlinearForm nonlinear;
    gboolean activation_op; /* the FF activation (gelu/silu) after FF1 (default TRUE) */
    TsElementwiseKind activation;
    gboolean residual_ops; /* the residual adds after Out and FF2 (default TRUE) */
    gboolean causal;       /* informational: decoder-style mask (GPT-2) */
    uint32_t lut_vec_len;  /* LUT-NN (PIM-DL): 0 = off; else GEMMs become LUT ops */
    uint32_t lut_centroids;
    TsPrecision lut_index, lut_table, lut_acc;
    TsModelFamily family;
    uint64_t kv_heads;       /* key/value heads (grouped-query attention); 0 = heads */
    uint64_t vocab;          /* vocabulary: embedding rows and LM head outputs; 0 = none */
    uint64_t sliding_window; /* LLAMA: most keys a query attends (Mistral); 0 = unlimited */
} TsTransformerConfig;

/* Fills cfg with a model preset ("bert-base", "bert-large", "gpt2-small", "gpt2-medium",
 * "vit-base", "vit-huge"; "gpt2" = "gpt2-small"; LLaMA family: "llama2-7b", "llama3-8b",
 * "mistral-7b") and the defaults (seq 128 or the model's
 * patch count, batch 1, prefill, fp16, softmax 2 passes). Unknown names set
 * TS_CONFIG_ERROR_REFERENCE with a did-you-mean. model may be NULL: defaults only, hidden /
 * heads / ffn left 0 for the caller to set. */
gboolean ts_transformer_config_init(TsTransformerConfig *cfg, const char *model, GError **error);
/* NULL-terminated static list of model preset names. */
const char *const *ts_transformer_model_names(void);
/* Builds one layer: KQV, KTQ, softmax, VScores, Out, layernorm, FF1, [gelu,] FF2, layernorm.
 * LLAMA family: attn_norm, Q, K, V, rope, KTQ, softmax, VScores, Out, attn_add, ffn_norm,
 * gate, silu, up, mul, down, ffn_add (docs/workloads.md). Checks the config (heads divide
 * hidden, kv_heads divide heads, sizes > 0, LUT vec_len divides the reduction, counts fit 64
 * bits). Returns an owned workload named name. */
TsWorkload *ts_transformer_build(const char *name, const TsTransformerConfig *cfg, GError **error);

/* The ops of a whole model around its layers, for cfg's phase (prefill: seq x batch tokens;
 * decode: batch tokens): before the first layer `embed` (one table row per token), after the
 * last `final_norm` (RMSNorm for LLAMA, layernorm otherwise) and `lm_head` (hidden -> vocab for
 * every token, as Hugging Face's causal-LM forward computes). TS_CONFIG_ERROR_INVALID when the
 * config has no vocabulary (ViT presets). Owned workloads. */
TsWorkload *ts_transformer_build_embedding(const char *name, const TsTransformerConfig *cfg,
                                           GError **error);
TsWorkload *ts_transformer_build_head(const char *name, const TsTransformerConfig *cfg,
                                      GError **error);

/* ---- Workloads ---- */

typedef enum {
    TS_WORKLOAD_SOURCE_MODEL,    /* transformer builder (library file or built in) */
    TS_WORKLOAD_SOURCE_OPS,      /* tilesim YAML listing explicit ops */
    TS_WORKLOAD_SOURCE_TIMELOOP, /* a Timeloop problem YAML (one op) */
} TsWorkloadSource;

TsWorkloadSource ts_workload_source(const TsWorkload *workload);
/* File the workload came from, or NULL when built in code. */
const char *ts_workload_path(const TsWorkload *workload);
/* The builder config of a model workload, NULL otherwise. */
const TsTransformerConfig *ts_workload_transformer_config(const TsWorkload *workload);
/* Whole-layer totals: sum over ops of count x per-instance figure (checked at build time). */
uint64_t ts_workload_total_macs(const TsWorkload *workload);
uint64_t ts_workload_total_bytes(const TsWorkload *workload);
uint64_t ts_workload_total_work(const TsWorkload *workload);
uint64_t ts_workload_total_params(const TsWorkload *workload);
/* Notes on the input worth printing (ignored Timeloop instance keys, defaults taken). */
guint ts_workload_n_notes(const TsWorkload *workload);
const char *ts_workload_note(const TsWorkload *workload, guint index);

/* Names in the workload library search path plus the built-in model presets: sorted,
 * de-duplicated, NULL-terminated, owned (g_strfreev). */
char **ts_workload_library_names(void);

G_END_DECLS

#endif /* TS_WORKLOAD_H */
