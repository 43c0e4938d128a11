/* slabfill.c - libslabfill's public API (include/slabfill.h). A configuration becomes the
 * options the program parses from its command line, a user's producer becomes the job's, and
 * each call runs in a scope over the caller's communicator that keeps bad-input messages for
 * slabfill_last_error instead of printing them. The run itself is the program's (src/write.c). */
#include "slabfill.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_digest.h"
#include "sf_error.h"
#include "sf_meta.h"
#include "sf_options.h"
#include "sf_version.h"
#include "sf_write.h"

static char last_error[SF_ERRLEN];

/* What slabfill_result.detail holds. */
typedef struct {
    sf_write_run run;
    int rank; /* in the run's communicator, which the caller may free afterwards */
} detail;

/* The user's producer behind the job's. */
typedef struct {
    slabfill_producer fn;
    void *ctx;
} user_producer;

static int call_user(void *ctx, const sf_box *box, void *out)
{
    const user_producer *u = ctx;
    slabfill_box b;
    memcpy(b.start, box->start, sizeof b.start);
    memcpy(b.count, box->count, sizeof b.count);
    return u->fn(u->ctx, &b, out);
}

void slabfill_config_init(slabfill_config *c)
{
    *c = (slabfill_config){.shape = {500, 2000, 2000}, .dtype = SLABFILL_FLOAT32,
                           .producer_version = "1", .slab = 1, .buffer = SF_DEFAULT_BUFFER,
                           .sync = 1, .checkpoint = 30, .overlap = SLABFILL_AUTO,
                           .stream = SLABFILL_AUTO};
}

/* The file's words for cfg: the producer's name as its generator, its version as the value
 * spec, distribution none. 0, or an exit status after saying what was wrong. */
static int producer_meta(const slabfill_config *cfg, const sf_options *o, sf_file_meta *m)
{
    char err[SF_ERRLEN];
    *m = sf_meta_of(o->shape, &o->spec);
    m->seen &= ~(unsigned)(SF_META_GENERATOR | SF_META_VALUE_SPEC);
    if (!cfg->producer)
        return sf_error("no producer name; accepted: 1-63 of [A-Za-z0-9._-], recorded in the "
                        "file as what made its values");
    if (strcmp(cfg->producer, SF_GENERATOR) == 0)
        return sf_error("producer name '%s' is slabfill's own generator's; accepted: any other "
                        "name of 1-63 of [A-Za-z0-9._-]", cfg->producer);
    if (sf_meta_set(m, "generator", cfg->producer, err, sizeof err) != 0 ||
        sf_meta_set(m, "value_spec", cfg->producer_version ? cfg->producer_version : "",
                    err, sizeof err) != 0)
        return sf_error("producer: %s", err);
    return 0;
}

/* The numbers of cfg, checked as the command line's are. */
static int config_numbers(const slabfill_config *cfg, sf_options *o)
{
    char err[SF_ERRLEN], text[128];
    if (cfg->dtype != SLABFILL_FLOAT32 && cfg->dtype != SLABFILL_FLOAT64)
        return sf_error("dtype %d; accepted: SLABFILL_FLOAT32 or SLABFILL_FLOAT64",
                        (int)cfg->dtype);
    o->spec = (sf_value_spec){.seed = cfg->seed, .dist = SF_DIST_NONE,
                              .dtype = cfg->dtype == SLABFILL_FLOAT64 ? SF_FLOAT64 : SF_FLOAT32};
    snprintf(text, sizeof text, "%llux%llux%llu", (unsigned long long)cfg->shape[0],
             (unsigned long long)cfg->shape[1], (unsigned long long)cfg->shape[2]);
    if (sf_parse_shape(text, sf_dtype_size(o->spec.dtype), o->shape, err, sizeof err) != 0)
        return sf_error("shape: %s", err);
    if (cfg->slab < 1 || cfg->slab > SF_MAX_SLAB)
        return sf_error("slab %llu; accepted: 1 to %llu", (unsigned long long)cfg->slab,
                        (unsigned long long)SF_MAX_SLAB);
    if (cfg->buffer < SF_MIN_BUFFER || cfg->buffer > SF_MAX_BUFFER)
        return sf_error("buffer %llu bytes; accepted: %llu (1 KiB) to %llu (1 GiB)",
                        (unsigned long long)cfg->buffer, (unsigned long long)SF_MIN_BUFFER,
                        (unsigned long long)SF_MAX_BUFFER);
    if (!(cfg->checkpoint >= 0) || !isfinite(cfg->checkpoint))
        return sf_error("checkpoint %g s; accepted: 0 (after every unit) or more seconds",
                        cfg->checkpoint);
    int sw[2] = {cfg->overlap, cfg->stream};
    for (int i = 0; i < 2; i++)
        if (sw[i] != SLABFILL_AUTO && sw[i] != SLABFILL_ON && sw[i] != SLABFILL_OFF)
            return sf_error("%s %d; accepted: SLABFILL_AUTO, SLABFILL_ON or SLABFILL_OFF",
                            i ? "stream" : "overlap", sw[i]);
    return 0;
}

/* The hints of cfg, checked as --hint's are. */
static int config_hints(const slabfill_config *cfg, sf_options *o)
{
    char err[SF_ERRLEN];
    for (int i = 0; cfg->hints && cfg->hints[i]; i++) {
        if (o->nhints == SF_MAX_HINTS)
            return sf_error("more than %d hints; accepted: at most %d", SF_MAX_HINTS,
                            SF_MAX_HINTS);
        if (sf_parse_hint(cfg->hints[i], strlen(cfg->hints[i]), &o->hints[o->nhints++], err,
                          sizeof err) != 0)
            return sf_error("hint %d: %s", i, err);
    }
    return 0;
}

/* Every rank must pass the same configuration: a digest of it, compared over the scope's
 * communicator. 0, or an exit status after saying so. */
static int same_everywhere(const slabfill_config *cfg)
{
    char text[8192];
    int n = snprintf(text, sizeof text, "%llu %llu %llu %d %s %s %llu %s %s %llu %llu %d %d %d "
                     "%d %d %.17g %d %d %d", (unsigned long long)cfg->shape[0],
                     (unsigned long long)cfg->shape[1], (unsigned long long)cfg->shape[2],
                     (int)cfg->dtype, cfg->producer ? cfg->producer : "(null)",
                     cfg->producer_version ? cfg->producer_version : "(null)",
                     (unsigned long long)cfg->seed, cfg->backend ? cfg->backend : "(null)",
                     cfg->path ? cfg->path : "(null)", (unsigned long long)cfg->slab,
                     (unsigned long long)cfg->buffer, cfg->force, cfg->resume, cfg->verify,
                     cfg->sync, cfg->independent, cfg->checkpoint, (int)cfg->overlap,
                     (int)cfg->stream, cfg->quiet);
    for (int i = 0; cfg->hints && cfg->hints[i] && n >= 0 && n < (int)sizeof text; i++)
        n += snprintf(text + n, sizeof text - (size_t)n, " %s", cfg->hints[i]);
    uint64_t mine = sf_digest_bytes(text, strlen(text)), lo = mine, hi = mine;
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UINT64_T, MPI_MIN, sf_comm()));
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UINT64_T, MPI_MAX, sf_comm()));
    return lo == hi ? 0 : sf_error("the configuration differs between ranks (shape, path, "
                                   "producer, options or hints); accepted: the same on every "
                                   "rank of the communicator");
}

/* The program's options for cfg: what slabfill would run for the same command line. */
static int config_options(const slabfill_config *cfg, sf_options *o, sf_file_meta *meta)
{
    int provided = MPI_THREAD_SINGLE, rc;
    memset(o, 0, sizeof *o);
    if ((rc = same_everywhere(cfg)) != 0 || (rc = config_numbers(cfg, o)) != 0 || (rc = config_hints(cfg, o)) != 0 ||
        (rc = producer_meta(cfg, o, meta)) != 0)
        return rc;
    SF_MPI_CHECK(MPI_Query_thread(&provided));
    if (cfg->overlap == SLABFILL_ON && provided < MPI_THREAD_FUNNELED)
        return sf_error("overlap on needs MPI initialised with MPI_THREAD_FUNNELED or more "
                        "(it is %d); accepted: MPI_Init_thread, or overlap off", provided);
    o->overlap = cfg->overlap == SLABFILL_ON ? SF_OVERLAP_ON
                 : cfg->overlap == SLABFILL_OFF || provided < MPI_THREAD_FUNNELED
                     ? SF_OVERLAP_OFF : SF_OVERLAP_AUTO;
    o->page_cache = cfg->stream == SLABFILL_ON    ? SF_CACHE_DROP
                    : cfg->stream == SLABFILL_OFF ? SF_CACHE_KEEP : SF_CACHE_AUTO;
    o->output = cfg->path;
    o->backend = cfg->backend;
    o->slab = cfg->slab;
    o->buffer = cfg->buffer;
    o->force = cfg->force != 0;
    o->resume = cfg->resume != 0;
    o->verify = cfg->verify != 0;
    o->no_sync = !cfg->sync;
    o->independent = cfg->independent != 0;
    o->checkpoint = cfg->checkpoint;
    o->format = SF_FORMAT_TABLE;
    o->verbosity = cfg->quiet ? -1 : 0;
    return 0;
}

/* The figures of a finished run into res: this rank's, then the totals rank 0 computed. */
static void fill_result(detail *d, slabfill_result *res)
{
    const sf_rank_stats *m = &d->run.mine;
    *res = (slabfill_result){.z0 = m->z0, .nz = m->nz, .bytes = m->bytes,
                             .peak_rss = m->peak_rss, .produce_s = m->t_gen,
                             .wait_s = m->t_wait, .write_s = m->t_write, .close_s = m->t_close,
                             .nranks = d->run.info.nranks, .resumed = d->run.info.resumed,
                             .complete = d->run.complete, .stop_code = d->run.stop_code,
                             .detail = d};
    struct { uint64_t bytes, file, rss_max, rss_sum; double elapsed, gbps; } t = {0};
    if (d->run.all) {
        sf_totals tot = sf_summary_totals(&d->run.info, d->run.all);
        t.bytes = tot.bytes;
        t.file = d->run.info.file_disk_bytes;
        t.rss_max = tot.rss_max;
        t.rss_sum = tot.rss_sum;
        t.elapsed = tot.elapsed;
        t.gbps = tot.gbps;
    }
    SF_MPI_CHECK(MPI_Bcast(&t, (int)sizeof t, MPI_BYTE, 0, sf_comm()));
    res->total_bytes = t.bytes;
    res->file_bytes = t.file;
    res->peak_rss_max = t.rss_max;
    res->peak_rss_sum = t.rss_sum;
    res->elapsed_s = t.elapsed;
    res->bandwidth_gbps = t.gbps;
}

/* What a run that did not end well says in slabfill_last_error (bad input said it already). */
static void explain(const detail *d, int rc)
{
    const sf_verify_result *v = &d->run.verify;
    if (rc == SF_EXIT_INTERRUPTED && d->run.stop_code)
        snprintf(last_error, sizeof last_error, "stopped by the producer (code %d) after a "
                 "recorded unit; the same call with resume finishes it", d->run.stop_code);
    else if (rc == SF_EXIT_INTERRUPTED)
        snprintf(last_error, sizeof last_error, "stopped by a signal (SIGTERM, SIGUSR1 or "
                 "SIGINT) after a recorded unit; the same call with resume finishes it");
    else if (rc == SF_EXIT_FAILURE)
        snprintf(last_error, sizeof last_error, "verify found %llu slices that differ from "
                 "their digests (the first is %llu); the data stays under its partial name",
                 (unsigned long long)v->bad_slices, (unsigned long long)v->first_bad);
}

/* Before a call: MPI is up and comm is usable. 0, or SLABFILL_EBADINPUT with the reason. */
static int usable(MPI_Comm comm)
{
    int init = 0, fin = 0;
    last_error[0] = '\0';
    if (MPI_Initialized(&init) != MPI_SUCCESS || MPI_Finalized(&fin) != MPI_SUCCESS || !init ||
        fin) {
        snprintf(last_error, sizeof last_error, "MPI is not initialised (or is finalised); "
                 "accepted: a call between MPI_Init_thread and MPI_Finalize");
        return SLABFILL_EBADINPUT;
    }
    if (comm == MPI_COMM_NULL) {
        snprintf(last_error, sizeof last_error, "communicator MPI_COMM_NULL; accepted: an "
                 "intra-communicator that this process belongs to");
        return SLABFILL_EBADINPUT;
    }
    return 0;
}

int slabfill_write(MPI_Comm comm, const slabfill_config *cfg, slabfill_producer produce,
                   void *ctx, slabfill_result *res)
{
    int rc = usable(comm);
    if (res)
        memset(res, 0, sizeof *res);
    if (rc)
        return rc;
    sf_scope saved;
    sf_scope_enter(comm, last_error, sizeof last_error, &saved);
    sf_options opt;
    sf_file_meta meta;
    int missing = !cfg || !produce || !res; /* on any rank: every rank must refuse */
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &missing, 1, MPI_INT, MPI_MAX, comm));
    if (missing || !cfg || !produce || !res) /* the second half for the analyser's sake */
        rc = sf_error("slabfill_write needs a configuration, a producer and a result on every "
                      "rank");
    else if ((rc = config_options(cfg, &opt, &meta)) == 0) {
        detail *d = sf_xcalloc(1, sizeof *d);
        user_producer up = {produce, ctx};
        SF_MPI_CHECK(MPI_Comm_rank(comm, &d->rank));
        rc = sf_write(&opt, &meta, call_user, &up, &d->run, NULL);
        if (d->run.info.nranks) {
            fill_result(d, res);
            explain(d, rc);
        } else {
            sf_write_free(&d->run);
            free(d);
        }
    }
    sf_scope_leave(&saved);
    return rc;
}

void slabfill_print_summary(FILE *out, const slabfill_result *res, slabfill_format format)
{
    detail *d = res ? res->detail : NULL;
    if (!d || d->rank != 0 || !d->run.all)
        return;
    d->run.opt.format = format == SLABFILL_CSV    ? SF_FORMAT_CSV
                        : format == SLABFILL_JSON ? SF_FORMAT_JSON : SF_FORMAT_TABLE;
    sf_summary_print(out, &d->run.info, d->run.all);
    fflush(out);
}

void slabfill_result_free(slabfill_result *res)
{
    if (!res || !res->detail)
        return;
    detail *d = res->detail;
    sf_write_free(&d->run);
    free(d);
    res->detail = NULL;
}

/* What the library's verify result says, from the internal one. */
static void fill_verify(const sf_verify_result *v, slabfill_verify_result *res)
{
    *res = (slabfill_verify_result){
        .shape = {v->meta.shape[0], v->meta.shape[1], v->meta.shape[2]},
        .dtype = v->meta.spec.dtype == SF_FLOAT64 ? SLABFILL_FLOAT64 : SLABFILL_FLOAT32,
        .seed = v->meta.spec.seed, .slices = v->digests_checked ? v->meta.shape[0] : 0,
        .bad_slices = v->bad_slices, .first_bad_slice = v->first_bad,
        .values_checked = v->values_checked, .values = v->values, .mismatches = v->mismatches,
        .first_mismatch = {v->first[0], v->first[1], v->first[2]}, .seconds = v->seconds,
        .bytes = v->bytes, .read_s = v->read_s, .check_s = v->check_s,
        .cache_dropped = v->cache_dropped};
    snprintf(res->producer, sizeof res->producer, "%s", v->meta.generator);
    snprintf(res->producer_version, sizeof res->producer_version, "%s", v->meta.value_spec);
}

int slabfill_verify(MPI_Comm comm, const char *path, uint64_t buffer,
                    slabfill_verify_result *res)
{
    int rc = usable(comm);
    if (res)
        memset(res, 0, sizeof *res);
    if (rc)
        return rc;
    sf_scope saved;
    sf_scope_enter(comm, last_error, sizeof last_error, &saved);
    const sf_backend *be;
    sf_verify_result v;
    int missing = !path || !res;
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &missing, 1, MPI_INT, MPI_MAX, comm));
    if (missing || !path || !res)
        rc = sf_error("slabfill_verify needs a path and a result on every rank");
    else if (buffer && (buffer < SF_MIN_BUFFER || buffer > SF_MAX_BUFFER))
        rc = sf_error("buffer %llu bytes; accepted: 0 (64 MiB), or %llu (1 KiB) to %llu "
                      "(1 GiB)", (unsigned long long)buffer, (unsigned long long)SF_MIN_BUFFER,
                      (unsigned long long)SF_MAX_BUFFER);
    else if ((rc = sf_verify_path(path, buffer, 0, &be, &v)) == 0) {
        fill_verify(&v, res);
        if (v.mismatches || v.bad_slices) {
            rc = SLABFILL_EFAILED;
            snprintf(last_error, sizeof last_error, "%s: %llu slices differ from their "
                     "digests (the first is %llu), %llu values from the generator", path,
                     (unsigned long long)v.bad_slices, (unsigned long long)v.first_bad,
                     (unsigned long long)v.mismatches);
        }
    }
    sf_scope_leave(&saved);
    return rc;
}

const char *slabfill_last_error(void)
{
    return last_error;
}
