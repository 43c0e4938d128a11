/* sf_backend.h - the storage backend interface, one struct of function pointers per backend as
 * in IOR's aiori.h. Each backend lives in src/backend_NAME.c and is listed once in the table in
 * src/backends.c; the driver never asks which backend it is talking to. */
#ifndef SF_BACKEND_H
#define SF_BACKEND_H

#include <mpi.h>
#include <stdint.h>

#include "sf_values.h"

/* What a backend is asked to create. */
typedef struct {
    MPI_Comm comm;
    const char *path;     /* where to write: the partial name, renamed by the driver; NULL for
                             backends without a file */
    uint64_t shape[3];
    sf_value_spec spec;
    uint64_t z0, nz;      /* this rank's slices, for backends that keep them */
    MPI_Info info;        /* hints for MPI_File_open, may be MPI_INFO_NULL */
    int independent;      /* independent instead of collective I/O, where both exist */
    int sync;             /* close must sync the data to stable storage */
    int resume;           /* open the existing partial and keep its data, do not create */
} sf_target;

/* What a file says about itself: enough to regenerate every value. */
typedef struct {
    uint64_t shape[3];
    sf_value_spec spec;
    char value_spec[64];  /* the value_spec it was written under */
} sf_file_meta;

typedef struct sf_backend {
    const char *name;
    const char *extension;   /* default output is "slab" + extension; NULL: writes no file */
    int directory;           /* the output is a directory store, not a file */
    const char *magic;       /* the format's first bytes, checked before any MPI-IO open */
    size_t magic_len;
    const char *description; /* one line for the README and --compare */
    /* Contract: collective over t->comm. Creates t->path (replacing a leftover partial),
     * records the metadata needed to regenerate every value, and returns a handle. */
    void *(*create)(const sf_target *t);
    /* Contract: collective; every rank calls it the same number of times. buf holds the box's
     * values densely in C order; an empty box (zero counts) joins the collective with nothing.
     * Returns only on success. */
    void (*write)(void *handle, const sf_box *box, const void *buf);
    /* Contract: collective; when the target asked for sync, syncs the data to stable storage
     * (MPI_File_sync or fsync); then closes and frees the handle. */
    void (*close)(void *handle);
    /* Optional (may be NULL). Contract: the MPI_Info the MPI library reports for the open file,
     * which the caller frees; MPI_INFO_NULL when there is none. */
    MPI_Info (*file_info)(void *handle);
    /* Contract: collective; makes everything written so far durable (a checkpoint) without
     * closing. */
    void (*flush)(void *handle);
    /* Optional (may be NULL). Contract: the byte offset in the file of value g = 0 when the
     * values lie in it contiguously in C order, element size bytes each, so that the driver can
     * stream them out (src/writeback.c); -1 when they do not. */
    int64_t (*data_offset)(void *handle);

    /* Reading back, for verify. NULL for backends without a file. */
    /* Contract: collective; opens path read-only and fills meta from the file's own metadata.
     * Returns NULL, with a reason in err, when the file is not one slabfill wrote. */
    void *(*open_read)(MPI_Comm comm, const char *path, sf_file_meta *meta, char *err,
                       size_t errlen);
    /* Contract: collective like write; fills buf with the box's values in C order. */
    void (*read)(void *handle, const sf_box *box, void *buf);
    /* Contract: collective; closes and frees a handle from open_read. */
    void (*close_read)(void *handle);
} sf_backend;

/* Contract: the backend whose extension ends path (".h5", ".nc", ".npy", ".zarr", a trailing
 * slash allowed), or NULL. */
const sf_backend *sf_backend_for_path(const char *path);

/* Contract: rank 0 reads path's metadata with read (returning 0, or -1 with a reason), and every
 * rank of comm gets the same result: 0 with meta filled, or -1 with the reason in err.
 * Collective. For formats whose metadata is a small file read with plain stdio. */
typedef int (*sf_meta_reader)(const char *path, sf_file_meta *meta, char *err, size_t errlen);
int sf_meta_bcast(MPI_Comm comm, const char *path, sf_meta_reader read, sf_file_meta *meta,
                  char *err, size_t errlen);

/* Contract: parses the metadata words shared by every format ("seed", "shape", "dtype",
 * "distribution", "value_spec" as key/value strings) into meta. Returns 0, or -1 with a reason. */
int sf_meta_set(sf_file_meta *meta, const char *key, const char *value, char *err,
                size_t errlen);

/* Contract: for a backend that exists in slabfill but was left out of this build, the make
 * variable that left it out ("HDF5=0"); NULL otherwise. */
const char *sf_backend_missing(const char *name);

/* Contract: the backend called name, or NULL. */
const sf_backend *sf_backend_find(const char *name);

/* Contract: NULL-terminated table of every built-in backend, default first. */
extern const sf_backend *const sf_backends[];

#endif
