# A real systemd user manager for a test file (../shared/KERNEL-NOTES.md),
# sourced after lib.sh by a script that re-executed itself in a private
# mount namespace (see t-service.sh's first lines). Every unit and socket
# name carries the script's pid.
# shellcheck shell=bash
U=tracerd-svc-$$	# units tracerd-svc-PID[-KIND].{socket,service}
SVC=$WORK/.priv/svc
UNITS=$SVC/units
MGR_PID=

sc() { timeout 20 systemctl --user "$@"; }
prop() { sc show -P "$2" "$1"; }

# ------------------------------------------------------------ the manager
# The manager runs as root in our own cgroup, which it takes for its own:
# it sets that cgroup's pids.max to its DefaultTasksMax (15% of pid_max,
# 4915 here), which outlives it and broke the 10 000-program storm of
# check-long. The limit is saved first and put back when it exits.
pids_max_file() {
	local v1 v2
	v1=$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)
	v2=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
	if [ -n "$v1" ] && [ -f "/sys/fs/cgroup/pids$v1/pids.max" ]; then
		echo "/sys/fs/cgroup/pids$v1/pids.max"
	elif [ -f "/sys/fs/cgroup$v2/pids.max" ]; then
		echo "/sys/fs/cgroup$v2/pids.max"
	fi
}
PIDS_MAX_FILE=$(pids_max_file)
PIDS_MAX_SAVED=$([ -n "$PIDS_MAX_FILE" ] && cat "$PIDS_MAX_FILE" 2>/dev/null)

start_manager() {
	mkdir -p "$UNITS" "$SVC/home" "$SVC/xdg"
	chmod 0700 "$SVC/xdg"
	mount -t tmpfs -o mode=0755 notif-svc /run/systemd || return 1
	echo /run/systemd >>"$WORK/.priv/mounts"
	mkdir -p /run/systemd/system
	export XDG_RUNTIME_DIR=$SVC/xdg HOME=$SVC/home SYSTEMD_UNIT_PATH=$UNITS:
	unset DBUS_SESSION_BUS_ADDRESS XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME
	/lib/systemd/systemd --user >"$SVC/manager.log" 2>&1 </dev/null &
	MGR_PID=$!
	POLL_TRIES=1000 poll test -S "$XDG_RUNTIME_DIR/systemd/private" || return 1
	poll sc is-system-running --wait >/dev/null 2>&1 || true
	sc status >/dev/null 2>&1
}

stop_manager() {
	local u
	[ -n "$MGR_PID" ] || return 0
	# each service stopped and waited for first (an ASan tracerd's leak
	# check at exit must not meet the manager's own shutdown)
	for u in "$UNITS"/*.service; do
		sc stop "$(basename "$u")" >/dev/null 2>&1
	done
	sc exit >/dev/null 2>&1
	timeout 10 tail --pid="$MGR_PID" -f /dev/null 2>/dev/null || kill -KILL "$MGR_PID" 2>/dev/null
	wait "$MGR_PID" 2>/dev/null
	MGR_PID=
	if [ -n "$PIDS_MAX_SAVED" ] && ! echo "$PIDS_MAX_SAVED" >"$PIDS_MAX_FILE" 2>/dev/null; then
		diag "could not restore $PIDS_MAX_FILE to $PIDS_MAX_SAVED"
	fi
}

# unit KIND [SERVICE-LINES...]: tracerd-svc-PID-KIND.socket on
# @tracerd-svc-PID-KIND and its service running tracerd with the log and
# stderr of that KIND in $SVC/KIND/; extra [Service] lines after KIND.
# The environment file $SVC/KIND/env is read at each start, when present.
# KillMode=mixed: SIGTERM to tracerd alone, so that an ASan tracerd's leak
# check at exit (a tracer process of its own) is not signalled mid-way.
unit() {
	local name=$U-$1 dir=$SVC/$1
	shift
	mkdir -p "$dir" "$UNITS"
	cat >"$UNITS/$name.socket" <<-EOF
		[Socket]
		ListenStream=@$name
	EOF
	cat >"$UNITS/$name.service" <<-EOF
		[Service]
		Type=notify
		ExecStart=$TRACERD --log $dir/audit.jsonl
		ExecReload=/bin/kill -HUP \$MAINPID
		Restart=on-failure
		RestartSec=100ms
		RestartPreventExitStatus=2 3
		WatchdogSec=2s
		TimeoutStopSec=10s
		KillMode=mixed
		EnvironmentFile=-$dir/env
		StandardError=append:$dir/stderr
		$(printf '%s\n' "$@")
	EOF
}

# use KIND: the library and the assertions point at that KIND's socket
# and log
use() {
	export TRACERD_SOCKET=$U-$1
	TRACERD_LOG=$SVC/$1/audit.jsonl
	TRACERD_ERR=$SVC/$1/stderr
	SERVICE=$U-$1.service
}

reload_units() { sc daemon-reload; }

main_pid() { prop "$SERVICE" MainPID; }
is_state() { [ "$(prop "$1" ActiveState)" = "$2" ]; }
status_has() { prop "$SERVICE" StatusText | grep -qF -- "$1"; }
err_lines() { grep -c -F -- "$1" "$TRACERD_ERR" 2>/dev/null || true; }
err_count_at_least() { [ "$(err_lines "$1")" -ge "$2" ]; }
main_pid_not() { local p; p=$(main_pid); [ "$p" != 0 ] && [ "$p" != "$1" ]; }

dump_service() {
	diag "--- systemctl --user status $SERVICE:"
	sc status --no-pager "$SERVICE" 2>&1 | sed 's/^/  /' >&2 || true
	dump_tracerd
}

