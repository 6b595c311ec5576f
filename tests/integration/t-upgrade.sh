#!/bin/bash
# Issue 16, upgrades without systemd: SIGUSR2 makes tracerd exec the binary
# at the path it was started from (a replaced file is the new version),
# handing over its socket, its listeners and its in-flight table. Under 4
# looping programs nothing fails, is lost or doubled; a call stuck past
# the 2 s grace is handed over in the table and answered once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-loops.sh"

# A copy of tracerd to replace under the running daemon, in a directory
# other uids can reach (the suite's rule for executables).
BIN=$WORK/bin
mkdir -p "$BIN"
chmod 0755 "$BIN"
cp "$TRACERD" "$BIN/tracerd"
SRC=$TRACERD
TRACERD=$BIN/tracerd

starts() { audit_count event=start; }

# usr2: SIGUSR2, then wait for the new image's start event
usr2() {
	local before
	before=$(starts)
	kill -USR2 "$TRACERD_PID"
	poll eval '[ "$(starts)" -gt '"$before"' ]' || { dump_tracerd; fail "no start after SIGUSR2"; }
}

test_twice_under_load() {
	local ino
	loops_start 120
	sleep 0.5
	usr2
	# a replaced binary: the next upgrade runs the new file
	cp "$SRC" "$BIN/tracerd.new"
	mv -f "$BIN/tracerd.new" "$BIN/tracerd"
	ino=$(stat -c %i "$BIN/tracerd")
	sleep 0.5
	usr2
	assert_eq "$(stat -L -c %i "/proc/$TRACERD_PID/exe")" "$ino" "the running binary's inode"
	loops_check 120
	assert_eq "$(audit_count event=start)" 3 "start events"
	assert_eq "$(audit_count event=start adopted=$LOOPS)" 2 "start events adopting the loops"
	assert_eq "$(audit_count event=attach adopted=True)" $((2 * LOOPS)) "adopted attach events"
	assert_eq "$(audit_count event=stop reason^=upgrade)" 2 "upgrade stop events"
	expect_records 0 event=lost
}

# A call held longer than the 2 s grace: the old image execs without it,
# the new one finds it in the table and answers it (held again by the
# same hook, then created): one answer 0, one record, recovered.
test_stuck_call() {
	sup /usr/bin/python3 -c '
import os, sys
try:
    os.mkdir(sys.argv[1]); print("rc 0")
except OSError as e:
    print("rc", e.errno)
' "$IN/STUCK" >"$T/stuck.out" 2>&1 &
	local p=$!
	poll sleeping_at_least 1 || { dump_tracerd; fail "the call was not held"; }
	usr2
	wait "$p"
	assert_eq "$(cat "$T/stuck.out")" "rc 0" "the stuck mkdir"
	assert_dir "$IN/STUCK"
	expect_records 1 path="$IN/STUCK"
	expect_records 1 path="$IN/STUCK" recovered?
}

exec 5>&1
start_tracerd || exit 1
t "SIGUSR2 twice under $LOOPS looping programs, the binary replaced: nothing fails, lost or doubled" \
	test_twice_under_load
stop_tracerd
export TRACERD_TEST_STALL=STUCK TRACERD_TEST_STALL_MS=2500 TRACERD_TEST_STALL_AT=after-recv
start_tracerd || exit 1
t "a call stuck past the grace is handed over in the in-flight table: answered once" \
	test_stuck_call
stop_tracerd
unset TRACERD_TEST_STALL TRACERD_TEST_STALL_MS TRACERD_TEST_STALL_AT
