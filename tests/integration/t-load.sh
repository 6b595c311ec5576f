#!/bin/bash
# Issue 5, load: P supervised processes x TH threads x (A allowed + D
# denied) calls at once (NOTIF_LOAD="P TH A D"; `make test` runs the small
# default, long/t-load.sh the issue's 64 x 4 x (500 + 100)). Every call is
# answered correctly, exactly one record per call matched by pid, tid and
# path, no duplicate, no torn line, the directories are exactly the allowed
# calls; tracerd's RSS and fd count come back to their baseline. Prints
# calls/s, records, seconds, RSS and fds before/after.
. "$(dirname "$0")/lib.sh"

read -r L_P L_TH L_A L_D <<<"${NOTIF_LOAD:-8 4 200 40}"
exec 5>&1	# figures for the TAP stream

tracerd_fds() { ls "/proc/$TRACERD_PID/fd" | wc -l; }
tracerd_rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$TRACERD_PID/status"; }
fds_at_most() { [ "$(tracerd_fds)" -le "$1" ]; }

# load P TH A D INDIR OUTDIR: run P loadgen processes at once; fails unless
# every one exits 0 (every call got its expected answer). Their output is
# in $T/load.out (one "pid=..." line each).
load() {
	local p=$1 i pids=() rc=0
	shift
	: >"$T/load.out"
	for ((i = 0; i < p; i++)); do
		sup "$PROGS/loadgen" "$@" >>"$T/load.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || rc=$?
	done
	[ $rc -eq 0 ] || { grep -v '^pid=.* bad=0$' "$T/load.out" | head -n 20 >&2; fail "a call got a wrong answer"; }
	[ "$(grep -c '^pid=.* bad=0$' "$T/load.out")" -eq "$p" ] || fail "not all $p loadgen reported"
}

# every record line: pid, tid and path agree, decision as expected, each
# call recorded once, the directories are exactly the allowed calls, one
# attach and one detach per process
LOAD_PY='
import json, os, re, sys
log, loadout, indir, outdir = sys.argv[1:5]
P, TH, A, D = map(int, sys.argv[5:9])
pids = {int(m.group(1)) for m in re.finditer(r"^pid=(\d+) ", open(loadout).read(), re.M)}
name = re.compile(r"^(\d+)-(\d+)-([ad])(\d+)$")
seen, calls, bad = set(), {}, []
att, det = {}, {}
n_lines = 0
for raw in open(log, "rb"):
    n_lines += 1
    r = json.loads(raw.decode("utf-8"))
    if r.get("event") in ("attach", "detach") and r.get("pid") in pids:
        d = att if r["event"] == "attach" else det
        d[r["pid"]] = d.get(r["pid"], 0) + 1
    p = r.get("path")
    if "event" in r or not p:
        continue
    base, leaf = os.path.split(p)
    m = name.match(leaf)
    if base not in (indir, outdir) or not m:
        continue
    pid, tid, kind, j = int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4))
    if p in seen:
        bad.append("recorded twice: " + p)
    seen.add(p)
    if r["pid"] != pid or r["tid"] != tid:
        bad.append("pid/tid %s/%s in the record of %s" % (r["pid"], r["tid"], p))
    want = ("emulated", None) if kind == "a" else ("denied", "EPERM")
    if (base == indir) != (kind == "a") or (r["decision"], r["errno"]) != want:
        bad.append("wrong decision: " + raw.decode()[:300])
    calls.setdefault(pid, {}).setdefault(tid, {"a": set(), "d": set()})[kind].add(j)
if set(calls) != pids or len(pids) != P:
    bad.append("records from %d processes, %d ran" % (len(calls), len(pids)))
for pid, tids in calls.items():
    if len(tids) != TH:
        bad.append("pid %d: %d threads recorded" % (pid, len(tids)))
    for tid, k in tids.items():
        if k["a"] != set(range(A)) or k["d"] != set(range(D)):
            bad.append("pid %d tid %d: %d/%d allowed, %d/%d denied recorded"
                       % (pid, tid, len(k["a"]), A, len(k["d"]), D))
for pid in pids:
    if att.get(pid) != 1 or det.get(pid) != 1:
        bad.append("pid %d: %s attach, %s detach events" % (pid, att.get(pid), det.get(pid)))
made = {os.path.join(indir, x) for x in os.listdir(indir)}
want = {p for p in seen if p.startswith(indir + "/")}
if made != want:
    bad.append("directories without a record: %d, records without a directory: %d"
               % (len(made - want), len(want - made)))
if os.listdir(outdir):
    bad.append("created outside the roots: %s" % os.listdir(outdir)[:5])
print("records=%d lines=%d" % (len(seen), n_lines))
for b in bad[:20]:
    print(b)
sys.exit(1 if bad or len(seen) != P * TH * (A + D) else 0)
'

test_load() {
	need_prog loadgen
	local in=$IN out=$XT calls t0 t1 ms fds0 fds1 rss0 rss1 rss_start fds_start figures slack
	[ -n "${LOADFS:-}" ] && in=$LOADFS/t$TAP_N
	mkdir -p "$in/warm" "$out/warm" "$in/run" "$out/run"
	rss_start=$(tracerd_rss)
	fds_start=$(tracerd_fds)
	# warm-up with the same shape: threads, arenas and caches settle
	load "$L_P" "$L_TH" 1 1 "$in/warm" "$out/warm"
	poll fds_at_most "$fds_start" || fail "tracerd fds: $fds_start before the warm-up, $(tracerd_fds) after"
	fds0=$(tracerd_fds)
	rss0=$(tracerd_rss)
	calls=$((L_P * L_TH * (L_A + L_D)))
	t0=$(now_ms)
	load "$L_P" "$L_TH" "$L_A" "$L_D" "$in/run" "$out/run"
	t1=$(now_ms)
	ms=$((t1 - t0 > 0 ? t1 - t0 : 1))
	poll fds_at_most "$fds0" || fail "tracerd fds: $fds0 before, $(tracerd_fds) after"
	fds1=$(tracerd_fds)
	rss1=$(tracerd_rss)
	figures=$("$PY" -c "$LOAD_PY" "$TRACERD_LOG" "$T/load.out" "$in/run" "$out/run" \
		"$L_P" "$L_TH" "$L_A" "$L_D" 2>&1) || { echo "$figures" >&2; fail "records do not match the calls"; }
	audit_wellformed "$TRACERD_LOG" >&2 || fail "a torn or malformed line in the log"
	echo "# load: $L_P procs x $L_TH threads x ($L_A + $L_D) = $calls calls in $((ms / 1000)).$(printf %03d $((ms % 1000))) s:" \
		"$((calls * 1000 / ms)) calls/s; ${figures%%$'\n'*}" >&5
	echo "# load: tracerd RSS ${rss_start} kB at start, $rss0 kB before, $rss1 kB after;" \
		"fds $fds_start at start, $fds0 before, $fds1 after" >&5
	# RSS back to baseline: within 5% or 256 KiB of it (allocator noise)
	slack=$((rss0 / 20 > 256 ? rss0 / 20 : 256))
	[ "$rss1" -le $((rss0 + slack)) ] || fail "tracerd RSS grew: $rss0 kB before, $rss1 kB after"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

LOADFS=
if [ "$(id -u)" = 0 ]; then
	LOADFS=$WORK/loadfs
	mkdir "$LOADFS"
	mount_tmpfs "$LOADFS" size=256m,mode=0755 || LOADFS=
fi
# rotation off: at full size the records are about 60 MB, and with a
# longer checkout path they passed the default --log-max-size 64M (a
# clean clone in /tmp/tmp.XXXXXXXXXX did: one file held 821 of 153 600)
start_tracerd --log-max-size 0 || exit 1
t "load: $L_P procs x $L_TH threads x ($L_A allowed + $L_D denied): one record per call" test_load
stop_tracerd
