/* sf_lock.h - one job owns an output at a time. Rank 0 holds an exclusive lock on ".NAME.lock"
 * beside the output from before it looks at the output until after the final rename, so a
 * second job on the same output (another mpirun, a requeued Slurm job that started early, a
 * --force aimed at a live run) is refused instead of deleting or renaming the first job's data.
 *
 * The lock is a POSIX record lock (fcntl F_SETLK), which the kernel drops when the holder dies,
 * even by SIGKILL: a job that is gone never blocks the next. It works on local file systems, on
 * NFS (v3 through lockd, v4 natively), on GPFS, and on Lustre mounted with -o flock (with
 * -o localflock, only between processes of one node). Where the file system refuses record
 * locks (Lustre's default noflock: ENOSYS), the lock file itself is the lock: created with
 * O_EXCL, naming its holder, removed at the end. A holder on this host that no longer exists is
 * taken over; one on another host cannot be checked, so the message says to remove the file
 * once that job is known to be gone. */
#ifndef SF_LOCK_H
#define SF_LOCK_H

#include <stddef.h>

typedef struct sf_lock sf_lock;

/* Contract: rank 0 only. Takes the lock for output path. Returns 0 with *lock set, or
 * SF_EXIT_USAGE with a one-line reason in err naming the holder (host, pid, Slurm job) when
 * another live job has it, or what is wrong with the lock file (a link, unwritable). */
int sf_lock_take(const char *path, sf_lock **lock, char *err, size_t errlen);

/* Contract: rank 0 only; creates and changes nothing. 1 when another live process holds the
 * lock for output path (its holder named in err, as sf_lock_take would), else 0. Where the
 * file system has no record locks it cannot tell, and says 0: sf_lock_take decides. */
int sf_lock_busy(const char *path, char *err, size_t errlen);

/* Contract: removes the lock file and releases the lock; NULL is allowed. */
void sf_lock_release(sf_lock *lock);

/* Contract: the lock file's name for output path (".NAME.lock" beside it); -1 if it does not
 * fit. */
int sf_lock_name(const char *path, char *buf, size_t len);

#endif
