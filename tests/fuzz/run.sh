#!/usr/bin/env bash
# Run the libFuzzer targets one after the other (make fuzz / fuzz-long).
#   run.sh fuzz|long BINDIR SECONDS TARGET...
# For each target: replay tests/fuzz/regress/<t>/ (every past crash), then
# fuzz for SECONDS. `fuzz` keeps its corpus in BINDIR/corpus/<t> (seeded
# from tests/fuzz/corpus/<t>); `long` works on a temp copy of the committed
# corpus, so nothing is written into the repository. Crash inputs are kept
# in BINDIR/crashes/<t>/. Exit 1 if any target crashed.
set -uo pipefail

mode=$1 bindir=$(realpath "$2") secs=$3
shift 3
src=$(realpath "$(dirname "$0")")
work=$(mktemp -d "${TMPDIR:-/tmp}/notif-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()

# Replay the regression inputs of target $1: each must run cleanly.
replay() {
	local t=$1 bin=$2 dir=$src/regress/$1 f rc=0
	[ -d "$dir" ] || return 0
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		if ! TMPDIR=$work/tmp "$bin" "$f" >"$work/$t.replay" 2>&1; then
			echo "fuzz_$t: regression input ${f#"$src"/} crashes:"
			grep -E 'invariant failed|ERROR: |SUMMARY' "$work/$t.replay" | head -5
			rc=1
		fi
	done
	return $rc
}

# Fuzz target $1 for $secs seconds; on a crash keep the input and show why.
run_one() {
	local t=$1 bin=$bindir/fuzz_$1 corpus log dict=() f
	log=$bindir/logs/$t.log
	mkdir -p "$bindir/logs" "$work/art-$t" "$work/tmp"
	if [ "$mode" = fuzz ]; then
		corpus=$bindir/corpus/$t
		mkdir -p "$corpus"
		cp -n "$src/corpus/$t"/* "$corpus"/ 2>/dev/null
	else
		corpus=$work/corpus-$t
		mkdir -p "$corpus"
		cp "$src/corpus/$t"/* "$corpus"/ 2>/dev/null
	fi
	[ -f "$src/$t.dict" ] && dict=(-dict="$src/$t.dict")
	replay "$t" "$bin" || return 1
	if TMPDIR=$work/tmp "$bin" "${dict[@]}" -max_total_time="$secs" -timeout=10 \
		-max_len=4096 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/art-$t/" "$corpus" >"$log" 2>&1; then
		echo "fuzz_$t: ok, $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
			grep -o '[0-9]*$') runs in ${secs}s, corpus $(ls "$corpus" | wc -l)"
		return 0
	fi
	mkdir -p "$bindir/crashes/$t"
	for f in "$work/art-$t"/*; do
		[ -f "$f" ] && cp "$f" "$bindir/crashes/$t/" &&
			echo "fuzz_$t: crash input kept in $bindir/crashes/$t/${f##*/}"
	done
	grep -E 'invariant failed|ERROR: |SUMMARY|Test unit written' "$log" | head -8
	echo "fuzz_$t: FAILED (full log: $log)"
	return 1
}

for t in "$@"; do
	run_one "$t" || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
	exit 1
fi
echo "fuzz: all $# targets ran clean"
