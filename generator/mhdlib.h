/* mhdlib: libmicrohttpd, opened when waymark serve starts. */
#ifndef WAYMARK_MHDLIB_H
#define WAYMARK_MHDLIB_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

#include <microhttpd.h>

/*
 * Linking libmicrohttpd made every run of waymark load it and the nine
 * libraries it needs (GnuTLS and its own), about 2 ms before main() on
 * this machine: a tenth of a rebuild that changed nothing. Only `waymark
 * serve` needs it, so it is opened then (dynlib.h), and the functions
 * serve.c uses are called through this table, with libmicrohttpd's own
 * declarations.
 */
struct mhdlib {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_create_response_from_callback) *create_response_from_callback;
	__typeof__(MHD_create_response_from_fd) *create_response_from_fd;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
};

/* libmicrohttpd's functions, or NULL when it cannot be opened; `why` (may
 * be NULL) then gets the reason. Safe to call from any thread. */
const struct mhdlib *mhdlib(const char **why);

#endif
