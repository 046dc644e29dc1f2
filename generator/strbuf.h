/* strbuf: the one growable string buffer used everywhere. */
#ifndef WAYMARK_STRBUF_H
#define WAYMARK_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

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
/* Make room for at least `extra` more bytes. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
static inline void strbuf_reset(struct strbuf *sb) { strbuf_setlen(sb, 0); }

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
/* v in lowercase hex: 16 digits when `pad`, else as few as it takes.
 * For files of many thousands of lines, where printf is most of the work. */
void strbuf_add_hex(struct strbuf *sb, unsigned long long v, int pad);
/* And back: up to 16 hex digits at s (no sign, space or "0x", as
 * strbuf_add_hex writes them; strtoull takes 30 times as long). 0 with *v
 * and *end after them, or -1 when s has none (*v 0). */
int strbuf_read_hex(const char *s, unsigned long long *v, const char **end);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append with & < > " ' replaced by HTML entities. */
void strbuf_add_html(struct strbuf *sb, const char *s, size_t len);
/* Append as the body of a JSON string (no surrounding quotes). */
void strbuf_add_json(struct strbuf *sb, const char *s, size_t len);

#endif
