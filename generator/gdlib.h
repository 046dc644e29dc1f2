/* gdlib: libgd, opened the first time a chart is drawn. */
#ifndef WAYMARK_GDLIB_H
#define WAYMARK_GDLIB_H

#include <gd.h>

/*
 * Linking libgd made every run of waymark load it and the sixty libraries
 * it needs (the image codecs of HEIF, AVIF, TIFF, WebP...), about 12 ms
 * before main() on this machine: most of a rebuild that changed nothing.
 * So waymark opens it (dynlib.h) when a chart is first drawn, and calls
 * the few functions it uses through this table.
 */
struct gdlib {
	gdImagePtr (*create_truecolor)(int sx, int sy);
	gdImagePtr (*create)(int sx, int sy);
	void (*destroy)(gdImagePtr im);
	int (*color_allocate)(gdImagePtr im, int r, int g, int b);
	void *(*png_ptr_ex)(gdImagePtr im, int *size, int level);
	void (*free)(void *m);
	int (*alpha_blend)(int dst, int src);
};

/* libgd's functions, or NULL when it cannot be opened; `why` (may be NULL)
 * then gets dlerror's reason. Safe to call from any thread. */
const struct gdlib *gdlib(const char **why);

#endif
