/* chart: reading chart specs, and the words and HTML around the pictures. */
#include "chart.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "chartscale.h"
#include "slug.h"
#include "xalloc.h"

/*
 * Drawing lives in chartdraw.c and numbers in chartscale.c; this file
 * holds the model: parse and check a spec, free it, and write the alt
 * text, the data table and the <figure>.
 */

static const char *const type_names[] = { "bar", "hbar", "line", "steps" };
#define N_TYPES (sizeof type_names / sizeof type_names[0])

static const char *const spec_fields[] = {
	"id", "type", "title", "unit", "source", "data", "steps",
	"label_heading", "value_heading",
};
static const char *const point_fields[] = { "label", "value" };

const char *chart_type_name(enum chart_type t)
{
	return (unsigned)t < N_TYPES ? type_names[t] : "?";
}

void chart_init(struct chart *c)
{
	memset(c, 0, sizeof *c);
}

void chart_release(struct chart *c)
{
	size_t i;

	for (i = 0; i < c->n_data; i++)
		free(c->data[i].label);
	for (i = 0; i < c->n_steps; i++) {
		free(c->steps[i].title);
		free(c->steps[i].credential);
	}
	free(c->data);
	free(c->steps);
	free(c->id);
	free(c->title);
	free(c->unit);
	free(c->source);
	free(c->label_heading);
	free(c->value_heading);
	chart_init(c);
}

/* ---- parsing ---------------------------------------------------------- */

/* State of one parse: where problems go and how to name the chart. */
struct parser {
	struct diag_list *dl;
	struct strbuf what; /* "chart 'wages'", or "chart" before an id */
	int errors;
};

static void fail(struct parser *p, const struct pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, const struct pos *pos, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_error(p->dl, pos, "%s", msg.buf);
	strbuf_release(&msg);
	p->errors++;
}

/* Characters, not bytes, of a UTF-8 string. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int is_text(const struct value *v)
{
	/* a label "2019" or a title "2024" reads as a number in YAML */
	return v->kind == VALUE_STRING || v->kind == VALUE_NUMBER;
}

/* Report unknown keys of `map` (did you mean one of `known`?). */
static void check_fields(struct parser *p, const struct value *map,
			 const char *const *known, size_t n, const char *what)
{
	size_t i, j;

	for (i = 0; i < map->n; i++) {
		const struct value_member *m = &map->members[i];
		const char *near;

		for (j = 0; j < n && strcmp(known[j], m->key); j++)
			;
		if (j < n)
			continue;
		near = diag_suggest(m->key, known, n);
		if (near)
			fail(p, &m->key_pos, "unknown field '%s' in %s; did you mean '%s'?",
			      m->key, what, near);
		else
			fail(p, &m->key_pos, "unknown field '%s' in %s", m->key, what);
	}
}

/*
 * The text of field `key` of `map` as a new string, or NULL when absent
 * (an error when `required`) or not text (always an error). Text longer
 * than `max` characters (0: no limit) is an error too.
 */
static char *get_text(struct parser *p, const struct value *map, const char *key,
		      int required, size_t max, const char *what)
{
	const struct value *v = value_get(map, key);
	size_t n;

	if (!v || v->kind == VALUE_NULL) {
		if (required)
			fail(p, v ? &v->pos : &map->pos, "missing required field '%s' in %s",
			      key, what);
		return NULL;
	}
	if (!is_text(v)) {
		fail(p, &v->pos, "'%s' in %s must be text, not a %s", key, what,
		      value_kind_name(v->kind));
		return NULL;
	}
	if (required && !v->len) {
		fail(p, &v->pos, "'%s' in %s is empty", key, what);
		return NULL;
	}
	if (max && (n = utf8_len(v->str)) > max) {
		fail(p, &v->pos, "'%s' in %s is too long (%zu characters; at most %zu)",
		      key, what, n, max);
		return NULL;
	}
	return xstrdup(v->str);
}

/* Negative numbers make sense only for percentages ("change in jobs")
 * and unit-less numbers; not for money, durations or counts. */
static int negative_allowed(const char *unit)
{
	return !*unit || !strcmp(unit, "%");
}

/*
 * The number at `v` (field `key` of `what`) into *out: 0, or -1 after
 * recording why not. `v` is never NULL here.
 */
static int get_number(struct parser *p, const struct value *v, const char *key,
		      const char *what, const char *unit, double *out)
{
	if (v->kind != VALUE_NUMBER) {
		if (v->kind == VALUE_STRING || v->kind == VALUE_BOOL)
			fail(p, &v->pos, "'%s' in %s must be a number, not '%s'", key, what,
			      v->str);
		else
			fail(p, &v->pos, "'%s' in %s must be a number, not a %s", key, what,
			      value_kind_name(v->kind));
		return -1;
	}
	if (!isfinite(v->number) || fabs(v->number) >= 1e12) {
		fail(p, &v->pos, "'%s' in %s must be a finite number below a trillion, not '%s'",
		      key, what, v->str);
		return -1;
	}
	if (v->number < 0 && !negative_allowed(unit)) {
		fail(p, &v->pos, "'%s' in %s is negative ('%s'), which a chart in '%s' cannot show",
		      key, what, v->str, unit);
		return -1;
	}
	*out = v->number;
	return 0;
}

static void parse_points(struct parser *p, const struct value *list, struct chart *c)
{
	struct strbuf what = STRBUF_INIT;
	size_t i;

	c->data = xcalloc(list->n, sizeof *c->data);
	for (i = 0; i < list->n; i++) {
		const struct value *item = list->items[i], *v;
		struct chart_point *pt = &c->data[c->n_data];
		char *label;
		int ok;

		strbuf_reset(&what);
		strbuf_addf(&what, "data item %zu of %s", i + 1, p->what.buf);
		if (item->kind != VALUE_MAP) {
			fail(p, &item->pos, "%s must be a map with 'label' and 'value', not a %s",
			      what.buf, value_kind_name(item->kind));
			continue;
		}
		check_fields(p, item, point_fields, 2, what.buf);
		label = get_text(p, item, "label", 1, CHART_MAX_LABEL, what.buf);
		v = value_get(item, "value");
		ok = label != NULL;
		if (!v || v->kind == VALUE_NULL) {
			fail(p, v ? &v->pos : &item->pos, "missing required field 'value' in %s",
			     what.buf);
			ok = 0;
		} else if (get_number(p, v, "value", what.buf, c->unit, &pt->value)) {
			ok = 0;
		}
		if (ok) {
			pt->label = label;
			pt->label_pos = value_get(item, "label")->pos;
			pt->value_pos = v->pos;
			c->n_data++;
			continue;
		}
		free(label);
	}
	strbuf_release(&what);
}

static void parse_steps(struct parser *p, const struct value *list, struct chart *c)
{
	struct strbuf what = STRBUF_INIT;
	size_t i;

	c->steps = xcalloc(list->n, sizeof *c->steps);
	for (i = 0; i < list->n; i++) {
		const struct value *item = list->items[i], *v;
		struct chart_step *st = &c->steps[c->n_steps];
		int before = p->errors;

		strbuf_reset(&what);
		strbuf_addf(&what, "step %zu of %s", i + 1, p->what.buf);
		if (item->kind != VALUE_MAP) {
			fail(p, &item->pos, "%s must be a map with a 'title', not a %s", what.buf,
			      value_kind_name(item->kind));
			continue;
		}
		/* Other keys are allowed: a pathway's steps (with wage, skills
		 * and so on, checked by the pathway schema) can be used as is. */
		st->title = get_text(p, item, "title", 1, CHART_MAX_LABEL, what.buf);
		st->credential = get_text(p, item, "credential", 0, CHART_MAX_LABEL, what.buf);
		st->months = -1;
		v = value_get(item, "duration_months");
		if (v && v->kind != VALUE_NULL)
			get_number(p, v, "duration_months", what.buf, "months", &st->months);
		if (p->errors != before) {
			free(st->title);
			free(st->credential);
			memset(st, 0, sizeof *st);
			continue;
		}
		st->pos = item->pos;
		st->title_pos = value_get(item, "title")->pos;
		if (st->credential)
			st->credential_pos = value_get(item, "credential")->pos;
		c->n_steps++;
	}
	strbuf_release(&what);
}

/* The type named by `v` into *out; 0, or -1 after recording why not. */
static int parse_type(struct parser *p, const struct value *spec, enum chart_type *out)
{
	const struct value *v = value_get(spec, "type");
	const char *near;
	size_t i;

	if (!v || v->kind == VALUE_NULL) {
		fail(p, v ? &v->pos : &spec->pos, "missing required field 'type' in %s (use bar, hbar, line or steps)",
		      p->what.buf);
		return -1;
	}
	if (v->kind != VALUE_STRING) {
		fail(p, &v->pos, "'type' in %s must be text, not a %s", p->what.buf,
		      value_kind_name(v->kind));
		return -1;
	}
	for (i = 0; i < N_TYPES; i++)
		if (!strcmp(v->str, type_names[i])) {
			*out = (enum chart_type)i;
			return 0;
		}
	near = diag_suggest(v->str, type_names, N_TYPES);
	if (near)
		fail(p, &v->pos, "unknown chart type '%s' in %s; did you mean '%s'?", v->str,
		      p->what.buf, near);
	else
		fail(p, &v->pos, "unknown chart type '%s' in %s (use bar, hbar, line or steps)",
		      v->str, p->what.buf);
	return -1;
}

/* The list in field `key`, checked for kind, emptiness and length; NULL
 * after recording why not. */
static const struct value *get_list(struct parser *p, const struct value *spec,
				    const char *key, size_t max)
{
	const struct value *v = value_get(spec, key);

	if (!v || v->kind == VALUE_NULL) {
		fail(p, v ? &v->pos : &spec->pos, "missing required field '%s' in %s", key,
		      p->what.buf);
		return NULL;
	}
	if (v->kind != VALUE_LIST) {
		fail(p, &v->pos, "'%s' in %s must be a list, not a %s", key, p->what.buf,
		      value_kind_name(v->kind));
		return NULL;
	}
	if (!v->n) {
		fail(p, &v->pos, "'%s' in %s is empty: there is nothing to draw", key,
		      p->what.buf);
		return NULL;
	}
	if (v->n > max) {
		fail(p, &v->pos, "'%s' in %s has too many items (%zu; at most %zu)", key,
		      p->what.buf, v->n, max);
		return NULL;
	}
	return v;
}

int chart_parse(const struct value *spec, struct chart *out, struct diag_list *dl)
{
	struct parser p = { dl, STRBUF_INIT, 0 };
	const struct value *idv, *list;
	int type_ok;

	chart_init(out);
	if (!spec || spec->kind != VALUE_MAP) {
		diag_error(dl, spec ? &spec->pos : NULL, "a chart must be a map of fields, not a %s",
			   spec ? value_kind_name(spec->kind) : "nothing");
		return -1;
	}
	out->pos = spec->pos;

	/* the id first, so every later message can name the chart */
	idv = value_get(spec, "id");
	strbuf_adds(&p.what, "chart");
	out->id = get_text(&p, spec, "id", 1, 0, "chart");
	if (out->id && !slug_valid_id(out->id)) {
		fail(&p, &idv->pos,
		      "'%s' is not a valid chart id: use lowercase letters, digits and single '-'",
		      out->id);
	} else if (out->id) {
		strbuf_addf(&p.what, " '%s'", out->id);
	}

	check_fields(&p, spec, spec_fields, sizeof spec_fields / sizeof *spec_fields, p.what.buf);
	type_ok = parse_type(&p, spec, &out->type) == 0;
	out->title = get_text(&p, spec, "title", 1, CHART_MAX_LABEL, p.what.buf);
	out->unit = get_text(&p, spec, "unit", 0, 24, p.what.buf);
	if (!out->unit)
		out->unit = xstrdup("");
	out->source = get_text(&p, spec, "source", 0, 200, p.what.buf);
	out->label_heading = get_text(&p, spec, "label_heading", 0, CHART_MAX_LABEL, p.what.buf);
	out->value_heading = get_text(&p, spec, "value_heading", 0, CHART_MAX_LABEL, p.what.buf);
	if (!out->label_heading)
		out->label_heading = xstrdup(type_ok && out->type == CHART_STEPS ? "Step" : "Item");
	if (!out->value_heading)
		out->value_heading = xstrdup("Value");

	if (type_ok && out->type == CHART_STEPS) {
		if (value_get(spec, "data"))
			fail(&p, &value_member(spec, "data")->key_pos,
			      "'data' is not used by a steps chart (%s); use 'steps'", p.what.buf);
		if ((list = get_list(&p, spec, "steps", CHART_MAX_STEPS)))
			parse_steps(&p, list, out);
	} else if (type_ok) {
		if (value_get(spec, "steps"))
			fail(&p, &value_member(spec, "steps")->key_pos,
			      "'steps' is only used by a steps chart; %s is a %s chart", p.what.buf,
			      chart_type_name(out->type));
		if ((list = get_list(&p, spec, "data", CHART_MAX_DATA))) {
			if (out->type == CHART_LINE && list->n < 2)
				fail(&p, &list->pos, "a line chart needs at least two points; 'data' in %s has one",
				      p.what.buf);
			else
				parse_points(&p, list, out);
		}
	}

	strbuf_release(&p.what);
	if (p.errors) {
		chart_release(out);
		return -1;
	}
	return 0;
}

/* ---- alt text --------------------------------------------------------- */

/* "four" for small counts, digits otherwise. */
static void add_count(struct strbuf *sb, size_t n)
{
	static const char *const words[] = { "no", "one", "two", "three", "four", "five",
					      "six", "seven", "eight", "nine", "ten" };

	if (n < sizeof words / sizeof *words)
		strbuf_adds(sb, words[n]);
	else
		strbuf_addf(sb, "%zu", n);
}

static void add_value(struct strbuf *sb, const struct chart *c, double v)
{
	chart_format_value(sb, v, c->unit, CHART_LONG);
}

static void alt_line(const struct chart *c, struct strbuf *out)
{
	const struct chart_point *first = &c->data[0], *last = &c->data[c->n_data - 1];
	size_t i, top = 0;

	for (i = 1; i < c->n_data; i++)
		if (c->data[i].value > c->data[top].value)
			top = i;
	strbuf_addf(out, "%s ", c->title);
	if (last->value == first->value)
		strbuf_adds(out, "is the same at the start and the end: ");
	else
		strbuf_adds(out, last->value > first->value ? "rises from " : "falls from ");
	add_value(out, c, first->value);
	strbuf_addf(out, " (%s) to ", first->label);
	add_value(out, c, last->value);
	strbuf_addf(out, " (%s) over ", last->label);
	add_count(out, c->n_data - 1);
	strbuf_adds(out, c->n_data == 2 ? " step" : " steps");
	if (c->data[top].value > first->value && c->data[top].value > last->value) {
		strbuf_adds(out, ", highest at ");
		add_value(out, c, c->data[top].value);
		strbuf_addf(out, " (%s)", c->data[top].label);
	}
	strbuf_addch(out, '.');
}

static void alt_bars(const struct chart *c, struct strbuf *out)
{
	size_t i, hi = 0, lo = 0;

	for (i = 1; i < c->n_data; i++) {
		if (c->data[i].value > c->data[hi].value)
			hi = i;
		if (c->data[i].value < c->data[lo].value)
			lo = i;
	}
	strbuf_addf(out, "%s, ", c->title);
	if (c->n_data == 1) {
		strbuf_addf(out, "one bar: %s at ", c->data[0].label);
		add_value(out, c, c->data[0].value);
	} else if (c->data[hi].value == c->data[lo].value) {
		strbuf_adds(out, "all ");
		add_count(out, c->n_data);
		strbuf_adds(out, " bars at ");
		add_value(out, c, c->data[0].value);
	} else {
		add_count(out, c->n_data);
		strbuf_addf(out, " bars: highest %s at ", c->data[hi].label);
		add_value(out, c, c->data[hi].value);
		strbuf_addf(out, ", lowest %s at ", c->data[lo].label);
		add_value(out, c, c->data[lo].value);
	}
	strbuf_addch(out, '.');
}

static void alt_steps(const struct chart *c, struct strbuf *out)
{
	double total = 0;
	size_t i;
	int all_timed = 1;

	for (i = 0; i < c->n_steps; i++) {
		if (c->steps[i].months < 0)
			all_timed = 0;
		else
			total += c->steps[i].months;
	}
	strbuf_addf(out, "%s, ", c->title);
	add_count(out, c->n_steps);
	if (c->n_steps == 1)
		strbuf_addf(out, " step: %s", c->steps[0].title);
	else
		strbuf_addf(out, " steps from %s to %s", c->steps[0].title,
			    c->steps[c->n_steps - 1].title);
	if (all_timed) {
		strbuf_adds(out, ", taking ");
		chart_format_value(out, total, "months", CHART_LONG);
		/* in years too, as the page says it ("6 years 2 months") */
		if (total >= 12 && fmod(total, 1) == 0) {
			int y = (int)(total / 12), m = (int)fmod(total, 12);

			strbuf_addf(out, " (%d year%s", y, y == 1 ? "" : "s");
			if (m)
				strbuf_addf(out, " %d month%s", m, m == 1 ? "" : "s");
			strbuf_addch(out, ')');
		}
		strbuf_adds(out, c->n_steps == 1 ? "" : " in all");
	}
	strbuf_addch(out, '.');
}

void chart_alt_text(const struct chart *c, struct strbuf *out)
{
	switch (c->type) {
	case CHART_LINE: alt_line(c, out); break;
	case CHART_BAR:
	case CHART_HBAR: alt_bars(c, out); break;
	case CHART_STEPS: alt_steps(c, out); break;
	}
}

/* ---- HTML ------------------------------------------------------------- */

static void html(struct strbuf *out, const char *s)
{
	strbuf_add_html(out, s, strlen(s));
}

void chart_table_html(const struct chart *c, struct strbuf *out)
{
	size_t i;

	strbuf_adds(out, "<table class=\"chart-table\">\n<caption>");
	html(out, c->title);
	if (*c->unit && c->type != CHART_STEPS) {
		strbuf_adds(out, " (");
		html(out, c->unit);
		strbuf_addch(out, ')');
	}
	strbuf_adds(out, "</caption>\n<thead><tr>");
	if (c->type == CHART_STEPS) {
		strbuf_adds(out, "<th scope=\"col\">");
		html(out, c->label_heading);
		strbuf_adds(out, "</th><th scope=\"col\">Title</th><th scope=\"col\">Duration</th>"
				 "<th scope=\"col\">Credential</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < c->n_steps; i++) {
			const struct chart_step *st = &c->steps[i];

			strbuf_addf(out, "<tr><td>%zu</td><th scope=\"row\">", i + 1);
			html(out, st->title);
			strbuf_adds(out, "</th><td>");
			if (st->months >= 0)
				chart_format_value(out, st->months, "months", CHART_LONG);
			else
				strbuf_adds(out, "Not given");
			strbuf_adds(out, "</td><td>");
			html(out, st->credential ? st->credential : "None");
			strbuf_adds(out, "</td></tr>\n");
		}
	} else {
		strbuf_adds(out, "<th scope=\"col\">");
		html(out, c->label_heading);
		strbuf_adds(out, "</th><th scope=\"col\">");
		html(out, c->value_heading);
		if (*c->unit) {
			strbuf_adds(out, " (");
			html(out, c->unit);
			strbuf_addch(out, ')');
		}
		strbuf_adds(out, "</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < c->n_data; i++) {
			struct strbuf v = STRBUF_INIT;

			chart_format_value(&v, c->data[i].value, c->unit, CHART_SHORT);
			strbuf_adds(out, "<tr><th scope=\"row\">");
			html(out, c->data[i].label);
			strbuf_adds(out, "</th><td>");
			html(out, v.buf);
			strbuf_adds(out, "</td></tr>\n");
			strbuf_release(&v);
		}
	}
	strbuf_adds(out, "</tbody>\n</table>\n");
}

/* ' srcset="1x, 2x" width="W" height="H"' of a picture (an <img> with
 * no 2x picture needs no srcset: its src says it; a <source> does) */
static void picture_attrs(struct strbuf *out, const struct chart_picture *p, int source)
{
	if (source || p->src2x) {
		strbuf_adds(out, " srcset=\"");
		if (p->src1x) {
			html(out, p->src1x);
			strbuf_adds(out, p->src2x ? " 1x, " : "");
		}
		if (p->src2x) {
			html(out, p->src2x);
			strbuf_adds(out, " 2x");
		}
		strbuf_addch(out, '"');
	}
	strbuf_addf(out, " width=\"%d\" height=\"%d\"", p->width, p->height);
}

void chart_figure_html(const struct chart *c, const struct chart_picture *wide,
		       const struct chart_picture *narrow, struct strbuf *out)
{
	struct strbuf alt = STRBUF_INIT;

	chart_alt_text(c, &alt);
	strbuf_addf(out, "<figure class=\"chart chart-%s\" id=\"chart-", chart_type_name(c->type));
	html(out, c->id);
	strbuf_adds(out, "\">\n<picture>\n");
	if (narrow) {
		strbuf_adds(out, "<source media=\"" CHART_NARROW_MEDIA "\"");
		picture_attrs(out, narrow, 1);
		strbuf_adds(out, ">\n");
	}
	strbuf_adds(out, "<img src=\"");
	html(out, wide->src1x);
	strbuf_addch(out, '"');
	picture_attrs(out, wide, 0);
	strbuf_adds(out, " alt=\"");
	strbuf_add_html(out, alt.buf, alt.len);
	strbuf_adds(out, "\" loading=\"lazy\" decoding=\"async\">\n</picture>\n<figcaption>"
			 "<span class=\"chart-title\">");
	html(out, c->title);
	strbuf_adds(out, "</span>");
	if (*c->unit && c->type != CHART_STEPS) {
		strbuf_adds(out, " <span class=\"chart-unit\">(");
		html(out, c->unit);
		strbuf_adds(out, ")</span>");
	}
	if (c->source) {
		strbuf_adds(out, " <span class=\"chart-source\">Source: ");
		html(out, c->source);
		strbuf_adds(out, "</span>");
	}
	strbuf_adds(out, "</figcaption>\n</figure>\n<details class=\"chart-data\">\n"
			 "<summary>Data for the chart &ldquo;");
	html(out, c->title);
	strbuf_adds(out, "&rdquo;</summary>\n");
	chart_table_html(c, out);
	strbuf_adds(out, "</details>\n");
	strbuf_release(&alt);
}
