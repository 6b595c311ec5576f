#!/usr/bin/env bash
# A/B of two tracerd binaries (issue 20): measure a change to the call path
# before and after in one run.
#   TRACERD_A=old/tracerd TRACERD_B=new/tracerd [B=build] bash tests/bench/ab.sh
# Both default to $B/tracerd; the library and bench-loop are $B's. Each
# daemon on its own abstract socket, --log FILE, --allow DIR, side by side
# on a tmpfs (as root); AB_ROUNDS interleaved rounds (15), A/B order
# alternating per round, AB_CALLS calls per loop (20000). Modes:
#   mkdir     absolute fresh names under the allowed directory
#   mkdirrel  the same from inside it with relative names (tracerd opens
#             the program's cwd)
#   denied    an absolute path whose parent exists outside it: EPERM
# Prints per mode the median ns/call of A and of B, the median of the
# per-round ratios B/A (min-max) and each daemon's syscalls per call
# (strace -c -f over one loop, divided by the records it added to the log,
# as tests/bench/syscount.sh does). Exit 1 when a loop failed.
set -u
here=$PWD
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
# TRACERD_A/B as given, from the caller's directory
TA=$(cd "$here" && realpath -e -- "${TRACERD_A:-$top/$B/tracerd}") || exit 1
TB=$(cd "$here" && realpath -e -- "${TRACERD_B:-$top/$B/tracerd}") || exit 1
ROUNDS=${AB_ROUNDS:-15}
N=${AB_CALLS:-20000}
MODES="mkdir mkdirrel denied"
bench_need "ab bench" "make B=$B all bench-bins" "$TA" "$TB" "$bin/bench-loop" "$lib"
bench_tmp notif-bench-ab
bench_tmpfs 256m
mkdir -p "$T/cfg" "$T/allow" "$T/out"
DENIED=$T/out/x # parent exists, outside the allowed directory: EPERM

# start A|B BINARY: a tracerd on @notif-bench-ab-$$-A|B
start() {
	local v=$1 s=notif-bench-ab-$$-$1
	bench_daemon "$s" "$T/$v.err" env XDG_CONFIG_HOME="$T/cfg" "$2" --socket "$s" \
		--log "$T/$v.jsonl" --allow "$T/allow" ||
		{ echo "ab bench: tracerd $v ($2) did not start: $(cat "$T/$v.err")" >&2; exit 1; }
	eval "PID_$v=$DPID"
}

# loop A|B MODE [N]: bench-loop MODE under daemon A or B (no autostart:
# a daemon gone makes the loop fail instead of starting $B's)
loop() {
	TRACERD_SOCKET=notif-bench-ab-$$-$1 NOTIF_AUTOSTART=0 LD_PRELOAD=$lib \
		"$bin/bench-loop" -n "${3:-$N}" -d "$T/allow" -x "$DENIED" "$2"
}

# one A|B MODE: ns per call of MODE; the log emptied after (the tmpfs)
one() {
	loop "$1" "$2" 2>"$T/loop-err" | awk -v m="$2" '$1 == m { print $2 }'
	: >"$T/$1.jsonl"
}

# syscalls A|B MODE: syscount.sh's syscalls_during over one loop of 2000
syscalls() {
	local pid=PID_$1
	syscalls_during "${!pid}" "$T/$1.jsonl" loop "$1" "$2" 2000
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
start A "$TA"
start B "$TB"
declare -A ns
for ((r = 0; r < ROUNDS; r++)); do
	order="A B"
	((r % 2)) && order="B A"
	for m in $MODES; do
		for v in $order; do
			ns[$v]=$(one "$v" "$m")
			[ -n "${ns[$v]}" ] || {
				echo "ab bench: round $r, mode $m, tracerd $v failed: $(cat "$T/loop-err")" >&2
				exit 1
			}
		done
		echo "$m ${ns[A]} ${ns[B]}"
	done
done >"$T/rounds"
for m in $MODES; do
	sc=("?" "?")
	command -v strace >/dev/null && sc=("$(syscalls A "$m")" "$(syscalls B "$m")")
	echo "$m ${sc[0]} ${sc[1]}"
done >"$T/syscalls"
echo "A: $TA  sha256 $(sha256sum "$TA" | cut -c1-12)"
echo "B: $TB  sha256 $(sha256sum "$TB" | cut -c1-12)"
echo "library: $lib  load average at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c '
import statistics, sys
rounds = [l.split() for l in open(sys.argv[1])]
sc = {l.split()[0]: l.split()[1:] for l in open(sys.argv[2])}
fs = "tmpfs" if sys.argv[5] == "1" else "no tmpfs (not root)"
print("A/B, %s rounds of %s calls, A/B order alternating, %s" % (sys.argv[3], sys.argv[4], fs))
print("%-9s %9s %9s  %-24s %7s %7s" % ("mode", "A us", "B us", "B/A: median (min-max)",
                                          "sc A", "sc B"))
for m in ("mkdir", "mkdirrel", "denied"):
    a = [float(r[1]) for r in rounds if r[0] == m]
    b = [float(r[2]) for r in rounds if r[0] == m]
    q = sorted(y / x for x, y in zip(a, b))
    rt = "%.3f (%.3f-%.3f)" % (statistics.median(q), q[0], q[-1])
    print("%-9s %9.2f %9.2f  %-24s %7s %7s" % (m, statistics.median(a) / 1e3,
          statistics.median(b) / 1e3, rt, *sc[m]))
print("us: median of the rounds; sc: tracerd syscalls per call (strace, one loop of 2000)")
' "$T/rounds" "$T/syscalls" "$ROUNDS" "$N" "$(mountpoint -q "$T" && echo 1)"
