/* build: the pipeline from a site directory to a written site. */
#ifndef WAYMARK_BUILD_H
#define WAYMARK_BUILD_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "fsutil.h"

/*
 * For a process that builds one site again and again, watching its content
 * (waymark serve): the listing of content/ the last build made, which the
 * next brings up to date from the files the watch saw change instead of
 * listing the whole tree again (the stats of 10,000 files on the bench's
 * site, about a sixth of a title edit's time).
 */
struct build_listing {
	struct fs_list files; /* the last build's; build_run fills it */
	int kept;             /* files holds one */
	/* set by the caller before each build: the paths below content/ that
	 * changed since (each to list again as it is now), when known */
	char **changed;
	size_t nchanged;
	int changed_known; /* 0: anything may have changed: list the tree */
};

struct build_opts {
	const char *site_dir; /* "." */
	const char *out_dir;  /* NULL: <site_dir>/public */
	int drafts;           /* include draft: true pages */
	int strict;           /* a missing template name is an error */
	int dry_run;          /* validate and render, write nothing (waymark check) */
	int progress;         /* show progress on stderr (a terminal) */
	int quiet;            /* print nothing but problems (not even a wait for the lock) */
	int jobs;             /* threads rendering pages; 0: one per online CPU */
	int grades;           /* fill build_stats.grades (waymark check --readability) */
	const char *base_url; /* NULL, or the base_url to build for instead of site.yaml's */
	/* NULL, or how to report the problems of a build that must end the
	 * process before it returns (a Lua call stuck in C: hookrun.h), as
	 * its caller reports a finished build's; else they are printed */
	void (*report)(void *ctx, const struct diag_list *dl);
	void *report_ctx;
	/* when not NULL, called as soon as a build on the full path has put
	 * its output in place, before it saves its cache and frees its memory
	 * (tens of ms on a large site): a preview can reload its pages then.
	 * Not called by a quick build or one with nothing to do (they are
	 * done by then), nor by a failed one */
	void (*committed)(void *ctx);
	void *committed_ctx;
	/* the process ends when the build returns (waymark build, check):
	 * the content, model and pages are left to the exit rather than
	 * freed one block at a time, as compilers do (6 ms of a 125 ms
	 * rebuild of 10,000 pages). They stay reachable, so valgrind calls
	 * them that and not lost; under AddressSanitizer they are freed, so
	 * its leak checker still sees every release. */
	int exiting;
	/* NULL, or the last build's listing to bring up to date (above) */
	struct build_listing *listing;
	/* the output is as the last build through this process left it (a
	 * server that holds the output's lock, and built it last without an
	 * error): the files the cache lists are not looked for in it (12,000
	 * stats on the bench's site) */
	int output_trusted;
};

struct build_stats {
	size_t pages;    /* pages in the site */
	size_t rendered; /* pages rendered (the rest had not changed) */
	size_t written;  /* files written anew */
	size_t kept;     /* files unchanged since the last build */
	double seconds;
	/* with opts.grades: every page's reading grade, a list of
	 * {path, grade, words, graded} maps (the caller frees it) */
	struct value *grades;
	/* the files the Lua hooks read with waymark.read, relative to the
	 * site directory, one a line (the caller frees it; NULL when the build
	 * did not get that far) */
	char *reads;
};

/*
 * Load, validate, render and (unless dry_run) write the site. Every
 * problem is recorded in `dl`; the output directory is replaced only when
 * there was none. Returns the exit status: 0 success, 1 content errors,
 * 3 I/O or internal failure.
 */
int build_run(const struct build_opts *opts, struct diag_list *dl, struct build_stats *st);
/* "VERB 95 pages in 41 ms (3 rendered; 5 files written, 127 unchanged)": what
 * a build that worked made (waymark build and serve say it so). */
void build_stats_print(FILE *out, const char *verb, const struct build_stats *st);

#endif
