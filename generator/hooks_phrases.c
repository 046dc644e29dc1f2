/* hooks_phrases: waymark.phrases and waymark.words, reading a page's text in C. */
#include "hooks_internal.h"

#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

#include "readability.h"

/*
 * A glossary hook looks for hundreds of names in every text of every page.
 * In Lua that was a loop over the words of the text and, for each, over
 * the names that start with it: with a 1,000-skill framework, 0.6 ms of
 * CPU a page, which made the bodies of a 10,000-page site take four times
 * as long. Here the text is read once, in C: at each place a word starts,
 * the names that start with that word are found by a hash of it.
 *
 * A matcher is one userdata (so the Lua allocator counts it against the
 * hook's memory limit) holding no pointers, only offsets, and zeroed
 * padding: the print of the Lua state (hooks_state.c) hashes a userdata's
 * bytes, which must come out the same on every run.
 */

#define PHRASES_MT "waymark.phrases"

struct phrase {
	uint32_t off, len; /* the phrase as given: bytes[off..off+len) */
	uint32_t first;    /* length of its first word; 0 when it starts with a sign */
	uint32_t hash;     /* key_of what it is filed under */
	uint32_t next;     /* the next phrase in its slot's chain, as index + 1; 0: none */
};

struct phrases {
	uint32_t n;     /* phrases */
	uint32_t slots; /* a power of two, at least 8n: most words find theirs empty */
	uint32_t signs; /* phrases that start with a sign */
	uint32_t pad;   /* (zero) */
	/* then: struct phrase phrase[n]; uint32_t slot[slots] (index + 1 of
	 * each chain's first phrase); the phrases' bytes */
};

static struct phrase *phrase_at(struct phrases *p)
{
	return (struct phrase *)(p + 1);
}

static uint32_t *slot_at(struct phrases *p)
{
	return (uint32_t *)(phrase_at(p) + p->n);
}

static const char *bytes_at(struct phrases *p)
{
	return (const char *)(slot_at(p) + p->slots);
}

/* A letter or digit: Lua's %w (ASCII: the sandbox runs in the C locale). */
static int is_word(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

static unsigned char lower(unsigned char c)
{
	return (unsigned char)(c + ((unsigned)(c - 'A') < 26) * ('a' - 'A'));
}

/*
 * What a phrase, or a place in a text, is filed under: the word that starts
 * at s, or its first byte when that is no letter or digit. Its length goes
 * to *key; the FNV-1a hash of it in lower case is returned. One pass, as a
 * text's every word is read this way.
 */
static uint32_t key_of(const char *s, size_t n, size_t *key)
{
	uint64_t h = 1469598103934665603ULL;
	size_t k = 0;

	for (; k < n && is_word((unsigned char)s[k]); k++) {
		h ^= (unsigned char)s[k] | 0x20; /* lower(), for a letter or digit */
		h *= 1099511628211ULL;
	}
	if (!k) {
		h ^= lower((unsigned char)s[0]);
		h *= 1099511628211ULL;
		k = 1;
	}
	*key = k;
	return (uint32_t)(h ^ (h >> 32));
}

/* waymark.phrases(list): a matcher for the strings of `list`. */
static int l_phrases(lua_State *L)
{
	lua_Integer n, i;
	size_t bytes = 0, slots = 16, size, at = 0;
	struct phrases *p;
	struct phrase *ph;
	uint32_t *slot;
	char *b;

	luaL_checktype(L, 1, LUA_TTABLE);
	n = (lua_Integer)lua_rawlen(L, 1);
	for (i = 1; i <= n; i++) {
		size_t len;

		if (lua_rawgeti(L, 1, i) != LUA_TSTRING)
			return luaL_error(L, "waymark.phrases: item %d is a %s, not a string", (int)i,
					  luaL_typename(L, -1));
		lua_tolstring(L, -1, &len);
		lua_pop(L, 1);
		if (!len)
			return luaL_error(L, "waymark.phrases: item %d is empty", (int)i);
		bytes += len;
		if (bytes > UINT32_MAX)
			return luaL_error(L, "waymark.phrases: too many phrases");
	}
	while (slots < 8 * (size_t)n)
		slots *= 2;
	size = sizeof *p + (size_t)n * sizeof *ph + slots * sizeof *slot + bytes;
	p = lua_newuserdatauv(L, size, 0);
	memset(p, 0, size);
	p->n = (uint32_t)n;
	p->slots = (uint32_t)slots;
	ph = phrase_at(p);
	slot = slot_at(p);
	b = (char *)bytes_at(p);
	for (i = 0; i < n; i++) {
		size_t len, key;
		const char *s;
		uint32_t *link;

		lua_rawgeti(L, 1, i + 1);
		s = lua_tolstring(L, -1, &len);
		memcpy(b + at, s, len);
		lua_pop(L, 1);
		ph[i].off = (uint32_t)at;
		ph[i].len = (uint32_t)len;
		ph[i].hash = key_of(s, len, &key);
		ph[i].first = is_word((unsigned char)s[0]) ? (uint32_t)key : 0;
		p->signs += !ph[i].first;
		at += len;
		/* at the end of its chain: the list's order within a slot */
		link = &slot[ph[i].hash & (slots - 1)];
		while (*link)
			link = &ph[*link - 1].next;
		*link = (uint32_t)(i + 1);
	}
	hooks_set_meta(L, HOOKS_META_PHRASES);
	return 1;
}

/* Is phrase k passed over: skip[phrase] is true? (`skip`: the table's
 * index on the stack, or 0 for none) */
static int skipped(lua_State *L, struct phrases *p, const struct phrase *ph, int skip)
{
	int yes;

	if (!skip)
		return 0;
	lua_pushlstring(L, bytes_at(p) + ph->off, ph->len);
	lua_gettable(L, skip);
	yes = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return yes;
}

/*
 * The phrase that starts at t[i] (a word of `key` bytes starts there,
 * whose lower-case hash is `hash`, or a sign does after something that is
 * not a letter or digit: key 1), as a whole word, in any case: the
 * longest, of equals the first in the list. -1 when none does.
 */
static long match_at(lua_State *L, struct phrases *p, int skip, const char *t, size_t n,
		     size_t i, size_t key, uint32_t hash)
{
	const struct phrase *ph = phrase_at(p);
	const char *b = bytes_at(p);
	size_t k;
	uint32_t e;
	long best = -1;

	for (e = slot_at(p)[hash & (p->slots - 1)]; e; e = ph[e - 1].next) {
		const struct phrase *c = &ph[e - 1];

		if (c->hash != hash || (c->first ? c->first != key : is_word((unsigned char)t[i])) ||
		    c->len > n - i)
			continue;
		if (best >= 0 && c->len <= ph[best].len)
			continue;
		for (k = 0; k < c->len && lower((unsigned char)t[i + k]) ==
						lower((unsigned char)b[c->off + k]); k++)
			;
		if (k < c->len || (i + k < n && is_word((unsigned char)t[i + k])))
			continue;
		if (!skipped(L, p, c, skip))
			best = (long)(e - 1);
	}
	return best;
}

/* The first phrase of `p` in t[0..n) (see match_at), *at where it
 * starts; -1 when none is there. Each word is measured and hashed once
 * (key_of), then passed over whole. */
static long find_first(lua_State *L, struct phrases *p, int skip, const char *t, size_t n,
		       size_t *at)
{
	size_t i = 0;

	while (p->n && i < n) {
		int word = is_word((unsigned char)t[i]);
		size_t key = 1;
		long k = -1;

		*at = i;
		/* a sign after a word is inside it: no phrase starts there */
		if (word || (p->signs && (!i || !is_word((unsigned char)t[i - 1])))) {
			uint32_t hash = key_of(t + i, n - i, &key);

			/* most words: nothing is filed under their slot */
			if (slot_at(p)[hash & (p->slots - 1)])
				k = match_at(L, p, skip, t, n, i, key, hash);
		}
		if (k >= 0)
			return k;
		i += word ? key : 1;
	}
	return -1;
}

struct phrases *hooks_check_phrases(lua_State *L, int idx)
{
	return hooks_check_udata(L, idx, PHRASES_MT, HOOKS_META_PHRASES);
}

int hooks_phrases_in(lua_State *L, struct phrases *p, const char *t, size_t n)
{
	size_t at;

	return find_first(L, p, 0, t, n, &at) >= 0;
}

/* matcher:find(text [, skip]): k, i, j (text:sub(i, j) is phrase k), or nil. */
static int l_find(lua_State *L)
{
	struct phrases *p = hooks_check_phrases(L, 1);
	size_t n, at;
	const char *t = luaL_checklstring(L, 2, &n);
	long k;

	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	k = find_first(L, p, lua_isnoneornil(L, 3) ? 0 : 3, t, n, &at);
	if (k < 0)
		return 0;
	lua_pushinteger(L, k + 1);
	lua_pushinteger(L, (lua_Integer)at + 1);
	lua_pushinteger(L, (lua_Integer)(at + phrase_at(p)[k].len));
	return 3;
}

/* The end of the character reference at p ("&amp;", "&#39;"): its ';', or NULL. */
static const char *reference_end(const char *p, const char *end)
{
	const char *q = p + 1;

	while (q < end && q - p <= 32 && (is_word((unsigned char)*q) || *q == '#'))
		q++;
	return q > p + 1 && q < end && *q == ';' ? q : NULL;
}

/*
 * waymark.words(text): its words, counted as reading grades count them
 * (readability_words), with each HTML tag and character reference read
 * as a space. A reading-time helper counted them with two gsubs over the
 * page's HTML: 1.3 million instructions a story, most of a hooked
 * rebuild's page time; this reads the text once, and copies nothing.
 */
static int l_words(lua_State *L)
{
	size_t n, words = 0;
	const char *t = luaL_checklstring(L, 1, &n), *end = t + n, *from = t, *p = t;

	while (p < end) {
		const char *gap = NULL;

		if (*p == '<')
			gap = memchr(p, '>', (size_t)(end - p));
		else if (*p == '&')
			gap = reference_end(p, end);
		if (!gap) {
			p++;
			continue;
		}
		words += readability_words(from, (size_t)(p - from));
		from = p = gap + 1;
	}
	words += readability_words(from, (size_t)(end - from));
	lua_pushinteger(L, (lua_Integer)words);
	return 1;
}

void hooks_open_phrases(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "find", l_find },
		{ NULL, NULL },
	};

	hooks_new_meta(L, PHRASES_MT, HOOKS_META_PHRASES);
	luaL_newlib(L, methods);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable"); /* getmetatable(m) gives false */
	lua_pop(L, 1);
	lua_pushcfunction(L, l_phrases);
	lua_setfield(L, -2, "phrases");
	lua_pushcfunction(L, l_words);
	lua_setfield(L, -2, "words");
}
