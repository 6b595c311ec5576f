#!/usr/bin/env bash
# What `make test` needs beyond gcc and make. As root, install what is
# missing (Debian packages); otherwise print the exact command and fail.
set -u
need=()
[ -e /usr/include/cmocka.h ] || need+=(libcmocka-dev)
[ -e /usr/lib32/crt1.o ] && [ -e /usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a ] || need+=(gcc-12-multilib)
command -v setfacl >/dev/null || need+=(acl)
command -v valgrind >/dev/null || need+=(valgrind)
command -v strace >/dev/null || need+=(strace)
command -v clang >/dev/null || need+=(clang)
command -v cppcheck >/dev/null || need+=(cppcheck)
command -v git >/dev/null || need+=(git)
command -v tar >/dev/null || need+=(tar)
[ -x /usr/bin/python3 ] || need+=(python3)
command -v groff >/dev/null || need+=(groff-base)	# man-lint
command -v man >/dev/null || need+=(man-db)		# man -l in man-lint and t-install
command -v logrotate >/dev/null || need+=(logrotate)	# t-rotate: examples/logrotate.conf
[ ${#need[@]} -eq 0 ] && exit 0
cmd="apt-get update && apt-get install -y ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "make test needs: ${need[*]}. Run as root: $cmd" >&2
	exit 1
fi
echo "installing: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null || {
	echo "could not install ${need[*]}; run: $cmd" >&2
	exit 1
}
