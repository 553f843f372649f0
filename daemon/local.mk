## SPDX-License-Identifier: GPL-2.0-or-later
## daemon/local.mk: virtshare-fsd, the virtiofs daemon (links nothing of src/)

FSD_CPPFLAGS = -include $(top_builddir)/config.h -I$(top_srcdir)/daemon

# The daemon's modules, shared by the program and its unit tests.
FSD_CORE_SOURCES = \
	daemon/util.c daemon/util.h \
	daemon/log.c daemon/log.h \
	daemon/options.c daemon/options.h \
	daemon/mem.c daemon/mem.h \
	daemon/iov.c daemon/iov.h \
	daemon/virtqueue.c daemon/virtqueue.h \
	daemon/vhost-user.c daemon/vhost-user.h \
	daemon/lockwait.c daemon/lockwait.h \
	daemon/passthrough.c daemon/passthrough.h \
	daemon/fuse.c daemon/fuse.h \
	daemon/sandbox.c daemon/sandbox.h \
	daemon/seccomp.c daemon/fsd-seccomp.h

noinst_LIBRARIES += daemon/libfsd.a
daemon_libfsd_a_CPPFLAGS = $(FSD_CPPFLAGS)
daemon_libfsd_a_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(CAPNG_CFLAGS)
daemon_libfsd_a_SOURCES = $(FSD_CORE_SOURCES)

libexec_PROGRAMS += daemon/virtshare-fsd
daemon_virtshare_fsd_CPPFLAGS = $(FSD_CPPFLAGS)
daemon_virtshare_fsd_CFLAGS = $(AM_CFLAGS)
daemon_virtshare_fsd_SOURCES = daemon/main.c
daemon_virtshare_fsd_LDADD = daemon/libfsd.a $(SECCOMP_LIBS) $(CAPNG_LIBS) \
	-lpthread

# The vhost-user descriptor QEMU and libvirt look for, naming the
# installed binary.
vhostuser_DATA = daemon/60-virtshare-fsd.json
CLEANFILES += daemon/60-virtshare-fsd.json
daemon/60-virtshare-fsd.json: Makefile
	$(AM_V_GEN)$(MKDIR_P) daemon && \
	printf '{\n  "description": "virtshare virtiofs daemon",\n  "type": "fs",\n  "binary": "%s"\n}\n' \
		'$(libexecdir)/virtshare-fsd' > $@-t && mv -f $@-t $@

man8_MANS = daemon/virtshare-fsd.8
EXTRA_DIST += daemon/virtshare-fsd.8
