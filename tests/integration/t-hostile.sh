#!/bin/bash
# Issue 14, hostile peers: what another user or one program can make
# tracerd spend is bounded, and new programs are always served.
#  - the flood: uid 65534 connects and closes in a loop against root's
#    tracerd (log on a 4 MiB tmpfs): rejects are coalesced (one event with
#    a count per peer uid, reason and interval; at most 8 first events per
#    interval, the excess in one reject-summary), so the log grows by a few
#    KiB, every connection is still counted, and root's programs are served
#    meanwhile and after;
#  - the stall: a program whose mkdir paths lie in a userfaultfd page that
#    is never resolved holds threads inside process_vm_readv; tracerd adds
#    threads (said once) and new programs attach and are answered within
#    2 s; with --threads 2 --max-threads 3 that program holds at most 2;
#  - the cost: 10 programs x 4 threads calling mkdir in a cwd 4 090 levels
#    deep; new programs are still answered within 2 s, the deep calls end
#    (every call has its record: emulated or error).
# Needs root (userfaultfd for kernel faults, tmpfs, setpriv).
. "$(dirname "$0")/lib.sh"

exec 5>&1		# figures for the TAP stream
NR_MKDIR=83		# x86_64
NR_PROCESS_VM_READV=310
DEADLINE_MS=2000	# issue 14: a newcomer attaches and is answered within 2 s
NEWCOMER_TMO=6		# a newcomer still waiting after this is killed (a failure)
FLOOD_SECS=5
DEPTH=4090


tracerd_tasks() { ls "/proc/$TRACERD_PID/task" | wc -l; }

# threads_in PID NR: how many threads of PID are blocked in syscall NR
threads_in() {
	local f nr n=0
	for f in /proc/"$1"/task/*/syscall; do
		read -r nr _ 2>/dev/null <"$f" || continue
		[ "$nr" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}
threads_in_at_least() { [ "$(threads_in "$1" "$2")" -ge "$3" ]; }

# newcomer NAME: a new program (mk, supervised) attaches and has its mkdir
# of $IN/NAME answered: 0, its directory and record, within DEADLINE_MS.
# NEWCOMER_MS: its time, from start to exit.
newcomer() {
	local t0
	t0=$(now_ms)
	RC=0
	timeout -k 1 "$NEWCOMER_TMO" env LD_PRELOAD="$LIBNOTIF" "$PROGS/mk" mkdir "$IN/$1" \
		>"$T/out" 2>"$T/err" || RC=$?
	NEWCOMER_MS=$(($(now_ms) - t0))
	echo "# $2: newcomer $1 attached and answered in $NEWCOMER_MS ms (status $RC)" >&5
	[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] ||
		{ dump_tracerd; fail "newcomer $1 still waiting after $NEWCOMER_TMO s (killed)"; }
	assert_rc 0 "newcomer $1"
	assert_out 0
	assert_dir "$IN/$1"
	expect_record path="$IN/$1" decision=emulated errno=null
	[ "$NEWCOMER_MS" -lt "$DEADLINE_MS" ] ||
		fail "newcomer $1 took $NEWCOMER_MS ms, more than $DEADLINE_MS"
}

# ---------------------------------------------------------------- the flood
# REJECT_PY LOG OFFSET: over the log from byte OFFSET, the reject and
# reject-summary events: "events E summaries S sum N nocount M uids U"
# (N: the sum of their counts; M: events without an integer count >= 1;
# U: the uids the reject events name, comma-separated)
REJECT_PY='
import json, sys
with open(sys.argv[1], "rb") as fh:
    fh.seek(int(sys.argv[2]))
    data = fh.read()
data = data[:data.rfind(b"\n") + 1]	# a line being written: not yet
ev = sm = total = nocount = 0
uids = set()
for raw in data.splitlines():
    r = json.loads(raw.decode("utf-8"))
    e = r.get("event")
    if e not in ("reject", "reject-summary"):
        continue
    ev += 1
    sm += e == "reject-summary"
    c = r.get("count")
    if isinstance(c, int) and not isinstance(c, bool) and c >= 1:
        total += c
    else:
        nocount += 1
        total += 1
    if e == "reject":
        uids.add(str(r.get("uid")))
print("events %d summaries %d sum %d nocount %d uids %s" %
      (ev, sm, total, nocount, ",".join(sorted(uids)) or "-"))
'
rejects() { "$PY" -c "$REJECT_PY" "$TRACERD_LOG" "$1"; }
reject_sum() { rejects "$1" | awk '{ print $6 }'; }
# wait_rejects OFFSET N: until the counts sum to N, 5 s at most (each look
# parses the log: every 0.2 s, not poll's 10 ms)
wait_rejects() {
	local i
	for ((i = 0; i < 25; i++)); do
		[ "$(reject_sum "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}
field() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" "$2" | tail -n 1; }
flood_done() { grep -q '^connects=' "$T/flood1.out" && grep -q '^connects=' "$T/flood2.out"; }

test_flood() {
	need_prog storm
	need_prog mk
	local size0 size1 n e1 e2 i=0 t0 ms lat="" bad="" r nocount uids
	size0=$(stat -c %s "$TRACERD_LOG")
	for r in 1 2; do
		timeout -k 1 $((FLOOD_SECS + 20)) "${AS_NOBODY[@]}" \
			"$NPROGS/storm" churn "$TRACERD_SOCKET" "$FLOOD_SECS" \
			>"$T/flood$r.out" 2>&1 &
	done
	# root's programs during the flood: each answered; latency measured
	sleep 0.3
	until flood_done; do
		t0=$(now_ms)
		run sup "$PROGS/mk" mkdir "$IN/during$i"
		ms=$(($(now_ms) - t0))
		lat="$lat $ms"
		[ "$RC" = 0 ] && [ "$(cat "$T/out")" = 0 ] ||
			bad="$bad during$i:status=$RC,out=$(cat "$T/out"),err=$(head -c 200 "$T/err")"
		i=$((i + 1))
		sleep 0.3
	done
	wait
	e1=$(field errors "$T/flood1.out")
	e2=$(field errors "$T/flood2.out")
	n=$(($(field connects "$T/flood1.out") + $(field connects "$T/flood2.out")))
	# right after
	run sup "$PROGS/mk" mkdir "$IN/after"
	local after_rc=$RC after_out
	after_out=$(cat "$T/out")
	# the last interval's coalesced events (1 s intervals: ~2 s at most)
	wait_rejects "$size0" "$n" || true
	size1=$(stat -c %s "$TRACERD_LOG")
	echo "# flood: $n connect/close by uid $NOBODY in $FLOOD_SECS s (2 processes, errors $e1+$e2);" \
		"log +$((size1 - size0)) bytes; $(rejects "$size0")" >&5
	echo "# flood: $i mkdirs of root during it, ms:${lat:- none}" >&5
	[ "$e1$e2" = 00 ] || fail "the flooders' connects failed: $(cat "$T"/flood*.out)"
	[ "$n" -ge 1000 ] || fail "only $n connections in $FLOOD_SECS s: no flood"
	[ $((size1 - size0)) -lt 65536 ] ||
		fail "the log grew by $((size1 - size0)) bytes in the flood (at most 65535)"
	[ "$i" -ge 3 ] || fail "only $i mkdirs ran during the flood"
	[ -z "$bad" ] || { dump_tracerd; fail "root's mkdirs during the flood not served:$bad"; }
	[ "$after_rc" = 0 ] && [ "$after_out" = 0 ] ||
		{ dump_tracerd; fail "root's mkdir right after the flood: status $after_rc, '$after_out'"; }
	expect_records "$i" path^="$IN/during" decision=emulated errno=null
	expect_record path="$IN/after" decision=emulated errno=null
	read -r _ _ _ _ _ r _ nocount _ uids < <(rejects "$size0")
	[ "$nocount" = 0 ] || fail "$nocount reject events without a count"
	[ "$r" = "$n" ] || fail "reject counts sum to $r, the flooders made $n connections"
	case $uids in "$NOBODY" | -) ;; *) fail "reject events name uids '$uids', only $NOBODY connected" ;; esac
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# the global cap: 24 peer uids at once (root presents any uid); the events
# per interval are bounded across all uids: at most 8 keys (uid, reason)
# get events (a first one and a coalesced one), the rest go into one
# summary: 17 events an interval at most; every connection counted
MANY_PY='
import os, socket, sys, time
name, nuid, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
kids = []
for k in range(nuid):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.setgroups([])
        os.setresgid(30000 + k, 30000 + k, 30000 + k)
        os.setresuid(30000 + k, 30000 + k, 30000 + k)
        n = 0
        end = time.monotonic() + secs
        while time.monotonic() < end:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect("\0" + name)
            s.close()
            n += 1
        os.write(w, b"%d" % n)
        os._exit(0)
    os.close(w)
    kids.append((pid, r))
total = 0
for pid, r in kids:
    total += int(os.read(r, 64) or b"0")
    os.waitpid(pid, 0)
print("connects=%d" % total)
'
test_many_uids() {
	local size0 size1 n nev nsum nuids secs=3 u r nocount
	size0=$(stat -c %s "$TRACERD_LOG")
	run timeout 30 "$PY" -c "$MANY_PY" "$TRACERD_SOCKET" 24 "$secs"
	assert_rc 0 "24 flooders of 24 uids"
	n=$(field connects "$T/out")
	wait_rejects "$size0" "$n" || true
	size1=$(stat -c %s "$TRACERD_LOG")
	read -r _ nev _ nsum _ r _ nocount _ nuids < <(rejects "$size0")
	echo "# 24 uids: $n connect/close in $secs s; log +$((size1 - size0)) bytes;" \
		"$(rejects "$size0")" >&5
	[ "$n" -ge 240 ] || fail "only $n connections: no flood"
	[ "$nocount" = 0 ] || fail "$nocount reject events without a count"
	[ "$r" = "$n" ] || fail "reject counts sum to $r, the flooders made $n connections"
	[ "$nsum" -ge 1 ] || fail "24 uids in one interval and no reject-summary event"
	for u in ${nuids//,/ }; do
		{ [ "$u" -ge 30000 ] && [ "$u" -le 30023 ]; } 2>/dev/null ||
			fail "reject events name uids '$nuids', only 30000-30023 connected"
	done
	# intervals touched: the flood's seconds, a partial one at each end and
	# the last flush
	[ "$nev" -le $((17 * (secs + 3))) ] || fail "$nev reject events in $secs s of flood"
	[ $((size1 - size0)) -lt 65536 ] || fail "the log grew by $((size1 - size0)) bytes"
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- the stall
# uffd_start N: uffd_mkdir with N threads, supervised, all of them inside
# mkdir, and tracerd stuck reading at least MIN_STUCK of their paths.
# UPID: its pid; UBG: the job.
uffd_start() {
	need_prog uffd_mkdir
	sup "$PROGS/uffd_mkdir" "$1" >"$T/uffd.out" 2>"$T/uffd.err" &
	UBG=$!
	poll uffd_up || true
	if ! has_line "$T/uffd.out" 1; then
		cat "$T/uffd.err" >&2
		grep -q '^uffd_mkdir: userfaultfd' "$T/uffd.err" &&
			skip userfaultfd "$(head -n 1 "$T/uffd.err")"
		fail "uffd_mkdir did not start"
	fi
	UPID=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$T/uffd.out")
	poll threads_in_at_least "$UPID" $NR_MKDIR "$1" ||
		fail "$(threads_in "$UPID" $NR_MKDIR) of uffd_mkdir's $1 threads are in mkdir"
	poll threads_in_at_least "$TRACERD_PID" $NR_PROCESS_VM_READV "$2" ||
		{ dump_tracerd; fail "tracerd is not stuck on the userfaultfd page" \
			"($(threads_in "$TRACERD_PID" $NR_PROCESS_VM_READV) threads in process_vm_readv)"; }
}

uffd_up() { has_line "$T/uffd.out" 1 || ! kill -0 "$UBG" 2>/dev/null; }

uffd_stop() {
	kill -KILL "$UPID" 2>/dev/null || true
	wait "$UBG" 2>/dev/null || true
}

stuck() { threads_in "$TRACERD_PID" $NR_PROCESS_VM_READV; }

test_uffd_stall() {
	local i n
	newcomer n0 "uffd (before the attack)"
	uffd_start 16 4
	echo "# uffd: 16 calls on an unresolved page; tracerd threads in process_vm_readv: $(stuck)," \
		"tasks $(tracerd_tasks)" >&5
	for i in 1 2 3; do
		newcomer n$i uffd
	done
	echo "# uffd: after the newcomers: $(stuck) threads in process_vm_readv," \
		"tracerd tasks $(tracerd_tasks)" >&5
	grep 'answering threads' "$TRACERD_ERR" | sed 's/^/# stderr: /' >&5 || true
	n=$(grep -c 'adding answering threads' "$TRACERD_ERR" || true)
	assert_eq "$n" 1 "lines saying 'adding answering threads' on tracerd's stderr"
	uffd_stop
	# the stuck reads end with the program; tracerd serves on
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	expect_record path="$IN/after" decision=emulated errno=null
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# --threads 2 --max-threads 3: the threads are main (signals, watchdog), the
# handshake thread and the answering threads (tracerd/loop.c)
NON_ANSWERING=2
test_share() {
	local tasks most=0 i
	uffd_start 16 1
	sleep 1		# time to take every thread it can
	for i in 1 2 3; do
		tasks=$(tracerd_tasks)
		[ "$tasks" -le "$most" ] || most=$tasks
		[ "$(stuck)" -le 2 ] || fail "one program holds $(stuck) threads (at most --max-threads - 1 = 2)"
		newcomer s$i share
	done
	tasks=$(tracerd_tasks)
	[ "$tasks" -le "$most" ] || most=$tasks
	echo "# share: uffd_mkdir holds $(stuck) threads; tracerd tasks at most $most" \
		"($NON_ANSWERING not answering)" >&5
	[ "$most" -le $((3 + NON_ANSWERING)) ] ||
		fail "tracerd had $most tasks: $((most - NON_ANSWERING)) answering threads, --max-threads 3"
	uffd_stop
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- the cost
DEEP_PROGS=10
DEEP_THREADS=4
DEEP_SECS=5
all_ready() {
	local i
	for ((i = 1; i <= DEEP_PROGS; i++)); do
		grep -q '^ready' "$T/deep$i.out" 2>/dev/null || return 1
	done
}

test_deep_cwd() {
	need_prog deepcwd
	local i calls=0 c n em er bgs=() reasons
	run "$PROGS/deepcwd" build "$IN/deep" $DEPTH
	assert_rc 0 "building the tree (unsupervised)"
	for ((i = 1; i <= DEEP_PROGS; i++)); do
		sup "$PROGS/deepcwd" loop "$IN/deep" $DEPTH $DEEP_THREADS $DEEP_SECS "deepc$i" \
			>"$T/deep$i.out" 2>"$T/deep$i.err" &
		bgs+=($!)
	done
	poll all_ready || { cat "$T"/deep*.err >&2; fail "the deep programs did not start"; }
	sleep 0.5	# their calls under way
	for i in 1 2 3; do
		newcomer d$i deep
	done
	for i in "${bgs[@]}"; do
		RC=0
		wait "$i" || RC=$?
		[ "$RC" = 0 ] || fail "a deep program exited $RC"
	done
	for ((i = 1; i <= DEEP_PROGS; i++)); do
		c=$(field calls "$T/deep$i.out")
		[ -n "$c" ] && [ "$c" -ge 1 ] || { cat "$T/deep$i.out" "$T/deep$i.err" >&2; fail "deep program $i made no call"; }
		calls=$((calls + c))
	done
	n=$(audit_count path^=deepc)
	em=$(audit_count path^=deepc decision=emulated)
	er=$(audit_count path^=deepc decision=error)
	reasons=$(audit_q path^=deepc decision=error | "$PY" -c '
import collections, json, sys
c = collections.Counter(json.loads(l).get("reason") for l in sys.stdin)
print("; ".join("%s x%d" % kv for kv in c.most_common(3)) or "-")')
	audit_q path^=deepc | head -n 1 | "$PY" -c '
import json, sys
r = json.loads(sys.stdin.readline())
rs = r.get("resolved")
print("# deep: a record: decision %s, errno %s, cwd of %d bytes, resolved %s" % (r["decision"],
      r["errno"], len(r.get("cwd") or ""), "null" if rs is None else "of %d bytes" % len(rs)))' >&5
	echo "# deep: $DEEP_PROGS programs x $DEEP_THREADS threads, cwd $DEPTH deep, $DEEP_SECS s:" \
		"$calls calls; records $n: emulated $em, error $er (reasons: $reasons)" >&5
	sed 's/^/# deep: /' "$T/deep1.out" >&5
	[ "$n" -ge 1 ] || { dump_tracerd; fail "no record of a deep call"; }
	[ $((em + er)) = "$n" ] || fail "$((n - em - er)) deep records neither emulated nor error"
	# every call ended with its record: none stalled, none lost
	[ "$n" = "$calls" ] || fail "$n records of deep calls, the programs made $calls"
	rm -rf "$IN/deep"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# ---------------------------------------------------------------- run
if [ "$(id -u)" != 0 ]; then
	t "hostile peers (userfaultfd, tmpfs, other uids)" skip root "t-hostile.sh needs root"
	exit 0
fi
need_prog mk
nobody_files

log_on_tmpfs 4m "the flood: uid $NOBODY connects/closes for $FLOOD_SECS s (2 processes): log +<64 KiB, all counted, root served during and after" \
	test_flood

LOGFS=$WORK/logfs-many
mkdir -p "$LOGFS"
mount_tmpfs "$LOGFS" "size=4m,mode=0700"
TRACERD_LOG=$LOGFS/audit.jsonl
if start_tracerd --no-log --log "$TRACERD_LOG"; then
	t "the flood from 24 uids: reject events per interval capped, a reject-summary, all counted" \
		test_many_uids
	stop_tracerd
fi

if start_tracerd; then
	t "16 calls stuck on a userfaultfd page: 3 newcomers answered within 2 s each; threads added (said once)" \
		test_uffd_stall
	stop_tracerd
fi

if start_tracerd --threads 2 --max-threads 3; then
	t "--threads 2 --max-threads 3: one program holds at most 2 threads; newcomers answered within 2 s" \
		test_share
	stop_tracerd
fi

if start_tracerd; then
	t "$DEEP_PROGS programs x $DEEP_THREADS threads in a $DEPTH-deep cwd: 3 newcomers answered within 2 s; every deep call has its record" \
		test_deep_cwd
	stop_tracerd
fi
