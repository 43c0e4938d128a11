/* sf_kernels.h - the value kernels as sf_fill sees them.
 *
 * Internal to the values module: src/values.c (sf_fill) asks src/kernels.c for the kernel in use,
 * and src/kernels.c lists the kernels of src/kernels.c and src/kernel_avx2.c in one table. The
 * kernels' public side (sf_kernel_name, sf_kernel_select, sf_convert_blocks) is in sf_values.h.
 * A kernel works on whole Philox blocks: block b has counter (b, b >> 32, 0, 0) and key
 * (seed, seed >> 32), and gives 16 bytes of values (4 float32 or 2 float64).
 */
#ifndef SF_KERNELS_H
#define SF_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

/* make SIMD=0 builds the value files with -DSF_SIMD=0: the portable C kernel only. */
#ifndef SF_SIMD
#define SF_SIMD 1
#endif
#if SF_SIMD && defined(__GNUC__) && defined(__x86_64__)
#define SF_X86 1 /* the avx512 and avx2 kernels, chosen at run time */
#endif
/* The kernels' building blocks are inlined into each kernel, so that each is compiled for that
 * kernel's instruction set (a function with another target attribute cannot be inlined). */
#ifdef __GNUC__
#define SF_INLINE static inline __attribute__((always_inline))
#else
#define SF_INLINE static inline
#endif

#define SF_BLOCK_BYTES 16 /* the values of one Philox block, in every dtype */

/* Contract: writes the values of Philox blocks b0 .. b0+nblocks-1 to out (nblocks *
 * SF_BLOCK_BYTES bytes, in block order), as spec's dtype and dist say. b0 + nblocks may not
 * exceed 2^64. Thread-safe. */
typedef void sf_fill_blocks_fn(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks,
                               void *out);

/* Contract: the fill function of the kernel that sf_kernel_name names, chosen afresh on every
 * call (as sf_kernel_name's), so one sf_fill runs one kernel throughout. */
sf_fill_blocks_fn *sf_kernel_fill(void);

#ifdef SF_X86
/* Contract: the avx2 kernel (src/kernel_avx2.c): sf_fill_blocks_fn, and the conversion of
 * sf_convert_blocks. Call them only on a CPU with AVX2. */
void sf_fill_avx2(const sf_value_spec *spec, uint64_t b0, uint64_t nblocks, void *out);
void sf_convert_avx2(const sf_value_spec *spec, const uint32_t (*w)[4], size_t n, void *out);
#endif

#endif
