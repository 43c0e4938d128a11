/* sf_pipeline.h - generation overlapped with I/O: a generator thread fills unit i+1 into one
 * buffer while the main thread writes unit i from the other. The generator makes no MPI calls,
 * so MPI_THREAD_FUNNELED is enough. Memory: two unit buffers. */
#ifndef SF_PIPELINE_H
#define SF_PIPELINE_H

#include <stdint.h>

#include "sf_plan.h"
#include "sf_values.h"

typedef struct sf_pipeline sf_pipeline;

/* What fills a unit's buffer: the values of box, dense in C order. Returns 0, or non-zero to
 * stop the run (the code is kept; see sf_pipeline_next). Called from the generator thread when
 * there is one, so it makes no MPI calls. */
typedef int (*sf_producer)(void *ctx, const sf_box *box, void *out);

/* Contract: starts producing the plan's units in order. With overlap, a thread produces ahead
 * into two buffers; without, each unit is produced when asked for, into one buffer. threads
 * > 1 says produce is thread-safe and may fill disjoint parts of a unit from that many threads
 * at once (sf_pool.h): the values are the same for any count. produce, ctx and plan must
 * outlive the pipeline. Dies if memory or a thread cannot be had. */
sf_pipeline *sf_pipeline_start(sf_producer produce, void *ctx, const sf_plan *plan,
                               int overlap, int threads);

/* Contract: unit i (i = 0, 1, 2 ... in order; past the rank's own, empty) and its values, or
 * NULL when the producer returned non-zero for it (*code then holds what it returned). The
 * buffer stays valid until sf_pipeline_release(p, i). */
const void *sf_pipeline_next(sf_pipeline *p, uint64_t i, sf_unit *u, int *code);

/* Contract: unit i's buffer may be reused. */
void sf_pipeline_release(sf_pipeline *p, uint64_t i);

/* Contract: no unit after the ones already asked for will be needed: the generator stops. */
void sf_pipeline_stop(sf_pipeline *p);

/* Contract: joins the thread, frees everything, and reports the seconds spent generating and
 * the seconds the caller spent waiting for values (generation not hidden behind I/O). */
void sf_pipeline_finish(sf_pipeline *p, double *t_gen, double *t_wait);

#endif
