/* error.c - failure reporting shared by every module; see include/sf_error.h for the tiers. */
#include "sf_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int sf_rank(void)
{
    int up = 0, down = 0, rank = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

void sf_die(const char *file, int line, const char *call, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "slabfill: rank %d: %s:%d: %s failed: %s\n", sf_rank(), file, line, call, msg);
    fflush(stderr);

    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Abort(MPI_COMM_WORLD, SF_EXIT_FAILURE);
    exit(SF_EXIT_FAILURE);
}

void sf_die_mpi(const char *file, int line, const char *call, int rc)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS)
        snprintf(msg, sizeof msg, "MPI error code %d", rc);
    sf_die(file, line, call, "%s", msg);
}

static void rank0_line(const char *fmt, va_list ap)
{
    if (sf_rank() != 0)
        return;
    fputs("slabfill: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
}

int sf_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rank0_line(fmt, ap);
    va_end(ap);
    return SF_EXIT_USAGE;
}

int sf_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rank0_line(fmt, ap);
    va_end(ap);
    return SF_EXIT_FAILURE;
}
