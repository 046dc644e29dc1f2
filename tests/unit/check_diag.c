/* check_diag: recording, sorting, formatting and "did you mean". */
#include "test.h"

#include <string.h>

#include "diag.h"

/* Assert that entry i of `dl` formats as `want`. */
static void assert_diag(const struct diag_list *dl, size_t i, const char *want)
{
	char *s;

	ck_assert_uint_lt(i, dl->n);
	s = diag_format(&dl->items[i]);
	ck_assert_str_eq(s, want);
	free(s);
}

/* An error at file:line:col with message msg formats as `want`. */
static void error_formats_as(const char *file, int line, int col, const char *msg,
			     const char *want)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos p = { file, line, col };

	diag_error(&dl, &p, "%s", msg);
	assert_diag(&dl, 0, want);
	diag_list_release(&dl);
}

START_TEST(format_with_line_and_column)
{
	error_formats_as("content/a.md", 3, 7, "unknown field 'titel'",
			 "content/a.md:3:7: error: unknown field 'titel'");
}
END_TEST

START_TEST(format_with_line_only)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos p = { "content/a.md", 3, 0 };

	diag_warning(&dl, &p, "draft page '%s'", "a");
	assert_diag(&dl, 0, "content/a.md:3: warning: draft page 'a'");
	diag_list_release(&dl);
}
END_TEST

/* a message quoting what the author wrote stays one line: newlines and
 * control characters (a terminal's escapes) are shown escaped */
START_TEST(message_is_one_line)
{
	error_formats_as("site.yaml", 2, 8, "unknown theme 'plain\n- \x1b[31mred\tx\r'",
			 "site.yaml:2:8: error: unknown theme 'plain\\n- \\x1b[31mred\\tx\\r'");
}
END_TEST

/* pages of it keep their start and their end, whole characters */
START_TEST(long_message_keeps_start_and_end)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos p = { "a.yaml", 1, 1 };
	char value[2001];
	const char *m;

	memset(value, 'w', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	/* an é across the cut at byte 360 of the message ("unknown field '": 15) */
	memcpy(value + 344, "\xc3\xa9", 2);
	diag_error(&dl, &p, "unknown field '%s'; did you mean 'title'?", value);
	m = dl.items[0].msg;
	ck_assert_uint_le(strlen(m), 480);
	ck_assert(!strncmp(m, "unknown field 'www", 18));
	ck_assert_ptr_nonnull(strstr(m, "w ... w"));
	ck_assert_ptr_null(strstr(m, "\xc3 ..."));
	ck_assert_str_eq(m + strlen(m) - 25, "w'; did you mean 'title'?");
	diag_list_release(&dl);
}
END_TEST

START_TEST(format_without_line_or_column)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos p = { "site.yaml", 0, 0 };

	diag_error(&dl, &p, "empty file");
	/* a column without a line is meaningless and left out too */
	diag_add(&dl, DIAG_ERROR, "site.yaml", 0, 5, "no line");
	assert_diag(&dl, 0, "site.yaml: error: empty file");
	assert_diag(&dl, 1, "site.yaml: error: no line");
	diag_list_release(&dl);
}
END_TEST

START_TEST(format_without_file_names_the_program)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos nofile = { NULL, 4, 2 };

	diag_error(&dl, NULL, "no content directory");
	diag_warning(&dl, &nofile, "nothing to build");
	assert_diag(&dl, 0, "waymark: error: no content directory");
	assert_diag(&dl, 1, "waymark: warning: nothing to build");
	ck_assert_ptr_null(dl.items[0].file);
	diag_list_release(&dl);
}
END_TEST

/* diag_invalid_utf8 finds the first bad byte wherever it is, inside or
 * after a run of eight ASCII bytes (checked eight at a time): a NUL, a
 * stray byte, a truncated or overlong sequence, a surrogate, at every
 * offset of a 40-byte text, with UTF-8 before it or not. */
START_TEST(invalid_utf8_is_found_at_every_offset)
{
	static const char *const bad[] = { "\0", "\xff", "\x80", "\xc3(", "\xe2\x82",
					   "\xc0\xaf", "\xed\xa0\x80" };
	static const int badlen[] = { 1, 1, 1, 2, 2, 2, 3 };
	size_t b, off;
	int before;

	for (b = 0; b < sizeof bad / sizeof *bad; b++)
		for (before = 0; before < 2; before++)
			for (off = 0; off < 40; off++) {
				char text[64], want[96];
				struct diag_list dl = DIAG_LIST_INIT;
				size_t i, len = 0;
				int col = 1;

				if (before && off >= 2) {
					memcpy(text, "\xc3\xa9", 2); /* é: one column */
					len = 2;
				}
				for (i = len; i < off; i++)
					text[len++] = (char)('a' + i % 26);
				col = (int)off - (before && off >= 2 ? 1 : 0) + 1;
				memcpy(text + len, bad[b], (size_t)badlen[b]);
				len += (size_t)badlen[b];
				memcpy(text + len, "tail of the text", 16);
				len += 16;
				ck_assert_int_eq(diag_invalid_utf8(&dl, "t.md", text, len, 0), 1);
				snprintf(want, sizeof want,
					 "t.md:1:%d: error: invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
					 col, (unsigned char)bad[b][0]);
				assert_diag(&dl, 0, want);
				diag_list_release(&dl);
			}
}
END_TEST

START_TEST(valid_utf8_passes)
{
	struct diag_list dl = DIAG_LIST_INIT;
	const char *text = "Plain ASCII for more than eight bytes, then caf\xc3\xa9, "
			   "\xe2\x82\xac and \xf0\x9f\x99\x82, and ASCII again to the end.";

	ck_assert_int_eq(diag_invalid_utf8(&dl, "t.md", text, strlen(text), 0), 0);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_int_eq(diag_invalid_utf8(&dl, "t.md", "", 0, 0), 0);
	ck_assert_int_eq(diag_invalid_utf8(&dl, "t.md", "12345678", 8, 0), 0);
	ck_assert_uint_eq(dl.n, 0);
}
END_TEST

START_TEST(add_copies_file_and_message)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char file[] = "content/a.md", msg[] = "bad thing";

	diag_add(&dl, DIAG_WARNING, file, 1, 2, msg);
	file[0] = msg[0] = 'X';
	assert_diag(&dl, 0, "content/a.md:1:2: warning: bad thing");
	diag_list_release(&dl);
}
END_TEST

START_TEST(sort_by_file_then_line_then_column)
{
	struct diag_list dl = DIAG_LIST_INIT;

	diag_add(&dl, DIAG_ERROR, "b.md", 1, 1, "b1");
	diag_add(&dl, DIAG_ERROR, "a.md", 10, 1, "a10");
	diag_add(&dl, DIAG_ERROR, "a.md", 2, 9, "a2c9");
	diag_add(&dl, DIAG_ERROR, "a.md", 2, 3, "a2c3");
	diag_add(&dl, DIAG_ERROR, NULL, 0, 0, "global");
	diag_list_sort(&dl);
	ck_assert_str_eq(dl.items[0].msg, "global");
	ck_assert_str_eq(dl.items[1].msg, "a2c3");
	ck_assert_str_eq(dl.items[2].msg, "a2c9");
	ck_assert_str_eq(dl.items[3].msg, "a10");
	ck_assert_str_eq(dl.items[4].msg, "b1");
	diag_list_release(&dl);
}
END_TEST

START_TEST(sort_is_stable)
{
	struct diag_list dl = DIAG_LIST_INIT;

	diag_add(&dl, DIAG_ERROR, "a.md", 2, 1, "second");
	diag_add(&dl, DIAG_ERROR, "a.md", 1, 1, "first-x");
	diag_add(&dl, DIAG_WARNING, "a.md", 1, 1, "first-y");
	diag_add(&dl, DIAG_ERROR, "a.md", 1, 1, "first-z");
	diag_list_sort(&dl);
	ck_assert_str_eq(dl.items[0].msg, "first-x");
	ck_assert_str_eq(dl.items[1].msg, "first-y");
	ck_assert_str_eq(dl.items[2].msg, "first-z");
	ck_assert_str_eq(dl.items[3].msg, "second");
	diag_list_release(&dl);
}
END_TEST

START_TEST(counts_errors_warnings_and_io_errors)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos p = { "a.md", 1, 1 };

	diag_error(&dl, &p, "e1");
	diag_warning(&dl, &p, "w1");
	diag_io_error(&dl, &p, "cannot read '%s'", "a.md");
	diag_warning(&dl, NULL, "w2");
	ck_assert_uint_eq(dl.n, 4);
	ck_assert_uint_eq(dl.errors, 2);
	ck_assert_uint_eq(dl.warnings, 2);
	ck_assert_uint_eq(dl.io_errors, 1);
	assert_diag(&dl, 2, "a.md:1:1: error: cannot read 'a.md'");
	diag_list_release(&dl);
}
END_TEST

START_TEST(release_leaves_list_empty_and_reusable)
{
	struct diag_list dl;

	diag_list_init(&dl);
	diag_error(&dl, NULL, "one");
	diag_io_error(&dl, NULL, "two");
	diag_list_release(&dl);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_uint_eq(dl.errors, 0);
	ck_assert_uint_eq(dl.io_errors, 0);
	ck_assert_ptr_null(dl.items);
	diag_warning(&dl, NULL, "three");
	ck_assert_uint_eq(dl.warnings, 1);
	diag_list_release(&dl);
}
END_TEST

START_TEST(move_appends_entries_and_counts)
{
	struct diag_list to = DIAG_LIST_INIT, from = DIAG_LIST_INIT;

	diag_error(&to, NULL, "t1");
	diag_warning(&from, NULL, "f1");
	diag_io_error(&from, NULL, "f2");
	diag_list_move(&to, &from);
	ck_assert_uint_eq(to.n, 3);
	ck_assert_str_eq(to.items[0].msg, "t1");
	ck_assert_str_eq(to.items[1].msg, "f1");
	ck_assert_str_eq(to.items[2].msg, "f2");
	ck_assert_uint_eq(to.errors, 2);
	ck_assert_uint_eq(to.warnings, 1);
	ck_assert_uint_eq(to.io_errors, 1);
	ck_assert_uint_eq(from.n, 0);
	ck_assert_uint_eq(from.errors, 0);
	ck_assert_uint_eq(from.warnings, 0);
	ck_assert_uint_eq(from.io_errors, 0);
	diag_list_release(&from);
	diag_list_release(&to);
}
END_TEST

START_TEST(move_from_empty_list_is_harmless)
{
	struct diag_list to = DIAG_LIST_INIT, from = DIAG_LIST_INIT;

	diag_list_move(&to, &from);
	ck_assert_uint_eq(to.n, 0);
	diag_error(&from, NULL, "x");
	diag_list_move(&to, &from);
	ck_assert_uint_eq(to.n, 1);
	ck_assert_uint_eq(to.errors, 1);
	diag_list_release(&to);
	diag_list_release(&from);
}
END_TEST

START_TEST(print_writes_one_line_per_entry)
{
	struct diag_list dl = DIAG_LIST_INIT;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	diag_add(&dl, DIAG_ERROR, "a.md", 1, 2, "one");
	diag_add(&dl, DIAG_WARNING, NULL, 0, 0, "two");
	diag_list_print(&dl, f);
	fclose(f);
	ck_assert_str_eq(buf, "a.md:1:2: error: one\nwaymark: warning: two\n");
	free(buf);
	diag_list_release(&dl);
}
END_TEST

static const char *const fields[] = { "title", "definition", "summary", "tags", "date" };
#define NFIELDS (sizeof fields / sizeof *fields)

START_TEST(value_gives_each_entry_as_json_fields)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct pos at = { "content/a.md", 7, 5 }, line_only = { "site.yaml", 3, 0 };
	struct value *v;
	struct strbuf sb = STRBUF_INIT;

	diag_error(&dl, &at, "link to missing page '%s'", "b\"c.md");
	diag_warning(&dl, &line_only, "unknown field");
	diag_error(&dl, NULL, "out of room");
	v = diag_list_value(&dl);
	value_json(v, &sb);
	ck_assert_str_eq(sb.buf,
			 "[{\"file\":\"content/a.md\",\"line\":7,\"column\":5,\"severity\":\"error\","
			 "\"message\":\"link to missing page 'b\\\"c.md'\"},"
			 "{\"file\":\"site.yaml\",\"line\":3,\"column\":null,\"severity\":\"warning\","
			 "\"message\":\"unknown field\"},"
			 "{\"file\":null,\"line\":null,\"column\":null,\"severity\":\"error\","
			 "\"message\":\"out of room\"}]");
	strbuf_release(&sb);
	value_free(v);
	diag_list_release(&dl);
}
END_TEST

START_TEST(suggest_finds_near_typo)
{
	ck_assert_str_eq(diag_suggest("defintion", fields, NFIELDS), "definition");
	ck_assert_str_eq(diag_suggest("tittle", fields, NFIELDS), "title");
	ck_assert_str_eq(diag_suggest("summray", fields, NFIELDS), "summary");
	ck_assert_str_eq(diag_suggest("tag", fields, NFIELDS), "tags");
}
END_TEST

START_TEST(suggest_counts_swapped_letters_as_one_edit)
{
	/* one edit allowed for a five-letter word: a swap must fit in it */
	ck_assert_str_eq(diag_suggest("titel", fields, NFIELDS), "title");
	ck_assert_str_eq(diag_suggest("dtae", fields, NFIELDS), "date");
}
END_TEST

START_TEST(suggest_ignores_far_words)
{
	ck_assert_ptr_null(diag_suggest("author", fields, NFIELDS));
	ck_assert_ptr_null(diag_suggest("xyz", fields, NFIELDS));
	ck_assert_ptr_null(diag_suggest("completely-different", fields, NFIELDS));
}
END_TEST

START_TEST(suggest_never_offers_exact_match)
{
	ck_assert_ptr_null(diag_suggest("title", fields, NFIELDS));
}
END_TEST

START_TEST(suggest_picks_closest_candidate)
{
	static const char *const c[] = { "summaries", "summary" };

	ck_assert_str_eq(diag_suggest("sumary", c, 2), "summary");
	ck_assert_ptr_null(diag_suggest("sumary", c, 0));
}
END_TEST

/* A 12-letter word may be 4 edits off (a third of it), not 5: the
 * comparison that stops early must still see an edit at the very end. */
START_TEST(suggest_allows_up_to_the_limit_and_no_further)
{
	static const char *const four[] = { "xbcdxfghxjkx", "abcdefghijklmnopq" };
	static const char *const five[] = { "xbcdxfghxjxx", "abcdefghijklmnopq" };
	static const char *const longer[] = { "abcdefghijklm", "abcdefghijklmnopq" };

	ck_assert_str_eq(diag_suggest("abcdefghijkl", four, 2), "xbcdxfghxjkx");
	ck_assert_ptr_null(diag_suggest("abcdefghijkl", five, 2));
	/* one letter longer is one edit; five letters longer is too far */
	ck_assert_str_eq(diag_suggest("abcdefghijkl", longer, 2), "abcdefghijklm");
	ck_assert_ptr_null(diag_suggest("abcdefghijkl", longer + 1, 1));
	/* four letters shorter: four edits, the most there may be */
	ck_assert_str_eq(diag_suggest("abcdefghijkl", (const char *const[]){ "abcdefgh" }, 1), "abcdefgh");
	/* an edit in the last letters after a long equal start */
	ck_assert_str_eq(diag_suggest("stories/ana-lopez.md", (const char *const[]){ "stories/ana-lopes.md" }, 1),
			 "stories/ana-lopes.md");
}
END_TEST

/* The whole table of edits (optimal string alignment), for the test
 * below to hold the limited one to. */
static size_t full_distance(const char *a, const char *b)
{
	size_t m[20][20], la = strlen(a), lb = strlen(b), i, j;

	for (i = 0; i <= la; i++)
		m[i][0] = i;
	for (j = 0; j <= lb; j++)
		m[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = m[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (m[i - 1][j] + 1 < best)
				best = m[i - 1][j] + 1;
			if (m[i][j - 1] + 1 < best)
				best = m[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    m[i - 2][j - 2] + 1 < best)
				best = m[i - 2][j - 2] + 1;
			m[i][j] = best;
		}
	return m[la][lb];
}

/* Words of up to 15 of the letters a, b and c, near one another: the
 * suggestion, which works out only the cells near the table's diagonal,
 * is a word the whole table puts within the limit, and one comes whenever
 * the table has one. */
START_TEST(suggest_agrees_with_the_whole_table)
{
	unsigned seed = 12345;
	int t;

	for (t = 0; t < 20000; t++) {
		char word[16], cand[16];
		const char *c[1] = { cand };
		size_t lw, lc, i, d, limit;
		const char *got;

		seed = seed * 1103515245u + 12345u;
		lw = 1 + (seed >> 16) % 15;
		seed = seed * 1103515245u + 12345u;
		lc = lw + (seed >> 16) % 7 > 3 ? lw + (seed >> 16) % 7 - 3 : 1;
		if (lc > 15)
			lc = 15;
		for (i = 0; i < lw; i++) {
			seed = seed * 1103515245u + 12345u;
			word[i] = (char)('a' + (seed >> 16) % 3);
		}
		word[lw] = '\0';
		for (i = 0; i < lc; i++) {
			seed = seed * 1103515245u + 12345u;
			cand[i] = i < lw && (seed >> 16) % 3 ? word[i] : (char)('a' + (seed >> 20) % 3);
		}
		cand[lc] = '\0';
		limit = lw / 3 < 1 ? 1 : lw / 3 > 4 ? 4 : lw / 3;
		d = full_distance(word, cand);
		got = diag_suggest(word, c, 1);
		if (d && d <= limit)
			ck_assert_msg(got == cand, "'%s' and '%s' are %zu apart (limit %zu): no suggestion",
				      word, cand, d, limit);
		else
			ck_assert_msg(got == NULL, "'%s' and '%s' are %zu apart (limit %zu): suggested",
				      word, cand, d, limit);
	}
}
END_TEST

START_TEST(saved_diagnostics_load_back_the_same)
{
	struct diag_list a = DIAG_LIST_INIT, b = DIAG_LIST_INIT;
	struct strbuf text = STRBUF_INIT;
	struct pos p = { "content/x.md", 3, 7 };
	char *s;

	diag_warning(&a, &p, "label '%s' is shortened", "a\tb");
	diag_warning(&a, NULL, "no file");
	diag_error(&a, &p, "an error is not saved with warnings");
	diag_list_save(&a, DIAG_WARNING, &text);
	diag_list_load(&b, DIAG_WARNING, text.buf);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_uint_eq(b.warnings, 2);
	s = diag_format(&b.items[1]);
	ck_assert_str_eq(s, "waymark: warning: no file");
	free(s);
	ck_assert_str_eq(b.items[0].file, "content/x.md");
	ck_assert_int_eq(b.items[0].line, 3);
	ck_assert_int_eq(b.items[0].col, 7);
	diag_list_load(&b, DIAG_WARNING, NULL);
	ck_assert_uint_eq(b.n, 2);
	strbuf_release(&text);
	diag_list_release(&a);
	diag_list_release(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");

	tcase_add_test(tc, format_with_line_and_column);
	tcase_add_test(tc, format_with_line_only);
	tcase_add_test(tc, format_without_line_or_column);
	tcase_add_test(tc, message_is_one_line);
	tcase_add_test(tc, long_message_keeps_start_and_end);
	tcase_add_test(tc, format_without_file_names_the_program);
	tcase_add_test(tc, invalid_utf8_is_found_at_every_offset);
	tcase_add_test(tc, valid_utf8_passes);
	tcase_add_test(tc, add_copies_file_and_message);
	tcase_add_test(tc, sort_by_file_then_line_then_column);
	tcase_add_test(tc, sort_is_stable);
	tcase_add_test(tc, counts_errors_warnings_and_io_errors);
	tcase_add_test(tc, release_leaves_list_empty_and_reusable);
	tcase_add_test(tc, move_appends_entries_and_counts);
	tcase_add_test(tc, move_from_empty_list_is_harmless);
	tcase_add_test(tc, print_writes_one_line_per_entry);
	tcase_add_test(tc, value_gives_each_entry_as_json_fields);
	tcase_add_test(tc, suggest_finds_near_typo);
	tcase_add_test(tc, suggest_allows_up_to_the_limit_and_no_further);
	tcase_add_test(tc, suggest_counts_swapped_letters_as_one_edit);
	tcase_add_test(tc, suggest_ignores_far_words);
	tcase_add_test(tc, suggest_never_offers_exact_match);
	tcase_add_test(tc, suggest_agrees_with_the_whole_table);
	tcase_add_test(tc, suggest_picks_closest_candidate);
	tcase_add_test(tc, saved_diagnostics_load_back_the_same);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
