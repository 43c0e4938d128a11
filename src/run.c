/* run.c - one prepared job from start to commit: the partial created (or checked and reopened),
 * every missing unit generated, written, digested, streamed out and recorded, then the partial
 * closed, checked again and renamed into place. */
#include "sf_job.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_comm.h"
#include "sf_control.h"
#include "sf_digest.h"
#include "sf_error.h"
#include "sf_fault.h"
#include "sf_files.h"
#include "sf_measure.h"
#include "sf_output.h"
#include "sf_pipeline.h"
#include "sf_progress.h"
#include "sf_values.h"
#include "sf_version.h"
#include "sf_writeback.h"


static MPI_Info hints_info(const sf_options *o)
{
    if (o->nhints == 0)
        return MPI_INFO_NULL;
    MPI_Info info;
    SF_MPI_CHECK(MPI_Info_create(&info));
    for (int i = 0; i < o->nhints; i++)
        SF_MPI_CHECK(MPI_Info_set(info, o->hints[i].key, o->hints[i].value));
    return info;
}

/* -v: what the MPI library says it uses, which may differ from what was asked. */
static void print_file_info(const sf_job *job, void *handle)
{
    if (job->opt->verbosity <= 0 || sf_rank() != 0)
        return;
    FILE *out = job->opt->format == SF_FORMAT_TABLE ? stdout : stderr;
    if (!job->be->file_info) {
        fprintf(out, "MPI-IO hints: backend %s does not use MPI-IO\n", job->be->name);
        return;
    }
    MPI_Info info = job->be->file_info(handle);
    int n = 0;
    if (info != MPI_INFO_NULL)
        SF_MPI_CHECK(MPI_Info_get_nkeys(info, &n));
    fprintf(out, "MPI-IO hints reported by the MPI library (%d):\n", n);
    for (int i = 0; i < n; i++) {
        char key[MPI_MAX_INFO_KEY + 1], val[MPI_MAX_INFO_VAL + 1];
        int flag = 0;
        SF_MPI_CHECK(MPI_Info_get_nthkey(info, i, key));
        SF_MPI_CHECK(MPI_Info_get(info, key, MPI_MAX_INFO_VAL, val, &flag));
        fprintf(out, "  %s = %s\n", key, flag ? val : "(unset)");
    }
    fputc('\n', out);
    if (info != MPI_INFO_NULL)
        SF_MPI_CHECK(MPI_Info_free(&info));
}

/* What this run has completed (every rank, OR-merged on rank 0 at a checkpoint). */
typedef struct {
    unsigned char *mine, *all;   /* Z flags: slices complete and, once flushed, synced */
    unsigned char *fresh;        /* rank 0: slices complete since the last record */
    uint64_t *digest, *digests;  /* Z digests: this rank's, and rank 0's merged ones */
    sf_progress tmpl;            /* the record's fixed part */
    int64_t data_off;            /* where the values start in the file; -1: not one range */
} progress;

/* The record may claim only slices whose bytes are on disk. PnetCDF passes on no short write
 * (its count of bytes put is what was asked), so for it this is where a disk that filled up is
 * caught; for every backend with one data range it costs a stat and a few lseeks. */
static void check_stored(const sf_job *job, progress *pr)
{
    const sf_options *o = job->opt;
    const uint64_t Z = o->shape[0];
    int any = 0;
    for (uint64_t z = 0; z < Z; z++) {
        pr->fresh[z] = pr->all[z] && !pr->fresh[z] ? 1 : 0;
        any |= pr->fresh[z];
    }
    struct stat st;
    char why[SF_ERRLEN + 4096] = "";
    sf_file_meta meta = sf_meta_of(o->shape, &o->spec);
    if (any && pr->data_off >= 0) {
        if (stat(job->partial, &st) != 0)
            sf_die_errno("stat", job->partial);
        if (sf_extent_check(job->partial, &meta, (uint64_t)pr->data_off, (uint64_t)st.st_size,
                            pr->fresh, 0, why, sizeof why) != 0)
            sf_die(__FILE__, __LINE__, "the checkpoint's check of the data", "a write was lost "
                   "although the I/O library reported success: %s", why);
    }
    memcpy(pr->fresh, pr->all, Z); /* what this record claims */
}

/* Rank 0 writes the record: the slices every rank has completed and synced. */
static void checkpoint(const sf_job *job, void *h, progress *pr)
{
    const uint64_t Z = job->opt->shape[0];
    job->be->flush(h);
    sf_collective_long(SF_REDUCE, pr->mine, pr->all, Z, MPI_UNSIGNED_CHAR, MPI_MAX, 0,
                       sf_comm());
    /* Each slice has one writer; the others hold 0 (or, for resumed ones, the same). */
    sf_collective_long(SF_REDUCE, pr->digest, pr->digests, Z, MPI_UINT64_T, MPI_BOR, 0,
                       sf_comm());
    if (sf_rank() == 0) {
        check_stored(job, pr);
        sf_progress p = pr->tmpl;
        p.done = pr->all;
        p.digest = pr->digests;
        sf_progress_write(job->record, &p);
    }
    sf_fault_point("record");
}

static void progress_init(const sf_job *job, progress *pr)
{
    const sf_options *o = job->opt;
    const uint64_t Z = o->shape[0];
    pr->mine = sf_xcalloc(Z, 1);
    pr->all = sf_xcalloc(Z, 1);
    pr->fresh = sf_xcalloc(Z, 1);
    pr->data_off = -1;
    pr->digest = sf_xcalloc(Z, sizeof *pr->digest);
    pr->digests = sf_xcalloc(Z, sizeof *pr->digests);
    if (job->done) {
        memcpy(pr->mine, job->done, Z);
        memcpy(pr->digest, job->digest, Z * sizeof *pr->digest);
    }
    pr->tmpl = (sf_progress){.meta = job->meta};
    snprintf(pr->tmpl.backend, sizeof pr->tmpl.backend, "%s", job->be->name);
}

static void progress_free(progress *pr)
{
    free(pr->mine);
    free(pr->all);
    free(pr->fresh);
    free(pr->digest);
    free(pr->digests);
}

/* A resume trusts its record only as far as the file bears it out: every slice the record
 * claims is read back and digested, and any that differs is written again. */
static void check_claimed(sf_job *job)
{
    const sf_options *o = job->opt;
    uint64_t bad = sf_verify_digests(job->be, job->partial, &job->meta, job->done, job->digest,
                                     o->buffer);
    if (bad && sf_rank() == 0)
        fprintf(stderr, "slabfill: note: %llu of the %llu slices that %s claims complete "
                "differ from their recorded digests; writing them again\n",
                (unsigned long long)bad, (unsigned long long)job->resumed, job->record);
    job->resumed -= bad;
}

/* A fresh partial: whatever is left under its names goes (this job holds the lock), and a
 * file partial is created here, exclusively, so that no library follows a link planted under
 * its name. Returns the new file's inode (0 for a directory store). */
static ino_t fresh_partial(const sf_job *job)
{
    sf_output_discard(job->partial, job->be->sidecar);
    sf_output_remove(job->record);
    if (job->be->directory)
        return 0;
    int fd = open(job->partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        sf_die_errno("open", job->partial);
    if (close(fd) != 0)
        sf_die_errno("close", job->partial);
    return st.st_ino;
}

/* The library must have opened the very file made above, not something swapped in for it. */
static void check_identity(const sf_job *job, ino_t ino)
{
    struct stat st;
    if (lstat(job->partial, &st) != 0)
        sf_die_errno("lstat", job->partial);
    if (job->be->directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode) || st.st_ino != ino)
        sf_die(__FILE__, __LINE__, "lstat", "%s was replaced while it was being created",
               job->partial);
}

/* Creates or reopens the partial and makes it resumable before anything else is written:
 * the backend's metadata flushed to disk, then the first record. */
static void *open_partial(sf_job *job, const sf_target *target, progress *pr)
{
    ino_t ino = 0;
    if (job->path && sf_rank() == 0 && !target->resume)
        ino = fresh_partial(job);
    SF_MPI_CHECK(MPI_Barrier(sf_comm()));
    void *h = job->be->create(target);
    sf_fault_point("create");
    if (!job->path)
        return h;
    if (sf_rank() == 0 && !target->resume)
        check_identity(job, ino);
    pr->data_off = job->be->data_offset ? job->be->data_offset(h) : -1;
    checkpoint(job, h, pr);
    return h;
}

/* After the last unit: the closed partial must be a complete file of this array before it
 * may take the final name. */
static void check_partial(const sf_job *job)
{
    if (sf_rank() != 0)
        return;
    const sf_options *o = job->opt;
    sf_file_meta got;
    const sf_file_meta want = job->meta;
    unsigned char *all = sf_xmalloc(o->shape[0] ? o->shape[0] : 1);
    memset(all, 1, o->shape[0]);
    char why[SF_ERRLEN + 4096] = "";
    int ok = sf_inspect(job->be, job->partial, &got, o->shape[0], all, why, sizeof why) == 0;
    free(all);
    uint64_t *digest = sf_xmalloc(o->shape[0] * sizeof *digest);
    if (ok && job->be->get_digests(job->partial, o->shape[0], digest, why, sizeof why) != 0) {
        ok = 0;
        if (!why[0])
            snprintf(why, sizeof why, "its slices' digests are missing");
    }
    free(digest);
    if (ok && sf_meta_differs(&got, &want))
        snprintf(why, sizeof why, "its metadata changed during the run (%s)",
                 sf_meta_differs(&got, &want));
    if (!ok || sf_meta_differs(&got, &want))
        sf_die(__FILE__, __LINE__, "inspect", "%s is not complete after the run, so it is not "
               "renamed to %s: %s", job->partial, job->path, why);
}

/* The streaming write-out, when the backend reports where its values lie. */
static sf_writeback *start_writeback(sf_job *job, void *h, int64_t *data_off, uint64_t unit)
{
    *data_off = job->stream ? job->be->data_offset(h) : -1;
    sf_writeback *wb = *data_off >= 0 ? sf_writeback_open(job->partial, unit) : NULL;
    if (job->stream && !wb) { /* the summary must not claim what was not done */
        job->stream = 0;
        if (*data_off < 0)
            snprintf(job->stream_why, sizeof job->stream_why,
                     "backend %s reported no data range", job->be->name);
        else
            snprintf(job->stream_why, sizeof job->stream_why, "this OS has no sync_file_range");
    }
    return wb;
}

/* Everything the loop over units needs. */
typedef struct {
    sf_job *job;
    void *h;
    sf_plan plan;
    sf_pipeline *pipe;
    sf_writeback *wb;
    int64_t data_off;
    sf_digests *digests;
    progress pr;
    sf_control ctl;
} run_state;

/* Unit i: produced, written, digested, streamed out, agreed on. */
static sf_agreement one_unit(run_state *rs, uint64_t i, sf_rank_stats *st)
{
    sf_job *job = rs->job;
    sf_unit u;
    int code;
    const void *buf = sf_pipeline_next(rs->pipe, i, &u, &code);
    if (!buf) /* the producer asked to stop: still join this collective call, with nothing */
        u = sf_plan_unit(&rs->plan, rs->plan.nunits);
    double t = sf_clock();
    job->be->write(rs->h, &u, buf);
    sf_writeback_unit(rs->wb, (uint64_t)rs->data_off + u.offset, u.nbytes);
    st->t_write += sf_clock() - t;
    if (rs->digests && buf)
        sf_digests_add(rs->digests, &u.box, buf);
    sf_pipeline_release(rs->pipe, i);
    st->bytes += u.nbytes;
    if (i < rs->plan.nunits)
        sf_fault_point("unit");
    if (u.done.nz) {
        memset(rs->pr.mine + u.done.z0, 1, u.done.nz);
        if (rs->digests)
            memcpy(rs->pr.digest + u.done.z0, sf_digests_table(rs->digests) + u.done.z0,
                   u.done.nz * sizeof *rs->pr.digest);
    }
    sf_agreement a = sf_control_unit(&rs->ctl, i, rs->plan.ncalls, u.done.nz, code);
    if (job->path && (a.stop || a.checkpoint)) {
        checkpoint(job, rs->h, &rs->pr);
        sf_control_checkpointed(&rs->ctl);
    }
    return a;
}

/* Every slice's digest, into the file: each rank holds its own slices' (and a resume's earlier
 * ones), and one OR gives every rank the whole table. */
static void store_digests(sf_job *job, run_state *rs)
{
    const uint64_t Z = job->opt->shape[0];
    uint64_t *all = sf_xmalloc(Z * sizeof *all);
    memcpy(all, rs->pr.digest, Z * sizeof *all);
    sf_collective_long(SF_ALLREDUCE, all, NULL, Z, MPI_UINT64_T, MPI_BOR, 0, sf_comm());
    job->be->put_digests(rs->h, all);
    free(all);
}

/* This rank's share and its stats' fixed part. */
static void plan(run_state *rs, sf_rank_stats *st)
{
    const sf_options *o = rs->job->opt;
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &nranks));
    const size_t es = sf_dtype_size(o->spec.dtype);
    rs->plan = sf_plan_make(o->shape, es, o->slab, o->buffer, rs->job->done, nranks, rank);
    char host[MPI_MAX_PROCESSOR_NAME] = "";
    int hostlen = 0;
    SF_MPI_CHECK(MPI_Get_processor_name(host, &hostlen));
    *st = (sf_rank_stats){.z0 = rs->plan.nruns ? rs->plan.runs[0].z0 : o->shape[0]};
    for (int k = 0; k < rs->plan.nruns; k++)
        st->nz += rs->plan.runs[k].nz;
    memcpy(st->host, host, sizeof st->host - 1); /* truncating long host names is fine here */
    st->unit_bytes = rs->plan.unit_elems * es;
    /* a user's producer runs none of slabfill's value kernels */
    snprintf(st->kernel, sizeof st->kernel, "%s",
             o->spec.dist == SF_DIST_NONE ? "none" : sf_kernel_name());
}

/* The end of a run that was not stopped: check, verify, rename. */
static int commit(sf_job *job, sf_verify_result *verify)
{
    const sf_options *o = job->opt;
    check_partial(job);
    if (o->verify && verify) {
        if (sf_verify_file(job->be, job->partial, o->buffer, 1, SF_VERIFY_CHECK, verify) != 0)
            sf_die(__FILE__, __LINE__, "sf_verify_file", "%s cannot be read back",
                   job->partial);
        if (verify->mismatches || verify->bad_slices)
            return SF_EXIT_FAILURE;
    }
    sf_fault_point("commit");
    if (sf_rank() == 0) {
        sf_output_commit(job->partial, job->path, job->be->sidecar);
        /* what this job put there (the lock is held): --repeat removes only this, later */
        job->committed_known = job->opt->repeat > 1 &&
            sf_output_identity(job->path, job->be->sidecar, &job->committed) == 0;
        sf_fault_point("committed");
        sf_output_remove(job->record);
        sf_fsync_parent(job->record);
    }
    return SF_EXIT_OK;
}

/* --resume found the output in place with these very values (sf_job_prepare): nothing runs. */
static int already_complete(sf_job *job, sf_rank_stats *st)
{
    *st = (sf_rank_stats){.z0 = job->opt->shape[0]};
    st->peak_rss = sf_peak_rss_bytes();
    job->disk_bytes = sf_rank() == 0 ? sf_file_disk_bytes(job->path) : 0;
    if (sf_rank() == 0 && job->opt->verbosity >= 0)
        fprintf(stderr, "slabfill: %s is already complete: an earlier run wrote these values "
                "and renamed it into place; nothing to do\n", job->path);
    return SF_EXIT_OK;
}

static void report_stop(const sf_job *job, const progress *pr, const sf_agreement *a)
{
    uint64_t n = 0, Z = job->opt->shape[0];
    char by[64];
    if (a->signal)
        snprintf(by, sizeof by, "signal %d", a->signal);
    else
        snprintf(by, sizeof by, "the producer (code %d)", a->code);
    for (uint64_t z = 0; job->path && sf_rank() == 0 && z < Z; z++)
        n += pr->all[z] != 0;
    if (sf_rank() == 0 && !job->path)
        fprintf(stderr, "slabfill: stopped by %s\n", by);
    else if (sf_rank() == 0)
        fprintf(stderr, "slabfill: stopped by %s after %llu of %llu slices, all synced and "
                "recorded in %s; run the same command with --resume%s to finish (exit status "
                "%d)\n", by, (unsigned long long)n, (unsigned long long)Z, job->record,
                job->opt->repeat > 1 ? " and without --repeat" : "", SF_EXIT_INTERRUPTED);
}

/* Opens the partial, runs the units, closes: the timed part of a run. */
static sf_agreement run_units(run_state *rs, const sf_target *target, sf_rank_stats *st)
{
    sf_job *job = rs->job;
    const sf_options *o = job->opt;
    progress_init(job, &rs->pr);
    if (job->path)
        rs->digests = sf_digests_new(o->shape, sf_dtype_size(o->spec.dtype));
    rs->h = open_partial(job, target, &rs->pr);
    print_file_info(job, rs->h);
    rs->wb = start_writeback(job, rs->h, &rs->data_off, st->unit_bytes);
    rs->pipe = sf_pipeline_start(job->produce, job->ctx, &rs->plan, job->overlap, job->threads);
    sf_agreement a = {0};
    for (uint64_t i = 0; i < rs->plan.ncalls && !a.stop; i++)
        a = one_unit(rs, i, st);
    sf_control_end(&rs->ctl);
    if (a.stop)
        sf_pipeline_stop(rs->pipe);
    sf_pipeline_finish(rs->pipe, &st->t_gen, &st->t_wait);
    double tc = sf_clock();
    sf_writeback_close(rs->wb);
    if (job->path && !a.stop)
        store_digests(job, rs);
    job->be->close(rs->h);
    st->t_close = sf_clock() - tc;
    SF_MPI_CHECK(MPI_Barrier(sf_comm()));
    return a;
}

int sf_job_run(sf_job *job, sf_rank_stats *st, sf_verify_result *verify)
{
    const sf_options *o = job->opt;
    if (job->complete)
        return already_complete(job, st);
    run_state rs = {.job = job};
    /* A progress line for a person watching: rank 0 on a terminal, table format, not -q. */
    int show = sf_rank() == 0 && o->verbosity >= 0 && o->format == SF_FORMAT_TABLE &&
               isatty(STDERR_FILENO);
    SF_MPI_CHECK(MPI_Barrier(sf_comm()));
    sf_control_begin(&rs.ctl, sf_comm(), job->path != NULL, o->checkpoint, show,
                     o->shape[0], job->resumed, o->shape[0] * o->shape[1] * o->shape[2] *
                     sf_dtype_size(o->spec.dtype));
    if (job->done)
        check_claimed(job);
    rs.ctl.resumed = job->resumed; /* the read-back may have found slices to write again */
    plan(&rs, st);
    sf_target target = {.comm = sf_comm(), .path = job->path ? job->partial : NULL,
                        .meta = job->meta, .z0 = st->z0, .nz = st->nz,
                        .info = hints_info(o), .independent = o->independent,
                        .sync = !o->no_sync, .resume = job->done != NULL};
    sf_agreement a = run_units(&rs, &target, st);
    int status = a.stop ? SF_EXIT_INTERRUPTED : SF_EXIT_OK;
    job->stop_code = a.code;
    if (a.stop)
        report_stop(job, &rs.pr, &a);
    else if (job->path)
        status = commit(job, verify);
    st->t_total = sf_clock() - rs.ctl.t0;
    sf_plan_free(&rs.plan);
    sf_digests_free(rs.digests);
    progress_free(&rs.pr);
    if (target.info != MPI_INFO_NULL)
        SF_MPI_CHECK(MPI_Info_free(&target.info));
    st->peak_rss = sf_peak_rss_bytes();
    job->disk_bytes = job->path && sf_rank() == 0 && status == SF_EXIT_OK
                          ? sf_file_disk_bytes(job->path) : 0;
    return status;
}
