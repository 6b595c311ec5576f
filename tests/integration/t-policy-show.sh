#!/bin/bash
# Issue 19, `tracerd policy show` (through the status request of issue 18):
# a daemon started with --policy FILE shows exactly the file's rules, each
# named FILE:LINE, generation 1, and the output passes `tracerd policy
# check`; after an edit and SIGHUP, generation 2 and the new rules (an
# if-exists rule whose directory appeared now in force); a broken file
# changes nothing; `tracerd status` says the same (text and --json);
# --allow roots named --allow:N; a path the syntax cannot hold is said,
# exit 1; no daemon: exit 3; a usage error: exit 2; a tracerd of before
# the policy: status reads it, show says it is too old; a newer answer's
# unknown lines and keys are skipped.
. "$(dirname "$0")/lib.sh"

P=$WORK/show
F=$WORK/show.policy
mkdir -p "$P"/{a,b,c,d,"sp ace"}

cat >"$F" <<EOF
# t-policy-show
allow $P/a
deny  $P/b errno=EACCES     # refused like a read-only tree
deny  $P/c
audit $P/d
allow $P/a exe=/usr/bin/mkdir
allow $P/later if-exists
EOF

# show: `tracerd policy show` into $T/out, exit 0, and its rules as
# "WORDS|NAME" lines in $T/rules (skipped ones as "skipped: WORDS|NAME")
show() {
	run "$TRACERD" policy show
	assert_rc 0 "tracerd policy show"
	assert_err_empty
	sed -nE -e 's/^# skipped \(if-exists, no directory at load\): (.*[^ ]) +# (.*)$/skipped: \1|\2/p' \
		-e '/^#/d' -e 's/^(.*[^ ]) +# (.*)$/\1|\2/p' "$T/out" >"$T/rules"
	# every line is the first comment, a rule or a skipped rule
	[ "$(wc -l <"$T/out")" -eq $(($(wc -l <"$T/rules") + 1)) ] ||
		{ show_run; fail "lines that are neither a rule nor a skipped rule"; }
}

# the output is a policy file that `tracerd policy check` takes as it stands
check_passes() {
	cp "$T/out" "$T/shown.policy"
	run "$TRACERD" policy check "$T/shown.policy"
	assert_rc 0 "tracerd policy check of the shown policy"
	[ ! -s "$T/out" ] || { show_run; fail "policy check printed something"; }
}

# reloaded N: SIGHUP, then poll for the reload event of generation N (or,
# with ok=False, the Nth refused reload)
reloaded() {
	kill -HUP "$TRACERD_SIGPID"
	poll has_record event=reload "$@" || { dump_tracerd; fail "no reload event [$*]"; }
}

test_file() {
	show
	head -n 1 "$T/out" | grep -qx "# policy in force in tracerd pid $TRACERD_SIGPID: $F, gen 1, 6 rules" ||
		{ show_run; fail "first line"; }
	cat >"$T/want" <<EOF
allow $P/a|$F:2
deny $P/b errno=EACCES|$F:3
deny $P/c|$F:4
audit $P/d|$F:5
allow $P/a exe=/usr/bin/mkdir|$F:6
skipped: allow $P/later if-exists|$F:7
EOF
	diff -u "$T/want" "$T/rules" >&2 || { show_run; fail "the rules shown are not the file's"; }
	check_passes
}

test_status() {
	run "$TRACERD" status
	assert_rc 0 "tracerd status"
	grep -qx "policy:    $F (gen 1, 6 rules, 1 skipped)" "$T/out" || { show_run; fail "policy line"; }
	grep -qx "roots:     $P/a $P/d" "$T/out" || { show_run; fail "roots: each allowed directory once"; }
	run "$TRACERD" status --json
	assert_rc 0 "tracerd status --json"
	"$PY" - "$T/out" "$F" "$P" <<'EOF' || { show_run; fail "--json's policy keys"; }
import json, sys
s = json.load(open(sys.argv[1]))
f, p = sys.argv[2], sys.argv[3]
assert s["policy"] == f and s["policy_gen"] == 1 and s["rules_total"] == 6, s
r = s["rules"]
assert [x["rule"] for x in r] == ["%s:%d" % (f, i) for i in range(2, 8)], r
assert r[1] == {"rule": f + ":3", "action": "deny", "dir": p + "/b", "errno": "EACCES",
                "exe": None, "skipped": False}, r[1]
assert r[2]["errno"] == "EPERM" and r[3]["action"] == "audit" and r[3]["errno"] is None, r
assert r[4]["exe"] == "/usr/bin/mkdir" and r[5]["skipped"] is True, r
assert not any(x["skipped"] for x in r[:5]), r
EOF
}

test_reload() {
	mkdir "$P/later"
	cat >"$F" <<EOF
deny  $P/a errno=EROFS
allow $P/later if-exists
EOF
	reloaded policy_gen=2
	show
	head -n 1 "$T/out" | grep -qx "# policy in force in tracerd pid $TRACERD_SIGPID: $F, gen 2, 2 rules" ||
		{ show_run; fail "first line after the reload"; }
	printf '%s\n' "deny $P/a errno=EROFS|$F:1" "allow $P/later|$F:2" >"$T/want"
	diff -u "$T/want" "$T/rules" >&2 || { show_run; fail "the rules after the reload"; }
	check_passes
	# a broken file is refused whole: generation 2 and its rules stay
	cp "$T/rules" "$T/before"
	echo "permit $P/a" >"$F"
	reloaded ok=False
	show
	head -n 1 "$T/out" | grep -q ", gen 2, 2 rules$" || { show_run; fail "a broken file changed the generation"; }
	diff -u "$T/before" "$T/rules" >&2 || fail "a broken file changed the rules shown"
}

test_unwritable() {
	# a rule through a symlink is loaded as its real path, which has a space
	ln -s "$P/sp ace" "$P/link"
	echo "allow $P/link" >"$F"
	reloaded policy_gen=3
	run "$TRACERD" policy show
	assert_rc 1 "a rule the syntax cannot hold"
	assert_err_has "1 rule cannot be written in the policy file's syntax"
	grep -qx "# not writable in the file's syntax: allow $P/sp ace  # $F:1" "$T/out" ||
		{ show_run; fail "the unwritable rule is not said as a comment"; }
}

test_allow() {
	show
	head -n 1 "$T/out" | grep -qx "# policy in force in tracerd pid $TRACERD_SIGPID: the --allow roots or the default (no file), gen 1, 2 rules" ||
		{ show_run; fail "first line with --allow"; }
	printf '%s\n' "allow $P/c|--allow:1" "allow $P/b|--allow:2" >"$T/want"
	diff -u "$T/want" "$T/rules" >&2 || { show_run; fail "the --allow rules"; }
	check_passes
	run "$TRACERD" status
	grep -qx "policy:    --allow (gen 1, 2 rules)" "$T/out" || { show_run; fail "status's policy line"; }
}

test_none() {
	run "$TRACERD" policy show --socket "notif-none-$$"
	assert_rc 3 "no daemon"
	assert_err_has "tracerd policy show: no tracerd serves @notif-none-$$"
	[ ! -s "$T/out" ] || fail "printed something: $(cat "$T/out")"
	run "$TRACERD" policy show --bogus
	assert_rc 2 "an unknown option"
	run "$TRACERD" policy show extra
	assert_rc 2 "an argument"
	run "$TRACERD" policy show --socket
	assert_rc 2 "--socket without a name"
}

# A fake tracerd on socket argv[1] answering each status request of
# argv[3] connections with the text of the file argv[2] (version 3, OK);
# argv[4] is made once it listens.
FAKE='
import socket, struct, sys
text = open(sys.argv[2], "rb").read()
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(4)
s.settimeout(10)
open(sys.argv[4], "w").close()
for _ in range(int(sys.argv[3])):
    c, _ = s.accept()
    c.recv(64)
    c.sendall(struct.pack("<IHHQ", 0x4e4f5446, 3, 0, len(text)) + text)
    c.close()
'
HEAD18='{"tracerd":"status","pid":7,"version":"0.1.0","started":"2026-01-01T00:00:00.000000Z","uptime_ms":5,"socket":"@s","threads":4,"busy":0,"parked":0,"stalled":0,"programs":0,"listed":0,"emulated":0,"denied":0,"error":0,"lost":0,"lost_records":0,"roots":1,"outputs":0'

# fake_ask TEXT CMD...: CMD (tracerd ... --socket NAME appended) against a
# fake answering TEXT, its status and output as run's
fake_ask() {
	local name=notif-fake-$$-$RANDOM text=$1
	shift
	printf '%s\n' "$text" >"$T/fake.text"
	rm -f "$T/fake.ready"
	"$PY" -c "$FAKE" "$name" "$T/fake.text" 1 "$T/fake.ready" 2>"$T/fake.err" &
	poll test -e "$T/fake.ready" || fail "the fake did not start"
	run "$@" --socket "$name"
	wait $! || fail "the fake failed: $(cat "$T/fake.err")"
}

test_versions() {
	# a tracerd of issue 18 (no policy): status reads it, show says why not
	fake_ask "$HEAD18}"$'\n''{"root":"/tmp"}' "$TRACERD" status
	assert_rc 0 "status from a tracerd without the policy keys"
	grep -q '^policy:' "$T/out" && { show_run; fail "a policy line from a tracerd without one"; }
	grep -qx 'roots:     /tmp' "$T/out" || { show_run; fail "the roots of the older answer"; }
	fake_ask "$HEAD18}" "$TRACERD" policy show
	assert_rc 1 "show against a tracerd without the policy keys"
	assert_err_has "tracerd policy show: tracerd 0.1.0 (pid 7) is too old to say its policy"
	# a newer one: keys, a line kind and a rule key unknown here are skipped
	fake_ask "$HEAD18"',"policy_gen":5,"policy":"/p","rules":1,"later":"x"}'$'\n''{"quota":1}'$'\n''{"rule":"/p:3","action":"allow","dir":"/tmp","errno":null,"exe":null,"skipped":false,"hits":9}' \
		"$TRACERD" policy show
	assert_rc 0 "show against a newer answer"
	assert_out "# policy in force in tracerd pid 7: /p, gen 5, 1 rule"$'\n'"allow /tmp                                # /p:3"
}

start_tracerd --policy "$F" || exit 1
t "policy show: the file's rules, each FILE:LINE, gen 1; policy check passes" test_file
t "status: the policy line and --json's policy keys" test_status
t "SIGHUP: gen 2 and the new rules; a broken file changes nothing" test_reload
t "a rule whose path the syntax cannot hold: said as a comment, exit 1" test_unwritable
stop_tracerd
start_tracerd --allow "$P/c" --allow "$P/b" || exit 1
t "--allow: the rules named --allow:N, no file" test_allow
stop_tracerd
t "no daemon: exit 3; usage errors: exit 2" test_none
t "answers of an older and a newer tracerd: read, or said why not" test_versions
