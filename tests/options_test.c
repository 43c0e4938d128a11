/* options_test.c - every kind of bad input is refused with SF_EXIT_USAGE and a one-line reason
 * naming what is accepted; good input parses to the documented values. */
#include <stdint.h>
#include <string.h>

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

int main(void)
{
    good();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sf_options o;
        char err[SF_ERRLEN];
        int rc = parse(bad[i].args, &o, err);
        sf_test(rc == SF_EXIT_USAGE && strstr(err, bad[i].msg) != NULL && !strchr(err, '\n'),
                bad[i].name, "rc %d, reason '%s', expected to contain '%s'", rc, err, bad[i].msg);
    }
    return sf_test_failures != 0;
}
