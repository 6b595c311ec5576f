#!/bin/bash
# Issue 19: the daemon's policy file with real programs: each action, exe=,
# rules as identities (symlink, .., bind mount), nearest wins, no match,
# usage errors, the default file, and SIGHUP reloads under load.
. "$(dirname "$0")/lib.sh"

# The directories the first policy names, and the file (line numbers are
# asserted: keep them in step with the records' "rule" below).
P=$WORK/pol
F=$WORK/policy
mkdir -p "$P"/{allow,deny,perm,audit,exe,a/b,real,x,up}
ln -s "$P/real" "$P/lnk"
cat >"$F" <<EOF
# t-policy: the first tracerd's policy
allow $P/allow
deny  $P/deny errno=EACCES
deny  $P/perm
audit $P/audit                    # created, and recorded as audited
allow $P/exe exe=/usr/bin/mkdir
deny  $P/exe errno=EROFS
allow $P/a
deny  $P/a/b
allow $P/lnk                      # a symlink to $P/real
allow $P/x/../up
EOF

# run_pid CMD...: CMD supervised, its pid in TPID (as t-mkdir.sh)
run_pid() {
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$@"
	TPID=$(cat "$T/pid")
}

# pymkdir PATH: python3 makes the same mkdir(2) call; prints 0 or the errno name
PYMKDIR='import errno, os, sys
try:
    os.mkdir(sys.argv[1])
    print(0)
except OSError as e:
    print(errno.errorcode[e.errno])'

test_allow() {
	run_pid mkdir "$P/allow/d"
	assert_rc 0
	assert_err_empty
	assert_dir "$P/allow/d"
	expect_record pid="$TPID" path="$P/allow/d" decision=emulated errno=null rule="$F:2" \
		policy_gen=1
}

test_deny_eacces() {
	run_pid mkdir "$P/deny/d"
	assert_rc 1
	assert_err_has "cannot create directory '$P/deny/d': Permission denied"
	assert_absent "$P/deny/d"
	expect_record pid="$TPID" path="$P/deny/d" decision=denied errno=EACCES rule="$F:3" \
		policy_gen=1 reason?
	# mkdir -p stops at the first refusal, as on a read-only tree
	run_pid mkdir -p "$P/deny/p/q"
	assert_rc 1
	assert_absent "$P/deny/p"
	# (mkdir -p makes its calls relative, one directory at a time)
	expect_record pid="$TPID" resolved="$P/deny/p" errno=EACCES rule="$F:3"
	expect_no_record resolved="$P/deny/p/q"
}

test_deny_eperm() {
	run_pid mkdir "$P/perm/d"
	assert_rc 1
	assert_err_has "cannot create directory '$P/perm/d': Operation not permitted"
	assert_absent "$P/perm/d"
	expect_record pid="$TPID" path="$P/perm/d" decision=denied errno=EPERM rule="$F:4" \
		policy_gen=1
}

test_audit() {
	run_pid mkdir -p "$P/audit/d/e"
	assert_rc 0
	assert_dir "$P/audit/d/e"
	expect_record pid="$TPID" resolved="$P/audit/d" decision=emulated errno=null action=audit \
		rule="$F:5" policy_gen=1
	expect_record pid="$TPID" resolved="$P/audit/d/e" decision=emulated errno=null action=audit \
		rule="$F:5"
	# an allowed call is not marked audited
	run_pid mkdir "$P/allow/not-audit"
	expect_record pid="$TPID" path="$P/allow/not-audit" action!=audit
}

test_exe() {
	run_pid mkdir "$P/exe/by-mkdir"
	assert_rc 0
	assert_dir "$P/exe/by-mkdir"
	expect_record pid="$TPID" path="$P/exe/by-mkdir" exe=/usr/bin/mkdir errno=null rule="$F:6"
	# python3 making the same call: the plain rule on the same directory
	run_pid "$PY" -c "$PYMKDIR" "$P/exe/by-python"
	assert_out EROFS
	assert_absent "$P/exe/by-python"
	expect_record pid="$TPID" path="$P/exe/by-python" errno=EROFS rule="$F:7"
	# the identity, not the name: a symlink to mkdir is mkdir, a copy is not
	ln -s /usr/bin/mkdir "$IN/ln-mkdir"
	cp /usr/bin/mkdir "$IN/mkdir"
	run_pid "$IN/ln-mkdir" "$P/exe/by-link"
	assert_rc 0
	expect_record pid="$TPID" path="$P/exe/by-link" errno=null rule="$F:6"
	run_pid "$IN/mkdir" "$P/exe/by-copy"
	assert_rc 1
	assert_absent "$P/exe/by-copy"
	expect_record pid="$TPID" path="$P/exe/by-copy" errno=EROFS rule="$F:7"
}

test_nearest() {
	run_pid mkdir "$P/a/x"
	assert_rc 0
	expect_record pid="$TPID" path="$P/a/x" errno=null rule="$F:8"
	run_pid mkdir "$P/a/b/c"
	assert_rc 1
	assert_absent "$P/a/b/c"
	expect_record pid="$TPID" path="$P/a/b/c" decision=denied errno=EPERM rule="$F:9"
	# two levels below the deny, three below the allow: still the deny
	mkdir -p "$P/a/b/n1/n2"
	run_pid mkdir "$P/a/b/n1/n2/z"
	assert_rc 1
	assert_absent "$P/a/b/n1/n2/z"
	expect_record pid="$TPID" path="$P/a/b/n1/n2/z" errno=EPERM rule="$F:9"
	# and the allow again beside the deny, deeper
	mkdir -p "$P/a/y1/y2"
	run_pid mkdir "$P/a/y1/y2/z"
	assert_rc 0
	expect_record pid="$TPID" path="$P/a/y1/y2/z" errno=null rule="$F:8"
}

test_identity() {
	# the rule named $P/lnk (a symlink) is on $P/real, however it is reached
	run_pid mkdir "$P/real/r1" "$P/lnk/r2"
	assert_rc 0
	assert_dir "$P/real/r1"
	assert_dir "$P/real/r2"
	expect_record pid="$TPID" path="$P/real/r1" errno=null rule="$F:10"
	expect_record pid="$TPID" path="$P/lnk/r2" resolved="$P/real/r2" errno=null rule="$F:10"
	ln -s "$P/real" "$XT/elsewhere"
	run_pid mkdir "$XT/elsewhere/r3"
	assert_rc 0
	assert_dir "$P/real/r3"
	expect_record pid="$TPID" path="$XT/elsewhere/r3" resolved="$P/real/r3" rule="$F:10"
	# the rule named $P/x/../up is on $P/up, reached with or without ..
	run_pid mkdir "$P/up/u1" "$P/x/../up/u2" "$P/real/../up/u3"
	assert_rc 0
	expect_record pid="$TPID" path="$P/up/u1" errno=null rule="$F:11"
	expect_record pid="$TPID" path="$P/x/../up/u2" resolved="$P/up/u2" errno=null rule="$F:11"
	expect_record pid="$TPID" path="$P/real/../up/u3" resolved="$P/up/u3" errno=null \
		rule="$F:11"
}

test_bind() {
	mkdir "$XT/bind"
	mount_bind "$P/real" "$XT/bind" || skip mount "cannot bind-mount (not root?)"
	# the same directory through another mount: another identity, no rule
	run_pid mkdir "$XT/bind/b1"
	assert_rc 1
	assert_err_has "Operation not permitted"
	assert_absent "$P/real/b1"
	expect_record pid="$TPID" path="$XT/bind/b1" decision=denied errno=EPERM policy_gen=1
	expect_no_record path="$XT/bind/b1" rule?
}

test_no_match() {
	# outside every rule, /tmp included (the policy replaces the default)
	run_pid mkdir "$XT/n" "$IN/n"
	assert_rc 1
	assert_absent "$XT/n"
	assert_absent "$IN/n"
	expect_record pid="$TPID" path="$XT/n" decision=denied errno=EPERM policy_gen=1
	expect_record pid="$TPID" path="$IN/n" decision=denied errno=EPERM policy_gen=1
	expect_no_record pid="$TPID" rule?
}

# tracerd_exits ARGS...: a tracerd that must refuse to start; status in RC
tracerd_exits() {
	run timeout -k 2 10 "$TRACERD" --socket "notif-test-$$-refused" --log "$T/refused.jsonl" "$@"
	grep -q "@notif-test-$$-refused\$" /proc/net/unix && fail "it listened"
	return 0
}

test_usage() {
	tracerd_exits --allow "$P/allow" --policy "$F"
	assert_rc 2 "--allow with --policy"
	[ -s "$T/err" ] || fail "no message for --allow with --policy"
	tracerd_exits --policy "$F" --allow "$P/allow"
	assert_rc 2 "--policy with --allow"
}

test_bad_at_start() {
	printf 'allow %s\nfrob %s\ndeny %s errno=EIO\nallow %s/none\nallow %s\n' \
		"$P/allow" "$P/allow" "$P/deny" "$P" "$P/allow" >"$T/bad"
	tracerd_exits --policy "$T/bad"
	assert_rc 2 "a policy with errors"
	assert_err_has "$T/bad:2: unknown action 'frob'"
	assert_err_has "$T/bad:3: errno=EIO"
	assert_err_has "$T/bad:4: directory $P/none does not exist"
	assert_err_has "$T/bad:5: duplicate of the rule on line 1"
	tracerd_exits --policy "$T/none"
	assert_rc 2 "a policy file that does not exist"
	assert_err_has "$T/none"
}

test_default_file() {
	# allowed outside /tmp by the default file's line 2; /tmp denied by line 3
	run_pid mkdir "$OUT/dflt/d"
	assert_rc 0
	assert_dir "$OUT/dflt/d"
	expect_record pid="$TPID" path="$OUT/dflt/d" errno=null rule="$CFG/tracerd/policy:2" \
		policy_gen=1
	run_pid mkdir "$WORK/dflt-tmp"
	assert_rc 1
	assert_err_has "Read-only file system"
	assert_absent "$WORK/dflt-tmp"
	expect_record pid="$TPID" path="$WORK/dflt-tmp" errno=EROFS rule="$CFG/tracerd/policy:3"
}

start_tracerd --policy "$F" || exit 1
t "allow: created, the record names the rule's line and policy_gen 1" test_allow
t "deny errno=EACCES: Permission denied, nothing created, mkdir -p stops" test_deny_eacces
t "deny: EPERM by default, nothing created" test_deny_eperm
t "audit: created, records say \"action\":\"audit\"" test_audit
t "exe=/usr/bin/mkdir: matches mkdir (and a symlink to it), not python3 or a copy" test_exe
t "nearest wins: allow /a, deny /a/b: /a/b/c denied, /a/x allowed" test_nearest
t "a rule named through a symlink or ..: its directory however reached" test_identity
t "a bind mount of a rule's directory is another identity: no match, EPERM" test_bind
t "no rule matches (nor /tmp, replaced): EPERM, no rule named" test_no_match
stop_tracerd

t "--allow and --policy together: usage error, exit 2" test_usage
t "a policy with errors at start: exit 2, each error as FILE:LINE" test_bad_at_start

CFG=$WORK/cfg
mkdir -p "$CFG/tracerd" "$OUT/dflt"
printf '# the default policy file\nallow %s\ndeny /tmp errno=EROFS\n' "$OUT/dflt" \
	>"$CFG/tracerd/policy"
export XDG_CONFIG_HOME=$CFG
start_tracerd || exit 1
unset XDG_CONFIG_HOME
t "no --policy, no --allow: \$XDG_CONFIG_HOME/tracerd/policy is the policy" test_default_file
stop_tracerd


# hup_and_wait: SIGHUP, then wait until tracerd said it reopened the log
# (the first thing a SIGHUP does; the policy is read right after it)
hup_and_wait() {
	local n
	n=$(grep -c 'reopened the audit log' "$TRACERD_ERR" || true)
	kill -HUP "$TRACERD_SIGPID"
	poll has_reopened $((n + 1)) || fail "tracerd did not act on SIGHUP"
}
has_reopened() { [ "$(grep -c 'reopened the audit log' "$TRACERD_ERR")" -ge "$1" ]; }

test_home_file() {
	# XDG_CONFIG_HOME unset: ~/.config/tracerd/policy
	run_pid mkdir "$OUT/home-ok/d"
	assert_rc 0
	expect_record pid="$TPID" path="$OUT/home-ok/d" errno=null rule="$HF:1" policy_gen=1
	# gone: the policy in force stays, with a warning
	rm "$HF"
	hup_and_wait
	poll grep -q "policy file $HF is gone" "$TRACERD_ERR" || { dump_tracerd; fail "no warning"; }
	run_pid mkdir "$OUT/home-ok/e"
	assert_rc 0
	expect_record pid="$TPID" path="$OUT/home-ok/e" errno=null rule="$HF:1" policy_gen=1
	# back, another one: loaded
	printf 'allow %s\n' "$OUT/home-new" >"$HF"
	hup_and_wait
	poll has_record event=reload ok=True policy_gen=2 rules=1 || { dump_tracerd; fail "not loaded"; }
	run_pid mkdir "$OUT/home-new/f" "$OUT/home-ok/g"
	assert_rc 1
	assert_absent "$OUT/home-ok/g"
	expect_record pid="$TPID" path="$OUT/home-new/f" errno=null rule="$HF:1" policy_gen=2
	expect_record pid="$TPID" path="$OUT/home-ok/g" errno=EPERM policy_gen=2
}

test_default_appears() {
	# started without a default file: /tmp
	run_pid mkdir "$WORK/appears-tmp"
	assert_rc 0
	expect_record pid="$TPID" path="$WORK/appears-tmp" errno=null policy_gen=1
	mkdir -p "$CFG2/tracerd"
	printf '# appeared\nallow %s\n' "$OUT/appeared" >"$CFG2/tracerd/policy"
	hup_and_wait
	poll has_record event=reload ok=True policy_gen=2 rules=1 || { dump_tracerd; fail "not loaded"; }
	run_pid mkdir "$OUT/appeared/d" "$WORK/appears-tmp2"
	assert_rc 1
	assert_dir "$OUT/appeared/d"
	assert_absent "$WORK/appears-tmp2"
	expect_record pid="$TPID" path="$OUT/appeared/d" errno=null rule="$CFG2/tracerd/policy:2" \
		policy_gen=2
	expect_record pid="$TPID" path="$WORK/appears-tmp2" errno=EPERM policy_gen=2
}

test_allow_over_default() {
	# --allow given: the default file (allow $OUT/dflt, deny /tmp) is not read
	run_pid mkdir "$WORK/allowed-by-arg" "$OUT/dflt/not-by-file"
	assert_rc 1
	assert_dir "$WORK/allowed-by-arg"
	assert_absent "$OUT/dflt/not-by-file"
	expect_record pid="$TPID" path="$WORK/allowed-by-arg" errno=null
	expect_record pid="$TPID" path="$OUT/dflt/not-by-file" errno=EPERM
	expect_no_record rule^="$CFG/"
}

# ---------------------------------------------------------------- reload
# Reload under load: 8 programs mkdir in $L in a loop, each logging its
# own answers, while the driver alternates the policy between A (allow $L)
# and B (deny $L errno=EACCES, and a second rule: the count tells them
# apart) every 50 ms, RELOADS times, with one broken file in the middle. The
# driver waits for each reload's event (so no SIGHUP is merged with the
# next) and prints which version each policy_gen is.
L=$P/load
R=$WORK/reload.policy
mkdir -p "$L" "$P/spare"
printf 'allow %s\n' "$L" >"$R"
RELOAD_PY='
import json, os, signal, sys, time
pol, log, pid, d, spare = sys.argv[1:6]
pid, rounds, broken_at = int(pid), int(sys.argv[6]), int(sys.argv[7])
text = {"A": "allow %s\n" % d, "B": "deny %s errno=EACCES\nallow %s\n" % (d, spare),
        "broken": "allow %s\nfrob %s\n" % (d, d)}
rules = {"A": 1, "B": 2}
fh = open(log, "rb")
fh.seek(0, 2)
def events():
    rest = b""
    while True:
        chunk = fh.read()
        if not chunk:
            yield None
            continue
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if b"\"reload\"" in line:
                r = json.loads(line)
                if r.get("event") == "reload":
                    yield r
ev = events()
def reload(kind):
    with open(pol + ".new", "w") as f:
        f.write(text[kind])
    os.rename(pol + ".new", pol)
    os.kill(pid, signal.SIGHUP)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        r = next(ev)
        if r is not None:
            return r
        time.sleep(0.002)
    sys.exit("no reload event within 20 s of SIGHUP (%s)" % kind)
gen, gens = 1, {1: "A"}
for i in range(1, rounds + 1):
    if i == broken_at:
        r = reload("broken")
        if r.get("ok") is not False or not r.get("reason"):
            sys.exit("the broken file gave %r" % r)
        if r.get("policy_gen", gen) != gen:
            sys.exit("the broken file moved the generation: %r" % r)
        time.sleep(0.05)
    kind = "B" if i % 2 else "A"
    r = reload(kind)
    if r.get("ok") is not True or r.get("policy_gen") != gen + 1 or r.get("rules") != rules[kind]:
        sys.exit("reload %d (%s, expected generation %d): %r" % (i, kind, gen + 1, r))
    gen += 1
    gens[gen] = kind
    time.sleep(0.05)
json.dump(gens, sys.stdout)
'
# JOIN_PY GENS LOG RULE DIR OUT...: every line a program logged has exactly
# one record, decided by a known generation whose policy gives the answer
# the program got; no record without its program line.
JOIN_PY='
import json, sys
gens = {int(k): v for k, v in json.load(open(sys.argv[1])).items()}
log, rule, d, outs = sys.argv[2], sys.argv[3], sys.argv[4] + "/", sys.argv[5:]
recs = {}
for raw in open(log, "rb"):
    if b"\"syscall\"" in raw:
        r = json.loads(raw)
        if r.get("path", "").startswith(d):
            recs.setdefault(r["path"], []).append(r)
errs, used, per = [], set(), {"A": 0, "B": 0}
for out in outs:
    lines = open(out).read().splitlines()
    if not lines or not lines[-1].startswith("done "):
        errs.append("%s: no final done line" % out)
        continue
    if int(lines[-1].split()[1]) != len(lines) - 1:
        errs.append("%s: %s but %d calls logged" % (out, lines[-1], len(lines) - 1))
    for line in lines[:-1]:
        path, got = line.rsplit(" ", 1)
        rs = recs.pop(path, [])
        if len(rs) != 1:
            errs.append("%s: %d records (answered %s)" % (path, len(rs), got))
            continue
        r = rs[0]
        kind = gens.get(r.get("policy_gen"))
        want = {"A": "0", "B": "EACCES"}.get(kind)
        rec = "0" if r.get("errno") is None else r.get("errno")
        if want is None or got != want or rec != want or r.get("rule") != rule:
            errs.append("%s: answered %s, record %s by %r (gen %r: %s)" %
                        (path, got, rec, r.get("rule"), r.get("policy_gen"), kind))
            continue
        used.add(r["policy_gen"])
        per[kind] += 1
errs += ["record of no call: " + p for p in recs]
print("%d calls by %d programs, decided by %d of %d policy versions: %d allowed, %d denied" %
      (per["A"] + per["B"], len(outs), len(used), len(gens), per["A"], per["B"]))
print("\n".join(errs[:20]))
sys.exit(1 if errs or not per["A"] or not per["B"] else 0)
'

test_reload_load() {
	local i pids=() outs=()
	need_prog mkloop
	trap 'touch "$T/stop"' EXIT
	for ((i = 0; i < 8; i++)); do
		timeout -k 5 120 env LD_PRELOAD="$LIBNOTIF" "$PROGS/mkloop" "$L" "p$i" "$T/stop" 2000 \
			>"$T/out.$i" 2>"$T/err.$i" &
		pids+=($!)
		outs+=("$T/out.$i")
	done
	for ((i = 0; i < 8; i++)); do
		poll has_line "$T/out.$i" 1 || true
	done
	run "$PY" -c "$RELOAD_PY" "$R" "$TRACERD_LOG" "$TRACERD_SIGPID" "$L" "$P/spare" \
		"$RELOADS" $((RELOADS / 2))
	touch "$T/stop"
	for ((i = 0; i < 8; i++)); do
		wait "${pids[i]}" || { cat "$T/err.$i" >&2; fail "program $i: exit status $?"; }
	done
	assert_rc 0 "the reload driver"
	cp "$T/out" "$T/gens.json"
	"$PY" -c "$JOIN_PY" "$T/gens.json" "$TRACERD_LOG" "$R:1" "$L" "${outs[@]}" >&2 ||
		fail "answers and records do not agree"
	assert_eq "$(audit_count event=reload ok=False)" 1 "reload events with ok:false"
	grep -q "$R:2: unknown action 'frob'" "$TRACERD_ERR" ||
		{ dump_tracerd; fail "the broken file's error is not on stderr"; }
	kill -0 "$TRACERD_SIGPID" || fail "tracerd died"
}

# reloads under load (make test: 60, make check-long: 300)
RELOADS=${NOTIF_RELOADS:-60}
start_tracerd --policy "$R" --log-max-size 0 || exit 1
t "reload under load: 8 programs, $RELOADS reloads 50 ms apart, one broken file" test_reload_load
stop_tracerd

export XDG_CONFIG_HOME=$CFG
start_tracerd --allow "$WORK" || exit 1
unset XDG_CONFIG_HOME
t "--allow given: the default policy file is not read" test_allow_over_default
stop_tracerd

# ~/.config/tracerd/policy when XDG_CONFIG_HOME is unset; SIGHUP after it
# is removed, then after another one is written
HF=$WORK/home/.config/tracerd/policy
mkdir -p "${HF%/*}" "$OUT/home-ok" "$OUT/home-new"
printf 'allow %s\n' "$OUT/home-ok" >"$HF"
REAL_HOME=$HOME
export HOME=$WORK/home
start_tracerd || exit 1
export HOME=$REAL_HOME
t "~/.config/tracerd/policy; gone at SIGHUP: kept, warned; written again: loaded" test_home_file
stop_tracerd

CFG2=$WORK/cfg2
mkdir -p "$CFG2" "$OUT/appeared"
export XDG_CONFIG_HOME=$CFG2
start_tracerd || exit 1
unset XDG_CONFIG_HOME
t "no default file at start (/tmp); one written, then SIGHUP: loaded" test_default_appears
stop_tracerd
