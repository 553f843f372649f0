/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cfg.h: INI files that describe a host's shares, for `virtshare apply` */
#ifndef VS_CFG_H
#define VS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domxml.h"
#include "inspect.h"
#include "pages.h"
#include "plan.h"
#include "util.h"
#include "virt.h"

/*
 * One INI file is the desired state of one host (virtshare.ini(5)):
 *
 *   [host]
 *   uri = qemu:///system
 *   [hugepages 2M]            ; or [hugepages 2M@0] for NUMA node 0
 *   pages = 1024              ; at least that many; never shrunk
 *   [domain vm1]
 *   backing = hugepages:2M    ; memfd, file, numa, hugepages[:SIZE[@NODES]]
 *   prune = no                ; yes: remove shares the file does not name
 *   root_ports = 4            ; spare pcie-root-ports, as share --root-ports
 *   [share vm1 data]          ; the share NAME of a domain, tag NAME
 *   dir = /srv/data
 *   cache = always            ; the options of `virtshare share`, '_'
 *   daemon = external         ; for '-': thread_pool, socket_group, ...
 *
 * Sections and keys are checked as a whole before anything is planned;
 * every error is reported with its file and line, all of them at once.
 *
 * A file for several hosts names each in a [host NAME] section with its
 * uri, and puts a domain on its host by writing HOST/DOMAIN where the
 * domain is named ([domain kvm7/vm1], [share kvm7/vm1 data]) and a pool
 * by HOST/SIZE ([hugepages kvm7/2M]). A bare DOMAIN is on the one host
 * the file names it on with HOST/, or on the file's only host; anything
 * else is refused as ambiguous (virtshare.ini(5), MANY HOSTS).
 */

/* [host NAME]: one host of a file for several. */
struct cfg_host {
	unsigned line;
	char *comment;     /* cfg_format() writes it below the header */
	char *name;        /* letters, digits, '.', '-' and '_' */
	char *uri;
};

/* [hugepages SIZE] or [hugepages SIZE@NODE]: a pool of at least pages. */
struct cfg_pool {
	unsigned line;     /* of the section */
	char *comment;     /* cfg_format() writes it above the section */
	char *host;        /* the [host NAME], NULL in a file of one host */
	uint64_t size_kib;
	int node;          /* the host NUMA node, -1: the system-wide pool */
	uint64_t pages;
};

/* [domain NAME], or a domain first named by a [share] section. */
struct cfg_domain {
	unsigned line;
	char *comment;     /* cfg_format() writes it below the header */
	char *host;        /* the [host NAME], NULL in a file of one host */
	char *name;
	bool prune;
	bool backing_given;
	struct domxml_backing backing;
	/* root_ports = N: the spare pcie-root-ports each of its shares
	 * asks for (share_request.root_ports); else the default. */
	bool root_ports_given;
	unsigned root_ports;
};

/* [share DOMAIN NAME]. */
struct cfg_share {
	unsigned line;
	char *comment;            /* cfg_format() writes it below the header */
	char *host;               /* its domain's host, as cfg_domain's */
	char *domain;
	char *name;
	bool absent;              /* state = absent: the share is removed */
	struct share_request req; /* tag (NAME unless given), source,
				   * options; replace set */
};

struct cfg {
	char *file;                 /* as given, for messages */
	/* Comments are not read, only written by cfg_format(): lines of
	 * text, each written after "; ". This one heads the file. */
	char *comment;
	char *uri;                  /* [host] uri, or NULL */
	unsigned uri_line;
	struct cfg_host *hosts;     /* [host NAME] sections, in file order;
				     * none: a file of one host (uri) */
	size_t nhosts;
	struct cfg_pool *pools;
	size_t npools;
	struct cfg_domain *domains; /* in the order they are first named */
	size_t ndomains;
	struct cfg_share *shares;   /* in file order */
	size_t nshares;
};

/*
 * Parse len bytes of INI text; file names it in messages. Returns the
 * desired state (caller frees), or NULL after reporting every error of
 * the file at once, one "FILE:LINE: message" per line, sorted by line,
 * after a line with their count when there are several. The code is
 * VS_ERR_PARSE when a line could not be read, else the first error's.
 */
struct cfg *cfg_parse(const char *file, const char *text, size_t len);
/* As cfg_parse() for the file at path (at most CFG_FILE_MAX bytes). */
struct cfg *cfg_load(const char *path);
void cfg_free(struct cfg *c);
DEFINE_AUTOPTR(cfg)
/*
 * c as INI text that cfg_parse() reads back to the same desired state:
 * [host], the pools, then per domain its [domain] section (when it sets
 * something or has a comment) and its shares in file order, the options
 * in the order of share_option_names and the tag only when it is not the
 * share's name. Formatting what cfg_parse() read of that text gives the
 * same text again. A file of several hosts is written host by host:
 * [host NAME], then that host's pools and domains, every one of them
 * with its HOST/. Caller frees.
 */
char *cfg_format(const struct cfg *c);

/* The [host NAME] of that name, or NULL. */
const struct cfg_host *cfg_host_find(const struct cfg *c, const char *name);

#define CFG_FILE_MAX (4 << 20)

/* Where the plan of a file is made and applied. */
struct cfg_env {
	struct virt_conn *conn;        /* the domains' libvirt (borrowed) */
	const struct inspection *in;   /* versions and host, may be NULL */
	const char *root;              /* where share directories must
					* exist; NULL: another host */
	const struct host_info *pools; /* the pools as they are now */
	struct pages_target pages;     /* where pools are changed */
};

/*
 * Add to p everything c asks for: the hugepage pools, then per domain
 * its memory backing, its shares (state = absent removes one; a share
 * the file does not name is removed only with prune = yes) and the
 * daemons virtshare runs for them. A domain's changes are one step, so
 * each domain is changed whole or not at all. Every refusal is
 * collected, with the line of its section; returns 0, or -1 after
 * reporting them all as cfg_parse() does (p then holds what could be
 * planned, to be freed, not applied). For a file of one host.
 */
int cfg_plan(const struct cfg *c, const struct cfg_env *env, struct plan *p);
/*
 * The parts of cfg_plan(), for a file of several hosts (fleet.h): the
 * pools of host (NULL: a file of one host), or the changes of domain d
 * alone. As cfg_plan().
 */
int cfg_plan_pools(const struct cfg *c, const char *host,
		   const struct cfg_env *env, struct plan *p);
int cfg_plan_domain(const struct cfg *c, const struct cfg_domain *d,
		    const struct cfg_env *env, struct plan *p);

#endif
