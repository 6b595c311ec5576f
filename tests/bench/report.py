#!/usr/bin/python3
"""The table of `make bench`: medians and min-max per (variant, metric) and
the goals of issue 7, each a median of ratios computed within one round.

usage: report.py RES.tsv NOTES [syscalls=FILE] HEADER-LINE...
FILE: syscalls.sh's per-call counts, shown beside issue 20's rows.
RES.tsv lines: round <TAB> variant <TAB> metric <TAB> value (ns, calls/s,
KiB or a count)."""
import statistics
import sys
from collections import defaultdict

LABEL = {
    "native": "native",
    "allowall": "allow-all filter",
    "floor": "floor supervisor",
    "facts": "floor + required facts",
    "tracerd": "tracerd + libnotif.so",
    "seed": "seed-style supervisor",
    "strace": "strace --seccomp-bpf",
    "minshim": "minimal handoff",
}

# (title, metric, unit, divisor, variants)
ROWS = [
    ("getpid", "getpid", "ns", 1, ["native", "allowall", "floor", "tracerd"]),
    ("mkdir allowed (fresh)", "mkdir", "us", 1e3,
     ["native", "floor", "facts", "tracerd", "seed", "strace"]),
    ("mkdir EEXIST", "eexist", "us", 1e3,
     ["native", "floor", "facts", "tracerd", "seed", "strace"]),
    ("mkdir denied (EPERM)", "denied", "us", 1e3, ["floor", "facts", "tracerd", "seed"]),
    ("start /bin/true", "start", "ms", 1e6, ["native", "minshim", "tracerd"]),
]
TP_NS = (1, 8, 64)

# (text, metric, numerator, denominator, op, bound)
GOALS = [
    ("getpid: libnotif / allow-all", "getpid", "tracerd", "allowall", "<=", 1.03),
    ("mkdir: tracerd / floor (aim 1.5)", "mkdir", "tracerd", "floor", "<=", 2.0),
    ("mkdir: tracerd / strace (aim 0.67)", "mkdir", "tracerd", "strace", "<=", 1.0),
    ("mkdir: seed-style / tracerd", "mkdir", "seed", "tracerd", ">=", 5.0),
    ("denied: tracerd / floor deny", "denied", "tracerd", "floor", "<=", 2.0),
    ("start: libnotif / native", "start", "tracerd", "native", "<=", 1.25),
    ("throughput 8 progs: tracerd / floor", "tp8_cps", "tracerd", "floor", ">=", 0.8),
]
RSS_GOAL_MIB = 4.0

# Issue 20's rows: tracerd against the facts floor (the least a correct
# supervisor reads per call), each a median of per-round ratios; bound
# None is context, not a goal. (text, metric, numerator, denominator, op,
# bound, the syscalls per call shown beside it: (variant, class) pairs)
GOALS20 = [
    ("allowed mkdir: tracerd / facts floor", "mkdir", "tracerd", "facts", "<=", 1.10,
     [("tracerd", "allowed"), ("facts", "allowed")]),
    ("refused mkdir: tracerd / facts floor", "denied", "tracerd", "facts", "<=", 1.20,
     [("tracerd", "refused"), ("facts", "refused")]),
    ("strace --seccomp-bpf / tracerd", "mkdir", "strace", "tracerd", ">=", 1.5, []),
    ("getpid: libnotif / allow-all", "getpid", "tracerd", "allowall", "<=", 1.03, []),
    ("facts floor / bare floor (context)", "mkdir", "facts", "floor", None, None, []),
]

# Context, not goals: how much of tracerd's gaps the floors with what the
# rules require (the per-call facts; the start handoff) account for.
# (text, metric, a, b, op): op "/" is the median of the per-round a/b, "-"
# the median of the per-round a-b in us.
CONTEXT = [
    ("mkdir: tracerd / floor+facts", "mkdir", "tracerd", "facts", "/"),
    ("denied: tracerd / floor+facts deny", "denied", "tracerd", "facts", "/"),
    ("mkdir: floor+facts / floor", "mkdir", "facts", "floor", "/"),
    ("mkdir: floor+facts - floor (us)", "mkdir", "facts", "floor", "-"),
    ("mkdir: tracerd - floor+facts (us)", "mkdir", "tracerd", "facts", "-"),
    ("throughput 8: tracerd / floor+facts", "tp8_cps", "tracerd", "facts", "/"),
    ("start: minimal handoff / native", "start", "minshim", "native", "/"),
    ("start: libnotif / minimal handoff", "start", "tracerd", "minshim", "/"),
    ("start: libnotif - minimal handoff (us)", "start", "tracerd", "minshim", "-"),
]


def load(path):
    vals = defaultdict(dict)  # (variant, metric) -> {round: value}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            rnd, var, metric, value = parts
            vals[(var, metric)][rnd] = float(value)
    return vals


def fmt(v, unit):
    if unit == "/s":
        return "%.0f" % v
    if v >= 100:
        return "%.0f" % v
    return "%.2f" % v if v < 10 else "%.1f" % v


def table(vals):
    print("%-26s %-24s %10s  %-21s %3s" % ("test", "variant", "median", "min-max", "n"))
    for title, metric, unit, div, variants in ROWS:
        first = True
        for var in variants:
            got = list(vals.get((var, metric), {}).values())
            if got:
                xs = [x / div for x in got]
                med = "%s %s" % (fmt(statistics.median(xs), unit), unit)
                rng = "%s-%s" % (fmt(min(xs), unit), fmt(max(xs), unit))
                cnt = str(len(xs))
            else:
                med, rng, cnt = "n/a", "", "0"
            print("%-26s %-24s %10s  %-21s %3s" % (title if first else "", LABEL[var],
                                                   med.strip(), rng, cnt))
            first = False


def med_range(xs, div, unit):
    if not xs:
        return "n/a", ""
    xs = [x / div for x in xs]
    return fmt(statistics.median(xs), unit), "%s-%s" % (fmt(min(xs), unit), fmt(max(xs), unit))


def throughput(vals):
    print()
    print("%-30s %16s  %-15s %10s %10s" % ("throughput (mkdir+rmdir loops)", "calls/s median",
                                          "min-max", "p50 us", "p99 us"))
    for n in TP_NS:
        for var in ("floor", "facts", "tracerd"):
            if var == "facts" and (var, "tp%d_cps" % n) not in vals:
                continue
            def get(m):
                return list(vals.get((var, "tp%d_%s" % (n, m)), {}).values())
            cps, rng = med_range(get("cps"), 1, "/s")
            p50, _ = med_range(get("p50"), 1e3, "us")
            p99, _ = med_range(get("p99"), 1e3, "us")
            print("%-30s %16s  %-15s %10s %10s" % ("N=%-3d %s" % (n, LABEL[var]), cps, rng,
                                                    p50, p99))


def memory(vals):
    print()
    for var in ("floor", "tracerd"):
        cnt = list(vals.get((var, "attached_n"), {}).values())
        for what, n in (("baseline", "0"), ("attached", "%d" % cnt[0] if cnt else "N")):
            rss = list(vals.get((var, what + "_rss_kib"), {}).values())
            fds = list(vals.get((var, what + "_fds"), {}).values())
            print("%-22s %4s idle programs attached: %s" % (
                LABEL[var], n, "RSS %.0f KiB, %.0f fds" % (rss[0], fds[0]) if rss and fds
                else "n/a"))
    print("(the floor's fds include one pidfd per program)")


def verdict(x, op, bound):
    ok = x <= bound if op == "<=" else x >= bound
    return "PASS" if ok else "MISS"


def goals(vals):
    print()
    print("%-38s %8s  %-15s %-8s %s" % ("goal (median of per-round ratios)", "ratio",
                                         "min-max", "bound", "result"))
    for text, metric, num, den, op, bound in GOALS:
        a = vals.get((num, metric), {})
        b = vals.get((den, metric), {})
        ratios = [a[r] / b[r] for r in a if r in b and b[r] > 0]
        if not ratios:
            print("%-38s %8s  %-15s %-8s %s" % (text, "n/a", "", "%s %g" % (op, bound), "n/a"))
            continue
        med = statistics.median(ratios)
        print("%-38s %8.2f  %-15s %-8s %s" % (text, med, "%.2f-%.2f" % (min(ratios), max(ratios)),
                                               "%s %g" % (op, bound), verdict(med, op, bound)))
    rss = list(vals.get(("tracerd", "attached_rss_kib"), {}).values())
    if rss:
        mib = rss[0] / 1024
        print("%-38s %8s  %-15s %-8s %s" % ("tracerd RSS, idle programs (MiB)", "%.2f" % mib, "",
                                             "<= %g" % RSS_GOAL_MIB,
                                             verdict(mib, "<=", RSS_GOAL_MIB)))
    else:
        print("%-38s %8s  %-15s %-8s %s" % ("tracerd RSS, idle programs (MiB)", "n/a", "",
                                             "<= %g" % RSS_GOAL_MIB, "n/a"))


def load_syscalls(path):
    """ "syscalls VARIANT CLASS TOTAL NAME=N ..." lines of syscalls.sh."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 4 and w[0] == "syscalls":
                    out[(w[1], w[2])] = (w[3], " ".join(w[4:]))
    except OSError:
        pass
    return out


def goals20(vals, sysc):
    print()
    print("issue 20 (median of per-round ratios)     ratio  min-max    rounds  bound    result")
    for text, metric, num, den, op, bound, sc in GOALS20:
        xs = per_round(vals, metric, num, den, "/")
        bnd = "%s %g" % (op, bound) if bound else "-"
        if not xs:
            print("%-38s %8s  %-12s %4d  %-8s %s" % (text, "n/a", "", 0, bnd, "n/a"))
            continue
        med = statistics.median(xs)
        print("%-38s %8.2f  %-12s %4d  %-8s %s" % (
            text, med, "%.2f-%.2f" % (min(xs), max(xs)), len(xs), bnd,
            verdict(med, op, bound) if bound else "context"))
        for var, cls in sc:
            total, names = sysc.get((var, cls), ("n/a", ""))
            print("    syscalls per call, %-7s %-7s %5s  %s" % (
                "tracerd" if var == "tracerd" else "floor", cls, total, names))


def per_round(vals, metric, a, b, op):
    x = vals.get((a, metric), {})
    y = vals.get((b, metric), {})
    if op == "-":
        return [(x[r] - y[r]) / 1e3 for r in x if r in y]
    return [x[r] / y[r] for r in x if r in y and y[r] > 0]


def context(vals):
    print()
    print("%-38s %8s  %-15s" % ("context, not goals (per-round median)", "value", "min-max"))
    for text, metric, a, b, op in CONTEXT:
        xs = per_round(vals, metric, a, b, op)
        if not xs:
            print("%-38s %8s" % (text, "n/a"))
            continue
        print("%-38s %8.2f  %-15s" % (text, statistics.median(xs),
                                      "%.2f-%.2f" % (min(xs), max(xs))))


def main():
    res, notes = sys.argv[1], sys.argv[2]
    print("== make bench: libnotif + tracerd side by side ==")
    for line in sys.argv[3:]:
        if not line.startswith("syscalls="):
            print(line)
    print("floor: 1 thread, process_vm_readv + ID_VALID + mkdir + one write(2) + SEND, "
          "SYNC_WAKE_UP; poll(2) on one program (keeps SYNC_WAKE_UP's CPU), epoll for N > 1")
    print("floor + required facts: the floor plus, per call, /proc/TID/status in full (umask, ids, "
          "CapEff, comm), readlinkat exe and cwd on kept /proc fds, mkdir under the target's umask, "
          "a record with uid/exe/comm/cwd; no resolution, no ancestry check")
    print("seed-style: the same with open/lseek/read/close of /proc/PID/mem, no SYNC_WAKE_UP")
    print("minimal handoff: a preload library doing only NO_NEW_PRIVS + the project's filter "
          "(product flags) + connect + send the listener + 1-byte ack; the server sets "
          "SYNC_WAKE_UP, closes the listener, acks (minshim.c, bench-minsrv)")
    print("one run's value: median over its blocks (>= 20) of the per-call time; mkdir excludes "
          "the rmdir that empties each batch")
    print("denied: a path whose parent exists outside the allowed root (EPERM under every "
          "supervisor)")
    print()
    vals = load(res)
    table(vals)
    throughput(vals)
    memory(vals)
    goals(vals)
    context(vals)
    if len(sys.argv) > 3 and sys.argv[3].startswith("syscalls="):
        goals20(vals, load_syscalls(sys.argv[3][len("syscalls="):]))
    with open(notes) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    if lines:
        print()
        print("notes:")
        for l in lines:
            print("  " + l)


if __name__ == "__main__":
    main()
