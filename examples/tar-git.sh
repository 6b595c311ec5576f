#!/bin/bash
# tar-git.sh: `tar -x` and `git init` under supervision make exactly the
# tree a native run makes. Each runs twice per umask (022 and 077): once
# natively, once under libnotif.so, where every mkdir/mkdirat is performed
# by tracerd on the program's behalf; the two trees are compared with
#   find DIR -mindepth 1 -printf '%P %m %u %g\n' | sort
# (name, mode, owner, group). The archive holds directories with modes 0700,
# 0750, 2775 (setgid) and 1777 (sticky), and, as root, a directory owned by
# nobody.
#
# Usage: examples/tar-git.sh        (after `make`)
# shellcheck source=examples/lib.sh
. "$(dirname "$0")/lib.sh"
ex_init tar-git

make_archive() {
	local p=$EX/src/proj
	mkdir -p "$p/src/lib/util" "$p/docs/html" "$p/private" "$p/shared/incoming" "$p/drop"
	echo "int x;" >"$p/src/lib/util/x.c"
	echo "docs" >"$p/docs/html/index.html"
	echo "secret" >"$p/private/key"
	chmod 0750 "$p/docs"
	chmod 0700 "$p/private"
	chmod 2775 "$p/shared"
	chmod 1777 "$p/drop"
	[ "$(id -u)" -eq 0 ] && chown 65534:65534 "$p/shared/incoming"
	tar -cf "$EX/proj.tar" -C "$EX/src" proj
}

listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P %m %u %g\n' | sort)
}

# unpack DEST [RUNNER]: tar -x, then git init, with the current umask.
unpack() {
	local run=${2:-}
	mkdir -p "$1"
	$run tar -xf "$EX/proj.tar" -C "$1" || ex_die "tar -x into $1 failed"
	$run git -c init.defaultBranch=main init -q "$1/repo" || ex_die "git init in $1 failed"
}

make_archive
ex_start
ex_say "the archive"
tar -tvf "$EX/proj.tar" | awk '{ print "  " $1, $2, $6 }'
failed=0
for mask in 022 077; do
	(umask "$mask" && unpack "$EX/native-$mask") || exit 1
	(umask "$mask" && unpack "$EX/supervised-$mask" ex_run) || exit 1
	ex_say "umask $mask: tar -x + git init, native vs supervised"
	listing "$EX/native-$mask" >"$EX/native-$mask.txt"
	listing "$EX/supervised-$mask" >"$EX/supervised-$mask.txt"
	if diff -u "$EX/native-$mask.txt" "$EX/supervised-$mask.txt" >"$EX/diff-$mask.txt"; then
		echo "  identical: $(wc -l <"$EX/native-$mask.txt") entries (name, mode, owner, group)"
	else
		echo "  DIFFERENT:"
		sed 's/^/    /' "$EX/diff-$mask.txt"
		failed=1
	fi
	grep -v '^repo/' "$EX/supervised-$mask.txt" | sed 's/^/    /'
	echo "    repo/... ($(grep -c '^repo/' "$EX/supervised-$mask.txt") entries)"
done
ex_stop

ex_say "the audit log: every directory of the supervised runs went through tracerd"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" summary
exit "$failed"
