/* build: the pipeline from a site directory to a written site. */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "content.h"
#include "fsutil.h"
#include "markdown.h"
#include "output.h"
#include "strbuf.h"
#include "theme.h"
#include "value.h"
#include "xalloc.h"

/* Everything one build needs, passed down instead of kept in globals. */
struct build {
	const struct build_opts *opts;
	struct config cfg;
	struct theme theme;
	struct content content;
	struct output out;
	struct diag_list *dl;
	char *base_path;   /* "/" or "/sub/": the path part of base_url */
	struct value *site; /* the `site` map every page context shares */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "https://example.org/sub/" → "/sub/"; "/" → "/" */
static char *path_of(const char *base_url)
{
	const char *p = strstr(base_url, "://");

	if (p) {
		p = strchr(p + 3, '/');
		return xstrdup(p ? p : "/");
	}
	return xstrdup(base_url);
}

/* The link a page uses for a root-relative URL: base path + url. */
static char *href_of(const struct build *b, const char *url)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, b->base_path);
	strbuf_adds(&sb, url + (*url == '/'));
	return strbuf_detach(&sb, NULL);
}

struct resolver {
	struct build *b;
	struct strbuf scratch; /* holds the last URL handed out */
};

static const char *resolve(void *ctx, const char *rel, const char **suggest)
{
	struct resolver *r = ctx;
	struct doc *d = content_find(&r->b->content, rel);
	char *href;

	if (!d || !d->is_markdown) {
		*suggest = content_suggest(&r->b->content, rel);
		return NULL;
	}
	href = href_of(r->b, d->url);
	strbuf_reset(&r->scratch);
	strbuf_adds(&r->scratch, href);
	free(href);
	return r->scratch.buf;
}

static const char *title_of(const struct doc *d)
{
	const char *t = value_string(value_get(d->meta, "title"));

	return t ? t : "";
}

/* Home, then each ancestor page that exists, for the breadcrumb trail. */
static struct value *breadcrumbs(struct build *b, const struct doc *d)
{
	struct value *list = value_new_list();
	struct strbuf rel = STRBUF_INIT;
	const char *p;
	size_t i;

	if (!strcmp(d->url, "/"))
		return list;
	for (p = d->url + 1; (p = strchr(p, '/')) && p[1]; p++) {
		/* the page whose URL is d->url[0..p] */
		for (i = 0; i < b->content.n; i++) {
			const struct doc *a = b->content.docs[i];

			if (a->is_markdown && strlen(a->url) == (size_t)(p - d->url + 1) &&
			    !strncmp(a->url, d->url, (size_t)(p - d->url + 1))) {
				struct value *e = value_new_map();
				char *href = href_of(b, a->url);

				value_map_set_str(e, "title", title_of(a));
				value_map_set_str(e, "url", href);
				value_list_push(list, e);
				free(href);
				break;
			}
		}
	}
	strbuf_release(&rel);
	return list;
}

static struct value *site_context(const struct config *cfg, const char *base_path)
{
	struct value *s = value_new_map();

	value_map_set_str(s, "title", cfg->title);
	value_map_set_str(s, "description", cfg->description);
	value_map_set_str(s, "lang", cfg->lang);
	value_map_set_str(s, "base_url", cfg->base_url);
	value_map_set_str(s, "base_path", base_path);
	return s;
}

/* The site's menu with links made absolute and the item for this page
 * marked `current`. */
static struct value *menu_for(struct build *b, const char *page_url)
{
	struct value *menu = value_new_list();
	const struct value *m = b->cfg.menu;
	size_t i;

	for (i = 0; m && i < m->n; i++) {
		const char *url = value_string(value_get(m->items[i], "url"));
		struct value *e = value_new_map();
		int local = url && url[0] == '/';
		char *href = local ? href_of(b, url) : NULL;

		value_map_set_str(e, "title", value_get(m->items[i], "title")->str);
		value_map_set_str(e, "url", href ? href : url ? url : "");
		value_map_set_bool(e, "current", local && !strcmp(url, page_url));
		value_list_push(menu, e);
		free(href);
	}
	return menu;
}

/* The context a page template receives: site, page, assets. */
static struct value *page_context(struct build *b, const struct doc *d, const char *html,
				  struct value *toc)
{
	struct value *ctx = value_new_map(), *page = value_new_map(), *site, *menu, *crumbs;
	const struct value *summary = value_get(d->meta, "summary");
	char *href = href_of(b, d->url);
	size_t i, ntoc = 0;

	for (i = 0; i < toc->n; i++) {
		const struct value *lv = value_get(toc->items[i], "level");

		if (lv && lv->number <= 3 && lv->number >= 2)
			ntoc++;
	}
	value_map_set_str(page, "title", title_of(d));
	value_map_set_str(page, "summary", summary && summary->str ? summary->str : "");
	value_map_set_str(page, "url", href);
	value_map_set_str(page, "content", html);
	value_map_set_bool(page, "is_home", !strcmp(d->url, "/"));
	value_map_set_bool(page, "has_toc", ntoc >= 2);
	value_map_set(page, "toc", toc, NULL);
	crumbs = breadcrumbs(b, d);
	value_map_set_bool(page, "has_breadcrumbs", crumbs->n > 0 || strcmp(d->url, "/"));
	value_map_set(page, "breadcrumbs", crumbs, NULL);
	value_map_set(page, "meta", value_copy(d->meta), NULL);
	value_map_set(ctx, "page", page, NULL);
	site = value_copy(b->site);
	menu = menu_for(b, d->url);
	value_map_set_bool(site, "has_menu", menu->n > 0);
	value_map_set(site, "menu", menu, NULL);
	value_map_set(ctx, "site", site, NULL);
	value_map_set(ctx, "assets", value_copy(b->theme.asset_urls), NULL);
	free(href);
	return ctx;
}

static void render_page(struct build *b, struct resolver *r, const struct doc *d)
{
	struct markdown_opts mo = { d->path, d->rel, d->body_line - 1, b->cfg.unsafe,
				    resolve, r };
	struct strbuf html = STRBUF_INIT, page = STRBUF_INIT;
	struct value *toc = NULL, *ctx;
	const char *layout = value_string(value_get(d->meta, "layout"));

	markdown_render(d->body, d->body_len, &mo, &html, &toc, b->dl);
	ctx = page_context(b, d, html.buf, toc);
	if (!layout)
		layout = !strcmp(d->url, "/") && theme_has(&b->theme, "home") ? "home" : "page";
	if (!theme_has(&b->theme, layout)) {
		const struct value *lv = value_get(d->meta, "layout");

		diag_error(b->dl, lv ? &lv->pos : NULL, "unknown layout '%s'", layout);
	} else if (theme_render(&b->theme, layout, ctx, b->opts->strict, &page, b->dl) == 0) {
		output_write(&b->out, d->out, page.buf, page.len, b->dl);
	}
	value_free(ctx);
	strbuf_release(&html);
	strbuf_release(&page);
}

static void progress(const struct build *b, size_t done, size_t total)
{
	if (b->opts->progress && total >= 200 && (done % 50 == 0 || done == total))
		fprintf(stderr, "\rrendering %zu/%zu pages", done, total);
	if (b->opts->progress && total >= 200 && done == total)
		fputs("\r\033[K", stderr);
}

int build_run(const struct build_opts *opts, struct diag_list *dl, struct build_stats *st)
{
	struct build b;
	struct resolver r;
	char *out_dir;
	double t0 = now();
	const struct value *theme_where;
	size_t i, total = 0, done = 0;
	int status;

	memset(&b, 0, sizeof b);
	memset(st, 0, sizeof *st);
	b.opts = opts;
	b.dl = dl;
	out_dir = opts->out_dir ? xstrdup(opts->out_dir) : fs_join(opts->site_dir, "public");
	if (config_load(&b.cfg, opts->site_dir, dl) < 0)
		goto finish;
	b.base_path = path_of(b.cfg.base_url);
	b.site = site_context(&b.cfg, b.base_path);
	theme_where = value_get(b.cfg.raw, "theme");
	theme_load(&b.theme, opts->site_dir, b.cfg.theme, theme_where ? &theme_where->pos : NULL,
		   b.base_path, dl);
	content_load(&b.content, opts->site_dir, opts->drafts, dl);
	if (dl->errors)
		goto finish;
	if (output_begin(&b.out, out_dir, opts->site_dir, opts->dry_run, dl) < 0)
		goto finish;

	r.b = &b;
	strbuf_init(&r.scratch, 0);
	for (i = 0; i < b.content.n; i++)
		total += b.content.docs[i]->is_markdown;
	for (i = 0; i < b.content.n; i++) {
		if (!b.content.docs[i]->is_markdown)
			continue;
		render_page(&b, &r, b.content.docs[i]);
		st->pages++;
		progress(&b, ++done, total);
	}
	strbuf_release(&r.scratch);
	theme_write_assets(&b.theme, &b.out, dl);

	if (dl->errors)
		output_abort(&b.out);
	else
		output_commit(&b.out, dl);
	st->written = b.out.written;
	st->kept = b.out.kept;
finish:
	status = dl->io_errors ? 3 : dl->errors ? 1 : 0;
	if (status)
		st->pages = 0;
	output_release(&b.out);
	content_release(&b.content);
	theme_release(&b.theme);
	value_free(b.site);
	free(b.base_path);
	config_release(&b.cfg);
	free(out_dir);
	st->seconds = now() - t0;
	return status;
}
