/* chartpng: a drawn chart as PNG bytes, with a palette of its own colours. */
#ifndef WAYMARK_CHARTPNG_H
#define WAYMARK_CHARTPNG_H

#include <gd.h>

#include "strbuf.h"

/*
 * A chart is a few flat colours and their anti-aliased edges: a couple of
 * hundred colours in all. Written as an 8-bit palette PNG (one byte a
 * pixel, no row filters for libpng to try) it is less than half the size
 * of the same picture in truecolor, and quicker to compress.
 *
 * The palette is the picture's own colours, the most frequent first (ties
 * by value, so the bytes depend only on the pixels). A picture with more
 * colours than asked for (a line chart or a step diagram can have 300 or
 * so) loses those that cost least to replace, pixels times squared red,
 * green and blue distance: the shades of anti-aliased edges, which take
 * the nearest colour kept. The colours named exact (the ones a chart
 * draws with) are never replaced. A picture with more than 2,048 colours
 * (a photograph, say) stays truecolor. Alpha is ignored: charts are drawn
 * opaque.
 */

/*
 * Append `im` (a truecolor image) as PNG to `png`, in at most `colors`
 * colours (256 at most), keeping each of the `nexact` colours of `exact`
 * (0xRRGGBB) that it has as it is. Returns 0, or -1 when libgd writes
 * nothing (png unchanged).
 */
int chart_png_encode(gdImagePtr im, int colors, const int *exact, size_t nexact,
		     struct strbuf *png);

/* Seconds of CPU that libgd's PNG writer (libpng and zlib) has taken, on
 * every thread, in the process so far (WAYMARK_TIMINGS=1 prints it). */
double chart_png_seconds(void);

#endif
