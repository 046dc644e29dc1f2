/* markdown: Markdown to HTML through cmark-gfm. */
#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "slug.h"
#include "threads.h"
#include "xalloc.h"

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static double parse_seconds; /* (added to under parse_lock) */

/*
 * Each document is parsed, changed and rendered in an arena of its own:
 * every node, string and buffer cmark-gfm asks for comes out of a few
 * large blocks, all freed together when the document is done. Through
 * the system allocator, those calls and the frees of the tree were a
 * third of the bodies' time (6.6% of a 10,000-page build's CPU in perf).
 * cmark-gfm's own arena allocator is one for the whole process, and
 * bodies render on several threads, so each render has its own here.
 * cmark_mem's functions take no context: they use the thread's
 * `current` arena, which markdown_render sets (and restores, since a
 * hook can render Markdown inside a render). Every node of a tree must
 * come from the same allocator: nodes made for the tree use
 * markdown_mem().
 */
struct arena_block {
	struct arena_block *prev;
	size_t size, used;
	max_align_t data[];
};

struct arena {
	struct arena_block *top;
	char *last; /* the latest allocation: it can grow, or be given back */
};

/* Under AddressSanitizer, what the arena has handed out and had back is
 * poisoned, so that a read of a freed node is reported as it would be
 * through malloc and free. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ARENA_ALIGN _Alignof(max_align_t)
#define ARENA_ROUND(n) (((n) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN)
#define ARENA_HEAD ARENA_ROUND(sizeof(size_t)) /* each allocation's size */
#define ARENA_FIRST (64 * 1024)
#define ARENA_MOST (4 * 1024 * 1024) /* blocks double up to this size */

static _Thread_local struct arena *current;

static size_t *size_of(void *p)
{
	return (size_t *)(void *)((char *)p - ARENA_HEAD);
}

static void *arena_alloc(size_t size)
{
	struct arena *a = current;
	struct arena_block *b = a->top;
	size_t need;
	char *p;

	if (size > SIZE_MAX / 4)
		xalloc_die();
	need = ARENA_HEAD + ARENA_ROUND(size);
	if (!b || b->size - b->used < need) {
		size_t bs = b ? (b->size < ARENA_MOST ? 2 * b->size : b->size) : ARENA_FIRST;

		if (bs < need)
			bs = need;
		b = xmalloc(sizeof *b + bs);
		b->prev = a->top;
		b->size = bs;
		b->used = 0;
		a->top = b;
	}
	p = (char *)b->data + b->used + ARENA_HEAD;
	ARENA_UNPOISON(p - ARENA_HEAD, need); /* room given back earlier */
	b->used += need;
	*size_of(p) = size;
	a->last = p;
	return p;
}

static void *arena_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		xalloc_die();
	p = arena_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *arena_realloc(void *old, size_t size)
{
	struct arena *a = current;
	struct arena_block *b = a->top;
	void *p;

	if (!old)
		return arena_alloc(size);
	if (old == a->last && size <= SIZE_MAX / 4) {
		/* the latest allocation grows where it is, if its block has room */
		size_t start = (size_t)((char *)old - (char *)b->data);

		if (b->size - start >= ARENA_ROUND(size)) {
			ARENA_UNPOISON(old, ARENA_ROUND(size));
			b->used = start + ARENA_ROUND(size);
			*size_of(old) = size;
			return old;
		}
	}
	p = arena_alloc(size);
	memcpy(p, old, *size_of(old) < size ? *size_of(old) : size);
	ARENA_POISON(old, *size_of(old)); /* moved: the old place is freed */
	return p;
}

static void arena_free(void *p)
{
	struct arena *a = current;

	if (!p)
		return;
	ARENA_POISON(p, *size_of(p));
	if (p == a->last) { /* given back at once: its room is used again */
		a->top->used = (size_t)((char *)p - ARENA_HEAD - (char *)a->top->data);
		a->last = NULL;
	}
}

static cmark_mem arena_mem = { arena_calloc, arena_realloc, arena_free };

cmark_mem *markdown_mem(void)
{
	return current ? &arena_mem : cmark_get_default_mem_allocator();
}

static void arena_release(struct arena *a)
{
	while (a->top) {
		struct arena_block *prev = a->top->prev;

		ARENA_UNPOISON(a->top->data, a->top->size);
		free(a->top);
		a->top = prev;
	}
}

static const char *const extensions[] = {
	"table", "strikethrough", "autolink", "tasklist", "tagfilter",
};

/* Ids the theme itself uses; a heading never takes one of these. */
static const char *const reserved_ids[] = {
	"main", "content", "toc", "top", "search", "site-nav", "footer", "toc-title",
};

/*
 * Whether GFM's autolinks could find anything in `text`: a URL ("://"
 * after its scheme), "www." or an e-mail address ('@', or an entity that
 * makes one). Without one, the extension is not attached: it makes every
 * 'w' and ':' stop the inline parser (a sixth of the parse of a page of
 * prose) to find nothing, and its only other work, joining adjacent text
 * nodes, changes no HTML.
 */
static int may_autolink(const char *text, size_t len)
{
	const char *p, *end = text + len;

	if (memchr(text, '@', len) || memchr(text, '&', len))
		return 1;
	for (p = text; (p = memchr(p, ':', (size_t)(end - p))); p++)
		if (end - p >= 3 && p[1] == '/' && p[2] == '/')
			return 1;
	for (p = text; (p = memchr(p, 'w', (size_t)(end - p))); p++)
		if (end - p >= 4 && !memcmp(p, "www.", 4))
			return 1;
	return 0;
}

void markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

/* The ids given out so far on this page, and those it may not use. */
struct idset {
	char **ids;
	size_t n, alloc;
	const char *const *reserved;
	size_t nreserved;
};

/* cmark-gfm's footnote ids: "fn-3", "fnref-3" */
static int footnote_id(const char *id)
{
	const char *p = !strncmp(id, "fn-", 3) ? id + 3 : !strncmp(id, "fnref-", 6) ? id + 6 : NULL;

	if (!p || !*p)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

static int idset_has(const struct idset *s, const char *id)
{
	size_t i;

	for (i = 0; i < sizeof reserved_ids / sizeof *reserved_ids; i++)
		if (!strcmp(reserved_ids[i], id))
			return 1;
	for (i = 0; i < s->nreserved; i++)
		if (!strcmp(s->reserved[i], id))
			return 1;
	if (footnote_id(id))
		return 1;
	for (i = 0; i < s->n; i++)
		if (!strcmp(s->ids[i], id))
			return 1;
	return 0;
}

static const char *idset_claim(struct idset *s, const char *base)
{
	struct strbuf sb = STRBUF_INIT;
	int k = 1;

	strbuf_adds(&sb, base);
	while (idset_has(s, sb.buf)) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s-%d", base, ++k);
	}
	XGROW(s->ids, s->alloc, s->n + 1);
	s->ids[s->n++] = strbuf_detach(&sb, NULL);
	return s->ids[s->n - 1];
}

/* The plain text of a node's inline content. */
static void plain_text(cmark_node *node, struct strbuf *out)
{
	cmark_node *c;

	for (c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			strbuf_adds(out, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			strbuf_addch(out, ' ');
			break;
		default:
			plain_text(c, out);
		}
	}
}

/* Give the heading an id: replace it by a custom block that writes the
 * same tag with the id and holds the heading's inline children. */
static void anchor_heading(cmark_node *h, struct idset *ids, const char *prefix,
			   int shift, struct value *toc)
{
	struct strbuf text = STRBUF_INIT, tag = STRBUF_INIT;
	int level = cmark_node_get_heading_level(h) + shift;
	cmark_node *block, *child;
	const char *id;
	char *slug;

	plain_text(h, &text);
	slug = slug_make(text.buf, "section");
	if (prefix) {
		struct strbuf p = STRBUF_INIT;

		strbuf_adds(&p, prefix);
		strbuf_adds(&p, slug);
		free(slug);
		slug = strbuf_detach(&p, NULL);
	}
	id = idset_claim(ids, slug);
	free(slug);
	if (level > 6)
		level = 6;
	if (level < 1)
		level = 1;

	block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, markdown_mem());
	/* (level is 1 to 6: one digit) */
	strbuf_adds(&tag, "<h");
	strbuf_addch(&tag, (char)('0' + level));
	strbuf_adds(&tag, " id=\"");
	strbuf_add_html(&tag, id, strlen(id));
	strbuf_adds(&tag, "\">");
	cmark_node_set_on_enter(block, tag.buf);
	strbuf_reset(&tag);
	strbuf_adds(&tag, "</h");
	strbuf_addch(&tag, (char)('0' + level));
	strbuf_addch(&tag, '>');
	cmark_node_set_on_exit(block, tag.buf);
	while ((child = cmark_node_first_child(h)))
		cmark_node_append_child(block, child);
	cmark_node_replace(h, block);
	cmark_node_free(h);

	if (toc) {
		struct value *e = value_new_map();

		value_map_set_num(e, "level", level);
		value_map_set_str(e, "id", id);
		value_map_set_str(e, "title", text.buf);
		value_list_push(toc, e);
	}
	strbuf_release(&text);
	strbuf_release(&tag);
}

/*
 * A task list item: cmark-gfm would write a disabled checkbox with no
 * label (a form control screen readers announce without a name). Write a
 * symbol instead, with its meaning in words for screen readers.
 */
static void task_marker(cmark_node *item)
{
	int done = cmark_gfm_extensions_get_tasklist_item_checked(item);
	cmark_node *mark = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, markdown_mem());
	cmark_node *first = cmark_node_first_child(item);

	cmark_node_set_syntax_extension(item, NULL);
	cmark_node_set_on_enter(mark, done
		? "<span class=\"task task-done\"><span aria-hidden=\"true\">\u2611</span><span class=\"visually-hidden\">Done:</span></span> "
		: "<span class=\"task task-todo\"><span aria-hidden=\"true\">\u2610</span><span class=\"visually-hidden\">To do:</span></span> ");
	cmark_node_set_on_exit(mark, "");
	if (first && cmark_node_get_type(first) == CMARK_NODE_PARAGRAPH)
		cmark_node_prepend_child(first, mark);
	else if (first)
		cmark_node_insert_before(first, mark);
	else
		cmark_node_append_child(item, mark);
}

/*
 * A table may be wider than a phone: put it in a region that scrolls, can
 * be reached by keyboard (so its overflow can be scrolled without a
 * mouse) and is named by the table's column headings.
 */
static void wrap_table(cmark_node *table)
{
	cmark_node *box = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, markdown_mem());
	cmark_node *row = cmark_node_first_child(table), *cell;
	struct strbuf label = STRBUF_INIT, tag = STRBUF_INIT;

	strbuf_adds(&label, "Table");
	for (cell = row ? cmark_node_first_child(row) : NULL; cell; cell = cmark_node_next(cell)) {
		struct strbuf t = STRBUF_INIT;

		plain_text(cell, &t);
		strbuf_addf(&label, "%s%s", label.len == 5 ? ": " : ", ", t.buf);
		strbuf_release(&t);
	}
	strbuf_adds(&tag, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"");
	strbuf_add_html(&tag, label.buf, label.len);
	strbuf_adds(&tag, "\">");
	cmark_node_set_on_enter(box, tag.buf);
	cmark_node_set_on_exit(box, "</div>");
	cmark_node_insert_before(table, box);
	cmark_node_append_child(box, table);
	strbuf_release(&label);
	strbuf_release(&tag);
}

/* Without `unsafe`, raw HTML is shown as the text it is. */
static void escape_raw_html(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	char *copy = xstrdup(lit ? lit : "");
	size_t n = strlen(copy);

	while (n && (copy[n - 1] == '\n' || copy[n - 1] == '\r'))
		copy[--n] = '\0';
	if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
		cmark_node *para = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH, markdown_mem());
		cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, markdown_mem());

		cmark_node_set_literal(text, copy);
		cmark_node_append_child(para, text);
		cmark_node_replace(node, para);
	} else {
		cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, markdown_mem());

		cmark_node_set_literal(text, copy);
		cmark_node_replace(node, text);
	}
	cmark_node_free(node);
	free(copy);
}

/*
 * The scheme of a URL that cmark-gfm's safe mode renders as an empty
 * address (javascript:, vbscript:, file:, and data: but for pictures), or
 * NULL: such a link would run code in a reader's browser or open their files.
 */
static const char *dangerous_scheme(const char *url)
{
	static const char *const schemes[] = { "javascript:", "vbscript:", "file:", "data:" };
	static const char *const pictures[] = { "image/png", "image/gif", "image/jpeg", "image/webp" };
	size_t i, k;

	for (i = 0; i < sizeof schemes / sizeof *schemes; i++) {
		size_t n = strlen(schemes[i]);

		if (strncasecmp(url, schemes[i], n))
			continue;
		for (k = 0; i == 3 && k < sizeof pictures / sizeof *pictures; k++)
			if (!strncasecmp(url + n, pictures[k], strlen(pictures[k])))
				return NULL;
		return schemes[i];
	}
	return NULL;
}

/* s[0..n) with each %XX as the byte it stands for: cmark-gfm gives a
 * picture's address percent-encoded ("IMG%201234.jpg", "caf%C3%A9.jpg"),
 * the file's name has the bytes. (%00, %2F, %23 and %3F stay as written:
 * a name holding them would read as another path, or end early.) */
static void add_unescaped(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = i + 2 < n ? strbuf_hex_digit(s[i + 1]) : -1,
		    lo = hi >= 0 ? strbuf_hex_digit(s[i + 2]) : -1;
		int byte = hi * 16 + lo;

		if (s[i] == '%' && lo >= 0 && byte != 0 && !strchr("/#?", byte)) {
			strbuf_addch(out, (char)byte);
			i += 2;
		} else {
			strbuf_addch(out, s[i]);
		}
	}
}

/* A picture's size in pixels, 0 by 0 when not known. */
struct size {
	int w, h;
};

void markdown_missing_address(struct diag_list *dl, const struct pos *pos, const char *url,
			      const char *path, const char *suggest, int image)
{
	int file = content_is_file(path + 1);
	const char *what = image ? "missing picture" : file ? "link to missing file" :
			   "link to missing page";
	int len = (int)strcspn(url, "?#");

	if (suggest)
		diag_warning(dl, pos, "%s '%.*s'; did you mean '%s'?", what, len, url, suggest);
	else
		diag_warning(dl, pos,
			     "%s '%.*s': the site has no %s there (for one that something else on the same host serves, write its whole address: https://...)",
			     what, len, url, file ? "such file" : "page");
}

/*
 * An address from the site's root ("/plan/", "/stories/ana.jpg"), the way
 * to a page no Markdown file is (a section's list, the plan): one the site
 * does not make is a warning at it, since something else on the same host
 * may serve it; a picture of the site's gets its size, as a relative one.
 */
static void check_rooted(cmark_node *link, const char *url, const struct markdown_opts *o,
			 struct diag_list *dl, struct size *size)
{
	const char *frag = url + strcspn(url, "?#"), *suggest = NULL;
	int image = cmark_node_get_type(link) == CMARK_NODE_IMAGE;
	struct strbuf path = STRBUF_INIT;
	struct pos pos;

	if (!o->site_address)
		return;
	add_unescaped(&path, url, (size_t)(frag - url));
	if (o->site_address(o->resolve_ctx, path.buf, &suggest)) {
		if (size && o->picture_size && content_is_picture(path.buf + 1) &&
		    o->picture_size(o->resolve_ctx, path.buf + 1, &size->w, &size->h) < 0)
			size->w = size->h = 0;
	} else {
		pos.file = o->path;
		pos.line = cmark_node_get_start_line(link) + o->line_offset;
		pos.col = cmark_node_get_start_column(link);
		markdown_missing_address(dl, &pos, url, path.buf, suggest, image);
	}
	strbuf_release(&path);
}

/* Resolve a link or picture's address; a picture of the site's also gets
 * its size in *size (left 0 by 0 otherwise). */
static void resolve_link(cmark_node *link, const struct markdown_opts *o,
			 struct diag_list *dl, int *failed, struct size *size)
{
	const char *url = cmark_node_get_url(link);
	const char *frag, *target, *suggest = NULL, *scheme;
	struct strbuf addr = STRBUF_INIT;
	struct pos pos;
	char *norm = NULL;
	int outside;

	if (url && !o->unsafe && (scheme = dangerous_scheme(url))) {
		pos.file = o->path;
		pos.line = cmark_node_get_start_line(link) + o->line_offset;
		pos.col = cmark_node_get_start_column(link);
		diag_warning(dl, &pos,
			     "the %s '%.*s%s' is left without an address: a '%s' address could run code or open files in a reader's browser",
			     cmark_node_get_type(link) == CMARK_NODE_IMAGE ? "image from" : "link to", 40, url,
			     strlen(url) > 40 ? "..." : "", scheme);
		return;
	}

	if (slug_from_root(url)) {
		struct strbuf u = STRBUF_INIT;

		check_rooted(link, url, o, dl, size);
		if (o->base_path && strcmp(o->base_path, "/")) {
			strbuf_adds(&u, o->base_path);
			strbuf_adds(&u, url + 1);
			cmark_node_set_url(link, u.buf);
			strbuf_release(&u);
		}
		return;
	}
	if (!url || !o->resolve)
		return;
	/* a file of the site's, relative to this one ("../x.md#y", "ana.jpg"):
	 * a page, or a picture or document published as it is */
	frag = url + strcspn(url, "?#");
	add_unescaped(&addr, url, (size_t)(frag - url));
	if (!content_is_markdown(addr.buf) && !content_is_file(addr.buf))
		goto done;
	norm = content_relative(o->rel ? o->rel : "", addr.buf, &outside);
	if (!norm && !outside)
		goto done; /* an address of its own: https:, mailto:, /... */
	pos.file = o->path;
	pos.line = cmark_node_get_start_line(link) + o->line_offset;
	pos.col = cmark_node_get_start_column(link);
	target = norm ? o->resolve(o->resolve_ctx, norm, &suggest) : NULL;
	if (!norm) {
		diag_error(dl, &pos, "link to '%.*s' points outside content/",
			   (int)(frag - url), url);
		*failed = 1;
	} else if (!target) {
		/* "link to missing page", "picture not found", "missing file" */
		const char *what = content_is_markdown(norm) ? "link to missing page" :
				   cmark_node_get_type(link) == CMARK_NODE_IMAGE ? "missing picture" :
										     "link to missing file";

		if (suggest) {
			char *rel = slug_relative_path(o->rel ? o->rel : "", suggest);

			diag_error(dl, &pos, "%s '%.*s'; did you mean '%s'?", what,
				   (int)(frag - url), url, rel);
			free(rel);
		} else if (!content_is_markdown(norm)) {
			diag_error(dl, &pos, "%s '%.*s': there is no file 'content/%s'", what,
				   (int)(frag - url), url, norm);
		} else {
			diag_error(dl, &pos, "%s '%.*s'", what, (int)(frag - url), url);
		}
		*failed = 1;
	} else {
		struct strbuf u = STRBUF_INIT;

		strbuf_adds(&u, target);
		strbuf_adds(&u, frag);
		cmark_node_set_url(link, u.buf);
		strbuf_release(&u);
		if (size && o->picture_size && !content_is_markdown(norm) &&
		    o->picture_size(o->resolve_ctx, norm, &size->w, &size->h) < 0)
			size->w = size->h = 0;
	}
done:
	free(norm);
	strbuf_release(&addr);
}

/* A picture with no words between its brackets has an empty alt: screen
 * readers pass over it, and a reader who cannot see it never learns what
 * it showed (WCAG 1.1.1). A warning, at the picture. */
static void check_alt(cmark_node *image, const struct markdown_opts *o, struct diag_list *dl)
{
	struct strbuf alt = STRBUF_INIT;
	size_t i;

	plain_text(image, &alt);
	for (i = 0; i < alt.len && (alt.buf[i] == ' ' || alt.buf[i] == '\t'); i++)
		;
	if (i == alt.len) {
		struct pos pos = { o->path, cmark_node_get_start_line(image) + o->line_offset,
				   cmark_node_get_start_column(image) };

		diag_warning(dl, &pos,
			     "the picture '%s' has no words for readers who cannot see it: say what it shows between the brackets, as in ![Two workers at a loading dock](...)",
			     cmark_node_get_url(image) ? cmark_node_get_url(image) : "");
	}
	strbuf_release(&alt);
}

static const char img_tag[] = "<img src=\"";

static size_t count_img_tags(const char *s)
{
	size_t n = 0;

	while (s && (s = strstr(s, img_tag))) {
		n++;
		s += sizeof img_tag - 1;
	}
	return n;
}

/*
 * What writes '<img src="' into the HTML, in document order: each picture
 * node (with its size from `sizes`, in the same order), and raw HTML or a
 * hook's node that holds those words (no size). The words inside a
 * picture's brackets are its alt, written escaped: not looked in.
 */
static struct size *img_tags(cmark_node *doc, const struct size *sizes, size_t nsizes,
			     size_t *n)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *inside = NULL; /* the picture whose alt is being walked */
	struct size *seq = NULL;
	size_t alloc = 0, k, next = 0;

	*n = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		size_t raw = 0;

		if (inside) {
			if (node == inside && ev == CMARK_EVENT_EXIT)
				inside = NULL;
			continue;
		}
		if (t == CMARK_NODE_IMAGE) {
			if (ev != CMARK_EVENT_ENTER)
				continue;
			XGROW(seq, alloc, *n + 1);
			seq[*n].w = seq[*n].h = 0;
			if (next < nsizes)
				seq[*n] = sizes[next++];
			(*n)++;
			if (cmark_node_first_child(node))
				inside = node;
			continue;
		}
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE))
			raw = count_img_tags(cmark_node_get_literal(node));
		else if (t == CMARK_NODE_CUSTOM_BLOCK || t == CMARK_NODE_CUSTOM_INLINE)
			raw = count_img_tags(ev == CMARK_EVENT_ENTER ? cmark_node_get_on_enter(node)
								     : cmark_node_get_on_exit(node));
		for (k = 0; k < raw; k++) {
			XGROW(seq, alloc, *n + 1);
			seq[*n].w = seq[*n].h = 0;
			(*n)++;
		}
	}
	cmark_iter_free(it);
	return seq;
}

/* Append cmark-gfm's HTML, its pictures with loading="lazy": a worker on
 * a phone pays only for the pictures scrolled to (a guide's chapter may
 * have several). cmark-gfm writes every picture as '<img src="'; raw HTML
 * that does too (markdown.unsafe) gets the same. The i-th of them is
 * seq[i] (n of them): its width and height when known. */
static void add_pictures(struct strbuf *html, const char *rendered, const struct size *seq,
			 size_t n)
{
	const char *p = rendered, *at;
	size_t i;

	for (i = 0; (at = strstr(p, img_tag)); i++) {
		strbuf_add(html, p, (size_t)(at - p));
		strbuf_adds(html, "<img loading=\"lazy\" ");
		if (i < n && seq[i].w > 0)
			strbuf_addf(html, "width=\"%d\" height=\"%d\" ", seq[i].w, seq[i].h);
		strbuf_adds(html, "src=\"");
		p = at + sizeof img_tag - 1;
	}
	strbuf_adds(html, p);
}

/* The words of the document, block by block, for reading grades and search. */
static void plain_blocks(cmark_node *doc, struct strbuf *out)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *lit;

		if (ev == CMARK_EVENT_ENTER) {
			switch (t) {
			case CMARK_NODE_TEXT:
			case CMARK_NODE_CODE:
				lit = cmark_node_get_literal(n);
				if (lit)
					strbuf_adds(out, lit);
				break;
			case CMARK_NODE_SOFTBREAK:
			case CMARK_NODE_LINEBREAK:
				strbuf_addch(out, ' ');
				break;
			default:
				break;
			}
			continue;
		}
		/* leaving a block: end it, unless it only held other blocks */
		if ((t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
		     t == CMARK_NODE_CUSTOM_BLOCK || /* headings, once given ids */
		     !strncmp(cmark_node_get_type_string(n), "table_", 6)) &&
		    out->len && out->buf[out->len - 1] != '\n')
			strbuf_adds(out, "\n\n");
	}
	cmark_iter_free(it);
}

int markdown_render(const char *text, size_t len, const struct markdown_opts *o,
		    struct strbuf *html, struct value **toc, struct diag_list *dl)
{
	int opts = CMARK_OPT_SOURCEPOS | CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES |
		   CMARK_OPT_GITHUB_PRE_LANG;
	cmark_parser *parser;
	cmark_node *doc, *node;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node **pending = NULL;
	size_t npending = 0, apending = 0, i, nsizes = 0, asizes = 0, ntags;
	struct size *sizes = NULL, *tags;
	struct idset ids = { NULL, 0, 0, o->reserved, o->nreserved };
	struct arena arena = { NULL, NULL }, *outer = current;
	int failed = 0;
	double parse_began;

	current = &arena;
	/* cmark-gfm's inline parser reads a process-wide table of special
	 * characters that the attached extensions change during every parse,
	 * so parses take turns; the rest (walking, rendering) runs at once */
	pthread_mutex_lock(&parse_lock);
	parse_began = monotonic_seconds();
	parser = cmark_parser_new_with_mem(opts, &arena_mem);
	for (i = 0; i < sizeof extensions / sizeof *extensions; i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);

		/* (Lua sees the text nodes as the extension leaves them) */
		if (ext && (strcmp(extensions[i], "autolink") || o->filter || may_autolink(text, len)))
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, text, len);
	doc = cmark_parser_finish(parser);
	parse_seconds += monotonic_seconds() - parse_began;
	pthread_mutex_unlock(&parse_lock);
	if (o->filter && o->filter(o->filter_ctx, doc, dl) < 0)
		failed = 1;

	/* first pass: note what to change (changing nodes mid-walk is unsafe) */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type t;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		node = cmark_iter_get_node(it);
		t = cmark_node_get_type(node);
		if (t == CMARK_NODE_IMAGE) { /* (as written, before resolve_link) */
			check_alt(node, o, dl);
			XGROW(sizes, asizes, nsizes + 1);
			sizes[nsizes].w = sizes[nsizes].h = 0;
			resolve_link(node, o, dl, &failed, &sizes[nsizes++]);
		} else if (t == CMARK_NODE_LINK) {
			resolve_link(node, o, dl, &failed, NULL);
		} else if (t == CMARK_NODE_ITEM && cmark_node_get_syntax_extension(node) &&
			 !strcmp(cmark_node_get_type_string(node), "tasklist")) {
			XGROW(pending, apending, npending + 1);
			pending[npending++] = node;
		} else if (cmark_node_get_syntax_extension(node) && /* a table is one */
			   !strcmp(cmark_node_get_type_string(node), "table")) {
			XGROW(pending, apending, npending + 1);
			pending[npending++] = node;
		} else if (t == CMARK_NODE_HEADING ||
			 (!o->unsafe && (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE))) {
			XGROW(pending, apending, npending + 1);
			pending[npending++] = node;
		}
	}
	cmark_iter_free(it);

	if (toc)
		*toc = value_new_list();
	for (i = 0; i < npending; i++) {
		const char *ts = cmark_node_get_type_string(pending[i]);

		if (!strcmp(ts, "tasklist"))
			task_marker(pending[i]);
		else if (!strcmp(ts, "table"))
			wrap_table(pending[i]);
		else if (cmark_node_get_type(pending[i]) == CMARK_NODE_HEADING)
			anchor_heading(pending[i], &ids, o->id_prefix, o->heading_shift,
				       toc ? *toc : NULL);
		else
			escape_raw_html(pending[i]);
	}

	if (o->plain)
		plain_blocks(doc, o->plain);
	tags = img_tags(doc, sizes, nsizes, &ntags);
	add_pictures(html, cmark_render_html(doc, o->unsafe ? CMARK_OPT_UNSAFE : CMARK_OPT_DEFAULT,
					     cmark_parser_get_syntax_extensions(parser)),
		     tags, ntags);
	free(tags);
	free(sizes);

	for (i = 0; i < ids.n; i++)
		free(ids.ids[i]);
	free(ids.ids);
	free(pending);
	/* the tree, the parser and the HTML go with the arena */
	arena_release(&arena);
	current = outer;
	return failed ? -1 : 0;
}

double markdown_parse_seconds(void)
{
	double s;

	pthread_mutex_lock(&parse_lock);
	s = parse_seconds;
	pthread_mutex_unlock(&parse_lock);
	return s;
}
