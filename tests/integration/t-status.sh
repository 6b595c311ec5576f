#!/bin/bash
# Issue 18, `tracerd status`: a daemon with known attached programs and
# counts, reported exactly (text and --json, every documented key); exit 3
# with no daemon; a client of another uid refused (and its reject event);
# an old (version-2) tracerd: "tracerd too old"; hostile status hellos;
# 100 requests while 8 programs create directories: every call answered,
# syscalls per call of the answering threads not grown, p99 printed.
. "$(dirname "$0")/lib.sh"
exec 5>&1	# figures for the TAP stream

STATUS_KEYS='pid version started uptime_ms socket log_outputs allowed_roots threads
programs_attached programs_listed programs calls lost lost_records'

# status_json: `tracerd status --json` into $T/status.json (exit 0)
status_json() {
	run "$TRACERD" status --json
	assert_rc 0 "tracerd status --json"
	cp "$T/out" "$T/status.json"
}

# prog NAME ALLOWED DENIED: a supervised program that makes ALLOWED mkdirs
# under $IN and DENIED under $XT, then execs sleep (its pid stays, its exe
# becomes sleep); its pid in $T/NAME.pid once its calls are made.
prog() {
	local cmd="echo \$\$ >'$T/$1.pid.tmp'" i
	for ((i = 0; i < $2; i++)); do cmd="$cmd; mkdir '$IN/$1-a$i'"; done
	for ((i = 0; i < $3; i++)); do cmd="$cmd; mkdir '$XT/$1-d$i' 2>/dev/null"; done
	sup sh -c "$cmd; mv '$T/$1.pid.tmp' '$T/$1.pid'; exec sleep 60" &
	poll test -s "$T/$1.pid" || fail "program $1 did not make its calls"
}

CHECK_PY='
import json, sys
s = json.load(open(sys.argv[1]))
want = {}
for a in sys.argv[4:-1]:
    pid, calls, attach = a.split(":")
    want[int(pid)] = (int(calls), int(attach))
keys = sys.argv[2].split()
miss = [k for k in keys if k not in s]
assert not miss, "keys missing: %s" % miss
assert s["programs_attached"] == len(want) == s["programs_listed"], s
got = {p["pid"]: p for p in s["programs"]}
assert set(got) == set(want), (got, want)
for pid, (calls, attach) in want.items():
    p = got[pid]
    assert p["calls"] == calls and p["attach"] == attach, (p, calls, attach)
    assert p["exe"] == "/bin/sleep" or p["exe"] == "/usr/bin/sleep", p
    assert p["since"].endswith("Z"), p
e, d = (int(x) for x in sys.argv[3].split(":"))
assert s["calls"] == {"emulated": e, "denied": d, "error": 0}, s["calls"]
assert s["lost"] == 0 and s["lost_records"] == 0, s
assert s["allowed_roots"] == ["/tmp"], s
assert s["log_outputs"][0]["output"] == sys.argv[-1], s
assert s["threads"]["total"] >= 1 and set(s["threads"]) == {"total", "busy", "parked", "stalled"}
assert s["uptime_ms"] >= 0 and s["version"] and s["started"].endswith("Z")
'

attach_of() {
	audit_q event=attach pid="$1" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["attach"])'
}

test_counts() {
	local a b c
	prog a 1 0
	prog b 2 1
	prog c 3 2
	a=$(cat "$T/a.pid") b=$(cat "$T/b.pid") c=$(cat "$T/c.pid")
	status_json
	"$PY" -c "$CHECK_PY" "$T/status.json" "$STATUS_KEYS" 6:3 "$a:1:$(attach_of "$a")" \
		"$b:3:$(attach_of "$b")" "$c:5:$(attach_of "$c")" "$TRACERD_LOG" ||
		{ cat "$T/status.json" >&2; fail "the status does not say what happened"; }
	[ "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' \
		"$T/status.json")" = "$TRACERD_SIGPID" ] || fail "pid is not tracerd's"
	# the text form: the same counts, one line per program
	run "$TRACERD" status
	assert_rc 0 "tracerd status"
	grep -qx "calls:     6 emulated, 3 denied, 0 error" "$T/out" || { show_run; fail "calls line"; }
	grep -qx "programs:  3 attached" "$T/out" || { show_run; fail "programs line"; }
	grep -qx "socket:    @$TRACERD_SOCKET" "$T/out" || { show_run; fail "socket line"; }
	for p in "$a 1" "$b 3" "$c 5"; do
		set -- $p
		grep -qE "^ +[0-9]+ +$1  [0-9-]+ [0-9:]+ +$2  /(usr/)?bin/sleep$" "$T/out" ||
			{ show_run; fail "no line for pid $1 with $2 calls"; }
	done
	# --socket says the same as TRACERD_SOCKET
	TRACERD_SOCKET=notif-elsewhere-$$ run "$TRACERD" status --socket "$TRACERD_SOCKET" --json
	assert_rc 0 "--socket"
	kill "$a" "$b" "$c"
}

test_no_daemon() {
	TRACERD_SOCKET=notif-none-$$ run "$TRACERD" status
	assert_rc 3 "no daemon"
	assert_err_has "tracerd status: no tracerd serves @notif-none-$$"
	run "$TRACERD" status --socket "notif-none-$$" --json
	assert_rc 3 "no daemon, --socket"
	[ ! -s "$T/out" ] || fail "printed something: $(cat "$T/out")"
	run "$TRACERD" status --bogus
	assert_rc 1 "an unknown option"
}

# A raw status hello: CASE fd (with an fd), exec (STATUS|EXEC), short,
# plain; prints the ack status, or "none" when tracerd closed without one.
CLIENT='
import os, socket, struct, sys
name, case = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect("\0" + name)
flags = 3 if case == "exec" else 2
hello = struct.pack("<IHHiHH", 0x4e4f5446, 3, flags, os.getpid(), 3, 0)
if case == "short":
    hello = hello[:12]
try:  # a refused peer may be closed before the hello
    if case == "fd":
        r, w = os.pipe()
        s.sendmsg([hello], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", r))])
    else:
        s.sendall(hello)
    if case == "short":
        s.shutdown(socket.SHUT_WR)
except OSError:
    pass
try:
    b = s.recv(16)
except OSError:
    b = b""
print(struct.unpack("<IHH", b[:8])[2] if len(b) >= 8 else "none")
'

test_hostile() {
	local before why
	for c in "fd:4:status request with an fd" "exec:4:malformed hello" "short:4:malformed hello"; do
		why=${c#*:*:}
		before=$(audit_count event=reject reason="$why")
		run "$PY" -c "$CLIENT" "$TRACERD_SOCKET" "${c%%:*}"
		assert_rc 0 "client ${c%%:*}"
		assert_out "$(echo "$c" | cut -d: -f2)"
		poll eval '[ "$(audit_count event=reject reason="'"$why"'")" -gt '"$before"' ]' ||
			{ dump_tracerd; fail "no reject event '$why'"; }
	done
	run "$PY" -c "$CLIENT" "$TRACERD_SOCKET" plain
	assert_out 0
	run "$TRACERD" status
	assert_rc 0 "still answering"
}

test_other_uid() {
	local why="peer uid $NOBODY is not tracerd's uid $(id -u)"
	[ "$(id -u)" = 0 ] || skip root "needs root to run a client as uid $NOBODY"
	nobody_files
	run "${AS_NOBODY[@]}" "$NTRACERD" status
	assert_rc 1 "another uid"
	assert_err_has "@$TRACERD_SOCKET is served by uid 0"
	[ ! -s "$T/out" ] || fail "printed a status: $(cat "$T/out")"
	# the daemon's own check: a raw client of uid 65534 gets no answer
	run "${AS_NOBODY[@]}" "$PY" -c "$CLIENT" "$TRACERD_SOCKET" plain
	assert_out none
	poll eval '[ "$(reject_total reason="'"$why"'")" -ge 2 ]' ||
		{ dump_tracerd; fail "no reject events '$why'"; }
}

# A version-2 tracerd: takes the hello, answers WIRE_EVERSION naming 2 in
# the 8-byte header (what handshake.c's send_ack does), prints the hello.
FAKE='
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(1)
s.settimeout(10)
open(sys.argv[2], "w").close()
c, _ = s.accept()
msg, anc, _, _ = c.recvmsg(64, 64)
v, fl, mn = struct.unpack("<HH", msg[4:8]) + struct.unpack("<H", msg[12:14])
print("hello", len(msg), v, fl, mn, len(anc), flush=True)
c.sendall(struct.pack("<IHH", 0x4e4f5446, 2, 1))
c.close()
'

test_old_daemon() {
	local name=notif-old-$$-$RANDOM
	"$PY" -c "$FAKE" "$name" "$T/fake.ready" >"$T/fake.out" 2>"$T/fake.err" &
	poll test -e "$T/fake.ready" || fail "the fake did not start"
	run "$TRACERD" status --socket "$name"
	wait $! || fail "the fake failed: $(cat "$T/fake.err")"
	assert_rc 1 "an old tracerd"
	assert_err_has "tracerd status: tracerd too old (it speaks up to version 2)"
	assert_eq "$(cat "$T/fake.out")" "hello 16 3 2 3 0" "the status hello (len version flags min fds)"
}

# 8 programs make N mkdirs each, timed; with "ask", 100 status requests
# meanwhile. Every call answered 0 with its record; the answering
# threads' syscalls counted by strace (the threads that RECV).
load_round() {
	local mode=$1 traced=$2 n=250 i pids=() spid= asks=0
	mkdir -p "$IN/$mode"
	if [ "$traced" = 1 ]; then
		strace -ff -qq -o "$T/st-$mode" -p "$TRACERD_SIGPID" 2>"$T/strace-$mode.err" &
		spid=$!
		poll eval 'grep -q "TracerPid:[[:space:]]*[1-9]" /proc/'"$TRACERD_SIGPID"'/status' ||
			fail "strace did not attach"
	fi
	for ((i = 0; i < 8; i++)); do
		sup "$PROGS/mklat" $n "$IN/$mode" "$T/lat-$mode-$i" &
		pids+=($!)
	done
	if [ "${mode%-*}" = ask ]; then
		for ((i = 0; i < 100; i++)); do
			"$TRACERD" status >/dev/null || fail "status request $i failed"
			asks=$((asks + 1))
		done
	fi
	for i in "${pids[@]}"; do
		wait "$i" || fail "a program's calls were not all answered 0 ($mode)"
	done
	if [ -n "$spid" ]; then
		kill -INT "$spid"
		wait "$spid" || true
	fi
	assert_eq "$(find "$IN/$mode" -mindepth 1 | wc -l)" $((8 * n)) "directories ($mode)"
	expect_records $((8 * n)) path^="$IN/$mode/" decision=emulated errno=null
	echo "$asks"
}

# syscalls of the answering threads (their files hold a NOTIF_SEND) / calls
per_call() {
	local f total=0 n
	for f in "$T/st-$1".*; do
		grep -qE 'NOTIF_SEND|0xc0182101' "$f" || continue
		n=$(grep -cvE '^\+\+\+|^---|resumed>' "$f")
		total=$((total + n))
	done
	echo "$total $2" | awk '{ printf "%.2f\n", $1 / $2 }'
}

p99() {
	cat "$T"/lat-"$1"-* | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f\n", a[int(NR * 0.99)] / 1000 }'
}

test_load() {
	local asks without with
	command -v strace >/dev/null || skip strace "strace is not installed"
	need_prog mklat
	# the latencies untraced, then the syscalls under strace
	load_round quiet-lat 0 >/dev/null
	asks=$(load_round ask-lat 0)
	assert_eq "$asks" 100 "status requests answered during the load"
	load_round quiet-sc 1 >/dev/null
	asks=$(load_round ask-sc 1)
	assert_eq "$asks" 100 "status requests answered during the traced load"
	without=$(per_call quiet-sc 2000)
	with=$(per_call ask-sc 2000)
	echo "# syscalls per call of the answering threads: $without without, $with with 100 status requests" >&5
	echo "# p99 latency of the calls (us): $(p99 quiet-lat) without, $(p99 ask-lat) with 100 status requests" >&5
	awk -v a="$without" -v b="$with" 'BEGIN { exit !(b <= a * 1.15 + 0.5) }' ||
		fail "syscalls per call grew with status requests: $without -> $with"
}

need_prog mk
start_tracerd || exit 1
t "status: the attached programs, their calls, the totals, exactly" test_counts
t "status with no tracerd: exit 3" test_no_daemon
t "hostile status hellos are refused with a reject event; tracerd answers on" test_hostile
t "a client of another uid is refused, and its reject is recorded" test_other_uid
stop_tracerd
t "an old (version-2) tracerd: 'tracerd too old', exit 1" test_old_daemon
start_tracerd || exit 1
t "100 status requests during 8 programs' calls: all answered, syscalls per call the same" test_load
stop_tracerd
