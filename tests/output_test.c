/* output_test.c - the never-lose-data rules, one case per way they must hold: the names beside
 * the output, the checks before a run (what exists, links, directories that are not stores,
 * names too long), the commit by rename (a file replaced whole, a store swapped, a link under
 * the final name replaced and not followed), and the lock (held by a child process: refused and
 * named; the child gone: taken over). */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_error.h"
#include "sf_files.h"
#include "sf_lock.h"
#include "sf_output.h"
#include "sf_test.h"

static char dir[64];

static const char *at(const char *name) { return sf_test_path(dir, name); }

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int holds(const char *path, const char *text)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return strcmp(buf, text) == 0;
}

static void names(void)
{
    char b[256];
    int ok = sf_output_partial_name("d/out.h5", b, sizeof b) == 0 && !strcmp(b, "d/.out.h5.partial");
    ok &= sf_output_partial_name("out.h5", b, sizeof b) == 0 && !strcmp(b, ".out.h5.partial");
    ok &= sf_lock_name("/a/b/x.npy", b, sizeof b) == 0 && !strcmp(b, "/a/b/.x.npy.lock");
    ok &= sf_sibling_name("x", ".p", b, 4) < 0; /* does not fit */
    sf_test(ok, "names-beside-the-output", "got %s", b);
}

static void checks(void)
{
    char err[SF_ERRLEN + 4096];
    put(at("there.h5"), "x");
    sf_test(sf_output_check(at("there.h5"), 0, 1, 0, 0, err, sizeof err) == SF_EXIT_USAGE &&
                strstr(err, "exists"), "check-refuses-an-existing-output", "%s", err);
    sf_test(sf_output_check(at("there.h5"), 0, 1, 1, 0, err, sizeof err) == 0,
            "check-allows-it-with-force", "%s", err);
    int made = symlink(at("nowhere"), at("dangling.h5")) == 0;
    sf_test(made && sf_output_check(at("dangling.h5"), 0, 1, 0, 0, err, sizeof err) != 0,
            "check-counts-a-dangling-link-as-existing", "%s", err);
    mkdir(at("plain.zarr"), 0700);
    sf_test(sf_output_check(at("plain.zarr"), 1, 0, 1, 0, err, sizeof err) != 0 &&
                strstr(err, "not a Zarr store"), "check-force-replaces-only-a-store", "%s", err);
    put(at(".left.h5.partial"), "x");
    sf_test(sf_output_check(at("left.h5"), 0, 1, 0, 0, err, sizeof err) != 0 &&
                strstr(err, "interrupted run"), "check-refuses-a-leftover-partial", "%s", err);
    char longname[300];
    memset(longname, 'n', 240);
    snprintf(longname + 240, sizeof longname - 240, ".zarr");
    sf_test(sf_output_check(at(longname), 1, 0, 0, 0, err, sizeof err) != 0 &&
                strstr(err, "at most 233"), "check-refuses-a-name-too-long", "%s", err);
    sf_test(sf_output_check(at("."), 1, 0, 0, 0, err, sizeof err) != 0,
            "check-refuses-a-dot", "accepted");
}

static void commits(void)
{
    put(at(".new.h5.partial"), "new");
    put(at("new.h5"), "old");
    sf_output_commit(at(".new.h5.partial"), at("new.h5"), NULL);
    struct stat st;
    sf_test(holds(at("new.h5"), "new") && lstat(at(".new.h5.partial"), &st) != 0,
            "commit-replaces-a-file", "not replaced");
    put(at("victim"), "victim");
    int made = symlink(at("victim"), at("linked.h5")) == 0;
    put(at(".linked.h5.partial"), "data");
    sf_output_commit(at(".linked.h5.partial"), at("linked.h5"), NULL);
    sf_test(made && holds(at("victim"), "victim") && lstat(at("linked.h5"), &st) == 0 &&
                S_ISREG(st.st_mode) && holds(at("linked.h5"), "data"),
            "commit-replaces-a-link-not-its-target", "the victim changed");
    mkdir(at("st.zarr"), 0700);
    put(at("st.zarr/.zgroup"), "old");
    mkdir(at(".st.zarr.partial"), 0700);
    put(at(".st.zarr.partial/.zgroup"), "new");
    mkdir(at(".st.zarr.old"), 0700); /* a user's own directory of that name */
    sf_output_commit(at(".st.zarr.partial"), at("st.zarr"), NULL);
    sf_test(holds(at("st.zarr/.zgroup"), "new") && lstat(at(".st.zarr.partial"), &st) != 0 &&
                lstat(at(".st.zarr.old"), &st) == 0, "commit-swaps-a-store-leaves-users-dirs",
            "not swapped");
}

/* A .npy's digests live in a sidecar that is checked, committed and discarded with it. */
static void sidecars(void)
{
    char err[SF_ERRLEN + 4096];
    struct stat st;
    put(at(".sc.npy.partial"), "values");
    put(at(".sc.npy.partial.xxh3"), "digests");
    put(at("sc.npy.xxh3"), "old digests");
    sf_test(sf_output_check_sidecar(at("sc.npy"), ".xxh3", 0, err, sizeof err) == SF_EXIT_USAGE
                && strstr(err, "sc.npy.xxh3"), "sidecar-present-refused", err);
    sf_test(sf_output_check_sidecar(at("sc.npy"), ".xxh3", 1, err, sizeof err) == 0,
            "sidecar-present-force-accepted", err);
    sf_output_commit(at(".sc.npy.partial"), at("sc.npy"), ".xxh3");
    sf_test(holds(at("sc.npy"), "values") && holds(at("sc.npy.xxh3"), "digests") &&
                lstat(at(".sc.npy.partial.xxh3"), &st) != 0,
            "commit-renames-the-sidecar-too", "not renamed");
    int made = symlink(at("victim"), at("ln.npy.xxh3")) == 0;
    sf_test(made && sf_output_check_sidecar(at("ln.npy"), ".xxh3", 0, err, sizeof err) ==
                SF_EXIT_USAGE, "sidecar-link-counts-as-present", "accepted");
    sf_output_discard(at("sc.npy"), ".xxh3");
    sf_test(lstat(at("sc.npy"), &st) != 0 && lstat(at("sc.npy.xxh3"), &st) != 0,
            "discard-removes-the-sidecar-too", "left");
}

static void locks(void)
{
    char err[SF_ERRLEN + 4096];
    int pipe_fd[2];
    if (pipe(pipe_fd) != 0)
        return;
    pid_t child = fork();
    if (child == 0) { /* holds the lock until killed */
        sf_lock *l;
        char c = sf_lock_take(at("busy.h5"), &l, err, sizeof err) == 0 ? 'y' : 'n';
        if (write(pipe_fd[1], &c, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char c = 'n';
    if (read(pipe_fd[0], &c, 1) != 1)
        c = 'n';
    sf_lock *l = NULL;
    int rc = sf_lock_take(at("busy.h5"), &l, err, sizeof err);
    char pid[32];
    snprintf(pid, sizeof pid, "pid %ld", (long)child);
    sf_test(c == 'y' && rc == SF_EXIT_USAGE && strstr(err, pid) &&
                sf_lock_busy(at("busy.h5"), err, sizeof err) == 1,
            "lock-held-by-a-live-process-refused-and-named", "%s", err);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    rc = sf_lock_take(at("busy.h5"), &l, err, sizeof err);
    sf_test(rc == 0 && sf_lock_busy(at("busy.h5"), err, sizeof err) == 0,
            "lock-of-a-killed-process-taken-over", "%s", err);
    sf_lock_release(rc == 0 ? l : NULL);
    struct stat st;
    sf_test(lstat(at(".busy.h5.lock"), &st) != 0, "lock-file-removed-on-release", "still there");
    close(pipe_fd[0]);
    close(pipe_fd[1]);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/sf-output.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    names();
    checks();
    commits();
    sidecars();
    locks();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("FAIL cleanup: could not remove %s\n", dir);
    return sf_test_failures != 0;
}
