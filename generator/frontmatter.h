/* frontmatter: splitting a Markdown file into its YAML front matter and body. */
#ifndef WAYMARK_FRONTMATTER_H
#define WAYMARK_FRONTMATTER_H

#include <stddef.h>

/*
 * Front matter is a block at the very top of the file (after an optional
 * UTF-8 byte-order mark) opened by a line holding only `---` and closed by
 * a line holding only `---` or `...` (trailing spaces and \r allowed).
 * Offsets index the text given to frontmatter_split; lines are 1-based.
 */
struct frontmatter {
	int present;      /* 1 when the file opens with a fence */
	size_t yaml_off;  /* the YAML between the fences */
	size_t yaml_len;
	int yaml_line;    /* line number of the first YAML line */
	size_t body_off;  /* the Markdown after the closing fence */
	int body_line;    /* line number of the body's first line */
};

/* Returns 0, or -1 when the opening fence is never closed (then
 * fm->present is 1 and the opening fence is on line 1). Without front
 * matter the whole text is the body. */
int frontmatter_split(const char *text, size_t len, struct frontmatter *fm);

#endif
