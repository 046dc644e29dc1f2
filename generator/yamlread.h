/* yamlread: YAML text (libyaml events) into the value tree, keeping positions. */
#ifndef WAYMARK_YAMLREAD_H
#define WAYMARK_YAMLREAD_H

#include <stddef.h>

#include "diag.h"
#include "value.h"

/*
 * Parse one YAML document. Scalars resolve by the YAML 1.2 core schema:
 * null/~/empty plain → NULL, true/false → BOOL, numbers → NUMBER (their
 * text kept), everything else (and every quoted scalar) → STRING.
 * Aliases are deep copies of their anchors. A duplicate map key, a second
 * document, or a non-string map key is an error.
 *
 * `file` is not copied: it must outlive the tree. Positions are 1-based;
 * `line_offset` is added to every line (front matter starts below a fence).
 *
 * Returns the tree (the caller frees it with value_free); an empty
 * document gives a NULL-kind node. On error returns NULL, having recorded
 * libyaml's problem at its real position in `dl`.
 */
struct value *yamlread_parse(const char *file, const char *text, size_t len,
			     int line_offset, struct diag_list *dl);

#endif
