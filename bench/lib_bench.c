/* lib_bench.c - what libslabfill's layer and its digests cost, for bench/run (make bench).
 *
 *   lib_bench library ZxXxY   slabfill_write on the null backend with a producer that only
 *                             memcpys one precomputed slice into each box, against the same
 *                             memcpys alone (same boxes, same buffer): the layer's overhead
 *   lib_bench xxh3 MB         XXH3-64 of a buffer of MB megabytes, on this one core, as the
 *                             library computes each slice's digest
 *
 * Each prints one JSON object on rank 0: what was measured, in seconds and GB/s (1e9 bytes).
 * Run it under mpirun for `library` (every rank produces its own slices). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>
#include <slabfill.h>
#include <xxhash.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const float *slice; /* one precomputed slice, X * Y values */
    uint64_t Y;
    double seconds;     /* in the producer */
} copier;

static int copy_box(void *ctx, const slabfill_box *b, void *out)
{
    copier *c = ctx;
    double t = now();
    size_t run = b->count[2] * sizeof(float);
    char *o = out;
    for (uint64_t z = 0; z < b->count[0]; z++)
        for (uint64_t x = b->start[1]; x < b->start[1] + b->count[1]; x++, o += run)
            memcpy(o, c->slice + x * c->Y + b->start[2], run);
    c->seconds += now() - t;
    return 0;
}

static int library(unsigned long long z, unsigned long long x, unsigned long long y, int rank)
{
    slabfill_config cfg;
    slabfill_config_init(&cfg);
    cfg.shape[0] = z, cfg.shape[1] = x, cfg.shape[2] = y;
    cfg.producer = "memcpy";
    cfg.backend = "null";
    cfg.overlap = SLABFILL_OFF;
    cfg.quiet = 1;
    float *slice = malloc(x * y * sizeof *slice), *unit = malloc(cfg.buffer);
    if (!slice || !unit)
        MPI_Abort(MPI_COMM_WORLD, 1);
    for (uint64_t i = 0; i < x * y; i++)
        slice[i] = (float)i;
    copier c = {slice, y, 0};
    slabfill_result res;
    MPI_Barrier(MPI_COMM_WORLD);
    int rc = slabfill_write(MPI_COMM_WORLD, &cfg, copy_box, &c, &res);
    if (rc != SLABFILL_OK) {
        fprintf(stderr, "lib_bench: %s\n", slabfill_last_error());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* The same bytes copied alone, in the library's units: slab (1) whole slices each. */
    uint64_t per_unit = cfg.slab, left = res.nz;
    if (per_unit * x * y * sizeof(float) > cfg.buffer) { /* then units would be part-slices */
        fprintf(stderr, "lib_bench: a slice of %llux%llu is above the buffer\n", x, y);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double t = now();
    slabfill_box b = {{0, 0, 0}, {0, x, y}};
    while (left) {
        b.count[0] = left < per_unit ? left : per_unit;
        copy_box(&(copier){slice, y, 0}, &b, unit);
        left -= b.count[0];
    }
    double alone = now() - t, slowest;
    MPI_Reduce(&alone, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0)
        printf("{\"bytes\": %llu, \"library_s\": %.6f, \"library_GBps\": %.4f, "
               "\"memcpy_s\": %.6f, \"memcpy_GBps\": %.4f, \"ranks\": %d}\n",
               (unsigned long long)res.total_bytes, res.elapsed_s, res.bandwidth_gbps, slowest,
               (double)res.total_bytes / slowest / 1e9, res.nranks);
    slabfill_result_free(&res);
    free(slice);
    free(unit);
    return 0;
}

static int xxh3(unsigned long long mb)
{
    size_t n = (size_t)mb * 1000000;
    unsigned char *buf = malloc(n);
    if (!buf)
        return 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(i * 2654435761u >> 13);
    volatile uint64_t sink = XXH3_64bits(buf, n); /* the first pass faults the pages in */
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double t = now();
        sink ^= XXH3_64bits(buf, n);
        double s = now() - t;
        best = s < best ? s : best;
    }
    (void)sink;
    printf("{\"bytes\": %zu, \"xxh3_s\": %.6f, \"xxh3_GBps\": %.4f}\n", n, best,
           (double)n / best / 1e9);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int provided, rank, rc = 2;
    unsigned long long z, x, y;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (argc == 3 && !strcmp(argv[1], "library") &&
        sscanf(argv[2], "%llux%llux%llu", &z, &x, &y) == 3)
        rc = library(z, x, y, rank);
    else if (argc == 3 && !strcmp(argv[1], "xxh3") && sscanf(argv[2], "%llu", &z) == 1)
        rc = rank == 0 ? xxh3(z) : 0;
    else if (rank == 0)
        fprintf(stderr, "usage: lib_bench library ZxXxY | lib_bench xxh3 MB\n");
    MPI_Finalize();
    return rc;
}
