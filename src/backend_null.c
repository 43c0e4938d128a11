/* backend_null.c - generation only: values are generated and dropped, so the summary measures the
 * generator's throughput and nothing else. */
#include "sf_backend.h"

static int null_handle; /* any non-NULL handle will do */

static void *null_create(const sf_target *t)
{
    (void)t;
    return &null_handle;
}

static void null_write(void *handle, const sf_unit *u, const void *buf)
{
    (void)handle, (void)u, (void)buf;
}

static void null_close(void *handle) { (void)handle; }
static void null_flush(void *handle) { (void)handle; }

const sf_backend sf_backend_null = {
    .name = "null",
    .ior_api = "DUMMY",
    .extension = NULL,
    .description = "generation only, no storage: measures the generator",
    .create = null_create,
    .write = null_write,
    .close = null_close,
    .flush = null_flush,
};
