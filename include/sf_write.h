/* sf_write.h - one run, from options to what its summary needs: the backend and the output
 * path chosen, the job prepared, run and released, and every rank's figures gathered. The
 * slabfill program (its own values) and libslabfill (a user's producer) both run through it. */
#ifndef SF_WRITE_H
#define SF_WRITE_H

#include "sf_backend.h"
#include "sf_lock.h"
#include "sf_meta.h"
#include "sf_options.h"
#include "sf_pipeline.h"
#include "sf_summary.h"
#include "sf_verify.h"

typedef struct {
    sf_options opt;          /* the run's options; info.opt points here */
    const sf_backend *be;    /* the backend that ran (NULL when a pre-check refused) */
    char path[4096];         /* the output, "" for a backend that writes no file */
    sf_run_info info;        /* what ran, for the summary (valid when info.nranks > 0) */
    sf_rank_stats mine;      /* this rank's figures */
    sf_rank_stats *all;      /* rank 0: every rank's figures; NULL elsewhere */
    sf_verify_result verify; /* what opt.verify found */
    int complete;            /* --resume found the output complete: nothing was written */
    int stop_code;           /* the code furthest from 0 a producer returned to stop the run */
    uint64_t committed;      /* rank 0: sf_output_identity of the output this run renamed */
    int committed_known;     /* into place, and whether it could be taken */
} sf_write_run;

/* Contract: collective over sf_comm(). Runs opt (sf_job_prepare, then sf_job_run) with
 * slabfill's own values when produce is NULL, else with produce(ctx, ...) and the file
 * metadata meta (the producer's name and version, seed, shape, dtype). run must not move
 * while its info is used (info points into it). Returns what sf_job_run returns, or
 * SF_EXIT_USAGE / SF_EXIT_FAILURE from a failed pre-check, the message said through
 * sf_error (info.nranks is then 0 and nothing else is filled). keep NULL: the run takes the
 * output's lock and lets it go. Else (rank 0) *keep is a lock the caller holds for this output
 * or NULL (the run takes one), and on return *keep is the lock, still held or NULL: the caller
 * releases it (sf_lock_release), so that --repeat owns the output from its first write to its
 * last. */
int sf_write(const sf_options *opt, const sf_file_meta *meta, sf_producer produce, void *ctx,
             sf_write_run *run, sf_lock **keep);

/* Contract: frees what sf_write allocated in run. */
void sf_write_free(sf_write_run *run);

#endif
