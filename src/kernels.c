/* kernels.c - the value kernels built from C loops, and the table that chooses among all kernels.
 *
 * A kernel turns a run of Philox blocks into values (sf_kernels.h). This file has:
 *   - scalar (or neon, on arm64): a batch of Philox blocks in plain C, then conversion loops
 *     over the inline math of sf_values_math.h; the compiler vectorises both for the baseline
 *     instruction set (on arm64, that is NEON). It is the only kernel of make SIMD=0;
 *   - avx512 (x86-64): an AVX-512 Philox batch, then the same conversion loops built for
 *     x86-64-v4;
 *   - the table of kernels, fastest first, with the avx2 kernel of src/kernel_avx2.c, and the
 *     choice of the fastest one this CPU runs.
 * Every kernel writes the same bytes: tests/values_test.c checks each against the reference.
 */
#include <string.h>

#include "sf_kernels.h"
#include "sf_philox.h"
#include "sf_values.h"
#include "sf_values_math.h"

#ifdef SF_X86
#include <immintrin.h>
#endif

#define CHUNK 512 /* Philox blocks per batch of the C kernels: 8 KiB of words, stays in L1 */

/* ---- the C kernels: a batch of Philox blocks, then conversion loops --------------------- */

/* Philox of counters b0 .. b0+n-1, structure of arrays: word j of block i is w[j*CHUNK + i].
 * Rounds run outermost, so each inner loop is a long, independent, vectorisable sweep. */
static void philox_batch_c(uint64_t b0, int n, uint32_t k0, uint32_t k1, uint32_t *restrict w)
{
    uint32_t *restrict c0 = w, *restrict c1 = w + CHUNK, *restrict c2 = w + 2 * CHUNK,
                       *restrict c3 = w + 3 * CHUNK;
    for (int i = 0; i < n; i++) {
        uint64_t b = b0 + (uint64_t)i;
        c0[i] = (uint32_t)b;
        c1[i] = (uint32_t)(b >> 32);
        c2[i] = 0;
        c3[i] = 0;
    }
    for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
        for (int i = 0; i < n; i++)
            sf_philox4x32_round(&c0[i], &c1[i], &c2[i], &c3[i], k0, k1);
        sf_philox4x32_bumpkey(&k0, &k1);
    }
}

#ifdef SF_X86
/* Compilers vectorise the loop above with one 32x32->64 product per 64-bit lane, and spend
 * shifts and masks keeping each lane a clean uint32. This keeps every word in a 64-bit lane and
 * lets the upper half hold garbage: _mm512_mul_epu32 reads only the low half, so a round is two
 * products, two shifts and two three-way XORs, and the words are narrowed once, at the end.
 * Integer arithmetic only: the words are the same as philox_batch_c's, bit for bit. */
__attribute__((target("avx512f"))) static void philox_batch_avx512(uint64_t b0, int n,
                                                                   uint32_t k0, uint32_t k1,
                                                                   uint32_t *restrict w)
{
    const __m512i m0 = _mm512_set1_epi64(SF_PHILOX_M0), m1 = _mm512_set1_epi64(SF_PHILOX_M1);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    __m512i ka[SF_PHILOX_ROUNDS], kb[SF_PHILOX_ROUNDS]; /* the key schedule, once per batch */
    uint32_t r0 = k0, r1 = k1;
    for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
        ka[r] = _mm512_set1_epi64(r0);
        kb[r] = _mm512_set1_epi64(r1);
        sf_philox4x32_bumpkey(&r0, &r1);
    }
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t b = b0 + (uint64_t)i;
        if ((uint32_t)b > UINT32_MAX - 7) /* the low word wraps inside this group */
            break;
        __m512i c0 = _mm512_add_epi64(_mm512_set1_epi64((uint32_t)b), lane);
        __m512i c1 = _mm512_set1_epi64((uint32_t)(b >> 32));
        __m512i c2 = _mm512_setzero_si512(), c3 = _mm512_setzero_si512();
        for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
            __m512i p0 = _mm512_mul_epu32(c0, m0), p1 = _mm512_mul_epu32(c2, m1);
            c0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1, ka[r], 0x96);
            c2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3, kb[r], 0x96);
            c1 = p1;
            c3 = p0;
        }
        _mm256_storeu_si256((void *)(w + i), _mm512_cvtepi64_epi32(c0));
        _mm256_storeu_si256((void *)(w + CHUNK + i), _mm512_cvtepi64_epi32(c1));
        _mm256_storeu_si256((void *)(w + 2 * CHUNK + i), _mm512_cvtepi64_epi32(c2));
        _mm256_storeu_si256((void *)(w + 3 * CHUNK + i), _mm512_cvtepi64_epi32(c3));
    }
    if (i < n) { /* the rest, into a scratch batch, then copied to its place */
        uint32_t t[4 * CHUNK];
        philox_batch_c(b0 + (uint64_t)i, n - i, k0, k1, t);
        for (int j = 0; j < 4; j++)
            memcpy(w + j * CHUNK + i, t + j * CHUNK, sizeof *w * (size_t)(n - i));
    }
}
#endif

/* The values of n <= CHUNK blocks from their words (structure of arrays, as philox_batch_c
 * writes them), densely to out. */
SF_INLINE void convert_batch_c(const sf_value_spec *spec, const uint32_t *w, int n, void *out)
{
    const uint32_t *w0 = w, *w1 = w + CHUNK, *w2 = w + 2 * CHUNK, *w3 = w + 3 * CHUNK;
    if (spec->dtype == SF_FLOAT32 && spec->dist == SF_UNIFORM) {
        float *restrict o = out;
        for (int i = 0; i < n; i++) {
            o[4 * i] = uniform_f32(w0[i]);
            o[4 * i + 1] = uniform_f32(w1[i]);
            o[4 * i + 2] = uniform_f32(w2[i]);
            o[4 * i + 3] = uniform_f32(w3[i]);
        }
    } else if (spec->dtype == SF_FLOAT32) {
        /* Each lane to its own array, then one permute loop: written directly, the vectoriser
         * stored one float at a time. */
        float t[4 * CHUNK] __attribute__((aligned(64)));
        float *restrict o = out;
        float *restrict t0 = t, *restrict t1 = t + CHUNK, *restrict t2 = t + 2 * CHUNK,
                        *restrict t3 = t + 3 * CHUNK;
        for (int i = 0; i < n; i++) {
            float a[2], b[2];
            normal_f32(w0[i], w1[i], a);
            normal_f32(w2[i], w3[i], b);
            t0[i] = a[0];
            t1[i] = a[1];
            t2[i] = b[0];
            t3[i] = b[1];
        }
        for (int i = 0; i < n; i++) {
            o[4 * i] = t0[i];
            o[4 * i + 1] = t1[i];
            o[4 * i + 2] = t2[i];
            o[4 * i + 3] = t3[i];
        }
    } else if (spec->dist == SF_UNIFORM) {
        double *restrict o = out;
        for (int i = 0; i < n; i++) {
            o[2 * i] = uniform_f64(w0[i], w1[i]);
            o[2 * i + 1] = uniform_f64(w2[i], w3[i]);
        }
    } else {
        double *restrict o = out;
        for (int i = 0; i < n; i++)
            normal_f64(w0[i], w1[i], w2[i], w3[i], o + 2 * i);
    }
}

typedef void philox_batch_fn(uint64_t b0, int n, uint32_t k0, uint32_t k1, uint32_t *restrict w);

/* The values of blocks b0 .. b0+nblocks-1 through a Philox batch function and the loops above. */
SF_INLINE void fill_c(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks, void *out,
                      philox_batch_fn *philox)
{
    const uint32_t k0 = (uint32_t)spec->seed, k1 = (uint32_t)(spec->seed >> 32);
    uint32_t w[4 * CHUNK] __attribute__((aligned(64)));
    for (uint64_t done = 0; done < nblocks; done += CHUNK) {
        int n = nblocks - done < CHUNK ? (int)(nblocks - done) : CHUNK;
        philox(b0 + done, n, k0, k1, w);
        convert_batch_c(spec, w, n, (char *)out + done * SF_BLOCK_BYTES);
    }
}

/* The loops above on words given block by block (for sf_convert_blocks). */
SF_INLINE void convert_c(const sf_value_spec *spec, const uint32_t (*words)[4], size_t n,
                         void *out)
{
    uint32_t w[4 * CHUNK];
    for (size_t done = 0; done < n; done += CHUNK) {
        int m = n - done < CHUNK ? (int)(n - done) : CHUNK;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < 4; j++)
                w[j * CHUNK + i] = words[done + i][j];
        convert_batch_c(spec, w, m, (char *)out + done * SF_BLOCK_BYTES);
    }
}

static void fill_portable(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks, void *out)
{
    fill_c(spec, b0, nblocks, out, philox_batch_c);
}

static void convert_portable(const sf_value_spec *spec, const uint32_t (*w)[4], size_t n,
                             void *out)
{
    convert_c(spec, w, n, out);
}

#ifdef SF_X86
/* x86-64-v4 is AVX-512 F/BW/CD/DQ/VL and v3 is AVX2 with FMA (which -ffp-contract=off keeps
 * out of the arithmetic); avx512f alone vectorises these loops no better than SSE2. */
#define SF_V4 __attribute__((target("arch=x86-64-v4")))

SF_V4 static void fill_avx512(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks, void *out)
{
    fill_c(spec, b0, nblocks, out, philox_batch_avx512);
}

SF_V4 static void convert_avx512(const sf_value_spec *spec, const uint32_t (*w)[4], size_t n,
                                 void *out)
{
    convert_c(spec, w, n, out);
}

static int avx512_runs_here(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
}

static int avx2_runs_here(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}
#endif /* SF_X86 */

/* ---- choosing a kernel ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    int (*runs_here)(void); /* whether this CPU has its instructions */
    sf_fill_blocks_fn *fill;
    void (*convert)(const sf_value_spec *spec, const uint32_t (*w)[4], size_t n, void *out);
} sf_kernel;

static int runs_anywhere(void) { return 1; }

static const sf_kernel KERNELS[] = { /* fastest first */
#ifdef SF_X86
    {"avx512", avx512_runs_here, fill_avx512, convert_avx512},
    {"avx2", avx2_runs_here, sf_fill_avx2, sf_convert_avx2},
#endif
#if SF_SIMD && defined(__aarch64__)
    {"neon", runs_anywhere, fill_portable, convert_portable}, /* NEON is part of every arm64 */
#else
    {"scalar", runs_anywhere, fill_portable, convert_portable},
#endif
};
#define NKERNELS (sizeof KERNELS / sizeof KERNELS[0])

static const sf_kernel *forced; /* set by sf_kernel_select */

/* Chosen on every call, not cached: the CPU checks are a few loads, and no state is shared
 * between the threads that fill. */
static const sf_kernel *kernel(void)
{
    if (forced)
        return forced;
    size_t i = 0;
    while (!KERNELS[i].runs_here())
        i++; /* the last one runs anywhere */
    return &KERNELS[i];
}

const char *sf_kernel_name(void) { return kernel()->name; }

sf_fill_blocks_fn *sf_kernel_fill(void) { return kernel()->fill; }

int sf_kernel_select(const char *name)
{
    if (!name) {
        forced = NULL;
        return 0;
    }
    for (size_t i = 0; i < NKERNELS; i++)
        if (strcmp(KERNELS[i].name, name) == 0) {
            if (!KERNELS[i].runs_here())
                return -2;
            forced = &KERNELS[i];
            return 0;
        }
    return -1;
}

void sf_convert_blocks(const sf_value_spec *spec, const uint32_t (*words)[4], size_t n, void *out)
{
    kernel()->convert(spec, words, n, out);
}
