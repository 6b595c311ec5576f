#!/bin/bash
# Run every tests/integration/t-*.sh (or the ones named on the command line)
# and print the totals; exit non-zero on any failure. TAP on stdout, the last
# line is `N passed, N failed, N skipped`.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
results=$(mktemp /tmp/notif-it-results.XXXXXX)
trap 'rm -f "$results"' EXIT

if [ $# -gt 0 ]; then
	scripts=("$@")
else
	scripts=("$here"/t-*.sh)
fi

offset=0 pass=0 fail=0 skipped=0 todo=0
for s in "${scripts[@]}"; do
	before=$(wc -l <"$results")
	began=$SECONDS
	NOTIF_TAP_OFFSET=$offset NOTIF_RESULTS=$results bash "$s"
	rc=$?
	echo "# $(basename "$s"): $((SECONDS - began)) s"
	if [ "$(wc -l <"$results")" -eq "$before" ]; then
		offset=$((offset + 1))
		fail=$((fail + 1))
		echo "not ok $offset - $(basename "$s") ran to its end (exit status $rc)"
		continue
	fi
	read -r _ p f sk td last < <(tail -n 1 "$results")
	pass=$((pass + p)) fail=$((fail + f)) skipped=$((skipped + sk)) todo=$((todo + td))
	offset=$last
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		offset=$((offset + 1))
		fail=$((fail + 1))
		echo "not ok $offset - $(basename "$s") exit status $rc"
	fi
done
echo "1..$offset"
line="$pass passed, $fail failed, $skipped skipped"
[ $todo -eq 0 ] || line="$line, $todo todo"
echo "$line"
[ $fail -eq 0 ]
