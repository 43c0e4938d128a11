/* sf_comm.h - collectives over arrays of any length. MPI counts are ints, and the per-slice
 * arrays (a done flag or a digest for each of Z slices) may be longer than INT_MAX, so they go
 * in pieces; this is the one place that knows how. */
#ifndef SF_COMM_H
#define SF_COMM_H

#include <mpi.h>
#include <stdint.h>

typedef enum { SF_BCAST, SF_REDUCE, SF_ALLREDUCE } sf_collective;

/* Contract: collective over comm. n elements of type at buf:
 *   SF_BCAST      root's buf to every rank's buf (op unused);
 *   SF_REDUCE     op over every rank's buf, into out on root (out unused elsewhere);
 *   SF_ALLREDUCE  op over every rank's buf, in place on every rank (out unused).
 * Dies on an MPI failure. */
void sf_collective_long(sf_collective kind, void *buf, void *out, uint64_t n, MPI_Datatype type,
                        MPI_Op op, int root, MPI_Comm comm);

#endif
