/* diffusion.c - the article's "various calculations" case: each z-slice is the one before it
 * after a few explicit steps of the 2-D heat equation, so slice z depends on slice z - 1.
 *
 *     slice 0:      1 on a hot square in the middle (a quarter of each side), 0 elsewhere
 *     slice z + 1:  slice z after STEPS steps of u += R * (4-neighbour Laplacian of u),
 *                   periodic in x and y, in double precision; stored as float32
 *
 * libslabfill gives each rank a contiguous range of slices, and asks for them in order. A rank
 * whose range starts at z0 > 0 needs slice z0 - 1 first: this producer recomputes it from
 * slice 0, then keeps the current slice and steps on from it, so each later box costs only its
 * own steps. The values depend only on z (never on the rank, nor on how units cut the slices),
 * so any rank count, and a resume on another one, give the same file.
 *
 * What the catch-up costs: rank r of P first steps through about r/P of the array, so the
 * last rank computes nearly every slice and the computation does not speed up with P (the I/O
 * still does). docs/library.md gives the measured figures. A field with a cheap closed form
 * (seed_loop.c) has no such cost; where none exists, and the catch-up matters, store the state
 * at a few z and start from the nearest one.
 *
 * Memory: the producer's own two slices of doubles (16 * X * Y bytes), beside libslabfill's two
 * unit buffers.
 *
 * Run (make examples builds it):
 *     mpirun -n 3 examples/diffusion --shape 40x256x256 -o heat.nc --backend pnetcdf
 *
 * Sample output: see docs/library.md (its run on the development machine). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>
#include <slabfill.h>

#include "example_args.h"

enum { STEPS = 4 };
static const double R = 0.2; /* below 1/4: the explicit scheme is stable */

typedef struct {
    uint64_t X, Y;
    double *u, *next; /* the current slice and scratch, X * Y each */
    uint64_t z;       /* which slice u holds; UINT64_MAX: none yet */
} heat;

static void initial(heat *h)
{
    for (uint64_t x = 0; x < h->X; x++)
        for (uint64_t y = 0; y < h->Y; y++) {
            int hot = 8 * x >= 3 * h->X && 8 * x < 5 * h->X && 8 * y >= 3 * h->Y &&
                      8 * y < 5 * h->Y;
            h->u[x * h->Y + y] = hot ? 1.0 : 0.0;
        }
    h->z = 0;
}

/* One explicit step, in the order tests/examples_check.py computes it (the bits must agree). */
static void step(heat *h)
{
    const uint64_t X = h->X, Y = h->Y;
    for (uint64_t x = 0; x < X; x++) {
        const double *up = h->u + (x + X - 1) % X * Y, *down = h->u + (x + 1) % X * Y;
        const double *row = h->u + x * Y;
        for (uint64_t y = 0; y < Y; y++) {
            double lap = (up[y] + down[y]) + (row[(y + Y - 1) % Y] + row[(y + 1) % Y]) -
                         4.0 * row[y];
            h->next[x * Y + y] = row[y] + R * lap;
        }
    }
    double *t = h->u;
    h->u = h->next;
    h->next = t;
}

/* The producer: brings u to each slice of box (from slice 0 when it is behind), then copies
 * the box's rows and columns out. */
static int produce(void *ctx, const slabfill_box *box, void *out)
{
    heat *h = ctx;
    float *v = out;
    for (uint64_t z = box->start[0]; z < box->start[0] + box->count[0]; z++) {
        if (h->z == UINT64_MAX || h->z > z)
            initial(h);
        while (h->z < z) {
            for (int s = 0; s < STEPS; s++)
                step(h);
            h->z++;
        }
        for (uint64_t x = box->start[1]; x < box->start[1] + box->count[1]; x++)
            for (uint64_t y = box->start[2]; y < box->start[2] + box->count[2]; y++)
                *v++ = (float)h->u[x * h->Y + y];
    }
    return 0;
}

int main(int argc, char **argv)
{
    int provided, rank, quiet = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);

    slabfill_config cfg;
    slabfill_config_init(&cfg);
    cfg.shape[0] = 40, cfg.shape[1] = 128, cfg.shape[2] = 160;
    cfg.producer = "diffusion";
    cfg.producer_version = "1"; /* change it whenever the values would change */
    int rc = example_args(argc, argv, &cfg, &quiet, rank);
    if (rc == 0) {
        heat h = {cfg.shape[1], cfg.shape[2], NULL, NULL, UINT64_MAX};
        h.u = malloc(cfg.shape[1] * cfg.shape[2] * sizeof *h.u);
        h.next = malloc(cfg.shape[1] * cfg.shape[2] * sizeof *h.next);
        if (!h.u || !h.next) {
            fprintf(stderr, "diffusion: rank %d: no memory for two %llux%llu slices\n", rank,
                    (unsigned long long)cfg.shape[1], (unsigned long long)cfg.shape[2]);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        slabfill_result res;
        rc = slabfill_write(MPI_COMM_WORLD, &cfg, produce, &h, &res);
        if (rc == SLABFILL_OK && !quiet)
            slabfill_print_summary(stdout, &res, SLABFILL_TABLE);
        else if (rc != SLABFILL_OK && rank == 0)
            fprintf(stderr, "diffusion: %s\n", slabfill_last_error());
        slabfill_result_free(&res);
        free(h.u);
        free(h.next);
    }
    MPI_Finalize();
    return rc;
}
