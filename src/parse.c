/* parse.c - the strict single-value parsers (include/sf_parse.h). Strict, because every rank
 * parses the same text and must reach the same verdict, and because what a user mistyped
 * ("1e3", "-1", "64mb") must be refused rather than read as something else. */
#include "sf_parse.h"

#include <stdio.h>
#include <string.h>

/* fmt quotes arg, what the user typed, with one %s. */
static int fail(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return -1;
}

/* Decimal digits only; returns characters consumed, 0 on no digit, -1 on overflow. */
static int scan_decimal(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    int n = 0;
    for (; s[n] >= '0' && s[n] <= '9'; n++) {
        unsigned d = (unsigned)(s[n] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#define U64_ACCEPTED                                                                          \
    "'%s' is not an unsigned 64-bit integer; accepted: decimal 0..18446744073709551615 or "   \
    "hex 0x0..0xffffffffffffffff"

int sf_parse_u64(const char *s, uint64_t *v, char *err, size_t errlen)
{
    uint64_t x = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        int n = 0;
        for (const char *p = s + 2; *p; p++, n++) {
            int d = hexval(*p);
            if (d < 0 || x >> 60)
                return fail(err, errlen, U64_ACCEPTED, s);
            x = (x << 4) | (uint64_t)d;
        }
        if (n == 0)
            return fail(err, errlen, U64_ACCEPTED, s);
    } else {
        int n = scan_decimal(s, &x);
        if (n <= 0 || s[n] != '\0')
            return fail(err, errlen, U64_ACCEPTED, s);
    }
    *v = x;
    return 0;
}

#define SHAPE_ACCEPTED                                                                        \
    "bad --shape '%s'; accepted: ZxXxY, three decimal integers >= 1 such as 500x2000x2000"

int sf_parse_shape(const char *s, size_t elem, uint64_t shape[3], char *err, size_t errlen)
{
    const char *p = s;
    for (int d = 0; d < 3; d++) {
        int n = scan_decimal(p, &shape[d]);
        if (n <= 0 || shape[d] == 0)
            return fail(err, errlen, SHAPE_ACCEPTED, s);
        p += n;
        if (d < 2 && *p++ != 'x')
            return fail(err, errlen, SHAPE_ACCEPTED, s);
    }
    if (*p != '\0')
        return fail(err, errlen, SHAPE_ACCEPTED, s);
    /* MPI offsets and HDF5 sizes are signed 64-bit in places: keep the byte count below 2^63. */
    uint64_t limit = (uint64_t)INT64_MAX / elem;
    if (shape[0] > limit / shape[1] || shape[0] * shape[1] > limit / shape[2])
        return fail(err, errlen,
                    "--shape '%s' is too large: its byte size must fit in a signed 64-bit "
                    "offset (below 2^63 bytes)", s);
    return 0;
}

#define SIZE_ACCEPTED                                                                         \
    "bad size '%s'; accepted: a decimal byte count with an optional k, m or g suffix (powers " \
    "of 1024), e.g. 64m"

int sf_parse_size(const char *s, uint64_t *v, char *err, size_t errlen)
{
    uint64_t x;
    int n = scan_decimal(s, &x);
    if (n <= 0)
        return fail(err, errlen, SIZE_ACCEPTED, s);
    int shift = 0;
    switch (s[n]) {
    case '\0': break;
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default: return fail(err, errlen, SIZE_ACCEPTED, s);
    }
    if (shift && s[n + 1] != '\0')
        return fail(err, errlen, SIZE_ACCEPTED, s);
    if (x > (UINT64_MAX >> shift))
        return fail(err, errlen, SIZE_ACCEPTED, s);
    *v = x << shift;
    return 0;
}

static int hint_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

#define HINT_ACCEPTED                                                                         \
    "bad hint '%s'; accepted: key=value, key of letters, digits, '_', '.' or '-', value not "  \
    "empty, e.g. striping_factor=4"

int sf_parse_hint(const char *s, size_t len, sf_hint *h, char *err, size_t errlen)
{
    /* The reason quotes the hint alone, not the rest of SLABFILL_HINTS after it. */
    char copy[SF_HINT_KEY_LEN + SF_HINT_VAL_LEN + 2];
    snprintf(copy, sizeof copy, "%.*s", (int)len, s);
    const char *eq = memchr(s, '=', len);
    if (!eq || eq == s || (size_t)(eq - s) >= SF_HINT_KEY_LEN ||
        len - (size_t)(eq - s) - 1 >= SF_HINT_VAL_LEN || (size_t)(eq - s) + 1 == len)
        return fail(err, errlen, HINT_ACCEPTED, copy);
    for (const char *p = s; p < eq; p++)
        if (!hint_key_char(*p))
            return fail(err, errlen, HINT_ACCEPTED, copy);
    /* ';' separates hints in SLABFILL_HINTS; a control character would break -v's list of the
     * hints, one a line. */
    for (const char *p = eq + 1; p < s + len; p++)
        if (*p == ';' || (unsigned char)*p < 0x20)
            return fail(err, errlen, HINT_ACCEPTED, copy);
    snprintf(h->key, sizeof h->key, "%.*s", (int)(eq - s), s);
    snprintf(h->value, sizeof h->value, "%.*s", (int)(len - (size_t)(eq - s) - 1), eq + 1);
    return 0;
}

int sf_parse_keyword(const char *option, const char *arg, const char *const words[], int *out,
                     char *err, size_t errlen)
{
    for (int i = 0; words[i]; i++)
        if (strcmp(arg, words[i]) == 0) {
            *out = i;
            return 0;
        }
    int n = snprintf(err, errlen, "unknown %s '%s'; accepted:", option, arg);
    for (int i = 0; words[i] && n >= 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "", words[i]);
    return -1;
}
