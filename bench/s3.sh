#!/usr/bin/env bash
# bench/s3.sh - fetch and unpack a 100 MB sourcedir.tar.gz from a local S3
# server (moto on loopback, signatures checked), side by side in one
# hyperfine run:
#   smshim                    code_fetch(): libcurl streamed into libarchive
#                             (build/tests/fetch_tool, the code path of `smshim train`)
#   curl | tar xz             the same signed GET piped into tar: the
#                             target's yardstick
#   curl > /dev/null          the download alone, nothing unpacked: what is
#                             left to gain
#   aws s3 cp; tar xzf        the aws CLI to a file, then tar
#   boto3 + tarfile           what the reference toolkit does: boto3's
#                             download_file to a temporary file, then
#                             tarfile.extractall (interpreter start included)
# then smshim's peak memory (max RSS) for a 10 MB and the 100 MB archive.
#
# Targets (docs/performance.md): smshim at least 2x faster than boto3 +
# tarfile, within 10% of curl | tar xz, memory flat in the archive's size.
#
#   RUNS=10 bench/s3.sh           (needs hyperfine, moto[server], boto3, awscli)
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
fix="$root/tests/fixtures/s3"
fetch="$root/${BUILD:-build}/tests/fetch_tool"
for tool in hyperfine aws curl; do
	command -v "$tool" >/dev/null || {
		echo "bench/s3.sh needs $tool (hyperfine: apt-get install hyperfine; aws: pip install awscli)" >&2
		exit 1
	}
done
python3 -c 'import moto.server, boto3' 2>/dev/null || {
	echo "bench/s3.sh needs moto's server and boto3: python3 -m pip install 'moto[server]' boto3" >&2
	exit 1
}
make -s -C "$root" unit

work=$(mktemp -d)
moto_pid=
cleanup() {
	[ -z "$moto_pid" ] || kill "$moto_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# the archive: 185 MB of files, half random, half text: about 100 MB gzipped
python3 "$fix/make_source.py" "$work/sourcedir.tar.gz" 185 mixed
python3 "$fix/make_source.py" "$work/small.tar.gz" 10 random
size=$(stat -c %s "$work/sourcedir.tar.gz")

INITIAL_NO_AUTH_ACTION_COUNT=4 python3 "$fix/motoserver.py" "$work/moto.port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do [ -s "$work/moto.port" ] && break; sleep 0.05; done
port=$(cat "$work/moto.port")
endpoint="http://127.0.0.1:$port"
python3 "$fix/setup.py" "$endpoint" bench >"$work/creds.sh"
. "$work/creds.sh"
for v in $(compgen -e); do case "$v" in AWS_* | *_proxy | *_PROXY) unset "$v" ;; esac; done
export AWS_ACCESS_KEY_ID="$KEY_ID" AWS_SECRET_ACCESS_KEY="$SECRET" AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_S3="$endpoint"
aws --endpoint-url "$endpoint" s3 cp --only-show-errors "$work/sourcedir.tar.gz" s3://bench/source/sourcedir.tar.gz
aws --endpoint-url "$endpoint" s3 cp --only-show-errors "$work/small.tar.gz" s3://bench/source/small.tar.gz

job="$work/job"
mkdir -p "$job/input/config"
echo '{}' >"$job/input/config/hyperparameters.json"
echo '{}' >"$job/input/config/inputdataconfig.json"
echo '{"current_host": "algo-1", "hosts": ["algo-1"]}' >"$job/input/config/resourceconfig.json"
out="$work/out"

smshim_cmd="$fetch $job s3://bench/source/sourcedir.tar.gz"
curl_cmd="curl -sS --fail --aws-sigv4 aws:amz:us-east-1:s3 -u \$AWS_ACCESS_KEY_ID:\$AWS_SECRET_ACCESS_KEY -H x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 $endpoint/bench/source/sourcedir.tar.gz | tar xzf - -C $out"
null_cmd="curl -sS --fail --aws-sigv4 aws:amz:us-east-1:s3 -u \$AWS_ACCESS_KEY_ID:\$AWS_SECRET_ACCESS_KEY -H x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 -o /dev/null $endpoint/bench/source/sourcedir.tar.gz"
aws_cmd="aws s3 cp --only-show-errors s3://bench/source/sourcedir.tar.gz $work/dl.tar.gz && tar xzf $work/dl.tar.gz -C $out && rm $work/dl.tar.gz"
boto_cmd="python3 -c '
import boto3, os, sys, tarfile, tempfile
with tempfile.TemporaryDirectory() as tmp:
    dst = os.path.join(tmp, \"tar_file\")
    boto3.resource(\"s3\").Bucket(\"bench\").download_file(\"source/sourcedir.tar.gz\", dst)
    with tarfile.open(name=dst, mode=\"r:gz\") as t:
        t.extractall(path=sys.argv[1])
' $out"

hyperfine --warmup 1 --runs "${RUNS:-10}" --export-json "$work/s3.json" \
	--prepare "rm -rf $job/code $out; mkdir -p $out" \
	-n "smshim (stream into libarchive)" "$smshim_cmd" \
	-n "curl | tar xz" "$curl_cmd" \
	-n "curl > /dev/null (download only)" "$null_cmd" \
	-n "aws s3 cp; tar xzf" "$aws_cmd" \
	-n "boto3 download_file + tarfile" "$boto_cmd"
echo
echo "archive: $size bytes"
python3 "$root/bench/summary.py" "$work/s3.json"

echo
echo "smshim's peak memory (max RSS) while fetching and unpacking:"
for key in small sourcedir; do
	rm -rf "$job/code"
	/usr/bin/time -f "  s3://bench/source/$key.tar.gz ($(stat -c %s "$work/$key.tar.gz") bytes): %M kB" \
		"$fetch" "$job" "s3://bench/source/$key.tar.gz" 2>&1 | grep -v ' smshim '
done
