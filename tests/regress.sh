#!/bin/sh
# Regression cases: tests/regress/<case>/site/ is a small site and
# tests/regress/<case>/expected/ holds the files its build must write, byte
# for byte. The list of pages written must match the expected pages too.
# An optional tests/regress/<case>/args holds extra build arguments.
# WAYMARK=path overrides the executable under test (make e2e-asan).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
waymark=${WAYMARK:-$top/bin/waymark}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for case in "$top"/tests/regress/*/; do
	name=$(basename "$case")
	out="$tmp/$name"
	args=""
	[ -f "$case/args" ] && args=$(cat "$case/args")
	# shellcheck disable=SC2086
	if ! (cd "$case/site" && "$waymark" build -o "$out" --quiet $args) >"$tmp/$name.log" 2>&1; then
		echo "FAIL regress/$name: build failed"; sed 's/^/  /' "$tmp/$name.log"
		fail=$((fail + 1)); continue
	fi
	ok=1
	(cd "$case/expected" && find . -type f | sort) >"$tmp/want"
	(cd "$out" && find . -name '*.html' -type f | sort) >"$tmp/got"
	if ! diff -u "$tmp/want" "$tmp/got" | grep '^+\./' >"$tmp/extra"; then :; fi
	if [ -s "$tmp/extra" ]; then
		echo "FAIL regress/$name: pages written but not expected:"; sed 's/^+/  /' "$tmp/extra"; ok=0
	fi
	while read -r f; do
		if ! diff -u "$case/expected/$f" "$out/$f" >"$tmp/diff" 2>&1; then
			echo "FAIL regress/$name: $f differs"; sed 's/^/  /' "$tmp/diff" | head -40; ok=0
		fi
	done <"$tmp/want"
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "regress: $pass passed, $fail failed"
[ $fail = 0 ]
