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
	local k p n allow=${2:-}
	for p in "${LOOP_PIDS[@]}"; do
		wait "$p" || fail "a looping program exited $?: $(cat "$T"/loop*.out)"
	done
	for ((k = 1; k <= LOOPS; k++)); do
		grep -qx "done $1 0" "$T/loop$k.out" || [ -n "$allow" ] ||
			{ dump_tracerd; fail "loop $k: $(tr '\n' ' ' <"$T/loop$k.out")" \
				"$(tr '\n' ' ' <"$IN/loop$k.err" 2>/dev/null)"; }
		n=$(find "$IN/loop$k" -mindepth 1 -maxdepth 1 -type d | wc -l)
		assert_eq "$n" "$1" "directories of loop $k"
	done
	"$PY" - "$TRACERD_LOG" "$IN" "$LOOPS" "$1" "$T" "$allow" <<-'EOF' || fail "records: see above"
		import json, re, sys
		log, root, loops, n, t, allow = sys.argv[1:7]
		loops, n = int(loops), int(n)
		seen, rec = {}, {}
		for line in open(log, "rb"):
		    r = json.loads(line)
		    p = r.get("path") or ""
		    if p.startswith(root + "/loop") and p.count("/") == root.count("/") + 2:
		        seen[p] = seen.get(p, 0) + 1
		        rec[p] = r
		want = {"%s/loop%d/%d" % (root, k, i) for k in range(1, loops + 1) for i in range(n)}
		missing = sorted(want - set(seen))
		doubled = sorted(p for p, c in seen.items() if c > 1)
		if missing or doubled:
		    print("# missing %d (%s) doubled %d (%s)" % (len(missing), missing[:3],
		          len(doubled), doubled[:3]), file=sys.stderr)
		    sys.exit(1)
		# Killed between its mkdir and the slot's CREATED (the window the
		# issue accepts), a call is handled again and answers EEXIST: only
		# then may a program see a failure, and its record says so.
		windows = 0
		for k in range(1, loops + 1):
		    out = open("%s/loop%d.out" % (t, k)).read()
		    for m in re.finditer(r"^fail (\d+)", out, re.M):
		        r = rec["%s/loop%d/%s" % (root, k, m.group(1))]
		        if not allow or r.get("errno") != "EEXIST" or r.get("recovered") is not True:
		            print("# loop %d: call %s failed, its record: %s" % (k, m.group(1), r),
		                  file=sys.stderr)
		            sys.exit(1)
		        windows += 1
		if windows:
		    print("# %d calls in the window killed between mkdir and its slot: EEXIST, "
		          "recovered records" % windows)
	EOF
}

