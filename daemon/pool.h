/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pool.h: a fixed set of worker threads taking jobs from one FIFO */
#ifndef FSD_POOL_H
#define FSD_POOL_H

struct pool;

/* Start n (>= 1) workers; they block every signal. */
struct pool *pool_new(unsigned n);
/* Queue fn(arg); never blocks (the list is unbounded). */
void pool_submit(struct pool *p, void (*fn)(void *), void *arg);
/* Run the queued jobs to the end, then stop and free the workers. */
void pool_free(struct pool *p);

#endif
