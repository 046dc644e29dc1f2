#!/bin/sh
# `waymark new`: every skeleton builds as it is, in a new site and in a copy
# of the default site, and an existing file is never overwritten.
# WAYMARK=path overrides the executable under test (make e2e-asan).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w=${WAYMARK:-$top/bin/waymark}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL scaffold: $*"; fail=$((fail + 1)); }

"$w" new site "$tmp/new" >/dev/null && ok || bad "new site"
cp -R "$top/content" "$top/site.yaml" "$tmp/copy/" 2>/dev/null || { mkdir -p "$tmp/copy" && cp -R "$top/content" "$top/site.yaml" "$tmp/copy/"; }
for site in "$tmp/new" "$tmp/copy"; do
	for args in "framework test-skills" "pathway test-pathway" "stage test-stage" "guide test-guide"; do
		# shellcheck disable=SC2086
		if "$w" new $args -s "$site" >"$tmp/out" 2>&1; then ok; else bad "new $args in $site: $(cat "$tmp/out")"; fi
	done
	if "$w" new story "Ana's new job" -s "$site" >"$tmp/out" 2>&1; then ok; else bad "new story in $site: $(cat "$tmp/out")"; fi
	if "$w" new page "Where to get help" -s "$site" >"$tmp/out" 2>&1; then ok; else bad "new page in $site: $(cat "$tmp/out")"; fi
	if "$w" build -s "$site" -o "$tmp/public" --quiet >"$tmp/out" 2>&1; then ok; else bad "building $site: $(cat "$tmp/out")"; fi
	before=$(sha1sum "$site/content/pathways/test-pathway.md")
	if "$w" new pathway test-pathway -s "$site" >/dev/null 2>"$tmp/err"; then
		bad "new pathway over an existing file succeeded"
	elif [ "$(sha1sum "$site/content/pathways/test-pathway.md")" != "$before" ]; then
		bad "an existing file was changed"
	elif ! grep -q "already exists; not overwriting it" "$tmp/err"; then
		bad "no clear message for an existing file: $(cat "$tmp/err")"
	else
		ok
	fi
done
[ -f "$tmp/copy/content/lifecycle/06-test-stage.md" ] && ok || bad "a new stage is not numbered after the existing five"
# a new page is a page of the build, at the slug of its title
[ -f "$tmp/public/where-to-get-help/index.html" ] && grep -q '<h1>Where to get help</h1>' "$tmp/public/where-to-get-help/index.html" &&
	ok || bad "the new page was not built"
# a new guide is its introduction and a first chapter, both pages of the build
[ -f "$tmp/public/guides/test-guide/index.html" ] && [ -f "$tmp/public/guides/test-guide/first-chapter/index.html" ] &&
	[ -f "$tmp/public/guides/test-guide/all/index.html" ] && ok || bad "the new guide's pages were not built"
"$w" new guide test-guide -s "$tmp/new" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q "test-guide' already exists; not writing into it" "$tmp/err" && ok ||
	bad "new guide over an existing guide: $(cat "$tmp/err")"
# a new site keeps what builds make out of git; an existing .gitignore stays
if command -v git >/dev/null; then
	git -C "$tmp/new" init -q && "$w" build -s "$tmp/new" --quiet >"$tmp/out" 2>&1
	made=$(git -C "$tmp/new" status --porcelain --untracked-files=all | grep -E ' (public/|\.waymark-)')
	[ -d "$tmp/new/public" ] && [ -z "$made" ] && ok || bad "git sees what a build made: $made $(cat "$tmp/out")"
fi
mkdir -p "$tmp/repo" && echo "/node_modules/" >"$tmp/repo/.gitignore"
"$w" new site "$tmp/repo" >/dev/null 2>&1 && [ "$(cat "$tmp/repo/.gitignore")" = "/node_modules/" ] && ok ||
	bad "new site in a directory with a .gitignore: $(cat "$tmp/repo/.gitignore")"
"$w" new pathway Not_An_Id -s "$tmp/new" >/dev/null 2>&1
[ $? = 2 ] && ok || bad "an invalid id is not a usage error"
# a new site in another site's content/ (or as it): refused, nothing made,
# since every file of it would become a page of the other site
for inner in "$tmp/new/content/inner" "$tmp/new/content/a/b" "$tmp/new/content"; do
	before=$(cd "$tmp/new" && find . | sort | sha1sum)
	"$w" new site "$inner" >/dev/null 2>"$tmp/err"
	[ $? = 1 ] && [ "$(cd "$tmp/new" && find . | sort | sha1sum)" = "$before" ] &&
		grep -q "is inside the content of the site at '$tmp/new'" "$tmp/err" && ok ||
		bad "new site $inner: $(cat "$tmp/err")"
done
(cd "$tmp/new/content" && "$w" new site inner >/dev/null 2>"$tmp/err")
[ $? = 1 ] && [ ! -e "$tmp/new/content/inner" ] && ok || bad "new site inner, from content/: $(cat "$tmp/err")"
# a directory that is not a site: an error, and nothing made in it
"$w" new story "Ana's new job" -s "$tmp/not-a-site" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && [ ! -e "$tmp/not-a-site" ] && grep -q "no 'site.yaml' in '$tmp/not-a-site'" "$tmp/err" && ok ||
	bad "new story outside a site: $(cat "$tmp/err"); $(find "$tmp/not-a-site" 2>&1)"
# a story without a title, and a kind mistyped: usage errors that say what to do
"$w" new story "  " -s "$tmp/new" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'a story needs a title' "$tmp/err" && [ ! -e "$tmp/new/content/stories/story.md" ] && ok ||
	bad "new story with a blank title: $(cat "$tmp/err")"
"$w" new storry "Ana's new job" -s "$tmp/new" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "unknown kind 'storry'; did you mean 'story'?" "$tmp/err" && ok ||
	bad "new storry: $(cat "$tmp/err")"
echo "scaffold: $pass passed, $fail failed"
[ $fail = 0 ]
