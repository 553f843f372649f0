/* SPDX-License-Identifier: GPL-2.0-or-later */
/* domxml.h: a libvirt domain XML document, read and edited in place */
#ifndef VS_DOMXML_H
#define VS_DOMXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * The document is edited as a libxml2 tree, never rebuilt from structs:
 * elements, attributes, comments and blanks that an edit does not touch
 * are written back byte for byte, and new elements are indented like
 * their neighbours. New elements come from the templates in the data
 * directory ($VIRTSHARE_DATADIR, else PKGDATADIR): domain.xml (the order
 * libvirt writes elements in), memorybacking.xml and filesystem.xml.
 */
struct domxml;

/* Make libxml2 ready before threads parse definitions (it may not be
 * made ready by two at once). */
void domxml_init(void);

/*
 * Parse a domain definition; what names it in messages (a file name,
 * "domain 'vm1'"). Returns the document (caller frees) or NULL after
 * reporting VS_ERR_XML with the line and what is wrong.
 */
struct domxml *domxml_parse(const char *xml, const char *what);
void domxml_free(struct domxml *d);
DEFINE_AUTOPTR(domxml)

/* The document as text (caller frees). Never fails. */
char *domxml_format(const struct domxml *d);
/* The domain's <name>, or NULL. Borrowed. */
const char *domxml_name(const struct domxml *d);
/* The kernel it boots directly (<os><kernel>), or NULL. Borrowed. */
const char *domxml_kernel(const struct domxml *d);

/* ---- reading ------------------------------------------------------------- */

/* An on/off attribute that may be absent. */
enum domxml_switch {
	DOMXML_UNSET = 0,
	DOMXML_ON,
	DOMXML_OFF,
};

/* One <uid> or <gid> range of <idmap>. */
struct domxml_idmap {
	unsigned start;
	unsigned target;
	unsigned count;
};

/*
 * A virtiofs share: <filesystem> with <driver type='virtiofs'>. The same
 * struct is a request to domxml_share_set(), where unset fields (NULL,
 * DOMXML_UNSET, 0, -1) leave the share as it is.
 */
struct domxml_share {
	char *tag;           /* <target dir>: the mount tag, or NULL when a
			      * share read from a domain has none */
	char *dir;           /* <source dir>, or NULL */
	char *socket;        /* <source socket>, or NULL */
	unsigned queue;      /* <driver queue>; 0: unset */
	char *binary;        /* <binary path>, or NULL */
	enum domxml_switch xattr;
	char *cache;         /* <cache mode>: "none", "always", or NULL */
	char *sandbox;       /* <sandbox mode>: "namespace", "chroot", NULL */
	enum domxml_switch lock_posix;
	enum domxml_switch flock;
	int thread_pool;     /* <thread_pool size>; -1: unset, 0: no pool */
	uint64_t openfiles;  /* <openfiles max>; 0: unset */
	struct domxml_idmap *uid; /* <idmap>; a request replaces both lists */
	size_t nuid;
	struct domxml_idmap *gid;
	size_t ngid;
	enum domxml_switch readonly; /* <readonly/> present: ON */
	char *alias;         /* <alias name>, or NULL */
};

/*
 * Add the id ranges of spec to s: "uid:START:TARGET:COUNT" or
 * "gid:START:TARGET:COUNT", several separated by commas. Returns 0 or -1
 * after reporting VS_ERR_INVALID.
 */
int domxml_idmap_parse(const char *spec, struct domxml_share *s);

/* A share with every field unset (thread_pool -1). */
void domxml_share_init(struct domxml_share *s);
void domxml_share_clear(struct domxml_share *s);

/*
 * The virtiofs shares in document order. Returns the count; *out (caller
 * frees with domxml_shares_free()) is NULL when there are none.
 */
size_t domxml_shares(const struct domxml *d, struct domxml_share **out);
void domxml_shares_free(struct domxml_share *s, size_t n);
/*
 * The <filesystem> element of the virtiofs share of tag as it is
 * written (for a live attach or detach), or NULL when there is none.
 * Caller frees. Does not report.
 */
char *domxml_share_xml(const struct domxml *d, const char *tag);

/* One <page> of <hugepages>. */
struct domxml_page {
	uint64_t size_kib; /* 0: no size given (the host's default) */
	char *nodeset;     /* guest NUMA nodes, or NULL */
};

/* One guest NUMA <cell>. */
struct domxml_cell {
	char *id;          /* <cell id>; its position (0, 1, ...) without one,
			    * as libvirt numbers such cells */
	char *cpus;
	uint64_t memory_kib;
	char *mem_access;  /* "shared", "private", or NULL: inherited */
};

/* Guest memory as the domain defines it. */
struct domxml_memory {
	uint64_t memory_kib;   /* <memory>; 0 when absent or unreadable */
	bool backing;          /* <memoryBacking> is present */
	char *source;          /* <source type>: memfd, file, anonymous, NULL */
	char *access;          /* <access mode>: shared, private, NULL */
	bool hugepages;        /* <hugepages> is present */
	struct domxml_page *pages;
	size_t npages;
	struct domxml_cell *cells;
	size_t ncells;
	char *host_nodeset;    /* <numatune><memory nodeset>: host nodes */
};

/* Fill *m (cleared first); never fails: unreadable sizes are 0. */
void domxml_memory(const struct domxml *d, struct domxml_memory *m);
void domxml_memory_clear(struct domxml_memory *m);
/*
 * libvirt's shared-memory rule for vhost-user devices such as virtiofs:
 * without NUMA cells the domain needs <access mode='shared'/>; with cells
 * every cell must be memAccess='shared', or have no memAccess and inherit
 * a shared domain-wide access. When it does not hold and why is not NULL,
 * *why (caller frees) says which setting breaks it, translated.
 */
bool domxml_memory_shared(const struct domxml_memory *m, char **why);
/* The most NUMA nodes a nodeset may name (0 to DOMXML_NODES_MAX - 1). */
#define DOMXML_NODES_MAX 1024
/*
 * The nodes of a nodeset as libvirt writes it ("0", "0-3", "0-3,^2"):
 * mask[n] is set for each node n it names. Returns 0, or -1 when it is
 * malformed or names no node (not reported).
 */
int domxml_nodeset_parse(const char *nodeset, bool mask[DOMXML_NODES_MAX]);
/*
 * The guest memory of the NUMA cells a nodeset names (guest node ids, as
 * in <page nodeset>), in KiB; all of it when nodeset is NULL.
 */
uint64_t domxml_memory_for_nodes(const struct domxml_memory *m,
				 const char *nodeset);
/* The backing in one word: "memfd", "file", "hugepages", "anonymous" or
 * "default" (no source given). Borrowed. */
const char *domxml_memory_kind(const struct domxml_memory *m);

/* ---- editing ------------------------------------------------------------- */

/* What an edit is checked against. */
struct domxml_env {
	/* The connected libvirt as major * 1000000 + minor * 1000 + micro;
	 * 0 when unknown (a file edited without libvirt): no version checks. */
	unsigned long libvirt_version;
	bool session;     /* qemu:///session */
	/* Source directories must exist below this root ("/" for the host);
	 * NULL when they are on another host and cannot be checked. */
	const char *root;
};

enum domxml_backing_kind {
	/* Zero: nothing chosen yet (a cleared backing, or a share request
	 * whose backing backing_choose() picks). domxml_backing_set()
	 * refuses it: keeping guest memory as it is is asked for by name. */
	DOMXML_BACKING_UNSET,
	DOMXML_BACKING_KEEP,      /* leave guest memory as it is */
	DOMXML_BACKING_MEMFD,
	DOMXML_BACKING_FILE,
	DOMXML_BACKING_HUGEPAGES,
	DOMXML_BACKING_NUMA,      /* every NUMA cell memAccess='shared' */
};

/* How guest memory is to be shared. */
struct domxml_backing {
	enum domxml_backing_kind kind;
	/* Hugepages: the page size (0: keep the one given, else the host's
	 * default), the guest NUMA nodes it applies to (NULL: all), and
	 * whether to back them with a file instead of memfd. */
	uint64_t page_kib;
	char *nodeset;
	bool file_source;
};

/*
 * Parse "memfd", "file", "numa" or "hugepages[:SIZE[@NODES]]" into *b
 * (caller clears). Returns 0 or -1 after reporting VS_ERR_INVALID.
 */
int domxml_backing_parse(const char *s, struct domxml_backing *b);
void domxml_backing_clear(struct domxml_backing *b);
/* The backing as domxml_backing_parse() reads it, e.g. "hugepages:2M@0".
 * Caller frees. */
char *domxml_backing_str(const struct domxml_backing *b);
/* The name of a kind: "keep", "memfd", ... Borrowed. */
const char *domxml_backing_name(enum domxml_backing_kind k);

/*
 * Make guest memory shared the way b says, changing only what has to
 * change: the <memoryBacking> source, access and hugepages, and any NUMA
 * cell that is not shared (a memAccess='private' cell is changed, as
 * libvirt refuses it). Everything is checked before the document is
 * touched: -1 after reporting (VS_ERR_INVALID, VS_ERR_CONFLICT,
 * VS_ERR_UNSUPPORTED, VS_ERR_IO for a missing template), nothing changed.
 * Each change adds a translated line to notes.
 */
int domxml_backing_set(struct domxml *d, const struct domxml_backing *b,
		       const struct domxml_env *env, struct strlist *notes);

/*
 * The values a share request sets, each on its own, without the document
 * or the host: the tag (1 to 36 bytes), absolute directory, socket and
 * daemon paths, the queue size, cache and sandbox modes, id ranges, the
 * alias's form, no control characters. Unset fields are not checked.
 * Returns 0 or -1 after reporting VS_ERR_INVALID with what is allowed.
 */
int domxml_share_values_check(const struct domxml_share *req);
/*
 * That dir (absolute) is an existing directory below root; root NULL: on
 * another host, not checked. Returns 0 or -1 after reporting
 * VS_ERR_INVALID.
 */
int domxml_source_dir_check(const char *dir, const char *root);

/*
 * Check a share request against the document and env without changing
 * anything: the tag (1 to 36 bytes, not used by another share), the
 * source (exactly one of an absolute existing directory or an absolute
 * socket path, the same as the share of that tag has), option values, the
 * options the connected libvirt knows, session mode. Warnings (translated)
 * go to warnings. Returns 1 when the tag names an existing share that
 * would be updated, 0 when a share would be added, -1 after reporting.
 */
int domxml_share_check(const struct domxml *d, const struct domxml_share *req,
		       const struct domxml_env *env, struct strlist *warnings);
/*
 * The mount tag alone, checked as domxml_share_check() does: 1 to 36
 * bytes, not used by another filesystem of d. dir or socket (both may be
 * NULL while the source is not known yet) is the source of the share
 * asked for: a share of that tag with another source is a conflict.
 * Returns 1 when the tag names the share that would be updated, 0 when
 * it is free, -1 after reporting VS_ERR_INVALID or VS_ERR_CONFLICT.
 */
int domxml_tag_check(const struct domxml *d, const char *tag, const char *dir,
		     const char *socket);
/*
 * Add the share, or update the one with the same tag and source: the
 * options req sets are written, the others left alone. A new share gets
 * <driver queue='COMPAT_QUEUE_DEFAULT'> unless req sets another. Checks
 * first as
 * domxml_share_check(), so nothing changes on failure (-1). Notes and
 * warnings (translated) are added to the lists.
 */
int domxml_share_set(struct domxml *d, const struct domxml_share *req,
		     const struct domxml_env *env, struct strlist *notes,
		     struct strlist *warnings);
/*
 * Give a q35 domain without a free pcie-root-port spare ones, for
 * devices hot-plugged later. Free ones are hot-pluggable and no device's
 * PCI address is on their bus, less one per virtiofs share without an
 * address (libvirt gives it a port when it defines the domain). When
 * none is left, adds <controller type='pci' index='N'
 * model='pcie-root-port'/> so that spare are free once the shares have
 * theirs; N after every PCI controller's index, no address (libvirt
 * fills in chassis, port and slot); the controllers there stay as they
 * are. With one free, nothing changes (so the edit is the same after
 * libvirt has placed the shares). *added says how many, with a note. 0,
 * or -1 after reporting VS_ERR_UNSUPPORTED (not a q35 machine) or a
 * broken template.
 */
int domxml_root_ports_add(struct domxml *d, unsigned spare, unsigned *added,
			  struct strlist *notes);
/*
 * Add a virtio-serial <channel type='unix'> whose target is name (the
 * QEMU guest agent's org.qemu.guest_agent.0) unless one is there, with
 * a note. 0, or -1 after reporting (a broken template).
 */
int domxml_agent_add(struct domxml *d, const char *name,
		     struct strlist *notes);
/*
 * Remove the virtiofs share with that tag. -1 after reporting
 * VS_ERR_NOT_FOUND when there is none. Guest memory is left as it is.
 */
int domxml_share_remove(struct domxml *d, const char *tag,
			struct strlist *notes);

/*
 * The check libvirt makes when the domain is defined or started: with a
 * virtiofs share, memory must be shared. Returns 0, or -1 after reporting
 * VS_ERR_CONFLICT with the reason and what to do.
 */
int domxml_check_shared(const struct domxml *d);

/* ---- virtshare's records in <metadata> ---------------------------------- */

/* The namespace of virtshare's elements in a domain's <metadata>. */
#define DOMXML_NS_URI "https://virtshare.invalid/xmlns/1"
#define DOMXML_NS_PREFIX "virtshare"

/*
 * A share whose virtiofs daemon virtshare runs (<source socket>) keeps
 * what libvirt's XML has no place for, the host directory and the
 * daemon's options, in the domain's own definition:
 *   <metadata>
 *     <virtshare:shares xmlns:virtshare='https://virtshare.invalid/xmlns/1'>
 *       <virtshare:share tag='data' dir='/srv/data' cache='auto'/>
 *     </virtshare:shares>
 *   </metadata>
 * (libvirt keeps one element per namespace there, with anything in it).
 * Values are strings as virtshare-fsd's options take them; NULL: unset.
 */
struct domxml_record {
	char *tag;          /* the share's mount tag */
	char *dir;          /* the directory the daemon serves */
	char *cache;        /* none, auto, always */
	char *xattr;        /* on, off */
	char *readonly;     /* on, off */
	char *sandbox;      /* namespace, chroot, none */
	char *thread_pool;  /* worker threads */
	char *log_level;
	char *socket_user;  /* who may connect to the socket */
	char *socket_group;
};

void domxml_record_clear(struct domxml_record *r);
/* Whether two records say the same. */
bool domxml_record_equal(const struct domxml_record *a,
			 const struct domxml_record *b);
/*
 * The records of the document in order. Returns the count; *out (caller
 * frees with domxml_records_free()) is NULL when there are none.
 */
size_t domxml_records(const struct domxml *d, struct domxml_record **out);
void domxml_records_free(struct domxml_record *r, size_t n);
/*
 * Make the record of r->tag exactly r: added (with <metadata> and the
 * <virtshare:shares> element when missing) or replaced; the same record
 * is left byte for byte. Returns 0, or -1 after reporting (VS_ERR_INVALID
 * for a value XML cannot carry, VS_ERR_IO for a missing template).
 */
int domxml_record_set(struct domxml *d, const struct domxml_record *r,
		      struct strlist *notes);
/*
 * Remove the record of tag, and the elements that it leaves empty.
 * Returns whether there was one.
 */
bool domxml_record_remove(struct domxml *d, const char *tag,
			  struct strlist *notes);

/*
 * Compare what libvirt kept (got, read back after a define) with what was
 * written (want): each virtiofs share of want with every option it sets,
 * no extra share, guest memory (source, access, hugepage sizes, NUMA
 * cell access) and virtshare's records. Each difference is added to
 * diffs as a translated line ("share 'data': <openfiles max='100'> was
 * dropped"). Returns how many.
 */
size_t domxml_compare(const struct domxml *want, const struct domxml *got,
		      struct strlist *diffs);

#endif
