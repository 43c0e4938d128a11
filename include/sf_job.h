/* sf_job.h - one run of one backend: check, create (or reopen for --resume) under the partial
 * name, generate and write every missing unit with checkpoints, close, optionally verify, and
 * rename into place. Shared by the single run and --compare. */
#ifndef SF_JOB_H
#define SF_JOB_H

#include <stdint.h>

#include "sf_backend.h"
#include "sf_options.h"
#include "sf_summary.h"
#include "sf_verify.h"

typedef struct {
    const sf_options *opt; /* shape, spec, slab, buffer, hints, flags, verbosity */
    const sf_backend *be;
    const char *path;      /* final output; NULL when the backend writes no file */
    /* Filled by sf_job_prepare: */
    unsigned char *done;   /* resumed run: slices already complete (shape[0] bytes), else NULL */
    uint64_t resumed;      /* how many slices were already complete */
    int overlap;           /* whether the generator thread runs (--overlap, decided once) */
    char overlap_why[160]; /* how that was decided, in words for the summary */
    int stream;            /* whether units are streamed out of the page cache (--page-cache);
                              sf_job_run turns it off if the backend reports no data range */
    char stream_why[96];   /* how that was decided */
} sf_job;

/* Contract: collective. Decides --page-cache, and --overlap (auto: the generator thread runs
 * only when every rank on every node has a spare core, from the CPU affinity mask where the OS
 * has one).
 * Checks, on rank 0, that the output may be written (sf_output_check),
 * that there is space for it, and for --resume that a leftover partial was written with the
 * same backend, seed, shape, dtype, distribution and value spec; then shares what is already
 * done. Every rank returns the same verdict: 0, or SF_EXIT_USAGE / SF_EXIT_FAILURE after rank 0
 * printed why. Touches nothing. */
int sf_job_prepare(sf_job *job);

/* Contract: collective. Runs a prepared job and fills this rank's stats, and on rank 0 the
 * on-disk size of the final output. With opt->verify, fills *verify (else leaves it alone).
 * Returns SF_EXIT_OK; SF_EXIT_FAILURE when verification found mismatches (the data stays under
 * its partial name); or SF_EXIT_INTERRUPTED after a SIGTERM, SIGUSR1 or SIGINT, once the
 * current unit is written, synced and recorded. Dies on I/O failure; the final name then holds
 * nothing, or the complete file of an earlier run. */
int sf_job_run(sf_job *job, sf_rank_stats *st, uint64_t *disk_bytes, sf_verify_result *verify);

/* Contract: frees what sf_job_prepare allocated. */
void sf_job_release(sf_job *job);


#endif
