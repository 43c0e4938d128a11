/* json.c - a strict JSON object reader; see sf_json.h. Strings are unescaped into a scratch
 * copy of the input, which is never longer than the input itself. */
#include "sf_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_error.h"

#define MAX_DEPTH 32

typedef struct {
    const char *p, *end, *start;
    char *out;  /* scratch for unescaped strings */
    char *err;
    size_t errlen;
} parser;

static int fail(parser *ps, const char *what)
{
    snprintf(ps->err, ps->errlen, "%s at byte %zu", what, (size_t)(ps->p - ps->start));
    return -1;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
                               *ps->p == '\r'))
        ps->p++;
}

static int hex4(parser *ps, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++, ps->p++) {
        if (ps->p >= ps->end)
            return fail(ps, "short \\u escape");
        char c = *ps->p;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return fail(ps, "bad \\u escape");
        *v = *v << 4 | d;
    }
    return 0;
}

/* A \uXXXX escape (and its low surrogate) as UTF-8 into ps->out. */
static int unicode_escape(parser *ps)
{
    unsigned cp;
    if (hex4(ps, &cp))
        return -1;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(ps, "lone low surrogate");
    if (cp >= 0xd800 && cp <= 0xdbff) {
        unsigned lo;
        if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
            return fail(ps, "lone high surrogate");
        ps->p += 2;
        if (hex4(ps, &lo))
            return -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return fail(ps, "bad surrogate pair");
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (cp == 0)
        return fail(ps, "\\u0000 in a string");
    char *o = ps->out;
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    ps->out = o;
    return 0;
}

/* A string at ps->p (the opening quote); its unescaped text goes to ps->out, *s points at it. */
static int string(parser *ps, const char **s)
{
    ps->p++;
    *s = ps->out;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20)
            return fail(ps, "control character in a string");
        if (c != '\\') {
            *ps->out++ = (char)c;
            ps->p++;
            continue;
        }
        if (++ps->p >= ps->end)
            return fail(ps, "unterminated escape");
        char e = *ps->p++;
        char c2 = e == '"' || e == '\\' || e == '/' ? e
                  : e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n'
                  : e == 'r' ? '\r' : e == 't' ? '\t' : '\0';
        if (e == 'u') {
            if (unicode_escape(ps))
                return -1;
        } else if (c2) {
            *ps->out++ = c2;
        } else {
            ps->p--;
            return fail(ps, "bad escape");
        }
    }
    if (ps->p >= ps->end)
        return fail(ps, "unterminated string");
    ps->p++;
    *ps->out++ = '\0';
    return 0;
}

/* A number: validates JSON's grammar; plain digits without sign, fraction or exponent that
 * fit in 64 bits are reported as an unsigned integer. */
static int number(parser *ps, int *is_uint, uint64_t *v)
{
    const char *q = ps->p;
    int plain = 1;
    uint64_t x = 0;
    if (q < ps->end && *q == '-') {
        plain = 0;
        q++;
    }
    if (q >= ps->end || *q < '0' || *q > '9')
        return fail(ps, "bad number");
    if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
        return fail(ps, "number with a leading zero");
    for (; q < ps->end && *q >= '0' && *q <= '9'; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (x > (UINT64_MAX - d) / 10)
            plain = 0;
        x = x * 10 + d;
    }
    if (q < ps->end && *q == '.') {
        plain = 0;
        if (++q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "bad fraction");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        plain = 0;
        if (++q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return fail(ps, "bad exponent");
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    ps->p = q;
    *is_uint = plain;
    *v = plain ? x : 0;
    return 0;
}

static int literal(parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "unexpected character");
    ps->p += n;
    return 0;
}

typedef struct {
    sf_json_kind kind;
    const char *str;
    int is_uint;
    uint64_t uval;
} scalar;

static int value(parser *ps, int depth, scalar *sc, sf_json_member *arr);

/* An array or object body after its opening bracket; items of a top-level member's array
 * are recorded in arr (NULL below the top). */
static int compound(parser *ps, int depth, int object, sf_json_member *arr)
{
    char close = object ? '}' : ']';
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (int n = 0;; n++) {
        skip_ws(ps);
        if (object) {
            const char *k;
            if (ps->p >= ps->end || *ps->p != '"' || string(ps, &k))
                return ps->err[0] ? -1 : fail(ps, "expected a key");
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p++ != ':')
                return fail(ps, "expected ':'");
        }
        scalar sc;
        if (value(ps, depth + 1, &sc, NULL))
            return -1;
        if (arr) {
            if (n < SF_JSON_MAX_ITEMS) {
                arr->item_kind[n] = sc.kind;
                arr->item_is_uint[n] = sc.is_uint;
                arr->item_uval[n] = sc.uval;
                arr->item_str[n] = sc.str;
            }
            arr->nitems = n + 1;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int value(parser *ps, int depth, scalar *sc, sf_json_member *arr)
{
    memset(sc, 0, sizeof *sc);
    if (depth > MAX_DEPTH)
        return fail(ps, "nested too deeply");
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end");
    switch (*ps->p) {
    case '"': sc->kind = SF_JSON_STRING; return string(ps, &sc->str);
    case '{': sc->kind = SF_JSON_OBJECT; return compound(ps, depth, 1, NULL);
    case '[': sc->kind = SF_JSON_ARRAY; return compound(ps, depth, 0, arr);
    case 't': sc->kind = SF_JSON_TRUE; return literal(ps, "true");
    case 'f': sc->kind = SF_JSON_FALSE; return literal(ps, "false");
    case 'n': sc->kind = SF_JSON_NULL; return literal(ps, "null");
    default: sc->kind = SF_JSON_NUMBER; return number(ps, &sc->is_uint, &sc->uval);
    }
}

int sf_json_object(const char *text, size_t len, sf_json_member_fn fn, void *ctx, char *err,
                   size_t errlen)
{
    char *scratch = sf_xmalloc(len + 1);
    parser ps = {text, text + len, text, scratch, err, errlen};
    err[0] = '\0';
    int rc = -1;
    skip_ws(&ps);
    if (ps.p >= ps.end || *ps.p != '{') {
        fail(&ps, "not a JSON object");
        goto out;
    }
    ps.p++;
    skip_ws(&ps);
    if (ps.p < ps.end && *ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            sf_json_member m;
            memset(&m, 0, sizeof m);
            skip_ws(&ps);
            if (ps.p >= ps.end || *ps.p != '"') {
                fail(&ps, "expected a key");
                goto out;
            }
            if (string(&ps, &m.key))
                goto out;
            skip_ws(&ps);
            if (ps.p >= ps.end || *ps.p++ != ':') {
                fail(&ps, "expected ':'");
                goto out;
            }
            scalar sc;
            skip_ws(&ps);
            m.raw = ps.p;
            if (value(&ps, 1, &sc, &m))
                goto out;
            m.raw_len = (size_t)(ps.p - m.raw);
            m.kind = sc.kind;
            m.str = sc.str;
            m.is_uint = sc.is_uint;
            m.uval = sc.uval;
            if (fn(&m, ctx, err, errlen))
                goto out;
            skip_ws(&ps);
            if (ps.p < ps.end && *ps.p == ',') {
                ps.p++;
                continue;
            }
            if (ps.p < ps.end && *ps.p == '}') {
                ps.p++;
                break;
            }
            fail(&ps, "expected ',' or '}'");
            goto out;
        }
    }
    skip_ws(&ps);
    rc = ps.p == ps.end ? 0 : fail(&ps, "text after the object");
out:
    free(scratch);
    return rc;
}
