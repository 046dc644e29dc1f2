/* check_model: finding records by id, and what a page depended on. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "content.h"
#include "diag.h"
#include "fsutil.h"
#include "model.h"
#include "pages.h"

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

/* A page's key from its dependency text, both ways: read from the text
 * (pages_deps_key) and from the numbered tokens (pages_tokens_key). */
static int key_both_ways(const struct pages_env *env, const struct page *p, const char *text,
			 unsigned long long *key)
{
	struct pages_tokens *t = pages_tokens_new();
	size_t first, n, first2, n2;
	unsigned long long k1 = 0, k2 = 0;
	int r1, r2;

	/* a text numbered twice gets the same numbers, after the first's */
	ck_assert_int_eq(pages_tokens_add(t, "p k0", &first, &n), 0);
	ck_assert_int_eq(pages_tokens_add(t, text, &first, &n), 0);
	ck_assert_int_eq(pages_tokens_add(t, text, &first2, &n2), 0);
	ck_assert_uint_eq(n2, n);
	ck_assert_uint_eq(first2, first + n);
	pages_tokens_print(t, env);
	r1 = pages_deps_key(env, p, text, 42, &k1);
	r2 = pages_tokens_key(t, env, p, first, n, 42, &k2);
	ck_assert_int_eq(r1, r2);
	ck_assert_int_eq(pages_tokens_key(t, env, p, first2, n2, 42, key), r1);
	if (r1 == 0) {
		ck_assert(k1 == k2);
		ck_assert(*key == k1);
	}
	pages_tokens_free(t);
	return r1;
}

/* The page an address no page has most likely meant: a typo away, else
 * the only page whose last part is the same. */
START_TEST(a_missing_address_suggests_the_page_meant)
{
	struct page items[5];
	struct page_list pl;
	const char *urls[] = { "/", "/plan/", "/stories/aisha/", "/pathways/nursing/",
			       "/sectors/nursing/" };
	size_t i;

	memset(items, 0, sizeof items);
	memset(&pl, 0, sizeof pl);
	for (i = 0; i < 5; i++)
		items[i].url = (char *)urls[i];
	pl.items = items;
	pl.n = 4; /* without /sectors/nursing/ */
	ck_assert_str_eq(pages_suggest(&pl, "/pln/"), "/plan/");
	ck_assert_str_eq(pages_suggest(&pl, "/pathways/nursng/"), "/pathways/nursing/");
	ck_assert_str_eq(pages_suggest(&pl, "/aisha/"), "/stories/aisha/"); /* moved */
	ck_assert_ptr_null(pages_suggest(&pl, "/donate/"));
	ck_assert_ptr_null(pages_suggest(&pl, "/jobs/sub/")); /* nothing ends so */
	pl.n = 5; /* two pages end in nursing/: no telling which */
	ck_assert_ptr_null(pages_suggest(&pl, "/nursing/"));
	ck_assert_str_eq(pages_suggest(&pl, "/pathways/nursng/"), "/pathways/nursing/");
}
END_TEST

START_TEST(a_page_key_is_the_same_from_numbered_tokens)
{
	struct page_list pl;
	struct diag_list dl = DIAG_LIST_INIT;
	struct pages_env env;
	const struct page *p;
	char text[256];
	unsigned long long a, b, c;
	struct pages_tokens *t = pages_tokens_new();
	size_t first, n;
	unsigned skill = (unsigned)RECORD_SKILL;

	memset(&pl, 0, sizeof pl);
	ck_assert_int_eq(pages_plan(&pl, &model, &content, &dl), 0);
	pages_fingerprint(&model, &pl);
	memset(&env, 0, sizeof env);
	env.model = &model;
	env.pages = &pl;
	p = &pl.items[pl.n - 1];

	snprintf(text, sizeof text, "k%u o%u l%u p q0 r%u:fw/team r%u:fw/teamwork", skill, skill,
		 skill, skill, skill);
	ck_assert_int_eq(key_both_ways(&env, p, text, &a), 0);
	snprintf(text, sizeof text, "k%u o%u l%u p q0 r%u:fw/teamwork r%u:fw/team", skill, skill,
		 skill, skill, skill);
	ck_assert_int_eq(key_both_ways(&env, p, text, &b), 0);
	ck_assert(a != b); /* in order */
	ck_assert_int_eq(key_both_ways(&env, p, "", &c), 0);
	ck_assert(c != a);
	/* a record this build does not have: the page is made again */
	snprintf(text, sizeof text, "p r%u:fw/gone", skill);
	ck_assert_int_eq(key_both_ways(&env, p, text, &a), -1);
	/* not tokens at all */
	ck_assert_int_eq(pages_deps_key(&env, p, "p x9", 42, &a), -1);
	ck_assert_int_eq(pages_tokens_add(t, "p x9", &first, &n), -1);
	ck_assert_int_eq(pages_tokens_add(t, "p  k0", &first, &n), -1);
	ck_assert_int_eq(pages_tokens_add(t, "q99", &first, &n), -1);
	ck_assert_int_eq(pages_tokens_add(t, "p k0", &first, &n), 0);
	ck_assert_uint_eq(first, 0); /* nothing left of the failed ones */
	ck_assert_uint_eq(n, 2);
	pages_tokens_free(t);
	pages_release(&pl);
	diag_list_release(&dl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, build, release);
	tcase_add_test(tc, a_token_finds_its_record_whole);
	tcase_add_test(tc, a_page_key_is_the_same_from_numbered_tokens);
	tcase_add_test(tc, a_missing_address_suggests_the_page_meant);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
