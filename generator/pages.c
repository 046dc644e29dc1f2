/* pages: every page a site has, and the template context of each. */
#include "pages.h"

#include <ctype.h>
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exports.h"
#include "picture.h"
#include "quick.h"
#include "slug.h"
#include "strbuf.h"
#include "threads.h"
#include "xalloc.h"

#define STORIES_PER_PAGE 20
/* The search page's list for readers without JavaScript: at most this
 * many pages of each kind, then a link to the section that lists them. */
#define SEARCH_LISTED 50

static const char *const layouts[PAGE_KINDS] = {
	"page", "frameworks", "framework", "skill", "crosswalk", "lifecycle", "stage",
	"pathways", "pathway", "sectors", "sector", "stories", "story", "guides",
	"guide", "chapter", "guide-all", "resources", "organizations", "search", "plan",
	"404",
};

static const char *const kind_labels[PAGE_KINDS] = {
	"Pages", "Frameworks", "Frameworks", "Skills", "Frameworks", "Stages of work",
	"Stages of work", "Pathways", "Pathways", "Sectors", "Sectors", "Stories", "Stories",
	"Guides", "Guides", "Guides", "Guides", "Resources", "Organizations", "Pages", "Pages",
	"Pages",
};

const char *pages_kind_label(enum page_kind kind)
{
	return kind_labels[kind];
}

/* ------------------------------------------------------------- planning */

static struct page *add(struct page_list *pl, enum page_kind kind, const char *url,
			const char *title, struct doc *doc, struct record *r)
{
	struct page *p;
	size_t n = strlen(url);

	XGROW(pl->items, pl->alloc, pl->n + 1);
	p = &pl->items[pl->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->url = xstrdup(url);
	p->out = xmalloc(n + 11);
	memcpy(p->out, url + 1, n); /* with its NUL */
	if (n <= 5 || strcmp(url + n - 5, ".html")) /* not "/404.html" */
		memcpy(p->out + n - 1, "index.html", 11);
	p->title = title;
	p->doc = doc;
	p->record = r;
	return p;
}

static const char *doc_title(const struct doc *d, const char *fallback)
{
	const char *t = d ? value_string(value_get(d->meta, "title")) : NULL;

	return t ? t : fallback;
}

/* A section's list page: planned when it has records or an intro. */
static void add_index(struct page_list *pl, enum page_kind kind, const char *url,
		      const char *title, struct doc *intro, size_t nrecords)
{
	if (nrecords || intro)
		add(pl, kind, url, doc_title(intro, title), intro, NULL);
}

/* The URL of page k of a list whose first page is at `base`: `base`
 * itself, then base + "page/2/" and so on. */
static void paged_url(struct strbuf *sb, const char *base, int k)
{
	strbuf_reset(sb);
	strbuf_adds(sb, base);
	if (k > 1)
		strbuf_addf(sb, "page/%d/", k);
}

/* A page that lists `total` items (in order), STORIES_PER_PAGE at a
 * time: as many pages as that takes (at least one), each with its number
 * and its own items, found here once rather than as each page renders. */
static void add_paged(struct page_list *pl, enum page_kind kind, const char *base,
		      const char *title, struct doc *doc, struct record *r,
		      struct record *const *items, size_t total)
{
	int pages = (int)((total + STORIES_PER_PAGE - 1) / STORIES_PER_PAGE), k;
	struct strbuf url = STRBUF_INIT;

	if (pages < 1)
		pages = 1;
	for (k = 1; k <= pages; k++) {
		size_t first = (size_t)(k - 1) * STORIES_PER_PAGE;
		struct page *p;

		paged_url(&url, base, k);
		p = add(pl, kind, url.buf, title, doc, r);
		p->number = k;
		p->pages = pages;
		p->total = total;
		p->shown.n = total - first < STORIES_PER_PAGE ? total - first : STORIES_PER_PAGE;
		p->shown.alloc = p->shown.n + 1;
		p->shown.items = xmalloc(p->shown.alloc * sizeof *p->shown.items);
		if (p->shown.n)
			memcpy(p->shown.items, items + first, p->shown.n * sizeof *p->shown.items);
	}
	strbuf_release(&url);
}

static struct record **users_of(const struct record *r, enum record_kind kind, size_t *n);

/* A sector's stories, in display order: those whose own sector, or whose
 * pathway's, it is (not only its uses). Sets *n. */
static struct record **members_of(const struct model *m, const struct record *sector, size_t *n)
{
	const struct record_list *l = &m->all[RECORD_STORY];
	struct record **in = xmalloc((l->n + 1) * sizeof *in);
	size_t i;

	for (i = 0, *n = 0; i < l->n; i++)
		if (l->items[i]->sector == sector)
			in[(*n)++] = l->items[i];
	return in;
}

/* The stories that name skill `s`, in the order its page shows them: by
 * sector (in the sectors' order, then those with none), each sector's in
 * the order of the skill's uses. Sets *n. */
static struct record **skill_stories(const struct model *m, const struct record *s, size_t *n)
{
	struct record **in = xmalloc((s->nuses + 1) * sizeof *in);
	size_t k, u;

	*n = 0;
	for (k = 0; k <= m->all[RECORD_SECTOR].n; k++) {
		const struct record *sec = k < m->all[RECORD_SECTOR].n ? m->all[RECORD_SECTOR].items[k]
								       : NULL;

		for (u = 0; u < s->nuses; u++)
			if (s->uses[u].by->kind == RECORD_STORY && s->uses[u].by->sector == sec)
				in[(*n)++] = s->uses[u].by;
	}
	return in;
}

/* The pages of each record of `kind` (a stage, pathway or sector), with
 * its stories a page at a time: those that name it, or a sector's
 * members. A sector's page shows no document (sectors.yaml is not its). */
static void add_story_lists(struct page_list *pl, const struct model *m, enum page_kind page,
			    enum record_kind kind)
{
	const struct record_list *l = &m->all[kind];
	size_t i, n;

	for (i = 0; i < l->n; i++) {
		struct record *r = l->items[i];
		struct record **stories = kind == RECORD_SECTOR ? members_of(m, r, &n)
								: users_of(r, RECORD_STORY, &n);

		add_paged(pl, page, r->url, r->title, kind == RECORD_SECTOR ? NULL : r->doc, r,
			  stories, n);
		free(stories);
	}
}

static size_t url_slot(const struct page_list *pl, const char *url)
{
	return (size_t)value_hash_fast(url, strlen(url), VALUE_HASH_SEED) & pl->url_mask;
}

int pages_plan(struct page_list *pl, const struct model *m, const struct content *c,
	       struct diag_list *dl)
{
	const struct record_list *l;
	size_t i, j, before = dl->errors;
	struct strbuf url = STRBUF_INIT;

	memset(pl, 0, sizeof *pl);
	for (i = 0; i < c->n; i++) {
		struct doc *d = c->docs[i];

		if (d->is_markdown && !d->claimed)
			add(pl, PAGE_PLAIN, d->url, doc_title(d, ""), d, NULL);
	}

	add_index(pl, PAGE_FRAMEWORKS, "/frameworks/", "Skills frameworks", m->intro_frameworks,
		  m->all[RECORD_FRAMEWORK].n);
	l = &m->all[RECORD_FRAMEWORK];
	for (i = 0; i < l->n; i++)
		add(pl, PAGE_FRAMEWORK, l->items[i]->url, l->items[i]->title, NULL, l->items[i]);
	/* a skill's stories a page at a time too: a small framework on a large
	 * site has skills that thousands of stories name */
	l = &m->all[RECORD_SKILL];
	for (i = 0; i < l->n; i++) {
		size_t n;
		struct record **stories = skill_stories(m, l->items[i], &n);

		add_paged(pl, PAGE_SKILL, l->items[i]->url, l->items[i]->title, l->items[i]->text,
			  l->items[i], stories, n);
		free(stories);
	}
	/* a crosswalk for every pair of frameworks whose skills align */
	for (i = 0; i < m->all[RECORD_FRAMEWORK].n; i++)
		for (j = i + 1; j < m->all[RECORD_FRAMEWORK].n; j++) {
			struct record *a = m->all[RECORD_FRAMEWORK].items[i];
			struct record *b = m->all[RECORD_FRAMEWORK].items[j];
			size_t k, u;
			int linked = 0;

			if (strcmp(a->id, b->id) > 0) {
				struct record *t = a;
				a = b;
				b = t;
			}
			for (k = 0; k < m->all[RECORD_SKILL].n && !linked; k++) {
				struct record *s = m->all[RECORD_SKILL].items[k];
				struct record *fw = s->parent->parent;

				for (u = 0; u < s->nuses && !linked; u++) {
					struct record *by = s->uses[u].by;

					linked = by->kind == RECORD_SKILL &&
						 ((fw == a && by->parent->parent == b) ||
						  (fw == b && by->parent->parent == a));
				}
			}
			if (linked) {
				struct page *p;

				strbuf_reset(&url);
				strbuf_addf(&url, "/crosswalk/%s/%s/", a->id, b->id);
				p = add(pl, PAGE_CROSSWALK, url.buf, "Crosswalk", NULL, a);
				p->other = b;
			}
		}

	add_index(pl, PAGE_LIFECYCLE, "/lifecycle/", "The employment lifecycle", m->intro_lifecycle,
		  m->all[RECORD_STAGE].n);
	add_story_lists(pl, m, PAGE_STAGE, RECORD_STAGE);

	add_index(pl, PAGE_PATHWAYS, "/pathways/", "Career pathways", m->intro_pathways,
		  m->all[RECORD_PATHWAY].n);
	add_story_lists(pl, m, PAGE_PATHWAY, RECORD_PATHWAY);

	add_index(pl, PAGE_SECTORS, "/sectors/", "Sectors", m->intro_sectors, m->all[RECORD_SECTOR].n);
	add_story_lists(pl, m, PAGE_SECTOR, RECORD_SECTOR);

	l = &m->all[RECORD_STORY];
	if (l->n || m->intro_stories)
		add_paged(pl, PAGE_STORIES, "/stories/", doc_title(m->intro_stories, "Success stories"),
			  m->intro_stories, NULL, l->items, l->n);
	for (i = 0; i < l->n; i++)
		add(pl, PAGE_STORY, l->items[i]->url, l->items[i]->title, l->items[i]->doc, l->items[i]);

	add_index(pl, PAGE_GUIDES, "/guides/", "Guides", m->intro_guides, m->all[RECORD_GUIDE].n);
	l = &m->all[RECORD_GUIDE];
	for (i = 0; i < l->n; i++) {
		struct record *g = l->items[i];

		add(pl, PAGE_GUIDE, g->url, g->title, g->doc, g);
		for (j = 0; j < g->children.n; j++) {
			struct record *ch = g->children.items[j];

			add(pl, PAGE_CHAPTER, ch->url, ch->title, ch->doc, ch);
		}
		strbuf_reset(&url);
		strbuf_addf(&url, "%sall/", g->url);
		add(pl, PAGE_GUIDE_ALL, url.buf, g->title, NULL, g);
	}
	add_index(pl, PAGE_RESOURCES, "/resources/", "Resources", m->intro_resources,
		  m->all[RECORD_RESOURCE].n);
	add_index(pl, PAGE_ORGANIZATIONS, "/organizations/", "Organizations",
		  m->intro_organizations, m->all[RECORD_ORGANIZATION].n);
	/* a worksheet of every stage's questions, to print and fill in */
	add_index(pl, PAGE_PLAN, "/plan/", "My career advancement plan", NULL,
		  m->all[RECORD_STAGE].n);
	add(pl, PAGE_SEARCH, "/search/", "Search", NULL, NULL);
	add(pl, PAGE_NOT_FOUND, "/404.html", "Page not found", NULL, NULL);
	strbuf_release(&url);

	/* a table at most half full; a url taken already is an error, naming
	 * the page that last took it */
	for (pl->url_mask = 15; pl->url_mask + 1 < 2 * (pl->n + 1); pl->url_mask = pl->url_mask * 2 + 1)
		;
	pl->url_slot = xcalloc(pl->url_mask + 1, sizeof *pl->url_slot);
	for (i = 0; i < pl->n; i++) {
		const struct page *b = &pl->items[i];
		size_t h = url_slot(pl, b->url);

		while (pl->url_slot[h] && strcmp(pl->items[pl->url_slot[h] - 1].url, b->url))
			h = (h + 1) & pl->url_mask;
		if (pl->url_slot[h]) {
			const struct page *a = &pl->items[pl->url_slot[h] - 1];
			const struct doc *d = b->doc ? b->doc : a->doc;
			struct pos p = { d ? d->path : NULL, 1, 1 };

			diag_error(dl, &p, "two pages would be '%s' (%s and %s); rename one",
				   a->url, a->doc ? a->doc->path : layouts[a->kind],
				   b->doc && b->doc != a->doc ? b->doc->path : layouts[b->kind]);
		}
		pl->url_slot[h] = i + 1;
	}
	return dl->errors > before ? -1 : 0;
}

void pages_release(struct page_list *pl)
{
	size_t i;

	for (i = 0; i < pl->n; i++) {
		size_t k;

		free(pl->items[i].url);
		free(pl->items[i].out);
		for (k = 0; k < pl->items[i].ncharts; k++)
			chart_release(&pl->items[i].charts[k]);
		free(pl->items[i].charts);
		value_free(pl->items[i].figures);
		free(pl->items[i].shown.items);
	}
	free(pl->items);
	free(pl->url_slot);
	memset(pl, 0, sizeof *pl);
}

const struct page *pages_find(const struct page_list *pl, const char *url)
{
	size_t h;

	if (!pl->url_slot)
		return NULL;
	for (h = url_slot(pl, url); pl->url_slot[h]; h = (h + 1) & pl->url_mask)
		if (!strcmp(pl->items[pl->url_slot[h] - 1].url, url))
			return &pl->items[pl->url_slot[h] - 1];
	return NULL;
}

/* A URL's last part: "nursing/" of "/pathways/nursing/". */
static const char *last_part(const char *url)
{
	size_t n = strlen(url);

	while (n > 1 && url[n - 2] != '/')
		n--;
	return url + (n ? n - 1 : 0);
}

const char *pages_suggest(const struct page_list *pl, const char *url)
{
	const char **urls = xmalloc((pl->n + 1) * sizeof *urls), *best, *same = NULL,
		   *last = last_part(url);
	size_t i;
	int twice = 0; /* two pages end so: no telling which */

	for (i = 0; i < pl->n; i++)
		urls[i] = pl->items[i].url;
	best = diag_suggest(url, urls, pl->n);
	for (i = 0; !best && strcmp(last, "/") && i < pl->n && !twice; i++)
		if (!strcmp(last_part(urls[i]), last)) {
			twice = same != NULL;
			same = urls[i];
		}
	free(urls);
	return best ? best : twice ? NULL : same;
}

const char *pages_layout(const struct page *p)
{
	const char *l = p->doc && p->kind != PAGE_SKILL
				? value_string(value_get(p->doc->meta, "layout")) : NULL;

	if (l)
		return l;
	if (p->kind == PAGE_PLAIN && !strcmp(p->url, "/"))
		return "home";
	return layouts[p->kind];
}

/* ------------------------------------------------------------- formatting */

/* 52000 → "52,000" */
static void add_grouped(struct strbuf *sb, long long whole)
{
	char digits[32];
	size_t n, i;

	n = (size_t)snprintf(digits, sizeof digits, "%lld", whole);
	for (i = 0; i < n; i++) {
		if (i && digits[i - 1] != '-' && (n - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

/* "$18", "$18.50", "$52,000" */
static void add_money(struct strbuf *sb, double v)
{
	long long whole = (long long)floor(fabs(v));
	int cents = (int)llround((fabs(v) - (double)whole) * 100);

	if (cents == 100) {
		whole++;
		cents = 0;
	}
	if (v < 0)
		strbuf_addch(sb, '-');
	strbuf_addch(sb, '$');
	add_grouped(sb, whole);
	if (cents)
		strbuf_addf(sb, ".%02d", cents);
}

/* 6 → "6 months", 12 → "1 year", 30 → "2 years 6 months" */
static void add_months(struct strbuf *sb, double months)
{
	int m = (int)llround(months), y = m / 12, r = m % 12;

	if (m < 12) {
		strbuf_addf(sb, "%d month%s", m, m == 1 ? "" : "s");
		return;
	}
	strbuf_addf(sb, "%d year%s", y, y == 1 ? "" : "s");
	if (r)
		strbuf_addf(sb, " %d month%s", r, r == 1 ? "" : "s");
}

/* "2025-06-18" → "18 June 2025" */
static void add_date(struct strbuf *sb, const char *iso)
{
	static const char *const months[] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};
	int y, mo, d;

	if (iso && sscanf(iso, "%d-%d-%d", &y, &mo, &d) == 3 && mo >= 1 && mo <= 12)
		strbuf_addf(sb, "%d %s %d", d, months[mo - 1], y);
	else if (iso)
		strbuf_adds(sb, iso);
}

static const char *association_label(const char *type)
{
	static const char *const labels[][2] = {
		{ "exactMatchOf", "Exact match" }, { "isRelatedTo", "Related" },
		{ "isPartOf", "Part of" }, { "isPeerOf", "Peer" },
		{ "precedes", "Comes before" }, { "replacedBy", "Replaced by" },
		{ "exemplar", "Example of" }, { "hasSkillLevel", "Skill level of" },
		{ "isChildOf", "Narrower than" },
	};
	size_t i;

	for (i = 0; i < sizeof labels / sizeof *labels; i++)
		if (type && !strcmp(labels[i][0], type))
			return labels[i][1];
	return type ? type : "";
}

/* ----------------------------------------------------------- dependencies */

/*
 * The dependencies of the context being built on this thread (NULL when
 * nobody asked). Every read of the model below notes what it read: a
 * record through rec() or dep(), a whole kind, or the order of a kind.
 */
static _Thread_local struct pages_deps *deps_now;

static void dep(const struct record *r)
{
	if (deps_now && r) {
		XGROW(deps_now->recs, deps_now->alloc, deps_now->n + 1);
		deps_now->recs[deps_now->n++] = r;
	}
}

static void dep_kind(enum record_kind k)
{
	if (deps_now)
		deps_now->kinds |= 1u << k;
}

static void dep_order(enum record_kind k)
{
	if (deps_now)
		deps_now->orders |= 1u << k;
}

static void dep_pages(void)
{
	if (deps_now)
		deps_now->pages = 1;
}

/* Which records of kind k there are, in order, and the parent, sector,
 * pathway, group and stage of each: not what they hold (a count of a
 * sector's stories reads no story's title). */
static void dep_links(enum record_kind k)
{
	if (deps_now)
		deps_now->links |= 1u << k;
}

/* The pages of one kind (the crosswalks), not every page. */
static void dep_page_kind(enum page_kind k)
{
	if (deps_now)
		deps_now->page_kinds |= 1ull << k;
}

/* --------------------------------------------------------- context pieces */

/* A count, and beside it "<key>_one" (true when it is 1), so that a
 * template can write "1 story" and "2 stories":
 * {{story_count}} {{#story_count_one}}story{{/story_count_one}}{{^story_count_one}}stories{{/story_count_one}} */
static void set_count(struct value *v, const char *key, size_t n)
{
	char one[64];

	value_map_set_num(v, key, (double)n);
	snprintf(one, sizeof one, "%s_one", key);
	value_map_set_bool(v, one, n == 1);
}

/* Make sure d's rendered body is there (it may still be in the cache). */
static void need_body(const struct pages_env *e, struct doc *d)
{
	if (d && e->load_body)
		e->load_body(e->load_ctx, d);
}

static char *href(const struct pages_env *e, const char *url)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, e->base_path);
	strbuf_adds(&sb, url + (*url == '/'));
	return strbuf_detach(&sb, NULL);
}

static void put_url(const struct pages_env *e, struct value *map, const char *key, const char *url)
{
	char *h = href(e, url);

	value_map_set_str(map, key, h);
	free(h);
}

/* A link a field gives ("url: /plan/", "uri: https://..."), "" when
 * there is none: one from the site's root gets the site's base path, as
 * a Markdown link does, so that it still leads there on a site served
 * from /jobs/. */
static void put_link(const struct pages_env *e, struct value *map, const char *key,
		     const char *url)
{
	if (slug_from_root(url))
		put_url(e, map, key, url);
	else
		value_map_set_str(map, key, url ? url : "");
}

/*
 * Copy a field, setting it even when it is missing (as ""), so that a
 * Mustache section on it never falls through to a field of the same name
 * further up the context stack (a step without a summary must not show
 * the pathway's summary).
 */
static void put_field(struct value *map, const struct value *v, const char *key)
{
	const char *s = value_text(v, key);

	value_map_set_str(map, key, s ? s : "");
}

/* Set key to list, and has_<key> to whether it has anything. */
static void put_list(struct value *map, const char *key, struct value *list)
{
	struct strbuf has = STRBUF_INIT;

	strbuf_addf(&has, "has_%s", key);
	value_map_set_bool(map, has.buf, list->n > 0);
	value_map_set(map, key, list, NULL);
	strbuf_release(&has);
}

/* A copy of a list of strings (worker_questions, examples...). */
static void put_strings(struct value *map, const struct value *v, const char *key)
{
	const struct value *f = value_get(v, key);
	struct value *list = value_new_list();
	size_t i;

	for (i = 0; f && f->kind == VALUE_LIST && i < f->n; i++)
		if (f->items[i]->str)
			value_list_push(list, value_new_cstr(f->items[i]->str));
	put_list(map, key, list);
}

/* {id, title, url} of a record, plus what kind of link needs. */
static struct value *rec(const struct pages_env *e, const struct record *r)
{
	struct value *v = value_new_map();

	dep(r);
	if (r->kind == RECORD_SKILL) {
		dep(r->parent);
		dep(r->parent->parent);
	}
	value_map_set_str(v, "id", r->id);
	value_map_set_str(v, "title", r->title);
	if (r->url)
		put_url(e, v, "url", r->url);
	else
		put_link(e, v, "url", value_text(r->v, "url"));
	put_field(v, r->v, "summary");
	if (r->kind == RECORD_SKILL) {
		const struct record *fw = r->parent->parent;

		put_field(v, r->v, "definition");
		value_map_set_str(v, "framework_title", fw->title);
		put_url(e, v, "framework_url", fw->url);
		value_map_set_str(v, "category_title", r->parent->title);
	}
	if (r->kind == RECORD_RESOURCE || r->kind == RECORD_ORGANIZATION)
		put_field(v, r->v, "publisher");
	return v;
}

static struct value *pathway_summary(const struct pages_env *e, const struct record *p);
static struct value *story_summary(const struct pages_env *e, const struct record *s);

/* What a list shows of a record: stories and pathways bring more. */
static struct value *summary_of(const struct pages_env *e, const struct record *r)
{
	if (r->kind == RECORD_STORY)
		return story_summary(e, r);
	if (r->kind == RECORD_PATHWAY)
		return pathway_summary(e, r);
	return rec(e, r);
}

static struct value *rec_list(const struct pages_env *e, const struct record_list *l)
{
	struct value *list = value_new_list();
	size_t i;

	for (i = 0; i < l->n; i++)
		value_list_push(list, summary_of(e, l->items[i]));
	return list;
}

static int by_place(const void *a, const void *b)
{
	const struct record *x = *(const struct record *const *)a, *y = *(const struct record *const *)b;

	return x->place < y->place ? -1 : x->place > y->place;
}

/* The records of `kind` that name `r`, in the model's display order: its
 * uses sorted by place, each once (a stage can have thousands of stories,
 * so not a pass over every record of the kind for each use). Sets *n. */
static struct record **users_of(const struct record *r, enum record_kind kind, size_t *n)
{
	struct record **by = xmalloc((r->nuses + 1) * sizeof *by);
	size_t i, k = 0;

	for (i = 0; i < r->nuses; i++)
		if (r->uses[i].by->kind == kind)
			by[k++] = r->uses[i].by;
	qsort(by, k, sizeof *by, by_place);
	for (i = 0, *n = 0; i < k; i++)
		if (!i || by[i] != by[i - 1])
			by[(*n)++] = by[i];
	return by;
}

static struct value *users(const struct pages_env *e, const struct record *r,
			   enum record_kind kind)
{
	struct value *list = value_new_list();
	size_t n, i;
	struct record **by = users_of(r, kind, &n);

	dep(r); /* its uses */
	dep_order(kind);
	for (i = 0; i < n; i++)
		value_list_push(list, summary_of(e, by[i]));
	free(by);
	return list;
}

static struct value *pathway_summary(const struct pages_env *e, const struct record *p)
{
	struct value *v = rec(e, p);
	const struct value *steps = value_get(p->v, "steps");
	struct strbuf sb = STRBUF_INIT;
	double months = 0;
	size_t i;

	for (i = 0; steps && i < steps->n; i++) {
		const struct value *d = value_get(steps->items[i], "duration_months");

		if (d && d->kind == VALUE_NUMBER)
			months += d->number;
	}
	set_count(v, "step_count", steps ? steps->n : 0);
	value_map_set_num(v, "total_months", months);
	add_months(&sb, months);
	value_map_set_str(v, "total_label", sb.buf);
	value_map_set(v, "sector", p->sector ? rec(e, p->sector) : value_new_bool(0), NULL);
	strbuf_release(&sb);
	return v;
}

static struct value *new_story_summary(const struct pages_env *e, const struct record *s)
{
	struct value *v = rec(e, s);
	struct strbuf sb = STRBUF_INIT;
	const struct value *ill = value_get(s->v, "illustrative");

	put_field(v, s->v, "person");
	put_field(v, s->v, "date");
	put_field(v, s->v, "quote");
	add_date(&sb, value_text(s->v, "date"));
	value_map_set_str(v, "date_label", sb.buf);
	value_map_set_bool(v, "illustrative", ill && ill->boolean);
	/* false, not missing, so {{#sector}} cannot reach an outer sector */
	value_map_set(v, "sector", s->sector ? rec(e, s->sector) : value_new_bool(0), NULL);
	value_map_set(v, "pathway", s->pathway ? rec(e, s->pathway) : value_new_bool(0), NULL);
	strbuf_release(&sb);
	return v;
}

/*
 * A story's summary is the same in every list that shows it (the story
 * list, its sector, stages, skills and pathway, the indexes): made once a
 * build and shared, not made again for each of them. It reads the story,
 * its sector and its pathway, which each page that shows it depends on.
 */
static struct value *story_summary(const struct pages_env *e, const struct record *s)
{
	/* the record is the model's, and the model const here: the summary is
	 * a cache beside it, filled by whichever thread gets there first */
	_Atomic(struct value *) *slot = &((struct record *)s)->summary;
	struct value *v = atomic_load(slot), *none = NULL;

	if (!v) {
		v = value_block(new_story_summary(e, s)); /* freed with the model */
		if (!atomic_compare_exchange_strong(slot, &none, v)) {
			value_free(v);
			v = none;
		}
	}
	dep(s);
	dep(s->sector);
	dep(s->pathway);
	return value_share(v);
}

/* ------------------------------------------------------------ page data */

/* A framework's summary with its categories and their skills. */
static struct value *framework_value(const struct pages_env *e, const struct record *fw)
{
	struct value *v = rec(e, fw), *cats = value_new_list();
	size_t i, nskills = 0;
	static const char *const keys[] = { "publisher", "version", "license", "description" };

	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		put_field(v, fw->v, keys[i]);
	for (i = 0; i < fw->children.n; i++)
		dep(fw->children.items[i]);
	put_link(e, v, "source_url", value_text(fw->v, "url"));
	for (i = 0; i < fw->children.n; i++) {
		const struct record *c = fw->children.items[i];
		struct value *cv = value_new_map();

		value_map_set_str(cv, "id", c->id + strlen(fw->id) + 1);
		value_map_set_str(cv, "title", c->title);
		put_field(cv, c->v, "description");
		set_count(cv, "skill_count", c->children.n);
		put_list(cv, "skills", rec_list(e, &c->children));
		value_list_push(cats, cv);
		nskills += c->children.n;
	}
	set_count(v, "skill_count", nskills);
	set_count(v, "category_count", fw->children.n);
	value_map_set(v, "downloads", exports_links(fw, e->base_path), NULL);
	put_list(v, "categories", cats);
	return v;
}

static void crosswalks_of(const struct pages_env *e, const struct record *fw, struct value *into)
{
	const struct page_list *pl = e->pages;
	struct value *list = value_new_list();
	size_t i;

	dep_page_kind(PAGE_CROSSWALK);
	for (i = 0; i < pl->n; i++) {
		const struct page *p = &pl->items[i];

		if (p->kind == PAGE_CROSSWALK && (!fw || p->record == fw || p->other == fw)) {
			struct value *c = value_new_map();
			struct strbuf t = STRBUF_INIT;

			dep(p->record);
			dep(p->other);
			strbuf_addf(&t, "%s and %s", p->record->title, p->other->title);
			value_map_set_str(c, "title", t.buf);
			put_url(e, c, "url", p->url);
			value_list_push(list, c);
			strbuf_release(&t);
		}
	}
	put_list(into, "crosswalks", list);
}

static void paginate(const struct pages_env *e, const struct page *p, const char *base,
		     struct value *ctx);

static void skill_data(const struct pages_env *e, const struct page *p, struct value *ctx)
{
	const struct record *s = p->record;
	const struct model *m = e->model;
	struct value *v = rec(e, s), *aligns = value_new_list(), *from = value_new_list();
	struct value *sectors = value_new_list(), *stages = value_new_list(), *other = NULL;
	const struct value *al = value_get(s->v, "aligns");
	size_t i, u, k, nsectors = 0;

	value_map_set_str(v, "short_id", s->id + strlen(s->parent->parent->id) + 1);
	put_strings(v, s->v, "examples");
	for (i = 0; al && al->kind == VALUE_LIST && i < al->n; i++) {
		const char *target = value_text(al->items[i], "skill");
		const struct record *t = target ? model_find(m, RECORD_SKILL, target) : NULL;
		struct value *a = t ? rec(e, t) : value_new_map();

		if (!t)
			dep_kind(RECORD_SKILL); /* until a skill with that id appears */
		value_map_set_str(a, "type", value_text(al->items[i], "type"));
		value_map_set_str(a, "type_label", association_label(value_text(al->items[i], "type")));
		if (!t) {
			const char *uri = value_text(al->items[i], "uri");
			const char *title = value_text(al->items[i], "title");

			put_link(e, a, "url", uri);
			value_map_set_str(a, "title", title ? title : uri ? uri : "");
			value_map_set_str(a, "framework_title", "");
		}
		value_list_push(aligns, a);
	}
	put_list(v, "aligns", aligns);

	/* pathway steps and stories that name the skill, grouped by sector:
	 * the steps (and how many sectors use it) on the first page, the
	 * stories a page at a time (those the plan gave this page, in
	 * skill_stories' order) */
	dep_order(RECORD_SECTOR);
	for (k = 0; k <= m->all[RECORD_SECTOR].n; k++) {
		const struct record *sec = k < m->all[RECORD_SECTOR].n ? m->all[RECORD_SECTOR].items[k] : NULL;
		struct value *steps = value_new_list(), *stories = value_new_list();
		int used = 0;

		for (u = 0; u < s->nuses && p->number <= 1; u++) {
			const struct record *by = s->uses[u].by;

			if (by->sector != sec ||
			    (by->kind != RECORD_PATHWAY && by->kind != RECORD_STORY))
				continue;
			used = 1;
			dep(by); /* its sector, for the count */
			if (by->kind == RECORD_PATHWAY) {
				struct value *st = value_new_map();

				value_map_set(st, "pathway", rec(e, by), NULL);
				value_map_set_str(st, "step_title", value_text(s->uses[u].step, "title"));
				value_list_push(steps, st);
			}
		}
		for (u = 0; u < p->shown.n; u++)
			if (p->shown.items[u]->sector == sec)
				value_list_push(stories, story_summary(e, p->shown.items[u]));
		/* the first page counts every sector, not only its own
		 * stories': later pages depend on their stories alone */
		if (used && sec)
			nsectors++;
		if (!steps->n && !stories->n) {
			value_free(steps);
			value_free(stories);
			continue;
		}
		if (sec) {
			struct value *g = rec(e, sec);

			put_list(g, "steps", steps);
			put_list(g, "stories", stories);
			value_list_push(sectors, g);
		} else {
			other = value_new_map();
			value_map_set_str(other, "title", "Other");
			value_map_set_str(other, "url", "");
			put_list(other, "steps", steps);
			put_list(other, "stories", stories);
		}
	}
	if (other)
		value_list_push(sectors, other);
	value_free(stages);
	stages = users(e, s, RECORD_STAGE); /* in lifecycle order */
	for (u = 0; u < s->nuses; u++) {
		const struct record *by = s->uses[u].by;

		if (by->kind == RECORD_SKILL) {
			struct value *a = rec(e, by);

			value_map_set_str(a, "type", value_text(s->uses[u].step, "type"));
			value_map_set_str(a, "type_label",
					  association_label(value_text(s->uses[u].step, "type")));
			value_list_push(from, a);
		}
	}
	set_count(v, "sector_count", nsectors);
	value_map_set_bool(v, "transfers", nsectors > 1);
	put_list(v, "sectors", sectors);
	put_list(v, "stages", stages);
	put_list(v, "aligned_from", from);
	value_map_set(v, "framework", rec(e, s->parent->parent), NULL);
	value_map_set(v, "category", rec(e, s->parent), NULL);
	value_map_set(ctx, "skill", v, NULL);
	paginate(e, p, s->url, ctx);
}

/* Does skill `a` align with `b`, in either direction? Returns the
 * alignment node (of whichever declares it), or NULL. */
static const struct value *aligned(const struct record *a, const struct record *b)
{
	size_t u;

	for (u = 0; u < b->nuses; u++)
		if (b->uses[u].by == a)
			return b->uses[u].step;
	for (u = 0; u < a->nuses; u++)
		if (a->uses[u].by == b)
			return a->uses[u].step;
	return NULL;
}

/*
 * The skills of framework `fw` that `s` aligns with or that align with
 * `s` (its references and its users), each once, in display order, into
 * `out` (room for s's references and uses). A crosswalk goes through each
 * skill's own alignments, not through every pair of skills: two
 * frameworks of 1,000 skills are a million pairs.
 */
static size_t partners(const struct record *s, const struct record *fw, const struct record **out)
{
	const struct record_list *refs = &s->refs[RECORD_SKILL];
	size_t i, n = 0, k = 0;

	for (i = 0; i < refs->n; i++)
		if (refs->items[i]->parent->parent == fw)
			out[n++] = refs->items[i];
	for (i = 0; i < s->nuses; i++)
		if (s->uses[i].by->kind == RECORD_SKILL && s->uses[i].by->parent->parent == fw)
			out[n++] = s->uses[i].by;
	qsort(out, n, sizeof *out, by_place);
	for (i = 0; i < n; i++)
		if (!k || out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

static void crosswalk_data(const struct pages_env *e, const struct page *p, struct value *ctx)
{
	const struct record_list *skills = &e->model->all[RECORD_SKILL];
	const struct record *fa = p->record, *fb = p->other;
	struct value *v = value_new_map(), *types = value_new_list();
	struct value *only_a = value_new_list(), *only_b = value_new_list();
	static const char *const order[] = {
		"exactMatchOf", "isPartOf", "isChildOf", "isRelatedTo", "isPeerOf",
		"hasSkillLevel", "exemplar", "precedes", "replacedBy",
	};
	/* every aligned pair, a's skills in order and each one's partners in order */
	struct pair {
		const struct record *a, *b;
		const char *type;
	} *pairs = NULL;
	const struct record **room = NULL;
	size_t t, i, j, n, total = 0, npairs = 0, apairs = 0, aroom = 0;

	dep_kind(RECORD_SKILL); /* every alignment between the two */
	value_map_set(v, "a", rec(e, fa), NULL);
	value_map_set(v, "b", rec(e, fb), NULL);
	for (i = 0; i < skills->n; i++) {
		const struct record *s = skills->items[i], *f = s->parent->parent;

		if (f != fa && f != fb)
			continue;
		XGROW(room, aroom, s->refs[RECORD_SKILL].n + s->nuses + 1);
		n = partners(s, f == fa ? fb : fa, room);
		if (!n)
			value_list_push(f == fa ? only_a : only_b, rec(e, s));
		for (j = 0; f == fa && j < n; j++) {
			const char *type = value_text(aligned(s, room[j]), "type");

			XGROW(pairs, apairs, npairs + 1);
			pairs[npairs].a = s;
			pairs[npairs].b = room[j];
			pairs[npairs++].type = type ? type : "";
		}
	}
	for (t = 0; t < sizeof order / sizeof *order; t++) {
		struct value *rows = value_new_list(), *g;

		for (i = 0; i < npairs; i++) {
			if (strcmp(pairs[i].type, order[t]))
				continue;
			g = value_new_map();
			value_map_set(g, "a", rec(e, pairs[i].a), NULL);
			value_map_set(g, "b", rec(e, pairs[i].b), NULL);
			value_list_push(rows, g);
		}
		if (!rows->n) {
			value_free(rows);
			continue;
		}
		total += rows->n;
		g = value_new_map();
		value_map_set_str(g, "type", order[t]);
		value_map_set_str(g, "type_label", association_label(order[t]));
		value_map_set_num(g, "count", (double)rows->n);
		put_list(g, "matches", rows);
		value_list_push(types, g);
	}
	free(pairs);
	free(room);
	set_count(v, "match_count", total);
	put_list(v, "types", types);
	put_list(v, "unmatched_a", only_a);
	put_list(v, "unmatched_b", only_b);
	value_map_set(ctx, "crosswalk", v, NULL);
}

/* ctx.pagination for page p of a list whose first page is at `base` (see
 * add_paged). */
static void paginate(const struct pages_env *e, const struct page *p, const char *base,
		     struct value *ctx)
{
	struct value *pg = value_new_map(), *nums = value_new_list();
	struct strbuf u = STRBUF_INIT;
	int k;

	/* the first and last pages and two either side of this one, with a
	 * gap for those between: not hundreds of links on a long list */
	for (k = 1; k <= p->pages; k++) {
		struct value *n = value_new_map();

		if (k > 1 && k < p->pages && abs(k - p->number) > 2) {
			if (k == 2 || k == p->number + 3) {
				value_map_set_bool(n, "gap", 1);
				value_list_push(nums, n);
			} else {
				value_free(n);
			}
			continue;
		}
		paged_url(&u, base, k);
		value_map_set_bool(n, "gap", 0);
		value_map_set_num(n, "number", k);
		put_url(e, n, "url", u.buf);
		value_map_set_bool(n, "current", k == p->number);
		value_list_push(nums, n);
		if (k == p->number - 1)
			put_url(e, pg, "prev_url", u.buf);
		if (k == p->number + 1)
			put_url(e, pg, "next_url", u.buf);
	}
	value_map_set_num(pg, "page", p->number);
	value_map_set_num(pg, "pages", p->pages);
	value_map_set_num(pg, "total", (double)p->total);
	value_map_set_bool(pg, "has_prev", p->number > 1);
	value_map_set_bool(pg, "has_next", p->number < p->pages);
	value_map_set_bool(pg, "needed", p->pages > 1);
	put_list(pg, "numbers", nums);
	value_map_set(ctx, "pagination", pg, NULL);
	strbuf_release(&u);
}

/*
 * The stories page p of a list shows (add_paged), as `stories` in `into`,
 * and ctx.pagination. Which they are, of how many, is in the page's print
 * (page_print): the page depends on those stories, not on every story's
 * place in the list.
 */
static void paged_stories(const struct pages_env *e, const struct page *p, const char *base,
			  struct value *into, struct value *ctx)
{
	put_list(into, "stories", rec_list(e, &p->shown));
	paginate(e, p, base, ctx);
}

static void stage_data(const struct pages_env *e, const struct page *p, struct value *ctx)
{
	const struct record_list *all = &e->model->all[RECORD_STAGE];
	const struct record *s = p->record;
	struct value *v = rec(e, s);
	size_t i;

	dep_order(RECORD_STAGE);
	value_map_set_num(v, "order", s->order);
	put_strings(v, s->v, "worker_questions");
	put_strings(v, s->v, "employer_actions");
	put_strings(v, s->v, "community_supports");
	put_list(v, "skills", rec_list(e, &s->refs[RECORD_SKILL]));
	put_list(v, "resources", rec_list(e, &s->refs[RECORD_RESOURCE]));
	paged_stories(e, p, s->url, v, ctx); /* a stage can have thousands */
	put_list(v, "chapters", users(e, s, RECORD_CHAPTER));
	for (i = 0; i < all->n; i++)
		if (all->items[i] == s) {
			value_map_set_num(v, "number", (double)i + 1);
			if (i > 0)
				value_map_set(ctx, "prev", rec(e, all->items[i - 1]), NULL);
			if (i + 1 < all->n)
				value_map_set(ctx, "next", rec(e, all->items[i + 1]), NULL);
		}
	set_count(v, "stage_count", all->n);
	value_map_set_bool(ctx, "has_prev_next", all->n > 1);
	value_map_set(ctx, "stage", v, NULL);
}

static void pathway_data(const struct pages_env *e, const struct page *page, struct value *ctx)
{
	const struct record *p = page->record;
	static const char *const kind_labels[][2] = {
		{ "job", "Job" }, { "training", "Training" },
		{ "credential", "Credential" }, { "apprenticeship", "Apprenticeship" },
	};
	struct value *v = pathway_summary(e, p), *steps = value_new_list();
	const struct value *sv = value_get(p->v, "steps");
	struct strbuf sb = STRBUF_INIT;
	size_t i, k, j;

	put_field(v, p->v, "data_note");
	for (i = 0; sv && i < sv->n; i++) {
		const struct value *st = sv->items[i];
		struct value *o = value_new_map(), *skills = value_new_list();
		const struct value *wage = value_get(st, "wage");
		const struct value *hourly = value_get(wage, "hourly"), *annual = value_get(wage, "annual");
		const struct value *months = value_get(st, "duration_months");
		const char *kind = value_text(st, "kind");

		value_map_set_num(o, "number", (double)i + 1);
		put_field(o, st, "title");
		put_field(o, st, "kind");
		put_field(o, st, "summary");
		put_field(o, st, "credential");
		put_field(o, st, "work_based_learning");
		value_map_set_str(o, "kind_label", "");
		value_map_set_str(o, "duration_label", "");
		value_map_set_str(o, "wage_label", "");
		for (k = 0; k < sizeof kind_labels / sizeof *kind_labels; k++)
			if (kind && !strcmp(kind, kind_labels[k][0]))
				value_map_set_str(o, "kind_label", kind_labels[k][1]);
		if (months && months->kind == VALUE_NUMBER) {
			strbuf_reset(&sb);
			add_months(&sb, months->number);
			value_map_set_num(o, "duration_months", months->number);
			value_map_set_str(o, "duration_label", sb.buf);
		}
		strbuf_reset(&sb);
		if (hourly && hourly->kind == VALUE_NUMBER) {
			add_money(&sb, hourly->number);
			strbuf_adds(&sb, " an hour");
		} else if (annual && annual->kind == VALUE_NUMBER) {
			add_money(&sb, annual->number);
			strbuf_adds(&sb, " a year");
		}
		value_map_set_str(o, "wage_label", sb.buf);
		/* the skills this step names, in the order written */
		{
			const struct value *sk = value_get(st, "skills");

			for (j = 0; sk && sk->kind == VALUE_LIST && j < sk->n; j++) {
				const struct record *r = sk->items[j]->str
					? model_find(e->model, RECORD_SKILL, sk->items[j]->str) : NULL;

				if (r)
					value_list_push(skills, rec(e, r));
				else
					dep_kind(RECORD_SKILL);
			}
		}
		put_list(o, "skills", skills);
		value_list_push(steps, o);
	}
	put_list(v, "steps", steps);
	paged_stories(e, page, p->url, v, ctx);
	put_list(v, "organizations", rec_list(e, &p->refs[RECORD_ORGANIZATION]));
	value_map_set(ctx, "pathway", v, NULL);
	strbuf_release(&sb);
}

static struct value *pathways_of(const struct pages_env *e, const struct record *sector)
{
	const struct record_list *l = &e->model->all[RECORD_PATHWAY];
	struct value *list = value_new_list();
	size_t i;

	dep_kind(RECORD_PATHWAY);
	for (i = 0; i < l->n; i++)
		if (!sector || l->items[i]->sector == sector)
			value_list_push(list, pathway_summary(e, l->items[i]));
	return list;
}

/* How many stories the sector has (their own sector, or their pathway's). */
static size_t stories_in(const struct pages_env *e, const struct record *sector)
{
	const struct record_list *l = &e->model->all[RECORD_STORY];
	size_t i, n = 0;

	dep_links(RECORD_STORY);
	for (i = 0; i < l->n; i++)
		n += l->items[i]->sector == sector;
	return n;
}

/* A sector's summary. On a page of its own (`own`), its story count is
 * that of its members (members_of, when the pages were planned), which
 * the page lists; the indexes count them here, and list none: a site of
 * 10,000 stories would put every one of them in their contexts. */
static struct value *sector_summary(const struct pages_env *e, const struct record *s,
				   const struct page *own)
{
	struct value *v = rec(e, s), *p = pathways_of(e, s);

	put_field(v, s->v, "description");
	set_count(v, "pathway_count", p->n);
	set_count(v, "story_count", own ? own->total : stories_in(e, s));
	put_list(v, "pathways", p);
	return v;
}

static void story_data(const struct pages_env *e, const struct record *s, struct value *ctx)
{
	struct value *v = new_story_summary(e, s); /* its own, with more in it */
	const struct value *img = value_get(s->v, "image");

	put_list(v, "stages", rec_list(e, &s->refs[RECORD_STAGE]));
	put_list(v, "skills", rec_list(e, &s->refs[RECORD_SKILL]));
	if (img && img->kind == VALUE_MAP) {
		struct value *copy = value_copy(img);
		int outside;
		const char *src = value_text(img, "src");
		char *rel = content_relative(s->doc->rel, src, &outside);

		if (!rel) /* from the site's root */
			rel = content_rooted(src);
		if (rel) { /* a picture below content/: where the build puts it */
			struct strbuf url = STRBUF_INIT;
			int w, h;

			strbuf_adds(&url, e->base_path);
			strbuf_add_url(&url, rel);
			value_map_set_str(copy, "src", url.buf);
			/* its size, for the <img> (record_print has its file) */
			if (s->picture && e->content_dir) {
				strbuf_reset(&url);
				strbuf_addf(&url, "%s/%s", e->content_dir, rel);
				if (picture_size(url.buf, &w, &h) == 0) {
					value_map_set_num(copy, "width", w);
					value_map_set_num(copy, "height", h);
				}
			}
			strbuf_release(&url);
			free(rel);
		}
		value_map_set(v, "image", copy, NULL);
	}
	value_map_set(ctx, "story", v, NULL);
}

static struct value *guide_summary(const struct pages_env *e, const struct record *g)
{
	struct value *v = rec(e, g), *chapters = value_new_list();
	struct strbuf u = STRBUF_INIT;
	size_t i;

	put_field(v, g->v, "audience");
	strbuf_addf(&u, "%sall/", g->url);
	put_url(e, v, "all_url", u.buf);
	for (i = 0; i < g->children.n; i++) {
		struct value *c = rec(e, g->children.items[i]);
		struct strbuf id = STRBUF_INIT;

		strbuf_addf(&id, "chapter-%d", g->children.items[i]->order);
		value_map_set_str(c, "anchor", id.buf); /* on the one-page edition */
		value_map_set_num(c, "number", g->children.items[i]->order);
		value_list_push(chapters, c);
		strbuf_release(&id);
	}
	set_count(v, "chapter_count", g->children.n);
	put_list(v, "chapters", chapters);
	strbuf_release(&u);
	return v;
}

static void chapter_data(const struct pages_env *e, const struct record *c, struct value *ctx)
{
	const struct record *g = c->parent;
	struct value *v = rec(e, c);
	int i = c->order - 1;

	value_map_set_num(v, "number", c->order);
	if (c->stage)
		value_map_set(v, "stage", rec(e, c->stage), NULL);
	put_list(v, "stories", rec_list(e, &c->refs[RECORD_STORY]));
	value_map_set(ctx, "chapter", v, NULL);
	value_map_set(ctx, "guide", guide_summary(e, g), NULL);
	value_map_set_bool(ctx, "has_prev_next", g->children.n > 1);
	if (i > 0)
		value_map_set(ctx, "prev", rec(e, g->children.items[i - 1]), NULL);
	if ((size_t)i + 1 < g->children.n)
		value_map_set(ctx, "next", rec(e, g->children.items[i + 1]), NULL);
}

static void guide_all_data(const struct pages_env *e, const struct record *g, struct value *ctx)
{
	struct value *chapters = value_new_list(), *gv = guide_summary(e, g);
	size_t i;

	need_body(e, g->doc);
	if (g->doc && g->doc->html)
		value_map_set_str(gv, "content", g->doc->html);
	for (i = 0; i < g->children.n; i++) {
		const struct record *c = g->children.items[i];
		struct value *v = rec(e, c);
		struct strbuf id = STRBUF_INIT;

		strbuf_addf(&id, "chapter-%d", c->order);
		need_body(e, c->doc);
		value_map_set_str(v, "anchor", id.buf);
		value_map_set_num(v, "number", c->order);
		value_map_set_str(v, "content", c->doc && c->doc->html_joined ? c->doc->html_joined : "");
		value_list_push(chapters, v);
		strbuf_release(&id);
	}
	value_map_set(ctx, "guide", gv, NULL);
	put_list(ctx, "chapters", chapters);
}

/* Resources or organizations, grouped by their categories in file order. */
static void grouped_data(const struct pages_env *e, enum record_kind kind, const char *prefix,
			 struct value *ctx)
{
	const struct record_list *groups = &e->model->all[RECORD_GROUP];
	const struct record_list *l = &e->model->all[kind];
	struct value *cats = value_new_list();
	size_t i, j, n = strlen(prefix);

	dep_kind(RECORD_GROUP);
	dep_kind(kind);
	for (i = 0; i < groups->n; i++) {
		const struct record *g = groups->items[i];
		struct value *gv, *list;

		if (strncmp(g->id, prefix, n) || g->id[n] != '/')
			continue;
		list = value_new_list();
		for (j = 0; j < l->n; j++)
			if (l->items[j]->group == g) {
				struct value *r = rec(e, l->items[j]);

				if (l->items[j]->sector)
					value_map_set(r, "sector", rec(e, l->items[j]->sector), NULL);
				value_list_push(list, r);
			}
		gv = value_new_map();
		value_map_set_str(gv, "id", g->id + n + 1);
		value_map_set_str(gv, "title", g->title);
		put_field(gv, g->v, "description");
		put_list(gv, "items", list);
		value_list_push(cats, gv);
	}
	put_list(ctx, "categories", cats);
}

/* The page that lists a group's pages (at the group's first kind): the
 * frameworks for skills; none for plain pages, which are few. */
static const struct page *group_index(const struct page_list *pl, enum page_kind group)
{
	enum page_kind kind = group == PAGE_SKILL ? PAGE_FRAMEWORKS : group;
	size_t i;

	for (i = 0; group != PAGE_PLAIN && i < pl->n; i++)
		if (pl->items[i].kind == kind)
			return &pl->items[i];
	return NULL;
}

/*
 * The pages a search finds, by kind, for readers without JavaScript: a
 * kind's first SEARCH_LISTED and a link to the page that lists the rest,
 * not the 10,000 links (700 KB) of a large site.
 */
static void search_data(const struct pages_env *e, struct value *ctx)
{
	const struct page_list *pl = e->pages;
	struct value *groups = value_new_list(), *lists[PAGE_KINDS];
	const struct page *index[PAGE_KINDS];
	size_t first[PAGE_KINDS], total[PAGE_KINDS], i, g;

	dep_pages();
	/* one group per label, at the first kind that has it */
	for (g = 0; g < PAGE_KINDS; g++) {
		for (first[g] = 0; strcmp(kind_labels[first[g]], kind_labels[g]); first[g]++)
			;
		lists[g] = value_new_list();
		total[g] = 0;
		index[g] = first[g] == g ? group_index(pl, (enum page_kind)g) : NULL;
	}
	for (i = 0; i < pl->n; i++) {
		const struct page *p = &pl->items[i];
		size_t at = first[p->kind];
		struct value *item;

		if (!pages_searchable(p) || (total[at]++ >= SEARCH_LISTED && index[at]))
			continue;
		item = value_new_map();
		value_map_set_str(item, "title", p->title);
		put_url(e, item, "url", p->url);
		value_list_push(lists[at], item);
	}
	for (g = 0; g < PAGE_KINDS; g++) {
		struct value *gv;

		if (!lists[g]->n) {
			value_free(lists[g]);
			continue;
		}
		gv = value_new_map();
		value_map_set_str(gv, "title", kind_labels[g]);
		value_map_set_str(gv, "id", layouts[g]);
		put_list(gv, "pages", lists[g]);
		value_map_set_num(gv, "total", (double)total[g]);
		value_map_set_bool(gv, "more", total[g] > lists[g]->n);
		if (total[g] > lists[g]->n) {
			/* "All 10,000 stories": not counting the page of them all */
			struct strbuf all = STRBUF_INIT;
			size_t at;

			strbuf_adds(&all, "All ");
			add_grouped(&all, (long long)(total[g] - (first[index[g]->kind] == g)));
			strbuf_addch(&all, ' ');
			at = all.len;
			strbuf_adds(&all, kind_labels[g]);
			all.buf[at] = (char)tolower((unsigned char)all.buf[at]);
			value_map_set_str(gv, "all_label", all.buf);
			put_url(e, gv, "all_url", index[g]->url);
			strbuf_release(&all);
		}
		value_list_push(groups, gv);
	}
	put_list(ctx, "groups", groups);
}

int pages_searchable(const struct page *p)
{
	return p->kind != PAGE_SEARCH && p->kind != PAGE_NOT_FOUND && p->kind != PAGE_GUIDE_ALL &&
	       p->number <= 1;
}

/* ---------------------------------------------------------------- JSON-LD */

/* An absolute URL when base_url is one, else the path. */
static char *abs_url(const struct pages_env *e, const char *url)
{
	const char *base = value_string(value_get(e->site, "base_url"));
	struct strbuf sb = STRBUF_INIT;

	if (base && strstr(base, "://"))
		strbuf_addf(&sb, "%s%s", base, url + 1);
	else
		strbuf_addf(&sb, "%s%s", e->base_path, url + 1);
	return strbuf_detach(&sb, NULL);
}

static struct value *ld(const char *type)
{
	struct value *v = value_new_map();

	value_map_set_str(v, "@type", type);
	return v;
}

static void ld_url(const struct pages_env *e, struct value *v, const char *key, const char *url)
{
	char *u = abs_url(e, url);

	value_map_set_str(v, key, u);
	free(u);
}

/*
 * schema.org JSON-LD for the page, as a string for <script
 * type="application/ld+json">: a WebPage with its breadcrumb trail, about
 * what the page shows (a DefinedTermSet for a framework, a DefinedTerm for
 * a skill, an ItemList of steps for a pathway, an Article for a story or a
 * chapter).
 */
static char *jsonld(const struct pages_env *e, const struct page *p)
{
	struct value *page = value_new_map(), *crumbs = ld("BreadcrumbList"), *list = value_new_list();
	struct value *about = NULL, *home = ld("ListItem");
	const struct record *r = p->record;
	const char *lang = value_string(value_get(e->site, "lang"));

	if (r && (r->kind == RECORD_SKILL || r->kind == RECORD_CHAPTER)) {
		dep(r->parent);
		dep(r->parent->parent);
	}
	struct strbuf out = STRBUF_INIT;
	const char *sep;
	size_t i, pos = 1;

	value_map_set_str(page, "@context", "https://schema.org");
	value_map_set_str(page, "@type", "WebPage");
	value_map_set_str(page, "name", p->title);
	ld_url(e, page, "url", p->url);
	value_map_set_str(page, "inLanguage", lang ? lang : "en");
	value_map_set_num(home, "position", (double)pos++);
	value_map_set_str(home, "name", value_string(value_get(e->site, "title")));
	ld_url(e, home, "item", "/");
	value_list_push(list, home);
	for (sep = p->url + 1; (sep = strchr(sep, '/')) && sep[1]; sep++) {
		char *anc = xstrndup(p->url, (size_t)(sep - p->url + 1));
		const struct page *a = pages_find(e->pages, anc);

		if (a) {
			struct value *li = ld("ListItem");

			value_map_set_num(li, "position", (double)pos++);
			value_map_set_str(li, "name", a->title);
			ld_url(e, li, "item", a->url);
			value_list_push(list, li);
		}
		free(anc);
	}
	value_map_set(crumbs, "itemListElement", list, NULL);
	value_map_set(page, "breadcrumb", crumbs, NULL);

	if (p->kind == PAGE_FRAMEWORK && r) {
		about = ld("DefinedTermSet");
		value_map_set_str(about, "name", r->title);
		if (value_text(r->v, "description"))
			value_map_set_str(about, "description", value_text(r->v, "description"));
		if (value_text(r->v, "publisher")) {
			struct value *org = ld("Organization");

			value_map_set_str(org, "name", value_text(r->v, "publisher"));
			value_map_set(about, "publisher", org, NULL);
		}
	} else if (p->kind == PAGE_SKILL && r) {
		struct value *set = ld("DefinedTermSet");

		about = ld("DefinedTerm");
		value_map_set_str(about, "name", r->title);
		value_map_set_str(about, "termCode", r->id);
		value_map_set_str(about, "description", value_text(r->v, "definition"));
		value_map_set_str(set, "name", r->parent->parent->title);
		ld_url(e, set, "url", r->parent->parent->url);
		value_map_set(about, "inDefinedTermSet", set, NULL);
	} else if (p->kind == PAGE_PATHWAY && r) {
		const struct value *steps = value_get(r->v, "steps");
		struct value *items = value_new_list();

		about = ld("ItemList");
		value_map_set_str(about, "name", r->title);
		for (i = 0; steps && steps->kind == VALUE_LIST && i < steps->n; i++) {
			struct value *li = ld("ListItem");

			value_map_set_num(li, "position", (double)i + 1);
			value_map_set_str(li, "name", value_text(steps->items[i], "title"));
			value_list_push(items, li);
		}
		value_map_set(about, "itemListElement", items, NULL);
	} else if ((p->kind == PAGE_STORY || p->kind == PAGE_CHAPTER) && r) {
		about = ld("Article");
		value_map_set_str(about, "headline", r->title);
		if (value_text(r->v, "date"))
			value_map_set_str(about, "datePublished", value_text(r->v, "date"));
		if (p->kind == PAGE_CHAPTER) {
			struct value *book = ld("Book");

			value_map_set_str(book, "name", r->parent->title);
			ld_url(e, book, "url", r->parent->url);
			value_map_set(about, "isPartOf", book, NULL);
		}
	}
	if (about)
		value_map_set(page, "mainEntity", about, NULL);
	value_json(page, &out);
	value_free(page);
	return strbuf_detach(&out, NULL);
}

/* ---------------------------------------------------------------- context */

static struct value *breadcrumbs(const struct pages_env *e, const struct page *p)
{
	struct value *list = value_new_list();
	const char *s;

	for (s = p->url + 1; (s = strchr(s, '/')) && s[1]; s++) {
		char *anc = xstrndup(p->url, (size_t)(s - p->url + 1));
		const struct page *a = pages_find(e->pages, anc);

		if (a) {
			struct value *c = value_new_map();

			value_map_set_str(c, "title", a->title);
			put_url(e, c, "url", a->url);
			value_list_push(list, c);
		}
		free(anc);
	}
	return list;
}

static struct value *menu_for(const struct pages_env *e, const char *url)
{
	struct value *menu = value_new_list();
	const struct value *m = e->menu;
	size_t i;

	for (i = 0; m && i < m->n; i++) {
		const char *u = value_text(m->items[i], "url");
		struct value *it = value_new_map();
		int local = slug_from_root(u);

		value_map_set_str(it, "title", value_text(m->items[i], "title"));
		put_link(e, it, "url", u);
		/* the current section counts too: /pathways/x/ is under /pathways/ */
		value_map_set_bool(it, "current", local && !strcmp(u, url));
		value_map_set_bool(it, "in_section", local && strcmp(u, "/") &&
				   !strncmp(url, u, strlen(u)));
		value_list_push(menu, it);
	}
	return menu;
}

/*
 * A sentence or two about the page, for search engines and the preview a
 * link gets when it is shared (<meta name="description">): its summary,
 * else what the record it shows says of itself (a framework's or sector's
 * description, a skill's definition, a story's quote), else the site's
 * description; of a long text, the whole sentences that fit in
 * DESCRIPTION_MAX bytes (the first one at least), as previews show about
 * that much. Empty when none of them is there.
 */
#define DESCRIPTION_MAX 200
static void put_description(const struct pages_env *e, const struct page *p, const char *summary,
			    struct value *page)
{
	static const char *const own[] = { "description", "definition", "quote" };
	const char *d = summary, *s, *end = NULL;
	size_t i;

	for (i = 0; !d && p->record && i < sizeof own / sizeof *own; i++)
		d = value_text(p->record->v, own[i]);
	if (!d)
		d = value_string(value_get(e->site, "description"));
	if (!d)
		d = "";
	/* end: after the last sentence that fits, or the first */
	for (s = strlen(d) > DESCRIPTION_MAX ? strpbrk(d, ".!?") : NULL; s; s = strpbrk(s + 1, ".!?"))
		if (s[1] == ' ' || s[1] == '\n') {
			if (end && (size_t)(s + 1 - d) > DESCRIPTION_MAX)
				break;
			end = s + 1;
		}
	value_map_set(page, "description", value_new_string(d, end ? (size_t)(end - d) : strlen(d)), NULL);
}

struct value *pages_context(const struct pages_env *e, const struct page *p)
{
	struct value *ctx = value_new_map(), *page = value_new_map(), *site, *menu, *crumbs;
	const struct value *meta = p->doc ? p->doc->meta : NULL;
	const char *summary = value_text(meta, "summary");
	struct value *toc;
	size_t i, ntoc = 0;

	need_body(e, p->doc);
	/* shared, not copied, here and below: the page only reads them */
	toc = p->doc && p->doc->toc ? value_share(p->doc->toc) : value_new_list();
	dep(p->record);
	dep(p->other);
	if (!summary && p->record)
		summary = value_text(p->record->v, "summary");
	for (i = 0; i < toc->n; i++) {
		const struct value *lv = value_get(toc->items[i], "level");

		if (lv && lv->number >= 2 && lv->number <= 3)
			ntoc++;
	}
	value_map_set_str(page, "title", p->title);
	value_map_set_str(page, "summary", summary ? summary : "");
	put_description(e, p, summary, page);
	put_url(e, page, "url", p->url);
	{
		/* the whole address, for a canonical link and link previews:
		 * only a base_url with a host can give one */
		const char *base = value_string(value_get(e->site, "base_url"));
		char *u = base && strstr(base, "://") && p->kind != PAGE_NOT_FOUND ? abs_url(e, p->url)
										   : NULL;

		value_map_set_str(page, "permalink", u ? u : "");
		free(u);
	}
	value_map_set_str(page, "kind", layouts[p->kind]);
	value_map_set_str(page, "content", p->doc && p->doc->html ? p->doc->html : "");
	value_map_set_bool(page, "is_home", !strcmp(p->url, "/"));
	value_map_set_bool(page, "is_search", p->kind == PAGE_SEARCH);
	value_map_set_bool(page, "has_toc", ntoc >= 2);
	value_map_set(page, "toc", toc, NULL);
	crumbs = breadcrumbs(e, p);
	value_map_set_bool(page, "has_breadcrumbs", strcmp(p->url, "/") != 0);
	value_map_set(page, "breadcrumbs", crumbs, NULL);
	if (meta && value_get(meta, "params"))
		value_map_set(page, "params", value_share(value_get(meta, "params")), NULL);
	if (meta && value_text(meta, "date")) {
		struct strbuf d = STRBUF_INIT;

		add_date(&d, value_text(meta, "date"));
		value_map_set_str(page, "date", value_text(meta, "date"));
		value_map_set_str(page, "date_label", d.buf);
		strbuf_release(&d);
	}
	put_list(page, "charts", p->figures ? value_share(p->figures) : value_new_list());
	{
		char *json = jsonld(e, p);

		value_map_set_str(page, "jsonld", json);
		free(json);
	}
	value_map_set(ctx, "page", page, NULL);

	/* the site's fields as they are, and this page's menu */
	site = value_new_map();
	for (i = 0; i < e->site->n; i++)
		value_map_set(site, e->site->members[i].key, value_share(e->site->members[i].val),
			      &e->site->members[i].key_pos);
	menu = menu_for(e, p->url);
	value_map_set_bool(site, "has_menu", menu->n > 0);
	value_map_set(site, "menu", menu, NULL);
	value_map_set(ctx, "site", site, NULL);
	value_map_set(ctx, "assets", value_share(e->assets), NULL);

	switch (p->kind) {
	case PAGE_PLAIN:
		break;
	case PAGE_FRAMEWORKS: {
		const struct record_list *l = &e->model->all[RECORD_FRAMEWORK];
		struct value *list = value_new_list();

		dep_kind(RECORD_FRAMEWORK);
		for (i = 0; i < l->n; i++)
			value_list_push(list, framework_value(e, l->items[i]));
		put_list(ctx, "frameworks", list);
		crosswalks_of(e, NULL, ctx);
		break;
	}
	case PAGE_FRAMEWORK:
		value_map_set(ctx, "framework", framework_value(e, p->record), NULL);
		crosswalks_of(e, p->record, value_get(ctx, "framework"));
		break;
	case PAGE_SKILL:
		skill_data(e, p, ctx);
		break;
	case PAGE_CROSSWALK:
		crosswalk_data(e, p, ctx);
		break;
	case PAGE_LIFECYCLE:
		dep_order(RECORD_STAGE);
		put_list(ctx, "stages", rec_list(e, &e->model->all[RECORD_STAGE]));
		for (i = 0; i < e->model->all[RECORD_STAGE].n; i++) {
			struct value *sv = value_get(ctx, "stages")->items[i];

			value_map_set_num(sv, "number", (double)i + 1);
			put_strings(sv, e->model->all[RECORD_STAGE].items[i]->v, "worker_questions");
		}
		break;
	case PAGE_STAGE:
		stage_data(e, p, ctx);
		break;
	case PAGE_PATHWAYS: {
		const struct record_list *l = &e->model->all[RECORD_SECTOR];
		struct value *secs = value_new_list(), *rest;

		dep_kind(RECORD_SECTOR);
		for (i = 0; i < l->n; i++) {
			struct value *sv = sector_summary(e, l->items[i], NULL);

			if (value_get(sv, "pathways")->n)
				value_list_push(secs, sv);
			else
				value_free(sv);
		}
		put_list(ctx, "sectors", secs);
		rest = value_new_list();
		for (i = 0; i < e->model->all[RECORD_PATHWAY].n; i++)
			if (!e->model->all[RECORD_PATHWAY].items[i]->sector)
				value_list_push(rest, pathway_summary(e, e->model->all[RECORD_PATHWAY].items[i]));
		put_list(ctx, "other_pathways", rest);
		put_list(ctx, "pathways", pathways_of(e, NULL));
		break;
	}
	case PAGE_PATHWAY:
		pathway_data(e, p, ctx);
		break;
	case PAGE_SECTORS: {
		const struct record_list *l = &e->model->all[RECORD_SECTOR];
		struct value *secs = value_new_list();

		dep_kind(RECORD_SECTOR);
		for (i = 0; i < l->n; i++)
			value_list_push(secs, sector_summary(e, l->items[i], NULL));
		put_list(ctx, "sectors", secs);
		break;
	}
	case PAGE_SECTOR: {
		struct value *sv = sector_summary(e, p->record, p);

		paged_stories(e, p, p->record->url, sv, ctx);
		put_list(sv, "organizations", users(e, p->record, RECORD_ORGANIZATION));
		value_map_set(ctx, "sector", sv, NULL);
		break;
	}
	case PAGE_STORIES:
		paged_stories(e, p, "/stories/", ctx, ctx);
		break;
	case PAGE_STORY:
		story_data(e, p->record, ctx);
		break;
	case PAGE_GUIDES: {
		const struct record_list *l = &e->model->all[RECORD_GUIDE];
		struct value *list = value_new_list();

		dep_kind(RECORD_GUIDE);
		for (i = 0; i < l->n; i++)
			value_list_push(list, guide_summary(e, l->items[i]));
		put_list(ctx, "guides", list);
		break;
	}
	case PAGE_GUIDE:
		value_map_set(ctx, "guide", guide_summary(e, p->record), NULL);
		break;
	case PAGE_CHAPTER:
		chapter_data(e, p->record, ctx);
		break;
	case PAGE_GUIDE_ALL:
		guide_all_data(e, p->record, ctx);
		break;
	case PAGE_RESOURCES:
		grouped_data(e, RECORD_RESOURCE, "resources", ctx);
		break;
	case PAGE_ORGANIZATIONS:
		grouped_data(e, RECORD_ORGANIZATION, "organizations", ctx);
		break;
	case PAGE_SEARCH:
		search_data(e, ctx);
		break;
	case PAGE_PLAN: {
		const struct record_list *l = &e->model->all[RECORD_STAGE];
		struct value *stages = value_new_list();

		dep_order(RECORD_STAGE);
		for (i = 0; i < l->n; i++) {
			struct value *sv = rec(e, l->items[i]);

			value_map_set_num(sv, "number", (double)i + 1);
			put_strings(sv, l->items[i]->v, "worker_questions");
			value_list_push(stages, sv);
		}
		put_list(ctx, "stages", stages);
		break;
	}
	case PAGE_NOT_FOUND:
	case PAGE_KINDS:
		break;
	}
	return ctx;
}

/* ------------------------------------------------------------ fingerprints */

struct value *pages_context_deps(const struct pages_env *env, const struct page *p,
				 struct pages_deps *deps)
{
	struct value *ctx;

	deps_now = deps;
	ctx = pages_context(env, p);
	deps_now = NULL;
	return ctx;
}

void pages_deps_release(struct pages_deps *deps)
{
	free(deps->recs);
	memset(deps, 0, sizeof *deps);
}

/* Prints chain hundreds of thousands of ids and numbers: hashed eight
 * bytes at a time (value_hash_fast), not a byte at a time. */
static unsigned long long hash_str(const char *s, unsigned long long h)
{
	return s ? value_hash_fast(s, strlen(s), h) : value_hash_fast("\377", 1, ~h);
}

static unsigned long long hash_num(unsigned long long n, unsigned long long h)
{
	return value_hash_fast(&n, sizeof n, h);
}

/* Which record: its kind and id (not what it holds), hashed once a
 * record (pages_fingerprint): prints name other records 220,000 times on
 * a site of 10,000 pages. */
static unsigned long long hash_id(const struct record *r, unsigned long long h)
{
	return hash_num(r ? r->id_print : ~0ull, h);
}

static unsigned long long hash_ids(const struct record_list *l, unsigned long long h)
{
	size_t i;

	h = hash_num(l->n, h);
	for (i = 0; i < l->n; i++)
		h = hash_id(l->items[i], h);
	return h;
}

/* Everything a context can read of a record: its fields, what the model
 * worked out (URL, order), and which records it names and is named by
 * (their ids; what they hold is theirs). Not its body: only its own page
 * shows that (see page_print). */
static unsigned long long record_print(const struct record *r)
{
	unsigned long long h = hash_id(r, VALUE_HASH_SEED);
	size_t i;

	h = hash_str(r->title, h);
	h = hash_str(r->url, h);
	/* a record that is a whole file's fields has that file's hash */
	h = r->doc && r->v == r->doc->meta ? hash_num(r->doc->meta_hash, h) : value_hash(r->v, h);
	h = hash_id(r->parent, h);
	h = hash_id(r->sector, h);
	h = hash_id(r->pathway, h);
	h = hash_id(r->group, h);
	h = hash_id(r->stage, h);
	h = hash_num((unsigned long long)r->order, h);
	h = hash_ids(&r->children, h);
	for (i = 0; i < RECORD_KINDS; i++)
		h = hash_ids(&r->refs[i], h);
	if (r->picture) /* its size is on the page */
		h = hash_num(quick_stat(r->picture), h);
	h = hash_num(r->nuses, h);
	for (i = 0; i < r->nuses; i++) {
		const struct value *step = r->uses[i].step;

		/* which step of `by` (what it says is in by's own print, and a
		 * page that shows it reads `by`) */
		h = hash_id(r->uses[i].by, h);
		h = hash_num(step ? ((unsigned long long)step->pos.line << 32) | (unsigned)step->pos.col
				  : 0, h);
	}
	return h;
}

/* A page's plan: what it is, its document (body and fields), its charts,
 * and for a guide's one-page edition every chapter's body. */
static unsigned long long page_print(const struct page *p)
{
	unsigned long long h = hash_num((unsigned long long)p->kind, VALUE_HASH_SEED);
	size_t i;

	if (p->kind == PAGE_GUIDE_ALL && p->record) {
		const struct record *g = p->record;

		h = hash_num(g->doc ? g->doc->body_key : 0, h);
		for (i = 0; i < g->children.n; i++) {
			const struct doc *d = g->children.items[i]->doc;

			h = hash_num(d ? d->body_key : 0, h);
		}
	}
	h = hash_str(p->url, h);
	h = hash_str(p->out, h);
	h = hash_str(p->title, h);
	h = hash_num((unsigned long long)p->number, h);
	h = hash_num((unsigned long long)p->pages, h);
	/* a page of a list: which items, of how many (a sector's stories are
	 * not its uses, so nothing else says) */
	h = hash_num(p->total, h);
	h = hash_ids(&p->shown, h);
	h = hash_id(p->record, h);
	h = hash_id(p->other, h);
	if (p->doc) {
		h = hash_str(p->doc->rel, h);
		h = hash_num(p->doc->is_markdown ? p->doc->body_key : p->doc->meta_hash, h);
	}
	return p->figures ? value_hash(p->figures, h) : h;
}

/*
 * Prints are worked out on one thread per CPU (each record's and page's
 * on its own, a chunk at a time), then chained in order on this one.
 */
struct print_job {
	struct model *m;
	struct page_list *pl;
	size_t nrecords;     /* every kind's records, then the pages */
	atomic_size_t next;
	unsigned long long *plan; /* per page: its part of the plan's print */
};

/* What a page adds to the plan's print: what it is and where, its title,
 * its place in a list, its record and its document's fields. */
static unsigned long long plan_part(const struct page *p)
{
	unsigned long long h = hash_num((unsigned long long)p->kind, VALUE_HASH_SEED);

	h = hash_str(p->url, h);
	h = hash_str(p->out, hash_str(p->title, h));
	h = hash_num((unsigned long long)p->number, hash_num((unsigned long long)p->pages, h));
	h = hash_id(p->record, h);
	return p->doc ? hash_num(p->doc->meta_hash, h) : h;
}

#define PRINT_CHUNK 256

static void *print_worker(void *arg)
{
	struct print_job *job = arg;
	size_t total = job->nrecords + job->pl->n, first, i, k;

	while ((first = atomic_fetch_add(&job->next, PRINT_CHUNK)) < total)
		for (i = first; i < total && i < first + PRINT_CHUNK; i++) {
			size_t at = i;

			if (at >= job->nrecords) {
				struct page *p = &job->pl->items[at - job->nrecords];

				p->print = page_print(p);
				job->plan[at - job->nrecords] = plan_part(p);
				continue;
			}
			for (k = 0; at >= job->m->all[k].n; k++)
				at -= job->m->all[k].n;
			job->m->all[k].items[at]->print = record_print(job->m->all[k].items[at]);
		}
	return NULL;
}

void pages_fingerprint(struct model *m, struct page_list *pl)
{
	struct print_job job = { m, pl, 0, 0, NULL };
	size_t k, i;

	for (k = 0; k < RECORD_KINDS; k++) {
		job.nrecords += m->all[k].n;
		for (i = 0; i < m->all[k].n; i++) {
			struct record *r = m->all[k].items[i];

			r->id_print = hash_str(r->id, hash_num((unsigned long long)k, VALUE_HASH_SEED));
		}
	}
	atomic_init(&job.next, 0);
	job.plan = xmalloc((pl->n + 1) * sizeof *job.plan);
	threads_run(threads_cpus(), print_worker, &job, 0);

	for (k = 0; k < RECORD_KINDS; k++) {
		unsigned long long kh = VALUE_HASH_SEED, oh = VALUE_HASH_SEED, lh = VALUE_HASH_SEED;

		for (i = 0; i < m->all[k].n; i++) {
			const struct record *r = m->all[k].items[i];

			kh = hash_num(r->print, kh);
			oh = hash_id(r, oh);
			lh = hash_id(r->stage, hash_id(r->group, hash_id(r->pathway,
				hash_id(r->sector, hash_id(r->parent, hash_id(r, lh))))));
		}
		pl->kind_print[k] = kh;
		pl->order_print[k] = oh;
		pl->link_print[k] = lh;
	}
	for (k = 0; k < PAGE_KINDS; k++)
		pl->page_kind_print[k] = VALUE_HASH_SEED;
	pl->set_print = pl->plan_print = VALUE_HASH_SEED;
	for (i = 0; i < pl->n; i++) {
		const struct page *p = &pl->items[i];

		pl->set_print = hash_num(p->print, pl->set_print);
		pl->page_kind_print[p->kind] = hash_num(p->print, pl->page_kind_print[p->kind]);
		pl->plan_print = hash_num(job.plan[i], pl->plan_print);
	}
	free(job.plan);
}

static int cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;

	return x < y ? -1 : x > y;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A token of a page's dependencies: "r3:teamwork", "k3" (no id), without
 * printf (a page has dozens, a site thousands of pages). */
static char *dep_token(struct strbuf *t, char letter, unsigned kind, const char *id)
{
	strbuf_reset(t);
	strbuf_addch(t, letter);
	if (kind >= 10)
		strbuf_addch(t, (char)('0' + kind / 10 % 10));
	strbuf_addch(t, (char)('0' + kind % 10));
	if (id) {
		strbuf_addch(t, ':');
		strbuf_adds(t, id);
	}
	return xstrdup(t->buf);
}

void pages_deps_text(const struct pages_deps *deps, struct strbuf *out)
{
	const struct record **recs = xmalloc((deps->n + 1) * sizeof *recs);
	char **tokens = xmalloc((deps->n + 3 * RECORD_KINDS + PAGE_KINDS + 2) * sizeof *tokens);
	size_t i, n = 0, nt = 0;
	struct strbuf t = STRBUF_INIT;

	if (deps->n) {
		memcpy(recs, deps->recs, deps->n * sizeof *recs);
		qsort(recs, deps->n, sizeof *recs, cmp_ptr);
	}
	for (i = 0; i < deps->n; i++)
		if (!n || recs[n - 1] != recs[i])
			recs[n++] = recs[i];
	for (i = 0; i < n; i++)
		tokens[nt++] = dep_token(&t, 'r', (unsigned)recs[i]->kind, recs[i]->id);
	for (i = 0; i < RECORD_KINDS; i++) {
		if (deps->kinds & (1u << i))
			tokens[nt++] = dep_token(&t, 'k', (unsigned)i, NULL);
		if (deps->orders & (1u << i))
			tokens[nt++] = dep_token(&t, 'o', (unsigned)i, NULL);
		if (deps->links & (1u << i))
			tokens[nt++] = dep_token(&t, 'l', (unsigned)i, NULL);
	}
	for (i = 0; i < PAGE_KINDS; i++)
		if (deps->page_kinds & (1ull << i))
			tokens[nt++] = dep_token(&t, 'q', (unsigned)i, NULL);
	if (deps->pages)
		tokens[nt++] = xstrdup("p");
	if (nt)
		qsort(tokens, nt, sizeof *tokens, cmp_str);
	for (i = 0; i < nt; i++) {
		if (i)
			strbuf_addch(out, ' ');
		strbuf_adds(out, tokens[i]);
		free(tokens[i]);
	}
	strbuf_release(&t);
	free(tokens);
	free(recs);
}

/* One more number into a page's key: a multiply and a shift, inline (a
 * rebuild of 10,000 pages adds 250,000 of them). */
static inline unsigned long long mix(unsigned long long n, unsigned long long h)
{
	h = (h ^ n) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

/* A page's key before its dependencies: its own print, then the
 * breadcrumb trail's, each ancestor page's (a copy of the URL cut short
 * after each slash in turn). */
static unsigned long long key_start(const struct page_list *pl, const struct page *p,
				    unsigned long long seed)
{
	unsigned long long h = mix(p->print, seed);
	const char *s = p->url + 1;
	char buf[512], *anc;
	size_t ulen = strlen(p->url);

	anc = ulen < sizeof buf ? buf : xmalloc(ulen + 1);
	memcpy(anc, p->url, ulen + 1);
	for (; (s = strchr(s, '/')) && s[1]; s++) {
		size_t end = (size_t)(s - p->url + 1);
		char was = anc[end];
		const struct page *a;

		anc[end] = '\0';
		a = pages_find(pl, anc);
		anc[end] = was;
		h = mix(a ? a->print : 0, h);
	}
	if (anc != buf)
		free(anc);
	return h;
}

/* One token of a dependency text: "p", "q4", "k3", "o3", "l3" or
 * "r3:id". */
struct token {
	char letter;
	unsigned kind;
	const char *id; /* "r" only: not NUL-terminated */
	size_t len;
};

/* Read the token at t (ending at a space or the end) into *tok; 0, or -1
 * when it is not one. *end is where it ends. */
static int token_parse(const char *t, struct token *tok, const char **end)
{
	const char *e = t, *d = t + 1;
	unsigned k = 0;

	e += strcspn(t, " ");
	*end = e;
	tok->letter = *t;
	tok->id = NULL;
	tok->len = 0;
	if (*t == 'p' && d == e) {
		tok->kind = 0;
		return 0;
	}
	if (*d < '0' || *d > '9')
		return -1;
	for (; *d >= '0' && *d <= '9' && k < RECORD_KINDS + PAGE_KINDS; d++)
		k = k * 10 + (unsigned)(*d - '0');
	tok->kind = k;
	if (*t == 'q' && d == e)
		return k < PAGE_KINDS ? 0 : -1;
	if (k >= RECORD_KINDS)
		return -1;
	if ((*t == 'k' || *t == 'o' || *t == 'l') && d == e)
		return 0;
	if (*t == 'r' && *d == ':') {
		tok->id = d + 1;
		tok->len = (size_t)(e - d - 1);
		return 0;
	}
	return -1;
}

/* What a token stands for in this build: 0, or -1 for a record it does
 * not have. */
static int token_print(const struct pages_env *env, const struct token *tok,
		       unsigned long long *print)
{
	const struct page_list *pl = env->pages;
	const struct record *r;

	switch (tok->letter) {
	case 'p':
		*print = pl->set_print;
		return 0;
	case 'q':
		*print = pl->page_kind_print[tok->kind];
		return 0;
	case 'k':
		*print = pl->kind_print[tok->kind];
		return 0;
	case 'o':
		*print = pl->order_print[tok->kind];
		return 0;
	case 'l':
		*print = pl->link_print[tok->kind];
		return 0;
	default:
		r = model_find_n(env->model, (enum record_kind)tok->kind, tok->id, tok->len);
		if (!r)
			return -1;
		*print = r->print;
		return 0;
	}
}

int pages_deps_key(const struct pages_env *env, const struct page *p, const char *text,
		   unsigned long long seed, unsigned long long *key)
{
	unsigned long long h = key_start(env->pages, p, seed), print;
	const char *t, *end;
	struct token tok;

	/*
	 * Tokens, a space between ("p", "k3", "l3", "o3", "q4", "r3:id"). The
	 * text itself is not hashed: it is the one this key was made from,
	 * unless the pages file is damaged, which its check (cache.c) finds
	 * first.
	 */
	for (t = text; *t; t = end + (*end == ' ')) {
		if (token_parse(t, &tok, &end) < 0 || token_print(env, &tok, &print) < 0)
			return -1;
		h = mix(print, h);
	}
	*key = h;
	return 0;
}

/* ------------------------------------------------------ pages_tokens */

struct pages_tokens {
	struct token *tok;           /* each distinct token, by number */
	const char **text;           /* as the text has it (not NUL-terminated) */
	size_t *len;
	unsigned long long *print;   /* its print in this build (pages_tokens_print) */
	unsigned char *missing;      /* 1: a record this build does not have */
	size_t n, alloc;
	uint32_t *slot;              /* open addressing: number + 1, 0 empty */
	size_t mask;
	uint32_t *ids;               /* every text's numbers, one after another */
	size_t nids, aids;
};

struct pages_tokens *pages_tokens_new(void)
{
	struct pages_tokens *t = xcalloc(1, sizeof *t);

	t->mask = 4095;
	t->slot = xcalloc(t->mask + 1, sizeof *t->slot);
	return t;
}

static size_t token_slot(const char *text, size_t len, size_t mask)
{
	return (size_t)value_hash_fast(text, len, VALUE_HASH_SEED) & mask;
}

/* The number of the token text[0..len), read only when new; -1 when it
 * is not a token. */
static long token_number(struct pages_tokens *t, const char *text, size_t len)
{
	size_t h, i;
	const char *end;
	struct token tok;

	for (h = token_slot(text, len, t->mask); t->slot[h]; h = (h + 1) & t->mask) {
		i = t->slot[h] - 1;
		if (t->len[i] == len && !memcmp(t->text[i], text, len))
			return (long)i;
	}
	if (token_parse(text, &tok, &end) < 0)
		return -1;
	XGROW(t->tok, t->alloc, t->n + 1);
	t->text = xrealloc(t->text, t->alloc * sizeof *t->text);
	t->len = xrealloc(t->len, t->alloc * sizeof *t->len);
	t->tok[t->n] = tok;
	t->text[t->n] = text;
	t->len[t->n] = len;
	t->slot[h] = (uint32_t)++t->n;
	if (t->n * 2 > t->mask + 1) { /* grow: at most half full */
		free(t->slot);
		t->mask = t->mask * 2 + 1;
		t->slot = xcalloc(t->mask + 1, sizeof *t->slot);
		for (i = 0; i < t->n; i++) {
			for (h = token_slot(t->text[i], t->len[i], t->mask); t->slot[h];
			     h = (h + 1) & t->mask)
				;
			t->slot[h] = (uint32_t)i + 1;
		}
	}
	return (long)(t->n - 1);
}

int pages_tokens_add(struct pages_tokens *t, const char *text, size_t *first, size_t *n)
{
	const char *p, *end = text + strlen(text), *space;
	size_t start = t->nids, len;
	long id;

	/* (memchr within the known length, not strcspn: 230,000 tokens of
	 * 15 bytes or so, where strcspn's setup costs more than the search) */
	for (p = text; p < end; p += len + (p[len] == ' ')) {
		space = memchr(p, ' ', (size_t)(end - p));
		len = space ? (size_t)(space - p) : (size_t)(end - p);
		if ((id = token_number(t, p, len)) < 0) {
			t->nids = start;
			return -1;
		}
		XGROW(t->ids, t->aids, t->nids + 1);
		t->ids[t->nids++] = (uint32_t)id;
	}
	*first = start;
	*n = t->nids - start;
	return 0;
}

void pages_tokens_print(struct pages_tokens *t, const struct pages_env *env)
{
	size_t i;

	free(t->print);
	free(t->missing);
	t->print = xcalloc(t->n + 1, sizeof *t->print);
	t->missing = xcalloc(t->n + 1, 1);
	for (i = 0; i < t->n; i++)
		t->missing[i] = token_print(env, &t->tok[i], &t->print[i]) < 0;
}

int pages_tokens_key(const struct pages_tokens *t, const struct pages_env *env,
		     const struct page *p, size_t first, size_t n, unsigned long long seed,
		     unsigned long long *key)
{
	unsigned long long h = key_start(env->pages, p, seed);
	size_t i;

	for (i = first; i < first + n; i++) {
		if (t->missing[t->ids[i]])
			return -1;
		h = mix(t->print[t->ids[i]], h);
	}
	*key = h;
	return 0;
}

void pages_tokens_free(struct pages_tokens *t)
{
	if (!t)
		return;
	free(t->tok);
	free(t->text);
	free(t->len);
	free(t->print);
	free(t->missing);
	free(t->slot);
	free(t->ids);
	free(t);
}
