/* sf_backend.h - the storage backend interface, one struct of function pointers per backend as
 * in IOR's aiori.h. Each backend lives in src/backend_NAME.c and is listed once in the table in
 * src/backends.c; the driver never asks which backend it is talking to. */
#ifndef SF_BACKEND_H
#define SF_BACKEND_H

#include <mpi.h>
#include <stdint.h>

#include "sf_meta.h"
#include "sf_plan.h"
#include "sf_values.h"

/* What a backend is asked to create. */
typedef struct {
    MPI_Comm comm;
    const char *path;     /* where to write: the partial name, renamed by the driver; NULL for
                             backends without a file */
    sf_file_meta meta;    /* the array: shape, spec and the words the file records */
    uint64_t z0, nz;      /* this rank's slices, for backends that keep them */
    MPI_Info info;        /* hints for MPI_File_open, may be MPI_INFO_NULL */
    int independent;      /* independent instead of collective I/O, where both exist */
    int sync;             /* close must sync the data to stable storage */
    int resume;           /* open the existing partial and keep its data, do not create */
} sf_target;

/* One row of the article's comparison (--compare) that a backend runs. */
typedef struct {
    int order;          /* where it comes among all backends' rows (the article's order) */
    const char *label;  /* e.g. "hdf5 (ex3)" */
    sf_dtype dtype;
    sf_dist dist;
} sf_article_row;

typedef struct sf_backend {
    const char *name;
    const char *missing;     /* non-NULL: left out of this build by this make variable
                                ("HDF5=0"); the row has nothing but its name, extension,
                                description and this */
    const char *ior_api;     /* IOR's name for this kind of I/O ("HDF5", "NCMPI", "MPIIO",
                                "POSIX"; "DUMMY" when nothing is stored), for the summary */
    const char *extension;   /* default output is "slab" + extension; NULL: writes no file */
    int directory;           /* the output is a directory store, not a file */
    int mpiio;               /* opens its file through MPI-IO (whose path limit then applies) */
    const char *sidecar;     /* a file beside the output that goes with it (".xxh3": NAME.xxh3),
                                renamed and replaced with it; NULL: none */
    const char *magic;       /* the format's first bytes, checked before any MPI-IO open */
    size_t magic_len;
    const char *description; /* one line for the README and --help */
    const sf_article_row *article; /* the rows of the article's comparison it runs ... */
    int narticle;                  /* ... and how many (0: none) */
    /* Contract: collective over t->comm. Creates t->path (replacing a leftover partial),
     * records the metadata needed to regenerate every value, and returns a handle. */
    void *(*create)(const sf_target *t);
    /* Contract: collective; every rank calls it the same number of times. buf holds the unit's
     * values densely in C order; an empty unit (nelem 0) joins the collective with nothing.
     * Returns only once every byte is confirmed written (the count the library reports);
     * dies otherwise. */
    void (*write)(void *handle, const sf_unit *u, const void *buf);
    /* Contract: collective; when the target asked for sync, syncs the data to stable storage
     * (MPI_File_sync or fsync); then closes and frees the handle. */
    void (*close)(void *handle);
    /* Optional (may be NULL). Contract: the MPI_Info the MPI library reports for the open file,
     * which the caller frees; MPI_INFO_NULL when there is none. */
    MPI_Info (*file_info)(void *handle);
    /* Contract: collective; makes everything written so far durable (a checkpoint) without
     * closing. */
    void (*flush)(void *handle);
    /* Contract: collective, once after the last unit and before close; digest holds every
     * slice's XXH3-64 (shape[0] of them, the same on every rank). Stores them where the
     * format keeps such things: HDF5 a dataset /slice_xxh3 (uint64[Z], on dimension z), netCDF
     * a variable slice_xxh3(z), Zarr an array slice_xxh3 beside data (uint64[Z], one chunk,
     * so that a store of any Z keeps small attributes), .npy the sidecar NAME.xxh3. All four
     * are named as data's coordinate. NULL for backends without a file. */
    void (*put_digests)(void *handle, const uint64_t *digest);
    /* Contract: rank 0 alone, like inspect: the digests stored with path, for its Z slices,
     * into digest. Returns 0, 1 when the file has none (written before slabfill 0.4.0), or -1
     * with a reason when they are there but malformed. */
    int (*get_digests)(const char *path, uint64_t Z, uint64_t *digest, char *err,
                       size_t errlen);
    /* Optional (may be NULL). Contract: the byte offset in the file of value g = 0 when the
     * values lie in it contiguously in C order, element size bytes each, so that the driver can
     * stream them out (src/writeback.c); -1 when they do not. */
    int64_t (*data_offset)(void *handle);

    /* Reading back, for resume, commit and verify. NULL for backends without a file. */
    /* Contract: rank 0 alone, with plain file I/O (or the format's library on this process
     * only), never blocking on a FIFO or following a link. Validates path as this format:
     * every header field that the format's own readers (numpy, zarr, HDF5, netCDF) use, and
     * slabfill's metadata words through sf_meta_set, each checked for type and size before
     * use; the two must agree. Fills meta. When need is not NULL it holds meta->shape[0] flags
     * (the caller knows Z from an earlier call), and the bytes of every flagged slice must be
     * in the file. Returns 0, or -1 with a one-line reason in err. Called through
     * sf_inspect. */
    int (*inspect)(const char *path, sf_file_meta *meta, const unsigned char *need, char *err,
                   size_t errlen);
    /* Contract: collective; opens path read-only for reading the values meta describes. The
     * caller has inspected it (sf_inspect_bcast, or inspect on rank 0), so the slices it reads
     * are there. Dies on I/O failure. */
    void *(*open_read)(MPI_Comm comm, const char *path, const sf_file_meta *meta);
    /* Contract: collective like write; fills buf with the box's values in C order. */
    void (*read)(void *handle, const sf_unit *u, void *buf);
    /* Contract: collective; closes and frees a handle from open_read. */
    void (*close_read)(void *handle);
} sf_backend;

/* Contract: the backend whose extension ends path (".h5", ".nc", ".npy", ".zarr", a trailing
 * slash allowed), or NULL. */
const sf_backend *sf_backend_for_path(const char *path);

/* Contract: collective over comm. Rank 0 checks path's magic (sf_magic_check) and runs
 * be->inspect on it with every slice needed, and every rank gets the same result: 0 with meta
 * filled, or -1 with the reason in err. */
int sf_inspect_bcast(MPI_Comm comm, const sf_backend *be, const char *path, sf_file_meta *meta,
                     char *err, size_t errlen);

/* Contract: rank 0 alone. path as be's format: first its magic bytes with plain I/O (so a
 * foreign file never reaches a library that might create helper files beside it), then
 * be->inspect; when need is not NULL, the file must hold need_z slices and the bytes of every
 * one flagged. 0 with meta filled, or -1 with a one-line reason in err. */
int sf_inspect(const sf_backend *be, const char *path, sf_file_meta *meta, uint64_t need_z,
               const unsigned char *need, char *err, size_t errlen);

/* Contract: for formats whose values lie contiguously from data_off: 0 when the bytes of every
 * slice flagged in need (meta->shape[0] flags, or NULL for none) lie within file_bytes, and,
 * with exact, the file is no longer than its values' end. Else -1 with a reason naming path
 * and the first missing slice. */
int sf_extent_check(const char *path, const sf_file_meta *meta, uint64_t data_off,
                    uint64_t file_bytes, const unsigned char *need, int exact, char *err,
                    size_t errlen);

/* Contract: sf_meta_complete, then that a format's own header (its shape, element type)
 * agrees with slabfill's metadata words: 0 or -1 with a reason naming path. */
int sf_meta_agrees(const char *path, const sf_file_meta *meta, const uint64_t shape[3],
                   size_t elem, char *err, size_t errlen);

/* Contract: the backend called name, or NULL. Its row may say it is missing. */
const sf_backend *sf_backend_find(const char *name);

/* Contract: the default backend: the first row built in. */
const sf_backend *sf_backend_default(void);

/* Optional operations, one wrapper each: what a backend without them means. */
/* Contract: the hints the MPI library reports for the open file, or MPI_INFO_NULL. */
static inline MPI_Info sf_backend_file_info(const sf_backend *be, void *h)
{
    return be->file_info ? be->file_info(h) : MPI_INFO_NULL;
}
/* Contract: where value 0 lies in the file when the values are one range, else -1. */
static inline int64_t sf_backend_data_offset(const sf_backend *be, void *h)
{
    return be->data_offset ? be->data_offset(h) : -1;
}

/* Contract: NULL-terminated table of every backend slabfill has, built in or not (missing),
 * the default first among those built in. */
extern const sf_backend *const sf_backends[];

#endif
