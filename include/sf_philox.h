/* sf_philox.h - Philox4x32-10, the counter-based generator behind every slabfill value.
 *
 * Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3" (SC11).
 * Kept small and in a header, as in Random123, so the compiler can inline and vectorise
 * the rounds inside the fill loops. Word order matches Random123's philox4x32_R(10, ctr, key),
 * and tests/philox_test.c checks it against the published Known Answer Tests and against
 * Random123's own header, round by round.
 *
 * The round and the key bump are the two primitives: sf_philox4x32_10 is ten of each, and the
 * C batch kernel (src/kernels.c) runs the same round over arrays of counters. The SIMD kernels
 * have their own round in vector instructions, and take their round keys from the key bump.
 */
#ifndef SF_PHILOX_H
#define SF_PHILOX_H

#include <stdint.h>

#define SF_PHILOX_M0 UINT32_C(0xD2511F53)
#define SF_PHILOX_M1 UINT32_C(0xCD9E8D57)
#define SF_PHILOX_W0 UINT32_C(0x9E3779B9)
#define SF_PHILOX_W1 UINT32_C(0xBB67AE85)
#define SF_PHILOX_ROUNDS 10

/* Contract: one Philox4x32 round on the counter words (*c0, *c1, *c2, *c3) with the round key
 * (k0, k1), in place. The words are separate pointers so that a batch can keep each word in its
 * own array (structure of arrays, which vectorises); all four are read before any is written. */
static inline void sf_philox4x32_round(uint32_t *restrict c0, uint32_t *restrict c1,
                                       uint32_t *restrict c2, uint32_t *restrict c3,
                                       uint32_t k0, uint32_t k1)
{
    const uint64_t p0 = (uint64_t)SF_PHILOX_M0 * *c0;
    const uint64_t p1 = (uint64_t)SF_PHILOX_M1 * *c2;
    const uint32_t n0 = (uint32_t)(p1 >> 32) ^ *c1 ^ k0;
    const uint32_t n2 = (uint32_t)(p0 >> 32) ^ *c3 ^ k1;
    *c0 = n0;
    *c1 = (uint32_t)p1;
    *c2 = n2;
    *c3 = (uint32_t)p0;
}

/* Contract: the key of the next round: (*k0, *k1) += (W0, W1), modulo 2^32. Round r's key is
 * the seed's key bumped r times. */
static inline void sf_philox4x32_bumpkey(uint32_t *k0, uint32_t *k1)
{
    *k0 += SF_PHILOX_W0;
    *k1 += SF_PHILOX_W1;
}

/* Contract: out[0..3] = Philox4x32-10(ctr, key); out may alias ctr. Pure, thread-safe. */
static inline void sf_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                    uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
        sf_philox4x32_round(&c0, &c1, &c2, &c3, k0, k1);
        sf_philox4x32_bumpkey(&k0, &k1);
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

#endif
