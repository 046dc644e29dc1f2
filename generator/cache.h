/* cache: what each output was made from at the last build, to skip
 * re-rendering pages whose inputs did not change. */
#ifndef WAYMARK_CACHE_H
#define WAYMARK_CACHE_H

#include <stddef.h>

/*
 * A cache maps an output path ("about/index.html") to the hash of
 * everything that made it: the page's whole template context (which holds
 * every record, back-link and body it shows), the theme's templates, the
 * site's settings and hooks. If the hash is unchanged and the previous
 * output file is there, the page is neither rendered nor written again.
 *
 * It lives in one file beside the output directory
 * (".waymark-cache-public") and is replaced only after a successful build,
 * so it never describes an output that does not exist. A missing or
 * unreadable cache just means every page is rendered.
 *
 * cache_get may be called from several threads at once; cache_put may
 * too (it takes a lock).
 */
struct cache;

/* Read the cache that belongs to output directory `out_dir` (an empty
 * cache when there is none). Never NULL. */
struct cache *cache_load(const char *out_dir);
/* The hash recorded for `out` at the last build, or 0 when none. */
unsigned long long cache_get(const struct cache *c, const char *out);
/* Record `hash` for `out` in this build's cache. */
void cache_put(struct cache *c, const char *out, unsigned long long hash);
/*
 * Notes: any text kept from one build to the next under a key (a chart's
 * measured size and warnings, say). cache_note_get returns last build's
 * text (owned by the cache) or NULL; cache_note_put records this build's,
 * which is what the next build will see (so a note not put again is
 * forgotten).
 */
const char *cache_note_get(const struct cache *c, const char *key);
void cache_note_put(struct cache *c, const char *key, const char *text);
/* Write this build's entries beside `out_dir`. 0 or -1 (errno). */
int cache_save(const struct cache *c, const char *out_dir);
void cache_free(struct cache *c);

#endif
