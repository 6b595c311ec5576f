#!/usr/bin/env bash
# make bench, second part: the allowed mkdir with the in-flight table
# against without (TRACERD_TEST_NO_INFLIGHT), two tracerds side by side,
# ROUNDS interleaved rounds in alternating order on a tmpfs; prints the
# median of the per-round ratios and the syscalls per call of each (strace
# -c -f on the daemon over one loop: the table adds none).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_INFLIGHT_ROUNDS:-15}
N=20000
bench_tmp notif-bench-if
bench_tmpfs 256m
mkdir -p "$T/with" "$T/without"

# start VARIANT [ENV...]: a tracerd on @notif-bench-if-$$-VARIANT
start() {
	local v=$1 s=notif-bench-if-$$-$1
	shift
	bench_daemon "$s" "$T/$v.err" env "$@" "$top/$B/tracerd" --socket "$s" \
		--log "$T/$v.jsonl" --allow "$T" ||
		{ echo "inflight bench: tracerd ($v) did not start: $(cat "$T/$v.err")" >&2; exit 1; }
	eval "PID_$v=$DPID"
}

# one VARIANT: ns per allowed mkdir
one() {
	TRACERD_SOCKET=notif-bench-if-$$-$1 NOTIF_AUTOSTART=0 LD_PRELOAD=$lib \
		"$bin/bench-loop" -n "$N" -d "$T/$1" mkdir 2>/dev/null | awk '$1 == "mkdir" { print $2 }'
}

start with
start without TRACERD_TEST_NO_INFLIGHT=1
ratios=()
for ((r = 0; r < ROUNDS; r++)); do
	if ((r % 2)); then b=$(one without); a=$(one with); else a=$(one with); b=$(one without); fi
	if [ -z "$a" ] || [ -z "$b" ]; then echo "inflight bench: round $r failed" >&2; exit 1; fi
	ratios+=("$a $b")
done
printf '%s\n' "${ratios[@]}" | python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in sys.stdin]
r = sorted(a / b for a, b in rows)
print("in-flight table, allowed mkdir (%d rounds of %s calls, tmpfs)" % (len(rows), sys.argv[1]))
print("  with table    %8.2f us  (median)" % (statistics.median(a for a, _ in rows) / 1e3))
print("  without table %8.2f us  (median)" % (statistics.median(b for _, b in rows) / 1e3))
print("  with / without: median of per-round ratios %.3f (min %.3f, max %.3f)" %
      (statistics.median(r), r[0], r[-1]))
' "$N"
# syscalls per call of each daemon over one loop (strace counts them)
if command -v strace >/dev/null; then
	for v in with without; do
		pid=PID_$v
		mkdir -p "$T/sc-$v"
		echo "  syscalls of tracerd per mkdir, $v table: $(syscalls_per_call "${!pid}" \
			"notif-bench-if-$$-$v" "$T/$v.jsonl" "$T/sc-$v")"
	done
fi
