/* strbuf: the one growable string buffer used everywhere. */
#ifndef WAYMARK_STRBUF_H
#define WAYMARK_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/*
 * Invariants: `buf` is never NULL and always NUL-terminated; `len` bytes
 * before the NUL are the content (which may itself hold NUL bytes).
 * A buffer that has never grown points at a shared empty string and owns
 * nothing, so STRBUF_INIT needs no release, but releasing it is harmless.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT { strbuf_empty, 0, 0 }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the memory; the buffer is empty and reusable afterwards. */
void strbuf_release(struct strbuf *sb);
/* Hand the string over to the caller (who frees it); the buffer is reset.
 * Never returns NULL. *len_out (if not NULL) receives the length. */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
/* Make room for `need` bytes in all (strbuf_grow's slow path). */
void strbuf_grow_to(struct strbuf *sb, size_t need);
/* Make room for at least `extra` more bytes. Inline, as strbuf_add and
 * strbuf_addch are: they run millions of times a build, nearly always
 * with room to spare. */
static inline void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->alloc)
		strbuf_grow_to(sb, sb->len + extra + 1);
}
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb) { strbuf_setlen(sb, 0); }

static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

static inline void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}
/* v in lowercase hex: 16 digits when `pad`, else as few as it takes.
 * For files of many thousands of lines, where printf is most of the work. */
void strbuf_add_hex(struct strbuf *sb, unsigned long long v, int pad);
/* And back: up to 16 hex digits at s (no sign, space or "0x", as
 * strbuf_add_hex writes them; strtoull takes 30 times as long). 0 with *v
 * and *end after them, or -1 when s has none (*v 0). */
int strbuf_read_hex(const char *s, unsigned long long *v, const char **end);
/* The value of one hex digit (either case), or -1. */
int strbuf_hex_digit(char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append with & < > " ' replaced by HTML entities. */
void strbuf_add_html(struct strbuf *sb, const char *s, size_t len);
/* Append a path as it may stand in a URL: bytes other than letters,
 * digits and /-._~!$&'()*+,;=:@ percent-encoded ("IMG 1.jpg" → "IMG%201.jpg"). */
void strbuf_add_url(struct strbuf *sb, const char *path);
/* Append as the body of a JSON string (no surrounding quotes). */
void strbuf_add_json(struct strbuf *sb, const char *s, size_t len);

#endif
