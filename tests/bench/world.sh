#!/usr/bin/env bash
# make bench, issue 20: tracerd beside two floors of the bench in one run,
# as root and as uid 65534 (tracerd is a per-user daemon; an unprivileged
# program has no capabilities). Side by side:
#   facts    bench-sup -s facts: per call the target's status, exe and cwd
#            on kept /proc fds, the mkdir under its umask, one record
#   world    bench-sup -s world: the same plus the target's root (statx of
#            /proc/TID/root) and, when CapEff != 0, its user namespace
#            (readlinkat of /proc/TID/ns/user), each compared with its own
#   tracerd  tracerd + libnotif.so, own abstract socket, --log, --allow
# As 65534 the supervisors, tracerd and the programs all run under setpriv
# --reuid 65534 --regid 65534 --clear-groups, tracerd without HOME.
# WORLD_ROUNDS interleaved rounds (15), the order rotating per round,
# WORLD_CALLS calls per loop (20000); modes mkdir (allowed), denied
# (EPERM, parent outside the allowed directory) and erofs (a refusal with
# the kernel's own errno: tracerd's mkdir on a read-only bind mount outside
# the allowed directory, EROFS; the floors, which never ask the kernel,
# refuse as in denied). Prints per user and mode
# the median us of each, the medians (min-max) of the per-round ratios
# tracerd/facts, tracerd/world, world/facts, and syscalls per call (below).
#   [B=build] bash tests/bench/world.sh     (as root; exit 1: a loop failed)
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${WORLD_ROUNDS:-15}
N=${WORLD_CALLS:-20000}
MODES="mkdir denied erofs"
bench_need "world bench" "make B=$B all bench-bins" \
	"$top/$B/tracerd" "$bin/bench-loop" "$bin/bench-sup" "$lib"
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "world bench: skipped (needs root and setpriv)"
	exit 0
fi
USERS="0 65534"
bench_tmp notif-bench-world
bench_tmpfs 256m || exit 1

# AS=(the prefix that runs a command as user U)
as() {
	AS=()
	[ "$1" = 0 ] || AS=(setpriv --reuid "$1" --regid "$1" --clear-groups)
}

# start U: user U's tracerd on @notif-bench-world-$$-U, its files in $T/uU
# (owned by U), no HOME nor XDG_* (--socket, --log, --allow: it needs none)
start() {
	local u=$1 d=$T/u$1 s=notif-bench-world-$$-$1
	as "$u"
	mkdir -p "$d/allow" "$d/out" "$d/rosrc" "$d/ro"
	chown -R "$u:$u" "$d"
	mount --bind "$d/rosrc" "$d/ro" && mount -o remount,bind,ro "$d/ro" || exit 1
	bench_daemon "$s" "$d/tracerd.err" \
		env -u HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR "${AS[@]}" \
		"$top/$B/tracerd" --socket "$s" --log "$d/tracerd.jsonl" --allow "$d/allow" || {
		echo "world bench: tracerd as uid $u did not start: $(cat "$d/tracerd.err")" >&2
		exit 1
	}
	eval "PID_$u=$DPID"
}

# cmd U VARIANT MODE [N]: CMD=(bench-loop MODE as user U, under the
# supervisor VARIANT, which wraps the loop, or under U's tracerd, no autostart);
# LM: the loop's own mode (a floor's erofs is its denied)
cmd() {
	local d=$T/u$1 x=$T/u$1/out/x
	LM=$3
	if [ "$3" = erofs ]; then
		if [ "$2" = tracerd ]; then x=$d/ro/x; else LM=denied; fi
	fi
	local L=("$bin/bench-loop" -n "${4:-$N}" -g 1 -d "$d/allow" -x "$x" "$LM")
	as "$1"
	case $2 in
	tracerd) CMD=("${AS[@]}" env TRACERD_SOCKET="notif-bench-world-$$-$1" \
		NOTIF_AUTOSTART=0 LD_PRELOAD="$lib" "${L[@]}") ;;
	*) CMD=("${AS[@]}" "$bin/bench-sup" -s "$2" -l "$d/$2.log" -A "$d/allow" -- "${L[@]}") ;;
	esac
}

# log U VARIANT: the file holding VARIANT's records
log() { if [ "$2" = tracerd ]; then echo "$T/u$1/tracerd.jsonl"; else echo "$T/u$1/$2.log"; fi; }

# one U VARIANT MODE: ns per call (nothing when the loop failed or its mkdir
# was not supervised); the log emptied after (the tmpfs)
one() {
	cmd "$1" "$2" "$3"
	"${CMD[@]}" 2>"$T/loop-err" | awk -v m="$LM" '$1 == m { v = $2 }
		$1 == "covered" && $2 == 1 { c = 1 } END { if (c && v != "") print v }'
	: >"$(log "$1" "$2")"
}

# records FILE: the calls answered (tracerd: its "syscall" records; the
# floors: one line per call)
records() {
	case $1 in
	*.jsonl) syscount_records "$1" ;;
	*) wc -l <"$1" 2>/dev/null || echo 0 ;;
	esac
}

# syscalls U VARIANT MODE: syscalls per call over one loop of 2000, divided
# by the records the loop added. tracerd: strace -c -f -p on the running
# daemon (syscount.sh's syscalls_during, as ab.sh). A floor: strace -c
# without -f on bench-sup (one thread; its child, the loop, not followed),
# less the count of a loop that makes no mkdir (getpid): bench-sup's (and
# setpriv's) start and exit.
syscalls() {
	local pid=PID_$1 out=$T/strace-$1-$2-$3 f before after
	f=$(log "$1" "$2")
	cmd "$1" "$2" "$3" 2000
	if [ "$2" = tracerd ]; then
		syscalls_during "${!pid}" "$f" "${CMD[@]}"
	else
		before=$(records "$f")
		strace -c -o "$out" "${CMD[@]}" >/dev/null 2>&1
		cmd "$1" "$2" getpid
		strace -c -o "$out.0" "${CMD[@]}" >/dev/null 2>&1
		after=$(records "$f")
		syscount_ratio "$before" "$after" \
			"$(($(syscount_total "$out") - $(syscount_total "$out.0")))"
	fi
	: >"$f"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
for u in $USERS; do start "$u"; done
VS=(facts world tracerd)
declare -A ns
for ((r = 0; r < ROUNDS; r++)); do
	order="${VS[r % 3]} ${VS[(r + 1) % 3]} ${VS[(r + 2) % 3]}"
	for u in $USERS; do
		for m in $MODES; do
			for v in $order; do
				ns[$v]=$(one "$u" "$v" "$m")
				[ -n "${ns[$v]}" ] || {
					echo "world bench: round $r, uid $u, mode $m, $v failed: $(cat "$T/loop-err")" >&2
					exit 1
				}
			done
			echo "$u $m ${ns[facts]} ${ns[world]} ${ns[tracerd]}"
		done
	done
done >"$T/rounds"
for u in $USERS; do
	for m in $MODES; do
		sc=("?" "?" "?")
		command -v strace >/dev/null &&
			sc=("$(syscalls "$u" facts "$m")" "$(syscalls "$u" world "$m")" \
				"$(syscalls "$u" tracerd "$m")")
		echo "$u $m ${sc[*]}"
	done
done >"$T/syscalls"
caps=$(for u in $USERS; do
	as "$u"
	printf 'uid %s %s, ' "$u" "$("${AS[@]}" grep -m1 '^CapEff:' /proc/self/status | cut -f2)"
done)
echo "world bench: $ROUNDS rounds of $N calls, order rotating, tmpfs, $(($(date +%s) - started)) s"
echo "load average at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "programs' CapEff: ${caps%, }"
python3 -c '
import statistics, sys
rounds = [l.split() for l in open(sys.argv[1])]
sc = {tuple(l.split()[:2]): l.split()[2:] for l in open(sys.argv[2])}
def rt(x):
    x = sorted(x)
    return "%.2f (%.2f-%.2f)" % (statistics.median(x), x[0], x[-1])
print("%-6s %-7s %6s %6s %7s  %-17s %-17s %-17s %s" % ("uid", "mode", "facts", "world",
      "tracerd", "tracerd/facts", "tracerd/world", "world/facts", "sc: facts world tracerd"))
for u in sys.argv[3].split():
    for m in sys.argv[4].split():
        f, w, t = ([float(r[i]) for r in rounds if r[:2] == [u, m]] for i in (2, 3, 4))
        us = ["%.2f" % (statistics.median(x) / 1e3) for x in (f, w, t)]
        q = [rt(b / a for a, b in zip(x, y)) for x, y in ((f, t), (w, t), (f, w))]
        print("%-6s %-7s %6s %6s %7s  %-17s %-17s %-17s %9s %5s %7s" % (u, m, *us, *q,
              *sc[(u, m)]))
print("us: median of the rounds; ratios: median (min-max) of the per-round ratios;")
print("sc: syscalls per call of the supervisor (strace -c over one loop of 2000)")
' "$T/rounds" "$T/syscalls" "$USERS" "$MODES"
