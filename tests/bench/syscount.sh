# shellcheck shell=bash
# Sourced by the side-by-side bench scripts (inflight.sh, outputs.sh,
# policy.sh): the syscalls one tracerd makes per supervised call.
#
# syscalls_per_call PID SOCKET LOG DIR: strace -c -f on tracerd PID over
# one loop of allowed mkdirs in DIR (bench-loop via SOCKET), divided by the
# records the loop added to LOG (the calls tracerd really answered, so the
# figure does not depend on how many calls an iteration makes). Prints
# the ratio with one decimal, or "?" when strace could not attach.
# Needs $bin and $lib.

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

syscalls_per_call() {
	local pid=$1 sock=$2 log=$3 dir=$4 out sp before after n
	out=$(mktemp /tmp/notif-bench-strace.XXXXXX)
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
	# shellcheck disable=SC2154 # $bin and $lib: the sourcing script's
	TRACERD_SOCKET=$sock LD_PRELOAD=$lib "$bin/bench-loop" -n 2000 -d "$dir" mkdir \
		>/dev/null 2>&1
	after=$(syscount_records "$log")
	kill -INT "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	# the calls column: the errors one before "total" is empty when none failed
	n=$(awk '$NF == "total" { print $4 }' "$out")
	rm -f "$out"
	python3 -c "import sys; c = int(sys.argv[2]) - int(sys.argv[1]); \
print('%.1f' % (int(sys.argv[3]) / c) if c > 0 else '?')" "$before" "$after" "${n:-0}"
}
