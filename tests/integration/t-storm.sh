#!/bin/bash
# Issue 5, client storms: thousands of connect/close per second, clients
# that connect and never speak (each handshake has a 2 s deadline), many
# idle supervised programs. tracerd's fd count stays bounded and returns to
# its baseline, every well-behaved client started during a storm is served.
# NOTIF_STORM="SECONDS SILENT IDLE" (`make test`: the small default;
# long/t-storm.sh: 10 s, 10 000 silent connections, 10 000 idle programs).
. "$(dirname "$0")/lib.sh"

read -r S_SECS S_SILENT S_IDLE <<<"${NOTIF_STORM:-1 1000 2000}"
PENDING_MAX=256		# tracerd's cap on handshakes in progress
DEADLINE_MS=2000	# tracerd's handshake deadline
exec 5>&1		# figures for the TAP stream

tracerd_fds() { ls "/proc/$TRACERD_PID/fd" | wc -l; }
tracerd_rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$TRACERD_PID/status"; }
fds_at_most() { [ "$(tracerd_fds)" -le "$1" ]; }
field() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" "$2" | tail -n 1; }

all_done() {
	local f
	for f in "$@"; do
		grep -q '^\(connects\|closed\)=' "$f" 2>/dev/null || return 1
	done
}

# served_until FILE...: well-behaved clients (mk under the library), one
# after another, until every storm output FILE has its final line; each
# must be served: answered 0, its directory made. SERVED: how many;
# FDMAX: the most fds tracerd had meanwhile.
served_until() {
	local i=0 f
	FDMAX=0
	until all_done "$@"; do
		run sup "$PROGS/mk" mkdir "$IN/w$i"
		[ "$RC" -eq 0 ] && [ "$(cat "$T/out")" = 0 ] ||
			{ show_run; fail "well-behaved client $i was not served during the storm"; }
		f=$(tracerd_fds)
		[ "$f" -le "$FDMAX" ] || FDMAX=$f
		i=$((i + 1))
	done
	SERVED=$i
	[ "$SERVED" -ge 3 ] || fail "only $SERVED clients ran during the storm"
	expect_records "$SERVED" path^="$IN/w" decision=emulated errno=null
	[ "$(find "$IN" -mindepth 1 -name 'w*' | wc -l)" -eq "$SERVED" ] ||
		fail "directories without records"
}

churn_start() {
	need_prog storm
	local i
	for i in 1 2; do
		"$PROGS/storm" churn "$TRACERD_SOCKET" "$S_SECS" >"$T/churn$i.out" 2>&1 &
	done
}

silent_start() {
	need_prog storm
	"$PROGS/storm" silent "$TRACERD_SOCKET" "$1" 30 >"$T/silent.out" 2>&1 &
}

# every silent connection was closed by tracerd (none left to the client)
silent_closed() {
	[ "$(field closed "$T/silent.out")" = "$1" ] ||
		{ cat "$T/silent.out" >&2; fail "tracerd did not close all $1 silent connections"; }
}

back_to() {
	poll fds_at_most "$1" || fail "tracerd fds: $1 before, $(tracerd_fds) after"
	kill -0 "$TRACERD_PID" || fail "tracerd died"
}

# connect/close at full speed from two processes: every connection is
# accounted for (in the counts of the coalesced `reject` events), clients
# meanwhile are served
test_churn() {
	local base rej0 n rate
	base=$(tracerd_fds)
	rej0=$(reject_total reason="closed before the hello")
	churn_start
	served_until "$T/churn1.out" "$T/churn2.out"
	wait
	n=$(($(field connects "$T/churn1.out") + $(field connects "$T/churn2.out")))
	rate=$(($(field per_s "$T/churn1.out") + $(field per_s "$T/churn2.out")))
	[ "$(field errors "$T/churn1.out")$(field errors "$T/churn2.out")" = 00 ] ||
		fail "connections failed: $(cat "$T"/churn*.out)"
	[ "$FDMAX" -le $((base + PENDING_MAX + 8)) ] || fail "tracerd fds reached $FDMAX (base $base)"
	back_to "$base"
	# each connection was counted before it was closed; the last
	# second's count is written when the second ends
	poll eval '[ $(($(reject_total reason="closed before the hello") - rej0)) -ge '"$n"' ]' || true
	assert_eq "$(($(reject_total reason="closed before the hello") - rej0))" "$n" \
		"rejects counted for $n connect/close"
	echo "# churn: $n connect/close in $S_SECS s ($rate/s), each counted in a reject event;" \
		"$SERVED clients served meanwhile; tracerd fds $base, at most $FDMAX" >&5
}

# fewer silent clients than the handshake cap: each is closed at the
# deadline, not before, not long after
test_silent_deadline() {
	local base min max
	base=$(tracerd_fds)
	silent_start 100
	poll has_line "$T/silent.out" 1 || fail "storm did not connect"
	served_until "$T/silent.out"
	wait
	silent_closed 100
	min=$(field min_ms "$T/silent.out")
	max=$(field max_ms "$T/silent.out")
	[ "$min" -ge $((DEADLINE_MS - 100)) ] && [ "$max" -le $((DEADLINE_MS + 1000)) ] ||
		fail "silent connections closed after $min-$max ms, deadline $DEADLINE_MS ms"
	back_to "$base"
	echo "# silent: 100 connections closed after $min-$max ms (deadline $DEADLINE_MS);" \
		"$SERVED clients served meanwhile" >&5
}

# a burst of silent connections and a connect/close storm at once: the
# oldest handshakes give way, fds stay bounded, clients are served
test_storm_mixed() {
	local base max
	base=$(tracerd_fds)
	churn_start
	silent_start "$S_SILENT"
	served_until "$T/churn1.out" "$T/churn2.out" "$T/silent.out"
	wait
	silent_closed "$S_SILENT"
	max=$(field max_ms "$T/silent.out")
	[ "$max" -le $((DEADLINE_MS + 1000)) ] || fail "a silent connection stayed $max ms"
	[ "$FDMAX" -le $((base + PENDING_MAX + 8)) ] || fail "tracerd fds reached $FDMAX (base $base)"
	back_to "$base"
	echo "# mixed: $S_SILENT silent + $(($(field connects "$T/churn1.out") + $(field connects "$T/churn2.out")))" \
		"connect/close; $SERVED clients served; tracerd fds $base, at most $FDMAX, after $(tracerd_fds)" >&5
}

# many idle supervised programs: one fd each, served alongside, all freed
test_idle() {
	need_prog idlers
	local base rss0 rss1 fds1 att0 det0 i
	base=$(tracerd_fds)
	rss0=$(tracerd_rss)
	att0=$(audit_count event=attach)
	det0=$(audit_count event=detach)
	mkfifo "$T/idle.fifo"
	"$PROGS/idlers" "$LIBNOTIF" "$S_IDLE" <"$T/idle.fifo" >"$T/idle.out" 2>"$T/idle.err" &
	local bg=$!
	exec 6>"$T/idle.fifo"
	# settled, or gone early (fork refused: pids or threads exhausted)
	poll_long eval 'has_line "$T/idle.out" 1 || ! kill -0 '"$bg"' 2>/dev/null' ||
		fail "idlers did not settle"
	has_line "$T/idle.out" 1 || fail "idlers exited early: $(tail -n 2 "$T/idle.err")"
	assert_eq "$(cat "$T/idle.out")" "attached=$S_IDLE refused=0 mkdir_failed=0" "idlers"
	fds1=$(tracerd_fds)
	rss1=$(tracerd_rss)
	[ "$fds1" -le $((base + S_IDLE + 8)) ] || fail "tracerd fds: $fds1 with $S_IDLE idle programs"
	for ((i = 0; i < 10; i++)); do
		run sup "$PROGS/mk" mkdir "$IN/w$i"
		assert_out 0
	done
	expect_records 10 path^="$IN/w" decision=emulated errno=null
	exec 6>&-
	wait "$bg" || fail "idlers exited $?"
	back_to "$base"
	detached() { [ "$(audit_count event=detach)" -eq $((det0 + S_IDLE + 10)) ]; }
	poll detached || fail "$(($(audit_count event=detach) - det0)) detach events"
	assert_eq "$(($(audit_count event=attach) - att0))" $((S_IDLE + 10)) "attach events"
	echo "# idle: $S_IDLE programs attached: tracerd fds $base -> $fds1 -> $(tracerd_fds)," \
		"RSS $rss0 -> $rss1 -> $(tracerd_rss) kB" >&5
}

# poll_long CMD...: as poll, for up to 10 minutes
poll_long() { POLL_TRIES=60000 poll "$@"; }

# one tracerd per storm: each storm logs a reject event per connection
start_tracerd || exit 1
t "connect/close storm ($S_SECS s, 2 processes): bounded, all accounted for, clients served" \
	test_churn
stop_tracerd
start_tracerd || exit 1
t "$S_SILENT silent connections + connect/close storm: bounded, clients served" \
	test_storm_mixed
stop_tracerd
start_tracerd || exit 1
t "100 clients that never speak: closed at the 2 s deadline; clients served" \
	test_silent_deadline
t "$S_IDLE idle supervised programs: one fd each, clients served, back to baseline" test_idle
stop_tracerd
