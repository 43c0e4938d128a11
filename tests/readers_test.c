/* readers_test.c - the readers of what slabfill gets back from files, one case per way they
 * must refuse: the metadata words (every malformed word of each kind), the JSON reader, the
 * progress record (a round trip through the writer, then each line broken), the per-slice
 * digests (streamed across units equals one pass), and the careful file primitives (links,
 * FIFOs, size limits, holes). */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_digest.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_json.h"
#include "sf_meta.h"
#include "sf_progress.h"
#include "sf_test.h"
#include "sf_version.h"

static char dir[64];

static void meta_words(void)
{
    static const char *const bad[][2] = {
        {"seed", "-1"}, {"seed", "+5"}, {"seed", "0x10"}, {"seed", "007"}, {"seed", ""},
        {"seed", "18446744073709551616"}, {"seed", "1 "}, {"shape", "0x1x1"}, {"shape", "1x1"},
        {"shape", "1x1x1x1"}, {"shape", "-1x2x3"}, {"shape", "1x2x3 "}, {"dtype", "float16"},
        {"dtype", "Float32"}, {"dtype", ""}, {"distribution", "gaussian"},
        {"distribution", "normal "}, {"value_spec", ""}, {"value_spec", "a b"},
        {"generator", ""}, {"generator", "a\"b"}, {"generator", "x\ny"},
        {"value_spec", "0123456789012345678901234567890123456789012345678901234567890123"}};
    int refused = 0;
    char err[SF_ERRLEN];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sf_file_meta m = {.seen = 0};
        int rc = sf_meta_set(&m, bad[i][0], bad[i][1], err, sizeof err);
        refused += rc != 0 && strchr(err, '\n') == NULL && m.seen == 0;
        if (rc == 0)
            printf("accepted %s '%s'\n", bad[i][0], bad[i][1]);
    }
    sf_test(refused == (int)(sizeof bad / sizeof *bad), "meta-refuses-every-malformed-word",
            "%d of %zu refused", refused, sizeof bad / sizeof *bad);

    sf_file_meta m = {.seen = 0};
    int ok = sf_meta_set(&m, "seed", "18446744073709551615", err, sizeof err) == 0 &&
             sf_meta_set(&m, "shape", "3x4x5", err, sizeof err) == 0 &&
             sf_meta_set(&m, "dtype", "float64", err, sizeof err) == 0 &&
             sf_meta_set(&m, "distribution", "uniform", err, sizeof err) == 0 &&
             sf_meta_set(&m, "generator", SF_GENERATOR, err, sizeof err) == 0 &&
             sf_meta_set(&m, "slabfill_version", "anything", err, sizeof err) == 0 &&
             sf_meta_set(&m, "value_spec", SF_VALUE_SPEC, err, sizeof err) == 0 &&
             sf_meta_complete(&m, err, sizeof err) == 0;
    sf_value_spec spec = {.seed = UINT64_MAX, .dtype = SF_FLOAT64, .dist = SF_UNIFORM};
    const uint64_t shape[3] = {3, 4, 5};
    sf_file_meta want = sf_meta_of(shape, &spec);
    sf_test(ok && !sf_meta_differs(&m, &want), "meta-round-trip", "%s", err);
    sf_test(sf_meta_set(&m, "seed", "1", err, sizeof err) != 0, "meta-refuses-a-word-twice",
            "accepted");
    sf_file_meta part = {.seen = 0};
    sf_meta_set(&part, "generator", "g", err, sizeof err);
    sf_meta_set(&part, "value_spec", "v", err, sizeof err);
    sf_meta_set(&part, "seed", "1", err, sizeof err);
    sf_meta_set(&part, "distribution", "normal", err, sizeof err);
    sf_meta_set(&part, "dtype", "float32", err, sizeof err);
    sf_test(sf_meta_complete(&part, err, sizeof err) != 0 && strstr(err, "shape"),
            "meta-names-the-missing-word", "%s", err);
    sf_file_meta big = {.seen = 0};
    ok = sf_meta_set(&big, "shape", "1152921504606846976x2x2", err, sizeof err) == 0 &&
         sf_meta_set(&big, "generator", "g", err, sizeof err) == 0 &&
         sf_meta_set(&big, "dtype", "float64", err, sizeof err) == 0 &&
         sf_meta_set(&big, "seed", "1", err, sizeof err) == 0 &&
         sf_meta_set(&big, "distribution", "normal", err, sizeof err) == 0 &&
         sf_meta_set(&big, "value_spec", "x", err, sizeof err) == 0;
    sf_test(ok && sf_meta_complete(&big, err, sizeof err) != 0 && strstr(err, "too large"),
            "meta-refuses-a-shape-whose-bytes-overflow", "%s", err);
}

static int count_members(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    (void)m, (void)err, (void)errlen;
    ++*(int *)ctx;
    return 0;
}

static void json(void)
{
    static const char *const good[] = {
        "{}", " {\"a\": 1} ", "{\"a\": [1, 2, 3], \"b\": null, \"c\": \"x\\u00e9\\ud83d\\ude00\"}",
        "{\"a\": {\"b\": [[true, false, -1.5e+3, 0.0]]}}", "{\"a\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}"};
    static const char *const bad[] = {
        "", "[]", "{", "{\"a\"}", "{\"a\": }", "{\"a\": 1,}", "{\"a\": 01}", "{\"a\": 1.}",
        "{\"a\": 1e}", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12\"}", "{\"a\": \"\\ud800\"}",
        "{\"a\": \"\\udc00\"}", "{\"a\": \"\\u0000\"}", "{\"a\": \"tab\there\"}", "{\"a\": tru}",
        "{\"a\": 1} x", "{\"a\": \"\\", "{'a': 1}", "{\"a\": NaN}"};
    int n = 0, bad_ok = 0, good_ok = 0;
    char err[SF_ERRLEN];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        good_ok += sf_json_object(good[i], strlen(good[i]), count_members, &n, err,
                                  sizeof err) == 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        bad_ok += sf_json_object(bad[i], strlen(bad[i]), count_members, &n, err,
                                 sizeof err) != 0;
    sf_test(good_ok == (int)(sizeof good / sizeof *good), "json-accepts-valid-objects",
            "%d accepted", good_ok);
    sf_test(bad_ok == (int)(sizeof bad / sizeof *bad), "json-refuses-invalid-text",
            "%d refused", bad_ok);
    char deep[100];
    memset(deep, '[', sizeof deep);
    memcpy(deep, "{\"a\": ", 6);
    sf_test(sf_json_object(deep, sizeof deep, count_members, &n, err, sizeof err) != 0 &&
                strstr(err, "deeply"), "json-refuses-deep-nesting", "%s", err);
}

/* The record's text after a round trip through the writer, for the cases to break. */
static char *record_text(size_t *len)
{
    char path[128], err[SF_ERRLEN];
    snprintf(path, sizeof path, "%s/r.progress", dir);
    sf_value_spec spec = {.seed = 42, .dtype = SF_FLOAT32, .dist = SF_NORMAL};
    const uint64_t shape[3] = {5, 2, 3};
    unsigned char done[5] = {1, 0, 1, 1, 0};
    uint64_t digest[5] = {0x0123456789abcdef, 0, 0xfedcba9876543210, 7, 0};
    sf_progress p = {.meta = sf_meta_of(shape, &spec), .done = done, .digest = digest};
    snprintf(p.backend, sizeof p.backend, "mpiio");
    sf_progress_write(path, &p);
    sf_progress q;
    int rc = sf_progress_read(path, 5, &q, err, sizeof err);
    sf_test(rc == 0 && !sf_meta_differs(&q.meta, &p.meta) && !memcmp(q.done, done, 5) &&
                q.digest[0] == digest[0] && q.digest[2] == digest[2] && q.digest[3] == 7 &&
                !strcmp(q.backend, "mpiio"), "record-round-trip", "%s", rc ? err : "differs");
    if (rc == 0)
        sf_progress_free(&q);
    sf_test(sf_progress_read(path, 4, &q, err, sizeof err) < 0 && strstr(err, "4 expected"),
            "record-refuses-more-slices-than-expected", "%s", err);
    char *text = NULL;
    return sf_read_small(path, 1 << 16, &text, len, err, sizeof err) == 0 ? text : NULL;
}

static void record(void)
{
    size_t len = 0;
    char *text = record_text(&len);
    if (!sf_test(text != NULL, "record-readable", "the written record cannot be read"))
        return;
    /* Each edit breaks one line; each must be refused. */
    static const char *const edits[][2] = {
        {"slabfill-progress 2", "slabfill-progress 1"}, {"backend mpiio", "backend MPIIO"},
        {"dtype float32", "dtype float16"}, {"distribution normal", "distribution gaussian"},
        {"seed 42", "seed -42"}, {"shape 5x2x3", "shape 5x2"}, {"done 10110", "done 10112"},
        {"done 10110", "done 1011"}, {"0123456789abcdef", "0123456789abcdeg"},
        {"value_spec ", "value-spec "}, {"\nxxh3", "\nxxh4"}};
    int refused = 0;
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char buf[1024], err[SF_ERRLEN];
        const char *at = strstr(text, edits[i][0]);
        if (!at)
            continue;
        size_t k = (size_t)(at - text);
        int n = snprintf(buf, sizeof buf, "%.*s%s%s", (int)k, text, edits[i][1],
                         text + k + strlen(edits[i][0]));
        sf_progress q;
        refused += sf_progress_parse(buf, (size_t)n, "r", 5, &q, err, sizeof err) < 0;
    }
    sf_test(refused == (int)(sizeof edits / sizeof *edits), "record-refuses-every-broken-line",
            "%d of %zu refused", refused, sizeof edits / sizeof *edits);
    sf_progress q;
    char err[SF_ERRLEN];
    sf_test(sf_progress_parse(text, len - 1, "r", 5, &q, err, sizeof err) < 0,
            "record-refuses-a-missing-final-newline", "accepted");
    char nul[1024];
    memcpy(nul, text, len);
    nul[3] = '\0';
    sf_test(sf_progress_parse(nul, len, "r", 5, &q, err, sizeof err) < 0,
            "record-refuses-a-nul-byte", "accepted");
    free(text);
}

static void digests(void)
{
    const uint64_t shape[3] = {3, 7, 11};
    const size_t es = 4, slice = 7 * 11 * es;
    unsigned char data[3 * 7 * 11 * 4];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    sf_digests *d = sf_digests_new(shape, es);
    int ok = 1;
    /* slice 0 whole; slice 1 in row pieces; slice 2 in pieces of rows */
    sf_box whole = {{0, 0, 0}, {1, 7, 11}};
    ok &= sf_digests_add(d, &whole, data) == 1;
    for (uint64_t x = 0; x < 7; x += 3) {
        sf_box b = {{1, x, 0}, {1, x + 3 <= 7 ? 3 : 7 - x, 11}};
        ok &= sf_digests_add(d, &b, data + slice + x * 11 * es) == (x + 3 >= 7);
    }
    for (uint64_t g = 0, n; g < 77; g += n) { /* pieces of up to 5, never across a row */
        n = g % 11 + 5 <= 11 ? 5 : 11 - g % 11;
        sf_box b = {{2, g / 11, g % 11}, {1, 1, n}};
        ok &= sf_digests_add(d, &b, data + 2 * slice + g * es) == (g + n == 77);
    }
    const uint64_t *t = sf_digests_table(d);
    for (int z = 0; z < 3; z++)
        ok &= t[z] == sf_digest_bytes(data + (size_t)z * slice, slice);
    sf_digests_free(d);
    sf_test(ok, "digest-streamed-across-units-equals-one-pass", "differs");
}

static void files(void)
{
    char p[128], link[128], fifo[128], err[SF_ERRLEN], *buf;
    size_t len;
    snprintf(p, sizeof p, "%s/plain", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    sf_write_new(p, "12345", 5);
    sf_test(sf_read_small(p, 5, &buf, &len, err, sizeof err) == 0 && len == 5 && !buf[5],
            "read-small-reads-a-file", "%s", err);
    free(buf);
    sf_test(sf_read_small(p, 4, &buf, &len, err, sizeof err) < 0, "read-small-refuses-too-big",
            "accepted");
    int made = symlink(p, link) == 0 && mkfifo(fifo, 0600) == 0;
    sf_test(made && sf_read_small(link, 99, &buf, &len, err, sizeof err) < 0 &&
                strstr(err, "symbolic link"), "read-small-refuses-a-link", "%s", err);
    sf_test(made && sf_read_small(fifo, 99, &buf, &len, err, sizeof err) < 0 &&
                strstr(err, "FIFO"), "read-small-refuses-a-fifo-without-blocking", "%s", err);
    sf_test(sf_plain_entry(link, 1, err, sizeof err) < 0 && sf_plain_entry(p, 0, err, sizeof err)
                == 1, "plain-entry-tells-links-from-files", "%s", err);
    char hole[128];
    snprintf(hole, sizeof hole, "%s/sparse", dir);
    int fd = open(hole, O_WRONLY | O_CREAT | O_EXCL, 0600);
    uint64_t at = 0;
    /* 1 MiB of data, 1 MiB never written, 1 MiB of data. */
    static char mb[1 << 20];
    memset(mb, 1, sizeof mb);
    int w = fd >= 0 && pwrite(fd, mb, sizeof mb, 0) == (ssize_t)sizeof mb &&
            pwrite(fd, mb, sizeof mb, 2 << 20) == (ssize_t)sizeof mb && fsync(fd) == 0;
    int found = w ? sf_find_hole(fd, 0, 3 << 20, &at) : -1;
    int clean = w ? sf_find_hole(fd, 0, 1 << 20, &at) : -1;
    if (fd >= 0)
        close(fd);
    sf_test(w && clean == 0 && (found == 0 || (found == 1 && at == (1u << 20))),
            "find-hole-finds-the-unwritten-range", "found %d at %llu", found,
            (unsigned long long)at);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/sf-readers.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    meta_words();
    json();
    record();
    digests();
    files();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("FAIL cleanup: could not remove %s\n", dir);
    return sf_test_failures != 0;
}
