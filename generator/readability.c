/* readability: reading grade of a page's plain text, and the warning when it is too high. */
#include "readability.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Uses only strbuf; no allocation of its own. The text is read once, token
 * by token (a token is a run of non-space characters); each word is
 * handed to readability_syllables, which works on a copy in a small stack
 * buffer.
 */

/* ---- characters ------------------------------------------------------ */

static int in_set(int c, const char *set)
{
	return c && strchr(set, c) != NULL; /* strchr finds the NUL too */
}

/*
 * char_len, space_len and alnum_len decide an ASCII character (most of any
 * text) in a few instructions the compiler puts in place, and call out for
 * the others: a reading-time helper reads every page's HTML with them.
 */

static size_t utf8_char_len(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	size_t i;

	if (n > (size_t)(end - p))
		return 1;
	for (i = 1; i < n; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Bytes in the (possibly malformed) UTF-8 character at p, at least 1. */
static inline size_t char_len(const char *p, const char *end)
{
	return (unsigned char)*p < 0x80 ? 1 : utf8_char_len(p, end);
}

static size_t utf8_space_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t left = (size_t)(end - p);

	if (left >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] <= 0x8a || u[2] == 0xaf))
		return 3;
	return 0;
}

/* Bytes of the whitespace character at p (ASCII, no-break space,
 * U+2000-U+200A, narrow no-break space), or 0. */
static inline size_t space_len(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;

	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	return utf8_space_len(p, end);
}

static size_t utf8_alnum_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t n = utf8_char_len(p, end);

	if (n == 1)
		return 0; /* a stray or cut-off byte */
	if (u[0] == 0xc2 || (u[0] == 0xc3 && (u[1] == 0x97 || u[1] == 0xb7)))
		return 0;
	if (u[0] == 0xe2 || (u[0] == 0xe3 && u[1] == 0x80) || (u[0] == 0xf0 && u[1] == 0x9f))
		return 0;
	return n;
}

/*
 * Bytes of the letter or digit at p, or 0. Any non-ASCII character is a
 * letter except Latin-1 punctuation (U+0080-U+00BF, × and ÷), the
 * punctuation and symbol blocks U+2000-U+2FFF, CJK punctuation
 * U+3000-U+303F, and emoji (U+1F000 and up in the F0 9F range).
 */
static inline size_t alnum_len(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;

	if (c < 0x80)
		return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
	return utf8_alnum_len(p, end);
}

static int is_rsquo(const char *p, const char *end)
{
	return end - p >= 3 && memcmp(p, "\xe2\x80\x99", 3) == 0;
}

/* ---- syllables ------------------------------------------------------- */

#define WORD_MAX 64

struct exception {
	const char *word;
	size_t len;
	unsigned syllables;
};

/* Common words the rules below get wrong; lowercase, without apostrophes. */
#define EX(w, n) { w, sizeof w - 1, n }
static const struct exception exceptions[] = {
	EX("business", 2), EX("businesses", 3), EX("cafe", 2), EX("create", 2),
	EX("created", 3), EX("creates", 2), EX("creating", 3), EX("creation", 3),
	EX("creative", 3), EX("element", 3), EX("elements", 3), EX("evening", 2),
	EX("evenings", 2), EX("lion", 2), EX("lions", 2), EX("maybe", 2),
	EX("recipe", 3), EX("recipes", 3), EX("theory", 3), EX("therefore", 2),
	EX("video", 3), EX("videos", 3), EX("wednesday", 2),
};
#undef EX

/* Before these, an e after vowel + consonant is silent ("completely",
 * "movement", "useful", "apprenticeship", "safety"). */
static const char *const silent_e_suffixes[] = {
	"ly", "ment", "ments", "ness", "ful", "less", "ship", "ships", "ty",
};

static int is_aeiou(int c)
{
	return in_set(c, "aeiou");
}

/*
 * Whether the vowel pair w[i-1], w[i] (both vowels, so one group) is two
 * syllables: "media", "radio", "medium", "actual", "duo", "quiet",
 * "client", "easier", "poem", "idea", "trying", "going".
 */
static int splits(const char *w, size_t n, size_t i)
{
	int a = w[i - 1], b = w[i];
	int p = i >= 2 ? w[i - 2] : 0, nx = i + 1 < n ? w[i + 1] : 0;
	int nx2 = i + 2 < n ? w[i + 2] : 0;

	/* -ing after a vowel: go-ing, be-ing, see-ing, stud-y-ing */
	if (b == 'i' && nx == 'n' && nx2 == 'g' && (i + 3 == n || (i + 4 == n && w[i + 3] == 's')))
		return 1;
	if (a == 'y') /* fly-er, but dye, dyed, dyes */
		return !(b == 'e' && (i + 1 == n || (i + 2 == n && in_set(nx, "ds"))));
	if (a == 'i' && b == 'a') /* me-di-a, as-so-ci-ate; not so-cial */
		return !in_set(p, "cts") || nx == 't';
	if (a == 'i' && b == 'o') /* ra-di-o, vari-ous; not na-tion, re-gion, mil-lion */
		return !in_set(p, "ctsgxln");
	if (a == 'i' && b == 'u') /* me-di-um */
		return 1;
	if (a == 'u' && b == 'a') /* ac-tu-al; not e-qual, lan-guage */
		return !in_set(p, "qg");
	if (a == 'u' && b == 'o') /* du-o; not quote */
		return p != 'q';
	if (a == 'i' && b == 'e') {
		if (nx == 't') /* qui-et, so-ci-e-ty */
			return 1;
		if (nx == 'n' && (nx2 == 't' || nx2 == 'c')) /* cli-ent, sci-ence; not pa-tient, an-cient */
			return !(p == 't' || (p == 'c' && !(i >= 3 && w[i - 3] == 's')));
		if (n > 4 && i + 2 == n && nx == 'r') /* eas-i-er */
			return 1;
		return n > 5 && i + 3 == n && nx == 's' && nx2 == 't'; /* eas-i-est */
	}
	if (a == 'o' && b == 'e') /* po-em, po-et */
		return nx == 'm' || nx == 't';
	if (a == 'e' && b == 'a') /* ar-e-a, i-de-a; not sea, flea */
		return i + 1 == n && n >= 4 && p != 'l';
	return 0;
}

/* Copy the letters of word[0..len) into w, lowercased, accented Latin
 * vowels as 'a' (a vowel that is never silent: "café"). Sets *n, the
 * count of letters past WORD_MAX in *over, and where the apostrophe
 * was (in letters before it) in *apos; digits are left out. Returns
 * flags: 2 has lowercase, 4 has uppercase. */
static int fold_word(const char *word, size_t len, char *w, size_t *n, size_t *over, size_t *apos)
{
	const char *p = word, *end = word + len;
	int flags = 0;

	*n = *over = 0;
	*apos = (size_t)-1;
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		size_t k = char_len(p, end);
		int l = 0;

		if (c >= 'a' && c <= 'z') {
			l = c;
			flags |= 2;
		} else if (c >= 'A' && c <= 'Z') {
			l = c | 0x20;
			flags |= 4;
		} else if (c == '\'' || is_rsquo(p, end)) {
			*apos = *n;
		} else if (c == 0xc3 && k == 2) {
			unsigned char d = (unsigned char)p[1];

			flags |= 2;
			if (d == 0x9f)
				l = 's'; /* ß */
			else if ((d | 0x20) == 0xa7)
				l = 'c';
			else if ((d | 0x20) == 0xb1)
				l = 'n';
			else if ((d | 0x20) == 0xbd || (d | 0x20) == 0xbf)
				l = 'y';
			else if (strchr("\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
					 "\xb2\xb3\xb4\xb5\xb6\xb8\xb9\xba\xbb\xbc", d | 0x20))
				l = 'a';
		}
		if (l) {
			if (*n < WORD_MAX)
				w[(*n)++] = (char)l;
			else
				(*over)++;
		}
		p += k;
	}
	return flags;
}

unsigned readability_syllables(const char *word, size_t len)
{
	char w[WORD_MAX];
	unsigned char v[WORD_MAX]; /* 1 where w[i] sounds as a vowel */
	size_t n, over, apos, i;
	int flags = fold_word(word, len, w, &n, &over, &apos), count = 0;

	if (n == 0)
		return 1; /* a number: see readability.h */

	/* NHS, PDF, HTML: an acronym without vowels is spelled out */
	if (n >= 2 && !(flags & 2)) {
		for (i = 0; i < n && !in_set(w[i], "aeiouy"); i++)
			;
		if (i == n)
			return (unsigned)n;
	}

	for (i = 0; i < sizeof exceptions / sizeof *exceptions; i++)
		if (exceptions[i].len == n && memcmp(exceptions[i].word, w, n) == 0)
			return exceptions[i].syllables;

	/* y is a consonant before a vowel at the start or after a vowel
	 * ("yes", "player", "lawyer"), otherwise a vowel ("gym", "happy") */
	for (i = 0; i < n; i++) {
		if (w[i] == 'y')
			v[i] = !(i + 1 < n && is_aeiou(w[i + 1]) &&
				 (i == 0 || is_aeiou(w[i - 1]) || w[i - 1] == 'w'));
		else
			v[i] = (unsigned char)is_aeiou(w[i]);
	}

	for (i = 0; i < n; i++)
		if (v[i] && (i == 0 || !v[i - 1] || splits(w, n, i)))
			count++;

	/* endings whose vowel is silent */
	if (n >= 4 && w[n - 2] == 'u' && w[n - 1] == 'e' && in_set(w[n - 3], "qg") && v[n - 4])
		count--; /* tech-nique, league; not ar-gue */
	else if (n >= 5 && memcmp(w + n - 3, "ues", 3) == 0 && in_set(w[n - 4], "qg") && v[n - 5])
		count--; /* col-leagues */
	else if (n >= 2 && w[n - 1] == 'e' && !v[n - 2]) {
		int p = w[n - 2];
		/* ta-ble, cen-tre keep theirs; whale, belle do not */
		int keep = (p == 'l' || p == 'r') && n >= 3 && !v[n - 3] && w[n - 3] != p;

		if (!keep)
			count--;
	} else if (n >= 4 && w[n - 2] == 'e' && (w[n - 1] == 'd' || w[n - 1] == 's') && !v[n - 3]) {
		int p = w[n - 3], pp = w[n - 4];
		/* han-dled, hun-dred, ta-bles keep theirs; called does not */
		int keep = (p == 'l' || p == 'r') && !v[n - 4] && pp != p;

		if (w[n - 1] == 'd')
			keep = keep || p == 't' || p == 'd'; /* want-ed, need-ed */
		else
			keep = keep || in_set(p, "sxzcg") || (p == 'h' && in_set(pp, "cs")); /* box-es, wish-es */
		if (!keep)
			count--;
	}

	for (i = 0; i < sizeof silent_e_suffixes / sizeof *silent_e_suffixes; i++) {
		const char *s = silent_e_suffixes[i];
		size_t sl = strlen(s);

		if (n >= sl + 3 && memcmp(w + n - sl, s, sl) == 0 && w[n - sl - 1] == 'e' &&
		    !v[n - sl - 2] && v[n - sl - 3]) {
			count--;
			break;
		}
	}

	/* some-thing, some-times, some-where (not some-one: "eo" is one group) */
	if (n > 4 && memcmp(w, "some", 4) == 0 && !v[4])
		count--;
	/* crit-i-ci-sm, en-thu-si-asm */
	if ((n >= 4 && (memcmp(w + n - 3, "ism", 3) == 0 || memcmp(w + n - 3, "asm", 3) == 0)) ||
	    (n >= 5 && (memcmp(w + n - 4, "isms", 4) == 0 || memcmp(w + n - 4, "asms", 4) == 0)))
		count++;
	/* could-n't, did-n't; not don't, can't */
	if (apos + 1 == n && n >= 3 && w[n - 1] == 't' && w[n - 2] == 'n' && !v[n - 3])
		count++;

	count += (int)(over / 3); /* a very long word: about three letters a syllable */
	return count < 1 ? 1 : (unsigned)count;
}

/* ---- sentences ------------------------------------------------------- */

/* Abbreviations whose '.' does not end a sentence, without that final
 * '.', matched case-sensitively ("No." the abbreviation, not "say no."). */
static const char *const abbreviations[] = {
	"e.g", "E.g", "i.e", "I.e", "Dr", "Mr", "Mrs", "Ms", "Prof", "St", "Jr", "Sr",
	"No", "vs", "Vs", "approx", "Approx", "cf", "Cf", "U.S", "U.K", "U.N", "E.U",
};

static int is_abbreviation(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof abbreviations / sizeof *abbreviations; i++)
		if (strlen(abbreviations[i]) == len && memcmp(abbreviations[i], word, len) == 0)
			return 1;
	return 0;
}

struct scan {
	struct readability *r;
	const char *start;    /* first token of the sentence being read, or NULL */
	const char *last_end; /* end of the last token read */
	size_t words;         /* words in the sentence being read */
	int count_only;       /* words alone: no syllables (readability_words) */
};

static void end_sentence(struct scan *s)
{
	struct readability *r = s->r;

	if (s->words) {
		r->sentences++;
		if (s->words > r->longest_words) {
			r->longest = s->start;
			r->longest_len = (size_t)(s->last_end - s->start);
			r->longest_words = s->words;
		}
	}
	s->start = NULL;
	s->words = 0;
}

/*
 * Whether the token tok..end ends a sentence. last_word..last_word_end is
 * the token's last word (NULL when it has none), checked against the
 * abbreviations when the token ends in its '.'.
 */
static int ends_sentence(const char *tok, const char *end, const char *last_word,
			 const char *last_word_end)
{
	const char *q = end;

	for (;;) { /* closing quotes and brackets may follow: (like "this.") */
		if (q > tok && in_set(q[-1], ")]}\"'*_"))
			q--;
		else if (q - tok >= 3 && (memcmp(q - 3, "\xe2\x80\x9d", 3) == 0 || is_rsquo(q - 3, end)))
			q -= 3; /* ” ’ */
		else if (q - tok >= 2 && memcmp(q - 2, "\xc2\xbb", 2) == 0)
			q -= 2; /* » */
		else
			break;
	}
	if (q - tok >= 3 && memcmp(q - 3, "\xe2\x80\xa6", 3) == 0)
		return 1; /* … */
	if (q == tok)
		return 0;
	if (q[-1] == '!' || q[-1] == '?')
		return 1;
	if (q[-1] != '.')
		return 0;
	return !(last_word && last_word_end == q - 1 &&
		 is_abbreviation(last_word, (size_t)(last_word_end - last_word)));
}

static int is_link(const char *tok, size_t n)
{
	size_t i;

	if (memchr(tok, '@', n))
		return 1;
	for (i = 0; i + 3 <= n; i++)
		if (tok[i] == ':' && tok[i + 1] == '/' && tok[i + 2] == '/')
			return 1;
	return 0;
}

/* Count the words of one token, and end the sentence if it does. */
static void scan_token(struct scan *s, const char *tok, size_t n)
{
	const char *p = tok, *end = tok + n, *word = NULL, *word_end = NULL;

	if (!s->start)
		s->start = tok;
	s->last_end = end;
	if (is_link(tok, n)) {
		if (ends_sentence(tok, end, NULL, NULL))
			end_sentence(s);
		return;
	}
	while (p < end) {
		size_t k = alnum_len(p, end);

		if (!k) {
			p += char_len(p, end);
			continue;
		}
		word = p;
		p += k;
		while (p < end) {
			size_t j = 0;

			if ((k = alnum_len(p, end))) {
				p += k;
				continue;
			}
			/* what may join two runs: don't, 3.5, e.g, 1,250 */
			if (*p == '\'' || *p == '.')
				j = 1;
			else if (is_rsquo(p, end))
				j = 3;
			else if (*p == ',' && p[-1] >= '0' && p[-1] <= '9' && p + 1 < end &&
				 p[1] >= '0' && p[1] <= '9')
				j = 1;
			if (!j || p + j >= end || !(k = alnum_len(p + j, end)))
				break;
			p += j + k;
		}
		word_end = p;
		s->r->words++;
		if (!s->count_only)
			s->r->syllables += readability_syllables(word, (size_t)(word_end - word));
		s->words++;
	}
	if (!s->count_only && ends_sentence(tok, end, word, word_end))
		end_sentence(s);
}

/* Read text[0..len) token by token into s->r. */
static void scan_text(struct scan *s, const char *text, size_t len)
{
	struct readability *r = s->r;
	const char *p, *end;

	if (!text) {
		text = "";
		len = 0;
	}
	p = text;
	end = text + len;
	s->last_end = text;
	memset(r, 0, sizeof *r);
	r->longest = NULL;
	while (p < end) {
		const char *tok;
		size_t k, newlines = 0;

		while (p < end && (k = space_len(p, end))) {
			newlines += *p == '\n';
			p += k;
		}
		if (newlines >= 2) /* a blank line: the end of a block */
			end_sentence(s);
		if (p >= end)
			break;
		tok = p;
		while (p < end && !space_len(p, end))
			p += char_len(p, end);
		scan_token(s, tok, (size_t)(p - tok));
	}
	end_sentence(s);
}

size_t readability_words(const char *text, size_t len)
{
	struct readability r;
	struct scan s = { &r, NULL, NULL, 0, 1 };

	scan_text(&s, text, len);
	return r.words;
}

void readability_measure(struct readability *r, const char *text, size_t len)
{
	struct scan s = { r, NULL, NULL, 0, 0 };

	scan_text(&s, text, len);

	if (r->words >= READABILITY_MIN_WORDS) {
		double wps = (double)r->words / (double)r->sentences;
		double spw = (double)r->syllables / (double)r->words;

		r->graded = 1;
		r->grade = 0.39 * wps + 11.8 * spw - 15.59;
		r->ease = 206.835 - 1.015 * wps - 84.6 * spw;
	}
}

/* ---- the warning ----------------------------------------------------- */

/* Characters before the cut within which a space is looked for, so the
 * excerpt ends at a word boundary. */
#define EXCERPT_WORD_WINDOW 20

/* Append s[0..len) with whitespace collapsed, cut to `max` characters
 * ("…" included) when longer. */
static void add_excerpt(struct strbuf *out, const char *s, size_t len, size_t max)
{
	const char *p = s, *end = s + len;
	size_t start = out->len, n, i, chars = 0, cut = 0, space = 0, space_chars = 0;
	const char *b;
	int pending = 0;

	while (p < end) {
		size_t k = space_len(p, end);

		if (k) {
			pending = 1;
			p += k;
			continue;
		}
		k = char_len(p, end);
		if (pending && out->len > start)
			strbuf_addch(out, ' ');
		pending = 0;
		strbuf_add(out, p, k);
		p += k;
	}

	b = out->buf + start;
	n = out->len - start;
	for (i = 0; i < n; i++) {
		if (((unsigned char)b[i] & 0xc0) == 0x80)
			continue; /* inside a UTF-8 sequence */
		if (chars == max - 1)
			cut = i; /* where the character that will not fit starts */
		if (b[i] == ' ' && chars < max - 1) {
			space = i;
			space_chars = chars;
		}
		chars++;
	}
	if (chars <= max)
		return;
	if (b[cut] != ' ' && b[cut - 1] != ' ' && space &&
	    space_chars + EXCERPT_WORD_WINDOW >= max - 1)
		cut = space; /* do not end inside a word */
	while (cut > 0 && b[cut - 1] == ' ')
		cut--;
	strbuf_setlen(out, start + cut);
	strbuf_adds(out, "\xe2\x80\xa6");
}

int readability_warning(struct strbuf *out, const struct readability *r, double max_grade)
{
	char grade[32];

	if (!r->graded)
		return 0;
	/* compare what is shown: 8.04 reads "8.0", which is not above 8 */
	snprintf(grade, sizeof grade, "%.1f", r->grade);
	if (!(strtod(grade, NULL) > max_grade))
		return 0;
	strbuf_addf(out, "reading grade %s is above %g (longest sentence: \"", grade, max_grade);
	if (r->longest)
		add_excerpt(out, r->longest, r->longest_len, READABILITY_EXCERPT_CHARS);
	strbuf_adds(out, "\")");
	return 1;
}
