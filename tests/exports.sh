#!/bin/sh
# Open data: each framework's CASE 1.0 package has every field the CASE
# OpenAPI definition requires (read from ../shared/fixtures/case), valid
# UUIDs, association types from its list, and links that resolve inside the
# package or to another framework; the CSV has a row per skill; the plain
# JSON parses; two builds give the same bytes.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${WAYMARK_SHARED:-$top/../shared}
swagger="$shared/fixtures/case/case-v1p0-swagger.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$swagger" ]; then
	echo "exports: '$swagger' is missing: the CASE definition lives in ../shared beside the repository"
	echo "exports: 0 passed, 1 failed"; exit 1
fi
"$top/bin/waymark" build -s "$top" -o "$tmp/a" --quiet && "$top/bin/waymark" build -s "$top" -o "$tmp/b" --quiet ||
	{ echo "exports: 0 passed, 1 failed (build)"; exit 1; }
python3 - "$swagger" "$tmp/a" "$tmp/b" <<'PY'
import csv, json, os, re, sys
swagger, a, b = sys.argv[1:4]
defs = json.load(open(swagger))["definitions"]
uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
passed = failed = 0
def check(ok, what):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1; print("FAIL exports:", what)
def required(obj, name, where):
    for f in defs[name].get("required", []):
        check(f in obj, "%s: missing '%s' (%s)" % (where, f, name))
fwdir = os.path.join(a, "frameworks")
frameworks = sorted(d for d in os.listdir(fwdir) if os.path.isfile(os.path.join(fwdir, d, d + ".case.json")))
check(len(frameworks) >= 2, "fewer than two frameworks exported")
all_ids = {}
packages = {}
for fw in frameworks:
    pkg = json.load(open(os.path.join(fwdir, fw, fw + ".case.json")))
    packages[fw] = pkg
    required(pkg, "CFPackage.Type", fw)
    required(pkg["CFDocument"], "CFPckgDocument.Type", fw + " CFDocument")
    for item in pkg["CFItems"]:
        required(item, "CFPckgItem.Type", fw + " item")
        all_ids[item["identifier"]] = fw
    all_ids[pkg["CFDocument"]["identifier"]] = fw
types = defs["CFPckgAssociation.Type"]["properties"]["associationType"]["enum"]
for fw, pkg in packages.items():
    ids = [pkg["CFDocument"]["identifier"]] + [i["identifier"] for i in pkg["CFItems"]]
    check(all(uuid.match(i) for i in ids), fw + ": an identifier is not a UUID")
    check(len(set(ids)) == len(ids), fw + ": identifiers repeat")
    skills = [i for i in pkg["CFItems"] if i.get("CFItemType") == "Competency"]
    for s in pkg["CFAssociations"]:
        required(s, "CFPckgAssociation.Type", fw + " association")
        required(s["originNodeURI"], "LinkGenURI.Type", fw + " origin")
        required(s["destinationNodeURI"], "LinkGenURI.Type", fw + " destination")
        check(s["associationType"] in types, fw + ": association type " + s["associationType"])
        check(s["originNodeURI"]["identifier"] in all_ids, fw + ": an association starts nowhere")
        dest = s["destinationNodeURI"]["identifier"]
        check(dest in all_ids or not s["destinationNodeURI"]["uri"].startswith("urn:uuid:"),
              fw + ": an association leads nowhere")
    children = [s for s in pkg["CFAssociations"] if s["associationType"] == "isChildOf"]
    check(len(children) == len(pkg["CFItems"]), fw + ": not every item has a parent")
    rows = list(csv.DictReader(open(os.path.join(fwdir, fw, fw + ".csv"), newline="")))
    check(len(rows) == len(skills), fw + ": the CSV has %d rows for %d skills" % (len(rows), len(skills)))
    plain = json.load(open(os.path.join(fwdir, fw, fw + ".json")))
    check(plain.get("id") == fw, fw + ": the plain JSON is not the framework")
    for ext in ("case.json", "csv", "json"):
        same = open(os.path.join(a, "frameworks", fw, fw + "." + ext), "rb").read() == \
               open(os.path.join(b, "frameworks", fw, fw + "." + ext), "rb").read()
        check(same, fw + "." + ext + " differs between two builds")
aligned = sum(1 for p in packages.values() for s in p["CFAssociations"] if s["associationType"] != "isChildOf")
check(aligned > 0, "no alignments exported")
print("exports: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
