# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: private libvirt hosts over ssh for the remote tests (source it)
#
# A "host" is a mount, UTS and IPC namespace of this machine with a
# hostname of its own and private copies of everything a privileged
# libvirtd keeps: /etc/libvirt, /run/libvirt, /var/lib/libvirt,
# /var/cache/libvirt and /var/log/libvirt are bind mounts of directories
# under $REMOTE_ROOT/NAME; /run and /tmp are fresh tmpfs; /etc/ssh,
# /etc/hosts and /srv are its own; no hugetlbfs is mounted. virtlogd, the
# monolithic libvirtd and sshd run inside it, so whatever reaches it over
# ssh (virt-ssh-helper, a shell) sees that host's files, not this one's.
# The daemons run under names of their own (vs-libvirtd, vs-virtlogd,
# vs-sshd) so that `pgrep -x libvirtd` in other tests keeps finding the
# system daemon, and QEMU runs without cgroups, so nothing of the
# machine's cgroup tree or of qemu:///system is shared. Why not
# `libvirtd --config` or a session daemon: the QEMU and network drivers of
# a privileged daemon lock /run/libvirt/{qemu,network}/driver.pid and read
# /etc/libvirt/qemu whatever --config says, and libvirt 9.0 refuses
# virtiofs in session mode.
#
#   remote_can_run            why not, on stdout, when this machine cannot
#                             host them (not root); missing programs are
#                             a failure, not a reason
#   remote_host_start NAME    start a host (hostname NAME); 0 or 1 with
#                             the reason on stderr
#   remote_uri NAME [ADDR]    qemu+ssh://root@ADDR:PORT/system?... for it
#                             (ADDR: 127.0.0.1, or localhost)
#   remote_unix_uri NAME      its socket from here, without ssh
#   remote_exec NAME CMD...   run CMD on that host (its files, its hostname)
#   remote_virsh NAME ARGS... virsh on its socket, under a timeout
#   remote_domain_xml NAME DOMAIN [DEVICES]
#                             a TCG guest that host can start (its kernel)
#   remote_host_stop NAME     destroy its guests, end every process in it,
#                             remove its directory; 1 if anything is left
#   remote_left NAME          the processes still in it (none: empty)
#   remote_cleanup            stop every host (the EXIT trap calls it)
#
# For the command tests, with tests/cli/lib.sh sourced first:
#   verdict STATUS NAME [DIAGNOSTIC]
#                             a case from a status computed before
#   vs ARGS...                virtshare -c "$U": output in $out, status $rc
#   remote_test_host NAME     start NAME as a case (the test ends if it
#                             cannot) with hugepage pools unlike this
#                             machine's (2M: 16, 12 free; 1G: 4, all free),
#                             a directory $DATA only it has, and domains
#                             web and db (their XML in $TESTTMP); sets U
#
# Set before remote_host_start: REMOTE_QEMU_CONF (lines added to the host's
# qemu.conf), REMOTE_CGROUPS=1 (its QEMUs get cgroups as qemu:///system's
# do, under names of their own: libvirt 9.0 dereferences the missing
# cgroup when it hot-plugs a virtiofs device whose daemon it starts, and
# libvirtd dies), REMOTE_HUGEPAGES ("SIZE_KIB:TOTAL:FREE ...": the host's
# hugepage pools are files under its directory mounted over /sys/kernel/mm/
# hugepages and node0's, so `pages alloc` through its libvirt changes no
# kernel pool, at most six sizes; free counts stay as given; unset: the
# kernel's real pools, as on a real host).
# REMOTE_SHOW (absolute directories, blank-separated): those under /tmp
# stay visible on the host at the same path (its /tmp is its own).
# VS_REMOTE_KEEP=1 keeps the directories of stopped hosts.
# Set by it: REMOTE_ROOT (all hosts of this test), REMOTE_HOSTS (names).

REMOTE_ROOT=
REMOTE_HOSTS=()
REMOTE_LIB=${BASH_SOURCE[0]}
case $REMOTE_LIB in /*) ;; *) REMOTE_LIB=$PWD/$REMOTE_LIB ;; esac

remote_can_run() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root (a private libvirtd and sshd in namespaces)"
		return 1
	fi
	return 0
}

# The programs a host needs; a missing one is a setup bug (quickstart
# installs them), so it is reported, never skipped.
_remote_missing() {
	local p
	for p in unshare nsenter mountpoint libvirtd virtlogd virsh \
		 virt-ssh-helper ssh ssh-keygen flock; do
		command -v "$p" > /dev/null || echo "$p"
	done
	[ -x /usr/sbin/sshd ] || echo /usr/sbin/sshd
	ls /boot/vmlinuz-* > /dev/null 2>&1 || echo "a kernel in /boot"
}

_remote_dir() {
	echo "$REMOTE_ROOT/$1"
}

# The pid of the host's libvirtd (its namespaces are the host's).
_remote_pid() {
	local f
	f=$(_remote_dir "$1")/run/vs-libvirtd.pid
	[ -s "$f" ] && cat "$f"
}

remote_unix_uri() {
	echo "qemu+unix:///system?socket=$(_remote_dir "$1")/run/libvirt-sock"
}

remote_uri() {
	local d
	d=$(_remote_dir "$1")
	echo "qemu+ssh://root@${2:-127.0.0.1}:$(cat "$d/client/port")/system?keyfile=$d/client/id_ed25519&command=$d/client/ssh"
}

remote_exec() {
	local name=$1 pid
	shift
	pid=$(_remote_pid "$name") || return 1
	nsenter -t "$pid" -m -u -- "$@"
}

remote_virsh() {
	local name=$1
	shift
	timeout 120 virsh -q -c "$(remote_unix_uri "$name")" "$@"
}

remote_domain_xml() {
	cat <<EOF
<domain type='qemu'>
  <name>$2</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/var/lib/libvirt/boot/vmlinuz</kernel>
    <cmdline>console=ttyS0 panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    ${3:-}
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# _remote_fake_pools DIR SPEC: hugepage pools as sysfs shows them, in
# DIR/mm (for /sys/kernel/mm/hugepages) and DIR/node0 (for node0's).
_remote_fake_pools() {
	local dir=$1 spec size total free d
	for spec in $2; do
		IFS=: read -r size total free <<< "$spec"
		for d in "$dir/mm/hugepages-${size}kB" "$dir/node0/hugepages-${size}kB"; do
			mkdir -p "$d"
			echo "$total" > "$d/nr_hugepages"
			echo "$free" > "$d/free_hugepages"
			echo 0 > "$d/surplus_hugepages"
		done
		d=$dir/mm/hugepages-${size}kB
		echo "$total" > "$d/nr_hugepages_mempolicy"
		echo 0 > "$d/resv_hugepages"
		echo 0 > "$d/nr_overcommit_hugepages"
	done
}

# _remote_writable_pools: libvirt writes a pool size and reads it back
# expecting sysfs' "N\n", which a plain file does not give. Numeric
# sysctls of the host's own IPC namespace do, and change nothing outside
# it: each size gets one, mounted over its nr_hugepages both system-wide
# and on node0, so the two stay equal as on a one-node kernel.
_remote_writable_pools() {
	local dir size ctl ctls=(msgmax msgmnb shmmax shmall msgmni shmmni)
	for dir in /sys/kernel/mm/hugepages/hugepages-*; do
		size=${dir##*/}
		[ ${#ctls[@]} -gt 0 ] || return 1
		ctl=/proc/sys/kernel/${ctls[0]}
		ctls=("${ctls[@]:1}")
		cat "$dir/nr_hugepages" > "$ctl"
		mount --bind "$ctl" "$dir/nr_hugepages"
		mount --bind "$ctl" "/sys/devices/system/node/node0/hugepages/$size/nr_hugepages"
	done
}

# _remote_show aside|back: REMOTE_SHOW's directories under /tmp, bound
# to /run/vs/show/N before /tmp is covered, then back at their paths.
_remote_show() {
	local i=0 m
	for m in ${REMOTE_SHOW:-}; do
		case $m in /tmp/*) ;; *) continue ;; esac
		if [ "$1" = aside ]; then
			mkdir -p "/run/vs/show/$i"
			mount --bind "$m" "/run/vs/show/$i"
		else
			mkdir -p "$m"
			mount --bind "/run/vs/show/$i" "$m"
		fi
		i=$((i + 1))
	done
}

# _remote_setup DIR NAME: runs inside the new namespaces (see
# remote_host_start), as a script of its own, before /tmp is covered.
_remote_setup() {
	local d=$1 name=$2 m
	set -e
	hostname "$name"
	mount -t tmpfs -o mode=755 vs-run /run
	mkdir -p /run/libvirt /run/sshd /run/lock /run/vs
	mount --bind "$d/run" /run/libvirt
	mount --bind "$d/etc" /etc/libvirt
	mount --bind "$d/lib" /var/lib/libvirt
	mount --bind "$d/cache" /var/cache/libvirt
	mount --bind "$d/log" /var/log/libvirt
	mount --bind "$d/ssh" /etc/ssh
	mount --bind "$d/srv" /srv
	mount --bind "$d/hosts" /etc/hosts
	if [ -d "$d/pools/mm" ]; then
		mount --bind "$d/pools/mm" /sys/kernel/mm/hugepages
		mount --bind "$d/pools/node0" /sys/devices/system/node/node0/hugepages
		_remote_writable_pools
	fi
	# This host has hugetlbfs mounts only if its test makes them.
	for m in $(awk '$3 == "hugetlbfs" { print $2 }' /proc/self/mounts); do
		umount -l "$m"
	done
	# REMOTE_SHOW: directories of this machine under /tmp that the host
	# must still see over its own /tmp (a clone built in /tmp holds the
	# guest's kernel, its console file and the daemon): set aside under
	# /run first, shown again at the same path after.
	_remote_show aside
	mount -t tmpfs -o mode=1777 vs-tmp /tmp
	_remote_show back
	ln -s /usr/sbin/libvirtd /run/vs/vs-libvirtd
	ln -s /usr/sbin/virtlogd /run/vs/vs-virtlogd
	ln -s /usr/sbin/sshd /run/vs/vs-sshd
	stat -L -c %i /proc/self/ns/uts > /run/libvirt/vs-uts
	/run/vs/vs-virtlogd -d -p /run/libvirt/vs-virtlogd.pid
	/run/vs/vs-libvirtd -d -p /run/libvirt/vs-libvirtd.pid
}

# _remote_sshd NAME: start the host's sshd on a free port of 127.0.0.1
# (a few tries: another test may take the port between check and bind).
_remote_sshd() {
	local name=$1 d port try
	d=$(_remote_dir "$name")
	for try in 1 2 3 4 5 6 7 8; do
		port=$(shuf -i 20000-60999 -n 1)
		ss -Hltn "sport = :$port" 2> /dev/null | grep -q . && continue
		if remote_exec "$name" /run/vs/vs-sshd -p "$port" \
			-E /var/log/libvirt/sshd.log; then
			echo "$port" > "$d/client/port"
			echo "[127.0.0.1]:$port,[localhost]:$port $(cat "$d/ssh/ssh_host_ed25519_key.pub")" \
				> "$d/client/known_hosts"
			return 0
		fi
	done
	echo "sshd would not start: $(tail -3 "$d/log/sshd.log" 2> /dev/null)" >&2
	return 1
}

remote_host_start() {
	local name=$1 d missing i
	missing=$(_remote_missing)
	if [ -n "$missing" ]; then
		echo "missing: $missing" | tr '\n' ' ' >&2
		return 1
	fi
	if [ -z "$REMOTE_ROOT" ]; then
		REMOTE_ROOT=$(mktemp -d /tmp/vs-remote.XXXXXX) || return 1
		# QEMU runs as libvirt-qemu and must reach the guest's kernel.
		chmod 755 "$REMOTE_ROOT"
	fi
	d=$(_remote_dir "$name")
	mkdir -p "$d"/{etc/qemu/networks/autostart,etc/storage,etc/secrets} \
		"$d"/{run,lib/boot,cache,log,srv,client} "$d/ssh/authorized_keys"
	REMOTE_HOSTS+=("$name")

	cat > "$d/etc/libvirtd.conf" <<-EOF
		log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
	EOF
	cat > "$d/etc/virtlogd.conf" <<-EOF
		log_outputs = "3:file:/var/log/libvirt/virtlogd.log"
	EOF
	{
		if [ -z "${REMOTE_CGROUPS:-}" ]; then
			echo "# $name: no cgroups, so its guests share nothing with qemu:///system's"
			echo "cgroup_controllers = [ ]"
		fi
		[ -n "${REMOTE_QEMU_CONF:-}" ] && printf '%s\n' "$REMOTE_QEMU_CONF"
	} > "$d/etc/qemu.conf"
	# The host's name resolves on the host, so no lookup leaves the machine.
	{ cat /etc/hosts; echo "127.0.1.1 $name"; } > "$d/hosts"
	cp "$(ls /boot/vmlinuz-* | sort -V | tail -1)" "$d/lib/boot/vmlinuz"
	chmod 644 "$d/lib/boot/vmlinuz"
	[ -n "${REMOTE_HUGEPAGES:-}" ] && _remote_fake_pools "$d/pools" "$REMOTE_HUGEPAGES"

	# sshd: its own host key, root by this run's key only, nothing of
	# /etc/ssh or ~/.ssh; the client verifies the host key through a
	# known_hosts of its own (an ssh wrapper with -F, given to libvirt
	# as command=), so no_verify is not needed and ~/.ssh stays untouched.
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$d/ssh/ssh_host_ed25519_key" &&
	ssh-keygen -q -t ed25519 -N '' -C "vs-client@$name" -f "$d/client/id_ed25519" &&
	cp "$d/client/id_ed25519.pub" "$d/ssh/authorized_keys/root" || return 1
	chmod 600 "$d/ssh/authorized_keys/root"
	cat > "$d/ssh/sshd_config" <<-EOF
		ListenAddress 127.0.0.1
		HostKey /etc/ssh/ssh_host_ed25519_key
		PidFile /run/libvirt/vs-sshd.pid
		AuthorizedKeysFile /etc/ssh/authorized_keys/%u
		AllowUsers root
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes yes
		X11Forwarding no
		AllowTcpForwarding no
		AllowAgentForwarding no
		PrintMotd no
		UseDNS no
	EOF
	cat > "$d/client/ssh_config" <<-EOF
		UserKnownHostsFile $d/client/known_hosts
		GlobalKnownHostsFile /dev/null
		StrictHostKeyChecking yes
		IdentitiesOnly yes
		BatchMode yes
		ConnectTimeout 30
	EOF
	printf '#!/bin/sh\nexec ssh -F %s/client/ssh_config "$@"\n' "$d" > "$d/client/ssh"
	chmod 755 "$d/client/ssh"

	# The namespaces live as long as a process is in them; nothing of
	# them is visible here but the bind-mounted directories.
	if ! unshare --mount --uts --ipc --propagation private -- \
		bash -c '. "$1"; _remote_setup "$2" "$3"' remote-setup \
		"$REMOTE_LIB" "$d" "$name" < /dev/null > "$d/setup.log" 2>&1; then
		echo "$name: setup failed: $(tail -3 "$d/setup.log")" >&2
		return 1
	fi
	for i in $(seq 300); do
		timeout 30 virsh -c "$(remote_unix_uri "$name")" version \
			> /dev/null 2>&1 && break
		sleep 0.1
	done
	if [ "$i" = 300 ]; then
		echo "$name: libvirtd does not answer: $(tail -3 "$d/log/libvirtd.log")" >&2
		return 1
	fi
	_remote_sshd "$name" || return 1
	# Whatever ends this test (even SIGKILL), the host goes with it.
	setsid bash -c 'tail --pid="$2" -f /dev/null & echo $! > "$5"; wait $!
		. "$1"; REMOTE_ROOT=$3; remote_host_stop "$4"' remote-guard \
		"$REMOTE_LIB" "$$" "$REMOTE_ROOT" "$name" "$d/client/guard-tail.pid" \
		< /dev/null > /dev/null 2>&1 &
	echo $! > "$d/client/guard.pid"
	return 0
}

# The pids of the processes in the host's UTS namespace (QEMU has a mount
# namespace of its own, not a UTS one).
remote_left() {
	local uts
	uts=$(cat "$(_remote_dir "$1")/run/vs-uts" 2> /dev/null) || return 0
	[ -n "$uts" ] || return 0
	stat -L -c '%i %n' /proc/[0-9]*/ns/uts 2> /dev/null |
		awk -v ns="$uts" '$1 == ns { split($2, p, "/"); print p[3] }'
	return 0
}

# _remote_signal SIG PIDS...: signal the pids that are still there.
_remote_signal() {
	local sig=$1 p
	shift
	for p in "$@"; do
		kill "-$sig" "$p" 2> /dev/null
	done
}

remote_host_stop() {
	local name=$1 d dom pids i guard
	d=$(_remote_dir "$name")
	[ -d "$d" ] || return 0
	guard=$(cat "$d/client/guard.pid" 2> /dev/null)
	if [ -n "$guard" ] && [ "$guard" != "$$" ]; then
		# The guard and its tail are ours, outside the namespace.
		kill "$guard" 2> /dev/null
		kill "$(cat "$d/client/guard-tail.pid" 2> /dev/null)" 2> /dev/null
	fi
	if [ -S "$d/run/libvirt-sock" ] && [ -n "$(remote_left "$name")" ]; then
		for dom in $(timeout 30 virsh -q -c "$(remote_unix_uri "$name")" \
				list --name 2> /dev/null); do
			timeout 30 virsh -q -c "$(remote_unix_uri "$name")" \
				destroy "$dom" > /dev/null 2>&1
		done
	fi
	# libvirtd first, so it sees nothing die under it; then the rest.
	_remote_signal TERM "$(_remote_pid "$name")"
	for i in $(seq 100); do
		kill -0 "$(_remote_pid "$name")" 2> /dev/null || break
		sleep 0.1
	done
	for i in $(seq 100); do
		pids=$(remote_left "$name")
		[ -z "$pids" ] && break
		# shellcheck disable=SC2086
		_remote_signal $([ "$i" -lt 50 ] && echo TERM || echo KILL) $pids
		sleep 0.1
	done
	if [ -n "$(remote_left "$name")" ]; then
		echo "$name: still running: $(remote_left "$name" | tr '\n' ' ')" >&2
		return 1
	fi
	[ -n "${VS_REMOTE_KEEP:-}" ] || rm -rf "$d"
	return 0
}

remote_cleanup() {
	local name status=0
	for name in "${REMOTE_HOSTS[@]}"; do
		remote_host_stop "$name" || status=1
	done
	REMOTE_HOSTS=()
	if [ -n "$REMOTE_ROOT" ] && [ -z "${VS_REMOTE_KEEP:-}" ]; then
		rmdir "$REMOTE_ROOT" 2> /dev/null
	fi
	return $status
}

verdict() {
	if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${3:-}"; fi
}

vs() {
	out=$(timeout 300 "$VIRTSHARE" -c "$U" "$@" 2>&1)
	rc=$?
}

remote_test_host() {
	local d
	if REMOTE_HUGEPAGES="2048:16:12 1048576:4:4" remote_host_start "$1" \
		2> "$TESTTMP/start.err"; then
		ok "host $1 started"
	else
		not_ok "host $1 started" "$(cat "$TESTTMP/start.err")"
		done_testing
		exit
	fi
	U=$(remote_uri "$1")
	DATA=/srv/vs-data-$$
	remote_exec "$1" mkdir -p "$DATA"
	for d in web db; do
		remote_domain_xml "$1" $d > "$TESTTMP/$d.xml"
		remote_virsh "$1" define "$TESTTMP/$d.xml" > /dev/null
	done
}
