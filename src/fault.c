/* fault.c - the test build's fault injection points; see sf_fault.h. */
#include "sf_fault.h"

#if defined(SF_FAULT_INJECTION) && SF_FAULT_INJECTION
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sf_error.h"

void sf_fault_point(const char *step)
{
    static char want[32];
    static unsigned long n, passes;
    static int pause, parsed, active;
    if (!parsed) {
        parsed = 1;
        const char *spec = getenv("SLABFILL_FAULT"), *rank = getenv("SLABFILL_FAULT_RANK");
        char mode[16] = "";
        active = spec && sscanf(spec, "%31[a-z]:%lu:%15s", want, &n, mode) >= 2 &&
                 (!rank || atoi(rank) == sf_rank());
        pause = strcmp(mode, "pause") == 0;
    }
    if (!active || strcmp(step, want) != 0 || ++passes != n)
        return;
    if (!pause)
        raise(SIGKILL);
    const char *go = getenv("SLABFILL_FAULT_GO");
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (int i = 0; go && i < 6000 && access(go, F_OK) != 0; i++)
        nanosleep(&ts, NULL);
}
#else
typedef int sf_fault_unused; /* ISO C wants a translation unit to declare something */
#endif
