/* backend_zarr.c - a Zarr v2 directory store written with plain POSIX I/O and no collectives:
 *
 *   NAME.zarr/.zgroup, .zattrs        the root group
 *   NAME.zarr/data/.zarray, .zattrs   the array: no compressor, no filters, C order
 *   NAME.zarr/data/Z.0.0              one chunk per z-slice, raw little-endian values
 *
 * A chunk is one z-slice, so chunk files never straddle two ranks' ranges and each rank writes
 * only its own. Rank 0 writes the metadata. A slice cut into several write units (a buffer smaller
 * than a slice) is written piecewise with pwrite into the same chunk file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_version.h"

#define ZPATH 4096

typedef struct {
    char dir[ZPATH];    /* NAME.zarr/data */
    MPI_Comm comm;
    size_t es;
    uint64_t X, Y;
    int fd;             /* chunk file kept open while consecutive units fill it */
    int sync;
    uint64_t fd_z;
} zarr_handle;

#define DIE_ERRNO(call, path) sf_die(__FILE__, __LINE__, call, "%s: %s", path, strerror(errno))

/* Writes a whole file and syncs it; metadata files are small. */
static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0)
        DIE_ERRNO("open", path);
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    if (n < 0 || (size_t)n != len)
        DIE_ERRNO("write", path);
    if (fsync(fd) != 0)
        DIE_ERRNO("fsync", path);
    if (close(fd) != 0)
        DIE_ERRNO("close", path);
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        DIE_ERRNO("open", path);
    if (fsync(fd) != 0 && errno != EINVAL)
        DIE_ERRNO("fsync", path);
    if (close(fd) != 0)
        DIE_ERRNO("close", path);
}

static void *zarr_create(const sf_target *t)
{
    zarr_handle *h = sf_xcalloc(1, sizeof *h);
    h->comm = t->comm;
    h->es = sf_dtype_size(t->spec.dtype);
    h->X = t->shape[1];
    h->Y = t->shape[2];
    h->fd = -1;
    h->sync = t->sync;
    if (snprintf(h->dir, sizeof h->dir, "%s/data", t->path) >= (int)sizeof h->dir)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", t->path);
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(t->comm, &rank));
    if (rank == 0 && !t->resume) {
        char p[ZPATH + 32], text[2048];
        if (mkdir(t->path, 0777) != 0)
            DIE_ERRNO("mkdir", t->path);
        if (mkdir(h->dir, 0777) != 0)
            DIE_ERRNO("mkdir", h->dir);
        snprintf(p, sizeof p, "%s/.zgroup", t->path);
        write_file(p, "{\n    \"zarr_format\": 2\n}\n");
        snprintf(p, sizeof p, "%s/.zattrs", t->path);
        write_file(p, "{}\n");
        snprintf(text, sizeof text,
                 "{\n    \"chunks\": [1, %" PRIu64 ", %" PRIu64 "],\n    \"compressor\": null,\n"
                 "    \"dimension_separator\": \".\",\n    \"dtype\": \"<f%zu\",\n"
                 "    \"fill_value\": null,\n    \"filters\": null,\n    \"order\": \"C\",\n"
                 "    \"shape\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 "],\n"
                 "    \"zarr_format\": 2\n}\n",
                 t->shape[1], t->shape[2], h->es, t->shape[0], t->shape[1], t->shape[2]);
        snprintf(p, sizeof p, "%s/.zarray", h->dir);
        write_file(p, text);
        snprintf(text, sizeof text,
                 "{\n    \"generator\": \"%s\",\n    \"value_spec\": \"%s\",\n"
                 "    \"seed\": %" PRIu64 ",\n    \"distribution\": \"%s\",\n"
                 "    \"dtype\": \"%s\",\n    \"shape\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 "],\n"
                 "    \"slabfill_version\": \"%s\"\n}\n",
                 SF_GENERATOR, SF_VALUE_SPEC, t->spec.seed, sf_dist_name(t->spec.dist),
                 sf_dtype_name(t->spec.dtype), t->shape[0], t->shape[1], t->shape[2],
                 SF_VERSION);
        snprintf(p, sizeof p, "%s/.zattrs", h->dir);
        write_file(p, text);
    }
    /* The directories must exist before any rank creates a chunk file. */
    SF_MPI_CHECK(MPI_Barrier(t->comm));
    return h;
}

static void finish_chunk(zarr_handle *h)
{
    if (h->fd < 0)
        return;
    if (h->sync && fsync(h->fd) != 0)
        DIE_ERRNO("fsync", h->dir);
    if (close(h->fd) != 0)
        DIE_ERRNO("close", h->dir);
    h->fd = -1;
}

static void zarr_write(void *handle, const sf_box *box, const void *buf)
{
    zarr_handle *h = handle;
    const size_t slice_part = box->count[1] * box->count[2] * h->es;
    const char *src = buf;
    for (uint64_t k = 0; k < box->count[0]; k++) {
        uint64_t z = box->start[0] + k;
        char path[ZPATH + 32];
        snprintf(path, sizeof path, "%s/%" PRIu64 ".0.0", h->dir, z);
        if (h->fd < 0 || h->fd_z != z) {
            finish_chunk(h);
            h->fd = open(path, O_WRONLY | O_CREAT, 0666);
            if (h->fd < 0)
                DIE_ERRNO("open", path);
            h->fd_z = z;
        }
        /* Units are contiguous within a slice: rows [x0, x0+nx), or part of one row. */
        off_t off = (off_t)((box->start[1] * h->Y + box->start[2]) * h->es);
        size_t done = 0;
        while (done < slice_part) {
            ssize_t n = pwrite(h->fd, src + done, slice_part - done, off + (off_t)done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                sf_die(__FILE__, __LINE__, "pwrite", "%s: %s (writing %zu bytes at offset %lld)",
                       path, n < 0 ? strerror(errno) : "wrote nothing", slice_part - done,
                       (long long)off + (long long)done);
            done += (size_t)n;
        }
        src += slice_part;
    }
}

static void zarr_close(void *handle)
{
    zarr_handle *h = handle;
    finish_chunk(h);
    SF_MPI_CHECK(MPI_Barrier(h->comm));
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(h->comm, &rank));
    if (rank == 0 && h->sync) {
        sync_dir(h->dir); /* the chunk files' names */
        char *slash = strrchr(h->dir, '/');
        *slash = '\0';
        sync_dir(h->dir); /* the store root */
    }
    free(h);
}

static void zarr_flush(void *handle)
{
    zarr_handle *h = handle;
    /* Finished chunk files were fsynced when the next one was opened; this syncs the current
     * one and the directory that names them. */
    if (h->fd >= 0 && fsync(h->fd) != 0)
        DIE_ERRNO("fsync", h->dir);
    SF_MPI_CHECK(MPI_Barrier(h->comm));
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(h->comm, &rank));
    if (rank == 0)
        sync_dir(h->dir);
}

/* The value after "key": in our own .zattrs (as zarr_create writes it), into buf. */
static int json_value(const char *text, const char *key, char *buf, size_t len)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    size_t n = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"' && n + 1 < len; p++)
            buf[n++] = *p;
    } else if (*p == '[') { /* [z, x, y] -> "zxXxy" */
        for (p++; *p && *p != ']' && n + 1 < len; p++)
            if (*p >= '0' && *p <= '9')
                buf[n++] = *p;
            else if (*p == ',')
                buf[n++] = 'x';
    } else {
        for (; *p >= '0' && *p <= '9' && n + 1 < len; p++)
            buf[n++] = *p;
    }
    buf[n] = '\0';
    return n ? 0 : -1;
}

/* NAME.zarr/data for a store path given with or without trailing slashes. */
static void data_dir(const char *path, char *dir, size_t len)
{
    int n = snprintf(dir, len, "%s", path);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    snprintf(dir + n, len - (size_t)n, "/data");
}

/* Rank 0's reader for sf_meta_bcast: our own data/.zattrs. */
static int zarr_read_meta(const char *path, sf_file_meta *meta, char *err, size_t errlen)
{
    char dir[ZPATH], p[ZPATH + 32], text[4096] = "", v[64];
    data_dir(path, dir, sizeof dir);
    snprintf(p, sizeof p, "%s/.zattrs", dir);
    FILE *f = fopen(p, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f); /* read-only: nothing to lose */
    text[n] = '\0';
    if (n == 0) {
        snprintf(err, errlen, "%s has no readable data/.zattrs: not a slabfill zarr store", path);
        return -1;
    }
    static const char *const keys[] = {"seed", "shape", "dtype", "distribution", "value_spec"};
    for (int i = 0; i < 5; i++) {
        if (json_value(text, keys[i], v, sizeof v) != 0) {
            snprintf(err, errlen, "%s: data/.zattrs lacks %s: not a slabfill store", path,
                     keys[i]);
            return -1;
        }
        if (sf_meta_set(meta, keys[i], v, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void *zarr_open_read(MPI_Comm comm, const char *path, sf_file_meta *meta, char *err,
                            size_t errlen)
{
    if (sf_meta_bcast(comm, path, zarr_read_meta, meta, err, errlen) != 0)
        return NULL;
    zarr_handle *h = sf_xcalloc(1, sizeof *h);
    h->comm = comm;
    h->fd = -1;
    data_dir(path, h->dir, sizeof h->dir);
    h->es = sf_dtype_size(meta->spec.dtype);
    h->X = meta->shape[1];
    h->Y = meta->shape[2];
    return h;
}

static void zarr_read(void *handle, const sf_box *box, void *buf)
{
    zarr_handle *h = handle;
    const size_t part = box->count[1] * box->count[2] * h->es;
    char *dst = buf;
    for (uint64_t k = 0; k < box->count[0]; k++) {
        char path[ZPATH + 32];
        snprintf(path, sizeof path, "%s/%" PRIu64 ".0.0", h->dir, box->start[0] + k);
        int fd = open(path, O_RDONLY);
        off_t off = (off_t)((box->start[1] * h->Y + box->start[2]) * h->es);
        size_t done = 0;
        while (fd >= 0 && done < part) {
            ssize_t n = pread(fd, dst + done, part - done, off + (off_t)done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                DIE_ERRNO("pread", path);
            if (n == 0)
                break; /* short chunk: the rest reads as zeros and fails verification */
            done += (size_t)n;
        }
        if (fd >= 0 && close(fd) != 0)
            DIE_ERRNO("close", path);
        memset(dst + done, 0, part - done); /* a missing chunk is zeros, as zarr reads it */
        dst += part;
    }
}

static void zarr_close_read(void *handle) { free(handle); }

const sf_backend sf_backend_zarr = {
    .name = "zarr",
    .extension = ".zarr",
    .directory = 1,
    .description = "Zarr v2 directory store, one chunk file per z-slice, POSIX I/O",
    .create = zarr_create,
    .write = zarr_write,
    .close = zarr_close,
    .flush = zarr_flush,
    .open_read = zarr_open_read,
    .read = zarr_read,
    .close_read = zarr_close_read,
};
