/* yamlwrite: the value tree as YAML text (libyaml's emitter). */
#include "yamlwrite.h"

#include <string.h>
#include <yaml.h>

static int to_strbuf(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, (const char *)buffer, size);
	return 1;
}

/* Whether YAML reads `s` back, written plain, as this same string: a word
 * of letters, digits and '-', '_', '.', '/' that starts with a letter and
 * is not one of the words the core schema resolves to null or a boolean. */
static int plain_is_safe(const char *s)
{
	static const char *const special[] = { "null", "Null", "NULL", "true", "True", "TRUE",
					       "false", "False", "FALSE", "y", "Y", "n", "N",
					       "yes", "Yes", "YES", "no", "No", "NO", "on", "On",
					       "ON", "off", "Off", "OFF" };
	size_t i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (i = 0; s[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./", s[i]))
			return 0;
	for (i = 0; i < sizeof special / sizeof *special; i++)
		if (!strcmp(s, special[i]))
			return 0;
	return 1;
}

static int scalar(yaml_emitter_t *em, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text),
					    1, 1, style) &&
	       yaml_emitter_emit(em, &ev);
}

static int emit(yaml_emitter_t *em, const struct value *v)
{
	yaml_event_t ev;
	size_t i;

	switch (v ? v->kind : VALUE_NULL) {
	case VALUE_NULL:
		return scalar(em, "null", YAML_PLAIN_SCALAR_STYLE);
	case VALUE_BOOL:
		return scalar(em, v->boolean ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
	case VALUE_NUMBER:
		return scalar(em, v->str, YAML_PLAIN_SCALAR_STYLE);
	case VALUE_STRING:
		return scalar(em, v->str,
			      plain_is_safe(v->str) ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	case VALUE_LIST:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return 0;
		for (i = 0; i < v->n; i++)
			if (!emit(em, v->items[i]))
				return 0;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	case VALUE_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return 0;
		for (i = 0; i < v->n; i++)
			if (!scalar(em, v->members[i].key,
				    plain_is_safe(v->members[i].key) ? YAML_PLAIN_SCALAR_STYLE
								     : YAML_DOUBLE_QUOTED_SCALAR_STYLE) ||
			    !emit(em, v->members[i].val))
				return 0;
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	}
	return 0;
}

int yamlwrite_value(const struct value *v, struct strbuf *out)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	int ok;

	if (!yaml_emitter_initialize(&em))
		return -1;
	yaml_emitter_set_output(&em, to_strbuf, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, 80);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&em, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	     yaml_emitter_emit(&em, &ev) && emit(&em, v) &&
	     yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
	     yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
	     yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	return ok ? 0 : -1;
}
