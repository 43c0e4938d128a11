/* sf_values_math.h - the conversions from Philox words to values, as inline scalar functions.
 *
 * Internal to the values module: included by src/values.c (the public pair functions), the C
 * kernels (src/kernels.c), whose batch loops the compiler vectorises from these functions, and
 * the AVX2 kernel (src/kernel_avx2.c), which writes the same steps in vector instructions and
 * takes its coefficients and constants from here. Nothing else includes it, so its names carry
 * no sf_ prefix; the value spec itself is in sf_values.h.
 *
 * The bits must not depend on the kernel. So normal values use no libm: log, sqrt and sincos are
 * our own fixed polynomials, built only from IEEE-754 double or float +, -, *, / and sqrt, which
 * are correctly rounded everywhere, evaluated in the same order by every kernel. Fused
 * multiply-add is forbidden (-ffp-contract=off, and the AVX2 kernel is built without FMA), so a
 * scalar build (make SIMD=0) and every vector width give the same bytes. Range reduction is done
 * in integers, so it is exact:
 *   - ln u1 = e*ln2 + ln(1+f), where u1 = 2^e (1+f) with 1+f in [sqrt(1/2), sqrt(2)). f comes
 *     from an exact integer difference, so u1 near 1 keeps its full precision;
 *   - the angle 2 pi u2 is split into a quadrant q (from the integer's top bits) and a residual
 *     x in [-pi/4, pi/4). Then cos and sin of x are rotated by q quarter turns.
 * Every function here is inline and branch-free, so that the batch loops vectorise.
 */
#ifndef SF_VALUES_MATH_H
#define SF_VALUES_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

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

#define SF_NCOEF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Horner's rule on c[0..n-1], highest coefficient first, in float and in double: the order the
 * AVX2 kernel's chains follow too. n is a constant at every call, so the loop unrolls. */
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

/* The same for float32. */
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

/* The double whose bits are bits. float64 normal values take 52 bits of each 64-bit word, so
 * that every conversion is an exact bit operation on 64-bit lanes, which AVX2 has too (it has no
 * 64-bit integer to double). */
static inline double from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* 2^k as a double, for integer |k| < 1000, from its bits. */
static inline double pow2(int64_t k) { return from_bits((uint64_t)(k + 1023) << 52); }

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
    double p = poly_d(LOG_F64, SF_NCOEF(LOG_F64), z);
    return k * M2LN2_HI + ((t + t * (z * p)) + k * M2LN2_LO);
}

/* cos and sin of 2 pi (m / 2^52) for a 52-bit integer m. */
static inline void sincos_turn_f64(uint64_t m, double *c_out, double *s_out)
{
    uint64_t q = (m + (UINT64_C(1) << 49)) >> 50;           /* nearest quarter turn, 0..4 */
    int64_t r = (int64_t)(m - (q << 50));                     /* exact, in [-2^49, 2^49) */
    double x = small_i64_to_double(r) * (0x1p-50 * PI_2);   /* |x| <= pi/4 */
    double z = x * x;
    double sx = x + x * (z * poly_d(SIN_F64, SF_NCOEF(SIN_F64), z));
    double cx = 1.0 + z * poly_d(COS_F64, SF_NCOEF(COS_F64), z);
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
static const float PI_2_F = 1.57079632679489661923f;

/* -2 ln(u1) for u1 = (wa + 1) * 2^-32, in float32. */
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
    float p = poly_f(LOG_F32, SF_NCOEF(LOG_F32), z);
    return k * M2LN2_HI_F + ((t + t * (z * p)) + k * M2LN2_LO_F);
}

/* cos and sin of 2 pi (wb / 2^32), in float32. */
static inline void sincos_turn_f32(uint32_t wb, float *c_out, float *s_out)
{
    uint32_t q = (wb + (1u << 29)) >> 30; /* nearest quarter turn; the wrap at 2^32 is turn 4 */
    int32_t r = (int32_t)(wb - (q << 30));  /* exact residual in [-2^29, 2^29) */
    float x = (float)r * (0x1p-30f * PI_2_F), z = x * x;
    float sx = x + x * (z * poly_f(SIN_F32, SF_NCOEF(SIN_F32), z));
    float cx = 1.0f + z * poly_f(COS_F32, SF_NCOEF(COS_F32), z);
    rotate_f32(q, cx, sx, c_out, s_out);
}

/* ---- the conversions of the spec: what every kernel computes, lane by lane ------------- */

/* Contract: uniform float32 from one word: (w >> 8) * 2^-24, in [0, 1). The signed conversion
 * is exact (w >> 8 < 2^24) and is the one every SIMD ISA has. */
static inline float uniform_f32(uint32_t w) { return (float)(int32_t)(w >> 8) * 0x1p-24f; }

/* Contract: uniform float64 from the 64-bit word (hi, lo): (v >> 11) * 2^-53, in [0, 1). */
static inline double uniform_f64(uint32_t lo, uint32_t hi) { return top53(lo, hi) * 0x1p-53; }

/* Contract: the float32 normal values of the words wa (u1) and wb (u2), Box-Muller:
 * o[0] = r cos(2 pi u2) and o[1] = r sin(2 pi u2), r = sqrt(-2 ln u1). */
static inline void normal_f32(uint32_t wa, uint32_t wb, float *o)
{
    float r = sqrtf(minus_two_ln_f32(wa));
    float c, s;
    sincos_turn_f32(wb, &c, &s);
    o[0] = r * c;
    o[1] = r * s;
}

/* Contract: the same in float64, of the 64-bit words (a1, a0) (u1) and (b1, b0) (u2). */
static inline void normal_f64(uint32_t a0, uint32_t a1, uint32_t b0, uint32_t b1, double *o)
{
    double r = sqrt(minus_two_ln_f64(top52(a0, a1)));
    double c, s;
    sincos_turn_f64(top52(b0, b1), &c, &s);
    o[0] = r * c;
    o[1] = r * s;
}

#endif
