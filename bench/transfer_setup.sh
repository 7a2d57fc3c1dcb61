# transfer_setup.sh is sourced by download.sh and upload.sh: it checks the
# tools, builds reqs and the bench server into a scratch directory, writes
# a SIZE_MB MiB random file ($src) and starts the server on it ($base is
# its URL). The caller sets $script (its own name, for messages) and $src_name.
set -euo pipefail

RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-1024}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

for tool in go curl /usr/bin/time; do
	if ! command -v "$tool" >/dev/null; then
		echo "$script: $tool is missing (apt-get install -y curl time)" >&2
		exit 1
	fi
done

work=${BENCH_DIR:-$(mktemp -d /dev/shm/reqs-bench.XXXXXX 2>/dev/null || mktemp -d)}
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	if [ -z "${BENCH_DIR:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

echo "building reqs and the bench server in $work" >&2
(cd "$root" && go build -trimpath -o "$work/reqs" . && go build -o "$work/benchserver" ./bench/benchserver)
echo "writing a ${SIZE_MB} MiB file" >&2
src="$work/$src_name"
dd if=/dev/urandom of="$src" bs=1M count="$SIZE_MB" status=none
want=$(stat -c %s "$src")

"$work/benchserver" -file "$src" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do
	[ -s "$work/server.out" ] && break
	sleep 0.1
done
base=$(head -n1 "$work/server.out")
