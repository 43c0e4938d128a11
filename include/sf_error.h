/* sf_error.h - the three failure tiers, as in git.
 *
 *   sf_die()         environment and I/O failures: prints rank, file:line, the failing call and
 *                    the library's own message, then MPI_Abort. Reached through the CHECK macros.
 *   sf_error()       bad input: rank 0 prints one line (or, inside the library, every rank keeps
 *                    it for the caller: sf_scope_enter), the caller returns SF_EXIT_USAGE so every
 *                    rank reaches MPI_Finalize.
 *   assert()         our own bugs.
 */
#ifndef SF_ERROR_H
#define SF_ERROR_H

#include <errno.h>
#include <mpi.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Room for one error line: what was wrong and what is accepted. */
#define SF_ERRLEN 256

#define SF_EXIT_OK 0
#define SF_EXIT_FAILURE 1 /* environment or I/O failure (sf_die) */
#define SF_EXIT_USAGE 2   /* bad input: nothing was created or touched */
#define SF_EXIT_INTERRUPTED 3 /* stopped cleanly by SIGTERM/SIGUSR1/SIGINT: --resume continues */

#define SF_NORETURN _Noreturn /* C11 */
#if defined(__GNUC__)
#define SF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SF_PRINTF(a, b)
#endif

/* Contract: never returns. Prints "slabfill: rank R: FILE:LINE: CALL failed: MESSAGE" to stderr and
 * aborts the whole job (MPI_Abort when MPI is up, exit(1) otherwise). */
SF_NORETURN void sf_die(const char *file, int line, const char *call, const char *fmt, ...)
    SF_PRINTF(4, 5);

/* Dies naming the call, the path it was given and errno's message. A macro, so that FILE:LINE
 * is the caller's. */
#define sf_die_errno(call, path)                                                              \
    sf_die(__FILE__, __LINE__, (call), "%s: %s", (path), strerror(errno))

/* Contract: prints "slabfill: MESSAGE" (one line: control characters become '?') on rank 0 of
 * sf_comm() only (all ranks when MPI is not initialised), or keeps it in the scope's sink on
 * every rank; returns SF_EXIT_USAGE. Every rank must call it with the same verdict. */
int sf_error(const char *fmt, ...) SF_PRINTF(1, 2);

/* Contract: as sf_error, but for an environment problem found before anything was touched
 * (no space for the output): returns SF_EXIT_FAILURE. */
int sf_fail(const char *fmt, ...) SF_PRINTF(1, 2);

/* The scope of one run: its communicator, and where bad-input messages go. */
typedef struct {
    MPI_Comm comm;
    char *sink;
    size_t sinklen;
} sf_scope;

/* Contract: from now on sf_comm() is comm, and sf_error/sf_fail write their line to sink (len
 * bytes, emptied now) on every rank instead of printing it on rank 0 (sink NULL: print); the
 * scope before is saved for sf_scope_leave. One run at a time per process. */
void sf_scope_enter(MPI_Comm comm, char *sink, size_t len, sf_scope *saved);
void sf_scope_leave(const sf_scope *saved);

/* Contract: the current run's communicator (MPI_COMM_WORLD unless a scope says otherwise). */
MPI_Comm sf_comm(void);

/* Contract: rank of this process in sf_comm(), or 0 before MPI_Init. */
int sf_rank(void);

/* Contract: dies with MPI's message for rc. Used by SF_MPI_CHECK. */
SF_NORETURN void sf_die_mpi(const char *file, int line, const char *call, int rc);

/* Allocation that cannot fail silently. Contract: never NULL; dies naming the size otherwise.
 * sf_xaligned returns 4 KiB-aligned memory (direct I/O, SIMD stores), at least 1 byte. */
void *sf_xcalloc(size_t n, size_t size);
void *sf_xmalloc(size_t size);
void *sf_xaligned(size_t size);

/* Contract: fopen that never returns NULL: dies naming the path and errno's message. */
FILE *sf_xfopen(const char *path, const char *mode);

#define SF_MPI_CHECK(call)                                                                    \
    do {                                                                                      \
        int sf_rc_ = (call);                                                                  \
        if (sf_rc_ != MPI_SUCCESS)                                                            \
            sf_die_mpi(__FILE__, __LINE__, #call, sf_rc_);                                    \
    } while (0)

/* For pthread calls, which return the error number instead of setting errno. */
#define SF_PT_CHECK(call)                                                                     \
    do {                                                                                      \
        int sf_pt_rc_ = (call);                                                               \
        if (sf_pt_rc_ != 0)                                                                   \
            sf_die(__FILE__, __LINE__, #call, "%s", strerror(sf_pt_rc_));                     \
    } while (0)

/* For libc calls that return -1 (or a negative value) and set errno. */
#define SF_SYS_CHECK(call)                                                                    \
    do {                                                                                      \
        if ((call) < 0)                                                                       \
            sf_die(__FILE__, __LINE__, #call, "%s", strerror(errno));                         \
    } while (0)

#endif
