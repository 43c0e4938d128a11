/* compare.c - --compare: the seed article's table, one row per way of storing the array.
 *
 * Each row's peak memory must be its own. All rows run in this one MPI job, so between rows the
 * kernel's high-water mark is reset (Linux: /proc/self/clear_refs) and the reset is checked on
 * every rank. Where it cannot be reset, rows after the first say n/a rather than show a
 * number that belongs to an earlier row. */
#include "sf_compare.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_job.h"
#include "sf_measure.h"
#include "sf_output.h"
#include "sf_report.h"
#include "sf_summary.h"
#include "sf_version.h"

enum { MAX_ROWS = 8 };

/* Every backend's rows of the article's comparison, in the article's order. Returns how many. */
static int collect_rows(const sf_article_row *rows[MAX_ROWS], const sf_backend *be[MAX_ROWS])
{
    int n = 0;
    for (int i = 0; sf_backends[i]; i++)
        for (int k = 0; k < sf_backends[i]->narticle && n < MAX_ROWS; k++, n++) {
            const sf_article_row *r = &sf_backends[i]->article[k];
            int at = n;
            for (; at > 0 && rows[at - 1]->order > r->order; at--) { /* insertion sort */
                rows[at] = rows[at - 1];
                be[at] = be[at - 1];
            }
            rows[at] = r;
            be[at] = sf_backends[i];
        }
    return n;
}

typedef struct {
    const sf_article_row *row;
    const sf_backend *be;
    sf_options opt;
    sf_run_info info;
    sf_totals totals;
    char path[64];
    int peak_valid;
    sf_job job; /* prepared before the first row runs, so a bad row touches nothing */
} row_result;

/* The seed article's table, one row per way of storing the array. */
static void print_table(const sf_options *opt, row_result *res, int nrows, int nranks,
                        int reset_ok)
{
    static const sf_column cols[] = {
        {"Approach", 22, SF_COL_LEFT, 0}, {"Elapsed time", 13, 0, 0},
        {"Calculated storage", 19, 0, 0}, {"Peak memory", 16, 0, 0},
        {"(largest rank)", 14, 0, 0}, {"File storage", 13, 0, 0}, {"Bandwidth", 11, 0, 0},
    };
    char shape[72], m[32];
    printf("slabfill %s --compare: the experiment of the article that started slabfill (README) "
           "at %s, seed %" PRIu64 ", %d rank%s on %d host%s\n", SF_VERSION,
           sf_report_shape(opt->shape, shape, sizeof shape), opt->spec.seed, nranks,
           nranks == 1 ? "" : "s", res[0].totals.hosts, res[0].totals.hosts == 1 ? "" : "s");
    if (reset_ok)
        printf("Peak memory: each row's own. Between rows every rank reset its high-water mark "
               "(VmHWM) by writing 5 to /proc/self/clear_refs, and checked that it fell to the "
               "current RSS.\n\n");
    else
        printf("Peak memory: this OS cannot reset the high-water mark within a process, so only "
               "the first row's is shown; run one backend per process for the others.\n\n");
    sf_table tb = sf_table_start(stdout, cols, 7);
    for (int i = 0; i < nrows; i++) {
        const sf_totals *t = &res[i].totals;
        sf_table_cell(&tb, "%s", res[i].row->label);
        sf_table_cell(&tb, "%.2f s", t->elapsed);
        sf_table_cell(&tb, "%.2f GB", (double)t->calc_bytes / 1e9);
        sf_table_cell(&tb, "%s", res[i].peak_valid ? sf_report_mem(t->rss_sum, m, sizeof m)
                                                   : "n/a");
        sf_table_cell(&tb, "%s", res[i].peak_valid ? sf_report_mem(t->rss_max, m, sizeof m)
                                                   : "n/a");
        if (res[i].info.file)
            sf_table_cell(&tb, "%.2f GB", (double)res[i].info.file_disk_bytes / 1e9);
        else
            sf_table_cell(&tb, "n/a");
        sf_table_cell(&tb, "%.3f GB/s", t->gbps);
    }
    printf("\nPeak memory is summed over ranks, comparable to the article's single process. "
           "GB = 1e9 bytes, MB = 1e6 bytes.\n%s\n",
           opt->keep ? "Files kept (--keep)." : "Files removed after each row (--keep keeps them).");
}

/* Every row's job, prepared (locked, checked) before the first row touches anything. */
static int prepare_rows(const sf_options *opt, row_result *res, int nrows)
{
    for (int i = 0; i < nrows; i++) {
        const sf_backend *be = res[i].be;
        if (be->missing) {
            for (int k = 0; k < i; k++) /* the rows prepared so far hold their outputs' locks */
                sf_job_release(&res[k].job);
            return sf_error("--compare needs every backend, and %s was not built in (make %s)",
                            be->name, be->missing);
        }
        res[i].opt = *opt;
        res[i].opt.backend = be->name;
        res[i].opt.spec.dtype = res[i].row->dtype;
        res[i].opt.spec.dist = res[i].row->dist;
        if (be->extension)
            snprintf(res[i].path, sizeof res[i].path, "slabfill-compare%s", be->extension);
        res[i].job = sf_job_init(&res[i].opt, be, be->extension ? res[i].path : NULL);
        int rc = sf_job_prepare(&res[i].job);
        if (rc) {
            for (int k = 0; k < i; k++)
                sf_job_release(&res[k].job);
            return rc;
        }
    }
    return 0;
}

/* One row: its own peak memory (the high-water mark reset first), its run, its totals; its
 * file removed unless --keep. Returns the run's status. */
static int run_row(const sf_options *opt, row_result *r, int first, int nranks, int *reset_ok)
{
    int mine = sf_peak_rss_reset(), all = 0;
    SF_MPI_CHECK(MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_MIN, sf_comm()));
    *reset_ok &= all;
    r->peak_valid = first || *reset_ok; /* the first row's peak is its own even without one */
    sf_job *job = &r->job;
    sf_rank_stats st;
    int rc = sf_job_run(job, &st, NULL);
    sf_job_describe(job, &r->info);
    sf_job_release(job);
    if (rc != SF_EXIT_OK)
        return rc;
    sf_rank_stats *gathered = sf_summary_gather(&st, nranks);
    if (gathered) {
        r->totals = sf_summary_totals(&r->info, gathered);
        if (job->path && !opt->keep)
            sf_output_discard(job->path, r->be->sidecar);
    }
    free(gathered);
    SF_MPI_CHECK(MPI_Barrier(sf_comm()));
    return SF_EXIT_OK;
}

/* One CSV line or JSON object per row, with the approach first; a row whose peak memory is
 * not its own reports 0 there. */
static void print_records(const sf_options *opt, row_result *res, int nrows)
{
    for (int i = 0; i < nrows; i++) {
        if (!res[i].peak_valid)
            res[i].totals.rss_max = res[i].totals.rss_min = res[i].totals.rss_sum = 0;
        sf_record r = {0};
        sf_summary_fields(&r, &res[i].info, &res[i].totals, res[i].row->label);
        sf_record_write(stdout, &r, opt->format, i == 0);
        sf_record_free(&r);
    }
}

int sf_compare_run(const sf_options *opt)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &nranks));
    const sf_article_row *rows[MAX_ROWS];
    const sf_backend *be[MAX_ROWS];
    const int nrows = collect_rows(rows, be);
    row_result *res = sf_xcalloc(MAX_ROWS, sizeof *res);
    for (int i = 0; i < nrows; i++) {
        res[i].row = rows[i];
        res[i].be = be[i];
    }
    int rc = prepare_rows(opt, res, nrows), reset_ok = 1;
    for (int i = 0; rc == 0 && i < nrows; i++) {
        rc = run_row(opt, &res[i], i == 0, nranks, &reset_ok);
        for (int k = i + 1; rc && k < nrows; k++) /* stopped by a signal: the message is out */
            sf_job_release(&res[k].job);
    }
    if (rc == 0 && rank == 0 && opt->verbosity >= 0) {
        if (opt->format == SF_FORMAT_TABLE)
            print_table(opt, res, nrows, nranks, reset_ok);
        else
            print_records(opt, res, nrows);
        fflush(stdout);
    }
    free(res);
    return rc;
}
