#!/bin/sh
# waymark import case: the default site's own CASE packages come back as
# the frameworks they were made from (ids, titles, definitions, examples,
# categories and their descriptions, the document's fields, and alignments
# as whole addresses), and the site builds with them; every CASE package
# of ../shared/fixtures/case (OpenSALT's test data, which bends the schema
# here and there) imports and builds without a warning, its order and its
# UTF-8 kept; 60 seeded breakages of them import with a clear message or
# into a framework that builds, never a crash; an existing file is never
# overwritten.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="${WAYMARK:-$top/bin/waymark}"
shared=${WAYMARK_SHARED:-$top/../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL import: $*"; fail=$((fail + 1)); }
base=https://example.org/jobs/

# the default site's packages, published at a whole address
site="$tmp/site"
mkdir -p "$site"
cp -R "$top/content" "$top/site.yaml" "$site/"
"$w" build -s "$site" -o "$tmp/out" --base-url "$base" --quiet >"$tmp/log" 2>&1 || bad "build: $(cat "$tmp/log")"
for fw in employability essential; do
	if "$w" import case "$tmp/out/frameworks/$fw/$fw.case.json" -s "$site" --id "$fw-copy" >"$tmp/log" 2>&1; then
		ok
	else
		bad "import of $fw: $(cat "$tmp/log")"
	fi
	grep -q "^wrote $site/content/frameworks/$fw-copy.yaml: [0-9]* categories, [0-9]* skills, [0-9]* alignments$" "$tmp/log" &&
		ok || bad "import of $fw said: $(cat "$tmp/log")"
done
"$w" build -s "$site" -o "$tmp/out2" --base-url "$base" >"$tmp/log" 2>&1 && ! grep -q 'warning' "$tmp/log" &&
	ok || bad "the site with its imports: $(cat "$tmp/log")"
python3 - "$site" "$base" <<'PY' && ok || bad "imported frameworks differ from their sources"
import sys, yaml
site, base = sys.argv[1:3]
failed = 0
def same(a, b, what):
    global failed
    if a != b:
        failed += 1
        print("  %s: %r, imported %r" % (what, a, b))
for fw in ("employability", "essential"):
    src = yaml.safe_load(open("%s/content/frameworks/%s.yaml" % (site, fw)))
    got = yaml.safe_load(open("%s/content/frameworks/%s-copy.yaml" % (site, fw)))
    for f in ("title", "publisher", "version", "license", "description"):
        same(str(src.get(f)), str(got.get(f)), fw + " " + f)
    same(len(src["categories"]), len(got["categories"]), fw + " categories")
    for c, d in zip(src["categories"], got["categories"]):
        for f in ("id", "title", "description"):
            same(c.get(f), d.get(f), "%s/%s %s" % (fw, c["id"], f))
        same([s["id"] for s in c["skills"]], [s["id"] for s in d["skills"]], "%s/%s skills" % (fw, c["id"]))
        for s, t in zip(c["skills"], d["skills"]):
            for f in ("title", "definition", "examples"):
                same(s.get(f), t.get(f), "%s/%s %s" % (fw, s["id"], f))
            # an alignment to another framework's skill comes back as the
            # address of its page; one to an address, as that address
            want = [(a["type"], base + "frameworks/%s/%s/" % tuple(a["skill"].split("/")) if "skill" in a
                     else a["uri"]) for a in s.get("aligns", [])]
            have = [(a["type"], a.get("uri") or a.get("skill")) for a in t.get("aligns", [])]
            same(want, have, "%s/%s aligns" % (fw, s["id"]))
sys.exit(1 if failed else 0)
PY

# nothing is overwritten
cp "$site/content/frameworks/essential-copy.yaml" "$tmp/before"
"$w" import case "$tmp/out/frameworks/essential/essential.case.json" -s "$site" --id essential-copy >"$tmp/log" 2>&1
[ $? = 1 ] && grep -q "already exists; not overwriting it" "$tmp/log" && cmp -s "$tmp/before" "$site/content/frameworks/essential-copy.yaml" &&
	ok || bad "a second import over the first: $(cat "$tmp/log")"

# a package that bends the rules: items held up only by a loop of
# isChildOf are kept (as skills), an alignment inside the package names the
# skill, and a type waymark does not align with is a warning at its line
loops="$tmp/loops"
mkdir -p "$loops"
printf 'title: Loops\n' >"$loops/site.yaml"
cat >"$loops/loops.json" <<'EOF'
{"CFDocument": {"identifier": "d", "title": "Loops"},
 "CFItems": [{"identifier": "a", "fullStatement": "Alpha"}, {"identifier": "b", "fullStatement": "Beta"},
   {"identifier": "c", "fullStatement": "Gamma"}],
 "CFAssociations": [
  {"associationType": "isChildOf", "originNodeURI": {"identifier": "a"}, "destinationNodeURI": {"identifier": "b"}},
  {"associationType": "isChildOf", "originNodeURI": {"identifier": "b"}, "destinationNodeURI": {"identifier": "a"}},
  {"associationType": "isRelatedTo", "originNodeURI": {"identifier": "c"}, "destinationNodeURI": {"identifier": "a"}},
  {"associationType": "isTranslationOf", "originNodeURI": {"identifier": "c"}, "destinationNodeURI": {"identifier": "b"}}]}
EOF
"$w" import case "$loops/loops.json" -s "$loops" >"$tmp/log" 2>&1
grep -q "^$loops/loops.json:8:3: warning: association type 'isTranslationOf' is not one waymark aligns skills with; left out$" "$tmp/log" &&
	grep -q ': 1 category, 3 skills, 1 alignment$' "$tmp/log" && grep -q 'skill: loops/alpha' "$loops/content/frameworks/loops.yaml" &&
	"$w" build -s "$loops" --quiet >>"$tmp/log" 2>&1 && ok || bad "a package with a loop: $(cat "$tmp/log")"

# OpenSALT's packages
if [ ! -d "$shared/fixtures/case" ]; then
	echo "import: '$shared/fixtures/case' is missing: the CASE fixtures live in ../shared beside the repository"
	fail=$((fail + 1))
else
	fix="$tmp/fixtures"
	mkdir -p "$fix/content"
	printf 'title: Imports\n' >"$fix/site.yaml"
	for f in "$shared"/fixtures/case/opensalt_*.json; do
		"$w" import case "$f" -s "$fix" >"$tmp/log" 2>&1 && ! grep -q 'warning\|error' "$tmp/log" &&
			ok || bad "$(basename "$f"): $(cat "$tmp/log")"
	done
	"$w" build -s "$fix" -o "$tmp/fixout" >"$tmp/log" 2>&1 && ! grep -q 'warning' "$tmp/log" &&
		ok || bad "the fixtures' site: $(cat "$tmp/log")"
	# seeded breakages of those packages and of the site's own (fields
	# deleted or given another type, items repeated, bytes changed, the
	# file cut short): each import ends with 0 or 1 and only diagnostics,
	# never a crash, and what it writes builds
	python3 - "$w" "$tmp" "$shared/fixtures/case" "$tmp/out/frameworks/essential/essential.case.json" <<'PY' && ok || bad "broken packages"
import copy, glob, json, os, random, subprocess, sys
w, tmp, cases, own = sys.argv[1:5]
srcs = [json.load(open(f)) for f in sorted(glob.glob(cases + "/opensalt_*.json"))] + [json.load(open(own))]
site = tmp + "/fuzz"
os.makedirs(site + "/content", exist_ok=True)
open(site + "/site.yaml", "w").write("title: Fuzz\n")
vals = [None, True, 0, -1, 1e308, "", "x" * 3000, [], {}, "isChildOf", "\u00e9", 2.5]
def mutate(o, r):
    if isinstance(o, dict) and o:
        k = r.choice(list(o)); c = r.random()
        if c < 0.3: del o[k]
        elif c < 0.6: o[k] = r.choice(vals)
        else: mutate(o[k], r)
    elif isinstance(o, list) and o:
        i = r.randrange(len(o)); c = r.random()
        if c < 0.3: del o[i]
        elif c < 0.5: o.append(copy.deepcopy(o[i]))
        elif c < 0.6: o[i] = r.choice(vals)
        else: mutate(o[i], r)
failed = 0
def run(args, seed, what):
    global failed
    p = subprocess.run([w] + args, capture_output=True)
    err = p.stderr.decode(errors="replace")
    stray = [l for l in err.splitlines() if l and not (": error: " in l or ": warning: " in l or
             l.endswith(" warnings") or l.endswith(" warning"))]
    if p.returncode not in (0, 1) or stray:
        failed += 1
        print("  seed %d, %s: status %d: %s" % (seed, what, p.returncode, err[:400]))
    return p.returncode
for seed in range(60):
    r = random.Random(seed)
    d = copy.deepcopy(r.choice(srcs))
    for _ in range(r.randint(1, 6)):
        mutate(d, r)
    text = json.dumps(d, ensure_ascii=r.random() < 0.5).encode()
    if r.random() < 0.15:
        b = bytearray(text)
        for _ in range(r.randint(1, 4)):
            b[r.randrange(len(b))] = r.randrange(256)
        text = bytes(b)
    if r.random() < 0.05:
        text = text[:r.randrange(len(text) + 1)]
    open(tmp + "/fuzz.json", "wb").write(text)
    for f in glob.glob(site + "/content/frameworks/*"):
        os.remove(f)
    if run(["import", "case", tmp + "/fuzz.json", "-s", site, "--id", "fz"], seed, "import") == 0 and \
       run(["build", "-s", site, "-o", tmp + "/fuzz-out", "--quiet"], seed, "build") != 0:
        failed += 1
        print("  seed %d: the import does not build" % seed)
sys.exit(1 if failed else 0)
PY
	python3 - "$fix" "$shared/fixtures/case" <<'PY' && ok || bad "the fixtures' frameworks are not as their packages say"
import json, sys, yaml
fix, cases = sys.argv[1:3]
failed = 0
def check(c, what):
    global failed
    if not c:
        failed += 1; print("  " + what)
seq = yaml.safe_load(open(fix + "/content/frameworks/sequence-number-test.yaml"))
check([s["id"] for s in seq["categories"][0]["skills"]] == ["snt-2", "snt-1"],
      "sequenceNumber order not kept: %r" % seq["categories"][0]["skills"])
utf = yaml.safe_load(open(fix + "/content/frameworks/utf8-test.yaml"))
check(utf["title"] == json.load(open(cases + "/opensalt_Utf8TestFramework.json"))["CFDocument"]["title"],
      "the UTF-8 title changed: %r" % utf["title"])
pkg = json.load(open(cases + "/opensalt_Ordering.json"))
ordering = yaml.safe_load(open(fix + "/content/frameworks/act-holistic-framework-math.yaml"))
n = sum(len(c["skills"]) for c in ordering["categories"])
check(n + len(ordering["categories"]) == len(pkg["CFItems"]),
      "%d categories and %d skills from %d items" % (len(ordering["categories"]), n, len(pkg["CFItems"])))
full = {i["fullStatement"] for i in pkg["CFItems"]}
check(all(s["definition"] in full for c in ordering["categories"] for s in c["skills"]),
      "a definition that is no item's full statement")
sys.exit(1 if failed else 0)
PY
fi
echo "import: $pass passed, $fail failed"
[ $fail = 0 ]
