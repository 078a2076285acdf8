/* The interface between the sweep module's MPI transport (ts-sweep-mpi.c, in libtilesim) and
 * the MPI module (ts-sweep-mpi-module.c, built as tilesim-mpi.so beside the tilesim binary and
 * installed in LIBDIR/tilesim). Only the module links OpenMPI, so a process that is not started
 * by mpirun never loads it. The module exports one object, TS_SWEEP_MPI_MODULE_SYMBOL, whose
 * version and size must match the loader's (a module from another build is refused). All
 * functions are called from the main thread of a rank only (MPI_THREAD_FUNNELED). */
#ifndef TS_SWEEP_MPI_PRIVATE_H
#define TS_SWEEP_MPI_PRIVATE_H

#include <glib.h>

G_BEGIN_DECLS

#define TS_SWEEP_MPI_MODULE_SYMBOL "ts_sweep_mpi_module"

typedef struct {
    const char *version; /* TILESIM_VERSION of the module's build */
    gsize size;          /* sizeof (TsSweepMpiModule) of the module's build */
    /* MPI_Init_thread (funneled) and the world rank and size and the ranks on this machine;
     * FALSE with a newly allocated message on failure. */
    gboolean (*init)(int *argc, char ***argv, int *rank, int *size, int *local_size,
                     char **message);
    void (*finalize)(void);
    /* Blocking send of len bytes to dest with tag. */
    gboolean (*send)(int dest, int tag, const void *data, gsize len);
    /* Non-blocking receive of any waiting message: TRUE with its source, tag and bytes. */
    gboolean (*poll)(int *source, int *tag, GBytes **data);
    /* TRUE on every rank when ok is TRUE on every rank. */
    gboolean (*all)(gboolean ok);
    /* Rank 0's ok on every rank. */
    gboolean (*root_ok)(gboolean ok);
} TsSweepMpiModule;

G_END_DECLS

#endif /* TS_SWEEP_MPI_PRIVATE_H */
