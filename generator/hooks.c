/* hooks: the Lua state and its limits, every call into it, loading, and the
 * site, page, markdown and html hooks. */
#include "hooks_internal.h"

#include <errno.h>
#include <fnmatch.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "xalloc.h"

/*
 * Layering: this file uses only Lua's public API. Every entry into Lua
 * goes through hooks_run(), which calls a C "body" under lua_pcall with a
 * message handler; the body pushes the arguments and calls the Lua
 * functions. C memory is never held across a Lua call that can raise
 * (text about to be pushed sits in h->scratch, which outlives any error),
 * so an error (a limit, out of memory) never leaks.
 */

static const char *const hook_names[HOOKS_NFUNCS] = { "site", "page", "markdown", "html" };

/* ============================================================ */
/* limits                                                       */
/* ============================================================ */

/* Note the innermost Lua function's file and line, if there is one. */
static void note_where(struct hooks *h, lua_State *L)
{
	lua_Debug ar;
	int level;

	for (level = 0; level < 64 && lua_getstack(L, level, &ar); level++) {
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		snprintf(h->where_file, sizeof h->where_file, "%s", ar.short_src);
		h->where_line = ar.currentline;
		return;
	}
}

/*
 * The state's allocator: refuses to grow past h->mem_limit. Lua answers a
 * refusal with a full collection and one more try, then a memory error.
 * Only for a fresh block does it look at the Lua stack for the line: a
 * block being resized may be the stack itself, not safe to read then.
 */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct hooks *h = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		h->mem_used -= old;
		return NULL;
	}
	if (nsize > old && nsize - old > h->mem_limit - h->mem_used) {
		h->mem_refused = 1;
		if (!ptr && h->L && h->depth)
			note_where(h, h->L);
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p) {
		h->mem_refused = 1;
		return NULL;
	}
	h->mem_used = h->mem_used - old + nsize;
	return p;
}

/* `s` into one of struct hooks' running_* buffers, cut to fit; the last
 * byte is never written, so a reader on another thread always finds a NUL. */
static void copy_running(char *to, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n > size - 2)
		n = size - 2;
	memcpy(to, s, n);
	to[n] = '\0';
}

/*
 * Runs every insn_period instructions while a call is under way. Once the
 * budget is spent it raises at every instruction, so a pcall in Lua that
 * catches the error cannot keep going (the sandbox's pcall rethrows too).
 */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct hooks *h = hooks_of(L);

	(void)ar;
	h->insn_left -= h->insn_period;
	if (h->insn_left > 0 && h->aborting == ABORT_NONE) {
		/* a sample of where we are, for memory errors: not every
		 * time, it would cost a fifth of the speed of a tight loop */
		if ((h->insn_left / h->insn_period) % 16 == 0)
			note_where(h, L);
		return;
	}
	note_where(h, L);
	if (h->aborting == ABORT_NONE) {
		h->aborting = ABORT_INSTRUCTIONS;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	lua_pushfstring(L, "%s:%d: instruction limit of %I exceeded", h->where_file,
			h->where_line, (lua_Integer)h->insn_limit);
	lua_error(L);
}

/* ============================================================ */
/* calls                                                        */
/* ============================================================ */

unsigned long hooks_running(const struct hooks *h, char *file, size_t fsize, char *context,
			    size_t csize)
{
	struct hooks *w = (struct hooks *)h; /* (atomic loads take no const) */
	unsigned long id = atomic_load_explicit(&w->running, memory_order_acquire);

	if (id) {
		snprintf(file, fsize, "%s", h->running_file);
		snprintf(context, csize, "%s", h->running_context);
	}
	return id;
}

void hooks_running_file(struct hooks *h, struct hook_call *c, const char *file)
{
	c->file = file;
	if (h->depth == 1)
		copy_running(h->running_file, sizeof h->running_file, file);
}

int hooks_call_active(const struct hooks *h, unsigned long id)
{
	int i;

	for (i = 0; i < h->depth; i++)
		if (h->active[i] == id)
			return 1;
	return 0;
}

unsigned long hooks_current_call(const struct hooks *h)
{
	return h->depth ? h->active[h->depth - 1] : 0;
}

/* The line a function (registry ref) starts on; 0 when unknown. */
static int fn_line(lua_State *L, int ref)
{
	lua_Debug ar;

	if (ref == LUA_NOREF || ref == LUA_REFNIL)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	lua_getinfo(L, ">S", &ar);
	return ar.linedefined > 0 ? ar.linedefined : 0;
}

/* Record an error at the running function's first line. */
static void error_at_fn(struct hook_call *c, const char *msg)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s%s", msg, c->context);
	diag_add(c->dl, DIAG_ERROR, c->file, fn_line(c->h->L, c->fn_ref), 0, sb.buf);
	strbuf_release(&sb);
}

/* Split "lua/x.lua:12: message" into its parts; 0 when it has no place. */
static int split_position(const char *msg, char *file, size_t size, int *line,
			  const char **rest)
{
	const char *p;

	for (p = msg; (p = strchr(p, ':')); p++) {
		const char *q = p + 1;
		long n = 0;

		if (*q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9' && n < INT_MAX / 10)
			n = n * 10 + (*q++ - '0');
		if (q[0] != ':' || q[1] != ' ' || p == msg || memchr(msg, '\n', (size_t)(p - msg)))
			continue;
		snprintf(file, size, "%.*s", (int)(p - msg), msg);
		*line = (int)n;
		*rest = q + 2;
		return 1;
	}
	return 0;
}

static void memory_text(struct strbuf *sb, size_t limit)
{
	if (limit % ((size_t)1 << 20) == 0)
		strbuf_addf(sb, "memory limit of %zu MB exceeded", limit >> 20);
	else
		strbuf_addf(sb, "memory limit of %zu bytes exceeded", limit);
}

/* Turn the error a pcall left at the top into a diagnostic. */
static void report(struct hook_call *c, int status)
{
	struct hooks *h = c->h;
	lua_State *L = h->L;
	const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	const char *rest;
	char file[LUA_IDSIZE + 8];
	int line = 0;
	struct strbuf text = STRBUF_INIT;

	file[0] = '\0';
	if (h->mem_refused && (status == LUA_ERRMEM || status == LUA_ERRERR ||
			       (msg && !strcmp(msg, "not enough memory")))) {
		memory_text(&text, h->mem_limit);
	} else if (msg && split_position(msg, file, sizeof file, &line, &rest)) {
		strbuf_adds(&text, rest);
	} else if (msg) {
		strbuf_adds(&text, msg);
	} else {
		strbuf_addf(&text, "error object is a %s value", luaL_typename(L, -1));
	}
	if (!file[0] && h->where_line > 0) {
		snprintf(file, sizeof file, "%s", h->where_file);
		line = h->where_line;
	}
	strbuf_adds(&text, c->context);
	if (file[0])
		diag_add(c->dl, DIAG_ERROR, file, line, 0, text.buf);
	else
		diag_add(c->dl, DIAG_ERROR, c->file, fn_line(L, c->fn_ref), 0, text.buf);
	strbuf_release(&text);
}

/* The message handler: note where the error happened, make it a string. */
static int msgh(lua_State *L)
{
	struct hooks *h = hooks_of(L);

	note_where(h, L);
	if (lua_type(L, 1) != LUA_TSTRING && lua_type(L, 1) != LUA_TNUMBER)
		lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
	return 1;
}

/*
 * hooks_run: call body(c) under lua_pcall with the limits armed. On 0 the body's one
 * result is at the top of the stack; the caller reads it and calls hooks_done().
 * On -1 the error is recorded and the stack is as before.
 */
int hooks_run(struct hooks *h, struct hook_call *c, lua_CFunction body, struct diag_list *dl)
{
	lua_State *L = h->L;
	int status;

	c->h = h;
	c->dl = dl;
	c->base = lua_gettop(L);
	if (h->depth == HOOKS_MAX_NEST) {
		diag_add(dl, DIAG_ERROR, c->file, 0, 0, "Lua calls nested too deeply");
		return -1;
	}
	if (h->depth == 0) {
		/* (for hooks_running: written before the id that says so) */
		copy_running(h->running_file, sizeof h->running_file, c->file ? c->file : "lua");
		copy_running(h->running_context, sizeof h->running_context,
			     c->context ? c->context : "");
		atomic_store_explicit(&h->running, h->next_call + 1, memory_order_release);
		h->insn_left = (long long)h->insn_limit;
		h->aborting = ABORT_NONE;
		h->mem_refused = 0;
		h->where_file[0] = '\0';
		h->where_line = 0;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, h->insn_period);
	}
	h->active[h->depth++] = ++h->next_call;
	c->saved_dl = h->dl;
	c->saved_call = h->call;
	c->errors = dl->errors;
	h->dl = dl;
	h->call = c;

	lua_pushcfunction(L, msgh);
	lua_pushcfunction(L, body);
	lua_pushlightuserdata(L, c);
	status = lua_pcall(L, 1, 1, c->base + 1);

	h->dl = c->saved_dl;
	h->call = c->saved_call;
	if (--h->depth == 0) {
		atomic_store_explicit(&h->running, 0, memory_order_relaxed);
		lua_sethook(L, NULL, 0, 0);
		h->aborting = ABORT_NONE;
	}
	if (status != LUA_OK)
		report(c, status);
	if (status != LUA_OK || dl->errors > c->errors) { /* waymark.error() counts */
		lua_settop(L, c->base);
		return -1;
	}
	return 0;
}

void hooks_done(struct hook_call *c)
{
	lua_settop(c->h->L, c->base);
}

/* The " in hook 'x' for 'page'" part of messages, into `sb`. */
static const char *context(struct strbuf *sb, const char *kind, const char *name,
			   const char *page)
{
	strbuf_addf(sb, " in %s '%s'", kind, name);
	if (page)
		strbuf_addf(sb, " for '%s'", page);
	return sb->buf;
}

/* ============================================================ */
/* loading                                                      */
/* ============================================================ */

static const char *const table_keys[] = {
	"site", "page", "markdown", "html", "shortcodes", "helpers", "site_documents",
};
#define SITE_DOCUMENTS 6 /* its place in table_keys */

/* A shortcode or helper name: what the tag syntax can spell. */
static int good_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The line a function at the top of the stack starts on. */
static int top_fn_line(lua_State *L)
{
	lua_Debug ar;

	if (!lua_isfunction(L, -1))
		return 0;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	return ar.linedefined > 0 ? ar.linedefined : 0;
}

static void file_error(struct hook_call *c, int line, const char *fmt, const char *a,
		       const char *b)
{
	char msg[512];

	snprintf(msg, sizeof msg, fmt, a, b);
	diag_add(c->dl, DIAG_ERROR, c->load->path, line, 0, msg);
}

/* Register shortcodes = {name = f} or helpers = {...} from the table at the top. */
static void take_named(struct hook_call *c, lua_State *L, struct hook_names *names,
		       const char *what)
{
	int t = lua_gettop(L);

	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		size_t i;

		if (!name || !good_name(name)) {
			file_error(c, top_fn_line(L), "bad %s name '%s': use letters, digits, '_' and '-'",
				   what, name ? name : luaL_typename(L, -2));
			lua_pop(L, 1);
			continue;
		}
		if (!lua_isfunction(L, -1)) {
			file_error(c, 0, "%s '%s' must be a function", what, name);
			lua_pop(L, 1);
			continue;
		}
		for (i = 0; i < names->n && strcmp(names->items[i].name, name); i++)
			;
		if (i == names->n) {
			XGROW(names->items, names->alloc, names->n + 1);
			names->items[i].name = xstrdup(name);
			names->items[i].ref = LUA_NOREF;
			names->n++;
		}
		luaL_unref(L, LUA_REGISTRYINDEX, names->items[i].ref); /* a later file wins */
		names->items[i].ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the function */
		names->items[i].file = c->load->path;
	}
}

/* site_documents = "pattern" or {"pattern", ...}, at the top. */
static void take_site_documents(struct hook_call *c, lua_State *L, struct hook_file *f)
{
	lua_Integer n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 1, i;
	int ok = lua_type(L, -1) == LUA_TSTRING || (lua_istable(L, -1) && n > 0);

	for (i = 1; ok && lua_istable(L, -1) && i <= n; i++) {
		ok = lua_rawgeti(L, -1, i) == LUA_TSTRING;
		lua_pop(L, 1);
	}
	if (ok && lua_istable(L, -1)) { /* a list and nothing else */
		lua_Integer keys = 0;

		lua_pushnil(L);
		while (lua_next(L, -2)) {
			keys++;
			lua_pop(L, 1);
		}
		ok = keys == n;
	}
	if (!ok) {
		file_error(c, 0, "'site_documents' must be a pattern or a list of patterns below content/ "
			   "(like \"frameworks/*.yaml\"), not %s%s",
			   lua_istable(L, -1) ? "that table" : luaL_typename(L, -1), "");
		return;
	}
	f->site_docs_given = 1;
	f->site_docs = xcalloc((size_t)n, sizeof *f->site_docs);
	for (i = 1; i <= n; i++) {
		const char *s;

		if (lua_istable(L, -1))
			lua_rawgeti(L, -1, i);
		else
			lua_pushvalue(L, -1);
		s = lua_tostring(L, -1);
		if (!*s)
			file_error(c, 0, "'site_documents' holds an empty pattern%s%s", "", "");
		f->site_docs[f->nsite_docs++] = xstrdup(s);
		lua_pop(L, 1);
	}
}

/* Run one hook file and take the table it returns. */
static int body_load(lua_State *L)
{
	struct hook_call *c = lua_touserdata(L, 1);
	struct hooks *h = c->h;
	struct hook_file *f = c->load;
	char chunk[LUA_IDSIZE + 8];
	int k, t;

	snprintf(chunk, sizeof chunk, "@%s", f->path);
	lua_settop(L, 0);
	if (luaL_loadbufferx(L, c->text, c->len, chunk, "t") != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	t = 1;
	if (!lua_istable(L, t)) {
		file_error(c, 0, "the file must return a table of hooks, not %s%s",
			   luaL_typename(L, t), "");
		return 1;
	}
	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";

		for (k = 0; k < (int)(sizeof table_keys / sizeof *table_keys); k++)
			if (!strcmp(key, table_keys[k]))
				break;
		if (k == sizeof table_keys / sizeof *table_keys) {
			const char *near = diag_suggest(key, table_keys,
							sizeof table_keys / sizeof *table_keys);

			if (near)
				file_error(c, top_fn_line(L), "unknown hook '%s'; did you mean '%s'?",
					   key, near);
			else
				file_error(c, top_fn_line(L), "unknown hook '%s'%s", key, "");
		} else if (k == SITE_DOCUMENTS) {
			take_site_documents(c, L, f);
		} else if (k < HOOKS_NFUNCS && !lua_isfunction(L, -1)) {
			file_error(c, 0, "hook '%s' must be a function, not %s", key,
				   luaL_typename(L, -1));
		} else if (k >= HOOKS_NFUNCS && !lua_istable(L, -1)) {
			file_error(c, 0, "'%s' must be a table of functions, not %s", key,
				   luaL_typename(L, -1));
		} else if (k < HOOKS_NFUNCS) {
			lua_pushvalue(L, -1);
			f->ref[k] = luaL_ref(L, LUA_REGISTRYINDEX);
			h->has[k] = 1;
		} else {
			take_named(c, L, k == HOOKS_SHORTCODES ? &h->shortcodes : &h->helpers,
				   k == HOOKS_SHORTCODES ? "shortcode" : "helper");
		}
		lua_pop(L, 1);
	}
	if (f->site_docs_given && f->ref[HOOKS_SITE] == LUA_NOREF)
		file_error(c, 0, "'site_documents' says which documents the site hook gets, "
			   "and this file has no site hook%s%s", "", "");
	h->has[HOOKS_SHORTCODES] = h->shortcodes.n > 0;
	h->has[HOOKS_HELPERS] = h->helpers.n > 0;
	return 1;
}

static int load_file(struct hooks *h, const char *name, struct diag_list *dl)
{
	struct hook_call c = { 0 };
	struct hook_file *f;
	struct strbuf text = STRBUF_INIT;
	char *path;
	int k, rc;

	XGROW(h->files, h->afiles, h->nfiles + 1);
	f = &h->files[h->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = fs_join("lua", name);
	for (k = 0; k < HOOKS_NFUNCS; k++)
		f->ref[k] = LUA_NOREF;
	path = fs_join(h->site_dir, f->path);
	if (fs_read(path, &text) < 0) {
		diag_io_error(dl, NULL, "unable to read '%s': %s", path, fs_strerror(errno));
		free(path);
		strbuf_release(&text);
		return -1;
	}
	free(path);
	c.context = "";
	c.file = f->path;
	c.fn_ref = LUA_NOREF;
	c.load = f;
	c.text = text.buf;
	c.len = text.len;
	rc = hooks_run(h, &c, body_load, dl);
	if (rc == 0)
		hooks_done(&c);
	strbuf_release(&text);
	return rc;
}

struct hooks *hooks_new(const struct hooks_opts *opts, struct diag_list *dl)
{
	struct hooks *h = xcalloc(1, sizeof *h);
	size_t errors = dl->errors, i;
	struct fs_list list = FS_LIST_INIT;
	char *luadir;

	h->site_dir = xstrdup(opts->site_dir ? opts->site_dir : ".");
	h->log = opts->log;
	h->log_ctx = opts->log_ctx;
	h->mem_limit = opts->memory_limit ? opts->memory_limit : HOOKS_DEFAULT_MEMORY;
	h->insn_limit = opts->instruction_limit ? opts->instruction_limit
						: HOOKS_DEFAULT_INSTRUCTIONS;
	h->insn_period = h->insn_limit < 1000 ? (int)h->insn_limit : 1000;
	strbuf_init(&h->scratch, 0);
	h->ref_shapes = h->ref_modules = h->ref_lazy_mt = h->ref_lazy = LUA_NOREF;

	h->site_real = realpath(h->site_dir, NULL);
	if (!h->site_real) {
		char msg[512];

		snprintf(msg, sizeof msg, "cannot open site directory '%s': %s", h->site_dir,
			 strerror(errno));
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, msg);
		dl->io_errors++;
		hooks_free(h);
		return NULL;
	}
	h->L = lua_newstate(limited_alloc, h);
	if (h->L) {
		struct hook_call c = { 0 };

		*(struct hooks **)lua_getextraspace(h->L) = h;
		c.context = " while setting up Lua";
		c.fn_ref = LUA_NOREF;
		if (hooks_run(h, &c, hooks_setup, dl) == 0)
			hooks_done(&c);
	} else
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, "cannot create a Lua state");
	if (dl->errors > errors) {
		hooks_free(h);
		return NULL;
	}

	if (opts->loading)
		opts->loading(opts->loading_ctx, h);
	if (opts->files) {
		for (i = 0; i < opts->nfiles; i++)
			load_file(h, opts->files[i], dl);
	} else {
		static const char *const exts[] = { ".lua", NULL };

		luadir = fs_join(h->site_dir, "lua");
		if (fs_is_dir(luadir) && fs_list(luadir, exts, &list, NULL) < 0)
			diag_listing_failed(dl, list.failed, list.failed_errno);
		free(luadir);
		for (i = 0; i < list.n; i++)
			if (!strchr(list.paths[i], '/')) /* subdirectories hold modules */
				load_file(h, list.paths[i], dl);
		fs_list_release(&list);
	}
	if (opts->loading)
		opts->loading(opts->loading_ctx, NULL);
	if (dl->errors > errors) {
		hooks_free(h);
		return NULL;
	}
	return h;
}

static void names_release(struct hook_names *names)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		free(names->items[i].name);
	free(names->items);
}

void hooks_free(struct hooks *h)
{
	size_t i;

	if (!h)
		return;
	if (h->L)
		lua_close(h->L);
	hooks_free_orphans(h);
	for (i = 0; i < h->nfiles; i++) {
		size_t k;

		for (k = 0; k < h->files[i].nsite_docs; k++)
			free(h->files[i].site_docs[k]);
		free(h->files[i].site_docs);
		free(h->files[i].path);
	}
	free(h->files);
	for (i = 0; i < h->nreads; i++)
		free(h->reads[i]);
	free(h->reads);
	names_release(&h->shortcodes);
	names_release(&h->helpers);
	strbuf_release(&h->scratch);
	free(h->site_dir);
	free(h->site_real);
	free(h);
}

int hooks_site_sees(const struct hooks *h, const char *rel)
{
	size_t i, k;

	for (i = 0; h && i < h->nfiles; i++) {
		const struct hook_file *f = &h->files[i];

		if (f->ref[HOOKS_SITE] == LUA_NOREF)
			continue;
		if (!f->site_docs_given)
			return 1;
		for (k = 0; k < f->nsite_docs; k++) {
			const char *p = f->site_docs[k];
			size_t n = strlen(p), lit = strcspn(p, "*?[\\");

			/* the pattern's letters before its first wildcard must
			 * start the name: most names fail there, without fnmatch
			 * (10,000 stories against the default glossary's two
			 * patterns, each a directory and a wildcard) */
			if (strncmp(rel, p, lit))
				continue;
			if (n && p[n - 1] == '/' ? !strncmp(rel, p, n) : fnmatch(p, rel, FNM_PATHNAME) == 0)
				return 1;
		}
	}
	return 0;
}

int hooks_site_chooses(const struct hooks *h)
{
	size_t i;

	for (i = 0; h && i < h->nfiles; i++)
		if (h->files[i].ref[HOOKS_SITE] != LUA_NOREF && !h->files[i].site_docs_given)
			return 0;
	return 1;
}

size_t hooks_reads(const struct hooks *h, const char *const **paths)
{
	*paths = h ? (const char *const *)h->reads : NULL;
	return h ? h->nreads : 0;
}

int hooks_has(const struct hooks *h, enum hooks_kind kind)
{
	return h && kind >= HOOKS_SITE && kind <= HOOKS_HELPERS && h->has[kind];
}

/* ============================================================ */
/* site, page, markdown and html hooks                          */
/* ============================================================ */

/* Raise "lua/x.lua:N: hook 'x' returned a T; expected ..." for the
 * function that just returned the value at the top. */
int hooks_bad_result(lua_State *L, struct hook_call *c, const char *what, const char *expected)
{
	int line = fn_line(L, c->fn_ref);

	return luaL_error(L, "%s:%d: %s returned %s; expected %s", c->file, line, what,
			  luaL_typename(L, -1), expected);
}

/* Every file's site/page/html hook in turn; leaves the result. */
static int body_chain(lua_State *L)
{
	struct hook_call *c = lua_touserdata(L, 1);
	struct hooks *h = c->h;
	int html = c->hook == HOOKS_HTML, cur = html ? 2 : 1;
	char what[32];
	size_t i;

	snprintf(what, sizeof what, "hook '%s'", hook_names[c->hook]);
	lua_settop(L, 0);
	hooks_push_value(h, L, c->value, 0); /* 1: site or page */
	if (html)
		lua_pushlstring(L, c->text, c->len); /* 2: html */
	for (i = 0; i < h->nfiles; i++) {
		int ref = h->files[i].ref[c->hook];

		if (ref == LUA_NOREF)
			continue;
		hooks_running_file(h, c, h->files[i].path);
		c->fn_ref = ref;
		lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
		lua_pushvalue(L, 1);
		if (html)
			lua_pushvalue(L, 2);
		lua_call(L, html ? 2 : 1, 1);
		if (lua_isnil(L, -1))
			lua_pop(L, 1);
		else if (html ? lua_type(L, -1) == LUA_TSTRING : lua_istable(L, -1))
			lua_replace(L, cur);
		else
			return hooks_bad_result(L, c, what, html ? "a string or nothing" : "a table or nothing");
	}
	lua_pushvalue(L, cur);
	return 1;
}

/* site or page: one tree through the chain and back. */
static int tree_hook(struct hooks *h, int hook, struct value **tree, const char *page,
		     struct diag_list *dl)
{
	struct hook_call c = { 0 };
	struct strbuf ctx = STRBUF_INIT, err = STRBUF_INIT;
	struct value *nv;
	int rc = 0;

	if (!h || !h->has[hook])
		return 0;
	c.context = context(&ctx, "hook", hook_names[hook], page);
	c.fn_ref = LUA_NOREF;
	c.hook = hook;
	c.value = *tree;
	if (hooks_run(h, &c, body_chain, dl) < 0) {
		hooks_forget_lazy(h); /* the tree is the caller's to free now */
		strbuf_release(&ctx);
		return -1;
	}
	nv = hooks_to_value(h, h->L, -1, hook_names[hook], &err);
	hooks_forget_lazy(h);
	if (nv) {
		hooks_restore_pos(nv, *tree);
		value_free(*tree);
		*tree = nv;
	} else {
		error_at_fn(&c, err.buf);
		rc = -1;
	}
	hooks_done(&c);
	strbuf_release(&err);
	strbuf_release(&ctx);
	return rc;
}

int hooks_site(struct hooks *h, struct value **site, struct diag_list *dl)
{
	return tree_hook(h, HOOKS_SITE, site, NULL, dl);
}

int hooks_page(struct hooks *h, struct value **page, const char *page_path,
	       struct diag_list *dl)
{
	return tree_hook(h, HOOKS_PAGE, page, page_path, dl);
}

int hooks_html(struct hooks *h, const struct value *page, const char *page_path,
	       struct strbuf *html, struct diag_list *dl)
{
	struct hook_call c = { 0 };
	struct strbuf ctx = STRBUF_INIT;
	size_t len;
	const char *s;

	if (!h || !h->has[HOOKS_HTML])
		return 0;
	c.context = context(&ctx, "hook", "html", page_path);
	c.fn_ref = LUA_NOREF;
	c.hook = HOOKS_HTML;
	c.value = page;
	c.text = html->buf;
	c.len = html->len;
	if (hooks_run(h, &c, body_chain, dl) < 0) {
		strbuf_release(&ctx);
		return -1;
	}
	s = lua_tolstring(h->L, -1, &len); /* a string: no conversion */
	strbuf_reset(html);
	strbuf_add(html, s, len);
	hooks_done(&c);
	strbuf_release(&ctx);
	return 0;
}

static int body_markdown(lua_State *L)
{
	struct hook_call *c = lua_touserdata(L, 1);
	struct hooks *h = c->h;
	size_t i;

	h->md_call = hooks_current_call(h);
	lua_settop(L, 0);
	hooks_push_node(L, h->doc);          /* 1 */
	hooks_push_value(h, L, c->value, 0); /* 2 */
	for (i = 0; i < h->nfiles; i++) {
		int ref = h->files[i].ref[HOOKS_MARKDOWN];

		if (ref == LUA_NOREF)
			continue;
		hooks_running_file(h, c, h->files[i].path);
		c->fn_ref = ref;
		lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
		lua_pushvalue(L, 1);
		lua_pushvalue(L, 2);
		lua_call(L, 2, 0);
	}
	lua_pushnil(L);
	return 1;
}

int hooks_markdown(struct hooks *h, struct cmark_node *doc, const struct value *page,
		   const char *page_path, int line_offset, struct diag_list *dl)
{
	struct hook_call c = { 0 };
	struct strbuf ctx = STRBUF_INIT;
	int rc;

	if (!h || !h->has[HOOKS_MARKDOWN])
		return 0;
	c.context = context(&ctx, "hook", "markdown", page_path);
	c.fn_ref = LUA_NOREF;
	if (h->md_call) {
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, "the markdown hook cannot run inside itself");
		strbuf_release(&ctx);
		return -1;
	}
	h->doc = doc;
	h->line_offset = line_offset;
	c.hook = HOOKS_MARKDOWN;
	c.value = page;
	rc = hooks_run(h, &c, body_markdown, dl);
	if (rc == 0)
		hooks_done(&c);
	h->md_call = 0; /* every node userdata is dead from here on */
	hooks_free_orphans(h);
	h->doc = NULL;
	strbuf_release(&ctx);
	return rc;
}


void hooks_new_meta(lua_State *L, const char *name, enum hooks_meta which)
{
	struct hooks *h = hooks_of(L);

	luaL_newmetatable(L, name);
	h->meta_at[which] = lua_topointer(L, -1);
	lua_pushvalue(L, -1);
	h->meta_ref[which] = luaL_ref(L, LUA_REGISTRYINDEX);
}

void hooks_set_meta(lua_State *L, enum hooks_meta which)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, hooks_of(L)->meta_ref[which]);
	lua_setmetatable(L, -2);
}

void *hooks_check_udata(lua_State *L, int idx, const char *name, enum hooks_meta which)
{
	void *ud = lua_touserdata(L, idx);

	if (ud && lua_getmetatable(L, idx)) {
		/* a table the registry holds stays where it is */
		int same = lua_topointer(L, -1) == hooks_of(L)->meta_at[which];

		lua_pop(L, 1);
		if (same)
			return ud;
	}
	luaL_typeerror(L, idx, name);
	return NULL;
}
