/* MPI transport of sweeps: initialisation only when started by mpirun/mpiexec, a non-blocking
 * poll for messages from any rank, sends, and an all-ranks AND. Built with OpenMPI when
 * TILESIM_HAVE_MPI is defined: the MPI calls live in the MPI module (tilesim-mpi.so,
 * ts-sweep-mpi-module.c), loaded here only when the process was started by an MPI starter, so
 * that no other run loads OpenMPI. Without OpenMPI: one process, and a launch by mpirun with
 * several ranks is refused (each rank would run the whole sweep into one database). Only the
 * main thread of a rank calls MPI (MPI_THREAD_FUNNELED). */
#include <stdlib.h>
#include <string.h>

#include "ts-sweep-private.h"

#ifdef TILESIM_HAVE_MPI
#include <dlfcn.h>

#include "ts-sweep-mpi-private.h"
#endif

static int world_rank = 0, world_size = 1, local_size = 1;
static gboolean mpi_on = FALSE;

/* Process launched by an MPI starter: OpenMPI, MPICH/Hydra, PMIx and Slurm's PMI set these. */
static int launcher_size(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE",
                                       "MPI_LOCALNRANKS", NULL};
    for (guint i = 0; vars[i]; i++) {
        const char *v = g_getenv(vars[i]);
        if (v != NULL && atoi(v) > 0)
            return atoi(v);
    }
    return g_getenv("PMIX_RANK") != NULL ? 2 : 0;
}

gboolean ts_sweep_mpi_available(void)
{
#ifdef TILESIM_HAVE_MPI
    return TRUE;
#else
    return FALSE;
#endif
}

#ifdef TILESIM_HAVE_MPI
static const TsSweepMpiModule *mpi;

/* The MPI module's candidate paths, in search order: beside the executable (the build tree),
 * the install layout relative to the executable (BINDIR/../LIBDIR/tilesim), and the install
 * directory of this build (for other programs linking libtilesim). */
static GPtrArray *module_candidates(void)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe != NULL) {
        g_autofree char *dir = g_path_get_dirname(exe);
        g_ptr_array_add(paths, g_build_filename(dir, TILESIM_MPI_MODULE, NULL));
        g_autofree char *installed =
            g_build_filename(dir, TILESIM_MODULE_RELDIR, TILESIM_MPI_MODULE, NULL);
        g_ptr_array_add(paths, g_canonicalize_filename(installed, NULL));
    }
    g_ptr_array_add(paths, g_build_filename(TILESIM_MODULE_DIR, TILESIM_MPI_MODULE, NULL));
    return paths;
}

/* Loads the MPI module (once); launched is the starter's process count, for the messages. */
static gboolean load_module(int launched, GError **error)
{
    if (mpi != NULL)
        return TRUE;
    g_autoptr(GPtrArray) paths = module_candidates();
    const char *path = NULL;
    for (guint i = 0; i < paths->len && path == NULL; i++)
        if (g_file_test(paths->pdata[i], G_FILE_TEST_EXISTS))
            path = paths->pdata[i];
    if (path == NULL) {
        g_autoptr(GString) where = g_string_new(NULL);
        for (guint i = 0; i < paths->len; i++)
            g_string_append_printf(where, "%s%s", i ? ", " : "", (char *)paths->pdata[i]);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                    "started by mpirun with %d processes, but the MPI module %s is missing "
                    "(looked for %s): keep it beside the tilesim binary as the build leaves it, "
                    "or install with cmake --install",
                    launched, TILESIM_MPI_MODULE, where->str);
        return FALSE;
    }
    /* RTLD_GLOBAL: OpenMPI's own plugins resolve MPI symbols in the global scope. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
    const TsSweepMpiModule *m = handle ? dlsym(handle, TS_SWEEP_MPI_MODULE_SYMBOL) : NULL;
    if (m == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                    "started by mpirun with %d processes, but the MPI module %s cannot be "
                    "loaded: %s",
                    launched, path, dlerror());
        if (handle != NULL)
            dlclose(handle);
        return FALSE;
    }
    if (m->size != sizeof(TsSweepMpiModule) || strcmp(m->version, TILESIM_VERSION) != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                    "the MPI module %s is from tilesim %s, not this tilesim %s: rebuild or "
                    "reinstall both",
                    path, m->version, TILESIM_VERSION);
        dlclose(handle);
        return FALSE;
    }
    mpi = m; /* the handle stays open for the life of the process */
    return TRUE;
}
#endif

gboolean ts_sweep_mpi_init(int *argc, char ***argv, GError **error)
{
    int launched = launcher_size();
    if (launched == 0)
        return TRUE;
#ifdef TILESIM_HAVE_MPI
    if (!load_module(launched, error))
        return FALSE;
    g_autofree char *message = NULL;
    if (!mpi->init(argc, argv, &world_rank, &world_size, &local_size, &message)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s", message);
        return FALSE;
    }
    mpi_on = TRUE;
    return TRUE;
#else
    (void)argc;
    (void)argv;
    if (launched > 1) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "started by mpirun with %d processes, but this tilesim was built without "
                    "MPI (each process would run the whole sweep into one database): install "
                    "OpenMPI (libopenmpi-dev) and rebuild, or run one process with --threads",
                    launched);
        return FALSE;
    }
    return TRUE;
#endif
}

void ts_sweep_mpi_finalize(void)
{
#ifdef TILESIM_HAVE_MPI
    if (mpi_on)
        mpi->finalize();
#endif
    mpi_on = FALSE;
}

int ts_sweep_mpi_rank(void)
{
    return world_rank;
}

int ts_sweep_mpi_size(void)
{
    return world_size;
}

int ts_sweep_mpi_local_size(void)
{
    return local_size;
}

gboolean ts_sweep_mpi_send(int dest, int tag, const void *data, gsize len)
{
#ifdef TILESIM_HAVE_MPI
    return mpi_on && mpi->send(dest, tag, data, len);
#else
    (void)dest;
    (void)tag;
    (void)data;
    (void)len;
    return FALSE;
#endif
}

gboolean ts_sweep_mpi_poll(int *source, int *tag, GBytes **data)
{
#ifdef TILESIM_HAVE_MPI
    if (!mpi_on || world_size < 2)
        return FALSE;
    return mpi->poll(source, tag, data);
#else
    (void)source;
    (void)tag;
    (void)data;
    return FALSE;
#endif
}

gboolean ts_sweep_mpi_all(gboolean ok)
{
#ifdef TILESIM_HAVE_MPI
    if (!mpi_on || world_size < 2)
        return ok;
    return mpi->all(ok);
#else
    return ok;
#endif
}

gboolean ts_sweep_mpi_root_ok(gboolean ok)
{
#ifdef TILESIM_HAVE_MPI
    if (!mpi_on || world_size < 2)
        return ok;
    return mpi->root_ok(ok);
#else
    return ok;
#endif
}
