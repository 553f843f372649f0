/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-fstab.c: the virtiofs line in real-world fstab files */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fstab.h"
#include "tap.h"
#include "util.h"

/* fstab files as installers and people write them */
static const struct sample {
	const char *name;
	const char *text;
} samples[] = {
	{"empty file", ""},
	{"Debian installer",
	 "# /etc/fstab: static file system information.\n"
	 "#\n"
	 "# Use 'blkid' to print the universally unique identifier for a\n"
	 "# device; this may be used with UUID= as a more robust way to name devices\n"
	 "# that works even if disks are added and removed. See fstab(5).\n"
	 "#\n"
	 "# systemd generates mount units based on this file, see systemd.mount(5).\n"
	 "# Please run 'systemctl daemon-reload' after making changes here.\n"
	 "#\n"
	 "# <file system> <mount point>   <type>  <options>       <dump>  <pass>\n"
	 "# / was on /dev/vda1 during installation\n"
	 "UUID=6f1a2b3c-0d4e-4f5a-8b6c-7d8e9f0a1b2c /               ext4    errors=remount-ro 0       1\n"
	 "# swap was on /dev/vda5 during installation\n"
	 "UUID=0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d none            swap    sw              0       0\n"
	 "/dev/sr0        /media/cdrom0   udf,iso9660 user,noauto     0       0\n"},
	{"Fedora (anaconda)",
	 "\n"
	 "#\n"
	 "# /etc/fstab\n"
	 "# Created by anaconda on Tue Mar 12 10:21:43 2024\n"
	 "#\n"
	 "# Accessible filesystems, by reference, are maintained under '/dev/disk/'.\n"
	 "# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info.\n"
	 "#\n"
	 "UUID=2f9d-a1b2 /                       btrfs   subvol=root,compress=zstd:1 0 0\n"
	 "UUID=77aa-01ef /boot                   ext4    defaults        1 2\n"
	 "UUID=2f9d-a1b2 /home                   btrfs   subvol=home,compress=zstd:1 0 0\n"},
	{"RHEL with LVM",
	 "/dev/mapper/rhel-root   /                       xfs     defaults        0 0\n"
	 "UUID=5c6d7e8f /boot                   xfs     defaults        0 0\n"
	 "/dev/mapper/rhel-swap   none                    swap    defaults        0 0\n"},
	{"Ubuntu cloud image",
	 "LABEL=cloudimg-rootfs\t/\t ext4\tdiscard,errors=remount-ro\t0 1\n"
	 "LABEL=UEFI\t/boot/efi\tvfat\tumask=0077\t0 1\n"},
	{"Alpine",
	 "/dev/vda3 / ext4 rw,relatime 0 1\n"
	 "/dev/vda1 /boot ext4 rw,relatime 0 2\n"
	 "/dev/vda2 swap swap defaults 0 0\n"
	 "/dev/cdrom\t/media/cdrom\tiso9660\tnoauto,ro 0 0\n"
	 "/dev/usbdisk\t/media/usb\tvfat\tnoauto\t0 0\n"
	 "tmpfs\t/tmp\ttmpfs\tnosuid,nodev\t0\t0\n"},
	{"Arch genfstab (tabs, device comments)",
	 "# Static information about the filesystems.\n"
	 "# See fstab(5) for details.\n"
	 "\n"
	 "# <file system> <dir> <type> <options> <dump> <pass>\n"
	 "# /dev/vda2\n"
	 "UUID=1234-abcd      \t/         \text4      \trw,relatime\t0 1\n"
	 "\n"
	 "# /dev/vda1\n"
	 "UUID=ABCD-1234      \t/boot     \tvfat      \trw,relatime,fmask=0022,dmask=0022,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro\t0 2\n"
	 "\n"},
	{"CRLF line ends (edited on Windows)",
	 "# shared with the host\r\n"
	 "/dev/vda1 / ext4 defaults 0 1\r\n"
	 "proc /proc proc defaults 0 0\r\n"},
	{"no newline at the end",
	 "/dev/vda1 / ext4 defaults 0 1\n"
	 "/dev/vdb1 /data xfs defaults,nofail 0 2"},
	{"CRLF and no newline at the end",
	 "/dev/vda1 / ext4 defaults 0 1\r\n"
	 "/dev/vdb1 /data xfs defaults 0 2"},
	{"other virtiofs shares, NFS, 9p and bind mounts",
	 "/dev/vda1 / ext4 defaults 0 1\n"
	 "vsb /mnt/vsb virtiofs defaults,nofail 0 0\n"
	 "data\t/srv/data\tvirtiofs\tdefaults,_netdev\t0\t0\n"
	 "nas:/export/home /home nfs4 rw,hard,_netdev 0 0\n"
	 "hostshare /mnt/9p 9p trans=virtio,version=9p2000.L 0 0\n"
	 "/srv/a /srv/b none bind 0 0\n"},
	{"our tag commented out, indented comments, blank lines",
	 "   # vsa /mnt/vsa virtiofs defaults 0 0\n"
	 "#vsa /mnt/vsa virtiofs defaults,nofail 0 0\n"
	 "\t\n"
	 "   \n"
	 "/dev/vda1 / ext4 defaults 0 1\n"},
	{"the tag's name on another file system type",
	 "vsa /mnt/other 9p trans=virtio 0 0\n"},
	{"a line with fewer fields",
	 "/dev/vda1 /\n"
	 "tmpfs\n"},
	{"busybox initramfs style",
	 "proc\t/proc\tproc\tdefaults\t0\t0\n"
	 "sysfs\t/sys\tsysfs\tdefaults\t0\t0\n"
	 "devpts\t/dev/pts\tdevpts\tgid=5,mode=620\t0\t0\n"},
};

#define TAG "vsa"
#define DIR "/mnt/vsa"
#define LINE TAG " " DIR " virtiofs " FSTAB_OPTIONS " 0 0"

static bool
crlf(const char *text)
{
	const char *nl = strchr(text, '\n');

	return nl && nl > text && nl[-1] == '\r';
}

/* Add, add again, find, remove, remove again on one sample. */
static void
round_trip(const struct sample *s)
{
	const char *eol = crlf(s->text) ? "\r\n" : "\n";
	size_t len = strlen(s->text);
	bool bare = len > 0 && s->text[len - 1] != '\n';
	AUTOFREE char *base = xasprintf("%s%s", s->text, bare ? eol : "");
	AUTOFREE char *want = xasprintf("%s%s%s", base, LINE, eol);
	AUTOFREE char *none = fstab_find(s->text, TAG);
	AUTOFREE char *once = NULL, *twice = NULL, *found = NULL;
	AUTOFREE char *gone = NULL, *again = NULL;
	bool changed = false;

	tap_ok(none == NULL, "%s: no line for the tag at first", s->name);
	once = fstab_add(s->text, TAG, DIR, &changed);
	tap_is_str(once, want, "%s: add appends one line, all else kept",
		   s->name);
	tap_ok(changed, "%s: add says it changed the file", s->name);
	twice = fstab_add(once ? once : "", TAG, DIR, &changed);
	tap_is_str(twice, once, "%s: adding again changes nothing", s->name);
	tap_ok(!changed, "%s: adding again says so", s->name);
	found = fstab_find(once ? once : "", TAG);
	tap_is_str(found, DIR, "%s: find gives the mount point", s->name);
	gone = fstab_remove(once ? once : "", TAG, DIR, &changed);
	tap_is_str(gone, base, "%s: remove gives the file back", s->name);
	tap_ok(changed, "%s: remove says it changed the file", s->name);
	again = fstab_remove(gone, TAG, NULL, &changed);
	tap_is_str(again, gone, "%s: removing again changes nothing", s->name);
	tap_ok(!changed, "%s: removing again says so", s->name);
}

/* Single edits with their exact outcome, or the error code. */
static const struct edit_case {
	const char *name;
	const char *text;
	const char *tag;
	const char *dir;
	const char *want;   /* NULL: refused with code */
	enum vs_code code;
} adds[] = {
	{"the same line with tabs and other options is there", 
	 "vsa\t/mnt/vsa/\tvirtiofs\trw,relatime 0 0\n", TAG, DIR,
	 "vsa\t/mnt/vsa/\tvirtiofs\trw,relatime 0 0\n", VS_OK},
	{"the tag is mounted elsewhere",
	 "# mine\nvsa /srv/elsewhere virtiofs defaults 0 0\n", TAG, DIR, NULL,
	 VS_ERR_CONFLICT},
	{"another file system uses the mount point",
	 "/dev/vdb1 /mnt/vsa ext4 defaults 0 2\n", TAG, DIR, NULL,
	 VS_ERR_CONFLICT},
	{"another virtiofs tag uses the mount point",
	 "other /mnt/vsa/. virtiofs defaults 0 0\n", TAG, DIR, NULL,
	 VS_ERR_CONFLICT},
	{"blanks in the mount point are escaped", "", TAG, "/mnt/my share",
	 "vsa /mnt/my\\040share virtiofs " FSTAB_OPTIONS " 0 0\n", VS_OK},
	{"an escaped mount point is matched decoded",
	 "vsa /mnt/my\\040share virtiofs defaults 0 0\n", TAG,
	 "/mnt/my share", "vsa /mnt/my\\040share virtiofs defaults 0 0\n",
	 VS_OK},
	{"a tag starting with # is escaped, not a comment", "", "#t", DIR,
	 "\\043t /mnt/vsa virtiofs " FSTAB_OPTIONS " 0 0\n", VS_OK},
	{"a backslash and a tab in the tag are escaped", "", "a\\b\tc", DIR,
	 "a\\134b\\011c /mnt/vsa virtiofs " FSTAB_OPTIONS " 0 0\n", VS_OK},
	{"an empty tag is refused", "", "", DIR, NULL, VS_ERR_INVALID},
	{"a relative mount point is refused", "", TAG, "mnt/vsa", NULL,
	 VS_ERR_INVALID},
	{"a commented-out line does not count",
	 "#vsa /srv/old virtiofs defaults 0 0\n", TAG, DIR,
	 "#vsa /srv/old virtiofs defaults 0 0\n" LINE "\n", VS_OK},
	{"a truncated escape is kept as written", "x /mnt/a\\04 ext4 d 0 0\n",
	 TAG, "/mnt/a\\04", NULL, VS_ERR_CONFLICT},
};

static void
edit_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(adds); i++) {
		const struct edit_case *c = &adds[i];
		bool changed = true;
		AUTOFREE char *got = NULL;

		vs_error_reset();
		got = fstab_add(c->text, c->tag, c->dir, &changed);
		tap_is_str(got, c->want, "add: %s", c->name);
		tap_is_int(vs_error_code(), c->code, "add: %s: error code",
			   c->name);
		if (!c->want && vs_error_code() != VS_OK)
			tap_diag("  %s", vs_error_message());
	}
}

static const struct remove_case {
	const char *name;
	const char *text;
	const char *dir;
	const char *want;
} removes[] = {
	{"every line of the tag goes when no dir is given",
	 "a b c d\nvsa /x virtiofs d 0 0\nvsa\t/y\tvirtiofs\td\t0\t0\nz\n",
	 NULL, "a b c d\nz\n"},
	{"only the line on dir goes when dir is given",
	 "vsa /x virtiofs d 0 0\nvsa /mnt/vsa virtiofs d 0 0\n", DIR,
	 "vsa /x virtiofs d 0 0\n"},
	{"comments and other types stay",
	 "#vsa /mnt/vsa virtiofs d 0 0\nvsa /mnt/vsa 9p d 0 0\n", NULL,
	 "#vsa /mnt/vsa virtiofs d 0 0\nvsa /mnt/vsa 9p d 0 0\n"},
	{"a last line without newline goes, the others keep CRLF",
	 "a / ext4 d 0 1\r\nvsa /mnt/vsa virtiofs d 0 0", NULL,
	 "a / ext4 d 0 1\r\n"},
	{"a line in the middle goes, its neighbours stay as written",
	 "  a   /   ext4 d 0 1  \n vsa  /mnt/vsa  virtiofs  d \nb /b x y\n",
	 NULL, "  a   /   ext4 d 0 1  \nb /b x y\n"},
};

static void
remove_cases(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(removes); i++) {
		const struct remove_case *c = &removes[i];
		bool changed = false;
		AUTOFREE char *got = fstab_remove(c->text, TAG, c->dir, &changed);

		tap_is_str(got, c->want, "remove: %s", c->name);
		tap_ok(changed == !STREQ(c->text, c->want),
		       "remove: %s: says whether it changed", c->name);
	}
}

static void
find_cases(void)
{
	AUTOFREE char *a = fstab_find("#vsa /a virtiofs d 0 0\n"
				      "vsa /b 9p d 0 0\n"
				      "vsa /c virtiofs d 0 0\n"
				      "vsa /d virtiofs d 0 0\n", TAG);
	AUTOFREE char *b = fstab_find("vsa /mnt/with\\040space virtiofs\r\n",
				      TAG);
	AUTOFREE char *c = fstab_find("vsa\n", TAG);
	AUTOFREE char *d = fstab_find("vsax /x virtiofs d 0 0\n", TAG);

	tap_is_str(a, "/c", "find: the first virtiofs line, not comments or 9p");
	tap_is_str(b, "/mnt/with space", "find: decoded, without the CR");
	tap_ok(c == NULL, "find: a line with the tag alone is no mount");
	tap_ok(d == NULL, "find: a longer tag is another tag");
}

/* /proc/mounts has fstab's format: what a guest shows */
static void
mounts_cases(void)
{
	const char *proc =
	    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
	    "/dev/vda1 / ext4 rw,relatime,errors=remount-ro 0 0\n"
	    "vsa /mnt/vsa virtiofs rw,relatime 0 0\n"
	    "fuse-thing /mnt/f fuse.sshfs rw 0 0\n"
	    "my\\040tag /mnt/with\\040space virtiofs rw,relatime 0 0\n"
	    "vsa /srv/again virtiofs rw,relatime 0 0";
	struct fstab_mount *m = NULL;
	size_t n = fstab_mounts(proc, &m);

	tap_is_int(n, 3, "mounts: the three virtiofs lines of /proc/mounts");
	if (n == 3) {
		tap_ok(STREQ(m[0].tag, "vsa") && STREQ(m[0].dir, "/mnt/vsa"),
		       "mounts: first");
		tap_ok(STREQ(m[1].tag, "my tag") &&
			   STREQ(m[1].dir, "/mnt/with space"),
		       "mounts: escapes decoded");
		tap_ok(STREQ(m[2].tag, "vsa") && STREQ(m[2].dir, "/srv/again"),
		       "mounts: a tag mounted twice, no final newline");
	}
	fstab_mounts_free(m, n);
	tap_is_int(fstab_mounts("", &m), 0, "mounts: none in empty text");
	tap_ok(m == NULL, "mounts: NULL when none");
	tap_is_int(fstab_mounts("#vsa /a virtiofs d 0 0\nvsa\n", &m), 0,
		   "mounts: no comments, no lines without a type");
	fstab_mounts_free(m, 0);
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(samples); i++)
		round_trip(&samples[i]);
	edit_cases();
	remove_cases();
	find_cases();
	mounts_cases();
	return tap_done();
}
