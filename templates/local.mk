## templates/local.mk: XML snippets, example INI files and the demo, installed in pkgdatadir
nobase_dist_pkgdata_DATA += \
	templates/demo/node.xml
# XML snippets new domain elements are made from (src/domxml.c).
dist_pkgdata_DATA += \
	templates/domain.xml \
	templates/filesystem.xml \
	templates/memorybacking.xml
# The demo host is a directory tree: install it whole.
install-data-local: install-demo-host
install-demo-host:
	$(MKDIR_P) '$(DESTDIR)$(pkgdatadir)/demo'
	cp -R '$(srcdir)/templates/demo/host' '$(DESTDIR)$(pkgdatadir)/demo/'
	chmod -R u+w '$(DESTDIR)$(pkgdatadir)/demo/host'
uninstall-local: uninstall-demo-host
uninstall-demo-host:
	rm -rf '$(DESTDIR)$(pkgdatadir)/demo/host'
EXTRA_DIST += templates/demo/host
.PHONY: install-demo-host uninstall-demo-host
