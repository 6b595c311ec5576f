#!/bin/bash
# Issue 5, faults: RLIMIT_NOFILE exhaustion (refusals the library reports,
# existing programs keep working), the audit log deleted while running, the
# log on a full filesystem (fail closed: EPERM, `audit-lost:`, a
# `lost-records` event later, never a broken line), tracerd SIGKILLed while
# calls are held (ENOSYS, never a hang).
# Invariants in every test: records = answered calls, no directory without
# its record, no record twice, tracerd alive at the end.
. "$(dirname "$0")/lib.sh"

MKDIR_NR=83	# x86_64
NOFILE=128	# tracerd's RLIMIT_NOFILE (soft = hard) in the exhaustion tests
exec 5>&1	# figures for the TAP stream

tracerd_fds() { ls "/proc/$TRACERD_PID/fd" | wc -l; }
fds_at_most() { [ "$(tracerd_fds)" -le "$1" ]; }
fds_at_least() { [ "$(tracerd_fds)" -ge "$1" ]; }

# gated_finish NAME: its second call now; it must be answered 0 (with its
# directory and one record)
gated_finish() {
	local n=$1
	echo go >&4
	exec 4>&-
	RC=0
	wait "$GBG" || RC=$?
	assert_rc 0 "$n"
	assert_eq "$(sed -n 3p "$T/$n.out")" 0 "second mkdir of $n (an existing program)"
	assert_dir "$IN/$n-1"
	expect_record path="$IN/$n-1" decision=emulated errno=null
}

# gated_try NAME: as gated_finish, but returns 1 (saying what it got)
# instead of failing the test
gated_try() {
	local n=$1 got
	echo go >&4
	exec 4>&-
	wait "$GBG" || true
	got=$(sed -n 3p "$T/$n.out")
	[ "$got" = 0 ] && [ -d "$IN/$n-1" ] && [ "$(audit_count path="$IN/$n-1")" -eq 1 ] && return 0
	diag "the existing program's call got '$got' ($(sed 's/^libnotif/  libnotif/' "$T/$n.err"))"
	audit_q path="$IN/$n-1" >&2
	audit_q decision? pid="$GPID" >&2
	return 1
}

# idlers_start N [DIR]: N idle supervised children (build/progs/idlers);
# returns once they are settled: IDLE holds its summary line.
idlers_start() {
	need_prog idlers
	mkfifo "$T/idle.fifo"
	"$PROGS/idlers" "$LIBNOTIF" "$@" <"$T/idle.fifo" >"$T/idle.out" 2>"$T/idle.err" &
	IBG=$!
	exec 6>"$T/idle.fifo"
	poll has_line "$T/idle.out" 1 || fail "idlers did not settle"
	IDLE=$(cat "$T/idle.out")
	diag "idlers: $IDLE"
}

idlers_stop() {
	exec 6>&-
	wait "$IBG" || fail "idlers exited $?"
}

idle_field() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$IDLE"; }

# refused_ok FILE N: FILE holds exactly N lines, each a `libnotif:` line
# naming the refusal's reason
refused_ok() {
	local n
	n=$(grep -c '^libnotif: .*\(too many programs\|out of file descriptors\)$' "$1" || true)
	[ "$n" -eq "$2" ] && [ "$(wc -l <"$1")" -eq "$2" ] ||
		{ sed 's/^/  /' "$1" >&2; fail "expected $2 libnotif: lines naming the reason in $1"; }
}

# ---------------------------------------------------------------- nofile
# Idle programs up to tracerd's limit: the next client is refused (126, a
# libnotif: line with the reason), an existing program keeps working, and
# once the idle ones end everything is as before.
test_nofile_cap() {
	local base refused
	base=$(tracerd_fds)
	gated_start e
	idlers_start $NOFILE
	refused=$(idle_field refused)
	[ "$(idle_field attached)" -ge 1 ] && [ "$refused" -ge 1 ] ||
		fail "expected some idle programs attached and some refused: $IDLE"
	assert_eq "$(idle_field first_refusal_status)" 126 "a refused program's exit status"
	refused_ok "$T/idle.err" "$refused"
	fds_at_most $NOFILE || fail "tracerd has $(tracerd_fds) fds, limit $NOFILE"
	echo "# nofile=$NOFILE: $IDLE; tracerd fds $base before, $(tracerd_fds) at the limit" >&5
	# a new client: refused the same way, nothing created
	run sup "$PROGS/mk" mkdir "$IN/new"
	assert_rc 126
	refused_ok "$T/err" 1
	sed 's/^/# /' "$T/err" >&5
	assert_absent "$IN/new"
	expect_no_record path="$IN/new"
	gated_finish e
	poll eval '[ "$(reject_total)" -ge '"$((refused + 1))"' ]' || true
	assert_eq "$(reject_total)" "$((refused + 1))" "rejects counted"
	idlers_stop
	poll fds_at_most "$base" || fail "tracerd fds: $base before, $(tracerd_fds) after"
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	expect_records 3 path^="$IN/"
	[ "$(find "$IN" -mindepth 1 | wc -l)" -eq 3 ] || fail "directories without records"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# The same with idle programs that each made a call first (tracerd keeps
# /proc fds per calling thread): every call is still answered as native.
test_nofile_busy() {
	local base n errs=
	base=$(tracerd_fds)
	gated_start e
	mkdir "$IN/i"
	idlers_start $NOFILE "$IN/i"
	[ "$(idle_field refused)" -ge 1 ] || fail "no program refused: $IDLE"
	refused_ok "$T/idle.err" "$(idle_field refused)"
	gated_try e || errs+=" an existing program's call was not answered as native;"
	[ "$(idle_field mkdir_failed)" -eq 0 ] ||
		errs+=" $(idle_field mkdir_failed) idle programs' mkdir failed;"
	audit_q errno!=null path^="$IN/" | sed 's/^/  /' >&2
	n=$(find "$IN/i" -mindepth 1 | wc -l)
	expect_records "$n" path^="$IN/i/" decision=emulated errno=null
	idlers_stop
	poll fds_at_most "$base" || fail "tracerd fds: $base before, $(tracerd_fds) after"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
	[ -z "$errs" ] || fail "$errs"
}

# Handshakes that never speak (twice the fd limit of them): tracerd bounds
# them below its limit, so a new client and an existing program are served
# during the flood, and the fds come back after the deadline.
flood() {
	need_prog storm
	"$PROGS/storm" silent "$TRACERD_SOCKET" $((2 * NOFILE)) 10 >"$T/storm.out" 2>&1 &
	SBG=$!
	poll has_line "$T/storm.out" 1 || fail "storm did not connect"
}

flood_end() {
	wait "$SBG" || fail "storm exited $?"
	grep -q "^closed=$((2 * NOFILE)) " "$T/storm.out" ||
		{ cat "$T/storm.out" >&2; fail "tracerd did not close every silent connection"; }
}

test_flood_bounded() {
	local base during
	base=$(tracerd_fds)
	gated_start e
	flood
	during=$(tracerd_fds)
	[ "$during" -lt $NOFILE ] || fail "tracerd has $during fds (limit $NOFILE)"
	run sup "$PROGS/mk" mkdir "$IN/new"
	assert_out 0
	expect_record path="$IN/new" decision=emulated errno=null
	gated_finish e
	flood_end
	poll fds_at_most "$base" || fail "tracerd fds: $base before, $(tracerd_fds) after"
	echo "# flood: $((2 * NOFILE)) silent connections: tracerd fds $base, $during during;" \
		"$(sed -n 2p "$T/storm.out")" >&5
	expect_records 3 path^="$IN/"
	[ "$(find "$IN" -mindepth 1 | wc -l)" -eq 3 ] || fail "directories without records"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# lowest_free: the lowest fd number tracerd does not use (a limit equal to
# it leaves no fd to open)
lowest_free() {
	local i=0
	while [ -e "/proc/$TRACERD_PID/fd/$i" ]; do
		i=$((i + 1))
	done
	echo "$i"
}

# The soft limit lowered under tracerd while it runs (no fd left): a new
# client is refused with the reason (its spare fd), a call of an existing
# program is answered as native or refused with tracerd's reason (error
# EPERM, recorded, nothing created), never with EMFILE; the limit restored,
# all is served again.
test_emfile_runtime() {
	local got lim
	gated_start e
	lim=$(lowest_free)
	prlimit --pid "$TRACERD_PID" --nofile="$lim:$NOFILE" || fail "prlimit --pid failed"
	run sup "$PROGS/mk" mkdir "$IN/new"
	assert_rc 126
	grep -q '^libnotif: .*out of file descriptors$' "$T/err" || { show_run; fail "no reason"; }
	sed 's/^/# at EMFILE: /' "$T/err" >&5
	assert_absent "$IN/new"
	expect_no_record path="$IN/new"
	echo go >&4
	exec 4>&-
	wait "$GBG" || true
	got=$(sed -n 3p "$T/e.out")
	prlimit --pid "$TRACERD_PID" --nofile=$NOFILE:$NOFILE || fail "cannot restore the limit"
	case $got in
	0)
		assert_dir "$IN/e-1"
		expect_record path="$IN/e-1" decision=emulated errno=null ;;
	EPERM)
		assert_absent "$IN/e-1"
		expect_record pid="$GPID" decision=error errno=EPERM reason^="tracerd is out of file" ;;
	*)
		audit_q pid="$GPID" >&2
		fail "an existing program's call at EMFILE got '$got'" ;;
	esac
	echo "# at EMFILE: an existing program's call got '$got'" >&5
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	expect_record path="$IN/after" decision=emulated errno=null
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- audit log
# The log deleted while calls are made: tracerd recreates it (0600), says so
# once, and every call has exactly one record across the old and new file.
test_log_deleted() {
	need_prog loadgen
	local n
	exec 7<"$TRACERD_LOG"	# keep the deleted file readable
	sup "$PROGS/loadgen" 4 150 50 "$IN" "$XT" >"$T/load.out" 2>&1 &
	local bg=$!
	poll has_line "$TRACERD_LOG" 100 || fail "no records appear"
	rm "$TRACERD_LOG"
	wait "$bg" || { cat "$T/load.out" >&2; fail "loadgen: a call got a wrong answer"; }
	run sup "$PROGS/mk" mkdir "$IN/last"
	assert_out 0
	[ -f "$TRACERD_LOG" ] || fail "the log was not recreated"
	assert_eq "$(stat -c %a "$TRACERD_LOG")" 600 "mode of the recreated log"
	assert_eq "$(grep -c 'was deleted' "$TRACERD_ERR")" 1 "'deleted' lines on tracerd's stderr"
	expect_record path="$IN/last" decision=emulated errno=null
	cat <&7 >"$T/old.jsonl"
	exec 7<&-
	audit_wellformed "$T/old.jsonl" || fail "the deleted log has a broken line"
	audit_wellformed "$TRACERD_LOG" || fail "the new log has a broken line"
	n=$(TRACERD_LOG=$T/old.jsonl audit_count path^="$IN/")
	[ "$n" -ge 1 ] || fail "no record reached the deleted log"
	cat "$T/old.jsonl" "$TRACERD_LOG" >"$T/all.jsonl"
	TRACERD_LOG=$T/all.jsonl check_records "$IN" "$XT" 801
	echo "# log deleted after $n records: $(audit_count path^="$IN/") in the new file" >&5
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# check_records INDIR OUTDIR N [LOST]: N records for paths under INDIR and
# OUTDIR (in the log, or in LOST: the lines of `audit-lost:`), none twice;
# the directories = the emulated records of the log; OUTDIR empty
CHECK_PY='
import json, os, sys
log, indir, outdir, want = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
seen, made, bad = {}, set(), []
for f in [log] + sys.argv[5:]:
  for line in open(f, "rb"):
    r = json.loads(line)
    p = r.get("path")
    if "event" in r or not p or not (p.startswith(indir + "/") or p.startswith(outdir + "/")):
        continue
    seen[p] = seen.get(p, 0) + 1
    if r["decision"] == "emulated" and r["errno"] is None and f == log:
        made.add(p)
dup = [p for p, n in seen.items() if n > 1]
if dup:
    bad.append("recorded twice: %s" % dup[:5])
if len(seen) != want:
    bad.append("%d paths recorded, expected %d" % (len(seen), want))
have = set()
for d in (indir, outdir):
    for root, dirs, files in os.walk(d):
        have.update(os.path.join(root, x) for x in dirs)
if have != made:
    bad.append("directories without records: %s; records without directories: %s"
               % (sorted(have - made)[:5], sorted(made - have)[:5]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
'
check_records() {
	"$PY" -c "$CHECK_PY" "$TRACERD_LOG" "$@" >&2 || fail "records do not match the calls"
}

# The log on a full filesystem: calls that cannot be recorded are answered
# EPERM with nothing created and their line on stderr (`audit-lost:`), or,
# when no room for a creation's record can be reserved, refused with a
# record that says so; once there is room, a `lost-records` event counts
# the lost ones; never a broken line.
test_log_full() {
	need_prog loadgen
	local lost counted
	dd if=/dev/zero of="$LOGFS/filler" bs=4096 >/dev/null 2>&1 || true
	run sup "$PROGS/loadgen" 4 20 5 "$IN" "$XT" -v
	# every answer is the expected one, or EPERM for an allowed call
	"$PY" - "$T/out" "$TRACERD_ERR" "$IN" "$TRACERD_LOG" <<-'EOF' >&2 || fail "answers do not match the records"
	import json, sys
	out, err, indir, log = sys.argv[1:]
	res = {l.split()[1]: l.split()[2] for l in open(out) if l.startswith("res ")}
	lost = [json.loads(l[len("audit-lost: "):]) for l in open(err) if l.startswith("audit-lost: ")]
	lostp = {r["path"] for r in lost if "path" in r}
	noroom = set()
	for l in open(log):
	    r = json.loads(l)
	    if r.get("reason") == "no room for the record in the audit log" and r.get("errno") == "EPERM":
	        noroom.add(r["path"])
	bad = [p for p, v in res.items() if p.startswith(indir + "/") and v == "EPERM"
	       and p not in lostp and p not in noroom]
	bad += [p for p in lostp | noroom if res.get(p) != "EPERM"]
	print("calls %d, answered EPERM for want of the log %d (lost %d, refused %d)"
	      % (len(res), len(lostp | noroom), len(lostp), len(noroom)))
	if len(res) != 100 or not (lostp | noroom) or bad:
	    print("mismatch:", len(res), len(lostp), bad[:5]); sys.exit(1)
	EOF
	rm -f "$LOGFS/filler"
	run sup "$PROGS/mk" mkdir "$IN/room"
	assert_out 0
	expect_record path="$IN/room" decision=emulated errno=null
	lost=$(grep -c '^audit-lost: ' "$TRACERD_ERR")
	counted=$(audit_q event=lost-records | "$PY" -c \
		'import json, sys; print(sum(json.loads(l)["count"] for l in sys.stdin))')
	assert_eq "$counted" "$lost" "count of lost-records vs audit-lost: lines"
	audit_wellformed "$TRACERD_LOG" || fail "a broken line in the log"
	# the recorded and the lost calls together: each once; dirs = recorded
	sed -n 's/^audit-lost: //p' "$TRACERD_ERR" >"$T/lost.jsonl"
	check_records "$IN" "$XT" 101 "$T/lost.jsonl"
	echo "# full log fs: $lost lines lost (EPERM, on stderr), lost-records count $counted" >&5
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- SIGKILL
# tracerd SIGKILLed while it holds calls (TRACERD_TEST_DELAY_MS): the held
# calls and the later ones get ENOSYS, nothing hangs, nothing is created.
test_sigkill_held() {
	need_prog sig
	local i t0
	for i in 1 2; do
		sup sh -c "'$PROGS/sig' '$IN/k$i'; exec '$PROGS/mk' mkdir '$IN/k$i-later'" \
			>"$T/k$i.out" 2>"$T/k$i.err" &
		eval "BG$i=\$!"
		poll has_line "$T/k$i.out" 1 || fail "sig $i did not start"
		poll in_syscall "$(head -n 1 "$T/k$i.out")" $MKDIR_NR || fail "sig $i not in mkdir"
	done
	# both calls are inside tracerd (two threads in the delay)
	poll sleeping_at_least 2 || { dump_tracerd; fail "tracerd does not hold both calls"; }
	t0=$(now_ms)
	kill -KILL "$TRACERD_SIGPID"
	for i in 1 2; do
		local bg=BG$i
		RC=0
		wait "${!bg}" || RC=$?
		assert_rc 0 "program $i"
		assert_eq "$(sed -n '2,$p' "$T/k$i.out")" "ENOSYS handled=0
ENOSYS" "program $i: the held call, then a later one"
		assert_absent "$IN/k$i"
		assert_absent "$IN/k$i-later"
	done
	echo "# SIGKILL: both programs ended $(($(now_ms) - t0)) ms after the kill" >&5
	expect_no_record path^="$IN/"
}

# ---------------------------------------------------------------- main
start_tracerd || exit 1
t "the audit log deleted while 800 calls run: recreated, said once, one record each" \
	test_log_deleted
stop_tracerd

# tracerd with a small fd limit (soft = hard: it cannot raise it)
REAL_TRACERD=$TRACERD
TRACERD=$WORK/.priv/tracerd-nofile
printf '#!/bin/sh\nexec prlimit --nofile=%s:%s -- "%s" "$@"\n' $NOFILE $NOFILE "$REAL_TRACERD" >"$TRACERD"
chmod +x "$TRACERD"
start_tracerd || exit 1
TRACERD=$REAL_TRACERD
t "RLIMIT_NOFILE $NOFILE, idle programs: refused with a reason (126), others work" \
	test_nofile_cap
t "RLIMIT_NOFILE $NOFILE, idle programs that made a call: every call answered as native" \
	test_nofile_busy
t "RLIMIT_NOFILE $NOFILE, $((2 * NOFILE)) silent handshakes: bounded, clients served" \
	test_flood_bounded
t "fd limit lowered at run time (EMFILE): new client 126 with the reason, no EMFILE answer" \
	test_emfile_runtime
stop_tracerd

log_on_tmpfs 64k "the log on a full tmpfs: EPERM, audit-lost:, lost-records counts them, no broken line" \
	test_log_full

export TRACERD_TEST_DELAY_MS=5000
start_tracerd --wrapped || exit 1
unset TRACERD_TEST_DELAY_MS
t "tracerd SIGKILLed while holding two calls: ENOSYS for them and later calls" test_sigkill_held
kill -KILL "$TRACERD_SIGPID" 2>/dev/null	# when the test failed before its kill
{ wait "$TRACERD_PID"; } 2>/dev/null
forget_tracerd "$TRACERD_PID"
TRACERD_PID=
