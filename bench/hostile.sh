#!/usr/bin/env bash
# hostile.sh measures reqs against the bodies of the test fault server that
# are built to cost far more than their size (the /hostile/ routes, served
# by bench/streamserver in a process of its own), with the budgets they
# must keep:
#   1. highlighting 1 MiB of each hostile body on a terminal (JavaScript,
#      HTML, YAML, CSS): wall time, budget under a second;
#   2. --jq over 64 MiB arrays of integers and of records: peak RSS,
#      budget 4 times the body plus 64 MiB;
#   3. a request file with six references and two jq assertions on one
#      63 MiB body: wall time and peak RSS, same budget;
#   4. --pretty=format over 60 MB of unclosed <a>, and --sort-keys over an
#      object of 5 million keys: peak RSS, budget 64 MiB.
# Peak RSS needs GNU time at /usr/bin/time.
#
#   bench/hostile.sh
#   REQS=/path/to/reqs bench/hostile.sh     measure that binary instead
#   TIMEOUT=60 bench/hostile.sh             give up on a run after 60 s
#                                           (an older reqs takes hours on 1.)
set -euo pipefail

limit=${TIMEOUT:-600}
script=hostile.sh
source "$(dirname "$0")/streamserver_setup.sh"

have_time=false
if /usr/bin/time -f %e true >/dev/null 2>&1; then
	have_time=true
fi

# run NAME BUDGET_MIB CMD...: runs CMD (output discarded, after $limit
# seconds killed) and prints its wall time, peak RSS and budget.
run() {
	local name=$1 budget=$2 status=0
	shift 2
	if $have_time; then
		/usr/bin/time -f '%e %M' -o "$tmp/time" timeout "$limit" "$@" >/dev/null 2>"$tmp/err" || status=$?
		read -r wall rss < <(tail -n1 "$tmp/time") || true
		rss="$((rss / 1024)) MiB"
	else
		local TIMEFORMAT=%R
		wall=$({ time timeout "$limit" "$@" >/dev/null 2>"$tmp/err"; } 2>&1) || status=$?
		rss=n/a
	fi
	local note=
	case $status in
	0) ;;
	124) note="killed after ${limit} s" ;;
	*) note="exit $status: $(grep -m1 -v '^Command' "$tmp/err" | cut -c1-70)" ;;
	esac
	printf '%-44s %8ss %10s %10s  %s\n' "$name" "$wall" "$rss" "$budget" "$note"
}

mib=$((1 << 20))
printf '%-44s %9s %10s %10s\n' measure wall "peak RSS" budget
for kind in js html yaml css; do
	run "highlight 1 MiB hostile $kind" "< 1 s" env REQS_FORCE_TTY=1 "$reqs" -b --style monokai "$base/hostile/highlight?kind=$kind&size=$mib"
done
for kind in ints objects; do
	run "--jq . on 64 MiB of $kind" "320 MiB" "$reqs" --jq . "$base/hostile/json?kind=$kind&size=$((64 * mib))"
	run "--jq '.[] | .id?' on 64 MiB of $kind" "320 MiB" "$reqs" --jq '.[] | .id?' "$base/hostile/json?kind=$kind&size=$((64 * mib))"
done
run "--jq length on 64 MiB of ints" "320 MiB" "$reqs" --jq length "$base/hostile/json?kind=ints&size=$((64 * mib))"

for kind in objects ints; do
	if [[ $kind == objects ]]; then
		refs='a={{big.response.body.$[0].id}}&b={{big.response.body.$[1].name}}&c={{big.response.body.$[-1].id}}&d={{big.response.body.$[100].tags[1]}}&e={{big.response.body.$[7].active}}&f={{big.response.body.$[3].score}}'
		asserts=$'?? jq .[0].id == 0\n?? jq .[1].active == true'
	else
		refs='a={{big.response.body.$[0]}}&b={{big.response.body.$[1]}}&c={{big.response.body.$[-1]}}&d={{big.response.body.$[100]}}&e={{big.response.body.$[7]}}&f={{big.response.body.$[3]}}'
		asserts=$'?? jq .[0] == 0\n?? jq .[1] == 7919'
	fi
	printf '# @name big\nGET %s/hostile/json?kind=%s&size=%d\n\n%s\n\n###\nGET %s/get?%s\n' \
		"$base" "$kind" $((63 * mib)) "$asserts" "$base" "$refs" >"$tmp/refs-$kind.http"
	run "run: 6 refs + 2 jq on 63 MiB of $kind" "316 MiB" "$reqs" run "$tmp/refs-$kind.http"
done

run "--pretty=format: 60 MB of unclosed <a>" "64 MiB" "$reqs" --pretty=format "$base/hostile/xml?depth=20000000"
run "--sort-keys: an object of 5M keys (84 MB)" "64 MiB" "$reqs" --pretty=format --sort-keys "$base/hostile/keys?n=5000000"
