/* strbuf: the one growable string buffer used everywhere. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len_out)
{
	char *s;

	if (len_out)
		*len_out = sb->len;
	s = sb->alloc ? sb->buf : xstrdup("");
	strbuf_init(sb, 0);
	return s;
}

void strbuf_grow_to(struct strbuf *sb, size_t need)
{
	if (need <= sb->alloc)
		return;
	if (!sb->alloc) {
		sb->buf = NULL;
		sb->alloc = need < 64 ? 64 : need;
	}
	while (sb->alloc < need)
		sb->alloc *= 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
	if (!sb->len)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return; /* empty and shared: nothing to cut */
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	char small[256];
	va_list cp;
	int n;

	/* formatted once when it fits here (most do), not measured first */
	va_copy(cp, ap);
	n = vsnprintf(small, sizeof small, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	if ((size_t)n < sizeof small) {
		strbuf_add(sb, small, (size_t)n);
		return;
	}
	strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void strbuf_add_hex(struct strbuf *sb, unsigned long long v, int pad)
{
	char buf[16];
	int n = 16;

	do {
		buf[--n] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v || (pad && n > 0));
	strbuf_add(sb, buf + n, (size_t)(16 - n));
}

/* Each byte's value as a hex digit, plus one (0: not a digit). */
static const unsigned char hex_value[256] = {
	['0'] = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	['A'] = 11, 12, 13, 14, 15, 16,
	['a'] = 11, 12, 13, 14, 15, 16,
};

int strbuf_hex_digit(char c)
{
	return hex_value[(unsigned char)c] - 1;
}

int strbuf_read_hex(const char *s, unsigned long long *v, const char **end)
{
	unsigned long long x = 0;
	const char *p = s;

	for (; p - s < 16 && hex_value[(unsigned char)*p]; p++)
		x = x << 4 | (unsigned)(hex_value[(unsigned char)*p] - 1);
	*v = x;
	*end = p;
	return p > s ? 0 : -1;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Bytes that escaping changes: 1 in HTML, 2 in JSON (a table read a byte
 * at a time is faster than a switch over the text of every page). */
#define H 1
#define J 2
static const unsigned char special[256] = {
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	J, J, J, J, J, J, J, J, J, J, J, J, J, J, J, J,
	['"'] = H | J, ['&'] = H, ['\''] = H, ['<'] = H | J, ['>'] = H, ['\\'] = J,
};
#undef H
#undef J

void strbuf_add_url(struct strbuf *sb, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~!$&'()*+,;=:@", *p))
			strbuf_addch(sb, (char)*p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

void strbuf_add_html(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, start = 0;
	const char *rep;

	strbuf_grow(sb, len);
	for (;; i++) {
		while (i < len && !(special[(unsigned char)s[i]] & 1))
			i++;
		if (i == len)
			break;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		strbuf_add(sb, s + start, i - start);
		strbuf_adds(sb, rep);
		start = i + 1;
	}
	strbuf_add(sb, s + start, len - start);
}

/* Like strbuf_add_html: the runs between escapes are copied whole. */
void strbuf_add_json(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, start = 0;
	const char *rep;
	char ctl[8];

	strbuf_grow(sb, len);
	for (;; i++) {
		unsigned char c;

		while (i < len && !(special[(unsigned char)s[i]] & 2))
			i++;
		if (i == len)
			break;
		switch (c = (unsigned char)s[i]) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '<': rep = "\\u003c"; break; /* safe inside <script> */
		default:
			snprintf(ctl, sizeof ctl, "\\u%04x", c);
			rep = ctl;
		}
		strbuf_add(sb, s + start, i - start);
		strbuf_adds(sb, rep);
		start = i + 1;
	}
	strbuf_add(sb, s + start, len - start);
}
