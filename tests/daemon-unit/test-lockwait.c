/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-lockwait.c: blocking lock requests retried off-queue (lockwait.c) */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockwait.h"
#include "tap.h"

/*
 * A request whose lock the test grants or refuses by setting answer; the
 * callbacks (in lockwait's thread) record what happened and wake the test,
 * which waits for events, never for a time. A broken module hangs instead
 * of answering: the watchdog turns that into a failure.
 */
struct req {
	struct lockwait_entry e;
	int answer;	    /* what retry returns */
	int deliver_answer; /* what deliver returns */
	int retries;
	int delivered;	    /* deliveries */
	int err;	    /* the last one's errno */
	bool freed;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int nfreed;

static int
req_retry(struct lockwait_entry *e)
{
	struct req *r = (struct req *)e;
	int a;

	pthread_mutex_lock(&mu);
	r->retries++;
	a = r->answer;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return a;
}

static int
req_deliver(struct lockwait_entry *e, int err)
{
	struct req *r = (struct req *)e;
	int a;

	pthread_mutex_lock(&mu);
	r->delivered++;
	r->err = err;
	a = r->deliver_answer;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return a;
}

static void
req_free(struct lockwait_entry *e)
{
	struct req *r = (struct req *)e;

	pthread_mutex_lock(&mu);
	r->freed = true;
	nfreed++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
req_init(struct req *r, uint64_t unique, int answer)
{
	memset(r, 0, sizeof(*r));
	r->e.retry = req_retry;
	r->e.deliver = req_deliver;
	r->e.free = req_free;
	r->e.unique = unique;
	r->answer = answer;
}

/* Wait until *field reaches at least want (a field of a struct req). */
static void
wait_for(const int *field, int want)
{
	pthread_mutex_lock(&mu);
	while (*field < want)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void
wait_freed(const struct req *r)
{
	pthread_mutex_lock(&mu);
	while (!r->freed)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void
set_answer(struct req *r, int answer, int deliver_answer)
{
	pthread_mutex_lock(&mu);
	r->answer = answer;
	r->deliver_answer = deliver_answer;
	pthread_mutex_unlock(&mu);
}

static void
watchdog(int sig)
{
	static const char msg[] = "Bail out! lockwait never answered\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static void
test_granted(struct lockwait *lw)
{
	struct req r;

	req_init(&r, 1, 0);
	tap_ok(lockwait_add(lw, &r.e), "a lock granted at once");
	wait_freed(&r);
	tap_ok(r.delivered == 1 && r.err == 0 && r.retries == 1,
	       "  answered 0 once, after one retry, then freed");
}

static void
test_kick(struct lockwait *lw)
{
	struct req r;

	req_init(&r, 2, EAGAIN);
	tap_ok(lockwait_add(lw, &r.e), "a lock held elsewhere");
	wait_for(&r.retries, 1);
	pthread_mutex_lock(&mu);
	tap_ok(r.delivered == 0 && !r.freed, "  still blocked: no answer");
	pthread_mutex_unlock(&mu);
	set_answer(&r, 0, 0);
	lockwait_kick(lw);
	wait_freed(&r);
	tap_ok(r.delivered == 1 && r.err == 0,
	       "  granted after the holder let go");
}

static void
test_error(struct lockwait *lw)
{
	struct req r;

	req_init(&r, 3, EDEADLK);
	tap_ok(lockwait_add(lw, &r.e), "a lock that fails");
	wait_freed(&r);
	tap_ok(r.delivered == 1 && r.err == EDEADLK,
	       "  answered with its errno");
}

static void
test_interrupt(struct lockwait *lw)
{
	struct req r;

	req_init(&r, 4, EAGAIN);
	tap_ok(lockwait_add(lw, &r.e), "a waiter to interrupt");
	wait_for(&r.retries, 1);
	tap_ok(!lockwait_interrupt(lw, 99), "INTERRUPT of another request");
	tap_ok(lockwait_interrupt(lw, 4), "INTERRUPT of the waiter");
	wait_freed(&r);
	tap_ok(r.delivered == 1 && r.err == EINTR, "  answered with EINTR");
	tap_ok(!lockwait_interrupt(lw, 4), "INTERRUPT once it is gone");
}

static void
test_deliver_later(struct lockwait *lw)
{
	struct req r;
	int retries;

	req_init(&r, 5, 0);
	r.deliver_answer = EAGAIN;
	tap_ok(lockwait_add(lw, &r.e), "granted while the queue is stopped");
	wait_for(&r.delivered, 1);
	pthread_mutex_lock(&mu);
	tap_ok(!r.freed, "  kept while it cannot be answered");
	retries = r.retries;
	r.deliver_answer = 0;
	pthread_mutex_unlock(&mu);
	lockwait_kick(lw);
	wait_freed(&r);
	tap_ok(r.delivered >= 2 && r.err == 0 && r.retries == retries,
	       "  answered later, the lock not taken again");
}

static void
test_drop_all(struct lockwait *lw)
{
	struct req r[2];

	req_init(&r[0], 6, EAGAIN);
	req_init(&r[1], 7, EAGAIN);
	tap_ok(lockwait_add(lw, &r[0].e) && lockwait_add(lw, &r[1].e),
	       "two waiters of an old session");
	wait_for(&r[1].retries, 1);
	lockwait_drop_all(lw);
	wait_freed(&r[0]);
	wait_freed(&r[1]);
	tap_ok(r[0].delivered == 0 && r[1].delivered == 0,
	       "  a new session frees them unanswered");
}

static void
test_max(struct lockwait *lw)
{
	struct req *r = calloc(LOCKWAIT_MAX + 1, sizeof(*r));
	bool all = true;
	int before;
	unsigned i;

	for (i = 0; i <= LOCKWAIT_MAX; i++)
		req_init(&r[i], 100 + i, EAGAIN);
	pthread_mutex_lock(&mu);
	before = nfreed;
	pthread_mutex_unlock(&mu);
	for (i = 0; i < LOCKWAIT_MAX; i++)
		all = lockwait_add(lw, &r[i].e) && all;
	tap_ok(all, "%d waiters", LOCKWAIT_MAX);
	tap_ok(!lockwait_add(lw, &r[LOCKWAIT_MAX].e), "  not one more");
	lockwait_drop_all(lw);
	pthread_mutex_lock(&mu);
	while (nfreed < before + LOCKWAIT_MAX)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	tap_ok(!r[LOCKWAIT_MAX].freed, "  the refused one stays the caller's");
	req_init(&r[0], 100, 0);
	tap_ok(lockwait_add(lw, &r[0].e), "  room again once they are gone");
	wait_freed(&r[0]);
	free(r);
}

static void
test_free(void)
{
	struct lockwait *lw = lockwait_new();
	struct req r;

	req_init(&r, 8, EAGAIN);
	lockwait_add(lw, &r.e);
	wait_for(&r.retries, 1);
	lockwait_free(lw);
	tap_ok(r.freed && r.delivered == 0,
	       "lockwait_free frees a waiter unanswered");
	lockwait_free(NULL);
	tap_ok(true, "lockwait_free(NULL)");
}

int
main(void)
{
	struct lockwait *lw;

	signal(SIGALRM, watchdog);
	alarm(60);
	lw = lockwait_new();
	test_granted(lw);
	test_kick(lw);
	test_error(lw);
	test_interrupt(lw);
	test_deliver_later(lw);
	test_drop_all(lw);
	test_max(lw);
	lockwait_free(lw);
	test_free();
	return tap_done();
}
