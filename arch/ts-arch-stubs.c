/* Temporary stand-ins for the loaders still being written (native format, UPMEM profiles,
 * schema listing, check); replaced file by file. */
#include "ts-arch-private.h"

TsArch *ts_arch_load_native(const TsDoc *doc, const char *file, GError **error)
{
    (void)file;
    ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL, "native format: not yet");
    return NULL;
}

TsArch *ts_arch_load_upmem(const TsDoc *doc, const char *file, const char *device,
                           GError **error)
{
    (void)file;
    (void)device;
    ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL, "UPMEM: not yet");
    return NULL;
}

char **ts_arch_upmem_names(const TsDoc *doc, GError **error)
{
    ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL, "UPMEM: not yet");
    return NULL;
}

gboolean ts_arch_is_upmem_doc(const TsDoc *doc)
{
    (void)doc;
    return FALSE;
}
