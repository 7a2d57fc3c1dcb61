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
script=download.sh
src_name=src
# shellcheck source=bench/transfer_setup.sh
source "$(dirname "$0")/transfer_setup.sh"
url="$base/file"

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
