#!/bin/bash
# Issue 16, the library's side of a restart and of version skew:
#  - a program started while tracerd restarts (its handshake cut by the
#    stop) tries again within its 2 s and ends up supervised by the new
#    tracerd; with no tracerd at all it still fails at once;
#  - a version-1 client is served by this tracerd with the 8-byte ack, a
#    version-2 one gets the listener id, one offering 1-3 gets version 2,
#    one speaking only version 99 is refused naming the versions;
#  - this library, refused by an old (version-1) tracerd, asks again in
#    version 1; a tracerd speaking only newer versions is refused clearly.
. "$(dirname "$0")/lib.sh"
exec 5>&1	# figures for the TAP stream

# A fake tracerd of another version on @NAME: for each REPLY (VERSION:STATUS)
# it takes one connection, prints the hello it got ("hello LEN VERSION
# WORD12 WORD14 NFDS") and answers the 8-byte ack; then it exits.
FAKE='
import array, socket, struct, sys
name, replies = sys.argv[1], sys.argv[2:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + name)
s.listen(8)
s.settimeout(10)
for r in replies:
    c, _ = s.accept()
    c.settimeout(5)
    msg, anc, flags, _ = c.recvmsg(64, socket.CMSG_SPACE(4 * 4))
    fds = array.array("i")
    for lvl, typ, data in anc:
        if lvl == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % 4])
    w12, w14 = struct.unpack("<HH", msg[12:16]) if len(msg) == 16 else (-1, -1)
    ver = struct.unpack("<H", msg[4:6])[0] if len(msg) >= 6 else -1
    print("hello", len(msg), ver, w12, w14, len(fds), flush=True)
    v, st = (int(x) for x in r.split(":"))
    c.sendall(struct.pack("<IHH", 0x4e4f5446, v, st))
    c.close()
'

# listening NAME: @NAME is a listening socket
listening() {
	awk -v p="@$1" '$4 == "00010000" && $8 == p { f = 1 } END { exit !f }' /proc/net/unix
}

# run_fake NAME REPLY...: the fake on @NAME, listening; FAKE_PID, $T/fake.out
run_fake() {
	local name=$1
	shift
	"$PY" -c "$FAKE" "$name" "$@" >"$T/fake.out" 2>"$T/fake.err" &
	FAKE_PID=$!
	wait_listening "$name" "$FAKE_PID" || { cat "$T/fake.err" >&2; fail "the fake did not listen"; }
}

# The old tracerd holds a call (its stop then lasts ~1 s); a program has
# connected to it and waits at the gate before its filter. SIGTERM, a new
# tracerd on the same name, the gate opens: the program's hello meets the
# stopped connection and it tries again, until the new tracerd listens.
test_restart_window() {
	local gate=$T/gate name=$TRACERD_SOCKET old=$TRACERD_SIGPID new_log=$T/new.jsonl
	local new_err=$T/new.err hold late new t0 t1 rc=0
	sup "$PROGS/mk" mkdir "$IN/HOLD-a" >"$T/hold.out" 2>&1 &
	hold=$!
	poll sleeping_at_least 1 || fail "the call did not stall"
	NOTIF_GATE=$gate timeout -k 5 "$TMO" env LD_PRELOAD="$PROGS/gate_nnp.so $LIBNOTIF" \
		"$PROGS/mk" mkdir "$IN/late" >"$T/late.out" 2>"$T/late.err" &
	late=$!
	poll test -e "$gate.in" || fail "the program did not reach its filter"
	kill -TERM "$old"
	t0=$(now_ms)
	: >"$gate"
	# the successor binds once the old tracerd has let the name go (at
	# once, while it still finishes the held call)
	poll eval '! listening "$name"' || fail "the old tracerd kept its socket"
	"$TRACERD" --socket "$name" --log "$new_log" 2>"$new_err" </dev/null &
	new=$!
	trap 'kill_tracerd "$new:$new_err"' EXIT
	wait "$late" || rc=$?
	t1=$(now_ms)
	echo "# restart: the program was attached to the new tracerd $((t1 - t0)) ms after" \
		"the SIGTERM (the old one was still finishing a call)" >&5
	RC=$rc
	cp "$T/late.out" "$T/out"
	cp "$T/late.err" "$T/err"
	assert_rc 0 "the program started during the restart"
	assert_out 0
	assert_err_empty
	assert_dir "$IN/late"
	wait "$hold" || fail "the held call's program failed: $(cat "$T/hold.out")"
	assert_eq "$(cat "$T/hold.out")" 0 "the held call"
	TRACERD_LOG=$new_log expect_record path="$IN/late" decision=emulated errno=null
	expect_no_record path="$IN/late"	# not in the old tracerd's log
	expect_record path="$IN/HOLD-a" decision=emulated
	kill -TERM "$new"
	wait "$new" || fail "the new tracerd exited $?"
	trap - EXIT
	[ $((t1 - t0)) -lt 2000 ] || fail "took $((t1 - t0)) ms"
}

# Nobody serves the name: 126 at once (no tries without a cut first).
test_no_daemon() {
	local t0 t1
	t0=$(now_ms)
	TRACERD_SOCKET=notif-none-$$ run sup "$PROGS/mk" mkdir "$IN/none"
	t1=$(now_ms)
	assert_rc 126
	assert_err_has "tracerd is not running: Connection refused"
	assert_absent "$IN/none"
	echo "# no tracerd: 126 after $((t1 - t0)) ms" >&5
	[ $((t1 - t0)) -lt 500 ] || fail "took $((t1 - t0)) ms"
}

# wire VERSION LOWEST PATH WANT: the hand-made client against tracerd
wire() {
	run "$PROGS/wireclient" "$TRACERD_SOCKET" "$1" "$2" ${3:+"$3"}
	assert_rc 0 "wireclient $1 $2"
	sed -i 's/ id=[1-9][0-9]*$/ id=N/' "$T/out"
	assert_out "$4"
}

test_old_and_new_clients() {
	wire 1 0 "$IN/v1" "ack 8 1 0
mkdir 0"
	expect_record path="$IN/v1" decision=emulated errno=null
	wire 2 1 "$IN/v2" "ack 16 2 0 id=N
mkdir 0"
	wire 3 1 "$IN/v3" "ack 16 2 0 id=N
mkdir 0"
	expect_record path="$IN/v3" decision=emulated errno=null
	wire 99 99 "" "ack 8 2 1"
	poll has_record event=reject reason="protocol versions 99-99 unsupported, tracerd speaks 1-2" ||
		{ dump_tracerd; fail "no reject event naming the versions"; }
}

# The same listener sent twice (a library that tries again after the
# tracerd that stored its listener died before the ack, to the tracerd
# that adopted it): one listener, the same id twice, one per program.
test_same_listener_twice() {
	local before
	before=$(audit_count event=attach)
	WIRECLIENT_TWICE=1 run "$PROGS/wireclient" "$TRACERD_SOCKET" 2 1 "$IN/twice"
	assert_rc 0 "wireclient twice"
	[ "$(grep -c '^ack 16 2 0 id=' "$T/out")" = 2 ] || fail "acks: $(cat "$T/out")"
	[ "$(grep -o 'id=[0-9]*' "$T/out" | sort -u | wc -l)" = 1 ] ||
		fail "two listener ids for one listener: $(cat "$T/out")"
	grep -qx "mkdir 0" "$T/out" || fail "$(cat "$T/out")"
	expect_records 1 path="$IN/twice" decision=emulated errno=null
	poll eval '[ "$(audit_count event=detach)" -ge 1 ]' || true
	assert_eq "$(($(audit_count event=detach pid="$(audit_q path="$IN/twice" |
		"$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["pid"])')")))" 1 \
		"detach events of that program"
	assert_eq "$(($(audit_count event=attach) - before))" 2 "attach events (one per hello)"
}

# An old tracerd (version 1 only): refuses the 1-2 hello with EVERSION in
# version 1, then serves the version-1 hello the library sends again.
test_old_daemon() {
	local name=notif-old-$$-$RANDOM
	run_fake "$name" 1:1 1:0
	TRACERD_SOCKET=$name run sup /bin/true
	wait "$FAKE_PID" || fail "the fake failed: $(cat "$T/fake.err")"
	assert_rc 0 "the program under an old tracerd"
	assert_err_empty
	assert_eq "$(cat "$T/fake.out")" "hello 16 2 1 0 1
hello 16 1 0 0 1" "the hellos the old tracerd got"
}

# A tracerd speaking only versions above ours: 126, naming them.
test_newer_daemon() {
	local name=notif-new-$$-$RANDOM
	run_fake "$name" 7:1
	TRACERD_SOCKET=$name run sup /bin/true
	wait "$FAKE_PID" || fail "the fake failed: $(cat "$T/fake.err")"
	assert_rc 126
	assert_err_has "libnotif: socket @$name: tracerd refused the listener: protocol version unsupported: tracerd speaks only protocol versions above 2 (up to 7), this library 1-2"
	assert_eq "$(wc -l <"$T/fake.out")" 1 "connections"
}

need_prog mk
need_prog wireclient
[ -f "$PROGS/gate_nnp.so" ] || fail "test program $PROGS/gate_nnp.so is missing"
TRACERD_TEST_STALL=HOLD TRACERD_TEST_STALL_MS=1000 start_tracerd || exit 1
t "a program started during a restart is supervised by the new tracerd" test_restart_window
stop_tracerd
t "no tracerd at all: 126 at once" test_no_daemon
start_tracerd || exit 1
t "version-1, -2 and 1-3 clients are served; version 99 is refused naming versions" \
	test_old_and_new_clients
t "the same listener sent twice: one listener, one id" test_same_listener_twice
stop_tracerd
t "an old version-1 tracerd: the library asks again in version 1" test_old_daemon
t "a tracerd of newer versions only: refused, naming both ranges" test_newer_daemon
