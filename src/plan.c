/* plan.c - the one planner: shares of the slices to do, cut into units; see sf_plan.h. */
#include "sf_plan.h"

#include <assert.h>
#include <stdlib.h>

#include "sf_error.h"

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    assert(b != 0); /* unit sizes are never 0: the unit shape holds at least one value */
    return a / b + (a % b != 0);
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

sf_zrange sf_share(uint64_t Z, int nranks, int rank)
{
    assert(nranks >= 1 && rank >= 0 && rank < nranks);
    uint64_t P = (uint64_t)nranks, r = (uint64_t)rank;
    uint64_t base = Z / P, extra = Z % P;
    sf_zrange zr;
    zr.nz = base + (r < extra);
    zr.z0 = r * base + min_u64(r, extra);
    return zr;
}

/* The unit shape: as many whole slices as slab and buffer allow, else part of one slice cut
 * along x, else part of one row. */
static void unit_shape(sf_plan *p, uint64_t slab, uint64_t buffer)
{
    uint64_t cap = buffer / p->elem; /* values per buffer */
    if (cap == 0)
        cap = 1;
    const uint64_t X = p->shape[1], Y = p->shape[2];
    if (X * Y <= cap) {
        p->unit[0] = min_u64(min_u64(slab, cap / (X * Y)), p->shape[0]);
        p->unit[1] = X;
        p->unit[2] = Y;
    } else if (Y <= cap) {
        p->unit[0] = 1;
        p->unit[1] = cap / Y;
        p->unit[2] = Y;
    } else {
        p->unit[0] = 1;
        p->unit[1] = 1;
        p->unit[2] = cap;
    }
    p->unit_elems = p->unit[0] * p->unit[1] * p->unit[2];
}

static uint64_t units_per_slices(const sf_plan *p, uint64_t nz)
{
    return ceil_div(nz, p->unit[0]) * ceil_div(p->shape[1], p->unit[1]) *
           ceil_div(p->shape[2], p->unit[2]);
}

/* The most units any rank has. The shares are consecutive parts of the to-do slices, so one
 * sweep over the runs serves every rank: O(P + runs). */
static uint64_t busiest(const sf_plan *p, const sf_zrange *todo, int ntodo, uint64_t total,
                        int nranks)
{
    uint64_t most = 0, at = 0; /* at: the to-do index where run k starts */
    int k = 0;
    for (int r = 0; r < nranks; r++) {
        const sf_zrange s = sf_share(total, nranks, r);
        if (s.nz == 0)
            break; /* the later ranks have nothing either */
        uint64_t n = 0, a = s.z0, b = s.z0 + s.nz, pos = at;
        for (int j = k; j < ntodo && pos < b; pos += todo[j++].nz) {
            uint64_t lo = a > pos ? a : pos, hi = min_u64(b, pos + todo[j].nz);
            if (lo < hi)
                n += units_per_slices(p, hi - lo);
        }
        most = n > most ? n : most;
        while (k < ntodo && at + todo[k].nz <= b) /* runs wholly before the next share */
            at += todo[k++].nz;
    }
    return most;
}

/* The to-do slices as runs (every slice not marked done), into a new array. */
static sf_zrange *todo_runs(uint64_t Z, const unsigned char *done, int *nruns, uint64_t *total)
{
    int n = 0;
    for (uint64_t z = 0; z < Z; z++)
        n += !(done && done[z]) && (z == 0 || (done && done[z - 1]));
    sf_zrange *r = sf_xcalloc((size_t)n, sizeof *r);
    int k = -1;
    *total = 0;
    for (uint64_t z = 0; z < Z; z++) {
        if (done && done[z])
            continue;
        if (z == 0 || (done && done[z - 1]))
            r[++k] = (sf_zrange){z, 0};
        r[k].nz++;
        ++*total;
    }
    *nruns = n;
    return r;
}

/* This rank's runs: the part [a, a+n) of the to-do slices. */
static void take_share(sf_plan *p, const sf_zrange *todo, int ntodo, uint64_t a, uint64_t n)
{
    p->runs = sf_xcalloc((size_t)ntodo, sizeof *p->runs);
    p->first = sf_xcalloc((size_t)ntodo, sizeof *p->first);
    uint64_t at = 0;
    for (int k = 0; k < ntodo; at += todo[k++].nz) {
        uint64_t lo = a > at ? a : at, hi = min_u64(a + n, at + todo[k].nz);
        if (lo >= hi)
            continue;
        p->runs[p->nruns] = (sf_zrange){todo[k].z0 + (lo - at), hi - lo};
        p->first[p->nruns++] = p->nunits;
        p->nunits += units_per_slices(p, hi - lo);
    }
}

sf_plan sf_plan_make(const uint64_t shape[3], size_t elem, uint64_t slab, uint64_t buffer,
                     const unsigned char *done, int nranks, int rank)
{
    assert(slab >= 1 && elem >= 1);
    sf_plan p = {.shape = {shape[0], shape[1], shape[2]}, .elem = elem};
    unit_shape(&p, slab, buffer);
    int ntodo;
    uint64_t total;
    sf_zrange *todo = todo_runs(shape[0], done, &ntodo, &total);
    sf_zrange mine = sf_share(total, nranks, rank);
    take_share(&p, todo, ntodo, mine.z0, mine.nz);
    /* Every rank joins as many collective calls as the busiest one makes. */
    p.ncalls = busiest(&p, todo, ntodo, total, nranks);
    free(todo);
    return p;
}

sf_unit sf_plan_unit(const sf_plan *p, uint64_t i)
{
    sf_unit u = {.box = {{0, 0, 0}, {0, 0, 0}}};
    if (i >= p->nunits)
        return u;
    int lo = 0, hi = p->nruns - 1; /* the last run whose first unit is <= i */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (p->first[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    const sf_zrange run = p->runs[lo];
    const uint64_t local = i - p->first[lo];
    const uint64_t nxb = ceil_div(p->shape[1], p->unit[1]), nyb = ceil_div(p->shape[2], p->unit[2]);
    const uint64_t iz = local / (nxb * nyb), ix = (local / nyb) % nxb, iy = local % nyb;
    const uint64_t end[3] = {run.z0 + run.nz, p->shape[1], p->shape[2]};
    u.box.start[0] = run.z0 + iz * p->unit[0];
    u.box.start[1] = ix * p->unit[1];
    u.box.start[2] = iy * p->unit[2];
    for (int d = 0; d < 3; d++)
        u.box.count[d] = min_u64(p->unit[d], end[d] - u.box.start[d]);
    u.g0 = (u.box.start[0] * p->shape[1] + u.box.start[1]) * p->shape[2] + u.box.start[2];
    u.nelem = u.box.count[0] * u.box.count[1] * u.box.count[2];
    u.nbytes = u.nelem * p->elem;
    u.offset = u.g0 * p->elem;
    if (local % (nxb * nyb) == nxb * nyb - 1) /* the last piece of these slices */
        u.done = (sf_zrange){u.box.start[0], u.box.count[0]};
    return u;
}

void sf_plan_free(sf_plan *p)
{
    free(p->runs);
    free(p->first);
    p->runs = NULL;
    p->first = NULL;
    p->nruns = 0;
}
