/* progress.c - reading and atomically replacing the progress record (see sf_progress.h).
 * The format is text, one "key value" per line, so a person can read it:
 *
 *   slabfill-progress 1
 *   backend hdf5
 *   value_spec slabfill-values-3
 *   seed 8317129687099337836
 *   shape 500x2000x2000
 *   dtype float32
 *   distribution normal
 *   done 111111000000...        (one character per z-slice)
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
#include "sf_options.h"

int sf_progress_name(const char *partial, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s.progress", partial);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

#define DIE_ERRNO(call, path) sf_die(__FILE__, __LINE__, call, "%s: %s", path, strerror(errno))

void sf_progress_write(const char *path, const sf_progress *p)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = sf_xfopen(tmp, "w");
    fprintf(f, "slabfill-progress 1\nbackend %s\nvalue_spec %s\nseed %" PRIu64 "\n"
            "shape %" PRIu64 "x%" PRIu64 "x%" PRIu64 "\ndtype %s\ndistribution %s\ndone ",
            p->backend, p->value_spec, p->spec.seed, p->shape[0], p->shape[1], p->shape[2],
            sf_dtype_name(p->spec.dtype), sf_dist_name(p->spec.dist));
    for (uint64_t z = 0; z < p->shape[0]; z++)
        fputc(p->done[z] ? '1' : '0', f);
    fputc('\n', f);
    if (fflush(f) != 0)
        DIE_ERRNO("fflush", tmp);
    if (fsync(fileno(f)) != 0)
        DIE_ERRNO("fsync", tmp);
    if (fclose(f) != 0)
        DIE_ERRNO("fclose", tmp);
    if (rename(tmp, path) != 0)
        DIE_ERRNO("rename", path);
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        DIE_ERRNO("open", dir);
    if (fsync(fd) != 0 && errno != EINVAL)
        DIE_ERRNO("fsync", dir);
    if (close(fd) != 0)
        DIE_ERRNO("close", dir);
}

void sf_progress_free(sf_progress *p)
{
    free(p->done);
    p->done = NULL;
}

int sf_progress_read(const char *path, sf_progress *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char line[256], why[SF_ERRLEN];
    int seen = 0;
    if (!fgets(line, sizeof line, f) || strcmp(line, "slabfill-progress 1\n") != 0)
        goto bad;
    /* Six "key value" lines, then "done " and one character per slice. */
    while (seen < 6 && fgets(line, sizeof line, f)) {
        char *nl = strchr(line, '\n'), *sp = strchr(line, ' ');
        if (!nl || !sp)
            goto bad;
        *nl = *sp = '\0';
        const char *key = line, *val = sp + 1;
        if (!strcmp(key, "backend")) {
            snprintf(p->backend, sizeof p->backend, "%.15s", val);
        } else if (!strcmp(key, "value_spec")) {
            snprintf(p->value_spec, sizeof p->value_spec, "%.63s", val);
        } else if (!strcmp(key, "seed")) {
            if (sf_parse_u64(val, &p->spec.seed, why, sizeof why) != 0)
                goto bad;
        } else if (!strcmp(key, "shape")) {
            if (sf_parse_shape(val, 1, p->shape, why, sizeof why) != 0)
                goto bad;
        } else if (!strcmp(key, "dtype")) {
            p->spec.dtype = !strcmp(val, "float64") ? SF_FLOAT64 : SF_FLOAT32;
        } else if (!strcmp(key, "distribution")) {
            p->spec.dist = !strcmp(val, "uniform") ? SF_UNIFORM : SF_NORMAL;
        } else {
            goto bad;
        }
        seen++;
    }
    if (seen != 6 || fread(line, 1, 5, f) != 5 || memcmp(line, "done ", 5) != 0)
        goto bad;
    const uint64_t z = p->shape[0];
    p->done = sf_xmalloc(z);
    for (uint64_t i = 0; i < z; i++) {
        int c = fgetc(f);
        if (c != '0' && c != '1')
            goto bad;
        p->done[i] = c == '1';
    }
    fclose(f); /* read-only: nothing to lose */
    return 0;
bad:
    fclose(f);
    sf_progress_free(p);
    snprintf(err, errlen, "%s is not a well-formed progress record", path);
    return -1;
}
