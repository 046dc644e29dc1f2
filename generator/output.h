/* output: writing the site so that a failed build changes nothing. */
#ifndef WAYMARK_OUTPUT_H
#define WAYMARK_OUTPUT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "diag.h"
#include "strbuf.h"

/*
 * Nothing reaches the output directory before the whole build has
 * succeeded: new and changed files are written below `staging` (a
 * directory beside the output directory), and output_commit moves them in.
 *
 * - The first build (no output directory yet) writes the site's tree in
 *   the staging directory and renames it into place, in one step.
 * - Later builds update the output in place: a file whose bytes are the
 *   same as before is not written at all (it keeps its inode and time);
 *   each new or changed file is staged under a number (no directories to
 *   make and remove) and renamed over the old one; files the build no
 *   longer makes are removed. A build that fails before output_commit
 *   leaves the previous output byte for byte as it was.
 *
 * With `dry_run` nothing touches the disk (waymark check).
 *
 * output_write and output_keep may be called from several threads at once
 * for different files (each with its own diag_list); begin, commit and
 * abort may not.
 */
struct output {
	char *final;    /* the output directory: "public" */
	char *staging;  /* "<parent>/.waymark-staging-<name>" */
	int staging_fd; /* open on it while the build writes; -1 otherwise */
	int final_fd;   /* open on the output directory when updating it; else -1 */
	int dry_run;
	int update;     /* the output directory exists: update it in place */
	atomic_size_t written; /* files written anew */
	atomic_size_t kept;    /* files left as the previous build made them */
	/* every file this build makes, and those written to staging */
	pthread_mutex_t lock;
	char **made;
	size_t nmade, amade;
	atomic_ullong made_sum; /* their names' hashes, summed as they are noted */
	char **staged;
	size_t nstaged, astaged;
	/* files the directory held that no earlier build there made (no
	 * manifest): left alone; how many, and the first by name */
	size_t foreign;
	char *foreign_first;
	/* files not written because the disk was full: the first is
	 * reported, the rest only counted (a full disk fails every file) */
	atomic_size_t full;
};

/*
 * Until output_capture(NULL), every file the calling thread writes or
 * keeps is also added to `into`, as a newline and its path
 * ("\nabout/index.html"): what one part of a build made, while other
 * threads write theirs.
 */
void output_capture(struct strbuf *into);
/*
 * Whether a build may write `dir`: not an empty name or a file, nor a
 * directory that holds a site or a git repository, or that contains
 * `site_dir`, nor one at or below the site's content/, themes/ or lua/
 * (whether it exists yet or not). Returns 0, or -1 with the reason
 * recorded.
 */
int output_allowed(const char *dir, const char *site_dir, struct diag_list *dl);
/*
 * Prepare to write `dir` (output_allowed first). Returns 0 or -1 (recorded).
 */
int output_begin(struct output *o, const char *dir, const char *site_dir, int dry_run,
		 struct diag_list *dl);
/*
 * Make data[0..len) the file at `rel` below the output ("about/index.html").
 * `rel` must be relative and may not contain ".." (output stays inside the
 * output directory). Returns 0 or -1 (recorded, as an I/O error).
 */
int output_write(struct output *o, const char *rel, const void *data, size_t len,
		 struct diag_list *dl);
/*
 * Keep the previous build's file at `rel` as it is, without looking at
 * it: for pages whose inputs did not change. Returns 0, or -1 when there
 * is no such file (then the caller renders the page), recording nothing.
 * `there`: 1 when the caller has seen that the file is there, 0 that it
 * is not (cache_there), -1 to look.
 */
int output_keep(struct output *o, const char *rel, int there);
/*
 * Whether every file the last build into `dir` made (its manifest) is
 * still a file there: 1; 0 when one is not (removed by hand, say: a build
 * that finds nothing changed must make it again); -1 when there is no
 * manifest to go by.
 */
int output_intact(const char *dir);
/* Whether the last build into `dir` made each of the n files `rels`
 * (its manifest names them): 1, 0 when it did not, -1 when there is no
 * manifest to go by. */
int output_made(const char *dir, char *const *rels, size_t n);
/* 1 when `rel` names a file inside the output directory: relative, with
 * no "..", "." or empty segment. */
int output_confined(const char *rel);
/* Move the build into place. Returns 0 or -1 (recorded). */
int output_commit(struct output *o, struct diag_list *dl);
/* Remove the staging directory (after a failed build). */
void output_abort(struct output *o);
/* For tests: when the environment's WAYMARK_TEST_STOP names `point`, end
 * the process there at once, as a power cut would ("renamed": the new
 * files are in the output, the old ones not yet removed; "committed": the
 * output is done, the cache not saved). */
void output_test_stop(const char *point);
void output_release(struct output *o);

#endif
