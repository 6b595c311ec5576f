#!/usr/bin/env bash
# make bench: the side-by-side benchmark of issue 7, on a tmpfs mounted under
# /tmp for the run. Interleaved rounds with a rotating order; each round
# records one value per (variant, metric) in $T/res.tsv; report.py prints the
# medians, min-max and the goals (ratios taken within a round).
#
# The rows of issue 20 (tracerd against the facts floor) need at least 15
# rounds; syscalls.sh adds the syscalls per call beside them.
#
# Environment: BENCH_THREADS=K (tracerd --threads K), BENCH_ROUNDS (15),
# BENCH_TP_ROUNDS (3), BENCH_TP_SECS (2), BENCH_IDLE (1000), B (build).
set -u
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
ROUNDS=${BENCH_ROUNDS:-15}
TP_ROUNDS=${BENCH_TP_ROUNDS:-3}
TP_SECS=${BENCH_TP_SECS:-2}
IDLE=${BENCH_IDLE:-1000}
THREADS=${BENCH_THREADS:-}
BUDGET=${BENCH_BUDGET:-240}	# seconds after which no new measurement starts
N_FAST=20000		# calls per mkdir-type loop (floor, tracerd, strace, native)
N_SLOW=5000		# seed-style: no SYNC_WAKE_UP, up to ~50 us a call
N_START=300		# /bin/true starts per variant and round
TMO="timeout -k 3 30"

TPID=
MPID=
MSOCK=notif-bench-min-$$
started=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)

stop_tracerd() {
	[ -n "$TPID" ] || return 0
	kill -TERM "$TPID" 2>/dev/null
	for _ in $(seq 1 300); do
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.01
	done
	kill -KILL "$TPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	TRC=$?
	TPID=
}

stop_minsrv() {
	[ -n "$MPID" ] || return 0
	kill -TERM "$MPID" 2>/dev/null
	wait "$MPID" 2>/dev/null
	local rc=$?
	[ "$rc" = 0 ] || note "bench-minsrv exited $rc on SIGTERM (want 0)"
	MPID=
}

bench_need bench "make bench" "$bin/bench-loop" "$bin/bench-sup" "$bin/bench-start" \
	"$bin/bench-minsrv" "$bin/minshim.so"
bench_tmp notif-bench
cleanup() {
	stop_tracerd
	stop_minsrv
	bench_cleanup
}
trap cleanup EXIT
bench_tmpfs 1g || FS="$FS (NOT a tmpfs: run as root for the tmpfs)"
mkdir -p "$T/allowed" "$T/denied" "$T/log" "$T/tp"
DENIED=$T/denied/x		# parent exists, outside the allowed root: EPERM
RES=$T/res.tsv
NOTES=$T/notes
: >"$RES"
: >"$NOTES"
SOCK=notif-bench-$$
export TRACERD_SOCKET=$SOCK NOTIF_AUTOSTART=0
unset LD_PRELOAD NOTIF_ON_ERROR

note() { echo "$*" >>"$NOTES"; }

# The server of the start floor (minshim.so): takes the listener, acks.
start_minsrv() {
	"$bin/bench-minsrv" "$MSOCK" 2>>"$T/log/minsrv.err" &
	MPID=$!
	for _ in $(seq 1 500); do
		bench_listening "$MSOCK" && return 0
		kill -0 "$MPID" 2>/dev/null || break
		sleep 0.01
	done
	note "bench-minsrv unavailable: $(tail -n 1 "$T/log/minsrv.err")"
	kill -TERM "$MPID" 2>/dev/null
	wait "$MPID" 2>/dev/null
	MPID=
	return 1
}

start_tracerd() {
	local args=(--socket "$SOCK" --log "$T/log/audit.jsonl" --allow "$T/allowed")

	[ -n "$THREADS" ] && args+=(--threads "$THREADS")
	"$top/$B/tracerd" "${args[@]}" 2>>"$T/log/tracerd.err" &
	TPID=$!
	for _ in $(seq 1 500); do
		bench_listening "$SOCK" && return 0
		if ! kill -0 "$TPID" 2>/dev/null; then
			wait "$TPID"
			note "tracerd unavailable: exited $? at start: $(tail -n 2 "$T/log/tracerd.err" | tr '\n' ' ')"
			TPID=
			return 1
		fi
		sleep 0.01
	done
	note "tracerd unavailable: not listening on @$SOCK after 5 s"
	stop_tracerd
	return 1
}

up() { [ -n "$TPID" ] && kill -0 "$TPID" 2>/dev/null; }

# The whole run stays bounded: past the budget, measurements are skipped.
in_budget() {
	(($(date +%s) - started < BUDGET)) && return 0
	[ -e "$T/over" ] || note "over the ${BUDGET}s budget: later measurements skipped"
	: >"$T/over"
	return 1
}

# record ROUND VARIANT < output: "METRIC VALUE ..." lines -> res.tsv
record() {
	awk -v r="$1" -v v="$2" 'NF >= 2 && $2 ~ /^[0-9.]+$/ && $1 != "mkdircalls" && $1 != "covered" {
		print r "\t" v "\t" $1 "\t" $2 }' >>"$RES"
}

# The audit log must hold one record per mkdir the loop made.
check_records() {
	local out=$1 what=$2 want got
	want=$(awk '$1 == "mkdircalls" { s += $2 } END { print s + 0 }' <<<"$out")
	got=$(grep -c '"syscall"' "$T/log/audit.jsonl" 2>/dev/null)
	if [ "$want" != "$got" ]; then
		note "$what: tracerd logged ${got:-0} records for $want mkdir calls"
	fi
	grep -q '"decision":"error"' "$T/log/audit.jsonl" 2>/dev/null &&
		note "$what: tracerd logged error decisions: $(grep -m1 '"decision":"error"' "$T/log/audit.jsonl")"
	: >"$T/log/audit.jsonl"	# O_APPEND writer: safe to truncate between runs
}

# CMD=(the command of one loop variant)
loop_cmd() {
	local L=("$bin/bench-loop" -n "$N_FAST" -d "$T/allowed" -x "$DENIED")
	local S=("$bin/bench-sup" -l "$T/log/sup.log" -A "$T/allowed")

	case $1 in
	native) CMD=("${L[@]}" getpid mkdir eexist) ;;
	allowall) CMD=("${L[@]}" -a getpid) ;;
	floor) CMD=("${S[@]}" -s floor -- "${L[@]}" getpid mkdir eexist denied) ;;
	facts) CMD=("${S[@]}" -s facts -- "${L[@]}" mkdir eexist denied) ;;
	tracerd) CMD=("$bin/bench-sup" -s none -P "$lib" -- "${L[@]}" getpid mkdir eexist denied) ;;
	seed) CMD=("${S[@]}" -s seed -- "${L[@]}" -n "$N_SLOW" mkdir eexist denied) ;;
	strace) CMD=(strace -f --seccomp-bpf -e "trace=mkdir,mkdirat" -o /dev/null "${L[@]}" mkdir eexist) ;;
	esac
}

run_loop() {
	local round=$1 v=$2 out

	in_budget || return
	if [ "$v" = tracerd ] && ! up; then
		return
	fi
	if [ "$v" = strace ] && ! command -v strace >/dev/null; then
		return
	fi
	loop_cmd "$v"
	if ! out=$($TMO "${CMD[@]}" 2>>"$T/log/errors"); then
		note "round $round: $v failed: $(tail -n 1 "$T/log/errors")"
		return
	fi
	if [ "$v" = tracerd ]; then
		if ! grep -q '^covered 1$' <<<"$out"; then
			note "round $round: the tracerd loop was not covered by libnotif"
			return
		fi
		check_records "$out" "round $round: loops"
	fi
	record "$round" "$v" <<<"$out"
	: >"$T/log/sup.log"
}

run_start() {
	local round=$1 v=$2 out pre=()

	in_budget || return
	case $v in
	tracerd) up || return; pre=(-P "$lib") ;;
	minshim) [ -n "$MPID" ] || return; pre=(-P "$bin/minshim.so") ;;
	esac
	if ! out=$(BENCH_MINSHIM_SOCK=$MSOCK $TMO "$bin/bench-start" -n "$N_START" "${pre[@]}" \
		/bin/true 2>>"$T/log/errors"); then
		note "round $round: start/$v failed: $(tail -n 1 "$T/log/errors")"
		return
	fi
	record "$round" "$v" <<<"$out"
	: >"$T/log/audit.jsonl"
}

run_tp() {
	local round=$1 v=$2 n=$3 out sup

	in_budget || return
	case $v in
	floor) sup=(-s floor -l "$T/log/sup.log" -A "$T/allowed") ;;
	facts) sup=(-s facts -l "$T/log/sup.log" -A "$T/allowed") ;;
	tracerd) up || return; sup=(-s none -P "$lib") ;;
	esac
	if ! out=$($TMO "$bin/bench-sup" "${sup[@]}" -N "$n" -b -o "$T/tp/r.%i" -- \
		"$bin/bench-loop" -T "$TP_SECS" -d "$T/allowed" -o "$T/tp/r.%i" -r 3 -w 4 tp \
		2>>"$T/log/errors"); then
		note "round $round: throughput $v N=$n failed: $(tail -n 1 "$T/log/errors")"
		return
	fi
	awk -v r="$round" -v v="$v" '$1 == "tp" {
		print r "\t" v "\ttp" $2 "_cps\t" $3
		print r "\t" v "\ttp" $2 "_p50\t" $4
		print r "\t" v "\ttp" $2 "_p99\t" $5
		if ($6 > 0) print "throughput " v " N=" $2 ": " $6 " failed calls" > "/dev/stderr" }' \
		<<<"$out" >>"$RES" 2>>"$NOTES"
	[ "$v" = tracerd ] && check_records "$out" "round $round: throughput N=$n"
	rm -f "$T"/tp/r.*
	: >"$T/log/sup.log"
	: >"$T/log/audit.jsonl"
}

# RSS and fds of the supervisor (tracerd, or the floor for comparison)
# with IDLE supervised programs that sleep on a pipe.
run_idle() {
	local v=$1 out covered sup

	in_budget || return
	case $v in
	floor) sup=(-s floor -l "$T/log/sup.log" -A "$T/allowed" -M self) ;;
	tracerd) up || return; sup=(-s none -P "$lib" -M "$TPID") ;;
	esac
	if ! out=$($TMO "$bin/bench-sup" "${sup[@]}" -N "$IDLE" -b -- \
		"$bin/bench-loop" -r 3 -w 4 idle 2>>"$T/log/errors"); then
		note "idle: $IDLE programs under $v failed: $(tail -n 1 "$T/log/errors")"
	fi
	covered=$(grep -c '^covered 1$' <<<"$out")
	[ "$covered" = "$IDLE" ] || note "idle: only $covered of $IDLE programs were supervised by $v"
	awk -v v="$v" '$1 == "baseline" || $1 == "attached" {
		print "1\t" v "\t" $1 "_rss_kib\t" $4
		print "1\t" v "\t" $1 "_fds\t" $6
		if ($1 == "attached") print "1\t" v "\tattached_n\t" $2 }' <<<"$out" >>"$RES"
	: >"$T/log/audit.jsonl"
}

rotate() {	# rotate ROUND WORD... : the words, starting at ROUND mod count
	local r=$1
	shift
	local a=("$@") n=$#
	for ((i = 0; i < n; i++)); do
		echo "${a[$(((i + r) % n))]}"
	done
}

start_tracerd
start_minsrv
for ((r = 0; r < ROUNDS; r++)); do
	for v in $(rotate "$r" native allowall floor facts tracerd seed strace); do
		run_loop "$r" "$v"
	done
	for v in $(rotate "$r" native minshim tracerd); do
		run_start "$r" "$v"
	done
done
for ((r = 0; r < TP_ROUNDS; r++)); do
	for n in 1 8 64; do
		vs=(floor tracerd)
		[ "$n" = 8 ] && vs=(floor facts tracerd)	# facts: N=8 only, for the budget
		for v in $(rotate "$((r + n))" "${vs[@]}"); do
			run_tp "$r" "$v" "$n"
		done
	done
done
run_idle floor
run_idle tracerd
if [ -n "$TPID" ] && ! up; then
	note "tracerd died during the run: $(tail -n 2 "$T/log/tracerd.err" | tr '\n' ' ')"
fi
if [ -n "$TPID" ]; then
	stop_tracerd
	[ "$TRC" = 0 ] || note "tracerd exited $TRC on SIGTERM (want 0)"
fi
stop_minsrv
B=$B bash "$top/tests/bench/syscalls.sh" >"$T/syscalls" 2>>"$NOTES"

/usr/bin/python3 "$top/tests/bench/report.py" "$RES" "$NOTES" "syscalls=$T/syscalls" \
	"command: ${BENCH_CMD:-tests/bench/run.sh}${THREADS:+ BENCH_THREADS=$THREADS}" \
	"date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')  kernel: $(uname -r)  cpus: $(nproc)  fs: $FS" \
	"load average at start: $load0, at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine makes the figures noisy)" \
	"tracerd: $(if [ -n "$THREADS" ]; then echo "--threads $THREADS"; else echo "default threads (BENCH_THREADS unset)"; fi)  rounds: $ROUNDS loops/start, $TP_ROUNDS throughput x ${TP_SECS}s  run time: $(($(date +%s) - started)) s" |
	tee "$bin/report.txt"
