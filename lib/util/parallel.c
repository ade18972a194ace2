/*
 * ath_parallel_for: items handed out by an atomic counter to threads that
 * each take the next chunk until none is left. No pool stays behind: the
 * threads end with the call.
 */
#include "util/parallel.h"

#include <pthread.h>
#include <unistd.h>

typedef struct shared {
    size_t n, chunk;
    void (*task)(void *ctx, size_t worker, size_t item);
    void *ctx;
    atomic_bool *stop;
    atomic_size_t next; /* the first item of the next chunk */
} shared;

typedef struct worker {
    shared *sh;
    size_t index;
} worker;

static void *work(void *arg)
{
    const worker *w = arg;
    shared *sh = w->sh;
    while (!(sh->stop && atomic_load(sh->stop))) {
        size_t first = atomic_fetch_add(&sh->next, sh->chunk);
        if (first >= sh->n)
            break;
        size_t end = sh->n - first > sh->chunk ? first + sh->chunk : sh->n;
        for (size_t i = first; i < end; i++)
            sh->task(sh->ctx, w->index, i);
    }
    return NULL;
}

size_t ath_parallel_workers(size_t n, size_t chunk, size_t min_items)
{
    if (n < min_items || chunk == 0)
        return 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = cpus > 1 ? (size_t)cpus : 1;
    if (workers > ATH_PARALLEL_MAX)
        workers = ATH_PARALLEL_MAX;
    size_t chunks = (n + chunk - 1) / chunk;
    return workers < chunks ? workers : (chunks ? chunks : 1);
}

void ath_parallel_for(size_t n, size_t chunk, size_t workers,
                      void (*task)(void *ctx, size_t worker, size_t item), void *ctx,
                      atomic_bool *stop)
{
    if (n == 0)
        return;
    if (workers < 1)
        workers = 1;
    if (workers > ATH_PARALLEL_MAX)
        workers = ATH_PARALLEL_MAX;
    shared sh = {n, chunk ? chunk : 1, task, ctx, stop, 0};
    worker ws[ATH_PARALLEL_MAX];
    pthread_t threads[ATH_PARALLEL_MAX];
    size_t started = 1;
    for (size_t i = 0; i < workers; i++)
        ws[i] = (worker){&sh, i};
    for (; started < workers; started++)
        if (pthread_create(&threads[started], NULL, work, &ws[started]) != 0)
            break;
    work(&ws[0]);
    for (size_t i = 1; i < started; i++)
        pthread_join(threads[i], NULL);
}
