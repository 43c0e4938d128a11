/* options_test.c - every kind of bad input is refused with SF_EXIT_USAGE and a one-line reason
 * naming what is accepted; good input parses to the documented values; --help shows every option
 * of the table and every built-in backend. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_options.h"
#include "sf_test.h"

static const char *env; /* stands in for SLABFILL_HINTS */

static int parse(const char *const *args, sf_options *o, char *err)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "slabfill";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    err[0] = '\0';
    return sf_options_parse(argc, argv, env, o, err, SF_ERRLEN);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void good(void)
{
    sf_options o;
    char err[SF_ERRLEN];
    int rc = parse((const char *const[]){NULL}, &o, err);
    sf_test(rc == 0 && o.shape[0] == 500 && o.shape[1] == 2000 && o.shape[2] == 2000 &&
                o.spec.dtype == SF_FLOAT32 && o.spec.dist == SF_NORMAL &&
                o.spec.seed == SF_DEFAULT_SEED && o.slab == 1 && o.buffer == (64u << 20) &&
                !o.force && o.output == NULL && o.format == SF_FORMAT_TABLE,
            "defaults", "rc %d", rc);
    rc = parse(ARGS("--shape", "13x37x41", "--dtype", "float64", "--dist", "uniform", "--seed",
                    "0xFFFFFFFFFFFFFFFF", "-o", "x.h5", "--slab", "5", "--buffer", "2k", "--force",
                    "--format", "json", "-v"), &o, err);
    sf_test(rc == 0 && o.shape[0] == 13 && o.shape[1] == 37 && o.shape[2] == 41 &&
                o.spec.dtype == SF_FLOAT64 && o.spec.dist == SF_UNIFORM &&
                o.spec.seed == UINT64_MAX && strcmp(o.output, "x.h5") == 0 && o.slab == 5 &&
                o.buffer == 2048 && o.force && o.format == SF_FORMAT_JSON && o.verbosity == 1,
            "all-options", "rc %d: %s", rc, err);
    rc = parse(ARGS("--seed=18446744073709551615", "--buffer=1g", "--shape=1x1x1", "-q"), &o, err);
    sf_test(rc == 0 && o.spec.seed == UINT64_MAX && o.buffer == (1u << 30) && o.verbosity < 0,
            "equals-form-and-limits", "rc %d: %s", rc, err);
    uint64_t v;
    sf_test(sf_parse_size("3m", &v, err, SF_ERRLEN) == 0 && v == 3u << 20, "size-suffix-m",
            "%s", err);
    env = "striping_factor=4;cb_nodes=2;";
    rc = parse(ARGS("--hint", "cb_nodes=8", "--backend", "zarr", "--independent"), &o, err);
    sf_test(rc == 0 && o.nhints == 3 && strcmp(o.hints[0].key, "striping_factor") == 0 &&
                strcmp(o.hints[0].value, "4") == 0 && strcmp(o.hints[1].value, "2") == 0 &&
                strcmp(o.hints[2].key, "cb_nodes") == 0 && strcmp(o.hints[2].value, "8") == 0 &&
                strcmp(o.backend, "zarr") == 0 && o.independent,
            "hints-env-then-command-line", "rc %d nhints %d: %s", rc, o.nhints, err);
    rc = parse(ARGS("--compare", "--keep", "--shape", "2x3x4"), &o, err);
    env = NULL;
    sf_test(rc == 0 && o.compare && o.keep, "compare-keep", "rc %d: %s", rc, err);
    env = "nonsense";
    rc = parse((const char *const[]){NULL}, &o, err);
    env = NULL;
    sf_test(rc == SF_EXIT_USAGE && strstr(err, "SLABFILL_HINTS"), "hints-env-bad", "rc %d: %s",
            rc, err);
    sf_test(sf_parse_u64("0", &v, err, SF_ERRLEN) == 0 && v == 0, "seed-zero-accepted", "%s", err);
}

static const struct {
    const char *name;
    const char *args[6];
    const char *msg; /* must appear in the reason */
} bad[] = {
    {"unknown-long-option", {"--shapes", "1x1x1"}, "unknown option '--shapes'"},
    {"unknown-short-option", {"-x"}, "unknown option '-x'"},
    {"stray-argument", {"file.h5"}, "unexpected argument 'file.h5'"},
    {"stray-after-options", {"--force", "extra"}, "unexpected argument 'extra'"},
    {"missing-value", {"--shape"}, "needs a value"},
    {"missing-output-value", {"-o"}, "needs a value"},
    {"shape-zero", {"--shape", "0x10x10"}, "ZxXxY"},
    {"shape-zero-last", {"--shape", "10x10x0"}, "ZxXxY"},
    {"shape-negative", {"--shape", "-1x10x10"}, "ZxXxY"},
    {"shape-plus-sign", {"--shape", "+1x10x10"}, "ZxXxY"},
    {"shape-two-dims", {"--shape", "10x10"}, "ZxXxY"},
    {"shape-four-dims", {"--shape", "1x1x1x1"}, "ZxXxY"},
    {"shape-trailing-junk", {"--shape", "1x1x1abc"}, "ZxXxY"},
    {"shape-exponent", {"--shape", "1e3x1x1"}, "ZxXxY"},
    {"shape-hex", {"--shape", "0x10x10"}, "ZxXxY"},
    {"shape-space", {"--shape", "1 x1x1"}, "ZxXxY"},
    {"shape-empty", {"--shape", ""}, "ZxXxY"},
    {"shape-capital-x", {"--shape", "1X1X1"}, "ZxXxY"},
    {"shape-bytes-overflow", {"--shape", "4294967296x4294967296x2"}, "64-bit"},
    {"shape-bytes-overflow-f64",
     {"--dtype", "float64", "--shape", "1048576x1048576x1048576"}, "64-bit"},
    {"shape-dim-overflow", {"--shape", "99999999999999999999x1x1"}, "ZxXxY"},
    {"dtype-unknown", {"--dtype", "float16"}, "accepted: float32, float64"},
    {"dtype-empty", {"--dtype", ""}, "accepted: float32, float64"},
    {"dist-unknown", {"--dist", "gauss"}, "accepted: normal, uniform"},
    {"seed-negative", {"--seed", "-1"}, "unsigned 64-bit"},
    {"seed-overflow", {"--seed", "18446744073709551616"}, "unsigned 64-bit"},
    {"seed-hex-overflow", {"--seed", "0x10000000000000000"}, "unsigned 64-bit"},
    {"seed-junk", {"--seed", "12abc"}, "unsigned 64-bit"},
    {"seed-empty", {"--seed", ""}, "unsigned 64-bit"},
    {"seed-bare-0x", {"--seed", "0x"}, "unsigned 64-bit"},
    {"seed-float", {"--seed", "1.5"}, "unsigned 64-bit"},
    {"slab-zero", {"--slab", "0"}, "1 to 1000000"},
    {"slab-negative", {"--slab", "-3"}, "1 to 1000000"},
    {"slab-junk", {"--slab", "5x"}, "1 to 1000000"},
    {"slab-too-big", {"--slab", "1000001"}, "1 to 1000000"},
    {"buffer-zero", {"--buffer", "0"}, "1k to 1g"},
    {"buffer-too-small", {"--buffer", "1000"}, "1k to 1g"},
    {"buffer-too-big", {"--buffer", "2g"}, "1k to 1g"},
    {"buffer-bad-suffix", {"--buffer", "64q"}, "k, m or g"},
    {"buffer-double-suffix", {"--buffer", "64mb"}, "k, m or g"},
    {"buffer-empty", {"--buffer", ""}, "k, m or g"},
    {"buffer-overflow", {"--buffer", "99999999999999999999g"}, "k, m or g"},
    {"format-unknown", {"--format", "xml"}, "accepted: table, csv, json"},
    {"output-empty", {"-o", ""}, "empty --output"},
    {"quiet-and-verbose", {"-q", "-v"}, "conflict"},
    {"hint-no-equals", {"--hint", "cb_nodes"}, "key=value"},
    {"hint-empty-key", {"--hint", "=4"}, "key=value"},
    {"hint-empty-value", {"--hint", "cb_nodes="}, "key=value"},
    {"hint-bad-key", {"--hint", "cb nodes=4"}, "key=value"},
    {"hint-semicolon-in-value", {"--hint", "a=1;b=2"}, "key=value"},
    {"compare-and-backend", {"--compare", "--backend", "zarr"}, "conflicts"},
    {"compare-and-output", {"--compare", "-o", "x.h5"}, "conflicts"},
    {"compare-and-dist", {"--compare", "--dist", "uniform"}, "conflicts"},
    {"keep-alone", {"--keep"}, "only applies to --compare"},
};

/* verify's own rules: one FILE, and nothing that the file itself says. */
static void verify_rules(void)
{
    sf_options o;
    char err[SF_ERRLEN];
    int rc = parse(ARGS("verify", "--buffer", "2k", "--format", "csv", "-q", "f.npy"), &o, err);
    sf_test(rc == 0 && o.verify_path && strcmp(o.verify_path, "f.npy") == 0 &&
                o.buffer == 2048 && o.format == SF_FORMAT_CSV && o.verbosity == -1,
            "verify-good", "rc %d: %s", rc, err);
    rc = parse(ARGS("--shape", "2x2x2", "verify", "f.npy"), &o, err);
    sf_test(rc == SF_EXIT_USAGE && strstr(err, "unexpected argument 'verify'"),
            "verify-only-as-first-word", "rc %d: %s", rc, err);
    env = "cb_nodes=2";
    rc = parse(ARGS("verify", "f.npy"), &o, err);
    env = NULL;
    sf_test(rc == SF_EXIT_USAGE && strstr(err, "accepted options: --buffer, --no-check, --format, -q, -v"),
            "verify-refuses-env-hints", "rc %d: %s", rc, err);
    static const char *const refused[] = {"--shape=2x2x2", "--dtype=float64", "--dist=uniform",
                                          "--backend=zarr", "-ox.h5", "--compare", "--resume",
                                          "--verify", "--force", "--hint=a=1", "--seed=5",
                                          "--slab=2", "--independent", "--overlap=on",
                                          "--no-sync", "--page-cache=keep", "--checkpoint=5",
                                          "--summary-file=s.csv", "--keep"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        char name[64];
        snprintf(name, sizeof name, "verify-refuses-%s", refused[i]);
        rc = parse(ARGS("verify", refused[i], "f.npy"), &o, err);
        sf_test(rc == SF_EXIT_USAGE && strstr(err, "verify takes the seed, shape"), name,
                "rc %d: %s", rc, err);
    }
}

/* --compare's refusal names the files it really writes: one per backend that has a file and
 * rows in the comparison. */
static void compare_files(void)
{
    sf_options o;
    char err[SF_ERRLEN];
    int rc = parse(ARGS("--compare", "-o", "x.h5"), &o, err), ok = rc == SF_EXIT_USAGE;
    ok = ok && strstr(err, "in the current directory") && !strstr(err, "slab.*");
    int first = 1;
    for (int i = 0; sf_backends[i]; i++) {
        const char *ext = sf_backends[i]->narticle > 0 ? sf_backends[i]->extension : NULL;
        char want[64];
        snprintf(want, sizeof want, "%s%s", first ? "slabfill-compare" : " ", ext ? ext : "");
        ok = ok && (!ext || strstr(err, want));
        first = first && !ext;
    }
    sf_test(ok, "compare-names-its-files", "rc %d: %s", rc, err);
}

/* The help text with every run of spaces and newlines made one space, so that a test can look
 * for a phrase wherever --help wrapped it. */
static void collapse(const char *s, char *out, size_t len)
{
    size_t n = 0;
    for (; *s && n + 1 < len; s++)
        if (*s != ' ' && *s != '\n')
            out[n++] = *s;
        else if (n > 0 && out[n - 1] != ' ')
            out[n++] = ' ';
    out[n] = '\0';
}

/* --help is generated from the option table: its option lines are the table's rows, in order,
 * and every row is an option the parser knows. */
static void help_options(void)
{
    const char *usage = sf_options_usage();
    int shown = 0, wrong = 0, wide = 0;
    for (const char *line = usage; *line; line += strcspn(line, "\n") + 1) {
        wide += strcspn(line, "\n") > 79;
        if (strncmp(line, "  -", 3) != 0)
            continue;
        const char *name = strstr(line, "--") + 2; /* "  --name ..." or "  -x, --name ..." */
        size_t len = strcspn(name, " \n");
        const char *want = sf_options_name(shown++);
        if (!want || strlen(want) != len || strncmp(name, want, len) != 0) {
            printf("# option line %d of --help is --%.*s, the table's row is --%s\n", shown,
                   (int)len, name, want ? want : "(none)");
            wrong++;
        }
    }
    int rows = 0;
    while (sf_options_name(rows))
        rows++;
    sf_test(rows > 20 && wrong == 0 && shown == rows, "help-lists-every-option",
            "%d options in the table, %d option lines in --help, %d of them wrong", rows, shown,
            wrong);
    sf_test(wide == 0, "help-fits-79-columns", "%d lines are wider", wide);

    /* every option the table has is one getopt_long is given */
    int unknown = 0;
    for (int i = 0; sf_options_name(i); i++) {
        sf_options o;
        char err[SF_ERRLEN], opt[80];
        snprintf(opt, sizeof opt, "--%s", sf_options_name(i));
        parse(ARGS(opt, "1"), &o, err);
        if (strstr(err, "unknown option")) {
            printf("# %s: %s\n", opt, err);
            unknown++;
        }
    }
    sf_test(unknown == 0, "every-table-row-is-parsed", "%d unknown to the parser", unknown);
}

/* --help lists every row of the backend table, with its description (wrapped anywhere), and
 * says which is the default. */
static void help_backends(void)
{
    const char *usage = sf_options_usage();
    static char flat[32768];
    collapse(usage, flat, sizeof flat);
    int backends = 0, missing = 0;
    for (; sf_backends[backends]; backends++) {
        const sf_backend *be = sf_backends[backends];
        char want[512];
        int n = snprintf(want, sizeof want, " %s %s", be->name, be->description);
        if (be->missing) /* a backend left out of the build says which make variable did it */
            snprintf(want + n, sizeof want - (size_t)n, " (not in this build: make %s)",
                     be->missing);
        const char *at = strstr(flat, want);
        if (!at || strncmp(at + strlen(want), " (not in this build", 19) == 0) {
            printf("# --help lacks '%s'\n", want);
            missing++;
        }
    }
    sf_test(backends > 0 && missing == 0, "help-lists-every-backend", "%d of %d missing",
            missing, backends);
    char want[128];
    snprintf(want, sizeof want, "(--backend NAME; default %s)", sf_backend_default()->name);
    sf_test(strstr(usage, want) != NULL, "help-names-the-default-backend", "no '%s'", want);
}

int main(void)
{
    good();
    verify_rules();
    compare_files();
    help_options();
    help_backends();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sf_options o;
        char err[SF_ERRLEN];
        int rc = parse(bad[i].args, &o, err);
        sf_test(rc == SF_EXIT_USAGE && strstr(err, bad[i].msg) != NULL && !strchr(err, '\n'),
                bad[i].name, "rc %d, reason '%s', expected to contain '%s'", rc, err, bad[i].msg);
    }
    return sf_test_failures != 0;
}
