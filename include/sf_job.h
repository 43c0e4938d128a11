/* sf_job.h - one run of one backend: create under the partial name, generate and write every
 * unit of the plan, close and sync, rename into place. Shared by the single run and --compare. */
#ifndef SF_JOB_H
#define SF_JOB_H

#include <stdint.h>

#include "sf_backend.h"
#include "sf_options.h"
#include "sf_summary.h"

typedef struct {
    const sf_options *opt; /* shape, spec, slab, buffer, hints, independent, force, verbosity */
    const sf_backend *be;
    const char *path;      /* final output; NULL when the backend writes no file */
} sf_job;

/* Contract: collective. Rank 0 checks that the job's output may be written (see
 * sf_output_check) and every rank returns the same verdict: 0, or SF_EXIT_USAGE after rank 0
 * printed why. Touches nothing. */
int sf_job_check(const sf_job *job);

/* Contract: collective. Runs the job, fills this rank's stats, and on rank 0 the on-disk size
 * of the final output (0 without a file). Dies on any I/O failure; the final name then holds
 * either nothing or the complete file of an earlier run. */
void sf_job_run(const sf_job *job, sf_rank_stats *st, uint64_t *disk_bytes);

/* Contract: collective. Whether to run the generator thread for opt->overlap, and why, in
 * words for the summary. auto: on only when every rank on every node has a spare core
 * (cores from the CPU affinity mask where the OS has one). */
int sf_job_overlap(const sf_options *opt, char *why, size_t len);

#endif
