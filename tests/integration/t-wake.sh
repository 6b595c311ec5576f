#!/bin/bash
# Issue 7: how tracerd waits for calls. SYNC_WAKE_UP is set on every
# listener (NOTIF_SET_FLAGS takes the flag by value), and the calls of a
# busy program are taken by a thread parked on its listener (poll + RECV),
# not through epoll_wait, whose wake-up would lose SYNC_WAKE_UP's "on the
# target's vCPU". Seen from the outside with strace.
. "$(dirname "$0")/lib.sh"

exec 5>&1	# figures for the TAP stream
TRACE=$WORK/.priv/wake.trace

# strace -ff writes one file per thread: $TRACE.TID
traced() { cat "$TRACE".* 2>/dev/null; }
set_flags_ok() { traced | grep -c '_IOC(_IOC_WRITE, 0x21, 0x4, 0x8), 0x1) = 0$'; }
set_flags_failed() { traced | grep -c '_IOC(_IOC_WRITE, 0x21, 0x4, 0x8), .*= -1'; }
recvs() { traced | grep -c 'SECCOMP_IOCTL_NOTIF_RECV.* = 0$'; }
epoll_waits() { traced | grep -c 'epoll_wait('; }
enough_recvs() { [ "$(recvs)" -ge "$1" ]; }

test_wake() {
	local base
	base=$(epoll_waits)
	run sup /usr/bin/python3 -c '
import os, sys
for i in range(300):
    os.mkdir(f"{sys.argv[1]}/d{i}")
' "$IN"
	assert_rc 0 "python3 under the library"
	expect_records 300 path^="$IN/" decision=emulated errno=null
	poll enough_recvs 300 || fail "strace saw $(recvs) RECVs for 300 calls"
	assert_eq "$(set_flags_ok)" 1 "NOTIF_SET_FLAGS(SYNC_WAKE_UP) answered 0"
	assert_eq "$(set_flags_failed)" 0 "failed NOTIF_SET_FLAGS"
	# the first call comes through epoll, the rest to the parked thread
	# (a few more where a slow call made the watchdog call it back)
	[ $(($(epoll_waits) - base)) -lt 75 ] ||
		fail "$(($(epoll_waits) - base)) epoll_waits for 300 calls: no thread parked"
	echo "# wake: 300 calls, $(recvs) RECVs, $(($(epoll_waits) - base)) epoll_waits" >&5
}

command -v strace >/dev/null || { echo "1..0 # SKIP strace not installed"; exit 0; }
# LeakSanitizer cannot run under ptrace (the ASan tracerd of make test)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	start_tracerd --strace "$TRACE" --threads 2 || exit 1
t "SYNC_WAKE_UP on each listener; a busy program's calls go to a parked thread" test_wake
stop_tracerd
