/* exports: a site's frameworks as open data other systems can import. */
#ifndef WAYMARK_EXPORTS_H
#define WAYMARK_EXPORTS_H

#include "diag.h"
#include "model.h"
#include "output.h"
#include "value.h"

/*
 * For every framework, beside its page (/frameworks/<id>/):
 *   <id>.case.json  a CASE 1.0 package (1EdTech Competencies and Academic
 *                   Standards Exchange): CFDocument, CFItems (each group
 *                   and skill) and CFAssociations (isChildOf, and each
 *                   skill's `aligns` with its CASE association type);
 *   <id>.csv        one row per skill, for spreadsheets;
 *   <id>.json       the framework as written, as JSON.
 * Identifiers are UUIDs made from the ids, so they stay the same from
 * build to build; URIs are the pages' absolute URLs when site.yaml's
 * base_url is absolute, else "urn:uuid:<identifier>".
 */
int exports_write(const struct model *m, const char *base_url, const char *site_title,
		  const char *lang, struct output *o, struct diag_list *dl);

/* The file names exports_write makes for a framework, for links:
 * "<base_path>frameworks/<id>/<id>.<ext>", as a map case_json, csv, json
 * the caller frees. */
struct value *exports_links(const struct record *framework, const char *base_path);

/* A stable UUID (version 8, RFC 9562) made from `name`, written into
 * buf (37 bytes). */
void exports_uuid(const char *name, char buf[37]);

#endif
