/* progress.c - reading and atomically replacing the progress record (see sf_progress.h).
 * The format is text, one "key value" per line in this order, so a person can read it:
 *
 *   slabfill-progress 2
 *   backend hdf5
 *   generator philox4x32-10     (then the array's words in the order of sf_meta_words)
 *   value_spec slabfill-values-3
 *   seed 8317129687099337836
 *   distribution normal
 *   dtype float32
 *   shape 500x2000x2000
 *   done 111111000000...        (one character per z-slice)
 *   xxh3 0123456789abcdef...    (16 hex digits per complete slice, in z order)
 */
#include "sf_progress.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_error.h"
#include "sf_files.h"
#include "sf_options.h"


#define HEADER_MAX 1024 /* the seven lines before "done", generously */

int sf_progress_name(const char *partial, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s.progress", partial);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

/* The record's text, in memory: it is written with one write call. */
static char *format(const sf_progress *p, size_t *len)
{
    const uint64_t Z = p->meta.shape[0];
    char *t = sf_xmalloc(HEADER_MAX + 18 * (size_t)Z);
    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&p->meta, w);
    int n = snprintf(t, HEADER_MAX, "slabfill-progress 2\nbackend %s\n", p->backend);
    for (int k = 0; k < SF_META_NWORDS - 1; k++) /* slabfill_version is for people, not here */
        n += snprintf(t + n, HEADER_MAX - (size_t)n, "%s %s\n", w[k].key, w[k].text);
    n += snprintf(t + n, HEADER_MAX - (size_t)n, "done ");
    size_t at = (size_t)n;
    for (uint64_t z = 0; z < Z; z++)
        t[at++] = p->done[z] ? '1' : '0';
    at += (size_t)snprintf(t + at, 7, "\nxxh3 ");
    for (uint64_t z = 0; z < Z; z++)
        if (p->done[z])
            at += (size_t)snprintf(t + at, 17, "%016" PRIx64, p->digest[z]);
    t[at++] = '\n';
    *len = at;
    return t;
}

void sf_progress_write(const char *path, const sf_progress *p)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        sf_die(__FILE__, __LINE__, "snprintf", "%s: path too long", path);
    /* A leftover temporary is this job's own (it holds the output's lock), or something
     * planted: unlink removes a link itself, never what it points to. */
    if (unlink(tmp) != 0 && errno != ENOENT)
        sf_die_errno("unlink", tmp);
    size_t len;
    char *text = format(p, &len);
    sf_write_new(tmp, text, len);
    free(text);
    if (rename(tmp, path) != 0)
        sf_die_errno("rename", path);
    sf_fsync_parent(path);
}

void sf_progress_free(sf_progress *p)
{
    free(p->done);
    free(p->digest);
    p->done = NULL;
    p->digest = NULL;
}

/* The next line as "key value": checks the key, NUL-terminates the value in place. */
static char *line_value(char **at, const char *key)
{
    char *nl = strchr(*at, '\n');
    size_t k = strlen(key);
    if (!nl || strncmp(*at, key, k) != 0 || (*at)[k] != ' ')
        return NULL;
    *nl = '\0';
    char *v = *at + k + 1;
    *at = nl + 1;
    return v;
}

static int hex16(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 16; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return 0;
}

/* The "done" and "xxh3" lines, for Z slices, at *at. */
static int parse_slices(char *at, const char *end, uint64_t Z, sf_progress *p)
{
    if ((size_t)(end - at) < 5 + Z + 1 || memcmp(at, "done ", 5) != 0 || at[5 + Z] != '\n')
        return -1;
    p->done = sf_xmalloc(Z ? Z : 1);
    p->digest = sf_xcalloc(Z, sizeof *p->digest);
    uint64_t ndone = 0;
    for (uint64_t z = 0; z < Z; z++) {
        char c = at[5 + z];
        if (c != '0' && c != '1')
            return -1;
        p->done[z] = c == '1';
        ndone += c == '1';
    }
    at += 5 + Z + 1;
    if ((uint64_t)(end - at) != 5 + 16 * ndone + 1 || memcmp(at, "xxh3 ", 5) != 0 ||
        end[-1] != '\n')
        return -1;
    at += 5;
    for (uint64_t z = 0; z < Z; z++) {
        if (!p->done[z])
            continue;
        if (hex16(at, &p->digest[z]) != 0)
            return -1;
        at += 16;
    }
    return 0;
}

int sf_progress_parse(const char *text, size_t len, const char *path, uint64_t max_z,
                      sf_progress *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char *copy = sf_xmalloc(len + 1), *at = copy, why[SF_ERRLEN] = "";
    memcpy(copy, text, len);
    copy[len] = '\0';
    const char *end = copy + len, *what = "its first line is not 'slabfill-progress 2'";
    sf_meta_word w[SF_META_NWORDS];
    sf_meta_words(&p->meta, w); /* only for the words' names, in order */
    char *v;
    if (strlen(copy) != len) {
        what = "it holds a NUL byte";
        goto bad;
    }
    if (!(v = line_value(&at, "slabfill-progress")) || strcmp(v, "2") != 0)
        goto bad;
    what = "the line 'backend NAME' is missing or malformed";
    if (!(v = line_value(&at, "backend")) || !v[0] || strlen(v) >= sizeof p->backend ||
        strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(v))
        goto bad;
    memcpy(p->backend, v, strlen(v) + 1);
    for (int k = 0; k < SF_META_NWORDS - 1; k++) {
        what = why;
        snprintf(why, sizeof why, "the line '%s ...' is missing or out of order", w[k].key);
        if (!(v = line_value(&at, w[k].key)) || sf_meta_set(&p->meta, w[k].key, v, why,
                                                             sizeof why) != 0)
            goto bad;
    }
    if (sf_meta_complete(&p->meta, why, sizeof why) != 0)
        goto bad;
    const uint64_t Z = p->meta.shape[0];
    what = why;
    snprintf(why, sizeof why, "its shape has %llu slices, more than the %llu expected",
             (unsigned long long)Z, (unsigned long long)max_z);
    if (Z > max_z)
        goto bad;
    what = "its done and xxh3 lines do not match its shape";
    if (parse_slices(at, end, Z, p) != 0)
        goto bad;
    free(copy);
    return 0;
bad:
    snprintf(err, errlen, "%s is not a valid progress record: %s", path, what);
    free(copy);
    sf_progress_free(p);
    return -1;
}

int sf_progress_read(const char *path, uint64_t max_z, sf_progress *p, char *err,
                     size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    memset(p, 0, sizeof *p);
    /* A record for max_z slices is never larger than this: no allocation follows its word. */
    size_t limit = max_z < (SIZE_MAX - HEADER_MAX) / 18 ? HEADER_MAX + 18 * (size_t)max_z
                                                        : SIZE_MAX;
    int rc = sf_read_small(path, limit, &text, &len, err, errlen);
    if (rc != 0)
        return rc;
    rc = sf_progress_parse(text, len, path, max_z, p, err, errlen);
    free(text);
    return rc;
}
