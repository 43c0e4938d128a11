/* main.c - slabfill's driver: parse the command line, then run one backend with slabfill's own
 * values (src/write.c, the path libslabfill's slabfill_write takes too) and print its summary,
 * check a file (slabfill verify), or run the article's whole comparison (src/compare.c).
 *
 * Example (mpirun -n 2 ./slabfill --shape 50x1000x1000 on the 2-core development machine, an
 * AMD EPYC with AVX2):
 *
 *   slabfill 0.4.0: 50x1000x1000 float32 normal, seed 8317129687099337836 (0x736c616266696c6c)
 *   2 ranks on 1 host, backend hdf5, file slab.h5, slab 1
 *
 *    rank  host             z-range            slices  generate s   write s  peak memory
 *       0  vm               [0, 25)                25       0.038     0.065      28.7 MB
 *       1  vm               [25, 50)               25       0.031     0.075      28.7 MB
 *
 *   Elapsed time         0.29 s
 *   Calculated storage   0.20 GB
 *   Peak memory          28.7 MB max per rank, 57.5 MB sum over 2 ranks
 *   File storage         0.20 GB
 *   Bandwidth            0.682 GB/s
 *   Generation           5.212 GB/s (all ranks' bytes / slowest rank's generate time), kernel
 *                        avx2, 1 thread per rank (auto: the 1 core this rank is bound to)
 *   Overlap              off (auto: each rank is bound to 1 core, none spare for a generator
 *                        thread): generation and I/O took turns
 *   Page cache           drop (auto): each unit was written out at once and dropped from the
 *                        page cache once on disk
 *   Sync                 on: synced to stable storage before the clock stopped
 *   (GB = 1e9 bytes, MB = 1e6 bytes, as in the article that started slabfill)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sf_backend.h"
#include "sf_compare.h"
#include "sf_error.h"
#include "sf_fault.h"
#include "sf_lock.h"
#include "sf_options.h"
#include "sf_output.h"
#include "sf_report.h"
#include "sf_summary.h"
#include "sf_version.h"
#include "sf_write.h"

static double gbps(uint64_t bytes, double s) { return s > 0 ? (double)bytes / s / 1e9 : 0; }

/* verify's read phase in one line: the read bandwidth (as IOR's -r) and the checking speed. */
static void verify_speed(const sf_options *opt, const sf_verify_result *v)
{
    printf("read %.2f GB at %.3f GB/s (all bytes / the slowest rank's read time, %.2f s), ",
           (double)v->bytes / 1e9, gbps(v->bytes, v->read_s), v->read_s);
    if (v->cache_dropped)
        printf("the page cache dropped first");
    else
        printf("the page cache not dropped: %s", v->cache_why);
    if (!opt->no_check)
        printf("; checked at %.3f GB/s", gbps(v->bytes, v->check_s));
    putchar('\n');
}

/* verify's table: what the file is, then what was checked and what differed. */
static void verify_table(const sf_options *opt, const char *backend, const sf_verify_result *v,
                         int nranks)
{
    char arr[160];
    printf("slabfill verify: ");
    sf_report_text(stdout, opt->verify_path);
    printf(" (%s): %s", backend, sf_report_array(v->meta.shape, &v->meta.spec, arr, sizeof arr));
    if (!v->values_checked)
        printf(", produced by %s (%s)", v->meta.generator, v->meta.value_spec);
    printf("\n%llu values read on %d rank%s in %.2f s", (unsigned long long)v->values, nranks,
           nranks == 1 ? "" : "s", v->seconds);
    if (v->values_checked)
        printf(": %llu mismatch%s", (unsigned long long)v->mismatches,
               v->mismatches == 1 ? "" : "es");
    if (v->mismatches)
        printf("; first at (z=%llu, x=%llu, y=%llu)", (unsigned long long)v->first[0],
               (unsigned long long)v->first[1], (unsigned long long)v->first[2]);
    putchar('\n');
    if (opt->no_check)
        printf("nothing checked (--no-check): the file was read only");
    else if (v->digests_checked)
        printf("%llu slices checked against their stored XXH3-64 digests: %llu differ%s",
               (unsigned long long)v->meta.shape[0], (unsigned long long)v->bad_slices,
               v->bad_slices == 1 ? "s" : "");
    else
        printf("no digests stored (a file of slabfill before 0.4.0): values checked only");
    if (v->bad_slices)
        printf("; first slice %llu", (unsigned long long)v->first_bad);
    putchar('\n');
    verify_speed(opt, v);
}

/* The read phase's fields of verify's record. */
static void verify_speed_fields(sf_record *r, const sf_options *opt, const sf_verify_result *v)
{
    sf_record_number(r, "bytes", "%llu", (unsigned long long)v->bytes);
    sf_record_number(r, "read_s", "%.6f", v->read_s);
    sf_record_number(r, "read_GBps", "%.6f", gbps(v->bytes, v->read_s));
    if (opt->no_check) {
        sf_record_null(r, "check_s");
        sf_record_null(r, "check_GBps");
    } else {
        sf_record_number(r, "check_s", "%.6f", v->check_s);
        sf_record_number(r, "check_GBps", "%.6f", gbps(v->bytes, v->check_s));
    }
    sf_record_text(r, "page_cache", "%s", v->cache_dropped ? "dropped" : v->cache_why);
}

/* verify's one record, in the chosen format; file names are escaped like every other field. */
static void print_verify(const sf_options *opt, const char *backend, const sf_verify_result *v,
                         int nranks)
{
    unsigned long long f[3] = {v->first[0], v->first[1], v->first[2]};
    unsigned long long values = v->values, mismatches = v->mismatches;
    if (opt->format == SF_FORMAT_TABLE) {
        verify_table(opt, backend, v, nranks);
        return;
    }
    sf_record r = {0};
    sf_record_text(&r, "file", "%s", opt->verify_path);
    sf_record_text(&r, "backend", "%s", backend);
    sf_record_text(&r, "producer", "%s", v->meta.generator);
    sf_record_number(&r, "values", "%llu", values);
    if (v->values_checked)
        sf_record_number(&r, "mismatches", "%llu", mismatches);
    else
        sf_record_null(&r, "mismatches");
    if (opt->format == SF_FORMAT_JSON && mismatches) {
        sf_record_number(&r, "first_mismatch", "[%llu, %llu, %llu]", f[0], f[1], f[2]);
    } else if (opt->format == SF_FORMAT_JSON) {
        sf_record_null(&r, "first_mismatch");
    } else { /* CSV has no arrays: three columns, empty when nothing differs */
        const char *key[3] = {"first_z", "first_x", "first_y"};
        for (int i = 0; i < 3; i++) {
            if (mismatches)
                sf_record_number(&r, key[i], "%llu", f[i]);
            else
                sf_record_null(&r, key[i]);
        }
    }
    sf_record_number(&r, "slices", "%llu", (unsigned long long)v->meta.shape[0]);
    if (v->digests_checked)
        sf_record_number(&r, "bad_slices", "%llu", (unsigned long long)v->bad_slices);
    else
        sf_record_null(&r, "bad_slices");
    if (v->bad_slices)
        sf_record_number(&r, "first_bad_slice", "%llu", (unsigned long long)v->first_bad);
    else
        sf_record_null(&r, "first_bad_slice");
    verify_speed_fields(&r, opt, v);
    sf_record_number(&r, "elapsed_s", "%.6f", v->seconds);
    sf_record_write(stdout, &r, opt->format, 1);
    sf_record_free(&r);
}

/* "slabfill verify FILE": exit 0 when every value and slice matches, 1 on any difference, 2
 * when FILE is not a complete slabfill file. */
static int verify_command(const sf_options *opt)
{
    const sf_backend *be;
    sf_verify_result v;
    int rc = sf_verify_path(opt->verify_path, opt->buffer, opt->no_check, &be, &v);
    if (rc)
        return rc;
    int nranks;
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &nranks));
    if (sf_rank() == 0 && opt->verbosity >= 0) {
        print_verify(opt, be->name, &v, nranks);
        fflush(stdout);
    }
    return v.mismatches || v.bad_slices ? SF_EXIT_FAILURE : SF_EXIT_OK;
}

/* --summary-file's directory must exist and be writable, and the file be a regular file or
 * new: appending to it is fine, following a link or blocking on a FIFO is not. */
static int check_summary_file(const sf_options *opt)
{
    char why[SF_ERRLEN + 4096];
    int bad = 0;
    struct stat st;
    if (!opt->summary_file)
        return 0;
    if (sf_rank() == 0)
        bad = sf_output_check(opt->summary_file, 0, 0, 1, 1, why, sizeof why);
    if (sf_rank() == 0 && !bad && lstat(opt->summary_file, &st) == 0 && !S_ISREG(st.st_mode)) {
        bad = 1;
        snprintf(why, sizeof why, "'%s' is a %s; accepted: a regular file to append to, or a "
                 "new name", opt->summary_file, S_ISLNK(st.st_mode) ? "symbolic link"
                 : S_ISFIFO(st.st_mode) ? "FIFO" : "special file");
    }
    SF_MPI_CHECK(MPI_Bcast(&bad, 1, MPI_INT, 0, sf_comm()));
    return bad ? sf_error("--summary-file: %s", why) : 0;
}

/* What follows a run: the verify verdict, the summary, the summary file's record. */
static void after_run(const sf_write_run *run, int rc)
{
    const sf_options *opt = &run->opt;
    const sf_verify_result *v = &run->verify;
    if (rc == SF_EXIT_FAILURE && sf_rank() == 0) /* only verification returns this */
        fprintf(stderr, "slabfill: verify found %llu mismatching values (the first at z=%llu, "
                "x=%llu, y=%llu) and %llu slices that differ from their digests; the data "
                "stays under its partial name, not %s\n", (unsigned long long)v->mismatches,
                (unsigned long long)v->first[0], (unsigned long long)v->first[1],
                (unsigned long long)v->first[2], (unsigned long long)v->bad_slices, run->path);
    if (!run->all || rc != SF_EXIT_OK || run->complete)
        return;
    const sf_run_info *info = &run->info;
    int last = info->repetition == info->repetitions, table = opt->format == SF_FORMAT_TABLE;
    if (opt->verbosity >= 0 && table && info->repetition)
        printf("repetition %d of %d: %.2f s, %.3f GB/s\n%s", info->repetition,
               info->repetitions, info->rep_elapsed[info->repetition - 1],
               info->rep_gbps[info->repetition - 1], last ? "\n" : "");
    /* The table once, for the last write; a record (CSV's header once) for every write. */
    if (opt->verbosity >= 0 && (last || !table))
        sf_summary_print(stdout, info, run->all);
    if (opt->summary_file) {
        sf_totals t = sf_summary_totals(info, run->all);
        sf_summary_append(opt->summary_file, info, &t);
    }
}

/* Between two writes of a --repeat, rank 0 removes the output the last one left, so that each
 * write starts as the first did and the disk never holds two copies; but only if it is still
 * what that write left (sf_output_identity, file and sidecar): a file another user put under
 * either name meanwhile is left alone and the repeat stops. The lock is held throughout, so no
 * other slabfill job can have touched them. */
static int clear_previous(const sf_write_run *run)
{
    uint64_t now = 0;
    int changed = 0;
    sf_fault_point("repeat");
    if (sf_rank() == 0 && run->path[0]) {
        changed = !run->committed_known ||
                  sf_output_identity(run->path, run->be->sidecar, &now) != 0 ||
                  now != run->committed;
        if (!changed)
            sf_output_discard(run->path, run->be->sidecar);
    }
    SF_MPI_CHECK(MPI_Bcast(&changed, 1, MPI_INT, 0, sf_comm()));
    return changed ? sf_fail("--repeat: '%s'%s is not what write %d of %d left there (changed, "
                             "replaced or removed since); it was left alone and the repeat "
                             "stopped", run->path, run->be->sidecar ? " or its sidecar" : "",
                             run->info.repetition, run->info.repetitions)
                   : SF_EXIT_OK;
}

/* The default command: one backend's write with slabfill's own values, --repeat times, the
 * output's lock held from the first write to the last. */
static int run_command(const sf_options *opt)
{
    int rc = check_summary_file(opt);
    if (rc)
        return rc;
    const int n = opt->repeat > 1 ? opt->repeat : 1;
    double *elapsed = sf_xcalloc((size_t)n, sizeof *elapsed);
    double *gbps = sf_xcalloc((size_t)n, sizeof *gbps);
    sf_write_run *run = sf_xcalloc(1, sizeof *run);
    sf_lock *lock = NULL;
    for (int k = 1; k <= n && rc == SF_EXIT_OK; k++) {
        if (k > 1 && (rc = clear_previous(run)) != SF_EXIT_OK)
            break;
        rc = sf_write(opt, NULL, NULL, NULL, run, n > 1 ? &lock : NULL);
        if (!run->info.nranks)
            break;
        if (run->all) { /* rank 0 */
            sf_totals t = sf_summary_totals(&run->info, run->all);
            elapsed[k - 1] = t.elapsed;
            gbps[k - 1] = t.gbps;
        }
        if (n > 1) {
            run->info.repetition = k;
            run->info.repetitions = n;
            run->info.rep_elapsed = elapsed;
            run->info.rep_gbps = gbps;
        }
        after_run(run, rc);
        sf_write_free(run);
    }
    sf_lock_release(lock);
    free(run);
    free(elapsed);
    free(gbps);
    return rc;
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
    if (opt.verify_path)
        return verify_command(&opt);
    if (opt.compare)
        return sf_compare_run(&opt);
    return run_command(&opt);
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
    /* Output errors (a full disk behind a redirect, a closed pipe) are checked once, here. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == SF_EXIT_OK) {
        fprintf(stderr, "slabfill: rank %d: writing to standard output failed: %s\n",
                sf_rank(), strerror(errno));
        rc = SF_EXIT_FAILURE;
    }
    SF_MPI_CHECK(MPI_Finalize());
    return rc;
}
