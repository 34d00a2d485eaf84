# vosctl - see README.md.  `make run` and `make check` set everything up on Debian.
# Variables: SAN=1 (ASan+UBSan build in build-san/), VALGRIND=1 (tests under valgrind),
#            PREFIX, DESTDIR (install), BUILD (build directory).

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = yaml-0.1 libcmark-gfm libgit2 libcurl jansson
TESTPKGS = cmocka

# Debian packages the build and the tests need (pkg-config name or command -> package).
DEB_BUILD = build-essential pkg-config libyaml-dev libcmark-gfm-dev libcmark-gfm-extensions-dev \
            libgit2-dev libcurl4-openssl-dev libjansson-dev
DEB_TEST  = libcmocka-dev nginx fcgiwrap nmap pre-commit python3-jsonschema git openssl \
            apache2-utils valgrind man-db groff-base python3-yaml graphviz zsh

ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   ?= build
SANFLAGS =
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
WARN     = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wwrite-strings \
           -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
             -DVOS_VERSION='"$(VERSION)"' -iquote lib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lpthread
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

LIB_SRC  = $(sort $(wildcard lib/*.c))
CMD_SRC  = $(sort $(wildcard cmd/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ  = $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
VOSCTL   = $(BUILD)/vosctl

.PHONY: all deps test-deps run check bench fuzz install uninstall clean unit fuzz-deps
.DELETE_ON_ERROR:

all: deps $(VOSCTL)

# Installs what is missing (as root, with apt-get) or says exactly what to install.
deps:
	@sh tests/deps.sh build $(DEB_BUILD)
test-deps:
	@sh tests/deps.sh test $(DEB_BUILD) $(DEB_TEST)

$(BUILD)/%.o: %.c $(wildcard lib/*.h cmd/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libvos.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(VOSCTL): $(CMD_OBJ) $(BUILD)/libvos.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libvos.a $(LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libvos.a $(wildcard lib/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka 2>/dev/null) $(ALL_LDFLAGS) -o $@ $< \
	    $(BUILD)/libvos.a $(LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

# the fuzz regression replay shares the fuzz targets' entry points
$(BUILD)/tests/test_fuzz_regress: tests/fuzz/fuzz_entry.h

unit: $(UNIT_BIN)

run: all
	./$(VOSCTL) validate
	./$(VOSCTL) show

check: test-deps $(VOSCTL) $(UNIT_BIN)
	@BUILD=$(BUILD) VOSCTL=$(CURDIR)/$(VOSCTL) VALGRIND=$(VALGRIND) SAN=$(SAN) sh tests/run.sh

bench: test-deps $(VOSCTL) $(BUILD)/floor
	@BUILD=$(BUILD) VOSCTL=$(CURDIR)/$(VOSCTL) FLOOR=$(CURDIR)/$(BUILD)/floor sh tests/bench/run.sh

# libFuzzer targets (tests/fuzz/): clang, lib/*.c and the target under ASan+UBSan, in build-fuzz/.
# `make fuzz FUZZ_SECONDS=N` runs each target N seconds from the committed seed corpus and fails on
# a crash, hang, leak or out-of-memory (tests/fuzz/run.sh; reproducers land in build-fuzz/artifacts/).
DEB_FUZZ     = clang libclang-rt-14-dev
FUZZ_CC     ?= clang
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = page inventory config rules
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Wno-error -O2 -g -DVOS_PAGE_CHUNK=64 \
               $(FUZZ_SAN) -DVOS_VERSION='"$(VERSION)"' -iquote lib $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz: fuzz-deps $(FUZZ_BIN)
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)
fuzz-deps:
	@sh tests/deps.sh fuzz $(DEB_BUILD) $(DEB_FUZZ)

$(FUZZ_BUILD)/lib/%.o: lib/%.c $(wildcard lib/*.h) Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_entry.h $(FUZZ_LIB_OBJ) $(wildcard lib/*.h) Makefile
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(LIBS)

# the validate benchmark's floor: a bare libyaml event parse + cmark-gfm table parse (tests/bench/floor.c)
$(BUILD)/floor: tests/bench/floor.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

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
