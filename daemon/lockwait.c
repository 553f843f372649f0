/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lockwait.c: requests waiting for a file lock (SETLKW), retried off-queue */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lockwait.h"
#include "log.h"
#include "util.h"

/* How often to look again when the holder is outside the daemon. */
#define LOCKWAIT_POLL_NS (10 * 1000 * 1000)

/*
 * Entries are linked and unlinked only under lock; the thread takes a
 * snapshot of them, works on it unlocked, and unlinks (and frees) the
 * finished ones afterwards, so a concurrent lockwait_interrupt() always
 * walks a consistent list of live entries.
 */
struct lockwait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	struct lockwait_entry *head, **tail;
	unsigned count;
	bool kicked;
	bool stopping;
};

static void
lockwait_work(struct lockwait_entry *e)
{
	if (__atomic_load_n(&e->dropped, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&e->finished, true, __ATOMIC_RELEASE);
		return;
	}
	if (e->result < 0) {
		if (__atomic_load_n(&e->cancelled, __ATOMIC_ACQUIRE))
			e->result = EINTR;
		else
			e->result = e->retry(e);
		if (e->result == EAGAIN)
			e->result = -1;
	}
	if (e->result >= 0 && e->deliver(e, e->result) != EAGAIN)
		__atomic_store_n(&e->finished, true, __ATOMIC_RELEASE);
}

/* Unlink and free finished entries (lock held). */
static void
lockwait_reap(struct lockwait *lw)
{
	struct lockwait_entry **pp = &lw->head, *e;

	while ((e = *pp)) {
		if (!e->finished) {
			pp = &e->next;
			continue;
		}
		*pp = e->next;
		lw->count--;
		e->free(e);
	}
	lw->tail = pp;
}

static void
lockwait_wait(struct lockwait *lw)
{
	struct timespec ts;

	if (lw->kicked || lw->stopping)
		return;
	if (!lw->head) {
		pthread_cond_wait(&lw->cond, &lw->lock);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += LOCKWAIT_POLL_NS;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&lw->cond, &lw->lock, &ts);
}

static void *
lockwait_thread(void *arg)
{
	struct lockwait *lw = arg;
	struct lockwait_entry **snap, *e;
	unsigned n, i;

	pthread_mutex_lock(&lw->lock);
	while (!lw->stopping) {
		lockwait_wait(lw);
		lw->kicked = false;
		if (lw->stopping || !lw->head)
			continue;
		/* Oldest first: the longest waiter gets the lock. */
		snap = xmalloc(lw->count * sizeof(*snap));
		n = 0;
		for (e = lw->head; e; e = e->next)
			snap[n++] = e;
		pthread_mutex_unlock(&lw->lock);
		for (i = 0; i < n; i++)
			lockwait_work(snap[i]);
		free(snap);
		pthread_mutex_lock(&lw->lock);
		lockwait_reap(lw);
	}
	pthread_mutex_unlock(&lw->lock);
	return NULL;
}

struct lockwait *
lockwait_new(void)
{
	struct lockwait *lw = xcalloc(1, sizeof(*lw));
	sigset_t all, old;
	int err;

	pthread_mutex_init(&lw->lock, NULL);
	pthread_cond_init(&lw->cond, NULL);
	lw->tail = &lw->head;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&lw->thread, NULL, lockwait_thread, lw);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_error("cannot start the lock thread: %s", strerror(err));
		abort();
	}
	return lw;
}

void
lockwait_free(struct lockwait *lw)
{
	struct lockwait_entry *e, *next;

	if (!lw)
		return;
	pthread_mutex_lock(&lw->lock);
	lw->stopping = true;
	pthread_cond_signal(&lw->cond);
	pthread_mutex_unlock(&lw->lock);
	pthread_join(lw->thread, NULL);
	for (e = lw->head; e; e = next) {
		next = e->next;
		e->free(e);
	}
	pthread_mutex_destroy(&lw->lock);
	pthread_cond_destroy(&lw->cond);
	free(lw);
}

bool
lockwait_add(struct lockwait *lw, struct lockwait_entry *e)
{
	e->result = -1;
	e->finished = false;
	e->cancelled = false;
	e->dropped = false;
	e->next = NULL;
	pthread_mutex_lock(&lw->lock);
	if (lw->count >= LOCKWAIT_MAX) {
		pthread_mutex_unlock(&lw->lock);
		return false;
	}
	lw->count++;
	*lw->tail = e;
	lw->tail = &e->next;
	lw->kicked = true;
	pthread_cond_signal(&lw->cond);
	pthread_mutex_unlock(&lw->lock);
	return true;
}

void
lockwait_kick(struct lockwait *lw)
{
	pthread_mutex_lock(&lw->lock);
	if (lw->head) {
		lw->kicked = true;
		pthread_cond_signal(&lw->cond);
	}
	pthread_mutex_unlock(&lw->lock);
}

bool
lockwait_interrupt(struct lockwait *lw, uint64_t unique)
{
	struct lockwait_entry *e;

	pthread_mutex_lock(&lw->lock);
	for (e = lw->head; e; e = e->next)
		if (e->unique == unique &&
		    !__atomic_load_n(&e->finished, __ATOMIC_ACQUIRE))
			break;
	if (e) {
		__atomic_store_n(&e->cancelled, true, __ATOMIC_RELEASE);
		lw->kicked = true;
		pthread_cond_signal(&lw->cond);
	}
	pthread_mutex_unlock(&lw->lock);
	return e != NULL;
}

void
lockwait_drop_all(struct lockwait *lw)
{
	struct lockwait_entry *e;

	pthread_mutex_lock(&lw->lock);
	for (e = lw->head; e; e = e->next)
		__atomic_store_n(&e->dropped, true, __ATOMIC_RELEASE);
	if (lw->head) {
		lw->kicked = true;
		pthread_cond_signal(&lw->cond);
	}
	pthread_mutex_unlock(&lw->lock);
}
