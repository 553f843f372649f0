/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-inspect.c: `virtshare inspect`, the host report */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "render.h"
#include "error.h"
#include "inspect.h"
#include "table.h"

static void
section(struct strbuf *sb, const char *title)
{
	if (sb->len)
		sb_addc(sb, '\n');
	sb_add(sb, title);
	sb_addc(sb, '\n');
}

static void
render_host(struct strbuf *sb, const struct host_info *h)
{
	AUTOPTR(table) t = table_new(2);
	AUTOFREE char *total = render_kib(h->mem_total_kib);
	AUTOFREE char *avail = render_kib(h->mem_available_kib);
	AUTOFREE char *mem = xasprintf(_("%1$s total, %2$s available"), total,
				       avail);
	AUTOFREE char *shm = NULL;

	if (!h->shm_present) {
		shm = xstrdup(_("not mounted"));
	} else {
		AUTOFREE char *size = size_format_kib(h->shm_size_kib);

		if (h->shm_free_kib == HOST_UNKNOWN) {
			shm = xasprintf(_("%s tmpfs"), size);
		} else {
			AUTOFREE char *fr = size_format_kib(h->shm_free_kib);

			shm = xasprintf(_("%1$s tmpfs, %2$s free"), size, fr);
		}
	}
	section(sb, _("Host"));
	table_rowv(t, _("root"), h->root);
	table_rowv(t, _("kernel"), h->kernel);
	table_rowv(t, _("memory"), mem);
	table_rowv(t, _("transparent hugepages"), h->thp);
	table_rowv(t, "/dev/shm", shm);
	table_render(t, 2, sb);
}

/* A host seen through libvirt: what libvirt tells, and what it does not. */
static void
render_remote_host(struct strbuf *sb, const struct inspection *in)
{
	const struct host_info *h = in->host;
	AUTOPTR(table) t = table_new(2);
	AUTOFREE char *total = render_kib(h->mem_total_kib);
	AUTOFREE char *avail = render_kib(h->mem_available_kib);
	AUTOFREE char *mem = xasprintf(_("%1$s total, %2$s available"), total,
				       avail);
	AUTOFREE char *title = xasprintf(_("Host %s (through libvirt)"),
					 in->hostname ? in->hostname : "?");
	const char *unchecked = _("not checked on a remote host");

	section(sb, title);
	table_rowv(t, _("memory"), mem);
	table_rowv(t, _("kernel"), unchecked);
	table_rowv(t, _("transparent hugepages"), unchecked);
	table_rowv(t, "/dev/shm", unchecked);
	table_rowv(t, _("hugetlbfs mounts"), unchecked);
	table_render(t, 2, sb);
}

static void
render_pools(struct strbuf *sb, const struct host_info *h, bool remote)
{
	char **mounts;

	section(sb, render_pools_title(h));
	if (!h->npools)
		return;
	/* No mount column: a remote host's mounts are not known here. */
	if (remote) {
		render_pools_table(sb, h, NULL);
		return;
	}
	mounts = xcalloc(h->npools, sizeof(*mounts));
	for (size_t i = 0; i < h->npools; i++)
		mounts[i] = render_pool_mounts(h, h->pools[i].size_kib);
	render_pools_table(sb, h, (const char *const *)mounts);
	for (size_t i = 0; i < h->npools; i++)
		free(mounts[i]);
	free(mounts);
}

static void
render_nodes(struct strbuf *sb, const struct host_info *h)
{
	AUTOPTR(table) t = table_new(3);

	section(sb, _("NUMA nodes"));
	if (!h->nnodes) {
		sb_add(sb, _("  none reported (no NUMA support in sysfs)\n"));
		return;
	}
	table_right(t, 1);
	table_right(t, 2);
	table_rowv(t, _("node"), _("memory"), _("free"));
	for (size_t i = 0; i < h->nnodes; i++) {
		AUTOFREE char *id = xasprintf("%d", h->nodes[i].id);
		AUTOFREE char *mem = render_kib(h->nodes[i].mem_total_kib);
		AUTOFREE char *fr = render_kib(h->nodes[i].mem_free_kib);

		table_rowv(t, id, mem, fr);
	}
	table_render(t, 2, sb);
}

static void
render_qemu(struct strbuf *sb, const struct inspection *in)
{
	const struct qemu_settings *q = &in->qemu;
	const struct host_info *h = in->host;
	const struct host_mount *m =
	    host_mount_for_path(h, q->memory_backing_dir);
	AUTOPTR(table) t = table_new(2);
	AUTOFREE char *title = xasprintf(_("qemu.conf (%s)"),
					 q->path ? q->path : QEMUCONF_PATH);
	AUTOFREE char *mbd = render_setting(q->memory_backing_dir,
				     q->memory_backing_dir_set);
	AUTOFREE char *mbd_fs = NULL, *huge = NULL, *user = NULL;
	AUTOFREE char *group = NULL, *sec = NULL, *dbg = NULL;

	section(sb, title);
	if (in->remote) {
		sb_printf(sb, "  %s\n", in->qemu_error);
		if (in->qemu_label)
			sb_printf(sb,
				  _("  QEMU runs as %s there (uid:gid, libvirt's "
				    "DAC label)\n"),
				  in->qemu_label);
		return;
	}
	if (in->qemu_error) {
		sb_printf(sb, _("  unusable: %s\n"), in->qemu_error);
		return;
	}
	if (!q->present)
		sb_add(sb, _("  not present: libvirt's defaults apply\n"));
	if (m)
		mbd_fs = xasprintf(
		    host_fstype_in_memory(m->fstype)
			? _("on %1$s (%2$s, in memory)")
			: _("on %1$s (%2$s, a disk: file-backed guest memory "
			    "will be slow)"),
		    m->dir, m->fstype);
	if (q->hugetlbfs_mount_set) {
		huge = render_join(&q->hugetlbfs_mount, ", ");
	} else {
		struct strlist auto_mounts = {0};
		AUTOFREE char *list = NULL;

		for (size_t i = 0; i < h->nmounts; i++)
			if (STREQ(h->mounts[i].fstype, "hugetlbfs"))
				strlist_add(&auto_mounts, h->mounts[i].dir);
		list = auto_mounts.n ? render_join(&auto_mounts, ", ")
				     : xstrdup(_("none mounted"));
		huge = xasprintf(_("auto-detected: %s"), list);
		strlist_clear(&auto_mounts);
	}
	user = render_setting(q->user, q->user_set);
	group = render_setting(q->group, q->group_set);
	if (q->security_driver_set) {
		sec = render_join(&q->security_driver, ", ");
	} else {
		sec = xstrdup(_("auto (libvirt probes selinux, apparmor)"));
	}
	dbg = render_setting(q->virtiofsd_debug ? "1" : "0", q->virtiofsd_debug_set);
	table_rowv(t, "memory_backing_dir", mbd);
	if (mbd_fs)
		table_rowv(t, "", mbd_fs);
	table_rowv(t, "hugetlbfs_mount", huge);
	table_rowv(t, "user", user);
	table_rowv(t, "group", group);
	table_rowv(t, "security_driver", sec);
	table_rowv(t, "virtiofsd_debug", dbg);
	table_render(t, 2, sb);
	for (size_t i = 0; i < q->duplicates.n; i++)
		sb_printf(sb,
			  _("  note: '%s' is set more than once; libvirt uses "
			    "the first\n"),
			  q->duplicates.v[i]);
}

static void
render_virt(struct strbuf *sb, const struct inspection *in)
{
	const struct virt_info *v = &in->virt;
	AUTOPTR(table) t = table_new(2);
	AUTOFREE char *lib = NULL, *daemon = NULL, *hv = NULL, *pages = NULL;
	AUTOFREE char *src = NULL, *fs = NULL;
	struct strbuf sizes = STRBUF_INIT;

	section(sb, _("libvirt"));
	if (!in->have_virt) {
		sb_printf(sb, _("  not available: %s\n"),
			  in->virt_error ? in->virt_error : "");
		return;
	}
	lib = render_version(v->lib_version);
	daemon = render_version(v->daemon_version);
	hv = render_version(v->hv_version);
	for (size_t i = 0; i < v->npage_sizes; i++) {
		AUTOFREE char *s = size_format_kib(v->page_sizes_kib[i]);

		if (sizes.len)
			sb_addc(&sizes, ' ');
		sb_add(&sizes, s);
	}
	pages = sb_steal(&sizes);
	table_rowv(t, _("URI"), v->uri);
	table_rowv(t, _("driver"), v->driver);
	table_rowv(t, _("library"), lib);
	table_rowv(t, _("daemon"), daemon);
	table_rowv(t, _("hypervisor"), hv);
	table_rowv(t, _("page sizes"), pages);
	if (v->domcaps_known) {
		src = render_join(&v->source_types, " ");
		fs = render_join(&v->fs_drivers, " ");
		table_rowv(t, _("emulator"), v->emulator);
		table_rowv(t, _("memory sources"), src);
		table_rowv(t, _("filesystem drivers"), fs);
	} else {
		table_rowv(t, _("domain capabilities"),
			   _("not offered by this driver"));
	}
	table_render(t, 2, sb);
	for (size_t i = 0; i < v->warnings.n; i++)
		sb_printf(sb, _("  note: %s\n"), v->warnings.v[i]);
}

static void
render_daemons(struct strbuf *sb, const struct host_info *h, bool remote)
{
	section(sb, _("virtiofs daemons"));
	if (remote) {
		sb_add(sb, _("  not checked on a remote host\n"));
		return;
	}
	render_daemons_table(sb, h, true);
}

static char *
inspection_text(const struct inspection *in)
{
	struct strbuf sb = STRBUF_INIT;

	if (in->remote)
		render_remote_host(&sb, in);
	else
		render_host(&sb, in->host);
	render_pools(&sb, in->host, in->remote);
	render_nodes(&sb, in->host);
	render_qemu(&sb, in);
	render_virt(&sb, in);
	render_daemons(&sb, in->host, in->remote);
	if (in->host->warnings.n) {
		section(&sb, _("Warnings"));
		for (size_t i = 0; i < in->host->warnings.n; i++)
			sb_printf(&sb, "  %s\n", in->host->warnings.v[i]);
	}
	return sb_steal(&sb);
}

int
cmd_inspect(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONGOPTS,
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	AUTOPTR(inspection) in = NULL;
	AUTOFREE char *why = NULL, *out = NULL;
	struct virt_conn *conn;
	bool json = false;
	int c;

	while ((c = cli_getopt(cli, argc, argv, "j", opts)) != -1) {
		if (c == 'h')
			return EXIT_OK;
		if (c != 'j')
			return -1;
		json = true;
	}
	if (cli_args(cli, argc, argv, 0, 0) < 0)
		return -1;
	/* An unreachable libvirt is part of the report, not a failure. */
	conn = cli_connect_optional(cli, &why);
	if (!conn && !why) {
		why = xstrdup(vs_error_message());
		vs_error_reset();
	}
	in = inspection_gather(cli->root, conn, why, HOST_PROBE_DAEMONS);
	out = json ? inspection_json(in) : inspection_text(in);
	cli_out(out);
	return EXIT_OK;
}
