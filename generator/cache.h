/* cache: what each output was made from at the last build, to skip
 * re-rendering pages whose inputs did not change. */
#ifndef WAYMARK_CACHE_H
#define WAYMARK_CACHE_H

#include <stddef.h>

#include "strbuf.h"

/*
 * A cache maps an output path ("about/index.html") to the hash of
 * everything that made it (the page's template context, the theme's
 * templates, the site's settings and hooks) and to the text of what its
 * context read (see pages_deps_text). If they say nothing changed and the
 * previous output file is there, the page is neither rendered nor written
 * again.
 *
 * It lives in one file beside the output directory
 * (".waymark-cache-public") and is replaced only after a successful build,
 * so it never describes an output that does not exist. A missing or
 * unreadable cache just means every page is rendered. The pages' part is
 * only parsed when first asked for: a build that finds nothing changed
 * reads just the notes.
 *
 * Every function may be called from several threads at once.
 */
struct cache;

/* Read the cache that belongs to output directory `out_dir` (an empty
 * cache when there is none, or when a build was stopped while it wrote the
 * output: see cache_writing). Never NULL. */
struct cache *cache_load(const char *out_dir);
/*
 * A build changes the output, then saves the cache that describes it.
 * Stopped in between (killed, a power cut), it leaves an output the cache
 * does not describe, and the next build would keep pages by it that are
 * not what the cache says (after an edit undone, every page of the undone
 * state). So before it changes the output a build marks it with
 * cache_writing (an empty file, "<cache>.writing"), and once the cache is
 * saved takes the mark off with cache_written; a build that finds the mark
 * trusts nothing of the cache but its blobs (which are named by what they
 * were made from), renders every page and takes no quick path.
 */
int cache_writing(struct cache *c);
void cache_written(struct cache *c);
/* The process is about to end in the middle of a build (a Lua call that
 * does not return): remove the blobs it was adding, from any thread. */
void cache_discard_new(const struct cache *c);
/* Keep nothing new: blobs are read but not added (waymark check writes
 * nothing, not even beside the output). */
void cache_read_only(struct cache *c);
/* Whether the last build was stopped while it wrote the output. */
int cache_interrupted(const struct cache *c);
/* The hash recorded for `out` at the last build, or 0 when none; and in
 * *deps (when not NULL) what it read, or "" (owned by the cache). */
unsigned long long cache_get(struct cache *c, const char *out, const char **deps);
/* Look whether each page the last build made is still a file below the
 * directory `dirfd` (its output), ahead of the pages, on a thread that
 * would otherwise wait (a rebuild of 10,000 pages keeps most of them, and
 * asked the system about each in turn as it kept it). cache_there then
 * says what it found of the page of rank `rank` (see below): 1 a file, 0
 * not, -1 not looked at (or no such page). A `dirfd` of -1 takes every
 * page for there (an output its own process keeps: build_opts'
 * output_trusted). */
void cache_look(struct cache *c, int dirfd);
int cache_there(struct cache *c, long rank);
/* The last build's pages by rank, for work on them all ahead of the
 * pages: how many there are, and what cache_get gives of each (rank <
 * cache_pages). cache_rank is `out`'s rank, or -1. */
size_t cache_pages(struct cache *c);
unsigned long long cache_page(struct cache *c, size_t rank, const char **deps);
long cache_rank(struct cache *c, const char *out);
/* Record `hash` and `deps` (NULL for none; no newlines) for `out` in this
 * build's cache. */
void cache_put(struct cache *c, const char *out, unsigned long long hash, const char *deps);
/* Record for the last build's page of rank `rank` (cache_rank) what the
 * last build recorded (cache_get's hash and deps), as it was; nothing
 * for -1. */
void cache_keep(struct cache *c, long rank);
/*
 * Notes: any text kept from one build to the next under a key (a chart's
 * measured size and warnings, say). cache_note_get returns last build's
 * text (owned by the cache) or NULL; cache_note_put records this build's,
 * which is what the next build will see (so a note not put again is
 * forgotten).
 */
const char *cache_note_get(const struct cache *c, const char *key);
void cache_note_put(struct cache *c, const char *key, const char *text);
/*
 * Blobs: larger results kept from one build to the next by key (a page's
 * rendered Markdown), in one pack file beside the cache
 * (".waymark-cache-public.pack"). cache_blob_get appends last build's
 * bytes to `out` and returns 1, or returns 0 when there are none;
 * cache_blob_put stores this build's. Blobs neither got nor put in a build
 * are dropped when the pack is next rewritten (once they are half of it).
 * Each blob is checked as it is got: damaged bytes count as no blob.
 */
int cache_blob_get(struct cache *c, unsigned long long key, struct strbuf *out);
/* cache_blob_get without the copy: last build's bytes (*len of them) as
 * the cache has them mapped, valid until cache_free; NULL when none. */
const char *cache_blob_view(struct cache *c, unsigned long long key, size_t *len);
void cache_blob_put(struct cache *c, unsigned long long key, const void *data, size_t len);
/* 1 when last build kept a blob under key (which is then kept for the
 * next build too), without reading it; else 0. */
int cache_blob_has(struct cache *c, unsigned long long key);

/* Write this build's entries beside `out_dir`. 0 or -1 (errno). */
int cache_save(struct cache *c, const char *out_dir);
/* Write this build's notes (over the last build's), keeping the last
 * build's page entries and blobs as they are: for a build that rendered
 * pages without them (the quick path; blobs it put are not kept). 0 or -1
 * (errno). */
int cache_save_notes(struct cache *c, const char *out_dir);
/* "<parent>/.waymark-cache-<name><suffix>", a file of the cache's own that
 * the caller reads and writes; the caller frees it. */
char *cache_file(const char *out_dir, const char *suffix);
void cache_free(struct cache *c);

#endif
