/* digest.c - per-slice XXH3-64 (Debian's libxxhash), streamed across partial-slice units. */
#include "sf_digest.h"

#include <assert.h>
#include <stdlib.h>
#include <xxhash.h>

#include "sf_error.h"

struct sf_digests {
    uint64_t X, Y;
    size_t elem;
    uint64_t *table;
    XXH3_state_t *state; /* the slice being streamed, when units are smaller than a slice */
    uint64_t cur_z, next_g; /* which slice, and the flat index its next part must start at */
    int streaming;
};

sf_digests *sf_digests_new(const uint64_t shape[3], size_t elem)
{
    sf_digests *d = sf_xcalloc(1, sizeof *d);
    d->X = shape[1];
    d->Y = shape[2];
    d->elem = elem;
    d->table = sf_xcalloc(shape[0], sizeof *d->table);
    d->state = XXH3_createState();
    if (!d->state)
        sf_die(__FILE__, __LINE__, "XXH3_createState", "out of memory");
    return d;
}

uint64_t sf_digests_add(sf_digests *d, const sf_box *box, const void *buf)
{
    const uint64_t n = box->count[0] * box->count[1] * box->count[2];
    if (n == 0)
        return 0;
    const size_t slice = (size_t)(d->X * d->Y) * d->elem;
    if (box->count[1] == d->X && box->count[2] == d->Y) { /* whole slices */
        assert(!d->streaming);
        for (uint64_t k = 0; k < box->count[0]; k++)
            d->table[box->start[0] + k] = XXH3_64bits((const char *)buf + k * slice, slice);
        return box->count[0];
    }
    /* Part of one slice, in C order: one range of g within it. */
    const uint64_t g0 = box->start[1] * d->Y + box->start[2];
    if (g0 == 0) {
        assert(!d->streaming);
        if (XXH3_64bits_reset(d->state) != XXH_OK)
            sf_die(__FILE__, __LINE__, "XXH3_64bits_reset", "failed");
        d->streaming = 1;
        d->cur_z = box->start[0];
        d->next_g = 0;
    }
    assert(d->streaming && d->cur_z == box->start[0] && d->next_g == g0);
    if (XXH3_64bits_update(d->state, buf, (size_t)n * d->elem) != XXH_OK)
        sf_die(__FILE__, __LINE__, "XXH3_64bits_update", "failed");
    d->next_g = g0 + n;
    if (d->next_g < d->X * d->Y)
        return 0;
    d->table[d->cur_z] = XXH3_64bits_digest(d->state);
    d->streaming = 0;
    return 1;
}

uint64_t *sf_digests_table(sf_digests *d) { return d->table; }

void sf_digests_free(sf_digests *d)
{
    if (!d)
        return;
    XXH3_freeState(d->state);
    free(d->table);
    free(d);
}

uint64_t sf_digest_bytes(const void *buf, size_t len) { return XXH3_64bits(buf, len); }
