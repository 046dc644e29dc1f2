/* content: every file under content/, read once into documents. */
#ifndef WAYMARK_CONTENT_H
#define WAYMARK_CONTENT_H

#include <stddef.h>

#include "diag.h"
#include "value.h"

/*
 * A document is one content file: a Markdown file (front matter + body)
 * or a YAML data file. Each is read and parsed exactly once per build.
 * `path` is what diagnostics show (the site directory joined with
 * "content/" and `rel`); every position in `meta` points at it, so a
 * document must outlive its tree (content_release frees both in order).
 */
struct doc {
	char *rel;        /* below content/: "pages/about.md" */
	char *path;       /* "content/pages/about.md", or "site/content/..." */
	int is_markdown;
	struct value *meta; /* front matter (a map, empty when none) or YAML data */
	void *meta_block;   /* the memory meta was made in, when read from the cache */
	unsigned long long meta_hash; /* value_hash(meta): see content_hash_meta */
	/* Markdown body (NULL for YAML). NULL too for a document read from
	 * the build cache until content_body() reads it again; body_len and
	 * body_hash (value_hash_fast, see content_hash_body) are always set. */
	char *body;
	size_t body_len;
	unsigned long long body_hash;
	int body_line;    /* line of the body's first line in the file */
	int draft;
	int claimed;      /* rendered by the model as part of a typed page */
	char *html;       /* the rendered body, once the build has rendered it */
	unsigned long long body_key; /* hash of all that made html and toc */
	/* when not 0: html and toc, or html_joined, are still in the build
	 * cache under this key, until a page needs them */
	unsigned long long html_later, joined_later;
	struct value *toc; /* its table of contents, likewise */
	char *html_joined; /* a guide chapter's body with ids made unique for
			    * the page that joins every chapter */
	char *url;        /* clean URL: "/about/" (Markdown only) */
	char *out;        /* output file below the output dir: "about/index.html" */
};

struct content {
	struct doc **docs; /* sorted by rel */
	size_t n, alloc;
	/* every file below content/, sorted (the stamp's listing, borrowed):
	 * among them the pictures and documents a site publishes as they are
	 * (content_is_file) */
	const struct fs_list *listed;
};

struct cache;
struct fs_list;

/*
 * Read every .md, .yaml and .yml file below `site_dir`/content. Drafts are
 * left out unless `drafts`. Every problem found is recorded (unreadable
 * files as I/O errors); documents that could not be read or parsed are
 * left out. Returns 0 when nothing went wrong, -1 otherwise.
 *
 * With a `cache` (else NULL), a file unchanged since the build that
 * cached it is not parsed again: its fields come from the cache and its
 * body is left to content_body. `seed` names the program (a new waymark
 * parses everything again). `listed`, when not NULL, is every file below
 * content/ with its stat (see fs_stamp_list), so they are not listed again.
 */
int content_load(struct content *c, const char *site_dir, int drafts, struct cache *cache,
		 unsigned long long seed, const struct fs_list *listed, struct diag_list *dl);
/* Make sure d->body is there, reading the file again if need be (safe
 * from several threads). 0, or -1 recorded (the file is gone, or changed
 * since it was loaded). */
int content_body(struct doc *d, struct diag_list *dl);
/* content_body for every document. */
int content_bodies(struct content *c, struct diag_list *dl);
/* Set d->body_hash from d->body (after changing the body). */
void content_hash_body(struct doc *d);
/* Set d->meta_hash from d->meta (after changing the fields). */
void content_hash_meta(struct doc *d);
void content_release(struct content *c);
/* Free one document (its tree too); NULL is a no-op. */
void content_free_doc(struct doc *d);
/* Sort the documents by rel again (after adding some). */
void content_sort(struct content *c);
/* Read and parse one file, `rel` below `site_dir`/content, as content_load
 * would (without the cache): the document, or NULL (recorded). */
struct doc *content_load_file(const char *site_dir, const char *rel, struct diag_list *dl);
/* 1 when the file `rel` is Markdown (its name ends in ".md"), else 0. */
int content_is_markdown(const char *rel);
/* The document whose rel is `rel`, or NULL. */
struct doc *content_find(const struct content *c, const char *rel);
/* Where that document is in c->docs, or (size_t)-1. */
size_t content_place(const struct content *c, const char *rel);
/* The Markdown document whose rel is nearest to `rel` (for "did you
 * mean"), or NULL. */
const char *content_suggest(const struct content *c, const char *rel);

/*
 * Files published as they are, at their place below content/: pictures
 * (.png .jpg .jpeg .gif .webp .avif) and documents (.pdf) beside the
 * Markdown that shows or links them. (Not .svg: a drawing can hold script,
 * which raw HTML being off keeps out of pages.)
 */
/* 1 when `rel`'s name ends in one of those extensions (any case), else 0. */
int content_is_file(const char *rel);
/* 1 for the pictures among them. */
int content_is_picture(const char *rel);
/* Whether listed file i is such a file that a page may show or link: a
 * regular one (a link to nowhere is listed, but is not one). */
int content_file_usable(const struct fs_list *listed, size_t i);
/* `rel` as `listed` has it, when it is such a file there; else NULL. */
const char *content_file_find(const struct fs_list *listed, const char *rel);
/* Its stat as listed, when it is such a file there; else NULL. */
const struct stat *content_file_stat(const struct fs_list *listed, const char *rel);
/* The published file in `listed` nearest to `rel` (for "did you mean"),
 * or NULL. */
const char *content_file_suggest(const struct fs_list *listed, const char *rel);
/* Where the address `src`, written in the file `from` (both below
 * content/), leads: the path below content/ (to free); NULL when `src` is
 * not such an address (it has a scheme, or starts with '/', '#' or '?'),
 * or when it climbs out of content/ (then *outside is set). */
char *content_relative(const char *from, const char *src, int *outside);
/* The path below content/ that the address `src` from the site's root
 * names ("/stories/ana.jpg?x" → "stories/ana.jpg", read as a browser reads
 * it: see slug_normalize_root_path), to free; NULL when `src` does not
 * start with one '/'. */
char *content_rooted(const char *src);
/* A picture bigger than this is a warning: a worker on a phone downloads
 * all of it with the page. */
#define CONTENT_PICTURE_MAX (500 * 1024)

#endif
