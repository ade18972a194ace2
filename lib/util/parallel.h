/*
 * Work shared among threads: the items of a list handed out in order, a
 * chunk at a time, to one thread per processor (the calling thread among
 * them). The callers keep each item's results apart and put them together
 * in item order, so that what they report does not depend on the threads.
 */
#ifndef ATH_UTIL_PARALLEL_H
#define ATH_UTIL_PARALLEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define ATH_PARALLEL_MAX 4

/* Threads worth starting for `n` items: 1 under `min_items`, else one per
 * online processor, at most ATH_PARALLEL_MAX and one per chunk. */
size_t ath_parallel_workers(size_t n, size_t chunk, size_t min_items);

/*
 * Calls task(ctx, worker, item) once for every item below `n`, on `workers`
 * threads (worker 0 is the calling thread, the others 1 .. workers-1), and
 * returns when every call has returned. Items are taken in increasing
 * order, `chunk` at a time; a chunk begun is finished, but none is begun
 * once *stop (NULL: never) is true, so every item before the one that set
 * it has been done. A thread that cannot be started leaves its share to
 * the others.
 */
void ath_parallel_for(size_t n, size_t chunk, size_t workers,
                      void (*task)(void *ctx, size_t worker, size_t item), void *ctx,
                      atomic_bool *stop);

#endif
