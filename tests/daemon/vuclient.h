/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vuclient.h: a vhost-user front end that plays QEMU for daemon tests */
#ifndef VS_VUCLIENT_H
#define VS_VUCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * The client owns a memfd of "guest memory" cut into two regions whose
 * guest-physical and front-end user addresses differ from each other and
 * from where the memory is mapped here, so a daemon that confuses the
 * three address spaces fails at once. Rings live in region 0; request
 * buffers are carved from per-region arenas (see enum vuc_chain).
 *
 * Every function that can fail returns -1 (or NULL) and keeps a message
 * for vuclient_error(); nothing is printed.
 */

/* vhost-user request ids (QEMU docs/interop/vhost-user.rst) */
enum {
	VHOST_USER_GET_FEATURES = 1,
	VHOST_USER_SET_FEATURES = 2,
	VHOST_USER_SET_OWNER = 3,
	VHOST_USER_RESET_OWNER = 4,
	VHOST_USER_SET_MEM_TABLE = 5,
	VHOST_USER_SET_LOG_BASE = 6,
	VHOST_USER_SET_LOG_FD = 7,
	VHOST_USER_SET_VRING_NUM = 8,
	VHOST_USER_SET_VRING_ADDR = 9,
	VHOST_USER_SET_VRING_BASE = 10,
	VHOST_USER_GET_VRING_BASE = 11,
	VHOST_USER_SET_VRING_KICK = 12,
	VHOST_USER_SET_VRING_CALL = 13,
	VHOST_USER_SET_VRING_ERR = 14,
	VHOST_USER_GET_PROTOCOL_FEATURES = 15,
	VHOST_USER_SET_PROTOCOL_FEATURES = 16,
	VHOST_USER_GET_QUEUE_NUM = 17,
	VHOST_USER_SET_VRING_ENABLE = 18,
	VHOST_USER_SET_SLAVE_REQ_FD = 21,
	VHOST_USER_GET_CONFIG = 24,
	VHOST_USER_SET_CONFIG = 25,
	VHOST_USER_RESET_DEVICE = 34,
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,
	VHOST_USER_ADD_MEM_REG = 37,
	VHOST_USER_REM_MEM_REG = 38,
};

#define VHOST_USER_VERSION         0x1
#define VHOST_USER_FLAG_REPLY      (1u << 2)
#define VHOST_USER_FLAG_NEED_REPLY (1u << 3)
#define VHOST_USER_VRING_NOFD      (1ull << 8)

#define VHOST_USER_F_PROTOCOL_FEATURES            30
#define VHOST_USER_PROTOCOL_F_MQ                  0
#define VHOST_USER_PROTOCOL_F_LOG_SHMFD           1
#define VHOST_USER_PROTOCOL_F_REPLY_ACK           3
#define VHOST_USER_PROTOCOL_F_SLAVE_REQ           5
#define VHOST_USER_PROTOCOL_F_CONFIG              9
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE        13
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15

#define VUC_QUEUE_HIPRIO  0
#define VUC_QUEUE_REQUEST 1
#define VUC_NQUEUES       2
#define VUC_NREGIONS      2

/* How a request's buffers are laid out in descriptors. */
enum vuc_chain {
	VUC_CHAIN_DIRECT,   /* one descriptor per buffer, region 1 */
	VUC_CHAIN_INDIRECT, /* the same through an indirect table */
	VUC_CHAIN_SPLIT,    /* buffers cut in pieces alternating regions,
	                       one piece straddling the header boundary */
};

struct vuclient_opts {
	unsigned queue_size;  /* ring entries, power of two (128) */
	size_t region_size;   /* bytes per region (16 MiB) */
	bool want_indirect;   /* negotiate INDIRECT_DESC if offered */
	bool want_event_idx;  /* negotiate EVENT_IDX if offered */
	bool use_add_mem_reg; /* ADD_MEM_REG instead of SET_MEM_TABLE */
	int timeout_ms;       /* per request and per reply (5000) */
};

struct vuclient;

/* A guest-memory buffer as the daemon sees it. */
struct vuclient_gbuf {
	uint64_t gpa;
	void *host;
	size_t len;
};

/*
 * Connect to a daemon's socket (retrying for up to timeout_ms while it is
 * not there yet) or adopt a connected socket. Returns a client the caller
 * frees with vuclient_free(), or NULL with errno set (no client to ask).
 */
struct vuclient *vuclient_connect(const char *path,
                                  const struct vuclient_opts *opts);
struct vuclient *vuclient_adopt(int sock, const struct vuclient_opts *opts);
void vuclient_free(struct vuclient *c);

/* The last error, borrowed; "" when none. */
const char *vuclient_error(const struct vuclient *c);

/*
 * Do what QEMU does when the guest driver becomes ready: features,
 * protocol features, owner, memory table, both rings, enable.
 */
int vuclient_start(struct vuclient *c);

/*
 * Stop both rings the QEMU way (SET_VRING_ENABLE 0, GET_VRING_BASE) and
 * store each ring's base in bases[] (may be NULL).
 */
int vuclient_stop(struct vuclient *c, uint32_t bases[VUC_NQUEUES]);

/* Negotiated feature bits. */
uint64_t vuclient_features(const struct vuclient *c);
uint64_t vuclient_offered_features(const struct vuclient *c);
uint64_t vuclient_protocol_features(const struct vuclient *c);
bool vuclient_has_feature(const struct vuclient *c, unsigned bit);

/* The raw socket, for tests that send malformed messages. */
int vuclient_socket(const struct vuclient *c);

/*
 * Raw vhost-user: send one message with optional fds; read one reply for
 * @req into @payload (at most @size bytes). vuclient_recv() returns the
 * payload size.
 */
int vuclient_send(struct vuclient *c, uint32_t req, uint32_t flags,
                  const void *payload, uint32_t size, const int *fds, int nfds);
int vuclient_recv(struct vuclient *c, uint32_t req, void *payload,
                  uint32_t size);
int vuclient_get_u64(struct vuclient *c, uint32_t req, uint64_t *val);
/* Send a u64 and, when REPLY_ACK is negotiated, wait for the ack. */
int vuclient_set_u64(struct vuclient *c, uint32_t req, uint64_t val);

/*
 * Put a chain on @queue: the @nrd device-readable buffers are copied into
 * guest memory, @nwr device-writable buffers of the given lengths are
 * reserved. Returns the head index (>= 0) to pass to vuclient_wait().
 */
int vuclient_submit(struct vuclient *c, int queue, const struct iovec *rd,
                    int nrd, const struct iovec *wr, int nwr,
                    enum vuc_chain mode);

/*
 * Wait until the chain @head of @queue is in the used ring, copy what the
 * daemon wrote back into @wr (the same iovecs as at submit time, may be
 * NULL) and return the used length (>= 0).
 */
long vuclient_wait(struct vuclient *c, int queue, int head,
                   const struct iovec *wr, int nwr, int timeout_ms);

/* vuclient_submit() + vuclient_wait(). */
long vuclient_call(struct vuclient *c, int queue, const struct iovec *rd,
                   int nrd, const struct iovec *wr, int nwr,
                   enum vuc_chain mode);

/* Chains made available and not yet used, per queue. */
unsigned vuclient_inflight(const struct vuclient *c, int queue);

/* The avail index the client has published on @queue. */
uint16_t vuclient_avail_idx(const struct vuclient *c, int queue);

/*
 * Low-level access for hostile tests: reserve guest memory in a region,
 * and publish a hand-built descriptor chain. Borrowed pointers, valid
 * until the client is freed.
 */
int vuclient_galloc(struct vuclient *c, int region, size_t len,
                    struct vuclient_gbuf *out);
void *vuclient_desc_table(struct vuclient *c, int queue);
int vuclient_publish(struct vuclient *c, int queue, uint16_t head);

/* Guest-physical base and size of a region; the memfd behind them. */
uint64_t vuclient_region_gpa(const struct vuclient *c, int region);
size_t vuclient_region_size(const struct vuclient *c, int region);
int vuclient_memfd(const struct vuclient *c);

/*
 * Take @n free descriptors of @queue (their indices in @idx) for a chain
 * the caller writes by hand, then hand it over with vuclient_submit_raw():
 * the chain is tracked like any other (vuclient_wait works, with no copy
 * back and no check of the used length) and its descriptors come back
 * when it is used.
 */
int vuclient_desc_reserve(struct vuclient *c, int queue, unsigned n,
                          uint16_t *idx);
int vuclient_submit_raw(struct vuclient *c, int queue, uint16_t head,
                        const uint16_t *idx, unsigned n);

/* The avail ring of @queue (struct vring_avail), and a bare kick. */
void *vuclient_avail_ring(struct vuclient *c, int queue);
int vuclient_kick(struct vuclient *c, int queue);

/*
 * For drivers of their own (bench/vu-rate): the used ring of @queue
 * (struct vring_used), its size, and the call eventfd the daemon signals.
 */
void *vuclient_used_ring(struct vuclient *c, int queue);
unsigned vuclient_queue_size(const struct vuclient *c, int queue);
int vuclient_call_fd(const struct vuclient *c, int queue);

/* Send the memory table again (QEMU does on every memory hotplug). */
int vuclient_set_mem_table(struct vuclient *c);

#endif
