#!/usr/bin/env bats
# User code from S3: signed, streamed, verified, retried (wrapper/s3.c,
# wrapper/awscreds.c, docs/s3.md).
#
# A real S3-compatible server on loopback: moto (from python3 on PATH),
# started once for the file on a port the kernel picks, with signature
# checking on (INITIAL_NO_AUTH_ACTION_COUNT=4: only the set-up's first
# four calls may go unsigned).  Objects are uploaded with the aws CLI.
# Faults come from tests/fixtures/s3/proxy.py in front of moto, credentials
# from tests/fixtures/s3/metadata.py; every server listens on 127.0.0.1
# and is killed in teardown, whatever happened.  Nothing here contacts an
# address outside 127.0.0.0/8: instance metadata is off unless a test
# points it at loopback, and the endpoint is always moto or the proxy.

load helpers

case "${BUILD:-build}" in
/*) FETCH="$BUILD/tests/fetch_tool" ;;
*) FETCH="$ROOT/${BUILD:-build}/tests/fetch_tool" ;;
esac
S3FIX="$FIXTURES/s3"
BUCKET=smshim-code
SOURCE="s3://$BUCKET/source/sourcedir.tar.gz"
BIG="s3://$BUCKET/big/sourcedir.tar.gz"

# ------------------------------------------------------------- servers

# start_server DIR NAME [VAR=VALUE...] SCRIPT ARGS...: python3 SCRIPT
# DIR/NAME.port ARGS... in the background, with the variables set; sets
# PORT once the port accepts connections.
start_server() {
	local dir="$1" name="$2" vars=() i
	shift 2
	while [[ "$1" == *=* ]]; do
		vars+=("$1")
		shift
	done
	local script="$1"
	shift
	env "${vars[@]}" python3 "$script" "$dir/$name.port" "$@" >"$dir/$name.log" 2>&1 3>&- &
	echo $! >"$dir/$name.pid"
	for ((i = 0; i < 200; i++)); do
		if [ -s "$dir/$name.port" ]; then
			PORT=$(cat "$dir/$name.port")
			# a plain TCP connect: an HTTP probe would count as a moto call
			(exec 9<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
		fi
		kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || break
		sleep 0.05
	done
	echo "$name did not start:" >&2
	cat "$dir/$name.log" >&2
	return 1
}

# stop_servers DIR: kill every server started in DIR
stop_servers() {
	local pid
	for pid in "$1"/*.pid; do
		[ -e "$pid" ] || continue
		kill "$(cat "$pid")" 2>/dev/null || true
		rm -f "$pid"
	done
}

require_tools() {
	local missing=""
	python3 -c 'import moto.server, boto3, flask' 2>/dev/null || missing="$missing moto[server] boto3"
	command -v moto_server >/dev/null || missing="$missing moto[server]"
	command -v aws >/dev/null || missing="$missing awscli"
	if [ -n "$missing" ]; then
		echo "tests/s3.bats needs a local S3 server and the aws CLI, missing:$missing" >&2
		echo "install them into the python3 on PATH:  python3 -m pip install 'moto[server]' boto3 awscli" >&2
		return 1
	fi
}

# small_source DIR: a small source directory (a space and non-ASCII in names)
small_source() {
	local dir="$1"
	mkdir -p "$dir/pkg" "$dir/dir with space"
	printf 'print("trained")\n' >"$dir/train.py"
	printf '' >"$dir/pkg/__init__.py"
	printf 'ü\n' >"$dir/dir with space/fïle.txt"
}

upload_objects() {
	local objects="$S3_STATE/objects" src="$S3_STATE/src"
	small_source "$src"
	mkdir -p "$objects/source" "$objects/my job/ünïcødé source" "$objects/corrupt" "$objects/big" \
		"$objects/e2e"
	tar czf "$objects/source/sourcedir.tar.gz" -C "$src" .
	cp "$objects/source/sourcedir.tar.gz" "$objects/my job/ünïcødé source/sourcedir.tar.gz"
	# a gzip header, then garbage
	{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 4096 /dev/zero | tr '\0' 'x'; } \
		>"$objects/corrupt/sourcedir.tar.gz"
	python3 "$S3FIX/make_source.py" "$objects/big/sourcedir.tar.gz" 100
	mv "$objects/big/sourcedir.tar.gz.sha256" "$S3_STATE/big.sha256"
	mkdir -p "$S3_STATE/e2e"
	printf '#!/bin/sh\necho "ran from S3 with $*" >"$SM_MODEL_DIR/result.txt"\n' >"$S3_STATE/e2e/train.sh"
	chmod +x "$S3_STATE/e2e/train.sh"
	tar czf "$objects/e2e/sourcedir.tar.gz" -C "$S3_STATE/e2e" .
	AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="$SECRET" AWS_DEFAULT_REGION=us-east-1 \
		aws --endpoint-url "http://127.0.0.1:$MOTO_PORT" s3 sync --only-show-errors \
		"$objects" "s3://$BUCKET/"
}

setup_file() {
	require_tools
	export S3_STATE="$BATS_FILE_TMPDIR/s3"
	mkdir -p "$S3_STATE"
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN http_proxy https_proxy \
		HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	start_server "$S3_STATE" moto INITIAL_NO_AUTH_ACTION_COUNT=4 "$S3FIX/motoserver.py" || {
		stop_servers "$S3_STATE"
		return 1
	}
	export MOTO_PORT="$PORT"
	python3 "$S3FIX/setup.py" "http://127.0.0.1:$MOTO_PORT" "$BUCKET" >"$S3_STATE/creds.sh" &&
		. "$S3_STATE/creds.sh" && upload_objects || {
		stop_servers "$S3_STATE"
		return 1
	}
	export KEY_ID SECRET ROLE_KEY_ID ROLE_SECRET ROLE_TOKEN
}

teardown_file() {
	stop_servers "$S3_STATE"
}

setup() {
	# nothing of this machine's AWS set-up, no proxy, no metadata service
	local v
	for v in $(compgen -e); do
		case "$v" in AWS_* | S3_ENDPOINT_URL | *_proxy | *_PROXY) unset "$v" ;; esac
	done
	export AWS_EC2_METADATA_DISABLED=true
	export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$MOTO_PORT"
	JOB="$BATS_TEST_TMPDIR/job"
	new_job "$JOB"
}

teardown() {
	stop_servers "$BATS_TEST_TMPDIR"
}

env_credentials() {
	export AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="$SECRET"
}

# proxy [VAR=VALUE...]: the fault proxy in front of moto, as the endpoint
proxy() {
	start_server "$BATS_TEST_TMPDIR" proxy "$@" "$S3FIX/proxy.py" \
		"$BATS_TEST_TMPDIR/proxy.requests" "$MOTO_PORT"
	PROXY_PORT="$PORT"
	export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$PROXY_PORT"
}

# metadata [VAR=VALUE...]: the fake credentials server, handing out the role's credentials
metadata() {
	start_server "$BATS_TEST_TMPDIR" metadata MD_KEY_ID="$ROLE_KEY_ID" MD_SECRET="$ROLE_SECRET" \
		MD_TOKEN="$ROLE_TOKEN" "$@" "$S3FIX/metadata.py" "$BATS_TEST_TMPDIR/metadata.requests"
	METADATA_PORT="$PORT"
}

# the small source, unpacked, as `find` lists it
assert_small_source() {
	assert_eq "$(cd "$JOB/code" && find . | LC_ALL=C sort | tr '\n' ' ')" \
		". ./dir with space ./dir with space/fïle.txt ./pkg ./pkg/__init__.py ./train.py "
	assert_eq "$(cat "$JOB/code/train.py")" 'print("trained")'
}

# code/ empty and no temporary directory left beside it
assert_untouched() {
	assert_eq "$(ls -A "$JOB/code")" ""
	assert_eq "$(ls -A "$JOB" | grep -c smshim-code || true)" "0"
}

count_lines() { # count_lines PATTERN FILE
	grep -c -- "$1" "$2" || true
}

# ----------------------------------------------------------- the happy path

@test "environment credentials: the tarball is fetched, signed, and unpacked into code/" {
	env_credentials
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
	[[ "$stderr" == *"fetching the code from $SOURCE"* ]]
	assert_eq "$(ls -A "$JOB" | grep -c smshim-code || true)" "0"
}

@test "a key with spaces and Unicode is percent-encoded and signed as S3 wants" {
	env_credentials
	run --separate-stderr "$FETCH" "$JOB" "s3://$BUCKET/my job/ünïcødé source/sourcedir.tar.gz"
	[ "$status" -eq 0 ]
	assert_small_source
	run "$FETCH" --url "s3://$BUCKET/my job/ünïcødé source/sourcedir.tar.gz"
	assert_eq "$output" "http://127.0.0.1:$MOTO_PORT/$BUCKET/my%20job/%C3%BCn%C3%AFc%C3%B8d%C3%A9%20source/sourcedir.tar.gz"
}

# max_rss CMD...: "EXIT_STATUS MAX_RSS_KB" of CMD, its stderr dropped
max_rss() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" python3 -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

@test "a 100 MB tarball: unpacked intact while it downloads, memory flat" {
	env_credentials
	local rc small big
	new_job "$BATS_TEST_TMPDIR/job-small"
	read -r rc small <<<"$(max_rss "$FETCH" "$BATS_TEST_TMPDIR/job-small" "$SOURCE")"
	[ "$rc" -eq 0 ]
	read -r rc big <<<"$(max_rss "$FETCH" "$JOB" "$BIG")"
	[ "$rc" -eq 0 ]
	(cd "$JOB/code" && sha256sum -c --quiet "$S3_STATE/big.sha256")
	# 100 MB went through, and the process grew by a few MB at most
	# (relative, and without AddressSanitizer's quarantine of freed blocks,
	# so that it holds in the sanitizer pass too)
	echo "max RSS: $small kB for 1 kB of code, $big kB for 100 MB" >&2
	[ $((big - small)) -lt 8000 ]
}

# ---------------------------------------------------------------- URLs

@test "URLs: virtual-hosted on AWS, path style for dotted buckets and for endpoints" {
	unset AWS_ENDPOINT_URL_S3
	export AWS_REGION=eu-west-1
	run "$FETCH" --url "s3://my-bucket/a/b c+d.tar.gz"
	assert_eq "$output" "https://my-bucket.s3.eu-west-1.amazonaws.com/a/b%20c%2Bd.tar.gz"
	run "$FETCH" --url "s3://my.dotted.bucket/k//x/../y"
	assert_eq "$output" "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k//x/../y"
	AWS_REGION=cn-north-1 run "$FETCH" --url "s3://b-cn/k"
	assert_eq "$output" "https://b-cn.s3.cn-north-1.amazonaws.com.cn/k"
	AWS_ENDPOINT_URL=http://127.0.0.1:9/base/ run "$FETCH" --url "s3://my-bucket/k"
	assert_eq "$output" "http://127.0.0.1:9/base/my-bucket/k"
	S3_ENDPOINT_URL=http://127.0.0.1:8 AWS_ENDPOINT_URL_S3=http://127.0.0.1:7 run "$FETCH" --url "s3://b/k"
	assert_eq "$output" "http://127.0.0.1:7/b/k"
	AWS_ENDPOINT_URL=127.0.0.1:9 run --separate-stderr "$FETCH" --url "s3://b/k"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"AWS_ENDPOINT_URL=127.0.0.1:9 is not an http:// or https:// URL"* ]]
	run --separate-stderr "$FETCH" --url "s3://only-a-bucket"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"s3://only-a-bucket is not an S3 URL (s3://bucket/key)"* ]]
}

@test "region: AWS_REGION, then AWS_DEFAULT_REGION, then sagemaker_region, then us-east-1" {
	unset AWS_ENDPOINT_URL_S3
	assert_eq "$(AWS_REGION=ap-south-1 AWS_DEFAULT_REGION=eu-north-1 "$FETCH" --url s3://bkt/k us-west-2)" \
		"https://bkt.s3.ap-south-1.amazonaws.com/k"
	assert_eq "$(AWS_DEFAULT_REGION=eu-north-1 "$FETCH" --url s3://bkt/k us-west-2)" \
		"https://bkt.s3.eu-north-1.amazonaws.com/k"
	assert_eq "$("$FETCH" --url s3://bkt/k us-west-2)" "https://bkt.s3.us-west-2.amazonaws.com/k"
	assert_eq "$("$FETCH" --url s3://bkt/k)" "https://bkt.s3.us-east-1.amazonaws.com/k"
	AWS_REGION='eu:west' run --separate-stderr "$FETCH" --url s3://bkt/k
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"eu:west is not an AWS region name"* ]]
}

# --------------------------------------------------------- credentials

@test "container credentials with a token: the role's temporary credentials, session token signed" {
	metadata MD_AUTH="Bearer tok-123"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	export AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer tok-123"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
	assert_eq "$(cat "$BATS_TEST_TMPDIR/metadata.requests")" "GET /creds 200"
}

@test "container credentials with a token file (read anew, trailing newline ignored)" {
	metadata MD_AUTH="file-token-456"
	echo "file-token-456" >"$BATS_TEST_TMPDIR/token"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$BATS_TEST_TMPDIR/token"
	# the file wins over the variable, as in botocore
	export AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
}

@test "container credentials: a wrong token is refused by the endpoint, 69, nothing unpacked" {
	metadata MD_AUTH="right"
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	export AWS_CONTAINER_AUTHORIZATION_TOKEN="wrong"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"cannot get credentials from the container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI): it answered HTTP 403"* ]]
	assert_untouched
}

@test "container credentials: plain http to a host that is not loopback or ECS's is refused unasked" {
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://10.11.12.13/creds"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on loopback"* ]]
	assert_untouched
}

@test "environment credentials come before the container endpoint" {
	env_credentials
	# would fail if asked: nothing listens there
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:1/creds"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
}

@test "IMDSv2 on a loopback metadata server: token first, then the role, then its credentials" {
	metadata
	unset AWS_EC2_METADATA_DISABLED
	export AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$METADATA_PORT/"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
	assert_eq "$(cat "$BATS_TEST_TMPDIR/metadata.requests")" "PUT /latest/api/token 200
GET /latest/meta-data/iam/security-credentials/ 200
GET /latest/meta-data/iam/security-credentials/smshim-training-role 200"
}

@test "no credentials anywhere: 69 with where smshim looked" {
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	assert_one_error_line "no AWS credentials: none in the environment (AWS_ACCESS_KEY_ID), no container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI); instance metadata is off (AWS_EC2_METADATA_DISABLED=true)"
	assert_untouched
	export AWS_ACCESS_KEY_ID="$KEY_ID"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	assert_one_error_line "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
}

@test "credentials that expire within 5 minutes are fetched again before the next try" {
	metadata MD_EXPIRES_IN=120
	proxy PROXY_FAIL=1
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
	assert_eq "$(count_lines 'GET /creds 200' "$BATS_TEST_TMPDIR/metadata.requests")" 2
	[[ "$stderr" == *"the AWS credentials from the container endpoint expire in "*" s: fetching new ones"* ]]
}

@test "credentials with an hour left are kept across tries" {
	metadata MD_EXPIRES_IN=3600
	proxy PROXY_FAIL=1
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_eq "$(count_lines 'GET /creds 200' "$BATS_TEST_TMPDIR/metadata.requests")" 1
}

@test "awscreds_parse: the endpoints' JSON, strictly" {
	p() { printf '%s' "$1" | "$FETCH" --parse-creds; }
	assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s","Token":"t","Expiration":"2024-05-01T12:34:56Z"}')" \
		"key=AK token=yes expiration=1714566896"
	assert_eq "$(p '{"Code":"Success","AccessKeyId":"AK","SecretAccessKey":"s","Expiration":"2024-05-01T14:34:56.123+02:00"}')" \
		"key=AK token=no expiration=1714566896"
	assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s"}')" "key=AK token=no expiration=0"
	assert_eq "$(p '{"Code":"Failure","AccessKeyId":"AK","SecretAccessKey":"s"}')" 'error: its Code is not "Success"'
	assert_eq "$(p '{"AccessKeyId":"AK"}')" "error: no valid SecretAccessKey"
	assert_eq "$(p '{"AccessKeyId":"A\r\nX-Evil: 1","SecretAccessKey":"s"}')" "error: no valid AccessKeyId"
	assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s","Expiration":"2024-02-30T00:00:00Z"}')" \
		"error: Expiration is not an ISO 8601 time"
	assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s","Expiration":"2024-05-01T10:04:56-0230"}')" \
		"key=AK token=no expiration=1714566896"
	# an offset cut short ends the text where the parser must stop looking
	for cut in + +1 +01 +01: +01:3 +24:00 +01:60; do
		assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s","Expiration":"2024-05-01T12:34:56'"$cut"'"}')" \
			"error: Expiration is not an ISO 8601 time"
	done
	assert_eq "$(p '{"AccessKeyId":"AK","SecretAccessKey":"s","Token":5}')" "error: Token is not a valid string"
	assert_eq "$(p '[1,2]')" "error: not a JSON object"
	assert_eq "$(p '{"AccessKeyId":"AK",')" "error: not a JSON object"
	assert_eq "$(p '')" "error: not a JSON object"
}

# -------------------------------------------------------------- faults

@test "a wrong secret: 403 at once, naming the bucket, the key and S3's words; nothing unpacked" {
	export AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="not-the-secret"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"cannot fetch $SOURCE (bucket \"$BUCKET\", key \"source/sourcedir.tar.gz\"): S3 answered 403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided."* ]]
	# not retried
	assert_eq "$(count_lines 'fetching the code' <(printf '%s\n' "$stderr"))" 1
	assert_untouched
}

@test "a missing key: 404 NoSuchKey at once, 69" {
	env_credentials
	run --separate-stderr "$FETCH" "$JOB" "s3://$BUCKET/source/nope.tar.gz"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"(bucket \"$BUCKET\", key \"source/nope.tar.gz\"): S3 answered 404 NoSuchKey: The specified key does not exist."* ]]
	assert_eq "$(count_lines 'fetching the code' <(printf '%s\n' "$stderr"))" 1
	assert_untouched
}

@test "500 twice, then the object: retried with backoff, and unpacked" {
	env_credentials
	proxy PROXY_FAIL=2
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	assert_small_source
	assert_eq "$(grep -c '' "$BATS_TEST_TMPDIR/proxy.requests")" 3
	[[ "$stderr" == *"S3 answered 500 InternalError: injected failure 1"*"try 1 of 5 failed; trying again"*"waiting "*" s before try 2 of 5"*"try 2 of 5 failed"* ]]
}

@test "503 SlowDown every time: five tries, then 69 and code/ untouched" {
	env_credentials
	proxy PROXY_FAIL=1000 PROXY_STATUS=503
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	assert_eq "$(grep -c '' "$BATS_TEST_TMPDIR/proxy.requests")" 5
	[[ "$stderr" == *"S3 answered 503 SlowDown: injected failure 5"* ]]
	assert_untouched
}

@test "a body cut short is retried, unpacking again from an empty directory" {
	env_credentials
	proxy PROXY_TRUNCATE=1
	run --separate-stderr "$FETCH" "$JOB" "$BIG"
	[ "$status" -eq 0 ]
	(cd "$JOB/code" && sha256sum -c --quiet "$S3_STATE/big.sha256")
	[[ "$stderr" == *"the body ended after "*" of "*" bytes"*"try 1 of 5 failed; trying again"* ]]
	assert_eq "$(head -1 "$BATS_TEST_TMPDIR/proxy.requests" | cut -d' ' -f4 | cut -d- -f1)" truncated
}

@test "a body cut short every time: 69 after five tries, code/ untouched" {
	env_credentials
	proxy PROXY_TRUNCATE=1000
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	assert_eq "$(grep -c truncated "$BATS_TEST_TMPDIR/proxy.requests")" 5
	[[ "$stderr" == *"the body ended after "*" bytes"* ]]
	assert_untouched
}

@test "a corrupt gzip: refused by the unpacker (65), not retried, code/ untouched" {
	env_credentials
	run --separate-stderr "$FETCH" "$JOB" "s3://$BUCKET/corrupt/sourcedir.tar.gz"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"s3://$BUCKET/corrupt/sourcedir.tar.gz: not a valid tar archive"* ]]
	assert_eq "$(count_lines 'fetching the code' <(printf '%s\n' "$stderr"))" 1
	assert_untouched
}

@test "a slow download logs its progress every 5 s; SIGTERM ends it with 143, code/ untouched" {
	env_credentials
	proxy PROXY_RATE=2000000
	"$FETCH" "$JOB" "$BIG" 2>"$BATS_TEST_TMPDIR/stderr" 3>&- &
	local pid=$! i rc=0
	echo "$pid" >"$BATS_TEST_TMPDIR/fetch.pid" # killed in teardown if the test fails
	for ((i = 0; i < 200; i++)); do
		grep -q "fetching $BIG: .* MB of 100.0 MB (.*%), .* MB/s" "$BATS_TEST_TMPDIR/stderr" && break
		sleep 0.05
	done
	kill -TERM "$pid"
	local start=$SECONDS
	wait "$pid" || rc=$?
	rm -f "$BATS_TEST_TMPDIR/fetch.pid"
	[ "$rc" -eq 143 ]
	[ $((SECONDS - start)) -le 2 ]
	grep -q "stopped by SIGTERM while \(fetching\|unpacking\) $BIG" "$BATS_TEST_TMPDIR/stderr"
	grep -q "fetching $BIG: [0-9.]* MB of 100.0 MB ([0-9]*%), [0-9.]* MB/s" "$BATS_TEST_TMPDIR/stderr"
	# one line per event: no progress bar
	! grep -q $'\r' "$BATS_TEST_TMPDIR/stderr"
	assert_untouched
}

@test "no secret, token or signature on stderr, even at debug level" {
	metadata MD_AUTH="auth-token-789"
	proxy PROXY_FAIL=1
	export AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$METADATA_PORT/creds"
	export AWS_CONTAINER_AUTHORIZATION_TOKEN="auth-token-789"
	export SMSHIM_LOG_LEVEL=debug
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 0 ]
	# debug lines were written, so the test can see what they hold
	[[ "$stderr" == *"DEBUG GET http://127.0.0.1:$PROXY_PORT/$BUCKET/source/sourcedir.tar.gz"* ]]
	local sig
	sig=$(tail -1 "$BATS_TEST_TMPDIR/proxy.requests" | awk '{print $NF}')
	[ "${#sig}" -eq 64 ]
	for secret in "$ROLE_SECRET" "$ROLE_TOKEN" "$ROLE_KEY_ID" "auth-token-789" "$sig"; do
		if [[ "$stderr" == *"$secret"* ]]; then
			echo "found a secret on stderr: $secret" >&2
			return 1
		fi
	done
	# and the wrong-secret failure does not show the secret either
	export AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="wrong-secret-abc"
	JOB="$BATS_TEST_TMPDIR/job2"
	new_job "$JOB"
	run --separate-stderr "$FETCH" "$JOB" "$SOURCE"
	[ "$status" -eq 69 ]
	[[ "$stderr" != *"wrong-secret-abc"* ]]
	[[ "$stderr" != *"$KEY_ID"* ]]
}

# ----------------------------------------------------------- end to end

@test "smshim train with an s3:// submit directory runs the user's code from the local S3 server" {
	env_credentials
	export SMSHIM_SKIP_DNS_WAIT=1
	# SageMaker writes every hyperparameter as a JSON-encoded string
	cat >"$JOB/input/config/hyperparameters.json" <<EOF
{"sagemaker_program": "\"train.sh\"",
 "sagemaker_submit_directory": "\"s3://$BUCKET/e2e/sourcedir.tar.gz\"",
 "sagemaker_region": "\"us-east-1\"", "epochs": "3"}
EOF
	export SAGEMAKER_BASE_DIR="$JOB"
	run --separate-stderr "$SMSHIM" train
	[ "$status" -eq 0 ]
	assert_eq "$(cat "$JOB/model/result.txt")" "ran from S3 with --epochs 3"
	[ -x "$JOB/code/train.sh" ]
}
