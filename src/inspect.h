/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect.h: one snapshot of the host, its qemu.conf and libvirt */
#ifndef VS_INSPECT_H
#define VS_INSPECT_H

#include "host.h"
#include "json.h"
#include "qemuconf.h"
#include "virt.h"

struct inspection {
	/* For a remote connection (virt_is_remote()) the host is libvirt's
	 * view of the other host (virt_host_pages(): pools, memory, NUMA
	 * nodes; no kernel, mounts, /dev/shm or daemons), qemu.conf is not
	 * read (qemu_error says so) and hostname is libvirt's name for it. */
	bool remote;
	char *hostname;         /* remote only; NULL when libvirt did not say */
	char *qemu_label;       /* remote only: virt_qemu_dac_label(), or NULL */
	struct host_info *host;
	struct qemu_settings qemu;
	char *qemu_error;       /* why qemu.conf could not be used, or NULL */
	bool have_virt;         /* a connection was given and answered */
	struct virt_info virt;
	char *virt_error;       /* why libvirt could not be asked, or NULL */
};

/*
 * Gather everything below root; conn may be NULL (no libvirt), in which
 * case virt_error says why when why is given. A remote conn replaces root
 * (see struct inspection). Never fails: every source that cannot be read
 * becomes a message in the result. Caller frees.
 */
struct inspection *inspection_gather(const char *root, struct virt_conn *conn,
				     const char *why_no_virt,
				     unsigned host_flags);
void inspection_free(struct inspection *in);

/* What libvirt said, or NULL when in is NULL or had no libvirt. */
static inline const struct virt_info *
inspection_virt(const struct inspection *in)
{
	return in && in->have_virt ? &in->virt : NULL;
}
DEFINE_AUTOPTR(inspection)

/*
 * What a daemon of the host is, as `virtshare inspect` and the wizard say
 * it: installed or not, and for ours that it is the one virtshare uses,
 * named by $VIRTSHARE_FSD or installed. Translated, borrowed.
 */
const char *inspection_daemon_state(const struct host_daemon *d);

/*
 * The JSON document of `virtshare inspect --json` (schema 1, documented in
 * virtshare(1)). Caller frees.
 */
char *inspection_json(const struct inspection *in);
/*
 * Its "hugepages" member (the pools of h per size, with their nodes and
 * hugetlbfs mounts), which `virtshare pages --json` prints as well.
 */
void inspection_json_pools(struct json *j, const struct host_info *h);

#endif
