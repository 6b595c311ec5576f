#!/bin/bash
# Issue 4, architectures: the i386 entry from a 64-bit program (int 0x80), a
# 32-bit child of a supervised 64-bit program, a 32-bit program under a
# $LIB-style LD_PRELOAD, and the aarch64 cross build.
. "$(dirname "$0")/lib.sh"

# where a $LIB-style install puts the library ($LIB stays literal: ld.so
# expands it to lib/x86_64-linux-gnu or lib32 on Debian)
# shellcheck disable=SC2016
LIBNOTIF_MULTI=${LIBNOTIF_MULTI:-$TOP/build/\$LIB/libnotif.so}

need_mk32() {
	[ -x "$PROGS/mk32" ] || skip multilib "no 32-bit test program (gcc-multilib missing?)"
}

test_int80() {
	need_prog mk
	run "$PROGS/mk" int80 "$IN/native"
	assert_out 0
	run sup "$PROGS/mk" int80 "$IN/i386"
	assert_out 0
	assert_dir "$IN/i386"
	assert_same_stat "$IN/native" "$IN/i386"
	expect_record path="$IN/i386" syscall=mkdir decision=emulated errno=null
	run sup "$PROGS/mk" int80 "$XT/i386"
	assert_out EPERM
	assert_absent "$XT/i386"
	expect_record path="$XT/i386" syscall=mkdir decision=denied errno=EPERM
}

test_32bit_child() {
	need_mk32
	run sup sh -c "'$PROGS/mk32' mkdir '$IN/c32'; '$PROGS/mk32' mkdir '$XT/c32'; \
		'$PROGS/mk32' mkdirat '$IN' at32; '$PROGS/mk32' iouring"
	assert_out "0
EPERM
0
ENOSYS
ENOSYS
ENOSYS"
	assert_dir "$IN/c32"
	assert_dir "$IN/at32"
	assert_absent "$XT/c32"
	expect_record path="$IN/c32" exe="$PROGS/mk32" syscall=mkdir decision=emulated
	expect_record path="$XT/c32" exe="$PROGS/mk32" decision=denied
	expect_record path=at32 syscall=mkdirat resolved="$IN/at32" decision=emulated
}

test_32bit_lib() {
	need_mk32
	local l64 l32
	l64=${LIBNOTIF_MULTI//\$LIB/lib/x86_64-linux-gnu}
	l32=${LIBNOTIF_MULTI//\$LIB/lib32}
	[ -f "$l64" ] || fail "no 64-bit library at $l64"
	[ -f "$l32" ] || fail "no 32-bit library at $l32"
	run timeout "$TMO" env LD_PRELOAD="$LIBNOTIF_MULTI" "$PROGS/mk32" mkdir "$XT/p32"
	assert_out EPERM
	assert_err_empty
	run timeout "$TMO" env LD_PRELOAD="$LIBNOTIF_MULTI" "$PROGS/mk" mkdir "$XT/p64"
	assert_out EPERM
	expect_record path="$XT/p32" decision=denied
	expect_record path="$XT/p64" decision=denied
}

test_aarch64_build() {
	local cc
	cc=$(command -v aarch64-linux-gnu-gcc || command -v aarch64-linux-gnu-gcc-12) ||
		skip aarch64-cross "no aarch64-linux-gnu-gcc"
	cd "$TOP"
	"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -shared \
		-fvisibility=hidden -Wl,-z,defs -Wl,--version-script=shim/libnotif.lds \
		-o "$T/libnotif-aarch64.so" shim/*.c common/*.c >&2 || fail "libnotif.so does not build"
	"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread \
		-o "$T/tracerd-aarch64" tracerd/*.c common/*.c >&2 || fail "tracerd does not build"
	file "$T/tracerd-aarch64" | grep -q aarch64 || fail "not an aarch64 binary"
}

t "aarch64: libnotif.so and tracerd cross-build" test_aarch64_build
start_tracerd || exit 1
t "int 0x80 from a 64-bit program: seen as i386 and handled" test_int80
t "a 32-bit child of a supervised 64-bit program is covered" test_32bit_child
t "LD_PRELOAD='.../\$LIB/libnotif.so' supervises 32- and 64-bit programs" test_32bit_lib
stop_tracerd
