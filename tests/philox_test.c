/* philox_test.c - sf_philox4x32_10 against the Random123 Known Answer Tests, and against
 * Random123's own philox.h over a million counters and keys when that header is installed. */
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
#else
    sf_test_needs("philox-vs-random123", "Random123/philox.h (librandom123-dev)");
#endif
    return sf_test_failures != 0;
}
