/* mustache_compile: template text into the node array the renderer walks. */
#include "mustache_compile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

/*
 * Pipeline: lex (tags, and text as one token per line, set delimiters
 * applied as they come) → mark standalone lines → build the node array →
 * dedent standalone blocks.
 */

void mustache_template_free(struct mustache_template *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->src);
	free(t->nodes);
	free(t->delims);
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
	const char *od, *cd;     /* SECTION: the delimiters in force */
	size_t olen, clen;
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
	/* the delimiters to start with */
	const char *od, *cd;
	size_t olen, clen;
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
	if (memchr(name, '\n', tk->name_len)) {
		/* most likely a tag left open and closed lines later */
		cerror(c, tk->line, tk->col, "unclosed tag '%.*s'",
		       excerpt_len(c->src + tk->start, tk->end - tk->start), c->src + tk->start);
		return -1;
	}
	for (i = 0; i < tk->name_len; i++)
		if (is_space(name[i])) {
			cerror(c, tk->line, tk->col, "bad name '%.*s' in tag",
			       excerpt_len(name, tk->name_len), name);
			return -1;
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
	const char *od = c->od, *cd = c->cd;
	size_t olen = c->olen, clen = c->clen, i = 0;
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
		tk->od = od;
		tk->olen = olen;
		tk->cd = cd;
		tk->clen = clen;
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
	nd->od = tk->od;
	nd->olen = tk->olen;
	nd->cd = tk->cd;
	nd->clen = tk->clen;
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

struct mustache_template *mustache_compile(const char *path, const char *text, size_t len,
					   struct diag_list *dl)
{
	return mustache_compile_delims(path, text, len, "{{", 2, "}}", 2, dl);
}

struct mustache_template *mustache_compile_delims(const char *path, const char *text, size_t len,
						  const char *od, size_t olen, const char *cd,
						  size_t clen, struct diag_list *dl)
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
	/* delimiters given by the caller may point into memory it frees:
	 * keep copies in the template's own text */
	t->delims = xmalloc(olen + clen + 2);
	memcpy(t->delims, od, olen);
	t->delims[olen] = '\0';
	memcpy(t->delims + olen + 1, cd, clen);
	t->delims[olen + 1 + clen] = '\0';
	c.od = t->delims;
	c.olen = olen;
	c.cd = t->delims + olen + 1;
	c.clen = clen;
	if (lex(&c) == 0) {
		mark_standalone(&c);
		if (build(&c, t) == 0)
			dedent(t, 0, t->n, 0);
	}
	free(c.toks);
	if (c.errors) {
		mustache_template_free(t);
		return NULL;
	}
	return t;
}
