#!/usr/bin/env bash
# make bench, issue 20: the deterministic figure beside the goal rows, the
# syscalls per call of the supervisor (tracerd, and the bench's facts
# floor), by name, for an allowed and a refused mkdir. Each supervisor
# runs under strace -f -ff (one trace per thread or process: the
# program's own calls are in a file of their own and not counted), once
# with N1 and once with N2 calls of bench-loop (the mkdir mode makes at
# least 4000: N1 >= 4000); the difference, divided by
# the difference in calls, leaves out start, handshake and exit.
# Prints "syscalls VARIANT CLASS TOTAL NAME=COUNT ..." lines (per call).
# Environment: B (build), BENCH_SYSCALLS_N1 (4000), BENCH_SYSCALLS_N2 (5000).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
N1=${BENCH_SYSCALLS_N1:-4000}
N2=${BENCH_SYSCALLS_N2:-5000}
command -v strace >/dev/null || { echo "syscalls: strace not installed, skipped"; exit 0; }
bench_tmp notif-bench-sys
SPID=	# the strace that runs tracerd (trace_tracerd)
cleanup() {
	[ -z "$SPID" ] || { kill -TERM "$(pgrep -P "$SPID")" "$SPID" 2>/dev/null; wait "$SPID"; }
	bench_cleanup
}
trap cleanup EXIT
bench_tmpfs 256m
mkdir -p "$T/allowed" "$T/denied"
SOCK=notif-bench-sys-$$

# loop N MODE: LOOP=(bench-loop for N calls of MODE)
loop() {
	LOOP=("$bin/bench-loop" -n "$1" -d "$T/allowed" -x "$T/denied/x" "$2")
}

# count DIR: "NAME COUNT" of the syscalls begun in the traces in DIR
count() {
	cat "$1"/* | awk 'match($0, /^[a-z0-9_]+\(/) { n[substr($0, 1, RLENGTH - 1)]++ }
		END { for (s in n) print s, n[s] }'
}

# tracerd under strace; the loop N MODE runs under the library
trace_tracerd() {
	local d=$T/st-tracerd-$2-$1
	mkdir -p "$d"
	strace -f -ff -qq -o "$d/t" "$top/$B/tracerd" --socket "$SOCK" \
		--log "$T/audit.jsonl" --allow "$T/allowed" 2>"$T/err" &
	SPID=$!
	for _ in $(seq 1 1000); do
		bench_listening "$SOCK" && break
		sleep 0.01
	done
	loop "$1" "$2"
	TRACERD_SOCKET=$SOCK NOTIF_AUTOSTART=0 LD_PRELOAD=$lib "${LOOP[@]}" |
		grep '^mkdircalls' >"$d.calls"
	kill -TERM "$(pgrep -P "$SPID")"	# the daemon, strace's child: strace then ends
	wait "$SPID"
	SPID=
	count "$d" >"$d.count"
}

# the facts floor (bench-sup -s facts) under strace: its own trace only
trace_facts() {
	local d=$T/st-facts-$2-$1 sup
	mkdir -p "$d"
	loop "$1" "$2"
	strace -f -ff -qq -o "$d/t" "$bin/bench-sup" -s facts -l "$T/sup.log" -A "$T/allowed" \
		-- "${LOOP[@]}" | grep '^mkdircalls' >"$d.calls"
	sup=$(grep -l 'execve(".*bench-sup"' "$d"/t.* | head -n 1)
	mkdir -p "$d.own"
	mv "$sup" "$d.own/"
	count "$d.own" >"$d.count"
}

for v in tracerd facts; do
	for m in mkdir denied; do
		for n in "$N1" "$N2"; do
			"trace_$v" "$n" "$m"
		done
		python3 - "$v" "$m" "$T/st-$v-$m-$N1" "$T/st-$v-$m-$N2" <<'EOF'
import sys
v, m, a, b = sys.argv[1:5]
def load(p):
    calls = int(open(p + ".calls").read().split()[1])
    cnt = {}
    for line in open(p + ".count"):
        name, n = line.split()
        cnt[name] = int(n)
    return calls, cnt
ca, xa = load(a)
cb, xb = load(b)
per = {s: (xb.get(s, 0) - xa.get(s, 0)) / (cb - ca) for s in set(xa) | set(xb)}
per = {s: x for s, x in per.items() if x >= 0.05}
names = " ".join("%s=%.2g" % (s, per[s]) for s in sorted(per, key=lambda s: -per[s]))
print("syscalls %s %s %.1f %s" % (v, "allowed" if m == "mkdir" else "refused",
                                    sum(per.values()), names))
EOF
	done
done
