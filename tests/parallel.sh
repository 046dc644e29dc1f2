#!/bin/sh
# -j N: the output is byte for byte the same for 1, 2 and 8 threads, on the
# default site and on sites that use every Markdown extension and every
# page type, and for 1 and 8 threads on 500 pages that use every extension
# and go through a markdown hook and a shortcode.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="${WAYMARK:-$top/bin/waymark}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
for site in "$top" "$top/tests/regress/markdown-extensions/site" \
	    "$top/tests/regress/page-types/site" "$top/tests/a11y/fixture"; do
	name=$(basename "$(dirname "$site")")-$(basename "$site")
	for j in 1 2 8; do
		if ! "$w" build -s "$site" -o "$tmp/$name-$j" -j $j --quiet >"$tmp/log" 2>&1; then
			echo "FAIL parallel: $site with -j $j: $(cat "$tmp/log")"; fail=$((fail + 1)); continue 2
		fi
	done
	if diff -r "$tmp/$name-1" "$tmp/$name-2" >/dev/null && diff -r "$tmp/$name-1" "$tmp/$name-8" >/dev/null; then
		pass=$((pass + 1))
	else
		echo "FAIL parallel: $site differs between -j 1 and -j 2 or 8"; fail=$((fail + 1))
	fi
done
# many bodies at once: copies of the page that uses every Markdown
# extension, so that parses and renders on different threads overlap
many="$tmp/many" copies=500
cp -R "$top/tests/regress/markdown-extensions/site" "$many"
# with a markdown hook and a shortcode: they take the one Lua state in turns
# while other threads parse and render
mkdir -p "$many/lua"
cat >"$many/lua/marks.lua" <<'LUA'
return {
	markdown = function(doc, page)
		local n = 0
		doc:walk{ text = function(t) n = n + 1; t.literal = t.literal .. " [" .. n .. "]" end }
		doc:append_child(waymark.node("paragraph", (page and page.title or "?") .. ": " .. n .. " texts"))
	end,
	shortcodes = { title = function(args, page) return "**" .. (page.title or "") .. "**" end },
}
LUA
i=0
while [ $i -lt "$copies" ]; do
	{ sed -e "s/^title: .*/title: Copy $i/" "$many/content/_index.md"; printf '\n{{< title >}}\n'; } \
		>"$many/content/copy-$i.md"
	i=$((i + 1))
done
for j in 1 8; do
	"$w" build -s "$many" -o "$tmp/many-$j" -j $j --quiet >"$tmp/log" 2>&1 ||
		echo "FAIL parallel: $copies extension pages with -j $j: $(cat "$tmp/log")"
done
if [ -d "$tmp/many-1" ] && diff -r "$tmp/many-1" "$tmp/many-8" >/dev/null; then
	pass=$((pass + 1))
else
	echo "FAIL parallel: $copies pages with every Markdown extension differ between -j 1 and -j 8"; fail=$((fail + 1))
fi
echo "parallel: $pass passed, $fail failed"
[ $fail = 0 ]
