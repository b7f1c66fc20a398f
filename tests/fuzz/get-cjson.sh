#!/bin/sh
# tests/fuzz/get-cjson.sh DIR - put cJSON's source, as Debian ships it
# (upstream release plus Debian's patches), in DIR: the fuzzers compile it
# in, instrumented, instead of linking the system library, which is not.
# Uses a private apt state so that the system's package lists stay as they
# are; nothing of cJSON is committed to this repository.
set -eu
dir="$1"
[ -f "$dir/cJSON.c" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(dpkg-query -W -f '${Version}' libcjson-dev 2>/dev/null || true)
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
cat >"$work/sources.list" <<LIST
deb-src http://deb.debian.org/debian $codename main
deb-src http://deb.debian.org/debian-security $codename-security main
LIST
mkdir -p "$work/lists/partial"
apt="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$work/lists"
# shellcheck disable=SC2086
if ! apt-get $apt update -qq >"$work/log" 2>&1 ||
	! (cd "$work" && apt-get $apt source --download-only "cjson${version:+=$version}" >>"$work/log" 2>&1); then
	cat "$work/log" >&2
	echo "get-cjson.sh: cannot download Debian's cjson source (the fuzzers need it)" >&2
	exit 1
fi
mkdir -p "$work/src"
tar -xzf "$work"/cjson_*.orig.tar.gz -C "$work/src" --strip-components=1
tar -xJf "$work"/cjson_*.debian.tar.xz -C "$work/src"
if [ -f "$work/src/debian/patches/series" ]; then
	grep -v '^#' "$work/src/debian/patches/series" | while read -r p; do
		[ -n "$p" ] && patch -s -d "$work/src" -p1 <"$work/src/debian/patches/$p"
	done
fi
mkdir -p "$dir/include/cjson"
cp "$work/src/cJSON.c" "$dir/cJSON.c"
cp "$work/src/cJSON.h" "$dir/include/cjson/cJSON.h"
echo "cJSON ${version:-source} in $dir"
