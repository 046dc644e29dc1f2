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
# Build $1 with -j 1 and -j 8 (each Lua hook state a thread): the same
# output, and with -j 8 as many Lua states as $2 says ("<8": fewer).
same_with_states() {
	site=$1 states=$2 what=$3
	rm -rf "$tmp/out-1" "$tmp/out-8"
	for j in 1 8; do
		if ! WAYMARK_TIMINGS=1 "$w" build -s "$site" -o "$tmp/out-$j" -j $j --quiet >"$tmp/log-$j" 2>&1; then
			echo "FAIL parallel: $what with -j $j: $(cat "$tmp/log-$j")"; fail=$((fail + 1)); return
		fi
	done
	got=$(sed -n 's/^lua states *//p' "$tmp/log-8" | tail -n 1)
	if ! diff -r "$tmp/out-1" "$tmp/out-8" >/dev/null; then
		echo "FAIL parallel: $what differ between -j 1 and -j 8"; fail=$((fail + 1))
	elif case $states in "<"*) [ "${got:-0}" -ge "${states#<}" ] ;; *) [ "$got" != "$states" ] ;; esac; then
		echo "FAIL parallel: $what ran in ${got:-no} Lua states with -j 8, not $states"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
same_with_states "$many" 8 "$copies pages with every Markdown extension"

# A site hook that leaves the markdown hook what every replica of the Lua
# state finds again (a word from site.yaml): 8 states. One whose markdown
# hook counts the documents it was handed, before adding one: a replica
# would count the added one too, so the build keeps to one state.
cat >"$many/lua/site.lua" <<'LUA'
local word, count = "?", 0
return {
	site = function(site)
		word = site.config.title
		count = #site.documents
		if ADD then
			site.documents[#site.documents + 1] = { file = "added.md", meta = { title = "Added" }, body = "New." }
		end
	end,
	markdown = function(doc)
		doc:append_child(waymark.node("paragraph", word .. " " .. count))
	end,
}
LUA
same_with_states "$many" 8 "$copies pages with a site hook"
# a slow site hook: the replicas would run it again, one after another,
# so fewer are made (each of 7 may add no more than 36 ms)
sed -i 's/^\t\tword = site.config.title$/\t\tword = site.config.title\n\t\tfor _ = 1, 5e7 do end/' "$many/lua/site.lua"
same_with_states "$many" "<8" "$copies pages with a slow site hook"
sed -i '/for _ = 1, 5e7 do end/d' "$many/lua/site.lua"
sed -i '1i ADD = true' "$many/lua/site.lua"
same_with_states "$many" 1 "$copies pages with a site hook that adds a document"
files=$(find "$many/content" -type f \( -name '*.md' -o -name '*.yaml' -o -name '*.yml' \) | wc -l)
if grep -q "<p>[^<]* $files</p>" "$tmp/out-8/copy-1/index.html" 2>/dev/null; then
	pass=$((pass + 1))
else
	echo "FAIL parallel: the site hook's count of documents is not on copy-1"; fail=$((fail + 1))
fi
# page hooks alone: the pages' workers make the replicas
rm "$many/lua/site.lua" "$many/lua/marks.lua"
sed -i 's/{{< title >}}//' "$many"/content/copy-*.md
cat >"$many/lua/page.lua" <<'LUA'
local seen = 0
return { page = function(page) seen = seen + 1; page.title = (page.title or "") .. " (seen)" end }
LUA
same_with_states "$many" 8 "$copies pages with a page hook"
echo "parallel: $pass passed, $fail failed"
[ $fail = 0 ]
