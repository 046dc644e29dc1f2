/* chartpng: a drawn chart as PNG bytes, with a palette of its own colours. */
#include "chartpng.h"

#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "gdlib.h"
#include "threads.h"
#include "xalloc.h"

static atomic_ullong png_ns; /* chart_png_seconds */

double chart_png_seconds(void)
{
	return (double)atomic_load(&png_ns) / 1e9;
}

/* Colours counted before giving up on a palette (a photograph, say):
 * the picture is then written as it is, in truecolor. */
#define MAX_COLORS 2048
#define SLOTS 4096 /* hash slots: a power of two, twice MAX_COLORS */
#define NONE LLONG_MAX /* drop's cost of a colour that stays */

struct color {
	int rgb;     /* 0xRRGGBB; -1 for an empty slot */
	int index;   /* in the palette */
	long count;  /* pixels */
	int dropped; /* not in the palette: its pixels take the nearest colour */
	int exact;   /* never dropped (one of the colours the chart drew with) */
};

/* Counting table: open addressing on the colour value. */
struct colors {
	struct color slot[SLOTS];
	int n;
};

static struct color *find(struct colors *t, int rgb)
{
	unsigned h = ((unsigned)rgb * 2654435761u) >> 20; /* 12 bits: SLOTS */

	while (t->slot[h].rgb != rgb && t->slot[h].rgb != -1)
		h = (h + 1) & (SLOTS - 1);
	return &t->slot[h];
}

/*
 * The picture as runs of one colour, row by row, found in one pass over
 * the pixels and used twice: to count each colour, then to write the
 * palette image. A row the same as the one above it (most of a chart's
 * rows are: its background, the inside of bars) has no runs of its own.
 */
struct run {
	struct color *c;
	int n;
};

struct runs {
	struct run *run; /* every row's runs, one row after another */
	size_t n, alloc;
	int *first;      /* row y's runs start at run[first[y]]; -1: as row y-1 */
};

static int same_row(gdImagePtr im, int y)
{
	return y > 0 && !memcmp(im->tpixels[y], im->tpixels[y - 1],
				(size_t)gdImageSX(im) * sizeof **im->tpixels);
}

/* Count every colour of `im` into `t`, noting its runs in `r`; -1 when
 * there are too many colours. */
static int count(struct colors *t, struct runs *r, gdImagePtr im)
{
	int x, y, w = gdImageSX(im);
	size_t i, row = 0, nrow = 0; /* the runs of the last row scanned */

	for (x = 0; x < SLOTS; x++)
		t->slot[x].rgb = -1;
	t->n = 0;
	r->first = xmalloc((size_t)gdImageSY(im) * sizeof *r->first);
	for (y = 0; y < gdImageSY(im); y++) {
		const int *px = im->tpixels[y];

		if (same_row(im, y)) {
			r->first[y] = -1;
			for (i = row; i < row + nrow; i++)
				r->run[i].c->count += r->run[i].n;
			continue;
		}
		r->first[y] = (int)r->n;
		row = r->n;
		for (x = 0; x < w;) {
			int v = px[x], start = x;
			struct color *c = find(t, v & 0xffffff);

			/* the run's end, four pixels at a time first (a pixel's
			 * alpha bits too: a run cut where only they change is
			 * two runs of one colour, written the same) */
			for (x++; x + 4 <= w && !((px[x] ^ v) | (px[x + 1] ^ v) | (px[x + 2] ^ v) |
						  (px[x + 3] ^ v));
			     x += 4)
				;
			while (x < w && px[x] == v)
				x++;
			if (c->rgb == -1) {
				if (t->n == MAX_COLORS)
					return -1;
				c->rgb = v & 0xffffff;
				c->count = 0;
				c->dropped = 0;
				c->exact = 0;
				t->n++;
			}
			c->count += x - start;
			XGROW(r->run, r->alloc, r->n + 1);
			r->run[r->n].c = c;
			r->run[r->n++].n = x - start;
		}
		nrow = r->n - row;
	}
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct color *x = *(struct color *const *)a, *y = *(struct color *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->rgb > y->rgb) - (x->rgb < y->rgb);
}

static long long distance(int a, int b)
{
	long dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff), dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff),
	     db = (a & 0xff) - (b & 0xff);

	return dr * dr + dg * dg + db * db;
}

/*
 * The colours in order of r + g + b (then of their place in c). Two
 * colours whose sums differ by s are at least s * s / 3 apart (squared),
 * so the search for a colour's nearest goes out from its place both ways
 * and stops each way where that bound passes the best distance so far:
 * a few dozen colours looked at instead of every one.
 */
struct by_sum {
	int *at;    /* indices into c */
	int *place; /* c[i] is at at[place[i]] */
	int *sum;   /* sum[i]: c[i]'s r + g + b */
};

static int sum_of(int rgb)
{
	return ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
}

static int by_sum_then_place(const void *a, const void *b)
{
	const int *x = a, *y = b;

	return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

static void by_sum_init(struct by_sum *s, struct color **c, int n)
{
	int *pairs = xmalloc(2 * (size_t)n * sizeof *pairs), i;

	s->at = xmalloc((size_t)n * sizeof *s->at);
	s->place = xmalloc((size_t)n * sizeof *s->place);
	s->sum = xmalloc((size_t)n * sizeof *s->sum);
	for (i = 0; i < n; i++) {
		s->sum[i] = sum_of(c[i]->rgb);
		pairs[2 * i] = s->sum[i];
		pairs[2 * i + 1] = i;
	}
	qsort(pairs, (size_t)n, 2 * sizeof *pairs, by_sum_then_place);
	for (i = 0; i < n; i++) {
		s->at[i] = pairs[2 * i + 1];
		s->place[s->at[i]] = i;
	}
	free(pairs);
}

/* The colour of `c` (n of them, not dropped) nearest to c[i]; of equals,
 * the first in c. */
static void nearest(struct color **c, const struct by_sum *s, int n, int i, int *near,
		    long long *d)
{
	int dir, k;

	*near = -1;
	for (dir = -1; dir <= 1; dir += 2)
		for (k = s->place[i] + dir; k >= 0 && k < n; k += dir) {
			int j = s->at[k];
			long long ds = s->sum[j] - s->sum[i], dj;

			if (*near >= 0 && ds * ds > 3 * *d)
				break;
			if (c[j]->dropped)
				continue;
			dj = distance(c[i]->rgb, c[j]->rgb);
			if (*near < 0 || dj < *d || (dj == *d && j < *near)) {
				*near = j;
				*d = dj;
			}
		}
}

/*
 * Drop colours until `keep` are left: each time the one whose pixels
 * change least by taking the nearest colour left (pixels times squared
 * distance; of equals, the rarest), whose pixels then count with those
 * of that colour. What goes are the shades of anti-aliased edges, each a
 * little way from another; colours marked exact stay, however few their
 * pixels. Then to[i], for each dropped c[i], is the kept colour its
 * pixels take.
 */
static void drop(struct color **c, int n, int keep, int *to)
{
	int *near = xmalloc((size_t)n * sizeof *near), i, j, k, left;
	long long *d = xmalloc((size_t)n * sizeof *d), *weight = xmalloc((size_t)n * sizeof *weight);
	/* weight[i] * d[i] while c[i] may still go, NONE once it cannot (an
	 * exact colour) or has gone; with `gone`, the loops below read arrays
	 * side by side rather than each colour's place in the hash table */
	long long *cost = xmalloc((size_t)n * sizeof *cost);
	unsigned char *gone = xcalloc((size_t)n, 1);
	struct by_sum s;

	by_sum_init(&s, c, n);
	for (i = 0; i < n; i++) {
		nearest(c, &s, n, i, &near[i], &d[i]);
		weight[i] = c[i]->count;
		cost[i] = c[i]->exact ? NONE : weight[i] * d[i];
	}
	for (left = n; left > keep; left--) {
		int best = -1;

		for (i = 0; i < n; i++)
			if (cost[i] != NONE && (best < 0 || cost[i] <= cost[best]))
				best = i;
		if (best < 0)
			break; /* only exact colours are left */
		c[best]->dropped = gone[best] = 1;
		cost[best] = NONE;
		k = near[best];
		weight[k] += weight[best];
		if (cost[k] != NONE)
			cost[k] = weight[k] * d[k];
		for (j = 0; j < n; j++)
			if (!gone[j] && near[j] == best) {
				nearest(c, &s, n, j, &near[j], &d[j]);
				if (cost[j] != NONE)
					cost[j] = weight[j] * d[j];
			}
	}
	for (i = 0; i < n; i++)
		if (gone[i])
			nearest(c, &s, n, i, &to[i], &d[i]);
	free(near);
	free(d);
	free(weight);
	free(cost);
	free(gone);
	free(s.at);
	free(s.place);
	free(s.sum);
}

/* A palette image with the colours of `im`, at most `colors` of them, or
 * NULL (too many colours). */
static gdImagePtr to_palette(const struct gdlib *gd, gdImagePtr im, int colors, const int *exact,
			     size_t nexact)
{
	struct colors *t = xmalloc(sizeof *t);
	struct runs r = { NULL, 0, 0, NULL };
	struct color **order = NULL;
	gdImagePtr pal = NULL;
	int i, k, x, y, *to = NULL;

	if (count(t, &r, im) < 0)
		goto done;
	if (colors > gdMaxColors)
		colors = gdMaxColors;
	for (i = 0; i < (int)nexact && i < colors; i++) {
		struct color *c = find(t, exact[i] & 0xffffff);

		if (c->rgb != -1)
			c->exact = 1;
	}
	order = xmalloc((size_t)t->n * sizeof *order);
	for (i = k = 0; i < SLOTS; i++)
		if (t->slot[i].rgb != -1)
			order[k++] = &t->slot[i];
	qsort(order, (size_t)t->n, sizeof *order, by_count);
	to = xmalloc(((size_t)t->n + 1) * sizeof *to);
	if (t->n > colors)
		drop(order, t->n, colors, to);
	if (!(pal = gd->create(gdImageSX(im), gdImageSY(im))))
		goto done;
	for (i = 0; i < t->n; i++) {
		int rgb = order[i]->rgb;

		if (!order[i]->dropped)
			order[i]->index = gd->color_allocate(pal, rgb >> 16, (rgb >> 8) & 0xff,
							       rgb & 0xff);
	}
	for (i = 0; i < t->n; i++)
		if (order[i]->dropped)
			order[i]->index = order[to[i]]->index;
	for (y = 0; y < gdImageSY(im); y++) {
		unsigned char *out = pal->pixels[y];
		const struct run *run = r.first[y] < 0 ? NULL : r.run + r.first[y];

		if (!run) {
			memcpy(out, pal->pixels[y - 1], (size_t)gdImageSX(im));
			continue;
		}
		for (x = 0; x < gdImageSX(im); x += run++->n)
			memset(out + x, run->c->index, (size_t)run->n);
	}
done:
	free(order);
	free(to);
	free(r.run);
	free(r.first);
	free(t);
	return pal;
}

int chart_png_encode(gdImagePtr im, int colors, const int *exact, size_t nexact,
		     struct strbuf *png)
{
	const struct gdlib *gd = gdlib(NULL);
	gdImagePtr pal;
	void *bytes;
	int size;
	double began;

	if (!gd)
		return -1;
	pal = to_palette(gd, im, colors, exact, nexact);

	/* zlib's default level: files a quarter smaller than at level 1, for
	 * about 0.8 ms more a chart at 1x and 3 ms at 2x (2026, Debian 12) */
	began = thread_cpu_seconds();
	bytes = gd->png_ptr_ex(pal ? pal : im, &size, 6);
	atomic_fetch_add(&png_ns, (unsigned long long)((thread_cpu_seconds() - began) * 1e9));
	if (pal)
		gd->destroy(pal);
	if (!bytes)
		return -1;
	strbuf_add(png, bytes, (size_t)size);
	gd->free(bytes);
	return 0;
}
