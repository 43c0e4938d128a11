/* example_args.h - the few options both examples take, so that each example's own file is
 * only its producer and its main. Copy it with an example, or use your own parsing:
 * libslabfill needs only a filled slabfill_config.
 *
 *   --backend B     hdf5 (default), pnetcdf, mpiio (.npy) or zarr
 *   -o PATH         the output (default: slab + the backend's extension)
 *   --shape ZxXxY   the array (default: each example's own)
 *   --buffer BYTES  bytes of one write buffer (default 64 MiB)
 *   --checkpoint S  seconds between progress records (default 30; 0: after every unit)
 *   --resume        continue an interrupted run
 *   --force         replace an existing output
 *   --verify        read the file back and check every slice's digest before the rename
 *   -q              print no summary */
#ifndef EXAMPLE_ARGS_H
#define EXAMPLE_ARGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slabfill.h>

/* Fills c from argv; *quiet for -q. Returns 0, or 2 after printing what was wrong (rank 0). */
static int example_args(int argc, char **argv, slabfill_config *c, int *quiet, int rank)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long z, x, y;
        char end;
        if (!strcmp(a, "--resume")) {
            c->resume = 1;
        } else if (!strcmp(a, "--force")) {
            c->force = 1;
        } else if (!strcmp(a, "--verify")) {
            c->verify = 1;
        } else if (!strcmp(a, "-q")) {
            *quiet = c->quiet = 1;
        } else if (v && !strcmp(a, "--backend")) {
            c->backend = argv[++i];
        } else if (v && !strcmp(a, "-o")) {
            c->path = argv[++i];
        } else if (v && !strcmp(a, "--buffer")) {
            c->buffer = strtoull(argv[++i], NULL, 10);
        } else if (v && !strcmp(a, "--checkpoint")) {
            c->checkpoint = strtod(argv[++i], NULL);
        } else if (v && !strcmp(a, "--shape") &&
                   sscanf(v, "%llux%llux%llu%c", &z, &x, &y, &end) == 3) {
            c->shape[0] = z, c->shape[1] = x, c->shape[2] = y;
            i++;
        } else {
            if (rank == 0)
                fprintf(stderr, "%s: bad argument '%s'; accepted: --backend B, -o PATH, "
                        "--shape ZxXxY, --buffer BYTES, --checkpoint S, --resume, --force, --verify, "
                        "-q\n",
                        argv[0], a);
            return 2;
        }
    }
    return 0;
}

#endif
