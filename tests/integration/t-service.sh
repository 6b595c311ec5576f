#!/bin/bash
# Issue 15, tracerd under a real systemd user manager (Debian's systemd
# 252): socket activation, Type=notify (READY=1, STATUS=, STOPPING=1), the
# reload and log-reopen signals, the watchdog (a frozen main loop is
# restarted, every answering thread stuck in a call is not) and exit code 2
# not restarted in a loop. One manager for the whole file, in a private
# mount namespace (../shared/KERNEL-NOTES.md); every unit and socket name
# carries this script's pid.
if [ -z "${NOTIF_SVC_NS:-}" ] && [ "$(id -u)" = 0 ] && [ -x /lib/systemd/systemd ] &&
	unshare -m --propagation private true 2>/dev/null; then
	NOTIF_SVC_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-systemd.sh"

# ------------------------------------------------------------ the tests
# Nothing runs until the first supervised program connects; then tracerd
# is started with the socket, serves the call and says READY=1.
test_activation() {
	use main
	is_state "$SERVICE" inactive || fail "$SERVICE runs before any program"
	run sup mkdir "$IN/first"
	assert_rc 0 "the first supervised mkdir"
	assert_dir "$IN/first"
	expect_record path="$IN/first" decision=emulated errno=null
	is_state "$SERVICE" active || { dump_service; fail "$SERVICE is not active after the call"; }
	assert_eq "$(prop "$SERVICE" SubState)" running "SubState (READY=1 received)"
	grep -qF "socket-activated, serving on @$TRACERD_SOCKET" "$TRACERD_ERR" ||
		{ dump_service; fail "tracerd did not say it serves the passed socket"; }
	expect_records 1 event=start pid="$(main_pid)"
}

# STATUS= reaches `systemctl status` and follows what happened.
test_status() {
	use main
	run sup sh -c "mkdir '$IN/s1' && mkdir '$XT/s2'"
	assert_rc 1 "one emulated, one denied"
	poll status_has "calls: 2 emulated, 1 denied, 0 error; 0 records lost" ||
		{ dump_service; fail "StatusText is '$(prop "$SERVICE" StatusText)'"; }
	sc status --no-pager "$SERVICE" >"$T/status" 2>&1 || true
	grep -qF 'Status: "0 programs attached; calls: 2 emulated, 1 denied' "$T/status" ||
		{ cat "$T/status" >&2; fail "systemctl status shows no Status: line"; }
}

# moved_reopen HOW: move the log away, make tracerd reopen it (HOW), the
# next record goes to a new file at the path, none to the moved one.
moved_reopen() {
	local pid n
	pid=$(main_pid)
	n=$(err_lines "reopened the audit log")
	mv "$TRACERD_LOG" "$TRACERD_LOG.$1"
	case $1 in
	reload) sc reload "$SERVICE" ;;
	usr1) kill -s USR1 "$pid" ;;
	esac
	poll err_count_at_least "reopened the audit log" $((n + 1)) ||
		{ dump_service; fail "no reopen after $1"; }
	run sup mkdir "$IN/after-$1"
	assert_rc 0 "mkdir after $1"
	[ -f "$TRACERD_LOG" ] || fail "no new log file after $1"
	expect_record path="$IN/after-$1" decision=emulated errno=null
	TRACERD_LOG=$TRACERD_LOG.$1 expect_no_record path="$IN/after-$1"
	assert_eq "$(main_pid)" "$pid" "MainPID after $1 (not restarted)"
	poll is_state "$SERVICE" active || fail "not active after $1"
}

test_reload() {
	use main
	moved_reopen reload
	# RELOADING=1 ... READY=1: back to running, not stuck in reloading
	poll test "$(prop "$SERVICE" SubState)" = running || fail "SubState after reload"
}

test_usr1() {
	use main
	moved_reopen usr1
}

# The log's directory gone and made unwritable: the reopen fails, tracerd
# says so and keeps writing to the file it has.
test_reopen_fails() {
	use main
	local n
	n=$(err_lines "cannot reopen the audit log")
	mv "$TRACERD_LOG" "$TRACERD_LOG.kept"
	mkdir "$TRACERD_LOG"	# a directory in its place: not a regular file
	kill -s USR1 "$(main_pid)"
	poll err_count_at_least "cannot reopen the audit log" $((n + 1)) ||
		{ dump_service; fail "no complaint about the failed reopen"; }
	run sup mkdir "$IN/kept"
	assert_rc 0 "mkdir after a failed reopen"
	rmdir "$TRACERD_LOG"
	TRACERD_LOG=$TRACERD_LOG.kept expect_record path="$IN/kept" decision=emulated errno=null
	mv "$TRACERD_LOG.kept" "$TRACERD_LOG"
}

# systemctl stop: SIGTERM, a clean exit 0 with a stop event, no restart;
# the socket stays and the next program starts tracerd again.
test_stop() {
	use main
	local pid
	pid=$(main_pid)
	sc stop "$SERVICE"
	is_state "$SERVICE" inactive || { dump_service; fail "not inactive after stop:" \
		"$(prop "$SERVICE" ActiveState) $(prop "$SERVICE" Result) $(prop "$SERVICE" ExecMainStatus)"; }
	assert_eq "$(prop "$SERVICE" Result)" success "Result"
	assert_eq "$(prop "$SERVICE" ExecMainStatus)" 0 "exit status"
	kill -0 "$pid" 2>/dev/null && fail "tracerd $pid still runs"
	[ "$(tail -n 1 "$TRACERD_LOG" | "$PY" -c 'import json,sys; r=json.load(sys.stdin); print(r.get("event"), r.get("pid"))')" = "stop $pid" ] ||
		{ tail -n 3 "$TRACERD_LOG" >&2; fail "the log does not end with tracerd's stop event"; }
	audit_wellformed "$TRACERD_LOG" || fail "log not well-formed"
	is_state "$U-main.socket" active || fail "the socket unit stopped too"
	run sup mkdir "$IN/again"
	assert_rc 0 "mkdir once stopped"
	expect_record path="$IN/again" decision=emulated errno=null
	main_pid_not "$pid" || fail "no new tracerd"
}

# SIGTERM straight to tracerd while a call is held: STOPPING=1 puts the
# service into deactivating while tracerd finishes the call; then exit 0,
# no restart.
test_stopping() {
	use held
	local pid bg
	echo "TRACERD_TEST_STALL=heldcall" >"$SVC/held/env"
	echo "TRACERD_TEST_STALL_MS=1500" >>"$SVC/held/env"
	sc start "$SERVICE" || { dump_service; fail "cannot start $SERVICE"; }
	pid=$(main_pid)
	sup mkdir "$IN/heldcall" >"$T/held.out" 2>&1 &
	bg=$!
	poll sleeping_in "$pid" || { dump_service; fail "tracerd does not hold the call"; }
	kill -TERM "$pid"
	poll is_state "$SERVICE" deactivating ||
		{ dump_service; fail "no deactivating state (STOPPING=1) while the call is finished"; }
	wait "$bg" || fail "the held mkdir failed: $(cat "$T/held.out")"
	assert_dir "$IN/heldcall"
	expect_record path="$IN/heldcall" decision=emulated errno=null
	poll is_state "$SERVICE" inactive || fail "not inactive after the stop"
	assert_eq "$(prop "$SERVICE" ExecMainStatus)" 0 "exit status"
	assert_eq "$(prop "$SERVICE" NRestarts)" 0 "NRestarts"
	rm -f "$SVC/held/env"
}

sleeping_in() { TRACERD_SIGPID=$1 sleeping_at_least 1; }

# The main loop frozen (test hook): WATCHDOG=1 stops, systemd aborts and
# restarts tracerd; the new one serves (the hook is read from a file
# removed once the first one runs).
test_watchdog_frozen() {
	use frozen
	local pid t0
	echo "TRACERD_TEST_FREEZE_MAIN_AFTER_MS=300" >"$SVC/frozen/env"
	sc start "$SERVICE" || { dump_service; fail "cannot start $SERVICE"; }
	pid=$(main_pid)
	rm -f "$SVC/frozen/env"
	t0=$(now_ms)
	POLL_TRIES=800 poll main_pid_not "$pid" ||
		{ dump_service; fail "tracerd $pid with a frozen main loop was not restarted"; }
	echo "# watchdog: frozen tracerd replaced after $(($(now_ms) - t0)) ms" >&5
	assert_eq "$(prop "$SERVICE" NRestarts)" 1 "NRestarts"
	grep -qF "the main loop stops now" "$TRACERD_ERR" || fail "the hook did not freeze it"
	poll is_state "$SERVICE" active || fail "not active after the restart"
	run sup mkdir "$IN/after-restart"
	assert_rc 0 "mkdir served by the new tracerd"
	expect_record path="$IN/after-restart" decision=emulated errno=null
	expect_records 2 event=start
	sc stop "$SERVICE"
}

# Every answering thread (--threads 1) held in a call for 5 s, more than
# twice WatchdogSec: the main loop and the handshake thread are alive,
# WATCHDOG=1 goes on, nothing is restarted; a second program attaches
# meanwhile and its call waits; both are answered.
test_watchdog_stalled() {
	use stalled
	local pid bg1 bg2
	printf '%s\n' TRACERD_TEST_STALL=stallme TRACERD_TEST_STALL_MS=5000 >"$SVC/stalled/env"
	sc start "$SERVICE" || { dump_service; fail "cannot start $SERVICE"; }
	pid=$(main_pid)
	sup mkdir "$IN/stallme" >"$T/s1.out" 2>&1 &
	bg1=$!
	poll sleeping_in "$pid" || { dump_service; fail "tracerd does not hold the call"; }
	sleep 1
	sup mkdir "$IN/waits" >"$T/s2.out" 2>&1 &
	bg2=$!
	wait "$bg1" || fail "the stalled mkdir failed: $(cat "$T/s1.out")"
	wait "$bg2" || fail "the waiting mkdir failed: $(cat "$T/s2.out")"
	assert_eq "$(main_pid)" "$pid" "MainPID after 5 s stalled"
	assert_eq "$(prop "$SERVICE" NRestarts)" 0 "NRestarts"
	# not on its way out either (a watchdog timeout: deactivating)
	assert_eq "$(prop "$SERVICE" ActiveState)/$(prop "$SERVICE" SubState)" active/running "state"
	assert_eq "$(prop "$SERVICE" Result)" success "Result"
	assert_dir "$IN/stallme"
	assert_dir "$IN/waits"
	expect_record path="$IN/stallme" decision=emulated errno=null
	expect_record path="$IN/waits" decision=emulated errno=null
	sc stop "$SERVICE"
	rm -f "$SVC/stalled/env"
}

# settled UNIT: the unit failed and stays so (no restart for 1 s, at
# RestartSec=100ms a loop would show)
settled_failed() {
	poll is_state "$1" failed || { dump_service; fail "$1 did not fail"; }
	sleep 1
	is_state "$1" failed || fail "$1 left the failed state (restarted?)"
	assert_eq "$(prop "$1" NRestarts)" 0 "NRestarts of $1"
	assert_eq "$(prop "$1" ExecMainStatus)" 2 "exit status of $1"
}

# A usage error exits 2: failed, not restarted in a loop.
test_usage_error() {
	use usage
	sc start "$SERVICE" 2>/dev/null && fail "a tracerd with --threads 0 started"
	settled_failed "$SERVICE"
	grep -qF -- "--threads" "$TRACERD_ERR" || fail "stderr does not name the option"
}

# A datagram socket passed instead of a stream one: exit 2, said clearly.
test_bad_fd() {
	use dgram
	sc start "$SERVICE" 2>/dev/null && fail "tracerd started on a datagram socket"
	settled_failed "$SERVICE"
	grep -qF "socket activation: fd 3 is not a stream socket" "$TRACERD_ERR" ||
		{ dump_service; fail "stderr does not say what is wrong with the fd"; }
}

# ------------------------------------------------------------ the run
exec 5>&1
if [ -z "${NOTIF_SVC_NS:-}" ]; then
	t "systemd user manager" skip systemd "needs root, unshare -m and /lib/systemd/systemd"
	exit 0
fi
unit main
unit held
unit frozen
unit stalled "ExecStart=" "ExecStart=$TRACERD --threads 1 --max-threads 1 --log $SVC/stalled/audit.jsonl"
unit usage "ExecStart=" "ExecStart=$TRACERD --threads 0 --log $SVC/usage/audit.jsonl"
unit dgram
sed -i "s/^ListenStream=/ListenDatagram=/" "$UNITS/$U-dgram.socket"
# shellcheck disable=SC2154 # rc: set in the trap itself
trap 'rc=$?; stop_manager; (exit $rc); cleanup' EXIT
if ! start_manager; then
	t "systemd user manager" skip systemd "the user manager did not start: $(tail -n 3 "$SVC/manager.log")"
	exit 0
fi
sc start "$U-main.socket" "$U-held.socket" "$U-frozen.socket" "$U-stalled.socket" "$U-usage.socket" "$U-dgram.socket" || { cat "$SVC/manager.log"; exit 1; }

t "socket activation on the first supervised program" test_activation
t "STATUS= in systemctl status" test_status
t "systemctl reload reopens the log" test_reload
t "SIGUSR1 reopens the log" test_usr1
t "a failed reopen keeps the old log" test_reopen_fails
t "systemctl stop: exit 0, stop event, activated again" test_stop
t "STOPPING=1 while the calls in flight finish" test_stopping
t "a frozen main loop is restarted by the watchdog" test_watchdog_frozen
t "every answering thread stalled: not restarted" test_watchdog_stalled
t "a usage error exits 2, not restarted" test_usage_error
t "a datagram socket passed: exit 2, not restarted" test_bad_fd
for k in main held frozen stalled; do
	if sanitizer_report "$SVC/$k/stderr"; then
		tap_line "not ok" "tracerd ($k) stderr has no sanitizer report"
		N_FAIL=$((N_FAIL + 1))
		sed 's/^/#   /' "$SVC/$k/stderr"
	fi
done
