/* dynlib: a shared library opened when it is first needed, not at start. */
#ifndef WAYMARK_DYNLIB_H
#define WAYMARK_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

/*
 * A library waymark links loads on every run, with the libraries it needs
 * in turn, before main(). libgd (sixty libraries) and libmicrohttpd (nine,
 * GnuTLS's) are needed only to draw a chart and to serve, so they are
 * opened with dlopen then, and their few functions called through a table
 * (gdlib.h, mhdlib.h).
 */
struct dynlib_fn {
	const char *name; /* the function's name in the library */
	void **to;        /* where its address goes */
};

struct dynlib {
	const char *soname;
	const struct dynlib_fn *fns;
	size_t n;
	pthread_mutex_t lock;
	int tried;
	char *failure; /* why it could not be opened */
};

/* A library and its functions: `fns` is an array. */
#define DYNLIB_INIT(soname, fns) \
	{ (soname), (fns), sizeof(fns) / sizeof *(fns), PTHREAD_MUTEX_INITIALIZER, 0, NULL }

/* Open `l` and find each of its functions, the first time (from any
 * thread): NULL when every one was found, else dlerror's reason, the same
 * on every call. The library stays open until the process ends. */
const char *dynlib_load(struct dynlib *l);

#endif
