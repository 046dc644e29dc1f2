/* check_slug: ids, clean URLs and path arithmetic. */
#include "test.h"

#include <string.h>

#include "slug.h"

/* Assert slug_make(text, fallback) gives `want`, freeing the result. */
static void assert_slug(const char *text, const char *fallback, const char *want)
{
	char *s = slug_make(text, fallback);

	ck_assert_str_eq(s, want);
	free(s);
}

static void assert_url(const char *rel, const char *want_url, const char *want_out)
{
	char *url, *out;

	slug_url_of(rel, &url, &out);
	ck_assert_str_eq(url, want_url);
	ck_assert_str_eq(out, want_out);
	free(url);
	free(out);
}

static void assert_normal(const char *path, const char *want)
{
	char *s = slug_normalize_path(path);

	if (want) {
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, want);
	} else {
		ck_assert_ptr_null(s);
	}
	free(s);
}

static void assert_relative(const char *from, const char *to, const char *want)
{
	char *s = slug_relative_path(from, to);

	ck_assert_str_eq(s, want);
	free(s);
}

/* An address from the site's root, not another site's ("//host") nor a
 * relative one or one with a scheme. */
START_TEST(from_root_is_a_site_path)
{
	ck_assert(slug_from_root("/"));
	ck_assert(slug_from_root("/plan/"));
	ck_assert(slug_from_root("/stories/ana.jpg#top"));
	ck_assert(!slug_from_root("//example.org/"));
	ck_assert(!slug_from_root("plan/"));
	ck_assert(!slug_from_root("https://example.org/plan/"));
	ck_assert(!slug_from_root(""));
	ck_assert(!slug_from_root(NULL));
}
END_TEST

START_TEST(make_lowercases_ascii)
{
	assert_slug("Hello World", "x", "hello-world");
	assert_slug("ABC123", "x", "abc123");
}
END_TEST

START_TEST(make_collapses_punctuation_runs)
{
	assert_slug("Hello,  World!! How  -- are_you?", "x", "hello-world-how-are-you");
	assert_slug("a/b\\c.d", "x", "a-b-c-d");
}
END_TEST

START_TEST(make_drops_apostrophes)
{
	assert_slug("Worker's rights", "x", "workers-rights");
	assert_slug("'quoted'", "x", "quoted");
}
END_TEST

START_TEST(make_drops_curly_apostrophes)
{
	/* what smart punctuation makes of ' */
	assert_slug("Worker\u2019s rights", "x", "workers-rights");
	assert_slug("\u2018quoted\u2019", "x", "quoted");
}
END_TEST

START_TEST(make_splits_words_at_typographic_punctuation)
{
	assert_slug("Before\u2014after", "x", "before-after");       /* em dash */
	assert_slug("\u201cQuoted\u201d text", "x", "quoted-text"); /* curly quotes */
	assert_slug("Wait\u2026 what", "x", "wait-what");           /* ellipsis */
	assert_slug("no\u00a0break", "x", "no-break");               /* no-break space */
	assert_slug("\u00abGuillemets\u00bb", "x", "guillemets");
	assert_slug("\u2014\u2014", "x", "x");
}
END_TEST

START_TEST(make_trims_leading_and_trailing_junk)
{
	assert_slug("  --Hello--  ", "x", "hello");
	assert_slug("(1) First step.", "x", "1-first-step");
}
END_TEST

START_TEST(make_keeps_utf8)
{
	assert_slug("Café au lait", "x", "café-au-lait");
	assert_slug("Über Straße", "x", "Über-straße");
}
END_TEST

START_TEST(make_falls_back_when_nothing_usable)
{
	assert_slug("!!! ---", "section", "section");
	assert_slug("", "page", "page");
	assert_slug("?", NULL, "");
}
END_TEST

START_TEST(add_appends_to_existing_buffer)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "/stories/");
	slug_add(&sb, "-My Day-", 8, "page");
	ck_assert_str_eq(sb.buf, "/stories/my-day");
	strbuf_release(&sb);
}
END_TEST

START_TEST(add_uses_only_the_given_length)
{
	struct strbuf sb = STRBUF_INIT;

	slug_add(&sb, "Hello World", 5, "page");
	ck_assert_str_eq(sb.buf, "hello");
	strbuf_release(&sb);
}
END_TEST

/* A name that is a slug already comes out as it is (copied whole); one
 * that is almost one (a double, leading or trailing '-', a capital, a
 * character after the length) comes out cleaned. */
START_TEST(add_keeps_a_slug_and_cleans_near_ones)
{
	static const char *const cases[][2] = {
		{ "t00001-maya", "t00001-maya" }, { "a", "a" }, { "a-1-b", "a-1-b" },
		{ "a--b", "a-b" }, { "-a", "a" }, { "a-", "a" }, { "A-b", "a-b" },
		{ "a_b", "a-b" }, { "-", "page" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf sb = STRBUF_INIT;

		slug_add(&sb, cases[i][0], strlen(cases[i][0]), "page");
		ck_assert_str_eq(sb.buf, cases[i][1]);
		strbuf_release(&sb);
	}
	{
		struct strbuf sb = STRBUF_INIT;

		slug_add(&sb, "ab-", 2, "page"); /* the '-' after the length is not read */
		ck_assert_str_eq(sb.buf, "ab");
		strbuf_release(&sb);
	}
}
END_TEST

START_TEST(valid_id_accepts_lowercase_digits_and_single_dashes)
{
	ck_assert_int_eq(slug_valid_id("teamwork"), 1);
	ck_assert_int_eq(slug_valid_id("a-1-b"), 1);
	ck_assert_int_eq(slug_valid_id("42"), 1);
	ck_assert_int_eq(slug_valid_id("x"), 1);
}
END_TEST

START_TEST(valid_id_rejects_bad_ids)
{
	ck_assert_int_eq(slug_valid_id(""), 0);
	ck_assert_int_eq(slug_valid_id("-a"), 0);
	ck_assert_int_eq(slug_valid_id("a-"), 0);
	ck_assert_int_eq(slug_valid_id("a--b"), 0);
	ck_assert_int_eq(slug_valid_id("Teamwork"), 0);
	ck_assert_int_eq(slug_valid_id("a_b"), 0);
	ck_assert_int_eq(slug_valid_id("a b"), 0);
	ck_assert_int_eq(slug_valid_id("café"), 0);
	ck_assert_int_eq(slug_valid_id("-"), 0);
}
END_TEST

START_TEST(url_of_page_lives_at_top)
{
	assert_url("pages/about.md", "/about/", "about/index.html");
}
END_TEST

START_TEST(url_of_top_index_is_root)
{
	assert_url("_index.md", "/", "index.html");
}
END_TEST

START_TEST(url_of_section_index_is_its_directory)
{
	assert_url("guides/x/_index.md", "/guides/x/", "guides/x/index.html");
}
END_TEST

START_TEST(url_of_slugs_every_segment)
{
	assert_url("stories/My Day.md", "/stories/my-day/", "stories/my-day/index.html");
	assert_url("Big Guides/Step One.md", "/big-guides/step-one/",
		   "big-guides/step-one/index.html");
}
END_TEST

START_TEST(url_of_plain_file_in_section)
{
	assert_url("pathways/healthcare.md", "/pathways/healthcare/",
		   "pathways/healthcare/index.html");
}
END_TEST

START_TEST(normalize_removes_parent_segments)
{
	assert_normal("a/b/../c", "a/c");
	assert_normal("a/b/c/../../d", "a/d");
	assert_normal("a/b/../..", "");
}
END_TEST

START_TEST(normalize_removes_dot_and_empty_segments)
{
	assert_normal("./a//b/./c", "a/b/c");
	assert_normal("a/b/", "a/b");
}
END_TEST

START_TEST(normalize_leaves_clean_path_alone)
{
	assert_normal("pathways/healthcare.md", "pathways/healthcare.md");
	assert_normal("a..b/..c", "a..b/..c");
}
END_TEST

/* An address from a site's root: ".." there stays at the top, as a
 * browser reads "/../plan/" (as "/plan/") */
START_TEST(normalize_root_path_stays_at_the_top)
{
	const char *cases[][2] = { { "..", "" },
				   { "../plan/", "plan" },
				   { "a/../../b/./c/", "b/c" },
				   { "pathways/../plan/index.html", "plan/index.html" },
				   { "", "" } };
	size_t i;

	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = slug_normalize_root_path(cases[i][0]);

		ck_assert_str_eq(s, cases[i][1]);
		free(s);
	}
}
END_TEST

START_TEST(normalize_climbing_above_top_is_null)
{
	assert_normal("..", NULL);
	assert_normal("../a.md", NULL);
	assert_normal("a/../../b.md", NULL);
	assert_normal("pages/../../x.md", NULL);
}
END_TEST

START_TEST(relative_path_climbs_out_of_directory)
{
	assert_relative("pages/about.md", "pathways/x.md", "../pathways/x.md");
	assert_relative("a/b/c.md", "x.md", "../../x.md");
}
END_TEST

START_TEST(relative_path_skips_shared_directories)
{
	assert_relative("pathways/a.md", "pathways/b.md", "b.md");
	assert_relative("a/b/c.md", "a/d.md", "../d.md");
	assert_relative("a/b.md", "a/c/d.md", "c/d.md");
}
END_TEST

START_TEST(relative_path_shares_whole_segments_only)
{
	assert_relative("ab/c.md", "a/d.md", "../a/d.md");
	assert_relative("a/c.md", "ab/d.md", "../ab/d.md");
}
END_TEST

START_TEST(relative_path_from_top)
{
	assert_relative("x.md", "guides/y.md", "guides/y.md");
	assert_relative("", "guides/y.md", "guides/y.md");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("slug");
	TCase *tc = tcase_create("slug");

	tcase_add_test(tc, from_root_is_a_site_path);
	tcase_add_test(tc, make_lowercases_ascii);
	tcase_add_test(tc, make_collapses_punctuation_runs);
	tcase_add_test(tc, make_drops_apostrophes);
	tcase_add_test(tc, make_drops_curly_apostrophes);
	tcase_add_test(tc, make_splits_words_at_typographic_punctuation);
	tcase_add_test(tc, make_trims_leading_and_trailing_junk);
	tcase_add_test(tc, make_keeps_utf8);
	tcase_add_test(tc, make_falls_back_when_nothing_usable);
	tcase_add_test(tc, add_appends_to_existing_buffer);
	tcase_add_test(tc, add_uses_only_the_given_length);
	tcase_add_test(tc, add_keeps_a_slug_and_cleans_near_ones);
	tcase_add_test(tc, valid_id_accepts_lowercase_digits_and_single_dashes);
	tcase_add_test(tc, valid_id_rejects_bad_ids);
	tcase_add_test(tc, url_of_page_lives_at_top);
	tcase_add_test(tc, url_of_top_index_is_root);
	tcase_add_test(tc, url_of_section_index_is_its_directory);
	tcase_add_test(tc, url_of_slugs_every_segment);
	tcase_add_test(tc, url_of_plain_file_in_section);
	tcase_add_test(tc, normalize_removes_parent_segments);
	tcase_add_test(tc, normalize_removes_dot_and_empty_segments);
	tcase_add_test(tc, normalize_leaves_clean_path_alone);
	tcase_add_test(tc, normalize_climbing_above_top_is_null);
	tcase_add_test(tc, normalize_root_path_stays_at_the_top);
	tcase_add_test(tc, relative_path_climbs_out_of_directory);
	tcase_add_test(tc, relative_path_skips_shared_directories);
	tcase_add_test(tc, relative_path_shares_whole_segments_only);
	tcase_add_test(tc, relative_path_from_top);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
