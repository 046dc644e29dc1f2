/* check_yamlread: YAML loading with positions. */
#include "test.h"

#include <string.h>

#include "yamlread.h"

static struct value *parse(const char *text, struct diag_list *dl)
{
	return yamlread_parse("t.yaml", text, strlen(text), 0, dl);
}

START_TEST(scalars_resolve_by_core_schema)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("a: 1.50\nb: true\nc: ~\nd: '12'\ne: yes\nf: -3\n", &dl);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(value_get(v, "a")->kind, VALUE_NUMBER);
	ck_assert_str_eq(value_get(v, "a")->str, "1.50");
	ck_assert(value_get(v, "a")->number == 1.5);
	ck_assert_int_eq(value_get(v, "b")->kind, VALUE_BOOL);
	ck_assert_int_eq(value_get(v, "c")->kind, VALUE_NULL);
	ck_assert_int_eq(value_get(v, "d")->kind, VALUE_STRING);
	ck_assert_int_eq(value_get(v, "e")->kind, VALUE_STRING);
	ck_assert(value_get(v, "f")->number == -3);
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

START_TEST(every_node_keeps_line_and_column)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("title: x\nsteps:\n  - name: one\n    months: 6\n", &dl);
	struct value *step = value_get(v, "steps")->items[0];

	ck_assert_int_eq(value_get(step, "months")->pos.line, 4);
	ck_assert_int_eq(value_get(step, "months")->pos.col, 13);
	ck_assert_int_eq(value_member(step, "months")->key_pos.col, 5);
	ck_assert_str_eq(value_get(v, "title")->pos.file, "t.yaml");
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

START_TEST(line_offset_shifts_positions)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = yamlread_parse("f.md", "a: 1\n", 5, 1, &dl);

	ck_assert_int_eq(value_get(v, "a")->pos.line, 2);
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

START_TEST(syntax_error_reports_real_position)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("a: 1\nb: [1, 2\nc: 3\n", &dl);
	char *msg;

	ck_assert_ptr_null(v);
	ck_assert_uint_eq(dl.errors, 1);
	msg = diag_format(&dl.items[0]);
	/* at the '[' that is never closed, not where libyaml gave up */
	ck_assert_str_eq(msg, "t.yaml:2:4: error: the list this '[' opens is not closed: a ']' (or "
			      "a ',' between its items) is missing before line 3");
	free(msg);
	diag_list_release(&dl);
}
END_TEST

/* libyaml's syntax errors, said in words that tell what to change */
static const struct {
	const char *text, *says;
} explained[] = {
	{ "a:\n\t- x\n", "2:1: error: a tab indents this line: YAML indents with spaces only" },
	{ "a:\n  b: 1\n\tc: 2\n", "3:1: error: a tab indents this line: YAML indents with spaces only" },
	{ "title: Skills: the basics\n",
	  "1:14: error: a second ': ' in one line: put the value in quotes "
	  "(title: \"Skills: the basics\")" },
	{ "- t: say \"a: b\"\n",
	  "1:12: error: a second ': ' in one line: put the value in quotes (t: 'say \"a: b\"')" },
	{ "a:1\nb: 2\n", "1:2: error: a key's ':' needs a space after it (a: 1)" },
	{ "- id: x\n  title:Health care\n  summary: Clinics\n",
	  "2:8: error: a key's ':' needs a space after it (title: Health care)" },
	{ "a: 1\n  b: 2\n",
	  "2:4: error: this line is indented under 'a: 1', which has a value already: line the two up" },
	{ "a: \"open\nb: 2\n", "1:4: error: the quote that opens this value is never closed" },
	{ "a: {x: 1\n",
	  "1:4: error: the map this '{' opens is not closed: a '}' (or a ',' between its items) is "
	  "missing before line 2" },
	{ "a: 'it's'\n",
	  "1:7: error: this ' ends the quoted value before its end: inside '...' write an apostrophe "
	  "twice (''), or put the value in \"...\"" },
	{ "t: 'Nurses' aides'\n",
	  "1:11: error: this ' ends the quoted value before its end: inside '...' write an "
	  "apostrophe twice (''), or put the value in \"...\"" },
	{ "a: \"say \"hi\"\"\n",
	  "1:9: error: this \" ends the quoted value before its end: inside \"...\" write a quote as "
	  "\\\", or put the value in '...'" },
	{ "a:\n  b: 1\n c: 2\n",
	  "3:2: error: this line is indented by 1 space, which lines up with no line above it (they "
	  "are indented by 0 and 2)" },
	{ "k: v\n- item\n",
	  "2:1: error: a list item among keys: a list belongs under a key of its own, on the lines "
	  "below it, indented" },
	{ "x:\n  - a: 1\n  b: 2\n",
	  "3:3: error: a key among the items of a list ('- a: 1' above): start it with '- ' to make "
	  "it an item, or indent it to line up with the item's first key" },
	{ "a: - b\n",
	  "1:4: error: a list cannot start on its key's line: put each '- ' item on a line of its "
	  "own below the key, indented" },
	{ "a: @x\n", "1:4: error: a value cannot start with '@': put it in quotes" },
	{ "a: \"\\q\"\n",
	  "1:5: error: '\\q' is not an escape YAML knows: inside \"...\" write a backslash as '\\\\', "
	  "or put the value in '...'" },
	/* nothing recognised: libyaml's own words */
	{ "a: *\n",
	  "1:5: error: did not find expected alphabetic or numeric character while scanning an alias" },
};

START_TEST(syntax_errors_are_explained)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse(explained[_i].text, &dl);
	char *msg;

	ck_assert_ptr_null(v);
	ck_assert_uint_eq(dl.errors, 1);
	msg = diag_format(&dl.items[0]);
	ck_assert_str_eq(msg + strlen("t.yaml:"), explained[_i].says);
	free(msg);
	diag_list_release(&dl);
}
END_TEST

START_TEST(duplicate_key_is_an_error)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("a: 1\nb: 2\na: 3\n", &dl);
	char *msg;

	ck_assert_ptr_null(v);
	msg = diag_format(&dl.items[0]);
	ck_assert_str_eq(msg, "t.yaml:3:1: error: duplicate key 'a'");
	free(msg);
	diag_list_release(&dl);
}
END_TEST

START_TEST(aliases_copy_their_anchor)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("a: &x {k: v}\nb: *x\n", &dl);

	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(value_string(value_path(v, "b.k")), "v");
	ck_assert_ptr_ne(value_get(v, "a"), value_get(v, "b"));
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

/* Aliases of aliases multiply: six lines of ten make a million values.
 * The file is refused at the alias that passes the limit (on line e), a
 * thousand copies of a list of ten are fine. */
START_TEST(alias_bomb_is_an_error)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
	struct strbuf many = STRBUF_INIT;
	struct value *v;
	int i;

	ck_assert_ptr_null(parse(bomb, &dl));
	ck_assert_uint_eq(dl.errors, 1);
	ck_assert_int_eq(dl.items[0].line, 5); /* (e: ten copies of 11,111) */
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "aliases of aliases multiply"));
	diag_list_release(&dl);

	strbuf_adds(&many, "a: &a [x, x, x, x, x, x, x, x, x, x]\nb:\n");
	for (i = 0; i < 1000; i++)
		strbuf_adds(&many, "  - *a\n");
	v = parse(many.buf, &dl);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(value_get(v, "b")->n, 1000);
	ck_assert_uint_eq(dl.n, 0);
	value_free(v);
	strbuf_release(&many);
}
END_TEST

START_TEST(empty_document_is_null)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("", &dl);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->kind, VALUE_NULL);
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

/* parsing text fails with one error, `want` */
static void fails_with(const char *text, const char *want)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse(text, &dl);
	char *msg;

	ck_assert_ptr_null(v);
	ck_assert_uint_eq(dl.errors, 1);
	msg = diag_format(&dl.items[0]);
	ck_assert_str_eq(msg, want);
	free(msg);
	diag_list_release(&dl);
}

START_TEST(invalid_utf8_is_an_error)
{
	fails_with("a: 1\nb: \xff\xfe\n",
		   "t.yaml:2:4: error: invalid UTF-8 (byte 0xff); save the file as UTF-8");
}
END_TEST

/* a sequence cut short: named by its first byte, where it starts (libyaml
 * names the byte after it) */
START_TEST(cut_utf8_names_its_first_byte)
{
	fails_with("a: 1\nb: \"caf\xc3\"\n",
		   "t.yaml:2:8: error: invalid UTF-8 (byte 0xc3); save the file as UTF-8");
}
END_TEST

START_TEST(control_character_is_named)
{
	fails_with("a: 1\nb: x\x07y\n",
		   "t.yaml:2:5: error: a control character (byte 0x07) is not allowed here: delete it");
}
END_TEST

START_TEST(second_document_is_an_error)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = parse("a: 1\n---\nb: 2\n", &dl);

	ck_assert_ptr_null(v);
	ck_assert_int_eq(dl.items[0].line, 2);
	diag_list_release(&dl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("yamlread");
	TCase *tc = tcase_create("yamlread");

	tcase_add_test(tc, scalars_resolve_by_core_schema);
	tcase_add_test(tc, every_node_keeps_line_and_column);
	tcase_add_test(tc, line_offset_shifts_positions);
	tcase_add_test(tc, syntax_error_reports_real_position);
	tcase_add_loop_test(tc, syntax_errors_are_explained, 0,
			    (int)(sizeof explained / sizeof *explained));
	tcase_add_test(tc, duplicate_key_is_an_error);
	tcase_add_test(tc, aliases_copy_their_anchor);
	tcase_add_test(tc, alias_bomb_is_an_error);
	tcase_add_test(tc, empty_document_is_null);
	tcase_add_test(tc, invalid_utf8_is_an_error);
	tcase_add_test(tc, cut_utf8_names_its_first_byte);
	tcase_add_test(tc, control_character_is_named);
	tcase_add_test(tc, second_document_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
