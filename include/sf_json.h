/* sf_json.h - a strict reader of one JSON object, enough for a Zarr store's .zarray and
 * .zattrs. Zarr metadata is written by other tools as well as by slabfill, and a store handed
 * to `slabfill verify` may be hostile, so this is a real parser (RFC 8259: escapes, nesting,
 * numbers), never a substring search, with a depth limit and no allocation beyond its input's
 * size. */
#ifndef SF_JSON_H
#define SF_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    SF_JSON_NULL,
    SF_JSON_FALSE,
    SF_JSON_TRUE,
    SF_JSON_NUMBER,
    SF_JSON_STRING,
    SF_JSON_ARRAY,
    SF_JSON_OBJECT
} sf_json_kind;

#define SF_JSON_MAX_ITEMS 8

/* One member of the top-level object. */
typedef struct {
    const char *key;   /* unescaped, NUL-terminated (a key holding \u0000 is refused) */
    sf_json_kind kind;
    const char *str;   /* STRING: the unescaped value, NUL-terminated (no \u0000) */
    int is_uint;       /* NUMBER: a plain decimal integer 0..2^64-1, in uval */
    uint64_t uval;
    /* ARRAY: its element count, and, for up to SF_JSON_MAX_ITEMS elements: each one's kind,
     * its value when it is an integer as above, and its text when it is a string. */
    int nitems;
    sf_json_kind item_kind[SF_JSON_MAX_ITEMS];
    int item_is_uint[SF_JSON_MAX_ITEMS];
    uint64_t item_uval[SF_JSON_MAX_ITEMS];
    const char *item_str[SF_JSON_MAX_ITEMS];
    const char *raw;   /* the value's text as it stands in the input (any kind), raw_len bytes:
                          for a reader of arrays longer than SF_JSON_MAX_ITEMS */
    size_t raw_len;
} sf_json_member;

/* Called once per member, in order. Returns 0 to go on, or -1 with a reason in err. */
typedef int (*sf_json_member_fn)(const sf_json_member *m, void *ctx, char *err, size_t errlen);

/* Contract: parses text[0, len) as exactly one JSON object (whitespace around it allowed,
 * nothing else; nesting at most 32 deep) and calls fn for each top-level member. Keys are not
 * checked for duplicates here. Returns 0, or -1 with a reason (what and where) in err. */
int sf_json_object(const char *text, size_t len, sf_json_member_fn fn, void *ctx, char *err,
                   size_t errlen);

#endif
