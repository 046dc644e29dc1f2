/* mustache_compile: the compiled form of a template (internal to the mustache module). */
#ifndef WAYMARK_MUSTACHE_COMPILE_H
#define WAYMARK_MUSTACHE_COMPILE_H

#include <stddef.h>

#include "diag.h"

/*
 * Only mustache.c and mustache_compile.c include this. A template is a
 * flat array of nodes in source order: a container's children follow it,
 * up to its `end`, so the renderer walks index ranges and never recurses
 * through pointers. Nodes point into the template's own copy of its text.
 * Nothing here changes after mustache_compile returns.
 */
enum node_kind {
	NODE_TEXT,
	NODE_ESCAPED,  /* {{x}} */
	NODE_RAW,      /* {{{x}}}, {{&x}} */
	NODE_SECTION,  /* {{#x}} … {{/x}} */
	NODE_INVERTED, /* {{^x}} … {{/x}} */
	NODE_PARTIAL,  /* {{>x}} */
	NODE_PARENT,   /* {{<x}} … {{/x}} */
	NODE_BLOCK,    /* {{$x}} … {{/x}} */
};

struct node {
	enum node_kind kind;
	unsigned bol : 1;        /* TEXT: starts a source line */
	unsigned standalone : 1; /* PARTIAL, PARENT, BLOCK: indents what it renders */
	unsigned dynamic : 1;    /* PARTIAL, PARENT: {{>*name}} */
	size_t off, len;         /* TEXT: the text; every other kind: the name */
	size_t ind, ind_len;     /* standalone: the indentation it adds */
	size_t end;              /* containers: index just past the last child */
	/* SECTION, INVERTED, BLOCK: source of the body, unrendered (what a
	 * lambda would receive; blocks measure their indentation on it) */
	size_t body, body_end;
	int line, col;           /* of the opening delimiter */
	/* SECTION, INVERTED: the delimiters in force at the tag, for the
	 * text a lambda returns (pointers into the template or its delims) */
	const char *od, *cd;
	size_t olen, clen;
};

struct mustache_template {
	char *path;
	char *src; /* NUL-terminated copy of the text; nodes point into it */
	size_t src_len;
	struct node *nodes;
	size_t n, alloc;
	char *delims; /* the starting delimiters, "{{\0}}\0" */
};

static inline int is_container(enum node_kind k)
{
	return k == NODE_SECTION || k == NODE_INVERTED || k == NODE_PARENT ||
	       k == NODE_BLOCK;
}

/*
 * Compile `len` bytes of `text` (copied, as is `path`, which diagnostics
 * name). Returns the template, which the caller frees with
 * mustache_template_free, or NULL after recording every error in `dl`.
 */
struct mustache_template *mustache_compile(const char *path, const char *text, size_t len,
					   struct diag_list *dl);
/* The same, starting with the delimiters od[0..olen) and cd[0..clen)
 * instead of {{ and }} (for the text a section lambda returns). */
struct mustache_template *mustache_compile_delims(const char *path, const char *text, size_t len,
						  const char *od, size_t olen, const char *cd,
						  size_t clen, struct diag_list *dl);
/* NULL is a no-op. */
void mustache_template_free(struct mustache_template *t);

#endif
