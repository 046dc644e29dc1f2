/* check_schema: checking records against the fields they may have. */
#include "test.h"

#include <string.h>

#include "schema.h"
#include "yamlread.h"

static const char *const levels[] = { "beginner", "intermediate", "advanced", NULL };

static const struct schema_field step_fields[] = {
	{ "name", SCHEMA_STRING, 1, NULL, SCHEMA_ANY, NULL },
	{ "months", SCHEMA_NUMBER, 0, NULL, SCHEMA_ANY, NULL },
	{ NULL, SCHEMA_ANY, 0, NULL, SCHEMA_ANY, NULL },
};

static const struct schema_field skill_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, SCHEMA_ANY, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, SCHEMA_ANY, NULL },
	{ "definition", SCHEMA_STRING, 0, NULL, SCHEMA_ANY, NULL },
	{ "level", SCHEMA_STRING, 0, NULL, SCHEMA_ANY, levels },
	{ "hours", SCHEMA_NUMBER, 0, NULL, SCHEMA_ANY, NULL },
	{ "core", SCHEMA_BOOL, 0, NULL, SCHEMA_ANY, NULL },
	{ "tags", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "steps", SCHEMA_LIST, 0, step_fields, SCHEMA_MAP, NULL },
	{ "meta", SCHEMA_MAP, 0, step_fields, SCHEMA_ANY, NULL },
	{ "extra", SCHEMA_ANY, 0, NULL, SCHEMA_ANY, NULL },
	{ NULL, SCHEMA_ANY, 0, NULL, SCHEMA_ANY, NULL },
};

/* Parse `yaml` as skills.yaml and check it as skill 'teamwork'; returns the
 * count schema_check gave. The caller releases *dl. */
static int check(const char *yaml, struct diag_list *dl)
{
	struct value *v = yamlread_parse("skills.yaml", yaml, strlen(yaml), 0, dl);
	int n;

	ck_assert_ptr_nonnull(v);
	n = schema_check(skill_fields, v, "skill 'teamwork'", dl);
	value_free(v);
	return n;
}

static void assert_diag(const struct diag_list *dl, size_t i, const char *want)
{
	char *s;

	ck_assert_uint_lt(i, dl->n);
	s = diag_format(&dl->items[i]);
	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(valid_record_has_no_errors)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: Teamwork\ndefinition: Working together\n"
			       "level: beginner\nhours: 12.5\ncore: true\ntags: [a, b]\n"
			       "steps:\n  - name: one\n    months: 6\n"
			       "meta: {name: m}\nextra: [1, {x: y}]\n", &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}
END_TEST

START_TEST(unknown_field_suggests_near_name)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\ndefintion: x\n", &dl), 1);
	ck_assert_uint_eq(dl.n, 1);
	assert_diag(&dl, 0, "skills.yaml:3:1: error: unknown field 'defintion' in skill "
			    "'teamwork'; did you mean 'definition'?");
	diag_list_release(&dl);
}
END_TEST

START_TEST(unknown_field_far_from_any_name)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\n  \nauthor: x\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:4:1: error: unknown field 'author' in skill 'teamwork'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(missing_required_field_reported_at_the_map)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\n", &dl), 1);
	ck_assert_uint_eq(dl.n, 1);
	assert_diag(&dl, 0, "skills.yaml:1:1: error: missing required field 'title' in skill 'teamwork'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(blank_required_text_reported_at_its_value)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: \"  \"\n", &dl), 1);
	ck_assert_uint_eq(dl.n, 1);
	assert_diag(&dl, 0, "skills.yaml:2:8: error: required field 'title' in skill 'teamwork' is empty");
	diag_list_release(&dl);
}
END_TEST

START_TEST(every_missing_required_field_reported)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("definition: x\n", &dl), 2);
	assert_diag(&dl, 0, "skills.yaml:1:1: error: missing required field 'id' in skill 'teamwork'");
	assert_diag(&dl, 1, "skills.yaml:1:1: error: missing required field 'title' in skill 'teamwork'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(null_required_field_is_missing)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle:\n", &dl), 1);
	ck_assert_uint_eq(dl.n, 1);
	assert_diag(&dl, 0, "skills.yaml:2:7: error: missing required field 'title' in skill 'teamwork'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(null_optional_field_is_absent)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\ndefinition:\nhours: ~\n"
			       "core: null\nsteps:\nlevel:\n", &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}
END_TEST

START_TEST(wrong_type_reported_at_the_value)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nhours: many\ntags: x\nmeta: [1]\n", &dl), 3);
	assert_diag(&dl, 0, "skills.yaml:3:8: error: 'hours' in skill 'teamwork' must be a number, "
			    "not a string");
	assert_diag(&dl, 1, "skills.yaml:4:7: error: 'tags' in skill 'teamwork' must be a list, "
			    "not a string");
	assert_diag(&dl, 2, "skills.yaml:5:7: error: 'meta' in skill 'teamwork' must be a map, "
			    "not a list");
	diag_list_release(&dl);
}
END_TEST

START_TEST(bool_field_takes_only_true_or_false)
{
	struct diag_list dl = DIAG_LIST_INIT;

	/* YAML 1.2: "yes" is a string, not a boolean */
	ck_assert_int_eq(check("id: teamwork\ntitle: T\ncore: yes\n", &dl), 1);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_int_eq(dl.items[0].line, 3);
	ck_assert_int_eq(dl.items[0].col, 7);
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "'core' in skill 'teamwork' must be"));
	diag_list_release(&dl);
}
END_TEST

START_TEST(string_field_accepts_any_scalar)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: 7\ndefinition: true\ntags: [a, 1, false]\n",
			       &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}
END_TEST

START_TEST(list_items_are_checked)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\ntags: [a, [x]]\n", &dl), 1);
	ck_assert_int_eq(dl.items[0].line, 3);
	ck_assert_int_eq(dl.items[0].col, 11);
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "'tags' in skill 'teamwork' must be"));
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "not a list"));
	diag_list_release(&dl);
}
END_TEST

START_TEST(invalid_id)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: Team Work\ntitle: T\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:1:5: error: 'Team Work' is not a valid id: use lowercase "
			    "letters, digits and single '-'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(number_is_a_valid_id)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: 42\ntitle: T\n", &dl), 0);
	diag_list_release(&dl);
}
END_TEST

START_TEST(value_not_allowed_suggests_near_one)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nlevel: advnced\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:3:8: error: 'advnced' is not allowed for 'level' in skill "
			    "'teamwork'; did you mean 'advanced'?");
	diag_list_release(&dl);
}
END_TEST

START_TEST(value_not_allowed_lists_choices)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nlevel: expert\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:3:8: error: 'expert' is not allowed for 'level' in skill "
			    "'teamwork' (use one of 'beginner', 'intermediate', 'advanced')");
	diag_list_release(&dl);
}
END_TEST

START_TEST(allowed_value_accepted)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nlevel: intermediate\n", &dl), 0);
	diag_list_release(&dl);
}
END_TEST

START_TEST(nested_list_of_maps_checked_at_each_node)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nsteps:\n"
			       "  - name: one\n    months: six\n"
			       "  - months: 2\n"
			       "  - name: three\n    mnths: 2\n", &dl), 3);
	assert_diag(&dl, 0, "skills.yaml:5:13: error: 'months' in skill 'teamwork' must be a "
			    "number, not a string");
	assert_diag(&dl, 1, "skills.yaml:6:5: error: missing required field 'name' in skill "
			    "'teamwork'");
	assert_diag(&dl, 2, "skills.yaml:8:5: error: unknown field 'mnths' in skill 'teamwork'; "
			    "did you mean 'months'?");
	diag_list_release(&dl);
}
END_TEST

START_TEST(nested_map_checked_against_its_fields)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("id: teamwork\ntitle: T\nmeta:\n  months: 1\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:4:3: error: missing required field 'name' in skill "
			    "'teamwork'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(record_that_is_not_a_map)
{
	struct diag_list dl = DIAG_LIST_INIT;

	ck_assert_int_eq(check("- a\n- b\n", &dl), 1);
	assert_diag(&dl, 0, "skills.yaml:1:1: error: skill 'teamwork' must be a map of fields, "
			    "not a list");
	diag_list_release(&dl);
}
END_TEST

START_TEST(count_matches_errors_recorded)
{
	struct diag_list dl = DIAG_LIST_INIT;

	diag_warning(&dl, NULL, "earlier");
	ck_assert_int_eq(check("x: 1\nid: A\nhours: h\n", &dl), 4);
	ck_assert_uint_eq(dl.errors, 4);
	ck_assert_uint_eq(dl.warnings, 1);
	diag_list_release(&dl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");

	tcase_add_test(tc, valid_record_has_no_errors);
	tcase_add_test(tc, unknown_field_suggests_near_name);
	tcase_add_test(tc, unknown_field_far_from_any_name);
	tcase_add_test(tc, missing_required_field_reported_at_the_map);
	tcase_add_test(tc, blank_required_text_reported_at_its_value);
	tcase_add_test(tc, every_missing_required_field_reported);
	tcase_add_test(tc, null_required_field_is_missing);
	tcase_add_test(tc, null_optional_field_is_absent);
	tcase_add_test(tc, wrong_type_reported_at_the_value);
	tcase_add_test(tc, bool_field_takes_only_true_or_false);
	tcase_add_test(tc, string_field_accepts_any_scalar);
	tcase_add_test(tc, list_items_are_checked);
	tcase_add_test(tc, invalid_id);
	tcase_add_test(tc, number_is_a_valid_id);
	tcase_add_test(tc, value_not_allowed_suggests_near_one);
	tcase_add_test(tc, value_not_allowed_lists_choices);
	tcase_add_test(tc, allowed_value_accepted);
	tcase_add_test(tc, nested_list_of_maps_checked_at_each_node);
	tcase_add_test(tc, nested_map_checked_against_its_fields);
	tcase_add_test(tc, record_that_is_not_a_map);
	tcase_add_test(tc, count_matches_errors_recorded);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
