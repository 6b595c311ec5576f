#!/bin/bash
# Security review of the daemon (findings 6, 7, 9, 10, 12, 13):
#  6  no directory without its record: the log on a full filesystem (space
#     reserved ahead), the rollback that cannot happen (a file dropped into
#     the directory while tracerd holds the call, the record write failing
#     with EFBIG under RLIMIT_FSIZE);
#  7  programs of the same uid against their daemon: tracerd not dumpable
#     (/proc/PID/fd, mem, environ, ptrace), the log path replaced by a FIFO
#     or a symlink at run time, --log naming a symlink or a FIFO at start;
#  12 the abstract name squatted by another uid: exit 3 naming the squatter,
#     a root program refuses it and sends it nothing;
#  13 control characters in TRACERD_SOCKET: one escaped libnotif: line;
#  9, 10 README boundaries: DT_PREINIT_ARRAY runs before the library (not
#     supervised); a Landlock domain of the program does not bind tracerd.
. "$(dirname "$0")/lib.sh"

ulimit -c 0	# a tracerd killed by SIGXFSZ (before the fix) leaves no core

# ---------------------------------------------------------------- helpers
# err_has REGEX: tracerd's stderr has a line matching REGEX (grep -E)
err_has() { grep -qE -- "$1" "$TRACERD_ERR"; }

# lost_before START PATH: among the log lines after line START, exactly one
# lost-records event, with count 1, and it precedes the record of PATH
LOST_PY='
import json, sys
log, start, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(log, "rb").read().splitlines()[start:]
recs = [json.loads(l) for l in lines]
lost = [i for i, r in enumerate(recs) if r.get("event") == "lost-records"]
rec = [i for i, r in enumerate(recs) if r.get("path") == path and "event" not in r]
if len(lost) != 1 or recs[lost[0]].get("count") != 1 or len(rec) != 1 or lost[0] > rec[0]:
    print("after line %d: lost-records at %s (%s), the record of %s at %s"
          % (start, [start + i + 1 for i in lost], [recs[i].get("count") for i in lost],
             path, [start + i + 1 for i in rec]))
    sys.exit(1)
'
lost_before() { "$PY" -c "$LOST_PY" "$TRACERD_LOG" "$@" >&2; }

# tracerd_gone PID: PID has exited (or is a zombie)
tracerd_gone() {
	! kill -0 "$1" 2>/dev/null && return 0
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ---------------------------------------------------------------- 6a
# The log on a filesystem that another writer fills to the last byte after
# tracerd started: tracerd reserved room ahead (fallocate KEEP_SIZE), so
# 40 calls are each answered 0, with the directory and its record, and
# nothing is lost.
test_log_fs_full() {
	need_prog mk
	local i avail bad=0 n
	# fill the filesystem completely: big blocks, then the last bytes
	dd if=/dev/zero of="$LOGFS/filler" bs=64k >/dev/null 2>&1 || true
	dd if=/dev/zero of="$LOGFS/filler2" bs=4096 >/dev/null 2>&1 || true
	fallocate -l 4096 "$LOGFS/filler3" 2>/dev/null || true
	dd if=/dev/zero of="$LOGFS/filler4" bs=1 >/dev/null 2>&1 || true
	avail=$(df -B1 --output=avail "$LOGFS" | tail -n 1 | tr -d ' ')
	[ "$avail" -eq 0 ] || fail "the log filesystem still has $avail bytes free"
	# one supervised tree, 40 calls from 40 processes
	run sup sh -c "for i in \$(seq 1 40); do '$PROGS/mk' mkdir '$IN/f'\$i || exit 1; done"
	assert_rc 0 "the 40 mkdirs"
	n=$(grep -cx 0 "$T/out" || true)
	[ "$n" -eq 40 ] || { bad=1; diag "$n of 40 calls answered 0: $(sort "$T/out" | uniq -c | tr -s ' \n' ' ')"; }
	n=0
	for i in $(seq 1 40); do
		[ -d "$IN/f$i" ] && [ "$(audit_count path="$IN/f$i" decision=emulated errno=null)" -eq 1 ] ||
			n=$((n + 1))
	done
	[ "$n" -eq 0 ] || { bad=1; diag "$n of 40 directories missing or without their record"; }
	if err_has '^audit-lost:'; then
		bad=1
		diag "tracerd lost $(grep -c '^audit-lost:' "$TRACERD_ERR") records, the first:"
		grep -m 1 '^audit-lost:' "$TRACERD_ERR" | sed 's/^/  /' >&2
	fi
	audit_wellformed "$TRACERD_LOG" >&2 || bad=1
	rm -f "$LOGFS"/filler*
	[ "$bad" = 0 ] || fail "calls were not all answered 0 with their record"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- 6b
# hold_start NAME: a supervised sh whose mk makes mkdir($IN/NAME) (held by
# tracerd after the creation: TRACERD_TEST_STALL_AT=after-create), prints
# the answer, then waits for a line on fd 4 (so that it stays attached:
# no detach event while the log cannot be written). Returns once the
# directory exists (tracerd holds the call).
hold_start() {
	local n=$1
	# RLIMIT_FSIZE applies to tracerd's stderr (a file here) too: make the
	# log much longer than stderr, so that the audit-lost: line still fits
	sup sh -c "for i in \$(seq 1 12); do '$PROGS/mk' mkdir '$IN/pad-'\$i >/dev/null; done"
	[ "$(stat -c %s "$TRACERD_LOG")" -gt $(($(stat -c %s "$TRACERD_ERR") + 2048)) ] ||
		fail "the log did not grow"
	L0=$(wc -l <"$TRACERD_LOG")
	mkfifo "$T/$n.fifo"
	sup sh -c "'$PROGS/mk' mkdir '$IN/$n'; read x" <"$T/$n.fifo" >"$T/$n.out" 2>"$T/$n.err" &
	HBG=$!
	exec 4>"$T/$n.fifo"
	poll test -d "$IN/$n" || { cat "$T/$n.err" >&2; fail "$IN/$n never appeared"; }
}

# log_limit: the log cannot grow any more (RLIMIT_FSIZE of tracerd = its
# size now: the next write fails with EFBIG once tracerd ignores SIGXFSZ).
# The soft limit only: root here lacks CAP_SYS_RESOURCE, a lowered hard
# limit could not be raised again.
log_limit() {
	local size
	size=$(stat -c %s "$TRACERD_LOG")
	prlimit --pid "$TRACERD_SIGPID" --fsize="$size:unlimited" || fail "prlimit --fsize=$size failed"
	LIMITED=1
}

log_unlimit() {
	[ -n "${LIMITED:-}" ] || return 0
	prlimit --pid "$TRACERD_SIGPID" --fsize=unlimited:unlimited || diag "cannot lift the limit"
	LIMITED=
}

# the end of a hold test, also on failure: the limit lifted, the program
# released
hold_cleanup() {
	log_unlimit
	exec 4>&- 2>/dev/null || true
}

# after_lost NAME: the log works again; a new supervised mkdir: a
# lost-records event with count 1 precedes its record
after_lost() {
	local n=$1
	log_unlimit
	echo go >&4
	exec 4>&-
	wait "$HBG" || fail "the held program exited $?"
	run sup "$PROGS/mk" mkdir "$IN/next-${n##*-}"
	assert_out 0
	expect_record path="$IN/next-${n##*-}" decision=emulated errno=null
	lost_before "$L0" "$IN/next-${n##*-}" ||
		{ dump_tracerd; fail "no lost-records event with count 1 before the new record"; }
	expect_no_record path="$IN/$n"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# The rollback cannot happen: a file was dropped into the new directory
# while tracerd held the call, then the record cannot be written. The
# truth is that the directory exists: the answer is 0, the record goes to
# stderr (audit-lost:) and is counted by a lost-records event later.
test_rollback_blocked() {
	need_prog mk
	trap hold_cleanup EXIT
	hold_start hold-1
	touch "$IN/hold-1/f"
	log_limit
	poll has_line "$T/hold-1.out" 1 || { dump_tracerd; fail "the held call was not answered"; }
	assert_eq "$(cat "$T/hold-1.out")" 0 "answer to mkdir hold-1 (the directory exists)"
	assert_dir "$IN/hold-1"
	[ -e "$IN/hold-1/f" ] || fail "the dropped file is gone"
	poll err_has '^audit-lost: .*hold-1' ||
		{ dump_tracerd; fail "no 'audit-lost:' line for hold-1 on tracerd's stderr"; }
	kill -0 "$TRACERD_PID" || fail "tracerd died (SIGXFSZ?)"
	after_lost hold-1
}

# The same with nothing dropped into it: the directory is removed again,
# the answer is EPERM, the record is on stderr.
test_rollback_done() {
	need_prog mk
	trap hold_cleanup EXIT
	hold_start hold-2
	log_limit
	poll has_line "$T/hold-2.out" 1 || { dump_tracerd; fail "the held call was not answered"; }
	assert_eq "$(cat "$T/hold-2.out")" EPERM "answer to mkdir hold-2 (no record: rolled back)"
	assert_absent "$IN/hold-2"
	poll err_has '^audit-lost: .*hold-2' ||
		{ dump_tracerd; fail "no 'audit-lost:' line for hold-2 on tracerd's stderr"; }
	kill -0 "$TRACERD_PID" || fail "tracerd died (SIGXFSZ?)"
	after_lost hold-2
}

# ---------------------------------------------------------------- 7
nob() { "${AS_NOBODY[@]}" "$@"; }

# tracerd (uid 65534) is not dumpable: a program of the same uid can read
# neither its fds nor its memory nor its environment, nor ptrace it
PTRACE_PY='
import ctypes, errno, os, sys
pid = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
if libc.ptrace(16, pid, None, None) == 0:		# PTRACE_ATTACH
    os.waitpid(pid, 0x40000000)			# __WALL: its SIGSTOP
    libc.ptrace(17, pid, None, None)		# PTRACE_DETACH
    print("attached")
else:
    print(errno.errorcode.get(ctypes.get_errno(), "E?"))
'
MEM_PY='
import sys
pid = sys.argv[1]
try:
    maps = open("/proc/%s/maps" % pid).readline()
    start = int(maps.split("-")[0], 16)
    with open("/proc/%s/mem" % pid, "rb", buffering=0) as f:
        f.seek(start)
        f.read(16)
    print("read")
except OSError as e:
    print(type(e).__name__)
'
test_not_dumpable() {
	local p=$TRACERD_SIGPID bad=0 r
	[ "$(awk '$1 == "Uid:" { print $2 }' "/proc/$p/status")" = "$NOBODY" ] ||
		fail "tracerd does not run as uid $NOBODY"
	if nob ls "/proc/$p/fd" >"$T/fd.out" 2>&1; then
		bad=1
		diag "uid $NOBODY lists /proc/$p/fd: $(tr '\n' ' ' <"$T/fd.out")"
	fi
	if nob cat "/proc/$p/environ" >/dev/null 2>&1; then
		bad=1
		diag "uid $NOBODY reads /proc/$p/environ"
	fi
	r=$(nob "$PY" -c "$MEM_PY" "$p")
	[ "$r" != read ] || { bad=1; diag "uid $NOBODY reads /proc/$p/mem"; }
	r=$(nob "$PY" -c "$PTRACE_PY" "$p")
	[ "$r" = EPERM ] || { bad=1; diag "ptrace(PTRACE_ATTACH) by uid $NOBODY: $r (expected EPERM)"; }
	kill -0 "$p" || fail "tracerd died"
	[ "$bad" = 0 ] || fail "tracerd is dumpable: a same-uid program can inspect it"
	# still serving
	run sup_nobody "$NPROGS/mk" mkdir "$NIN/dump-after"
	assert_out 0
	expect_record path="$NIN/dump-after" decision=emulated errno=null
}

# The log replaced by a FIFO at run time (by a program of tracerd's uid):
# tracerd never opens it to block on it: the call is answered EPERM (its
# record on stderr, and tracerd says the log is not a regular file), a new
# program still attaches and is answered, SIGTERM stops tracerd at once.
test_log_fifo_runtime() {
	local t0
	nob rm "$TRACERD_LOG"
	nob mkfifo -m 0600 "$TRACERD_LOG"
	run timeout 10 "${AS_NOBODY[@]}" env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/fifo-1"
	assert_rc 0 "a supervised mkdir with the log a FIFO"
	assert_out EPERM
	assert_absent "$NIN/fifo-1"
	poll err_has '^audit-lost: .*fifo-1' || { dump_tracerd; fail "no audit-lost: line for fifo-1"; }
	err_has 'not a regular file' || { dump_tracerd; fail "tracerd does not say the log is not a regular file"; }
	# a new program: attaches, answered (EPERM again: still no log)
	run timeout 10 "${AS_NOBODY[@]}" env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/fifo-2"
	assert_rc 0 "a new supervised program (126: not attached)"
	assert_out EPERM
	assert_absent "$NIN/fifo-2"
	[ -p "$TRACERD_LOG" ] || fail "the FIFO was replaced"
	# SIGTERM: stops within 5 s
	t0=$(now_ms)
	kill -TERM "$TRACERD_SIGPID"
	POLL_TRIES=500 poll tracerd_gone "$TRACERD_SIGPID" ||
		{ dump_tracerd; fail "tracerd did not stop within 5 s of SIGTERM"; }
	diag "stopped $(($(now_ms) - t0)) ms after SIGTERM"
}

# The log replaced by a symlink at run time: the file it points to is
# never written
test_log_symlink_runtime() {
	local other=$NDIR/other.txt sum
	nob sh -c "echo precious >'$other'"
	sum=$(sha256sum <"$other")
	nob rm "$TRACERD_LOG"
	nob ln -s "$other" "$TRACERD_LOG"
	run timeout 10 "${AS_NOBODY[@]}" env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/sym-1"
	assert_rc 0 "a supervised mkdir with the log a symlink"
	assert_eq "$(sha256sum <"$other")" "$sum" "the symlink's target ($(head -c 200 "$other"))"
	case $(cat "$T/out") in
	EPERM)
		assert_absent "$NIN/sym-1"
		poll err_has '^audit-lost: .*sym-1' || { dump_tracerd; fail "no audit-lost: line for sym-1"; } ;;
	0)
		# only acceptable if a new regular log holds the record
		[ -f "$TRACERD_LOG" ] && [ ! -L "$TRACERD_LOG" ] ||
			fail "answered 0 but the log is not a regular file"
		expect_record path="$NIN/sym-1" decision=emulated errno=null ;;
	*) show_run; fail "unexpected answer" ;;
	esac
	run timeout 10 "${AS_NOBODY[@]}" env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/sym-2"
	assert_rc 0 "a later program"
	assert_eq "$(sha256sum <"$other")" "$sum" "the symlink's target after a later call"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# --log naming a symlink at start: tracerd refuses to start (exit 1), the
# file the symlink points to is untouched
test_log_symlink_start() {
	local other=$NDIR/target.txt sum
	nob sh -c "echo precious >'$other'"
	nob ln -s "$other" "$NDIR/link.jsonl"
	sum=$(sha256sum <"$other")
	run timeout 5 "${AS_NOBODY[@]}" "$NTRACERD" --socket "notif-test-$$-symlink" --log "$NDIR/link.jsonl"
	assert_rc 1 "tracerd --log SYMLINK (124: it started and ran)"
	assert_eq "$(sha256sum <"$other")" "$sum" "the symlink's target ($(head -c 200 "$other"))"
	[ -L "$NDIR/link.jsonl" ] || fail "the symlink was replaced"
}

# --log naming a FIFO at start: exit 1, "not a regular file", no blocking
test_log_fifo_start() {
	nob mkfifo -m 0600 "$NDIR/fifo.jsonl"
	run timeout 5 "${AS_NOBODY[@]}" "$NTRACERD" --socket "notif-test-$$-fifo" --log "$NDIR/fifo.jsonl"
	assert_rc 1 "tracerd --log FIFO (124: it blocked or ran)"
	assert_err_has "not a regular file"
}

# ---------------------------------------------------------------- 12
# the squatter: listens on @NAME as uid 65534, prints "ready", then one
# line per connection it accepted: conns= fds= (fds received) bytes=
SQUAT_PY='
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(16)
print("ready", flush=True)
conns = fds = nbytes = 0
while True:
    c, _ = s.accept()
    conns += 1
    c.settimeout(3)
    try:
        while True:
            msg, anc, fl, ad = c.recvmsg(4096, socket.CMSG_SPACE(64 * 4))
            for lvl, typ, d in anc:
                if lvl == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    a = array.array("i")
                    a.frombytes(d[: len(d) - len(d) % 4])
                    fds += len(a)
                    for x in a:
                        os.close(x)
            if not msg:
                break
            nbytes += len(msg)
    except OSError:
        pass
    c.close()
    print("conns=%d fds=%d bytes=%d" % (conns, fds, nbytes), flush=True)
'
squat_lines() { [ "$(grep -c '^conns=' "$T/squat.out")" -gt "$1" ]; }

test_squatter() {
	need_prog mk
	local name=notif-test-$$-squat sq n0
	"${AS_NOBODY[@]}" "$PY" -c "$SQUAT_PY" "$name" >"$T/squat.out" 2>"$T/squat.err" &
	sq=$!
	# (set -e holds in the trap too: nothing in it may fail)
	# shellcheck disable=SC2064 # $sq is known now
	trap "kill $sq 2>/dev/null || true; wait $sq 2>/dev/null || true" EXIT
	wait_listening "$name" "$sq" || { cat "$T/squat.err" >&2; fail "the squatter does not listen"; }
	# a root tracerd on that name: 3, naming the squatter's uid and pid
	run timeout 10 "$TRACERD" --socket "$name" --log "$T/tracerd.jsonl"
	assert_rc 3 "tracerd on a squatted name"
	grep -qF "socket @$name is already served by uid $NOBODY (pid $sq)" "$T/err" ||
		{ show_run; fail "stderr does not name the squatter (uid $NOBODY, pid $sq)"; }
	# a root program pointed at it: 126, refused, nothing sent, nothing made
	n0=$(grep -c '^conns=' "$T/squat.out" || true)
	run timeout "$TMO" env TRACERD_SOCKET="$name" LD_PRELOAD="$LIBNOTIF" "$PROGS/mk" mkdir "$IN/sq"
	assert_rc 126
	assert_out ""
	grep -q "^libnotif: .*@$name.*served by another user" "$T/err" ||
		{ show_run; fail "no libnotif: line saying the socket is served by another user"; }
	assert_absent "$IN/sq"
	poll squat_lines "$n0" || { cat "$T/squat.out" >&2; fail "the squatter saw no connection"; }
	! grep -q '^conns=.* fds=[1-9]' "$T/squat.out" ||
		{ cat "$T/squat.out" >&2; fail "the squatter received a file descriptor"; }
	! grep -q '^conns=.* bytes=[1-9]' "$T/squat.out" ||
		{ cat "$T/squat.out" >&2; fail "the squatter received data"; }
}

# ---------------------------------------------------------------- 13
# stderr_one_line FILE: exactly one line, terminated, no raw control byte
stderr_one_line() {
	"$PY" - "$1" <<-'EOF' >&2
	import sys
	b = open(sys.argv[1], "rb").read()
	bad = []
	if b.count(b"\n") != 1 or not b.endswith(b"\n"):
	    bad.append("%d newlines (want exactly one, at the end)" % b.count(b"\n"))
	raw = [c for c in b[:-1] if c < 0x20 or c >= 0x7f]
	if raw:
	    bad.append("raw bytes %s" % sorted(set(hex(c) for c in raw)))
	if not b.startswith(b"libnotif:"):
	    bad.append("does not start with libnotif:")
	if bad:
	    print("stderr %r: %s" % (b, "; ".join(bad))); sys.exit(1)
	EOF
}

test_sockname_escaped() {
	run timeout "$TMO" env TRACERD_SOCKET=$'x\ny\033[31m' LD_PRELOAD="$LIBNOTIF" /bin/true
	assert_rc 126
	stderr_one_line "$T/err" || fail "not one clean line"
	assert_err_has 'x\x0ay\x1b[31m'
	# a backslash is doubled, a byte above 0x7e is \xHH too
	run timeout "$TMO" env TRACERD_SOCKET=$'a\\b\xe9\tc' LD_PRELOAD="$LIBNOTIF" /bin/true
	assert_rc 126
	stderr_one_line "$T/err" || fail "not one clean line"
	assert_err_has 'a\\b\xe9\x09c'
}

# ---------------------------------------------------------------- 9, 10
# DT_PREINIT_ARRAY runs before the library's constructor: not supervised
# (README: not covered); main's call is.
test_preinit_unsupervised() {
	need_prog preinit
	run "$PROGS/preinit" "$XT/native-pre" "$XT/native-main"
	assert_out "pre=0 main=0"
	run sup "$PROGS/preinit" "$XT/pre" "$XT/main"
	assert_rc 0
	assert_out "pre=0 main=EPERM"
	assert_dir "$XT/pre"
	assert_absent "$XT/main"
	expect_no_record path="$XT/pre"
	expect_record path="$XT/main" decision=denied errno=EPERM
}

# A program's own Landlock domain forbids it to make directories; under
# the library tracerd, which the domain does not bind, makes them.
test_landlock_not_binding() {
	need_prog landlock_mk
	run "$PROGS/landlock_mk" "$IN/native"
	[ "$RC" != 3 ] || skip landlock "landlock_create_ruleset(LANDLOCK_CREATE_RULESET_VERSION) fails"
	assert_rc 0
	assert_out EACCES
	assert_absent "$IN/native"
	run sup "$PROGS/landlock_mk" "$IN/ll"
	assert_rc 0
	assert_out 0
	assert_dir "$IN/ll"
	expect_record path="$IN/ll" decision=emulated errno=null
}

# ---------------------------------------------------------------- main
need_prog mk

# 6a: the log alone on a 4 MiB tmpfs
log_on_tmpfs 4m "6a: log fs filled after start: 40 mkdirs answered 0, each with its record, none lost" \
	test_log_fs_full

# 6b: the call held after the creation, before the record
export TRACERD_TEST_STALL=hold- TRACERD_TEST_STALL_MS=4000 TRACERD_TEST_STALL_AT=after-create
start_tracerd || exit 1
unset TRACERD_TEST_STALL TRACERD_TEST_STALL_MS TRACERD_TEST_STALL_AT
t "6b: record fails (EFBIG) after a file was dropped in the new dir: 0, audit-lost:, lost-records 1" \
	test_rollback_blocked
t "6b: record fails (EFBIG), empty new dir: rolled back, EPERM, audit-lost:, lost-records 1" \
	test_rollback_done
stop_tracerd

# 7: a tracerd of uid 65534 and programs of that uid
nobody_files
NIN=$WORK/sec-nobody-in
NDIR=$WORK/sec-nobody-files
mkdir "$NIN" "$NDIR"
chown "$NOBODY:$NOBODY" "$NIN" "$NDIR"
chmod 0700 "$NDIR"
start_tracerd --as-nobody || exit 1
t "7a: tracerd is not dumpable: uid 65534 cannot read its fd/mem/environ or ptrace it" \
	test_not_dumpable
t "7b: log replaced by a FIFO: EPERM + audit-lost:, new program answered, SIGTERM stops it" \
	test_log_fifo_runtime
stop_tracerd
start_tracerd --as-nobody || exit 1
t "7c: log replaced by a symlink at run time: its target is never written" \
	test_log_symlink_runtime
# the symlink's target is not a log: stop_tracerd checks only what tracerd wrote
[ ! -L "$TRACERD_LOG" ] || rm -f "$TRACERD_LOG"
stop_tracerd
t "7c: --log naming a symlink: exit 1, its target untouched" test_log_symlink_start
t "7d: --log naming a FIFO: exit 1, 'not a regular file', no blocking" test_log_fifo_start

# 12, 13: no tracerd of ours on those names
t "12: abstract name squatted by uid 65534: tracerd exits 3 naming it; root program 126, sends nothing" \
	test_squatter
t "13: control bytes in TRACERD_SOCKET: one libnotif: line, \\xHH escaped" test_sockname_escaped

# 14: readiness means ready. tracerd set up with a slow epoll_create1 (a
# preload): once the name listens, its fds are all there (t-storm once
# took a baseline 5 fds short). It says "listening on" once set up.
said_listening() { grep -q "listening on @$TRACERD_SOCKET\$" "$TRACERD_ERR"; }
test_ready_means_set_up() {
	local before after
	before=$(ls "/proc/$TRACERD_PID/fd" | wc -l)
	poll said_listening || fail "tracerd never said it listens"
	after=$(ls "/proc/$TRACERD_PID/fd" | wc -l)
	assert_eq "$before" "$after" "tracerd's fds when the name listens and once set up"
	run sup "$PROGS/mk" mkdir "$IN/ready"
	assert_out 0
}
REAL_TRACERD=$TRACERD
TRACERD=$WORK/.priv/tracerd-slow-setup
printf '#!/bin/sh\nLD_PRELOAD=%s exec "%s" "$@"\n' "$PROGS/slow_setup.so" "$REAL_TRACERD" >"$TRACERD"
chmod +x "$TRACERD"
start_tracerd || exit 1
TRACERD=$REAL_TRACERD
t "14: the name listens only once tracerd is set up (slow epoll_create1)" test_ready_means_set_up
stop_tracerd

# 9, 10: README boundaries
start_tracerd || exit 1
t "9: a DT_PREINIT_ARRAY mkdir runs before the library: created natively, no record" \
	test_preinit_unsupervised
t "10: the program's Landlock domain does not bind tracerd: created, recorded" \
	test_landlock_not_binding
stop_tracerd
