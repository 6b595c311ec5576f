#!/bin/bash
# fork-tree.sh: one listener covers a whole process tree. build/fork-tree
# forks children that exec it again (two levels, two per level) plus one
# child that execs coreutils' mkdir; every process makes a directory. Only
# the root does the handshake with tracerd (one `attach` event): the others
# inherit its filter through fork and exec, and libnotif's constructor in
# each exec'd program sees the filter (the probe syscall) and stays quiet.
# The audit log shows calls from every pid of the tree under that attach.
#
# Usage: examples/fork-tree.sh        (after `make examples`)
# shellcheck source=examples/lib.sh
. "$(dirname "$0")/lib.sh"
ex_init fork-tree
[ -x "$B/fork-tree" ] || ex_die "$B/fork-tree is missing: run make examples"

mkdir "$EX/tree"
ex_start
ex_say "fork-tree under libnotif.so (depth 2, width 2, plus /bin/mkdir)"
ex_run "$B/fork-tree" "$EX/tree" 2 2 >"$EX/out.txt" || ex_die "fork-tree failed"
sed 's/^/  /' "$EX/out.txt"
ex_stop

ex_say "the daemon's events"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" events
ex_say "one attach, every process of the tree"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" pids
ex_py "$EX/out.txt" <<'PY'
import json, re, sys

log, out = sys.argv[1], sys.argv[2]
tree = {}  # pid -> ppid, from fork-tree's own lines
for line in open(out):
    m = re.match(r"fork-tree: pid (\d+) ppid (\d+)", line)
    if m:
        tree[int(m[1])] = int(m[2])
root = [p for p, pp in tree.items() if pp not in tree]
recs = [json.loads(l) for l in open(log) if l.strip()]
attach = [r for r in recs if r.get("event") == "attach"]
pids = {r["pid"] for r in recs if "syscall" in r}
ok = len(root) == 1 and len(attach) == 1 and attach[0].get("pid") == root[0]
ok = ok and pids == set(tree)
print(f"  tree: {len(tree)} processes, root {root}; attach pid(s) "
      f"{[a.get('pid') for a in attach]}; calls from {len(pids)} pids")
print("  => one listener (the root's attach) covered the whole tree" if ok else
      "  => MISMATCH: the log does not show one attach covering the tree")
sys.exit(0 if ok else 1)
PY
