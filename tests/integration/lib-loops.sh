# Programs that create directories in a loop while tracerd restarts,
# upgrades or dies under them (issue 16), and the check that nothing was
# lost or doubled. Sourced after lib.sh.
# shellcheck shell=bash
LOOPS=${LOOPS:-4}

# A looping program: a shell running mkdir(1) (a new process each time)
# or python3 calling os.mkdir in one process, N directories under DIR,
# 20 ms apart. Prints "done OK FAILED" and every failure's errno.
LOOP_PY='
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
ok = bad = 0
for i in range(n):
    try:
        os.mkdir("%s/%d" % (d, i)); ok += 1
    except OSError as e:
        bad += 1; print("fail", i, e.errno, flush=True)
    time.sleep(0.02)
print("done", ok, bad, flush=True)
'
LOOP_SH='d=$1 n=$2 ok=0 bad=0 i=0
while [ $i -lt $n ]; do
	if mkdir "$d/$i" 2>>"$d.err"; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "fail $i"; fi
	i=$((i + 1)); sleep 0.02
done
echo "done $ok $bad"'

# loops_start N: LOOPS programs under the library, each N directories
loops_start() {
	local k
	LOOP_PIDS=()
	for ((k = 1; k <= LOOPS; k++)); do
		mkdir -p "$IN/loop$k"
		if ((k % 2)); then
			sup /usr/bin/python3 -c "$LOOP_PY" "$IN/loop$k" "$1" >"$T/loop$k.out" 2>&1 &
		else
			sup sh -c "$LOOP_SH" sh "$IN/loop$k" "$1" >"$T/loop$k.out" 2>&1 &
		fi
		LOOP_PIDS+=($!)
	done
}

# loops_check N: every program made its N directories, none failed, each
# directory has exactly one record
loops_check() {
	local k p n
	for p in "${LOOP_PIDS[@]}"; do
		wait "$p" || fail "a looping program exited $?: $(cat "$T"/loop*.out)"
	done
	for ((k = 1; k <= LOOPS; k++)); do
		grep -qx "done $1 0" "$T/loop$k.out" ||
			{ dump_tracerd; fail "loop $k: $(tr '\n' ' ' <"$T/loop$k.out")"; }
		n=$(find "$IN/loop$k" -mindepth 1 -maxdepth 1 -type d | wc -l)
		assert_eq "$n" "$1" "directories of loop $k"
	done
	"$PY" - "$TRACERD_LOG" "$IN" "$LOOPS" "$1" <<-'EOF' || fail "records: see above"
		import json, sys
		log, root, loops, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
		seen = {}
		for line in open(log, "rb"):
		    r = json.loads(line)
		    p = r.get("path") or ""
		    if p.startswith(root + "/loop") and p.count("/") == root.count("/") + 2:
		        seen[p] = seen.get(p, 0) + 1
		want = {"%s/loop%d/%d" % (root, k, i) for k in range(1, loops + 1) for i in range(n)}
		missing = sorted(want - set(seen))
		doubled = sorted(p for p, c in seen.items() if c > 1)
		if missing or doubled:
		    print("# missing %d (%s) doubled %d (%s)" % (len(missing), missing[:3],
		          len(doubled), doubled[:3]), file=sys.stderr)
		    sys.exit(1)
	EOF
}

