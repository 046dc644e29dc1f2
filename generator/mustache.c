/* mustache: Mustache templates, compiled once per build and rendered many times. */
#include "mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * Pipeline: lex (tags and line-sized text tokens, set delimiters applied)
 * → mark standalone lines → build a flat node array (a container's
 * children follow it, up to its `end`) → dedent standalone blocks. The
 * renderer walks node ranges; it allocates nothing but output.
 */

/* ===================================================================== */
/* Compiled form                                                         */
/* ===================================================================== */

enum node_kind {
	NODE_TEXT,
	NODE_ESCAPED,  /* {{x}} */
	NODE_RAW,      /* {{{x}}}, {{&x}} */
	NODE_SECTION,  /* {{#x}} … {{/x}} */
	NODE_INVERTED, /* {{^x}} … {{/x}} */
	NODE_PARTIAL,  /* {{>x}} */
	NODE_PARENT,   /* {{<x}} … {{/x}} */
	NODE_BLOCK,    /* {{$x}} … {{/x}} */
};

struct node {
	enum node_kind kind;
	unsigned bol : 1;        /* TEXT: starts a source line */
	unsigned standalone : 1; /* PARTIAL, PARENT, BLOCK: indents what it renders */
	unsigned dynamic : 1;    /* PARTIAL, PARENT: {{>*name}} */
	size_t off, len;         /* TEXT: the text; every other kind: the name */
	size_t ind, ind_len;     /* standalone: the indentation it adds */
	size_t end;              /* containers: index just past the last child */
	/* SECTION, INVERTED, BLOCK: source of the body, unrendered (what a
	 * lambda would receive; blocks measure their indentation on it) */
	size_t body, body_end;
	int line, col;           /* of the opening delimiter */
};

struct mustache_template {
	char *path;
	char *src; /* NUL-terminated copy of the text; nodes point into it */
	size_t src_len;
	struct node *nodes;
	size_t n, alloc;
};

static int is_container(enum node_kind k)
{
	return k == NODE_SECTION || k == NODE_INVERTED || k == NODE_PARENT ||
	       k == NODE_BLOCK;
}

static void template_free(struct mustache_template *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->src);
	free(t->nodes);
	free(t);
}

/* ===================================================================== */
/* Lexer                                                                 */
/* ===================================================================== */

enum tok_kind {
	TOK_TEXT,
	TOK_ESCAPED,
	TOK_RAW,
	TOK_SECTION,
	TOK_INVERTED,
	TOK_PARTIAL,
	TOK_PARENT,
	TOK_BLOCK,
	TOK_CLOSE,
	TOK_COMMENT,
	TOK_DELIM,
};

struct token {
	enum tok_kind kind;
	enum tok_kind closes;    /* CLOSE: kind of the tag it matches, or TEXT */
	unsigned dynamic : 1;
	unsigned removed : 1;    /* TEXT: part of a standalone line */
	unsigned standalone : 1; /* tags: their line is standalone */
	unsigned bol : 1;        /* TEXT: starts a source line */
	size_t start, end;       /* the text, or the whole tag */
	size_t name, name_len;
	size_t ind, ind_len;     /* standalone: the line's leading blanks */
	size_t line_start, line_end; /* standalone: the line, newline included */
	int line, col;
};

struct compiler {
	const char *path;
	const char *src;
	size_t len;
	struct diag_list *dl;
	int errors;
	struct token *toks;
	size_t ntok, atok;
	/* where locate() last stopped */
	size_t loc_off;
	int loc_line, loc_col;
};

static void locate(struct compiler *c, size_t off, int *line, int *col)
{
	if (off < c->loc_off) {
		c->loc_off = 0;
		c->loc_line = 1;
		c->loc_col = 1;
	}
	for (; c->loc_off < off; c->loc_off++) {
		if (c->src[c->loc_off] == '\n') {
			c->loc_line++;
			c->loc_col = 1;
		} else {
			c->loc_col++;
		}
	}
	*line = c->loc_line;
	*col = c->loc_col;
}

static void cerror(struct compiler *c, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cerror(struct compiler *c, int line, int col, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	diag_add(c->dl, DIAG_ERROR, c->path, line, col, sb.buf);
	strbuf_release(&sb);
	c->errors++;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static const char *find(const char *s, size_t len, const char *needle, size_t nlen)
{
	size_t i;

	if (nlen == 0 || len < nlen)
		return NULL;
	for (i = 0; i + nlen <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, nlen) == 0)
			return s + i;
	return NULL;
}

static struct token *push_token(struct compiler *c, enum tok_kind kind,
				size_t start, size_t end)
{
	struct token *tk;

	XGROW(c->toks, c->atok, c->ntok + 1);
	tk = &c->toks[c->ntok++];
	memset(tk, 0, sizeof *tk);
	tk->kind = kind;
	tk->closes = TOK_TEXT;
	tk->start = start;
	tk->end = end;
	locate(c, start, &tk->line, &tk->col);
	return tk;
}

/* Text becomes one token per line, so standalone lines can be judged
 * token by token. */
static void add_text(struct compiler *c, size_t from, size_t to)
{
	while (from < to) {
		const char *nl = memchr(c->src + from, '\n', to - from);
		size_t stop = nl ? (size_t)(nl - c->src) + 1 : to;
		struct token *tk = push_token(c, TOK_TEXT, from, stop);

		tk->bol = from == 0 || c->src[from - 1] == '\n';
		from = stop;
	}
}

/* Trim [*a, *b) of surrounding white space. */
static void trim(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && is_space(s[*a]))
		(*a)++;
	while (*b > *a && is_space(s[*b - 1]))
		(*b)--;
}

/* A short quotable excerpt of a tag for messages: up to the end of its
 * line, at most 40 bytes. */
static int excerpt_len(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && n < 40 && s[n] != '\n' && s[n] != '\r')
		n++;
	return (int)n;
}

/* Check a tag's name; 0 or -1 (reported). */
static int check_name(struct compiler *c, struct token *tk)
{
	const char *name = c->src + tk->name;
	size_t i;

	if (tk->name_len == 0) {
		cerror(c, tk->line, tk->col, "missing name in tag '%.*s'",
		       excerpt_len(c->src + tk->start, tk->end - tk->start),
		       c->src + tk->start);
		return -1;
	}
	for (i = 0; i < tk->name_len; i++) {
		if (name[i] == '\n') {
			/* most likely a tag left open and closed much later */
			cerror(c, tk->line, tk->col, "unclosed tag '%.*s'",
			       excerpt_len(c->src + tk->start, tk->end - tk->start),
			       c->src + tk->start);
			return -1;
		}
		if (is_space(name[i])) {
			cerror(c, tk->line, tk->col, "bad name '%.*s' in tag",
			       (int)tk->name_len, name);
			return -1;
		}
	}
	return 0;
}

/* Parse the inside of `{{=<% %>=}}` into new delimiters (pointing into
 * the source). 0 or -1. */
static int parse_delims(const char *s, size_t a, size_t b, const char **od, size_t *olen,
			const char **cd, size_t *clen)
{
	size_t i, j;

	trim(s, &a, &b);
	for (i = a; i < b && !is_space(s[i]); i++)
		;
	for (j = i; j < b && is_space(s[j]); j++)
		;
	if (i == a || j == i || j == b)
		return -1;
	for (size_t k = j; k < b; k++)
		if (is_space(s[k]))
			return -1;
	if (memchr(s + a, '=', i - a) || memchr(s + j, '=', b - j))
		return -1;
	*od = s + a;
	*olen = i - a;
	*cd = s + j;
	*clen = b - j;
	return 0;
}

/* Tokenize the whole template. Returns 0, or -1 when lexing could not go
 * on (an unclosed tag or bad delimiters leave the rest unreadable). */
static int lex(struct compiler *c)
{
	const char *s = c->src;
	const char *od = "{{", *cd = "}}";
	size_t olen = 2, clen = 2, i = 0;
	/* open containers, to tell what each closing tag closes */
	size_t *open = NULL, nopen = 0, aopen = 0;
	int rc = 0;

	while (i < c->len) {
		const char *p = find(s + i, c->len - i, od, olen), *q;
		size_t start, a, b, end;
		enum tok_kind kind = TOK_ESCAPED;
		struct token *tk;

		if (!p) {
			add_text(c, i, c->len);
			break;
		}
		start = (size_t)(p - s);
		add_text(c, i, start);
		a = start + olen;
		if (a < c->len && s[a] == '{') {
			kind = TOK_RAW;
			a++;
			/* `}` then the closing delimiter */
			for (q = s + a; (q = find(q, c->len - (size_t)(q - s), cd, clen)); q++)
				if (q > s + a && q[-1] == '}')
					break;
			if (q)
				q--;
			end = q ? (size_t)(q - s) + 1 + clen : 0;
		} else if (a < c->len && s[a] == '=') {
			kind = TOK_DELIM;
			a++;
			for (q = s + a; (q = find(q, c->len - (size_t)(q - s), cd, clen)); q++)
				if (q > s + a && q[-1] == '=')
					break;
			if (q)
				q--;
			end = q ? (size_t)(q - s) + 1 + clen : 0;
		} else {
			if (a < c->len) {
				switch (s[a]) {
				case '&': kind = TOK_RAW; break;
				case '#': kind = TOK_SECTION; break;
				case '^': kind = TOK_INVERTED; break;
				case '/': kind = TOK_CLOSE; break;
				case '!': kind = TOK_COMMENT; break;
				case '>': kind = TOK_PARTIAL; break;
				case '<': kind = TOK_PARENT; break;
				case '$': kind = TOK_BLOCK; break;
				}
				if (kind != TOK_ESCAPED)
					a++;
			}
			q = find(s + a, c->len - a, cd, clen);
			end = q ? (size_t)(q - s) + clen : 0;
		}
		if (!q) {
			int line, col;

			locate(c, start, &line, &col);
			cerror(c, line, col, "unclosed tag '%.*s'",
			       excerpt_len(s + start, c->len - start), s + start);
			rc = -1;
			break;
		}
		b = (size_t)(q - s);
		tk = push_token(c, kind, start, end);
		i = end;
		if (kind == TOK_COMMENT)
			continue;
		if (kind == TOK_DELIM) {
			if (parse_delims(s, a, b, &od, &olen, &cd, &clen) < 0) {
				cerror(c, tk->line, tk->col, "bad set-delimiter tag '%.*s'",
				       excerpt_len(s + start, end - start), s + start);
				rc = -1;
				break;
			}
			continue;
		}
		trim(s, &a, &b);
		if ((kind == TOK_PARTIAL || kind == TOK_PARENT) && a < b && s[a] == '*') {
			tk->dynamic = 1;
			a++;
			trim(s, &a, &b);
		}
		tk->name = a;
		tk->name_len = b - a;
		if (check_name(c, tk) < 0) {
			tk->kind = TOK_COMMENT; /* keep going: report more */
			continue;
		}
		if (kind == TOK_SECTION || kind == TOK_INVERTED || kind == TOK_PARENT ||
		    kind == TOK_BLOCK) {
			XGROW(open, aopen, nopen + 1);
			open[nopen++] = c->ntok - 1;
		} else if (kind == TOK_CLOSE && nopen) {
			struct token *o = &c->toks[open[nopen - 1]];

			if (o->name_len == tk->name_len &&
			    memcmp(s + o->name, s + tk->name, tk->name_len) == 0) {
				tk->closes = o->kind;
				nopen--;
			}
		}
	}
	free(open);
	return rc;
}

/* ===================================================================== */
/* Standalone lines                                                      */
/* ===================================================================== */

/* Whether a text token is blanks, optionally ending in a line break. */
static int blank_text(const char *s, const struct token *tk)
{
	size_t i;

	for (i = tk->start; i < tk->end; i++) {
		if (is_blank(s[i]))
			continue;
		if (s[i] == '\n' && i + 1 == tk->end)
			continue;
		if (s[i] == '\r' && i + 2 == tk->end && s[i + 1] == '\n')
			continue;
		return 0;
	}
	return 1;
}

static int can_stand_alone(enum tok_kind k)
{
	return k != TOK_TEXT && k != TOK_ESCAPED && k != TOK_RAW;
}

/*
 * Two adjacent tags that the inheritance spec lets share a standalone
 * line: `{{<p}}{{/p}}`, `{{<p}}{{$b}}`, `{{/b}}{{/p}}` and `{{$b}}{{/b}}`.
 * Returns 1 for a pair, 2 for the last (whose line keeps its newline, so
 * an empty block leaves an empty line), 0 otherwise.
 */
static int standalone_pair(const struct token *x, const struct token *y)
{
	if (x->kind == TOK_PARENT && y->kind == TOK_CLOSE && y->closes == TOK_PARENT)
		return 1;
	if (x->kind == TOK_PARENT && y->kind == TOK_BLOCK)
		return 1;
	if (x->kind == TOK_CLOSE && x->closes == TOK_BLOCK && y->kind == TOK_CLOSE &&
	    y->closes == TOK_PARENT)
		return 1;
	if (x->kind == TOK_BLOCK && y->kind == TOK_CLOSE && y->closes == TOK_BLOCK)
		return 2;
	return 0;
}

/* Judge the line made of tokens [first, last]. */
static void judge_line(struct compiler *c, size_t first, size_t last)
{
	size_t i, tags[2], ntag = 0, lead = (size_t)-1;
	int pair = 0;

	for (i = first; i <= last; i++) {
		struct token *tk = &c->toks[i];

		if (tk->kind == TOK_TEXT) {
			if (!blank_text(c->src, tk))
				return;
			if (ntag == 0)
				lead = i;
			continue;
		}
		if (ntag == 2)
			return;
		tags[ntag++] = i;
	}
	if (ntag == 0)
		return;
	if (ntag == 1 && !can_stand_alone(c->toks[tags[0]].kind))
		return;
	if (ntag == 2) {
		if (tags[1] != tags[0] + 1)
			return;
		pair = standalone_pair(&c->toks[tags[0]], &c->toks[tags[1]]);
		if (!pair)
			return;
	}
	for (i = first; i <= last; i++) {
		struct token *tk = &c->toks[i];

		if (tk->kind != TOK_TEXT) {
			tk->standalone = 1;
			tk->line_start = c->toks[first].start;
			tk->line_end = c->toks[last].end;
			if (lead != (size_t)-1) {
				tk->ind = c->toks[lead].start;
				tk->ind_len = c->toks[lead].end - tk->ind;
			} else {
				tk->ind = tk->line_start;
			}
		} else if (pair == 2 && i == last && i > tags[1]) {
			/* keep only the line break */
			size_t keep = c->src[tk->end - 1] != '\n' ? 0 :
				      tk->end - tk->start >= 2 && c->src[tk->end - 2] == '\r' ? 2 : 1;

			tk->start = tk->end - keep;
			tk->removed = keep == 0;
			tk->bol = 0;
		} else {
			tk->removed = 1;
		}
	}
}

static void mark_standalone(struct compiler *c)
{
	size_t i = 0;

	while (i < c->ntok) {
		size_t j = i;

		while (j + 1 < c->ntok &&
		       !(c->toks[j].kind == TOK_TEXT && c->src[c->toks[j].end - 1] == '\n'))
			j++;
		judge_line(c, i, j);
		i = j + 1;
	}
}

/* ===================================================================== */
/* Tree                                                                  */
/* ===================================================================== */

static const char *container_word(enum node_kind k)
{
	switch (k) {
	case NODE_PARENT: return "parent";
	case NODE_BLOCK: return "block";
	default: return "section";
	}
}

static struct node *push_node(struct mustache_template *t, enum node_kind kind,
			      const struct token *tk)
{
	struct node *nd;

	XGROW(t->nodes, t->alloc, t->n + 1);
	nd = &t->nodes[t->n++];
	memset(nd, 0, sizeof *nd);
	nd->kind = kind;
	nd->off = tk->name;
	nd->len = tk->name_len;
	nd->dynamic = tk->dynamic;
	nd->standalone = tk->standalone;
	nd->ind = tk->ind;
	nd->ind_len = tk->ind_len;
	nd->line = tk->line;
	nd->col = tk->col;
	nd->end = t->n;
	if (tk->standalone && tk->line_end > tk->end)
		nd->body = tk->line_end;
	else
		nd->body = tk->end;
	return nd;
}

/* Build the node array from the tokens. 0 or -1. */
static int build(struct compiler *c, struct mustache_template *t)
{
	size_t *stack = NULL, nstack = 0, astack = 0, i;
	int rc = 0;

	for (i = 0; i < c->ntok && rc == 0; i++) {
		const struct token *tk = &c->toks[i];
		struct node *nd, *o;

		switch (tk->kind) {
		case TOK_TEXT:
			if (tk->removed || tk->start == tk->end)
				break;
			nd = push_node(t, NODE_TEXT, tk);
			nd->off = tk->start;
			nd->len = tk->end - tk->start;
			nd->bol = tk->bol;
			break;
		case TOK_ESCAPED:
			push_node(t, NODE_ESCAPED, tk);
			break;
		case TOK_RAW:
			push_node(t, NODE_RAW, tk);
			break;
		case TOK_PARTIAL:
			push_node(t, NODE_PARTIAL, tk);
			break;
		case TOK_SECTION:
		case TOK_INVERTED:
		case TOK_PARENT:
		case TOK_BLOCK:
			push_node(t, tk->kind == TOK_SECTION ? NODE_SECTION :
				     tk->kind == TOK_INVERTED ? NODE_INVERTED :
				     tk->kind == TOK_PARENT ? NODE_PARENT : NODE_BLOCK, tk);
			XGROW(stack, astack, nstack + 1);
			stack[nstack++] = t->n - 1;
			break;
		case TOK_CLOSE:
			if (nstack == 0) {
				cerror(c, tk->line, tk->col, "unexpected closing tag '%.*s'",
				       (int)tk->name_len, c->src + tk->name);
				break;
			}
			o = &t->nodes[stack[nstack - 1]];
			if (o->len != tk->name_len ||
			    memcmp(c->src + o->off, c->src + tk->name, o->len) != 0) {
				cerror(c, tk->line, tk->col,
				       "closing tag '%.*s' does not match open %s '%.*s'",
				       (int)tk->name_len, c->src + tk->name,
				       container_word(o->kind), (int)o->len, c->src + o->off);
				/* the rest would only repeat this error */
				rc = -1;
				break;
			}
			o->end = t->n;
			o->body_end = tk->standalone ? tk->line_start : tk->start;
			if (o->body_end < o->body) /* {{$b}}{{/b}} on one line */
				o->body = o->body_end = tk->start;
			nstack--;
			break;
		case TOK_COMMENT:
		case TOK_DELIM:
			break;
		}
	}
	if (rc == 0) {
		for (i = 0; i < nstack; i++) {
			const struct node *o = &t->nodes[stack[i]];

			cerror(c, o->line, o->col, "unclosed %s '%.*s'",
			       container_word(o->kind), (int)o->len, c->src + o->off);
		}
	}
	free(stack);
	return c->errors ? -1 : 0;
}

/* The blanks every non-blank line of src[from, to) starts with:
 * *off and the returned length. */
static size_t common_indent(const char *s, size_t from, size_t to, size_t *off)
{
	size_t best = 0, i = from;
	int seen = 0;

	*off = from;
	while (i < to) {
		size_t w = 0, k;

		while (i + w < to && is_blank(s[i + w]))
			w++;
		k = i + w;
		if (k < to && s[k] != '\n' && !(s[k] == '\r' && k + 1 < to && s[k + 1] == '\n')) {
			if (!seen) {
				*off = i;
				best = w;
				seen = 1;
			} else {
				size_t m = 0;

				while (m < best && m < w && s[*off + m] == s[i + m])
					m++;
				best = m;
			}
		}
		while (i < to && s[i] != '\n')
			i++;
		i++;
	}
	return best;
}

/*
 * Block indentation is removed where a block is written and added where it
 * is expanded (the inheritance spec). A standalone block's body loses the
 * blanks all its lines share (`strip`, counted from the line start, so
 * nested blocks strip their own, longer, share); the block then adds back
 * what it shares beyond its enclosing block, or failing that, its own
 * tag's indentation.
 */
static void dedent(struct mustache_template *t, size_t i, size_t end, size_t strip)
{
	while (i < end) {
		struct node *nd = &t->nodes[i];
		size_t k;

		if (nd->kind == NODE_TEXT && nd->bol) {
			for (k = 0; k < strip && k < nd->len && is_blank(t->src[nd->off + k]); k++)
				;
			nd->off += k;
			nd->len -= k;
		}
		if (nd->standalone) {
			k = nd->ind_len < strip ? nd->ind_len : strip;
			nd->ind += k;
			nd->ind_len -= k;
		}
		if (nd->kind == NODE_BLOCK && nd->standalone) {
			size_t off, w = common_indent(t->src, nd->body, nd->body_end, &off);

			if (w > strip) {
				nd->ind = off + strip;
				nd->ind_len = w - strip;
			}
			dedent(t, i + 1, nd->end, w > strip ? w : strip);
		} else if (is_container(nd->kind)) {
			dedent(t, i + 1, nd->end, strip);
		}
		i = is_container(nd->kind) ? nd->end : i + 1;
	}
}

/* Compile `text` into a new template, or NULL after recording errors. */
static struct mustache_template *compile(const char *path, const char *text, size_t len,
					 struct diag_list *dl)
{
	struct mustache_template *t = xcalloc(1, sizeof *t);
	struct compiler c;

	t->path = xstrdup(path);
	t->src = xstrndup(text, len);
	t->src_len = len;
	memset(&c, 0, sizeof c);
	c.path = t->path;
	c.src = t->src;
	c.len = len;
	c.dl = dl;
	c.loc_line = 1;
	c.loc_col = 1;
	if (lex(&c) == 0) {
		mark_standalone(&c);
		if (build(&c, t) == 0)
			dedent(t, 0, t->n, 0);
	}
	free(c.toks);
	if (c.errors) {
		template_free(t);
		return NULL;
	}
	return t;
}

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
	return strncmp(name, s, len) == 0 && name[len] == '\0';
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
		template_free(set->entries[i].t);
	}
	free(set->entries);
	free(set->slots);
	free(set);
}

int mustache_set_add(struct mustache_set *set, const char *name, const char *path,
		     const char *text, size_t len, struct diag_list *dl)
{
	struct mustache_template *t = compile(path, text, len, dl);
	size_t *slot;

	if (!t)
		return -1;
	slot = slot_for(set, name, strlen(name));
	if (*slot) {
		/* a theme overriding the default theme's template */
		template_free(set->entries[*slot - 1].t);
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

struct names {
	const char **v;
	size_t n, alloc;
	char **owned; /* NUL-terminated copies made here */
	size_t nowned, aowned;
};

static void names_add(struct names *ns, const struct mustache_template *t,
		      const struct node *nd)
{
	char *s = xstrndup(t->src + nd->off, nd->len);

	XGROW(ns->owned, ns->aowned, ns->nowned + 1);
	ns->owned[ns->nowned++] = s;
	XGROW(ns->v, ns->alloc, ns->n + 1);
	ns->v[ns->n++] = s;
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

	for (i = 0; i < ns->nowned; i++)
		free(ns->owned[i]);
	free(ns->owned);
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
				add_suggestion(&msg, "", 0, word, defined->v, defined->n);
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
	struct strbuf *out;
	struct diag_list *dl;
	size_t dl_start; /* this call's first diagnostic */
	int depth;
	int stop;        /* nesting too deep: unwind without more output */
	int failed;      /* an error was recorded */
	int pending;     /* output is at a line start: indentation is due */
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

static void interpolate(struct render *r, const struct mustache_template *t,
			const struct node *nd, const struct ctx *cx, const struct indent *ind)
{
	struct miss miss;
	const struct value *v = lookup(cx, t->src + nd->off, nd->len, &miss);
	char buf[64];
	const char *s;
	size_t len = 0;

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
	if (nd->kind == NODE_ESCAPED)
		strbuf_add_html(r->out, s, len);
	else
		strbuf_add(r->out, s, len);
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
	const struct value *v = lookup(cx, t->src + nd->off, nd->len, &miss);
	struct ctx inner;
	size_t k;

	/* Lambdas, when they come, hook in here: call the function with the
	 * unrendered body t->src[nd->body, nd->body_end). */
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
		const struct value *v = lookup(cx, name, len, &miss);
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
			interpolate(r, t, nd, cx, ind);
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
	r.out = out;
	r.dl = dl;
	r.dl_start = dl->n;
	r.pending = 1;
	root.v = context ? context : &empty;
	root.up = NULL;
	render_nodes(&r, t, 0, t->n, &root, NULL, NULL);
	return r.failed ? -1 : 0;
}
