/* theme: finding a theme and its parents, its templates and its assets. */
#ifndef WAYMARK_THEME_H
#define WAYMARK_THEME_H

#include "diag.h"
#include "strbuf.h"
#include "value.h"

struct mustache_set;
struct output;

/*
 * A theme is a directory `themes/<name>/` holding `theme.yaml` (`name`,
 * `extends`), `templates/`, `partials/` and `assets/`. Lookup order for a
 * template, partial or asset: the site's theme, then each theme it
 * `extends`, then `default`. A theme directory is looked for in the
 * site's `themes/`, then next to the waymark executable (`../themes/` in a
 * build tree, `../share/waymark/themes/` where it is installed), then in
 * the install directory it was built for (WAYMARK_DATADIR).
 *
 * All templates are compiled once, when the theme loads; rendering only
 * reads them, so pages can be rendered from several threads.
 */
struct theme_asset {
	char *src;     /* file to copy */
	char *rel;     /* below assets/: "site.css" */
	char *out;     /* output path: "assets/site.3f2a9c1e.css" */
};

struct theme {
	char **dirs;   /* the chain, the site's theme first, `default` last */
	size_t ndirs;
	struct mustache_set *templates;
	struct theme_asset *assets;
	size_t nassets, aassets;
	struct value *asset_urls; /* map: "site_css" → "/assets/site.3f2a9c1e.css" */
	char **ids;    /* the literal id="..." values templates use, which */
	size_t nids;   /* headings in Markdown must not take */
};

/*
 * Load theme `name` for the site in `site_dir`; `where` (may be NULL) is
 * the place that named it, for diagnostics. `base_path` ("/" or
 * "/sub/") prefixes asset URLs. Returns 0, or -1 with problems recorded
 * (unknown theme with "did you mean", an `extends` loop, template syntax
 * errors, references to unknown partials).
 */
int theme_load(struct theme *t, const char *site_dir, const char *name,
	       const struct pos *where, const char *base_path, struct diag_list *dl);
void theme_release(struct theme *t);
/* Chain into `h` a stamp of every file of every theme the site could use
 * (see fs_stamp). */
unsigned long long theme_stamp(const char *site_dir, unsigned long long h);
/* 1 when the theme has a template called `name`. */
int theme_has(const struct theme *t, const char *name);
/* A hash of the templates rendering `layout` can use (its partials and
 * parents), or of every template when `all` (Mustache lambdas, whose text
 * may name any partial). See mustache_set_print. */
unsigned long long theme_print(const struct theme *t, const char *layout, int all);
struct mustache_lambdas;
struct mustache_watch;
/* Render template `name` with `ctx` into `out`; `lambdas` (may be NULL)
 * are the site's helpers; `watch` (may be NULL) notes where a value went
 * (see mustache_watch). 0, or -1 (recorded). */
int theme_render(const struct theme *t, const char *name, const struct value *ctx,
		 int strict, const struct mustache_lambdas *lambdas, struct mustache_watch *watch,
		 struct strbuf *out, struct diag_list *dl);
/* Copy every asset to its hashed name. 0, or -1 (recorded). */
int theme_write_assets(const struct theme *t, struct output *o, struct diag_list *dl);

#endif
