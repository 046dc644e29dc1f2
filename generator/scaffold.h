/* scaffold: `waymark new`: skeleton content files that build as they are. */
#ifndef WAYMARK_SCAFFOLD_H
#define WAYMARK_SCAFFOLD_H

#include "diag.h"
#include "strbuf.h"

/*
 * Write a new, valid skeleton below `site_dir` (comments explain every
 * field): kind "framework" ID, "pathway" ID, "stage" ID, "story" TITLE, or
 * "site" DIR (then `arg` is the new site's directory and `site_dir` is
 * ignored). An existing file is never overwritten. On success `written`
 * receives the path written and 0 is returned; otherwise the problem is
 * recorded and -1 returned (`usage` is set when the arguments themselves
 * are wrong: an unknown kind or an invalid id).
 */
int scaffold_new(const char *site_dir, const char *kind, const char *arg,
		 struct strbuf *written, int *usage, struct diag_list *dl);
/* Write `text` to `path` (making the directories above it), refusing to
 * replace anything: an existing file is an error, left as it is. Returns
 * 0, or -1 with the problem recorded. */
int scaffold_create(const char *path, const char *text, struct diag_list *dl);
/* 0 when `site_dir` holds a site.yaml; else -1, with the error that says
 * so (and how to choose or make a site) recorded. */
int scaffold_in_site(const char *site_dir, struct diag_list *dl);

#endif
