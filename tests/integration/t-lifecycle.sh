#!/bin/bash
# Issue 2 (library and daemon life cycle, CLI, exit codes) and the cheap
# checks of issue 6 (no exported symbol, no extra fd) and issue 4 (io_uring).
. "$(dirname "$0")/lib.sh"

test_absent() {
	local name=notif-test-$$-absent
	# NOTIF_AUTOSTART unset starts one: t-autostart.sh
	for v in 0; do
		run env NOTIF_AUTOSTART=0 TRACERD_SOCKET=$name \
			LD_PRELOAD="$LIBNOTIF" sh -c "echo ran; mkdir $IN/x"
		assert_rc 126 "fail closed (NOTIF_AUTOSTART $v)"
		assert_out ""
		[ "$(wc -l <"$T/err")" -eq 1 ] || { show_run; fail "expected one stderr line"; }
		grep -q "^libnotif: .*@$name" "$T/err" || { show_run; fail "no 'libnotif: ... @$name' line"; }
		assert_absent "$IN/x"
		# NOTIF_AUTOSTART=0: the library starts no daemon
		if awk -v p="@$name" '$8 == p { f = 1 } END { exit !f }' /proc/net/unix; then
			fail "something listens on @$name"
		fi
	done
}

test_fail_open() {
	local name=notif-test-$$-absent
	run env NOTIF_ON_ERROR=open TRACERD_SOCKET=$name LD_PRELOAD="$LIBNOTIF" \
		sh -c "echo ran; mkdir $XT/x"
	assert_rc 0
	assert_out ran
	grep -q "^libnotif: warning: .*@$name" "$T/err" || { show_run; fail "no warning line"; }
	# unsupervised: nothing stops a mkdir outside the roots
	assert_dir "$XT/x"
}

test_bad_socket_env() {
	run env TRACERD_SOCKET="$(printf 'x%.0s' {1..108})" LD_PRELOAD="$LIBNOTIF" mkdir "$IN/x"
	assert_rc 126
	grep -q '^libnotif: ' "$T/err" || { show_run; fail "no libnotif: line"; }
	assert_absent "$IN/x"
	# a leading @ is stripped
	run env TRACERD_SOCKET="@$TRACERD_SOCKET" LD_PRELOAD="$LIBNOTIF" mkdir "$IN/at"
	assert_rc 0
	expect_record path="$IN/at" decision=emulated errno=null
}

test_tracerd_preloaded_help() {
	run env LD_PRELOAD="$LIBNOTIF" "$TRACERD" --help
	assert_rc 0
	grep -q -- --socket "$T/out" || { show_run; fail "--help does not name --socket"; }
	grep -q -- --allow "$T/out" || { show_run; fail "--help does not name --allow"; }
	if grep -q libnotif "$T/err"; then show_run; fail "the library spoke inside tracerd"; fi
	run "$TRACERD" --version
	assert_rc 0
	[ -s "$T/out" ] || { show_run; fail "--version printed nothing"; }
}

test_preloaded_daemon() {
	# served by the preloaded daemon started below (this test's caller)
	run sup mkdir "$IN/p" "$XT/p"
	expect_in_out "$IN/p" "$XT/p"
}

test_served() {
	run timeout 10 "$TRACERD" --log "$T/second.jsonl"
	assert_rc 3 "socket name already served"
	[ -s "$T/err" ] || { show_run; fail "no message on stderr"; }
	# the first one still serves
	run sup mkdir "$IN/still"
	assert_rc 0
	expect_record path="$IN/still" decision=emulated
}

test_usage() {
	local args
	for args in "--no-such-option" "--allow" "--log" "extra-operand" "--socket=" \
		"--socket $(printf 'y%.0s' {1..108})"; do
		# shellcheck disable=SC2086
		run timeout 10 "$TRACERD" --log "$T/u.jsonl" $args
		assert_rc 2 "tracerd $args"
		[ -s "$T/err" ] || { show_run; fail "tracerd $args: no message"; }
	done
}

test_default_log() {
	run sup mkdir "$IN/x"
	assert_rc 0
	assert_eq "$(stat -c %a "$WORK/xdg/tracerd")" 700 "log directory mode"
	assert_eq "$(stat -c %a "$TRACERD_LOG")" 600 "log file mode"
	expect_record path="$IN/x" decision=emulated
}

test_no_exports() {
	local out
	out=$(nm -D --defined-only "$LIBNOTIF")
	[ -z "$out" ] || fail "libnotif.so exports: $out"
}

test_no_extra_fd() {
	need_prog mk
	run "$PROGS/mk" fds
	cp "$T/out" "$T/native"
	run sup "$PROGS/mk" fds
	assert_rc 0
	diff -u "$T/native" "$T/out" >&2 || fail "fds differ from a native run"
	assert_err_empty
	# and with ls itself (its own directory fd included)
	run ls /proc/self/fd
	cp "$T/out" "$T/native"
	run sup ls /proc/self/fd
	diff -u "$T/native" "$T/out" >&2 || fail "ls /proc/self/fd differs from a native run"
}

test_no_env_change_no_thread() {
	{ env | grep -v -e '^_=' -e '^LD_PRELOAD='; echo "LD_PRELOAD=$LIBNOTIF"; } | sort >"$T/want"
	run sup /usr/bin/env
	assert_rc 0
	grep -v -e '^_=' "$T/out" | sort >"$T/got"
	diff -u "$T/want" "$T/got" >&2 || fail "the environment changed"
	run sup sh -c 'ls /proc/$$/task | wc -l'
	assert_out 1
}

test_io_uring() {
	need_prog mk
	run "$PROGS/mk" iouring
	assert_eq "$(tr '\n' ' ' <"$T/out")" "0 EBADF EBADF " "native io_uring results"
	run sup "$PROGS/mk" iouring
	assert_out "ENOSYS
ENOSYS
ENOSYS"
	expect_no_record comm=mk
}

test_errno_preserved() {
	# errno as main() finds it: what ld.so left, the same with the library
	need_prog mk
	run "$PROGS/mk" errno
	cp "$T/out" "$T/native"
	run sup "$PROGS/mk" errno
	assert_rc 0
	assert_out "$(cat "$T/native")"
}

test_yama() {
	[ -r /proc/sys/kernel/yama/ptrace_scope ] || skip yama "Yama is not built into this kernel"
	[ "$(cat /proc/sys/kernel/yama/ptrace_scope)" -ge 1 ] || skip yama "ptrace_scope is 0"
	run sup sh -c "mkdir $IN/y1; (mkdir $IN/y2)"
	expect_record path="$IN/y1" decision=emulated
	expect_record path="$IN/y2" decision=error reason=yama
}

# killed with SIGKILL: later mkdirs of its programs fail with ENOSYS, never hang
test_sigkill() {
	need_prog mk
	mkfifo "$T/fifo"
	sup sh -c "'$PROGS/mk' mkdir '$IN/k1'; read x; '$PROGS/mk' mkdir '$IN/k2'" \
		<"$T/fifo" >"$T/out" 2>"$T/err" &
	local pid=$! i
	exec 3>"$T/fifo"
	for ((i = 0; i < 1000; i++)); do
		[ -s "$T/out" ] && break
		sleep 0.01
	done
	kill -KILL "$TRACERD_SIGPID"
	echo go >&3
	exec 3>&-
	RC=0
	wait $pid || RC=$?
	assert_rc 0
	assert_out "0
ENOSYS"
	assert_dir "$IN/k1"
	assert_absent "$IN/k2"
}

t "tracerd absent: exit 126 with one libnotif: line (NOTIF_AUTOSTART=0)" test_absent
t "tracerd absent, NOTIF_ON_ERROR=open: runs unsupervised with a warning" test_fail_open
t "nm -D --defined-only libnotif.so is empty" test_no_exports
t "LD_PRELOAD=libnotif.so tracerd --help and --version work" test_tracerd_preloaded_help
start_tracerd || exit 1
t "TRACERD_SOCKET: 108 bytes refused (126); a leading @ stripped" test_bad_socket_env
t "a second tracerd on a served name exits 3; the first keeps serving" test_served
t "tracerd usage errors exit 2 with a message" test_usage
t "a supervised program has no extra fd (as native)" test_no_extra_fd
t "the library changes no environment variable and starts no thread" test_no_env_change_no_thread
t "the library preserves errno" test_errno_preserved
t "io_uring_setup/enter/register: ENOSYS under the library" test_io_uring
t "Yama: forked descendants get error records with reason yama" test_yama
stop_tracerd

start_tracerd --preload || exit 1
t "a tracerd started with LD_PRELOAD=libnotif.so serves (library inert)" test_preloaded_daemon
stop_tracerd

mkdir -p "$WORK/xdg"
TRACERD_LOG=$WORK/xdg/tracerd/audit.jsonl
XDG_STATE_HOME=$WORK/xdg start_tracerd --no-log || exit 1
t "default log \$XDG_STATE_HOME/tracerd/audit.jsonl: dir 0700, file 0600" test_default_log
stop_tracerd

start_tracerd --wrapped || exit 1
t "tracerd SIGKILLed: a supervised program's next mkdir gets ENOSYS" test_sigkill
{ wait "$TRACERD_PID"; } 2>/dev/null
forget_tracerd "$TRACERD_PID"
TRACERD_PID=
