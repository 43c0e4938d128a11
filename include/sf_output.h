/* sf_output.h - keeping the user's files safe: the checks made before anything is created, and
 * the partial name that data is written under until it is complete. */
#ifndef SF_OUTPUT_H
#define SF_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

/* Contract: 0 when path may be written: its directory exists and is writable, path is not a
 * directory (unless is_dir_store, where the output itself is a directory), path does not exist
 * unless force, and no partial is left unless force or resume. Else SF_EXIT_USAGE with a
 * reason in err. Touches nothing. */
int sf_output_check(const char *path, int is_dir_store, int force, int resume, char *err,
                    size_t errlen);

/* Contract: 0 when the file system holding path has at least need bytes available to us;
 * else -1 with a reason naming the path, the space needed and the space available. */
int sf_output_space(const char *path, uint64_t need, char *err, size_t errlen);

/* Contract: removes path, a file or a directory tree, if it exists. Dies on failure. */
void sf_output_remove(const char *path);

/* Contract: the partial name for path, ".NAME.partial" in the same directory, into buf.
 * Returns -1 if it does not fit. */
int sf_output_partial_name(const char *path, char *buf, size_t len);

/* Contract: renames partial to path and syncs the directory so the rename is durable. A file
 * replaces path atomically. A directory store first moves an existing path aside to
 * ".NAME.old", renames, then removes the old one, so a complete store is under path at every
 * moment but one rename apart. Dies on failure, naming both paths. */
void sf_output_commit(const char *partial, const char *path);

#endif
