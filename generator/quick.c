/* quick: the file a build leaves for the next one's quick path. */
#include "quick.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "value.h"
#include "xalloc.h"

/*
 * "<parent>/.waymark-cache-<name>.quick", text:
 *
 *   waymark-quick 1
 *   frame <hex> depends <hex> state <hex> pages <n> files <n>
 *   <rel>\t<stat>\t-                                  (not built)
 *   <rel>\t<stat>\t<meta>\t<url>\t<page>[ <page>...]  (built; no page: "-")
 *
 * a page being "<out>,<at>,<len>,<toc>,<html>" in hex (then, when a
 * helper's output depends on the body, ";<at>,<len>,<html>,<name>:<text>"
 * with the text in hex), "<out>,=<toc>" when it does not show the body at
 * all, or "<out>,-" when it shows the body in a way that cannot be
 * spliced. A line per Markdown file of the site,
 * sorted by rel; rel, url and out have no tabs, spaces or newlines (they
 * are paths the site made or listed).
 */
#define QUICK_MAGIC "waymark-quick 2"

unsigned long long quick_stat(const struct stat *st)
{
	uint64_t f[6] = { (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
			  (uint64_t)st->st_mtim.tv_nsec, (uint64_t)st->st_ctim.tv_sec,
			  (uint64_t)st->st_ctim.tv_nsec, (uint64_t)st->st_ino };

	return value_hash_fast(f, sizeof f, VALUE_HASH_SEED);
}

/* A new entry at the end, all zero but its stat. */
static struct quick_file *next_entry(struct quick *q, unsigned long long stat)
{
	struct quick_file *f;

	XGROW(q->items, q->alloc, q->n + 1);
	f = &q->items[q->n++];
	memset(f, 0, sizeof *f);
	f->stat = stat;
	return f;
}

struct quick_block {
	struct quick_block *prev;
	size_t used, size;
	max_align_t data[]; /* size bytes */
};

/* n bytes from q's pool, aligned for anything. */
static void *pool_alloc(struct quick *q, size_t n)
{
	struct quick_block *b = q->pool;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!b || b->size - b->used < n) {
		size_t size = n > 60000 ? n : 60000;

		b = xmalloc(sizeof *b + size);
		b->prev = q->pool;
		b->used = 0;
		b->size = size;
		q->pool = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *quick_copy(struct quick *q, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pool_alloc(q, n), s, n);
}

struct quick_file *quick_add(struct quick *q, const char *rel, unsigned long long stat)
{
	struct quick_file *f = next_entry(q, stat);

	f->rel = quick_copy(q, rel);
	return f;
}

void quick_add_page(struct quick *q, struct quick_file *f, const char *out,
		    const struct quick_splice *s)
{
	if (f->npages == f->apages) { /* most files have one page or two */
		size_t room = f->apages ? 2 * f->apages : 2;
		char **outs = pool_alloc(q, room * sizeof *outs);
		struct quick_splice *splices = pool_alloc(q, room * sizeof *splices);

		if (f->npages) {
			memcpy(outs, f->outs, f->npages * sizeof *outs);
			memcpy(splices, f->splices, f->npages * sizeof *splices);
		}
		f->outs = outs;
		f->splices = splices;
		f->apages = room;
	}
	f->outs[f->npages] = quick_copy(q, out);
	f->splices[f->npages] = *s;
	f->npages++;
}

struct quick_file *quick_find(const struct quick *q, const char *rel)
{
	size_t lo = 0, hi = q->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(rel, q->items[mid].rel);

		if (!c)
			return &q->items[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void quick_release(struct quick *q)
{
	while (q->pool) {
		struct quick_block *prev = q->pool->prev;

		free(q->pool);
		q->pool = prev;
	}
	free(q->items);
	free(q->text);
	memset(q, 0, sizeof *q);
}

/* "<at>,<len>,<toc>,<html>[;<at>,<len>,<html>,<lambda>]" or "=<toc>" at
 * p, in hex but for the lambda: 0 with *end after it, or -1. */
static int parse_splice(const char *p, struct quick_splice *s, const char **end)
{
	unsigned long long at, len;

	memset(s, 0, sizeof *s);
	if (*p == '=') {
		if (strbuf_read_hex(p + 1, &s->toc, end)) {
			memset(s, 0, sizeof *s);
			return -1;
		}
		s->ok = s->absent = 1;
		return 0;
	}
	if (strbuf_read_hex(p, &at, &p) || *p++ != ',' || strbuf_read_hex(p, &len, &p) ||
	    *p++ != ',' || strbuf_read_hex(p, &s->toc, &p) || *p++ != ',' ||
	    strbuf_read_hex(p, &s->html, &p)) {
		memset(s, 0, sizeof *s);
		return -1;
	}
	s->at = (size_t)at;
	s->len = (size_t)len;
	if (*p == ';') {
		const char *name = NULL;

		if (strbuf_read_hex(p + 1, &at, &p) || *p++ != ',' || strbuf_read_hex(p, &len, &p) ||
		    *p++ != ',' || strbuf_read_hex(p, &s->lambda_html, &p) || *p++ != ',') {
			memset(s, 0, sizeof *s);
			return -1;
		}
		for (name = p; *p && *p != ' ' && *p != ','; p++)
			;
		if (p == name || !memchr(name, ':', (size_t)(p - name))) {
			memset(s, 0, sizeof *s);
			return -1;
		}
		s->lambda_at = (size_t)at;
		s->lambda_len = (size_t)len;
		s->lambda = name;
		s->lambda_size = (size_t)(p - name);
	}
	s->ok = 1;
	*end = p;
	return 0;
}

/* v[0..n) in hex, a comma between */
static void add_hexes(struct strbuf *sb, const unsigned long long *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_hex(sb, v[i], 0);
	}
}

/* A splice as parse_splice reads it. */
static void add_splice(struct strbuf *sb, const struct quick_splice *s)
{
	if (s->absent) {
		strbuf_addch(sb, '=');
		strbuf_add_hex(sb, s->toc, 0);
		return;
	}
	add_hexes(sb, (unsigned long long[]){ s->at, s->len, s->toc, s->html }, 4);
	if (!s->lambda)
		return;
	strbuf_addch(sb, ';');
	add_hexes(sb, (unsigned long long[]){ s->lambda_at, s->lambda_len, s->lambda_html }, 3);
	strbuf_addch(sb, ',');
	strbuf_add(sb, s->lambda, s->lambda_size);
}

/* "<out>,<splice>" or "<out>,-" */
static int parse_page(struct quick *q, struct quick_file *f, char *tok)
{
	char *comma = strchr(tok, ',');
	struct quick_splice s = { .ok = 0 };
	const char *end;

	if (!comma || comma == tok)
		return -1;
	*comma = '\0';
	if (strcmp(comma + 1, "-") && (parse_splice(comma + 1, &s, &end) < 0 || *end))
		return -1;
	quick_add_page(q, f, tok, &s);
	return 0;
}

/* One line of the file, split in place: its entry keeps pointers into it
 * (a rebuild reads 10,000 lines and looks at the pages of one). */
static int parse_line(struct quick *q, char *line)
{
	char *field[5], *p = line, *tab;
	size_t n = 0, len = strlen(line);
	unsigned long long stat, meta;
	const char *end;
	struct quick_file *f;

	while (n < 5) {
		field[n++] = p;
		if (n == 5 || !(tab = strchr(p, '\t')))
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (n < 3 || !*field[0] || strbuf_read_hex(field[1], &stat, &end) || *end ||
	    (q->n && strcmp(q->items[q->n - 1].rel, field[0]) >= 0))
		return -1;
	f = next_entry(q, stat);
	f->rel = field[0];
	f->line = line;
	f->line_len = len;
	if (n == 3 && !strcmp(field[2], "-"))
		return 0;
	if (n != 5 || strbuf_read_hex(field[2], &meta, &end) || *end || !*field[3])
		return -1;
	f->built = 1;
	f->meta = meta;
	f->url = field[3];
	if (strcmp(field[4], "-"))
		f->pages_text = field[4];
	return 0;
}

size_t quick_pages_count(const struct quick_file *f)
{
	const char *p;
	size_t n;

	if (!f->pages_text)
		return f->npages;
	for (n = 1, p = f->pages_text; (p = strchr(p, ' ')); p++)
		n++;
	return n;
}

int quick_file_pages(struct quick *q, struct quick_file *f)
{
	char *text = f->pages_text, *tok, *save = NULL;
	int ret = 0;

	f->line = NULL; /* (its pages may change now) */
	if (!text)
		return 0;
	f->pages_text = NULL;
	for (tok = strtok_r(text, " ", &save); tok && !ret; tok = strtok_r(NULL, " ", &save))
		ret = parse_page(q, f, tok);
	return ret;
}

int quick_load(struct quick *q, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	char *line, *nl;
	unsigned long long pages, files;
	int ret = -1, head = 0;

	memset(q, 0, sizeof *q);
	/* (a file cut short ends in the middle of a line) */
	if (fs_read(path, &text) < 0 || strncmp(text.buf, QUICK_MAGIC "\n", strlen(QUICK_MAGIC) + 1) ||
	    text.buf[text.len - 1] != '\n')
		goto done;
	q->text = strbuf_detach(&text, NULL);
	for (line = q->text + strlen(QUICK_MAGIC) + 1; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		if (!head) {
			if (sscanf(line, "frame %llx depends %llx state %llx pages %llx files %llx",
				   &q->frame, &q->depends, &q->state, &pages, &files) != 5)
				goto done;
			q->pages = (size_t)pages;
			q->files = (size_t)files;
			head = 1;
		} else if (parse_line(q, line) < 0) {
			goto done;
		}
	}
	ret = head ? 0 : -1;
done:
	if (ret < 0)
		quick_release(q);
	strbuf_release(&text);
	return ret;
}

void quick_lines(const struct quick *q, struct strbuf *text)
{
	size_t i, j;

	for (i = 0; i < q->n; i++) {
		const struct quick_file *f = &q->items[i];

		if (f->line) { /* as it was read: its NULs were the tabs */
			size_t at = text->len;
			char *p;

			strbuf_add(text, f->line, f->line_len);
			for (p = text->buf + at; (p = memchr(p, '\0', text->len - (size_t)(p - text->buf)));)
				*p++ = '\t';
			strbuf_addch(text, '\n');
			continue;
		}
		strbuf_adds(text, f->rel);
		strbuf_addch(text, '\t');
		strbuf_add_hex(text, f->stat, 1);
		strbuf_addch(text, '\t');
		if (!f->built) {
			strbuf_adds(text, "-\n");
			continue;
		}
		strbuf_add_hex(text, f->meta, 1);
		strbuf_addch(text, '\t');
		strbuf_adds(text, f->url);
		strbuf_addch(text, '\t');
		if (f->pages_text)
			strbuf_adds(text, f->pages_text); /* never parsed: as it was */
		else if (!f->npages)
			strbuf_addch(text, '-');
		for (j = 0; j < f->npages; j++) {
			const struct quick_splice *s = &f->splices[j];

			if (j)
				strbuf_addch(text, ' ');
			strbuf_adds(text, f->outs[j]);
			if (!s->ok) {
				strbuf_adds(text, ",-");
				continue;
			}
			strbuf_addch(text, ',');
			add_splice(text, s);
		}
		strbuf_addch(text, '\n');
	}
}

int quick_write(const struct quick *q, const struct strbuf *lines, const char *path)
{
	struct strbuf text = STRBUF_INIT;
	int ret;

	strbuf_grow(&text, 200 + lines->len);
	strbuf_addf(&text,
		    QUICK_MAGIC "\nframe %016llx depends %016llx state %016llx pages %zx files %zx\n",
		    q->frame, q->depends, q->state, q->pages, q->files);
	strbuf_add(&text, lines->buf ? lines->buf : "", lines->len);
	ret = fs_replace(path, text.buf, text.len);
	strbuf_release(&text);
	return ret;
}

int quick_save(const struct quick *q, const char *path)
{
	struct strbuf lines = STRBUF_INIT;
	int ret;

	quick_lines(q, &lines);
	ret = quick_write(q, &lines, path);
	strbuf_release(&lines);
	return ret;
}

char *quick_lambda(const char *name, size_t name_len, const char *text, size_t text_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < name_len; i++) {
		char c = name[i];

		if (!(c == '_' || c == '-' || (c >= '0' && c <= '9') ||
		      ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			return NULL;
	}
	strbuf_add(&sb, name, name_len);
	strbuf_addch(&sb, ':');
	for (i = 0; i < text_len; i++) {
		unsigned char c = (unsigned char)text[i];

		strbuf_addch(&sb, "0123456789abcdef"[c >> 4]);
		strbuf_addch(&sb, "0123456789abcdef"[c & 15]);
	}
	return strbuf_detach(&sb, NULL);
}

int quick_lambda_read(const char *lambda, size_t size, struct strbuf *name, struct strbuf *text)
{
	const char *colon = memchr(lambda, ':', size), *p, *end = lambda + size;

	if (!colon || (end - colon - 1) % 2)
		return -1;
	strbuf_add(name, lambda, (size_t)(colon - lambda));
	for (p = colon + 1; p < end; p += 2) {
		int hi = strbuf_hex_digit(p[0]), lo = strbuf_hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return -1;
		strbuf_addch(text, (char)(hi << 4 | lo));
	}
	return 0;
}

void quick_note(struct strbuf *sb, const struct quick_splice *s)
{
	if (!s->ok)
		return;
	strbuf_addch(sb, 's');
	add_splice(sb, s);
	strbuf_addch(sb, ' ');
}

const char *quick_note_parse(const char *text, struct quick_splice *s)
{
	const char *p;

	memset(s, 0, sizeof *s);
	if (*text != 's' || parse_splice(text + 1, s, &p) < 0 || (*p && *p != ' ')) {
		memset(s, 0, sizeof *s);
		return text; /* not a splice: a dependency, which the caller checks */
	}
	return *p ? p + 1 : p;
}
