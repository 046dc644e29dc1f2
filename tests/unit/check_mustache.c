/* check_mustache: the template engine's own behaviour (the spec has its own suite). */
#include "test.h"

#include <pthread.h>
#include <string.h>

#include "mustache.h"

#define PAGE "themes/default/templates/page.mustache"

/* Add `text` as `name` (path `name`.mustache); the rc of mustache_set_add. */
static int add(struct mustache_set *set, const char *name, const char *text,
	       struct diag_list *dl)
{
	char path[256];

	snprintf(path, sizeof path, "%s.mustache", name);
	return mustache_set_add(set, name, path, text, strlen(text), dl);
}

/* The one diagnostic in `dl`, formatted (a static buffer). */
static const char *only_diag(const struct diag_list *dl)
{
	static char buf[512];
	char *s;

	ck_assert_uint_eq(dl->n, 1);
	s = diag_format(&dl->items[0]);
	snprintf(buf, sizeof buf, "%s", s);
	free(s);
	return buf;
}

/* Compile `text` alone, expecting failure; the single diagnostic. */
static const char *compile_error(const char *text)
{
	static char buf[512];
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(mustache_set_add(set, "page", PAGE, text, strlen(text), &dl), -1);
	snprintf(buf, sizeof buf, "%s", only_diag(&dl));
	ck_assert_ptr_null(mustache_set_get(set, "page"));
	diag_list_release(&dl);
	mustache_set_free(set);
	return buf;
}

START_TEST(double_mustache_escapes_html)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct value *ctx = value_new_map();

	value_map_set_str(ctx, "x", "<a href=\"/\">Tom & Jerry's</a>");
	ck_assert_int_eq(add(set, "t", "{{x}}|{{{x}}}|{{& x}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", ctx, NULL, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "&lt;a href=&quot;/&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;|"
			 "<a href=\"/\">Tom & Jerry's</a>|<a href=\"/\">Tom & Jerry's</a>");
	ck_assert_uint_eq(dl.n, 0);
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(missing_name_renders_empty)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(add(set, "t", "[{{nope}}][{{a.b}}]{{>nopartial}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", NULL, NULL, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "[][]");
	ck_assert_uint_eq(dl.n, 0);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

/* Helpers in C: `size` shows how many bytes its section renders to,
 * `both` its section and then {{page.title}}. */
static int helper_has(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "size") || !strcmp(name, "both");
}

static int helper_call(void *ctx, const char *name, const char *text, size_t len,
		       mustache_text_fn render, void *render_ctx, struct strbuf *out,
		       struct diag_list *dl)
{
	struct strbuf r = STRBUF_INIT;
	int ret;

	(void)ctx;
	(void)dl;
	ret = render(render_ctx, text, len, &r);
	if (!strcmp(name, "size"))
		strbuf_addf(out, "[%zu]", r.len);
	else
		strbuf_addf(out, "%s{{page.title}}", r.buf ? r.buf : "");
	strbuf_release(&r);
	return ret;
}

static const struct mustache_lambdas helpers = { helper_has, helper_call, NULL };

/* The helper the last watch noted, "name:text" */
static struct strbuf noted = STRBUF_INIT;

/* Render `text` with {page: {content: "<p>Hi</p>", title: "Hi"}}, watching
 * the content. */
static void watched(const char *text, struct mustache_watch *w, struct strbuf *out)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *ctx = value_new_map(), *page = value_new_map();
	struct mustache_opts opts = { .watch = w, .lambdas = &helpers };

	value_map_set_str(page, "content", "<p>Hi</p>");
	value_map_set_str(page, "title", "Hi");
	value_map_set(ctx, "page", page, NULL);
	memset(w, 0, sizeof *w);
	w->value = value_get(page, "content");
	ck_assert_int_eq(mustache_set_add(set, "page", PAGE, text, strlen(text), &dl), 0);
	ck_assert_int_eq(mustache_set_add(set, "body", "body.mustache", "  {{{page.content}}}\n",
					  strlen("  {{{page.content}}}\n"), &dl), 0);
	strbuf_reset(out);
	ck_assert_int_eq(mustache_render(set, "page", ctx, &opts, out, &dl), 0);
	/* the helper's name and text are the set's: kept while it is here */
	strbuf_reset(&noted);
	if (w->lambdas) {
		strbuf_add(&noted, w->lambda_name, w->lambda_name_len);
		strbuf_addch(&noted, ':');
		strbuf_add(&noted, w->lambda_text, w->lambda_text_len);
	}
	value_free(ctx);
	diag_list_release(&dl);
	mustache_set_free(set);
}

START_TEST(watch_notes_where_a_value_was_interpolated)
{
	struct mustache_watch w;
	struct strbuf out = STRBUF_INIT;

	watched("<main>{{{page.content}}}</main>", &w, &out);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_int_eq(w.escaped, 0);
	ck_assert_uint_eq(w.at, 6);
	ck_assert_uint_eq(w.len, 9);
	ck_assert_int_eq(memcmp(out.buf + w.at, "<p>Hi</p>", w.len), 0);
	/* through a section, and in an indented partial */
	watched("{{#page}}<div>{{&content}}</div>{{/page}}", &w, &out);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_uint_eq(w.at, 5);
	watched("<main>\n{{> body}}</main>", &w, &out);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_uint_eq(w.len, 9);
	ck_assert_int_eq(memcmp(out.buf + w.at, "<p>Hi</p>", w.len), 0);
	/* escaped: noted as such, with the escaped length */
	watched("{{page.content}}", &w, &out);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_int_eq(w.escaped, 1);
	ck_assert_uint_eq(w.len, strlen("&lt;p&gt;Hi&lt;/p&gt;"));
	/* twice, or not at all, or only tested in a section */
	watched("{{{page.content}}}{{{page.content}}}", &w, &out);
	ck_assert_uint_eq(w.count, 2);
	watched("{{#page.content}}yes{{/page.content}}", &w, &out);
	ck_assert_uint_eq(w.count, 0);
	/* touched: any name that resolved to it; none when the output does
	 * not depend on it */
	ck_assert_uint_eq(w.touched, 1);
	watched("{{^page.content}}none{{/page.content}}", &w, &out);
	ck_assert_uint_eq(w.touched, 1);
	watched("{{#page}}{{#content}}<div>{{{.}}}</div>{{/content}}{{/page}}", &w, &out);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_uint_eq(w.touched, 2); /* the section, and "." in it */
	watched("{{{page.content}}}", &w, &out);
	ck_assert_uint_eq(w.touched, 1);
	watched("<main>{{page.title}}</main>", &w, &out);
	ck_assert_uint_eq(w.touched, 0);
	ck_assert_uint_eq(w.count, 0);
	ck_assert_uint_eq(w.lambdas, 0);
	strbuf_release(&out);
}
END_TEST

/* A helper's section that reads the watched value and no other name is
 * noted (a quick rebuild calls it again on a new body), and its reads are
 * not counted as the value's; one that reads other names too is not. */
START_TEST(watch_notes_a_helper_that_reads_the_value_alone)
{
	static const char page[] = "<p>{{#size}}{{{page.content}}}{{/size}}</p><main>{{{page.content}}}</main>";
	struct mustache_watch w;
	struct strbuf out = STRBUF_INIT;

	watched(page, &w, &out);
	ck_assert_str_eq(out.buf, "<p>[9]</p><main><p>Hi</p></main>");
	ck_assert_uint_eq(w.count, 1);
	ck_assert_uint_eq(w.at, strlen("<p>[9]</p><main>"));
	ck_assert_uint_eq(w.lambdas, 1);
	ck_assert_uint_eq(w.lambda_at, 3);
	ck_assert_uint_eq(w.lambda_len, 3);
	ck_assert_str_eq(noted.buf, "size:{{{page.content}}}");
	/* another name read: the value is shown in another way */
	watched("{{#both}}{{{page.content}}}{{/both}}{{{page.content}}}", &w, &out);
	ck_assert_uint_eq(w.lambdas, 0);
	ck_assert_uint_gt(w.count, 1);
	/* two such helpers: both are counted, the first noted */
	watched("{{#size}}{{{page.content}}}{{/size}}{{#size}}{{&page.content}}{{/size}}"
		"{{{page.content}}}", &w, &out);
	ck_assert_uint_eq(w.lambdas, 2);
	ck_assert_uint_eq(w.count, 1);
	ck_assert_uint_eq(w.lambda_at, 0);
	/* other delimiters, or inside another section's text: not noted */
	watched("{{=<% %>=}}<%#size%><%&page.content%><%/size%><%&page.content%>", &w, &out);
	ck_assert_uint_eq(w.lambdas, 0);
	ck_assert_uint_gt(w.count, 1);
	watched("{{#page}}{{#size}}{{{content}}}{{/size}}{{/page}}{{{page.content}}}", &w, &out);
	ck_assert_uint_eq(w.lambdas, 1); /* a section over a map is still the page */
	ck_assert_str_eq(noted.buf, "size:{{{content}}}");
	strbuf_release(&out);
	strbuf_release(&noted);
}
END_TEST

START_TEST(strict_unknown_name_is_an_error_at_the_tag)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };
	struct value *ctx = value_new_map();
	struct strbuf text = STRBUF_INIT;
	int i;

	for (i = 1; i < 12; i++)
		strbuf_addf(&text, "<!-- line %d -->\n", i);
	strbuf_adds(&text, "<h1>{{titel}}</h1>\n");
	value_map_set_str(ctx, "title", "Pathways");
	ck_assert_int_eq(mustache_set_add(set, "page", PAGE, text.buf, text.len, &dl), 0);
	ck_assert_int_eq(mustache_render(set, "page", ctx, &strict, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl),
			 PAGE ":12:5: error: unknown name 'titel'; did you mean 'title'?");
	strbuf_release(&text);
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(strict_suggestion_looks_through_the_context_stack)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };
	struct value *ctx = value_new_map(), *site = value_new_map();

	value_map_set_str(site, "name", "Waymark");
	value_map_set(ctx, "site", site, NULL);
	value_map_set_str(ctx, "summary", "x");
	ck_assert_int_eq(add(set, "t", "{{#site}}{{sumary}}{{/site}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", ctx, &strict, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl),
			 "t.mustache:1:10: error: unknown name 'sumary'; did you mean 'summary'?");
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(strict_dotted_name_suggests_the_whole_path)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };
	struct value *ctx = value_new_map(), *page = value_new_map();

	value_map_set_str(page, "title", "About");
	value_map_set(ctx, "page", page, NULL);
	ck_assert_int_eq(add(set, "t", "{{page.titl}} {{pag.title}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", ctx, &strict, &out, &dl), -1);
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_str_eq(dl.items[0].msg, "unknown name 'page.titl'; did you mean 'page.title'?");
	ck_assert_str_eq(dl.items[1].msg, "unknown name 'pag.title'; did you mean 'page.title'?");
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(strict_error_is_reported_once_per_tag_in_a_loop)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };
	struct value *ctx = value_new_map(), *items = value_new_list();
	int i;

	for (i = 0; i < 5; i++)
		value_list_push(items, value_new_map());
	value_map_set(ctx, "items", items, NULL);
	ck_assert_int_eq(add(set, "t", "{{#items}}{{name}}{{/items}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", ctx, &strict, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl), "t.mustache:1:11: error: unknown name 'name'");
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(strict_sections_over_missing_names_stay_false)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };

	ck_assert_int_eq(add(set, "t", "{{#draft}}D{{/draft}}{{^draft}}P{{/draft}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", NULL, &strict, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "P");
	ck_assert_uint_eq(dl.n, 0);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(strict_unknown_partial_is_an_error)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct mustache_opts strict = { .strict = 1 };

	ck_assert_int_eq(add(set, "t", "a\n  {{>nav}}\n", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", NULL, &strict, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl), "t.mustache:2:3: error: unknown partial 'nav'");
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(numbers_render_by_value)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	struct value *ctx = value_new_map(), *n = value_new_number(1.21);

	/* as yamlread leaves a number written "1.210" */
	free(n->str);
	n->str = strdup("1.210");
	n->len = 5;
	value_map_set(ctx, "power", n, NULL);
	value_map_set_num(ctx, "speed", 85);
	ck_assert_int_eq(add(set, "t", "{{power}} {{speed}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "t", ctx, NULL, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "1.21 85");
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(unclosed_section_reported_at_opening_tag)
{
	ck_assert_str_eq(compile_error("<ul>\n  {{#items}}<li>{{name}}</li>\n</ul>\n"),
			 PAGE ":2:3: error: unclosed section 'items'");
}
END_TEST

START_TEST(mismatched_closing_tag_reported_at_closing_tag)
{
	ck_assert_str_eq(compile_error("{{#items}}\n{{name}}\n{{/item}}\n"),
			 PAGE ":3:1: error: closing tag 'item' does not match open section 'items'");
}
END_TEST

START_TEST(unexpected_closing_tag_reported)
{
	ck_assert_str_eq(compile_error("text {{/items}}"),
			 PAGE ":1:6: error: unexpected closing tag 'items'");
}
END_TEST

START_TEST(bad_set_delimiter_tag_reported)
{
	ck_assert_str_eq(compile_error("a\n {{=<% =}} b"),
			 PAGE ":2:2: error: bad set-delimiter tag '{{=<% =}}'");
}
END_TEST

START_TEST(unclosed_tag_reported)
{
	ck_assert_str_eq(compile_error("<p>{{title</p>\n"),
			 PAGE ":1:4: error: unclosed tag '{{title</p>'");
}
END_TEST

START_TEST(tag_left_open_until_a_later_tag_reported)
{
	ck_assert_str_eq(compile_error("<p>{{title</p>\n<p>{{body}}</p>\n"),
			 PAGE ":1:4: error: unclosed tag '{{title</p>'");
}
END_TEST

/* the name running on past a space into the next lines: still a tag left
 * open, not a bad name quoting those lines */
START_TEST(tag_left_open_before_words_reported)
{
	ck_assert_str_eq(compile_error("{{\n<div class=\"charts\">\n{{items}}\n"),
			 PAGE ":1:1: error: unclosed tag '{{'");
	ck_assert_str_eq(compile_error("x {{a b}}"), PAGE ":1:3: error: bad name 'a b' in tag");
}
END_TEST

START_TEST(unclosed_block_and_parent_named_as_such)
{
	ck_assert_str_eq(compile_error("{{<base}}{{$title}}x{{/base}}"),
			 PAGE ":1:21: error: closing tag 'base' does not match open block 'title'");
	ck_assert_str_eq(compile_error("{{<base}}\n"), PAGE ":1:1: error: unclosed parent 'base'");
}
END_TEST

START_TEST(every_unclosed_section_is_reported)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(add(set, "t", "{{#a}}{{^b}}", &dl), -1);
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_str_eq(dl.items[0].msg, "unclosed section 'a'");
	ck_assert_str_eq(dl.items[1].msg, "unclosed section 'b'");
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(recursion_limit_is_a_diagnostic)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	/* twice per level: without stopping at the limit this would run 2^64 times */
	ck_assert_int_eq(add(set, "loop", "x{{>loop}}{{>loop}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "loop", NULL, NULL, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl),
			 "loop.mustache:1:2: error: partial recursion deeper than 64 at 'loop'");
	ck_assert_uint_eq(out.len, MUSTACHE_MAX_DEPTH + 1);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(parent_recursion_limit_is_a_diagnostic)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(add(set, "base", "{{$a}}{{/a}}", &dl), 0);
	/* the override expands its own block again, forever */
	ck_assert_int_eq(add(set, "page", "{{<base}}{{$a}}{{$a}}{{/a}}{{/a}}{{/base}}", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "page", NULL, NULL, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl),
			 "page.mustache:1:16: error: block recursion deeper than 64 at 'a'");
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(adding_a_name_again_replaces_the_template)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(add(set, "page", "<main>{{>footer}}</main>", &dl), 0);
	ck_assert_int_eq(add(set, "footer", "default footer", &dl), 0);
	ck_assert_int_eq(add(set, "footer", "site footer", &dl), 0);
	ck_assert_uint_eq(mustache_set_count(set), 2);
	ck_assert_int_eq(mustache_render(set, "page", NULL, NULL, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "<main>site footer</main>");
	ck_assert_uint_eq(dl.n, 0);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(failed_add_keeps_the_previous_template)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(add(set, "footer", "default footer", &dl), 0);
	ck_assert_int_eq(add(set, "footer", "{{#broken}}", &dl), -1);
	ck_assert_int_eq(mustache_render(set, "footer", NULL, NULL, &out, &dl), 0);
	ck_assert_str_eq(out.buf, "default footer");
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(many_templates_are_all_found)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	char name[32], text[32];
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "partials/p%d", i);
		snprintf(text, sizeof text, "%d", i);
		ck_assert_int_eq(add(set, name, text, &dl), 0);
	}
	for (i = 0; i < 100; i++) {
		struct strbuf out = STRBUF_INIT;

		snprintf(name, sizeof name, "partials/p%d", i);
		snprintf(text, sizeof text, "%d", i);
		ck_assert_ptr_nonnull(mustache_set_get(set, name));
		ck_assert_int_eq(mustache_render(set, name, NULL, NULL, &out, &dl), 0);
		ck_assert_str_eq(out.buf, text);
		strbuf_release(&out);
	}
	ck_assert_ptr_null(mustache_set_get(set, "partials/p100"));
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(unknown_template_name_is_an_error)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(add(set, "story", "s", &dl), 0);
	ck_assert_int_eq(mustache_render(set, "stroy", NULL, NULL, &out, &dl), -1);
	ck_assert_str_eq(only_diag(&dl), "waymark: error: unknown template 'stroy'; did you mean 'story'?");
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(check_reports_unknown_partial_with_suggestion)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(add(set, "nav", "<nav></nav>", &dl), 0);
	ck_assert_int_eq(add(set, "page", "<body>\n  {{>nva}}\n  {{>*dynamic}}{{>nav}}\n", &dl), 0);
	ck_assert_int_eq(mustache_set_check(set, &dl), -1);
	ck_assert_str_eq(only_diag(&dl),
			 "page.mustache:2:3: error: unknown partial 'nva'; did you mean 'nav'?");
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(check_reports_unknown_parent)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(add(set, "page", "{{<layout}}{{/layout}}", &dl), 0);
	ck_assert_int_eq(mustache_set_check(set, &dl), -1);
	ck_assert_str_eq(only_diag(&dl), "page.mustache:1:1: error: unknown parent 'layout'");
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(check_warns_about_overriding_an_undefined_block)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(add(set, "base", "<title>{{$title}}x{{/title}}</title>", &dl), 0);
	ck_assert_int_eq(add(set, "page", "{{<base}}\n{{$titel}}About{{/titel}}\n{{/base}}", &dl), 0);
	ck_assert_int_eq(mustache_set_check(set, &dl), 0);
	ck_assert_str_eq(only_diag(&dl), "page.mustache:2:1: warning: block 'titel' is not "
			 "defined by any template; did you mean 'title'?");
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(check_passes_a_complete_set)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(add(set, "base", "{{>head}}{{$main}}{{/main}}", &dl), 0);
	ck_assert_int_eq(add(set, "head", "<head></head>", &dl), 0);
	ck_assert_int_eq(add(set, "page", "{{<base}}{{$main}}m{{/main}}{{/base}}", &dl), 0);
	ck_assert_int_eq(mustache_set_check(set, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

/* A layout the way a theme writes one: parent, blocks, partials, loops. */
static struct mustache_set *layout_set(struct diag_list *dl)
{
	struct mustache_set *set = mustache_set_new();

	ck_assert_int_eq(add(set, "base",
			     "<html>\n"
			     "  <body>\n"
			     "    {{>nav}}\n"
			     "    {{$main}}\n"
			     "      <p>nothing here</p>\n"
			     "    {{/main}}\n"
			     "  </body>\n"
			     "</html>\n", dl), 0);
	ck_assert_int_eq(add(set, "nav",
			     "<ul>\n"
			     "{{#links}}\n"
			     "  <li><a href=\"{{url}}\">{{title}}</a></li>\n"
			     "{{/links}}\n"
			     "</ul>\n", dl), 0);
	ck_assert_int_eq(add(set, "page",
			     "{{<base}}\n"
			     "{{$main}}\n"
			     "<h1>{{title}}</h1>\n"
			     "\n"
			     "<p>{{summary}}</p>\n"
			     "{{/main}}\n"
			     "{{/base}}\n", dl), 0);
	return set;
}

static struct value *layout_context(void)
{
	struct value *ctx = value_new_map(), *links = value_new_list(), *l;
	int i;

	for (i = 0; i < 2; i++) {
		l = value_new_map();
		value_map_set_str(l, "url", i ? "/about/" : "/");
		value_map_set_str(l, "title", i ? "About" : "Home");
		value_list_push(links, l);
	}
	value_map_set(ctx, "links", links, NULL);
	value_map_set_str(ctx, "title", "Fish & chips");
	value_map_set_str(ctx, "summary", "Lunch.");
	return ctx;
}

static const char layout_expected[] =
	"<html>\n"
	"  <body>\n"
	"    <ul>\n"
	"      <li><a href=\"/\">Home</a></li>\n"
	"      <li><a href=\"/about/\">About</a></li>\n"
	"    </ul>\n"
	"      <h1>Fish &amp; chips</h1>\n"
	"\n"
	"      <p>Lunch.</p>\n"
	"  </body>\n"
	"</html>\n";

START_TEST(standalone_tags_indent_what_they_render)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct mustache_set *set = layout_set(&dl);
	struct value *ctx = layout_context();
	struct strbuf out = STRBUF_INIT;

	ck_assert_int_eq(mustache_render(set, "page", ctx, NULL, &out, &dl), 0);
	/* the blank line inside the block stays empty */
	ck_assert_str_eq(out.buf, layout_expected);
	value_free(ctx);
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

START_TEST(rendering_twice_gives_the_same_output)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct mustache_set *set = layout_set(&dl);
	struct value *ctx = layout_context();
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	ck_assert_int_eq(mustache_render(set, "page", ctx, NULL, &a, &dl), 0);
	ck_assert_int_eq(mustache_render(set, "page", ctx, NULL, &b, &dl), 0);
	ck_assert_str_eq(a.buf, b.buf);
	ck_assert_str_eq(a.buf, layout_expected);
	value_free(ctx);
	strbuf_release(&a);
	strbuf_release(&b);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

struct job {
	const struct mustache_set *set;
	const struct value *ctx;
	int same;
};

static void *render_many(void *arg)
{
	struct job *job = arg;
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	int i;

	job->same = 1;
	for (i = 0; i < 200; i++) {
		strbuf_reset(&out);
		if (mustache_render(job->set, "page", job->ctx, NULL, &out, &dl) != 0 ||
		    strcmp(out.buf, layout_expected) != 0)
			job->same = 0;
	}
	strbuf_release(&out);
	diag_list_release(&dl);
	return NULL;
}

START_TEST(threads_render_one_set_at_once)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct mustache_set *set = layout_set(&dl);
	struct value *ctx = layout_context();
	struct job jobs[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		jobs[i].set = set;
		jobs[i].ctx = ctx;
		ck_assert_int_eq(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert(jobs[i].same);
	}
	value_free(ctx);
	diag_list_release(&dl);
	mustache_set_free(set);
}
END_TEST

/* The print of "page" in a set of page (which calls `call`), card, base
 * (page's parent) and other, with `changed` given other text. */
static unsigned long long print_with(const char *call, const char *changed, int all)
{
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	const char *names[] = { "card", "base", "other" };
	unsigned long long h;
	size_t i;

	ck_assert_int_eq(add(set, "page", call, &dl), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(add(set, names[i], !strcmp(names[i], changed) ? "new" : "old",
				     &dl), 0);
	h = mustache_set_print(set, "page", all);
	mustache_set_free(set);
	diag_list_release(&dl);
	return h;
}

START_TEST(print_covers_what_a_template_reaches)
{
	const char *call = "{{<base}}{{$b}}{{>card}}{{/b}}{{/base}}";
	unsigned long long same = print_with(call, "", 0);

	ck_assert_uint_eq(print_with(call, "", 0), same);
	ck_assert_uint_ne(print_with(call, "card", 0), same);  /* a partial */
	ck_assert_uint_ne(print_with(call, "base", 0), same);  /* a parent */
	ck_assert_uint_eq(print_with(call, "other", 0), same); /* not reached */
	ck_assert_uint_ne(print_with(call, "other", 1), print_with(call, "", 1));
	/* a dynamic name could reach anything */
	call = "{{>*which}}";
	ck_assert_uint_ne(print_with(call, "other", 0), print_with(call, "", 0));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mustache");
	TCase *tc = tcase_create("mustache");

	tcase_add_test(tc, double_mustache_escapes_html);
	tcase_add_test(tc, missing_name_renders_empty);
	tcase_add_test(tc, strict_unknown_name_is_an_error_at_the_tag);
	tcase_add_test(tc, watch_notes_where_a_value_was_interpolated);
	tcase_add_test(tc, watch_notes_a_helper_that_reads_the_value_alone);
	tcase_add_test(tc, strict_suggestion_looks_through_the_context_stack);
	tcase_add_test(tc, strict_dotted_name_suggests_the_whole_path);
	tcase_add_test(tc, strict_error_is_reported_once_per_tag_in_a_loop);
	tcase_add_test(tc, strict_sections_over_missing_names_stay_false);
	tcase_add_test(tc, strict_unknown_partial_is_an_error);
	tcase_add_test(tc, numbers_render_by_value);
	tcase_add_test(tc, unclosed_section_reported_at_opening_tag);
	tcase_add_test(tc, mismatched_closing_tag_reported_at_closing_tag);
	tcase_add_test(tc, unexpected_closing_tag_reported);
	tcase_add_test(tc, bad_set_delimiter_tag_reported);
	tcase_add_test(tc, unclosed_tag_reported);
	tcase_add_test(tc, tag_left_open_until_a_later_tag_reported);
	tcase_add_test(tc, tag_left_open_before_words_reported);
	tcase_add_test(tc, unclosed_block_and_parent_named_as_such);
	tcase_add_test(tc, every_unclosed_section_is_reported);
	tcase_add_test(tc, recursion_limit_is_a_diagnostic);
	tcase_add_test(tc, parent_recursion_limit_is_a_diagnostic);
	tcase_add_test(tc, adding_a_name_again_replaces_the_template);
	tcase_add_test(tc, failed_add_keeps_the_previous_template);
	tcase_add_test(tc, many_templates_are_all_found);
	tcase_add_test(tc, unknown_template_name_is_an_error);
	tcase_add_test(tc, check_reports_unknown_partial_with_suggestion);
	tcase_add_test(tc, check_reports_unknown_parent);
	tcase_add_test(tc, check_warns_about_overriding_an_undefined_block);
	tcase_add_test(tc, check_passes_a_complete_set);
	tcase_add_test(tc, standalone_tags_indent_what_they_render);
	tcase_add_test(tc, rendering_twice_gives_the_same_output);
	tcase_add_test(tc, threads_render_one_set_at_once);
	tcase_add_test(tc, print_covers_what_a_template_reaches);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
