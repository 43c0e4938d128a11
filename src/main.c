/* main.c - slabfill's driver: parse the command line, then run one backend (src/job.c) and
 * print its summary, or run the seed article's whole comparison (src/compare.c).
 *
 * Example (mpirun -n 2 ./slabfill --shape 50x1000x1000 on the 2-core development machine):
 *
 *   slabfill 0.1.0: 50x1000x1000 float32 normal, seed 8317129687099337836 (0x736c616266696c6c)
 *   2 ranks on 1 host, backend hdf5, file slab.h5, slab 1
 *
 *    rank  host             z-range            slices  generate s   write s  peak memory
 *       0  vm               [0, 25)                25       0.575     0.304      26.5 MB
 *       1  vm               [25, 50)               25       0.474     0.405      26.5 MB
 *
 *   Elapsed time         0.95 s
 *   Calculated storage   0.20 GB
 *   Peak memory          26.5 MB max per rank, 53.0 MB sum over 2 ranks
 *   File storage         0.20 GB
 *   Bandwidth            0.211 GB/s
 *   (GB = 1e9 bytes, MB = 1e6 bytes, as in the seed article)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_compare.h"
#include "sf_error.h"
#include "sf_job.h"
#include "sf_options.h"
#include "sf_summary.h"
#include "sf_version.h"

static int backend_names(char *buf, size_t len)
{
    size_t used = 0;
    for (int i = 0; sf_backends[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 sf_backends[i]->name);
    return 0;
}

static int run(int argc, char **argv)
{
    sf_options opt;
    char err[SF_ERRLEN];
    if (sf_options_parse(argc, argv, getenv("SLABFILL_HINTS"), &opt, err, sizeof err) != 0)
        return sf_error("%s", err);
    if (opt.help || opt.version) {
        if (sf_rank() == 0)
            fputs(opt.help ? sf_options_usage() : "slabfill " SF_VERSION "\n", stdout);
        return SF_EXIT_OK;
    }
    if (opt.compare)
        return sf_compare_run(&opt);

    const sf_backend *be = sf_backend_find(opt.backend);
    if (!be) {
        char names[256];
        backend_names(names, sizeof names);
        return sf_error("unknown --backend '%s'; accepted: %s", opt.backend, names);
    }
    char path[4096];
    if (be->extension)
        snprintf(path, sizeof path, "%s", opt.output ? opt.output : "slab");
    if (be->extension && !opt.output)
        snprintf(path, sizeof path, "slab%s", be->extension);
    if (!be->extension && opt.output)
        return sf_error("backend %s writes no file; drop -o %s", be->name, opt.output);
    sf_job job = {.opt = &opt, .be = be, .path = be->extension ? path : NULL};
    int rc = sf_job_check(&job);
    if (rc)
        return rc;

    sf_rank_stats st;
    sf_run_info info = {.opt = &opt, .backend = be->name, .file = job.path};
    info.overlap_used = sf_job_overlap(&opt, info.overlap_why, sizeof info.overlap_why);
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &info.nranks));
    sf_job_run(&job, &st, &info.file_disk_bytes);
    sf_rank_stats *all = sf_summary_gather(&st, info.nranks);
    if (all && opt.verbosity >= 0)
        sf_summary_print(stdout, &info, all);
    free(all);
    return SF_EXIT_OK;
}

int main(int argc, char **argv)
{
    /* FUNNELED: the generator thread makes no MPI calls, only the main thread does. */
    int provided = MPI_THREAD_SINGLE;
    SF_MPI_CHECK(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided));
    if (provided < MPI_THREAD_FUNNELED)
        sf_die(__FILE__, __LINE__, "MPI_Init_thread", "the MPI library offers thread level %d, "
               "below MPI_THREAD_FUNNELED; slabfill's generator thread needs it", provided);
    SF_MPI_CHECK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    int rc = run(argc, argv);
    SF_MPI_CHECK(MPI_Finalize());
    return rc;
}
