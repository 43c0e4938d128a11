/* comm.c - collectives in pieces of at most 2^27 elements (1 GiB of uint64); see sf_comm.h. */
#include "sf_comm.h"

#include "sf_error.h"

#define PIECE (UINT64_C(1) << 27)

void sf_collective_long(sf_collective kind, void *buf, void *out, uint64_t n, MPI_Datatype type,
                        MPI_Op op, int root, MPI_Comm comm)
{
    int size;
    SF_MPI_CHECK(MPI_Type_size(type, &size));
    for (uint64_t at = 0; at < n; at += PIECE) {
        const int k = (int)(n - at < PIECE ? n - at : PIECE);
        char *b = (char *)buf + at * (uint64_t)size, *o = out ? (char *)out + at * (uint64_t)size
                                                             : NULL;
        if (kind == SF_BCAST)
            SF_MPI_CHECK(MPI_Bcast(b, k, type, root, comm));
        else if (kind == SF_REDUCE)
            SF_MPI_CHECK(MPI_Reduce(b, o, k, type, op, root, comm));
        else
            SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, b, k, type, op, comm));
    }
}
