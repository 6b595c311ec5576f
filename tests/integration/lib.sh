# Integration test helpers, sourced by every tests/integration/t-*.sh
# (in the style of bubblewrap's tests/libtest.sh).
#
# A script starts its own tracerd with start_tracerd (unique abstract socket
# name, private log), runs tests with `t NAME FUNCTION [ARGS...]` and ends
# with stop_tracerd. Each test runs in a subshell with `set -e`; assertions
# print what they saw and exit 1. Output is TAP; the last line of a script is
# `N passed, N failed, N skipped`.
#
# Environment:
#   TRACERD          the daemon under test (default build/tracerd)
#   LIBNOTIF         the preload library (default build/libnotif.so)
#   LIBNOTIF_NOKILL  its test build without WAIT_KILLABLE_RECV (default
#                    test/libnotif.so beside LIBNOTIF)
#   PROGS            the compiled test programs (default build/progs)
#   NOTIF_MUST_WORK  1 (or CI=true): a skip fails unless its feature is in
#                    NOTIF_ALLOWED_SKIPS (default "yama")
#   NOTIF_TEST_TIMEOUT  seconds a supervised command may take (default 30)
#   NOTIF_TAP_OFFSET, NOTIF_RESULTS  set by run.sh (numbering, totals)

set -u
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
abspath() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$TOP/$1" ;; esac; }
TRACERD=$(abspath "${TRACERD:-build/tracerd}")
LIBNOTIF=$(abspath "${LIBNOTIF:-build/libnotif.so}")
# the test build of the library: installs its filter without WAIT_KILLABLE_RECV
LIBNOTIF_NOKILL=$(abspath "${LIBNOTIF_NOKILL:-$(dirname "$LIBNOTIF")/test/libnotif.so}")
PROGS=$(abspath "${PROGS:-build/progs}")
PY=/usr/bin/python3
TMO=${NOTIF_TEST_TIMEOUT:-30}
NOBODY=65534
AS_NOBODY=(setpriv "--reuid=$NOBODY" "--regid=$NOBODY" --clear-groups)
SCRIPT=$(basename "$0")
case ${CI:-} in true) NOTIF_MUST_WORK=${NOTIF_MUST_WORK:-1} ;; esac
NOTIF_MUST_WORK=${NOTIF_MUST_WORK:-0}
NOTIF_ALLOWED_SKIPS=${NOTIF_ALLOWED_SKIPS:-yama}

# No program of the suite autostarts a tracerd (it would outlive the test
# and log under the real home): t-autostart.sh turns it on where it tests it.
export NOTIF_AUTOSTART=0

TAP_N=${NOTIF_TAP_OFFSET:-0}
N_PASS=0
N_FAIL=0
N_SKIP=0
N_TODO=0
N_TRACERD=0
TRACERD_PID=
ALL_TRACERDS=()

# Scratch: $WORK lies under /tmp (the default allowed root), $OUT outside it.
# Both are traversable by nobody so the uid-65534 tests can use them.
WORK=$(mktemp -d /tmp/notif-it.XXXXXX)
OUT=$(mktemp -d /var/tmp/notif-it-out.XXXXXX)
chmod 0755 "$WORK" "$OUT"
mkdir -m 0711 "$WORK/.priv"
: >"$WORK/.priv/mounts"

echo "# $SCRIPT (tracerd: $TRACERD)"

# poll CMD...: up to 10 s (POLL_TRIES x 10 ms) until CMD succeeds (never a
# bare sleep to wait)
poll() {
	local i
	for ((i = 0; i < ${POLL_TRIES:-1000}; i++)); do
		"$@" && return 0
		sleep 0.01
	done
	return 1
}

# sleeping_threads: how many threads of tracerd sleep inside a call (the
# test hooks' nanosleep or clock_nanosleep)
sleeping_threads() {
	local f nr n=0
	for f in /proc/"${TRACERD_SIGPID:-$TRACERD_PID}"/task/*/syscall; do
		read -r nr _ 2>/dev/null <"$f" || continue
		case $nr in 35 | 230) n=$((n + 1)) ;; esac
	done
	echo "$n"
}
sleeping_at_least() { [ "$(sleeping_threads)" -ge "$1" ]; }

# in_syscall PID NR: is PID inside syscall NR (blocked in it)?
in_syscall() { read -r nr _ 2>/dev/null <"/proc/$1/syscall" && [ "$nr" = "$2" ]; }

# has_line FILE N: FILE exists with at least N lines
has_line() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# has_record FILTER...: at least one audit record matches
has_record() { [ "$(audit_count "$@")" -ge 1 ]; }

now_ms() { date +%s%3N; }

# both CMD: the same set-up (a shell command) in $IN/n and in $IN/s, the
# native and the supervised tree of a comparison
both() {
	local r
	for r in n s; do
		mkdir -p "$IN/$r"
		(cd "$IN/$r" && eval "$1")
	done
}

# gated_start NAME: an attached program that made one call ($IN/NAME-0),
# then waits for a line on fd 4 before calling mkdir($IN/NAME-1). It prints
# its pid first (sh's $$, which the exec keeps): GPID; GBG is the job.
gated_start() {
	local n=$1
	mkfifo "$T/$n.fifo"
	sup sh -c "echo \$\$; '$PROGS/mk' mkdir '$IN/$n-0' && read x && exec '$PROGS/mk' mkdir '$IN/$n-1'" \
		<"$T/$n.fifo" >"$T/$n.out" 2>"$T/$n.err" &
	GBG=$!
	exec 4>"$T/$n.fifo"
	poll has_line "$T/$n.out" 2 || { cat "$T/$n.err" >&2; fail "$n did not start"; }
	assert_eq "$(sed -n 2p "$T/$n.out")" 0 "first mkdir of $n"
	GPID=$(head -n 1 "$T/$n.out")
}

# ---------------------------------------------------------------- cleanup
cleanup() {
	local rc=$? m i
	for i in "${ALL_TRACERDS[@]}"; do
		kill_tracerd "$i"
	done
	tac "$WORK/.priv/mounts" 2>/dev/null | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	for m in "$WORK" "$OUT"; do
		[ -n "${IT_KEEP:-}" ] && { echo "# kept $m" >&2; continue; }
		chattr -R -i "$m" >/dev/null 2>&1 || true
		rm -rf "$m"
	done
	finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A tracerd still running at the end (a script that died early): stop it,
# and still fail on a sanitizer report.
kill_tracerd() {
	local pid=${1%%:*} err=${1#*:}
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	if sanitizer_report "$err"; then
		tap_line "not ok" "tracerd (pid $pid) stderr has no sanitizer report"
		N_FAIL=$((N_FAIL + 1))
		sed 's/^/#   /' "$err"
	fi
}

forget_tracerd() {
	local keep=() i
	for i in "${ALL_TRACERDS[@]}"; do
		[ "${i%%:*}" = "$1" ] || keep+=("$i")
	done
	ALL_TRACERDS=("${keep[@]}")
}

finish() {
	local line="$N_PASS passed, $N_FAIL failed, $N_SKIP skipped"
	[ "$N_TODO" -eq 0 ] || line="$line, $N_TODO todo"
	if [ -n "${NOTIF_RESULTS:-}" ]; then
		echo "$SCRIPT $N_PASS $N_FAIL $N_SKIP $N_TODO $TAP_N" >>"$NOTIF_RESULTS"
		echo "# $SCRIPT: $line"
	else
		echo "1..$TAP_N"
		echo "$line"
	fi
	[ "$N_FAIL" -eq 0 ] && [ "$1" -eq 0 ] && exit 0
	exit 1
}

# ---------------------------------------------------------------- TAP
tap_line() {
	TAP_N=$((TAP_N + 1))
	echo "$1 $TAP_N - $2"
}

# t NAME FUNCTION [ARGS...]: run one test in a subshell (set -e) with a
# private scratch pair $IN (under /tmp) and $XT (outside /tmp), cwd $IN.
# Exit 0 = ok, 77 = skipped (reason in $T/skip), anything else = not ok.
# TODO="issue N: why" before t marks a known gap (TAP TODO: not a failure).
t() {
	local name=$1 rc feature
	shift
	T=$WORK/.priv/t$((TAP_N + 1))
	IN=$WORK/t$((TAP_N + 1))
	XT=$OUT/t$((TAP_N + 1))
	mkdir -p "$T" "$IN" "$XT"
	chmod 0755 "$IN" "$XT"
	(
		set -e
		cd "$IN"
		"$@"
	) >"$T/log" 2>&1 </dev/null
	rc=$?
	if [ -n "${TODO:-}" ]; then
		N_TODO=$((N_TODO + 1))
		if [ $rc -eq 0 ]; then
			tap_line ok "$name # TODO $TODO (passes now: remove the TODO)"
		else
			tap_line "not ok" "$name # TODO $TODO"
			sed 's/^/#   /' "$T/log" | tail -n 15
		fi
		return 0
	fi
	if [ $rc -eq 0 ]; then
		N_PASS=$((N_PASS + 1))
		tap_line ok "$name"
	elif [ $rc -eq 77 ]; then
		feature=$(head -n 1 "$T/skip" 2>/dev/null)
		if [ "$NOTIF_MUST_WORK" = 1 ] && ! allowed_skip "$feature"; then
			N_FAIL=$((N_FAIL + 1))
			tap_line "not ok" "$name # SKIP $feature (a failure: NOTIF_MUST_WORK=1)"
		else
			N_SKIP=$((N_SKIP + 1))
			tap_line ok "$name # SKIP $feature"
		fi
	else
		N_FAIL=$((N_FAIL + 1))
		tap_line "not ok" "$name"
		sed 's/^/#   /' "$T/log"
	fi
}

allowed_skip() {
	local f=${1%%:*} a
	for a in $NOTIF_ALLOWED_SKIPS; do
		[ "$f" = "$a" ] && return 0
	done
	return 1
}

# skip FEATURE [WHY]: end the current test as skipped. FEATURE is the first
# word NOTIF_ALLOWED_SKIPS is matched against (e.g. "yama").
skip() {
	echo "$1${2:+: $2}" >"$T/skip"
	exit 77
}

diag() { echo "$*" >&2; }

fail() {
	diag "FAIL: $*"
	exit 1
}

# ---------------------------------------------------------------- tracerd
sanitizer_report() {
	[ -f "$1" ] && grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: [A-Za-z]*Sanitizer' "$1"
}

# wait_listening NAME PID: poll /proc/net/unix for @NAME listening (flags
# 00010000), at most 5 s; fails early when PID dies.
wait_listening() {
	local name=$1 pid=$2 i
	for ((i = 0; i < 500; i++)); do
		if awk -v p="@$name" '$4 == "00010000" && $8 == p { f = 1 } END { exit !f }' \
			/proc/net/unix; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}

# start_tracerd [--as-nobody|--preload|--pidns|--wrapped] [--no-log] [ARGS...]: a
# private tracerd on
# TRACERD_SOCKET=notif-test-$$-N with --log TRACERD_LOG (unless --no-log:
# then the caller sets TRACERD_LOG to where it expects the log), stderr in
# TRACERD_ERR. Sets TRACERD_PID. Counts as a test: it fails when the daemon
# does not get ready within 5 s. --preload: started with LD_PRELOAD=libnotif.so;
# --pidns: in a pid namespace of its own; --wrapped: as the child of sh (a
# test that SIGKILLs TRACERD_SIGPID then waits for TRACERD_PID quietly).
start_tracerd() {
	local nobody=0 logarg=1 pre=() dir bin=$TRACERD
	while [ $# -gt 0 ]; do
		case $1 in
		--as-nobody) nobody=1 ;;
		--no-log) logarg=0 ;;
		--preload) pre=(env LD_PRELOAD="$LIBNOTIF") ;;
		--pidns) pre=(unshare --pid --fork --kill-child) ;;
		--wrapped) pre=(sh -c '"$@"; exit $?' sh) ;;
		--strace)
			# one file per thread (FILE.TID): no call split by another's
			pre=(strace -ff -qq -e trace=ioctl,epoll_wait,poll -o "$2")
			shift
			;;
		*) break ;;
		esac
		shift
	done
	N_TRACERD=$((N_TRACERD + 1))
	export TRACERD_SOCKET=notif-test-$$-$N_TRACERD
	dir=$WORK/.priv/tracerd-$N_TRACERD
	mkdir -p "$dir"
	if [ $nobody = 1 ]; then
		chown $NOBODY:$NOBODY "$dir"
		pre=("${AS_NOBODY[@]}")
		bin=${NTRACERD:?nobody_files first}
	fi
	[ $logarg = 1 ] && TRACERD_LOG=$dir/audit.jsonl
	TRACERD_ERR=$dir/stderr
	if [ $logarg = 1 ]; then
		"${pre[@]}" "$bin" --log "$TRACERD_LOG" "$@" 2>"$TRACERD_ERR" </dev/null &
	else
		"${pre[@]}" "$bin" "$@" 2>"$TRACERD_ERR" </dev/null &
	fi
	TRACERD_PID=$!
	TRACERD_SIGPID=$TRACERD_PID
	ALL_TRACERDS+=("$TRACERD_PID:$TRACERD_ERR")
	if wait_listening "$TRACERD_SOCKET" "$TRACERD_PID"; then
		# under unshare --fork, sh or strace the daemon is their child
		case ${pre[0]:-} in unshare | sh | strace) ;; *) false ;; esac &&
			TRACERD_SIGPID=$(tr -d " " <"/proc/$TRACERD_PID/task/$TRACERD_PID/children")
		N_PASS=$((N_PASS + 1))
		tap_line ok "tracerd ${*:+($*) }ready on @$TRACERD_SOCKET"
		return 0
	fi
	N_FAIL=$((N_FAIL + 1))
	tap_line "not ok" "tracerd ${*:+($*) }ready on @$TRACERD_SOCKET"
	echo "#   not listening after 5 s; alive: $(kill -0 "$TRACERD_PID" 2>/dev/null && echo yes || echo no)"
	sed 's/^/#   stderr: /' "$TRACERD_ERR" | head -n 20
	return 1
}

# stop_tracerd: SIGTERM, wait; a test that the exit status is 0, stderr has
# no sanitizer report and the log is well-formed JSON Lines.
stop_tracerd() {
	local rc=0 log=${TRACERD_LOG:-}
	[ -n "$TRACERD_PID" ] || return 0
	kill -TERM "${TRACERD_SIGPID:-$TRACERD_PID}" 2>/dev/null
	timeout 15 tail --pid="$TRACERD_PID" -f /dev/null 2>/dev/null ||
		{ kill -KILL "$TRACERD_PID"; echo "# tracerd did not stop within 15 s"; }
	wait "$TRACERD_PID" || rc=$?
	forget_tracerd "$TRACERD_PID"
	T=$WORK/.priv/stop-$TRACERD_PID
	mkdir -p "$T"
	{
		echo "exit status $rc"
		sed 's/^/stderr: /' "$TRACERD_ERR" | tail -n 60
		[ -f "$log" ] && audit_wellformed "$log" 2>&1
	} >"$T/log"
	if [ $rc -eq 0 ] && ! sanitizer_report "$TRACERD_ERR" &&
		{ [ ! -f "$log" ] || audit_wellformed "$log" >/dev/null 2>&1; }; then
		N_PASS=$((N_PASS + 1))
		tap_line ok "tracerd stops on SIGTERM: exit 0, no sanitizer report, log well-formed"
	else
		N_FAIL=$((N_FAIL + 1))
		tap_line "not ok" "tracerd stops on SIGTERM: exit 0, no sanitizer report, log well-formed"
		sed 's/^/#   /' "$T/log"
	fi
	TRACERD_PID=
}

# ---------------------------------------------------------------- running
# sup CMD...: CMD under the library (bounded by NOTIF_TEST_TIMEOUT).
sup() {
	timeout -k 5 "$TMO" env LD_PRELOAD="$LIBNOTIF" "$@"
}

# sup_nobody CMD...: CMD as uid/gid 65534 under the library ($NLIB).
sup_nobody() {
	timeout -k 5 "$TMO" "${AS_NOBODY[@]}" env LD_PRELOAD="${NLIB:-$LIBNOTIF}" "$@"
}

# run CMD...: run, keeping stdout in $T/out, stderr in $T/err, status in RC.
run() {
	RC=0
	"$@" >"$T/out" 2>"$T/err" || RC=$?
}

show_run() {
	diag "--- exit status: $RC"
	diag "--- stdout:"
	sed 's/^/  /' "$T/out" >&2
	diag "--- stderr:"
	sed 's/^/  /' "$T/err" >&2
}

dump_tracerd() {
	diag "--- audit log (last 15 lines of ${TRACERD_LOG:-?}):"
	tail -n 15 "${TRACERD_LOG:-/dev/null}" 2>/dev/null | sed 's/^/  /' >&2 || true
	diag "--- tracerd stderr (last 15 lines):"
	tail -n 15 "${TRACERD_ERR:-/dev/null}" 2>/dev/null | sed 's/^/  /' >&2 || true
}

# ---------------------------------------------------------------- assertions
assert_rc() {
	[ "$RC" -eq "$1" ] || { show_run; fail "exit status $RC, expected $1${2:+ ($2)}"; }
}

assert_out() {
	local got
	got=$(cat "$T/out")
	[ "$got" = "$1" ] || { show_run; fail "stdout is '$got', expected '$1'"; }
}

assert_err_has() {
	grep -qF -- "$1" "$T/err" || { show_run; fail "stderr lacks '$1'"; }
}

assert_err_empty() {
	[ ! -s "$T/err" ] || { show_run; fail "stderr is not empty"; }
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', expected '$2'"
}

assert_dir() {
	[ -d "$1" ] && [ ! -L "$1" ] || { dump_tracerd; fail "directory $1 does not exist"; }
}

assert_absent() {
	[ ! -e "$1" ] && [ ! -L "$1" ] || { ls -ld "$1" >&2; dump_tracerd; fail "$1 exists"; }
}

# assert_same_stat A B: same mode, owner and group (as native).
assert_same_stat() {
	local a b
	a=$(stat -c '%A %U %G' "$1")
	b=$(stat -c '%A %U %G' "$2")
	[ "$a" = "$b" ] || fail "native $1 is '$a', supervised $2 is '$b'"
}

# tree_snapshot DIR: relative path, type, mode, owner, group and ACLs of
# everything below DIR, sorted (compare a native with a supervised tree).
tree_snapshot() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %#m %u %g\n' | sort &&
		getfacl -R -n -p -s . 2>/dev/null | sed '/^$/d')
}

assert_same_tree() {
	tree_snapshot "$1" >"$T/tree.native"
	tree_snapshot "$2" >"$T/tree.sup"
	diff -u "$T/tree.native" "$T/tree.sup" >&2 || fail "trees differ: $1 (native) vs $2 (supervised)"
	[ -s "$T/tree.native" ] || fail "native tree $1 is empty"
}

# ---------------------------------------------------------------- audit log
# audit_q [FILTER...]: print the records of $TRACERD_LOG matching every
# FILTER: key=value (exact; value null matches JSON null; numbers compare as
# text), key^=prefix, key!=value, key? (present), !key (absent).
AUDIT_PY='
import json, sys
flt = sys.argv[2:]
def match(r, f):
    if f.endswith("?"):
        return f[:-1] in r
    if f.startswith("!"):
        return f[1:] not in r
    for op in ("^=", "!=", "="):
        if op in f:
            k, v = f.split(op, 1)
            break
    else:
        raise SystemExit("bad filter " + f)
    x = r.get(k, KeyError)
    s = "null" if x is None else str(x)
    if op == "^=":
        return x is not KeyError and s.startswith(v)
    if op == "!=":
        return x is KeyError or s != v
    return x is not KeyError and s == v
with open(sys.argv[1], "rb") as fh:
    for raw in fh:
        r = json.loads(raw.decode("utf-8"))
        if all(match(r, f) for f in flt):
            sys.stdout.write(raw.decode("utf-8"))
'
audit_q() {
	"$PY" -c "$AUDIT_PY" "${TRACERD_LOG:?}" "$@"
}

audit_count() {
	audit_q "$@" | wc -l
}

# reject_total FILTER...: how many rejects the matching `reject` events
# stand for (each carries a count: rejects are coalesced per second).
reject_total() {
	audit_q event=reject "$@" |
		"$PY" -c 'import json, sys; print(sum(json.loads(l).get("count", 0) for l in sys.stdin))'
}

# expect_in_out IN OUT: a program that made IN (inside the roots) and was
# refused OUT exited 1; IN exists, OUT does not, each has its record.
expect_in_out() {
	assert_rc 1
	assert_dir "$1"
	assert_absent "$2"
	expect_record path="$1" decision=emulated errno=null
	expect_record path="$2" decision=denied errno=EPERM
}

# expect_record FILTER...: exactly one record matches (calls are unique by path).
expect_record() {
	local n
	n=$(audit_count "$@")
	[ "$n" -eq 1 ] && return 0
	diag "--- records with ${1}:"
	audit_q "$1" | sed 's/^/  /' >&2 || true
	dump_tracerd
	fail "expected exactly 1 audit record matching [$*], found $n"
}

expect_no_record() {
	local n
	n=$(audit_count "$@")
	[ "$n" -eq 0 ] || { audit_q "$@" >&2; fail "expected no audit record matching [$*], found $n"; }
}

# expect_records N FILTER...
expect_records() {
	local want=$1 n
	shift
	n=$(audit_count "$@")
	[ "$n" -eq "$want" ] || { dump_tracerd; fail "expected $want audit records matching [$*], found $n"; }
}

# audit_wellformed LOG: every line is UTF-8 JSON with the keys of issue 2.
WELLFORMED_PY='
import json, re, sys
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|\+00:00)$")
need = ["ts", "pid", "tid", "uid", "exe", "comm", "cwd", "syscall", "path",
        "resolved", "mode", "decision", "errno"]
events = {"start", "stop", "attach", "detach", "reject", "reject-summary", "lost", "lost-records",
          "rotate", "reload"}
bad = 0
with open(sys.argv[1], "rb") as fh:
    data = fh.read()
if data and not data.endswith(b"\n"):
    print("last line is not terminated"); bad += 1
for n, raw in enumerate(data.splitlines(), 1):
    try:
        r = json.loads(raw.decode("utf-8"))
    except Exception as e:
        print("line %d: not UTF-8 JSON (%s): %r" % (n, e, raw[:200])); bad += 1; continue
    why = []
    if not ts.match(str(r.get("ts"))):
        why.append("ts")
    if "event" in r:
        if r["event"] not in events:
            why.append("event name")
    else:
        why += ["missing " + k for k in need if k not in r]
        if r.get("syscall") not in ("mkdir", "mkdirat"):
            why.append("syscall")
        if (r.get("syscall") == "mkdirat") != ("dirfd" in r):
            why.append("dirfd presence")
        if not re.match(r"^[0-7]{4}$", str(r.get("mode"))):
            why.append("mode")
        d = r.get("decision")
        if d not in ("emulated", "denied", "error"):
            why.append("decision")
        e = r.get("errno")
        if e is not None and not re.match(r"^E[A-Z0-9]+$", str(e)):
            why.append("errno")
        if d in ("denied", "error") and not r.get("reason"):
            why.append("reason missing")
        if d == "denied" and e != "EPERM" and not r.get("rule"):
            why.append("denied without EPERM (nor a rule errno=)")
    if why:
        print("line %d: %s: %s" % (n, ", ".join(why), raw[:300])); bad += 1
sys.exit(1 if bad else 0)
'
audit_wellformed() {
	"$PY" -c "$WELLFORMED_PY" "$1"
}

# ---------------------------------------------------------------- features
need_prog() {
	[ -x "$PROGS/$1" ] || fail "test program $PROGS/$1 is missing (make integration builds it)"
}

# nobody_files: $NBIN, a directory uid 65534 can use holding tracerd and
# libnotif.so: the build directory itself when nobody can reach it, else a
# 0755 copy. Sets NTRACERD and NLIB.
nobody_files() {
	if "${AS_NOBODY[@]}" test -x "$TRACERD" -a -r "$LIBNOTIF" -a -x "$PROGS/mk" 2>/dev/null; then
		NTRACERD=$TRACERD
		NLIB=$LIBNOTIF
		NPROGS=$PROGS
		return 0
	fi
	NBIN=$WORK/.nobody-bin
	mkdir -p "$NBIN/progs"
	cp "$TRACERD" "$NBIN/tracerd"
	cp "$LIBNOTIF" "$NBIN/libnotif.so"
	cp -r "$PROGS/." "$NBIN/progs/"
	chmod -R a+rX "$NBIN"
	NTRACERD=$NBIN/tracerd
	NLIB=$NBIN/libnotif.so
	NPROGS=$NBIN/progs
}

# mount_tmpfs DIR OPTIONS: a tmpfs unmounted by the cleanup trap.
mount_tmpfs() {
	mount -t tmpfs -o "$2" notif-it "$1" || return 1
	echo "$1" >>"$WORK/.priv/mounts"
}

# log_on_tmpfs SIZE NAME FUNCTION: a tracerd whose log is alone on a tmpfs
# of SIZE ($LOGFS), one test NAME running FUNCTION against it, stopped.
log_on_tmpfs() {
	LOGFS=$WORK/logfs-$1
	mkdir -p "$LOGFS"
	if mount_tmpfs "$LOGFS" "size=$1,mode=0700"; then
		TRACERD_LOG=$LOGFS/audit.jsonl
		start_tracerd --no-log --log "$TRACERD_LOG" || exit 1
		t "$2" "$3"
		stop_tracerd
	else
		t "$2" skip tmpfs "cannot mount a tmpfs (not root?)"
	fi
}

# mount_bind SRC DIR [OPTIONS]: a bind mount unmounted by the cleanup trap.
mount_bind() {
	mount --bind "$1" "$2" || return 1
	echo "$2" >>"$WORK/.priv/mounts"
	[ -z "${3:-}" ] || mount -o "remount,bind,$3" "$2"
}
