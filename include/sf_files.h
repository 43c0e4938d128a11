/* sf_files.h - the careful ways slabfill touches a file by name. Whatever slabfill reads back
 * (a progress record, a header, a store's metadata) may have been planted or damaged, so it is
 * read only when it is a regular file, never through a link it did not create, never from a
 * FIFO that would block, and never past a size limit. What it creates is created exclusively. */
#ifndef SF_FILES_H
#define SF_FILES_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>

/* Where the OS lacks them: without O_NOFOLLOW, the lstat before each open is the only guard. */
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* Contract: splits path into its directory ("." for a bare name, "/" for "/name") and its base
 * name (the part after the last slash, possibly empty). Returns -1 if dir does not fit. */
int sf_split_path(const char *path, char *dir, size_t dlen, const char **base);

/* Contract: the hidden name beside path that slabfill uses for its own files: ".NAME" followed
 * by suffix, in path's directory ("dir/.out.h5.partial" for "dir/out.h5" and ".partial").
 * Returns -1 if it does not fit. */
int sf_sibling_name(const char *path, const char *suffix, char *buf, size_t len);

/* Contract: 0 with the size of path, which must be a regular file (sf_open_regular's rules), or
 * -1 with a reason in err. */
int sf_regular_size(const char *path, uint64_t *size, char *err, size_t errlen);

/* Contract: reads the file at path, which must be a regular file (a symbolic link, FIFO,
 * device or directory is refused without being opened for reading, and a FIFO never blocks),
 * into a NUL-terminated buffer the caller frees. Refuses files larger than max bytes. Returns
 * 0 with *buf and *len set, 1 when path does not exist, or -1 with a reason naming path in
 * err. */
int sf_read_small(const char *path, size_t max, char **buf, size_t *len, char *err,
                  size_t errlen);

/* Contract: opens path read-only when it is a regular file (not a link, FIFO or device; a
 * FIFO never blocks the open). Returns the descriptor with its size in *size, or -1 with a
 * reason in err (ENOENT left in errno when it does not exist). */
int sf_open_regular(const char *path, uint64_t *size, char *err, size_t errlen);

/* Contract: 1 when path is a regular file (or, with dir_ok, a directory), not a link; 0 when
 * it does not exist; -1 with a reason in err when it is anything else (a link, FIFO, device). */
int sf_plain_entry(const char *path, int dir_ok, char *err, size_t errlen);

/* Contract: 0 when the bytes [off, off + len) of the file open as fd are all stored; 1 when a
 * hole lies in them (a range never written, as a write that failed for lack of space leaves),
 * its offset in *hole; -1 with errno when the OS cannot tell. Where the OS has no SEEK_HOLE, or
 * the file system reports none, every range counts as stored. */
int sf_find_hole(int fd, uint64_t off, uint64_t len, uint64_t *hole);

/* Contract: writes all len bytes to fd, retrying short writes and EINTR. Returns 0, or -1 with
 * errno set. */
int sf_write_all(int fd, const void *buf, size_t len);

/* Contract: creates path exclusively (it must not exist; a link there is not followed), writes
 * text, fsyncs and closes it. Dies on failure, naming the call and path. */
void sf_write_new(const char *path, const char *text, size_t len);

/* Contract: makes the entries of directory dir durable (fsync). Dies on failure, except where
 * the file system does not sync directories (EINVAL, EBADF), which is as durable as it gets. */
void sf_fsync_dir(const char *dir);

/* Contract: sf_fsync_dir of the directory holding path. */
void sf_fsync_parent(const char *path);

#endif
