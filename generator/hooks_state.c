/* hooks_state: a print of the Lua state that markdown hooks and shortcodes
 * can reach, for what bodies depend on after a site hook. */
#include "hooks_internal.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "xalloc.h"

/*
 * A site hook can keep anything it was handed (site.yaml, every document)
 * for markdown hooks and shortcodes to use. What it kept is what those
 * functions can reach: their upvalues, and what those reach in turn (the
 * globals through _ENV, tables, other functions), the modules `require`
 * keeps and the strings' metatable. Two states that print the same give the
 * same bodies, so a body depends on this print rather than on every file.
 *
 * The walk is in a fixed order: a table's keys sorted, a function's
 * upvalues in order, an object met again named by when it was first met.
 * Lua functions print as their code (lua_dump, stripped), C functions by
 * their upvalues only (their code is waymark's or Lua's). Anything that
 * would not print the same from one run to the next (a table or function
 * as a key, a pointer) fails the walk, and bodies depend on everything, as
 * they do without this.
 */

#define STATE_MAX_OBJECTS 2000000
#define STATE_MAX_DEPTH 180 /* below Lua's limit of nested C calls (200) */

struct state_walk {
	struct hooks *h;
	int seen;             /* stack index: object → the order it was met in */
	lua_Integer objects;  /* met so far */
	unsigned long long print;
	int failed;
	int every;            /* page and html hooks and helpers too */
};

/* A key of a table being walked, to sort. */
struct state_key {
	int type;       /* LUA_TNUMBER, LUA_TSTRING or LUA_TBOOLEAN */
	int integer;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;
	lua_Integer at; /* where it is in the keys table */
};

static void mix(struct state_walk *w, const void *p, size_t n)
{
	w->print = value_hash_fast(p, n, w->print);
}

static void tag(struct state_walk *w, char c)
{
	mix(w, &c, 1);
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
	(void)L;
	mix(ud, p, n);
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct state_key *x = a, *y = b;
	int c;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	switch (x->type) {
	case LUA_TSTRING:
		c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
		return c ? c : (x->len > y->len) - (x->len < y->len);
	case LUA_TNUMBER:
		if (x->integer != y->integer)
			return x->integer ? -1 : 1;
		if (x->integer)
			return (x->i > y->i) - (x->i < y->i);
		return (x->n > y->n) - (x->n < y->n);
	default: /* booleans */
		return (int)x->i - (int)y->i;
	}
}

static void walk(struct state_walk *w, lua_State *L, int idx, int depth);

/* A scalar: its kind and value. */
static void walk_scalar(struct state_walk *w, lua_State *L, int idx)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		tag(w, 'n');
		break;
	case LUA_TBOOLEAN:
		tag(w, lua_toboolean(L, idx) ? 'T' : 'F');
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			lua_Integer i = lua_tointeger(L, idx);

			tag(w, 'i');
			mix(w, &i, sizeof i);
		} else {
			lua_Number n = lua_tonumber(L, idx);

			tag(w, 'f');
			mix(w, &n, sizeof n);
		}
		break;
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);

		tag(w, 's');
		mix(w, &len, sizeof len);
		mix(w, s, len);
		break;
	}
	default:
		w->failed = 1;
	}
}

/* A table's metatable and its entries, keys sorted. */
static void walk_table(struct state_walk *w, lua_State *L, int t, int depth)
{
	struct state_key *keys = NULL;
	size_t n = 0, alloc = 0, i;
	int keys_at;

	tag(w, 't');
	if (lua_getmetatable(L, t)) {
		tag(w, 'm');
		walk(w, L, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	lua_newtable(L); /* the keys, so their strings stay put */
	keys_at = lua_gettop(L);
	lua_pushnil(L);
	while (!w->failed && lua_next(L, t)) {
		struct state_key k;

		lua_pop(L, 1);
		memset(&k, 0, sizeof k);
		k.type = lua_type(L, -1);
		if (k.type == LUA_TNUMBER && lua_isinteger(L, -1)) {
			k.integer = 1;
			k.i = lua_tointeger(L, -1);
		} else if (k.type == LUA_TNUMBER) {
			k.n = lua_tonumber(L, -1);
		} else if (k.type == LUA_TSTRING) {
			k.s = lua_tolstring(L, -1, &k.len);
		} else if (k.type == LUA_TBOOLEAN) {
			k.i = lua_toboolean(L, -1);
		} else {
			w->failed = 1; /* a table or function as a key: no fixed order */
			break;
		}
		lua_pushvalue(L, -1);
		k.at = (lua_Integer)n + 1;
		lua_rawseti(L, keys_at, k.at);
		XGROW(keys, alloc, n + 1);
		keys[n++] = k;
	}
	if (!w->failed && n)
		qsort(keys, n, sizeof *keys, key_cmp);
	for (i = 0; i < n && !w->failed; i++) {
		lua_rawgeti(L, keys_at, keys[i].at);
		walk_scalar(w, L, -1);
		lua_rawget(L, t);
		walk(w, L, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	free(keys);
	lua_settop(L, keys_at - 1);
}

static void walk_upvalues(struct state_walk *w, lua_State *L, int f, int depth)
{
	int i;

	for (i = 1; !w->failed && lua_getupvalue(L, f, i); i++) {
		walk(w, L, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
}

static void walk(struct state_walk *w, lua_State *L, int idx, int depth)
{
	int type = lua_type(L, idx);

	if (w->failed)
		return;
	if (depth > STATE_MAX_DEPTH || !lua_checkstack(L, 8)) {
		w->failed = 1;
		return;
	}
	if (type == LUA_TLIGHTUSERDATA) {
		if (lua_touserdata(L, idx) != hooks_null())
			w->failed = 1; /* a pointer */
		tag(w, 'N');
		return;
	}
	if (type != LUA_TTABLE && type != LUA_TFUNCTION && type != LUA_TUSERDATA) {
		walk_scalar(w, L, idx);
		return;
	}
	/* met before: say when */
	lua_pushvalue(L, idx);
	if (lua_rawget(L, w->seen) == LUA_TNUMBER) {
		lua_Integer at = lua_tointeger(L, -1);

		lua_pop(L, 1);
		tag(w, 'r');
		mix(w, &at, sizeof at);
		return;
	}
	lua_pop(L, 1);
	if (++w->objects > STATE_MAX_OBJECTS) {
		w->failed = 1;
		return;
	}
	lua_pushvalue(L, idx);
	lua_pushinteger(L, w->objects);
	lua_rawset(L, w->seen);

	if (type == LUA_TTABLE) {
		walk_table(w, L, idx, depth);
	} else if (type == LUA_TFUNCTION) {
		if (lua_iscfunction(L, idx)) {
			tag(w, 'c');
		} else {
			tag(w, 'l');
			lua_pushvalue(L, idx);
			lua_dump(L, dump_writer, w, 1);
			lua_pop(L, 1);
		}
		walk_upvalues(w, L, idx, depth);
	} else { /* full userdata: its bytes, metatable and user values */
		size_t len = lua_rawlen(L, idx);
		int i;

		tag(w, 'u');
		mix(w, &len, sizeof len);
		mix(w, lua_touserdata(L, idx), len);
		if (lua_getmetatable(L, idx)) {
			walk(w, L, lua_gettop(L), depth + 1);
			lua_pop(L, 1);
		}
		for (i = 1; !w->failed; i++) {
			if (lua_getiuservalue(L, idx, i) == LUA_TNONE) {
				lua_pop(L, 1); /* the nil it pushed */
				break;
			}
			walk(w, L, lua_gettop(L), depth + 1);
			lua_pop(L, 1);
		}
	}
}

static void walk_ref(struct state_walk *w, lua_State *L, int ref)
{
	if (ref == LUA_NOREF || ref == LUA_REFNIL)
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	walk(w, L, lua_gettop(L), 0);
	lua_pop(L, 1);
}

/* The walk, under lua_pcall: running out of memory is a failed walk. */
static int walk_roots(lua_State *L)
{
	struct state_walk *w = lua_touserdata(L, 1);
	struct hooks *h = w->h;
	size_t i;

	lua_newtable(L);
	w->seen = lua_gettop(L);
	for (i = 0; i < h->nfiles; i++) {
		int k;

		for (k = 0; k < HOOKS_NFUNCS; k++)
			if (k == HOOKS_MARKDOWN || (w->every && k != HOOKS_SITE))
				walk_ref(w, L, h->files[i].ref[k]);
	}
	for (i = 0; i < h->shortcodes.n; i++)
		walk_ref(w, L, h->shortcodes.items[i].ref);
	for (i = 0; w->every && i < h->helpers.n; i++)
		walk_ref(w, L, h->helpers.items[i].ref);
	walk_ref(w, L, h->ref_modules);
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1))
		walk(w, L, lua_gettop(L), 0);
	return 0;
}

int hooks_state_print(struct hooks *h, int every, unsigned long long *print)
{
	struct state_walk w;
	int top, ok;

	if (!h || !h->L)
		return -1;
	memset(&w, 0, sizeof w);
	w.h = h;
	w.every = every;
	w.print = VALUE_HASH_SEED;
	top = lua_gettop(h->L);
	lua_pushcfunction(h->L, walk_roots);
	lua_pushlightuserdata(h->L, &w);
	ok = lua_pcall(h->L, 1, 0, 0) == LUA_OK;
	lua_settop(h->L, top);
	lua_gc(h->L, LUA_GCCOLLECT); /* the seen table can be big */
	if (!ok || w.failed)
		return -1;
	*print = w.print;
	return 0;
}
