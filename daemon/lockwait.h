/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lockwait.h: requests waiting for a file lock (SETLKW), retried off-queue */
#ifndef FSD_LOCKWAIT_H
#define FSD_LOCKWAIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A blocking lock request must not block its queue, so it waits here: a
 * thread retries the non-blocking lock whenever a lock is released in the
 * daemon (lockwait_kick()) and every few milliseconds for holders outside
 * it, and answers when the lock is granted, the attempt fails, or the
 * guest interrupts the request. The callbacks run in that thread, never
 * under this module's lock.
 */
struct lockwait_entry {
	/* 0 granted, EAGAIN still blocked, other: the final errno. */
	int (*retry)(struct lockwait_entry *e);
	/*
	 * Answer the guest with err: 0 done, EAGAIN cannot answer now
	 * (queue stopped; try again later), anything else drops it.
	 */
	int (*deliver)(struct lockwait_entry *e, int err);
	void (*free)(struct lockwait_entry *e);
	uint64_t unique;	/* the FUSE request, for INTERRUPT */

	/* private */
	int result;		/* -1 while waiting, else the answer */
	bool finished;		/* answered or given up: to be freed */
	bool cancelled;
	bool dropped;
	struct lockwait_entry *next;
};

#define LOCKWAIT_MAX 4096 /* waiting requests at most */

struct lockwait;

struct lockwait *lockwait_new(void);
/* Stop the thread and free every entry unanswered. */
void lockwait_free(struct lockwait *lw);

/* Queue e (ours until freed). false when LOCKWAIT_MAX are waiting. */
bool lockwait_add(struct lockwait *lw, struct lockwait_entry *e);
/* A lock was released: retry now. */
void lockwait_kick(struct lockwait *lw);
/* Answer the request unique with EINTR if it is waiting; true if it was. */
bool lockwait_interrupt(struct lockwait *lw, uint64_t unique);
/* A new FUSE session: forget every entry without answering. */
void lockwait_drop_all(struct lockwait *lw);

#endif
