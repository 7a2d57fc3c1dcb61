# streamserver_setup.sh is sourced by hostile.sh and streams.sh: it makes a
# scratch directory ($tmp, removed on exit), builds bench/streamserver (the
# test fault server's routes) and, unless $REQS names a binary, reqs as
# releases are built ($reqs), and starts the server in a process of its
# own ($base is its URL). The caller sets $script (its own name, for
# messages).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
server_pid=
cleanup() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "building reqs and the stream server..." >&2
(cd "$root" && go build -o "$tmp/streamserver" ./bench/streamserver)
reqs=${REQS:-}
if [[ -z $reqs ]]; then
	(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$tmp/reqs" .)
	reqs=$tmp/reqs
fi
"$tmp/streamserver" >"$tmp/addr" 2>"$tmp/server.log" &
server_pid=$!
base=
for _ in $(seq 50); do
	base=$(head -n1 "$tmp/addr" 2>/dev/null || true)
	[[ -n $base ]] && break
	sleep 0.1
done
[[ -n $base ]] || { echo "$script: the stream server did not start: $(cat "$tmp/server.log")" >&2; exit 1; }
