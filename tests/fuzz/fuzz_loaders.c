/* libFuzzer harnesses for the YAML loaders, one per executable (TS_FUZZ_TARGET selects it):
 * doc (the bounded YAML document reader), arch (tilesim, Timeloop v0.3/v0.4 and UPMEM-profiler
 * architectures), workload (workload YAML and Timeloop problems), mapping (Timeloop mappings of
 * BERT-base FF1 on eyeriss-like) and constraints. Each input goes to the loader through a
 * memfd (/proc/self/fd/N), the path every loader reads; the loader must return a result or a
 * TS_CONFIG_ERROR, never crash, hang, warn or fail otherwise. Built only with
 * -DTILESIM_FUZZ=ON and clang (tests/fuzz/README.md). */
#define _GNU_SOURCE
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ts-arch.h"
#include "ts-config.h"
#include "ts-constraints.h"
#include "ts-mapping.h"
#include "ts-workload.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_doc 1
#define FUZZ_arch 2
#define FUZZ_workload 3
#define FUZZ_mapping 4
#define FUZZ_constraints 5
#define FUZZ_CAT(a, b) a##b
#define FUZZ_ID(t) FUZZ_CAT(FUZZ_, t)
#define TARGET FUZZ_ID(TS_FUZZ_TARGET)

static TsArch *fixed_arch;
static TsWorkload *fixed_workload;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* A g_return_if_fail or a warning means the loader misused an API: a finding. */
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    if (TARGET == FUZZ_mapping) {
        GError *error = NULL;
        fixed_arch = ts_arch_load("eyeriss-like", NULL, &error);
        fixed_workload = fixed_arch ? ts_workload_load("bert-base", NULL, &error) : NULL;
        if (fixed_workload == NULL) {
            fprintf(stderr, "fuzz_mapping: %s\n", error ? error->message : "setup failed");
            abort();
        }
    }
    return 0;
}

/* A loader failed: anything but a configuration error is a finding. */
static void check_error(GError *error)
{
    if (error == NULL || error->domain != TS_CONFIG_ERROR) {
        fprintf(stderr, "loader failed without a TS_CONFIG_ERROR: %s\n",
                error ? error->message : "(no error set)");
        abort();
    }
    g_error_free(error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    if (TARGET == FUZZ_doc) {
        TsDoc *doc =
            ts_doc_load_string("fuzz.yaml", (const char *)data, (gssize)size, NULL, &error);
        if (doc == NULL)
            check_error(error);
        ts_doc_free(doc);
        return 0;
    }
    int fd = memfd_create("fuzz.yaml", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    char path[64];
    g_snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (TARGET == FUZZ_arch) {
        TsArch *arch = ts_arch_load(path, NULL, &error);
        if (arch == NULL)
            check_error(error);
        else
            g_free(ts_arch_describe(arch));
        ts_arch_free(arch);
    } else if (TARGET == FUZZ_workload) {
        TsWorkload *w = ts_workload_load(path, NULL, &error);
        if (w == NULL)
            check_error(error);
        ts_workload_free(w);
    } else if (TARGET == FUZZ_mapping) {
        TsMapping m;
        const TsOp *op = ts_workload_find_op(fixed_workload, "FF1");
        if (!ts_mapping_load(path, fixed_arch, op, &m, &error))
            check_error(error);
    } else if (TARGET == FUZZ_constraints) {
        TsConstraints *c = ts_constraints_new();
        if (!ts_constraints_load_file(c, path, &error))
            check_error(error);
        ts_constraints_free(c);
    }
    close(fd);
    return 0;
}
