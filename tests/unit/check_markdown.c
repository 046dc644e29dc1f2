/* check_markdown: Markdown to HTML, heading ids, toc and content links. */
#include "test.h"

#include <cmark-gfm.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "markdown.h"

/* The content files the fake site holds, and their clean URLs. */
static const char *const site_paths[] = {
	"pathways/healthcare.md", "pages/about.md", "guides/x/_index.md",
};
static const char *const site_urls[] = {
	"/pathways/healthcare/", "/about/", "/guides/x/",
};
#define NSITE (sizeof site_paths / sizeof *site_paths)

/* What the resolver was last asked, so tests can see the normalized path. */
struct lookup {
	char asked[256];
	int suggest; /* offer a near path for "did you mean" */
};

static const char *resolve(void *ctx, const char *rel, const char **suggest)
{
	struct lookup *l = ctx;
	size_t i;

	snprintf(l->asked, sizeof l->asked, "%s", rel);
	for (i = 0; i < NSITE; i++)
		if (!strcmp(site_paths[i], rel))
			return site_urls[i];
	if (l->suggest)
		*suggest = diag_suggest(rel, site_paths, NSITE);
	return NULL;
}

/* One render of `md` as content/pages/x.md (front matter of `offset` lines). */
struct render {
	struct lookup lookup;
	struct markdown_opts opts;
	struct strbuf html;
	struct value *toc;
	struct diag_list dl;
	int ret;
};

/* The options of such a render, before it is made (a test may add more). */
static void render_setup(struct render *r, int unsafe, int offset, int suggest,
			 markdown_resolve_fn resolver,
			 int (*picture_size)(void *, const char *, int *, int *))
{
	memset(r, 0, sizeof *r);
	r->lookup.suggest = suggest;
	r->opts.path = "content/pages/x.md";
	r->opts.rel = "pages/x.md";
	r->opts.line_offset = offset;
	r->opts.unsafe = unsafe;
	r->opts.resolve = resolver;
	r->opts.resolve_ctx = &r->lookup;
	r->opts.picture_size = picture_size;
	strbuf_init(&r->html, 0);
	diag_list_init(&r->dl);
}

static void render_made(struct render *r, const char *md)
{
	r->ret = markdown_render(md, strlen(md), &r->opts, &r->html, &r->toc, &r->dl);
}

static void render_with(struct render *r, const char *md, int unsafe, int offset, int suggest,
			markdown_resolve_fn resolver,
			int (*picture_size)(void *, const char *, int *, int *))
{
	render_setup(r, unsafe, offset, suggest, resolver, picture_size);
	render_made(r, md);
}

static void render_opts(struct render *r, const char *md, int unsafe, int offset,
			int suggest)
{
	render_with(r, md, unsafe, offset, suggest, resolve, NULL);
}

static void render(struct render *r, const char *md)
{
	render_opts(r, md, 0, 0, 1);
}

static void render_release(struct render *r)
{
	strbuf_release(&r->html);
	value_free(r->toc);
	diag_list_release(&r->dl);
}

#define ck_assert_html_has(r, s) \
	ck_assert_msg(strstr((r)->html.buf, (s)) != NULL, "no '%s' in:\n%s", (s), (r)->html.buf)
#define ck_assert_html_lacks(r, s) \
	ck_assert_msg(strstr((r)->html.buf, (s)) == NULL, "'%s' found in:\n%s", (s), (r)->html.buf)

static void assert_diag(const struct diag_list *dl, size_t i, const char *want)
{
	char *s;

	ck_assert_uint_lt(i, dl->n);
	s = diag_format(&dl->items[i]);
	ck_assert_str_eq(s, want);
	free(s);
}

static void assert_toc(const struct value *toc, size_t i, int level, const char *id,
		       const char *title)
{
	const struct value *e;

	ck_assert_uint_lt(i, toc->n);
	e = toc->items[i];
	ck_assert_int_eq(value_get(e, "level")->kind, VALUE_NUMBER);
	ck_assert(value_get(e, "level")->number == level);
	ck_assert_str_eq(value_string(value_get(e, "id")), id);
	ck_assert_str_eq(value_string(value_get(e, "title")), title);
}

/* WAYMARK_TIMINGS=1 and the benchmark report the time parses took */
START_TEST(parsing_time_is_counted)
{
	struct render r;
	double before = markdown_parse_seconds(), once;

	render(&r, "# A heading\n\nSome *text*, a [link](https://example.org/).\n");
	render_release(&r);
	once = markdown_parse_seconds();
	ck_assert(once > before);
	render(&r, "Another paragraph.\n");
	render_release(&r);
	ck_assert(markdown_parse_seconds() > once);
}
END_TEST

/* ---- headings -------------------------------------------------------- */

START_TEST(headings_get_ids_from_their_text)
{
	struct render r;

	render(&r, "# Hello World\n\ntext\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_html_has(&r, "<h1 id=\"hello-world\">");
	ck_assert_html_has(&r, "Hello World");
	ck_assert_html_has(&r, "</h1>");
	ck_assert_html_has(&r, "<p>text</p>");
	render_release(&r);
}
END_TEST

START_TEST(duplicate_heading_ids_get_numbered)
{
	struct render r;

	render(&r, "# Hello World\n\n## Hello, *World*!\n\n### hello world\n");
	ck_assert_html_has(&r, "<h1 id=\"hello-world\">");
	ck_assert_html_has(&r, "<h2 id=\"hello-world-2\">");
	ck_assert_html_has(&r, "<h3 id=\"hello-world-3\">");
	render_release(&r);
}
END_TEST

START_TEST(reserved_ids_are_never_used)
{
	struct render r;

	render(&r, "# Main\n\n# Toc\n\n# Content\n\n# Footer\n");
	ck_assert_html_has(&r, "<h1 id=\"main-2\">");
	ck_assert_html_has(&r, "<h1 id=\"toc-2\">");
	ck_assert_html_has(&r, "<h1 id=\"content-2\">");
	ck_assert_html_has(&r, "<h1 id=\"footer-2\">");
	ck_assert_html_lacks(&r, "id=\"main\"");
	render_release(&r);
}
END_TEST

START_TEST(heading_without_usable_text_gets_fallback_id)
{
	struct render r;

	render(&r, "# !!!\n\n# ???\n");
	ck_assert_html_has(&r, "<h1 id=\"section\">");
	ck_assert_html_has(&r, "<h1 id=\"section-2\">");
	render_release(&r);
}
END_TEST

/* Smart punctuation turns ' into U+2019 before the heading is slugged;
 * the id must still drop it like a straight apostrophe (fixed in slug.c,
 * f503ec4). */
START_TEST(heading_apostrophe_is_dropped_from_id)
{
	struct render r;

	render(&r, "## Worker's rights\n");
	ck_assert_html_has(&r, "<h2 id=\"workers-rights\">");
	assert_toc(r.toc, 0, 2, "workers-rights", "Worker\u2019s rights");
	render_release(&r);
}
END_TEST

START_TEST(toc_lists_level_id_and_title)
{
	struct render r;

	render(&r, "# Hello World\n\ntext\n\n## Hello, *World*!\n\n### Main\n");
	ck_assert_ptr_nonnull(r.toc);
	ck_assert_int_eq(r.toc->kind, VALUE_LIST);
	ck_assert_uint_eq(r.toc->n, 3);
	assert_toc(r.toc, 0, 1, "hello-world", "Hello World");
	assert_toc(r.toc, 1, 2, "hello-world-2", "Hello, World!");
	assert_toc(r.toc, 2, 3, "main-2", "Main");
	render_release(&r);
}
END_TEST

START_TEST(toc_is_empty_list_without_headings)
{
	struct render r;

	render(&r, "just text\n");
	ck_assert_ptr_nonnull(r.toc);
	ck_assert_int_eq(r.toc->kind, VALUE_LIST);
	ck_assert_uint_eq(r.toc->n, 0);
	render_release(&r);
}
END_TEST

START_TEST(toc_may_be_null)
{
	struct markdown_opts o = { .path = "content/a.md", .rel = "a.md", .line_offset = 0, .unsafe = 0, .resolve = NULL, .resolve_ctx = NULL };
	struct strbuf html = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	const char *md = "# One\n";

	ck_assert_int_eq(markdown_render(md, strlen(md), &o, &html, NULL, &dl), 0);
	ck_assert_ptr_nonnull(strstr(html.buf, "<h1 id=\"one\">"));
	strbuf_release(&html);
	diag_list_release(&dl);
}
END_TEST

START_TEST(html_is_appended)
{
	struct markdown_opts o = { .path = "content/a.md", .rel = "a.md", .line_offset = 0, .unsafe = 0, .resolve = NULL, .resolve_ctx = NULL };
	struct strbuf html = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;

	strbuf_adds(&html, "<main>");
	markdown_render("hi", 2, &o, &html, NULL, &dl);
	ck_assert_str_eq(html.buf, "<main><p>hi</p>\n");
	strbuf_release(&html);
	diag_list_release(&dl);
}
END_TEST

/* ---- GFM extensions -------------------------------------------------- */

START_TEST(gfm_table)
{
	struct render r;

	render(&r, "| a | b |\n|---|---|\n| 1 | 2 |\n");
	ck_assert_html_has(&r, "<table>");
	ck_assert_html_has(&r, "<th>a</th>");
	ck_assert_html_has(&r, "<td>2</td>");
	render_release(&r);
}
END_TEST

START_TEST(gfm_strikethrough)
{
	struct render r;

	render(&r, "~~gone~~\n");
	ck_assert_str_eq(r.html.buf, "<p><del>gone</del></p>\n");
	render_release(&r);
}
END_TEST

START_TEST(gfm_autolink)
{
	struct render r;

	render(&r, "see www.example.com and https://x.org/a\n");
	ck_assert_html_has(&r, "<a href=\"http://www.example.com\">www.example.com</a>");
	ck_assert_html_has(&r, "<a href=\"https://x.org/a\">https://x.org/a</a>");
	render_release(&r);
}
END_TEST

/* Each kind of autolink alone in a text, so that the text's look for one
 * (autolinks are parsed only where there may be one) finds each; and prose
 * with 'w' and ':' in it but none renders as it would with them. */
START_TEST(gfm_autolink_each_kind_alone)
{
	static const char *const cases[][2] = {
		{ "at www.example.org.\n", "<a href=\"http://www.example.org\">www.example.org</a>." },
		{ "at ftp://x.org/a\n", "<a href=\"ftp://x.org/a\">ftp://x.org/a</a>" },
		{ "to a.b@example.org\n", "<a href=\"mailto:a.b@example.org\">a.b@example.org</a>" },
		{ "to a&#64;example.org\n", "<a href=\"mailto:a@example.org\">a@example.org</a>" },
		{ "we wait: www and w. now\n", "<p>we wait: www and w. now</p>" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct render r;

		render(&r, cases[i][0]);
		ck_assert_html_has(&r, cases[i][1]);
		render_release(&r);
	}
}
END_TEST

START_TEST(gfm_tasklist_items_are_named_for_screen_readers)
{
	struct render r;

	render(&r, "- [ ] todo\n- [x] done\n");
	ck_assert_html_has(&r, "<li><span class=\"task task-todo\"><span aria-hidden=\"true\">\u2610</span>"
			       "<span class=\"visually-hidden\">To do:</span></span> todo</li>");
	ck_assert_html_has(&r, "<li><span class=\"task task-done\"><span aria-hidden=\"true\">\u2611</span>"
			       "<span class=\"visually-hidden\">Done:</span></span> done</li>");
	ck_assert(strstr(r.html.buf, "<input") == NULL);
	render_release(&r);
}
END_TEST

START_TEST(tables_sit_in_a_named_scrolling_region)
{
	struct render r;

	render(&r, "| Step | Months |\n|---|---|\n| Aide | 6 |\n");
	ck_assert_html_has(&r, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" "
			       "aria-label=\"Table: Step, Months\">");
	ck_assert_html_has(&r, "</table>\n</div>");
	render_release(&r);
}
END_TEST

START_TEST(headings_avoid_template_and_footnote_ids)
{
	static const char *const reserved[] = { "steps" };

	{
		struct markdown_opts o = { .path = "content/a.md", .rel = "a.md",
					   .reserved = reserved, .nreserved = 1 };
		struct strbuf html = STRBUF_INIT;
		struct diag_list dl = DIAG_LIST_INIT;
		const char *md = "## Steps\n\n## Fn 1\n";

		markdown_render(md, strlen(md), &o, &html, NULL, &dl);
		ck_assert(strstr(html.buf, "id=\"steps-2\"") != NULL);
		ck_assert(strstr(html.buf, "id=\"fn-1-2\"") != NULL);
		strbuf_release(&html);
		diag_list_release(&dl);
	}
}
END_TEST

/* ---- raw HTML -------------------------------------------------------- */

START_TEST(raw_html_block_shown_as_text_by_default)
{
	struct render r;

	render(&r, "<div onclick=\"x\">hi</div>\n");
	ck_assert_str_eq(r.html.buf,
			 "<p>&lt;div onclick=&quot;x&quot;&gt;hi&lt;/div&gt;</p>\n");
	render_release(&r);
}
END_TEST

START_TEST(raw_inline_html_shown_as_text_by_default)
{
	struct render r;

	render(&r, "a <b>bold</b> c\n");
	ck_assert_str_eq(r.html.buf, "<p>a &lt;b&gt;bold&lt;/b&gt; c</p>\n");
	render_release(&r);
}
END_TEST

/* Addresses that would run code or open files lose their address, with a
 * warning at each; pictures in data: and ordinary schemes stay. With
 * markdown.unsafe, cmark-gfm keeps them all and nothing is said. */
START_TEST(script_addresses_are_dropped_with_a_warning)
{
	struct render r;

	render(&r, "[a](javascript:alert(1)) [b](VBScript:x) ![c](data:text/html,x)\n"
		   "![d](data:image/png;base64,AAAA) [e](https://example.org/) [f](mailto:a@b.c)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.dl.n, 3);
	ck_assert_uint_eq(r.dl.warnings, 3);
	assert_diag(&r.dl, 0,
		    "content/pages/x.md:1:1: warning: the link to 'javascript:alert(1)' is left without an address: a 'javascript:' address could run code or open files in a reader's browser");
	assert_diag(&r.dl, 2,
		    "content/pages/x.md:1:42: warning: the image from 'data:text/html,x' is left without an address: a 'data:' address could run code or open files in a reader's browser");
	ck_assert_html_lacks(&r, "javascript");
	ck_assert_html_lacks(&r, "VBScript");
	ck_assert_html_has(&r, "src=\"data:image/png;base64,AAAA\"");
	ck_assert_html_has(&r, "href=\"https://example.org/\"");
	ck_assert_html_has(&r, "href=\"mailto:a@b.c\"");
	render_release(&r);

	render_opts(&r, "[a](javascript:alert(1))\n", 1, 0, 1);
	ck_assert_uint_eq(r.dl.n, 0);
	ck_assert_html_has(&r, "href=\"javascript:alert(1)\"");
	render_release(&r);
}
END_TEST

START_TEST(raw_html_passes_through_when_unsafe)
{
	struct render r;

	render_opts(&r, "<div class=\"x\">hi</div>\n\na <b>bold</b> c\n", 1, 0, 1);
	ck_assert_str_eq(r.html.buf, "<div class=\"x\">hi</div>\n<p>a <b>bold</b> c</p>\n");
	render_release(&r);
}
END_TEST

START_TEST(script_tag_filtered_even_when_unsafe)
{
	struct render r;

	render_opts(&r, "a <script>alert(1)</script>\n", 1, 0, 1);
	ck_assert_html_lacks(&r, "<script>");
	render_release(&r);
}
END_TEST

START_TEST(javascript_url_dropped_in_safe_mode)
{
	struct render r;

	render(&r, "[bad](javascript:alert(1)) [ok](https://x.org)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_html_lacks(&r, "javascript:");
	ck_assert_html_has(&r, "<a href=\"\">bad</a>");
	ck_assert_html_has(&r, "<a href=\"https://x.org\">ok</a>");
	render_release(&r);
}
END_TEST

/* ---- links between content files ------------------------------------ */

START_TEST(relative_md_link_becomes_clean_url)
{
	struct render r;

	render(&r, "[hc](../pathways/healthcare.md) [ab](about.md)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.dl.n, 0);
	ck_assert_html_has(&r, "<a href=\"/pathways/healthcare/\">hc</a>");
	ck_assert_html_has(&r, "<a href=\"/about/\">ab</a>");
	render_release(&r);
}
END_TEST

START_TEST(relative_md_link_keeps_fragment)
{
	struct render r;

	render(&r, "[hc](../pathways/healthcare.md#cost)\n");
	ck_assert_html_has(&r, "<a href=\"/pathways/healthcare/#cost\">hc</a>");
	render_release(&r);
}
END_TEST

START_TEST(relative_md_link_is_normalized_before_lookup)
{
	struct render r;

	render(&r, "[g](./../guides/./x/_index.md)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_str_eq(r.lookup.asked, "guides/x/_index.md");
	ck_assert_html_has(&r, "<a href=\"/guides/x/\">g</a>");
	render_release(&r);
}
END_TEST

START_TEST(link_from_top_level_file)
{
	struct lookup l = { "", 0 };
	struct markdown_opts o = { .path = "content/_index.md", .rel = "_index.md", .line_offset = 0, .unsafe = 0, .resolve = resolve, .resolve_ctx = &l };
	struct strbuf html = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	const char *md = "[hc](pathways/healthcare.md)\n";

	ck_assert_int_eq(markdown_render(md, strlen(md), &o, &html, NULL, &dl), 0);
	ck_assert_str_eq(l.asked, "pathways/healthcare.md");
	ck_assert_str_eq(html.buf, "<p><a href=\"/pathways/healthcare/\">hc</a></p>\n");
	strbuf_release(&html);
	diag_list_release(&dl);
}
END_TEST

START_TEST(missing_link_target_is_error_at_its_position)
{
	struct render r;

	render_opts(&r, "para\n\nsee [m](missing.md) now\n", 0, 0, 0);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_uint_eq(r.dl.errors, 1);
	assert_diag(&r.dl, 0, "content/pages/x.md:3:5: error: link to missing page 'missing.md'");
	/* the HTML is still written, the link left as it was */
	ck_assert_html_has(&r, "<a href=\"missing.md\">m</a>");
	render_release(&r);
}
END_TEST

START_TEST(missing_link_line_includes_line_offset)
{
	struct render r;

	render_opts(&r, "[m](zzz.md)\n", 0, 4, 0);
	ck_assert_int_eq(r.ret, -1);
	assert_diag(&r.dl, 0, "content/pages/x.md:5:1: error: link to missing page 'zzz.md'");
	render_release(&r);
}
END_TEST

START_TEST(missing_link_suggests_relative_path)
{
	struct render r;

	render_opts(&r, "x\n\n[hc](../pathways/helthcare.md#cost)\n", 0, 3, 1);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_uint_eq(r.dl.n, 1);
	assert_diag(&r.dl, 0,
		    "content/pages/x.md:6:1: error: link to missing page "
		    "'../pathways/helthcare.md'; did you mean '../pathways/healthcare.md'?");
	render_release(&r);
}
END_TEST

/* ---- pictures' sizes -------------------------------------------------- */

/* Every .png below content/ is at /p/<path>; a picture's size is 10 by 20
 * times the length of its name, and "pages/unknown.png" has none. */
static const char *resolve_pictures(void *ctx, const char *rel, const char **suggest)
{
	static char url[256];

	(void)ctx;
	(void)suggest;
	snprintf(url, sizeof url, "/p/%s", rel);
	return strstr(rel, ".png") ? url : NULL;
}

static int picture_size(void *ctx, const char *rel, int *w, int *h)
{
	(void)ctx;
	if (!strcmp(rel, "pages/unknown.png"))
		return -1;
	*w = 10 * (int)strlen(rel);
	*h = 20 * (int)strlen(rel);
	return 0;
}

static void render_pictures(struct render *r, const char *md, int unsafe)
{
	render_with(r, md, unsafe, 0, 0, resolve_pictures, picture_size);
	ck_assert_int_eq(r->ret, 0);
}

START_TEST(pictures_of_the_site_state_their_size)
{
	struct render r;

	render_pictures(&r, "![A](a.png) ![B](https://example.org/b.png) ![C](unknown.png)\n", 0);
	/* pages/a.png: 11 letters */
	ck_assert_html_has(&r, "<img loading=\"lazy\" width=\"110\" height=\"220\" src=\"/p/pages/a.png\" alt=\"A\"");
	ck_assert_html_has(&r, "<img loading=\"lazy\" src=\"https://example.org/b.png\" alt=\"B\"");
	ck_assert_html_has(&r, "<img loading=\"lazy\" src=\"/p/pages/unknown.png\" alt=\"C\"");
	render_release(&r);
}
END_TEST

/* Raw HTML that writes '<img src="' (markdown.unsafe) before, between and
 * inside pictures leaves each size on its own picture. */
START_TEST(raw_html_pictures_leave_the_sizes_in_place)
{
	struct render r;

	render_pictures(&r,
			"<img src=\"raw.png\">\n\n"
			"![A <img src=\"alt.png\"> a](a.png)\n\n"
			"<p><img src=\"r2.png\"><img src=\"r3.png\"></p>\n\n"
			"Text <img src=\"r4.png\"> and ![B](bb.png) ![](ccc.png)\n",
			1);
	ck_assert_html_has(&r, "<img loading=\"lazy\" src=\"raw.png\">");
	ck_assert_html_has(&r, "width=\"110\" height=\"220\" src=\"/p/pages/a.png\"");
	ck_assert_html_has(&r, "<img loading=\"lazy\" src=\"r2.png\"><img loading=\"lazy\" src=\"r3.png\">");
	ck_assert_html_has(&r, "Text <img loading=\"lazy\" src=\"r4.png\">");
	ck_assert_html_has(&r, "width=\"120\" height=\"240\" src=\"/p/pages/bb.png\"");
	ck_assert_html_has(&r, "width=\"130\" height=\"260\" src=\"/p/pages/ccc.png\"");
	render_release(&r);
}
END_TEST

START_TEST(links_with_scheme_absolute_or_fragment_untouched)
{
	struct render r;

	render(&r, "[s](https://a.md) [m](mailto:a@b.md) [a](/pathways/healthcare.md) "
		   "[f](#top) [q](?x.md) [p](other.html) [d](dir/)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.dl.n, 0);
	ck_assert_str_eq(r.lookup.asked, "");
	ck_assert_html_has(&r, "<a href=\"https://a.md\">s</a>");
	ck_assert_html_has(&r, "<a href=\"mailto:a@b.md\">m</a>");
	ck_assert_html_has(&r, "<a href=\"/pathways/healthcare.md\">a</a>");
	ck_assert_html_has(&r, "<a href=\"#top\">f</a>");
	ck_assert_html_has(&r, "<a href=\"?x.md\">q</a>");
	ck_assert_html_has(&r, "<a href=\"other.html\">p</a>");
	ck_assert_html_has(&r, "<a href=\"dir/\">d</a>");
	render_release(&r);
}
END_TEST

/* markdown_opts.site_address: the site makes "/plan/" and "/a.png" */
static int site_address(void *ctx, const char *path, const char **suggest)
{
	(void)ctx;
	if (!strcmp(path, "/plan/") || !strcmp(path, "/a.png"))
		return 1;
	*suggest = !strcmp(path, "/pln/") ? "/plan/" : !strcmp(path, "/b.png") ? "/a.png" : NULL;
	return 0;
}

/* Addresses from the site's root are asked for as written (without
 * their ?query and #fragment, %XX decoded) before the base path goes in
 * front: one the site does not make is a warning, which fails nothing, and
 * a picture the site has gets its size. */
START_TEST(addresses_from_the_root_are_looked_for)
{
	struct render r;

	render_setup(&r, 0, 2, 0, NULL, picture_size);
	r.opts.site_address = site_address;
	r.opts.base_path = "/jobs/";
	render_made(&r, "[ok](/plan/#top) [typo](/pln/?x=1) ![A](/a.png) ![B](/b.png)\n\n"
			"[else](/donate/) [far](//example.org/x/) [esc](/pl%61n/)\n");
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.dl.errors, 0);
	ck_assert_uint_eq(r.dl.n, 3);
	assert_diag(&r.dl, 0,
		    "content/pages/x.md:3:18: warning: link to missing page '/pln/'; did you mean '/plan/'?");
	assert_diag(&r.dl, 1,
		    "content/pages/x.md:3:49: warning: missing picture '/b.png'; did you mean '/a.png'?");
	assert_diag(&r.dl, 2,
		    "content/pages/x.md:5:1: warning: link to missing page '/donate/': the site has no page there (for one that something else on the same host serves, write its whole address: https://...)");
	ck_assert_html_has(&r, "<a href=\"/jobs/plan/#top\">ok</a>");
	ck_assert_html_has(&r, "<a href=\"/jobs/pln/?x=1\">typo</a>");
	/* "/a.png": 5 letters; the missing one gets no size */
	ck_assert_html_has(&r, "<img loading=\"lazy\" width=\"50\" height=\"100\" src=\"/jobs/a.png\"");
	ck_assert_html_has(&r, "<img loading=\"lazy\" src=\"/jobs/b.png\"");
	ck_assert_html_has(&r, "<a href=\"//example.org/x/\">far</a>");
	ck_assert_html_has(&r, "<a href=\"/jobs/pl%61n/\">esc</a>");
	render_release(&r);
}
END_TEST

START_TEST(link_climbing_above_content_is_error)
{
	struct render r;

	render_opts(&r, "[up](../../x.md#a)\n", 0, 2, 1);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_uint_eq(r.dl.errors, 1);
	assert_diag(&r.dl, 0,
		    "content/pages/x.md:3:1: error: link to '../../x.md' points outside content/");
	render_release(&r);
}
END_TEST

START_TEST(every_bad_link_is_reported)
{
	struct render r;

	render_opts(&r, "[a](a.md) [b](../../b.md)\n\n[c](c.md)\n", 0, 0, 0);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_uint_eq(r.dl.errors, 3);
	assert_diag(&r.dl, 0, "content/pages/x.md:1:1: error: link to missing page 'a.md'");
	assert_diag(&r.dl, 1,
		    "content/pages/x.md:1:11: error: link to '../../b.md' points outside content/");
	assert_diag(&r.dl, 2, "content/pages/x.md:3:1: error: link to missing page 'c.md'");
	render_release(&r);
}
END_TEST

START_TEST(links_untouched_without_resolver)
{
	struct markdown_opts o = { .path = "content/a.md", .rel = "a.md", .line_offset = 0, .unsafe = 0, .resolve = NULL, .resolve_ctx = NULL };
	struct strbuf html = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	const char *md = "[m](missing.md)\n";

	ck_assert_int_eq(markdown_render(md, strlen(md), &o, &html, NULL, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_str_eq(html.buf, "<p><a href=\"missing.md\">m</a></p>\n");
	strbuf_release(&html);
	diag_list_release(&dl);
}
END_TEST

/* A filter that frees a node it made from the render's arena, and then
 * (when `read_after` says so) reads its text, as a hook's code would. */
static int free_a_node(void *ctx, struct cmark_node *doc, struct diag_list *dl)
{
	const int *read_after = ctx;
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_TEXT, markdown_mem());
	const char *text;
	volatile size_t len = 0;

	(void)doc;
	(void)dl;
	cmark_node_set_literal(n, "a text long enough to be its own allocation");
	text = cmark_node_get_literal(n);
	cmark_node_free(n);
	if (*read_after)
		len = strlen(text);
	(void)len;
	return 0;
}

static int render_freeing(int read_after)
{
	struct markdown_opts o = { .path = "content/pages/x.md", .rel = "pages/x.md",
				   .filter = free_a_node, .filter_ctx = &read_after };
	struct strbuf html = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	int ret = markdown_render("Hello.\n", 7, &o, &html, NULL, &dl);

	strbuf_release(&html);
	diag_list_release(&dl);
	return ret;
}

/* The arena gives nodes back without free(): under AddressSanitizer what
 * it had back is poisoned, so our code (or an intercepted call such as
 * strlen) reading a freed node's text is reported as it would be through
 * malloc and free, in a child process, which ASan stops. (cmark-gfm's own
 * reads are not checked: the library is not built with ASan.) */
START_TEST(freed_node_read_is_reported_under_asan)
{
	ck_assert_int_eq(render_freeing(0), 0);
#if defined(__SANITIZE_ADDRESS__)
	{
		pid_t pid = fork();
		int status = 0;

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 2); /* the report is expected */
			render_freeing(1);
			_exit(0);
		}
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
			      "AddressSanitizer did not report a read of a freed node");
	}
#endif
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("markdown");
	TCase *tc = tcase_create("markdown");

	/* Once per process: with CK_FORK=yes each test's child inherits it;
	 * with CK_FORK=no every test runs in this process. */
	markdown_init();

	tcase_add_test(tc, headings_get_ids_from_their_text);
	tcase_add_test(tc, duplicate_heading_ids_get_numbered);
	tcase_add_test(tc, reserved_ids_are_never_used);
	tcase_add_test(tc, heading_without_usable_text_gets_fallback_id);
	tcase_add_test(tc, heading_apostrophe_is_dropped_from_id);
	tcase_add_test(tc, toc_lists_level_id_and_title);
	tcase_add_test(tc, toc_is_empty_list_without_headings);
	tcase_add_test(tc, toc_may_be_null);
	tcase_add_test(tc, html_is_appended);
	tcase_add_test(tc, gfm_table);
	tcase_add_test(tc, gfm_strikethrough);
	tcase_add_test(tc, gfm_autolink);
	tcase_add_test(tc, gfm_autolink_each_kind_alone);
	tcase_add_test(tc, gfm_tasklist_items_are_named_for_screen_readers);
	tcase_add_test(tc, tables_sit_in_a_named_scrolling_region);
	tcase_add_test(tc, headings_avoid_template_and_footnote_ids);
	tcase_add_test(tc, raw_html_block_shown_as_text_by_default);
	tcase_add_test(tc, script_addresses_are_dropped_with_a_warning);
	tcase_add_test(tc, raw_inline_html_shown_as_text_by_default);
	tcase_add_test(tc, raw_html_passes_through_when_unsafe);
	tcase_add_test(tc, script_tag_filtered_even_when_unsafe);
	tcase_add_test(tc, javascript_url_dropped_in_safe_mode);
	tcase_add_test(tc, relative_md_link_becomes_clean_url);
	tcase_add_test(tc, relative_md_link_keeps_fragment);
	tcase_add_test(tc, relative_md_link_is_normalized_before_lookup);
	tcase_add_test(tc, link_from_top_level_file);
	tcase_add_test(tc, missing_link_target_is_error_at_its_position);
	tcase_add_test(tc, missing_link_line_includes_line_offset);
	tcase_add_test(tc, missing_link_suggests_relative_path);
	tcase_add_test(tc, links_with_scheme_absolute_or_fragment_untouched);
	tcase_add_test(tc, pictures_of_the_site_state_their_size);
	tcase_add_test(tc, raw_html_pictures_leave_the_sizes_in_place);
	tcase_add_test(tc, link_climbing_above_content_is_error);
	tcase_add_test(tc, addresses_from_the_root_are_looked_for);
	tcase_add_test(tc, every_bad_link_is_reported);
	tcase_add_test(tc, links_untouched_without_resolver);
	tcase_add_test(tc, freed_node_read_is_reported_under_asan);
	tcase_add_test(tc, parsing_time_is_counted);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
