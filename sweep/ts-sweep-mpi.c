/* MPI transport of sweeps: initialisation only when started by mpirun/mpiexec, a non-blocking
 * poll for messages from any rank, sends, and an all-ranks AND. Built with OpenMPI when
 * TILESIM_HAVE_MPI is defined; otherwise one process, and a launch by mpirun with several
 * ranks is refused (each rank would run the whole sweep into one database). Only the main
 * thread of a rank calls MPI (MPI_THREAD_FUNNELED). */
#include <stdlib.h>
#include <string.h>

#include "ts-sweep-private.h"

#ifdef TILESIM_HAVE_MPI
#include <mpi.h>
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

gboolean ts_sweep_mpi_init(int *argc, char ***argv, GError **error)
{
    int launched = launcher_size();
    if (launched == 0)
        return TRUE;
#ifdef TILESIM_HAVE_MPI
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "MPI_Init_thread failed");
        return FALSE;
    }
    mpi_on = TRUE;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local_size);
    MPI_Comm_free(&node);
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
        MPI_Finalize();
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
    if (len > G_MAXINT)
        return FALSE;
    return MPI_Send(len ? data : "", (int)len, MPI_BYTE, dest, tag, MPI_COMM_WORLD) == MPI_SUCCESS;
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
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
    if (!flag)
        return FALSE;
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    guint8 *buf = g_malloc(MAX(count, 1));
    MPI_Recv(buf, count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *source = st.MPI_SOURCE;
    *tag = st.MPI_TAG;
    *data = g_bytes_new_take(buf, (gsize)count);
    return TRUE;
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
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
#else
    return ok;
#endif
}

gboolean ts_sweep_mpi_root_ok(gboolean ok)
{
#ifdef TILESIM_HAVE_MPI
    if (!mpi_on || world_size < 2)
        return ok;
    int v = ok ? 1 : 0;
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v == 1;
#else
    return ok;
#endif
}
