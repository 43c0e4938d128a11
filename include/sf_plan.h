/* sf_plan.h - who writes what, and in which pieces: the one planner. Each rank takes a
 * contiguous share of the slices still to do (all of them, or those a resume lacks), and cuts
 * it into write units no larger than the I/O buffer. Everything here is a pure function of
 * (shape, element size, slab, buffer, done mask, P, r), so every rank knows every other rank's
 * plan without communicating. Writing, a resume's read-back and verify all use it. */
#ifndef SF_PLAN_H
#define SF_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

typedef struct {
    uint64_t z0, nz; /* slices [z0, z0+nz) */
} sf_zrange;

/* One write unit: what a backend writes in one (collective) call. */
typedef struct {
    sf_box box;       /* its slices, rows or part of a row; counts 0 for an empty unit */
    uint64_t g0;      /* flat C-order index of its first value */
    uint64_t nelem;   /* values in it: 0 when a rank with nothing left joins a collective */
    uint64_t nbytes;  /* nelem times the element size */
    uint64_t offset;  /* byte offset of its first value from the array's first value */
    sf_zrange done;   /* the slices complete once it is written (nz = 0: none yet) */
} sf_unit;

typedef struct {
    uint64_t shape[3];
    size_t elem;
    uint64_t unit[3];     /* a full unit: nz x nx x ny */
    uint64_t unit_elems;  /* values in a full unit: the buffer size in elements */
    int nruns;
    sf_zrange *runs;      /* this rank's slices, as contiguous runs in z order */
    uint64_t *first;      /* index of each run's first unit */
    uint64_t nunits;      /* units this rank writes */
    uint64_t ncalls;      /* calls every rank makes: the most units any rank has */
} sf_plan;

/* Contract: the slices of rank r of P: the first Z mod P ranks get one more; ranks beyond Z get
 * nz = 0 (with z0 = Z). Requires P >= 1, 0 <= r < P. */
sf_zrange sf_share(uint64_t Z, int nranks, int rank);

/* Contract: rank r of P's plan. The slices not marked in done (shape[0] flags; NULL for none
 * done), in z order, are shared out as sf_share shares Z. A unit is `slab` whole slices when
 * they fit in `buffer` bytes; else one slice cut along x; else one row cut along y; always at
 * least one value. Free with sf_plan_free. */
sf_plan sf_plan_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     const unsigned char *done, int nranks, int rank);

/* Contract: unit i of the plan, in order; an empty unit (nelem 0) when i >= p->nunits, so a
 * rank that ran out of slices still joins collective call i. */
sf_unit sf_plan_unit(const sf_plan *p, uint64_t i);

void sf_plan_free(sf_plan *p);

#endif
