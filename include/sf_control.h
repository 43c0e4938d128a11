/* sf_control.h - what every rank must agree on while the units go by: whether to stop (a
 * signal arrived, or a producer asked to), and whether to checkpoint; plus the progress line a
 * person at a terminal sees. One small MPI_Allreduce per unit carries the agreement, so all
 * ranks stop after the same unit and record the same slices. */
#ifndef SF_CONTROL_H
#define SF_CONTROL_H

#include <mpi.h>
#include <signal.h>
#include <stdint.h>

typedef struct {
    MPI_Comm comm;
    int stoppable;         /* signals stop cleanly (there is a file to resume) */
    struct sigaction old[3];
    double checkpoint;     /* seconds between checkpoints; 0: after every unit */
    double last_ckpt, t0;
    int show;              /* rank 0 shows a progress line (same value on every rank) */
    double last_show;
    uint64_t Z, resumed, total_bytes, done_here;
} sf_control;

/* What the ranks agreed after a unit. */
typedef struct {
    int checkpoint;        /* write a progress record now */
    int stop;              /* stop after this unit: a signal arrived, or a producer said so */
    int signal;            /* the signal that stopped the run, or 0 */
    int code;              /* the code furthest from 0 that a producer returned, or 0 */
} sf_agreement;

/* Contract: collective over comm. Starts the clock (t0) and, when stoppable, catches SIGTERM,
 * SIGUSR1 and SIGINT (without a file to resume they keep their default effect). show asks for
 * a progress line; rank 0's value holds. */
void sf_control_begin(sf_control *c, MPI_Comm comm, int stoppable, double checkpoint, int show,
                      uint64_t Z, uint64_t resumed, uint64_t total_bytes);

/* Contract: collective, once per unit i of ncalls. slices: how many slices this rank has
 * completed with this unit; code: non-zero when this rank's producer asked to stop. Updates
 * the progress line (which costs one more small reduction per unit, only while shown). */
sf_agreement sf_control_unit(sf_control *c, uint64_t i, uint64_t ncalls, uint64_t slices,
                             int code);

/* Contract: a checkpoint was written now. */
void sf_control_checkpointed(sf_control *c);

/* Contract: restores the signal handlers and clears the progress line. */
void sf_control_end(sf_control *c);

#endif
