#!/bin/bash
# Issue 18, the events that say what happened: attach events name the run
# (exe, cmdline joined by spaces and escaped, cut at 1 KiB with
# cmdline_cut, cwd, uid), --no-cmdline leaves the command line out, start
# carries the schema, stop how many programs were still attached (which
# then get ENOSYS). And every key and event tracerd writes here is
# documented in man/tracerd-audit.5.
. "$(dirname "$0")/lib.sh"

PAGE=$TOP/man/tracerd-audit.5
LOGS=()		# every log this script made, for the documentation check

# attach_of MARK: the attach event whose cmdline's second word is MARK
# (each run passes a unique one), as a JSON line; polls (the event is in
# the log before the ack, so normally at once).
attach_of() {
	local i line
	for ((i = 0; i < 300; i++)); do
		line=$(audit_q event=attach | grep -F -- " $1" | head -n 1)
		[ -n "$line" ] && { printf '%s\n' "$line"; return 0; }
		sleep 0.01
	done
	dump_tracerd
	fail "no attach event with $1 in its cmdline"
}

# CHECK_PY LINE WANT_CUT ARGV...: the attach event LINE has exe, cwd $CWD,
# uid $UID_WANT, and cmdline = ARGV's bytes joined by spaces, cut at 1024
# bytes exactly when it is longer (then cmdline_cut is true, else absent).
CHECK_PY='
import json, os, sys
ev = json.loads(sys.argv[1])
want = b" ".join(os.fsencode(a) for a in sys.argv[2:])
got = ev["cmdline"].encode("utf-8", "surrogateescape")
cut = len(want) > 1024
assert got == want[:1024], "cmdline %r, expected %r" % (got[:80], want[:80])
assert ev.get("cmdline_cut") is (True if cut else None), "cmdline_cut %r" % ev.get("cmdline_cut")
assert ev["exe"] == os.path.realpath(sys.argv[2]), "exe %r" % ev["exe"]
assert ev["cwd"] == os.environ["CWD"], "cwd %r" % ev["cwd"]
assert ev["uid"] == int(os.environ["UID_WANT"]), "uid %r" % ev["uid"]
assert isinstance(ev["attach"], int) and ev["attach"] > 0 and ev["pid"] > 0
'

# run_args MARK ARG...: /bin/true MARK ARG... supervised, from $IN/wd; its
# attach event checked against exactly those arguments.
run_args() {
	local mark=$1 line
	mkdir -p "$IN/wd"
	(cd "$IN/wd" && sup /bin/true "$mark" "${@:2}") || fail "/bin/true failed under the library"
	line=$(attach_of "$mark")
	CWD=$IN/wd UID_WANT=$(id -u) "$PY" -c "$CHECK_PY" "$line" /bin/true "$mark" "${@:2}" ||
		{ printf '%s\n' "$line" | cut -c1-400 >&2; fail "attach event of $mark"; }
}

test_start_schema() {
	expect_records 1 event=start schema=1 pid="$TRACERD_PID"
}

test_cmdline_escaped() {
	run_args esc-1 $'new\nline' '"quoted" and '\''single'\''' $'bytes \xff\xfe\x80 end' \
		$'tab\tand \x01 ctrl' 'back\slash' '' 'é-utf8'
	# the line itself is one line of valid UTF-8 with the bytes as \udcXX
	audit_q event=attach | grep -F ' esc-1' | grep -qF '\udcff\udcfe\udc80' ||
		fail "non-UTF-8 bytes not written as \\udcXX"
}

test_cmdline_cut() {
	local a1024 a1025 big
	a1024=$(head -c 1008 /dev/zero | tr '\0' a)	# "/bin/true cut-1 " + 1008: 1024 bytes
	a1025=$(head -c 1009 /dev/zero | tr '\0' b)
	run_args cut-1 "$a1024"
	run_args cut-2 "$a1025"
	# a 5000-byte argument of two-byte characters, cut inside one
	big=x$(printf 'é%.0s' $(seq 2500))
	run_args cut-3 "$big"
	audit_q event=attach | grep -F ' cut-3' | grep -q '"cmdline_cut":true' ||
		fail "no cmdline_cut:true"
}

test_attach_detach_pid() {
	run_args pid-1
	local line
	line=$(attach_of pid-1)
	"$PY" - "$TRACERD_LOG" "$line" <<-'EOF' || fail "the detach does not match the attach"
	import json, sys, time
	a = json.loads(sys.argv[2])
	for _ in range(300):
	    d = [json.loads(l) for l in open(sys.argv[1], "rb")]
	    d = [e for e in d if e.get("event") == "detach" and e.get("attach") == a["attach"]]
	    if d:
	        break
	    time.sleep(0.01)
	assert len(d) == 1 and d[0]["pid"] == a["pid"], d
	EOF
}

# a supervised mkdirat, a denial, an error and a reject: keys for the
# documentation check
test_variety() {
	run sup "$PROGS/mk" mkdirat cwd "$IN/at"
	assert_out 0
	run sup "$PROGS/mk" mkdir "$XT/no"
	assert_out EPERM
	run sup "$PROGS/mk" null
	expect_record syscall=mkdirat dirfd=AT_FDCWD path="$IN/at"
	expect_record path="$XT/no" decision=denied reason?
	run sup_nobody /bin/true nobody-refused
	assert_rc 126
	poll has_record event=reject uid=$NOBODY || fail "no reject event of uid $NOBODY"
}

# A program still attached at the stop: the stop event counts it, and its
# next mkdir fails with ENOSYS (nothing supervises it).
test_stop_programs() {
	"$PY" - "$TRACERD_LOG" <<-'EOF' || fail "stop event"
	import json, sys
	s = [json.loads(l) for l in open(sys.argv[1], "rb")]
	s = [e for e in s if e.get("event") == "stop"]
	assert len(s) == 1 and s[0]["programs"] == 1 and s[0]["stored"] == 0, s
	EOF
	echo go >&4
	poll has_line "$GATE_OUT" 3 || { cat "$GATE_OUT" >&2; fail "the program did not go on"; }
	assert_eq "$(sed -n 3p "$GATE_OUT")" ENOSYS "the mkdir after the stop"
}

test_no_cmdline() {
	mkdir -p "$IN/wd"
	(cd "$IN/wd" && sup /bin/true secret-arg) || fail "/bin/true failed"
	poll has_record event=attach exe=/usr/bin/true || fail "no attach event"
	expect_record event=attach exe=/usr/bin/true cwd="$IN/wd" uid="$(id -u)" '!cmdline' \
		'!cmdline_cut'
	! grep -qF secret-arg "$TRACERD_LOG" || fail "the command line is in the log"
}

# SIGUSR2: the stop event of the upgrade counts the programs (none here),
# not the in-flight table handed over with them
test_upgrade_stop() {
	kill -USR2 "$TRACERD_PID"
	poll eval '[ "$(audit_count event=start)" -ge 2 ]' || fail "no start after SIGUSR2"
	expect_record event=stop reason^=upgrade programs=0
}

test_nobody_attach() {
	local line
	mkdir -p "$IN/wd"
	(cd "$IN/wd" && sup_nobody /bin/true nb-1 arg) || fail "/bin/true failed as nobody"
	line=$(attach_of nb-1)
	CWD=$IN/wd UID_WANT=$NOBODY "$PY" -c "$CHECK_PY" "$line" /bin/true nb-1 arg ||
		fail "attach event as nobody"
}

# Every key of every line, and every event name, of the logs above is an
# entry of tracerd-audit(5): a key is the word after a .TP (".B key" or
# ".BR key ..."), an event a .SS heading.
DOC_PY='
import json, re, sys
page = open(sys.argv[1]).read().split("\n")
keys, events = set(), set()
for i, l in enumerate(page):
    if l.startswith(".SS "):
        events.add(l[4:].replace("\\-", "-").strip())
    if i and page[i - 1] == ".TP":
        m = re.match(r"\.BR? (\S+)", l)
        if m:
            keys.add(m.group(1).strip("\"").replace("\\-", "-"))
bad, seen = [], set()
for f in sys.argv[2:]:
    for raw in open(f, "rb"):
        r = json.loads(raw)
        for k in r:
            seen.add(k)
            if k not in keys:
                bad.append("key %s (%s)" % (k, f))
        if "event" in r:
            seen.add("event " + r["event"])
            if r["event"] not in events:
                bad.append("event %s (%s)" % (r["event"], f))
print("checked: " + " ".join(sorted(seen)), file=sys.stderr)
for b in sorted(set(bad)):
    print("undocumented " + b)
sys.exit(1 if bad else 0)
'
test_documented() {
	[ -f "$PAGE" ] || fail "no $PAGE"
	"$PY" -c "$DOC_PY" "$PAGE" "${LOGS[@]}" || fail "keys or events missing in tracerd-audit.5"
}

# one tracerd: schema, the attach events, a variety of records
nobody_files
start_tracerd || exit 1
LOGS+=("$TRACERD_LOG")
t "start event: schema 1" test_start_schema
t "attach: cmdline joined and escaped (newline, quotes, non-UTF-8, tab, empty)" \
	test_cmdline_escaped
t "attach: cmdline of 1024 bytes whole, 1025 and 5000 cut at 1 KiB, cmdline_cut" test_cmdline_cut
t "attach and detach: the same attach id and pid" test_attach_detach_pid
t "records of mkdirat, a denial, an error; a reject" test_variety
# a program left attached across the stop (gated_start needs T and IN)
T=$WORK/.priv/gate IN=$WORK/gate
mkdir -p "$T" "$IN"
gated_start g
GATE_OUT=$T/g.out
stop_tracerd
t "stop: programs 1, stored 0; the program then gets ENOSYS" test_stop_programs
exec 4>&-
wait "$GBG" 2>/dev/null

start_tracerd --no-cmdline || exit 1
LOGS+=("$TRACERD_LOG")
t "--no-cmdline: no command line in the log; exe, cwd, uid still there" test_no_cmdline
t "upgrade (SIGUSR2): its stop event says programs 0 with none attached" test_upgrade_stop
stop_tracerd

start_tracerd --as-nobody || exit 1
LOGS+=("$TRACERD_LOG")
t "as uid 65534: the attach event's uid and cwd" test_nobody_attach
stop_tracerd

if "$TRACERD" --help | grep -q -- --log-max-size; then
	start_tracerd --log-max-size 4K || exit 1
	LOGS+=("$TRACERD_LOG")
	for i in $(seq 20); do sup "$PROGS/mk" mkdir "$WORK/rot-$i" >/dev/null; done
	stop_tracerd
	for f in "$TRACERD_LOG".*; do [ -f "$f" ] && LOGS+=("$f"); done
fi
t "every key and event written above is in tracerd-audit(5)" test_documented
