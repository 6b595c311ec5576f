#!/bin/bash
# Issue 18, rotation and copies. Built-in rotation under load: 8 programs x
# 4 threads x 2000 calls (NOTIF_ROTATE_LOAD="P TH A D") with --log-max-size
# 64K --log-keep 1000: every call has exactly one record across the files
# (its "attach"+"notif" key), every file is JSON Lines, 0600, at most 64K,
# and each file after the oldest starts with a `rotate` event whose
# "records" is the number of records of the file before it. --log-keep
# removes the oldest (left-overs of a larger keep too). `mv` of the log then
# SIGUSR1, and SIGHUP, and the shipped examples/logrotate.conf run by the
# real logrotate: the next records land in the new file. A copy on a
# full tmpfs loses records without changing an answer, and once it has room
# again a lost-records event names it, in both outputs. Hostile options:
# each a clear error, exit 2.
. "$(dirname "$0")/lib.sh"

read -r R_P R_TH R_A R_D <<<"${NOTIF_ROTATE_LOAD:-8 4 1600 400}"

# every file of LOG, oldest first: LOG.N ... LOG.1 LOG
ROTATED_PY='
import json, os, re, stat, sys
log = sys.argv[1]
d, base = os.path.split(log)
pat = re.compile(re.escape(base) + r"\.(\d+)$")
nums = sorted((int(m.group(1)) for m in map(pat.match, os.listdir(d)) if m), reverse=True)
files = [log + "." + str(n) for n in nums] + [log]
'

# load_check LOG P TH A D INDIR OUTDIR MAXSIZE: the properties above
LOADCHECK_PY=$ROTATED_PY'
P, TH, A, D = map(int, sys.argv[2:6])
indir, outdir, maxsize = sys.argv[6], sys.argv[7], int(sys.argv[8])
keys, paths, bad = set(), set(), []
prev_records = None
for i, f in enumerate(files):
    st = os.lstat(f)
    if stat.S_IMODE(st.st_mode) != 0o600:
        bad.append("%s: mode %o" % (f, stat.S_IMODE(st.st_mode)))
    if f != log and st.st_size > maxsize:
        bad.append("%s: %d bytes, over %d" % (f, st.st_size, maxsize))
    data = open(f, "rb").read()
    if data and not data.endswith(b"\n"):
        bad.append("%s: last line torn" % f)
    recs = [json.loads(l.decode("utf-8")) for l in data.splitlines()]
    n = sum(1 for r in recs if "event" not in r)
    if i > 0:
        first = recs[0] if recs else {}
        if first.get("event") != "rotate":
            bad.append("%s: starts with %r, not a rotate event" % (f, first))
        elif first.get("records") != prev_records:
            bad.append("%s: rotate says %r records, the file before holds %d" %
                       (f, first.get("records"), prev_records))
        elif first.get("schema") != 1:
            bad.append("%s: rotate carries schema %r, not 1" % (f, first.get("schema")))
    prev_records = n
    for r in recs:
        if "event" in r:
            continue
        k = (r.get("attach"), r.get("notif"))
        if None in k or k in keys:
            bad.append("%s: key %r missing or seen twice" % (f, k))
        keys.add(k)
        p = r.get("path") or ""
        if os.path.dirname(p) in (indir, outdir):
            if p in paths:
                bad.append("path recorded twice: " + p)
            paths.add(p)
want = P * TH * (A + D)
if len(paths) != want:
    bad.append("%d calls recorded, %d made" % (len(paths), want))
print("%d files, %d records, %d calls" % (len(files), len(keys), len(paths)))
for b in bad[:20]:
    print("BAD", b)
sys.exit(1 if bad else 0)
'

test_load_rotates() {
	local i pids=() rc=0
	need_prog loadgen
	for ((i = 0; i < R_P; i++)); do
		sup "$PROGS/loadgen" "$R_TH" "$R_A" "$R_D" "$IN" "$XT" >>"$T/load.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=$?
	done
	[ $rc -eq 0 ] || { grep -v '^pid=.* bad=0$' "$T/load.out" | head >&2; fail "a call got a wrong answer"; }
	"$PY" -c "$LOADCHECK_PY" "$TRACERD_LOG" "$R_P" "$R_TH" "$R_A" "$R_D" "$IN" "$XT" 65536 >&2 ||
		fail "the rotated files do not hold every call exactly once"
	[ -e "$TRACERD_LOG.2" ] || fail "no rotation happened"
}

# keep 2, with .3 .4 left by a run that kept more: after a rotation only
# LOG, LOG.1 and LOG.2 are there
test_keep() {
	local n=0
	until [ -e "$TRACERD_LOG.2" ] && [ ! -e "$TRACERD_LOG.3" ] || [ $n -ge 400 ]; do
		sup mkdir "$IN/k$n"
		n=$((n + 1))
	done
	[ ! -e "$TRACERD_LOG.3" ] || fail "$TRACERD_LOG.3 still there after $n calls"
	[ ! -e "$TRACERD_LOG.4" ] || fail "$TRACERD_LOG.4 still there"
	[ -e "$TRACERD_LOG.2" ] || fail "no $TRACERD_LOG.2 after $n calls"
	[ -z "$(find "$(dirname "$TRACERD_LOG")" -name '.*.new')" ] || fail "a temporary file is left"
}

# mv LOG LOG.old, SIGNAL, poll for the reopen: the next record is in the new
# LOG only
reopen_after_mv() {
	local sig=$1 before
	sup mkdir "$IN/before"
	mv "$TRACERD_LOG" "$TRACERD_LOG.old"
	before=$(grep -c "reopened the audit log" "$TRACERD_ERR" || true)
	kill "-$sig" "$TRACERD_SIGPID"
	poll [ "$(grep -c "reopened the audit log" "$TRACERD_ERR")" -gt "$before" ] ||
		fail "no reopen after SIG$sig"
	sup mkdir "$IN/after-$sig"
	expect_record path="$IN/after-$sig" decision=emulated
	TRACERD_LOG=$TRACERD_LOG.old expect_no_record path="$IN/after-$sig"
	TRACERD_LOG=$TRACERD_LOG.old expect_record path="$IN/before"
	[ "$(stat -c %a "$TRACERD_LOG")" = 600 ] || fail "the new log is not 0600"
}

# the shipped examples/logrotate.conf, run by the real logrotate with the
# log's path put in and its postrotate's `systemctl --user kill` made a
# kill of this tracerd: the old records in .1, the next in a new 0600 log
test_logrotate() {
	local before
	command -v logrotate >/dev/null || skip logrotate "logrotate is not installed"
	sed -e "s|^~/.local/state/tracerd/audit.jsonl |$TRACERD_LOG |" \
		-e "s|systemctl --user kill --signal=SIGUSR1 tracerd.service|kill -USR1 $TRACERD_SIGPID|" \
		"$TOP/examples/logrotate.conf" >"$T/logrotate.conf"
	grep -q "^$TRACERD_LOG {" "$T/logrotate.conf" || fail "the example names no log path to put ours in"
	sup mkdir "$IN/lr-before"
	before=$(grep -c "reopened the audit log" "$TRACERD_ERR" || true)
	logrotate -f --state "$T/state" "$T/logrotate.conf" >&2 || fail "logrotate failed"
	[ -f "$TRACERD_LOG.1" ] || fail "logrotate made no $TRACERD_LOG.1"
	poll [ "$(grep -c "reopened the audit log" "$TRACERD_ERR")" -gt "$before" ] ||
		fail "tracerd did not reopen after logrotate's postrotate"
	sup mkdir "$IN/lr-after"
	expect_record path="$IN/lr-after" decision=emulated
	TRACERD_LOG=$TRACERD_LOG.1 expect_record path="$IN/lr-before"
	TRACERD_LOG=$TRACERD_LOG.1 expect_no_record path="$IN/lr-after"
	[ "$(stat -c %a "$TRACERD_LOG")" = 600 ] || fail "the new log is not 0600"
}

test_sigusr1() { reopen_after_mv USR1; }
test_sighup() { reopen_after_mv HUP; }

# the copy is alone on a 64 KiB tmpfs, filled up: calls are answered as
# ever, the copy's losses counted; with room again, a lost-records event
# names it in the primary and in the copy, and every line of the primary
# is either in the copy or counted
test_copy_full() {
	local i lines copy=$COPYFS/copy.jsonl
	dd if=/dev/zero of="$COPYFS/fill" bs=4k 2>/dev/null || true
	for i in $(seq 1 40); do
		run sup mkdir "$IN/full$i"
		assert_rc 0 "mkdir with the copy's filesystem full"
		assert_dir "$IN/full$i"
	done
	expect_record path="$IN/full40" decision=emulated
	grep -q "audit log copy '$copy' refused a record" "$TRACERD_ERR" ||
		{ dump_tracerd; fail "no word of the copy's refusal"; }
	rm "$COPYFS/fill"
	sup mkdir "$IN/room-again"
	# (a line small enough for the last page's rest may have got through
	# meanwhile: at least one such event)
	[ "$(audit_count event=lost-records output="$copy")" -ge 1 ] ||
		{ dump_tracerd; fail "no lost-records event naming $copy"; }
	[ "$(TRACERD_LOG=$copy audit_count event=lost-records output="$copy")" -ge 1 ] ||
		fail "no lost-records event naming $copy in the copy"
	TRACERD_LOG=$copy expect_record path="$IN/room-again"
	lines=$("$PY" - "$TRACERD_LOG" "$copy" <<-'EOF'
		import json, sys
		prim = [l for l in open(sys.argv[1], "rb")]
		copy = set(open(sys.argv[2], "rb"))
		ev = [json.loads(l) for l in prim if b'"lost-records"' in l]
		lost = sum(e["count"] for e in ev if "output" in e)
		missing = sum(1 for l in prim if l not in copy)
		print(lost, missing)
	EOF
	)
	read -r lost missing <<<"$lines"
	[ "$lost" -gt 0 ] || fail "no loss counted"
	[ "$lost" = "$missing" ] || fail "the copy lacks $missing lines of the primary, $lost counted"
}

# hostile options: a clear error naming the option, exit 2
# SIGHUP and SIGUSR1 reopen the log even when nothing moved it (a policy
# reload is a SIGHUP too): under load that reopen once cut a record being
# appended as a "torn last line", losing it and every record appended
# until the cut. 8 programs log their own answers during 1000 signals.
test_reopen_under_load() {
	local i pids=() outs=() sig
	need_prog mkloop
	mkdir -p "$IN/hup"
	trap 'touch "$T/stop"' EXIT
	for ((i = 0; i < 8; i++)); do
		timeout -k 5 120 env LD_PRELOAD="$LIBNOTIF" "$PROGS/mkloop" "$IN/hup" "p$i" \
			"$T/stop" 100 >"$T/out.$i" 2>"$T/err.$i" &
		pids+=($!)
		outs+=("$T/out.$i")
	done
	for ((i = 0; i < 1000; i++)); do
		sig=HUP
		((i % 2)) && sig=USR1
		kill -s "$sig" "$TRACERD_SIGPID" || fail "tracerd gone at signal $i"
		sleep 0.005
	done
	touch "$T/stop"
	for ((i = 0; i < 8; i++)); do
		wait "${pids[i]}" || { cat "$T/err.$i" >&2; fail "program $i: exit status $?"; }
	done
	"$PY" - "$TRACERD_LOG" "$IN/hup/" "${outs[@]}" <<-'EOF' || fail "answers without their record"
		import json, sys
		log, d, outs = sys.argv[1], sys.argv[2], sys.argv[3:]
		recs = {}
		for line in open(log, "rb"):
		    r = json.loads(line)
		    if r.get("path", "").startswith(d):
		        recs[r["path"]] = recs.get(r["path"], 0) + 1
		calls, bad = 0, []
		for out in outs:
		    for line in open(out).read().splitlines()[:-1]:
		        path, got = line.rsplit(" ", 1)
		        calls += 1
		        if got != "0" or recs.get(path) != 1:
		            bad.append("%s: answered %s, %d records" % (path, got, recs.get(path, 0)))
		print("# %d calls, %d without exactly one record or not created" % (calls, len(bad)))
		print("\n".join("# " + b for b in bad[:10]))
		sys.exit(1 if bad or not calls else 0)
	EOF
}

test_bad_options() {
	local a logs=()
	for a in "--log-max-size 12Q" "--log-max-size -5" "--log-max-size 99999999999999999999" \
		"--log-max-size 2000G" "--log-max-size 1K" "--log-max-size 64M2" "--log-max-size ''" \
		"--log-keep 0" "--log-keep 1001" "--log-keep -1" "--log-keep 99999999999999999999" \
		"--log-max-age 0" "--log-max-age 36501" "--syslog-facility bogus" \
		"--syslog-facility LOCAL0x"; do
		eval "run \"\$TRACERD\" $a"
		assert_rc 2 "$a"
		assert_err_has "${a%% *}"
	done
	for i in 1 2 3 4 5 6 7 8 9; do logs+=(--log "$IN/l$i"); done
	run "$TRACERD" "${logs[@]}"
	assert_rc 2 "--log 9 times"
	assert_err_has "at most 8 --log outputs"
	run "$TRACERD" --log "$IN/a" --log "$IN/a"
	assert_rc 2 "--log twice the same"
	assert_err_has "given twice"
}

t "hostile rotation options: a clear error, exit 2" test_bad_options

start_tracerd --log-max-size 64K --log-keep 1000 || exit 1
t "$((R_P * R_TH * (R_A + R_D))) calls rotated at 64K: each recorded once" test_load_rotates
stop_tracerd

N_LEFT=$WORK/.priv/keep
mkdir -p "$N_LEFT"
TRACERD_LOG=$N_LEFT/audit.jsonl
echo '{"old":3}' >"$TRACERD_LOG.3"
echo '{"old":4}' >"$TRACERD_LOG.4"
start_tracerd --no-log --log "$TRACERD_LOG" --log-max-size 4K --log-keep 2 || exit 1
t "--log-keep 2 removes the oldest" test_keep
stop_tracerd

start_tracerd || exit 1
t "mv then SIGUSR1: the next records land in the new file" test_sigusr1
t "mv then SIGHUP: the next records land in the new file" test_sighup
t "examples/logrotate.conf with the real logrotate" test_logrotate
stop_tracerd
start_tracerd || exit 1
t "1000 SIGHUP/SIGUSR1 reopens under 8 looping programs: every call recorded once" \
	test_reopen_under_load
stop_tracerd

COPYFS=$WORK/copyfs
mkdir -p "$COPYFS"
if mount_tmpfs "$COPYFS" "size=64k,mode=0700"; then
	start_tracerd --log "$COPYFS/copy.jsonl" || exit 1
	t "a copy on a full disk: answers unchanged, losses counted and told" test_copy_full
	stop_tracerd
else
	t "a copy on a full disk" skip tmpfs "cannot mount a tmpfs (not root?)"
fi

