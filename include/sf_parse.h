/* sf_parse.h - the strict single-value parsers behind the command line and the metadata readers.
 * Strict means: no signs, no spaces, no exponents, no trailing junk, overflow detected. Each
 * returns 0, or -1 with a one-line reason in err (what was wrong and what is accepted); none
 * prints, so every rank reaches the same verdict without communicating. */
#ifndef SF_PARSE_H
#define SF_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define SF_HINT_KEY_LEN 128
#define SF_HINT_VAL_LEN 256

/* One MPI-IO hint, as given to MPI_Info_set. */
typedef struct {
    char key[SF_HINT_KEY_LEN];
    char value[SF_HINT_VAL_LEN];
} sf_hint;

/* Contract: "ZxXxY": three decimal integers >= 1, nothing else; elem*Z*X*Y must fit in int64
 * (elem >= 1 is the element size in bytes). On success fills shape; on failure shape is
 * unspecified. */
int sf_parse_shape(const char *s, size_t elem, uint64_t shape[3], char *err, size_t errlen);

/* Contract: unsigned 64-bit, decimal or 0x-hex, no sign, no spaces. *v is set only on
 * success. */
int sf_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen);

/* Contract: the len bytes at s as one MPI-IO hint "key=value": key of [A-Za-z0-9_.-] shorter
 * than SF_HINT_KEY_LEN, value non-empty, without ';' or bytes below 0x20, and shorter than
 * SF_HINT_VAL_LEN. s need not be NUL-terminated. Fills *h only on success. */
int sf_parse_hint(const char *s, size_t len, sf_hint *h, char *err, size_t errlen);

/* Contract: byte size: decimal digits and an optional k/m/g suffix (powers of 1024), without
 * overflow. *v is set only on success. */
int sf_parse_size(const char *s, uint64_t *v, char *err, size_t errlen);

/* Contract: *out becomes the index of arg in words (NULL-terminated; list the words in the
 * order of the enum they stand for). Otherwise err reads "unknown OPTION 'ARG'; accepted: W1,
 * W2, ..." with option as given (e.g. "--dtype"). *out is set only on success. */
int sf_parse_keyword(const char *option, const char *arg, const char *const words[], int *out,
                     char *err, size_t errlen);

#endif
