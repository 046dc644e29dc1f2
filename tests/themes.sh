#!/bin/sh
# Themes: the default site built with themes/example-community must differ
# from the same site built with the default theme only where the example
# theme says it does (colours, logo, footer), and theme assets must get
# content-hashed names that change only when their bytes do.
#
# Each build uses a temporary site directory: a copy of site.yaml with
# `theme:` set, and symlinks to the repository's content/ and themes/, so
# the repository and public/ are never touched. WAYMARK=path overrides
# the executable under test.
#
# How the two builds are compared (check c): from every page of both, the
# lines below are deleted, and what is left must be byte for byte equal.
#   - the footer: from the line `<footer class="site-footer">` through the
#     next `</footer>` (the example theme overrides partials/footer)
#   - a `<link rel="stylesheet" href=".../theme.HASH.css">` line (the
#     example theme's colours; the default theme has none)
#   - the line holding `class="site-title"` (text in the default theme, the
#     logo in the example theme)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
waymark=${WAYMARK:-$top/bin/waymark}
theme=example-community
footer_text='published by the Example Community Partnership'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL themes: $*"; fail=$((fail + 1)); }

# make_site DIR THEME: a site directory using THEME, sharing the repository's
# content/ and themes/
make_site() {
	mkdir -p "$1"
	grep -v '^theme:' "$top/site.yaml" >"$1/site.yaml"
	echo "theme: $2" >>"$1/site.yaml"
	ln -s "$top/content" "$1/content"
	ln -s "$top/themes" "$1/themes"
}

# build SITE OUT: build quietly; on failure show why and return 1
build() {
	if ! "$waymark" build -s "$1" -o "$2" --quiet >"$tmp/log" 2>&1; then
		sed 's/^/  /' "$tmp/log"; return 1
	fi
}

pages() { (cd "$1" && find . -name '*.html' -type f | sort); }

# assets OUT: every file below OUT/assets, as a path below it
assets() { (cd "$1/assets" && find . -type f | sed 's|^\./||' | sort); }

# the normalisation described at the top of this file
normalise() {
	sed -e '/<footer class="site-footer">/,/<\/footer>/d' \
	    -e '/<link rel="stylesheet" href="[^"]*\/theme\.[0-9a-f]*\.css">/d' \
	    -e '/class="site-title"/d' "$1"
}

# asset_stats OUT: "name inode mtime" for every asset, one a line
asset_stats() { (cd "$1/assets" && find . -type f -exec stat -c '%n %i %Y' {} + | sed 's|^\./||' | sort); }

make_site "$tmp/site-default" default
make_site "$tmp/site-example" "$theme"
def="$tmp/out-default" ex="$tmp/out-example"
if ! build "$tmp/site-default" "$def"; then
	bad "the default theme's build failed"
elif ! build "$tmp/site-example" "$ex"; then
	bad "the $theme build failed"
else
	ok
	pages "$def" >"$tmp/pages"
	npages=$(wc -l <"$tmp/pages")

	# (a) the overridden footer on every page, the default one on none
	missing=0
	while read -r p; do
		if ! grep -q "$footer_text" "$ex/$p" || grep -q 'Built with waymark' "$ex/$p"; then
			[ $missing -lt 5 ] && echo "  $p: footer not overridden"
			missing=$((missing + 1))
		fi
	done <"$tmp/pages"
	if [ $missing = 0 ]; then ok; else bad "(a) $missing of $npages pages lack the $theme footer"; fi

	# (b) theme.css copied under a hashed name, identical to its source,
	# and linked right after site.css on every page; likewise the logo
	css=$(assets "$ex" | grep -E '^theme\.[0-9a-f]{8}\.css$')
	logo=$(assets "$ex" | grep -E '^logo\.[0-9a-f]{8}\.svg$')
	if [ "$(echo "$css" | grep -c .)" != 1 ]; then
		bad "(b) expected one assets/theme.HASH.css, found: $(assets "$ex" | tr '\n' ' ')"
	elif ! cmp -s "$ex/assets/$css" "$top/themes/$theme/assets/theme.css"; then
		bad "(b) assets/$css is not a copy of themes/$theme/assets/theme.css"
	else
		unlinked=0
		while read -r p; do
			grep -A1 '<link rel="stylesheet" href="/assets/site\.[0-9a-f]*\.css">' "$ex/$p" |
				grep -qx "<link rel=\"stylesheet\" href=\"/assets/$css\">" ||
				{ [ $unlinked -lt 5 ] && echo "  $p: no link to /assets/$css after site.css"; unlinked=$((unlinked + 1)); }
		done <"$tmp/pages"
		if [ $unlinked = 0 ]; then ok; else bad "(b) $unlinked pages do not link $css"; fi
	fi
	if [ "$(echo "$logo" | grep -c .)" != 1 ] ||
	   ! cmp -s "$ex/assets/$logo" "$top/themes/$theme/assets/logo.svg"; then
		bad "(b) expected assets/logo.HASH.svg copied from the theme"
	else
		nologo=0
		while read -r p; do
			grep 'class="site-title"' "$ex/$p" |
				grep -qE "<img src=\"/assets/$logo\" alt=\"[^\"]+\"" ||
				{ [ $nologo -lt 5 ] && echo "  $p: no logo with alt text in the header"; nologo=$((nologo + 1)); }
		done <"$tmp/pages"
		if [ $nologo = 0 ]; then ok; else bad "(b) $nologo pages lack the logo"; fi
	fi

	# (c) everything else as the default theme renders it: the same pages,
	# the same assets plus the theme's two, and equal normalised HTML
	if ! pages "$ex" | diff -u "$tmp/pages" - >"$tmp/diff"; then
		bad "(c) the two builds wrote different pages"; sed 's/^/  /' "$tmp/diff" | head -20
	else
		ok
	fi
	assets "$ex" | grep -Ev '^(theme\.[0-9a-f]{8}\.css|logo\.[0-9a-f]{8}\.svg)$' >"$tmp/ex-assets"
	if ! assets "$def" | diff -u - "$tmp/ex-assets" >"$tmp/diff"; then
		bad "(c) the assets differ beyond theme.css and logo.svg"; sed 's/^/  /' "$tmp/diff"
	else
		ok
	fi
	differ=0
	while read -r p; do
		[ -f "$ex/$p" ] || continue
		normalise "$def/$p" >"$tmp/a"
		normalise "$ex/$p" >"$tmp/b"
		if ! diff -u "$tmp/a" "$tmp/b" >"$tmp/diff"; then
			if [ $differ -lt 3 ]; then
				echo "  $p differs beyond footer, colours and logo:"
				sed 's/^/    /' "$tmp/diff" | head -20
			fi
			differ=$((differ + 1))
		fi
	done <"$tmp/pages"
	if [ $differ = 0 ]; then ok; else bad "(c) $differ of $npages pages differ beyond footer, colours and logo"; fi

	# the default theme's hook renders nothing without a theme.css
	if grep -rlE 'theme\.[0-9a-f]{8}\.css|href=""|src=""' "$def" >"$tmp/found"; then
		bad "(c) the default theme's build links a theme.css or an empty URL:"; sed 's/^/  /' "$tmp/found" | head -5
	else
		ok
	fi

	# (d) a rebuild with nothing changed rewrites no asset: the previous
	# file is hard-linked, so inode and modification time stay
	asset_stats "$ex" >"$tmp/before"
	sleep 1 # a rewrite would show in %Y
	if ! build "$tmp/site-example" "$ex"; then
		bad "(d) the rebuild failed"
	elif ! asset_stats "$ex" | diff -u "$tmp/before" - >"$tmp/diff"; then
		bad "(d) a rebuild with no change rewrote assets (name inode mtime):"; sed 's/^/  /' "$tmp/diff"
	else
		ok
	fi
fi

# (d) changing the CSS changes its hashed name, and only its own: a site
# with its own copy of the theme, so the repository's stays untouched
edit="$tmp/site-edit" eout="$tmp/out-edit"
mkdir -p "$edit/themes"
grep -v '^theme:' "$top/site.yaml" >"$edit/site.yaml"
echo "theme: $theme" >>"$edit/site.yaml"
ln -s "$top/content" "$edit/content"
ln -s "$top/themes/default" "$edit/themes/default"
cp -R "$top/themes/$theme" "$edit/themes/$theme"
if ! build "$edit" "$eout"; then
	bad "(d) the build of a copied theme failed"
else
	old=$(assets "$eout" | grep -E '^theme\.[0-9a-f]{8}\.css$')
	asset_stats "$eout" | grep -v '^theme\.' >"$tmp/before"
	sed 's/^\(\t*--color-link: *\)#[0-9a-f]*/\1#0e5646/' "$edit/themes/$theme/assets/theme.css" >"$tmp/css"
	cat "$tmp/css" >"$edit/themes/$theme/assets/theme.css"
	sleep 1
	if ! build "$edit" "$eout"; then
		bad "(d) the rebuild after changing theme.css failed"
	else
		new=$(assets "$eout" | grep -E '^theme\.[0-9a-f]{8}\.css$')
		if [ -z "$old" ] || [ -z "$new" ] || [ "$old" = "$new" ]; then
			bad "(d) changing theme.css did not change its hashed name ('$old' then '$new')"
		elif grep -rq "$old" "$eout" || ! grep -q "/assets/$new" "$eout/index.html"; then
			bad "(d) pages still link '$old' or do not link '$new'"
		elif ! asset_stats "$eout" | grep -v '^theme\.' | diff -u "$tmp/before" - >"$tmp/diff"; then
			bad "(d) changing theme.css rewrote other assets:"; sed 's/^/  /' "$tmp/diff"
		else
			ok
		fi
	fi
fi

echo "themes: $pass passed, $fail failed"
[ $fail = 0 ]
