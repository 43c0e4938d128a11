/* sf_writeback.h - streaming write-out: each unit goes to disk as soon as it is written, and
 * leaves the page cache once it is there. A file larger than memory then streams at the disk's
 * pace from a page cache that stays small, instead of piling up dirty pages that the final sync
 * (and the kernel's throttling) must work off, and it does not evict other users' data. */
#ifndef SF_WRITEBACK_H
#define SF_WRITEBACK_H

#include <stdint.h>

typedef struct sf_writeback sf_writeback;

/* Contract: opens path (which must exist) for streaming write-out of the byte ranges this rank
 * writes, in units of at most unit_bytes. Returns NULL, doing nothing, where the OS has no way to
 * do it (only Linux has sync_file_range). Dies if the file cannot be opened. Not collective. */
sf_writeback *sf_writeback_open(const char *path, uint64_t unit_bytes);

/* Contract: call after the bytes [offset, offset + len) of the file were handed to the I/O
 * library. Starts writing them out; then, oldest first, waits until earlier ranges are on disk
 * and drops them from the page cache, until besides this one at most 4 units or 64 MiB
 * (whichever is less) are in flight. Dies on an I/O error, naming it. wb may be NULL (does
 * nothing). */
void sf_writeback_unit(sf_writeback *wb, uint64_t offset, uint64_t len);

/* Contract: closes and frees wb (NULL allowed). The last range is left to the final sync. */
void sf_writeback_close(sf_writeback *wb);

#endif
