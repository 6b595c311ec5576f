#!/bin/bash
# Adversarial review, namespaces and identities: capabilities of a user
# namespace count only where the kernel honours them, a deleted root's
# identity is never reused, /proc/self means the target in whatever procfs
# it names, and a target with many supplementary groups is served as
# natively. Each case runs natively first; the supervised run must give the
# same result, the same outcome on disk and its audit record.
. "$(dirname "$0")/lib.sh"

nobody_files

# indir DIR CMD...: CMD run with DIR as its cwd
indir() {
	local d=$1
	shift
	(cd "$d" && exec "$@")
}

# ------------------------------------------------------------ user namespaces
# A uid-65534 process in `unshare -Ur` is root in its namespace with a full
# CapEff, which the kernel honours only on inodes whose owner and group map
# into that namespace. Under the root tracerd the library is loaded by root
# (the tracerd refuses a client of another uid) and the program then becomes
# 65534 and enters the namespace: the filter is inherited.

# The capabilities the namespace's root holds that tracerd does not (root's
# bounding set may lack some, e.g. CAP_SYS_RESOURCE here): NS_TRIM drops them
# in the namespace, so that a tracerd that adopts the namespace's CapEff as
# real capabilities can do so and shows the bug as a creation.
ns_trim() {
	local own ns missing i names=() caps
	NS_TRIM=()
	own=$(awk '/^CapEff:/ { print $2 }' "/proc/$TRACERD_PID/status")
	# shellcheck disable=SC2016
	ns=$("${AS_NOBODY[@]}" unshare -Ur awk '/^CapEff:/ { print $2 }' /proc/self/status)
	missing=$((0x$ns & ~0x$own))
	mapfile -t caps < <(setpriv --list-caps)
	for ((i = 0; i < ${#caps[@]}; i++)); do
		((missing >> i & 1)) && names+=("-${caps[i]}")
	done
	[ ${#names[@]} -eq 0 ] || NS_TRIM=(setpriv "--bounding-set=$(
		IFS=,
		echo "${names[*]}"
	)")
}

need_userns() {
	"${AS_NOBODY[@]}" unshare -Ur true 2>/dev/null || skip userns "unprivileged user namespaces are disabled"
}

# ns_native [--trim] PATH: mk mkdir PATH as 65534 in unshare -Ur, natively
ns_native() {
	local trim=()
	[ "$1" = --trim ] && { trim=("${NS_TRIM[@]}"); shift; }
	run timeout "$TMO" "${AS_NOBODY[@]}" unshare -Ur "${trim[@]}" "$NPROGS/mk" mkdir "$1"
}

# ns_sup_root [--trim] PATH: the same under the root tracerd
ns_sup_root() {
	local trim=()
	[ "$1" = --trim ] && { trim=("${NS_TRIM[@]}"); shift; }
	run sup "${AS_NOBODY[@]}" unshare -Ur "${trim[@]}" "$NPROGS/mk" mkdir "$1"
}

# ns_sup_nobody PATH: the same, the library loaded by 65534 (nobody's tracerd)
ns_sup_nobody() {
	run sup_nobody unshare -Ur "$NPROGS/mk" mkdir "$1"
}

# ns_case RUNNER plain|trim WANT PATH_NATIVE PATH_SUP: mk mkdir natively
# in unshare -Ur (plain, or with NS_TRIM) prints WANT; the supervised run
# (RUNNER) prints WANT too, with an emulated record of errno WANT (null for
# 0) and the same outcome on disk. PATH_SUP may be an existing name.
ns_case() {
	local runner=$1 variant=$2 want=$3 pn=$4 ps=$5 e=null targ=() existed=0
	[ "$variant" = trim ] && targ=(--trim)
	[ -e "$ps" ] && existed=1
	ns_native "${targ[@]}" "$pn"
	assert_out "$want" # native, as the finding states
	"$runner" "${targ[@]}" "$ps"
	[ "$(cat "$T/out")" = "$want" ] || { show_run; dump_tracerd; fail "supervised $ps: expected $want as native"; }
	[ "$want" = 0 ] || e=$want
	expect_record path="$ps" uid=$NOBODY decision=emulated errno="$e"
	if [ "$want" = 0 ]; then
		assert_dir "$ps"
		assert_same_stat "$pn" "$ps"
	elif [ $existed = 0 ]; then
		assert_absent "$ps"
	fi
}

# root's 0755 and 0700 directories: EACCES as native, nothing created
test_ns_root_dirs() {
	local t
	need_userns
	ns_trim
	mkdir -m 0755 "$IN/R"
	mkdir -m 0700 "$IN/P"
	for t in trim plain; do
		ns_case ns_sup_root "$t" EACCES "$IN/R/n-$t" "$IN/R/s-$t"
		ns_case ns_sup_root "$t" EACCES "$IN/P/n-$t" "$IN/P/s-$t"
	done
	assert_eq "$(find "$IN/R" "$IN/P" -mindepth 1 | wc -l)" 0 "entries created in root's directories"
}

# an existing name in root's 0700 directory: EACCES, never EEXIST (an oracle)
test_ns_exist_oracle() {
	local t
	need_userns
	ns_trim
	mkdir -m 0700 "$IN/P"
	mkdir "$IN/P/exists-plain" "$IN/P/exists-trim"
	for t in trim plain; do
		ns_case ns_sup_root "$t" EACCES "$IN/P/exists-$t" "$IN/P/exists-$t"
	done
}

# the namespace's CAP_DAC_OVERRIDE over a mapped inode: 0 as native; an
# inode whose group does not map (65534:0) gets no override: EACCES
test_ns_mapped_override() {
	local t
	need_userns
	ns_trim
	mkdir -m 0555 "$IN/nb" "$IN/half"
	chown $NOBODY:$NOBODY "$IN/nb"
	chown $NOBODY:0 "$IN/half"
	for t in trim plain; do
		ns_case ns_sup_root "$t" 0 "$IN/nb/n-$t" "$IN/nb/s-$t"
		ns_case ns_sup_root "$t" EACCES "$IN/half/n-$t" "$IN/half/s-$t"
	done
}

# ordinary creation in nobody's own 0755 directory from unshare -Ur: 0
test_ns_own_dir() {
	local t
	need_userns
	ns_trim
	mkdir -m 0755 "$IN/own"
	chown $NOBODY:$NOBODY "$IN/own"
	for t in trim plain; do
		ns_case ns_sup_root "$t" 0 "$IN/own/n-$t" "$IN/own/s-$t"
	done
	assert_eq "$(stat -c %u:%g "$IN/own/s-plain")" "$NOBODY:$NOBODY" "owner"
}

# nobody's tracerd serves its own uid in unshare -Ur as itself: 0 in its dir
test_nb_ns_own_dir() {
	need_userns
	mkdir -m 0755 "$IN/own"
	chown $NOBODY:$NOBODY "$IN/own"
	ns_case ns_sup_nobody plain 0 "$IN/own/n" "$IN/own/s"
	assert_eq "$(stat -c %u:%g "$IN/own/s")" "$NOBODY:$NOBODY" "owner"
}

# nobody's tracerd: root's 0755 directory stays EACCES from unshare -Ur
test_nb_ns_root_dir() {
	need_userns
	mkdir -m 0755 "$IN/R"
	ns_case ns_sup_nobody plain EACCES "$IN/R/n" "$IN/R/s"
}

# documented corner: nobody's 0555 directory from root-in-ns is EACCES under
# nobody's tracerd (it holds no capability to honour), natively 0
test_nb_ns_0555_corner() {
	need_userns
	mkdir -m 0555 "$IN/nb"
	chown $NOBODY:$NOBODY "$IN/nb"
	ns_native "$IN/nb/n"
	assert_out 0
	ns_sup_nobody "$IN/nb/s"
	[ "$(cat "$T/out")" = EACCES ] || { show_run; dump_tracerd; fail "expected the documented EACCES"; }
	assert_absent "$IN/nb/s"
	expect_record path="$IN/nb/s" uid=$NOBODY decision=emulated errno=EACCES
}

# ------------------------------------------------------------ deleted roots
# A deleted root's inode, reused by a new directory moved outside the roots,
# must not count as the root: tracerd keeps each root pinned open. The roots
# live on a private small ext4 (when loop mounts work) so that the inode
# allocator is not disturbed by other activity on /tmp: there, a freed
# directory inode is the next one handed out. The directory moved outside
# the roots stays on the same filesystem ($FS/out), keeping its inode.
test_deleted_root_inode() {
	local ino hit
	ino=$(stat -c %i "$RA")
	rmdir "$RA"
	hit=$("$PY" -c '
import os, sys
b, ino, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    p = "%s/d%d" % (b, i)
    os.mkdir(p)
    if os.stat(p).st_ino == ino:
        print(p)
        break
' "$RB" "$ino" "$REUSE_TRIES")
	mkdir -p "$FS/out"
	mv "${hit:-$RB/d0}" "$FS/out/moved-$$"
	run sup "$PROGS/mk" mkdir "$FS/out/moved-$$/x"
	[ -z "$hit" ] || fail "$hit got the deleted root's inode $ino while tracerd runs; moved outside the roots, mkdir under it: $(cat "$T/out")"
	assert_out EPERM
	assert_absent "$FS/out/moved-$$/x"
	expect_record path="$FS/out/moved-$$/x" decision=denied errno=EPERM
	# the other root still serves
	run sup "$PROGS/mk" mkdir "$RB/ok"
	assert_out 0
	expect_record path="$RB/ok" decision=emulated errno=null
}

# cwd in a deleted root: mkdir("x") ENOENT as natively, nothing created
test_deleted_root_cwd() {
	local d=$FS/native-cwd
	mkdir "$d"
	# shellcheck disable=SC2016
	run sh -c 'cd "$1" && rmdir "$1" && exec "$2" mkdir x' sh "$d" "$PROGS/mk"
	assert_out ENOENT
	# shellcheck disable=SC2016
	run sup sh -c 'cd "$1" && rmdir "$1" && exec "$2" mkdir x' sh "$RC2" "$PROGS/mk"
	assert_out ENOENT
	assert_absent "$RC2"
	assert_absent "$FS/x"
	assert_absent "$IN/x"
	expect_record path=x decision=emulated errno=ENOENT
}

# ------------------------------------------------------------ pid namespaces
# pidns_native [--mount-proc] DIR CMD...: CMD from cwd DIR as pid 1 of a new
# pid namespace (which sees the host's /proc unless --mount-proc)
pidns_native() {
	local opt=()
	[ "$1" = --mount-proc ] && { opt=(--mount-proc); shift; }
	local d=$1
	shift
	run indir "$d" timeout "$TMO" unshare --pid --fork --kill-child "${opt[@]}" "$@"
}

# pidns_sup [--mount-proc] DIR CMD...: the same, CMD under the library
pidns_sup() {
	local opt=()
	[ "$1" = --mount-proc ] && { opt=(--mount-proc); shift; }
	local d=$1
	shift
	run indir "$d" timeout "$TMO" unshare --pid --fork --kill-child "${opt[@]}" \
		env LD_PRELOAD="$LIBNOTIF" "$@"
}

# /proc/self (and thread-self) in the host's procfs from pid 1 of a child
# pid namespace: the target's own cwd, as native
test_pidns_host_proc_self() {
	local link name
	mkdir "$IN/n" "$IN/c"
	for link in self thread-self; do
		name=planted-$link
		pidns_native "$IN/n" "$PROGS/mk" mkdir "/proc/$link/cwd/$name"
		assert_out 0
		assert_dir "$IN/n/$name"
		pidns_sup "$IN/c" "$PROGS/mk" mkdir "/proc/$link/cwd/$name"
		[ "$(cat "$T/out")" = 0 ] || { show_run; dump_tracerd; fail "/proc/$link/cwd/$name: expected 0 as native"; }
		assert_dir "$IN/c/$name"
		expect_record path="/proc/$link/cwd/$name" decision=emulated errno=null resolved="$IN/c/$name"
	done
}

# the same with the namespace's own procfs (--mount-proc)
test_pidns_own_proc_self() {
	mkdir "$IN/n" "$IN/c"
	pidns_native --mount-proc "$IN/n" "$PROGS/mk" mkdir /proc/self/cwd/planted3
	assert_out 0
	assert_dir "$IN/n/planted3"
	# --mount-proc is also a new mount namespace, where $IN is another mount
	# than tracerd's root /tmp: denied by the documented rule (the roots
	# are tracerd's, by identity). What this pins: /proc/self is the
	# target, so the record resolves into its own cwd, not pid 1's.
	pidns_sup --mount-proc "$IN/c" "$PROGS/mk" mkdir /proc/self/cwd/planted3
	[ "$(cat "$T/out")" = EPERM ] || { show_run; dump_tracerd; fail "expected EPERM"; }
	assert_absent "$IN/c/planted3"
	assert_absent /planted3
	expect_record path=/proc/self/cwd/planted3 decision=denied errno=EPERM resolved="$IN/c/planted3"
}

# foreign_stop: end the namespace of test_pidns_foreign_procfs (once)
foreign_stop() {
	[ -n "${FOREIGN_BG:-}" ] || return 0
	kill -KILL "$FOREIGN_BG" 2>/dev/null || true
	wait "$FOREIGN_BG" 2>/dev/null || true
	FOREIGN_BG=
}

# a procfs of a pid namespace the target is not in: self does not exist
test_pidns_foreign_procfs() {
	local link native name
	mkdir "$IN/cproc" "$IN/inner" "$IN/w"
	echo "$IN/cproc" >>"$WORK/.priv/mounts"
	# the procfs is mounted from inside the new pid namespace, in the host's
	# mount namespace; its pid 1 (cwd $IN/inner) keeps running
	# shellcheck disable=SC2016
	(cd "$IN/inner" && exec unshare --pid --fork --kill-child sh -c \
		'mount -t proc notif-it "$1" && exec sleep 1000' sh "$IN/cproc") &
	FOREIGN_BG=$! # not local: the EXIT trap of the test's subshell uses it
	# unshare ignores SIGTERM while it waits for its child: SIGKILL it,
	# --kill-child takes the namespace's pid 1 along
	trap foreign_stop EXIT
	poll test -d "$IN/cproc/1" || { foreign_stop; skip mount "cannot mount a procfs of a new pid namespace"; }
	for link in self thread-self; do
		name=foreign-$link-$$
		run indir "$IN/w" "$PROGS/mk" mkdir "$IN/cproc/$link/cwd/$name-n"
		native=$(cat "$T/out")
		[ "$native" = ENOENT ] || diag "note: natively $native"
		run indir "$IN/w" timeout -k 5 "$TMO" env LD_PRELOAD="$LIBNOTIF" "$PROGS/mk" mkdir "$IN/cproc/$link/cwd/$name"
		[ "$(cat "$T/out")" = "$native" ] || { show_run; dump_tracerd; fail "$link: expected $native as native"; }
		expect_record path="$IN/cproc/$link/cwd/$name" decision=emulated errno="$native"
		# nothing anywhere: not in the caller's cwd, not in the cwd of
		# the namespace's pid 1, not in host pid 1's or tracerd's
		assert_absent "$IN/w/$name"
		assert_absent "$IN/inner/$name"
		assert_absent "$(readlink /proc/1/cwd)/$name"
		assert_absent "$(readlink "/proc/$TRACERD_PID/cwd")/$name"
	done
	foreign_stop
	umount "$IN/cproc"
}

# ------------------------------------------------------------ many groups
# as uid/gid 12345 with N supplementary groups 100000..100000+N-1
GROUPS_PY='
import os, sys
n = int(sys.argv[1])
os.setgroups(list(range(100000, 100000 + n)))
os.setresgid(12345, 12345, 12345)
os.setresuid(12345, 12345, 12345)
os.execv(sys.argv[2], sys.argv[2:])
'

# the last of N groups decides: 0 as native, a complete record
test_many_groups() {
	local n last
	for n in 100 300 1000 65536; do
		last=$((100000 + n - 1))
		mkdir -m 0770 "$IN/g$n"
		chown 0:$last "$IN/g$n"
		chmod 0770 "$IN/g$n"
		run timeout "$TMO" "$PY" -c "$GROUPS_PY" $n "$NPROGS/mk" mkdir "$IN/g$n/n"
		assert_out 0
		LIBNOTIF=$NLIB run sup "$PY" -c "$GROUPS_PY" $n "$NPROGS/mk" mkdir "$IN/g$n/s"
		[ "$(cat "$T/out")" = 0 ] || { show_run; dump_tracerd; fail "$n groups: expected 0 as native"; }
		assert_dir "$IN/g$n/s"
		assert_same_stat "$IN/g$n/n" "$IN/g$n/s"
		assert_eq "$(stat -c %u:%g "$IN/g$n/s")" 12345:12345 "owner with $n groups"
		expect_record path="$IN/g$n/s" uid=12345 exe="$NPROGS/mk" comm=mk cwd="$IN" \
			resolved="$IN/g$n/s" decision=emulated errno=null
	done
}

# a group not in the list: EACCES both ways
test_many_groups_outsider() {
	local n
	for n in 100 1000 65536; do
		mkdir -m 0770 "$IN/o$n"
		chown 0:99999 "$IN/o$n"
		chmod 0770 "$IN/o$n"
		run timeout "$TMO" "$PY" -c "$GROUPS_PY" $n "$NPROGS/mk" mkdir "$IN/o$n/n"
		assert_out EACCES
		LIBNOTIF=$NLIB run sup "$PY" -c "$GROUPS_PY" $n "$NPROGS/mk" mkdir "$IN/o$n/s"
		[ "$(cat "$T/out")" = EACCES ] || { show_run; dump_tracerd; fail "$n groups: expected EACCES as native"; }
		assert_absent "$IN/o$n/s"
		expect_record path="$IN/o$n/s" uid=12345 exe="$NPROGS/mk" comm=mk decision=emulated errno=EACCES
	done
}

# ------------------------------------------------------------ the runs
start_tracerd || exit 1
t "userns (root tracerd): root's 0755/0700 dirs EACCES as native, nothing created" test_ns_root_dirs
t "userns (root tracerd): an existing name in root's 0700 dir is EACCES, not EEXIST" test_ns_exist_oracle
t "userns (root tracerd): ns CAP_DAC_OVERRIDE over nobody's 0555 dir: 0 as native" test_ns_mapped_override
t "userns (root tracerd): nobody's own 0755 dir: 0 as native" test_ns_own_dir
t "pidns without its procfs: /proc/self and thread-self/cwd are the target's cwd" test_pidns_host_proc_self
t "pidns with --mount-proc: /proc/self/cwd is the target's cwd (another mount ns: denied)" test_pidns_own_proc_self
t "a procfs of a pid namespace the target is not in: self ENOENT as native" test_pidns_foreign_procfs
t "100..65536 supplementary groups: the last one decides, 0 as native, full record" test_many_groups
t "100..65536 supplementary groups, parent's group not among them: EACCES" test_many_groups_outsider
stop_tracerd

# $FS: a private 32 MiB ext4 (loop mount), else plain /tmp (where the
# allocator is shared with everything else: more tries, less certainty)
FS=$WORK/rootfs
mkdir -p "$FS"
REUSE_TRIES=2000
if truncate -s 32M "$WORK/.priv/rootfs.img" && mkfs.ext4 -q -F "$WORK/.priv/rootfs.img" 2>/dev/null &&
	mount -o loop "$WORK/.priv/rootfs.img" "$FS" 2>/dev/null; then
	echo "$FS" >>"$WORK/.priv/mounts"
	chmod 0755 "$FS"
else
	echo "# no loop-mounted ext4: the deleted-root test runs on /tmp"
	REUSE_TRIES=20000
fi
RA=$FS/A
RB=$FS/B
RC2=$FS/C
mkdir -p "$RA" "$RB" "$RC2"
start_tracerd --allow "$RA" --allow "$RB" --allow "$RC2" || exit 1
t "a deleted root's inode is not reused while tracerd runs; outside it is EPERM" test_deleted_root_inode
t "cwd in a deleted root: mkdir(\"x\") ENOENT as native, nothing created" test_deleted_root_cwd
stop_tracerd

start_tracerd --as-nobody || exit 1
t "userns (nobody's tracerd): its own 0755 dir: 0, emulated" test_nb_ns_own_dir
t "userns (nobody's tracerd): root's 0755 dir: EACCES as native" test_nb_ns_root_dir
t "userns (nobody's tracerd): nobody's 0555 dir from ns root: EACCES (documented)" test_nb_ns_0555_corner
stop_tracerd
