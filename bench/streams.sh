#!/usr/bin/env bash
# streams.sh measures reqs on streams, with the output into a pipe:
#   1. N small messages (default 100,000) sent from a pipe to a WebSocket
#      echo server, every echo printed: messages per second, peak RSS;
#   2. an event stream of E events (default 1,000,000) filtered with
#      --jq .x: events per second, peak RSS;
#   3. with curl installed, the same stream passed through by reqs and by
#      `curl -N`, for comparison.
# Each line gives the wall time, the rate, the CPU time the client used
# (user+sys: on a busy machine the wall time mostly measures the others)
# and its peak RSS.
# The server (bench/streamserver, the test fault server's routes) runs in
# a process of its own. Peak RSS needs GNU time at /usr/bin/time.
#
#   bench/streams.sh            N=100000 E=1000000 by default
#   REQS=/path/to/reqs bench/streams.sh
set -euo pipefail

n=${N:-100000}
e=${E:-1000000}
script=streams.sh
source "$(dirname "$0")/streamserver_setup.sh"
ws=ws${base#http}

# measure NAME UNIT COUNT CMD...: runs CMD (stdout to $tmp/out), checks
# that it printed COUNT lines, prints the rate and peak RSS.
measure() {
	local name=$1 unit=$2 count=$3
	shift 3
	local start end rss=unknown cpu=unknown
	start=$(date +%s%N)
	if [[ -x /usr/bin/time ]]; then
		/usr/bin/time -f '%M %U %S' -o "$tmp/rss" "$@" >"$tmp/out"
		read -r kib user sys <"$tmp/rss"
		rss="$(echo "scale=1; $kib / 1024" | bc) MiB"
		cpu="$(echo "$user + $sys" | bc) s"
	else
		"$@" >"$tmp/out"
	fi
	end=$(date +%s%N)
	local lines
	lines=$(wc -l <"$tmp/out")
	if [[ $lines -ne $count ]]; then
		echo "streams.sh: $name printed $lines lines, want $count" >&2
		exit 1
	fi
	local ms=$(( (end - start) / 1000000 ))
	printf '%-44s %8d ms %12.0f %s/s   CPU %s   peak RSS %s\n' "$name" "$ms" "$(echo "$count * 1000 / $ms" | bc -l)" "$unit" "$cpu" "$rss"
}

seq "$n" | sed 's/.*/{"n": &}/' >"$tmp/messages"
measure "$n messages echoed (WebSocket, pipe)" msgs "$n" \
	sh -c "exec '$reqs' '$ws/ws/echo' <'$tmp/messages'"
measure "$e events with --jq .x (SSE, pipe)" events "$e" \
	"$reqs" --jq .x "$base/sse/events?n=$e"
if command -v curl >/dev/null; then
	measure "$e events passed through (SSE, reqs)" lines "$((2 * e))" \
		"$reqs" "$base/sse/events?n=$e"
	measure "$e events passed through (SSE, curl -N)" lines "$((2 * e))" \
		curl -sN "$base/sse/events?n=$e"
fi
