/* sf_cache.h - dropping a finished file from the page cache before it is read back, so that
 * verify's read phase measures the storage, as IOR's -r does after its own close (and as fio's
 * O_DIRECT read does by construction). */
#ifndef SF_CACHE_H
#define SF_CACHE_H

#include <stddef.h>

/* Contract: syncs and then drops from this node's page cache every regular file at path (a
 * file, or a directory store and its subdirectories, one level down), never following a link.
 * Returns 0, or -1 with the reason in why (an OS without posix_fadvise; a file that could not
 * be opened or synced; the advice refused). Pages another process keeps dirty or mapped may
 * stay; the kernel decides. Not collective. */
int sf_cache_drop(const char *path, int directory, char *why, size_t len);

#endif
