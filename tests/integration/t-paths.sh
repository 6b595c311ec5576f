#!/bin/bash
# Issue 3, memory and arguments, resolution: each case compared with the
# same call made natively, plus the decision and the record.
. "$(dirname "$0")/lib.sh"

# same MKARGS...: run `mk MKARGS` natively, with @ standing for $IN/n, and
# supervised, with @ standing for $IN/s; the printed results must agree.
# The supervised result is left in $NS, its pid in $TPID.
same() {
	local a=() b=() x
	for x in "$@"; do
		a+=("${x//@/$IN/n}")
		b+=("${x//@/$IN/s}")
	done
	run "$PROGS/mk" "${a[@]}"
	cp "$T/out" "$T/native"
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$PROGS/mk" "${b[@]}"
	TPID=$(cat "$T/pid")
	assert_rc 0
	diff -u "$T/native" "$T/out" >&2 || fail "mk $*: native and supervised differ"
	NS=$(cat "$T/out")
}

test_bad_pointers() {
	need_prog mk
	local op
	for op in null unmapped runoff; do
		same $op
		assert_eq "$NS" EFAULT "mk $op"
		expect_record pid="$TPID" decision=error errno=EFAULT reason?
	done
	if ls /tmp | grep -qE '^a+$'; then fail "a truncated path was created in /tmp"; fi
	# the daemon keeps serving
	both :
	same mkdir @/after
	assert_eq "$NS" 0
}

test_short_read() {
	need_prog mk
	both :
	same edge @/edge
	assert_eq "$NS" 0
	assert_dir "$IN/s/edge"
	expect_record path="$IN/s/edge" decision=emulated errno=null
}

test_lengths() {
	need_prog mk
	both :
	same long @ 5000
	assert_eq "$NS" ENAMETOOLONG
	expect_record pid="$TPID" decision=error errno=ENAMETOOLONG
	same long @ 256
	assert_eq "$NS" ENAMETOOLONG
	expect_record pid="$TPID" path^="$IN/s/aaaa" decision=emulated errno=ENAMETOOLONG
	same long @ 255
	assert_eq "$NS" 0
	same mkdir ""
	assert_eq "$NS" ENOENT
	expect_record pid="$TPID" path= decision=emulated errno=ENOENT
	[ "$(find "$IN/s" -mindepth 1 | wc -l)" -eq 1 ] || fail "unexpected entries in $IN/s"
}

test_modes() {
	need_prog mk
	local m u
	both :
	for u in 000 022; do
		for m in 07777 0777 01777 02755 04755 0170755 040755 077777 0100; do
			(umask $u && same mkdir "@/m$u-$m" "$m")
			assert_eq "$(cat "$T/out")" 0
			assert_same_stat "$IN/n/m$u-$m" "$IN/s/m$u-$m"
			expect_record path="$IN/s/m$u-$m" mode="$(printf '%04o' $((m & 07777)))"
		done
	done
}

test_rewrite_race() {
	need_prog rewrite
	local rounds=${NOTIF_RACE_ROUNDS:-10000} len inside outside
	# two paths of one length, inside and outside the roots
	len=$((${#XT} > ${#IN} ? ${#XT} + 4 : ${#IN} + 4))
	inside=$IN/$(printf 'r%.0s' $(seq $((len - ${#IN} - 1))))
	outside=$XT/$(printf 'r%.0s' $(seq $((len - ${#XT} - 1))))
	[ ${#inside} -eq ${#outside} ] || fail "bad lengths"
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$PROGS/rewrite" "$rounds" "$inside" "$outside"
	TPID=$(cat "$T/pid")
	assert_rc 0
	grep -q "outside=0" "$T/out" || { show_run; fail "a directory appeared outside the roots"; }
	# both copies were seen, or the race was not exercised (a torn copy,
	# half of each, is another path: ENOENT, as it would be natively)
	grep -q "created=[1-9][0-9]* denied=[1-9]" "$T/out" || { show_run; fail "one-sided race"; }
	assert_absent "$outside"
	expect_records 0 pid="$TPID" decision=emulated errno=null resolved^="$OUT"
	expect_records 0 pid="$TPID" decision=error
	expect_records 0 path="$outside" decision=emulated
}

test_swap_race() {
	need_prog swap
	local rounds=${NOTIF_RACE_ROUNDS:-10000}
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$PROGS/swap" "$rounds" "$IN" "$XT"
	TPID=$(cat "$T/pid")
	assert_rc 0
	grep -q "outside=0\$" "$T/out" || { show_run; fail "a directory appeared outside the roots"; }
	grep -q "created=[1-9][0-9]* denied=[1-9]" "$T/out" || { show_run; fail "one-sided race"; }
	assert_absent "$XT/x"
	expect_records 0 pid="$TPID" decision=emulated errno=null resolved^="$OUT"
}

test_dots_and_slashes() {
	need_prog mk
	run sup "$PROGS/mk" mkdir /tmp
	assert_out EEXIST
	run sup "$PROGS/mk" mkdir /tmp/.
	assert_out EEXIST
	run sup "$PROGS/mk" mkdir /tmp/..
	assert_out EEXIST
	expect_record path=/tmp decision=emulated errno=EEXIST
	expect_record path=/tmp/. decision=emulated errno=EEXIST
	expect_record path=/tmp/.. decision=emulated errno=EEXIST
	run sup "$PROGS/mk" mkdir "/$IN//x///"
	assert_out 0
	assert_dir "$IN/x"
	expect_record path="/$IN//x///" resolved="$IN/x" decision=emulated errno=null
}

test_thread_cwd() {
	need_prog mk
	cd "$XT"
	run sup "$PROGS/mk" cwdthread "$IN" own
	assert_out 0
	assert_dir "$IN/own"
	assert_absent "$XT/own"
	expect_record path=own cwd="$IN" resolved="$IN/own" decision=emulated
	cd "$IN"
	run sup "$PROGS/mk" cwdthread "$XT" other
	assert_out EPERM
	assert_absent "$XT/other"
	assert_absent "$IN/other"
	expect_record path=other resolved="$XT/other" decision=denied
}

test_mkdirat_fds() {
	need_prog mk
	both 'touch file; mkdir d'
	same mkdirat closed x
	assert_eq "$NS" EBADF
	same mkdirat file:@/file x
	assert_eq "$NS" ENOTDIR
	same mkdirat hi:@/d hi
	assert_eq "$NS" 0
	expect_record path=hi syscall=mkdirat dirfd=3 resolved="$IN/s/d/hi" decision=emulated
	same mkdirat bad @/abs
	assert_eq "$NS" 0
	expect_record path="$IN/s/abs" syscall=mkdirat dirfd=999 decision=emulated errno=null
	same mkdirat bad rel
	assert_eq "$NS" EBADF
	expect_record path=rel syscall=mkdirat dirfd=999 decision=emulated errno=EBADF
	run sup "$PROGS/mk" mkdirat bad "$XT/abs"
	assert_out EPERM
	assert_absent "$XT/abs"
}

test_proc_self() {
	run sup mkdir /proc/self/cwd/c1
	assert_rc 0
	assert_dir "$IN/c1"
	expect_record path=/proc/self/cwd/c1 resolved="$IN/c1" decision=emulated
	run sup sh -c "cd $XT && mkdir /proc/self/cwd/c2"
	assert_rc 1
	assert_absent "$XT/c2"
	expect_record path=/proc/self/cwd/c2 decision=denied
	run sup sh -c "exec 7<$IN; mkdir /proc/self/fd/7/f1; exec 8<$XT; mkdir /proc/self/fd/8/f2"
	assert_rc 1
	assert_dir "$IN/f1"
	assert_absent "$XT/f2"
	expect_record path=/proc/self/fd/7/f1 resolved="$IN/f1" decision=emulated
	expect_record path=/proc/self/fd/8/f2 decision=denied
	run sup mkdir "/proc/self/root$IN/r1" "/proc/thread-self/root$XT/r2"
	assert_rc 1
	assert_dir "$IN/r1"
	assert_absent "$XT/r2"
	expect_record path="/proc/self/root$IN/r1" resolved="$IN/r1" decision=emulated
	expect_record path="/proc/thread-self/root$XT/r2" decision=denied
}

test_proc_other() {
	# a magic link of another process: denied even when it points inside
	(cd "$IN" && exec sleep 60) &
	local other=$!
	run sup mkdir "/proc/$other/cwd/o1"
	kill $other
	wait $other 2>/dev/null || true
	assert_rc 1
	assert_absent "$IN/o1"
	expect_record path="/proc/$other/cwd/o1" decision=denied errno=EPERM
}

test_chroot() {
	need_prog mk-static
	local r
	for r in "$IN/chr" "$XT/chr"; do
		mkdir -p "$r/tmp"
		cp "$PROGS/mk-static" "$r/mk"
	done
	run sup chroot "$IN/chr" /mk mkdir /tmp/c
	assert_out 0
	assert_dir "$IN/chr/tmp/c"
	expect_record path=/tmp/c resolved=/tmp/c exe="$IN/chr/mk" decision=emulated
	run sup chroot "$IN/chr" /mk mkdir /../../../up
	assert_out 0
	assert_dir "$IN/chr/up"
	expect_record path=/../../../up resolved=/up decision=emulated
	run sup chroot "$XT/chr" /mk mkdir /tmp/c
	assert_out EPERM
	assert_absent "$XT/chr/tmp/c"
	expect_record path=/tmp/c decision=denied
}

test_userns_bind() {
	unshare -Urm true 2>/dev/null || skip userns "unshare -Urm does not work here"
	mkdir "$XT/over"
	run sup unshare -Urm sh -c "mount --bind $XT/over /tmp && mkdir /tmp/bm"
	assert_rc 1
	assert_err_has "Operation not permitted"
	assert_absent "$XT/over/bm"
	expect_record path=/tmp/bm decision!=emulated errno=EPERM
}

test_allow_symlink() {
	# tracerd was started with --allow $ALLOW_LINK (-> $ALLOWED) and
	# --allow $ALLOWED2; /tmp is no longer a root
	run sup mkdir "$ALLOWED/a" "$ALLOWED2/b" "$IN/c"
	assert_rc 1
	assert_dir "$ALLOWED/a"
	assert_dir "$ALLOWED2/b"
	assert_absent "$IN/c"
	expect_record path="$ALLOWED/a" decision=emulated errno=null
	expect_record path="$ALLOWED2/b" decision=emulated errno=null
	expect_record path="$IN/c" decision=denied errno=EPERM
	# the root is the directory the link named at start, not the link
	mkdir "$XT/elsewhere"
	ln -sfn "$XT/elsewhere" "$ALLOW_LINK"
	run sup mkdir "$ALLOW_LINK/d" "$ALLOWED/e"
	assert_rc 1
	assert_absent "$XT/elsewhere/d"
	assert_dir "$ALLOWED/e"
	expect_record path="$ALLOW_LINK/d" decision=denied errno=EPERM
}

test_loops() {
	need_prog mk
	local i
	both 'ln -s loop loop; mkdir d; ln -s d l0; for i in $(seq 1 41); do ln -s l$((i - 1)) l$i; done'
	same mkdir @/loop/x
	assert_eq "$NS" ELOOP
	expect_record path="$IN/s/loop/x" decision=emulated errno=ELOOP
	for i in 38 39 40 41; do
		same mkdir "@/l$i/x"
	done
	# Linux follows at most 40 links: l39/x (40 links) works, l40/x fails
	assert_dir "$IN/s/d/x"
	expect_record path="$IN/s/l40/x" decision=emulated errno=ELOOP
}

start_tracerd || exit 1
t "NULL, unmapped, unterminated path pointers: EFAULT error records" test_bad_pointers
t "a path ending on the last byte before an unmapped page works" test_short_read
t "lengths: no NUL within PATH_MAX, 256-byte component, empty path" test_lengths
t "modes 07777, file-type bits, bits above 07777 (umask 000, 022) as native" test_modes
t "a thread rewriting the path during the call never gets a dir outside" test_rewrite_race
t "/tmp, /tmp/., /tmp/.. (EEXIST as native), //tmp//x///" test_dots_and_slashes
t "a thread with its own cwd (unshare(CLONE_FS)): resolved with its cwd" test_thread_cwd
t "mkdirat: closed, regular-file, upper-bits and bogus dirfds as native" test_mkdirat_fds
t "/proc/self/cwd, /proc/self/fd/N, /proc/self/root resolved for the target" test_proc_self
t "a magic link of another process (/proc/PID/cwd) is denied" test_proc_other
t "a target in a chroot (inside and outside the roots)" test_chroot
t "unshare -Urm target binding an outside dir over /tmp: nothing created" test_userns_bind
t "symlink loops and 40 nested links: ELOOP exactly where native" test_loops
t "a thread swapping a component dir <-> symlink to outside: never outside" test_swap_race
stop_tracerd

ALLOWED=$OUT/allowed
ALLOWED2=$OUT/allowed2
ALLOW_LINK=$WORK/allow-link
mkdir "$ALLOWED" "$ALLOWED2"
ln -s "$ALLOWED" "$ALLOW_LINK"
start_tracerd --allow "$ALLOW_LINK" --allow "$ALLOWED2" || exit 1
t "--allow through a symlink (identity at start), twice, replacing /tmp" test_allow_symlink
stop_tracerd
