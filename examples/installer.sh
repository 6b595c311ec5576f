#!/bin/bash
# installer.sh: an installer confined to /tmp. A typical install script
# wants directories in $HOME (~/.local/share, ~/.config) and in /tmp; run
# under libnotif.so with tracerd's default policy (--allow /tmp), the /tmp
# ones are created and the $HOME ones are refused with "Operation not
# permitted", and the audit log says which and why.
#
# So that nothing can land in your real home even by mistake, HOME is a
# fresh scratch directory outside /tmp (under /var/tmp) for the run.
#
# Usage: examples/installer.sh        (after `make`)
# shellcheck source=examples/lib.sh
. "$(dirname "$0")/lib.sh"
ex_init installer

home=
ex_scratch home /var/tmp
stage=$EX/fooapp-cache
cat >"$EX/install-fooapp.sh" <<'EOF'
#!/bin/sh
# install-fooapp.sh: what many installers do
echo "installing fooapp (HOME=$HOME, cache=$1)"
status=0
for d in "$HOME/.local/share/fooapp" "$HOME/.config/fooapp" \
	 "$1/icons/48x48" "$1/data"; do
	if mkdir -p "$d"; then
		echo "  created $d"
	else
		echo "  FAILED  $d"
		status=1
	fi
done
exit $status
EOF
chmod +x "$EX/install-fooapp.sh"

ex_start --allow /tmp
ex_say "the installer, supervised (allowed root: /tmp)"
HOME=$home ex_run "$EX/install-fooapp.sh" "$stage" 2>&1 | sed 's/^/  /'
echo "  installer exit status: ${PIPESTATUS[0]} (1: some directories were refused)"
ex_stop

ex_say "what exists now"
echo "  in HOME ($home):"
find "$home" -mindepth 1 -printf '    %P\n' | sort
[ -z "$(find "$home" -mindepth 1)" ] && echo "    (nothing: every creation there was denied)"
echo "  in $stage:"
find "$stage" -mindepth 1 -printf '    %P\n' | sort

ex_say "the audit log, one line per mkdir"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" table
ex_say "the denials"
"$PY" "$EX_TOP/examples/audit-view.py" "$EX_LOG" denied
