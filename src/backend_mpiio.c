/* backend_mpiio.c - plain MPI-IO into a NumPy .npy file: the seed article's numpy.memmap approach,
 * done in parallel. Rank 0 writes a version 1.0 NPY header padded to 4096 bytes, so the raw
 * C-order data starts page-aligned (good for direct I/O and file-system blocks). Every write unit
 * of the plan is one contiguous byte range, written with MPI_File_write_at_all.
 *
 * numpy.load(path, mmap_mode='r') opens it. The header's dict holds only the keys numpy accepts;
 * slabfill's metadata rides in a Python comment after the dict, which numpy's literal_eval
 * ignores: "# slabfill generator=... value_spec=... seed=... distribution=... dtype=... ..." */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_version.h"

#define NPY_DATA_OFFSET 4096

typedef struct {
    MPI_File fh;
    MPI_Datatype type;
    size_t es;
    uint64_t X, Y;
    int independent, sync;
} npy_handle;

/* Builds the 4096-byte NPY v1.0 header: magic, version, little-endian length, dict, padding. */
static void npy_header(const sf_target *t, char *hdr)
{
    char dict[NPY_DATA_OFFSET];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '<f%zu', 'fortran_order': False, 'shape': (%" PRIu64 ", %" PRIu64
                     ", %" PRIu64 "), } # slabfill generator=%s value_spec=%s seed=%" PRIu64
                     " distribution=%s dtype=%s shape=%" PRIu64 "x%" PRIu64 "x%" PRIu64
                     " slabfill_version=%s",
                     sf_dtype_size(t->spec.dtype), t->shape[0], t->shape[1], t->shape[2],
                     SF_GENERATOR, SF_VALUE_SPEC, t->spec.seed, sf_dist_name(t->spec.dist),
                     sf_dtype_name(t->spec.dtype), t->shape[0], t->shape[1], t->shape[2],
                     SF_VERSION);
    const int hlen = NPY_DATA_OFFSET - 10; /* after magic(6) + version(2) + length(2) */
    if (n < 0 || n >= hlen)
        sf_die(__FILE__, __LINE__, "snprintf", "NPY header does not fit in %d bytes", hlen);
    static const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}; /* v1.0 */
    memcpy(hdr, magic, sizeof magic);
    hdr[8] = (char)(hlen & 0xff);
    hdr[9] = (char)(hlen >> 8);
    memset(hdr + 10, ' ', (size_t)hlen);
    memcpy(hdr + 10, dict, (size_t)n);
    hdr[NPY_DATA_OFFSET - 1] = '\n';
}

static void *npy_create(const sf_target *t)
{
    npy_handle *h = sf_xcalloc(1, sizeof *h);
    h->es = sf_dtype_size(t->spec.dtype);
    h->type = t->spec.dtype == SF_FLOAT64 ? MPI_DOUBLE : MPI_FLOAT;
    h->X = t->shape[1];
    h->Y = t->shape[2];
    h->independent = t->independent;
    h->sync = t->sync;
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(t->comm, &rank));
    SF_MPI_CHECK(MPI_File_open(t->comm, t->path, MPI_MODE_CREATE | MPI_MODE_WRONLY, t->info,
                               &h->fh));
    SF_MPI_CHECK(MPI_File_set_errhandler(h->fh, MPI_ERRORS_RETURN));
    if (t->resume)
        return h; /* header and written data stay */
    /* A leftover partial may be longer than this array. */
    SF_MPI_CHECK(MPI_File_set_size(h->fh, 0));
    if (rank == 0) {
        char hdr[NPY_DATA_OFFSET];
        npy_header(t, hdr);
        MPI_Status st;
        SF_MPI_CHECK(MPI_File_write_at(h->fh, 0, hdr, NPY_DATA_OFFSET, MPI_BYTE, &st));
    }
    return h;
}

static void npy_write(void *handle, const sf_box *box, const void *buf)
{
    npy_handle *h = handle;
    uint64_t n = box->count[0] * box->count[1] * box->count[2];
    uint64_t g0 = n ? (box->start[0] * h->X + box->start[1]) * h->Y + box->start[2] : 0;
    MPI_Offset off = (MPI_Offset)(NPY_DATA_OFFSET + g0 * h->es);
    MPI_Status st;
    /* The plan caps a unit at 1 GiB, so the element count fits in an int. */
    if (h->independent) {
        if (n)
            SF_MPI_CHECK(MPI_File_write_at(h->fh, off, buf, (int)n, h->type, &st));
    } else {
        SF_MPI_CHECK(MPI_File_write_at_all(h->fh, off, buf, (int)n, h->type, &st));
    }
}

static void npy_close(void *handle)
{
    npy_handle *h = handle;
    if (h->sync)
        SF_MPI_CHECK(MPI_File_sync(h->fh));
    SF_MPI_CHECK(MPI_File_close(&h->fh));
    free(h);
}

static void npy_flush(void *handle)
{
    npy_handle *h = handle;
    SF_MPI_CHECK(MPI_File_sync(h->fh));
}

static int64_t npy_data_offset(void *handle)
{
    (void)handle;
    return NPY_DATA_OFFSET;
}

/* Parses our header: the dict numpy reads, then "# slabfill key=value ...". Rank 0 only. */
static int parse_header(const char *hdr, const char *path, sf_file_meta *meta, char *err,
                        size_t errlen)
{
    if (memcmp(hdr, "\x93NUMPY\x01\x00", 8) != 0) {
        snprintf(err, errlen, "%s is not a NumPy .npy file (format 1.0)", path);
        return -1;
    }
    char text[NPY_DATA_OFFSET];
    memcpy(text, hdr + 10, NPY_DATA_OFFSET - 10);
    text[NPY_DATA_OFFSET - 11] = '\0';
    char *c = strstr(text, "# slabfill ");
    if (!c) {
        snprintf(err, errlen, "%s has no slabfill metadata in its header: not a slabfill file",
                 path);
        return -1;
    }
    int seen = 0;
    for (char *tok = strtok(c + 11, " \n"); tok; tok = strtok(NULL, " \n")) {
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        if (sf_meta_set(meta, tok, eq + 1, err, errlen) != 0)
            return -1;
        seen += !strcmp(tok, "seed") + !strcmp(tok, "shape") + !strcmp(tok, "dtype") +
                !strcmp(tok, "distribution") + !strcmp(tok, "value_spec");
    }
    if (seen != 5) {
        snprintf(err, errlen, "%s: header metadata incomplete: not a slabfill file", path);
        return -1;
    }
    return 0;
}

/* Rank 0's reader for sf_meta_bcast: the 4096-byte header, with plain stdio. */
static int npy_read_meta(const char *path, sf_file_meta *meta, char *err, size_t errlen)
{
    char hdr[NPY_DATA_OFFSET] = "";
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(hdr, 1, sizeof hdr, f) : 0;
    if (f)
        fclose(f); /* read-only: nothing to lose */
    if (got != sizeof hdr) {
        snprintf(err, errlen, "%s is shorter than a slabfill .npy header", path);
        return -1;
    }
    return parse_header(hdr, path, meta, err, errlen);
}

static void *npy_open_read(MPI_Comm comm, const char *path, sf_file_meta *meta, char *err,
                           size_t errlen)
{
    if (sf_meta_bcast(comm, path, npy_read_meta, meta, err, errlen) != 0)
        return NULL;
    npy_handle *h = sf_xcalloc(1, sizeof *h);
    SF_MPI_CHECK(MPI_File_open(comm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &h->fh));
    SF_MPI_CHECK(MPI_File_set_errhandler(h->fh, MPI_ERRORS_RETURN));
    h->es = sf_dtype_size(meta->spec.dtype);
    h->type = meta->spec.dtype == SF_FLOAT64 ? MPI_DOUBLE : MPI_FLOAT;
    h->X = meta->shape[1];
    h->Y = meta->shape[2];
    return h;
}

static void npy_read(void *handle, const sf_box *box, void *buf)
{
    npy_handle *h = handle;
    uint64_t n = box->count[0] * box->count[1] * box->count[2];
    uint64_t g0 = n ? (box->start[0] * h->X + box->start[1]) * h->Y + box->start[2] : 0;
    MPI_Status st;
    SF_MPI_CHECK(MPI_File_read_at_all(h->fh, (MPI_Offset)(NPY_DATA_OFFSET + g0 * h->es), buf,
                                      (int)n, h->type, &st));
    int got = 0;
    SF_MPI_CHECK(MPI_Get_count(&st, h->type, &got));
    if ((uint64_t)got != n)
        memset((char *)buf + (size_t)got * h->es, 0, (size_t)(n - (uint64_t)got) * h->es);
}

static void npy_close_read(void *handle)
{
    npy_handle *h = handle;
    SF_MPI_CHECK(MPI_File_close(&h->fh));
    free(h);
}

static MPI_Info npy_file_info(void *handle)
{
    npy_handle *h = handle;
    MPI_Info info = MPI_INFO_NULL;
    SF_MPI_CHECK(MPI_File_get_info(h->fh, &info));
    return info;
}

const sf_backend sf_backend_mpiio = {
    .name = "mpiio",
    .extension = ".npy",
    .magic = "\x93NUMPY",
    .magic_len = 6,
    .description = "plain MPI-IO into a NumPy .npy file, MPI_File_write_at_all",
    .create = npy_create,
    .write = npy_write,
    .close = npy_close,
    .file_info = npy_file_info,
    .flush = npy_flush,
    .data_offset = npy_data_offset,
    .open_read = npy_open_read,
    .read = npy_read,
    .close_read = npy_close_read,
};
