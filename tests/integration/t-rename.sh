#!/bin/bash
# Issue 3, races after the decision: the creation is mkdirat on the very
# parent fd that was judged, so renaming the parent while tracerd is in its
# creation step, or putting a symlink to outside in its place, cannot
# redirect it: the directory appears inside the judged directory, wherever
# the rename moved it, never at a re-resolved string. The creation step is
# held open with the test-only TRACERD_TEST_STALL hook.
. "$(dirname "$0")/lib.sh"

MARK=held
MKDIR_NR=83	# x86_64

# a tracerd thread sleeping in the stall hook (nanosleep/clock_nanosleep)
tracerd_held() {
	local f nr
	for f in /proc/"$TRACERD_PID"/task/*/syscall; do
		read -r nr _ 2>/dev/null <"$f" || continue
		case $nr in 35 | 230) return 0 ;; esac
	done
	return 1
}

# held_mkdir PATH: a supervised mkdir in the background, returned once
# tracerd has judged it and holds its creation step. Sets BG.
held_mkdir() {
	sup "$PROGS/mk" mkdir "$1" >"$T/held.out" 2>"$T/held.err" &
	BG=$!
	poll tracerd_held || { dump_tracerd; fail "tracerd does not hold the creation of $1"; }
}

held_done() {
	RC=0
	wait "$BG" || RC=$?
	assert_rc 0 "mk"
	assert_eq "$(cat "$T/held.out")" 0 "the held mkdir's answer"
}

# the parent renamed after the decision: the directory is in the moved one
test_rename_parent() {
	mkdir -p "$IN/p"
	held_mkdir "$IN/p/$MARK-1"
	mv "$IN/p" "$IN/moved"
	held_done
	assert_dir "$IN/moved/$MARK-1"
	assert_absent "$IN/p"
	expect_record path="$IN/p/$MARK-1" decision=emulated errno=null
}

# the parent moved away and replaced by a symlink to outside the roots:
# nothing appears outside, the directory is in the judged one
test_symlink_swap() {
	mkdir -p "$IN/q"
	held_mkdir "$IN/q/$MARK-2"
	mv "$IN/q" "$IN/judged"
	ln -s "$XT" "$IN/q"
	held_done
	assert_dir "$IN/judged/$MARK-2"
	assert_absent "$XT/$MARK-2"
	[ -z "$(ls -A "$XT")" ] || fail "something appeared outside: $(ls -A "$XT")"
	expect_record path="$IN/q/$MARK-2" decision=emulated errno=null
}

# the judged directory moved out of the roots mid-call: the creation still
# happens in it (moving directories out of a root is a README limit)
test_moved_out() {
	mkdir -p "$IN/r"
	held_mkdir "$IN/r/$MARK-3"
	mv "$IN/r" "$XT/r"
	held_done
	assert_dir "$XT/r/$MARK-3"
	expect_record path="$IN/r/$MARK-3" decision=emulated errno=null
}

need_prog mk
TRACERD_TEST_STALL=$MARK TRACERD_TEST_STALL_MS=${HOLD_MS:-700} start_tracerd || exit 1
t "the parent renamed after the decision: created in the moved directory" test_rename_parent
t "the parent swapped for a symlink to outside: created in the judged one" test_symlink_swap
t "the judged parent moved out of the roots mid-call: created where it went" test_moved_out
stop_tracerd
