/* SPDX-License-Identifier: GPL-2.0-or-later */
/* share-request.h: a share as asked for by a user, an INI file or the wizard */
#ifndef VS_SHARE_REQUEST_H
#define VS_SHARE_REQUEST_H

#include <stdbool.h>

#include "domxml.h"
#include "launch.h"
#include "util.h"

/* Who runs a share's virtiofs daemon. */
enum share_daemon_kind {
	SHARE_DAEMON_LIBVIRT,  /* libvirt, for <source dir> (the default) */
	SHARE_DAEMON_EXTERNAL, /* outside libvirt, on <source socket> */
};

/* A share as asked for by a user, an INI section or the wizard. */
struct share_request {
	struct domxml_share share; /* what <filesystem> says */
	struct domxml_backing backing;
	bool backing_given;        /* else chosen with backing_choose() */
	/* Given: why it was chosen, when it is backing_choose()'s choice
	 * the user took (the wizard's recommendation); shown as notes. */
	struct strlist backing_why;
	enum share_daemon_kind daemon;
	/*
	 * An external share with a directory is served by virtshare-fsd,
	 * which virtshare starts: the directory and the daemon's options.
	 * plan_share() fills in the domain, tag and socket. Without a
	 * directory the daemon on share.socket is the user's own.
	 */
	struct launch_spec launch;
	unsigned launch_given;     /* the launch options set, one bit each */
	struct strlist launch_shown; /* their names as given, but dir */
	/* A share of the same tag with another source is replaced, not
	 * refused (apply: the file says what the share is). */
	bool replace;
	/*
	 * A running guest: change the definition only (--config-only),
	 * else hot-plug the share when the guest can take it. mount (a
	 * directory in the guest, or NULL) is where its agent mounts the
	 * share; persist_mount adds the guest's fstab line too.
	 */
	bool config_only;
	char *mount;
	bool persist_mount;
	/* Add the guest agent's channel to the definition when missing. */
	bool agent;
	/* A running guest that cannot take the share live is shut down
	 * and started (restart); force: powered off when it does not shut
	 * down in time. */
	bool restart;
	bool force;
	int shutdown_timeout; /* seconds for the shutdown; 0: the default */
	/*
	 * A running q35 guest with no free PCIe root port cannot take the
	 * share now: the definition gets this many spare pcie-root-port
	 * controllers with it (0: none), so that the next hot-plug works
	 * after the next start, as virt-install leaves spare ones.
	 */
	unsigned root_ports;
};

/* The spare root ports share_request_init() asks for, and the most
 * `share --root-ports` and an INI file's root_ports take. */
#define SHARE_ROOT_PORTS_DEFAULT 4
#define SHARE_ROOT_PORTS_MAX 32

void share_request_init(struct share_request *r);
void share_request_clear(struct share_request *r);
/* A deep copy of src into *dst (not cleared first). */
void share_request_copy(struct share_request *dst,
			const struct share_request *src);

/*
 * The options of a share, by the names `virtshare share` takes without
 * "--" ("thread-pool"; INI files write "thread_pool"): tag, dir, socket,
 * queue, alias, cache, xattr, readonly, sandbox, thread-pool, binary,
 * lock-posix, flock, openfiles, idmap, log-level, socket-user,
 * socket-group. NULL-terminated. Switches take yes/no, on/off,
 * true/false or 1/0.
 */
extern const char *const share_option_names[];

/* Whether name is one of share_option_names. */
bool share_option_known(const char *name);

/*
 * Who runs the daemon: "libvirt" or "external". Set it before the other
 * options: where they go and how they are checked depends on it. shown
 * names the option in messages. Returns 0 or -1 after reporting
 * VS_ERR_INVALID.
 */
int share_request_daemon(struct share_request *r, const char *value,
			 const char *shown);
/*
 * Set option name (one of share_option_names) to value as typed, shown
 * naming it in messages ("--cache", "cache"). The value is checked on
 * its own with the rules of the engine that takes it (domain XML for
 * libvirt's daemon, the launcher for virtshare-fsd); the share's other
 * options are left alone when it is refused. idmap adds ranges, the
 * others replace. Returns 0, or -1 after reporting VS_ERR_INVALID (a
 * value refused, saying what is allowed) or VS_ERR_CONFLICT (an option
 * of the other kind of daemon).
 */
int share_request_set(struct share_request *r, const char *name,
		      const char *value, const char *shown);
/*
 * The value of option name (one of share_option_names) as
 * share_request_set() takes it ("yes", "1024", "uid:0:100000:65536"), or
 * NULL when r leaves it unset. Caller frees.
 */
char *share_request_get(const struct share_request *r, const char *name);
/*
 * Set where the guest's agent mounts the share (r->mount): an absolute
 * path inside the guest, shown naming the setting in messages
 * ("--mount", "mount"). 0, or -1 after reporting VS_ERR_INVALID.
 */
int share_request_mount(struct share_request *r, const char *dir,
			const char *shown);
/*
 * The rules between options, once all are set: an external share with
 * daemon options needs the directory virtshare-fsd serves. (A missing
 * tag or source is the caller's to say, in its own words.) Returns 0 or
 * -1 after reporting VS_ERR_CONFLICT.
 */
int share_request_check(const struct share_request *r);
/*
 * The strings of a request as text: the wizard and doctor fill requests
 * without share_request_set(). 0, or -1 reported.
 */
int share_request_text_check(const struct share_request *r);
/*
 * Copy the virtshare-fsd options set on r (those share_request_set()
 * took for an external share) into spec, over what spec has; the others
 * stay.
 */
void share_request_launch_into(const struct share_request *r,
			       struct launch_spec *spec);

#endif
