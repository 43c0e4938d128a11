/* output.c - the never-clobber rules: check before creating, write under a partial name, and
 * rename into place only once the data is complete and closed. */
#if defined(__linux__)
#define _GNU_SOURCE /* renameat2's RENAME_EXCHANGE through syscall, mkdtemp */
#else
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#endif
#include "sf_output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "sf_error.h"
#include "sf_files.h"

/* What slabfill adds to an output's base name: ".NAME.partial.progress.tmp" is the longest. */
#define SF_NAME_EXTRA 22

/* A directory that zarr would open as a store, not some other directory of the user's. */
static int looks_like_store(const char *path)
{
    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/.zgroup", path);
    if (lstat(p, &st) == 0 && S_ISREG(st.st_mode))
        return 1;
    snprintf(p, sizeof p, "%s/.zarray", path);
    return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The length limits, checked before anything is created, so that neither the OS nor a library
 * meets a name it cannot handle halfway through a run. */
static int check_lengths(const char *path, const char *dir, const char *base, int mpiio,
                         char *err, size_t errlen)
{
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = 255;
    if (strlen(base) + SF_NAME_EXTRA > (size_t)name_max) {
        snprintf(err, errlen, "output name '%.60s...' is %zu characters; accepted: at most %ld, "
                 "since slabfill adds up to %d for its partial and progress files", base,
                 strlen(base), name_max - SF_NAME_EXTRA, SF_NAME_EXTRA);
        return SF_EXIT_USAGE;
    }
    if (mpiio && strlen(path) + 9 > SF_MPIIO_PATH_MAX) { /* ".NAME.partial" adds 9 */
        snprintf(err, errlen, "output path '%.60s...' is %zu characters; accepted: at most %d "
                 "with this backend (MPI-IO in Open MPI 4 cannot open longer paths): use a "
                 "shorter or relative path", path, strlen(path), SF_MPIIO_PATH_MAX - 9);
        return SF_EXIT_USAGE;
    }
    if (strlen(path) + SF_NAME_EXTRA + 64 >= 4096) {
        snprintf(err, errlen, "output path is %zu characters; accepted: fewer than %d",
                 strlen(path), 4096 - SF_NAME_EXTRA - 64);
        return SF_EXIT_USAGE;
    }
    return 0;
}

int sf_output_check(const char *path, int is_dir_store, int mpiio, int force, int resume,
                    char *err, size_t errlen)
{
    char dir[4096];
    const char *base;
    struct stat st;
    if (sf_split_path(path, dir, sizeof dir, &base) != 0 || base[0] == '\0') {
        snprintf(err, errlen, "bad output path '%s'; accepted: a file name, optionally in an "
                 "existing directory", path);
        return SF_EXIT_USAGE;
    }
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        snprintf(err, errlen, "output '%s' is a directory; give a file name", path);
        return SF_EXIT_USAGE;
    }
    int rc = check_lengths(path, dir, base, mpiio, err, errlen);
    if (rc)
        return rc;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "output directory '%s' does not exist; create it first", dir);
        return SF_EXIT_USAGE;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        snprintf(err, errlen, "output directory '%s' is not writable (%s)", dir,
                 strerror(errno));
        return SF_EXIT_USAGE;
    }
    /* lstat: a link under the output's name is something there, replaced only with --force,
     * and then the link itself is replaced, never what it points to. */
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode) && !is_dir_store) {
            snprintf(err, errlen, "output '%s' is a directory; give a file name", path);
            return SF_EXIT_USAGE;
        }
        if (!force) {
            snprintf(err, errlen, "output '%s' exists; give --force to replace it, or "
                     "another -o", path);
            return SF_EXIT_USAGE;
        }
        if (S_ISDIR(st.st_mode) && !looks_like_store(path)) {
            snprintf(err, errlen, "output '%s' is a directory that is not a Zarr store (no "
                     ".zgroup or .zarray); --force replaces only a store", path);
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
    if (sf_split_path(path, dir, sizeof dir, &base) != 0 || statvfs(dir, &vfs) != 0)
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
    return sf_sibling_name(path, ".partial", buf, len);
}

/* Nanoseconds of a struct stat's times: POSIX 2008 names them st_mtim, macOS st_mtimespec. */
#if defined(__APPLE__)
#define MTIME_NS(st) ((st)->st_mtimespec.tv_nsec)
#define CTIME_NS(st) ((st)->st_ctimespec.tv_nsec)
#else
#define MTIME_NS(st) ((st)->st_mtim.tv_nsec)
#define CTIME_NS(st) ((st)->st_ctim.tv_nsec)
#endif

static uint64_t mix(uint64_t h, uint64_t v) /* splitmix64's finaliser over h ^ v */
{
    uint64_t z = (h ^ v) + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t entry_id(const char *name, const struct stat *st)
{
    uint64_t h = 0;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = mix(h, *c);
    const uint64_t f[] = {(uint64_t)st->st_dev, (uint64_t)st->st_ino, (uint64_t)st->st_mode,
                          (uint64_t)st->st_size, (uint64_t)st->st_mtime,
                          (uint64_t)MTIME_NS(st), (uint64_t)st->st_ctime,
                          (uint64_t)CTIME_NS(st)};
    for (size_t i = 0; i < sizeof f / sizeof *f; i++)
        h = mix(h, f[i]);
    return h;
}

/* Adds the ids of every entry below the open directory fd to *sum (a sum, so that the order
 * readdir gives does not matter); closes fd. -1 when something cannot be read. */
static int tree_id(int fd, int depth, uint64_t *sum)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
            break;
        }
        *sum += mix(entry_id(e->d_name, &st), (uint64_t)depth);
        if (S_ISDIR(st.st_mode)) {
            int sub = depth < 16 ? openat(dirfd(d), e->d_name,
                                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                                 : -1;
            rc = sub < 0 ? -1 : tree_id(sub, depth + 1, sum);
        }
    }
    closedir(d);
    return rc;
}

int sf_output_identity(const char *path, const char *sidecar, uint64_t *id)
{
    struct stat st;
    char side[4200];
    if (lstat(path, &st) != 0)
        return -1;
    uint64_t sum = entry_id(path, &st);
    if (S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || tree_id(fd, 1, &sum) != 0)
            return -1;
    }
    if (sidecar) {
        if (snprintf(side, sizeof side, "%s%s", path, sidecar) >= (int)sizeof side ||
            lstat(side, &st) != 0)
            return -1;
        sum += entry_id(side, &st);
    }
    *id = sum;
    return 0;
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    if (remove(p) != 0)
        sf_die_errno("remove", p);
    return 0;
}

void sf_output_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return;
        sf_die_errno("lstat", path);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0)
            sf_die_errno("unlink", path);
        return;
    }
    /* FTW_PHYS: a link inside the tree is removed itself, never followed. */
    if (nftw(path, remove_one, 32, FTW_DEPTH | FTW_PHYS) != 0)
        sf_die_errno("nftw", path);
}

/* Swaps two names atomically where the OS and file system can (Linux renameat2); -1 with
 * errno otherwise. */
static int exchange(const char *a, const char *b)
{
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 1 << 1 /* RENAME_EXCHANGE */);
#else
    (void)a, (void)b;
    errno = ENOSYS;
    return -1;
#endif
}

/* rename(2) will not replace a non-empty directory. Swap the two stores in one step where the
 * file system can; elsewhere move the old one into a fresh, empty directory of our own (a
 * rename may replace an empty directory) and then the new one into place, so that a crash
 * between the two leaves the old store under that name, never a user's file deleted. */
static void replace_store(const char *partial, const char *path)
{
    if (exchange(partial, path) == 0) {
        sf_output_remove(partial); /* now the old store */
        return;
    }
    char old[4200];
    if (sf_sibling_name(path, ".old.XXXXXX", old, sizeof old) != 0 || !mkdtemp(old))
        sf_die_errno("mkdtemp", old);
    if (rename(path, old) != 0)
        sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s", path, old, strerror(errno));
    if (rename(partial, path) != 0)
        sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s (the old store is in %s)", partial,
               path, strerror(errno), old);
    sf_output_remove(old);
}

/* path + suffix into buf (4200 bytes); dies if it does not fit, which the checks exclude. */
static void with_suffix(const char *path, const char *suffix, char *buf, size_t len)
{
    if (snprintf(buf, len, "%s%s", path, suffix) >= (int)len)
        sf_die(__FILE__, __LINE__, "snprintf", "%s%s: path too long", path, suffix);
}

int sf_output_check_sidecar(const char *path, const char *sidecar, int force, char *err,
                            size_t errlen)
{
    char p[4200];
    struct stat st;
    if (!sidecar || force)
        return 0;
    with_suffix(path, sidecar, p, sizeof p);
    if (lstat(p, &st) != 0)
        return 0;
    snprintf(err, errlen, "'%s' exists, and slabfill writes the output's digests there; give "
             "--force to replace it, or another -o", p);
    return SF_EXIT_USAGE;
}

void sf_output_discard(const char *path, const char *sidecar)
{
    char p[4200];
    sf_output_remove(path);
    if (sidecar) {
        with_suffix(path, sidecar, p, sizeof p);
        sf_output_remove(p);
    }
}

void sf_output_commit(const char *partial, const char *path, const char *sidecar)
{
    if (sidecar) {
        char from[4200], to[4200];
        with_suffix(partial, sidecar, from, sizeof from);
        with_suffix(path, sidecar, to, sizeof to);
        if (rename(from, to) != 0)
            sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s", from, to, strerror(errno));
    }
    char dir[4096];
    const char *base;
    if (sf_split_path(path, dir, sizeof dir, &base) != 0)
        sf_die(__FILE__, __LINE__, "sf_split_path", "%s: path too long", path);
    struct stat st, old;
    if (lstat(partial, &st) == 0 && S_ISDIR(st.st_mode) && lstat(path, &old) == 0 &&
        S_ISDIR(old.st_mode))
        replace_store(partial, path);
    else if (rename(partial, path) != 0)
        sf_die(__FILE__, __LINE__, "rename", "%s -> %s: %s", partial, path, strerror(errno));
    sf_fsync_dir(dir);
}
