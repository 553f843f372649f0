/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect.c: gather the host, qemu.conf and libvirt facts into one snapshot */
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "error.h"
#include "inspect.h"
#include "json.h"

#define INSPECT_SCHEMA 1

/* What libvirt tells of a host reached over the network; the rest of it
 * is not read here, where it would be this machine's. */
static void
inspection_remote(struct inspection *in, struct virt_conn *conn)
{
	in->remote = true;
	if (!(in->hostname = virt_hostname(conn)))
		vs_error_reset();
	/* qemu.conf's user and group as libvirt applies them there. */
	if (!(in->qemu_label = virt_qemu_dac_label(conn)))
		vs_error_reset();
	if (!(in->host = virt_host_pages(conn))) {
		in->host = xcalloc(1, sizeof(*in->host));
		in->host->mem_total_kib = in->host->mem_available_kib =
		    HOST_UNKNOWN;
		strlist_take(&in->host->warnings,
			     xasprintf(_("libvirt did not describe the host: "
					 "%s"),
				       vs_error_message()));
		vs_error_reset();
	}
	in->qemu_error = xstrdup(_("qemu.conf is on the guest's host: not "
				   "checked on a remote host."));
}

struct inspection *
inspection_gather(const char *root, struct virt_conn *conn,
		  const char *why_no_virt, unsigned host_flags)
{
	struct inspection *in = xcalloc(1, sizeof(*in));

	if (conn && virt_is_remote(conn)) {
		inspection_remote(in, conn);
	} else {
		in->host = host_read(root, host_flags);
		if (qemu_settings_read(root, &in->qemu) < 0) {
			in->qemu_error = xstrdup(vs_error_message());
			vs_error_reset();
		}
	}
	if (conn) {
		if (virt_info_read(conn, &in->virt) == 0) {
			in->have_virt = true;
		} else {
			in->virt_error = xstrdup(vs_error_message());
			vs_error_reset();
		}
	} else if (why_no_virt) {
		in->virt_error = xstrdup(why_no_virt);
	}
	return in;
}

void
inspection_free(struct inspection *in)
{
	if (!in)
		return;
	free(in->hostname);
	free(in->qemu_label);
	host_info_free(in->host);
	qemu_settings_clear(&in->qemu);
	virt_info_clear(&in->virt);
	free(in->qemu_error);
	free(in->virt_error);
	free(in);
}

static void
json_count(struct json *j, const char *key, uint64_t v)
{
	if (v == HOST_UNKNOWN)
		json_null(j, key);
	else
		json_u64(j, key, v);
}

static void
json_strlist(struct json *j, const char *key, const struct strlist *l)
{
	json_arr_begin(j, key);
	for (size_t i = 0; i < l->n; i++)
		json_str(j, NULL, l->v[i]);
	json_arr_end(j);
}

void
inspection_json_pools(struct json *j, const struct host_info *h)
{
	json_arr_begin(j, "hugepages");
	for (size_t i = 0; i < h->npools; i++) {
		const struct host_pool *p = &h->pools[i];

		json_obj_begin(j, NULL);
		json_u64(j, "size_kib", p->size_kib);
		json_bool(j, "default", p->size_kib == h->default_page_kib);
		json_count(j, "total", p->total);
		json_count(j, "free", p->free);
		json_count(j, "reserved", p->reserved);
		json_count(j, "surplus", p->surplus);
		json_arr_begin(j, "mounts");
		for (size_t m = 0; m < h->nmounts; m++)
			if (STREQ(h->mounts[m].fstype, "hugetlbfs") &&
			    h->mounts[m].pagesize_kib == p->size_kib)
				json_str(j, NULL, h->mounts[m].dir);
		json_arr_end(j);
		json_arr_begin(j, "nodes");
		for (size_t n = 0; n < h->nnodes; n++) {
			const struct host_pool *np = host_node_pool_find(
			    h, h->nodes[n].id, p->size_kib);

			if (!np)
				continue;
			json_obj_begin(j, NULL);
			json_int(j, "node", h->nodes[n].id);
			json_count(j, "total", np->total);
			json_count(j, "free", np->free);
			json_count(j, "surplus", np->surplus);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
json_host(struct json *j, const struct inspection *in)
{
	const struct host_info *h = in->host;

	json_obj_begin(j, "host");
	json_bool(j, "remote", in->remote);
	json_str(j, "hostname", in->hostname);
	json_str(j, "root", h->root);
	json_str(j, "kernel", h->kernel);
	json_obj_begin(j, "memory");
	json_count(j, "total_kib", h->mem_total_kib);
	json_count(j, "available_kib", h->mem_available_kib);
	json_obj_end(j);
	json_str(j, "transparent_hugepages", h->thp);
	if (h->default_page_kib)
		json_u64(j, "default_hugepage_kib", h->default_page_kib);
	else
		json_null(j, "default_hugepage_kib");
	inspection_json_pools(j, h);
	json_arr_begin(j, "numa_nodes");
	for (size_t i = 0; i < h->nnodes; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "id", h->nodes[i].id);
		json_count(j, "memory_kib", h->nodes[i].mem_total_kib);
		json_count(j, "free_kib", h->nodes[i].mem_free_kib);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "hugetlbfs_mounts");
	for (size_t i = 0; i < h->nmounts; i++) {
		if (!STREQ(h->mounts[i].fstype, "hugetlbfs"))
			continue;
		json_obj_begin(j, NULL);
		json_str(j, "dir", h->mounts[i].dir);
		json_u64(j, "pagesize_kib", h->mounts[i].pagesize_kib);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_begin(j, "shm");
	json_bool(j, "present", h->shm_present);
	json_u64(j, "size_kib", h->shm_size_kib);
	json_count(j, "free_kib", h->shm_free_kib);
	json_obj_end(j);
	json_obj_end(j);
}

static void
json_setting_str(struct json *j, const char *key, const char *value, bool set)
{
	json_obj_begin(j, key);
	json_str(j, "value", value);
	json_bool(j, "set", set);
	json_obj_end(j);
}

static void
json_setting_list(struct json *j, const char *key, const struct strlist *l,
		  bool set)
{
	json_obj_begin(j, key);
	json_strlist(j, "value", l);
	json_bool(j, "set", set);
	json_obj_end(j);
}

static void
json_qemu(struct json *j, const struct inspection *in)
{
	const struct qemu_settings *q = &in->qemu;
	const struct host_mount *m =
	    host_mount_for_path(in->host, q->memory_backing_dir);

	json_obj_begin(j, "qemu_conf");
	json_str(j, "path", q->path);
	json_bool(j, "present", q->present);
	json_str(j, "error", in->qemu_error);
	json_str(j, "dac_label", in->qemu_label);
	json_obj_begin(j, "memory_backing_dir");
	json_str(j, "value", q->memory_backing_dir);
	json_bool(j, "set", q->memory_backing_dir_set);
	json_str(j, "fstype", m ? m->fstype : NULL);
	json_bool(j, "in_memory", m && host_fstype_in_memory(m->fstype));
	json_obj_end(j);
	json_setting_list(j, "hugetlbfs_mount", &q->hugetlbfs_mount,
			  q->hugetlbfs_mount_set);
	json_setting_str(j, "user", q->user, q->user_set);
	json_setting_str(j, "group", q->group, q->group_set);
	json_setting_list(j, "security_driver", &q->security_driver,
			  q->security_driver_set);
	json_obj_begin(j, "virtiofsd_debug");
	json_bool(j, "value", q->virtiofsd_debug);
	json_bool(j, "set", q->virtiofsd_debug_set);
	json_obj_end(j);
	json_strlist(j, "duplicate_keys", &q->duplicates);
	json_obj_end(j);
}

static void
json_version(struct json *j, const char *key, unsigned long v)
{
	AUTOFREE char *s = v ? compat_version_str(v) : NULL;

	json_str(j, key, s);
}

static void
json_virt(struct json *j, const struct inspection *in)
{
	const struct virt_info *v = &in->virt;

	if (!in->have_virt && !in->virt_error) {
		json_null(j, "libvirt");
		return;
	}
	json_obj_begin(j, "libvirt");
	json_str(j, "error", in->virt_error);
	if (in->have_virt) {
		json_str(j, "uri", v->uri);
		json_str(j, "driver", v->driver);
		json_version(j, "library_version", v->lib_version);
		json_version(j, "daemon_version", v->daemon_version);
		json_version(j, "hypervisor_version", v->hv_version);
		json_arr_begin(j, "page_sizes_kib");
		for (size_t i = 0; i < v->npage_sizes; i++)
			json_u64(j, NULL, v->page_sizes_kib[i]);
		json_arr_end(j);
		json_obj_begin(j, "domain_capabilities");
		json_bool(j, "known", v->domcaps_known);
		json_str(j, "emulator", v->emulator);
		json_strlist(j, "memory_source_types", &v->source_types);
		json_strlist(j, "filesystem_drivers", &v->fs_drivers);
		json_obj_end(j);
		json_strlist(j, "warnings", &v->warnings);
	}
	json_obj_end(j);
}

const char *
inspection_daemon_state(const struct host_daemon *d)
{
	/* [ours, and how its path was chosen][present] */
	static const char *const states[3][2] = {
	    {N_("not installed"), N_("installed")},
	    {N_("not installed, the daemon virtshare would use"),
	     N_("installed, the daemon virtshare will use")},
	    {N_("not found, the daemon virtshare would use (from "
		"$VIRTSHARE_FSD)"),
	     N_("the daemon virtshare will use (from $VIRTSHARE_FSD)")},
	};
	int kind = !d->ours ? 0 : d->from_env ? 2 : 1;

	return _(states[kind][d->present]);
}

static void
json_daemons(struct json *j, const struct host_info *h)
{
	json_arr_begin(j, "daemons");
	for (size_t i = 0; i < h->ndaemons; i++) {
		const struct host_daemon *d = &h->daemons[i];

		json_obj_begin(j, NULL);
		json_str(j, "path", d->path);
		json_bool(j, "ours", d->ours);
		json_bool(j, "from_env", d->from_env);
		json_bool(j, "present", d->present);
		json_bool(j, "probed", d->probed);
		json_str(j, "type", d->type);
		json_strlist(j, "features", &d->features);
		json_str(j, "descriptor", d->descriptor);
		json_obj_end(j);
	}
	json_arr_end(j);
}

char *
inspection_json(const struct inspection *in)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", INSPECT_SCHEMA);
	json_host(&j, in);
	json_qemu(&j, in);
	json_virt(&j, in);
	json_daemons(&j, in->host);
	json_strlist(&j, "warnings", &in->host->warnings);
	json_obj_end(&j);
	return json_steal(&j);
}
