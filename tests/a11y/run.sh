#!/bin/sh
# waymark a11y gate, as `make a11y` runs it (the Makefile installs the tools
# first). Builds the default site, and the same content with the
# example-community theme when themes/example-community/ exists, into a
# temporary directory; then runs on each:
#   axe.mjs       axe-core (WCAG 2.x A/AA + best practices) and 320px reflow
#   keyboard.mjs  skip link, visible focus, every control reached by Tab
#   search.mjs    the search page finds what is typed, apostrophes and all
#                 (the default content only)
#   vnu.sh        the Nu Html Checker, errors only
# Every check runs even after one fails, so one run shows every problem.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/a11y"
waymark="$top/bin/waymark"
theme=example-community
cd "$top" || exit 1

# Fail loudly, never skip, when a tool is missing.
missing=0
need() {	# need CMD WHAT-TO-RUN
	command -v "$1" >/dev/null && return 0
	echo "a11y: '$1' not found; $2" >&2; missing=1
}
need node "install Node.js 20 or later"
need java "as root run: apt-get install -y --no-install-recommends openjdk-17-jre-headless"
[ -x /usr/bin/chromium ] ||
	{ echo "a11y: /usr/bin/chromium not found; as root run: apt-get install -y --no-install-recommends chromium" >&2; missing=1; }
for m in playwright-core axe-core vnu-jar; do
	[ -d "$here/node_modules/$m" ] ||
		{ echo "a11y: tests/a11y/node_modules/$m not installed; run 'make a11y' (it runs npm ci)" >&2; missing=1; }
done
[ -x "$waymark" ] || { echo "a11y: '$waymark' not built; run 'make'" >&2; missing=1; }
if [ $missing = 1 ]; then echo "a11y: 0 passed, 1 failed"; exit 1; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL a11y: $1"; }

# The builds to check, by name: output directories under $tmp.
outs=""	# space-separated, each with a leading space
# build NAME SITE_DIR: build SITE_DIR into $tmp/NAME; add NAME to $outs
build() {
	if (cd "$2" && "$waymark" build -o "$tmp/$1" --quiet) >"$tmp/build.log" 2>&1; then
		outs="$outs $1"
	else
		bad "building $1 failed:"; sed 's/^/  /' "$tmp/build.log"
	fi
}
# site_with THEME SRC DIR: in DIR, a site directory that is SRC with its
# site.yaml's theme set to THEME, and the repository's themes/
site_with() {
	mkdir "$3"
	grep -v '^theme:' "$2/site.yaml" >"$3/site.yaml"
	echo "theme: $1" >>"$3/site.yaml"
	ln -s "$2/content" "$3/content"
	ln -s "$top/themes" "$3/themes"
	[ -e "$2/lua" ] && ln -s "$2/lua" "$3/lua"
	return 0
}

# The default site as it is, and with the example theme when it exists;
# then the fixture (tests/a11y/fixture: what the default content does not
# have yet, such as a code line wider than a phone, or a stage with more
# stories than fit on one page) in each theme.
themes_checked="default"
build default "$top"
if [ -d "themes/$theme" ]; then
	themes_checked="default $theme"
	site_with "$theme" "$top" "$tmp/site-$theme" && build "$theme" "$tmp/site-$theme"
else
	echo "a11y: themes/$theme/ does not exist: checking the default theme only"
fi
for t in $themes_checked; do
	site_with "$t" "$here/fixture" "$tmp/site-fixture-$t" && build "fixture-$t" "$tmp/site-fixture-$t"
done

# vnu (Java) runs beside the browser checks, which leave a core free now
# and then; its report is printed after theirs.
if [ -n "$outs" ]; then
	# Relative directories, so errors read default/about/index.html:12:3: ...
	# shellcheck disable=SC2086
	(cd "$tmp" && sh "$here/vnu.sh" $outs) >"$tmp/vnu.log" 2>&1 &
	vnu_pid=$!
fi
for out in $outs; do
	echo "== a11y: $out"
	if node "$here/axe.mjs" "$tmp/$out"; then ok; else bad "axe on $out"; fi
	case $out in
	fixture-*) kb_pages="index.html markdown/index.html" ;;
	*) kb_pages="" ;;	# keyboard.mjs picks: home, a pathway, forms
	esac
	# shellcheck disable=SC2086
	if node "$here/keyboard.mjs" "$tmp/$out" $kb_pages; then ok; else bad "keyboard on $out"; fi
	# the default content's search: an apostrophe typed straight or curly
	# (as phones type it) finds the CDL pathway's "commercial driver's
	# license", words in quotation marks find it too, and nonsense finds
	# nothing and says so; and the search boxes of the page for a missing
	# address and of the home page lead to the same results
	case $out in
	fixture-*) ;;
	*)	if node "$here/search.mjs" "$tmp/$out" "driver's license=/pathways/cdl-driver/" \
			"driver’s license=/pathways/cdl-driver/" \
			"“commercial driver”=/pathways/cdl-driver/" "zzqxv=-" \
			@404.html "driver’s license=/pathways/cdl-driver/" \
			@index.html "driver's license=/pathways/cdl-driver/"; then
			ok
		else
			bad "search on $out"
		fi ;;
	esac
done
if [ -n "$outs" ]; then
	echo "== a11y: vnu on$outs"
	if wait "$vnu_pid"; then cat "$tmp/vnu.log"; ok; else cat "$tmp/vnu.log"; bad "vnu"; fi
fi

echo "a11y: checked${outs:- nothing} in $(($(date +%s) - start)) s"
echo "a11y: $pass passed, $fail failed"
[ $fail = 0 ]
