/* build: the pipeline from a site directory to a written site. */
#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "chartpng.h"
#include "charttext.h"
#include "config.h"
#include "content.h"
#include "exports.h"
#include "feeds.h"
#include "figures.h"
#include "fsutil.h"
#include "hookrun.h"
#include "markdown.h"
#include "model.h"
#include "output.h"
#include "pages.h"
#include "picture.h"
#include "quick.h"
#include "readability.h"
#include "slug.h"
#include "strbuf.h"
#include "theme.h"
#include "threads.h"
#include "value.h"
#include "xalloc.h"

/* A layout and the hash of the templates rendering it can use. */
struct layout_print {
	const char *name;
	int has;                 /* the theme has the template */
	unsigned long long seed; /* what every page of this layout depends
				  * on besides its context: the build's
				  * inputs, the templates it can use, and
				  * which waymark this is */
};

/* Everything one build needs, passed down instead of kept in globals. */
struct build {
	const struct build_opts *opts;
	struct config cfg;
	struct theme theme;
	struct content content;
	struct model model;
	struct page_list pages;
	struct pages_env env;  /* what every page context shares */
	struct output out;
	struct diag_list *dl;
	char *base_path;    /* "/" or "/sub/": the path part of base_url */
	char *content_dir;  /* the site's content/ */
	struct value *site; /* the `site` map every page context shares */
	struct cache *cache; /* what each output was made from last time */
	const char *out_dir; /* the output directory (build_run's) */
	struct hookrun *hooks; /* the site's Lua hooks */
	struct build_stats *stats;
	unsigned long long inputs; /* hash of what every page depends on */
	unsigned long long reads;  /* the files the hooks read last time, as they are now */
	struct layout_print *layouts; /* the templates each layout can use */
	size_t nlayouts;
	size_t *layout_of;         /* per page: its layout, in layouts */
	unsigned long long program; /* which waymark this is (its size and time) */
	atomic_size_t skipped;     /* pages whose inputs had not changed */
	pthread_mutex_t body_lock; /* fetching bodies left in the cache */
	atomic_int cache_damaged;  /* a body left in the cache could not be read */
	/* for the quick path (see quick_build) */
	int quick;                 /* this site can take it (hookrun_quick) */
	int quick_path;            /* this build is taking it */
	unsigned long long frame;  /* the stamp without the Markdown files' bytes */
	unsigned long long depends; /* what every body depends on (bodies_depend_on) */
	struct fs_list listed;     /* the content files, with their stats */
	struct quick_splice *splices; /* per page: where its body is */
	char **lambdas;            /* per page: its splice's lambda, when made by this build */
	size_t nlambdas;
	unsigned long long state;  /* what bodies can reach in Lua (hookrun_state_print) */
	char **dirty;              /* pages a quick build changed, sorted */
	size_t ndirty;
	struct quick last_quick;   /* the last build's, read while the stamp is taken */
	int last_quick_ok;         /* ...and found whole (read_quick) */
	struct quick next_quick;   /* for the next build (gather_quick) */
	struct strbuf next_lines;  /* ...its lines (quick_lines), made ahead */
	unsigned char *rendered;   /* per page: 1 when this build rendered it */
	struct last_page *last;    /* per rank of the last build's pages (read_last) */
	struct pages_tokens *tokens; /* their dependencies' tokens */
};

/* A page of the last build, as its cache entry says (read_last): the hash
 * of its file, the key it was made with, where its body went, and its
 * dependencies. */
struct last_page {
	unsigned long long hash, key;
	struct quick_splice splice;
	size_t first, n; /* its tokens in build.tokens */
	int ok;          /* 0: nothing to check, the page is rendered */
};

/* "https://example.org/sub/" → "/sub/"; "/" → "/" */
static char *path_of(const char *base_url)
{
	const char *p = strstr(base_url, "://");

	if (p) {
		p = strchr(p + 3, '/');
		return xstrdup(p ? p : "/");
	}
	return xstrdup(base_url);
}

/* Markdown links between content files: "pathways/nursing.md" → its URL,
 * in the calling thread's own buffer. */
struct linker {
	struct build *b;
	struct strbuf url; /* the last URL handed out */
	const struct quick *quick; /* the quick path's files, instead of the content */
	/* on the quick path, which has no pages: the files of the pages the
	 * changed bodies link to from the site's root, which it looks for in
	 * what the last build made ("plan/index.html") */
	char **made;
	size_t nmade;
};

static void linker_release(struct linker *l)
{
	size_t i;

	for (i = 0; i < l->nmade; i++)
		free(l->made[i]);
	free(l->made);
	strbuf_release(&l->url);
}

static const char *resolve(void *ctx, const char *rel, const char **suggest)
{
	struct linker *l = ctx;
	const char *url = NULL;

	if (!content_is_markdown(rel)) {
		/* a picture or document, published where it is: the stamp's
		 * listing has every file, on the quick path as on the full */
		url = content_file_find(&l->b->listed, rel);
		if (!url) {
			if (!l->quick)
				*suggest = content_file_suggest(&l->b->listed, rel);
			return NULL;
		}
		strbuf_reset(&l->url);
		strbuf_adds(&l->url, l->b->base_path);
		strbuf_adds(&l->url, url);
		return l->url.buf;
	}
	if (l->quick) {
		const struct quick_file *f = quick_find(l->quick, rel);

		url = f && f->built ? f->url : NULL; /* else the full path says why */
	} else {
		const struct doc *d = content_find(&l->b->content, rel);

		url = d && d->is_markdown ? d->url : NULL;
		if (!url)
			*suggest = content_suggest(&l->b->content, rel);
	}
	if (!url)
		return NULL;
	strbuf_reset(&l->url);
	strbuf_adds(&l->url, l->b->base_path);
	strbuf_adds(&l->url, url + 1);
	return l->url.buf;
}

/* Plain language: warn about a page above site.yaml's readability.max_grade,
 * and note every page's grade when asked (waymark check --readability). */
static void judge_reading(struct build *b, const struct doc *d, const struct readability *r)
{
	struct strbuf msg = STRBUF_INIT;
	struct pos where = { d->path, 0, 0 };

	if (b->cfg.max_grade && readability_warning(&msg, r, b->cfg.max_grade))
		diag_warning(b->dl, &where, "%s", msg.buf);
	if (b->stats->grades) {
		struct value *g = value_new_map();

		value_map_set_str(g, "path", d->path);
		value_map_set_num(g, "grade", r->grade);
		value_map_set_num(g, "words", (double)r->words);
		value_map_set_bool(g, "graded", r->graded);
		value_list_push(b->stats->grades, g);
	}
	strbuf_release(&msg);
}

/*
 * markdown_opts.site_address: a page by its URL ("/plan/", or "/plan" and
 * "/plan/index.html", which lead there too), or a picture or document
 * published from content/. Other files a build writes (the search index,
 * feeds, open data) are not looked for.
 */
static int site_address(void *ctx, const char *path, const char **suggest)
{
	struct linker *l = ctx;
	/* "/pathways/../plan/" is "/plan/", as a browser reads it */
	char *rel = slug_normalize_root_path(path + 1);
	const char *last, *s;
	struct strbuf url = STRBUF_INIT;
	int found = 1;

	last = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	if (content_is_file(rel)) {
		found = content_file_find(&l->b->listed, rel) != NULL;
		if (!found && !l->quick && (s = content_file_suggest(&l->b->listed, rel))) {
			strbuf_reset(&l->url);
			strbuf_addch(&l->url, '/');
			strbuf_adds(&l->url, s);
			*suggest = l->url.buf;
		}
		goto done;
	}
	if (strchr(last, '.') && strcmp(last, "index.html"))
		goto done; /* a file of another kind: not looked for */
	strbuf_addch(&url, '/');
	strbuf_add(&url, rel, (size_t)(last - rel));
	if (*last && strcmp(last, "index.html")) {
		strbuf_adds(&url, last);
		strbuf_addch(&url, '/');
	}
	if (l->quick) {
		l->made = xrealloc(l->made, (l->nmade + 1) * sizeof *l->made);
		strbuf_adds(&url, "index.html");
		l->made[l->nmade++] = xstrdup(url.buf + 1);
	} else if (!(found = pages_find(&l->b->pages, url.buf) != NULL)) {
		*suggest = pages_suggest(&l->b->pages, url.buf);
	}
done:
	strbuf_release(&url);
	free(rel);
	return found;
}

/* An address from the site's root that a field gives ("url: /plan/"),
 * looked for as one in Markdown is: a warning at it when the site does
 * not make it. */
static void check_field_address(struct linker *lk, const struct value *v, struct diag_list *dl)
{
	const char *url = v ? value_string(v) : NULL, *suggest = NULL;
	struct strbuf path = STRBUF_INIT;

	if (!slug_from_root(url))
		return;
	strbuf_add(&path, url, strcspn(url, "?#"));
	if (!site_address(lk, path.buf, &suggest))
		markdown_missing_address(dl, &v->pos, url, path.buf, suggest, 0);
	strbuf_release(&path);
}

/* The links site.yaml's menu and the data files give ("url: /frameworks/"
 * in a resource, say, or a skill's "uri: /guides/" in its aligns), once
 * the pages are planned. */
static void check_field_addresses(struct build *b, struct diag_list *dl)
{
	static const enum record_kind kinds[] = { RECORD_FRAMEWORK, RECORD_RESOURCE,
						  RECORD_ORGANIZATION };
	struct linker lk = { b, STRBUF_INIT, NULL, NULL, 0 };
	const struct record_list *skills = &b->model.all[RECORD_SKILL];
	size_t i, k;

	for (i = 0; b->cfg.menu && i < b->cfg.menu->n; i++)
		check_field_address(&lk, value_get(b->cfg.menu->items[i], "url"), dl);
	for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
		for (i = 0; i < b->model.all[kinds[k]].n; i++)
			check_field_address(&lk, value_get(b->model.all[kinds[k]].items[i]->v, "url"),
					    dl);
	for (i = 0; i < skills->n; i++) {
		const struct value *al = value_get(skills->items[i]->v, "aligns");

		for (k = 0; al && al->kind == VALUE_LIST && k < al->n; k++)
			check_field_address(&lk, value_get(al->items[k], "uri"), dl);
	}
	linker_release(&lk);
}

/* A picture's width and height, for its <img> (markdown_opts). */
static int size_of_picture(void *ctx, const char *rel, int *w, int *h)
{
	const struct linker *l = ctx;
	char *path = fs_join(l->b->content_dir, rel);
	int ret = picture_size(path, w, h);

	free(path);
	return ret;
}

/* What every body's HTML depends on besides its own text and fields: the
 * settings, every page's URL (links), the pictures (their sizes), the
 * hooks, and, when a site hook
 * can hand markdown hooks anything, what it left them in the Lua state
 * (hookrun_state_print), or else all it was given: site.yaml and all of
 * the content. */
static unsigned long long bodies_depend_on(const struct build *b)
{
	unsigned long long h = VALUE_HASH_SEED, lua = hookrun_fingerprint(b->hooks), state;
	int everything = hookrun_sees_everything(b->hooks) &&
			 !hookrun_state_print(b->hooks, &state);
	size_t i;

	/* a new waymark may render Markdown differently */
	h = value_hash_fast(&b->program, sizeof b->program, h);
	if (everything)
		h = value_hash(b->cfg.raw, h);
	else if (hookrun_sees_everything(b->hooks))
		h = value_hash_fast(&state, sizeof state, h);
	h = value_hash_fast(&b->reads, sizeof b->reads, h);
	h = value_hash_fast(&b->cfg.unsafe, sizeof b->cfg.unsafe, h);
	h = value_hash_fast(b->base_path, strlen(b->base_path) + 1, h);
	h = value_hash_fast(&lua, sizeof lua, h);
	for (i = 0; i < b->theme.nids; i++)
		h = value_hash_fast(b->theme.ids[i], strlen(b->theme.ids[i]) + 1, h);
	for (i = 0; i < b->content.n; i++) {
		const struct doc *d = b->content.docs[i];

		h = value_hash_fast(d->rel, strlen(d->rel) + 1, h);
		if (d->url)
			h = value_hash_fast(d->url, strlen(d->url) + 1, h);
		if (everything) {
			h = value_hash_fast(&d->meta_hash, sizeof d->meta_hash, h);
			h = value_hash_fast(&d->body_hash, sizeof d->body_hash, h);
		}
	}
	/* the pages an address from the site's root may name (site_address) */
	for (i = 0; i < b->pages.n; i++)
		h = value_hash_fast(b->pages.items[i].url, strlen(b->pages.items[i].url) + 1, h);
	/* the pictures and documents a body may show or link: which there are,
	 * as content_file_find finds them (a link to nowhere is listed but is
	 * not one), and each picture's file as the stamp saw it (its size is
	 * in the <img> that shows it; a document's bytes are only copied) */
	for (i = 0; i < b->listed.n; i++)
		if (content_file_usable(&b->listed, i)) {
			h = value_hash_fast(b->listed.paths[i], strlen(b->listed.paths[i]) + 1, h);
			if (content_is_picture(b->listed.paths[i])) {
				unsigned long long st = quick_stat(&b->listed.stats[i]);

				h = value_hash_fast(&st, sizeof st, h);
			}
		}
	return h;
}

/*
 * A body's cached form: "html\0", then its reading measure as
 * "longest sentence\0sentences words syllables graded grade ease
 * longest_words\0" (empty when not measured), then "level\tid\ttitle\n"
 * per heading. The measure rather than the words: it is all that is kept
 * of them, and a third of the size.
 */
static void pack_body(struct strbuf *blob, const char *html, const struct readability *r,
		      const struct value *toc)
{
	size_t i;

	strbuf_add(blob, html, strlen(html) + 1);
	if (r) {
		strbuf_add(blob, r->longest ? r->longest : "", r->longest ? r->longest_len : 0);
		strbuf_addch(blob, '\0');
		strbuf_addf(blob, "%zu %zu %zu %d %a %a %zu", r->sentences, r->words, r->syllables,
			    r->graded, r->grade, r->ease, r->longest_words);
	} else {
		strbuf_addch(blob, '\0');
	}
	strbuf_addch(blob, '\0');
	/* "level\tid\ttitle\n" a heading (its level one digit, 1 to 6) */
	for (i = 0; toc && i < toc->n; i++) {
		strbuf_addch(blob, (char)('0' + (int)value_get(toc->items[i], "level")->number));
		strbuf_addch(blob, '\t');
		strbuf_adds(blob, value_string(value_get(toc->items[i], "id")));
		strbuf_addch(blob, '\t');
		strbuf_adds(blob, value_string(value_get(toc->items[i], "title")));
		strbuf_addch(blob, '\n');
	}
}

/* 0, or -1 when blob is not a packed body, or has no measure when r asks
 * for one. */
static int unpack_body(const struct strbuf *blob, char **html, struct readability *r,
		       char **longest, struct value **toc)
{
	const char *p = blob->buf, *end = blob->buf + blob->len, *z1, *z2, *z3;

	z1 = memchr(p, '\0', blob->len);
	z2 = z1 ? memchr(z1 + 1, '\0', (size_t)(end - z1 - 1)) : NULL;
	z3 = z2 ? memchr(z2 + 1, '\0', (size_t)(end - z2 - 1)) : NULL;
	if (!z3 || (r && z3 == z2 + 1))
		return -1; /* no measure in it */
	if (r) {
		memset(r, 0, sizeof *r);
		if (sscanf(z2 + 1, "%zu %zu %zu %d %la %la %zu", &r->sentences, &r->words,
			   &r->syllables, &r->graded, &r->grade, &r->ease, &r->longest_words) != 7)
			return -1;
		*longest = xstrndup(z1 + 1, (size_t)(z2 - z1 - 1));
		r->longest = z2 > z1 + 1 ? *longest : NULL;
		r->longest_len = (size_t)(z2 - z1 - 1);
	}
	*html = xstrndup(p, (size_t)(z1 - p));
	if (toc) {
		*toc = value_new_list();
		for (p = z3 + 1; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *t1, *t2;
			struct value *e;

			if (!nl)
				break;
			t1 = memchr(p, '\t', (size_t)(nl - p));
			t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
			if (t2) {
				char *id = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
				char *title = xstrndup(t2 + 1, (size_t)(nl - t2 - 1));

				e = value_new_map();
				value_map_set_num(e, "level", atoi(p));
				value_map_set_str(e, "id", id);
				value_map_set_str(e, "title", title);
				value_list_push(*toc, e);
				free(id);
				free(title);
			}
			p = nl + 1;
		}
		*toc = value_block(*toc); /* kept until the end of the build */
	}
	return 0;
}

/* Bodies are kept in the cache's pack (a dry run reads them, and adds
 * none: cache_read_only); the quick path leaves the pack alone (reading
 * its index would cost more than the few bodies it renders). */
static int body_blobs(const struct build *b)
{
	return b->cache && !b->quick_path;
}

/* The key a body is kept under in the cache. */
static unsigned long long body_key(const struct doc *d, unsigned long long depends,
				   const char *prefix, int shift)
{
	unsigned long long key = value_hash_fast(&d->body_hash, sizeof d->body_hash, depends);

	key = value_hash_fast(&d->meta_hash, sizeof d->meta_hash, key);
	key = value_hash_fast(prefix ? prefix : "", prefix ? strlen(prefix) + 1 : 1, key);
	return value_hash_fast(&shift, sizeof shift, key);
}

/*
 * One body to HTML (and its reading measure and headings when asked),
 * from the cache when nothing it depends on changed. The measure's
 * longest sentence is kept in *longest, for the caller to free. Only
 * renders that reported nothing are kept, so a cached body has no
 * diagnostics to repeat.
 */
static void render_body(struct linker *lk, struct doc *d, unsigned long long depends,
			const char *prefix, int shift, char **html_out, struct readability *r,
			char **longest, struct value **toc_out, unsigned long long *later,
			struct diag_list *dl)
{
	struct build *b = lk->b;
	struct markdown_opts mo = { .path = d->path, .rel = d->rel,
				    .line_offset = d->body_line - 1,
				    .unsafe = b->cfg.unsafe, .resolve = resolve,
				    .resolve_ctx = lk, .picture_size = size_of_picture,
				    .site_address = site_address,
				    .base_path = b->base_path,
				    .id_prefix = prefix, .heading_shift = shift,
				    .reserved = (const char *const *)b->theme.ids,
				    .nreserved = b->theme.nids };
	struct strbuf html = STRBUF_INIT, text = STRBUF_INIT, src = STRBUF_INIT, blob = STRBUF_INIT;
	struct hookrun_doc hd = { b->hooks, d };
	unsigned long long key;
	size_t before = dl->n;
	int blobs = body_blobs(b);

	key = body_key(d, depends, prefix, shift);
	if (!prefix)
		d->body_key = key;
	if (later && blobs && cache_blob_has(b->cache, key)) {
		*later = key; /* fetched by load_body when a page shows it */
		return;
	}
	if (blobs && cache_blob_get(b->cache, key, &blob) &&
	    unpack_body(&blob, html_out, r, longest, toc_out) == 0) {
		strbuf_release(&blob);
		return;
	}
	if (r)
		mo.plain = &text;
	if (hookrun_has_markdown(b->hooks)) {
		mo.filter = hookrun_markdown;
		mo.filter_ctx = &hd;
	}
	if (content_body(d, dl) == 0) {
		hookrun_expand(b->hooks, d, &src, dl);
		markdown_render(src.buf, src.len, &mo, &html, toc_out, dl);
		if (toc_out)
			*toc_out = value_block(*toc_out); /* kept until the end of the build */
	}
	if (r) {
		readability_measure(r, text.buf, text.len);
		*longest = xstrndup(r->longest ? r->longest : "", r->longest_len);
		r->longest = r->longest ? *longest : NULL;
	}
	if (dl->n == before && blobs) {
		strbuf_reset(&blob);
		pack_body(&blob, html.buf, r, toc_out ? *toc_out : NULL);
		cache_blob_put(b->cache, key, blob.buf, blob.len);
	}
	*html_out = strbuf_detach(&html, NULL);
	strbuf_release(&text);
	strbuf_release(&src);
	strbuf_release(&blob);
}

/*
 * Every Markdown body is rendered once, before pages; pages then only read
 * the results. Bodies render on one thread per CPU (-j): markdown_render
 * parses under a lock of its own, since cmark-gfm's parser keeps a
 * process-wide table that every parse changes, and renders the parsed tree
 * outside it, which is most of the work. A Lua state belongs to one
 * thread at a time, so when Lua sees Markdown (markdown hooks,
 * shortcodes) bodies render on as many threads as there are states:
 * replicas of the first are made when many bodies are to render
 * (hookrun_replicate), and the pages' workers use them too. Each thread
 * keeps its own diagnostics; reading grades are judged afterwards in
 * file order.
 */
struct body_job {
	struct build *b;
	unsigned long long depends;
	int measure;
	size_t nitems;             /* documents, then guide chapters */
	struct readability *reads; /* per document, when measuring */
	char **longest;            /* per document: its measure's longest sentence */
	struct diag_list *dls;     /* per thread */
	atomic_size_t next;
};

struct body_worker {
	struct body_job *job;
	size_t index;
};

static void *body_worker(void *arg)
{
	struct body_worker *w = arg;
	struct body_job *job = w->job;
	struct build *b = job->b;
	struct linker lk = { b, STRBUF_INIT, NULL, NULL, 0 };
	size_t i, n = b->content.n;

	hookrun_bind(w->index);
	while ((i = atomic_fetch_add(&job->next, 1)) < job->nitems) {
		if (i < n) {
			struct doc *d = b->content.docs[i];

			if (!d->is_markdown)
				continue;
			/* without a reading measure to take, a cached body stays
			 * in the cache until a page that is rendered needs it */
			render_body(&lk, d, job->depends, NULL, 0, &d->html,
				    job->measure ? &job->reads[i] : NULL, &job->longest[i], &d->toc,
				    job->measure ? NULL : &d->html_later, &job->dls[w->index]);
		} else {
			/* a guide's one-page edition joins its chapters: number
			 * their ids, and put their headings under each chapter's
			 * own h2 */
			const struct record *c = b->model.all[RECORD_CHAPTER].items[i - n];
			struct strbuf prefix = STRBUF_INIT;
			struct diag_list ignored = DIAG_LIST_INIT; /* reported with the doc */

			strbuf_addf(&prefix, "c%d-", c->order);
			render_body(&lk, c->doc, job->depends, prefix.buf, 1, &c->doc->html_joined,
				    NULL, NULL, NULL, &c->doc->joined_later, &ignored);
			diag_list_release(&ignored);
			strbuf_release(&prefix);
		}
	}
	hookrun_bind(0);
	linker_release(&lk);
	return NULL;
}

/* Up to n Lua states for the workers (hookrun_replicate): how many there
 * are, which WAYMARK_TIMINGS=1 prints. */
static size_t replicate(struct build *b, size_t n)
{
	size_t states = hookrun_replicate(b->hooks, &b->content, &b->cfg, n);

	if (getenv("WAYMARK_TIMINGS"))
		fprintf(stderr, "%-10s %7zu\n", "lua states", states);
	return states;
}

/*
 * Whether replicas of the Lua state pay for themselves (each runs the site
 * hook again): at least 16 items to work on, and an eighth of them all.
 * It is asked of every body and every page, and a cache lookup each took
 * 4 ms of a title edit's 95 on 12,000 pages; so at most SAMPLES items,
 * evenly spaced, answer for all (every item of a smaller site). The answer
 * only sets how many threads work, never what they make.
 */
#define SAMPLES 512

static size_t sample_step(size_t n)
{
	return n / SAMPLES + 1;
}

static int worth_replicas(size_t todo, size_t seen, size_t step)
{
	return todo * step >= 16 && todo * 8 >= seen;
}

static int many_bodies(struct build *b, unsigned long long depends)
{
	int blobs = body_blobs(b);
	size_t i, seen = 0, todo = 0, step = sample_step(b->content.n);

	for (i = 0; i < b->content.n; i += step) {
		const struct doc *d = b->content.docs[i];

		if (!d->is_markdown)
			continue;
		seen++;
		if (!blobs || !cache_blob_has(b->cache, body_key(d, depends, NULL, 0)))
			todo++;
	}
	return worth_replicas(todo, seen, step);
}

static void render_bodies(struct build *b)
{
	struct body_job job;
	struct body_worker *workers;
	size_t n = b->opts->jobs > 0 ? (size_t)b->opts->jobs : threads_cpus(), i;

	job.b = b;
	job.depends = b->depends = bodies_depend_on(b);
	if (hookrun_sees_bodies(b->hooks)) {
		size_t states = replicate(b, n > 1 && many_bodies(b, job.depends) ? n : 1);

		n = states < n ? states : n;
	}
	job.measure = b->cfg.max_grade || b->stats->grades;
	job.nitems = b->content.n + b->model.all[RECORD_CHAPTER].n;
	job.reads = xcalloc(b->content.n + 1, sizeof *job.reads);
	job.longest = xcalloc(b->content.n + 1, sizeof *job.longest);
	job.dls = xcalloc(n, sizeof *job.dls);
	atomic_init(&job.next, 0);
	workers = xcalloc(n, sizeof *workers);
	for (i = 0; i < n; i++) {
		workers[i].job = &job;
		workers[i].index = i;
	}
	n = threads_run(n, body_worker, workers, sizeof *workers);
	for (i = 0; i < n; i++)
		diag_list_move(b->dl, &job.dls[i]);
	for (i = 0; i < b->content.n; i++) {
		if (job.measure && b->content.docs[i]->is_markdown)
			judge_reading(b, b->content.docs[i], &job.reads[i]);
		free(job.longest[i]);
	}
	free(job.reads);
	free(job.longest);
	free(job.dls);
	free(workers);
}

/* pages_env.load_body: a body left in the cache, when a page needs it. */
static void load_body(void *ctx, struct doc *d)
{
	struct build *b = ctx;
	struct strbuf blob = STRBUF_INIT;

	pthread_mutex_lock(&b->body_lock);
	if (d->html_later) {
		if (!cache_blob_get(b->cache, d->html_later, &blob) ||
		    unpack_body(&blob, &d->html, NULL, NULL, &d->toc) < 0)
			atomic_store(&b->cache_damaged, 1);
		d->html_later = 0;
	}
	if (d->joined_later) {
		strbuf_reset(&blob);
		if (!cache_blob_get(b->cache, d->joined_later, &blob) ||
		    unpack_body(&blob, &d->html_joined, NULL, NULL, NULL) < 0)
			atomic_store(&b->cache_damaged, 1);
		d->joined_later = 0;
	}
	pthread_mutex_unlock(&b->body_lock);
	strbuf_release(&blob);
}

static struct value *site_context(const struct config *cfg, const char *base_path)
{
	struct value *s = value_new_map();

	value_map_set_str(s, "title", cfg->title);
	value_map_set_str(s, "description", cfg->description);
	value_map_set_str(s, "lang", cfg->lang);
	value_map_set_str(s, "base_url", cfg->base_url);
	value_map_set_str(s, "base_path", base_path);
	{
		/* the stories' Atom feed (feeds.c writes it whenever base_url
		 * has a host, with no entries while the site has no stories) */
		struct strbuf feed = STRBUF_INIT;

		if (strstr(cfg->base_url, "://"))
			strbuf_addf(&feed, "%sstories.atom", cfg->base_url);
		value_map_set_str(s, "feed_url", feed.len ? feed.buf : "");
		strbuf_release(&feed);
	}
	return s;
}

/* A build whose process ends when it returns leaves its memory to the
 * exit (build_opts.exiting), here, where leak checkers see it reachable;
 * not under AddressSanitizer, whose leak check should see it all freed. */
#if defined(__SANITIZE_ADDRESS__)
#define leave_to_exit(opts) 0
#else
#define leave_to_exit(opts) ((opts)->exiting)
#endif
static struct build *volatile left; /* (volatile: a store nothing reads is kept) */

/* What only the rendering needed: pages, model, content (in that order:
 * each points into the next). */
static void *release_content(void *arg)
{
	struct build *b = arg;

	pages_release(&b->pages);
	model_release(&b->model);
	content_release(&b->content);
	return NULL;
}

/*
 * Work on a thread of its own beside the main one, with its own
 * diagnostics: the charts while bodies render, the extras while pages do.
 * Without a thread it runs at once.
 */
struct side_job {
	struct build *b;
	pthread_t thread;
	struct diag_list dl;
	int started;
};

static void side_start(struct side_job *j, struct build *b, void *(*run)(void *))
{
	j->b = b;
	j->started = pthread_create(&j->thread, NULL, run, j) == 0;
	if (!j->started)
		run(j);
}

/* Wait for it to end; its diagnostics join dl. */
static void side_finish(struct side_job *j, struct diag_list *dl)
{
	if (j->started)
		pthread_join(j->thread, NULL);
	j->started = 0;
	diag_list_move(dl, &j->dl);
}

/* Read every cache entry of the last build's pages: "<key> [splice]
 * <dependencies>", their tokens numbered. */
static void read_last(struct build *b)
{
	size_t i, n = cache_pages(b->cache);

	b->tokens = pages_tokens_new();
	b->last = xcalloc(n + 1, sizeof *b->last);
	for (i = 0; i < n; i++) {
		struct last_page *l = &b->last[i];
		const char *text, *end, *deps;

		l->hash = cache_page(b->cache, i, &text);
		if (strlen(text) < 16 || strbuf_read_hex(text, &l->key, &end) < 0)
			continue;
		deps = quick_note_parse(text + 16 + (text[16] == ' '), &l->splice);
		l->ok = pages_tokens_add(b->tokens, deps, &l->first, &l->n) == 0;
	}
}

/* site.yaml's charts.font, once, where the site has charts: a name
 * fontconfig cannot use is an error there (rather than at every chart,
 * measured and then drawn), and one it replaces by another family a
 * warning: the charts would look other than on the author's machine. */
static void check_chart_font(struct build *b, struct diag_list *dl)
{
	const struct value *at = value_get(value_get(b->cfg.raw, "charts"), "font");
	char want[128], got[128], whybuf[256], line[768];
	const char *why = NULL, *note;
	size_t i, n;
	int ok;

	for (i = 0; i < b->pages.n && !b->pages.items[i].ncharts; i++)
		;
	if (i == b->pages.n)
		return;
	/* fontconfig's answer, from the last build when it asked about the
	 * same name (a title edit need not start fontconfig: 3 ms of 15 on
	 * the default site) */
	note = cache_note_get(b->cache, "chart-font");
	n = strlen(b->cfg.chart_font);
	if (note && !strncmp(note, b->cfg.chart_font, n) && note[n] == '\t' &&
	    sscanf(note + n + 1, "%d\t%127[^\t]\t%127[^\t]\t%255[^\n]", &ok, want, got, whybuf) == 4) {
		if (!strcmp(want, "-"))
			*want = '\0';
		why = whybuf;
		cache_note_put(b->cache, "chart-font", note); /* (kept for the next) */
	} else {
		ok = chart_text_font(b->cfg.chart_font, want, sizeof want, got, sizeof got, &why) == 0;
		snprintf(line, sizeof line, "%s\t%d\t%s\t%s\t%s", b->cfg.chart_font, ok,
			 *want ? want : "-", *got ? got : "-", ok ? "-" : why);
		cache_note_put(b->cache, "chart-font", line);
	}
	if (!ok)
		diag_error(dl, at ? &at->pos : NULL, "charts: font '%s' cannot be used: %s",
			   b->cfg.chart_font, why);
	else if (*want && strcasecmp(want, got))
		diag_warning(dl, at ? &at->pos : NULL,
			     "charts: this machine has no font '%s': charts are drawn in '%s' instead",
			     want, got);
}

/* A hook call stuck in Lua's C library is about to end the process (see
 * hookrun.c): what the build staged and the blobs it was adding to the
 * cache go; the output and the cache stay as the last build left them.
 * Then the error is reported as the build's own would be. */
static void stuck_hook(void *ctx, const struct diag_list *why)
{
	struct build *b = ctx;

	output_abort(&b->out);
	cache_discard_new(b->cache);
	if (b->opts->report) {
		b->opts->report(b->opts->report_ctx, why);
	} else {
		diag_list_print(why, stderr);
		fputs("1 error, 0 warnings\n", stderr);
	}
}

/* Ahead of the pages, on a thread of its own while the model and plan
 * keep one thread busy and the other waits: which of the last build's
 * pages are still in the output (cache_look), and what each depended on. */
static void *look_ahead(void *arg)
{
	struct side_job *j = arg;
	struct build *b = j->b;
	int fd = open(b->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		cache_look(b->cache, b->opts->output_trusted ? -1 : fd);
		close(fd);
	}
	read_last(b);
	return NULL;
}

/* The last build's quick file, read on a thread of its own while the stamp
 * keeps the main thread (and only at times the other) busy: quick_build
 * takes it. */
static void *read_quick(void *arg)
{
	struct side_job *j = arg;
	char *path = cache_file(j->b->out_dir, ".quick");

	j->b->last_quick_ok = quick_load(&j->b->last_quick, path) == 0;
	free(path);
	return NULL;
}

static void *draw_charts(void *arg)
{
	struct side_job *c = arg;
	struct build *b = c->b;

	figures_draw(&b->pages, &b->out, b->cache, b->base_path, b->cfg.chart_font, &c->dl);
	return NULL;
}

/* The print of every layout a page uses: a page depends on the templates
 * its layout can reach, not on every template of the theme. */
static void print_layouts(struct build *b)
{
	size_t i, k, alloc = 0;
	int all = hookrun_lambdas(b->hooks) != NULL;

	b->layout_of = xcalloc(b->pages.n + 1, sizeof *b->layout_of);
	for (i = 0; i < b->pages.n; i++) {
		const char *name = pages_layout(&b->pages.items[i]);
		struct layout_print *l;
		unsigned long long print;

		/* (pages of one layout mostly come together) */
		if (i && !strcmp(b->layouts[b->layout_of[i - 1]].name, name)) {
			b->layout_of[i] = b->layout_of[i - 1];
			continue;
		}
		for (k = 0; k < b->nlayouts && strcmp(b->layouts[k].name, name); k++)
			;
		b->layout_of[i] = k;
		if (k < b->nlayouts)
			continue;
		XGROW(b->layouts, alloc, b->nlayouts + 1);
		l = &b->layouts[b->nlayouts++];
		l->name = name;
		l->has = theme_has(&b->theme, name);
		print = theme_print(&b->theme, name, all);
		l->seed = value_hash_bytes(name, strlen(name) + 1, b->inputs);
		l->seed = value_hash_bytes(&print, sizeof print, l->seed);
		l->seed = value_hash_bytes(&b->program, sizeof b->program, l->seed);
	}
}

/*
 * Pages render in parallel on threads. Everything a page needs was made
 * before this point and is only read now: the model, every Markdown body
 * (render_bodies), the compiled templates. Each page builds its
 * own context and output buffer; each thread keeps its own diagnostics,
 * merged and sorted afterwards, so the output does not depend on the
 * number of threads. Threads rather than processes: the per-page work is
 * small (tens of microseconds), so sharing the model beats copying it.
 */
struct render_job {
	struct build *b;
	const struct pages_env *env;
	atomic_size_t next;     /* the next page to take */
	atomic_size_t done;
	struct diag_list *dls;  /* one per thread */
};

struct worker {
	struct render_job *job;
	size_t index;
};

static void progress(const struct build *b, size_t done, size_t total)
{
	if (done % 50 == 0 || done == total)
		fprintf(stderr, "\rrendering %zu/%zu pages", done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	(void)b;
}

/*
 * A page is skipped, without building its context, when what it read last
 * time (its dependencies, kept in the cache beside its hash, with their own)
 * hashes the same in this build. Otherwise its context is built, noting
 * what it reads, and the page rendered; when the bytes hash as the file
 * the last build wrote, that file is kept as it is.
 */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Pages a quick build has written since the last full one: what the
 * cache says of them describes older files. */
static int is_dirty(const struct build *b, const char *out)
{
	return b->ndirty && bsearch(&out, b->dirty, b->ndirty, sizeof *b->dirty, cmp_str);
}

/* The pages quick builds wrote since the last full build ("quick-dirty"). */
static void read_dirty(struct build *b)
{
	const char *text = cache_note_get(b->cache, "quick-dirty");
	size_t alloc = 0;

	while (text && *text) {
		size_t n = strcspn(text, " ");

		if (n) {
			XGROW(b->dirty, alloc, b->ndirty + 1);
			b->dirty[b->ndirty++] = xstrndup(text, n);
		}
		text += n + (text[n] == ' ');
	}
	if (b->ndirty)
		qsort(b->dirty, b->ndirty, sizeof *b->dirty, cmp_str);
}

/* Where `html` (just rendered) shows p's body, watched as it rendered;
 * *lambda gets the splice's helper section, when it has one (see
 * quick_lambda). */
static void note_splice(const struct page *p, const struct mustache_watch *w,
			const struct strbuf *html, struct quick_splice *s, char **lambda)
{
	const char *body = p->doc->html;
	size_t len = strlen(body);

	memset(s, 0, sizeof *s);
	if (w->lambdas > 1)
		return;
	if (!w->touched) {
		/* it does not show the body (a list's later page): a changed
		 * body leaves it as it is, while the headings stay the same */
		s->toc = value_hash(p->doc->toc, VALUE_HASH_SEED);
		s->ok = s->absent = 1;
		return;
	}
	if (w->count != 1 || w->escaped || w->len != len || w->at + len > html->len ||
	    memcmp(html->buf + w->at, body, len))
		return;
	if (w->lambdas && (w->lambda_at + w->lambda_len > html->len ||
			   (w->lambda_at < w->at + len && w->at < w->lambda_at + w->lambda_len) ||
			   !(*lambda = quick_lambda(w->lambda_name, w->lambda_name_len,
						    w->lambda_text, w->lambda_text_len))))
		return;
	s->at = w->at;
	s->len = len;
	s->html = value_hash_fast(body, len, VALUE_HASH_SEED);
	s->toc = value_hash(p->doc->toc, VALUE_HASH_SEED);
	if (w->lambdas) {
		s->lambda_at = w->lambda_at;
		s->lambda_len = w->lambda_len;
		s->lambda_html = value_hash_fast(html->buf + w->lambda_at, w->lambda_len,
						 VALUE_HASH_SEED);
		s->lambda = *lambda;
		s->lambda_size = strlen(*lambda);
	}
	s->ok = 1;
}

static void render_one(struct build *b, const struct pages_env *env, struct page *p,
		       struct strbuf *html, struct diag_list *dl)
{
	const struct layout_print *l = &b->layouts[b->layout_of[p - b->pages.items]];
	const char *layout = l->name;
	unsigned long long hash, seed = l->seed, key, was_hash;
	struct value *ctx;
	struct strbuf note = STRBUF_INIT, tokens = STRBUF_INIT;
	struct pages_deps deps = { NULL, 0, 0, 0, 0, 0, 0, 0 };
	struct quick_splice *splice = &b->splices[p - b->pages.items], old_splice = { .ok = 0 };
	const struct last_page *last = NULL;
	long rank;
	int kept = 0;

	if (!l->has) {
		const struct value *lv = p->doc ? value_get(p->doc->meta, "layout") : NULL;
		struct pos where = { p->doc ? p->doc->path : NULL, 1, 1 };

		diag_error(dl, lv ? &lv->pos : &where, "no template '%s' in theme '%s' for page '%s'",
			   layout, b->cfg.theme, p->url);
		return;
	}
	rank = cache_rank(b->cache, p->out); /* (one lookup: its entry is read already) */
	was_hash = rank >= 0 ? b->last[rank].hash : 0;
	if (was_hash && is_dirty(b, p->out))
		was_hash = 0;
	if (was_hash && b->last[rank].ok) {
		last = &b->last[rank];
		old_splice = last->splice;
	}
	if (last && pages_tokens_key(b->tokens, env, p, last->first, last->n, seed, &key) == 0 &&
	    key == last->key && output_keep(&b->out, p->out, cache_there(b->cache, rank)) == 0) {
		/* nothing it read has changed: keep last build's file */
		cache_keep(b->cache, rank);
		*splice = old_splice;
		atomic_fetch_add(&b->skipped, 1);
		return;
	}
	b->rendered[p - b->pages.items] = 1;
	ctx = pages_context_deps(env, p, &deps);
	pages_deps_text(&deps, &tokens);
	pages_deps_release(&deps);
	{
		struct value_member *page = value_member(ctx, "page");
		const char *path = p->doc ? p->doc->path : p->url;
		/* where the body goes, for a later quick build */
		struct mustache_watch watch = { .value = NULL };
		int watching = b->quick && p->doc && p->doc->is_markdown && p->kind != PAGE_GUIDE_ALL;

		if (watching)
			watch.value = value_get(page->val, "content");
		strbuf_reset(html);
		kept = hookrun_page(b->hooks, &page->val, path, dl) == 0 &&
		       theme_render(&b->theme, layout, ctx, b->opts->strict,
				    hookrun_lambdas(b->hooks), watching ? &watch : NULL, html, dl) == 0 &&
		       hookrun_html(b->hooks, page->val, path, html, dl) == 0;
		/* the bytes as last build wrote them: the file stays as it is */
		hash = value_hash_fast(html->buf, html->len, VALUE_HASH_SEED) | 1;
		if (kept && (hash != was_hash || output_keep(&b->out, p->out,
							      cache_there(b->cache, rank)) < 0))
			kept = output_write(&b->out, p->out, html->buf, html->len, dl) == 0;
		memset(splice, 0, sizeof *splice);
		if (kept && watching)
			note_splice(p, &watch, html, splice, &b->lambdas[p - b->pages.items]);
	}
	if (kept && pages_deps_key(env, p, tokens.buf, seed, &key) == 0) {
		strbuf_addf(&note, "%016llx ", key);
		quick_note(&note, splice);
		strbuf_adds(&note, tokens.buf);
		cache_put(b->cache, p->out, hash, note.buf);
	} else if (kept) {
		cache_put(b->cache, p->out, hash, "");
	}
	strbuf_release(&tokens);
	value_free(ctx);
	strbuf_release(&note);
}

static void *render_worker(void *arg)
{
	struct worker *w = arg;
	struct render_job *job = w->job;
	struct build *b = job->b;
	struct strbuf html = STRBUF_INIT;
	size_t i, total = b->pages.n;
	int show = b->opts->progress && total >= 200 && w->index == 0;

	hookrun_bind(w->index);
	while ((i = atomic_fetch_add(&job->next, 1)) < total) {
		size_t done;

		render_one(b, job->env, &b->pages.items[i], &html, &job->dls[w->index]);
		done = atomic_fetch_add(&job->done, 1) + 1;
		if (show)
			progress(b, done, total);
	}
	hookrun_bind(0);
	strbuf_release(&html);
	return NULL;
}

/* Worth making replicas of the Lua state for page and html hooks and
 * helpers, when the bodies made none: pages the last build did not write
 * (worth_replicas). */
static int many_new_pages(struct build *b)
{
	size_t i, seen = 0, todo = 0, step = sample_step(b->pages.n);

	for (i = 0; i < b->pages.n; i += step) {
		const char *deps;

		seen++;
		if (!b->cache || !cache_get(b->cache, b->pages.items[i].out, &deps))
			todo++;
	}
	return worth_replicas(todo, seen, step);
}

static void render_pages(struct build *b, struct build_stats *st)
{
	struct render_job job;
	struct worker *workers;
	size_t n = b->opts->jobs > 0 ? (size_t)b->opts->jobs : threads_cpus(), i;

	if (n > b->pages.n)
		n = b->pages.n ? b->pages.n : 1;
	if (n > 1 && hookrun_sees_pages(b->hooks) && many_new_pages(b))
		replicate(b, n);
	job.b = b;
	job.env = &b->env;
	atomic_init(&job.next, 0);
	atomic_init(&job.done, 0);
	job.dls = calloc(n, sizeof *job.dls);
	workers = calloc(n, sizeof *workers);
	if (!job.dls || !workers) {
		diag_io_error(b->dl, NULL, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		workers[i].job = &job;
		workers[i].index = i;
	}
	if (threads_run(n, render_worker, workers, sizeof *workers) < n)
		diag_io_error(b->dl, NULL, "unable to start a rendering thread");
	for (i = 0; i < n; i++)
		diag_list_move(b->dl, &job.dls[i]);
	st->pages = b->pages.n;
	st->rendered = st->pages - atomic_load(&b->skipped);
done:
	free(job.dls);
	free(workers);
}

/*
 * Files made from the whole site rather than a page: when what `key`
 * hashes is as it was at the last build and the files are all still
 * there, they are kept without making them again; else `write` makes
 * them. The cache note `name` holds the key and, a line each, the files.
 */
static void site_files(struct build *b, const char *name, unsigned long long key,
		       void (*write)(struct build *b, struct diag_list *dl), struct diag_list *dl)
{
	const char *old = cache_note_get(b->cache, name), *p;
	struct strbuf note = STRBUF_INIT, file = STRBUF_INIT;
	int kept = 1;

	key = value_hash_bytes(&b->program, sizeof b->program, value_hash_bytes(&key, sizeof key, b->inputs));
	strbuf_addf(&note, "%016llx", key);
	if (old && !strncmp(old, note.buf, note.len) && old[note.len] == '\n') {
		for (p = old + note.len + 1; *p && kept; p += strcspn(p, "\n"), p += *p == '\n') {
			strbuf_reset(&file);
			strbuf_add(&file, p, strcspn(p, "\n"));
			kept = output_keep(&b->out, file.buf, -1) == 0;
		}
		if (kept) {
			cache_note_put(b->cache, name, old);
			goto done;
		}
	}
	/* pages are written on other threads meanwhile */
	output_capture(&note);
	write(b, dl);
	output_capture(NULL);
	cache_note_put(b->cache, name, note.buf);
done:
	strbuf_release(&note);
	strbuf_release(&file);
}

/* The feeds (search index, robots, sitemap, feed) and the theme's assets:
 * from the settings, the theme, every record and every page's plan and
 * fields, but no page's body. */
static void write_feeds(struct build *b, struct diag_list *dl)
{
	feeds_write(&b->env, b->cfg.base_url, b->cfg.title, &b->out, dl);
	theme_write_assets(&b->theme, &b->out, dl);
}

/* The open data of the frameworks (CASE, CSV, JSON-LD): from the
 * settings and the frameworks, their categories and skills alone. */
static void write_exports(struct build *b, struct diag_list *dl)
{
	exports_write(&b->model, b->cfg.base_url, b->cfg.title, b->cfg.lang, &b->out, dl);
}

/* The pictures and documents below content/ (content_is_file), copied
 * to the same place in the output. */
static void write_files(struct build *b, struct diag_list *dl)
{
	struct strbuf bytes = STRBUF_INIT;
	size_t i;

	for (i = 0; i < b->listed.n; i++) {
		const char *rel = b->listed.paths[i];
		char *path;

		if (!content_is_file(rel) || !S_ISREG(b->listed.stats[i].st_mode))
			continue;
		path = fs_join(b->content_dir, rel);
		strbuf_reset(&bytes);
		if (fs_read(path, &bytes) < 0)
			diag_io_error(dl, NULL, "unable to read '%s': %s", path, fs_strerror(errno));
		else
			output_write(&b->out, rel, bytes.buf, bytes.len, dl);
		free(path);
	}
	strbuf_release(&bytes);
}

/* What write_files copies: each file's name and stat. */
static unsigned long long files_print(const struct build *b)
{
	unsigned long long h = VALUE_HASH_SEED, st;
	size_t i;

	for (i = 0; i < b->listed.n; i++)
		if (content_is_file(b->listed.paths[i])) {
			st = quick_stat(&b->listed.stats[i]);
			h = value_hash_fast(b->listed.paths[i], strlen(b->listed.paths[i]) + 1, h);
			h = value_hash_fast(&st, sizeof st, h);
		}
	return h;
}

/*
 * Say only a story's text changed: both are kept; its title: the feeds
 * are made again, the open data kept. A side job while pages render: they
 * read only the plan and the model, as pages do.
 */
static void *write_extras(void *arg)
{
	struct side_job *x = arg;
	struct build *b = x->b;
	unsigned long long feeds = value_hash_bytes(&b->pages.plan_print, sizeof b->pages.plan_print,
						    VALUE_HASH_SEED);
	unsigned long long exports = VALUE_HASH_SEED;
	int k;

	feeds = value_hash_bytes(b->pages.kind_print, sizeof b->pages.kind_print, feeds);
	for (k = RECORD_FRAMEWORK; k <= RECORD_SKILL; k++)
		exports = value_hash_bytes(&b->pages.kind_print[k], sizeof b->pages.kind_print[k], exports);
	site_files(b, "extras", feeds, write_feeds, &x->dl);
	site_files(b, "exports", exports, write_exports, &x->dl);
	site_files(b, "files", files_print(b), write_files, &x->dl);
	return NULL;
}

/* Which waymark program this is: its size and modification time. */
static unsigned long long program_print(void)
{
	unsigned long long h = VALUE_HASH_SEED;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat sb;

	if (n > 0) {
		exe[n] = '\0';
		if (stat(exe, &sb) == 0) {
			h = value_hash_bytes(&sb.st_size, sizeof sb.st_size, h);
			h = value_hash_bytes(&sb.st_mtim, sizeof sb.st_mtim, h);
		}
	}
	return h;
}

/*
 * A stamp of everything a build reads: the waymark program, the options,
 * site.yaml and every file below content/, lua/ and the theme directories
 * (names, sizes, modification times). When it equals the last build's,
 * nothing can have changed and the build is done before it starts.
 * *frame is the same without the Markdown files' sizes and times (their
 * names stay in it): when only it matches the last build's, only Markdown
 * files were written (see quick_build).
 */
/*
 * Files the Lua hooks read with waymark.read are inputs too. Which ones is
 * known once the hooks have run, so each build is checked against the files
 * the last one read (the "reads" note: the hooks' fingerprint, then a path a
 * line): hooks that read the same files and find them unchanged do what they
 * did last time, and whatever else they read follows from those.
 */
static const char *next_read(const char **at, size_t *len)
{
	const char *s = *at;

	while (s && *s == '\n')
		s++;
	if (!s || !*s)
		return NULL;
	*len = strcspn(s, "\n");
	*at = s + *len;
	return s;
}

/* A hash of each file the note lists: its name, then its stat (for the
 * stamp: cheap) or its bytes (what bodies and pages depend on). */
static unsigned long long hash_reads(const char *site_dir, const char *note, int bytes,
				     unsigned long long h)
{
	const char *at = note ? note + strcspn(note, "\n") : NULL, *p;
	struct strbuf text = STRBUF_INIT;
	size_t len;

	while ((p = next_read(&at, &len))) {
		char *rel = xstrndup(p, len), *path = fs_join(site_dir, rel);
		struct stat sb;
		unsigned long long st;

		h = value_hash_bytes(rel, len + 1, h);
		strbuf_reset(&text);
		if (!bytes && stat(path, &sb) == 0) {
			st = quick_stat(&sb);
			h = value_hash_bytes(&st, sizeof st, h);
		} else if (bytes && fs_read(path, &text) == 0) {
			h = value_hash_bytes(text.buf, text.len, h);
		} else {
			h = value_hash_bytes("", 1, h); /* gone: not the same as empty */
		}
		free(path);
		free(rel);
	}
	strbuf_release(&text);
	return h;
}

/*
 * The note for the next build: what this build's hooks read, and what the
 * last one read too when the hooks are the same (a page kept from last time
 * did not run its hooks this time, but they would read the same). Its first
 * line: the hooks' fingerprint; the reads value this build's keys were made
 * with; and the files' print as they are now. A next build that finds the
 * files as they are now keys with the same value, so the build after the
 * first to read a file does not render everything again.
 */
static void save_reads(struct build *b)
{
	const char *const *paths, *old = cache_note_get(b->cache, "reads"), *at, *p;
	size_t n = hookrun_reads(b->hooks, &paths), len, i, count = 0;
	char fp[32], **all;
	struct strbuf list = STRBUF_INIT, note = STRBUF_INIT;

	snprintf(fp, sizeof fp, "%016llx", hookrun_fingerprint(b->hooks));
	all = xmalloc((n + 1) * sizeof *all);
	for (i = 0; i < n; i++)
		all[count++] = xstrdup(paths[i]);
	if (old && !strncmp(old, fp, strlen(fp)) && old[strlen(fp)] == ' ') {
		at = old + strcspn(old, "\n");
		while ((p = next_read(&at, &len))) {
			all = xrealloc(all, (count + 1) * sizeof *all);
			all[count++] = xstrndup(p, len);
		}
	}
	if (count)
		qsort(all, count, sizeof *all, cmp_str);
	for (i = 0; i < count; i++) {
		if (!i || strcmp(all[i], all[i - 1])) {
			strbuf_addch(&list, '\n');
			strbuf_adds(&list, all[i]);
		}
	}
	for (i = 0; i < count; i++)
		free(all[i]);
	free(all);
	strbuf_addf(&note, "%s %016llx %016llx", fp, b->reads,
		    hash_reads(b->opts->site_dir, list.buf, 1, VALUE_HASH_SEED));
	strbuf_add(&note, list.buf, list.len);
	cache_note_put(b->cache, "reads", count ? note.buf : "");
	free(b->stats->reads);
	b->stats->reads = xstrdup(count ? list.buf + 1 : "");
	strbuf_release(&list);
	strbuf_release(&note);
}

/* The reads value this build keys bodies and pages with (see save_reads). */
static unsigned long long reads_key(const char *site_dir, const char *note)
{
	unsigned long long now = hash_reads(site_dir, note, 1, VALUE_HASH_SEED), keyed, seen;

	if (note && strlen(note) > 17 && sscanf(note + 17, "%16llx %16llx", &keyed, &seen) == 2 &&
	    seen == now)
		return keyed;
	return now;
}

/* The last build's listing of `dir` (see struct build_listing) in *out,
 * brought up to date; or 0, with nothing in *out, when it has to be made
 * again. */
static int listing_up_to_date(struct build_listing *l, const char *dir, struct fs_list *out)
{
	size_t i;

	if (!l || !l->kept)
		return 0;
	*out = l->files;
	l->kept = 0;
	memset(&l->files, 0, sizeof l->files);
	if (l->changed_known && fs_is_dir(dir)) {
		for (i = 0; i < l->nchanged && fs_list_update(out, dir, l->changed[i], NULL) == 0; i++)
			;
		if (i == l->nchanged)
			return 1;
	}
	fs_list_release(out);
	return 0;
}

static unsigned long long input_stamp(const struct build_opts *opts, const char *out_dir,
				      unsigned long long program, const char *reads,
				      struct fs_list *content_files, unsigned long long *frame)
{
	unsigned long long h = program, stamp;
	struct stat sb;
	char *p;
	int flags[2] = { opts->drafts, opts->strict };
	size_t i;

	h = value_hash_bytes(flags, sizeof flags, h);
	if (opts->base_url) /* (it replaces site.yaml's: as if that changed) */
		h = value_hash_bytes(opts->base_url, strlen(opts->base_url) + 1, h);
	h = value_hash_bytes(out_dir, strlen(out_dir) + 1, h);
	p = fs_join(opts->site_dir, "site.yaml");
	if (stat(p, &sb) == 0) {
		h = value_hash_bytes(&sb.st_size, sizeof sb.st_size, h);
		h = value_hash_bytes(&sb.st_mtim, sizeof sb.st_mtim, h);
	}
	free(p);
	p = fs_join(opts->site_dir, "lua");
	h = fs_stamp(p, h);
	free(p);
	h = hash_reads(opts->site_dir, reads, 0, h);
	h = theme_stamp(opts->site_dir, h);
	p = fs_join(opts->site_dir, "content");
	/* content_load reads what is listed */
	if (listing_up_to_date(opts->listing, p, content_files))
		stamp = fs_list_stamp(p, h, content_files);
	else
		stamp = fs_stamp_list(p, h, content_files);
	free(p);
	for (i = 0; i < content_files->n; i++) {
		const char *rel = content_files->paths[i];

		h = value_hash_bytes(rel, strlen(rel) + 1, h);
		if (!content_is_markdown(rel)) {
			unsigned long long st = quick_stat(&content_files->stats[i]);

			h = value_hash_bytes(&st, sizeof st, h);
		}
	}
	*frame = h;
	return stamp;
}

/* A name the quick file can hold: no tab, newline or space. */
static int plain_name(const char *s)
{
	return s && !strpbrk(s, "\t\n ");
}

/* Which quick file each document has, by the document's address: open
 * addressing over a power of two at least twice the entries. */
struct doc_files {
	const struct doc **doc;
	size_t *file, mask;
};

static size_t doc_slot(const struct doc_files *m, const struct doc *d)
{
	size_t h = (size_t)(((uintptr_t)d >> 4) * 0x9e3779b97f4a7c15ULL) & m->mask;

	while (m->doc[h] && m->doc[h] != d)
		h = (h + 1) & m->mask;
	return h;
}

/* The quick file's entries of the files a guide's one-page edition joins
 * (the guide's own and its chapters'), those it has, into `out` (room for
 * 1 + the chapters); how many. */
static size_t guide_files(const struct quick *q, const struct record *g, struct quick_file **out)
{
	size_t n = 0, j;

	if (g->doc && (out[n] = quick_find(q, g->doc->rel)))
		n++;
	for (j = 0; j < g->children.n; j++)
		if (g->children.items[j]->doc &&
		    (out[n] = quick_find(q, g->children.items[j]->doc->rel)))
			n++;
	return n;
}

/* What the next build's quick path needs (see quick_build): every Markdown
 * file's stat, front matter hash and URL, and where each page shows its
 * body; gathered before content and pages are freed, saved with the cache.
 * A site whose Lua hooks could show a body anywhere (page or html hooks,
 * a site hook that gets every document: see hookrun_quick) has none. */
static void gather_quick(struct build *b)
{
	struct quick *q = &b->next_quick;
	const struct quick *last = b->last_quick_ok ? &b->last_quick : NULL;
	struct doc_files files = { NULL, NULL, 15 };
	size_t i, j, k = 0, o = 0, *first, *at, *shows, nguide;
	unsigned char *fresh; /* per entry: its line is made anew */
	struct quick_file **guide = NULL; /* a guide's files (guide_files) */

	if (!b->quick)
		return;
	q->frame = b->frame;
	q->depends = b->depends;
	q->state = b->state;
	while (files.mask + 1 < 2 * b->content.n)
		files.mask = files.mask * 2 + 1;
	files.doc = xcalloc(files.mask + 1, sizeof *files.doc);
	files.file = xmalloc((files.mask + 1) * sizeof *files.file);
	/* the listing and the content are both sorted by name (strcmp): one
	 * walk, and the quick file's entries come sorted as quick_find needs */
	for (i = 0; i < b->listed.n; i++) {
		const char *rel = b->listed.paths[i];
		const struct doc *d = NULL;
		struct quick_file *f;
		int c = 1;

		if (!content_is_markdown(rel) || !plain_name(rel))
			continue; /* without a line, a change to it takes the full path */
		f = quick_add(q, rel, quick_stat(&b->listed.stats[i]));
		while (k < b->content.n && (c = strcmp(b->content.docs[k]->rel, rel)) < 0)
			k++;
		if (!c)
			d = b->content.docs[k];
		if (d && d->is_markdown && plain_name(d->url)) {
			size_t h = doc_slot(&files, d);

			f->built = 1;
			f->meta = d->meta_hash;
			f->url = quick_copy(q, d->url);
			files.doc[h] = d;
			files.file[h] = q->n - 1;
		}
	}
	/* each entry's pages, in the plan's order: how many, which, and
	 * whether this build rendered any of them */
	first = xcalloc(q->n + 1, sizeof *first);
	shows = xmalloc((b->pages.n + 1) * sizeof *shows);
	fresh = xcalloc(q->n + 1, 1);
	for (i = 0; i < b->pages.n; i++) {
		const struct page *p = &b->pages.items[i];
		size_t h = p->doc ? doc_slot(&files, p->doc) : 0;

		if (p->doc && files.doc[h]) {
			first[files.file[h] + 1]++;
			fresh[files.file[h]] |= b->rendered[i];
		}
		/* a guide's one-page edition: its chapters' lines are made anew */
		if (p->kind == PAGE_GUIDE_ALL && p->record) {
			guide = xrealloc(guide, (p->record->children.n + 1) * sizeof *guide);
			nguide = guide_files(q, p->record, guide);
			for (j = 0; j < nguide; j++)
				fresh[guide[j] - q->items] = 1;
		}
	}
	for (i = 0; i < q->n; i++)
		first[i + 1] += first[i];
	at = xmalloc((q->n + 1) * sizeof *at);
	memcpy(at, first, (q->n + 1) * sizeof *at);
	for (i = 0; i < b->pages.n; i++) {
		const struct page *p = &b->pages.items[i];
		size_t h = p->doc ? doc_slot(&files, p->doc) : 0;

		if (p->doc && files.doc[h])
			shows[at[files.file[h]]++] = i;
	}
	/*
	 * A file as it was, shown by the same number of pages of which this
	 * build rendered none (a page new to it would have been rendered),
	 * keeps the last quick file's line for its pages, as quick_load read
	 * it: only the files a rebuild changed, and those of the pages it
	 * rendered, are made anew (10,000 lines of 11,000 splices, a title
	 * edit's last milliseconds, were).
	 */
	for (i = 0; i < q->n; i++) {
		struct quick_file *f = &q->items[i];
		const struct quick_file *was = NULL;
		size_t n = first[i + 1] - first[i];

		while (last && o < last->n && strcmp(last->items[o].rel, f->rel) < 0)
			o++;
		if (last && o < last->n && !strcmp(last->items[o].rel, f->rel))
			was = &last->items[o];
		if (was && was->line && !fresh[i] && was->stat == f->stat && was->built == f->built &&
		    (!f->built || (was->meta == f->meta && !strcmp(was->url, f->url))) &&
		    !was->npages && quick_pages_count(was) == n) {
			/* (the last quick file outlives this one's lines) */
			f->pages_text = was->pages_text;
			f->line = was->line;
			f->line_len = was->line_len;
			continue;
		}
		for (j = first[i]; j < first[i + 1]; j++) {
			const struct page *p = &b->pages.items[shows[j]];
			struct quick_splice none = { .ok = 0 };

			quick_add_page(q, f, p->out, plain_name(p->out) ? &b->splices[shows[j]] : &none);
		}
	}
	free(first);
	free(at);
	free(shows);
	free(fresh);
	free(files.doc);
	free(files.file);
	/* a guide's one-page edition shows its chapters' bodies too, joined */
	for (i = 0; i < b->pages.n; i++) {
		const struct page *p = &b->pages.items[i];
		struct quick_splice joined = { .ok = 0 };

		if (p->kind != PAGE_GUIDE_ALL || !p->record)
			continue;
		guide = xrealloc(guide, (p->record->children.n + 1) * sizeof *guide);
		nguide = guide_files(q, p->record, guide);
		for (j = 0; j < nguide; j++)
			if (guide[j]->built)
				quick_add_page(q, guide[j], p->out, &joined);
	}
	free(guide);
}

/* The next build's quick file, but for its counts, made on a thread of its
 * own from the moment the pages are done, while the extras finish and the
 * output is committed: remember writes it. */
static void *make_quick(void *arg)
{
	struct side_job *j = arg;

	gather_quick(j->b);
	if (j->b->quick)
		quick_lines(&j->b->next_quick, &j->b->next_lines);
	return NULL;
}

static void save_quick(struct build *b, const struct build_stats *st)
{
	char *path = cache_file(b->out.final, ".quick");

	b->next_quick.pages = st->pages;
	b->next_quick.files = atomic_load(&b->out.written) + atomic_load(&b->out.kept);
	if (!b->quick || quick_write(&b->next_quick, &b->next_lines, path) < 0)
		unlink(path);
	quick_release(&b->next_quick); /* here, on the quick file's own thread */
	strbuf_release(&b->next_lines);
	free(path);
}

static void *write_quick(void *arg)
{
	struct side_job *j = arg;

	save_quick(j->b, j->b->stats);
	return NULL;
}

/* Keep this build's stamp, page count and warnings for the next one, then
 * write the cache, and the quick file beside it on a thread of its own. */
static int remember(struct build *b, unsigned long long stamp, const struct build_stats *st)
{
	char buf[32];
	struct strbuf w = STRBUF_INIT;
	struct side_job quick = { NULL, 0, DIAG_LIST_INIT, 0 };
	int ret;

	diag_list_save(b->dl, DIAG_WARNING, &w);
	snprintf(buf, sizeof buf, "%016llx", stamp);
	cache_note_put(b->cache, "stamp", buf);
	snprintf(buf, sizeof buf, "%zu", st->pages);
	cache_note_put(b->cache, "pages", buf);
	cache_note_put(b->cache, "warnings", w.buf);
	strbuf_release(&w);
	side_start(&quick, b, write_quick);
	save_reads(b);
	ret = cache_save(b->cache, b->out.final);
	side_finish(&quick, b->dl);
	return ret;
}

/* Nothing changed since the last build: report it, with its warnings.
 * A check (a dry run) asks the same of the last build into the output it
 * would have written, and reports what that build found. */
static int unchanged(struct build *b, const char *out_dir, unsigned long long stamp,
		     struct build_stats *st)
{
	char want[32];
	const char *got, *pages;

	if (b->opts->grades || !fs_is_dir(out_dir))
		return 0;
	snprintf(want, sizeof want, "%016llx", stamp);
	got = cache_note_get(b->cache, "stamp");
	pages = cache_note_get(b->cache, "pages");
	if (!got || strcmp(got, want) || !pages)
		return 0;
	/* nothing changed in the site, but a file the last build made may
	 * have gone from the output since: the full path makes it again */
	if (!b->opts->dry_run && !b->opts->output_trusted && output_intact(out_dir) != 1)
		return 0;
	st->pages = strtoul(pages, NULL, 10);
	st->kept = st->pages;
	diag_list_load(b->dl, DIAG_WARNING, cache_note_get(b->cache, "warnings"));
	return 1;
}

/* A page's new file, waiting until every changed body has been checked. */
struct quick_write {
	char *path;
	struct strbuf bytes;
	struct quick_splice *splice; /* its entry, updated once written... */
	struct quick_splice now;     /* ...to this */
};

/* What a helper's section (a splice's `lambda`, "<name>:<text in hex>")
 * shows for a new body: the section again, with the body as page.content,
 * the one name it read (struct mustache_watch). 0, or -1. */
static int lambda_output(const struct build *b, const struct quick_splice *s, const char *html,
			 struct strbuf *out, struct diag_list *dl)
{
	struct mustache_opts o = { 0, hookrun_lambdas(b->hooks), NULL };
	struct strbuf name = STRBUF_INIT, text = STRBUF_INIT, src = STRBUF_INIT;
	struct mustache_set *set;
	struct value *ctx, *page;
	int ret = -1;

	if (!o.lambdas || quick_lambda_read(s->lambda, s->lambda_size, &name, &text) < 0) {
		strbuf_release(&name);
		strbuf_release(&text);
		return -1;
	}
	strbuf_addf(&src, "{{#%s}}", name.buf);
	strbuf_add(&src, text.buf, text.len);
	strbuf_addf(&src, "{{/%s}}", name.buf);
	set = mustache_set_new();
	ctx = value_new_map();
	page = value_new_map();
	value_map_set_str(page, "content", html);
	value_map_set(ctx, "page", page, NULL);
	if (mustache_set_add(set, "helper", "helper", src.buf, src.len, dl) == 0 &&
	    mustache_render(set, "helper", ctx, &o, out, dl) == 0)
		ret = 0;
	mustache_set_free(set);
	value_free(ctx);
	strbuf_release(&name);
	strbuf_release(&text);
	strbuf_release(&src);
	return ret;
}

/* The page `was` with s's body, and its helper's output, made new: 0 with
 * the new file in w->bytes and its splice in w->now, or -1 when `was` is
 * not as the last build wrote it. */
static int respliced(const struct build *b, const struct quick_splice *s, const struct strbuf *was,
		     const char *html, struct quick_write *w, struct diag_list *dl)
{
	struct strbuf lam = STRBUF_INIT;
	size_t len = strlen(html);
	struct span { size_t at, len; const char *now; size_t now_len; } span[2], first;
	size_t n = 1, i, from = 0;

	if (s->at + s->len > was->len ||
	    value_hash_fast(was->buf + s->at, s->len, VALUE_HASH_SEED) != s->html)
		return -1;
	span[0].at = s->at;
	span[0].len = s->len;
	span[0].now = html;
	span[0].now_len = len;
	w->now = *s;
	w->now.len = len;
	w->now.html = value_hash_fast(html, len, VALUE_HASH_SEED);
	if (s->lambda) {
		/* called again on the old body, the section must show what it
		 * showed (with the body as page.content, the name it read may
		 * not be found as it was: inside another section, say) */
		char *old = xstrndup(was->buf + s->at, s->len);
		int same = s->lambda_at + s->lambda_len <= was->len &&
			   value_hash_fast(was->buf + s->lambda_at, s->lambda_len, VALUE_HASH_SEED) ==
				   s->lambda_html &&
			   lambda_output(b, s, old, &lam, dl) == 0 && lam.len == s->lambda_len &&
			   !memcmp(lam.buf, was->buf + s->lambda_at, lam.len);

		free(old);
		strbuf_reset(&lam);
		if (!same || lambda_output(b, s, html, &lam, dl) < 0) {
			strbuf_release(&lam);
			return -1;
		}
		span[1].at = s->lambda_at;
		span[1].len = s->lambda_len;
		span[1].now = lam.buf;
		span[1].now_len = lam.len;
		n = 2;
		w->now.lambda_len = lam.len;
		w->now.lambda_html = value_hash_fast(lam.buf, lam.len, VALUE_HASH_SEED);
		/* the later span moves by what the earlier one grew */
		if (s->lambda_at < s->at)
			w->now.at = s->at + lam.len - s->lambda_len;
		else
			w->now.lambda_at = s->lambda_at + len - s->len;
		if (span[1].at < span[0].at) {
			first = span[1];
			span[1] = span[0];
			span[0] = first;
		}
	}
	for (i = 0; i < n; i++) {
		strbuf_add(&w->bytes, was->buf + from, span[i].at - from);
		strbuf_add(&w->bytes, span[i].now, span[i].now_len);
		from = span[i].at + span[i].len;
	}
	strbuf_add(&w->bytes, was->buf + from, was->len - from);
	strbuf_release(&lam);
	return 0;
}

/* The documents the site hooks get, for a quick build that runs them
 * again: as content_load reads them, from the cache. */
static int load_site_documents(struct build *b, struct diag_list *dl)
{
	struct fs_list some = FS_LIST_INIT;
	size_t i;
	int ret;

	some.paths = xcalloc(b->listed.n + 1, sizeof *some.paths);
	some.stats = xcalloc(b->listed.n + 1, sizeof *some.stats);
	for (i = 0; i < b->listed.n; i++)
		if (hookrun_site_sees(b->hooks, b->listed.paths[i])) {
			some.paths[some.n] = b->listed.paths[i];
			some.stats[some.n++] = b->listed.stats[i];
		}
	ret = content_load(&b->content, b->opts->site_dir, b->opts->drafts, b->cache, b->program,
			   &some, dl);
	free(some.paths);
	free(some.stats);
	return ret;
}

/* Add every out of f to the "quick-dirty" list in `dirty` (space-separated). */
static void add_dirty(struct strbuf *dirty, const struct quick_file *f)
{
	size_t j;

	for (j = 0; j < f->npages; j++) {
		const char *out = f->outs[j], *at = dirty->buf;
		size_t n = strlen(out);

		while ((at = strstr(at, out)) &&
		       !((at == dirty->buf || at[-1] == ' ') && (at[n] == ' ' || !at[n])))
			at++;
		if (at)
			continue; /* there already */
		if (dirty->len)
			strbuf_addch(dirty, ' ');
		strbuf_adds(dirty, out);
	}
}

/*
 * The quick path. When every file that changed since the last build is a
 * Markdown file whose front matter is what it was (the words of a story or
 * a page were edited), nothing that the model, the page plan or any list
 * reads has changed: only the pages that show those bodies, and in them
 * only the body. Each such page's new file is its old one with the new body
 * where the old one was (noted as it rendered, see note_splice), so
 * neither the other files nor the model are loaded.
 *
 * Anything else takes the full path: another kind of change, Lua hooks, a
 * body that now has a diagnostic or had a warning, different headings (the
 * table of contents shows them), an old file that is not what the last
 * build wrote, a body shown other than once as it is. Returns 1 when the
 * build is done, 0 to build in full (nothing was written).
 */
static int quick_build(struct build *b, const char *out_dir, unsigned long long stamp,
		       struct build_stats *st)
{
	struct quick q = b->last_quick; /* (this function's now: released below) */
	char *path = cache_file(out_dir, ".quick");
	struct quick_file **changed = NULL;
	struct doc **docs = NULL; /* the changed files, until the content has them */
	struct quick_write *writes = NULL;
	size_t nchanged = 0, nwrites = 0, awrites = 0, i, j, written = 0;
	struct diag_list dl = DIAG_LIST_INIT, old = DIAG_LIST_INIT;
	struct strbuf dirty = STRBUF_INIT, logs = STRBUF_INIT; /* the hooks' log lines */
	struct linker lk = { b, STRBUF_INIT, NULL, NULL, 0 };
	const char *was_dirty = cache_note_get(b->cache, "quick-dirty");
	char buf[32];
	int done = 0;
	const char *why = "a check, a dry run or a first build";

	memset(&b->last_quick, 0, sizeof b->last_quick);
	b->quick_path = 1;
	if (b->opts->dry_run || b->opts->grades || !fs_is_dir(out_dir))
		goto out;
	why = "no quick file from the last build (page or html hooks, or a site hook "
	      "without site_documents?)";
	if (!b->last_quick_ok)
		goto out;
	why = "files other than Markdown changed, or were added or removed";
	if (q.frame != b->frame)
		goto out;
	/* which Markdown files changed: all must be built, shown and spliceable
	 * (the listing and the quick file are both sorted by name) */
	changed = xcalloc(b->listed.n + 1, sizeof *changed);
	for (i = j = 0; i < b->listed.n; i++) {
		const char *rel = b->listed.paths[i];
		struct quick_file *f;
		size_t k;

		if (!content_is_markdown(rel))
			continue;
		while (j < q.n && strcmp(q.items[j].rel, rel) < 0)
			j++;
		why = "a Markdown file the last build did not note";
		if (j == q.n || strcmp(q.items[j].rel, rel))
			goto out;
		f = &q.items[j++];
		if (f->stat == quick_stat(&b->listed.stats[i]))
			continue;
		why = "the quick file from the last build is damaged";
		if (quick_file_pages(&q, f) < 0)
			goto out;
		why = "a changed body that pages show in other ways";
		if (!f->built || !f->npages)
			goto out;
		for (k = 0; k < f->npages; k++)
			if (!f->splices[k].ok)
				goto out;
		f->stat = quick_stat(&b->listed.stats[i]);
		f->line = NULL;
		changed[nchanged++] = f;
	}
	why = "no Markdown file changed (the stamp did for another reason)";
	if (!nchanged)
		goto out;
	/* the last build's warnings about them: the full path says them again */
	why = "the last build warned about a changed file";
	diag_list_load(&old, DIAG_WARNING, cache_note_get(b->cache, "warnings"));
	for (i = 0; i < old.n; i++)
		for (j = 0; j < nchanged; j++) {
			const char *file = old.items[i].file;
			size_t n = file ? strlen(file) : 0, r = strlen(changed[j]->rel);

			if (n >= r && !strcmp(file + n - r, changed[j]->rel))
				goto out;
		}
	/* the changed files, whose front matter must be as it was (a title
	 * changed: the full path), before anything costs more */
	docs = xcalloc(nchanged + 1, sizeof *docs);
	why = "a changed file's front matter changed";
	for (i = 0; i < nchanged; i++) {
		struct doc *d = docs[i] = content_load_file(b->opts->site_dir, changed[i]->rel, &dl);

		if (!d || dl.n || d->draft || d->meta_hash != changed[i]->meta)
			goto out;
		free(d->url);
		d->url = xstrdup(changed[i]->url);
	}
	/* Lua hooks: bodies go through them as they did at the last build */
	why = "Lua hooks that could not be loaded";
	b->hooks = hookrun_new(&b->cfg, b->opts->site_dir, stuck_hook, b, &dl);
	if (!b->hooks || dl.n)
		goto out;
	hookrun_hold_logs(b->hooks, &logs);
	why = "page or html hooks, or a site hook without site_documents";
	if (!hookrun_quick(b->hooks))
		goto out;
	/* (a site hook may change the documents it gets, bodies and all) */
	why = "a changed file is one a site hook gets";
	for (i = 0; i < nchanged; i++)
		if (hookrun_site_sees(b->hooks, changed[i]->rel))
			goto out;
	/* the site hook again, on its documents alone, when what it leaves in
	 * Lua can reach a body (markdown hooks, shortcodes) or a helper */
	if (hookrun_sees_everything(b->hooks) || hookrun_lambdas(b->hooks)) {
		unsigned long long state;

		why = "the site hook did not leave what bodies reach in Lua as it was";
		if (load_site_documents(b, &dl) < 0 || dl.n ||
		    hookrun_site(b->hooks, &b->content, &b->cfg, &dl) < 0 || dl.n ||
		    (hookrun_sees_everything(b->hooks) &&
		     (!hookrun_state_print(b->hooks, &state) || state != q.state)))
			goto out;
	}
	for (i = 0; i < nchanged; i++) { /* freed with the content */
		XGROW(b->content.docs, b->content.alloc, b->content.n + 1);
		b->content.docs[b->content.n++] = docs[i];
		docs[i] = NULL;
	}
	lk.quick = &q; /* what links resolve against: the files as they were */
	for (i = 0; i < nchanged; i++) {
		struct quick_file *f = changed[i];
		struct doc *d = b->content.docs[b->content.n - nchanged + i];
		struct readability r;
		char *longest = NULL;
		struct strbuf msg = STRBUF_INIT;
		unsigned long long toc;
		int bad;

		render_body(&lk, d, q.depends, NULL, 0, &d->html, b->cfg.max_grade ? &r : NULL,
			    &longest, &d->toc, NULL, &dl);
		bad = dl.n || !d->html || !*d->html ||
		      (b->cfg.max_grade && readability_warning(&msg, &r, b->cfg.max_grade));
		free(longest);
		strbuf_release(&msg);
		why = "a changed body has a diagnostic";
		if (bad)
			goto out;
		toc = value_hash(d->toc, VALUE_HASH_SEED);
		why = "a page is not as the last build wrote it, or its headings changed";
		for (j = 0; j < f->npages; j++) {
			struct quick_splice *s = &f->splices[j];
			struct quick_write *w;
			struct strbuf was = STRBUF_INIT;

			if (!output_confined(f->outs[j])) {
				strbuf_release(&was);
				goto out;
			}
			if (s->absent) {
				strbuf_release(&was);
				if (s->toc != toc)
					goto out;
				continue;
			}
			XGROW(writes, awrites, nwrites + 1);
			w = &writes[nwrites++];
			memset(w, 0, sizeof *w);
			w->path = fs_join(out_dir, f->outs[j]);
			strbuf_init(&w->bytes, 0);
			if (fs_read(w->path, &was) < 0 || s->toc != toc ||
			    respliced(b, s, &was, d->html, w, &dl) < 0 || dl.n) {
				strbuf_release(&was);
				goto out;
			}
			w->splice = s;
			strbuf_release(&was);
		}
	}
	/* the quick path writes only the changed files' pages: any other
	 * file gone from the output is for the full path to make again
	 * (asked last: it costs 20 ms on 10,000 pages, and a title edit
	 * takes the full path anyway) */
	/* (once, for every changed body's links) */
	why = "a changed body links from the site's root to a page the last build did not make";
	if (lk.nmade && output_made(out_dir, lk.made, lk.nmade) != 1)
		goto out;
	why = "a file the last build made is gone from the output";
	if (!b->opts->output_trusted && output_intact(out_dir) != 1)
		goto out;
	/* the cache learns first which files stop matching its pages... */
	if (was_dirty)
		strbuf_adds(&dirty, was_dirty);
	for (i = 0; i < nchanged; i++)
		add_dirty(&dirty, changed[i]);
	cache_note_put(b->cache, "quick-dirty", dirty.buf);
	why = "the cache could not be written";
	if (cache_save_notes(b->cache, out_dir) < 0)
		goto out;
	/* ...then the files change, then the stamp says they are done */
	for (i = 0; i < nwrites; i++) {
		struct quick_write *w = &writes[i];

		if (!fs_same(w->path, w->bytes.buf, w->bytes.len)) {
			if (fs_replace(w->path, w->bytes.buf, w->bytes.len) < 0) {
				diag_io_error(b->dl, NULL, "unable to write '%s': %s", w->path,
					      strerror(errno));
				done = 1; /* not worth a full build: it would fail too */
				goto out;
			}
			written++;
		}
		*w->splice = w->now;
	}
	if (quick_save(&q, path) < 0)
		unlink(path);
	snprintf(buf, sizeof buf, "%016llx", stamp);
	cache_note_put(b->cache, "stamp", buf);
	cache_save_notes(b->cache, out_dir);
	diag_list_load(b->dl, DIAG_WARNING, cache_note_get(b->cache, "warnings"));
	st->pages = q.pages;
	st->rendered = nwrites;
	st->written = written;
	st->kept = q.files - written;
	done = 1;
out:
	b->quick_path = 0;
	if (!done && getenv("WAYMARK_TIMINGS"))
		fprintf(stderr, "no quick build: %s\n", why);
	if (!done) { /* the full path loads them again, on all the content */
		hookrun_free(b->hooks);
		b->hooks = NULL;
	} else {
		hookrun_hold_logs(b->hooks, NULL);
		fputs(logs.buf ? logs.buf : "", stderr);
	}
	strbuf_release(&logs);
	for (i = 0; docs && i < nchanged; i++)
		content_free_doc(docs[i]);
	free(docs);
	for (i = 0; i < nwrites; i++) {
		free(writes[i].path);
		strbuf_release(&writes[i].bytes);
	}
	free(writes);
	free(changed);
	linker_release(&lk);
	strbuf_release(&dirty);
	diag_list_release(&dl);
	diag_list_release(&old);
	content_release(&b->content);
	if (done)
		quick_release(&q);
	else
		b->last_quick = q; /* its lines serve the next quick file (gather_quick) */
	free(path);
	return done;
}

/* When a phase began: wall-clock and CPU time (every thread's). */
struct clock {
	double wall, cpu;
};

static struct clock clock_now(void)
{
	struct timespec ts;
	struct clock c = { monotonic_seconds(), 0 };

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		c.cpu = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	return c;
}

/* WAYMARK_TIMINGS=1 in the environment prints how long each phase took,
 * on stderr, for profiling: its wall-clock time, and the CPU time all
 * threads spent in it (twice the wall time: two cores kept busy). */
static void phase(const char *name, struct clock *last)
{
	struct clock t = clock_now();

	if (getenv("WAYMARK_TIMINGS"))
		fprintf(stderr, "%-10s %7.1f ms %7.1f ms CPU\n", name, (t.wall - last->wall) * 1000,
			(t.cpu - last->cpu) * 1000);
	*last = t;
}

/* With WAYMARK_TIMINGS, a part of the phases' time, in ms (`what` says
 * which). */
static void phase_part(const char *name, double seconds, const char *what)
{
	if (getenv("WAYMARK_TIMINGS"))
		fprintf(stderr, "%-10s %7.1f ms %s\n", name, seconds * 1000, what);
}

/*
 * Two builds into one output directory at once would each rewrite what the
 * other reads (the cache beside it, the staging directory), and could leave
 * pages that the next build takes for up to date. So a build holds a lock
 * beside the output (flock on .waymark-cache-<out>.lock, as hugo holds
 * .hugo_build.lock) from before it reads the cache until it has saved it:
 * a second build waits for the first, then builds on what it left. The
 * descriptor, or -1 when there is nowhere to make the lock (the build goes
 * on without it, and its own errors say why it cannot write there).
 */
static int build_lock(const char *out_dir, int quiet)
{
	char *path = cache_file(out_dir, ".lock");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (!quiet)
			fprintf(stderr, "waiting for another build into '%s' to finish\n", out_dir);
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
	}
	free(path);
	return fd;
}

/* --strict: a warning fails the build too, as mkdocs --strict does, so a
 * broken link stops a build in CI instead of going out with the site
 * (called before the output is committed, which an error stops). */
static void strict_warnings(const struct build_opts *opts, struct diag_list *dl)
{
	if (opts->strict && dl->warnings && !dl->errors)
		diag_error(dl, NULL, "%zu warning%s, and --strict makes a warning fail the build",
			   dl->warnings, dl->warnings == 1 ? "" : "s");
}

void build_stats_print(FILE *out, const char *verb, const struct build_stats *st)
{
	fprintf(out, "%s %zu page%s in %.0f ms (%zu rendered; %zu file%s written, %zu unchanged)\n",
		verb, st->pages, st->pages == 1 ? "" : "s", st->seconds * 1000, st->rendered,
		st->written, st->written == 1 ? "" : "s", st->kept);
}

int build_run(const struct build_opts *opts, struct diag_list *dl, struct build_stats *st)
{
	struct clock tp = clock_now();
	struct build b;
	const struct value *theme_where;
	unsigned long long stamp;
	struct side_job charts = { NULL, 0, DIAG_LIST_INIT, 0 }, extras = { NULL, 0, DIAG_LIST_INIT, 0 },
			looked = { NULL, 0, DIAG_LIST_INIT, 0 }, quick_file = { NULL, 0, DIAG_LIST_INIT, 0 },
			next_quick = { NULL, 0, DIAG_LIST_INIT, 0 };
	pthread_t releaser;
	int released = 0, lock_fd = -1;
	char *out_dir;
	double t0 = monotonic_seconds(), parsed = markdown_parse_seconds(),
	       compressed = chart_png_seconds(), drawn = figures_draw_seconds();
	int status;

	memset(&b, 0, sizeof b);
	memset(st, 0, sizeof *st);
	atomic_init(&b.skipped, 0);
	atomic_init(&b.cache_damaged, 0);
	strbuf_init(&b.next_lines, 0);
	pthread_mutex_init(&b.body_lock, NULL);
	b.opts = opts;
	b.content_dir = fs_join(opts->site_dir, "content");
	b.dl = dl;
	b.stats = st;
	if (opts->grades)
		st->grades = value_new_list();
	out_dir = opts->out_dir ? xstrdup(opts->out_dir) : fs_join(opts->site_dir, "public");
	b.out_dir = out_dir;
	b.program = program_print();
	if (!opts->dry_run) {
		/* (not beside an output it will refuse: output_begin says why) */
		struct diag_list refused = DIAG_LIST_INIT;

		if (output_allowed(out_dir, opts->site_dir, &refused) == 0)
			lock_fd = build_lock(out_dir, opts->quiet);
		diag_list_release(&refused);
	}
	b.cache = cache_load(out_dir);
	/* a check reads what the last build into the output kept (fields,
	 * bodies), and keeps nothing new */
	if (opts->dry_run)
		cache_read_only(b.cache);
	/* (quick_build's first tests; the quick file of a build before one
	 * that was stopped while it wrote the output is not to be trusted) */
	if (!opts->dry_run && !opts->grades && !cache_interrupted(b.cache))
		side_start(&quick_file, &b, read_quick);
	stamp = input_stamp(opts, out_dir, b.program, cache_note_get(b.cache, "reads"), &b.listed,
			    &b.frame);
	phase("stamp", &tp);
	if (unchanged(&b, out_dir, stamp, st))
		goto finish;
	b.reads = reads_key(opts->site_dir, cache_note_get(b.cache, "reads"));
	if (config_load(&b.cfg, opts->site_dir, opts->base_url, dl) < 0)
		goto finish;
	b.base_path = path_of(b.cfg.base_url);
	b.site = site_context(&b.cfg, b.base_path);
	theme_where = value_get(b.cfg.raw, "theme");
	theme_load(&b.theme, opts->site_dir, b.cfg.theme, theme_where ? &theme_where->pos : NULL,
		   b.base_path, dl);
	phase("config", &tp);
	side_finish(&quick_file, dl);
	if (!dl->errors && quick_build(&b, out_dir, stamp, st)) {
		phase("quick", &tp);
		goto finish;
	}
	content_load(&b.content, opts->site_dir, opts->drafts, b.cache, b.program, &b.listed, dl);
	if (!opts->dry_run)
		side_start(&looked, &b, look_ahead);
	phase("load", &tp);
	if (!dl->errors)
		b.hooks = hookrun_new(&b.cfg, opts->site_dir, stuck_hook, &b, dl);
	b.quick = !dl->errors && hookrun_quick(b.hooks);
	if (!dl->errors)
		hookrun_site(b.hooks, &b.content, &b.cfg, dl);
	/* a quick build checks it leaves bodies' hooks the same Lua */
	if (b.quick && hookrun_sees_everything(b.hooks) && !hookrun_state_print(b.hooks, &b.state))
		b.quick = 0;
	if (!dl->errors)
		model_build(&b.model, &b.content, dl);
	phase("model", &tp);
	if (dl->errors)
		goto finish;
	pages_plan(&b.pages, &b.model, &b.content, dl);
	if (!dl->errors)
		figures_plan(&b.pages, &b.model, dl);
	if (!dl->errors && b.cfg.chart_font)
		check_chart_font(&b, dl);
	if (!dl->errors)
		check_field_addresses(&b, dl);
	phase("plan", &tp);
	/* charts are drawn (on threads of their own) while bodies render:
	 * they need only the plan, and the parse lock leaves cores idle */
	if (!dl->errors && output_begin(&b.out, out_dir, opts->site_dir, opts->dry_run, dl) == 0)
		side_start(&charts, &b, draw_charts);
	render_bodies(&b);
	phase("bodies", &tp);
	side_finish(&charts, dl);
	phase("charts", &tp);
	/* two parts of that time that the libraries decide: parsing, which
	 * no number of CPUs shortens, and writing PNGs (WAYMARK_TIMINGS) */
	phase_part("parsing", markdown_parse_seconds() - parsed,
		   "of the bodies' time: cmark-gfm parsing, one document at a time");
	phase_part("drawing", figures_draw_seconds() - drawn,
		   "CPU of the charts': drawing, compressing and writing their pictures");
	phase_part("png", chart_png_seconds() - compressed, "CPU of the charts': libgd's PNG writer");
	if (dl->errors) {
		output_abort(&b.out); /* begun for the charts */
		goto finish;
	}
	/* everything every page depends on besides its own context */
	b.inputs = value_hash(b.cfg.raw, VALUE_HASH_SEED);
	b.inputs = value_hash(b.theme.asset_urls, b.inputs);
	b.inputs = value_hash_bytes(&opts->strict, sizeof opts->strict, b.inputs);
	b.inputs = value_hash_bytes(&b.reads, sizeof b.reads, b.inputs);
	{
		unsigned long long lua = hookrun_fingerprint(b.hooks);

		b.inputs = value_hash_bytes(&lua, sizeof lua, b.inputs);
	}
	b.env = (struct pages_env){ b.base_path, b.site, b.theme.asset_urls, b.cfg.menu,
				    &b.model, &b.pages, load_body, &b, b.content_dir };
	pages_fingerprint(&b.model, &b.pages);
	/* the search index, feeds and open data need only the prints, the
	 * model and the plan: written while the rest gets ready and the
	 * pages render (a title edit's last milliseconds were theirs) */
	side_start(&extras, &b, write_extras);
	print_layouts(&b);
	b.splices = xcalloc(b.pages.n + 1, sizeof *b.splices);
	b.lambdas = xcalloc(b.pages.n + 1, sizeof *b.lambdas);
	b.rendered = xcalloc(b.pages.n + 1, 1);
	b.nlambdas = b.pages.n;
	read_dirty(&b);
	phase("prints", &tp);
	side_finish(&looked, dl);
	if (!b.last) /* no look ahead (a dry run) */
		read_last(&b);
	pages_tokens_print(b.tokens, &b.env);
	render_pages(&b, st);
	if (atomic_load(&b.cache_damaged))
		diag_error(dl, NULL, "the build cache beside '%s' is damaged: delete the "
			   ".waymark-cache-* files there and build again", out_dir);
	phase("pages", &tp);
	side_start(&next_quick, &b, make_quick);
	side_finish(&extras, dl);
	phase("extras", &tp);
	strict_warnings(opts, dl);
	/* the output changes from here until the cache describes it */
	if (!dl->errors && !opts->dry_run)
		cache_writing(b.cache);
	if (dl->errors) {
		output_abort(&b.out);
	} else if (output_commit(&b.out, dl) == 0 && !opts->dry_run) {
		output_test_stop("committed");
		phase("commit", &tp);
		if (opts->committed)
			opts->committed(opts->committed_ctx);
		side_finish(&next_quick, dl);
		/* pages, model and content are done with: freed while the cache
		 * is saved (once the next quick file has what it needs of them,
		 * and after the output is in place, which a server waits for to
		 * reload its pages), or left to the exit */
		if (!leave_to_exit(opts))
			released = pthread_create(&releaser, NULL, release_content, &b) == 0;
		if (remember(&b, stamp, st) < 0)
			/* only costs time: the next build renders every page */
			diag_warning(dl, NULL, "unable to save the build cache beside '%s'",
				     out_dir);
		else
			cache_written(b.cache);
		phase("cache", &tp);
		/* (said once, after the cache keeps this build's warnings: the
		 * next build finds the manifest and leaves the files alone) */
		if (b.out.foreign)
			diag_warning(dl, NULL,
				     "'%s' held %zu file%s that no waymark build made there, such as '%s': they are left as they were and go out with the site; delete any that should not",
				     out_dir, b.out.foreign, b.out.foreign == 1 ? "" : "s",
				     b.out.foreign_first);
	}
	st->written = atomic_load(&b.out.written);
	st->kept = atomic_load(&b.out.kept);
finish:
	side_finish(&looked, dl); /* when the build stopped before its pages */
	side_finish(&quick_file, dl); /* ...or before the quick path */
	side_finish(&next_quick, dl); /* ...or after its pages, not committed */
	quick_release(&b.last_quick);
	strict_warnings(opts, dl); /* (a build that found nothing changed says them again) */
	status = dl->io_errors ? 3 : dl->errors ? 1 : 0;
	if (status)
		st->pages = 0;
	output_release(&b.out);
	cache_free(b.cache); /* (and the pack it did not save) */
	if (lock_fd >= 0)
		close(lock_fd); /* the output and its cache are as this build leaves them */
	hookrun_free(b.hooks);
	/* the listing for the next build to bring up to date (one that
	 * failed is made again) */
	if (opts->listing && !b.listed.failed) {
		opts->listing->files = b.listed;
		opts->listing->kept = 1;
		memset(&b.listed, 0, sizeof b.listed);
	}
	if (released) {
		pthread_join(releaser, NULL);
	} else if (leave_to_exit(opts)) {
		left = xmalloc(sizeof *left); /* reachable from here on */
		*left = b;
		phase("release", &tp);
		st->seconds = monotonic_seconds() - t0;
		return status;
	} else {
		release_content(&b);
	}
	phase("release", &tp);
	theme_release(&b.theme);
	value_free(b.site);
	free(b.base_path);
	free(b.content_dir);
	free(b.layouts);
	free(b.layout_of);
	fs_list_release(&b.listed);
	free(b.splices);
	free(b.rendered);
	free(b.last);
	pages_tokens_free(b.tokens);
	for (size_t i = 0; i < b.nlambdas; i++)
		free(b.lambdas[i]);
	free(b.lambdas);
	for (size_t i = 0; i < b.ndirty; i++)
		free(b.dirty[i]);
	free(b.dirty);
	quick_release(&b.next_quick);
	strbuf_release(&b.next_lines);
	config_release(&b.cfg);
	pthread_mutex_destroy(&b.body_lock);
	free(out_dir);
	st->seconds = monotonic_seconds() - t0;
	return status;
}
