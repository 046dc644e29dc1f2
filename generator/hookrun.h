/* hookrun: a site's Lua hooks at their places in the build: the site
 * hook over the loaded content, Markdown filters and shortcodes, page and
 * HTML hooks, and helpers as template lambdas. */
#ifndef WAYMARK_HOOKRUN_H
#define WAYMARK_HOOKRUN_H

#include "config.h"
#include "content.h"
#include "diag.h"
#include "mustache.h"
#include "strbuf.h"
#include "value.h"

struct hookrun;
struct cmark_node;

/*
 * Load the site's hooks (the .lua files in lua/, or site.yaml's lua.files). Returns
 * NULL, having recorded why, when a hook file is broken. A site without
 * hooks gets a hookrun on which every call is a cheap no-op.
 *
 * Threads: a Lua state may be used by one thread at a time, so every call
 * into Lua below holds its state's recursive lock (recursive: a helper's
 * `render` may call a helper). A build that runs many hooks can make
 * replicas of the state (hookrun_replicate), one for each worker thread.
 */
/* `stuck` (may be NULL) is what to do before a call stuck in Lua's C
 * library ends the process (see watch_calls in hookrun.c), from the files'
 * own code as they load on: the build removes its staging directory and
 * reports `dl`, the one error that says why. It runs on the watchdog's
 * thread while the others carry on. Without it the error is printed. */
struct hookrun *hookrun_new(const struct config *cfg, const char *site_dir,
			    void (*stuck)(void *ctx, const struct diag_list *dl), void *stuck_ctx,
			    struct diag_list *dl);
void hookrun_free(struct hookrun *hr);
/* How long one call into Lua may last when site.yaml does not say
 * (lua.time_limit_s). */
#define HOOKRUN_DEFAULT_SECONDS 30
/* 1 when the site defines any hook at all. */
int hookrun_any(const struct hookrun *hr);
/* A hash of every hook file's text: pages depend on it. */
unsigned long long hookrun_fingerprint(const struct hookrun *hr);
/* The site files the hooks have read with waymark.read so far (see
 * hooks_reads); none without hooks. */
size_t hookrun_reads(const struct hookrun *hr, const char *const **paths);

/*
 * The `site` hook, on the loaded content before it is checked: it gets
 * {config, documents: [{file, meta, body}]} and may change any document's
 * fields or body, remove documents and add new ones ({file: "pages/x.md",
 * meta: {...}, body: "..."}); what comes back is checked like content
 * written by hand. 0 or -1 (recorded).
 */
int hookrun_site(struct hookrun *hr, struct content *c, const struct config *cfg,
		 struct diag_list *dl);

/* Shortcodes in a document's body: `out` receives the body to parse (the
 * body itself when the site has none). 0 or -1 (recorded). */
int hookrun_expand(struct hookrun *hr, const struct doc *d, struct strbuf *out,
		   struct diag_list *dl);

/* A markdown_opts filter running the `markdown` hooks: ctx is a
 * struct hookrun_doc. */
struct hookrun_doc {
	struct hookrun *hr;
	const struct doc *doc;
};
int hookrun_markdown(void *ctx, struct cmark_node *doc, struct diag_list *dl);
/* 1 when a site hook could pass anything from any document to the
 * markdown or shortcode hooks (then every body depends on what it left
 * them: see hookrun_state_print). */
int hookrun_sees_everything(const struct hookrun *hr);
/* After hookrun_site: the print of what markdown hooks and shortcodes can
 * reach (hooks_state_print). Returns 1 with it, 0 when there is none (no
 * site hook, or a state that cannot be printed). */
int hookrun_state_print(const struct hookrun *hr, unsigned long long *print);
/*
 * Make replicas of the Lua state, up to n states in all, for a build about
 * to run hooks on many documents: each loads the hook files and runs the
 * site hook again, quietly, on `c` as hookrun_site left it (no more
 * replicas than a quarter of a second of that allows), and is kept only
 * when all that hooks can reach in it prints the same as in the first
 * state. Returns how many states there are (1 when replicas could not be
 * made alike).
 */
size_t hookrun_replicate(struct hookrun *hr, const struct content *c, const struct config *cfg,
			 size_t n);
/* Worker `worker` of a phase runs its hooks in state `worker` (the first
 * state when there are fewer); a thread that is no worker uses 0. */
void hookrun_bind(size_t worker);
/*
 * 1 when a rebuild can put a changed Markdown body into the pages that
 * show it without the model (build.c, quick_build): no page or html hook
 * (which could show a body anywhere), and every site hook says which
 * documents it gets, so that it can run again on those alone.
 */
int hookrun_quick(const struct hookrun *hr);
/* Keep the hooks' log lines (waymark.log, print) in `sb` instead of
 * writing them to standard error, until called again with NULL: a quick
 * build that gives up leaves them to the full path, which logs them. */
void hookrun_hold_logs(struct hookrun *hr, struct strbuf *sb);
/* 1 when a site hook gets the document `rel` (hooks_site_sees). */
int hookrun_site_sees(const struct hookrun *hr, const char *rel);
/* 1 when some hook file has a `markdown` hook. */
int hookrun_has_markdown(const struct hookrun *hr);
/* 1 when bodies go through Lua (markdown hooks or shortcodes): then they
 * render on as many threads as there are states. */
int hookrun_sees_bodies(const struct hookrun *hr);

/* 1 when pages go through Lua (page or html hooks, helpers). */
int hookrun_sees_pages(const struct hookrun *hr);

/* The `page` hook on a page's context `page` map (replaced on success). */
int hookrun_page(struct hookrun *hr, struct value **page, const char *path,
		 struct diag_list *dl);
/* The `html` hook on a rendered page. */
int hookrun_html(struct hookrun *hr, const struct value *page, const char *path,
		 struct strbuf *html, struct diag_list *dl);
/* The helpers as Mustache lambdas, or NULL when the site has none. */
const struct mustache_lambdas *hookrun_lambdas(const struct hookrun *hr);

#endif
