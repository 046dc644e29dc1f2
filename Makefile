# waymark: build the generator, build the default site, run every test.
#
#   make site     build bin/waymark and render the default site into public/
#   make check    build and run every test suite (non-zero on any failure)
#   make install  PREFIX=/usr/local: waymark, the default theme, the man page
#   make screenshots  PNGs of a few pages, both themes, in screenshots/

PREFIX   ?= /usr/local
SHARED   ?= ../shared
CC       ?= cc
PKGS      = libcmark-gfm yaml-0.1 lua5.4 gdlib freetype2 fontconfig libmicrohttpd
DEB_PKGS  = libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev liblua5.4-dev valgrind \
            libgd-dev libfreetype-dev libfontconfig-dev fonts-dejavu-core check libmicrohttpd-dev pkg-config
WARN      = -std=c11 -Wall -Wextra -Werror
DEFS      = -D_DEFAULT_SOURCE -DWAYMARK_DATADIR='"$(PREFIX)/share/waymark"' \
            $(if $(GD_SONAME),-DWAYMARK_GD_SONAME='"$(GD_SONAME)"') \
            $(if $(MHD_SONAME),-DWAYMARK_MHD_SONAME='"$(MHD_SONAME)"')
OPT      ?= -O2 -g
# bin/waymark is linked with link-time optimization (across files: 6% fewer
# instructions in a rebuild); the objects keep ordinary code too, for the
# tests and benchmarks, which link without it.
LTO      ?= -flto=auto -ffat-lto-objects

# pkg-config is asked only once the deps step has made sure it is there.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lcmark-gfm -lpthread -lm
# waymark itself opens libgd only when it draws a chart (generator/gdlib.h)
# and libmicrohttpd only when it serves (generator/mhdlib.h): linked, they
# and the seventy libraries they need load on every run. Their file names
# come from the libraries being built against.
BIN_LIBS   = $(shell pkg-config --libs $(filter-out gdlib libmicrohttpd,$(PKGS)) 2>/dev/null) -lcmark-gfm-extensions -lcmark-gfm -lpthread -lm -ldl
soname     = $(shell readelf -d "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2)" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
GD_SONAME  = $(call soname,gdlib,libgd.so)
MHD_SONAME = $(call soname,libmicrohttpd,libmicrohttpd.so)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

CFLAGS_ALL = $(WARN) $(OPT) $(DEFS) $(PKG_CFLAGS) $(CFLAGS)

SRC     = $(sort $(wildcard generator/*.c))
LIBSRC  = $(filter-out generator/main.c,$(SRC))
TESTSRC = $(sort $(wildcard tests/unit/check_*.c))

OBJ      = $(SRC:generator/%.c=build/obj/%.o)
LIBOBJ   = $(LIBSRC:generator/%.c=build/obj/%.o)
ASANOBJ  = $(LIBSRC:generator/%.c=build/asan/%.o)
TESTS    = $(TESTSRC:tests/unit/%.c=build/tests/%)
ASANTESTS= $(TESTSRC:tests/unit/%.c=build/asan-tests/%)
ASAN     = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all site check deps unit unit-asan e2e-asan regress bad rebuilds rebuilds-random serve-random themes valgrind a11y a11y-deps screenshots install clean bench \
        incremental scaffold serve install-test weight parallel exports discovery check-json import fuzz
.DEFAULT_GOAL := all
.SECONDARY:

all: deps
	@$(MAKE) --no-print-directory bin/waymark

# Install what is missing (as root), or say exactly what to run and stop.
deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing build dependencies:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "waymark: missing build dependencies; run:" >&2; \
	    echo "  sudo apt-get install$$missing" >&2; exit 1; \
	  fi; \
	fi

site: all
	./bin/waymark build

bin/waymark: $(OBJ)
	@mkdir -p bin
	@echo "  LINK    $@"; $(CC) $(CFLAGS_ALL) $(LTO) -o $@ $(OBJ) $(BIN_LIBS)

build/obj/%.o: generator/%.c $(wildcard generator/*.h) | build/obj
	@echo "  CC      $<"; $(CC) $(CFLAGS_ALL) $(LTO) -MMD -c -o $@ $<

build/asan/%.o: generator/%.c $(wildcard generator/*.h) | build/asan
	@echo "  CC asan $<"; $(CC) $(CFLAGS_ALL) $(ASAN) -c -o $@ $<

build/tests/%: tests/unit/%.c $(LIBOBJ) tests/unit/test.h | build/tests
	@echo "  TEST    $@"; $(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< $(LIBOBJ) $(CHECK_LIBS) $(PKG_LIBS)

build/asan-tests/%: tests/unit/%.c $(ASANOBJ) tests/unit/test.h | build/asan-tests
	@echo "  TEST    $@"; $(CC) $(CFLAGS_ALL) $(ASAN) -Igenerator -o $@ $< $(ASANOBJ) $(CHECK_LIBS) $(PKG_LIBS)

# waymark itself built with ASan and UBSan, for e2e-asan
bin/waymark-asan: $(ASANOBJ) build/asan/main.o
	@mkdir -p bin
	@echo "  LINK    $@"; $(CC) $(CFLAGS_ALL) $(ASAN) -o $@ $(ASANOBJ) build/asan/main.o $(PKG_LIBS)

build/obj build/asan build/tests build/asan-tests:
	@mkdir -p $@

# Each suite prints Check's own summary line; any failure stops make.
unit: deps
	@$(MAKE) --no-print-directory $(TESTS)
	@set -e; for t in $(TESTS); do WAYMARK_SHARED=$(SHARED) CK_FORK=yes $$t; done

# The rebuild, incremental, thread, preview-server, bad-input, regression,
# scaffolding and theme tests, and a short random walk of edits under a
# running server, again with bin/waymark-asan: every build and rebuild they
# make, the server from its start to Ctrl-C, and every error of the catalog
# must be free of memory errors, undefined behaviour and leaks (but
# fontconfig's own, tests/lsan.supp).
e2e-asan: deps
	@$(MAKE) --no-print-directory bin/waymark-asan
	@set -e; for t in rebuilds incremental parallel serve bad regress scaffold themes check-json import; do \
	  WAYMARK=$(CURDIR)/bin/waymark-asan ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 sh tests/$$t.sh; done
	@WAYMARK=$(CURDIR)/bin/waymark-asan ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1 python3 tests/rebuilds-random.py --serve 15 1 2

unit-asan: deps
	@$(MAKE) --no-print-directory $(ASANTESTS)
	@set -e; for t in $(ASANTESTS); do \
	  WAYMARK_SHARED=$(SHARED) CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $$t; done

regress: all
	@sh tests/regress.sh

bad: all
	@sh tests/bad.sh

# The default and regression sites broken at random, 300 seeded cases, with
# bin/waymark-asan: no crash, no sanitizer report, every failure an error
# line and the output untouched, every build that works the same as one from
# nothing (tests/fuzz.py).
fuzz: deps
	@$(MAKE) --no-print-directory bin/waymark-asan
	@WAYMARK=$(CURDIR)/bin/waymark-asan python3 tests/fuzz.py

themes: all
	@sh tests/themes.sh

valgrind: all
	@sh tests/valgrind.sh

# Accessibility gate (tests/a11y/run.sh): axe-core and a keyboard walk in
# Debian's Chromium, and the Nu Html Checker, on the default site and on the
# example-community theme when it exists. npm never downloads a browser.
A11Y_NPM = tests/a11y/node_modules/.package-lock.json

a11y: all a11y-deps
	@sh tests/a11y/run.sh

a11y-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing a11y dependencies:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "waymark: missing a11y dependencies; run:" >&2; \
	    echo "  sudo apt-get install -y --no-install-recommends$$missing" >&2; exit 1; \
	  fi; \
	fi
	@command -v npm >/dev/null || { echo "waymark: npm not found; install Node.js 20 or later" >&2; exit 1; }
	@$(MAKE) --no-print-directory $(A11Y_NPM)

# One npm ci at a time (two makes in one tree would delete each other's
# files); the second finds the first's install up to date and keeps it.
$(A11Y_NPM): tests/a11y/package.json tests/a11y/package-lock.json
	@cd tests/a11y && flock /tmp/waymark-a11y-npm.lock sh -c '\
	  if [ node_modules/.package-lock.json -nt package.json ] && \
	     [ node_modules/.package-lock.json -nt package-lock.json ]; then exit 0; fi; \
	  echo "npm ci in tests/a11y"; \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund'
	@touch $@

# Draw 1,000 charts and print the time; CHARTS_DIR=/tmp/charts also writes
# every sample chart there at 1x and 2x to look at.
bench-charts: deps
	@$(MAKE) --no-print-directory build/bench/chart_bench
	@./build/bench/chart_bench $(CHARTS_DIR)

# Full and incremental build times of synthetic 1,000- and 10,000-page sites,
# waymark against Hugo (installed if missing when root), then the template
# bench. BENCH_SIZES="1000" BENCH_RUNS=1 BENCH_EDITS=1 for a quick run. Never fails on a
# missed target; fails when a build fails.
bench: all
	@$(MAKE) --no-print-directory build/bench/template_bench build/bench/chart_bench
	@sh tests/bench/bench.sh
	@./build/bench/template_bench
	@./build/bench/chart_bench

build/bench/%: tests/bench/%.c $(LIBOBJ) | build/bench
	@echo "  BENCH   $@"; $(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< $(LIBOBJ) $(PKG_LIBS)

build/bench:
	@mkdir -p $@

incremental: all
	@sh tests/incremental.sh

rebuilds: all
	@sh tests/rebuilds.sh

rebuilds-random: all
	@python3 tests/rebuilds-random.py

# The same walk while waymark serve runs on the site (its rebuilds list
# again only what its watch saw change): after each step, its output must
# be what a build from nothing writes.
serve-random: all
	@python3 tests/rebuilds-random.py --serve

scaffold: all
	@sh tests/scaffold.sh

serve: all
	@WAYMARK=$(CURDIR)/bin/waymark sh tests/serve.sh

install-test: all
	@sh tests/install.sh

weight: all
	@sh tests/weight.sh

parallel: all
	@sh tests/parallel.sh

exports: all
	@WAYMARK_SHARED=$(SHARED) sh tests/exports.sh

discovery: all
	@sh tests/discovery.sh

check-json: all
	@sh tests/check-json.sh

import: all
	@WAYMARK_SHARED=$(SHARED) sh tests/import.sh

check: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory e2e-asan
	@$(MAKE) --no-print-directory regress
	@$(MAKE) --no-print-directory bad
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory incremental
	@$(MAKE) --no-print-directory rebuilds
	@$(MAKE) --no-print-directory rebuilds-random
	@$(MAKE) --no-print-directory scaffold
	@$(MAKE) --no-print-directory serve
	@$(MAKE) --no-print-directory serve-random
	@$(MAKE) --no-print-directory install-test
	@$(MAKE) --no-print-directory parallel
	@$(MAKE) --no-print-directory weight
	@$(MAKE) --no-print-directory exports
	@$(MAKE) --no-print-directory discovery
	@$(MAKE) --no-print-directory check-json
	@$(MAKE) --no-print-directory import
	@$(MAKE) --no-print-directory themes
	@$(MAKE) --no-print-directory valgrind
	@$(MAKE) --no-print-directory a11y
	@echo "make check: every suite passed"

# PNGs of a few pages at 1280 and 320 px wide in screenshots/ (not in git),
# in Debian's Chromium, which is installed if missing when run as root.
screenshots: all
	@python3 tests/screenshots.py

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/waymark/themes \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 bin/waymark $(DESTDIR)$(PREFIX)/bin/waymark
	cp -R themes/default $(DESTDIR)$(PREFIX)/share/waymark/themes/
	install -m 644 docs/waymark.1 $(DESTDIR)$(PREFIX)/share/man/man1/waymark.1

clean:
	rm -rf build bin

-include $(OBJ:.o=.d)
