/* gdlib: libgd, opened the first time a chart is drawn. */
#include "gdlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* libgd's file name, from the library waymark was built against (see the
 * Makefile); Debian 12's when that could not be read. */
#ifndef WAYMARK_GD_SONAME
#define WAYMARK_GD_SONAME "libgd.so.3"
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct gdlib api;
static const struct gdlib *loaded;
static const char *failure;

static void *sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (!p && !failure)
		failure = dlerror();
	return p;
}

static void open_gd(void)
{
	void *h = dlopen(WAYMARK_GD_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		failure = dlerror();
		return;
	}
	/* a function pointer through void *: what POSIX promises for dlsym */
	*(void **)&api.create_truecolor = sym(h, "gdImageCreateTrueColor");
	*(void **)&api.create = sym(h, "gdImageCreate");
	*(void **)&api.destroy = sym(h, "gdImageDestroy");
	*(void **)&api.color_allocate = sym(h, "gdImageColorAllocate");
	*(void **)&api.png_ptr_ex = sym(h, "gdImagePngPtrEx");
	*(void **)&api.free = sym(h, "gdFree");
	*(void **)&api.alpha_blend = sym(h, "gdAlphaBlend");
	if (!failure)
		loaded = &api; /* kept open until the process ends */
}

const struct gdlib *gdlib(const char **why)
{
	pthread_once(&once, open_gd);
	if (!loaded && why)
		*why = failure ? failure : "unknown reason";
	return loaded;
}
