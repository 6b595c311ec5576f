#!/bin/bash
# Issue 19, "Denials the kernel would refuse anyway": outside the allowed
# roots, a mkdir the kernel would refuse before reaching the filesystem
# gets the kernel's errno (decision emulated), as uid 65534 and as root,
# compared with the same call made natively; only a call that would pass
# those checks is denied with EPERM.
. "$(dirname "$0")/lib.sh"

nobody_files

# as WHO CMD...: CMD natively as WHO (root or nobody)
as() {
	local who=$1
	shift
	case $who in
	root) "$@" ;;
	nobody) "${AS_NOBODY[@]}" ${USERNS:+"${UNS[@]}"} "$@" ;;
	esac
}

# sup_as WHO CMD...: CMD supervised as WHO. tracerd serves programs of
# its own uid: nobody's are a nobody tracerd's ($NOBODY_DAEMON=1), or a
# root program's that became nobody, which a root tracerd judges with the
# credentials it adopts.
sup_as() {
	local who=$1
	shift
	case $who in
	root) sup "$@" ;;
	nobody)
		if [ "${NOBODY_DAEMON:-0}" = 1 ]; then
			sup_nobody "$@"
		else
			timeout -k 5 "$TMO" env LD_PRELOAD="$NLIB" "${AS_NOBODY[@]}" \
				${USERNS:+"${UNS[@]}"} "$@"
		fi
		;;
	esac
}

# same_at WHO NATIVE SUPERVISED WANT: mkdir NATIVE natively and
# SUPERVISED under tracerd, both as WHO: both answer WANT, the supervised
# one creates nothing, and its record is the kernel's errno, emulated.
same_at() {
	local who=$1 want=$4
	run as "$who" "$NPROGS/mk" mkdir "$2"
	assert_out "$want"
	run sup_as "$who" "$NPROGS/mk" mkdir "$3"
	assert_out "$want"
	[ "$want" = EEXIST ] || assert_absent "$3"
	expect_record path="$3" decision=emulated errno="$want" \
		uid="$([ "$who" = root ] && echo 0 || echo $NOBODY)" '!reason'
}

# the userns root "user": 65534 outside, root inside its namespace
UNS=(unshare -Ur)

# same WHO DIR WANT: same_at in DIR, with names of WHO's own
same() {
	same_at "$1" "$2/n-$1" "$2/s-$1" "$3"
}

# passes WHO DIR: natively mkdir would create DIR/n-WHO; supervised it is
# denied, EPERM, nothing created.
passes() {
	local who=$1 dir=$2
	run as "$who" "$NPROGS/mk" mkdir "$dir/n-$who"
	assert_out 0
	assert_dir "$dir/n-$who"
	run sup_as "$who" "$NPROGS/mk" mkdir "$dir/s-$who"
	assert_out EPERM
	assert_absent "$dir/s-$who"
	expect_record path="$dir/s-$who" decision=denied errno=EPERM reason?
}

# A tmpfs outside the roots for a test (chattr +a would outlive an ext4
# directory's removal): $FS, 0755.
scratch_fs() {
	FS=$XT/fs
	mkdir "$FS"
	mount_tmpfs "$FS" mode=0755 || skip tmpfs "cannot mount a tmpfs (not root?)"
}

test_eacces() {
	mkdir -m 0755 "$XT/rootdir"		# root's, not writable by nobody
	same nobody "$XT/rootdir" EACCES
	mkdir -m 0555 "$XT/r-x"
	chown $NOBODY:$NOBODY "$XT/r-x"		# nobody's own, but not writable
	same nobody "$XT/r-x" EACCES
	mkdir -m 0733 "$XT/noread"		# write and search are enough
	passes nobody "$XT/noread"
	passes root "$XT/r-x"			# root overrides the modes
}

# a single name relative to a directory the target cannot search (the
# mkdirat dirfd is the parent as it is; the cwd takes the same way), in
# the allowed /tmp and outside it: the kernel's EACCES, also for "." and
# "..", which it refuses on the search before their EEXIST
test_search_single() {
	local d n w=$WORK/nosearch-$TAP_N
	mkdir -m 0776 "$w" "$XT/nosearch"
	for d in "$w" "$XT/nosearch"; do
		for n in x . ..; do
			run as nobody "$NPROGS/mk" mkdirat "$d" "$n"
			assert_out EACCES
			run sup_as nobody "$NPROGS/mk" mkdirat "$d" "$n"
			assert_out EACCES
		done
		assert_absent "$d/x"
	done
	for n in x . ..; do
		expect_records 2 path="$n" decision=emulated errno=EACCES
	done
	rm -rf "$w"
}

test_search() {
	mkdir -m 0776 "$XT/nosearch"		# writable, not searchable by nobody
	same nobody "$XT/nosearch" EACCES
	passes root "$XT/nosearch"
}

test_erofs() {
	mkdir -m 0777 "$XT/src"
	mkdir "$XT/ro"
	mount_bind "$XT/src" "$XT/ro" ro || skip mount "cannot bind-mount read-only"
	same root "$XT/ro" EROFS
	same nobody "$XT/ro" EROFS
	# the mount is checked before the permission: EROFS, not EACCES
	chmod 0755 "$XT/src"
	same_at nobody "$XT/ro/n-nobody2" "$XT/ro/s-nobody2" EROFS
	# and after the lookup: an existing name is EEXIST
	mkdir "$XT/src/there"
	same_at root "$XT/ro/there" "$XT/ro/there" EEXIST
}

test_erofs_sb() {
	scratch_fs
	mkdir -m 0777 "$FS/d"
	mount -o remount,ro "$FS"
	same root "$FS/d" EROFS
	same nobody "$FS/d" EROFS
}

test_immutable() {
	scratch_fs
	mkdir -m 0777 "$FS/i"
	chattr +i "$FS/i" || skip chattr "chattr +i refused on tmpfs"
	same root "$FS/i" EPERM
	# immutable is checked before the modes: EPERM, not EACCES
	mkdir -m 0755 "$FS/i2"
	chattr +i "$FS/i2"
	same nobody "$FS/i2" EPERM
}

test_append_only() {
	scratch_fs
	mkdir -m 0777 "$FS/a"
	chattr +a "$FS/a" || skip chattr "chattr +a refused on tmpfs"
	# append-only refuses removals, not creations: natively created
	passes root "$FS/a"
	passes nobody "$FS/a"
}

test_would_pass() {
	mkdir -m 0777 "$XT/open"
	passes root "$XT/open"
	passes nobody "$XT/open"
}

# nobody's tracerd serves nobody only: the root halves of the tests above
# have been run against root's
test_eacces_nobody() {
	mkdir -m 0755 "$XT/rootdir"
	same nobody "$XT/rootdir" EACCES
	mkdir -m 0776 "$XT/nosearch"
	same nobody "$XT/nosearch" EACCES
	mkdir -m 0733 "$XT/noread"
	passes nobody "$XT/noread"
}

test_erofs_nobody() {
	mkdir -m 0755 "$XT/src"
	mkdir "$XT/ro"
	mount_bind "$XT/src" "$XT/ro" ro || skip mount "cannot bind-mount read-only"
	same nobody "$XT/ro" EROFS
}

# Root of a user namespace (unshare -Ur as 65534): its capabilities count
# only on directories whose owner maps into it, as the kernel decides.
test_userns() {
	"${AS_NOBODY[@]}" unshare -Ur true 2>/dev/null || skip userns "unshare -Ur refused"
	mkdir -m 0755 "$XT/rootdir"			# root's: no power over it
	same_at nobody "$XT/rootdir/n" "$XT/rootdir/s" EACCES
	mkdir -m 0555 "$XT/mapped"
	chown $NOBODY:$NOBODY "$XT/mapped"		# maps: DAC_OVERRIDE counts
	passes nobody "$XT/mapped"
}

# Under a policy file: a rule that denies (with its own errno or not)
# gives way to the kernel's refusal, and the record names that rule.
test_rule() {
	mountpoint -q "$PD/ro" || skip mount "cannot bind-mount read-only"
	same root "$PD/ro" EROFS
	same nobody "$PD/rootdir" EACCES
	expect_record path="$PD/ro/s-root" rule="$PF:2" policy_gen=1
	expect_record path="$PD/rootdir/s-nobody" rule="$PF:2" policy_gen=1
	# the rule's own errno where the kernel would go on
	run sup "$NPROGS/mk" mkdir "$PD/open/s-root"
	assert_out ENOSPC
	expect_record path="$PD/open/s-root" decision=denied errno=ENOSPC rule="$PF:2"
	passes root "$PP/open"
	expect_record path="$PP/open/s-root" rule="$PF:3"
}

need_prog mk
start_tracerd || exit 1
t "EACCES: no write permission on the parent, as native (65534), root passes" test_eacces
t "EACCES: no search permission on the parent, as native" test_search
t "EACCES: a single name relative to an unsearchable dir, in and outside /tmp" test_search_single
t "EROFS: read-only bind mount, before EACCES, after EEXIST (root, 65534)" test_erofs
t "EROFS: read-only filesystem (root, 65534)" test_erofs_sb
t "EPERM: immutable parent, before EACCES (root, 65534), emulated" test_immutable
t "append-only parent: creations pass natively, so denied EPERM" test_append_only
t "a call the kernel would let through: denied EPERM (root, 65534)" test_would_pass
USERNS=1 t "root of a user namespace: EACCES on an unmapped parent, mapped passes" test_userns
stop_tracerd

PD=$OUT/pol-enospc
PP=$OUT/pol-eperm
PF=$WORK/predict-policy
mkdir -p -m 0755 "$PD/rootdir" "$PD/src" "$PD/ro" "$PP"
mkdir -m 0777 "$PD/open" "$PP/open"
chmod 0777 "$PD/src"
mount_bind "$PD/src" "$PD/ro" ro || true
printf '%s\n' "allow /tmp" "deny $PD errno=ENOSPC" "deny $PP" >"$PF"
start_tracerd --policy "$PF" || exit 1
t "a denying rule: the kernel's EROFS and EACCES first, then its errno; rule named" test_rule
stop_tracerd

# the same as uid 65534 with a tracerd of its own (no adopted credentials)
NOBODY_DAEMON=1
start_tracerd --as-nobody || exit 1
t "nobody's tracerd: EACCES as native, 0733 denied" test_eacces_nobody
t "nobody's tracerd: EROFS on a read-only bind mount" test_erofs_nobody
stop_tracerd
