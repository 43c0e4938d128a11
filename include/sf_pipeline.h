/* sf_pipeline.h - generation overlapped with I/O: a generator thread fills unit i+1 into one
 * buffer while the main thread writes unit i from the other. The generator makes no MPI calls,
 * so MPI_THREAD_FUNNELED is enough. Memory: two unit buffers. */
#ifndef SF_PIPELINE_H
#define SF_PIPELINE_H

#include <stdint.h>

#include "sf_decomp.h"
#include "sf_values.h"

typedef struct sf_pipeline sf_pipeline;

/* Contract: starts generating the work's units in order. With overlap, a thread generates
 * ahead into two buffers; without, each unit is generated when asked for, into one buffer.
 * spec, shape and work must outlive the pipeline. Dies if memory or the thread cannot be had. */
sf_pipeline *sf_pipeline_start(const sf_value_spec *spec, const uint64_t shape[3],
                               const sf_work *work, int overlap);

/* Contract: the values of unit i (i = 0, 1, 2 ... in order) and its box. The buffer stays
 * valid until sf_pipeline_release(p, i). Units past the rank's own are empty. */
const void *sf_pipeline_next(sf_pipeline *p, uint64_t i, sf_box *box);

/* Contract: unit i's buffer may be reused. */
void sf_pipeline_release(sf_pipeline *p, uint64_t i);

/* Contract: no unit after the ones already asked for will be needed: the generator stops. */
void sf_pipeline_stop(sf_pipeline *p);

/* Contract: joins the thread, frees everything, and reports the seconds spent generating and
 * the seconds the caller spent waiting for values (generation not hidden behind I/O). */
void sf_pipeline_finish(sf_pipeline *p, double *t_gen, double *t_wait);

/* Contract: monotonic seconds, safe from any thread (no MPI call). */
double sf_clock(void);

#endif
