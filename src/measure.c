/* measure.c - clocks, peak memory and on-disk size, with the OS differences guarded. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "sf_measure.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "sf_error.h"

double sf_clock(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        sf_die_errno("clock_gettime", "CLOCK_MONOTONIC");
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int hwm_was_reset;

#if defined(__linux__)
/* A "VmXXX:   1234 kB" line of /proc/self/status, in bytes; 0 when absent. */
static uint64_t proc_status_bytes(const char *key)
{
    FILE *f = sf_xfopen("/proc/self/status", "r");
    char line[256];
    uint64_t v = 0;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':')
            v = strtoull(line + klen + 1, NULL, 10) * 1024;
    fclose(f);
    return v;
}
#endif

uint64_t sf_peak_rss_bytes(void)
{
#if defined(__linux__)
    if (hwm_was_reset)
        return proc_status_bytes("VmHWM");
#endif
    struct rusage ru;
    SF_SYS_CHECK(getrusage(RUSAGE_SELF, &ru));
#if defined(__APPLE__)
    return (uint64_t)ru.ru_maxrss; /* bytes on macOS */
#else
    return (uint64_t)ru.ru_maxrss * 1024; /* KiB on Linux and the BSDs */
#endif
}

int sf_peak_rss_reset(void)
{
#if defined(__linux__)
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return 0;
    int ok = fputs("5", f) >= 0;
    ok &= fclose(f) == 0;
    uint64_t hwm = proc_status_bytes("VmHWM"), rss = proc_status_bytes("VmRSS");
    if (ok && hwm > 0 && hwm <= rss + (UINT64_C(4) << 20)) {
        hwm_was_reset = 1;
        return 1;
    }
#endif
    return 0;
}

static uint64_t tree_bytes;

static int add_blocks(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)p, (void)flag, (void)ftw;
    tree_bytes += (uint64_t)st->st_blocks * 512;
    return 0;
}

uint64_t sf_file_disk_bytes(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        sf_die(__FILE__, __LINE__, "stat", "%s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return (uint64_t)st.st_blocks * 512;
    tree_bytes = 0;
    if (nftw(path, add_blocks, 32, FTW_PHYS) != 0)
        sf_die(__FILE__, __LINE__, "nftw", "%s: %s", path, strerror(errno));
    return tree_bytes;
}
