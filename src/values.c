/* values.c - turns Philox blocks into float32/float64 values following the spec in sf_values.h.
 *
 * One Philox call yields four 32-bit words: four float32 values or two float64 values. A range
 * is filled as an unaligned head, a run of whole blocks written in place, and a tail, so the
 * bytes depend only on g and never on where a range starts.
 */
#include "sf_values.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "sf_philox.h"

#define SF_TWO_PI 6.283185307179586476925286766559

size_t sf_dtype_size(sf_dtype dtype) { return dtype == SF_FLOAT64 ? 8 : 4; }
const char *sf_dtype_name(sf_dtype dtype) { return dtype == SF_FLOAT64 ? "float64" : "float32"; }
const char *sf_dist_name(sf_dist dist) { return dist == SF_UNIFORM ? "uniform" : "normal"; }

float sf_uniform_f32(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

double sf_uniform_f64(uint32_t lo, uint32_t hi)
{
    uint64_t v = ((uint64_t)hi << 32) | lo;
    return (double)(v >> 11) * 0x1p-53;
}

/* Both radii are formed in double, so float32 and float64 share one Box-Muller path. */
static void box_muller(double u1, double u2, double out[2])
{
    double r = sqrt(-2.0 * log(u1));
    double t = SF_TWO_PI * u2;
    out[0] = r * cos(t);
    out[1] = r * sin(t);
}

void sf_normal_f32_pair(uint32_t wa, uint32_t wb, float out[2])
{
    double d[2];
    box_muller(((double)wa + 1.0) * 0x1p-32, (double)wb * 0x1p-32, d);
    out[0] = (float)d[0];
    out[1] = (float)d[1];
}

void sf_normal_f64_pair(uint64_t va, uint64_t vb, double out[2])
{
    box_muller((double)((va >> 11) + 1) * 0x1p-53, (double)(vb >> 11) * 0x1p-53, out);
}

static inline void block_words(uint64_t b, const uint32_t key[2], uint32_t w[4])
{
    uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), 0, 0};
    sf_philox4x32_10(ctr, key, w);
}

/* The values of one whole block: 4 for float32, 2 for float64. */
static void block_f32(const sf_value_spec *s, uint64_t b, const uint32_t key[2], float v[4])
{
    uint32_t w[4];
    block_words(b, key, w);
    if (s->dist == SF_UNIFORM) {
        for (int i = 0; i < 4; i++)
            v[i] = sf_uniform_f32(w[i]);
    } else {
        sf_normal_f32_pair(w[0], w[1], v);
        sf_normal_f32_pair(w[2], w[3], v + 2);
    }
}

static void block_f64(const sf_value_spec *s, uint64_t b, const uint32_t key[2], double v[2])
{
    uint32_t w[4];
    block_words(b, key, w);
    if (s->dist == SF_UNIFORM) {
        v[0] = sf_uniform_f64(w[0], w[1]);
        v[1] = sf_uniform_f64(w[2], w[3]);
    } else {
        sf_normal_f64_pair(((uint64_t)w[1] << 32) | w[0], ((uint64_t)w[3] << 32) | w[2], v);
    }
}

void sf_fill(const sf_value_spec *spec, uint64_t start, uint64_t end, void *out)
{
    assert(start <= end);
    if (start == end)
        return;
    const uint32_t key[2] = {(uint32_t)spec->seed, (uint32_t)(spec->seed >> 32)};

    if (spec->dtype == SF_FLOAT32) {
        float *o = out, v[4];
        uint64_t g = start;
        if (g & 3) { /* unaligned head */
            block_f32(spec, g >> 2, key, v);
            for (; (g & 3) && g < end; g++)
                *o++ = v[g & 3];
        }
        for (; g + 4 <= end; g += 4, o += 4)
            block_f32(spec, g >> 2, key, o);
        if (g < end) {
            block_f32(spec, g >> 2, key, v);
            memcpy(o, v, (size_t)(end - g) * sizeof *o);
        }
    } else {
        double *o = out, v[2];
        uint64_t g = start;
        if (g & 1) {
            block_f64(spec, g >> 1, key, v);
            *o++ = v[1];
            g++;
        }
        for (; g + 2 <= end; g += 2, o += 2)
            block_f64(spec, g >> 1, key, o);
        if (g < end) {
            block_f64(spec, g >> 1, key, v);
            *o = v[0];
        }
    }
}

void sf_fill_box(const sf_value_spec *spec, const uint64_t shape[3], const sf_box *box, void *out)
{
    const uint64_t X = shape[1], Y = shape[2];
    const uint64_t nz = box->count[0], nx = box->count[1], ny = box->count[2];
    const size_t es = sf_dtype_size(spec->dtype);
    if (nz == 0 || nx == 0 || ny == 0)
        return;
    /* Whole planes are one contiguous range of g: fill them in a single call. */
    if (nx == X && ny == Y) {
        uint64_t g0 = box->start[0] * X * Y;
        sf_fill(spec, g0, g0 + nz * X * Y, out);
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
