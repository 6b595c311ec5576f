# shellcheck shell=bash
# Sourced by lib.sh for the side-by-side bench scripts (ab.sh, inflight.sh,
# outputs.sh, policy.sh, world.sh): the syscalls one tracerd makes per
# supervised call.
#
# syscalls_during PID LOG CMD...: strace -c -f on tracerd PID while CMD (a
# loop under that tracerd) runs, divided by the records the loop added to
# LOG (the calls tracerd really answered, so the figure does not depend on
# how many calls an iteration makes). Prints the ratio with one decimal, or
# "?" when strace could not attach.
#
# syscalls_per_call PID SOCKET LOG DIR: the same over one loop of 2000
# allowed mkdirs in DIR (bench-loop via SOCKET). Needs $bin and $lib.

# Wait until strace is attached (it has no ready signal): TracerPid set.
syscount_traced() {
	local i
	for ((i = 0; i < 500; i++)); do
		! grep -q '^TracerPid:[[:space:]]*0$' /proc/"$1"/task/*/status 2>/dev/null && return 0
		sleep 0.01
	done
	return 1
}

syscount_records() {
	grep -c '"syscall":' "$1" 2>/dev/null || true
}

# syscount_total FILE: the calls column of the total line of strace -c
# (the errors one before "total" is empty when none failed)
syscount_total() {
	awk '$NF == "total" { n = $4 } END { print n + 0 }' "$1" 2>/dev/null
}

# syscount_ratio BEFORE AFTER N: N syscalls per record added
syscount_ratio() {
	awk -v c="$(($2 - $1))" -v n="$3" \
		'BEGIN { if (c > 0) printf "%.1f\n", n / c; else print "?" }'
}

syscalls_during() {
	local pid=$1 log=$2 out sp before after
	shift 2
	out=$(mktemp "${T:-/tmp}/notif-bench-strace.XXXXXX")
	strace -c -f -p "$pid" -o "$out" 2>/dev/null &
	sp=$!
	if ! syscount_traced "$pid"; then
		kill -INT "$sp" 2>/dev/null
		wait "$sp" 2>/dev/null
		rm -f "$out"
		echo "?"
		return
	fi
	before=$(syscount_records "$log")
	"$@" >/dev/null 2>&1
	after=$(syscount_records "$log")
	kill -INT "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	syscount_ratio "$before" "$after" "$(syscount_total "$out")"
	rm -f "$out"
}

syscalls_per_call() {
	# shellcheck disable=SC2154 # $bin and $lib: lib.sh's
	syscalls_during "$1" "$3" env TRACERD_SOCKET="$2" NOTIF_AUTOSTART=0 LD_PRELOAD="$lib" \
		"$bin/bench-loop" -n 2000 -d "$4" mkdir
}
