/* verify.c - reading a file back in parallel, in units no larger than the buffer: every slice
 * against its stored digest and, for slabfill's own values, every value against the generator
 * (verify); or every claimed slice against its recorded digest (resume). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sf_verify.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_cache.h"
#include "sf_comm.h"
#include "sf_digest.h"
#include "sf_error.h"
#include "sf_fault.h"
#include "sf_measure.h"
#include "sf_options.h"
#include "sf_output.h"
#include "sf_plan.h"
#include "sf_version.h"

/* The first mismatching element of a unit, by flat index, and how many there are. */
static uint64_t compare_unit(const char *got, const char *want, const sf_unit *u, size_t es,
                             uint64_t *first)
{
    if (memcmp(got, want, (size_t)u->nbytes) == 0)
        return 0;
    uint64_t mism = 0;
    for (uint64_t j = 0; j < u->nelem; j++) { /* a unit is one C-order range of g */
        if (memcmp(got + j * es, want + j * es, es) == 0)
            continue;
        mism++;
        *first = u->g0 + j < *first ? u->g0 + j : *first;
    }
    return mism;
}

/* What one rank checks as it reads: values against the generator, slices against digests. */
typedef struct {
    const sf_file_meta *meta;
    const uint64_t *digest; /* NULL: the file has none */
    sf_digests *d;
    unsigned char *bad;     /* Z flags: slices whose digest differs */
    int values;             /* compare values with the generator */
    char *want;
    uint64_t mism, first, nvalues;
} checker;

static void check_unit(checker *c, const sf_unit *u, const char *got, size_t es)
{
    c->nvalues += u->nelem;
    if (c->values) {
        sf_fill_box(&c->meta->spec, c->meta->shape, &u->box, c->want);
        c->mism += compare_unit(got, c->want, u, es, &c->first);
    }
    if (!c->digest)
        return;
    sf_digests_add(c->d, &u->box, got);
    for (uint64_t z = u->done.z0; z < u->done.z0 + u->done.nz; z++)
        c->bad[z] = sf_digests_table(c->d)[z] != c->digest[z];
}

/* Rank 0 reads the stored digests; every rank gets them (NULL when there are none). Returns 0,
 * or -1 with a reason when they are malformed. */
static int stored_digests(const sf_backend *be, const char *path, uint64_t Z, uint64_t **out,
                          char *err, size_t errlen)
{
    uint64_t *d = sf_xcalloc(Z, sizeof *d);
    struct {
        int rc;
        char err[512];
    } r = {1, ""};
    if (sf_rank() == 0)
        r.rc = be->get_digests(path, Z, d, r.err, sizeof r.err);
    SF_MPI_CHECK(MPI_Bcast(&r, (int)sizeof r, MPI_BYTE, 0, sf_comm()));
    if (r.rc != 0) {
        free(d);
        *out = NULL;
        snprintf(err, errlen, "%s", r.err);
        return r.rc < 0 ? -1 : 0;
    }
    sf_collective_long(SF_BCAST, d, NULL, Z, MPI_UINT64_T, MPI_OP_NULL, 0, sf_comm());
    *out = d;
    return 0;
}

/* Whether this slabfill can regenerate the file's values: its generator, its value spec. */
static int values_checkable(const sf_file_meta *m)
{
    return strcmp(m->generator, SF_GENERATOR) == 0 && strcmp(m->value_spec, SF_VALUE_SPEC) == 0
           && m->spec.dist != SF_DIST_NONE;
}

/* The totals over ranks, into res. */
static void gather(const checker *c, uint64_t Z, sf_verify_result *res)
{
    uint64_t mine[2] = {c->mism, c->nvalues}, sum[2], first = c->first;
    SF_MPI_CHECK(MPI_Allreduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, sf_comm()));
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_UINT64_T, MPI_MIN, sf_comm()));
    res->mismatches = sum[0];
    res->values = sum[1];
    if (res->mismatches) {
        const uint64_t X = res->meta.shape[1], Y = res->meta.shape[2];
        res->first[0] = first / (X * Y);
        res->first[1] = first / Y % X;
        res->first[2] = first % Y;
    }
    if (!c->digest)
        return;
    sf_collective_long(SF_ALLREDUCE, c->bad, NULL, Z, MPI_UNSIGNED_CHAR, MPI_MAX, 0, sf_comm());
    for (uint64_t z = Z; z-- > 0;)
        if (c->bad[z]) {
            res->bad_slices++;
            res->first_bad = z;
        }
}

/* SF_VERIFY_DROP: one rank per node drops the file from that node's page cache; every rank
 * learns whether all did, and the first failure's reason. */
static void drop_cache(const sf_backend *be, const char *path, sf_verify_result *res)
{
    MPI_Comm node;
    int rank, local, failed_at = INT_MAX;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_MPI_CHECK(MPI_Comm_split_type(sf_comm(), MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL,
                                     &node));
    SF_MPI_CHECK(MPI_Comm_rank(node, &local));
    SF_MPI_CHECK(MPI_Comm_free(&node));
    if (local == 0 &&
        sf_cache_drop(path, be->directory, res->cache_why, sizeof res->cache_why) != 0)
        failed_at = rank;
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &failed_at, 1, MPI_INT, MPI_MIN, sf_comm()));
    res->cache_dropped = failed_at == INT_MAX;
    if (!res->cache_dropped)
        SF_MPI_CHECK(MPI_Bcast(res->cache_why, (int)sizeof res->cache_why, MPI_CHAR, failed_at,
                               sf_comm()));
}

/* The read phase: every unit of this rank read, and with a checker checked; the seconds in
 * each, the slowest rank's on every rank. */
static void read_units(const sf_backend *be, void *h, const sf_plan *plan, char *got, size_t es,
                       checker *c, sf_verify_result *res)
{
    double t[2] = {0, 0};
    for (uint64_t i = 0; i < plan->ncalls; i++) {
        sf_unit u = sf_plan_unit(plan, i);
        double t0 = sf_clock();
        be->read(h, &u, got);
        double t1 = sf_clock();
        if (c)
            check_unit(c, &u, got, es);
        t[0] += t1 - t0;
        t[1] += sf_clock() - t1;
        res->bytes += u.nbytes;
    }
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, t, 2, MPI_DOUBLE, MPI_MAX, sf_comm()));
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &res->bytes, 1, MPI_UINT64_T, MPI_SUM, sf_comm()));
    res->read_s = t[0];
    res->check_s = c ? t[1] : 0;
}

/* What verify can check in the file at path: 0 with c filled, or an exit status. */
static int checker_for(const sf_backend *be, const char *path, sf_verify_result *res,
                       checker *c)
{
    char err[1024] = "";
    *c = (checker){.meta = &res->meta, .values = values_checkable(&res->meta),
                   .first = UINT64_MAX};
    if (stored_digests(be, path, res->meta.shape[0], (uint64_t **)&c->digest, err,
                       sizeof err) != 0)
        return sf_error("cannot verify %s: %s", path, err);
    if (!c->values && !c->digest && be->sidecar)
        return sf_error("cannot verify %s: its digests file %s%s is missing, and its values "
                        "(generator '%s') are not ones this slabfill makes; accepted: the file "
                        "with the %s file written beside it", path, path, be->sidecar,
                        res->meta.generator, be->sidecar);
    if (!c->values && !c->digest)
        return sf_error("cannot verify %s: it holds no digests, and its values (generator "
                        "'%s', value spec '%s') are not ones this slabfill makes ('%s', '%s')",
                        path, res->meta.generator, res->meta.value_spec, SF_GENERATOR,
                        SF_VALUE_SPEC);
    return 0;
}

int sf_verify_file(const sf_backend *be, const char *path, uint64_t buffer, int shift,
                   int flags, sf_verify_result *res)
{
    int rank, nranks, rc;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &nranks));
    memset(res, 0, sizeof *res);
    if (!be->inspect)
        return sf_error("backend %s writes no file to verify", be->name);
    char err[1024] = "";
    double t0 = sf_clock();
    if (sf_inspect_bcast(sf_comm(), be, path, &res->meta, err, sizeof err) != 0)
        return sf_error("cannot verify %s: %s", path, err);
    checker c = {.first = UINT64_MAX};
    if ((flags & SF_VERIFY_CHECK) && (rc = checker_for(be, path, res, &c)) != 0)
        return rc;
    if (flags & SF_VERIFY_DROP)
        drop_cache(be, path, res);
    const uint64_t Z = res->meta.shape[0];
    void *h = be->open_read(sf_comm(), path, &res->meta);
    const size_t es = sf_dtype_size(res->meta.spec.dtype);
    sf_plan plan = sf_plan_make(res->meta.shape, es, 1, buffer, NULL, nranks,
                                (rank + shift) % nranks);
    char *got = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    c.want = c.values ? sf_xaligned(plan.nunits ? plan.unit_elems * es : 0) : NULL;
    c.d = sf_digests_new(res->meta.shape, es);
    c.bad = sf_xcalloc(Z, 1);
    read_units(be, h, &plan, got, es, (flags & SF_VERIFY_CHECK) ? &c : NULL, res);
    be->close_read(h);
    gather(&c, Z, res);
    res->values = res->bytes / es;
    res->values_checked = c.values;
    res->digests_checked = c.digest != NULL;
    sf_plan_free(&plan);
    sf_digests_free(c.d);
    free(c.bad);
    free((void *)c.digest);
    free(got);
    free(c.want);
    res->seconds = sf_clock() - t0;
    return 0;
}

uint64_t sf_verify_digests(const sf_backend *be, const char *path, const sf_file_meta *meta,
                           unsigned char *claimed, const uint64_t *digest, uint64_t buffer)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_MPI_CHECK(MPI_Comm_size(sf_comm(), &nranks));
    const uint64_t Z = meta->shape[0];
    const size_t es = sf_dtype_size(meta->spec.dtype);
    /* The planner shares out the slices not marked: here, the claimed ones. */
    unsigned char *skip = sf_xmalloc(Z ? Z : 1), *bad = sf_xcalloc(Z, 1);
    for (uint64_t z = 0; z < Z; z++)
        skip[z] = !claimed[z];
    sf_plan plan = sf_plan_make(meta->shape, es, 1, buffer, skip, nranks, rank);
    void *h = be->open_read(sf_comm(), path, meta);
    char *buf = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    sf_digests *d = sf_digests_new(meta->shape, es);
    for (uint64_t i = 0; i < plan.ncalls; i++) {
        sf_unit u = sf_plan_unit(&plan, i);
        be->read(h, &u, buf);
        sf_digests_add(d, &u.box, buf);
        for (uint64_t z = u.done.z0; z < u.done.z0 + u.done.nz; z++)
            bad[z] = sf_digests_table(d)[z] != digest[z];
        sf_fault_point("readback");
    }
    be->close_read(h);
    sf_digests_free(d);
    free(buf);
    sf_plan_free(&plan);
    sf_collective_long(SF_ALLREDUCE, bad, NULL, Z, MPI_UNSIGNED_CHAR, MPI_MAX, 0, sf_comm());
    uint64_t n = 0;
    for (uint64_t z = 0; z < Z; z++) {
        n += bad[z];
        claimed[z] &= (unsigned char)!bad[z];
    }
    free(skip);
    free(bad);
    return n;
}

/* The format from the name; NULL after saying why none fits. */
static const sf_backend *format_of(const char *path, int *rc)
{
    const sf_backend *be = sf_backend_for_path(path);
    size_t n = strlen(path);
    if (be && be->missing)
        *rc = sf_error("cannot verify '%s': its backend %s was not built in (this build used "
                       "make %s)", path, be->name, be->missing);
    else if (!be && n > 5 && strcmp(path + n - 5, ".xxh3") == 0)
        *rc = sf_error("'%s' holds the digests of a .npy file; verify that file (%.*s)", path,
                       (int)(n - 5), path);
    else if (!be)
        *rc = sf_error("cannot tell the format of '%s'; accepted: a .h5, .nc, .npy or .zarr "
                       "file written by slabfill", path);
    return be && !be->missing ? be : NULL;
}

int sf_verify_path(const char *path, uint64_t buffer, int no_check, const sf_backend **be_out,
                   sf_verify_result *res)
{
    int rc = 0;
    const sf_backend *be = format_of(path, &rc);
    if (!be)
        return rc;
    /* The user's own link to a file is theirs to follow: then the real path is used, and
     * nothing below follows a link. */
    char real[PATH_MAX];
    struct stat st;
    const char *use = path;
    if (lstat(path, &st) != 0)
        return sf_error("cannot verify '%s': %s", path, strerror(errno));
    if (S_ISLNK(st.st_mode)) {
        if (!realpath(path, real) || lstat(real, &st) != 0)
            return sf_error("cannot verify '%s': %s", path, strerror(errno));
        use = real;
    }
    if (!(be->directory ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
        return sf_error("cannot verify '%s': it is not a %s; accepted: a file written by "
                        "slabfill", path, be->directory ? "directory" : "regular file");
    if (be->mpiio && strlen(use) > SF_MPIIO_PATH_MAX)
        return sf_error("cannot verify '%s': its path is %zu characters, and MPI-IO in Open "
                        "MPI 4 opens at most %d; use a shorter or relative path", path,
                        strlen(use), SF_MPIIO_PATH_MAX);
    *be_out = be;
    return sf_verify_file(be, use, buffer ? buffer : SF_DEFAULT_BUFFER, 0,
                          SF_VERIFY_DROP | (no_check ? 0 : SF_VERIFY_CHECK), res);
}
