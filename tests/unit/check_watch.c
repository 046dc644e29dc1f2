/* check_watch: noticing changes to a site's sources with inotify. */
#include "test.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "fsutil.h"
#include "watch.h"

/* Each test watches its own fresh site directory under $TMPDIR. */
static char tmp[256];
static struct watch *w;

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

static void make_dir(const char *rel)
{
	char *p = at(rel);

	ck_assert_int_eq(fs_mkdirs(p), 0);
	free(p);
}

/*
 * What the pending events add up to: wait up to `ms` for the first, a
 * little longer for the rest, then read them all. 1 a change, 0 none.
 */
static int changes(int ms)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pollfd p = { watch_fd(w), POLLIN, 0 };
	int ret;

	if (poll(&p, 1, ms) == 0)
		return 0;
	usleep(50 * 1000);
	ret = watch_read(w, &dl);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
	return ret;
}

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	struct diag_list dl = DIAG_LIST_INIT;

	snprintf(tmp, sizeof tmp, "%s/waymark-watch-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	put("site.yaml", "title: T\n");
	put("content/pages/about.md", "---\ntitle: About\n---\n");
	put("themes/plain/theme.yaml", "name: plain\n");
	w = watch_new(tmp, &dl);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}

static void teardown(void)
{
	watch_free(w);
	w = NULL;
	fs_remove_tree(tmp);
}

START_TEST(nothing_happening_is_no_change)
{
	ck_assert_int_eq(changes(100), 0);
}
END_TEST

START_TEST(edit_deep_in_content_is_a_change)
{
	put("content/pages/about.md", "---\ntitle: About us\n---\n");
	ck_assert_int_eq(changes(1000), 1);
}
END_TEST

START_TEST(edit_in_themes_is_a_change)
{
	put("themes/plain/theme.yaml", "name: plainer\n");
	ck_assert_int_eq(changes(1000), 1);
}
END_TEST

START_TEST(site_yaml_is_a_change)
{
	put("site.yaml", "title: U\n");
	ck_assert_int_eq(changes(1000), 1);
}
END_TEST

START_TEST(other_files_of_the_site_are_not_changes)
{
	put("public/index.html", "<p>built</p>\n");
	put("README.md", "notes\n");
	ck_assert_int_eq(changes(200), 0);
}
END_TEST

START_TEST(editor_swap_and_backup_files_are_not_changes)
{
	put("content/pages/.about.md.swp", "x");
	put("content/pages/about.md~", "x");
	put("content/pages/#about.md#", "x");
	ck_assert_int_eq(changes(200), 0);
}
END_TEST

START_TEST(new_directory_is_watched)
{
	make_dir("content/guides/career");
	ck_assert_int_eq(changes(1000), 1);
	put("content/guides/career/start.md", "---\ntitle: Start\n---\n");
	ck_assert_int_eq(changes(1000), 1);
}
END_TEST

START_TEST(moved_directory_is_watched_under_its_new_name)
{
	char *from = at("content/pages"), *to = at("content/about");

	ck_assert_int_eq(rename(from, to), 0);
	ck_assert_int_eq(changes(1000), 1);
	make_dir("content/about/team");
	ck_assert_int_eq(changes(1000), 1);
	put("content/about/team/ana.md", "---\ntitle: Ana\n---\n");
	ck_assert_int_eq(changes(1000), 1);
	free(from);
	free(to);
}
END_TEST

/* The content's changes since the last asking, as `want` lists them
 * (paths below content/, one a line, in the order they changed). */
static void content_changes_are(const char *want)
{
	struct strbuf got = STRBUF_INIT;
	char **paths;
	size_t n, i;

	ck_assert_int_eq(watch_content_changes(w, &paths, &n), 0);
	for (i = 0; i < n; i++) {
		strbuf_addf(&got, "%s\n", paths[i]);
		free(paths[i]);
	}
	free(paths);
	ck_assert_str_eq(got.buf ? got.buf : "", want);
	strbuf_release(&got);
}

static void content_changes_unknown(void)
{
	char **paths;
	size_t n;

	ck_assert_int_eq(watch_content_changes(w, &paths, &n), -1);
	ck_assert_ptr_null(paths);
	ck_assert_uint_eq(n, 0);
}

/* The files below content/ that changed are named (a file written twice,
 * once); the theme's and site.yaml are not content; then there are none. */
START_TEST(content_changes_name_the_files)
{
	char *from = at("content/pages/new.md"), *to = at("content/pages/moved.md");

	put("content/pages/about.md", "---\ntitle: About us\n---\n");
	put("content/pages/about.md", "---\ntitle: About them\n---\n");
	put("themes/plain/theme.yaml", "name: plainer\n");
	put("site.yaml", "title: U\n");
	put("content/pages/new.md", "---\ntitle: New\n---\n");
	ck_assert_int_eq(changes(1000), 1);
	ck_assert_int_eq(rename(from, to), 0);
	ck_assert_int_eq(changes(1000), 1);
	/* (new.md made, written and moved away in a row: named once) */
	content_changes_are("pages/about.md\npages/new.md\npages/moved.md\n");
	content_changes_are("");
	free(from);
	free(to);
}
END_TEST

/* An editor's swap and backup files start no build, but the content's
 * listing holds them (names starting with '.' it skips, but not these). */
START_TEST(content_changes_name_backup_files)
{
	put("content/pages/about.md~", "x");
	put("content/pages/#about.md#", "x");
	ck_assert_int_eq(changes(200), 0);
	content_changes_are("pages/about.md~\npages/#about.md#\n");
}
END_TEST

/* After directories come or move, the changes are not known (the tree is
 * listed again); then they are, named by the directories' new paths. */
START_TEST(content_changes_after_directories_change)
{
	char *from = at("content/pages"), *to = at("content/about");

	make_dir("content/guides");
	ck_assert_int_eq(changes(1000), 1);
	content_changes_unknown();
	put("content/guides/start.md", "---\ntitle: Start\n---\n");
	ck_assert_int_eq(changes(1000), 1);
	content_changes_are("guides/start.md\n");
	ck_assert_int_eq(rename(from, to), 0);
	ck_assert_int_eq(changes(1000), 1);
	content_changes_unknown();
	put("content/about/team.md", "---\ntitle: Team\n---\n");
	put("content/top.md", "---\ntitle: Top\n---\n");
	ck_assert_int_eq(changes(1000), 1);
	content_changes_are("about/team.md\ntop.md\n");
	free(from);
	free(to);
}
END_TEST

/* A directory named like a backup file may hold pages (the content's
 * listing has them): it is watched, and its files named; one starting
 * with '.' is not (the listing skips it too). */
START_TEST(content_changes_in_a_directory_named_like_a_backup)
{
	make_dir("content/old~");
	make_dir("content/.git");
	ck_assert_int_eq(changes(1000), 0); /* (no build for either) */
	content_changes_unknown();          /* (but listed again) */
	put("content/old~/page.md", "---\ntitle: Old\n---\n");
	put("content/.git/HEAD", "ref\n");
	ck_assert_int_eq(changes(1000), 1);
	content_changes_are("old~/page.md\n");
}
END_TEST

/* Hundreds of files at once (a checkout): listing the tree again is
 * cheaper than naming each. */
START_TEST(many_content_changes_are_not_named)
{
	char rel[64];
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(rel, sizeof rel, "content/pages/p%03d.md", i);
		put(rel, "---\ntitle: P\n---\n");
	}
	ck_assert_int_eq(changes(1000), 1);
	content_changes_unknown();
	content_changes_are("");
}
END_TEST

START_TEST(root_made_later_is_watched)
{
	make_dir("lua");
	ck_assert_int_eq(changes(1000), 1);
	put("lua/helpers.lua", "return {}\n");
	ck_assert_int_eq(changes(1000), 1);
}
END_TEST

START_TEST(missing_site_directory_is_an_io_error)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *missing = at("nowhere");

	ck_assert_ptr_null(watch_new(missing, &dl));
	ck_assert_uint_eq(dl.io_errors, 1);
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "nowhere"));
	diag_list_release(&dl);
	free(missing);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nothing_happening_is_no_change);
	tcase_add_test(tc, edit_deep_in_content_is_a_change);
	tcase_add_test(tc, edit_in_themes_is_a_change);
	tcase_add_test(tc, site_yaml_is_a_change);
	tcase_add_test(tc, other_files_of_the_site_are_not_changes);
	tcase_add_test(tc, editor_swap_and_backup_files_are_not_changes);
	tcase_add_test(tc, new_directory_is_watched);
	tcase_add_test(tc, moved_directory_is_watched_under_its_new_name);
	tcase_add_test(tc, root_made_later_is_watched);
	tcase_add_test(tc, content_changes_name_the_files);
	tcase_add_test(tc, content_changes_name_backup_files);
	tcase_add_test(tc, content_changes_after_directories_change);
	tcase_add_test(tc, many_content_changes_are_not_named);
	tcase_add_test(tc, content_changes_in_a_directory_named_like_a_backup);
	tcase_add_test(tc, missing_site_directory_is_an_io_error);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
