#!/usr/bin/env bash
# make bench, the policy file's row (issue 19): the allowed mkdir under a
# 100-rule policy against the /tmp-only default, tracerds side by side,
# ROUNDS interleaved rounds in rotating order on a tmpfs; prints the median
# of the per-round ratios (goal <= 1.05) and the syscalls per call of each
# daemon (strace -c -f over one loop; goal: none more). Variants:
#   default   no --policy, no --allow, no default file: /tmp
#   rules100  --policy: allow /tmp and 99 rules on other directories
#   exe100    the same with one exe= rule among the 99 (every call then
#             needs the program's executable: shown, not a goal)
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_POLICY_ROUNDS:-15}
N=${BENCH_POLICY_CALLS:-20000}
VARIANTS="default rules100 exe100"
bench_tmp notif-bench-pol
bench_tmpfs 256m
mkdir -p "$T/cfg" "$T/rules"

# policy FILE [EXE]: allow /tmp, then 99 rules on directories beside the
# measured ones (allow, deny with an errno, audit in turn), the last one
# with exe=EXE when given
policy() {
	local i d acts=("allow" "deny" "audit")
	echo "allow /tmp" >"$1"
	for ((i = 1; i < 100; i++)); do
		d=$T/rules/d$i
		mkdir -p "$d"
		case ${acts[i % 3]} in
		deny) echo "deny $d errno=EACCES" ;;
		*) echo "${acts[i % 3]} $d" ;;
		esac
	done >>"$1"
	[ -z "${2:-}" ] || sed -i "\$s|\$| exe=$2|" "$1"
}

# start VARIANT [ARGS...]: a tracerd on @notif-bench-pol-$$-VARIANT
start() {
	local v=$1 s=notif-bench-pol-$$-$1
	shift
	mkdir -p "$T/$v"
	bench_daemon "$s" "$T/$v.err" env XDG_CONFIG_HOME="$T/cfg" "$top/$B/tracerd" \
		--socket "$s" --log "$T/$v.jsonl" "$@" ||
		{ echo "policy bench: tracerd ($v) did not start: $(cat "$T/$v.err")" >&2; exit 1; }
	eval "PID_$v=$DPID"
}

# one VARIANT: ns per allowed mkdir; the log emptied after (the tmpfs)
one() {
	TRACERD_SOCKET=notif-bench-pol-$$-$1 NOTIF_AUTOSTART=0 LD_PRELOAD=$lib \
		"$bin/bench-loop" -n "$N" -d "$T/$1" mkdir 2>"$T/$1.loop-err" |
		awk '$1 == "mkdir" { print $2 }'
	: >"$T/$1.jsonl"
}

policy "$T/rules100.policy"
policy "$T/exe100.policy" /usr/bin/true
start default
start rules100 --policy "$T/rules100.policy"
start exe100 --policy "$T/exe100.policy"
declare -A ns
for ((r = 0; r < ROUNDS; r++)); do
	for v in $(bench_order "$r" default rules100 exe100); do
		ns[$v]=$(one "$v")
		[ -n "${ns[$v]}" ] ||
			{ echo "policy bench: round $r ($v) failed: $(cat "$T/$v.loop-err")" >&2; exit 1; }
	done
	echo "${ns[default]} ${ns[rules100]} ${ns[exe100]}"
done >"$T/rounds"
python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print("policy file, allowed mkdir (%d rounds of %s calls, tmpfs)" % (len(rows), sys.argv[2]))
names = ("/tmp default", "100 rules", "100 rules, one exe=")
for i, name in enumerate(names):
    med = statistics.median(r[i] for r in rows) / 1e3
    if i == 0:
        print("  %-22s %8.2f us  (median)" % (name, med))
        continue
    q = sorted(r[i] / r[0] for r in rows)
    goal = "" if i == 2 else ("  goal <= 1.05: %s" % ("PASS" if statistics.median(q) <= 1.05 else "MISS"))
    print("  %-22s %8.2f us  ratio to default: median %.3f (min %.3f, max %.3f)%s" %
          (name, med, statistics.median(q), q[0], q[-1], goal))
' "$T/rounds" "$N"

# syscalls per call of each daemon over one loop (strace counts them)
if command -v strace >/dev/null; then
	for v in $VARIANTS; do
		pid=PID_$v
		mkdir -p "$T/sc-$v"
		echo "  syscalls of tracerd per mkdir, $v: $(syscalls_per_call "${!pid}" \
			"notif-bench-pol-$$-$v" "$T/$v.jsonl" "$T/sc-$v")"
	done
fi
