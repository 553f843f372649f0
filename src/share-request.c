/* SPDX-License-Identifier: GPL-2.0-or-later */
/* share-request.c: a share as asked for, its options set by name */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "error.h"
#include "share-request.h"

void
share_request_init(struct share_request *r)
{
	memset(r, 0, sizeof(*r));
	domxml_share_init(&r->share);
	r->root_ports = SHARE_ROOT_PORTS_DEFAULT;
}

void
share_request_clear(struct share_request *r)
{
	domxml_share_clear(&r->share);
	domxml_backing_clear(&r->backing);
	strlist_clear(&r->backing_why);
	launch_spec_clear(&r->launch);
	strlist_clear(&r->launch_shown);
	free(r->mount);
	memset(r, 0, sizeof(*r));
}

void
share_request_copy(struct share_request *dst, const struct share_request *src)
{
	const struct domxml_share *a = &src->share;
	struct domxml_share *b = &dst->share;

	*dst = *src;
	b->tag = xstrdup0(a->tag);
	b->dir = xstrdup0(a->dir);
	b->socket = xstrdup0(a->socket);
	b->binary = xstrdup0(a->binary);
	b->cache = xstrdup0(a->cache);
	b->sandbox = xstrdup0(a->sandbox);
	b->alias = xstrdup0(a->alias);
	b->uid = a->nuid ? xmalloc(a->nuid * sizeof(*a->uid)) : NULL;
	if (a->nuid)
		memcpy(b->uid, a->uid, a->nuid * sizeof(*a->uid));
	b->gid = a->ngid ? xmalloc(a->ngid * sizeof(*a->gid)) : NULL;
	if (a->ngid)
		memcpy(b->gid, a->gid, a->ngid * sizeof(*a->gid));
	dst->backing.nodeset = xstrdup0(src->backing.nodeset);
	memset(&dst->backing_why, 0, sizeof(dst->backing_why));
	for (size_t i = 0; i < src->backing_why.n; i++)
		strlist_add(&dst->backing_why, src->backing_why.v[i]);
	launch_spec_copy(&dst->launch, &src->launch);
	memset(&dst->launch_shown, 0, sizeof(dst->launch_shown));
	for (size_t i = 0; i < src->launch_shown.n; i++)
		strlist_add(&dst->launch_shown, src->launch_shown.v[i]);
	dst->mount = xstrdup0(src->mount);
}

/* ---- share options by name ----------------------------------------------- */

/* Where an option's value goes, for one kind of daemon. */
enum opt_into {
	INTO_NONE,   /* not an option of this kind of daemon */
	INTO_SHARE,  /* struct domxml_share: the domain's <filesystem> */
	INTO_LAUNCH, /* struct launch_spec: virtshare-fsd's options */
};

/* The type of the field it goes into. */
enum opt_type {
	T_STR,     /* char * */
	T_SWITCH,  /* enum domxml_switch */
	T_FLAG,    /* enum launch_flag */
	T_BOOL,    /* bool */
	T_QUEUE,   /* unsigned, 1 or more */
	T_INT,     /* int, 0 or more */
	T_THREADS, /* launch_spec thread_pool with thread_pool_set */
	T_U64,     /* uint64_t, 1 or more */
	T_IDMAP,   /* domxml_share uid/gid ranges */
};

struct opt_dest {
	enum opt_into into;
	enum opt_type type;
	size_t off;
};

#define SHARE_F(type, f) {INTO_SHARE, type, offsetof(struct domxml_share, f)}
#define LAUNCH_F(type, f) {INTO_LAUNCH, type, offsetof(struct launch_spec, f)}
#define NONE_F {INTO_NONE, T_STR, 0}

static const struct share_option {
	const char *name;
	struct opt_dest to[2]; /* by enum share_daemon_kind */
} share_options[] = {
	{"tag", {SHARE_F(T_STR, tag), SHARE_F(T_STR, tag)}},
	{"dir", {SHARE_F(T_STR, dir), LAUNCH_F(T_STR, dir)}},
	{"socket", {NONE_F, SHARE_F(T_STR, socket)}},
	{"queue", {SHARE_F(T_QUEUE, queue), SHARE_F(T_QUEUE, queue)}},
	{"alias", {SHARE_F(T_STR, alias), SHARE_F(T_STR, alias)}},
	{"cache", {SHARE_F(T_STR, cache), LAUNCH_F(T_STR, cache)}},
	{"xattr", {SHARE_F(T_SWITCH, xattr), LAUNCH_F(T_FLAG, xattr)}},
	{"readonly",
	 {SHARE_F(T_SWITCH, readonly), LAUNCH_F(T_BOOL, readonly)}},
	{"sandbox", {SHARE_F(T_STR, sandbox), LAUNCH_F(T_STR, sandbox)}},
	{"thread-pool",
	 {SHARE_F(T_INT, thread_pool), LAUNCH_F(T_THREADS, thread_pool)}},
	{"binary", {SHARE_F(T_STR, binary), NONE_F}},
	{"lock-posix", {SHARE_F(T_SWITCH, lock_posix), NONE_F}},
	{"flock", {SHARE_F(T_SWITCH, flock), NONE_F}},
	{"openfiles", {SHARE_F(T_U64, openfiles), NONE_F}},
	{"idmap", {SHARE_F(T_IDMAP, uid), NONE_F}},
	{"log-level", {NONE_F, LAUNCH_F(T_STR, log_level)}},
	{"socket-user", {NONE_F, LAUNCH_F(T_STR, socket_user)}},
	{"socket-group", {NONE_F, LAUNCH_F(T_STR, socket_group)}},
};

const char *const share_option_names[] = {
	"tag", "dir", "socket", "queue", "alias", "cache", "xattr",
	"readonly", "sandbox", "thread-pool", "binary", "lock-posix", "flock",
	"openfiles", "idmap", "log-level", "socket-user", "socket-group",
	NULL,
};

static const struct share_option *
option_find(const char *name, size_t *index)
{
	for (size_t i = 0; i < ARRAY_SIZE(share_options); i++)
		if (STREQ(share_options[i].name, name)) {
			if (index)
				*index = i;
			return &share_options[i];
		}
	return NULL;
}

bool
share_option_known(const char *name)
{
	return option_find(name, NULL) != NULL;
}

int
share_request_daemon(struct share_request *r, const char *value,
		     const char *shown)
{
	if (STREQ(value, "libvirt"))
		r->daemon = SHARE_DAEMON_LIBVIRT;
	else if (STREQ(value, "external"))
		r->daemon = SHARE_DAEMON_EXTERNAL;
	else
		return vs_error(VS_ERR_INVALID,
				_("%1$s takes libvirt (libvirt starts the "
				  "daemon) or external (it runs outside "
				  "libvirt, on a socket), not '%2$s'."),
				shown, value);
	return 0;
}

/* The value of one option into the field of scratch at dest. */
static int
opt_parse(const struct opt_dest *dest, const char *value, const char *shown,
	  void *scratch)
{
	char *f = (char *)scratch + dest->off;
	uint64_t v;
	bool b;

	switch (dest->type) {
	case T_STR:
		*(const char **)f = value;
		return 0;
	case T_SWITCH:
	case T_FLAG:
	case T_BOOL:
		if (str_to_bool(value, &b) < 0)
			return vs_error(VS_ERR_INVALID,
					_("%1$s takes yes or no (also on or "
					  "off), not '%2$s'."),
					shown, value);
		if (dest->type == T_SWITCH)
			*(enum domxml_switch *)f = b ? DOMXML_ON : DOMXML_OFF;
		else if (dest->type == T_FLAG)
			*(enum launch_flag *)f = b ? LAUNCH_ON : LAUNCH_OFF;
		else
			*(bool *)f = b;
		return 0;
	case T_QUEUE:
		if (str_to_u64(value, &v) < 0 || v == 0 || v > UINT32_MAX)
			return vs_error(VS_ERR_INVALID,
					_("%1$s takes a queue size, a power "
					  "of 2 up to %3$d, not '%2$s'."),
					shown, value, COMPAT_QUEUE_MAX);
		*(unsigned *)f = (unsigned)v;
		return 0;
	case T_INT:
		if (str_to_u64(value, &v) < 0 || v > INT32_MAX)
			break;
		*(int *)f = (int)v;
		return 0;
	case T_THREADS:
		if (str_to_u64(value, &v) < 0 || v > UINT32_MAX)
			break;
		((struct launch_spec *)scratch)->thread_pool_set = true;
		*(unsigned *)f = (unsigned)v;
		return 0;
	case T_U64:
		if (str_to_u64(value, &v) < 0 || v == 0)
			return vs_error(VS_ERR_INVALID,
					_("%1$s takes a number of 1 or more, "
					  "not '%2$s'."),
					shown, value);
		*(uint64_t *)f = v;
		return 0;
	case T_IDMAP:
		return domxml_idmap_parse(value, scratch);
	}
	return vs_error(VS_ERR_INVALID,
			_("%1$s takes a number (0 or more), not '%2$s'."),
			shown, value);
}

/* Move the field at dest from the checked scratch into r. */
static void
opt_take(const struct opt_dest *dest, const void *scratch, void *into)
{
	const char *from = (const char *)scratch + dest->off;
	char *to = (char *)into + dest->off;
	const struct domxml_share *s = scratch;
	struct domxml_share *d = into;
	static const size_t size[] = {
		[T_STR] = sizeof(char *),
		[T_SWITCH] = sizeof(enum domxml_switch),
		[T_FLAG] = sizeof(enum launch_flag),
		[T_BOOL] = sizeof(bool),
		[T_QUEUE] = sizeof(unsigned),
		[T_INT] = sizeof(int),
		[T_THREADS] = sizeof(unsigned),
		[T_U64] = sizeof(uint64_t),
	};

	switch (dest->type) {
	case T_STR:
		free(*(char **)to);
		*(char **)to = xstrdup(*(const char *const *)from);
		return;
	case T_IDMAP:
		d->uid = xrealloc(d->uid,
				  (d->nuid + s->nuid) * sizeof(*d->uid));
		if (s->nuid)
			memcpy(d->uid + d->nuid, s->uid,
			       s->nuid * sizeof(*s->uid));
		d->nuid += s->nuid;
		d->gid = xrealloc(d->gid,
				  (d->ngid + s->ngid) * sizeof(*d->gid));
		if (s->ngid)
			memcpy(d->gid + d->ngid, s->gid,
			       s->ngid * sizeof(*s->gid));
		d->ngid += s->ngid;
		return;
	case T_THREADS:
		((struct launch_spec *)into)->thread_pool_set = true;
		break;
	default:
		break;
	}
	memcpy(to, from, size[dest->type]);
}

/* The message for an option that the share's kind of daemon lacks. */
static int
opt_misplaced(const struct share_request *r, const char *shown)
{
	if (r->daemon == SHARE_DAEMON_LIBVIRT)
		return vs_error(VS_ERR_CONFLICT,
				_("%s is for a daemon that runs outside "
				  "libvirt, on a socket; libvirt starts this "
				  "share's daemon itself. Make the share's "
				  "daemon external, or leave the option out."),
				shown);
	return vs_error(VS_ERR_CONFLICT,
			_("%s is an option of the virtiofs daemon libvirt "
			  "starts, but this share's daemon runs outside "
			  "libvirt, on a socket: leave the option out (or give "
			  "it to a daemon you run yourself)."),
			shown);
}

int
share_request_set(struct share_request *r, const char *name,
		  const char *value, const char *shown)
{
	size_t index;
	const struct share_option *o = option_find(name, &index);
	const struct opt_dest *dest;
	struct domxml_share share;
	struct launch_spec spec = {0};
	int rc;

	if (!o)
		abort(); /* callers take names from share_option_names */
	dest = &o->to[r->daemon];
	if (dest->into == INTO_NONE)
		return opt_misplaced(r, shown);
	/* It ends up in the domain XML or on the daemon's command line. */
	if (str_text_check(value, shown) < 0)
		return -1;
	/* Checked alone in a scratch request, taken only when good. */
	domxml_share_init(&share);
	if (dest->into == INTO_SHARE) {
		rc = opt_parse(dest, value, shown, &share);
		if (rc == 0)
			rc = domxml_share_values_check(&share);
		if (rc == 0)
			opt_take(dest, &share, &r->share);
		/* The strings of the scratch are borrowed; ranges owned. */
		free(share.uid);
		free(share.gid);
		return rc;
	}
	rc = opt_parse(dest, value, shown, &spec);
	if (rc == 0)
		rc = launch_spec_check_values(&spec);
	if (rc == 0) {
		opt_take(dest, &spec, &r->launch);
		r->launch_given |= 1u << index;
		if (!STREQ(name, "dir") &&
		    !strlist_has(&r->launch_shown, shown))
			strlist_add(&r->launch_shown, shown);
	}
	return rc;
}

/* The id ranges as domxml_idmap_parse() reads them. */
static void
idmap_format(struct strbuf *sb, const char *kind,
	     const struct domxml_idmap *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%s%s:%u:%u:%u", sb->len ? "," : "", kind,
			  v[i].start, v[i].target, v[i].count);
}

/* "yes" or "no" when set, else NULL (caller frees). */
static char *
yes_no(bool set, bool on)
{
	return set ? xstrdup(on ? "yes" : "no") : NULL;
}

/* The field at dest of from as share_request_set() takes it, or NULL
 * when it is unset (a launch option is set when it was given). */
static char *
opt_format(const struct opt_dest *dest, const void *from)
{
	const char *f = (const char *)from + dest->off;
	const struct domxml_share *s = from;
	struct strbuf sb = STRBUF_INIT;

	switch (dest->type) {
	case T_STR:
		return *(char *const *)f ? xstrdup(*(char *const *)f) : NULL;
	case T_SWITCH:
		return yes_no(*(const enum domxml_switch *)f != DOMXML_UNSET,
			      *(const enum domxml_switch *)f == DOMXML_ON);
	case T_FLAG:
		return yes_no(*(const enum launch_flag *)f != LAUNCH_DEFAULT,
			      *(const enum launch_flag *)f == LAUNCH_ON);
	case T_BOOL:
		return yes_no(true, *(const bool *)f);
	case T_QUEUE:
		return *(const unsigned *)f ? xasprintf("%u", *(const unsigned *)f)
					    : NULL;
	case T_INT:
		return *(const int *)f >= 0 ? xasprintf("%d", *(const int *)f)
					    : NULL;
	case T_THREADS:
		return ((const struct launch_spec *)from)->thread_pool_set
			   ? xasprintf("%u", *(const unsigned *)f)
			   : NULL;
	case T_U64:
		return *(const uint64_t *)f
			   ? xasprintf("%llu",
				       (unsigned long long)*(const uint64_t *)f)
			   : NULL;
	case T_IDMAP:
		idmap_format(&sb, "uid", s->uid, s->nuid);
		idmap_format(&sb, "gid", s->gid, s->ngid);
		return sb.len ? sb_steal(&sb) : NULL;
	}
	return NULL;
}

char *
share_request_get(const struct share_request *r, const char *name)
{
	size_t index;
	const struct share_option *o = option_find(name, &index);
	const struct opt_dest *dest;

	if (!o)
		abort(); /* callers take names from share_option_names */
	dest = &o->to[r->daemon];
	if (dest->into == INTO_SHARE)
		return opt_format(dest, &r->share);
	if (dest->into == INTO_LAUNCH && (r->launch_given & (1u << index)))
		return opt_format(dest, &r->launch);
	return NULL;
}

int
share_request_mount(struct share_request *r, const char *dir,
		    const char *shown)
{
	/* It ends up on the guest's mount command line and in its fstab. */
	if (str_text_check(dir, shown) < 0)
		return -1;
	if (dir[0] != '/' || strpbrk(dir, " \t\n"))
		return vs_error(VS_ERR_INVALID,
				_("%1$s takes the mount point inside the "
				  "guest, an absolute path without blanks such "
				  "as /mnt/data, not '%2$s'."),
				shown, dir);
	free(r->mount);
	r->mount = xstrdup(dir);
	return 0;
}

int
share_request_check(const struct share_request *r)
{
	if (r->daemon != SHARE_DAEMON_EXTERNAL || r->launch.dir ||
	    !r->launch_shown.n)
		return 0;
	return vs_error(VS_ERR_CONFLICT,
			_("%s is an option of the virtshare-fsd that virtshare "
			  "starts for a share, which needs the directory to "
			  "serve: give the directory too, or set the option "
			  "on the daemon you run yourself."),
			r->launch_shown.v[0]);
}

void
share_request_launch_into(const struct share_request *r,
			  struct launch_spec *spec)
{
	for (size_t i = 0; i < ARRAY_SIZE(share_options); i++) {
		const struct opt_dest *d = &share_options[i].to[1];

		if (!(r->launch_given & (1u << i)) || d->into != INTO_LAUNCH)
			continue;
		opt_take(d, &r->launch, spec);
	}
}

int
share_request_text_check(const struct share_request *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(share_options); i++)
		for (size_t k = 0; k < ARRAY_SIZE(share_options[i].to); k++) {
			const struct opt_dest *d = &share_options[i].to[k];
			const char *base = d->into == INTO_SHARE
					       ? (const char *)&r->share
					       : (const char *)&r->launch;

			if (d->into != INTO_NONE && d->type == T_STR &&
			    str_text_check(*(char *const *)(base + d->off),
					   share_options[i].name) < 0)
				return -1;
		}
	return 0;
}
