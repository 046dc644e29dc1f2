/* hookrun: a site's Lua hooks at their places in the build. */
#include "hookrun.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "hooks.h"
#include "slug.h"
#include "xalloc.h"

struct hookrun {
	struct hooks *h;
	pthread_mutex_t lock; /* recursive: see hookrun.h */
	unsigned long long fingerprint;
	struct mustache_lambdas lambdas;
	int has_helpers;
	char *site_dir;
	int state_known;              /* state_print is set: see hookrun_site */
	unsigned long long state_print;
};

static void log_line(void *ctx, const char *file, int line, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

static int has_helper(void *ctx, const char *name)
{
	return hooks_has_helper(((struct hookrun *)ctx)->h, name);
}

static int call_helper(void *ctx, const char *name, const char *text, size_t len,
		       mustache_text_fn render, void *render_ctx, struct strbuf *out,
		       struct diag_list *dl)
{
	struct hookrun *hr = ctx;
	int ret;

	pthread_mutex_lock(&hr->lock);
	ret = hooks_call_helper(hr->h, name, text, len, render, render_ctx, out, dl);
	pthread_mutex_unlock(&hr->lock);
	return ret;
}

/* Hash every file in lua/ (hooks and the modules they require). */
static unsigned long long fingerprint(const char *site_dir)
{
	char *dir = fs_join(site_dir, "lua");
	struct fs_list files = { NULL, 0, 0, NULL };
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

struct hookrun *hookrun_new(const struct config *cfg, const char *site_dir,
			    struct diag_list *dl)
{
	struct hookrun *hr = xcalloc(1, sizeof *hr);
	struct hooks_opts o;
	pthread_mutexattr_t attr;

	memset(&o, 0, sizeof o);
	o.site_dir = site_dir;
	o.files = cfg->lua_files;
	o.nfiles = cfg->nlua_files;
	o.instruction_limit = cfg->lua_instructions;
	o.memory_limit = cfg->lua_memory;
	o.log = log_line;
	hr->h = hooks_new(&o, dl);
	if (!hr->h) {
		free(hr);
		return NULL;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&hr->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	hr->fingerprint = fingerprint(site_dir);
	hr->site_dir = xstrdup(site_dir);
	hr->has_helpers = hooks_has(hr->h, HOOKS_HELPERS);
	hr->lambdas.has = has_helper;
	hr->lambdas.call = call_helper;
	hr->lambdas.ctx = hr;
	return hr;
}

void hookrun_free(struct hookrun *hr)
{
	if (!hr)
		return;
	hooks_free(hr->h);
	free(hr->site_dir);
	pthread_mutex_destroy(&hr->lock);
	free(hr);
}

size_t hookrun_reads(const struct hookrun *hr, const char *const **paths)
{
	*paths = NULL;
	return hr ? hooks_reads(hr->h, paths) : 0;
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
	return hr && (hooks_has(hr->h, HOOKS_SITE) || hooks_has(hr->h, HOOKS_PAGE) ||
		      hooks_has(hr->h, HOOKS_MARKDOWN) || hooks_has(hr->h, HOOKS_HTML) ||
		      hooks_has(hr->h, HOOKS_SHORTCODES) || hooks_has(hr->h, HOOKS_HELPERS));
}

int hookrun_sees_everything(const struct hookrun *hr)
{
	return hr && hooks_has(hr->h, HOOKS_SITE) &&
	       (hooks_has(hr->h, HOOKS_MARKDOWN) || hooks_has(hr->h, HOOKS_SHORTCODES));
}

int hookrun_state_print(const struct hookrun *hr, unsigned long long *print)
{
	if (!hr || !hr->state_known)
		return 0;
	*print = hr->state_print;
	return 1;
}

int hookrun_has_markdown(const struct hookrun *hr)
{
	return hr && hooks_has(hr->h, HOOKS_MARKDOWN);
}

int hookrun_sees_bodies(const struct hookrun *hr)
{
	return hr && (hooks_has(hr->h, HOOKS_MARKDOWN) || hooks_has(hr->h, HOOKS_SHORTCODES));
}

/* ------------------------------------------------------------ the site hook */

static struct value *documents(const struct content *c)
{
	struct value *list = value_new_list();
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct doc *d = c->docs[i];
		struct value *v = value_new_map();

		value_map_set_str(v, "file", d->rel);
		/* not copied: the site hook gets its own copy of what it reads */
		value_map_set(v, "meta", value_share(d->meta), NULL);
		if (d->is_markdown)
			value_map_set(v, "body", value_new_string(d->body, d->body_len), NULL);
		v->lazy = 1;
		value_list_push(list, v);
	}
	return list;
}

/*
 * Put what the hook returned back into the content. A document's `meta` or
 * `body` missing from what came back is as it was: the hook never read it
 * (see hooks_push_value's lazy maps), or set it to nil.
 */
static int apply(struct content *c, const struct value *docs, const char *site_dir,
		 struct diag_list *dl)
{
	struct doc **kept = xcalloc(docs->n + 1, sizeof *kept);
	char *content_dir = fs_join(site_dir, "content");
	unsigned char *returned = xcalloc(c->n + 1, 1); /* by place in c->docs */
	size_t i, at, n = 0;
	int ret = 0;

	for (i = 0; i < docs->n; i++) {
		const struct value *v = docs->items[i];
		const char *file = value_string(value_get(v, "file"));
		const struct value *meta = value_get(v, "meta"), *body = value_get(v, "body");
		struct doc *d;
		char *norm;

		norm = file ? slug_normalize_path(file) : NULL;
		if (!norm || !*norm || !strcmp(norm, "") ||
		    (!strstr(norm, ".md") && !strstr(norm, ".yaml") && !strstr(norm, ".yml"))) {
			diag_error(dl, NULL,
				   "the site hook returned a document with no valid 'file' (like 'pages/x.md')");
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
		    (body->len != d->body_len || memcmp(body->str, d->body ? d->body : "", body->len))) {
			free(d->body);
			d->body = xstrndup(body->str, body->len);
			d->body_len = body->len;
			content_hash_body(d);
		}
		if (d->is_markdown && !d->body) {
			d->body = xstrdup("");
			content_hash_body(d);
		}
		kept[n++] = d;
		free(norm);
	}
	/* documents the hook dropped are gone */
	for (i = 0; i < c->n; i++)
		if (!returned[i])
			content_free_doc(c->docs[i]);
	free(returned);
	free(c->docs);
	c->docs = kept;
	c->n = n;
	c->alloc = docs->n + 1;
	content_sort(c);
	free(content_dir);
	return ret;
}

int hookrun_site(struct hookrun *hr, struct content *c, const struct config *cfg,
		 struct diag_list *dl)
{
	struct value *tree, *docs;
	int ret;

	if (!hr || !hooks_has(hr->h, HOOKS_SITE))
		return 0;
	if (content_bodies(c, dl) < 0)
		return -1;
	tree = value_new_map();
	value_map_set(tree, "config", value_copy(cfg->raw), NULL);
	value_map_set(tree, "documents", documents(c), NULL);
	ret = hooks_site(hr->h, &tree, dl);
	/* what the site hook left for markdown hooks and shortcodes */
	hr->state_known = ret == 0 && hooks_state_print(hr->h, &hr->state_print) == 0;
	docs = value_get(tree, "documents");
	if (ret == 0 && (!docs || docs->kind != VALUE_LIST)) {
		diag_error(dl, NULL, "the site hook must leave 'documents' a list");
		ret = -1;
	}
	if (ret == 0)
		ret = apply(c, docs, hr->site_dir, dl);
	value_free(tree);
	return ret;
}

/* ------------------------------------------------- Markdown and pages */

int hookrun_expand(struct hookrun *hr, const struct doc *d, struct strbuf *out,
		   struct diag_list *dl)
{
	if (!hr || !hooks_has(hr->h, HOOKS_SHORTCODES)) {
		strbuf_add(out, d->body, d->body_len);
		return 0;
	}
	return hooks_expand_shortcodes(hr->h, d->body, d->body_len, d->meta, d->path,
				       d->body_line - 1, out, dl);
}

int hookrun_markdown(void *ctx, struct cmark_node *doc, struct diag_list *dl)
{
	struct hookrun_doc *hd = ctx;

	return hooks_markdown(hd->hr->h, doc, hd->doc->meta, hd->doc->path,
			      hd->doc->body_line - 1, dl);
}

int hookrun_page(struct hookrun *hr, struct value **page, const char *path,
		 struct diag_list *dl)
{
	int ret;

	if (!hr || !hooks_has(hr->h, HOOKS_PAGE))
		return 0;
	pthread_mutex_lock(&hr->lock);
	ret = hooks_page(hr->h, page, path, dl);
	pthread_mutex_unlock(&hr->lock);
	return ret;
}

int hookrun_html(struct hookrun *hr, const struct value *page, const char *path,
		 struct strbuf *html, struct diag_list *dl)
{
	int ret;

	if (!hr || !hooks_has(hr->h, HOOKS_HTML))
		return 0;
	pthread_mutex_lock(&hr->lock);
	ret = hooks_html(hr->h, page, path, html, dl);
	pthread_mutex_unlock(&hr->lock);
	return ret;
}
