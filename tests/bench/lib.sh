# shellcheck shell=bash
# Sourced first by the bench scripts of tests/bench: what they share.
# Sourcing it goes to the top of the tree and sets top, B (build, unless
# given), bin ($B/bench), lib ($B/libnotif.so) and PIDS (the daemons stopped
# at exit, see bench_cleanup); it also sources syscount.sh (the syscalls
# per call).

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top" || exit 1
B=${B:-build}
bin=$top/$B/bench
lib=$top/$B/libnotif.so
PIDS=()
# shellcheck source=tests/bench/syscount.sh
. "$top/tests/bench/syscount.sh"

# bench_need WHO HINT FILE...: exit 1 with "WHO: FILE missing (HINT)" for
# the first FILE that is not there
bench_need() {
	local who=$1 hint=$2 f
	shift 2
	for f; do
		[ -f "$f" ] || { echo "$who: $f missing ($hint)" >&2; exit 1; }
	done
}

# bench_tmp NAME: T, a new directory /tmp/NAME.XXXXXX (mode 0755). At exit
# (INT, TERM and HUP exit 130) bench_cleanup runs; a script with more to
# undo traps EXIT with its own function, which calls bench_cleanup last.
bench_tmp() {
	T=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	chmod 0755 "$T"
}

# bench_tmpfs SIZE: as root, a tmpfs of SIZE on T, named as T without its
# suffix (notif-bench-pol). FS: tmpfs, or T's filesystem and status 1 when
# none was mounted.
# shellcheck disable=SC2034 # FS: for the sourcing script
bench_tmpfs() {
	local name=${T##*/}
	if [ "$(id -u)" = 0 ] &&
		mount -t tmpfs -o "size=$1,mode=0755" "${name%.*}" "$T"; then
		FS=tmpfs
		return 0
	fi
	FS=$(stat -f -c %T "$T")
	return 1
}

# bench_cleanup: SIGTERM to the daemons in PIDS, up to 10 s each for them
# to exit, then T unmounted and removed
bench_cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${T:-}" ]; then
		mountpoint -q "$T" && umount -l "$T"
		rm -rf "$T"
	fi
}

# bench_listening NAME: a socket listens on @NAME (/proc/net/unix, flags
# 00010000)
bench_listening() {
	awk -v n="@$1" '$4 == "00010000" && $8 == n { f = 1 } END { exit !f }' /proc/net/unix
}

# bench_daemon NAME ERR CMD...: CMD (a tracerd serving @NAME) in the
# background, its stderr in ERR, its pid in DPID and PIDS; then up to 5 s
# for it to listen. Status 1 when it did not or exited (ERR says why).
bench_daemon() {
	local name=$1 err=$2 i
	shift 2
	"$@" 2>"$err" &
	DPID=$!
	PIDS+=("$DPID")
	for ((i = 0; i < 500; i++)); do
		bench_listening "$name" && return 0
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# bench_stop PID: SIGTERM to the daemon PID of PIDS and wait for it (its
# exit status); no longer stopped at exit
bench_stop() {
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# bench_order R WORD...: the words in round R's order, rotated right by R
# and reversed in odd rounds
bench_order() {
	local r=$1 i j o=()
	shift
	local w=("$@") n=$#
	for ((i = 0; i < n; i++)); do
		j=$i
		((r % 2)) && j=$((n - 1 - i))
		o+=("${w[(j - r % n + n) % n]}")
	done
	echo "${o[*]}"
}
