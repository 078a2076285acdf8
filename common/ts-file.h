/* Files in and out, for every loader and every command. Input: one bounded reader, so no file,
 * device or pipe (/dev/zero, a FIFO fed by `yes`) is read past a documented size limit.
 * Output: one writer for JSON, CSV, mapping files, plots and traces that never destroys a file:
 * regular files are replaced by writing a temporary file beside them and renaming it over
 * (the old content survives a failed write); symlinks, devices and FIFOs are written through,
 * never replaced; "-" is standard output; every short write, flush or close error is reported.
 * Checks that an output can be written run before the work that produces it. */
#ifndef TS_COMMON_FILE_H
#define TS_COMMON_FILE_H

#include <glib.h>

G_BEGIN_DECLS

/* Default input limit of ts_file_read (and of ts_doc_load_file): 16 MiB. */
#define TS_FILE_MAX_INPUT_BYTES ((gsize)16 * 1024 * 1024)

/* Reads a whole file into a NUL-terminated buffer (*contents, owned; *length excludes the NUL).
 * Stops after max_bytes (0 = TS_FILE_MAX_INPUT_BYTES): a longer input, including an endless
 * device or pipe, is a TS_CONFIG_ERROR_LIMIT error "PATH:1:1: file is larger than the N-byte
 * limit". A missing or unreadable file or a directory is TS_CONFIG_ERROR_IO. */
gboolean ts_file_read(const char *path, gsize max_bytes, char **contents, gsize *length,
                      GError **error);

/* TRUE when path names standard output: "-", or a file that is the one stdout is open on
 * (/dev/stdout, the terminal, the file stdout is redirected to). A command whose output goes
 * to standard output prints nothing else there (its text report is left out). */
gboolean ts_output_is_stdout(const char *path);

/* Checks, before any work, that path can be written as an output file: "-"; an existing
 * file that is not a directory and that the user may write (a regular file also needs a
 * writable directory, where its replacement is created); or a new file in an existing
 * writable directory. option ("--json") starts the message. Errors: G_FILE_ERROR. */
gboolean ts_output_check(const char *option, const char *path, GError **error);

/* As ts_output_check for an output directory (created with its parents when written): an
 * existing writable directory, or a path whose nearest existing ancestor is a writable
 * directory. "-" is refused. */
gboolean ts_output_check_dir(const char *option, const char *path, GError **error);

/* Fails with "OPTION: only one output can go to standard output" when two of the
 * NULL-terminated paths (entries may be NULL) are standard output. */
gboolean ts_output_check_one_stdout(const char *const *options, const char *const *paths,
                                    GError **error);

/* Writes len bytes (len < 0: strlen) to path as described above: standard output (flushed),
 * a regular or new file replaced atomically with the old file's permission bits, or any other
 * kind of file (through a symlink, a device, a FIFO) opened and written in place. Errors:
 * G_FILE_ERROR naming option and path, e.g. "--json /dev/full: write failed: No space left on
 * device". */
gboolean ts_output_write(const char *option, const char *path, const char *data, gssize len,
                         GError **error);

/* Flushes standard output and reports a write error seen on it at any time (a full disk, a
 * closed descriptor) as G_FILE_ERROR "cannot write to standard output: REASON". */
gboolean ts_output_flush_stdout(GError **error);

G_END_DECLS

#endif /* TS_COMMON_FILE_H */
