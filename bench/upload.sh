#!/usr/bin/env bash
# upload.sh measures a 1 GiB streamed upload over loopback with reqs and
# with curl, side by side: the whole body from a file (reqs POST URL @file
# against curl -T file -X POST), the same file on standard input (reqs POST
# URL < file against curl -T - -X POST < file) and a multipart file field
# (reqs --multipart POST URL field@file against curl -F field=@file). Each client runs RUNS
# times in turn; the medians of wall time and peak RSS are reported, with
# reqs's throughput as a ratio of curl's for the same kind of upload.
#
# Needs go, curl and GNU time (/usr/bin/time). On Debian or Ubuntu:
#   apt-get install -y curl time
# Knobs (environment): RUNS (default 5), SIZE_MB (default 1024), BENCH_DIR
# (default a fresh directory in /dev/shm).
script=upload.sh
src_name=src.bin
# shellcheck source=bench/transfer_setup.sh
source "$(dirname "$0")/transfer_setup.sh"
url="$(head -n1 "$work/server.out")/upload"

# run LABEL MIN CMD...: time one run, append "seconds maxrss_kib" to
# LABEL.txt; the server must report at least MIN bytes received.
run() {
	local label=$1 min=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/answer" 2>>"$work/$label.stderr" || {
		echo "$label failed; stderr:" >&2
		tail -5 "$work/$label.stderr" >&2
		exit 1
	}
	local got
	got=$(tr -dc '0-9' <"$work/answer")
	if [ -z "$got" ] || [ "$got" -lt "$min" ]; then
		echo "$label: server received '$got' bytes, want at least $min" >&2
		exit 1
	fi
	cat "$work/time" >>"$work/$label.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

for i in $(seq "$RUNS"); do
	echo "run $i of $RUNS" >&2
	run curl-file "$want" curl -sS -X POST -T "$work/src.bin" -H 'Content-Type: application/octet-stream' "$url"
	run reqs-file "$want" "$work/reqs" POST "$url" "@$work/src.bin"
	run curl-stdin "$want" sh -c 'exec curl -sS -X POST -T - -H "Content-Type: application/octet-stream" "$1" < "$2"' sh "$url" "$work/src.bin"
	run reqs-stdin "$want" sh -c 'exec "$1" POST "$2" < "$3"' sh "$work/reqs" "$url" "$work/src.bin"
	run curl-multipart "$want" curl -sS -F "file=@$work/src.bin" "$url"
	run reqs-multipart "$want" "$work/reqs" --multipart POST "$url" "file@$work/src.bin"
done

printf '%-16s %8s %10s %8s %12s\n' client "median s" "MiB/s" "x curl" "peak RSS MiB"
for kind in file stdin multipart; do
	curl_t=$(cut -d' ' -f1 "$work/curl-$kind.txt" | median)
	for label in "curl-$kind" "reqs-$kind"; do
		t=$(cut -d' ' -f1 "$work/$label.txt" | median)
		rss=$(cut -d' ' -f2 "$work/$label.txt" | median)
		awk -v l="$label" -v t="$t" -v c="$curl_t" -v mb="$SIZE_MB" -v rss="$rss" \
			'BEGIN { printf "%-16s %8.2f %10.0f %8.2f %12.1f\n", l, t, mb/t, c/t, rss/1024 }'
	done
done
