/* hooks_node: cmark-gfm nodes as Lua userdata for the markdown hook. */
#include "hooks_internal.h"

#include <cmark-gfm.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "markdown.h"
#include "xalloc.h"

/*
 * A node userdata holds the node and the id of the markdown call that made
 * it. Every access checks that this call is still the one under way, so a
 * userdata kept past its hook (in a global, say) is a clear Lua error, not
 * a pointer into freed memory.
 *
 * Nodes are never freed during the call: waymark.node() and node:remove()
 * put nodes on the call's orphan list, and hooks_free_orphans frees, once
 * the call is over, those that are still outside the document.
 */

#define NODE_MT "waymark.node"

struct node_ud {
	cmark_node *node;
	unsigned long call;
};

/* The node types Lua may create, by the names node.type gives. */
static const struct {
	const char *name;
	cmark_node_type type;
} creatable[] = {
	{ "block_quote", CMARK_NODE_BLOCK_QUOTE },
	{ "list", CMARK_NODE_LIST },
	{ "item", CMARK_NODE_ITEM },
	{ "code_block", CMARK_NODE_CODE_BLOCK },
	{ "html_block", CMARK_NODE_HTML_BLOCK },
	{ "paragraph", CMARK_NODE_PARAGRAPH },
	{ "heading", CMARK_NODE_HEADING },
	{ "thematic_break", CMARK_NODE_THEMATIC_BREAK },
	{ "text", CMARK_NODE_TEXT },
	{ "softbreak", CMARK_NODE_SOFTBREAK },
	{ "linebreak", CMARK_NODE_LINEBREAK },
	{ "code", CMARK_NODE_CODE },
	{ "html_inline", CMARK_NODE_HTML_INLINE },
	{ "emph", CMARK_NODE_EMPH },
	{ "strong", CMARK_NODE_STRONG },
	{ "link", CMARK_NODE_LINK },
	{ "image", CMARK_NODE_IMAGE },
};
#define NCREATABLE (sizeof creatable / sizeof *creatable)

/* Every name node.x knows, for "did you mean". */
static const char *const field_names[] = {
	"type", "literal", "text", "url", "title", "level", "info", "line",
	"parent", "next", "prev", "first_child", "last_child",
	"children", "walk", "insert_after", "insert_before", "append_child",
	"prepend_child", "remove", "replace",
};
#define NFIELDS (sizeof field_names / sizeof *field_names)

static void add_orphan(struct hooks *h, cmark_node *node)
{
	XGROW(h->orphans, h->aorphans, h->norphans + 1);
	h->orphans[h->norphans++] = node;
}

void hooks_free_orphans(struct hooks *h)
{
	size_t i, j, n = 0;

	/* the roots of detached trees, once each: check all before freeing */
	for (i = 0; i < h->norphans; i++) {
		cmark_node *node = h->orphans[i];

		if (cmark_node_parent(node) || node == h->doc)
			continue;
		for (j = 0; j < n && h->orphans[j] != node; j++)
			;
		if (j == n)
			h->orphans[n++] = node;
	}
	for (i = 0; i < n; i++)
		cmark_node_free(h->orphans[i]);
	free(h->orphans);
	h->orphans = NULL;
	h->norphans = h->aorphans = 0;
}

void hooks_push_node(lua_State *L, cmark_node *node)
{
	struct hooks *h = hooks_of(L);
	struct node_ud *ud;

	if (!node) {
		lua_pushnil(L);
		return;
	}
	ud = lua_newuserdatauv(L, sizeof *ud, 0);
	ud->node = node;
	ud->call = h->md_call;
	hooks_set_meta(L, HOOKS_META_NODE);
}

static cmark_node *check_node(lua_State *L, int idx)
{
	struct node_ud *ud = hooks_check_udata(L, idx, NODE_MT, HOOKS_META_NODE);
	struct hooks *h = hooks_of(L);

	if (!h->md_call || ud->call != h->md_call)
		luaL_error(L, "node used after its markdown hook returned");
	return ud->node;
}

static const char *type_of(cmark_node *node)
{
	return cmark_node_get_type_string(node);
}

/* The plain text of a node: its literal, or its inline children's. */
static void plain_text(cmark_node *node, struct strbuf *out)
{
	cmark_node *c;
	const char *lit;

	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		strbuf_addch(out, ' ');
		return;
	default:
		break;
	}
	lit = cmark_node_get_literal(node);
	if (lit) {
		strbuf_adds(out, lit);
		return;
	}
	for (c = cmark_node_first_child(node); c; c = cmark_node_next(c))
		plain_text(c, out);
}

static int has_literal(cmark_node *node)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_TEXT:
	case CMARK_NODE_CODE:
	case CMARK_NODE_HTML_INLINE:
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_CODE_BLOCK:
		return 1;
	default:
		return 0;
	}
}

/* Replace a container's children by one text node holding `s`. */
static void set_text(lua_State *L, cmark_node *node, const char *s)
{
	struct hooks *h = hooks_of(L);
	cmark_node *text, *c;

	if (has_literal(node)) {
		cmark_node_set_literal(node, s);
		return;
	}
	text = cmark_node_new_with_mem(CMARK_NODE_TEXT, markdown_mem());
	add_orphan(h, text); /* before anything can raise */
	cmark_node_set_literal(text, s);
	/* check first that text fits in there, then drop the old children */
	if (!cmark_node_prepend_child(node, text))
		luaL_error(L, "a '%s' node cannot hold text", type_of(node));
	while ((c = cmark_node_next(text))) {
		cmark_node_unlink(c);
		add_orphan(h, c);
	}
}

/* ============================================================ */
/* methods                                                      */
/* ============================================================ */

static cmark_node *check_movable(lua_State *L, int idx)
{
	cmark_node *node = check_node(L, idx);

	if (node == hooks_of(L)->doc)
		luaL_error(L, "the document node cannot be moved or removed");
	return node;
}

static int l_children(lua_State *L)
{
	cmark_node *node = check_node(L, 1), *c;
	lua_Integer i = 0;

	lua_newtable(L);
	for (c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
		hooks_push_node(L, c);
		lua_rawseti(L, -2, ++i);
	}
	return 1;
}

/* 1 when `node` is `root` or inside it. */
static int within(cmark_node *node, cmark_node *root)
{
	for (; node; node = cmark_node_parent(node))
		if (node == root)
			return 1;
	return 0;
}

/* The node after `cur` in document order, within `root`; NULL at the end. */
static cmark_node *next_in(cmark_node *cur, cmark_node *root)
{
	if (cmark_node_first_child(cur))
		return cmark_node_first_child(cur);
	while (cur != root && !cmark_node_next(cur))
		cur = cmark_node_parent(cur);
	return cur == root ? NULL : cmark_node_next(cur);
}

/*
 * node:walk(f) calls f(n) for the node and every node below it, in
 * document order; node:walk{link = f, text = g} only for those types.
 * node:walk(f, m), with a matcher from waymark.phrases, calls it for a
 * text node only when m finds one of its phrases in the node's text at
 * that moment (a glossary's hook reads a few of a page's hundred texts).
 *
 * The nodes are listed before the first call: nodes inserted meanwhile are
 * not visited, nodes removed meanwhile (or moved out) are skipped. The
 * list is a userdata, so an error in f leaves nothing for C to free, and
 * a node's userdata is made only for the nodes f is called with.
 */
static int l_walk(lua_State *L)
{
	cmark_node *root = check_node(L, 1), *cur, **list;
	struct phrases *m = NULL;
	size_t n = 0, room = 0, i;
	int by_type;
	/* whether the table has a function for a type, looked up once a
	 * type: a page has a few hundred nodes of a dozen types */
	struct {
		cmark_node_type type;
		int want;
	} known[32];
	size_t nknown = 0, k;

	luaL_argexpected(L, lua_isfunction(L, 2) || lua_istable(L, 2), 2,
			 "function or table of functions");
	if (!lua_isnoneornil(L, 3))
		m = hooks_check_phrases(L, 3);
	by_type = lua_istable(L, 2);
	lua_settop(L, 3);
	for (k = 0; k < 2; k++) { /* count the nodes wanted, then list them */
		room = n; /* the count: a __index with side effects cannot overrun it */
		list = k ? lua_newuserdatauv(L, (n ? n : 1) * sizeof *list, 0) : NULL; /* 4 */
		for (n = 0, cur = root; cur; cur = next_in(cur, root)) {
			int want = 1;
			size_t t;

			if (by_type) {
				cmark_node_type type = cmark_node_get_type(cur);

				for (t = 0; t < nknown && known[t].type != type; t++)
					;
				if (t < nknown) {
					want = known[t].want;
				} else {
					want = lua_getfield(L, 2, type_of(cur)) != LUA_TNIL;
					lua_pop(L, 1);
					if (nknown < sizeof known / sizeof *known) {
						known[nknown].type = type;
						known[nknown++].want = want;
					}
				}
			}
			if (!list)
				n += want;
			else if (want && n < room)
				list[n++] = cur;
		}
	}
	for (i = 0; i < n; i++) {
		cmark_node *node = list[i];

		if (!within(node, root))
			continue;
		if (m && cmark_node_get_type(node) == CMARK_NODE_TEXT) {
			const char *text = cmark_node_get_literal(node);

			if (!text || !hooks_phrases_in(L, m, text, strlen(text)))
				continue;
		}
		if (by_type)
			lua_getfield(L, 2, type_of(node));
		else
			lua_pushvalue(L, 2);
		hooks_push_node(L, node);
		lua_call(L, 1, 0);
	}
	return 0;
}

/* insert_after, insert_before, append_child, prepend_child, replace */
static int place(lua_State *L, int (*fn)(cmark_node *, cmark_node *), const char *how,
		 int self_movable)
{
	cmark_node *self = self_movable ? check_movable(L, 1) : check_node(L, 1);
	cmark_node *other = check_movable(L, 2);

	if (!fn(self, other))
		return luaL_error(L, "cannot put a '%s' node %s a '%s' node", type_of(other),
				  how, type_of(self));
	lua_settop(L, 1);
	return 1;
}

static int l_insert_after(lua_State *L)
{
	return place(L, cmark_node_insert_after, "after", 1);
}

static int l_insert_before(lua_State *L)
{
	return place(L, cmark_node_insert_before, "before", 1);
}

static int l_append_child(lua_State *L)
{
	return place(L, cmark_node_append_child, "at the end of", 0);
}

static int l_prepend_child(lua_State *L)
{
	return place(L, cmark_node_prepend_child, "at the start of", 0);
}

static int l_replace(lua_State *L)
{
	cmark_node *self = check_movable(L, 1);

	place(L, cmark_node_replace, "in place of", 1);
	add_orphan(hooks_of(L), self);
	return 1;
}

static int l_remove(lua_State *L)
{
	cmark_node *node = check_movable(L, 1);

	if (cmark_node_parent(node)) {
		cmark_node_unlink(node);
		add_orphan(hooks_of(L), node);
	}
	lua_settop(L, 1);
	return 1;
}

static const luaL_Reg methods[] = {
	{ "children", l_children },
	{ "walk", l_walk },
	{ "insert_after", l_insert_after },
	{ "insert_before", l_insert_before },
	{ "append_child", l_append_child },
	{ "prepend_child", l_prepend_child },
	{ "remove", l_remove },
	{ "replace", l_replace },
	{ NULL, NULL },
};

/* ============================================================ */
/* fields                                                       */
/* ============================================================ */

static int unknown_field(lua_State *L, const char *key)
{
	const char *near = diag_suggest(key, field_names, NFIELDS);

	if (near)
		return luaL_error(L, "node has no field '%s'; did you mean '%s'?", key, near);
	return luaL_error(L, "node has no field '%s'", key);
}

static void push_opt(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

static int l_index(lua_State *L)
{
	cmark_node *node = check_node(L, 1);
	const char *key = luaL_checkstring(L, 2);
	cmark_node_type t = cmark_node_get_type(node);
	struct hooks *h = hooks_of(L);
	const luaL_Reg *m;

	/* the fields first: a walk reads node.literal of every text */
	if (!strcmp(key, "type"))
		lua_pushstring(L, type_of(node));
	else if (!strcmp(key, "literal"))
		push_opt(L, has_literal(node) ? cmark_node_get_literal(node) : NULL);
	else if (!strcmp(key, "text")) {
		strbuf_reset(&h->scratch);
		plain_text(node, &h->scratch);
		lua_pushlstring(L, h->scratch.buf, h->scratch.len);
		strbuf_reset(&h->scratch);
	} else if (!strcmp(key, "url"))
		push_opt(L, t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ?
			 cmark_node_get_url(node) : NULL);
	else if (!strcmp(key, "title"))
		push_opt(L, t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ?
			 cmark_node_get_title(node) : NULL);
	else if (!strcmp(key, "level")) {
		if (t == CMARK_NODE_HEADING)
			lua_pushinteger(L, cmark_node_get_heading_level(node));
		else
			lua_pushnil(L);
	} else if (!strcmp(key, "info"))
		push_opt(L, t == CMARK_NODE_CODE_BLOCK ? cmark_node_get_fence_info(node) : NULL);
	else if (!strcmp(key, "line")) {
		int line = cmark_node_get_start_line(node);

		if (line > 0)
			lua_pushinteger(L, line + h->line_offset);
		else
			lua_pushnil(L);
	} else if (!strcmp(key, "parent"))
		hooks_push_node(L, node == h->doc ? NULL : cmark_node_parent(node));
	else if (!strcmp(key, "next"))
		hooks_push_node(L, cmark_node_next(node));
	else if (!strcmp(key, "prev"))
		hooks_push_node(L, cmark_node_previous(node));
	else if (!strcmp(key, "first_child"))
		hooks_push_node(L, cmark_node_first_child(node));
	else if (!strcmp(key, "last_child"))
		hooks_push_node(L, cmark_node_last_child(node));
	else {
		for (m = methods; m->name; m++)
			if (!strcmp(key, m->name)) {
				lua_pushcfunction(L, m->func);
				return 1;
			}
		return unknown_field(L, key);
	}
	return 1;
}

static int cannot_set(lua_State *L, cmark_node *node, const char *key)
{
	return luaL_error(L, "cannot set '%s' on a '%s' node", key, type_of(node));
}

/* Set one field from the value at `v`; shared by __newindex and waymark.node. */
static void set_field(lua_State *L, cmark_node *node, const char *key, int v)
{
	int ok = 1;

	if (!strcmp(key, "level")) {
		lua_Integer level = luaL_checkinteger(L, v);

		if (level < 1 || level > 6)
			luaL_error(L, "heading level %d is not between 1 and 6", (int)level);
		ok = cmark_node_set_heading_level(node, (int)level);
	} else if (!strcmp(key, "text"))
		set_text(L, node, luaL_checkstring(L, v));
	else if (!strcmp(key, "literal"))
		ok = has_literal(node) && cmark_node_set_literal(node, luaL_checkstring(L, v));
	else if (!strcmp(key, "url"))
		ok = cmark_node_set_url(node, luaL_checkstring(L, v));
	else if (!strcmp(key, "title"))
		ok = cmark_node_set_title(node, luaL_checkstring(L, v));
	else if (!strcmp(key, "info"))
		ok = cmark_node_set_fence_info(node, luaL_checkstring(L, v));
	else {
		size_t i;

		for (i = 0; i < NFIELDS; i++)
			if (!strcmp(field_names[i], key))
				cannot_set(L, node, key);
		unknown_field(L, key);
	}
	if (!ok)
		cannot_set(L, node, key);
}

static int l_newindex(lua_State *L)
{
	cmark_node *node = check_node(L, 1);

	set_field(L, node, luaL_checkstring(L, 2), 3);
	return 0;
}

static int l_eq(lua_State *L)
{
	lua_pushboolean(L, check_node(L, 1) == check_node(L, 2));
	return 1;
}

static int l_tostring(lua_State *L)
{
	struct node_ud *ud = hooks_check_udata(L, 1, NODE_MT, HOOKS_META_NODE);
	struct hooks *h = hooks_of(L);

	if (!h->md_call || ud->call != h->md_call)
		lua_pushliteral(L, "node (dead)");
	else
		lua_pushfstring(L, "node (%s)", type_of(ud->node));
	return 1;
}

/*
 * waymark.node(type, spec): a new node, outside the document until
 * inserted. spec is a string (the literal of a text-like node, or the text
 * of a container) or a table of fields {text=, literal=, url=, title=,
 * level=, info=}.
 */
static int l_node(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct hooks *h = hooks_of(L);
	const char *names[NCREATABLE];
	cmark_node *node;
	size_t i;

	if (!h->md_call)
		return luaL_error(L, "waymark.node is only available in a markdown hook");
	for (i = 0; i < NCREATABLE && strcmp(creatable[i].name, name); i++)
		names[i] = creatable[i].name;
	if (i == NCREATABLE) {
		const char *near = diag_suggest(name, names, NCREATABLE);

		if (near)
			return luaL_error(L, "unknown node type '%s'; did you mean '%s'?", name, near);
		return luaL_error(L, "unknown node type '%s'", name);
	}
	lua_settop(L, 2);
	node = cmark_node_new_with_mem(creatable[i].type, markdown_mem());
	add_orphan(h, node); /* before anything can raise */
	hooks_push_node(L, node);
	if (creatable[i].type == CMARK_NODE_HEADING)
		cmark_node_set_heading_level(node, 1);
	if (lua_type(L, 2) == LUA_TSTRING)
		set_field(L, node, "text", 2);
	else if (lua_istable(L, 2)) {
		static const char *const keys[] = { "level", "url", "title", "info", "literal", "text" };

		for (i = 0; i < sizeof keys / sizeof *keys; i++) {
			if (lua_getfield(L, 2, keys[i]) != LUA_TNIL)
				set_field(L, node, keys[i], lua_gettop(L));
			lua_pop(L, 1);
		}
	} else if (!lua_isnoneornil(L, 2))
		return luaL_typeerror(L, 2, "string or table");
	lua_settop(L, 3);
	return 1;
}

void hooks_open_nodes(lua_State *L)
{
	static const luaL_Reg meta[] = {
		{ "__index", l_index },
		{ "__newindex", l_newindex },
		{ "__eq", l_eq },
		{ "__tostring", l_tostring },
		{ NULL, NULL },
	};

	hooks_new_meta(L, NODE_MT, HOOKS_META_NODE);
	luaL_setfuncs(L, meta, 0);
	lua_pushliteral(L, "node");
	lua_setfield(L, -2, "__name");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable"); /* getmetatable(n) gives false */
	lua_pop(L, 1);
	lua_pushcfunction(L, l_node);
	lua_setfield(L, -2, "node");
}
