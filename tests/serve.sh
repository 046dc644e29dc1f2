#!/bin/sh
# waymark serve: start it on a copy of a small site (tests/regress/clean-urls
# with base_url /), talk to it over HTTP on 127.0.0.1 only, change the site
# under it, and stop it with SIGINT.
#
# The server listens on a port the system picks (-p 0) and prints it, but
# for two servers started without -p (1313, or the next free port). Its
# output directory, kept between runs, goes below this test's own temporary
# directory (XDG_CACHE_HOME), and so does the private one a second server on
# the same site makes (TMPDIR), so the test can check it is removed. Every
# wait is a bounded loop; every request has a time limit. WAYMARK=path
# overrides the executable under test.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
waymark=${WAYMARK:-$top/bin/waymark}
tmp=$(mktemp -d)
site="$tmp/site"
pid=""
sse_pid=""
pass=0 fail=0

pid2=""

cleanup() {
	[ -n "$sse_pid" ] && kill "$sse_pid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && sleep 0.2
	[ -n "$pid2" ] && kill "$pid2" 2>/dev/null && sleep 0.2
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL serve: $*"; fail=$((fail + 1)); }

if [ -z "${WAYMARK:-}" ]; then
	make -s -C "$top" --no-print-directory bin/waymark || exit 1
fi
command -v curl >/dev/null || { echo "serve: curl is needed" >&2; exit 1; }

# fetch PATH [curl options]: the body goes to $tmp/body, the status to $code
fetch() {
	p=$1; shift
	code=$(curl -s --max-time 5 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" \
		"http://127.0.0.1:$port$p") || code=000
}

# until_true SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
until_true() {
	n=$(($1 * 10)); shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1; n=$((n - 1))
	done
	return 1
}

page_has() { fetch "$1"; grep -q -- "$2" "$tmp/body"; }
page_lacks() { fetch "$1"; [ "$code" = 200 ] && ! grep -q -- "$2" "$tmp/body"; }
log_has() { grep -q -- "$1" "$tmp/log"; }
gone() { ! kill -0 "$pid" 2>/dev/null; }

cp -R "$top/tests/regress/clean-urls/site" "$site"
sed -i 's|^base_url:.*|base_url: /|' "$site/site.yaml"

# start LOG [default-port]: a server on the site on a port the system picks
# (with default-port, no -p: 1313 or the next free one), logging to LOG; sets
# pid, port and out
start() {
	log=$1; shift
	if [ "${1:-}" = default-port ]; then set --; else set -- -p 0; fi
	: >"$log"
	TMPDIR=$tmp XDG_CACHE_HOME=$tmp/cache "$waymark" serve "$@" -s "$site" >"$log" 2>&1 &
	pid=$!
	if ! until_true 10 grep -q 'press Ctrl-C' "$log"; then
		echo "FAIL serve: the server did not start"; sed 's/^/  /' "$log"
		echo "serve: $pass passed, $((fail + 1)) failed"; exit 1
	fi
	port=$(sed -n 's|^serving .* at http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log")
	out=$(sed -n 's|^output in ||p' "$log")
}

# stop: SIGINT, then exit 0 within 2 s
stop() {
	kill -INT "$pid"
	if until_true 2 gone; then
		wait "$pid"; status=$?; pid=""
		if [ "$status" = 0 ]; then ok; else bad "exit status $status after SIGINT"; fi
	else
		bad "still running 2 s after SIGINT"
	fi
}

start "$tmp/log"
case "$out" in "$tmp"/cache/waymark/serve/site-*/site) ok ;; *) bad "output directory is '$out'" ;; esac

# 1. the home page, with the reload script
fetch /
if [ "$code" = 200 ] && grep -q "EventSource('/__waymark/events" "$tmp/body"; then ok
else bad "GET / gave $code, or no reload script"; fi
grep -qi '^content-type: text/html; charset=utf-8' "$tmp/headers" || bad "GET / is not text/html"

# 2. clean URLs: /about redirects, /about/ is the page
fetch /about
if [ "$code" = 301 ] && grep -qi '^location: /about/' "$tmp/headers"; then ok
else bad "GET /about gave $code, not a 301 to /about/"; fi
fetch /about/
if [ "$code" = 200 ] && grep -q 'About us' "$tmp/body"; then ok; else bad "GET /about/ gave $code"; fi

# 3. unknown pages
fetch /nope/
if [ "$code" = 404 ]; then ok; else bad "GET /nope/ gave $code"; fi
fetch /nope.css
if [ "$code" = 404 ]; then ok; else bad "GET /nope.css gave $code"; fi

# 3b. one connection serves a page and what it loads (keep-alive), a
# missing page included: a browser need not open a connection each
curl -sv --max-time 5 -o /dev/null -o /dev/null -o /dev/null "http://127.0.0.1:$port/" \
	"http://127.0.0.1:$port/about/" "http://127.0.0.1:$port/nope/" 2>"$tmp/curl.log" || true
if [ "$(grep -c 'Re-using existing connection' "$tmp/curl.log")" = 2 ]; then ok
else bad "three requests did not share one connection: $(grep -i '^< connection' "$tmp/curl.log")"; fi

# 3c. the open-data files a framework exports open as text, not downloads
printf 'id,name\n1,Reading\n' >"$out/skills.csv"
fetch /skills.csv
if [ "$code" = 200 ] && grep -qi '^content-type: text/csv; charset=utf-8' "$tmp/headers"; then ok
else bad "GET /skills.csv gave $code, $(grep -i '^content-type' "$tmp/headers")"; fi
rm -f "$out/skills.csv"

# 4. nothing outside the output directory, however asked for
ln -s /etc "$out/etc-link"
for p in /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /about/..%2f..%2f..%2fetc%2fpasswd \
	 /etc-link/passwd /etc-link%00/passwd; do
	fetch "$p" --path-as-is
	if { [ "$code" = 400 ] || [ "$code" = 404 ]; } && ! grep -q 'root:' "$tmp/body"; then ok
	else bad "GET $p gave $code"; fi
done
rm -f "$out/etc-link"
# a NUL in the path is refused, not read as the end of it
fetch /about/%00
if [ "$code" = 400 ]; then ok; else bad "GET /about/%00 gave $code, not 400"; fi

# 5. an edit: the page changes and an open event stream hears 'reload'
: >"$tmp/sse"
curl -s -N --max-time 8 "http://127.0.0.1:$port/__waymark/events" >"$tmp/sse" 2>/dev/null &
sse_pid=$!
sse_ready() { grep -q 'retry:' "$tmp/sse"; }
until_true 3 sse_ready || bad "the event stream did not start"
# (the test theme shows a page's title, not its body)
sed -i 's/^title: About us$/title: About us, edited while serving/' "$site/content/pages/about.md"
if until_true 3 page_has /about/ 'edited while serving'; then ok
else bad "the edit did not show within 3 s"; fi
sse_reload() { grep -q '^event: reload' "$tmp/sse"; }
if until_true 3 sse_reload; then ok; else bad "the event stream got no reload event"; fi
kill "$sse_pid" 2>/dev/null; sse_pid=""
if log_has '^rebuilt [0-9]* pages in [0-9]* ms ([0-9]* rendered; [0-9]* files\{0,1\} written, [0-9]* unchanged)$'
then ok; else bad "no 'rebuilt' line"; fi

# 6. a broken data file: every page shows the diagnostic, assets still 404
cp "$site/content/data.yaml" "$tmp/data.yaml"
printf 'data: [\n' >"$site/content/data.yaml"
if until_true 3 page_has /about/ 'content/data.yaml:[0-9]*:[0-9]*: error:'; then ok
else bad "the broken YAML's diagnostic did not show"; sed 's/^/  /' "$tmp/body" | head -20; fi
[ "$code" = 500 ] || bad "the error page came with status $code"
grep -q 'Build failed' "$tmp/body" && grep -q 'EventSource' "$tmp/body" || bad "error page lacks banner or script"
grep -q 'The last good site is kept' "$tmp/body" || bad "the error page does not say the last good site is kept"
[ -f "$out/about/index.html" ] || bad "the last good site left the disk"
log_has 'content/data.yaml:[0-9]*:[0-9]*: error:' || bad "the diagnostic was not printed"

# 7. fixed: the page is back
cp "$tmp/data.yaml" "$site/content/data.yaml"
if until_true 3 page_lacks /about/ 'Build failed' && grep -q 'edited while serving' "$tmp/body"
then ok; else bad "the page did not come back after the fix"; fi

# 7b. pages come, move and go while serving, in a new directory too: each
# build brings the last one's listing of the content up to date from what
# the watch saw change (a new directory has it listed again), and leaves the
# site a build from nothing makes; the output deleted whole while serving
# (its cache cleared: the server takes the output as its last build left it,
# but a build into no output makes all of it)
page_gone() { fetch "$1"; [ "$code" = 404 ]; }
same_as_fresh() {
	rm -rf "$tmp/fresh"
	"$waymark" build -q -s "$site" -o "$tmp/fresh" >"$tmp/fresh.log" 2>&1 &&
		diff -r -x '.waymark*' "$out" "$tmp/fresh" >"$tmp/diff" 2>&1
}
printf -- '---\ntitle: Team while serving\n---\n\nWords.\n' >"$site/content/pages/team.md"
if until_true 3 page_has /team/ 'Team while serving'; then ok; else bad "a new page did not show"; fi
mv "$site/content/pages/team.md" "$site/content/pages/crew.md"
if until_true 3 page_has /crew/ 'Team while serving' && page_gone /team/; then ok
else bad "a page moved did not show at its new address only ($code)"; fi
mkdir "$site/content/pages/more"
printf -- '---\ntitle: Deep while serving\n---\n' >"$site/content/pages/more/deep.md"
if until_true 3 page_has /more/deep/ 'Deep while serving'; then ok
else bad "a page in a new directory did not show"; fi
rm "$site/content/pages/crew.md"
if until_true 3 page_gone /crew/; then ok; else bad "a deleted page is still served ($code)"; fi
if same_as_fresh; then ok; else bad "the served site is not a fresh build's: $(head -5 "$tmp/diff")"; fi
rm -rf "$out"
printf -- '---\ntitle: Deeper while serving\n---\n' >"$site/content/pages/more/deep.md"
if until_true 3 page_has /more/deep/ 'Deeper while serving' && page_has /about/ 'edited while serving'
then ok; else bad "the output deleted while serving did not come back whole ($code)"; fi
rm -r "$site/content/pages/more"
if until_true 3 page_gone /more/deep/ && same_as_fresh; then ok
else bad "a directory deleted while serving: $code $(head -5 "$tmp/diff")"; fi

# 8. a file a hook reads with waymark.read is watched too: edited in place,
# then replaced by a new file (as editors save)
mkdir -p "$site/data" "$site/lua.new"
echo "first note" >"$site/data/note.txt"
cat >"$site/lua.new/note.lua" <<'LUA'
return {
	page = function(page)
		if page.title then page.title = page.title .. " / " .. waymark.read("data/note.txt"):gsub("%s+$", "") end
	end,
}
LUA
mv "$site/lua.new" "$site/lua"
if until_true 5 page_has /about/ 'first note'; then ok; else bad "the hook's page did not show"; fi
echo "second note" >"$site/data/note.txt"
if until_true 3 page_has /about/ 'second note'; then ok
else bad "an edit to the file a hook reads did not show within 3 s"; fi
echo "third note" >"$site/data/note.txt.tmp" && mv "$site/data/note.txt.tmp" "$site/data/note.txt"
if until_true 3 page_has /about/ 'third note'; then ok
else bad "replacing the file a hook reads did not show within 3 s"; fi

# 9. SIGINT: exit 0 within 2 s, the output kept for the next server,
# public/ never made
stop
if [ -f "$out/about/index.html" ]; then ok; else bad "the output was not kept"; fi
if [ ! -e "$site/public" ]; then ok; else bad "public/ was written"; fi

# 10. a restart on the same site builds into the same directory and finds
# nothing to write; one after an edit made while no server ran shows it
kept=$out
sleep 0.05; touch "$tmp/marker"; sleep 0.05
start "$tmp/log2"
if [ "$out" = "$kept" ]; then ok; else bad "a restart built into '$out', not '$kept'"; fi
if [ -z "$(find "$out" -type f -newer "$tmp/marker")" ]; then ok
else bad "a restart with nothing changed wrote: $(find "$out" -type f -newer "$tmp/marker" | head -3)"; fi
stop
sed -i 's/edited while serving/edited while stopped/' "$site/content/pages/about.md"
start "$tmp/log3"
if page_has /about/ 'edited while stopped'; then ok; else bad "an edit made while stopped did not show"; fi

# 11. a second server on the same site meanwhile: a private directory of
# its own, removed when it stops; the first one's is left alone
pid2=$pid first_out=$out # (stopped by cleanup, should the next start fail)
start "$tmp/log4"
if grep -q '^another waymark serve is using ' "$tmp/log4"; then ok; else bad "no word of the other server"; fi
case "$out" in "$tmp"/waymark-serve-*/site) ok ;; *) bad "the second server's output is '$out'" ;; esac
if page_has /about/ 'edited while stopped'; then ok; else bad "the second server's page is not the site's"; fi
stop
if [ ! -e "$(dirname "$out")" ]; then ok; else bad "'$(dirname "$out")' is still there"; fi
pid=$pid2 pid2="" out=$first_out
stop
if [ -f "$out/about/index.html" ]; then ok; else bad "the first server's output went"; fi

# 12. a port in use: asked for with -p, an error that says what to do;
# without -p (1313, or the first free port after it), the next free one
start "$tmp/log5"
taken=$port
TMPDIR=$tmp XDG_CACHE_HOME=$tmp/cache timeout 10 "$waymark" serve -p "$taken" -s "$site" \
	>"$tmp/log6" 2>&1
status=$?
if [ "$status" = 3 ] && grep -q "port $taken: Address already in use.*'-p 0' takes any free port" \
	"$tmp/log6"; then ok
else bad "-p $taken while in use: exit $status, said: $(cat "$tmp/log6")"; fi
stop
start "$tmp/log7" default-port
pid2=$pid first_port=$port
start "$tmp/log8" default-port # the first's port, or an earlier one, is in use
if [ "$port" != "$first_port" ] && grep -q "^port 1313 is in use: taking $port\$" "$tmp/log8"; then ok
else bad "a second server without -p took port $port (the first has $first_port): $(cat "$tmp/log8")"; fi
if page_has /about/ 'edited while stopped'; then ok; else bad "the server on the next port does not serve the site"; fi
stop
pid=$pid2 pid2=""
stop

# 13. --bind 0.0.0.0: the address printed is one to open (127.0.0.1), and
# each "on this network" address printed answers too
TMPDIR=$tmp XDG_CACHE_HOME=$tmp/cache "$waymark" serve --bind 0.0.0.0 -p 0 -s "$site" >"$tmp/log10" 2>&1 &
pid=$!
if until_true 10 grep -q 'press Ctrl-C' "$tmp/log10"; then
	port=$(sed -n 's|^serving .* at http://127\.0\.0\.1:\([0-9]*\)/ .*|\1|p' "$tmp/log10")
	lan_ok=1
	for url in $(sed -n 's|^  on this network: \(http://.*\)$|\1|p' "$tmp/log10"); do
		[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$url")" = 200 ] || lan_ok=0
	done
	if [ -n "$port" ] && page_has / 'EventSource' && [ $lan_ok = 1 ]; then ok
	else bad "--bind 0.0.0.0: $(cat "$tmp/log10")"; fi
	stop
else
	bad "--bind 0.0.0.0: the server did not start: $(cat "$tmp/log10")"; kill "$pid"; pid=""
fi

# 14. a site broken from the start (no build of it ever worked): the error
# page does not speak of a last good site
good_site=$site site=$tmp/broken-site
cp -R "$good_site" "$site"
printf 'data: [\n' >"$site/content/data.yaml"
start "$tmp/log9"
if page_has /about/ 'There is no site to show until a build works' && [ "$code" = 500 ] &&
	! grep -q 'last good site' "$tmp/body"; then ok
else bad "a site broken from the start: $code $(grep -o 'banner.*' "$tmp/body")"; fi
stop
site=$good_site

# 15. a site published below /jobs/ is served below /jobs/ only: / and
# /jobs lead there; a page asked for without /jobs/ (a link that leaves it
# out) is not found, as it would not be on the published site
good_site=$site site=$tmp/sub-site
cp -R "$good_site" "$site"
sed -i 's|^base_url:.*|base_url: https://example.org/jobs/|' "$site/site.yaml"
start "$tmp/log11"
fetch /
if [ "$code" = 301 ] && grep -qi '^location: /jobs/' "$tmp/headers"; then ok
else bad "below /jobs/: GET / gave $code, not a 301 to /jobs/"; fi
fetch /jobs
if [ "$code" = 301 ] && grep -qi '^location: /jobs/' "$tmp/headers"; then ok
else bad "below /jobs/: GET /jobs gave $code, not a 301 to /jobs/"; fi
if page_has /jobs/about/ 'About us' && [ "$code" = 200 ]; then ok
else bad "below /jobs/: GET /jobs/about/ gave $code"; fi
fetch /about/
if [ "$code" = 404 ] && ! grep -q 'About us' "$tmp/body"; then ok
else bad "below /jobs/: GET /about/ gave $code, not 404"; fi
fetch /jobsabout/
if [ "$code" = 404 ]; then ok; else bad "below /jobs/: GET /jobsabout/ gave $code"; fi
stop
site=$good_site

if [ $fail != 0 ]; then echo "server log:"; sed 's/^/  /' "$tmp/log"; fi
echo "serve: $pass passed, $fail failed"
[ $fail = 0 ]
