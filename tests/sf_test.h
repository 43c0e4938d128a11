/* sf_test.h - the few lines the C unit tests share: named cases that print "ok NAME" or
 * "FAIL NAME: why", counted by tests/run, and an exit status that is non-zero on any failure. */
#ifndef SF_TEST_H
#define SF_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sf_test_failures;

/* Reports one case; returns ok so callers can stop early. */
static int sf_test(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("ok %s\n", name);
    } else {
        va_list ap;
        va_start(ap, fmt);
        printf("FAIL %s: ", name);
        vprintf(fmt, ap);
        putchar('\n');
        va_end(ap);
        sf_test_failures++;
    }
    fflush(stdout);
    return ok;
}

/* Reports a case that cannot run because a package is missing: a skip, or under CI=true a
 * failure, since CI must install everything the tests use (scripts/install-deps). */
static inline void sf_test_needs(const char *name, const char *what)
{
    const char *ci = getenv("CI");
    if (ci && strcmp(ci, "true") == 0) {
        printf("FAIL %s: needs %s, which is not installed (scripts/install-deps installs it)\n",
               name, what);
        sf_test_failures++;
    } else {
        printf("skip %s: needs %s, which is not installed (scripts/install-deps installs it)\n",
               name, what);
    }
    fflush(stdout);
}

/* dir/name, in one of four buffers used in turn, so that one call can take up to four paths. */
static inline const char *sf_test_path(const char *dir, const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

#endif
