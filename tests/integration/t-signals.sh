#!/bin/bash
# Issue 4, signals and death while tracerd holds a call (the test-only
# TRACERD_TEST_DELAY_MS hook), the kernel-feature fallbacks, and a target
# tracerd cannot see (another pid namespace).
. "$(dirname "$0")/lib.sh"

MKDIR_NR=83	# x86_64

tracerd_delaying() {
	local f nr
	for f in /proc/"$TRACERD_PID"/task/*/syscall; do
		read -r nr _ <"$f" 2>/dev/null || continue
		[ "$nr" = 230 ] || [ "$nr" = 35 ] && return 0	# clock_nanosleep, nanosleep
	done
	return 1
}

# sig_call [restart] PATH: `sig` supervised in the background; returns once
# it is blocked in mkdir and tracerd holds the call (sleeping in its delay).
sig_call() {
	need_prog sig
	rm -f "$T/out"
	sup "$PROGS/sig" "$@" >"$T/out.new" 2>"$T/err" &
	BG=$!
	poll test -s "$T/out.new" || fail "sig did not start"
	SPID=$(head -n 1 "$T/out.new")
	poll in_syscall "$SPID" $MKDIR_NR || { show_run; cat "/proc/$SPID/syscall" >&2; fail "sig is not in mkdir"; }
	poll tracerd_delaying || fail "tracerd is not holding the call"
}

lost_at_least() { [ "$(audit_count event=lost)" -ge "$1" ]; }
# sig_wait: wait for the background `sig`; its result line in SR
sig_wait() {
	RC=0
	wait "$BG" || RC=$?
	mv "$T/out.new" "$T/out"
	SR=$(sed -n 2p "$T/out")
}

test_handled_signal() {
	local mode
	for mode in plain restart; do
		if [ $mode = plain ]; then sig_call "$IN/$mode"; else sig_call restart "$IN/$mode"; fi
		kill -USR1 "$SPID"
		sig_wait
	assert_eq "$SR" "0 handled=1" "mkdir result ($mode)"
		assert_dir "$IN/$mode"
		expect_records 1 path="$IN/$mode"
		expect_record path="$IN/$mode" decision=emulated errno=null
	done
	expect_no_record event=lost
}

test_not_killable() {
	# without WAIT_KILLABLE_RECV (forced): EINTR, the README limit
	LIBNOTIF=$LIBNOTIF_NOKILL sig_call "$IN/eintr"
	kill -USR1 "$SPID"
	sig_wait
	assert_eq "$SR" "EINTR handled=1" "mkdir result"
	poll lost_at_least 1 || { dump_tracerd; fail "no lost event"; }
	assert_absent "$IN/eintr"
	# SA_RESTART: the kernel re-issues the call; the first was not created
	LIBNOTIF=$LIBNOTIF_NOKILL sig_call restart "$IN/again"
	kill -USR1 "$SPID"
	sig_wait
	assert_eq "$SR" "0 handled=1" "restarted mkdir result"
	assert_dir "$IN/again"
	expect_records 1 path="$IN/again" decision=emulated errno=null
}

test_sigkill_target() {
	local lost
	lost=$(audit_count event=lost)
	sig_call "$XT/killed"
	kill -KILL "$SPID"
	sig_wait
	poll lost_at_least $((lost + 1)) || { dump_tracerd; fail "no lost event"; }
	assert_absent "$XT/killed"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
	run sup mkdir "$IN/after"
	assert_rc 0
}

test_stop_cont() {
	sig_call "$IN/stopped"
	kill -STOP "$SPID"
	poll has_record path="$IN/stopped" || { dump_tracerd; fail "no record"; }
	kill -CONT "$SPID"
	sig_wait
	assert_eq "$SR" "0 handled=0" "mkdir result"
	assert_dir "$IN/stopped"
	expect_record path="$IN/stopped" decision=emulated errno=null
}

test_fallbacks_work() {
	run sup mkdir "$IN/nk" "$XT/nk"
	expect_in_out "$IN/nk" "$XT/nk"
}

test_other_pidns() {
	run sup "$PROGS/mk" mkdir "$IN/pidns"
	assert_out EPERM
	assert_absent "$IN/pidns"
	expect_record decision=error errno=EPERM tid=0 reason?
}

start_tracerd || exit 1
LIBNOTIF=$LIBNOTIF_NOKILL \
	t "without WAIT_KILLABLE_RECV (the test build of the library): answered" test_fallbacks_work
stop_tracerd
export TRACERD_TEST_NO_SYNC_WAKE_UP=1
start_tracerd || exit 1
unset TRACERD_TEST_NO_SYNC_WAKE_UP
t "without SYNC_WAKE_UP (forced: TRACERD_TEST_NO_SYNC_WAKE_UP): answered" test_fallbacks_work
stop_tracerd

export TRACERD_TEST_DELAY_MS=300
start_tracerd || exit 1
unset TRACERD_TEST_DELAY_MS
t "a handled signal mid-call (with and without SA_RESTART): 0, one dir, one record" test_handled_signal
t "without WAIT_KILLABLE_RECV: EINTR + lost event; SA_RESTART re-issues" test_not_killable
t "SIGKILL of the target mid-call: lost event, nothing created, tracerd serves on" test_sigkill_target
t "SIGSTOP/SIGCONT of the target mid-call: 0" test_stop_cont
stop_tracerd

start_tracerd --pidns || exit 1
t "a target tracerd cannot see (pid 0): EPERM, error record" test_other_pidns
stop_tracerd
