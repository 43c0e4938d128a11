/* sf_job.h - one run of one backend: lock the output, check it, create (or reopen for
 * --resume, after checking what the partial really holds) under the partial name, generate and
 * write every missing unit with checkpoints, close, check the partial again, optionally verify,
 * and rename into place. Shared by the single run and --compare. */
#ifndef SF_JOB_H
#define SF_JOB_H

#include <stdint.h>

#include "sf_backend.h"
#include "sf_lock.h"
#include "sf_options.h"
#include "sf_pipeline.h"
#include "sf_summary.h"
#include "sf_verify.h"

typedef struct {
    const sf_options *opt; /* shape, spec, slab, buffer, hints, flags, verbosity */
    const sf_backend *be;
    const char *path;      /* final output; NULL when the backend writes no file */
    sf_file_meta meta;     /* the array as the file records it: slabfill's generator, or a
                              producer's name and version */
    sf_producer produce;   /* what fills each unit */
    void *ctx;             /* its context */
    /* Filled by sf_job_prepare: */
    char partial[4096];    /* ".NAME.partial" beside path */
    char record[4200];     /* its progress record */
    sf_lock *lock;         /* rank 0: the output's lock, held until sf_job_release; or, when
                              lock_kept, one the caller took and releases itself */
    int lock_kept;         /* set before sf_job_prepare: lock (NULL: take one) stays held
                              after sf_job_release, for the caller (--repeat's next write) */
    unsigned char *done;   /* resumed run: slices the record claims complete (shape[0] bytes) */
    uint64_t *digest;      /* resumed run: their XXH3-64 digests (shape[0] entries) */
    uint64_t resumed;      /* how many slices were complete when this run started */
    int complete;          /* --resume found the output already in place: nothing to do */
    int splittable;        /* produce may fill parts of a unit from several threads at once */
    int threads;           /* how many threads generate (--threads, decided once) */
    char threads_why[160]; /* how that was decided */
    int overlap;           /* whether the generator thread runs (--overlap, decided once) */
    char overlap_why[160]; /* how that was decided, in words for the summary */
    int stream;            /* whether units are streamed out of the page cache (--page-cache);
                              sf_job_run turns it off if the backend reports no data range */
    char stream_why[96];   /* how that was decided */
    /* Filled by sf_job_run: */
    uint64_t disk_bytes;   /* rank 0: what the final output occupies on disk */
    int stop_code;         /* the code furthest from 0 a producer returned to stop the run */
    uint64_t committed;    /* rank 0: sf_output_identity of the output right after the rename */
    int committed_known;   /* and whether it could be taken */
} sf_job;

/* Contract: a job for opt with slabfill's own values (the built-in producer and its metadata);
 * the library then names a user's producer instead (meta.generator and value_spec, produce,
 * ctx). path as for sf_job.path. */
sf_job sf_job_init(const sf_options *opt, const sf_backend *be, const char *path);

/* Contract: collective. Decides --page-cache, and --overlap (auto: the generator thread runs
 * only when every rank on every node has a spare core, from the CPU affinity mask where the OS
 * has one). On rank 0, takes the output's lock (sf_lock: a second job is refused), checks that
 * the output may be written (sf_output_check), that nothing under the partial's names is a
 * link or other non-file, that there is space, and for --resume what the partial holds:
 *   - a record that is malformed, or written with another backend, seed, shape, dtype,
 *     distribution or value spec, is refused (SF_EXIT_USAGE), the partial left alone;
 *   - a partial without a record, or whose format, header or size does not hold what its
 *     record claims, is started over (a note on stderr): only slabfill makes it, and the
 *     record follows its creation at once;
 *   - an output already in place, with no partial, whose metadata match: complete is set.
 * Every rank returns the same verdict: 0, or SF_EXIT_USAGE / SF_EXIT_FAILURE after rank 0
 * printed why (then nothing is held). Touches nothing but the lock file. */
int sf_job_prepare(sf_job *job);

/* Contract: collective. Runs a prepared job and fills this rank's stats, and on rank 0 the
 * on-disk size of the final output (job->disk_bytes). A resume first reads back every slice its record claims
 * and writes again any whose digest differs. With opt->verify, fills *verify (else leaves it
 * alone). Returns SF_EXIT_OK; SF_EXIT_FAILURE when verification found mismatches (the data
 * stays under its partial name); or SF_EXIT_INTERRUPTED after a SIGTERM, SIGUSR1 or SIGINT,
 * once the current unit is written, synced and recorded. Dies on I/O failure (a short write
 * included), and when the closed partial fails its final check; the final name then holds
 * nothing, or the complete file of an earlier run. */
int sf_job_run(sf_job *job, sf_rank_stats *st, sf_verify_result *verify);

/* Contract: what a run of job was, for its summary: backend, file and its size on disk,
 * resumed slices, and how overlap and page cache were decided. The rest of info is zeroed,
 * but for the rank count. */
void sf_job_describe(const sf_job *job, sf_run_info *info);

/* Contract: releases the lock and frees what sf_job_prepare allocated. */
void sf_job_release(sf_job *job);

#endif
