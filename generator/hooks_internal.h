/* hooks_internal: what hooks.c, hooks_value.c and hooks_node.c share (not API). */
#ifndef WAYMARK_HOOKS_INTERNAL_H
#define WAYMARK_HOOKS_INTERNAL_H

#include <lua.h>
#include <stdatomic.h>

#include "hooks.h"

/*
 * Layering: hooks.c owns the state, its limits and every protected call
 * (hooks_run); hooks_sandbox.c builds the globals and the waymark table;
 * hooks_value.c converts value trees to and from Lua; hooks_node.c is the
 * cmark node userdata of the markdown hook; hooks_text.c does shortcodes
 * and helpers; hooks_phrases.c is waymark.phrases and waymark.words.
 * Only hooks_run enters Lua from outside (the sandbox's pcall/xpcall run
 * inside it).
 */

/* How deeply calls may nest (a helper's render calling another helper). */
#define HOOKS_MAX_NEST 16

/* Per-file hooks, in the order of enum hooks_kind up to HOOKS_HTML. */
#define HOOKS_NFUNCS 4

struct hook_file {
	char *path;                /* "lua/x.lua", as diagnostics name it */
	int ref[HOOKS_NFUNCS];     /* registry refs, LUA_NOREF when absent */
	/* site_documents: the patterns of the documents its site hook gets;
	 * without (site_docs_given 0), every document */
	char **site_docs;
	size_t nsite_docs;
	int site_docs_given;
};

/* A shortcode or helper: the last file defining `name` wins. */
struct hook_named {
	char *name;
	int ref;
	const char *file;          /* points at a hook_file's path */
};

struct hook_names {
	struct hook_named *items;
	size_t n, alloc;
};

enum hooks_abort {
	ABORT_NONE,
	ABORT_INSTRUCTIONS,
	ABORT_MEMORY,
};

struct hook_call;

/* The metatables of waymark's userdata (see hooks_new_meta). */
enum hooks_meta {
	HOOKS_META_NODE,
	HOOKS_META_PHRASES,
	HOOKS_NMETAS
};

struct hooks {
	lua_State *L;
	/* each metatable's registry reference, and its address to compare */
	int meta_ref[HOOKS_NMETAS];
	const void *meta_at[HOOKS_NMETAS];
	char *site_dir;            /* as given */
	char *site_real;           /* its realpath, for waymark.read */
	hooks_log_fn log;
	void *log_ctx;

	/* limits */
	size_t mem_used, mem_limit;
	int mem_refused;           /* the allocator said no during this call */
	unsigned long insn_limit;
	int insn_period;           /* the count hook runs every this many */
	long long insn_left;
	enum hooks_abort aborting; /* set once a limit is hit; pcall rethrows */

	/* last known place in Lua code: from the count hook, the allocator
	 * (fresh blocks only) and the message handler; "" when unknown */
	char where_file[LUA_IDSIZE];
	int where_line;

	struct hook_file *files;
	size_t nfiles, afiles;
	struct hook_names shortcodes, helpers;
	int has[HOOKS_HELPERS + 1];
	int ref_shapes;            /* weak table: table → true (list) | {key → rank} (map) */
	int ref_modules;           /* require's cache */
	int ref_lazy_mt;           /* the metatable of a lazy map's table */
	int ref_lazy;              /* a lazy map's table → its value, during one call */
	int lazy_pushed;           /* ref_lazy has some: forget them after the call */
	hooks_fill_fn fill;        /* what a lazy map lacks, when Lua asks */
	void *fill_ctx;

	/* the outermost call under way (its id, 0: none), the file of the
	 * function it runs and what for (" in hook 'page' for 'content/x.md'"),
	 * for a watchdog on another thread (hooks_running); the last byte of
	 * each stays NUL */
	atomic_ulong running;
	char running_file[128], running_context[192];

	/* the calls under way, innermost last */
	unsigned long next_call;
	unsigned long active[HOOKS_MAX_NEST];
	int depth;
	struct diag_list *dl;      /* where the innermost call records problems */
	struct hook_call *call;    /* the innermost call (hooks.c) */

	/* the markdown hook under way */
	unsigned long md_call;     /* its call id; 0 when none */
	struct cmark_node *doc;    /* its document: never moved or freed here */
	int line_offset;
	struct cmark_node **orphans; /* nodes created or unlinked: freed at the end */
	size_t norphans, aorphans;

	struct strbuf scratch;     /* C-side text about to be pushed (see hooks.c) */
	char **reads;              /* what waymark.read has read, as given: a build */
	size_t nreads, areads;     /* depends on those files too */
};

struct sc_args;

/* One call into Lua under way. */
struct hook_call {
	struct hooks *h;
	const char *context;       /* " in hook 'page' for 'content/x.md'" or "" */
	const char *file;          /* the file of the function running */
	int fn_ref;                /* the function running, for its line */
	int base;                  /* stack top before the call */
	struct diag_list *dl, *saved_dl;
	struct hook_call *saved_call;
	size_t errors;             /* dl->errors when the call began */

	/* inputs, by kind of call */
	int hook;                  /* HOOKS_SITE ... HOOKS_HTML */
	const struct value *value; /* site or page */
	const char *text;          /* html, helper text, file text */
	size_t len;
	const char *name;          /* shortcode or helper name */
	const struct sc_args *args; /* hooks_text.c */
	hooks_render_fn render;
	void *render_ctx;
	struct hook_file *load;    /* the file being loaded */
};

/* --- hooks.c --- */

/*
 * Call body(c) (c passed as a light userdata) under lua_pcall, with the
 * instruction budget armed for an outermost call and h->dl/h->call set.
 * On 0 the body's one result is at the top of the stack: read it, then
 * call hooks_done(c). On -1 the error is recorded in dl (also when the
 * body succeeded but waymark.error() was called) and the stack is as before.
 */
int hooks_run(struct hooks *h, struct hook_call *c, lua_CFunction body, struct diag_list *dl);
/* Drop what hooks_run left on the stack. */
void hooks_done(struct hook_call *c);
/* Raise "lua/x.lua:N: <what> returned T; expected <expected>" about the
 * value at the top, placed at the running function's first line. */
int hooks_bad_result(lua_State *L, struct hook_call *c, const char *what, const char *expected);

/* --- hooks_sandbox.c --- */

/* A body for hooks_run: build the globals and the waymark table. */
int hooks_setup(lua_State *L);

/* The struct hooks a state (or any of its threads) belongs to. */
static inline struct hooks *hooks_of(lua_State *L)
{
	return *(struct hooks **)lua_getextraspace(L);
}

/*
 * A userdata's metatable by number, not by name: a markdown hook's walk
 * checks a node userdata several times a node, and luaL_checkudata looks
 * the name up in the registry each time. hooks_new_meta is
 * luaL_newmetatable (the table is left on the stack) that also notes the
 * table's reference and address in struct hooks; hooks_set_meta gives it
 * to the userdata at the top; hooks_check_udata is luaL_checkudata (the
 * same error, naming `name`), comparing addresses.
 */
void hooks_new_meta(lua_State *L, const char *name, enum hooks_meta which);
void hooks_set_meta(lua_State *L, enum hooks_meta which);
void *hooks_check_udata(lua_State *L, int idx, const char *name, enum hooks_meta which);

/* 1 while call `id` has not returned. */
int hooks_call_active(const struct hooks *h, unsigned long id);
/* The id of the innermost call under way (0 when none). */
unsigned long hooks_current_call(const struct hooks *h);
/* c->file = file, and what hooks_running says of the outermost call. */
void hooks_running_file(struct hooks *h, struct hook_call *c, const char *file);

/* --- hooks_value.c --- */

/* The light userdata that stands for null in tables. */
void *hooks_null(void);
/* The tables of lazy maps pushed so far no longer find their values (which
 * their owner may now free): reading what they did not have gives nil. */
void hooks_forget_lazy(struct hooks *h);
/* Make the lazy maps' metatable and table (at setup). */
void hooks_open_lazy(lua_State *L);
/* Push `v` (NULL: nil) as a Lua value; raises a Lua error when out of
 * memory or nested deeper than HOOKS_MAX_DEPTH. */
void hooks_push_value(struct hooks *h, lua_State *L, const struct value *v, int depth);
/*
 * The value at stack index `idx` as a new tree the caller owns, named
 * `root` in messages ("page", "site"). Never raises. NULL when it cannot
 * be converted: then `err` holds why ("cannot convert a function at
 * 'page.x' to a value").
 */
struct value *hooks_to_value(struct hooks *h, lua_State *L, int idx, const char *root,
			     struct strbuf *err);
/* Give nodes of `nv` that Lua left equal to their counterpart in `old`
 * the old source position (and a number its source text). */
void hooks_restore_pos(struct value *nv, const struct value *old);
/* waymark.null, waymark.map, waymark.list into the table at the top. */
void hooks_open_values(lua_State *L);

/* --- hooks_phrases.c --- */

/* The matcher's metatable, waymark.phrases and waymark.words into the table at the top. */
void hooks_open_phrases(lua_State *L);
struct phrases;
/* The phrase matcher at `idx` (waymark.phrases), or a Lua error. */
struct phrases *hooks_check_phrases(lua_State *L, int idx);
/* Does it find one of its phrases in t[0..n) (as m:find(text) would)? */
int hooks_phrases_in(lua_State *L, struct phrases *p, const char *t, size_t n);

/* --- hooks_node.c --- */

/* Node metatable and waymark.node into the table at the top. */
void hooks_open_nodes(lua_State *L);
/* Push a userdata for `node`, valid during the markdown call under way. */
void hooks_push_node(lua_State *L, struct cmark_node *node);
/* Free every node created or unlinked during the call that is still
 * outside the document; forget the list. */
void hooks_free_orphans(struct hooks *h);

#endif
