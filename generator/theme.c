/* theme: finding a theme and its parents, its templates and its assets. */
#define _GNU_SOURCE /* memmem */
#include "theme.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "mustache.h"
#include "output.h"
#include "schema.h"
#include "xalloc.h"
#include "yamlread.h"

#define MAX_CHAIN 8

static const struct schema_field theme_fields[] = {
	{ "name", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "extends", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

/* Where themes may live, in lookup order; each entry is a new string. */
static size_t theme_roots(const char *site_dir, char **roots)
{
	char exe[PATH_MAX];
	ssize_t n;
	size_t k = 0;

	roots[k++] = fs_join(site_dir, "themes");
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		/* the directory above the program's: /usr/local for
		 * /usr/local/bin/waymark (named without a '..', as messages
		 * name the theme's files by it) */
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			slash[slash == exe] = '\0';
			roots[k++] = fs_join(exe, "themes");               /* a build tree */
			roots[k++] = fs_join(exe, "share/waymark/themes"); /* installed */
		}
	}
	roots[k++] = xstrdup(WAYMARK_DATADIR "/themes");
	return k;
}

static char *find_theme(char **roots, size_t nroots, const char *name)
{
	size_t i;

	for (i = 0; i < nroots; i++) {
		char *dir = fs_join(roots[i], name);

		if (fs_is_dir(dir))
			return dir;
		free(dir);
	}
	return NULL;
}

/* A theme name near `want` among every root's directories, or NULL.
 * Returns a pointer into a static buffer, valid until the next call. */
static const char *suggest_theme(char **roots, size_t nroots, const char *want)
{
	static char found[256];
	const char *names[64];
	struct fs_list lists[4];
	size_t i, j, n = 0;
	const char *near;

	memset(lists, 0, sizeof lists);
	for (i = 0; i < nroots && i < 4; i++) {
		static const char *const marker[] = { "theme.yaml", NULL };

		fs_list(roots[i], marker, &lists[i], NULL);
		for (j = 0; j < lists[i].n && n < 64; j++) {
			char *slash = strchr(lists[i].paths[j], '/');

			if (slash && !strcmp(slash, "/theme.yaml")) {
				*slash = '\0';
				names[n++] = lists[i].paths[j];
			}
		}
	}
	near = diag_suggest(want, names, n);
	found[0] = '\0';
	if (near)
		snprintf(found, sizeof found, "%s", near);
	for (i = 0; i < 4; i++)
		fs_list_release(&lists[i]);
	return found[0] ? found : NULL;
}

/* The `extends` of the theme in `dir` (a new string), or NULL. */
static char *read_extends(const char *dir, struct diag_list *dl, int *failed)
{
	char *path = fs_join(dir, "theme.yaml");
	struct strbuf text = STRBUF_INIT;
	struct value *v = NULL;
	char *parent = NULL;
	const char *ext;

	if (!fs_is_file(path))
		goto done;
	if (fs_read(path, &text) < 0) {
		diag_io_error(dl, NULL, "unable to read '%s': %s", path, fs_strerror(errno));
		*failed = 1;
		goto done;
	}
	/* positions point at `path`, which is freed below: copy what we keep */
	v = yamlread_parse(path, text.buf, text.len, 0, dl);
	if (!v || (v->kind != VALUE_NULL && schema_check(theme_fields, v, "theme.yaml", dl))) {
		*failed = 1;
		goto done;
	}
	ext = value_string(value_get(v, "extends"));
	if (ext)
		parent = xstrdup(ext);
done:
	value_free(v);
	strbuf_release(&text);
	free(path);
	return parent;
}

static void collect_ids(struct theme *t, const char *text, size_t len);

/* Add every *.mustache below dir/sub to the set, named by path without
 * the extension ("page", "partials can nest/like-this"). */
static void add_templates(struct theme *t, const char *dir, const char *sub,
			  struct diag_list *dl)
{
	static const char *const exts[] = { ".mustache", NULL };
	char *root = fs_join(dir, sub);
	struct fs_list files = FS_LIST_INIT;
	size_t i;

	if (fs_is_dir(root) && fs_list(root, exts, &files, NULL) < 0)
		diag_listing_failed(dl, files.failed, files.failed_errno);
	for (i = 0; i < files.n; i++) {
		char *path = fs_join(root, files.paths[i]);
		struct strbuf text = STRBUF_INIT;
		char *name = xstrndup(files.paths[i], strlen(files.paths[i]) - 9);

		if (fs_read(path, &text) < 0) {
			diag_io_error(dl, NULL, "unable to read '%s': %s", path, fs_strerror(errno));
		} else {
			mustache_set_add(t->templates, name, path, text.buf, text.len, dl);
			collect_ids(t, text.buf, text.len);
		}
		strbuf_release(&text);
		free(name);
		free(path);
	}
	fs_list_release(&files);
	free(root);
}

/* Note every literal id="x" in a template (ids built from {{tags}} vary
 * by page and cannot be known here). */
static void collect_ids(struct theme *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t i, alloc = t->nids;

	while ((p = memmem(p, (size_t)(end - p), "id=\"", 4))) {
		const char *q;

		p += 4;
		q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			break;
		if (q > p && !memmem(p, (size_t)(q - p), "{{", 2)) {
			for (i = 0; i < t->nids; i++)
				if (strlen(t->ids[i]) == (size_t)(q - p) && !memcmp(t->ids[i], p, (size_t)(q - p)))
					break;
			if (i == t->nids) {
				XGROW(t->ids, alloc, t->nids + 1);
				t->ids[t->nids++] = xstrndup(p, (size_t)(q - p));
			}
		}
		p = q + 1;
	}
}

static uint32_t fnv1a(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* "site.css" → "site_css", the name templates use: {{assets.site_css}} */
static char *asset_key(const char *rel)
{
	char *k = xstrdup(rel), *p;

	for (p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	return k;
}

static void add_assets(struct theme *t, const char *dir, const char *base_path,
		       struct diag_list *dl)
{
	char *root = fs_join(dir, "assets");
	struct fs_list files = FS_LIST_INIT;
	size_t i, j;

	if (fs_is_dir(root) && fs_list(root, NULL, &files, NULL) < 0)
		diag_listing_failed(dl, files.failed, files.failed_errno);
	for (i = 0; i < files.n; i++) {
		struct theme_asset *a = NULL;
		struct strbuf text = STRBUF_INIT, out = STRBUF_INIT, url = STRBUF_INIT;
		const char *rel = files.paths[i], *dot = strrchr(rel, '.');
		char *key;

		for (j = 0; j < t->nassets; j++)
			if (!strcmp(t->assets[j].rel, rel))
				a = &t->assets[j]; /* a child theme overrides its parent */
		if (!a) {
			XGROW(t->assets, t->aassets, t->nassets + 1);
			a = &t->assets[t->nassets++];
			a->rel = xstrdup(rel);
		} else {
			free(a->src);
			free(a->out);
		}
		a->src = fs_join(root, rel);
		if (fs_read(a->src, &text) < 0)
			diag_io_error(dl, NULL, "unable to read '%s': %s", a->src, fs_strerror(errno));
		if (dot && !strchr(dot, '/'))
			strbuf_addf(&out, "assets/%.*s.%08x%s", (int)(dot - rel), rel,
				    fnv1a(text.buf, text.len), dot);
		else
			strbuf_addf(&out, "assets/%s.%08x", rel, fnv1a(text.buf, text.len));
		a->out = strbuf_detach(&out, NULL);
		strbuf_addf(&url, "%s%s", base_path, a->out);
		key = asset_key(rel);
		value_map_set_str(t->asset_urls, key, url.buf);
		free(key);
		strbuf_release(&url);
		strbuf_release(&text);
	}
	fs_list_release(&files);
	free(root);
}

int theme_load(struct theme *t, const char *site_dir, const char *name,
	       const struct pos *where, const char *base_path, struct diag_list *dl)
{
	char *roots[4];
	size_t nroots, i, before = dl->errors;
	char *want, *next;
	int failed = 0;

	memset(t, 0, sizeof *t);
	t->dirs = xcalloc(MAX_CHAIN + 1, sizeof *t->dirs);
	t->templates = mustache_set_new();
	t->asset_urls = value_new_map();
	nroots = theme_roots(site_dir, roots);
	/* follow `extends` from the site's theme up to `default` */
	want = xstrdup(name);
	while (want && !failed) {
		char *dir = find_theme(roots, nroots, want);

		for (i = 0; i < t->ndirs && dir; i++)
			if (!strcmp(t->dirs[i], dir)) {
				diag_error(dl, where, "theme '%s' extends itself through its parents", want);
				failed = 1;
			}
		if (!dir && !failed) {
			const char *near = suggest_theme(roots, nroots, want);

			if (near)
				diag_error(dl, where, "unknown theme '%s'; did you mean '%s'?", want, near);
			else
				diag_error(dl, where, "unknown theme '%s' (looked in '%s', then '%s')",
					   want, roots[0], roots[nroots - 1]);
			failed = 1;
		}
		if (!failed && t->ndirs == MAX_CHAIN) {
			diag_error(dl, where, "theme '%s' and the themes it extends make a chain of more than %d", name, MAX_CHAIN);
			failed = 1;
		}
		if (failed) {
			free(dir);
			break;
		}
		t->dirs[t->ndirs++] = dir;
		next = read_extends(dir, dl, &failed);
		/* every chain ends with `default`, named or not */
		if (!next && strcmp(want, "default"))
			next = xstrdup("default");
		free(want);
		want = next;
	}
	free(want);
	for (i = 0; i < nroots; i++)
		free(roots[i]);
	if (failed)
		return -1;
	/* the parent first, so each child's files replace its parent's */
	for (i = t->ndirs; i-- > 0;) {
		add_templates(t, t->dirs[i], "templates", dl);
		add_templates(t, t->dirs[i], "partials", dl);
		add_assets(t, t->dirs[i], base_path, dl);
	}
	if (dl->errors == before)
		mustache_set_check(t->templates, dl);
	return dl->errors > before ? -1 : 0;
}

unsigned long long theme_stamp(const char *site_dir, unsigned long long h)
{
	char *roots[4];
	size_t n = theme_roots(site_dir, roots), i;

	for (i = 0; i < n; i++) {
		h = fs_stamp(roots[i], h);
		free(roots[i]);
	}
	return h;
}

void theme_release(struct theme *t)
{
	size_t i;

	for (i = 0; i < t->ndirs; i++)
		free(t->dirs[i]);
	free(t->dirs);
	for (i = 0; i < t->nassets; i++) {
		free(t->assets[i].src);
		free(t->assets[i].rel);
		free(t->assets[i].out);
	}
	free(t->assets);
	for (i = 0; i < t->nids; i++)
		free(t->ids[i]);
	free(t->ids);
	mustache_set_free(t->templates);
	value_free(t->asset_urls);
	memset(t, 0, sizeof *t);
}

int theme_has(const struct theme *t, const char *name)
{
	return mustache_set_get(t->templates, name) != NULL;
}

unsigned long long theme_print(const struct theme *t, const char *layout, int all)
{
	return mustache_set_print(t->templates, layout, all);
}

int theme_render(const struct theme *t, const char *name, const struct value *ctx,
		 int strict, const struct mustache_lambdas *lambdas, struct mustache_watch *watch,
		 struct strbuf *out, struct diag_list *dl)
{
	struct mustache_opts opts = { strict, lambdas, watch };

	return mustache_render(t->templates, name, ctx, &opts, out, dl);
}

int theme_write_assets(const struct theme *t, struct output *o, struct diag_list *dl)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < t->nassets; i++) {
		struct strbuf text = STRBUF_INIT;

		if (fs_read(t->assets[i].src, &text) < 0) {
			diag_io_error(dl, NULL, "unable to read '%s': %s", t->assets[i].src,
				      fs_strerror(errno));
			ret = -1;
		} else if (output_write(o, t->assets[i].out, text.buf, text.len, dl) < 0) {
			ret = -1;
		}
		strbuf_release(&text);
	}
	return ret;
}
