# bench/common.sh - sourced by every benchmark: where the project is, and
# hyperfine, which `make bench` installs (mk/deps.sh bench).
root=$(cd "$(dirname "${BASH_SOURCE[1]:-$0}")/.." && pwd)
command -v hyperfine >/dev/null || {
	echo "the benchmarks need hyperfine: run make bench, or apt-get install hyperfine" >&2
	exit 1
}
