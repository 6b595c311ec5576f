#!/bin/bash
# Security regressions: arguments of the i386 entry (int 0x80) from a 64-bit
# program with the upper register halves set (finding 4), and records that
# must stay truthful while the base directory of a relative mkdir changes
# under the call (finding 5).
#
#   NOTIF_FLIP_ROUNDS  calls per race test (default 2000)
. "$(dirname "$0")/lib.sh"

FLIP_ROUNDS=${NOTIF_FLIP_ROUNDS:-2000}

# ------------------------------------------------------------ finding 4
# int80hi mkdir LOW HIGH: ebx's low half points to LOW, the full 64-bit
# value to HIGH (or, HIGH "-", to an unmapped page). The kernel uses LOW.

test_int80_hi_decoy() {
	need_prog int80hi
	run "$PROGS/int80hi" mkdir "$IN/n-low" "$IN/n-high"
	assert_rc 0
	assert_out 0
	assert_dir "$IN/n-low"
	assert_absent "$IN/n-high"
	run sup "$PROGS/int80hi" mkdir "$IN/s-low" "$IN/s-high"
	assert_rc 0
	assert_out 0
	assert_absent "$IN/s-high"
	assert_dir "$IN/s-low"
	assert_same_stat "$IN/n-low" "$IN/s-low"
	expect_record path="$IN/s-low" resolved="$IN/s-low" syscall=mkdir mode=0755 \
		decision=emulated errno=null
	expect_no_record path="$IN/s-high"
	# both registers at once: the decoy pointer and mode bits above 32
	run "$PROGS/int80hi" mkdir "$IN/n-both" "$IN/n-both-high" 0711 1
	assert_out 0
	run sup "$PROGS/int80hi" mkdir "$IN/s-both" "$IN/s-both-high" 0711 1
	assert_out 0
	assert_absent "$IN/s-both-high"
	assert_dir "$IN/s-both"
	assert_same_stat "$IN/n-both" "$IN/s-both"
	expect_record path="$IN/s-both" mode=0711 decision=emulated errno=null
}

test_int80_hi_unmapped() {
	need_prog int80hi
	run "$PROGS/int80hi" mkdir "$IN/n-low" -
	assert_out 0
	assert_dir "$IN/n-low"
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$PROGS/int80hi" mkdir "$IN/s-low" -
	assert_rc 0
	assert_out 0
	assert_dir "$IN/s-low"
	expect_record path="$IN/s-low" decision=emulated errno=null
	expect_no_record pid="$(cat "$T/pid")" decision=error
}

test_int80_hi_outside() {
	need_prog int80hi
	# the full value names a path outside the roots, the kernel's one inside
	run sup "$PROGS/int80hi" mkdir "$IN/s-low" "$XT/s-high"
	assert_rc 0
	assert_out 0
	assert_dir "$IN/s-low"
	assert_absent "$XT/s-high"
	expect_record path="$IN/s-low" resolved="$IN/s-low" decision=emulated errno=null
	expect_no_record path="$XT/s-high"
}

test_int80_low_outside() {
	need_prog int80hi
	# natively the outside path is made: the low half is what counts
	run "$PROGS/int80hi" mkdir "$XT/n-low" "$IN/n-high"
	assert_out 0
	assert_dir "$XT/n-low"
	assert_absent "$IN/n-high"
	run sup "$PROGS/int80hi" mkdir "$XT/s-low" "$IN/s-high"
	assert_rc 0
	assert_out EPERM
	assert_absent "$IN/s-high"
	assert_absent "$XT/s-low"
	expect_record path="$XT/s-low" resolved="$XT/s-low" decision=denied errno=EPERM
	expect_no_record path="$IN/s-high"
}

test_int80_mode_hi() {
	need_prog int80hi
	local hib
	for hib in 100 80000000 ffffffff; do
		# rcx = hib << 32 | 0700, the pointer a plain 32-bit one
		run "$PROGS/int80hi" mkdir "$IN/n-$hib" = 0700 "$hib"
		assert_out 0
		run sup "$PROGS/int80hi" mkdir "$IN/s-$hib" = 0700 "$hib"
		assert_out 0
		assert_dir "$IN/s-$hib"
		assert_same_stat "$IN/n-$hib" "$IN/s-$hib"
		expect_record path="$IN/s-$hib" mode=0700 decision=emulated errno=null
	done
}

test_int80_mkdirat_hi() {
	need_prog int80hi
	local fd
	mkdir "$IN/base"
	# dirfd AT_FDCWD (0xffffff9c) under 0xdead in the upper half, the path
	# pointer with its upper half set, the mode under 0xbeef
	run "$PROGS/int80hi" mkdirat cwd n-at-low n-at-high 0750
	assert_out 0
	assert_dir "$IN/n-at-low"
	assert_absent "$IN/n-at-high"
	run sup "$PROGS/int80hi" mkdirat cwd s-at-low s-at-high 0750
	assert_rc 0
	assert_out 0
	assert_absent "$IN/s-at-high"
	assert_dir "$IN/s-at-low"
	assert_same_stat "$IN/n-at-low" "$IN/s-at-low"
	expect_record path=s-at-low syscall=mkdirat dirfd=AT_FDCWD resolved="$IN/s-at-low" \
		mode=0750 decision=emulated errno=null
	expect_no_record path=s-at-high
	# a real directory fd under 0xdead
	run sup "$PROGS/int80hi" mkdirat "$IN/base" s-fd-low s-fd-high
	assert_rc 0
	assert_out 0
	fd=$(sed -n 's/^fd=//p' "$T/err")
	[ -n "$fd" ] || { show_run; fail "int80hi printed no fd"; }
	assert_absent "$IN/base/s-fd-high"
	assert_dir "$IN/base/s-fd-low"
	expect_record path=s-fd-low syscall=mkdirat dirfd="$fd" resolved="$IN/base/s-fd-low" \
		mode=0755 decision=emulated errno=null
	# the low half outside the roots, the full value inside: denied
	run sup "$PROGS/int80hi" mkdirat cwd "$XT/s-at-out" "$IN/s-at-in"
	assert_out EPERM
	assert_absent "$XT/s-at-out"
	assert_absent "$IN/s-at-in"
	expect_record path="$XT/s-at-out" syscall=mkdirat decision=denied errno=EPERM
	# the full value unmapped: the kernel's pointer is fine
	run sup "$PROGS/int80hi" mkdirat cwd s-at-unm -
	assert_out 0
	assert_dir "$IN/s-at-unm"
	expect_record path=s-at-unm syscall=mkdirat decision=emulated errno=null
}

# ------------------------------------------------------------ finding 5
# check_flip MODE PID IN OUT OUTFILE PREFIX [N CWD]: every record of PID is
# truthful (see the comments in the checker); prints a summary line, the
# count of each kind of lie and up to 8 examples; fails on any lie, or when
# the race was one-sided (only created or only denied calls).
FLIP_PY='
import json, os, sys
log, mode, pid, din, dout, outfile, prefix = sys.argv[1:8]
pid = int(pid)
fdn = int(sys.argv[8]) if mode == "fd" else None
realcwd = sys.argv[9] if mode == "fd" else None
got = {}	# path -> None (0) or the errno name the program saw
with open(outfile) as fh:
    for line in fh:
        w = line.split()
        if len(w) == 2 and w[0] != "summary":
            got[w[0]] = None if w[1] == "0" else w[1]
recs = []
with open(log, "rb") as fh:
    for raw in fh:
        r = json.loads(raw.decode("utf-8"))
        if "event" not in r and r.get("pid") == pid:
            recs.append(r)
kinds = {}	# kind of lie -> count
examples = []
bad_records = 0
def note(kind, what):
    kinds[kind] = kinds.get(kind, 0) + 1
    if len(examples) < 8:
        examples.append("%s: %s" % (kind, what))
emul, seen = {}, {}
n_emul = n_denied = 0
for r in recs:
    p, res, d, e = r.get("path"), r.get("resolved"), r.get("decision"), r.get("errno")
    seen[p] = seen.get(p, 0) + 1
    why = []
    # the canonical name: PREFIX is a link to "." (or empty)
    name = p[len(prefix):] if p and p.startswith(prefix) else p
    if p not in got:
        why.append("a record for a call the program did not make")
    elif e != got[p]:
        why.append("errno is not what the program got")
    if mode == "cwd":
        # cwd and resolved describe the one directory that was used
        if r.get("cwd") not in (din, dout):
            why.append("cwd is neither directory")
        if res != "%s/%s" % (r.get("cwd"), name):
            why.append("cwd + / + path != resolved")
    else:
        if r.get("dirfd") != fdn:
            why.append("dirfd is not %d" % fdn)
        if r.get("cwd") != realcwd:
            why.append("cwd is not the process cwd")
        if res not in ("%s/%s" % (din, name), "%s/%s" % (dout, name)):
            why.append("resolved is in neither directory")
    if d == "emulated" and e is None:
        n_emul += 1
        emul.setdefault(res, []).append(p)
        if not (res or "").startswith(din + "/"):
            why.append("emulated, resolved outside the root dir")
        if not os.path.isdir(res or "/nonexistent/"):
            why.append("emulated, no directory at resolved")
    elif d == "denied":
        n_denied += 1
        if not (res or "").startswith(dout + "/"):
            why.append("denied, resolved inside the root dir")
        if res and os.path.lexists(res):
            why.append("denied, something exists at resolved")
    else:
        why.append("neither created nor denied")
    if why:
        bad_records += 1
        sub = {k: r.get(k) for k in ("cwd", "dirfd", "path", "resolved", "decision", "errno")}
        for k in why:
            note(k, json.dumps(sub))
for p in sorted(got):
    if seen.get(p, 0) != 1:
        note("a call without exactly one record", "%s: %d records" % (p, seen.get(p, 0)))
link = prefix.rstrip("/")
for name in sorted(os.listdir(din)):
    if name == link:
        continue
    n = len(emul.get(din + "/" + name, []))
    if n != 1:
        note("a directory without exactly one emulated record naming it",
             "%s/%s: %d" % (din, name, n))
for name in sorted(os.listdir(dout)):
    if name == link:
        continue
    note("an entry outside the roots", "%s/%s" % (dout, name))
lies = bad_records + sum(v for k, v in kinds.items() if k.startswith(("a call", "a directory", "an entry")))
print("calls=%d records=%d emulated=%d denied=%d dirs-in-root=%d entries-outside=%d "
      "mismatches=%d (records that lie: %d)"
      % (len(got), len(recs), n_emul, n_denied,
         len([x for x in os.listdir(din) if x != link]),
         len([x for x in os.listdir(dout) if x != link]), lies, bad_records))
for k in sorted(kinds):
    print("  %5d  %s" % (kinds[k], k))
for x in examples:
    print("  e.g. " + x)
if not got:
    print("the program made no call"); sys.exit(1)
if lies:
    sys.exit(1)
if n_emul == 0 or n_denied == 0:
    print("one-sided race: the flip was not exercised"); sys.exit(1)
'

check_flip() {
	"$PY" -c "$FLIP_PY" "${TRACERD_LOG:?}" "$@" >"$T/check" 2>&1 || {
		sed 's/^/  /' "$T/check" >&2
		tail -n 1 "$T/out" >&2
		fail "records of the race are not truthful"
	}
	cat "$T/check" >&2
}

# flip_setup [PREFIX]: $IN/in (inside the roots) and $XT/out; PREFIX "l/"
# makes l a symlink to "." in both, so each call takes the component walk
# (the fast openat2 path refuses symlinks) and the base is opened again
flip_setup() {
	need_prog flipbase
	mkdir "$IN/in" "$XT/out"
	if [ -n "${1:-}" ]; then
		ln -s . "$IN/in/${1%/}"
		ln -s . "$XT/out/${1%/}"
	fi
}

test_cwd_flip() {
	local prefix=${1:-}
	flip_setup "$prefix"
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" \
		"$PROGS/flipbase" cwd "$FLIP_ROUNDS" "$IN/in" "$XT/out" "$prefix"
	assert_rc 0
	grep -q '^summary ' "$T/out" || { show_run; fail "no summary"; }
	check_flip cwd "$(cat "$T/pid")" "$IN/in" "$XT/out" "$T/out" "$prefix"
}

test_fd_flip() {
	local prefix=${1:-}
	flip_setup "$prefix"
	run sup sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" \
		"$PROGS/flipbase" fd "$FLIP_ROUNDS" "$IN/in" "$XT/out" 50 "$prefix"
	assert_rc 0
	grep -q '^summary ' "$T/out" || { show_run; fail "no summary"; }
	check_flip fd "$(cat "$T/pid")" "$IN/in" "$XT/out" "$T/out" "$prefix" 50 "$IN"
}

test_cwd_plain() {
	need_prog mk
	mkdir -p "$IN/sub" "$IN/other" "$XT/sub"
	cd "$IN/sub" || exit 1
	run sup "$PROGS/mk" mkdir rel
	assert_out 0
	assert_dir "$IN/sub/rel"
	expect_record path=rel cwd="$IN/sub" resolved="$IN/sub/rel" decision=emulated errno=null
	cd "$XT/sub" || exit 1
	run sup "$PROGS/mk" mkdir relx
	assert_out EPERM
	cd "$IN" || exit 1
	assert_absent "$XT/sub/relx"
	expect_record path=relx cwd="$XT/sub" resolved="$XT/sub/relx" decision=denied
	# mkdirat on a directory fd: resolved from the fd, cwd the real one
	run sup "$PROGS/mk" mkdirat "$IN/other" relat
	assert_out 0
	assert_dir "$IN/other/relat"
	expect_record path=relat syscall=mkdirat cwd="$IN" resolved="$IN/other/relat" \
		decision=emulated errno=null
}

test_chroot_view() {
	need_prog mk-static
	local r=$IN/root
	mkdir -p "$r/sub"
	cp "$PROGS/mk-static" "$r/mk"
	run sup sh -c "exec chroot '$r' /mk mkdir /x"
	assert_out 0
	assert_dir "$r/x"
	expect_record path=/x resolved=/x exe="$r/mk" decision=emulated errno=null
	# relative, from the cwd chroot(1) leaves: the root itself
	run sup sh -c "exec chroot '$r' /mk mkdir y"
	assert_out 0
	assert_dir "$r/y"
	expect_record path=y resolved=/y decision=emulated errno=null
	diag "record of the relative call in the chroot: $(audit_q path=y)"
	# mkdirat on a directory fd inside the chroot
	run sup sh -c "exec chroot '$r' /mk mkdirat /sub z"
	assert_out 0
	assert_dir "$r/sub/z"
	expect_record path=z syscall=mkdirat resolved=/sub/z decision=emulated errno=null
}

start_tracerd || exit 1
t "int 0x80, ebx upper half set: the low half's path is made and recorded" test_int80_hi_decoy
t "int 0x80, the full 64-bit pointer unmapped: no EFAULT, as native" test_int80_hi_unmapped
t "int 0x80, the full pointer outside the roots, the low half inside" test_int80_hi_outside
t "int 0x80, the low half outside the roots: denied, record names it" test_int80_low_outside
t "int 0x80, mode with upper bits set: mode as native, record 0700" test_int80_mode_hi
t "int 0x80 mkdirat (296): dirfd, pointer and mode with upper halves set" test_int80_mkdirat_hi
t "relative mkdir while another thread flips the cwd: records truthful" test_cwd_flip
t "mkdirat(N) while another thread dup2s N in/out: records truthful" test_fd_flip
t "the same through a symlink (component walk): cwd flip, records truthful" test_cwd_flip l/
t "the same through a symlink (component walk): dirfd flip, records truthful" test_fd_flip l/
t "no race: cwd and resolved of relative mkdir/mkdirat are the real ones" test_cwd_plain
t "a chrooted target: resolved as seen from its root" test_chroot_view
stop_tracerd
