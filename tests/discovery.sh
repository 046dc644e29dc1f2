#!/bin/sh
# What search engines, feed readers and shared links find. The default site
# published at an address with a host: sitemap.xml lists every page but the
# not-found page, at whole addresses that exist; stories.atom is a valid
# Atom feed of the stories, newest first, each linking to its page; every
# page has a description, its own canonical address, a link to the feed
# and an icon that exists. The same site without stories still gets its
# (empty) feed; served from a path alone (base_url: /), it has neither
# file and no whole addresses in its pages. `waymark build --base-url`
# gives, into one output, what each base_url in site.yaml gives.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
w="${WAYMARK:-$top/bin/waymark}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
base=https://example.org/jobs/
for s in hosted nostories local; do
	mkdir -p "$tmp/$s"
	cp -R "$top/content" "$top/site.yaml" "$tmp/$s/"
done
sed -i "s|^base_url: .*|base_url: $base|" "$tmp/hosted/site.yaml" "$tmp/nostories/site.yaml"
# (the stories' list and pages go, and every link to them)
rm -rf "$tmp/nostories/content/stories"
grep -rl 'stories/' "$tmp/nostories/content" | xargs sed -i 's|(\.\./stories/[^)]*)||g; s|(stories/[^)]*)||g'
for s in hosted nostories local; do
	if ! "$w" build -s "$tmp/$s" -o "$tmp/$s/out" --quiet >"$tmp/$s.log" 2>&1; then
		echo "FAIL discovery: the $s site did not build:"; sed 's/^/  /' "$tmp/$s.log"
		echo "discovery: 0 passed, 1 failed"; exit 1
	fi
done
pass=0 fail=0
# --base-url: the hosted site's bytes from the local site's site.yaml, then
# back (into the same output: nothing of the other address may stay)
for step in "$base:hosted" ":local" "$base:hosted"; do
	url=${step%:*} want=${step##*:}
	if ! "$w" build -s "$tmp/local" -o "$tmp/flag" --quiet ${url:+--base-url "$url"} >"$tmp/flag.log" 2>&1; then
		echo "FAIL discovery: --base-url '$url': $(cat "$tmp/flag.log")"; fail=$((fail + 1))
	elif diff -r "$tmp/$want/out" "$tmp/flag" >"$tmp/flag.diff" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL discovery: --base-url '$url' differs from base_url in site.yaml:"
		head -5 "$tmp/flag.diff" | sed 's/^/  /'; fail=$((fail + 1))
	fi
done
python3 - "$tmp" "$base" "$pass" "$fail" <<'PY'
import html.parser, os, re, sys
import xml.etree.ElementTree as ET
tmp, base = sys.argv[1:3]
passed, failed = int(sys.argv[3]), int(sys.argv[4])
def check(ok, what):
    global passed, failed
    if ok: passed += 1
    else:
        failed += 1; print("FAIL discovery:", what)

class Head(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.meta = {}; self.links = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a.get("property")] = a.get("content")
        if tag == "link":
            self.links.append(a)
def head(path):
    h = Head(); h.feed(open(path, encoding="utf-8").read()); return h
def pages(out):
    for d, _, files in os.walk(out):
        for f in files:
            if f.endswith(".html"):
                yield os.path.relpath(os.path.join(d, f), out)
def address(rel):   # the page's whole address, as links give it
    return base + ("" if rel == "index.html" else rel[:-len("index.html")])
def page_of(url):   # a whole address of the site → its file in the output
    rel = url[len(base):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel

def xml(path):      # the file's root element, or None (a failure) when it is missing or broken
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        check(False, "%s: %s" % (path, e)); return ET.Element("missing")

A = "{http://www.w3.org/2005/Atom}"
for site in ("hosted", "nostories"):
    out = os.path.join(tmp, site, "out")
    all_pages = sorted(pages(out))
    # sitemap.xml: every page but 404.html, once, at its whole address
    sm = xml(os.path.join(out, "sitemap.xml"))
    locs = [l.text for l in sm.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    want = sorted(address(p) for p in all_pages if p != "404.html")
    check(sorted(locs) == want, "%s: sitemap.xml lists %d addresses, the site has %d pages (besides 404.html)"
          % (site, len(locs), len(want)))
    # stories.atom: parses, says where it is, its entries are the stories
    feed = xml(os.path.join(out, "stories.atom"))
    check(feed.tag == A + "feed", site + ": stories.atom is not an Atom feed")
    for need in ("id", "title", "updated", "author"):
        check(feed.find(A + need) is not None, "%s: the feed has no <%s>" % (site, need))
    self_links = [l.get("href") for l in feed.findall(A + "link") if l.get("rel") == "self"]
    check(self_links == [base + "stories.atom"], site + ": the feed's self link is " + repr(self_links))
    entries = feed.findall(A + "entry")
    stories = sorted(p for p in all_pages if p.startswith("stories/") and p.count("/") == 2
                     and not p.startswith("stories/page/"))
    check(len(entries) == min(len(stories), 50),
          "%s: %d entries for %d stories" % (site, len(entries), len(stories)))
    dates = [e.find(A + "updated").text for e in entries]
    check(dates == sorted(dates, reverse=True), site + ": entries are not newest first")
    if entries:
        check(feed.find(A + "updated").text == dates[0], site + ": the feed's date is not its newest entry's")
    for e in entries:
        href = e.find(A + "link").get("href")
        check(href.startswith(base) and os.path.isfile(os.path.join(out, page_of(href))),
              "%s: an entry links to %s, which the site does not have" % (site, href))
        check(e.find(A + "id").text == href, site + ": an entry's id is not its address")
    # each page: a description, its own canonical address, the feed
    for p in all_pages:
        h = head(os.path.join(out, p))
        check(bool(h.meta.get("description")), "%s/%s: no description" % (site, p))
        check(h.meta.get("og:description") == h.meta.get("description"),
              "%s/%s: og:description is not the description" % (site, p))
        check(bool(h.meta.get("og:title")), "%s/%s: no og:title" % (site, p))
        canon = [l.get("href") for l in h.links if l.get("rel") == "canonical"]
        if p == "404.html":
            check(canon == [], site + ": 404.html names a canonical address")
        else:
            check(canon == [address(p)], "%s/%s: canonical %s" % (site, p, canon))
            check(h.meta.get("og:url") == address(p), "%s/%s: og:url %s" % (site, p, h.meta.get("og:url")))
        feeds = [l.get("href") for l in h.links
                 if l.get("rel") == "alternate" and l.get("type") == "application/atom+xml"]
        check(feeds == [base + "stories.atom"], "%s/%s: feed links %s" % (site, p, feeds))
        icons = [l.get("href") for l in h.links if l.get("rel") == "icon"]
        check(len(icons) == 1 and icons[0].startswith("/jobs/assets/") and
              os.path.isfile(os.path.join(out, icons[0][len("/jobs/"):])),
              "%s/%s: icon links %s" % (site, p, icons))

# what a description says where the front matter gives none
out = os.path.join(tmp, "hosted", "out")
def desc(p): return head(os.path.join(out, p)).meta.get("description") or ""
check(desc("frameworks/employability/teamwork/index.html").startswith("Working well with others"),
      "a skill's description is not its definition: %r" % desc("frameworks/employability/teamwork/index.html"))
story = next(p for p in sorted(pages(out)) if p.startswith("stories/r"))
quote = re.search(r'^quote: "(.*)"$', open(os.path.join(tmp, "hosted", "content", "stories",
                  story.split("/")[1] + ".md"), encoding="utf-8").read(), re.M).group(1)
check(desc(story) == quote, "a story's description is not its quote: %r" % desc(story))
fw = desc("frameworks/employability/index.html")
check(fw.endswith(".") and len(fw) <= 200, "a framework's long description is not cut at a sentence: %r" % fw)

# served from a path: no sitemap or feed, and no whole addresses
out = os.path.join(tmp, "local", "out")
check(not os.path.exists(os.path.join(out, "sitemap.xml")), "local: sitemap.xml written")
check(not os.path.exists(os.path.join(out, "stories.atom")), "local: stories.atom written")
for p in sorted(pages(out)):
    h = head(os.path.join(out, p))
    check(not any(l.get("rel") in ("canonical", "alternate") for l in h.links) and "og:url" not in h.meta,
          "local/%s: a whole address in the head" % p)
print("discovery: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
