/* mustache: template sets, their static check, and rendering. */
#include "mustache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache_compile.h"
#include "xalloc.h"

/* ===================================================================== */
/* The set                                                               */
/* ===================================================================== */

struct entry {
	char *name;
	struct mustache_template *t;
};

struct mustache_set {
	struct entry *entries; /* in the order names were first added */
	size_t n, alloc;
	size_t *slots;         /* open addressing: entry index + 1, 0 = empty */
	size_t nslots;         /* a power of two, at least twice n */
};

static uint32_t hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static int name_eq(const char *name, const char *s, size_t len)
{
	/* most keys differ at their first letter: no call for those (a map's
	 * keys are compared one by one, 2% of a build's time before this) */
	return (!len || (name[0] == s[0] && strncmp(name + 1, s + 1, len - 1) == 0)) &&
	       name[len] == '\0';
}

/* The slot for `s`: either holding it or the empty one it would go in. */
static size_t *slot_for(const struct mustache_set *set, const char *s, size_t len)
{
	size_t mask = set->nslots - 1, i = hash(s, len) & mask;

	while (set->slots[i] && !name_eq(set->entries[set->slots[i] - 1].name, s, len))
		i = (i + 1) & mask;
	return &set->slots[i];
}

static const struct mustache_template *find_template(const struct mustache_set *set,
						     const char *s, size_t len)
{
	size_t idx;

	if (!set || set->n == 0)
		return NULL;
	idx = *slot_for(set, s, len);
	return idx ? set->entries[idx - 1].t : NULL;
}

static void rehash(struct mustache_set *set, size_t nslots)
{
	size_t i;

	free(set->slots);
	set->slots = xcalloc(nslots, sizeof *set->slots);
	set->nslots = nslots;
	for (i = 0; i < set->n; i++)
		*slot_for(set, set->entries[i].name, strlen(set->entries[i].name)) = i + 1;
}

struct mustache_set *mustache_set_new(void)
{
	struct mustache_set *set = xcalloc(1, sizeof *set);

	rehash(set, 16);
	return set;
}

void mustache_set_free(struct mustache_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->entries[i].name);
		mustache_template_free(set->entries[i].t);
	}
	free(set->entries);
	free(set->slots);
	free(set);
}

int mustache_set_add(struct mustache_set *set, const char *name, const char *path,
		     const char *text, size_t len, struct diag_list *dl)
{
	struct mustache_template *t = mustache_compile(path, text, len, dl);
	size_t *slot;

	if (!t)
		return -1;
	slot = slot_for(set, name, strlen(name));
	if (*slot) {
		/* a theme overriding the default theme's template */
		mustache_template_free(set->entries[*slot - 1].t);
		set->entries[*slot - 1].t = t;
		return 0;
	}
	XGROW(set->entries, set->alloc, set->n + 1);
	set->entries[set->n].name = xstrdup(name);
	set->entries[set->n].t = t;
	*slot = ++set->n;
	if (set->n * 2 > set->nslots)
		rehash(set, set->nslots * 2);
	return 0;
}

const struct mustache_template *mustache_set_get(const struct mustache_set *set,
						 const char *name)
{
	return find_template(set, name, strlen(name));
}

size_t mustache_set_count(const struct mustache_set *set)
{
	return set ? set->n : 0;
}

/* One template's name and text, chained into h. */
static unsigned long long hash_entry(const struct mustache_set *set, size_t e, unsigned long long h)
{
	h = value_hash_fast(set->entries[e].name, strlen(set->entries[e].name), h);
	return value_hash_fast(set->entries[e].t->src, set->entries[e].t->src_len, h);
}

/* Add template e and what it reaches to `seen` and the hash; -1 at a
 * dynamic name. */
static int reach(const struct mustache_set *set, size_t e, unsigned char *seen,
		 unsigned long long *h)
{
	const struct mustache_template *t = set->entries[e].t;
	size_t i;

	if (seen[e])
		return 0;
	seen[e] = 1;
	*h = hash_entry(set, e, *h);
	for (i = 0; i < t->n; i++) {
		const struct node *nd = &t->nodes[i];
		size_t *slot;

		if (nd->kind != NODE_PARTIAL && nd->kind != NODE_PARENT)
			continue;
		if (nd->dynamic)
			return -1;
		slot = slot_for(set, t->src + nd->off, nd->len);
		if (*slot && reach(set, *slot - 1, seen, h) < 0)
			return -1;
	}
	return 0;
}

unsigned long long mustache_set_print(const struct mustache_set *set, const char *name, int all)
{
	unsigned long long h = VALUE_HASH_SEED;
	unsigned char *seen;
	size_t *slot, i;

	if (!set->n)
		return h;
	seen = xcalloc(set->n, 1);
	slot = slot_for(set, name, strlen(name));
	if (all || !*slot || reach(set, *slot - 1, seen, &h) < 0)
		for (h = VALUE_HASH_SEED, i = 0; i < set->n; i++)
			h = hash_entry(set, i, h);
	free(seen);
	return h;
}

/* Every name in the set, for did-you-mean; the caller frees the array. */
static const char **set_names(const struct mustache_set *set)
{
	const char **names = xmalloc((set->n + 1) * sizeof *names);
	size_t i;

	for (i = 0; i < set->n; i++)
		names[i] = set->entries[i].name;
	return names;
}

/* Append "; did you mean 'x'?" when a candidate is near `word`. */
static void add_suggestion(struct strbuf *msg, const char *prefix, size_t prefix_len,
			   const char *word, const char **cands, size_t n)
{
	const char *near = diag_suggest(word, (const char *const *)cands, n);

	if (near)
		strbuf_addf(msg, "; did you mean '%.*s%s'?", (int)prefix_len, prefix, near);
}

/* ===================================================================== */
/* Static check                                                          */
/* ===================================================================== */

/* A list of names, each an owned NUL-terminated copy. */
struct names {
	char **v;
	size_t n, alloc;
};

static void names_add(struct names *ns, const struct mustache_template *t,
		      const struct node *nd)
{
	XGROW(ns->v, ns->alloc, ns->n + 1);
	ns->v[ns->n++] = xstrndup(t->src + nd->off, nd->len);
}

static int names_has(const struct names *ns, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (name_eq(ns->v[i], s, len))
			return 1;
	return 0;
}

static void names_release(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* Walk nodes [i, end): record the blocks templates expand in `defined`
 * (every block not written directly inside a parent call). */
static void defined_blocks(const struct mustache_template *t, size_t i, size_t end,
			   int in_call, struct names *defined)
{
	while (i < end) {
		const struct node *nd = &t->nodes[i];

		if (nd->kind == NODE_BLOCK && !in_call && !names_has(defined, t->src + nd->off, nd->len))
			names_add(defined, t, nd);
		if (is_container(nd->kind))
			defined_blocks(t, i + 1, nd->end, nd->kind == NODE_PARENT, defined);
		i = is_container(nd->kind) ? nd->end : i + 1;
	}
}

static void check_template(const struct mustache_set *set, const struct mustache_template *t,
			   const char **names, const struct names *defined,
			   struct diag_list *dl)
{
	struct strbuf msg = STRBUF_INIT;
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		const struct node *nd = &t->nodes[i];
		struct pos pos = { t->path, nd->line, nd->col };
		char *word;

		if ((nd->kind != NODE_PARTIAL && nd->kind != NODE_PARENT) || nd->dynamic)
			continue;
		if (nd->kind == NODE_PARENT) {
			/* the blocks this call overrides */
			for (j = i + 1; j < nd->end; j = is_container(t->nodes[j].kind) ? t->nodes[j].end : j + 1) {
				const struct node *b = &t->nodes[j];
				struct pos bpos = { t->path, b->line, b->col };

				if (b->kind != NODE_BLOCK || names_has(defined, t->src + b->off, b->len))
					continue;
				word = xstrndup(t->src + b->off, b->len);
				strbuf_reset(&msg);
				strbuf_addf(&msg, "block '%s' is not defined by any template", word);
				add_suggestion(&msg, "", 0, word, (const char **)defined->v,
					       defined->n);
				diag_warning(dl, &bpos, "%s", msg.buf);
				free(word);
			}
		}
		if (find_template(set, t->src + nd->off, nd->len))
			continue;
		word = xstrndup(t->src + nd->off, nd->len);
		strbuf_reset(&msg);
		strbuf_addf(&msg, "unknown %s '%s'",
			    nd->kind == NODE_PARENT ? "parent" : "partial", word);
		add_suggestion(&msg, "", 0, word, names, set->n);
		diag_error(dl, &pos, "%s", msg.buf);
		free(word);
	}
	strbuf_release(&msg);
}

int mustache_set_check(const struct mustache_set *set, struct diag_list *dl)
{
	struct names defined;
	const char **names = set_names(set);
	size_t errors = dl->errors, i;

	memset(&defined, 0, sizeof defined);
	for (i = 0; i < set->n; i++)
		defined_blocks(set->entries[i].t, 0, set->entries[i].t->n, 0, &defined);
	for (i = 0; i < set->n; i++)
		check_template(set, set->entries[i].t, names, &defined, dl);
	names_release(&defined);
	free(names);
	return dl->errors > errors ? -1 : 0;
}

/* ===================================================================== */
/* Rendering                                                             */
/* ===================================================================== */

/*
 * Everything the renderer keeps per level lives on the C stack: the
 * context stack, the indentation to add at line starts and the chain of
 * parent calls whose blocks override the templates below them.
 */
struct ctx {
	const struct value *v;
	const struct ctx *up;
};

struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

struct frame {
	const struct mustache_template *t;
	size_t node; /* the PARENT node whose blocks override */
	const struct frame *up;
};

struct render {
	const struct mustache_set *set;
	int strict;
	const struct mustache_lambdas *lambdas;
	struct mustache_watch *watch;
	struct strbuf *out;
	struct strbuf *root_out; /* the caller's: a lambda renders elsewhere */
	struct diag_list *dl;
	size_t dl_start; /* this call's first diagnostic */
	int depth;
	int stop;        /* nesting too deep: unwind without more output */
	int failed;      /* an error was recorded */
	int pending;     /* output is at a line start: indentation is due */
	size_t lookups;  /* names looked up so far (see run_lambda) */
};

static void emit_indent(struct render *r, const struct indent *ind)
{
	if (!ind)
		return;
	emit_indent(r, ind->up);
	strbuf_add(r->out, ind->s, ind->len);
}

/* Record an error once per tag and message for this render call. */
static void rerror(struct render *r, const struct mustache_template *t,
		   const struct node *nd, const char *msg)
{
	size_t i;

	r->failed = 1;
	for (i = r->dl_start; i < r->dl->n; i++) {
		const struct diag *d = &r->dl->items[i];

		if (d->line == nd->line && d->col == nd->col && d->file &&
		    strcmp(d->file, t->path) == 0 && strcmp(d->msg, msg) == 0)
			return;
	}
	diag_add(r->dl, DIAG_ERROR, t->path, nd->line, nd->col, msg);
}

static const struct value *member(const struct value *m, const char *s, size_t len)
{
	size_t i;

	if (!m || m->kind != VALUE_MAP)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (name_eq(m->members[i].key, s, len))
			return m->members[i].val;
	return NULL;
}

/* Where a failed lookup stopped, for strict-mode messages. */
struct miss {
	size_t at;                /* length of the name part that resolved */
	const struct value *in;   /* the map the next part was missing from, or
				   * NULL when the first part is nowhere */
};

/*
 * Resolve a name: `.` is the top of the context stack; the first part of
 * a dotted name is searched from the top of the stack down, every later
 * part only inside what the part before it found. NULL when missing.
 */
static const struct value *lookup(const struct ctx *cx, const char *name, size_t len,
				  struct miss *miss)
{
	const struct value *v = NULL;
	const char *dot;
	size_t seg;

	if (len == 1 && name[0] == '.')
		return cx->v;
	dot = memchr(name, '.', len);
	seg = dot ? (size_t)(dot - name) : len;
	for (; cx; cx = cx->up)
		if ((v = member(cx->v, name, seg)))
			break;
	if (!v) {
		miss->at = 0;
		miss->in = NULL;
		return NULL;
	}
	while (seg < len) {
		size_t from = seg + 1;
		const struct value *next;

		dot = memchr(name + from, '.', len - from);
		seg = dot ? (size_t)(dot - name) : len;
		next = member(v, name + from, seg - from);
		if (!next) {
			miss->at = from - 1;
			miss->in = v;
			return NULL;
		}
		v = next;
	}
	return v;
}

/* v, counted when it is the watched value (struct mustache_watch). */
static const struct value *seen(struct render *r, const struct value *v)
{
	r->lookups++;
	if (r->watch && v && v == r->watch->value)
		r->watch->touched++;
	return v;
}

static void report_unknown(struct render *r, const struct mustache_template *t,
			   const struct node *nd, const struct ctx *cx, const struct miss *miss)
{
	struct strbuf msg = STRBUF_INIT;
	const char **keys = NULL;
	size_t nkeys = 0, akeys = 0, i, from, seg;
	const char *name = t->src + nd->off, *dot;
	char *word;

	/* candidates: the keys of the map the missing part was looked up in,
	 * or of every map on the context stack */
	for (; cx; cx = cx->up) {
		const struct value *m = miss->in ? miss->in : cx->v;

		if (m->kind == VALUE_MAP) {
			for (i = 0; i < m->n; i++) {
				XGROW(keys, akeys, nkeys + 1);
				keys[nkeys++] = m->members[i].key;
			}
		}
		if (miss->in)
			break;
	}
	from = miss->in ? miss->at + 1 : 0;
	dot = memchr(name + from, '.', nd->len - from);
	seg = dot ? (size_t)(dot - name) : nd->len;
	word = xstrndup(name + from, seg - from);
	strbuf_addf(&msg, "unknown name '%.*s'", (int)nd->len, name);
	if (!dot) {
		add_suggestion(&msg, name, from, word, keys, nkeys);
	} else {
		const char *near = diag_suggest(word, (const char *const *)keys, nkeys);

		if (near)
			strbuf_addf(&msg, "; did you mean '%.*s%s%.*s'?", (int)from, name, near,
				    (int)(nd->len - seg), name + seg);
	}
	rerror(r, t, nd, msg.buf);
	free(word);
	free(keys);
	strbuf_release(&msg);
}

/* The text of a scalar as interpolation shows it, in `buf` (of 64 bytes)
 * for numbers; NULL for null, lists and maps. */
static const char *scalar_text(const struct value *v, char *buf, size_t *len)
{
	switch (v->kind) {
	case VALUE_BOOL:
	case VALUE_STRING:
		*len = v->len;
		return v->str;
	case VALUE_NUMBER:
		/* the spec wants 1.210 to read "1.21": the value, not its source */
		*len = (size_t)snprintf(buf, 64, "%.15g", v->number);
		return buf;
	default:
		return NULL;
	}
}

static void emit_text(struct render *r, const struct indent *ind, const char *s, size_t len)
{
	if (len == 0)
		return;
	/* a blank line gets no indentation: nothing would follow it */
	if (r->pending && ind && s[0] != '\n' && !(s[0] == '\r' && len > 1 && s[1] == '\n'))
		emit_indent(r, ind);
	strbuf_add(r->out, s, len);
	r->pending = s[len - 1] == '\n';
}

static void render_nodes(struct render *r, const struct mustache_template *t, size_t i,
			 size_t end, const struct ctx *cx, const struct indent *ind,
			 const struct frame *fr);

/* Is the name in this tag a lambda? Only undotted names the context does
 * not have can be. */
static int is_lambda(const struct render *r, const struct mustache_template *t,
		     const struct node *nd)
{
	char name[128];

	if (!r->lambdas || nd->len >= sizeof name || memchr(t->src + nd->off, '.', nd->len))
		return 0;
	memcpy(name, t->src + nd->off, nd->len);
	name[nd->len] = '\0';
	return r->lambdas->has(r->lambdas->ctx, name);
}

/* What a lambda's `render` renders in: the tag's context and delimiters. */
struct fragment {
	struct render *r;
	const struct mustache_template *t;
	const struct node *nd;
	const struct ctx *cx;
	const struct frame *fr;
	const char *od, *cd;
	size_t olen, clen;
};

/* Compile `text` with the fragment's delimiters and render it into `out`
 * in the fragment's context. 0, or -1 (recorded). */
static int render_fragment(void *arg, const char *text, size_t len, struct strbuf *out)
{
	struct fragment *f = arg;
	struct render *r = f->r;
	struct mustache_template *tmp;
	struct strbuf *saved = r->out;
	int saved_pending = r->pending;

	tmp = mustache_compile_delims(f->t->path, text, len, f->od, f->olen, f->cd, f->clen, r->dl);
	if (!tmp) {
		r->failed = 1;
		return -1;
	}
	r->out = out;
	r->pending = 0;
	render_nodes(r, tmp, 0, tmp->n, f->cx, NULL, f->fr);
	r->out = saved;
	r->pending = saved_pending;
	mustache_template_free(tmp);
	return r->failed ? -1 : 0;
}

/* Call the lambda of tag `nd` with `text`, render what it returns, and
 * append that (escaped when asked) to the output. */
static void run_lambda(struct render *r, const struct mustache_template *t,
		       const struct node *nd, const struct ctx *cx, const struct indent *ind,
		       const struct frame *fr, const char *text, size_t len, int escape)
{
	struct fragment f = { r, t, nd, cx, fr, "{{", "}}", 2, 2 };
	struct strbuf got = STRBUF_INIT, done = STRBUF_INIT;
	char name[128];
	/* the watch as it was, for a section that turns out to read the
	 * watched value and nothing else (see struct mustache_watch) */
	struct mustache_watch *w = r->out == r->root_out ? r->watch : NULL, was = { .value = NULL };
	size_t lookups = r->lookups, at = 0;

	if (w)
		was = *w;
	memcpy(name, t->src + nd->off, nd->len);
	name[nd->len] = '\0';
	if (nd->kind == NODE_SECTION) {
		f.od = nd->od;
		f.olen = nd->olen;
		f.cd = nd->cd;
		f.clen = nd->clen;
	}
	if (r->lambdas->call(r->lambdas->ctx, name, text, len, render_fragment, &f, &got, r->dl) < 0) {
		r->failed = 1;
	} else if (render_fragment(&f, got.buf, got.len, &done) == 0 && done.len) {
		if (r->pending && ind)
			emit_indent(r, ind);
		r->pending = 0;
		at = r->out->len;
		if (escape)
			strbuf_add_html(r->out, done.buf, done.len);
		else
			strbuf_add(r->out, done.buf, done.len);
	}
	if (!done.len || r->failed)
		at = r->out->len;
	if (w && w->touched > was.touched && nd->kind == NODE_SECTION &&
	    r->lookups - lookups == w->touched - was.touched && f.olen == 2 &&
	    !memcmp(f.od, "{{", 2) && f.clen == 2 && !memcmp(f.cd, "}}", 2)) {
		w->count = was.count;
		w->at = was.at;
		w->len = was.len;
		w->escaped = was.escaped;
		if (!w->lambdas++) {
			w->lambda_at = at;
			w->lambda_len = r->out->len - at;
			w->lambda_name = t->src + nd->off;
			w->lambda_name_len = nd->len;
			w->lambda_text = text;
			w->lambda_text_len = len;
		}
	}
	strbuf_release(&got);
	strbuf_release(&done);
}

static void interpolate(struct render *r, const struct mustache_template *t,
			const struct node *nd, const struct ctx *cx, const struct indent *ind,
			const struct frame *fr)
{
	struct miss miss;
	const struct value *v = seen(r, lookup(cx, t->src + nd->off, nd->len, &miss));
	char buf[64];
	const char *s;
	size_t len = 0;

	if (!v && is_lambda(r, t, nd)) {
		run_lambda(r, t, nd, cx, ind, fr, "", 0, nd->kind == NODE_ESCAPED);
		return;
	}
	if (!v) {
		if (r->strict)
			report_unknown(r, t, nd, cx, &miss);
		return;
	}
	s = scalar_text(v, buf, &len);
	if (!s) {
		if (r->strict && (v->kind == VALUE_LIST || v->kind == VALUE_MAP)) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "name '%.*s' is a %s, not text", (int)nd->len,
				    t->src + nd->off, value_kind_name(v->kind));
			rerror(r, t, nd, msg.buf);
			strbuf_release(&msg);
		}
		return;
	}
	if (len == 0)
		return;
	if (r->pending && ind)
		emit_indent(r, ind);
	r->pending = 0;
	if (r->watch && v == r->watch->value) {
		/* inside a lambda's text it may not end up where it was put */
		r->watch->count += r->out == r->root_out ? 1 : 2;
		r->watch->at = r->out->len;
		r->watch->escaped = nd->kind == NODE_ESCAPED;
	}
	if (nd->kind == NODE_ESCAPED)
		strbuf_add_html(r->out, s, len);
	else
		strbuf_add(r->out, s, len);
	if (r->watch && v == r->watch->value)
		r->watch->len = r->out->len - r->watch->at;
}

static void render_nodes(struct render *r, const struct mustache_template *t, size_t i,
			 size_t end, const struct ctx *cx, const struct indent *ind,
			 const struct frame *fr);

static void render_section(struct render *r, const struct mustache_template *t, size_t i,
			   const struct ctx *cx, const struct indent *ind,
			   const struct frame *fr)
{
	const struct node *nd = &t->nodes[i];
	struct miss miss;
	const struct value *v = seen(r, lookup(cx, t->src + nd->off, nd->len, &miss));
	struct ctx inner;
	size_t k;

	if (!v && is_lambda(r, t, nd)) {
		/* a lambda is truthy: its inverted section shows nothing */
		if (nd->kind == NODE_SECTION)
			run_lambda(r, t, nd, cx, ind, fr, t->src + nd->body, nd->body_end - nd->body, 0);
		return;
	}
	if (nd->kind == NODE_INVERTED) {
		if (!value_truthy(v))
			render_nodes(r, t, i + 1, nd->end, cx, ind, fr);
		return;
	}
	if (!value_truthy(v))
		return;
	inner.up = cx;
	if (v->kind == VALUE_LIST) {
		for (k = 0; k < v->n && !r->stop; k++) {
			inner.v = v->items[k];
			render_nodes(r, t, i + 1, nd->end, &inner, ind, fr);
		}
		return;
	}
	inner.v = v;
	render_nodes(r, t, i + 1, nd->end, &inner, ind, fr);
}

/* Enter one more level of partials, parents or overrides; 0, or -1 (and
 * stop rendering) past MUSTACHE_MAX_DEPTH. */
static int descend(struct render *r, const struct mustache_template *t,
		   const struct node *nd, const char *name, size_t len)
{
	struct strbuf msg = STRBUF_INIT;

	if (r->depth < MUSTACHE_MAX_DEPTH) {
		r->depth++;
		return 0;
	}
	strbuf_addf(&msg, "%s recursion deeper than %d at '%.*s'",
		    nd->kind == NODE_BLOCK ? "block" : "partial", MUSTACHE_MAX_DEPTH,
		    (int)len, name);
	rerror(r, t, nd, msg.buf);
	strbuf_release(&msg);
	r->stop = 1;
	return -1;
}

/* `{{>name}}` and `{{<name}}…{{/name}}`: render another template here. */
static void render_include(struct render *r, const struct mustache_template *t, size_t i,
			   const struct ctx *cx, const struct indent *ind,
			   const struct frame *fr)
{
	const struct node *nd = &t->nodes[i];
	const struct mustache_template *inc;
	const char *name = t->src + nd->off;
	size_t len = nd->len;
	struct indent more;
	struct frame call;

	if (nd->dynamic) {
		struct miss miss;
		const struct value *v = seen(r, lookup(cx, name, len, &miss));
		char buf[64];

		if (!v) {
			if (r->strict)
				report_unknown(r, t, nd, cx, &miss);
			return;
		}
		/* a name resolved this way is never resolved again */
		name = scalar_text(v, buf, &len);
		if (!name)
			return;
		inc = find_template(r->set, name, len);
	} else {
		inc = find_template(r->set, name, len);
	}
	if (!inc) {
		if (r->strict) {
			struct strbuf msg = STRBUF_INIT;

			strbuf_addf(&msg, "unknown %s '%.*s'",
				    nd->kind == NODE_PARENT ? "parent" : "partial", (int)len, name);
			rerror(r, t, nd, msg.buf);
			strbuf_release(&msg);
		}
		return;
	}
	if (descend(r, t, nd, name, len) < 0)
		return;
	if (nd->standalone) {
		if (nd->ind_len) {
			more.s = t->src + nd->ind;
			more.len = nd->ind_len;
			more.up = ind;
			ind = &more;
		}
		r->pending = 1;
	}
	if (nd->kind == NODE_PARENT) {
		call.t = t;
		call.node = i;
		call.up = fr;
		fr = &call;
	}
	render_nodes(r, inc, 0, inc->n, cx, ind, fr);
	r->depth--;
}

/* `{{$name}}…{{/name}}` outside a parent call: the override given by the
 * outermost parent call that has one, else the block's own body. */
static void render_block(struct render *r, const struct mustache_template *t, size_t i,
			 const struct ctx *cx, const struct indent *ind, const struct frame *fr)
{
	const struct node *nd = &t->nodes[i];
	const struct mustache_template *bt = t;
	size_t bi = i, j;
	const struct frame *f;
	struct indent more;
	int overridden;

	for (f = fr; f; f = f->up) {
		const struct node *call = &f->t->nodes[f->node];

		for (j = f->node + 1; j < call->end;
		     j = is_container(f->t->nodes[j].kind) ? f->t->nodes[j].end : j + 1) {
			const struct node *b = &f->t->nodes[j];

			if (b->kind == NODE_BLOCK && b->len == nd->len &&
			    memcmp(f->t->src + b->off, t->src + nd->off, nd->len) == 0) {
				bt = f->t;
				bi = j;
			}
		}
	}
	/* an override may expand its own block again: count it as a level */
	overridden = bt != t || bi != i;
	if (overridden && descend(r, t, nd, t->src + nd->off, nd->len) < 0)
		return;
	if (nd->standalone) {
		if (nd->ind_len) {
			more.s = t->src + nd->ind;
			more.len = nd->ind_len;
			more.up = ind;
			ind = &more;
		}
		r->pending = 1;
	}
	render_nodes(r, bt, bi + 1, bt->nodes[bi].end, cx, ind, fr);
	if (overridden)
		r->depth--;
}

static void render_nodes(struct render *r, const struct mustache_template *t, size_t i,
			 size_t end, const struct ctx *cx, const struct indent *ind,
			 const struct frame *fr)
{
	while (i < end && !r->stop) {
		const struct node *nd = &t->nodes[i];

		switch (nd->kind) {
		case NODE_TEXT:
			emit_text(r, ind, t->src + nd->off, nd->len);
			break;
		case NODE_ESCAPED:
		case NODE_RAW:
			interpolate(r, t, nd, cx, ind, fr);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			render_section(r, t, i, cx, ind, fr);
			break;
		case NODE_PARTIAL:
		case NODE_PARENT:
			/* a parent call's own text is ignored; its blocks
			 * are looked up through the frame */
			render_include(r, t, i, cx, ind, fr);
			break;
		case NODE_BLOCK:
			render_block(r, t, i, cx, ind, fr);
			break;
		}
		i = is_container(nd->kind) ? nd->end : i + 1;
	}
}

int mustache_render(const struct mustache_set *set, const char *name,
		    const struct value *context, const struct mustache_opts *opts,
		    struct strbuf *out, struct diag_list *dl)
{
	static const struct value empty = { .kind = VALUE_MAP };
	const struct mustache_template *t = mustache_set_get(set, name);
	struct render r;
	struct ctx root;

	if (!t) {
		const char **names = set_names(set);
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "unknown template '%s'", name);
		add_suggestion(&msg, "", 0, name, names, set->n);
		diag_add(dl, DIAG_ERROR, NULL, 0, 0, msg.buf);
		strbuf_release(&msg);
		free(names);
		return -1;
	}
	memset(&r, 0, sizeof r);
	r.set = set;
	r.strict = opts && opts->strict;
	r.lambdas = opts ? opts->lambdas : NULL;
	r.watch = opts ? opts->watch : NULL;
	r.out = r.root_out = out;
	r.dl = dl;
	r.dl_start = dl->n;
	r.pending = 1;
	root.v = context ? context : &empty;
	root.up = NULL;
	render_nodes(&r, t, 0, t->n, &root, NULL, NULL);
	return r.failed ? -1 : 0;
}
