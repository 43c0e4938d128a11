/* control.c - the per-unit agreement, the signals and the progress line; see sf_control.h. */
#include "sf_control.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sf_error.h"
#include "sf_measure.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

static const int SIGNALS[3] = {SIGTERM, SIGUSR1, SIGINT};

void sf_control_begin(sf_control *c, MPI_Comm comm, int stoppable, double checkpoint, int show,
                      uint64_t Z, uint64_t resumed, uint64_t total_bytes)
{
    memset(c, 0, sizeof *c);
    c->comm = comm;
    c->stoppable = stoppable;
    c->checkpoint = checkpoint;
    c->Z = Z;
    c->resumed = resumed;
    c->total_bytes = total_bytes;
    stop_signal = 0;
    if (stoppable) {
        struct sigaction sa = {.sa_handler = on_stop_signal};
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        for (int i = 0; i < 3; i++)
            SF_SYS_CHECK(sigaction(SIGNALS[i], &sa, &c->old[i]));
    }
    c->show = show;
    SF_MPI_CHECK(MPI_Bcast(&c->show, 1, MPI_INT, 0, comm));
    c->t0 = c->last_ckpt = sf_clock();
}

/* Rank 0's terminal line: slices done (over all ranks, the resumed ones included) of all,
 * rate and ETA, at most 4 times a second. */
static void progress_line(sf_control *c, uint64_t done, double elapsed)
{
    if (elapsed - c->last_show < 0.25 && done < c->Z)
        return;
    c->last_show = elapsed;
    double fresh = (double)(done - c->resumed), rate = elapsed > 0 ? fresh / elapsed : 0;
    double eta = rate > 0 ? (double)(c->Z - done) / rate : 0;
    fprintf(stderr, "\r\033[K  %llu/%llu slices  %.2f GB/s  ETA %.0f s",
            (unsigned long long)done, (unsigned long long)c->Z,
            rate * (double)c->total_bytes / (double)c->Z / 1e9, eta);
    fflush(stderr);
}

sf_agreement sf_control_unit(sf_control *c, uint64_t i, uint64_t ncalls, uint64_t slices,
                             int code)
{
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(c->comm, &rank));
    c->done_here += slices;
    if (c->show) {
        uint64_t total = 0;
        SF_MPI_CHECK(MPI_Allreduce(&c->done_here, &total, 1, MPI_UINT64_T, MPI_SUM, c->comm));
        if (rank == 0)
            progress_line(c, c->resumed + total, sf_clock() - c->t0);
    }
    /* Rank 0's clock decides checkpoints, so every rank records after the same unit. A code
     * may be negative (C's usual -1): whether any rank has one travels apart from the codes,
     * and the largest and the smallest both, so that the one furthest from 0 is kept. */
    int flags[5] = {c->stoppable ? (int)stop_signal : 0,
                    rank == 0 && i + 1 < ncalls && sf_clock() - c->last_ckpt >= c->checkpoint,
                    code != 0, code, code == INT_MIN ? INT_MAX : -code};
    SF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, flags, 5, MPI_INT, MPI_MAX, c->comm));
    int lowest = -flags[4];
    sf_agreement a = {.checkpoint = flags[1], .signal = flags[0],
                      .code = flags[3] >= -lowest ? flags[3] : lowest};
    a.stop = a.signal != 0 || flags[2];
    return a;
}

void sf_control_checkpointed(sf_control *c) { c->last_ckpt = sf_clock(); }

void sf_control_end(sf_control *c)
{
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(c->comm, &rank));
    if (c->show && rank == 0)
        fputs("\r\033[K", stderr); /* the summary replaces the progress line */
    for (int i = 0; c->stoppable && i < 3; i++)
        SF_SYS_CHECK(sigaction(SIGNALS[i], &c->old[i], NULL));
}
