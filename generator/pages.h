/* pages: every page a site has, and the template context of each. */
#ifndef WAYMARK_PAGES_H
#define WAYMARK_PAGES_H

#include <stddef.h>

#include "chart.h"
#include "content.h"
#include "diag.h"
#include "model.h"
#include "value.h"

/*
 * A page is one output file made by one template. Plain Markdown pages come
 * from their document; typed pages (a pathway, a skill, the list of
 * stories) come from the model. Pages are planned once, then each page's
 * context is built and rendered independently of the others.
 */
enum page_kind {
	PAGE_PLAIN, PAGE_FRAMEWORKS, PAGE_FRAMEWORK, PAGE_SKILL, PAGE_CROSSWALK,
	PAGE_LIFECYCLE, PAGE_STAGE, PAGE_PATHWAYS, PAGE_PATHWAY, PAGE_SECTORS,
	PAGE_SECTOR, PAGE_STORIES, PAGE_STORY, PAGE_GUIDES, PAGE_GUIDE,
	PAGE_CHAPTER, PAGE_GUIDE_ALL, PAGE_RESOURCES, PAGE_ORGANIZATIONS,
	PAGE_SEARCH, PAGE_PLAN, PAGE_NOT_FOUND,
	PAGE_KINDS
};

struct page {
	enum page_kind kind;
	char *url;               /* root-relative: "/pathways/nursing/" */
	char *out;               /* below the output dir: "pathways/nursing/index.html" */
	const char *title;
	struct doc *doc;         /* the Markdown it shows (body, toc, summary), or NULL */
	struct record *record;   /* the record it shows, or NULL */
	struct record *other;    /* crosswalk: the second framework */
	int number;              /* stories: the page number, from 1 */
	int pages;               /* stories: how many pages there are */
	struct chart *charts;    /* the charts it shows (see figures.h) */
	size_t ncharts;
	struct value *figures;   /* their HTML: a list of {id, html} */
};

struct page_list {
	struct page *items;
	size_t n, alloc;
	struct page **by_url;    /* sorted by url, for breadcrumbs */
};

/* What every page's context shares. */
struct pages_env {
	const char *base_path;        /* "/" or "/sub/" */
	const struct value *site;     /* the `site` map */
	const struct value *assets;   /* the `assets` map */
	const struct value *menu;     /* site.yaml's menu, or NULL */
	const struct model *model;
	const struct page_list *pages;
};

/* Plan every page of the site. Two pages with one URL is an error.
 * Returns 0 or -1 (recorded). */
int pages_plan(struct page_list *pl, const struct model *m, const struct content *c,
	       struct diag_list *dl);
void pages_release(struct page_list *pl);
/* The template a page is rendered with ("pathway"); a `layout` field in
 * the page's front matter overrides it. */
const char *pages_layout(const struct page *p);
/* "Pathways", "Skills"...: what a page is, for people (search results). */
const char *pages_kind_label(enum page_kind kind);
/* 1 when the page belongs in search (not the search page, a 404, a
 * second page of a list or a one-page edition of a guide). */
int pages_searchable(const struct page *p);
/* The page at `url`, or NULL. */
const struct page *pages_find(const struct page_list *pl, const char *url);
/*
 * The context `p`'s template receives: `site`, `assets`, `page` and the
 * page kind's own data (docs/content-model.md lists every field). Bodies
 * must have been rendered into doc->html beforehand. The caller frees it.
 */
struct value *pages_context(const struct pages_env *env, const struct page *p);

#endif
