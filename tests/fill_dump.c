/* fill_dump.c - prints sf_fill's bytes for a few ranges of g, in all four dtype/distribution
 * pairs: short ranges in hex, long ones as an FNV-1a hash of their bytes. The same output from
 * two machines or two kernels means the same bytes. tests/cross_test.sh compares this machine's
 * build (each of its kernels) with an arm64 build run under qemu-aarch64.
 *
 * usage: fill_dump [KERNEL]   (avx512, avx2, neon or scalar; default: sf_fill's own choice)
 * The kernel that ran goes to stderr, so that stdout is the same for every kernel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_values.h"

/* FNV-1a, 64-bit: enough to tell two byte streams apart, with no library. */
static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* One line: the range, then its bytes (hex, up to 64 values) or their hash. */
static void dump(const sf_value_spec *s, uint64_t start, uint64_t end)
{
    const size_t es = sf_dtype_size(s->dtype), n = (size_t)(end - start);
    unsigned char *buf = malloc(n * es + 1);
    if (!buf) {
        fprintf(stderr, "fill_dump: out of memory for %zu values\n", n);
        exit(1);
    }
    sf_fill(s, start, end, buf);
    printf("%s %s seed %016" PRIx64 " [%" PRIu64 ", %" PRIu64 "):", sf_dtype_name(s->dtype),
           sf_dist_name(s->dist), s->seed, start, end);
    if (n <= 64)
        for (size_t i = 0; i < n * es; i++)
            printf("%s%02x", i % es ? "" : " ", buf[i]);
    else
        printf(" fnv1a %016" PRIx64, fnv1a(buf, n * es));
    putchar('\n');
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && sf_kernel_select(argv[1]) != 0)) {
        fprintf(stderr, "usage: fill_dump [KERNEL]: KERNEL is one this build has and this CPU "
                        "runs (avx512, avx2, neon or scalar)\n");
        return 2;
    }
    fprintf(stderr, "fill_dump: kernel %s\n", sf_kernel_name());
    const uint64_t seeds[2] = {UINT64_C(0x736c616266696c6c), UINT64_C(0xdeadbeefcafef00d)};
    for (int dt = 0; dt < 2; dt++)
        for (int di = 0; di < 2; di++) {
            const sf_value_spec s = {seeds[0], dt ? SF_FLOAT64 : SF_FLOAT32,
                                     di ? SF_UNIFORM : SF_NORMAL};
            const uint64_t per = dt ? 2 : 4; /* values per Philox block */
            const uint64_t carry = per << 32; /* g of block 2^32, where the counter's high
                                               * word first carries */
            dump(&s, 0, 1000003);              /* long, odd end */
            dump(&s, 7, 70);                   /* unaligned start and end */
            dump(&s, 1, 2);                    /* one value inside a block */
            dump(&s, carry - 37, carry + 19);  /* across the carry, unaligned */
            dump(&s, carry - 50001, carry + 50003);
            dump(&s, UINT64_MAX - 100000, UINT64_MAX); /* the top of the index range */
            const sf_value_spec t = {seeds[1], s.dtype, s.dist};
            dump(&t, 123456789, 123456789 + 300001);
        }
    return 0;
}
