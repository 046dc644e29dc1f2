/* hooks_text: shortcodes in Markdown source, and helpers (Mustache lambdas). */
#include "hooks_internal.h"

#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* ============================================================ */
/* shortcodes and helpers                                       */
/* ============================================================ */

/* The arguments of one shortcode tag. */
struct sc_args {
	struct sc_arg {
		char *key; /* NULL for a positional argument */
		struct strbuf val;
	} *items;
	size_t n, alloc;
};

static void sc_args_release(struct sc_args *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->items[i].key);
		strbuf_release(&a->items[i].val);
	}
	free(a->items);
	a->items = NULL;
	a->n = a->alloc = 0;
}

static struct hook_named *find_named(const struct hook_names *names, const char *name)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (!strcmp(names->items[i].name, name))
			return &names->items[i];
	return NULL;
}

/* The string result of a shortcode or helper at the top (nil → ""). */
static int string_result(lua_State *L, struct hook_call *c, const char *what)
{
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushliteral(L, "");
	} else if (lua_type(L, -1) == LUA_TNUMBER)
		lua_tostring(L, -1); /* converts in place */
	else if (lua_type(L, -1) != LUA_TSTRING)
		return hooks_bad_result(L, c, what, "a string");
	return 1;
}

static int body_shortcode(lua_State *L)
{
	struct hook_call *c = lua_touserdata(L, 1);
	lua_Integer pos = 0;
	char what[96];
	size_t i;

	lua_settop(L, 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
	lua_newtable(L);
	for (i = 0; i < c->args->n; i++) {
		const struct sc_arg *a = &c->args->items[i];

		lua_pushlstring(L, a->val.buf, a->val.len);
		if (a->key)
			lua_setfield(L, 2, a->key);
		else
			lua_rawseti(L, 2, ++pos);
	}
	hooks_push_value(c->h, L, c->value, 0);
	lua_call(L, 2, 1);
	snprintf(what, sizeof what, "shortcode '%s'", c->name);
	return string_result(L, c, what);
}

/* Reads one shortcode tag's text; records problems at line:col. */
struct sc_parse {
	const char *s, *end;
	const char *path;
	int line, col;             /* of the tag */
	struct diag_list *dl;
};

static int sc_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int sc_error(struct sc_parse *p, const char *fmt, const char *a, const char *b)
{
	struct pos pos = { p->path, p->line, p->col };

	diag_error(p->dl, &pos, fmt, a, b);
	return -1;
}

/* A quoted ("…" with \" and \\, or '…') or bare value into `out`. */
static int sc_value(struct sc_parse *p, const char *name, struct strbuf *out)
{
	char q = *p->s;

	if (q != '"' && q != '\'') {
		while (p->s < p->end && !sc_space(*p->s) && *p->s != '=')
			strbuf_addch(out, *p->s++);
		return 0;
	}
	for (p->s++; p->s < p->end && *p->s != q; p->s++) {
		if (q == '"' && *p->s == '\\' && p->s + 1 < p->end &&
		    (p->s[1] == '"' || p->s[1] == '\\'))
			p->s++;
		strbuf_addch(out, *p->s);
	}
	if (p->s == p->end)
		return sc_error(p, "unterminated quote in shortcode '%s'%s", name, "");
	p->s++;
	return 0;
}

/* "name key=v ..." → *name (new string) and args. */
static int sc_parse_tag(struct sc_parse *p, char **name, struct sc_args *args)
{
	const char *start;

	while (p->s < p->end && sc_space(*p->s))
		p->s++;
	start = p->s;
	while (p->s < p->end && (*p->s == '_' || *p->s == '-' || (*p->s >= 'a' && *p->s <= 'z') ||
				 (*p->s >= 'A' && *p->s <= 'Z') || (*p->s >= '0' && *p->s <= '9')))
		p->s++;
	if (p->s == start) {
		if (*start == '/')
			return sc_error(p, "closing shortcode tags are not supported%s%s", "", "");
		return sc_error(p, "shortcode without a name%s%s", "", "");
	}
	*name = xstrndup(start, (size_t)(p->s - start));
	if (p->s < p->end && !sc_space(*p->s))
		return sc_error(p, "bad character after shortcode name '%s'%s", *name, "");
	for (;;) {
		struct sc_arg *a;

		while (p->s < p->end && sc_space(*p->s))
			p->s++;
		if (p->s == p->end)
			return 0;
		XGROW(args->items, args->alloc, args->n + 1);
		a = &args->items[args->n++];
		a->key = NULL;
		strbuf_init(&a->val, 0);
		if (*p->s == '=')
			return sc_error(p, "missing argument name before '=' in shortcode '%s'%s",
					*name, "");
		if (sc_value(p, *name, &a->val) < 0)
			return -1;
		if (p->s < p->end && *p->s == '=') {
			a->key = strbuf_detach(&a->val, NULL);
			p->s++;
			if (p->s == p->end || sc_space(*p->s))
				return sc_error(p, "missing value for '%s' in shortcode '%s'", a->key,
						*name);
			if (sc_value(p, *name, &a->val) < 0)
				return -1;
		}
	}
}

/* Expand one tag (the text between "{{<" and ">}}"); 0 or -1. */
static int sc_expand(struct hooks *h, struct sc_parse *p, const struct value *page,
		     struct strbuf *out)
{
	struct sc_args args = { NULL, 0, 0 };
	struct hook_call c = { 0 };
	struct strbuf ctx = STRBUF_INIT;
	struct hook_named *sc;
	char *name = NULL;
	int rc = -1;

	if (sc_parse_tag(p, &name, &args) < 0)
		goto out;
	sc = h ? find_named(&h->shortcodes, name) : NULL;
	if (!sc) {
		const char **names = xcalloc(h && h->shortcodes.n ? h->shortcodes.n : 1,
					     sizeof *names);
		const char *near;
		size_t i;

		for (i = 0; h && i < h->shortcodes.n; i++)
			names[i] = h->shortcodes.items[i].name;
		near = diag_suggest(name, names, h ? h->shortcodes.n : 0);
		if (near)
			sc_error(p, "unknown shortcode '%s'; did you mean '%s'?", name, near);
		else
			sc_error(p, "unknown shortcode '%s'%s", name, "");
		free(names);
		goto out;
	}
	strbuf_addf(&ctx, " in shortcode '%s' at %s:%d:%d", name, p->path, p->line, p->col);
	c.context = ctx.buf;
	c.file = sc->file;
	c.fn_ref = sc->ref;
	c.name = name;
	c.args = &args;
	c.value = page;
	if (hooks_run(h, &c, body_shortcode, p->dl) == 0) {
		size_t len;
		const char *s = lua_tolstring(h->L, -1, &len);

		strbuf_add(out, s, len);
		hooks_done(&c);
		rc = 0;
	}
out:
	free(name);
	sc_args_release(&args);
	strbuf_release(&ctx);
	return rc;
}

/* Where the next "{{<" starts, or NULL. */
static const char *find_open(const char *s, const char *end)
{
	for (; end - s >= 3; s++)
		if (s[0] == '{' && s[1] == '{' && s[2] == '<')
			return s;
	return NULL;
}

static const char *find_str(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - s) >= n; s++)
		if (!memcmp(s, needle, n))
			return s;
	return NULL;
}

int hooks_expand_shortcodes(struct hooks *h, const char *text, size_t len,
			    const struct value *page, const char *path, int line_offset,
			    struct strbuf *out, struct diag_list *dl)
{
	const char *s = text, *end = text + len, *line_start = text, *counted = text, *open;
	int line = 1, failed = 0;

	while ((open = find_open(s, end))) {
		struct sc_parse p;
		const char *close;

		for (; counted < open; counted++) /* tags may span lines too */
			if (*counted == '\n') {
				line++;
				line_start = counted + 1;
			}
		strbuf_add(out, s, (size_t)(open - s));
		p.path = path;
		p.line = line + line_offset;
		p.col = (int)(open - line_start) + 1;
		p.dl = dl;
		if (end - open >= 5 && open[3] == '/' && open[4] == '*') {
			/* an escaped tag: "{{</" "* name *" "/>}}" writes "{{< name >}}" */
			close = find_str(open + 5, end, "*/>}}");
			if (!close) {
				sc_error(&p, "unterminated shortcode (no '*/>}}')%s%s", "", "");
				failed = 1;
				s = open;
				break;
			}
			strbuf_adds(out, "{{<");
			strbuf_add(out, open + 5, (size_t)(close - open - 5));
			strbuf_adds(out, ">}}");
			s = close + 5;
			continue;
		}
		close = find_str(open + 3, end, ">}}");
		if (!close) {
			sc_error(&p, "unterminated shortcode (no '>}}')%s%s", "", "");
			failed = 1;
			s = open;
			break;
		}
		p.s = open + 3;
		p.end = close;
		if (sc_expand(h, &p, page, out) < 0) {
			strbuf_add(out, open, (size_t)(close + 3 - open));
			failed = 1;
		}
		s = close + 3;
	}
	strbuf_add(out, s, (size_t)(end - s));
	return failed ? -1 : 0;
}

/* Lua's render(text): upvalues are the call id and the hook_call. */
static int l_render(lua_State *L)
{
	struct hooks *h = hooks_of(L);
	unsigned long id = (unsigned long)lua_tointeger(L, lua_upvalueindex(1));
	struct hook_call *c = lua_touserdata(L, lua_upvalueindex(2));
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	int rc;

	if (!hooks_call_active(h, id))
		return luaL_error(L, "render used after its helper returned");
	if (!c->render) {
		lua_settop(L, 1);
		return 1;
	}
	rc = c->render(c->render_ctx, text, len, &sb); /* may call helpers again */
	strbuf_reset(&h->scratch);
	strbuf_add(&h->scratch, sb.buf, sb.len);
	strbuf_release(&sb);
	if (rc < 0) {
		strbuf_reset(&h->scratch);
		return luaL_error(L, "render failed (see the template errors)");
	}
	lua_pushlstring(L, h->scratch.buf, h->scratch.len);
	strbuf_reset(&h->scratch);
	return 1;
}

static int body_helper(lua_State *L)
{
	struct hook_call *c = lua_touserdata(L, 1);
	char what[96];

	lua_settop(L, 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn_ref);
	lua_pushlstring(L, c->text, c->len);
	lua_pushinteger(L, (lua_Integer)hooks_current_call(c->h));
	lua_pushlightuserdata(L, c);
	lua_pushcclosure(L, l_render, 2);
	lua_call(L, 2, 1);
	snprintf(what, sizeof what, "helper '%s'", c->name);
	return string_result(L, c, what);
}

int hooks_has_helper(const struct hooks *h, const char *name)
{
	return h && find_named(&h->helpers, name) != NULL;
}

int hooks_call_helper(struct hooks *h, const char *name, const char *text, size_t len,
		      hooks_render_fn render, void *render_ctx, struct strbuf *out,
		      struct diag_list *dl)
{
	struct hook_call c = { 0 };
	struct strbuf ctx = STRBUF_INIT;
	struct hook_named *helper = h ? find_named(&h->helpers, name) : NULL;
	size_t rlen;
	const char *s;

	if (!helper) {
		const char **names = xcalloc(h && h->helpers.n ? h->helpers.n : 1, sizeof *names);
		const char *near;
		size_t i;

		for (i = 0; h && i < h->helpers.n; i++)
			names[i] = h->helpers.items[i].name;
		near = diag_suggest(name, names, h ? h->helpers.n : 0);
		if (near)
			diag_error(dl, NULL, "unknown helper '%s'; did you mean '%s'?", name, near);
		else
			diag_error(dl, NULL, "unknown helper '%s'", name);
		free(names);
		return -1;
	}
	strbuf_addf(&ctx, " in helper '%s'", name);
	c.context = ctx.buf;
	c.file = helper->file;
	c.fn_ref = helper->ref;
	c.name = name;
	c.text = text;
	c.len = len;
	c.render = render;
	c.render_ctx = render_ctx;
	if (hooks_run(h, &c, body_helper, dl) < 0) {
		strbuf_release(&ctx);
		return -1;
	}
	s = lua_tolstring(h->L, -1, &rlen);
	strbuf_add(out, s, rlen);
	hooks_done(&c);
	strbuf_release(&ctx);
	return 0;
}
