/* options.c - getopt_long front end; the strict single-value parsers are in parse.c. */
#include "sf_options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sf_error.h"

static int add_hint(sf_options *o, const char *s, size_t len, char *err, size_t errlen)
{
    if (o->nhints == SF_MAX_HINTS) {
        snprintf(err, errlen, "too many MPI-IO hints; accepted: at most %d", SF_MAX_HINTS);
        return -1;
    }
    if (sf_parse_hint(s, len, &o->hints[o->nhints], err, errlen) != 0)
        return -1;
    o->nhints++;
    return 0;
}

const char *sf_options_usage(void)
{
    return "usage: mpirun -n P slabfill [options]\n"
           "Fill a Z x X x Y array with counter-based random values, one slab of z-slices per\n"
           "rank per collective write, into one shared file.\n"
           "\n"
           "  --shape ZxXxY          array shape (default 500x2000x2000)\n"
           "  --dtype float32|float64   value type (default float32)\n"
           "  --dist normal|uniform  distribution (default normal)\n"
           "  --seed N               unsigned 64-bit seed, decimal or 0x hex\n"
           "                         (default 0x736c616266696c6c, \"slabfill\" in ASCII)\n"
           "  --backend NAME         hdf5 (default), pnetcdf, mpiio, zarr, memory or null\n"
           "  -o, --output PATH      output file (default slab + the backend's extension)\n"
           "  --slab K               z-slices per rank per collective write (default 1)\n"
           "  --buffer SIZE          cap on one write buffer, 1k..1g (default 64m)\n"
           "  --force                allow replacing an existing output file\n"
           "  --independent          independent instead of collective I/O\n"
           "  --overlap auto|on|off  generator thread ahead of the I/O; auto: only when every\n"
           "                         rank on the node has a spare core (default auto)\n"
           "  --no-sync              do not sync the data to stable storage before the clock stops\n"
           "  --page-cache auto|drop|keep   drop: write each unit out at once and drop it from\n"
           "                         the page cache once on disk; keep: leave it to the kernel;\n"
           "                         auto: drop unless --no-sync (default auto)\n"
           "  --resume               continue the partial file of an interrupted run\n"
           "  --checkpoint SECONDS   record progress at most this often (default 30; 0: every\n"
           "                         slab)\n"
           "  --verify               read the file back and check every value before renaming it\n"
           "  --summary-file PATH    append this run's record to PATH (CSV; JSON Lines if .jsonl)\n"
           "  --hint KEY=VALUE       MPI-IO hint, repeatable; also SLABFILL_HINTS=\"k=v;k=v\"\n"
           "  --compare              run the comparison from the article that started slabfill\n"
           "                         (Gavin Wiggins, 2022; see README), one row per approach\n"
           "  --keep                 with --compare, keep the files it writes\n"
           "  --format table|csv|json   summary format (default table)\n"
           "  -q, --quiet            print nothing on success\n"
           "  -v, --verbose          per-rank rows for every rank, and more detail\n"
           "  -h, --help             this text\n"
           "  -V, --version          print the version\n"
           "\n"
           "\n"
           "  slabfill verify [--buffer SIZE] [--format table|csv|json] [-q] FILE\n"
           "                         check every value of any backend's FILE against the generator\n"
           "\n"
           "Exit status: 0 success, 1 I/O or environment failure or a verify mismatch, 2 bad\n"
           "input, 3 stopped by SIGTERM/SIGUSR1/SIGINT with progress saved (use --resume).\n";
}

enum { OPT_SHAPE = 256, OPT_DTYPE, OPT_DIST, OPT_SEED, OPT_SLAB, OPT_BUFFER, OPT_FORCE,
       OPT_FORMAT, OPT_BACKEND, OPT_INDEPENDENT, OPT_HINT, OPT_COMPARE, OPT_KEEP,
       OPT_OVERLAP, OPT_NO_SYNC, OPT_PAGE_CACHE, OPT_RESUME, OPT_CHECKPOINT, OPT_VERIFY, OPT_SUMMARY_FILE };

static const struct option long_options[] = {
    {"shape", required_argument, NULL, OPT_SHAPE},
    {"dtype", required_argument, NULL, OPT_DTYPE},
    {"dist", required_argument, NULL, OPT_DIST},
    {"seed", required_argument, NULL, OPT_SEED},
    {"output", required_argument, NULL, 'o'},
    {"slab", required_argument, NULL, OPT_SLAB},
    {"buffer", required_argument, NULL, OPT_BUFFER},
    {"force", no_argument, NULL, OPT_FORCE},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"independent", no_argument, NULL, OPT_INDEPENDENT},
    {"overlap", required_argument, NULL, OPT_OVERLAP},
    {"no-sync", no_argument, NULL, OPT_NO_SYNC},
    {"page-cache", required_argument, NULL, OPT_PAGE_CACHE},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"summary-file", required_argument, NULL, OPT_SUMMARY_FILE},
    {"hint", required_argument, NULL, OPT_HINT},
    {"compare", no_argument, NULL, OPT_COMPARE},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int usage_error(char *err, size_t errlen, const char *fmt, const char *arg)
{
    snprintf(err, errlen, fmt, arg);
    return SF_EXIT_USAGE;
}

static int parse(int argc, char **argv, const char *env_hints, sf_options *o, char *err,
                 size_t errlen);

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

static int parse(int argc, char **argv, const char *env_hints, sf_options *o, char *err,
                 size_t errlen)
{
    *o = (sf_options){
        .shape = {500, 2000, 2000},
        .spec = {.seed = SF_DEFAULT_SEED, .dtype = SF_FLOAT32, .dist = SF_NORMAL},
        .backend = NULL, /* the first built-in backend */
        .slab = 1,
        .buffer = SF_DEFAULT_BUFFER,
        .format = SF_FORMAT_TABLE,
        .checkpoint = 30,
    };
    const char *shape_arg = NULL;
    int quiet = 0, backend_given = 0, type_given = 0, verify_cmd = 0, shape_given = 0;
    /* "slabfill verify FILE": a subcommand, recognised only as the first word. */
    if (argc > 1 && strcmp(argv[1], "verify") == 0) {
        verify_cmd = 1;
        argv++;
        argc--;
    }

    /* SLABFILL_HINTS="k=v;k=v" comes first so that --hint can override it. */
    for (const char *p = env_hints; p && *p;) {
        size_t n = strcspn(p, ";");
        if (n > 0 && add_hint(o, p, n, err, errlen) != 0) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used, " (in SLABFILL_HINTS)");
            return SF_EXIT_USAGE;
        }
        p += n + (p[n] == ';');
    }

    /* getopt permutes argv on glibc; work on a copy so callers (and tests) keep theirs. */
    char *args[argc + 1];
    memcpy(args, argv, sizeof(char *) * (size_t)argc);
    args[argc] = NULL;
#if defined(__GLIBC__)
    optind = 0; /* full re-initialisation on glibc */
#else
    optind = 1;
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
    optreset = 1;
#endif
#endif
    opterr = 0;

    int c;
    while ((c = getopt_long(argc, args, "+:o:qvhV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_SHAPE: shape_arg = optarg; shape_given = 1; break;
        case OPT_DTYPE: {
            static const char *const words[] = {"float32", "float64", NULL}; /* sf_dtype */
            int v;
            if (sf_parse_keyword("--dtype", optarg, words, &v, err, errlen))
                return SF_EXIT_USAGE;
            o->spec.dtype = (sf_dtype)v;
            type_given = 1;
            break;
        }
        case OPT_DIST: {
            static const char *const words[] = {"normal", "uniform", NULL}; /* sf_dist */
            int v;
            if (sf_parse_keyword("--dist", optarg, words, &v, err, errlen))
                return SF_EXIT_USAGE;
            o->spec.dist = (sf_dist)v;
            type_given = 1;
            break;
        }
        case OPT_SEED:
            if (sf_parse_u64(optarg, &o->spec.seed, err, errlen) != 0)
                return SF_EXIT_USAGE;
            break;
        case 'o':
            if (optarg[0] == '\0')
                return usage_error(err, errlen, "empty --output%s; accepted: a file path", "");
            o->output = optarg;
            break;
        case OPT_SLAB: {
            char tmp[SF_ERRLEN];
            if (sf_parse_u64(optarg, &o->slab, tmp, sizeof tmp) != 0 || o->slab == 0 ||
                o->slab > SF_MAX_SLAB || (optarg[0] == '0' && optarg[1] != '\0'))
                return usage_error(err, errlen,
                                   "bad --slab '%s'; accepted: a decimal integer from 1 to "
                                   "1000000", optarg);
            break;
        }
        case OPT_BUFFER:
            if (sf_parse_size(optarg, &o->buffer, err, errlen) != 0)
                return SF_EXIT_USAGE;
            if (o->buffer < SF_MIN_BUFFER || o->buffer > SF_MAX_BUFFER)
                return usage_error(err, errlen,
                                   "--buffer '%s' is out of range; accepted: 1k to 1g", optarg);
            break;
        case OPT_FORCE: o->force = 1; break;
        case OPT_BACKEND: o->backend = optarg; backend_given = 1; break;
        case OPT_INDEPENDENT: o->independent = 1; break;
        case OPT_OVERLAP: {
            static const char *const words[] = {"auto", "on", "off", NULL}; /* SF_OVERLAP_* */
            if (sf_parse_keyword("--overlap", optarg, words, &o->overlap, err, errlen))
                return SF_EXIT_USAGE;
            break;
        }
        case OPT_NO_SYNC: o->no_sync = 1; break;
        case OPT_PAGE_CACHE: {
            static const char *const words[] = {"auto", "drop", "keep", NULL}; /* SF_CACHE_* */
            if (sf_parse_keyword("--page-cache", optarg, words, &o->page_cache, err, errlen))
                return SF_EXIT_USAGE;
            break;
        }
        case OPT_RESUME: o->resume = 1; break;
        case OPT_VERIFY: o->verify = 1; break;
        case OPT_SUMMARY_FILE:
            if (optarg[0] == '\0')
                return usage_error(err, errlen, "empty --summary-file%s; accepted: a file path",
                                   "");
            o->summary_file = optarg;
            break;
        case OPT_CHECKPOINT: {
            uint64_t sec;
            char tmp[SF_ERRLEN];
            if (sf_parse_u64(optarg, &sec, tmp, sizeof tmp) != 0 || sec > 86400 ||
                (optarg[0] == '0' && optarg[1] != '\0'))
                return usage_error(err, errlen, "bad --checkpoint '%s'; accepted: whole seconds "
                                   "from 0 (after every slab) to 86400", optarg);
            o->checkpoint = (double)sec;
            break;
        }
        case OPT_HINT:
            if (add_hint(o, optarg, strlen(optarg), err, errlen) != 0)
                return SF_EXIT_USAGE;
            break;
        case OPT_COMPARE: o->compare = 1; break;
        case OPT_KEEP: o->keep = 1; break;
        case OPT_FORMAT: {
            static const char *const words[] = {"table", "csv", "json", NULL}; /* sf_format */
            int v;
            if (sf_parse_keyword("--format", optarg, words, &v, err, errlen))
                return SF_EXIT_USAGE;
            o->format = (sf_format)v;
            break;
        }
        case 'q': quiet = 1; break;
        case 'v': o->verbosity++; break;
        case 'h': o->help = 1; break;
        case 'V': o->version = 1; break;
        case ':':
            return usage_error(err, errlen, "option '%s' needs a value; see --help",
                               args[optind - 1]);
        default: /* '?' */
            if (optopt && optopt < 256) {
                char opt[3] = {'-', (char)optopt, '\0'};
                return usage_error(err, errlen, "unknown option '%s'; see --help", opt);
            }
            return usage_error(err, errlen, "unknown option '%s'; see --help",
                               args[optind - 1]);
        }
    }
    if (quiet && o->verbosity > 0)
        return usage_error(err, errlen, "%s-q and -v conflict; give at most one of them", "");
    if (quiet)
        o->verbosity = -1;
    if (verify_cmd) {
        if (optind == argc)
            return usage_error(err, errlen, "%sverify needs a FILE: slabfill verify FILE", "");
        if (optind + 1 < argc)
            return usage_error(err, errlen, "unexpected argument '%s'; verify checks one FILE",
                               args[optind + 1]);
        if (args[optind][0] == '\0')
            return usage_error(err, errlen, "%sempty FILE for verify", "");
        if (shape_given || type_given || backend_given || o->output || o->compare ||
            o->resume || o->verify || o->force || o->nhints)
            return usage_error(err, errlen, "%sverify takes the seed, shape, dtype, "
                               "distribution and backend from FILE; accepted options: --buffer, "
                               "--format, -q, -v", "");
        o->verify_path = args[optind];
        return 0;
    }
    if (optind < argc)
        return usage_error(err, errlen,
                           "unexpected argument '%s'; slabfill takes options only, see --help",
                           args[optind]);
    if (o->compare && (backend_given || o->output))
        return usage_error(err, errlen, "%s--compare runs every backend into slab.* files; it "
                           "conflicts with --backend and -o", "");
    if (o->compare && type_given)
        return usage_error(err, errlen, "%s--compare uses the article's types (float64 uniform, "
                           "then float32 normal); it conflicts with --dtype and --dist", "");
    if (o->compare && (o->resume || o->verify))
        return usage_error(err, errlen, "%s--compare conflicts with --resume and --verify", "");
    if (o->keep && !o->compare)
        return usage_error(err, errlen, "%s--keep only applies to --compare", "");
    if (shape_arg &&
        sf_parse_shape(shape_arg, sf_dtype_size(o->spec.dtype), o->shape, err, errlen) != 0)
        return SF_EXIT_USAGE;
    return 0;
}
