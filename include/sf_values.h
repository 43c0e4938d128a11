/* sf_values.h - the value spec: every element is a pure function of (seed, flat index g).
 *
 * g = (z*X + x)*Y + y. Philox4x32-10 runs with key = (seed & 0xffffffff, seed >> 32) and
 * counter = (b & 0xffffffff, b >> 32, 0, 0) for a block number b that depends on the dtype;
 * docs/rng-spec.md gives the exact conversions. Because generation only ever asks for
 * a [start, end) range of g, any decomposition or slab size produces the same bytes.
 */
#ifndef SF_VALUES_H
#define SF_VALUES_H

#include <stddef.h>
#include <stdint.h>

typedef enum { SF_FLOAT32, SF_FLOAT64 } sf_dtype;
/* SF_DIST_NONE: values a user's producer made, which follow no distribution of slabfill's. */
typedef enum { SF_NORMAL, SF_UNIFORM, SF_DIST_NONE } sf_dist;

typedef struct {
    uint64_t seed;
    sf_dtype dtype;
    sf_dist dist;
} sf_value_spec;

/* A box of the array: start and count per dimension (z, x, y). count may hold zeros. */
typedef struct {
    uint64_t start[3];
    uint64_t count[3];
} sf_box;

/* Contract: bytes per element of dtype (4 or 8). */
size_t sf_dtype_size(sf_dtype dtype);
/* Contract: "float32"/"float64" and "normal"/"uniform"; static strings. */
const char *sf_dtype_name(sf_dtype dtype);
const char *sf_dist_name(sf_dist dist);

/* Contract: writes the values of flat indices [start, end) to out, as dtype, in order.
 * start may be unaligned to the Philox block; out holds at least end-start elements. */
void sf_fill(const sf_value_spec *spec, uint64_t start, uint64_t end, void *out);

/* Contract: writes the values of box (in an array of the given shape) to out in C order
 * of the box, i.e. out is a dense count[0] x count[1] x count[2] array. */
void sf_fill_box(const sf_value_spec *spec, const uint64_t shape[3], const sf_box *box, void *out);

/* The kernels that compute the values: "avx512", "avx2" (x86-64), "neon" (arm64) and "scalar"
 * (the portable C loops, which the compiler may still vectorise for the baseline instruction set;
 * the only kernel of a SIMD=0 build). All write the same bytes. They are src/kernels.c and
 * src/kernel_avx2.c; the conversions they share are sf_values_math.h's. */

/* Contract: the name of the kernel sf_fill uses: the fastest one this build has and this CPU
 * runs, unless sf_kernel_select chose another. A static string. */
const char *sf_kernel_name(void);

/* Contract (for tests and benchmarks): makes sf_fill and sf_convert_blocks use the kernel called
 * name, or the automatic choice again when name is NULL. Returns 0; or, changing nothing, -1 when
 * this build has no such kernel and -2 when this CPU cannot run it. Not thread-safe: call it
 * while no other thread fills. */
int sf_kernel_select(const char *name);

/* Contract (for tests): what the current kernel writes for n blocks whose Philox words are
 * words[i][0..3]: 4 float32 or 2 float64 values a block, as spec's dtype and dist say. */
void sf_convert_blocks(const sf_value_spec *spec, const uint32_t (*words)[4], size_t n,
                       void *out);

/* The conversions, exposed for tests/values_test.c. Each is exactly what the spec says. */
float sf_uniform_f32(uint32_t w);
double sf_uniform_f64(uint32_t lo, uint32_t hi);
/* (wa, wb) -> out[0] = r*cos(2 pi u2) (even lane), out[1] = r*sin(2 pi u2) (odd lane). */
void sf_normal_f32_pair(uint32_t wa, uint32_t wb, float out[2]);
/* va = w1<<32|w0, vb = w3<<32|w2 -> out[0] (lane 0), out[1] (lane 1). */
void sf_normal_f64_pair(uint64_t va, uint64_t vb, double out[2]);

#endif
