#!/bin/sh
# mk/deps.sh [bench] - install the Debian packages smshim's build, tests
# and demo need (and with "bench", the benchmarks'), when any is missing.
# As root it runs apt-get itself; otherwise it prints the exact command and
# fails.
set -u

missing=""
need() { # need PACKAGE TEST...
	pkg="$1"
	shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
has() { command -v "$1"; }
hdr() { test -f "/usr/include/$1"; }

need gcc has gcc
need make has make
need pkg-config has pkg-config
need libcjson-dev pkg-config --exists libcjson
need libcurl4-openssl-dev pkg-config --exists libcurl
need libarchive-dev pkg-config --exists libarchive
need libunistring-dev hdr unistr.h
need python3 has python3
need bats has bats
# make check: the sanitizer pass, valgrind, the fuzzers (tests/run)
need clang has clang
need libclang-rt-dev sh -c 'ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
need valgrind has valgrind
need patch has patch
need xz-utils has xz
if [ "${1:-}" = bench ]; then
	need hyperfine has hyperfine
fi

[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing:$missing"
	sh -c "$cmd" || exit 1
	exit 0
fi
echo "smshim needs these Debian packages:$missing" >&2
echo "install them with:  sudo sh -c '$cmd'" >&2
exit 1
