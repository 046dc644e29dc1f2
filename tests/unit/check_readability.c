/* check_readability: syllables, sentences, reading grade and the warning. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "readability.h"

static void measure(struct readability *r, const char *text)
{
	readability_measure(r, text, strlen(text));
}

static unsigned syllables(const char *word)
{
	return readability_syllables(word, strlen(word));
}

/* ---- syllables ------------------------------------------------------- */

/* Counts as a dictionary gives them (Merriam-Webster's hyphenation), for
 * words with one unambiguous count; each exercises one rule. */
static const struct {
	const char *word;
	unsigned want;
} dictionary[] = {
	{ "the", 1 },             /* a lone silent-looking e still makes one */
	{ "make", 1 },            /* silent final e */
	{ "free", 1 },            /* ee is one group */
	{ "through", 1 },         /* ou, gh */
	{ "strength", 1 },
	{ "badge", 1 },
	{ "eye", 1 },             /* y between vowels is a consonant */
	{ "queue", 1 },
	{ "league", 1 },          /* -gue after a vowel is silent */
	{ "walked", 1 },          /* -ed silent */
	{ "played", 1 },
	{ "called", 1 },          /* -lled is silent */
	{ "makes", 1 },           /* -es silent */
	{ "roles", 1 },
	{ "table", 2 },           /* consonant + le */
	{ "centre", 2 },          /* consonant + re */
	{ "people", 2 },
	{ "water", 2 },
	{ "wanted", 2 },          /* -ed after t */
	{ "handled", 2 },         /* consonant + led */
	{ "hundred", 2 },         /* consonant + red */
	{ "boxes", 2 },           /* -es after x */
	{ "pages", 2 },           /* -es after g */
	{ "wishes", 2 },          /* -es after sh */
	{ "going", 2 },           /* -ing after a vowel */
	{ "being", 2 },
	{ "trying", 2 },
	{ "player", 2 },          /* y after a vowel, before one */
	{ "quiet", 2 },           /* i-e before t */
	{ "science", 2 },
	{ "patient", 2 },         /* -tient is one */
	{ "social", 2 },          /* -cial is one */
	{ "nation", 2 },          /* -tion is one */
	{ "safety", 2 },          /* silent e before -ty */
	{ "movement", 2 },        /* silent e before -ment */
	{ "useful", 2 },          /* silent e before -ful */
	{ "technique", 2 },       /* -que silent */
	{ "couldn't", 2 },        /* n't after a consonant */
	{ "don't", 1 },
	{ "business", 2 },        /* exception */
	{ "employer", 3 },
	{ "family", 3 },          /* y as a vowel */
	{ "library", 3 },
	{ "area", 3 },            /* final ea is two */
	{ "idea", 3 },
	{ "media", 3 },           /* i-a */
	{ "radio", 3 },           /* i-o */
	{ "actual", 3 },          /* u-a */
	{ "studying", 3 },
	{ "completely", 3 },
	{ "beautiful", 3 },
	{ "caf\xc3\xa9", 2 },     /* an accented vowel is never silent */
	{ "apprenticeship", 4 },  /* silent e before -ship */
	{ "information", 4 },
	{ "experience", 4 },
	{ "available", 4 },
	{ "biology", 4 },
	{ "situation", 4 },
	{ "associate", 4 },       /* -ciate splits, unlike -cial */
	{ "criticism", 4 },       /* -ism */
	{ "organisation", 5 },
	{ "vocabulary", 5 },
	{ "responsibility", 6 },
};

START_TEST(syllables_match_dictionary_counts)
{
	size_t i;

	for (i = 0; i < sizeof dictionary / sizeof *dictionary; i++)
		ck_assert_msg(syllables(dictionary[i].word) == dictionary[i].want,
			      "'%s': got %u syllables, want %u", dictionary[i].word,
			      syllables(dictionary[i].word), dictionary[i].want);
}
END_TEST

START_TEST(syllables_ignore_case)
{
	ck_assert_uint_eq(syllables("Employer"), 3);
	ck_assert_uint_eq(syllables("TABLE"), 2);
}
END_TEST

START_TEST(syllables_of_a_number_are_one)
{
	ck_assert_uint_eq(syllables("7"), 1);
	ck_assert_uint_eq(syllables("3.5"), 1);
	ck_assert_uint_eq(syllables("2024"), 1);
	ck_assert_uint_eq(syllables("1,250"), 1);
}
END_TEST

START_TEST(syllables_spell_out_acronyms_without_vowels)
{
	ck_assert_uint_eq(syllables("NHS"), 3);
	ck_assert_uint_eq(syllables("PDF"), 3);
	ck_assert_uint_eq(syllables("HTML"), 4);
	ck_assert_uint_eq(syllables("NASA"), 2); /* has vowels: read as a word */
}
END_TEST

START_TEST(syllables_of_a_very_long_word_are_estimated)
{
	char w[201];

	memset(w, 'b', 200);
	w[200] = '\0';
	ck_assert_uint_ge(syllables(w), 1); /* no overflow, a count */
}
END_TEST

/* ---- words and sentences --------------------------------------------- */

START_TEST(words_are_runs_of_letters_and_digits)
{
	struct readability r;

	/* don't | stop | well | known | 3.5 | 1,250 | caf\xc3\xa9 */
	measure(&r, "don't stop well-known 3.5 1,250 (caf\xc3\xa9)");
	ck_assert_uint_eq(r.words, 7);
	ck_assert_uint_eq(r.sentences, 1);
	/* curly apostrophe too */
	measure(&r, "don\xe2\x80\x99t stop");
	ck_assert_uint_eq(r.words, 2);
	ck_assert_uint_eq(r.syllables, 2);
}
END_TEST

START_TEST(links_and_email_addresses_are_not_words)
{
	struct readability r;

	measure(&r, "See https://example.org/a-long-page or write to hr@example.org today.");
	ck_assert_uint_eq(r.words, 5); /* See or write to today */
	ck_assert_uint_eq(r.syllables, 6);
	ck_assert_uint_eq(r.sentences, 1);
	/* a link at the end of a sentence still ends it */
	measure(&r, "Go to https://example.org. Then sign in.");
	ck_assert_uint_eq(r.sentences, 2);
}
END_TEST

START_TEST(sentences_end_at_final_punctuation)
{
	struct readability r;

	measure(&r, "What? Yes! Fine. Done");
	ck_assert_uint_eq(r.sentences, 4);
	ck_assert_uint_eq(r.words, 4);
	/* punctuation inside a token ends nothing */
	measure(&r, "Press OK.Then wait?no");
	ck_assert_uint_eq(r.sentences, 1);
}
END_TEST

START_TEST(abbreviations_do_not_end_sentences)
{
	struct readability r;

	measure(&r, "Ask Dr. Patel, e.g. by phone, i.e. not by post. "
		    "Mrs. Lee runs the U.S. office. Use form No. 5 vs. form 6.");
	ck_assert_uint_eq(r.sentences, 3);
	/* "e.g" and "U.S" are one word each */
	measure(&r, "e.g. U.S. Dr.");
	ck_assert_uint_eq(r.words, 3);
	ck_assert_uint_eq(r.sentences, 1);
	/* a word that is not in the list ends the sentence */
	measure(&r, "Say no. Then go.");
	ck_assert_uint_eq(r.sentences, 2);
}
END_TEST

START_TEST(decimals_do_not_end_sentences)
{
	struct readability r;

	measure(&r, "The rate is 3.5 per cent. It was 2.75 last year and 0.5 before.");
	ck_assert_uint_eq(r.sentences, 2);
	ck_assert_uint_eq(r.words, 14);
	/* a number at the end still ends its sentence */
	measure(&r, "Pay is 9.50. Hours are 37.5.");
	ck_assert_uint_eq(r.sentences, 2);
}
END_TEST

START_TEST(ellipsis_ends_a_sentence)
{
	struct readability r;

	measure(&r, "Wait\xe2\x80\xa6 then go. Stop... now");
	ck_assert_uint_eq(r.sentences, 4);
	/* inside a token it does not */
	measure(&r, "wait\xe2\x80\xa6go");
	ck_assert_uint_eq(r.sentences, 1);
	ck_assert_uint_eq(r.words, 2);
}
END_TEST

START_TEST(closing_quotes_and_brackets_may_follow_the_stop)
{
	struct readability r;

	measure(&r, "He said \"stop.\" Then (he left.) She said \xe2\x80\x9cno!\xe2\x80\x9d Fine.");
	ck_assert_uint_eq(r.sentences, 4);
}
END_TEST

START_TEST(blocks_end_sentences)
{
	struct readability r;

	/* heading, paragraph of two sentences, a list, a link-only block and
	 * a paragraph with a link and an address: 7 sentences */
	measure(&r, "Your first day\n\n"
		    "Arrive at 8.30 at the main gate. Dr. Patel will meet you there.\n\n"
		    "Bring:\n\n"
		    "safety boots\n\n"
		    "a packed lunch\n\n"
		    "https://example.org/start\n\n"
		    "See https://example.org/start or e-mail hr@example.org for help.");
	ck_assert_uint_eq(r.sentences, 7);
	/* 3 + 7 + 6 + 1 + 2 + 3 + 0 + 6 (e-mail is two) */
	ck_assert_uint_eq(r.words, 28);
}
END_TEST

START_TEST(only_a_blank_line_ends_a_block)
{
	struct readability r;

	measure(&r, "one line\nand the next");
	ck_assert_uint_eq(r.sentences, 1);
	measure(&r, "one block\n  \t\nand the next");
	ck_assert_uint_eq(r.sentences, 2);
	measure(&r, "one block\r\n\r\nand the next");
	ck_assert_uint_eq(r.sentences, 2);
}
END_TEST

START_TEST(longest_sentence_points_into_the_text)
{
	static const char text[] = "Short one. This one is the longest of them.\n\nA tie here too ok.";
	struct readability r;

	measure(&r, text);
	ck_assert_uint_eq(r.longest_words, 7);
	ck_assert_ptr_eq(r.longest, text + 11);
	ck_assert_uint_eq(r.longest_len, strlen("This one is the longest of them."));
	/* a block without a stop ends at its last token */
	measure(&r, "Go.\n\nthe longest block has no stop\n\nEnd.");
	ck_assert_int_eq(memcmp(r.longest, "the longest block has no stop", r.longest_len), 0);
	ck_assert_uint_eq(r.longest_len, strlen("the longest block has no stop"));
}
END_TEST

START_TEST(empty_text_has_no_sentences)
{
	struct readability r;

	readability_measure(&r, "", 0);
	ck_assert_uint_eq(r.sentences, 0);
	ck_assert_uint_eq(r.words, 0);
	ck_assert_int_eq(r.graded, 0);
	ck_assert_ptr_null(r.longest);
	measure(&r, " \n\n -- * \n\n https://example.org ");
	ck_assert_uint_eq(r.sentences, 0);
	ck_assert_ptr_null(r.longest);
}
END_TEST

/* readability_words counts what readability_measure counts, skipping the
 * syllables and sentences. */
START_TEST(words_alone_are_the_measured_words)
{
	static const char *const texts[] = {
		"",
		"Don't stop. We can't, won\xe2\x80\x99t!\n\nA block without a stop",
		"It cost 3.5 million, or 1,250 each (e.g. in the U.S. at 9.30).",
		"Mail a@b.org or see https://example.org/x -- then go - now.",
		"caf\xc3\xa9 \xe2\x80\x94 na\xc3\xafve \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 x\xc3\x97y",
		"\xff\xfe broken \xc3 bytes",
	};
	size_t i;

	for (i = 0; i < sizeof texts / sizeof *texts; i++) {
		struct readability r;

		readability_measure(&r, texts[i], strlen(texts[i]));
		ck_assert_uint_eq(readability_words(texts[i], strlen(texts[i])), r.words);
	}
	ck_assert_uint_eq(readability_words(texts[2], strlen(texts[2])), 13);
	ck_assert_uint_eq(readability_words(NULL, 0), 0);
}
END_TEST

/* ---- the grade ------------------------------------------------------- */

/*
 * By hand, syllables from the dictionary:
 *   The course starts on Mon-day.                     5 words,  6 syllables
 *   You will work with a train-er for two weeks.      9 words, 10
 *   Af-ter that, you can ap-ply for a job at the plant. 11 words, 13
 *   Bring your badge and a pen.                       6 words,  6
 *   Lunch is free for all new staff.                  7 words,  7
 * 38 words, 5 sentences, 42 syllables:
 *   grade = 0.39 * 38/5 + 11.8 * 42/38 - 15.59
 *         = 0.39 * 7.6 + 11.8 * 1.10526 - 15.59 = 2.964 + 13.042 - 15.59 = 0.42
 *   ease  = 206.835 - 1.015 * 7.6 - 84.6 * 1.10526
 *         = 206.835 - 7.714 - 93.505 = 105.62
 */
static const char plain[] =
	"The course starts on Monday. You will work with a trainer for two weeks. "
	"After that, you can apply for a job at the plant. Bring your badge and a pen. "
	"Lunch is free for all new staff.";

/*
 * Or-gan-i-sa-tions(5) con-sid-er-ing(4) the(1) im-ple-men-ta-tion(5) of(1)
 * com-pre-hen-sive(4) oc-cu-pa-tion-al(5) health(1) pro-grammes(2)
 * should(1) e-val-u-ate(4) the(1) ad-min-is-tra-tive(5) re-quire-ments(3)
 * the(1) an-tic-i-pat-ed(5) fi-nan-cial(3) con-se-quen-ces(4) and(1)
 * the(1) po-ten-tial(3) op-er-a-tion-al(5) dis-rup-tion(3)
 * as-so-ci-at-ed(5) with(1) in-tro-duc-ing(4) ad-di-tion-al(4)
 * pro-ce-dures(3).                                28 words, 85 syllables
 * Con-sul-ta-tion(4) with(1) rep-re-sen-ta-tives(5) of(1) af-fect-ed(3)
 * em-ploy-ees(3) is(1) gen-er-al-ly(4) con-sid-ered(3) es-sen-tial(3).
 *                                                 10 words, 28 syllables
 * 38 words, 2 sentences, 113 syllables:
 *   grade = 0.39 * 19 + 11.8 * 113/38 - 15.59
 *         = 7.41 + 11.8 * 2.97368 - 15.59 = 7.41 + 35.089 - 15.59 = 26.91
 *   ease  = 206.835 - 1.015 * 19 - 84.6 * 2.97368
 *         = 206.835 - 19.285 - 251.574 = -64.02
 */
static const char dense[] =
	"Organisations considering the implementation of comprehensive occupational "
	"health programmes should evaluate the administrative requirements, the "
	"anticipated financial consequences and the potential operational disruption "
	"associated with introducing additional procedures. Consultation with "
	"representatives of affected employees is generally considered essential.";

START_TEST(grade_of_plain_passage_matches_hand_count)
{
	struct readability r;

	measure(&r, plain);
	ck_assert_int_eq(r.graded, 1);
	ck_assert_uint_eq(r.sentences, 5);
	ck_assert_uint_eq(r.words, 38);
	ck_assert_double_eq_tol(r.grade, 0.42, 0.5);
	ck_assert_double_eq_tol(r.ease, 105.62, 3.0);
}
END_TEST

START_TEST(grade_of_dense_passage_matches_hand_count)
{
	struct readability r;

	measure(&r, dense);
	ck_assert_int_eq(r.graded, 1);
	ck_assert_uint_eq(r.sentences, 2);
	ck_assert_uint_eq(r.words, 38);
	ck_assert_double_eq_tol(r.grade, 26.91, 0.5);
	ck_assert_double_eq_tol(r.ease, -64.02, 3.0);
	ck_assert_uint_eq(r.longest_words, 28);
}
END_TEST

START_TEST(short_text_gets_no_grade)
{
	struct readability r;

	/* a page that is a list of links */
	measure(&r, "Home\n\nAbout us\n\nhttps://example.org/jobs\n\nContact\n\nJobs and training");
	ck_assert_int_eq(r.graded, 0);
	ck_assert_double_eq(r.grade, 0.0);
	ck_assert_uint_eq(r.words, 7);
	/* 29 words: no grade; 30: a grade */
	measure(&r, "one two three four five six seven eight nine ten one two three four five "
		    "six seven eight nine ten one two three four five six seven eight nine.");
	ck_assert_uint_eq(r.words, READABILITY_MIN_WORDS - 1);
	ck_assert_int_eq(r.graded, 0);
	measure(&r, "one two three four five six seven eight nine ten one two three four five "
		    "six seven eight nine ten one two three four five six seven eight nine ten.");
	ck_assert_uint_eq(r.words, READABILITY_MIN_WORDS);
	ck_assert_int_eq(r.graded, 1);
}
END_TEST

/* ---- the warning ----------------------------------------------------- */

/* A graded result whose longest sentence is `s`. */
static struct readability graded(double grade, const char *s)
{
	struct readability r;

	memset(&r, 0, sizeof r);
	r.graded = 1;
	r.grade = grade;
	r.longest = s;
	r.longest_len = strlen(s);
	return r;
}

static void assert_warning(const struct readability *r, double max, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "x: ");
	ck_assert_int_eq(readability_warning(&sb, r, max), 1);
	ck_assert_str_eq(sb.buf + 3, want);
	strbuf_release(&sb);
}

START_TEST(warning_has_the_exact_format)
{
	struct readability r = graded(11.23, "Short one.");

	assert_warning(&r, 8, "reading grade 11.2 is above 8 (longest sentence: \"Short one.\")");
	assert_warning(&r, 8.5, "reading grade 11.2 is above 8.5 (longest sentence: \"Short one.\")");
}
END_TEST

START_TEST(warning_only_when_the_shown_grade_is_above)
{
	struct strbuf sb = STRBUF_INIT;
	struct readability r = graded(8.04, "x.");

	ck_assert_int_eq(readability_warning(&sb, &r, 8), 0); /* shows as 8.0 */
	r.grade = 7.5;
	ck_assert_int_eq(readability_warning(&sb, &r, 8), 0);
	r.grade = 8.09;
	ck_assert_int_eq(readability_warning(&sb, &r, 8), 1);
	ck_assert_str_eq(sb.buf, "reading grade 8.1 is above 8 (longest sentence: \"x.\")");
	strbuf_reset(&sb);
	r.grade = 15;
	r.graded = 0; /* too short to judge */
	ck_assert_int_eq(readability_warning(&sb, &r, 8), 0);
	ck_assert_uint_eq(sb.len, 0);
	strbuf_release(&sb);
}
END_TEST

START_TEST(warning_collapses_whitespace)
{
	struct readability r = graded(12, "A  long\n\tline\xc2\xa0here .");

	assert_warning(&r, 8, "reading grade 12.0 is above 8 (longest sentence: \"A long line here .\")");
}
END_TEST

START_TEST(warning_cuts_long_sentence_at_a_word)
{
	/* twelve 8-letter words: 107 characters; 79 would end inside the
	 * 9th word, so the cut falls after the 8th (71 characters) */
	struct readability r = graded(12, "abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh "
					  "abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh");

	assert_warning(&r, 8, "reading grade 12.0 is above 8 (longest sentence: \""
			      "abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh abcdefgh "
			      "abcdefgh abcdefgh\xe2\x80\xa6\")");
}
END_TEST

START_TEST(warning_cuts_on_a_utf8_boundary)
{
	/* "a" then 100 two-byte "é" and no space: a cut at 80 bytes would
	 * split an "é"; the cut is at 79 characters (80 with the "…") */
	char s[1 + 200 + 1], want[256];
	struct readability r;
	size_t i;

	s[0] = 'a';
	for (i = 0; i < 100; i++)
		memcpy(s + 1 + 2 * i, "\xc3\xa9", 2);
	s[201] = '\0';
	r = graded(9.96, s);
	strcpy(want, "reading grade 10.0 is above 8 (longest sentence: \"a");
	for (i = 0; i < 78; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "\xe2\x80\xa6\")");
	assert_warning(&r, 8, want);
}
END_TEST

START_TEST(warning_keeps_a_sentence_of_exactly_the_limit)
{
	char s[READABILITY_EXCERPT_CHARS + 1], want[256];
	struct readability r;

	memset(s, 'x', READABILITY_EXCERPT_CHARS);
	s[READABILITY_EXCERPT_CHARS] = '\0';
	r = graded(9, s);
	snprintf(want, sizeof want, "reading grade 9.0 is above 8 (longest sentence: \"%s\")", s);
	assert_warning(&r, 8, want);
}
END_TEST

START_TEST(warning_from_a_measured_page)
{
	struct readability r;

	measure(&r, dense);
	/* the 28-word sentence cut after "occupational" (75 characters) */
	assert_warning(&r, 8, "reading grade 26.9 is above 8 (longest sentence: \"Organisations "
			      "considering the implementation of comprehensive "
			      "occupational\xe2\x80\xa6\")");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("readability");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, syllables_match_dictionary_counts);
	tcase_add_test(tc, syllables_ignore_case);
	tcase_add_test(tc, syllables_of_a_number_are_one);
	tcase_add_test(tc, syllables_spell_out_acronyms_without_vowels);
	tcase_add_test(tc, syllables_of_a_very_long_word_are_estimated);
	tcase_add_test(tc, words_are_runs_of_letters_and_digits);
	tcase_add_test(tc, links_and_email_addresses_are_not_words);
	tcase_add_test(tc, sentences_end_at_final_punctuation);
	tcase_add_test(tc, abbreviations_do_not_end_sentences);
	tcase_add_test(tc, decimals_do_not_end_sentences);
	tcase_add_test(tc, ellipsis_ends_a_sentence);
	tcase_add_test(tc, closing_quotes_and_brackets_may_follow_the_stop);
	tcase_add_test(tc, blocks_end_sentences);
	tcase_add_test(tc, only_a_blank_line_ends_a_block);
	tcase_add_test(tc, longest_sentence_points_into_the_text);
	tcase_add_test(tc, empty_text_has_no_sentences);
	tcase_add_test(tc, grade_of_plain_passage_matches_hand_count);
	tcase_add_test(tc, grade_of_dense_passage_matches_hand_count);
	tcase_add_test(tc, short_text_gets_no_grade);
	tcase_add_test(tc, warning_has_the_exact_format);
	tcase_add_test(tc, warning_only_when_the_shown_grade_is_above);
	tcase_add_test(tc, warning_collapses_whitespace);
	tcase_add_test(tc, warning_cuts_long_sentence_at_a_word);
	tcase_add_test(tc, warning_cuts_on_a_utf8_boundary);
	tcase_add_test(tc, warning_keeps_a_sentence_of_exactly_the_limit);
	tcase_add_test(tc, warning_from_a_measured_page);
	tcase_add_test(tc, words_alone_are_the_measured_words);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
