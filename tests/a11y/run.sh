#!/bin/sh
# waymark a11y gate, as `make a11y` runs it (the Makefile installs the tools
# first). Builds the default site, and the same content with the
# example-community theme when themes/example-community/ exists, into a
# temporary directory; then runs on each:
#   axe.mjs       axe-core (WCAG 2.x A/AA + best practices) and 320px reflow
#   keyboard.mjs  skip link, visible focus, every control reached by Tab
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

# The sites to check, by name: directories under $tmp.
sites=""	# space-separated, each with a leading space
if "$waymark" build -o "$tmp/default" --quiet >"$tmp/build.log" 2>&1; then
	sites=" default"
else
	bad "building the default site failed:"; sed 's/^/  /' "$tmp/build.log"
fi
if [ -d "themes/$theme" ]; then
	# The default content under the other theme: a site directory whose
	# site.yaml differs only in its theme line.
	s="$tmp/site-$theme"
	mkdir "$s"
	if grep -q '^theme:' site.yaml; then
		sed "s/^theme:.*/theme: $theme/" site.yaml >"$s/site.yaml"
	else
		{ cat site.yaml; echo "theme: $theme"; } >"$s/site.yaml"
	fi
	for d in content themes lua; do [ -e "$d" ] && ln -s "$top/$d" "$s/$d"; done
	if (cd "$s" && "$waymark" build -o "$tmp/$theme" --quiet) >"$tmp/build.log" 2>&1; then
		sites="$sites $theme"
	else
		bad "building the site with theme '$theme' failed:"; sed 's/^/  /' "$tmp/build.log"
	fi
else
	echo "a11y: themes/$theme/ does not exist: checking the default theme only"
fi

for site in $sites; do
	echo "== a11y: $site theme"
	if node "$here/axe.mjs" "$tmp/$site"; then ok; else bad "axe on the $site theme"; fi
	if node "$here/keyboard.mjs" "$tmp/$site"; then ok; else bad "keyboard on the $site theme"; fi
done
if [ -n "$sites" ]; then
	echo "== a11y: vnu on$sites"
	# Relative directories, so errors read default/about/index.html:12:3: ...
	# shellcheck disable=SC2086
	if (cd "$tmp" && sh "$here/vnu.sh" $sites); then ok; else bad "vnu"; fi
fi

echo "a11y: checked${sites:- nothing} in $(($(date +%s) - start)) s"
echo "a11y: $pass passed, $fail failed"
[ $fail = 0 ]
