/* backend_pnetcdf.c - one CDF-5 (NC_64BIT_DATA) file through PnetCDF: dimensions z, x, y and a
 * variable `data`, no fill, written with collective ncmpi_put_vara_*_all (or the independent
 * form with --independent). Global and variable attributes mirror the HDF5 ones. */
#include "sf_backend.h"

/* What the table says of this backend, built in or not. */
#define PNETCDF_ROW                                                                           \
    .name = "pnetcdf", .extension = ".nc", .mpiio = 1,                                        \
    .ior_api = "NCMPI",                                                                       \
    .description = "PnetCDF, CDF-5 variable data(z, x, y), collective ncmpi_put_vara_*_all",  \
    .article = ARTICLE, .narticle = 1

static const sf_article_row ARTICLE[] = {{4, "pnetcdf", SF_FLOAT32, SF_NORMAL}};

#if SF_HAVE_PNETCDF
#include <pnetcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_digest.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_version.h"

#define DIGESTS SF_DIGESTS_NAME
_Static_assert(sizeof(unsigned long long) == sizeof(uint64_t), "digests go as ulonglong");

typedef struct {
    int ncid, varid, f64, independent, sync;
    int digests; /* variable slice_xxh3(z) */
    char path[4096];
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
    h->f64 = t->meta.spec.dtype == SF_FLOAT64;
    h->independent = t->independent;
    h->sync = t->sync;
    snprintf(h->path, sizeof h->path, "%s", t->path);
    if (t->resume) {
        SF_NC_CHECK(ncmpi_open(t->comm, t->path, NC_WRITE, t->info, &h->ncid));
        SF_NC_CHECK(ncmpi_inq_varid(h->ncid, "data", &h->varid));
        SF_NC_CHECK(ncmpi_inq_varid(h->ncid, DIGESTS, &h->digests));
        if (h->independent)
            SF_NC_CHECK(ncmpi_begin_indep_data(h->ncid));
        return h;
    }
    SF_NC_CHECK(ncmpi_create(t->comm, t->path, NC_CLOBBER | NC_64BIT_DATA, t->info, &h->ncid));
    int dims[3];
    static const char *names[3] = {"z", "x", "y"};
    for (int d = 0; d < 3; d++)
        SF_NC_CHECK(ncmpi_def_dim(h->ncid, names[d], (MPI_Offset)t->meta.shape[d], &dims[d]));
    SF_NC_CHECK(ncmpi_def_var(h->ncid, "data", h->f64 ? NC_DOUBLE : NC_FLOAT, 3, dims,
                              &h->varid));
    /* Defined after data, so it lies after the values, written once at the end. */
    SF_NC_CHECK(ncmpi_def_var(h->ncid, DIGESTS, NC_UINT64, 1, dims, &h->digests));
    put_text(h->ncid, h->digests, "long_name", SF_DIGESTS_LONG_NAME);
    /* Every byte is written once by us, so the fill pass would only double the I/O. */
    SF_NC_CHECK(ncmpi_set_fill(h->ncid, NC_NOFILL, NULL));

    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&t->meta, w);
    for (int k = 0; k < SF_META_NWORDS; k++) {
        const unsigned long long num[3] = {w[k].num[0], w[k].num[1], w[k].num[2]};
        if (w[k].nums)
            SF_NC_CHECK(ncmpi_put_att_ulonglong(h->ncid, h->varid, w[k].key, NC_UINT64,
                                                w[k].nums, num));
        else
            put_text(h->ncid, h->varid, w[k].key, w[k].text);
    }
    put_text(h->ncid, h->varid, "coordinates", DIGESTS);
    put_text(h->ncid, NC_GLOBAL, "title", "slabfill array; see the attributes of variable data");
    /* The values start at 1 MiB, as hdf5's do (H5Pset_alignment), not right after the header
     * (1024 bytes in): every unit then covers whole pages and file system blocks, so no
     * write-out reads a page back first to merge a neighbour's part of it. */
    SF_NC_CHECK(ncmpi__enddef(h->ncid, 0, 1 << 20, 0, 0));
    if (h->independent)
        SF_NC_CHECK(ncmpi_begin_indep_data(h->ncid));
    return h;
}

static void put(nc_handle *h, const MPI_Offset start[3], const MPI_Offset count[3],
                const void *buf)
{
    if (h->independent && h->f64)
        SF_NC_CHECK(ncmpi_put_vara_double(h->ncid, h->varid, start, count, buf));
    else if (h->independent)
        SF_NC_CHECK(ncmpi_put_vara_float(h->ncid, h->varid, start, count, buf));
    else if (h->f64) /* a rank with nothing left joins with zero counts */
        SF_NC_CHECK(ncmpi_put_vara_double_all(h->ncid, h->varid, start, count, buf));
    else
        SF_NC_CHECK(ncmpi_put_vara_float_all(h->ncid, h->varid, start, count, buf));
}

static void nc_write(void *handle, const sf_unit *u, const void *buf)
{
    nc_handle *h = handle;
    MPI_Offset start[3], count[3];
    for (int d = 0; d < 3; d++) {
        start[d] = (MPI_Offset)u->box.start[d];
        count[d] = (MPI_Offset)u->box.count[d];
    }
    const MPI_Offset want = count[0] * count[1] * count[2] * (h->f64 ? 8 : 4);
    if (h->independent && want == 0)
        return;
    /* A write counts only when its bytes are confirmed: PnetCDF returns NC_NOERR from a write
     * that Open MPI's OMPIO cut short on a full disk, but its count of bytes put tells. */
    MPI_Offset before, after;
    SF_NC_CHECK(ncmpi_inq_put_size(h->ncid, &before));
    put(h, start, count, buf);
    SF_NC_CHECK(ncmpi_inq_put_size(h->ncid, &after));
    if (after - before != want)
        sf_die(__FILE__, __LINE__, h->independent ? "ncmpi_put_vara" : "ncmpi_put_vara_all",
               "%s: short write: %lld of %lld bytes were written, although the call returned "
               "NC_NOERR", h->path, (long long)(after - before), (long long)want);
}

/* Rank 0 writes every digest; in collective mode the others join with nothing. */
static void nc_put_digests(void *handle, const uint64_t *digest)
{
    nc_handle *h = handle;
    int rank, dim;
    MPI_Offset Z, start = 0;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    SF_NC_CHECK(ncmpi_inq_vardimid(h->ncid, h->digests, &dim));
    SF_NC_CHECK(ncmpi_inq_dimlen(h->ncid, dim, &Z));
    MPI_Offset count = rank == 0 ? Z : 0;
    const unsigned long long *d = (const unsigned long long *)digest;
    if (h->independent && rank == 0)
        SF_NC_CHECK(ncmpi_put_vara_ulonglong(h->ncid, h->digests, &start, &count, d));
    else if (!h->independent)
        SF_NC_CHECK(ncmpi_put_vara_ulonglong_all(h->ncid, h->digests, &start, &count, d));
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

/* A text attribute of data, shorter than len, into buf. */
static int text_attr(int ncid, int varid, const char *name, char *buf, size_t len)
{
    nc_type type;
    MPI_Offset n;
    if (ncmpi_inq_att(ncid, varid, name, &type, &n) != NC_NOERR || type != NC_CHAR || n < 0 ||
        (size_t)n >= len)
        return -1;
    SF_NC_CHECK(ncmpi_get_att_text(ncid, varid, name, buf));
    buf[n] = '\0';
    return strlen(buf) == (size_t)n ? 0 : -1;
}

/* n NC_UINT64 values of an attribute of data: type and count are checked before reading. */
static int u64_attr(int ncid, int varid, const char *name, unsigned long long *v, MPI_Offset n)
{
    nc_type type;
    MPI_Offset len;
    if (ncmpi_inq_att(ncid, varid, name, &type, &len) != NC_NOERR || type != NC_UINT64 ||
        len != n)
        return -1;
    SF_NC_CHECK(ncmpi_get_att_ulonglong(ncid, varid, name, v));
    return 0;
}

/* slabfill's words from data's attributes; *what names the one refused. */
static int read_words(int ncid, int varid, sf_file_meta *meta, const char **what, char *err,
                      size_t errlen)
{
    static const char *const keys[] = {"dtype", "distribution", "value_spec", "generator"};
    char buf[64];
    unsigned long long seed, shape[3];
    for (int i = 0; i < 4; i++) {
        *what = keys[i];
        if (text_attr(ncid, varid, keys[i], buf, sizeof buf) != 0 ||
            sf_meta_set(meta, keys[i], buf, err, errlen) != 0)
            return -1;
    }
    *what = "NC_UINT64 seed (1 value) and shape (3 values)";
    if (u64_attr(ncid, varid, "seed", &seed, 1) != 0 ||
        u64_attr(ncid, varid, "shape", shape, 3) != 0)
        return -1;
    snprintf(buf, sizeof buf, "%llu", seed);
    if (sf_meta_set(meta, "seed", buf, err, errlen) != 0)
        return -1;
    snprintf(buf, sizeof buf, "%llux%llux%llu", shape[0], shape[1], shape[2]);
    return sf_meta_set(meta, "shape", buf, err, errlen);
}

/* The variable data(z, x, y), its words and where its values start. */
static int check_var(const char *path, int ncid, sf_file_meta *meta, MPI_Offset *off,
                     char *err, size_t errlen)
{
    int varid, ndims, dimids[3], natts; /* ndims is checked to be 3 before dimids is filled */
    nc_type type;
    const char *what = "a variable data(z, x, y)";
    uint64_t shape[3] = {0, 0, 0};
    if (ncmpi_inq_varid(ncid, "data", &varid) != NC_NOERR ||
        ncmpi_inq_varndims(ncid, varid, &ndims) != NC_NOERR || ndims != 3 ||
        ncmpi_inq_var(ncid, varid, NULL, &type, &ndims, dimids, &natts) != NC_NOERR)
        goto not_ours;
    for (int d = 0; d < 3; d++) {
        MPI_Offset len;
        if (ncmpi_inq_dimlen(ncid, dimids[d], &len) != NC_NOERR || len < 0)
            goto not_ours;
        shape[d] = (uint64_t)len;
    }
    if (read_words(ncid, varid, meta, &what, err, errlen) != 0)
        goto not_ours;
    size_t elem = type == NC_FLOAT ? 4 : type == NC_DOUBLE ? 8 : 0;
    if (sf_meta_agrees(path, meta, shape, elem, err, errlen) != 0)
        return -1;
    SF_NC_CHECK(ncmpi_inq_varoffset(ncid, varid, off));
    return 0;
not_ours:
    if (!err[0])
        snprintf(err, errlen, "%s lacks a valid %s: not a slabfill file", path, what);
    return -1;
}

/* Rank 0 alone: PnetCDF on MPI_COMM_SELF, read-only. */
static int nc_inspect(const char *path, sf_file_meta *meta, const unsigned char *need,
                      char *err, size_t errlen)
{
    uint64_t size;
    if (sf_regular_size(path, &size, err, errlen) != 0)
        return -1;
    memset(meta, 0, sizeof *meta);
    err[0] = '\0';
    int ncid;
    if (ncmpi_open(MPI_COMM_SELF, path, NC_NOWRITE, MPI_INFO_NULL, &ncid) != NC_NOERR) {
        snprintf(err, errlen, "%s is not a netCDF file that can be opened", path);
        return -1;
    }
    MPI_Offset off = 0;
    int rc = check_var(path, ncid, meta, &off, err, errlen);
    SF_NC_CHECK(ncmpi_close(ncid));
    return rc ? rc : sf_extent_check(path, meta, (uint64_t)off, size, need, 0, err, errlen);
}

static int nc_get_digests(const char *path, uint64_t Z, uint64_t *digest, char *err,
                          size_t errlen)
{
    int ncid, varid, ndims, dim;
    nc_type type;
    MPI_Offset len;
    if (ncmpi_open(MPI_COMM_SELF, path, NC_NOWRITE, MPI_INFO_NULL, &ncid) != NC_NOERR) {
        snprintf(err, errlen, "%s cannot be opened for its digests", path);
        return -1;
    }
    int rc = 1;
    if (ncmpi_inq_varid(ncid, DIGESTS, &varid) == NC_NOERR) {
        rc = ncmpi_inq_vartype(ncid, varid, &type) == NC_NOERR && type == NC_UINT64 &&
             ncmpi_inq_varndims(ncid, varid, &ndims) == NC_NOERR && ndims == 1 &&
             ncmpi_inq_vardimid(ncid, varid, &dim) == NC_NOERR &&
             ncmpi_inq_dimlen(ncid, dim, &len) == NC_NOERR && (uint64_t)len == Z ? 0 : -1;
        if (rc == 0) { /* unsigned long long is 64 bits wherever uint64_t is */
            MPI_Offset start = 0, count = len;
            SF_NC_CHECK(ncmpi_begin_indep_data(ncid));
            SF_NC_CHECK(ncmpi_get_vara_ulonglong(ncid, varid, &start, &count,
                                                 (unsigned long long *)digest));
        } else {
            snprintf(err, errlen, "%s: variable %s is not NC_UINT64(z) of %llu digests", path,
                     DIGESTS, (unsigned long long)Z);
        }
    }
    SF_NC_CHECK(ncmpi_close(ncid));
    return rc;
}

static void *nc_open_read(MPI_Comm comm, const char *path, const sf_file_meta *meta)
{
    nc_handle *h = sf_xcalloc(1, sizeof *h);
    SF_NC_CHECK(ncmpi_open(comm, path, NC_NOWRITE, MPI_INFO_NULL, &h->ncid));
    SF_NC_CHECK(ncmpi_inq_varid(h->ncid, "data", &h->varid));
    h->f64 = meta->spec.dtype == SF_FLOAT64;
    return h;
}

static void nc_read(void *handle, const sf_unit *u, void *buf)
{
    nc_handle *h = handle;
    MPI_Offset start[3], count[3];
    for (int d = 0; d < 3; d++) {
        start[d] = (MPI_Offset)u->box.start[d];
        count[d] = (MPI_Offset)u->box.count[d];
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
    PNETCDF_ROW,
    .magic = "CDF",
    .magic_len = 3,
    .create = nc_create,
    .write = nc_write,
    .close = nc_close,
    .file_info = nc_file_info,
    .flush = nc_flush,
    .data_offset = nc_data_offset,
    .put_digests = nc_put_digests,
    .get_digests = nc_get_digests,
    .inspect = nc_inspect,
    .open_read = nc_open_read,
    .read = nc_read,
    .close_read = nc_close_read,
};
#else
/* Built with make PNETCDF=0: the row stays, saying so. */
const sf_backend sf_backend_pnetcdf = {PNETCDF_ROW, .missing = "PNETCDF=0"};
#endif
