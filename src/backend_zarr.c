/* backend_zarr.c - a Zarr v2 directory store written with plain POSIX I/O and no collectives:
 *
 *   NAME.zarr/.zgroup, .zattrs        the root group
 *   NAME.zarr/data/.zarray, .zattrs   the array: no compressor, no filters, C order
 *   NAME.zarr/data/Z.0.0              one chunk per z-slice, raw little-endian values
 *
 * A chunk is one z-slice, so chunk files never straddle two ranks' ranges and each rank writes
 * only its own. Rank 0 writes the metadata. A slice cut into several write units (a buffer smaller
 * than a slice) is written piecewise with pwrite into the same chunk file.
 *
 * Reading back, the JSON is parsed for real (src/json.c) and .zarray is held to exactly what
 * zarr itself would read for this layout, so a store that zarr reads differently from what its
 * slabfill attributes say is refused. */
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
#include "sf_files.h"
#include "sf_json.h"
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
    uint64_t *unsynced; /* chunks closed without fsync (--no-sync) since the last flush */
    size_t nunsynced, cap;
} zarr_handle;

static void chunk_path(const zarr_handle *h, uint64_t z, char *path, size_t len)
{
    if (snprintf(path, len, "%s/%" PRIu64 ".0.0", h->dir, z) >= (int)len)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", h->dir);
}

static void write_meta(const zarr_handle *h, const sf_target *t)
{
    char p[ZPATH + 32], text[2048];
    snprintf(p, sizeof p, "%s/.zgroup", t->path);
    snprintf(text, sizeof text, "{\n    \"zarr_format\": 2\n}\n");
    sf_write_new(p, text, strlen(text));
    snprintf(p, sizeof p, "%s/.zattrs", t->path);
    sf_write_new(p, "{}\n", 3);
    snprintf(text, sizeof text,
             "{\n    \"chunks\": [1, %" PRIu64 ", %" PRIu64 "],\n    \"compressor\": null,\n"
             "    \"dimension_separator\": \".\",\n    \"dtype\": \"<f%zu\",\n"
             "    \"fill_value\": null,\n    \"filters\": null,\n    \"order\": \"C\",\n"
             "    \"shape\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 "],\n"
             "    \"zarr_format\": 2\n}\n",
             t->meta.shape[1], t->meta.shape[2], h->es, t->meta.shape[0], t->meta.shape[1], t->meta.shape[2]);
    snprintf(p, sizeof p, "%s/.zarray", h->dir);
    sf_write_new(p, text, strlen(text));
    /* _ARRAY_DIMENSIONS names the axes as xarray and netCDF-C's NCZarr read them; without it
     * xarray refuses the store and ncdump invents _zdim_N names. _NCZARR_ATTR gives NCZarr the
     * integers' type: it would take an array's from its first element, so that "shape":
     * [100, 1000, 1000] (a byte, then too large) failed to open at all. xarray hides both. */
    int n = snprintf(text, sizeof text,
                     "{\n    \"_ARRAY_DIMENSIONS\": [\"z\", \"x\", \"y\"],\n");
    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&t->meta, w);
    for (int k = 0; k < SF_META_NWORDS; k++) { /* names and numbers: nothing to escape */
        char *at = text + n;
        size_t left = sizeof text - (size_t)n;
        if (w[k].nums == 3)
            n += snprintf(at, left, "    \"%s\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 "],\n",
                          w[k].key, w[k].num[0], w[k].num[1], w[k].num[2]);
        else if (w[k].nums)
            n += snprintf(at, left, "    \"%s\": %" PRIu64 ",\n", w[k].key, w[k].num[0]);
        else
            n += snprintf(at, left, "    \"%s\": \"%s\",\n", w[k].key, w[k].text);
    }
    snprintf(text + n, sizeof text - (size_t)n, "    \"_NCZARR_ATTR\": {\"types\": {\"seed\": "
             "\"<u8\", \"shape\": \"<u8\"}}\n}\n");
    snprintf(p, sizeof p, "%s/.zattrs", h->dir);
    sf_write_new(p, text, strlen(text));
}

static void *zarr_create(const sf_target *t)
{
    zarr_handle *h = sf_xcalloc(1, sizeof *h);
    h->comm = t->comm;
    h->es = sf_dtype_size(t->meta.spec.dtype);
    h->X = t->meta.shape[1];
    h->Y = t->meta.shape[2];
    h->fd = -1;
    h->sync = t->sync;
    if (snprintf(h->dir, sizeof h->dir, "%s/data", t->path) >= (int)sizeof h->dir)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", t->path);
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(t->comm, &rank));
    if (rank == 0 && !t->resume) {
        /* mkdir never follows a link: a name planted there makes it fail with EEXIST. */
        if (mkdir(t->path, 0777) != 0)
            sf_die_errno("mkdir", t->path);
        if (mkdir(h->dir, 0777) != 0)
            sf_die_errno("mkdir", h->dir);
        write_meta(h, t);
        sf_fsync_dir(h->dir);
        sf_fsync_dir(t->path);
    }
    /* The directories must exist before any rank creates a chunk file. */
    SF_MPI_CHECK(MPI_Barrier(t->comm));
    return h;
}

static void finish_chunk(zarr_handle *h)
{
    if (h->fd < 0)
        return;
    char path[ZPATH + 32];
    chunk_path(h, h->fd_z, path, sizeof path);
    if (h->sync && fsync(h->fd) != 0)
        sf_die_errno("fsync", path);
    if (close(h->fd) != 0)
        sf_die_errno("close", path);
    h->fd = -1;
    if (h->sync)
        return;
    /* Not synced now (--no-sync): the next flush must, before the slice is recorded done. */
    if (h->nunsynced == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 64;
        h->unsynced = realloc(h->unsynced, h->cap * sizeof *h->unsynced);
        if (!h->unsynced)
            sf_die(__FILE__, __LINE__, "realloc", "%zu chunk numbers: out of memory", h->cap);
    }
    h->unsynced[h->nunsynced++] = h->fd_z;
}

static void write_part(zarr_handle *h, const char *path, const char *src, size_t len,
                       off_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(h->fd, src + done, len - done, off + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            sf_die(__FILE__, __LINE__, "pwrite", "%s: %s (writing %zu bytes at offset %lld)",
                   path, n < 0 ? strerror(errno) : "wrote nothing", len - done,
                   (long long)off + (long long)done);
        done += (size_t)n;
    }
}

/* Where a unit starts within its chunk: units are whole slices, or one C-order range of g
 * within one slice (rows [x0, x0+nx), or part of one row). */
static off_t chunk_offset(const zarr_handle *h, const sf_unit *u)
{
    return (off_t)(u->offset - u->box.start[0] * h->X * h->Y * h->es);
}

static void zarr_write(void *handle, const sf_unit *u, const void *buf)
{
    zarr_handle *h = handle;
    const sf_box *box = &u->box;
    const size_t slice_part = box->count[1] * box->count[2] * h->es;
    const char *src = buf;
    for (uint64_t k = 0; k < box->count[0]; k++) {
        uint64_t z = box->start[0] + k;
        char path[ZPATH + 32];
        chunk_path(h, z, path, sizeof path);
        if (h->fd < 0 || h->fd_z != z) {
            finish_chunk(h);
            h->fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (h->fd < 0)
                sf_die_errno("open", path);
            h->fd_z = z;
        }
        write_part(h, path, src, slice_part, chunk_offset(h, u));
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
        sf_fsync_dir(h->dir); /* the chunk files' names */
        char *slash = strrchr(h->dir, '/');
        *slash = '\0';
        sf_fsync_dir(h->dir); /* the store root */
    }
    free(h->unsynced);
    free(h);
}

static void zarr_flush(void *handle)
{
    zarr_handle *h = handle;
    char path[ZPATH + 32];
    if (h->fd >= 0 && fsync(h->fd) != 0)
        sf_die_errno("fsync", h->dir);
    /* Chunks finished under --no-sync were closed unsynced; a checkpoint must not record them
     * as done before they are on disk. */
    for (size_t i = 0; i < h->nunsynced; i++) {
        chunk_path(h, h->unsynced[i], path, sizeof path);
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            sf_die_errno("open", path);
        if (fsync(fd) != 0)
            sf_die_errno("fsync", path);
        if (close(fd) != 0)
            sf_die_errno("close", path);
    }
    h->nunsynced = 0;
    SF_MPI_CHECK(MPI_Barrier(h->comm));
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(h->comm, &rank));
    if (rank == 0)
        sf_fsync_dir(h->dir);
}

/* ---- reading back ----------------------------------------------------------------------- */

/* What .zarray and .zattrs say, gathered member by member. */
typedef struct {
    const char *path;
    sf_file_meta *meta;
    uint64_t shape[3], chunks[3];
    size_t elem;
    unsigned seen;
} zarr_meta;

static int uint3(const sf_json_member *m, uint64_t v[3])
{
    if (m->kind != SF_JSON_ARRAY || m->nitems != 3)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (!m->item_is_uint[i] || m->item_uval[i] == 0)
            return -1;
        v[i] = m->item_uval[i];
    }
    return 0;
}

/* One member of .zarray: each key zarr reads must say what this layout needs. */
static int zarray_member(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    zarr_meta *z = ctx;
    static const char *const keys[] = {"chunks", "compressor", "dtype", "fill_value", "filters",
                                       "order", "shape", "zarr_format", "dimension_separator"};
    int k = 0;
    while (k < 9 && strcmp(m->key, keys[k]) != 0)
        k++;
    int ok = k < 9 && !(z->seen & (1u << k));
    switch (ok ? k : -1) {
    case 0: ok = uint3(m, z->chunks) == 0; break;
    case 1: case 4: ok = m->kind == SF_JSON_NULL; break;
    case 2:
        ok = m->kind == SF_JSON_STRING && (!strcmp(m->str, "<f4") || !strcmp(m->str, "<f8"));
        z->elem = ok ? (size_t)(m->str[2] - '0') : 0;
        break;
    case 3: break; /* chunks are all present, so the fill value is never read */
    case 5: ok = m->kind == SF_JSON_STRING && !strcmp(m->str, "C"); break;
    case 6: ok = uint3(m, z->shape) == 0; break;
    case 7: ok = m->kind == SF_JSON_NUMBER && m->is_uint && m->uval == 2; break;
    case 8: ok = m->kind == SF_JSON_STRING && !strcmp(m->str, "."); break;
    default: break;
    }
    if (!ok) {
        snprintf(err, errlen, "member \"%.40s\" is not what slabfill's layout has (chunks "
                 "[1, X, Y], no compressor or filters, dtype <f4 or <f8, order C, zarr_format 2)",
                 m->key);
        return -1;
    }
    z->seen |= 1u << k;
    return 0;
}

/* One member of data/.zattrs: slabfill's words; other attributes are the user's. */
static int zattrs_member(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    zarr_meta *z = ctx;
    char text[96];
    uint64_t s[3];
    const char *v = m->kind == SF_JSON_STRING ? m->str : "(not a string)";
    if (!strcmp(m->key, "seed")) {
        v = "(not an unsigned integer)";
        if (m->kind == SF_JSON_NUMBER && m->is_uint) {
            snprintf(text, sizeof text, "%" PRIu64, m->uval);
            v = text;
        }
    } else if (!strcmp(m->key, "shape")) {
        v = "(not three positive integers)";
        if (uint3(m, s) == 0) {
            snprintf(text, sizeof text, "%" PRIu64 "x%" PRIu64 "x%" PRIu64, s[0], s[1], s[2]);
            v = text;
        }
    }
    return sf_meta_set(z->meta, m->key, v, err, errlen);
}

/* Reads one small metadata file of the store (name relative to the store root) and hands it
 * to the JSON reader; a refusal names the store and the file. */
static int read_json(const char *root, const char *name, sf_json_member_fn fn, void *ctx,
                     char *err, size_t errlen)
{
    char p[ZPATH + 32], *text = NULL, why[SF_ERRLEN] = "";
    size_t len;
    snprintf(p, sizeof p, "%s/%s", root, name);
    int rc = sf_read_small(p, 1 << 20, &text, &len, why, sizeof why);
    if (rc == 1) {
        snprintf(err, errlen, "%s has no %s: not a slabfill zarr store", root, name);
        return -1;
    }
    if (rc == 0) {
        rc = sf_json_object(text, len, fn, ctx, why, sizeof why);
        free(text);
        if (rc == 0)
            return 0;
    }
    snprintf(err, errlen, "%s: %s: %s", root, name, why);
    return -1;
}

static int zgroup_member(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    (void)ctx;
    if (strcmp(m->key, "zarr_format") == 0 && m->kind == SF_JSON_NUMBER && m->is_uint &&
        m->uval == 2)
        return 0;
    snprintf(err, errlen, "it holds \"%.40s\", not only zarr_format 2", m->key);
    return -1;
}

/* NAME.zarr without trailing slashes, and NAME.zarr/data. */
static void store_dirs(const char *path, char *root, char *dir, size_t len)
{
    int n = snprintf(root, len, "%s", path);
    while (n > 1 && root[n - 1] == '/')
        root[--n] = '\0';
    snprintf(dir, len, "%s/data", root);
}

/* Every needed slice's chunk is a regular file of the whole slice's size. */
static int chunks_present(const char *dir, const char *store, const sf_file_meta *meta,
                          const unsigned char *need, char *err, size_t errlen)
{
    const uint64_t bytes = meta->shape[1] * meta->shape[2] * sf_dtype_size(meta->spec.dtype);
    for (uint64_t z = 0; need && z < meta->shape[0]; z++) {
        if (!need[z])
            continue;
        char p[ZPATH + 64], why[SF_ERRLEN];
        snprintf(p, sizeof p, "%s/%" PRIu64 ".0.0", dir, z);
        uint64_t size = 0, hole;
        int fd = sf_open_regular(p, &size, why, sizeof why);
        const char *bad = fd < 0         ? "missing or not a regular file"
                          : size != bytes ? "the wrong size"
                          : sf_find_hole(fd, 0, bytes, &hole) == 1 ? "not all on disk (a hole)"
                                                                   : NULL;
        if (fd >= 0)
            close(fd); /* read-only: it was only a check */
        if (bad) {
            snprintf(err, errlen, "%s: chunk data/%" PRIu64 ".0.0 of slice %" PRIu64 " is %s",
                     store, z, z, bad);
            return -1;
        }
    }
    return 0;
}

static int zarr_inspect(const char *path, sf_file_meta *meta, const unsigned char *need,
                        char *err, size_t errlen)
{
    char root[ZPATH], dir[ZPATH + 8], why[SF_ERRLEN];
    store_dirs(path, root, dir, sizeof root);
    if (sf_plain_entry(root, 1, why, sizeof why) != 1 ||
        sf_plain_entry(dir, 1, why, sizeof why) != 1) {
        snprintf(err, errlen, "%s is not a slabfill zarr store (a directory holding a directory "
                 "data)", path);
        return -1;
    }
    memset(meta, 0, sizeof *meta);
    zarr_meta z = {.path = path, .meta = meta};
    if (read_json(root, ".zgroup", zgroup_member, &z, err, errlen) != 0 ||
        read_json(root, "data/.zarray", zarray_member, &z, err, errlen) != 0 ||
        read_json(root, "data/.zattrs", zattrs_member, &z, err, errlen) != 0)
        return -1;
    if ((z.seen & 0xff) != 0xff || z.chunks[0] != 1 || z.chunks[1] != z.shape[1] ||
        z.chunks[2] != z.shape[2]) {
        snprintf(err, errlen, "%s: data/.zarray lacks a member or has chunks other than "
                 "[1, X, Y]", path);
        return -1;
    }
    if (sf_meta_agrees(path, meta, z.shape, z.elem, err, errlen) != 0)
        return -1;
    return chunks_present(dir, path, meta, need, err, errlen);
}

static void *zarr_open_read(MPI_Comm comm, const char *path, const sf_file_meta *meta)
{
    zarr_handle *h = sf_xcalloc(1, sizeof *h);
    char root[ZPATH];
    h->comm = comm;
    h->fd = -1;
    store_dirs(path, root, h->dir, sizeof h->dir);
    h->es = sf_dtype_size(meta->spec.dtype);
    h->X = meta->shape[1];
    h->Y = meta->shape[2];
    return h;
}

static void zarr_read(void *handle, const sf_unit *u, void *buf)
{
    zarr_handle *h = handle;
    const sf_box *box = &u->box;
    const size_t part = box->count[1] * box->count[2] * h->es;
    char *dst = buf;
    for (uint64_t k = 0; k < box->count[0]; k++) {
        char path[ZPATH + 32];
        chunk_path(h, box->start[0] + k, path, sizeof path);
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            sf_die_errno("open", path);
        off_t off = chunk_offset(h, u);
        size_t done = 0;
        while (done < part) {
            ssize_t n = pread(fd, dst + done, part - done, off + (off_t)done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                sf_die_errno("pread", path);
            if (n == 0) /* inspected as whole: it shrank since */
                sf_die(__FILE__, __LINE__, "pread", "%s: short read at offset %lld", path,
                       (long long)off + (long long)done);
            done += (size_t)n;
        }
        if (close(fd) != 0)
            sf_die_errno("close", path);
        dst += part;
    }
}

static void zarr_close_read(void *handle) { free(handle); }

static const sf_article_row ARTICLE[] = {{6, "zarr", SF_FLOAT32, SF_NORMAL}};

const sf_backend sf_backend_zarr = {
    .name = "zarr",
    .ior_api = "POSIX",
    .extension = ".zarr",
    .directory = 1,
    .description = "Zarr v2 directory store, one chunk file per z-slice, POSIX I/O",
    .article = ARTICLE,
    .narticle = 1,
    .create = zarr_create,
    .write = zarr_write,
    .close = zarr_close,
    .flush = zarr_flush,
    .inspect = zarr_inspect,
    .open_read = zarr_open_read,
    .read = zarr_read,
    .close_read = zarr_close_read,
};
