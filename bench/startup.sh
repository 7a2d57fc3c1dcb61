#!/usr/bin/env bash
# startup.sh measures what a script calling reqs in a loop pays per call:
# small GET requests to a local go-httpbin with curl, reqs and a bare Go
# program making the same GET (bench/floor, the floor for any Go client)
# in rounds (one after the other, the order rotating), so that all see the
# same machine load; it reports the median time of each and the median of
# the per-round ratios to curl. HTTPie, when installed, is timed alone (it
# is 30x slower, pairing adds nothing). It also reports reqs's package
# initialisation time (GODEBUG=inittrace=1: the sum of every package's
# init, median over the runs) and the binary's size.
#
# Needs go and curl; HTTPie is optional (apt-get install -y curl httpie).
# Knobs (environment): N (rounds, default 200), REQS (a reqs binary to
# measure instead of building one as releases are: CGO_ENABLED=0
# -trimpath -ldflags="-s -w"; a cgo-linked binary, go build's default
# where a C compiler is installed, pays the dynamic loader and libc).
set -euo pipefail

N=${N:-200}
script=startup.sh
source "$(dirname "$0")/httpbin_setup.sh"
reqs=${REQS:-$work/reqs}
(cd "$root" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/floor" ./bench/floor)
url="$base/get"

# elapsed_us CMD...: run CMD once and print its wall time in microseconds.
# The clock is bash's EPOCHREALTIME, read without starting a process: a
# `date` before and after would add two process start-ups to every figure
# and pull every ratio towards 1.
elapsed_us() {
	local start end
	start=${EPOCHREALTIME/[.,]/}
	"$@" >/dev/null </dev/null
	end=${EPOCHREALTIME/[.,]/}
	echo $((end - start))
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# Each round runs curl, reqs and the floor program once each, the order
# rotating, so all three see the same machine load.
for i in $(seq "$N"); do
	case $((i % 3)) in
	0)
		c=$(elapsed_us curl -fsS "$url")
		r=$(elapsed_us "$reqs" "$url")
		f=$(elapsed_us "$work/floor" "$url")
		;;
	1)
		r=$(elapsed_us "$reqs" "$url")
		f=$(elapsed_us "$work/floor" "$url")
		c=$(elapsed_us curl -fsS "$url")
		;;
	2)
		f=$(elapsed_us "$work/floor" "$url")
		c=$(elapsed_us curl -fsS "$url")
		r=$(elapsed_us "$reqs" "$url")
		;;
	esac
	echo "$c" >>"$work/curl"
	echo "$r" >>"$work/reqs.us"
	echo "$f" >>"$work/floor.us"
	echo "$r $c" | awk '{print $1 / $2}' >>"$work/ratio"
	echo "$f $c" | awk '{print $1 / $2}' >>"$work/floor.ratio"
done

for _ in $(seq 30); do
	GODEBUG=inittrace=1 "$reqs" "$url" 2>&1 >/dev/null </dev/null | awk '/^init / {t += $5} END {print t}'
done >"$work/init"

printf '%-8s %12s %10s\n' client "median us" "x curl"
printf '%-8s %12.0f %10.2f\n' curl "$(median <"$work/curl")" 1
printf '%-8s %12.0f %10.2f   (median of %d paired ratios)\n' reqs "$(median <"$work/reqs.us")" "$(median <"$work/ratio")" "$N"
printf '%-8s %12.0f %10.2f   (a bare Go net/http GET: the floor)\n' floor "$(median <"$work/floor.us")" "$(median <"$work/floor.ratio")"
if command -v http >/dev/null; then
	for _ in $(seq 20); do elapsed_us http --ignore-stdin "$url"; done >"$work/httpie"
	h=$(median <"$work/httpie")
	printf '%-8s %12.0f %10.2f   (alone, 20 runs)\n' httpie "$h" "$(echo "$h / $(median <"$work/curl")" | bc -l)"
fi
printf 'reqs package init: %.2f ms (median of 30 runs); binary %d KiB\n' "$(median <"$work/init")" $(($(stat -c %s "$reqs") / 1024))
