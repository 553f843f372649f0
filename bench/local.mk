## SPDX-License-Identifier: GPL-2.0-or-later
## bench/local.mk: `make bench`, ours against QEMU's virtiofsd (not in check)

EXTRA_PROGRAMS = bench/vu-rate bench/xml-bench
bench_vu_rate_SOURCES = bench/vu-rate.c
bench_vu_rate_LDADD = tests/daemon/libvuclient.a
bench_xml_bench_SOURCES = bench/xml-bench.c
CLEANFILES += bench/vu-rate$(EXEEXT) bench/xml-bench$(EXEEXT) \
	tests/e2e/bench-fio.txt
EXTRA_DIST += bench/fio-ab.sh bench/guest-bench.sh

# The domain XML engine on 100 KB, 1 MB and 15 MB definitions (seconds).
bench-xml: all bench/xml-bench$(EXEEXT)
	@echo "== virtshare share --xml on large domain definitions"
	VIRTSHARE_DATADIR='$(abs_top_srcdir)/templates' \
		./bench/xml-bench --virtshare='$(abs_top_builddir)/src/virtshare'

# The rate benchmark needs no guest; the fio one boots six (~8 minutes).
bench: all bench-xml bench/vu-rate$(EXEEXT) tests/e2e/vs-guest$(EXEEXT)
	@echo "== request rate through the vhost-user test client"
	./bench/vu-rate --ours='$(abs_top_builddir)/daemon/virtshare-fsd' \
		--reference='$(REFERENCE_VIRTIOFSD)'
	@echo "== fio and metadata jobs in a TCG guest"
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	VIRTSHARE_FSD='$(abs_top_builddir)/daemon/virtshare-fsd' \
	REFERENCE_VIRTIOFSD='$(REFERENCE_VIRTIOFSD)' \
		$(SHELL) $(abs_top_srcdir)/bench/fio-ab.sh
.PHONY: bench bench-xml
