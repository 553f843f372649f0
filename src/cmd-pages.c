/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-pages.c: `virtshare pages`: show, allocate, release, mount hugepages */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"
#include "error.h"
#include "inspect.h"
#include "json.h"
#include "pages.h"
#include "table.h"

#define PAGES_SCHEMA 1
#define ULL(v) ((unsigned long long)(v))

enum {
	OPT_SET = CLI_OPT_FIRST_OWN,
	OPT_ADD,
	OPT_PERSIST,
	OPT_VIA_LIBVIRT,
};

/* Which options an action takes. */
enum {
	TAKES_JSON = 1 << 0,
	TAKES_NODE = 1 << 1,
	TAKES_SET_ADD = 1 << 2,
	TAKES_PERSIST = 1 << 3,
	TAKES_LIBVIRT = 1 << 4,
	TAKES_DRY_RUN = 1 << 5,
	TAKES_YES = 1 << 6,
	/* What every action that changes something takes. */
	TAKES_CHANGE = TAKES_DRY_RUN | TAKES_YES,
};

#define PAGES_MAX_ARGS 8

struct pages_args {
	const char *argv[PAGES_MAX_ARGS]; /* the positional arguments */
	int argc;
	unsigned given;  /* TAKES_* of the options on the command line */
	const char *node_arg;
	bool add;
	bool persist;
	bool via_libvirt;
	bool json;
	bool dry_run;
};

struct pages_action {
	const char *name;
	const char *usage; /* N_() */
	int min, max;      /* arguments after the action's name */
	unsigned takes;
	int (*run)(struct cli *cli, const struct pages_args *a);
};

static int pages_show(struct cli *cli, const struct pages_args *a);
static int pages_alloc(struct cli *cli, const struct pages_args *a);
static int pages_free(struct cli *cli, const struct pages_args *a);
static int pages_mount_run(struct cli *cli, const struct pages_args *a);

static const struct pages_action actions[] = {
	{"", N_("[--json] [--via-libvirt]"), 0, 0, TAKES_JSON | TAKES_LIBVIRT,
	 pages_show},
	{"alloc",
	 N_("alloc SIZE COUNT [--node N] [--set|--add] [--persist] "
	    "[--dry-run] [--yes]"),
	 2, 2,
	 TAKES_NODE | TAKES_SET_ADD | TAKES_PERSIST | TAKES_LIBVIRT |
	     TAKES_CHANGE,
	 pages_alloc},
	{"free", N_("free SIZE [COUNT] [--node N] [--persist] [--dry-run] "
		    "[--yes]"),
	 1, 2, TAKES_NODE | TAKES_PERSIST | TAKES_LIBVIRT | TAKES_CHANGE,
	 pages_free},
	{"mount", N_("mount SIZE [DIR] [--dry-run] [--yes]"), 1, 2,
	 TAKES_CHANGE, pages_mount_run},
};

static const struct {
	unsigned bit;
	const char *name;
} option_names[] = {
	{TAKES_JSON, "--json"},
	{TAKES_NODE, "--node"},
	{TAKES_SET_ADD, "--set/--add"},
	{TAKES_PERSIST, "--persist"},
	{TAKES_LIBVIRT, "--via-libvirt"},
	{TAKES_DRY_RUN, "--dry-run"},
	{TAKES_YES, "--yes"},
};

/* "-5": an argument (a count refused later with a clear message). */
static bool
is_argument(const char *s)
{
	return s[0] != '-' || s[1] == '\0' || isdigit((unsigned char)s[1]);
}

static int
take_argument(struct cli *cli, struct pages_args *a, const char *arg)
{
	if (a->argc == PAGES_MAX_ARGS)
		return vs_error(VS_ERR_USAGE,
				_("Unexpected argument '%1$s'. See '%2$s "
				  "pages --help'."),
				arg, cli->prog);
	a->argv[a->argc++] = arg;
	return 0;
}

/* Options may come before, between or after the arguments. */
static int
parse(struct cli *cli, int argc, char **argv, struct pages_args *a)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"json", no_argument, NULL, 'j'},
		{"node", required_argument, NULL, 'n'},
		{"set", no_argument, NULL, OPT_SET},
		{"add", no_argument, NULL, OPT_ADD},
		{"persist", no_argument, NULL, OPT_PERSIST},
		{"via-libvirt", no_argument, NULL, OPT_VIA_LIBVIRT},
		CLI_CHANGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	bool set = false;

	memset(a, 0, sizeof(*a));
	while (optind < argc) {
		int c;

		if (STREQ(argv[optind], "--")) {
			/* After "--" everything is an argument. */
			for (optind++; optind < argc; optind++)
				if (take_argument(cli, a, argv[optind]) < 0)
					return -1;
			break;
		}
		if (is_argument(argv[optind])) {
			if (take_argument(cli, a, argv[optind++]) < 0)
				return -1;
			continue;
		}
		/* -1: it stopped at an argument, taken on the next turn. */
		c = cli_getopt(cli, argc, argv, "jn:", opts);
		if (c == 'h' || c == '?')
			return c;
		if (c == 'j') {
			a->json = true;
			a->given |= TAKES_JSON;
		} else if (c == 'n') {
			a->node_arg = optarg;
			a->given |= TAKES_NODE;
		} else if (c == OPT_SET || c == OPT_ADD) {
			set = set || c == OPT_SET;
			a->add = a->add || c == OPT_ADD;
			a->given |= TAKES_SET_ADD;
		} else if (c == OPT_PERSIST) {
			a->persist = true;
			a->given |= TAKES_PERSIST;
		} else if (c == OPT_VIA_LIBVIRT) {
			a->via_libvirt = true;
			a->given |= TAKES_LIBVIRT;
		} else if (c == CLI_OPT_DRY_RUN) {
			a->dry_run = true;
			a->given |= TAKES_DRY_RUN;
		} else if (c == CLI_OPT_YES) {
			/* Accepted: the command line says the whole change,
			 * so nothing is asked (virtshare(1), CHANGES). */
			a->given |= TAKES_YES;
		}
	}
	if (set && a->add)
		return vs_error(VS_ERR_USAGE,
				_("--set and --add exclude each other: --set "
				  "makes the pool COUNT pages, --add adds "
				  "COUNT pages to it."));
	return 0;
}

static const struct pages_action *
action_find(struct cli *cli, const struct pages_args *a)
{
	const char *name = a->argc ? a->argv[0] : "";

	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (STREQ(actions[i].name, name))
			return &actions[i];
	vs_error(VS_ERR_USAGE,
		 _("Unknown action '%1$s' for '%2$s pages': use alloc, free "
		   "or mount, or nothing to show the pools."),
		 name, cli->prog);
	return NULL;
}

static int
check_usage(struct cli *cli, const struct pages_action *act,
	    const struct pages_args *a)
{
	int n = a->argc ? a->argc - 1 : 0;

	for (size_t i = 0; i < ARRAY_SIZE(option_names); i++)
		if ((a->given & option_names[i].bit) &&
		    !(act->takes & option_names[i].bit))
			return vs_error(
			    VS_ERR_USAGE,
			    *act->name
				? _("Option %1$s does not apply to '%2$s "
				    "pages %4$s'. Usage: %2$s pages %3$s")
				: _("Option %1$s does not apply to '%2$s "
				    "pages' without an action. Usage: %2$s "
				    "pages %3$s"),
			    option_names[i].name, cli->prog, _(act->usage),
			    act->name);
	if (n > act->max)
		return vs_error(VS_ERR_USAGE,
				_("Unexpected argument '%1$s'. Usage: %2$s "
				  "pages %3$s"),
				a->argv[act->max + 1], cli->prog,
				_(act->usage));
	if (n < act->min)
		return vs_error(VS_ERR_USAGE,
				_("Missing arguments. Usage: %1$s pages %2$s"),
				cli->prog, _(act->usage));
	return 0;
}

/* ---- the host, local or through libvirt ----------------------------------- */

static bool
through_libvirt(const struct cli *cli, const struct pages_args *a)
{
	if (a->via_libvirt || cli_is_remote(cli))
		return true;
	return cli->uri_given && !cli->demo && !virt_uri_is_local(cli->uri);
}

/* Read the pools where the command works on them; NULL (reported). */
static struct host_info *
pages_host(struct cli *cli, const struct pages_args *a,
	   struct pages_target *t)
{
	struct virt_conn *conn;

	memset(t, 0, sizeof(*t));
	if (!through_libvirt(cli, a)) {
		t->root = cli->root;
		return host_read(cli->root, 0);
	}
	if (!root_is_host(cli->root) && !cli->demo) {
		vs_error(VS_ERR_USAGE,
			 _("--root names a host tree, but the pools would be "
			   "asked from libvirt (%s). Leave out --root, or "
			   "the URI and --via-libvirt."),
			 cli->uri ? cli->uri : _("the default URI"));
		return NULL;
	}
	if (!(conn = cli_connect(cli)))
		return NULL;
	t->conn = conn;
	return virt_host_pages(conn);
}

static int
refuse_demo(struct cli *cli)
{
	if (!cli->demo)
		return 0;
	return vs_error(VS_ERR_UNSUPPORTED,
			_("The demo changes nothing. Run the command without "
			  "--demo on a host you administer."));
}

static int
parse_count(const char *s, enum pages_op op, uint64_t *count)
{
	if (str_to_u64(s, count) == 0 && *count > 0)
		return 0;
	if (op == PAGES_FREE)
		return vs_error(VS_ERR_INVALID,
				_("COUNT must be a whole number of pages above "
				  "0, not '%s'; leave it out to release every "
				  "free page."),
				s);
	return vs_error(VS_ERR_INVALID,
			_("COUNT must be a whole number of pages above 0, not "
			  "'%s'."),
			s);
}

static int
parse_node(const struct pages_args *a, int *node)
{
	uint64_t v;

	*node = -1;
	if (!a->node_arg)
		return 0;
	if (str_to_u64(a->node_arg, &v) < 0 || v > 4095)
		return vs_error(VS_ERR_INVALID,
				_("--node takes a NUMA node number such as 0 "
				  "or 1, not '%s'. See the nodes with "
				  "'virtshare pages'."),
				a->node_arg);
	*node = (int)v;
	return 0;
}

/* ---- virtshare pages ------------------------------------------------------ */

/* Mount state of every size (sysfs hosts only), with advice lines. */
struct mount_view {
	enum pages_mount_state state;
	const char *dir;
	char *advice;
};

static const char *const mount_state_names[] = {
	[PAGES_MOUNT_OK] = "ok",
	[PAGES_MOUNT_BAD_CONF] = "bad-qemu-conf",
	[PAGES_MOUNT_NONE] = "none",
	[PAGES_MOUNT_UNLISTED] = "not-in-qemu-conf",
};

struct show {
	struct host_info *h;
	const char *uri;          /* through libvirt, else NULL */
	struct qemu_settings qemu;
	char *qemu_error;         /* qemu.conf unreadable */
	struct mount_view *mounts; /* one per pool, sysfs hosts only */
};

static void
show_gather(struct show *s)
{
	const struct host_info *h = s->h;

	if (s->uri)
		return;
	if (qemu_settings_read(h->root, &s->qemu) < 0) {
		s->qemu_error = xstrdup(vs_error_message());
		vs_error_reset();
	}
	s->mounts = xcalloc(h->npools, sizeof(*s->mounts));
	for (size_t i = 0; i < h->npools; i++) {
		struct mount_view *m = &s->mounts[i];

		m->state = pages_mount_check(h, s->qemu_error ? NULL : &s->qemu,
					     h->pools[i].size_kib, &m->dir,
					     &m->advice);
	}
}

static void
show_clear(struct show *s)
{
	for (size_t i = 0; s->mounts && i < s->h->npools; i++)
		free(s->mounts[i].advice);
	free(s->mounts);
	free(s->qemu_error);
	qemu_settings_clear(&s->qemu);
}

static char *
show_json(const struct show *s)
{
	const struct host_info *h = s->h;
	struct json j;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", PAGES_SCHEMA);
	json_str(&j, "source", s->uri ? "libvirt" : "sysfs");
	json_str(&j, "root", h->root);
	json_str(&j, "uri", s->uri);
	if (h->default_page_kib)
		json_u64(&j, "default_hugepage_kib", h->default_page_kib);
	else
		json_null(&j, "default_hugepage_kib");
	if (h->mem_total_kib == HOST_UNKNOWN)
		json_null(&j, "memory_kib");
	else
		json_u64(&j, "memory_kib", h->mem_total_kib);
	inspection_json_pools(&j, h);
	/* What libvirt makes of the mounts: sysfs hosts only. */
	json_arr_begin(&j, "hugetlbfs");
	for (size_t i = 0; s->mounts && i < h->npools; i++) {
		json_obj_begin(&j, NULL);
		json_u64(&j, "size_kib", h->pools[i].size_kib);
		json_str(&j, "state", mount_state_names[s->mounts[i].state]);
		json_str(&j, "mount", s->mounts[i].dir);
		json_str(&j, "advice", s->mounts[i].advice);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_str(&j, "qemu_conf_error", s->qemu_error);
	json_arr_begin(&j, "warnings");
	for (size_t i = 0; i < h->warnings.n; i++)
		json_str(&j, NULL, h->warnings.v[i]);
	json_arr_end(&j);
	json_obj_end(&j);
	return json_steal(&j);
}

static char *
show_text(const struct show *s)
{
	const struct host_info *h = s->h;
	struct strlist notes = {0};
	struct strbuf sb = STRBUF_INIT;

	if (s->uri)
		sb_printf(&sb, _("Hugepages of %s (from libvirt)\n"), s->uri);
	else if (root_is_host(h->root))
		sb_add(&sb, _("Hugepages of this host\n"));
	else
		sb_printf(&sb, _("Hugepages of the host tree %s\n"), h->root);
	if (!h->npools) {
		sb_add(&sb, _("  none: this kernel offers no hugepages\n"));
	} else {
		const char **mounts = NULL;

		if (s->mounts) {
			mounts = xcalloc(h->npools, sizeof(*mounts));
			for (size_t i = 0; i < h->npools; i++)
				mounts[i] = s->mounts[i].dir;
		}
		render_pools_table(&sb, h, mounts);
		free(mounts);
	}
	for (size_t i = 0; s->mounts && i < h->npools; i++)
		if (s->mounts[i].advice &&
		    !strlist_has(&notes, s->mounts[i].advice))
			strlist_add(&notes, s->mounts[i].advice);
	if (s->qemu_error)
		strlist_take(&notes, xasprintf(_("qemu.conf cannot be used, so "
						 "libvirt will not start: %s"),
					       s->qemu_error));
	if (s->uri)
		strlist_add(&notes, _("The mounts and qemu.conf of a host seen "
				      "through libvirt are not checked: run "
				      "'virtshare pages' there."));
	for (size_t i = 0; i < h->warnings.n; i++)
		strlist_add(&notes, h->warnings.v[i]);
	if (notes.n)
		sb_add(&sb, _("\nNotes\n"));
	for (size_t i = 0; i < notes.n; i++)
		sb_printf(&sb, "  %s\n", notes.v[i]);
	strlist_clear(&notes);
	return sb_steal(&sb);
}

static int
pages_show(struct cli *cli, const struct pages_args *a)
{
	struct pages_target t;
	struct show s = {0};
	AUTOFREE char *out = NULL;

	if (!(s.h = pages_host(cli, a, &t)))
		return -1;
	s.uri = t.conn ? virt_uri(t.conn) : NULL;
	show_gather(&s);
	out = a->json ? show_json(&s) : show_text(&s);
	cli_out(out);
	show_clear(&s);
	host_info_free(s.h);
	return EXIT_OK;
}

/* ---- alloc and free ------------------------------------------------------- */

static void
print_result(const struct pages_request *req, const struct pages_result *r)
{
	AUTOFREE char *text = pages_result_str(req, r);

	printf("%s\n", text);
}

static int
persist(const struct host_info *h, const struct pages_request *req,
	const struct pages_result *r)
{
	struct pages_persisted p;

	if (pages_persist(h, req->node, req->size_kib, r->after, &p) < 0)
		return -1;
	if (!p.link)
		printf(_("Made persistent: %1$s sets vm.nr_hugepages = %2$llu "
			 "at boot.\n"),
		       p.file, ULL(r->after));
	else
		printf(_("Made persistent: wrote the systemd unit %1$s and "
			 "enabled it with the link %2$s. Instead, you may add "
			 "'%3$s' to the kernel command line, which finds large "
			 "pages more reliably; virtshare does not edit the "
			 "bootloader configuration.\n"),
		       p.file, p.link, p.cmdline);
	pages_persisted_clear(&p);
	return 0;
}

/* What change() would do, changing nothing. */
static int
dry_run(const struct host_info *h, const struct pages_request *req,
	const struct pages_args *a)
{
	struct pages_result r;
	struct pages_persisted p;
	AUTOFREE char *size = size_format_kib(req->size_kib);
	AUTOFREE char *text = NULL, *mem = NULL;

	if (pages_plan(h, req, &r) < 0)
		return -1;
	mem = r.want ? size_format_kib(r.want * req->size_kib) : xstrdup("0");
	if (r.want == r.before)
		text = pages_result_str(req, &r);
	else
		text = xasprintf(
		    req->node >= 0
			? _("The pool of %1$s pages on NUMA node %5$d would "
			    "have %2$llu pages (%3$s); it has %4$llu.")
			: _("The pool of %1$s pages would have %2$llu pages "
			    "(%3$s); it has %4$llu."),
		    size, ULL(r.want), mem, ULL(r.before), req->node);
	printf("%s\n", text);
	if (a->persist) {
		if (pages_persist_plan(h, req->node, req->size_kib, r.want,
				       &p) < 0)
			return -1;
		if (!p.link)
			printf(_("It would be kept at boot by %1$s "
				 "(vm.nr_hugepages = %2$llu).\n"),
			       p.file, ULL(r.want));
		else
			printf(_("It would be kept at boot by the systemd unit "
				 "%1$s, enabled with the link %2$s.\n"),
			       p.file, p.link);
		pages_persisted_clear(&p);
	}
	cli_out(_("Dry run: nothing was changed.\n"));
	return EXIT_OK;
}

/* After a change on a sysfs host: can libvirt use the pages? */
static void
mount_note(const struct host_info *h, uint64_t size_kib)
{
	struct qemu_settings q;
	AUTOFREE char *advice = NULL;
	const char *dir;
	bool have_q = qemu_settings_read(h->root, &q) == 0;

	vs_error_reset();
	if (pages_mount_check(h, have_q ? &q : NULL, size_kib, &dir,
			      &advice) != PAGES_MOUNT_OK)
		printf(_("Note: %s\n"), advice);
	qemu_settings_clear(&q);
}

static int
change(struct cli *cli, const struct pages_args *a, enum pages_op op,
       const char *size_arg, const char *count_arg)
{
	struct pages_request req = {.op = op};
	struct pages_target t;
	struct pages_result r;
	AUTOPTR(host_info) h = NULL;

	if (refuse_demo(cli) < 0 || parse_node(a, &req.node) < 0)
		return -1;
	if (count_arg && parse_count(count_arg, op, &req.count) < 0)
		return -1;
	if (!(h = pages_host(cli, a, &t)))
		return -1;
	if (pages_size_parse(h, size_arg, &req.size_kib) < 0)
		return -1;
	/* Refuse before changing anything what cannot be made to last. */
	if (a->persist && pages_persist_check(h) < 0)
		return -1;
	if (a->dry_run)
		return dry_run(h, &req, a);
	if (pages_apply(h, &t, &req, &r) < 0)
		return -1;
	print_result(&req, &r);
	if (a->persist && persist(h, &req, &r) < 0)
		return -1;
	if (!t.conn && r.after)
		mount_note(h, req.size_kib);
	return EXIT_OK;
}

static int
pages_alloc(struct cli *cli, const struct pages_args *a)
{
	return change(cli, a, a->add ? PAGES_ADD : PAGES_SET, a->argv[1],
		      a->argv[2]);
}

static int
pages_free(struct cli *cli, const struct pages_args *a)
{
	return change(cli, a, PAGES_FREE, a->argv[1],
		      a->argc > 2 ? a->argv[2] : NULL);
}

/* ---- mount ---------------------------------------------------------------- */

static int
pages_mount_run(struct cli *cli, const struct pages_args *a)
{
	AUTOPTR(host_info) h = NULL;
	AUTOFREE char *dir = NULL, *fstab = NULL, *size = NULL;
	uint64_t size_kib;
	bool created;

	if (refuse_demo(cli) < 0)
		return -1;
	/* libvirt has no call that mounts: a hugetlbfs mount made here
	 * would serve this machine's guests, not the host's. */
	if (cli_refuse_remote(cli, _("hugetlbfs is mounted on the guest's "
				     "host"),
			      "virtshare pages mount SIZE") < 0)
		return -1;
	h = host_read(cli->root, 0);
	if (pages_size_parse(h, a->argv[1], &size_kib) < 0)
		return -1;
	size = size_format_kib(size_kib);
	if (a->dry_run) {
		bool exists;

		if (pages_mount_plan(h, size_kib,
				     a->argc > 2 ? a->argv[2] : NULL, &dir,
				     &exists) < 0)
			return -1;
		if (exists)
			printf(_("hugetlbfs for %1$s pages is already mounted "
				 "on %2$s.\n"),
			       size, dir);
		else
			printf(_("hugetlbfs for %1$s pages would be mounted on "
				 "%2$s.\n"),
			       size, dir);
		cli_out(_("Dry run: nothing was changed.\n"));
		return EXIT_OK;
	}
	if (pages_mount(h, size_kib, a->argc > 2 ? a->argv[2] : NULL, &dir,
			&created) < 0)
		return -1;
	fstab = pages_fstab_line(dir, size_kib);
	if (!created) {
		printf(_("hugetlbfs for %1$s pages is already mounted on "
			 "%2$s.\n"),
		       size, dir);
	} else {
		printf(_("Mounted hugetlbfs for %1$s pages on %2$s. To mount "
			 "it at boot too, add this line to /etc/fstab:\n"
			 "  %3$s\n"
			 "libvirt looks for hugetlbfs mounts when it starts: "
			 "restart it (systemctl restart libvirtd) before "
			 "starting guests with %1$s pages.\n"),
		       size, dir, fstab);
		host_info_free(h);
		h = host_read(cli->root, 0);
	}
	mount_note(h, size_kib);
	return EXIT_OK;
}

int
cmd_pages(struct cli *cli, int argc, char **argv)
{
	const struct pages_action *act;
	struct pages_args a;
	int c = parse(cli, argc, argv, &a);

	if (c == 'h')
		return EXIT_OK;
	if (c != 0)
		return -1;
	if (!(act = action_find(cli, &a)) || check_usage(cli, act, &a) < 0)
		return -1;
	return act->run(cli, &a);
}
