#!/usr/bin/env bash
# Static checks of the sources (issue 6):
#  1. cppcheck over common/ shim/ tracerd/ run/ (warning, performance,
#     portability), with the project's -D/-I flags. A true false positive
#     is suppressed in tools/cppcheck.supp (one line each, with the reason
#     above it) or inline with /* cppcheck-suppress id */.
#  2. the library and the daemon built with clang and the project's warning
#     set (-Werror), in build/clang/.
#  3. the shape (issue 13): no cycle among the files of tracerd/, shim/ and
#     common/ and run/ (tools/deps.py: includes and calls of non-static functions),
#     no function over 60 lines (tools/funclen.py).
# Exit 1 if any finds anything. Usage: tools/lint.sh [cppcheck|clang|shape]
set -uo pipefail
cd "$(dirname "$0")/.."

need() {
	command -v "$1" >/dev/null && return 0
	echo "lint: $1 not found; install it: apt-get install -y $2" >&2
	return 1
}

run_cppcheck() {
	local supp=()

	need cppcheck cppcheck || return 1
	[ -f tools/cppcheck.supp ] && supp=(--suppressions-list=tools/cppcheck.supp)
	echo "== cppcheck $(cppcheck --version | awk '{print $2}')"
	cppcheck --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr "${supp[@]}" --std=c11 --quiet \
		-D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Icommon -Ishim -Itracerd \
		--template='{file}:{line}: {severity}: {id}: {message}' \
		common shim tracerd run
}

run_clang() {
	need clang clang || return 1
	echo "== clang build ($(clang --version | head -1))"
	make --no-print-directory CC=clang B=build/clang all
}

run_shape() {
	need python3 python3 || return 1
	echo "== shape"
	tools/deps.py tracerd shim common run && tools/funclen.py tracerd shim common run &&
		echo "funclen: no function over 60 lines"
}

fail=0
what=${1:-all}
if [ "$what" = all ] || [ "$what" = cppcheck ]; then
	run_cppcheck || { echo "lint: cppcheck FAILED"; fail=1; }
fi
if [ "$what" = all ] || [ "$what" = clang ]; then
	run_clang || { echo "lint: clang build FAILED"; fail=1; }
fi
if [ "$what" = all ] || [ "$what" = shape ]; then
	run_shape || { echo "lint: shape FAILED"; fail=1; }
fi
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
