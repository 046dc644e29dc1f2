/* check_fsutil: reading, writing, listing and removing files. */
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

/* Each test works in its own fresh directory under $TMPDIR. */
static char tmp[256];

static void make_tmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/waymark-fsutil-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void remove_tmp(void)
{
	fs_remove_tree(tmp);
}

/* A path inside the test directory; the caller frees it. */
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

START_TEST(write_creates_parent_directories)
{
	char *p = at("a/b/c/page.html"), *d = at("a/b/c");

	ck_assert_int_eq(fs_write(p, "hi", 2), 0);
	ck_assert_int_eq(fs_is_file(p), 1);
	ck_assert_int_eq(fs_is_dir(d), 1);
	ck_assert_int_eq(fs_is_dir(p), 0);
	ck_assert_int_eq(fs_is_file(d), 0);
	free(p);
	free(d);
}
END_TEST

/* Below an open directory, its directories made first: in new ones, in
 * one that is there already, at the top; a file where a directory should
 * be is an error. */
START_TEST(write_new_at_makes_directories_first)
{
	int dir = open(tmp, O_RDONLY | O_DIRECTORY);
	struct strbuf sb = STRBUF_INIT;
	char *p = at("x/y/index.html");

	ck_assert_int_ge(dir, 0);
	ck_assert_int_eq(fs_write_new_at(dir, "x/y/index.html", "one", 3), 0);
	ck_assert_int_eq(fs_write_new_at(dir, "x/z.html", "two", 3), 0);
	ck_assert_int_eq(fs_write_new_at(dir, "top.html", "three", 5), 0);
	ck_assert_int_eq(fs_write_new_at(dir, "x/y/index.html", "four", 4), 0);
	ck_assert_int_eq(fs_read(p, &sb), 0);
	ck_assert_str_eq(sb.buf, "four");
	ck_assert_int_eq(fs_write_new_at(dir, "top.html/a.html", "five", 4), -1);
	close(dir);
	strbuf_release(&sb);
	free(p);
}
END_TEST

START_TEST(write_replaces_whole_file)
{
	char *p = at("f.txt");
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(fs_write(p, "a longer text", 13), 0);
	ck_assert_int_eq(fs_write(p, "short", 5), 0);
	ck_assert_int_eq(fs_read(p, &sb), 0);
	ck_assert_str_eq(sb.buf, "short");
	strbuf_release(&sb);
	free(p);
}
END_TEST

START_TEST(read_appends_whole_file)
{
	char *p = at("f.bin");
	struct strbuf sb = STRBUF_INIT;
	static const char data[] = "one\0two\nthree";

	ck_assert_int_eq(fs_write(p, data, sizeof data - 1), 0);
	strbuf_adds(&sb, ">");
	ck_assert_int_eq(fs_read(p, &sb), 0);
	ck_assert_uint_eq(sb.len, sizeof data);
	ck_assert(!memcmp(sb.buf, ">", 1));
	ck_assert(!memcmp(sb.buf + 1, data, sizeof data - 1));
	ck_assert_int_eq(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
	free(p);
}
END_TEST

START_TEST(read_large_file)
{
	char *p = at("big.txt");
	struct strbuf sb = STRBUF_INIT;
	size_t n = 100000, i;
	char *data = malloc(n);

	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	ck_assert_int_eq(fs_write(p, data, n), 0);
	ck_assert_int_eq(fs_read(p, &sb), 0);
	ck_assert_uint_eq(sb.len, n);
	ck_assert(!memcmp(sb.buf, data, n));
	/* the room it was given, not doubled to find the end */
	ck_assert_uint_le(sb.alloc, n + 2);
	strbuf_release(&sb);
	free(data);
	free(p);
}
END_TEST

/* A file that says it is empty and is not (/proc's): read to its end. */
START_TEST(read_file_longer_than_its_size)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	ck_assert_int_eq(stat("/proc/self/smaps", &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(fs_read("/proc/self/smaps", &sb), 0);
	ck_assert_uint_gt(sb.len, 8192); /* (more than one growth) */
	ck_assert_uint_eq(strlen(sb.buf), sb.len);
	ck_assert_int_eq(sb.buf[sb.len - 1], '\n');
	strbuf_release(&sb);
}
END_TEST

START_TEST(read_empty_file)
{
	char *p = at("empty");
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(fs_write(p, "", 0), 0);
	ck_assert_int_eq(fs_read(p, &sb), 0);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(sb.buf, "");
	strbuf_release(&sb);
	free(p);
}
END_TEST

START_TEST(read_missing_file_fails_with_errno)
{
	char *p = at("nope.md");
	struct strbuf sb = STRBUF_INIT;

	errno = 0;
	ck_assert_int_eq(fs_read(p, &sb), -1);
	ck_assert_int_eq(errno, ENOENT);
	strbuf_release(&sb);
	free(p);
}
END_TEST

START_TEST(read_directory_fails_with_eisdir)
{
	struct strbuf sb = STRBUF_INIT;

	errno = 0;
	ck_assert_int_eq(fs_read(tmp, &sb), -1);
	ck_assert_int_eq(errno, EISDIR);
	strbuf_release(&sb);
}
END_TEST

/* a device or a named pipe is refused at once: /dev/zero would be read
 * until memory ran out, and a pipe with no writer would wait forever */
START_TEST(read_device_or_pipe_fails_with_einval)
{
	char *fifo = at("pipe.yaml");
	struct strbuf sb = STRBUF_INIT;

	errno = 0;
	ck_assert_int_eq(fs_read("/dev/zero", &sb), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(fs_strerror(errno), "not a regular file (a device, a pipe or a socket)");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	errno = 0;
	ck_assert_int_eq(fs_read(fifo, &sb), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(sb.len, 0);
	strbuf_release(&sb);
	free(fifo);
}
END_TEST

START_TEST(mkdirs_creates_every_level)
{
	char *p = at("x/y/z"), *again = at("x/y");

	ck_assert_int_eq(fs_mkdirs(p), 0);
	ck_assert_int_eq(fs_is_dir(p), 1);
	ck_assert_int_eq(fs_mkdirs(again), 0); /* existing is fine */
	free(p);
	free(again);
}
END_TEST

START_TEST(same_compares_content)
{
	char *p = at("s.txt"), *missing = at("missing.txt");

	ck_assert_int_eq(fs_write(p, "abc", 3), 0);
	ck_assert_int_eq(fs_same(p, "abc", 3), 1);
	ck_assert_int_eq(fs_same(p, "abd", 3), 0);
	ck_assert_int_eq(fs_same(p, "ab", 2), 0);
	ck_assert_int_eq(fs_same(p, "abcd", 4), 0);
	ck_assert_int_eq(fs_same(missing, "", 0), 0);
	ck_assert_int_eq(fs_same(tmp, "", 0), 0);
	free(p);
	free(missing);
}
END_TEST

START_TEST(list_is_recursive_and_sorted)
{
	struct fs_list l = FS_LIST_INIT;

	put("b.md", "");
	put("a/z.md", "");
	put("a/b/c.md", "");
	put("A.md", "");
	put("a.md", "");
	ck_assert_int_eq(fs_list(tmp, NULL, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_str_eq(l.paths[0], "A.md");
	ck_assert_str_eq(l.paths[1], "a.md");
	ck_assert_str_eq(l.paths[2], "a/b/c.md");
	ck_assert_str_eq(l.paths[3], "a/z.md");
	ck_assert_str_eq(l.paths[4], "b.md");
	fs_list_release(&l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_ptr_null(l.paths);
}
END_TEST

START_TEST(list_filters_by_extension)
{
	struct fs_list l = FS_LIST_INIT;
	static const char *const exts[] = { ".md", ".yaml", NULL };

	put("page.md", "");
	put("data.yaml", "");
	put("pic.png", "");
	put("notes.md.bak", "");
	put("sub/x.yaml", "");
	put("sub/y.txt", "");
	put(".md", ""); /* a dot-file, and no name before the extension */
	ck_assert_int_eq(fs_list(tmp, exts, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.paths[0], "data.yaml");
	ck_assert_str_eq(l.paths[1], "page.md");
	ck_assert_str_eq(l.paths[2], "sub/x.yaml");
	fs_list_release(&l);
}
END_TEST

START_TEST(list_skips_dot_files_and_directories)
{
	struct fs_list l = FS_LIST_INIT;

	put(".hidden.md", "");
	put(".git/config.md", "");
	put("sub/.DS_Store", "");
	put("sub/seen.md", "");
	ck_assert_int_eq(fs_list(tmp, NULL, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.paths[0], "sub/seen.md");
	fs_list_release(&l);
}
END_TEST

START_TEST(list_includes_dangling_links)
{
	struct fs_list l = FS_LIST_INIT;
	static const char *const exts[] = { ".md", NULL };
	char *link = at("broken.md"), *other = at("broken.txt");
	char *nowhere = at("nowhere");

	put("real.md", "");
	ck_assert_int_eq(symlink(nowhere, link), 0);
	ck_assert_int_eq(symlink(nowhere, other), 0);
	ck_assert_int_eq(fs_list(tmp, exts, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.paths[0], "broken.md");
	ck_assert_str_eq(l.paths[1], "real.md");
	fs_list_release(&l);
	free(link);
	free(other);
	free(nowhere);
}
END_TEST

/* Two listings the same: paths, and what stat said of each. */
static void same_listing(const struct fs_list *a, const struct fs_list *b, const char *after)
{
	size_t i;

	ck_assert_msg(a->n == b->n, "after %s: %zu files listed, %zu updated", after, b->n, a->n);
	for (i = 0; i < a->n; i++) {
		ck_assert_msg(!strcmp(a->paths[i], b->paths[i]), "after %s: '%s', '%s' listed", after,
			      a->paths[i], b->paths[i]);
		ck_assert_msg(a->stats[i].st_ino == b->stats[i].st_ino &&
				      a->stats[i].st_size == b->stats[i].st_size &&
				      a->stats[i].st_mode == b->stats[i].st_mode &&
				      a->stats[i].st_mtim.tv_nsec == b->stats[i].st_mtim.tv_nsec,
			      "after %s: '%s' has another stat (inode %lu, %ld bytes, mode %o; listed: inode %lu, %ld bytes, mode %o)",
			      after, a->paths[i], (unsigned long)a->stats[i].st_ino, (long)a->stats[i].st_size,
			      (unsigned)a->stats[i].st_mode, (unsigned long)b->stats[i].st_ino,
			      (long)b->stats[i].st_size, (unsigned)b->stats[i].st_mode);
	}
}

static unsigned next_random(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static void unlink_link(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		ck_assert_int_eq(unlink(path), 0);
}

/* A new listing of `dir` in place of l's (what a watch does when a
 * directory came or went). The links it finds are the test's own, to
 * nowhere, which updates handle: it clears the mark so as to go on. */
static void list_again(struct fs_list *l, const char *dir)
{
	fs_list_release(l);
	ck_assert_int_eq(fs_list(dir, NULL, l, NULL), 0);
	l->links = 0;
}

/*
 * A listing updated one path at a time, as a watch reports them, is the
 * listing fs_list makes afresh: through 600 random writes, new files,
 * deletions, moves and links to nowhere (and names the walk skips); a
 * path that became a directory asks for a new listing.
 */
START_TEST(list_update_matches_a_new_listing)
{
	static const char *const names[] = { "a.md", "b.md", "z.png", "s/a.md", "s/b.md",
					     "s/t/deep.md", "t/one.md", ".hidden.md", "s/.swp",
					     "#x#", "b.md~", "s/c.md" };
	const unsigned nn = sizeof names / sizeof *names;
	struct fs_list kept = FS_LIST_INIT;
	unsigned seed = 12345;
	char *nowhere = at("nowhere"), *site = at("site");
	int step, walks = 0;

	put("site/a.md", "a");
	put("site/s/a.md", "sa");
	list_again(&kept, site);
	for (step = 0; step < 600; step++) {
		const char *rel = names[next_random(&seed) % nn], *other = names[next_random(&seed) % nn];
		unsigned op = next_random(&seed) % 8;
		char *path = fs_join(site, rel), *to = fs_join(site, other), what[160];
		char body[40];
		struct fs_list fresh = FS_LIST_INIT;
		int ret;

		snprintf(body, sizeof body, "%.*s", (int)(next_random(&seed) % 32),
			 "0123456789abcdef0123456789abcdef");
		/* (a write through a link to nowhere would make the file it
		 * names, and every other link there a file unseen: replaced) */
		unlink_link(path);
		if (op == 5)
			unlink_link(to);
		if (op < 3) { /* written (made, when it is not there) */
			ck_assert_int_eq(fs_write(path, body, strlen(body)), 0);
		} else if (op < 5) {
			unlink(path);
		} else if (op == 5) { /* moved over another */
			ck_assert_int_eq(fs_write(to, "", 0), 0);
			if (rename(path, to) < 0)
				unlink(to);
		} else if (op == 6) { /* a link to nowhere (its directory made first) */
			unlink(path);
			ck_assert_int_eq(fs_write(path, "", 0), 0);
			unlink(path);
			ck_assert_int_eq(symlink(nowhere, path), 0);
		} else { /* a directory where a file was */
			char *in = fs_join(path, "in.md");

			unlink(path);
			ck_assert_int_eq(fs_write(in, "", 0), 0);
			free(in);
		}
		snprintf(what, sizeof what, "step %d (%u on '%s', '%s')", step, op, rel, other);
		ret = fs_list_update(&kept, site, rel, NULL);
		if (op == 5 && !ret)
			ret = fs_list_update(&kept, site, other, NULL);
		if (ret < 0) {
			ck_assert_msg(op == 7, "%s: a new listing asked for", what);
			list_again(&kept, site);
			walks++;
		}
		ck_assert_int_eq(fs_list(site, NULL, &fresh, NULL), 0);
		same_listing(&kept, &fresh, what);
		fs_list_release(&fresh);
		if (op == 7) { /* the directory goes again */
			fs_remove_tree(path);
			list_again(&kept, site);
		}
		free(path);
		free(to);
	}
	ck_assert_int_gt(walks, 10);
	/* a listing that followed a link asks for a new one */
	list_again(&kept, site);
	kept.links = 1;
	ck_assert_int_eq(fs_list_update(&kept, site, "a.md", NULL), -1);
	fs_list_release(&kept);
	free(nowhere);
	free(site);
}
END_TEST

/* A link to a directory is followed, once: a link back to one that holds
 * it stops the listing there, named, rather than listing without end. */
START_TEST(list_follows_links_but_not_loops)
{
	struct fs_list l = FS_LIST_INIT;
	struct strbuf failed = STRBUF_INIT;
	char *elsewhere = at("elsewhere"), *shared = at("site/shared"), *loop = at("site/a/back");
	char *site = at("site"), *want = at("site/a/back");

	put("elsewhere/one.md", "");
	put("site/a/two.md", "");
	ck_assert_int_eq(symlink(elsewhere, shared), 0);
	ck_assert_int_eq(fs_list(site, NULL, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.paths[0], "a/two.md");
	ck_assert_str_eq(l.paths[1], "shared/one.md");
	ck_assert_ptr_null(l.failed);
	fs_list_release(&l);

	ck_assert_int_eq(symlink(site, loop), 0);
	errno = 0;
	ck_assert_int_eq(fs_list(site, NULL, &l, &failed), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(l.failed_errno, ELOOP);
	ck_assert_str_eq(l.failed, want);
	ck_assert_str_eq(failed.buf, want);
	fs_list_release(&l);
	ck_assert_ptr_null(l.failed);
	strbuf_release(&failed);
	free(elsewhere);
	free(shared);
	free(loop);
	free(site);
	free(want);
}
END_TEST

START_TEST(list_of_empty_directory)
{
	struct fs_list l = FS_LIST_INIT;

	ck_assert_int_eq(fs_list(tmp, NULL, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 0);
	fs_list_release(&l);
}
END_TEST

START_TEST(list_of_missing_directory_names_it)
{
	struct fs_list l = FS_LIST_INIT;
	struct strbuf failed = STRBUF_INIT;
	char *p = at("nope");

	errno = 0;
	ck_assert_int_eq(fs_list(p, NULL, &l, &failed), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(failed.buf, p);
	ck_assert_str_eq(l.failed, p);
	ck_assert_int_eq(l.failed_errno, ENOENT);
	fs_list_release(&l);
	strbuf_release(&failed);
	free(p);
}
END_TEST

START_TEST(remove_tree_removes_everything)
{
	char *d = at("site");

	put("site/a.html", "a");
	put("site/x/y/z.html", "z");
	put("site/.hidden", "h");
	ck_assert_int_eq(fs_remove_tree(d), 0);
	ck_assert_int_eq(fs_is_dir(d), 0);
	ck_assert_int_eq(access(d, F_OK), -1);
	free(d);
}
END_TEST

START_TEST(remove_tree_of_single_file)
{
	char *p = at("one.txt");

	put("one.txt", "1");
	ck_assert_int_eq(fs_remove_tree(p), 0);
	ck_assert_int_eq(fs_is_file(p), 0);
	free(p);
}
END_TEST

START_TEST(remove_tree_of_missing_path_is_not_error)
{
	char *p = at("never/was");

	ck_assert_int_eq(fs_remove_tree(p), 0);
	free(p);
}
END_TEST

START_TEST(remove_tree_does_not_follow_symlinks)
{
	char *keep = at("keep/file.txt"), *link = at("public/link");
	char *target = at("keep"), *pub = at("public");

	put("keep/file.txt", "k");
	put("public/index.html", "i");
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(fs_remove_tree(pub), 0);
	ck_assert_int_eq(fs_is_dir(pub), 0);
	ck_assert_int_eq(fs_is_file(keep), 1);
	free(keep);
	free(link);
	free(target);
	free(pub);
}
END_TEST

static void assert_join(const char *a, const char *b, const char *want)
{
	char *s = fs_join(a, b);

	ck_assert_str_eq(s, want);
	free(s);
}

START_TEST(join_puts_one_slash_between)
{
	assert_join("a", "b", "a/b");
	assert_join("a/", "b", "a/b");
	assert_join("a//", "b/c", "a/b/c");
}
END_TEST

START_TEST(join_with_dot_or_empty_is_the_second)
{
	assert_join(".", "b", "b");
	assert_join("", "b", "b");
}
END_TEST

START_TEST(list_keeps_each_file_stat_in_path_order)
{
	struct fs_list l = FS_LIST_INIT;
	unsigned long long h1, h2;

	put("c.md", "ccc");
	put("a.md", "a");
	put("sub/b.md", "bb");
	ck_assert_int_eq(fs_list(tmp, NULL, &l, NULL), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.paths[0], "a.md");
	ck_assert_int_eq(l.stats[0].st_size, 1);
	ck_assert_str_eq(l.paths[1], "c.md");
	ck_assert_int_eq(l.stats[1].st_size, 3);
	ck_assert_str_eq(l.paths[2], "sub/b.md");
	ck_assert_int_eq(l.stats[2].st_size, 2);
	fs_list_release(&l);
	/* the stamp with a listing kept is the stamp without */
	h1 = fs_stamp(tmp, 1);
	h2 = fs_stamp_list(tmp, 1, &l);
	ck_assert_uint_eq(h1, h2);
	ck_assert_uint_eq(l.n, 3);
	fs_list_release(&l);
	put("a.md", "aa");
	ck_assert_uint_ne(fs_stamp(tmp, 1), h1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fsutil");
	TCase *tc = tcase_create("fsutil");

	/* checked fixtures: run in each test's process, fork or not */
	tcase_add_checked_fixture(tc, make_tmp, remove_tmp);
	tcase_add_test(tc, write_creates_parent_directories);
	tcase_add_test(tc, write_new_at_makes_directories_first);
	tcase_add_test(tc, write_replaces_whole_file);
	tcase_add_test(tc, read_appends_whole_file);
	tcase_add_test(tc, read_large_file);
	tcase_add_test(tc, read_file_longer_than_its_size);
	tcase_add_test(tc, read_empty_file);
	tcase_add_test(tc, read_missing_file_fails_with_errno);
	tcase_add_test(tc, read_directory_fails_with_eisdir);
	tcase_add_test(tc, read_device_or_pipe_fails_with_einval);
	tcase_add_test(tc, mkdirs_creates_every_level);
	tcase_add_test(tc, same_compares_content);
	tcase_add_test(tc, list_is_recursive_and_sorted);
	tcase_add_test(tc, list_keeps_each_file_stat_in_path_order);
	tcase_add_test(tc, list_filters_by_extension);
	tcase_add_test(tc, list_skips_dot_files_and_directories);
	tcase_add_test(tc, list_includes_dangling_links);
	tcase_add_test(tc, list_of_empty_directory);
	tcase_add_test(tc, list_of_missing_directory_names_it);
	tcase_add_test(tc, remove_tree_removes_everything);
	tcase_add_test(tc, remove_tree_of_single_file);
	tcase_add_test(tc, remove_tree_of_missing_path_is_not_error);
	tcase_add_test(tc, remove_tree_does_not_follow_symlinks);
	tcase_add_test(tc, list_follows_links_but_not_loops);
	tcase_add_test(tc, list_update_matches_a_new_listing);
	tcase_add_test(tc, join_puts_one_slash_between);
	tcase_add_test(tc, join_with_dot_or_empty_is_the_second);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
