/* slabfill.h - libslabfill: write a large 3-D array into one shared file (parallel HDF5,
 * PnetCDF, an MPI-IO .npy, or Zarr) from values your own code computes, one contiguous range of
 * z-slices per MPI rank, with what the slabfill program gives its own values:
 *   - each rank asks your producer for its slices in write units no larger than the I/O buffer,
 *     so memory per rank stays two buffers whatever the array's size;
 *   - collective writes on every format, optionally overlapped with your computation (a thread
 *     asks for the next unit while the current one is written) and streamed out of the page
 *     cache as they go;
 *   - the file appears under its name only when complete and synced: it is written under a
 *     partial name (".NAME.partial") and renamed at the end; an existing file is replaced only
 *     with force, and no link is followed;
 *   - an interrupted run (a signal, a SIGKILL, a full disk) resumes on any number of ranks and
 *     writes only what is missing, after checking what the partial holds;
 *   - every slice's XXH3-64 digest is stored in the file, so any file can be verified;
 *   - one job owns an output at a time (a lock beside it);
 *   - a summary of what was measured (time, storage, peak memory per rank): table, CSV or JSON.
 *
 * The values must not depend on the decomposition: a producer gives the same bytes for a box
 * whichever rank asks, so that a resume on another rank count completes the same file.
 *
 * Threads: call the library from one thread per process, one call at a time. MPI must be
 * initialised with at least MPI_THREAD_FUNNELED when overlap may be on (the producer then runs
 * on a second thread and must make no MPI calls); with MPI_THREAD_SINGLE set overlap OFF.
 *
 * Errors. Functions return SLABFILL_OK (0) or:
 *   - SLABFILL_EBADINPUT (2): bad input or a failed pre-check (the configuration; an output
 *     that exists; another job holding it; a link where slabfill writes; a file that is not a
 *     slabfill file). Nothing is created or touched. Every rank of the communicator returns
 *     the same code, and slabfill_last_error() gives the same one-line message on every rank.
 *   - SLABFILL_EFAILED (1): not enough space for the output (found before anything is
 *     written), or a verification that found differing values or slices.
 *   - SLABFILL_ESTOPPED (3): a signal (SIGTERM, SIGUSR1, SIGINT) or your producer stopped the
 *     run after a unit that was written, synced and recorded: the same call with resume = 1
 *     finishes it.
 * I/O failures during a run (a write the I/O library reports failed, a short write, a file
 * that vanished, a failed sync or rename) and failed allocations abort the job with MPI_Abort
 * on the communicator, after naming the rank, the call and the library's message: by then the
 * other ranks are inside collective calls that cannot be unwound. The partial and its record
 * stay, and the run can be resumed. The library never calls exit(). */
#ifndef SLABFILL_H
#define SLABFILL_H

#include <mpi.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SLABFILL_VERSION "0.4.0"

enum {
    SLABFILL_OK = 0,
    SLABFILL_EFAILED = 1,   /* no space, or verification found differences */
    SLABFILL_EBADINPUT = 2, /* bad input or failed pre-check: nothing created or touched */
    SLABFILL_ESTOPPED = 3   /* stopped after a recorded unit: resume to finish */
};

typedef enum { SLABFILL_FLOAT32, SLABFILL_FLOAT64 } slabfill_dtype;
typedef enum { SLABFILL_AUTO, SLABFILL_ON, SLABFILL_OFF } slabfill_switch;
typedef enum { SLABFILL_TABLE, SLABFILL_CSV, SLABFILL_JSON } slabfill_format;

/* A box of the array: slices [start[0], start[0] + count[0]), rows and columns likewise. */
typedef struct {
    uint64_t start[3];
    uint64_t count[3];
} slabfill_box;

/* Your code: fills out with the values of box, dense in C order (z, then x, then y), as the
 * configuration's dtype; out is aligned for it. A box is whole slices, or a part of one slice
 * (whole rows, or a part of one row) when the buffer is smaller than a slice; the parts of a
 * slice come in order, on one rank. Returns 0, or non-zero to stop the run after this unit's
 * predecessors are written (slabfill_write then returns SLABFILL_ESTOPPED with the progress
 * recorded, and the code furthest from 0 that any rank returned in
 * slabfill_result.stop_code; a negative code stops the run too). With overlap
 * on, it is called from a second thread and must make no MPI calls. */
typedef int (*slabfill_producer)(void *ctx, const slabfill_box *box, void *out);

typedef struct {
    uint64_t shape[3];          /* Z, X, Y: each >= 1, the array's bytes below 2^63 */
    slabfill_dtype dtype;
    const char *producer;       /* your producer's name, recorded in the file as its
                                   generator: 1-63 of [A-Za-z0-9._-]; required */
    const char *producer_version; /* its version, recorded as the value spec (same rules);
                                   a resume is refused when name or version differ */
    uint64_t seed;              /* recorded in the file for your producer's use (default 0) */
    const char *backend;        /* "hdf5", "pnetcdf", "mpiio" (.npy), "zarr", "memory" or
                                   "null"; NULL: the first built in (hdf5) */
    const char *path;           /* the output; NULL: "slab" + the backend's extension */
    uint64_t slab;              /* slices per rank per collective write, 1 to 1000000 */
    uint64_t buffer;            /* bytes of one write buffer, 1 KiB to 1 GiB */
    int force;                  /* replace an existing output (and start over a partial) */
    int resume;                 /* continue an interrupted run's partial, if there is one */
    int verify;                 /* read the file back and check every slice's digest before
                                   the rename (with another rank than the writer's) */
    int sync;                   /* sync to stable storage before the rename */
    int independent;            /* independent instead of collective I/O */
    double checkpoint;          /* seconds between progress records; 0: after every unit */
    slabfill_switch overlap;    /* a thread produces the next unit while this one is written;
                                   AUTO: only when every rank has a spare core */
    slabfill_switch stream;     /* stream each unit out to disk and drop it from the page
                                   cache (ON), leave it cached (OFF), or AUTO (where the
                                   backend lays values out contiguously) */
    const char *const *hints;   /* MPI-IO hints "key=value", NULL-terminated, or NULL */
    int quiet;                  /* no progress line on a terminal, no hints printed */
} slabfill_config;

/* Contract: fills c with the defaults: shape 500x2000x2000 (the article's), float32,
 * producer NULL (you must name it), producer_version "1", seed 0, backend and path NULL, slab
 * 1, buffer 64 MiB, sync on, checkpoint 30 s, overlap and stream AUTO, everything else
 * off. */
void slabfill_config_init(slabfill_config *c);

/* What a run measured: this rank's figures, and the totals over all ranks (the same on every
 * rank). */
typedef struct {
    /* this rank */
    uint64_t z0, nz;            /* the slices it was given: [z0, z0 + nz) */
    uint64_t bytes;             /* bytes it handed to the backend */
    uint64_t peak_rss;          /* its peak resident memory, bytes */
    double produce_s;           /* seconds in the producer */
    double wait_s;              /* seconds the writer waited for values (not hidden by I/O) */
    double write_s, close_s;    /* seconds in the writes, and in close and sync */
    /* all ranks */
    int nranks;
    uint64_t resumed;           /* slices already complete when the run started */
    int complete;               /* resume found the output complete: nothing was written */
    int stop_code;              /* with SLABFILL_ESTOPPED: the code furthest from 0 a producer
                                   gave; 0 when a signal stopped the run */
    uint64_t total_bytes;       /* all ranks' bytes */
    uint64_t file_bytes;        /* what the final file or store occupies on disk */
    uint64_t peak_rss_max, peak_rss_sum;
    double elapsed_s;           /* from the barrier before create to after the rename */
    double bandwidth_gbps;      /* total_bytes / elapsed_s, in 1e9 bytes/s */
    void *detail;               /* everything slabfill_print_summary needs; free it with
                                   slabfill_result_free */
} slabfill_result;

/* Contract: collective over comm, which may be any intra-communicator (its rank 0 does the
 * file system checks, holds the lock and writes the progress record). Writes the array cfg
 * describes with values from produce(ctx, ...), as this header's first comment says. On
 * return, every rank's res is filled (free it with slabfill_result_free) unless the code is
 * SLABFILL_EBADINPUT or the space check failed; the code is the same on every rank. */
int slabfill_write(MPI_Comm comm, const slabfill_config *cfg, slabfill_producer produce,
                   void *ctx, slabfill_result *res);

/* Contract: rank 0 of the run's communicator prints res's summary to out (the slabfill
 * program's table, or one CSV header and record, or one JSON object); other ranks print
 * nothing. */
void slabfill_print_summary(FILE *out, const slabfill_result *res, slabfill_format format);

/* Contract: frees what slabfill_write put in res; res may then be reused. */
void slabfill_result_free(slabfill_result *res);

/* What slabfill_verify found (the same on every rank). */
typedef struct {
    uint64_t shape[3];
    slabfill_dtype dtype;
    char producer[64];          /* the file's generator: your producer's name, or slabfill's */
    char producer_version[64];  /* its value spec */
    uint64_t seed;
    uint64_t slices;            /* slices checked against their stored digests */
    uint64_t bad_slices;        /* those whose bytes differ from their digest */
    uint64_t first_bad_slice;   /* the lowest, when bad_slices > 0 */
    int values_checked;         /* slabfill's own generator made the file: every value was
                                   also compared with it */
    uint64_t values, mismatches;
    uint64_t first_mismatch[3]; /* (z, x, y) of the first differing value, when mismatches */
    double seconds;
    /* the read phase, as IOR's -r measures it */
    uint64_t bytes;             /* bytes read, all ranks */
    double read_s, check_s;     /* the slowest rank's seconds reading, and checking */
    int cache_dropped;          /* every node dropped the file from its page cache first */
} slabfill_verify_result;

/* Contract: collective over comm. Drops the .h5, .nc, .npy or .zarr file at path (a link you
 * made to one is followed) from each node's page cache, reads it back in parallel, in reads of at most buffer bytes (0: 64 MiB), and
 * checks every slice against its stored XXH3-64 digest, and for files of slabfill's own
 * generator every value too. Returns SLABFILL_OK when all match, SLABFILL_EFAILED when any
 * differ (res says which), SLABFILL_EBADINPUT when path is not a complete slabfill file. */
int slabfill_verify(MPI_Comm comm, const char *path, uint64_t buffer,
                    slabfill_verify_result *res);

/* Contract: the one-line message of this process's last call that returned non-zero, or ""
 * after one that succeeded. Valid until the next call into the library. */
const char *slabfill_last_error(void);

#ifdef __cplusplus
}
#endif

#endif
