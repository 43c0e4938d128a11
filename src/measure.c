/* measure.c - clocks, peak memory and on-disk size, with the OS differences guarded. */
#include "sf_measure.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sf_error.h"

double sf_now(void) { return MPI_Wtime(); }

uint64_t sf_peak_rss_bytes(void)
{
    struct rusage ru;
    SF_SYS_CHECK(getrusage(RUSAGE_SELF, &ru));
#if defined(__APPLE__)
    return (uint64_t)ru.ru_maxrss; /* bytes on macOS */
#else
    return (uint64_t)ru.ru_maxrss * 1024; /* KiB on Linux and the BSDs */
#endif
}

uint64_t sf_file_disk_bytes(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        sf_die(__FILE__, __LINE__, "stat", "%s: %s", path, strerror(errno));
    return (uint64_t)st.st_blocks * 512;
}
