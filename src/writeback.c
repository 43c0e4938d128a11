/* writeback.c - streaming write-out with sync_file_range and posix_fadvise (Linux).
 *
 * The pattern: after unit k is written, start its write-out (SYNC_FILE_RANGE_WRITE, which does
 * not wait); then, once more than a small window is in flight, wait for the oldest unit's
 * write-out to finish and drop its pages with POSIX_FADV_DONTNEED. The disk stays busy with the
 * units just written while the next one is generated and copied, and the page cache holds a few
 * units per rank instead of the whole file. It works through a descriptor of our own: the page
 * cache belongs to the file, not to the descriptor the I/O library (MPI-IO, HDF5, PnetCDF) wrote
 * through.
 *
 * Durability is unchanged: sync_file_range alone promises nothing about metadata or the disk's
 * own cache, so the backend's close still syncs (MPI_File_sync, fsync) when asked to. */
#if defined(__linux__)
#define _GNU_SOURCE /* sync_file_range */
#endif
#include "sf_writeback.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_error.h"

#if defined(__linux__)

/* Ranges written out but not yet waited for, oldest first. Besides the newest, up to
 * SF_WB_UNITS units or SF_WB_WINDOW bytes, whichever is less, stay in flight: one unit alone
 * leaves the disk idle while the next is generated and copied (docs/performance.md has the
 * measurement). */
#define SF_WB_MAX 64
#define SF_WB_UNITS 4
#define SF_WB_WINDOW (UINT64_C(64) << 20)

struct sf_writeback {
    int fd;
    uint64_t window;                /* bytes allowed in flight before the oldest is waited for */
    uint64_t off[SF_WB_MAX], len[SF_WB_MAX];
    int head, count;
    uint64_t inflight;
};

sf_writeback *sf_writeback_open(const char *path, uint64_t unit_bytes)
{
    sf_writeback *wb = sf_xcalloc(1, sizeof *wb);
    wb->window = unit_bytes < SF_WB_WINDOW / SF_WB_UNITS ? SF_WB_UNITS * unit_bytes
                                                         : SF_WB_WINDOW;
    /* Read-only is enough for both calls, and cannot write by mistake. */
    wb->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (wb->fd < 0)
        sf_die(__FILE__, __LINE__, "open", "%s: %s", path, strerror(errno));
    return wb;
}

/* Waits until the oldest range is on disk, then drops it from the page cache. */
static void retire_oldest(sf_writeback *wb)
{
    const uint64_t off = wb->off[wb->head], len = wb->len[wb->head];
    SF_SYS_CHECK(sync_file_range(wb->fd, (off_t)off, (off_t)len,
                                 SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                     SYNC_FILE_RANGE_WAIT_AFTER));
    int rc = posix_fadvise(wb->fd, (off_t)off, (off_t)len, POSIX_FADV_DONTNEED);
    if (rc != 0) /* returns the error number; errno is not set */
        sf_die(__FILE__, __LINE__, "posix_fadvise(POSIX_FADV_DONTNEED)", "%s", strerror(rc));
    wb->head = (wb->head + 1) % SF_WB_MAX;
    wb->count--;
    wb->inflight -= len;
}

void sf_writeback_unit(sf_writeback *wb, uint64_t offset, uint64_t len)
{
    if (!wb || len == 0)
        return;
    SF_SYS_CHECK(sync_file_range(wb->fd, (off_t)offset, (off_t)len, SYNC_FILE_RANGE_WRITE));
    if (wb->count == SF_WB_MAX)
        retire_oldest(wb);
    int tail = (wb->head + wb->count) % SF_WB_MAX;
    wb->off[tail] = offset;
    wb->len[tail] = len;
    wb->count++;
    wb->inflight += len;
    /* Keep the newest range and, within the window, those before it. */
    while (wb->count > 1 && wb->inflight - len > wb->window)
        retire_oldest(wb);
}

void sf_writeback_close(sf_writeback *wb)
{
    if (!wb)
        return;
    SF_SYS_CHECK(close(wb->fd));
    free(wb);
}

#else /* no sync_file_range: the kernel's own write-out it is */

sf_writeback *sf_writeback_open(const char *path, uint64_t unit_bytes)
{
    (void)path;
    (void)unit_bytes;
    return NULL;
}

void sf_writeback_unit(sf_writeback *wb, uint64_t offset, uint64_t len)
{
    (void)wb;
    (void)offset;
    (void)len;
}

void sf_writeback_close(sf_writeback *wb) { (void)wb; }

#endif
