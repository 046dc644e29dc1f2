/* template_bench: render 10,000 page contexts through the default layout. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "diag.h"
#include "strbuf.h"
#include "theme.h"
#include "value.h"

#define PAGES 10000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A context shaped like a plain page's: site, assets, page with a body of
 * about 600 words, a table of contents and breadcrumbs. */
static struct value *context(const struct theme *t, int i)
{
	struct value *ctx = value_new_map(), *site = value_new_map(), *page = value_new_map();
	struct value *toc = value_new_list(), *crumbs = value_new_list(), *menu = value_new_list();
	struct strbuf body = STRBUF_INIT, s = STRBUF_INIT;
	int k;

	value_map_set_str(site, "title", "Pathways to Better Jobs");
	value_map_set_str(site, "lang", "en");
	value_map_set_str(site, "base_path", "/");
	for (k = 0; k < 6; k++) {
		struct value *m = value_new_map();

		strbuf_reset(&s);
		strbuf_addf(&s, "/section-%d/", k);
		value_map_set_str(m, "title", "Section");
		value_map_set_str(m, "url", s.buf);
		value_map_set_bool(m, "current", k == i % 6);
		value_list_push(menu, m);
	}
	value_map_set_bool(site, "has_menu", 1);
	value_map_set(site, "menu", menu, NULL);
	for (k = 0; k < 4; k++) {
		struct value *h = value_new_map();

		strbuf_reset(&s);
		strbuf_addf(&s, "heading-%d", k);
		value_map_set_num(h, "level", 2);
		value_map_set_str(h, "id", s.buf);
		value_map_set_str(h, "title", "A heading & more");
		value_list_push(toc, h);
		strbuf_addf(&body, "<h2 id=\"%s\">A heading</h2>\n", s.buf);
		for (int p = 0; p < 5; p++)
			strbuf_adds(&body, "<p>Workers can ask about training, pay and the next step up. "
					   "Employers can show the path from each entry job to better ones, "
					   "and community groups can help with child care and transport.</p>\n");
	}
	{
		struct value *c = value_new_map();

		value_map_set_str(c, "title", "Pathways");
		value_map_set_str(c, "url", "/pathways/");
		value_list_push(crumbs, c);
	}
	strbuf_reset(&s);
	strbuf_addf(&s, "Page number %d", i);
	value_map_set_str(page, "title", s.buf);
	value_map_set_str(page, "summary", "A short summary of the page for workers.");
	value_map_set_str(page, "url", "/pathways/x/");
	value_map_set_str(page, "content", body.buf);
	value_map_set_bool(page, "has_toc", 1);
	value_map_set(page, "toc", toc, NULL);
	value_map_set_bool(page, "has_breadcrumbs", 1);
	value_map_set(page, "breadcrumbs", crumbs, NULL);
	value_map_set(ctx, "site", site, NULL);
	value_map_set(ctx, "page", page, NULL);
	value_map_set(ctx, "assets", value_copy(t->asset_urls), NULL);
	strbuf_release(&body);
	strbuf_release(&s);
	return ctx;
}

int main(int argc, char **argv)
{
	const char *site_dir = argc > 1 ? argv[1] : ".";
	struct diag_list dl = DIAG_LIST_INIT;
	struct theme t;
	struct strbuf out = STRBUF_INIT;
	struct value **ctx = malloc(PAGES * sizeof *ctx);
	size_t bytes = 0;
	double t0, t1, t2;
	int i;

	t0 = now();
	if (theme_load(&t, site_dir, "default", NULL, "/", &dl) < 0) {
		diag_list_print(&dl, stderr);
		return 1;
	}
	for (i = 0; i < PAGES; i++)
		ctx[i] = context(&t, i);
	t1 = now();
	for (i = 0; i < PAGES; i++) {
		strbuf_reset(&out);
		if (theme_render(&t, "page", ctx[i], 0, NULL, NULL, &out, &dl) < 0) {
			diag_list_print(&dl, stderr);
			return 1;
		}
		bytes += out.len;
	}
	t2 = now();
	printf("template bench: %d page contexts through the default layout in %.1f ms "
	       "(%.0f pages/s, %.1f us/page, %.1f MB of HTML); building contexts took %.1f ms\n",
	       PAGES, (t2 - t1) * 1000, PAGES / (t2 - t1), (t2 - t1) * 1e6 / PAGES,
	       bytes / 1e6, (t1 - t0) * 1000);
	for (i = 0; i < PAGES; i++)
		value_free(ctx[i]);
	free(ctx);
	theme_release(&t);
	strbuf_release(&out);
	diag_list_release(&dl);
	return 0;
}
