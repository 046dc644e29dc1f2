#!/bin/sh
# waymark check --format json says what the text says: on every site of the
# bad-input catalog (those built plainly: no args, no setup) and on the
# default site, its diagnostics written out as text are the text's lines,
# its counts are the summary's and its exit status is the same; with
# --readability its grades are the table's. Nothing else goes to standard
# output or standard error. A format other than text or json, or --format
# on build, is a usage error.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="${WAYMARK:-$top/bin/waymark}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL check-json: $*"; fail=$((fail + 1)); }

# compare DIR NAME [ARGS...]: check in DIR as text and as JSON
compare() {
	dir=$1 name=$2; shift 2
	(cd "$dir" && "$w" check "$@") >"$tmp/text.out" 2>"$tmp/text.err"
	text_status=$?
	(cd "$dir" && "$w" check --format json "$@") >"$tmp/json.out" 2>"$tmp/json.err"
	json_status=$?
	[ "$text_status" = "$json_status" ] && ok ||
		bad "$name: exit $json_status with --format json, $text_status without"
	[ ! -s "$tmp/json.err" ] && ok || bad "$name: --format json wrote to standard error: $(head -3 "$tmp/json.err")"
	if python3 - "$tmp" "$name" <<'PY'; then ok; else bad "$name: the JSON does not say what the text says"; fi
import json, re, sys
tmp, name = sys.argv[1:3]
try:
    d = json.load(open(tmp + "/json.out"))
except ValueError as e:
    print("  not JSON:", e); sys.exit(1)
lines = []
for x in d["diagnostics"]:
    where = x["file"] or "waymark"
    if x["file"] and x["line"] is not None:
        where += ":%d" % x["line"]
        if x["column"] is not None:
            where += ":%d" % x["column"]
    lines.append("%s: %s: %s" % (where, x["severity"], x["message"]))
text = open(tmp + "/text.err").read().splitlines()
summary = [l for l in text if re.match(r"^\d+ errors?, \d+ warnings?$", l)]
problems = [l for l in text if l not in summary]
bad = []
if lines != problems:
    bad.append("diagnostics %r, text %r" % (lines[:3], problems[:3]))
if summary:
    e, wn = map(int, re.findall(r"\d+", summary[0]))
    if (e, wn) != (d["errors"], d["warnings"]):
        bad.append("counts %d/%d, text %d/%d" % (d["errors"], d["warnings"], e, wn))
if (d["errors"], d["warnings"]) != (sum(x["severity"] == "error" for x in d["diagnostics"]),
                                    sum(x["severity"] == "warning" for x in d["diagnostics"])):
    bad.append("counts that are not the diagnostics'")
out = open(tmp + "/text.out").read()
m = re.search(r"checked (\d+) pages?", out)
if m and int(m.group(1)) != d["pages"]:
    bad.append("%d pages, text %s" % (d["pages"], m.group(1)))
if "grades" in d:   # the table's rows, in its order
    rows = [l.split() for l in out.splitlines()[1:] if l.strip()]
    got = [("%.1f" % g["grade"] if g["graded"] else "-", "%.0f" % g["words"], g["path"]) for g in d["grades"]]
    want = [(r[0], r[1], r[2]) for r in rows if not r[0].startswith("checked")]
    if got != want:
        bad.append("grades %r, table %r" % (got[:2], want[:2]))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
}

for case in "$top"/tests/bad/*/; do
	[ -f "$case/args" ] || [ -e "$case/setup" ] && continue
	compare "$case/site" "bad/$(basename "$case")"
done
site="$tmp/site"
mkdir -p "$site"
cp -R "$top/content" "$top/site.yaml" "$top/lua" "$site/"
compare "$site" "default site"
compare "$site" "default site, readability" --readability
# a hard page: a warning, and a grade over the site's limit
cp "$top/tests/bad/readability-warning/site/content/_index.md" "$site/content/pages/hard.md"
compare "$site" "a hard page" --readability
compare "$site" "a hard page, strict" --strict
(cd "$site" && "$w" check --format text) >"$tmp/t1" 2>&1
(cd "$site" && "$w" check) >"$tmp/t2" 2>&1
cmp -s "$tmp/t1" "$tmp/t2" && ok || bad "--format text differs from no --format"

# usage errors
"$w" check -s "$site" --format jsno >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q "did you mean 'json'" "$tmp/out" && ok || bad "--format jsno: $(cat "$tmp/out")"
"$w" build -s "$site" --format json >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q "option of 'waymark check'" "$tmp/out" && ok || bad "build --format: $(cat "$tmp/out")"
echo "check-json: $pass passed, $fail failed"
[ $fail = 0 ]
