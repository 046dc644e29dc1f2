/* config: the site's settings, from site.yaml. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "xalloc.h"
#include "schema.h"
#include "strbuf.h"
#include "yamlread.h"

static const struct schema_field markdown_fields[] = {
	{ "unsafe", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field menu_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "url", SCHEMA_URL, 1, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field charts_fields[] = {
	{ "font", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field lua_fields[] = {
	{ "files", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "instruction_limit", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ "memory_limit_mb", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ "time_limit_s", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field readability_fields[] = {
	{ "max_grade", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const struct schema_field site_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "lang", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "base_url", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "theme", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "markdown", SCHEMA_MAP, 0, markdown_fields, 0, NULL },
	{ "menu", SCHEMA_LIST, 0, menu_fields, SCHEMA_MAP, NULL },
	{ "charts", SCHEMA_MAP, 0, charts_fields, 0, NULL },
	{ "lua", SCHEMA_MAP, 0, lua_fields, 0, NULL },
	{ "readability", SCHEMA_MAP, 0, readability_fields, 0, NULL },
	{ NULL, 0, 0, NULL, 0, NULL },
};

static const char *str_or(const struct value *map, const char *key, const char *def)
{
	const struct value *v = value_get(map, key);

	return v && v->str ? v->str : def;
}

/* A language tag as <html lang> needs it (BCP 47, in its common shape):
 * two or three letters, then parts of letters and digits after '-'. */
static int valid_lang(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

	if (n < 2 || n > 3)
		return 0;
	for (s += n; *s; s += n) {
		if (*s++ != '-')
			return 0;
		n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (n < 1 || n > 8)
			return 0;
	}
	return 1;
}

/* The tag for a language written out by name, for "did you mean": the
 * languages workforce sites in North America publish in most. */
static const char *lang_code(const char *name)
{
	static const char *const names[][2] = {
		{ "english", "en" }, { "spanish", "es" }, { "español", "es" }, { "espanol", "es" },
		{ "french", "fr" }, { "français", "fr" }, { "francais", "fr" },
		{ "portuguese", "pt" }, { "chinese", "zh" }, { "vietnamese", "vi" },
		{ "tagalog", "tl" }, { "arabic", "ar" }, { "korean", "ko" }, { "russian", "ru" },
		{ "haitian creole", "ht" }, { "somali", "so" }, { "hindi", "hi" },
		{ "german", "de" }, { "polish", "pl" }, { "ukrainian", "uk" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcasecmp(name, names[i][0]))
			return names[i][1];
	return NULL;
}

int config_load(struct config *cfg, const char *site_dir, const char *base_url,
		struct diag_list *dl)
{
	struct strbuf text = STRBUF_INIT;
	const struct value *md, *unsafe;

	memset(cfg, 0, sizeof *cfg);
	cfg->path = fs_join(site_dir, "site.yaml");
	if (fs_read(cfg->path, &text) < 0) {
		if (errno == ENOENT)
			diag_io_error(dl, NULL,
				      "no 'site.yaml' in '%s': is it a site directory? (choose one with -s SITE_DIR)",
				      site_dir);
		else
			diag_io_error(dl, NULL, "unable to read '%s': %s", cfg->path, fs_strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	cfg->raw = yamlread_parse(cfg->path, text.buf, text.len, 0, dl);
	strbuf_release(&text);
	if (!cfg->raw)
		return -1;
	if (cfg->raw->kind == VALUE_NULL) {
		struct pos top = { cfg->path, 1, 1 };

		diag_error(dl, &top, "site.yaml is empty: it needs at least the site's title (title: My site)");
		return -1;
	}
	if (schema_check(site_fields, cfg->raw, "site.yaml", dl))
		return -1;
	if (base_url) {
		static const struct pos flag = { "--base-url", 0, 0 };
		struct value *v = value_new_cstr(base_url);

		v->pos = flag;
		value_map_set(cfg->raw, "base_url", v, NULL);
	}
	cfg->title = str_or(cfg->raw, "title", "");
	cfg->description = str_or(cfg->raw, "description", "");
	cfg->lang = str_or(cfg->raw, "lang", "en");
	cfg->base_url = str_or(cfg->raw, "base_url", "/");
	cfg->theme = str_or(cfg->raw, "theme", "default");
	md = value_get(cfg->raw, "markdown");
	unsafe = value_get(md, "unsafe");
	cfg->menu = value_get(cfg->raw, "menu");
	cfg->chart_font = value_string(value_get(value_get(cfg->raw, "charts"), "font"));
	{
		const struct value *lua = value_get(cfg->raw, "lua");
		const struct value *files = value_get(lua, "files");
		const struct value *n;
		size_t i;

		if (files && files->kind == VALUE_LIST) {
			cfg->lua_files = xcalloc(files->n + 1, sizeof *cfg->lua_files);
			for (i = 0; i < files->n; i++)
				if (files->items[i]->str)
					cfg->lua_files[cfg->nlua_files++] = files->items[i]->str;
		}
		n = value_get(lua, "instruction_limit");
		if (n && n->kind == VALUE_NUMBER && n->number >= 1)
			cfg->lua_instructions = (unsigned long)n->number;
		n = value_get(value_get(cfg->raw, "readability"), "max_grade");
		if (n && n->kind == VALUE_NUMBER && n->number > 0)
			cfg->max_grade = n->number;
		n = value_get(lua, "memory_limit_mb");
		if (n && n->kind == VALUE_NUMBER && n->number >= 1)
			cfg->lua_memory = (size_t)n->number << 20;
		n = value_get(lua, "time_limit_s");
		if (n && n->kind == VALUE_NUMBER && n->number >= 1)
			cfg->lua_seconds = n->number < 86400 ? (unsigned)n->number : 86400;
	}
	cfg->unsafe = unsafe && unsafe->kind == VALUE_BOOL && unsafe->boolean;
	if (!*cfg->base_url || cfg->base_url[strlen(cfg->base_url) - 1] != '/') {
		const struct value *b = value_get(cfg->raw, "base_url");

		diag_error(dl, &b->pos, "'base_url' must end with '/'");
		return -1;
	}
	/* every link starts with it: 'example.org/' would make each one
	 * relative to the page it is on, and lead nowhere */
	if (strncmp(cfg->base_url, "https://", 8) && strncmp(cfg->base_url, "http://", 7) &&
	    cfg->base_url[0] != '/') {
		const struct value *b = value_get(cfg->raw, "base_url");

		if (strstr(cfg->base_url, "://"))
			diag_error(dl, &b->pos,
				   "'base_url' must be an https:// or http:// address (or a path starting with '/'), not '%s'",
				   cfg->base_url);
		else
			diag_error(dl, &b->pos,
				   "'base_url' must start with https:// (or with '/' for a site that works on any host), not '%s'; did you mean 'https://%s'?",
				   cfg->base_url, cfg->base_url);
		return -1;
	}
	if (!valid_lang(cfg->lang)) {
		const struct value *l = value_get(cfg->raw, "lang");
		const char *code = lang_code(cfg->lang);
		char dashed[64];

		/* a locale's 'en_US' is the tag 'en-US' */
		snprintf(dashed, sizeof dashed, "%s", cfg->lang);
		for (char *u = dashed; (u = strchr(u, '_'));)
			*u = '-';
		if (!code && valid_lang(dashed))
			code = dashed;

		if (code)
			diag_error(dl, &l->pos,
				   "'lang' must be a language tag such as 'en', 'es' or 'fr-CA', not '%s'; did you mean '%s'?",
				   cfg->lang, code);
		else
			diag_error(dl, &l->pos,
				   "'lang' must be a language tag such as 'en', 'es' or 'fr-CA', not '%s'",
				   cfg->lang);
		return -1;
	}
	return 0;
}

void config_release(struct config *cfg)
{
	value_free(cfg->raw);
	free(cfg->lua_files);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}
