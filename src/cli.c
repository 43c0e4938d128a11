/* cli.c - the command line. ONE table lists the options; getopt_long's lists and --help are
 * built from it, and one function (check_rules) holds every rule that involves more than one
 * option. Adding an option is one row in the table, a parser below if none fits, its field in
 * sf_options, and its row in README.md's options table (tests/cli_doc_test.sh compares the
 * two). The strict single-value parsers are in parse.c. */
#include "sf_options.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"

#define MAX_OPTIONS 64

/* What one parse fills: the options, and what check_rules needs besides them. */
typedef struct {
    sf_options o;
    const char *shape; /* parsed by check_rules, once --dtype has given the element size */
    int quiet;         /* -q; check_rules turns it into verbosity -1 */
    unsigned char seen[MAX_OPTIONS]; /* by table row: given on the command line */
} cli_state;

typedef struct cli_option cli_option;

/* What a parser gets: one option as given. */
typedef struct {
    const cli_option *opt;
    const char *arg; /* NULL for options without one */
    void *dest;      /* the row's destination in the cli_state being filled */
    char *err;
    size_t errlen;
} cli_value;

/* A parser reads v->arg into v->dest. Returns 0, or -1 with a one-line reason in v->err. */
typedef int cli_parser(const cli_value *v);

struct cli_option {
    const char *name;         /* the long option, without "--" */
    char letter;              /* the short option, or 0 */
    const char *arg;          /* the argument's name in --help; NULL: no argument, or words */
    cli_parser *parse;
    size_t dest;              /* offsetof(cli_state, ...): where parse puts the value */
    const char *const *words; /* a keyword option's words, in the order of its enum */
    const char *help;         /* one line of --help, wrapped when printed */
};

static int refuse(char *err, size_t errlen, const char *fmt, ...) SF_PRINTF(3, 4);

static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misses the va_start above (as in error.c); the list is initialised. */
    vsnprintf(err, errlen, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    return -1;
}

/* The parsers, from the simplest. */

static int set_flag(const cli_value *v)
{
    *(int *)v->dest = 1;
    return 0;
}

static int count(const cli_value *v)
{
    ++*(int *)v->dest;
    return 0;
}

/* Any text, even empty: --backend '' is refused where every backend name is known (main.c),
 * and --shape waits for check_rules. */
static int text(const cli_value *v)
{
    *(const char **)v->dest = v->arg;
    return 0;
}

static int path(const cli_value *v)
{
    if (v->arg[0] == '\0')
        return refuse(v->err, v->errlen, "empty --%s; accepted: a file path", v->opt->name);
    *(const char **)v->dest = v->arg;
    return 0;
}

static int keyword(const cli_value *v, int *index)
{
    char option[64];
    snprintf(option, sizeof option, "--%s", v->opt->name);
    return sf_parse_keyword(option, v->arg, v->opt->words, index, v->err, v->errlen);
}

static int keyword_int(const cli_value *v)
{
    return keyword(v, v->dest);
}

/* An enum destination is stored with its own type: C leaves an enum's size to the compiler. */
#define KEYWORD_ENUM(type)                                                                    \
    static int keyword_##type(const cli_value *v)                                             \
    {                                                                                         \
        int index;                                                                            \
        if (keyword(v, &index) != 0)                                                          \
            return -1;                                                                        \
        *(type *)v->dest = (type)index;                                                       \
        return 0;                                                                             \
    }
KEYWORD_ENUM(sf_dtype)
KEYWORD_ENUM(sf_dist)
KEYWORD_ENUM(sf_format)

static int u64(const cli_value *v)
{
    return sf_parse_u64(v->arg, v->dest, v->err, v->errlen);
}

/* A count from lo to hi in plain decimal: no 0x hex and no leading zero, since a count is never
 * written that way and "010" might be meant as octal. */
static int whole_number(const char *arg, uint64_t lo, uint64_t hi, uint64_t *n)
{
    char unused[SF_ERRLEN]; /* the caller's reason names the option and its range */
    if (sf_parse_u64(arg, n, unused, sizeof unused) != 0 || *n < lo || *n > hi ||
        (arg[0] == '0' && arg[1] != '\0'))
        return -1;
    return 0;
}

static int slab(const cli_value *v)
{
    if (whole_number(v->arg, 1, SF_MAX_SLAB, v->dest) != 0)
        return refuse(v->err, v->errlen, "bad --slab '%s'; accepted: a decimal integer from 1 "
                      "to 1000000", v->arg);
    return 0;
}

static int checkpoint(const cli_value *v)
{
    uint64_t sec;
    if (whole_number(v->arg, 0, 86400, &sec) != 0)
        return refuse(v->err, v->errlen, "bad --checkpoint '%s'; accepted: whole seconds from "
                      "0 (after every write unit) to 86400", v->arg);
    *(double *)v->dest = (double)sec;
    return 0;
}

static int threads(const cli_value *v)
{
    uint64_t n;
    if (sf_parse_u64(v->arg, &n, v->err, v->errlen) != 0 || n < 1 || n > SF_MAX_THREADS)
        return refuse(v->err, v->errlen, "bad --threads '%s'; accepted: 1 to %d", v->arg,
                      SF_MAX_THREADS);
    *(int *)v->dest = (int)n;
    return 0;
}

static int repeat(const cli_value *v)
{
    uint64_t n;
    if (whole_number(v->arg, 1, SF_MAX_REPEAT, &n) != 0)
        return refuse(v->err, v->errlen, "bad --repeat '%s'; accepted: a decimal integer from 1 "
                      "to %d", v->arg, SF_MAX_REPEAT);
    *(int *)v->dest = (int)n;
    return 0;
}

static int buffer(const cli_value *v)
{
    uint64_t *bytes = v->dest;
    if (sf_parse_size(v->arg, bytes, v->err, v->errlen) != 0)
        return -1;
    if (*bytes < SF_MIN_BUFFER || *bytes > SF_MAX_BUFFER)
        return refuse(v->err, v->errlen, "--buffer '%s' is out of range; accepted: 1k to 1g",
                      v->arg);
    return 0;
}

/* The len bytes at s as one more hint; SLABFILL_HINTS comes here too. */
static int add_hint(sf_options *o, const char *s, size_t len, char *err, size_t errlen)
{
    if (o->nhints == SF_MAX_HINTS)
        return refuse(err, errlen, "too many MPI-IO hints; accepted: at most %d", SF_MAX_HINTS);
    if (sf_parse_hint(s, len, &o->hints[o->nhints], err, errlen) != 0)
        return -1;
    o->nhints++;
    return 0;
}

static int hint(const cli_value *v)
{
    return add_hint(v->dest, v->arg, strlen(v->arg), v->err, v->errlen);
}

#define OPT(field) offsetof(cli_state, o.field)
#define OWN(field) offsetof(cli_state, field)
#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The options, in --help's order. */
static const cli_option table[] = {
    {"shape", 0, "ZxXxY", text, OWN(shape), NULL, "array shape (default 500x2000x2000)"},
    {"dtype", 0, NULL, keyword_sf_dtype, OPT(spec.dtype), WORDS("float32", "float64"),
     "value type (default float32)"},
    {"dist", 0, NULL, keyword_sf_dist, OPT(spec.dist), WORDS("normal", "uniform"),
     "distribution (default normal)"},
    {"seed", 0, "N", u64, OPT(spec.seed), NULL, "unsigned 64-bit seed, decimal or 0x hex "
     "(default 0x736c616266696c6c, \"slabfill\" in ASCII)"},
    {"backend", 0, "NAME", text, OPT(backend), NULL,
     "where the values go: one of the backends listed below"},
    {"output", 'o', "PATH", path, OPT(output), NULL,
     "output file (default slab + the backend's extension)"},
    {"slab", 0, "K", slab, OPT(slab), NULL,
     "z-slices per rank per collective write (default 1)"},
    {"buffer", 0, "SIZE", buffer, OPT(buffer), NULL,
     "cap on one write buffer, 1k..1g (default 64m)"},
    {"force", 0, NULL, set_flag, OPT(force), NULL, "allow replacing an existing output file"},
    {"independent", 0, NULL, set_flag, OPT(independent), NULL,
     "independent instead of collective I/O"},
    {"overlap", 0, NULL, keyword_int, OPT(overlap), WORDS("auto", "on", "off"),
     "generator thread ahead of the I/O; auto: only when every rank on the node has a spare "
     "core (default auto)"},
    {"threads", 0, "N", threads, OPT(threads), NULL,
     "generating threads per rank, 1..256 (default: the cores the rank may use; the I/O "
     "thread is one of them and generates only while it has nothing to write)"},
    {"no-sync", 0, NULL, set_flag, OPT(no_sync), NULL,
     "do not sync the data to stable storage before the clock stops"},
    {"page-cache", 0, NULL, keyword_int, OPT(page_cache), WORDS("auto", "drop", "keep"),
     "drop: write each unit out at once and drop it from the page cache once on disk; keep: "
     "leave it to the kernel; auto: drop unless --no-sync (default auto)"},
    {"resume", 0, NULL, set_flag, OPT(resume), NULL,
     "continue the partial file of an interrupted run"},
    {"checkpoint", 0, "SECONDS", checkpoint, OPT(checkpoint), NULL,
     "record progress at most this often (default 30; 0: every write unit)"},
    {"verify", 0, NULL, set_flag, OPT(verify), NULL,
     "read the file back and check every value before renaming it"},
    {"no-check", 0, NULL, set_flag, OPT(no_check), NULL,
     "with verify: read FILE back without checking it, to measure the read alone"},
    {"summary-file", 0, "PATH", path, OPT(summary_file), NULL,
     "append this run's record to PATH (CSV; JSON Lines if .jsonl)"},
    {"repeat", 0, "N", repeat, OPT(repeat), NULL, "write N times, 1..10000, as IOR's -i: the "
     "file anew each time (verified each time with --verify), one record per write, and the "
     "min, median, max and sd of time and bandwidth (default 1)"},
    {"hint", 0, "KEY=VALUE", hint, OWN(o), NULL,
     "MPI-IO hint, repeatable; also SLABFILL_HINTS=\"k=v;k=v\""},
    {"compare", 0, NULL, set_flag, OPT(compare), NULL, "run the comparison from the article "
     "that started slabfill (Gavin Wiggins, 2022; see README), one row per approach"},
    {"keep", 0, NULL, set_flag, OPT(keep), NULL, "with --compare, keep the files it writes"},
    {"format", 0, NULL, keyword_sf_format, OPT(format), WORDS("table", "csv", "json"),
     "summary format (default table)"},
    {"quiet", 'q', NULL, set_flag, OWN(quiet), NULL, "print nothing on success"},
    {"verbose", 'v', NULL, count, OPT(verbosity), NULL,
     "per-rank rows for every rank, and more detail"},
    {"help", 'h', NULL, set_flag, OPT(help), NULL, "this text"},
    {"version", 'V', NULL, set_flag, OPT(version), NULL, "print the version"},
};
enum { NOPTIONS = sizeof table / sizeof *table };
_Static_assert(NOPTIONS <= MAX_OPTIONS, "cli_state.seen needs one entry per option");
/* getopt_long returns a short option's letter, and 256 + row for a long-only option. */
_Static_assert(NOPTIONS <= 256, "long-only options are numbered from 256");

static int takes_arg(const cli_option *opt)
{
    return opt->arg || opt->words;
}

static void getopt_lists(struct option longs[NOPTIONS + 1], char shorts[2 * NOPTIONS + 3])
{
    size_t n = 0;
    /* '+': stop at the first word that is not an option (verify's FILE, a stray word);
     * ':': report a missing value as ':' rather than as an unknown option. */
    shorts[n++] = '+';
    shorts[n++] = ':';
    for (int i = 0; i < NOPTIONS; i++) {
        const cli_option *opt = &table[i];
        longs[i] = (struct option){opt->name, takes_arg(opt) ? required_argument : no_argument,
                                   NULL, opt->letter ? opt->letter : 256 + i};
        if (opt->letter) {
            shorts[n++] = opt->letter;
            if (takes_arg(opt))
                shorts[n++] = ':';
        }
    }
    longs[NOPTIONS] = (struct option){NULL, 0, NULL, 0};
    shorts[n] = '\0';
}

/* The row getopt_long's return value c stands for, or NULL. */
static const cli_option *row_for(int c)
{
    if (c >= 256)
        return &table[c - 256];
    for (int i = 0; i < NOPTIONS; i++)
        if (table[i].letter && table[i].letter == c)
            return &table[i];
    return NULL;
}

static void reset_getopt(void)
{
#if defined(__GLIBC__)
    optind = 0; /* full re-initialisation on glibc */
#else
    optind = 1;
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
    optreset = 1;
#endif
#endif
    opterr = 0; /* reasons go to err, and from rank 0 only */
}

/* Runs getopt_long over args with each row's parser. Returns 0 with *operand set to the first
 * word that is not an option (argc when none), or -1 with the reason in err. */
static int read_options(int argc, char **args, cli_state *st, int *operand, char *err,
                        size_t errlen)
{
    struct option longs[NOPTIONS + 1];
    char shorts[2 * NOPTIONS + 3];
    getopt_lists(longs, shorts);
    reset_getopt();
    int c;
    while ((c = getopt_long(argc, args, shorts, longs, NULL)) != -1) {
        if (c == ':')
            return refuse(err, errlen, "option '%s' needs a value; see --help",
                          args[optind - 1]);
        const cli_option *opt = row_for(c);
        if (!opt) { /* '?': a short option is reported alone, not with what follows it */
            char letter[3] = {'-', (char)optopt, '\0'};
            return refuse(err, errlen, "unknown option '%s'; see --help",
                          optopt && optopt < 256 ? letter : args[optind - 1]);
        }
        st->seen[opt - table] = 1;
        const cli_value v = {opt, optarg, (char *)st + opt->dest, err, errlen};
        if (opt->parse(&v) != 0)
            return -1;
    }
    *operand = optind;
    return 0;
}

static int seen(const cli_state *st, const char *name)
{
    for (int i = 0; i < NOPTIONS; i++)
        if (strcmp(table[i].name, name) == 0)
            return st->seen[i];
    assert(!"seen() asked about an option that is not in the table");
    return 0;
}

/* The extension of the file that backend i's rows of --compare write, or NULL for none. */
static const char *compare_extension(int i)
{
    return sf_backends[i]->narticle > 0 ? sf_backends[i]->extension : NULL;
}

/* "slabfill-compare.h5, .nc, .npy and .zarr": the files compare.c writes. */
static void compare_files(char *buf, size_t len)
{
    int nfiles = 0, done = 0;
    for (int i = 0; sf_backends[i]; i++)
        nfiles += compare_extension(i) != NULL;
    size_t used = (size_t)snprintf(buf, len, "slabfill-compare");
    for (int i = 0; sf_backends[i] && used < len; i++) {
        const char *ext = compare_extension(i);
        if (!ext)
            continue;
        const char *sep = done == 0 ? "" : done == nfiles - 1 ? " and " : ", ";
        used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, ext);
        done++;
    }
}

/* verify reads a file, which says what it holds: of the options, only these apply to it. */
static int verify_takes_only_its_own(const cli_state *st)
{
    static const char *const own[] = {"buffer", "no-check", "format", "quiet", "verbose"};
    for (int i = 0; i < NOPTIONS; i++) {
        int ok = !st->seen[i];
        for (size_t k = 0; !ok && k < sizeof own / sizeof *own; k++)
            ok = strcmp(table[i].name, own[k]) == 0;
        if (!ok)
            return 0;
    }
    return 1;
}

/* Every rule that involves more than one option, or the words after the options. */
static int check_rules(cli_state *st, int verify_cmd, int argc, char **args, int operand,
                       char *err, size_t errlen)
{
    sf_options *o = &st->o;
    if (st->quiet && o->verbosity > 0)
        return refuse(err, errlen, "-q and -v conflict; give at most one of them");
    if (st->quiet)
        o->verbosity = -1;
    const int type_given = seen(st, "dtype") || seen(st, "dist");
    if (verify_cmd) {
        if (operand == argc)
            return refuse(err, errlen, "verify needs a FILE: slabfill verify FILE");
        if (operand + 1 < argc)
            return refuse(err, errlen, "unexpected argument '%s'; verify checks one FILE",
                          args[operand + 1]);
        if (args[operand][0] == '\0')
            return refuse(err, errlen, "empty FILE for verify");
        if (!verify_takes_only_its_own(st) || o->nhints)
            return refuse(err, errlen, "verify takes the seed, shape, dtype, distribution and "
                          "backend from FILE; accepted options: --buffer, --no-check, --format, "
                          "-q, -v");
        o->verify_path = args[operand];
        return 0;
    }
    if (operand < argc)
        return refuse(err, errlen, "unexpected argument '%s'; slabfill takes options only, "
                      "see --help", args[operand]);
    if (o->no_check)
        return refuse(err, errlen, "--no-check applies to slabfill verify FILE only");
    if (o->compare && (seen(st, "backend") || o->output)) {
        char files[128];
        compare_files(files, sizeof files);
        return refuse(err, errlen, "--compare runs every backend, writing %s in the current "
                      "directory; it conflicts with --backend and -o", files);
    }
    if (o->compare && type_given)
        return refuse(err, errlen, "--compare uses the article's types (float64 uniform, then "
                      "float32 normal); it conflicts with --dtype and --dist");
    if (o->compare && (o->resume || o->verify))
        return refuse(err, errlen, "--compare conflicts with --resume and --verify");
    if (o->repeat > 1 && (o->compare || o->resume))
        return refuse(err, errlen, "--repeat writes one backend's file anew each time; it "
                      "conflicts with %s", o->compare ? "--compare" : "--resume");
    if (o->keep && !o->compare)
        return refuse(err, errlen, "--keep only applies to --compare");
    /* Last, so that the element size is the one --dtype chose wherever it stood. */
    if (st->shape &&
        sf_parse_shape(st->shape, sf_dtype_size(o->spec.dtype), o->shape, err, errlen) != 0)
        return -1;
    return 0;
}

/* SLABFILL_HINTS="k=v;k=v", read before the command line so that --hint can override it. */
static int env_hints(const char *env, sf_options *o, char *err, size_t errlen)
{
    for (const char *p = env; p && *p;) {
        size_t n = strcspn(p, ";");
        if (n > 0 && add_hint(o, p, n, err, errlen) != 0) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, " (in SLABFILL_HINTS)");
            return -1;
        }
        p += n + (p[n] == ';');
    }
    return 0;
}

static int parse(int argc, char **argv, const char *env, sf_options *o, char *err,
                 size_t errlen)
{
    cli_state st = {
        .o = {
            .shape = {500, 2000, 2000},
            .spec = {.seed = SF_DEFAULT_SEED, .dtype = SF_FLOAT32, .dist = SF_NORMAL},
            .backend = NULL, /* sf_backend_default() */
            .slab = 1,
            .buffer = SF_DEFAULT_BUFFER,
            .format = SF_FORMAT_TABLE,
            .checkpoint = 30,
            .repeat = 1,
        },
    };
    /* "slabfill verify FILE": a subcommand, recognised only as the first word. */
    const int verify_cmd = argc > 1 && strcmp(argv[1], "verify") == 0;
    argv += verify_cmd;
    argc -= verify_cmd;
    /* getopt permutes argv on glibc; work on a copy so callers (and tests) keep theirs. */
    char *args[argc + 1];
    memcpy(args, argv, sizeof(char *) * (size_t)argc);
    args[argc] = NULL;
    int operand = 0;
    int bad = env_hints(env, &st.o, err, errlen) != 0 ||
              read_options(argc, args, &st, &operand, err, errlen) != 0 ||
              check_rules(&st, verify_cmd, argc, args, operand, err, errlen) != 0;
    *o = st.o;
    return bad ? SF_EXIT_USAGE : 0;
}

int sf_options_parse(int argc, char **argv, const char *env_hints, sf_options *o, char *err,
                     size_t errlen)
{
    int rc = parse(argc, argv, env_hints, o, err, errlen);
    /* The reason quotes what the user typed: keep it one printable line. */
    for (char *c = err; rc && *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return rc;
}

const char *sf_options_name(int i)
{
    return i >= 0 && i < NOPTIONS ? table[i].name : NULL;
}

/* --help, generated. */

#define HELP_COLUMN 25 /* where the explanations start */
#define HELP_WIDTH 79

typedef struct {
    char *buf;
    size_t size, used;
} text_buf;

static void put(text_buf *t, const char *fmt, ...) SF_PRINTF(2, 3);

static void put(text_buf *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misses the va_start above (as in error.c); the list is initialised. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
    va_end(ap);
    assert(n >= 0 && (size_t)n < t->size - t->used); /* the usage buffer is too small */
    t->used += (size_t)n;
}

/* "  NAME" and then s, its words wrapped at HELP_WIDTH: from HELP_COLUMN (or three spaces after
 * a NAME too long for it), and on the lines after it from HELP_COLUMN. */
static void put_row(text_buf *t, const char *name, const char *s)
{
    size_t col = 2 + strlen(name);
    put(t, "  %s", name);
    size_t pad = col + 2 <= HELP_COLUMN ? HELP_COLUMN - col : 3;
    put(t, "%*s", (int)pad, "");
    col += pad;
    for (int first = 1; *s; first = 0) {
        size_t n = strcspn(s, " ");
        if (!first && col + 1 + n > HELP_WIDTH) {
            put(t, "\n%*s", HELP_COLUMN, "");
            col = HELP_COLUMN;
        } else if (!first) {
            put(t, " ");
            col++;
        }
        put(t, "%.*s", (int)n, s);
        col += n;
        s += n + strspn(s + n, " ");
    }
    put(t, "\n");
}

/* "-o, --output PATH", "--dtype float32|float64": how --help and README.md name an option. */
static void synopsis(const cli_option *opt, char *buf, size_t len)
{
    size_t used = 0;
    if (opt->letter)
        used += (size_t)snprintf(buf, len, "-%c, ", opt->letter);
    used += (size_t)snprintf(buf + used, len - used, "--%s", opt->name);
    if (opt->arg)
        snprintf(buf + used, len - used, " %s", opt->arg);
    for (int i = 0; opt->words && opt->words[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%c%s", i ? '|' : ' ', opt->words[i]);
}

static void build_usage(text_buf *t)
{
    put(t, "usage: mpirun -n P slabfill [options]\n"
           "Fill a Z x X x Y array with counter-based random values, one slab of z-slices\n"
           "per rank per collective write, into one shared file.\n\n");
    for (int i = 0; i < NOPTIONS; i++) {
        char name[128];
        synopsis(&table[i], name, sizeof name);
        put_row(t, name, table[i].help);
    }
    put(t, "\nBackends (--backend NAME; default %s):\n", sf_backend_default()->name);
    for (int i = 0; sf_backends[i]; i++) {
        const sf_backend *be = sf_backends[i];
        char line[512];
        int n = snprintf(line, sizeof line, "%s", be->description);
        if (be->missing && n >= 0 && (size_t)n < sizeof line)
            snprintf(line + n, sizeof line - (size_t)n, " (not in this build: make %s)",
                     be->missing);
        put_row(t, be->name, line);
    }
    put(t, "\n  slabfill verify [--buffer SIZE] [--no-check] [--format table|csv|json]\n"
           "                  [-q|-v] FILE\n");
    put_row(t, "", "drop FILE from the page cache, read it back and check every slice against "
            "its stored digest (and slabfill's own values against the generator); report the "
            "read bandwidth");
    put(t, "\nExit status: 0 success, 1 I/O or environment failure or a verify mismatch,\n"
           "2 bad input, 3 stopped by SIGTERM/SIGUSR1/SIGINT with progress saved\n"
           "(use --resume).\n");
}

const char *sf_options_usage(void)
{
    static char usage[16384];
    if (!usage[0]) {
        text_buf t = {usage, sizeof usage, 0};
        build_usage(&t);
    }
    return usage;
}
