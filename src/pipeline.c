/* pipeline.c - a two-slot producer/consumer between a generator thread and the writing thread.
 * Slot i % 2 holds unit i. The generator waits for a free slot; the writer waits for a full one. */
#include "sf_pipeline.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sf_error.h"

enum { SLOTS = 2 };

struct sf_pipeline {
    const sf_value_spec *spec;
    const uint64_t *shape;
    const sf_work *work;
    int stop;
    int overlap;
    void *buf[SLOTS];
    int full[SLOTS];
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    double t_gen, t_wait;
};

double sf_clock(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        sf_die(__FILE__, __LINE__, "clock_gettime", "%s", strerror(errno));
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define PT_CHECK(call)                                                                        \
    do {                                                                                      \
        int pt_rc_ = (call);                                                                  \
        if (pt_rc_ != 0)                                                                      \
            sf_die(__FILE__, __LINE__, #call, "%s", strerror(pt_rc_));                        \
    } while (0)

static void generate(sf_pipeline *p, uint64_t i, void *buf)
{
    sf_box box = sf_work_box(p->work, i);
    double t = sf_clock();
    sf_fill_box(p->spec, p->shape, &box, buf);
    p->t_gen += sf_clock() - t; /* only the generating thread touches t_gen */
}

static void *generator(void *arg)
{
    sf_pipeline *p = arg;
    for (uint64_t i = 0; i < p->work->nunits; i++) {
        int s = (int)(i % SLOTS), stop;
        PT_CHECK(pthread_mutex_lock(&p->lock));
        while (p->full[s] && !p->stop)
            PT_CHECK(pthread_cond_wait(&p->changed, &p->lock));
        stop = p->stop;
        PT_CHECK(pthread_mutex_unlock(&p->lock));
        if (stop)
            break;
        generate(p, i, p->buf[s]);
        PT_CHECK(pthread_mutex_lock(&p->lock));
        p->full[s] = 1;
        PT_CHECK(pthread_cond_broadcast(&p->changed));
        PT_CHECK(pthread_mutex_unlock(&p->lock));
    }
    return NULL;
}

sf_pipeline *sf_pipeline_start(const sf_value_spec *spec, const uint64_t shape[3],
                               const sf_work *work, int overlap)
{
    sf_pipeline *p = sf_xcalloc(1, sizeof *p);
    p->spec = spec;
    p->shape = shape;
    p->work = work;
    p->overlap = overlap && work->nunits > 1;
    size_t bytes = work->nunits ? (size_t)work->unit_elems * sf_dtype_size(spec->dtype) : 1;
    for (int s = 0; s < (p->overlap ? SLOTS : 1); s++) {
        p->buf[s] = sf_xaligned(bytes);
    }
    if (p->overlap) {
        PT_CHECK(pthread_mutex_init(&p->lock, NULL));
        PT_CHECK(pthread_cond_init(&p->changed, NULL));
        /* Signals (SIGTERM, SIGUSR1) are for the main thread, which decides when to stop. */
        sigset_t all, old;
        sigfillset(&all);
        PT_CHECK(pthread_sigmask(SIG_BLOCK, &all, &old));
        PT_CHECK(pthread_create(&p->thread, NULL, generator, p));
        PT_CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL));
    }
    return p;
}

const void *sf_pipeline_next(sf_pipeline *p, uint64_t i, sf_box *box)
{
    *box = sf_work_box(p->work, i);
    if (i >= p->work->nunits)
        return p->buf[0]; /* empty unit: a valid pointer, nothing read */
    if (!p->overlap) {
        double t = sf_clock();
        generate(p, i, p->buf[0]);
        p->t_wait += sf_clock() - t;
        return p->buf[0];
    }
    int s = (int)(i % SLOTS);
    double t = sf_clock();
    PT_CHECK(pthread_mutex_lock(&p->lock));
    while (!p->full[s])
        PT_CHECK(pthread_cond_wait(&p->changed, &p->lock));
    PT_CHECK(pthread_mutex_unlock(&p->lock));
    p->t_wait += sf_clock() - t;
    return p->buf[s];
}

void sf_pipeline_release(sf_pipeline *p, uint64_t i)
{
    if (!p->overlap || i >= p->work->nunits)
        return;
    int s = (int)(i % SLOTS);
    PT_CHECK(pthread_mutex_lock(&p->lock));
    p->full[s] = 0;
    PT_CHECK(pthread_cond_broadcast(&p->changed));
    PT_CHECK(pthread_mutex_unlock(&p->lock));
}

void sf_pipeline_stop(sf_pipeline *p)
{
    if (!p->overlap)
        return;
    PT_CHECK(pthread_mutex_lock(&p->lock));
    p->stop = 1;
    PT_CHECK(pthread_cond_broadcast(&p->changed));
    PT_CHECK(pthread_mutex_unlock(&p->lock));
}

void sf_pipeline_finish(sf_pipeline *p, double *t_gen, double *t_wait)
{
    if (p->overlap) {
        PT_CHECK(pthread_join(p->thread, NULL));
        PT_CHECK(pthread_cond_destroy(&p->changed));
        PT_CHECK(pthread_mutex_destroy(&p->lock));
    }
    *t_gen = p->t_gen;
    *t_wait = p->t_wait;
    for (int s = 0; s < SLOTS; s++)
        free(p->buf[s]);
    free(p);
}
