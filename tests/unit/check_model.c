/* check_model: finding records by id. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "content.h"
#include "diag.h"
#include "fsutil.h"
#include "model.h"

static char tmp[256];
static struct content content;
static struct model model;

/* A framework whose skill ids are a prefix of one another: "team" and
 * "teamwork". */
static void build(void)
{
	const char *base = getenv("TMPDIR");
	static const char fw[] = "id: fw\ntitle: FW\ncategories:\n  - id: c\n    title: C\n"
				 "    skills:\n      - id: team\n        title: Team\n"
				 "        definition: Working with others.\n"
				 "      - id: teamwork\n        title: Teamwork\n"
				 "        definition: Working well with others.\n";
	struct diag_list dl = DIAG_LIST_INIT;
	char *path;

	snprintf(tmp, sizeof tmp, "%s/waymark-model-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	path = fs_join(tmp, "content/frameworks/fw.yaml");
	ck_assert_int_eq(fs_write(path, fw, strlen(fw)), 0);
	free(path);
	memset(&content, 0, sizeof content);
	memset(&model, 0, sizeof model);
	ck_assert_int_eq(content_load(&content, tmp, 0, NULL, 0, NULL, &dl), 0);
	ck_assert_int_eq(model_build(&model, &content, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}

static void release(void)
{
	model_release(&model);
	content_release(&content);
	fs_remove_tree(tmp);
}

/* model_find_n finds id[0..len) whole, not a record it is a prefix of or
 * that is a prefix of it, and reads no further than the record's id (a
 * short id against a long token: ASan sees an over-read). */
START_TEST(a_token_finds_its_record_whole)
{
	const char *token = "fw/teamwork-and-more";
	const struct record *r;

	r = model_find_n(&model, RECORD_SKILL, token, 7);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->id, "fw/team");
	r = model_find_n(&model, RECORD_SKILL, token, 11);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->id, "fw/teamwork");
	ck_assert_ptr_null(model_find_n(&model, RECORD_SKILL, token, 6));   /* "fw/tea" */
	ck_assert_ptr_null(model_find_n(&model, RECORD_SKILL, token, 12));  /* "fw/teamwork-" */
	ck_assert_ptr_null(model_find_n(&model, RECORD_SKILL, token, strlen(token)));
	ck_assert_ptr_null(model_find_n(&model, RECORD_CATEGORY, token, 7)); /* another kind */
	ck_assert_ptr_eq(model_find(&model, RECORD_SKILL, "fw/team"),
			 model_find_n(&model, RECORD_SKILL, "fw/team", 7));
	ck_assert_ptr_nonnull(model_find(&model, RECORD_CATEGORY, "fw/c"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, build, release);
	tcase_add_test(tc, a_token_finds_its_record_whole);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
