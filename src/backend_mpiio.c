/* backend_mpiio.c - plain MPI-IO into a NumPy .npy file: the seed article's numpy.memmap approach,
 * done in parallel. Rank 0 writes a version 1.0 NPY header padded to 4096 bytes, so the raw
 * C-order data starts page-aligned (good for direct I/O and file-system blocks). Every write unit
 * of the plan is one contiguous byte range, written with MPI_File_write_at_all.
 *
 * numpy.load(path, mmap_mode='r') opens it. The header's dict holds only the keys numpy accepts;
 * slabfill's metadata rides in a Python comment after the dict, which numpy's literal_eval
 * ignores: "# slabfill generator=... value_spec=... seed=... distribution=... dtype=... ..." */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_version.h"

#define NPY_DATA_OFFSET 4096


typedef struct {
    MPI_File fh;
    MPI_Datatype type;
    size_t es;
    uint64_t Z;
    int independent, sync;
    char path[4096];
} npy_handle;

/* Builds the 4096-byte NPY v1.0 header: magic, version, little-endian length, dict, padding. */
static void npy_header(const sf_target *t, char *hdr)
{
    char dict[NPY_DATA_OFFSET];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '<f%zu', 'fortran_order': False, 'shape': (%" PRIu64 ", %" PRIu64
                     ", %" PRIu64 "), } # slabfill", sf_dtype_size(t->meta.spec.dtype), t->meta.shape[0],
                     t->meta.shape[1], t->meta.shape[2]);
    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&t->meta, w);
    for (int k = 0; k < SF_META_NWORDS && n >= 0 && n < (int)sizeof dict; k++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, " %s=%s", w[k].key, w[k].text);
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

/* A write counts only when its bytes are confirmed: Open MPI's OMPIO returns MPI_SUCCESS from a
 * write that hit a full disk (printing the system's message itself) and reports the truth only
 * in the status's count. */
static void confirm(const npy_handle *h, MPI_Status *st, MPI_Datatype type, uint64_t n,
                    MPI_Offset off, const char *call)
{
    int got = 0;
    SF_MPI_CHECK(MPI_Get_count(st, type, &got));
    if (got != MPI_UNDEFINED && (uint64_t)got == n)
        return;
    char dir[4096], space[96] = "", count[32] = "a fraction";
    const char *base;
    if (got != MPI_UNDEFINED)
        snprintf(count, sizeof count, "%d", got);
    struct statvfs vfs;
    if (sf_split_path(h->path, dir, sizeof dir, &base) == 0 && statvfs(dir, &vfs) == 0)
        snprintf(space, sizeof space, "; its file system has %llu bytes available",
                 (unsigned long long)vfs.f_bavail * (unsigned long long)vfs.f_frsize);
    sf_die(__FILE__, __LINE__, call, "%s: short write: %s of %llu elements at byte offset %lld "
           "were written, although the call returned MPI_SUCCESS%s", h->path,
           count, (unsigned long long)n, (long long)off, space);
}

static void *npy_create(const sf_target *t)
{
    npy_handle *h = sf_xcalloc(1, sizeof *h);
    h->es = sf_dtype_size(t->meta.spec.dtype);
    h->type = t->meta.spec.dtype == SF_FLOAT64 ? MPI_DOUBLE : MPI_FLOAT;
    h->independent = t->independent;
    h->sync = t->sync;
    h->Z = t->meta.shape[0];
    snprintf(h->path, sizeof h->path, "%s", t->path);
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
        confirm(h, &st, MPI_BYTE, NPY_DATA_OFFSET, 0, "MPI_File_write_at");
    }
    return h;
}

static void npy_write(void *handle, const sf_unit *u, const void *buf)
{
    npy_handle *h = handle;
    const uint64_t n = u->nelem;
    MPI_Offset off = (MPI_Offset)(NPY_DATA_OFFSET + u->offset);
    MPI_Status st;
    /* The plan caps a unit at 1 GiB, so the element count fits in an int. */
    if (h->independent) {
        if (!n)
            return;
        SF_MPI_CHECK(MPI_File_write_at(h->fh, off, buf, (int)n, h->type, &st));
        confirm(h, &st, h->type, n, off, "MPI_File_write_at");
    } else {
        SF_MPI_CHECK(MPI_File_write_at_all(h->fh, off, buf, (int)n, h->type, &st));
        confirm(h, &st, h->type, n, off, "MPI_File_write_at_all");
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

/* The header is read back exactly as numpy reads it, and refused unless it is the layout
 * slabfill writes: format 1.0, data at 4096, a dict with exactly 'descr' ('<f4' or '<f8'),
 * 'fortran_order' (False) and 'shape' (three integers), then slabfill's words in a comment. */
typedef struct {
    const char *p, *end;
} cursor;

static void skip_spaces(cursor *c)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
}

static int eat(cursor *c, const char *tok)
{
    skip_spaces(c);
    size_t n = strlen(tok);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, tok, n) != 0)
        return -1;
    c->p += n;
    return 0;
}

static int eat_uint(cursor *c, uint64_t *v)
{
    skip_spaces(c);
    uint64_t x = 0;
    const char *start = c->p;
    for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++) {
        unsigned d = (unsigned)(*c->p - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return c->p > start && x > 0 ? 0 : -1;
}

/* One "'key': value" of the dict; which key it was goes to *seen. */
static int dict_item(cursor *c, unsigned *seen, size_t *elem, uint64_t shape[3])
{
    if (eat(c, "'descr'") == 0) {
        if (eat(c, ":") != 0 || (*seen & 1))
            return -1;
        *seen |= 1;
        *elem = eat(c, "'<f4'") == 0 ? 4 : eat(c, "'<f8'") == 0 ? 8 : 0;
        return *elem ? 0 : -1;
    }
    if (eat(c, "'fortran_order'") == 0) {
        if (eat(c, ":") != 0 || (*seen & 2))
            return -1;
        *seen |= 2;
        return eat(c, "False");
    }
    if (eat(c, "'shape'") != 0 || eat(c, ":") != 0 || (*seen & 4) || eat(c, "(") != 0)
        return -1;
    *seen |= 4;
    for (int d = 0; d < 3; d++)
        if (eat_uint(c, &shape[d]) != 0 || (d < 2 && eat(c, ",") != 0))
            return -1;
    (void)eat(c, ","); /* numpy writes (3,) for one dimension and allows a trailing comma */
    return eat(c, ")");
}

/* slabfill's words after the dict: "# slabfill generator=... value_spec=... seed=...". */
static int comment_words(cursor *c, const char *path, sf_file_meta *meta, char *err,
                         size_t errlen)
{
    if (eat(c, "# slabfill ") != 0) {
        snprintf(err, errlen, "%s has no slabfill metadata in its header: not a slabfill file",
                 path);
        return -1;
    }
    char word[256];
    while (skip_spaces(c), c->p < c->end && *c->p != '\n') {
        size_t n = 0;
        while (c->p < c->end && *c->p != ' ' && *c->p != '\n' && n + 1 < sizeof word)
            word[n++] = *c->p++;
        word[n] = '\0';
        char *eq = strchr(word, '=');
        if (!eq || (c->p < c->end && *c->p != ' ' && *c->p != '\n')) {
            snprintf(err, errlen, "%s: malformed word in its slabfill metadata", path);
            return -1;
        }
        *eq = '\0';
        if (sf_meta_set(meta, word, eq + 1, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Parses a 4096-byte header. Rank 0 only. */
static int parse_header(const char *hdr, const char *path, sf_file_meta *meta, char *err,
                        size_t errlen)
{
    const unsigned hlen = (unsigned char)hdr[8] | (unsigned)(unsigned char)hdr[9] << 8;
    if (memcmp(hdr, "\x93NUMPY\x01\x00", 8) != 0 || hlen != NPY_DATA_OFFSET - 10 ||
        hdr[NPY_DATA_OFFSET - 1] != '\n' || memchr(hdr + 10, '\0', hlen) != NULL) {
        snprintf(err, errlen, "%s is not a .npy file in the layout slabfill writes (format "
                 "1.0, a %d-byte header ending in a newline)", path, NPY_DATA_OFFSET - 10);
        return -1;
    }
    cursor c = {hdr + 10, hdr + NPY_DATA_OFFSET - 1};
    unsigned seen = 0;
    size_t elem = 0;
    uint64_t shape[3];
    int ok = eat(&c, "{") == 0;
    for (int i = 0; ok && i < 3; i++)
        ok = dict_item(&c, &seen, &elem, shape) == 0 && (eat(&c, ",") == 0 || i == 2);
    if (!ok || seen != 7 || eat(&c, "}") != 0) {
        snprintf(err, errlen, "%s: its header dict is not {'descr': '<f4' or '<f8', "
                 "'fortran_order': False, 'shape': (Z, X, Y)}", path);
        return -1;
    }
    memset(meta, 0, sizeof *meta);
    if (comment_words(&c, path, meta, err, errlen) != 0)
        return -1;
    return sf_meta_agrees(path, meta, shape, elem, err, errlen);
}

static int npy_inspect(const char *path, sf_file_meta *meta, const unsigned char *need,
                       char *err, size_t errlen)
{
    uint64_t size;
    int fd = sf_open_regular(path, &size, err, errlen);
    if (fd < 0)
        return -1;
    char hdr[NPY_DATA_OFFSET];
    ssize_t got = pread(fd, hdr, sizeof hdr, 0);
    close(fd); /* read-only: nothing to lose */
    if (got != (ssize_t)sizeof hdr) {
        snprintf(err, errlen, "%s is shorter than a slabfill .npy header", path);
        return -1;
    }
    if (parse_header(hdr, path, meta, err, errlen) != 0)
        return -1;
    return sf_extent_check(path, meta, NPY_DATA_OFFSET, size, need, 1, err, errlen);
}

static void *npy_open_read(MPI_Comm comm, const char *path, const sf_file_meta *meta)
{
    npy_handle *h = sf_xcalloc(1, sizeof *h);
    SF_MPI_CHECK(MPI_File_open(comm, path, MPI_MODE_RDONLY, MPI_INFO_NULL, &h->fh));
    SF_MPI_CHECK(MPI_File_set_errhandler(h->fh, MPI_ERRORS_RETURN));
    h->es = sf_dtype_size(meta->spec.dtype);
    h->type = meta->spec.dtype == SF_FLOAT64 ? MPI_DOUBLE : MPI_FLOAT;
    return h;
}

static void npy_read(void *handle, const sf_unit *u, void *buf)
{
    npy_handle *h = handle;
    const uint64_t n = u->nelem;
    MPI_Status st;
    MPI_Offset off = (MPI_Offset)(NPY_DATA_OFFSET + u->offset);
    SF_MPI_CHECK(MPI_File_read_at_all(h->fh, off, buf, (int)n, h->type, &st));
    int got = 0;
    SF_MPI_CHECK(MPI_Get_count(&st, h->type, &got));
    if ((uint64_t)got != n) /* inspected as long enough: it shrank since */
        sf_die(__FILE__, __LINE__, "MPI_File_read_at_all", "short read: %d of %llu elements at "
               "byte offset %lld", got, (unsigned long long)n, (long long)off);
}

static void npy_close_read(void *handle)
{
    npy_handle *h = handle;
    SF_MPI_CHECK(MPI_File_close(&h->fh));
    free(h);
}

/* The sidecar that holds a .npy file's digests, NAME.xxh3 (numpy's format has no room for them):
 *   slabfill-digests 1
 *   xxh3-64 Z
 *   one line of 16 hex digits per slice */
#define SIDECAR ".xxh3"
#define SIDECAR_HEAD "slabfill-digests 1\nxxh3-64 %" PRIu64 "\n"

static void npy_put_digests(void *handle, const uint64_t *digest)
{
    npy_handle *h = handle;
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(sf_comm(), &rank));
    if (rank == 0) {
        char p[4200];
        snprintf(p, sizeof p, "%s" SIDECAR, h->path);
        size_t cap = 64 + 17 * (size_t)h->Z, n;
        char *t = sf_xmalloc(cap);
        n = (size_t)snprintf(t, cap, SIDECAR_HEAD, h->Z);
        for (uint64_t z = 0; z < h->Z; z++)
            n += (size_t)snprintf(t + n, cap - n, "%016" PRIx64 "\n", digest[z]);
        if (unlink(p) != 0 && errno != ENOENT) /* a resumed run's earlier one */
            sf_die_errno("unlink", p);
        sf_write_new(p, t, n);
        free(t);
    }
    SF_MPI_CHECK(MPI_Barrier(sf_comm()));
}

static int npy_get_digests(const char *path, uint64_t Z, uint64_t *digest, char *err,
                           size_t errlen)
{
    char p[4200], head[64], *text = NULL;
    size_t len;
    snprintf(p, sizeof p, "%s" SIDECAR, path);
    int rc = sf_read_small(p, 64 + 17 * (size_t)Z, &text, &len, err, errlen);
    if (rc != 0)
        return rc; /* 1: none */
    int n = snprintf(head, sizeof head, SIDECAR_HEAD, Z);
    int ok = len == (size_t)n + 17 * (size_t)Z && memcmp(text, head, (size_t)n) == 0;
    for (uint64_t z = 0; ok && z < Z; z++) {
        const char *at = text + n + 17 * z;
        char *end = NULL;
        ok = at[16] == '\n' && strspn(at, "0123456789abcdef") == 16;
        digest[z] = ok ? strtoull(at, &end, 16) : 0;
    }
    free(text);
    if (!ok)
        snprintf(err, errlen, "%s is not a slabfill digest file for %llu slices", p,
                 (unsigned long long)Z);
    return ok ? 0 : -1;
}

static MPI_Info npy_file_info(void *handle)
{
    npy_handle *h = handle;
    MPI_Info info = MPI_INFO_NULL;
    SF_MPI_CHECK(MPI_File_get_info(h->fh, &info));
    return info;
}

/* The article's numpy.memmap approach, float32 normal. */
static const sf_article_row ARTICLE[] = {{5, "mpiio/npy (memmap)", SF_FLOAT32, SF_NORMAL}};

const sf_backend sf_backend_mpiio = {
    .name = "mpiio",
    .ior_api = "MPIIO",
    .extension = ".npy",
    .sidecar = SIDECAR,
    .mpiio = 1,
    .magic = "\x93NUMPY",
    .magic_len = 6,
    .description = "plain MPI-IO into a NumPy .npy file, MPI_File_write_at_all",
    .article = ARTICLE,
    .narticle = 1,
    .create = npy_create,
    .write = npy_write,
    .close = npy_close,
    .file_info = npy_file_info,
    .flush = npy_flush,
    .data_offset = npy_data_offset,
    .put_digests = npy_put_digests,
    .get_digests = npy_get_digests,
    .inspect = npy_inspect,
    .open_read = npy_open_read,
    .read = npy_read,
    .close_read = npy_close_read,
};
