# seed-demo cases, sourced by test-examples.sh (uses t, demo, has, ...).

t_help() {
	"$DEMO" --help >"$O" 2>&1 || fail "--help exited $?"
	for o in -d -f -K -r -k -s; do
		has "^  $o "
	done
	"$DEMO" -x >"$O" 2>&1
	[ $? -eq 2 ] || fail "a bad option should exit 2"
	"$DEMO" >"$O" 2>&1
	[ $? -eq 2 ] || fail "no directory should exit 2"
}

t_basic() {
	demo "$D/a" "$OUTSIDE/b" "$D/a" "$D/none/c" /tmp/../var/tmp/x
	isdir "$D/a"
	[ "$(stat -c %a "$D/a")" = 700 ] || fail "mode of $D/a is not 700"
	absent "$OUTSIDE/b"
	has 'Target process: probe syscall 0x3ffffff0 -> errno 4000'
	has 'io_uring_setup -> ENOSYS'
	has 'Tracer: received the listener .*anon_inode:seccomp notify.*hello v1'
	has 'SECCOMP_GET_NOTIF_SIZES: request [0-9]+'
	count 'Tracer: got notification' 5
	count 'Target process: SUCCESS: mkdir\(2\) returned 0$' 1
	count 'Tracer: answering 0$' 1
	count 'Target process: mkdir\(2\) failed: EPERM' 2
	count 'Target process: mkdir\(2\) failed: EEXIST' 1
	count 'Target process: mkdir\(2\) failed: ENOENT' 1
	has 'Parent: target process has terminated \(exit status 0\)'
}

t_filter_errno() {
	demo -f e "$D/e"
	absent "$D/e"
	has 'second filter returning SECCOMP_RET_ERRNO\(ENOTSUP\)'
	has 'Target process: mkdir\(2\) failed: EOPNOTSUPP \(Operation not supported\)'
	hasnt 'Tracer: got notification'
}

t_filter_trace() {
	demo -f t "$D/t"
	isdir "$D/t"
	has 'second filter returning SECCOMP_RET_TRACE'
	count 'Tracer: got notification' 1
	has 'Target process: SUCCESS: mkdir\(2\) returned 0'
}

t_keep_bye() {
	demo -K "$D/a" /bye "$D/b"
	isdir "$D/a"
	absent "$D/b"
	absent /bye
	has 'Parent: -K: the tracer is not killed when the target ends'
	has 'Tracer: terminating'
	count 'Tracer: got notification' 2
	count 'Target process: mkdir\(2\) failed: EPERM' 1
	count 'Target process: mkdir\(2\) failed: ENOSYS' 1
	has 'Parent: tracer has terminated \(exit status 0\)'
}

t_delay_blocked() {
	demo -d 1 "$D/a"
	isdir "$D/a"
	has 'Tracer: ID_VALID \(pre-delay\): valid'
	has 'Tracer: ID_VALID \(post-delay\): valid'
	has 'Tracer: target PID [0-9]+ is in state S, in syscall [0-9]+ \(mkdir\)'
	has 'Tracer: answering 0'
}

# The test itself sends SIGINT, once the tracer holds the call.
t_sigint_external() {
	timeout 60 "$DEMO" -d 3 "$D/a" "$D/b" >"$O" 2>&1 &
	local p=$!
	wait_line '^Tracer: delaying'
	kill -INT "$(target_pid)" || fail "cannot signal the target"
	wait "$p" || fail "seed-demo exited $?"
	interrupted_checks
}

interrupted_checks() {
	has 'Target process: received signal SIGINT'
	count 'Target process: mkdir\(2\) failed: EINTR' 1
	has 'Tracer: ID_VALID \(post-delay\): ENOENT'
	count 'Tracer: NOTIF_SEND failed with ENOENT' 1
	# the tracer acted before the signal: created, though the target saw EINTR
	isdir "$D/a"
	isdir "$D/b"
}

t_sigint_option() {
	demo -d 1 -s INT "$D/a" "$D/b"
	has 'Tracer: sending SIGINT to the target'
	interrupted_checks
}

t_sigint_restart() {
	demo -d 1 -s INT -r "$D/a"
	has 'SIGINT handler installed with SA_RESTART'
	has 'Target process: received signal SIGINT'
	count 'Tracer: got notification' 2
	count "Tracer: mkdir\\(\"$D/a\", 0700\\)" 2
	has 'Tracer: NOTIF_SEND failed with ENOENT'
	has 'Tracer: answering EEXIST'
	count 'Target process: mkdir\(2\) failed: EEXIST' 1
	hasnt 'EINTR'
}

t_sigint_killable() {
	demo -d 1 -s INT -k "$D/a"
	has 'NEW_LISTENER \| WAIT_KILLABLE_RECV'
	has 'Tracer: ID_VALID \(post-delay\): valid'
	has 'Tracer: answering 0'
	hasnt 'NOTIF_SEND failed'
	hasnt 'EINTR'
	# the handler runs only when mkdir returns, with the tracer's answer
	grep '^Target process: \(received\|SUCCESS\)' "$O" >"$D/order"
	printf '%s\n' 'Target process: received signal SIGINT' \
		'Target process: SUCCESS: mkdir(2) returned 0' | cmp -s - "$D/order" ||
		fail "expected the handler, then SUCCESS"
}

t_sigkill_detected() {
	demo -d 1 -s KILL -k -K "$D/a" "$D/b"
	has 'Tracer: sending SIGKILL to the target'
	has 'Parent: target process has terminated \(killed by SIGKILL\)'
	has 'Tracer: ID_VALID \(post-delay\): ENOENT'
	has 'Tracer: NOTIF_SEND failed with ENOENT'
	has 'Tracer: the listener reports POLLHUP'
	hasnt 'Target process: SUCCESS'
	absent "$D/b"
}

t "seed-demo --help names -d -f -K -r -k -s; bad usage exits 2" t_help
t "seed-demo: /tmp created (answer 0), outside EPERM, EEXIST, ENOENT" t_basic
t "seed-demo -f e: ERRNO wins over USER_NOTIF, nothing created" t_filter_errno
t "seed-demo -f t: USER_NOTIF wins over TRACE" t_filter_trace
t "seed-demo -K: /bye stops the tracer, later mkdir gets ENOSYS" t_keep_bye
t "seed-demo -d: target blocked in mkdir, ID_VALID before and after" t_delay_blocked
t "seed-demo -d + SIGINT from outside: EINTR, NOTIF_SEND ENOENT" t_sigint_external
t "seed-demo -d -s INT: EINTR, NOTIF_SEND ENOENT" t_sigint_option
t "seed-demo -d -s INT -r: restarted call answered EEXIST" t_sigint_restart
t "seed-demo -d -s INT -k: WAIT_KILLABLE_RECV, no interruption" t_sigint_killable
t "seed-demo -d -s KILL -k -K: ID_VALID sees the target die" t_sigkill_detected
