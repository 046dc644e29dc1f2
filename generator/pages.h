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
	/* a list a page at a time (the story list, a stage's stories): this
	 * page's number from 1, how many pages and items there are, and the
	 * items this page shows; otherwise 0 and empty */
	int number, pages;
	size_t total;
	struct record_list shown;
	struct chart *charts;    /* the charts it shows (see figures.h) */
	size_t ncharts;
	struct value *figures;   /* their HTML: a list of {id, html} */
	unsigned long long print; /* its plan, its document and charts (pages_fingerprint) */
};

struct page_list {
	struct page *items;
	size_t n, alloc;
	size_t *url_slot;        /* finding a page by url: index + 1, 0 empty */
	size_t url_mask;
	/* set by pages_fingerprint: the prints of every record of a kind in
	 * display order, of their ids in order, of every page's print, and of
	 * every page's plan and fields without its body (what lists of pages
	 * such as the search index read) */
	unsigned long long kind_print[RECORD_KINDS], order_print[RECORD_KINDS], set_print;
	/* ...of the ids in order with what each belongs to (link_print), and
	 * of the prints of one kind of page (page_kind_print) */
	unsigned long long link_print[RECORD_KINDS], page_kind_print[PAGE_KINDS];
	unsigned long long plan_print;
};

/* What every page's context shares. */
struct pages_env {
	const char *base_path;        /* "/" or "/sub/" */
	const struct value *site;     /* the `site` map */
	const struct value *assets;   /* the `assets` map */
	const struct value *menu;     /* site.yaml's menu, or NULL */
	const struct model *model;
	const struct page_list *pages;
	/* fetch a document's body (doc->html_later, joined_later) when a
	 * context needs it; called from several threads */
	void (*load_body)(void *ctx, struct doc *d);
	void *load_ctx;
	const char *content_dir;      /* the site's content/: pictures' sizes */
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
/* The page's URL that `url` (one no page has) most likely meant: one a
 * typo away, else the only one whose last part is the same (a page moved
 * to another section); or NULL. */
const char *pages_suggest(const struct page_list *pl, const char *url);
/*
 * The context `p`'s template receives: `site`, `assets`, `page` and the
 * page kind's own data (docs/content-model.md lists every field). Bodies
 * must have been rendered into doc->html beforehand. The caller frees it.
 */
struct value *pages_context(const struct pages_env *env, const struct page *p);

/*
 * Dependencies: what a page's context read, so that a later build can tell
 * that a page is unchanged without building its context. A context reads
 * records (each through its print: its fields, its body, its links to and
 * from other records), the whole of a kind or just the order of its
 * records, and every page's plan (the search page lists them all). Every
 * context also reads the site settings and theme (the caller's `seed`),
 * its own page's plan and its breadcrumb trail's.
 */
struct pages_deps {
	const struct record **recs;
	size_t n, alloc;
	unsigned kinds;  /* bit k: every record of kind k, in order */
	unsigned orders; /* bit k: the order of the ids of kind k */
	int pages;       /* every page's print */
	unsigned links;  /* bit k: the ids of kind k in order, and what each belongs to */
	unsigned long long page_kinds; /* bit k: the prints of the pages of kind k */
};

/* pages_context, noting into `deps` what it read. */
struct value *pages_context_deps(const struct pages_env *env, const struct page *p,
				 struct pages_deps *deps);
void pages_deps_release(struct pages_deps *deps);
/* The deps as text, to keep until the next build: "k3 l5 o5 p q4 r2:nursing..."
 * (sorted, so equal sets give equal text). */
void pages_deps_text(const struct pages_deps *deps, struct strbuf *out);
/*
 * The hash of everything `p` depends on in this build, with dependencies
 * `text` (from pages_deps_text, maybe of an earlier build). Returns 0, or
 * -1 when the text names a record this build does not have.
 */
int pages_deps_key(const struct pages_env *env, const struct page *p, const char *text,
		   unsigned long long seed, unsigned long long *key);

/*
 * The last build's dependency texts, read once ahead of the pages (on a
 * thread that would otherwise wait): each distinct token ("r3:teamwork")
 * gets a number, and pages_tokens_print works out what each stands for
 * in this build once, so that checking a page's key is a few multiplies
 * rather than reading its text and finding its records again. The key is
 * the one pages_deps_key gives from the same text.
 */
struct pages_tokens;
struct pages_tokens *pages_tokens_new(void);
/* Number the tokens of `text` (borrowed until pages_tokens_free): they
 * are then the table's [*first, *first + *n). -1 when one is not a
 * token. Not thread-safe. */
int pages_tokens_add(struct pages_tokens *t, const char *text, size_t *first, size_t *n);
/* Once the prints are worked out (pages_fingerprint). */
void pages_tokens_print(struct pages_tokens *t, const struct pages_env *env);
/* pages_deps_key, for the text numbered [first, first + n). */
int pages_tokens_key(const struct pages_tokens *t, const struct pages_env *env,
		     const struct page *p, size_t first, size_t n, unsigned long long seed,
		     unsigned long long *key);
void pages_tokens_free(struct pages_tokens *t);
/* Set the prints of every record and page, and the page list's kind,
 * order and set prints. Bodies must have been rendered (doc->body_key). */
void pages_fingerprint(struct model *m, struct page_list *pl);

#endif
