#!/bin/bash
# Issue 18, the journal output: a real systemd-journald in a private mount
# namespace (tmpfs on /run/systemd, /run/log and /var/log/journal, as
# ../shared/KERNEL-NOTES.md measured), tracerd with `--log FILE --log
# journal`, real programs; every field read back with `journalctl -o json`
# against the file's record, the memfd path, a stopped journald, and a
# forged entry told apart by the trusted fields.
if [ -z "${NOTIF_JOURNAL_NS:-}" ] && [ "$(id -u)" = 0 ] &&
	[ -x /lib/systemd/systemd-journald ] && command -v journalctl >/dev/null &&
	unshare -m --propagation private true 2>/dev/null; then
	NOTIF_JOURNAL_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"

# journald's pid in a file: tests run in subshells, and a journald
# restarted there must still be stopped at the end.
JOURNALD_PIDFILE=$WORK/.priv/journald.pid
start_journald() {
	/lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &
	echo $! >"$JOURNALD_PIDFILE"
	poll test -S /run/systemd/journal/socket || fail "journald did not bind its socket"
}

stop_journald() {
	local pid
	pid=$(cat "$JOURNALD_PIDFILE" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null || true
	timeout 10 tail --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
	rm -f "$JOURNALD_PIDFILE" /run/systemd/journal/socket
}

setup_journald() {
	local d
	for d in /run/systemd /run/log /var/log/journal; do
		mkdir -p "$d"
		mount -t tmpfs -o mode=0755 tmpfs "$d"
	done
	mkdir /run/systemd/journal
	start_journald
}
trap 'rc=$?; stop_journald; (exit $rc); cleanup' EXIT

# entries ARGS...: the journal's entries matching ARGS, as JSON lines
entries() { journalctl --no-pager -o json "$@"; }
# has_entries N ARGS...: at least N entries match
has_entries() {
	local n=$1
	shift
	[ "$(entries "$@" | wc -l)" -ge "$n" ]
}

# check_fields: every record of the file (FILTER: python expression on r)
# against its journal entry (matched by NOTIF_TS and NOTIF_EVENT/NOTIF_NOTIF):
# each non-null key as NOTIF_<KEY> with the decoded value, nothing more;
# MESSAGE, PRIORITY, SYSLOG_IDENTIFIER; _PID and _EXE are tracerd's.
check_fields() {
	entries -t tracerd >"$T/journal.json"
	"$PY" - "$TRACERD_LOG" "$T/journal.json" "$TRACERD_PID" "$TRACERD" "$1" <<'PYEOF'
import json, re, sys
log, jfile, pid, exe, want = sys.argv[1:]
lines = open(log, encoding="utf-8").read().splitlines()
recs = [json.loads(l) for l in lines]
ents = [json.loads(l) for l in open(jfile)]

def raw(v):  # journalctl -o json: text, or an array of bytes
    return bytes(v) if isinstance(v, list) else v.encode("utf-8")

def want_value(v):
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int):
        return str(v).encode()
    return v.encode("utf-8", "surrogateescape")

def key_of(r):
    return (r["ts"], str(r.get("event", r.get("notif"))))

by = {}
for e in ents:
    if "NOTIF_TS" not in e:
        continue  # not tracerd's (the forged one)
    k = (raw(e["NOTIF_TS"]).decode(), raw(e.get("NOTIF_EVENT", e.get("NOTIF_NOTIF", b""))).decode())
    by[k] = e
checked = 0
def text(line, key):  # a string member's JSON text, as the line has it
    return re.search(r'"%s":"((?:[^"\\]|\\.)*)"' % key, line).group(1)

for line, r in zip(lines, recs):
    if not eval(want, {"r": r}):
        continue
    e = by.get(key_of(r))
    assert e is not None, "no journal entry for %r" % r
    mine = {k for k in e if k.startswith("NOTIF_")}
    exp = {"NOTIF_" + k.upper().replace("-", "_") for k, v in r.items() if v is not None}
    assert mine == exp, "fields %r, expected %r" % (sorted(mine), sorted(exp))
    for k, v in r.items():
        if v is not None:
            got = raw(e["NOTIF_" + k.upper().replace("-", "_")])
            assert got == want_value(v), "%s: %r, expected %r" % (k, got, want_value(v))
    prio = {"denied": "5", "error": "4"}.get(r.get("decision"), "6")
    assert e["PRIORITY"] == prio, (e["PRIORITY"], prio)
    assert e["SYSLOG_IDENTIFIER"] == "tracerd"
    assert e["_PID"] == pid and e["_EXE"] == exe, (e["_PID"], e["_EXE"])
    msg = raw(e["MESSAGE"]).decode()
    assert "\n" not in msg
    if "event" in r:
        assert msg.startswith("tracerd " + r["event"]), msg
    else:
        p = text(line, "path")
        assert msg.startswith("%s %s %s" % (r["decision"], r["syscall"], p)), (msg, p)
        assert msg.endswith(" by %s[%d]" % (text(line, "comm"), r["pid"])), msg
    checked += 1
assert checked > 0, "no record checked"
print(checked, "records checked")
PYEOF
}

test_every_field() {
	local nl
	nl=$(printf '%s/nl\nx\377\376' "$IN")
	run sup mkdir "$IN/plain" "$XT/denied" "$nl" "$IN/q\"uote é"
	assert_rc 1 "one of four denied"
	run sup "$PY" -c 'import os, sys
os.mkdir(sys.argv[1])
try:
    os.mkdir(sys.argv[1])
except FileExistsError:
    pass' "$IN/py"
	assert_rc 0 "python3's mkdir, then its EEXIST"
	expect_record path="$IN/py" errno=EEXIST
	poll has_entries 6 -t tracerd NOTIF_SYSCALL=mkdir || fail "the journal has no 6 records"
	check_fields 'r.get("syscall") == "mkdir"' || fail "a journal entry differs from its record"
}

# test_events NAME...: these events went the same way, NOTIF_EVENT= included.
test_events() {
	local e
	for e in "$@"; do
		poll has_entries 1 -t tracerd NOTIF_EVENT="$e" || fail "no $e event in the journal"
	done
	check_fields "r.get('event') in '$*'.split()" || fail "an event's entry differs from the file"
}

# The README's query, and a forged entry: another program can write
# SYSLOG_IDENTIFIER=tracerd, but the trusted fields tell it apart.
test_forged() {
	local q forger
	run sup mkdir "$XT/real-denial"
	# the forger lives until its entry is stored: journald reads _EXE from
	# /proc/PID when it takes the datagram, which a sender gone by then lacks
	"$PY" -c 'import socket, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"MESSAGE=denied mkdir /forged\nSYSLOG_IDENTIFIER=tracerd\nNOTIF_DECISION=denied\nNOTIF_PATH=/forged\nPRIORITY=5\n", "/run/systemd/journal/socket")
time.sleep(60)' &
	forger=$!
	q=0
	poll has_entries 1 -t tracerd NOTIF_DECISION=denied NOTIF_PATH=/forged || q=1
	kill "$forger" 2>/dev/null || true
	wait "$forger" 2>/dev/null || true
	[ $q = 0 ] || fail "no forged entry"
	poll has_entries 1 -t tracerd NOTIF_PATH="$XT/real-denial" || fail "no real entry"
	entries -t tracerd NOTIF_DECISION=denied >"$T/all"
	grep -qF '"NOTIF_PATH":"/forged"' "$T/all" || fail "the plain query misses the forged entry"
	entries -t tracerd NOTIF_DECISION=denied _PID="$TRACERD_PID" >"$T/pid"
	entries -t tracerd NOTIF_DECISION=denied _EXE="$TRACERD" >"$T/exe"
	for q in pid exe; do
		grep -qF "\"NOTIF_PATH\":\"$XT/real-denial\"" "$T/$q" || fail "_$q filter lost the real one"
		! grep -qF '/forged' "$T/$q" || fail "_$q filter kept the forged one"
	done
	grep -F '/forged' "$T/all" | grep -qF "\"_EXE\":\"$(readlink -f "$PY")\"" ||
		fail "the forged entry does not carry python's _EXE"
}

# A 4000-byte path with a send buffer of 4 KiB: the entry cannot be one
# datagram and arrives through the sealed memfd, whole.
test_memfd() {
	local p=$IN/m i
	for i in $(seq 15); do p=$p/$(printf 'd%.0s' $(seq 250)); done
	mkdir -p "$p"
	p=$p/$(printf 'e%.0s' $(seq 220))
	[ ${#p} -ge 4000 ] || fail "path is ${#p} bytes"
	run sup mkdir "$p"
	assert_rc 0
	poll has_entries 1 -t tracerd NOTIF_PATH="$p" || fail "the big record is not in the journal"
	entries -t tracerd NOTIF_PATH="$p" | grep -qF "\"NOTIF_RESOLVED\":\"$p\"" ||
		fail "the big entry lost a field"
	grep -qF "TRACERD_TEST_JOURNAL_SNDBUF=4096 is active" "$TRACERD_ERR" ||
		fail "the send-buffer hook was not active"
}

# journald stopped: answers unchanged, the losses counted, and told (a
# lost-records event naming the output) once it is back.
test_stopped() {
	local before
	stop_journald
	before=$(wc -l <"$TRACERD_LOG")
	run sup mkdir "$IN/down-ok" "$XT/down-denied"
	assert_rc 1 "answers as with journald up"
	assert_dir "$IN/down-ok"
	assert_err_has "Operation not permitted"
	expect_record path="$IN/down-ok" decision=emulated
	expect_record path="$XT/down-denied" decision=denied errno=EPERM
	lost=$(($(wc -l <"$TRACERD_LOG") - before))
	[ "$lost" -ge 2 ] || fail "only $lost lines while journald was down"
	start_journald
	run sup mkdir "$IN/up-again"
	assert_rc 0
	expect_record event=lost-records output=journal count="$lost"
	poll has_entries 1 -t tracerd NOTIF_EVENT=lost-records NOTIF_COUNT="$lost" ||
		fail "the lost-records event did not reach the journal"
	poll has_entries 1 -t tracerd NOTIF_PATH="$IN/up-again" || fail "no record after the restart"
	grep -qF "refused a record" "$TRACERD_ERR" || fail "tracerd did not say the copy refused"
}

if [ -z "${NOTIF_JOURNAL_NS:-}" ]; then
	t "journal output" skip journald "needs root, unshare -m and systemd-journald"
	exit 0
fi
setup_journald
TRACERD_TEST_JOURNAL_SNDBUF=4096 start_tracerd --log journal
t "every field of records in the journal (newline, non-UTF-8, quotes)" test_every_field
t "daemon events in the journal" test_events start attach detach
t "a forged entry is told apart by _PID and _EXE" test_forged
t "a 4000-byte path through the sealed memfd" test_memfd
t "journald stopped: answers unchanged, losses counted and told" test_stopped
pid=$TRACERD_PID
stop_tracerd
TRACERD_PID=$pid t "the stop event in the journal" test_events start stop lost-records
