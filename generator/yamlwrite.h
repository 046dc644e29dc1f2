/* yamlwrite: the value tree as YAML text (libyaml's emitter). */
#ifndef WAYMARK_YAMLWRITE_H
#define WAYMARK_YAMLWRITE_H

#include "strbuf.h"
#include "value.h"

/*
 * Append `v` to `out` as one YAML document, block style, in the order of
 * its maps' members. Every string is written double-quoted unless it is a
 * plain word that YAML reads back as the same string (so "true", "1.0" and
 * "null" stay strings); numbers and booleans keep their text. Reading the
 * text back with yamlread_parse gives the same tree. Returns 0, or -1 when
 * libyaml refused (out of memory, or a string that is not UTF-8).
 */
int yamlwrite_value(const struct value *v, struct strbuf *out);

#endif
