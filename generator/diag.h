/* diag: the list of problems found while building, in one printable format. */
#ifndef WAYMARK_DIAG_H
#define WAYMARK_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"
#include "value.h"

/*
 * Every module records problems here instead of printing them; only main.c
 * prints. The format is `path:line:col: error|warning: message` (line and
 * col are left out when unknown): lowercase, no full stop, subject quoted.
 */
enum diag_level {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	enum diag_level level;
	char *file; /* owned copy; NULL for problems not tied to a file */
	int line, col;
	char *msg;
};

struct diag_list {
	struct diag *items;
	size_t n, alloc;
	size_t errors, warnings;
	size_t io_errors; /* errors that are I/O failures (also in `errors`) */
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0, 0, 0 }

void diag_list_init(struct diag_list *dl);
void diag_list_release(struct diag_list *dl);

/* Record a problem at `pos` (which may be NULL or have file NULL). */
void diag_error(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error that is an I/O failure (unreadable file, full disk): exit 3. */
void diag_io_error(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warning(struct diag_list *dl, const struct pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_add(struct diag_list *dl, enum diag_level level, const char *file,
	      int line, int col, const char *msg);
/* Move every entry of `from` to the end of `to`; `from` is left empty. */
void diag_list_move(struct diag_list *to, struct diag_list *from);
/* Sort by file, line, column (stable), so output does not depend on order
 * of discovery. */
void diag_list_sort(struct diag_list *dl);
/* Print every entry, one a line. */
void diag_list_print(const struct diag_list *dl, FILE *out);
/* Format one entry into a string the caller frees. */
char *diag_format(const struct diag *d);
/* The list as values, for JSON (waymark check --format json): each a map of
 * file (null when the problem is not in one), line and column (null when
 * unknown), severity ("error" or "warning") and message. */
struct value *diag_list_value(const struct diag_list *dl);
/* A directory's listing (fs_list) failed at `dir`: a link that makes a
 * loop is the author's error; anything else an I/O error. */
void diag_listing_failed(struct diag_list *dl, const char *dir, int err);
/* Position of byte `off` of text, as line:col (columns count characters),
 * the text starting on line 1 + line_offset of file. */
struct pos diag_pos_at(const char *file, const char *text, size_t off, int line_offset);
/* Whether text (line 1 of it being line 1 + line_offset of file) holds
 * invalid UTF-8 or a NUL byte: if so, records an error at the first. */
int diag_invalid_utf8(struct diag_list *dl, const char *file, const char *text, size_t len,
		      int line_offset);

/*
 * Keep diagnostics as text (a build cache note) and bring them back: one
 * "file\tline\tcol\tmessage" line each. diag_list_save appends the
 * entries of `level` to `out`; diag_list_load adds every line of `text`
 * to `dl` at that level (NULL text adds nothing).
 */
void diag_list_save(const struct diag_list *dl, enum diag_level level, struct strbuf *out);
void diag_list_load(struct diag_list *dl, enum diag_level level, const char *text);

/*
 * The candidate closest to `word` by edit distance, or NULL when none is
 * close enough to be a likely typo. Used for "did you mean 'x'?".
 */
const char *diag_suggest(const char *word, const char *const *candidates, size_t n);

#endif
