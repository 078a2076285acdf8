/* Bounded input reading and output writing that never destroys a file (contracts in
 * ts-file.h). Outputs decide by lstat(): a regular file (or a new name) is replaced by
 * rename from a temporary file in the same directory; anything else (a symlink, whose target
 * may be a device, a FIFO or /dev/stdout; a device; a FIFO) is opened and written in place, so
 * `--csv /dev/stdout` or `--json /dev/full` never replaces the node itself. */
#include "ts-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts-config.h"

/* ---- Input ------------------------------------------------------------------------------ */

gboolean ts_file_read(const char *path, gsize max_bytes, char **contents, gsize *length,
                      GError **error)
{
    g_return_val_if_fail(path != NULL && contents != NULL, FALSE);
    gsize max = max_bytes ? max_bytes : TS_FILE_MAX_INPUT_BYTES;
    *contents = NULL;
    if (length)
        *length = 0;
    int fd = g_open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: cannot open: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: is a directory", path);
        return FALSE;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (guint64)st.st_size > max) {
        close(fd);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT,
                    "%s:1:1: file is %" G_GUINT64_FORMAT " bytes, over the %" G_GSIZE_FORMAT
                    "-byte input limit",
                    path, (guint64)st.st_size, max);
        return FALSE;
    }
    /* Devices and pipes report no size: read in chunks and stop one byte past the limit. */
    gsize cap = S_ISREG(st.st_mode) ? (gsize)st.st_size + 1 : 65536;
    cap = MIN(MAX(cap, 4096), max + 1);
    char *buf = g_malloc(cap + 1);
    gsize len = 0;
    for (;;) {
        if (len == cap) {
            if (cap > max) {
                g_free(buf);
                close(fd);
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT,
                            "%s:1:1: file is larger than the %" G_GSIZE_FORMAT
                            "-byte input limit (reading stopped there)",
                            path, max);
                return FALSE;
            }
            cap = MIN(cap * 2, max + 1);
            buf = g_realloc(buf, cap + 1);
        }
        gssize n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            g_free(buf);
            close(fd);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: cannot read: %s", path,
                        g_strerror(e));
            return FALSE;
        }
        if (n == 0)
            break;
        len += (gsize)n;
    }
    close(fd);
    buf[len] = '\0';
    *contents = buf;
    if (length)
        *length = len;
    return TRUE;
}

/* ---- Output ----------------------------------------------------------------------------- */

static gboolean fail_errno(GError **error, int e, const char *option, const char *path,
                           const char *what)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s %s: %s: %s", option, path,
                what, g_strerror(e));
    return FALSE;
}

gboolean ts_output_is_stdout(const char *path)
{
    if (path == NULL)
        return FALSE;
    if (strcmp(path, "-") == 0)
        return TRUE;
    struct stat a, b;
    return stat(path, &a) == 0 && fstat(STDOUT_FILENO, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* The directory a new file at path would be created in must exist and be writable. */
static gboolean check_parent(const char *option, const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    struct stat st;
    if (stat(dir, &st) != 0)
        return fail_errno(error, errno, option, path, "cannot create the file in its directory");
    if (!S_ISDIR(st.st_mode))
        return fail_errno(error, ENOTDIR, option, path,
                          "cannot create the file in its directory");
    if (access(dir, W_OK | X_OK) != 0)
        return fail_errno(error, errno, option, path, "cannot create the file in its directory");
    return TRUE;
}

gboolean ts_output_check(const char *option, const char *path, GError **error)
{
    g_return_val_if_fail(option != NULL, FALSE);
    if (path == NULL)
        return TRUE;
    if (path[0] == '\0') {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: empty file name", option);
        return FALSE;
    }
    if (strcmp(path, "-") == 0)
        return TRUE;
    struct stat st, lst;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail_errno(error, EISDIR, option, path, "cannot write");
        if (access(path, W_OK) != 0)
            return fail_errno(error, errno, option, path, "cannot write");
        /* A regular file (not a symlink) is replaced from a temporary file beside it. */
        if (lstat(path, &lst) == 0 && S_ISREG(lst.st_mode))
            return check_parent(option, path, error);
        return TRUE;
    }
    int e = errno;
    if (e != ENOENT)
        return fail_errno(error, e, option, path, "cannot write");
    if (lstat(path, &lst) == 0) /* a dangling symlink: opening it creates its target */
        return TRUE;
    return check_parent(option, path, error);
}

gboolean ts_output_check_dir(const char *option, const char *path, GError **error)
{
    g_return_val_if_fail(option != NULL, FALSE);
    if (path == NULL)
        return TRUE;
    if (path[0] == '\0' || strcmp(path, "-") == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: expected a directory (got '%s')",
                    option, path);
        return FALSE;
    }
    g_autofree char *p = g_strdup(path);
    for (;;) {
        struct stat st;
        if (stat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return fail_errno(error, ENOTDIR, option, path, "cannot create the directory");
            if (access(p, W_OK | X_OK) != 0)
                return fail_errno(error, errno, option, path, "cannot write in the directory");
            return TRUE;
        }
        if (errno != ENOENT)
            return fail_errno(error, errno, option, path, "cannot create the directory");
        char *parent = g_path_get_dirname(p);
        gboolean top = strcmp(parent, p) == 0;
        g_free(p);
        p = parent;
        if (top)
            return fail_errno(error, ENOENT, option, path, "cannot create the directory");
    }
}

gboolean ts_output_check_one_stdout(const char *const *options, const char *const *paths,
                                    GError **error)
{
    const char *first = NULL;
    for (guint i = 0; options[i] != NULL; i++) {
        if (!ts_output_is_stdout(paths[i]))
            continue;
        if (first != NULL) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s %s: only one output can go to standard output (%s already does)",
                        options[i], paths[i], first);
            return FALSE;
        }
        first = options[i];
    }
    return TRUE;
}

gboolean ts_output_flush_stdout(GError **error)
{
    errno = 0;
    gboolean flushed = fflush(stdout) == 0;
    int e = errno;
    if (flushed && !ferror(stdout))
        return TRUE;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e ? e : EIO),
                "cannot write to standard output: %s", e ? g_strerror(e) : "a write failed");
    clearerr(stdout);
    return FALSE;
}

/* Opens an existing non-regular file (or a dangling symlink's target) and writes in place. */
static gboolean write_in_place(const char *option, const char *path, const char *data, gsize len,
                               GError **error)
{
    int fd = g_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd < 0)
        return fail_errno(error, errno, option, path, "cannot open");
    gsize done = 0;
    while (done < len) {
        gssize n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            return fail_errno(error, e, option, path, "write failed");
        }
        done += (gsize)n;
    }
    if (close(fd) != 0 && errno != EINTR)
        return fail_errno(error, errno, option, path, "write failed");
    return TRUE;
}

gboolean ts_output_write(const char *option, const char *path, const char *data, gssize len,
                         GError **error)
{
    g_return_val_if_fail(option != NULL && path != NULL && data != NULL, FALSE);
    gsize n = len < 0 ? strlen(data) : (gsize)len;
    if (ts_output_is_stdout(path)) {
        if (n > 0 && fwrite(data, 1, n, stdout) != n) {
            int e = errno;
            clearerr(stdout);
            return fail_errno(error, e ? e : EIO, option, path, "cannot write to standard output");
        }
        g_autoptr(GError) local = NULL;
        if (!ts_output_flush_stdout(&local)) {
            g_set_error(error, G_FILE_ERROR, local->code, "%s %s: %s", option, path,
                        local->message);
            return FALSE;
        }
        return TRUE;
    }
    struct stat lst;
    if (lstat(path, &lst) != 0) {
        if (errno != ENOENT)
            return fail_errno(error, errno, option, path, "cannot write");
    } else if (S_ISDIR(lst.st_mode)) {
        return fail_errno(error, EISDIR, option, path, "cannot write");
    } else if (!S_ISREG(lst.st_mode)) {
        return write_in_place(option, path, data, n, error);
    }
    gboolean exists = lstat(path, &lst) == 0;
    int mode = exists ? (int)(lst.st_mode & 07777) : 0666;
    g_autoptr(GError) local = NULL;
    if (!g_file_set_contents_full(path, data, (gssize)n,
                                  G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                  mode, &local)) {
        g_set_error(error, G_FILE_ERROR, local->code, "%s %s: %s", option, path, local->message);
        return FALSE;
    }
    return TRUE;
}
