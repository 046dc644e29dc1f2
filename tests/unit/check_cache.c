/* check_cache: output hashes, notes and the blob pack, from one build to
 * the next. */
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"

/* Each test has its own directory under $TMPDIR, with an output
 * directory "public" in it (a cache belongs to an existing output). */
static char tmp[256], out[300], pack[320];

static void make_tmp(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/waymark-cache-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(out, sizeof out, "%s/public", tmp);
	snprintf(pack, sizeof pack, "%s/.waymark-cache-public.pack", tmp);
	ck_assert_int_eq(fs_mkdirs(out), 0);
}

static void remove_tmp(void)
{
	fs_remove_tree(tmp);
}

/* The blob under key, as a string ("" when there is none). */
static const char *got(struct cache *c, unsigned long long key)
{
	static struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	if (!cache_blob_get(c, key, &sb))
		return "(none)";
	return sb.buf;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

START_TEST(hashes_and_notes_reach_the_next_build)
{
	struct cache *c = cache_load(out);
	const char *deps = NULL;

	ck_assert_uint_eq(cache_get(c, "a/index.html", &deps), 0);
	ck_assert_str_eq(deps, "");
	cache_put(c, "a/index.html", 0x1234, "r4:nursing p");
	cache_put(c, "b/index.html", 0x99, NULL);
	cache_put(c, "tab\there.html", 0x5, NULL); /* not kept */
	cache_note_put(c, "chart", "line one\nline \\two");
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(cache_note_get(c, "chart"), "line one\nline \\two");
	ck_assert_ptr_null(cache_note_get(c, "other"));
	ck_assert_uint_eq(cache_get(c, "a/index.html", &deps), 0x1234);
	ck_assert_str_eq(deps, "r4:nursing p");
	ck_assert_uint_eq(cache_get(c, "b/index.html", &deps), 0x99);
	ck_assert_str_eq(deps, "");
	ck_assert_uint_eq(cache_get(c, "c/index.html", NULL), 0);
	ck_assert_uint_eq(cache_get(c, "tab\there.html", NULL), 0);
	cache_free(c);
}
END_TEST

/* What a build keeps as it was reaches the one after it, and the pages
 * file it writes is the one it read (sorted, so read without sorting). */
START_TEST(kept_pages_reach_the_build_after)
{
	struct cache *c = cache_load(out);
	char *pages = cache_file(out, ".pages");
	struct strbuf first = STRBUF_INIT, second = STRBUF_INIT;
	const char *deps = NULL;

	cache_put(c, "b/index.html", 0x99, "r4:nursing p");
	cache_put(c, "a/index.html", 0x1234, "p");
	cache_put(c, "c/index.html", 0x7, NULL);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(fs_read(pages, &first), 0);
	c = cache_load(out);
	ck_assert_uint_eq(cache_get(c, "b/index.html", NULL), 0x99);
	cache_keep(c, cache_rank(c, "a/index.html"));
	cache_keep(c, cache_rank(c, "b/index.html"));
	cache_keep(c, cache_rank(c, "c/index.html"));
	ck_assert_int_eq(cache_rank(c, "gone/index.html"), -1);
	cache_keep(c, cache_rank(c, "gone/index.html")); /* not in the last build: nothing */
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(fs_read(pages, &second), 0);
	ck_assert_str_eq(second.buf, first.buf);
	c = cache_load(out);
	ck_assert_uint_eq(cache_get(c, "b/index.html", &deps), 0x99);
	ck_assert_str_eq(deps, "r4:nursing p");
	ck_assert_uint_eq(cache_get(c, "a/index.html", &deps), 0x1234);
	ck_assert_str_eq(deps, "p");
	ck_assert_uint_eq(cache_get(c, "gone/index.html", NULL), 0);
	cache_free(c);
	strbuf_release(&first);
	strbuf_release(&second);
	free(pages);
}
END_TEST

/* Threads asking at once all find what the first one parsed. */
struct asker {
	struct cache *c;
	int found;
};

static void *ask(void *arg)
{
	struct asker *a = arg;
	char name[32];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "p%03d.html", i);
		a->found += cache_get(a->c, name, NULL) == (unsigned long long)i + 1;
	}
	return NULL;
}

START_TEST(pages_are_parsed_once_for_every_thread)
{
	struct cache *c = cache_load(out);
	struct asker a[4];
	pthread_t t[4];
	char name[32];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof name, "p%03d.html", i);
		cache_put(c, name, (unsigned long long)i + 1, "o5");
	}
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	for (i = 0; i < 4; i++) {
		a[i].c = c;
		a[i].found = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL, ask, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(a[i].found, 200);
	}
	cache_free(c);
}
END_TEST

START_TEST(blobs_reach_the_next_build)
{
	struct cache *c = cache_load(out);

	ck_assert_str_eq(got(c, 1), "(none)");
	cache_blob_put(c, 1, "one", 4);
	cache_blob_put(c, 2, "two", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	ck_assert_str_eq(got(c, 2), "two");
	ck_assert_str_eq(got(c, 3), "(none)");
	cache_free(c);
}
END_TEST

START_TEST(a_build_that_does_not_save_adds_no_blob)
{
	struct cache *c = cache_load(out);
	char newp[400];

	cache_blob_put(c, 1, "one", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	cache_blob_put(c, 2, "two", 4);
	cache_free(c); /* failed build: no cache_save */
	snprintf(newp, sizeof newp, "%s.new", pack);
	ck_assert_int_eq(fs_is_file(newp), 0);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	ck_assert_str_eq(got(c, 2), "(none)");
	cache_free(c);
}
END_TEST

/* The keys of the index beside the pack, in its order, joined by ' '. */
static void index_keys(struct strbuf *keys)
{
	char *path = cache_file(out, ".pack.idx");
	struct strbuf idx = STRBUF_INIT;
	const char *magic = "waymark-pack-index 1\n";
	size_t at;

	ck_assert_int_eq(fs_read(path, &idx), 0);
	ck_assert_int_eq(strncmp(idx.buf, magic, strlen(magic)), 0);
	for (at = strlen(magic) + 16; at + 28 <= idx.len; at += 28) {
		unsigned long long key;

		memcpy(&key, idx.buf + at, 8);
		strbuf_addf(keys, "%s%llu", keys->len ? " " : "", key);
	}
	strbuf_release(&idx);
	free(path);
}

/* The index lists the records by key (the later of two with one key
 * after the other), appended ones too: a build reads it without sorting. */
START_TEST(the_index_is_sorted_by_key)
{
	struct cache *c = cache_load(out);
	struct strbuf keys = STRBUF_INIT;

	cache_blob_put(c, 9, "nine", 5);
	cache_blob_put(c, 3, "three", 6);
	cache_blob_put(c, 5, "five", 5);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	index_keys(&keys);
	ck_assert_str_eq(keys.buf, "3 5 9");
	c = cache_load(out);
	ck_assert_str_eq(got(c, 3), "three");
	ck_assert_str_eq(got(c, 9), "nine");
	cache_blob_put(c, 7, "seven", 6);
	cache_blob_put(c, 1, "one", 4);
	cache_blob_put(c, 3, "three again", 12);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	strbuf_reset(&keys);
	index_keys(&keys);
	ck_assert_str_eq(keys.buf, "1 3 3 5 7 9");
	c = cache_load(out);
	ck_assert_str_eq(got(c, 3), "three again");
	ck_assert_str_eq(got(c, 5), "five");
	ck_assert_str_eq(got(c, 7), "seven");
	ck_assert_str_eq(got(c, 1), "one");
	cache_free(c);
	strbuf_release(&keys);
}
END_TEST

START_TEST(new_blobs_are_appended_while_most_are_in_use)
{
	struct cache *c = cache_load(out);
	off_t before;

	cache_blob_put(c, 1, "one", 4);
	cache_blob_put(c, 2, "two", 4);
	cache_blob_put(c, 3, "three", 6);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	before = size_of(pack);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	ck_assert_str_eq(got(c, 2), "two");
	cache_blob_put(c, 4, "four", 5);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	/* the pack grew by one record: 8-byte key, 4-byte length, 8-byte
	 * check, 5 bytes */
	ck_assert_int_eq(size_of(pack), before + 8 + 4 + 8 + 5);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 3), "three"); /* unused last time, still there */
	ck_assert_str_eq(got(c, 4), "four");
	cache_free(c);
}
END_TEST

START_TEST(blobs_past_the_write_buffer_reach_the_next_build)
{
	struct cache *c = cache_load(out);
	static char blob[10000];
	char newp[400];
	unsigned long long k;

	/* 3 MB of blobs: the records wait in memory a mebibyte at a time,
	 * so most are on disk before the build saves */
	for (k = 1; k <= 300; k++) {
		memset(blob, (int)('a' + k % 26), sizeof blob - 1);
		snprintf(blob, 8, "%llu", k);
		cache_blob_put(c, k, blob, sizeof blob);
	}
	snprintf(newp, sizeof newp, "%s.new", pack);
	ck_assert_int_ge(size_of(newp), 2 * 1024 * 1024);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	for (k = 1; k <= 300; k++) {
		struct strbuf sb = STRBUF_INIT;
		char head[8];

		ck_assert(cache_blob_get(c, k, &sb));
		ck_assert_uint_eq(sb.len, sizeof blob);
		snprintf(head, sizeof head, "%llu", k);
		ck_assert_str_eq(sb.buf, head);
		ck_assert_int_eq(sb.buf[sizeof blob - 2], 'a' + (int)(k % 26));
		strbuf_release(&sb);
	}
	cache_free(c);
}
END_TEST

START_TEST(pack_is_rewritten_when_most_is_unused)
{
	struct cache *c = cache_load(out);
	char big[1000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	cache_blob_put(c, 1, big, sizeof big);
	cache_blob_put(c, 2, "small", 6);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 2), "small"); /* 1 is not used: most is dead */
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(size_of(pack), (off_t)strlen("waymark-pack 2\n") + 8 + 4 + 8 + 6);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "(none)");
	ck_assert_str_eq(got(c, 2), "small");
	cache_free(c);
}
END_TEST

START_TEST(a_pack_cut_short_keeps_its_whole_records)
{
	struct cache *c = cache_load(out);

	cache_blob_put(c, 1, "one", 4);
	cache_blob_put(c, 2, "two", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(truncate(pack, size_of(pack) - 2), 0);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	ck_assert_str_eq(got(c, 2), "(none)");
	cache_blob_put(c, 3, "three", 6);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	ck_assert_str_eq(got(c, 3), "three");
	cache_free(c);
}
END_TEST

START_TEST(a_damaged_blob_is_not_given_out)
{
	struct cache *c = cache_load(out);
	FILE *f;
	long at;

	cache_blob_put(c, 1, "first", 6);
	cache_blob_put(c, 2, "second", 7);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	/* one byte of the first blob's text ("first") changes */
	at = (long)strlen("waymark-pack 2\n") + 8 + 4 + 8 + 2;
	f = fopen(pack, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
	ck_assert_int_eq(fputc('X', f), 'X');
	fclose(f);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "(none)");
	ck_assert_str_eq(got(c, 2), "second");
	/* put again, it is good again */
	cache_blob_put(c, 1, "first", 6);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "first");
	cache_free(c);
}
END_TEST

START_TEST(pages_from_another_build_are_not_believed)
{
	struct cache *c = cache_load(out);
	char pages[400];
	FILE *f;

	cache_put(c, "a/index.html", 0x1234, "p");
	cache_note_put(c, "stamp", "1");
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	/* the pages file changes after the main file named it */
	snprintf(pages, sizeof pages, "%s/.waymark-cache-public.pages", tmp);
	f = fopen(pages, "a");
	ck_assert_ptr_nonnull(f);
	fputs("0000000000000001\tb/index.html\t\n", f);
	fclose(f);
	c = cache_load(out);
	ck_assert_str_eq(cache_note_get(c, "stamp"), "1");
	ck_assert_uint_eq(cache_get(c, "a/index.html", NULL), 0);
	ck_assert_uint_eq(cache_get(c, "b/index.html", NULL), 0);
	cache_free(c);
}
END_TEST

START_TEST(the_index_finds_blobs_and_a_wrong_one_is_ignored)
{
	struct cache *c = cache_load(out);
	char index[400];
	int round;

	snprintf(index, sizeof index, "%s.idx", pack);
	cache_blob_put(c, 1, "one", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(fs_is_file(index), 1);
	{
		/* the index is what is read: spoil the check it gives (its
		 * last 8 bytes) and the blob is not found */
		struct strbuf sb = STRBUF_INIT;

		ck_assert_int_eq(fs_read(index, &sb), 0);
		sb.buf[sb.len - 1] ^= 1;
		ck_assert_int_eq(fs_write(index, sb.buf, sb.len), 0);
		c = cache_load(out);
		ck_assert_str_eq(got(c, 1), "(none)");
		cache_free(c);
		sb.buf[sb.len - 1] ^= 1;
		ck_assert_int_eq(fs_write(index, sb.buf, sb.len), 0);
		strbuf_release(&sb);
	}
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	cache_blob_put(c, 2, "two", 4); /* appended: the index follows */
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	for (round = 0; round < 2; round++) {
		c = cache_load(out);
		ck_assert_str_eq(got(c, 1), "one");
		ck_assert_str_eq(got(c, 2), "two");
		cache_free(c);
		/* then an index that does not fit the pack: the pack is read */
		ck_assert_int_eq(fs_write(index, "waymark-pack-index 1\nnonsense", 29), 0);
	}
}
END_TEST

START_TEST(a_file_that_is_not_a_pack_is_replaced)
{
	struct cache *c;

	ck_assert_int_eq(fs_write(pack, "garbage\n", 8), 0);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "(none)");
	cache_blob_put(c, 1, "one", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	c = cache_load(out);
	ck_assert_str_eq(got(c, 1), "one");
	cache_free(c);
}
END_TEST

START_TEST(no_output_directory_means_an_empty_cache)
{
	struct cache *c = cache_load(out);

	cache_put(c, "x.html", 7, NULL);
	cache_blob_put(c, 1, "one", 4);
	ck_assert_int_eq(cache_save(c, out), 0);
	cache_free(c);
	ck_assert_int_eq(fs_remove_tree(out), 0);
	c = cache_load(out);
	ck_assert_uint_eq(cache_get(c, "x.html", NULL), 0);
	ck_assert_str_eq(got(c, 1), "(none)");
	cache_free(c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, make_tmp, remove_tmp);
	tcase_add_test(tc, hashes_and_notes_reach_the_next_build);
	tcase_add_test(tc, kept_pages_reach_the_build_after);
	tcase_add_test(tc, pages_are_parsed_once_for_every_thread);
	tcase_add_test(tc, blobs_reach_the_next_build);
	tcase_add_test(tc, a_build_that_does_not_save_adds_no_blob);
	tcase_add_test(tc, new_blobs_are_appended_while_most_are_in_use);
	tcase_add_test(tc, the_index_is_sorted_by_key);
	tcase_add_test(tc, blobs_past_the_write_buffer_reach_the_next_build);
	tcase_add_test(tc, pack_is_rewritten_when_most_is_unused);
	tcase_add_test(tc, a_pack_cut_short_keeps_its_whole_records);
	tcase_add_test(tc, a_file_that_is_not_a_pack_is_replaced);
	tcase_add_test(tc, a_damaged_blob_is_not_given_out);
	tcase_add_test(tc, the_index_finds_blobs_and_a_wrong_one_is_ignored);
	tcase_add_test(tc, pages_from_another_build_are_not_believed);
	tcase_add_test(tc, no_output_directory_means_an_empty_cache);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
