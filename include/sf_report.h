/* sf_report.h - one home for what slabfill prints: records of fields written as CSV or JSON,
 * each format with its one escaping, and the tables and lines the text reports are built from.
 * The run summary (summary.c), --compare (compare.c) and slabfill verify (main.c) use it.
 *
 * Free text that reaches a report from outside (a file name, a host name) may hold anything a
 * file system allows: quotes, commas, backslashes, line breaks, tabs, bytes that are not UTF-8.
 * CSV quotes it (RFC 4180), JSON escapes it (RFC 8259), and a table prints it as it is unless
 * that would break the table, when it prints it as a JSON string instead (sf_report_text). */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sf_error.h"
#include "sf_options.h"
#include "sf_values.h"

/* ---- Records: one line of CSV (after its header line) or one JSON object ---------------- */

#define SF_RECORD_MAX 96

typedef enum {
    SF_FIELD_TEXT,   /* a string: a JSON string, a CSV field quoted when it must be */
    SF_FIELD_NUMBER  /* written as it is: a number, true, false or an array; empty is null */
} sf_field_kind;

typedef struct {
    const char *key;   /* the CSV column and JSON member name, a string literal */
    sf_field_kind kind;
    size_t at;         /* where the value starts in the record's text */
} sf_field;

/* Zero-initialise ({0}) before the first field; sf_record_free when done. */
typedef struct {
    sf_field field[SF_RECORD_MAX];
    int n;
    char *text;        /* the values, each NUL-terminated, one after another */
    size_t used, size;
} sf_record;

/* Contract: appends a text field whose value is the printf-formatted fmt. Dies when memory
 * runs out; more than SF_RECORD_MAX fields is our bug (assert). */
void sf_record_text(sf_record *r, const char *key, const char *fmt, ...) SF_PRINTF(3, 4);

/* Contract: appends a field written unquoted: fmt must format a JSON number, true, false or
 * array (numbers only), or nothing (null in JSON, an empty CSV field). */
void sf_record_number(sf_record *r, const char *key, const char *fmt, ...) SF_PRINTF(3, 4);

/* Contract: appends a number field without a value: null in JSON, empty in CSV. Records that
 * share a CSV file keep the same columns this way. */
void sf_record_null(sf_record *r, const char *key);

/* Contract: field i's value (0 <= i < r->n). */
const char *sf_record_value(const sf_record *r, int i);

/* Contract: frees r's text and empties it; it can be filled again. */
void sf_record_free(sf_record *r);

/* Contract: writes r in format, CSV or JSON (not TABLE): CSV is the header line (the keys)
 * when header is set, then the values line; JSON is one object on one line, members in field
 * order, header ignored. Every key and text value goes through sf_csv_value or
 * sf_json_string. */
void sf_record_write(FILE *out, const sf_record *r, sf_format format, int header);

/* Contract: s as a JSON string (RFC 8259): quoted, with '"' and '\' escaped, every control
 * character as \u00XX, valid UTF-8 as it is, and each byte that is not part of valid UTF-8 as
 * \ufffd (JSON text must be UTF-8; a file name need not be). */
void sf_json_string(FILE *out, const char *s);

/* Contract: s as one CSV field (RFC 4180): as it is, or quoted with quotes doubled when it
 * holds a comma, quote or line break. Other bytes pass unchanged. */
void sf_csv_value(FILE *out, const char *s);

/* ---- Tables and lines of text ------------------------------------------------------------ */

enum {
    SF_COL_LEFT = 1, /* left-aligned (text); columns are right-aligned (numbers) otherwise */
    SF_COL_CLIP = 2  /* plain free text longer than the width is cut to it (host names) */
};

/* One column: its heading, its width in bytes (cells are padded with spaces to it, never cut
 * but for SF_COL_CLIP), SF_COL_* flags, and extra spaces before it beyond the one between
 * columns. */
typedef struct {
    const char *head;
    int width;
    int flags;
    int gap;
} sf_column;

/* A table being printed, one cell at a time, left to right, row after row. */
typedef struct {
    FILE *out;
    const sf_column *col;
    int ncol;
    int at;  /* the column the next cell goes in */
} sf_table;

/* Contract: starts a table of ncol columns on out and prints its heading line. */
sf_table sf_table_start(FILE *out, const sf_column *col, int ncol);

/* Contract: prints the next cell, the printf-formatted fmt, padded to its column; after the
 * last column of a row, the line break. */
void sf_table_cell(sf_table *t, const char *fmt, ...) SF_PRINTF(2, 3);

/* Contract: as sf_table_cell, for free text s, shown as sf_report_text shows it. */
void sf_table_text(sf_table *t, const char *s);

/* Contract: one "key value" line: key left-aligned in width bytes, a space, the
 * printf-formatted fmt, a line break. */
void sf_report_line(FILE *out, int width, const char *key, const char *fmt, ...)
    SF_PRINTF(4, 5);

/* Contract: prints free text s inside a line of text: as it is, unless it holds a control
 * character (a line break or a tab would break the table or line) or starts with '"'; then
 * as sf_json_string writes it, so that the line stays one line, nothing is hidden, and the
 * text reads back with any JSON parser. */
void sf_report_text(FILE *out, const char *s);

/* Contract: "ZxXxY" into buf; returns buf. */
const char *sf_report_shape(const uint64_t shape[3], char *buf, size_t len);

/* Contract: "ZxXxY dtype distribution, seed S" into buf, as the reports name an array;
 * returns buf. */
const char *sf_report_array(const uint64_t shape[3], const sf_value_spec *spec, char *buf,
                            size_t len);

/* Contract: n bytes as the seed article writes memory: "37.8 MB" below 1 GB, "8.02 GB" from
 * there (GB = 1e9, MB = 1e6 bytes); returns buf. */
const char *sf_report_mem(uint64_t n, char *buf, size_t len);

#endif
