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
# shellcheck source=tests/bench/syscount.sh
. "$(dirname "$0")/syscount.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
B=${B:-build}
bin=$top/$B/bench
lib=$top/$B/libnotif.so
ROUNDS=${BENCH_POLICY_ROUNDS:-15}
N=${BENCH_POLICY_CALLS:-20000}
VARIANTS="default rules100 exe100"
T=$(mktemp -d /tmp/notif-bench-pol.XXXXXX) || exit 1
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null; done
	wait 2>/dev/null
	mountpoint -q "$T" && umount -l "$T"
	rm -rf "$T"
}
trap cleanup EXIT
chmod 0755 "$T"
[ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256m,mode=0755 notif-bench-pol "$T"
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
	local v=$1 i
	shift
	mkdir -p "$T/$v"
	XDG_CONFIG_HOME=$T/cfg "$top/$B/tracerd" --socket "notif-bench-pol-$$-$v" \
		--log "$T/$v.jsonl" "$@" 2>"$T/$v.err" &
	PIDS+=($!)
	eval "PID_$v=$!"
	for ((i = 0; i < 500; i++)); do
		grep -q "@notif-bench-pol-$$-$v\$" /proc/net/unix 2>/dev/null && return 0
		sleep 0.01
	done
	echo "policy bench: tracerd ($v) did not start: $(cat "$T/$v.err")" >&2
	exit 1
}

# one VARIANT: ns per allowed mkdir; the log emptied after (the tmpfs)
one() {
	TRACERD_SOCKET=notif-bench-pol-$$-$1 LD_PRELOAD=$lib \
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
	case $((r % 3)) in
	0) order="default rules100 exe100" ;;
	1) order="exe100 default rules100" ;;
	*) order="rules100 exe100 default" ;;
	esac
	((r % 2)) && order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
	for v in $order; do
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
