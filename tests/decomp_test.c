/* decomp_test.c - the z decomposition and the write-unit plan for awkward sizes: P > Z, Z prime,
 * buffers smaller than a slice or a row. Every element must be written exactly once, every rank
 * must make the same number of collective calls, and no unit may exceed the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_decomp.h"
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
                sf_zrange zr = sf_decomp_zrange(Z, P, r);
                uint64_t want = Z / (uint64_t)P + ((uint64_t)r < Z % (uint64_t)P);
                if (zr.nz != want || (zr.nz && zr.z0 != next))
                    bad++;
                next += zr.nz;
            }
            bad += next != Z;
        }
    sf_test(bad == 0, "zranges-contiguous-balanced", "%d errors", bad);
    sf_zrange zr = sf_decomp_zrange(3, 5, 4);
    sf_test(zr.nz == 0 && zr.z0 == 3, "zrange-idle-rank-beyond-Z", "z0 %llu nz %llu",
            (unsigned long long)zr.z0, (unsigned long long)zr.nz);
    zr = sf_decomp_zrange(13, 4, 0);
    sf_test(zr.nz == 4 && zr.z0 == 0, "zrange-first-ranks-get-extra", "nz %llu",
            (unsigned long long)zr.nz);
}

/* Marks every element each rank's boxes cover; every element must be hit exactly once. */
static int plan_covers(const uint64_t shape[3], size_t es, uint64_t slab, uint64_t buffer, int P,
                       char *why, size_t whylen)
{
    uint64_t n = shape[0] * shape[1] * shape[2];
    unsigned char *hits = calloc(n, 1);
    uint64_t ncalls = 0, max_units = 0;
    for (int r = 0; r < P; r++) {
        sf_plan p = sf_plan_make(shape, es, slab, buffer, P, r);
        if (r == 0)
            ncalls = p.ncalls;
        if (p.ncalls != ncalls) {
            snprintf(why, whylen, "rank %d makes %llu calls, rank 0 %llu", r,
                     (unsigned long long)p.ncalls, (unsigned long long)ncalls);
            free(hits);
            return 0;
        }
        max_units = p.nunits > max_units ? p.nunits : max_units;
        if (p.unit_elems * es > buffer && p.unit_elems > 1) {
            snprintf(why, whylen, "unit of %llu bytes exceeds buffer %llu",
                     (unsigned long long)(p.unit_elems * es), (unsigned long long)buffer);
            free(hits);
            return 0;
        }
        if (p.unit[0] > slab) {
            snprintf(why, whylen, "unit of %llu slices exceeds slab", (unsigned long long)p.unit[0]);
            free(hits);
            return 0;
        }
        for (uint64_t i = 0; i < p.ncalls + 2; i++) {
            sf_box b = sf_plan_box(&p, i);
            uint64_t cnt = b.count[0] * b.count[1] * b.count[2];
            if ((i >= p.nunits) != (cnt == 0)) {
                snprintf(why, whylen, "rank %d unit %llu: empty=%d", r, (unsigned long long)i,
                         cnt == 0);
                free(hits);
                return 0;
            }
            for (uint64_t z = 0; z < b.count[0]; z++)
                for (uint64_t x = 0; x < b.count[1]; x++)
                    for (uint64_t y = 0; y < b.count[2]; y++)
                        hits[((b.start[0] + z) * shape[1] + b.start[1] + x) * shape[2] +
                             b.start[2] + y]++;
        }
    }
    for (uint64_t g = 0; g < n; g++)
        if (hits[g] != 1) {
            snprintf(why, whylen, "element %llu written %d times", (unsigned long long)g,
                     hits[g]);
            free(hits);
            return 0;
        }
    free(hits);
    if (max_units != ncalls) {
        snprintf(why, whylen, "ncalls %llu but busiest rank has %llu units",
                 (unsigned long long)ncalls, (unsigned long long)max_units);
        return 0;
    }
    return 1;
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
                        if (!plan_covers(shapes[a], es, slabs[b], buffers[c], Ps[d], why,
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
    sf_plan p = sf_plan_make(seed_shape, 4, 1, 64 << 20, 8, 0);
    sf_test(p.unit[0] == 1 && p.unit_elems == 4000000 && p.ncalls == 63, "plan-seed-shape",
            "unit %llu calls %llu", (unsigned long long)p.unit[0], (unsigned long long)p.ncalls);
    p = sf_plan_make(seed_shape, 4, 8, 64 << 20, 8, 0);
    sf_test(p.unit[0] == 4, "plan-slab-capped-by-buffer", "unit %llu",
            (unsigned long long)p.unit[0]);
    /* One 24000x24000 float32 slice is 2.3 GB: cut along x into buffer-sized pieces. */
    const uint64_t big[3] = {1, 24000, 24000};
    p = sf_plan_make(big, 4, 1, 64 << 20, 1, 0);
    sf_test(p.unit[0] == 1 && p.unit[1] == 699 && p.unit_elems * 4 <= (64u << 20),
            "plan-slice-over-2GiB-cut-along-x", "unit %llux%llux%llu",
            (unsigned long long)p.unit[0], (unsigned long long)p.unit[1],
            (unsigned long long)p.unit[2]);
}

int main(void)
{
    zranges();
    plans();
    return sf_test_failures != 0;
}
