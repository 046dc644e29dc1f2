/* slug: ids for URLs and anchors, and the clean URL of a content file. */
#ifndef WAYMARK_SLUG_H
#define WAYMARK_SLUG_H

#include "strbuf.h"

/*
 * Append the slug of text[0..len) to `out`: ASCII letters lowercased,
 * runs of anything that is not a letter or digit become one '-', with no
 * '-' at either end. Non-ASCII UTF-8 letters are kept as they are (they
 * are valid in URLs and HTML ids). Text with nothing usable gives
 * `fallback`.
 */
void slug_add(struct strbuf *out, const char *text, size_t len, const char *fallback);
/* The same, returned as a new string the caller frees. */
char *slug_make(const char *text, const char *fallback);
/* 1 when `id` is a valid record id: non-empty, [a-z0-9-], no leading,
 * trailing or doubled '-'. */
int slug_valid_id(const char *id);

/*
 * Clean URL and output file of a content file, from its path relative to
 * content/: "pages/about.md" → "/about/" and "about/index.html";
 * "_index.md" → "/" and "index.html"; "guides/x/_index.md" → "/guides/x/";
 * "stories/My Day.md" → "/stories/my-day/". Both strings are new and
 * owned by the caller.
 */
void slug_url_of(const char *rel, char **url, char **out);

/*
 * Normalize "a/b/../c" → "a/c" (removing "." and empty segments).
 * Returns a new string, or NULL when ".." climbs above the top.
 */
char *slug_normalize_path(const char *path);
/* Whether `url` is an address from the site's root ("/plan/"), not one
 * with a scheme, a relative one or "//host" (another site). NULL is not. */
int slug_from_root(const char *url);
/* The same for the path of an address from the site's root ("a/../../b"
 * → "b"): ".." at the top stays there, as a browser reads it. */
char *slug_normalize_root_path(const char *path);

/*
 * The path that leads from the file `from` to the file `to` (both relative
 * to the same top): from "pages/about.md" to "pathways/x.md" gives
 * "../pathways/x.md". A new string the caller frees.
 */
char *slug_relative_path(const char *from, const char *to);

#endif
