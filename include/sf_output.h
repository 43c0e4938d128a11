/* sf_output.h - keeping the user's files safe: the checks made before anything is created, and
 * the partial name that data is written under until it is complete. */
#ifndef SF_OUTPUT_H
#define SF_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

/* Open MPI 4.1's OMPIO appends ".locktest.RANK" to the path of every file it opens, into a
 * 256-byte buffer, and aborts beyond it: paths handed to MPI-IO stay within this many bytes
 * (room for a seven-digit rank). */
#define SF_MPIIO_PATH_MAX 238

/* Contract: 0 when path may be written: its base name is a name (not "." or ".."), short enough
 * for the names slabfill adds to it, and, when mpiio, its partial path fits
 * SF_MPIIO_PATH_MAX; its directory exists and is writable; path is not a directory (unless
 * is_dir_store, where the output itself is a directory, and then only a Zarr store is
 * replaced); nothing is under path (a link counts) unless force; and no partial is left unless
 * force or resume. Else SF_EXIT_USAGE with a reason in err. Touches nothing. */
int sf_output_check(const char *path, int is_dir_store, int mpiio, int force, int resume,
                    char *err, size_t errlen);

/* Contract: 0 when path's sidecar (path + sidecar; NULL: none) may be written: absent, or
 * force; else SF_EXIT_USAGE with a reason. A link there counts as present. */
int sf_output_check_sidecar(const char *path, const char *sidecar, int force, char *err,
                            size_t errlen);

/* Contract: rank 0. A fingerprint of what is under path and its sidecar (path + sidecar; NULL:
 * none) into *id: each entry's device, inode, type, size, modification and change times (to
 * the nanosecond where the OS keeps them), and for a directory store every entry inside it, by
 * name, links never followed. Any change to any of them (a file replaced, edited, renamed, a
 * file added inside a store) changes it. 0, or -1 when path or the sidecar is missing or cannot
 * be read. --repeat removes only a file whose fingerprint is the one its last write left. */
int sf_output_identity(const char *path, const char *sidecar, uint64_t *id);

/* Contract: sf_output_remove of path and of its sidecar (NULL: none). */
void sf_output_discard(const char *path, const char *sidecar);

/* Contract: 0 when the file system holding path has at least need bytes available to us;
 * else -1 with a reason naming the path, the space needed and the space available. */
int sf_output_space(const char *path, uint64_t need, char *err, size_t errlen);

/* Contract: removes path, a file or a directory tree, if it exists. Dies on failure. */
void sf_output_remove(const char *path);

/* Contract: the partial name for path, ".NAME.partial" in the same directory, into buf.
 * Returns -1 if it does not fit. */
int sf_output_partial_name(const char *path, char *buf, size_t len);

/* Contract: renames partial to path (first partial's sidecar to path's, when sidecar is not
 * NULL: a crash between the two leaves the partial complete and resumable, and the sidecar
 * beside the output is then the new file's) and syncs the directory so the rename is durable. A file
 * replaces path atomically. A directory store replacing another is swapped with it in one
 * step where the OS can (Linux renameat2 RENAME_EXCHANGE), else the old one is first moved
 * into a fresh ".NAME.old.XXXXXX"; then the old store is removed. Dies on failure, naming both
 * paths. */
void sf_output_commit(const char *partial, const char *path, const char *sidecar);

#endif
