/* hooks_value: value trees to Lua tables and back. */
#include "hooks_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * Lua tables do not say whether they are lists or maps, nor keep key
 * order. So each table made from a value is noted in the weak "shapes"
 * table of the registry: true for a list, {key → rank} for a map. Coming
 * back, a noted map keeps its keys' order (new keys follow, sorted) and a
 * noted empty table keeps its kind; other tables are lists when their keys
 * are exactly 1..n, maps when all keys are strings (sorted), and an empty
 * table is an empty list.
 */

/* Read-only: only its address matters. */
static const char null_tag = 0;

void *hooks_null(void)
{
	return (void *)&null_tag;
}

/* ============================================================ */
/* value → Lua                                                  */
/* ============================================================ */

/* A number written as an integer ("3", "-12") becomes a Lua integer. */
static int integer_text(const struct value *v, lua_Integer *out)
{
	const char *s = v->str;

	if (!s || !*s || strpbrk(s, ".eEnNiIxX"))
		return 0;
	if (!(v->number >= -9007199254740992.0 && v->number <= 9007199254740992.0) ||
	    v->number != floor(v->number))
		return 0;
	*out = (lua_Integer)v->number;
	return 1;
}

/* shapes[t] = shape, for the table at the top; the shape is at the top
 * too (popped). */
static void note_shape(struct hooks *h, lua_State *L)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_shapes); /* t shape shapes */
	lua_pushvalue(L, -3);
	lua_pushvalue(L, -3);
	lua_rawset(L, -3);
	lua_pop(L, 2);
}

/*
 * Lazy maps. A site is handed every document's fields and text: pushing them
 * all into Lua, and reading them all back, would cost more than most site
 * hooks do, which read a few. So a map marked lazy gets a table with its
 * numbers, flags and short strings only; its lists, maps and long strings
 * are pushed when Lua first reads them (through the table's metatable), and
 * what Lua never read comes back missing, which the caller takes as "as it
 * was". pairs() reads everything first; next() sees only what was read.
 */
#define LAZY_SHORT 256 /* bytes: a string longer than this waits */

static int deferred(const struct value *v)
{
	return v && (v->kind == VALUE_LIST || v->kind == VALUE_MAP ||
		     (v->kind == VALUE_STRING && v->len > LAZY_SHORT));
}

/* The value behind lazy table t (at idx), or NULL once forgotten. */
static const struct value *lazy_value(struct hooks *h, lua_State *L, int idx)
{
	const struct value *v;

	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_lazy);
	lua_pushvalue(L, idx);
	lua_rawget(L, -2);
	v = lua_touserdata(L, -1);
	lua_pop(L, 2);
	return v;
}

/* t[key] from the value, pushed and kept in t; pushes it (nil if none). */
static void lazy_fill(struct hooks *h, lua_State *L, int t, const struct value *v,
		      const char *key)
{
	const struct value_member *m = v ? value_member(v, key) : NULL;

	if (!m && v && h->fill) { /* maybe the caller holds it back */
		h->fill(h->fill_ctx, (struct value *)v, key);
		m = value_member(v, key);
	}
	if (!m) {
		lua_pushnil(L);
		return;
	}
	hooks_push_value(h, L, m->val, 1);
	lua_pushstring(L, key);
	lua_pushvalue(L, -2);
	lua_rawset(L, t);
}

static int l_lazy_index(lua_State *L)
{
	struct hooks *h = hooks_of(L);

	if (lua_type(L, 2) != LUA_TSTRING)
		return 0;
	lazy_fill(h, L, 1, lazy_value(h, L, 1), lua_tostring(L, 2));
	return 1;
}

static int l_lazy_pairs(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	const struct value *v = lazy_value(h, L, 1);
	size_t k;

	if (v && h->fill)
		h->fill(h->fill_ctx, (struct value *)v, NULL);
	for (k = 0; v && k < v->n; k++) {
		lua_pushstring(L, v->members[k].key);
		if (lua_rawget(L, 1) == LUA_TNIL)
			lazy_fill(h, L, 1, v, v->members[k].key);
		lua_settop(L, 1);
	}
	lua_getglobal(L, "next");
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static void make_lazy(struct hooks *h, lua_State *L, const struct value *v)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_lazy_mt);
	lua_setmetatable(L, -2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_lazy);
	lua_pushvalue(L, -2);
	lua_pushlightuserdata(L, (void *)v);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	h->lazy_pushed = 1;
}

void hooks_set_fill(struct hooks *h, hooks_fill_fn fill, void *ctx)
{
	h->fill = fill;
	h->fill_ctx = ctx;
}

void hooks_forget_lazy(struct hooks *h)
{
	if (!h->lazy_pushed)
		return;
	h->lazy_pushed = 0;
	lua_newtable(h->L);
	lua_rawseti(h->L, LUA_REGISTRYINDEX, h->ref_lazy);
}

void hooks_open_lazy(lua_State *L)
{
	struct hooks *h = hooks_of(L);

	lua_newtable(L);
	lua_pushcfunction(L, l_lazy_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, l_lazy_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable"); /* getmetatable gives false; no setmetatable */
	h->ref_lazy_mt = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_newtable(L);
	h->ref_lazy = luaL_ref(L, LUA_REGISTRYINDEX);
}

void hooks_push_value(struct hooks *h, lua_State *L, const struct value *v, int depth)
{
	lua_Integer i;
	size_t k;

	if (depth > HOOKS_MAX_DEPTH)
		luaL_error(L, "value tree nested deeper than %d", HOOKS_MAX_DEPTH);
	luaL_checkstack(L, 6, "value tree nested too deeply");
	if (!v) {
		lua_pushnil(L);
		return;
	}
	switch (v->kind) {
	case VALUE_NULL:
		lua_pushlightuserdata(L, hooks_null());
		break;
	case VALUE_BOOL:
		lua_pushboolean(L, v->boolean);
		break;
	case VALUE_NUMBER:
		if (integer_text(v, &i))
			lua_pushinteger(L, i);
		else
			lua_pushnumber(L, v->number);
		break;
	case VALUE_STRING:
		lua_pushlstring(L, v->str, v->len);
		break;
	case VALUE_LIST:
		lua_createtable(L, (int)v->n, 0);
		for (k = 0; k < v->n; k++) {
			hooks_push_value(h, L, v->items[k], depth + 1);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_pushboolean(L, 1);
		note_shape(h, L);
		break;
	case VALUE_MAP:
		lua_createtable(L, 0, (int)v->n);
		lua_createtable(L, 0, (int)v->n); /* key → rank */
		for (k = 0; k < v->n; k++) {
			if (!v->lazy || !deferred(v->members[k].val)) {
				lua_pushstring(L, v->members[k].key);
				hooks_push_value(h, L, v->members[k].val, depth + 1);
				lua_rawset(L, -4);
			}
			lua_pushinteger(L, (lua_Integer)k + 1);
			lua_setfield(L, -2, v->members[k].key);
		}
		note_shape(h, L);
		if (v->lazy)
			make_lazy(h, L, v);
		break;
	}
}

/* waymark.map(t) / waymark.list(t): say what an (empty) table is. */
static int mark_table(lua_State *L, int list)
{
	struct hooks *h = hooks_of(L);

	if (lua_isnoneornil(L, 1)) {
		lua_settop(L, 0);
		lua_newtable(L);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	if (list)
		lua_pushboolean(L, 1);
	else
		lua_newtable(L);
	note_shape(h, L);
	return 1;
}

static int l_map(lua_State *L)
{
	return mark_table(L, 0);
}

static int l_list(lua_State *L)
{
	return mark_table(L, 1);
}

void hooks_open_values(lua_State *L)
{
	lua_pushlightuserdata(L, hooks_null());
	lua_setfield(L, -2, "null");
	lua_pushcfunction(L, l_map);
	lua_setfield(L, -2, "map");
	lua_pushcfunction(L, l_list);
	lua_setfield(L, -2, "list");
}

/* ============================================================ */
/* Lua → value (never raises: only reading calls)               */
/* ============================================================ */

struct conv {
	struct hooks *h;
	lua_State *L;
	struct strbuf path; /* "page.steps[2].title" */
	struct strbuf *err;
};

static struct value *convert(struct conv *c, int idx, int depth);

static void fail(struct conv *c, const char *what)
{
	strbuf_reset(c->err);
	strbuf_addf(c->err, "%s at '%s'", what, c->path.buf);
}

struct pair {
	const char *key;
	size_t len;
	lua_Integer rank;   /* its place in the original map; 0 when new */
	struct value *val;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *p = a, *q = b;
	size_t n;
	int d;

	if (p->rank && q->rank)
		return p->rank < q->rank ? -1 : p->rank > q->rank;
	if (p->rank || q->rank)
		return p->rank ? -1 : 1; /* known keys first */
	n = p->len < q->len ? p->len : q->len;
	d = memcmp(p->key, q->key, n);
	return d ? d : (p->len > q->len) - (p->len < q->len);
}

static struct value *convert_map(struct conv *c, int t, int order, int depth)
{
	lua_State *L = c->L;
	struct pair *pairs = NULL;
	size_t n = 0, alloc = 0, i, mark = c->path.len;
	struct value *map = NULL;

	lua_pushnil(L);
	while (lua_next(L, t)) {
		struct pair *p;

		if (lua_type(L, -2) != LUA_TSTRING) {
			strbuf_setlen(&c->path, mark);
			fail(c, "a table mixes list items and named fields");
			lua_pop(L, 2);
			goto out;
		}
		XGROW(pairs, alloc, n + 1);
		p = &pairs[n];
		p->key = lua_tolstring(L, -2, &p->len);
		p->rank = 0;
		if (order) {
			lua_pushvalue(L, -2);
			if (lua_rawget(L, order) == LUA_TNUMBER)
				p->rank = lua_tointeger(L, -1);
			lua_pop(L, 1);
		}
		strbuf_addch(&c->path, '.');
		strbuf_add(&c->path, p->key, p->len);
		if (strlen(p->key) != p->len) {
			fail(c, "a key holds a NUL byte");
			lua_pop(L, 2);
			goto out;
		}
		p->val = convert(c, lua_gettop(L), depth + 1);
		strbuf_setlen(&c->path, mark);
		if (!p->val) {
			lua_pop(L, 2);
			goto out;
		}
		n++;
		lua_pop(L, 1);
	}
	if (n)
		qsort(pairs, n, sizeof *pairs, pair_cmp);
	map = value_new_map();
	map->members = xcalloc(n ? n : 1, sizeof *map->members);
	map->alloc = n ? n : 1;
	for (i = 0; i < n; i++) {
		/* keys from one Lua table are unique: append, no lookup */
		map->members[i].key = xstrndup(pairs[i].key, pairs[i].len);
		map->members[i].val = pairs[i].val;
		pairs[i].val = NULL;
	}
	map->n = n;
out:
	for (i = 0; i < n; i++)
		value_free(pairs[i].val);
	free(pairs);
	return map;
}

static struct value *convert_list(struct conv *c, int t, lua_Integer n, int depth)
{
	struct value *list = value_new_list();
	size_t mark = c->path.len;
	lua_Integer i;

	for (i = 1; i <= n; i++) {
		struct value *item;

		strbuf_addf(&c->path, "[%lld]", (long long)i);
		lua_rawgeti(c->L, t, i);
		item = convert(c, lua_gettop(c->L), depth + 1);
		lua_pop(c->L, 1);
		strbuf_setlen(&c->path, mark);
		if (!item) {
			value_free(list);
			return NULL;
		}
		value_list_push(list, item);
	}
	return list;
}

static struct value *convert_table(struct conv *c, int t, int depth)
{
	lua_State *L = c->L;
	lua_Integer count = 0, max = 0;
	int strings = 0, others = 0, shape, top = lua_gettop(L);
	struct value *v;

	lua_rawgeti(L, LUA_REGISTRYINDEX, c->h->ref_shapes);
	lua_pushvalue(L, t);
	shape = lua_rawget(L, -2); /* nil, true (list) or {key → rank} (map) */

	lua_pushnil(L);
	while (lua_next(L, t)) {
		count++;
		if (lua_type(L, -2) == LUA_TSTRING)
			strings++;
		else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
			if (lua_tointeger(L, -2) > max)
				max = lua_tointeger(L, -2);
		} else
			others++;
		lua_pop(L, 1);
	}
	if (others) {
		fail(c, "a table key is neither a string nor a list index");
		v = NULL;
	} else if (strings == 0 && count == 0)
		v = shape == LUA_TTABLE ? value_new_map() : value_new_list();
	else if (strings == count)
		v = convert_map(c, t, shape == LUA_TTABLE ? top + 2 : 0, depth);
	else if (strings == 0 && max == count)
		v = convert_list(c, t, count, depth);
	else if (strings == 0) {
		fail(c, "a list has holes (use waymark.null for a missing item)");
		v = NULL;
	} else {
		fail(c, "a table mixes list items and named fields");
		v = NULL;
	}
	lua_settop(L, top);
	return v;
}

static struct value *convert(struct conv *c, int idx, int depth)
{
	lua_State *L = c->L;
	struct value *v;
	size_t len;
	const char *s;

	if (depth > HOOKS_MAX_DEPTH || !lua_checkstack(L, 8)) {
		strbuf_reset(c->err);
		strbuf_addf(c->err, "a table nested deeper than %d (does it hold itself?) at '%s'",
			    HOOKS_MAX_DEPTH, c->path.buf);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return value_new_null();
	case LUA_TBOOLEAN:
		return value_new_bool(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			char buf[32];

			v = value_new_number((double)lua_tointeger(L, idx));
			snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
			free(v->str);
			v->str = xstrdup(buf);
			v->len = strlen(buf);
			return v;
		}
		if (!isfinite(lua_tonumber(L, idx))) {
			fail(c, "a number is not finite");
			return NULL;
		}
		return value_new_number(lua_tonumber(L, idx));
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		return value_new_string(s, len);
	case LUA_TTABLE:
		return convert_table(c, idx, depth);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == hooks_null())
			return value_new_null();
		break;
	default:
		break;
	}
	strbuf_reset(c->err);
	strbuf_addf(c->err, "cannot convert a %s at '%s' to a value",
		    lua_typename(L, lua_type(L, idx)), c->path.buf);
	return NULL;
}

struct value *hooks_to_value(struct hooks *h, lua_State *L, int idx, const char *root,
			     struct strbuf *err)
{
	struct conv c = { h, L, STRBUF_INIT, err };
	struct value *v;

	strbuf_adds(&c.path, root);
	v = convert(&c, lua_absindex(L, idx), 0);
	strbuf_release(&c.path);
	return v;
}

/* ============================================================ */
/* positions                                                    */
/* ============================================================ */

static int same_scalar(const struct value *a, const struct value *b)
{
	switch (a->kind) {
	case VALUE_NULL:
		return 1;
	case VALUE_BOOL:
		return a->boolean == b->boolean;
	case VALUE_NUMBER:
		return a->number == b->number;
	case VALUE_STRING:
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	default:
		return 0;
	}
}

void hooks_restore_pos(struct value *nv, const struct value *old)
{
	size_t i;

	if (!nv || !old || nv->kind != old->kind)
		return;
	if (nv->kind == VALUE_LIST) {
		nv->pos = old->pos;
		for (i = 0; i < nv->n && i < old->n; i++)
			hooks_restore_pos(nv->items[i], old->items[i]);
		return;
	}
	if (nv->kind == VALUE_MAP) {
		nv->pos = old->pos;
		for (i = 0; i < nv->n; i++) {
			struct value_member *m = value_member(old, nv->members[i].key);

			if (m) {
				nv->members[i].key_pos = m->key_pos;
				hooks_restore_pos(nv->members[i].val, m->val);
			}
		}
		return;
	}
	if (!same_scalar(nv, old))
		return;
	nv->pos = old->pos;
	if (nv->kind == VALUE_NUMBER && old->str) { /* keep "1.50" as written */
		free(nv->str);
		nv->str = xstrndup(old->str, old->len);
		nv->len = old->len;
	}
}
