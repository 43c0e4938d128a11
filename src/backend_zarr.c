/* backend_zarr.c - a Zarr v2 directory store written with plain POSIX I/O and no collectives:
 *
 *   NAME.zarr/.zgroup, .zattrs        the root group
 *   NAME.zarr/data/.zarray, .zattrs   the array: no compressor, no filters, C order
 *   NAME.zarr/data/Z.0.0              one chunk per z-slice, raw little-endian values
 *   NAME.zarr/slice_xxh3/.zarray, .zattrs, 0   the slices' digests: uint64[Z], one chunk,
 *                                     written once at the end
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
#include "sf_digest.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_json.h"
#include "sf_version.h"


#define ZPATH 4096
#define DIGESTS SF_DIGESTS_NAME


typedef struct {
    char dir[ZPATH];    /* NAME.zarr/data */
    MPI_Comm comm;
    size_t es;
    uint64_t Z, X, Y;
    int fd;             /* chunk file kept open while consecutive units fill it */
    int sync;
    uint64_t fd_z;
    uint64_t *unsynced; /* chunks closed without fsync (--no-sync) since the last flush */
    size_t nunsynced, cap;
    char digests[ZPATH + 16]; /* NAME.zarr/slice_xxh3 */
} zarr_handle;

static void chunk_path(const zarr_handle *h, uint64_t z, char *path, size_t len)
{
    if (snprintf(path, len, "%s/%" PRIu64 ".0.0", h->dir, z) >= (int)len)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", h->dir);
}

/* The array's .zattrs: its dimensions' names and slabfill's words. _ARRAY_DIMENSIONS names the
 * axes as xarray and netCDF-C's NCZarr read them; without it xarray refuses the store and ncdump
 * invents _zdim_N names. _NCZARR_ATTR gives NCZarr the integers' type: it would take an array's
 * from its first element, so that "shape": [100, 1000, 1000] (a byte, then too large) failed to
 * open at all. xarray hides both, and makes slice_xxh3 a coordinate ("coordinates"). */
static size_t zattrs_text(const sf_file_meta *meta, char *t, size_t cap)
{
    size_t n = (size_t)snprintf(t, cap, "{\n    \"_ARRAY_DIMENSIONS\": [\"z\", \"x\", \"y\"],\n");
    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(meta, w);
    for (int k = 0; k < SF_META_NWORDS; k++) { /* names and numbers: nothing to escape */
        if (w[k].nums == 3)
            n += (size_t)snprintf(t + n, cap - n, "    \"%s\": [%" PRIu64 ", %" PRIu64 ", %"
                                  PRIu64 "],\n", w[k].key, w[k].num[0], w[k].num[1], w[k].num[2]);
        else if (w[k].nums)
            n += (size_t)snprintf(t + n, cap - n, "    \"%s\": %" PRIu64 ",\n", w[k].key,
                                  w[k].num[0]);
        else
            n += (size_t)snprintf(t + n, cap - n, "    \"%s\": \"%s\",\n", w[k].key, w[k].text);
    }
    n += (size_t)snprintf(t + n, cap - n, "    \"coordinates\": \"" DIGESTS "\",\n");
    n += (size_t)snprintf(t + n, cap - n, "    \"_NCZARR_ATTR\": {\"types\": {\"seed\": "
                          "\"<u8\", \"shape\": \"<u8\"}}\n}\n");
    return n;
}

/* An array's .zarray: one chunk along its first axis is chunk[0] elements; no compressor or
 * filters, C order. The one writer for the values (ndim 3) and the digests (ndim 1). */
static size_t zarray_text(char *t, size_t cap, int ndim, const uint64_t *shape,
                          const uint64_t *chunks, const char *dtype)
{
    char sh[96] = "", ch[96] = "";
    for (int d = 0, a = 0, b = 0; d < ndim; d++) {
        a += snprintf(sh + a, sizeof sh - (size_t)a, "%s%" PRIu64, d ? ", " : "", shape[d]);
        b += snprintf(ch + b, sizeof ch - (size_t)b, "%s%" PRIu64, d ? ", " : "", chunks[d]);
    }
    return (size_t)snprintf(t, cap, "{\n    \"chunks\": [%s],\n    \"compressor\": null,\n"
                            "    \"dimension_separator\": \".\",\n    \"dtype\": \"%s\",\n"
                            "    \"fill_value\": null,\n    \"filters\": null,\n"
                            "    \"order\": \"C\",\n    \"shape\": [%s],\n"
                            "    \"zarr_format\": 2\n}\n", ch, dtype, sh);
}

/* One new small file of the store, name relative to dir. */
static void put_file(const char *dir, const char *name, const char *text, size_t len)
{
    char p[ZPATH + 32];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    sf_write_new(p, text, len);
}

/* Everything but the chunks: the root group, the values' array and the digests' array. */
static void write_meta(const zarr_handle *h, const sf_target *t)
{
    static const char group[] = "{\n    \"zarr_format\": 2\n}\n";
    char text[4096], dtype[8];
    const uint64_t *s = t->meta.shape, chunks[3] = {1, s[1], s[2]};
    put_file(t->path, ".zgroup", group, strlen(group));
    put_file(t->path, ".zattrs", "{}\n", 3);
    snprintf(dtype, sizeof dtype, "<f%zu", h->es);
    put_file(h->dir, ".zarray", text, zarray_text(text, sizeof text, 3, s, chunks, dtype));
    put_file(h->dir, ".zattrs", text, zattrs_text(&t->meta, text, sizeof text));
    put_file(h->digests, ".zarray", text, zarray_text(text, sizeof text, 1, s, s, "<u8"));
    size_t n = (size_t)snprintf(text, sizeof text, "{\n    \"_ARRAY_DIMENSIONS\": [\"z\"],\n"
                                "    \"long_name\": \"%s\"\n}\n", SF_DIGESTS_LONG_NAME);
    put_file(h->digests, ".zattrs", text, n);
}

static void *zarr_create(const sf_target *t)
{
    zarr_handle *h = sf_xcalloc(1, sizeof *h);
    h->comm = t->comm;
    h->es = sf_dtype_size(t->meta.spec.dtype);
    h->Z = t->meta.shape[0];
    h->X = t->meta.shape[1];
    h->Y = t->meta.shape[2];
    h->fd = -1;
    h->sync = t->sync;
    if (snprintf(h->dir, sizeof h->dir, "%s/data", t->path) >= (int)sizeof h->dir)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", t->path);
    snprintf(h->digests, sizeof h->digests, "%s/" DIGESTS, t->path);
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(t->comm, &rank));
    if (rank == 0 && !t->resume) {
        /* mkdir never follows a link: a name planted there makes it fail with EEXIST. */
        if (mkdir(t->path, 0777) != 0)
            sf_die_errno("mkdir", t->path);
        if (mkdir(h->dir, 0777) != 0)
            sf_die_errno("mkdir", h->dir);
        if (mkdir(h->digests, 0777) != 0)
            sf_die_errno("mkdir", h->digests);
        write_meta(h, t);
        sf_fsync_dir(h->dir);
        sf_fsync_dir(h->digests);
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

/* Rank 0 writes the digests' one chunk, little-endian whatever the host. A resumed run may find
 * the one an interrupted run wrote after its last unit: the same bytes, replaced. */
static void zarr_put_digests(void *handle, const uint64_t *digest)
{
    zarr_handle *h = handle;
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(h->comm, &rank));
    if (rank == 0) {
        char p[ZPATH + 32];
        const size_t Z = (size_t)h->Z;
        unsigned char *le = sf_xmalloc(8 * Z);
        for (size_t z = 0; z < Z; z++)
            for (int b = 0; b < 8; b++)
                le[8 * z + (size_t)b] = (unsigned char)(digest[z] >> (8 * b));
        snprintf(p, sizeof p, "%s/0", h->digests);
        if (unlink(p) != 0 && errno != ENOENT)
            sf_die_errno("unlink", p);
        sf_write_new(p, (const char *)le, 8 * Z);
        free(le);
        sf_fsync_dir(h->digests);
    }
    SF_MPI_CHECK(MPI_Barrier(h->comm));
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
    int ndim;   /* 3: the values, "<f4" or "<f8"; 1: the digests, "<u8" */
} zarr_meta;

static int uintn(const sf_json_member *m, uint64_t *v, int n)
{
    if (m->kind != SF_JSON_ARRAY || m->nitems != n)
        return -1;
    for (int i = 0; i < n; i++) {
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
    case 0: ok = uintn(m, z->chunks, z->ndim) == 0; break;
    case 1: case 4: ok = m->kind == SF_JSON_NULL; break;
    case 2:
        ok = m->kind == SF_JSON_STRING && (z->ndim == 1 ? !strcmp(m->str, "<u8")
                                           : !strcmp(m->str, "<f4") || !strcmp(m->str, "<f8"));
        z->elem = ok ? (size_t)(m->str[2] - '0') : 0;
        break;
    case 3: break; /* chunks are all present, so the fill value is never read */
    case 5: ok = m->kind == SF_JSON_STRING && !strcmp(m->str, "C"); break;
    case 6: ok = uintn(m, z->shape, z->ndim) == 0; break;
    case 7: ok = m->kind == SF_JSON_NUMBER && m->is_uint && m->uval == 2; break;
    case 8: ok = m->kind == SF_JSON_STRING && !strcmp(m->str, "."); break;
    default: break;
    }
    if (!ok) {
        snprintf(err, errlen, "member \"%.40s\" is not what slabfill's layout has (%s, no "
                 "compressor or filters, order C, zarr_format 2)", m->key,
                 z->ndim == 1 ? "shape and chunks [Z], dtype <u8"
                              : "chunks [1, X, Y], dtype <f4 or <f8");
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
        if (uintn(m, s, 3) == 0) {
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
    /* Metadata: large enough for any user's attributes, and never unbounded. */
    int rc = sf_read_small(p, (size_t)1 << 20, &text, &len, why, sizeof why);
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
    zarr_meta z = {.path = path, .meta = meta, .ndim = 3};
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

/* The digests' array: absent (1) in a store of slabfill before 0.4.0; else .zarray must be
 * what put wrote and chunk 0 exactly Z little-endian uint64. */
static int zarr_get_digests(const char *path, uint64_t Z, uint64_t *digest, char *err,
                            size_t errlen)
{
    char root[ZPATH], dir[ZPATH + 16], p[ZPATH + 32], why[SF_ERRLEN] = "";
    store_dirs(path, root, dir, sizeof root);
    snprintf(dir, sizeof dir, "%s/" DIGESTS, root);
    int e = sf_plain_entry(dir, 1, why, sizeof why);
    if (e <= 0) {
        snprintf(err, errlen, "%s", why);
        return e == 0 ? 1 : -1;
    }
    zarr_meta z = {.path = path, .ndim = 1};
    if (read_json(root, DIGESTS "/.zarray", zarray_member, &z, err, errlen) != 0)
        return -1;
    unsigned char *le = NULL;
    size_t len = 0;
    snprintf(p, sizeof p, "%s/0", dir);
    int rc = (z.seen & 0xff) == 0xff && z.shape[0] == Z && z.chunks[0] == Z
                 ? sf_read_small(p, 8 * (size_t)Z, (char **)&le, &len, why, sizeof why) : -1;
    if (rc == 0 && len == 8 * (size_t)Z)
        for (size_t i = 0; i < (size_t)Z; i++) {
            digest[i] = 0;
            for (int b = 7; b >= 0; b--)
                digest[i] = digest[i] << 8 | le[8 * i + (size_t)b];
        }
    free(le);
    if (rc == 0 && len == 8 * (size_t)Z)
        return 0;
    snprintf(err, errlen, "%s: %s is not %llu digests in one chunk of <u8", path, DIGESTS,
             (unsigned long long)Z);
    return -1;
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
    .put_digests = zarr_put_digests,
    .get_digests = zarr_get_digests,
    .inspect = zarr_inspect,
    .open_read = zarr_open_read,
    .read = zarr_read,
    .close_read = zarr_close_read,
};
