/* output: writing the site to a staging directory and swapping it in. */
#ifndef WAYMARK_OUTPUT_H
#define WAYMARK_OUTPUT_H

#include <stdatomic.h>
#include <stddef.h>

#include "diag.h"

/*
 * Everything is written below `staging` (a directory beside the output
 * directory); output_commit swaps it in with one rename, so a failed build
 * leaves the previous output byte for byte as it was. A file whose bytes
 * equal the previous build's is hard-linked from it instead of written, so
 * unchanged outputs keep their inode and modification time.
 *
 * With `dry_run` nothing touches the disk (waymark check).
 *
 * output_write may be called from several threads at once for different
 * files (each with its own diag_list); begin, commit and abort may not.
 */
struct output {
	char *final;    /* the output directory: "public" */
	char *staging;  /* "<parent>/.waymark-staging-<name>" */
	int dry_run;
	atomic_size_t written; /* files written anew */
	atomic_size_t kept;    /* files linked unchanged from the previous output */
};

/*
 * Prepare to write `dir` (refusing a directory that holds a site or a git
 * repository, or that contains `site_dir`). Returns 0 or -1 (recorded).
 */
int output_begin(struct output *o, const char *dir, const char *site_dir, int dry_run,
		 struct diag_list *dl);
/*
 * Write data[0..len) at `rel` below the output ("about/index.html").
 * `rel` must be relative and may not contain ".." (output stays inside the
 * output directory). Returns 0 or -1 (recorded, as an I/O error).
 */
int output_write(struct output *o, const char *rel, const void *data, size_t len,
		 struct diag_list *dl);
/*
 * Carry the previous build's file at `rel` over unchanged (a hard link,
 * falling back to a copy), without looking at it: for pages whose inputs
 * did not change. Returns 0, or -1 when there is no such file (then the
 * caller renders the page), recording nothing.
 */
int output_keep(struct output *o, const char *rel);
/* Swap the staging directory in. Returns 0 or -1 (recorded). */
int output_commit(struct output *o, struct diag_list *dl);
/* Remove the staging directory (after a failed build) and free `o`. */
void output_abort(struct output *o);
void output_release(struct output *o);

#endif
