/* report_test.c - what slabfill prints reads back by each format's own rules. Every record
 * emitter (CSV, JSON) and every builder of a table or line that prints free text (a file or
 * host name) is given names holding '"', '\', ',', line breaks, a tab, an escape character,
 * and bytes beyond ASCII, valid UTF-8 or not. CSV is parsed back by a strict RFC 4180 reader
 * written here; JSON by slabfill's strict RFC 8259 reader (src/json.c), after the C library's
 * own UTF-8 decoder has checked that the text is UTF-8, as RFC 8259 requires. Table layouts
 * are checked to the byte. (verify's lines, built in main.c, are checked end to end by
 * tests/summary_test.py.) */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sf_json.h"
#include "sf_report.h"
#include "sf_summary.h"
#include "sf_test.h"

#define FFFD "\xef\xbf\xbd" /* U+FFFD in UTF-8: what JSON shows for a byte that is not UTF-8 */

/* Each name, and what a JSON reader gets back for it (NULL: the name itself). */
static const struct {
    const char *name, *json;
} names[] = {
    {"slab.h5", NULL},
    {"a\"b,c\\d\ne.npy", NULL},
    {"tab\there", NULL},
    {"cr\rlf\r\n", NULL},
    {"esc \x1b[31mred", NULL},
    {"\"quoted\"", NULL},
    {"comma, \"inner\" quote and back\\slash", NULL},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", NULL}, /* e-acute, euro sign, an emoji */
    {"del \x7f", NULL},
    {"", NULL},
    {"latin-1 caf\xe9", "latin-1 caf" FFFD},
    {"\xff\xfe", FFFD FFFD},
    {"overlong \xc0\xaf", "overlong " FFFD FFFD},
    {"surrogate \xed\xa0\x80", "surrogate " FFFD FFFD FFFD},
    {"above U+10FFFF \xf4\x90\x80\x80", "above U+10FFFF " FFFD FFFD FFFD FFFD},
    {"cut \xe2\x82", "cut " FFFD FFFD},
};
enum { NNAMES = sizeof names / sizeof *names };

static const char *json_of(int i) { return names[i].json ? names[i].json : names[i].name; }

/* ---- Capturing output -------------------------------------------------------------------- */

/* Everything written to f, NUL-terminated (the emitters never write a NUL); closes f. */
static char *drain(FILE *f)
{
    long n = ftell(f);
    char *s = malloc((size_t)n + 1);
    rewind(f);
    if (!s || n < 0 || fread(s, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "report_test: cannot read back a temporary file\n");
        exit(1);
    }
    s[n] = '\0';
    fclose(f);
    return s;
}

static FILE *scratch(void)
{
    FILE *f = tmpfile();
    if (!f) {
        perror("report_test: tmpfile");
        exit(1);
    }
    return f;
}

/* ---- A strict CSV reader (RFC 4180; LF line ends, as slabfill writes) -------------------- */

enum { CSV_MAX = SF_RECORD_MAX };
typedef struct {
    int nrec, nfield[4];
    char *cell[4][CSV_MAX];
} csv_table;

/* One field at *p into a fresh string; -1 on an unterminated quote, a quote or CR in an
 * unquoted field, or text after a closing quote. */
static int csv_field(const char **p, char **out)
{
    const char *s = *p;
    size_t n = 0;
    char *o = malloc(strlen(s) + 1);
    if (*s == '"') {
        for (s++; *s != '"' || s[1] == '"'; s++) {
            if (*s == '\0')
                goto bad;
            s += *s == '"'; /* a doubled quote is one quote */
            o[n++] = *s;
        }
        s++;
        if (*s != ',' && *s != '\n')
            goto bad;
    } else {
        for (; *s != ',' && *s != '\n' && *s; s++) {
            if (*s == '"' || *s == '\r')
                goto bad;
            o[n++] = *s;
        }
    }
    o[n] = '\0';
    *out = o;
    *p = s;
    return 0;
bad:
    free(o);
    return -1;
}

/* Every record of s, each ending in a line break; -1 when s is not CSV. */
static int csv_parse(const char *s, csv_table *t)
{
    memset(t, 0, sizeof *t);
    while (*s) {
        if (t->nrec == 4)
            return -1;
        int *nf = &t->nfield[t->nrec];
        for (;;) {
            if (*nf == CSV_MAX || csv_field(&s, &t->cell[t->nrec][(*nf)++]))
                return -1;
            if (*s == '\0')
                return -1; /* a record without its line break */
            if (*s++ == '\n')
                break;
        }
        t->nrec++;
    }
    return 0;
}

static void csv_free(csv_table *t)
{
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < t->nfield[r]; i++)
            free(t->cell[r][i]);
}

/* ---- JSON: UTF-8 by the C library's decoder, then slabfill's strict reader ---------------- */

static int have_utf8;

/* Whether s[0, len) is UTF-8 without surrogates, by mbrtowc in a UTF-8 locale. */
static int utf8_valid(const char *s, size_t len)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    while (len > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, len, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || (wc >= 0xd800 && wc <= 0xdfff))
            return 0;
        s += n;
        len -= n;
    }
    return 1;
}

enum { JSON_MAX = SF_RECORD_MAX };
typedef struct {
    int n;
    char *key[JSON_MAX], *str[JSON_MAX];
    sf_json_kind kind[JSON_MAX];
    uint64_t uval[JSON_MAX];
} json_object;

static int collect(const sf_json_member *m, void *ctx, char *err, size_t errlen)
{
    json_object *o = ctx;
    if (o->n == JSON_MAX) {
        snprintf(err, errlen, "too many members");
        return -1;
    }
    o->key[o->n] = strdup(m->key);
    o->str[o->n] = m->kind == SF_JSON_STRING ? strdup(m->str) : NULL;
    o->kind[o->n] = m->kind;
    o->uval[o->n] = m->is_uint ? m->uval : UINT64_MAX;
    o->n++;
    return 0;
}

/* One JSON object on one line, in UTF-8, read by sf_json_object; why it is not into why. */
static int json_parse(const char *s, json_object *o, char *why, size_t len)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(s);
    if (n == 0 || s[n - 1] != '\n' || strchr(s, '\n') != s + n - 1) {
        snprintf(why, len, "not one line: %s", s);
        return -1;
    }
    if (have_utf8 && !utf8_valid(s, n)) {
        snprintf(why, len, "not UTF-8: %s", s);
        return -1;
    }
    return sf_json_object(s, n, collect, o, why, len);
}

static void json_free(json_object *o)
{
    for (int i = 0; i < o->n; i++) {
        free(o->key[i]);
        free(o->str[i]);
    }
}

/* A JSON string printed inside a line of text, read back by wrapping it in an object. */
static int json_string_back(const char *quoted, size_t len, const char *want)
{
    char *wrapped = malloc(len + 8);
    snprintf(wrapped, len + 8, "{\"v\":%.*s}\n", (int)len, quoted);
    json_object o;
    char why[SF_ERRLEN];
    int ok = json_parse(wrapped, &o, why, sizeof why) == 0 && o.n == 1 &&
             o.kind[0] == SF_JSON_STRING && strcmp(o.str[0], want) == 0;
    json_free(&o);
    free(wrapped);
    return ok;
}

/* ---- Records ----------------------------------------------------------------------------- */

static const char *const keys[4] = {"file", "n", "z", "note, \"odd\" key"};

/* Name i's record, with the name in two text fields, written in format: for CSV the header
 * line and then the values twice. */
static char *written(int i, sf_format format)
{
    sf_record r = {0};
    sf_record_text(&r, keys[0], "%s", names[i].name);
    sf_record_number(&r, keys[1], "%d", 42);
    sf_record_null(&r, keys[2]);
    sf_record_text(&r, keys[3], "%s", names[i].name);
    FILE *f = scratch();
    sf_record_write(f, &r, format, 1);
    if (format == SF_FORMAT_CSV)
        sf_record_write(f, &r, format, 0);
    sf_record_free(&r);
    return drain(f);
}

/* CSV: the header and the values read back as the very keys and bytes, for every name. */
static void record_csv(void)
{
    int good = 0;
    for (int i = 0; i < NNAMES; i++) {
        char *text = written(i, SF_FORMAT_CSV);
        const char *want[4] = {names[i].name, "42", "", names[i].name};
        csv_table t;
        int ok = csv_parse(text, &t) == 0 && t.nrec == 3;
        for (int k = 0; ok && k < 3; k++) {
            ok = t.nfield[k] == 4;
            for (int j = 0; ok && j < 4; j++)
                ok = strcmp(t.cell[k][j], k == 0 ? keys[j] : want[j]) == 0;
        }
        if (!ok)
            printf("name %d: %s", i, text);
        good += ok;
        csv_free(&t);
        free(text);
    }
    sf_test(good == NNAMES, "record-csv-reads-back-every-name", "%d of %d", good, NNAMES);
}

/* JSON: one line of UTF-8 that a strict reader takes back to the same members, names intact
 * (bytes that are not UTF-8 as U+FFFD). */
static void record_json(void)
{
    int good = 0;
    char why[SF_ERRLEN] = "";
    for (int i = 0; i < NNAMES; i++) {
        char *text = written(i, SF_FORMAT_JSON);
        json_object o;
        int ok = json_parse(text, &o, why, sizeof why) == 0 && o.n == 4;
        for (int j = 0; ok && j < 4; j++)
            ok = strcmp(o.key[j], keys[j]) == 0;
        ok = ok && o.kind[0] == SF_JSON_STRING && !strcmp(o.str[0], json_of(i)) &&
             o.kind[1] == SF_JSON_NUMBER && o.uval[1] == 42 && o.kind[2] == SF_JSON_NULL &&
             o.kind[3] == SF_JSON_STRING && !strcmp(o.str[3], json_of(i));
        if (!ok)
            printf("name %d: %s (%s)\n", i, text, why);
        good += ok;
        json_free(&o);
        free(text);
    }
    sf_test(good == NNAMES, "record-json-reads-back-every-name", "%d of %d", good, NNAMES);
}

/* The escapes themselves, byte for byte: RFC 8259's two-character escapes for '"' and '\',
 * \u00XX for control characters (as slabfill always wrote them), UTF-8 as it is. */
static void exact_escapes(void)
{
    FILE *f = scratch();
    sf_json_string(f, "a\"b\\c\n\t\x01\x1f\x7f \xc3\xa9\xff/");
    char *json = drain(f);
    const char *want = "\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u001f\x7f \xc3\xa9\\ufffd/\"";
    sf_test(strcmp(json, want) == 0, "json-escapes-exact", "%s", json);
    free(json);

    f = scratch();
    const char *in[] = {"plain", "a,b", "a\"b", "l\nf", "c\rr", "t\tb \xff", ""};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        sf_csv_value(f, in[i]);
        fputc('|', f);
    }
    char *csv = drain(f);
    want = "plain|\"a,b\"|\"a\"\"b\"|\"l\nf\"|\"c\rr\"|t\tb \xff||";
    sf_test(strcmp(csv, want) == 0, "csv-quotes-exact", "%s", csv);
    free(csv);
}

/* A record cut in two nowhere: a value longer than any buffer comes out whole. */
static void long_value(void)
{
    size_t n = 100000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = i % 97 == 0 ? '\n' : (char)('a' + i % 26);
    big[n] = '\0';
    sf_record r = {0};
    for (int i = 0; i < 40; i++)
        sf_record_text(&r, "k", "%s", i == 20 ? big : "x");
    FILE *f = scratch();
    sf_record_write(f, &r, SF_FORMAT_JSON, 0);
    char *text = drain(f);
    json_object o;
    char why[SF_ERRLEN] = "";
    int ok = json_parse(text, &o, why, sizeof why) == 0 && o.n == 40 &&
             strcmp(o.str[20], big) == 0 && strcmp(o.str[39], "x") == 0;
    sf_test(ok, "record-keeps-long-values-whole", "%s", why);
    json_free(&o);
    free(text);
    sf_record_free(&r);
    free(big);
}

/* ---- Tables and lines -------------------------------------------------------------------- */

/* Whether s, printed on its own, needs quoting to stay one line of a table. */
static int breaks_a_line(const char *s)
{
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c < 0x20)
            return 1;
    return s[0] == '"';
}

/* Free text in a line: as it is when that is safe, else one JSON string that reads back. */
static void report_text(void)
{
    int plain = 0, nplain = 0, quoted = 0, nquoted = 0;
    for (int i = 0; i < NNAMES; i++) {
        FILE *f = scratch();
        fputs("file ", f);
        sf_report_text(f, names[i].name);
        fputs(", slab 1\n", f);
        char *line = drain(f);
        size_t len = strlen(line) - strlen("file ") - strlen(", slab 1\n");
        const char *text = line + strlen("file ");
        int one_line = strchr(line, '\n') == line + strlen(line) - 1 &&
                       !strpbrk(line, "\r\t\x1b");
        if (breaks_a_line(names[i].name)) {
            nquoted++;
            quoted += one_line && json_string_back(text, len, json_of(i));
        } else {
            nplain++;
            plain += one_line && len == strlen(names[i].name) &&
                     memcmp(text, names[i].name, len) == 0;
        }
        free(line);
    }
    sf_test(plain == nplain && nplain >= 8, "table-text-prints-plain-names-as-they-are",
            "%d of %d", plain, nplain);
    sf_test(quoted == nquoted && nquoted >= 5, "table-text-quotes-names-that-break-a-line",
            "%d of %d", quoted, nquoted);
}

/* Alignment, padding, the gap, clipping of plain text and not of quoted text, to the byte. */
static void table_layout(void)
{
    static const sf_column col[] = {
        {"n", 3, 0, 0}, {"host", 6, SF_COL_LEFT | SF_COL_CLIP, 1}, {"left", 5, SF_COL_LEFT, 0},
        {"right", 6, 0, 0},
    };
    FILE *f = scratch();
    sf_table t = sf_table_start(f, col, 4);
    sf_table_cell(&t, "%d", 7);
    sf_table_text(&t, "verylonghostname");
    sf_table_cell(&t, "ab");
    sf_table_cell(&t, "%.2f s", 1.5);
    sf_table_cell(&t, "%d", 12345);
    sf_table_text(&t, "h\tx");
    sf_table_cell(&t, "toolongcell");
    sf_table_cell(&t, "n/a");
    char *text = drain(f);
    const char *want = "  n  host   left   right\n"
                       "  7  verylo ab    1.50 s\n"
                       "12345  \"h\\u0009x\" toolongcell    n/a\n";
    sf_test(strcmp(text, want) == 0, "table-layout-exact", "\n%s", text);
    free(text);

    f = scratch();
    sf_report_line(f, 20, "Elapsed time", "%.2f s", 1.5);
    sf_report_line(f, 4, "Long key", "%s", "v");
    char m1[32], m2[32], arr[160];
    const uint64_t shape[3] = {500, 2000, 2000};
    sf_value_spec spec = {.seed = 42, .dtype = SF_FLOAT32, .dist = SF_NORMAL};
    fprintf(f, "%s|%s|%s\n", sf_report_mem(37800000, m1, sizeof m1),
            sf_report_mem(8020000000, m2, sizeof m2),
            sf_report_array(shape, &spec, arr, sizeof arr));
    text = drain(f);
    want = "Elapsed time         1.50 s\nLong key v\n37.8 MB|8.02 GB|500x2000x2000 float32 normal, "
           "seed 42\n";
    sf_test(strcmp(text, want) == 0, "report-lines-and-units-exact", "\n%s", text);
    free(text);
}

/* ---- The run summary, built by summary.c through report.c --------------------------------- */

/* Prints a one-rank run's summary with file and host called name, in format. */
static char *summary(const char *name, sf_format format)
{
    sf_options o;
    memset(&o, 0, sizeof o);
    o.shape[0] = 4, o.shape[1] = 5, o.shape[2] = 6;
    o.spec = (sf_value_spec){.seed = 1, .dtype = SF_FLOAT32, .dist = SF_NORMAL};
    o.slab = 1, o.buffer = 1 << 20, o.format = format;
    sf_run_info run = {.opt = &o, .backend = "mpiio", .api = "MPIIO", .file = name, .nranks = 1};
    sf_rank_stats st = {.t_gen = 0.5, .t_write = 1, .t_total = 2, .bytes = 480, .nz = 4};
    snprintf(st.host, sizeof st.host, "%s", name);
    snprintf(st.kernel, sizeof st.kernel, "scalar");
    FILE *f = scratch();
    sf_summary_print(f, &run, &st);
    return drain(f);
}

/* The table keeps its lines whatever the names, and shows them as report_text does; the CSV
 * and JSON records give the file name back. */
static void summary_names(void)
{
    char *plain = summary("slab.h5", SF_FORMAT_TABLE);
    int lines = 0, table = 0, csv_ok = 0, json_ok = 0;
    for (const char *c = plain; *c; c++)
        lines += *c == '\n';
    for (int i = 0; i < NNAMES; i++) {
        char *text = summary(names[i].name, SF_FORMAT_TABLE);
        FILE *f = scratch();
        sf_report_text(f, names[i].name);
        char *shown = drain(f), *want = malloc(strlen(shown) + 64);
        snprintf(want, strlen(shown) + 64, ", file %s, slab 1\n", shown);
        int n = 0, ctrl = 0;
        for (const char *c = text; *c; c++) {
            n += *c == '\n';
            ctrl += (unsigned char)*c < 0x20 && *c != '\n';
        }
        /* a quoted name shows whole in the host cell too (a plain one is cut to 16 bytes) */
        const char *file = strstr(text, want);
        table += n == lines && !ctrl && file &&
                 (!breaks_a_line(names[i].name) || strstr(file + 1, shown) != NULL);
        free(shown);
        free(want);
        free(text);

        text = summary(names[i].name, SF_FORMAT_CSV);
        csv_table t;
        csv_ok += csv_parse(text, &t) == 0 && t.nrec == 2 && t.nfield[0] == t.nfield[1] &&
                  t.nfield[0] > 3 && !strcmp(t.cell[0][2], "file") &&
                  !strcmp(t.cell[1][2], names[i].name);
        csv_free(&t);
        free(text);

        text = summary(names[i].name, SF_FORMAT_JSON);
        json_object o;
        char why[SF_ERRLEN];
        json_ok += json_parse(text, &o, why, sizeof why) == 0 && o.n > 3 &&
                   !strcmp(o.key[2], "file") && !strcmp(o.str[2], json_of(i));
        json_free(&o);
        free(text);
    }
    free(plain);
    sf_test(table == NNAMES, "summary-table-keeps-its-lines-with-any-name", "%d of %d", table,
            NNAMES);
    sf_test(csv_ok == NNAMES, "summary-csv-reads-back-every-file-name", "%d of %d", csv_ok,
            NNAMES);
    sf_test(json_ok == NNAMES, "summary-json-reads-back-every-file-name", "%d of %d", json_ok,
            NNAMES);
}

/* --repeat's spread, against values worked by hand: the median of an even count is the mean of
 * the middle two, and sd divides by n (as IOR's does); the input is left in its order. */
static void spread(void)
{
    double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2}, one[] = {7.5};
    sf_spread a = sf_spread_of(odd, 3), b = sf_spread_of(even, 4), c = sf_spread_of(one, 1);
    sf_test(a.min == 1 && a.median == 2 && a.max == 3 && a.mean == 2 &&
            fabs(a.sd - sqrt(2.0 / 3)) < 1e-15 && odd[0] == 3 && odd[1] == 1,
            "spread-odd-count", "%g %g %g %g %g", a.min, a.median, a.max, a.mean, a.sd);
    sf_test(b.min == 1 && b.median == 2.5 && b.max == 4 && b.mean == 2.5 &&
            fabs(b.sd - sqrt(1.25)) < 1e-15, "spread-even-count", "%g %g %g %g %g", b.min,
            b.median, b.max, b.mean, b.sd);
    sf_test(c.min == 7.5 && c.median == 7.5 && c.max == 7.5 && c.sd == 0, "spread-one-write",
            "%g %g %g %g", c.min, c.median, c.max, c.sd);
}

int main(void)
{
    const char *utf8[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "UTF-8"};
    for (size_t i = 0; i < sizeof utf8 / sizeof *utf8 && !have_utf8; i++)
        have_utf8 = setlocale(LC_CTYPE, utf8[i]) != NULL;
    if (have_utf8)
        sf_test(!utf8_valid("\xff", 1) && !utf8_valid("\xed\xa0\x80", 3) &&
                utf8_valid("\xc3\xa9", 2), "utf8-oracle-refuses-what-it-must", "mbrtowc");
    else
        sf_test_needs("json-is-utf8", "a UTF-8 locale (C.UTF-8)");
    record_csv();
    record_json();
    exact_escapes();
    long_value();
    report_text();
    table_layout();
    summary_names();
    spread();
    return sf_test_failures ? 1 : 0;
}
