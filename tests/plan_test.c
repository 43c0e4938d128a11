/* plan_test.c - the one planner for awkward sizes: P > Z, Z prime, buffers smaller than a slice
 * or a row, and resumes with slices already done in any pattern. Every element still to do must
 * be written exactly once (and no element already done), every rank must make the same number of
 * collective calls (the busiest rank's units), no unit may exceed the buffer, each unit's flat
 * index and offset must match its box, and each slice must be reported complete exactly once,
 * by the unit that writes its last piece. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sf_plan.h"
#include "sf_test.h"

static void zranges(void)
{
    const uint64_t Zs[] = {1, 2, 7, 13, 97, 500};
    const int Ps[] = {1, 2, 3, 4, 7, 8, 16, 100, 1000};
    int bad = 0;
    for (size_t i = 0; i < sizeof Zs / sizeof *Zs; i++)
        for (size_t j = 0; j < sizeof Ps / sizeof *Ps; j++) {
            uint64_t Z = Zs[i], next = 0;
            int P = Ps[j];
            for (int r = 0; r < P; r++) {
                sf_zrange zr = sf_share(Z, P, r);
                uint64_t want = Z / (uint64_t)P + ((uint64_t)r < Z % (uint64_t)P);
                if (zr.nz != want || (zr.nz && zr.z0 != next))
                    bad++;
                next += zr.nz;
            }
            bad += next != Z;
        }
    sf_test(bad == 0, "zranges-contiguous-balanced", "%d errors", bad);
    sf_zrange zr = sf_share(3, 5, 4);
    sf_test(zr.nz == 0 && zr.z0 == 3, "zrange-idle-rank-beyond-Z", "z0 %llu nz %llu",
            (unsigned long long)zr.z0, (unsigned long long)zr.nz);
    zr = sf_share(13, 4, 0);
    sf_test(zr.nz == 4 && zr.z0 == 0, "zrange-first-ranks-get-extra", "nz %llu",
            (unsigned long long)zr.nz);
}

/* One rank's units: marks what they cover and checks each unit's own fields. 0 on a defect. */
static int check_rank(const sf_plan *p, const uint64_t shape[3], size_t es, uint64_t buffer,
                      unsigned char *hits, unsigned char *slice_done, char *why, size_t whylen)
{
    for (uint64_t i = 0; i < p->ncalls + 2; i++) {
        sf_unit u = sf_plan_unit(p, i);
        const sf_box b = u.box;
        if ((i >= p->nunits) != (u.nelem == 0) || u.nelem != b.count[0] * b.count[1] * b.count[2]
            || u.nbytes != u.nelem * es || (u.nelem > 1 && u.nbytes > buffer)) {
            snprintf(why, whylen, "unit %llu: nelem %llu, nbytes %llu", (unsigned long long)i,
                     (unsigned long long)u.nelem, (unsigned long long)u.nbytes);
            return 0;
        }
        if (u.nelem && (u.g0 != (b.start[0] * shape[1] + b.start[1]) * shape[2] + b.start[2] ||
                        u.offset != u.g0 * es)) {
            snprintf(why, whylen, "unit %llu: g0 %llu does not match its box",
                     (unsigned long long)i, (unsigned long long)u.g0);
            return 0;
        }
        for (uint64_t z = 0; z < b.count[0]; z++)
            for (uint64_t x = 0; x < b.count[1]; x++)
                for (uint64_t y = 0; y < b.count[2]; y++)
                    hits[((b.start[0] + z) * shape[1] + b.start[1] + x) * shape[2] +
                         b.start[2] + y]++;
        for (uint64_t z = u.done.z0; z < u.done.z0 + u.done.nz; z++) {
            /* complete: every element of the slice must be written by now */
            for (uint64_t g = z * shape[1] * shape[2]; g < (z + 1) * shape[1] * shape[2]; g++)
                if (!hits[g]) {
                    snprintf(why, whylen, "slice %llu reported complete too early",
                             (unsigned long long)z);
                    return 0;
                }
            slice_done[z]++;
        }
    }
    return 1;
}

/* Every element still to do is written exactly once over the ranks, every slice completes
 * once, and the call count is the busiest rank's. done may be NULL. */
static int plan_covers(const uint64_t shape[3], size_t es, uint64_t slab, uint64_t buffer,
                       const unsigned char *done, int P, char *why, size_t whylen)
{
    const uint64_t Z = shape[0], n = Z * shape[1] * shape[2], slice = shape[1] * shape[2];
    unsigned char *hits = calloc(n, 1), *sdone = calloc(Z, 1);
    uint64_t ncalls = 0, busiest = 0;
    int ok = 1;
    for (int r = 0; r < P && ok; r++) {
        sf_plan p = sf_plan_make(shape, es, slab, buffer, done, P, r);
        if (r == 0)
            ncalls = p.ncalls;
        if (p.ncalls != ncalls || (p.unit[0] > slab)) {
            snprintf(why, whylen, "rank %d: %llu calls (rank 0: %llu), unit of %llu slices",
                     r, (unsigned long long)p.ncalls, (unsigned long long)ncalls,
                     (unsigned long long)p.unit[0]);
            ok = 0;
        }
        busiest = p.nunits > busiest ? p.nunits : busiest;
        ok = ok && check_rank(&p, shape, es, buffer, hits, sdone, why, whylen);
        sf_plan_free(&p);
    }
    for (uint64_t g = 0; ok && g < n; g++)
        if (hits[g] != !(done && done[g / slice])) {
            snprintf(why, whylen, "element %llu written %d times", (unsigned long long)g,
                     hits[g]);
            ok = 0;
        }
    for (uint64_t z = 0; ok && z < Z; z++)
        if (sdone[z] != !(done && done[z])) {
            snprintf(why, whylen, "slice %llu reported complete %d times", (unsigned long long)z,
                     sdone[z]);
            ok = 0;
        }
    if (ok && busiest != ncalls) {
        snprintf(why, whylen, "ncalls %llu but the busiest rank has %llu units",
                 (unsigned long long)ncalls, (unsigned long long)busiest);
        ok = 0;
    }
    free(hits);
    free(sdone);
    return ok;
}

static void plans(void)
{
    const uint64_t shapes[][3] = {{13, 37, 41}, {5, 7, 9}, {2, 3, 1000}, {17, 1, 1}, {1, 64, 64}};
    const uint64_t slabs[] = {1, 2, 5, 100};
    const uint64_t buffers[] = {4, 100, 1024, 4096, 8192, 64 << 20};
    const int Ps[] = {1, 2, 3, 4, 7, 20};
    int cases = 0, bad = 0;
    char why[200], first[300] = "";
    for (size_t a = 0; a < sizeof shapes / sizeof *shapes; a++)
        for (size_t b = 0; b < sizeof slabs / sizeof *slabs; b++)
            for (size_t c = 0; c < sizeof buffers / sizeof *buffers; c++)
                for (size_t d = 0; d < sizeof Ps / sizeof *Ps; d++)
                    for (size_t es = 4; es <= 8; es += 4) {
                        cases++;
                        if (!plan_covers(shapes[a], es, slabs[b], buffers[c], NULL, Ps[d], why,
                                         sizeof why)) {
                            if (!bad++)
                                snprintf(first, sizeof first, "shape %llux%llux%llu slab %llu "
                                         "buffer %llu P %d es %zu: %s",
                                         (unsigned long long)shapes[a][0],
                                         (unsigned long long)shapes[a][1],
                                         (unsigned long long)shapes[a][2],
                                         (unsigned long long)slabs[b],
                                         (unsigned long long)buffers[c], Ps[d], es, why);
                        }
                    }
    sf_test(bad == 0, "plans-cover-every-element-once", "%d of %d plans wrong; first: %s", bad,
            cases, first);

    /* The seed's shape: one slice per call, 16 MB buffer; a 64m buffer with slab 8 holds 4. */
    const uint64_t seed_shape[3] = {500, 2000, 2000};
    sf_plan p = sf_plan_make(seed_shape, 4, 1, 64 << 20, NULL, 8, 0);
    sf_test(p.unit[0] == 1 && p.unit_elems == 4000000 && p.ncalls == 63, "plan-seed-shape",
            "unit %llu calls %llu", (unsigned long long)p.unit[0], (unsigned long long)p.ncalls);
    sf_plan_free(&p);
    p = sf_plan_make(seed_shape, 4, 8, 64 << 20, NULL, 8, 0);
    sf_test(p.unit[0] == 4, "plan-slab-capped-by-buffer", "unit %llu",
            (unsigned long long)p.unit[0]);
    /* One 24000x24000 float32 slice is 2.3 GB: cut along x into buffer-sized pieces. */
    const uint64_t big[3] = {1, 24000, 24000};
    sf_plan_free(&p);
    p = sf_plan_make(big, 4, 1, 64 << 20, NULL, 1, 0);
    sf_test(p.unit[0] == 1 && p.unit[1] == 699 && p.unit_elems * 4 <= (64u << 20),
            "plan-slice-over-2GiB-cut-along-x", "unit %llux%llux%llu",
            (unsigned long long)p.unit[0], (unsigned long long)p.unit[1],
            (unsigned long long)p.unit[2]);
    sf_plan_free(&p);
}

/* Resumes: slices done in patterns (every other one, a prefix, a suffix, a middle block, all but
 * one, all, random), on every rank count and buffer that cuts slices into pieces. */
static void resumes(void)
{
    const uint64_t shape[3] = {23, 5, 7};
    const uint64_t buffers[] = {4, 24, 140, 1 << 20};
    const int Ps[] = {1, 2, 3, 5, 8, 30};
    unsigned char done[23];
    uint64_t seed = 99;
    int cases = 0, bad = 0;
    char why[200], first[300] = "";
    for (int pattern = 0; pattern < 12; pattern++) {
        for (int z = 0; z < 23; z++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            done[z] = pattern == 0 ? z % 2 : pattern == 1 ? z < 10 : pattern == 2 ? z >= 13
                      : pattern == 3 ? z >= 5 && z < 15 : pattern == 4 ? z != 11
                      : pattern == 5 ? 1 : (seed >> 33) % 3 == 0;
        }
        for (size_t b = 0; b < sizeof buffers / sizeof *buffers; b++)
            for (size_t d = 0; d < sizeof Ps / sizeof *Ps; d++)
                for (uint64_t slab = 1; slab <= 4; slab += 3) {
                    cases++;
                    if (!plan_covers(shape, 4, slab, buffers[b], done, Ps[d], why, sizeof why) &&
                        !bad++)
                        snprintf(first, sizeof first, "pattern %d buffer %llu P %d slab %llu: %s",
                                 pattern, (unsigned long long)buffers[b], Ps[d],
                                 (unsigned long long)slab, why);
                }
    }
    sf_test(bad == 0, "resume-plans-write-what-is-missing-once", "%d of %d plans wrong; first: %s",
            bad, cases, first);
    /* All done: nothing to write, no calls. */
    memset(done, 1, sizeof done);
    sf_plan p = sf_plan_make(shape, 4, 1, 1 << 20, done, 3, 1);
    sf_test(p.nunits == 0 && p.ncalls == 0 && sf_plan_unit(&p, 0).nelem == 0,
            "resume-plan-with-nothing-missing-is-empty", "%llu units, %llu calls",
            (unsigned long long)p.nunits, (unsigned long long)p.ncalls);
    sf_plan_free(&p);
}

int main(void)
{
    zranges();
    plans();
    resumes();
    return sf_test_failures != 0;
}
