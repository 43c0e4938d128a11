/* backend_hdf5.c - the default backend: one parallel HDF5 file, dataset /data (Z, X, Y), native
 * float32 or float64, contiguous, allocated early and never filled, written with collective
 * H5Dwrite. Attributes on /data record everything needed to regenerate the values. Dimension
 * scales /z, /x and /y name its axes, which makes the file a netCDF-4 file too. */
#include "sf_backend.h"

/* What the table says of this backend, built in or not. */
#define HDF5_ROW                                                                              \
    .name = "hdf5", .extension = ".h5", .mpiio = 1,                                           \
    .ior_api = "HDF5",                                                                        \
    .description = "parallel HDF5, dataset /data, collective H5Dwrite",                       \
    .article = ARTICLE, .narticle = 1

/* The article's ex3: h5py writing slice by slice, float32 normal. */
static const sf_article_row ARTICLE[] = {{3, "hdf5 (ex3)", SF_FLOAT32, SF_NORMAL}};

#if SF_HAVE_HDF5
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_digest.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_version.h"


typedef struct {
    hid_t file, dset, filespace, dxpl, memtype;
    hid_t digests; /* /slice_xxh3, while writing */
    int sync;
} h5_handle;

#define DIGESTS SF_DIGESTS_NAME

typedef struct {
    char *buf;
    size_t len;
    int n;
} h5_msg;

/* Collects the innermost few entries of the HDF5 error stack: the API name alone says little. */
static herr_t collect(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_msg *m = data;
    if (m->n++ >= 3)
        return 0;
    size_t used = strlen(m->buf);
    snprintf(m->buf + used, m->len - used, "%s%s(): %s", used ? "; " : "", e->func_name,
             e->desc ? e->desc : "no description");
    for (char *c = m->buf + used; *c; c++)
        if (*c == '\n')
            *c = ' '; /* HDF5 puts newlines inside some descriptions; keep one line */
    (void)n;
    return 0;
}

static int64_t h5_check(int64_t rc, const char *file, int line, const char *call)
{
    if (rc >= 0)
        return rc;
    char msg[768] = "";
    h5_msg m = {msg, sizeof msg, 0};
    if (H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &m) < 0 || msg[0] == '\0')
        snprintf(msg, sizeof msg, "HDF5 returned %lld with no error stack", (long long)rc);
    sf_die(file, line, call, "%s", msg);
}

/* Evaluates to the call's value; dies with HDF5's own error stack when it is negative. */
#define SF_H5_CHECK(call) h5_check((int64_t)(call), __FILE__, __LINE__, #call)

static void attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t type = SF_H5_CHECK(H5Tcopy(H5T_C_S1));
    SF_H5_CHECK(H5Tset_size(type, strlen(value)));
    SF_H5_CHECK(H5Tset_strpad(type, H5T_STR_NULLTERM));
    hid_t space = SF_H5_CHECK(H5Screate(H5S_SCALAR));
    hid_t attr = SF_H5_CHECK(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT));
    SF_H5_CHECK(H5Awrite(attr, type, value));
    SF_H5_CHECK(H5Aclose(attr));
    SF_H5_CHECK(H5Sclose(space));
    SF_H5_CHECK(H5Tclose(type));
}

static void attr_u64(hid_t obj, const char *name, const uint64_t *v, hsize_t n)
{
    hid_t space = SF_H5_CHECK(n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL));
    hid_t attr = SF_H5_CHECK(
        H5Acreate2(obj, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT));
    SF_H5_CHECK(H5Awrite(attr, H5T_NATIVE_UINT64, v));
    SF_H5_CHECK(H5Aclose(attr));
    SF_H5_CHECK(H5Sclose(space));
}

/* netCDF-C's mark (the start of a scale's NAME) for a dimension without a coordinate variable. */
#define NC_DIM_ONLY "This is a netCDF dimension but not a netCDF variable."

/* Creates the datasets /z, /x and /y that will name /data's axes; their extents are the
 * dimensions' lengths. Created before /data: the MPI-IO driver allocates their storage (4 bytes
 * an element, never written) at once, and there it falls in the gap below /data's 1 MiB
 * alignment instead of after /data. */
static void create_scales(hid_t file, const uint64_t shape[3], hid_t scales[3])
{
    static const char *const names[3] = {"z", "x", "y"};
    for (int d = 0; d < 3; d++) {
        hsize_t n = shape[d];
        hid_t space = SF_H5_CHECK(H5Screate_simple(1, &n, NULL));
        /* netCDF-C's own type for such a scale; it never reads the values. */
        scales[d] = SF_H5_CHECK(H5Dcreate2(file, names[d], H5T_IEEE_F32BE, space, H5P_DEFAULT,
                                           H5P_DEFAULT, H5P_DEFAULT));
        SF_H5_CHECK(H5Sclose(space));
    }
}

/* Marks the scales as netCDF dimensions without coordinate variables and attaches them to dset's
 * axes in order. No coordinate values: 0..N-1 is only the index, which xarray gives anyway, and
 * the .nc and .zarr files have none, so all three open alike. Collective: every rank makes the
 * same metadata calls. */
static void attach_scales(hid_t dset, hid_t digests, const uint64_t shape[3], hid_t scales[3])
{
    for (unsigned d = 0; d < 3; d++) {
        char name[sizeof NC_DIM_ONLY + 24];
        /* The length after the mark, as netCDF-C writes it; readers take it from the extent. */
        snprintf(name, sizeof name, "%s%10llu", NC_DIM_ONLY, (unsigned long long)shape[d]);
        SF_H5_CHECK(H5DSset_scale(scales[d], name));
        SF_H5_CHECK(H5DSattach_scale(dset, scales[d], d));
        if (d == 0) /* one digest per slice: netCDF and xarray see slice_xxh3(z) */
            SF_H5_CHECK(H5DSattach_scale(digests, scales[0], 0));
        SF_H5_CHECK(H5Dclose(scales[d]));
    }
}

/* /slice_xxh3: uint64[Z], written once at the end (h5_put_digests). Created after /data, so its
 * storage lies after the values and /data's place in the file is what it was without it. */
static hid_t create_digests(hid_t file, uint64_t Z)
{
    hsize_t n = Z;
    hid_t space = SF_H5_CHECK(H5Screate_simple(1, &n, NULL));
    hid_t dcpl = SF_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE));
    SF_H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
    hid_t d = SF_H5_CHECK(H5Dcreate2(file, DIGESTS, H5T_STD_U64LE, space, H5P_DEFAULT, dcpl,
                                     H5P_DEFAULT));
    SF_H5_CHECK(H5Pclose(dcpl));
    SF_H5_CHECK(H5Sclose(space));
    return d;
}

static hid_t file_access(MPI_Comm comm, MPI_Info info)
{
    /* We report errors ourselves, once, with the stack; stop HDF5 printing from every rank. */
    SF_H5_CHECK(H5Eset_auto2(H5E_DEFAULT, NULL, NULL));
    hid_t fapl = SF_H5_CHECK(H5Pcreate(H5P_FILE_ACCESS));
    SF_H5_CHECK(H5Pset_fapl_mpio(fapl, comm, info));
    /* Metadata is read and written collectively, so no rank hammers the file system alone. */
    SF_H5_CHECK(H5Pset_all_coll_metadata_ops(fapl, 1));
    SF_H5_CHECK(H5Pset_coll_metadata_write(fapl, 1));
    /* Large objects start on 1 MiB boundaries: file-system stripes and blocks line up. */
    SF_H5_CHECK(H5Pset_alignment(fapl, 1 << 20, 1 << 20));
    return fapl;
}

static void *h5_create(const sf_target *t)
{
    h5_handle *h = sf_xcalloc(1, sizeof *h);
    hid_t fapl = file_access(t->comm, t->info);
    int f64 = t->meta.spec.dtype == SF_FLOAT64;
    h->memtype = f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    h->sync = t->sync;
    h->dxpl = SF_H5_CHECK(H5Pcreate(H5P_DATASET_XFER));
    SF_H5_CHECK(H5Pset_dxpl_mpio(h->dxpl, t->independent ? H5FD_MPIO_INDEPENDENT
                                                         : H5FD_MPIO_COLLECTIVE));
    if (t->resume) {
        h->file = SF_H5_CHECK(H5Fopen(t->path, H5F_ACC_RDWR, fapl));
        SF_H5_CHECK(H5Pclose(fapl));
        h->dset = SF_H5_CHECK(H5Dopen2(h->file, "data", H5P_DEFAULT));
        h->digests = SF_H5_CHECK(H5Dopen2(h->file, DIGESTS, H5P_DEFAULT));
        h->filespace = SF_H5_CHECK(H5Dget_space(h->dset));
        return h;
    }
    /* netCDF-C numbers dimensions in the root group's link order: with creation order tracked
     * (as netCDF-C's own files do) that is z, x, y, as in the .nc file, not x, y, z by name. */
    hid_t fcpl = SF_H5_CHECK(H5Pcreate(H5P_FILE_CREATE));
    SF_H5_CHECK(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED));
    h->file = SF_H5_CHECK(H5Fcreate(t->path, H5F_ACC_TRUNC, fcpl, fapl));
    SF_H5_CHECK(H5Pclose(fcpl));
    SF_H5_CHECK(H5Pclose(fapl));
    hid_t scales[3];
    create_scales(h->file, t->meta.shape, scales);

    hsize_t dims[3] = {t->meta.shape[0], t->meta.shape[1], t->meta.shape[2]};
    hid_t space = SF_H5_CHECK(H5Screate_simple(3, dims, NULL));
    hid_t dcpl = SF_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE));
    SF_H5_CHECK(H5Pset_layout(dcpl, H5D_CONTIGUOUS));
    SF_H5_CHECK(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY));
    SF_H5_CHECK(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER));
    hid_t filetype = f64 ? H5T_IEEE_F64LE : H5T_IEEE_F32LE;
    h->dset = SF_H5_CHECK(
        H5Dcreate2(h->file, "data", filetype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    SF_H5_CHECK(H5Pclose(dcpl));
    h->filespace = space;

    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&t->meta, w);
    for (int k = 0; k < SF_META_NWORDS; k++) {
        if (w[k].nums)
            attr_u64(h->dset, w[k].key, w[k].num, (hsize_t)w[k].nums);
        else
            attr_string(h->dset, w[k].key, w[k].text);
    }
    attr_string(h->dset, "coordinates", DIGESTS);
    h->digests = create_digests(h->file, t->meta.shape[0]);
    attr_string(h->digests, "long_name", SF_DIGESTS_LONG_NAME);
    attach_scales(h->dset, h->digests, t->meta.shape, scales);
    return h;
}

/* Rank 0 writes every digest; the others join the collective write with nothing. */
static void h5_put_digests(void *handle, const uint64_t *digest)
{
    h5_handle *h = handle;
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    hid_t space = SF_H5_CHECK(H5Dget_space(h->digests));
    hssize_t n = SF_H5_CHECK(H5Sget_simple_extent_npoints(space));
    hsize_t count = rank == 0 ? (hsize_t)n : 0, one = 1;
    hid_t mem = SF_H5_CHECK(H5Screate_simple(1, count ? &count : &one, NULL));
    if (rank != 0) {
        SF_H5_CHECK(H5Sselect_none(space));
        SF_H5_CHECK(H5Sselect_none(mem));
    }
    SF_H5_CHECK(H5Dwrite(h->digests, H5T_NATIVE_UINT64, mem, space, h->dxpl, digest));
    SF_H5_CHECK(H5Sclose(mem));
    SF_H5_CHECK(H5Sclose(space));
}

/* Selects box in the file space and returns a matching memory space. */
static hid_t select_box(h5_handle *h, const sf_box *box)
{
    hsize_t n = box->count[0] * box->count[1] * box->count[2];
    hsize_t one = 1;
    hid_t mem = SF_H5_CHECK(H5Screate_simple(1, n ? &n : &one, NULL));
    if (n) {
        hsize_t start[3] = {box->start[0], box->start[1], box->start[2]};
        hsize_t count[3] = {box->count[0], box->count[1], box->count[2]};
        SF_H5_CHECK(H5Sselect_hyperslab(h->filespace, H5S_SELECT_SET, start, NULL, count, NULL));
    } else {
        SF_H5_CHECK(H5Sselect_none(h->filespace));
        SF_H5_CHECK(H5Sselect_none(mem));
    }
    return mem;
}

static void h5_write(void *handle, const sf_unit *u, const void *buf)
{
    h5_handle *h = handle;
    hid_t mem = select_box(h, &u->box);
    SF_H5_CHECK(H5Dwrite(h->dset, h->memtype, mem, h->filespace, h->dxpl, buf));
    SF_H5_CHECK(H5Sclose(mem));
}

/* Closes what a handle holds, written or read, and frees it. */
static void release(h5_handle *h)
{
    if (h->digests > 0)
        SF_H5_CHECK(H5Dclose(h->digests));
    SF_H5_CHECK(H5Pclose(h->dxpl));
    SF_H5_CHECK(H5Sclose(h->filespace));
    SF_H5_CHECK(H5Dclose(h->dset));
    SF_H5_CHECK(H5Fclose(h->file));
    free(h);
}

static void h5_close(void *handle)
{
    h5_handle *h = handle;
    /* With the MPI-IO driver a flush that is not part of a close calls MPI_File_sync, so the
     * data is on stable storage before the driver renames the file into place. */
    if (h->sync)
        SF_H5_CHECK(H5Fflush(h->file, H5F_SCOPE_GLOBAL));
    release(h);
}

static void h5_flush(void *handle)
{
    h5_handle *h = handle;
    SF_H5_CHECK(H5Fflush(h->file, H5F_SCOPE_GLOBAL)); /* MPI_File_sync underneath */
}

/* The dataset is contiguous and allocated at creation, so H5Dget_offset has its address. */
static int64_t h5_data_offset(void *handle)
{
    h5_handle *h = handle;
    haddr_t a = H5Dget_offset(h->dset);
    return a == HADDR_UNDEF ? -1 : (int64_t)a;
}

/* Every attribute is checked for its class, size and element count before it is read: a
 * crafted file (an array where a scalar belongs, a string array, a 1000-element seed) must be
 * refused, not read into a buffer of the size slabfill expects. */
static int attr_open(hid_t obj, const char *name, H5T_class_t cls, hssize_t npoints,
                     hid_t *attr, hid_t *type)
{
    if (SF_H5_CHECK(H5Aexists(obj, name)) <= 0)
        return -1;
    *attr = SF_H5_CHECK(H5Aopen(obj, name, H5P_DEFAULT));
    *type = SF_H5_CHECK(H5Aget_type(*attr));
    hid_t space = SF_H5_CHECK(H5Aget_space(*attr));
    int ok = H5Tget_class(*type) == cls &&
             SF_H5_CHECK(H5Sget_simple_extent_npoints(space)) == npoints &&
             SF_H5_CHECK(H5Sget_simple_extent_ndims(space)) <= 1;
    SF_H5_CHECK(H5Sclose(space));
    if (ok)
        return 0;
    SF_H5_CHECK(H5Tclose(*type));
    SF_H5_CHECK(H5Aclose(*attr));
    return -1;
}

/* A string attribute, fixed or variable length, one element, into buf. */
static int read_string_attr(hid_t obj, const char *name, char *buf, size_t len)
{
    hid_t attr, ftype;
    if (attr_open(obj, name, H5T_STRING, 1, &attr, &ftype) != 0)
        return -1;
    int ok = 1;
    hid_t mtype = SF_H5_CHECK(H5Tcopy(H5T_C_S1));
    /* h5py writes UTF-8; HDF5 converts no strings between character sets. */
    SF_H5_CHECK(H5Tset_cset(mtype, H5Tget_cset(ftype)));
    memset(buf, 0, len);
    if (SF_H5_CHECK(H5Tis_variable_str(ftype)) > 0) {
        char *v = NULL;
        SF_H5_CHECK(H5Tset_size(mtype, H5T_VARIABLE));
        SF_H5_CHECK(H5Aread(attr, mtype, &v));
        ok = v && strlen(v) < len;
        if (ok)
            memcpy(buf, v, strlen(v) + 1);
        if (v)
            SF_H5_CHECK(H5free_memory(v));
    } else {
        ok = H5Tget_size(ftype) < len;
        SF_H5_CHECK(H5Tset_size(mtype, len));
        SF_H5_CHECK(H5Tset_strpad(mtype, H5T_STR_NULLTERM));
        if (ok)
            SF_H5_CHECK(H5Aread(attr, mtype, buf));
    }
    SF_H5_CHECK(H5Tclose(mtype));
    SF_H5_CHECK(H5Tclose(ftype));
    SF_H5_CHECK(H5Aclose(attr));
    return ok ? 0 : -1;
}

/* n unsigned 64-bit integers (as slabfill writes them: U64LE), into v. */
static int read_u64_attr(hid_t obj, const char *name, uint64_t *v, hssize_t n)
{
    hid_t attr, ftype;
    if (attr_open(obj, name, H5T_INTEGER, n, &attr, &ftype) != 0)
        return -1;
    int ok = H5Tget_size(ftype) == 8 && H5Tget_sign(ftype) == H5T_SGN_NONE;
    if (ok)
        SF_H5_CHECK(H5Aread(attr, H5T_NATIVE_UINT64, v));
    SF_H5_CHECK(H5Tclose(ftype));
    SF_H5_CHECK(H5Aclose(attr));
    return ok ? 0 : -1;
}

/* slabfill's words from /data's attributes, each validated; *what names the one refused. */
static int read_meta(hid_t dset, sf_file_meta *meta, const char **what, char *err,
                     size_t errlen)
{
    static const char *const keys[] = {"dtype", "distribution", "value_spec", "generator"};
    char buf[64], text[32];
    uint64_t seed, shape[3];
    for (int i = 0; i < 4; i++) {
        *what = keys[i];
        if (read_string_attr(dset, keys[i], buf, sizeof buf) != 0 ||
            sf_meta_set(meta, keys[i], buf, err, errlen) != 0)
            return -1;
    }
    *what = "a uint64 seed attribute";
    if (read_u64_attr(dset, "seed", &seed, 1) != 0)
        return -1;
    snprintf(text, sizeof text, "%llu", (unsigned long long)seed);
    if (sf_meta_set(meta, "seed", text, err, errlen) != 0)
        return -1;
    *what = "a shape attribute of three uint64";
    if (read_u64_attr(dset, "shape", shape, 3) != 0)
        return -1;
    char sh[96];
    snprintf(sh, sizeof sh, "%llux%llux%llu", (unsigned long long)shape[0],
             (unsigned long long)shape[1], (unsigned long long)shape[2]);
    return sf_meta_set(meta, "shape", sh, err, errlen);
}

/* /data: a 3-D little-endian float dataset whose extent and type agree with its words, stored
 * contiguously (its offset into *off). */
static int check_data(const char *path, hid_t dset, sf_file_meta *meta, haddr_t *off,
                      char *err, size_t errlen)
{
    const char *what = NULL;
    if (read_meta(dset, meta, &what, err, errlen) != 0) {
        if (!err[0])
            snprintf(err, errlen, "%s: /data lacks a valid %s attribute: not a slabfill file",
                     path, what);
        return -1;
    }
    hid_t type = SF_H5_CHECK(H5Dget_type(dset)), space = SF_H5_CHECK(H5Dget_space(dset));
    size_t elem = H5Tget_class(type) == H5T_FLOAT && H5Tget_order(type) == H5T_ORDER_LE
                      ? H5Tget_size(type) : 0;
    hsize_t dims[3] = {0, 0, 0};
    int nd = SF_H5_CHECK(H5Sget_simple_extent_ndims(space));
    if (nd == 3)
        SF_H5_CHECK(H5Sget_simple_extent_dims(space, dims, NULL));
    SF_H5_CHECK(H5Sclose(space));
    SF_H5_CHECK(H5Tclose(type));
    uint64_t shape[3] = {dims[0], dims[1], dims[2]};
    if (sf_meta_agrees(path, meta, shape, elem, err, errlen) != 0)
        return -1;
    *off = H5Dget_offset(dset);
    if (*off == HADDR_UNDEF) {
        snprintf(err, errlen, "%s: /data is not stored as one allocated contiguous range: not "
                 "a slabfill file", path);
        return -1;
    }
    return 0;
}

/* Opens /data of an open file, refusing anything but a dataset; -1 with a reason. */
static hid_t open_data(hid_t file, const char *path, char *err, size_t errlen)
{
    if (SF_H5_CHECK(H5Lexists(file, "data", H5P_DEFAULT)) > 0) {
        hid_t obj = H5Oopen(file, "data", H5P_DEFAULT);
        if (obj >= 0 && H5Iget_type(obj) == H5I_DATASET)
            return obj;
        if (obj >= 0)
            SF_H5_CHECK(H5Oclose(obj));
    }
    snprintf(err, errlen, "%s has no dataset /data: not a slabfill file", path);
    return -1;
}

/* Rank 0's serial look at the file (the default sec2 driver, read-only). */
static int h5_inspect(const char *path, sf_file_meta *meta, const unsigned char *need,
                      char *err, size_t errlen)
{
    uint64_t size;
    if (sf_regular_size(path, &size, err, errlen) != 0)
        return -1;
    memset(meta, 0, sizeof *meta);
    err[0] = '\0';
    SF_H5_CHECK(H5Eset_auto2(H5E_DEFAULT, NULL, NULL));
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        snprintf(err, errlen, "%s is not an HDF5 file that can be opened (damaged or "
                 "truncated?)", path);
        return -1;
    }
    haddr_t off = HADDR_UNDEF;
    hid_t dset = open_data(file, path, err, errlen);
    int rc = dset < 0 ? -1 : check_data(path, dset, meta, &off, err, errlen);
    if (dset >= 0)
        SF_H5_CHECK(H5Oclose(dset));
    SF_H5_CHECK(H5Fclose(file));
    return rc ? rc : sf_extent_check(path, meta, (uint64_t)off, size, need, 0, err, errlen);
}

/* /slice_xxh3 of an open file, checked for type and extent before it is read. */
static int read_digests(hid_t file, const char *path, uint64_t Z, uint64_t *digest, char *err,
                        size_t errlen)
{
    if (SF_H5_CHECK(H5Lexists(file, DIGESTS, H5P_DEFAULT)) <= 0)
        return 1;
    hid_t d = H5Oopen(file, DIGESTS, H5P_DEFAULT);
    int ok = d >= 0 && H5Iget_type(d) == H5I_DATASET;
    if (ok) {
        hid_t type = SF_H5_CHECK(H5Dget_type(d)), space = SF_H5_CHECK(H5Dget_space(d));
        ok = H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 8 &&
             H5Tget_sign(type) == H5T_SGN_NONE &&
             SF_H5_CHECK(H5Sget_simple_extent_ndims(space)) == 1 &&
             (uint64_t)SF_H5_CHECK(H5Sget_simple_extent_npoints(space)) == Z;
        if (ok)
            SF_H5_CHECK(H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, digest));
        SF_H5_CHECK(H5Sclose(space));
        SF_H5_CHECK(H5Tclose(type));
    }
    if (d >= 0)
        SF_H5_CHECK(H5Oclose(d));
    if (!ok)
        snprintf(err, errlen, "%s: /%s is not a uint64 dataset of %llu digests", path, DIGESTS,
                 (unsigned long long)Z);
    return ok ? 0 : -1;
}

static int h5_get_digests(const char *path, uint64_t Z, uint64_t *digest, char *err,
                          size_t errlen)
{
    SF_H5_CHECK(H5Eset_auto2(H5E_DEFAULT, NULL, NULL));
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) {
        snprintf(err, errlen, "%s cannot be opened for its digests", path);
        return -1;
    }
    int rc = read_digests(file, path, Z, digest, err, errlen);
    SF_H5_CHECK(H5Fclose(file));
    return rc;
}

static void *h5_open_read(MPI_Comm comm, const char *path, const sf_file_meta *meta)
{
    h5_handle *h = sf_xcalloc(1, sizeof *h);
    hid_t fapl = file_access(comm, MPI_INFO_NULL);
    h->file = SF_H5_CHECK(H5Fopen(path, H5F_ACC_RDONLY, fapl));
    SF_H5_CHECK(H5Pclose(fapl));
    h->dset = SF_H5_CHECK(H5Dopen2(h->file, "data", H5P_DEFAULT));
    h->filespace = SF_H5_CHECK(H5Dget_space(h->dset));
    h->memtype = meta->spec.dtype == SF_FLOAT64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    h->dxpl = SF_H5_CHECK(H5Pcreate(H5P_DATASET_XFER));
    SF_H5_CHECK(H5Pset_dxpl_mpio(h->dxpl, H5FD_MPIO_COLLECTIVE));
    return h;
}

static void h5_read(void *handle, const sf_unit *u, void *buf)
{
    h5_handle *h = handle;
    hid_t mem = select_box(h, &u->box);
    SF_H5_CHECK(H5Dread(h->dset, h->memtype, mem, h->filespace, h->dxpl, buf));
    SF_H5_CHECK(H5Sclose(mem));
}

static void h5_close_read(void *handle)
{
    h5_handle *h = handle;
    release(h);
}

static MPI_Info h5_file_info(void *handle)
{
    h5_handle *h = handle;
    void *vfd = NULL;
    SF_H5_CHECK(H5Fget_vfd_handle(h->file, H5P_DEFAULT, &vfd));
    MPI_Info info = MPI_INFO_NULL;
    SF_MPI_CHECK(MPI_File_get_info(*(MPI_File *)vfd, &info));
    return info;
}

const sf_backend sf_backend_hdf5 = {
    HDF5_ROW,
    .magic = "\x89HDF\r\n\x1a\n", /* the superblock signature, at 0 without a user block */
    .magic_len = 8,
    .create = h5_create,
    .write = h5_write,
    .close = h5_close,
    .file_info = h5_file_info,
    .flush = h5_flush,
    .data_offset = h5_data_offset,
    .put_digests = h5_put_digests,
    .get_digests = h5_get_digests,
    .inspect = h5_inspect,
    .open_read = h5_open_read,
    .read = h5_read,
    .close_read = h5_close_read,
};
#else
/* Built with make HDF5=0: the row stays, saying so, so that --backend hdf5 and verify of a .h5
 * file can say why they cannot be served. */
const sf_backend sf_backend_hdf5 = {HDF5_ROW, .missing = "HDF5=0"};
#endif
