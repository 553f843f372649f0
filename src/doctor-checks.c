/* SPDX-License-Identifier: GPL-2.0-or-later */
/* doctor-checks.c: the table of checks and what each one looks at */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "doctor-priv.h"
#include "error.h"
#include "launch.h"

/* ---- the table ----------------------------------------------------------- */

static void run_session(const struct doctor_facts *f, struct doctor_result *r);
static void run_qemu_fs(const struct doctor_facts *f, struct doctor_result *r);
static void run_qemu_conf(const struct doctor_facts *f,
			  struct doctor_result *r);
static void run_shared(const struct doctor_facts *f, struct doctor_result *r);
static void run_memfd(const struct doctor_facts *f, struct doctor_result *r);
static void run_backing_dir(const struct doctor_facts *f,
			    struct doctor_result *r);
static void run_backing_space(const struct doctor_facts *f,
			      struct doctor_result *r);
static void run_boot_pages(const struct doctor_facts *f,
			   struct doctor_result *r);
static void run_page_size(const struct doctor_facts *f,
			  struct doctor_result *r);
static void run_hugetlbfs(const struct doctor_facts *f,
			  struct doctor_result *r);
static void run_pages_free(const struct doctor_facts *f,
			   struct doctor_result *r);
static void run_daemon_installed(const struct doctor_facts *f,
				 struct doctor_result *r);
static void run_daemon_binary(const struct doctor_facts *f,
			      struct doctor_result *r);
static void run_daemon_died(const struct doctor_facts *f,
			    struct doctor_result *r);
static void run_socket(const struct doctor_facts *f, struct doctor_result *r);
static void run_locks(const struct doctor_facts *f, struct doctor_result *r);
static void run_openfiles(const struct doctor_facts *f,
			  struct doctor_result *r);
static void run_tag(const struct doctor_facts *f, struct doctor_result *r);
static void run_guest_kernel(const struct doctor_facts *f,
			     struct doctor_result *r);
static void run_source_dir(const struct doctor_facts *f,
			   struct doctor_result *r);
static void run_xattr(const struct doctor_facts *f, struct doctor_result *r);
static void run_idmap(const struct doctor_facts *f, struct doctor_result *r);
static void run_denials(const struct doctor_facts *f, struct doctor_result *r);
static void run_pending(const struct doctor_facts *f, struct doctor_result *r);
static void run_migration(const struct doctor_facts *f,
			  struct doctor_result *r);

static const struct doctor_check checks[] = {
	{
		.id = "session-mode",
		.group = DOCTOR_GROUP_LIBVIRT,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("the connection URI and libvirt's version"),
		.message = "virtiofs is not yet supported in session mode",
		.patterns = {"virtiofs is not yet supported in session mode"},
		.cause = N_("libvirt before 10.0 runs virtiofs only from its "
			    "system instance, where the daemon runs as root."),
		.fix = N_("Connect to qemu:///system, or upgrade libvirt to "
			  "10.0 or later."),
		.run = run_session,
	},
	{
		.id = "qemu-virtiofs",
		.group = DOCTOR_GROUP_LIBVIRT,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("the filesystem driverType values of libvirt's "
			       "domain capabilities"),
		.message = "virtiofs is not supported with this QEMU binary",
		.patterns = {"virtiofs is not supported with this QEMU binary"},
		.cause = N_("The QEMU binary has no vhost-user-fs device (QEMU "
			    "4.2 and later have it)."),
		.fix = N_("Install a QEMU with vhost-user-fs (Debian: "
			  "qemu-system-x86) and restart libvirtd."),
		.run = run_qemu_fs,
	},
	{
		.id = "qemu-conf",
		.group = DOCTOR_GROUP_LIBVIRT,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("/etc/libvirt/qemu.conf"),
		.message = "configuration file syntax error",
		.patterns = {"configuration file syntax error"},
		.cause = N_("libvirt's QEMU driver does not start when it "
			    "cannot read qemu.conf."),
		.fix = N_("Correct qemu.conf at the line named and restart "
			  "libvirtd."),
		.run = run_qemu_conf,
	},
	{
		.id = "shared-memory",
		.group = DOCTOR_GROUP_MEMORY,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("<memoryBacking><access>, the memAccess of each "
			       "guest NUMA <cell>"),
		.message = "unsupported configuration: 'virtiofs' requires "
			   "shared memory",
		.patterns = {"'virtiofs' requires shared memory"},
		.cause = N_("The daemon maps guest memory to serve requests, "
			    "so it must be shared: without NUMA cells <access "
			    "mode='shared'/>, with cells every cell "
			    "memAccess='shared' or inheriting a shared "
			    "access."),
		.fix = N_("Make the memory shared: virtshare share DOMAIN "
			  "--tag TAG --dir DIR --backing memfd (or file, "
			  "hugepages, numa)."),
		.run = run_shared,
	},
	{
		.id = "memory-source",
		.group = DOCTOR_GROUP_MEMORY,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("<memoryBacking><source type='memfd'/>, the "
			       "memoryBacking sourceType values of libvirt's "
			       "domain capabilities"),
		.message = "this qemu doesn't support the memory-backend-memfd "
			   "object",
		.patterns = {"doesn't support the memory-backend-memfd object"},
		.cause = N_("memfd needs QEMU 4.0 (5.0 without NUMA cells)."),
		.fix = N_("Back the memory with a file: virtshare share DOMAIN "
			  "--tag TAG --dir DIR --backing file."),
		.run = run_memfd,
	},
	{
		.id = "backing-dir",
		.group = DOCTOR_GROUP_MEMORY,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("qemu.conf's memory_backing_dir and the "
			       "filesystem it is on"),
		.message = "Failed to create memory backing dir",
		.patterns = {"Failed to create memory backing dir"},
		.cause = N_("Shared memory that is not memfd or hugepages is a "
			    "file in memory_backing_dir: on a disk every guest "
			    "page goes to the disk."),
		.fix = N_("Set memory_backing_dir = \"/dev/shm\" in qemu.conf "
			  "and restart libvirtd, or use memfd: virtshare share "
			  "DOMAIN --tag TAG --dir DIR --backing memfd."),
		.run = run_backing_dir,
	},
	{
		.id = "backing-space",
		.group = DOCTOR_GROUP_MEMORY,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("the guest's memory, the size of the tmpfs "
			       "holding memory_backing_dir (/dev/shm)"),
		.message = NULL,
		.cause = N_("A file-backed guest keeps its memory in the tmpfs "
			    "of memory_backing_dir; when that is smaller, QEMU "
			    "dies with SIGBUS once the guest uses more."),
		.fix = N_("Make the tmpfs larger (mount -o remount,size=SIZE "
			  "/dev/shm) or use memfd: virtshare share DOMAIN "
			  "--tag TAG --dir DIR --backing memfd."),
		.run = run_backing_space,
	},
	{
		.id = "hugepages-boot",
		.group = DOCTOR_GROUP_HUGEPAGES,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("hugepages= on /proc/cmdline, vm.nr_hugepages "
			       "in /etc/sysctl.conf and /etc/sysctl.d, the "
			       "pools in /sys"),
		.message = "Unable to allocate N pages. Allocated only M",
		.patterns = {"Unable to allocate * pages. Allocated only"},
		.cause = N_("The kernel fills a pool only as far as it finds "
			    "free, unfragmented memory; 1G pages are rarely "
			    "found once the host runs."),
		.fix = N_("Reserve 1G pages on the kernel command line; for "
			  "2M pages compact memory and run virtshare pages "
			  "alloc SIZE COUNT."),
		.run = run_boot_pages,
	},
	{
		.id = "hugepage-size",
		.group = DOCTOR_GROUP_HUGEPAGES,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("<hugepages><page size>, the page sizes in "
			       "/sys/kernel/mm/hugepages"),
		.message = "Memory backend 'pc.ram' not found",
		.patterns = {"Memory backend '*' not found"},
		.cause = N_("The domain asks for a page size the host's CPU "
			    "and kernel do not offer."),
		.fix = N_("Use a size the host offers: virtshare share DOMAIN "
			  "--tag TAG --dir DIR --backing hugepages:SIZE."),
		.run = run_page_size,
	},
	{
		.id = "hugetlbfs-mount",
		.group = DOCTOR_GROUP_HUGEPAGES,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("hugetlbfs mounts in /proc/mounts, qemu.conf's "
			       "hugetlbfs_mount"),
		.message = "Unable to find any usable hugetlbfs mount for N "
			   "KiB",
		.patterns = {"Unable to find any usable hugetlbfs mount for",
			     "hugetlbfs filesystem is not mounted or disabled "
			     "by administrator config"},
		.cause = N_("libvirt backs hugepages with files on a hugetlbfs "
			    "mount of the page size, found when libvirtd "
			    "starts."),
		.fix = N_("Mount one: virtshare pages mount SIZE, then restart "
			  "libvirtd."),
		.run = run_hugetlbfs,
	},
	{
		.id = "hugepages-free",
		.group = DOCTOR_GROUP_HUGEPAGES,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("free_hugepages of the pool on the NUMA nodes "
			       "the guest uses (<numatune>), the guest's "
			       "memory"),
		.message = "unable to map backing store for guest RAM: Cannot "
			   "allocate memory",
		.patterns = {"unable to map backing store for guest RAM",
			     "Insufficient free host memory pages available"},
		.cause = N_("QEMU takes the guest's memory from the free pages "
			    "of the pool when it starts; too few are free."),
		.fix = N_("Add pages: virtshare pages alloc SIZE COUNT --add "
			  "[--node N]."),
		.run = run_pages_free,
	},
	{
		.id = "daemon-installed",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("the vhost-user descriptors in "
			       "/usr/share/qemu/vhost-user and /etc/qemu/"
			       "vhost-user, the daemons they name"),
		.message = "Unable to find a satisfying virtiofsd",
		.patterns = {"Unable to find a satisfying virtiofsd"},
		.cause = N_("For a share without <binary path>, libvirt starts "
			    "the daemon named by the first vhost-user "
			    "descriptor of type fs."),
		.fix = N_("Install a virtiofs daemon with its descriptor "
			  "(virtiofsd, virtshare-fsd), or name one per share: "
			  "virtshare share DOMAIN --tag TAG --dir DIR --binary "
			  "PATH."),
		.run = run_daemon_installed,
	},
	{
		.id = "daemon-binary",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("the share's <binary path>, or the daemon the "
			       "descriptors name"),
		.message = "virtiofsd binary 'PATH' is not executable",
		.patterns = {"virtiofsd binary '*' is not executable",
			     "Unable to find a satisfying virtiofsd"},
		.cause = N_("libvirt checks that the daemon it is to start "
			    "exists and is executable."),
		.fix = N_("Name an installed daemon: virtshare share DOMAIN "
			  "--tag TAG --dir DIR --binary PATH."),
		.run = run_daemon_binary,
	},
	{
		.id = "daemon-died",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("the daemon's log "
			       "(<domain>-<alias>-virtiofsd.log), the domain's "
			       "QEMU log, libvirtd's log"),
		.message = "virtiofsd died unexpectedly",
		.patterns = {"virtiofsd died unexpectedly",
			     "Could not start 'virtiofsd'",
			     "Failed to connect to '*-fs.sock': Connection "
			     "refused",
			     "Failed to read msg header. Read 0 instead of"},
		.cause = N_("The daemon exited before or while QEMU used it; "
			    "its log says why."),
		.fix = N_("Read the daemon's log, remove the cause and start "
			  "the domain again."),
		.run = run_daemon_died,
	},
	{
		.id = "external-socket",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("the <source socket> file, /proc/net/unix, "
			       "virtshare's launch records, the socket's owner "
			       "and mode against qemu.conf's user"),
		.message = "Failed to connect to 'SOCKET': Connection refused",
		.patterns = {"Failed to connect to '*': No such file or "
			     "directory",
			     "Failed to connect to '*': Connection refused",
			     "Failed to connect to '*': Permission denied"},
		.cause = N_("With <source socket> nobody starts the daemon for "
			    "QEMU: it must listen before the guest starts, on "
			    "a socket QEMU's user may write to."),
		.fix = N_("Start it: virtshare daemon start DOMAIN TAG --dir "
			  "DIR (it gives the socket QEMU's user and group)."),
		.run = run_socket,
	},
	{
		.id = "locks",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("<lock posix= flock=>, which daemon libvirt "
			       "starts"),
		.message = "Function not implemented",
		.cause = N_("The Rust virtiofsd implements no file locks: it "
			    "ignores <lock> and answers lock requests with "
			    "ENOSYS."),
		.fix = N_("Drop <lock>, or use a daemon with locks: virtshare "
			  "share DOMAIN --tag TAG --dir DIR --binary "
			  "virtshare-fsd."),
		.run = run_locks,
	},
	{
		.id = "open-files",
		.group = DOCTOR_GROUP_DAEMON,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("the daemon's log, <openfiles max>, libvirtd's "
			       "open file limit (/proc/PID/limits)"),
		.message = "the hard limit ... of open file descriptors",
		.patterns = {"hard limit*open file descriptors",
			     "setrlimit(RLIMIT_NOFILE)", "Too many open files"},
		.cause = N_("The daemon keeps a descriptor for every file the "
			    "guest has looked up; it inherits libvirtd's "
			    "limit."),
		.fix = N_("Raise the limit: <openfiles max> (libvirt 10.6: "
			  "virtshare share ... --openfiles N), or libvirtd's "
			  "LimitNOFILE."),
		.run = run_openfiles,
	},
	{
		.id = "tag",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("<target dir>, the mount tag"),
		.message = "tag property must be 36 bytes or less",
		.patterns = {"tag property must be * bytes or less",
			     "filesystem target '*' specified twice"},
		.cause = N_("The guest finds the share by its tag: at most 36 "
			    "bytes (the kernel's tag[36]), one per share."),
		.fix = N_("Remove the share and add it again with a short, "
			  "unique tag."),
		.run = run_tag,
	},
	{
		.id = "guest-kernel",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("the version of the kernel the domain boots "
			       "directly (<os><kernel>)"),
		.message = "mount: unknown filesystem type 'virtiofs'",
		.cause = N_("Linux has virtiofs since 5.4: an older guest "
			    "kernel cannot mount the share."),
		.fix = N_("Boot the guest with Linux 5.4 or later."),
		.run = run_guest_kernel,
	},
	{
		.id = "source-dir",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("<source dir>"),
		.message = "the virtiofs export directory 'DIR' does not exist",
		.patterns = {"the virtiofs export directory '*' does not exist",
			     "source is not a directory",
			     "failed to stat source"},
		.cause = N_("libvirt refuses to start a daemon for a directory "
			    "that is not there."),
		.fix = N_("Create the directory, or point the share at one "
			  "that exists."),
		.run = run_source_dir,
	},
	{
		.id = "xattr",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("<binary xattr>, \"Operation not supported\" on "
			       "xattr calls in the daemon's log"),
		.message = "Operation not supported",
		.patterns = {"xattr*Operation not supported",
			     "Operation not supported*xattr"},
		.cause = N_("Extended attributes are off unless asked for; "
			    "guests that label files (SELinux), use ACLs or "
			    "file capabilities get \"Operation not "
			    "supported\"."),
		.fix = N_("Turn them on: virtshare share DOMAIN --tag TAG "
			  "--dir DIR --xattr."),
		.run = run_xattr,
	},
	{
		.id = "idmap",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("session mode, <idmap>, the user's ranges in "
			       "/etc/subuid and /etc/subgid"),
		.message = NULL,
		.cause = N_("An unprivileged daemon maps guest ids through a "
			    "user namespace: libvirt fills it from the user's "
			    "/etc/subuid and /etc/subgid ranges when the share "
			    "has no <idmap>."),
		.fix = N_("Give the user ranges (usermod --add-subuids "
			  "--add-subgids), or map ids with <idmap>: virtshare "
			  "share ... --idmap uid:0:UID:COUNT."),
		.run = run_idmap,
	},
	{
		.id = "denials",
		.group = DOCTOR_GROUP_SECURITY,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("/var/log/audit/audit.log, /var/log/kern.log, "
			       "the kernel's messages (/dev/kmsg)"),
		.message = "avc:  denied  { connectto }",
		.patterns = {"avc:*denied", "apparmor=\"DENIED\""},
		.cause = N_("SELinux or AppArmor keeps QEMU from the daemon's "
			    "socket or the daemon from the directory; QEMU "
			    "then sees the daemon hang up (\"Failed to read "
			    "msg header. Read 0 instead of 12\")."),
		.fix = N_("Allow it in the policy (AppArmor: "
			  "/etc/apparmor.d/local/abstractions/libvirt-qemu; "
			  "SELinux: the socket's label), or keep sockets where "
			  "the policy allows."),
		.run = run_denials,
	},
	{
		.id = "config-pending",
		.group = DOCTOR_GROUP_LIFECYCLE,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("the running (live) definition against the "
			       "persistent one: shares and memory"),
		.message = NULL,
		.cause = N_("A changed definition applies at the next start; "
			    "the running guest keeps the old one, even across "
			    "a reboot inside it."),
		.fix = N_("Shut the guest down and start it again."),
		.run = run_pending,
	},
	{
		.id = "migration",
		.group = DOCTOR_GROUP_LIFECYCLE,
		.scope = DOCTOR_SCOPE_DOMAIN,
		.looks_at = N_("snapshots of the domain, libvirt's, QEMU's and "
			       "the daemon's versions"),
		.message = "migration with virtiofs device is not supported",
		.patterns = {"migration with virtiofs device is not supported",
			     "State blocked by non-migratable device"},
		.cause = N_("Snapshots do not hold the shared files, and "
			    "migrating a guest with virtiofs needs QEMU 8.2 "
			    "and virtiofsd 1.11 or later."),
		.fix = N_("Back the shared directory up with the snapshots; "
			  "detach the share before migrating."),
		.run = run_migration,
	},
};

/*
 * What to do when the last start failed with a check's message although
 * the facts look right now (the host changed since, or libvirt has not
 * seen the change yet).
 */
static const struct {
	const char *id;
	const char *fix;
} logged_fixes[] = {
	{"hugetlbfs-mount",
	 N_("libvirt looks for hugetlbfs mounts when it starts: restart "
	    "libvirtd (systemctl restart libvirtd) so that it sees the mount, "
	    "then start the domain again.")},
};

const struct doctor_check *
doctor_checks(size_t *n)
{
	*n = ARRAY_SIZE(checks);
	return checks;
}

const struct doctor_check *
doctor_check_find(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (STREQ(checks[i].id, id))
			return &checks[i];
	return NULL;
}

static const char *const verdict_names[] = {
	[DOCTOR_OK] = "ok",
	[DOCTOR_SKIPPED] = "skipped",
	[DOCTOR_WARNING] = "warning",
	[DOCTOR_ERROR] = "error",
};

const char *
doctor_verdict_name(enum doctor_verdict v)
{
	return verdict_names[v];
}

static const struct {
	const char *name;
	const char *title;
} groups[] = {
	[DOCTOR_GROUP_LIBVIRT] = {"libvirt", N_("libvirt and QEMU")},
	[DOCTOR_GROUP_MEMORY] = {"memory", N_("Guest memory")},
	[DOCTOR_GROUP_HUGEPAGES] = {"hugepages", N_("Hugepages")},
	[DOCTOR_GROUP_DAEMON] = {"daemon", N_("The virtiofs daemon")},
	[DOCTOR_GROUP_SHARE] = {"share", N_("Shares")},
	[DOCTOR_GROUP_SECURITY] = {"security", N_("SELinux and AppArmor")},
	[DOCTOR_GROUP_LIFECYCLE] = {"lifecycle",
				    N_("Running, snapshots, migration")},
};

const char *
doctor_group_name(enum doctor_group g)
{
	return groups[g].name;
}

const char *
doctor_group_title(enum doctor_group g)
{
	return _(groups[g].title);
}

/* ---- results ------------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
verdict(struct doctor_result *r, enum doctor_verdict v, const char *fmt, ...)
{
	va_list ap;

	r->verdict = v;
	free(r->summary);
	va_start(ap, fmt);
	r->summary = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The message users see in this case (not translated: it is libvirt's,
 * QEMU's or the daemon's). */
static void __attribute__((format(printf, 2, 3)))
message(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->message);
	va_start(ap, fmt);
	r->message = xvasprintf(fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
detail(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->detail);
	va_start(ap, fmt);
	r->detail = xvasprintf(fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
fix(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->fix);
	va_start(ap, fmt);
	r->fix = xvasprintf(fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
command(struct doctor_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->command);
	va_start(ap, fmt);
	r->command = xvasprintf(fmt, ap);
	va_end(ap);
}

static void
fix_clear(struct doctor_fix *x)
{
	share_request_clear(&x->share);
	free(x->daemon);
	memset(x, 0, sizeof(*x));
}

void
doctor_result_clear(struct doctor_result *r)
{
	free(r->subject);
	free(r->summary);
	free(r->message);
	free(r->detail);
	free(r->fix);
	free(r->command);
	fix_clear(&r->action);
	for (size_t i = 0; i < r->nquotes; i++) {
		free(r->quotes[i].file);
		free(r->quotes[i].line);
	}
	free(r->quotes);
	memset(r, 0, sizeof(*r));
}

/* A word for a shell command line: quoted when it needs to be. */
char *
doctor_shell_word(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789/_.,:@%+=-";
	struct strbuf sb = STRBUF_INIT;

	if (*s && strspn(s, safe) == strlen(s))
		return xstrdup(s);
	sb_addc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			sb_add(&sb, "'\\''");
		else
			sb_addc(&sb, *s);
	}
	sb_addc(&sb, '\'');
	return sb_steal(&sb);
}

/* ---- helpers of the checks ----------------------------------------------- */

static bool
have_libvirt(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct inspection *in = f->env->in;

	if (in->have_virt)
		return true;
	if (in->virt_error)
		verdict(r, DOCTOR_SKIPPED, _("libvirt could not be asked: %s"),
			in->virt_error);
	else
		verdict(r, DOCTOR_SKIPPED,
			_("No libvirt connection: nothing to ask."));
	return false;
}

/* Checks of files and processes need the guest's host to be this one. */
static bool
host_local(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->remote)
		return true;
	verdict(r, DOCTOR_SKIPPED,
		_("libvirt runs on another host: run virtshare doctor there "
		  "for this check."));
	return false;
}

static bool
share_is_external(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->share->socket)
		return false;
	verdict(r, DOCTOR_SKIPPED,
		_("A daemon of its own serves the socket %s: see "
		  "external-socket."),
		f->share->socket);
	return true;
}

static char *
version_str(unsigned long v)
{
	return v ? virt_version_str(v) : xstrdup(_("(unknown version)"));
}

/* "--dir /srv" or "--socket /run/x.sock", quoted for a shell. */
static char *
source_args(const struct domxml_share *s)
{
	AUTOFREE char *w = doctor_shell_word(s->dir ? s->dir : s->socket);

	return xasprintf("%s %s", s->dir ? "--dir" : "--socket", w);
}

/*
 * The command that changes the share s (the first share for domain-wide
 * changes) with extra options: "virtshare -c URI share DOM --tag T --dir
 * D EXTRA".
 */
static void
share_command(const struct doctor_facts *f, struct doctor_result *r,
	      const struct domxml_share *s, const char *extra)
{
	AUTOFREE char *dom = doctor_shell_word(f->domain);
	AUTOFREE char *tag = doctor_shell_word(s->tag ? s->tag : "");
	AUTOFREE char *src = source_args(s);

	command(r, "%s share %s --tag %s %s %s%s", f->cmd, dom, tag, src,
		extra, f->xml_suffix);
}

/* The fix that re-shares s as it is; the caller adds what changes. */
static struct share_request *
share_fix(struct doctor_result *r, const struct domxml_share *s)
{
	struct share_request *q = &r->action.share;

	fix_clear(&r->action);
	r->action.kind = DOCTOR_FIX_SHARE;
	share_request_init(q);
	q->share.tag = xstrdup(s->tag ? s->tag : "");
	q->share.dir = s->dir ? xstrdup(s->dir) : NULL;
	q->share.socket = s->socket ? xstrdup(s->socket) : NULL;
	/* Guest memory stays as it is unless the fix is about it. */
	q->backing_given = true;
	q->backing.kind = DOMXML_BACKING_KEEP;
	return q;
}

/* Whether the guest's memory is a file in memory_backing_dir: libvirt
 * uses memory-backend-file for any memory access setting or a file
 * source, unless it is memfd or hugepages. */
static bool
file_backed(const struct domxml_memory *m)
{
	bool cell_access = false;

	for (size_t i = 0; i < m->ncells; i++)
		cell_access |= m->cells[i].mem_access != NULL;
	if (m->hugepages || (m->source && STREQ(m->source, "memfd")))
		return false;
	return (m->source && STREQ(m->source, "file")) || m->access ||
	       cell_access;
}

static bool
file_backing_applies(const struct doctor_facts *f, struct doctor_result *r)
{
	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs "
					     "share."));
		return false;
	}
	if (!file_backed(&f->mem)) {
		verdict(r, DOCTOR_SKIPPED,
			_("Guest memory is not a file in memory_backing_dir "
			  "(%s)."),
			domxml_memory_kind(&f->mem));
		return false;
	}
	if (!f->q) {
		verdict(r, DOCTOR_SKIPPED,
			_("qemu.conf cannot be read: see qemu-conf."));
		return false;
	}
	return host_local(f, r);
}

static bool
hugepages_apply(const struct doctor_facts *f, struct doctor_result *r)
{
	uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	bool huge = false;

	if (!f->mem.hugepages) {
		verdict(r, DOCTOR_SKIPPED,
			_("The domain does not use hugepages."));
		return false;
	}
	for (size_t i = 0; i < f->mem.npages; i++)
		huge |= f->mem.pages[i].size_kib != base;
	if (f->mem.npages && !huge) {
		/* libvirt too (qemuBuildMemoryGetPagesize). */
		verdict(r, DOCTOR_SKIPPED,
			_("The domain's <page> is of the base page size, which "
			  "libvirt takes for ordinary memory: no hugepages are "
			  "used."));
		return false;
	}
	return true;
}

/* One page size a guest takes and how much memory comes from it. */
struct page_use {
	uint64_t size_kib;
	uint64_t mem_kib;
};

/* The hugepage sizes of the domain, its default size resolved. */
static size_t
page_uses(const struct doctor_facts *f, struct page_use **out)
{
	const struct domxml_memory *m = &f->mem;
	uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	size_t n = m->npages ? m->npages : 1, k = 0;

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		const struct domxml_page *pg = m->npages ? &m->pages[i] : NULL;

		/* A page of the base size is ordinary memory to libvirt. */
		if (pg && pg->size_kib == base)
			continue;
		(*out)[k].size_kib =
		    pg && pg->size_kib ? pg->size_kib : f->h->default_page_kib;
		(*out)[k++].mem_kib = domxml_memory_for_nodes(
		    m, pg ? pg->nodeset : NULL);
	}
	return k;
}

/* The daemon libvirt starts for shares without a path: the descriptor
 * that sorts first by file name names it. */
const struct host_daemon *
doctor_descriptor_daemon(const struct host_info *h)
{
	const struct host_daemon *best = NULL;

	for (size_t i = 0; i < h->ndaemons; i++) {
		const char *base, *best_base;

		if (!h->daemons[i].descriptor)
			continue;
		base = strrchr(h->daemons[i].descriptor, '/');
		best_base = best ? strrchr(best->descriptor, '/') : NULL;
		if (!best || strcmp(base, best_base) < 0)
			best = &h->daemons[i];
	}
	return best;
}

/* Our daemon, when installed: what a share can be pointed at. */
static const char *
our_daemon(const struct doctor_facts *f)
{
	for (size_t i = 0; i < f->h->ndaemons; i++)
		if (f->h->daemons[i].ours && f->h->daemons[i].present)
			return f->h->daemons[i].path;
	return NULL;
}

/* Offer our daemon for the share as the fix. */
static void
fix_with_our_daemon(const struct doctor_facts *f, struct doctor_result *r,
		    const char *why)
{
	const char *ours = our_daemon(f);
	AUTOFREE char *extra = NULL, *w = NULL;

	if (!ours) {
		fix(r, _("%s Daemons: virtiofsd (Debian 13: apt install "
			 "virtiofsd), QEMU's (Debian 12: apt install "
			 "qemu-system-common) or virtshare-fsd; name one with "
			 "--binary PATH."),
		    why);
		return;
	}
	w = doctor_shell_word(ours);
	extra = xasprintf("--binary %s", w);
	fix(r, _("%1$s Let libvirt start virtshare's daemon %2$s for the "
		 "share."),
	    why, ours);
	share_command(f, r, f->share, extra);
	share_fix(r, f->share)->share.binary = xstrdup(ours);
}

/* The Rust virtiofsd (1.x), not QEMU's C one ("virtiofsd version 7.2"). */
static bool
daemon_is_rust(const struct share_daemon *sd)
{
	const struct host_daemon *p = &sd->probe;
	unsigned major;

	if (p->probed && strlist_has(&p->features, "separate-options"))
		return true;
	if (p->version)
		return sscanf(p->version, "virtiofsd %u.", &major) == 1 &&
		       major >= 1 && major < 5;
	return sd->path && STREQ(sd->path, RUST_VIRTIOFSD);
}

/* ---- the checks: libvirt and QEMU ---------------------------------------- */

static void
run_session(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct doctor_env *e = f->env;
	AUTOFREE char *v = NULL;

	if (!have_libvirt(f, r))
		return;
	v = version_str(e->libvirt_version);
	if (!e->session) {
		/* The URI heads the section already. */
		verdict(r, DOCTOR_OK,
			_("The connection is not a session connection."));
		return;
	}
	if (e->libvirt_version >= LIBVIRT_SESSION_VIRTIOFS) {
		verdict(r, DOCTOR_OK,
			_("libvirt %s runs virtiofs in session mode."), v);
		return;
	}
	verdict(r, DOCTOR_ERROR,
		_("libvirt %s cannot run virtiofs in session mode (%s); 10.0 "
		  "is the first that can."),
		v, e->in->virt.uri);
	fix(r, _("Connect to the system instance (-c qemu:///system), where "
		 "libvirt starts the daemon as root, or upgrade libvirt to "
		 "10.0 or later."));
}

static void
run_qemu_fs(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!have_libvirt(f, r))
		return;
	if (!v->domcaps_known) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt's %s driver reports no domain "
			  "capabilities."),
			v->driver ? v->driver : "?");
		return;
	}
	if (strlist_has(&v->fs_drivers, "virtiofs")) {
		verdict(r, DOCTOR_OK, _("QEMU (%s) has virtiofs."),
			v->emulator ? v->emulator : "?");
		return;
	}
	verdict(r, DOCTOR_ERROR,
		_("QEMU (%s) has no virtiofs: its vhost-user-fs device is "
		  "missing."),
		v->emulator ? v->emulator : "?");
	fix(r, _("Install a QEMU with vhost-user-fs, 4.2 or later (Debian: "
		 "apt install qemu-system-x86), and restart libvirtd."));
}

static void
run_qemu_conf(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct inspection *in = f->env->in;

	if (!host_local(f, r))
		return;
	if (in->qemu_error) {
		verdict(r, DOCTOR_ERROR,
			_("libvirt cannot read %s, so its QEMU driver does not "
			  "start."),
			in->qemu.path ? in->qemu.path : QEMUCONF_PATH);
		detail(r, "%s", in->qemu_error);
		fix(r, _("Correct the file where the message says and restart "
			 "libvirtd."));
		return;
	}
	if (!in->qemu.present)
		verdict(r, DOCTOR_OK,
			_("%s does not exist: libvirt's defaults apply."),
			QEMUCONF_PATH);
	else
		verdict(r, DOCTOR_OK, _("%s is valid."), QEMUCONF_PATH);
}

/* ---- the checks: guest memory -------------------------------------------- */

static void
run_shared(const struct doctor_facts *f, struct doctor_result *r)
{
	struct backing_choice c = {0};
	AUTOFREE char *why = NULL, *kind = NULL, *extra = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs "
					     "share."));
		return;
	}
	if (domxml_memory_shared(&f->mem, &why)) {
		verdict(r, DOCTOR_OK, _("Guest memory is shared (%s)."),
			domxml_memory_kind(&f->mem));
		return;
	}
	verdict(r, DOCTOR_ERROR,
		_("Guest memory is not shared: %s. libvirt refuses to start "
		  "the domain."),
		why);
	if (backing_choose(f->env->in, f->d, &c) < 0) {
		fix(r, "%s", vs_error_message());
		vs_error_reset();
		return;
	}
	kind = domxml_backing_str(&c.chosen);
	extra = xasprintf("--backing %s", kind);
	fix(r, _("Make guest memory shared. The backing virtshare chooses "
		 "is %s"),
	    c.why);
	share_command(f, r, &f->shares[0], extra);
	{
		struct share_request *q = share_fix(r, &f->shares[0]);

		q->backing = c.chosen;
		c.chosen.nodeset = NULL; /* moved */
	}
	backing_choice_clear(&c);
}

static void
run_memfd(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!f->mem.source || !STREQ(f->mem.source, "memfd") ||
	    f->mem.hugepages) {
		verdict(r, DOCTOR_SKIPPED,
			_("The domain does not ask for memfd memory."));
		return;
	}
	if (!have_libvirt(f, r))
		return;
	if (!v->domcaps_known) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt's %s driver reports no domain "
			  "capabilities."),
			v->driver ? v->driver : "?");
		return;
	}
	if (strlist_has(&v->source_types, "memfd")) {
		verdict(r, DOCTOR_OK, _("QEMU offers memfd memory."));
		return;
	}
	verdict(r, DOCTOR_ERROR,
		_("The domain asks for memfd memory, which this QEMU and "
		  "libvirt do not offer."));
	fix(r, _("Back the memory with a file in memory_backing_dir "
		 "instead."));
	if (f->nshares) {
		share_command(f, r, &f->shares[0], "--backing file");
		share_fix(r, &f->shares[0])->backing.kind =
		    DOMXML_BACKING_FILE;
	}
}

/* memory_backing_dir below the root, and the mount it is on. */
static const struct host_mount *
backing_mount(const struct doctor_facts *f, bool *exists)
{
	const char *dir = f->q->memory_backing_dir;
	AUTOFREE char *path = path_under(f->env->root, dir);
	struct stat st;

	*exists = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	return host_mount_for_path(f->h, dir);
}

static void
fix_with_memfd(const struct doctor_facts *f, struct doctor_result *r)
{
	share_command(f, r, &f->shares[0], "--backing memfd");
	share_fix(r, &f->shares[0])->backing.kind = DOMXML_BACKING_MEMFD;
}

static void
run_backing_dir(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *dir;
	const struct host_mount *m;
	bool exists;

	if (!file_backing_applies(f, r))
		return;
	dir = f->q->memory_backing_dir;
	m = backing_mount(f, &exists);
	if (m && !host_fstype_in_memory(m->fstype)) {
		verdict(r, DOCTOR_WARNING,
			_("memory_backing_dir %1$s is on %2$s (%3$s), a disk: "
			  "every page of the guest's memory is written there, "
			  "which is slow."),
			dir, m->dir, m->fstype);
		fix(r, _("Set memory_backing_dir = \"/dev/shm\" in %s and "
			 "restart libvirtd, or back the memory with memfd."),
		    f->q->path ? f->q->path : QEMUCONF_PATH);
		fix_with_memfd(f, r);
		return;
	}
	if (!exists) {
		verdict(r, DOCTOR_WARNING,
			_("memory_backing_dir %s does not exist; libvirt "
			  "creates it when the guest starts, if it can."),
			dir);
		fix(r, _("Create it (mkdir -p %s), or set memory_backing_dir "
			 "in %s to a directory on a tmpfs such as /dev/shm."),
		    dir, f->q->path ? f->q->path : QEMUCONF_PATH);
		return;
	}
	verdict(r, DOCTOR_OK, _("memory_backing_dir %1$s is in memory (%2$s)."),
		dir, m ? m->fstype : "?");
}

static void
run_backing_space(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_mount *m;
	AUTOFREE char *need = NULL, *have = NULL, *avail = NULL;
	uint64_t size, free_kib = HOST_UNKNOWN, room;
	bool exists;

	if (!file_backing_applies(f, r))
		return;
	m = backing_mount(f, &exists);
	if (!m || !host_fstype_in_memory(m->fstype)) {
		verdict(r, DOCTOR_SKIPPED,
			_("memory_backing_dir is not on a memory filesystem: "
			  "see backing-dir."));
		return;
	}
	if (STREQ(m->dir, "/dev/shm") && f->h->shm_present) {
		size = f->h->shm_size_kib;
		free_kib = f->h->shm_free_kib;
	} else {
		size = m->size_kib ? m->size_kib
				   : f->h->mem_total_kib == HOST_UNKNOWN
					 ? 0
					 : f->h->mem_total_kib / 2;
	}
	if (!size || !f->mem.memory_kib) {
		verdict(r, DOCTOR_SKIPPED, _("The size of %s is not known."),
			m->dir);
		return;
	}
	/* A running guest's memory is in there already. */
	room = free_kib != HOST_UNKNOWN && !f->active ? free_kib : size;
	need = size_format_kib(f->mem.memory_kib);
	have = size_format_kib(size);
	avail = free_kib == HOST_UNKNOWN ? xstrdup(_("unknown"))
					 : size_format_kib(free_kib);
	if (f->mem.memory_kib <= room) {
		verdict(r, DOCTOR_OK,
			_("The guest's %1$s fit in %2$s (%3$s, %4$s free)."),
			need, m->dir, have, avail);
		return;
	}
	verdict(r, DOCTOR_ERROR,
		_("The guest's %1$s do not fit in %2$s (%3$s, %4$s free): QEMU "
		  "dies with SIGBUS when the guest uses more than fits."),
		need, m->dir, have, avail);
	fix(r, _("Make %1$s hold more than %2$s besides what is in it (mount "
		 "-o remount,size=SIZE %1$s, and the same in /etc/fstab), or "
		 "back the memory with memfd."),
	    m->dir, need);
	fix_with_memfd(f, r);
}

/* ---- the checks: hugepages ----------------------------------------------- */

static void
run_boot_pages(const struct doctor_facts *f, struct doctor_result *r)
{
	struct host_boot_pages *b = NULL;
	size_t n;
	bool short_found = false;

	if (!host_local(f, r))
		return;
	n = host_boot_pages(f->env->root, &b);
	if (!n) {
		verdict(r, DOCTOR_OK, _("No hugepages are reserved at boot."));
		host_boot_pages_free(b, n);
		return;
	}
	for (size_t i = 0; i < n && !short_found; i++) {
		uint64_t size = b[i].size_kib ? b[i].size_kib
					      : f->h->default_page_kib;
		const struct host_pool *pool = host_pool_find(f->h, size);
		AUTOFREE char *sz = size_format_kib(size);
		bool later = false;

		/* What is set later at boot wins (sysctl after cmdline). */
		for (size_t k = i + 1; k < n; k++) {
			uint64_t ks = b[k].size_kib;

			later |= (ks ? ks : f->h->default_page_kib) == size;
		}
		if (later || !pool || pool->total == HOST_UNKNOWN ||
		    pool->total >= b[i].count)
			continue;
		short_found = true;
		verdict(r, DOCTOR_WARNING,
			_("%1$s asks for %2$llu pages of %3$s, but the pool "
			  "has %4$llu: the kernel found only part of them."),
			b[i].source, ULL(b[i].count), sz, ULL(pool->total));
		if (size >= 1024 * 1024) {
			fix(r, _("Pages of %1$s are found reliably only at "
				 "boot: put 'hugepagesz=%1$s hugepages=%2$llu' "
				 "on the kernel command line and reboot."),
			    sz, ULL(b[i].count));
			continue;
		}
		fix(r, _("Memory was short or fragmented when the pool was "
			 "filled. Compact it (echo 1 > "
			 "/proc/sys/vm/compact_memory) and fill the pool "
			 "again; virtshare puts it back if the kernel still "
			 "falls short."));
		command(r, "%s pages alloc %s %llu", f->host_cmd, sz,
			ULL(b[i].count));
		r->action.kind = DOCTOR_FIX_PAGES;
		r->action.pages.op = PAGES_SET;
		r->action.pages.size_kib = size;
		r->action.pages.count = b[i].count;
		r->action.pages.node = -1;
	}
	if (!short_found)
		verdict(r, DOCTOR_OK,
			_("The pools hold the pages reserved at boot."));
	host_boot_pages_free(b, n);
}

/* "2M, 1G": the sizes the host offers. */
static char *
sizes_offered(const struct host_info *h)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < h->npools; i++) {
		AUTOFREE char *s = size_format_kib(h->pools[i].size_kib);

		sb_printf(&sb, "%s%s", i ? ", " : "", s);
	}
	return sb.len ? sb_steal(&sb) : xstrdup(_("none"));
}

/* What libvirt says when no hugetlbfs mount serves a page size. */
static const char *const mount_patterns[] = {
	"Unable to find any usable hugetlbfs mount for",
	"hugetlbfs filesystem is not mounted or disabled by administrator "
	"config",
};

static void
run_page_size(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	AUTOFREE char *offered = NULL;
	size_t n;

	if (!hugepages_apply(f, r))
		return;
	n = page_uses(f, &use);
	offered = sizes_offered(f->h);
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *sz = NULL, *def = NULL, *extra = NULL;

		if (use[i].size_kib && host_pool_find(f->h, use[i].size_kib))
			continue;
		sz = use[i].size_kib ? size_format_kib(use[i].size_kib)
				     : xstrdup(_("the default size"));
		verdict(r, DOCTOR_ERROR,
			_("The domain asks for pages of %1$s; this host offers "
			  "%2$s."),
			sz, offered);
		/* libvirt finds no hugetlbfs mount for such a size first. */
		for (size_t p = 0; p < ARRAY_SIZE(mount_patterns); p++)
			doctor_quote_pattern(f, r, mount_patterns[p]);
		if (!f->h->default_page_kib || !f->h->npools) {
			fix(r, _("This host offers no hugepages: back the "
				 "memory with memfd."));
			if (f->nshares)
				fix_with_memfd(f, r);
			return;
		}
		def = size_format_kib(f->h->default_page_kib);
		fix(r, _("Use a size the host offers, such as its default "
			 "%s."),
		    def);
		if (f->nshares && f->mem.npages <= 1 &&
		    !(f->mem.npages && f->mem.pages[0].nodeset)) {
			struct share_request *q;

			extra = xasprintf("--backing hugepages:%s", def);
			share_command(f, r, &f->shares[0], extra);
			q = share_fix(r, &f->shares[0]);
			q->backing.kind = DOMXML_BACKING_HUGEPAGES;
			q->backing.page_kib = f->h->default_page_kib;
		}
		return;
	}
	verdict(r, DOCTOR_OK, _("This host offers the page sizes the domain "
				"uses (%s)."),
		offered);
}

static bool
any_hugetlbfs(const struct host_info *h)
{
	for (size_t i = 0; i < h->nmounts; i++)
		if (STREQ(h->mounts[i].fstype, "hugetlbfs"))
			return true;
	return false;
}

static void
run_hugetlbfs(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	struct strbuf found = STRBUF_INIT;
	size_t n;

	if (!hugepages_apply(f, r) || !host_local(f, r))
		return;
	n = page_uses(f, &use);
	for (size_t i = 0; i < n; i++) {
		AUTOFREE char *advice = NULL, *sz = NULL;
		const char *dir = NULL;
		enum pages_mount_state st;

		if (!use[i].size_kib || !host_pool_find(f->h, use[i].size_kib))
			continue;
		st = pages_mount_check(f->h, f->q, use[i].size_kib, &dir,
				       &advice);
		sz = size_format_kib(use[i].size_kib);
		if (st == PAGES_MOUNT_OK) {
			sb_printf(&found, "%s%s: %s", found.len ? ", " : "",
				  sz, dir);
			continue;
		}
		message(r,
			any_hugetlbfs(f->h)
			    ? "Unable to find any usable hugetlbfs mount for "
			      "%llu KiB"
			    : "hugetlbfs filesystem is not mounted or disabled "
			      "by administrator config",
			ULL(use[i].size_kib));
		verdict(r, DOCTOR_ERROR,
			_("libvirt has no hugetlbfs mount for %s pages to "
			  "use."),
			sz);
		fix(r, "%s", advice);
		if (st == PAGES_MOUNT_NONE && root_is_host(f->env->root)) {
			command(r, "%s pages mount %s", f->host_cmd, sz);
			r->action.kind = DOCTOR_FIX_MOUNT;
			r->action.mount_kib = use[i].size_kib;
		} else if (st == PAGES_MOUNT_NONE) {
			command(r, "%s pages mount %s", f->host_cmd, sz);
		}
		sb_clear(&found);
		return;
	}
	if (found.len)
		verdict(r, DOCTOR_OK, _("hugetlbfs is mounted (%s)."),
			sb_str(&found));
	else
		verdict(r, DOCTOR_SKIPPED,
			_("No page size the host offers: see hugepage-size."));
	sb_clear(&found);
}

/* The one host NUMA node a nodeset names, or -1. */
static int
single_node(const char *nodeset)
{
	int node;

	return nodeset && str_to_int(nodeset, &node) == 0 ? node : -1;
}

static void
run_pages_free(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE struct page_use *use = NULL;
	const char *nodes = f->mem.host_nodeset;
	size_t n;
	bool checked = false;

	if (!hugepages_apply(f, r))
		return;
	if (f->active) {
		verdict(r, DOCTOR_OK,
			_("The domain runs: its hugepages are allocated."));
		return;
	}
	n = page_uses(f, &use);
	for (size_t i = 0; i < n; i++) {
		struct pages_need need;
		AUTOFREE char *sz = NULL;
		int node;

		if (!use[i].size_kib || !use[i].mem_kib ||
		    !host_pool_find(f->h, use[i].size_kib))
			continue;
		if (pages_need(f->h, use[i].mem_kib, use[i].size_kib, nodes,
			       &need) < 0) {
			verdict(r, DOCTOR_ERROR, "%s", vs_error_message());
			vs_error_reset();
			return;
		}
		checked = true;
		if (need.enough) {
			pages_need_clear(&need);
			continue;
		}
		sz = size_format_kib(use[i].size_kib);
		if (need.free == HOST_UNKNOWN) {
			verdict(r, DOCTOR_WARNING,
				_("The guest needs %1$llu pages of %2$s; how "
				  "many are free is not known."),
				ULL(need.pages), sz);
			fix(r, _("Check the pools with 'virtshare pages'."));
			pages_need_clear(&need);
			return;
		}
		verdict(r, DOCTOR_ERROR,
			nodes ? _("The guest needs %1$llu pages of %2$s; only "
				  "%3$llu are free on host NUMA node(s) %4$s.")
			      : _("The guest needs %1$llu pages of %2$s; only "
				  "%3$llu are free."),
			ULL(need.pages), sz, ULL(need.free), nodes);
		fix(r, _("Add the %llu missing pages to the pool before "
			 "starting the guest."),
		    ULL(need.pages - need.free));
		node = single_node(nodes);
		if (!nodes || node >= 0) {
			AUTOFREE char *opt = node >= 0
						 ? xasprintf(" --node %d", node)
						 : xstrdup("");

			command(r, "%s pages alloc %s %llu --add%s",
				f->host_cmd, sz, ULL(need.pages - need.free),
				opt);
			r->action.kind = DOCTOR_FIX_PAGES;
			r->action.pages.op = PAGES_ADD;
			r->action.pages.size_kib = use[i].size_kib;
			r->action.pages.count = need.pages - need.free;
			r->action.pages.node = node;
		}
		pages_need_clear(&need);
		return;
	}
	if (checked)
		verdict(r, DOCTOR_OK,
			_("Enough hugepages are free for the guest."));
	else
		verdict(r, DOCTOR_SKIPPED,
			_("No page size the host offers: see hugepage-size."));
}

/* ---- the checks: the daemon ---------------------------------------------- */

static void
run_daemon_installed(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_daemon *d;

	if (!host_local(f, r))
		return;
	d = doctor_descriptor_daemon(f->h);
	if (!d) {
		verdict(r, DOCTOR_ERROR,
			_("No vhost-user descriptor names a virtiofs daemon: "
			  "libvirt cannot start shares that name none."));
		if (our_daemon(f))
			fix(r, _("Name virtshare's daemon in each share: "
				 "virtshare share DOMAIN --tag TAG --dir DIR "
				 "--binary %s, or install a daemon with its "
				 "descriptor (Debian 13: apt install "
				 "virtiofsd)."),
			    our_daemon(f));
		else
			fix(r, _("Install a daemon with its descriptor (Debian "
				 "13: apt install virtiofsd; Debian 12: apt "
				 "install qemu-system-common), or install "
				 "virtshare-fsd."));
		return;
	}
	if (!d->present) {
		message(r, "virtiofsd binary '%s' is not executable", d->path);
		verdict(r, DOCTOR_ERROR,
			_("libvirt picks the daemon %1$s, named by %2$s, which "
			  "is not installed or not executable."),
			d->path, d->descriptor);
		fix(r, _("Install it again, or remove %s so that the next "
			 "descriptor is used."),
		    d->descriptor);
		return;
	}
	verdict(r, DOCTOR_OK,
		_("For shares that name no daemon libvirt starts %1$s (%2$s)."),
		d->path, d->descriptor);
}

static void
run_daemon_binary(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct share_daemon *sd = &f->daemons[f->si];
	AUTOFREE char *why = NULL;

	if (share_is_external(f, r) || !host_local(f, r))
		return;
	if (!sd->path) {
		message(r, "Unable to find a satisfying virtiofsd");
		verdict(r, DOCTOR_ERROR,
			_("The share names no daemon and no vhost-user "
			  "descriptor names one: libvirt fails with \"Unable "
			  "to find a satisfying virtiofsd\"."));
		fix_with_our_daemon(f, r, _("Give the share a daemon."));
		return;
	}
	if (!sd->present) {
		verdict(r, DOCTOR_ERROR,
			_("The share's daemon %s is not installed or not "
			  "executable."),
			sd->path);
		message(r, "virtiofsd binary '%s' is not executable", sd->path);
		why = xasprintf(_("Install %s, or give the share another "
				  "daemon."),
				sd->path);
		fix_with_our_daemon(f, r, why);
		return;
	}
	if (sd->descriptor)
		verdict(r, DOCTOR_OK, _("libvirt starts %1$s (named by %2$s)."),
			sd->path, sd->descriptor);
	else
		verdict(r, DOCTOR_OK, _("libvirt starts %s."), sd->path);
}

static void
run_daemon_died(const struct doctor_facts *f, struct doctor_result *r)
{
	bool any_log = false, daemon_said = false, found;

	if (share_is_external(f, r) || !host_local(f, r))
		return;
	for (size_t i = 0; i < f->nlogs; i++) {
		const struct doctor_log *l = &f->logs[i];

		if (l->kind == LOG_QEMU || l->kind == LOG_DAEMON)
			any_log = true;
		if (l->kind != LOG_DAEMON || !doctor_log_visible(f, l))
			continue;
		for (size_t j = l->lines.n; j-- > 0 && !daemon_said;)
			if (doctor_error_line(l->lines.v[j])) {
				doctor_quote_add(r, l->file, l->lines.v[j]);
				daemon_said = true;
			}
	}
	if (!any_log && f->unreadable.n) {
		verdict(r, DOCTOR_SKIPPED,
			_("The logs cannot be read with your rights: run as "
			  "root."));
		return;
	}
	if (!any_log) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt has no log of this domain to look at."));
		return;
	}
	found = doctor_quote_logs(f, r);
	if (!found && !daemon_said) {
		verdict(r, DOCTOR_OK,
			_("The logs show no failure of the daemon."));
		return;
	}
	if (f->run.failed)
		verdict(r, DOCTOR_ERROR,
			_("The daemon failed, and with it the last start of "
			  "the domain."));
	else if (found)
		verdict(r, DOCTOR_ERROR, _("The daemon died (quoted)."));
	else
		verdict(r, DOCTOR_WARNING,
			_("The daemon's log reports an error (quoted)."));
	fix(r, _("The lines quoted say why. Remove the cause, then start the "
		 "domain again (virsh start %s)."),
	    f->domain);
}

/* May user (uid, gid) do want (rwx bits) on st? */
static bool
may_access(const char *user, uid_t uid, gid_t gid, const struct stat *st,
	   unsigned want)
{
	unsigned bits;

	if (uid == 0)
		return true;
	if (st->st_uid == uid)
		bits = (st->st_mode >> 6) & 7;
	else if (host_user_in_group(user, gid, st->st_gid))
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	return (bits & want) == want;
}

/* Where QEMU's user cannot reach path (below root): the blocking
 * directory, the socket itself, or NULL when it can. Caller frees. */
static char *
unreachable(const char *root, const char *path, const char *user, uid_t uid,
	    gid_t gid)
{
	AUTOFREE char *full = path_under(root, path);
	AUTOFREE char *dir = xstrdup(path);
	struct stat st;
	char *slash;

	if (stat(full, &st) == 0 && !may_access(user, uid, gid, &st, 2))
		return xstrdup(path);
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		AUTOFREE char *p = NULL;

		*slash = '\0';
		p = path_under(root, dir);
		if (stat(p, &st) == 0 && !may_access(user, uid, gid, &st, 1))
			return xstrdup(dir);
	}
	return NULL;
}

/* The launch record serving socket, or NULL. */
static struct launch_status *
socket_record(const char *socket)
{
	AUTOFREE char *name = launch_find_socket(socket);
	struct launch_status *st;

	if (!name) {
		vs_error_reset();
		return NULL;
	}
	if (!(st = launch_status_read(name)))
		vs_error_reset();
	return st;
}

/* Whether the daemon's record gives its socket to user or group: then
 * starting it again puts the owner right. */
static bool
record_gives(const struct launch_status *st, const char *user,
	     const char *group)
{
	return st && ((st->spec.socket_user &&
		       STREQ(st->spec.socket_user, user)) ||
		      (st->spec.socket_group &&
		       STREQ(st->spec.socket_group, group)));
}

/* "virtshare daemon start DOM TAG" or "... --socket PATH". */
static void
daemon_command(const struct doctor_facts *f, struct doctor_result *r,
	       const struct launch_status *st, const char *verb)
{
	if (st->spec.domain && st->spec.tag) {
		AUTOFREE char *d = doctor_shell_word(st->spec.domain);
		AUTOFREE char *t = doctor_shell_word(st->spec.tag);

		command(r, "%s daemon %s %s %s", f->cmd, verb, d, t);
	} else {
		AUTOFREE char *s = doctor_shell_word(st->spec.socket);

		command(r, "%s daemon %s --socket %s", f->cmd, verb, s);
	}
	r->action.kind = DOCTOR_FIX_DAEMON;
	free(r->action.daemon);
	r->action.daemon = xstrdup(st->name);
}

/* The daemon virtshare started for the socket died: its log says why. */
static void
died_says(struct doctor_result *r, const struct launch_status *st)
{
	if (doctor_quote_launch_log(r, st))
		detail(r, _("The daemon virtshare started on it exited; its "
			    "log %s says why (quoted)."),
		       st->log);
}

static void
socket_fix(const struct doctor_facts *f, struct doctor_result *r,
	   const struct launch_status *st, const char *verb)
{
	AUTOFREE char *d = doctor_shell_word(f->domain);
	AUTOFREE char *t =
	    doctor_shell_word(f->share->tag ? f->share->tag : "");
	AUTOFREE char *s = doctor_shell_word(f->share->socket);

	if (st) {
		fix(r, _("Start the daemon virtshare recorded for it again: it "
			 "listens and gives the socket QEMU's user and "
			 "group."));
		daemon_command(f, r, st, verb);
		return;
	}
	fix(r, _("Start a daemon on it with the directory to share: virtshare "
		 "daemon start %1$s %2$s --dir DIR --socket %3$s"),
	    d, t, s);
}

static void
run_socket(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *sock = f->share->socket;
	const struct qemu_settings *q = f->q;
	const char *qgroup = q && q->group ? q->group : QEMUCONF_DEFAULT_GROUP;
	AUTOPTR(launch_status) st = NULL;
	AUTOFREE char *full = NULL, *blocked = NULL, *user = NULL;
	struct stat sb;
	uid_t uid;
	gid_t gid;
	int listening;

	if (!sock) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt starts the daemon and makes its socket."));
		return;
	}
	if (!host_local(f, r))
		return;
	st = socket_record(sock);
	full = path_under(f->env->root, sock);
	if (lstat(full, &sb) < 0) {
		message(r,
			"Failed to connect to '%s': No such file or directory",
			sock);
		verdict(r, DOCTOR_ERROR,
			_("The socket %s does not exist: no daemon serves the "
			  "share, and QEMU fails with \"Failed to connect to "
			  "'%s': No such file or directory\"."),
			sock, sock);
		died_says(r, st);
		socket_fix(f, r, st, "start");
		return;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		message(r, "Failed to connect to '%s': Connection refused",
			sock);
		verdict(r, DOCTOR_ERROR, _("%s is not a socket."), sock);
		fix(r, _("Remove it and start the share's daemon (it creates "
			 "the socket)."));
		return;
	}
	listening = host_unix_listening(f->env->root, 0, sock);
	if (listening == 0 && st && st->state == LAUNCH_RUNNING) {
		/* It serves one front end and stops listening once QEMU
		 * is connected. */
		if (f->env->conn && !f->active) {
			message(r,
				"Failed to connect to '%s': Connection refused",
				sock);
			verdict(r, DOCTOR_ERROR,
				_("The daemon on %1$s (pid %2$d) serves "
				  "another front end while %3$s is not "
				  "running: a daemon serves one QEMU, so "
				  "starting %3$s fails with \"Connection "
				  "refused\"."),
				sock, st->pid, f->domain);
			socket_fix(f, r, st, "restart");
			return;
		}
		verdict(r, DOCTOR_OK,
			_("The daemon on %1$s (pid %2$d) serves the guest: "
			  "QEMU is connected."),
			sock, st->pid);
		return;
	}
	if (listening == 0) {
		message(r, "Failed to connect to '%s': Connection refused",
			sock);
		verdict(r, DOCTOR_ERROR,
			_("Nothing listens on %s: its daemon is gone, and QEMU "
			  "fails with \"Connection refused\"."),
			sock);
		died_says(r, st);
		socket_fix(f, r, st, "start");
		return;
	}
	/* Whose QEMU connects: qemu.conf's user, or the session's. */
	if (f->env->session) {
		user = host_user_name(f->env->uid);
		uid = f->env->uid;
		gid = f->env->gid;
	} else {
		user = xstrdup(q ? q->user : QEMUCONF_DEFAULT_USER);
		if (host_user_lookup(user, &uid, &gid) < 0) {
			verdict(r, DOCTOR_WARNING,
				_("%1$s listens, but QEMU's user %2$s does not "
				  "exist here, so who may connect is not "
				  "known."),
				sock, user);
			return;
		}
	}
	if ((blocked = unreachable(f->env->root, sock, user, uid, gid))) {
		AUTOFREE char *owner = host_user_name(sb.st_uid);
		AUTOFREE char *group = host_group_name(sb.st_gid);

		message(r, "Failed to connect to '%s': Permission denied",
			sock);
		verdict(r, DOCTOR_ERROR,
			STREQ(blocked, sock)
			    ? _("QEMU runs as %1$s, who may not write to %2$s "
				"(owner %3$s, group %4$s, mode %5$04o): QEMU "
				"fails with \"Permission denied\".")
			    : _("QEMU runs as %1$s, who may not search %2$s on "
				"the way to the socket: QEMU fails with "
				"\"Permission denied\"."),
			user, blocked, owner, group,
			(unsigned)(sb.st_mode & 07777));
		if (STREQ(blocked, sock) && !record_gives(st, user, qgroup)) {
			fix(r, _("Give the socket to QEMU's user: chown %1$s "
				 "%2$s (or its group to %3$s and chmod 0660), "
				 "or start the daemon with virtshare as root, "
				 "which does so."),
			    user, sock, qgroup);
			return;
		}
		if (!STREQ(blocked, sock)) {
			fix(r, _("Let %1$s search %2$s (chmod o+x %2$s, or a "
				 "group it is in), or put the socket "
				 "elsewhere."),
			    user, blocked);
			return;
		}
		socket_fix(f, r, st, "restart");
		return;
	}
	if (st && st->warnings.n) {
		verdict(r, DOCTOR_WARNING, "%s", st->warnings.v[0]);
		socket_fix(f, r, st, "restart");
		return;
	}
	verdict(r, DOCTOR_OK,
		listening > 0 ? _("A daemon listens on %1$s, and QEMU's user "
				  "%2$s may connect.")
			      : _("%1$s is there, and QEMU's user %2$s may "
				  "connect."),
		sock, user);
}

static const char *
switch_word(enum domxml_switch s)
{
	return s == DOMXML_ON ? "on" : s == DOMXML_OFF ? "off" : "-";
}

static void
run_locks(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct domxml_share *s = f->share;
	const struct share_daemon *sd = &f->daemons[f->si];
	const char *ours;
	AUTOFREE char *extra = NULL, *w = NULL;

	if (s->lock_posix == DOMXML_UNSET && s->flock == DOMXML_UNSET) {
		verdict(r, DOCTOR_OK, _("The share sets no <lock>."));
		return;
	}
	if (share_is_external(f, r))
		return;
	if (!sd->path || !daemon_is_rust(sd)) {
		verdict(r, DOCTOR_OK,
			_("<lock posix='%1$s' flock='%2$s'> goes to %3$s, "
			  "which implements locks."),
			switch_word(s->lock_posix), switch_word(s->flock),
			sd->path ? sd->path : "?");
		return;
	}
	verdict(r, DOCTOR_WARNING,
		_("<lock posix='%1$s' flock='%2$s'> is set, but %3$s is the "
		  "Rust virtiofsd, which implements no locks: it ignores the "
		  "option and the guest's lock calls fail with \"Function not "
		  "implemented\"."),
		switch_word(s->lock_posix), switch_word(s->flock), sd->path);
	ours = our_daemon(f);
	if (!ours) {
		fix(r, _("Remove <lock> from the share (virsh edit %s), or use "
			 "a daemon that implements locks."),
		    f->domain);
		return;
	}
	fix(r, _("Let virtshare's daemon %s serve the share: it implements "
		 "POSIX and flock locks."),
	    ours);
	w = doctor_shell_word(ours);
	extra = xasprintf("--binary %s", w);
	share_command(f, r, s, extra);
	share_fix(r, s)->share.binary = xstrdup(ours);
}

/* libvirtd's (or virtqemud's) open file limit, 0 when not known. */
static uint64_t
libvirtd_nofile(const struct doctor_facts *f)
{
	static const char *const pid_files[] = {"/run/libvirtd.pid",
						"/run/virtqemud.pid"};
	uint64_t soft, hard;

	for (size_t i = 0; i < ARRAY_SIZE(pid_files); i++) {
		int pid = host_pid_file(f->env->root, pid_files[i]);

		if (pid > 0 &&
		    host_proc_nofile(f->env->root, pid, &soft, &hard) == 0)
			return hard;
	}
	return 0;
}

static void
run_openfiles(const struct doctor_facts *f, struct doctor_result *r)
{
	uint64_t hard;
	AUTOFREE char *lim = NULL;

	if (share_is_external(f, r) || !host_local(f, r))
		return;
	hard = f->env->session ? 0 : libvirtd_nofile(f);
	lim = hard == UINT64_MAX ? xstrdup(_("unlimited"))
				 : xasprintf("%llu", ULL(hard));
	if (doctor_quote_logs(f, r)) {
		verdict(r, DOCTOR_ERROR,
			_("The daemon ran out of file descriptors."));
		if (f->env->libvirt_version >= LIBVIRT_OPENFILES) {
			fix(r, _("Raise the daemon's limit with <openfiles "
				 "max>."));
			share_command(f, r, f->share, "--openfiles 1048576");
			share_fix(r, f->share)->share.openfiles = 1048576;
		} else {
			fix(r, _("The daemon inherits libvirtd's limit (hard "
				 "limit %s): raise it (systemctl edit "
				 "libvirtd: [Service] LimitNOFILE=1048576), "
				 "restart libvirtd and start the domain again. "
				 "libvirt 10.6 and later take <openfiles max> "
				 "per share."),
			    hard ? lim : _("unknown"));
		}
		return;
	}
	if (hard)
		verdict(r, DOCTOR_OK,
			_("The daemon inherits libvirtd's open file limit "
			  "(%s); no sign in the logs that it ran out."),
			lim);
	else
		verdict(r, DOCTOR_OK,
			_("No sign in the logs that the daemon ran out of file "
			  "descriptors."));
}

/* ---- the checks: shares -------------------------------------------------- */

static void
run_tag(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *tag = f->share->tag;
	size_t len = tag ? strlen(tag) : 0;

	if (!len) {
		verdict(r, DOCTOR_ERROR, _("The share has no <target dir>: the "
					   "guest has no tag to mount it by."));
		fix(r, _("Remove the share and add it again with a tag: "
			 "virtshare share %s --tag TAG ..."),
		    f->domain);
		return;
	}
	if (len > LAUNCH_TAG_MAX) {
		AUTOFREE char *d = doctor_shell_word(f->domain);
		AUTOFREE char *t = doctor_shell_word(tag);

		verdict(r, DOCTOR_ERROR,
			_("The tag '%1$s' has %2$zu bytes; a virtiofs tag has "
			  "at most %3$d, and QEMU refuses it."),
			tag, len, LAUNCH_TAG_MAX);
		fix(r, _("Remove the share (virtshare unshare %1$s %2$s) and "
			 "add it again with a tag of at most %3$d bytes; the "
			 "guest mounts it by that name."),
		    d, t, LAUNCH_TAG_MAX);
		return;
	}
	for (size_t i = 0; i < f->nshares; i++)
		if (i != f->si && f->shares[i].tag &&
		    STREQ(f->shares[i].tag, tag)) {
			message(r, "filesystem target '%s' specified twice",
				tag);
			verdict(r, DOCTOR_ERROR,
				_("Another share of the domain has the tag "
				  "'%s' too: the guest can mount only one of "
				  "them."),
				tag);
			fix(r, _("Give one of them another tag: remove it "
				 "(virsh edit %s) and add it again with "
				 "virtshare share."),
			    f->domain);
			return;
		}
	verdict(r, DOCTOR_OK, _("The tag '%1$s' has %2$zu bytes and is the "
				"share's own."),
		tag, len);
}

static void
run_guest_kernel(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *kernel = domxml_kernel(f->d);
	AUTOFREE char *version = NULL;
	unsigned major, minor;

	if (!kernel) {
		verdict(r, DOCTOR_SKIPPED,
			_("The guest boots a kernel of its own: in the guest, "
			  "grep virtiofs /proc/filesystems tells whether it "
			  "has virtiofs (Linux 5.4 or later)."));
		return;
	}
	if (!host_local(f, r))
		return;
	version = host_kernel_version(f->env->root, kernel);
	if (!version && (errno == EACCES || errno == EPERM)) {
		verdict(r, DOCTOR_SKIPPED,
			_("%s cannot be read with your rights: run virtshare "
			  "doctor as root to know its version."),
			kernel);
		return;
	}
	if (!version || sscanf(version, "%u.%u", &major, &minor) != 2) {
		verdict(r, DOCTOR_SKIPPED,
			_("The version of %s cannot be read: in the guest, "
			  "grep virtiofs /proc/filesystems tells whether it "
			  "has virtiofs (Linux 5.4 or later)."),
			kernel);
		return;
	}
	if (major < 5 || (major == 5 && minor < 4)) {
		verdict(r, DOCTOR_ERROR,
			_("The guest boots Linux %1$s (%2$s), which has no "
			  "virtiofs: it cannot mount the share."),
			version, kernel);
		fix(r, _("Boot Linux 5.4 or later: change <os><kernel> with "
			 "virsh edit %s."),
		    f->domain);
		return;
	}
	verdict(r, DOCTOR_OK,
		_("The guest boots Linux %1$s (%2$s), which has virtiofs."),
		version, kernel);
}

static void
run_source_dir(const struct doctor_facts *f, struct doctor_result *r)
{
	const char *dir = f->share->dir;
	AUTOFREE char *full = NULL, *w = NULL;
	struct stat st;

	if (share_is_external(f, r) || !host_local(f, r))
		return;
	if (!dir) {
		verdict(r, DOCTOR_ERROR, _("The share has no <source dir>."));
		return;
	}
	full = path_under(f->env->root, dir);
	w = doctor_shell_word(dir);
	if (stat(full, &st) < 0) {
		message(r,
			"the virtiofs export directory '%s' does not exist",
			dir);
		verdict(r, DOCTOR_ERROR,
			_("The shared directory %s does not exist: libvirt "
			  "refuses to start the domain."),
			dir);
		fix(r, _("Create it (mkdir -p %s) or point the share at a "
			 "directory that exists."),
		    w);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		verdict(r, DOCTOR_ERROR, _("%s is not a directory."), dir);
		message(r, "source is not a directory");
		fix(r, _("Point the share at a directory."));
		return;
	}
	verdict(r, DOCTOR_OK, _("%s is a directory."), dir);
}

static void
run_xattr(const struct doctor_facts *f, struct doctor_result *r)
{
	if (share_is_external(f, r))
		return;
	if (f->share->xattr == DOMXML_ON) {
		verdict(r, DOCTOR_OK, _("Extended attributes are on."));
		return;
	}
	if (!doctor_quote_logs(f, r)) {
		verdict(r, DOCTOR_OK,
			_("Extended attributes are off; no sign in the logs "
			  "that the guest needs them."));
		return;
	}
	verdict(r, DOCTOR_WARNING,
		_("Extended attributes are off, and the guest asked for them "
		  "(quoted)."));
	fix(r, _("Turn extended attributes on for the share."));
	share_command(f, r, f->share, "--xattr");
	share_fix(r, f->share)->share.xattr = DOMXML_ON;
}

static void
run_idmap(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct domxml_share *s = f->share;
	AUTOFREE char *user = NULL, *group = NULL, *w = NULL;
	uint64_t ustart, ucount, gstart, gcount;
	int hu, hg;

	if (!f->env->session) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt starts the daemon as root: no id mapping is "
			  "needed."));
		return;
	}
	if (share_is_external(f, r) || !host_local(f, r))
		return;
	if (s->nuid || s->ngid) {
		verdict(r, DOCTOR_OK, _("The share maps ids with <idmap>."));
		return;
	}
	user = host_user_name(f->env->uid);
	group = host_group_name(f->env->gid);
	hu = host_subid_find(f->env->root, "/etc/subuid", user, f->env->uid,
			     &ustart, &ucount);
	hg = host_subid_find(f->env->root, "/etc/subgid", group, f->env->gid,
			     &gstart, &gcount);
	if (hu > 0 && hg > 0) {
		verdict(r, DOCTOR_OK,
			_("libvirt maps guest ids 1 and up to %1$s's ranges "
			  "(%2$llu uids from %3$llu, %4$llu gids from "
			  "%5$llu)."),
			user, ULL(ucount), ULL(ustart), ULL(gcount),
			ULL(gstart));
		return;
	}
	if (hu <= 0)
		verdict(r, DOCTOR_WARNING,
			_("%s has no range in /etc/subuid and the share has no "
			  "<idmap>: the daemon maps only that user, so files "
			  "of other users show as nobody and cannot be "
			  "changed."),
			user);
	else
		verdict(r, DOCTOR_WARNING,
			_("The group %s has no range in /etc/subgid and the "
			  "share has no <idmap>: the daemon maps only that "
			  "group, so files of other groups show as nogroup and "
			  "cannot be changed."),
			group);
	w = doctor_shell_word(user);
	fix(r, _("Give the user subordinate ids (usermod --add-subuids "
		 "100000-165535 --add-subgids 100000-165535 %s), then start "
		 "the guest again; or map ids with <idmap> (virtshare share "
		 "... --idmap uid:0:%u:1 --idmap gid:0:%u:1)."),
	    w, (unsigned)f->env->uid, (unsigned)f->env->gid);
}

/* ---- the checks: security, lifecycle ------------------------------------- */

static void
run_denials(const struct doctor_facts *f, struct doctor_result *r)
{
	bool apparmor = false, selinux = false;
	AUTOFREE char *tried = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs "
					     "share."));
		return;
	}
	if (!host_local(f, r))
		return;
	if (!f->security_read) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < f->security_tried.n; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "",
				  f->security_tried.v[i]);
		tried = sb_steal(&sb);
		verdict(r, DOCTOR_SKIPPED,
			_("No audit or kernel log could be read (%s)."), tried);
		return;
	}
	for (size_t i = 0; i < f->nlogs; i++)
		for (size_t j = 0; f->logs[i].kind == LOG_SECURITY &&
				   j < f->logs[i].lines.n;
		     j++) {
			const char *line = f->logs[i].lines.v[j];

			apparmor |= strstr(line, "apparmor=") != NULL;
			selinux |= strstr(line, "avc:") != NULL;
		}
	if (!apparmor && !selinux) {
		verdict(r, DOCTOR_OK,
			_("No SELinux or AppArmor denial names this domain or "
			  "its shares."));
		return;
	}
	verdict(r, DOCTOR_ERROR,
		apparmor ? _("AppArmor denied QEMU or the daemon what virtiofs "
			     "needs (quoted).")
			 : _("SELinux denied QEMU or the daemon what virtiofs "
			     "needs (quoted)."));
	if (apparmor)
		fix(r, _("Allow the path of the denial: add a line such as "
			 "'\"/run/virtshare/**\" rw,' (the path quoted) to "
			 "/etc/apparmor.d/local/abstractions/libvirt-qemu and "
			 "reload AppArmor (systemctl reload apparmor); or keep "
			 "sockets below /run/libvirt or /var/lib/libvirt/qemu, "
			 "which the profile allows."));
	else
		fix(r, _("Label what was denied for QEMU (for a socket: chcon "
			 "-t svirt_image_t SOCKET, or semanage fcontext for a "
			 "lasting rule), or keep sockets below "
			 "/var/lib/libvirt/qemu; 'ausearch -m avc -ts recent' "
			 "lists the denials."));
}

/* Guest memory in one line, to compare two definitions. */
static char *
memory_print(const struct domxml *d)
{
	struct domxml_memory m;
	struct strbuf sb = STRBUF_INIT;

	domxml_memory(d, &m);
	sb_printf(&sb, "%s", domxml_memory_kind(&m));
	if (m.access)
		sb_printf(&sb, " access=%s", m.access);
	for (size_t i = 0; i < m.npages; i++)
		sb_printf(&sb, " page=%llu%s%s", ULL(m.pages[i].size_kib),
			  m.pages[i].nodeset ? "@" : "",
			  m.pages[i].nodeset ? m.pages[i].nodeset : "");
	for (size_t i = 0; i < m.ncells; i++)
		sb_printf(&sb, " cell%s=%s",
			  m.cells[i].id ? m.cells[i].id : "?",
			  m.cells[i].mem_access ? m.cells[i].mem_access : "-");
	domxml_memory_clear(&m);
	return sb_steal(&sb);
}

static bool
str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && STREQ(a, b));
}

static const struct domxml_share *
share_by_tag(const struct domxml_share *s, size_t n, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (str_same(s[i].tag, tag))
			return &s[i];
	return NULL;
}

/* What the next cold boot changes: shares and memory. */
static void
pending_changes(const struct doctor_facts *f, struct strlist *out)
{
	AUTOFREE char *pm = memory_print(f->d), *lm = memory_print(f->live);

	for (size_t i = 0; i < f->nshares; i++) {
		const struct domxml_share *p = &f->shares[i];
		const struct domxml_share *l =
		    share_by_tag(f->live_shares, f->nlive, p->tag);

		if (!l)
			strlist_take(out, xasprintf(_("share '%s' is not in "
						      "the running guest"),
						    p->tag ? p->tag : ""));
		else if (!path_same(p->dir, l->dir) ||
			 !path_same(p->socket, l->socket) ||
			 (p->xattr && p->xattr != l->xattr) ||
			 (p->cache && !str_same(p->cache, l->cache)) ||
			 (p->binary && !str_same(p->binary, l->binary)) ||
			 (p->readonly && p->readonly != l->readonly))
			strlist_take(out, xasprintf(_("share '%s' runs with "
						      "other settings"),
						    p->tag ? p->tag : ""));
	}
	for (size_t i = 0; i < f->nlive; i++)
		if (!share_by_tag(f->shares, f->nshares, f->live_shares[i].tag))
			strlist_take(out,
				     xasprintf(_("share '%s' is removed but "
						 "still in the running guest"),
					       f->live_shares[i].tag
						   ? f->live_shares[i].tag
						   : ""));
	if (!STREQ(pm, lm))
		strlist_take(out, xasprintf(_("guest memory runs as '%1$s', "
					      "defined as '%2$s'"),
					    lm, pm));
}

static void
run_pending(const struct doctor_facts *f, struct doctor_result *r)
{
	struct strlist diffs = {0};
	struct strbuf sb = STRBUF_INIT;

	if (!f->live) {
		verdict(r, DOCTOR_SKIPPED, f->active
					       ? _("The definition was read "
						   "from a file.")
					       : _("The domain is not "
						   "running."));
		return;
	}
	pending_changes(f, &diffs);
	if (!diffs.n) {
		verdict(r, DOCTOR_OK,
			_("The running guest has the shares and memory of its "
			  "definition."));
		return;
	}
	for (size_t i = 0; i < diffs.n; i++)
		sb_printf(&sb, "%s%s", i ? "; " : "", diffs.v[i]);
	verdict(r, DOCTOR_WARNING,
		_("The running guest still has its old configuration: %s."),
		sb_str(&sb));
	fix(r, _("Shut the guest down and start it again (virsh shutdown %1$s, "
		 "then virsh start %1$s): a reboot inside the guest keeps the "
		 "old configuration."),
	    f->domain);
	sb_clear(&sb);
	strlist_clear(&diffs);
}

/* Why the guest cannot migrate with its shares, or NULL. Caller frees. */
static char *
migration_blocker(const struct doctor_facts *f)
{
	const struct doctor_env *e = f->env;
	const struct share_daemon *sd = f->nshares ? &f->daemons[0] : NULL;
	AUTOFREE char *v = NULL;
	unsigned a, b;

	if (e->qemu_version && e->qemu_version < QEMU_FS_MIGRATION) {
		v = virt_version_str(e->qemu_version);
		return xasprintf(_("QEMU %s cannot migrate a vhost-user-fs "
				   "device (8.2 can, with virtiofsd 1.11)"),
				 v);
	}
	if (sd && sd->probe.version &&
	    sscanf(sd->probe.version, "virtiofsd %u.%u", &a, &b) == 2 &&
	    (a < 1 || (a == 1 && b < 11)))
		return xasprintf(_("%s cannot migrate its state (1.11 can)"),
				 sd->probe.version);
	if (sd && sd->probe.version &&
	    STRPREFIX(sd->probe.version, "virtiofsd version"))
		return xstrdup(_("QEMU's C virtiofsd cannot migrate its "
				 "state"));
	return NULL;
}

static void
run_migration(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *blocker = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs "
					     "share."));
		return;
	}
	blocker = migration_blocker(f);
	if (f->snapshots > 0) {
		verdict(r, DOCTOR_WARNING,
			_("The domain has %d snapshot(s); they do not hold the "
			  "shared directories: reverting one leaves the files "
			  "as they are now."),
			f->snapshots);
		fix(r, _("Keep a copy of the shared directories with each "
			 "snapshot (or snapshot their filesystem), and take "
			 "disk-only snapshots while the share is attached "
			 "(virsh snapshot-create-as %s --disk-only)."),
		    f->domain);
		if (blocker)
			detail(r, _("Also: %s."), blocker);
		message(r, "%s", "");
		return;
	}
	if (blocker) {
		verdict(r, DOCTOR_OK,
			_("No snapshots. The guest cannot migrate while the "
			  "share is attached: %s."),
			blocker);
		fix(r, _("Detach the share before migrating (virtshare "
			 "unshare, then a cold boot), or shut the guest down "
			 "and move it while it is off."));
		return;
	}
	verdict(r, f->snapshots < 0 ? DOCTOR_SKIPPED : DOCTOR_OK,
		f->snapshots < 0 ? _("The snapshots could not be counted.")
				 : _("No snapshots, and nothing known to keep "
				     "the guest from migrating."));
}

/* ---- failures the logs show ---------------------------------------------- */

static const char *
logged_fix(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(logged_fixes); i++)
		if (STREQ(logged_fixes[i].id, id))
			return _(logged_fixes[i].fix);
	return NULL;
}

void
doctor_escalate(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *now = steal_ptr(r->summary);
	const char *lf = logged_fix(r->check->id);

	verdict(r, DOCTOR_WARNING,
		f->run.failed ? _("The last start failed with the message "
				  "quoted, though this looks right now.")
			      : _("The logs show the message quoted, though "
				  "this looks right now."));
	detail(r, _("Now: %s"), now);
	free(steal_ptr(r->command));
	fix_clear(&r->action);
	if (lf)
		fix(r, "%s", lf);
	else
		fix(r, _("Start the domain again (virsh start %s); if it fails "
			 "the same way, the lines quoted say why."),
		    f->domain);
}
