/* charttext: chart text from FreeType glyphs that are hinted and rendered once per process. */
#ifndef WAYMARK_CHARTTEXT_H
#define WAYMARK_CHARTTEXT_H

#include <gd.h>

/*
 * Text is measured and drawn the way libgd 2.3.3's gdImageStringFTEx
 * does it (a size in pixels at 72 dpi: the font fontconfig picks for the
 * name, advances and kerning hinted at 300 dpi, glyphs hinted and
 * rendered at 72 dpi, blended with gdAlphaBlend), so the pixels are the
 * same. The difference is the cost: libgd creates two sizes (running the
 * font's prep program for each) and hints every glyph two or three times
 * on every call, which was most of a chart's drawing time; here each
 * glyph is loaded once per font and size and kept.
 *
 * Text is plain UTF-8 ("&amp;" is five characters, unlike in libgd); "\n"
 * starts a new line as in libgd.
 *
 * Threads: the fonts and glyphs are one process-wide cache behind a
 * mutex, set up on first use; laying out takes the mutex once per call,
 * drawing does not take it. chart_text_shutdown frees it all (at exit,
 * when no other thread draws; the next call would set it up again).
 */

struct chart_glyph;

/* A laid-out line of text. Glyphs belong to the cache, not to it. */
struct chart_text {
	size_t n;
	const struct chart_glyph **glyph;
	long *pen_x, *pen_y;   /* each glyph's origin, 26.6 at 300 dpi */
	int left, right;       /* libgd's bounding box, x at 0: brect[0], brect[2] */
};

/*
 * Lay out `s` in `font` (a fontconfig pattern such as "DejaVu Sans:bold")
 * at `px` pixels. Returns 0, or -1 with *err set to a static message
 * (the font cannot be found, read or sized, a glyph cannot be loaded) and
 * `t` empty. Release `t` either way.
 */
int chart_text_layout(struct chart_text *t, const char *font, double px, const char *s,
		      const char **err);

/*
 * What fontconfig makes of `font` (a site's charts.font): 0, with the
 * family asked for (empty when the pattern names none) in `want` and the
 * family of the font it picks in `got`; or -1 with *err set when it cannot
 * read the pattern or finds no font file for it.
 */
int chart_text_font(const char *font, char *want, size_t wsize, char *got, size_t gsize,
		    const char **err);

/* The width of the text: libgd's brect[2] - brect[0]. */
int chart_text_width(const struct chart_text *t);

/*
 * Draw the text with its first glyph's origin at (x, y) (the baseline),
 * in `color` (a truecolor value, alpha respected), on a truecolor image.
 * Returns 0, or -1 with *err set when a glyph has a pixel mode libgd
 * cannot draw either.
 */
int chart_text_draw(const struct chart_text *t, gdImagePtr im, int x, int y, int color,
		    const char **err);

void chart_text_release(struct chart_text *t);

/* Free every cached font and glyph. */
void chart_text_shutdown(void);

/* The FreeType version built against, as one number (2.12.1 is 21201):
 * glyphs change with it, so chart_hash covers it. */
int chart_text_version(void);

#endif
