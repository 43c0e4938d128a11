/* sf_decomp.h - who writes what: contiguous z-ranges per rank, cut into write units (boxes)
 * no larger than the I/O buffer. Everything here is a pure function of (shape, ranks, options),
 * so every rank knows every other rank's plan without communicating. */
#ifndef SF_DECOMP_H
#define SF_DECOMP_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

typedef struct {
    uint64_t z0, nz; /* slices [z0, z0+nz) */
} sf_zrange;

typedef struct {
    sf_zrange zr;         /* this rank's slices */
    uint64_t shape[3];    /* the whole array */
    uint64_t unit[3];     /* full-size write unit: nz x nx x ny */
    uint64_t nunits;      /* units this rank writes */
    uint64_t ncalls;      /* collective calls every rank makes: max nunits over ranks */
    uint64_t unit_elems;  /* elements in a full unit, i.e. the buffer size in elements */
} sf_plan;

/* Contract: the slices of rank r of P: the first Z mod P ranks get one more; ranks beyond Z get
 * nz = 0 (with z0 = Z). Requires P >= 1, 0 <= r < P. */
sf_zrange sf_decomp_zrange(uint64_t Z, int nranks, int rank);

/* Contract: the plan for rank r of P. A unit is `slab` whole slices when they fit in `buffer`
 * bytes; else one slice cut along x; else one row cut along y. A unit always holds >= 1
 * element, so the buffer is max(buffer, elem) bytes at most. */
sf_plan sf_plan_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     int nranks, int rank);

/* Contract: box of unit i of the plan; an empty box (all counts 0) when i >= p->nunits, so a
 * rank that ran out of slices still joins collective call i. */
sf_box sf_plan_box(const sf_plan *p, uint64_t i);

/* The units one rank writes when some slices may already be complete (a resumed run): its
 * share of the missing slices, as contiguous runs of z, each planned like sf_plan_make. */
typedef struct {
    int nplans;
    sf_plan *plans;      /* one per contiguous run of missing slices in this rank's share */
    uint64_t nunits;     /* units over all plans */
    uint64_t unit_elems; /* the largest unit: the buffer size in elements */
} sf_work;

/* Contract: rank r of P's work. done (shape[0] bytes, or NULL for none) marks complete slices.
 * The missing slices, in z order, are shared out as sf_decomp_zrange shares Z (the first M mod
 * P ranks get one more), so with done == NULL this is exactly sf_plan_make's plan. The caller
 * must agree the collective call count (the largest nunits over ranks). */
sf_work sf_work_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     const unsigned char *done, int nranks, int rank);

/* Contract: frees the work's plans. */
void sf_work_free(sf_work *w);

/* Contract: box of unit i, in order over the plans; empty when i >= w->nunits. */
sf_box sf_work_box(const sf_work *w, uint64_t i);

/* Contract: 1 when unit i is the last unit of the slices it covers, which are then complete
 * once it is written; those slices go to *slices. 0 otherwise. */
int sf_work_completes(const sf_work *w, uint64_t i, sf_zrange *slices);

#endif
