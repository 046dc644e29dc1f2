/* check_value: the generic value tree. */
#include "test.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "value.h"

START_TEST(map_keeps_insertion_order_and_replaces)
{
	struct value *m = value_new_map();

	value_map_set_str(m, "b", "1");
	value_map_set_str(m, "a", "2");
	value_map_set_str(m, "b", "3");
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(m->members[0].key, "b");
	ck_assert_str_eq(value_string(value_get(m, "b")), "3");
	ck_assert_ptr_null(value_get(m, "c"));
	value_free(m);
}
END_TEST

START_TEST(dotted_path_follows_maps)
{
	struct value *m = value_new_map(), *inner = value_new_map();

	value_map_set_str(inner, "title", "Pathways");
	value_map_set(m, "site", inner, NULL);
	ck_assert_str_eq(value_string(value_path(m, "site.title")), "Pathways");
	ck_assert_ptr_null(value_path(m, "site.missing"));
	ck_assert_ptr_null(value_path(m, "nope.title"));
	value_free(m);
}
END_TEST

START_TEST(copy_is_deep_and_keeps_positions)
{
	struct pos p = { "content/a.md", 3, 7 };
	struct value *l = value_new(VALUE_LIST, &p), *c;

	value_list_push(l, value_new_cstr("x"));
	c = value_copy(l);
	ck_assert_ptr_ne(c->items[0], l->items[0]);
	ck_assert_str_eq(c->items[0]->str, "x");
	ck_assert_int_eq(c->pos.line, 3);
	ck_assert_int_eq(c->pos.col, 7);
	value_free(l);
	value_free(c);
}
END_TEST

/* value_block: the same tree (kinds, text with NULs, numbers, positions,
 * empty and shared parts) in one block, the tree it was made from freed;
 * its parts can be shared and let go, and the root frees the block. A
 * shared tree is left as it is. Under ASan and valgrind: nothing leaks. */
START_TEST(block_is_the_same_tree_in_one_allocation)
{
	struct pos p = { "content/a.md", 3, 7 };
	struct value *m = value_new(VALUE_MAP, &p), *l = value_new_list(), *n = value_new_number(2.5);
	struct value *shared = value_new_cstr("kept"), *b, *part;
	struct strbuf was = STRBUF_INIT, now = STRBUF_INIT;
	unsigned long long hash;

	value_map_set(m, "nul", value_new_string("a\0b", 3), &p);
	value_list_push(l, value_new_bool(1));
	value_list_push(l, value_new_null());
	value_list_push(l, value_new_map());
	value_list_push(l, value_share(shared));
	value_map_set(m, "list", l, NULL);
	value_map_set(m, "n", n, NULL);
	value_map_set(m, "empty", value_new_list(), NULL);
	value_json(m, &was);
	hash = value_hash(m, VALUE_HASH_SEED);
	b = value_block(m);
	ck_assert_int_eq(b->in_block, 2);
	ck_assert_int_eq(b->members[1].val->in_block, 1);
	ck_assert_int_eq(b->pos.line, 3);
	ck_assert_int_eq(b->members[0].key_pos.col, 7);
	ck_assert_uint_eq(value_get(b, "nul")->len, 3);
	ck_assert_mem_eq(value_get(b, "nul")->str, "a\0b", 4);
	ck_assert_ptr_ne(value_get(b, "list")->items[3], shared);
	value_json(b, &now);
	ck_assert_str_eq(now.buf, was.buf);
	ck_assert_uint_eq(value_hash(b, VALUE_HASH_SEED), hash);
	/* the original let go of its share: one owner left */
	ck_assert_int_eq(atomic_load(&shared->shares), 0);
	part = value_share(value_get(b, "list"));
	value_free(part);
	b = value_share(b);
	ck_assert_ptr_eq(value_block(b), b); /* shared: as it is */
	value_free(b);
	value_free(b);
	value_free(shared);
	strbuf_release(&was);
	strbuf_release(&now);
}
END_TEST

START_TEST(truthiness_follows_mustache)
{
	struct value *v;

	ck_assert(!value_truthy(NULL));
	v = value_new_null(); ck_assert(!value_truthy(v)); value_free(v);
	v = value_new_bool(0); ck_assert(!value_truthy(v)); value_free(v);
	v = value_new_list(); ck_assert(!value_truthy(v)); value_free(v);
	v = value_new_number(0); ck_assert(value_truthy(v)); value_free(v);
	v = value_new_map(); ck_assert(value_truthy(v)); value_free(v);
}
END_TEST

START_TEST(numbers_render_without_trailing_zeros)
{
	struct value *v = value_new_number(16.5);

	ck_assert_str_eq(v->str, "16.5");
	value_free(v);
}
END_TEST

/* Whole numbers are written by hand: the same text as %.15g, at the edges
 * of that path too. */
START_TEST(numbers_read_as_printf_writes_them)
{
	static const double d[] = { 0.0, -0.0, 1, -1, 7, 10, -42, 2024, 52000, 1e14, -1e14,
				    999999999999999.0, -999999999999999.0, 1e15, -1e15, 1e16, 2.5,
				    -0.5, 1.0 / 3, 123456789.25 };
	char want[64];
	size_t i;

	for (i = 0; i < sizeof d / sizeof *d; i++) {
		struct value *v = value_new_number(d[i]);

		snprintf(want, sizeof want, "%.15g", d[i]);
		ck_assert_str_eq(v->str, want);
		ck_assert_uint_eq(v->len, strlen(want));
		value_free(v);
	}
}
END_TEST

START_TEST(json_keeps_key_order_and_escapes_for_script)
{
	struct value *m = value_new_map(), *l = value_new_list();
	struct strbuf out = STRBUF_INIT;

	value_map_set_str(m, "b", "</script> \"q\"");
	value_list_push(l, value_new_number(1.5));
	value_list_push(l, value_new_bool(1));
	value_list_push(l, value_new_null());
	value_map_set(m, "a", l, NULL);
	value_json(m, &out);
	ck_assert_str_eq(out.buf, "{\"b\":\"\\u003c/script> \\\"q\\\"\",\"a\":[1.5,true,null]}");
	strbuf_release(&out);
	value_free(m);
}
END_TEST

/* Every escape, at the start, in the middle and at the end of runs of
 * plain bytes (copied whole), and a NUL inside the length. */
START_TEST(json_strings_escape_quotes_controls_and_tags)
{
	static const char in[] = "\"a\\b\nc\rd\te<f\001g\037h\000\x7f\xc3\xa9<";
	struct strbuf out = STRBUF_INIT;

	strbuf_adds(&out, "[");
	strbuf_add_json(&out, in, sizeof in - 1);
	strbuf_add_json(&out, "plain", 5);
	strbuf_add_json(&out, "", 0);
	ck_assert_str_eq(out.buf, "[\\\"a\\\\b\\nc\\rd\\te\\u003cf\\u0001g\\u001fh\\u0000\x7f\xc3\xa9\\u003cplain");
	strbuf_release(&out);
}
END_TEST

/* The five bytes HTML escapes, at the start, in the middle and at the end
 * of runs of plain bytes, and bytes JSON escapes (a control, a backslash,
 * a NUL inside the length), which HTML leaves. */
START_TEST(html_escapes_the_five_and_nothing_else)
{
	static const char in[] = "&a<b>c\"d'e\\f\001g\000h\xc3\xa9'";
	struct strbuf out = STRBUF_INIT;

	strbuf_adds(&out, "[");
	strbuf_add_html(&out, in, sizeof in - 1);
	strbuf_add_html(&out, "plain", 5);
	strbuf_add_html(&out, "", 0);
	ck_assert_uint_eq(out.len, 48);
	ck_assert_mem_eq(out.buf, "[&amp;a&lt;b&gt;c&quot;d&#39;e\\f\001g\000h\xc3\xa9&#39;plain", 48);
	strbuf_release(&out);
}
END_TEST

/* strbuf_addf formats short text in one go and long text in two, both
 * appended after what is there; an empty result leaves a buffer that never
 * grew as it was (nothing to release). */
START_TEST(addf_appends_short_and_long_text)
{
	struct strbuf sb = STRBUF_INIT, empty = STRBUF_INIT;
	char long_text[1001];
	size_t i;

	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	strbuf_addch(&sb, '[');
	strbuf_addf(&sb, "%d-%s", 42, "short");
	ck_assert_str_eq(sb.buf, "[42-short");
	for (i = 250; i < 260; i++) { /* across the first attempt's room */
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%.*s|", (int)i, long_text);
		ck_assert_uint_eq(sb.len, i + 1);
		ck_assert_int_eq(sb.buf[i], '|');
		ck_assert_int_eq(sb.buf[i + 1], '\0');
	}
	strbuf_addf(&sb, "%s", long_text);
	ck_assert_uint_eq(sb.len, 260 + 1000);
	ck_assert_uint_eq(strlen(sb.buf), sb.len);
	strbuf_addf(&empty, "%s", "");
	ck_assert_uint_eq(empty.alloc, 0);
	ck_assert_str_eq(empty.buf, "");
	strbuf_release(&sb);
}
END_TEST

/* What strbuf_add_hex writes reads back, padded or not; reading stops at
 * a byte that is not a digit and after 16 digits; none is -1. */
START_TEST(hex_reads_back_what_add_hex_writes)
{
	static const unsigned long long v[] = { 0, 1, 0xabcdef, 0x8000000000000000ULL, ~0ULL };
	struct strbuf sb = STRBUF_INIT;
	unsigned long long got;
	const char *end;
	size_t i;

	for (i = 0; i < sizeof v / sizeof *v; i++) {
		strbuf_reset(&sb);
		strbuf_add_hex(&sb, v[i], (int)(i & 1));
		strbuf_adds(&sb, ",");
		ck_assert_int_eq(strbuf_read_hex(sb.buf, &got, &end), 0);
		ck_assert_uint_eq(got, v[i]);
		ck_assert_str_eq(end, ",");
	}
	ck_assert_int_eq(strbuf_read_hex("FfA0g", &got, &end), 0);
	ck_assert_uint_eq(got, 0xffa0);
	ck_assert_str_eq(end, "g");
	ck_assert_int_eq(strbuf_read_hex("123456789abcdef01", &got, &end), 0);
	ck_assert_uint_eq(got, 0x123456789abcdef0ULL);
	ck_assert_str_eq(end, "1");
	ck_assert_int_eq(strbuf_read_hex(" 1", &got, &end), -1);
	ck_assert_int_eq(strbuf_read_hex("", &got, &end), -1);
	ck_assert_uint_eq(got, 0);
	strbuf_release(&sb);
}
END_TEST

START_TEST(hash_fast_sees_every_byte_and_the_length)
{
	char a[64], b[64];
	size_t i, n;

	memset(a, 'x', sizeof a);
	/* every length across the 8-byte steps, every position in it */
	for (n = 1; n <= sizeof a; n++)
		for (i = 0; i < n; i++) {
			memcpy(b, a, sizeof b);
			b[i] = 'y';
			ck_assert_uint_ne(value_hash_fast(a, n, VALUE_HASH_SEED),
					  value_hash_fast(b, n, VALUE_HASH_SEED));
		}
	/* a trailing NUL is not nothing, and the seed chains */
	ck_assert_uint_ne(value_hash_fast("ab", 2, VALUE_HASH_SEED),
			  value_hash_fast("ab", 3, VALUE_HASH_SEED));
	ck_assert_uint_ne(value_hash_fast("", 0, 1), value_hash_fast("", 0, 2));
	ck_assert_uint_eq(value_hash_fast("same text", 9, 7), value_hash_fast("same text", 9, 7));
}
END_TEST

START_TEST(hash_of_tree_tells_text_and_structure_apart)
{
	struct value *m1 = value_new_map(), *m2 = value_new_map(), *l = value_new_list();

	value_map_set_str(m1, "ab", "c");
	value_map_set_str(m2, "a", "bc");
	ck_assert_uint_ne(value_hash(m1, VALUE_HASH_SEED), value_hash(m2, VALUE_HASH_SEED));
	value_list_push(l, value_new_cstr("ab"));
	value_list_push(l, value_new_cstr("c"));
	value_free(m2);
	m2 = value_new_list();
	value_list_push(m2, value_new_cstr("a"));
	value_list_push(m2, value_new_cstr("bc"));
	ck_assert_uint_ne(value_hash(l, VALUE_HASH_SEED), value_hash(m2, VALUE_HASH_SEED));
	value_free(m1);
	value_free(m2);
	value_free(l);
}
END_TEST

/* A shared summary, let go by many owners on two threads at once: freed
 * exactly once, by the last (ASan and valgrind see a double free or a
 * leak; the content is checked while owners remain). */
#define SHARES 2000

static void *let_go(void *arg)
{
	struct value *v = arg;
	int i;

	for (i = 0; i < SHARES / 2; i++)
		value_free(v);
	return NULL;
}

START_TEST(shared_value_is_freed_by_its_last_owner)
{
	struct value *v = value_new_map(), *list = value_new_list();
	pthread_t a, b;
	int i;

	value_map_set_str(v, "title", "Aisha");
	for (i = 0; i < SHARES; i++)
		ck_assert_ptr_eq(value_share(v), v);
	/* in two lists, as a page shows one story twice */
	value_list_push(list, value_share(v));
	value_list_push(list, value_share(v));
	value_free(list);
	ck_assert_str_eq(value_text(v, "title"), "Aisha");
	ck_assert_int_eq(pthread_create(&a, NULL, let_go, v), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, let_go, v), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ck_assert_str_eq(value_text(v, "title"), "Aisha");
	ck_assert_int_eq(atomic_load(&v->shares), 0);
	value_free(v); /* the first owner's: now it goes */
	/* a copy of a shared value is a value of its own */
	v = value_new_cstr("x");
	value_share(v);
	list = value_copy(v);
	ck_assert_int_eq(atomic_load(&list->shares), 0);
	value_free(list);
	value_free(v);
	value_free(v);
}
END_TEST

/* Sharing a node (whose hash is then kept) does not change a tree's hash:
 * the quick path compares a table of contents hashed while a page held it
 * shared with one hashed on its own. */
START_TEST(hash_is_the_same_shared_or_not)
{
	struct value *toc = value_new_list(), *entry = value_new_map(), *page = value_new_map();
	unsigned long long alone, in_page, again;

	value_map_set_str(entry, "id", "pay");
	value_map_set_num(entry, "level", 2);
	value_list_push(toc, entry);
	alone = value_hash(toc, VALUE_HASH_SEED);
	value_map_set(page, "toc", value_share(toc), NULL);
	in_page = value_hash(toc, VALUE_HASH_SEED);
	again = value_hash(toc, VALUE_HASH_SEED); /* from the kept hash */
	ck_assert_uint_eq(alone, in_page);
	ck_assert_uint_eq(alone, again);
	/* and the page's hash is what it would be with a copy in it */
	{
		struct value *copy = value_new_map();
		unsigned long long with_copy;

		value_map_set(copy, "toc", value_copy(toc), NULL);
		with_copy = value_hash(copy, 7);
		ck_assert_uint_eq(value_hash(page, 7), with_copy);
		value_free(copy);
	}
	value_free(page);
	value_free(toc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("value");
	TCase *tc = tcase_create("value");

	tcase_add_test(tc, map_keeps_insertion_order_and_replaces);
	tcase_add_test(tc, dotted_path_follows_maps);
	tcase_add_test(tc, copy_is_deep_and_keeps_positions);
	tcase_add_test(tc, block_is_the_same_tree_in_one_allocation);
	tcase_add_test(tc, truthiness_follows_mustache);
	tcase_add_test(tc, numbers_render_without_trailing_zeros);
	tcase_add_test(tc, numbers_read_as_printf_writes_them);
	tcase_add_test(tc, json_keeps_key_order_and_escapes_for_script);
	tcase_add_test(tc, json_strings_escape_quotes_controls_and_tags);
	tcase_add_test(tc, html_escapes_the_five_and_nothing_else);
	tcase_add_test(tc, addf_appends_short_and_long_text);
	tcase_add_test(tc, hex_reads_back_what_add_hex_writes);
	tcase_add_test(tc, hash_fast_sees_every_byte_and_the_length);
	tcase_add_test(tc, hash_of_tree_tells_text_and_structure_apart);
	tcase_add_test(tc, shared_value_is_freed_by_its_last_owner);
	tcase_add_test(tc, hash_is_the_same_shared_or_not);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
