/* figures: the charts pages show, made from their data and front matter,
 * each drawn once per build. */
#ifndef WAYMARK_FIGURES_H
#define WAYMARK_FIGURES_H

#include "cache.h"
#include "diag.h"
#include "model.h"
#include "output.h"
#include "pages.h"

/*
 * Every pathway page gets a wage chart (when two or more steps have a
 * wage) and a step diagram; the frameworks page gets a chart of skills per
 * category for each framework; any page may declare `charts` in its front
 * matter (docs/charts.md).
 *
 * figures_plan reads and checks every chart (errors at the spec's
 * position) and attaches them to their pages (of a list shown a page at a
 * time, to its first). figures_draw, before pages render, writes each
 * chart's two pictures (a computer's and a phone's, chart.h) as
 * charts/<hash>.png and charts/<hash>@2x.png: a picture the
 * previous build already has is carried over, not drawn again; each
 * page's `figures` receives the HTML of its charts. Each chart's size (and
 * any warning about labels shortened to fit) is kept in the build cache
 * too, so a build that draws nothing measures nothing either.
 */
int figures_plan(struct page_list *pl, const struct model *m, struct diag_list *dl);
int figures_draw(struct page_list *pl, struct output *o, struct cache *cache,
		 const char *base_path, const char *font, struct diag_list *dl);
/* CPU time the pictures' drawing threads have spent (drawing, compressing
 * and writing them) since the process began: WAYMARK_TIMINGS */
double figures_draw_seconds(void);

#endif
