#!/bin/bash
# Issue 3, fidelity: mode, owner, group, ACL and errno of a supervised
# creation compared with the same creation made natively ($IN/n vs $IN/s).
. "$(dirname "$0")/lib.sh"

# cmp_cmd CMD...: run CMD in $IN/n natively and in $IN/s supervised (a
# literal @ in an argument stands for the tree); same status, same tree.
cmp_cmd() {
	local a=() b=() x rcn
	for x in "$@"; do
		a+=("${x//@/$IN/n}")
		b+=("${x//@/$IN/s}")
	done
	mkdir -p "$IN/n" "$IN/s"
	run "${a[@]}"
	rcn=$RC
	cp "$T/out" "$T/native"
	run sup "${b[@]}"
	assert_rc "$rcn" "as native"
	diff -u "$T/native" "$T/out" >&2 || fail "stdout differs from native"
	assert_same_tree "$IN/n" "$IN/s"
}

test_umask_000() {
	(umask 000 && cmp_cmd mkdir @/a)
	assert_eq "$(stat -c %a "$IN/s/a")" 777 "mode"
}

test_default_acl() {
	command -v setfacl >/dev/null || skip acl "setfacl is not installed"
	both 'mkdir p && setfacl -d -m u:65534:rwx,g::r-x,m::rwx,o::- p'
	cmp_cmd mkdir @/p/child
	getfacl -n -p "$IN/s/p/child" | grep -q 'default:user:65534:rwx' || fail "default ACL not inherited"
	getfacl -n -p "$IN/s/p/child" | grep -q '^user:65534:rwx' || fail "access ACL not inherited"
	expect_record path="$IN/s/p/child" decision=emulated errno=null
}

test_setgid_parent() {
	both 'mkdir p && chgrp 100 p && chmod 2775 p'
	cmp_cmd mkdir @/p/child
	assert_eq "$(stat -c '%g %A' "$IN/s/p/child")" "100 drwxr-sr-x" "group and setgid bit"
}

test_rofs() {
	mkdir -p "$IN/src" "$IN/ro"
	mount_bind "$IN/src" "$IN/ro" ro || skip mount "cannot bind-mount read-only"
	run mkdir "$IN/ro/n"
	assert_rc 1 "native on a read-only mount"
	run sup "$PROGS/mk" mkdir "$IN/ro/s"
	assert_out EROFS
	expect_record path="$IN/ro/s" decision=emulated errno=EROFS
	umount "$IN/ro"
}

test_enospc() {
	local i
	mkdir "$IN/full"
	mount_tmpfs "$IN/full" size=1m,nr_inodes=8,mode=0755 || skip tmpfs "cannot mount a tmpfs"
	for ((i = 0; i < 16; i++)); do
		mkdir "$IN/full/f$i" 2>/dev/null || break
	done
	run "$PROGS/mk" mkdir "$IN/full/native"
	assert_out ENOSPC
	run sup "$PROGS/mk" mkdir "$IN/full/sup"
	assert_out ENOSPC
	expect_record path="$IN/full/sup" decision=emulated errno=ENOSPC
	umount "$IN/full"
}

test_root_creds() {
	need_prog creds
	both 'mkdir -m 1777 pub && mkdir -m 0755 nb && chown 65534:65534 nb'
	# fsuid/fsgid/groups of one thread of a root target
	cmp_cmd "$PROGS/creds" 65534 100 100,65534 all @/pub/a
	assert_eq "$(stat -c '%u %g' "$IN/s/pub/a")" "65534 100" "owner"
	expect_record path="$IN/s/pub/a" uid=65534 decision=emulated errno=null
	# the groups decide a permission check
	both 'mkdir -m 0770 grp && chgrp 100 grp'
	cmp_cmd "$PROGS/creds" 65534 65534 100 all @/grp/b
	assert_eq "$(cat "$T/out")" 0
	cmp_cmd "$PROGS/creds" 65534 65534 - all @/grp/c
	assert_eq "$(cat "$T/out")" EACCES
	# no effective capabilities: no DAC override
	cmp_cmd "$PROGS/creds" 0 0 - none @/nb/d
	assert_eq "$(cat "$T/out")" EACCES
	expect_record path="$IN/s/nb/d" decision=emulated errno=EACCES
}

test_tar() {
	mkdir -p "$T/src"
	(cd "$T/src" && mkdir -m 0700 a && mkdir -m 0750 a/b && mkdir -m 1777 c &&
		mkdir -m 2755 d && mkdir -m 0555 e && echo x >a/b/f && chmod 0555 e)
	tar -C "$T/src" -cf "$T/a.tar" .
	cmp_cmd tar -C @ -xf "$T/a.tar"
	[ "$(audit_count decision=emulated errno=null comm=tar)" -ge 5 ] || fail "no tar records"
}

test_git_init() {
	command -v git >/dev/null || skip git "git is not installed"
	cmp_cmd git init -q @/repo
	[ "$(audit_count comm=git decision=emulated errno=null)" -ge 5 ] || fail "no git records"
}

test_cp_a() {
	mkdir -p "$T/src/x/y/z"
	chmod 0711 "$T/src/x"
	chmod 2750 "$T/src/x/y"
	chown 65534:100 "$T/src/x/y/z"
	cmp_cmd cp -a "$T/src" @/copy
}

test_install_d() {
	(umask 022 && cmp_cmd install -d -m 750 @/i/j/k)
	assert_eq "$(stat -c %a "$IN/s/i/j/k")" 750 "mode"
}

start_tracerd || exit 1
t "umask 000: mode as native" test_umask_000
t "a parent with a default ACL: ACLs as native" test_default_acl
t "a setgid parent: group and bit inherited as native" test_setgid_parent
t "a read-only bind mount inside /tmp: EROFS" test_rofs
t "a full tmpfs inside /tmp: ENOSPC" test_enospc
t "root target with changed fsuid/fsgid/groups/caps: as native" test_root_creds
t "tar -x of varied directory modes: tree as native" test_tar
t "git init: tree as native" test_git_init
t "cp -a of a tree: as native" test_cp_a
t "install -d -m 750: as native" test_install_d
stop_tracerd
