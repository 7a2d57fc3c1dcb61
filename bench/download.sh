#!/usr/bin/env bash
# download.sh measures a 1 GiB download over loopback with reqs and with curl,
# side by side: reqs -d -o FILE (download mode: .part file, fsync, progress
# counting) and reqs URL > FILE (plain body to a redirected stdout) against
# curl -o FILE. Each client runs RUNS times in turn; the medians of wall time
# and peak RSS are reported, with reqs's throughput as a ratio of curl's.
#
# Needs go, curl and GNU time (/usr/bin/time). On Debian or Ubuntu:
#   apt-get install -y curl time
# Knobs (environment): RUNS (default 5), SIZE_MB (default 1024),
# BENCH_DIR (default a fresh directory in /dev/shm, so the disk is not what
# is measured; fsync is free there, as it is for curl everywhere).
set -euo pipefail

RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)

for tool in go curl /usr/bin/time; do
	if ! command -v "$tool" >/dev/null; then
		echo "download.sh: $tool is missing (apt-get install -y curl time)" >&2
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
dd if=/dev/urandom of="$work/src" bs=1M count="$SIZE_MB" status=none

"$work/benchserver" -file "$work/src" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 50); do
	[ -s "$work/server.out" ] && break
	sleep 0.1
done
base=$(head -n1 "$work/server.out")
url="$base/file"
want=$(stat -c %s "$work/src")

# run LABEL CMD...: time one run, append "seconds maxrss_kib" to LABEL.txt
# and check the file it wrote.
run() {
	local label=$1 out=$2
	shift 2
	rm -f "$out"
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" 2>>"$work/$label.stderr" >"$work/stdout" || {
		echo "$label failed; stderr:" >&2
		tail -5 "$work/$label.stderr" >&2
		exit 1
	}
	local got
	got=$(stat -c %s "$out")
	if [ "$got" != "$want" ]; then
		echo "$label wrote $got bytes, want $want" >&2
		exit 1
	fi
	cat "$work/time" >>"$work/$label.txt"
	rm -f "$out"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for i in $(seq "$RUNS"); do
	echo "run $i of $RUNS" >&2
	run curl "$work/out" curl -sS -o "$work/out" "$url"
	run reqs-download "$work/out" "$work/reqs" -d -o "$work/out" "$url"
	run reqs-stdout "$work/stdout" "$work/reqs" "$url"
done

curl_t=$(cut -d' ' -f1 "$work/curl.txt" | median)
printf '%-24s %8s %10s %8s %12s\n' client "median s" "MiB/s" "x curl" "peak RSS MiB"
for label in curl reqs-download reqs-stdout; do
	t=$(cut -d' ' -f1 "$work/$label.txt" | median)
	rss=$(cut -d' ' -f2 "$work/$label.txt" | median)
	awk -v l="$label" -v t="$t" -v c="$curl_t" -v mb="$SIZE_MB" -v rss="$rss" \
		'BEGIN { printf "%-24s %8.2f %10.0f %8.2f %12.1f\n", l, t, mb/t, c/t, rss/1024 }'
done
