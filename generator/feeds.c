/* feeds: the machine-readable files beside the pages. */
#include "feeds.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "strbuf.h"
#include "xalloc.h"

#define SUMMARY_MAX 160

static void json_str(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	if (s)
		strbuf_add_json(sb, s, strlen(s));
	strbuf_addch(sb, '"');
}

/* At most `max` bytes of s, cut at a word and never inside a UTF-8 character. */
static void add_clipped(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		while (n && s[n - 1] != ' ')
			n--;
		while (n && s[n - 1] == ' ')
			n--;
	}
	strbuf_add_json(sb, s, n);
	if (n < strlen(s))
		strbuf_adds(sb, "\u2026");
}

/* " words", without printf: the index has a line for every page */
static void add_words(struct strbuf *k, const char *words)
{
	strbuf_addch(k, ' ');
	strbuf_adds(k, words);
}

/* Words people may search for that are not in a page's title. */
static void keywords(const struct page *p, struct strbuf *k)
{
	const struct record *r = p->record;
	const struct value *steps;
	size_t i;

	if (!r)
		return;
	switch (r->kind) {
	case RECORD_SKILL:
		strbuf_adds(k, r->parent->parent->title);
		add_words(k, r->parent->title);
		break;
	case RECORD_PATHWAY:
		if (r->sector)
			strbuf_adds(k, r->sector->title);
		steps = value_get(r->v, "steps");
		for (i = 0; steps && steps->kind == VALUE_LIST && i < steps->n; i++) {
			const char *t = value_text(steps->items[i], "title"), *c = value_text(steps->items[i], "credential");

			if (t)
				add_words(k, t);
			if (c)
				add_words(k, c);
		}
		for (i = 0; i < r->refs[RECORD_SKILL].n; i++)
			if (!strstr(k->buf, r->refs[RECORD_SKILL].items[i]->title))
				add_words(k, r->refs[RECORD_SKILL].items[i]->title);
		break;
	case RECORD_STORY:
		if (value_text(r->v, "person"))
			strbuf_adds(k, value_text(r->v, "person"));
		if (r->sector)
			add_words(k, r->sector->title);
		break;
	default:
		break;
	}
}

static void search_index(const struct pages_env *e, struct strbuf *out)
{
	const struct page_list *pl = e->pages;
	struct strbuf k = STRBUF_INIT;
	size_t i;
	int first = 1;

	strbuf_adds(out, "[");
	for (i = 0; i < pl->n; i++) {
		const struct page *p = &pl->items[i];
		const char *summary = p->doc ? value_text(p->doc->meta, "summary") : NULL;

		if (!pages_searchable(p))
			continue;
		if (!summary && p->record)
			summary = value_text(p->record->v, p->record->kind == RECORD_SKILL ? "definition" : "summary");
		if (!summary && p->record)
			summary = value_text(p->record->v, "description");
		strbuf_adds(out, first ? "\n{" : ",\n{");
		first = 0;
		strbuf_adds(out, "\"t\":");
		json_str(out, p->title);
		strbuf_adds(out, ",\"u\":\"");
		strbuf_add_json(out, e->base_path, strlen(e->base_path));
		strbuf_add_json(out, p->url + 1, strlen(p->url + 1));
		strbuf_adds(out, "\",\"k\":");
		json_str(out, pages_kind_label(p->kind));
		if (summary) {
			strbuf_adds(out, ",\"s\":\"");
			add_clipped(out, summary, SUMMARY_MAX);
			strbuf_addch(out, '"');
		}
		strbuf_reset(&k);
		keywords(p, &k);
		if (k.len) {
			strbuf_adds(out, ",\"x\":");
			json_str(out, k.buf);
		}
		strbuf_addch(out, '}');
	}
	strbuf_adds(out, "\n]\n");
	strbuf_release(&k);
}

static void xml_text(struct strbuf *sb, const char *s)
{
	strbuf_add_html(sb, s, strlen(s));
}

static void sitemap(const struct pages_env *e, const char *base_url, struct strbuf *out)
{
	size_t i;

	strbuf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (i = 0; i < e->pages->n; i++) {
		const struct page *p = &e->pages->items[i];

		if (p->kind == PAGE_NOT_FOUND)
			continue;
		strbuf_adds(out, "<url><loc>");
		xml_text(out, base_url);
		xml_text(out, p->url + 1);
		strbuf_adds(out, "</loc></url>\n");
	}
	strbuf_adds(out, "</urlset>\n");
}

static void atom(const struct pages_env *e, const char *base_url, const char *title,
		 struct strbuf *out)
{
	const struct record_list *stories = &e->model->all[RECORD_STORY];
	size_t i;

	strbuf_adds(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			 "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	xml_text(out, title);
	strbuf_adds(out, ": stories</title>\n<id>");
	xml_text(out, base_url);
	strbuf_adds(out, "stories/</id>\n<link rel=\"self\" href=\"");
	xml_text(out, base_url);
	strbuf_adds(out, "stories.atom\"/>\n<link href=\"");
	xml_text(out, base_url);
	strbuf_adds(out, "stories/\"/>\n<updated>");
	/* the newest story's date: the feed changes only when stories do */
	xml_text(out, stories->n && value_text(stories->items[0]->v, "date")
			      ? value_text(stories->items[0]->v, "date") : "1970-01-01");
	strbuf_adds(out, "T00:00:00Z</updated>\n<author><name>");
	xml_text(out, title);
	strbuf_adds(out, "</name></author>\n");
	for (i = 0; i < stories->n && i < 50; i++) {
		const struct record *s = stories->items[i];
		const char *date = value_text(s->v, "date"), *sum = value_text(s->v, "summary");

		if (!sum)
			sum = value_text(s->v, "quote");
		strbuf_adds(out, "<entry><title>");
		xml_text(out, s->title);
		strbuf_adds(out, "</title><id>");
		xml_text(out, base_url);
		xml_text(out, s->url + 1);
		strbuf_adds(out, "</id><link href=\"");
		xml_text(out, base_url);
		xml_text(out, s->url + 1);
		strbuf_adds(out, "\"/><updated>");
		xml_text(out, date ? date : "1970-01-01");
		strbuf_adds(out, "T00:00:00Z</updated>");
		if (sum) {
			strbuf_adds(out, "<summary>");
			xml_text(out, sum);
			strbuf_adds(out, "</summary>");
		}
		strbuf_adds(out, "</entry>\n");
	}
	strbuf_adds(out, "</feed>\n");
}

int feeds_write(const struct pages_env *e, const char *base_url, const char *site_title,
		struct output *o, struct diag_list *dl)
{
	struct strbuf sb = STRBUF_INIT;
	int absolute = strstr(base_url, "://") != NULL, ret = 0;

	search_index(e, &sb);
	ret |= output_write(o, "search-index.json", sb.buf, sb.len, dl);
	strbuf_reset(&sb);
	strbuf_adds(&sb, "User-agent: *\nAllow: /\n");
	if (absolute)
		strbuf_addf(&sb, "Sitemap: %ssitemap.xml\n", base_url);
	ret |= output_write(o, "robots.txt", sb.buf, sb.len, dl);
	if (absolute) {
		strbuf_reset(&sb);
		sitemap(e, base_url, &sb);
		ret |= output_write(o, "sitemap.xml", sb.buf, sb.len, dl);
		/* (a site without stories yet gets the feed too, empty:
		 * every page links to it, site.feed_url) */
		strbuf_reset(&sb);
		atom(e, base_url, site_title, &sb);
		ret |= output_write(o, "stories.atom", sb.buf, sb.len, dl);
	}
	strbuf_release(&sb);
	return ret ? -1 : 0;
}
