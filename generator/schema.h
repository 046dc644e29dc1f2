/* schema: checking a value tree against the fields a record may have. */
#ifndef WAYMARK_SCHEMA_H
#define WAYMARK_SCHEMA_H

#include "diag.h"
#include "value.h"

enum schema_type {
	SCHEMA_ANY,
	SCHEMA_STRING,  /* any scalar: numbers and booleans keep their text */
	SCHEMA_ID,      /* a string of [a-z0-9-] (see slug_valid_id) */
	SCHEMA_NUMBER,
	SCHEMA_BOOL,
	SCHEMA_MAP,     /* checked against `fields` when given */
	SCHEMA_LIST,    /* of `item` (SCHEMA_ANY when item is 0) */
	SCHEMA_URL,     /* a link for an href: https:// or http://, mailto: or
			 * tel:, or a path on the site starting with '/' */
};

/* One allowed field. Arrays of fields end with a { NULL } entry. */
struct schema_field {
	const char *name;
	enum schema_type type;
	int required;
	const struct schema_field *fields;  /* MAP, or LIST of MAP */
	enum schema_type item;              /* LIST: type of each item */
	const char *const *allowed;         /* STRING/ID: NULL-terminated values */
};

/*
 * Check `map` against `fields`, recording each problem at the offending
 * node: an unknown field (with "did you mean"), a missing required field,
 * a wrong type, a value not among the allowed ones. `what` names the
 * record in messages ("skill 'teamwork'", "site.yaml"). Returns the
 * number of errors recorded.
 */
int schema_check(const struct schema_field *fields, const struct value *map,
		 const char *what, struct diag_list *dl);

#endif
