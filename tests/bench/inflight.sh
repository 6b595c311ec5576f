#!/usr/bin/env bash
# make bench, second part: the allowed mkdir with the in-flight table
# against without (TRACERD_TEST_NO_INFLIGHT), two tracerds side by side,
# ROUNDS interleaved rounds in alternating order on a tmpfs; prints the
# median of the per-round ratios and the syscalls per call of each (strace
# -c -f on the daemon over one loop: the table adds none).
set -u
# shellcheck source=tests/bench/syscount.sh
. "$(dirname "$0")/syscount.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
B=${B:-build}
bin=$top/$B/bench
lib=$top/$B/libnotif.so
ROUNDS=${BENCH_INFLIGHT_ROUNDS:-15}
N=20000
T=$(mktemp -d /tmp/notif-bench-if.XXXXXX) || exit 1
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	mountpoint -q "$T" && umount "$T"
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
[ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256m,mode=0755 notif-bench-if "$T"
mkdir -p "$T/with" "$T/without"

# start VARIANT [ENV...]: a tracerd on @notif-bench-if-$$-VARIANT
start() {
	local v=$1 i
	shift
	env "$@" "$top/$B/tracerd" --socket "notif-bench-if-$$-$v" --log "$T/$v.jsonl" \
		--allow "$T" 2>"$T/$v.err" &
	PIDS+=($!)
	eval "PID_$v=$!"
	for ((i = 0; i < 500; i++)); do
		grep -q "@notif-bench-if-$$-$v\$" /proc/net/unix 2>/dev/null && return 0
		sleep 0.01
	done
	echo "inflight bench: tracerd ($v) did not start: $(cat "$T/$v.err")" >&2
	exit 1
}

# one VARIANT: ns per allowed mkdir
one() {
	TRACERD_SOCKET=notif-bench-if-$$-$1 LD_PRELOAD=$lib \
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
