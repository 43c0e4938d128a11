/* library_test.c - libslabfill through its public header only, under mpirun on 4 or more ranks
 * (tests/library_test.sh). MPI_COMM_WORLD is split in two: the even ranks write one file with
 * a producer while the odd ranks, at the same time, write another with another producer and
 * then pass messages among themselves. Then, on each half:
 *   - bad input (a zero extent, no producer name, a bad hint, an existing output) returns
 *     SLABFILL_EBADINPUT on every rank with the same one-line message, and creates nothing;
 *   - a producer that returns non-zero stops the run with SLABFILL_ESTOPPED and the code; the
 *     same call with resume finishes a file equal to the uninterrupted one;
 *   - slabfill_verify passes the file, and names the slice of a byte flipped in it.
 * The values are compared by recomputing them here; the files are compared byte for byte.
 * Prints "ok NAME" or "FAIL NAME: why" from world rank 0, one line per case. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mpi.h>
#include <slabfill.h>

static int world_rank, failures;

/* One case: every world rank passes its own verdict; the case is ok only if all are. */
static void verdict(const char *name, int good, const char *why)
{
    int all = 0;
    MPI_Allreduce(&good, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    if (world_rank == 0 && all)
        printf("ok %s\n", name);
    else if (world_rank == 0)
        printf("FAIL %s: %s\n", name, why);
    failures += !all;
    fflush(stdout);
}

/* g(z, x, y) = z * 1000 + x + y / 1000, or its negation for the second half's producer. */
typedef struct {
    float sign;
    int stop_at;  /* return code when asked for this slice (-1: never) */
    int code;     /* 7, or C's usual -1 */
} field;

static float value(const field *f, uint64_t z, uint64_t x, uint64_t y)
{
    return f->sign * ((float)z * 1000.0f + (float)x + (float)y / 1000.0f);
}

static int produce(void *ctx, const slabfill_box *b, void *out)
{
    const field *f = ctx;
    float *v = out;
    if (f->stop_at >= 0 && b->start[0] <= (uint64_t)f->stop_at &&
        (uint64_t)f->stop_at < b->start[0] + b->count[0])
        return f->code;
    for (uint64_t z = b->start[0]; z < b->start[0] + b->count[0]; z++)
        for (uint64_t x = b->start[1]; x < b->start[1] + b->count[1]; x++)
            for (uint64_t y = b->start[2]; y < b->start[2] + b->count[2]; y++)
                *v++ = value(f, z, x, y);
    return 0;
}

static slabfill_config config(const char *path, const char *name)
{
    slabfill_config c;
    slabfill_config_init(&c);
    c.shape[0] = 12, c.shape[1] = 30, c.shape[2] = 40;
    c.producer = name;
    c.backend = "mpiio"; /* .npy: the values are easy to read back here */
    c.path = path;
    c.buffer = 3000;     /* below a slice (4800 bytes): boxes of part of a slice */
    c.checkpoint = 0;
    c.quiet = 1;
    return c;
}

/* The offset of a .npy file's first value (format 1, 2 or 3), or -1. */
static long npy_data(FILE *in)
{
    unsigned char h[12];
    if (fseek(in, 0, SEEK_SET) != 0 || fread(h, 1, 12, in) != 12 || memcmp(h, "\x93NUMPY", 6))
        return -1;
    long len = h[6] == 1 ? 10 + h[8] + 256L * h[9]
                         : 12 + h[8] + 256L * h[9] + 65536L * h[10] + 16777216L * h[11];
    return fseek(in, len, SEEK_SET) == 0 ? len : -1;
}

/* Whether the .npy at path holds f's values (rank 0 of comm reads; all get the answer). */
static int holds(MPI_Comm comm, const char *path, const field *f)
{
    int r, good = 0;
    MPI_Comm_rank(comm, &r);
    FILE *in = r == 0 ? fopen(path, "rb") : NULL;
    if (in) {
        good = npy_data(in) > 0;
        for (uint64_t z = 0; good && z < 12; z++)
            for (uint64_t x = 0; good && x < 30; x++)
                for (uint64_t y = 0; good && y < 40; y++) {
                    float v;
                    good = fread(&v, 4, 1, in) == 1 && v == value(f, z, x, y);
                }
        fclose(in);
    }
    MPI_Bcast(&good, 1, MPI_INT, 0, comm);
    return good;
}

/* Bad input: the code and the message are the same on every rank of comm, nothing made. */
static void bad_input(MPI_Comm comm, const char *label, const char *what, slabfill_config c,
                      const field *f)
{
    char name[128], why[1200], msg[512] = "", first[512] = "";
    slabfill_result res;
    struct stat st;
    int rc = slabfill_write(comm, &c, produce, (void *)f, &res);
    snprintf(msg, sizeof msg, "%s", slabfill_last_error());
    memcpy(first, msg, sizeof first);
    MPI_Bcast(first, sizeof first, MPI_CHAR, 0, comm);
    int made = c.path && strstr(c.path, "absent") && lstat(c.path, &st) == 0;
    snprintf(name, sizeof name, "%s-%s-refused-alike-nothing-made", label, what);
    snprintf(why, sizeof why, "rank %d: code %d, message '%s' (rank 0: '%s'), output made %d",
             world_rank, rc, msg, first, made);
    verdict(name, rc == SLABFILL_EBADINPUT && msg[0] && strcmp(msg, first) == 0 && !made &&
                      !strchr(msg, '\n'), why);
    slabfill_result_free(&res);
}

/* One half's file on its own communicator, and bad input refused alike. */
static void half(MPI_Comm comm, const char *dir, float sign)
{
    char path[256], absent[256], name[128], why[600];
    const char *label = sign > 0 ? "half" : "other-half"; /* world rank 0 names the case */
    field f = {sign, -1, 7};
    snprintf(path, sizeof path, "%s/lib.npy", dir);
    snprintf(absent, sizeof absent, "%s/absent.npy", dir);
    const char *producer = sign > 0 ? "plus" : "minus";
    slabfill_config c = config(path, producer);
    slabfill_result res;
    int rc = slabfill_write(comm, &c, produce, &f, &res);
    snprintf(name, sizeof name, "%s-written-on-a-split-communicator", label);
    snprintf(why, sizeof why, "code %d: %s", rc, slabfill_last_error());
    verdict(name, rc == SLABFILL_OK && holds(comm, path, &f) && res.total_bytes == 12 * 30 * 40 * 4,
            why);
    slabfill_result_free(&res);

    slabfill_config b = config(absent, producer);
    b.shape[1] = 0;
    bad_input(comm, label, "zero-extent", b, &f);
    b = config(absent, NULL);
    bad_input(comm, label, "no-producer-name", b, &f);
    const char *hints[] = {"striping_unit=1048576", "bad hint", NULL};
    b = config(absent, producer);
    b.hints = hints;
    bad_input(comm, label, "bad-hint", b, &f);
    bad_input(comm, label, "existing-output", config(path, producer), &f);
    int r0;
    MPI_Comm_rank(comm, &r0);
    b = config(absent, producer);
    b.buffer = r0 == 1 ? 4096 : 3000; /* one rank asks for something else */
    bad_input(comm, label, "configuration-differing-between-ranks", b, &f);

}

/* A producer's stop and the resume that finishes it; then verify, clean and with a byte
 * flipped in slice 9. */
static void stop_resume_verify(MPI_Comm comm, const char *dir, float sign)
{
    char path[256], name[128], why[600];
    const char *label = sign > 0 ? "half" : "other-half";
    const char *producer = sign > 0 ? "plus" : "minus";
    field f = {sign, -1, 7};
    slabfill_result res;
    snprintf(path, sizeof path, "%s/stopped.npy", dir);
    slabfill_config c = config(path, producer);
    f.stop_at = 7;
    int rc = slabfill_write(comm, &c, produce, &f, &res);
    int code = res.stop_code;
    slabfill_result_free(&res);
    f.stop_at = -1;
    c.resume = 1;
    int rc2 = slabfill_write(comm, &c, produce, &f, &res);
    snprintf(name, sizeof name, "%s-producer-stop-then-resume-identical", label);
    snprintf(why, sizeof why, "stop: code %d (producer %d); resume: code %d, resumed %llu: %s",
             rc, code, rc2, (unsigned long long)res.resumed, slabfill_last_error());
    verdict(name, rc == SLABFILL_ESTOPPED && code == 7 && rc2 == SLABFILL_OK &&
                      res.resumed > 0 && holds(comm, path, &f), why);
    slabfill_result_free(&res);

    /* verify: the file passes; with one byte flipped in slice 9, it names slice 9. */
    slabfill_verify_result v;
    rc = slabfill_verify(comm, path, 0, &v);
    int good = rc == SLABFILL_OK && v.slices == 12 && v.bad_slices == 0 &&
               strcmp(v.producer, producer) == 0 && !v.values_checked;
    int r;
    MPI_Comm_rank(comm, &r);
    if (r == 0) {
        FILE *io = fopen(path, "r+b");
        long at = io ? npy_data(io) + 9 * 4800 + 1234 : -1; /* a byte of slice 9 */
        int ch = at > 0 && fseek(io, at, SEEK_SET) == 0 ? fgetc(io) : EOF;
        good = good && ch != EOF && fseek(io, at, SEEK_SET) == 0 && fputc(ch ^ 0x10, io) != EOF;
        if (io)
            good = fclose(io) == 0 && good;
    }
    MPI_Bcast(&good, 1, MPI_INT, 0, comm);
    rc2 = slabfill_verify(comm, path, 4096, &v);
    snprintf(name, sizeof name, "%s-verify-names-the-flipped-slice", label);
    snprintf(why, sizeof why, "clean: code %d; flipped: code %d, %llu bad, first %llu: %s", rc,
             rc2, (unsigned long long)v.bad_slices, (unsigned long long)v.first_bad_slice,
             slabfill_last_error());
    verdict(name, good && rc2 == SLABFILL_EFAILED && v.bad_slices == 1 &&
                      v.first_bad_slice == 9 && strstr(slabfill_last_error(), "9"), why);
}

/* A producer that returns -1 on one rank only, at its second slice: every rank stops with
 * SLABFILL_ESTOPPED and code -1, overlap on and off; then a configuration missing on one rank
 * only is refused on every rank instead of leaving the others waiting. */
static void one_rank_differs(MPI_Comm comm, const char *dir, float sign)
{
    char path[256], name[160], why[600];
    const char *label = sign > 0 ? "half" : "other-half";
    int r;
    MPI_Comm_rank(comm, &r);
    for (int ov = 0; ov < 2; ov++) {
        snprintf(path, sizeof path, "%s/minus-one-%d.npy", dir, ov);
        slabfill_config c = config(path, "neg");
        c.overlap = ov ? SLABFILL_ON : SLABFILL_OFF;
        field f = {sign, -1, -1};
        slabfill_result res;
        int n; /* the second slice of the last rank's share of 12 slices */
        MPI_Comm_size(comm, &n);
        f.stop_at = r == n - 1 ? 12 - 12 / n + 1 : -1;
        int rc = slabfill_write(comm, &c, produce, &f, &res);
        snprintf(name, sizeof name, "%s-minus-one-on-one-rank-stops-every-rank-overlap-%s", label,
                 ov ? "on" : "off");
        snprintf(why, sizeof why, "rank %d: code %d, stop code %d: %s", r, rc, res.stop_code,
                 slabfill_last_error());
        verdict(name, rc == SLABFILL_ESTOPPED && res.stop_code == -1, why);
        slabfill_result_free(&res);
    }
    snprintf(path, sizeof path, "%s/half-null.npy", dir);
    slabfill_config c = config(path, "neg");
    field f = {sign, -1, 7};
    slabfill_result res;
    int rc = slabfill_write(comm, r == 0 ? NULL : &c, produce, &f, &res);
    snprintf(name, sizeof name, "%s-configuration-missing-on-one-rank-refused-everywhere", label);
    snprintf(why, sizeof why, "rank %d: code %d: %s", r, rc, slabfill_last_error());
    verdict(name, rc == SLABFILL_EBADINPUT && access(path, F_OK) != 0, why);
}

int main(int argc, char **argv)
{
    int provided, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 2 || size < 2) {
        if (world_rank == 0)
            fprintf(stderr, "usage: mpirun -n 4 library_test DIR (2 or more ranks)\n");
        MPI_Finalize();
        return 2;
    }
    int color = world_rank % 2;
    MPI_Comm comm;
    MPI_Comm_split(MPI_COMM_WORLD, color, world_rank, &comm);
    char dir[200];
    snprintf(dir, sizeof dir, "%s/%s", argv[1], color ? "odd" : "even");
    if (world_rank < 2)
        mkdir(dir, 0755);
    MPI_Barrier(MPI_COMM_WORLD);
    /* The halves run side by side; the cases' verdicts are collective over the world, so
     * each half takes the same steps in the same order. */
    half(comm, dir, color ? -1.0f : 1.0f);
    stop_resume_verify(comm, dir, color ? -1.0f : 1.0f);
    one_rank_differs(comm, dir, color ? -1.0f : 1.0f);
    /* The odd half then does something else of its own while the even half verifies again:
     * a library run never touched MPI_COMM_WORLD. */
    long sum = 0, mine = world_rank;
    MPI_Allreduce(&mine, &sum, 1, MPI_LONG, MPI_SUM, comm);
    long want = 0;
    for (int r = color; r < size; r += 2)
        want += r;
    verdict("each-half-still-talks-on-its-own-communicator", sum == want,
            "a half's sum over its communicator differs");
    MPI_Comm_free(&comm);
    MPI_Finalize();
    return failures != 0;
}
