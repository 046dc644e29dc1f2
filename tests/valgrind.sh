#!/bin/sh
# A full build of the default site under valgrind, then a rebuild after
# editing a story (documents from the cache, bodies left in it, pages kept
# by what they read), then one after editing its words alone (the quick
# path, with the default Lua hooks): no errors, nothing definitely or
# indirectly lost.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (make deps installs it as root)"; exit 1
fi
site="$tmp/site"
mkdir -p "$site"
cp -R "$top/content" "$top/site.yaml" "$top/themes" "$top/lua" "$site/" || exit 1
vg() {
	valgrind --quiet --error-exitcode=99 --leak-check=full --suppressions="$top/tests/fontconfig.supp" \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		"$top/bin/waymark" build -s "$site" -o "$tmp/public" --quiet 2>"$tmp/log"
	status=$?
	if [ $status != 0 ]; then
		echo "FAIL valgrind: $1: exit status $status"; cat "$tmp/log"
		echo "valgrind: 0 passed, 1 failed"; exit 1
	fi
}
vg "full build"
story=$(ls "$site/content/stories/"*.md | grep -v _index | head -n 1)
sed -i -e '0,/^title: /s/^title: \(.*\)/title: \1 (edited)/' -e '$s/$/ One more sentence./' "$story"
vg "rebuild after editing $(basename "$story")"
# its words alone: the quick path, Lua hooks and all
sed -i '$s/$/ And one more./' "$story"
export WAYMARK_TIMINGS=1
vg "quick rebuild after editing the words of $(basename "$story")"
unset WAYMARK_TIMINGS
if ! grep -q '^quick ' "$tmp/log"; then
	echo "FAIL valgrind: the words edit did not take the quick path: $(grep 'no quick' "$tmp/log")"
	echo "valgrind: 0 passed, 1 failed"; exit 1
fi
echo "valgrind: 1 passed, 0 failed ($(find "$tmp/public" -name '*.html' | wc -l) pages, a build, a rebuild and a quick rebuild, no errors, no leaks)"
