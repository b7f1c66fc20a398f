# smshim - give any program the environment of a SageMaker training job.
#
#   make                  build build/bin/smshim (and build/lib/libsmshim.so)
#   make check            build, then run every test; ends with "N passed, N failed"
#   make demo             run the bundled example job through smshim
#   make bench            run the benchmarks in bench/ (figures: docs/performance.md)
#   make install          install under $(DESTDIR)$(PREFIX)
#   make deps             install the Debian packages the build and the tests need
#   make clean
#
# Variables (set on the command line: make CC=clang):
#   CC         C compiler (gcc or clang)                         default: cc
#   CFLAGS     optimisation and debug flags                      default: -O2 -g
#   SANITIZE   build with -fsanitize=$(SANITIZE), e.g. address,undefined
#              (the hardening flags that conflict with it are left out)
#   BUILD      output directory                                  default: build
#   PREFIX     install prefix                                    default: /usr/local
#   DESTDIR    staging root for packagers                        default: empty
#   VERSION    version string compiled in                        default: from include/smshim.h
#
# Compile-time switches (-D):
#   SMSHIM_VERSION   overrides the version in include/smshim.h (set by VERSION)

CC ?= cc
CFLAGS ?= -O2 -g
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
SANITIZE ?=

PKG_CONFIG ?= pkg-config
PKGS := libcjson
# libcurl and libarchive are opened with dlopen() when a job needs them
# (wrapper/dl.c): only their headers are needed to build
DL_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcurl libarchive 2>/dev/null)

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-nonliteral -Wvla
BASE_CPPFLAGS := -D_GNU_SOURCE -Iinclude $(if $(VERSION),-DSMSHIM_VERSION='"$(VERSION)"')
ifeq ($(SANITIZE),)
HARDEN_CFLAGS := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LDFLAGS := -pie -Wl,-z,relro -Wl,-z,now
else
HARDEN_CFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all -fPIE
HARDEN_LDFLAGS := -fsanitize=$(SANITIZE) -pie -Wl,-z,relro -Wl,-z,now
endif

PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS = $(BASE_CPPFLAGS) $(WARN) $(HARDEN_CFLAGS) $(PKG_CFLAGS) $(DL_CFLAGS) $(CFLAGS)
# libunistring is linked statically: loading its 2 MB and relocating it
# costs every smshim start about 0.3 ms (docs/performance.md)
WRAPPER_LIBS = $(PKG_LIBS) -Wl,-Bstatic -lunistring -Wl,-Bdynamic -ldl

WRAPPER_SRC := $(wildcard wrapper/*.c)
WRAPPER_OBJ := $(patsubst wrapper/%.c,$(BUILD)/obj/wrapper/%.o,$(WRAPPER_SRC))
# everything but main: what the unit tests and fuzzers link against
WRAPPER_LIB_OBJ := $(filter-out $(BUILD)/obj/wrapper/main.o,$(WRAPPER_OBJ))

UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all check demo bench install uninstall deps clean unit
.DELETE_ON_ERROR:

all: $(BUILD)/bin/smshim

$(BUILD)/bin/smshim: $(WRAPPER_OBJ)
	@mkdir -p $(@D)
	$(CC) $(HARDEN_LDFLAGS) $(LDFLAGS) -o $@ $^ $(WRAPPER_LIBS)

$(BUILD)/obj/wrapper/%.o: wrapper/%.c $(wildcard wrapper/*.h) include/smshim.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(WRAPPER_LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Iwrapper $(HARDEN_LDFLAGS) -o $@ $< $(WRAPPER_LIB_OBJ) $(WRAPPER_LIBS)

unit: $(UNIT_BIN)

check: deps
	@tests/run

demo: deps all
	@examples/demo.sh

bench: deps all
	@bench/run

deps:
	@mk/deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/bin/smshim $(DESTDIR)$(PREFIX)/bin/smshim
	install -m 0644 docs/smshim.1 $(DESTDIR)$(PREFIX)/share/man/man1/smshim.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/smshim $(DESTDIR)$(PREFIX)/share/man/man1/smshim.1

clean:
	rm -rf build

-include $(WRAPPER_OBJ:.o=.d)
