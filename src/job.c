/* job.c - before a run: the output's lock, the checks, and for --resume what the partial
 * really holds; after it, the release. The run itself is src/run.c. */
#include "sf_job.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_comm.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_output.h"
#include "sf_policy.h"
#include "sf_progress.h"
#include "sf_version.h"

static uint64_t slice_bytes(const sf_options *o)
{
    return o->shape[1] * o->shape[2] * sf_dtype_size(o->spec.dtype);
}

/* What rank 0 found, for every rank. */
typedef struct {
    int rc, have_done, complete;
    char err[SF_ERRLEN + 3 * 4096];
} verdict;

static void note(const char *fmt, const char *a, const char *b)
{
    char msg[SF_ERRLEN + 8192];
    snprintf(msg, sizeof msg, fmt, a, b);
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "slabfill: note: %s\n", msg);
    fflush(stderr);
}

/* --resume with the output in place and no partial: an earlier run finished (its rename is the
 * last step). Nothing to do when it holds these very values; refused otherwise. */
static int check_complete(sf_job *job, verdict *v)
{
    sf_file_meta meta;
    const sf_file_meta want = job->meta;
    char why[SF_ERRLEN + 4096];
    if (sf_inspect(job->be, job->path, &meta, 0, NULL, why, sizeof why) != 0 ||
        sf_meta_differs(&meta, &want)) {
        snprintf(v->err, sizeof v->err, "output '%s' exists and is not what these options "
                 "write, so there is nothing to resume; give --force to replace it, or another "
                 "-o", job->path);
        return SF_EXIT_USAGE;
    }
    v->complete = 1;
    if (sf_plain_entry(job->record, 0, why, sizeof why) == 1)
        sf_output_remove(job->record); /* left by a run stopped between rename and removal */
    return 0;
}

/* Reads the record of a partial to resume: 0 with p filled, 1 to start over, or an exit code. */
static int read_record(sf_job *job, sf_progress *p, verdict *v)
{
    const sf_options *o = job->opt;
    int r = sf_progress_read(job->record, o->shape[0], p, v->err, sizeof v->err);
    if (r == 1) {
        note("%s has no progress record, so nothing in it is known to be complete: starting "
             "it over%s", job->partial, "");
        return 1;
    }
    if (r < 0)
        return SF_EXIT_USAGE;
    const sf_file_meta want = job->meta;
    const char *differs = strcmp(p->backend, job->be->name) ? "backend"
                                                            : sf_meta_differs(&p->meta, &want);
    if (differs) {
        char was[400];
        snprintf(v->err, sizeof v->err, "cannot resume %s: it was started with another %s "
                 "(backend %s, %s); give the same options, or --force to start over",
                 job->partial, differs, p->backend,
                 sf_meta_describe(&p->meta, was, sizeof was));
        sf_progress_free(p);
        return SF_EXIT_USAGE;
    }
    /* The partial must hold what the record claims: its format, header and the bytes of every
     * slice marked done. If it does not, it was damaged, and nothing in it can be trusted. */
    sf_file_meta got;
    char why[SF_ERRLEN + 4096];
    if (sf_inspect(job->be, job->partial, &got, o->shape[0], p->done, why, sizeof why) != 0 ||
        sf_meta_differs(&got, &want)) {
        note("%s does not hold what its record claims (%s): starting it over", job->partial,
             why);
        sf_progress_free(p);
        return 1;
    }
    return 0;
}

/* The names beside the output that slabfill writes must be plain files (or, for a directory
 * store, directories) when they exist: a link planted there is never followed. */
static int check_entries(const sf_job *job, verdict *v)
{
    char why[SF_ERRLEN + 4096], tmp[4300], lock[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", job->record);
    if (sf_lock_name(job->path, lock, sizeof lock) != 0 ||
        sf_plain_entry(job->partial, job->be->directory, why, sizeof why) < 0 ||
        sf_plain_entry(job->record, 0, why, sizeof why) < 0 ||
        sf_plain_entry(tmp, 0, why, sizeof why) < 0 || sf_plain_entry(lock, 0, why, sizeof why) < 0) {
        snprintf(v->err, sizeof v->err, "%s; remove it, or give another -o", why);
        return SF_EXIT_USAGE;
    }
    return 0;
}

/* The checks that need nothing but a look: the output may be written, and nothing under the
 * partial's names is a link or other non-file. 0, or an exit status with the reason in v. */
static int check_output(const sf_job *job, verdict *v)
{
    const sf_options *o = job->opt;
    struct stat st;
    if (!job->lock && sf_lock_busy(job->path, v->err, sizeof v->err))
        return SF_EXIT_USAGE; /* say who has it, rather than what its partial looks like */
    if (o->resume && !o->force && lstat(job->partial, &st) != 0 && lstat(job->path, &st) == 0)
        return 0; /* maybe complete: check_complete decides, under the lock */
    int rc = sf_output_check(job->path, job->be->directory, job->be->mpiio, o->force,
                             o->resume, v->err, sizeof v->err);
    if (rc == 0)
        rc = sf_output_check_sidecar(job->path, job->be->sidecar, o->force, v->err,
                                     sizeof v->err);
    return rc || o->force ? rc : check_entries(job, v);
}

/* Rank 0's side of sf_job_prepare, with the lock held. */
static int prepare_rank0(sf_job *job, sf_progress *p, verdict *v)
{
    const sf_options *o = job->opt;
    struct stat st;
    int have_partial = lstat(job->partial, &st) == 0;
    if (o->resume && !o->force && !have_partial && lstat(job->path, &st) == 0)
        return check_complete(job, v);
    int rc = check_output(job, v);
    if (rc)
        return rc;
    uint64_t missing = o->shape[0];
    if (o->resume && have_partial) { /* --force too: it then only lets the result replace the output */
        rc = read_record(job, p, v);
        if (rc > 1)
            return rc;
        v->have_done = rc == 0;
        for (uint64_t z = 0; rc == 0 && z < o->shape[0]; z++)
            missing -= p->done[z] != 0;
    }
    /* Room for the missing slices, plus a MiB for headers and metadata. */
    if (sf_output_space(job->path, missing * slice_bytes(o) + (1u << 20), v->err,
                        sizeof v->err) != 0)
        return SF_EXIT_FAILURE;
    return 0;
}


/* Every rank gets rank 0's done flags and digests. Z may exceed INT_MAX: in pieces. */
static void share_resume(sf_job *job, const sf_progress *p)
{
    const uint64_t Z = job->opt->shape[0];
    if (sf_rank() == 0) { /* the record's arrays move to the job */
        job->done = p->done;
        job->digest = p->digest;
    } else {
        job->done = sf_xmalloc(Z ? Z : 1);
        job->digest = sf_xcalloc(Z, sizeof *job->digest);
    }
    assert(job->done && job->digest);
    sf_collective_long(SF_BCAST, job->done, NULL, Z, MPI_BYTE, MPI_OP_NULL, 0, sf_comm());
    sf_collective_long(SF_BCAST, job->digest, NULL, Z, MPI_UINT64_T, MPI_OP_NULL, 0,
                       sf_comm());
    for (uint64_t z = 0; z < Z; z++)
        job->resumed += job->done[z] != 0;
}

int sf_job_prepare(sf_job *job)
{
    if (!job->lock_kept)
        job->lock = NULL;
    job->done = NULL;
    job->digest = NULL;
    job->resumed = 0;
    job->complete = 0;
    job->overlap = sf_policy_overlap(job->opt, job->overlap_why, sizeof job->overlap_why);
    job->threads = sf_policy_threads(job->opt, job->splittable, job->threads_why,
                                     sizeof job->threads_why);
    job->stream = sf_policy_stream(job->opt, job->be, job->stream_why, sizeof job->stream_why);
    if (!job->path)
        return 0;
    verdict v; /* rank 0 fills it, every rank receives it */
    memset(&v, 0, sizeof v);
    sf_progress p = {.done = NULL};
    if (sf_output_partial_name(job->path, job->partial, sizeof job->partial) != 0 ||
        sf_progress_name(job->partial, job->record, sizeof job->record) != 0) {
        v.rc = SF_EXIT_USAGE;
        snprintf(v.err, sizeof v.err, "output path '%s' is too long", job->path);
    } else if (sf_rank() == 0) {
        /* Bad input is refused before the lock is taken, so that it touches nothing (not even
         * the directory, which the lock file would); then everything is checked again under
         * the lock, since another job may have changed it meanwhile. */
        v.rc = check_output(job, &v);
        if (v.rc == 0 && !job->lock)
            v.rc = sf_lock_take(job->path, &job->lock, v.err, sizeof v.err);
        if (v.rc == 0)
            v.rc = prepare_rank0(job, &p, &v);
    }
    SF_MPI_CHECK(MPI_Bcast(&v, (int)sizeof v, MPI_BYTE, 0, sf_comm()));
    if (v.rc) {
        sf_progress_free(&p);
        if (!job->lock_kept) {
            sf_lock_release(job->lock);
            job->lock = NULL;
        }
        return v.rc == SF_EXIT_FAILURE ? sf_fail("%s", v.err) : sf_error("%s", v.err);
    }
    job->complete = v.complete;
    if (v.have_done)
        share_resume(job, &p);
    return 0;
}

/* The built-in producer: slabfill's own values (the value spec, src/values.c). */
static int fill_values(void *ctx, const sf_box *box, void *out)
{
    const sf_options *o = ctx;
    sf_fill_box(&o->spec, o->shape, box, out);
    return 0;
}

sf_job sf_job_init(const sf_options *opt, const sf_backend *be, const char *path)
{
    return (sf_job){.opt = opt, .be = be, .path = path,
                    .meta = sf_meta_of(opt->shape, &opt->spec), .produce = fill_values,
                    .ctx = (void *)opt, .splittable = 1};
}

void sf_job_describe(const sf_job *job, sf_run_info *info)
{
    *info = (sf_run_info){.opt = job->opt, .backend = job->be->name, .api = job->be->ior_api,
                          .file = job->path,
                          .file_disk_bytes = job->disk_bytes, .resumed = job->resumed,
                          .overlap_used = job->overlap, .stream_used = job->stream,
                          .threads_used = job->threads};
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &info->nranks));
    snprintf(info->overlap_why, sizeof info->overlap_why, "%s", job->overlap_why);
    snprintf(info->stream_why, sizeof info->stream_why, "%s", job->stream_why);
    snprintf(info->threads_why, sizeof info->threads_why, "%s", job->threads_why);
    snprintf(info->producer, sizeof info->producer, "%s", job->meta.generator);
    snprintf(info->producer_version, sizeof info->producer_version, "%s",
             job->meta.value_spec);
}

void sf_job_release(sf_job *job)
{
    free(job->done);
    free(job->digest);
    job->done = NULL;
    job->digest = NULL;
    if (!job->lock_kept) {
        sf_lock_release(job->lock);
        job->lock = NULL;
    }
}
