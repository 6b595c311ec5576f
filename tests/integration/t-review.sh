#!/bin/bash
# Issue 18's review: attacks on this session's code by a supervised program
# of the same uid, each a bug found and fixed (see the commit that added it).
. "$(dirname "$0")/lib.sh"

# exe= after an execve by another thread: when a thread of the group
# execs, the kernel kills the leader (its pending mkdir fails) and gives the
# leader's pid to the exec'ing thread, so /proc/PID of the dead call then
# names the new program. A rule with exe= for that program must not create
# the dead call's directory. A parent 1500 levels under the rule's
# directory makes the walk up to it (before the exe is read) long enough
# for the exec to land inside it most tries.
RACE='import os, sys, threading, time
os.chdir(sys.argv[1])
def other():
    time.sleep(float(sys.argv[2]))
    os.execv("/usr/bin/true", ["true"])
t = threading.Thread(target=other, daemon=True)
t.start()
try:
    os.mkdir(sys.argv[3])
except OSError:
    pass
t.join()'

E=$WORK/exe-race
mkdir -p "$E"
# relative steps: the chain is deep, not its path's walk from /
# (python3: bash's cd re-checks its logical $PWD, 35 s for the chain)
python3 -c 'import os, sys
os.chdir(sys.argv[1])
for _ in range(1500):
    os.mkdir("a")
    os.chdir("a")' "$E" || exit 1
DEEP=$E$(printf '/a%.0s' $(seq 1500))
printf 'allow %s exe=/usr/bin/true\n' "$E" >"$WORK/exe-race.policy"
# tries per race: a python3 start each (make test: 80, make check-long: 300)
TRIES=${NOTIF_REVIEW_TRIES:-80}

test_exe_exec_race() {
	local i d lost m=$1
	for i in $(seq "$TRIES"); do
		d=$(echo "0.0005 0.001 0.002 0.003" | cut -d' ' -f$((i % 4 + 1)))
		sup python3 -c "$RACE" "$DEEP" "$d" "$m$i" 2>/dev/null || true
	done
	for i in $(seq "$TRIES"); do
		[ ! -e "$DEEP/$m$i" ] || { grep "/$m$i\"" "$TRACERD_LOG" >&2; fail "$m$i created"; }
	done
	# the race was run: some calls were killed while tracerd held them
	lost=$(grep -c '"event":"lost"' "$TRACERD_LOG" || true)
	[ "$lost" -ge 1 ] || fail "no call was killed while tracerd held it: the race was not run"
}

# The same race against a deny rule with exe= (python3 may not create
# under $E, everything else under $WORK may): a call whose program cannot
# be known any more is refused, not judged by the rules without exe=.
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
printf 'allow %s\ndeny %s exe=%s\n' "$WORK" "$E" "$PY" >"$WORK/exe-deny.policy"

start_tracerd --policy "$WORK/exe-race.policy" || exit 1
t "exe=: a leader killed by another thread's execve is not judged as the new program" \
	test_exe_exec_race allow
stop_tracerd
start_tracerd --policy "$WORK/exe-deny.policy" || exit 1
t "deny exe=: a leader killed by another thread's execve is refused, not allowed above" \
	test_exe_exec_race deny
stop_tracerd
