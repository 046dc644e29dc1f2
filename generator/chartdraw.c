/* chartdraw: laying charts out and drawing them as PNG with libgd. */
#include "chart.h"

#include <gd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartpng.h"
#include "chartscale.h"
#include "charttext.h"
#include "gdlib.h"
#include "xalloc.h"

/*
 * Every kind is one function that lays the chart out in CSS pixels (1x)
 * and draws as it goes. It runs twice: once without an image, to measure
 * (chart_size, and the height of hbar and steps charts), then with one.
 * Coordinates are doubles at 1x; the primitives multiply by the scale and
 * round, so a 2x picture is drawn at twice the size, never enlarged.
 *
 * Lines and dots are drawn with our own anti-aliasing (coverage from the
 * distance to the shape, blended as gdImageSetPixel does): libgd's own
 * anti-aliased lines are one pixel wide. Everything is deterministic.
 *
 * Bump DRAW_VERSION whenever the pictures change, so chart_hash changes
 * and cached PNGs are redrawn.
 */
#define DRAW_VERSION 10 /* 3: palette PNGs; 4: of 48 colours; 5: sources wrap; 6: narrow steps, 4 lines; 7: keys; 8: of 16 colours; 9: long words break after hyphens; 10: narrow steps, 6 lines, rows their own height */

#define PAD 16.0     /* margin round the picture */
#define LINE_H 15.0  /* line height of 12px text */
#define MAX_LINES 6   /* what struct lines holds (a phone's step box) */
#define LABEL_LINES 3 /* of a label, a source */

/*
 * Colours, with their contrast against the white background (WCAG 2
 * relative luminance; text needs 4.5:1, marks 3:1):
 *   INK    #1A1A1A 17.4:1  titles, labels, values
 *   MUTED  #595959  7.0:1  units, ticks, source, arrows
 *   AXIS   #767676  4.5:1  the zero line
 *   GRID   #D9D9D9  1.4:1  gridlines: decoration only, every value is
 *                          written on its mark
 *   BLUE   #0072B2  5.2:1  Okabe-Ito blue: bars, the line, step boxes
 *                          (white text on it: 5.2:1)
 * The other Okabe-Ito colours that reach 3:1 on white, for a second
 * series some day: vermillion #D55E00 3.9:1, bluish green #009E73 3.4:1,
 * reddish purple #CC79A7 3.1:1. Orange #E69F00 (2.2:1), sky blue #56B4E9
 * (2.3:1) and yellow #F0E442 (1.3:1) do not, and are not used for marks.
 */
#define WHITE gdTrueColor(0xff, 0xff, 0xff)
#define INK   gdTrueColor(0x1a, 0x1a, 0x1a)
#define MUTED gdTrueColor(0x59, 0x59, 0x59)
#define AXIS  gdTrueColor(0x76, 0x76, 0x76)
#define GRID  gdTrueColor(0xd9, 0xd9, 0xd9)
#define BLUE  gdTrueColor(0x00, 0x72, 0xb2)

/*
 * The PNGs have 16 colours: the six above, drawn exactly, and the ten
 * shades of their anti-aliased edges that cost least to lose. Sixteen is
 * where libgd writes 4 bits a pixel rather than 8, so zlib has half the
 * bytes to compress. Measured on the eight sample charts of
 * tests/bench/chart_bench.c against 48 colours (2026-11-24): files 23%
 * smaller (6.2 to 4.7 KB a chart at 1x), drawn and written in 1.47 ms
 * rather than 1.80; against every colour kept, 0.7-4.2% of pixels move,
 * by at most 52 of 441 (RGB distance), and enlarged six times the edges
 * look the same.
 */
#define COLORS 16
static const int exact_colors[] = { WHITE, INK, MUTED, AXIS, GRID, BLUE };

enum align { LEFT, CENTER, RIGHT };

struct canvas {
	const struct chart *c;
	gdImagePtr im;        /* NULL while measuring */
	const struct gdlib *gd; /* libgd, once drawing */
	double s;             /* scale: device pixels per CSS pixel */
	double w, h;          /* size at 1x */
	double asked_h;       /* the height asked for (bar, line: a key adds to it) */
	char font[128], bold[160];
	const char *err;      /* libgd's message for the first failure */
	struct diag_list *dl; /* warnings for shortened text, or NULL */
};

/* Wrapped text: each line an owned string. */
struct lines {
	int n;
	char *line[MAX_LINES];
};

static void lines_release(struct lines *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	l->n = 0;
}

/* ---- primitives ------------------------------------------------------- */

static int dev(const struct canvas *cv, double v)
{
	return (int)lround(v * cv->s);
}

/* Fill [x0, x1) x [y0, y1), in device pixels, clipped to the image, with
 * an opaque colour: what gdImageFilledRectangle does, without a
 * gdImageSetPixel call (and its blending arithmetic) for every pixel. */
static void fill(gdImagePtr im, int x0, int y0, int x1, int y1, int color)
{
	int x, y;

	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > gdImageSX(im) ? gdImageSX(im) : x1;
	y1 = y1 > gdImageSY(im) ? gdImageSY(im) : y1;
	if (x0 >= x1 || y0 >= y1)
		return;
	/* the first row a pixel at a time, the others copied from it (the
	 * background is a million pixels at 2x) */
	for (x = x0; x < x1; x++)
		im->tpixels[y0][x] = color;
	for (y = y0 + 1; y < y1; y++)
		memcpy(im->tpixels[y] + x0, im->tpixels[y0] + x0, (size_t)(x1 - x0) * sizeof **im->tpixels);
}

/* Fill [x0, x1) x [y0, y1), in CSS pixels, with crisp edges. */
static void rect(struct canvas *cv, double x0, double y0, double x1, double y1, int color)
{
	int a = dev(cv, x0), b = dev(cv, y0), c = dev(cv, x1), d = dev(cv, y1);

	if (!cv->im)
		return;
	if (c <= a)
		c = a + 1;
	if (d <= b)
		d = b + 1;
	fill(cv->im, a, b, c, d, color);
}

static void hline(struct canvas *cv, double x0, double x1, double y, int color)
{
	rect(cv, x0, y - 0.5, x1, y + 0.5, color);
}

static void vline(struct canvas *cv, double x, double y0, double y1, int color)
{
	rect(cv, x - 0.5, y0, x + 0.5, y1, color);
}

/* Blend `color` into device pixel (x, y) with coverage 0..1. */
static void blend(struct canvas *cv, int x, int y, int color, double cover)
{
	int alpha;

	if (cover <= 0 || x < 0 || y < 0 || x >= gdImageSX(cv->im) || y >= gdImageSY(cv->im))
		return;
	alpha = gdAlphaTransparent - (int)lround((cover > 1 ? 1 : cover) * gdAlphaTransparent);
	/* as gdImageSetPixel blends, on a truecolor image */
	cv->im->tpixels[y][x] = cv->gd->alpha_blend(cv->im->tpixels[y][x],
					     gdTrueColorAlpha(gdTrueColorGetRed(color),
							      gdTrueColorGetGreen(color),
							      gdTrueColorGetBlue(color), alpha));
}

/* A line from (x0,y0) to (x1,y1), `width` wide with round ends (a dot
 * when the ends meet), anti-aliased. */
static void capsule(struct canvas *cv, double x0, double y0, double x1, double y1,
		    double width, int color)
{
	double s = cv->s, r = width * s / 2, dx, dy, len2;
	int px, py, minx, maxx, miny, maxy;

	if (!cv->im)
		return;
	x0 *= s, y0 *= s, x1 *= s, y1 *= s;
	dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
	minx = (int)floor(fmin(x0, x1) - r - 1), maxx = (int)ceil(fmax(x0, x1) + r + 1);
	miny = (int)floor(fmin(y0, y1) - r - 1), maxy = (int)ceil(fmax(y0, y1) + r + 1);
	for (py = miny; py <= maxy; py++)
		for (px = minx; px <= maxx; px++) {
			double cx = px + 0.5, cy = py + 0.5, t = 0, ex, ey;

			if (len2 > 0) {
				t = ((cx - x0) * dx + (cy - y0) * dy) / len2;
				t = t < 0 ? 0 : t > 1 ? 1 : t;
			}
			ex = cx - (x0 + t * dx), ey = cy - (y0 + t * dy);
			blend(cv, px, py, color, r + 0.5 - sqrt(ex * ex + ey * ey));
		}
}

/* A filled triangle, anti-aliased: coverage from the distance to the
 * nearest edge. Points in CSS pixels, in either winding. */
static void triangle(struct canvas *cv, const double *x, const double *y, int color)
{
	double X[3], Y[3], area, s = cv->s;
	int i, px, py, minx, maxx, miny, maxy;

	if (!cv->im)
		return;
	for (i = 0; i < 3; i++)
		X[i] = x[i] * s, Y[i] = y[i] * s;
	area = (X[1] - X[0]) * (Y[2] - Y[0]) - (X[2] - X[0]) * (Y[1] - Y[0]);
	minx = (int)floor(fmin(X[0], fmin(X[1], X[2]))) - 1;
	maxx = (int)ceil(fmax(X[0], fmax(X[1], X[2]))) + 1;
	miny = (int)floor(fmin(Y[0], fmin(Y[1], Y[2]))) - 1;
	maxy = (int)ceil(fmax(Y[0], fmax(Y[1], Y[2]))) + 1;
	for (py = miny; py <= maxy; py++)
		for (px = minx; px <= maxx; px++) {
			double cx = px + 0.5, cy = py + 0.5, d = 1e9;

			for (i = 0; i < 3; i++) {
				int j = (i + 1) % 3;
				double ex = X[j] - X[i], ey = Y[j] - Y[i];
				/* signed distance, positive inside */
				double e = ((cx - X[i]) * ey - (cy - Y[i]) * ex) / sqrt(ex * ex + ey * ey);

				d = fmin(d, area < 0 ? e : -e);
			}
			blend(cv, px, py, color, d + 0.5);
		}
}

/* An arrow from (x0,y0) to the tip (x1,y1). */
static void arrow(struct canvas *cv, double x0, double y0, double x1, double y1, int color)
{
	double len = hypot(x1 - x0, y1 - y0), ux, uy, bx, by, x[3], y[3];

	if (len <= 0)
		return;
	ux = (x1 - x0) / len, uy = (y1 - y0) / len;
	bx = x1 - ux * 9, by = y1 - uy * 9; /* base of the head */
	capsule(cv, x0, y0, bx, by, 2, color);
	x[0] = x1, y[0] = y1;
	x[1] = bx - uy * 5, y[1] = by + ux * 5;
	x[2] = bx + uy * 5, y[2] = by - ux * 5;
	triangle(cv, x, y, color);
}

/* Lay `s` out at `px` device pixels; 0, or -1 after noting why not. */
static int layout(struct canvas *cv, struct chart_text *t, int bold, double px, const char *s)
{
	const char *e;

	if (chart_text_layout(t, bold ? cv->bold : cv->font, px, s, &e) == 0)
		return 0;
	if (!cv->err)
		cv->err = e;
	return -1;
}

/* Width of `s` at `size` px, in CSS pixels at 1x. */
static double text_width(struct canvas *cv, int bold, double size, const char *s)
{
	struct chart_text t;
	double w;

	if (!*s || layout(cv, &t, bold, size, s))
		return 0;
	w = chart_text_width(&t);
	chart_text_release(&t);
	return w;
}

/* Text with its baseline at y; x is its left end, middle or right end.
 * Laid out once at the drawing size (hinting makes 2x not quite twice
 * 1x), for its width and its glyphs. */
static void text(struct canvas *cv, double x, double y, enum align align, int bold,
		 double size, int color, const char *s)
{
	struct chart_text t;
	const char *e;
	int w, px;

	if (!cv->im || !*s || layout(cv, &t, bold, size * cv->s, s))
		return;
	w = chart_text_width(&t);
	px = dev(cv, x) - (align == CENTER ? w / 2 : align == RIGHT ? w : 0);
	if (chart_text_draw(&t, cv->im, px, dev(cv, y), color, &e) && !cv->err)
		cv->err = e;
	chart_text_release(&t);
}

/* ---- wrapping --------------------------------------------------------- */

/* Cut `sb` until it fits `maxw` with "…" added. */
static void shorten(struct canvas *cv, struct strbuf *sb, int bold, double size, double maxw)
{
	while (sb->len) {
		size_t n = sb->len;

		do /* one UTF-8 character, then the spaces before it */
			n--;
		while (n && ((unsigned char)sb->buf[n] & 0xc0) == 0x80);
		while (n && sb->buf[n - 1] == ' ')
			n--;
		strbuf_setlen(sb, n);
		strbuf_adds(sb, "\xe2\x80\xa6");
		if (!n || text_width(cv, bold, size, sb->buf) <= maxw)
			return;
		strbuf_setlen(sb, n);
	}
}

/* Add `n` bytes at `w` to the line being filled (after a space when
 * `spaced`), or start a new line with them when they do not fit and a
 * line is left. Returns 1 when they fit neither way: the line is cut to
 * end in "…". */
static int place(struct canvas *cv, struct strbuf *cur, const char *w, size_t n, int spaced,
		 int bold, double size, double maxw, int max_lines, struct lines *out)
{
	size_t keep = cur->len;

	if (cur->len && spaced)
		strbuf_addch(cur, ' ');
	strbuf_add(cur, w, n);
	if (text_width(cv, bold, size, cur->buf) <= maxw)
		return 0;
	if (keep && out->n + 1 < max_lines) { /* it starts a new line */
		strbuf_setlen(cur, keep);
		out->line[out->n++] = strbuf_detach(cur, NULL);
		strbuf_add(cur, w, n);
		if (text_width(cv, bold, size, cur->buf) <= maxw)
			return 0;
	}
	/* wider than a line, or no line left */
	shorten(cv, cur, bold, size, maxw);
	return 1;
}

/* A letter's byte, for where a hyphen may break a word (any byte of a
 * UTF-8 character counts). */
static int letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

/* The end of the part of the word [w, end) that starts at w: just after
 * its first hyphen between letters, or the word's end. */
static const char *part_end(const char *w, const char *end)
{
	const char *q;

	for (q = w + 1; q < end; q++)
		if (q[-1] == '-' && q - 1 > w && letter(q[-2]) && letter(*q))
			break;
	return q;
}

/*
 * Break `s` into at most `max_lines` lines no wider than `maxw`, at
 * spaces, and a word wider than a line also after its hyphens between
 * letters ("pre-" and "apprenticeship" on a phone's picture), where a
 * browser would break it. Returns 1 when something had to be cut (the
 * last line then ends in "…"), 0 when it all fits.
 */
static int wrap(struct canvas *cv, const char *s, int bold, double size, double maxw,
		int max_lines, struct lines *out)
{
	struct strbuf cur = STRBUF_INIT;
	const char *p = s;
	int cut = 0;

	out->n = 0;
	if (max_lines > MAX_LINES)
		max_lines = MAX_LINES;
	while (*p && !cut) {
		const char *w, *q, *start;
		int whole;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (w = p; *p && *p != ' ' && *p != '\n' && *p != '\t'; p++)
			;
		/* (measured whole only when it has a hyphen to break at) */
		whole = part_end(w, p) == p;
		if (!whole) {
			char *word = xstrndup(w, (size_t)(p - w));

			whole = text_width(cv, bold, size, word) <= maxw;
			free(word);
		}
		/* the word whole, or its parts after each hyphen, each placed
		 * as a word is (the parts without a space between them) */
		for (start = q = w; q < p && !cut; w = q) {
			q = whole ? p : part_end(w, p);
			cut = place(cv, &cur, w, (size_t)(q - w), w == start, bold, size, maxw,
				    max_lines, out);
		}
	}
	if (cur.len || !out->n)
		out->line[out->n++] = strbuf_detach(&cur, NULL);
	strbuf_release(&cur);
	return cut;
}

/* Warn that `full` was shown as `l` (when warnings are wanted). */
static void warn_cut(struct canvas *cv, const struct pos *pos, const char *what,
		     const char *full, const struct lines *l)
{
	struct strbuf shown = STRBUF_INIT;
	int i;

	if (!cv->dl)
		return;
	for (i = 0; i < l->n; i++)
		strbuf_addf(&shown, "%s%s", i ? " " : "", l->line[i]);
	diag_warning(cv->dl, pos,
		     "%s '%s' is shortened to '%s' to fit chart '%s' (the data table has it in full)",
		     what, full, shown.buf, cv->c->id);
	strbuf_release(&shown);
}

/* Wrap, and warn when cut. */
static void wrap_label(struct canvas *cv, const char *s, const struct pos *pos, const char *what,
		       int bold, double size, double maxw, int max_lines, struct lines *out)
{
	if (wrap(cv, s, bold, size, maxw, max_lines, out))
		warn_cut(cv, pos, what, s, out);
}

/* ---- shared parts ----------------------------------------------------- */

/* The title (and `sub` under it, when not empty); returns the y below. */
static double header(struct canvas *cv, const char *sub)
{
	struct lines l;
	double y = PAD;
	int i;

	wrap_label(cv, cv->c->title, &cv->c->pos, "title", 1, 16, cv->w - 2 * PAD, 2, &l);
	for (i = 0; i < l.n; i++)
		text(cv, PAD, y + 15 + i * 20, LEFT, 1, 16, INK, l.line[i]);
	y += l.n * 20;
	lines_release(&l);
	if (sub && *sub) {
		text(cv, PAD, y + 15, LEFT, 0, 12, MUTED, sub);
		y += 20;
	}
	return y + 6;
}

/* The source line, wrapped: on a phone's narrow picture it takes two or
 * three lines. What still does not fit is cut without a warning: the
 * figure's caption has it in full. */
static void footer_lines(struct canvas *cv, struct lines *l)
{
	struct strbuf sb = STRBUF_INIT;

	l->n = 0;
	if (!cv->c->source)
		return;
	strbuf_addf(&sb, "Source: %s", cv->c->source);
	wrap(cv, sb.buf, 0, 11, cv->w - 2 * PAD, LABEL_LINES, l);
	strbuf_release(&sb);
}

#define FOOTER_LINE 14.0 /* from one source line's baseline to the next */

static double footer_height(struct canvas *cv)
{
	struct lines l;
	double h;

	footer_lines(cv, &l);
	h = l.n ? 20 + (l.n - 1) * FOOTER_LINE : 0;
	lines_release(&l);
	return h;
}

static void footer(struct canvas *cv)
{
	struct lines l;
	int i;

	footer_lines(cv, &l);
	for (i = 0; i < l.n; i++)
		text(cv, PAD, cv->h - PAD - 2 - (l.n - 1 - i) * FOOTER_LINE, LEFT, 0, 11, MUTED,
		     l.line[i]);
	lines_release(&l);
}

/* The value axis of bar, hbar and line charts. */
struct axis {
	struct chart_ticks t;
	double lo_px, hi_px; /* where t.min and t.max fall */
	double label_w;      /* widest tick label */
};

static void axis_init(struct canvas *cv, struct axis *a, int target)
{
	const struct chart *c = cv->c;
	double lo = 0, hi = 0;
	size_t i;
	int k;

	for (i = 0; i < c->n_data; i++) {
		lo = fmin(lo, c->data[i].value);
		hi = fmax(hi, c->data[i].value);
	}
	chart_scale_nice(lo, hi, target, &a->t);
	a->label_w = 0;
	for (k = 0; k < a->t.count; k++) {
		struct strbuf sb = STRBUF_INIT;

		chart_format_tick(&sb, &a->t, chart_scale_tick(&a->t, k), c->unit);
		a->label_w = fmax(a->label_w, text_width(cv, 0, 12, sb.buf));
		strbuf_release(&sb);
	}
}

static double axis_px(const struct axis *a, double v)
{
	return a->lo_px + (v - a->t.min) / (a->t.max - a->t.min) * (a->hi_px - a->lo_px);
}

static void tick_label(struct canvas *cv, const struct axis *a, int k, struct strbuf *sb)
{
	strbuf_reset(sb);
	chart_format_tick(sb, &a->t, chart_scale_tick(&a->t, k), cv->c->unit);
}

/*
 * The size of the value labels on the marks: 12px bold, 10px when that is
 * too wide for `room`, or 0 (no labels, with a warning) when even 10px is.
 */
static double value_size(struct canvas *cv, double room)
{
	static const double sizes[] = { 12, 10 };
	size_t i, k;

	for (k = 0; k < 2; k++) {
		double w = 0;

		for (i = 0; i < cv->c->n_data; i++) {
			struct strbuf sb = STRBUF_INIT;

			chart_format_value(&sb, cv->c->data[i].value, cv->c->unit, CHART_SHORT);
			w = fmax(w, text_width(cv, 1, sizes[k], sb.buf));
			strbuf_release(&sb);
		}
		if (w <= room)
			return sizes[k];
	}
	if (cv->dl)
		diag_warning(cv->dl, &cv->c->pos,
			     "chart '%s' has values too wide to write on its marks, even small; only the data table shows them",
			     cv->c->id);
	return 0;
}

static void value_label(struct canvas *cv, double x, double y, enum align align, double size,
			double v)
{
	struct strbuf sb = STRBUF_INIT;

	chart_format_value(&sb, v, cv->c->unit, CHART_SHORT);
	text(cv, x, y, align, 1, size, INK, sb.buf);
	strbuf_release(&sb);
}

/* ---- vertical bars and lines ------------------------------------------ */

/* The size for labels under narrow columns: 12px, or 11px or 10px when
 * that lets the longest word of every label fit `room`. */
static double label_size(struct canvas *cv, double room)
{
	double size;
	size_t i;

	for (size = 12; size > 10; size--) {
		int fits = 1;

		for (i = 0; i < cv->c->n_data && fits; i++) {
			const char *p = cv->c->data[i].label;

			while (*p && fits) {
				size_t n = strcspn(p, " \n\t");
				char *word = xstrndup(p, n);

				fits = text_width(cv, 0, size, word) <= room;
				free(word);
				p += n;
				p += strspn(p, " \n\t");
			}
		}
		if (fits)
			break;
	}
	return size;
}

/* One column per data item, labels under the plot, values on the y axis. */
struct columns {
	struct axis a;
	double left, right, slot, top, bottom, vsize;
	double lsize;     /* size of the labels under the plot */
	double label_top; /* where they start */
	struct lines labels[CHART_MAX_DATA];
	int keyed;        /* the labels are numbers, named in a key below */
	double key_top, key_h; /* where the key starts, its height */
	double key_indent;     /* from a key's numbers to its names */
	size_t key_every;      /* every how many items a number is under the plot */
	struct lines key[CHART_MAX_DATA];
};

/*
 * A picture this narrow (a phone's) whose labels do not fit under the
 * plot, even wrapped, numbers them there instead and names each in a key
 * below, a line or two across the whole width: "Registered Nurse (RN)"
 * rather than "Regist…" under its point.
 */
#define KEY_MAX_W 360.0
#define KEY_LINES 2

static int columns_keyed(struct canvas *cv, double lsize, double room)
{
	struct lines l;
	size_t i;
	int cut = 0;

	if (cv->w > KEY_MAX_W)
		return 0;
	for (i = 0; i < cv->c->n_data && !cut; i++) {
		cut = wrap(cv, cv->c->data[i].label, 0, lsize, room, LABEL_LINES, &l);
		lines_release(&l);
	}
	return cut;
}

/* The key (its entries, where their names start) and the numbers under
 * the plot (their size, and every how many): returns the key's height. */
static double key_layout(struct canvas *cv, struct columns *L)
{
	double h = 10, widest; /* (10: under the numbers) */
	char last[24];
	size_t i;

	/* under the plot, the numbers in 12px, or 10px when the widest needs
	 * it, and when even that is too wide (24 bars), every second or third */
	snprintf(last, sizeof last, "%zu", cv->c->n_data);
	L->lsize = text_width(cv, 0, 12, last) <= L->slot - 2 ? 12 : 10;
	widest = text_width(cv, 0, L->lsize, last);
	L->key_every = (size_t)fmax(1, ceil(widest / (L->slot - 2)));
	/* in the key, the names start after the widest number, and a space */
	L->key_indent = text_width(cv, 1, 12, last) + 8;
	for (i = 0; i < cv->c->n_data; i++) {
		wrap(cv, cv->c->data[i].label, 0, 12, cv->w - 2 * PAD - L->key_indent, KEY_LINES,
		     &L->key[i]);
		h += L->key[i].n * LINE_H + 3;
	}
	return h;
}

static void key_draw(struct canvas *cv, const struct columns *L)
{
	double y = L->key_top;
	size_t i;
	int j;

	for (i = 0; i < cv->c->n_data; i++) {
		char num[24];

		snprintf(num, sizeof num, "%zu", i + 1);
		text(cv, PAD, y + 12, LEFT, 1, 12, INK, num);
		for (j = 0; j < L->key[i].n; j++)
			text(cv, PAD + L->key_indent, y + 12 + j * LINE_H, LEFT, 0, 12, INK,
			     L->key[i].line[j]);
		y += L->key[i].n * LINE_H + 3;
	}
}

static void columns_layout(struct canvas *cv, struct columns *L)
{
	const struct chart *c = cv->c;
	double top = header(cv, c->unit), label_h = 0;
	size_t i;
	int neg = 0;

	axis_init(cv, &L->a, 6);
	L->left = PAD + L->a.label_w + 8;
	L->right = cv->w - PAD;
	L->slot = (L->right - L->left) / c->n_data;
	L->lsize = label_size(cv, L->slot - 6);
	L->keyed = columns_keyed(cv, L->lsize, L->slot - 6);
	cv->h = cv->asked_h; /* (drawing lays out again what measuring did) */
	if (L->keyed) {
		L->key_h = key_layout(cv, L);
		cv->h += L->key_h;
	}
	for (i = 0; i < c->n_data; i++) {
		if (L->keyed) {
			char num[24];

			snprintf(num, sizeof num, "%zu", i + 1);
			L->labels[i].n = i % L->key_every == 0;
			if (L->labels[i].n)
				L->labels[i].line[0] = xstrdup(num);
		} else {
			wrap_label(cv, c->data[i].label, &c->data[i].label_pos, "label", 0, L->lsize,
				   L->slot - 6, LABEL_LINES, &L->labels[i]);
		}
		label_h = fmax(label_h, L->labels[i].n * (L->lsize + 3));
		neg |= c->data[i].value < 0;
	}
	L->vsize = value_size(cv, L->slot - 4);
	/* room above the highest mark (and below the lowest) for its value */
	L->top = top + L->vsize + 10;
	L->key_top = cv->h - PAD - footer_height(cv) - (L->keyed ? L->key_h : 0);
	L->label_top = L->key_top - label_h;
	L->bottom = L->label_top - 8 - (neg ? L->vsize + 8 : 0);
	L->a.lo_px = L->bottom;
	L->a.hi_px = L->top;
}

static void columns_axes(struct canvas *cv, struct columns *L)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int k, j;

	for (k = 0; k < L->a.t.count; k++) {
		double y = axis_px(&L->a, chart_scale_tick(&L->a.t, k));

		hline(cv, L->left, L->right, y, GRID);
		tick_label(cv, &L->a, k, &sb);
		text(cv, L->left - 8, y + 4, RIGHT, 0, 12, MUTED, sb.buf);
	}
	/* the labels hang from a line just under the plot */
	for (i = 0; i < cv->c->n_data; i++)
		for (j = 0; j < L->labels[i].n; j++)
			text(cv, L->left + L->slot * (i + 0.5),
			     L->label_top + L->lsize + j * (L->lsize + 3), CENTER, 0, L->lsize, INK,
			     L->labels[i].line[j]);
	if (L->keyed)
		key_draw(cv, L);
	strbuf_release(&sb);
}

static void columns_release(struct canvas *cv, struct columns *L)
{
	size_t i;

	for (i = 0; i < cv->c->n_data; i++) {
		lines_release(&L->labels[i]);
		if (L->keyed)
			lines_release(&L->key[i]);
	}
}

static void draw_bar(struct canvas *cv)
{
	struct columns L;
	size_t i;
	double zero;

	columns_layout(cv, &L);
	columns_axes(cv, &L);
	zero = axis_px(&L.a, 0);
	for (i = 0; i < cv->c->n_data; i++) {
		double v = cv->c->data[i].value, y = axis_px(&L.a, v);
		double bw = fmin(L.slot * 0.62, 64), x = L.left + L.slot * i + (L.slot - bw) / 2;

		rect(cv, x, fmin(y, zero), x + bw, fmax(y, zero), BLUE);
		if (L.vsize)
			value_label(cv, x + bw / 2, v < 0 ? y + L.vsize + 4 : y - 6, CENTER, L.vsize, v);
	}
	hline(cv, L.left, L.right, zero, AXIS);
	footer(cv);
	columns_release(cv, &L);
}

/* Does the segment (x0,y0)-(x1,y1) pass through the box? */
static int crosses(double x0, double y0, double x1, double y1, double bx0, double by0,
		   double bx1, double by1)
{
	double lo = fmax(bx0, fmin(x0, x1)), hi = fmin(bx1, fmax(x0, x1)), ya, yb;

	if (lo > hi || x0 == x1)
		return 0;
	ya = y0 + (lo - x0) / (x1 - x0) * (y1 - y0);
	yb = y0 + (hi - x0) / (x1 - x0) * (y1 - y0);
	return fmax(ya, yb) >= by0 && fmin(ya, yb) <= by1;
}

static void draw_line(struct canvas *cv)
{
	const struct chart *c = cv->c;
	struct columns L;
	double x[CHART_MAX_DATA], y[CHART_MAX_DATA];
	size_t i, n = c->n_data;

	columns_layout(cv, &L);
	columns_axes(cv, &L);
	hline(cv, L.left, L.right, axis_px(&L.a, 0), AXIS);
	for (i = 0; i < n; i++) {
		x[i] = L.left + L.slot * (i + 0.5);
		y[i] = axis_px(&L.a, c->data[i].value);
	}
	for (i = 0; i + 1 < n; i++)
		capsule(cv, x[i], y[i], x[i + 1], y[i + 1], 2.5, BLUE);
	for (i = 0; i < n; i++) {
		capsule(cv, x[i], y[i], x[i], y[i], 11, WHITE); /* a ring parts dot and line */
		capsule(cv, x[i], y[i], x[i], y[i], 8, BLUE);
	}
	if (!L.vsize)
		goto done;
	for (i = 0; i < n; i++) {
		struct strbuf sb = STRBUF_INIT;
		double hw, above, below;
		int hit_above = 0, hit_below = 0;

		/* above the dot unless the line runs through that spot */
		chart_format_value(&sb, c->data[i].value, c->unit, CHART_SHORT);
		hw = text_width(cv, 1, L.vsize, sb.buf) / 2 + 2;
		above = y[i] - 9;                 /* baselines */
		below = y[i] + 9 + L.vsize;
		if (i > 0) {
			hit_above |= crosses(x[i - 1], y[i - 1], x[i], y[i], x[i] - hw,
					     above - L.vsize, x[i] + hw, above + 2);
			hit_below |= crosses(x[i - 1], y[i - 1], x[i], y[i], x[i] - hw,
					     below - L.vsize, x[i] + hw, below + 2);
		}
		if (i + 1 < n) {
			hit_above |= crosses(x[i], y[i], x[i + 1], y[i + 1], x[i] - hw,
					     above - L.vsize, x[i] + hw, above + 2);
			hit_below |= crosses(x[i], y[i], x[i + 1], y[i + 1], x[i] - hw,
					     below - L.vsize, x[i] + hw, below + 2);
		}
		if (hit_above && !hit_below && below + 2 < L.bottom)
			text(cv, x[i], below, CENTER, 1, L.vsize, INK, sb.buf);
		else
			text(cv, x[i], above, CENTER, 1, L.vsize, INK, sb.buf);
		strbuf_release(&sb);
	}
done:
	footer(cv);
	columns_release(cv, &L);
}

/* ---- horizontal bars -------------------------------------------------- */

static void draw_hbar(struct canvas *cv)
{
	const struct chart *c = cv->c;
	struct lines labels[CHART_MAX_DATA];
	struct strbuf sb = STRBUF_INIT;
	struct axis a;
	double top = header(cv, c->unit), label_w = 0, value_w = 0, row, left, right, zero;
	size_t i, n = c->n_data;
	int k, two_lines = 0;

	axis_init(cv, &a, 6);
	for (i = 0; i < n; i++) {
		label_w = fmax(label_w, text_width(cv, 0, 12, c->data[i].label));
		strbuf_reset(&sb);
		chart_format_value(&sb, c->data[i].value, c->unit, CHART_SHORT);
		value_w = fmax(value_w, text_width(cv, 1, 12, sb.buf));
	}
	label_w = fmin(label_w, (cv->w - 2 * PAD) * 0.4);
	for (i = 0; i < n; i++) {
		wrap_label(cv, c->data[i].label, &c->data[i].label_pos, "label", 0, 12, label_w, 2,
			   &labels[i]);
		two_lines |= labels[i].n > 1;
	}
	row = two_lines ? 40 : 32;
	left = PAD + label_w + 10;
	right = cv->w - PAD - value_w - 8;
	if (a.t.min < 0)
		left += value_w + 8; /* values of negative bars sit left of them */
	/* as tall as the rows need: header, rows, tick labels, footer */
	cv->h = top + n * row + 26 + footer_height(cv) + PAD;
	a.lo_px = left;
	a.hi_px = right;
	zero = axis_px(&a, 0);

	for (k = 0; k < a.t.count; k++) {
		double x = axis_px(&a, chart_scale_tick(&a.t, k));

		vline(cv, x, top, top + n * row, GRID);
		tick_label(cv, &a, k, &sb);
		text(cv, x, top + n * row + 18, CENTER, 0, 12, MUTED, sb.buf);
	}
	for (i = 0; i < n; i++) {
		double v = c->data[i].value, x = axis_px(&a, v), mid = top + row * (i + 0.5);
		double bh = fmin(row * 0.6, 24);
		int j;

		rect(cv, fmin(x, zero), mid - bh / 2, fmax(x, zero), mid + bh / 2, BLUE);
		value_label(cv, v < 0 ? x - 6 : x + 6, mid + 4, v < 0 ? RIGHT : LEFT, 12, v);
		for (j = 0; j < labels[i].n; j++)
			text(cv, PAD + label_w, mid + 4 + (j - (labels[i].n - 1) / 2.0) * LINE_H, RIGHT,
			     0, 12, INK, labels[i].line[j]);
		lines_release(&labels[i]);
	}
	vline(cv, zero, top, top + n * row, AXIS);
	footer(cv);
	strbuf_release(&sb);
}

/* ---- pathway steps ---------------------------------------------------- */

#define STEP_GAP 34.0     /* between boxes in a row: room for an arrow */
#define STEP_ROW_GAP 40.0 /* between rows: room for the connector */
#define STEP_MIN_W 120.0
#define STEP_MAX_W 190.0
#define STEP_BAND 24.0    /* the "Step 1" band */
#define STEP_NARROW 150.0 /* a box narrower (a phone's, or four to a row)... */
/* ...has lines enough for what three lines of a computer's box hold (its
 * 111 pixels against 164): text whole on the computer's picture is whole
 * on the phone's, which gives no warning of its own */
#define STEP_LINES(bw) ((bw) < STEP_NARROW ? 6 : 3)

struct step_text {
	struct lines title, credential;
	char duration[64];
};

static void draw_steps(struct canvas *cv)
{
	const struct chart *c = cv->c;
	struct step_text *st = xcalloc(c->n_steps, sizeof *st);
	double top = header(cv, NULL) + 6, avail = cv->w - 2 * PAD, bw, x0, inner, *bh, by;
	size_t i, n = c->n_steps, per_row, rows;

	/* as many boxes a row as fit, then rows evened out (3 + 2, not 4 + 1) */
	per_row = (size_t)fmax(1, floor((avail + STEP_GAP) / (STEP_MIN_W + STEP_GAP)));
	rows = (n + per_row - 1) / per_row;
	per_row = (n + rows - 1) / rows;
	bw = fmin(STEP_MAX_W, (avail - (per_row - 1) * STEP_GAP) / per_row);
	x0 = PAD + (avail - (per_row * bw + (per_row - 1) * STEP_GAP)) / 2;
	inner = bw - 16;
	bh = xcalloc(rows, sizeof *bh);

	for (i = 0; i < n; i++) {
		const struct chart_step *s = &c->steps[i];
		double need;

		wrap_label(cv, s->title, &s->title_pos, "step title", 1, 13, inner, STEP_LINES(bw),
			   &st[i].title);
		if (s->credential)
			wrap_label(cv, s->credential, &s->credential_pos, "credential", 0, 12, inner,
				   STEP_LINES(bw), &st[i].credential);
		if (s->months >= 0) {
			struct strbuf sb = STRBUF_INIT;

			chart_format_value(&sb, s->months, "months", CHART_LONG);
			snprintf(st[i].duration, sizeof st[i].duration, "%s", sb.buf);
			strbuf_release(&sb);
		}
		need = st[i].title.n * 17 + (s->months >= 0 ? 18 : 0) +
		       (st[i].credential.n ? 9 + st[i].credential.n * LINE_H : 0);
		bh[i / per_row] = fmax(bh[i / per_row], need);
	}
	/* the boxes of a row one height, so they line up; each row as tall as
	 * its own boxes need (a phone's last box alone is not padded out to
	 * the tallest row) */
	cv->h = top + (rows - 1) * STEP_ROW_GAP + footer_height(cv) + PAD;
	for (i = 0; i < rows; i++) {
		bh[i] += STEP_BAND + 10 + 8;
		cv->h += bh[i];
	}

	for (i = 0, by = top; i < n; i++) {
		size_t r = i / per_row, col = i % per_row;
		double bx = x0 + col * (bw + STEP_GAP), h = bh[r];
		double y = by + STEP_BAND + 10;
		char band[32];
		int j;

		/* the box: a blue band with the step number, a blue frame; inside,
		 * the title, the duration and, under a rule, the credential */
		rect(cv, bx, by, bx + bw, by + h, BLUE);
		rect(cv, bx + 1.5, by + STEP_BAND, bx + bw - 1.5, by + h - 1.5, WHITE);
		snprintf(band, sizeof band, "Step %zu", i + 1);
		text(cv, bx + 8, by + 17, LEFT, 1, 12, WHITE, band);
		for (j = 0; j < st[i].title.n; j++)
			text(cv, bx + 8, y + 13 + j * 17, LEFT, 1, 13, INK, st[i].title.line[j]);
		y += st[i].title.n * 17;
		if (st[i].duration[0]) {
			text(cv, bx + 8, y + 13, LEFT, 0, 12, MUTED, st[i].duration);
			y += 18;
		}
		if (st[i].credential.n) {
			hline(cv, bx + 8, bx + bw - 8, y + 4, GRID);
			for (j = 0; j < st[i].credential.n; j++)
				text(cv, bx + 8, y + 9 + 12 + j * LINE_H, LEFT, 0, 12, INK,
				     st[i].credential.line[j]);
		}

		/* the arrow to the next step: across, or round to the next row */
		if (i + 1 < n && col + 1 < per_row) {
			arrow(cv, bx + bw + 5, by + h / 2, bx + bw + STEP_GAP - 5, by + h / 2, MUTED);
		} else if (i + 1 < n) {
			double mx = bx + bw / 2, gy = by + h + STEP_ROW_GAP / 2;
			double nx = x0 + bw / 2, ny = by + h + STEP_ROW_GAP;

			capsule(cv, mx, by + h + 3, mx, gy, 2, MUTED);
			capsule(cv, mx, gy, nx, gy, 2, MUTED);
			arrow(cv, nx, gy, nx, ny - 3, MUTED);
		}
		lines_release(&st[i].title);
		lines_release(&st[i].credential);
		if (col + 1 == per_row)
			by += h + STEP_ROW_GAP;
	}
	footer(cv);
	free(bh);
	free(st);
}

/* ---- the API ---------------------------------------------------------- */

void chart_shutdown(void)
{
	chart_text_shutdown();
}

static void canvas_init(struct canvas *cv, const struct chart *c, const struct chart_opts *o,
			double scale, struct diag_list *warn)
{
	static const struct chart_opts defaults = CHART_OPTS_INIT;

	if (!o)
		o = &defaults;
	memset(cv, 0, sizeof *cv);
	cv->c = c;
	cv->s = scale;
	cv->w = o->width < 280 ? 280 : o->width;
	cv->h = cv->asked_h = o->height < 200 ? 200 : o->height;
	snprintf(cv->font, sizeof cv->font, "%s", o->font ? o->font : "DejaVu Sans");
	snprintf(cv->bold, sizeof cv->bold, "%s:bold", cv->font);
	cv->dl = warn;
}

static void draw(struct canvas *cv)
{
	switch (cv->c->type) {
	case CHART_BAR: draw_bar(cv); break;
	case CHART_HBAR: draw_hbar(cv); break;
	case CHART_LINE: draw_line(cv); break;
	case CHART_STEPS: draw_steps(cv); break;
	}
}

static int failed(struct canvas *cv, struct diag_list *dl)
{
	if (!cv->err)
		return 0;
	diag_error(dl, &cv->c->pos, "unable to draw chart '%s' with font '%s': %s", cv->c->id,
		   cv->font, cv->err);
	return -1;
}

int chart_size(const struct chart *c, const struct chart_opts *o, int *width, int *height,
	       struct diag_list *dl)
{
	struct canvas cv;

	canvas_init(&cv, c, o, 1, dl);
	draw(&cv);
	if (failed(&cv, dl))
		return -1;
	*width = (int)lround(cv.w);
	*height = (int)lround(cv.h);
	return 0;
}

int chart_render(const struct chart *c, const struct chart_opts *o, int scale,
		 struct strbuf *png, struct diag_list *dl)
{
	struct canvas cv;
	const char *why = NULL;
	int rc;

	if (scale < 1 || scale > 4) {
		diag_error(dl, &c->pos, "unable to draw chart '%s' at scale %d (use 1 or 2)", c->id,
			   scale);
		return -1;
	}
	canvas_init(&cv, c, o, scale, NULL);
	draw(&cv); /* measure: hbar and steps charts set their own height */
	if (failed(&cv, dl))
		return -1;
	cv.h = lround(cv.h);
	if (!(cv.gd = gdlib(&why))) {
		diag_error(dl, &c->pos, "unable to draw chart '%s': cannot open libgd (%s)", c->id, why);
		return -1;
	}
	cv.im = cv.gd->create_truecolor(dev(&cv, cv.w), dev(&cv, cv.h));
	if (!cv.im) {
		diag_error(dl, &c->pos, "unable to draw chart '%s': out of image memory", c->id);
		return -1;
	}
	fill(cv.im, 0, 0, gdImageSX(cv.im), gdImageSY(cv.im), WHITE);
	draw(&cv);
	if (failed(&cv, dl)) {
		cv.gd->destroy(cv.im);
		return -1;
	}
	rc = chart_png_encode(cv.im, COLORS, exact_colors,
			      sizeof exact_colors / sizeof *exact_colors, png);
	cv.gd->destroy(cv.im);
	if (rc < 0) {
		diag_error(dl, &c->pos, "unable to draw chart '%s': libgd wrote no PNG", c->id);
		return -1;
	}
	return 0;
}

/* ---- the cache key ---------------------------------------------------- */

struct fnv {
	uint64_t h;
};

static void fnv_add(struct fnv *f, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		f->h ^= p[i];
		f->h *= 0x100000001b3ULL;
	}
}

/* Strings with their length first, so ("ab","c") and ("a","bc") differ;
 * NULL differs from "". Numbers as text, so byte order does not matter. */
static void fnv_str(struct fnv *f, const char *s)
{
	char len[32];

	snprintf(len, sizeof len, s ? "%zu:" : "-:", s ? strlen(s) : (size_t)0);
	fnv_add(f, len, strlen(len));
	if (s)
		fnv_add(f, s, strlen(s));
}

static void fnv_num(struct fnv *f, double v)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%.17g;", v);
	fnv_add(f, buf, strlen(buf));
}

uint64_t chart_hash(const struct chart *c, const struct chart_opts *o)
{
	static const struct chart_opts defaults = CHART_OPTS_INIT;
	struct fnv f = { 0xcbf29ce484222325ULL };
	size_t i;

	if (!o)
		o = &defaults;
	fnv_num(&f, DRAW_VERSION);
	fnv_num(&f, GD_MAJOR_VERSION * 10000 + GD_MINOR_VERSION * 100 + GD_RELEASE_VERSION);
	fnv_num(&f, chart_text_version());
	fnv_num(&f, o->width);
	fnv_num(&f, o->height);
	fnv_str(&f, o->font ? o->font : "DejaVu Sans");
	fnv_str(&f, chart_type_name(c->type));
	fnv_str(&f, c->title);
	fnv_str(&f, c->unit);
	fnv_str(&f, c->source);
	for (i = 0; i < c->n_data; i++) {
		fnv_str(&f, c->data[i].label);
		fnv_num(&f, c->data[i].value);
	}
	for (i = 0; i < c->n_steps; i++) {
		fnv_str(&f, c->steps[i].title);
		fnv_str(&f, c->steps[i].credential);
		fnv_num(&f, c->steps[i].months);
	}
	return f.h;
}
