#!/usr/bin/env bash
# make bench, issue 20: where an allowed and a refused call spend their
# time in tracerd. The instrumented daemon ($B/stages/tracerd, built with
# -DTRACERD_STAGES: tracerd/stages.h) runs the allowed loop (fresh names
# under the allowed root) and the refused loop (EPERM: a parent outside
# it), N calls each, on a tmpfs; at its exit it prints the nanoseconds of
# each stage (stagesdump.c). ROUNDS rounds, a fresh daemon each; the table
# gives per stage the median over the rounds of the mean ns per call, and
# its share of the call's time in tracerd (RECV's return to SEND's).
# The plain daemon runs the same loops in each round, so the cost of the
# clock itself shows (the programs' own ns per call, both daemons).
# Environment: B (build), BENCH_STAGES_ROUNDS (5), BENCH_STAGES_CALLS (20000).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
B=${B:-build}
bin=$top/$B/bench
lib=$top/$B/libnotif.so
ROUNDS=${BENCH_STAGES_ROUNDS:-5}
N=${BENCH_STAGES_CALLS:-20000}
for f in "$top/$B/stages/tracerd" "$top/$B/tracerd" "$bin/bench-loop" "$lib"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "stages: $f missing (make bench)" >&2; exit 1; }
done
T=$(mktemp -d /tmp/notif-bench-stg.XXXXXX) || exit 1
PID=
cleanup() {
	[ -z "$PID" ] || { kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
	mountpoint -q "$T" && umount -l "$T"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
chmod 0755 "$T"
fs=$(stat -f -c %T "$T")
[ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256m,mode=0755 notif-bench-stg "$T" && fs=tmpfs
mkdir -p "$T/allowed" "$T/denied"
SOCK=notif-bench-stg-$$

listening() {
	awk -v n="@$SOCK" '$4 == "00010000" && $8 == n { f = 1 } END { exit !f }' /proc/net/unix
}

# run ROUND DAEMON-NAME DAEMON: the two loops against a fresh DAEMON;
# "loop ROUND NAME MODE NS" lines, and the stage lines of its exit
run() {
	local out
	"$3" --socket "$SOCK" --log "$T/audit.jsonl" --allow "$T/allowed" 2>"$T/err" &
	PID=$!
	for _ in $(seq 1 500); do
		listening && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.01
	done
	listening || { echo "stages: $2 did not start: $(tail -n 1 "$T/err")" >&2; exit 1; }
	if ! out=$(TRACERD_SOCKET=$SOCK LD_PRELOAD=$lib timeout 120 "$bin/bench-loop" -n "$N" \
		-d "$T/allowed" -x "$T/denied/x" mkdir denied 2>&1); then
		echo "stages: the loops under $2 failed: $out" >&2
		exit 1
	fi
	awk -v r="$1" -v d="$2" '$1 == "mkdir" || $1 == "denied" { print "loop", r, d, $1, $2 }' \
		<<<"$out"
	kill -TERM "$PID"
	wait "$PID" || { echo "stages: $2 exited $? on SIGTERM" >&2; exit 1; }
	PID=
	grep '^stage ' "$T/err" | sed "s/^stage /stage $1 /"
	: >"$T/audit.jsonl"
}

for ((r = 0; r < ROUNDS; r++)); do
	if ((r % 2)); then
		run "$r" plain "$top/$B/tracerd"
		run "$r" stages "$top/$B/stages/tracerd"
	else
		run "$r" stages "$top/$B/stages/tracerd"
		run "$r" plain "$top/$B/tracerd"
	fi
done >"$T/lines"
echo "== issue 20: where a call spends its time in tracerd ($ROUNDS rounds of $N allowed" \
	"and $N refused mkdirs, fs: $fs) =="
echo "command: make bench (B=$B bash tests/bench/stages.sh); daemon: $B/stages/tracerd"
python3 "$top/tests/bench/stages.py" "$T/lines"
