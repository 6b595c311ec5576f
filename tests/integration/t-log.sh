#!/bin/bash
# Issue 18: `tracerd log` reads and queries logs that real programs made
# under a real tracerd: every filter against python3 selecting the same
# lines, the table's escaping and colours, --json as stored, the default
# files in rotation order, skipped lines, the exit statuses, --summary
# against an independent count, and --follow across a rotation.
. "$(dirname "$0")/lib.sh"

# sel PREDICATE: the lines of $LOG (bytes as stored) that are records or
# events of ours and for which the python expression, over r, holds.
SEL_PY='
import json, sys
pred = eval("lambda r: " + sys.argv[2])
out = sys.stdout.buffer
for raw in open(sys.argv[1], "rb"):
    try:
        r = json.loads(raw)
    except ValueError:
        continue
    if isinstance(r, dict) and "ts" in r and pred(r):
        out.write(raw)
'
sel() { "$PY" -c "$SEL_PY" "$LOG" "$1"; }

# ---------------------------------------------------------------- the log
# Made once, by real programs: created, denied, EEXIST, errors, a path
# that differs from its resolution, a newline, quotes, bytes that are not
# UTF-8, a control byte, a 4095-byte path (4096 with its NUL).
make_log() {
	D=$WORK/logdata
	mkdir -p "$D/ab"
	sup mkdir "$D/a" "$OUT/denied1" "$OUT/denied2" 2>/dev/null
	sup mkdir "$D/a" 2>/dev/null
	sup "$PROGS/mk" mkdir "$D/ab/x" >/dev/null
	sup "$PROGS/mk" mkdir "$OUT/sub/denied3" >/dev/null
	sup "$PROGS/mk" null >/dev/null
	sup "$PROGS/mk" long "$D" 5000 >/dev/null
	sup sh -c 'cd "$1" && exec mkdir rel ../logdata/b' sh "$D"
	sup /usr/bin/python3 -c '
import os, sys
d = sys.argv[1].encode()
os.mkdir(d + b"/nl\nq\"\xff\x01\x1b[31m")
long = d + b"/" + b"/".join([b"c" * 200] * 40)
long = long[:4095]
try:
    os.mkdir(long)
except FileNotFoundError:
    pass
' "$D"
}

start_tracerd
LOG=$TRACERD_LOG
make_log
stop_tracerd
NREC=$(grep -c '"syscall"' "$LOG")
NALL=$(wc -l <"$LOG")

# check_sel PREDICATE ARGS...: tracerd log --json ARGS selects what python
# does, and something but not everything (the filter filters).
check_sel() {
	local pred=$1 n
	shift
	run "$TRACERD" log --json "$@" "$LOG"
	sel "$pred" >"$T/want"
	cmp -s "$T/want" "$T/out" || { diff "$T/want" "$T/out" >&2; fail "tracerd log --json $*"; }
	n=$(wc -l <"$T/want")
	[ "$n" -gt 0 ] && [ "$n" -lt "$NALL" ] || fail "the data does not exercise $* ($n lines)"
	assert_rc 0
	assert_err_empty
}

REC='"event" not in r'
test_json_as_stored() {
	check_sel "$REC"
	[ "$(wc -l <"$T/out")" -eq "$NREC" ] || fail "not every record"
}

test_filters() {
	local ts3 sec
	check_sel "$REC and r[\"decision\"] == \"denied\"" --decision denied
	check_sel "$REC and r[\"decision\"] == \"error\"" --decision error
	check_sel "$REC and r[\"decision\"] == \"emulated\"" --decision emulated
	check_sel "$REC and r[\"errno\"] == \"EEXIST\"" --errno EEXIST
	check_sel "$REC and r[\"errno\"] == \"EPERM\"" --errno eperm
	check_sel "$REC and r[\"exe\"] == \"$PROGS/mk\"" --exe "$PROGS/mk"
	check_sel "$REC and r[\"comm\"] == \"mkdir\"" --comm mkdir
	check_sel "$REC and r[\"attach\"] == 3" --attach 3
	check_sel "r.get(\"attach\") == 3" --attach 3 --events
	run "$TRACERD" log --json --events --since -1h "$LOG"
	cmp -s "$LOG" "$T/out" || fail "--events --since -1h: not every line"
	pid=$(sel "$REC and r[\"comm\"] == \"python3\"" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["pid"])')
	check_sel "$REC and r[\"pid\"] == $pid" --pid "$pid"
	# component-wise: $D/a is not a prefix of $D/ab
	check_sel "$REC and (r[\"resolved\"] or \"\").startswith(\"$D/a/\") or r.get(\"resolved\") == \"$D/a\"" --under "$D/a"
	check_sel "$REC and (r[\"resolved\"] or \"\").startswith(\"$OUT/\")" --under "$OUT//"
	# time: from the third record's own ts, in RFC 3339 and in local time
	ts3=$(sel "$REC" | sed -n 3p | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["ts"])')
	check_sel "$REC and r[\"ts\"] >= \"$ts3\"" --since "$ts3"
	check_sel "$REC and r[\"ts\"] <= \"$ts3\"" --until "$ts3"
	sec=$(date -d "$ts3" '+%Y-%m-%d %H:%M:%S')
	check_sel "$REC and r[\"ts\"] >= \"${ts3:0:19}\" and r[\"decision\"] == \"denied\"" \
		--since "$sec" --decision denied
	# all combined
	check_sel "$REC and r[\"decision\"] == \"denied\" and r[\"exe\"] == \"/usr/bin/mkdir\" and r[\"errno\"] == \"EPERM\"" \
		--decision denied --exe /usr/bin/mkdir --errno EPERM --under / --since yesterday --until now
}

test_nothing_matched() {
	run "$TRACERD" log --since tomorrow "$LOG"
	assert_rc 1 "nothing matched"
	[ ! -s "$T/out" ] || fail "output with no match"
	run "$TRACERD" log --json --pid 1 "$LOG"
	assert_rc 1
	run "$TRACERD" log --summary --since tomorrow "$LOG"
	assert_rc 1
}

test_usage_and_unreadable() {
	run "$TRACERD" log --decision allowed "$LOG"
	assert_rc 2
	assert_err_has "--decision: 'allowed' is none of emulated, denied, error"
	run "$TRACERD" log --since "last week" "$LOG"
	assert_rc 2
	run "$TRACERD" log --under relative "$LOG"
	assert_rc 2
	run "$TRACERD" log --errno ENOTANERRNO "$LOG"
	assert_rc 2
	run "$TRACERD" log --summary --json "$LOG"
	assert_rc 2
	run "$TRACERD" log "$IN/missing.jsonl"
	assert_rc 2
	assert_err_has "cannot read '$IN/missing.jsonl': No such file or directory"
	run "$TRACERD" log "$IN"
	assert_rc 2
	# one file unreadable: what the others hold is still printed, exit 2
	run "$TRACERD" log --json "$LOG" "$IN/missing.jsonl"
	assert_rc 2
	[ "$(wc -l <"$T/out")" -eq "$NREC" ] || fail "records of the readable file"
	run "$TRACERD" log --help
	assert_rc 0
}

# no raw control byte, valid UTF-8, no C1 control or bidi override
CLEAN_PY='
import sys, unicodedata
b = open(sys.argv[1], "rb").read()
t = b.decode("utf-8")
allow_esc = len(sys.argv) > 2
for i, c in enumerate(t):
    if c == "\n" or (allow_esc and c == "\x1b" and t[i + 1] == "["):
        continue
    assert unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"), (i, c)
'
test_table_escaped() {
	local long
	run "$TRACERD" log "$LOG"
	assert_rc 0
	"$PY" -c "$CLEAN_PY" "$T/out" || fail "a raw control byte or invalid UTF-8 in the table"
	[ "$(wc -l <"$T/out")" -eq $((NREC + 1)) ] || fail "one line per record and a header"
	head -n 1 "$T/out" | grep -q '^TIME  *PID COMM  *DECISION ERRNO  *PATH$' || fail "header"
	grep -qF "$D/nl\\nq\"\\xff\\x01\\x1b[31m" "$T/out" || fail "the escaped path"
	grep -qF " rel -> $D/rel" "$T/out" || fail "path and resolved path"
	grep -q " denied   EPERM  *$OUT/denied1\$" "$T/out" || fail "aligned columns"
	long=$("$PY" -c 'import sys; d = sys.argv[1]; print((d + "/" + "/".join(["c" * 200] * 40))[:4095])' "$D")
	[ ${#long} -eq 4095 ] && grep -q " ENOENT  *$long\$" "$T/out" || fail "the 4095-byte path"
	! grep -q $'\x1b' "$T/out" || fail "colour without a terminal"
}

test_colour_on_terminal() {
	command -v script >/dev/null || skip script "script(1) for a terminal"
	TERM=xterm script -qec "'$TRACERD' log --decision denied '$LOG'" /dev/null >"$T/tty"
	grep -q $'\x1b\[1;31mdenied\x1b\[0m' "$T/tty" || { cat -v "$T/tty" >&2; fail "no colour on a terminal"; }
	NO_COLOR=1 TERM=xterm script -qec "'$TRACERD' log --decision denied '$LOG'" /dev/null >"$T/tty"
	grep -q denied "$T/tty" || fail "no output"
	! grep -q $'\x1b' "$T/tty" || fail "colour with NO_COLOR"
}

test_default_files_oldest_first() {
	local dir=$IN/home/.local/state/tracerd
	mkdir -p "$dir"
	sel "True" >"$T/all"
	split -n l/4 -d "$T/all" "$T/part"
	cp "$T/part00" "$dir/audit.jsonl.10"	# numerically older than .2
	cp "$T/part01" "$dir/audit.jsonl.2"
	cp "$T/part02" "$dir/audit.jsonl.1"
	cp "$T/part03" "$dir/audit.jsonl"
	echo garbage >"$dir/audit.jsonl.1.gz"	# not a sibling
	echo garbage >"$dir/audit.jsonl.01"
	HOME=$IN/home XDG_STATE_HOME= run "$TRACERD" log --json --events
	assert_rc 0
	cmp "$T/all" "$T/out" || fail "not the files oldest first"
	assert_err_empty
	# the live log may be gone (just rotated): the others are read
	rm "$dir/audit.jsonl"
	XDG_STATE_HOME=$IN/home/.local/state run "$TRACERD" log --json --events
	assert_rc 0
	[ "$(wc -l <"$T/out")" -eq "$(cat "$T"/part0[012] | wc -l)" ] || fail "siblings only"
	rm "$dir"/audit.jsonl.*
	HOME=$IN/home XDG_STATE_HOME= run "$TRACERD" log
	assert_rc 2
	assert_err_has "cannot read '$dir/audit.jsonl'"
}

test_skipped_said_once() {
	{
		head -n 3 "$LOG"
		echo 'garbage'
		echo '{"ts":"2026-12-06T10:00:00Z","decision":"denied","path":[1]}'
		tail -n +4 "$LOG"
		printf '{"ts":"2026-12-06T10:00:00Z","decision":"den'
	} >"$IN/dirty.jsonl"
	run "$TRACERD" log --json --events "$IN/dirty.jsonl"
	assert_rc 0
	cmp "$LOG" "$T/out" || fail "the records of a dirty log"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "said more than once"
	assert_err_has "skipped 3 lines that are not audit records"
}

SUM_PY='
import json, sys, time
recs = [json.loads(l) for l in open(sys.argv[1], "rb")]
rows = [r for r in recs if "event" not in r]
ev = [r for r in recs if "event" in r]
def kind(r):
    return {"emulated": "failed" if r["errno"] else "created"}.get(r["decision"], r["decision"])
def show(s):
    return s.encode("utf-8", "surrogateescape").decode("utf-8")
def top(c, n=None):
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8", "surrogateescape")))[:n]
exes, dirs, reasons = {}, {}, {}
for r in rows:
    e = exes.setdefault(r["exe"] or "(unknown)", {"created": 0, "failed": 0, "denied": 0, "error": 0})
    e[kind(r)] += 1
    if r["decision"] == "denied" and r["resolved"]:
        p = r["resolved"][:r["resolved"].rfind("/")] or "/"
        dirs[p] = dirs.get(p, 0) + 1
    if r["decision"] == "error":
        reasons[r.get("reason") or "(unknown)"] = reasons.get(r.get("reason") or "(unknown)", 0) + 1
def n(k):
    return sum(1 for r in rows if kind(r) == k)
def loc(ts):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone)))
def cnt(name):
    return sum(1 for r in ev if r["event"] == name)
out = ["Selection: %d records, %d events" % (len(rows), len(ev)),
       "First: " + loc(min(r["ts"] for r in recs)), "Last: " + loc(max(r["ts"] for r in recs)),
       "Decisions:", "  emulated  %d (created %d, failed %d)" % (n("created") + n("failed"), n("created"), n("failed")),
       "  denied    %d" % n("denied"), "  error     %d" % n("error"),
       "Programs:", "   CREATED    FAILED    DENIED     ERROR  EXE"]
for k, c in sorted(exes.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
    out.append("  %8d  %8d  %8d  %8d  %s" % (c["created"], c["failed"], c["denied"], c["error"], show(k)))
out.append("Most denied parent directories:")
out += ["  %8d  %s" % (c, show(k)) for k, c in top(dirs, 10)]
out.append("Errors by reason:")
out += ["  %8d  %s" % (c, show(k)) for k, c in top(reasons)]
rej = sum(r.get("count", 1) for r in ev if r["event"] in ("reject", "reject-summary"))
lr = [r for r in ev if r["event"] == "lost-records"]
out.append("Daemon events:")
out.append("  start %d  stop %d  attach %d  rejects %d  lost %d  lost-records %d (%d records)" % (
    cnt("start"), cnt("stop"), cnt("attach"), rej, cnt("lost"), len(lr), sum(r.get("count", 0) for r in lr)))
print("\n".join(out))
'
test_summary_counts() {
	# two runs of the log: the counts double, the order of ties is fixed
	cat "$LOG" "$LOG" >"$IN/twice.jsonl"
	for f in "$LOG" "$IN/twice.jsonl"; do
		run "$TRACERD" log --summary "$f"
		assert_rc 0
		"$PY" -c "$SUM_PY" "$f" >"$T/want"
		diff -u "$T/want" "$T/out" >&2 || fail "--summary of $f differs from python's count"
	done
	grep -q "^  start 2  stop 2  attach 16 " "$T/out" || fail "events counted"
}

t "--json prints every record exactly as stored" test_json_as_stored
t "each filter and all combined select what python selects" test_filters
t "nothing matched: exit 1" test_nothing_matched
t "usage errors and unreadable files: exit 2, said clearly" test_usage_and_unreadable
t "the table: aligned, escaped, no raw control byte" test_table_escaped
t "decisions coloured on a terminal only, never with NO_COLOR" test_colour_on_terminal
t "the default log and its rotated siblings, oldest first" test_default_files_oldest_first
t "lines that are not records are skipped, the count said once" test_skipped_said_once
t "--summary counts what python counts" test_summary_counts

# ---------------------------------------------------------------- --follow
# count_path FILE PATH: records of PATH in FILE
count_path() { grep -cF "\"path\":\"$2\"" "$1" || true; }
has_paths() {
	local p
	for p in "${@:2}"; do
		[ "$(count_path "$1" "$p")" -ge 1 ] || return 1
	done
}
exists() { [ -f "$1" ]; }

test_follow_rotation() {
	local rp rc=0 i
	"$TRACERD" log -f --json --events "$LOG" >"$T/out" 2>"$T/err" &
	rp=$!
	trap 'kill $rp 2>/dev/null' EXIT
	poll grep -q '"event":"start"' "$T/out" || fail "the existing lines"
	sup mkdir "$IN/f1" "$IN/f2"
	poll has_paths "$T/out" "$IN/f1" "$IN/f2" || fail "new records"
	# rotated away: a record into the renamed file, then the new one
	mv "$LOG" "$LOG.1"
	sup mkdir "$IN/f3"
	kill -USR1 "$TRACERD_SIGPID"
	poll exists "$LOG" || fail "tracerd did not reopen its log"
	sup mkdir "$IN/f4" "$IN/f5"
	poll has_paths "$T/out" "$IN/f3" "$IN/f4" "$IN/f5" || fail "records across the rotation"
	# deleted and re-created
	rm "$LOG"
	kill -USR1 "$TRACERD_SIGPID"
	poll exists "$LOG" || fail "tracerd did not re-create its log"
	sup mkdir "$IN/f6"
	poll has_paths "$T/out" "$IN/f6" || fail "records after the re-creation"
	# truncated
	: >"$LOG"
	sup mkdir "$IN/f7"
	poll has_paths "$T/out" "$IN/f7" || fail "records after a truncation"
	kill -INT "$rp"
	wait "$rp" || rc=$?
	trap - EXIT
	[ "$rc" -eq 0 ] || fail "exit status $rc after SIGINT"
	for i in 1 2 3 4 5 6 7; do
		[ "$(count_path "$T/out" "$IN/f$i")" -eq 1 ] || { cat "$T/out" >&2; fail "f$i not exactly once"; }
	done
	[ -z "$(sort "$T/out" | uniq -d)" ] || fail "a line printed twice"
	# everything the first file holds, in its order
	grep -vF "$IN/f" "$T/out" | head -n 1 | grep -q '"event":"start"' || fail "start first"
	[ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "stderr"; }
}

start_tracerd
LOG=$TRACERD_LOG
t "--follow across rotation, re-creation and truncation, each record once" test_follow_rotation
stop_tracerd
