/* backends.c - the one table of backends, and what every backend shares: finding one by name
 * or by its file's extension, and the checks of a file's extent and metadata. The first row
 * built in is the default. A backend left out of the build keeps its row (it says so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_files.h"
#include "sf_options.h"

extern const sf_backend sf_backend_hdf5, sf_backend_pnetcdf, sf_backend_mpiio, sf_backend_zarr,
    sf_backend_memory, sf_backend_null;

const sf_backend *const sf_backends[] = {
    &sf_backend_hdf5, &sf_backend_pnetcdf, &sf_backend_mpiio, &sf_backend_zarr,
    &sf_backend_memory, &sf_backend_null, NULL,
};

const sf_backend *sf_backend_default(void)
{
    int i = 0;
    while (sf_backends[i]->missing)
        i++; /* mpiio and the rest are always built in */
    return sf_backends[i];
}

const sf_backend *sf_backend_for_path(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    for (int i = 0; sf_backends[i]; i++) {
        const char *ext = sf_backends[i]->extension;
        size_t e = ext ? strlen(ext) : 0;
        if (e && n > e && strncmp(path + n - e, ext, e) == 0)
            return sf_backends[i];
    }
    return NULL;
}

int sf_inspect_bcast(MPI_Comm comm, const sf_backend *be, const char *path, sf_file_meta *meta,
                     char *err, size_t errlen)
{
    struct {
        sf_file_meta meta;
        int ok;
        char err[512];
    } r;
    memset(&r, 0, sizeof r);
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(comm, &rank));
    if (rank == 0 && sf_inspect(be, path, &r.meta, 0, NULL, r.err, sizeof r.err) == 0) {
        const uint64_t Z = r.meta.shape[0];
        unsigned char *all = sf_xmalloc(Z ? Z : 1);
        memset(all, 1, Z);
        r.ok = sf_inspect(be, path, &r.meta, Z, all, r.err, sizeof r.err) == 0;
        free(all);
    }
    SF_MPI_CHECK(MPI_Bcast(&r, (int)sizeof r, MPI_BYTE, 0, comm));
    if (!r.ok) {
        snprintf(err, errlen, "%s", r.err);
        return -1;
    }
    *meta = r.meta;
    return 0;
}

static int magic_check(const sf_backend *be, const char *path, char *err, size_t errlen)
{
    if (!be->magic)
        return 0;
    uint64_t size;
    int fd = sf_open_regular(path, &size, err, errlen);
    if (fd < 0)
        return -1;
    char head[16] = "";
    ssize_t n = pread(fd, head, be->magic_len, 0);
    close(fd); /* read-only: nothing to lose */
    if (n != (ssize_t)be->magic_len || memcmp(head, be->magic, be->magic_len) != 0) {
        snprintf(err, errlen, "%s does not start like a %s file", path, be->name);
        return -1;
    }
    return 0;
}

int sf_inspect(const sf_backend *be, const char *path, sf_file_meta *meta, uint64_t need_z,
               const unsigned char *need, char *err, size_t errlen)
{
    err[0] = '\0';
    if (magic_check(be, path, err, errlen) != 0 || be->inspect(path, meta, NULL, err, errlen))
        return -1;
    if (!need)
        return 0;
    if (meta->shape[0] != need_z) {
        snprintf(err, errlen, "%s holds %llu slices, not %llu", path,
                 (unsigned long long)meta->shape[0], (unsigned long long)need_z);
        return -1;
    }
    return be->inspect(path, meta, need, err, errlen);
}

/* Every run of needed slices must be stored: a hole is a write that never happened. */
static int holes_check(const char *path, const unsigned char *need, uint64_t Z,
                       uint64_t data_off, uint64_t slice, char *err, size_t errlen)
{
    uint64_t size, hole = 0;
    int fd = sf_open_regular(path, &size, err, errlen), found = 0;
    if (fd < 0)
        return -1;
    for (uint64_t z = 0; z < Z && !found;) {
        if (!need[z]) {
            z++;
            continue;
        }
        uint64_t end = z;
        while (end < Z && need[end])
            end++;
        found = sf_find_hole(fd, data_off + z * slice, (end - z) * slice, &hole) == 1;
        z = end;
    }
    close(fd); /* read-only: nothing to lose */
    if (!found)
        return 0;
    snprintf(err, errlen, "%s has a hole at byte %llu, in slice %llu: a write that never "
             "reached the disk", path, (unsigned long long)hole,
             (unsigned long long)((hole - data_off) / slice));
    return -1;
}

int sf_extent_check(const char *path, const sf_file_meta *meta, uint64_t data_off,
                    uint64_t file_bytes, const unsigned char *need, int exact, char *err,
                    size_t errlen)
{
    const uint64_t slice = meta->shape[1] * meta->shape[2] * sf_dtype_size(meta->spec.dtype);
    const uint64_t Z = meta->shape[0], end = data_off + Z * slice;
    if (exact && file_bytes > end) {
        snprintf(err, errlen, "%s is %llu bytes, longer than its header says (%llu)", path,
                 (unsigned long long)file_bytes, (unsigned long long)end);
        return -1;
    }
    for (uint64_t z = 0; need && z < Z; z++)
        if (need[z] && (file_bytes < data_off || (file_bytes - data_off) / slice <= z)) {
            const uint64_t want = data_off + (z + 1) * slice;
            snprintf(err, errlen, "%s is truncated: it is %llu bytes, and slice %llu needs "
                     "%llu", path, (unsigned long long)file_bytes, (unsigned long long)z,
                     (unsigned long long)want);
            return -1;
        }
    return need ? holes_check(path, need, Z, data_off, slice, err, errlen) : 0;
}

int sf_meta_agrees(const char *path, const sf_file_meta *meta, const uint64_t shape[3],
                   size_t elem, char *err, size_t errlen)
{
    char why[SF_ERRLEN];
    if (sf_meta_complete(meta, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s: not a slabfill file", path, why);
        return -1;
    }
    if (memcmp(shape, meta->shape, sizeof meta->shape) != 0 ||
        elem != sf_dtype_size(meta->spec.dtype)) {
        snprintf(err, errlen, "%s: its header says shape %llux%llux%llu of %zu-byte values, "
                 "its slabfill metadata %llux%llux%llu %s", path, (unsigned long long)shape[0],
                 (unsigned long long)shape[1], (unsigned long long)shape[2], elem,
                 (unsigned long long)meta->shape[0], (unsigned long long)meta->shape[1],
                 (unsigned long long)meta->shape[2], sf_dtype_name(meta->spec.dtype));
        return -1;
    }
    return 0;
}

const sf_backend *sf_backend_find(const char *name)
{
    for (int i = 0; sf_backends[i]; i++)
        if (strcmp(sf_backends[i]->name, name) == 0)
            return sf_backends[i];
    return NULL;
}
