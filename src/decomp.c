/* decomp.c - block decomposition over z and the cutting of a rank's slices into write units. */
#include "sf_decomp.h"

#include <assert.h>

static uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

sf_zrange sf_decomp_zrange(uint64_t Z, int nranks, int rank)
{
    assert(nranks >= 1 && rank >= 0 && rank < nranks);
    uint64_t P = (uint64_t)nranks, r = (uint64_t)rank;
    uint64_t base = Z / P, extra = Z % P;
    sf_zrange zr;
    zr.nz = base + (r < extra);
    zr.z0 = r * base + min_u64(r, extra);
    return zr;
}

static uint64_t units_of(uint64_t nz, const uint64_t shape[3], const uint64_t unit[3])
{
    if (nz == 0)
        return 0;
    return ceil_div(nz, unit[0]) * ceil_div(shape[1], unit[1]) * ceil_div(shape[2], unit[2]);
}

sf_plan sf_plan_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     int nranks, int rank)
{
    assert(slab >= 1 && elem >= 1);
    sf_plan p = {.shape = {shape[0], shape[1], shape[2]}};
    p.zr = sf_decomp_zrange(shape[0], nranks, rank);

    uint64_t cap = buffer / elem; /* elements per buffer */
    if (cap == 0)
        cap = 1;
    const uint64_t X = shape[1], Y = shape[2];
    if (X * Y <= cap) { /* whole slices, as many as the slab and buffer allow */
        p.unit[0] = min_u64(min_u64(slab, cap / (X * Y)), shape[0]);
        p.unit[1] = X;
        p.unit[2] = Y;
    } else if (Y <= cap) { /* part of one slice, cut along x */
        p.unit[0] = 1;
        p.unit[1] = cap / Y;
        p.unit[2] = Y;
    } else { /* part of one row, cut along y */
        p.unit[0] = 1;
        p.unit[1] = 1;
        p.unit[2] = cap;
    }
    p.unit_elems = p.unit[0] * p.unit[1] * p.unit[2];
    p.nunits = units_of(p.zr.nz, shape, p.unit);
    /* Rank 0 always has the most slices, hence the most units. */
    p.ncalls = units_of(sf_decomp_zrange(shape[0], nranks, 0).nz, shape, p.unit);
    return p;
}

sf_box sf_plan_box(const sf_plan *p, uint64_t i)
{
    sf_box b = {{0, 0, 0}, {0, 0, 0}};
    if (i >= p->nunits)
        return b;
    const uint64_t nxb = ceil_div(p->shape[1], p->unit[1]);
    const uint64_t nyb = ceil_div(p->shape[2], p->unit[2]);
    const uint64_t iz = i / (nxb * nyb), ix = (i / nyb) % nxb, iy = i % nyb;
    const uint64_t end[3] = {p->zr.z0 + p->zr.nz, p->shape[1], p->shape[2]};
    b.start[0] = p->zr.z0 + iz * p->unit[0];
    b.start[1] = ix * p->unit[1];
    b.start[2] = iy * p->unit[2];
    for (int d = 0; d < 3; d++)
        b.count[d] = min_u64(p->unit[d], end[d] - b.start[d]);
    return b;
}
