#!/usr/bin/env bash
# run.sh measures `reqs run` over a file of N small requests (each with an
# assertion) against a local go-httpbin, reporting requests per second and
# peak RSS, and compares it with N separate `reqs` invocations of the same
# requests, one after another, as a script looping over reqs would, and,
# when httpyac is installed (npm install -g httpyac@6.16.7), with
# `httpyac send FILE --all` on the same file.
#
# Needs go and curl; GNU time (/usr/bin/time) for RSS when installed.
# Knobs (environment): N (default 1000); HANDLERS=1 adds a JavaScript
# response handler (`> {% client.test(...) %}`) to every request;
# LOOP=0 skips the N separate calls.
set -euo pipefail

N=${N:-1000}
script=run.sh
source "$(dirname "$0")/httpbin_setup.sh"
url="$base/get"

for i in $(seq "$N"); do
	printf '### request %d\nGET %s?i=%d\n\n?? status == 200\n' "$i" "$url" "$i"
	if [ "${HANDLERS:-0}" = 1 ]; then
		printf '\n> {%% client.test("ok", function() { client.assert(response.status === 200, "status"); }); %%}\n'
	fi
	printf '\n'
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

loop_ms=0
if [ "${LOOP:-1}" = 1 ]; then
	start=$(ms)
	for i in $(seq "$N"); do
		"$work/reqs" --check-status "$url?i=$i" >/dev/null </dev/null
	done
	loop_ms=$(( $(ms) - start ))
fi

yac_ms=0
if command -v httpyac >/dev/null; then
	start=$(ms)
	# httpyac sends only files under its working directory.
	(cd "$work" && httpyac send bench.http --all >httpyac.out 2>&1) || {
		echo "$script: httpyac failed: $(tail -3 "$work/httpyac.out")" >&2
		exit 1
	}
	yac_ms=$(( $(ms) - start ))
fi

printf '%-28s %10s %12s\n' "" "total ms" "requests/s"
printf '%-28s %10d %12.0f\n' "reqs run (one file)" "$run_ms" "$(echo "$N * 1000 / $run_ms" | bc -l)"
if [ "$loop_ms" -gt 0 ]; then
	printf '%-28s %10d %12.0f\n' "$N separate reqs calls" "$loop_ms" "$(echo "$N * 1000 / $loop_ms" | bc -l)"
fi
if [ "$yac_ms" -gt 0 ]; then
	printf '%-28s %10d %12.0f\n' "httpyac $(httpyac --version) send --all" "$yac_ms" "$(echo "$N * 1000 / $yac_ms" | bc -l)"
fi
printf 'reqs run peak RSS: %s\n' "$rss"
if [ "$loop_ms" -gt 0 ]; then
	printf 'reqs run is %.1fx faster than separate calls\n' "$(echo "$loop_ms / $run_ms" | bc -l)"
fi
if [ "$yac_ms" -gt 0 ]; then
	printf 'reqs run is %.1fx faster than httpyac\n' "$(echo "$yac_ms / $run_ms" | bc -l)"
fi
