## SPDX-License-Identifier: GPL-2.0-or-later
## src/local.mk: libvirtshare (the core) and the `virtshare` command

noinst_LIBRARIES += src/libvirtshare.a
src_libvirtshare_a_CPPFLAGS = $(AM_CPPFLAGS) $(XML_CFLAGS) $(LIBVIRT_CFLAGS) \
	$(LIBVIRT_QEMU_CFLAGS) $(INIH_CFLAGS)
src_libvirtshare_a_SOURCES = \
	src/base.c src/base.h \
	src/error.c src/error.h \
	src/i18n.c src/i18n.h \
	src/util.c src/util.h \
	src/json.c src/json.h \
	src/table.c src/table.h \
	src/render.c src/render.h \
	src/host.c src/host.h \
	src/host-write.c src/host-write.h \
	src/qemuconf.c src/qemuconf.h \
	src/virt.c src/virt.h \
	src/inspect.c src/inspect.h \
	src/diff.c src/diff.h \
	src/compat.c src/compat.h \
	src/domxml.c src/domxml.h src/domxml-priv.h \
	src/backing.c src/backing.h \
	src/plan.h src/plan-target-priv.h \
	src/plan-engine.c src/plan-engine.h \
	src/plan-target.c src/plan-target.h \
	src/share-request.c src/share-request.h \
	src/plan-domain.c src/plan-domain.h \
	src/plan-host.c src/plan-host.h \
	src/pages.c src/pages.h src/pages-priv.h \
	src/launch.c src/launch.h \
	src/cfg.c src/cfg.h \
	src/fleet.c src/fleet.h \
	src/doctor.c src/doctor.h src/doctor-priv.h \
	src/doctor-checks.c src/doctor-result.c src/doctor-logs.c \
	src/doctor-check-libvirt.c src/doctor-check-memory.c \
	src/doctor-check-hugepages.c src/doctor-check-daemon.c \
	src/doctor-check-share.c src/doctor-check-security.c \
	src/doctor-check-lifecycle.c src/doctor-check-live.c \
	src/fstab.c src/fstab.h \
	src/hotplug.c src/hotplug.h \
	src/plan-live.c src/plan-live.h \
	src/base64.c src/base64.h \
	src/agent.c src/agent.h src/agent-virt.c \
	src/agent-list.c src/agent-list.h

# Everything that links the core needs these.
VS_CORE_LIBS = src/libvirtshare.a $(XML_LIBS) $(LIBVIRT_QEMU_LIBS) $(LIBVIRT_LIBS) \
	$(INIH_LIBS) $(LTLIBINTL) -lpthread

bin_PROGRAMS += src/virtshare
src_virtshare_CPPFLAGS = $(src_libvirtshare_a_CPPFLAGS)
src_virtshare_SOURCES = \
	src/main.c \
	src/cli.c src/cli.h \
	src/cmd-inspect.c \
	src/cli-plan.c \
	src/cli-fleet.c \
	src/cmd-share.c \
	src/cmd-mount.c \
	src/cmd-shares.c \
	src/cmd-pages.c \
	src/cmd-daemon.c \
	src/cmd-apply.c \
	src/cmd-doctor.c
src_virtshare_LDADD = $(VS_TUI_LIBS) $(VS_CORE_LIBS)

man1_MANS = src/virtshare.1
man5_MANS = src/virtshare.ini.5
MAN_SED = $(SED) -e 's|@VERSION[@]|$(PACKAGE_VERSION)|g' \
	    -e 's|@SYSCONFDIR[@]|$(sysconfdir)|g' \
	    -e 's|@LOCALSTATEDIR[@]|$(localstatedir)|g' \
	    -e 's|@PKGDATADIR[@]|$(pkgdatadir)|g' \
	    -e 's|@LIBEXECDIR[@]|$(libexecdir)|g' \
	    -e 's|@SYSTEMDUNITDIR[@]|$(systemdsystemunitdir)|g' \
	    -e 's|@VHOSTUSERDIR[@]|$(vhostuserdir)|g'
src/virtshare.1: src/virtshare.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) src && $(MAN_SED) $(srcdir)/src/virtshare.1.in > $@
src/virtshare.ini.5: src/virtshare.ini.5.in Makefile
	$(AM_V_GEN)$(MKDIR_P) src && $(MAN_SED) $(srcdir)/src/virtshare.ini.5.in > $@
CLEANFILES += src/virtshare.1 src/virtshare.ini.5
EXTRA_DIST += src/virtshare.1.in src/virtshare.ini.5.in

# bash completion: asks the binary for commands and options (see the file).
bashcompletion_DATA = src/bash-completion/virtshare
src/bash-completion/virtshare: src/virtshare.bash-completion.in Makefile
	$(AM_V_GEN)$(MKDIR_P) src/bash-completion && $(SED) \
	    -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	    $(srcdir)/src/virtshare.bash-completion.in > $@
CLEANFILES += src/bash-completion/virtshare
EXTRA_DIST += src/virtshare.bash-completion.in

# The state directory (saved definitions, $VIRTSHARE_STATEDIR): only root
# reads the domain definitions kept there.
install-data-local: install-statedir
install-statedir:
	$(MKDIR_P) -m 0700 '$(DESTDIR)$(localstatedir)/lib/virtshare'
.PHONY: install-statedir
