/* main.c - slabfill's driver: parse, check the output, plan, then generate-and-write one slab per
 * collective call, close, rename into place and print the summary.
 *
 * Example (mpirun -n 2 ./slabfill --shape 50x1000x1000 on the 2-core development machine):
 *
 *   slabfill 0.1.0: 50x1000x1000 float32 normal, seed 8317129687099337836 (0x736c616266696c6c)
 *   2 ranks on 1 host, backend hdf5, file slab.h5, slab 1
 *
 *    rank  host             z-range            slices  generate s   write s  peak memory
 *       0  vm               [0, 25)                25       0.575     0.304      26.5 MB
 *       1  vm               [25, 50)               25       0.474     0.405      26.5 MB
 *
 *   Elapsed time         0.95 s
 *   Calculated storage   0.20 GB
 *   Peak memory          26.5 MB max per rank, 53.0 MB sum over 2 ranks
 *   File storage         0.20 GB
 *   Bandwidth            0.211 GB/s
 *   (GB = 1e9 bytes, MB = 1e6 bytes, as in the seed article)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_decomp.h"
#include "sf_error.h"
#include "sf_measure.h"
#include "sf_options.h"
#include "sf_output.h"
#include "sf_summary.h"
#include "sf_version.h"

#define PATH_MAX_LEN 4096

/* Rank 0 looks at the file system; every rank learns the verdict, so all return alike. */
static int check_output_everywhere(const char *path, int force)
{
    char err[SF_ERRLEN + PATH_MAX_LEN] = "";
    int rc = 0;
    if (sf_rank() == 0)
        rc = sf_output_check(path, force, err, sizeof err);
    SF_MPI_CHECK(MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD));
    return rc ? sf_error("%s", err) : 0;
}

static void *alloc_buffer(size_t bytes)
{
    void *p = NULL;
    /* 4 KiB alignment suits direct I/O and keeps SIMD stores aligned. */
    int rc = posix_memalign(&p, 4096, bytes ? bytes : 1);
    if (rc != 0)
        sf_die(__FILE__, __LINE__, "posix_memalign", "%zu bytes: %s", bytes, strerror(rc));
    return p;
}

static int run(int argc, char **argv)
{
    sf_options opt;
    char err[SF_ERRLEN];
    if (sf_options_parse(argc, argv, &opt, err, sizeof err) != 0)
        return sf_error("%s", err);
    if (opt.help || opt.version) {
        if (sf_rank() == 0)
            fputs(opt.help ? sf_options_usage() : "slabfill " SF_VERSION "\n", stdout);
        return SF_EXIT_OK;
    }
    const sf_backend *be = sf_backend_find(opt.backend);
    if (!be)
        return sf_error("unknown backend '%s'", opt.backend);

    char path[PATH_MAX_LEN], partial[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s", opt.output ? opt.output : "slab");
    if (!opt.output)
        snprintf(path, sizeof path, "slab%s", be->extension);
    int rc = check_output_everywhere(path, opt.force);
    if (rc)
        return rc;
    if (sf_output_partial_name(path, partial, sizeof partial) != 0)
        return sf_error("output path '%s' is too long", path);

    int rank, nranks;
    SF_MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
    SF_MPI_CHECK(MPI_Comm_size(MPI_COMM_WORLD, &nranks));
    const size_t es = sf_dtype_size(opt.spec.dtype);
    sf_plan plan = sf_plan_make(opt.shape, es, opt.slab, opt.buffer, nranks, rank);
    void *buf = alloc_buffer(plan.nunits ? plan.unit_elems * es : 0);

    sf_rank_stats st = {.z0 = plan.zr.z0, .nz = plan.zr.nz};
    int hostlen = 0;
    char host[MPI_MAX_PROCESSOR_NAME] = "";
    SF_MPI_CHECK(MPI_Get_processor_name(host, &hostlen));
    memcpy(st.host, host, sizeof st.host - 1); /* truncating long host names is fine here */

    sf_target target = {.comm = MPI_COMM_WORLD, .path = partial, .spec = opt.spec,
                        .info = MPI_INFO_NULL};
    memcpy(target.shape, opt.shape, sizeof target.shape);

    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    double t0 = sf_now();
    void *h = be->create(&target);
    for (uint64_t i = 0; i < plan.ncalls; i++) {
        sf_box box = sf_plan_box(&plan, i);
        double t = sf_now();
        sf_fill_box(&opt.spec, opt.shape, &box, buf);
        double t1 = sf_now();
        be->write(h, &box, buf);
        st.t_write += sf_now() - t1;
        st.t_gen += t1 - t;
        st.bytes += box.count[0] * box.count[1] * box.count[2] * es;
    }
    double tc = sf_now();
    be->close(h);
    st.t_close = sf_now() - tc;
    SF_MPI_CHECK(MPI_Barrier(MPI_COMM_WORLD));
    if (rank == 0)
        sf_output_commit(partial, path);
    st.t_total = sf_now() - t0;
    free(buf);
    st.peak_rss = sf_peak_rss_bytes();

    sf_run_info info = {.opt = &opt, .backend = be->name, .file = path, .nranks = nranks};
    if (rank == 0)
        info.file_disk_bytes = sf_file_disk_bytes(path);
    sf_summary_report(stdout, &info, &st);
    return SF_EXIT_OK;
}

int main(int argc, char **argv)
{
    SF_MPI_CHECK(MPI_Init(&argc, &argv));
    SF_MPI_CHECK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    int rc = run(argc, argv);
    SF_MPI_CHECK(MPI_Finalize());
    return rc;
}
