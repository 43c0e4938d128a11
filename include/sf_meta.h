/* sf_meta.h - what an array file says about itself: enough to regenerate every value, or for a
 * user's producer, to know what it holds. Every format stores the same words (generator,
 * value_spec, seed, distribution, dtype, shape, slabfill_version) in its own way, and the
 * progress record stores them too. They are written from one list (sf_meta_words) and read back
 * through one strict parser (sf_meta_set), so every format says the same and is refused for the
 * same reasons. */
#ifndef SF_META_H
#define SF_META_H

#include <stddef.h>
#include <stdint.h>

#include "sf_values.h"

enum {
    SF_META_GENERATOR = 1,
    SF_META_VALUE_SPEC = 2,
    SF_META_SEED = 4,
    SF_META_DIST = 8,
    SF_META_DTYPE = 16,
    SF_META_SHAPE = 32,
    SF_META_ALL = 63 /* the words a file must have; slabfill_version is for people */
};

typedef struct {
    uint64_t shape[3];
    sf_value_spec spec;
    char generator[64];  /* what produced the values: slabfill's generator, or a user's name */
    char value_spec[64]; /* the value spec they were produced under */
    unsigned seen;       /* SF_META_* bits of the words set so far */
} sf_file_meta;

/* One word as the formats store it: its text, and for seed (1) and shape (3) the integers, which
 * the typed formats (HDF5, netCDF, JSON) store as integers. */
typedef struct {
    const char *key;
    char text[64];
    int nums;            /* 0: a string */
    uint64_t num[3];
} sf_meta_word;

enum { SF_META_NWORDS = 7 };

/* Contract: the words of meta, in the order every format writes them: generator, value_spec,
 * seed, distribution, dtype, shape (text ZxXxY), slabfill_version (this build's). */
void sf_meta_words(const sf_file_meta *meta, sf_meta_word words[SF_META_NWORDS]);

/* Contract: sets one word from its text: "generator" and "value_spec" (1-63 of
 * [A-Za-z0-9._-]), "seed" (decimal unsigned 64-bit, no sign, no leading zeros), "shape"
 * (ZxXxY, each >= 1), "dtype" (float32 or float64), "distribution" (normal or uniform). A word
 * given twice is refused. Other keys (slabfill_version among them) are ignored: returns 0,
 * nothing set. Returns 0, or -1 with a reason in err. */
int sf_meta_set(sf_file_meta *meta, const char *key, const char *value, char *err,
                size_t errlen);

/* Contract: 0 when every word was set and the shape's byte size at its dtype fits in a signed
 * 64-bit offset; else -1 naming the first missing word or the overflow. */
int sf_meta_complete(const sf_file_meta *meta, char *err, size_t errlen);

/* Contract: the name of the first word in which a and b differ ("generator", "value spec",
 * "seed", "shape", "dtype", "distribution"), or NULL when they describe the same values. */
const char *sf_meta_differs(const sf_file_meta *a, const sf_file_meta *b);

/* Contract: the meta of the values slabfill's own generator makes for shape and spec. */
sf_file_meta sf_meta_of(const uint64_t shape[3], const sf_value_spec *spec);

/* Contract: "ZxXxY dtype distribution, seed S, value spec V" into buf; returns buf. */
const char *sf_meta_describe(const sf_file_meta *meta, char *buf, size_t len);

#endif
