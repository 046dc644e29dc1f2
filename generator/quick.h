/* quick: what a rebuild needs to put a Markdown file's new body into the
 * pages that show it, without the model (see build.c, quick_build). */
#ifndef WAYMARK_QUICK_H
#define WAYMARK_QUICK_H

#include <stddef.h>
#include <sys/stat.h>

#include "strbuf.h"

/* Where a page shows its document's body: bytes [at, at + len) of the
 * page's file, which hash to `html`, with the headings that hash to `toc`
 * around them. */
struct quick_splice {
	size_t at, len;
	unsigned long long html, toc;
	int ok;     /* 0: the page shows the body some other way (escaped, twice...) */
	int absent; /* the page does not show the body at all (a list's later
		     * page): nothing to splice, only its headings (toc) to keep */
	/* a helper's section that reads the body and nothing else (struct
	 * mustache_watch): its output is bytes [lambda_at, + lambda_len),
	 * which hash to lambda_html, and `lambda` (lambda_size bytes, not
	 * owned, NULL when there is none) is "<name>:<its text in hex>" */
	size_t lambda_at, lambda_len;
	unsigned long long lambda_html;
	const char *lambda;
	size_t lambda_size;
};

struct quick_block;

/* A Markdown file of the site as the last build left it. */
struct quick_file {
	char *rel;                  /* below content/, as listed */
	unsigned long long stat;    /* quick_stat of the file */
	int built;                  /* 0: a draft, or a body shown in other ways */
	unsigned long long meta;    /* its front matter's hash */
	char *url;                  /* its URL, as links to it resolve */
	char **outs;                /* the pages that show its body... */
	struct quick_splice *splices; /* ...and where */
	size_t npages;
	size_t apages;              /* room in outs and splices */
	char *pages_text;           /* those pages as quick_load read them, until
				     * quick_file_pages makes outs and splices */
	const char *line;           /* the whole line as quick_load read it (its
				     * tabs NULs now), while nothing in it changed:
				     * quick_lines writes it again as it was */
	size_t line_len;
};

struct quick {
	unsigned long long frame;   /* everything but the Markdown files' bytes */
	unsigned long long depends; /* what every body depends on */
	unsigned long long state;   /* what bodies reach in Lua after the site
				     * hook (hookrun_state_print), or 0 */
	size_t pages, files;        /* the last build's counts, to report */
	struct quick_file *items;   /* sorted by rel */
	size_t n, alloc;
	char *text;                 /* the file quick_load read, split in place:
				     * its entries' rel, url and pages_text */
	struct quick_block *pool;   /* the rest of their text and arrays, in
				     * blocks freed whole (a build gathers
				     * 10,000 entries, 60,000 pieces) */
};

/* The size, times and inode of a file, as one hash. */
unsigned long long quick_stat(const struct stat *st);

/* Read `path`; 0, or -1 when it is missing or not a quick file. */
int quick_load(struct quick *q, const char *path);
/* Write `q` to `path` (through a temporary file). 0 or -1 (errno). */
int quick_save(const struct quick *q, const char *path);
/* The same in two steps, so that the long one can be done ahead: every
 * file's line (all but the first line, which has the counts), then
 * writing them under q's first line. */
void quick_lines(const struct quick *q, struct strbuf *lines);
int quick_write(const struct quick *q, const struct strbuf *lines, const char *path);
/* How many pages f names, parsed or not. */
size_t quick_pages_count(const struct quick_file *f);
/* Fill f's outs and splices from the text quick_load kept (most rebuilds
 * need the pages of one file, or of none): 0, or -1 when it is not a list
 * of pages. */
int quick_file_pages(struct quick *q, struct quick_file *f);
/* The entry for `rel`, or NULL. */
struct quick_file *quick_find(const struct quick *q, const char *rel);
/* Add an entry (copying rel and url); entries must come sorted by rel. */
struct quick_file *quick_add(struct quick *q, const char *rel, unsigned long long stat);
void quick_add_page(struct quick *q, struct quick_file *f, const char *out,
		    const struct quick_splice *s);
/* A copy of s that lives as long as q (for an entry's url). */
char *quick_copy(struct quick *q, const char *s);
void quick_release(struct quick *q);

/* A helper's section as a splice keeps it, "<name>:<text in hex>"; NULL
 * when the name is not a plain one (letters, digits, '_' and '-'). And
 * back: its name and text appended to `name` and `text`, 0 or -1. */
char *quick_lambda(const char *name, size_t name_len, const char *text, size_t text_len);
int quick_lambda_read(const char *lambda, size_t size, struct strbuf *name, struct strbuf *text);

/* A page's splice as a token of its cache note ("s<at>,<len>,<toc>,<html>",
 * then ";<at>,<len>,<html>,<lambda>" for a helper's output, or "s=<toc>"
 * for a page without the body),
 * and back: quick_note_parse reads one at `text` if there is one, and
 * returns where the rest of the note starts. */
void quick_note(struct strbuf *sb, const struct quick_splice *s);
const char *quick_note_parse(const char *text, struct quick_splice *s);

#endif
