/* serve: build a site, serve it over HTTP and rebuild it as it changes. */
#ifndef WAYMARK_SERVE_H
#define WAYMARK_SERVE_H

#include <stdio.h>

#include "diag.h"

/* Where served pages listen for rebuilds (server-sent events). */
#define SERVE_EVENTS_PATH "/__waymark/events"

struct serve_opts {
	const char *site_dir; /* "." */
	const char *bind;     /* "127.0.0.1": an address, never all of them by default */
	int port;             /* 1313; 0: any free port (the one chosen is printed) */
	int port_given;       /* -p: that port or nothing; else, when 1313 is taken,
			       * the next free one of the 19 after it */
	int drafts;           /* include draft: true pages */
	FILE *out;            /* where the address and one line per build go */
	FILE *err;            /* where each build's diagnostics go */
};

/*
 * Build the site into a directory of its own (kept between runs below
 * $XDG_CACHE_HOME or ~/.cache; a private one below $TMPDIR or /tmp while
 * another server has that; the site's public/ is never touched), serve it
 * on opts->bind and opts->port, and rebuild it SERVE_DEBOUNCE_MS (40 ms)
 * after its sources last changed. A rebuild lists again only the content
 * files the watch saw change (struct build_listing), and takes the output
 * as the last build that went well left it (build_opts.output_trusted).
 * Every HTML page served carries a small script that reloads it after each
 * rebuild. While the last build failed, every page request gets a page
 * listing its diagnostics instead, and the last good site stays on disk.
 *
 * A long-running command reports as it goes: each build's diagnostics are
 * printed to opts->err and a summary line to opts->out as they happen.
 *
 * Runs until SIGINT or SIGTERM, which it blocks in the calling thread (call
 * it before starting other threads). Then it stops serving, removes the
 * private directory and returns 0. Returns 3 when it could not start (the
 * address is in use, the first build could not read the site, no
 * temporary directory), with the reason recorded in `dl` or, for a failed
 * build, already printed.
 */
int serve_run(const struct serve_opts *opts, struct diag_list *dl);

#endif
