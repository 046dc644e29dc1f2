/* config: the site's settings, from site.yaml. */
#ifndef WAYMARK_CONFIG_H
#define WAYMARK_CONFIG_H

#include "diag.h"
#include "value.h"

/*
 * Every field has a value after config_load succeeds (defaults filled
 * in); strings point into `raw` or at literals and live as long as the
 * config. `path` is "site.yaml" joined to the site directory.
 */
struct config {
	char *path;
	struct value *raw;       /* the whole site.yaml, as read */
	const char *title;
	const char *description;
	const char *lang;        /* "en" */
	const char *base_url;    /* "/" or "https://example.org/" (ends in /) */
	const char *theme;       /* "default" */
	int unsafe;              /* markdown.unsafe */
	const struct value *menu; /* list of {title, url}, or NULL */
	const char *chart_font;  /* charts.font: a fontconfig family, or NULL */
	const char **lua_files;  /* lua.files, NULL-terminated, or NULL: all of lua/ */
	size_t nlua_files;
	unsigned long lua_instructions; /* lua.instruction_limit; 0: default */
	unsigned lua_seconds;    /* lua.time_limit_s; 0: default */
	size_t lua_memory;       /* lua.memory_limit_mb in bytes; 0: default */
	double max_grade;        /* readability.max_grade; 0: no warnings */
};

/* Returns 0, or -1 with every problem recorded (a missing site.yaml is an
 * I/O error). base_url, when not NULL, takes the place of site.yaml's
 * (waymark build --base-url: the same site published at another address),
 * in `raw` too, so that everything that depends on it sees it; a problem
 * with it is reported at "--base-url". */
int config_load(struct config *cfg, const char *site_dir, const char *base_url,
		struct diag_list *dl);
void config_release(struct config *cfg);

#endif
