# Helpers sourced by the walkthroughs (examples/*.sh): a private tracerd on
# its own socket name with its own audit log, readiness by polling
# /proc/net/unix, and a trap that stops the daemon and removes the scratch.
#
#   ex_init NAME        scratch dir $EX (under /tmp), socket name, log $EX_LOG
#   ex_scratch VAR DIR  VAR = another scratch dir under DIR, removed at exit
#   ex_start [ARGS]     start build/tracerd --log $EX_LOG ARGS, wait until it listens
#   ex_run CMD...       run CMD under build/libnotif.so
#   ex_stop             SIGTERM the daemon, wait, check it exited 0
#   ex_py ARGS <<'PY'   run a python3 snippet with argv[1] = the audit log
#
# Environment: B (build dir, default <repo>/build), EX_KEEP=1 keeps the scratch.

set -u
export LC_ALL=C
unset NOTIF_ON_ERROR NOTIF_AUTOSTART	# fail closed: never run unsupervised

EX_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${B:-$EX_TOP/build}
case $B in /*) ;; *) B=$EX_TOP/$B ;; esac
PY=/usr/bin/python3
EX_TRACERD_PID=
EX_CLEAN=()

ex_die() {
	echo "$EX_NAME: $*" >&2
	exit 1
}

# Header line of a step: "== what follows".
ex_say() {
	printf '\n== %s\n' "$*"
}

ex_cleanup() {
	local rc=$?
	if [ -n "$EX_TRACERD_PID" ] && kill -0 "$EX_TRACERD_PID" 2>/dev/null; then
		kill -TERM "$EX_TRACERD_PID" 2>/dev/null
		wait "$EX_TRACERD_PID" 2>/dev/null
	fi
	if [ "${EX_KEEP:-0}" = 1 ]; then
		echo "(kept $EX ${EX_CLEAN[*]})" >&2
	else
		rm -rf "$EX" "${EX_CLEAN[@]}"
	fi
	exit "$rc"
}

ex_init() {
	EX_NAME=$1
	if [ ! -x "$B/tracerd" ] || [ ! -f "$B/libnotif.so" ]; then
		ex_die "$B/tracerd or $B/libnotif.so is missing: run make first"
	fi
	EX=$(mktemp -d "/tmp/notif-ex-$EX_NAME.XXXXXX")
	chmod 0755 "$EX"
	EX_LOG=$EX/audit.jsonl
	export TRACERD_SOCKET="notif-ex-$EX_NAME-$$"
	trap ex_cleanup EXIT
	trap 'exit 130' INT TERM
}

# ex_scratch VAR PARENT: VAR = a new scratch directory under PARENT (e.g.
# outside /tmp), removed at exit.
ex_scratch() {
	local d
	d=$(mktemp -d "$2/notif-ex-$EX_NAME.XXXXXX") || ex_die "mktemp in $2 failed"
	chmod 0755 "$d"
	EX_CLEAN+=("$d")
	printf -v "$1" '%s' "$d"
}

# True once @$TRACERD_SOCKET is listening (flags 00010000).
ex_listening() {
	awk -v p="@$TRACERD_SOCKET" '$4 == "00010000" && $8 == p { f = 1 } END { exit !f }' \
		/proc/net/unix
}

ex_start() {
	"$B/tracerd" --log "$EX_LOG" "$@" 2>"$EX/tracerd.err" &
	EX_TRACERD_PID=$!
	for _ in $(seq 1000); do
		ex_listening && return 0
		if ! kill -0 "$EX_TRACERD_PID" 2>/dev/null; then
			wait "$EX_TRACERD_PID"
			echo "$EX_NAME: tracerd exited with status $? before listening:" >&2
			sed 's/^/  /' "$EX/tracerd.err" >&2
			EX_TRACERD_PID=
			exit 1
		fi
		sleep 0.01
	done
	ex_die "tracerd did not listen on @$TRACERD_SOCKET within 10 s"
}

ex_run() {
	LD_PRELOAD=$B/libnotif.so "$@"
}

ex_stop() {
	local rc
	kill -TERM "$EX_TRACERD_PID"
	wait "$EX_TRACERD_PID"
	rc=$?
	EX_TRACERD_PID=
	[ "$rc" -eq 0 ] || ex_die "tracerd exited with status $rc (expected 0)"
}

# A python3 snippet on stdin; sys.argv[1] is the audit log.
ex_py() {
	"$PY" - "$EX_LOG" "$@"
}
