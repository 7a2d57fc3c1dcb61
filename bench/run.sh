#!/usr/bin/env bash
# run.sh measures `reqs run` over a file of N small requests (each with an
# assertion) against a local go-httpbin, reporting requests per second and
# peak RSS, and compares it with N separate `reqs` invocations of the same
# requests, one after another, as a script looping over reqs would.
#
# Needs go and curl; GNU time (/usr/bin/time) for RSS when installed.
# Knobs (environment): N (default 1000).
set -euo pipefail

N=${N:-1000}
script=run.sh
source "$(dirname "$0")/httpbin_setup.sh"
url="$base/get"

for i in $(seq "$N"); do
	printf '### request %d\nGET %s?i=%d\n\n?? status == 200\n\n' "$i" "$url" "$i"
done >"$work/bench.http"

ms() { echo $(( $(date +%s%N) / 1000000 )); }

rss=unknown
start=$(ms)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f '%M' -o "$work/rss" "$work/reqs" run -q "$work/bench.http"
	rss="$(cat "$work/rss") KiB"
else
	"$work/reqs" run -q "$work/bench.http"
fi
run_ms=$(( $(ms) - start ))

start=$(ms)
for i in $(seq "$N"); do
	"$work/reqs" --check-status "$url?i=$i" >/dev/null </dev/null
done
loop_ms=$(( $(ms) - start ))

printf '%-28s %10s %12s\n' "" "total ms" "requests/s"
printf '%-28s %10d %12.0f\n' "reqs run (one file)" "$run_ms" "$(echo "$N * 1000 / $run_ms" | bc -l)"
printf '%-28s %10d %12.0f\n' "$N separate reqs calls" "$loop_ms" "$(echo "$N * 1000 / $loop_ms" | bc -l)"
printf 'reqs run is %.1fx faster; its peak RSS was %s\n' "$(echo "$loop_ms / $run_ms" | bc -l)" "$rss"
