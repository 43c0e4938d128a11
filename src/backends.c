/* backends.c - the one table of built-in backends. The first entry is the default. */
#include <string.h>

#include "sf_backend.h"

extern const sf_backend sf_backend_hdf5, sf_backend_pnetcdf, sf_backend_mpiio, sf_backend_zarr,
    sf_backend_memory, sf_backend_null;

const sf_backend *const sf_backends[] = {
    &sf_backend_hdf5, &sf_backend_pnetcdf, &sf_backend_mpiio, &sf_backend_zarr,
    &sf_backend_memory, &sf_backend_null, NULL,
};

const sf_backend *sf_backend_find(const char *name)
{
    for (int i = 0; sf_backends[i]; i++)
        if (strcmp(sf_backends[i]->name, name) == 0)
            return sf_backends[i];
    return NULL;
}
