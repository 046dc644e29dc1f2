/* check_output: where a build may write, and what it leaves there. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "fsutil.h"
#include "output.h"
#include "strbuf.h"

/* Each test works in its own fresh directory under $TMPDIR, holding a
 * site: site.yaml, content/, themes/ and lua/. */
static char tmp[256];

static char *at(const char *rel)
{
	return fs_join(tmp, rel);
}

static void put(const char *rel, const char *text)
{
	char *p = at(rel);

	ck_assert_int_eq(fs_write(p, text, strlen(text)), 0);
	free(p);
}

static void make_site(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/waymark-output-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	put("site/site.yaml", "title: T\n");
	put("site/content/_index.md", "---\ntitle: Home\n---\n");
	put("site/themes/default/templates/page.mustache", "{{title}}\n");
	put("site/lua/hooks.lua", "return {}\n");
}

static void remove_tmp(void)
{
	fs_remove_tree(tmp);
}

/* output_allowed of `rel` below the test directory for the site there:
 * 0 or -1; the message, if any, in msg. */
static int allowed(const char *rel, char *msg, size_t size)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *dir = at(rel), *site = at("site");
	int ret = output_allowed(dir, site, &dl);

	snprintf(msg, size, "%s", dl.n ? dl.items[0].msg : "");
	diag_list_release(&dl);
	free(dir);
	free(site);
	return ret;
}

/* The site's own input directories, or anything below them (made yet or
 * not, however the path is spelled): a build there would replace or add
 * to what it reads. */
START_TEST(refuses_the_site_inputs)
{
	static const char *const refused[] = {
		"site/content",     "site/content/",	 "site/content/out/deeper",
		"site/themes",	    "site/themes/default", "site/lua",
		"site/content/../content/new", "site/./lua/x",
	};
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof refused / sizeof *refused; i++) {
		ck_assert_msg(allowed(refused[i], msg, sizeof msg) == -1, "%s was allowed", refused[i]);
		ck_assert_msg(strstr(msg, "which the build reads"), "%s: %s", refused[i], msg);
	}
	ck_assert_int_eq(allowed("site/content/out/deeper", msg, sizeof msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "in the site's content/ directory"));
	ck_assert_int_eq(allowed("site/themes/default", msg, sizeof msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "in the site's themes/ directory"));
}
END_TEST

/* Next to them, or named like them, is fine. */
START_TEST(allows_other_directories)
{
	static const char *const fine[] = { "site/public", "site/contents", "site/build/content",
					    "out", "site/docs/site" };
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof fine / sizeof *fine; i++)
		ck_assert_msg(allowed(fine[i], msg, sizeof msg) == 0, "%s: %s", fine[i], msg);
}
END_TEST

START_TEST(refuses_sites_repositories_and_files)
{
	char msg[512];

	ck_assert_int_eq(allowed("site", msg, sizeof msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "holds a site or a repository"));
	ck_assert_int_eq(allowed("", msg, sizeof msg), -1); /* the test directory: holds the site */
	put("repo/.git/HEAD", "ref: refs/heads/main\n");
	ck_assert_int_eq(allowed("repo", msg, sizeof msg), -1);
	ck_assert_int_eq(allowed("site/site.yaml", msg, sizeof msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "it is a file"));
}
END_TEST

/* One build: begin, write `n` files (each holding its name), commit. */
static struct output *build(const char *const *files, size_t n)
{
	static struct output o;
	struct diag_list dl = DIAG_LIST_INIT;
	char *dir = at("public"), *site = at("site");
	size_t i;

	ck_assert_int_eq(output_begin(&o, dir, site, 0, &dl), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(output_write(&o, files[i], files[i], strlen(files[i]), &dl), 0);
	ck_assert_int_eq(output_commit(&o, &dl), 0);
	ck_assert_int_eq((int)dl.n, 0);
	free(dir);
	free(site);
	return &o;
}

static int holds(const char *rel, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = at(rel);
	int same = fs_read(p, &sb) == 0 && !strcmp(sb.buf, text);

	strbuf_release(&sb);
	free(p);
	return same;
}

/* A directory no build made (no manifest beside it): the files the build
 * makes replace theirs, and the rest stay, counted. From then on, what the
 * build stops making is removed, and theirs still stay. */
START_TEST(keeps_files_it_did_not_make)
{
	static const char *const first[] = { "index.html", "a/b.html" };
	static const char *const second[] = { "index.html" };
	struct output *o;
	char *gone;

	put("public/index.html", "someone's");
	put("public/notes.txt", "precious");
	put("public/old/page.html", "from a clone");
	o = build(first, 2);
	ck_assert_int_eq((int)o->foreign, 2);
	ck_assert_str_eq(o->foreign_first, "notes.txt");
	output_release(o);
	ck_assert(holds("public/index.html", "index.html"));
	ck_assert(holds("public/a/b.html", "a/b.html"));
	ck_assert(holds("public/notes.txt", "precious"));
	ck_assert(holds("public/old/page.html", "from a clone"));

	o = build(second, 1);
	ck_assert_int_eq((int)o->foreign, 0);
	output_release(o);
	gone = at("public/a");
	ck_assert_int_eq(fs_is_dir(gone), 0);
	free(gone);
	ck_assert(holds("public/index.html", "index.html"));
	ck_assert(holds("public/notes.txt", "precious"));
	ck_assert(holds("public/old/page.html", "from a clone"));
}
END_TEST

/* A new directory, or an empty one: nothing to keep or say. */
START_TEST(new_or_empty_directory)
{
	static const char *const files[] = { "index.html" };
	struct output *o;
	char *dir = at("public");

	o = build(files, 1);
	ck_assert_int_eq((int)o->foreign, 0);
	output_release(o);
	fs_remove_tree(dir);
	ck_assert_int_eq(fs_mkdirs(dir), 0);
	o = build(files, 1);
	ck_assert_int_eq((int)o->foreign, 0);
	output_release(o);
	ck_assert(holds("public/index.html", "index.html"));
	free(dir);
}
END_TEST

/* Whether what the last build made is all still there: not when one of
 * its files was removed, or replaced by a directory; no answer without a
 * manifest. */
START_TEST(intact_until_a_file_goes)
{
	static const char *const files[] = { "index.html", "a/b.html", "a/c/d.html" };
	char *dir = at("public"), *gone = at("public/a/c/d.html"), *manifest = at(".waymark-made-public");

	ck_assert_int_eq(output_intact(dir), -1);
	output_release(build(files, 3));
	ck_assert_int_eq(output_intact(dir), 1);
	ck_assert_int_eq(remove(gone), 0);
	ck_assert_int_eq(output_intact(dir), 0);
	ck_assert_int_eq(fs_mkdirs(gone), 0);
	ck_assert_int_eq(output_intact(dir), 0);
	ck_assert_int_eq(remove(gone), 0);
	put("public/a/c/d.html", "back");
	ck_assert_int_eq(output_intact(dir), 1);
	ck_assert_int_eq(remove(manifest), 0);
	ck_assert_int_eq(output_intact(dir), -1);
	free(dir);
	free(gone);
	free(manifest);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("output");

	tcase_add_checked_fixture(tc, make_site, remove_tmp);
	tcase_add_test(tc, refuses_the_site_inputs);
	tcase_add_test(tc, allows_other_directories);
	tcase_add_test(tc, refuses_sites_repositories_and_files);
	tcase_add_test(tc, keeps_files_it_did_not_make);
	tcase_add_test(tc, new_or_empty_directory);
	tcase_add_test(tc, intact_until_a_file_goes);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
