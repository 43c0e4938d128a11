/* output.c - the never-clobber rules: check before creating, write under a partial name, and
 * rename into place only once the data is complete and closed. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "sf_output.h"

#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sf_error.h"

/* Splits path into its directory (or ".") and base name. */
static int split_path(const char *path, char *dir, size_t dlen, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        *base = path;
        return snprintf(dir, dlen, ".") < (int)dlen ? 0 : -1;
    }
    *base = slash + 1;
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/name" lives in "/" */
    if (n >= dlen)
        return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    return 0;
}

int sf_output_check(const char *path, int is_dir_store, int force, int resume, char *err,
                    size_t errlen)
{
    char dir[4096];
    const char *base;
    struct stat st;
    if (split_path(path, dir, sizeof dir, &base) != 0 || base[0] == '\0') {
        snprintf(err, errlen, "bad output path '%s'; accepted: a file name, optionally in an "
                 "existing directory", path);
        return SF_EXIT_USAGE;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "output directory '%s' does not exist; create it first", dir);
        return SF_EXIT_USAGE;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "output directory '%s' is not writable (%s)", dir,
                 strerror(errno));
        return SF_EXIT_USAGE;
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode) && !is_dir_store) {
            snprintf(err, errlen, "output '%s' is a directory; give a file name", path);
            return SF_EXIT_USAGE;
        }
        if (!force) {
            snprintf(err, errlen, "output '%s' exists; give --force to replace it, or "
                     "another -o", path);
            return SF_EXIT_USAGE;
        }
    }
    char partial[4096];
    if (sf_output_partial_name(path, partial, sizeof partial) != 0) {
        snprintf(err, errlen, "output path '%s' is too long", path);
        return SF_EXIT_USAGE;
    }
    if (!force && !resume && lstat(partial, &st) == 0) {
        snprintf(err, errlen, "'%s' is left from an interrupted run; give --resume to continue "
                 "it, --force to start over, or remove it", partial);
        return SF_EXIT_USAGE;
    }
    return 0;
}

int sf_output_space(const char *path, uint64_t need, char *err, size_t errlen)
{
    char dir[4096];
    const char *base;
    struct statvfs vfs;
    if (split_path(path, dir, sizeof dir, &base) != 0 || statvfs(dir, &vfs) != 0)
        return 0; /* cannot tell; the writes will say */
    uint64_t avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
    if (avail >= need)
        return 0;
    snprintf(err, errlen, "not enough space for %s: it needs %.3f GB (%llu bytes) and its file "
             "system has %.3f GB (%llu bytes) available", path, (double)need / 1e9,
             (unsigned long long)need, (double)avail / 1e9, (unsigned long long)avail);
    return -1;
}

int sf_output_partial_name(const char *path, char *buf, size_t len)
{
    char dir[4096];
    const char *base;
    if (split_path(path, dir, sizeof dir, &base) != 0)
        return -1;
    int n = strrchr(path, '/') ? snprintf(buf, len, "%.*s.%s.partial",
                                          (int)(base - path), path, base)
                               : snprintf(buf, len, ".%s.partial", base);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    if (remove(p) != 0)
        sf_die(__FILE__, __LINE__, "remove", "%s: %s", p, strerror(errno));
    return 0;
}

void sf_output_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return;
        sf_die(__FILE__, __LINE__, "lstat", "%s: %s", path, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0)
            sf_die(__FILE__, __LINE__, "unlink", "%s: %s", path, strerror(errno));
        return;
    }
    if (nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS) != 0)
        sf_die(__FILE__, __LINE__, "nftw", "%s: %s", path, strerror(errno));
}

void sf_output_commit(const char *partial, const char *path)
{
    char dir[4096], old[4096 + 16];
    const char *base;
    if (split_path(path, dir, sizeof dir, &base) != 0)
        sf_die(__FILE__, __LINE__, "split_path", "%s: path too long", path);
    struct stat st;
    int replace_dir = stat(partial, &st) == 0 && S_ISDIR(st.st_mode) && stat(path, &st) == 0;
    if (replace_dir) {
        /* rename(2) will not replace a non-empty directory: move the old store aside first. */
        snprintf(old, sizeof old, "%.*s.%s.old", (int)(base - path), path, base);
        sf_output_remove(old);
        if (rename(path, old) != 0)
            sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s", path, old, strerror(errno));
    }
    if (rename(partial, path) != 0)
        sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s", partial, path, strerror(errno));
    if (replace_dir)
        sf_output_remove(old);
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        sf_die(__FILE__, __LINE__, "open", "%s: %s", dir, strerror(errno));
    /* Some file systems refuse fsync on a directory; the rename itself has happened. */
    if (fsync(fd) != 0 && errno != EINVAL && errno != EBADF)
        sf_die(__FILE__, __LINE__, "fsync", "%s: %s", dir, strerror(errno));
    SF_SYS_CHECK(close(fd));
}
