/* files.c - reading, creating and syncing files by name without trusting what is there; see
 * sf_files.h. */
#define _GNU_SOURCE /* SEEK_HOLE on Linux */
#include "sf_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_error.h"


int sf_split_path(const char *path, char *dir, size_t dlen, const char **base)
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

int sf_sibling_name(const char *path, const char *suffix, char *buf, size_t len)
{
    char dir[4096];
    const char *base;
    if (sf_split_path(path, dir, sizeof dir, &base) != 0)
        return -1;
    int n = snprintf(buf, len, "%.*s.%s%s", (int)(base - path), path, base, suffix);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

static const char *kind_of(mode_t m)
{
    return S_ISLNK(m)    ? "a symbolic link"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
           : S_ISCHR(m) || S_ISBLK(m) ? "a device"
           : S_ISDIR(m) ? "a directory"
                        : "not a regular file";
}

int sf_plain_entry(const char *path, int dir_ok, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot examine %s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISREG(st.st_mode) || (dir_ok && S_ISDIR(st.st_mode)))
        return 1;
    snprintf(err, errlen, "%s is %s; slabfill only uses regular files%s here and follows no "
             "link it did not create", path, kind_of(st.st_mode), dir_ok ? " or directories" : "");
    return -1;
}

int sf_open_regular(const char *path, uint64_t *size, char *err, size_t errlen)
{
    int kind = sf_plain_entry(path, 0, err, errlen);
    if (kind <= 0) {
        if (kind == 0)
            snprintf(err, errlen, "%s does not exist", path);
        errno = kind == 0 ? ENOENT : EINVAL;
        return -1;
    }
    /* O_NONBLOCK: if a FIFO replaced the file since the lstat, the open must not wait for a
     * writer; the fstat below then refuses it. */
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        int e = errno;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s is %s", path, kind_of(st.st_mode));
        close(fd); /* read-only: nothing to lose */
        errno = EINVAL;
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

int sf_regular_size(const char *path, uint64_t *size, char *err, size_t errlen)
{
    int fd = sf_open_regular(path, size, err, errlen);
    if (fd < 0)
        return -1;
    close(fd); /* read-only, and only opened to look: nothing to lose */
    return 0;
}

int sf_read_small(const char *path, size_t max, char **buf, size_t *len, char *err,
                  size_t errlen)
{
    uint64_t size;
    int fd = sf_open_regular(path, &size, err, errlen);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    if (size > (uint64_t)max) {
        snprintf(err, errlen, "%s is %llu bytes, more than the %zu it can be", path,
                 (unsigned long long)size, max);
        close(fd); /* read-only: nothing to lose */
        return -1;
    }
    char *b = sf_xmalloc((size_t)size + 1);
    size_t got = 0;
    int rd_errno = 0;
    while (got < (size_t)size) {
        ssize_t n = read(fd, b + got, (size_t)size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rd_errno = n < 0 ? errno : 0;
            break; /* an error, or it shrank meanwhile */
        }
        got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)size) {
        snprintf(err, errlen, "cannot read %s: %s", path,
                 rd_errno ? strerror(rd_errno) : "it shrank while being read");
        free(b);
        return -1;
    }
    b[got] = '\0';
    *buf = b;
    *len = got;
    return 0;
}

int sf_find_hole(int fd, uint64_t off, uint64_t len, uint64_t *hole)
{
#if defined(SEEK_HOLE)
    if (len == 0)
        return 0;
    off_t h = lseek(fd, (off_t)off, SEEK_HOLE);
    if (h < 0 && errno == ENXIO) { /* off is at or past the end: all of it is missing */
        *hole = off;
        return 1;
    }
    if (h < 0)
        return -1;
    if ((uint64_t)h >= off + len)
        return 0;
    *hole = (uint64_t)h;
    return 1;
#else
    (void)fd, (void)off, (void)len, (void)hole;
    return 0;
#endif
}

int sf_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void sf_write_new(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        sf_die_errno("open", path);
    if (sf_write_all(fd, text, len) != 0)
        sf_die_errno("write", path);
    if (fsync(fd) != 0)
        sf_die_errno("fsync", path);
    if (close(fd) != 0)
        sf_die_errno("close", path);
}

void sf_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        sf_die_errno("open", dir);
    /* Some file systems refuse fsync on a directory; the entries are as durable as they get. */
    if (fsync(fd) != 0 && errno != EINVAL && errno != EBADF)
        sf_die_errno("fsync", dir);
    if (close(fd) != 0)
        sf_die_errno("close", dir);
}

void sf_fsync_parent(const char *path)
{
    char dir[4096];
    const char *base;
    if (sf_split_path(path, dir, sizeof dir, &base) != 0)
        sf_die(__FILE__, __LINE__, "sf_split_path", "%s: path too long", path);
    sf_fsync_dir(dir);
}
