# smshim - give any program the environment of a SageMaker training job.
#
#   make                  build build/bin/smshim (and build/lib/libsmshim.so)
#   make check            build, then run every test (again under ASan/UBSan, a subset
#                         under valgrind, each fuzzer briefly); ends "N passed, N failed"
#   make demo             run the bundled example job through smshim
#   make bench            run the benchmarks in bench/ (figures: docs/performance.md)
#   make fuzz             run each libFuzzer target of tests/fuzz/ for FUZZ_SECONDS
#   make install          install under $(DESTDIR)$(PREFIX): bin/smshim, lib/libsmshim.so,
#                         the man page
#   make deps             install the Debian packages the build and the tests need
#   make clean
#
# Variables (set on the command line: make CC=clang):
#   CC         C compiler (gcc or clang)                         default: cc
#   CFLAGS     optimisation and debug flags                      default: -O2 -g
#   SANITIZE   build with -fsanitize=$(SANITIZE), e.g. address,undefined
#              (the hardening flags that conflict with it are left out;
#              never for libsmshim.so, which users preload without a sanitizer)
#   BUILD      output directory                                  default: build
#   PREFIX     install prefix (libsmshim.so's last place to look
#              for smshim: $(PREFIX)/bin/smshim)                  default: /usr/local
#   DESTDIR    staging root for packagers                        default: empty
#   VERSION    version string compiled in                        default: from include/smshim.h
#
# Compile-time switches (-D):
#   SMSHIM_VERSION   overrides the version in include/smshim.h (set by VERSION)
#   SMSHIM_PREFIX    libsmshim.so's install prefix (set by PREFIX)

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

all: $(BUILD)/bin/smshim $(BUILD)/lib/libsmshim.so

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

# ---- libsmshim.so, the preload library (shim/, docs/preload.md) ----
# Loaded into every process of an image: position-independent, nothing
# exported (-fvisibility=hidden and shim/libsmshim.map), only libc linked,
# and no sanitizer even with SANITIZE (users preload it without one).
SHIM_SRC := $(wildcard shim/*.c)
SHIM_OBJ := $(patsubst shim/%.c,$(BUILD)/obj/shim/%.o,$(SHIM_SRC))
SHIM_CFLAGS = $(BASE_CPPFLAGS) -DSMSHIM_PREFIX='"$(PREFIX)"' $(WARN) -D_FORTIFY_SOURCE=2 \
	-fstack-protector-strong -fPIC -fvisibility=hidden $(CFLAGS)
# Lazy binding (no -z now): binding all its imports at load would double
# what the library costs every process (bench/preload.sh), for functions
# only the entry process calls; -z noseparate-code: two mappings, not four.
SHIM_LDFLAGS := -shared -Wl,-soname,libsmshim.so -Wl,--version-script=shim/libsmshim.map \
	-Wl,-z,defs -Wl,-z,relro -Wl,-z,noseparate-code

$(BUILD)/lib/libsmshim.so: $(SHIM_OBJ) shim/libsmshim.map
	@mkdir -p $(@D)
	$(CC) $(SHIM_LDFLAGS) $(LDFLAGS) -o $@ $(SHIM_OBJ)

# rebuilt when PREFIX changes: the prefix is compiled in
$(BUILD)/obj/shim/%.o: shim/%.c include/smshim.h $(BUILD)/obj/shim/prefix
	$(CC) $(SHIM_CFLAGS) -MMD -c -o $@ $<

$(BUILD)/obj/shim/prefix: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX)' | cmp -s - $@ || echo '$(PREFIX)' >$@

.PHONY: FORCE
FORCE:

check: deps
	@tests/run

demo: deps all
	@examples/demo.sh

bench:
	@mk/deps.sh bench
	@$(MAKE) -s all
	@bench/run

deps:
	@mk/deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/bin/smshim $(DESTDIR)$(PREFIX)/bin/smshim
	install -d $(DESTDIR)$(PREFIX)/lib
	install -m 0644 $(BUILD)/lib/libsmshim.so $(DESTDIR)$(PREFIX)/lib/libsmshim.so
	install -m 0644 docs/smshim.1 $(DESTDIR)$(PREFIX)/share/man/man1/smshim.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/smshim $(DESTDIR)$(PREFIX)/share/man/man1/smshim.1
	rm -f $(DESTDIR)$(PREFIX)/lib/libsmshim.so

clean:
	rm -rf build

-include $(WRAPPER_OBJ:.o=.d)
-include $(SHIM_OBJ:.o=.d)

# ---- fuzzing (tests/fuzz/, clang's libFuzzer with ASan and UBSan) ----
#   make fuzz                    every target for FUZZ_SECONDS (default 300) each
#   make fuzz FUZZ_TARGETS=pyfmt one of them
# cJSON is compiled in from Debian's source (tests/fuzz/get-cjson.sh), so
# that the fuzzers see into the parser; libunistring and libarchive are the
# system's.  fuzz_extract guards every call that changes the file system.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DIR = $(BUILD)/fuzz
FUZZ_CJSON = $(FUZZ_DIR)/cjson
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -Iinclude -Iwrapper -Itests/fuzz -I$(FUZZ_CJSON)/include -I$(FUZZ_CJSON)/include/cjson $(DL_CFLAGS)
FUZZ_WRAPPER_SRC = $(filter-out wrapper/main.c,$(WRAPPER_SRC))

$(FUZZ_CJSON)/cJSON.c:
	tests/fuzz/get-cjson.sh $(FUZZ_CJSON)

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_WRAPPER_SRC) $(wildcard wrapper/*.h) $(FUZZ_CJSON)/cJSON.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_WRAPPER_SRC) $(FUZZ_CJSON)/cJSON.c \
		-Wl,-Bstatic -lunistring -Wl,-Bdynamic -ldl

fuzz-build: $(patsubst %,$(FUZZ_DIR)/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do echo "== fuzz_$$t, $(FUZZ_SECONDS) s"; \
		tests/fuzz/run.sh $(BUILD) $$t $(FUZZ_SECONDS) || exit 1; done

.PHONY: fuzz fuzz-build

fuzz-targets:
	@echo $(FUZZ_TARGETS)

.PHONY: fuzz-targets
