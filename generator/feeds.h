/* feeds: the machine-readable files beside the pages: the search index,
 * sitemap.xml, robots.txt and an Atom feed of stories. */
#ifndef WAYMARK_FEEDS_H
#define WAYMARK_FEEDS_H

#include "diag.h"
#include "output.h"
#include "pages.h"

/*
 * Write search-index.json (title, URL, kind, summary and keywords of every
 * searchable page, compact), robots.txt, and, when site.yaml's base_url is
 * absolute (https://...), sitemap.xml and stories.atom. Returns 0 or -1
 * (recorded).
 */
int feeds_write(const struct pages_env *env, const char *base_url, const char *site_title,
		struct output *o, struct diag_list *dl);

#endif
