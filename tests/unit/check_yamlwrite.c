/* check_yamlwrite: the value tree as YAML that reads back as the same tree. */
#include "test.h"

#include <string.h>

#include "yamlread.h"
#include "yamlwrite.h"

/* `v` written and read back is `v` (compared as JSON). */
static void assert_round_trip(const struct value *v)
{
	struct strbuf yaml = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *back;

	ck_assert_int_eq(yamlwrite_value(v, &yaml), 0);
	back = yamlread_parse("t.yaml", yaml.buf, yaml.len, 0, &dl);
	ck_assert_msg(back != NULL, "did not read back: %s", yaml.buf);
	value_json(v, &a);
	value_json(back, &b);
	ck_assert_msg(!strcmp(a.buf, b.buf), "wrote\n%s\nread back %s", yaml.buf, b.buf);
	value_free(back);
	strbuf_release(&yaml);
	strbuf_release(&a);
	strbuf_release(&b);
	diag_list_release(&dl);
}

START_TEST(strings_that_look_like_other_things_stay_strings)
{
	static const char *const tricky[] = {
		"true", "no", "null", "~", "", "1.0", "0x1F", "-3", "1e5", ".inf", "- item",
		"key: value", "# not a comment", " leading space", "trailing space ",
		"line one\nline two", "tab\there", "quote \" and \\ backslash", "'single'",
		"[a, b]", "{a: b}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`",
		"Caf\xc3\xa9 \xe2\x80\x99 \xf0\x9d\x91\x91", "a very long definition that goes on past the eighty columns the writer folds at, and then some more words",
	};
	struct value *m = value_new_map();
	size_t i;

	for (i = 0; i < sizeof tricky / sizeof *tricky; i++) {
		char key[16];

		snprintf(key, sizeof key, "k%zu", i);
		value_map_set_str(m, key, tricky[i]);
	}
	value_map_set_str(m, "true", "a key that is a word YAML reads as a boolean");
	assert_round_trip(m);
	value_free(m);
}
END_TEST

START_TEST(plain_words_are_written_plain)
{
	struct value *m = value_new_map();
	struct strbuf yaml = STRBUF_INIT;

	value_map_set_str(m, "id", "integrity");
	value_map_set_str(m, "title", "true");
	ck_assert_int_eq(yamlwrite_value(m, &yaml), 0);
	ck_assert_ptr_nonnull(strstr(yaml.buf, "id: integrity\n"));
	ck_assert_ptr_nonnull(strstr(yaml.buf, "title: \"true\"\n"));
	strbuf_release(&yaml);
	value_free(m);
}
END_TEST

START_TEST(lists_and_maps_keep_their_order)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *text = "z: 1\na:\n- {b: 2, a: [x, y]}\n- null\n- true\n- 2.50\nm: {}\nl: []\n";
	struct value *v = yamlread_parse("t.yaml", text, strlen(text), 0, &dl);

	ck_assert_ptr_nonnull(v);
	assert_round_trip(v);
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("yamlwrite");
	TCase *tc = tcase_create("yamlwrite");

	tcase_add_test(tc, strings_that_look_like_other_things_stay_strings);
	tcase_add_test(tc, plain_words_are_written_plain);
	tcase_add_test(tc, lists_and_maps_keep_their_order);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
