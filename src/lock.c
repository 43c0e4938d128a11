/* lock.c - the output's owner; see sf_lock.h for the kinds of lock and where each works. */
#include "sf_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sf_error.h"
#include "sf_files.h"


struct sf_lock {
    int fd;
    char path[4200];
};

int sf_lock_name(const char *path, char *buf, size_t len)
{
    return sf_sibling_name(path, ".lock", buf, len);
}

/* The word after key in the holder's line ("host H pid P job J"), into buf. */
static void holder_word(const char *line, const char *key, char *buf, size_t len)
{
    const char *p = strstr(line, key);
    size_t n = 0;
    if (p)
        for (p += strlen(key); *p > ' ' && *p != 0x7f && n + 1 < len; p++)
            buf[n++] = *p;
    buf[n] = '\0';
}

/* "host H, pid P[, Slurm job J]" of the holder, from the lock file's one line. */
static void holder_of(int fd, char *who, size_t len, char *host, size_t hlen, long *pid)
{
    char line[512] = "", p[32], job[64];
    ssize_t n = pread(fd, line, sizeof line - 1, 0);
    line[n > 0 ? n : 0] = '\0';
    holder_word(line, "host ", host, hlen);
    holder_word(line, " pid ", p, sizeof p);
    holder_word(line, " job ", job, sizeof job);
    char *end = NULL;
    *pid = strtol(p, &end, 10);
    if (!host[0] || !p[0] || *end != '\0' || *pid <= 0) {
        *pid = 0;
        snprintf(who, len, "a holder that left no name");
        return;
    }
    int slurm = job[0] && strcmp(job, "-") != 0;
    snprintf(who, len, "host %s, pid %ld%s%s", host, *pid, slurm ? ", Slurm job " : "",
             slurm ? job : "");
}

static void write_holder(sf_lock *l)
{
    char host[256] = "unknown", line[512];
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    const char *job = getenv("SLURM_JOB_ID");
    int n = snprintf(line, sizeof line, "host %s pid %ld job %.40s\n", host, (long)getpid(),
                     job && *job ? job : "-");
    if (ftruncate(l->fd, 0) != 0)
        sf_die_errno("ftruncate", l->path);
    if (pwrite(l->fd, line, (size_t)n, 0) != n)
        sf_die_errno("pwrite", l->path);
}

/* Record locks: the kernel releases them when the holder dies, so holding one is proof. */
static int take_record_lock(sf_lock *l, char *err, size_t errlen)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(l->fd, F_SETLK, &fl) == 0)
        return 0;
    if (errno == EACCES || errno == EAGAIN) {
        char who[400], host[256] = "";
        long pid;
        holder_of(l->fd, who, sizeof who, host, sizeof host, &pid);
        snprintf(err, errlen, "the output is being written by another slabfill job (%s, lock "
                 "%s); wait for it to end, or give another -o", who, l->path);
        return SF_EXIT_USAGE;
    }
    return -1; /* no record locks on this file system: errno says why */
}

/* Without record locks the file's existence is the lock. Someone else's file is taken over
 * only when its holder ran on this host and no longer exists; returns 1 then (retry), or
 * SF_EXIT_USAGE with the holder named. */
static int stale_file_lock(sf_lock *l, char *err, size_t errlen)
{
    char who[400], host[256] = "", me[256] = "";
    long pid = 0;
    holder_of(l->fd, who, sizeof who, host, sizeof host, &pid);
    if (gethostname(me, sizeof me - 1) != 0)
        me[0] = '\0';
    int gone = pid > 0 && strcmp(host, me) == 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
    if (gone && unlink(l->path) == 0)
        return 1;
    snprintf(err, errlen, "the output is being written by another slabfill job (%s); this file "
             "system has no locks, so if that job is gone, remove %s and retry", who, l->path);
    return SF_EXIT_USAGE;
}

/* Opens (creating when absent) the lock file and locks it; 0, 1 to retry, or SF_EXIT_USAGE. */
static int try_take(sf_lock *l, char *err, size_t errlen)
{
    if (sf_plain_entry(l->path, 0, err, errlen) < 0)
        return SF_EXIT_USAGE;
    int created = 1;
    l->fd = open(l->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (l->fd < 0 && errno == EEXIST) {
        created = 0;
        l->fd = open(l->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    }
    if (l->fd < 0) {
        if (errno == ENOENT)
            return 1; /* removed by its holder meanwhile */
        snprintf(err, errlen, "cannot open the lock file %s: %s", l->path, strerror(errno));
        return SF_EXIT_USAGE;
    }
    int rc = take_record_lock(l, err, errlen);
    if (rc < 0) /* ENOLCK, ENOSYS, EOPNOTSUPP, EINVAL: the file itself is the lock */
        rc = created ? 0 : stale_file_lock(l, err, errlen);
    if (rc != 0)
        return rc;
    /* The previous holder may have removed the file between our open and our lock: then we
     * hold a lock on a name that is gone. Only a lock on the file under the name counts. */
    struct stat a, b;
    if (fstat(l->fd, &a) == 0 && lstat(l->path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return 0;
    return 1;
}

int sf_lock_take(const char *path, sf_lock **lock, char *err, size_t errlen)
{
    sf_lock *l = sf_xcalloc(1, sizeof *l);
    l->fd = -1;
    err[0] = '\0';
    if (sf_lock_name(path, l->path, sizeof l->path) != 0) {
        snprintf(err, errlen, "output path '%s' is too long", path);
        free(l);
        return SF_EXIT_USAGE;
    }
    for (int attempt = 0; attempt < 8; attempt++) {
        int rc = try_take(l, err, errlen);
        if (rc == 0) {
            write_holder(l);
            *lock = l;
            return 0;
        }
        if (l->fd >= 0)
            close(l->fd); /* never locked, or locked on a name that is gone */
        l->fd = -1;
        if (rc != 1)
            break;
    }
    if (!err[0])
        snprintf(err, errlen, "cannot take the lock %s: it keeps changing", l->path);
    free(l);
    return SF_EXIT_USAGE;
}

int sf_lock_busy(const char *path, char *err, size_t errlen)
{
    char name[4200];
    if (sf_lock_name(path, name, sizeof name) != 0)
        return 0;
    int fd = open(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    if (busy) {
        char who[400], host[256] = "";
        long pid;
        holder_of(fd, who, sizeof who, host, sizeof host, &pid);
        snprintf(err, errlen, "the output is being written by another slabfill job (%s, lock "
                 "%s); wait for it to end, or give another -o", who, name);
    }
    close(fd); /* read-only, never locked: nothing to release */
    return busy;
}

void sf_lock_release(sf_lock *l)
{
    if (!l)
        return;
    /* Unlink first, while still holding it: a job that opens the name after this creates a
     * new file, and one that opened the old file finds it gone (the inode check above). */
    if (unlink(l->path) != 0 && errno != ENOENT)
        sf_die_errno("unlink", l->path);
    if (close(l->fd) != 0)
        sf_die_errno("close", l->path);
    free(l);
}
