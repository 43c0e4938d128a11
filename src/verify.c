/* verify.c - every value of a file against the generator, bit for bit. */
#include "sf_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_decomp.h"
#include "sf_error.h"
#include "sf_version.h"

int sf_verify_file(const sf_backend *be, const char *path, uint64_t buffer, int shift,
                   sf_verify_result *res)
{
    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    memset(res, 0, sizeof *res);
    if (!be->open_read)
        return sf_error("backend %s writes no file to verify", be->name);
    char err[512] = "";
    /* Foreign files are refused before MPI-IO opens them: some MPI-IO layers create helper
     * files beside the file they open, and bad input must not touch the directory. */
    int ok = 1;
    if (rank == 0 && be->magic) {
        char head[16] = "";
        FILE *f = fopen(path, "rb");
        ok = f && fread(head, 1, be->magic_len, f) == be->magic_len &&
             memcmp(head, be->magic, be->magic_len) == 0;
        if (f)
            fclose(f);
    }
    SF_MPI_CHECK(MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD));
    if (!ok)
        return sf_error("cannot verify %s: it does not start like a %s file", path, be->name);
    double t0 = MPI_Wtime();
    void *h = be->open_read(MPI_COMM_WORLD, path, &res->meta, err, sizeof err);
    if (!h)
        return sf_error("cannot verify %s: %s", path, err);
    if (strcmp(res->meta.value_spec, SF_VALUE_SPEC) != 0) {
        be->close_read(h);
        return sf_error("cannot verify %s: it was written under value spec '%s', and this "
                        "slabfill generates '%s'", path, res->meta.value_spec, SF_VALUE_SPEC);
    }

    const sf_value_spec *spec = &res->meta.spec;
    const size_t es = sf_dtype_size(spec->dtype);
    sf_plan plan = sf_plan_make(res->meta.shape, es, 1, buffer, nranks,
                                (rank + shift) % nranks);
    char *got = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    char *want = sf_xaligned(plan.nunits ? plan.unit_elems * es : 0);
    uint64_t mism = 0, first = UINT64_MAX, values = 0;
    const uint64_t X = res->meta.shape[1], Y = res->meta.shape[2];
    for (uint64_t i = 0; i < plan.ncalls; i++) {
        sf_box box = sf_plan_box(&plan, i);
        be->read(h, &box, got);
        sf_fill_box(spec, res->meta.shape, &box, want);
        uint64_t n = box.count[0] * box.count[1] * box.count[2];
        values += n;
        if (memcmp(got, want, (size_t)n * es) == 0)
            continue;
        for (uint64_t j = 0; j < n; j++) {
            if (memcmp(got + j * es, want + j * es, es) == 0)
                continue;
            mism++;
            uint64_t ny = box.count[2], nx = box.count[1];
            uint64_t z = box.start[0] + j / (nx * ny), x = box.start[1] + (j / ny) % nx;
            uint64_t g = (z * X + x) * Y + box.start[2] + j % ny;
            first = g < first ? g : first;
        }
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
        res->first[0] = first / (X * Y);
        res->first[1] = first / Y % X;
        res->first[2] = first % Y;
    }
    res->seconds = MPI_Wtime() - t0;
    return 0;
}
