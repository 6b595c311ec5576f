#!/bin/bash
# Issue 17: notif-run. The hand-off done before exec (static binaries and
# DT_PREINIT_ARRAY covered, unlike LD_PRELOAD alone), exit statuses,
# --summary counted from the run's own records, --private with a daemon
# that outlives the program as long as a descendant does, no preload in
# the supervised tree, autostart.
. "$(dirname "$0")/lib.sh"

# notif-run beside the tracerd under test (build/asan/tracerd -> build)
NR_DIR=$(dirname "$TRACERD")
[ "$(basename "$NR_DIR")" = asan ] && NR_DIR=$(dirname "$NR_DIR")
NOTIF_RUN=${NOTIF_RUN:-$NR_DIR/notif-run}

# nr ARGS...: notif-run, bounded
nr() {
	timeout -k 5 "$TMO" "$NOTIF_RUN" "$@"
}

need_notif_run() {
	[ -x "$NOTIF_RUN" ] || fail "$NOTIF_RUN is missing (make all builds it)"
}

test_mkdir() {
	need_notif_run
	run nr mkdir "$IN/x" "$XT/y"
	assert_rc 1
	assert_dir "$IN/x"
	assert_absent "$XT/y"
	grep -q "Operation not permitted" "$T/err" || { show_run; fail "no EPERM from mkdir"; }
	expect_record path="$IN/x" decision=emulated errno=null comm=mkdir
	expect_record path="$XT/y" decision=denied errno=EPERM comm=mkdir
	# the attach is the program's: exec keeps notif-run's pid
	local pid id
	pid=$(audit_q path="$IN/x" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')
	id=$(audit_q path="$IN/x" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["attach"])')
	expect_record event=attach pid="$pid" attach="$id"
	# ... and names the program, not notif-run: its exe and command line
	expect_record event=attach attach="$id" exe=/usr/bin/mkdir cmdline="mkdir $IN/x $XT/y"
	# a program that makes no call is named at its end, without them
	run nr true
	assert_rc 0 "true"
	poll has_record event=attach reason="ended before its first call" ||
		fail "no attach event for a program without a call"
	# no LD_PRELOAD is set for the program
	run nr sh -c 'echo "${LD_PRELOAD-unset}"'
	assert_out unset
}

test_exit_statuses() {
	need_notif_run
	local mode
	for mode in "" --summary; do
		run nr $mode true
		assert_rc 0 "true $mode"
		run nr $mode false
		assert_rc 1 "false $mode"
		run nr $mode sh -c 'exit 3'
		assert_rc 3 "exit 3 $mode"
		run nr $mode sh -c 'kill -TERM $$'
		assert_rc 143 "SIGTERM $mode"
		run nr $mode sh -c 'kill -KILL $$'
		assert_rc 137 "SIGKILL $mode"
	done
	run nr /etc/passwd
	assert_rc 126 "not executable"
	grep -q "^notif-run: /etc/passwd: Permission denied" "$T/err" || { show_run; fail "126 line"; }
	run nr "$IN"
	assert_rc 126 "a directory"
	run nr no-such-program-here
	assert_rc 127 "not found"
	run nr "$IN/no/such"
	assert_rc 127 "not found by path"
	run nr --bogus true
	assert_rc 125 "unknown option"
	run nr --on-error maybe true
	assert_rc 125 "bad --on-error"
	run nr
	assert_rc 125 "no program"
	run nr --socket x --private true
	assert_rc 125 "--socket with --private"
	run nr --help
	assert_rc 0 "--help"
	grep -q "^Usage: notif-run" "$T/out" || fail "--help prints no usage"
	run nr --version
	assert_rc 0 "--version"
}

# No daemon on the socket: 126 with the line, or the program run with a
# warning under --on-error open (never unsupervised otherwise).
test_fail_closed() {
	need_notif_run
	run env TRACERD_SOCKET="notif-test-none-$$" NOTIF_AUTOSTART=0 "$NOTIF_RUN" mkdir "$XT/fc"
	assert_rc 126
	assert_absent "$XT/fc"
	grep -q "^notif-run: socket @notif-test-none-$$: tracerd is not running" "$T/err" ||
		{ show_run; fail "no notif-run: line"; }
	run env TRACERD_SOCKET="notif-test-none-$$" NOTIF_AUTOSTART=0 "$NOTIF_RUN" \
		--on-error open mkdir "$XT/fo"
	assert_rc 0
	assert_dir "$XT/fo"
	grep -q "^notif-run: warning: socket @notif-test-none-$$: .*running the program unsupervised" \
		"$T/err" || { show_run; fail "no warning"; }
}

# summary_field NAME: a figure of the first summary line in $T/err
summary_field() {
	sed -n "s/^notif-run: summary:.*[ (]\([0-9][0-9]*\) $1[ ,)].*/\1/p" "$T/err" | head -n 1
}

test_summary() {
	need_notif_run
	mkdir "$XT/d1" "$XT/d2"
	run nr --summary sh -c "mkdir $IN/a $IN/b $XT/d1/c $XT/d1/e $XT/d2/f; mkdir $IN/a; exit 4"
	assert_rc 4
	local id
	id=$(sed -n 's/^notif-run: summary: .*(attach \([0-9]*\), .*/\1/p' "$T/err")
	[ -n "$id" ] || { show_run; fail "no summary line"; }
	assert_eq "$(summary_field created)" "$(audit_count attach="$id" decision=emulated errno=null)" created
	assert_eq "$(summary_field denied)" "$(audit_count attach="$id" decision=denied)" denied
	assert_eq "$(summary_field errors)" "$(audit_count attach="$id" decision=error)" errors
	assert_eq "$(summary_field failed)" "$(audit_count attach="$id" decision=emulated errno!=null)" \
		failed
	assert_eq "$(summary_field records)" "$(audit_count attach="$id" syscall?)" records
	assert_eq "$(summary_field created)/$(summary_field denied)/$(summary_field failed)" 2/3/1
	grep -qF "notif-run:   denied in: $XT/d1 (2), $XT/d2 (1)" "$T/err" || { show_run; fail "top dirs"; }
	grep -qF "notif-run:   log: $TRACERD_LOG" "$T/err" || { show_run; fail "log line"; }
}

# tracerd_of LOG: the pid of the tracerd writing LOG (the private one)
tracerd_of() {
	pgrep -f -- "--log $1" | head -n 1
}
gone() { ! kill -0 "$1" 2>/dev/null; }

test_private_grandchild() {
	need_notif_run
	local log=$T/private.jsonl pid
	mkdir "$XT/allowed"
	run env TRACERD_BIN="$TRACERD" "$NOTIF_RUN" --allow "$XT/allowed" --log "$log" sh -c \
		"mkdir $XT/allowed/now $IN/now; (sleep 1; mkdir $XT/allowed/later) >/dev/null 2>&1 &"
	assert_rc 0
	assert_dir "$XT/allowed/now"
	assert_absent "$IN/now"
	pid=$(tracerd_of "$log")
	[ -n "$pid" ] || fail "the private tracerd is not running while the grandchild runs"
	POLL_TRIES=500 poll test -d "$XT/allowed/later" || fail "the grandchild was not served"
	POLL_TRIES=500 poll gone "$pid" || fail "the private tracerd did not exit after the grandchild"
	TRACERD_LOG=$log
	expect_record path="$XT/allowed/later" decision=emulated errno=null
	expect_record path="$IN/now" decision=denied
	expect_record event=stop reason^=idle
	audit_wellformed "$log" >&2 || fail "private log malformed"
	# the private log by default: named for the run under XDG_STATE_HOME
	run env TRACERD_BIN="$TRACERD" XDG_STATE_HOME="$T/state" "$NOTIF_RUN" --private --summary \
		mkdir "$IN/p1"
	assert_rc 0
	grep -q "^notif-run:   log: $T/state/tracerd/notif-run-[0-9T]*-[0-9]*.jsonl$" "$T/err" ||
		{ show_run; fail "no default private log"; }
	grep -q "summary: 1 created, 0 denied" "$T/err" || { show_run; fail "private summary"; }
}

# Supervised from the first instruction: a static binary and a
# DT_PREINIT_ARRAY mkdir, both outside the roots. LD_PRELOAD alone shows
# the documented gap (the calls run unsupervised).
test_static_and_preinit() {
	need_notif_run
	need_prog mk-static
	need_prog preinit
	run nr "$PROGS/mk-static" mkdir "$XT/s1"
	assert_out EPERM
	assert_absent "$XT/s1"
	expect_record path="$XT/s1" decision=denied
	run nr "$PROGS/preinit" "$XT/pre1" "$IN/main1"
	assert_out "pre=EPERM main=0"
	expect_record path="$XT/pre1" decision=denied
	# the gap, as documented: nothing supervises these under LD_PRELOAD
	run sup "$PROGS/mk-static" mkdir "$XT/s2"
	assert_out 0
	expect_no_record path="$XT/s2"
	run sup "$PROGS/preinit" "$XT/pre2" "$IN/main2"
	assert_out "pre=0 main=0"
	expect_no_record path="$XT/pre2"
	expect_record path="$IN/main2" decision=emulated
}

# No preload in the tree: no child maps libnotif.so, and all are covered.
test_no_preload_in_children() {
	need_notif_run
	run nr sh -c "for i in \$(seq 500); do /bin/true; done
		grep -c libnotif.so /proc/self/maps; grep -c libnotif.so /proc/\$\$/maps
		env | grep -c '^LD_PRELOAD='; mkdir $XT/m 2>/dev/null; echo \$?"
	assert_out "0
0
0
1"
	expect_record path="$XT/m" decision=denied
	# the contrast: under LD_PRELOAD every child maps it
	run sup sh -c 'grep -c libnotif.so /proc/self/maps'
	[ "$(cat "$T/out")" -ge 1 ] || { show_run; fail "LD_PRELOAD child does not map libnotif.so"; }
}

# serving NAME: something listens on @NAME
serving() {
	awk -v p="@$1" '$4 == "00010000" && $8 == p { f = 1 } END { exit !f }' /proc/net/unix
}

# With no tracerd on the socket, notif-run autostarts the one beside it,
# which exits after NOTIF_AUTOSTART_IDLE. Its log is the default under
# the passwd entry's home (never the program's HOME or XDG_STATE_HOME):
# as in t-autostart.sh, the run is in a private mount namespace where that
# home is a bind mount of $T/home, so nothing is written into the real one.
test_autostart() {
	need_notif_run
	local sock=notif-test-auto-$$ pwhome h=$T/home
	pwhome=$(getent passwd "$(id -u)" | cut -d: -f6)
	[ "$(id -u)" = 0 ] || skip root "a private mount namespace over the home needs root"
	[ -d "$pwhome" ] || skip home "the home $pwhome of uid $(id -u) does not exist"
	mkdir -p "$h"
	run unshare -m --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
		"$h" "$pwhome" env -u TRACERD_BIN NOTIF_AUTOSTART=1 TRACERD_SOCKET=$sock \
		NOTIF_AUTOSTART_IDLE=2 HOME="$T/elsewhere" XDG_STATE_HOME="$T/state" \
		"$NOTIF_RUN" mkdir "$IN/auto" "$XT/auto"
	grep -q "not implemented" "$T/err" && skip autostart "shim/autostart.c is a stub"
	assert_rc 1
	assert_dir "$IN/auto"
	assert_absent "$XT/auto"
	assert_absent "$T/elsewhere"
	assert_absent "$T/state"
	TRACERD_LOG=$h/.local/state/tracerd/audit.jsonl
	expect_record path="$XT/auto" decision=denied
	expect_record path="$IN/auto" decision=emulated errno=null
	serving "$sock" || fail "the autostarted tracerd is gone at once"
	POLL_TRIES=800 poll eval "! serving $sock" || fail "the autostarted tracerd did not exit"
}

start_tracerd || exit 1
t "notif-run mkdir: /tmp created, outside EPERM, records, no LD_PRELOAD" test_mkdir
t "exit statuses: 0 1 3 143 137, 126, 127, 125" test_exit_statuses
t "no daemon: 126 and the line; --on-error open runs with a warning" test_fail_closed
t "--summary counts equal the run's records" test_summary
t "--private --allow: the daemon ends after a backgrounded grandchild" test_private_grandchild
t "static binary and DT_PREINIT_ARRAY: denied under notif-run, gap under LD_PRELOAD" \
	test_static_and_preinit
t "500 execs under notif-run: no libnotif.so mapped, all covered" test_no_preload_in_children
t "no tracerd running: autostart, then idle exit" test_autostart
stop_tracerd
