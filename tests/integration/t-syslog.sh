#!/bin/bash
# Issue 18, the syslog output: in a private mount namespace /dev is a
# tmpfs of our own (with the few device nodes programs need), and a
# test-side python3 datagram socket is bound on /dev/log. Every datagram
# is parsed: <PRI>, the time stamp's form, the tag with tracerd's pid, the
# record as one line; a restarted receiver is reconnected to, and its
# losses told.
if [ -z "${NOTIF_SYSLOG_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	unshare -m --propagation private true 2>/dev/null; then
	NOTIF_SYSLOG_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
if [ -n "${NOTIF_SYSLOG_NS:-}" ]; then
	# the host's /dev stays untouched: ours is a tmpfs with fresh nodes
	mount -t tmpfs -o mode=0755 tmpfs /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/full c 1 7
	mknod -m 666 /dev/random c 1 8
	mknod -m 666 /dev/urandom c 1 9
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
fi
. "$(dirname "$0")/lib.sh"

SINK_PIDFILE=$WORK/.priv/sink.pid
SINK_OUT=$WORK/.priv/syslog.hex

# A receiver on /dev/log: one line of hex per datagram.
start_sink() {
	rm -f /dev/log
	"$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "a")
while True:
    out.write(s.recv(1 << 20).hex() + "\n")
    out.flush()' "$SINK_OUT" </dev/null &
	echo $! >"$SINK_PIDFILE"
	poll test -S /dev/log || fail "the sink did not bind /dev/log"
}

stop_sink() {
	local pid
	pid=$(cat "$SINK_PIDFILE" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || true
	timeout 10 tail --pid="$pid" -f /dev/null || true
	rm -f "$SINK_PIDFILE"
}
trap 'rc=$?; stop_sink; (exit $rc); cleanup' EXIT

sink_has() { [ -f "$SINK_OUT" ] && [ "$(wc -l <"$SINK_OUT")" -ge "$1" ]; }

# check_sink FACILITY: every line of the log arrived as exactly one
# datagram `<FACILITY*8+SEV>Mmm dd hh:mm:ss tracerd[PID]: LINE`, in order.
check_sink() {
	"$PY" - "$TRACERD_LOG" "$SINK_OUT" "$TRACERD_PID" "$1" <<'PYEOF'
import datetime, json, re, sys
log, sink, pid, fac = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lines = open(log, "rb").read().splitlines()
grams = [bytes.fromhex(h) for h in open(sink).read().split()]
form = re.compile(rb"<(\d+)>([A-Z][a-z]{2}) ([ 123]\d) (\d\d):(\d\d):(\d\d) tracerd\[(\d+)\]: (.*)\Z", re.S)
assert len(grams) == len(lines), (len(grams), len(lines))
months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
for line, g in zip(lines, grams):
    m = form.match(g)
    assert m, g[:80]
    assert m.group(8) == line, (m.group(8)[:80], line[:80])
    assert b"\n" not in g
    r = json.loads(line)
    sev = {"denied": 5, "error": 4}.get(r.get("decision"), 6)
    assert int(m.group(1)) == fac * 8 + sev, (m.group(1), r.get("decision"))
    assert m.group(7).decode() == pid
    ts = datetime.datetime.strptime(r["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).astimezone()
    when = ts.replace(month=months.index(m.group(2).decode()) + 1, day=int(m.group(3)),
                      hour=int(m.group(4)), minute=int(m.group(5)), second=int(m.group(6)),
                      microsecond=0)
    assert abs((when - ts).total_seconds()) <= 2, (g[:40], r["ts"])
print(len(grams), "datagrams checked")
PYEOF
}

test_records() {
	local nl
	nl=$(printf '%s/nl\nx\377' "$IN")
	run sup mkdir "$IN/ok" "$XT/no" "$nl"
	assert_rc 1 "one of three denied"
	poll sink_has "$(wc -l <"$TRACERD_LOG")" || fail "not every line reached /dev/log"
	check_sink "$1" || fail "a datagram is not the record in syslog's form"
}

# The receiver restarted (a new socket at /dev/log): answers unchanged
# while it is gone, the next line goes over a new connection, and the
# losses are told in a lost-records event naming the output.
test_restart() {
	local before lost detached
	stop_sink
	before=$(wc -l <"$TRACERD_LOG")
	detached=$(audit_count event=detach)
	run sup mkdir "$IN/gone" "$XT/gone"
	assert_rc 1
	assert_dir "$IN/gone"
	# the program's detach event is lost too: it comes once tracerd sees
	# the listener hang up, after the program's exit
	poll eval '[ "$(audit_count event=detach)" -gt '"$detached"' ]' || fail "no detach event"
	lost=$(($(wc -l <"$TRACERD_LOG") - before))
	: >"$SINK_OUT"
	start_sink
	run sup mkdir "$IN/back"
	assert_rc 0
	expect_record event=lost-records output=syslog count="$lost"
	poll grep -q "$(printf '"path":"%s/back"' "$IN" | od -An -tx1 | tr -d ' \n')" "$SINK_OUT" ||
		fail "no datagram after the receiver came back"
	grep -qF "refused a record" "$TRACERD_ERR" || fail "tracerd did not say the copy refused"
}

if [ -z "${NOTIF_SYSLOG_NS:-}" ]; then
	t "syslog output" skip syslog "needs root and unshare -m"
	exit 0
fi
start_sink
start_tracerd --log syslog
t "records and events on /dev/log, authpriv" test_records 10
t "a restarted receiver: reconnected, losses told" test_restart
stop_tracerd
stop_sink
rm -f "$SINK_OUT"
start_sink
start_tracerd --log syslog --syslog-facility local3
t "--syslog-facility local3" test_records 19
stop_tracerd
