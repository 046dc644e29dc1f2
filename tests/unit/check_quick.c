/* check_quick: the quick path's file and its splice notes. */
#include "test.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "quick.h"
#include "xalloc.h"

static char tmp[256], path[300];

static void make_tmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/waymark-quick-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(path, sizeof path, "%s/.waymark-cache-public.quick", tmp);
}

static void remove_tmp(void)
{
	fs_remove_tree(tmp);
}

/* Two built files (one shown on three pages: one that cannot be spliced,
 * one that does not show it) and a draft. */
static void sample(struct quick *q)
{
	struct quick_splice s1 = { .at = 0x812, .len = 0x4f0, .toc = 0x1234, .html = 0xabcdef, .ok = 1 };
	struct quick_splice s2 = { .at = 3, .len = 4, .toc = 5, .html = 6, .ok = 1 }, none = { .ok = 0 };
	struct quick_splice absent = { .toc = 0x77, .ok = 1, .absent = 1 };
	struct quick_file *f;

	memset(q, 0, sizeof *q);
	q->frame = 0xfeedfacecafebeefULL;
	q->depends = 42;
	q->pages = 95;
	q->files = 138;
	f = quick_add(q, "pages/about.md", 7);
	f->built = 1;
	f->meta = 99;
	f->url = quick_copy(q, "/about/");
	quick_add_page(q, f, "about/index.html", &s1);
	quick_add(q, "stories/draft.md", 8);
	f = quick_add(q, "stories/x.md", 9);
	f->built = 1;
	f->meta = 100;
	f->url = quick_copy(q, "/stories/x/");
	quick_add_page(q, f, "stories/x/index.html", &s2);
	quick_add_page(q, f, "guides/g/all/index.html", &none);
	quick_add_page(q, f, "stories/page/2/index.html", &absent);
}

START_TEST(save_then_load_gives_the_same)
{
	struct quick q, back;
	struct quick_file *f;

	sample(&q);
	ck_assert_int_eq(quick_save(&q, path), 0);
	ck_assert_int_eq(quick_load(&back, path), 0);
	ck_assert_uint_eq(back.frame, q.frame);
	ck_assert_uint_eq(back.depends, 42);
	ck_assert_uint_eq(back.pages, 95);
	ck_assert_uint_eq(back.files, 138);
	ck_assert_uint_eq(back.n, 3);
	f = quick_find(&back, "pages/about.md");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->built, 1);
	ck_assert_uint_eq(f->stat, 7);
	ck_assert_uint_eq(f->meta, 99);
	ck_assert_str_eq(f->url, "/about/");
	ck_assert_uint_eq(f->npages, 0); /* read when asked for */
	ck_assert_int_eq(quick_file_pages(&back, f), 0);
	ck_assert_uint_eq(f->npages, 1);
	ck_assert_str_eq(f->outs[0], "about/index.html");
	ck_assert_int_eq(f->splices[0].ok, 1);
	ck_assert_uint_eq(f->splices[0].at, 0x812);
	ck_assert_uint_eq(f->splices[0].len, 0x4f0);
	ck_assert_uint_eq(f->splices[0].toc, 0x1234);
	ck_assert_uint_eq(f->splices[0].html, 0xabcdef);
	f = quick_find(&back, "stories/draft.md");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->built, 0);
	ck_assert_uint_eq(f->stat, 8);
	f = quick_find(&back, "stories/x.md");
	ck_assert_int_eq(quick_file_pages(&back, f), 0);
	ck_assert_uint_eq(f->npages, 3);
	ck_assert_int_eq(f->splices[0].ok, 1);
	ck_assert_int_eq(f->splices[0].absent, 0);
	ck_assert_int_eq(f->splices[1].ok, 0);
	ck_assert_str_eq(f->outs[1], "guides/g/all/index.html");
	ck_assert_str_eq(f->outs[2], "stories/page/2/index.html");
	ck_assert_int_eq(f->splices[2].ok, 1);
	ck_assert_int_eq(f->splices[2].absent, 1);
	ck_assert_uint_eq(f->splices[2].toc, 0x77);
	ck_assert_ptr_null(quick_find(&back, "stories/y.md"));
	quick_release(&q);
	quick_release(&back);
}
END_TEST

/* A file read and saved again is the same bytes (its lines are written as
 * they were read); a file whose pages were read and changed gets a line
 * made anew, and one whose stat changed keeps no old line. */
START_TEST(lines_read_are_written_again_unless_changed)
{
	struct quick q, back;
	struct strbuf first = STRBUF_INIT, again = STRBUF_INIT, lines = STRBUF_INIT;
	struct quick_file *f;

	sample(&q);
	ck_assert_int_eq(quick_save(&q, path), 0);
	ck_assert_int_eq(fs_read(path, &first), 0);
	ck_assert_int_eq(quick_load(&back, path), 0);
	f = quick_find(&back, "pages/about.md");
	ck_assert_ptr_nonnull(f->line);
	ck_assert_uint_eq(quick_pages_count(f), 1);
	ck_assert_uint_eq(quick_pages_count(quick_find(&back, "stories/x.md")), 3);
	ck_assert_uint_eq(quick_pages_count(quick_find(&back, "stories/draft.md")), 0);
	ck_assert_int_eq(quick_save(&back, path), 0);
	ck_assert_int_eq(fs_read(path, &again), 0);
	ck_assert_str_eq(again.buf, first.buf);
	/* the quick path's way: pages read, one splice moved */
	ck_assert_int_eq(quick_file_pages(&back, f), 0);
	ck_assert_ptr_null(f->line);
	f->splices[0].at = 0x900;
	quick_lines(&back, &lines);
	ck_assert_ptr_nonnull(strstr(lines.buf, "about/index.html,900,"));
	ck_assert_ptr_null(strstr(lines.buf, "about/index.html,812,"));
	/* the others as they were, tabs and all */
	ck_assert_ptr_nonnull(strstr(lines.buf, "stories/draft.md\t0000000000000008\t-\n"));
	strbuf_release(&first);
	strbuf_release(&again);
	strbuf_release(&lines);
	quick_release(&q);
	quick_release(&back);
}
END_TEST

/* Hashes use all 64 bits: 16 hex digits read back whole. */
START_TEST(full_width_hashes_read_back)
{
	struct quick q, back;
	struct quick_file *f;

	memset(&q, 0, sizeof q);
	q.frame = 0xfedcba9876543210ULL;
	f = quick_add(&q, "a.md", ~0ULL);
	f->built = 1;
	f->meta = 0x8000000000000001ULL;
	f->url = quick_copy(&q, "/a/");
	ck_assert_int_eq(quick_save(&q, path), 0);
	ck_assert_int_eq(quick_load(&back, path), 0);
	ck_assert_uint_eq(back.frame, 0xfedcba9876543210ULL);
	ck_assert_uint_eq(back.items[0].stat, ~0ULL);
	ck_assert_uint_eq(back.items[0].meta, 0x8000000000000001ULL);
	ck_assert_str_eq(back.items[0].url, "/a/");
	quick_release(&q);
	quick_release(&back);
}
END_TEST

START_TEST(missing_or_damaged_files_are_refused)
{
	static const char *const bad[] = {
		"",
		"waymark-quick 2\nframe 1 depends 2 pages 3 files 4\n", /* no state */
		"waymark-quick 1\nframe 1 depends 2 state 0 pages 3 files 4\n", /* the last version's */
		"waymark-quick 2\n",
		"waymark-quick 2\nframe 1 depends 2\n",
		/* out of order */
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\nb.md\t1\t-\na.md\t1\t-\n",
		/* a built file without its URL */
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t1\t5\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\tzz\t-\n",
		/* the last line cut short */
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t1\t-",
		/* more than 16 hex digits, none, a sign, an empty name or URL, an empty line */
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t11111111111111111\t-\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t\t-\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t-1\t-\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\n\t1\t-\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t1\t5\t\t-\n",
		"waymark-quick 2\nframe 1 depends 2 state 0 pages 3 files 4\na.md\t1\t-\n\nb.md\t1\t-\n",
	};
	struct quick q;
	size_t i;

	ck_assert_int_eq(quick_load(&q, path), -1); /* no file */
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_int_eq(fs_write(path, bad[i], strlen(bad[i])), 0);
		ck_assert_msg(quick_load(&q, path) == -1, "accepted bad file %zu", i);
		ck_assert_uint_eq(q.n, 0);
	}
}
END_TEST

/* A file's pages are read only when asked for: a damaged list is refused
 * then, and a list never asked for is saved again as it was. */
START_TEST(pages_are_read_when_asked_for)
{
	static const char text[] =
		"waymark-quick 2\nframe 0000000000000001 depends 0000000000000002 "
		"state 0000000000000003 pages 3 files 4\n"
		"a.md\t0000000000000001\t0000000000000005\t/a/\ta/index.html,1,2\n"
		"b.md\t0000000000000001\t0000000000000005\t/b/\tb/index.html,1,2,3,4;5,6,7,rt:7b7d "
		"c/index.html,-\n";
	struct quick q;
	struct strbuf back = STRBUF_INIT;

	ck_assert_int_eq(fs_write(path, text, strlen(text)), 0);
	ck_assert_int_eq(quick_load(&q, path), 0);
	ck_assert_uint_eq(q.n, 2);
	ck_assert_uint_eq(q.state, 3);
	ck_assert_int_eq(quick_save(&q, path), 0);
	ck_assert_int_eq(fs_read(path, &back), 0);
	ck_assert_str_eq(back.buf, text);
	ck_assert_int_eq(quick_file_pages(&q, quick_find(&q, "a.md")), -1); /* a page cut short */
	ck_assert_int_eq(quick_file_pages(&q, quick_find(&q, "b.md")), 0);
	ck_assert_uint_eq(quick_find(&q, "b.md")->npages, 2);
	ck_assert_uint_eq(quick_find(&q, "b.md")->splices[0].html, 4);
	ck_assert_uint_eq(quick_find(&q, "b.md")->splices[0].lambda_html, 7);
	ck_assert_mem_eq(quick_find(&q, "b.md")->splices[0].lambda, "rt:7b7d", 7);
	ck_assert_uint_eq(quick_find(&q, "b.md")->splices[0].lambda_size, 7);
	/* parsed, it is saved as it was read */
	ck_assert_int_eq(quick_save(&q, path), 0);
	strbuf_reset(&back);
	ck_assert_int_eq(fs_read(path, &back), 0);
	ck_assert_ptr_nonnull(strstr(back.buf, "b/index.html,1,2,3,4;5,6,7,rt:7b7d c/index.html,-\n"));
	ck_assert_int_eq(quick_find(&q, "b.md")->splices[1].ok, 0);
	quick_release(&q);
	strbuf_release(&back);
}
END_TEST

START_TEST(save_replaces_the_file_whole)
{
	struct quick q;
	char *tmpname;

	sample(&q);
	ck_assert_int_eq(fs_write(path, "old", 3), 0);
	ck_assert_int_eq(quick_save(&q, path), 0);
	tmpname = fs_join(tmp, ".waymark-new-.waymark-cache-public.quick");
	ck_assert_int_eq(access(tmpname, F_OK), -1);
	free(tmpname);
	quick_release(&q);
	ck_assert_int_eq(quick_load(&q, path), 0);
	quick_release(&q);
}
END_TEST

START_TEST(notes_carry_a_splice_before_the_dependencies)
{
	struct quick_splice s = { .at = 10, .len = 20, .toc = 0xaa, .html = 0xbb, .ok = 1 }, got;
	struct strbuf sb = STRBUF_INIT;
	const char *rest;

	quick_note(&sb, &s);
	strbuf_adds(&sb, "k3 r2:aisha");
	rest = quick_note_parse(sb.buf, &got);
	ck_assert_str_eq(rest, "k3 r2:aisha");
	ck_assert_int_eq(got.ok, 1);
	ck_assert_uint_eq(got.at, 10);
	ck_assert_uint_eq(got.len, 20);
	ck_assert_uint_eq(got.toc, 0xaa);
	ck_assert_uint_eq(got.html, 0xbb);
	/* no splice: the note is all dependencies */
	rest = quick_note_parse("r2:aisha", &got);
	ck_assert_str_eq(rest, "r2:aisha");
	ck_assert_int_eq(got.ok, 0);
	/* a splice and nothing after it */
	strbuf_reset(&sb);
	quick_note(&sb, &s);
	rest = quick_note_parse(sb.buf, &got);
	ck_assert_str_eq(rest, "");
	ck_assert_int_eq(got.ok, 1);
	/* a page that cannot be spliced notes nothing */
	strbuf_reset(&sb);
	s.ok = 0;
	quick_note(&sb, &s);
	ck_assert_uint_eq(sb.len, 0);
	/* half a splice is not one */
	rest = quick_note_parse("s1,2 k3", &got);
	ck_assert_str_eq(rest, "s1,2 k3");
	ck_assert_int_eq(got.ok, 0);
	/* a helper's output that depends on the body goes with it... */
	strbuf_reset(&sb);
	s.ok = 1;
	s.lambda_at = 3;
	s.lambda_len = 4;
	s.lambda_html = 0xcc;
	s.lambda = "reading_time:7b7b";
	s.lambda_size = strlen(s.lambda);
	quick_note(&sb, &s);
	strbuf_adds(&sb, "p");
	rest = quick_note_parse(sb.buf, &got);
	ck_assert_str_eq(rest, "p");
	ck_assert_int_eq(got.ok, 1);
	ck_assert_uint_eq(got.html, 0xbb);
	ck_assert_uint_eq(got.lambda_at, 3);
	ck_assert_uint_eq(got.lambda_len, 4);
	ck_assert_uint_eq(got.lambda_html, 0xcc);
	ck_assert_uint_eq(got.lambda_size, strlen("reading_time:7b7b"));
	ck_assert_mem_eq(got.lambda, "reading_time:7b7b", got.lambda_size);
	/* ...and one cut short, or without its name, is no splice */
	rest = quick_note_parse("s1,2,3,4;5,6,7 k3", &got);
	ck_assert_str_eq(rest, "s1,2,3,4;5,6,7 k3");
	ck_assert_int_eq(got.ok, 0);
	rest = quick_note_parse("s1,2,3,4;5,6,7,7b7b k3", &got);
	ck_assert_int_eq(got.ok, 0);
	ck_assert_ptr_null(got.lambda);
	/* a page that does not show the body: only its headings' hash */
	strbuf_reset(&sb);
	s.ok = s.absent = 1;
	s.toc = 0xcc;
	quick_note(&sb, &s);
	ck_assert_str_eq(sb.buf, "s=cc ");
	strbuf_adds(&sb, "k3");
	rest = quick_note_parse(sb.buf, &got);
	ck_assert_str_eq(rest, "k3");
	ck_assert_int_eq(got.ok, 1);
	ck_assert_int_eq(got.absent, 1);
	ck_assert_uint_eq(got.toc, 0xcc);
	rest = quick_note_parse("s= k3", &got); /* no hash */
	ck_assert_str_eq(rest, "s= k3");
	ck_assert_int_eq(got.ok, 0);
	strbuf_release(&sb);
}
END_TEST

/* A helper's section in a splice: its name and text, and back. */
START_TEST(a_helper_section_is_written_and_read_back)
{
	struct strbuf name = STRBUF_INIT, text = STRBUF_INIT;
	char *l = quick_lambda("reading_time", 12, "{{{page.content}}}\n", 19);

	ck_assert_str_eq(l, "reading_time:7b7b7b706167652e636f6e74656e747d7d7d0a");
	ck_assert_int_eq(quick_lambda_read(l, strlen(l), &name, &text), 0);
	ck_assert_str_eq(name.buf, "reading_time");
	ck_assert_str_eq(text.buf, "{{{page.content}}}\n");
	free(l);
	/* a name that is not a plain one; odd or bad hex; no name at all */
	ck_assert_ptr_null(quick_lambda("a b", 3, "x", 1));
	ck_assert_int_eq(quick_lambda_read("rt:7b7", 6, &name, &text), -1);
	ck_assert_int_eq(quick_lambda_read("rt:7g", 5, &name, &text), -1);
	ck_assert_int_eq(quick_lambda_read("7b7b", 4, &name, &text), -1);
	strbuf_release(&name);
	strbuf_release(&text);
}
END_TEST

START_TEST(stat_changes_with_size_time_or_inode)
{
	struct stat a, b;

	memset(&a, 0, sizeof a);
	a.st_size = 10;
	a.st_mtim.tv_sec = 100;
	a.st_ino = 5;
	b = a;
	ck_assert_uint_eq(quick_stat(&a), quick_stat(&b));
	b.st_size = 11;
	ck_assert_uint_ne(quick_stat(&a), quick_stat(&b));
	b = a;
	b.st_mtim.tv_nsec = 1;
	ck_assert_uint_ne(quick_stat(&a), quick_stat(&b));
	b = a;
	b.st_ctim.tv_sec = 1;
	ck_assert_uint_ne(quick_stat(&a), quick_stat(&b));
	b = a;
	b.st_ino = 6;
	ck_assert_uint_ne(quick_stat(&a), quick_stat(&b));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("quick");
	TCase *tc = tcase_create("quick");

	tcase_add_checked_fixture(tc, make_tmp, remove_tmp);
	tcase_add_test(tc, save_then_load_gives_the_same);
	tcase_add_test(tc, lines_read_are_written_again_unless_changed);
	tcase_add_test(tc, missing_or_damaged_files_are_refused);
	tcase_add_test(tc, full_width_hashes_read_back);
	tcase_add_test(tc, pages_are_read_when_asked_for);
	tcase_add_test(tc, save_replaces_the_file_whole);
	tcase_add_test(tc, notes_carry_a_splice_before_the_dependencies);
	tcase_add_test(tc, a_helper_section_is_written_and_read_back);
	tcase_add_test(tc, stat_changes_with_size_time_or_inode);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
