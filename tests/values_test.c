/* values_test.c - the conversions on hand-computed words, and the promise that makes any
 * decomposition give the same bytes: a fill of any [start, end) equals that part of a big fill.
 * Every kernel this CPU runs (sf_kernel_select) must give the reference's bytes: on Philox
 * output, on words at the edges of the conversions' integer arithmetic, and over unaligned
 * ranges across the counter's carry. A kernel built in that this CPU cannot run is checked never to
 * be chosen here. */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_philox.h"
#include "sf_test.h"
#include "sf_values.h"

static int near(double a, double b, double tol) { return fabs(a - b) <= tol; }

static void conversions(void)
{
    sf_test(sf_uniform_f32(0) == 0.0f, "uniform-f32-zero", "%g", sf_uniform_f32(0));
    sf_test(sf_uniform_f32(0x100) == 0x1p-24f, "uniform-f32-lsb", "%a", sf_uniform_f32(0x100));
    sf_test(sf_uniform_f32(0xff) == 0.0f, "uniform-f32-drops-low-8", "%a", sf_uniform_f32(0xff));
    sf_test(sf_uniform_f32(0xffffffffu) == 1.0f - 0x1p-24f, "uniform-f32-max-below-1", "%a",
            sf_uniform_f32(0xffffffffu));
    sf_test(sf_uniform_f32(0x80000000u) == 0.5f, "uniform-f32-half", "%a",
            sf_uniform_f32(0x80000000u));
    /* v = hi<<32 | lo; value = (v >> 11) * 2^-53 */
    sf_test(sf_uniform_f64(0xffffffffu, 0xffffffffu) == 1.0 - 0x1p-53, "uniform-f64-max", "%a",
            sf_uniform_f64(0xffffffffu, 0xffffffffu));
    sf_test(sf_uniform_f64(0, 0x80000000u) == 0.5, "uniform-f64-half-from-hi-word", "%a",
            sf_uniform_f64(0, 0x80000000u));
    sf_test(sf_uniform_f64(0x800, 0) == 0x1p-53, "uniform-f64-lsb-from-lo-word", "%a",
            sf_uniform_f64(0x800, 0));

    float f[2];
    double d[2];
    /* wa = 0xffffffff: u1 = 1, r = 0. */
    sf_normal_f32_pair(0xffffffffu, 12345, f);
    sf_test(f[0] == 0.0f && f[1] == 0.0f, "normal-f32-u1-one", "%g %g", f[0], f[1]);
    /* wa = 0: u1 = 2^-32, r = sqrt(64 ln 2) = 6.660437..., wb = 0: angle 0. */
    sf_normal_f32_pair(0, 0, f);
    sf_test(near(f[0], 6.660437, 1e-5) && f[1] == 0.0f, "normal-f32-tail-6.66-sigma",
            "%.7g %.7g", f[0], f[1]);
    /* wb = 2^30: u2 = 1/4, angle pi/2: the odd lane carries r. */
    sf_normal_f32_pair(0, 0x40000000u, f);
    sf_test(fabsf(f[0]) < 1e-6f && near(f[1], 6.660437, 1e-5), "normal-f32-quarter-turn",
            "%.7g %.7g", f[0], f[1]);
    /* wa = 2^32 - 2: u1 = 1 - 2^-32 exactly representable, tiny radius, cos = 1. */
    sf_normal_f32_pair(0xfffffffeu, 0, f);
    /* cppcheck-suppress invalidFunctionArg ; -2 log1p(-2^-32) is positive, about 4.7e-10 */
    sf_test(near(f[0], sqrt(-2.0 * log1p(-0x1p-32)), 1e-12), "normal-f32-u1-near-one", "%a",
            f[0]);
    /* float64: va = 0 -> u1 = 2^-52, r = sqrt(104 ln 2) = 8.4904...; vb = 2^63 -> u2 = 1/2. */
    sf_normal_f64_pair(0, UINT64_C(1) << 63, d);
    sf_test(near(d[0], -sqrt(104.0 * log(2.0)), 1e-12) && fabs(d[1]) < 1e-12,
            "normal-f64-tail-8.49-sigma-half-turn", "%.17g %.17g", d[0], d[1]);
    /* va all ones -> u1 = 1, r = 0. */
    sf_normal_f64_pair(UINT64_MAX, 777, d);
    sf_test(d[0] == 0.0 && d[1] == 0.0, "normal-f64-u1-one", "%g %g", d[0], d[1]);
}

/* The first values of a block come from the documented words: uniform float32 lane i is
 * w[i] >> 8 scaled, with counter (b, b>>32, 0, 0) and key (seed, seed>>32). */
static void lanes_follow_words(void)
{
    const uint64_t seed = UINT64_C(0x0123456789abcdef), b = UINT64_C(0x100000005);
    uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), 0, 0};
    uint32_t key[2] = {0x89abcdefu, 0x01234567u}, w[4];
    sf_philox4x32_10(ctr, key, w);
    sf_value_spec s = {seed, SF_FLOAT32, SF_UNIFORM};
    float f[4];
    sf_fill(&s, 4 * b, 4 * b + 4, f);
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= f[i] == sf_uniform_f32(w[i]);
    sf_test(ok, "uniform-f32-lanes-are-words", "lane mismatch");

    s.dtype = SF_FLOAT64;
    double d[2];
    sf_fill(&s, 2 * b, 2 * b + 2, d);
    sf_test(d[0] == sf_uniform_f64(w[0], w[1]) && d[1] == sf_uniform_f64(w[2], w[3]),
            "uniform-f64-pairs-are-words", "pair mismatch");

    s.dist = SF_NORMAL;
    double n[2];
    sf_fill(&s, 2 * b, 2 * b + 2, d);
    sf_normal_f64_pair(((uint64_t)w[1] << 32) | w[0], ((uint64_t)w[3] << 32) | w[2], n);
    sf_test(d[0] == n[0] && d[1] == n[1], "normal-f64-lanes-are-words", "lane mismatch");

    s.dtype = SF_FLOAT32;
    float nf[4], p[2];
    sf_fill(&s, 4 * b, 4 * b + 4, nf);
    sf_normal_f32_pair(w[2], w[3], p);
    sf_test(nf[2] == p[0] && nf[3] == p[1], "normal-f32-lanes-2-3-use-words-2-3", "mismatch");
}

static uint64_t next(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + 1442695040888963407u;
    return *s >> 33;
}

static void ranges_are_consistent(const char *k)
{
    const uint64_t N = 4099;
    for (int dt = 0; dt < 2; dt++)
        for (int di = 0; di < 2; di++) {
            sf_value_spec s = {UINT64_C(0xfeedface12345678), dt ? SF_FLOAT64 : SF_FLOAT32,
                               di ? SF_UNIFORM : SF_NORMAL};
            size_t es = sf_dtype_size(s.dtype);
            char *whole = malloc(N * es), *part = malloc(N * es);
            sf_fill(&s, 1000, 1000 + N, whole);
            uint64_t r = 99;
            int bad = 0;
            for (int t = 0; t < 2000; t++) {
                uint64_t a = next(&r) % N, b = next(&r) % N;
                if (a > b) { uint64_t x = a; a = b; b = x; }
                memset(part, 0xa5, N * es);
                sf_fill(&s, 1000 + a, 1000 + b, part);
                bad += memcmp(part, whole + a * es, (b - a) * es) != 0;
                /* nothing written past the end */
                bad += b < N && (unsigned char)part[(b - a) * es] != 0xa5;
            }
            char name[64];
            snprintf(name, sizeof name, "%s-any-range-same-bytes-%s-%s", k, sf_dtype_name(s.dtype),
                     sf_dist_name(s.dist));
            sf_test(bad == 0, name, "%d of 2000 ranges differ", bad);

            /* A box of a 7x9x11 array equals the matching rows of a flat fill. */
            const uint64_t shape[3] = {7, 9, 11};
            char *flat = malloc(7 * 9 * 11 * es), *box = malloc(7 * 9 * 11 * es);
            sf_fill(&s, 0, 7 * 9 * 11, flat);
            sf_box bx = {{2, 3, 4}, {3, 5, 6}};
            sf_fill_box(&s, shape, &bx, box);
            int bbad = 0;
            for (uint64_t z = 0; z < 3; z++)
                for (uint64_t x = 0; x < 5; x++)
                    bbad += memcmp(box + ((z * 5 + x) * 6) * es,
                                   flat + (((2 + z) * 9 + 3 + x) * 11 + 4) * es, 6 * es) != 0;
            snprintf(name, sizeof name, "%s-box-equals-flat-%s-%s", k, sf_dtype_name(s.dtype),
                     sf_dist_name(s.dist));
            sf_test(bbad == 0, name, "%d rows differ", bbad);
            free(flat), free(box), free(whole), free(part);
        }
}

/* Uniform values stay in [0, 1) and normal values have mean ~0, variance ~1. */
static void moments(void)
{
    const size_t n = 1 << 20;
    float *f = malloc(n * sizeof *f);
    sf_value_spec s = {42, SF_FLOAT32, SF_NORMAL};
    sf_fill(&s, 0, n, f);
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++)
        m += f[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        v += (f[i] - m) * (f[i] - m);
    v /= (double)n;
    sf_test(fabs(m) < 0.005 && fabs(v - 1) < 0.01, "normal-f32-moments", "mean %g var %g", m, v);
    s.dist = SF_UNIFORM;
    sf_fill(&s, 0, n, f);
    float lo = 1, hi = 0;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        lo = f[i] < lo ? f[i] : lo;
        hi = f[i] > hi ? f[i] : hi;
        m += f[i];
    }
    sf_test(lo >= 0 && hi < 1 && fabs(m / (double)n - 0.5) < 0.002, "uniform-f32-range-mean",
            "min %g max %g mean %g", lo, hi, m / (double)n);
    free(f);
}

/* The exact formula in long double, for one lane. The angle is reduced exactly (u2 - round(u2))
 * before scaling by 2 pi: near u2 = 1, 2 pi u2 would lose more than our polynomials do. */
static long double exact_normal(long double u1, long double u2, int lane)
{
    long double r = sqrtl(-2.0L * logl(u1));
    long double t = 6.283185307179586476925286766559L * (u2 - rintl(u2));
    return lane ? r * sinl(t) : r * cosl(t);
}

static double rel_err(long double got, long double want)
{
    long double den = fabsl(want) > 1e-6L ? fabsl(want) : 1e-6L; /* absolute near zero */
    return (double)(fabsl(got - want) / den);
}

/* Accuracy of our polynomials against the exact formula over 10^7 pairs of each dtype: random
 * words, the extreme tails (u1 near 0), u1 within 2^-32 of 1, and angles at quadrant edges. */
static void accuracy(void)
{
    uint64_t st = 2024;
    double worst32 = 0, worst64 = 0;
    long n = 0;
    for (long i = 0; i < 5000000; i++) {
        uint32_t wa = (uint32_t)next(&st) ^ ((uint32_t)next(&st) << 16), wb;
        wb = (uint32_t)next(&st) ^ ((uint32_t)next(&st) << 16);
        if (i % 5 == 1)
            wa = (uint32_t)(i % 4096); /* deepest tails: u1 <= 2^-20 */
        if (i % 5 == 2)
            wa = 0xffffffffu - (uint32_t)(i % 4096); /* u1 within 2^-20 of 1 */
        if (i % 5 == 3)
            wb = ((uint32_t)(i % 4) << 30) + (uint32_t)(i % 64) - 32u; /* quadrant edges */
        float f[2];
        sf_normal_f32_pair(wa, wb, f);
        long double u1 = ((long double)wa + 1) * 0x1p-32L, u2 = (long double)wb * 0x1p-32L;
        for (int lane = 0; lane < 2; lane++) {
            double e = rel_err(f[lane], exact_normal(u1, u2, lane));
            worst32 = e > worst32 ? e : worst32;
        }
        uint64_t va = ((uint64_t)wa << 32) | (uint32_t)next(&st);
        uint64_t vb = ((uint64_t)wb << 32) | (uint32_t)next(&st);
        if (i % 5 == 1)
            va = (uint64_t)(i % 4096) << 12;
        double d[2];
        sf_normal_f64_pair(va, vb, d);
        u1 = ((long double)(va >> 12) + 1) * 0x1p-52L;
        u2 = (long double)(vb >> 12) * 0x1p-52L;
        for (int lane = 0; lane < 2; lane++) {
            double e = rel_err(d[lane], exact_normal(u1, u2, lane));
            worst64 = e > worst64 ? e : worst64;
        }
        n += 2;
    }
    printf("  accuracy over %ld float32 and %ld float64 values: max relative error %.3g "
           "(float32), %.3g (float64)\n", n, n, worst32, worst64);
    sf_test(worst32 <= 1e-5 && n >= 10000000, "normal-f32-accuracy-1e7-values", "max rel %.3g",
            worst32);
    sf_test(worst64 <= 1e-12 && n >= 10000000, "normal-f64-accuracy-1e7-values", "max rel %.3g",
            worst64);
}

/* The value of block b's words w at lane i (of 4 float32 or 2 float64 values), by the per-pair
 * functions, which are compiled for the baseline instruction set: the reference for the kernels. */
static void reference_block(const sf_value_spec *s, const uint32_t w[4], void *out)
{
    if (s->dtype == SF_FLOAT32 && s->dist == SF_UNIFORM) {
        float *f = out;
        for (int i = 0; i < 4; i++)
            f[i] = sf_uniform_f32(w[i]);
    } else if (s->dtype == SF_FLOAT32) {
        sf_normal_f32_pair(w[0], w[1], out);
        sf_normal_f32_pair(w[2], w[3], (float *)out + 2);
    } else if (s->dist == SF_UNIFORM) {
        double *d = out;
        d[0] = sf_uniform_f64(w[0], w[1]);
        d[1] = sf_uniform_f64(w[2], w[3]);
    } else {
        sf_normal_f64_pair(((uint64_t)w[1] << 32) | w[0], ((uint64_t)w[3] << 32) | w[2], out);
    }
}

static const char *kind_name(const sf_value_spec *s)
{
    return s->dtype == SF_FLOAT32 ? (s->dist == SF_NORMAL ? "f32-normal" : "f32-uniform")
                                  : (s->dist == SF_NORMAL ? "f64-normal" : "f64-uniform");
}

static sf_value_spec spec_of(int kind)
{
    return (sf_value_spec){UINT64_C(0x0123456789abcdef), kind & 2 ? SF_FLOAT64 : SF_FLOAT32,
                           kind & 1 ? SF_UNIFORM : SF_NORMAL};
}

/* sf_fill through kernel k equals the reference, block by block: from block 0, and across the
 * carry into the counter's high word (where the AVX-512 Philox hands over to C, and the AVX2
 * one carries inside its lanes). */
static void batch_equals_reference(const char *k)
{
    const struct {
        uint64_t b0, nb;
        const char *where;
    } runs[] = {{0, 1 << 18, "from-0"}, {(UINT64_C(3) << 32) - 2051, 4099, "across-2^32"}};
    for (int kind = 0; kind < 4; kind++)
        for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
            const sf_value_spec s = spec_of(kind);
            const uint64_t b0 = runs[r].b0, nb = runs[r].nb, per = s.dtype == SF_FLOAT64 ? 2 : 4;
            char *buf = malloc(nb * 16);
            assert(buf);
            sf_fill(&s, b0 * per, (b0 + nb) * per, buf);
            const uint32_t key[2] = {(uint32_t)s.seed, (uint32_t)(s.seed >> 32)};
            long bad = 0;
            for (uint64_t i = 0; i < nb; i++) {
                uint64_t b = b0 + i;
                uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), 0, 0}, w[4];
                unsigned char want[16];
                sf_philox4x32_10(ctr, key, w);
                reference_block(&s, w, want);
                bad += memcmp(want, buf + i * 16, 16) != 0;
            }
            char name[96];
            snprintf(name, sizeof name, "%s-%s-batch-equals-reference-%s", k, kind_name(&s),
                     runs[r].where);
            sf_test(bad == 0, name, "%ld of %llu blocks differ", bad, (unsigned long long)nb);
            free(buf);
        }
}

/* 32-bit words at the edges of the conversions' integer arithmetic, each +- 40: 0 and 2^32,
 * powers of two and the sqrt(2) thresholds of the logarithm's reduction (where float rounding
 * of n starts to matter, and e = 31 and 32), and the quarter turns and their midpoints. */
static size_t edge_words32(uint32_t *out)
{
    size_t n = 0;
    for (int k = 0; k <= 32; k++) {
        const uint64_t centres[3] = {UINT64_C(1) << k, (uint64_t)ldexp(sqrt(2.0), k),
                                     (uint64_t)k << 29};
        for (int c = 0; c < 3; c++)
            for (int d = -40; d <= 40; d++)
                out[n++] = (uint32_t)(centres[c] + (uint64_t)(int64_t)d);
    }
    return n; /* 33 * 3 * 81 */
}

/* The same for the 52 bits (u1, u2) of float64 normal values and the 53 of float64 uniform
 * ones, as 64-bit words: the bits under them are varied too. */
static size_t edge_words64(uint64_t *out)
{
    size_t n = 0;
    for (int k = 0; k <= 53; k++) {
        const uint64_t centres[3] = {UINT64_C(1) << k, (uint64_t)ldexp(sqrt(2.0), k),
                                     (uint64_t)k << 49};
        for (int c = 0; c < 3; c++)
            for (int d = -40; d <= 40; d++) {
                const uint64_t m = centres[c] + (uint64_t)(int64_t)d;
                out[n++] = m << 12 | (uint64_t)(d & 0xfff);
                out[n++] = m << 11 | (uint64_t)(-d & 0x7ff);
            }
    }
    return n; /* 54 * 3 * 81 * 2 */
}

/* The current kernel's conversion of the edge words equals the reference's. Each word is paired
 * with every 37th other one, so the two words of a pair meet many combinations. */
static void edge_words(const char *k)
{
    static uint32_t e32[33 * 3 * 81];
    static uint64_t e64[54 * 3 * 81 * 2];
    const size_t n32 = edge_words32(e32), n64 = edge_words64(e64), nb = n32 > n64 ? n32 : n64;
    uint32_t(*w)[4] = malloc(nb * sizeof *w);
    unsigned char *got = malloc(nb * 16);
    assert(w && got);
    for (int kind = 0; kind < 4; kind++) {
        const sf_value_spec s = spec_of(kind);
        const size_t n = s.dtype == SF_FLOAT32 ? n32 : n64;
        for (size_t i = 0; i < n; i++) {
            if (s.dtype == SF_FLOAT32) {
                for (int j = 0; j < 4; j++)
                    w[i][j] = e32[(i + 37 * (size_t)j) % n];
            } else {
                const uint64_t a = e64[i], b = e64[(i + 37) % n];
                w[i][0] = (uint32_t)a, w[i][1] = (uint32_t)(a >> 32);
                w[i][2] = (uint32_t)b, w[i][3] = (uint32_t)(b >> 32);
            }
        }
        sf_convert_blocks(&s, (const uint32_t(*)[4])w, n, got);
        long bad = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char want[16];
            reference_block(&s, w[i], want);
            bad += memcmp(want, got + i * 16, 16) != 0;
        }
        char name[96];
        snprintf(name, sizeof name, "%s-%s-edge-words-equal-reference", k, kind_name(&s));
        sf_test(bad == 0, name, "%ld of %zu blocks differ", bad, n);
    }
    free(w), free(got);
}

/* sf_fill of any [start, end) through kernel k equals the portable C kernel's bytes: unaligned
 * starts and ends, near 0, across the carry into the counter's high word, and at the top of the
 * 64-bit index range. */
static void same_as_portable(const char *k, const char *portable)
{
    const uint64_t bases[3] = {0, (UINT64_C(1) << 34) - 4096, UINT64_MAX - 9000};
    for (int kind = 0; kind < 4; kind++) {
        const sf_value_spec s = spec_of(kind);
        const size_t es = sf_dtype_size(s.dtype);
        char *a = malloc(8192 * es), *b = malloc(8192 * es);
        assert(a && b);
        uint64_t r = 7;
        long bad = 0, n = 0;
        for (int base = 0; base < 3; base++)
            for (int t = 0; t < 300; t++, n++) {
                /* near 2^32 blocks is g near 2^34 (float32) or 2^33 (float64) */
                uint64_t g0 = base == 1 && s.dtype == SF_FLOAT64 ? bases[1] / 2 : bases[base];
                uint64_t start = g0 + next(&r) % 8192, len = next(&r) % (8192 - (start - g0));
                memset(a, 0x5a, 8192 * es);
                memset(b, 0x5a, 8192 * es);
                sf_fill(&s, start, start + len, a);
                sf_kernel_select(portable);
                sf_fill(&s, start, start + len, b);
                sf_kernel_select(k);
                bad += memcmp(a, b, 8192 * es) != 0; /* the bytes past len too */
            }
        char name[96];
        snprintf(name, sizeof name, "%s-%s-same-bytes-as-%s", k, kind_name(&s), portable);
        sf_test(bad == 0, name, "%ld of %ld ranges differ", bad, n);
        free(a), free(b);
    }
}

/* Selects kernel k; 0 when this build has none or this CPU cannot run it, said in a line. A
 * kernel built in that this CPU cannot run is checked for what can be checked here: the
 * automatic choice never takes it (its bytes are checked on a CPU that has it). */
static int use_kernel(const char *k)
{
    const int rc = sf_kernel_select(k);
    if (rc == -2) {
        printf("  (kernel %s is built in, but this CPU lacks its instructions: its bytes are "
               "checked only on a CPU that has them)\n", k);
        sf_kernel_select(NULL);
        char name[96];
        snprintf(name, sizeof name, "kernel-%s-never-chosen-on-a-cpu-without-it", k);
        sf_test(strcmp(sf_kernel_name(), k) != 0, name, "the automatic choice took %s", k);
    } else if (rc != 0) {
        printf("  (this build has no %s kernel)\n", k);
    }
    return rc == 0;
}

int main(void)
{
    conversions();
    accuracy();
    const char *kernels[] = {"scalar", "neon", "avx2", "avx512"};
    const char *portable = sf_kernel_select("neon") == 0 ? "neon" : "scalar";
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (!use_kernel(kernels[i]))
            continue;
        printf("  kernel %s:\n", kernels[i]);
        batch_equals_reference(kernels[i]);
        edge_words(kernels[i]);
        ranges_are_consistent(kernels[i]);
        if (strcmp(kernels[i], portable) != 0)
            same_as_portable(kernels[i], portable);
    }
    sf_kernel_select(NULL);
    printf("  automatic choice: %s\n", sf_kernel_name());
    lanes_follow_words();
    moments();
    return sf_test_failures != 0;
}
