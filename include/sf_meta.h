/* sf_meta.h - what an array file says about itself: enough to regenerate every value. Every
 * format stores the same words (seed, shape, dtype, distribution, value_spec) in its own way,
 * and the progress record stores them too; all of them are read back through this one strict
 * parser, so a file is refused for the same reasons whichever format it is in. */
#ifndef SF_META_H
#define SF_META_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

enum {
    SF_META_SEED = 1,
    SF_META_SHAPE = 2,
    SF_META_DTYPE = 4,
    SF_META_DIST = 8,
    SF_META_VALUE_SPEC = 16,
    SF_META_ALL = 31
};

typedef struct {
    uint64_t shape[3];
    sf_value_spec spec;
    char value_spec[64]; /* the value spec the file was written under */
    unsigned seen;       /* SF_META_* bits of the words set so far */
} sf_file_meta;

/* Contract: sets one word from its text: "seed" (decimal unsigned 64-bit, no sign, no leading
 * zeros), "shape" (ZxXxY, each >= 1), "dtype" (float32 or float64), "distribution" (normal or
 * uniform), "value_spec" (1-63 of [A-Za-z0-9._-]). A word given twice is refused. Other keys
 * are ignored (returns 0, nothing set). Returns 0, or -1 with a reason in err. */
int sf_meta_set(sf_file_meta *meta, const char *key, const char *value, char *err,
                size_t errlen);

/* Contract: 0 when every word was set and the shape's byte size at its dtype fits in a signed
 * 64-bit offset; else -1 naming the first missing word or the overflow. */
int sf_meta_complete(const sf_file_meta *meta, char *err, size_t errlen);

/* Contract: the name of the first word in which a and b differ ("value spec", "seed",
 * "shape", "dtype", "distribution"), or NULL when they describe the same values. */
const char *sf_meta_differs(const sf_file_meta *a, const sf_file_meta *b);

/* Contract: the meta of the values slabfill generates for shape and spec now. */
sf_file_meta sf_meta_of(const uint64_t shape[3], const sf_value_spec *spec);

/* Contract: "ZxXxY dtype distribution, seed S, value spec V" into buf; returns buf. */
const char *sf_meta_describe(const sf_file_meta *meta, char *buf, size_t len);

#endif
