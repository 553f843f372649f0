/* doctor.c: the checks of `virtshare doctor`: one table, the facts, the logs, the fixes */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backing.h"
#include "doctor.h"
#include "domxml.h"
#include "error.h"
#include "json.h"
#include "launch.h"
#include "plan-host.h"

#define ULL(v) ((unsigned long long)(v))
#define DOCTOR_SCHEMA 1

#define LOG_TAIL_MAX (2u << 20)   /* bytes read from the end of a log */
#define DAEMON_LOG_LINES 200      /* lines of a daemon log looked at */
#define LOG_WINDOW_S 3            /* libvirt's line this near a run is its */
#define MAX_QUOTES 4

/* Versions (major * 1000000 + minor * 1000 + micro). */
#define LIBVIRT_SESSION_VIRTIOFS 10000000UL /* virtiofs in session mode */
#define LIBVIRT_OPENFILES 10006000UL        /* <openfiles max> */
#define QEMU_FS_MIGRATION 8002000UL         /* vhost-user-fs migrates */

#define DEFAULT_QEMU_LOGDIR "/var/log/libvirt/qemu"
#define DEFAULT_LIBVIRT_LOGDIR "/var/log/libvirt"
#define RUST_VIRTIOFSD "/usr/libexec/virtiofsd"

/* ---- facts ---------------------------------------------------------------- */

enum log_kind {
	LOG_QEMU,     /* the domain's QEMU log: its last run */
	LOG_DAEMON,   /* a daemon log libvirt wrote for one share */
	LOG_LIBVIRT,  /* libvirtd's own log: the lines that are the domain's */
	LOG_SECURITY, /* audit log, kernel log: denials */
};

struct doctor_log {
	enum log_kind kind;
	char *file;            /* the host path */
	struct strlist lines;  /* the lines that belong to the domain */
	int share;             /* LOG_DAEMON: the share's index, -1 unknown */
};

/* The last start of a domain as its QEMU log tells it. */
struct log_run {
	bool known;
	time_t start, end;     /* 0 when the lines carry no time */
	bool failed;           /* it ended "shutting down, reason=failed" */
};

/* The daemon libvirt starts for a share without <source socket>. */
struct share_daemon {
	const char *path;       /* the binary, or NULL: none found */
	const char *descriptor; /* the vhost-user file naming it, or NULL */
	bool present;
	struct host_daemon probe; /* --print-capabilities and --version */
};

struct doctor_facts {
	const struct doctor_env *env;
	const struct host_info *h;       /* the host (or libvirt's view) */
	const struct qemu_settings *q;   /* NULL when qemu.conf is unusable */
	bool remote;                     /* libvirt is on another host */
	char *cmd;                       /* "virtshare -c URI" */
	char *xml_suffix;                /* " --xml FILE" or "" */

	/* The domain, or NULL for the host checks. */
	const char *domain;
	struct domxml *d;                /* its definition */
	struct domxml *live;             /* the running one, or NULL */
	bool active;
	int snapshots;                   /* -1: unknown */
	struct domxml_memory mem;
	struct domxml_share *shares;
	size_t nshares;
	struct domxml_share *live_shares;
	size_t nlive;
	struct share_daemon *daemons;    /* one per share */
	struct doctor_log *logs;
	size_t nlogs;
	struct log_run run;
	bool security_read;              /* an audit or kernel log was read */
	struct strlist security_tried;   /* the logs looked for */

	/* A share-scope run: the share (index si). */
	const struct domxml_share *share;
	size_t si;
};

/* ---- the table ------------------------------------------------------------ */

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
		.cause = N_("libvirt's QEMU driver does not start when it cannot "
			    "read qemu.conf."),
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
		.cause = N_("The daemon maps guest memory to serve requests, so "
			    "it must be shared: without NUMA cells "
			    "<access mode='shared'/>, with cells every cell "
			    "memAccess='shared' or inheriting a shared access."),
		.fix = N_("Make the memory shared: virtshare share DOMAIN --tag "
			  "TAG --dir DIR --backing memfd (or file, hugepages, "
			  "numa)."),
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
			  "/dev/shm) or use memfd: virtshare share DOMAIN --tag "
			  "TAG --dir DIR --backing memfd."),
		.run = run_backing_space,
	},
	{
		.id = "hugepages-boot",
		.group = DOCTOR_GROUP_HUGEPAGES,
		.scope = DOCTOR_SCOPE_HOST,
		.looks_at = N_("hugepages= on /proc/cmdline, vm.nr_hugepages in "
			       "/etc/sysctl.conf and /etc/sysctl.d, the pools "
			       "in /sys"),
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
		.message = "Unable to find any usable hugetlbfs mount for N KiB",
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
		.looks_at = N_("free_hugepages of the pool on the NUMA nodes the "
			       "guest uses (<numatune>), the guest's memory"),
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
		.message = "virtiofsd binary '%s' is not executable",
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
		.looks_at = N_("the daemon's log (<domain>-<alias>-virtiofsd.log), "
			       "the domain's QEMU log, libvirtd's log"),
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
		.message = "Failed to connect to 'SOCKET': Permission denied",
		.patterns = {"Failed to connect to '*': No such file or "
			     "directory",
			     "Failed to connect to '*': Connection refused",
			     "Failed to connect to '*': Permission denied"},
		.cause = N_("With <source socket> nobody starts the daemon for "
			    "QEMU: it must listen before the guest starts, on a "
			    "socket QEMU's user may write to."),
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
		.patterns = {"tag property must be * bytes or less"},
		.cause = N_("The guest finds the share by its tag: at most 36 "
			    "bytes (the kernel's tag[36]), one per share."),
		.fix = N_("Remove the share and add it again with a short, "
			  "unique tag."),
		.run = run_tag,
	},
	{
		.id = "source-dir",
		.group = DOCTOR_GROUP_SHARE,
		.scope = DOCTOR_SCOPE_SHARE,
		.looks_at = N_("<source dir>"),
		.message = "the virtiofs export directory '%s' does not exist",
		.patterns = {"the virtiofs export directory '*' does not exist",
			     "source is not a directory",
			     "failed to stat source"},
		.cause = N_("libvirt refuses to start a daemon for a directory "
			    "that is not there."),
		.fix = N_("Create the directory, or point the share at one that "
			  "exists."),
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
			    "file capabilities get \"Operation not supported\"."),
		.fix = N_("Turn them on: virtshare share DOMAIN --tag TAG --dir "
			  "DIR --xattr."),
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
			    "socket or the daemon from the directory; QEMU then "
			    "sees the daemon hang up (\"Failed to read msg "
			    "header. Read 0 instead of 12\")."),
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
			    "migrating a guest with virtiofs needs QEMU 8.2 and "
			    "virtiofsd 1.11 or later."),
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

/* ---- results -------------------------------------------------------------- */

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

static void
result_clear(struct doctor_result *r)
{
	free(r->subject);
	free(r->summary);
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
static char *
shell_word(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/_.,:@%+=-") == strlen(s))
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

/* ---- logs ----------------------------------------------------------------- */

bool
doctor_match(const char *pattern, const char *line)
{
	const char *at = line;

	for (const char *p = pattern; *p;) {
		const char *star = strchr(p, '*');
		size_t len = star ? (size_t)(star - p) : strlen(p);

		if (len) {
			const char *hit = memmem(at, strlen(at), p, len);

			if (!hit)
				return false;
			at = hit + len;
		}
		if (!star)
			break;
		p = star + 1;
	}
	return true;
}

static bool
has_quote(const struct doctor_result *r, const char *file, const char *line)
{
	for (size_t i = 0; i < r->nquotes; i++)
		if (STREQ(r->quotes[i].line, line) &&
		    STREQ(r->quotes[i].file, file))
			return true;
	return false;
}

static void
quote_add(struct doctor_result *r, const char *file, const char *line)
{
	if (r->nquotes >= MAX_QUOTES || has_quote(r, file, line))
		return;
	r->quotes = xrealloc(r->quotes, (r->nquotes + 1) * sizeof(*r->quotes));
	r->quotes[r->nquotes].file = xstrdup(file);
	r->quotes[r->nquotes].line = xstrdup(line);
	r->nquotes++;
}

/*
 * Whether a line of a domain-wide log is about the current share: with
 * one share every line is; with more, the line must name the share's
 * directory, socket or device alias.
 */
static bool
about_share(const struct doctor_facts *f, const char *line)
{
	const struct domxml_share *s = f->share;
	AUTOFREE char *alias = NULL;

	if (!s || f->nshares < 2)
		return true;
	if ((s->dir && strstr(line, s->dir)) ||
	    (s->socket && strstr(line, s->socket)))
		return true;
	alias = s->alias ? xstrdup(s->alias) : xasprintf("fs%zu", f->si);
	if (f->si < f->nlive && f->live_shares[f->si].alias) {
		free(alias);
		alias = xstrdup(f->live_shares[f->si].alias);
	}
	{
		AUTOFREE char *sock = xasprintf("/%s-fs.sock", alias);
		AUTOFREE char *pid = xasprintf("-%s-fs.pid", alias);

		return strstr(line, sock) || strstr(line, pid);
	}
}

/* A share's daemon log is about that share only. */
static bool
log_visible(const struct doctor_facts *f, const struct doctor_log *l)
{
	return !(l->kind == LOG_DAEMON && f->share && l->share >= 0 &&
		 (size_t)l->share != f->si);
}

/* Quote the newest lines matching pattern; true when one matched. */
static bool
quote_pattern(const struct doctor_facts *f, struct doctor_result *r,
	      const char *pattern)
{
	bool found = false;

	for (size_t i = 0; i < f->nlogs; i++) {
		const struct doctor_log *l = &f->logs[i];

		if (!log_visible(f, l))
			continue;
		for (size_t j = l->lines.n; j-- > 0;) {
			const char *line = l->lines.v[j];

			if (!doctor_match(pattern, line))
				continue;
			if (l->kind != LOG_DAEMON && !about_share(f, line))
				continue;
			quote_add(r, l->file, line);
			found = true;
			break;
		}
	}
	return found;
}

/* Quote the lines of the check's known messages; true when any. */
static bool
quote_logs(const struct doctor_facts *f, struct doctor_result *r)
{
	bool found = false;

	for (size_t i = 0; i < DOCTOR_MAX_PATTERNS && r->check->patterns[i];
	     i++)
		found |= quote_pattern(f, r, r->check->patterns[i]);
	return found;
}

/* "2024-05-02 10:11:12.345+0000: ..." or "2024-05-02T10:11:12.345Z ...". */
static bool
line_time(const char *line, time_t *t)
{
	struct tm tm = {0};
	char sep;

	if (sscanf(line, "%4d-%2d-%2d%c%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec) != 7 ||
	    (sep != ' ' && sep != 'T'))
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

/* "msg=audit(1714644672.123:456)": the audit record's time. */
static bool
audit_time(const char *line, time_t *t)
{
	const char *a = strstr(line, "audit(");
	unsigned long long v;

	if (!a || sscanf(a + strlen("audit("), "%llu", &v) != 1)
		return false;
	*t = (time_t)v;
	return true;
}

static void
split_lines(char *text, struct strlist *out)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len)
			strlist_add(out, line);
	}
}

/* A line of libvirt's own in a domain log: "<time>: starting up ...". */
static bool
log_header(const char *line, const char *what)
{
	const char *colon = strstr(line, "+0000: ");

	return colon && colon - line < 40 &&
	       STRPREFIX(colon + strlen("+0000: "), what);
}

/*
 * Keep the lines of the last start of a domain (lines of earlier starts
 * are fixed or forgotten). libvirt opens a start with "Starting external
 * device" (the daemons) or "starting up", and ends it with "shutting
 * down, reason=...", the only line when a start fails early.
 */
static void
qemu_last_run(struct strlist *lines, struct log_run *run)
{
	size_t start = 0;
	bool ended = true, any = false;
	struct strlist keep = {0};

	for (size_t i = 0; i < lines->n; i++) {
		const char *l = lines->v[i];
		bool begin = log_header(l, "Starting external device") ||
			     log_header(l, "starting up");
		bool end = log_header(l, "shutting down");

		if ((begin || end) && ended) {
			start = i;
			any = true;
		}
		if (begin)
			ended = false;
		if (end)
			ended = true;
	}
	memset(run, 0, sizeof(*run));
	if (!any) {
		strlist_clear(lines);
		return;
	}
	run->known = true;
	for (size_t i = start; i < lines->n; i++) {
		time_t t;

		if (line_time(lines->v[i], &t)) {
			if (!run->start)
				run->start = t;
			run->end = t;
		}
		if (log_header(lines->v[i], "shutting down"))
			run->failed = strstr(lines->v[i], "reason=failed") != NULL;
		strlist_add(&keep, lines->v[i]);
	}
	strlist_clear(lines);
	*lines = keep;
}

/* Lines naming the domain or one of its shares. */
static bool
names_domain(const struct doctor_facts *f, const char *line)
{
	AUTOFREE char *quoted = xasprintf("'%s'", f->domain);
	AUTOFREE char *dir = xasprintf("-%s/", f->domain);
	AUTOFREE char *pid = xasprintf("-%s-", f->domain);

	/* libvirt's per-domain paths: domain-N-NAME/, N-NAME-fs0-fs.pid. */
	if (strstr(line, quoted) ||
	    (strstr(line, "domain-") && strstr(line, dir)) ||
	    (strstr(line, pid) && strstr(line, "-fs.pid")))
		return true;
	for (size_t i = 0; i < f->nshares; i++)
		if ((f->shares[i].dir && strstr(line, f->shares[i].dir)) ||
		    (f->shares[i].socket && strstr(line, f->shares[i].socket)))
			return true;
	return false;
}

/* Whether t falls in the domain's last run, give or take the window. */
static bool
in_run(const struct log_run *run, time_t t, bool from_start_only)
{
	if (!run->known || !run->start)
		return false;
	if (t + LOG_WINDOW_S < run->start)
		return false;
	return from_start_only || t <= run->end + LOG_WINDOW_S;
}

static struct doctor_log *
log_add(struct doctor_facts *f, enum log_kind kind, const char *file)
{
	struct doctor_log *l;

	f->logs = xrealloc(f->logs, (f->nlogs + 1) * sizeof(*f->logs));
	l = &f->logs[f->nlogs++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->file = xstrdup(file);
	l->share = -1;
	return l;
}

static char *
session_dir(const char *sub)
{
	const char *home = getenv("HOME");

	return xasprintf("%s/.cache/libvirt%s", home && *home ? home : "",
			 sub);
}

static char *
qemu_logdir(const struct doctor_env *env)
{
	if (env->qemu_logdir)
		return xstrdup(env->qemu_logdir);
	return env->session ? session_dir("/qemu/log")
			    : xstrdup(DEFAULT_QEMU_LOGDIR);
}

static char *
libvirt_logdir(const struct doctor_env *env)
{
	if (env->libvirt_logdir)
		return xstrdup(env->libvirt_logdir);
	return env->session ? session_dir("")
			    : xstrdup(DEFAULT_LIBVIRT_LOGDIR);
}

static void
read_qemu_log(struct doctor_facts *f, const char *dir)
{
	AUTOFREE char *path = xasprintf("%s/%s.log", dir, f->domain);
	AUTOFREE char *text = host_log_tail(f->env->root, path, LOG_TAIL_MAX);
	struct doctor_log *l;

	if (!text)
		return;
	l = log_add(f, LOG_QEMU, path);
	split_lines(text, &l->lines);
	qemu_last_run(&l->lines, &f->run);
}

/* The share a daemon log of alias is for, or -1. */
static int
alias_share(const struct doctor_facts *f, const char *alias)
{
	unsigned long n;
	char *end;

	for (size_t i = 0; i < f->nlive; i++)
		if (f->live_shares[i].alias &&
		    STREQ(f->live_shares[i].alias, alias))
			return (int)i;
	for (size_t i = 0; i < f->nshares; i++)
		if (f->shares[i].alias && STREQ(f->shares[i].alias, alias))
			return (int)i;
	/* libvirt numbers filesystems fs0, fs1, ... in document order. */
	if (STRPREFIX(alias, "fs")) {
		n = strtoul(alias + 2, &end, 10);
		if (!*end && end != alias + 2 && n < f->nshares)
			return (int)n;
	}
	return -1;
}

/* Daemon logs start afresh where the daemon says it waits for QEMU. */
static const char *const daemon_start_marks[] = {
	"Waiting for vhost-user socket connection",
	"waiting for the front end",
};

static void
keep_daemon_run(struct strlist *lines)
{
	size_t from = lines->n > DAEMON_LOG_LINES ? lines->n - DAEMON_LOG_LINES
						  : 0;
	struct strlist keep = {0};

	for (size_t i = lines->n; i-- > from;) {
		bool mark = false;

		for (size_t m = 0; m < ARRAY_SIZE(daemon_start_marks); m++)
			mark |= strstr(lines->v[i], daemon_start_marks[m]) !=
				NULL;
		if (mark) {
			from = i;
			break;
		}
	}
	for (size_t i = from; i < lines->n; i++)
		strlist_add(&keep, lines->v[i]);
	strlist_clear(lines);
	*lines = keep;
}

static void
read_daemon_logs(struct doctor_facts *f, const char *dir)
{
	AUTOFREE char *full = path_under(f->env->root, dir);
	AUTOFREE char *prefix = xasprintf("%s-", f->domain);
	const char *suffix = "-virtiofsd.log";
	struct strlist names = {0};
	DIR *d = opendir(full);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), pl = strlen(prefix);
		size_t sl = strlen(suffix);

		if (len > pl + sl && STRPREFIX(de->d_name, prefix) &&
		    STREQ(de->d_name + len - sl, suffix))
			strlist_add(&names, de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < names.n; i++) {
		const char *name = names.v[i];
		size_t pl = strlen(prefix);
		AUTOFREE char *alias =
		    xstrndup(name + pl, strlen(name) - pl - strlen(suffix));
		AUTOFREE char *path = xasprintf("%s/%s", dir, name);
		AUTOFREE char *text = NULL;
		struct doctor_log *l;
		int share = alias_share(f, alias);

		/* "vm-fs0" of domain "vm" is not domain "vm-fs0"'s. */
		if (share < 0 && !STRPREFIX(alias, "ua-"))
			continue;
		if (!(text = host_log_tail(f->env->root, path, LOG_TAIL_MAX)))
			continue;
		l = log_add(f, LOG_DAEMON, path);
		l->share = share;
		split_lines(text, &l->lines);
		keep_daemon_run(&l->lines);
	}
	strlist_clear(&names);
}

/* libvirt's daemon logs: its error lines that are the domain's. */
static void
read_libvirt_logs(struct doctor_facts *f, const char *dir)
{
	static const char *const names[] = {"libvirtd.log", "virtqemud.log"};

	for (size_t n = 0; n < ARRAY_SIZE(names); n++) {
		AUTOFREE char *path = xasprintf("%s/%s", dir, names[n]);
		AUTOFREE char *text =
		    host_log_tail(f->env->root, path, LOG_TAIL_MAX);
		struct strlist lines = {0};
		struct doctor_log *l;

		if (!text)
			continue;
		l = log_add(f, LOG_LIBVIRT, path);
		split_lines(text, &lines);
		for (size_t i = 0; i < lines.n; i++) {
			const char *line = lines.v[i];
			time_t t;
			bool timed = line_time(line, &t);

			bool named;

			if (!strstr(line, ": error : "))
				continue;
			/* In the last start, unless it names a path that is
			 * not the domain's (another domain started then); or
			 * naming the domain since that start. */
			named = names_domain(f, line);
			if ((timed && in_run(&f->run, t, false) &&
			     (named || !strstr(line, "'/"))) ||
			    (named && (!f->run.known || !timed ||
				       in_run(&f->run, t, true))))
				strlist_add(&l->lines, line);
		}
		strlist_clear(&lines);
	}
}

static bool
is_denial(const char *line)
{
	return (strstr(line, "avc:") && strstr(line, "denied")) ||
	       strstr(line, "apparmor=\"DENIED\"");
}

static void
security_lines(struct doctor_facts *f, const char *file, char *text)
{
	struct strlist lines = {0};
	struct doctor_log *l = log_add(f, LOG_SECURITY, file);

	f->security_read = true;
	split_lines(text, &lines);
	for (size_t i = 0; i < lines.n; i++) {
		const char *line = lines.v[i];
		time_t t;

		if (!is_denial(line) || !names_domain(f, line))
			continue;
		if (f->run.known && audit_time(line, &t) &&
		    !in_run(&f->run, t, true))
			continue;
		strlist_add(&l->lines, line);
	}
	strlist_clear(&lines);
}

static void
read_security_logs(struct doctor_facts *f)
{
	static const char *const files[] = {"/var/log/audit/audit.log",
					    "/var/log/kern.log"};
	AUTOFREE char *kmsg = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		AUTOFREE char *text =
		    host_log_tail(f->env->root, files[i], LOG_TAIL_MAX);

		strlist_add(&f->security_tried, files[i]);
		if (text)
			security_lines(f, files[i], text);
	}
	strlist_add(&f->security_tried, "/dev/kmsg");
	if ((kmsg = host_kmsg_tail(f->env->root, LOG_TAIL_MAX)))
		security_lines(f, "/dev/kmsg", kmsg);
}

static void
read_logs(struct doctor_facts *f)
{
	AUTOFREE char *qdir = qemu_logdir(f->env);
	AUTOFREE char *ldir = libvirt_logdir(f->env);

	if (f->remote)
		return;
	read_qemu_log(f, qdir);
	read_daemon_logs(f, qdir);
	read_libvirt_logs(f, ldir);
	read_security_logs(f);
}

/* ---- helpers of the checks ------------------------------------------------ */

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
	AUTOFREE char *w = shell_word(s->dir ? s->dir : s->socket);

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
	AUTOFREE char *dom = shell_word(f->domain);
	AUTOFREE char *tag = shell_word(s->tag ? s->tag : "");
	AUTOFREE char *src = source_args(s);

	command(r, "%s share %s --tag %s %s %s%s", f->cmd, dom, tag, src,
		extra, f->xml_suffix);
}

/* The fix that re-shares s as it is; the caller adds what changes. */
static struct share_request *
share_fix(const struct doctor_facts *f, struct doctor_result *r,
	  const struct domxml_share *s)
{
	struct share_request *q = &r->action.share;

	(void)f;
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
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs share."));
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
	if (!f->mem.hugepages) {
		verdict(r, DOCTOR_SKIPPED,
			_("The domain does not use hugepages."));
		return false;
	}
	return true;
}

/* One page size a guest takes and how much memory comes from it. */
struct page_use {
	uint64_t size_kib;
	uint64_t mem_kib;
};

/* The page sizes of the domain, its default size resolved. */
static size_t
page_uses(const struct doctor_facts *f, struct page_use **out)
{
	const struct domxml_memory *m = &f->mem;
	size_t n = m->npages ? m->npages : 1;

	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		const struct domxml_page *pg = m->npages ? &m->pages[i] : NULL;

		(*out)[i].size_kib = pg && pg->size_kib ? pg->size_kib
							: f->h->default_page_kib;
		(*out)[i].mem_kib = domxml_memory_for_nodes(
		    m, pg ? pg->nodeset : NULL);
	}
	return n;
}

/* The daemon libvirt starts for shares without a path: the descriptor
 * that sorts first by file name names it. */
static const struct host_daemon *
descriptor_daemon(const struct host_info *h)
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
		fix(r, _("%s Install one (Debian 13: apt install virtiofsd; "
			 "Debian 12: apt install qemu-system-common), or "
			 "install virtshare-fsd, and name it with --binary."),
		    why);
		return;
	}
	w = shell_word(ours);
	extra = xasprintf("--binary %s", w);
	fix(r, _("%1$s Let libvirt start virtshare's daemon %2$s for the "
		 "share."),
	    why, ours);
	share_command(f, r, f->share, extra);
	share_fix(f, r, f->share)->share.binary = xstrdup(ours);
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

/* ---- the checks: libvirt and QEMU ----------------------------------------- */

static void
run_session(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct doctor_env *e = f->env;
	AUTOFREE char *v = NULL;

	if (!have_libvirt(f, r))
		return;
	v = version_str(e->libvirt_version);
	if (!e->session) {
		verdict(r, DOCTOR_OK, _("%s is not a session connection."),
			e->in->virt.uri);
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
		 "libvirt starts the daemon as root, or upgrade libvirt to 10.0 "
		 "or later."));
}

static void
run_qemu_fs(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct virt_info *v = &f->env->in->virt;

	if (!have_libvirt(f, r))
		return;
	if (!v->domcaps_known) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt's %s driver reports no domain capabilities."),
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

/* ---- the checks: guest memory --------------------------------------------- */

static void
run_shared(const struct doctor_facts *f, struct doctor_result *r)
{
	struct backing_choice c = {0};
	AUTOFREE char *why = NULL, *kind = NULL, *extra = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs share."));
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
	fix(r, _("Make it shared with %1$s backing: %2$s"), kind, c.why);
	share_command(f, r, &f->shares[0], extra);
	{
		struct share_request *q = share_fix(f, r, &f->shares[0]);

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
			_("libvirt's %s driver reports no domain capabilities."),
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
		share_fix(f, r, &f->shares[0])->backing.kind =
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
	share_fix(f, r, &f->shares[0])->backing.kind = DOMXML_BACKING_MEMFD;
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

/* ---- the checks: hugepages ------------------------------------------------ */

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

		if (!pool || pool->total == HOST_UNKNOWN ||
		    pool->total >= b[i].count)
			continue;
		short_found = true;
		verdict(r, DOCTOR_WARNING,
			_("%1$s asks for %2$llu pages of %3$s, but the pool has "
			  "%4$llu: the kernel found only part of them."),
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
		command(r, "%s pages alloc %s %llu", f->cmd, sz,
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
			q = share_fix(f, r, &f->shares[0]);
			q->backing.kind = DOMXML_BACKING_HUGEPAGES;
			q->backing.page_kib = f->h->default_page_kib;
		}
		return;
	}
	verdict(r, DOCTOR_OK, _("This host offers the page sizes the domain "
				"uses (%s)."),
		offered);
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
		verdict(r, DOCTOR_ERROR,
			_("libvirt has no hugetlbfs mount for %s pages to use."),
			sz);
		fix(r, "%s", advice);
		if (st == PAGES_MOUNT_NONE && root_is_host(f->env->root)) {
			command(r, "%s pages mount %s", f->cmd, sz);
			r->action.kind = DOCTOR_FIX_MOUNT;
			r->action.mount_kib = use[i].size_kib;
		} else if (st == PAGES_MOUNT_NONE) {
			command(r, "%s pages mount %s", f->cmd, sz);
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

			command(r, "%s pages alloc %s %llu --add%s", f->cmd, sz,
				ULL(need.pages - need.free), opt);
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

/* ---- the checks: the daemon ----------------------------------------------- */

static void
run_daemon_installed(const struct doctor_facts *f, struct doctor_result *r)
{
	const struct host_daemon *d;

	if (!host_local(f, r))
		return;
	d = descriptor_daemon(f->h);
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
		verdict(r, DOCTOR_ERROR,
			_("The share names no daemon and no vhost-user "
			  "descriptor names one: libvirt fails with \"Unable to "
			  "find a satisfying virtiofsd\"."));
		fix_with_our_daemon(f, r, _("Give the share a daemon."));
		return;
	}
	if (!sd->present) {
		verdict(r, DOCTOR_ERROR,
			_("The share's daemon %s is not installed or not "
			  "executable."),
			sd->path);
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

/* Lines of a daemon's log that say something went wrong. */
static bool
daemon_error_line(const char *line)
{
	static const char *const words[] = {
	    "error", "ERROR", "Error", "failed", "Failed", "fatal", "panic",
	    "cannot", "Cannot", "No such file", "not a directory",
	    "Permission denied", "Operation not permitted"};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(line, words[i]))
			return true;
	return false;
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
		if (l->kind != LOG_DAEMON || !log_visible(f, l))
			continue;
		for (size_t j = l->lines.n; j-- > 0 && !daemon_said;)
			if (daemon_error_line(l->lines.v[j])) {
				quote_add(r, l->file, l->lines.v[j]);
				daemon_said = true;
			}
	}
	if (!any_log) {
		verdict(r, DOCTOR_SKIPPED,
			_("libvirt has no log of this domain to look at."));
		return;
	}
	found = quote_logs(f, r) || daemon_said;
	if (!found) {
		verdict(r, DOCTOR_OK,
			_("The logs show no failure of the daemon."));
		return;
	}
	verdict(r, f->run.failed || !f->active ? DOCTOR_ERROR : DOCTOR_WARNING,
		f->run.failed ? _("The daemon failed, and with it the last start "
				  "of the domain.")
			      : _("The daemon's log reports an error."));
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

/* "virtshare daemon start DOM TAG" or "... --socket PATH". */
static void
daemon_command(const struct doctor_facts *f, struct doctor_result *r,
	       const struct launch_status *st, const char *verb)
{
	if (st->spec.domain && st->spec.tag) {
		AUTOFREE char *d = shell_word(st->spec.domain);
		AUTOFREE char *t = shell_word(st->spec.tag);

		command(r, "%s daemon %s %s %s", f->cmd, verb, d, t);
	} else {
		AUTOFREE char *s = shell_word(st->spec.socket);

		command(r, "%s daemon %s --socket %s", f->cmd, verb, s);
	}
	r->action.kind = DOCTOR_FIX_DAEMON;
	free(r->action.daemon);
	r->action.daemon = xstrdup(st->name);
}

static void
socket_fix(const struct doctor_facts *f, struct doctor_result *r,
	   const struct launch_status *st, const char *verb)
{
	AUTOFREE char *d = shell_word(f->domain);
	AUTOFREE char *t = shell_word(f->share->tag ? f->share->tag : "");
	AUTOFREE char *s = shell_word(f->share->socket);

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
		verdict(r, DOCTOR_ERROR,
			_("The socket %s does not exist: no daemon serves the "
			  "share, and QEMU fails with \"Failed to connect to "
			  "'%s': No such file or directory\"."),
			sock, sock);
		socket_fix(f, r, st, "start");
		return;
	}
	if (!S_ISSOCK(sb.st_mode)) {
		verdict(r, DOCTOR_ERROR, _("%s is not a socket."), sock);
		fix(r, _("Remove it and start the share's daemon (it creates "
			 "the socket)."));
		return;
	}
	listening = host_unix_listening(f->env->root, 0, sock);
	if (listening == 0) {
		verdict(r, DOCTOR_ERROR,
			_("Nothing listens on %s: its daemon is gone, and QEMU "
			  "fails with \"Connection refused\"."),
			sock);
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
		if (STREQ(blocked, sock) && !st) {
			fix(r, _("Give the socket to QEMU's user: chown %1$s "
				 "%2$s (or its group to %3$s and chmod 0660), "
				 "or start the daemon with virtshare, which "
				 "does so."),
			    user, sock,
			    q && q->group ? q->group : QEMUCONF_DEFAULT_GROUP);
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
			_("<lock posix='%1$s' flock='%2$s'> goes to %3$s, which "
			  "implements locks."),
			switch_word(s->lock_posix), switch_word(s->flock),
			sd->path ? sd->path : "?");
		return;
	}
	verdict(r, DOCTOR_WARNING,
		_("<lock posix='%1$s' flock='%2$s'> is set, but %3$s is the Rust "
		  "virtiofsd, which implements no locks: it ignores the option "
		  "and the guest's lock calls fail with \"Function not "
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
	w = shell_word(ours);
	extra = xasprintf("--binary %s", w);
	share_command(f, r, s, extra);
	share_fix(f, r, s)->share.binary = xstrdup(ours);
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
	if (quote_logs(f, r)) {
		verdict(r, DOCTOR_ERROR,
			_("The daemon ran out of file descriptors."));
		if (f->env->libvirt_version >= LIBVIRT_OPENFILES) {
			fix(r, _("Raise the daemon's limit with <openfiles "
				 "max>."));
			share_command(f, r, f->share, "--openfiles 1048576");
			share_fix(f, r, f->share)->share.openfiles = 1048576;
		} else {
			fix(r, _("The daemon inherits libvirtd's limit (hard "
				 "limit %s): raise it (systemctl edit libvirtd: "
				 "[Service] LimitNOFILE=1048576), restart "
				 "libvirtd and start the domain again. libvirt "
				 "10.6 and later take <openfiles max> per "
				 "share."),
			    hard ? lim : _("unknown"));
		}
		return;
	}
	if (hard)
		verdict(r, DOCTOR_OK,
			_("The daemon inherits libvirtd's open file limit (%s); "
			  "no sign in the logs that it ran out."),
			lim);
	else
		verdict(r, DOCTOR_OK,
			_("No sign in the logs that the daemon ran out of file "
			  "descriptors."));
}

/* ---- the checks: shares --------------------------------------------------- */

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
		verdict(r, DOCTOR_ERROR,
			_("The tag '%1$s' has %2$zu bytes; a virtiofs tag has at "
			  "most %3$d, and QEMU refuses it."),
			tag, len, LAUNCH_TAG_MAX);
		fix(r, _("Remove the share (virtshare unshare %1$s %2$s) and "
			 "add it again with a tag of at most %3$d bytes; the "
			 "guest mounts it by that name."),
		    f->domain, tag, LAUNCH_TAG_MAX);
		return;
	}
	for (size_t i = 0; i < f->nshares; i++)
		if (i != f->si && f->shares[i].tag &&
		    STREQ(f->shares[i].tag, tag)) {
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
	w = shell_word(dir);
	if (stat(full, &st) < 0) {
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
	if (!quote_logs(f, r)) {
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
	share_fix(f, r, f->share)->share.xattr = DOMXML_ON;
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
			  "(%2$llu uids from %3$llu, %4$llu gids from %5$llu)."),
			user, ULL(ucount), ULL(ustart), ULL(gcount),
			ULL(gstart));
		return;
	}
	if (hu <= 0)
		verdict(r, DOCTOR_WARNING,
			_("%s has no range in /etc/subuid and the share has no "
			  "<idmap>: the daemon maps only that user, so files of "
			  "other users show as nobody and cannot be changed."),
			user);
	else
		verdict(r, DOCTOR_WARNING,
			_("The group %s has no range in /etc/subgid and the "
			  "share has no <idmap>: the daemon maps only that "
			  "group, so files of other groups show as nogroup and "
			  "cannot be changed."),
			group);
	w = shell_word(user);
	fix(r, _("Give the user subordinate ids (usermod --add-subuids "
		 "100000-165535 --add-subgids 100000-165535 %s), then start "
		 "the guest again; or map ids with <idmap> (virtshare share "
		 "... --idmap uid:0:%u:1 --idmap gid:0:%u:1)."),
	    w, (unsigned)f->env->uid, (unsigned)f->env->gid);
}

/* ---- the checks: security, lifecycle -------------------------------------- */

static void
run_denials(const struct doctor_facts *f, struct doctor_result *r)
{
	bool apparmor = false, selinux = false;
	AUTOFREE char *tried = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs share."));
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
		sb_printf(&sb, " cell%s=%s", m.cells[i].id ? m.cells[i].id : "?",
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
		else if (!str_same(p->dir, l->dir) ||
			 !str_same(p->socket, l->socket) ||
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
					       ? _("The definition was read from "
						   "a file.")
					       : _("The domain is not running."));
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
		return xstrdup(_("QEMU's C virtiofsd cannot migrate its state"));
	return NULL;
}

static void
run_migration(const struct doctor_facts *f, struct doctor_result *r)
{
	AUTOFREE char *blocker = NULL;

	if (!f->nshares) {
		verdict(r, DOCTOR_SKIPPED, _("The domain has no virtiofs share."));
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
			 "disk-only snapshots while the share is attached (virsh "
			 "snapshot-create-as %s --disk-only)."),
		    f->domain);
		if (blocker)
			detail(r, _("Also: %s."), blocker);
		return;
	}
	if (blocker) {
		verdict(r, DOCTOR_OK,
			_("No snapshots. The guest cannot migrate while the share "
			  "is attached: %s."),
			blocker);
		fix(r, _("Detach the share before migrating (virtshare unshare, "
			 "then a cold boot), or shut the guest down and move it "
			 "while it is off."));
		return;
	}
	verdict(r, f->snapshots < 0 ? DOCTOR_SKIPPED : DOCTOR_OK,
		f->snapshots < 0 ? _("The snapshots could not be counted.")
				 : _("No snapshots, and nothing known to keep "
				     "the guest from migrating."));
}

/* ---- running the checks --------------------------------------------------- */

void
doctor_env_init(struct doctor_env *env, const struct inspection *in,
		struct virt_conn *conn, const char *root)
{
	memset(env, 0, sizeof(*env));
	env->in = in;
	env->conn = conn;
	env->root = root ? root : "/";
	env->uid = geteuid();
	env->gid = getegid();
	if (conn)
		env->session = virt_is_session(conn);
	if (in->have_virt) {
		env->libvirt_version = in->virt.daemon_version
					   ? in->virt.daemon_version
					   : in->virt.lib_version;
		/* Only the QEMU driver's hypervisor version is QEMU's. */
		if (in->virt.driver && STREQ(in->virt.driver, "QEMU"))
			env->qemu_version = in->virt.hv_version;
	}
}

struct doctor_report *
doctor_report_new(void)
{
	return xcalloc(1, sizeof(struct doctor_report));
}

void
doctor_report_free(struct doctor_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct doctor_section *s = &r->sections[i];

		for (size_t j = 0; j < s->n; j++)
			result_clear(&s->results[j]);
		free(s->results);
		free(s->domain);
		free(s->state);
		free(s->source);
	}
	free(r->sections);
	strlist_clear(&r->notes);
	free(r);
}

static struct doctor_section *
section_add(struct doctor_report *r, const char *domain, const char *state,
	    const char *source)
{
	struct doctor_section *s;

	r->sections = xrealloc(r->sections, (r->n + 1) * sizeof(*r->sections));
	s = &r->sections[r->n++];
	memset(s, 0, sizeof(*s));
	s->domain = domain ? xstrdup(domain) : NULL;
	s->state = state ? xstrdup(state) : NULL;
	s->source = source ? xstrdup(source) : NULL;
	return s;
}

static const char *
logged_fix(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(logged_fixes); i++)
		if (STREQ(logged_fixes[i].id, id))
			return _(logged_fixes[i].fix);
	return NULL;
}

/* The logs show the check's failure although the facts look right. */
static void
escalate(const struct doctor_facts *f, struct doctor_result *r)
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

static void
run_one(struct doctor_report *rep, struct doctor_section *sec,
	const struct doctor_check *c, const struct doctor_facts *f)
{
	struct doctor_result *r;

	sec->results =
	    xrealloc(sec->results, (sec->n + 1) * sizeof(*sec->results));
	r = &sec->results[sec->n++];
	memset(r, 0, sizeof(*r));
	r->check = c;
	if (f->share)
		r->subject = xstrdup(f->share->tag ? f->share->tag : "");
	c->run(f, r);
	if (r->verdict >= DOCTOR_WARNING)
		quote_logs(f, r);
	else if (r->verdict == DOCTOR_OK && c->scope != DOCTOR_SCOPE_HOST &&
		 !r->nquotes && quote_logs(f, r))
		escalate(f, r);
	rep->counts[r->verdict]++;
}

static void
facts_clear(struct doctor_facts *f)
{
	for (size_t i = 0; i < f->nlogs; i++) {
		free(f->logs[i].file);
		strlist_clear(&f->logs[i].lines);
	}
	free(f->logs);
	for (size_t i = 0; f->daemons && i < f->nshares; i++)
		host_daemon_clear(&f->daemons[i].probe);
	free(f->daemons);
	domxml_shares_free(f->shares, f->nshares);
	domxml_shares_free(f->live_shares, f->nlive);
	domxml_memory_clear(&f->mem);
	domxml_free(f->d);
	domxml_free(f->live);
	strlist_clear(&f->security_tried);
	free(f->cmd);
	free(f->xml_suffix);
	memset(f, 0, sizeof(*f));
}

static void
facts_host(struct doctor_facts *f, const struct doctor_env *env,
	   const char *xml_file)
{
	const struct inspection *in = env->in;
	struct strbuf sb = STRBUF_INIT;

	memset(f, 0, sizeof(*f));
	f->env = env;
	f->h = in->host;
	f->q = in->qemu_error ? NULL : &in->qemu;
	f->remote = env->conn && virt_is_remote(env->conn);
	f->snapshots = -1;
	sb_add(&sb, "virtshare");
	if (env->conn && !xml_file) {
		AUTOFREE char *uri = shell_word(virt_uri(env->conn));

		sb_printf(&sb, " -c %s", uri);
	}
	if (!root_is_host(env->root)) {
		AUTOFREE char *root = shell_word(env->root);

		sb_printf(&sb, " --root %s", root);
	}
	f->cmd = sb_steal(&sb);
	if (xml_file) {
		AUTOFREE char *w = shell_word(xml_file);

		f->xml_suffix = xasprintf(" --xml %s", w);
	} else {
		f->xml_suffix = xstrdup("");
	}
}

/* libvirt's recent error lines, for the host checks to quote. */
static void
host_logs(struct doctor_facts *f)
{
	AUTOFREE char *dir = NULL;

	if (f->remote)
		return;
	dir = libvirt_logdir(f->env);
	for (size_t n = 0; n < 2; n++) {
		AUTOFREE char *path = xasprintf(
		    "%s/%s", dir, n ? "virtqemud.log" : "libvirtd.log");
		AUTOFREE char *text =
		    host_log_tail(f->env->root, path, LOG_TAIL_MAX);
		struct strlist lines = {0};
		struct doctor_log *l;

		if (!text)
			continue;
		l = log_add(f, LOG_LIBVIRT, path);
		split_lines(text, &lines);
		for (size_t i = 0; i < lines.n; i++)
			if (strstr(lines.v[i], ": error : "))
				strlist_add(&l->lines, lines.v[i]);
		strlist_clear(&lines);
	}
}

void
doctor_host(struct doctor_report *r, const struct doctor_env *env)
{
	struct doctor_facts f;
	struct doctor_section *sec;
	const char *uri = env->in->have_virt ? env->in->virt.uri : NULL;

	facts_host(&f, env, NULL);
	host_logs(&f);
	sec = section_add(r, NULL, NULL, uri);
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (checks[i].scope == DOCTOR_SCOPE_HOST)
			run_one(r, sec, &checks[i], &f);
	facts_clear(&f);
}

static void
share_daemon_find(struct doctor_facts *f, size_t i)
{
	const struct domxml_share *s = &f->shares[i];
	struct share_daemon *sd = &f->daemons[i];
	const struct host_daemon *d;

	if (s->socket)
		return;
	if (s->binary) {
		sd->path = s->binary;
	} else if ((d = descriptor_daemon(f->h))) {
		sd->path = d->path;
		sd->descriptor = d->descriptor;
	} else {
		return;
	}
	if (f->remote) {
		sd->present = true; /* not ours to tell */
		return;
	}
	host_daemon_probe(f->env->root, sd->path, &sd->probe);
	sd->present = sd->probe.present;
}

/* Run the domain checks over the facts of one domain. */
static void
domain_checks(struct doctor_report *r, struct doctor_facts *f,
	      const char *state, const char *source)
{
	struct doctor_section *sec = section_add(r, f->domain, state, source);

	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		const struct doctor_check *c = &checks[i];

		if (c->scope == DOCTOR_SCOPE_DOMAIN)
			run_one(r, sec, c, f);
		if (c->scope != DOCTOR_SCOPE_SHARE)
			continue;
		for (size_t s = 0; s < f->nshares; s++) {
			f->share = &f->shares[s];
			f->si = s;
			run_one(r, sec, c, f);
		}
		f->share = NULL;
	}
}

static int
facts_domain(struct doctor_facts *f, const char *name, const char *xml,
	     const char *live_xml, const char *what)
{
	if (!(f->d = domxml_parse(xml, what)))
		return -1;
	if (live_xml && !(f->live = domxml_parse(live_xml, what)))
		return -1;
	f->domain = name;
	domxml_memory(f->d, &f->mem);
	f->nshares = domxml_shares(f->d, &f->shares);
	if (f->live)
		f->nlive = domxml_shares(f->live, &f->live_shares);
	f->daemons = xcalloc(f->nshares + 1, sizeof(*f->daemons));
	for (size_t i = 0; i < f->nshares; i++)
		share_daemon_find(f, i);
	read_logs(f);
	return 0;
}

static void
no_share_note(struct doctor_report *r, const char *name, size_t nshares)
{
	if (!nshares)
		strlist_take(&r->notes,
			     xasprintf(_("Domain '%s' has no virtiofs share: "
					 "add one with virtshare share."),
				       name));
}

int
doctor_domain(struct doctor_report *r, const struct doctor_env *env,
	      const char *name)
{
	struct doctor_facts f;
	AUTOFREE char *xml = NULL, *live = NULL, *what = NULL;
	bool active, persistent;
	int ret = -1;

	if (!env->conn)
		return vs_error(VS_ERR_USAGE,
				_("No libvirt connection to read domain '%s' "
				  "from."),
				name);
	if (virt_domain_status(env->conn, name, &active, &persistent) < 0 ||
	    !(xml = virt_domain_xml(env->conn, name, true)))
		return -1;
	if (active && persistent &&
	    !(live = virt_domain_xml(env->conn, name, false)))
		return -1;
	what = xasprintf(_("domain '%s'"), name);
	facts_host(&f, env, NULL);
	f.active = active;
	if ((f.snapshots = virt_domain_snapshots(env->conn, name)) < 0) {
		strlist_take(&r->notes,
			     xasprintf(_("The snapshots of domain '%1$s' could "
					 "not be counted: %2$s"),
				       name, vs_error_message()));
		vs_error_reset();
	}
	if (facts_domain(&f, name, xml, live, what) == 0) {
		domain_checks(r, &f, active ? _("running") : _("shut off"),
			      virt_uri(env->conn));
		no_share_note(r, name, f.nshares);
		ret = 0;
	}
	facts_clear(&f);
	return ret;
}

int
doctor_domain_file(struct doctor_report *r, const struct doctor_env *env,
		   const char *name, const char *path)
{
	struct doctor_facts f;
	AUTOFREE char *xml = file_read(path, 16 << 20, NULL);
	int ret = -1;

	if (!xml)
		return vs_error_errno(VS_ERR_IO, errno,
				      _("Cannot read the domain definition %s "
					"(check the file name)"),
				      path);
	facts_host(&f, env, path);
	if (facts_domain(&f, name, xml, NULL, path) < 0)
		goto out;
	if (!domxml_name(f.d) || !STREQ(domxml_name(f.d), name)) {
		vs_error(VS_ERR_CONFLICT,
			 _("%1$s defines the domain '%2$s', not '%3$s'. Check "
			   "the domain name and the file."),
			 path, domxml_name(f.d) ? domxml_name(f.d) : "", name);
		goto out;
	}
	domain_checks(r, &f, NULL, path);
	no_share_note(r, name, f.nshares);
	ret = 0;
out:
	facts_clear(&f);
	return ret;
}

int
doctor_domains(struct doctor_report *r, const struct doctor_env *env)
{
	struct virt_domain *doms = NULL;
	int n, done = 0;

	if (!env->conn)
		return 0;
	if ((n = virt_domain_list(env->conn, &doms)) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		AUTOFREE char *xml = virt_domain_xml(env->conn, doms[i].name,
						     true);
		AUTOPTR(domxml) d = NULL;
		struct domxml_share *s = NULL;
		size_t ns;

		if (!xml || !(d = domxml_parse(xml, doms[i].name))) {
			strlist_take(&r->notes,
				     xasprintf(_("Domain '%1$s' was skipped: "
						 "%2$s"),
					       doms[i].name,
					       vs_error_message()));
			vs_error_reset();
			continue;
		}
		ns = domxml_shares(d, &s);
		domxml_shares_free(s, ns);
		if (!ns)
			continue;
		if (doctor_domain(r, env, doms[i].name) < 0) {
			strlist_take(&r->notes,
				     xasprintf(_("Domain '%1$s' was skipped: "
						 "%2$s"),
					       doms[i].name,
					       vs_error_message()));
			vs_error_reset();
			continue;
		}
		done++;
	}
	virt_domains_free(doms, n);
	return done;
}

enum doctor_verdict
doctor_worst(const struct doctor_report *r)
{
	for (int v = DOCTOR_VERDICT__COUNT - 1; v > DOCTOR_OK; v--)
		if (r->counts[v] && v != DOCTOR_SKIPPED)
			return (enum doctor_verdict)v;
	return DOCTOR_OK;
}

/* ---- JSON ----------------------------------------------------------------- */

static const char *const scope_names[] = {
	[DOCTOR_SCOPE_HOST] = "host",
	[DOCTOR_SCOPE_DOMAIN] = "domain",
	[DOCTOR_SCOPE_SHARE] = "share",
};

static void
json_result(struct json *j, const struct doctor_result *r)
{
	const struct doctor_check *c = r->check;

	json_obj_begin(j, NULL);
	json_str(j, "id", c->id);
	json_str(j, "group", doctor_group_name(c->group));
	json_str(j, "scope", scope_names[c->scope]);
	json_str(j, "verdict", doctor_verdict_name(r->verdict));
	json_str(j, "share", r->subject);
	json_str(j, "summary", r->summary);
	json_str(j, "detail", r->detail);
	json_str(j, "message", c->message);
	json_str(j, "cause", _(c->cause));
	json_str(j, "fix", r->verdict >= DOCTOR_WARNING ? r->fix : NULL);
	json_str(j, "command",
		 r->verdict >= DOCTOR_WARNING ? r->command : NULL);
	json_bool(j, "fixable", r->verdict >= DOCTOR_WARNING &&
				    r->action.kind != DOCTOR_FIX_NONE);
	json_arr_begin(j, "log");
	for (size_t i = 0; i < r->nquotes; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "file", r->quotes[i].file);
		json_str(j, "line", r->quotes[i].line);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

char *
doctor_json(const struct doctor_report *r)
{
	struct json j;

	json_init(&j);
	json_obj_begin(&j, NULL);
	json_int(&j, "schema", DOCTOR_SCHEMA);
	json_str(&j, "verdict", doctor_verdict_name(doctor_worst(r)));
	json_obj_begin(&j, "counts");
	for (int v = 0; v < DOCTOR_VERDICT__COUNT; v++)
		json_u64(&j, doctor_verdict_name((enum doctor_verdict)v),
			 r->counts[v]);
	json_obj_end(&j);
	json_arr_begin(&j, "sections");
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_section *s = &r->sections[i];

		json_obj_begin(&j, NULL);
		json_str(&j, "domain", s->domain);
		json_str(&j, "state", s->state);
		json_str(&j, "source", s->source);
		json_arr_begin(&j, "checks");
		for (size_t k = 0; k < s->n; k++)
			json_result(&j, &s->results[k]);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_arr_begin(&j, "notes");
	for (size_t i = 0; i < r->notes.n; i++)
		json_str(&j, NULL, r->notes.v[i]);
	json_arr_end(&j);
	json_obj_end(&j);
	return json_steal(&j);
}

/* ---- fixes ---------------------------------------------------------------- */

static void
plan_failed(struct strlist *failed, const struct doctor_section *s,
	    const struct doctor_result *r)
{
	strlist_take(failed,
		     xasprintf(_("%1$s, %2$s%3$s%4$s: %5$s"),
			       s->domain ? s->domain : _("host"), r->check->id,
			       r->subject ? " " : "",
			       r->subject ? r->subject : "",
			       vs_error_message()));
	vs_error_reset();
}

static bool
seen(struct strlist *done, char *key)
{
	if (strlist_has(done, key)) {
		free(key);
		return true;
	}
	strlist_take(done, key);
	return false;
}

size_t
doctor_plan(const struct doctor_report *r, const struct doctor_env *env,
	    const char *xml_file, struct plan *p, struct strlist *failed)
{
	struct strlist keys = {0};
	bool remote = env->conn && virt_is_remote(env->conn);
	size_t planned = 0;

	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_section *s = &r->sections[i];

		for (size_t k = 0; k < s->n; k++) {
			const struct doctor_result *res = &s->results[k];
			const struct doctor_fix *x = &res->action;
			struct plan_target *t;

			if (res->verdict < DOCTOR_WARNING ||
			    x->kind == DOCTOR_FIX_NONE)
				continue;
			switch (x->kind) {
			case DOCTOR_FIX_SHARE:
				if (!s->domain)
					continue;
				if (xml_file)
					t = plan_target_file(xml_file,
							     s->domain);
				else if (env->conn)
					t = plan_target_libvirt(env->conn,
								s->domain);
				else
					continue;
				if (plan_share(p, t, &x->share, env->in,
					       remote ? NULL : env->root) < 0) {
					plan_failed(failed, s, res);
					continue;
				}
				break;
			case DOCTOR_FIX_PAGES:
				if (seen(&keys,
					 xasprintf("pages %d %llu %d %llu",
						   x->pages.op,
						   ULL(x->pages.size_kib),
						   x->pages.node,
						   ULL(x->pages.count))))
					continue;
				plan_pages(p, env->root,
					   remote ? env->conn : NULL,
					   &x->pages);
				break;
			case DOCTOR_FIX_MOUNT:
				if (seen(&keys, xasprintf("mount %llu",
							  ULL(x->mount_kib))))
					continue;
				plan_mount(p, x->mount_kib);
				break;
			case DOCTOR_FIX_DAEMON:
				if (seen(&keys,
					 xasprintf("daemon %s", x->daemon)))
					continue;
				plan_daemon_restart(p, x->daemon);
				break;
			case DOCTOR_FIX_NONE:
				continue;
			}
			planned++;
		}
	}
	strlist_clear(&keys);
	return planned;
}
