#!/bin/bash
# Issue 5, concurrency: a stalled call (the test-only TRACERD_TEST_STALL
# hook: the creation step of calls whose path contains the marker sleeps
# TRACERD_TEST_STALL_MS) stalls only its own thread; other programs' calls
# keep being answered meanwhile. When every answering thread is stalled,
# new calls wait (never answered wrongly) and tracerd says so once.
# Invariants in every test: records = answered calls, no directory without
# its record, no record twice, tracerd alive at the end.
. "$(dirname "$0")/lib.sh"

MKDIR_NR=83	# x86_64
MARK=stallme
exec 5>&1	# figures for the TAP stream (a test's own output goes to its log)

stall_lines() { grep -c 'answering threads\{0,1\} \(are\|is\) stalled' "$TRACERD_ERR"; }
has_stall_line() { [ "$(stall_lines)" -ge 1 ]; }

# stall_call NAME: `sig` supervised in the background on $IN/NAME (which
# holds the marker); returns once it is blocked in mkdir and a tracerd
# thread sleeps in the stall. Sets SPID_<NAME>, BG_<NAME>.
stall_call() {
	local n=$1 before pid
	need_prog sig
	before=$(sleeping_threads)
	sup "$PROGS/sig" "$IN/$n" >"$T/$n.out" 2>"$T/$n.err" &
	printf -v "BG_$n" %s $!
	poll has_line "$T/$n.out" 1 || fail "sig did not start ($n)"
	pid=$(head -n 1 "$T/$n.out")
	printf -v "SPID_$n" %s "$pid"
	poll in_syscall "$pid" $MKDIR_NR || fail "$n is not in mkdir"
	poll sleeping_at_least $((before + 1)) || { dump_tracerd; fail "tracerd does not stall on $n"; }
}

# stall_wait NAME: the background `sig` ends; its mkdir gave 0, the
# directory exists with exactly one record
stall_wait() {
	local n=$1 bg
	bg=BG_$n
	RC=0
	wait "${!bg}" || RC=$?
	assert_rc 0 "sig $n"
	assert_eq "$(sed -n 2p "$T/$n.out")" "0 handled=0" "mkdir $n"
	assert_dir "$IN/$n"
	expect_record path="$IN/$n" decision=emulated errno=null
}

still_blocked() {
	kill -0 "$1" 2>/dev/null && in_syscall "$1" $MKDIR_NR
}

# gated_go: let it make its second call; poll until it is inside mkdir
gated_go() {
	echo go >&4
	exec 4>&-
	poll in_syscall "$GPID" $MKDIR_NR || fail "the gated program is not in mkdir"
}

# one stalled call; a second program's 100 calls are answered meanwhile
test_one_stall() {
	need_prog loadgen
	local t0 t1 ms
	stall_call ${MARK}1
	t0=$(now_ms)
	run sup "$PROGS/loadgen" 2 40 10 "$IN" "$XT"
	t1=$(now_ms)
	ms=$((t1 - t0))
	assert_rc 0 "every call of the second program got its expected answer"
	# all of that happened while the first call was still stalled
	# shellcheck disable=SC2154 # set by stall_call (printf -v)
	still_blocked "$SPID_stallme1" ||
		fail "the stalled program finished before the second one (${ms} ms): no overlap shown"
	assert_absent "$IN/${MARK}1"
	expect_no_record path="$IN/${MARK}1"
	echo "# stall: 100 calls of a second program answered in $ms ms while one call stalled" >&5
	expect_records 80 path^="$IN/" decision=emulated errno=null
	expect_records 20 path^="$XT/" decision=denied errno=EPERM
	[ "$(find "$IN" -mindepth 1 | wc -l)" -eq 80 ] || fail "directories other than the 80 answered"
	stall_wait ${MARK}1
	[ "$(stall_lines)" -eq 0 ] || fail "tracerd said all threads stalled with spares left"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# One program: its first calls park a tracerd thread on its listener;
# then one of its threads stalls in a call while another makes 50 calls.
# The watchdog puts the listener back into the epoll set: the 50 are
# answered while the stall holds.
test_stall_parked() {
	run sup /usr/bin/python3 -c '
import os, sys, threading, time
d, mark = sys.argv[1], sys.argv[2]
for i in range(5):
    os.mkdir(f"{d}/warm{i}")
done, tid = {}, []
def stall():
    tid.append(threading.get_native_id())
    os.mkdir(f"{d}/{mark}p")
    done["stall"] = time.monotonic()
t = threading.Thread(target=stall)
t.start()
def in_mkdir():
    try:
        with open(f"/proc/self/task/{tid[0]}/syscall") as f:
            return f.read().split()[0] == "83"
    except (IndexError, OSError):
        return False
while not in_mkdir():
    time.sleep(0.001)
for i in range(50):
    os.mkdir(f"{d}/b{i}")
done["others"] = time.monotonic()
t.join()
print("others first" if done["others"] < done["stall"] else "stall first")
' "$IN" "$MARK"
	assert_rc 0 "python3 under the library"
	assert_eq "$(cat "$T/out")" "others first" "order of the answers"
	expect_records 56 path^="$IN/" decision=emulated errno=null
	[ "$(find "$IN" -mindepth 1 | wc -l)" -eq 56 ] || fail "directories other than the 56 answered"
	[ "$(stall_lines)" -eq 0 ] || fail "tracerd said all threads stalled with spares left"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# K stalled calls fill every thread: an attached program's next call waits
# (no record, no directory, still in mkdir) until a stall ends; one line.
# A new program attaches meanwhile (handshakes have a thread of their own;
# the stalls outlast the library's 2 s deadline) and its call waits too.
all_stalled() {
	local k=$1 i t_go nbg
	gated_start gate
	for ((i = 1; i <= k; i++)); do
		stall_call ${MARK}$i
	done
	poll sleeping_at_least "$k" || { dump_tracerd; fail "not all $k threads stalled"; }
	sup "$PROGS/mk" mkdir "$IN/newcomer" >"$T/newcomer.out" 2>"$T/newcomer.err" &
	nbg=$!
	gated_go
	t_go=$(now_ms)
	# tracerd had a leader-stall check (100 ms) and a tick (200 ms) to
	# answer it wrongly: look after them, while every stall still holds
	sleep 0.5
	for ((i = 1; i <= k; i++)); do
		local p=SPID_${MARK}$i
		still_blocked "${!p}" || fail "stall $i ended too early to show the wait (slow machine?)"
	done
	still_blocked "$GPID" || { show_run; fail "the new call did not wait"; }
	assert_absent "$IN/gate-1"
	expect_no_record path="$IN/gate-1"
	RC=0
	wait "$GBG" || RC=$?
	echo "# stall: with all $k threads stalled a new call waited $(($(now_ms) - t_go)) ms" >&5
	assert_rc 0 "gated program"
	assert_eq "$(tail -n 1 "$T/gate.out")" 0 "the waiting call's answer"
	for ((i = 2; i <= k; i++)); do
		stall_wait ${MARK}$i
	done
	assert_dir "$IN/gate-1"
	expect_record path="$IN/gate-1" decision=emulated errno=null
	RC=0
	wait "$nbg" || RC=$?
	cp "$T/newcomer.out" "$T/out"
	cp "$T/newcomer.err" "$T/err"
	assert_rc 0 "the program started while every thread was stalled"
	assert_out 0
	expect_record path="$IN/newcomer" decision=emulated errno=null
	expect_records $((k + 3)) path^="$IN/"
	[ "$(find "$IN" -mindepth 1 | wc -l)" -eq $((k + 3)) ] || fail "directories without records"
	assert_eq "$(stall_lines)" 1 "'stalled' lines on tracerd's stderr"
	grep "stalled" "$TRACERD_ERR" | sed 's/^/# stderr: /' >&5
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# A real hung filesystem, not a hook: a FUSE mount inside the root whose
# server never reads /dev/fuse (so not even its INIT is answered). The call
# under it hangs in tracerd's thread; other programs are answered
# meanwhile; once the connection is aborted the call ends (nothing
# created, its record written) and tracerd goes on.
mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }
test_fuse_hung() {
	local mnt=$IN/fz bg conn holder i
	[ -c /dev/fuse ] || skip fuse "no /dev/fuse"
	mountpoint -q /sys/fs/fuse/connections || mount -t fusectl none /sys/fs/fuse/connections ||
		skip fuse "cannot mount fusectl"
	mkdir "$mnt"
	# the holder keeps /dev/fuse open (its last close would abort the
	# connection) and never reads it
	"$PY" -c 'import os, subprocess, sys
fd = os.open("/dev/fuse", os.O_RDWR)
if subprocess.run(["mount", "-i", "-t", "fuse", "-o",
        "fd=%d,rootmode=40000,user_id=0,group_id=0" % fd, "notif-hung", sys.argv[1]],
        pass_fds=[fd]).returncode == 0:
    os.set_inheritable(fd, True)
    os.execvp("sleep", ["sleep", "600"])' "$mnt" &
	holder=$!
	poll mounted "$mnt" || skip fuse "cannot mount a FUSE filesystem"
	echo "$mnt" >>"$WORK/.priv/mounts"
	conn=$(awk -v m="$mnt" '$5 == m { split($3, d, ":"); print d[2] }' /proc/self/mountinfo)
	[ -n "$conn" ] && [ -e "/sys/fs/fuse/connections/$conn/abort" ] || fail "no fuse connection for $mnt"
	sup "$PROGS/mk" mkdir "$mnt/x" >"$T/hung.out" 2>&1 &
	bg=$!
	in_fuse() { [ "$(audit_count path="$mnt/x")" -eq 0 ] && kill -0 "$bg" 2>/dev/null; }
	# held: still no answer once other programs have been served
	for ((i = 0; i < 20; i++)); do
		run sup "$PROGS/mk" mkdir "$IN/meanwhile$i"
		assert_out 0
	done
	in_fuse || { cat "$T/hung.out" >&2; fail "the call under the hung mount was answered"; }
	echo 1 >"/sys/fs/fuse/connections/$conn/abort"
	kill "$holder" 2>/dev/null || true
	RC=0
	wait "$bg" || RC=$?
	[ ! -e "$mnt/x" ] 2>/dev/null || fail "created on an aborted mount"
	expect_records 1 path="$mnt/x"
	expect_records 20 path^="$IN/meanwhile" decision=emulated errno=null
	echo "# fuse: answered $(cut -c1-20 "$T/hung.out") after the abort; 20 calls served meanwhile" >&5
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

test_all_stalled() { all_stalled 2; }
test_one_thread() { all_stalled 1; }

export TRACERD_TEST_STALL=$MARK TRACERD_TEST_STALL_MS=1500
start_tracerd || exit 1
t "a stalled call stalls only itself: 100 calls of another program answered meanwhile" \
	test_one_stall
stop_tracerd

start_tracerd || exit 1
t "a stalled call of a program with a parked thread: its other calls answered meanwhile" \
	test_stall_parked
stop_tracerd

export TRACERD_TEST_STALL_MS=2000
start_tracerd || exit 1
t "a call on a hung FUSE mount holds one thread; others answered; aborted, it ends" \
	test_fuse_hung
stop_tracerd

# stalls longer than the library's 2 s handshake deadline
export TRACERD_TEST_STALL_MS=3500
start_tracerd --threads 2 --max-threads 2 || exit 1
t "--threads 2 --max-threads 2, both stalled: a new program attaches, new calls wait, answered after; 'stalled' said once" \
	test_all_stalled
stop_tracerd

start_tracerd --threads 1 --max-threads 1 || exit 1
t "--threads 1 --max-threads 1, stalled: a new program attaches, new calls wait, answered after; 'stalled' said once" \
	test_one_thread
stop_tracerd
unset TRACERD_TEST_STALL TRACERD_TEST_STALL_MS
