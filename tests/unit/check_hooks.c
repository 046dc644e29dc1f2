/* check_hooks: Lua hooks, the value boundary, shortcodes, helpers, the
 * markdown filter, errors, and the sandbox cases in tests/lua/. */
#include "test.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "hooks.h"

/* A runaway hook must stop within a second. Under AddressSanitizer every
 * allocation costs several times more (a table growing to the memory cap
 * is all allocations), so the same case is given four. */
#if defined(__SANITIZE_ADDRESS__)
#define CPU_LIMIT 4.0
#else
#define CPU_LIMIT 1.0
#endif
#include "markdown.h"
#include "xalloc.h"
#include "yamlread.h"

/* ---- a throwaway site ------------------------------------------------ */

struct site {
	char dir[64];
	struct diag_list dl;
	struct hooks *h;
};

/* Write `text` to dir/rel. */
static void put(struct site *s, const char *rel, const char *text)
{
	char *path = fs_join(s->dir, rel);

	ck_assert_int_eq(fs_write(path, text, strlen(text)), 0);
	free(path);
}

static void site_init(struct site *s)
{
	snprintf(s->dir, sizeof s->dir, "/tmp/waymark-hooks-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	diag_list_init(&s->dl);
	s->h = NULL;
}

/* Load the hooks of the site with these limits (0: defaults). */
static struct hooks *site_load_limits(struct site *s, unsigned long insns, size_t mem)
{
	struct hooks_opts o = { 0 };

	o.site_dir = s->dir;
	o.instruction_limit = insns;
	o.memory_limit = mem;
	s->h = hooks_new(&o, &s->dl);
	return s->h;
}

static struct hooks *site_load(struct site *s)
{
	return site_load_limits(s, 0, 0);
}

/* A site with one hook file lua/x.lua, loaded (must load cleanly). */
static void site_with(struct site *s, const char *lua)
{
	site_init(s);
	put(s, "lua/x.lua", lua);
	ck_assert_msg(site_load(s) != NULL, "load failed: %s",
		      s->dl.n ? s->dl.items[0].msg : "?");
}

static void site_release(struct site *s)
{
	hooks_free(s->h);
	diag_list_release(&s->dl);
	fs_remove_tree(s->dir);
}

static void assert_diag(const struct diag_list *dl, size_t i, const char *want)
{
	char *got;

	ck_assert_msg(i < dl->n, "no diagnostic %zu (want '%s')", i, want);
	got = diag_format(&dl->items[i]);
	ck_assert_str_eq(got, want);
	free(got);
}

/* A value tree from YAML text. */
static struct value *yaml(const char *text)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = yamlread_parse("test.yaml", text, strlen(text), 0, &dl);

	ck_assert_ptr_nonnull(v);
	diag_list_release(&dl);
	return v;
}

/* ---- site and page hooks -------------------------------------------- */

START_TEST(site_without_lua_has_no_hooks)
{
	struct site s;
	struct value *page = value_new_map();
	struct strbuf html = STRBUF_INIT;

	site_init(&s);
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_has(s.h, HOOKS_PAGE), 0);
	ck_assert_int_eq(hooks_has(NULL, HOOKS_PAGE), 0);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_int_eq(hooks_html(s.h, page, "content/x.md", &html, &s.dl), 0);
	ck_assert_uint_eq(s.dl.n, 0);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(page_hook_changes_fields)
{
	struct site s;
	struct value *page = yaml("title: Hello\ntags: [a, b]\n");

	site_with(&s, "return { page = function(p)\n"
		      "  p.title = p.title .. '!'\n"
		      "  table.insert(p.tags, 'c')\n"
		      "  p.words = 3\n"
		      "end }\n");
	ck_assert_int_eq(hooks_has(s.h, HOOKS_PAGE), 1);
	ck_assert_int_eq(hooks_has(s.h, HOOKS_SITE), 0);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "title")), "Hello!");
	ck_assert_uint_eq(value_get(page, "tags")->n, 3);
	ck_assert_str_eq(value_string(value_get(page, "tags")->items[2]), "c");
	ck_assert_str_eq(value_get(page, "words")->str, "3");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(page_hook_may_return_a_new_table)
{
	struct site s;
	struct value *page = yaml("title: Old\n");

	site_with(&s, "return { page = function(p) return { title = 'New', old = p.title } end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_uint_eq(page->n, 2);
	ck_assert_str_eq(page->members[0].key, "old"); /* new keys: sorted */
	ck_assert_str_eq(value_string(value_get(page, "title")), "New");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(site_hook_adds_a_page)
{
	struct site s;
	struct value *site = yaml("title: S\npages:\n  - {title: A, url: /a/}\n");

	site_with(&s, "return { site = function(site)\n"
		      "  site.pages[#site.pages + 1] = { title = 'B', url = '/b/' }\n"
		      "  return site\n"
		      "end }\n");
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	ck_assert_uint_eq(value_get(site, "pages")->n, 2);
	ck_assert_str_eq(value_string(value_get(value_get(site, "pages")->items[1], "url")), "/b/");
	value_free(site);
	site_release(&s);
}
END_TEST

START_TEST(hooks_of_several_files_run_in_order)
{
	struct site s;
	struct value *page = yaml("trail: ''\n");
	const char *files[] = { "b.lua", "a.lua" };
	struct hooks_opts o = { 0 };

	site_init(&s);
	put(&s, "lua/a.lua", "return { page = function(p) p.trail = p.trail .. 'a' end }\n");
	put(&s, "lua/b.lua", "return { page = function(p) p.trail = p.trail .. 'b' end }\n");
	/* by file name */
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "trail")), "ab");
	hooks_free(s.h);
	/* in the order the caller names */
	o.site_dir = s.dir;
	o.files = files;
	o.nfiles = 2;
	s.h = hooks_new(&o, &s.dl);
	ck_assert_ptr_nonnull(s.h);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "trail")), "abba");
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- the value boundary ---------------------------------------------- */

START_TEST(value_round_trip_keeps_kinds_order_and_positions)
{
	struct site s;
	struct value *page = yaml("zeta: 1\n"
				  "alpha:\n"
				  "  list: [1, 2.5, true, false, null, 'x']\n"
				  "  nested: {b: [[1, 2], {c: d}], a: ''}\n"
				  "price: 1.50\n"
				  "empty_list: []\n"
				  "empty_map: {}\n"
				  "nothing: null\n");
	const struct value *list, *nested;

	site_with(&s, "return { page = function(p) return p end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_uint_eq(page->n, 6);
	ck_assert_str_eq(page->members[0].key, "zeta"); /* source order kept */
	ck_assert_str_eq(page->members[1].key, "alpha");
	ck_assert_str_eq(page->members[5].key, "nothing");
	ck_assert_int_eq(value_get(page, "nothing")->kind, VALUE_NULL);
	list = value_path(page, "alpha.list");
	ck_assert_int_eq(list->kind, VALUE_LIST);
	ck_assert_uint_eq(list->n, 6);
	ck_assert_int_eq(list->items[0]->kind, VALUE_NUMBER);
	ck_assert(list->items[1]->number == 2.5);
	ck_assert_int_eq(list->items[2]->kind, VALUE_BOOL);
	ck_assert_int_eq(list->items[2]->boolean, 1);
	ck_assert_int_eq(list->items[3]->boolean, 0);
	ck_assert_int_eq(list->items[4]->kind, VALUE_NULL);
	ck_assert_str_eq(list->items[5]->str, "x");
	nested = value_path(page, "alpha.nested");
	ck_assert_str_eq(nested->members[0].key, "b");
	ck_assert_uint_eq(value_get(nested, "b")->items[0]->n, 2);
	ck_assert_str_eq(value_string(value_get(value_get(nested, "b")->items[1], "c")), "d");
	ck_assert_str_eq(value_string(value_get(nested, "a")), "");
	ck_assert_int_eq(value_get(page, "empty_list")->kind, VALUE_LIST);
	ck_assert_int_eq(value_get(page, "empty_map")->kind, VALUE_MAP);
	/* unchanged values keep their source text and position */
	ck_assert_str_eq(value_get(page, "price")->str, "1.50");
	ck_assert_str_eq(value_get(page, "price")->pos.file, "test.yaml");
	ck_assert_int_eq(value_get(page, "price")->pos.line, 5);
	ck_assert_int_eq(list->items[5]->pos.line, 3);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(numbers_and_strings_cross_exactly)
{
	struct site s;
	struct value *page = yaml("n: 3\nf: 2.5\nbig: 9007199254740993\n");

	site_with(&s, "return { page = function(p)\n"
		      "  assert(math.type(p.n) == 'integer')\n"
		      "  assert(math.type(p.f) == 'float')\n"
		      "  p.i = 7 // 2; p.d = 7 / 2; p.nul = 'a\\0b'; p.u = 'caf\\u{e9}'\n"
		      "  p.neg = -0.25\n"
		      "end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_get(page, "i")->str, "3");
	ck_assert_str_eq(value_get(page, "d")->str, "3.5");
	ck_assert_str_eq(value_get(page, "neg")->str, "-0.25");
	ck_assert_uint_eq(value_get(page, "nul")->len, 3);
	ck_assert_int_eq(memcmp(value_get(page, "nul")->str, "a\0b", 3), 0);
	ck_assert_str_eq(value_get(page, "u")->str, "caf\xc3\xa9");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(empty_tables_and_null)
{
	struct site s;
	struct value *page = value_new_map();

	site_with(&s, "return { page = function(p)\n"
		      "  p.l = {}; p.m = waymark.map{}; p.n = waymark.null\n"
		      "  p.items = { 1, waymark.null, 3 }\n"
		      "end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_int_eq(value_get(page, "l")->kind, VALUE_LIST);
	ck_assert_int_eq(value_get(page, "m")->kind, VALUE_MAP);
	ck_assert_int_eq(value_get(page, "n")->kind, VALUE_NULL);
	ck_assert_uint_eq(value_get(page, "items")->n, 3);
	ck_assert_int_eq(value_get(page, "items")->items[1]->kind, VALUE_NULL);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(unconvertible_results_are_errors)
{
	struct site s;
	struct value *page = yaml("title: T\n");
	struct value *before = page;

	site_with(&s, "return { page = function(p)\n"
		      "  p.steps = { { f = print } }\n"
		      "end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	ck_assert_ptr_eq(page, before); /* unchanged on error */
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: cannot convert a function at "
		    "'page.steps[1].f' to a value in hook 'page' for 'content/x.md'");
	site_release(&s);

	site_with(&s, "return { page = function(p) p.mixed = { 1, 2, x = 3 } end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: a table mixes list items and named fields "
		    "at 'page.mixed' in hook 'page' for 'content/x.md'");
	site_release(&s);

	site_with(&s, "return { page = function(p) p.holes = { 1, nil, 3 } end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: a list has holes (use waymark.null for a "
		    "missing item) at 'page.holes' in hook 'page' for 'content/x.md'");
	site_release(&s);

	site_with(&s, "return { page = function(p) p.me = p end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	ck_assert_ptr_nonnull(strstr(s.dl.items[0].msg, "nested deeper than 100"));
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- html hook ------------------------------------------------------- */

START_TEST(html_hook_rewrites_the_page)
{
	struct site s;
	struct value *page = yaml("title: T\n");
	struct strbuf html = STRBUF_INIT;

	site_with(&s, "return { html = function(page, html)\n"
		      "  return (html:gsub('</body>', '<p>' .. page.title .. '</p></body>'))\n"
		      "end }\n");
	strbuf_adds(&html, "<body></body>");
	ck_assert_int_eq(hooks_html(s.h, page, "content/x.md", &html, &s.dl), 0);
	ck_assert_str_eq(html.buf, "<body><p>T</p></body>");
	strbuf_release(&html);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(hook_returning_wrong_type_is_error)
{
	struct site s;
	struct strbuf html = STRBUF_INIT;
	struct value *page = value_new_map();

	site_with(&s, "\nreturn { html = function(page, html)\n  return 42\nend }\n");
	strbuf_adds(&html, "<p>");
	ck_assert_int_eq(hooks_html(s.h, page, "content/x.md", &html, &s.dl), -1);
	ck_assert_str_eq(html.buf, "<p>");
	assert_diag(&s.dl, 0, "lua/x.lua:2: error: hook 'html' returned number; expected "
		    "a string or nothing in hook 'html' for 'content/x.md'");
	site_release(&s);

	site_with(&s, "return { page = function(p) return 'x' end }\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: hook 'page' returned string; expected "
		    "a table or nothing in hook 'page' for 'content/x.md'");
	strbuf_release(&html);
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- markdown filter ------------------------------------------------- */

/* Parse md, run the markdown hooks, render to HTML (caller frees). */
static char *filter(struct site *s, const char *md, int *rc)
{
	cmark_parser *p = cmark_parser_new(CMARK_OPT_SOURCEPOS);
	cmark_node *doc;
	char *html;

	cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension("strikethrough"));
	cmark_parser_feed(p, md, strlen(md));
	doc = cmark_parser_finish(p);
	*rc = hooks_markdown(s->h, doc, NULL, "content/x.md", 3, &s->dl);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	cmark_node_free(doc);
	cmark_parser_free(p);
	return html;
}

START_TEST(markdown_filter_changes_link_urls)
{
	struct site s;
	int rc;
	char *html;

	site_with(&s, "return { markdown = function(doc)\n"
		      "  doc:walk { link = function(n)\n"
		      "    n.url = n.url:gsub('^http:', 'https:')\n"
		      "    if n.text == 'old' then n.text = 'new' end\n"
		      "  end }\n"
		      "end }\n");
	html = filter(&s, "See [old](http://example.org) and [b](/b/).\n", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(html, "<p>See <a href=\"https://example.org\">new</a> and "
			 "<a href=\"/b/\">b</a>.</p>\n");
	free(html);
	site_release(&s);
}
END_TEST

START_TEST(markdown_filter_inserts_and_removes_nodes)
{
	struct site s;
	int rc;
	char *html;

	site_with(&s, "return { markdown = function(doc)\n"
		      "  doc:walk(function(n)\n"
		      "    if n.type == 'image' then n:remove()\n"
		      "    elseif n.type == 'heading' and n.level == 2 then\n"
		      "      n.level = 3\n"
		      "      n:insert_after(waymark.node('paragraph', 'line ' .. n.line))\n"
		      "    elseif n.type == 'link' then\n"
		      "      n:insert_after(waymark.node('text', ' (external)'))\n"
		      "      n:insert_before(waymark.node('emph', 'see'))\n"
		      "    elseif n.type == 'strikethrough' then\n"
		      "      n:replace(waymark.node('link', { url = '/x/', text = 'x' }))\n"
		      "    end\n"
		      "  end)\n"
		      "  doc:append_child(waymark.node('thematic_break'))\n"
		      "  local kids = doc:children()\n"
		      "  assert(#kids == 4 and kids[1].type == 'heading')\n"
		      "  waymark.node('text', 'never inserted')\n"
		      "end }\n");
	html = filter(&s, "## Top\n\n![pic](a.png) [l](/l/) ~~gone~~\n", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(html, "<h3>Top</h3>\n<p>line 4</p>\n"
			 "<p> <em>see</em><a href=\"/l/\">l</a> (external) <a href=\"/x/\">x</a></p>\n"
			 "<hr />\n");
	free(html);
	site_release(&s);
}
END_TEST

/* node:walk(f, m) calls f for the text nodes m finds a phrase in, read
 * when their turn comes (a text an earlier call changed is read as it is
 * now), and for the other nodes as walk(f) does. */
START_TEST(markdown_walk_with_phrases_visits_texts_that_name_one)
{
	struct site s;
	int rc;
	char *html;

	site_with(&s, "return { markdown = function(doc)\n"
		      "  local m = waymark.phrases{'teamwork', 'data'}\n"
		      "  local seen = {}\n"
		      "  doc:walk({ text = function(n)\n"
		      "    seen[#seen + 1] = n.literal\n"
		      "    if n.literal == 'Good teamwork ' then\n"
		      "      n.next.first_child.literal = 'data too'\n"
		      "      doc.last_child.first_child.next.first_child.literal = 'nothing'\n"
		      "    end\n"
		      "  end, link = function(n) seen[#seen + 1] = 'link' end }, m)\n"
		      "  doc:append_child(waymark.node('paragraph', table.concat(seen, '|')))\n"
		      "  local all = 0\n"
		      "  doc:walk(function() all = all + 1 end, m)\n"
		      "  doc:append_child(waymark.node('paragraph', tostring(all)))\n"
		      "end }\n");
	html = filter(&s, "Good teamwork *and* [x](/x/)\n\nskip *data* me\n", &rc);
	ck_assert_int_eq(rc, 0);
	/* "and" became "data too" before its turn, "data" became "nothing";
	 * then 7 nodes that are not text, and 3 texts with a phrase */
	ck_assert_str_eq(html, "<p>Good teamwork <em>data too</em> <a href=\"/x/\">x</a></p>\n"
			 "<p>skip <em>nothing</em> me</p>\n"
			 "<p>Good teamwork |data too|link</p>\n"
			 "<p>10</p>\n");
	free(html);
	site_release(&s);
}
END_TEST

/* markdown_render's filter: the site's markdown hooks */
static int hooks_filter(void *ctx, cmark_node *doc, struct diag_list *dl)
{
	struct site *s = ctx;

	return hooks_markdown(s->h, doc, NULL, "content/x.md", 3, dl);
}

/* A render inside a render (waymark.markdown in a markdown hook) has an
 * arena of its own; nodes made after it come from the outer one again. */
START_TEST(markdown_inside_a_markdown_hook)
{
	struct site s;
	struct markdown_opts o = { .path = "content/x.md", .rel = "x.md",
				   .filter = hooks_filter, .filter_ctx = &s };
	struct strbuf html = STRBUF_INIT;

	site_with(&s, "return { markdown = function(doc)\n"
		      "  local inner = waymark.markdown('*in* ' .. string.rep('word ', 20000))\n"
		      "  doc:append_child(waymark.node('paragraph', #inner .. ' ' .. inner:sub(1, 12)))\n"
		      "  doc:walk { text = function(n) n.text = n.text .. '.' end }\n"
		      "end }\n");
	ck_assert_int_eq(markdown_render("Outer\n", 6, &o, &html, NULL, &s.dl), 0);
	ck_assert_str_eq(html.buf, "<p>Outer.</p>\n<p>100019 &lt;p&gt;&lt;em&gt;in&lt;/e.</p>\n");
	strbuf_release(&html);
	site_release(&s);
}
END_TEST

/* A node's methods take a node, and a matcher's a matcher: another
 * userdata is refused as a table is. */
START_TEST(markdown_node_methods_refuse_other_userdata)
{
	static const char *const cases[][2] = {
		{ "doc.walk(waymark.phrases{'a'}, print)",
		  "bad argument #1 to 'walk' (waymark.node expected, got waymark.phrases)" },
		{ "waymark.phrases{'a'}.find(doc, 'a')",
		  "bad argument #1 to 'find' (waymark.phrases expected, got node)" },
		{ "doc.walk({}, print)", "bad argument #1 to 'walk' (waymark.node expected, got table)" },
		{ "doc:walk(print, {})", "bad argument #2 to 'walk' (waymark.phrases expected, got table)" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct site s;
		struct strbuf lua = STRBUF_INIT, want = STRBUF_INIT;
		int rc;
		char *html;

		strbuf_addf(&lua, "return { markdown = function(doc) %s end }\n", cases[i][0]);
		site_with(&s, lua.buf);
		html = filter(&s, "text\n", &rc);
		ck_assert_int_eq(rc, -1);
		strbuf_addf(&want, "lua/x.lua:1: error: %s in hook 'markdown' for 'content/x.md'",
			    cases[i][1]);
		assert_diag(&s.dl, 0, want.buf);
		free(html);
		strbuf_release(&lua);
		strbuf_release(&want);
		site_release(&s);
	}
}
END_TEST

START_TEST(markdown_nodes_die_with_their_hook)
{
	struct site s;
	int rc;
	char *html;

	site_with(&s, "local kept\n"
		      "return { markdown = function(doc)\n"
		      "  if kept then return kept.type end\n"
		      "  kept = doc:children()[1]\n"
		      "end }\n");
	html = filter(&s, "text\n", &rc);
	ck_assert_int_eq(rc, 0);
	free(html);
	html = filter(&s, "text\n", &rc); /* the tree the kept node was in is freed */
	ck_assert_int_eq(rc, -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: node used after its markdown hook "
		    "returned in hook 'markdown' for 'content/x.md'");
	free(html);
	site_release(&s);
}
END_TEST

START_TEST(markdown_node_misuse_is_a_clear_error)
{
	struct site s;
	int rc;
	char *html;

	site_with(&s, "return { markdown = function(doc)\n"
		      "  local p = doc.first_child\n"
		      "  return p.ulr\n"
		      "end }\n");
	html = filter(&s, "text\n", &rc);
	ck_assert_int_eq(rc, -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: node has no field 'ulr'; did you mean "
		    "'url'? in hook 'markdown' for 'content/x.md'");
	free(html);
	site_release(&s);

	site_with(&s, "return { markdown = function(doc)\n"
		      "  local text = doc.first_child.first_child\n"
		      "  text:insert_after(waymark.node('paragraph', 'p'))\n"
		      "end }\n");
	html = filter(&s, "text\n", &rc);
	ck_assert_int_eq(rc, -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: cannot put a 'paragraph' node after a "
		    "'text' node in hook 'markdown' for 'content/x.md'");
	free(html);
	site_release(&s);

	site_with(&s, "return { markdown = function(doc) doc:remove() end }\n");
	html = filter(&s, "text\n", &rc);
	ck_assert_int_eq(rc, -1);
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: the document node cannot be moved or "
		    "removed in hook 'markdown' for 'content/x.md'");
	free(html);
	site_release(&s);

	site_with(&s, "return { page = function(p) waymark.node('text', 'x') end }\n");
	{
		struct value *page = value_new_map();

		ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
		assert_diag(&s.dl, 0, "lua/x.lua:1: error: waymark.node is only available in a "
			    "markdown hook in hook 'page' for 'content/x.md'");
		value_free(page);
	}
	site_release(&s);
}
END_TEST

/* ---- shortcodes ------------------------------------------------------ */

static const char shortcodes_lua[] =
	"return { shortcodes = {\n"
	"  figure = function(args, page)\n"
	"    return '![' .. args.alt .. '](' .. args.src .. ')' .. (args.caption or '')\n"
	"  end,\n"
	"  list = function(args, page)\n"
	"    return table.concat(args, ',') .. ' on ' .. page.title\n"
	"  end,\n"
	"} }\n";

START_TEST(shortcodes_expand_with_quoted_arguments)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;
	struct value *page = yaml("title: Home\n");
	const char *md = "Intro\n{{< figure src=\"a b.png\" alt='say \"hi\"' "
			 "caption=\"q\\\"x\\\\\" >}}\n{{<list one \"two three\" 4>}} end\n";

	site_with(&s, shortcodes_lua);
	ck_assert_int_eq(hooks_has(s.h, HOOKS_SHORTCODES), 1);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, md, strlen(md), page, "content/x.md", 0,
						 &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "Intro\n![say \"hi\"](a b.png)q\"x\\\none,two three,4 on Home end\n");
	ck_assert_uint_eq(s.dl.n, 0);
	strbuf_release(&out);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(unknown_shortcode_is_error_at_its_position)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;
	const char *md = "line one\n\nsee {{< figur src=x >}} and {{< nope >}}\n";

	site_with(&s, shortcodes_lua);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, md, strlen(md), NULL, "content/x.md", 4,
						 &out, &s.dl), -1);
	ck_assert_uint_eq(s.dl.n, 2);
	assert_diag(&s.dl, 0, "content/x.md:7:5: error: unknown shortcode 'figur'; did you "
		    "mean 'figure'?");
	assert_diag(&s.dl, 1, "content/x.md:7:29: error: unknown shortcode 'nope'");
	ck_assert_str_eq(out.buf, md); /* failing tags stay as they were */
	strbuf_release(&out);
	site_release(&s);
}
END_TEST

START_TEST(shortcode_syntax_errors_and_escapes)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;
	const char *escaped = "`{{</* figure src=x */>}}`\n";
	const char *unterminated = "a\n{{< figure src=x\n";
	const char *quote = "{{< figure src=\"x >}}";

	site_with(&s, shortcodes_lua);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, escaped, strlen(escaped), NULL,
						 "content/x.md", 0, &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "`{{< figure src=x >}}`\n");
	strbuf_reset(&out);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, unterminated, strlen(unterminated), NULL,
						 "content/x.md", 0, &out, &s.dl), -1);
	assert_diag(&s.dl, 0, "content/x.md:2:1: error: unterminated shortcode (no '>}}')");
	ck_assert_str_eq(out.buf, unterminated);
	strbuf_reset(&out);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, quote, strlen(quote), NULL,
						 "content/x.md", 0, &out, &s.dl), -1);
	assert_diag(&s.dl, 1, "content/x.md:1:1: error: unterminated quote in shortcode 'figure'");
	strbuf_release(&out);
	site_release(&s);
}
END_TEST

START_TEST(shortcode_lua_error_names_the_tag)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;
	const char *md = "\n  {{< figure >}}\n";

	site_with(&s, shortcodes_lua);
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, md, strlen(md), NULL, "content/x.md", 0,
						 &out, &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: attempt to concatenate a nil value "
		    "(field 'src') in shortcode 'figure' at content/x.md:2:3");
	strbuf_release(&out);
	site_release(&s);
}
END_TEST

/* ---- helpers (Mustache lambdas) --------------------------------------- */

/* A stand-in for mustache: "renders" by replacing {{name}} with "Ada". */
struct fake_render {
	struct hooks *h;
	struct diag_list *dl;
	int calls;
};

static int fake_render(void *ctx, const char *text, size_t len, struct strbuf *out)
{
	struct fake_render *r = ctx;
	const char *tag = "{{name}}", *end = text + len;

	r->calls++;
	while (text < end) {
		if ((size_t)(end - text) >= 8 && !memcmp(text, tag, 8)) {
			strbuf_adds(out, "Ada");
			text += 8;
		} else if ((size_t)(end - text) >= 9 && !memcmp(text, "{{#up}}", 7)) {
			/* a nested lambda: hand the rest to the helper again */
			return hooks_call_helper(r->h, "up", text + 7, (size_t)(end - text - 7),
						 fake_render, r, out, r->dl);
		} else
			strbuf_addch(out, *text++);
	}
	return 0;
}

START_TEST(helper_gets_raw_text_and_render)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;
	struct fake_render r;

	site_with(&s, "return { helpers = {\n"
		      "  up = function(text, render) return render(text):upper() end,\n"
		      "  raw = function(text) return '[' .. text .. ']' end,\n"
		      "  count = function() return 42 end,\n"
		      "} }\n");
	r.h = s.h;
	r.dl = &s.dl;
	r.calls = 0;
	ck_assert_int_eq(hooks_has(s.h, HOOKS_HELPERS), 1);
	ck_assert_int_eq(hooks_has_helper(s.h, "up"), 1);
	ck_assert_int_eq(hooks_has_helper(s.h, "down"), 0);
	ck_assert_int_eq(hooks_call_helper(s.h, "up", "hi {{name}}", 11, fake_render, &r, &out,
					   &s.dl), 0);
	ck_assert_str_eq(out.buf, "HI ADA");
	ck_assert_int_eq(r.calls, 1);
	strbuf_reset(&out);
	ck_assert_int_eq(hooks_call_helper(s.h, "raw", "{{name}}", 8, fake_render, &r, &out,
					   &s.dl), 0);
	ck_assert_str_eq(out.buf, "[{{name}}]"); /* raw text, never rendered for it */
	strbuf_reset(&out);
	ck_assert_int_eq(hooks_call_helper(s.h, "count", "", 0, NULL, NULL, &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "42");
	strbuf_reset(&out);
	/* a render callback that calls a helper again */
	ck_assert_int_eq(hooks_call_helper(s.h, "up", "a {{#up}}b {{name}}", 19, fake_render,
					   &r, &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "A B ADA");
	ck_assert_uint_eq(s.dl.n, 0);
	ck_assert_int_eq(hooks_call_helper(s.h, "upp", "", 0, NULL, NULL, &out, &s.dl), -1);
	assert_diag(&s.dl, 0, "waymark: error: unknown helper 'upp'; did you mean 'up'?");
	strbuf_release(&out);
	site_release(&s);
}
END_TEST

START_TEST(helper_render_dies_with_its_call)
{
	struct site s;
	struct strbuf out = STRBUF_INIT;

	site_with(&s, "local saved\n"
		      "return { helpers = {\n"
		      "  keep = function(text, render) saved = render end,\n"
		      "  use = function(text) return saved('x') end,\n"
		      "  bad = function() return {} end,\n"
		      "} }\n");
	ck_assert_int_eq(hooks_call_helper(s.h, "keep", "", 0, NULL, NULL, &out, &s.dl), 0);
	ck_assert_int_eq(hooks_call_helper(s.h, "use", "", 0, NULL, NULL, &out, &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:4: error: render used after its helper returned "
		    "in helper 'use'");
	ck_assert_int_eq(hooks_call_helper(s.h, "bad", "", 0, NULL, NULL, &out, &s.dl), -1);
	assert_diag(&s.dl, 1, "lua/x.lua:5: error: helper 'bad' returned table; expected a "
		    "string in helper 'bad'");
	ck_assert_str_eq(out.buf, "");
	strbuf_release(&out);
	site_release(&s);
}
END_TEST

/* ---- loading and errors ---------------------------------------------- */

START_TEST(runtime_error_names_hook_and_page)
{
	struct site s;
	struct value *page = value_new_map();

	site_with(&s, "return {\n  page = function(p)\n    return p.missing.field\n  end,\n}\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: attempt to index a nil value (field "
		    "'missing') in hook 'page' for 'content/x.md'");
	/* error() without a position is placed at the calling line */
	site_release(&s);
	site_with(&s, "return {\n  page = function(p)\n    error({})\n  end,\n}\n");
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: error object is a table value in hook "
		    "'page' for 'content/x.md'");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(syntax_error_fails_loading)
{
	struct site s;

	site_init(&s);
	put(&s, "lua/x.lua", "return {\n  page = function(p)\n    p.x = = 1\n  end }\n");
	ck_assert_ptr_null(site_load(&s));
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: unexpected symbol near '='");
	site_release(&s);
}
END_TEST

START_TEST(bad_hook_tables_fail_loading)
{
	struct site s;

	site_init(&s);
	put(&s, "lua/a.lua", "return {\n  pgae = function(p) end,\n  html = 'x',\n}\n");
	put(&s, "lua/b.lua", "return 42\n");
	put(&s, "lua/c.lua", "return { shortcodes = { ['a b'] = function() end } }\n");
	ck_assert_ptr_null(site_load(&s));
	diag_list_sort(&s.dl);
	ck_assert_uint_eq(s.dl.n, 4);
	assert_diag(&s.dl, 0, "lua/a.lua: error: hook 'html' must be a function, not string");
	assert_diag(&s.dl, 1, "lua/a.lua:2: error: unknown hook 'pgae'; did you mean 'page'?");
	assert_diag(&s.dl, 2, "lua/b.lua: error: the file must return a table of hooks, not number");
	assert_diag(&s.dl, 3, "lua/c.lua:1: error: bad shortcode name 'a b': use letters, "
		    "digits, '_' and '-'");
	site_release(&s);
}
END_TEST

/* Which documents the site hooks get: every one unless each file with a
 * site hook names its own (a '*' stays within a directory; a pattern
 * ending in '/' takes all below). */
START_TEST(site_documents_choose_what_the_site_hook_gets)
{
	struct site s;

	site_init(&s);
	put(&s, "lua/a.lua", "return { site_documents = {'frameworks/*.yaml', 'guides/'},\n"
			     "  site = function() end }\n");
	put(&s, "lua/b.lua", "return { site_documents = 'pages/about.md', site = function() end,\n"
			     "  page = function() end }\n");
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert(hooks_site_sees(s.h, "frameworks/bench.yaml"));
	ck_assert(!hooks_site_sees(s.h, "frameworks/old/bench.yaml"));
	ck_assert(!hooks_site_sees(s.h, "frameworks/bench.yml"));
	ck_assert(hooks_site_sees(s.h, "guides/a/chapter-1.md"));
	ck_assert(hooks_site_sees(s.h, "pages/about.md"));
	ck_assert(!hooks_site_sees(s.h, "pages/about.mdx"));
	ck_assert(!hooks_site_sees(s.h, "stories/ana.md"));
	/* (the letters before a pattern's first wildcard, compared first) */
	ck_assert(!hooks_site_sees(s.h, "frameworksx/bench.yaml"));
	ck_assert(!hooks_site_sees(s.h, "framework"));
	ck_assert(!hooks_site_sees(s.h, ""));
	site_release(&s);

	/* patterns that start with a wildcard, or have a bracket */
	site_init(&s);
	put(&s, "lua/a.lua", "return { site_documents = {'*/intro.md', 'data/[ab].yaml', 'x?.md'},\n"
			     "  site = function() end }\n");
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert(hooks_site_sees(s.h, "guides/intro.md"));
	ck_assert(!hooks_site_sees(s.h, "guides/a/intro.md"));
	ck_assert(hooks_site_sees(s.h, "data/b.yaml"));
	ck_assert(!hooks_site_sees(s.h, "data/c.yaml"));
	ck_assert(hooks_site_sees(s.h, "x1.md"));
	ck_assert(!hooks_site_sees(s.h, "y1.md"));
	site_release(&s);

	/* a third file's site hook without them gets everything */
	site_init(&s);
	put(&s, "lua/a.lua", "return { site_documents = 'pages/*.md', site = function() end }\n");
	put(&s, "lua/c.lua", "return { site = function() end }\n");
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert(hooks_site_sees(s.h, "stories/ana.md"));
	site_release(&s);
}
END_TEST

START_TEST(bad_site_documents_fail_loading)
{
	struct site s;

	site_init(&s);
	put(&s, "lua/a.lua", "return { site_documents = 3, site = function() end }\n");
	put(&s, "lua/b.lua", "return { site_documents = {'pages/', x = 'y'}, site = function() end }\n");
	put(&s, "lua/c.lua", "return { site_documents = 'pages/', page = function() end }\n");
	put(&s, "lua/d.lua", "return { site_documents = {}, site = function() end }\n");
	put(&s, "lua/e.lua", "return { site_documents = {'a', ''}, site = function() end }\n");
	ck_assert_ptr_null(site_load(&s));
	diag_list_sort(&s.dl);
	ck_assert_uint_eq(s.dl.n, 5);
	assert_diag(&s.dl, 0, "lua/a.lua: error: 'site_documents' must be a pattern or a list of "
		    "patterns below content/ (like \"frameworks/*.yaml\"), not number");
	assert_diag(&s.dl, 1, "lua/b.lua: error: 'site_documents' must be a pattern or a list of "
		    "patterns below content/ (like \"frameworks/*.yaml\"), not that table");
	assert_diag(&s.dl, 2, "lua/c.lua: error: 'site_documents' says which documents the site "
		    "hook gets, and this file has no site hook");
	assert_diag(&s.dl, 3, "lua/d.lua: error: 'site_documents' must be a pattern or a list of "
		    "patterns below content/ (like \"frameworks/*.yaml\"), not that table");
	assert_diag(&s.dl, 4, "lua/e.lua: error: 'site_documents' holds an empty pattern");
	site_release(&s);
}
END_TEST

START_TEST(missing_listed_file_fails_loading)
{
	struct site s;
	const char *files[] = { "nope.lua" };
	struct hooks_opts o = { 0 };

	site_init(&s);
	o.site_dir = s.dir;
	o.files = files;
	o.nfiles = 1;
	char want[4200];

	ck_assert_ptr_null(hooks_new(&o, &s.dl));
	snprintf(want, sizeof want,
		 "waymark: error: unable to read '%s/lua/nope.lua': No such file or directory", s.dir);
	assert_diag(&s.dl, 0, want);
	ck_assert_uint_eq(s.dl.io_errors, 1);
	site_release(&s);
}
END_TEST

/* ---- the waymark table ------------------------------------------------ */

struct logged {
	char text[256];
};

static void log_line(void *ctx, const char *file, int line, const char *msg)
{
	struct logged *l = ctx;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof l->text - n, "%s:%d: %s\n", file, line, msg);
}

START_TEST(waymark_log_warn_and_error_feed_diagnostics)
{
	struct site s;
	struct value *page = value_new_map();
	struct hooks_opts o = { 0 };
	struct logged l = { "" };

	site_init(&s);
	put(&s, "lua/x.lua", "return { page = function(p)\n"
			     "  print('a', 1, true)\n"
			     "  waymark.log('b')\n"
			     "  waymark.warn('no summary')\n"
			     "  waymark.error('bad date')\n"
			     "  p.after = true\n"
			     "end }\n");
	o.site_dir = s.dir;
	o.log = log_line;
	o.log_ctx = &l;
	s.h = hooks_new(&o, &s.dl);
	ck_assert_ptr_nonnull(s.h);
	/* waymark.error does not stop the hook, but the call fails */
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	ck_assert_ptr_null(value_get(page, "after"));
	ck_assert_str_eq(l.text, "lua/x.lua:2: a\t1\ttrue\nlua/x.lua:3: b\n");
	ck_assert_uint_eq(s.dl.n, 2);
	assert_diag(&s.dl, 0, "lua/x.lua:4: warning: no summary in hook 'page' for 'content/x.md'");
	assert_diag(&s.dl, 1, "lua/x.lua:5: error: bad date in hook 'page' for 'content/x.md'");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(waymark_slugify_markdown_and_read)
{
	struct site s;
	struct value *page = value_new_map();

	site_init(&s);
	put(&s, "data/note.txt", "hello\n");
	put(&s, "lua/x.lua", "return { page = function(p)\n"
			     "  p.slug = waymark.slugify('Hello, World!')\n"
			     "  p.html = waymark.markdown('*hi*')\n"
			     "  p.note = waymark.read('data/note.txt')\n"
			     "  p.again = waymark.read('lua/../data/./note.txt')\n"
			     "end }\n");
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "slug")), "hello-world");
	ck_assert_str_eq(value_string(value_get(page, "html")), "<p><em>hi</em></p>\n");
	ck_assert_str_eq(value_string(value_get(page, "note")), "hello\n");
	ck_assert_str_eq(value_string(value_get(page, "again")), "hello\n");
	value_free(page);
	site_release(&s);
}
END_TEST

/* Each call of m:find in `calls` (a Lua expression list of text and skip)
 * as "k i j" or "nil", joined by ';'. */
static const char phrases_lua[] =
	"local m = waymark.phrases{'problem', 'problem solving', 'Team Work', 'co-op',\n"
	"  '(ESL)', '\xc3\xa9\x63oute', 'team', 'Data', 'data'}\n"
	"local function r(...)\n"
	"  local k, i, j = m:find(...)\n"
	"  return k and (k .. ' ' .. i .. ' ' .. j) or 'nil'\n"
	"end\n"
	"return { page = function(p)\n"
	"  p.got = table.concat({\n"
	"    r('We value Problem Solving.'),\n"     /* the longest at one place */
	"    r('teamwork, then Team work'),\n"    /* whole words only */
	"    r('a co-op job'),\n"                   /* a first word before a sign */
	"    r('Classes (esl) help'),\n"            /* a phrase that starts with a sign */
	"    r('x(esl) and problems'),\n"           /* ...needs no letter before it */
	"    r('une \xc3\xa9\x63oute'),\n"          /* a letter beyond ASCII */
	"    r('team problem', {team = true}),\n"   /* passed over */
	"    r('problem solving', {['problem solving'] = true}),\n"
	"    r('DATA'),\n"                          /* of equals, the first listed */
	"    r(''),\n"
	"  }, ';')\n"
	"  p.none = waymark.phrases{}:find('problem') == nil\n"
	"end }\n";

START_TEST(waymark_phrases_finds_the_first_mention)
{
	struct site s;
	struct value *page = value_new_map();

	site_with(&s, phrases_lua);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "got")),
			 "2 10 24;3 16 24;4 3 7;5 9 13;nil;6 5 11;1 6 12;1 1 7;8 1 4;nil");
	ck_assert(value_get(page, "none")->boolean);
	value_free(page);
	site_release(&s);
}
END_TEST

/* m:find against the rules as docs/lua.md words them, tried at every
 * place in turn (slow, and plainly right), on random phrases and texts:
 * signs, hyphens, a letter beyond ASCII, upper case, duplicates, skips. */
static const char phrases_random_lua[] =
	"local words = {'team', 'work', 'teamwork', 'co', 'op', 'data', 'x', 'ab', 'a'}\n"
	"local seps = {' ', ' ', '-', ',', '(', ')', '', '\xc3\xa9', '  '}\n"
	"local function pick(t) return t[math.random(#t)] end\n"
	"local function phrase()\n"
	"  local s = pick(words)\n"
	"  for _ = 2, math.random(3) do s = s .. pick({' ', '-'}) .. pick(words) end\n"
	"  if math.random(5) == 1 then s = pick({'(', '-', '\xc3\xa9'}) .. s end\n"
	"  if math.random(4) == 1 then s = s:upper() end\n"
	"  return s\n"
	"end\n"
	"local function word_at(t, i) return i >= 1 and i <= #t and t:sub(i, i):match('%w') end\n"
	"local function slow(list, text, skip)\n"
	"  local low = text:lower()\n"
	"  for i = 1, #text do\n"
	"    if not word_at(text, i - 1) then\n"
	"      local best\n"
	"      for k, p in ipairs(list) do\n"
	"        local j = i + #p - 1\n"
	"        if not skip[p] and low:sub(i, j) == p:lower() and not word_at(text, j + 1)\n"
	"           and (not best or #p > #list[best]) then best = k end\n"
	"      end\n"
	"      if best then return best, i, i + #list[best] - 1 end\n"
	"    end\n"
	"  end\n"
	"end\n"
	"return { page = function(p)\n"
	"  math.randomseed(7)\n"
	"  local bad, tried = 0, 0\n"
	"  for _ = 1, 400 do\n"
	"    local list = {}\n"
	"    for k = 1, math.random(8) do list[k] = phrase() end\n"
	"    local m = waymark.phrases(list)\n"
	"    for _ = 1, 10 do\n"
	"      local parts = {}\n"
	"      for w = 1, math.random(12) do\n"
	"        parts[#parts + 1] = math.random(3) == 1 and phrase() or pick(words)\n"
	"        parts[#parts + 1] = pick(seps)\n"
	"      end\n"
	"      local text, skip = table.concat(parts), {}\n"
	"      if math.random(3) == 1 then skip[list[math.random(#list)]] = true end\n"
	"      local a1, a2, a3 = slow(list, text, skip)\n"
	"      local b1, b2, b3 = m:find(text, skip)\n"
	"      tried = tried + 1\n"
	"      if a1 ~= b1 or a2 ~= b2 or a3 ~= b3 then\n"
	"        bad = bad + 1\n"
	"        p.example = p.example or (text .. ' | ' .. table.concat(list, '/'))\n"
	"      end\n"
	"    end\n"
	"  end\n"
	"  p.tried, p.bad = tried, bad\n"
	"end }\n";

START_TEST(waymark_phrases_follows_its_rules_on_random_text)
{
	struct site s;
	struct value *page = value_new_map();
	const struct value *example;

	site_with(&s, phrases_random_lua);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	example = value_get(page, "example");
	ck_assert_msg(value_get(page, "bad")->number == 0, "%g of %g differ, as '%s'",
		      value_get(page, "bad")->number, value_get(page, "tried")->number,
		      example ? value_string(example) : "");
	ck_assert(value_get(page, "tried")->number == 4000);
	value_free(page);
	site_release(&s);
}
END_TEST

/* waymark.words: each text's count, joined by ' '. */
static const char words_lua[] =
	"local texts = {\n"
	"  '',\n"
	"  '<p>Don\xe2\x80\x99t stop &amp; <em>go</em> now.</p>',\n" /* ’ and an entity */
	"  'un<em>be</em>lievable',\n"          /* a tag parts a word */
	"  '<a href=\"https://x.org/a b\">see</a> https://x.org a@b.c',\n" /* links are no words */
	"  'It cost 3.5 million, or 1,250 each.',\n"
	"  'a < b and c &x d',\n"               /* no tag, no reference */
	"  'caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve',\n" /* letters beyond ASCII; a dash is no word */
	"  '<img alt=\"two words\">',\n"
	"}\n"
	"return { page = function(p)\n"
	"  local got = {}\n"
	"  for i, t in ipairs(texts) do got[i] = waymark.words(t) end\n"
	"  p.got = table.concat(got, ' ')\n"
	"end }\n";

START_TEST(waymark_words_counts_as_reading_grades_do)
{
	struct site s;
	struct value *page = value_new_map();

	site_with(&s, words_lua);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "got")), "0 4 3 1 7 6 2 0");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(waymark_phrases_refuses_what_is_not_a_phrase)
{
	static const char *const cases[][2] = {
		{ "waymark.phrases{'a', 3}",
		  "lua/x.lua:1: error: waymark.phrases: item 2 is a number, not a string" },
		{ "waymark.phrases{'a', ''}", "lua/x.lua:1: error: waymark.phrases: item 2 is empty" },
		{ "waymark.phrases('a')",
		  "lua/x.lua:1: error: bad argument #1 to 'phrases' (table expected, got string)" },
		{ "waymark.phrases{'a'}:find('a', 1)",
		  "lua/x.lua:1: error: bad argument #2 to 'find' (table expected, got number)" },
		/* a matcher's methods check what they are called on */
		{ "local m = waymark.phrases{'a'}; m.find({}, 'a')",
		  "lua/x.lua:1: error: bad argument #1 to 'find' (waymark.phrases expected, got table)" },
		{ "waymark.words({})",
		  "lua/x.lua:1: error: bad argument #1 to 'words' (string expected, got table)" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct site s;
		struct value *page = value_new_map();
		struct strbuf lua = STRBUF_INIT, want = STRBUF_INIT;

		strbuf_addf(&lua, "return { page = function(p) %s end }\n", cases[i][0]);
		site_with(&s, lua.buf);
		ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
		strbuf_addf(&want, "%s in hook 'page' for 'content/x.md'", cases[i][1]);
		assert_diag(&s.dl, 0, want.buf);
		strbuf_release(&lua);
		strbuf_release(&want);
		value_free(page);
		site_release(&s);
	}
}
END_TEST

START_TEST(waymark_read_refuses_symlinks_out_of_the_site)
{
	struct site s;
	struct value *page = value_new_map();
	char *link;

	site_init(&s);
	put(&s, "lua/x.lua", "return { page = function(p) p.x = waymark.read('data/link') end }\n");
	put(&s, "data/keep", "");
	link = fs_join(s.dir, "data/link");
	ck_assert_int_eq(symlink("/etc/hostname", link), 0);
	free(link);
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:1: error: waymark.read: 'data/link' is outside the "
		    "site directory in hook 'page' for 'content/x.md'");
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(require_loads_site_modules_as_text)
{
	struct site s;
	struct value *page = value_new_map();

	site_init(&s);
	put(&s, "lua/lib/util.lua", "local M = {}\nfunction M.twice(x) return x * 2 end\nreturn M\n");
	put(&s, "lua/x.lua", "local util = require 'lib.util'\n"
			     "assert(require('lib.util') == util)\n"
			     "return { page = function(p) p.n = util.twice(21) end }\n");
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_get(page, "n")->str, "42");
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- limits ----------------------------------------------------------- */

START_TEST(instruction_limit_stops_a_hook_and_state_survives)
{
	struct site s;
	struct value *page = yaml("n: 0\n");

	site_init(&s);
	put(&s, "lua/x.lua", "return { page = function(p)\n"
			     "  if p.n == 0 then\n"
			     "    while true do end\n"
			     "  end\n"
			     "  p.n = p.n + 1\n"
			     "end }\n");
	ck_assert_ptr_nonnull(site_load_limits(&s, 100000, 0));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/a.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:3: error: instruction limit of 100000 exceeded in "
		    "hook 'page' for 'content/a.md'");
	value_map_set_num(page, "n", 1);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/b.md", &s.dl), 0);
	ck_assert(value_get(page, "n")->number == 2);
	value_free(page);
	site_release(&s);
}
END_TEST

START_TEST(memory_limit_stops_a_hook_and_state_survives)
{
	struct site s;
	struct value *page = yaml("big: true\n");

	site_init(&s);
	put(&s, "lua/x.lua", "return { page = function(p)\n"
			     "  if p.big then\n"
			     "    local t = {}\n"
			     "    for i = 1, 1e9 do t[i] = tostring(i) end\n"
			     "  end\n"
			     "  p.ok = true\n"
			     "end }\n");
	ck_assert_ptr_nonnull(site_load_limits(&s, 0, (size_t)8 << 20));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/a.md", &s.dl), -1);
	assert_diag(&s.dl, 0, "lua/x.lua:4: error: memory limit of 8 MB exceeded in hook "
		    "'page' for 'content/a.md'");
	value_map_set_bool(page, "big", 0);
	ck_assert_int_eq(hooks_page(s.h, &page, "content/b.md", &s.dl), 0);
	ck_assert_int_eq(value_get(page, "ok")->boolean, 1);
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- the site hook's documents: read on demand ---------------------- */

/* Two documents, as hookrun hands them: maps marked lazy. */
static struct value *lazy_site(void)
{
	struct value *site = yaml("documents:\n"
				  "  - {file: a.md, meta: {title: A, tags: [x, y]}, body: short}\n"
				  "  - {file: b.md, meta: {title: B}}\n");
	struct value *docs = value_get(site, "documents");
	size_t i;

	for (i = 0; i < docs->n; i++)
		docs->items[i]->lazy = 1;
	return site;
}

START_TEST(site_hook_gets_back_only_what_it_read)
{
	struct site s;
	struct value *site = lazy_site(), *a, *b;

	/* it reads a's meta (and changes it), never b's */
	site_with(&s, "return { site = function(site)\n"
		      "  local a, b = site.documents[1], site.documents[2]\n"
		      "  a.meta.title = a.meta.title .. '!'\n"
		      "  waymark.log(b.file, a.body, #a.meta.tags)\n"
		      "end }\n");
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	a = value_get(site, "documents")->items[0];
	b = value_get(site, "documents")->items[1];
	ck_assert_str_eq(value_string(value_path(a, "meta.title")), "A!");
	ck_assert_uint_eq(value_get(value_get(a, "meta"), "tags")->n, 2);
	ck_assert_str_eq(value_string(value_get(a, "body")), "short"); /* short: pushed at once */
	ck_assert_str_eq(value_string(value_get(b, "file")), "b.md");
	ck_assert_ptr_null(value_get(b, "meta")); /* never read: left as it was */
	value_free(site);
	site_release(&s);
}
END_TEST

/* hooks_fill_fn for the next test: b.md's body, counting the calls */
static int fills, fills_all;

static void fill_b(void *ctx, struct value *map, const char *key)
{
	(void)ctx;
	if (!key)
		fills_all++;
	else
		fills++;
	if ((!key || !strcmp(key, "body")) && !strcmp(value_string(value_get(map, "file")), "b.md") &&
	    !value_get(map, "body"))
		value_map_set(map, "body", value_new_string("from disk", 9), NULL);
}

START_TEST(site_hook_asks_for_what_was_held_back)
{
	struct site s;
	struct value *site = lazy_site();

	/* b.md's body is held back: a hook that never reads it never asks */
	site_with(&s, "return { site = function(site)\n"
		      "  assert(site.documents[2].file == 'b.md' and site.documents[1].body == 'short')\n"
		      "end }\n");
	hooks_set_fill(s.h, fill_b, NULL);
	fills = fills_all = 0;
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	ck_assert_int_eq(fills + fills_all, 0);
	value_free(site);
	site_release(&s);

	/* reading it asks once; pairs asks for everything */
	site = lazy_site();
	site_with(&s, "return { site = function(site)\n"
		      "  local b = site.documents[2]\n"
		      "  b.meta.title = b.body .. ' ' .. tostring(b.nothing)\n"
		      "  local n = 0\n"
		      "  for k in pairs(site.documents[2]) do n = n + 1 end\n"
		      "  b.meta.fields = n\n"
		      "end }\n");
	hooks_set_fill(s.h, fill_b, NULL);
	fills = fills_all = 0;
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	ck_assert_int_eq(fills, 2); /* body, then nothing */
	ck_assert_int_eq(fills_all, 1);
	ck_assert_str_eq(value_string(value_path(value_get(site, "documents")->items[1], "meta.title")),
			 "from disk nil");
	ck_assert(value_path(value_get(site, "documents")->items[1], "meta.fields")->number == 3);
	value_free(site);
	site_release(&s);
}
END_TEST

START_TEST(site_hook_pairs_reads_every_field)
{
	struct site s;
	struct value *site = lazy_site();

	site_with(&s, "return { site = function(site)\n"
		      "  local n = 0\n"
		      "  for k, v in pairs(site.documents[2]) do n = n + 1 end\n"
		      "  site.documents[2].count = n\n"
		      "  assert(getmetatable(site.documents[2]) == false)\n"
		      "end }\n");
	if (hooks_site(s.h, &site, &s.dl) != 0)
		ck_abort_msg("%s", s.dl.n ? diag_format(&s.dl.items[0]) : "?");
	ck_assert(value_path(value_get(site, "documents")->items[1], "count")->number == 2);
	ck_assert_str_eq(value_string(value_path(value_get(site, "documents")->items[1], "meta.title")),
			 "B");
	value_free(site);
	site_release(&s);
}
END_TEST

START_TEST(site_hook_documents_kept_for_later_read_nothing_more)
{
	struct site s;
	struct value *site = lazy_site();
	char *html;
	int rc;

	/* a document kept past the site hook: what it had not read is gone
	 * (its value was the build's, freed since), not read from freed memory */
	site_with(&s, "local kept\n"
		      "return {\n"
		      "  site = function(site) kept = site.documents[1] end,\n"
		      "  markdown = function(doc)\n"
		      "    doc:walk{ text = function(n) n.literal = tostring(kept.meta) .. ' ' .. kept.file end }\n"
		      "  end,\n"
		      "}\n");
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	value_free(site);
	html = filter(&s, "text\n", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(html, "<p>nil a.md</p>\n");
	free(html);
	site_release(&s);

	/* the same when the site hook failed after keeping it */
	site = lazy_site();
	site_with(&s, "local kept\n"
		      "return {\n"
		      "  site = function(site) kept = site.documents[1]; error('no') end,\n"
		      "  markdown = function(doc)\n"
		      "    doc:walk{ text = function(n) n.literal = tostring(kept.meta) end }\n"
		      "  end,\n"
		      "}\n");
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), -1);
	value_free(site);
	html = filter(&s, "text\n", &rc);
	ck_assert_str_eq(html, "<p>nil</p>\n");
	free(html);
	site_release(&s);
}
END_TEST

/* ---- the state a site hook leaves for markdown hooks ----------------- */

/* A glossary-like pair: the site hook keeps names in tables that the
 * markdown hook reaches through its upvalues. */
static const char *const keeper =
	"local names, by_first = {}, {}\n"
	"return {\n"
	"  site = function(site)\n"
	"    for i, doc in ipairs(site.documents) do\n"
	"      names[doc.meta.title] = i\n"
	"      by_first[doc.meta.title:sub(1, 1)] = {doc.meta.title, 1.5, true}\n"
	"    end\n"
	"  end,\n"
	"  markdown = function(doc) return names, by_first end,\n"
	"}\n";

/* The print after the site hook of `s` ran on documents with these titles. */
static unsigned long long state_of(struct site *s, const char *titles, int *ok)
{
	struct strbuf y = STRBUF_INIT;
	struct value *site;
	unsigned long long print = 0;
	const char *t;

	strbuf_adds(&y, "documents:\n");
	for (t = titles; *t; t += strcspn(t, ",") + (t[strcspn(t, ",")] == ',')) {
		strbuf_adds(&y, "  - {file: pages/x.md, meta: {title: ");
		strbuf_add(&y, t, strcspn(t, ","));
		strbuf_adds(&y, "}}\n");
	}
	site = yaml(y.buf);
	ck_assert_int_eq(hooks_site(s->h, &site, &s->dl), 0);
	*ok = hooks_state_print(s->h, 0, &print) == 0;
	value_free(site);
	strbuf_release(&y);
	return print;
}

static unsigned long long state_after(const char *lua, const char *titles, int *ok)
{
	struct site s;
	unsigned long long print;

	site_with(&s, lua);
	print = state_of(&s, titles, ok);
	site_release(&s);
	return print;
}

START_TEST(state_print_is_the_same_in_another_lua_state)
{
	static const char *const titles =
		"Alpha,Beta,Gamma,Delta,Epsilon,Zeta,Eta,Theta,Iota,Kappa,Lambda,Mu";
	struct site s1, s2;
	int ok1, ok2;
	unsigned long long a, b;

	/* two states alive at once hash strings with different seeds, so
	 * their tables keep keys in different orders: the walk sorts them */
	site_with(&s1, keeper);
	site_with(&s2, keeper);
	a = state_of(&s1, titles, &ok1);
	b = state_of(&s2, titles, &ok2);
	ck_assert(ok1 && ok2);
	ck_assert(a == b);
	site_release(&s1);
	site_release(&s2);
}
END_TEST

START_TEST(state_print_follows_what_the_site_hook_kept)
{
	int ok1, ok2, ok3;
	unsigned long long a = state_after(keeper, "Alpha,Beta", &ok1);
	unsigned long long b = state_after(keeper, "Alpha,Bravo", &ok2);
	unsigned long long c = state_after(keeper, "Beta,Alpha", &ok3);

	ck_assert(ok1 && ok2 && ok3);
	ck_assert(a != b); /* a name changed */
	ck_assert(a != c); /* the same names, kept in another order */
}
END_TEST

/* A matcher the site hook made, as the glossary keeps one. */
static const char *const matcher_keeper =
	"local m\n"
	"return {\n"
	"  site = function(site)\n"
	"    local names = {}\n"
	"    for i, doc in ipairs(site.documents) do names[i] = doc.meta.title end\n"
	"    m = waymark.phrases(names)\n"
	"  end,\n"
	"  markdown = function(doc) return m end,\n"
	"}\n";

START_TEST(state_print_follows_the_phrases_of_a_matcher)
{
	int ok1, ok2, ok3;
	unsigned long long a = state_after(matcher_keeper, "Alpha,Beta", &ok1);
	unsigned long long b = state_after(matcher_keeper, "Alpha,Beta", &ok2);
	unsigned long long c = state_after(matcher_keeper, "Alpha,Bravo", &ok3);

	ck_assert(ok1 && ok2 && ok3);
	ck_assert(a == b); /* its bytes hold no pointer */
	ck_assert(a != c);
}
END_TEST

START_TEST(state_print_fails_on_a_table_as_a_key)
{
	int ok;

	state_after("local seen = {}\n"
		    "return {\n"
		    "  site = function(site) seen[{}] = #site.documents end,\n"
		    "  markdown = function(doc) return seen end,\n"
		    "}\n", "Alpha", &ok);
	ck_assert(!ok);
}
END_TEST

/* ---- docs/lua.md: every example file loads and runs ------------------- */

START_TEST(documented_examples_run)
{
	struct site s;
	struct strbuf doc = STRBUF_INIT, out = STRBUF_INIT, html = STRBUF_INIT;
	struct value *site = yaml("documents:\n"
				  "  - {file: stories/a.md, meta: {title: A}, body: \"First one. Second.\\n\"}\n"
				  "  - {file: pages/b.md, meta: {title: B}, body: \"Not this one.\\n\"}\n");
	struct value *page = yaml("title: Getting started\nsummary: S\norder: 3\n");
	const char *p, *md = "{{< figure src=\"/a.jpg\" alt=\"A welder\" caption=\"Week 3\" >}}\n"
			     "{{< wage 18.50 hour >}}\n";
	size_t examples = 0;
	int rc;
	char *rendered;

	site_init(&s);
	ck_assert_int_eq(fs_read("docs/lua.md", &doc), 0);
	for (p = doc.buf; (p = strstr(p, "```lua\n-- lua/")); ) {
		const char *name = p + strlen("```lua\n-- "), *end = strstr(p, "\n```");
		char *rel = xstrndup(name, strcspn(name, "\n"));
		char *text;

		ck_assert_ptr_nonnull(end);
		text = xstrndup(p + strlen("```lua\n"), (size_t)(end - p - strlen("```lua\n") + 1));
		put(&s, rel, text);
		free(rel);
		free(text);
		examples++;
		p = end;
	}
	ck_assert_uint_eq(examples, 7);
	ck_assert_ptr_nonnull(site_load(&s));
	ck_assert_int_eq(hooks_site(s.h, &site, &s.dl), 0);
	ck_assert_uint_eq(value_get(site, "documents")->n, 2);
	ck_assert_str_eq(value_string(value_path(value_get(site, "documents")->items[0], "meta.summary")),
			 "First one.");
	ck_assert_ptr_null(value_path(value_get(site, "documents")->items[1], "meta.summary"));
	ck_assert_int_eq(hooks_page(s.h, &page, "content/x.md", &s.dl), 0);
	ck_assert_str_eq(value_string(value_get(page, "greeting")), "Hello from Lua");
	ck_assert_str_eq(value_string(value_get(page, "anchor")), "getting-started");
	rendered = filter(&s, "[a](http://example.org) ![](i.png)\n", &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(rendered, "<p><a href=\"https://example.org\">a</a> (external link) "
			 "<img src=\"i.png\" alt=\"\" /></p>\n");
	free(rendered);
	strbuf_adds(&html, "<table></table>");
	ck_assert_int_eq(hooks_html(s.h, page, "content/x.md", &html, &s.dl), 0);
	ck_assert_str_eq(html.buf, "<div class=\"table-scroll\"><table></table></div>");
	ck_assert_int_eq(hooks_expand_shortcodes(s.h, md, strlen(md), page, "content/x.md", 0,
						 &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "![A welder](/a.jpg)\n*Week 3*\n$18.50 an hour\n");
	strbuf_reset(&out);
	ck_assert_int_eq(hooks_call_helper(s.h, "ordinal", "3", 1, NULL, NULL, &out, &s.dl), 0);
	ck_assert_int_eq(hooks_call_helper(s.h, "ordinal", "12", 2, NULL, NULL, &out, &s.dl), 0);
	ck_assert_int_eq(hooks_call_helper(s.h, "trim", "  x \n", 5, NULL, NULL, &out, &s.dl), 0);
	ck_assert_str_eq(out.buf, "3rd12thx");
	ck_assert_uint_eq(s.dl.errors, 0);
	assert_diag(&s.dl, 0, "lua/links.lua:15: warning: image 'i.png' has no alt text in hook "
		    "'markdown' for 'content/x.md'");
	strbuf_release(&doc);
	strbuf_release(&out);
	strbuf_release(&html);
	value_free(site);
	value_free(page);
	site_release(&s);
}
END_TEST

/* ---- tests/lua: one escape attempt per file -------------------------- */

static struct fs_list cases;

/* Each case's "-- expect: ..." lines are the diagnostics it must give. */
START_TEST(sandbox_case_is_stopped)
{
	const char *name = cases.paths[_i];
	const char *files[1] = { name };
	struct hooks_opts o = { 0 };
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf text = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct value *page = yaml("title: T\n");
	struct timespec t0, t1;
	struct hooks *h;
	const char *p;
	char *path = fs_join("tests/lua", name);
	double secs;
	size_t i;

	ck_assert_int_eq(fs_read(path, &text), 0);
	for (p = text.buf; (p = strstr(p, "-- expect: ")); p++) {
		p += strlen("-- expect: ");
		strbuf_add(&want, p, strcspn(p, "\n"));
		strbuf_addch(&want, '\n');
	}
	ck_assert_msg(want.len > 0, "%s has no '-- expect:' line", path);
	o.site_dir = "tests";
	o.files = files;
	o.nfiles = 1;
	/* CPU time, not wall time: the machine running the tests may be busy */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	h = hooks_new(&o, &dl);
	if (h)
		ck_assert_int_eq(hooks_page(h, &page, "content/x.md", &dl), -1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	for (i = 0; i < dl.n; i++) {
		char *s = diag_format(&dl.items[i]);

		strbuf_addf(&got, "%s\n", s);
		free(s);
	}
	ck_assert_str_eq(got.buf, want.buf);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < CPU_LIMIT, "%s took %.2f s of CPU time (at most %.0f)", name, secs,
		      CPU_LIMIT);
	hooks_free(h);
	value_free(page);
	diag_list_release(&dl);
	strbuf_release(&text);
	strbuf_release(&want);
	strbuf_release(&got);
	free(path);
}
END_TEST

static Suite *suite(void)
{
	static const char *const exts[] = { ".lua", NULL };
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("hooks");
	TCase *sb = tcase_create("sandbox");

	markdown_init();
	tcase_add_test(tc, site_without_lua_has_no_hooks);
	tcase_add_test(tc, page_hook_changes_fields);
	tcase_add_test(tc, page_hook_may_return_a_new_table);
	tcase_add_test(tc, site_hook_adds_a_page);
	tcase_add_test(tc, hooks_of_several_files_run_in_order);
	tcase_add_test(tc, value_round_trip_keeps_kinds_order_and_positions);
	tcase_add_test(tc, numbers_and_strings_cross_exactly);
	tcase_add_test(tc, empty_tables_and_null);
	tcase_add_test(tc, unconvertible_results_are_errors);
	tcase_add_test(tc, html_hook_rewrites_the_page);
	tcase_add_test(tc, hook_returning_wrong_type_is_error);
	tcase_add_test(tc, markdown_filter_changes_link_urls);
	tcase_add_test(tc, markdown_filter_inserts_and_removes_nodes);
	tcase_add_test(tc, markdown_walk_with_phrases_visits_texts_that_name_one);
	tcase_add_test(tc, markdown_inside_a_markdown_hook);
	tcase_add_test(tc, markdown_nodes_die_with_their_hook);
	tcase_add_test(tc, markdown_node_methods_refuse_other_userdata);
	tcase_add_test(tc, markdown_node_misuse_is_a_clear_error);
	tcase_add_test(tc, shortcodes_expand_with_quoted_arguments);
	tcase_add_test(tc, unknown_shortcode_is_error_at_its_position);
	tcase_add_test(tc, shortcode_syntax_errors_and_escapes);
	tcase_add_test(tc, shortcode_lua_error_names_the_tag);
	tcase_add_test(tc, helper_gets_raw_text_and_render);
	tcase_add_test(tc, helper_render_dies_with_its_call);
	tcase_add_test(tc, runtime_error_names_hook_and_page);
	tcase_add_test(tc, syntax_error_fails_loading);
	tcase_add_test(tc, bad_hook_tables_fail_loading);
	tcase_add_test(tc, missing_listed_file_fails_loading);
	tcase_add_test(tc, site_documents_choose_what_the_site_hook_gets);
	tcase_add_test(tc, bad_site_documents_fail_loading);
	tcase_add_test(tc, waymark_log_warn_and_error_feed_diagnostics);
	tcase_add_test(tc, waymark_slugify_markdown_and_read);
	tcase_add_test(tc, waymark_phrases_finds_the_first_mention);
	tcase_add_test(tc, waymark_phrases_follows_its_rules_on_random_text);
	tcase_add_test(tc, waymark_phrases_refuses_what_is_not_a_phrase);
	tcase_add_test(tc, waymark_words_counts_as_reading_grades_do);
	tcase_add_test(tc, waymark_read_refuses_symlinks_out_of_the_site);
	tcase_add_test(tc, require_loads_site_modules_as_text);
	tcase_add_test(tc, instruction_limit_stops_a_hook_and_state_survives);
	tcase_add_test(tc, memory_limit_stops_a_hook_and_state_survives);
	tcase_add_test(tc, documented_examples_run);
	tcase_add_test(tc, site_hook_gets_back_only_what_it_read);
	tcase_add_test(tc, site_hook_asks_for_what_was_held_back);
	tcase_add_test(tc, site_hook_pairs_reads_every_field);
	tcase_add_test(tc, site_hook_documents_kept_for_later_read_nothing_more);
	tcase_add_test(tc, state_print_is_the_same_in_another_lua_state);
	tcase_add_test(tc, state_print_follows_what_the_site_hook_kept);
	tcase_add_test(tc, state_print_follows_the_phrases_of_a_matcher);
	tcase_add_test(tc, state_print_fails_on_a_table_as_a_key);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	if (fs_list("tests/lua", exts, &cases, NULL) == 0 && cases.n)
		tcase_add_loop_test(sb, sandbox_case_is_stopped, 0, (int)cases.n);
	tcase_set_timeout(sb, 20);
	suite_add_tcase(s, sb);
	return s;
}

TEST_MAIN
