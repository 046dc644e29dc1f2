/* yamlread: YAML text (libyaml events) into the value tree, keeping positions. */
#include "yamlread.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

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
		/* reader errors give a byte offset, not a line: count it out */
		size_t i, off = p->problem_offset < r->len ? p->problem_offset : r->len;

		pos.file = r->file;
		pos.line = 1 + r->line_offset;
		pos.col = 1;
		for (i = 0; i < off; i++) {
			if (r->text[i] == '\n') {
				pos.line++;
				pos.col = 1;
			} else if (((unsigned char)r->text[i] & 0xc0) != 0x80) {
				pos.col++;
			}
		}
		diag_error(r->dl, &pos, "%s", p->problem ? p->problem : "invalid input");
		return;
	}
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
