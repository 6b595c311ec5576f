#!/bin/bash
# test-examples.sh [BUILD]: run every example and check what it prints
# (`make examples-test`). TAP-style lines, the output of a failing case
# indented under it, last line `N passed, N failed`; exit 1 on a failure.
#
# Signals are sent once the tracer has printed "Tracer: delaying" (it has
# received the call, so the target is known to be blocked): no sleep is
# used for synchronisation, only polling for that line.
set -u
export LC_ALL=C
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-build}
case $B in /*) ;; *) B=$TOP/$B ;; esac
export B
DEMO=$B/seed-demo
N=0
N_PASS=0
N_FAIL=0
W=$(mktemp -d /tmp/notif-ex-test.XXXXXX)
OUTSIDE=/var/tmp/notif-ex-test-$$
trap 'rm -rf "$W" "$OUTSIDE"' EXIT

# t NAME FUNCTION: run FUNCTION in a subshell with $D a fresh dir under /tmp
# and $O its output file.
t() {
	N=$((N + 1))
	D=$W/t$N
	O=$W/t$N.out
	mkdir -p "$D"
	if (cd "$D" && "$2") >"$W/t$N.log" 2>&1; then
		N_PASS=$((N_PASS + 1))
		echo "ok $N - $1"
	else
		N_FAIL=$((N_FAIL + 1))
		echo "not ok $N - $1"
		sed 's/^/#   /' "$W/t$N.log" | tail -n 60
	fi
}

fail() {
	echo "FAILED: $*"
	[ -f "$O" ] && sed 's/^/  | /' "$O"
	exit 1
}
has() { grep -qE -- "$1" "$O" || fail "output lacks /$1/"; }
hasnt() { ! grep -qE -- "$1" "$O" || fail "output has /$1/"; }
count() { [ "$(grep -cE -- "$1" "$O")" -eq "$2" ] || fail "/$1/ not exactly $2 times"; }
isdir() { [ -d "$1" ] || fail "$1 was not created"; }
absent() { [ ! -e "$1" ] || fail "$1 exists"; }

# demo [ARGS]: run seed-demo into $O, expect exit 0.
demo() {
	timeout 60 "$DEMO" "$@" >"$O" 2>&1 || fail "seed-demo $* exited $?"
}

# Poll $O for a line (at most 30 s).
wait_line() {
	for _ in $(seq 3000); do
		grep -qE -- "$1" "$O" && return 0
		sleep 0.01
	done
	fail "no /$1/ within 30 s"
}

target_pid() {
	sed -n 's/^Target process: PID = //p' "$O"
}

. "$TOP/examples/test-seed.sh"
. "$TOP/examples/test-walk.sh"

echo "1..$N"
echo "$N_PASS passed, $N_FAIL failed"
[ "$N_FAIL" -eq 0 ]
