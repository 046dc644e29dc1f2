/* exports: a site's frameworks as open data other systems can import. */
#include "exports.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "slug.h"
#include "strbuf.h"

void exports_uuid(const char *name, char buf[37])
{
	uint64_t a = value_hash_bytes(name, strlen(name), VALUE_HASH_SEED);
	uint64_t b = value_hash_bytes(name, strlen(name), a ^ 0x9e3779b97f4a7c15ULL);

	/* version 8 (custom), RFC 4122 variant */
	a = (a & ~(uint64_t)0xf000) | 0x8000;
	b = (b & ~((uint64_t)0xc << 60)) | ((uint64_t)0x8 << 60);
	snprintf(buf, 37, "%08llx-%04llx-%04llx-%04llx-%012llx",
		 (unsigned long long)(a >> 32), (unsigned long long)((a >> 16) & 0xffff),
		 (unsigned long long)(a & 0xffff), (unsigned long long)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

/* A node of the package: its UUID and URI. */
struct node {
	char id[37];
	struct strbuf uri;
};

static void node_of(struct node *n, const char *name, const char *base_url, const char *url)
{
	exports_uuid(name, n->id);
	strbuf_init(&n->uri, 0);
	if (strstr(base_url, "://") && url)
		strbuf_addf(&n->uri, "%s%s", base_url, url + 1);
	else
		strbuf_addf(&n->uri, "urn:uuid:%s", n->id);
}

static struct value *link(const struct node *n, const char *title)
{
	struct value *l = value_new_map();

	value_map_set_str(l, "title", title);
	value_map_set_str(l, "identifier", n->id);
	value_map_set_str(l, "uri", n->uri.buf);
	return l;
}

static void add_association(struct value *list, const char *type, const struct node *from,
			    const char *from_title, const struct node *to, const char *to_title,
			    int sequence, const char *base_url, const char *when)
{
	struct value *a = value_new_map();
	struct strbuf name = STRBUF_INIT;
	struct node self;

	strbuf_addf(&name, "association:%s:%s:%s", from->id, type, to->id);
	node_of(&self, name.buf, base_url, NULL);
	value_map_set_str(a, "identifier", self.id);
	value_map_set_str(a, "associationType", type);
	if (sequence > 0)
		value_map_set_num(a, "sequenceNumber", sequence);
	value_map_set_str(a, "uri", self.uri.buf);
	value_map_set(a, "originNodeURI", link(from, from_title), NULL);
	value_map_set(a, "destinationNodeURI", link(to, to_title), NULL);
	value_map_set_str(a, "lastChangeDateTime", when);
	value_list_push(list, a);
	strbuf_release(&self.uri);
	strbuf_release(&name);
}

/* "2026-11-01" → "2026-11-01T00:00:00+00:00" */
static void when_of(const struct record *fw, char *buf, size_t n)
{
	const char *updated = value_text(fw->v, "updated");

	snprintf(buf, n, "%sT00:00:00+00:00", updated ? updated : "1970-01-01");
}

static struct value *case_package(const struct model *m, const struct record *fw,
				  const char *base_url, const char *site_title, const char *lang)
{
	struct value *pkg = value_new_map(), *doc = value_new_map();
	struct value *items = value_new_list(), *assocs = value_new_list();
	struct node d;
	char when[40];
	struct strbuf name = STRBUF_INIT, notes = STRBUF_INIT;
	size_t i, j, k;
	static const char *const docfields[] = { "publisher", "description", "version" };

	when_of(fw, when, sizeof when);
	strbuf_addf(&name, "framework:%s", fw->id);
	node_of(&d, name.buf, base_url, fw->url);
	value_map_set_str(doc, "identifier", d.id);
	value_map_set_str(doc, "uri", d.uri.buf);
	value_map_set_str(doc, "creator", value_text(fw->v, "publisher") ? value_text(fw->v, "publisher") : site_title);
	value_map_set_str(doc, "title", fw->title);
	value_map_set_str(doc, "lastChangeDateTime", when);
	if (value_text(fw->v, "url"))
		value_map_set_str(doc, "officialSourceURL", value_text(fw->v, "url"));
	for (i = 0; i < sizeof docfields / sizeof *docfields; i++)
		if (value_text(fw->v, docfields[i]))
			value_map_set_str(doc, docfields[i], value_text(fw->v, docfields[i]));
	value_map_set_str(doc, "language", lang);
	if (value_text(fw->v, "license")) {
		strbuf_addf(&notes, "License: %s", value_text(fw->v, "license"));
		value_map_set_str(doc, "notes", notes.buf);
	}
	value_map_set(pkg, "CFDocument", doc, NULL);

	for (i = 0; i < fw->children.n; i++) {
		const struct record *cat = fw->children.items[i];
		struct value *ci = value_new_map();
		struct node c;

		strbuf_reset(&name);
		strbuf_addf(&name, "category:%s", cat->id);
		node_of(&c, name.buf, base_url, NULL);
		value_map_set_str(ci, "identifier", c.id);
		value_map_set_str(ci, "fullStatement", cat->title);
		value_map_set_str(ci, "CFItemType", "Category");
		value_map_set_str(ci, "uri", c.uri.buf);
		value_map_set_str(ci, "humanCodingScheme", cat->id + strlen(fw->id) + 1);
		value_map_set_num(ci, "listEnumeration", (double)i + 1);
		if (value_text(cat->v, "description"))
			value_map_set_str(ci, "notes", value_text(cat->v, "description"));
		value_map_set_str(ci, "language", lang);
		value_map_set_str(ci, "lastChangeDateTime", when);
		value_list_push(items, ci);
		add_association(assocs, "isChildOf", &c, cat->title, &d, fw->title, (int)i + 1,
				base_url, when);
		for (j = 0; j < cat->children.n; j++) {
			const struct record *s = cat->children.items[j];
			const struct value *ex = value_get(s->v, "examples");
			const struct value *al = value_get(s->v, "aligns");
			struct value *si = value_new_map();
			struct node n;

			strbuf_reset(&name);
			strbuf_addf(&name, "skill:%s", s->id);
			node_of(&n, name.buf, base_url, s->url);
			value_map_set_str(si, "identifier", n.id);
			value_map_set_str(si, "fullStatement", value_text(s->v, "definition"));
			value_map_set_str(si, "abbreviatedStatement", s->title);
			value_map_set_str(si, "CFItemType", "Competency");
			value_map_set_str(si, "uri", n.uri.buf);
			value_map_set_str(si, "humanCodingScheme", s->id + strlen(fw->id) + 1);
			value_map_set_num(si, "listEnumeration", (double)j + 1);
			strbuf_reset(&notes);
			for (k = 0; ex && ex->kind == VALUE_LIST && k < ex->n; k++)
				if (ex->items[k]->str)
					strbuf_addf(&notes, "%sExample: %s", notes.len ? "\n" : "",
						    ex->items[k]->str);
			if (notes.len)
				value_map_set_str(si, "notes", notes.buf);
			value_map_set_str(si, "language", lang);
			value_map_set_str(si, "lastChangeDateTime", when);
			value_list_push(items, si);
			add_association(assocs, "isChildOf", &n, s->title, &c, cat->title, (int)j + 1,
					base_url, when);
			for (k = 0; al && al->kind == VALUE_LIST && k < al->n; k++) {
				const char *type = value_text(al->items[k], "type");
				const char *target = value_text(al->items[k], "skill");
				const char *uri = value_text(al->items[k], "uri");
				const struct record *t = target ? model_find(m, RECORD_SKILL, target) : NULL;
				struct node to;

				if (!type)
					continue;
				if (t) {
					strbuf_reset(&name);
					strbuf_addf(&name, "skill:%s", t->id);
					node_of(&to, name.buf, base_url, t->url);
				} else if (uri) {
					exports_uuid(uri, to.id);
					strbuf_init(&to.uri, 0);
					/* one from the site's root ("/guides/"), whole
					 * where the site's address is known: a CASE
					 * reader elsewhere cannot tell what it is under */
					if (slug_from_root(uri) && strstr(base_url, "://"))
						strbuf_addf(&to.uri, "%s%s", base_url, uri + 1);
					else
						strbuf_adds(&to.uri, uri);
				} else {
					continue;
				}
				add_association(assocs, type, &n, s->title, &to,
						t ? t->title : value_text(al->items[k], "title") ? value_text(al->items[k], "title") : uri,
						0, base_url, when);
				strbuf_release(&to.uri);
			}
			strbuf_release(&n.uri);
		}
		strbuf_release(&c.uri);
	}
	value_map_set(pkg, "CFItems", items, NULL);
	value_map_set(pkg, "CFAssociations", assocs, NULL);
	strbuf_release(&d.uri);
	strbuf_release(&name);
	strbuf_release(&notes);
	return pkg;
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void csv_field(struct strbuf *out, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\n\r")) {
		strbuf_addch(out, '"');
		for (; *s; s++) {
			if (*s == '"')
				strbuf_addch(out, '"');
			strbuf_addch(out, *s);
		}
		strbuf_addch(out, '"');
	} else if (s) {
		strbuf_adds(out, s);
	}
	strbuf_adds(out, last ? "\r\n" : ",");
}

static void csv(const struct record *fw, struct strbuf *out)
{
	size_t i, j, k;

	strbuf_adds(out, "framework,group,skill,title,definition,examples,aligns\r\n");
	for (i = 0; i < fw->children.n; i++) {
		const struct record *cat = fw->children.items[i];

		for (j = 0; j < cat->children.n; j++) {
			const struct record *s = cat->children.items[j];
			const struct value *ex = value_get(s->v, "examples"), *al = value_get(s->v, "aligns");
			struct strbuf list = STRBUF_INIT;

			csv_field(out, fw->id, 0);
			csv_field(out, cat->title, 0);
			csv_field(out, s->id, 0);
			csv_field(out, s->title, 0);
			csv_field(out, value_text(s->v, "definition"), 0);
			for (k = 0; ex && ex->kind == VALUE_LIST && k < ex->n; k++)
				strbuf_addf(&list, "%s%s", k ? " | " : "", ex->items[k]->str ? ex->items[k]->str : "");
			csv_field(out, list.buf, 0);
			strbuf_reset(&list);
			for (k = 0; al && al->kind == VALUE_LIST && k < al->n; k++) {
				const char *to = value_text(al->items[k], "skill");

				strbuf_addf(&list, "%s%s %s", k ? " | " : "",
					    value_text(al->items[k], "type") ? value_text(al->items[k], "type") : "",
					    to ? to : value_text(al->items[k], "uri") ? value_text(al->items[k], "uri") : "");
			}
			csv_field(out, list.buf, 1);
			strbuf_release(&list);
		}
	}
}

struct value *exports_links(const struct record *fw, const char *base_path)
{
	struct value *l = value_new_map();
	static const char *const kinds[][2] = {
		{ "case_json", "case.json" }, { "csv", "csv" }, { "json", "json" },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct strbuf u = STRBUF_INIT;

		strbuf_addf(&u, "%sframeworks/%s/%s.%s", base_path, fw->id, fw->id, kinds[i][1]);
		value_map_set_str(l, kinds[i][0], u.buf);
		strbuf_release(&u);
	}
	return l;
}

int exports_write(const struct model *m, const char *base_url, const char *site_title,
		  const char *lang, struct output *o, struct diag_list *dl)
{
	const struct record_list *fws = &m->all[RECORD_FRAMEWORK];
	struct strbuf out = STRBUF_INIT, path = STRBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < fws->n; i++) {
		const struct record *fw = fws->items[i];
		struct value *pkg = case_package(m, fw, base_url, site_title, lang);

		strbuf_reset(&out);
		value_json(pkg, &out);
		strbuf_addch(&out, '\n');
		strbuf_reset(&path);
		strbuf_addf(&path, "frameworks/%s/%s.case.json", fw->id, fw->id);
		ret |= output_write(o, path.buf, out.buf, out.len, dl);
		value_free(pkg);

		strbuf_reset(&out);
		csv(fw, &out);
		strbuf_reset(&path);
		strbuf_addf(&path, "frameworks/%s/%s.csv", fw->id, fw->id);
		ret |= output_write(o, path.buf, out.buf, out.len, dl);

		strbuf_reset(&out);
		value_json(fw->v, &out);
		strbuf_addch(&out, '\n');
		strbuf_reset(&path);
		strbuf_addf(&path, "frameworks/%s/%s.json", fw->id, fw->id);
		ret |= output_write(o, path.buf, out.buf, out.len, dl);
	}
	strbuf_release(&out);
	strbuf_release(&path);
	return ret ? -1 : 0;
}
