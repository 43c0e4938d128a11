/* writeback.c - streaming write-out with sync_file_range and posix_fadvise (Linux).
 *
 * The pattern: after unit k is written, start its write-out (SYNC_FILE_RANGE_WRITE, which does
 * not wait), then wait for unit k-1's write-out to finish and drop its pages with
 * POSIX_FADV_DONTNEED. The disk is always busy with the unit just written while the next one is
 * generated and copied, and the page cache holds about two units per rank instead of the whole
 * file. It works through a descriptor of our own: the page cache belongs to the file, not to
 * the descriptor the I/O library (MPI-IO, HDF5, PnetCDF) wrote through.
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

struct sf_writeback {
    int fd;
    uint64_t prev_off, prev_len; /* the range written out on the call before; len 0: none */
};

sf_writeback *sf_writeback_open(const char *path)
{
    sf_writeback *wb = sf_xcalloc(1, sizeof *wb);
    /* Read-only is enough for both calls, and cannot write by mistake. */
    wb->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (wb->fd < 0)
        sf_die(__FILE__, __LINE__, "open", "%s: %s", path, strerror(errno));
    return wb;
}

void sf_writeback_unit(sf_writeback *wb, uint64_t offset, uint64_t len)
{
    if (!wb || len == 0)
        return;
    SF_SYS_CHECK(sync_file_range(wb->fd, (off64_t)offset, (off64_t)len, SYNC_FILE_RANGE_WRITE));
    if (wb->prev_len) {
        SF_SYS_CHECK(sync_file_range(wb->fd, (off64_t)wb->prev_off, (off64_t)wb->prev_len,
                                     SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                         SYNC_FILE_RANGE_WAIT_AFTER));
        int rc = posix_fadvise(wb->fd, (off_t)wb->prev_off, (off_t)wb->prev_len,
                               POSIX_FADV_DONTNEED);
        if (rc != 0) /* returns the error number; errno is not set */
            sf_die(__FILE__, __LINE__, "posix_fadvise(POSIX_FADV_DONTNEED)", "%s",
                   strerror(rc));
    }
    wb->prev_off = offset;
    wb->prev_len = len;
}

void sf_writeback_close(sf_writeback *wb)
{
    if (!wb)
        return;
    SF_SYS_CHECK(close(wb->fd));
    free(wb);
}

#else /* no sync_file_range: the kernel's own write-out it is */

sf_writeback *sf_writeback_open(const char *path)
{
    (void)path;
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
