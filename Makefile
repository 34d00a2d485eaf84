# vosctl - see README.md.  `make run` and `make check` set everything up on Debian (as root).
#
# Targets: all (default: only builds, never installs), deps (installs the build packages),
#          run, check, bench, fuzz (install what they need, then run), install, uninstall, clean,
#          print-deps (the Debian packages each target installs, one "KIND: PKG..." line each).
# Variables: SAN=1 (ASan+UBSan build in build-san/), VALGRIND=1 (tests under valgrind),
#            DEVELOPER=1 (warnings are errors: on by default for check, bench and fuzz),
#            CFLAGS, CPPFLAGS, LDFLAGS (passed through), PREFIX, DESTDIR (install), BUILD (build directory).

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = yaml-0.1 libcmark-gfm libgit2 libcurl jansson libcares
TESTPKGS = cmocka

# Debian packages each target needs. Every program a test, benchmark or tool calls comes from one of
# these lists or from an Essential package (t0000-test-deps checks that, so a test can never rely on
# something installed by hand).
DEB_BUILD = build-essential pkg-config libyaml-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
            libgit2-dev libcurl4-openssl-dev libjansson-dev libc-ares-dev
DEB_TEST  = libcmocka-dev nginx fcgiwrap nmap pre-commit python3 python3-jsonschema python3-yaml git \
            openssl apache2-utils valgrind man-db groff-base graphviz zsh curl strace time \
            iproute2 util-linux dnsmasq-base libxml2-utils prometheus prometheus-blackbox-exporter
DEB_BENCH = time nmap git python3 iproute2 util-linux prometheus curl dnsmasq-base
DEB_FUZZ  = clang libclang-rt-14-dev

ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS =
endif

# git's DEVELOPER pattern: a user's plain `make` with a newer compiler never fails on a new warning;
# the test suite, benchmarks and CI build with -Werror.
ifneq ($(filter check check-build bench bench-build fuzz unit,$(MAKECMDGOALS)),)
DEVELOPER ?= 1
endif
WARN     = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wwrite-strings \
           -Wno-missing-field-initializers
ifeq ($(DEVELOPER),1)
WARN    += -Werror
endif

CFLAGS  ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
# pkg-config is asked once; without it (or without a library) the build stops naming what is missing
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcmark-gfm.pc lists the extensions library on Debian; add it only where it does not
ifeq ($(filter -lcmark-gfm-extensions,$(PKG_LIBS)),)
PKG_LIBS   += -lcmark-gfm-extensions
endif
BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread -iquote lib -iquote $(BUILD)
ALL_CFLAGS  = $(BASE_CFLAGS) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -pthread
LIBS        = $(PKG_LIBS)

LIB_SRC  = $(sort $(wildcard lib/*.c))
CMD_SRC  = $(sort $(wildcard cmd/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
VOSCTL   = $(BUILD)/vosctl
FLAGS_FILE   = $(BUILD)/BUILD-FLAGS
VERSION_FILE = $(BUILD)/version.h

.PHONY: all deps test-deps bench-deps fuzz-deps pkgcheck run check bench fuzz unit check-build bench-build \
        install uninstall \
        clean print-deps FORCE
.DELETE_ON_ERROR:

all: $(VOSCTL)

# ---- dependencies: installed only by the targets that say so, never by a plain `make`
deps:
	@sh tests/deps.sh build $(DEB_BUILD)
test-deps:
	@sh tests/deps.sh test $(DEB_BUILD) $(DEB_TEST)
bench-deps:
	@sh tests/deps.sh bench $(DEB_BUILD) $(DEB_BENCH)
fuzz-deps:
	@sh tests/deps.sh fuzz $(DEB_BUILD) $(DEB_FUZZ)
print-deps:
	@echo "build: $(DEB_BUILD)"
	@echo "test: $(DEB_TEST)"
	@echo "bench: $(DEB_BENCH)"
	@echo "fuzz: $(DEB_FUZZ)"

# every library through pkg-config, or a message naming exactly the missing ones (any distribution)
pkgcheck:
	@missing=""; for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "vosctl: pkg-config cannot find:$$missing" >&2; \
		echo "vosctl: install their development packages (on Debian, as root: make deps)" >&2; exit 1; fi

# ---- build. Objects depend on the flags they were built with (git's GIT-CFLAGS) and on the headers
# the compiler saw (-MMD -MP); only lib/version.c sees VERSION.
$(FLAGS_FILE): FORCE
	@mkdir -p $(dir $@)
	@flags='$(subst ','\'',$(CC) $(ALL_CFLAGS) | $(ALL_LDFLAGS) $(LIBS))'; \
	if [ "$$flags" != "$$(cat $@ 2>/dev/null)" ]; then echo "$$flags" >$@; fi

$(VERSION_FILE): VERSION
	@mkdir -p $(dir $@)
	@printf '#define VOS_VERSION "%s"\n' "$$(cat VERSION)" >$@

$(BUILD)/lib/version.o: $(VERSION_FILE)

$(BUILD)/%.o: %.c $(FLAGS_FILE) | pkgcheck
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libvos.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(VOSCTL): $(CMD_OBJ) $(BUILD)/libvos.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libvos.a $(LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libvos.a $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP $(shell pkg-config --cflags $(TESTPKGS) 2>/dev/null) $(ALL_LDFLAGS) -o $@ $< \
	    $(BUILD)/libvos.a $(LIBS) $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

-include $(wildcard $(BUILD)/lib/*.d $(BUILD)/cmd/*.d $(BUILD)/tests/*.d)

unit: $(UNIT_BIN)
check-build: $(VOSCTL) $(UNIT_BIN)
	@:
bench-build: $(VOSCTL) $(BUILD)/floor $(BUILD)/listen
	@:

# ---- the README's two commands. The install step runs first, then a fresh make builds, so that
# `make -j` never compiles before the libraries are there.
run: deps
	@$(MAKE) --no-print-directory $(VOSCTL)
	./$(VOSCTL) validate
	./$(VOSCTL) show

check: test-deps
	@$(MAKE) --no-print-directory DEVELOPER=$(DEVELOPER) check-build
	@BUILD=$(BUILD) VOSCTL=$(CURDIR)/$(VOSCTL) VALGRIND=$(VALGRIND) SAN=$(SAN) sh tests/run.sh

bench: bench-deps
	@$(MAKE) --no-print-directory DEVELOPER=$(DEVELOPER) bench-build
	@BUILD=$(BUILD) VOSCTL=$(CURDIR)/$(VOSCTL) FLOOR=$(CURDIR)/$(BUILD)/floor LISTEN=$(CURDIR)/$(BUILD)/listen sh tests/bench/run.sh

# the validate benchmark's floor: a bare libyaml event parse + cmark-gfm table parse (tests/bench/floor.c)
$(BUILD)/floor: tests/bench/floor.c $(FLAGS_FILE) | pkgcheck
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP $(ALL_LDFLAGS) -o $@ $< $(LIBS)

# the probe benchmarks' loopback listeners (tests/bench/listen.c: listen.py's tcp and hang kinds, in C)
$(BUILD)/listen: tests/bench/listen.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# libFuzzer targets (tests/fuzz/): clang, lib/*.c and the target under ASan+UBSan, in build-fuzz/.
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds from the committed seed corpus and fails on
# a crash, hang, leak or out-of-memory (tests/fuzz/run.sh; reproducers land in build-fuzz/artifacts/).
FUZZ_CC     ?= clang
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = page inventory config rules pagediff
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread $(WARN) -Wno-error -O2 -g \
               -DVOS_PAGE_CHUNK=64 $(FUZZ_SAN) -iquote lib -iquote $(FUZZ_BUILD) $(PKG_CFLAGS)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

$(FUZZ_BUILD)/version.h: VERSION
	@mkdir -p $(dir $@)
	@printf '#define VOS_VERSION "%s"\n' "$$(cat VERSION)" >$@
$(FUZZ_BUILD)/lib/version.o: $(FUZZ_BUILD)/version.h

$(FUZZ_BUILD)/lib/%.o: lib/%.c Makefile | pkgcheck
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_entry.h $(FUZZ_LIB_OBJ) Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) -pthread $(LIBS)

-include $(wildcard $(FUZZ_BUILD)/lib/*.d $(FUZZ_BUILD)/*.d)

install: $(VOSCTL)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 $(VOSCTL) $(DESTDIR)$(PREFIX)/bin/vosctl
	if [ -f docs/vosctl.1 ]; then install -m 644 docs/vosctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/vosctl.1; fi
	if [ -f docs/completion/vosctl.bash ]; then install -m 644 docs/completion/vosctl.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vosctl; fi
	if [ -f docs/completion/_vosctl ]; then install -m 644 docs/completion/_vosctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_vosctl; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vosctl $(DESTDIR)$(PREFIX)/share/man/man1/vosctl.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/vosctl $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_vosctl

clean:
	rm -rf build build-san $(FUZZ_BUILD)
