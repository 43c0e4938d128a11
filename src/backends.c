/* backends.c - the one table of built-in backends. The first entry is the default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"
#include "sf_options.h"

#ifndef SF_HAVE_HDF5
#define SF_HAVE_HDF5 1
#endif
#ifndef SF_HAVE_PNETCDF
#define SF_HAVE_PNETCDF 1
#endif

extern const sf_backend sf_backend_hdf5, sf_backend_pnetcdf, sf_backend_mpiio, sf_backend_zarr,
    sf_backend_memory, sf_backend_null;

const sf_backend *const sf_backends[] = {
#if SF_HAVE_HDF5
    &sf_backend_hdf5,
#endif
#if SF_HAVE_PNETCDF
    &sf_backend_pnetcdf,
#endif
    &sf_backend_mpiio, &sf_backend_zarr, &sf_backend_memory, &sf_backend_null, NULL,
};

const char *sf_backend_missing(const char *name)
{
    if (!SF_HAVE_HDF5 && strcmp(name, "hdf5") == 0)
        return "HDF5=0";
    if (!SF_HAVE_PNETCDF && strcmp(name, "pnetcdf") == 0)
        return "PNETCDF=0";
    return NULL;
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

int sf_meta_set(sf_file_meta *meta, const char *key, const char *value, char *err,
                size_t errlen)
{
    if (strcmp(key, "seed") == 0) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        if (errno || *end || end == value)
            goto bad;
        meta->spec.seed = v;
    } else if (strcmp(key, "shape") == 0) {
        char why[SF_ERRLEN];
        if (sf_parse_shape(value, 1, meta->shape, why, sizeof why) != 0)
            goto bad;
    } else if (strcmp(key, "dtype") == 0) {
        if (strcmp(value, "float32") != 0 && strcmp(value, "float64") != 0)
            goto bad;
        meta->spec.dtype = value[5] == '6' ? SF_FLOAT64 : SF_FLOAT32;
    } else if (strcmp(key, "distribution") == 0) {
        if (strcmp(value, "normal") != 0 && strcmp(value, "uniform") != 0)
            goto bad;
        meta->spec.dist = value[0] == 'u' ? SF_UNIFORM : SF_NORMAL;
    } else if (strcmp(key, "value_spec") == 0) {
        snprintf(meta->value_spec, sizeof meta->value_spec, "%s", value);
    }
    return 0;
bad:
    snprintf(err, errlen, "metadata %s has the unexpected value '%s'", key, value);
    return -1;
}

int sf_meta_bcast(MPI_Comm comm, const char *path, sf_meta_reader read, sf_file_meta *meta,
                  char *err, size_t errlen)
{
    struct {
        sf_file_meta meta;
        int ok;
        char err[256];
    } r = {.ok = 0};
    int rank;
    SF_MPI_CHECK(MPI_Comm_rank(comm, &rank));
    if (rank == 0)
        r.ok = read(path, &r.meta, r.err, sizeof r.err) == 0;
    SF_MPI_CHECK(MPI_Bcast(&r, (int)sizeof r, MPI_BYTE, 0, comm));
    if (!r.ok) {
        snprintf(err, errlen, "%s", r.err);
        return -1;
    }
    *meta = r.meta;
    return 0;
}

const sf_backend *sf_backend_find(const char *name)
{
    for (int i = 0; sf_backends[i]; i++)
        if (strcmp(sf_backends[i]->name, name) == 0)
            return sf_backends[i];
    return NULL;
}
