/* decomp.c - block decomposition over z and the cutting of a rank's slices into write units. */
#include "sf_decomp.h"

#include <assert.h>
#include <stdlib.h>

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    assert(b != 0); /* unit sizes are never 0: sf_plan_make caps them at >= 1 */
    return a / b + (a % b != 0);
}
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

/* The unit shape and this range's unit count; ncalls is left to the caller. */
static sf_plan plan_range(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                          sf_zrange zr)
{
    assert(slab >= 1 && elem >= 1);
    sf_plan p = {.shape = {shape[0], shape[1], shape[2]}};
    p.zr = zr;

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
    p.ncalls = p.nunits;
    return p;
}

sf_plan sf_plan_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     int nranks, int rank)
{
    sf_plan p = plan_range(shape, elem, slab, buffer, sf_decomp_zrange(shape[0], nranks, rank));
    /* Rank 0 always has the most slices, hence the most units. */
    p.ncalls = units_of(sf_decomp_zrange(shape[0], nranks, 0).nz, shape, p.unit);
    return p;
}

sf_work sf_work_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     const unsigned char *done, int nranks, int rank)
{
    const uint64_t Z = shape[0];
    uint64_t missing = 0;
    for (uint64_t z = 0; z < Z; z++)
        missing += !(done && done[z]);
    sf_zrange share = sf_decomp_zrange(missing, nranks, rank); /* in missing-slice order */
    sf_work w = {0, NULL, 0, 0};
    uint64_t idx = 0, run0 = 0, runlen = 0;
    for (uint64_t z = 0; z <= Z; z++) {
        int mine = z < Z && !(done && done[z]) && idx >= share.z0 && idx < share.z0 + share.nz;
        if (z < Z && !(done && done[z]))
            idx++;
        if (mine && runlen && run0 + runlen == z) {
            runlen++;
            continue;
        }
        if (runlen) { /* close the current run */
            sf_plan *grown = realloc(w.plans, sizeof *grown * (size_t)(w.nplans + 1));
            assert(grown);
            w.plans = grown;
            w.plans[w.nplans] = plan_range(shape, elem, slab, buffer, (sf_zrange){run0, runlen});
            w.nunits += w.plans[w.nplans].nunits;
            if (w.plans[w.nplans].unit_elems > w.unit_elems)
                w.unit_elems = w.plans[w.nplans].unit_elems;
            w.nplans++;
            runlen = 0;
        }
        if (mine) {
            run0 = z;
            runlen = 1;
        }
    }
    return w;
}

void sf_work_free(sf_work *w)
{
    free(w->plans);
    w->plans = NULL;
    w->nplans = 0;
}

/* The plan holding unit i, and i's index within it; NULL beyond the last unit. */
static const sf_plan *locate(const sf_work *w, uint64_t i, uint64_t *local)
{
    for (int k = 0; k < w->nplans; k++) {
        if (i < w->plans[k].nunits) {
            *local = i;
            return &w->plans[k];
        }
        i -= w->plans[k].nunits;
    }
    return NULL;
}

sf_box sf_work_box(const sf_work *w, uint64_t i)
{
    uint64_t local;
    const sf_plan *p = locate(w, i, &local);
    sf_box empty = {{0, 0, 0}, {0, 0, 0}};
    return p ? sf_plan_box(p, local) : empty;
}

int sf_work_completes(const sf_work *w, uint64_t i, sf_zrange *slices)
{
    uint64_t local;
    const sf_plan *p = locate(w, i, &local);
    if (!p)
        return 0;
    uint64_t per = ceil_div(p->shape[1], p->unit[1]) * ceil_div(p->shape[2], p->unit[2]);
    if (local % per != per - 1)
        return 0;
    sf_box b = sf_plan_box(p, local);
    slices->z0 = b.start[0];
    slices->nz = b.count[0];
    return 1;
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
