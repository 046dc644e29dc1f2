/* value: the one generic value tree (null, bool, number, string, list, map). */
#ifndef WAYMARK_VALUE_H
#define WAYMARK_VALUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf;

/*
 * Front matter, YAML data files, template contexts and JSON output all use
 * this tree. Every node remembers where it came from (`pos`); nodes built
 * by the generator have pos.file == NULL.
 *
 * Ownership: a list or map owns its children; value_free frees a whole
 * tree. Strings are NUL-terminated copies owned by their node. pos.file is
 * never owned by a node: it points at a path that outlives the tree (the
 * build's source list, or a string literal).
 *
 * Scalars keep their source text in `str`: a NUMBER written "1.50" renders
 * as "1.50", a BOOL written "yes" ... is never produced (YAML 1.2 core
 * schema: only true/false are booleans).
 */
enum value_kind {
	VALUE_NULL,
	VALUE_BOOL,
	VALUE_NUMBER,
	VALUE_STRING,
	VALUE_LIST,
	VALUE_MAP,
};

struct pos {
	const char *file;
	int line; /* 1-based; 0 when unknown */
	int col;  /* 1-based; 0 when unknown */
};

struct value_member;

/* (Fields in an order that leaves no holes: 96 bytes, not 112. Every
 * rebuild reads every document's fields back from the cache as these.) */
struct value {
	enum value_kind kind;
	int boolean;   /* BOOL */
	struct pos pos;
	char *str;     /* STRING, NUMBER, BOOL: text (never NULL for those) */
	size_t len;    /* length of str */
	double number; /* NUMBER */
	/* LIST: items[0..n); MAP: members[0..n), in source order */
	size_t n, alloc;
	struct value **items;
	struct value_member *members;
	/* owners besides the first (value_share): value_free only counts one
	 * off until none is left. A shared value is never changed, so its
	 * hash is worked out once (self_hash; 0 until then). */
	_Atomic unsigned long long self_hash;
	atomic_int shares;
	/* MAP: Lua hooks get its lists, maps and long strings only when they
	 * read them (the site hook's documents: see hooks_push_value) */
	unsigned char lazy;
	/* made inside one block of memory with the rest of its tree (a
	 * document read back from the build cache, value_block): value_free
	 * only counts its shares off, and the block's owner frees it whole
	 * (2: this is the tree's root, and the block starts with it, so
	 * value_free of it frees the block). Such a tree is never changed. */
	unsigned char in_block;
};

struct value_member {
	char *key;
	struct pos key_pos;
	struct value *val;
};

struct value *value_new(enum value_kind kind, const struct pos *pos);
/* One more owner of `v`, which from now on nobody changes: the same tree in
 * several places (a story's summary in every list that shows it). Returns v,
 * to put in a tree that will be freed (a const value too: its owners are
 * counted beside what it holds, which stays as it is). Safe on several
 * threads at once, as is value_free of a shared value. */
struct value *value_share(const struct value *v);
struct value *value_new_null(void);
struct value *value_new_bool(int b);
struct value *value_new_number(double d);
struct value *value_new_string(const char *s, size_t len);
struct value *value_new_cstr(const char *s);
struct value *value_new_list(void);
struct value *value_new_map(void);
/* Free a tree; NULL is a no-op. */
void value_free(struct value *v);
/* A deep copy (positions included); the caller owns it. */
struct value *value_copy(const struct value *v);
/* The same tree made again in one block of memory, and `v` freed: for a
 * tree that is kept until the end of the build and never changed (a body's
 * headings, a story's summary), freed then with one free() rather than
 * one for each node, key and string of it, long after they left the
 * processor's caches. A shared tree, or one in a block already, is
 * returned as it is. */
struct value *value_block(struct value *v);
/* What a tree takes in a block: its nodes, members, items and text (each
 * string and key with its NUL), added to *z. */
struct value_size {
	size_t nodes, members, items, text;
};
void value_measure(const struct value *v, struct value_size *z);

/* Append `item` to a list; the list takes ownership. */
void value_list_push(struct value *list, struct value *item);
/* Set `key` in a map to `val` (replacing and freeing any previous value);
 * the map takes ownership of val. key_pos may be NULL. */
void value_map_set(struct value *map, const char *key, struct value *val,
		   const struct pos *key_pos);
/* The member named `key`, or NULL (also when `map` is NULL or not a map). */
struct value *value_get(const struct value *map, const char *key);
/* Add `key` (which the map takes, and must not have yet) with `val` at the
 * end of `map`, without looking for it first. */
void value_map_append(struct value *map, char *key, struct value *val,
		      const struct pos *key_pos);
struct value_member *value_member(const struct value *map, const char *key);
/* Follow a dotted path ("site.title"); NULL when any step is missing. */
struct value *value_path(const struct value *v, const char *dotted);

/* The string of a STRING node, or NULL for any other kind (or v NULL). */
const char *value_string(const struct value *v);
/* The text of field `key` of a map when it is a scalar (strings, numbers
 * and booleans keep their text), or NULL. */
const char *value_text(const struct value *map, const char *key);
/* Mustache truthiness: null, false, empty list and empty string are false. */
int value_truthy(const struct value *v);
const char *value_kind_name(enum value_kind kind);

/*
 * A 64-bit hash of the tree's content (kinds, keys in order, text), the
 * same on every run: used to tell whether a page's inputs changed since the
 * last build. Positions are not part of it. `seed` chains hashes.
 */
unsigned long long value_hash(const struct value *v, unsigned long long seed);
/* FNV-1a over bytes, chained from `seed` (use VALUE_HASH_SEED to start).
 * Its values name things others keep (CASE identifiers), so it never
 * changes. */
unsigned long long value_hash_bytes(const void *data, size_t len, unsigned long long seed);
/* A hash of bytes eight at a time, several times faster than
 * value_hash_bytes on long text, for what only waymark's own cache keeps
 * (value_hash uses it). Not the same values as value_hash_bytes. Inline:
 * a title edit on a site of 10,000 pages called it as a function nearly
 * half a million times, most of them on one number, which the compiler
 * then hashes in a few instructions. */
static inline unsigned long long value_hash_fast(const void *data, size_t len,
						 unsigned long long h)
{
	const unsigned char *p = data;
	uint64_t w;

	h ^= (uint64_t)len * 0x9e3779b97f4a7c15ULL;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}
#define VALUE_HASH_SEED 14695981039346656037ULL

/*
 * Append the tree as JSON: maps in their key order, numbers as their text,
 * null for null. Strings are escaped so the result is also safe inside an
 * HTML <script> element.
 */
void value_json(const struct value *v, struct strbuf *out);

/* Convenience setters that build the child for you. */
void value_map_set_str(struct value *map, const char *key, const char *s);
void value_map_set_num(struct value *map, const char *key, double d);
void value_map_set_bool(struct value *map, const char *key, int b);

#endif
