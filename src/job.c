/* job.c - the generate-and-write loop of one run, between the output checks and the summary. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sf_job.h"

#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "sf_decomp.h"
#include "sf_error.h"
#include "sf_measure.h"
#include "sf_output.h"
#include "sf_pipeline.h"

#define PATH_LEN 4096

int sf_job_check(const sf_job *job)
{
    if (!job->path)
        return 0;
    char err[SF_ERRLEN + 2 * PATH_LEN] = "";
    int rc = 0;
    if (sf_rank() == 0)
        rc = sf_output_check(job->path, job->be->directory, job->opt->force, err, sizeof err);
    SF_MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD));
    return rc ? sf_error("%s", err) : 0;
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

int sf_job_overlap(const sf_options *opt, char *why, size_t len)
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

void sf_job_run(const sf_job *job, sf_rank_stats *st, uint64_t *disk_bytes)
{
    const sf_options *o = job->opt;
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));

    char partial[PATH_LEN];
    if (job->path && sf_output_partial_name(job->path, partial, sizeof partial) != 0)
        sf_die(__FILE__, __LINE__, "sf_output_partial_name", "%s: path too long", job->path);

    const size_t es = sf_dtype_size(o->spec.dtype);
    sf_plan plan = sf_plan_make(o->shape, es, o->slab, o->buffer, nranks, rank);

    char host[MPI_MAX_PROCESSOR_NAME] = "";
    int hostlen = 0;
    SF_MPI_CHECK(MPI_Get_processor_name(host, &hostlen));
    *st = (sf_rank_stats){.z0 = plan.zr.z0, .nz = plan.zr.nz};
    memcpy(st->host, host, sizeof st->host - 1); /* truncating long host names is fine here */

    sf_target target = {.comm = MPI_COMM_WORLD, .path = job->path ? partial : NULL,
                        .spec = o->spec, .z0 = plan.zr.z0, .nz = plan.zr.nz,
                        .info = hints_info(o), .independent = o->independent,
                        .sync = !o->no_sync};
    memcpy(target.shape, o->shape, sizeof target.shape);

    /* A partial left by an interrupted run is only here with --force (sf_job_check). */
    if (job->path && rank == 0)
        sf_output_remove(partial);
    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    double t0 = sf_now();
    void *h = job->be->create(&target);
    print_file_info(job, h);
    char why[160];
    sf_pipeline *pipe = sf_pipeline_start(&o->spec, o->shape, &plan,
                                          sf_job_overlap(o, why, sizeof why));
    for (uint64_t i = 0; i < plan.ncalls; i++) {
        sf_box box;
        const void *buf = sf_pipeline_next(pipe, i, &box);
        double t = sf_now();
        job->be->write(h, &box, buf);
        st->t_write += sf_now() - t;
        sf_pipeline_release(pipe, i);
        st->bytes += box.count[0] * box.count[1] * box.count[2] * es;
    }
    sf_pipeline_finish(pipe, &st->t_gen, &st->t_wait);
    double tc = sf_now();
    job->be->close(h);
    st->t_close = sf_now() - tc;
    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    if (job->path && rank == 0)
        sf_output_commit(partial, job->path);
    st->t_total = sf_now() - t0;
    if (target.info != MPI_INFO_NULL)
        SF_MPI_CHECK(MPI_Info_free(&target.info));
    st->peak_rss = sf_peak_rss_bytes();
    *disk_bytes = job->path && rank == 0 ? sf_file_disk_bytes(job->path) : 0;
}
