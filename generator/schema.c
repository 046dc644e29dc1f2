/* schema: checking a value tree against the fields a record may have. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "slug.h"
#include "strbuf.h"
#include "xalloc.h"

static const char *type_name(enum schema_type t)
{
	switch (t) {
	case SCHEMA_ANY: return "a value";
	case SCHEMA_STRING: return "text";
	case SCHEMA_ID: return "an id";
	case SCHEMA_NUMBER: return "a number";
	case SCHEMA_BOOL: return "true or false";
	case SCHEMA_MAP: return "a map";
	case SCHEMA_LIST: return "a list";
	case SCHEMA_URL: return "a link";
	}
	return "a value";
}

static int is_scalar(const struct value *v)
{
	return v->kind == VALUE_STRING || v->kind == VALUE_NUMBER || v->kind == VALUE_BOOL;
}

static int check_value(enum schema_type type, const struct schema_field *f,
		       const struct value *v, const char *name, const char *what,
		       struct diag_list *dl);

static int check_type(enum schema_type type, const struct value *v)
{
	switch (type) {
	case SCHEMA_ANY: return 1;
	case SCHEMA_STRING: return is_scalar(v);
	case SCHEMA_ID: return v->kind == VALUE_STRING || v->kind == VALUE_NUMBER;
	case SCHEMA_NUMBER: return v->kind == VALUE_NUMBER;
	case SCHEMA_BOOL: return v->kind == VALUE_BOOL;
	case SCHEMA_MAP: return v->kind == VALUE_MAP;
	case SCHEMA_LIST: return v->kind == VALUE_LIST;
	case SCHEMA_URL: return v->kind == VALUE_STRING;
	}
	return 0;
}

/* A link a page may hold as it is: a web address, an e-mail or phone
 * link, or a path on the site (not '//host', which is another site). */
static int link_ok(const char *s)
{
	static const char *const schemes[] = { "https://", "http://", "mailto:", "tel:" };
	size_t i;

	for (i = 0; i < sizeof schemes / sizeof *schemes; i++)
		if (!strncasecmp(s, schemes[i], strlen(schemes[i])))
			return s[strlen(schemes[i])] != '\0';
	return slug_from_root(s);
}

static int check_value(enum schema_type type, const struct schema_field *f,
		       const struct value *v, const char *name, const char *what,
		       struct diag_list *dl)
{
	int errors = 0;
	size_t i;

	if (!check_type(type, v)) {
		diag_error(dl, &v->pos, "'%s' in %s must be %s, not a %s", name, what,
			   type_name(type), value_kind_name(v->kind));
		return 1;
	}
	if (type == SCHEMA_ID && !slug_valid_id(v->str)) {
		diag_error(dl, &v->pos,
			   "'%s' is not a valid id: use lowercase letters, digits and single '-'",
			   v->str);
		errors++;
	}
	if (type == SCHEMA_URL && !link_ok(v->str)) {
		/* (templates escape it, but an href of 'javascript:...' from a
		 * data file would still run, and 'www.x.org' leads nowhere) */
		if (!strchr(v->str, ':'))
			diag_error(dl, &v->pos,
				   "'%s' in %s must start with https:// (or http://, mailto:, tel: or '/'), not '%s'; did you mean 'https://%s'?",
				   name, what, v->str, v->str + strspn(v->str, "/"));
		else
			diag_error(dl, &v->pos,
				   "'%s' in %s must start with https:// (or http://, mailto:, tel: or '/'), not '%s'",
				   name, what, v->str);
		errors++;
	}
	if ((type == SCHEMA_STRING || type == SCHEMA_ID) && f->allowed) {
		const char *const *a;
		size_t n = 0;

		for (a = f->allowed; *a; a++, n++)
			if (!strcmp(*a, v->str))
				break;
		if (!*a) {
			const char *near = diag_suggest(v->str, f->allowed, n);
			struct strbuf list = STRBUF_INIT;

			for (a = f->allowed; *a; a++)
				strbuf_addf(&list, "%s'%s'", a == f->allowed ? "" : ", ", *a);
			if (near)
				diag_error(dl, &v->pos, "'%s' is not allowed for '%s' in %s; did you mean '%s'?",
					   v->str, name, what, near);
			else
				diag_error(dl, &v->pos, "'%s' is not allowed for '%s' in %s (use one of %s)",
					   v->str, name, what, list.buf);
			strbuf_release(&list);
			errors++;
		}
	}
	if (type == SCHEMA_MAP && f->fields)
		errors += schema_check(f->fields, v, what, dl);
	if (type == SCHEMA_LIST && f->item != SCHEMA_ANY)
		for (i = 0; i < v->n; i++) {
			struct schema_field item = *f;

			item.type = f->item;
			errors += check_value(f->item, &item, v->items[i], name, what, dl);
		}
	return errors;
}

int schema_check(const struct schema_field *fields, const struct value *map,
		 const char *what, struct diag_list *dl)
{
	const struct schema_field *f;
	const char **names = NULL;
	size_t i, n = 0;
	int errors = 0;

	if (!map || map->kind != VALUE_MAP) {
		if (map)
			diag_error(dl, &map->pos, "%s must be a map of fields, not a %s", what,
				   value_kind_name(map->kind));
		return 1;
	}
	for (i = 0; i < map->n; i++) {
		const struct value_member *m = &map->members[i];

		for (f = fields; f->name && (f->name[0] != m->key[0] || strcmp(f->name, m->key)); f++)
			;
		if (!f->name) {
			const char *near;

			/* the names to suggest from, when first needed */
			if (!names) {
				for (n = 0; fields[n].name; n++)
					;
				names = xmalloc((n + 1) * sizeof *names);
				for (n = 0; fields[n].name; n++)
					names[n] = fields[n].name;
			}
			near = diag_suggest(m->key, names, n);
			if (near)
				diag_error(dl, &m->key_pos, "unknown field '%s' in %s; did you mean '%s'?",
					   m->key, what, near);
			else
				diag_error(dl, &m->key_pos, "unknown field '%s' in %s", m->key, what);
			errors++;
			continue;
		}
		if (m->val->kind == VALUE_NULL)
			continue; /* "field:" alone means absent; required ones are caught below */
		errors += check_value(f->type, f, m->val, m->key, what, dl);
	}
	for (f = fields; f->name; f++) {
		const struct value *v = f->required ? value_get(map, f->name) : NULL;

		if (f->required && (!v || v->kind == VALUE_NULL)) {
			diag_error(dl, v ? &v->pos : &map->pos, "missing required field '%s' in %s",
				   f->name, what);
			errors++;
		} else if (f->required && f->type == SCHEMA_STRING && v->kind == VALUE_STRING &&
			   !v->str[strspn(v->str, " \t\r\n")]) {
			/* a title of spaces is an empty heading and an empty link,
			 * and a blank alt a picture without words: nothing for a
			 * screen reader to say */
			diag_error(dl, &v->pos, "required field '%s' in %s is empty%s", f->name, what,
				   !strcmp(f->name, "alt") ? ": say what the picture shows, for readers who cannot see it"
							 : "");
			errors++;
		}
	}
	free(names);
	return errors;
}
