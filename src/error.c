/* error.c - failure reporting shared by every module; see include/sf_error.h for the tiers. */
#include "sf_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *sf_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sf_die(__FILE__, __LINE__, "calloc", "%zu x %zu bytes: out of memory", n, size);
    return p;
}

void *sf_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        sf_die(__FILE__, __LINE__, "malloc", "%zu bytes: out of memory", size);
    return p;
}

void *sf_xaligned(size_t size)
{
    void *p = NULL;
    int rc = posix_memalign(&p, 4096, size ? size : 1);
    if (rc != 0)
        sf_die(__FILE__, __LINE__, "posix_memalign", "%zu bytes: %s", size, strerror(rc));
    return p;
}

FILE *sf_xfopen(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (!f)
        sf_die(__FILE__, __LINE__, "fopen", "%s: %s", path, strerror(errno));
    return f;
}

/* The run's communicator and where its bad-input messages go (NULL: rank 0 prints them). The
 * library sets them for the length of one call (sf_scope_enter), so one run at a time. */
static MPI_Comm scope_comm = MPI_COMM_WORLD;
static char *scope_sink;
static size_t scope_sinklen;

void sf_scope_enter(MPI_Comm comm, char *sink, size_t len, sf_scope *saved)
{
    saved->comm = scope_comm;
    saved->sink = scope_sink;
    saved->sinklen = scope_sinklen;
    scope_comm = comm;
    scope_sink = sink;
    scope_sinklen = len;
    if (sink && len)
        sink[0] = '\0';
}

void sf_scope_leave(const sf_scope *saved)
{
    scope_comm = saved->comm;
    scope_sink = saved->sink;
    scope_sinklen = saved->sinklen;
}

MPI_Comm sf_comm(void) { return scope_comm; }

int sf_rank(void)
{
    int up = 0, down = 0, rank = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Comm_rank(scope_comm, &rank);
    return rank;
}

void sf_die(const char *file, int line, const char *call, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misses the va_start above; the list is initialised. */
    vsnprintf(msg, sizeof msg, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    fprintf(stderr, "slabfill: rank %d: %s:%d: %s failed: %s\n", sf_rank(), file, line, call, msg);
    fflush(stderr);

    int up = 0, down = 0;
    MPI_Initialized(&up);
    MPI_Finalized(&down);
    if (up && !down)
        MPI_Abort(scope_comm, SF_EXIT_FAILURE);
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

/* One line, always: paths and arguments quoted in messages may hold control characters. To
 * the scope's sink on every rank when there is one (the library returns it), else printed by
 * rank 0. */
static void rank0_line(const char *fmt, va_list ap)
{
    char msg[8192];
    /* The callers va_start the list; clang-analyzer 14 does not follow it across the call. */
    vsnprintf(msg, sizeof msg, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    if (scope_sink) {
        snprintf(scope_sink, scope_sinklen, "%s", msg);
        return;
    }
    if (sf_rank() != 0)
        return;
    fprintf(stderr, "slabfill: %s\n", msg);
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
