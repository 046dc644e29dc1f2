#!/bin/sh
# One full build of the default site under valgrind: no errors, nothing
# definitely or indirectly lost.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (make deps installs it as root)"; exit 1
fi
cd "$top" || exit 1
valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions=tests/fontconfig.supp \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
	./bin/waymark build -o "$tmp/public" --quiet 2>"$tmp/log"
status=$?
if [ $status != 0 ]; then
	echo "FAIL valgrind: exit status $status"; cat "$tmp/log"
	echo "valgrind: 0 passed, 1 failed"; exit 1
fi
echo "valgrind: 1 passed, 0 failed ($(find "$tmp/public" -name '*.html' | wc -l) pages, no errors, no leaks)"
