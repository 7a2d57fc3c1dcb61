#!/usr/bin/env bash
# startup.sh measures what a script calling reqs in a loop pays per call:
# N small GET requests to a local go-httpbin with reqs, curl and HTTPie
# (when installed), run one after another, reporting the mean time per
# request and the ratio to curl.
#
# Needs go and curl; HTTPie is optional (apt-get install -y curl httpie).
# Knobs (environment): N (default 200).
set -euo pipefail

N=${N:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && go build -trimpath -ldflags "-s -w" -o "$work/reqs" .)
port=$((20000 + RANDOM % 20000))
"$work/reqs" httpbin --addr "127.0.0.1:$port" 2>/dev/null &
server_pid=$!
url="http://127.0.0.1:$port/get"
for _ in $(seq 50); do
	curl -fsS -o /dev/null "$url" 2>/dev/null && break
	sleep 0.1
done

# per_call LABEL CMD...: run CMD N times and print the mean milliseconds.
per_call() {
	local label=$1
	shift
	local start end
	start=$(date +%s%N)
	for _ in $(seq "$N"); do
		"$@" >/dev/null </dev/null
	done
	end=$(date +%s%N)
	echo "$label $(( (end - start) / N / 1000 ))"
}

{
	per_call curl curl -fsS "$url"
	per_call reqs "$work/reqs" "$url"
	if command -v http >/dev/null; then
		per_call httpie http --ignore-stdin "$url"
	fi
} >"$work/results"

curl_us=$(awk '$1 == "curl" {print $2}' "$work/results")
printf '%-8s %12s %10s\n' client "us/request" "x curl"
while read -r label us; do
	printf '%-8s %12d %10.2f\n' "$label" "$us" "$(echo "$us / $curl_us" | bc -l)"
done <"$work/results"
