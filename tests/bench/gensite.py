#!/usr/bin/env python3
"""gensite: write a synthetic waymark site and the same pages as a Hugo site.

    python3 tests/bench/gensite.py --pages 10000 --out DIR

writes DIR/waymark (site.yaml + content/) and DIR/hugo (config + content/ +
layouts/), deterministic for a given --pages and --seed. Standard library
only; the text is filler made from a word list, about 600 words a page, with
headings, lists, a table, emphasis and relative links to other pages.

waymark makes a page per skill, pathway, story, stage and plain page, plus
list pages (all stories, and each stage's, pathway's and sector's, 20 a
page), a page per sector and a few fixed pages (home, search, 404...). The
counts below are sized so that the total is about --pages. The Hugo site
has the same pages at the same URLs, but for the stage and pathway pages
after the first (see HUGO_LAYOUTS): sectors are a Hugo taxonomy (their
stories 20 a page, as in waymark), plain pages sit at the content root,
links are rewritten from '../stories/x.md' to '/stories/x/'.
"""
import argparse
import os
import random
import shutil

WORDS = """
able about after again ahead always answer apply area ask back bank basic
before begin being better book boss break bring build bus busy call care
career carry change check child choose class clear close coach come company
cook cost could course cover crew customer daily deal decide deliver desk
done door drive early earn easy end enough every example extra fair family
feel fill find first fix follow food form friend full gain give goal good
group grow guide hand happy hard help hire hold home hour idea job join keep
kind know large last late learn leave less level life line list little live
local long look make manage many meet mentor money month move name need
new next night note offer office open order own paper part pass pay people
plan plant point power practice price problem program proud question quick
ready real reason record report rest right road role rule safe save school
season second service set shift short show sign simple skill small solve
speak staff start station step store study support sure table talk task team
test thing think time today together tool track train trust try turn under
union use value visit wage wait want warehouse watch week well while whole
work worker write year young
""".split()

NAMES = """Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jamal Keisha Luis Maya
Nadia Omar Priya Quinn Rosa Sam Tomas Uma Victor Wen Ximena Yusuf Zoe""".split()

SECTORS = [
    ("healthcare", "Healthcare"), ("advanced-manufacturing", "Advanced Manufacturing"),
    ("retail-hospitality", "Retail and Hospitality"),
    ("information-technology", "Information Technology"), ("construction", "Construction"),
    ("transportation-logistics", "Transportation and Logistics"),
    ("education", "Education"), ("public-service", "Public Service"),
    ("energy", "Energy"), ("agriculture", "Agriculture"),
    ("finance", "Finance"), ("arts-media", "Arts and Media"),
]

STAGES = ["recruit", "onboard", "develop", "advance", "transition"]
KINDS = ["job", "training", "credential", "apprenticeship"]
FRAMEWORK = "bench"
FIXED_PAGES = 27   # home, search, 404, plan, list pages, sectors, stages


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def words(self, n):
        return [self.r.choice(WORDS) for _ in range(n)]

    def title(self, n=3):
        return " ".join(self.words(n)).capitalize()

    def sentence(self, links=None):
        w = self.words(self.r.randint(8, 16))
        k = self.r.randrange(len(w))
        if self.r.random() < 0.3:
            w[k] = "**%s**" % w[k]
        elif self.r.random() < 0.3:
            w[k] = "*%s*" % w[k]
        if links and self.r.random() < 0.25:
            k = self.r.randrange(len(w))
            w[k] = "[%s](%s)" % (w[k], self.r.choice(links))
        return " ".join(w).capitalize() + "."

    def para(self, links, n=None):
        return " ".join(self.sentence(links) for _ in range(n or self.r.randint(3, 5)))


def count_words(md):
    return sum(1 for t in md.split() if t[0].isalnum() or t[0] in "*[")


def body(g, links, words=600):
    """About `words` words of Markdown: paragraphs, ##/### headings, lists,
    a table, emphasis; `links` are relative .md paths to other pages."""
    out = [g.para(links, 3)]
    parts, done = 0, count_words(out[0])
    while done < words:
        n = len(out)
        out.append("## " + g.title())
        out.append(g.para(links))
        if parts % 3 == 0:
            out.append("### " + g.title(2))
            out.append("\n".join("- " + g.sentence(links) for _ in range(4)))
        elif parts % 3 == 1:
            # one block: a blank line would end the table after its head
            head = "| %s | %s | %s |\n|---|---|---|" % tuple(
                w.capitalize() for w in g.words(3))
            out.append(head + "\n" + "\n".join("| %s | %d months | $%d an hour |" % (
                g.title(2), g.r.randint(1, 36), g.r.randint(14, 40)) for _ in range(4)))
        else:
            out.append("\n".join("%d. %s" % (i + 1, g.sentence(links)) for i in range(4)))
        out.append(g.para(links, 2))
        done += sum(count_words(b) for b in out[n:])
        parts += 1
    return "\n\n".join(out) + "\n"


def yq(s):
    """A YAML double-quoted scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sizes(pages):
    skills = min(1000, max(50, pages // 10))
    pathways = max(5, pages // 100)
    stories = pages * 6 // 10
    plain = max(10, pages - skills - pathways - stories - (stories + 19) // 20 - FIXED_PAGES)
    return skills, pathways, stories, plain


_made = set()


def write(path, text):
    d = os.path.dirname(path)
    if d not in _made:
        os.makedirs(d, exist_ok=True)
        _made.add(d)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=9)
    a = ap.parse_args()
    g = Gen(a.seed * 100003 + a.pages)
    n_skills, n_path, n_story, n_plain = sizes(a.pages)
    wm, hg = os.path.join(a.out, "waymark"), os.path.join(a.out, "hugo")
    for d in (wm, hg):
        shutil.rmtree(d, ignore_errors=True)

    # Records: ids, and for every page its waymark file and its URL.
    skills = ["s%04d-%s" % (i, "-".join(g.words(2))) for i in range(n_skills)]
    paths = ["p%03d-%s" % (i, "-".join(g.words(2))) for i in range(n_path)]
    stories = ["t%05d-%s" % (i, g.r.choice(NAMES).lower()) for i in range(n_story)]
    plains = ["page-%05d-%s" % (i, g.r.choice(WORDS)) for i in range(n_plain)]
    files = {}   # waymark path below content/ -> URL
    for s in skills:
        files["frameworks/%s/%s.md" % (FRAMEWORK, s)] = "/frameworks/%s/%s/" % (FRAMEWORK, s)
    for p in paths:
        files["pathways/%s.md" % p] = "/pathways/%s/" % p
    for s in stories:
        files["stories/%s.md" % s] = "/stories/%s/" % s
    for p in plains:
        files["pages/%s.md" % p] = "/%s/" % p
    for i, s in enumerate(STAGES):
        files["lifecycle/%02d-%s.md" % (i + 1, s)] = "/lifecycle/%s/" % s
    targets = sorted(files)

    def links_from(src):
        """Relative links from waymark file `src` to 12 other pages."""
        base = os.path.dirname(src)
        return [os.path.relpath(t, base) for t in g.r.sample(targets, 12) if t != src]

    def hugo_body(src, md):
        """Rewrite relative .md links to the target's URL."""
        base = os.path.dirname(src)
        out, i = [], 0
        while True:
            j = md.find("](", i)
            if j < 0:
                break
            k = md.index(")", j)
            out.append(md[i:j + 2])
            rel = md[j + 2:k]
            out.append(files[os.path.normpath(os.path.join(base, rel))])
            i = k
        out.append(md[i:])
        return "".join(out)

    def page(src, wm_fm, hugo_fm, text):
        write(os.path.join(wm, "content", src), "---\n" + wm_fm + "---\n" + text)
        hsrc = src
        if src.startswith("pages/"):
            hsrc = src[len("pages/"):]
        elif src.startswith("lifecycle/"):
            hsrc = "lifecycle/" + src[len("lifecycle/03-"):]
        write(os.path.join(hg, "content", hsrc), "---\n" + hugo_fm + "---\n" + hugo_body(src, text))

    # site.yaml / config
    menu = [("Pathways", "/pathways/"), ("Skills", "/frameworks/"), ("Stages of work", "/lifecycle/"),
            ("Stories", "/stories/"), ("Sectors", "/sectors/"), ("About", "/%s/" % plains[0])]
    write(os.path.join(wm, "site.yaml"),
          "title: Benchmark Pathways\ndescription: A synthetic site for timing builds\n"
          "lang: en\nbase_url: /\ntheme: default\nmenu:\n" +
          "".join("  - title: %s\n    url: %s\n" % m for m in menu))
    write(os.path.join(hg, "config.yaml"),
          "title: Benchmark Pathways\nbaseURL: /\nlanguageCode: en\n"
          "params: {description: A synthetic site for timing builds}\n"
          "disableKinds: [RSS, sitemap]\nenableRobotsTXT: true\npaginate: 20\n"
          "taxonomies: {sector: sectors}\n"
          "outputs: {home: [HTML, SearchIndex]}\n"
          "outputFormats:\n  SearchIndex: {mediaType: application/json, baseName: search-index, isPlainText: true}\n"
          "markup:\n  tableOfContents: {startLevel: 2, endLevel: 3}\n"
          "menu:\n  main:\n" +
          "".join("    - {name: %s, url: %s, weight: %d}\n" % (m[0], yq(m[1]), i)
                  for i, m in enumerate(menu)))

    # sectors
    write(os.path.join(wm, "content/sectors.yaml"), "sectors:\n" + "".join(
        "  - id: %s\n    title: %s\n    description: %s\n" % (i, t, yq(g.para(None, 2)))
        for i, t in SECTORS))
    for i, t in SECTORS:
        write(os.path.join(hg, "content/sectors", i, "_index.md"),
              "---\ntitle: %s\ndescription: %s\n---\n" % (t, yq(g.para(None, 2))))

    # the framework: categories of 50 skills, each with a long text
    fw = ["id: %s\ntitle: Benchmark Skills\npublisher: Bench\nversion: \"1.0\"\n"
          "description: %s\ncategories:\n" % (FRAMEWORK, yq(g.para(None, 2)))]
    for c in range(0, n_skills, 50):   # at most 24 categories: the frameworks chart's limit
        fw.append("  - id: c%02d\n    title: %s\n    description: %s\n    skills:\n" %
                  (c // 50, g.title(2), yq(g.sentence())))
        for s in skills[c:c + 50]:
            fw.append("      - id: %s\n        title: %s\n        definition: %s\n"
                      "        examples: [%s, %s]\n" %
                      (s, yq(g.title()), yq(g.sentence()), yq(g.sentence()), yq(g.sentence())))
    write(os.path.join(wm, "content/frameworks", FRAMEWORK + ".yaml"), "".join(fw))
    write(os.path.join(hg, "content/frameworks/_index.md"), "---\ntitle: Skills frameworks\n---\n")
    write(os.path.join(hg, "content/frameworks", FRAMEWORK, "_index.md"),
          "---\ntitle: Benchmark Skills\ndescription: %s\n---\n" % yq(g.para(None, 2)))
    skill_meta = {s: (g.title(), g.sentence()) for s in skills}
    for s in skills:
        src = "frameworks/%s/%s.md" % (FRAMEWORK, s)
        t, d = skill_meta[s]
        summ = g.sentence()
        page(src, "title: %s\nsummary: %s\n" % (yq(t), yq(summ)),
             "title: %s\ndescription: %s\ndefinition: %s\nexamples: [%s, %s]\n" %
             (yq(t), yq(summ), yq(d), yq(g.sentence()), yq(g.sentence())),
             body(g, links_from(src)))

    def skill_refs(n):
        return ["%s/%s" % (FRAMEWORK, s) for s in g.r.sample(skills, n)]

    # lifecycle stages
    for i, st in enumerate(STAGES):
        src = "lifecycle/%02d-%s.md" % (i + 1, st)
        t, summ = g.title(), g.sentence()
        qs = "[%s]" % ", ".join(yq(g.sentence()) for _ in range(4))
        sk = "[%s]" % ", ".join(skill_refs(3))
        page(src, "id: %s\ntitle: %s\norder: %d\nsummary: %s\nworker_questions: %s\nskills: %s\n" %
             (st, yq(t), i + 1, yq(summ), qs, sk),
             "title: %s\nweight: %d\ndescription: %s\nworker_questions: %s\nskills: %s\n" %
             (yq(t), i + 1, yq(summ), qs, sk), body(g, links_from(src)))
    for sec, t in (("lifecycle", "The employment lifecycle"), ("pathways", "Career pathways"),
                   ("stories", "Success stories")):
        intro = g.para(None)
        write(os.path.join(wm, "content", sec, "_index.md"), "---\ntitle: %s\n---\n%s\n" % (t, intro))
        write(os.path.join(hg, "content", sec, "_index.md"), "---\ntitle: %s\n---\n%s\n" % (t, intro))

    # pathways: four steps, three skills a step
    path_sector = {}
    for p in paths:
        src = "pathways/%s.md" % p
        sec = g.r.choice(SECTORS)[0]
        path_sector[p] = sec
        t, summ = g.title(4), g.sentence()
        steps = []
        for k in range(4):
            wage = ("{hourly: %d}" % g.r.randint(14, 40) if k < 2
                    else "{annual: %d}" % (g.r.randint(40, 90) * 1000))
            steps.append("  - title: %s\n    kind: %s\n    duration_months: %d\n    wage: %s\n"
                         "    credential: %s\n    skills: [%s]\n" %
                         (yq(g.title(2)), KINDS[k], g.r.randint(3, 36), wage,
                          yq(g.title(3)), ", ".join(skill_refs(3))))
        steps = "".join(steps)
        page(src, "id: %s\ntitle: %s\nsector: %s\nsummary: %s\nsteps:\n%s" % (p, yq(t), sec, yq(summ), steps),
             "title: %s\nsectors: [%s]\ndescription: %s\nsteps:\n%s" % (yq(t), sec, yq(summ), steps),
             body(g, links_from(src)))

    # stories
    for s in stories:
        src = "stories/%s.md" % s
        p = g.r.choice(paths)
        date = "20%02d-%02d-%02d" % (g.r.randint(10, 25), g.r.randint(1, 12), g.r.randint(1, 28))
        t, q, summ = g.title(5), g.sentence(), g.sentence()
        person = s.split("-")[-1].capitalize()
        sk = "[%s]" % ", ".join(skill_refs(4))
        st = "[%s]" % ", ".join(g.r.sample(STAGES, 2))
        common = ("date: %s\nperson: %s\npathway: %s\nskills: %s\nstages: %s\nquote: %s\n"
                  "illustrative: true\n" % (date, person, p, sk, st, yq(q)))
        page(src, "title: %s\nsummary: %s\nsector: %s\n%s" % (yq(t), yq(summ), path_sector[p], common),
             "title: %s\ndescription: %s\nsectors: [%s]\n%s" % (yq(t), yq(summ), path_sector[p], common),
             body(g, links_from(src)))

    # plain pages
    for p in plains:
        src = "pages/%s.md" % p
        t, summ = g.title(4), g.sentence()
        fm = "title: %s\nsummary: %s\n" % (yq(t), yq(summ))
        page(src, fm, "title: %s\ndescription: %s\n" % (yq(t), yq(summ)), body(g, links_from(src)))

    # home and search
    home = g.para(["pathways/_index.md", "stories/_index.md"])
    write(os.path.join(wm, "content/_index.md"), "---\ntitle: Benchmark Pathways\n---\n" + home + "\n")
    write(os.path.join(hg, "content/_index.md"), "---\ntitle: Benchmark Pathways\n---\n" +
          home.replace("pathways/_index.md", "/pathways/").replace("stories/_index.md", "/stories/") + "\n")
    write(os.path.join(hg, "content/search.md"), "---\ntitle: Search\nlayout: search\n---\n")
    write_hugo_layouts(hg)
    print("wrote %s and %s: %d skills, %d pathways, %d stories, %d plain pages, %d stages, %d sectors" %
          (wm, hg, n_skills, n_path, n_story, n_plain, len(STAGES), len(SECTORS)))


# The Hugo theme: the same structure as waymark's default theme (skip link,
# header with the menu, breadcrumbs, main, footer; a table of contents; list
# pages; the story list and each sector's pages 20 a page; a search page
# listing every page; a JSON search index; 404; robots.txt). Hugo does less
# cross-referencing than waymark: a skill page does not list the pathways
# and stories that use it, a stage page lists no stories, and a pathway
# lists its stories on one page (a Hugo page that is not a list cannot be
# paged).
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">
{{ end }}{{ $css := resources.Get "site.css" | fingerprint }}<link rel="stylesheet" href="{{ $css.RelPermalink }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap">
<p class="site-title"><a href="{{ "/" | relURL }}">{{ site.Title }}</a></p>
<nav id="site-nav" aria-label="Main">
<ul>
{{ $here := .RelPermalink }}{{ range site.Menus.main }}<li><a href="{{ .URL }}"{{ if eq .URL $here }} aria-current="page"{{ else if and (ne .URL "/") (hasPrefix $here .URL) }} class="in-section"{{ end }}>{{ .Name }}</a></li>
{{ end }}</ul>
</nav>
<a class="search-link" href="{{ "/search/" | relURL }}">Search</a>
</div>
</header>
{{ if not .IsHome }}<nav class="breadcrumbs wrap" aria-label="Breadcrumb">
<ol>
{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}<li><span aria-current="page">{{ .Title }}</span></li>
</ol>
</nav>{{ end }}
<main id="main" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
<div class="wrap">
<p>{{ site.Title }}: {{ site.Params.description }}</p>
<p>Built with Hugo. Works without JavaScript.</p>
</div>
</footer>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Params.definition }}<p class="lede">{{ . }}</p>{{ end }}
{{ with .Params.examples }}<h2>What it looks like at work</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.quote }}<blockquote><p>{{ . }}</p></blockquote>{{ end }}
{{ with .Params.date }}<p class="meta">{{ $.Params.person }} · <time datetime="{{ $.Date.Format "2006-01-02" }}">{{ $.Date.Format "2 January 2006" }}</time></p>{{ end }}
{{ if ge (len .Fragments.Headings) 2 }}<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">On this page</h2>
{{ .TableOfContents }}</nav>{{ end }}
<div class="prose">
{{ .Content }}
</div>
{{ with .Params.steps }}<h2 id="steps">The steps</h2>
<ol class="steps">{{ range $i, $s := . }}
<li class="step"><h3><span class="step-number">Step {{ add $i 1 }}.</span> {{ $s.title }}</h3>
<dl class="facts"><dt>Type</dt><dd>{{ $s.kind | title }}</dd><dt>Time</dt><dd>{{ $s.duration_months }} months</dd>
{{ with $s.wage.hourly }}<dt>Example wage</dt><dd>${{ . }} an hour</dd>{{ end }}{{ with $s.wage.annual }}<dt>Example wage</dt><dd>${{ lang.FormatNumber 0 . }} a year</dd>{{ end }}
<dt>Credential</dt><dd>{{ $s.credential }}</dd></dl>
<ul class="skills">{{ range $s.skills }}<li><a href="{{ printf "/frameworks/%s/" . | relURL }}">{{ . }}</a></li>{{ end }}</ul></li>{{ end }}
</ol>
{{ $id := $.File.ContentBaseName }}{{ with where site.RegularPages "Params.pathway" $id }}<h2>Stories from this pathway</h2>
<ul class="cards">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>{{ end }}{{ end }}
<dl class="facts">
{{ with .Params.pathway }}<dt>Pathway</dt><dd><a href="{{ printf "/pathways/%s/" . | relURL }}">{{ . }}</a></dd>{{ end }}
{{ with .Params.sectors }}<dt>Sector</dt><dd>{{ range . }}<a href="{{ printf "/sectors/%s/" . | relURL }}">{{ . }}</a>{{ end }}</dd>{{ end }}
{{ with .Params.stages }}<dt>Stages</dt><dd><ul class="tags">{{ range . }}<li><a href="{{ printf "/lifecycle/%s/" . | relURL }}">{{ . }}</a></li>{{ end }}</ul></dd>{{ end }}
{{ with .Params.skills }}<dt>Skills</dt><dd><ul class="skills">{{ range . }}<li><a href="{{ printf "/frameworks/%s/" . | relURL }}">{{ . }}</a></li>{{ end }}</ul></dd>{{ end }}
{{ with .Params.worker_questions }}<dt>Questions to ask</dt><dd><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul></dd>{{ end }}
</dl>
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
{{ with .Description }}<p class="lede">{{ . }}</p>{{ end }}
<div class="prose">
{{ .Content }}
</div>
{{ $paged := or (eq .Section "stories") (eq .Kind "term") }}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = .Sections }}{{ else if $paged }}{{ $pages = (.Paginate .Pages).Pages }}{{ end }}
<ul class="cards">
{{ range $pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ with .Description }}<p>{{ . }}</p>{{ end }}{{ if .Params.date }}<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>{{ end }}</li>
{{ end }}</ul>
{{ if $paged }}{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav class="pagination" aria-label="Pages"><ul>
{{ range .Pagers }}<li><a href="{{ .URL }}"{{ if eq . $.Paginator }} aria-current="page"{{ end }}>{{ .PageNumber }}</a></li>{{ end }}
</ul></nav>{{ end }}{{ end }}{{ end }}
</article>{{ end }}
""",
    "_default/search.html": """{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
<ul class="search-results">
{{ range site.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="kind">{{ .Section }}</span>{{ with .Description }} {{ . }}{{ end }}</li>
{{ end }}</ul>
</article>{{ end }}
""",
    "index.searchindex.json": """[
{{ range $i, $p := site.Pages }}{{ if $i }},
{{ end }}{"t":{{ $p.Title | jsonify }},"u":{{ $p.RelPermalink | jsonify }},"k":{{ $p.Section | jsonify }},"s":{{ $p.Description | jsonify }}}{{ end }}
]
""",
    "404.html": """{{ define "main" }}<article class="page"><h1>Page not found</h1>
<p>Try the <a href="{{ "/search/" | relURL }}">search page</a>.</p></article>{{ end }}
""",
}


def write_hugo_layouts(hg):
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(hg, "layouts", name), text)
    css = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../themes/default/assets/site.css")
    os.makedirs(os.path.join(hg, "assets"), exist_ok=True)
    shutil.copy(css, os.path.join(hg, "assets/site.css"))


if __name__ == "__main__":
    main()
