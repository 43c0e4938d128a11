/* cache_test.c - sf_cache_drop (verify's read phase starts from storage, not from memory): a
 * file read into the page cache is dropped from it, every file of a directory store too, and a
 * link is refused. Residency is measured with mincore, independently of the code under test's
 * own check. On a file system in memory (tmpfs) nothing can be dropped: the call must then say
 * so instead of claiming success. Linux only (mincore, statfs); elsewhere every case skips. */
#if defined(__linux__)
#define _DEFAULT_SOURCE /* mincore, mkdtemp, symlink */
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sf_cache.h"
#include "sf_test.h"

static char dir[128];

static const char *at(const char *name) { return sf_test_path(dir, name); }

/* Writes 4 MB to path and reads them back, so that they are in the page cache. */
static void cached_file(const char *path)
{
    static char block[1 << 20];
    memset(block, 7, sizeof block);
    FILE *f = fopen(path, "w+b");
    for (int i = 0; f && i < 4; i++)
        if (fwrite(block, 1, sizeof block, f) != sizeof block)
            break;
    if (f) {
        fflush(f);
        fsync(fileno(f));
        rewind(f);
        while (fread(block, 1, sizeof block, f) == sizeof block)
            ;
        fclose(f);
    }
}

/* Resident pages of path, by mincore. */
static long resident(const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0)
        return -1;
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return -1;
    size_t pages = ((size_t)st.st_size + 4095) / 4096;
    unsigned char *vec = malloc(pages);
    long n = 0;
    if (vec && mincore(m, (size_t)st.st_size, vec) == 0)
        for (size_t i = 0; i < pages; i++)
            n += vec[i] & 1;
    free(vec);
    munmap(m, (size_t)st.st_size);
    return n;
}

int main(void)
{
    char why[512] = "";
    struct statfs fs;
    snprintf(dir, sizeof dir, "tests/tmp-cache.XXXXXX"); /* on the checkout's file system */
    if (!mkdtemp(dir) || statfs(dir, &fs) != 0)
        return 1;
    int memory = fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
    cached_file(at("f.h5"));
    long before = resident(at("f.h5"));
    int rc = sf_cache_drop(at("f.h5"), 0, why, sizeof why);
    long after = resident(at("f.h5"));
    if (memory)
        sf_test(rc == -1 && strstr(why, "stayed in the page cache"),
                "in-memory-file-system-says-nothing-was-dropped", "rc %d: %s", rc, why);
    else
        sf_test(before > 0 && rc == 0 && after == 0, "cached-file-dropped",
                "%ld pages cached before, rc %d (%s), %ld after", before, rc, why, after);
    mkdir(at("s.zarr"), 0755);
    mkdir(at("s.zarr/data"), 0755);
    cached_file(at("s.zarr/.zattrs"));
    cached_file(at("s.zarr/data/0.0.0"));
    cached_file(at("s.zarr/data/1.0.0"));
    rc = sf_cache_drop(at("s.zarr"), 1, why, sizeof why);
    long left = resident(at("s.zarr/.zattrs")) + resident(at("s.zarr/data/0.0.0")) +
                resident(at("s.zarr/data/1.0.0"));
    if (!memory)
        sf_test(rc == 0 && left == 0, "store-and-its-chunks-dropped", "rc %d (%s), %ld left",
                rc, why, left);
    int made = symlink("f.h5", at("link.h5")) == 0;
    rc = sf_cache_drop(at("link.h5"), 0, why, sizeof why);
    sf_test(made && rc == -1 && strstr(why, "cannot open"), "link-not-followed", "rc %d: %s",
            rc, why);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("FAIL cleanup: could not remove %s\n", dir);
    return sf_test_failures != 0;
}
#else
#include <stdio.h>
int main(void)
{
    puts("skip cache-drop: mincore and statfs are Linux's");
    return 0;
}
#endif
