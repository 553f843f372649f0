## SPDX-License-Identifier: GPL-2.0-or-later
## templates/local.mk: XML snippets, example INI files and the demo.
## templates/X is installed as $(pkgdatadir)/X: $VIRTSHARE_DATADIR in the
## build tree points at templates/ and the same relative paths work.
demodir = $(pkgdatadir)/demo
dist_demo_DATA = templates/demo/node.xml
# XML snippets new domain elements are made from (src/domxml.c).
dist_pkgdata_DATA += \
	templates/domain.xml \
	templates/filesystem.xml \
	templates/memorybacking.xml
# Commented example INI files for `virtshare apply` (virtshare.ini(5)).
inidir = $(pkgdatadir)/ini
dist_ini_DATA = \
	templates/ini/memfd.ini \
	templates/ini/file.ini \
	templates/ini/hugepages.ini \
	templates/ini/numa.ini \
	templates/ini/external.ini \
	templates/ini/session.ini \
	templates/ini/live.ini \
	templates/ini/fleet.ini
# The demo host is a directory tree: install it whole.
install-data-local: install-demo-host
install-demo-host:
	$(MKDIR_P) '$(DESTDIR)$(demodir)'
	cp -R '$(srcdir)/templates/demo/host' '$(DESTDIR)$(demodir)/'
	chmod -R u+w '$(DESTDIR)$(demodir)/host'
uninstall-local: uninstall-demo-host
uninstall-demo-host:
	rm -rf '$(DESTDIR)$(demodir)/host'
EXTRA_DIST += templates/demo/host
.PHONY: install-demo-host uninstall-demo-host

# The systemd template of `virtshare daemon install-unit`, paths filled in.
systemdsystemunit_DATA = templates/virtshare-fsd@.service
templates/virtshare-fsd@.service: templates/virtshare-fsd@.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) templates && $(SED) \
	    -e 's|@libexecdir[@]|$(libexecdir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/templates/virtshare-fsd@.service.in > $@
CLEANFILES += templates/virtshare-fsd@.service
EXTRA_DIST += templates/virtshare-fsd@.service.in
