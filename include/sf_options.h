/* sf_options.h - the command line, parsed identically on every rank so that all ranks reach the
 * same verdict on bad input without communicating. Parsers never print: they fill err. */
#ifndef SF_OPTIONS_H
#define SF_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "sf_error.h"
#include "sf_parse.h" /* sf_hint, and the parsers that meta.c and the tests use */
#include "sf_values.h"

#define SF_DEFAULT_SEED UINT64_C(0x736c616266696c6c) /* "slabfill" in ASCII */
#define SF_DEFAULT_BUFFER (UINT64_C(64) << 20)
#define SF_MIN_BUFFER (UINT64_C(1) << 10)
#define SF_MAX_BUFFER (UINT64_C(1) << 30) /* keeps every single I/O call below 2 GiB */
#define SF_MAX_SLAB UINT64_C(1000000)
#define SF_MAX_HINTS 32
#define SF_MAX_THREADS 256
#define SF_MAX_REPEAT 10000

typedef enum { SF_FORMAT_TABLE, SF_FORMAT_CSV, SF_FORMAT_JSON } sf_format;
enum { SF_OVERLAP_AUTO, SF_OVERLAP_ON, SF_OVERLAP_OFF };
enum { SF_CACHE_AUTO, SF_CACHE_DROP, SF_CACHE_KEEP };

typedef struct {
    uint64_t shape[3];   /* Z, X, Y */
    sf_value_spec spec;  /* seed, dtype, dist */
    const char *output;  /* NULL: the backend's default name */
    const char *backend; /* name in the backend table; NULL: the first one built in */
    uint64_t slab;       /* z-slices per rank per collective write */
    uint64_t buffer;     /* cap on one write buffer, bytes */
    int force;
    int independent;     /* independent instead of collective I/O where a backend has both */
    int overlap;         /* SF_OVERLAP_AUTO, _ON or _OFF: a generator thread ahead of the I/O */
    int threads;         /* generating threads per rank; 0: auto (the cores the rank has) */
    int no_sync;         /* leave the final sync to stable storage out of the timed run */
    int page_cache;      /* SF_CACHE_AUTO, _DROP or _KEEP: stream each unit out (src/writeback.c) */
    int resume;          /* continue the partial file of an interrupted run, if there is one */
    int verify;          /* read the file back and compare every value before renaming it */
    double checkpoint;   /* seconds between progress checkpoints; 0: after every unit */
    const char *verify_path; /* "slabfill verify FILE": the file */
    int no_check;        /* verify --no-check: read FILE only (a read measurement) */
    const char *summary_file; /* append one record per run: CSV, or JSON Lines for .jsonl */
    int repeat;          /* --repeat: the write this many times, each a new file; 0 or 1: once */
    int compare, keep;   /* --compare: the seed article's experiment; --keep its files */
    int nhints;          /* SLABFILL_HINTS first, then each --hint, in order */
    sf_hint hints[SF_MAX_HINTS];
    sf_format format;
    int verbosity; /* -1 quiet, 0 normal, 1+ verbose */
    int help, version;
} sf_options;

/* Contract: fills o from argv and from env_hints (the SLABFILL_HINTS value, or NULL). Returns 0
 * on success, or SF_EXIT_USAGE with a one-line reason (what was wrong and what is accepted) in
 * err. argv is not modified. The backend name is not checked here (see sf_backend_find).
 * Callable repeatedly, from one thread at a time (getopt_long's state is global). */
int sf_options_parse(int argc, char **argv, const char *env_hints, sf_options *o, char *err,
                     size_t errlen);

/* Contract: the --help text, generated from the option table and from each row of the backend
 * table (sf_backends): its description, the default, and the rows left out of this build. The
 * same static string on every call. */
const char *sf_options_usage(void);

/* Contract: the long name (without "--") of the i-th option in the table, in --help's order,
 * for i from 0; NULL from the last one on. For tests that hold --help and the README to the
 * table. */
const char *sf_options_name(int i);

#endif
