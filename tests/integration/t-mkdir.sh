#!/bin/bash
# Issue 2: real programs under the library, one private tracerd (default
# root /tmp); every case checks the audit records too.
. "$(dirname "$0")/lib.sh"

# run_pid CMD...: run CMD supervised through `sh -c 'exec'`, so the pid the
# records must carry is known: TPID.
run_pid() {
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$@"
	TPID=$(cat "$T/pid")
}

test_allowed() {
	mkdir "$IN/native"
	run_pid mkdir "$IN/a"
	assert_rc 0
	assert_err_empty
	assert_dir "$IN/a"
	assert_same_stat "$IN/native" "$IN/a"
	expect_record path="$IN/a" decision=emulated errno=null syscall=mkdir pid="$TPID" \
		tid="$TPID" uid=0 mode=0777 resolved="$IN/a" cwd="$IN" comm=mkdir exe=/usr/bin/mkdir
}

test_denied() {
	run_pid mkdir "$XT/d"
	assert_rc 1
	assert_err_has "cannot create directory '$XT/d': Operation not permitted"
	assert_absent "$XT/d"
	expect_record path="$XT/d" decision=denied errno=EPERM pid="$TPID" resolved="$XT/d" reason?
}

test_mkdir_p() {
	mkdir -p "$IN/n/1/2/3/4/5/6"
	run_pid mkdir -p "$IN/s/1/2/3/4/5/6"
	assert_rc 0
	assert_same_tree "$IN/n" "$IN/s"
	expect_records 7 pid="$TPID" decision=emulated errno=null
	expect_records 0 pid="$TPID" decision? decision!=emulated
}

test_existing() {
	mkdir "$IN/e"
	run mkdir "$IN/e"
	cp "$T/err" "$T/native.err"
	run_pid mkdir "$IN/e"
	assert_rc 1
	diff -u "$T/native.err" "$T/err" >&2 || fail "stderr differs from native"
	expect_record path="$IN/e" pid="$TPID" decision=emulated errno=EEXIST
	# an existing last component outside the roots: EEXIST, as native
	run_pid mkdir "$XT"
	assert_rc 1
	assert_err_has "File exists"
	expect_record path="$XT" pid="$TPID" decision=emulated errno=EEXIST
}

test_python_makedirs() {
	local code='import os, sys
for _ in range(2):
    os.makedirs(sys.argv[1], exist_ok=True)
print(os.path.isdir(sys.argv[1]))'
	/usr/bin/python3 -c "$code" "$IN/n/a/b" >/dev/null
	run_pid /usr/bin/python3 -c "$code" "$IN/s/a/b"
	assert_rc 0
	assert_out True
	assert_same_tree "$IN/n" "$IN/s"
	expect_record pid="$TPID" path="$IN/s/a/b" errno=null decision=emulated
	expect_record pid="$TPID" path="$IN/s/a/b" errno=EEXIST decision=emulated
	# outside the roots: PermissionError, nothing created
	run sup /usr/bin/python3 -c 'import os, sys; os.makedirs(sys.argv[1], exist_ok=True)' "$XT/p/q"
	assert_rc 1
	assert_err_has "PermissionError"
	assert_absent "$XT/p"
	expect_record path="$XT/p" decision=denied errno=EPERM
}

test_mkdirat() {
	need_prog mk
	run_pid "$PROGS/mk" mkdirat "$IN" d1 0755
	assert_out 0
	assert_dir "$IN/d1"
	expect_record pid="$TPID" syscall=mkdirat dirfd=3 path=d1 resolved="$IN/d1" \
		mode=0755 decision=emulated errno=null
	run_pid "$PROGS/mk" mkdirat "$XT" d2 0755
	assert_out EPERM
	assert_absent "$XT/d2"
	expect_record pid="$TPID" syscall=mkdirat dirfd=3 path=d2 resolved="$XT/d2" \
		decision=denied errno=EPERM
}

test_relative() {
	run_pid mkdir rel
	assert_rc 0
	assert_dir "$IN/rel"
	expect_record pid="$TPID" path=rel cwd="$IN" resolved="$IN/rel" decision=emulated errno=null
	cd "$XT"
	run_pid mkdir rel
	assert_rc 1
	assert_absent "$XT/rel"
	expect_record pid="$TPID" path=rel cwd="$XT" resolved="$XT/rel" decision=denied errno=EPERM
	# from inside /tmp, climbing out with ..
	cd "$IN"
	local up
	up=$(realpath --relative-to="$IN" "$XT")/up
	run_pid mkdir "$up"
	assert_rc 1
	assert_absent "$XT/up"
	expect_record pid="$TPID" path="$up" resolved="$XT/up" decision=denied errno=EPERM
}

test_dotdot_escape() {
	local top=/notif-it-$$-dotdot
	[ ! -e "$top" ] || fail "$top exists before the test"
	run_pid mkdir "/tmp/..$top"
	rmdir "$top" 2>/dev/null && fail "$top was created"
	assert_rc 1
	assert_err_has "Operation not permitted"
	expect_record pid="$TPID" path="/tmp/..$top" resolved="$top" decision=denied errno=EPERM
	run_pid mkdir "$IN/../../..$XT/dd"
	assert_rc 1
	assert_absent "$XT/dd"
	expect_record pid="$TPID" resolved="$XT/dd" decision=denied errno=EPERM
}

test_symlink_escape() {
	ln -s "$XT" "$IN/link"
	run_pid mkdir "$IN/link/x"
	assert_rc 1
	assert_err_has "Operation not permitted"
	assert_absent "$XT/x"
	expect_record pid="$TPID" path="$IN/link/x" resolved="$XT/x" decision=denied errno=EPERM
	# a symlink inside the root to inside the root is fine
	mkdir "$IN/real"
	ln -s "$IN/real" "$IN/inlink"
	run_pid mkdir "$IN/inlink/y"
	assert_rc 0
	assert_dir "$IN/real/y"
	expect_record pid="$TPID" path="$IN/inlink/y" resolved="$IN/real/y" decision=emulated errno=null
}

test_dangling_last() {
	ln -s "$XT/target" "$IN/dangling"
	ln -s "$IN/intarget" "$IN/dangling-in"
	run mkdir "$IN/dangling"
	assert_rc 1 "native mkdir of a dangling symlink"
	assert_err_has "File exists"
	run_pid mkdir "$IN/dangling"
	assert_rc 1
	assert_err_has "File exists"
	assert_absent "$XT/target"
	expect_record pid="$TPID" path="$IN/dangling" decision=emulated errno=EEXIST
	run_pid mkdir "$IN/dangling-in"
	assert_rc 1
	assert_absent "$IN/intarget"
	expect_record pid="$TPID" path="$IN/dangling-in" decision=emulated errno=EEXIST
}

test_umask() {
	local u
	for u in 022 077; do
		(umask $u && mkdir "$IN/n$u")
		(umask $u && sup mkdir "$IN/s$u")
		assert_dir "$IN/s$u"
		assert_same_stat "$IN/n$u" "$IN/s$u"
		expect_record path="$IN/s$u" decision=emulated errno=null mode=0777
	done
	assert_eq "$(stat -c %a "$IN/s022") $(stat -c %a "$IN/s077")" "755 700" "modes"
}

test_non_utf8() {
	local name=$'bad-\xff\xfe-\xc3(-end'
	run sup mkdir "$IN/$name"
	assert_rc 0
	assert_dir "$IN/$name"
	# the line is valid UTF-8 JSON and the path round-trips to the bytes
	"$PY" -c '
import json, os, sys
want = os.fsencode(sys.argv[2])
n = 0
for raw in open(sys.argv[1], "rb"):
    r = json.loads(raw.decode("utf-8"))
    p = r.get("path")
    if p is not None and p.encode("utf-8", "surrogateescape") == want:
        n += 1
        assert r["decision"] == "emulated" and r["errno"] is None, r
        assert r["resolved"].encode("utf-8", "surrogateescape") == want, r
sys.exit(0 if n == 1 else "%d records round-trip to the path" % n)
' "$TRACERD_LOG" "$IN/$name" || { dump_tracerd; fail "non-UTF-8 path not recorded losslessly"; }
}

start_tracerd || exit 1
t "coreutils mkdir in /tmp: created as native, emulated record" test_allowed
t "coreutils mkdir outside the roots: EPERM, nothing created, denied record" test_denied
t "mkdir -p six levels deep: tree as native" test_mkdir_p
t "mkdir of an existing dir (in and outside the roots): EEXIST emulated" test_existing
t "python3 os.makedirs(exist_ok=True) twice; outside: PermissionError" test_python_makedirs
t "mkdirat with a dirfd inside and outside /tmp" test_mkdirat
t "relative paths from an inside and an outside cwd, and .. out" test_relative
t ".. escapes (/tmp/../x): denied, nothing created" test_dotdot_escape
t "symlink escape /tmp/link/x -> outside: denied; inside link: allowed" test_symlink_escape
t "dangling symlink as last component: EEXIST, its target not created" test_dangling_last
t "umask 022 and 077: same mode as native mkdir" test_umask
t "a non-UTF-8 path is recorded losslessly (\\udcXX) in valid JSON" test_non_utf8
stop_tracerd
