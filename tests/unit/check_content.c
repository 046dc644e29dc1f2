/* check_content: documents kept in the build cache and read back. */
#include "test.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "content.h"
#include "diag.h"
#include "fsutil.h"
#include "value.h"

static char tmp[256];
static char *out;

static const char story[] = "---\n"
			    "title: \"Maya: from \\\"temp\\\" to lead\"\n"
			    "wage: 18.50\n"
			    "hours: 40\n"
			    "featured: true\n"
			    "note: null\n"
			    "empty: \"\"\n"
			    "tags: [warehouse, forklift]\n"
			    "steps:\n"
			    "  - title: Picker\n"
			    "    skills: [safety, { id: counting, level: 2 }]\n"
			    "  - {}\n"
			    "  - []\n"
			    "params: { a: { b: { c: deep } } }\n"
			    "---\n"
			    "The body.\n";
static const char data[] = "sectors:\n  - id: care\n    title: Care\n  - id: build\n"
			   "    title: \"Building, trades\"\n";

static void setup(void)
{
	const char *base = getenv("TMPDIR");
	char *path;

	snprintf(tmp, sizeof tmp, "%s/waymark-content-XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	path = fs_join(tmp, "content/stories/maya.md");
	ck_assert_int_eq(fs_write(path, story, strlen(story)), 0);
	free(path);
	path = fs_join(tmp, "content/sectors.yaml");
	ck_assert_int_eq(fs_write(path, data, strlen(data)), 0);
	free(path);
	out = fs_join(tmp, "public");
	ck_assert_int_eq(fs_mkdirs(out), 0);
}

static void teardown(void)
{
	fs_remove_tree(tmp);
	free(out);
}

/* Load the content with the build cache beside `out`, then save the cache. */
static void load(struct content *c)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct cache *cache = cache_load(out);

	memset(c, 0, sizeof *c);
	ck_assert_int_eq(content_load(c, tmp, 0, cache, 42, NULL, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_int_eq(cache_save(cache, out), 0);
	cache_free(cache);
	diag_list_release(&dl);
}

/* Two trees are the same: kinds, text, keys and positions. */
static void same_tree(const struct value *a, const struct value *b)
{
	size_t i;

	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_int_eq(!a->pos.file, !b->pos.file); /* each its own build's path */
	ck_assert_int_eq(a->pos.line, b->pos.line);
	ck_assert_int_eq(a->pos.col, b->pos.col);
	ck_assert_int_eq(!a->str, !b->str);
	if (a->str) {
		ck_assert_uint_eq(a->len, b->len);
		ck_assert_mem_eq(a->str, b->str, a->len + 1);
	}
	ck_assert(a->number == b->number);
	ck_assert_int_eq(a->boolean, b->boolean);
	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		if (a->kind == VALUE_LIST) {
			same_tree(a->items[i], b->items[i]);
			continue;
		}
		ck_assert_str_eq(a->members[i].key, b->members[i].key);
		ck_assert_int_eq(a->members[i].key_pos.line, b->members[i].key_pos.line);
		ck_assert_int_eq(a->members[i].key_pos.col, b->members[i].key_pos.col);
		same_tree(a->members[i].val, b->members[i].val);
	}
}

/* The second build reads each document back from the cache, in one block
 * of memory, the same tree the first build parsed (the file's position
 * pointing at the new document's path). */
START_TEST(documents_read_back_are_the_documents_parsed)
{
	struct content parsed, cached;
	size_t i;

	load(&parsed);
	load(&cached);
	ck_assert_uint_eq(parsed.n, 2);
	ck_assert_uint_eq(cached.n, 2);
	for (i = 0; i < parsed.n; i++) {
		const struct doc *p = parsed.docs[i], *c = cached.docs[i];

		ck_assert_ptr_null(p->meta_block);
		ck_assert_ptr_nonnull(c->meta_block);
		ck_assert_int_eq(c->meta->in_block, 1);
		ck_assert_uint_eq(c->meta_hash, p->meta_hash);
		ck_assert_uint_eq(value_hash(c->meta, VALUE_HASH_SEED),
				  value_hash(p->meta, VALUE_HASH_SEED));
		ck_assert_int_eq(c->body_line, p->body_line);
		ck_assert_uint_eq(c->body_len, p->body_len);
		ck_assert_uint_eq(c->body_hash, p->body_hash);
		ck_assert_int_eq(c->is_markdown, p->is_markdown);
		/* positions name each build's own path */
		ck_assert_ptr_eq(c->meta->pos.file, c->path);
		ck_assert_str_eq(c->path, p->path);
		same_tree(p->meta, c->meta);
	}
	ck_assert_str_eq(value_text(value_path(cached.docs[1]->meta, "params.a.b"), "c"), "deep");
	content_release(&parsed);
	content_release(&cached);
}
END_TEST

/* A node of a tree in a block can be shared and freed like any other:
 * freeing it (or the tree's root) frees nothing, and the tree is still
 * whole until its document goes (ASan and valgrind see the block freed
 * once, and nothing lost). */
START_TEST(a_tree_in_a_block_outlives_what_is_freed_in_it)
{
	struct content c;
	struct doc *d;
	struct value *steps, *shared;

	load(&c);
	content_release(&c);
	load(&c); /* read back from the cache */
	d = content_find(&c, "stories/maya.md");
	ck_assert_ptr_nonnull(d);
	steps = value_get(d->meta, "steps");
	ck_assert_ptr_nonnull(steps);
	shared = value_share(steps);
	value_free(shared);
	value_free(steps);
	value_free(d->meta);
	ck_assert_uint_eq(value_get(d->meta, "steps")->n, 3);
	ck_assert_str_eq(value_text(d->meta, "wage"), "18.50");
	content_release(&c);
}
END_TEST

/* Its lists and maps are exactly as long as when it was made: adding to
 * one stops the program, rather than growing memory malloc never gave. */
START_TEST(changing_a_tree_in_a_block_stops_the_program)
{
	struct content c;

	load(&c);
	content_release(&c);
	load(&c);
	/* the test ends with the abort, so teardown never runs: the files
	 * go now, the documents being in memory */
	ck_assert_int_eq(fs_remove_tree(tmp), 0);
	/* (its message would only clutter the suite's output) */
	ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
	value_list_push(value_get(c.docs[0]->meta, "sectors"), value_new_null());
}
END_TEST

/* Pictures and documents: which files are published, where a relative
 * address leads, and finding one in a sorted listing. */
START_TEST(published_files_and_relative_addresses)
{
	char *paths[] = { "IMG 1234.JPG", "docs/handbook.pdf", "stories/ana.md", "stories/ana.png",
			  "stories/drawing.svg" };
	struct fs_list l = FS_LIST_INIT;
	int outside;
	char *rel;

	l.paths = paths;
	l.n = sizeof paths / sizeof *paths;
	ck_assert(content_is_file("a/b.PNG") && content_is_file("x.pdf") && content_is_file("y.avif"));
	ck_assert(!content_is_file("x.svg") && !content_is_file("x.md") && !content_is_file("png"));
	ck_assert(!content_is_file("a.png/b") && !content_is_file(".png.md"));
	ck_assert(content_is_picture("x.webp") && !content_is_picture("x.pdf"));

	rel = content_relative("stories/ana.md", "ana.png", &outside);
	ck_assert_str_eq(rel, "stories/ana.png");
	free(rel);
	rel = content_relative("stories/ana.md", "../docs/handbook.pdf#page=2", &outside);
	ck_assert_str_eq(rel, "docs/handbook.pdf");
	free(rel);
	ck_assert_ptr_null(content_relative("stories/ana.md", "https://example.org/a.png", &outside));
	ck_assert_int_eq(outside, 0);
	ck_assert_ptr_null(content_relative("stories/ana.md", "/img/a.png", &outside));
	ck_assert_ptr_null(content_relative("stories/ana.md", "../../a.png", &outside));
	ck_assert_int_eq(outside, 1);
	/* from the site's root: the path below content/, as a browser reads it */
	rel = content_rooted("/stories/./x/../ana.png?v=2#top");
	ck_assert_str_eq(rel, "stories/ana.png");
	free(rel);
	rel = content_rooted("/../ana.png");
	ck_assert_str_eq(rel, "ana.png");
	free(rel);
	ck_assert_ptr_null(content_rooted("//example.org/a.png"));
	ck_assert_ptr_null(content_rooted("ana.png"));
	ck_assert_ptr_null(content_rooted(NULL));

	ck_assert_str_eq(content_file_find(&l, "stories/ana.png"), "stories/ana.png");
	ck_assert_str_eq(content_file_find(&l, "IMG 1234.JPG"), "IMG 1234.JPG");
	ck_assert_ptr_null(content_file_find(&l, "stories/ana.md"));      /* a page, not a file */
	ck_assert_ptr_null(content_file_find(&l, "stories/drawing.svg")); /* not published */
	ck_assert_ptr_null(content_file_find(&l, "stories/ana.jpg"));
	ck_assert_str_eq(content_file_suggest(&l, "stories/ana.jpg"), "stories/ana.png");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("content");
	TCase *tc = tcase_create("content");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, documents_read_back_are_the_documents_parsed);
	tcase_add_test(tc, a_tree_in_a_block_outlives_what_is_freed_in_it);
	tcase_add_test(tc, published_files_and_relative_addresses);
	/* it needs a process of its own: not under CK_FORK=no (make unit-asan) */
	if (!getenv("CK_FORK") || strcmp(getenv("CK_FORK"), "no"))
		tcase_add_test_raise_signal(tc, changing_a_tree_in_a_block_stops_the_program,
					    SIGABRT);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
