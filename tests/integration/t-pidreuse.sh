#!/bin/bash
# Issue 4, PID reuse: the target dies between RECV and tracerd's reads, and
# its pid is handed to another process at once (ns_last_pid forces it).
# NOTIF_ID_VALID after the reads must reject what was read: no directory,
# nothing read from the impostor used, an `error` record and a `lost`
# event, and tracerd serving on.
. "$(dirname "$0")/lib.sh"

MKDIR_NR=83	# x86_64

# impostor PID: start a process that gets exactly PID (sets IMP), or fail.
# Any fork elsewhere on the machine between the write and ours takes the
# pid first: try again, many times (each try is one short-lived fork).
impostor() {
	local want=$1 i
	for ((i = 0; i < 1000; i++)); do
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 30 &
		IMP=$!
		[ "$IMP" -eq "$want" ] && return 0
		kill "$IMP"
		wait "$IMP" 2>/dev/null || true
	done
	return 1
}

test_pid_reuse() {
	local victim
	[ -w /proc/sys/kernel/ns_last_pid ] || skip ns_last_pid "/proc/sys/kernel/ns_last_pid is not writable"
	sup "$PROGS/mk" mkdir "$IN/victim" >"$T/v.out" 2>&1 &
	victim=$!
	# sup is timeout -> env -> mk: find mk, the process in mkdir
	poll eval 'for p in $(pgrep -f "$PROGS/mk mkdir $IN/victim"); do in_syscall $p $MKDIR_NR && echo $p >"$T/vpid"; done; [ -s "$T/vpid" ]' ||
		fail "the victim is not in mkdir"
	victim=$(cat "$T/vpid")
	kill -KILL "$victim"
	poll eval '! kill -0 '"$victim"' 2>/dev/null' || fail "the victim did not die"
	impostor "$victim" || skip pid-reuse "could not hand pid $victim to another process"
	# tracerd's delay ends; it must not act on the impostor
	poll has_event lost || { kill "$IMP"; dump_tracerd; fail "no lost event"; }
	kill "$IMP"
	wait "$IMP" 2>/dev/null || true
	assert_absent "$IN/victim"
	expect_record tid="$victim" decision=error errno=EPERM reason="target vanished"
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
}

has_event() { [ "$(audit_count event="$1")" -ge 1 ]; }

need_prog mk
TRACERD_TEST_DELAY_MS=1500 start_tracerd || exit 1
t "PID reused between RECV and the reads: rejected by ID_VALID, lost event" test_pid_reuse
stop_tracerd
