/* markdown: Markdown to HTML through cmark-gfm, with heading ids, a table of
 * contents and links between content files. */
#ifndef WAYMARK_MARKDOWN_H
#define WAYMARK_MARKDOWN_H

#include <stddef.h>

#include "diag.h"
#include "strbuf.h"
#include "value.h"

/*
 * Looks up the clean URL of a content file given its path relative to
 * content/ ("pathways/healthcare.md", or a picture or document there:
 * content_is_file). Returns the URL (owned by the
 * callee, valid for the whole render) or NULL when there is no such file;
 * then *suggest may be set to a near path for "did you mean".
 */
struct cmark_node;

typedef const char *(*markdown_resolve_fn)(void *ctx, const char *rel,
					   const char **suggest);

struct markdown_opts {
	const char *path;     /* for diagnostics: "content/pages/about.md" */
	const char *rel;      /* path relative to content/, for relative links */
	int line_offset;      /* lines above the body (front matter) */
	int unsafe;           /* let raw HTML through (site.yaml markdown.unsafe) */
	markdown_resolve_fn resolve;
	void *resolve_ctx;
	/* if not NULL, called with resolve_ctx for each picture of the site's
	 * that resolve found (its path relative to content/): 0 with its width
	 * and height in pixels, which its <img> then states (the page keeps
	 * its place while the picture loads), or -1 when they are not known */
	int (*picture_size)(void *ctx, const char *rel, int *width, int *height);
	/* if not NULL, called with resolve_ctx for each address from the
	 * site's root ("/plan/", "/stories/ana.jpg": as written, before
	 * base_path, without its ?query or #fragment, %XX decoded): 0 when
	 * the site makes no page or file there, with the address it most
	 * likely meant in *suggest (or NULL), which is then a warning at the
	 * link; else 1 */
	int (*site_address)(void *ctx, const char *path, const char **suggest);
	const char *id_prefix; /* put before every heading id ("c2-"), or NULL:
				* for pages that join several documents */
	int heading_shift;     /* add to every heading level (at most h6) */
	/* if not NULL, called on the parsed tree before links and headings
	 * are handled (a Lua markdown hook); returns 0 or -1 (recorded) */
	int (*filter)(void *ctx, struct cmark_node *doc, struct diag_list *dl);
	void *filter_ctx;
	const char *base_path; /* "/sub/": put before links that start with one
				* '/' ("/plan/" → "/sub/plan/"); NULL or "/": none */
	/* ids the page's template uses itself ("steps", "contents"): a
	 * heading never takes one (see theme_ids) */
	const char *const *reserved;
	size_t nreserved;
	struct strbuf *plain;  /* if not NULL, receives the words of the page:
				* each heading, paragraph, list item and table
				* cell a block, blocks separated by a blank line */
};

/*
 * The warning at `pos` about an address from the site's root, `url` as
 * written (its ?query or #fragment left out of the warning), that the site
 * does not make: `path` is what site_address was asked, `suggest` what it
 * answered; `image` when a picture shows it.
 */
void markdown_missing_address(struct diag_list *dl, const struct pos *pos, const char *url,
			      const char *path, const char *suggest, int image);

/*
 * Call once in main, before any thread starts: registers cmark-gfm's
 * extensions (registering twice aborts inside the library).
 */
void markdown_init(void);

/*
 * The allocator for nodes made for the tree markdown_render is working
 * on (by its filter, say): the render's arena, or cmark-gfm's default
 * outside a render. Every node of a tree must come from one allocator.
 */
struct cmark_mem *markdown_mem(void);

/*
 * Render text[0..len) as HTML, appended to `html`. Headings get ids made
 * from their text (unique within the page); `toc` (if not NULL) receives
 * a new list of {level, id, title} maps, which the caller frees. Links to
 * content files become clean URLs; a link to a missing file is an error
 * at its line. Raw HTML is shown as text unless opts->unsafe.
 *
 * Safe to call from several threads: cmark-gfm's parser shares process-wide
 * state (see ../shared/NOTES.md), so parses take turns under a lock, and
 * the rest of the work runs at once. opts->filter must be safe too.
 * Returns 0, or -1 when an error was recorded (the HTML is still written).
 */
int markdown_render(const char *text, size_t len, const struct markdown_opts *opts,
		    struct strbuf *html, struct value **toc, struct diag_list *dl);

/* Seconds spent parsing, in the process so far: since parses take turns,
 * rendering bodies takes at least this long however many CPUs there are
 * (WAYMARK_TIMINGS=1 prints it beside the bodies' time). */
double markdown_parse_seconds(void);

#endif
