/* pipeline.c - a two-slot producer/consumer between a generator thread and the writing thread.
 * Slot i % 2 holds unit i. The generator waits for a free slot; the writer waits for a full one.
 * With threads > 1 each unit is filled by a pool (src/pool.c): the generating thread and its
 * workers, and the writer too whenever it would otherwise wait for values. */
#include "sf_pipeline.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf_error.h"
#include "sf_measure.h"
#include "sf_pool.h"

enum { SLOTS = 2 };

struct sf_pipeline {
    sf_producer produce;
    void *ctx;
    const sf_plan *plan;
    int code[SLOTS]; /* what the producer returned for the unit in each slot */
    int stop;
    int overlap;
    void *buf[SLOTS];
    int full[SLOTS];
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    sf_pool *pool; /* NULL: the producer runs on one thread */
    double t_gen, t_wait;
};


static int generate(sf_pipeline *p, uint64_t i, void *buf)
{
    sf_unit u = sf_plan_unit(p->plan, i);
    double t = sf_clock();
    int code = p->pool ? sf_pool_run(p->pool, p->produce, p->ctx, &u.box, buf)
                       : p->produce(p->ctx, &u.box, buf);
    p->t_gen += sf_clock() - t; /* only the generating thread touches t_gen */
    return code;
}

static void *generator(void *arg)
{
    sf_pipeline *p = arg;
    for (uint64_t i = 0; i < p->plan->nunits; i++) {
        int s = (int)(i % SLOTS), stop;
        SF_PT_CHECK(pthread_mutex_lock(&p->lock));
        while (p->full[s] && !p->stop)
            SF_PT_CHECK(pthread_cond_wait(&p->changed, &p->lock));
        stop = p->stop;
        SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
        if (stop)
            break;
        int code = generate(p, i, p->buf[s]);
        SF_PT_CHECK(pthread_mutex_lock(&p->lock));
        p->code[s] = code;
        p->full[s] = 1;
        SF_PT_CHECK(pthread_cond_broadcast(&p->changed));
        SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
        if (code != 0)
            break; /* the producer asked to stop: nothing after this unit is wanted */
    }
    return NULL;
}

sf_pipeline *sf_pipeline_start(sf_producer produce, void *ctx, const sf_plan *plan,
                               int overlap, int threads)
{
    sf_pipeline *p = sf_xcalloc(1, sizeof *p);
    p->produce = produce;
    p->ctx = ctx;
    p->plan = plan;
    p->overlap = overlap && plan->nunits > 1;
    /* threads in all: with overlap the generator thread, the workers, and the writer when it
     * has nothing to write; without, the writer (between writes) and the workers. */
    if (threads > 1)
        p->pool = sf_pool_start(threads - 1 - p->overlap, plan->elem);
    size_t bytes = plan->nunits ? (size_t)(plan->unit_elems * plan->elem) : 1;
    for (int s = 0; s < (p->overlap ? SLOTS : 1); s++) {
        p->buf[s] = sf_xaligned(bytes);
    }
    if (p->overlap) {
        SF_PT_CHECK(pthread_mutex_init(&p->lock, NULL));
        SF_PT_CHECK(pthread_cond_init(&p->changed, NULL));
        /* Signals (SIGTERM, SIGUSR1) are for the main thread, which decides when to stop. */
        sigset_t all, old;
        sigfillset(&all);
        SF_PT_CHECK(pthread_sigmask(SIG_BLOCK, &all, &old));
        SF_PT_CHECK(pthread_create(&p->thread, NULL, generator, p));
        SF_PT_CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL));
    }
    return p;
}

const void *sf_pipeline_next(sf_pipeline *p, uint64_t i, sf_unit *u, int *code)
{
    *u = sf_plan_unit(p->plan, i);
    *code = 0;
    if (i >= p->plan->nunits)
        return p->buf[0]; /* empty unit: a valid pointer, nothing read */
    double t = sf_clock();
    int s = 0;
    if (!p->overlap) {
        *code = generate(p, i, p->buf[0]);
    } else {
        s = (int)(i % SLOTS);
        SF_PT_CHECK(pthread_mutex_lock(&p->lock));
        while (!p->full[s]) {
            /* Rather than wait, fill chunks of the unit under way (pool). */
            SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
            int helped = p->pool && sf_pool_help(p->pool, p->buf[s]);
            SF_PT_CHECK(pthread_mutex_lock(&p->lock));
            if (!helped && !p->full[s])
                SF_PT_CHECK(pthread_cond_wait(&p->changed, &p->lock));
        }
        *code = p->code[s];
        SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
    }
    p->t_wait += sf_clock() - t;
    return *code ? NULL : p->buf[s];
}

void sf_pipeline_release(sf_pipeline *p, uint64_t i)
{
    if (!p->overlap || i >= p->plan->nunits)
        return;
    int s = (int)(i % SLOTS);
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    p->full[s] = 0;
    SF_PT_CHECK(pthread_cond_broadcast(&p->changed));
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
}

void sf_pipeline_stop(sf_pipeline *p)
{
    if (!p->overlap)
        return;
    SF_PT_CHECK(pthread_mutex_lock(&p->lock));
    p->stop = 1;
    SF_PT_CHECK(pthread_cond_broadcast(&p->changed));
    SF_PT_CHECK(pthread_mutex_unlock(&p->lock));
}

void sf_pipeline_finish(sf_pipeline *p, double *t_gen, double *t_wait)
{
    if (p->overlap) {
        SF_PT_CHECK(pthread_join(p->thread, NULL));
        SF_PT_CHECK(pthread_cond_destroy(&p->changed));
        SF_PT_CHECK(pthread_mutex_destroy(&p->lock));
    }
    sf_pool_finish(p->pool);
    *t_gen = p->t_gen;
    *t_wait = p->t_wait;
    for (int s = 0; s < SLOTS; s++)
        free(p->buf[s]);
    free(p);
}
