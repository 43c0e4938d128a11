/* kernel_avx2.c - the avx2 value kernel (x86-64): Philox and the conversion fused, in registers.
 *
 * The same values as the C kernels of src/kernels.c, bit for bit, from the same coefficients and
 * constants (sf_values_math.h), with the same operations in the same order, written in AVX2
 * intrinsics; the Philox round is inline assembly. Built only for x86-64 with SIMD (SF_X86), and
 * without FMA, so no multiply-add is fused. src/kernels.c lists it in its table of kernels and
 * runs it only on a CPU with AVX2.
 */
#include "sf_kernels.h"

#ifdef SF_X86
#include <immintrin.h>
#include <string.h>

#include "sf_philox.h"
#include "sf_values.h"
#include "sf_values_math.h"

/* AVX2 multiplies only the even 32-bit lanes (_mm256_mul_epu32: the low halves of 64-bit lanes).
 * So each Philox word lives in the low half of a 64-bit lane, four blocks a vector, and the upper
 * half holds garbage that nothing reads: a round is two products, two shifts and four XORs per
 * four blocks, and no word moves between lanes. NV vectors are in flight, enough independent work
 * to cover the products' latency. The words are narrowed once, and converted in registers
 * straight to out (no batch arrays, no interleave loop). A vector's lanes hold blocks
 * b + {0, 2, 1, 3}: the unpack instructions that interleave a conversion's lanes then put the
 * blocks back in order, so no lane crosses a 128-bit half. */
#define SF_AVX2 SF_INLINE __attribute__((target("avx2")))
#define NV 3  /* vectors of four blocks in flight through Philox */
#define NVC 6 /* the most vectors one conversion call works on */

typedef struct {
    __m256i mul[2];                   /* M0, M1 */
    __m256i key[SF_PHILOX_ROUNDS][2]; /* round r's key, (k0, k1) + r (W0, W1) */
} avx2_consts;

/* One round on four blocks, in place, in the registers that hold (c0, c1, c2, c3). The products
 * overwrite c0 and c2, and the new c0 and c2 are formed in c1 and c3: afterwards the registers
 * hold (c3, c0, c1, c2), so the caller rotates its arguments instead of moving words. Assembly,
 * because GCC 12 reassociated the same round written as intrinsics and spilled state to the stack
 * in the middle of the dependency chains: the whole kernel then made 2.95 GB/s of float32 normal
 * values and 5.4 of uniform ones, against 3.56 and 7.3 (CPU time, this AMD EPYC with AVX2). */
SF_AVX2 void philox_round_avx2(__m256i *r0, __m256i *r1, __m256i *r2, __m256i *r3,
                               const avx2_consts *k, int r)
{
    __m256i t;
    __asm__("vpmuludq %[m0], %[c0], %[c0]\n\t" /* p0 = M0 c0: the new c3 */
            "vpmuludq %[m1], %[c2], %[c2]\n\t" /* p1 = M1 c2: the new c1 */
            "vpxor %[k0], %[c1], %[c1]\n\t"
            "vpxor %[k1], %[c3], %[c3]\n\t"
            "vpsrlq $32, %[c2], %[t]\n\t"
            "vpxor %[t], %[c1], %[c1]\n\t" /* the new c0 = hi(p1) ^ c1 ^ k0 */
            "vpsrlq $32, %[c0], %[t]\n\t"
            "vpxor %[t], %[c3], %[c3]" /* the new c2 = hi(p0) ^ c3 ^ k1 */
            : [c0] "+x"(*r0), [c1] "+x"(*r1), [c2] "+x"(*r2), [c3] "+x"(*r3), [t] "=&x"(t)
            : [m0] "x"(k->mul[0]), [m1] "x"(k->mul[1]), [k0] "m"(k->key[r][0]),
              [k1] "m"(k->key[r][1]));
}

/* Round r of nv vectors, whose words are in a, b, c and d. */
SF_AVX2 void rounds_avx2(int nv, __m256i *a, __m256i *b, __m256i *c, __m256i *d,
                         const avx2_consts *k, int r)
{
    for (int g = 0; g < nv; g++)
        philox_round_avx2(&a[g], &b[g], &c[g], &d[g], k, r);
}

/* Philox of blocks b + 4g + {0, 2, 1, 3} for g < nv: word j of vector g in c[j][at + g]. */
SF_AVX2 void philox_avx2(uint64_t b, const avx2_consts *k, int nv, __m256i c[4][NVC], int at)
{
    __m256i x0[NV], x1[NV], x2[NV], x3[NV];
    for (int g = 0; g < nv; g++) {
        /* The whole counter, so a carry into its high word (c1) is part of the add. */
        const __m256i ctr = _mm256_add_epi64(_mm256_set1_epi64x((long long)b),
                                             _mm256_setr_epi64x(4 * g, 4 * g + 2, 4 * g + 1,
                                                                4 * g + 3));
        /* Round 0, where c2 = c3 = 0 and so the second product is 0. */
        const __m256i p0 = _mm256_mul_epu32(ctr, k->mul[0]);
        x0[g] = _mm256_xor_si256(_mm256_srli_epi64(ctr, 32), k->key[0][0]);
        x1[g] = _mm256_setzero_si256();
        x2[g] = _mm256_xor_si256(_mm256_srli_epi64(p0, 32), k->key[0][1]);
        x3[g] = p0;
    }
    /* After round r, word j is in x((r + j) mod 4). */
    rounds_avx2(nv, x0, x1, x2, x3, k, 1);
    rounds_avx2(nv, x1, x2, x3, x0, k, 2);
    rounds_avx2(nv, x2, x3, x0, x1, k, 3);
    rounds_avx2(nv, x3, x0, x1, x2, k, 4);
    rounds_avx2(nv, x0, x1, x2, x3, k, 5);
    rounds_avx2(nv, x1, x2, x3, x0, k, 6);
    rounds_avx2(nv, x2, x3, x0, x1, k, 7);
    rounds_avx2(nv, x3, x0, x1, x2, k, 8);
    rounds_avx2(nv, x0, x1, x2, x3, k, 9);
    for (int g = 0; g < nv; g++) {
        c[0][at + g] = x1[g];
        c[1][at + g] = x2[g];
        c[2][at + g] = x3[g];
        c[3][at + g] = x0[g];
    }
}

/* 32-bit lanes: the words of a in the even ones, those of b in the odd ones. */
SF_AVX2 __m256i narrow_avx2(__m256i a, __m256i b)
{
    return _mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xAA);
}

#define SET_F(x) _mm256_set1_ps(x)
#define SET_D(x) _mm256_set1_pd(x)
#define SET_I32(x) _mm256_set1_epi32((int)(x))
#define SET_I64(x) _mm256_set1_epi64x((long long)(x))

/* The conversions work on nv vectors at once, each step for all of them before the next, and
 * the logarithm's and the angle's steps side by side: a vector's chain of divide, polynomial and
 * square root is too long for the out-of-order window to hide alone. float32 normal values came
 * at 2.77 GB/s converted one vector at a time, 3.2 three at a time, 3.55 with the chains side by
 * side (and 3 fewer integer operations a vector). */
#define EACH for (int g = 0; g < nv; g++)
_Static_assert(SF_NCOEF(COS_F32) >= SF_NCOEF(SIN_F32) && SF_NCOEF(COS_F32) >= SF_NCOEF(LOG_F32),
               "the float32 Horner loop below runs for the cosine's coefficients");
_Static_assert(SF_NCOEF(COS_F64) >= SF_NCOEF(SIN_F64) && SF_NCOEF(COS_F64) >= SF_NCOEF(LOG_F64),
               "the float64 Horner loop below runs for the cosine's coefficients");

/* r times rotate_f32 (q, cx, sx) of nv vectors: out0 = r c, out1 = r s. blendv selects on the
 * sign bit, where q's bit 0 is shifted; the sine's sign is q's bit 1, and the cosine's bit 1 of
 * q + 1, which is bit 1 ^ bit 0 of q. */
SF_AVX2 void rotate_f32_avx2(int nv, const __m256i *q, const __m256 *cx, const __m256 *sx,
                             const __m256 *r, __m256 *out0, __m256 *out1)
{
    EACH {
        const __m256 odd = _mm256_castsi256_ps(_mm256_slli_epi32(q[g], 31));
        const __m256 s_flip = _mm256_castsi256_ps(
            _mm256_and_si256(_mm256_slli_epi32(q[g], 30), SET_I32(0x80000000u)));
        const __m256 c = _mm256_xor_ps(_mm256_blendv_ps(cx[g], sx[g], odd),
                                       _mm256_xor_ps(s_flip, odd));
        const __m256 s = _mm256_xor_ps(_mm256_blendv_ps(sx[g], cx[g], odd), s_flip);
        out0[g] = _mm256_mul_ps(r[g], c);
        out1[g] = _mm256_mul_ps(r[g], s);
    }
}

/* normal_f32: minus_two_ln_f32, sqrtf, sincos_turn_f32 and rotate_f32 of nv vectors of eight
 * lanes; out0 gets the even lanes' values, out1 the odd ones'. */
SF_AVX2 void normal_f32_avx2(int nv, const __m256i *wa, const __m256i *wb, __m256 *out0,
                             __m256 *out1)
{
    __m256i n[NVC], be[NVC], q[NVC];
    __m256 f[NVC], s[NVC], zl[NVC], lp[NVC], x[NVC], za[NVC], sp[NVC], cp[NVC];
    EACH n[g] = _mm256_add_epi32(wa[g], SET_I32(1));
    EACH q[g] = _mm256_srli_epi32(_mm256_add_epi32(wb[g], SET_I32(1u << 29)), 30);
    /* be = e + 127 for n < 2^31: the biased exponent of (float)n, plus the carry into it when
     * the mantissa exceeds 0x3504f3, which is minus_two_ln_f32's comparison. */
    EACH be[g] = _mm256_srli_epi32(
        _mm256_add_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(
                             _mm256_and_si256(n[g], SET_I32(0x7fffffff)))),
                         SET_I32(0x800000 - 0x3504f4)),
        23);
    EACH {
        const __m256i res = _mm256_sub_epi32(wb[g], _mm256_slli_epi32(q[g], 30));
        x[g] = _mm256_mul_ps(_mm256_cvtepi32_ps(res), SET_F(0x1p-30f * PI_2_F));
    }
    /* wa >= 0x7fffffff is n <= 0 as a signed integer (n = 0 is wa = 2^32 - 1), and among those
     * wa >= 0xb504f333 is n > (int32_t)0xb504f333: e = 31 or 32. */
    EACH be[g] = _mm256_blendv_epi8(
        be[g], _mm256_sub_epi32(SET_I32(127 + 31), _mm256_cmpgt_epi32(n[g], SET_I32(0xb504f333u))),
        _mm256_cmpgt_epi32(SET_I32(1), n[g]));
    EACH za[g] = _mm256_mul_ps(x[g], x[g]);
    /* f = (n - 2^e) 2^-e; 2^32 is 0 here as in minus_two_ln_f32: vpsllvd gives 0 for a count
     * of 32. */
    EACH f[g] = _mm256_mul_ps(
        _mm256_cvtepi32_ps(_mm256_sub_epi32(
            n[g], _mm256_sllv_epi32(SET_I32(1), _mm256_sub_epi32(be[g], SET_I32(127))))),
        _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_sub_epi32(SET_I32(254), be[g]), 23)));
    EACH s[g] = _mm256_div_ps(f[g], _mm256_add_ps(SET_F(2.0f), f[g]));
    EACH zl[g] = _mm256_mul_ps(s[g], s[g]);
    EACH sp[g] = SET_F(SIN_F32[SF_NCOEF(SIN_F32) - 1]);
    EACH cp[g] = SET_F(COS_F32[SF_NCOEF(COS_F32) - 1]);
    EACH lp[g] = SET_F(LOG_F32[SF_NCOEF(LOG_F32) - 1]);
    for (int j = 1; j < SF_NCOEF(COS_F32); j++) { /* the three Horner chains side by side */
        if (j < SF_NCOEF(SIN_F32))
            EACH sp[g] = _mm256_add_ps(_mm256_mul_ps(sp[g], za[g]),
                                       SET_F(SIN_F32[SF_NCOEF(SIN_F32) - 1 - j]));
        EACH cp[g] = _mm256_add_ps(_mm256_mul_ps(cp[g], za[g]),
                                   SET_F(COS_F32[SF_NCOEF(COS_F32) - 1 - j]));
        if (j < SF_NCOEF(LOG_F32))
            EACH lp[g] = _mm256_add_ps(_mm256_mul_ps(lp[g], zl[g]),
                                       SET_F(LOG_F32[SF_NCOEF(LOG_F32) - 1 - j]));
    }
    EACH sp[g] = _mm256_add_ps(x[g], _mm256_mul_ps(x[g], _mm256_mul_ps(za[g], sp[g]))); /* sin */
    EACH cp[g] = _mm256_add_ps(SET_F(1.0f), _mm256_mul_ps(za[g], cp[g])); /* cos */
    EACH {
        const __m256 t = _mm256_mul_ps(SET_F(-4.0f), s[g]);
        const __m256 k = _mm256_cvtepi32_ps(_mm256_sub_epi32(be[g], SET_I32(127 + 32)));
        const __m256 tzp = _mm256_mul_ps(t, _mm256_mul_ps(zl[g], lp[g]));
        const __m256 u = _mm256_add_ps(_mm256_add_ps(t, tzp), _mm256_mul_ps(k, SET_F(M2LN2_LO_F)));
        f[g] = _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(k, SET_F(M2LN2_HI_F)), u)); /* r */
    }
    rotate_f32_avx2(nv, q, cp, sp, f, out0, out1);
}

/* The integer r as a double, exactly, for |r| < 2^51 (small_i64_to_double), four lanes. */
SF_AVX2 __m256d small_i64_to_double_avx2(__m256i r)
{
    return _mm256_sub_pd(
        _mm256_castsi256_pd(_mm256_add_epi64(r, SET_I64(UINT64_C(0x4338000000000000)))),
        SET_D(0x1.8p52));
}

/* r times rotate_f64, as rotate_f32_avx2; q = 4 (a whole turn) flips and swaps nothing. */
SF_AVX2 void rotate_f64_avx2(int nv, const __m256i *q, const __m256d *cx, const __m256d *sx,
                             const __m256d *r, __m256d *out0, __m256d *out1)
{
    EACH {
        const __m256d odd = _mm256_castsi256_pd(_mm256_slli_epi64(q[g], 63));
        const __m256d s_flip = _mm256_castsi256_pd(
            _mm256_and_si256(_mm256_slli_epi64(q[g], 62), SET_I64(UINT64_C(1) << 63)));
        const __m256d c = _mm256_xor_pd(_mm256_blendv_pd(cx[g], sx[g], odd),
                                        _mm256_xor_pd(s_flip, odd));
        const __m256d s = _mm256_xor_pd(_mm256_blendv_pd(sx[g], cx[g], odd), s_flip);
        out0[g] = _mm256_mul_pd(r[g], c);
        out1[g] = _mm256_mul_pd(r[g], s);
    }
}

/* normal_f64: minus_two_ln_f64, sqrt, sincos_turn_f64 and rotate_f64 of the 64-bit words va (u1)
 * and vb (u2), nv vectors of four lanes; as normal_f32_avx2, the two chains alternate. */
SF_AVX2 void normal_f64_avx2(int nv, const __m256i *va, const __m256i *vb, __m256d *out0,
                             __m256d *out1)
{
    __m256i mb[NVC], be[NVC], q[NVC];
    __m256d dn[NVC], f[NVC], s[NVC], zl[NVC], lp[NVC], x[NVC], za[NVC], sp[NVC], cp[NVC];
    EACH dn[g] = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(
                                   _mm256_srli_epi64(va[g], 12), SET_I64(0x4330000000000000))),
                               SET_D(0x1p52 - 1.0)); /* n = m + 1 */
    EACH mb[g] = _mm256_srli_epi64(vb[g], 12);
    /* be = e + 1023: dn's biased exponent, plus the carry into it when the mantissa exceeds
     * 0x6a09e667f3bcc, which is minus_two_ln_f64's comparison. */
    EACH be[g] = _mm256_srli_epi64(_mm256_add_epi64(_mm256_castpd_si256(dn[g]),
                                                    SET_I64(0x10000000000000 - 0x6a09e667f3bcd)),
                                   52);
    EACH q[g] = _mm256_srli_epi64(_mm256_add_epi64(mb[g], SET_I64(UINT64_C(1) << 49)), 50);
    EACH {
        const __m256i p2 = _mm256_slli_epi64(_mm256_sub_epi64(SET_I64(2046), be[g]), 52);
        f[g] = _mm256_sub_pd(_mm256_mul_pd(dn[g], _mm256_castsi256_pd(p2)), SET_D(1.0));
    } /* f = n pow2(-e) - 1 */
    EACH x[g] = _mm256_mul_pd(
        small_i64_to_double_avx2(_mm256_sub_epi64(mb[g], _mm256_slli_epi64(q[g], 50))),
        SET_D(0x1p-50 * PI_2));
    EACH s[g] = _mm256_div_pd(f[g], _mm256_add_pd(SET_D(2.0), f[g]));
    EACH za[g] = _mm256_mul_pd(x[g], x[g]);
    EACH zl[g] = _mm256_mul_pd(s[g], s[g]);
    EACH sp[g] = SET_D(SIN_F64[SF_NCOEF(SIN_F64) - 1]);
    EACH cp[g] = SET_D(COS_F64[SF_NCOEF(COS_F64) - 1]);
    EACH lp[g] = SET_D(LOG_F64[SF_NCOEF(LOG_F64) - 1]);
    for (int j = 1; j < SF_NCOEF(COS_F64); j++) { /* the three Horner chains side by side */
        if (j < SF_NCOEF(SIN_F64))
            EACH sp[g] = _mm256_add_pd(_mm256_mul_pd(sp[g], za[g]),
                                       SET_D(SIN_F64[SF_NCOEF(SIN_F64) - 1 - j]));
        EACH cp[g] = _mm256_add_pd(_mm256_mul_pd(cp[g], za[g]),
                                   SET_D(COS_F64[SF_NCOEF(COS_F64) - 1 - j]));
        if (j < SF_NCOEF(LOG_F64))
            EACH lp[g] = _mm256_add_pd(_mm256_mul_pd(lp[g], zl[g]),
                                       SET_D(LOG_F64[SF_NCOEF(LOG_F64) - 1 - j]));
    }
    EACH {
        const __m256d t = _mm256_mul_pd(SET_D(-4.0), s[g]);
        const __m256d k = small_i64_to_double_avx2(_mm256_sub_epi64(be[g], SET_I64(1023 + 52)));
        const __m256d u = _mm256_add_pd(
            _mm256_add_pd(t, _mm256_mul_pd(t, _mm256_mul_pd(zl[g], lp[g]))),
            _mm256_mul_pd(k, SET_D(M2LN2_LO)));
        f[g] = _mm256_sqrt_pd(_mm256_add_pd(_mm256_mul_pd(k, SET_D(M2LN2_HI)), u)); /* r */
    }
    EACH sp[g] = _mm256_add_pd(x[g], _mm256_mul_pd(x[g], _mm256_mul_pd(za[g], sp[g]))); /* sin */
    EACH cp[g] = _mm256_add_pd(SET_D(1.0), _mm256_mul_pd(za[g], cp[g]));                /* cos */
    rotate_f64_avx2(nv, q, cp, sp, f, out0, out1);
}

/* (v >> 11) * 2^-53 of the 64-bit words v, exactly: the bits of 0.5 + (v's low 52 of those 53
 * bits) * 2^-53, less the 0.5 again (exact, by Sterbenz) unless v's top bit is set. */
SF_AVX2 __m256d uniform_f64_avx2(__m256i v)
{
    const __m256d h = _mm256_castsi256_pd(_mm256_or_si256(
        _mm256_and_si256(_mm256_srli_epi64(v, 11), SET_I64(UINT64_C(0x000fffffffffffff))),
        SET_I64(UINT64_C(0x3fe0000000000000))));
    return _mm256_blendv_pd(_mm256_sub_pd(h, SET_D(0.5)), h, _mm256_castsi256_pd(v));
}

typedef enum { F32_NORMAL, F32_UNIFORM, F64_NORMAL, F64_UNIFORM } value_kind;

static value_kind kind_of(const sf_value_spec *spec)
{
    if (spec->dtype == SF_FLOAT32)
        return spec->dist == SF_NORMAL ? F32_NORMAL : F32_UNIFORM;
    return spec->dist == SF_NORMAL ? F64_NORMAL : F64_UNIFORM;
}

/* The values of the 4 nv blocks whose words j are in c[j][g] (vector g: lanes b + 4g +
 * {0, 2, 1, 3}), as 64 nv bytes to out. A narrowed pair (c0, c1) holds, per block, the words that
 * form one float64 value, and (c0, c2) the u1 words of float32 normal values. */
SF_AVX2 void convert_avx2(value_kind kind, int nv, __m256i c[4][NVC], void *out)
{
    float *of = out;
    double *od = out;
    if (kind == F32_NORMAL) {
        __m256i wa[NVC], wb[NVC];
        __m256 even[NVC], odd[NVC];
        EACH wa[g] = narrow_avx2(c[0][g], c[2][g]);
        EACH wb[g] = narrow_avx2(c[1][g], c[3][g]);
        normal_f32_avx2(nv, wa, wb, even, odd);
        EACH {
            _mm256_storeu_ps(of + 16 * g, _mm256_unpacklo_ps(even[g], odd[g]));
            _mm256_storeu_ps(of + 16 * g + 8, _mm256_unpackhi_ps(even[g], odd[g]));
        }
    } else if (kind == F32_UNIFORM) {
        EACH {
            const __m256i a = narrow_avx2(c[0][g], c[1][g]), b = narrow_avx2(c[2][g], c[3][g]);
            const __m256 lo = _mm256_cvtepi32_ps(_mm256_srli_epi32(_mm256_unpacklo_epi64(a, b), 8));
            const __m256 hi = _mm256_cvtepi32_ps(_mm256_srli_epi32(_mm256_unpackhi_epi64(a, b), 8));
            _mm256_storeu_ps(of + 16 * g, _mm256_mul_ps(lo, SET_F(0x1p-24f)));
            _mm256_storeu_ps(of + 16 * g + 8, _mm256_mul_ps(hi, SET_F(0x1p-24f)));
        }
    } else if (kind == F64_NORMAL) {
        __m256i va[NVC], vb[NVC];
        __m256d even[NVC], odd[NVC];
        EACH va[g] = narrow_avx2(c[0][g], c[1][g]);
        EACH vb[g] = narrow_avx2(c[2][g], c[3][g]);
        normal_f64_avx2(nv, va, vb, even, odd);
        EACH {
            _mm256_storeu_pd(od + 8 * g, _mm256_unpacklo_pd(even[g], odd[g]));
            _mm256_storeu_pd(od + 8 * g + 4, _mm256_unpackhi_pd(even[g], odd[g]));
        }
    } else {
        EACH {
            const __m256d a = uniform_f64_avx2(narrow_avx2(c[0][g], c[1][g]));
            const __m256d b = uniform_f64_avx2(narrow_avx2(c[2][g], c[3][g]));
            _mm256_storeu_pd(od + 8 * g, _mm256_unpacklo_pd(a, b));
            _mm256_storeu_pd(od + 8 * g + 4, _mm256_unpackhi_pd(a, b));
        }
    }
}

SF_AVX2 void fill_kind_avx2(value_kind kind, const sf_value_spec *spec, uint64_t b0,
                            uint64_t nblocks, char *out)
{
    avx2_consts k;
    k.mul[0] = SET_I64(SF_PHILOX_M0);
    k.mul[1] = SET_I64(SF_PHILOX_M1);
    uint32_t k0 = (uint32_t)spec->seed, k1 = (uint32_t)(spec->seed >> 32);
    for (int r = 0; r < SF_PHILOX_ROUNDS; r++) {
        k.key[r][0] = SET_I64(k0);
        k.key[r][1] = SET_I64(k1);
        sf_philox4x32_bumpkey(&k0, &k1);
    }
    /* float64 normal values have the longest chains: two Philox groups, then one conversion of
     * six vectors (5.3 against 6.0 ns a block, by CPU time). */
    const int groups = kind == F64_NORMAL ? 2 : 1;
    uint64_t i = 0;
    for (; i + 4 * NV * groups <= nblocks; i += 4 * NV * groups) {
        __m256i c[4][NVC];
        for (int h = 0; h < groups; h++)
            philox_avx2(b0 + i + 4 * NV * (uint64_t)h, &k, NV, c, NV * h);
        convert_avx2(kind, NV * groups, c, out + i * SF_BLOCK_BYTES);
    }
    for (; i < nblocks; i += 4) { /* the last few blocks, four at a time */
        __m256i c[4][NVC];
        char tmp[4 * SF_BLOCK_BYTES];
        philox_avx2(b0 + i, &k, 1, c, 0);
        if (nblocks - i >= 4) {
            convert_avx2(kind, 1, c, out + i * SF_BLOCK_BYTES);
        } else {
            convert_avx2(kind, 1, c, tmp);
            memcpy(out + i * SF_BLOCK_BYTES, tmp, (size_t)(nblocks - i) * SF_BLOCK_BYTES);
        }
    }
}

/* The loop above, specialised for each kind (kind is a constant in each call). */
__attribute__((target("avx2"))) void sf_fill_avx2(const sf_value_spec *spec, uint64_t b0,
                                                   uint64_t nblocks, void *out)
{
    switch (kind_of(spec)) {
    case F32_NORMAL: fill_kind_avx2(F32_NORMAL, spec, b0, nblocks, out); break;
    case F32_UNIFORM: fill_kind_avx2(F32_UNIFORM, spec, b0, nblocks, out); break;
    case F64_NORMAL: fill_kind_avx2(F64_NORMAL, spec, b0, nblocks, out); break;
    case F64_UNIFORM: fill_kind_avx2(F64_UNIFORM, spec, b0, nblocks, out); break;
    }
}

/* The conversion above on words given block by block (for sf_convert_blocks). */
__attribute__((target("avx2"))) void sf_convert_avx2(const sf_value_spec *spec,
                                                      const uint32_t (*w)[4], size_t n, void *out)
{
    const value_kind kind = kind_of(spec);
    char *o = out;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v[4][4] = {{0}};
        memcpy(v, w + i, (n - i < 4 ? n - i : 4) * sizeof *v);
        __m256i c[4][NVC];
        for (int j = 0; j < 4; j++)
            c[j][0] = _mm256_setr_epi64x(v[0][j], v[2][j], v[1][j], v[3][j]);
        char tmp[4 * SF_BLOCK_BYTES];
        convert_avx2(kind, 1, c, tmp);
        memcpy(o + i * SF_BLOCK_BYTES, tmp, (n - i < 4 ? n - i : 4) * SF_BLOCK_BYTES);
    }
}
#endif /* SF_X86 */
