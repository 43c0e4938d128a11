/* report.c - records written as CSV or JSON, and the tables and lines of text reports; see
 * sf_report.h. */
#include "sf_report.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Escaping ---------------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence that starts at s, or 0 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Stops at the first byte that cannot belong,
 * so it never reads past the terminating NUL. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
            : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    unsigned lo = s[0] == 0xe0 ? 0xa0 : s[0] == 0xf0 ? 0x90 : 0x80;
    unsigned hi = s[0] == 0xed ? 0x9f : s[0] == 0xf4 ? 0x8f : 0xbf;
    if (n == 0 || s[1] < lo || s[1] > hi)
        return 0;
    for (int i = 2; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* s as a JSON string on out, or, when out is NULL, only its length: the table pads a quoted
 * cell by that length, and one function keeps the two from ever disagreeing. */
static size_t json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len = 2;
    if (out)
        fputc('"', out);
    while (*s) {
        int n = *s < 0x80 ? 1 : utf8_len(s);
        char esc[8] = "";
        if (*s == '"' || *s == '\\')
            snprintf(esc, sizeof esc, "\\%c", *s);
        else if (*s < 0x20)
            snprintf(esc, sizeof esc, "\\u%04x", *s);
        else if (n == 0)
            snprintf(esc, sizeof esc, "\\ufffd");
        if (esc[0]) {
            len += strlen(esc);
            if (out)
                fputs(esc, out);
            s++;
            continue;
        }
        len += (size_t)n;
        if (out)
            fwrite(s, 1, (size_t)n, out);
        s += n;
    }
    if (out)
        fputc('"', out);
    return len;
}

void sf_json_string(FILE *out, const char *s) { json_string(out, s); }

void sf_csv_value(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* ---- Records ----------------------------------------------------------------------------- */

static void add(sf_record *r, const char *key, sf_field_kind kind, const char *fmt, va_list ap)
{
    assert(r->n < SF_RECORD_MAX && key);
    va_list again;
    va_copy(again, ap);
    /* The callers va_start the list; clang-analyzer 14 does not follow it across the call. */
    int n = vsnprintf(NULL, 0, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    assert(n >= 0);
    size_t need = r->used + (size_t)n + 1;
    if (need > r->size) { /* values are kept whole: a long file name is never cut */
        size_t size = need > 2 * r->size ? need + 1024 : 2 * r->size;
        char *text = realloc(r->text, size);
        if (!text)
            sf_die(__FILE__, __LINE__, "realloc", "%zu bytes: out of memory", size);
        r->text = text;
        r->size = size;
    }
    vsnprintf(r->text + r->used, (size_t)n + 1, fmt, again);
    va_end(again);
    r->field[r->n++] = (sf_field){.key = key, .kind = kind, .at = r->used};
    r->used = need;
}

void sf_record_text(sf_record *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(r, key, SF_FIELD_TEXT, fmt, ap);
    va_end(ap);
}

void sf_record_number(sf_record *r, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(r, key, SF_FIELD_NUMBER, fmt, ap);
    va_end(ap);
}

void sf_record_null(sf_record *r, const char *key) { sf_record_number(r, key, "%s", ""); }

const char *sf_record_value(const sf_record *r, int i)
{
    assert(i >= 0 && i < r->n);
    return r->text + r->field[i].at;
}

void sf_record_free(sf_record *r)
{
    free(r->text);
    r->text = NULL;
    r->n = 0;
    r->used = r->size = 0;
}

static void write_csv(FILE *out, const sf_record *r, int keys)
{
    for (int i = 0; i < r->n; i++) {
        sf_csv_value(out, keys ? r->field[i].key : sf_record_value(r, i));
        fputs(i + 1 < r->n ? "," : "\n", out);
    }
}

void sf_record_write(FILE *out, const sf_record *r, sf_format format, int header)
{
    assert(format == SF_FORMAT_CSV || format == SF_FORMAT_JSON);
    if (format == SF_FORMAT_CSV) {
        if (header)
            write_csv(out, r, 1);
        write_csv(out, r, 0);
        return;
    }
    fputc('{', out);
    for (int i = 0; i < r->n; i++) {
        const char *v = sf_record_value(r, i);
        fputs(i ? ", " : "", out);
        sf_json_string(out, r->field[i].key);
        fputs(": ", out);
        if (r->field[i].kind == SF_FIELD_TEXT)
            sf_json_string(out, v);
        else
            fputs(v[0] ? v : "null", out);
    }
    fputs("}\n", out);
}

/* ---- Tables and lines -------------------------------------------------------------------- */

/* Free text needs quoting when printing it as it is would break its line or could be taken
 * for quoted text. */
static int needs_quoting(const char *s)
{
    if (s[0] == '"')
        return 1;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return 1;
    return 0;
}

void sf_report_text(FILE *out, const char *s)
{
    if (needs_quoting(s))
        sf_json_string(out, s);
    else
        fputs(s, out);
}

/* Before a cell of len bytes: the space between columns, and the padding of a right-aligned
 * cell. */
static void cell_open(const sf_table *t, size_t len)
{
    const sf_column *c = &t->col[t->at];
    if (t->at > 0)
        fprintf(t->out, "%*s", 1 + c->gap, "");
    if (!(c->flags & SF_COL_LEFT) && len < (size_t)c->width)
        fprintf(t->out, "%*s", c->width - (int)len, "");
}

/* After it: the padding of a left-aligned cell, and the line break after the last column. */
static void cell_close(sf_table *t, size_t len)
{
    const sf_column *c = &t->col[t->at];
    if ((c->flags & SF_COL_LEFT) && len < (size_t)c->width)
        fprintf(t->out, "%*s", c->width - (int)len, "");
    if (++t->at == t->ncol) {
        fputc('\n', t->out);
        t->at = 0;
    }
}

sf_table sf_table_start(FILE *out, const sf_column *col, int ncol)
{
    sf_table t = {.out = out, .col = col, .ncol = ncol};
    for (int i = 0; i < ncol; i++)
        sf_table_cell(&t, "%s", col[i].head);
    return t;
}

void sf_table_cell(sf_table *t, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    /* clang-analyzer 14 misses the va_start above; the list is initialised. */
    int n = vsnprintf(NULL, 0, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    assert(n >= 0);
    cell_open(t, (size_t)n);
    vfprintf(t->out, fmt, again);
    cell_close(t, (size_t)n);
    va_end(again);
    va_end(ap);
}

void sf_table_text(sf_table *t, const char *s)
{
    if (needs_quoting(s)) { /* whole, never cut: a cut quoted string would not read back */
        size_t n = json_string(NULL, s);
        cell_open(t, n);
        json_string(t->out, s);
        cell_close(t, n);
        return;
    }
    size_t n = strlen(s);
    const sf_column *c = &t->col[t->at];
    if ((c->flags & SF_COL_CLIP) && n > (size_t)c->width)
        n = (size_t)c->width;
    cell_open(t, n);
    fwrite(s, 1, n, t->out);
    cell_close(t, n);
}

void sf_report_line(FILE *out, int width, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(out, "%-*s ", width, key);
    /* clang-analyzer 14 misses the va_start above; the list is initialised. */
    vfprintf(out, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    fputc('\n', out);
    va_end(ap);
}

const char *sf_report_shape(const uint64_t shape[3], char *buf, size_t len)
{
    snprintf(buf, len, "%" PRIu64 "x%" PRIu64 "x%" PRIu64, shape[0], shape[1], shape[2]);
    return buf;
}

const char *sf_report_array(const uint64_t shape[3], const sf_value_spec *spec, char *buf,
                            size_t len)
{
    char sh[72];
    snprintf(buf, len, "%s %s %s, seed %" PRIu64, sf_report_shape(shape, sh, sizeof sh),
             sf_dtype_name(spec->dtype), sf_dist_name(spec->dist), spec->seed);
    return buf;
}

const char *sf_report_mem(uint64_t n, char *buf, size_t len)
{
    if (n >= 1000000000)
        snprintf(buf, len, "%.2f GB", (double)n / 1e9);
    else
        snprintf(buf, len, "%.1f MB", (double)n / 1e6);
    return buf;
}
