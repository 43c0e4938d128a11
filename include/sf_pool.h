/* sf_pool.h - a rank's spare cores filling one unit together. A unit's box is cut into chunks
 * of whole rows (or, for a part of one row, of columns); each chunk is a contiguous range of
 * the flat index g, so the values cannot depend on which thread fills which chunk, nor on how
 * many threads there are. Worker threads wait for a job; the thread that posts it fills chunks
 * too, and so may a thread with nothing else to do (sf_pool_help). Memory: none beyond the
 * caller's buffer. */
#ifndef SF_POOL_H
#define SF_POOL_H

#include <stddef.h>

#include "sf_values.h"

typedef struct sf_pool sf_pool;

/* Fills the values of box (dense, C order) into out, and returns 0 or a code to stop the run
 * (as sf_producer). Called from several threads at once on disjoint boxes, so it must be
 * thread-safe; it makes no MPI calls. */
typedef int (*sf_pool_fill)(void *ctx, const sf_box *box, void *out);

/* Contract: starts workers (>= 0) threads, with every signal blocked in them (signals are the
 * main thread's to handle); elem is the element size in bytes. Dies if a thread cannot be
 * made. With 0 workers the pool is the calling thread alone. */
sf_pool *sf_pool_start(int workers, size_t elem);

/* Contract: fills box into out with fill(ctx, ...) on the calling thread, the workers and any
 * thread in sf_pool_help, and returns when every chunk is done, with the code furthest from 0 that
 * fill returned. One job at a time: calls from two threads at once are not allowed. */
int sf_pool_run(sf_pool *p, sf_pool_fill fill, void *ctx, const sf_box *box, void *out);

/* Contract: fills chunks of the job under way that fills out, if there is one, until none is
 * left to take; returns 1 if it filled any, 0 if there was nothing to do. Any thread may call
 * it. (A writer waiting for unit i helps with unit i only, not with the one after it.) */
int sf_pool_help(sf_pool *p, const void *out);

/* Contract: stops and joins the workers and frees p (NULL allowed). No job may be under way. */
void sf_pool_finish(sf_pool *p);

#endif
