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

#endif
