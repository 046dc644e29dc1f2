/* figures: the charts pages show, each drawn once per build. */
#include "figures.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "strbuf.h"
#include "threads.h"
#include "xalloc.h"

static atomic_ullong draw_ns; /* figures_draw_seconds */

double figures_draw_seconds(void)
{
	return (double)atomic_load(&draw_ns) / 1e9;
}

static void attach(struct page *p, const struct value *spec, struct diag_list *dl)
{
	struct chart c;
	size_t i;

	chart_init(&c);
	if (chart_parse(spec, &c, dl) < 0)
		return;
	for (i = 0; i < p->ncharts; i++)
		if (!strcmp(p->charts[i].id, c.id)) {
			diag_error(dl, &spec->pos, "two charts on page '%s' have the id '%s'", p->url, c.id);
			chart_release(&c);
			return;
		}
	p->charts = xrealloc(p->charts, (p->ncharts + 1) * sizeof *p->charts);
	p->charts[p->ncharts++] = c;
}

/* A map node for a spec, placed at `pos` for any diagnostic. */
static struct value *spec_map(const struct pos *pos)
{
	return value_new(VALUE_MAP, pos);
}

static void set_str(struct value *m, const char *key, const char *s)
{
	value_map_set_str(m, key, s);
}

/* The wage at each step, when two or more steps have one. Annual wages
 * are shown as hourly (a year of 2,080 hours) when the steps mix them.
 * Specs share the pathway's own nodes (value_share), not copies: they
 * are made for every pathway on every build and freed at once. */
static struct value *wage_spec(const struct record *p)
{
	const struct value *steps = value_get(p->v, "steps");
	struct value *spec, *data;
	size_t i, hourly = 0, annual = 0;
	struct strbuf id = STRBUF_INIT;

	for (i = 0; steps && steps->kind == VALUE_LIST && i < steps->n; i++) {
		const struct value *w = value_get(steps->items[i], "wage");

		if (value_get(w, "hourly") && value_get(w, "hourly")->kind == VALUE_NUMBER)
			hourly++;
		else if (value_get(w, "annual") && value_get(w, "annual")->kind == VALUE_NUMBER)
			annual++;
	}
	if (hourly + annual < 2)
		return NULL;
	spec = spec_map(&p->v->pos);
	strbuf_addf(&id, "%s-wages", p->id);
	set_str(spec, "id", id.buf);
	set_str(spec, "type", "line");
	set_str(spec, "title", hourly ? "Hourly wage at each step" : "Yearly pay at each step");
	set_str(spec, "unit", hourly ? "$/hour" : "$/year");
	set_str(spec, "label_heading", "Step");
	set_str(spec, "value_heading", hourly ? "Hourly wage" : "Yearly pay");
	set_str(spec, "source", hourly && annual
			? "Illustrative wages, not survey data; yearly pay shown per hour (2,080 hours a year)"
			: "Illustrative wages, not survey data");
	data = value_new(VALUE_LIST, &p->v->pos);
	for (i = 0; i < steps->n; i++) {
		const struct value *st = steps->items[i], *w = value_get(st, "wage");
		const struct value *h = value_get(w, "hourly"), *a = value_get(w, "annual");
		const struct value *title = value_get(st, "title");
		struct value *pt, *v;

		if (!(h && h->kind == VALUE_NUMBER) && !(a && a->kind == VALUE_NUMBER))
			continue;
		pt = spec_map(&st->pos);
		value_map_set(pt, "label", value_share(title), NULL);
		if (h && h->kind == VALUE_NUMBER) {
			v = value_share(h);
		} else if (hourly) {
			v = value_new_number((double)(long long)(a->number / 2080.0 * 100 + 0.5) / 100);
			v->pos = a->pos;
		} else {
			v = value_share(a);
		}
		value_map_set(pt, "value", v, NULL);
		value_list_push(data, pt);
	}
	value_map_set(spec, "data", data, NULL);
	strbuf_release(&id);
	return spec;
}

static struct value *steps_spec(const struct record *p)
{
	const struct value *steps = value_get(p->v, "steps");
	struct value *spec;
	struct strbuf id = STRBUF_INIT;

	if (!steps || steps->kind != VALUE_LIST || !steps->n)
		return NULL;
	spec = spec_map(&p->v->pos);
	strbuf_addf(&id, "%s-steps", p->id);
	set_str(spec, "id", id.buf);
	set_str(spec, "type", "steps");
	set_str(spec, "title", "The steps of this pathway");
	value_map_set(spec, "steps", value_share(steps), NULL);
	strbuf_release(&id);
	return spec;
}

static struct value *skills_spec(const struct record *fw)
{
	struct value *spec = spec_map(&fw->v->pos), *data = value_new(VALUE_LIST, &fw->v->pos);
	struct strbuf s = STRBUF_INIT;
	size_t i;

	strbuf_addf(&s, "%s-skills", fw->id);
	set_str(spec, "id", s.buf);
	set_str(spec, "type", "hbar");
	strbuf_reset(&s);
	strbuf_addf(&s, "Skills in each group: %s", fw->title);
	set_str(spec, "title", s.buf);
	set_str(spec, "unit", "skills");
	set_str(spec, "label_heading", "Group");
	set_str(spec, "value_heading", "Skills");
	for (i = 0; i < fw->children.n; i++) {
		const struct record *c = fw->children.items[i];
		struct value *pt = spec_map(&c->v->pos);

		set_str(pt, "label", c->title);
		value_map_set_num(pt, "value", (double)c->children.n);
		value_list_push(data, pt);
	}
	value_map_set(spec, "data", data, NULL);
	strbuf_release(&s);
	return spec;
}

int figures_plan(struct page_list *pl, const struct model *m, struct diag_list *dl)
{
	size_t before = dl->errors, i, k;

	for (i = 0; i < pl->n; i++) {
		struct page *p = &pl->items[i];
		const struct value *specs = p->doc && p->kind != PAGE_SKILL
					    ? value_get(p->doc->meta, "charts") : NULL;
		struct value *auto_spec;

		if (p->number > 1)
			continue; /* a list's later pages: only the first shows them */
		if (p->kind == PAGE_PATHWAY) {
			if ((auto_spec = wage_spec(p->record))) {
				attach(p, auto_spec, dl);
				value_free(auto_spec);
			}
			if ((auto_spec = steps_spec(p->record))) {
				attach(p, auto_spec, dl);
				value_free(auto_spec);
			}
		}
		if (p->kind == PAGE_FRAMEWORKS)
			for (k = 0; k < m->all[RECORD_FRAMEWORK].n; k++) {
				auto_spec = skills_spec(m->all[RECORD_FRAMEWORK].items[k]);
				attach(p, auto_spec, dl);
				value_free(auto_spec);
			}
		for (k = 0; specs && specs->kind == VALUE_LIST && k < specs->n; k++)
			attach(p, specs->items[k], dl);
	}
	return dl->errors > before ? -1 : 0;
}

/* Where the chart's texts are in its file: warnings name these places. */
static unsigned long long places(const struct chart *c)
{
	unsigned long long h = VALUE_HASH_SEED;
	size_t i;

	h = value_hash_bytes(&c->pos.line, sizeof c->pos.line, h);
	if (c->pos.file)
		h = value_hash_bytes(c->pos.file, strlen(c->pos.file), h);
	for (i = 0; i < c->n_data; i++) {
		h = value_hash_bytes(&c->data[i].label_pos.line, sizeof(int), h);
		h = value_hash_bytes(&c->data[i].label_pos.col, sizeof(int), h);
	}
	for (i = 0; i < c->n_steps; i++) {
		h = value_hash_bytes(&c->steps[i].title_pos.line, sizeof(int), h);
		h = value_hash_bytes(&c->steps[i].title_pos.col, sizeof(int), h);
		h = value_hash_bytes(&c->steps[i].credential_pos.line, sizeof(int), h);
		h = value_hash_bytes(&c->steps[i].credential_pos.col, sizeof(int), h);
	}
	return h;
}

/*
 * The chart's size, from the last build's note when the chart and the
 * places of its texts are the same, else measured (and noted). Warnings
 * are repeated either way. Note: "W H", then the warnings as
 * diag_list_save writes them.
 */
static int measure(const struct chart *c, unsigned long long hash, const struct chart_opts *opts,
		   struct cache *cache, int *w, int *h, struct diag_list *dl)
{
	char key[64];
	const char *note;
	struct diag_list found = DIAG_LIST_INIT;
	struct strbuf text = STRBUF_INIT;

	snprintf(key, sizeof key, "chart-%016llx-%016llx", hash, places(c));
	note = cache_note_get(cache, key);
	if (note && sscanf(note, "%d %d", w, h) == 2) {
		const char *warnings = strchr(note, '\n');

		diag_list_load(dl, DIAG_WARNING, warnings ? warnings + 1 : NULL);
		cache_note_put(cache, key, note);
		return 0;
	}
	if (chart_size(c, opts, w, h, &found) < 0) {
		diag_list_move(dl, &found);
		return -1;
	}
	strbuf_addf(&text, "%d %d\n", *w, *h);
	diag_list_save(&found, DIAG_WARNING, &text);
	cache_note_put(cache, key, text.buf);
	diag_list_move(dl, &found);
	strbuf_release(&text);
	return 0;
}

/* Write one picture (at 1x unless name1 is NULL, and at 2x), unless the
 * last build has it. */
static int draw(const struct chart *c, const struct chart_opts *opts, const char *name1,
		const char *name2, struct output *o, struct diag_list *dl)
{
	struct strbuf png = STRBUF_INIT;
	int ret = 0;

	/* a check writes nothing, so it draws no pixels: laying the chart
	 * out (measure) found all there is to say about it (a third of a
	 * check's time went to drawing and compressing PNGs nobody sees) */
	if (o->dry_run)
		return 0;
	if ((!name1 || output_keep(o, name1, -1) == 0) && output_keep(o, name2, -1) == 0)
		return 0;
	if (name1 && (chart_render(c, opts, 1, &png, dl) < 0 ||
		      output_write(o, name1, png.buf, png.len, dl) < 0))
		ret = -1;
	strbuf_reset(&png);
	if (!ret && (chart_render(c, opts, 2, &png, dl) < 0 ||
		     output_write(o, name2, png.buf, png.len, dl) < 0))
		ret = -1;
	strbuf_release(&png);
	return ret;
}

/* A picture to draw this build: the first chart with its hash. */
struct job {
	const struct chart *c;
	const struct chart_opts *opts;
	int size;                 /* WIDE or NARROW */
	unsigned long long hash;
	char name1[48], name2[48];
	struct diag_list dl;
};

struct jobs {
	struct job *items;
	size_t n, alloc;
	atomic_size_t next;
	struct output *o;
	int failed;
};

/* Every chart is drawn twice: as wide as a computer's column, at 1x and
 * 2x, and as a phone's (CHART_NARROW_WIDTH, chart.h) at 2x alone: phones
 * have two or three device pixels to a CSS pixel (a browser would take
 * the 2x picture at 1.5 too), so a phone's 1x picture would go unseen
 * and only cost the build a fifth more drawing. */
enum { WIDE, NARROW, SIZES };

/* A picture's problems, moved to `to`: the phone picture's errors only.
 * Labels shortened to fit 320 pixels are expected (the data table has
 * them whole), and the wide picture's warnings already tell the author
 * what to shorten. */
static void report(struct diag_list *to, struct diag_list *from, int size)
{
	size_t i;

	if (size == WIDE) {
		diag_list_move(to, from);
		return;
	}
	for (i = 0; i < from->n; i++)
		if (from->items[i].level != DIAG_WARNING)
			diag_add(to, from->items[i].level, from->items[i].file, from->items[i].line,
				 from->items[i].col, from->items[i].msg);
	diag_list_release(from);
}

/* The job that draws the picture of this hash (at 2x, and at 1x too when
 * it is the wide one), added when it is the first chart with it. */
static void add_job(struct jobs *js, const struct chart *c, const struct chart_opts *opts,
		    int size, unsigned long long h)
{
	size_t d;

	for (d = 0; d < js->n && js->items[d].hash != h; d++)
		;
	if (d < js->n)
		return;
	XGROW(js->items, js->alloc, js->n + 1);
	memset(&js->items[js->n], 0, sizeof *js->items);
	js->items[js->n].c = c;
	js->items[js->n].opts = opts;
	js->items[js->n].size = size;
	js->items[js->n].hash = h;
	if (size == WIDE)
		snprintf(js->items[js->n].name1, sizeof js->items[js->n].name1, "charts/%016llx.png",
			 h);
	snprintf(js->items[js->n].name2, sizeof js->items[js->n].name2, "charts/%016llx@2x.png", h);
	js->n++;
}

static void *draw_worker(void *arg)
{
	struct jobs *js = arg;
	size_t i;
	double began = thread_cpu_seconds();

	while ((i = atomic_fetch_add(&js->next, 1)) < js->n) {
		struct job *j = &js->items[i];

		if (draw(j->c, j->opts, *j->name1 ? j->name1 : NULL, j->name2, js->o, &j->dl) < 0)
			js->failed = 1;
	}
	atomic_fetch_add(&draw_ns, (unsigned long long)((thread_cpu_seconds() - began) * 1e9));
	return NULL;
}

/*
 * Pictures are drawn on threads (one per CPU): most of the time goes to
 * filling pixels and compressing PNGs, which shares nothing; text takes
 * the glyph cache's lock only to look glyphs up. Everything else here
 * stays on the calling thread.
 */
static int draw_all(struct jobs *js)
{
	size_t n = threads_cpus();

	if (n > js->n)
		n = js->n ? js->n : 1;
	atomic_init(&js->next, 0);
	threads_run(n, draw_worker, js, 0);
	return js->failed ? -1 : 0;
}

int figures_draw(struct page_list *pl, struct output *o, struct cache *cache,
		 const char *base_path, const char *font, struct diag_list *dl)
{
	struct chart_opts opts[SIZES] = { CHART_OPTS_INIT, CHART_OPTS_INIT };
	struct jobs js;
	size_t i, k, d, s, n = 0, nhashes = 0;
	unsigned long long *hashes; /* each chart's two, pages and charts in order */
	int ret = 0;

	memset(&js, 0, sizeof js);
	opts[NARROW].width = CHART_NARROW_WIDTH;
	for (s = 0; s < SIZES; s++)
		opts[s].font = font;
	js.o = o;
	for (i = 0; i < pl->n; i++)
		nhashes += SIZES * pl->items[i].ncharts;
	hashes = xmalloc((nhashes + 1) * sizeof *hashes);
	/* which pictures this build needs, each once (a chart's hash takes
	 * formatting all it shows: worked out once a picture) */
	for (i = 0; i < pl->n; i++)
		for (k = 0; k < pl->items[i].ncharts; k++)
			for (s = 0; s < SIZES; s++) {
				const struct chart *c = &pl->items[i].charts[k];

				hashes[n] = (unsigned long long)chart_hash(c, &opts[s]);
				add_job(&js, c, &opts[s], (int)s, hashes[n++]);
			}
	if (draw_all(&js) < 0)
		ret = -1;
	for (d = 0; d < js.n; d++)
		report(dl, &js.items[d].dl, js.items[d].size);
	/* then each page's HTML, with each picture's size */
	n = 0;
	for (i = 0; i < pl->n; i++) {
		struct page *p = &pl->items[i];

		if (!p->ncharts)
			continue;
		p->figures = value_new_list();
		for (k = 0; k < p->ncharts; k++, n += SIZES) {
			const struct chart *c = &p->charts[k];
			struct strbuf src[SIZES][2] = { { STRBUF_INIT, STRBUF_INIT },
							{ STRBUF_INIT, STRBUF_INIT } },
				      html = STRBUF_INIT;
			struct chart_picture pic[SIZES];
			struct value *f;
			int failed = 0;

			for (s = 0; s < SIZES && !failed; s++) {
				struct diag_list found = DIAG_LIST_INIT;

				failed = measure(c, hashes[n + s], &opts[s], cache, &pic[s].width,
						 &pic[s].height, &found) < 0;
				report(dl, &found, (int)s);
			}
			if (failed) {
				ret = -1;
				continue;
			}
			for (s = 0; s < SIZES; s++) {
				if (s == WIDE)
					strbuf_addf(&src[s][0], "%scharts/%016llx.png", base_path,
						    hashes[n + s]);
				strbuf_addf(&src[s][1], "%scharts/%016llx@2x.png", base_path, hashes[n + s]);
				pic[s].src1x = s == WIDE ? src[s][0].buf : NULL;
				pic[s].src2x = src[s][1].buf;
			}
			chart_figure_html(c, &pic[WIDE], &pic[NARROW], &html);
			f = value_new_map();
			value_map_set_str(f, "id", c->id);
			value_map_set_str(f, "html", html.buf);
			value_list_push(p->figures, f);
			for (s = 0; s < SIZES; s++) {
				strbuf_release(&src[s][0]);
				strbuf_release(&src[s][1]);
			}
			strbuf_release(&html);
		}
	}
	free(js.items);
	free(hashes);
	return ret;
}
