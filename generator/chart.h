/* chart: charts from front matter, drawn as PNG with accessible HTML around them. */
#ifndef WAYMARK_CHART_H
#define WAYMARK_CHART_H

#include <stdint.h>

#include "diag.h"
#include "strbuf.h"
#include "value.h"

/*
 * The pipeline: a chart spec (a value tree from front matter, see
 * docs/charts.md) --chart_parse--> struct chart --chart_render--> PNG
 * bytes, and --chart_figure_html--> the <figure> (with alt text) and a
 * <details> data table that the page shows next to it.
 *
 * A parsed chart is valid: it has a known type, a title, and either 1..N
 * finite data values (two or more for a line) or 1..N steps. Every string
 * is an owned, NUL-terminated copy; positions point at the spec's nodes
 * (pos.file is borrowed, as in value.h).
 *
 * Pictures are deterministic: the same chart, options and libraries give
 * the same PNG bytes. chart_hash covers everything that changes them.
 *
 * Threads: parsing and HTML are pure. Drawing may run on several threads
 * at once: the fonts and glyphs it keeps (charttext.h) are one cache
 * behind a lock, set up on first use; chart_shutdown frees them at exit.
 */

enum chart_type {
	CHART_BAR,   /* vertical bars, labels under them */
	CHART_HBAR,  /* horizontal bars, labels to their left */
	CHART_LINE,  /* a line through the points, labels under them */
	CHART_STEPS, /* a pathway: a box per step joined by arrows */
};

#define CHART_MAX_DATA  24  /* bars or points in one chart */
#define CHART_MAX_STEPS 12
#define CHART_MAX_LABEL 80  /* characters in one label, title or credential */

struct chart_point {
	char *label;
	double value;
	struct pos label_pos, value_pos;
};

struct chart_step {
	char *title;
	char *credential;  /* NULL when none */
	double months;     /* duration_months; < 0 when not given */
	struct pos pos, title_pos, credential_pos;
};

struct chart {
	enum chart_type type;
	char *id;            /* [a-z0-9-], for the HTML id */
	char *title;
	char *unit;          /* "" when none */
	char *source;        /* NULL when none */
	char *label_heading; /* first table column; "Item" unless given */
	char *value_heading; /* second table column; "Value" unless given */
	struct chart_point *data; /* bar, hbar, line */
	size_t n_data;
	struct chart_step *steps; /* steps */
	size_t n_steps;
	struct pos pos;      /* the spec map */
};

/* Drawing options; CHART_OPTS_INIT is the default look. */
struct chart_opts {
	int width;         /* CSS pixels at 1x; at least 280 (default 640) */
	int height;        /* bar and line: the height; hbar: the least
			    * height (grows with the bars); steps: ignored,
			    * the diagram is as tall as its rows (default 360) */
	const char *font;  /* fontconfig family; NULL means "DejaVu Sans" */
};
#define CHART_OPTS_INIT { 640, 360, NULL }

/* At exit, once no thread draws: free the cached fonts and glyphs. */
void chart_shutdown(void);

void chart_init(struct chart *c);
/* Free everything the chart owns; it is empty and reusable afterwards. */
void chart_release(struct chart *c);

/*
 * Read and check a chart spec. On success returns 0 and fills *out
 * (which the caller releases). On any error returns -1, records every
 * problem found in `dl` at the offending node, and leaves *out empty
 * (released) so no broken picture can be drawn from it.
 */
int chart_parse(const struct value *spec, struct chart *out, struct diag_list *dl);

/*
 * Lay the chart out at 1x: the size to put in <img width height>, which
 * the picture has at scale 1 (and twice at scale 2). Records a warning
 * in `dl` (if not NULL) for each label that had to be shortened with "…"
 * to fit, at the label's position: call this once per build for every
 * chart, also when the PNG is cached, so the warnings stay. Returns 0, or
 * -1 with an error in `dl` when the font cannot be used.
 */
int chart_size(const struct chart *c, const struct chart_opts *o, int *width,
	       int *height, struct diag_list *dl);

/*
 * Draw the chart as a PNG at `scale` (1 or 2: 2 is drawn at twice the
 * size, not enlarged) and append its bytes to `png`. Returns 0, or -1
 * with an error in `dl` (png unchanged) when the font or libgd fails.
 * `o` may be NULL for CHART_OPTS_INIT.
 */
int chart_render(const struct chart *c, const struct chart_opts *o, int scale,
		 struct strbuf *png, struct diag_list *dl);

/*
 * A 64-bit FNV-1a hash of everything that affects the pixels: the chart's
 * drawn content, the options, the drawing code's version and libgd's and
 * FreeType's versions (not the id, which is not drawn). Equal hashes mean the cached
 * PNG can be reused; name files by it, e.g. "%016llx.png" and
 * "%016llx@2x.png". `o` may be NULL for CHART_OPTS_INIT.
 */
uint64_t chart_hash(const struct chart *c, const struct chart_opts *o);

/* Append a one- or two-sentence description of the data for alt text
 * (plain text, not escaped): the trend of a line, the highest and lowest
 * bar, the number of steps, first, last and total duration. */
void chart_alt_text(const struct chart *c, struct strbuf *out);

/* Append the full data as an HTML <table> with a <caption>, column headers
 * (scope="col") and one row header (scope="row") per row. */
void chart_table_html(const struct chart *c, struct strbuf *out);

/*
 * A phone's picture: the chart drawn CHART_NARROW_WIDTH pixels wide (at 2x:
 * see figures.c), shown instead of the usual one on screens at most
 * CHART_NARROW_MEDIA wide.
 * The usual picture (640 wide) squeezed into a 328-pixel column would
 * write its 12px labels at 6px; drawn narrow, they stay 12px (a steps
 * diagram goes two boxes to a row, longer labels are shortened: the data
 * table has them whole).
 */
#define CHART_NARROW_WIDTH 320
#define CHART_NARROW_MEDIA "(max-width: 36em)"

/* One picture of a chart: its URLs (unescaped) and its size from
 * chart_size. An <img>'s needs src1x (src2x NULL: no srcset); a
 * <source>'s either or both. */
struct chart_picture {
	const char *src1x, *src2x;
	int width, height;
};

/*
 * Append the chart's HTML: a <figure class="chart" id="chart-ID"> holding
 * a <picture> with, when `narrow` is not NULL, a <source
 * media=CHART_NARROW_MEDIA> of it, and the <img src srcset="1x, 2x" width
 * height alt loading="lazy"> of `wide`; then a <figcaption> (title, unit,
 * source), followed by <details class="chart-data"> with
 * chart_table_html.
 */
void chart_figure_html(const struct chart *c, const struct chart_picture *wide,
		       const struct chart_picture *narrow, struct strbuf *out);

/* The type's name in specs ("hbar"); "?" for anything else. */
const char *chart_type_name(enum chart_type t);

#endif
