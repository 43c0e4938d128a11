/* philox_test.c - sf_philox4x32_10 against the Random123 Known Answer Tests, and against
 * Random123's own philox.h over a million counters and keys when that header is installed. The
 * primitives it is built from (sf_philox4x32_round and sf_philox4x32_bumpkey, which the C batch
 * kernel uses too) are checked against that header round by round, for 1 to 16 rounds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sf_philox.h"
#include "sf_test.h"

#if defined(__has_include)
#if __has_include(<Random123/philox.h>)
#include <Random123/philox.h>
#define HAVE_RANDOM123 1
#endif
#endif

static int kat_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        sf_test(0, "kat-file-opens", "%s", path);
        return 0;
    }
    sf_test(1, "kat-file-opens", "%s", path);
    char line[512];
    int n = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        char name[32];
        unsigned rounds;
        uint32_t c[4], k[2], want[4], got[4];
        if (sscanf(line, "%31s %u %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32
                   " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32,
                   name, &rounds, &c[0], &c[1], &c[2], &c[3], &k[0], &k[1], &want[0], &want[1],
                   &want[2], &want[3]) != 12 ||
            strcmp(name, "philox4x32") != 0 || rounds != 10)
            continue;
        sf_philox4x32_10(c, k, got);
        n++;
        if (memcmp(got, want, sizeof got) != 0) {
            bad++;
            printf("  KAT mismatch: ctr %08" PRIx32 "... got %08" PRIx32 " want %08" PRIx32
                   "\n", c[0], got[0], want[0]);
        }
    }
    fclose(f);
    sf_test(n >= 3 && bad == 0, "philox-kat", "%d vectors, %d wrong", n, bad);
    return n;
}

/* A separate small generator for test inputs, so the inputs do not come from the code under test. */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

#ifdef HAVE_RANDOM123
/* R rounds from the primitives, composed as Random123's philox4x32_R(R, ctr, key) composes its
 * own: the key is bumped before every round but the first. */
static void rounds(int R, const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < R; r++) {
        if (r > 0)
            sf_philox4x32_bumpkey(&k0, &k1);
        sf_philox4x32_round(&c0, &c1, &c2, &c3, k0, k1);
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

/* Every round count Random123 has, on counters and keys from splitmix: a wrong round or key bump
 * shows from R = 1 or 2, where the composition of ten cannot say which primitive is wrong. */
static void rounds_vs_random123(void)
{
    uint64_t s = 777;
    long mismatches = 0, n = 0;
    for (long i = 0; i < 100000; i++) {
        uint64_t a = splitmix(&s), b = splitmix(&s), kk = splitmix(&s);
        const uint32_t ctr[4] = {(uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b,
                                 (uint32_t)(b >> 32)};
        const uint32_t key[2] = {(uint32_t)kk, (uint32_t)(kk >> 32)};
        philox4x32_ctr_t rc = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
        philox4x32_key_t rk = {{key[0], key[1]}};
        for (int R = 1; R <= 16; R++, n++) {
            uint32_t got[4];
            rounds(R, ctr, key, got);
            philox4x32_ctr_t want = philox4x32_R((unsigned)R, rc, rk);
            mismatches += memcmp(got, want.v, sizeof got) != 0;
        }
    }
    sf_test(mismatches == 0 && n == 1600000, "philox-rounds-vs-random123-1-to-16",
            "%ld of %ld differ", mismatches, n);
}
#endif

int main(int argc, char **argv)
{
    kat_file(argc > 1 ? argv[1] : "tests/data/philox4x32-10-kat.txt");

    /* Aliasing: out may be ctr. */
    uint32_t c[4] = {0, 0, 0, 0}, k[2] = {0, 0};
    sf_philox4x32_10(c, k, c);
    sf_test(c[0] == 0x6627e8d5 && c[3] == 0x9b00dbd8, "philox-in-place", "got %08" PRIx32, c[0]);

#ifdef HAVE_RANDOM123
    uint64_t s = 12345;
    long mismatches = 0;
    for (long i = 0; i < 1000000; i++) {
        uint64_t a = splitmix(&s), b = splitmix(&s), kk = splitmix(&s);
        uint32_t ctr[4] = {(uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32)};
        uint32_t key[2] = {(uint32_t)kk, (uint32_t)(kk >> 32)}, got[4];
        if (i % 4 == 0) /* slabfill's own counters: (b, b >> 32, 0, 0) */
            ctr[2] = ctr[3] = 0;
        sf_philox4x32_10(ctr, key, got);
        philox4x32_ctr_t rc = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
        philox4x32_key_t rk = {{key[0], key[1]}};
        philox4x32_ctr_t want = philox4x32_R(10, rc, rk);
        mismatches += memcmp(got, want.v, sizeof got) != 0;
    }
    sf_test(mismatches == 0, "philox-vs-random123", "%ld of 1000000 differ", mismatches);
    rounds_vs_random123();
#else
    sf_test_needs("philox-vs-random123", "Random123/philox.h (librandom123-dev)");
    sf_test_needs("philox-rounds-vs-random123-1-to-16",
                  "Random123/philox.h (librandom123-dev)");
#endif
    return sf_test_failures != 0;
}
