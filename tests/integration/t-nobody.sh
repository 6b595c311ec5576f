#!/bin/bash
# As an ordinary user (uid 65534): a client of another uid is refused, a
# nobody tracerd serves nobody's programs (allowed, denied, EACCES as native,
# credentials it cannot adopt), setuid children lose their privileges.
. "$(dirname "$0")/lib.sh"

nobody_files

# wait_record FILTER...: the record may be written after the client is gone
wait_record() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(audit_count "$@")" -ge 1 ] && return 0
		sleep 0.01
	done
	return 1
}

test_other_uid_refused() {
	run sup_nobody /usr/bin/mkdir "$WORK/nb-x"
	assert_rc 126
	assert_out ""
	grep -q "^libnotif: .*@$TRACERD_SOCKET.*served by another user" "$T/err" ||
		{ show_run; fail "no 'served by another user' line"; }
	assert_absent "$WORK/nb-x"
	# tracerd saw the connection of uid 65534 and refused it as well
	wait_record event=reject || { dump_tracerd; fail "no reject event"; }
	expect_no_record event=attach
}

nmkdir() { "${AS_NOBODY[@]}" mkdir "$@"; }

test_allowed() {
	nmkdir "$NIN/native"
	run sup_nobody mkdir "$NIN/a"
	assert_rc 0
	assert_dir "$NIN/a"
	assert_eq "$(stat -c '%u:%g' "$NIN/a")" "$NOBODY:$NOBODY" "owner"
	assert_same_stat "$NIN/native" "$NIN/a"
	expect_record path="$NIN/a" uid=$NOBODY decision=emulated errno=null
}

test_denied() {
	run sup_nobody mkdir "$NXT/d"
	assert_rc 1
	assert_err_has "Operation not permitted"
	assert_absent "$NXT/d"
	expect_record path="$NXT/d" uid=$NOBODY decision=denied errno=EPERM
	# outside the roots too, the kernel's own EACCES where native says so
	run sup_nobody mkdir "$XT/root-owned"
	assert_rc 1
	assert_err_has "Permission denied"
	expect_record path="$XT/root-owned" decision=emulated errno=EACCES
}

test_unwritable_parent() {
	mkdir -m 0755 "$IN/ro"
	run nmkdir "$IN/ro/native"
	assert_rc 1 "native mkdir in an unwritable parent"
	assert_err_has "Permission denied"
	run sup_nobody mkdir "$IN/ro/x"
	assert_rc 1
	assert_err_has "Permission denied"
	assert_absent "$IN/ro/x"
	expect_record path="$IN/ro/x" decision=emulated errno=EACCES
	run sup_nobody "$NPROGS/mk" mkdir "$IN/ro/y"
	assert_out EACCES
}

test_credentials() {
	# a target whose groups or fsgid a non-root tracerd cannot take
	run timeout "$TMO" setpriv --reuid=$NOBODY --regid=$NOBODY --groups=100 \
		env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/groups"
	assert_out EPERM
	assert_absent "$NIN/groups"
	expect_record path="$NIN/groups" decision=error errno=EPERM reason=credentials
	run timeout "$TMO" setpriv --reuid=$NOBODY --regid=100 --clear-groups \
		env LD_PRELOAD="$NLIB" "$NPROGS/mk" mkdir "$NIN/gid"
	assert_out EPERM
	assert_absent "$NIN/gid"
	# another gid also makes the target's memory unreadable to a non-root
	# tracerd, so this record has no path: count the two credential records
	expect_records 2 uid=$NOBODY decision=error errno=EPERM reason=credentials
}

test_squatter() {
	# root's program pointed at nobody's daemon: refused, nothing sent
	run env LD_PRELOAD="$LIBNOTIF" /usr/bin/mkdir "$IN/sq"
	assert_rc 126
	grep -q "^libnotif: .*served by another user" "$T/err" || { show_run; fail "no refusal line"; }
	assert_absent "$IN/sq"
	expect_no_record path="$IN/sq"
}

test_setuid_child() {
	cp /usr/bin/id "$WORK/suid-id"
	chmod 4755 "$WORK/suid-id"
	run "${AS_NOBODY[@]}" sh -c "$WORK/suid-id -u"
	[ "$(cat "$T/out")" = 0 ] || skip setuid "setuid does not work in $WORK (nosuid?)"
	run sup_nobody sh -c "$WORK/suid-id -u"
	assert_rc 0
	assert_out $NOBODY
}

start_tracerd || exit 1
t "a client of another uid (65534) is refused: 126, reject event" test_other_uid_refused
stop_tracerd

NIN=$WORK/nobody-in
NXT=$OUT/nobody-out
mkdir "$NIN" "$NXT"
chown $NOBODY:$NOBODY "$NIN" "$NXT"
start_tracerd --as-nobody || exit 1
t "uid 65534: mkdir in /tmp created, owned as native" test_allowed
t "uid 65534: outside the roots denied; native EACCES stays EACCES" test_denied
t "uid 65534: unwritable parent in /tmp gives EACCES like native" test_unwritable_parent
t "uid 65534: groups/fsgid tracerd cannot adopt: error EPERM credentials" test_credentials
t "a root program refuses a daemon of another uid (squatter)" test_squatter
t "a setuid child of a supervised program runs without privileges" test_setuid_child
stop_tracerd
