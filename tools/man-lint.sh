#!/usr/bin/env bash
# man-lint.sh PAGE...: each man page formats with no warning from groff
# (every warning class, -ww), and none from mandoc -Tlint where mandoc is
# installed; man -l renders it. Prints what it found, exit 1 on any.
set -u
export LC_ALL=C.UTF-8
rc=0
command -v groff >/dev/null || { echo "man-lint: groff is not installed (groff-base)" >&2; exit 1; }
for page in "$@"; do
	out=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
	if [ -n "$out" ]; then
		echo "man-lint: $page: groff:" >&2
		printf '%s\n' "$out" | sed 's/^/  /' >&2
		rc=1
	fi
	if command -v mandoc >/dev/null; then
		out=$(mandoc -Tlint -W warning "$page" 2>&1)
		if [ -n "$out" ]; then
			echo "man-lint: $page: mandoc:" >&2
			printf '%s\n' "$out" | sed 's/^/  /' >&2
			rc=1
		fi
	fi
	if command -v man >/dev/null; then
		out=$(MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
		lines=$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)
		if [ -n "$out" ] || [ "$lines" -lt 20 ]; then
			echo "man-lint: $page: man -l gave $lines lines${out:+: $out}" >&2
			rc=1
		fi
	fi
done
[ $rc -eq 0 ] && echo "man-lint: $# page(s) clean"
exit $rc
