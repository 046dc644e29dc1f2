/* readability: reading grade of a page's plain text, and the warning when it is too high. */
#ifndef WAYMARK_READABILITY_H
#define WAYMARK_READABILITY_H

#include <stddef.h>

#include "strbuf.h"

/*
 * The input is the plain text of one page, UTF-8, in which blocks are
 * separated by blank lines: every heading, paragraph, list item and table
 * cell is its own block, and the end of a block ends a sentence even
 * without a full stop. A single newline inside a block is just a space.
 *
 * What counts:
 *
 *  - A word is a run of letters and digits. An apostrophe (' or U+2019)
 *    between letters stays inside the word ("don't" is one word); a '.'
 *    between letters or digits does too ("3.5", "e.g", "U.S"), and so
 *    does a ',' between digits ("1,250"). A hyphen separates words.
 *  - Whitespace-separated tokens holding "://" or "@" (links, e-mail
 *    addresses) are not words, and add no syllables.
 *  - A sentence ends at '.', '!', '?', "..." or U+2026 at the end of a
 *    token (closing quotes and brackets after it are allowed), and at the
 *    end of a block. A '.' inside a token ("3.5", "example.org") ends
 *    nothing, nor does the '.' of an abbreviation in a small list
 *    ("e.g.", "i.e.", "Dr.", "Mr.", "U.S." and a few more). A sentence
 *    with no words (a block holding only a link) is not counted.
 *  - A number is one word of one syllable, whatever its length. Plain
 *    language guides ask for digits rather than number words, and a
 *    reader takes in "2024" or "1,250" at a glance; counting the
 *    syllables of the spoken form would push writers the wrong way.
 *  - Syllables of other words come from an English heuristic (see
 *    readability_syllables); every word has at least one.
 *
 * The scan is one pass over the text and allocates nothing.
 */

/* Below this many words a page gets no grade: a page that is mostly a
 * list of links or a short form has too few sentences to judge. */
#define READABILITY_MIN_WORDS 30

/* The longest sentence in a warning is cut to this many characters
 * (code points), "…" included. */
#define READABILITY_EXCERPT_CHARS 80

struct readability {
	size_t sentences, words, syllables;
	/* 1 when words >= READABILITY_MIN_WORDS; otherwise grade and ease
	 * are 0 and mean nothing. */
	int graded;
	/* Flesch-Kincaid grade level:
	 *   0.39 * words/sentences + 11.8 * syllables/words - 15.59 */
	double grade;
	/* Flesch reading ease (higher is easier, 60-70 is plain English):
	 *   206.835 - 1.015 * words/sentences - 84.6 * syllables/words */
	double ease;
	/* The sentence with the most words (the first of equals), from its
	 * first token to its last, as a pointer into the caller's text (not
	 * NUL-terminated; valid as long as the text is). NULL and 0 when the
	 * text has no words. */
	const char *longest;
	size_t longest_len;
	size_t longest_words;
};

/*
 * Measure text[0..len) into *r (every field is set). Never fails; an
 * empty text gives zero counts and graded 0.
 */
void readability_measure(struct readability *r, const char *text, size_t len);

/* The words of text[0..len), counted as readability_measure counts them. */
size_t readability_words(const char *text, size_t len);

/*
 * Syllables in one word, word[0..len) (letters, digits, inner
 * apostrophes and dots, as readability_measure cuts them), at least 1.
 * The heuristic: count vowel groups (y is a vowel except before a vowel
 * at the start of a word or after a vowel: "yes", "player"); then a
 * final e is silent ("make") except after a consonant and l or r
 * ("table", "centre"); -ed is silent except after t or d ("walked",
 * "wanted"), -es except after a hissing sound ("makes", "boxes"); a
 * silent e before -ly, -ment, -ness, -ful, -less, -ship, -ty stays
 * silent ("completely"); some vowel pairs are two syllables ("ia" in
 * "media" but not "social", "io" in "radio" but not "nation", "ua",
 * "iu", "uo", "ie" in "quiet", "-ing" after a vowel in "going");
 * -ism, -asm and -n't after a consonant add one ("couldn't"); a word
 * in capitals with no vowel is spelled out ("NHS" is 3); a number
 * is 1; and a short table of exceptions ("business", "maybe") wins
 * over all of it. Words longer than 64 letters are estimated.
 */
unsigned readability_syllables(const char *word, size_t len);

/*
 * When r is graded and its grade, rounded to one decimal, is above
 * max_grade, append to `out`
 *
 *   reading grade 11.2 is above 8 (longest sentence: "…")
 *
 * and return 1. The sentence has its whitespace collapsed to single
 * spaces and is cut to READABILITY_EXCERPT_CHARS characters, "…"
 * included, at a word boundary when one is near and never inside a UTF-8
 * sequence. Otherwise append nothing and return 0. The message follows
 * diag.h's style, so the caller can pass out.buf to diag_warning.
 */
int readability_warning(struct strbuf *out, const struct readability *r, double max_grade);

#endif
