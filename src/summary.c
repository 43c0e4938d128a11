/* summary.c - gathers sf_rank_stats on rank 0 and prints them as a table, CSV or JSON.
 * Units follow the seed article: GB = 1e9 bytes, MB = 1e6 bytes. */
#include "sf_summary.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "sf_error.h"
#include "sf_values.h"
#include "sf_verify.h"
#include "sf_version.h"

#define PER_RANK_ROWS_MAX 16
#define MAXF(a, b) ((a) > (b) ? (a) : (b))
#define MINF(a, b) ((a) < (b) ? (a) : (b))

sf_rank_stats *sf_summary_gather(const sf_rank_stats *mine, int nranks)
{
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    sf_rank_stats *all = NULL;
    if (rank == 0) {
        all = sf_xcalloc((size_t)nranks, sizeof *all);
    }
    /* Homogeneous clusters assumed: the struct travels as bytes. */
    SF_MPI_CHECK(MPI_Gather(mine, (int)sizeof *mine, MPI_BYTE, all, (int)sizeof *mine, MPI_BYTE,
                            0, MPI_COMM_WORLD));
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
    return t;
}

static double gb(uint64_t b) { return (double)b / 1e9; }
static double rate(uint64_t b, double s) { return s > 0 ? gb(b) / s : 0.0; }

const char *sf_summary_mem(uint64_t b, char *buf, size_t len)
{
    if (b >= 1000000000)
        snprintf(buf, len, "%.2f GB", gb(b));
    else
        snprintf(buf, len, "%.1f MB", (double)b / 1e6);
    return buf;
}

static void print_table(FILE *out, const sf_run_info *run, const sf_rank_stats *all,
                        const sf_totals *t)
{
    const sf_options *o = run->opt;
    char m1[32], m2[32];
    fprintf(out, "slabfill %s: %" PRIu64 "x%" PRIu64 "x%" PRIu64 " %s %s, seed %" PRIu64
            " (0x%016" PRIx64 ")\n", SF_VERSION, o->shape[0], o->shape[1], o->shape[2],
            sf_dtype_name(o->spec.dtype), sf_dist_name(o->spec.dist), o->spec.seed,
            o->spec.seed);
    fprintf(out, "%d rank%s on %d host%s, backend %s, file %s, slab %" PRIu64 "%s\n\n",
            run->nranks, run->nranks == 1 ? "" : "s", t->hosts, t->hosts == 1 ? "" : "s",
            run->backend, run->file ? run->file : "(none)", o->slab,
            o->independent ? ", independent I/O" : "");

    if (run->nranks <= PER_RANK_ROWS_MAX || o->verbosity > 0) {
        fprintf(out, "%5s  %-16s %-17s %7s %11s %9s %12s\n", "rank", "host", "z-range",
                "slices", "generate s", "write s", "peak memory");
        for (int r = 0; r < run->nranks; r++) {
            const sf_rank_stats *s = &all[r];
            char zr[48];
            snprintf(zr, sizeof zr, "[%" PRIu64 ", %" PRIu64 ")", s->z0, s->z0 + s->nz);
            fprintf(out, "%5d  %-16.16s %-17s %7" PRIu64 " %11.3f %9.3f %12s\n", r, s->host, zr,
                    s->nz, s->t_gen, s->t_write, sf_summary_mem(s->peak_rss, m1, sizeof m1));
        }
    } else {
        fprintf(out, "%-12s %11s %9s %12s\n", "over ranks", "generate s", "write s",
                "peak memory");
        fprintf(out, "%-12s %11.3f %9.3f %12s\n", "min", t->gen_min, t->write_min,
                sf_summary_mem(t->rss_min, m1, sizeof m1));
        fprintf(out, "%-12s %11.3f %9.3f %12s\n", "mean", t->gen_mean, t->write_mean,
                sf_summary_mem(t->rss_sum / (uint64_t)run->nranks, m1, sizeof m1));
        fprintf(out, "%-12s %11.3f %9.3f %12s\n", "max", t->gen_max, t->write_max,
                sf_summary_mem(t->rss_max, m1, sizeof m1));
    }

    fprintf(out, "\n%-20s %.2f s\n", "Elapsed time", t->elapsed);
    fprintf(out, "%-20s %.2f GB\n", "Calculated storage", gb(t->calc_bytes));
    fprintf(out, "%-20s %s max per rank, %s sum over %d rank%s\n", "Peak memory",
            sf_summary_mem(t->rss_max, m1, sizeof m1), sf_summary_mem(t->rss_sum, m2, sizeof m2),
            run->nranks, run->nranks == 1 ? "" : "s");
    if (run->file)
        fprintf(out, "%-20s %.2f GB\n", "File storage", gb(run->file_disk_bytes));
    else
        fprintf(out, "%-20s n/a\n", "File storage");
    fprintf(out, "%-20s %.3f GB/s\n", "Bandwidth", rate(t->bytes, t->elapsed));
    fprintf(out, "%-20s %.3f GB/s (all ranks' bytes / slowest rank's generate time), kernel %s\n",
            "Generation", rate(t->bytes, t->gen_max), t->kernel);
    if (run->overlap_used)
        fprintf(out, "%-20s on (%s): %.0f%% of generation ran behind I/O (worst rank), the "
                "writer waited %.2f s for values\n", "Overlap", run->overlap_why,
                100.0 * t->hidden_min, t->wait_max);
    else
        fprintf(out, "%-20s off (%s): generation and I/O took turns\n", "Overlap",
                run->overlap_why);
    if (run->resumed)
        fprintf(out, "%-20s %llu slices were already complete; this run wrote the other %llu\n",
                "Resumed", (unsigned long long)run->resumed,
                (unsigned long long)(o->shape[0] - run->resumed));
    if (run->verify) {
        const sf_verify_result *v = run->verify;
        fprintf(out, "%-20s %llu values read back and compared in %.2f s: %llu mismatches\n",
                "Verify", (unsigned long long)v->values, v->seconds,
                (unsigned long long)v->mismatches);
    }
    if (run->file)
        fprintf(out, "%-20s %s (%s): %s\n", "Page cache", run->stream_used ? "drop" : "keep",
                run->stream_why, run->stream_used ? "each unit was written out at once and "
                "dropped from the page cache once on disk" : "write-out was left to the kernel");
    fprintf(out, "%-20s %s\n", "Sync", o->no_sync ? "off (--no-sync): not synced to stable "
            "storage before the clock stopped" : "on: synced to stable storage before the clock "
            "stopped");
    fprintf(out, "(GB = 1e9 bytes, MB = 1e6 bytes, as in the article that started slabfill)\n");
}

/* One record, as (key, value) pairs shared by CSV and JSON. Keys carry their units. */
enum { MAX_FIELDS = 64 };
typedef struct {
    const char *key;
    char val[512];
    int is_string;
} field;

static int fields(const sf_run_info *run, const sf_totals *t, const char *approach,
                  field f[MAX_FIELDS])
{
    const sf_options *o = run->opt;
    int i = 0;
#define F(k, s, ...) (f[i].key = k, f[i].is_string = s, \
                      snprintf(f[i].val, sizeof f[i].val, __VA_ARGS__), i++)
    if (approach)
        F("approach", 1, "%s", approach);
    F("version", 1, "%s", SF_VERSION);
    F("backend", 1, "%s", run->backend);
    F("file", 1, "%s", run->file ? run->file : "");
    F("shape_z", 0, "%" PRIu64, o->shape[0]);
    F("shape_x", 0, "%" PRIu64, o->shape[1]);
    F("shape_y", 0, "%" PRIu64, o->shape[2]);
    F("dtype", 1, "%s", sf_dtype_name(o->spec.dtype));
    F("dist", 1, "%s", sf_dist_name(o->spec.dist));
    F("seed", 1, "%" PRIu64, o->spec.seed); /* a string: JSON numbers lose 64-bit precision */
    F("ranks", 0, "%d", run->nranks);
    F("hosts", 0, "%d", t->hosts);
    F("slab", 0, "%" PRIu64, o->slab);
    F("buffer_bytes", 0, "%" PRIu64, o->buffer);
    F("collective", 0, "%s", o->independent ? "false" : "true");
    F("elapsed_s", 0, "%.6f", t->elapsed);
    F("generate_s_max", 0, "%.6f", t->gen_max);
    F("write_s_max", 0, "%.6f", t->write_max);
    F("close_s_max", 0, "%.6f", t->close_max);
    F("wait_s_max", 0, "%.6f", t->wait_max);
    F("generate_hidden_fraction_min", 0, "%.4f", t->hidden_min);
    F("overlap", 0, "%s", run->overlap_used ? "true" : "false");
    F("sync", 0, "%s", o->no_sync ? "false" : "true");
    F("page_cache", 1, "%s", run->stream_used ? "drop" : "keep");
    F("resumed_slices", 0, "%llu", (unsigned long long)run->resumed);
    /* Always present, so every record of a CSV file has the same columns: empty (null in
     * JSON) when the run did not verify. */
    const sf_verify_result *v = run->verify;
    F("verify_values", 0, "%s", "");
    if (v)
        snprintf(f[i - 1].val, sizeof f[i - 1].val, "%llu", (unsigned long long)v->values);
    F("verify_mismatches", 0, "%s", "");
    if (v)
        snprintf(f[i - 1].val, sizeof f[i - 1].val, "%llu", (unsigned long long)v->mismatches);
    F("calculated_storage_bytes", 0, "%" PRIu64, t->calc_bytes);
    F("bytes_written", 0, "%" PRIu64, t->bytes);
    F("peak_rss_bytes_max", 0, "%" PRIu64, t->rss_max);
    F("peak_rss_bytes_min", 0, "%" PRIu64, t->rss_min);
    F("peak_rss_bytes_sum", 0, "%" PRIu64, t->rss_sum);
    F("file_storage_bytes", 0, "%" PRIu64, run->file ? run->file_disk_bytes : 0);
    F("bandwidth_GBps", 0, "%.6f", rate(t->bytes, t->elapsed));
    F("generate_GBps", 0, "%.6f", rate(t->bytes, t->gen_max));
    F("kernel", 1, "%s", t->kernel); /* avx512, avx2, neon, scalar or mixed (sf_kernel_name) */
    /* IOR's summary names, where they mean the same thing (one write, one repetition). */
    double mib = t->elapsed > 0 ? (double)t->bytes / 1048576.0 / t->elapsed : 0.0;
    F("operation", 1, "write");
    F("API", 1, "%s", run->api);
    F("numTasks", 0, "%d", run->nranks);
    F("tasksPerNode", 0, "%d", t->ranks_per_host_max);
    F("segmentCount", 0, "1");
    F("blockSize", 0, "%llu", (unsigned long long)t->rank_bytes_max);
    F("transferSize", 0, "%llu", (unsigned long long)t->unit_bytes);
    F("filePerProc", 0, "0");
    F("repetitions", 0, "1");
    F("bwMaxMIB", 0, "%.6f", mib);
    F("bwMinMIB", 0, "%.6f", mib);
    F("bwMeanMIB", 0, "%.6f", mib);
    F("bwStdMIB", 0, "0");
    F("MeanTime", 0, "%.6f", t->elapsed);
    F("xsizeMiB", 0, "%.6f", (double)t->bytes / 1048576.0);
    char stamp[32];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
    F("timestamp", 1, "%s", stamp);
    const char *job = getenv("SLURM_JOB_ID"), *study = getenv("SLABFILL_STUDY");
    F("job_id", 1, "%s", job ? job : "");
    F("study", 1, "%.100s", study ? study : ""); /* groups records for scripts/plot-scaling */
#undef F
    return i;
}

void sf_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void sf_csv_value(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void sf_summary_record(FILE *out, const sf_run_info *run, const sf_totals *t, sf_format format,
                       int header, const char *approach)
{
    field f[MAX_FIELDS];
    int n = fields(run, t, approach, f);
    if (format == SF_FORMAT_CSV) {
        for (int i = 0; i < n; i++) {
            if (header)
                fputs(f[i].key, out);
            else
                sf_csv_value(out, f[i].val);
            fputs(i + 1 < n ? "," : "\n", out);
        }
        return;
    }
    fputc('{', out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "%s\"%s\": ", i ? ", " : "", f[i].key);
        if (f[i].is_string)
            sf_json_string(out, f[i].val);
        else
            fputs(f[i].val[0] ? f[i].val : "null", out);
    }
    fputs("}\n", out);
}

void sf_summary_append(const char *path, const sf_run_info *run, const sf_totals *t)
{
    size_t n = strlen(path);
    int jsonl = n > 6 && strcmp(path + n - 6, ".jsonl") == 0;
    struct stat st;
    int fresh = stat(path, &st) != 0 || st.st_size == 0;
    FILE *f = sf_xfopen(path, "a");
    if (fresh && !jsonl)
        sf_summary_record(f, run, t, SF_FORMAT_CSV, 1, NULL);
    sf_summary_record(f, run, t, jsonl ? SF_FORMAT_JSON : SF_FORMAT_CSV, 0, NULL);
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0)
        sf_die(__FILE__, __LINE__, "fclose", "%s: %s", path, strerror(errno));
}

void sf_summary_print(FILE *out, const sf_run_info *run, const sf_rank_stats *all)
{
    sf_totals t = sf_summary_totals(run, all);
    switch (run->opt->format) {
    case SF_FORMAT_TABLE: print_table(out, run, all, &t); break;
    case SF_FORMAT_CSV:
        sf_summary_record(out, run, &t, SF_FORMAT_CSV, 1, NULL);
        sf_summary_record(out, run, &t, SF_FORMAT_CSV, 0, NULL);
        break;
    case SF_FORMAT_JSON: sf_summary_record(out, run, &t, SF_FORMAT_JSON, 0, NULL); break;
    }
    fflush(out);
}
