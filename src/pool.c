/* pool.c - spare cores filling one unit together (sf_pool.h). One mutex guards the job: a
 * chunk is a large piece of work (a share of a unit of up to 1 GiB), so taking the lock once
 * per chunk costs nothing measurable. */
#include "sf_pool.h"

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_error.h"

/* Of two producer codes, the one furthest from 0 (a negative code stops a run too). */
static int furthest(int a, int b)
{
    long la = a < 0 ? -(long)a : a, lb = b < 0 ? -(long)b : b;
    return la >= lb ? a : b;
}

/* Chunks per thread: enough that a thread slowed by the I/O thread or the OS does not hold up
 * the unit, few enough that each stays large. */
enum { CHUNKS_PER_THREAD = 4 };

struct sf_pool {
    pthread_mutex_t lock;
    pthread_cond_t work, finished;
    pthread_t *threads;
    int workers, quit;
    size_t elem;
    /* The job under way: */
    sf_pool_fill fill;
    void *ctx;
    int code;        /* the code furthest from 0 that fill returned */
    sf_box box;
    char *out;
    uint64_t rows;   /* count[0] * count[1], or count[2] for a part of one row */
    uint64_t chunks, next, done;
    int active;
};

/* The rows [r0, r1) of the job's box, as the few boxes they make: the rest of a slice, whole
 * slices, the start of a slice. A box of one row is cut by columns instead. */
static int fill_rows(sf_pool *p, uint64_t r0, uint64_t r1)
{
    const sf_box *b = &p->box;
    const uint64_t c1 = b->count[1], c2 = b->count[2];
    if (b->count[0] * c1 == 1) {
        sf_box piece = *b;
        piece.start[2] += r0;
        piece.count[2] = r1 - r0;
        return p->fill(p->ctx, &piece, p->out + r0 * p->elem);
    }
    int code = 0;
    for (uint64_t r = r0, n; r < r1; r += n) {
        sf_box piece = *b;
        uint64_t z = r / c1, x = r % c1;
        piece.start[0] += z;
        if (x != 0 || r1 - r < c1) { /* a part of one slice */
            n = c1 - x < r1 - r ? c1 - x : r1 - r;
            piece.count[0] = 1;
            piece.start[1] += x;
            piece.count[1] = n;
        } else { /* whole slices of the box */
            piece.count[0] = (r1 - r) / c1;
            n = piece.count[0] * c1;
        }
        int c = p->fill(p->ctx, &piece, p->out + r * c2 * p->elem);
        code = furthest(code, c);
    }
    return code;
}

/* Takes and fills chunks until none is left (of the job filling only, when not NULL); called
 * and returns with the lock held. */
static int take_chunks(sf_pool *p, const void *only)
{
    int did = 0;
    while (p->active && p->next < p->chunks && (!only || only == p->out)) {
        uint64_t k = p->next++, n = p->chunks;
        SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
        int code = fill_rows(p, k * p->rows / n, (k + 1) * p->rows / n);
        SF_PT_CHECK(pthread_mutex_lock(&p->lock));
        p->code = furthest(p->code, code);
        did = 1;
        if (++p->done == p->chunks)
            SF_PT_CHECK(pthread_cond_broadcast(&p->finished));
    }
    return did;
}

static void *worker(void *arg)
{
    sf_pool *p = arg;
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    while (!p->quit) {
        if (!take_chunks(p, NULL))
            SF_PT_CHECK(pthread_cond_wait(&p->work, &p->lock));
    }
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
    return NULL;
}

sf_pool *sf_pool_start(int workers, size_t elem)
{
    sf_pool *p = sf_xcalloc(1, sizeof *p);
    p->workers = workers > 0 ? workers : 0;
    p->elem = elem;
    SF_PT_CHECK(pthread_mutex_init(&p->lock, NULL));
    SF_PT_CHECK(pthread_cond_init(&p->work, NULL));
    SF_PT_CHECK(pthread_cond_init(&p->finished, NULL));
    p->threads = sf_xcalloc((size_t)p->workers + 1, sizeof *p->threads);
    sigset_t all, old;
    sigfillset(&all);
    SF_PT_CHECK(pthread_sigmask(SIG_BLOCK, &all, &old));
    for (int i = 0; i < p->workers; i++)
        SF_PT_CHECK(pthread_create(&p->threads[i], NULL, worker, p));
    SF_PT_CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL));
    return p;
}

int sf_pool_run(sf_pool *p, sf_pool_fill fill, void *ctx, const sf_box *box, void *out)
{
    uint64_t rows = box->count[0] * box->count[1];
    rows = rows == 1 ? box->count[2] : rows;
    uint64_t chunks = (uint64_t)(p->workers + 2) * CHUNKS_PER_THREAD;
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    assert(!p->active); /* one job at a time: our own bug otherwise */
    p->fill = fill;
    p->ctx = ctx;
    p->box = *box;
    p->out = out;
    p->rows = rows;
    p->chunks = rows < chunks ? rows : chunks;
    p->next = p->done = 0;
    p->code = 0;
    p->active = p->chunks > 0;
    SF_PT_CHECK(pthread_cond_broadcast(&p->work));
    take_chunks(p, NULL);
    while (p->done < p->chunks)
        SF_PT_CHECK(pthread_cond_wait(&p->finished, &p->lock));
    p->active = 0;
    int code = p->code;
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
    return code;
}

int sf_pool_help(sf_pool *p, const void *out)
{
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    int did = take_chunks(p, out);
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
    return did;
}

void sf_pool_finish(sf_pool *p)
{
    if (!p)
        return;
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    p->quit = 1;
    SF_PT_CHECK(pthread_cond_broadcast(&p->work));
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
    for (int i = 0; i < p->workers; i++)
        SF_PT_CHECK(pthread_join(p->threads[i], NULL));
    SF_PT_CHECK(pthread_cond_destroy(&p->work));
    SF_PT_CHECK(pthread_cond_destroy(&p->finished));
    SF_PT_CHECK(pthread_mutex_destroy(&p->lock));
    free(p->threads);
    free(p);
}
