#!/bin/sh
# waymark a11y gate: the Nu Html Checker (vnu) on built sites.
#
#   sh tests/a11y/vnu.sh SITE_DIR...
#
# One Java start checks every *.html page of every SITE_DIR; any error fails
# (vnu also catches what axe cannot: duplicate ids, skipped heading levels).
# Errors are printed as SITE_DIR/page:line:col: error: message.
set -u
here=$(cd "$(dirname "$0")" && pwd)
jar="$here/node_modules/vnu-jar/build/dist/vnu.jar"
if [ $# = 0 ]; then
	echo "vnu: usage: sh tests/a11y/vnu.sh SITE_DIR..." >&2; exit 1
fi
if ! command -v java >/dev/null; then
	echo "vnu: java not found; as root run:" >&2
	echo "  apt-get install -y --no-install-recommends openjdk-17-jre-headless" >&2
	exit 1
fi
if [ ! -f "$jar" ]; then
	echo "vnu: '$jar' not found; run 'make a11y' (it runs npm ci in tests/a11y)" >&2; exit 1
fi
pages=0
for d in "$@"; do
	if [ ! -f "$d/index.html" ]; then
		echo "vnu: '$d' has no index.html; build the site first" >&2; exit 1
	fi
	pages=$((pages + $(find "$d" -name '*.html' -type f | wc -l)))
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Exit status 1 just means "errors found"; anything else is vnu itself failing.
java -jar "$jar" --errors-only --skip-non-html --format gnu "$@" >"$tmp/out" 2>&1
status=$?
if [ $status -gt 1 ] || { [ $status = 1 ] && ! grep -q '^"file:' "$tmp/out"; }; then
	echo "vnu: the checker failed (exit status $status):"; cat "$tmp/out"
	echo "vnu: 0 passed, $pages failed"; exit 1
fi
# "file:/abs/page.html":3.115-3.126: error: msg  ->  page.html:3:115: error: msg
# (relative to the current directory when under it)
sed -E -e 's/^"file:([^"]*)":([0-9]+)\.([0-9]+)(-[0-9.]+)?:/\1:\2:\3:/' \
	-e "s|^$(pwd | sed 's/[][\\.*^$|]/\\&/g')/||" "$tmp/out" >"$tmp/errors"
errors=$(grep -c ': error: ' "$tmp/errors")
bad=$(grep ': error: ' "$tmp/errors" | cut -d: -f1 | sort -u | wc -l)
cat "$tmp/errors"
echo "vnu: $pages pages, $errors errors"
echo "vnu: $((pages - bad)) passed, $bad failed"
[ "$errors" = 0 ] && [ $status = 0 ]
