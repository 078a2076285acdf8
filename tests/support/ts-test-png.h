/* PNG checks for plot tests: decodes a file with libpng's simplified API and reports its size,
 * the share of pixels that differ from the top-left (background) pixel and how many distinct
 * colours it uses, so a test can tell a drawn plot from a blank or truncated one. */
#ifndef TS_TEST_PNG_H
#define TS_TEST_PNG_H

#include <glib.h>
#include <png.h>
#include <string.h>

typedef struct {
    guint width, height;
    double ink;    /* share of pixels unlike the background, 0 .. 1 */
    guint colours; /* distinct RGB values (counted up to 4096) */
} TsTestPng;

/* FALSE (with a message on stderr) when path is not a readable PNG. */
static inline gboolean ts_test_png_read(const char *path, TsTestPng *out)
{
    memset(out, 0, sizeof *out);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) {
        fprintf(stderr, "%s: not a PNG: %s\n", path, img.message);
        return FALSE;
    }
    img.format = PNG_FORMAT_RGB;
    gsize size = PNG_IMAGE_SIZE(img);
    guint8 *buf = g_malloc(size);
    if (!png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        fprintf(stderr, "%s: cannot decode: %s\n", path, img.message);
        g_free(buf);
        return FALSE;
    }
    out->width = img.width;
    out->height = img.height;
    guint64 differ = 0, n = (guint64)img.width * img.height;
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (guint64 i = 0; i < n; i++) {
        const guint8 *p = buf + 3 * i;
        if (memcmp(p, buf, 3) != 0)
            differ++;
        guint rgb = (guint)p[0] << 16 | (guint)p[1] << 8 | p[2];
        if (g_hash_table_size(seen) < 4096)
            g_hash_table_add(seen, GUINT_TO_POINTER(rgb + 1));
    }
    out->ink = n ? (double)differ / (double)n : 0;
    out->colours = g_hash_table_size(seen);
    g_hash_table_destroy(seen);
    g_free(buf);
    return TRUE;
}

#endif /* TS_TEST_PNG_H */
