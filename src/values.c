/* values.c - turns Philox blocks into float32/float64 values following the spec in sf_values.h.
 *
 * Speed comes from batching: a chunk of counters goes through Philox in one loop, then through
 * one conversion loop. Both loops are plain C that compilers vectorise (AVX2, AVX-512, NEON), and
 * on x86-64 Linux one binary carries AVX-512, AVX2 and baseline clones chosen at run time.
 *
 * The bits must not depend on the instruction set. So normal values use no libm: log, sqrt and
 * sincos are our own fixed polynomials, built only from IEEE-754 double +, -, *, / and sqrt,
 * which are correctly rounded everywhere. The build forbids fused multiply-add contraction
 * (-ffp-contract=off), so a scalar build (make SIMD=0) and every vector width give the same
 * bytes. Range reduction is done in integers, so it is exact:
 *   - ln u1 = e*ln2 + ln(1+f), where u1 = 2^e (1+f) with 1+f in [sqrt(1/2), sqrt(2)). f comes
 *     from an exact integer difference, so u1 near 1 keeps its full precision;
 *   - the angle 2 pi u2 is split into a quadrant q (from the integer's top bits) and a residual
 *     x in [-pi/4, pi/4). Then cos and sin of x are rotated by q quarter turns.
 */
#include "sf_values.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "sf_philox.h"

#ifndef SF_SIMD
#define SF_SIMD 1
#endif
#if SF_SIMD && defined(__GNUC__) && defined(__x86_64__)
#define SF_X86_PHILOX 1 /* explicit AVX-512 and AVX2 Philox, chosen at run time */
#include <immintrin.h>
#endif
#if SF_SIMD && defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__)
/* x86-64-v4 is AVX-512 F/BW/CD/DQ/VL and v3 is AVX2 with FMA (which -ffp-contract=off keeps
 * out of the arithmetic); avx512f alone vectorises these loops no better than SSE2. */
#define SF_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SF_CLONES
#endif

#define CHUNK 512 /* Philox blocks per batch: 4 KiB of words, stays in L1 */

size_t sf_dtype_size(sf_dtype dtype) { return dtype == SF_FLOAT64 ? 8 : 4; }
const char *sf_dtype_name(sf_dtype dtype) { return dtype == SF_FLOAT64 ? "float64" : "float32"; }
const char *sf_dist_name(sf_dist dist) { return dist == SF_UNIFORM ? "uniform" : "normal"; }

float sf_uniform_f32(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }


/* ---- the math: inline, branch-free, so the batch loops vectorise ------------------------- */

/* Minimax polynomials, from scripts/fit-polynomials (which make check re-runs, so these are
 * exactly its output). With z = s^2 or x^2:
 *   ln(1+f) = 2s + 2s z LOG(z), s = f/(2+f);  sin x = x + x z SIN(z);  cos x = 1 + z COS(z). */
/* LOG_F32: degree 2, weighted error 2^-30.2 */
static const float LOG_F32[3] = {0x1.55557ap-2f, 0x1.995e9cp-3f, 0x1.31e678p-3f};
/* SIN_F32: degree 2, weighted error 2^-28.05 */
static const float SIN_F32[3] = {-0x1.555546p-3f, 0x1.11075cp-7f, -0x1.994cfap-13f};
/* COS_F32: degree 3, weighted error 2^-34.11 */
static const float COS_F32[4] = {-0x1p-1f, 0x1.55553ep-5f, -0x1.6c0878p-10f, 0x1.99327p-16f};
/* LOG_F64: degree 6, weighted error 2^-59.48 */
static const double LOG_F64[7] = {0x1.5555555555593p-2, 0x1.999999997fb31p-3,
                                  0x1.24924942179d9p-3, 0x1.c71c51e7fc287p-4,
                                  0x1.7466462b53cdp-4,  0x1.39a0f5267a387p-4,
                                  0x1.2f0d8d08d7cb4p-4};
/* SIN_F64: degree 5, weighted error 2^-58.0 */
static const double SIN_F64[6] = {-0x1.5555555555549p-3, 0x1.111111110f861p-7,
                                  -0x1.a01a019c0e4c4p-13, 0x1.71de3574ba856p-19,
                                  -0x1.ae5e63cda9028p-26, 0x1.5d9246d794c83p-33};
/* COS_F64: degree 6, weighted error 2^-64.72 */
static const double COS_F64[7] = {-0x1p-1, 0x1.555555555553bp-5, -0x1.6c16c16c13edfp-10,
                                  0x1.a01a019b6ac81p-16, -0x1.27e4f750502cep-22,
                                  0x1.1ee9829e161c7p-29, -0x1.8f7f64a19a3a1p-37};

/* Horner's rule, highest coefficient first; n is a constant at every call, so it unrolls. */
static inline float poly_f(const float *c, int n, float z)
{
    float p = c[n - 1];
    for (int i = n - 2; i >= 0; i--)
        p = p * z + c[i];
    return p;
}

static inline double poly_d(const double *c, int n, double z)
{
    double p = c[n - 1];
    for (int i = n - 2; i >= 0; i--)
        p = p * z + c[i];
    return p;
}

#define NCOEF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Rotate (cos x, sin x) by q quarter turns: odd q swaps the two, and each takes its sign from
 * the quadrant (cos is negative for q = 1, 2 and sin for q = 2, 3). Negation is a flip of the
 * sign bit, so flipping it with XOR gives the same bits and vectorises without selects. */
static inline void rotate_f64(uint64_t q, double cx, double sx, double *c_out, double *s_out)
{
    const double c = q & 1u ? sx : cx, s = q & 1u ? cx : sx;
    uint64_t cb, sb;
    memcpy(&cb, &c, sizeof cb);
    memcpy(&sb, &s, sizeof sb);
    cb ^= ((q + 1u) >> 1 & 1u) << 63;
    sb ^= (q >> 1 & 1u) << 63;
    memcpy(c_out, &cb, sizeof cb);
    memcpy(s_out, &sb, sizeof sb);
}

static inline void rotate_f32(uint32_t q, float cx, float sx, float *c_out, float *s_out)
{
    const float c = q & 1u ? sx : cx, s = q & 1u ? cx : sx;
    uint32_t cb, sb;
    memcpy(&cb, &c, sizeof cb);
    memcpy(&sb, &s, sizeof sb);
    cb ^= ((q + 1u) >> 1 & 1u) << 31;
    sb ^= (q >> 1 & 1u) << 31;
    memcpy(c_out, &cb, sizeof cb);
    memcpy(s_out, &sb, sizeof sb);
}

/* ln 2 split so that e * LN2_HI is exact; both are pre-multiplied by -2 (exact scaling). */
static const double M2LN2_HI = -2 * 6.93147180369123816490e-01;
static const double M2LN2_LO = -2 * 1.90821492927058770002e-10;
static const double PI_2 = 1.57079632679489661923; /* radians per quarter turn */

/* Exact uint32 -> double with only a signed 32-bit conversion, which every SIMD ISA has. */
static inline double u32_to_double(uint32_t x)
{
    return (double)(int32_t)(x ^ 0x80000000u) + 2147483648.0;
}

/* 2^k as a double, for integer |k| < 1000, from its bits. */
static inline double pow2(int64_t k)
{
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* float64 normal values take 52 bits of each 64-bit word, so that every conversion is an exact
 * bit operation on 64-bit lanes, which AVX2 has too (it has no 64-bit integer to double). */
static inline double from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* The integer r as a double, exactly, for |r| < 2^51: the bits of 1.5 * 2^52 + r, less that. */
static inline double small_i64_to_double(int64_t r)
{
    return from_bits(UINT64_C(0x4338000000000000) + (uint64_t)r) - 0x1.8p52;
}

/* The 52-bit integer v >> 12 of the 64-bit word v = (hi, lo). */
static inline uint64_t top52(uint32_t lo, uint32_t hi)
{
    return (uint64_t)hi << 20 | lo >> 12;
}

/* -2 ln(u1) for u1 = (m + 1) * 2^-52, where m is a 52-bit integer. */
static inline double minus_two_ln_f64(uint64_t m)
{
    /* n = m + 1 exactly: the bits of 2^52 + m, less 2^52 - 1 (both exact, the difference too). */
    const double dn = from_bits(UINT64_C(0x4330000000000000) | m) - (0x1p52 - 1.0);
    uint64_t b;
    memcpy(&b, &dn, sizeof b);
    int64_t e = (int64_t)(b >> 52) - 1023; /* dn >= 1: no sign, no subnormals */
    /* Choose e so that n / 2^e is in [sqrt(1/2), sqrt(2)): compare the mantissa's top bits. */
    e += (b & UINT64_C(0x000fffffffffffff)) > UINT64_C(0x6a09e667f3bcc);
    /* The power-of-two scaling is exact, and n / 2^e is within a factor of two of 1, so the
     * subtraction is exact too (Sterbenz): f carries all of n's bits, even when u1 is within
     * 2^-52 of 1. */
    double f = dn * pow2(-e) - 1.0;
    double s = f / (2.0 + f), z = s * s;
    double t = -4.0 * s; /* -2 (2s), exact */
    double k = small_i64_to_double(e - 52); /* ln u1 = k ln2 + ln(1+f) */
    return k * M2LN2_HI + ((t + t * (z * poly_d(LOG_F64, NCOEF(LOG_F64), z))) + k * M2LN2_LO);
}

/* cos and sin of 2 pi (m / 2^52) for a 52-bit integer m. */
static inline void sincos_turn_f64(uint64_t m, double *c_out, double *s_out)
{
    uint64_t q = (m + (UINT64_C(1) << 49)) >> 50;           /* nearest quarter turn, 0..4 */
    int64_t r = (int64_t)(m - (q << 50));                     /* exact, in [-2^49, 2^49) */
    double x = small_i64_to_double(r) * (0x1p-50 * PI_2);   /* |x| <= pi/4 */
    double z = x * x;
    double sx = x + x * (z * poly_d(SIN_F64, NCOEF(SIN_F64), z));
    double cx = 1.0 + z * poly_d(COS_F64, NCOEF(COS_F64), z);
    rotate_f64(q, cx, sx, c_out, s_out);
}

/* The 53-bit integer v >> 11 of the 64-bit word (hi, lo), exactly, as a double. */
static inline double top53(uint32_t lo, uint32_t hi)
{
    return u32_to_double(hi) * 2097152.0 + u32_to_double(lo >> 11); /* hi * 2^21 + lo >> 11 */
}

/* float32 output is computed in float32 arithmetic: twice the SIMD lanes of double, and
 * accurate to a few float32 ulps (tests/values_test.c measures it against the exact formula).
 * Its reduction is exact too: u1 = (n = wa+1) * 2^-32 = 2^(e-32) (1 + f), with f from the exact
 * int32 difference n - 2^e. */
static const float M2LN2_HI_F = -2 * 6.9314575195e-01f; /* 0x3f317200: e*LN2_HI_F is exact */
static const float M2LN2_LO_F = -2 * 1.4286067653e-06f;

static inline float minus_two_ln_f32(uint32_t wa)
{
    const uint32_t n = wa + 1; /* 2^32 wraps to 0; the e == 32 branch handles it */
    /* e: 32 when n > 2^31 sqrt(2); 31 when n > 2^31; else from n's float exponent. Rounding in
     * that conversion can only move n / 2^e to just under 1, still inside the range. */
    float nf = (float)(int32_t)(n & 0x7fffffffu);
    uint32_t nb;
    memcpy(&nb, &nf, sizeof nb);
    int32_t e_small = (int32_t)(nb >> 23) - 127 + ((nb & 0x7fffff) > 0x3504f3); /* sqrt(2)-1 */
    int32_t e = wa >= 0xb504f333u ? 32 : wa >= 0x7fffffffu ? 31 : e_small;
    uint32_t p2e = e == 32 ? 0u : 1u << (e & 31);
    int32_t d = (int32_t)(n - p2e);
    uint32_t scale_bits = (uint32_t)(127 - e) << 23; /* 2^-e */
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    float f = (float)d * scale;
    float s = f / (2.0f + f), z = s * s;
    float t = -4.0f * s; /* -2 (2s), exact */
    float k = (float)(e - 32);
    return k * M2LN2_HI_F + ((t + t * (z * poly_f(LOG_F32, NCOEF(LOG_F32), z))) + k * M2LN2_LO_F);
}

static inline void sincos_turn_f32(uint32_t wb, float *c_out, float *s_out)
{
    uint32_t q = (wb + (1u << 29)) >> 30; /* nearest quarter turn; the wrap at 2^32 is turn 4 */
    int32_t r = (int32_t)(wb - (q << 30));  /* exact residual in [-2^29, 2^29) */
    float x = (float)r * (0x1p-30f * 1.57079632679489661923f), z = x * x;
    float sx = x + x * (z * poly_f(SIN_F32, NCOEF(SIN_F32), z));
    float cx = 1.0f + z * poly_f(COS_F32, NCOEF(COS_F32), z);
    rotate_f32(q, cx, sx, c_out, s_out);
}

double sf_uniform_f64(uint32_t lo, uint32_t hi) { return top53(lo, hi) * 0x1p-53; }

/* The conversions, shared by the public pair functions and the batch loops below. */
static inline void normal_f32(uint32_t wa, uint32_t wb, float *o)
{
    float r = sqrtf(minus_two_ln_f32(wa));
    float c, s;
    sincos_turn_f32(wb, &c, &s);
    o[0] = r * c;
    o[1] = r * s;
}

static inline void normal_f64(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, double *o)
{
    double r = sqrt(minus_two_ln_f64(top52(a0, a1)));
    double c, s;
    sincos_turn_f64(top52(b0, b1), &c, &s);
    o[0] = r * c;
    o[1] = r * s;
}

void sf_normal_f32_pair(uint32_t wa, uint32_t wb, float out[2]) { normal_f32(wa, wb, out); }

void sf_normal_f64_pair(uint64_t va, uint64_t vb, double out[2])
{
    normal_f64((uint32_t)va, (uint32_t)(va >> 32), (uint32_t)vb, (uint32_t)(vb >> 32), out);
}

/* ---- the batch kernels ------------------------------------------------------------------ */

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
        for (int i = 0; i < n; i++) {
            uint64_t p0 = (uint64_t)SF_PHILOX_M0 * c0[i];
            uint64_t p1 = (uint64_t)SF_PHILOX_M1 * c2[i];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[i] ^ k0;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[i] ^ k1;
            c0[i] = n0;
            c1[i] = (uint32_t)p1;
            c2[i] = n2;
            c3[i] = (uint32_t)p0;
        }
        k0 += SF_PHILOX_W0;
        k1 += SF_PHILOX_W1;
    }
}

#ifdef SF_X86_PHILOX
/* Compilers vectorise the loop above with one 32x32->64 product per 64-bit lane, and spend
 * shifts and masks keeping each lane a clean uint32. These keep every word in a 64-bit lane and
 * let the upper half hold garbage: _mm*_mul_epu32 reads only the low half, so a round is two
 * products, two shifts and two three-way XORs, and the words are narrowed once, at the end.
 * Integer arithmetic only: the words are the same as philox_batch_c's, bit for bit. */
__attribute__((target("avx512f"))) static void philox_batch_avx512(uint64_t b0, int n,
                                                                   uint32_t k0, uint32_t k1,
                                                                   uint32_t *restrict w)
{
    const __m512i m0 = _mm512_set1_epi64(SF_PHILOX_M0), m1 = _mm512_set1_epi64(SF_PHILOX_M1);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    __m512i ka[SF_PHILOX_ROUNDS], kb[SF_PHILOX_ROUNDS]; /* the key schedule, once per batch */
    for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
        ka[r] = _mm512_set1_epi64(k0 + (uint32_t)r * SF_PHILOX_W0);
        kb[r] = _mm512_set1_epi64(k1 + (uint32_t)r * SF_PHILOX_W1);
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

/* AVX2 has no 64-to-32 narrowing store, so here 32-bit lanes with the even and odd products
 * formed separately and blended back stay the better trade. */
__attribute__((target("avx2"))) static void philox_batch_avx2(uint64_t b0, int n, uint32_t k0,
                                                              uint32_t k1, uint32_t *restrict w)
{
    const __m256i m0 = _mm256_set1_epi64x(SF_PHILOX_M0), m1 = _mm256_set1_epi64x(SF_PHILOX_M1);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t b = b0 + (uint64_t)i;
        if ((uint32_t)b > UINT32_MAX - 7)
            break;
        __m256i c0 = _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)b), lane);
        __m256i c1 = _mm256_set1_epi32((int)(uint32_t)(b >> 32));
        __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
        uint32_t ka = k0, kb = k1;
        for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
            __m256i e0 = _mm256_mul_epu32(c0, m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(c0, 32), m0);
            __m256i e1 = _mm256_mul_epu32(c2, m1), o1 = _mm256_mul_epu32(_mm256_srli_epi64(c2, 32), m1);
            __m256i lo0 = _mm256_blend_epi32(e0, _mm256_slli_epi64(o0, 32), 0xAA);
            __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(e0, 32), o0, 0xAA);
            __m256i lo1 = _mm256_blend_epi32(e1, _mm256_slli_epi64(o1, 32), 0xAA);
            __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(e1, 32), o1, 0xAA);
            c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32((int)ka));
            c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32((int)kb));
            c1 = lo1;
            c3 = lo0;
            ka += SF_PHILOX_W0;
            kb += SF_PHILOX_W1;
        }
        _mm256_storeu_si256((void *)(w + i), c0);
        _mm256_storeu_si256((void *)(w + CHUNK + i), c1);
        _mm256_storeu_si256((void *)(w + 2 * CHUNK + i), c2);
        _mm256_storeu_si256((void *)(w + 3 * CHUNK + i), c3);
    }
    if (i < n) {
        uint32_t t[4 * CHUNK];
        philox_batch_c(b0 + (uint64_t)i, n - i, k0, k1, t);
        for (int j = 0; j < 4; j++)
            memcpy(w + j * CHUNK + i, t + j * CHUNK, sizeof *w * (size_t)(n - i));
    }
}
#endif

static void philox_batch(uint64_t b0, int n, uint32_t k0, uint32_t k1, uint32_t *restrict w)
{
#ifdef SF_X86_PHILOX
    if (__builtin_cpu_supports("avx512f")) {
        philox_batch_avx512(b0, n, k0, k1, w);
        return;
    }
    if (__builtin_cpu_supports("avx2")) {
        philox_batch_avx2(b0, n, k0, k1, w);
        return;
    }
#endif
    philox_batch_c(b0, n, k0, k1, w);
}

/* Values of n whole blocks starting at block b0, written densely to out. */
SF_CLONES static void fill_blocks(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks,
                                  void *out)
{
    const uint32_t k0 = (uint32_t)spec->seed, k1 = (uint32_t)(spec->seed >> 32);
    uint32_t w[4 * CHUNK] __attribute__((aligned(64)));
    float t[4 * CHUNK] __attribute__((aligned(64)));
    for (uint64_t done = 0; done < nblocks; done += CHUNK) {
        int n = nblocks - done < CHUNK ? (int)(nblocks - done) : CHUNK;
        philox_batch(b0 + done, n, k0, k1, w);
        const uint32_t *w0 = w, *w1 = w + CHUNK, *w2 = w + 2 * CHUNK, *w3 = w + 3 * CHUNK;
        if (spec->dtype == SF_FLOAT32 && spec->dist == SF_UNIFORM) {
            float *restrict o = (float *)out + 4 * done;
            for (int i = 0; i < n; i++) {
                o[4 * i] = (float)(int32_t)(w0[i] >> 8) * 0x1p-24f;
                o[4 * i + 1] = (float)(int32_t)(w1[i] >> 8) * 0x1p-24f;
                o[4 * i + 2] = (float)(int32_t)(w2[i] >> 8) * 0x1p-24f;
                o[4 * i + 3] = (float)(int32_t)(w3[i] >> 8) * 0x1p-24f;
            }
        } else if (spec->dtype == SF_FLOAT32) {
            float *restrict o = (float *)out + 4 * done;
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
            double *restrict o = (double *)out + 2 * done;
            for (int i = 0; i < n; i++) {
                o[2 * i] = top53(w0[i], w1[i]) * 0x1p-53;
                o[2 * i + 1] = top53(w2[i], w3[i]) * 0x1p-53;
            }
        } else {
            double *restrict o = (double *)out + 2 * done;
            for (int i = 0; i < n; i++)
                normal_f64(w0[i], w1[i], w2[i], w3[i], o + 2 * i);
        }
    }
}

void sf_fill(const sf_value_spec *spec, uint64_t start, uint64_t end, void *out)
{
    assert(start <= end);
    if (start == end)
        return;
    const size_t es = sf_dtype_size(spec->dtype);
    const uint64_t per = spec->dtype == SF_FLOAT32 ? 4 : 2; /* values per Philox block */
    char *o = out;
    union {
        float f[4];
        double d[2];
    } tmp;
    uint64_t g = start;
    if (g % per) { /* unaligned head: one block through a scratch copy */
        fill_blocks(spec, g / per, 1, &tmp);
        uint64_t take = per - g % per < end - g ? per - g % per : end - g;
        memcpy(o, (char *)&tmp + (g % per) * es, (size_t)take * es);
        o += take * es;
        g += take;
    }
    uint64_t whole = (end - g) / per;
    if (whole) {
        fill_blocks(spec, g / per, whole, o);
        o += whole * per * es;
        g += whole * per;
    }
    if (g < end) {
        fill_blocks(spec, g / per, 1, &tmp);
        memcpy(o, &tmp, (size_t)(end - g) * es);
    }
}

void sf_fill_box(const sf_value_spec *spec, const uint64_t shape[3], const sf_box *box, void *out)
{
    const uint64_t X = shape[1], Y = shape[2];
    const uint64_t nz = box->count[0], nx = box->count[1], ny = box->count[2];
    const size_t es = sf_dtype_size(spec->dtype);
    if (nz == 0 || nx == 0 || ny == 0)
        return;
    /* Whole rows of a slice are one contiguous range of g: fill them in a single call. */
    if (ny == Y && (nx == X || nz == 1)) {
        uint64_t g0 = (box->start[0] * X + box->start[1]) * Y;
        sf_fill(spec, g0, g0 + nz * nx * Y, out);
        return;
    }
    char *o = out;
    for (uint64_t z = 0; z < nz; z++)
        for (uint64_t x = 0; x < nx; x++) {
            uint64_t g0 = ((box->start[0] + z) * X + box->start[1] + x) * Y + box->start[2];
            sf_fill(spec, g0, g0 + ny, o);
            o += ny * es;
        }
}
