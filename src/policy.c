/* policy.c - the run's two performance decisions, each made once, before anything starts: a
 * generator thread ahead of the I/O (--overlap) and streaming write-out (--page-cache). */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sf_policy.h"

#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "sf_error.h"

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
int sf_policy_stream(const sf_options *opt, const sf_backend *be, char *why, size_t len)
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

int sf_policy_threads(const sf_options *opt, int splittable, char *why, size_t len)
{
    if (!splittable) {
        snprintf(why, len, "the producer is called from one thread");
        return 1;
    }
    if (opt->threads > 0) {
        snprintf(why, len, "--threads %d", opt->threads);
        return opt->threads;
    }
    MPI_Comm node;
    int on_node, mine, online;
    core_counts(&mine, &online);
    SF_MPI_CHECK(MPI_Comm_split_type(sf_comm(), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                                     &node));
    SF_MPI_CHECK(MPI_Comm_size(node, &on_node));
    SF_MPI_CHECK(MPI_Comm_free(&node));
    if (mine < online) {
        snprintf(why, len, "auto: the %d core%s this rank is bound to", mine,
                 mine == 1 ? "" : "s");
        return mine > SF_MAX_THREADS ? SF_MAX_THREADS : mine;
    }
    int share = online / on_node > 0 ? online / on_node : 1;
    snprintf(why, len, "auto: %d unbound rank%s on %d cores", on_node, on_node == 1 ? "" : "s",
             online);
    return share > SF_MAX_THREADS ? SF_MAX_THREADS : share;
}

int sf_policy_overlap(const sf_options *opt, char *why, size_t len)
{
    if (opt->overlap != SF_OVERLAP_AUTO) {
        snprintf(why, len, "--overlap %s", opt->overlap == SF_OVERLAP_ON ? "on" : "off");
        return opt->overlap == SF_OVERLAP_ON;
    }
    MPI_Comm node;
    int on_node, mine, online, spare, all_spare;
    core_counts(&mine, &online);
    SF_MPI_CHECK(MPI_Comm_split_type(sf_comm(), MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL,
                                     &node));
    SF_MPI_CHECK(MPI_Comm_size(node, &on_node));
    SF_MPI_CHECK(MPI_Comm_free(&node));
    /* A bound rank needs a second core in its own mask; unbound ranks share the node's cores. */
    int bound = mine < online;
    spare = bound ? mine >= 2 : online >= 2 * on_node;
    SF_MPI_CHECK(MPI_Allreduce(&spare, &all_spare, 1, MPI_INT, MPI_MIN, sf_comm()));
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

