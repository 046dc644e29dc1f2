/* check_frontmatter: splitting front matter from the Markdown body. */
#include "test.h"

#include <string.h>

#include "frontmatter.h"

static int split(const char *text, struct frontmatter *fm)
{
	return frontmatter_split(text, strlen(text), fm);
}

/* Assert that the YAML part of `text` is exactly `yaml`. */
#define ck_assert_yaml(text, fm, yaml)                                        \
	do {                                                                  \
		ck_assert_uint_eq((fm).yaml_len, strlen(yaml));               \
		ck_assert(!memcmp((text) + (fm).yaml_off, (yaml), strlen(yaml))); \
	} while (0)

START_TEST(no_front_matter_makes_everything_body)
{
	const char *t = "# Title\n\n--- not a fence\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 0);
	ck_assert_uint_eq(fm.body_off, 0);
	ck_assert_int_eq(fm.body_line, 1);
	ck_assert_uint_eq(fm.yaml_len, 0);
}
END_TEST

START_TEST(fence_must_be_on_the_first_line)
{
	const char *t = "\n---\na: 1\n---\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 0);
	ck_assert_uint_eq(fm.body_off, 0);
}
END_TEST

START_TEST(dashes_open_and_close)
{
	const char *t = "---\ntitle: x\ntags: [a]\n---\n# Body\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_yaml(t, fm, "title: x\ntags: [a]\n");
	ck_assert_str_eq(t + fm.body_off, "# Body\n");
}
END_TEST

START_TEST(dots_close)
{
	const char *t = "---\ntitle: x\n...\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_yaml(t, fm, "title: x\n");
	ck_assert_str_eq(t + fm.body_off, "body\n");
}
END_TEST

START_TEST(dots_do_not_open)
{
	const char *t = "...\ntitle: x\n...\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 0);
	ck_assert_uint_eq(fm.body_off, 0);
}
END_TEST

START_TEST(crlf_line_endings)
{
	const char *t = "---\r\ntitle: x\r\n---\r\nbody\r\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_yaml(t, fm, "title: x\r\n");
	ck_assert_str_eq(t + fm.body_off, "body\r\n");
	ck_assert_int_eq(fm.yaml_line, 2);
	ck_assert_int_eq(fm.body_line, 4);
}
END_TEST

START_TEST(byte_order_mark_is_skipped)
{
	const char *t = "\xEF\xBB\xBF---\ntitle: x\n---\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_yaml(t, fm, "title: x\n");
	ck_assert_str_eq(t + fm.body_off, "body\n");
	ck_assert_int_eq(fm.yaml_line, 2);
	ck_assert_int_eq(fm.body_line, 4);
}
END_TEST

START_TEST(byte_order_mark_is_not_body_without_front_matter)
{
	const char *t = "\xEF\xBB\xBF# Title\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 0);
	ck_assert_str_eq(t + fm.body_off, "# Title\n");
	ck_assert_int_eq(fm.body_line, 1);
}
END_TEST

START_TEST(trailing_blanks_on_fences_allowed)
{
	const char *t = "---  \ntitle: x\n--- \t\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_yaml(t, fm, "title: x\n");
	ck_assert_str_eq(t + fm.body_off, "body\n");
}
END_TEST

START_TEST(fence_with_other_text_is_not_a_fence)
{
	const char *t = "---\ntitle: x\n--- more\n----\n---\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_yaml(t, fm, "title: x\n--- more\n----\n");
	ck_assert_str_eq(t + fm.body_off, "body\n");
	ck_assert_int_eq(fm.body_line, 6);
}
END_TEST

START_TEST(unterminated_fence_returns_minus_one)
{
	const char *t = "---\ntitle: x\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), -1);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_int_eq(fm.yaml_line, 2);
	ck_assert_uint_eq(fm.body_off, strlen(t));
}
END_TEST

START_TEST(lone_opening_fence_is_unterminated)
{
	const char *t = "---";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), -1);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_uint_eq(fm.yaml_len, 0);
}
END_TEST

START_TEST(line_numbers_count_fences)
{
	const char *t = "---\na: 1\nb: 2\nc: 3\n---\nfirst body line\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.yaml_line, 2);
	ck_assert_int_eq(fm.body_line, 6);
}
END_TEST

START_TEST(empty_front_matter)
{
	const char *t = "---\n---\nbody\n";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_int_eq(fm.present, 1);
	ck_assert_uint_eq(fm.yaml_len, 0);
	ck_assert_str_eq(t + fm.body_off, "body\n");
	ck_assert_int_eq(fm.yaml_line, 2);
	ck_assert_int_eq(fm.body_line, 3);
}
END_TEST

START_TEST(closing_fence_at_end_of_file_leaves_empty_body)
{
	const char *t = "---\na: 1\n---";
	struct frontmatter fm;

	ck_assert_int_eq(split(t, &fm), 0);
	ck_assert_yaml(t, fm, "a: 1\n");
	ck_assert_uint_eq(fm.body_off, strlen(t));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("frontmatter");
	TCase *tc = tcase_create("frontmatter");

	tcase_add_test(tc, no_front_matter_makes_everything_body);
	tcase_add_test(tc, fence_must_be_on_the_first_line);
	tcase_add_test(tc, dashes_open_and_close);
	tcase_add_test(tc, dots_close);
	tcase_add_test(tc, dots_do_not_open);
	tcase_add_test(tc, crlf_line_endings);
	tcase_add_test(tc, byte_order_mark_is_skipped);
	tcase_add_test(tc, byte_order_mark_is_not_body_without_front_matter);
	tcase_add_test(tc, trailing_blanks_on_fences_allowed);
	tcase_add_test(tc, fence_with_other_text_is_not_a_fence);
	tcase_add_test(tc, unterminated_fence_returns_minus_one);
	tcase_add_test(tc, lone_opening_fence_is_unterminated);
	tcase_add_test(tc, line_numbers_count_fences);
	tcase_add_test(tc, empty_front_matter);
	tcase_add_test(tc, closing_fence_at_end_of_file_leaves_empty_body);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
