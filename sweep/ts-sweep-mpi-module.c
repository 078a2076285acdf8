/* The MPI module of sweeps (tilesim-mpi.so): the only code that links OpenMPI. ts-sweep-mpi.c
 * loads it when the process was started by an MPI starter, so the other commands and a sweep
 * in one process never load OpenMPI's libraries. Exports one object, ts_sweep_mpi_module
 * (ts-sweep-mpi-private.h). */
#include "ts-sweep-mpi-private.h"

#include <mpi.h>

static gboolean mpi_init(int *argc, char ***argv, int *rank, int *size, int *local_size,
                         char **message)
{
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        *message = g_strdup("MPI_Init_thread failed");
        return FALSE;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, local_size);
    MPI_Comm_free(&node);
    return TRUE;
}

static void mpi_finalize(void)
{
    MPI_Finalize();
}

static gboolean mpi_send(int dest, int tag, const void *data, gsize len)
{
    if (len > G_MAXINT)
        return FALSE;
    return MPI_Send(len ? data : "", (int)len, MPI_BYTE, dest, tag, MPI_COMM_WORLD) == MPI_SUCCESS;
}

static gboolean mpi_poll(int *source, int *tag, GBytes **data)
{
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
}

static gboolean mpi_all(gboolean ok)
{
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
}

static gboolean mpi_root_ok(gboolean ok)
{
    int v = ok ? 1 : 0;
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return v == 1;
}

__attribute__((visibility("default"))) extern const TsSweepMpiModule ts_sweep_mpi_module;
const TsSweepMpiModule ts_sweep_mpi_module = {
    .version = TILESIM_VERSION,
    .size = sizeof(TsSweepMpiModule),
    .init = mpi_init,
    .finalize = mpi_finalize,
    .send = mpi_send,
    .poll = mpi_poll,
    .all = mpi_all,
    .root_ok = mpi_root_ok,
};
