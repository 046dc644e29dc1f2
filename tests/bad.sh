#!/bin/sh
# The bad-input catalog: tests/bad/<case>/site/ is a broken site;
# tests/bad/<case>/expected is exactly what waymark must print on stderr and
# tests/bad/<case>/status the exit status it must return. Before each run
# the output directory holds a previous build, which must be left byte for
# byte as it was. An optional tests/bad/<case>/args replaces "build".
# WAYMARK=path overrides the executable under test (make e2e-asan).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
waymark=${WAYMARK:-$top/bin/waymark}
tmp=$(mktemp -d)
trap 'chmod -R u+rwX "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
snapshot() { (cd "$1" && find . -printf '%p %s %T@ %i\n' | sort && find . -type f -exec sha1sum {} + | sort); }
for case in "$top"/tests/bad/*/; do
	name=$(basename "$case")
	out="$tmp/out-$name"
	mkdir -p "$out/old"
	echo "previous build" >"$out/index.html"
	echo "kept" >"$out/old/page.html"
	before=$(snapshot "$out")
	args="build"
	[ -f "$case/args" ] && args=$(cat "$case/args")
	[ -x "$case/setup" ] && "$case/setup" "$case/site"
	# shellcheck disable=SC2086
	# only a build writes: it gets the output directory unless args name one
	case " $args " in *" -o "*|" check "*|" new "*|" import "*) outarg="" ;; *) outarg="-o $out" ;; esac
	# shellcheck disable=SC2086
	(cd "$case/site" && "$waymark" $args $outarg) >"$tmp/stdout" 2>"$tmp/stderr"
	status=$?
	[ -x "$case/teardown" ] && "$case/teardown" "$case/site"
	ok=1
	want=$(cat "$case/status")
	if [ "$status" != "$want" ]; then
		echo "FAIL bad/$name: exit status $status, expected $want"; ok=0
	fi
	if ! diff -u "$case/expected" "$tmp/stderr" >"$tmp/diff"; then
		echo "FAIL bad/$name: diagnostics differ"; sed 's/^/  /' "$tmp/diff"; ok=0
	fi
	if [ "$(snapshot "$out")" != "$before" ]; then
		echo "FAIL bad/$name: the previous output was changed"; ok=0
	fi
	# (the build lock, .waymark-cache-<out>.lock, stays: a build waits on it)
	if ls -a "$tmp" | grep '^\.waymark-' | grep -qv '^\.waymark-cache-out-.*\.lock$'; then
		echo "FAIL bad/$name: a staging directory or cache file was left beside the output"
		ls -a "$tmp" | grep '^\.waymark-' | sed 's/^/  /'; ok=0
	fi
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "bad-input catalog: $pass passed, $fail failed"
[ $fail = 0 ]
