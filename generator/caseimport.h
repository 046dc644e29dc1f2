/* caseimport: `waymark import case`: a CASE 1.0 package as a framework. */
#ifndef WAYMARK_CASEIMPORT_H
#define WAYMARK_CASEIMPORT_H

#include "diag.h"
#include "strbuf.h"

struct caseimport_stats {
	size_t categories, skills, aligns;
};

/*
 * Read the CASE 1.0 package `file` (JSON: a CFDocument, its CFItems and
 * CFAssociations) and write it as content/frameworks/<id>.yaml of the site
 * in `site_dir`, never over an existing file. `id` is the framework's id,
 * or NULL for the slug of the document's title.
 *
 * The items' isChildOf tree, in sequenceNumber order, gives the groups:
 * an item under the document with items under it is a category, and every
 * item below it one of its skills; one with none is a skill of a category
 * named after the document. A skill's id comes from its humanCodingScheme
 * (else its abbreviated, else its full statement), its title from its
 * abbreviated statement (else the start of the full one), its definition
 * from its full statement; "Example: ..." lines of its notes become its
 * examples. Other associations from a skill become its `aligns`: to a
 * skill of the package by id, to anything else by its uri. Packages that
 * bend the schema are read as far as they can be; what is left out is a
 * warning at its place in the file.
 *
 * Returns 0 with `written` holding the path and `st` the counts; -1 with
 * the problems recorded (a file that is not a CASE package is an error;
 * `usage` is set when `id` is not a valid id).
 */
int caseimport_run(const char *site_dir, const char *file, const char *id, struct strbuf *written,
		   struct caseimport_stats *st, int *usage, struct diag_list *dl);

#endif
