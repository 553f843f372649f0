/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pool.c: a fixed set of worker threads taking jobs from one FIFO */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pool.h"
#include "util.h"

struct pool_job {
	void (*fn)(void *);
	void *arg;
	struct pool_job *next;
};

struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pool_job *head, **tail;
	bool stopping;
	unsigned n;
	pthread_t *threads;
};

static void *
pool_worker(void *arg)
{
	struct pool *p = arg;
	struct pool_job *job;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		job = p->head;
		if (!job) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		p->head = job->next;
		if (!p->head)
			p->tail = &p->head;
		pthread_mutex_unlock(&p->lock);
		job->fn(job->arg);
		free(job);
	}
}

struct pool *
pool_new(unsigned n)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	sigset_t all, old;
	unsigned i;
	int err;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->tail = &p->head;
	p->threads = xcalloc(n, sizeof(pthread_t));
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < n; i++) {
		err = pthread_create(&p->threads[i], NULL, pool_worker, p);
		if (err) {
			log_error("cannot start worker thread: %s",
				  strerror(err));
			abort();
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	p->n = n;
	return p;
}

void
pool_submit(struct pool *p, void (*fn)(void *), void *arg)
{
	struct pool_job *job = xmalloc(sizeof(*job));

	job->fn = fn;
	job->arg = arg;
	job->next = NULL;
	pthread_mutex_lock(&p->lock);
	*p->tail = job;
	p->tail = &job->next;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void
pool_free(struct pool *p)
{
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p->threads);
	free(p);
}
