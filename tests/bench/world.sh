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
# WORLD_CALLS calls per loop (20000); modes mkdir (allowed) and denied
# (EPERM, parent outside the allowed directory). Prints per user and mode
# the median us of each, the medians (min-max) of the per-round ratios
# tracerd/facts, tracerd/world, world/facts, and syscalls per call (below).
#   [B=build] bash tests/bench/world.sh     (as root; exit 1: a loop failed)
set -u
# shellcheck source=tests/bench/syscount.sh
. "$(dirname "$0")/syscount.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
B=${B:-build}
bin=$top/$B/bench
lib=$top/$B/libnotif.so
ROUNDS=${WORLD_ROUNDS:-15}
N=${WORLD_CALLS:-20000}
MODES="mkdir denied"
for f in "$top/$B/tracerd" "$bin/bench-loop" "$bin/bench-sup" "$lib"; do
	[ -f "$f" ] ||
		{ echo "world bench: $f missing (make B=$B all bench-bins)" >&2; exit 1; }
done
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "world bench: skipped (needs root and setpriv)"
	exit 0
fi
USERS="0 65534"
T=$(mktemp -d /tmp/notif-bench-world.XXXXXX) || exit 1
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
trap 'exit 130' INT TERM HUP
chmod 0755 "$T"
mount -t tmpfs -o size=256m,mode=0755 notif-bench-world "$T" || exit 1

# AS=(the prefix that runs a command as user U)
as() {
	AS=()
	[ "$1" = 0 ] || AS=(setpriv --reuid "$1" --regid "$1" --clear-groups)
}

# start U: user U's tracerd on @notif-bench-world-$$-U, its files in $T/uU
# (owned by U), no HOME nor XDG_* (--socket, --log, --allow: it needs none)
start() {
	local u=$1 d=$T/u$1 i
	as "$u"
	mkdir -p "$d/allow" "$d/out"
	chown -R "$u:$u" "$d"
	env -u HOME -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_RUNTIME_DIR "${AS[@]}" \
		"$top/$B/tracerd" --socket "notif-bench-world-$$-$u" --log "$d/tracerd.jsonl" \
		--allow "$d/allow" 2>"$d/tracerd.err" &
	PIDS+=($!)
	eval "PID_$u=$!"
	for ((i = 0; i < 500; i++)); do
		grep -q "@notif-bench-world-$$-$u\$" /proc/net/unix 2>/dev/null && return 0
		sleep 0.01
	done
	echo "world bench: tracerd as uid $u did not start: $(cat "$d/tracerd.err")" >&2
	exit 1
}

# cmd U VARIANT MODE [N]: CMD=(bench-loop MODE as user U, under the
# supervisor VARIANT, which wraps the loop, or under U's tracerd, no autostart)
cmd() {
	local d=$T/u$1
	local L=("$bin/bench-loop" -n "${4:-$N}" -g 1 -d "$d/allow" -x "$d/out/x" "$3")
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
	"${CMD[@]}" 2>"$T/loop-err" | awk -v m="$3" '$1 == m { v = $2 }
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
# daemon (as ab.sh). A floor: strace -c without -f on bench-sup (one thread;
# its child, the loop, not followed), less the count of a loop that makes no
# mkdir (getpid): bench-sup's (and setpriv's) start and exit.
syscalls() {
	local pid=PID_$1 out=$T/strace-$1-$2-$3 f sp before after n n0=0
	f=$(log "$1" "$2")
	cmd "$1" "$2" "$3" 2000
	before=$(records "$f")
	if [ "$2" = tracerd ]; then
		strace -c -f -p "${!pid}" -o "$out" 2>/dev/null &
		sp=$!
		syscount_traced "${!pid}" && "${CMD[@]}" >/dev/null 2>&1
		kill -INT "$sp" 2>/dev/null
		wait "$sp" 2>/dev/null
	else
		strace -c -o "$out" "${CMD[@]}" >/dev/null 2>&1
		cmd "$1" "$2" getpid
		strace -c -o "$out.0" "${CMD[@]}" >/dev/null 2>&1
		n0=$(awk '$NF == "total" { print $4 }' "$out.0")
	fi
	after=$(records "$f")
	: >"$f"
	n=$(awk '$NF == "total" { print $4 }' "$out")
	python3 -c "import sys; c = int(sys.argv[2]) - int(sys.argv[1]); \
print('%.1f' % ((int(sys.argv[3]) - int(sys.argv[4])) / c) if c > 0 else '?')" \
		"$before" "$after" "${n:-0}" "${n0:-0}"
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
    for m in ("mkdir", "denied"):
        f, w, t = ([float(r[i]) for r in rounds if r[:2] == [u, m]] for i in (2, 3, 4))
        us = ["%.2f" % (statistics.median(x) / 1e3) for x in (f, w, t)]
        q = [rt(b / a for a, b in zip(x, y)) for x, y in ((f, t), (w, t), (f, w))]
        print("%-6s %-7s %6s %6s %7s  %-17s %-17s %-17s %9s %5s %7s" % (u, m, *us, *q,
              *sc[(u, m)]))
print("us: median of the rounds; ratios: median (min-max) of the per-round ratios;")
print("sc: syscalls per call of the supervisor (strace -c over one loop of 2000)")
' "$T/rounds" "$T/syscalls" "$USERS"
