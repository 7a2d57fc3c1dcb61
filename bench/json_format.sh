#!/usr/bin/env bash
# json_format.sh: how fast, and in how much memory, reqs pretty-prints a
# large JSON response, side by side with jq (and HTTPie, and a raw curl
# download as the floor) when they are installed.
#
#   bench/json_format.sh [SIZE_MIB]      default 50; RUNS=N (default 3)
#   REQS=/path/to/reqs bench/json_format.sh   measure that binary instead
#
# It builds reqs and two helpers from bench/ (genjson writes the document,
# serve serves it on 127.0.0.1), then runs each tool RUNS times with its
# output sent to a file and prints the median wall time and peak RSS.
# Peak RSS needs GNU time at /usr/bin/time (apt-get install time); without
# it only wall time is shown. With jq present, reqs's output is also
# checked to be the same JSON as the document.
set -euo pipefail

size=${1:-50}
runs=${RUNS:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
serve_pid=
cleanup() {
	if [[ -n $serve_pid ]]; then
		kill "$serve_pid" 2>/dev/null || true
		wait "$serve_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "building reqs and the bench helpers..." >&2
(cd "$root" && go build -o "$tmp/genjson" ./bench/genjson && go build -o "$tmp/serve" ./bench/serve)
reqs=${REQS:-}
if [[ -z $reqs ]]; then
	(cd "$root" && go build -o "$tmp/reqs" .)
	reqs=$tmp/reqs
fi

mkdir "$tmp/www"
"$tmp/genjson" -size "$size" >"$tmp/www/doc.json"
bytes=$(wc -c <"$tmp/www/doc.json")

"$tmp/serve" -dir "$tmp/www" -addr 127.0.0.1:0 -for 30m >"$tmp/addr" &
serve_pid=$!
for _ in $(seq 100); do
	[[ -s $tmp/addr ]] && break
	sleep 0.1
done
[[ -s $tmp/addr ]] || { echo "serve did not start" >&2; exit 1; }
url="$(head -n1 "$tmp/addr")/doc.json"

have_gnu_time=false
if /usr/bin/time -f %e true >/dev/null 2>&1; then
	have_gnu_time=true
fi

# median prints the middle value of its arguments, numerically.
median() {
	printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}

# measure NAME CMD...: runs CMD $runs times, stdout to $tmp/out.NAME, and
# prints one result row.
measure() {
	local name=$1 walls=() rsss=() i wall rss
	shift
	for ((i = 0; i < runs; i++)); do
		if $have_gnu_time; then
			/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out.$name"
			read -r wall rss <"$tmp/time"
		else
			local TIMEFORMAT=%R
			wall=$({ time "$@" >"$tmp/out.$name"; } 2>&1)
			rss=
		fi
		walls+=("$wall")
		rsss+=("$rss")
	done
	wall=$(median "${walls[@]}")
	if $have_gnu_time; then
		rss="$(( $(median "${rsss[@]}") / 1024 )) MiB"
	else
		rss=n/a
	fi
	local mbs
	mbs=$(awk -v b="$bytes" -v s="$wall" 'BEGIN { if (s > 0) printf "%.0f", b / 1048576 / s; else print "inf" }')
	printf '%-28s %8ss %8s MiB/s %10s  %s bytes out\n' "$name" "$wall" "$mbs" "$rss" "$(wc -c <"$tmp/out.$name")"
}

printf 'JSON formatting: %s bytes (%s MiB), median of %s runs\n' "$bytes" "$size" "$runs"
printf '%-28s %9s %14s %10s\n' tool wall speed "max RSS"
if command -v curl >/dev/null; then
	measure "curl (raw, no formatting)" curl -sS "$url"
fi
measure "reqs --pretty=format" "$reqs" --pretty=format "$url"
measure "reqs --pretty=all (auto)" "$reqs" --pretty=all --style auto "$url"
measure "reqs --pretty=all (monokai)" "$reqs" --pretty=all --style monokai "$url"
measure "reqs --jq '.[0]'" "$reqs" --jq '.[0]' "$url"
if command -v jq >/dev/null; then
	measure "jq . (file)" jq . "$tmp/www/doc.json"
	measure "jq '.[0]' (file)" jq '.[0]' "$tmp/www/doc.json"
	measure "curl | jq '.[0]'" sh -c 'curl -sS "$1" | jq ".[0]"' sh "$url"
	if jq -c . "$tmp/out.reqs --pretty=format" | cmp -s - <(jq -c . "$tmp/www/doc.json"); then
		echo "check: reqs output is the same JSON as the document" >&2
	else
		echo "check FAILED: reqs output differs from the document" >&2
		exit 1
	fi
fi
if command -v http >/dev/null; then
	measure "http --pretty=format" http --pretty=format "$url"
fi
