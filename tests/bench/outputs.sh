#!/usr/bin/env bash
# make bench, issue 18: the allowed mkdir with a journal copy and with a
# syslog copy of each record, as ratios to the file log alone. Three
# tracerds side by side (file; file + journal; file + syslog), ROUNDS
# interleaved rounds in alternating order on a tmpfs; prints the median of
# the per-round ratios, the syscalls per call of each daemon (strace -c -f
# over one loop) and the records each copy lost (lost-records events).
# Runs in a private mount namespace, as tests/integration/t-journal.sh and
# t-syslog.sh do: a real systemd-journald on tmpfs /run/systemd, /run/log
# and /var/log/journal, and a private /dev whose /dev/log is a python3
# datagram receiver that reads and discards.
set -u
if [ -z "${NOTIF_OUTPUTS_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || [ ! -x /lib/systemd/systemd-journald ] ||
		! unshare -m --propagation private true 2>/dev/null; then
		echo "outputs bench: skipped (needs root, unshare -m and systemd-journald)"
		exit 0
	fi
	NOTIF_OUTPUTS_NS=1 exec unshare -m --propagation private "$BASH" "$0" "$@"
fi
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_OUTPUTS_ROUNDS:-15}
N=${BENCH_OUTPUTS_CALLS:-20000}
VARIANTS="file journal syslog"
bench_tmp notif-bench-out
# Every mount below is in this private namespace: they go when it does,
# but they are undone here all the same (after lib.sh's cleanup).
cleanup() {
	local d
	bench_cleanup
	for d in /var/log/journal /run/log /run/systemd /dev; do
		mountpoint -q "$d" && umount -l "$d"
	done
}
trap cleanup EXIT
bench_tmpfs 256m

# poll CMD...: up to 5 s for CMD to succeed
poll() {
	local i
	for ((i = 0; i < 500; i++)); do "$@" && return 0; sleep 0.01; done
	return 1
}

# a /dev of our own (the host's stays untouched), as t-syslog.sh builds it
private_dev() {
	mount -t tmpfs -o mode=0755 notif-bench-dev /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/urandom c 1 9
	mknod -m 666 /dev/random c 1 8
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr
}

# the syslog receiver: reads every datagram and drops it
start_sink() {
	python3 -c 'import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
while True:
    s.recv(1 << 20)' </dev/null &
	PIDS+=($!)
	poll test -S /dev/log || { echo "outputs bench: no receiver on /dev/log" >&2; exit 1; }
}

start_journald() {
	local d
	for d in /run/systemd /run/log /var/log/journal; do
		mkdir -p "$d"
		mount -t tmpfs -o mode=0755 notif-bench-journal "$d"
	done
	mkdir /run/systemd/journal
	/lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &
	PIDS+=($!)
	poll test -S /run/systemd/journal/socket ||
		{ echo "outputs bench: journald did not bind its socket" >&2; exit 1; }
}

# start VARIANT [--log OUTPUT]: a tracerd on @notif-bench-out-$$-VARIANT
start() {
	local v=$1 s=notif-bench-out-$$-$1
	shift
	mkdir -p "$T/$v"
	bench_daemon "$s" "$T/$v.err" "$top/$B/tracerd" --socket "$s" --log "$T/$v.jsonl" "$@" \
		--allow "$T" ||
		{ echo "outputs bench: tracerd ($v) did not start: $(cat "$T/$v.err")" >&2; exit 1; }
	eval "PID_$v=$DPID"
}

# one VARIANT: ns per allowed mkdir, in a fresh directory removed after
# (a round leaves N directories: 15 rounds of three would fill the tmpfs)
one() {
	mkdir "$T/$1/r"
	TRACERD_SOCKET=notif-bench-out-$$-$1 NOTIF_AUTOSTART=0 LD_PRELOAD=$lib \
		"$bin/bench-loop" -n "$N" -d "$T/$1/r" mkdir 2>"$T/$1.loop-err" |
		awk '$1 == "mkdir" { print $2 }'
	rm -rf "$T/$1/r"
}

# drain: each log's lost-records events kept and its lines counted, then
# the log emptied (O_APPEND: tracerd writes on at the new end), so that 15
# rounds of records do not fill the tmpfs; between rounds, not timed
drain() {
	local v
	for v in $VARIANTS; do
		touch "$T/$v.lost"
		grep -F '"event":"lost-records"' "$T/$v.jsonl" >>"$T/$v.lost"
		wc -l <"$T/$v.jsonl" >>"$T/$v.lines"
		: >"$T/$v.jsonl"
	done
}

# rounds: ROUNDS lines "file journal syslog" (ns), the order rotating
rounds() {
	local r v
	local -A ns
	for ((r = 0; r < ROUNDS; r++)); do
		for v in $(bench_order "$r" file journal syslog); do
			ns[$v]=$(one "$v")
			[ -n "${ns[$v]}" ] ||
				{ echo "outputs bench: round $r ($v) failed: $(cat "$T/$v.loop-err")" >&2; exit 1; }
		done
		echo "${ns[file]} ${ns[journal]} ${ns[syslog]}"
		drain
	done
}

private_dev
start_sink
start_journald
start file
start journal --log journal
start syslog --log syslog
rounds >"$T/rounds" || exit 1
python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print("log copies, allowed mkdir (%d rounds of %s calls, tmpfs)" % (len(rows), sys.argv[2]))
for i, name in enumerate(("file only", "file+journal", "file+syslog")):
    print("  %-13s %8.2f us  (median)" % (name, statistics.median(r[i] for r in rows) / 1e3))
for i, name in ((1, "journal"), (2, "syslog")):
    q = sorted(r[i] / r[0] for r in rows)
    print("  mkdir file+%s / file only: median of per-round ratios %.3f (min %.3f, max %.3f)" %
          (name, statistics.median(q), q[0], q[-1]))
' "$T/rounds" "$N"

# syscalls per call of each daemon over one loop of 2000 (+ its 10% warm-up)
if command -v strace >/dev/null; then
	for v in $VARIANTS; do
		pid=PID_$v
		label=file+$v
		[ "$v" = file ] && label="file only"
		mkdir -p "$T/sc-$v"
		echo "  syscalls of tracerd per mkdir, $label: $(syscalls_per_call "${!pid}" \
			"notif-bench-out-$$-$v" "$T/$v.jsonl" "$T/sc-$v")"
	done
fi

# What each copy lost: the records tracerd could not hand over (its
# lost-records events; the rest still unsaid shows in the status line), and
# for the journal what journald kept (its own rate limit drops more).
drain
lost() {
	python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    r = json.loads(l)
    if r.get("output") == sys.argv[2]:
        n += r["count"]
print(n)' "$T/$1.lost" "$1"
}
for v in journal syslog; do
	echo "  $v copy: $(lost "$v") records lost (lost-records events) of $(awk '{ n += $1 } END { print n }' "$T/$v.lines") lines in the file"
done
# shellcheck disable=SC2154 # PID_journal: set by start through eval
kept=$(journalctl --no-pager -q -o cat _PID="$PID_journal" 2>/dev/null | wc -l)
sent=$(awk '{ n += $1 } END { print n }' "$T/journal.lines")
# journald took the rest but dropped them itself (its rate limit,
# RateLimitBurst= 10000 per 30 s by default): tracerd cannot see these
echo "  journal copy: $kept of $sent entries kept in the journal, $((sent - kept)) dropped" \
	"inside journald (its rate limit); its socket queue holds" \
	"$(cat /proc/sys/net/unix/max_dgram_qlen) datagrams"
