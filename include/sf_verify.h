/* sf_verify.h - reading a file back and comparing every value with the generator, in parallel
 * and in bounded memory (two unit buffers per rank). */
#ifndef SF_VERIFY_H
#define SF_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "sf_backend.h"

typedef struct {
    sf_file_meta meta;    /* what the file says about itself */
    uint64_t values;      /* values compared, all ranks */
    uint64_t mismatches;  /* values whose bits differ from the generator's */
    uint64_t first[3];    /* (z, x, y) of the first mismatch in C order, when mismatches > 0 */
    double seconds;
} sf_verify_result;

/* Contract: collective over MPI_COMM_WORLD. Inspects path (sf_inspect_bcast: a file that is
 * not a complete slabfill file of this backend's format is refused), takes seed, shape, dtype
 * and distribution from its metadata, and compares every value. Rank r checks the slices that
 * rank (r + shift) mod P would own, so with shift 1 no rank checks its own writes. buffer caps
 * each read. Returns 0, or SF_EXIT_USAGE after rank 0 printed why the file cannot be checked
 * (not a slabfill file, another value spec). The result is the same on every rank. */
int sf_verify_file(const sf_backend *be, const char *path, uint64_t buffer, int shift,
                   sf_verify_result *res);

/* Contract: collective over MPI_COMM_WORLD. Reads back, in parallel and in units of at most
 * buffer bytes, every slice flagged in claimed (meta->shape[0] flags, the same on every rank)
 * of the file at path, which rank 0 has inspected as holding them, and compares each slice's
 * XXH3-64 with digest[z]. Clears claimed[z] on every rank for each slice that differs and
 * returns how many did. */
uint64_t sf_verify_digests(const sf_backend *be, const char *path, const sf_file_meta *meta,
                           unsigned char *claimed, const uint64_t *digest, uint64_t buffer);

#endif
