/* gdlib: libgd, opened the first time a chart is drawn. */
#include "gdlib.h"

#include "dynlib.h"

/* libgd's file name, from the library waymark was built against (see the
 * Makefile); Debian 12's when that could not be read. */
#ifndef WAYMARK_GD_SONAME
#define WAYMARK_GD_SONAME "libgd.so.3"
#endif

static struct gdlib api;

/* a function pointer through void *: what POSIX promises for dlsym */
static const struct dynlib_fn fns[] = {
	{ "gdImageCreateTrueColor", (void **)&api.create_truecolor },
	{ "gdImageCreate", (void **)&api.create },
	{ "gdImageDestroy", (void **)&api.destroy },
	{ "gdImageColorAllocate", (void **)&api.color_allocate },
	{ "gdImagePngPtrEx", (void **)&api.png_ptr_ex },
	{ "gdFree", (void **)&api.free },
	{ "gdAlphaBlend", (void **)&api.alpha_blend },
};

static struct dynlib lib = DYNLIB_INIT(WAYMARK_GD_SONAME, fns);

const struct gdlib *gdlib(const char **why)
{
	const char *failure = dynlib_load(&lib);

	if (failure && why)
		*why = failure;
	return failure ? NULL : &api;
}
