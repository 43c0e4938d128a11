/* sf_digest.h - the XXH3-64 digest of each z-slice's bytes (as they are stored: little-endian
 * C order), so that a slice written earlier can be checked without knowing what produced it.
 * A slice that a small --buffer cuts into several write units is digested by streaming across
 * them, so the digest never depends on the decomposition, the buffer or the rank count. */
#ifndef SF_DIGEST_H
#define SF_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

/* What every format calls the digests: a uint64 variable along z, named by the values'
 * "coordinates" attribute, so that xarray shows it as a coordinate of data and
 * xarray.open_dataarray still finds one data variable. */
#define SF_DIGESTS_NAME "slice_xxh3"
#define SF_DIGESTS_LONG_NAME "XXH3-64 of each z-slice's bytes"

typedef struct sf_digests sf_digests;

/* Contract: digests for an array of this shape and element size; no slice digested yet. */
sf_digests *sf_digests_new(const uint64_t shape[3], size_t elem);

/* Contract: feeds the values of box, dense in C order as written. A box holds whole slices, or
 * a part of one slice that continues in C order where the previous part of that slice ended
 * (the write units of sf_plan_make). Returns the number of slices the box completed; their digests
 * are then in sf_digests_table. */
uint64_t sf_digests_add(sf_digests *d, const sf_box *box, const void *buf);

/* Contract: the table of shape[0] digests; an entry is meaningful once its slice completed. */
uint64_t *sf_digests_table(sf_digests *d);

void sf_digests_free(sf_digests *d);

/* Contract: the XXH3-64 digest (seed 0) of len bytes. */
uint64_t sf_digest_bytes(const void *buf, size_t len);

#endif
