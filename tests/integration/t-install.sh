#!/bin/bash
# Issue 15, install: make install / make uninstall put exactly the expected
# tree and take it away again (the files; the directories stay), the units
# name the installed paths and pass systemd-analyze verify --user, the man
# pages lint clean and render, and as root without DESTDIR ldconfig makes
# the bare LD_PRELOAD=libnotif.so work, inside a private mount namespace
# (an overlay on /etc, a tmpfs on /usr/local): the machine's /usr/local and
# ld.so cache are never touched.
#
# The build directory installed from is TRACERD's (build/asan/tracerd ->
# build), or NOTIF_INSTALL_B. Nothing is compiled here: make gets -o for the
# built files, so the suite installs what it tested.
. "$(dirname "$0")/lib.sh"

IB=${NOTIF_INSTALL_B:-$(dirname "$TRACERD")}
[ "$(basename "$IB")" = asan ] && IB=$(dirname "$IB")
IB=$(abspath "$IB")

# mk_install ARGS...: make in the top directory with B=$IB and nothing
# rebuilt, its own make flags only
mk_install() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory \
		-o "$IB/tracerd" -o "$IB/notif-run" -o "$IB/libnotif.so" -o "$IB/lib32/libnotif.so" \
		B="$IB" "$@"
}

# expected_tree PREFIX: the files install puts, sorted, with their modes
expected_tree() {
	{
		echo "0755 $1/bin/notif-run"
		echo "0755 $1/bin/tracerd"
		echo "0644 $1/lib/x86_64-linux-gnu/libnotif.so"
		if [ -f "$IB/lib32/libnotif.so" ]; then
			echo "0644 $1/lib/i386-linux-gnu/libnotif.so"
			echo "0644 $1/lib32/libnotif.so"
		fi
		echo "0644 $1/lib/systemd/user/tracerd.service"
		echo "0644 $1/lib/systemd/user/tracerd.socket"
		echo "0644 $1/share/man/man1/notif-run.1"
		echo "0644 $1/share/man/man1/tracerd.1"
		echo "0644 $1/share/man/man5/tracerd-audit.5"
		echo "0644 $1/share/man/man7/libnotif.7"
	} | sort -k2
}

# tree DIR: every file and symlink below DIR, as "MODE /PATH" (DIR cut off)
tree() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%#m /%P\n' | sed 's/^0*\([0-7]\{3\}\) /0\1 /' |
		sort -k2)
}

need_built() {
	if [ ! -x "$IB/tracerd" ] || [ ! -f "$IB/libnotif.so" ]; then fail "nothing built in $IB"; fi
}

test_destdir() {
	need_built
	local d=$IN/dest
	mkdir "$d"
	mk_install install DESTDIR="$d" PREFIX=/usr/local >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out" >&2; fail "make install failed"; }
	[ -f "$IB/lib32/libnotif.so" ] || diag "no 32-bit library in $IB: the tree has no lib32"
	tree "$d" >"$T/got"
	expected_tree /usr/local >"$T/want"
	diff -u "$T/want" "$T/got" >&2 || fail "the installed tree differs"
	cmp "$IB/tracerd" "$d/usr/local/bin/tracerd"
	cmp "$IB/notif-run" "$d/usr/local/bin/notif-run"
	cmp "$IB/libnotif.so" "$d/usr/local/lib/x86_64-linux-gnu/libnotif.so"
	# DESTDIR: no ldconfig, no systemctl
	if grep -E '^(ldconfig|systemctl)' "$T/install.out" >&2; then
		fail "install with DESTDIR ran ldconfig or systemctl"
	fi
	# the units name the installed paths
	local u=$d/usr/local/lib/systemd/user
	grep -qx 'ExecStart=/usr/local/bin/tracerd --fd-store-max 4096' "$u/tracerd.service" ||
		fail "tracerd.service: no ExecStart=/usr/local/bin/tracerd --fd-store-max 4096"
	grep -qx 'ListenStream=@tracerd-%U' "$u/tracerd.socket" ||
		fail "tracerd.socket: no ListenStream=@tracerd-%U"
	! grep -n '@[a-z]*@' "$u/tracerd.service" "$u/tracerd.socket" >&2 ||
		fail "a placeholder was left in a unit"
	mk_install uninstall DESTDIR="$d" PREFIX=/usr/local >"$T/uninstall.out" 2>&1 ||
		{ cat "$T/uninstall.out" >&2; fail "make uninstall failed"; }
	tree "$d" >"$T/left"
	[ ! -s "$T/left" ] || { cat "$T/left" >&2; fail "uninstall left files behind"; }
}

test_man() {
	need_built
	local d=$IN/dest
	mkdir "$d"
	mk_install install DESTDIR="$d" >/dev/null 2>&1 || fail "make install failed"
	local m=$d/usr/local/share/man
	"$TOP/tools/man-lint.sh" "$m/man1/tracerd.1" "$m/man1/notif-run.1" "$m/man5/tracerd-audit.5" \
		"$m/man7/libnotif.7" >&2 ||
		fail "man-lint: the installed pages have warnings"
	MANWIDTH=80 man -l "$m/man1/tracerd.1" >"$T/tracerd.txt" 2>"$T/man.err" || fail "man -l tracerd.1"
	MANWIDTH=80 man -l "$m/man7/libnotif.7" >"$T/libnotif.txt" 2>>"$T/man.err" || fail "man -l libnotif.7"
	[ ! -s "$T/man.err" ] || { cat "$T/man.err" >&2; fail "man -l wrote to stderr"; }
	local s
	for s in NAME SYNOPSIS OPTIONS SIGNALS "EXIT STATUS" ENVIRONMENT FILES "THE UNITS" \
		"LOG FORMAT" LIMITS SECURITY EXAMPLES "SEE ALSO"; do
		grep -qx "$s" "$T/tracerd.txt" || fail "tracerd(1) has no section $s"
	done
	for s in NAME DESCRIPTION ENVIRONMENT "EXIT STATUS" COVERED "NOT COVERED"; do
		grep -qx "$s" "$T/libnotif.txt" || fail "libnotif(7) has no section $s"
	done
	# every option of tracerd --help is in the page
	local o
	for o in $("$IB/tracerd" --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -qF -- "$o" "$T/tracerd.txt" || fail "tracerd(1) does not document $o"
	done
	MANWIDTH=80 man -l "$m/man1/notif-run.1" >"$T/notif-run.txt" 2>"$T/man.err" ||
		fail "man -l notif-run.1"
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT "SEE ALSO"; do
		grep -qx "$s" "$T/notif-run.txt" || fail "notif-run(1) has no section $s"
	done
	for o in $("$IB/notif-run" --help | grep -o -- '--[a-z-]*' | sort -u); do
		grep -qF -- "$o" "$T/notif-run.txt" || fail "notif-run(1) does not document $o"
	done
}

# A real install (no DESTDIR) into a temporary prefix: the units name
# files that exist, so systemd-analyze can check them, man pages included.
test_prefix_verify() {
	need_built
	local p=$IN/prefix h=$T/home
	mkdir -p "$p" "$h"
	mkdir -m 0700 "$h/run"
	mk_install install PREFIX="$p" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out" >&2; fail "make install failed"; }
	tree "$p" >"$T/got"
	expected_tree "" >"$T/want"
	diff -u "$T/want" "$T/got" >&2 || fail "the installed tree differs"
	grep -qx "ExecStart=$p/bin/tracerd --fd-store-max 4096" "$p/lib/systemd/user/tracerd.service" ||
		fail "tracerd.service does not start $p/bin/tracerd"
	# the installed notif-run starts the tracerd installed beside it
	local rc=0
	env -u TRACERD_BIN XDG_STATE_HOME="$h/state" "$p/bin/notif-run" --allow "$IN" \
		mkdir "$IN/inst" "$XT/inst" 2>"$T/nr.err" || rc=$?
	[ "$rc" = 1 ] && [ -d "$IN/inst" ] && [ ! -e "$XT/inst" ] ||
		{ cat "$T/nr.err" >&2; fail "installed notif-run: exit $rc"; }
	grep -q '"decision":"denied"' "$h"/state/tracerd/notif-run-*.jsonl ||
		fail "installed notif-run: no record in its private log"
	# a prefix ld.so does not search: no ldconfig, and the advice says so
	! grep -q '^ldconfig' "$T/install.out" || fail "ldconfig ran for $p"
	grep -qF "LD_PRELOAD='$p/\$LIB/libnotif.so'" "$T/install.out" ||
		{ cat "$T/install.out" >&2; fail "install did not give the \$LIB path"; }
	if command -v systemd-analyze >/dev/null; then
		HOME=$h XDG_RUNTIME_DIR=$h/run MANPATH=$p/share/man systemd-analyze verify --user \
			"$p/lib/systemd/user/tracerd.socket" "$p/lib/systemd/user/tracerd.service" \
			>"$T/verify" 2>&1 || { cat "$T/verify" >&2; fail "systemd-analyze verify --user"; }
		[ ! -s "$T/verify" ] || { cat "$T/verify" >&2; fail "systemd-analyze verify said something"; }
	fi
	mk_install uninstall PREFIX="$p" >/dev/null 2>&1 || fail "make uninstall failed"
	tree "$p" >"$T/left"
	[ ! -s "$T/left" ] || { cat "$T/left" >&2; fail "uninstall left files behind"; }
	command -v systemd-analyze >/dev/null || skip systemd-analyze "not installed: units not verified"
}

# As root, no DESTDIR, PREFIX=/usr/local, in a private mount namespace:
# install runs ldconfig, a bare LD_PRELOAD=libnotif.so supervises 64-bit
# programs; a 32-bit program gets ld.so's warning and runs unsupervised,
# and the $LIB path supervises it; after uninstall the bare name is
# unsupervised again and /usr/local holds no file.
test_ldconfig_bare() {
	need_built
	need_prog mk
	[ "$(id -u)" = 0 ] || skip root "make install without DESTDIR into /usr/local needs root"
	local mk32=$PROGS/mk32
	[ -x "$mk32" ] && [ -f "$IB/lib32/libnotif.so" ] || mk32=
	mkdir -p "$T/ov/u" "$T/ov/w"
	cat >"$T/ns.sh" <<-EOF
		set -e
		mount -t overlay overlay -o lowerdir=/etc,upperdir=$T/ov/u,workdir=$T/ov/w /etc
		mount -t tmpfs tmpfs /usr/local
		mount -t tmpfs tmpfs /var/cache/ldconfig 2>/dev/null ||
			{ mkdir -p /var/cache/ldconfig && mount -t tmpfs tmpfs /var/cache/ldconfig; }
	EOF
	cat >>"$T/ns.sh" <<-'EOF'
		step() { echo "== $*"; }
		step install
		mk_install install PREFIX=/usr/local
		step bare64
		LD_PRELOAD=libnotif.so "$PROGS/mk" mkdir "$XT/bare64" 2>&1
		if [ -n "$MK32" ]; then
			step bare32
			LD_PRELOAD=libnotif.so "$MK32" mkdir "$XT/bare32" 2>&1
			step lib32
			LD_PRELOAD='/usr/local/$LIB/libnotif.so' "$MK32" mkdir "$XT/lib32" 2>&1
		fi
		step uninstall
		mk_install uninstall PREFIX=/usr/local
		step after
		LD_PRELOAD=libnotif.so "$PROGS/mk" mkdir "$XT/after" 2>&1
		step left
		find /usr/local \( -type f -o -type l \) -print
	EOF
	export -f mk_install
	export IB TOP PROGS XT MK32=$mk32
	timeout -k 5 120 unshare -m --propagation private bash "$T/ns.sh" >"$T/ns.out" 2>&1 ||
		{ cat "$T/ns.out" >&2; fail "the install in a private namespace failed"; }
	# section NAME: the lines between "== NAME" and the next "== "
	section() { awk -v s="== $1" '$0 == s { on = 1; next } /^== / { on = 0 } on' "$T/ns.out"; }
	section install | grep -qx ldconfig || { cat "$T/ns.out" >&2; fail "install ran no ldconfig"; }
	assert_eq "$(section bare64)" EPERM "bare LD_PRELOAD=libnotif.so, 64-bit, outside the roots"
	assert_absent "$XT/bare64"
	expect_record path="$XT/bare64" decision=denied errno=EPERM
	if [ -n "$mk32" ]; then
		section bare32 | grep -q "ERROR: ld.so: object 'libnotif.so' from LD_PRELOAD cannot be preloaded" ||
			{ cat "$T/ns.out" >&2; fail "no ld.so warning for the bare name in a 32-bit program"; }
		assert_eq "$(section bare32 | tail -n 1)" 0 "32-bit program, bare name: unsupervised"
		assert_eq "$(section lib32)" EPERM "32-bit program, \$LIB path"
		assert_absent "$XT/lib32"
	else
		diag "no 32-bit program or library: the 32-bit cases did not run"
	fi
	section uninstall | grep -qx ldconfig || { cat "$T/ns.out" >&2; fail "uninstall ran no ldconfig"; }
	section after | grep -q "cannot be preloaded" ||
		{ cat "$T/ns.out" >&2; fail "no ld.so warning after uninstall"; }
	assert_eq "$(section after | tail -n 1)" 0 "after uninstall: unsupervised"
	assert_eq "$(section left)" "" "files left in /usr/local"
	# the machine's cache never had it
	! ldconfig -p | grep -q 'libnotif\.so ' || fail "the machine's ld.so cache names libnotif.so"
}

t "make install DESTDIR: exactly the tree, units with the installed paths; uninstall: no file left" \
	test_destdir
t "installed man pages: lint clean, man -l renders every section and option" test_man
t "make install into a temporary prefix: systemd-analyze verify --user passes" test_prefix_verify
start_tracerd || exit 1
t "as root without DESTDIR: ldconfig, the bare LD_PRELOAD=libnotif.so supervises (private namespace)" \
	test_ldconfig_bare
stop_tracerd
