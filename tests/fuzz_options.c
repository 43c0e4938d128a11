/* fuzz_options.c - libFuzzer harness for the command-line, shape, size, seed, hint and keyword
 * parsers. The input is split at NUL bytes into argv words (and the last word is also fed to
 * each single-value parser). A parser may accept or refuse, but must never crash, read out of
 * bounds, overflow, or return a success with values outside their documented ranges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_error.h"
#include "sf_options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[64];
    int argc = 0;
    argv[argc++] = "slabfill";
    for (char *p = copy; p < copy + size + 1 && argc < 63; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;

    sf_options o;
    char err[SF_ERRLEN];
    int rc = sf_options_parse(argc, argv, argc > 2 ? argv[2] : NULL, &o, err, sizeof err);
    if (rc == 0 && !o.verify_path) {
        size_t es = sf_dtype_size(o.spec.dtype);
        if (o.shape[0] == 0 || o.shape[1] == 0 || o.shape[2] == 0 ||
            o.shape[0] * o.shape[1] > (uint64_t)INT64_MAX / es / o.shape[2] || o.slab == 0 ||
            o.slab > SF_MAX_SLAB || o.buffer < SF_MIN_BUFFER || o.buffer > SF_MAX_BUFFER ||
            o.nhints > SF_MAX_HINTS)
            abort();
    } else if (rc != 0 && (rc != SF_EXIT_USAGE || err[0] == '\0' || strchr(err, '\n'))) {
        abort(); /* refusals are exit 2 with one line */
    }
    const char *last = argv[argc - 1];
    uint64_t shape[3], v;
    sf_hint h;
    if (sf_parse_shape(last, 8, shape, err, sizeof err) == 0 &&
        (!shape[0] || !shape[1] || !shape[2] || shape[0] * shape[1] > INT64_MAX / 8 / shape[2]))
        abort();
    (void)sf_parse_size(last, &v, err, sizeof err);
    (void)sf_parse_u64(last, &v, err, sizeof err);
    if (sf_parse_hint(last, strlen(last), &h, err, sizeof err) == 0 && (!h.key[0] || !h.value[0]))
        abort();
    static const char *const words[] = {"auto", "on", "off", NULL};
    int w = -1;
    if (sf_parse_keyword("--overlap", last, words, &w, err, sizeof err) == 0 &&
        (w < 0 || w > 2 || strcmp(words[w], last) != 0))
        abort();
    free(copy);
    return 0;
}
