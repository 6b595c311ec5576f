#!/bin/bash
# Issue 16, under a real systemd 252 user manager: every listener goes into
# the fd store before its program's ack, and a restarted tracerd adopts
# them, so `systemctl --user restart` under running programs loses no call
# and no record, and the programs never see ENOSYS. `stop` (not restart)
# ends supervision. One manager for the file, in a private mount namespace.
if [ -z "${NOTIF_SVC_NS:-}" ] && [ "$(id -u)" = 0 ] && [ -x /lib/systemd/systemd ] &&
	unshare -m --propagation private true 2>/dev/null; then
	NOTIF_SVC_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-systemd.sh"
. "$(dirname "$0")/lib-loops.sh"

STORE_MAX=${NOTIF_TEST_STORE_MAX:-64}	# 0 shows what the store is for
ROUNDS=${NOTIF_RESTART_ROUNDS:-3}	# restarts (check-long: 20)
PER=$((50 * ROUNDS))	# directories per looping program

# restarts HOW: ROUNDS times `systemctl --user HOW` under the loops, each
# after the previous tracerd served calls again
restarts() {
	local i pid
	for ((i = 1; i <= ROUNDS; i++)); do
		sleep 0.4
		pid=$(main_pid)
		# shellcheck disable=SC2086 # HOW is words
		sc $1 "$SERVICE" || fail "systemctl $1"
		poll main_pid_not "$pid" || { dump_service; fail "no new tracerd after $1 $i"; }
	done
}

test_restart() {
	use store
	run sup mkdir "$IN/warm"	# activates tracerd
	assert_rc 0 "first mkdir"
	loops_start "$PER"
	restarts restart
	loops_check "$PER"
	# 1 + ROUNDS starts; each later one adopted the looping programs
	"$PY" - "$TRACERD_LOG" "$ROUNDS" "$LOOPS" <<-'EOF' || fail "start/attach events"
		import json, sys
		ev = [json.loads(l) for l in open(sys.argv[1], "rb")]
		starts = [e for e in ev if e.get("event") == "start"]
		rounds, loops = int(sys.argv[2]), int(sys.argv[3])
		adopted = [e for e in ev if e.get("event") == "attach" and e.get("adopted") is True]
		print("# starts: %s; adopted attach events: %d" %
		      ([s.get("adopted") for s in starts], len(adopted)))
		assert len(starts) == 1 + rounds, starts
		assert all(s.get("adopted", 0) >= loops for s in starts[1:]), starts
		assert len(adopted) >= rounds * loops, len(adopted)
		assert all(isinstance(e.get("attach"), int) for e in adopted)
		stops = [e for e in ev if e.get("event") == "stop"]
		assert len(stops) == rounds and all(s["stored"] == s["programs"] for s in stops), stops
	EOF
}

# kill -s KILL: systemd restarts tracerd (Restart=on-failure), which adopts
# the listeners and finishes the calls its in-flight table had
test_kill() {
	use store
	rm -rf "$IN"/loop*
	loops_start "$PER"
	restarts "kill -s KILL"
	loops_check "$PER" kill
	echo "# kill: $(audit_count recovered?) records recovered" >&5
}

# held KILL-AT: a call held at a pause point when tracerd is killed is
# answered once, correctly, with one record
# hold_at AT: a tracerd (restarted) that holds calls 1.5 s at AT
hold_at() {
	local pid
	printf 'TRACERD_TEST_STALL=HOLD%s\nTRACERD_TEST_STALL_MS=1500\nTRACERD_TEST_STALL_AT=%s\n' \
		"$1" "$1" >"$SVC/held/env"
	pid=$(main_pid)
	sc restart "$SERVICE" || fail "restart"	# a tracerd that read this env
	run sup mkdir "$IN/held-warm-$1"
	assert_rc 0 "warm-up"
	main_pid_not "$pid" || fail "not restarted"
}

# kill_held: once a call is held, SIGKILL; the next tracerd holds nothing
kill_held() {
	local pid
	poll eval '[ "$(TRACERD_SIGPID=$(main_pid) sleeping_threads)" -ge 1 ]' ||
		{ dump_service; fail "no call was held"; }
	pid=$(main_pid)
	rm -f "$SVC/held/env"
	sc kill -s KILL "$SERVICE"
	poll main_pid_not "$pid" || { dump_service; fail "not restarted"; }
}

held() {
	local at=$1
	use held
	hold_at "$at"
	sup "$PROGS/mk" mkdir "$IN/HOLD$at" >"$T/held.out" 2>&1 &
	local p=$!
	kill_held
	wait "$p"
	assert_eq "$(cat "$T/held.out")" 0 "the held mkdir ($at)"
	assert_dir "$IN/HOLD$at"
	expect_records 1 path="$IN/HOLD$at"
	# received, decided or created: finished by the new tracerd
	case $at in
	after-record | before-send) expect_records 1 path="$IN/HOLD$at" !recovered ;;
	*) expect_records 1 path="$IN/HOLD$at" recovered? ;;
	esac
}

test_held() {
	local at
	for at in after-recv before-create after-create after-record before-send; do
		held "$at"
	done
}

# Received, then killed before the call was kept in the table: the next
# tracerd finds it (the listener polls writable; the ids around the one
# the table saw before) and answers EINTR, as a signal would (a native
# mkdir never does), with a record whose path is null.
test_unkept() {
	use held
	hold_at before-keep
	sup /usr/bin/python3 -c '
import os, sys
os.mkdir(sys.argv[1] + "/first")
try:
    os.mkdir(sys.argv[1] + "/second"); print("rc 0")
except OSError as e:
    print("rc", e.errno)
' "$IN" >"$T/unkept.out" 2>&1 &
	local p=$!
	POLL_TRIES=500 poll test -d "$IN/first" || { dump_service; fail "the first call"; }
	kill_held
	wait "$p" || fail "python: $(cat "$T/unkept.out")"
	assert_eq "$(cat "$T/unkept.out")" "rc 4" "the second mkdir (4: EINTR)"
	assert_absent "$IN/second"
	expect_records 1 errno=EINTR recovered? path=null decision=error
}

# The store's size bounds the programs attached: FileDescriptorStoreMax=20
# leaves room for 4 (16 kept for the table and listeners being dropped);
# the fifth program is refused before its listener would overflow it.
test_store_full() {
	local k pids=()
	use small
	# each waits for the release file (a killed `sup` subshell would
	# leave its sleep running: 20 s of the test)
	for ((k = 1; k <= 4; k++)); do
		sup "$PY" -c 'import os, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)' "$T/release" &
		pids+=($!)
	done
	poll eval '[ "$(audit_count event=attach)" -ge 4 ]' || { dump_service; fail "4 attaches"; }
	run sup "$PROGS/mk" mkdir "$IN/fifth"
	assert_rc 126 "the fifth program"
	assert_err_has "too many programs"
	assert_absent "$IN/fifth"
	touch "$T/release"
	wait "${pids[@]}" 2>/dev/null || true
	poll eval '[ "$(audit_count event=detach)" -ge 4 ]' || fail "4 detaches"
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
}

# stop (not restart) ends supervision: the store is emptied, the running
# program's next mkdir gets ENOSYS
test_stop_ends() {
	use store
	sup /usr/bin/python3 -c '
import os, sys, time
os.mkdir(sys.argv[1] + "/before")
print("ready", flush=True)
time.sleep(1.5)
try:
    os.mkdir(sys.argv[1] + "/after"); print("after 0")
except OSError as e:
    print("after", e.errno)
' "$IN" >"$T/stop.out" 2>&1 &
	local p=$!
	poll grep -q ready "$T/stop.out" || fail "the program did not start"
	sc stop "$SERVICE" "$U-store.socket" || fail "systemctl stop"
	wait "$p"
	assert_eq "$(tail -n 1 "$T/stop.out")" "after 38" "mkdir after stop (38: ENOSYS)"
	assert_absent "$IN/after"
	sc start "$U-store.socket" "$U-held.socket" "$U-small.socket" || fail "socket back"
}

# ------------------------------------------------------------ the run
exec 5>&1
if [ -z "${NOTIF_SVC_NS:-}" ]; then
	t "systemd user manager" skip systemd "needs root, unshare -m and /lib/systemd/systemd"
	exit 0
fi
unit store "ExecStart=" \
	"ExecStart=$TRACERD --fd-store-max $STORE_MAX --log $SVC/store/audit.jsonl" \
	"FileDescriptorStoreMax=$STORE_MAX"
unit held "ExecStart=" \
	"ExecStart=$TRACERD --fd-store-max $STORE_MAX --log $SVC/held/audit.jsonl" \
	"FileDescriptorStoreMax=$STORE_MAX" "RestartSec=1s"
unit small "ExecStart=" \
	"ExecStart=$TRACERD --fd-store-max 20 --log $SVC/small/audit.jsonl" \
	"FileDescriptorStoreMax=20"
# many starts in a few seconds here, by design: no start limit
for k in store held; do
	sed -i '1i [Unit]\nStartLimitIntervalSec=0' "$UNITS/$U-$k.service"
done
# shellcheck disable=SC2154 # rc: set in the trap itself
trap 'rc=$?; stop_manager; (exit $rc); cleanup' EXIT
if ! start_manager; then
	t "systemd user manager" skip systemd "the user manager did not start: $(tail -n 3 "$SVC/manager.log")"
	exit 0
fi
sc start "$U-store.socket" "$U-held.socket" "$U-small.socket" || { cat "$SVC/manager.log"; exit 1; }

t "systemctl restart x$ROUNDS under $LOOPS looping programs: no call fails, one record each" \
	test_restart
t "systemctl kill -s KILL x$ROUNDS under $LOOPS looping programs: no call fails, one record each" \
	test_kill
t "a call held at each pause point when tracerd is killed: answered once, one record" test_held
t "a call received but not kept when tracerd is killed: EINTR, its record without a path" \
	test_unkept
t "FileDescriptorStoreMax=20: 4 programs attached, the fifth refused (126)" test_store_full
t "systemctl stop ends supervision: the next mkdir is ENOSYS" test_stop_ends
for k in store held small; do
	if sanitizer_report "$SVC/$k/stderr"; then
		tap_line "not ok" "tracerd ($k) stderr has no sanitizer report"
		N_FAIL=$((N_FAIL + 1))
		sed 's/^/#   /' "$SVC/$k/stderr"
	fi
done

