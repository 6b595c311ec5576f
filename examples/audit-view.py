#!/usr/bin/python3
"""Views of a tracerd audit log (JSON Lines) for the walkthroughs.

usage: audit-view.py LOG group      what was created, grouped by directory
       audit-view.py LOG table      one line per call, in log order
       audit-view.py LOG events     the daemon's events (start, attach, ...)
       audit-view.py LOG pids       attach events and the pids of the calls
       audit-view.py LOG denied     the denied records, as logged
       audit-view.py LOG summary    counts by decision and by program

Every view reads the records the issue defines: calls have `syscall`,
`path`, `resolved`, `decision`, `errno`, `reason`, `pid`, `comm`; events have
`event`, `pid`, `reason`.
"""
import collections
import json
import os
import sys


def load(path):
    calls, events = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                sys.exit(f"audit-view: {path}:{n}: not JSON: {e}")
            (calls if "syscall" in rec else events).append(rec)
    return calls, events


def outcome(r):
    s = r["decision"] + ": " + (r.get("errno") or "created")
    if r.get("reason"):
        s += f" ({r['reason']})"
    return s


def full_path(r):
    """The canonical path when tracerd resolved it, else the path as given."""
    if r.get("resolved"):
        return r["resolved"]
    p = r["path"]
    return p if p.startswith("/") else os.path.join(r.get("cwd") or "?", p)


def group(calls, _events):
    """Per directory: each name tried, with its outcome, how often and by
    which programs (mkdir -p tries every ancestor: those are the EEXISTs)."""
    dirs = collections.defaultdict(dict)
    for r in calls:
        d, leaf = os.path.split(full_path(r).rstrip("/") or "/")
        seen = dirs[d].setdefault((leaf, outcome(r)), [0, []])
        seen[0] += 1
        if r["comm"] not in seen[1]:
            seen[1].append(r["comm"])
    for d in sorted(dirs):
        print(f"  {d.rstrip('/')}/")
        w = max(len(leaf) for leaf, _ in dirs[d])
        ow = max(len(out) for _, out in dirs[d])
        for (leaf, out), (n, comms) in dirs[d].items():
            print(f"      {leaf:<{w}}  {out:<{ow}}  x{n} by {', '.join(comms)}")
    summary(calls)


def summary(calls):
    by = collections.Counter(r["decision"] for r in calls)
    procs = {r["pid"] for r in calls}
    comms = sorted({r["comm"] for r in calls})
    counts = ", ".join(f"{n} {d}" for d, n in sorted(by.items()))
    print(f"  {len(calls)} attempts ({counts or 'none'}) by {len(procs)} processes: "
          + " ".join(comms))


def table(calls, _events):
    for r in calls:
        print(f"  {r['decision']:<9} {r.get('errno') or '-':<7} {r['syscall']:<8} "
              f"{full_path(r):<56} {r['comm']}[{r['pid']}]"
              + (f"  reason: {r['reason']}" if r.get("reason") else ""))
    summary(calls)


def events(_calls, evs):
    for e in evs:
        extra = "".join(f" {k}={e[k]}" for k in ("pid", "reason") if e.get(k) is not None)
        print(f"  {e['event']}{extra}")


def pids(calls, evs):
    attach = [e for e in evs if e["event"] == "attach"]
    print(f"  attach events: {len(attach)}: pid "
          + " ".join(str(e.get("pid")) for e in attach))
    seen = []
    for r in calls:
        if r["pid"] not in seen:
            seen.append(r["pid"])
    print(f"  processes whose mkdir calls were answered: {len(seen)}: "
          + " ".join(str(p) for p in seen))


def denied(calls, _events):
    for r in calls:
        if r["decision"] == "denied":
            print("  " + json.dumps(r, ensure_ascii=False, separators=(",", ":")))


def summary_view(calls, _events):
    summary(calls)
    by = collections.Counter((r["comm"], r["decision"], r.get("errno")) for r in calls)
    for (comm, dec, err), n in sorted(by.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        print(f"      {comm:<16} {dec:<9} {err or '-':<7} x{n}")


VIEWS = {"group": group, "table": table, "events": events, "pids": pids,
         "denied": denied, "summary": summary_view}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in VIEWS:
        sys.exit(__doc__)
    VIEWS[sys.argv[2]](*load(sys.argv[1]))
