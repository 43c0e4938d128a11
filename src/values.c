/* values.c - the value spec's public side: dtype and distribution names, the conversions one
 * pair at a time, and sf_fill, which runs a kernel over whole Philox blocks and cuts the
 * unaligned ends of a range from one block each.
 *
 * The conversions themselves are the inline functions of sf_values_math.h, the same ones the C
 * kernels vectorise; the kernels and the choice among them are src/kernels.c and
 * src/kernel_avx2.c. The pair functions here are compiled for the baseline instruction set and
 * are tests/values_test.c's reference for every kernel.
 */
#include "sf_values.h"

#include <assert.h>
#include <string.h>

#include "sf_kernels.h"
#include "sf_values_math.h"

size_t sf_dtype_size(sf_dtype dtype) { return dtype == SF_FLOAT64 ? 8 : 4; }
const char *sf_dtype_name(sf_dtype dtype) { return dtype == SF_FLOAT64 ? "float64" : "float32"; }
const char *sf_dist_name(sf_dist dist)
{
    return dist == SF_UNIFORM ? "uniform" : dist == SF_DIST_NONE ? "none" : "normal";
}

float sf_uniform_f32(uint32_t w) { return uniform_f32(w); }

double sf_uniform_f64(uint32_t lo, uint32_t hi) { return uniform_f64(lo, hi); }

void sf_normal_f32_pair(uint32_t wa, uint32_t wb, float out[2]) { normal_f32(wa, wb, out); }

void sf_normal_f64_pair(uint64_t va, uint64_t vb, double out[2])
{
    normal_f64((uint32_t)va, (uint32_t)(va >> 32), (uint32_t)vb, (uint32_t)(vb >> 32), out);
}

void sf_fill(const sf_value_spec *spec, uint64_t start, uint64_t end, void *out)
{
    assert(start <= end);
    if (start == end)
        return;
    sf_fill_blocks_fn *fill = sf_kernel_fill(); /* one kernel for the whole range */
    const size_t es = sf_dtype_size(spec->dtype);
    const uint64_t per = spec->dtype == SF_FLOAT32 ? 4 : 2; /* values per Philox block */
    char *o = out;
    union {
        float f[4];
        double d[2];
    } tmp;
    uint64_t g = start;
    if (g % per) { /* unaligned head: one block through a scratch copy */
        fill(spec, g / per, 1, &tmp);
        uint64_t take = per - g % per < end - g ? per - g % per : end - g;
        memcpy(o, (char *)&tmp + (g % per) * es, (size_t)take * es);
        o += take * es;
        g += take;
    }
    uint64_t whole = (end - g) / per;
    if (whole) {
        fill(spec, g / per, whole, o);
        o += whole * per * es;
        g += whole * per;
    }
    if (g < end) {
        fill(spec, g / per, 1, &tmp);
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
