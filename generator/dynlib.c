/* dynlib: a shared library opened when it is first needed, not at start. */
#include "dynlib.h"

#include <dlfcn.h>

#include "xalloc.h"

static const char *open_lib(const struct dynlib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!h)
		return dlerror();
	for (i = 0; i < l->n; i++)
		if (!(*l->fns[i].to = dlsym(h, l->fns[i].name)))
			return dlerror();
	return NULL;
}

const char *dynlib_load(struct dynlib *l)
{
	const char *failure;

	pthread_mutex_lock(&l->lock);
	if (!l->tried) {
		/* a copy: dlerror's text is overwritten by the next failure */
		failure = open_lib(l);
		l->failure = failure ? xstrdup(failure) : NULL;
		l->tried = 1;
	}
	failure = l->failure;
	pthread_mutex_unlock(&l->lock);
	return failure;
}
