# httpbin_setup.sh is sourced by run.sh and startup.sh: it makes a scratch
# directory ($work, removed on exit), builds reqs there as releases are
# built ($work/reqs: CGO_ENABLED=0 -trimpath -ldflags="-s -w") and starts
# `reqs httpbin` on a port the system picks ($base is its URL). The caller
# sets $script (its own name, for messages).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v curl >/dev/null; then
	echo "$script: curl is missing (apt-get install -y curl)" >&2
	exit 1
fi

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/reqs" .)
"$work/reqs" httpbin --addr 127.0.0.1:0 2>"$work/httpbin.log" &
server_pid=$!
base=
for _ in $(seq 50); do
	base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/httpbin.log")
	[ -n "$base" ] && break
	sleep 0.1
done
if [ -z "$base" ]; then
	echo "$script: reqs httpbin did not start: $(cat "$work/httpbin.log")" >&2
	exit 1
fi
