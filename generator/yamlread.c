/* yamlread: YAML text (libyaml events) into the value tree, keeping positions. */
#include "yamlread.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "strbuf.h"
#include "xalloc.h"

/* An anchor and the node it names, for aliases. */
struct anchor {
	char *name;
	const struct value *node;
};

struct reader {
	yaml_parser_t parser;
	const char *file;
	const char *text;
	size_t len;
	int line_offset;
	struct diag_list *dl;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	size_t alias_nodes, alias_text; /* what aliases have copied so far */
	int depth;
};

#define MAX_DEPTH 256
/* What the aliases of one file may copy in all. Each alias copies its
 * anchor, so ten aliases of an anchor of ten aliases... grow tenfold a
 * line: nine such lines asked for 18 GB before this limit. A file that
 * uses aliases as they are meant (a shared list, a default block) stays
 * far below it. */
#define ALIAS_NODES_MAX 100000
#define ALIAS_TEXT_MAX (16 * 1024 * 1024)

static struct pos mark_pos(const struct reader *r, yaml_mark_t m)
{
	struct pos p = { r->file, (int)m.line + 1 + r->line_offset, (int)m.column + 1 };
	return p;
}

/* ------------------------------------------------------------------
 * libyaml's syntax errors in words a person editing a data file can act
 * on: "mapping values are not allowed in this context" is said of a
 * second ': ' in a title, a key without its space, and a line indented
 * too far alike. Each case looks at the text around libyaml's marks;
 * what none of them recognises keeps libyaml's own words.
 */

/* The start of line `line` (0-based) of the text, and its length. */
static const char *line_text(const struct reader *r, size_t line, size_t *len)
{
	const char *p = r->text, *end = r->text + r->len, *nl;

	while (line && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		line--;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

/* Byte offset of column `col` (0-based, in characters) in a line. */
static size_t col_offset(const char *s, size_t len, size_t col)
{
	size_t i = 0;

	while (col && i < len) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		col--;
	}
	return i;
}

static size_t indent_of(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	return i;
}

static int blank_line(const char *s, size_t len)
{
	size_t i = indent_of(s, len);

	return i == len || s[i] == '#' || s[i] == '\t';
}

/* The nearest line above `line` with something on it; -1: none. */
static long line_above(const struct reader *r, size_t line)
{
	size_t len;
	const char *s;

	while (line-- > 0) {
		s = line_text(r, line, &len);
		if (!blank_line(s, len))
			return (long)line;
	}
	return -1;
}

/* Where in s[0..len) a ':' followed by a space or the line's end first
 * ends a key, outside quotes; -1: nowhere. */
static long key_colon(const char *s, size_t len)
{
	size_t i;
	char quote = 0;

	for (i = 0; i < len; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if ((s[i] == '"' || s[i] == '\'') && (i == 0 || s[i - 1] == ' ')) {
			quote = s[i];
		} else if (s[i] == '#' && i > 0 && s[i - 1] == ' ') {
			return -1;
		} else if (s[i] == ':' && (i + 1 == len || s[i + 1] == ' ')) {
			return (long)i;
		}
	}
	return -1;
}

/* "key: value" of a line whose value holds ': ', as it would read
 * quoted; NULL when the value has both kinds of quote. */
static char *quoted_example(const char *s, size_t len, size_t colon)
{
	size_t k = indent_of(s, len), v = colon + 1, e = len;
	struct strbuf sb = STRBUF_INIT;
	char q;

	while (v < len && s[v] == ' ')
		v++;
	while (e > v && s[e - 1] == ' ')
		e--;
	if (k < len && s[k] == '-' && k + 1 < len && s[k + 1] == ' ')
		k += 2; /* "- key: value": the key is after the dash */
	q = memchr(s + v, '"', e - v) ? '\'' : '"';
	if (memchr(s + v, q, e - v))
		return NULL;
	strbuf_addf(&sb, "%.*s: %c%.*s%c", (int)(colon - k), s + k, q, (int)(e - v), s + v, q);
	return strbuf_detach(&sb, NULL);
}

/* Say what the indentations used above `line` are, to compare with its
 * own: "0 and 2", "0, 2 and 4" (those under MAX_INDENT). */
#define MAX_INDENT 40
static void add_indents_above(struct strbuf *sb, const struct reader *r, size_t line)
{
	int seen[MAX_INDENT] = { 0 };
	size_t i, n = 0, k = 0, len;
	long l = (long)line;
	const char *s;

	while ((l = line_above(r, (size_t)l)) >= 0) {
		s = line_text(r, (size_t)l, &len);
		i = indent_of(s, len);
		if (i < MAX_INDENT)
			seen[i] = 1;
	}
	for (i = 0; i < MAX_INDENT; i++)
		n += (size_t)seen[i];
	for (i = 0; i < MAX_INDENT; i++) {
		if (!seen[i])
			continue;
		k++;
		strbuf_addf(sb, "%s%zu", k == 1 ? "" : k == n ? " and " : ", ", i);
	}
}

/* A line that starts "key:value", its ':' without the space that makes
 * it a key: say so there (1), or 0. */
static int colon_without_space(struct reader *r, size_t line)
{
	size_t len, i, k;
	const char *a = line_text(r, line, &len);

	if (key_colon(a, len) >= 0)
		return 0;
	k = indent_of(a, len);
	if (k + 1 < len && a[k] == '-' && a[k + 1] == ' ')
		k = indent_of(a + k + 2, len - k - 2) + k + 2;
	for (i = k; i + 1 < len; i++) {
		if (a[i] == ' ' || a[i] == '"' || a[i] == '\'' || a[i] == '#')
			return 0;
		if (a[i] == ':' && i > k) {
			struct pos there = { r->file, (int)line + 1 + r->line_offset, (int)i + 1 };

			diag_error(r->dl, &there, "a key's ':' needs a space after it (%.*s: %.*s)",
				   (int)(i - k), a + k, (int)(len - i - 1), a + i + 1);
			return 1;
		}
	}
	return 0;
}

/* The nearest line above `line` indented by `indent`; -2 when every line
 * above is indented by another amount, -1 when there is none above. */
static long same_indent_above(const struct reader *r, size_t line, size_t indent)
{
	long l = (long)line, any = -1;
	size_t len, i;
	const char *s;

	while ((l = line_above(r, (size_t)l)) >= 0) {
		s = line_text(r, (size_t)l, &len);
		i = indent_of(s, len);
		any = -2;
		if (i == indent)
			return l;
	}
	return any;
}

static int explain(struct reader *r, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "";
	size_t pl = p->problem_mark.line, len, at;
	const char *s = line_text(r, pl, &len);
	struct pos pos = mark_pos(r, p->problem_mark), ctx = mark_pos(r, p->context_mark);
	long above, colon;
	size_t back;
	char c;

	at = col_offset(s, len, p->problem_mark.column);
	c = at < len ? s[at] : '\0';
	if ((!strcmp(problem, "found character that cannot start any token") && c == '\t') ||
	    !strcmp(problem, "found a tab character that violates indentation")) {
		if (at < len && s[at] == '\t')
			pos.col = (int)p->problem_mark.column + 1;
		diag_error(r->dl, &pos, "a tab indents this line: YAML indents with spaces only");
		return 1;
	}
	if (!strcmp(problem, "found character that cannot start any token") &&
	    (c == '@' || c == '`')) {
		diag_error(r->dl, &pos, "a value cannot start with '%c': put it in quotes", c);
		return 1;
	}
	if (!strcmp(problem, "found unexpected end of stream") && p->context &&
	    !strcmp(p->context, "while scanning a quoted scalar")) {
		diag_error(r->dl, &ctx, "the quote that opens this value is never closed");
		return 1;
	}
	if (!strcmp(problem, "found unknown escape character")) {
		diag_error(r->dl, &pos,
			   "'\\%c' is not an escape YAML knows: inside \"...\" write a backslash as "
			   "'\\\\', or put the value in '...'",
			   at + 1 < len ? s[at + 1] : ' ');
		return 1;
	}
	if (!strncmp(problem, "did not find expected ',' or ", 29) && p->context) {
		int list = problem[30] == ']'; /* "... ',' or ']'" */

		diag_error(r->dl, &ctx,
			   "the %s this '%c' opens is not closed: a '%c' (or a ',' between its "
			   "items) is missing before line %d",
			   list ? "list" : "map", list ? '[' : '{', list ? ']' : '}', pos.line);
		return 1;
	}
	if (!strcmp(problem, "block sequence entries are not allowed in this context")) {
		diag_error(r->dl, &pos,
			   "a list cannot start on its key's line: put each '- ' item on a line of "
			   "its own below the key, indented");
		return 1;
	}
	back = at;
	while (back > 0 && back <= len && s[back - 1] == ' ')
		back--;
	if (!strcmp(problem, "did not find expected key") && back > 0 && back <= len &&
	    (s[back - 1] == '\'' || s[back - 1] == '"')) {
		/* a quoted value ended early: an apostrophe or a quote inside it */
		pos.col -= (int)(at - back) + 1;
		if (s[back - 1] == '\'')
			diag_error(r->dl, &pos,
				   "this ' ends the quoted value before its end: inside '...' write an "
				   "apostrophe twice (''), or put the value in \"...\"");
		else
			diag_error(r->dl, &pos,
				   "this \" ends the quoted value before its end: inside \"...\" write "
				   "a quote as \\\", or put the value in '...'");
		return 1;
	}
	if ((!strcmp(problem, "did not find expected key") ||
	     !strcmp(problem, "did not find expected '-' indicator")) &&
	    at == indent_of(s, len) && (above = same_indent_above(r, pl, at)) != -1) {
		struct strbuf sb = STRBUF_INIT;
		size_t alen;
		const char *a;

		if (above == -2) {
			add_indents_above(&sb, r, pl);
			diag_error(r->dl, &pos,
				   "this line is indented by %zu space%s, which lines up with no line "
				   "above it%s%s%s",
				   at, at == 1 ? "" : "s", sb.len ? " (they are indented by " : "",
				   sb.buf, sb.len ? ")" : "");
			strbuf_release(&sb);
			return 1;
		}
		a = line_text(r, (size_t)above, &alen);
		if (c == '-' && !strcmp(problem, "did not find expected key")) {
			diag_error(r->dl, &pos,
				   "a list item among keys: a list belongs under a key of its own, "
				   "on the lines below it, indented");
			return 1;
		}
		if (c != '-' && key_colon(s, len) >= 0 && alen > at + 1 && a[at] == '-' &&
		    a[at + 1] == ' ') {
			diag_error(r->dl, &pos,
				   "a key among the items of a list ('%.*s' above): start it with '- ' "
				   "to make it an item, or indent it to line up with the item's first key",
				   (int)(alen - at), a + at);
			return 1;
		}
	}
	if (!strcmp(problem, "could not find expected ':'") &&
	    colon_without_space(r, p->context_mark.line))
		return 1;
	if (strcmp(problem, "mapping values are not allowed in this context"))
		return 0;
	/* a ': ' after the key's own: the value holds a colon */
	colon = key_colon(s, len);
	if (colon >= 0 && (size_t)colon < at) {
		char *example = quoted_example(s, len, (size_t)colon);

		if (example)
			diag_error(r->dl, &pos,
				   "a second ': ' in one line: put the value in quotes (%s)", example);
		else
			diag_error(r->dl, &pos, "a second ': ' in one line: put the value in quotes");
		free(example);
		return 1;
	}
	above = line_above(r, pl);
	if (above >= 0) {
		size_t alen;
		const char *a = line_text(r, (size_t)above, &alen);

		/* "key:value" above: libyaml read it and this line as one value */
		if (colon_without_space(r, (size_t)above))
			return 1;
		/* a key indented under one that already has a value */
		colon = key_colon(a, alen);
		if (colon >= 0 && (size_t)colon + 1 < alen && indent_of(s, len) > indent_of(a, alen)) {
			diag_error(r->dl, &pos,
				   "this line is indented under '%.*s', which has a value already: "
				   "line the two up",
				   (int)(alen - indent_of(a, alen)), a + indent_of(a, alen));
			return 1;
		}
	}
	return 0;
}

/* Record libyaml's own problem at its real position. */
static void parser_error(struct reader *r)
{
	yaml_parser_t *p = &r->parser;
	yaml_mark_t m = p->problem_mark;
	struct pos pos;

	if (p->error == YAML_MEMORY_ERROR) {
		diag_error(r->dl, NULL, "out of memory while reading '%s'", r->file);
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		/* reader errors give a byte offset, not a line */
		size_t off = p->problem_offset < r->len ? p->problem_offset : r->len;

		/* in the words the content files' own check uses */
		if (p->problem && strstr(p->problem, "UTF-8") &&
		    diag_invalid_utf8(r->dl, r->file, r->text, r->len, r->line_offset))
			return;
		pos = diag_pos_at(r->file, r->text, off, r->line_offset);
		if (p->problem && !strcmp(p->problem, "control characters are not allowed") &&
		    off < r->len)
			diag_error(r->dl, &pos, "a control character (byte 0x%02x) is not allowed here: "
				   "delete it", (unsigned char)r->text[off]);
		else
			diag_error(r->dl, &pos, "%s", p->problem ? p->problem : "invalid input");
		return;
	}
	if (explain(r, p))
		return;
	pos = mark_pos(r, m);
	if (p->context)
		diag_error(r->dl, &pos, "%s %s", p->problem ? p->problem : "syntax error",
			   p->context);
	else
		diag_error(r->dl, &pos, "%s", p->problem ? p->problem : "syntax error");
}

static int is_num_text(const char *s, double *out)
{
	char *end;
	const char *p = s;

	if (!*s)
		return 0;
	if (*p == '+' || *p == '-')
		p++;
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	/* YAML 1.2 core: decimal ints and floats only (no 0x, no 1_000) */
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')))
		return 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o'))
		return 0;
	errno = 0;
	*out = strtod(s, &end);
	return *end == '\0' && errno == 0;
}

static struct value *scalar(struct reader *r, yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct pos pos = mark_pos(r, ev->start_mark);
	struct value *v;
	double d;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag && !strcmp(tag, "tag:yaml.org,2002:str"))
		plain = 0; /* !!str forces a string */
	if (plain && (len == 0 || !strcmp(s, "~") || !strcmp(s, "null") ||
		      !strcmp(s, "Null") || !strcmp(s, "NULL"))) {
		v = value_new(VALUE_NULL, &pos);
		return v;
	}
	if (plain && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
		      !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))) {
		v = value_new(VALUE_BOOL, &pos);
		v->boolean = s[0] == 't' || s[0] == 'T';
	} else if (plain && memchr(s, '\0', len) == NULL && is_num_text(s, &d)) {
		v = value_new(VALUE_NUMBER, &pos);
		v->number = d;
	} else {
		v = value_new(VALUE_STRING, &pos);
	}
	v->str = xstrndup(s, len);
	v->len = len;
	return v;
}

static void remember_anchor(struct reader *r, const yaml_char_t *name,
			    const struct value *node)
{
	if (!name)
		return;
	XGROW(r->anchors, r->aanchors, r->nanchors + 1);
	r->anchors[r->nanchors].name = xstrdup((const char *)name);
	r->anchors[r->nanchors].node = node;
	r->nanchors++;
}

static int next(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->parser, ev)) {
		parser_error(r);
		return -1;
	}
	return 0;
}

static struct value *node(struct reader *r, yaml_event_t *ev);

/* Read events up to the end of the collection started by `start`. */
static struct value *collection(struct reader *r, yaml_event_t *start)
{
	int is_map = start->type == YAML_MAPPING_START_EVENT;
	struct pos pos = mark_pos(r, start->start_mark);
	struct value *v = value_new(is_map ? VALUE_MAP : VALUE_LIST, &pos);
	const yaml_char_t *anchor = is_map ? start->data.mapping_start.anchor
					   : start->data.sequence_start.anchor;
	yaml_event_t ev;

	remember_anchor(r, anchor, v);
	if (++r->depth > MAX_DEPTH) {
		diag_error(r->dl, &pos, "YAML nested deeper than %d levels", MAX_DEPTH);
		value_free(v);
		return NULL;
	}
	for (;;) {
		struct value *key, *val;

		if (next(r, &ev))
			goto fail;
		if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		key = node(r, &ev);
		yaml_event_delete(&ev);
		if (!key)
			goto fail;
		if (!is_map) {
			value_list_push(v, key);
			continue;
		}
		if (key->kind == VALUE_MAP || key->kind == VALUE_LIST || key->kind == VALUE_NULL) {
			diag_error(r->dl, &key->pos, "a map key must be a plain word, not a %s",
				   value_kind_name(key->kind));
			value_free(key);
			goto fail;
		}
		if (next(r, &ev)) {
			value_free(key);
			goto fail;
		}
		val = node(r, &ev);
		yaml_event_delete(&ev);
		if (!val) {
			value_free(key);
			goto fail;
		}
		if (value_member(v, key->str)) {
			diag_error(r->dl, &key->pos, "duplicate key '%s'", key->str);
			value_free(key);
			value_free(val);
			goto fail;
		}
		/* looked for just above: add it without looking again, the
		 * key's text handed over */
		value_map_append(v, key->str, val, &key->pos);
		key->str = NULL;
		value_free(key);
	}
	r->depth--;
	return v;
fail:
	/* anchors may now point into freed nodes; harmless, since a failure
	 * ends the parse before any alias is read again */
	value_free(v);
	return NULL;
}

static struct value *alias(struct reader *r, yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct pos pos = mark_pos(r, ev->start_mark);
	size_t i;

	for (i = r->nanchors; i-- > 0;)
		if (!strcmp(r->anchors[i].name, name)) {
			struct value_size z = { 0, 0, 0, 0 };
			struct value *c;

			value_measure(r->anchors[i].node, &z);
			r->alias_nodes += z.nodes;
			r->alias_text += z.text;
			if (r->alias_nodes > ALIAS_NODES_MAX || r->alias_text > ALIAS_TEXT_MAX) {
				diag_error(r->dl, &pos,
					   "the aliases of this file repeat more than %d values or %d MB of text in all (aliases of aliases multiply): write the values out instead",
					   ALIAS_NODES_MAX, ALIAS_TEXT_MAX / (1024 * 1024));
				return NULL;
			}
			c = value_copy(r->anchors[i].node);
			c->pos = pos;
			return c;
		}
	diag_error(r->dl, &pos, "unknown alias '*%s': no anchor '&%s' comes before it", name, name);
	return NULL;
}

static struct value *node(struct reader *r, yaml_event_t *ev)
{
	struct value *v;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		v = scalar(r, ev);
		remember_anchor(r, ev->data.scalar.anchor, v);
		return v;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return collection(r, ev);
	case YAML_ALIAS_EVENT:
		return alias(r, ev);
	default: {
		struct pos pos = mark_pos(r, ev->start_mark);

		diag_error(r->dl, &pos, "unexpected YAML event");
		return NULL;
	}
	}
}

struct value *yamlread_parse(const char *file, const char *text, size_t len,
			     int line_offset, struct diag_list *dl)
{
	struct reader r;
	yaml_event_t ev;
	struct value *root = NULL;
	size_t i;
	int state = 0; /* 0 before document, 1 got root, 2 after document end */

	memset(&r, 0, sizeof r);
	r.file = file;
	r.text = text;
	r.len = len;
	r.line_offset = line_offset;
	r.dl = dl;
	if (!yaml_parser_initialize(&r.parser)) {
		diag_error(dl, NULL, "out of memory while reading '%s'", file);
		return NULL;
	}
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&r.parser, YAML_UTF8_ENCODING);
	for (;;) {
		if (next(&r, &ev))
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT) {
			if (state == 2) {
				struct pos pos = mark_pos(&r, ev.start_mark);

				diag_error(dl, &pos, "a second YAML document is not allowed here");
				yaml_event_delete(&ev);
				goto fail;
			}
		} else if (ev.type == YAML_DOCUMENT_END_EVENT) {
			state = 2;
		} else if (ev.type != YAML_STREAM_START_EVENT) {
			root = node(&r, &ev);
			if (!root) {
				yaml_event_delete(&ev);
				goto fail;
			}
			state = 1;
		}
		yaml_event_delete(&ev);
	}
	if (!root) {
		struct pos pos = { file, 1 + line_offset, 1 };

		root = value_new(VALUE_NULL, &pos);
	}
	goto done;
fail:
	value_free(root);
	root = NULL;
done:
	for (i = 0; i < r.nanchors; i++)
		free(r.anchors[i].name);
	free(r.anchors);
	yaml_parser_delete(&r.parser);
	return root;
}
