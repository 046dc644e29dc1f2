/* value: the one generic value tree. */
#include "value.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

struct value *value_new(enum value_kind kind, const struct pos *pos)
{
	struct value *v = xcalloc(1, sizeof *v);

	v->kind = kind;
	if (pos)
		v->pos = *pos;
	return v;
}

struct value *value_new_null(void)
{
	return value_new(VALUE_NULL, NULL);
}

struct value *value_new_bool(int b)
{
	struct value *v = value_new(VALUE_BOOL, NULL);

	v->boolean = !!b;
	v->str = xstrdup(b ? "true" : "false");
	v->len = strlen(v->str);
	return v;
}

struct value *value_new_number(double d)
{
	struct value *v = value_new(VALUE_NUMBER, NULL);
	char buf[64];

	v->number = d;
	if (d > -1e15 && d < 1e15 && d == (double)(long long)d && (d != 0 || !signbit(d))) {
		/* a whole number (a level, a count, a page), as %.15g writes
		 * it, without printf: pages and headings make many */
		long long n = (long long)d;
		unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;
		char *p = buf + sizeof buf;

		*--p = '\0';
		do
			*--p = (char)('0' + u % 10);
		while (u /= 10);
		if (n < 0)
			*--p = '-';
		v->len = (size_t)(buf + sizeof buf - 1 - p);
		v->str = xstrndup(p, v->len);
		return v;
	}
	snprintf(buf, sizeof buf, "%.15g", d);
	v->str = xstrdup(buf);
	v->len = strlen(buf);
	return v;
}

struct value *value_new_string(const char *s, size_t len)
{
	struct value *v = value_new(VALUE_STRING, NULL);

	v->str = xstrndup(s, len);
	v->len = len;
	return v;
}

struct value *value_new_cstr(const char *s)
{
	return value_new_string(s, strlen(s));
}

struct value *value_new_list(void)
{
	return value_new(VALUE_LIST, NULL);
}

struct value *value_new_map(void)
{
	return value_new(VALUE_MAP, NULL);
}

struct value *value_share(const struct value *v)
{
	struct value *owned = (struct value *)v;

	if (owned)
		atomic_fetch_add(&owned->shares, 1);
	return owned;
}

void value_free(struct value *v)
{
	size_t i;
	int shares;

	if (!v)
		return;
	/* another owner holds it: one fewer, and nothing freed */
	for (shares = atomic_load(&v->shares); shares > 0;)
		if (atomic_compare_exchange_weak(&v->shares, &shares, shares - 1))
			return;
	if (v->in_block) {
		if (v->in_block == 2)
			free(v); /* the block it starts */
		return;
	}
	if (v->kind == VALUE_LIST)
		for (i = 0; i < v->n; i++)
			value_free(v->items[i]);
	if (v->kind == VALUE_MAP)
		for (i = 0; i < v->n; i++) {
			free(v->members[i].key);
			value_free(v->members[i].val);
		}
	free(v->items);
	free(v->members);
	free(v->str);
	free(v);
}

void value_measure(const struct value *v, struct value_size *z)
{
	size_t i;

	z->nodes++;
	if (v->str)
		z->text += v->len + 1;
	if (v->kind == VALUE_LIST) {
		z->items += v->n;
		for (i = 0; i < v->n; i++)
			value_measure(v->items[i], z);
	} else if (v->kind == VALUE_MAP) {
		z->members += v->n;
		for (i = 0; i < v->n; i++) {
			z->text += strlen(v->members[i].key) + 1;
			value_measure(v->members[i].val, z);
		}
	}
}

/* Where the next node, member, item and byte of text go. */
struct block_at {
	struct value *node;
	struct value_member *member;
	struct value **item;
	char *text;
};

static char *block_text(struct block_at *at, const char *s, size_t len)
{
	char *t = at->text;

	memcpy(t, s, len);
	t[len] = '\0';
	at->text += len + 1;
	return t;
}

static struct value *block_copy(const struct value *v, struct block_at *at)
{
	struct value *c = at->node++;
	size_t i;

	memset(c, 0, sizeof *c);
	c->kind = v->kind;
	c->pos = v->pos;
	c->number = v->number;
	c->boolean = v->boolean;
	c->lazy = v->lazy;
	c->in_block = 1;
	if (v->str) {
		c->str = block_text(at, v->str, v->len);
		c->len = v->len;
	}
	if (v->kind == VALUE_LIST) {
		c->items = at->item;
		at->item += v->n;
		for (i = 0; i < v->n; i++)
			c->items[i] = block_copy(v->items[i], at);
	} else if (v->kind == VALUE_MAP) {
		c->members = at->member;
		at->member += v->n;
		for (i = 0; i < v->n; i++) {
			c->members[i].key = block_text(at, v->members[i].key,
						       strlen(v->members[i].key));
			c->members[i].key_pos = v->members[i].key_pos;
			c->members[i].val = block_copy(v->members[i].val, at);
		}
	}
	if (v->kind == VALUE_LIST || v->kind == VALUE_MAP)
		c->n = c->alloc = v->n;
	return c;
}

struct value *value_block(struct value *v)
{
	struct value_size z = { 0, 0, 0, 0 };
	struct block_at at;
	struct value *root;

	if (!v || v->in_block || atomic_load(&v->shares))
		return v;
	value_measure(v, &z);
	at.node = xmalloc(z.nodes * sizeof *at.node + z.members * sizeof *at.member +
			  z.items * sizeof *at.item + z.text);
	at.member = (struct value_member *)(at.node + z.nodes);
	at.item = (struct value **)(at.member + z.members);
	at.text = (char *)(at.item + z.items);
	root = block_copy(v, &at);
	root->in_block = 2;
	value_free(v);
	return root;
}

struct value *value_copy(const struct value *v)
{
	struct value *c;
	size_t i;

	if (!v)
		return NULL;
	c = value_new(v->kind, &v->pos);
	c->number = v->number;
	c->boolean = v->boolean;
	if (v->str) {
		c->str = xstrndup(v->str, v->len);
		c->len = v->len;
	}
	if (v->kind == VALUE_LIST)
		for (i = 0; i < v->n; i++)
			value_list_push(c, value_copy(v->items[i]));
	if (v->kind == VALUE_MAP)
		for (i = 0; i < v->n; i++)
			value_map_set(c, v->members[i].key,
				      value_copy(v->members[i].val),
				      &v->members[i].key_pos);
	return c;
}

/* A tree made in a block has arrays as long as they were when it was
 * made: growing one would move memory malloc never gave. */
static void not_in_block(const struct value *v)
{
	if (v->in_block) {
		fputs("waymark: internal error: a value made in one block (read from the "
		      "build cache, or kept for the whole build) was changed\n", stderr);
		abort();
	}
}

void value_list_push(struct value *list, struct value *item)
{
	not_in_block(list);
	XGROW(list->items, list->alloc, list->n + 1);
	list->items[list->n++] = item;
}

struct value_member *value_member(const struct value *map, const char *key)
{
	size_t i;

	if (!map || map->kind != VALUE_MAP)
		return NULL;
	/* the first letter before strcmp: most keys differ there, and maps
	 * are looked up in every record, page and template */
	for (i = 0; i < map->n; i++)
		if (map->members[i].key[0] == key[0] && !strcmp(map->members[i].key, key))
			return &map->members[i];
	return NULL;
}

struct value *value_get(const struct value *map, const char *key)
{
	struct value_member *m = value_member(map, key);

	return m ? m->val : NULL;
}

void value_map_append(struct value *map, char *key, struct value *val,
		      const struct pos *key_pos)
{
	struct value_member *m;

	not_in_block(map);
	XGROW(map->members, map->alloc, map->n + 1);
	m = &map->members[map->n++];
	m->key = key;
	m->val = val;
	if (key_pos)
		m->key_pos = *key_pos;
	else
		memset(&m->key_pos, 0, sizeof m->key_pos);
}

void value_map_set(struct value *map, const char *key, struct value *val,
		   const struct pos *key_pos)
{
	struct value_member *m = value_member(map, key);

	not_in_block(map);
	if (m) {
		value_free(m->val);
		m->val = val;
		if (key_pos)
			m->key_pos = *key_pos;
		return;
	}
	value_map_append(map, xstrdup(key), val, key_pos);
}

struct value *value_path(const struct value *v, const char *dotted)
{
	const char *p = dotted, *dot;
	char key[256];
	size_t n;

	while (v) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		v = value_get(v, key);
		if (!dot)
			return (struct value *)v;
		p = dot + 1;
	}
	return NULL;
}

const char *value_string(const struct value *v)
{
	return v && v->kind == VALUE_STRING ? v->str : NULL;
}

const char *value_text(const struct value *map, const char *key)
{
	const struct value *f = value_get(map, key);

	return f && f->str ? f->str : NULL;
}

int value_truthy(const struct value *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case VALUE_NULL: return 0;
	case VALUE_BOOL: return v->boolean;
	case VALUE_NUMBER: return 1;
	case VALUE_STRING: return v->len > 0;
	case VALUE_LIST: return v->n > 0;
	case VALUE_MAP: return 1;
	}
	return 0;
}

const char *value_kind_name(enum value_kind kind)
{
	switch (kind) {
	case VALUE_NULL: return "null";
	case VALUE_BOOL: return "boolean";
	case VALUE_NUMBER: return "number";
	case VALUE_STRING: return "string";
	case VALUE_LIST: return "list";
	case VALUE_MAP: return "map";
	}
	return "?";
}

void value_map_set_str(struct value *map, const char *key, const char *s)
{
	value_map_set(map, key, value_new_cstr(s ? s : ""), NULL);
}

void value_map_set_num(struct value *map, const char *key, double d)
{
	value_map_set(map, key, value_new_number(d), NULL);
}

void value_map_set_bool(struct value *map, const char *key, int b)
{
	value_map_set(map, key, value_new_bool(b), NULL);
}

unsigned long long value_hash_bytes(const void *data, size_t len, unsigned long long h)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * A tree's hash is built from its nodes' own hashes (each node: its kind,
 * text and its children's hashes), so that a node's hash does not depend
 * on where it hangs: a shared node, which never changes, keeps its own
 * once worked out (a story's summary is in dozens of page contexts).
 */
static unsigned long long node_hash(const struct value *v)
{
	_Atomic unsigned long long *memo;
	unsigned long long h = VALUE_HASH_SEED, c;
	unsigned char kind;
	int shared;
	size_t i;

	if (!v)
		return value_hash_fast("\0", 1, h);
	memo = &((struct value *)v)->self_hash;
	shared = atomic_load(&((struct value *)v)->shares) > 0;
	if (shared && (c = atomic_load(memo)))
		return c;
	kind = (unsigned char)('0' + v->kind);
	h = value_hash_fast(&kind, 1, h);
	if (v->str)
		h = value_hash_fast(v->str, v->len, h); /* the length is in it */
	if (v->kind == VALUE_LIST || v->kind == VALUE_MAP)
		h = value_hash_fast(&v->n, sizeof v->n, h);
	for (i = 0; v->kind == VALUE_LIST && i < v->n; i++) {
		c = node_hash(v->items[i]);
		h = value_hash_fast(&c, sizeof c, h);
	}
	for (i = 0; v->kind == VALUE_MAP && i < v->n; i++) {
		h = value_hash_fast(v->members[i].key, strlen(v->members[i].key), h);
		c = node_hash(v->members[i].val);
		h = value_hash_fast(&c, sizeof c, h);
	}
	h |= 1; /* never 0, which means "not worked out" */
	if (shared)
		atomic_store(memo, h);
	return h;
}

unsigned long long value_hash(const struct value *v, unsigned long long h)
{
	unsigned long long self = node_hash(v);

	return value_hash_fast(&self, sizeof self, h);
}

void value_json(const struct value *v, struct strbuf *out)
{
	size_t i;

	if (!v) {
		strbuf_adds(out, "null");
		return;
	}
	switch (v->kind) {
	case VALUE_NULL:
		strbuf_adds(out, "null");
		break;
	case VALUE_BOOL:
		strbuf_adds(out, v->boolean ? "true" : "false");
		break;
	case VALUE_NUMBER: {
		char buf[64];

		if (!isfinite(v->number)) {
			strbuf_adds(out, "null"); /* JSON has no infinity */
			break;
		}
		snprintf(buf, sizeof buf, "%.15g", v->number);
		strbuf_adds(out, buf);
		break;
	}
	case VALUE_STRING:
		strbuf_addch(out, '"');
		strbuf_add_json(out, v->str, v->len);
		strbuf_addch(out, '"');
		break;
	case VALUE_LIST:
		strbuf_addch(out, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addch(out, ',');
			value_json(v->items[i], out);
		}
		strbuf_addch(out, ']');
		break;
	case VALUE_MAP:
		strbuf_addch(out, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addch(out, ',');
			strbuf_addch(out, '"');
			strbuf_add_json(out, v->members[i].key, strlen(v->members[i].key));
			strbuf_adds(out, "\":");
			value_json(v->members[i].val, out);
		}
		strbuf_addch(out, '}');
		break;
	}
}
