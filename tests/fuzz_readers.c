/* fuzz_readers.c - libFuzzer harness for everything slabfill reads back from a file: the
 * progress record, a .npy header, a Zarr store's .zgroup/.zarray/.zattrs, and the JSON reader
 * under them. The first input byte picks the reader; the rest is the file's content (for zarr,
 * .zarray and .zattrs separated by a NUL byte). A reader may accept or refuse, but must never
 * crash, read out of bounds or hang, and what it accepts must be a complete, consistent array
 * description. Files go to a private directory under /dev/shm (or TMPDIR). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_json.h"
#include "sf_progress.h"

static char dir[256];

/* The private directory goes when the fuzzer exits. */
static void cleanup(void)
{
    static const char *const names[] = {"x.npy", "s.zarr/data/.zarray", "s.zarr/data/.zattrs",
                                        "s.zarr/.zgroup", "s.zarr/data", "s.zarr", ""};
    char p[512];
    for (int i = 0; i < 7; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        (void)remove(p);
    }
}

static void put(const char *name, const uint8_t *data, size_t size)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

static void accepted(const sf_file_meta *m)
{
    char err[SF_ERRLEN];
    if (sf_meta_complete(m, err, sizeof err) != 0)
        abort(); /* whatever a reader accepts must describe a whole array */
}

static int count_member(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    if (!m->key || (m->kind == SF_JSON_STRING && !m->str))
        abort();
    ++*(int *)ctx;
    return 0;
}

static void fuzz_npy(const uint8_t *data, size_t size)
{
    extern const sf_backend sf_backend_mpiio;
    char p[512], err[1024];
    snprintf(p, sizeof p, "%s/x.npy", dir);
    put("x.npy", data, size);
    sf_file_meta m;
    unsigned char all[64];
    memset(all, 1, sizeof all);
    if (sf_inspect(&sf_backend_mpiio, p, &m, 0, NULL, err, sizeof err) == 0) {
        accepted(&m);
        if (m.shape[0] <= sizeof all)
            (void)sf_inspect(&sf_backend_mpiio, p, &m, m.shape[0], all, err, sizeof err);
    }
}

static void fuzz_zarr(const uint8_t *data, size_t size)
{
    extern const sf_backend sf_backend_zarr;
    const uint8_t *sep = memchr(data, 0, size);
    size_t a = sep ? (size_t)(sep - data) : size;
    char p[512], err[1024];
    snprintf(p, sizeof p, "%s/s.zarr", dir);
    put("s.zarr/data/.zarray", data, a);
    put("s.zarr/data/.zattrs", sep ? sep + 1 : data, sep ? size - a - 1 : 0);
    sf_file_meta m;
    if (sf_inspect(&sf_backend_zarr, p, &m, 0, NULL, err, sizeof err) == 0)
        accepted(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/slabfill-fuzz.%ld", access("/dev/shm", W_OK) == 0 ?
                 "/dev/shm" : t ? t : "/tmp", (long)getpid());
        char p[512];
        snprintf(p, sizeof p, "%s/s.zarr/data", dir);
        if (mkdir(dir, 0700) != 0 || snprintf(p, sizeof p, "%s/s.zarr", dir) < 0 ||
            mkdir(p, 0700) != 0 || snprintf(p, sizeof p, "%s/s.zarr/data", dir) < 0 ||
            mkdir(p, 0700) != 0)
            abort();
        put("s.zarr/.zgroup", (const uint8_t *)"{\"zarr_format\": 2}", 18);
        atexit(cleanup);
    }
    if (size == 0)
        return 0;
    const uint8_t which = data[0] % 4;
    data++, size--;
    char err[SF_ERRLEN];
    if (which == 0) {
        sf_progress p;
        if (sf_progress_parse((const char *)data, size, "fuzz", 1u << 16, &p, err,
                              sizeof err) == 0) {
            accepted(&p.meta);
            if (p.meta.shape[0] > (1u << 16))
                abort();
            sf_progress_free(&p);
        }
    } else if (which == 1) {
        fuzz_npy(data, size);
    } else if (which == 2) {
        fuzz_zarr(data, size);
    } else {
        int n = 0;
        (void)sf_json_object((const char *)data, size, count_member, &n, err, sizeof err);
    }
    return 0;
}
