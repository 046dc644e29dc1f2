/* mhdlib: libmicrohttpd, opened when waymark serve starts. */
#include "mhdlib.h"

#include "dynlib.h"

/* libmicrohttpd's file name, from the library waymark was built against
 * (see the Makefile); Debian 12's when that could not be read. */
#ifndef WAYMARK_MHD_SONAME
#define WAYMARK_MHD_SONAME "libmicrohttpd.so.12"
#endif

static struct mhdlib api;

static const struct dynlib_fn fns[] = {
	{ "MHD_start_daemon", (void **)&api.start_daemon },
	{ "MHD_stop_daemon", (void **)&api.stop_daemon },
	{ "MHD_lookup_connection_value", (void **)&api.lookup_connection_value },
	{ "MHD_create_response_from_buffer", (void **)&api.create_response_from_buffer },
	{ "MHD_create_response_from_callback", (void **)&api.create_response_from_callback },
	{ "MHD_create_response_from_fd", (void **)&api.create_response_from_fd },
	{ "MHD_add_response_header", (void **)&api.add_response_header },
	{ "MHD_queue_response", (void **)&api.queue_response },
	{ "MHD_destroy_response", (void **)&api.destroy_response },
};

static struct dynlib lib = DYNLIB_INIT(WAYMARK_MHD_SONAME, fns);

const struct mhdlib *mhdlib(const char **why)
{
	const char *failure = dynlib_load(&lib);

	if (failure && why)
		*why = failure;
	return failure ? NULL : &api;
}
