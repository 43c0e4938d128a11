/* job.c - the generate-and-write loop of one run, between the output checks and the summary. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sf_job.h"

#include <assert.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_decomp.h"
#include "sf_error.h"
#include "sf_measure.h"
#include "sf_output.h"
#include "sf_pipeline.h"
#include "sf_progress.h"
#include "sf_version.h"
#include "sf_writeback.h"

#define PATH_LEN 4096

static uint64_t slice_bytes(const sf_options *o)
{
    return o->shape[1] * o->shape[2] * sf_dtype_size(o->spec.dtype);
}

static int decide_overlap(const sf_options *opt, char *why, size_t len);
static int decide_stream(const sf_options *opt, const sf_backend *be, char *why, size_t len);

/* Rank 0's side of sf_job_prepare: returns 0 or an exit status with the reason in err. */
static int prepare_rank0(sf_job *job, unsigned char **done, char *err, size_t errlen)
{
    const sf_options *o = job->opt;
    int rc = sf_output_check(job->path, job->be->directory, o->force, o->resume, err, errlen);
    if (rc)
        return rc;
    char partial[4096], record[4200];
    sf_output_partial_name(job->path, partial, sizeof partial);
    sf_progress_name(partial, record, sizeof record);
    struct stat st;
    if (o->resume && lstat(partial, &st) == 0) {
        sf_progress p;
        int r = sf_progress_read(record, &p, err, errlen);
        if (r == 1) {
            snprintf(err, errlen, "cannot resume %s: it has no progress record %s, so what it "
                     "holds is unknown; give --force to start over", partial, record);
            return SF_EXIT_USAGE;
        }
        if (r < 0)
            return SF_EXIT_USAGE;
        const char *differs = strcmp(p.backend, job->be->name) ? "backend"
                              : strcmp(p.value_spec, SF_VALUE_SPEC) ? "value spec"
                              : p.spec.seed != o->spec.seed ? "seed"
                              : memcmp(p.shape, o->shape, sizeof p.shape) ? "shape"
                              : p.spec.dtype != o->spec.dtype ? "dtype"
                              : p.spec.dist != o->spec.dist ? "distribution" : NULL;
        if (differs) {
            snprintf(err, errlen, "cannot resume %s: it was started with another %s (backend "
                     "%s, seed %llu, shape %llux%llux%llu, %s %s, %s); give the same options, "
                     "or --force to start over", partial, differs, p.backend,
                     (unsigned long long)p.spec.seed, (unsigned long long)p.shape[0],
                     (unsigned long long)p.shape[1], (unsigned long long)p.shape[2],
                     sf_dtype_name(p.spec.dtype), sf_dist_name(p.spec.dist), p.value_spec);
            sf_progress_free(&p);
            return SF_EXIT_USAGE;
        }
        *done = p.done;
    }
    uint64_t missing = o->shape[0];
    for (uint64_t z = 0; *done && z < o->shape[0]; z++)
        missing -= (*done)[z] != 0;
    /* Room for the missing slices, plus a MiB for headers and metadata. */
    if (sf_output_space(job->path, missing * slice_bytes(o) + (1u << 20), err, errlen) != 0)
        return SF_EXIT_FAILURE;
    return 0;
}

int sf_job_prepare(sf_job *job)
{
    job->done = NULL;
    job->resumed = 0;
    job->overlap = decide_overlap(job->opt, job->overlap_why, sizeof job->overlap_why);
    job->stream = decide_stream(job->opt, job->be, job->stream_why, sizeof job->stream_why);
    if (!job->path)
        return 0;
    char err[SF_ERRLEN + 3 * PATH_LEN] = "";
    int rc = 0, have = 0;
    const uint64_t Z = job->opt->shape[0];
    unsigned char *done = NULL;
    if (sf_rank() == 0) {
        rc = prepare_rank0(job, &done, err, sizeof err);
        have = done != NULL;
    }
    int msg[2] = {rc, have};
    SF_MPI_CHECK(MPI_Bcast(msg, 2, MPI_INT, 0, MPI_COMM_WORLD));
    if (msg[0]) {
        free(done);
        return msg[0] == SF_EXIT_FAILURE ? sf_fail("%s", err) : sf_error("%s", err);
    }
    if (msg[1]) {
        if (!done)
            done = sf_xmalloc(Z);
        /* Z may exceed INT_MAX: broadcast in pieces. */
        for (uint64_t at = 0; at < Z; at += 1u << 30) {
            uint64_t n = Z - at < (1u << 30) ? Z - at : (1u << 30);
            SF_MPI_CHECK(MPI_Bcast(done + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD));
        }
        for (uint64_t z = 0; z < Z; z++)
            job->resumed += done[z] != 0;
        job->done = done;
    }
    return 0;
}

void sf_job_release(sf_job *job)
{
    free(job->done);
    job->done = NULL;
}

/* Cores this process may run on (the affinity mask that mpirun, Slurm or taskset granted, on
 * Linux) and cores online on the node. */
static void core_counts(int *mine, int *node)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    *node = n > 0 ? (int)n : 1;
    *mine = *node;
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        *mine = CPU_COUNT(&set);
#endif
}

/* Streaming write-out makes each unit wait for the disk, which --no-sync asked not to time. */
static int decide_stream(const sf_options *opt, const sf_backend *be, char *why, size_t len)
{
    if (opt->page_cache == SF_CACHE_KEEP) {
        snprintf(why, len, "--page-cache keep");
        return 0;
    }
    const char *how = opt->page_cache == SF_CACHE_DROP ? "--page-cache drop" : "auto";
    if (!be->data_offset) {
        snprintf(why, len, "%s: backend %s has no single data range to stream", how, be->name);
        return 0;
    }
    if (opt->page_cache == SF_CACHE_AUTO && opt->no_sync) {
        snprintf(why, len, "auto: --no-sync does not wait for the disk");
        return 0;
    }
    snprintf(why, len, "%s", how);
    return 1;
}

static int decide_overlap(const sf_options *opt, char *why, size_t len)
{
    if (opt->overlap != SF_OVERLAP_AUTO) {
        snprintf(why, len, "--overlap %s", opt->overlap == SF_OVERLAP_ON ? "on" : "off");
        return opt->overlap == SF_OVERLAP_ON;
    }
    MPI_Comm node;
    int on_node, mine, online, spare, all_spare;
    core_counts(&mine, &online);
    SF_MPI_CHECK(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                                     &node));
    SF_MPI_CHECK(MPI_Comm_size(node, &on_node));
    SF_MPI_CHECK(MPI_Comm_free(&node));
    /* A bound rank needs a second core in its own mask; unbound ranks share the node's cores. */
    int bound = mine < online;
    spare = bound ? mine >= 2 : online >= 2 * on_node;
    SF_MPI_CHECK(MPI_Allreduce(&spare, &all_spare, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
    if (bound)
        snprintf(why, len, "auto: each rank is bound to %d core%s, %s", mine,
                 mine == 1 ? "" : "s", all_spare ? "a spare one for the generator thread"
                                                 : "none spare for a generator thread");
    else
        snprintf(why, len, "auto: %d unbound rank%s on %d cores, %s", on_node,
                 on_node == 1 ? "" : "s", online,
                 all_spare ? "a spare one each for the generator thread"
                           : "none spare for a generator thread");
    return all_spare;
}

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

/* Rank 0's terminal line: slices done (over all ranks, the resumed ones included) of all,
 * rate and ETA, at most 4 times a second; *last holds the time of the last print. */
static void progress_line(double *last, uint64_t done, uint64_t total, uint64_t resumed,
                          double elapsed, uint64_t total_bytes)
{
    if (sf_rank() != 0 || (elapsed - *last < 0.25 && done < total))
        return;
    *last = elapsed;
    double fresh = (double)(done - resumed), rate = elapsed > 0 ? fresh / elapsed : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r\033[K  %llu/%llu slices  %.2f GB/s  ETA %.0f s",
            (unsigned long long)done, (unsigned long long)total,
            rate * (double)total_bytes / (double)total / 1e9, eta);
    fflush(stderr);
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

/* Rank 0 writes the record: the slices every rank has completed (OR over ranks) and synced. */
static void checkpoint(const sf_job *job, void *h, unsigned char *mine, unsigned char *all,
                       const char *record, const sf_progress *tmpl)
{
    const uint64_t Z = job->opt->shape[0];
    job->be->flush(h);
    for (uint64_t at = 0; at < Z; at += 1u << 30) {
        uint64_t n = Z - at < (1u << 30) ? Z - at : (1u << 30);
        SF_MPI_CHECK(MPI_Reduce(mine + at, all + at, (int)n, MPI_UNSIGNED_CHAR, MPI_MAX, 0,
                                MPI_COMM_WORLD));
    }
    if (sf_rank() == 0) {
        sf_progress p = *tmpl;
        p.done = all;
        sf_progress_write(record, &p);
    }
}

int sf_job_run(sf_job *job, sf_rank_stats *st, uint64_t *disk_bytes, sf_verify_result *verify)
{
    const sf_options *o = job->opt;
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    const uint64_t Z = o->shape[0];

    char partial[PATH_LEN], record[PATH_LEN + 16];
    if (job->path && (sf_output_partial_name(job->path, partial, sizeof partial) != 0 ||
                      sf_progress_name(partial, record, sizeof record) != 0))
        sf_die(__FILE__, __LINE__, "sf_output_partial_name", "%s: path too long", job->path);

    const size_t es = sf_dtype_size(o->spec.dtype);
    sf_work work = sf_work_make(o->shape, es, o->slab, o->buffer, job->done, nranks, rank);
    uint64_t ncalls = work.nunits;
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &ncalls, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD));

    char host[MPI_MAX_PROCESSOR_NAME] = "";
    int hostlen = 0;
    SF_MPI_CHECK(MPI_Get_processor_name(host, &hostlen));
    *st = (sf_rank_stats){.z0 = work.nplans ? work.plans[0].zr.z0 : Z};
    for (int k = 0; k < work.nplans; k++)
        st->nz += work.plans[k].zr.nz;
    memcpy(st->host, host, sizeof st->host - 1); /* truncating long host names is fine here */
    st->unit_bytes = work.unit_elems * es;

    int resuming = job->done != NULL;
    sf_target target = {.comm = MPI_COMM_WORLD, .path = job->path ? partial : NULL,
                        .spec = o->spec, .z0 = st->z0, .nz = st->nz,
                        .info = hints_info(o), .independent = o->independent,
                        .sync = !o->no_sync, .resume = resuming};
    memcpy(target.shape, o->shape, sizeof target.shape);
    sf_progress tmpl = {.shape = {o->shape[0], o->shape[1], o->shape[2]}, .spec = o->spec};
    snprintf(tmpl.backend, sizeof tmpl.backend, "%s", job->be->name);
    snprintf(tmpl.value_spec, sizeof tmpl.value_spec, "%s", SF_VALUE_SPEC);
    /* What this rank has completed since the start, and (rank 0) the merged record. */
    unsigned char *mine = sf_xcalloc(Z, 1), *all = sf_xcalloc(Z, 1);
    if (job->done)
        memcpy(mine, job->done, Z);

    /* A clean stop only means something when there is a file to resume; without one the
     * signals keep their default effect. */
    struct sigaction sa = {.sa_handler = on_stop_signal}, old_term, old_usr1, old_int;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    if (job->path) {
        SF_SYS_CHECK(sigaction(SIGTERM, &sa, &old_term));
        SF_SYS_CHECK(sigaction(SIGUSR1, &sa, &old_usr1));
        SF_SYS_CHECK(sigaction(SIGINT, &sa, &old_int));
    }

    /* A partial left by an interrupted run is only here with --force or --resume. */
    if (job->path && rank == 0 && !resuming) {
        sf_output_remove(partial);
        sf_output_remove(record);
    }
    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    double t0 = sf_now(), last_ckpt = t0;
    void *h = job->be->create(&target);
    if (job->path && rank == 0 && !resuming) { /* from now on the partial can be resumed */
        tmpl.done = all;
        sf_progress_write(record, &tmpl);
    }
    print_file_info(job, h);
    sf_writeback *wb = NULL;
    int64_t data_off = job->stream ? job->be->data_offset(h) : -1;
    if (data_off >= 0)
        wb = sf_writeback_open(partial, st->unit_bytes);
    if (job->stream && !wb) { /* the summary must not claim what was not done */
        job->stream = 0;
        if (data_off < 0)
            snprintf(job->stream_why, sizeof job->stream_why,
                     "backend %s reported no data range", job->be->name);
        else
            snprintf(job->stream_why, sizeof job->stream_why, "this OS has no sync_file_range");
    }
    sf_pipeline *pipe = sf_pipeline_start(&o->spec, o->shape, &work, job->overlap);
    /* A progress line for a person watching: rank 0 on a terminal, table format, not -q. */
    int show = rank == 0 && o->verbosity >= 0 && o->format == SF_FORMAT_TABLE &&
               isatty(STDERR_FILENO);
    SF_MPI_CHECK(MPI_Bcast(&show, 1, MPI_INT, 0, MPI_COMM_WORLD));
    uint64_t done_here = 0; /* slices this rank completed in this run */
    double last_show = 0;
    int interrupted = 0;
    for (uint64_t i = 0; i < ncalls && !interrupted; i++) {
        sf_box box;
        const void *buf = sf_pipeline_next(pipe, i, &box);
        double t = sf_now();
        job->be->write(h, &box, buf);
        const uint64_t nbytes = box.count[0] * box.count[1] * box.count[2] * es;
        /* Every unit is one C-order range of g: whole slices, whole rows or part of a row. */
        assert(nbytes == 0 || ((box.count[0] == 1 || box.count[1] == o->shape[1]) &&
                               (box.count[1] == 1 || box.count[2] == o->shape[2])));
        sf_writeback_unit(wb, (uint64_t)data_off +
                                  ((box.start[0] * o->shape[1] + box.start[1]) * o->shape[2] +
                                   box.start[2]) * es, nbytes);
        st->t_write += sf_now() - t;
        sf_pipeline_release(pipe, i);
        st->bytes += nbytes;
        sf_zrange fin;
        if (sf_work_completes(&work, i, &fin)) {
            memset(mine + fin.z0, 1, fin.nz);
            done_here += fin.nz;
        }
        if (show) {
            uint64_t total = 0;
            SF_MPI_CHECK(MPI_Allreduce(&done_here, &total, 1, MPI_UINT64_T, MPI_SUM,
                                       MPI_COMM_WORLD));
            progress_line(&last_show, job->resumed + total, Z, job->resumed, sf_now() - t0,
                          Z * slice_bytes(o));
        }
        if (!job->path)
            continue;
        /* Every rank agrees, once per unit, whether to checkpoint and whether to stop. */
        int flags[2] = {stop_signal != 0,
                        rank == 0 && i + 1 < ncalls && sf_now() - last_ckpt >= o->checkpoint};
        SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD));
        if (flags[0] || flags[1]) {
            checkpoint(job, h, mine, all, record, &tmpl);
            last_ckpt = sf_now();
        }
        interrupted = flags[0];
    }
    if (show && rank == 0)
        fputs("\r\033[K", stderr); /* the summary replaces the progress line */
    if (interrupted)
        sf_pipeline_stop(pipe);
    sf_pipeline_finish(pipe, &st->t_gen, &st->t_wait);
    double tc = sf_now();
    sf_writeback_close(wb);
    job->be->close(h);
    st->t_close = sf_now() - tc;
    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    if (job->path) {
        SF_SYS_CHECK(sigaction(SIGTERM, &old_term, NULL));
        SF_SYS_CHECK(sigaction(SIGUSR1, &old_usr1, NULL));
        SF_SYS_CHECK(sigaction(SIGINT, &old_int, NULL));
    }

    int status = SF_EXIT_OK;
    if (interrupted) {
        uint64_t n = 0;
        for (uint64_t z = 0; rank == 0 && z < Z; z++)
            n += all[z] != 0;
        if (rank == 0)
            fprintf(stderr, "slabfill: stopped by signal %d after %llu of %llu slices, all "
                    "synced and recorded in %s; run the same command with --resume to finish "
                    "(exit status %d)\n", (int)stop_signal, (unsigned long long)n,
                    (unsigned long long)Z, record, SF_EXIT_INTERRUPTED);
        status = SF_EXIT_INTERRUPTED;
    } else if (job->path && o->verify && verify) {
        if (sf_verify_file(job->be, partial, o->buffer, 1, verify) != 0)
            sf_die(__FILE__, __LINE__, "sf_verify_file", "%s cannot be read back", partial);
        if (verify->mismatches)
            status = SF_EXIT_FAILURE;
    }
    if (job->path && rank == 0 && status == SF_EXIT_OK) {
        sf_output_commit(partial, job->path);
        sf_output_remove(record);
    }
    st->t_total = sf_now() - t0;
    sf_work_free(&work);
    free(mine);
    free(all);
    if (target.info != MPI_INFO_NULL)
        SF_MPI_CHECK(MPI_Info_free(&target.info));
    st->peak_rss = sf_peak_rss_bytes();
    *disk_bytes = job->path && rank == 0 && status == SF_EXIT_OK ? sf_file_disk_bytes(job->path)
                                                                  : 0;
    return status;
}
