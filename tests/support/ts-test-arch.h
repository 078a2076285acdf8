/* A library architecture loaded with edits to its YAML text, for suites that vary one figure
 * of a shipped arch (header-only: the suites that include it link the arch and mappers
 * libraries already). */
#ifndef TS_TEST_ARCH_H
#define TS_TEST_ARCH_H

#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-test.h"

/* arch/library/NAME.yaml with edits (pairs of texts: each first occurrence of the first
 * replaced by the second, which must be found; NULL-terminated), loaded; its constraints are
 * added to cons when cons is not NULL. NULL (printed) when the edited arch does not load. */
static inline TsArch *ts_test_arch_edited(const char *name, const char *const *edits,
                                          TsConstraints *cons)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *rel = g_strdup_printf("arch/library/%s.yaml", name);
    g_autofree char *path = ts_test_source_path(rel);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, &error));
    GString *s = g_string_new(text);
    for (guint i = 0; edits[i] != NULL; i += 2)
        CU_ASSERT(g_string_replace(s, edits[i], edits[i + 1], 1) == 1);
    g_autofree char *edited = g_string_free(s, FALSE);
    g_autofree char *tmp = g_build_filename(g_get_tmp_dir(), "tilesim-test-arch-XXXXXX.yaml", NULL);
    int fd = g_mkstemp(tmp);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tmp, edited, -1, &error));
    TsArch *arch = ts_arch_load(tmp, NULL, &error);
    if (arch == NULL)
        fprintf(stderr, "%s: %s\n", name, error->message);
    g_clear_error(&error);
    if (cons != NULL)
        CU_ASSERT_TRUE(ts_constraints_load_arch_file(cons, tmp, &error));
    g_unlink(tmp);
    return arch;
}

#endif /* TS_TEST_ARCH_H */
