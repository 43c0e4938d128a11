/* verify.c - reading a file back in parallel, in units no larger than the buffer: every value
 * against the generator (verify), or every claimed slice against its digest (resume). */
#include "sf_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_decomp.h"
#include "sf_digest.h"
#include "sf_error.h"
#include "sf_fault.h"
#include "sf_version.h"

/* The first mismatching element of a unit, by flat index, and how many there are. */
static uint64_t compare_unit(const char *got, const char *want, const sf_box *box, size_t es,
                             const uint64_t shape[3], uint64_t *first)
{
    const uint64_t n = box->count[0] * box->count[1] * box->count[2];
    if (memcmp(got, want, (size_t)n * es) == 0)
        return 0;
    uint64_t mism = 0;
    const uint64_t ny = box->count[2], nx = box->count[1];
    for (uint64_t j = 0; j < n; j++) {
        if (memcmp(got + j * es, want + j * es, es) == 0)
            continue;
        mism++;
        uint64_t z = box->start[0] + j / (nx * ny), x = box->start[1] + (j / ny) % nx;
        uint64_t g = (z * shape[1] + x) * shape[2] + box->start[2] + j % ny;
        *first = g < *first ? g : *first;
    }
    return mism;
}

int sf_verify_file(const sf_backend *be, const char *path, uint64_t buffer, int shift,
                   sf_verify_result *res)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    memset(res, 0, sizeof *res);
    if (!be->inspect)
        return sf_error("backend %s writes no file to verify", be->name);
    char err[1024] = "";
    double t0 = MPI_Wtime();
    if (sf_inspect_bcast(MPI_COMM_WORLD, be, path, &res->meta, err, sizeof err) != 0)
        return sf_error("cannot verify %s: %s", path, err);
    if (strcmp(res->meta.value_spec, SF_VALUE_SPEC) != 0)
        return sf_error("cannot verify %s: it was written under value spec '%s', and this "
                        "slabfill generates '%s'", path, res->meta.value_spec, SF_VALUE_SPEC);
    void *h = be->open_read(MPI_COMM_WORLD, path, &res->meta);
    const sf_value_spec *spec = &res->meta.spec;
    const size_t es = sf_dtype_size(spec->dtype);
    sf_plan plan = sf_plan_make(res->meta.shape, es, 1, buffer, nranks,
                                (rank + shift) % nranks);
    char *got = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    char *want = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    uint64_t mism = 0, first = UINT64_MAX, values = 0;
    for (uint64_t i = 0; i < plan.ncalls; i++) {
        sf_box box = sf_plan_box(&plan, i);
        be->read(h, &box, got);
        sf_fill_box(spec, res->meta.shape, &box, want);
        values += box.count[0] * box.count[1] * box.count[2];
        mism += compare_unit(got, want, &box, es, res->meta.shape, &first);
    }
    free(got);
    free(want);
    be->close_read(h);
    uint64_t mine[2] = {mism, values}, sum[2];
    SF_MPI_CHECK(MPI_Allreduce(mine, sum, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD));
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD));
    res->mismatches = sum[0];
    res->values = sum[1];
    if (res->mismatches) {
        const uint64_t X = res->meta.shape[1], Y = res->meta.shape[2];
        res->first[0] = first / (X * Y);
        res->first[1] = first / Y % X;
        res->first[2] = first % Y;
    }
    res->seconds = MPI_Wtime() - t0;
    return 0;
}

/* OR of Z flags over ranks, on every rank; Z may exceed INT_MAX, so in pieces. */
static void or_flags(unsigned char *flags, uint64_t Z)
{
    for (uint64_t at = 0; at < Z; at += 1u << 30) {
        uint64_t n = Z - at < (1u << 30) ? Z - at : (1u << 30);
        SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, flags + at, (int)n, MPI_UNSIGNED_CHAR, MPI_MAX,
                                   MPI_COMM_WORLD));
    }
}

uint64_t sf_verify_digests(const sf_backend *be, const char *path, const sf_file_meta *meta,
                           unsigned char *claimed, const uint64_t *digest, uint64_t buffer)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    const uint64_t Z = meta->shape[0];
    const size_t es = sf_dtype_size(meta->spec.dtype);
    /* The planner shares out the slices not marked: here, the claimed ones. */
    unsigned char *skip = sf_xmalloc(Z ? Z : 1), *bad = sf_xcalloc(Z, 1);
    for (uint64_t z = 0; z < Z; z++)
        skip[z] = !claimed[z];
    sf_work w = sf_work_make(meta->shape, es, 1, buffer, skip, nranks, rank);
    uint64_t ncalls = w.nunits;
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &ncalls, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD));
    void *h = be->open_read(MPI_COMM_WORLD, path, meta);
    char *buf = sf_xaligned(w.nunits ? w.unit_elems * es : 0);
    sf_digests *d = sf_digests_new(meta->shape, es);
    for (uint64_t i = 0; i < ncalls; i++) {
        sf_box box = sf_work_box(&w, i);
        be->read(h, &box, buf);
        sf_zrange fin;
        if (sf_digests_add(d, &box, buf) && sf_work_completes(&w, i, &fin))
            for (uint64_t z = fin.z0; z < fin.z0 + fin.nz; z++)
                bad[z] = sf_digests_table(d)[z] != digest[z];
        sf_fault_point("readback");
    }
    be->close_read(h);
    sf_digests_free(d);
    free(buf);
    sf_work_free(&w);
    or_flags(bad, Z);
    uint64_t n = 0;
    for (uint64_t z = 0; z < Z; z++) {
        n += bad[z];
        claimed[z] &= (unsigned char)!bad[z];
    }
    free(skip);
    free(bad);
    return n;
}
