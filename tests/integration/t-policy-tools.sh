#!/bin/bash
# Issue 19: tracerd policy check, suggest and what-if, on logs that real
# programs made under a real tracerd (its default: /tmp only).
. "$(dirname "$0")/lib.sh"

pol() { run "$TRACERD" policy "$@"; }

# mylog: the records of this test's calls (resolved under $IN or $XT)
mylog() {
	grep -F -e "\"resolved\":\"$IN/" -e "\"resolved\":\"$XT/" "$TRACERD_LOG" >"$T/log.jsonl" || true
	poll has_line "$T/log.jsonl" 1 || fail "no record of this test in $TRACERD_LOG"
}

# created: how many records of $T/log.jsonl made a directory
created() {
	"$PY" -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb"):
    r = json.loads(line)
    n += r.get("decision") == "emulated" and r.get("errno") is None
print(n)' "$T/log.jsonl"
}

# a real "build": a tar extraction into $IN/x, mkdir -p, a denial outside
build() {
	mkdir -p "$T/src/a/b/c" "$T/src/d" "$IN/x"
	tar -cf "$T/src.tar" -C "$T/src" .
	run sup tar -xf "$T/src.tar" -C "$IN/x"
	assert_rc 0
	assert_dir "$IN/x/a/b/c"
	run sup mkdir -p "$IN/p/q/r"
	assert_rc 0
	run sup mkdir "$XT/no"
	assert_rc 1
	mylog
}

test_check() {
	printf '# ok\nallow %s   # here\ndeny %s errno=EACCES\naudit /\nallow %s exe=/usr/bin/mkdir\n' \
		"$IN" "$XT" "$IN" >"$T/good"
	pol check "$T/good"
	assert_rc 0
	assert_eq "$(cat "$T/out" "$T/err")" "" "output of a valid file"
	printf 'allow %s\nfrob /tmp\ndeny /tmp errno=EIO\nallow %s/none\nallow %s\n' \
		"$IN" "$IN" "$IN" >"$T/bad"
	pol check "$T/bad"
	assert_rc 1
	assert_err_has "$T/bad:2: unknown action 'frob'"
	assert_err_has "$T/bad:3: errno=EIO"
	assert_err_has "$T/bad:4: directory $IN/none does not exist"
	assert_err_has "$T/bad:5: duplicate of the rule on line 1"
	mkdir -p "$IN/cfg/tracerd"
	printf 'allow %s\n' "$IN" >"$IN/cfg/tracerd/policy"
	XDG_CONFIG_HOME=$IN/cfg run "$TRACERD" policy check
	assert_rc 0
	pol check a b
	assert_rc 2
	pol frobnicate
	assert_rc 2
}

test_hostile_file() {
	head -c 100000 /dev/zero | tr '\0' 'a' >"$T/long"
	pol check "$T/long"
	assert_rc 1
	assert_err_has "$T/long:1: line longer than 4096 bytes"
	yes '# x' | head -n 200000 >"$T/many"
	pol check "$T/many"
	assert_rc 1
	assert_err_has "$T/many:100001: more than 100000 lines"
	pol check /dev/zero
	assert_rc 1
	assert_err_has "not a regular file"
}

test_suggest_build() {
	local n
	build
	n=$(created)
	[ "$n" -ge 7 ] || fail "only $n created records"
	pol suggest "$T/log.jsonl"
	assert_rc 0
	cp "$T/out" "$T/policy"
	assert_eq "$(grep -v '^#' "$T/policy" | grep -c .)" 1 "rules suggested"
	grep -qx "allow $IN" "$T/policy" || { cat "$T/policy" >&2; fail "not allow $IN"; }
	grep -qx "# $n calls created" "$T/policy" || { cat "$T/policy" >&2; fail "count not $n"; }
	pol check "$T/policy"
	assert_rc 0
	pol what-if "$T/policy" "$T/log.jsonl"
	assert_rc 0
	grep -q "replayed by path, not by identity" "$T/out" || fail "no by-path note"
	assert_eq "$(tail -n 1 "$T/out")" "0 of $((n + 1)) calls would change"
	pol suggest --keep-denials "$T/log.jsonl"
	cp "$T/out" "$T/policy2"
	grep -qx "deny $XT" "$T/policy2" || { cat "$T/policy2" >&2; fail "no deny $XT"; }
	pol check "$T/policy2"
	assert_rc 0
	pol what-if "$T/policy2" "$T/log.jsonl"
	assert_eq "$(tail -n 1 "$T/out")" "0 of $((n + 1)) calls would change"
}

test_whatif_changes() {
	local n
	build
	n=$(created)
	printf 'allow %s\ndeny %s/x errno=EACCES\nallow %s\n' "$IN" "$IN" "$XT" >"$T/policy"
	pol what-if "$T/policy" "$T/log.jsonl"
	assert_rc 0
	grep -qx "$IN/x/a: emulated -> denied EACCES ($T/policy:2)" "$T/out" ||
		{ show_run; fail "tar's call not shown denied by line 2"; }
	grep -qx "$XT/no: denied EPERM -> emulated ($T/policy:3)" "$T/out" ||
		{ show_run; fail "the denial not shown allowed by line 3"; }
	grep -q "^$IN/p" "$T/out" && fail "mkdir -p's calls shown changed"
	# tar made a, a/b, a/b/c, d under x: 4 calls, and the denied one
	assert_eq "$(tail -n 1 "$T/out")" "5 of $((n + 1)) calls would change"
	printf 'allow %s/p\n' "$IN" >"$T/narrow"
	pol what-if "$T/narrow" "$T/log.jsonl"
	grep -qx "$IN/p: emulated -> denied EPERM (no rule)" "$T/out" || { show_run; fail "no-rule"; }
}

test_suggest_gone() {
	build
	rm -rf "$IN/x" "$IN/p"
	mv "$IN" "$IN.gone"
	pol suggest "$T/log.jsonl"
	mv "$IN.gone" "$IN"
	assert_rc 0
	grep -qx "allow $IN if-exists" "$T/out" || { show_run; fail "no if-exists rule"; }
	cp "$T/out" "$T/policy"
	rm -rf "$IN.gone"
	mv "$IN" "$IN.gone"
	pol check "$T/policy"
	mv "$IN.gone" "$IN"
	assert_rc 0
}

test_suggest_home() {
	# the home and its ancestors take a rule only when a call was made
	# right in them; calls deeper get one rule per directory below it
	local h=$IN/home
	mkdir -p "$h/src/a" "$h/doc"
	run sup mkdir "$h/src/a/1" "$h/src/a/2" "$h/src/3" "$h/doc/4"
	assert_rc 0
	mylog
	HOME=$h run "$TRACERD" policy suggest "$T/log.jsonl"
	assert_eq "$(grep -v '^#' "$T/out" | grep . | tr '\n' ' ')" "allow ~/doc allow ~/src " "rules"
	run sup mkdir "$h/5"
	mylog
	HOME=$h run "$TRACERD" policy suggest "$T/log.jsonl"
	assert_eq "$(grep -v '^#' "$T/out" | grep . | tr '\n' ' ')" "allow ~ " "rules"
	grep -qx "# 5 calls created" "$T/out" || { show_run; fail "count"; }
	cp "$T/out" "$T/policy"
	HOME=$h run "$TRACERD" policy check "$T/policy"
	assert_rc 0
}

test_default_logs() {
	# no LOG: the default log's rotated files, oldest first, then itself
	local st=$IN/state/tracerd
	mkdir -p "$st" "$IN/d1" "$IN/d2"
	printf '{"ts":"x","resolved":"%s/d1/a","decision":"emulated","errno":null}\n' "$IN" \
		>"$st/audit.jsonl.2"
	printf '{"ts":"x","resolved":"%s/d2/b","decision":"emulated","errno":null}\n' "$IN" \
		>"$st/audit.jsonl.1"
	printf '{"ts":"x","event":"start","pid":1}\nnot json\n' >"$st/audit.jsonl"
	XDG_STATE_HOME=$IN/state run "$TRACERD" policy suggest
	assert_rc 0
	grep -q "2 created and 0 denied calls in 3 logs" "$T/out" || { show_run; fail "not 3 logs"; }
	grep -qx "allow $IN" "$T/out" || { show_run; fail "d1 and d2 not joined under $IN"; }
	assert_err_has "1 lines of the logs are not records"
	XDG_STATE_HOME=$IN/none run "$TRACERD" policy suggest
	assert_rc 1
	assert_err_has "no log to read"
}

start_tracerd || exit 1
t "policy check: valid silent 0, errors FILE:LINE 1, usage 2, default file" test_check
t "policy check: a 100 kB line, 200 000 lines, /dev/zero refused, bounded" test_hostile_file
t "suggest on a tar extraction and mkdir -p: one rule that check and what-if accept" \
	test_suggest_build
t "what-if: changed calls with old, new decision and FILE:LINE; count line" test_whatif_changes
t "suggest: a directory gone since is suggested if-exists and passes check" test_suggest_gone
t "suggest: never the home itself unless a call was made right in it" test_suggest_home
t "suggest: default logs, rotated ones first; events and junk lines passed over" \
	test_default_logs
stop_tracerd
