## SPDX-License-Identifier: GPL-2.0-or-later
## bench/local.mk: `make bench`, ours against QEMU's virtiofsd (not in check)

EXTRA_PROGRAMS = bench/vu-rate bench/vu-floor bench/xml-bench
bench_vu_rate_SOURCES = bench/vu-rate.c
bench_vu_rate_LDADD = tests/daemon/libvuclient.a
# The floor borrows the daemon's ring and memory code, nothing else.
bench_vu_floor_SOURCES = bench/vu-floor.c
bench_vu_floor_CPPFLAGS = $(FSD_CPPFLAGS)
bench_vu_floor_LDADD = daemon/libfsd.a -lpthread
bench_xml_bench_SOURCES = bench/xml-bench.c
CLEANFILES += bench/vu-rate$(EXEEXT) bench/vu-floor$(EXEEXT) \
	bench/xml-bench$(EXEEXT) tests/e2e/bench-fio.txt
EXTRA_DIST += bench/ab-lib.sh bench/fio-ab.sh bench/fuse-count.sh bench/guest-bench.sh \
	bench/README

# The domain XML engine on 100 KB, 1 MB and 15 MB definitions (seconds).
bench-xml: all bench/xml-bench$(EXEEXT)
	@echo "== virtshare share --xml on large domain definitions"
	VIRTSHARE_DATADIR='$(abs_top_srcdir)/templates' \
		./bench/xml-bench --virtshare='$(abs_top_builddir)/src/virtshare'

# `make bench`: the XML engine and the vhost-user part, no guest (a few
# minutes): floor, ours (default, inline, with 16 helpers) and the
# reference, table and memory. VU_RATE_FLAGS adds options of vu-rate
# (`make bench VU_RATE_FLAGS=--rounds=5`).
# `make bench-guest`: fio and metadata jobs in TCG guests, 3 alternating
# rounds of 2 boots (15-25 minutes), cache=none unless VS_BENCH_CACHE says.
bench: all bench-xml bench/vu-rate$(EXEEXT) bench/vu-floor$(EXEEXT)
	@echo "== vhost-user request rate and CPU: floor, ours, reference"
	./bench/vu-rate --ours='$(abs_top_builddir)/daemon/virtshare-fsd' \
		--floor='$(abs_top_builddir)/bench/vu-floor' \
		--reference='$(REFERENCE_VIRTIOFSD)' $(VU_RATE_FLAGS)

bench-guest: all tests/e2e/vs-guest$(EXEEXT)
	@echo "== fio and metadata jobs in a TCG guest"
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	VIRTSHARE_FSD='$(abs_top_builddir)/daemon/virtshare-fsd' \
	REFERENCE_VIRTIOFSD='$(REFERENCE_VIRTIOFSD)' \
	VS_BENCH_CACHE="$${VS_BENCH_CACHE:-none}" \
	VS_E2E_TIMEOUT="$${VS_E2E_TIMEOUT:-900}" \
		$(SHELL) $(abs_top_srcdir)/bench/fio-ab.sh
# `make bench-count`: the FUSE requests per opcode a TCG guest sends each
# daemon for the metadata jobs (2 boots, a few minutes; no timing).
bench-count: all tests/e2e/vs-guest$(EXEEXT)
	@echo "== FUSE requests per phase of the metadata jobs"
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	VIRTSHARE_FSD='$(abs_top_builddir)/daemon/virtshare-fsd' \
	REFERENCE_VIRTIOFSD='$(REFERENCE_VIRTIOFSD)' \
		$(SHELL) $(abs_top_srcdir)/bench/fuse-count.sh
.PHONY: bench bench-count bench-guest bench-xml
