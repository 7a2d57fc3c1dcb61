#!/usr/bin/env bash
# run_handlers.sh measures what JavaScript handlers add to `reqs run`: a
# file of N small requests (each with a ?? assertion) against a local
# go-httpbin, then the same file with a `> {% client.test(…) %}` handler
# on every request. It reports the best of R runs of each and its peak
# RSS, and, when httpyac is on PATH, httpyac's time on the file with
# handlers (`httpyac send FILE --all`).
#
# Needs go and curl; GNU time (/usr/bin/time) for RSS when installed.
# Knobs (environment): N (default 1000), R (default 5).
set -euo pipefail

N=${N:-1000}
R=${R:-5}
script=run_handlers.sh
source "$(dirname "$0")/httpbin_setup.sh"
url="$base/get"

for i in $(seq "$N"); do
	printf '### request %d\nGET %s?i=%d\n\n?? status == 200\n\n' "$i" "$url" "$i"
done >"$work/plain.http"
for i in $(seq "$N"); do
	printf '### request %d\nGET %s?i=%d\n\n?? status == 200\n\n' "$i" "$url" "$i"
	printf '> {%% client.test("request %d", () => client.assert(response.status === 200 && response.body.args.i[0] === "%d", "status " + response.status)) %%}\n\n' "$i" "$i"
done >"$work/handlers.http"

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# best FILE: the best time of R runs of reqs run on FILE, and the peak
# RSS of the last, as "MS KIB".
best() {
	local best=0 rss=unknown start t
	for _ in $(seq "$R"); do
		start=$(ms)
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%M' -o "$work/rss" "$work/reqs" run -q "$1"
			rss=$(cat "$work/rss")
		else
			"$work/reqs" run -q "$1"
		fi
		t=$(( $(ms) - start ))
		if [ "$best" = 0 ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best $rss"
}

read -r plain_ms plain_rss < <(best "$work/plain.http")
read -r handlers_ms handlers_rss < <(best "$work/handlers.http")

printf '%-34s %10s %14s\n' "" "best ms" "peak RSS KiB"
printf '%-34s %10d %14s\n' "reqs run, ?? assertions" "$plain_ms" "$plain_rss"
printf '%-34s %10d %14s\n' "reqs run, and a handler each" "$handlers_ms" "$handlers_rss"
printf 'handlers make the run %.2fx as long\n' "$(echo "$handlers_ms / $plain_ms" | bc -l)"

if command -v httpyac >/dev/null; then
	start=$(ms)
	# httpyac reads only files under its working directory.
	(cd "$work" && httpyac send handlers.http --all >httpyac.out 2>&1) || true
	yac_ms=$(( $(ms) - start ))
	tail -n 1 "$work/httpyac.out"
	printf '%-34s %10d\n' "httpyac send --all, same file" "$yac_ms"
	printf 'reqs run is %.1fx faster than httpyac\n' "$(echo "$yac_ms / $handlers_ms" | bc -l)"
fi
