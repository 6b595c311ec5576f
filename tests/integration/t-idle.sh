#!/bin/bash
# An idle tracerd sleeps: no wake-up of any of its threads over a window,
# with nothing attached and with idle programs attached (issue 13). The
# window and the program count are small here; make check-long runs them
# at 10 s and 1 000 (NOTIF_IDLE="10 1000").
. "$(dirname "$0")/lib.sh"

read -r I_SECS I_PROGS <<<"${NOTIF_IDLE:-2 100}"
exec 5>&1		# figures for the TAP stream

# switches: every context switch of every thread of tracerd so far
switches() {
	cat /proc/"$TRACERD_PID"/task/*/status 2>/dev/null |
		awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }'
}

# main_sleeps: tracerd's main thread is in poll(2) with no time-out (the
# timeout argument, an int, reads -1 sign- or zero-extended)
main_sleeps() {
	local nr a b c
	read -r nr a b c _ <"/proc/$TRACERD_PID/task/$TRACERD_PID/syscall" || return 1
	[ "$nr" = 7 ] && { [ "$c" = 0xffffffff ] || [ "$c" = 0xffffffffffffffff ]; }
}

# quiet LABEL: once the main thread has no deadline left, no thread of
# tracerd runs for I_SECS seconds
quiet() {
	local s0 s1
	# (a deadline left from the activity before may take 2 s to pass)
	POLL_TRIES=500 poll main_sleeps ||
		diag "tracerd's main thread keeps a deadline ($1): $(cat \
			"/proc/$TRACERD_PID/task/$TRACERD_PID/syscall")"
	s0=$(switches)
	sleep "$I_SECS"	# the window measured, not a wait for a state
	s1=$(switches)
	echo "# idle, $1: $((s1 - s0)) context switches of tracerd in $I_SECS s" >&5
	assert_eq "$((s1 - s0))" 0 "tracerd's context switches in $I_SECS s ($1)"
}

test_idle_alone() {
	run sup "$PROGS/mk" mkdir "$IN/once"
	assert_out 0
	quiet "nothing attached, after one program"
}

test_idle_attached() {
	need_prog idlers
	mkfifo "$T/idle.fifo"
	"$PROGS/idlers" "$LIBNOTIF" "$I_PROGS" <"$T/idle.fifo" >"$T/idle.out" 2>"$T/idle.err" &
	local bg=$!
	exec 6>"$T/idle.fifo"
	POLL_TRIES=12000 poll has_line "$T/idle.out" 1 || fail "idlers did not settle"
	assert_eq "$(cat "$T/idle.out")" "attached=$I_PROGS refused=0 mkdir_failed=0" "idlers"
	quiet "$I_PROGS idle programs attached"
	exec 6>&-
	wait "$bg" || fail "idlers exited $?"
}

start_tracerd || exit 1
t "idle tracerd, nothing attached: no wake-up in $I_SECS s" test_idle_alone
t "idle tracerd, $I_PROGS idle programs attached: no wake-up in $I_SECS s" test_idle_attached
stop_tracerd

# Stopped while a program is attached: its listener is still tracerd's at
# exit, never lost track of (the ASan daemon's leak check used to flag it).
start_tracerd || exit 1
mkfifo "$WORK/.priv/held.fifo"
sup sh -c "'$PROGS/mk' mkdir '$IN/held' && read x" <"$WORK/.priv/held.fifo" >"$WORK/.priv/held.out" 2>&1 &
HELD=$!
exec 7>"$WORK/.priv/held.fifo"
poll has_line "$WORK/.priv/held.out" 1 || echo "# the held program did not start"
stop_tracerd
exec 7>&-
wait "$HELD" 2>/dev/null || true
