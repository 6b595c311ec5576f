#!/usr/bin/env bash
# make bench, third part (issue 17): what supervision costs a process
# tree that spawns, and what the first program's start costs.
#   - 1 000 x /bin/true from one shell: native, under notif-run (the
#     filter only: no preload) and under LD_PRELOAD (ld.so loads the
#     library in every exec), ROUNDS interleaved rounds in rotating order,
#     the median of the per-round ratios to native;
#   - syscalls per exec of that loop (strace -c -f, every process);
#   - the first program's start: `notif-run /bin/true` with a running
#     tracerd (warm) and with none, autostarted (cold), against native.
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
run=$top/$B/notif-run
ROUNDS=${BENCH_SPAWN_ROUNDS:-15}
N=${BENCH_SPAWN_N:-1000}
bench_tmp notif-bench-sp
SOCK=notif-bench-sp-$$
bench_daemon "$SOCK" "$T/err" "$top/$B/tracerd" --socket "$SOCK" --log "$T/audit.jsonl" ||
	{ echo "spawn bench: tracerd did not start" >&2; exit 1; }
export TRACERD_SOCKET=$SOCK NOTIF_AUTOSTART=0	# only start-cold autostarts

LOOP="for i in \$(seq $N); do /bin/true; done"
now() { date +%s%N; }
# one VARIANT: the loop once; its wall time in ns
once() {
	local t0 t1
	t0=$(now)
	case $1 in
	native) sh -c "$LOOP" ;;
	notif-run) "$run" sh -c "$LOOP" ;;
	preload) LD_PRELOAD=$lib sh -c "$LOOP" ;;
	start-native) /bin/true ;;
	start-warm) "$run" /bin/true ;;
	start-cold) TRACERD_SOCKET=notif-bench-cold-$$-$2 NOTIF_AUTOSTART=1 NOTIF_AUTOSTART_IDLE=1 \
		"$run" /bin/true ;;
	esac
	t1=$(now)
	echo $((t1 - t0))
}

# rounds VARIANT...: ROUNDS rounds, the order rotating; per-round times in
# $T/VARIANT
rounds() {
	local r k v vs=("$@") n=$#
	for v in "${vs[@]}"; do : >"$T/$v"; done
	for ((r = 0; r < ROUNDS; r++)); do
		for ((k = 0; k < n; k++)); do
			v=${vs[$(((r + k) % n))]}
			once "$v" "$r" >>"$T/$v" || return 1
		done
	done
}

# ratio VARIANT BASE: the median of the per-round ratios
ratio() {
	paste "$T/$1" "$T/$2" | awk '{ print $1 / $2 }' | sort -g |
		awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
			printf "%.3f", m }'
}
median_ms() {
	sort -n "$T/$1" | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1e6 }'
}

# syscalls VARIANT: total syscalls of every process of the loop, per exec
syscalls() {
	local cmd
	case $1 in
	native) cmd=(sh -c "$LOOP") ;;
	notif-run) cmd=("$run" sh -c "$LOOP") ;;
	preload) cmd=(env LD_PRELOAD="$lib" sh -c "$LOOP") ;;
	esac
	strace -f -c -o "$T/strace.$1" "${cmd[@]}" >/dev/null 2>&1 || return 1
	awk -v n="$N" '$NF == "total" { printf "%.1f", $4 / n }' "$T/strace.$1"
}

echo "spawn bench: $N x /bin/true from one shell, $ROUNDS interleaved rounds (median ratio to native)"
rounds native notif-run preload || { echo "spawn bench: a run failed" >&2; exit 1; }
printf '  %-28s %10s %8s\n' variant "median ms" ratio
printf '  %-28s %10s %8s\n' native "$(median_ms native)" 1.000
printf '  %-28s %10s %8s\n' "notif-run (filter only)" "$(median_ms notif-run)" "$(ratio notif-run native)"
printf '  %-28s %10s %8s\n' "LD_PRELOAD=libnotif.so" "$(median_ms preload)" "$(ratio preload native)"
if command -v strace >/dev/null; then
	printf '  syscalls per exec (strace -c -f): native %s, notif-run %s, LD_PRELOAD %s\n' \
		"$(syscalls native)" "$(syscalls notif-run)" "$(syscalls preload)"
else
	echo "  syscalls per exec: strace is not installed"
fi
echo "first program's start: notif-run /bin/true, $ROUNDS interleaved rounds"
rounds start-native start-warm start-cold || { echo "spawn bench: a start failed" >&2; exit 1; }
printf '  %-28s %10s %8s\n' "native /bin/true" "$(median_ms start-native)" 1.000
printf '  %-28s %10s %8s\n' "warm (tracerd running)" "$(median_ms start-warm)" \
	"$(ratio start-warm start-native)"
printf '  %-28s %10s %8s\n' "cold (autostart)" "$(median_ms start-cold)" \
	"$(ratio start-cold start-native)"
