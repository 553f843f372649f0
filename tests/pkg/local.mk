## SPDX-License-Identifier: GPL-2.0-or-later
## tests/pkg/local.mk: translations, manuals, the installed tree, the .deb
pkg_tests = tests/pkg/i18n.sh tests/pkg/install-layout.sh \
	tests/pkg/include-cycles.sh
TESTS += $(pkg_tests)
# Builds and installs the Debian packages (root, minutes): `make check-deb`,
# run by ./quickstart test after check-e2e.
DEB_TESTS = tests/pkg/deb-smoke.sh
EXTRA_DIST += $(pkg_tests) $(DEB_TESTS) tests/pkg/unmarked.pl \
	tests/pkg/include-cycles.pl \
	po/update-po.sh \
	debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/virtshare.install debian/virtshare.dirs \
	debian/virtshare-fsd.install

check-deb:
	@$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(DEB_TESTS)'
# Automake writes the rules of the tests in TESTS only: the same for this
# one, so that check-deb works in a build tree where nothing ran before.
tests/pkg/deb-smoke.sh.log: tests/pkg/deb-smoke.sh
	@p='tests/pkg/deb-smoke.sh'; \
	b='tests/pkg/deb-smoke.sh'; \
	$(am__check_pre) $(LOG_DRIVER) --test-name "$$f" \
	--log-file $$b.log --trs-file $$b.trs \
	$(am__common_driver_flags) $(AM_LOG_DRIVER_FLAGS) $(LOG_DRIVER_FLAGS) \
	-- $(LOG_COMPILE) "$$tst" $(AM_TESTS_FD_REDIRECT)
.PHONY: check-deb

# The installation directories, for tests/pkg/install-layout.sh.
print-install-dirs:
	@echo "bindir=$(bindir)"; echo "libexecdir=$(libexecdir)"; \
	echo "mandir=$(mandir)"; echo "pkgdatadir=$(pkgdatadir)"; \
	echo "localedir=$(localedir)"; echo "localstatedir=$(localstatedir)"; \
	echo "vhostuserdir=$(vhostuserdir)"; \
	echo "systemdsystemunitdir=$(systemdsystemunitdir)"; \
	echo "bashcompletiondir=$(bashcompletiondir)"
.PHONY: print-install-dirs
