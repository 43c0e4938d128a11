/* summary.c - gathers sf_rank_stats on rank 0, computes the totals, and lays them out as the
 * run's table or record; src/report.c prints them. Units follow the seed article: GB = 1e9
 * bytes, MB = 1e6 bytes. */
#include "sf_summary.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "sf_error.h"
#include "sf_report.h"
#include "sf_values.h"
#include "sf_verify.h"
#include "sf_version.h"

#define PER_RANK_ROWS_MAX 16
#define MAXF(a, b) ((a) > (b) ? (a) : (b))
#define MINF(a, b) ((a) < (b) ? (a) : (b))

sf_rank_stats *sf_summary_gather(const sf_rank_stats *mine, int nranks)
{
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    sf_rank_stats *all = NULL;
    if (rank == 0) {
        all = sf_xcalloc((size_t)nranks, sizeof *all);
    }
    /* Homogeneous clusters assumed: the struct travels as bytes. */
    SF_MPI_CHECK(MPI_Gather(mine, (int)sizeof *mine, MPI_BYTE, all, (int)sizeof *mine, MPI_BYTE,
                            0, sf_comm()));
    return all;
}

sf_totals sf_summary_totals(const sf_run_info *run, const sf_rank_stats *all)
{
    sf_totals t = {.gen_min = 1e300, .write_min = 1e300, .rss_min = UINT64_MAX, .hidden_min = 1};
    const int P = run->nranks;
    for (int r = 0; r < P; r++) {
        const sf_rank_stats *s = &all[r];
        t.elapsed = MAXF(t.elapsed, s->t_total);
        t.gen_max = MAXF(t.gen_max, s->t_gen);
        t.gen_min = MINF(t.gen_min, s->t_gen);
        t.write_max = MAXF(t.write_max, s->t_write);
        t.write_min = MINF(t.write_min, s->t_write);
        t.close_max = MAXF(t.close_max, s->t_close);
        t.wait_max = MAXF(t.wait_max, s->t_wait);
        if (s->t_gen > 0)
            t.hidden_min = MINF(t.hidden_min, MAXF(0.0, 1.0 - s->t_wait / s->t_gen));
        t.rss_max = MAXF(t.rss_max, s->peak_rss);
        t.rss_min = MINF(t.rss_min, s->peak_rss);
        t.gen_mean += s->t_gen / P;
        t.write_mean += s->t_write / P;
        t.rss_sum += s->peak_rss;
        t.bytes += s->bytes;
        t.rank_bytes_max = MAXF(t.rank_bytes_max, s->bytes);
        t.unit_bytes = MAXF(t.unit_bytes, s->unit_bytes);
        int seen = 0, same = 0;
        for (int q = 0; q < r && !seen; q++)
            seen = strcmp(all[q].host, s->host) == 0;
        t.hosts += !seen;
        for (int q = 0; q < P; q++)
            same += strcmp(all[q].host, s->host) == 0;
        t.ranks_per_host_max = same > t.ranks_per_host_max ? same : t.ranks_per_host_max;
        if (r == 0)
            snprintf(t.kernel, sizeof t.kernel, "%s", s->kernel);
        else if (strcmp(t.kernel, s->kernel) != 0)
            snprintf(t.kernel, sizeof t.kernel, "mixed");
    }
    const uint64_t *sh = run->opt->shape;
    t.calc_bytes = sh[0] * sh[1] * sh[2] * sf_dtype_size(run->opt->spec.dtype);
    t.gbps = t.elapsed > 0 ? (double)t.bytes / 1e9 / t.elapsed : 0.0;
    t.gen_gbps = t.gen_max > 0 ? (double)t.bytes / 1e9 / t.gen_max : 0.0;
    return t;
}

static double gb(uint64_t b) { return (double)b / 1e9; }

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

sf_spread sf_spread_of(const double *v, int n)
{
    assert(n >= 1);
    double *s = sf_xmalloc(sizeof *s * (size_t)n), mean = 0, var = 0;
    memcpy(s, v, sizeof *s * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, by_value);
    for (int i = 0; i < n; i++)
        mean += s[i] / n;
    for (int i = 0; i < n; i++)
        var += (s[i] - mean) * (s[i] - mean) / n;
    sf_spread r = {s[0], n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[n - 1], mean,
                   sqrt(var)};
    free(s);
    return r;
}

/* What a record says of repetitions: under --repeat, writes 1..k of n; else this write alone. */
typedef struct {
    int k, n;
    sf_spread elapsed, gbps;
} reps;

static reps reps_of(const sf_run_info *run, const sf_totals *t)
{
    if (run->repetition == 0)
        return (reps){1, 1, sf_spread_of(&t->elapsed, 1), sf_spread_of(&t->gbps, 1)};
    return (reps){run->repetition, run->repetitions, sf_spread_of(run->rep_elapsed,
                  run->repetition), sf_spread_of(run->rep_gbps, run->repetition)};
}

/* The two lines that say what ran: the array, then where and how it was written. */
static void print_head(FILE *out, const sf_run_info *run, const sf_totals *t)
{
    const sf_options *o = run->opt;
    char arr[160], sh[72];
    if (o->spec.dist == SF_DIST_NONE) /* a user's producer: its name, not a distribution */
        fprintf(out, "slabfill %s: %s %s from %s %s, seed %" PRIu64 "\n", SF_VERSION,
                sf_report_shape(o->shape, sh, sizeof sh), sf_dtype_name(o->spec.dtype),
                run->producer, run->producer_version, o->spec.seed);
    else
        fprintf(out, "slabfill %s: %s (0x%016" PRIx64 ")\n", SF_VERSION,
                sf_report_array(o->shape, &o->spec, arr, sizeof arr), o->spec.seed);
    fprintf(out, "%d rank%s on %d host%s, backend %s, file ", run->nranks,
            run->nranks == 1 ? "" : "s", t->hosts, t->hosts == 1 ? "" : "s", run->backend);
    sf_report_text(out, run->file ? run->file : "(none)");
    fprintf(out, ", slab %" PRIu64 "%s\n\n", o->slab, o->independent ? ", independent I/O" : "");
}

/* One row per rank; above PER_RANK_ROWS_MAX ranks (unless -v) the min, mean and max instead. */
static void print_ranks(FILE *out, const sf_run_info *run, const sf_rank_stats *all,
                        const sf_totals *t)
{
    static const sf_column rank_cols[] = {
        {"rank", 5, 0, 0}, {"host", 16, SF_COL_LEFT | SF_COL_CLIP, 1},
        {"z-range", 17, SF_COL_LEFT, 0}, {"slices", 7, 0, 0}, {"generate s", 11, 0, 0},
        {"write s", 9, 0, 0}, {"peak memory", 12, 0, 0},
    };
    static const sf_column over_cols[] = {
        {"over ranks", 12, SF_COL_LEFT, 0}, {"generate s", 11, 0, 0}, {"write s", 9, 0, 0},
        {"peak memory", 12, 0, 0},
    };
    char m[32];
    if (run->nranks <= PER_RANK_ROWS_MAX || run->opt->verbosity > 0) {
        sf_table tb = sf_table_start(out, rank_cols, 7);
        for (int r = 0; r < run->nranks; r++) {
            const sf_rank_stats *s = &all[r];
            sf_table_cell(&tb, "%d", r);
            sf_table_text(&tb, s->host);
            sf_table_cell(&tb, "[%" PRIu64 ", %" PRIu64 ")", s->z0, s->z0 + s->nz);
            sf_table_cell(&tb, "%" PRIu64, s->nz);
            sf_table_cell(&tb, "%.3f", s->t_gen);
            sf_table_cell(&tb, "%.3f", s->t_write);
            sf_table_cell(&tb, "%s", sf_report_mem(s->peak_rss, m, sizeof m));
        }
        return;
    }
    const char *name[3] = {"min", "mean", "max"};
    const double gen[3] = {t->gen_min, t->gen_mean, t->gen_max};
    const double wr[3] = {t->write_min, t->write_mean, t->write_max};
    const uint64_t rss[3] = {t->rss_min, t->rss_sum / (uint64_t)run->nranks, t->rss_max};
    sf_table tb = sf_table_start(out, over_cols, 4);
    for (int i = 0; i < 3; i++) {
        sf_table_cell(&tb, "%s", name[i]);
        sf_table_cell(&tb, "%.3f", gen[i]);
        sf_table_cell(&tb, "%.3f", wr[i]);
        sf_table_cell(&tb, "%s", sf_report_mem(rss[i], m, sizeof m));
    }
}

/* The seed article's figures, then how the run went, one "key value" line each. */
static void print_lines(FILE *out, const sf_run_info *run, const sf_totals *t)
{
    const sf_options *o = run->opt;
    char m1[32], m2[32];
    enum { W = 20 };
    sf_report_line(out, W, "Elapsed time", "%.2f s", t->elapsed);
    sf_report_line(out, W, "Calculated storage", "%.2f GB", gb(t->calc_bytes));
    sf_report_line(out, W, "Peak memory", "%s max per rank, %s sum over %d rank%s",
                   sf_report_mem(t->rss_max, m1, sizeof m1),
                   sf_report_mem(t->rss_sum, m2, sizeof m2), run->nranks,
                   run->nranks == 1 ? "" : "s");
    if (run->file)
        sf_report_line(out, W, "File storage", "%.2f GB", gb(run->file_disk_bytes));
    else
        sf_report_line(out, W, "File storage", "n/a");
    sf_report_line(out, W, "Bandwidth", "%.3f GB/s", t->gbps);
    if (run->repetitions > 1) {
        reps r = reps_of(run, t);
        sf_report_line(out, W, "Repetitions", "%d of %d (--repeat): elapsed min %.2f, median "
                       "%.2f, max %.2f s, sd %.2f s", r.k, r.n, r.elapsed.min, r.elapsed.median,
                       r.elapsed.max, r.elapsed.sd);
        sf_report_line(out, W, "", "bandwidth min %.3f, median %.3f, max %.3f GB/s, sd %.3f "
                       "GB/s", r.gbps.min, r.gbps.median, r.gbps.max, r.gbps.sd);
    }
    if (run->opt->spec.dist == SF_DIST_NONE)
        sf_report_line(out, W, "Generation", "%.3f GB/s (all ranks' bytes / slowest rank's "
                       "time in the producer, %s)", t->gen_gbps, run->producer);
    else
        sf_report_line(out, W, "Generation", "%.3f GB/s (all ranks' bytes / slowest rank's "
                       "generate time), kernel %s, %d thread%s per rank (%s)", t->gen_gbps,
                       t->kernel, run->threads_used, run->threads_used == 1 ? "" : "s",
                       run->threads_why);
    if (run->overlap_used)
        sf_report_line(out, W, "Overlap", "on (%s): %.0f%% of generation ran behind I/O (worst "
                       "rank), the writer waited %.2f s for values", run->overlap_why,
                       100.0 * t->hidden_min, t->wait_max);
    else
        sf_report_line(out, W, "Overlap", "off (%s): generation and I/O took turns",
                       run->overlap_why);
    if (run->resumed)
        sf_report_line(out, W, "Resumed", "%" PRIu64 " slices were already complete; this run "
                       "wrote the other %" PRIu64, run->resumed, o->shape[0] - run->resumed);
    if (run->verify) {
        const sf_verify_result *v = run->verify;
        sf_report_line(out, W, "Verify", "%" PRIu64 " values read back and compared in %.2f s: "
                       "%" PRIu64 " mismatches", v->values, v->seconds, v->mismatches);
    }
    if (run->file)
        sf_report_line(out, W, "Page cache", "%s (%s): %s", run->stream_used ? "drop" : "keep",
                       run->stream_why, run->stream_used ? "each unit was written out at once "
                       "and dropped from the page cache once on disk"
                       : "write-out was left to the kernel");
    sf_report_line(out, W, "Sync", "%s", o->no_sync ? "off (--no-sync): not synced to stable "
                   "storage before the clock stopped" : "on: synced to stable storage before "
                   "the clock stopped");
}

static void print_table(FILE *out, const sf_run_info *run, const sf_rank_stats *all,
                        const sf_totals *t)
{
    print_head(out, run, t);
    print_ranks(out, run, all, t);
    fputc('\n', out);
    print_lines(out, run, t);
    fprintf(out, "(GB = 1e9 bytes, MB = 1e6 bytes, as in the article that started slabfill)\n");
}

/* What ran and how: the array, the layout, the choices. Keys carry their units. */
static void fields_run(sf_record *r, const sf_run_info *run, const sf_totals *t)
{
    const sf_options *o = run->opt;
    sf_record_text(r, "version", "%s", SF_VERSION);
    sf_record_text(r, "backend", "%s", run->backend);
    sf_record_text(r, "file", "%s", run->file ? run->file : "");
    sf_record_number(r, "shape_z", "%" PRIu64, o->shape[0]);
    sf_record_number(r, "shape_x", "%" PRIu64, o->shape[1]);
    sf_record_number(r, "shape_y", "%" PRIu64, o->shape[2]);
    sf_record_text(r, "dtype", "%s", sf_dtype_name(o->spec.dtype));
    sf_record_text(r, "dist", "%s", sf_dist_name(o->spec.dist));
    sf_record_text(r, "producer", "%s", run->producer);
    sf_record_text(r, "producer_version", "%s", run->producer_version);
    /* a string: JSON numbers lose 64-bit precision */
    sf_record_text(r, "seed", "%" PRIu64, o->spec.seed);
    sf_record_number(r, "ranks", "%d", run->nranks);
    sf_record_number(r, "hosts", "%d", t->hosts);
    sf_record_number(r, "slab", "%" PRIu64, o->slab);
    sf_record_number(r, "buffer_bytes", "%" PRIu64, o->buffer);
    sf_record_number(r, "collective", "%s", o->independent ? "false" : "true");
}

/* What was measured. */
static void fields_figures(sf_record *r, const sf_run_info *run, const sf_totals *t)
{
    sf_record_number(r, "elapsed_s", "%.6f", t->elapsed);
    sf_record_number(r, "generate_s_max", "%.6f", t->gen_max);
    sf_record_number(r, "write_s_max", "%.6f", t->write_max);
    sf_record_number(r, "close_s_max", "%.6f", t->close_max);
    sf_record_number(r, "wait_s_max", "%.6f", t->wait_max);
    sf_record_number(r, "generate_hidden_fraction_min", "%.4f", t->hidden_min);
    sf_record_number(r, "overlap", "%s", run->overlap_used ? "true" : "false");
    sf_record_number(r, "sync", "%s", run->opt->no_sync ? "false" : "true");
    sf_record_text(r, "page_cache", "%s", run->stream_used ? "drop" : "keep");
    sf_record_number(r, "resumed_slices", "%" PRIu64, run->resumed);
    /* Always present, so every record of a CSV file has the same columns. */
    const sf_verify_result *v = run->verify;
    if (v) {
        sf_record_number(r, "verify_values", "%" PRIu64, v->values);
        sf_record_number(r, "verify_mismatches", "%" PRIu64, v->mismatches);
    } else {
        sf_record_null(r, "verify_values");
        sf_record_null(r, "verify_mismatches");
    }
    sf_record_number(r, "calculated_storage_bytes", "%" PRIu64, t->calc_bytes);
    sf_record_number(r, "bytes_written", "%" PRIu64, t->bytes);
    sf_record_number(r, "peak_rss_bytes_max", "%" PRIu64, t->rss_max);
    sf_record_number(r, "peak_rss_bytes_min", "%" PRIu64, t->rss_min);
    sf_record_number(r, "peak_rss_bytes_sum", "%" PRIu64, t->rss_sum);
    sf_record_number(r, "file_storage_bytes", "%" PRIu64, run->file ? run->file_disk_bytes : 0);
    sf_record_number(r, "bandwidth_GBps", "%.6f", t->gbps);
    sf_record_number(r, "generate_GBps", "%.6f", t->gen_gbps);
    /* avx512, avx2, neon, scalar or mixed (sf_kernel_name) */
    sf_record_text(r, "kernel", "%s", t->kernel);
    sf_record_number(r, "threads", "%d", run->threads_used);
    sf_record_text(r, "threads_why", "%s", run->threads_why);
}

/* --repeat: this write's number, and the spread of time and bandwidth over writes 1..k (the
 * last record of a --repeat covers them all). */
static void fields_repeat(sf_record *r, const reps *p)
{
    sf_record_number(r, "repetition", "%d", p->k);
    sf_record_number(r, "repeat", "%d", p->n);
    const sf_spread *s[2] = {&p->elapsed, &p->gbps};
    static const char *const key[2][4] = {
        {"elapsed_s_min", "elapsed_s_median", "elapsed_s_max", "elapsed_s_sd"},
        {"bandwidth_GBps_min", "bandwidth_GBps_median", "bandwidth_GBps_max",
         "bandwidth_GBps_sd"}};
    for (int i = 0; i < 2; i++) {
        sf_record_number(r, key[i][0], "%.6f", s[i]->min);
        sf_record_number(r, key[i][1], "%.6f", s[i]->median);
        sf_record_number(r, key[i][2], "%.6f", s[i]->max);
        sf_record_number(r, key[i][3], "%.6f", s[i]->sd);
    }
}

/* IOR's summary names, where they mean the same thing (writes 1..k of a --repeat as IOR's
 * repetitions), then when and for which job the run was. */
static void fields_ior(sf_record *r, const sf_run_info *run, const sf_totals *t, const reps *p)
{
    const double mib = 1e9 / 1048576.0; /* GB/s to MiB/s */
    sf_record_text(r, "operation", "write");
    sf_record_text(r, "API", "%s", run->api);
    sf_record_number(r, "numTasks", "%d", run->nranks);
    sf_record_number(r, "tasksPerNode", "%d", t->ranks_per_host_max);
    sf_record_number(r, "segmentCount", "1");
    sf_record_number(r, "blockSize", "%" PRIu64, t->rank_bytes_max);
    sf_record_number(r, "transferSize", "%" PRIu64, t->unit_bytes);
    sf_record_number(r, "filePerProc", "0");
    sf_record_number(r, "repetitions", "%d", p->k);
    sf_record_number(r, "bwMaxMIB", "%.6f", p->gbps.max * mib);
    sf_record_number(r, "bwMinMIB", "%.6f", p->gbps.min * mib);
    sf_record_number(r, "bwMeanMIB", "%.6f", p->gbps.mean * mib);
    sf_record_number(r, "bwStdMIB", "%.6f", p->gbps.sd * mib);
    sf_record_number(r, "MeanTime", "%.6f", p->elapsed.mean);
    sf_record_number(r, "xsizeMiB", "%.6f", (double)t->bytes / 1048576.0);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
    sf_record_text(r, "timestamp", "%s", stamp);
    const char *job = getenv("SLURM_JOB_ID"), *study = getenv("SLABFILL_STUDY");
    sf_record_text(r, "job_id", "%s", job ? job : "");
    /* groups records for scripts/plot-scaling */
    sf_record_text(r, "study", "%.100s", study ? study : "");
}

void sf_summary_fields(sf_record *r, const sf_run_info *run, const sf_totals *t,
                       const char *approach)
{
    if (approach)
        sf_record_text(r, "approach", "%s", approach);
    reps p = reps_of(run, t);
    fields_run(r, run, t);
    fields_figures(r, run, t);
    fields_repeat(r, &p);
    fields_ior(r, run, t, &p);
}

void sf_summary_append(const char *path, const sf_run_info *run, const sf_totals *t)
{
    size_t n = strlen(path);
    int jsonl = n > 6 && strcmp(path + n - 6, ".jsonl") == 0;
    struct stat st;
    /* No link is followed and no FIFO waited on, whatever appeared since the check (--repeat
     * appends after each write). */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
                  0666);
    if (fd < 0)
        sf_die_errno("open", path);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        sf_die(__FILE__, __LINE__, "open", "%s: not a regular file", path);
    const int fresh = st.st_size == 0; /* a CSV header first */
    FILE *f = fdopen(fd, "a");
    if (!f)
        sf_die_errno("fdopen", path);
    sf_record r = {0};
    sf_summary_fields(&r, run, t, NULL);
    sf_record_write(f, &r, jsonl ? SF_FORMAT_JSON : SF_FORMAT_CSV, fresh);
    sf_record_free(&r);
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0)
        sf_die(__FILE__, __LINE__, "fclose", "%s: %s", path, strerror(errno));
}

void sf_summary_print(FILE *out, const sf_run_info *run, const sf_rank_stats *all)
{
    sf_totals t = sf_summary_totals(run, all);
    if (run->opt->format == SF_FORMAT_TABLE) {
        print_table(out, run, all, &t);
    } else {
        sf_record r = {0};
        sf_summary_fields(&r, run, &t, NULL);
        /* a --repeat's CSV: one header line, then a line per write */
        sf_record_write(out, &r, run->opt->format, run->repetition <= 1);
        sf_record_free(&r);
    }
    fflush(out);
}
