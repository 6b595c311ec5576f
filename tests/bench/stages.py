#!/usr/bin/python3
"""The stage table of tests/bench/stages.sh.

usage: stages.py LINES
LINES: "stage ROUND CLASS STAGE CALLS TOTAL_NS" (the instrumented daemon's
exit dump) and "loop ROUND DAEMON MODE NS_PER_CALL" (bench-loop's own
figure, DAEMON plain or stages). Per stage: the median over the rounds of
the mean ns per call, and its share of the sum of the medians."""
import statistics
import sys
from collections import defaultdict

STAGES = [
    ("facts", "facts: status, userns, exe, cwd; ID_VALID"),
    ("path", "path read (process_vm_readv)"),
    ("resolve", "resolution (resolve_parent)"),
    ("ancestry", "ancestry: nearest rule (within)"),
    ("policy", "policy (policy_decide)"),
    ("probe", "kernel's errno: probe, predict"),
    ("create", "creation (mkdirat as the target)"),
    ("record", "record: claim, format, write"),
    ("answer", "answer (NOTIF_SEND)"),
    ("other", "other: in-flight slot, rules ref"),
]
CLASSES = [("created", "allowed"), ("refused", "refused")]


def load(path):
    per = defaultdict(lambda: defaultdict(dict))  # class -> stage -> round -> ns/call
    loops = defaultdict(lambda: defaultdict(dict))  # mode -> daemon -> round -> ns
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "stage" and len(w) == 6 and int(w[4]) > 0:
                per[w[2]][w[3]][w[1]] = int(w[5]) / int(w[4])
            elif w[0] == "loop" and len(w) == 5:
                loops[w[3]][w[2]][w[1]] = float(w[4])
    return per, loops


def med(d):
    return statistics.median(d.values()) if d else 0.0


def table(per):
    meds = {c: {s: med(per[c][s]) for s, _ in STAGES} for c, _ in CLASSES}
    sums = {c: sum(meds[c].values()) or 1.0 for c, _ in CLASSES}
    print("%-36s %10s %6s %10s %6s" % ("stage", "allowed ns", "share", "refused ns", "share"))
    for s, text in STAGES:
        print("%-36s %10.0f %5.1f%% %10.0f %5.1f%%" % (
            text, meds["created"][s], 100 * meds["created"][s] / sums["created"],
            meds["refused"][s], 100 * meds["refused"][s] / sums["refused"]))
    print("%-36s %10.0f %6s %10.0f" % ("sum (in tracerd, RECV to SEND)", sums["created"], "",
                                       sums["refused"]))


def ratios(loops):
    print()
    print("the program's whole call, median over the rounds (ns): plain tracerd, "
          "instrumented, ratio")
    for mode, text in (("mkdir", "allowed"), ("denied", "refused")):
        plain, inst = loops[mode]["plain"], loops[mode]["stages"]
        rs = [inst[r] / plain[r] for r in inst if r in plain and plain[r] > 0]
        print("  %-8s %10.0f %10.0f %8s" % (text, med(plain), med(inst),
                                            "%.3f" % statistics.median(rs) if rs else "n/a"))


def main():
    per, loops = load(sys.argv[1])
    if not per.get("created") or not per.get("refused"):
        print("stages: no stage figures (did the instrumented daemon run?)")
        return 1
    table(per)
    ratios(loops)
    return 0


if __name__ == "__main__":
    sys.exit(main())
