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
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_STAGES_ROUNDS:-5}
N=${BENCH_STAGES_CALLS:-20000}
bench_need stages "make bench" \
	"$top/$B/stages/tracerd" "$top/$B/tracerd" "$bin/bench-loop" "$lib"
bench_tmp notif-bench-stg
bench_tmpfs 256m
mkdir -p "$T/allowed" "$T/denied"
SOCK=notif-bench-stg-$$

# run ROUND DAEMON-NAME DAEMON: the two loops against a fresh DAEMON;
# "loop ROUND NAME MODE NS" lines, and the stage lines of its exit
run() {
	local out
	bench_daemon "$SOCK" "$T/err" "$3" --socket "$SOCK" --log "$T/audit.jsonl" \
		--allow "$T/allowed" ||
		{ echo "stages: $2 did not start: $(tail -n 1 "$T/err")" >&2; exit 1; }
	if ! out=$(TRACERD_SOCKET=$SOCK NOTIF_AUTOSTART=0 LD_PRELOAD=$lib timeout 120 \
		"$bin/bench-loop" -n "$N" -d "$T/allowed" -x "$T/denied/x" mkdir denied 2>&1); then
		echo "stages: the loops under $2 failed: $out" >&2
		exit 1
	fi
	awk -v r="$1" -v d="$2" '$1 == "mkdir" || $1 == "denied" { print "loop", r, d, $1, $2 }' \
		<<<"$out"
	bench_stop "$DPID" || { echo "stages: $2 exited $? on SIGTERM" >&2; exit 1; }
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
	"and $N refused mkdirs, fs: $FS) =="
echo "command: make bench (B=$B bash tests/bench/stages.sh); daemon: $B/stages/tracerd"
python3 "$top/tests/bench/stages.py" "$T/lines"
