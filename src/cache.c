/* cache.c - a finished file out of the page cache before verify reads it back (sf_cache.h).
 * posix_fadvise(POSIX_FADV_DONTNEED) drops only clean pages, so each file is synced first;
 * the file is complete and renamed by then, so the sync writes nothing new. */
#if defined(__linux__)
#define _DEFAULT_SOURCE /* mincore */
#endif
#define _XOPEN_SOURCE 700 /* posix_fadvise, openat, fdopendir */
#include "sf_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(POSIX_FADV_DONTNEED)

/* Pages of the open file fd still resident, where the OS can tell (Linux mincore); 0 else.
 * The advice is only advice: a file system in memory (tmpfs) keeps every page. */
static uint64_t resident_pages(int fd)
{
    uint64_t n = 0;
#if defined(__linux__)
    struct stat st;
    long page = sysconf(_SC_PAGESIZE);
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || page <= 0)
        return 0;
    size_t pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page, chunk = 1u << 16;
    unsigned char vec[1u << 16];
    for (size_t first = 0; first < pages; first += chunk) { /* 256 MiB mapped at a time */
        size_t count = pages - first < chunk ? pages - first : chunk;
        void *m = mmap(NULL, count * (size_t)page, PROT_READ, MAP_SHARED, fd,
                       (off_t)(first * (size_t)page));
        if (m == MAP_FAILED)
            return n;
        if (mincore(m, count * (size_t)page, vec) == 0)
            for (size_t i = 0; i < count; i++)
                n += vec[i] & 1;
        munmap(m, count * (size_t)page);
    }
#else
    (void)fd;
#endif
    return n;
}

/* One regular file, opened at dirfd without following a link. */
static int drop_file(int dirfd, const char *name, const char *shown, char *why, size_t len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, len, "cannot open %s: %s", shown, strerror(errno));
        return -1;
    }
    int rc = fsync(fd) != 0 ? errno : posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    uint64_t left = rc ? 0 : resident_pages(fd);
    close(fd);
    if (rc) {
        snprintf(why, len, "cannot drop %s from the page cache: %s", shown, strerror(rc));
        return -1;
    }
    if (left) {
        snprintf(why, len, "%llu pages of %s stayed in the page cache (a file system in "
                 "memory keeps them all)", (unsigned long long)left, shown);
        return -1;
    }
    return 0;
}

/* Every regular file in the directory at dirfd/name, and depth levels below it. */
static int drop_dir(int dirfd, const char *name, const char *shown, int depth, char *why,
                    size_t len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        snprintf(why, len, "cannot open the directory %s: %s", shown, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int rc = 0;
    const struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode))
            rc = drop_file(fd, e->d_name, shown, why, len);
        else if (S_ISDIR(st.st_mode) && depth > 0)
            rc = drop_dir(fd, e->d_name, shown, depth - 1, why, len);
    }
    closedir(d);
    return rc;
}

int sf_cache_drop(const char *path, int directory, char *why, size_t len)
{
    return directory ? drop_dir(AT_FDCWD, path, path, 1, why, len)
                     : drop_file(AT_FDCWD, path, path, why, len);
}

#else /* macOS: no posix_fadvise */

int sf_cache_drop(const char *path, int directory, char *why, size_t len)
{
    (void)path;
    (void)directory;
    snprintf(why, len, "this OS has no posix_fadvise to drop a file from the page cache");
    return -1;
}

#endif
