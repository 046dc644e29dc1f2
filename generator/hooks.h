/* hooks: a site's Lua hooks (the .lua files in lua/), run in a sandbox with limits. */
#ifndef WAYMARK_HOOKS_H
#define WAYMARK_HOOKS_H

#include <stddef.h>

#include "diag.h"
#include "strbuf.h"
#include "value.h"

/*
 * One `struct hooks` per build holds one Lua state with every hook file of
 * the site loaded into it. See docs/lua.md for what a hook file may do.
 *
 * Threads: the Lua state belongs to the thread that calls the functions
 * below. Every hooks_* call on one `struct hooks` must come from one thread
 * at a time (the build calls them all from its main thread, or holds a
 * recursive mutex: a helper's render callback may call hooks_call_helper
 * again on the same thread). Two `struct hooks` share nothing. There is no
 * global mutable state.
 *
 * Every call into Lua runs under lua_pcall with:
 * - an instruction budget per call (opts.instruction_limit; the budget is
 *   per outermost call: a helper called back from a render callback shares
 *   its caller's budget);
 * - a memory cap for the whole state (opts.memory_limit), enforced by the
 *   state's allocator.
 * A hook that exceeds either stops with an error
 *   lua/x.lua:12: error: instruction limit of 100000000 exceeded in hook
 *   'page' for 'content/x.md'
 * and the call returns -1. The state stays usable for the next call.
 *
 * Neither can stop one call into Lua's C library that runs long by itself
 * (a pattern match that backtracks over a long string): the budget is
 * counted between instructions. hooks_running lets a watchdog on another
 * thread see such a call (hookrun.c has one).
 *
 * Diagnostics: every problem is recorded in the caller's diag_list as
 * `lua/file.lua:line: error: message in hook 'page' for 'content/x.md'`
 * (hook and page named wherever there are any). waymark.warn() and
 * waymark.error() inside a hook record warnings and errors at the calling
 * line. Nothing here prints or exits.
 *
 * Values: value trees cross into Lua as plain tables (maps as tables with
 * string keys, lists as sequences, null as `waymark.null`) and come back
 * as new trees. Map key order survives the round trip (new keys follow,
 * sorted); source positions survive for every value that Lua left equal.
 * Converting back fails (error, call returns -1) for functions, userdata,
 * tables mixing sequence items and named fields, non-string map keys and
 * nesting deeper than HOOKS_MAX_DEPTH.
 */

/* Defaults used when hooks_opts leaves a limit 0. */
#define HOOKS_DEFAULT_INSTRUCTIONS 100000000UL
#define HOOKS_DEFAULT_MEMORY ((size_t)256 << 20)
/* How deep value trees (and tables coming back) may nest. */
#define HOOKS_MAX_DEPTH 100

struct hooks;
struct cmark_node;

/*
 * From any thread: the outermost call under way on `h`, as a number that
 * is new for every call (0: none), with the file of its function
 * ("lua/x.lua") and what it was called for (" in hook 'page' for
 * 'content/x.md'", or "") copied into `file` and `context` when there is
 * one. The copies are right while that same call lasts, which is when a
 * watchdog wants them: the one thing here that another thread may call.
 */
unsigned long hooks_running(const struct hooks *h, char *file, size_t fsize, char *context,
			    size_t csize);

/* Where waymark.log() and print() go: file and line of the calling Lua
 * code and the message (all only valid during the call). */
typedef void (*hooks_log_fn)(void *ctx, const char *file, int line, const char *msg);

struct hooks_opts {
	/* The site directory: lua/ is below it, waymark.read() is confined
	 * to it. Diagnostics name hook files relative to it ("lua/x.lua"). */
	const char *site_dir;
	/* The hook files to load, relative to lua/ ("links.lua"), in this
	 * order (site.yaml `lua: {files: [...]}`). NULL: every *.lua directly
	 * in lua/, by file name (subdirectories hold modules for require). */
	const char *const *files;
	size_t nfiles;
	/* Lua VM instructions per hook call; 0: HOOKS_DEFAULT_INSTRUCTIONS. */
	unsigned long instruction_limit;
	/* Bytes the Lua state may hold in all; 0: HOOKS_DEFAULT_MEMORY. */
	size_t memory_limit;
	/* waymark.log() and print(); NULL discards them. */
	hooks_log_fn log;
	void *log_ctx;
	/* Called with the new state just before its files load, and with
	 * NULL once they have (before a state that failed is freed): for a
	 * watchdog (hooks_running) to see a file's own code run. May be NULL. */
	void (*loading)(void *ctx, struct hooks *h);
	void *loading_ctx;
};

/*
 * Create the Lua state, install the sandbox and run each hook file, which
 * must return a table of hooks. A site without lua/ (and no `files`) gives
 * a `struct hooks` with no hooks, on which every call below is a cheap
 * no-op returning 0.
 *
 * Returns the new hooks (free with hooks_free), or NULL after recording
 * every problem in `dl`: a missing or unreadable file, a syntax or runtime
 * error, a file not returning a table, an unknown hook name (with did you
 * mean), a hook of the wrong type.
 */
struct hooks *hooks_new(const struct hooks_opts *opts, struct diag_list *dl);
/* Close the Lua state and free everything; NULL is a no-op. */
void hooks_free(struct hooks *h);

/* Which hooks are defined (by any file), to skip work when none is. */
enum hooks_kind {
	HOOKS_SITE,
	HOOKS_PAGE,
	HOOKS_MARKDOWN,
	HOOKS_HTML,
	HOOKS_SHORTCODES,
	HOOKS_HELPERS,
};
/* 1 when some file defines that hook (for SHORTCODES/HELPERS: at least
 * one shortcode/helper), else 0. h may be NULL (then 0). */
int hooks_has(const struct hooks *h, enum hooks_kind kind);
/* The files waymark.read has read so far, as given (relative to the site
 * directory), in the order read, maybe more than once. */
size_t hooks_reads(const struct hooks *h, const char *const **paths);
/*
 * A print of everything markdown hooks and shortcodes can reach in the Lua
 * state now (see hooks_state.c): after the site hook, what bodies depend
 * on. With `every`, what page and html hooks and helpers can reach too:
 * two states with the same such print run every hook alike. Returns 0,
 * or -1 when the state cannot be printed the same way twice (then bodies
 * depend on everything the site hook was handed).
 */
int hooks_state_print(struct hooks *h, int every, unsigned long long *print);

/*
 * Whether the site hooks get the document at `rel` (below content/): a
 * file's `site_documents` patterns (fnmatch's, a '*' within one directory;
 * one that ends in '/' takes everything below) say which its site hook
 * gets, and a site hook without them gets every document.
 */
int hooks_site_sees(const struct hooks *h, const char *rel);
/* 1 when every file's site hook says which documents it gets (or there is
 * none), else 0. */
int hooks_site_chooses(const struct hooks *h);

/*
 * Run every file's `site(site)` hook, in file order, each on the previous
 * one's result. A hook changes the table it is given or returns a new one
 * (returning nothing keeps the changed argument).
 *
 * On success returns 0 and replaces *site with the new tree (the old one
 * is freed). On error returns -1 and leaves *site as it was.
 */
int hooks_site(struct hooks *h, struct value **site, struct diag_list *dl);

/*
 * For lazy maps (value.lazy, as the site hook's documents are): called
 * when Lua reads a key such a map lacks (`key`), or iterates it (`key`
 * NULL), so that the caller can add what it left out until asked (a
 * document's body, still on disk). NULL: none.
 */
typedef void (*hooks_fill_fn)(void *ctx, struct value *map, const char *key);
void hooks_set_fill(struct hooks *h, hooks_fill_fn fill, void *ctx);

/*
 * Run every `page(page)` hook on one page, like hooks_site. `page_path`
 * ("content/x.md") names the page in diagnostics. 0 with *page replaced,
 * or -1 with *page unchanged.
 */
int hooks_page(struct hooks *h, struct value **page, const char *page_path,
	       struct diag_list *dl);

/*
 * Run every `markdown(doc, page)` hook over the cmark-gfm tree `doc` (a
 * CMARK_NODE_DOCUMENT the caller owns and frees), changing it in place.
 * `page` is passed as a read-only copy (may be NULL: then nil).
 * `line_offset` is added to node.line (lines of front matter).
 *
 * Call it right after cmark_parser_finish and before anything that reads
 * the tree (link resolution, heading ids), so those see Lua's changes.
 * Nodes Lua created or removed are freed before this returns; userdata
 * Lua kept are dead afterwards (using one is a clear Lua error).
 * Returns 0, or -1 after recording an error (the tree is then valid but
 * may be partly changed; the caller should not publish the page).
 */
int hooks_markdown(struct hooks *h, struct cmark_node *doc, const struct value *page,
		   const char *page_path, int line_offset, struct diag_list *dl);

/*
 * Run every `html(page, html)` hook over a rendered page, each on the
 * previous one's result; a hook returns the new HTML string (nil keeps
 * it). `html` is replaced on success; on -1 it is unchanged.
 */
int hooks_html(struct hooks *h, const struct value *page, const char *page_path,
	       struct strbuf *html, struct diag_list *dl);

/*
 * Expand shortcodes in Markdown source text[0..len), appending the result
 * to `out`:
 *   {{< name key="value" other='v' bare=word "positional" >}}
 * calls shortcodes.name(args, page) and puts the string it returns (as
 * Markdown) in place of the tag. A tag whose inside is wrapped in a C-style
 * comment (docs/lua.md, "Shortcodes") is written back as a plain tag,
 * unexpanded. `path` and `line_offset` place
 * diagnostics in the Markdown file: `content/x.md:12:5: error: unknown
 * shortcode 'figur'; did you mean 'figure'?`.
 *
 * Returns 0, or -1 after recording every error (unknown shortcode,
 * unterminated tag, bad argument, a Lua error). On -1 `out` holds the text
 * with the failing tags left as they were.
 */
int hooks_expand_shortcodes(struct hooks *h, const char *text, size_t len,
			    const struct value *page, const char *path, int line_offset,
			    struct strbuf *out, struct diag_list *dl);

/*
 * Renders a piece of template text (a helper's section text) against the
 * template's current context, appending to `out`. Returns 0, or -1 after
 * recording an error in the diag list the renderer was given.
 * (The same shape as the callback mustache will hand to lambdas.)
 */
typedef int (*hooks_render_fn)(void *ctx, const char *text, size_t len, struct strbuf *out);

/* 1 when `name` is a helper (a Mustache lambda), else 0. */
int hooks_has_helper(const struct hooks *h, const char *name);

/*
 * Call helper `name` with the raw, unrendered section text[0..len) (empty
 * for `{{name}}`) and a Lua `render(text)` function backed by
 * render(render_ctx, ...) (render NULL: `render` returns its text as is).
 * The string the helper returns (nil: "", numbers as text) is appended to
 * `out`. The caller decides about escaping: the result is not rendered
 * again. `render` may call hooks_call_helper again (nested helpers).
 *
 * Returns 0, or -1 after recording an error (unknown helper, Lua error,
 * a result that is not a string, render failing); `out` is then unchanged.
 */
int hooks_call_helper(struct hooks *h, const char *name, const char *text, size_t len,
		      hooks_render_fn render, void *render_ctx, struct strbuf *out,
		      struct diag_list *dl);

#endif
