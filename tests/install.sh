#!/bin/sh
# `make install` into a temporary prefix; a site outside the repository,
# made by the installed waymark, builds with the installed default theme.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL install: $*"; fail=$((fail + 1)); }
make -C "$top" --no-print-directory install PREFIX="$tmp/prefix" >"$tmp/log" 2>&1 && ok || { bad "make install: $(cat "$tmp/log")"; }
w="$tmp/prefix/bin/waymark"
[ -x "$w" ] && ok || bad "no $w"
[ -f "$tmp/prefix/share/man/man1/waymark.1" ] && ok || bad "no man page"
# the version, then the libraries' (for bug reports)
"$w" version >"$tmp/version" 2>&1
head -n 1 "$tmp/version" | grep -Eq '^waymark [0-9]+\.[0-9]+\.[0-9]+$' &&
	sed -n 2p "$tmp/version" | grep -Eq '^cmark-gfm [0-9.a-z]+, libyaml [0-9.]+, Lua [0-9.]+, libgd [0-9.]+, FreeType [0-9.]+, fontconfig [0-9.]+$' &&
	ok || bad "waymark version: $(cat "$tmp/version")"
[ -f "$tmp/prefix/share/waymark/themes/default/templates/baseof.mustache" ] && ok || bad "no default theme"
"$w" new site "$tmp/elsewhere/site" >/dev/null 2>&1 && ok || bad "new site"
if (cd "$tmp/elsewhere/site" && "$w" build --quiet) >"$tmp/log" 2>&1; then ok; else bad "build outside the repository: $(cat "$tmp/log")"; fi
grep -q 'class="skip-link"' "$tmp/elsewhere/site/public/index.html" 2>/dev/null && ok || bad "the installed default theme was not used"
echo "install: $pass passed, $fail failed"
[ $fail = 0 ]
