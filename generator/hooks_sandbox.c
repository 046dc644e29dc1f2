/* hooks_sandbox: the globals a hook sees, and the waymark table. */
#include "hooks_internal.h"

#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "markdown.h"
#include "slug.h"
#include "xalloc.h"

/* ============================================================ */
/* sandbox                                                      */
/* ============================================================ */

/* pcall and xpcall that do not swallow a spent budget or memory error. */
static int sb_pcall(lua_State *L)
{
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status != LUA_OK && (hooks_of(L)->aborting || status == LUA_ERRMEM))
		return lua_error(L);
	luaL_checkstack(L, 1, NULL);
	lua_pushboolean(L, status == LUA_OK);
	lua_insert(L, 1);
	return lua_gettop(L);
}

static int sb_xpcall(lua_State *L)
{
	int status;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1); /* swap f and handler: the handler goes below */
	lua_pushvalue(L, 2);
	lua_replace(L, 1);
	lua_replace(L, 2);
	status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 1);
	if (status != LUA_OK && (hooks_of(L)->aborting || status == LUA_ERRMEM))
		return lua_error(L);
	lua_pushboolean(L, status == LUA_OK);
	lua_replace(L, 1);
	return lua_gettop(L);
}

/* load, forced to text mode: load(chunk [, name [, mode [, env]]]). */
static int sb_load(lua_State *L)
{
	int n = lua_gettop(L);

	luaL_checkany(L, 1);
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t"); /* whatever mode was asked for */
	if (n >= 4) { /* an explicit nil env is not the same as none */
		lua_pushvalue(L, 4);
		lua_call(L, 4, LUA_MULTRET);
	} else
		lua_call(L, 3, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* setmetatable without __gc: finalizers would run outside any hook. */
static int sb_setmetatable(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_istable(L, 2)) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not allowed");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* The file and line of the Lua code calling a waymark function. */
static int caller(lua_State *L, char *file, size_t size)
{
	lua_Debug ar;
	int level;

	for (level = 1; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(file, size, "%s", ar.short_src);
			return ar.currentline;
		}
	snprintf(file, size, "lua");
	return 0;
}

/* The arguments joined by tabs, as print does, into h->scratch. */
static void join_args(lua_State *L, struct hooks *h)
{
	int i, n = lua_gettop(L);

	luaL_checkstack(L, n, "too many arguments");
	for (i = 1; i <= n; i++)
		luaL_tolstring(L, i, NULL);
	strbuf_reset(&h->scratch);
	for (i = 1; i <= n; i++) {
		size_t len;
		const char *s = lua_tolstring(L, n + i, &len);

		if (i > 1)
			strbuf_addch(&h->scratch, '\t');
		strbuf_add(&h->scratch, s, len);
	}
}

static int l_log(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	char file[LUA_IDSIZE];
	int line;

	join_args(L, h);
	line = caller(L, file, sizeof file);
	if (h->log)
		h->log(h->log_ctx, file, line, h->scratch.buf);
	strbuf_reset(&h->scratch);
	return 0;
}

static int diag_from_lua(lua_State *L, enum diag_level level)
{
	struct hooks *h = hooks_of(L);
	char file[LUA_IDSIZE];
	int line;

	join_args(L, h);
	line = caller(L, file, sizeof file);
	if (h->call)
		strbuf_adds(&h->scratch, h->call->context);
	if (h->dl)
		diag_add(h->dl, level, file, line, 0, h->scratch.buf);
	strbuf_reset(&h->scratch);
	return 0;
}

static int l_warn(lua_State *L)
{
	return diag_from_lua(L, DIAG_WARNING);
}

static int l_error(lua_State *L)
{
	return diag_from_lua(L, DIAG_ERROR);
}

static int l_slugify(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *fallback = luaL_optstring(L, 2, "");

	strbuf_reset(&h->scratch);
	slug_add(&h->scratch, s, len, fallback);
	lua_pushlstring(L, h->scratch.buf, h->scratch.len);
	strbuf_reset(&h->scratch);
	return 1;
}

static int l_markdown(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	struct markdown_opts o = { .path = "waymark.markdown" };
	struct diag_list dl = DIAG_LIST_INIT;
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);

	strbuf_reset(&h->scratch);
	markdown_render(s, len, &o, &h->scratch, NULL, &dl);
	diag_list_release(&dl); /* without a resolver there are none */
	lua_pushlstring(L, h->scratch.buf, h->scratch.len);
	strbuf_reset(&h->scratch);
	return 1;
}

/*
 * The real path of site-relative `rel`, if it stays inside the site:
 * no absolute paths, no ".." above the top, no symlink leading out.
 * Raises a Lua error otherwise (`who` names the caller).
 * The result is in h->scratch.
 */
static void inside_site(lua_State *L, const char *who, const char *rel)
{
	struct hooks *h = hooks_of(L);
	size_t n = strlen(h->site_real);
	char *norm, *full, *real;
	int err;

	if (rel[0] == '/')
		luaL_error(L, "%s: '%s' is an absolute path; give a path inside the site", who, rel);
	norm = slug_normalize_path(rel);
	if (!norm)
		luaL_error(L, "%s: '%s' is outside the site directory", who, rel);
	full = fs_join(h->site_dir, norm);
	free(norm);
	real = realpath(full, NULL);
	err = errno;
	free(full);
	if (!real)
		luaL_error(L, "%s: cannot read '%s': %s", who, rel, strerror(err));
	if (strncmp(real, h->site_real, n) || (real[n] != '/' && real[n] != '\0')) {
		free(real);
		luaL_error(L, "%s: '%s' is outside the site directory", who, rel);
	}
	strbuf_reset(&h->scratch);
	strbuf_adds(&h->scratch, real);
	free(real);
}

/* Read the file at the path in h->scratch into h->scratch. */
static void read_scratch(lua_State *L, const char *who, const char *rel)
{
	struct hooks *h = hooks_of(L);
	struct stat st;
	char *path = xstrdup(h->scratch.buf);
	int err = 0;

	if (stat(path, &st) == 0 && (size_t)st.st_size > h->mem_limit) {
		free(path);
		luaL_error(L, "%s: '%s' is larger than the memory limit", who, rel);
	}
	strbuf_reset(&h->scratch);
	if (fs_read(path, &h->scratch) < 0)
		err = errno;
	free(path);
	if (err) {
		strbuf_reset(&h->scratch);
		luaL_error(L, "%s: cannot read '%s': %s", who, rel, fs_strerror(err));
	}
}

static int l_read(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	const char *rel = luaL_checkstring(L, 1);

	inside_site(L, "waymark.read", rel);
	read_scratch(L, "waymark.read", rel);
	if (!h->nreads || strcmp(h->reads[h->nreads - 1], rel)) {
		XGROW(h->reads, h->areads, h->nreads + 1);
		h->reads[h->nreads++] = xstrdup(rel);
	}
	lua_pushlstring(L, h->scratch.buf, h->scratch.len);
	strbuf_reset(&h->scratch);
	return 1;
}

/* require "a.b" loads lua/a/b.lua once, as text; nothing else. */
static int l_require(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	const char *name = luaL_checkstring(L, 1), *rel, *p;
	char chunk[LUA_IDSIZE + 8];
	struct stat st;
	char *full;
	int status, found;

	lua_settop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_modules); /* 2 */
	if (lua_getfield(L, 2, name) != LUA_TNIL) {
		if (lua_touserdata(L, -1) == (void *)h)
			return luaL_error(L, "module '%s' requires itself", name);
		return 1;
	}
	for (p = name; *p; p++)
		if (!(*p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '.' && p > name && p[1] && p[1] != '.')))
			return luaL_error(L, "bad module name '%s'", name);
	strbuf_reset(&h->scratch);
	strbuf_adds(&h->scratch, "lua/");
	for (p = name; *p; p++)
		strbuf_addch(&h->scratch, *p == '.' ? '/' : *p);
	strbuf_adds(&h->scratch, ".lua");
	rel = lua_pushstring(L, h->scratch.buf); /* 4 */
	snprintf(chunk, sizeof chunk, "@%s", rel);
	full = fs_join(h->site_dir, rel);
	found = stat(full, &st) == 0;
	free(full);
	if (!found)
		return luaL_error(L, "module '%s' not found: no file '%s'", name, rel);
	inside_site(L, "require", rel);
	read_scratch(L, "require", rel);
	status = luaL_loadbufferx(L, h->scratch.buf, h->scratch.len, chunk, "t");
	strbuf_reset(&h->scratch);
	if (status != LUA_OK)
		return lua_error(L);
	lua_pushlightuserdata(L, h); /* "being loaded" */
	lua_setfield(L, 2, name);
	lua_pushvalue(L, 1);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, 2, name);
	return 1;
}

/* Build the sandbox (runs under pcall: it allocates). */
int hooks_setup(lua_State *L)
{
	static const char *const removed[] = { "dofile", "loadfile", "warn", "require" };
	static const luaL_Reg waymark[] = {
		{ "slugify", l_slugify },
		{ "markdown", l_markdown },
		{ "read", l_read },
		{ "log", l_log },
		{ "warn", l_warn },
		{ "error", l_error },
		{ NULL, NULL },
	};
	struct hooks *h = hooks_of(L);
	size_t i;

	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_settop(L, 0);

	lua_pushglobaltable(L); /* 1 */
	for (i = 0; i < sizeof removed / sizeof *removed; i++) {
		lua_pushnil(L);
		lua_setfield(L, 1, removed[i]);
	}
	lua_getfield(L, 1, "load");
	lua_pushcclosure(L, sb_load, 1);
	lua_setfield(L, 1, "load");
	lua_getfield(L, 1, "setmetatable");
	lua_pushcclosure(L, sb_setmetatable, 1);
	lua_setfield(L, 1, "setmetatable");
	lua_pushcfunction(L, sb_pcall);
	lua_setfield(L, 1, "pcall");
	lua_pushcfunction(L, sb_xpcall);
	lua_setfield(L, 1, "xpcall");
	lua_pushcfunction(L, l_log);
	lua_setfield(L, 1, "print");
	lua_pushcfunction(L, l_require);
	lua_setfield(L, 1, "require");

	lua_getfield(L, 1, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);

	/* the same numbers on every build */
	lua_getfield(L, 1, "math");
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 0);
	lua_pop(L, 1);

	luaL_newlib(L, waymark);
	hooks_open_values(L);
	hooks_open_nodes(L);
	hooks_open_phrases(L);
	lua_setfield(L, 1, "waymark");

	lua_newtable(L); /* shapes, weak keys */
	lua_newtable(L);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	h->ref_shapes = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	h->ref_modules = luaL_ref(L, LUA_REGISTRYINDEX);
	hooks_open_lazy(L);
	lua_pushnil(L);
	return 1;
}
