#!/usr/bin/env bats
# Unpacking the user's code (wrapper/extract.c, driven by
# tests/unit/extract_tool.c): a good archive comes out whole; a hostile,
# broken or oversized one is refused with one line naming the entry and a
# documented exit code, and nothing is ever written outside the destination.
# The archives are built here by tests/fixtures/make_tarball.py.

load helpers

TOOL="$ROOT/${BUILD:-build}/tests/extract_tool"

setup() {
	# two levels above DEST, so that an escape by "../" or "../../" shows
	OUTER="$BATS_TEST_TMPDIR/outer"
	WORK="$OUTER/work"
	DEST="$WORK/dest"
	mkdir -p "$DEST"
	ARCHIVE="$BATS_TEST_TMPDIR/code.tar.gz"
	unset SMSHIM_CODE_MAX_BYTES SMSHIM_CODE_MAX_FILES
}

teardown() {
	if [ -n "${MNT:-}" ] && mountpoint -q "$MNT"; then
		umount "$MNT"
	fi
	local pid
	for pid in ${TOOL_PID:-} ${WRITER_PID:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# archive KIND [ARG]: build $ARCHIVE (see make_tarball.py for the kinds)
archive() {
	python3 "$FIXTURES/make_tarball.py" "$1" "$ARCHIVE" ${2+"$2"}
}

unpack() {
	run --separate-stderr "$TOOL" "$ARCHIVE" "$DEST"
}

# unpacked: the tool ended with 0 and said nothing
unpacked() {
	unpack
	if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
		echo "exit status $status, stderr: $stderr" >&2
		return 1
	fi
}

# refused CODE TEXT: the tool ended with CODE and one stderr line holding TEXT
refused() {
	unpack
	if [ "$status" -ne "$1" ]; then
		echo "exit status $status, expected $1; stderr: $stderr" >&2
		return 1
	fi
	assert_one_error_line "$2"
}

# nothing_outside: the directories above DEST hold only DEST
nothing_outside() {
	assert_eq "$(ls -A "$OUTER")" work
	assert_eq "$(ls -A "$WORK")" dest
}

# tree: every path under DEST, sorted, one line
tree() {
	(cd "$DEST" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')
}

# ------------------------------------------------------------ good archives

@test "a good .tar.gz: tree, modes, times, links and UTF-8 names as archived" {
	chmod 0751 "$DEST"
	archive good
	unpacked
	assert_eq "$(tree)" "./bin ./bin/run.sh ./bin/up ./données ./données/été.txt ./lib ./lib/data ./lib/data/file.txt ./lib/hard ./lib/link "
	assert_eq "$(stat -c %a "$DEST/bin/run.sh")" 755
	assert_eq "$("$DEST/bin/run.sh")" run
	assert_eq "$(stat -c %a "$DEST/lib/data/file.txt")" 640
	assert_eq "$(stat -c %Y "$DEST/lib/data/file.txt")" 1700000000
	assert_eq "$(readlink "$DEST/lib/link")" data/file.txt
	assert_eq "$(cat "$DEST/lib/link")" data
	assert_eq "$(readlink "$DEST/bin/up")" ../lib/data
	assert_eq "$(stat -c %i "$DEST/lib/hard")" "$(stat -c %i "$DEST/lib/data/file.txt")"
	assert_eq "$(cat "$DEST/données/été.txt")" utf-8
	# the "./" entry (mode 0700) is the destination itself: skipped
	assert_eq "$(stat -c %a "$DEST")" 751
	nothing_outside
}

@test "a plain (uncompressed) .tar unpacks the same" {
	archive plain
	unpacked
	assert_eq "$(stat -c %a "$DEST/bin/run.sh")" 755
	assert_eq "$(readlink "$DEST/lib/link")" data/file.txt
	assert_eq "$(cat "$DEST/données/été.txt")" utf-8
	nothing_outside
}

# ---------------------------------------------------------- hostile names

@test "an absolute path: 65, named, not written" {
	archive absolute "$WORK/abs"
	refused 65 "$ARCHIVE: entry \"$WORK/abs\": absolute path: refused"
	[ ! -e "$WORK/abs" ]
	nothing_outside
}

@test "a \"../x\" entry: 65, named, not written" {
	archive dotdot
	refused 65 "$ARCHIVE: entry \"../x\": \"..\" in the path: refused"
	[ ! -e "$WORK/x" ]
	nothing_outside
}

@test "an \"a/../../x\" entry: 65, named, not written" {
	archive dotdot-nested
	refused 65 "$ARCHIVE: entry \"a/../../x\": \"..\" in the path: refused"
	[ ! -e "$WORK/x" ] && [ ! -e "$DEST/x" ]
	nothing_outside
}

@test "a name with a newline and a control character is shown escaped, on one line" {
	archive control-name
	refused 65 "$ARCHIVE: entry \"../evil\\nname\\u0001\": \"..\" in the path: refused"
	assert_eq "$(ls -A "$DEST")" ""
	nothing_outside
}

# ------------------------------------------------------------------ links

@test "a symbolic link to /etc/passwd: 65, named, not created" {
	archive symlink-absolute
	refused 65 "$ARCHIVE: entry \"passwd\": symbolic link to \"/etc/passwd\": absolute target: refused"
	[ ! -L "$DEST/passwd" ]
	nothing_outside
}

@test "a symbolic link a/b -> ../../x: 65, named, not created" {
	archive symlink-out
	refused 65 "$ARCHIVE: entry \"a/b\": symbolic link to \"../../x\": leads outside the archive's directory: refused"
	[ ! -L "$DEST/a/b" ]
	nothing_outside
}

@test "a symbolic link going up through another link (a/b -> .., s -> a/b/../..): 65" {
	archive symlink-chain
	refused 65 "$ARCHIVE: entry \"s\": symbolic link to \"a/b/../..\": \"..\" after a name, which a link could redirect: refused"
	[ ! -L "$DEST/s" ]
	nothing_outside
}

@test "a hard link to ../x: 65, named, not created" {
	archive hardlink-out
	refused 65 "$ARCHIVE: entry \"h\": hard link to \"../x\": \"..\" in the target: refused"
	[ ! -e "$DEST/h" ]
	nothing_outside
}

@test "a hard link to /etc/passwd: 65, named, not created" {
	archive hardlink-absolute
	refused 65 "$ARCHIVE: entry \"h\": hard link to \"/etc/passwd\": absolute target: refused"
	[ ! -e "$DEST/h" ]
	nothing_outside
}

@test "a hard link that moves a symbolic link where its target leads outside: 65" {
	archive hardlink-symlink
	refused 65 "$ARCHIVE: entry \"h\": hard link to a symbolic link to \"../x\": leads outside the archive's directory: refused"
	[ ! -L "$DEST/h" ]
	nothing_outside
}

@test "a file written through a symbolic link (l -> sub, then l/f): 65" {
	archive through-symlink
	refused 65 "$ARCHIVE: entry \"l/f\": Cannot extract through symlink"
	[ ! -e "$DEST/sub/f" ]
	nothing_outside
}

# ------------------------------------------------------- special files

@test "a character device: 65, named, not created" {
	archive chardev
	refused 65 "$ARCHIVE: entry \"null\": character device: refused"
	[ ! -e "$DEST/null" ]
	nothing_outside
}

@test "a block device: 65, named, not created" {
	archive blockdev
	refused 65 "$ARCHIVE: entry \"sda\": block device: refused"
	[ ! -e "$DEST/sda" ]
	nothing_outside
}

@test "a FIFO: 65, named, not created" {
	archive fifo
	refused 65 "$ARCHIVE: entry \"pipe\": FIFO: refused"
	[ ! -e "$DEST/pipe" ]
	nothing_outside
}

# ----------------------------------------------------------------- limits

@test "SMSHIM_CODE_MAX_FILES: 50 entries pass a limit of 50" {
	archive many 50
	SMSHIM_CODE_MAX_FILES=50 unpacked
	assert_eq "$(ls -A "$DEST" | wc -l)" 50
}

@test "SMSHIM_CODE_MAX_FILES: 50 entries fail a limit of 49, with no 50th file" {
	archive many 50
	SMSHIM_CODE_MAX_FILES=49 refused 65 \
		"$ARCHIVE: more than 49 files unpacked: refused (SMSHIM_CODE_MAX_FILES raises the limit)"
	assert_eq "$(ls -A "$DEST" | wc -l)" 49
	nothing_outside
}

@test "SMSHIM_CODE_MAX_BYTES: a 2 MiB file passes a limit of 2 MiB" {
	archive big 2097152
	SMSHIM_CODE_MAX_BYTES=2097152 unpacked
	assert_eq "$(stat -c %s "$DEST/big.bin")" 2097152
}

@test "SMSHIM_CODE_MAX_BYTES: a 2 MiB file fails a limit one byte smaller, before it is written" {
	archive big 2097152
	SMSHIM_CODE_MAX_BYTES=2097151 refused 65 \
		"$ARCHIVE: more than 2097151 bytes unpacked: refused (SMSHIM_CODE_MAX_BYTES raises the limit)"
	[ ! -e "$DEST/big.bin" ]
	nothing_outside
}

# ------------------------------------------------------- broken archives

@test "a truncated .tar.gz: 65, not a valid tar archive" {
	archive truncated
	refused 65 "$ARCHIVE: not a valid tar archive: "
	nothing_outside
}

@test "a corrupt gzip stream: 65, not a valid tar archive" {
	archive corrupt-gzip
	refused 65 "$ARCHIVE: not a valid tar archive: "
	assert_eq "$(ls -A "$DEST")" ""
	nothing_outside
}

@test "a file that is not an archive: 65, not a valid tar archive" {
	archive not-archive
	refused 65 "$ARCHIVE: not a valid tar archive: Unrecognized archive format"
	assert_eq "$(ls -A "$DEST")" ""
}

@test "an empty file: 65, not a valid tar archive" {
	archive empty
	refused 65 "$ARCHIVE: not a valid tar archive: it is empty"
	assert_eq "$(ls -A "$DEST")" ""
}

@test "a missing archive: 66, cannot open" {
	refused 66 "$ARCHIVE: cannot open: No such file or directory"
}

@test "a missing destination: 73, named" {
	archive good
	rmdir "$DEST"
	refused 73 "$DEST: No such file or directory"
	[ ! -e "$DEST" ]
}

# ------------------------------------------------------ the system says no

@test "a full disk: 73, the file and \"No space left on device\"" {
	archive big 4194304
	MNT="$DEST"
	mount -t tmpfs -o size=1m tmpfs "$MNT"
	refused 73 "$DEST/big.bin: No space left on device"
	nothing_outside
}

@test "SIGTERM while unpacking: 143, and the unpacking stops" {
	local pipe="$BATS_TEST_TMPDIR/pipe" err="$BATS_TEST_TMPDIR/err"
	mkfifo "$pipe"
	python3 "$FIXTURES/make_tarball.py" slow "$pipe" 3>&- &
	WRITER_PID=$!
	"$TOOL" "$pipe" "$DEST" 2>"$err" 3>&- &
	TOOL_PID=$!
	# wait until it is in the middle of the 1 GiB file
	for _ in $(seq 100); do
		[ -s "$DEST/slow.bin" ] && break
		sleep 0.1
	done
	[ -s "$DEST/slow.bin" ]
	kill -TERM "$TOOL_PID"
	local rc=0
	wait "$TOOL_PID" || rc=$?
	TOOL_PID=
	assert_eq "$rc" 143
	grep -q "smshim ERROR stopped by SIGTERM while unpacking $pipe\$" "$err"
	# what was written, not the length libarchive gives the file as it closes
	[ "$(($(stat -c '%b * %B' "$DEST/slow.bin")))" -lt $((1 << 30)) ]
	nothing_outside
}
