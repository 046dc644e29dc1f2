/* hookrun: a site's Lua hooks at their places in the build. */
#include "hookrun.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "hooks.h"
#include "slug.h"
#include "threads.h"
#include "xalloc.h"

/*
 * A Lua state and the lock its callers take turns under (recursive: a
 * helper's `render` may call a helper). states[0] is the state the build
 * made; the others are replicas (see hookrun_replicate).
 */
struct state {
	struct hooks *h;
	pthread_mutex_t lock;
	int quiet; /* a replica running the site hook again: no log lines */
	struct strbuf *held; /* log lines kept here instead (hookrun_hold_logs) */
};

struct hookrun {
	struct state **states;
	size_t nstates;
	struct hooks_opts opts; /* to make replicas */
	unsigned long long fingerprint;
	struct mustache_lambdas lambdas;
	int has_helpers;
	char *site_dir;
	int replicated;               /* hookrun_replicate has tried */
	double site_seconds;          /* how long the site hook took */
	int state_known;              /* state_print is set: see hookrun_site */
	unsigned long long state_print;
	const char **reads;           /* hookrun_reads: every state's */
	const struct content *fill_content; /* during a site hook: fill_body */
	struct diag_list *fill_dl;
	/* the watchdog (watch_calls): it reads states and nstates under
	 * watch_lock, which changes to them hold */
	pthread_t watcher;
	int watching, stopping;
	pthread_mutex_t watch_lock;
	pthread_cond_t watch_wake;
	struct hooks *loading;        /* a state whose files are loading */
	unsigned seconds;
	void (*stuck)(void *ctx, const struct diag_list *dl);
	void *stuck_ctx;
};

/* The state this thread uses (hookrun_bind); 0 when it has none. */
static _Thread_local size_t slot;

void hookrun_bind(size_t worker)
{
	slot = worker;
}

/* Which hooks the files define: the same in every state. */
static int has(const struct hookrun *hr, enum hooks_kind kind)
{
	return hr && hooks_has(hr->states[0]->h, kind);
}

static struct state *state_of(const struct hookrun *hr)
{
	return hr->states[slot < hr->nstates ? slot : 0];
}

static void log_line(void *ctx, const char *file, int line, const char *msg)
{
	const struct state *st = ctx;

	if (st->held)
		strbuf_addf(st->held, "%s:%d: %s\n", file, line, msg);
	else if (!st->quiet)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

void hookrun_hold_logs(struct hookrun *hr, struct strbuf *sb)
{
	if (hr)
		hr->states[0]->held = sb;
}

static int has_helper(void *ctx, const char *name)
{
	return hooks_has_helper(((struct hookrun *)ctx)->states[0]->h, name);
}

static int call_helper(void *ctx, const char *name, const char *text, size_t len,
		       mustache_text_fn render, void *render_ctx, struct strbuf *out,
		       struct diag_list *dl)
{
	struct state *st = state_of(ctx);
	int ret;

	pthread_mutex_lock(&st->lock);
	ret = hooks_call_helper(st->h, name, text, len, render, render_ctx, out, dl);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* A new state for hr's files, or NULL (recorded in dl). */
static struct state *state_new(struct hookrun *hr, struct diag_list *dl)
{
	struct state *st = xcalloc(1, sizeof *st);
	struct hooks_opts o = hr->opts;
	pthread_mutexattr_t attr;

	o.log_ctx = st;
	st->h = hooks_new(&o, dl);
	if (!st->h) {
		free(st);
		return NULL;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&st->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return st;
}

static void state_free(struct state *st)
{
	hooks_free(st->h);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

/* Hash every file in lua/ (hooks and the modules they require). */
static unsigned long long fingerprint(const char *site_dir)
{
	char *dir = fs_join(site_dir, "lua");
	struct fs_list files = FS_LIST_INIT;
	unsigned long long h = VALUE_HASH_SEED;
	size_t i;

	if (fs_is_dir(dir))
		fs_list(dir, NULL, &files, NULL);
	for (i = 0; i < files.n; i++) {
		char *path = fs_join(dir, files.paths[i]);
		struct strbuf text = STRBUF_INIT;

		h = value_hash_bytes(files.paths[i], strlen(files.paths[i]) + 1, h);
		if (fs_read(path, &text) == 0)
			h = value_hash_bytes(text.buf, text.len, h);
		strbuf_release(&text);
		free(path);
	}
	fs_list_release(&files);
	free(dir);
	return h;
}

/*
 * The instruction budget is counted between Lua's instructions, so one
 * call into Lua's C library that runs long by itself (a pattern match
 * that backtracks over a long string: string.find(s, ".-.-.-.-x")) would
 * hang the build, and a preview server with it. Once a second this thread
 * looks at the call each state has under way; one that has lasted the
 * time limit ends the process, since nothing else can stop a thread inside
 * C. It says which hook it was, lets the build remove its staging
 * directory, and exits with status 1: the output directory is as the last
 * build left it.
 */
static void *watch_calls(void *arg)
{
	struct hookrun *hr = arg;
	unsigned long *seen = NULL;
	unsigned *ticks = NULL;
	size_t nseen = 0, i;
	char file[128], context[256];
	struct timespec at;

	pthread_mutex_lock(&hr->watch_lock);
	clock_gettime(CLOCK_MONOTONIC, &at);
	while (!hr->stopping) {
		at.tv_sec++;
		if (pthread_cond_timedwait(&hr->watch_wake, &hr->watch_lock, &at) == 0)
			continue; /* stopping */
		/* every state, and then the one loading its files (which
		 * becomes the next state) */
		if (nseen < hr->nstates + 1) {
			seen = xrealloc(seen, (hr->nstates + 1) * sizeof *seen);
			ticks = xrealloc(ticks, (hr->nstates + 1) * sizeof *ticks);
			for (; nseen < hr->nstates + 1; nseen++)
				seen[nseen] = ticks[nseen] = 0;
		}
		for (i = 0; i <= hr->nstates; i++) {
			const struct hooks *h = i < hr->nstates ? hr->states[i]->h : hr->loading;
			unsigned long id = h ? hooks_running(h, file, sizeof file, context,
							     sizeof context)
					     : 0;

			if (!id || id != seen[i]) {
				seen[i] = id;
				ticks[i] = 0;
			} else if (++ticks[i] >= hr->seconds) {
				struct diag_list why = DIAG_LIST_INIT;
				struct pos at = { file, 0, 0 };

				diag_error(&why, &at,
					   "time limit of %u s exceeded%s: one call into Lua's library (a pattern match that backtracks over a long string, say) ran that long, and only stopping waymark ends it",
					   hr->seconds, *context ? context : " as the file loads");
				if (hr->stuck) {
					hr->stuck(hr->stuck_ctx, &why);
				} else {
					diag_list_print(&why, stderr);
					fputs("1 error, 0 warnings\n", stderr);
				}
				_exit(1);
			}
		}
	}
	pthread_mutex_unlock(&hr->watch_lock);
	free(seen);
	free(ticks);
	return NULL;
}

/* hooks_opts.loading: the state the watchdog is to watch load. */
static void note_loading(void *ctx, struct hooks *h)
{
	struct hookrun *hr = ctx;

	pthread_mutex_lock(&hr->watch_lock);
	hr->loading = h;
	pthread_mutex_unlock(&hr->watch_lock);
}

static void watch_start(struct hookrun *hr)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&hr->watch_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&hr->watch_wake, &attr);
	pthread_condattr_destroy(&attr);
	/* (without the thread, a stuck call hangs as it did before) */
	hr->watching = pthread_create(&hr->watcher, NULL, watch_calls, hr) == 0;
}

static void watch_stop(struct hookrun *hr)
{
	if (hr->watching) {
		pthread_mutex_lock(&hr->watch_lock);
		hr->stopping = 1;
		pthread_cond_signal(&hr->watch_wake);
		pthread_mutex_unlock(&hr->watch_lock);
		pthread_join(hr->watcher, NULL);
	}
	pthread_cond_destroy(&hr->watch_wake);
	pthread_mutex_destroy(&hr->watch_lock);
}

struct hookrun *hookrun_new(const struct config *cfg, const char *site_dir,
			    void (*stuck)(void *ctx, const struct diag_list *dl), void *stuck_ctx,
			    struct diag_list *dl)
{
	struct hookrun *hr = xcalloc(1, sizeof *hr);
	struct state *st;

	hr->site_dir = xstrdup(site_dir);
	hr->opts.site_dir = hr->site_dir;
	hr->opts.files = cfg->lua_files;
	hr->opts.nfiles = cfg->nlua_files;
	hr->opts.instruction_limit = cfg->lua_instructions;
	hr->opts.memory_limit = cfg->lua_memory;
	hr->opts.log = log_line;
	hr->opts.loading = note_loading;
	hr->opts.loading_ctx = hr;
	hr->seconds = cfg->lua_seconds ? cfg->lua_seconds : HOOKRUN_DEFAULT_SECONDS;
	hr->stuck = stuck;
	hr->stuck_ctx = stuck_ctx;
	hr->states = xmalloc(sizeof *hr->states);
	watch_start(hr); /* (loading a file runs Lua too) */
	st = state_new(hr, dl);
	pthread_mutex_lock(&hr->watch_lock);
	if (st) {
		hr->states[0] = st;
		hr->nstates = 1;
	}
	pthread_mutex_unlock(&hr->watch_lock);
	if (!st) {
		watch_stop(hr);
		free(hr->states);
		free(hr->site_dir);
		free(hr);
		return NULL;
	}
	hr->fingerprint = fingerprint(site_dir);
	hr->has_helpers = hooks_has(st->h, HOOKS_HELPERS);
	hr->lambdas.has = has_helper;
	hr->lambdas.call = call_helper;
	hr->lambdas.ctx = hr;
	return hr;
}

void hookrun_free(struct hookrun *hr)
{
	size_t i;

	if (!hr)
		return;
	watch_stop(hr);
	for (i = 0; i < hr->nstates; i++)
		state_free(hr->states[i]);
	free(hr->states);
	free(hr->reads);
	free(hr->site_dir);
	free(hr);
}

size_t hookrun_reads(const struct hookrun *hr, const char *const **paths)
{
	struct hookrun *w = (struct hookrun *)hr; /* the list is a cache */
	const char *const *p;
	size_t i, j, n = 0;

	*paths = NULL;
	if (!hr)
		return 0;
	for (i = 0; i < hr->nstates; i++)
		n += hooks_reads(hr->states[i]->h, &p);
	free(w->reads);
	w->reads = xmalloc((n + 1) * sizeof *w->reads);
	for (i = n = 0; i < hr->nstates; i++)
		for (j = hooks_reads(hr->states[i]->h, &p); j; j--)
			w->reads[n++] = *p++;
	*paths = w->reads;
	return n;
}

unsigned long long hookrun_fingerprint(const struct hookrun *hr)
{
	return hr ? hr->fingerprint : 0;
}

const struct mustache_lambdas *hookrun_lambdas(const struct hookrun *hr)
{
	return hr && hr->has_helpers ? &hr->lambdas : NULL;
}

int hookrun_any(const struct hookrun *hr)
{
	return has(hr, HOOKS_SITE) || has(hr, HOOKS_PAGE) || has(hr, HOOKS_MARKDOWN) ||
	       has(hr, HOOKS_HTML) || has(hr, HOOKS_SHORTCODES) || has(hr, HOOKS_HELPERS);
}

int hookrun_sees_everything(const struct hookrun *hr)
{
	return has(hr, HOOKS_SITE) && (has(hr, HOOKS_MARKDOWN) || has(hr, HOOKS_SHORTCODES));
}

int hookrun_state_print(const struct hookrun *hr, unsigned long long *print)
{
	if (!hr || !hr->state_known)
		return 0;
	*print = hr->state_print;
	return 1;
}

int hookrun_quick(const struct hookrun *hr)
{
	return !has(hr, HOOKS_PAGE) && !has(hr, HOOKS_HTML) &&
	       (!has(hr, HOOKS_SITE) || hooks_site_chooses(hr->states[0]->h));
}

int hookrun_site_sees(const struct hookrun *hr, const char *rel)
{
	return has(hr, HOOKS_SITE) && hooks_site_sees(hr->states[0]->h, rel);
}

int hookrun_has_markdown(const struct hookrun *hr)
{
	return has(hr, HOOKS_MARKDOWN);
}

int hookrun_sees_pages(const struct hookrun *hr)
{
	return has(hr, HOOKS_PAGE) || has(hr, HOOKS_HTML) || has(hr, HOOKS_HELPERS);
}

int hookrun_sees_bodies(const struct hookrun *hr)
{
	return has(hr, HOOKS_MARKDOWN) || has(hr, HOOKS_SHORTCODES);
}

/* ------------------------------------------------------------ the site hook */

/* The documents for the site hook: those its files' site_documents ask
 * for (hooks_site_sees). A body not yet read from its file stays there
 * until the hook reads it (fill_body). */
static struct value *documents(const struct hooks *h, const struct content *c)
{
	struct value *list = value_new_list();
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct doc *d = c->docs[i];
		struct value *v;

		if (!hooks_site_sees(h, d->rel))
			continue;
		v = value_new_map();
		value_map_set_str(v, "file", d->rel);
		/* not copied: the site hook gets its own copy of what it reads */
		value_map_set(v, "meta", value_share(d->meta), NULL);
		if (d->is_markdown && d->body)
			value_map_set(v, "body", value_new_string(d->body, d->body_len), NULL);
		v->lazy = 1;
		value_list_push(list, v);
	}
	return list;
}

/* What the site hook is handed: {config, documents}. */
static struct value *site_tree(const struct hooks *h, const struct content *c,
			       const struct config *cfg)
{
	struct value *tree = value_new_map();

	value_map_set(tree, "config", value_copy(cfg->raw), NULL);
	value_map_set(tree, "documents", documents(h, c), NULL);
	return tree;
}

/* hooks_fill_fn: a document's body, read from its file when the site hook
 * first reads it. Most site hooks read few bodies, and a rebuild has read
 * none: reading them all first cost a rebuild of 10,000 pages a fifth of
 * its time. */
static void fill_body(void *ctx, struct value *map, const char *key)
{
	struct hookrun *hr = ctx;
	const char *file = value_string(value_get(map, "file"));
	size_t at;
	struct doc *d;

	if ((key && strcmp(key, "body")) || !hr->fill_content || !file || value_get(map, "body"))
		return;
	at = content_place(hr->fill_content, file);
	if (at == (size_t)-1)
		return;
	d = hr->fill_content->docs[at];
	if (d->is_markdown && content_body(d, hr->fill_dl) == 0)
		value_map_set(map, "body", value_new_string(d->body, d->body_len), NULL);
}

/* Run the site hook of `st` on the documents of c; 0 or -1. */
static int run_site(struct hookrun *hr, struct state *st, struct value **tree,
		    const struct content *c, struct diag_list *dl)
{
	int ret;

	hr->fill_content = c;
	hr->fill_dl = dl;
	hooks_set_fill(st->h, fill_body, hr);
	ret = hooks_site(st->h, tree, dl);
	hooks_set_fill(st->h, NULL, NULL);
	hr->fill_content = NULL;
	hr->fill_dl = NULL;
	return ret;
}

/*
 * Put what the hook returned back into the content. A document's `meta` or
 * `body` missing from what came back is as it was: the hook never read it
 * (see hooks_push_value's lazy maps), or set it to nil. Documents the hook
 * was not given (site_documents) stay as they are.
 */
static int apply(const struct hooks *h, struct content *c, const struct value *docs,
		 const char *site_dir, struct diag_list *dl)
{
	struct doc **kept = xcalloc(docs->n + c->n + 1, sizeof *kept);
	struct doc **made = xcalloc(docs->n + 1, sizeof *made); /* files it made */
	char *content_dir = fs_join(site_dir, "content");
	unsigned char *returned = xcalloc(c->n + 1, 1); /* by place in c->docs */
	size_t i, at, n = 0, nmade = 0;
	int ret = 0;

	for (i = 0; i < docs->n; i++) {
		const struct value *v = docs->items[i];
		const char *file = value_string(value_get(v, "file"));
		const struct value *meta = value_get(v, "meta"), *body = value_get(v, "body");
		struct doc *d;
		char *norm;
		int fresh;

		static const char *const exts[] = { ".md", ".yaml", ".yml", NULL };

		norm = file ? slug_normalize_path(file) : NULL;
		if (!norm || !*norm || !fs_has_ext(norm, exts)) {
			if (file)
				diag_error(dl, NULL,
					   "the site hook returned document %zu of 'documents' with file '%s': it must be a path below content/ ending in .md, .yaml or .yml, like 'pages/x.md'",
					   i + 1, file);
			else
				diag_error(dl, NULL,
					   "the site hook returned document %zu of 'documents' with no 'file' (a path below content/, like 'pages/x.md')",
					   i + 1);
			free(norm);
			ret = -1;
			continue;
		}
		at = content_place(c, norm);
		d = at == (size_t)-1 ? NULL : c->docs[at];
		if (d && returned[at]) { /* the same file twice */
			diag_error(dl, NULL, "the site hook returned 'content/%s' twice", norm);
			free(norm);
			ret = -1;
			continue;
		}
		if (d && !hooks_site_sees(h, d->rel)) {
			diag_error(dl, NULL,
				   "the site hook returned 'content/%s', a document its site_documents did not give it",
				   norm);
			free(norm);
			ret = -1;
			continue;
		}
		fresh = !d;
		if (d) {
			returned[at] = 1;
		} else {
			d = xcalloc(1, sizeof *d);
			d->rel = xstrdup(norm);
			d->path = fs_join(content_dir, norm);
			d->is_markdown = content_is_markdown(norm);
			if (d->is_markdown)
				slug_url_of(d->rel, &d->url, &d->out);
			d->body_line = 1;
			d->meta_hash = 0; /* hashed below */
		}
		if (meta && (!d->meta || value_hash(meta, VALUE_HASH_SEED) != d->meta_hash)) {
			value_free(d->meta);
			d->meta = value_copy(meta);
			content_hash_meta(d);
		}
		if (!d->meta) {
			d->meta = value_new_map();
			content_hash_meta(d);
		}
		if (d->is_markdown && body && body->str &&
		    (!d->body || body->len != d->body_len || memcmp(body->str, d->body, body->len))) {
			free(d->body);
			d->body = xstrndup(body->str, body->len);
			d->body_len = body->len;
			content_hash_body(d);
		}
		if (d->is_markdown && !d->body && fresh) { /* others' stay on disk till needed */
			d->body = xstrdup("");
			content_hash_body(d);
		}
		if (fresh)
			made[nmade++] = d;
		free(norm);
	}
	/* in their order (by file): the documents it returned and those it
	 * was not given stay, the ones it dropped are gone */
	for (i = 0; i < c->n; i++)
		if (returned[i] || !hooks_site_sees(h, c->docs[i]->rel))
			kept[n++] = c->docs[i];
		else
			content_free_doc(c->docs[i]);
	free(returned);
	free(c->docs);
	c->alloc = docs->n + c->n + 1; /* kept's size */
	c->docs = kept;
	c->n = n;
	/* sorted again only for the files it made (sorting 10,000 documents
	 * that were in order took a title edit's rebuild 1-2 ms), which may
	 * name one file twice: none of them is a file it was given */
	if (nmade) {
		const struct doc *said = NULL;

		memcpy(c->docs + c->n, made, nmade * sizeof *made);
		c->n += nmade;
		content_sort(c);
		for (i = n = 1; i < c->n; i++) {
			if (strcmp(c->docs[i]->rel, c->docs[n - 1]->rel)) {
				c->docs[n++] = c->docs[i];
				continue;
			}
			if (said != c->docs[n - 1])
				diag_error(dl, NULL, "the site hook returned 'content/%s' twice",
					   c->docs[i]->rel);
			said = c->docs[n - 1];
			content_free_doc(c->docs[i]);
			ret = -1;
		}
		c->n = n;
	}
	free(made);
	free(content_dir);
	return ret;
}

int hookrun_site(struct hookrun *hr, struct content *c, const struct config *cfg,
		 struct diag_list *dl)
{
	struct value *tree, *docs;
	size_t errors = dl->errors;
	int ret;

	if (!has(hr, HOOKS_SITE))
		return 0;
	tree = site_tree(hr->states[0]->h, c, cfg);
	hr->site_seconds = monotonic_seconds();
	ret = run_site(hr, hr->states[0], &tree, c, dl);
	hr->site_seconds = monotonic_seconds() - hr->site_seconds;
	if (ret == 0 && dl->errors > errors) /* a body that could not be read */
		ret = -1;
	/* what the site hook left for markdown hooks and shortcodes */
	hr->state_known = ret == 0 && hooks_state_print(hr->states[0]->h, 0, &hr->state_print) == 0;
	docs = value_get(tree, "documents");
	if (ret == 0 && (!docs || docs->kind != VALUE_LIST)) {
		if (docs)
			diag_error(dl, NULL, "the site hook must leave 'documents' a list, not a %s",
				   value_kind_name(docs->kind));
		else
			diag_error(dl, NULL, "the site hook must leave 'documents' a list; it took it away");
		ret = -1;
	}
	if (ret == 0)
		ret = apply(hr->states[0]->h, c, docs, hr->site_dir, dl);
	value_free(tree);
	return ret;
}

/*
 * Replicas: Lua states made like the first, so that bodies and pages can
 * run hooks on several threads. Each loads the hook files and runs the
 * site hook again, quietly (its log lines, warnings and changes to the
 * documents are dropped), on the content as the first state's site hook
 * left it. A replica is kept only when the print of what its markdown
 * hooks, shortcodes and helpers can reach (hooks_state_print) is the
 * first state's: then they do the same on every document. A site hook
 * that keeps something the documents' changes alter (a count of them,
 * say) leaves a different print, and the build uses one state.
 */
#define REPLAY_SECONDS 0.25

size_t hookrun_replicate(struct hookrun *hr, const struct content *c, const struct config *cfg,
			 size_t n)
{
	unsigned long long want;
	int has_site;

	if (!hr)
		return 1;
	has_site = has(hr, HOOKS_SITE);
	if (hr->nstates >= n || hr->replicated)
		return hr->nstates;
	hr->replicated = 1; /* once: a second try would fail the same way */
	/* each replica runs the site hook again, one after another: no more
	 * of them than REPLAY_SECONDS of that allows */
	if (has_site && hr->site_seconds * (double)(n - 1) > REPLAY_SECONDS)
		n = 1 + (size_t)(REPLAY_SECONDS / hr->site_seconds);
	if (n <= hr->nstates || hooks_state_print(hr->states[0]->h, 1, &want) < 0)
		return hr->nstates;
	while (hr->nstates < n) {
		struct diag_list dl = DIAG_LIST_INIT;
		struct state *st = state_new(hr, &dl);
		unsigned long long print;
		int ok = st != NULL;

		if (ok && has_site) {
			struct value *tree = site_tree(st->h, c, cfg);

			st->quiet = 1;
			ok = run_site(hr, st, &tree, c, &dl) == 0 && !dl.errors;
			st->quiet = 0;
			value_free(tree);
		}
		ok = ok && hooks_state_print(st->h, 1, &print) == 0 && print == want;
		diag_list_release(&dl);
		if (!ok) {
			if (st)
				state_free(st);
			break;
		}
		pthread_mutex_lock(&hr->watch_lock);
		hr->states = xrealloc(hr->states, (hr->nstates + 1) * sizeof *hr->states);
		hr->states[hr->nstates++] = st;
		pthread_mutex_unlock(&hr->watch_lock);
	}
	return hr->nstates;
}

/* ------------------------------------------------- Markdown and pages */

int hookrun_expand(struct hookrun *hr, const struct doc *d, struct strbuf *out,
		   struct diag_list *dl)
{
	struct state *st;
	int ret;

	if (!has(hr, HOOKS_SHORTCODES)) {
		strbuf_add(out, d->body, d->body_len);
		return 0;
	}
	st = state_of(hr);
	pthread_mutex_lock(&st->lock);
	ret = hooks_expand_shortcodes(st->h, d->body, d->body_len, d->meta, d->path,
				      d->body_line - 1, out, dl);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int hookrun_markdown(void *ctx, struct cmark_node *doc, struct diag_list *dl)
{
	struct hookrun_doc *hd = ctx;
	struct state *st = state_of(hd->hr);
	int ret;

	pthread_mutex_lock(&st->lock);
	ret = hooks_markdown(st->h, doc, hd->doc->meta, hd->doc->path, hd->doc->body_line - 1, dl);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int hookrun_page(struct hookrun *hr, struct value **page, const char *path,
		 struct diag_list *dl)
{
	struct state *st;
	int ret;

	if (!has(hr, HOOKS_PAGE))
		return 0;
	st = state_of(hr);
	pthread_mutex_lock(&st->lock);
	ret = hooks_page(st->h, page, path, dl);
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int hookrun_html(struct hookrun *hr, const struct value *page, const char *path,
		 struct strbuf *html, struct diag_list *dl)
{
	struct state *st;
	int ret;

	if (!has(hr, HOOKS_HTML))
		return 0;
	st = state_of(hr);
	pthread_mutex_lock(&st->lock);
	ret = hooks_html(st->h, page, path, html, dl);
	pthread_mutex_unlock(&st->lock);
	return ret;
}
