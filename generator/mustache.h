/* mustache: Mustache templates, compiled once per build and rendered many times. */
#ifndef WAYMARK_MUSTACHE_H
#define WAYMARK_MUSTACHE_H

#include <stddef.h>

#include "diag.h"
#include "strbuf.h"
#include "value.h"

/*
 * A mustache_set holds compiled templates by name. Templates, partials and
 * parents share that one namespace: `{{>nav}}` and `{{<base}}` name other
 * templates of the same set.
 *
 * Supported: the spec's interpolation, sections, inverted sections,
 * comments, set delimiters and partials, plus the optional inheritance
 * (`{{<parent}}`, `{{$block}}`) and dynamic-names (`{{>*name}}`) modules.
 * Lambdas come from the caller (struct mustache_lambdas below).
 *
 * Invariants:
 * - A compiled template is never changed after mustache_set_add returns.
 *   mustache_render only reads the set, so several threads may render from
 *   one set at once, each with its own `out` and `dl`, provided nobody adds
 *   to or frees the set meanwhile.
 * - Partials and parents are looked up by name when rendered, so a template
 *   added later (or replaced) is what every reference to that name sees.
 * - Nothing here prints or exits: problems go into the caller's diag_list
 *   as `template-path:line:col: error: message`.
 *
 * Rendering rules worth knowing:
 * - `{{x}}` escapes & < > " ' (strbuf_add_html); `{{{x}}}` and `{{&x}}` do
 *   not. Null renders empty, booleans as true/false, lists and maps as
 *   nothing. Numbers render from their value with "%.15g" (1.210 → "1.21",
 *   85 → "85") as the spec asks, not from their YAML source text.
 * - Truthiness is value_truthy (null, false, "" and [] are false).
 * - A standalone partial, parent or block indents every non-blank line it
 *   renders; blank lines stay empty so the output has no trailing blanks.
 * - A missing name renders empty and a missing partial renders nothing,
 *   unless opts->strict (see mustache_render). mustache_set_check finds
 *   unknown partials statically, for the whole set at once.
 */

/* How deep partials, parents and overridden blocks may nest at render time. */
#define MUSTACHE_MAX_DEPTH 64

struct mustache_set;
struct mustache_template;

/*
 * Lambdas (the spec's optional ~lambdas module), supplied by the caller
 * (waymark's Lua helpers). A name in a tag that the context stack does not
 * have, and that `has` knows, is a lambda:
 * - `{{name}}` / `{{{name}}}`: `call` gets empty text; what it returns is
 *   rendered as a template (with {{ }}) in the current context, and
 *   escaped for `{{name}}`;
 * - `{{#name}}…{{/name}}`: `call` gets the section's unrendered text and
 *   a `render` function that renders a text in the current context; what
 *   it returns is rendered with the delimiters in force at the section;
 * - `{{^name}}…{{/name}}`: a lambda is truthy, so this renders nothing.
 * `call` returns 0, or -1 having recorded why in `dl`.
 */
typedef int (*mustache_text_fn)(void *render_ctx, const char *text, size_t len,
				struct strbuf *out);

struct mustache_lambdas {
	int (*has)(void *ctx, const char *name);
	int (*call)(void *ctx, const char *name, const char *text, size_t len,
		    mustache_text_fn render, void *render_ctx, struct strbuf *out,
		    struct diag_list *dl);
	void *ctx;
};

/*
 * Where a value was interpolated, so that a page can later have a new text
 * put in its place without rendering it again: mustache_render counts the
 * interpolations of `value` (the same node of the context, not an equal
 * text) and notes where the last one is in `out` and whether it was
 * escaped. `touched` counts every name that resolved to it, in a section
 * too: 0 when the output does not depend on it at all.
 */
struct mustache_watch {
	const struct value *value;
	size_t count, at, len, touched;
	int escaped;
	/*
	 * Helpers' sections at the top level that read the watched value and
	 * no other name ({{#reading_time}}{{{page.content}}}{{/reading_time}}):
	 * what they show is a function of the value, so such reads are not
	 * counted above. `lambdas` counts those sections; the first one's
	 * output is [lambda_at, lambda_at + lambda_len) of the output, and
	 * its name and text (the template's, borrowed) are noted to call it
	 * again on a new value.
	 */
	size_t lambdas, lambda_at, lambda_len;
	const char *lambda_name, *lambda_text;
	size_t lambda_name_len, lambda_text_len;
};

struct mustache_opts {
	/* Make these errors instead of empty output: an unknown name in a
	 * `{{x}}`/`{{{x}}}` tag or a dynamic name, a list or map interpolated
	 * as text, an unknown partial or parent. Sections over missing names
	 * stay quietly false: that is what sections are for. */
	int strict;
	const struct mustache_lambdas *lambdas; /* may be NULL */
	struct mustache_watch *watch;           /* may be NULL */
};

/* An empty set; never NULL. Free it with mustache_set_free. */
struct mustache_set *mustache_set_new(void);
/* Free the set and every template in it; NULL is a no-op. */
void mustache_set_free(struct mustache_set *set);

/*
 * Compile `text` (`len` bytes; it need not be NUL-terminated and is copied)
 * and register it as `name`. Diagnostics name `path` (copied too).
 * Adding a name that is already there replaces that template: a theme adds
 * the default theme's templates first, then its own overrides. Pointers
 * from mustache_set_get for the replaced template become invalid.
 *
 * Returns 0, or -1 after recording every compile error found in `dl`
 * (unclosed section, mismatched or unexpected closing tag, bad
 * set-delimiter tag, unclosed tag, bad name); on -1 the set is unchanged,
 * so a previous template of that name stays in place.
 */
int mustache_set_add(struct mustache_set *set, const char *name, const char *path,
		     const char *text, size_t len, struct diag_list *dl);

/*
 * The static link step over the whole set: every `{{>x}}` and `{{<x}}`
 * with a fixed name must name a template of the set (errors `unknown
 * partial 'x'` / `unknown parent 'x'`, with did-you-mean over the set's
 * names); a block overridden inside a parent call that no template of the
 * set defines is a warning. Returns 0, or -1 when it recorded an error.
 */
int mustache_set_check(const struct mustache_set *set, struct diag_list *dl);

/* The template registered as `name`, or NULL. Owned by the set: valid
 * until the set is freed or `name` is added again. */
const struct mustache_template *mustache_set_get(const struct mustache_set *set,
						 const char *name);
/* How many templates the set holds. */
size_t mustache_set_count(const struct mustache_set *set);
/*
 * A hash of what rendering `name` can read of the set: its text and the
 * text of every template its fixed-name partials and parents reach, in
 * turn. When one of them has a dynamic name ({{>*x}}), or `all`, it is
 * the hash of every template in the set (a name could pick any of them).
 */
unsigned long long mustache_set_print(const struct mustache_set *set, const char *name, int all);

/*
 * Render template `name` with `context` as the bottom of the context stack
 * (NULL acts as an empty context), appending to `out`. `opts` may be NULL
 * (not strict).
 *
 * Returns 0, or -1 when it recorded an error in `dl`: an unknown template
 * `name`, nesting deeper than MUSTACHE_MAX_DEPTH (`partial recursion
 * deeper than 64 at 'x'`; rendering stops there), or a strict-mode error
 * (`unknown name 'titel'; did you mean 'title'?` at the tag). Each tag
 * reports a given problem once per call, however often a loop renders it.
 * On -1 `out` holds partial output the caller should not publish.
 */
int mustache_render(const struct mustache_set *set, const char *name,
		    const struct value *context, const struct mustache_opts *opts,
		    struct strbuf *out, struct diag_list *dl);

#endif
