#!/bin/bash
# Issue 17: the library autostarts the user's tracerd; tracerd --idle-exit
# and --detach; the small things (where the log is, bad TRACERD_SOCKET,
# unknown NOTIF_ON_ERROR).
#
# An autostarted tracerd takes HOME from /etc/passwd, never from the
# program: each autostart runs in a private mount namespace where that
# home is a bind mount of a temp dir ($H), so its logs land in
# $H/.local/state/tracerd/ (the daemon stays in that namespace).
. "$(dirname "$0")/lib.sh"

PWHOME=$(getent passwd "$(id -u)" | cut -d: -f6)

need_ns() {
	[ "$(id -u)" = 0 ] || skip root "a private mount namespace over the home needs root"
	[ -d "$PWHOME" ] || skip home "the home $PWHOME of uid $(id -u) does not exist"
}

# auto_setup: a fresh socket name $AS and home $H; AUTO_LOG, TRACERD_LOG.
auto_setup() {
	need_ns
	AS=notif-auto-$$-$(basename "$T")
	H=$T/home
	mkdir -p "$H"
	TRACERD_LOG=$H/.local/state/tracerd/audit.jsonl
	TRACERD_ERR=$H/.local/state/tracerd/autostart.log
}

# in_home CMD...: CMD with autostart on, socket $AS, home $H (see above).
in_home() {
	unshare -m --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
		"$H" "$PWHOME" env -u NOTIF_AUTOSTART TRACERD_SOCKET="$AS" "$@"
}

# daemons NAME: the pids of tracerds serving (or started for) @NAME
daemons() { pgrep -f -- "--socket @$1( |\$)" || true; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# remember_daemon: the autostarted daemon is stopped at the end whatever happens
remember_daemon() {
	local p
	for p in $(daemons "$AS"); do ALL_TRACERDS+=("$p:$TRACERD_ERR"); done
}

test_autostart() {
	auto_setup
	run in_home NOTIF_AUTOSTART_IDLE=2 LD_PRELOAD="$LIBNOTIF" mkdir "$IN/a" "$XT/b"
	remember_daemon
	assert_rc 1
	assert_dir "$IN/a"
	assert_absent "$XT/b"
	grep -v "cannot create directory.*$XT/b" "$T/err" | grep . && fail "stderr has more than mkdir's line"
	expect_record path="$IN/a" decision=emulated
	expect_record path="$XT/b" decision=denied
	expect_record event=start
	head -n 1 "$TRACERD_ERR" | grep -q "^tracerd: audit log: $PWHOME/.local/state/tracerd/audit.jsonl" ||
		fail "the daemon's first line does not say where the log is"
	# exits after 2 s without a program
	POLL_TRIES=600 poll has_record event=stop reason^=idle || fail "no idle stop in the log"
	POLL_TRIES=300 poll test -z "$(daemons "$AS")" || fail "the daemon still runs"
}

# 32 programs blocked on one FIFO start at the same instant, in one mount
# namespace (the daemon's roots are mounts of its own: a program in
# another copy of the namespace would be denied).
test_race() {
	auto_setup
	need_prog mk
	local i n=32
	mkfifo "$T/go"
	cat >"$T/race.sh" <<-EOF
		exec 8<>'$T/go'	# held open: the readers' open never blocks, their read does
		for i in \$(seq 0 $((n - 1))); do
			sh -c "read x <'$T/go'; LD_PRELOAD='$LIBNOTIF' exec '$PROGS/mk' mkdir '$IN/r\$i'" \\
				>"$T/out\$i" 2>"$T/err\$i" &
		done
		for t in \$(seq 1000); do
			k=0
			for p in \$(pgrep -f -- "read x <'$T/go'"); do
				grep -q pipe_read /proc/\$p/wchan 2>/dev/null && k=\$((k + 1))
			done
			[ \$k -ge $n ] && break
			sleep 0.01
		done
		printf 'go\\n%.0s' \$(seq $n) >&8	# one write: all are released at once
		wait
	EOF
	in_home bash "$T/race.sh"
	remember_daemon
	for ((i = 0; i < n; i++)); do
		[ "$(cat "$T/out$i")" = 0 ] || { cat "$T/err$i" >&2; fail "program $i: $(cat "$T/out$i")"; }
		[ ! -s "$T/err$i" ] || { cat "$T/err$i" >&2; fail "program $i wrote on stderr"; }
		assert_dir "$IN/r$i"
	done
	expect_records 1 event=start
	expect_records $n event=attach
	expect_records $n decision=emulated
	[ "$(daemons "$AS" | wc -l)" = 1 ] || fail "$(daemons "$AS" | wc -l) tracerds on @$AS"
	diag "losers that exited 3: $(grep -c 'already served' "$TRACERD_ERR")"
	kill "$(daemons "$AS")"
}

# What the program sees: no child, no SIGCHLD, no fd, the same environment
# and errno, nothing printed; and what the daemon has: none of it.
test_invisible() {
	auto_setup
	need_prog autoprobe
	exec 7>"$T/marker-fd"
	export MARKER_AUTO=yes XDG_CONFIG_HOME=$T/elsewhere
	run env "$PROGS/autoprobe" run "" "$T/env.native"
	cp "$T/out" "$T/native"
	run in_home "$PROGS/autoprobe" run "$LIBNOTIF" "$T/env.sup" "$IN/p"
	remember_daemon
	assert_rc 0
	assert_err_empty
	assert_dir "$IN/p"
	assert_out "$(cat "$T/native")"
	grep -q "^errno=0 sigchld=0 wait=ECHILD " "$T/out" || fail "$(cat "$T/out")"
	# the same environment but for TRACERD_SOCKET/LD_PRELOAD (set by the test)
	diff <(grep -v '^\(LD_PRELOAD\|TRACERD_SOCKET\|NOTIF_AUTOSTART\|_\)=' "$T/env.native" | sort) \
		<(grep -v '^\(LD_PRELOAD\|TRACERD_SOCKET\|NOTIF_AUTOSTART\|_\)=' "$T/env.sup" | sort) >&2 ||
		fail "the environment changed"
	local pid
	pid=$(daemons "$AS")
	[ -n "$pid" ] || fail "no daemon"
	tr '\0' '\n' <"/proc/$pid/environ" >"$T/denv"
	grep -E '^(MARKER_AUTO|XDG_CONFIG_HOME|LD_|NOTIF_|TRACERD_)' "$T/denv" && fail "the daemon's environment has the program's"
	grep -qx "HOME=$PWHOME" "$T/denv" || fail "HOME is not the user's"
	grep -q '^Seccomp:[[:space:]]*0$' "/proc/$pid/status" || fail "the daemon is under a filter"
	grep -q '^NoNewPrivs:[[:space:]]*0$' "/proc/$pid/status" || fail "the daemon has no_new_privs"
	ls -l "/proc/$pid/fd" | grep -F -e "$T/marker-fd" -e "$T/out" -e "$T/err" && fail "the daemon has the program's fds"
	[ "$(readlink "/proc/$pid/cwd")" = / ] || fail "cwd is not /"
	[ "$(awk '{ print $6 }' "/proc/$pid/stat")" = "$pid" ] || fail "not in its own session"
	[ "$(readlink "/proc/$pid/fd/0")" = /dev/null ] || fail "stdin is not /dev/null"
	kill "$pid"
}

test_autostart_off() {
	auto_setup
	run in_home NOTIF_AUTOSTART=0 LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "tracerd is not running"
	assert_absent "$IN/x"
	[ -z "$(daemons "$AS")" ] || fail "a daemon started"
}

test_bad_bin() {
	auto_setup
	run in_home TRACERD_BIN=/nonexistent/tracerd LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "libnotif: socket @$AS: autostart failed: TRACERD_BIN '/nonexistent/tracerd': No such file or directory"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "more than one line"
	printf '#!/bin/sh\n' >"$T/noexec"
	run in_home TRACERD_BIN="$T/noexec" LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "autostart failed: TRACERD_BIN '$T/noexec': Permission denied"
	# one that runs and fails: its status and where its messages are
	printf '#!/bin/sh\necho broken >&2\nexit 7\n' >"$T/fails"
	chmod +x "$T/fails"
	run in_home TRACERD_BIN="$T/fails" LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "autostart failed: $T/fails exited with status 7 (its messages: $PWHOME/.local/state/tracerd/autostart.log)"
	grep -q broken "$TRACERD_ERR" || fail "its stderr is not in autostart.log"
	run in_home TRACERD_BIN="$T/fails" NOTIF_ON_ERROR=open LD_PRELOAD="$LIBNOTIF" mkdir "$XT/open"
	assert_rc 0
	assert_err_has "libnotif: warning: socket @$AS: autostart failed:"
	run in_home NOTIF_AUTOSTART_IDLE=soon LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "NOTIF_AUTOSTART_IDLE must be seconds"
	assert_absent "$IN/x"
}

test_userns() {
	auto_setup
	run in_home unshare -U -r env LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "autostart failed: in a user namespace other than the initial one"
	[ -z "$(daemons "$AS")" ] || fail "a daemon started"
}

# The tracerd beside the library: build/lib/<multiarch>/ and build/lib32/.
test_beside() {
	auto_setup
	need_prog mk
	local lib pid p=$T/prefix
	# an install's layout: <prefix>/lib/<multiarch>/ -> <prefix>/bin/tracerd
	mkdir -p "$p/lib/x86_64-linux-gnu" "$p/bin"
	cp "$LIBNOTIF" "$p/lib/x86_64-linux-gnu/"
	cp "$TRACERD" "$p/bin/"
	for lib in "$(dirname "$LIBNOTIF")/lib/x86_64-linux-gnu/libnotif.so" \
		"$(dirname "$LIBNOTIF")/lib32/libnotif.so" "$p/lib/x86_64-linux-gnu/libnotif.so"; do
		[ -f "$lib" ] || continue
		prog=$PROGS/mk
		case $lib in */lib32/*) prog=$PROGS/mk32 ;; esac
		[ -x "$prog" ] || continue
		AS=notif-auto-$$-beside-${lib//[^a-z0-9]/}
		run in_home LD_PRELOAD="$lib" "$prog" mkdir "$IN/b-${#lib}"
		remember_daemon
		assert_out 0
		pid=$(daemons "$AS")
		case $lib in "$p"/*) want=$p/bin/tracerd ;; *) want=$(dirname "$LIBNOTIF")/tracerd ;; esac
		[ "$(readlink "/proc/$pid/exe")" = "$want" ] || fail "$lib started $(readlink "/proc/$pid/exe")"
		kill "$pid"
	done
}

# ---------------------------------------------------------------- tracerd
test_idle_exit() {
	local name=notif-test-$$-idle pid rc=0
	"$TRACERD" --socket $name --log "$T/log" --idle-exit 1 2>"$T/err" &
	pid=$!
	wait_listening $name $pid || fail "not listening"
	# attached for 2 s: no exit meanwhile; then 1 s after the detach
	TRACERD_SOCKET=$name sup sh -c 'sleep 2; mkdir '"$IN/i"
	gone $pid && fail "exited while a program was attached"
	POLL_TRIES=300 poll gone $pid || fail "no exit 1 s after the detach"
	wait $pid || rc=$?
	assert_eq $rc 0 "exit status"
	TRACERD_LOG=$T/log
	expect_record event=stop reason="idle: no program attached for 1 s"
	local d s
	d=$(audit_q event=detach | sed 's/.*"ts":"[^T]*T\([^Z]*\)Z.*/\1/')
	s=$(audit_q event=stop | sed 's/.*"ts":"[^T]*T\([^Z]*\)Z.*/\1/')
	diag "detach $d, stop $s"
	# 0: at once, with no program
	RC=0
	timeout 5 "$TRACERD" --socket $name --log "$T/log0" --idle-exit 0 2>"$T/err" || RC=$?
	assert_rc 0
	grep -q '"reason":"idle: no program attached for 0 s"' "$T/log0" || fail "no idle stop"
}

test_detach() {
	local name=notif-test-$$-detach pid
	RC=0
	"$TRACERD" --detach --socket $name --log "$T/log" >/dev/null 2>"$T/err" || RC=$?
	assert_rc 0
	# listening already when the command returns: no wait
	awk -v p="@$name" '$4 == "00010000" && $8 == p { f = 1 } END { exit !f }' /proc/net/unix ||
		fail "not listening when --detach returned"
	pid=$(pgrep -f -- "--socket $name( |\$)")
	ALL_TRACERDS+=("$pid:$T/err")
	[ "$(awk '{ print $6 }' "/proc/$pid/stat")" = "$pid" ] || fail "not in its own session"
	grep -q "^tracerd: audit log: $T/log" "$T/err" || fail "no log line"
	TRACERD_SOCKET=$name run sup "$PROGS/mk" mkdir "$IN/d"
	assert_out 0
	# the name served: --detach returns 3; a bad log: 1
	RC=0
	"$TRACERD" --detach --socket $name --log "$T/log2" 2>"$T/err2" || RC=$?
	assert_rc 3
	RC=0
	"$TRACERD" --detach --socket $name-2 --log /proc/none/x 2>"$T/err2" || RC=$?
	assert_rc 1
	kill "$pid"
	POLL_TRIES=300 poll gone "$pid" || fail "no stop"
}

test_small_things() {
	"$TRACERD" --help | grep -qF '~/.local/state/tracerd/audit.jsonl' || fail "--help lacks the fallback"
	run env TRACERD_SOCKET= "$TRACERD"
	assert_rc 2
	assert_err_has "TRACERD_SOCKET is empty"
	run "$TRACERD" --socket $'a\tb'
	assert_rc 2
	assert_err_has "--socket holds a control character (shown as \\xHH); a name must be printable: 'a\\x09b'"
	run env TRACERD_SOCKET= LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has "libnotif: socket @: TRACERD_SOCKET is empty"
	run env TRACERD_SOCKET=$'x\ty' LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	assert_err_has 'libnotif: socket @x\x09y: TRACERD_SOCKET holds a control character'
	assert_absent "$IN/x"
	# an unknown NOTIF_ON_ERROR: one warning, and it still fails closed
	run env NOTIF_ON_ERROR=opne TRACERD_SOCKET=notif-none-$$ LD_PRELOAD="$LIBNOTIF" mkdir "$XT/x"
	assert_rc 126
	assert_err_has "libnotif: warning: NOTIF_ON_ERROR='opne' is neither 'open' nor 'closed'; failing closed"
	[ "$(wc -l <"$T/err")" = 2 ] || fail "not two lines"
	assert_absent "$XT/x"
	run env NOTIF_ON_ERROR=closed TRACERD_SOCKET=notif-none-$$ LD_PRELOAD="$LIBNOTIF" mkdir "$XT/x"
	assert_rc 126
	[ "$(wc -l <"$T/err")" = 1 ] || fail "'closed' warned"
}

t "no tracerd: the library autostarts one, records, idle exit" test_autostart
t "32 programs at once: one tracerd, 32 attaches, all supervised" test_race
t "the program sees nothing of it; the daemon has nothing of the program" test_invisible
t "NOTIF_AUTOSTART=0 keeps 126" test_autostart_off
t "missing, non-executable or failing TRACERD_BIN: a clear autostart failed line" test_bad_bin
t "in a user namespace: no autostart, 126 with the reason" test_userns
t "the tracerd beside build/lib/<multiarch>/, build/lib32/, <prefix>/lib/<multiarch>/" test_beside
t "tracerd --idle-exit: after the last detach; 0 at once" test_idle_exit
t "tracerd --detach: returns once listening; 3 and 1 when it cannot" test_detach
t "--help's fallback, bad TRACERD_SOCKET, unknown NOTIF_ON_ERROR" test_small_things
