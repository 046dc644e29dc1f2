/* diag: the list of problems found while building. */
#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

void diag_list_init(struct diag_list *dl)
{
	memset(dl, 0, sizeof *dl);
}

void diag_list_release(struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++) {
		free(dl->items[i].file);
		free(dl->items[i].msg);
	}
	free(dl->items);
	diag_list_init(dl);
}

/* Longest message kept whole, in bytes; a longer one keeps its start and
 * its end (where a 'did you mean' goes). */
#define DIAG_MSG_MAX 480
#define DIAG_MSG_HEAD 360
#define DIAG_MSG_TAIL 100

/* Back from `at` to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t at)
{
	while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	return at;
}

/*
 * msg as one line of text, the form every diagnostic keeps: messages quote
 * what the author wrote, which may hold newlines (a YAML value over lines),
 * control characters (a terminal's escapes) or pages of text. Newlines,
 * tabs and the other control characters become escapes (\n, \t, \x1b), and
 * a message longer than DIAG_MSG_MAX keeps its start and its end.
 */
static char *one_line(const char *msg)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *u;
	size_t head, tail;

	for (u = (const unsigned char *)msg; *u; u++) {
		if (*u == '\n')
			strbuf_adds(&sb, "\\n");
		else if (*u == '\t')
			strbuf_adds(&sb, "\\t");
		else if (*u == '\r')
			strbuf_adds(&sb, "\\r");
		else if (*u < 0x20 || *u == 0x7f)
			strbuf_addf(&sb, "\\x%02x", *u);
		else
			strbuf_addch(&sb, (char)*u);
	}
	if (sb.len > DIAG_MSG_MAX) {
		head = char_start(sb.buf, DIAG_MSG_HEAD);
		tail = char_start(sb.buf, sb.len - DIAG_MSG_TAIL);
		memmove(sb.buf + head + 5, sb.buf + tail, sb.len - tail + 1);
		memcpy(sb.buf + head, " ... ", 5);
		sb.len = head + 5 + (sb.len - tail);
	}
	return strbuf_detach(&sb, NULL);
}

void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      int line, int col, const char *msg)
{
	struct diag *d;

	XGROW(dl->items, dl->alloc, dl->n + 1);
	d = &dl->items[dl->n++];
	d->level = level;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	d->col = col;
	d->msg = one_line(msg);
	if (level == DIAG_ERROR)
		dl->errors++;
	else
		dl->warnings++;
}

static void vrecord(struct diag_list *dl, enum diag_level level,
		    const struct pos *pos, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_vaddf(&sb, fmt, ap);
	diag_add(dl, level, pos ? pos->file : NULL, pos ? pos->line : 0,
		 pos ? pos->col : 0, sb.buf);
	strbuf_release(&sb);
}

void diag_error(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(dl, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void diag_io_error(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(dl, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
	dl->io_errors++;
}

void diag_warning(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(dl, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void diag_list_move(struct diag_list *to, struct diag_list *from)
{
	size_t i;

	XGROW(to->items, to->alloc, to->n + from->n);
	for (i = 0; i < from->n; i++)
		to->items[to->n++] = from->items[i];
	to->errors += from->errors;
	to->warnings += from->warnings;
	to->io_errors += from->io_errors;
	free(from->items);
	diag_list_init(from);
}

static int cmp_diag(const struct diag *a, const struct diag *b)
{
	int c;

	if (!a->file || !b->file) {
		if (a->file == b->file)
			return 0;
		return a->file ? 1 : -1; /* file-less problems first */
	}
	if ((c = strcmp(a->file, b->file)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void diag_list_sort(struct diag_list *dl)
{
	size_t i, j;

	/* insertion sort: stable, and lists are short */
	for (i = 1; i < dl->n; i++) {
		struct diag d = dl->items[i];

		for (j = i; j > 0 && cmp_diag(&dl->items[j - 1], &d) > 0; j--)
			dl->items[j] = dl->items[j - 1];
		dl->items[j] = d;
	}
}

char *diag_format(const struct diag *d)
{
	struct strbuf sb = STRBUF_INIT;

	if (d->file) {
		strbuf_adds(&sb, d->file);
		if (d->line > 0) {
			strbuf_addf(&sb, ":%d", d->line);
			if (d->col > 0)
				strbuf_addf(&sb, ":%d", d->col);
		}
		strbuf_adds(&sb, ": ");
	} else {
		strbuf_adds(&sb, "waymark: ");
	}
	strbuf_adds(&sb, d->level == DIAG_ERROR ? "error: " : "warning: ");
	strbuf_adds(&sb, d->msg);
	return strbuf_detach(&sb, NULL);
}

struct value *diag_list_value(const struct diag_list *dl)
{
	struct value *list = value_new_list();
	size_t i;

	for (i = 0; i < dl->n; i++) {
		const struct diag *d = &dl->items[i];
		struct value *m = value_new_map();

		if (d->file)
			value_map_set_str(m, "file", d->file);
		else
			value_map_set(m, "file", value_new(VALUE_NULL, NULL), NULL);
		if (d->line > 0)
			value_map_set_num(m, "line", d->line);
		else
			value_map_set(m, "line", value_new(VALUE_NULL, NULL), NULL);
		if (d->line > 0 && d->col > 0)
			value_map_set_num(m, "column", d->col);
		else
			value_map_set(m, "column", value_new(VALUE_NULL, NULL), NULL);
		value_map_set_str(m, "severity", d->level == DIAG_ERROR ? "error" : "warning");
		value_map_set_str(m, "message", d->msg);
		value_list_push(list, m);
	}
	return list;
}

void diag_list_print(const struct diag_list *dl, FILE *out)
{
	size_t i;

	for (i = 0; i < dl->n; i++) {
		char *s = diag_format(&dl->items[i]);

		fprintf(out, "%s\n", s);
		free(s);
	}
}

void diag_list_save(const struct diag_list *dl, enum diag_level level, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < dl->n; i++)
		if (dl->items[i].level == level)
			strbuf_addf(out, "%s\t%d\t%d\t%s\n", dl->items[i].file ? dl->items[i].file : "",
				    dl->items[i].line, dl->items[i].col, dl->items[i].msg);
}

void diag_list_load(struct diag_list *dl, enum diag_level level, const char *text)
{
	while (text && *text) {
		const char *end = strchr(text, '\n'), *t1, *t2, *t3;
		size_t n = end ? (size_t)(end - text) : strlen(text);
		char *file, *msg;

		t1 = memchr(text, '\t', n);
		t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - text)) : NULL;
		t3 = t2 ? memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - text)) : NULL;
		if (t3) {
			file = xstrndup(text, (size_t)(t1 - text));
			msg = xstrndup(t3 + 1, n - (size_t)(t3 + 1 - text));
			diag_add(dl, level, *file ? file : NULL, atoi(t1 + 1), atoi(t2 + 1), msg);
			free(file);
			free(msg);
		}
		text = end ? end + 1 : NULL;
	}
}

/*
 * Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment), so "titel" is one edit from "title"; but only up to
 * `limit`: anything further is limit + 1. Words whose lengths differ by
 * more than that are not compared at all, only the cells within `limit`
 * of the diagonal are worked out, and a comparison stops at the first two
 * rows that are all over it (no later row can come back under).
 * A site with 10,000 pages and a broken link on each asks this 10,000
 * times of 10,000 names.
 */
static size_t distance(const char *a, const char *b, size_t limit)
{
	unsigned char m[65][65]; /* a cell never exceeds 128 */
	size_t la = strlen(a), lb = strlen(b), i, j, row_min, prev_min = 0;

	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (i = 0; i <= la; i++)
		m[i][0] = (unsigned char)i;
	for (j = 0; j <= lb; j++)
		m[0][j] = (unsigned char)j;
	for (i = 1; i <= la; i++) {
		/* only the cells within `limit` of the diagonal can end up
		 * within it: the band, walled by cells over it on each side */
		size_t lo = i > limit ? i - limit : 1, hi = i + limit < lb ? i + limit : lb;

		row_min = lo == 1 ? m[i][0] : limit + 1;
		if (lo > 1)
			m[i][lo - 1] = (unsigned char)(limit + 1);
		if (hi < lb)
			m[i][hi + 1] = (unsigned char)(limit + 1);
		for (j = lo; j <= hi; j++) {
			size_t best = m[i - 1][j - 1] + (size_t)(a[i - 1] != b[j - 1]);

			if (m[i - 1][j] + 1u < best)
				best = m[i - 1][j] + 1u;
			if (m[i][j - 1] + 1u < best)
				best = m[i][j - 1] + 1u;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    m[i - 2][j - 2] + 1u < best)
				best = m[i - 2][j - 2] + 1u;
			m[i][j] = (unsigned char)best;
			if (best < row_min)
				row_min = best;
		}
		/* a cell of a later row comes from one of these two rows, or
		 * from its left neighbour, which starts at i + 1 */
		if (row_min > limit && prev_min > limit)
			return limit + 1;
		prev_min = row_min;
	}
	return m[la][lb] <= limit ? m[la][lb] : limit + 1;
}

const char *diag_suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i, limit;

	/* a typo is at most a third of the word, and at least one edit */
	limit = strlen(word) / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 4)
		limit = 4;
	for (i = 0; i < n; i++) {
		size_t d = distance(word, candidates[i], limit);

		if (d && d <= limit && d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best;
}

struct pos diag_pos_at(const char *file, const char *text, size_t off, int line_offset)
{
	struct pos p = { file, 1 + line_offset, 1 };
	size_t i;

	for (i = 0; i < off; i++) {
		if (text[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* Offset of the first invalid UTF-8 sequence, or len when all is valid. */
static size_t utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c;
		size_t n, k;
		unsigned int cp;
		uint64_t w;

		/* eight bytes at a time while they are ASCII and not NUL (most
		 * content is: every content file is checked at every load) */
		while (i + 8 <= len) {
			memcpy(&w, u + i, sizeof w);
			if ((w & UINT64_C(0x8080808080808080)) ||
			    ((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)))
				break;
			i += 8;
		}
		if (i >= len)
			break;
		c = u[i];
		if (c < 0x80) {
			if (c == 0)
				return i;
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1; cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2; cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3; cp = c & 0x07;
		} else {
			return i;
		}
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (u[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

int diag_invalid_utf8(struct diag_list *dl, const char *file, const char *text, size_t len,
		      int line_offset)
{
	size_t bad = utf8_invalid_at(text, len);
	struct pos p;

	if (bad == len)
		return 0;
	p = diag_pos_at(file, text, bad, line_offset);
	diag_error(dl, &p, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		   (unsigned char)text[bad]);
	return 1;
}

void diag_listing_failed(struct diag_list *dl, const char *dir, int err)
{
	struct pos at = { dir, 0, 0 };

	if (err == ELOOP)
		diag_error(dl, &at,
			   "this leads back to a directory that holds it (a link makes a loop), so "
			   "the files below it never end: remove the link, or point it elsewhere");
	else
		diag_io_error(dl, NULL, "unable to read directory '%s': %s", dir, strerror(err));
}
