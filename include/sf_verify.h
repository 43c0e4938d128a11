/* sf_verify.h - reading a file back in parallel and in bounded memory (a unit buffer or two per
 * rank): every slice against the digest stored with it, whatever produced it, and for files of
 * slabfill's own generator every value against the generator too. */
#ifndef SF_VERIFY_H
#define SF_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "sf_backend.h"

typedef struct {
    sf_file_meta meta;    /* what the file says about itself */
    int values_checked;   /* the values were compared with slabfill's generator */
    uint64_t values;      /* values read, all ranks */
    uint64_t mismatches;  /* values whose bits differ from the generator's */
    uint64_t first[3];    /* (z, x, y) of the first mismatch in C order, when mismatches > 0 */
    int digests_checked;  /* the file has digests, and every slice was checked against its own */
    uint64_t bad_slices;  /* slices whose bytes differ from their stored digest */
    uint64_t first_bad;   /* the lowest such slice, when bad_slices > 0 */
    double seconds;
    /* The read phase, measured as IOR's -r (the same on every rank): */
    uint64_t bytes;       /* bytes read, all ranks */
    double read_s;        /* the slowest rank's seconds in the backend's reads */
    double check_s;       /* the slowest rank's seconds checking (digests, values) */
    int cache_dropped;    /* SF_VERIFY_DROP: every node dropped the file from its page cache */
    char cache_why[160];  /* otherwise why not */
} sf_verify_result;

/* What sf_verify_file does besides reading. */
enum {
    SF_VERIFY_CHECK = 1, /* check digests and values (without it: read only, a measurement) */
    SF_VERIFY_DROP = 2   /* first drop the file from every node's page cache (sf_cache.h) */
};

/* Contract: collective over sf_comm(). Inspects path (sf_inspect_bcast: a file that is not a
 * complete slabfill file of this backend's format is refused), with SF_VERIFY_DROP drops it
 * from each node's page cache (one rank per node), reads every slice once and, with
 * SF_VERIFY_CHECK, checks it against the digest stored with it, and, when slabfill's generator
 * under this value spec made it, every value against the generator. Rank r checks the slices that rank
 * (r + shift) mod P would own, so with shift 1 no rank checks its own writes. buffer caps each
 * read. Returns 0, or SF_EXIT_USAGE after saying why the file cannot be checked (not a slabfill
 * file; malformed digests; neither digests nor values it can check). The result is the same on
 * every rank. */
int sf_verify_file(const sf_backend *be, const char *path, uint64_t buffer, int shift,
                   int flags, sf_verify_result *res);

/* Contract: collective over sf_comm(). "slabfill verify PATH": the format from PATH's name, a
 * link the user made followed (nothing inside it is), then sf_verify_file with shift 0,
 * SF_VERIFY_DROP, SF_VERIFY_CHECK unless no_check, and buffer (0: the default). Returns 0 with
 * *be and res filled, or SF_EXIT_USAGE after saying why PATH cannot be checked. */
int sf_verify_path(const char *path, uint64_t buffer, int no_check, const sf_backend **be,
                   sf_verify_result *res);

/* Contract: collective over sf_comm(). Reads back, in parallel and in units of at most
 * buffer bytes, every slice flagged in claimed (meta->shape[0] flags, the same on every rank)
 * of the file at path, which rank 0 has inspected as holding them, and compares each slice's
 * XXH3-64 with digest[z]. Clears claimed[z] on every rank for each slice that differs and
 * returns how many did. */
uint64_t sf_verify_digests(const sf_backend *be, const char *path, const sf_file_meta *meta,
                           unsigned char *claimed, const uint64_t *digest, uint64_t buffer);

#endif
