/* backend_pnetcdf.c - one CDF-5 (NC_64BIT_DATA) file through PnetCDF: dimensions z, x, y and a
 * variable `data`, no fill, written with collective ncmpi_put_vara_*_all (or the independent
 * form with --independent). Global and variable attributes mirror the HDF5 ones. */
#include <pnetcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_version.h"

typedef struct {
    int ncid, varid, f64, independent, sync;
} nc_handle;

static void nc_check(int rc, const char *file, int line, const char *call)
{
    if (rc != NC_NOERR)
        sf_die(file, line, call, "%s", ncmpi_strerror(rc));
}

#define SF_NC_CHECK(call) nc_check((call), __FILE__, __LINE__, #call)

static void put_text(int ncid, int varid, const char *name, const char *value)
{
    SF_NC_CHECK(ncmpi_put_att_text(ncid, varid, name, (MPI_Offset)strlen(value), value));
}

static void *nc_create(const sf_target *t)
{
    nc_handle *h = sf_xcalloc(1, sizeof *h);
    h->f64 = t->spec.dtype == SF_FLOAT64;
    h->independent = t->independent;
    h->sync = t->sync;
    if (t->resume) {
        SF_NC_CHECK(ncmpi_open(t->comm, t->path, NC_WRITE, t->info, &h->ncid));
        SF_NC_CHECK(ncmpi_inq_varid(h->ncid, "data", &h->varid));
        if (h->independent)
            SF_NC_CHECK(ncmpi_begin_indep_data(h->ncid));
        return h;
    }
    SF_NC_CHECK(ncmpi_create(t->comm, t->path, NC_CLOBBER | NC_64BIT_DATA, t->info, &h->ncid));
    int dims[3];
    static const char *names[3] = {"z", "x", "y"};
    for (int d = 0; d < 3; d++)
        SF_NC_CHECK(ncmpi_def_dim(h->ncid, names[d], (MPI_Offset)t->shape[d], &dims[d]));
    SF_NC_CHECK(ncmpi_def_var(h->ncid, "data", h->f64 ? NC_DOUBLE : NC_FLOAT, 3, dims,
                              &h->varid));
    /* Every byte is written once by us, so the fill pass would only double the I/O. */
    SF_NC_CHECK(ncmpi_set_fill(h->ncid, NC_NOFILL, NULL));

    const unsigned long long seed = t->spec.seed;
    const unsigned long long shape[3] = {t->shape[0], t->shape[1], t->shape[2]};
    put_text(h->ncid, h->varid, "generator", SF_GENERATOR);
    put_text(h->ncid, h->varid, "value_spec", SF_VALUE_SPEC);
    SF_NC_CHECK(ncmpi_put_att_ulonglong(h->ncid, h->varid, "seed", NC_UINT64, 1, &seed));
    put_text(h->ncid, h->varid, "distribution", sf_dist_name(t->spec.dist));
    put_text(h->ncid, h->varid, "dtype", sf_dtype_name(t->spec.dtype));
    SF_NC_CHECK(ncmpi_put_att_ulonglong(h->ncid, h->varid, "shape", NC_UINT64, 3, shape));
    put_text(h->ncid, h->varid, "slabfill_version", SF_VERSION);
    put_text(h->ncid, NC_GLOBAL, "title", "slabfill array; see the attributes of variable data");
    SF_NC_CHECK(ncmpi_enddef(h->ncid));
    if (h->independent)
        SF_NC_CHECK(ncmpi_begin_indep_data(h->ncid));
    return h;
}

static void nc_write(void *handle, const sf_box *box, const void *buf)
{
    nc_handle *h = handle;
    MPI_Offset start[3], count[3];
    for (int d = 0; d < 3; d++) {
        start[d] = (MPI_Offset)box->start[d];
        count[d] = (MPI_Offset)box->count[d];
    }
    int empty = count[0] * count[1] * count[2] == 0;
    if (h->independent) {
        if (empty)
            return;
        if (h->f64)
            SF_NC_CHECK(ncmpi_put_vara_double(h->ncid, h->varid, start, count, buf));
        else
            SF_NC_CHECK(ncmpi_put_vara_float(h->ncid, h->varid, start, count, buf));
        return;
    }
    /* A rank with nothing left joins with zero counts; PnetCDF ignores start then. */
    if (h->f64)
        SF_NC_CHECK(ncmpi_put_vara_double_all(h->ncid, h->varid, start, count, buf));
    else
        SF_NC_CHECK(ncmpi_put_vara_float_all(h->ncid, h->varid, start, count, buf));
}

static void nc_close(void *handle)
{
    nc_handle *h = handle;
    if (h->independent)
        SF_NC_CHECK(ncmpi_end_indep_data(h->ncid));
    if (h->sync)
        SF_NC_CHECK(ncmpi_sync(h->ncid)); /* MPI_File_sync underneath */
    SF_NC_CHECK(ncmpi_close(h->ncid));
    free(h);
}

static void nc_flush(void *handle)
{
    nc_handle *h = handle;
    SF_NC_CHECK(ncmpi_sync(h->ncid));
}

static void *nc_open_read(MPI_Comm comm, const char *path, sf_file_meta *meta, char *err,
                          size_t errlen)
{
    nc_handle *h = sf_xcalloc(1, sizeof *h);
    if (ncmpi_open(comm, path, NC_NOWRITE, MPI_INFO_NULL, &h->ncid) != NC_NOERR) {
        snprintf(err, errlen, "%s is not a netCDF file that can be opened", path);
        free(h);
        return NULL;
    }
    const char *what = "a variable data";
    char buf[64];
    unsigned long long seed, shape[3];
    MPI_Offset len;
    nc_type type;
    int ndims;
    if (ncmpi_inq_varid(h->ncid, "data", &h->varid) != NC_NOERR ||
        ncmpi_inq_varndims(h->ncid, h->varid, &ndims) != NC_NOERR || ndims != 3)
        goto not_ours;
    static const char *const keys[] = {"dtype", "distribution", "value_spec"};
    for (int i = 0; i < 3; i++) {
        what = keys[i];
        if (ncmpi_inq_att(h->ncid, h->varid, keys[i], &type, &len) != NC_NOERR ||
            type != NC_CHAR || len >= (MPI_Offset)sizeof buf)
            goto not_ours;
        SF_NC_CHECK(ncmpi_get_att_text(h->ncid, h->varid, keys[i], buf));
        buf[len] = '\0';
        if (sf_meta_set(meta, keys[i], buf, err, errlen) != 0)
            goto not_ours;
    }
    what = "seed and shape attributes";
    if (ncmpi_get_att_ulonglong(h->ncid, h->varid, "seed", &seed) != NC_NOERR ||
        ncmpi_inq_attlen(h->ncid, h->varid, "shape", &len) != NC_NOERR || len != 3 ||
        ncmpi_get_att_ulonglong(h->ncid, h->varid, "shape", shape) != NC_NOERR)
        goto not_ours;
    meta->spec.seed = seed;
    for (int d = 0; d < 3; d++)
        meta->shape[d] = shape[d];
    h->f64 = meta->spec.dtype == SF_FLOAT64;
    return h;
not_ours:
    if (!err[0])
        snprintf(err, errlen, "%s lacks %s: not a slabfill file", path, what);
    ncmpi_close(h->ncid);
    free(h);
    return NULL;
}

static void nc_read(void *handle, const sf_box *box, void *buf)
{
    nc_handle *h = handle;
    MPI_Offset start[3], count[3];
    for (int d = 0; d < 3; d++) {
        start[d] = (MPI_Offset)box->start[d];
        count[d] = (MPI_Offset)box->count[d];
    }
    if (h->f64)
        SF_NC_CHECK(ncmpi_get_vara_double_all(h->ncid, h->varid, start, count, buf));
    else
        SF_NC_CHECK(ncmpi_get_vara_float_all(h->ncid, h->varid, start, count, buf));
}

static void nc_close_read(void *handle)
{
    nc_handle *h = handle;
    SF_NC_CHECK(ncmpi_close(h->ncid));
    free(h);
}

static int64_t nc_data_offset(void *handle)
{
    nc_handle *h = handle;
    MPI_Offset off;
    SF_NC_CHECK(ncmpi_inq_varoffset(h->ncid, h->varid, &off));
    return (int64_t)off;
}

static MPI_Info nc_file_info(void *handle)
{
    nc_handle *h = handle;
    MPI_Info info = MPI_INFO_NULL;
    SF_NC_CHECK(ncmpi_inq_file_info(h->ncid, &info));
    return info;
}

const sf_backend sf_backend_pnetcdf = {
    .name = "pnetcdf",
    .extension = ".nc",
    .magic = "CDF",
    .magic_len = 3,
    .description = "PnetCDF, CDF-5 variable data(z, x, y), collective ncmpi_put_vara_*_all",
    .create = nc_create,
    .write = nc_write,
    .close = nc_close,
    .file_info = nc_file_info,
    .flush = nc_flush,
    .data_offset = nc_data_offset,
    .open_read = nc_open_read,
    .read = nc_read,
    .close_read = nc_close_read,
};
