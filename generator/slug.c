/* slug: ids for URLs and anchors, and the clean URL of a content file. */
#include "slug.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Whether text is a slug already, which is what a valid id is: lowercase
 * letters and digits, words joined by single '-' (most file names). */
static int is_slug(const char *text, size_t len)
{
	size_t i;

	if (!len || text[0] == '-' || text[len - 1] == '-')
		return 0;
	for (i = 0; i < len; i++) {
		char c = text[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (c == '-' && text[i + 1] != '-')))
			return 0;
	}
	return 1;
}

void slug_add(struct strbuf *out, const char *text, size_t len, const char *fallback)
{
	size_t start = out->len, i;
	int dash = 0;

	if (is_slug(text, len)) { /* as it is: the loop below would copy it */
		strbuf_add(out, text, len);
		return;
	}

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		/* typographic punctuation (U+2000-U+206F, U+00A0-U+00BF), as
		 * smart punctuation makes it: curly apostrophes vanish like
		 * straight ones, the rest separate words */
		if (c == 0xe2 && i + 2 < len && ((unsigned char)text[i + 1] & 0xfe) == 0x80) {
			unsigned char c2 = (unsigned char)text[i + 1], c3 = (unsigned char)text[i + 2];

			if (!(c2 == 0x80 && (c3 == 0x98 || c3 == 0x99)))
				dash = 1;
			i += 2;
			continue;
		}
		if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0xa0 &&
		    (unsigned char)text[i + 1] <= 0xbf) {
			dash = 1;
			i++;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
			if (dash && out->len > start)
				strbuf_addch(out, '-');
			dash = 0;
			strbuf_addch(out, c);
		} else if (c >= 'A' && c <= 'Z') {
			if (dash && out->len > start)
				strbuf_addch(out, '-');
			dash = 0;
			strbuf_addch(out, c + ('a' - 'A'));
		} else if (c == '\'' || c == 0) {
			/* "worker's" → "workers" */
		} else {
			dash = 1;
		}
	}
	if (out->len == start && fallback)
		strbuf_adds(out, fallback);
}

char *slug_make(const char *text, const char *fallback)
{
	struct strbuf sb = STRBUF_INIT;

	slug_add(&sb, text, strlen(text), fallback);
	return strbuf_detach(&sb, NULL);
}

int slug_valid_id(const char *id)
{
	return is_slug(id, strlen(id));
}

void slug_url_of(const char *rel, char **url, char **out)
{
	struct strbuf u = STRBUF_INIT, o = STRBUF_INIT;
	const char *p = rel, *end = rel + strlen(rel);
	const char *dot = strrchr(rel, '.');

	strbuf_grow(&u, (size_t)(end - rel) + 2);
	strbuf_grow(&o, (size_t)(end - rel) + 12);

	if (dot && !strchr(dot, '/'))
		end = dot;
	/* pages/ holds plain pages that live at the top of the site */
	if (!strncmp(p, "pages/", 6))
		p += 6;
	strbuf_addch(&u, '/');
	while (p < end) {
		const char *seg_end = memchr(p, '/', (size_t)(end - p));
		size_t n;

		if (!seg_end)
			seg_end = end;
		n = (size_t)(seg_end - p);
		if (!((n == 6 && !memcmp(p, "_index", 6)) || (n == 5 && !memcmp(p, "index", 5)))) {
			slug_add(&u, p, n, "page");
			strbuf_addch(&u, '/');
		}
		p = seg_end + (seg_end < end);
	}
	strbuf_add(&o, u.buf + 1, u.len - 1);
	strbuf_adds(&o, "index.html");
	*url = strbuf_detach(&u, NULL);
	*out = strbuf_detach(&o, NULL);
}

/* clamp: ".." at the top stays there, as a browser reads an address
 * from a site's root (else the path is refused) */
static char *normalize(const char *path, int clamp)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;

	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && !memcmp(p, "..", 2)) {
			char *slash;

			if (!sb.len && !clamp) {
				strbuf_release(&sb);
				return NULL;
			}
			slash = strrchr(sb.buf, '/');
			strbuf_setlen(&sb, slash ? (size_t)(slash - sb.buf) : 0);
		} else if (n && !(n == 1 && *p == '.')) {
			if (sb.len)
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	return strbuf_detach(&sb, NULL);
}

char *slug_normalize_path(const char *path)
{
	return normalize(path, 0);
}

int slug_from_root(const char *url)
{
	return url && url[0] == '/' && url[1] != '/';
}

char *slug_normalize_root_path(const char *path)
{
	return normalize(path, 1);
}

char *slug_relative_path(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	const char *f = from, *t = to, *p;

	/* skip the directories both paths share */
	for (;;) {
		const char *fs = strchr(f, '/'), *ts = strchr(t, '/');

		if (!fs || !ts || fs - f != ts - t || memcmp(f, t, (size_t)(fs - f)))
			break;
		f = fs + 1;
		t = ts + 1;
	}
	for (p = f; (p = strchr(p, '/')); p++)
		strbuf_adds(&sb, "../");
	strbuf_adds(&sb, t);
	return strbuf_detach(&sb, NULL);
}
