/* meta.c - the one list of an array's metadata words, and their one strict reader; see
 * sf_meta.h. */
#include "sf_meta.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sf_options.h"
#include "sf_version.h"

static const char *const KEYS[SF_META_NWORDS] = {
    "generator", "value_spec", "seed", "distribution", "dtype", "shape", "slabfill_version"};

void sf_meta_words(const sf_file_meta *m, sf_meta_word w[SF_META_NWORDS])
{
    memset(w, 0, sizeof *w * SF_META_NWORDS);
    for (int k = 0; k < SF_META_NWORDS; k++)
        w[k].key = KEYS[k];
    snprintf(w[0].text, sizeof w[0].text, "%s", m->generator);
    snprintf(w[1].text, sizeof w[1].text, "%s", m->value_spec);
    snprintf(w[2].text, sizeof w[2].text, "%" PRIu64, m->spec.seed);
    w[2].nums = 1;
    w[2].num[0] = m->spec.seed;
    snprintf(w[3].text, sizeof w[3].text, "%s", sf_dist_name(m->spec.dist));
    snprintf(w[4].text, sizeof w[4].text, "%s", sf_dtype_name(m->spec.dtype));
    snprintf(w[5].text, sizeof w[5].text, "%" PRIu64 "x%" PRIu64 "x%" PRIu64, m->shape[0],
             m->shape[1], m->shape[2]);
    w[5].nums = 3;
    memcpy(w[5].num, m->shape, sizeof w[5].num);
    snprintf(w[6].text, sizeof w[6].text, "%s", SF_VERSION);
}

/* The refusal quotes what the file held, which may be anything: one printable line of it. */
static int bad(char *err, size_t errlen, const char *key, const char *value, const char *want)
{
    char shown[81];
    size_t n = 0;
    for (; n < sizeof shown - 1 && value[n]; n++)
        shown[n] = (unsigned char)value[n] < 0x20 || value[n] == 0x7f ? '?' : value[n];
    shown[n] = '\0';
    snprintf(err, errlen, "metadata %s is '%s'; accepted: %s", key, shown, want);
    return -1;
}

static int set_seed(sf_file_meta *m, const char *v, char *err, size_t errlen)
{
    char why[SF_ERRLEN];
    int digits = v[0] >= '0' && v[0] <= '9' && (v[0] != '0' || v[1] == '\0');
    for (const char *p = v; digits && *p; p++)
        digits = *p >= '0' && *p <= '9';
    if (!digits || sf_parse_u64(v, &m->spec.seed, why, sizeof why) != 0)
        return bad(err, errlen, "seed", v, "a decimal unsigned 64-bit integer");
    return 0;
}

/* One of n words (NULL-terminated), by index. */
static int set_choice(const char *key, const char *v, const char *const words[], int *out,
                      char *err, size_t errlen)
{
    char want[64] = "";
    size_t used = 0;
    for (int i = 0; words[i]; i++) {
        if (strcmp(v, words[i]) == 0) {
            *out = i;
            return 0;
        }
        used += (size_t)snprintf(want + used, sizeof want - used, "%s%s",
                                 i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
    }
    return bad(err, errlen, key, v, want);
}

/* A name: 1 to 63 of [A-Za-z0-9._-], into dst (64 bytes). */
static int set_name(const char *key, char *dst, const char *v, char *err, size_t errlen)
{
    size_t n = strlen(v);
    int ok = n >= 1 && n < 64;
    for (const char *p = v; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '.' || *p == '_' || *p == '-';
    if (!ok)
        return bad(err, errlen, key, v, "1 to 63 letters, digits, '.', '_' or '-'");
    memcpy(dst, v, n + 1);
    return 0;
}

int sf_meta_set(sf_file_meta *meta, const char *key, const char *value, char *err,
                size_t errlen)
{
    static const char *const dtypes[] = {"float32", "float64", NULL};       /* sf_dtype */
    static const char *const dists[] = {"normal", "uniform", "none", NULL}; /* sf_dist */
    int k = 0;
    while (k < SF_META_NWORDS - 1 && strcmp(key, KEYS[k]) != 0)
        k++;
    if (k == SF_META_NWORDS - 1)
        return 0; /* slabfill_version, or a key of someone else's */
    if (meta->seen & (1u << k)) {
        snprintf(err, errlen, "metadata %s is given twice", key);
        return -1;
    }
    int rc = 0, v = 0;
    char why[SF_ERRLEN];
    switch (k) {
    case 0: rc = set_name(key, meta->generator, value, err, errlen); break;
    case 1: rc = set_name(key, meta->value_spec, value, err, errlen); break;
    case 2: rc = set_seed(meta, value, err, errlen); break;
    case 3:
        rc = set_choice(key, value, dists, &v, err, errlen);
        meta->spec.dist = (sf_dist)v;
        break;
    case 4:
        rc = set_choice(key, value, dtypes, &v, err, errlen);
        meta->spec.dtype = (sf_dtype)v;
        break;
    default:
        if (sf_parse_shape(value, 1, meta->shape, why, sizeof why) != 0)
            rc = bad(err, errlen, "shape", value, "ZxXxY, three decimal integers >= 1");
        break;
    }
    if (rc == 0)
        meta->seen |= 1u << k;
    return rc;
}

int sf_meta_complete(const sf_file_meta *meta, char *err, size_t errlen)
{
    for (int k = 0; k < SF_META_NWORDS - 1; k++)
        if (!(meta->seen & (1u << k))) {
            snprintf(err, errlen, "metadata %s is missing", KEYS[k]);
            return -1;
        }
    const uint64_t *s = meta->shape;
    const uint64_t limit = (uint64_t)INT64_MAX / sf_dtype_size(meta->spec.dtype);
    if (s[0] > limit / s[1] || s[0] * s[1] > limit / s[2]) {
        snprintf(err, errlen, "metadata shape %llux%llux%llu of %s is too large: its byte size "
                 "must fit in a signed 64-bit offset", (unsigned long long)s[0],
                 (unsigned long long)s[1], (unsigned long long)s[2],
                 sf_dtype_name(meta->spec.dtype));
        return -1;
    }
    return 0;
}

const char *sf_meta_differs(const sf_file_meta *a, const sf_file_meta *b)
{
    return strcmp(a->generator, b->generator)             ? "generator"
           : strcmp(a->value_spec, b->value_spec)         ? "value spec"
           : a->spec.seed != b->spec.seed                 ? "seed"
           : memcmp(a->shape, b->shape, sizeof a->shape)  ? "shape"
           : a->spec.dtype != b->spec.dtype               ? "dtype"
           : a->spec.dist != b->spec.dist                 ? "distribution"
                                                          : NULL;
}

sf_file_meta sf_meta_of(const uint64_t shape[3], const sf_value_spec *spec)
{
    sf_file_meta m = {.shape = {shape[0], shape[1], shape[2]}, .spec = *spec,
                      .seen = SF_META_ALL};
    snprintf(m.generator, sizeof m.generator, "%s", SF_GENERATOR);
    snprintf(m.value_spec, sizeof m.value_spec, "%s", SF_VALUE_SPEC);
    return m;
}

const char *sf_meta_describe(const sf_file_meta *meta, char *buf, size_t len)
{
    snprintf(buf, len, "%llux%llux%llu %s %s, seed %llu, value spec %s",
             (unsigned long long)meta->shape[0], (unsigned long long)meta->shape[1],
             (unsigned long long)meta->shape[2], sf_dtype_name(meta->spec.dtype),
             sf_dist_name(meta->spec.dist), (unsigned long long)meta->spec.seed,
             meta->value_spec);
    return buf;
}
