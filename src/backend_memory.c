/* backend_memory.c - the seed article's ex1/ex2: each rank keeps its whole part of the array in
 * RAM, touched as it is filled, and writes no file. Its summary shows what that costs. */
#include <stdlib.h>
#include <string.h>

#include "sf_backend.h"
#include "sf_error.h"

typedef struct {
    char *data;
    uint64_t z0, X, Y;
    size_t es;
} mem_handle;

static void *mem_create(const sf_target *t)
{
    mem_handle *h = sf_xcalloc(1, sizeof *h);
    h->es = sf_dtype_size(t->meta.spec.dtype);
    h->z0 = t->z0;
    h->X = t->meta.shape[1];
    h->Y = t->meta.shape[2];
    size_t bytes = (size_t)(t->nz * h->X * h->Y) * h->es;
    /* malloc, not calloc: like np.zeros, pages become resident only as they are filled. */
    h->data = malloc(bytes ? bytes : 1);
    if (!h->data)
        sf_die(__FILE__, __LINE__, "malloc", "cannot hold this rank's %zu bytes of the array in "
               "memory; use a file backend", bytes);
    return h;
}

static void mem_write(void *handle, const sf_unit *u, const void *buf)
{
    mem_handle *h = handle;
    if (u->nelem) /* this rank holds its slices from z0 on */
        memcpy(h->data + u->offset - h->z0 * h->X * h->Y * h->es, buf, (size_t)u->nbytes);
}

static void mem_close(void *handle)
{
    mem_handle *h = handle;
    free(h->data);
    free(h);
}

static void mem_flush(void *handle) { (void)handle; }

/* The article's ex1 (np.random.rand: uniform float64) and ex2 (standard_normal float32), run
 * first so that their peaks show what holding the array costs. */
static const sf_article_row ARTICLE[] = {{1, "memory float64 (ex1)", SF_FLOAT64, SF_UNIFORM},
                                         {2, "memory float32 (ex2)", SF_FLOAT32, SF_NORMAL}};

const sf_backend sf_backend_memory = {
    .name = "memory",
    .ior_api = "DUMMY",
    .extension = NULL,
    .description = "the whole array in RAM, each rank its part (the seed's ex1/ex2)",
    .article = ARTICLE,
    .narticle = 2,
    .create = mem_create,
    .write = mem_write,
    .close = mem_close,
    .flush = mem_flush,
};
