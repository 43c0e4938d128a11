/* compare.c - --compare: the seed article's table, one row per way of storing the array.
 *
 * Each row's peak memory must be its own. All rows run in this one MPI job, so between rows the
 * kernel's high-water mark is reset (Linux: /proc/self/clear_refs) and the reset is checked on
 * every rank. Where it cannot be reset, rows after the first say n/a rather than show a
 * number that belongs to an earlier row. */
#include "sf_compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_job.h"
#include "sf_measure.h"
#include "sf_output.h"
#include "sf_summary.h"
#include "sf_version.h"

static const struct {
    const char *label, *backend;
    sf_dtype dtype;
    sf_dist dist;
} rows[] = {
    /* ex1 used np.random.rand (uniform float64); ex2 and ex3 standard_normal float32. */
    {"memory float64 (ex1)", "memory", SF_FLOAT64, SF_UNIFORM},
    {"memory float32 (ex2)", "memory", SF_FLOAT32, SF_NORMAL},
    {"hdf5 (ex3)", "hdf5", SF_FLOAT32, SF_NORMAL},
    {"pnetcdf", "pnetcdf", SF_FLOAT32, SF_NORMAL},
    {"mpiio/npy (memmap)", "mpiio", SF_FLOAT32, SF_NORMAL},
    {"zarr", "zarr", SF_FLOAT32, SF_NORMAL},
};
enum { NROWS = sizeof rows / sizeof *rows };

typedef struct {
    sf_options opt;
    sf_run_info info;
    sf_totals totals;
    char path[64];
    int peak_valid;
    sf_job job; /* prepared before the first row runs, so a bad row touches nothing */
} row_result;

static void print_table(const sf_options *opt, row_result *res, int nranks, int reset_ok)
{
    char m1[32], m2[32];
    printf("slabfill %s --compare: the experiment of the article that started slabfill (README) "
           "at %llux%llux%llu, seed %llu, %d rank%s on %d host%s\n",
           SF_VERSION, (unsigned long long)opt->shape[0],
           (unsigned long long)opt->shape[1], (unsigned long long)opt->shape[2],
           (unsigned long long)opt->spec.seed, nranks, nranks == 1 ? "" : "s",
           res[0].totals.hosts, res[0].totals.hosts == 1 ? "" : "s");
    if (reset_ok)
        printf("Peak memory: each row's own. Between rows every rank reset its high-water mark "
               "(VmHWM) by writing 5 to /proc/self/clear_refs, and checked that it fell to the "
               "current RSS.\n\n");
    else
        printf("Peak memory: this OS cannot reset the high-water mark within a process, so only "
               "the first row's is shown; run one backend per process for the others.\n\n");
    printf("%-22s %13s %19s %16s %14s %13s %11s\n", "Approach", "Elapsed time",
           "Calculated storage", "Peak memory", "(largest rank)", "File storage", "Bandwidth");
    for (int i = 0; i < NROWS; i++) {
        const sf_totals *t = &res[i].totals;
        char file[32] = "n/a";
        if (res[i].info.file)
            snprintf(file, sizeof file, "%.2f GB", (double)res[i].info.file_disk_bytes / 1e9);
        printf("%-22s %11.2f s %16.2f GB %16s %14s %13s %6.3f GB/s\n", rows[i].label,
               t->elapsed, (double)t->calc_bytes / 1e9,
               res[i].peak_valid ? sf_summary_mem(t->rss_sum, m1, sizeof m1) : "n/a",
               res[i].peak_valid ? sf_summary_mem(t->rss_max, m2, sizeof m2) : "n/a", file,
               t->elapsed > 0 ? (double)t->bytes / 1e9 / t->elapsed : 0.0);
    }
    printf("\nPeak memory is summed over ranks, comparable to the article's single process. "
           "GB = 1e9 bytes, MB = 1e6 bytes.\n%s\n",
           opt->keep ? "Files kept (--keep)." : "Files removed after each row (--keep keeps them).");
}

int sf_compare_run(const sf_options *opt)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    row_result *res = sf_xcalloc(NROWS, sizeof *res);

    /* Check every row's output before the first row touches anything. */
    const sf_backend *be[NROWS];
    for (int i = 0; i < NROWS; i++) {
        be[i] = sf_backend_find(rows[i].backend);
        if (!be[i]) {
            free(res);
            return sf_error("--compare needs every backend, and %s was not built in (make %s)",
                            rows[i].backend, sf_backend_missing(rows[i].backend));
        }
        res[i].opt = *opt;
        res[i].opt.backend = rows[i].backend;
        res[i].opt.spec.dtype = rows[i].dtype;
        res[i].opt.spec.dist = rows[i].dist;
        if (be[i]->extension)
            snprintf(res[i].path, sizeof res[i].path, "slabfill-compare%s", be[i]->extension);
        res[i].job = (sf_job){.opt = &res[i].opt, .be = be[i],
                              .path = be[i]->extension ? res[i].path : NULL};
        int rc = sf_job_prepare(&res[i].job);
        if (rc) { /* the rows prepared so far hold their outputs' locks */
            for (int k = 0; k < i; k++)
                sf_job_release(&res[k].job);
            free(res);
            return rc;
        }
    }

    int reset_ok = 1;
    for (int i = 0; i < NROWS; i++) {
        int mine = sf_peak_rss_reset(), all = 0;
        SF_MPI_CHECK(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
        reset_ok &= all;
        res[i].peak_valid = i == 0 || reset_ok;

        sf_job job = res[i].job;
        sf_rank_stats st;
        res[i].info = (sf_run_info){.opt = &res[i].opt, .backend = be[i]->name,
                                    .file = job.path, .nranks = nranks,
                                    .overlap_used = job.overlap};
        snprintf(res[i].info.overlap_why, sizeof res[i].info.overlap_why, "%s",
                 job.overlap_why);
        int run_rc = sf_job_run(&job, &st, &res[i].info.file_disk_bytes, NULL);
        res[i].info.stream_used = job.stream;
        snprintf(res[i].info.stream_why, sizeof res[i].info.stream_why, "%s", job.stream_why);
        sf_job_release(&job);
        if (run_rc != SF_EXIT_OK) { /* stopped by a signal: the message is printed */
            for (int k = i + 1; k < NROWS; k++)
                sf_job_release(&res[k].job);
            free(res);
            return SF_EXIT_INTERRUPTED;
        }
        sf_rank_stats *gathered = sf_summary_gather(&st, nranks);
        if (rank == 0) {
            res[i].totals = sf_summary_totals(&res[i].info, gathered);
            if (job.path && !opt->keep)
                sf_output_remove(job.path);
        }
        free(gathered);
        SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    }

    if (rank == 0 && opt->verbosity >= 0) {
        if (opt->format == SF_FORMAT_TABLE) {
            print_table(opt, res, nranks, reset_ok);
        } else {
            if (opt->format == SF_FORMAT_CSV)
                sf_summary_record(stdout, &res[0].info, &res[0].totals, SF_FORMAT_CSV, 1,
                                  rows[0].label);
            for (int i = 0; i < NROWS; i++) {
                if (!res[i].peak_valid)
                    res[i].totals.rss_max = res[i].totals.rss_min = res[i].totals.rss_sum = 0;
                sf_summary_record(stdout, &res[i].info, &res[i].totals, opt->format, 0,
                                  rows[i].label);
            }
        }
        fflush(stdout);
    }
    free(res);
    return SF_EXIT_OK;
}
