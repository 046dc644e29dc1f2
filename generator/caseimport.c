/* caseimport: `waymark import case`: a CASE 1.0 package as a framework. */
#include "caseimport.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "model.h"
#include "scaffold.h"
#include "slug.h"
#include "value.h"
#include "xalloc.h"
#include "yamlread.h"
#include "yamlwrite.h"

/* Whether `s` is a web address (what a framework's url and an alignment's
 * uri from elsewhere must be). */
static int web_address(const char *s)
{
	return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7));
}

#define ID_MAX 48 /* bytes of an id made from a statement */
#define TITLE_MAX 80

struct item {
	const struct value *v;
	const char *ident;
	size_t parent;  /* 1 + index of the parent item; 0: under the document */
	int placed;     /* an isChildOf placed it */
	double seq;     /* that association's sequenceNumber, or HUGE_VAL */
	size_t *kids, nkids;
	char *id;       /* as a skill, its id; NULL when not one */
};

struct import {
	struct item *items;
	size_t n;
	size_t *by_ident; /* indexes sorted by identifier */
	struct value *used_skills, *used_categories; /* ids taken: maps to null */
	const char *fw_id;
	struct diag_list *dl;
};

/* An item's place in an order: by identifier, or by sequence. */
struct key {
	const char *ident;
	double seq;
	size_t at;
};

static int cmp_ident(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->ident, ((const struct key *)b)->ident);
}

/* In sequenceNumber order, then in the order of CFItems. */
static int cmp_seq(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Sort the item indexes idx[0..n) as `cmp` orders their keys. */
static void sort_items(const struct import *im, size_t *idx, size_t n,
		       int (*cmp)(const void *, const void *))
{
	struct key *k = xmalloc((n + 1) * sizeof *k);
	size_t i;

	for (i = 0; i < n; i++)
		k[i] = (struct key){ im->items[idx[i]].ident, im->items[idx[i]].seq, idx[i] };
	qsort(k, n, sizeof *k, cmp);
	for (i = 0; i < n; i++)
		idx[i] = k[i].at;
	free(k);
}

/* 1 + the index of the item with identifier `ident`, or 0. */
static size_t find(const struct import *im, const char *ident)
{
	size_t lo = 0, hi = im->n;

	while (ident && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(im->items[im->by_ident[mid]].ident, ident);

		if (!c)
			return im->by_ident[mid] + 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static const char *node_ident(const struct value *a, const char *end)
{
	return value_text(value_get(a, end), "identifier");
}

/* Field `key` of `map` as text, or NULL when it is missing or only spaces
 * (an empty title would be an empty heading). */
static const char *text_of(const struct value *map, const char *key)
{
	const char *t = value_text(map, key);

	return t && t[strspn(t, " \t\r\n")] ? t : NULL;
}

/* The first line of `s`, cut at a space to at most TITLE_MAX bytes. */
static char *short_text(const char *s)
{
	size_t n;

	s += strspn(s, " \t\r\n");
	n = strcspn(s, "\r\n");
	char *out;

	if (n <= TITLE_MAX)
		return xstrndup(s, n);
	for (n = TITLE_MAX - 3; n > 0 && s[n] != ' '; n--)
		;
	if (!n) /* (no space: cut between two characters of UTF-8) */
		for (n = TITLE_MAX - 3; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
			;
	out = xmalloc(n + 4);
	memcpy(out, s, n);
	memcpy(out + n, "\xe2\x80\xa6", 4); /* … */
	return out;
}

/* A new id from `text`, not yet in `used` (then taken there). */
static char *unique_id(struct value *used, const char *text, const char *fallback)
{
	char *base = slug_make(text ? text : "", fallback), *id;
	size_t n = strlen(base), k;

	/* ids are lowercase: slug_make keeps non-ASCII letters, which an id
	 * may not have */
	for (k = 0; k < n; k++)
		if ((unsigned char)base[k] >= 0x80)
			base[k] = '-';
	id = slug_make(base, fallback);
	free(base);
	base = id;
	if (strlen(base) > ID_MAX) { /* (cut at a '-', and never end in one) */
		n = ID_MAX;
		while (n > 1 && base[n] != '-')
			n--;
		base[n > 1 ? n : ID_MAX] = '\0';
		while (base[strlen(base) - 1] == '-')
			base[strlen(base) - 1] = '\0';
	}
	id = xstrdup(base);
	for (k = 2; value_get(used, id); k++) {
		free(id);
		id = xmalloc(strlen(base) + 24);
		sprintf(id, "%s-%zu", base, k);
	}
	free(base);
	value_map_set(used, id, value_new(VALUE_NULL, NULL), NULL);
	return id;
}

static void set_str(struct value *m, const char *key, const char *s)
{
	if (s && *s)
		value_map_set_str(m, key, s);
}

/* An item as a skill of the framework: id, title, definition, examples. */
static struct value *skill_of(struct import *im, struct item *it)
{
	const char *code = text_of(it->v, "humanCodingScheme");
	const char *abbr = text_of(it->v, "abbreviatedStatement");
	const char *full = text_of(it->v, "fullStatement");
	const char *notes = text_of(it->v, "notes");
	struct value *s = value_new_map(), *examples = value_new_list();
	char *title = short_text(abbr ? abbr : full ? full : code ? code : it->ident);

	it->id = unique_id(im->used_skills, code ? code : abbr ? abbr : full, "skill");
	value_map_set_str(s, "id", it->id);
	value_map_set_str(s, "title", title);
	value_map_set_str(s, "definition", full ? full : abbr ? abbr : title);
	while (notes && *notes) {
		size_t n = strcspn(notes, "\n");

		if (n > 9 && !strncmp(notes, "Example: ", 9)) {
			char *e = xstrndup(notes + 9, n - 9);

			value_list_push(examples, value_new_cstr(e));
			free(e);
		}
		notes += n + (notes[n] == '\n');
	}
	if (examples->n)
		value_map_set(s, "examples", examples, NULL);
	else
		value_free(examples);
	free(title);
	return s;
}

/* Every item below `at`, depth first, as skills (a loop is cut). */
static void skills_below(struct import *im, size_t at, struct value *skills, char *seen)
{
	size_t k;

	for (k = 0; k < im->items[at].nkids; k++) {
		size_t kid = im->items[at].kids[k];

		if (seen[kid])
			continue;
		seen[kid] = 1;
		value_list_push(skills, skill_of(im, &im->items[kid]));
		skills_below(im, kid, skills, seen);
	}
}

/* The associations other than isChildOf, as `aligns` of their skills. */
static size_t add_aligns(struct import *im, const struct value *assocs, struct value *categories)
{
	size_t i, k, j, added = 0;

	for (i = 0; assocs && assocs->kind == VALUE_LIST && i < assocs->n; i++) {
		const struct value *a = assocs->items[i];
		const char *type = value_text(a, "associationType");
		size_t from = find(im, node_ident(a, "originNodeURI"));
		size_t to = find(im, node_ident(a, "destinationNodeURI"));
		const char *uri = value_text(value_get(a, "destinationNodeURI"), "uri");
		const char *title = value_text(value_get(a, "destinationNodeURI"), "title");
		struct value *al, *skill = NULL;
		int known = 0;

		if (!type || !strcmp(type, "isChildOf") || !from || !im->items[from - 1].id)
			continue;
		for (k = 0; model_association_types[k]; k++)
			known |= !strcmp(type, model_association_types[k]);
		if (!known) {
			diag_warning(im->dl, &a->pos, "association type '%s' is not one waymark aligns skills with; left out",
				     type);
			continue;
		}
		al = value_new_map();
		if (to && im->items[to - 1].id) {
			char *ref = xmalloc(strlen(im->fw_id) + strlen(im->items[to - 1].id) + 2);

			sprintf(ref, "%s/%s", im->fw_id, im->items[to - 1].id);
			value_map_set_str(al, "skill", ref);
			free(ref);
		} else if (web_address(uri)) {
			value_map_set_str(al, "uri", uri);
			set_str(al, "title", title);
		} else {
			diag_warning(im->dl, &a->pos,
				     "a '%s' association leads to '%s', which is neither a skill of this package nor a web address; left out",
				     type, uri ? uri : "(no uri)");
			value_free(al);
			continue;
		}
		value_map_set_str(al, "type", type);
		/* onto the skill, wherever it is */
		for (k = 0; !skill && k < categories->n; k++) {
			const struct value *skills = value_get(categories->items[k], "skills");

			for (j = 0; !skill && j < skills->n; j++)
				if (!strcmp(value_text(skills->items[j], "id"), im->items[from - 1].id))
					skill = skills->items[j];
		}
		if (!skill) { /* (every item with an id is a skill of a category) */
			value_free(al);
			continue;
		}
		if (!value_get(skill, "aligns"))
			value_map_set(skill, "aligns", value_new_list(), NULL);
		value_list_push(value_get(skill, "aligns"), al);
		added++;
	}
	return added;
}

/* The framework's own fields, from the CFDocument. */
static void document_fields(struct value *fw, const struct value *doc)
{
	const char *notes = text_of(doc, "notes"), *when = text_of(doc, "lastChangeDateTime");
	const char *url = text_of(doc, "officialSourceURL");
	const char *license = value_text(value_get(doc, "licenseURI"), "title");

	set_str(fw, "publisher", text_of(doc, "publisher") ? text_of(doc, "publisher")
							 : text_of(doc, "creator"));
	set_str(fw, "version", text_of(doc, "version"));
	if (!license && notes && !strncmp(notes, "License: ", 9))
		license = notes + 9;
	if (license) {
		char *l = xstrndup(license, strcspn(license, "\n"));

		set_str(fw, "license", l);
		free(l);
	}
	if (web_address(url))
		value_map_set_str(fw, "url", url);
	if (when && strlen(when) >= 10 && when[4] == '-' && when[7] == '-') {
		char day[11];

		memcpy(day, when, 10);
		day[10] = '\0';
		value_map_set_str(fw, "updated", day);
	}
	set_str(fw, "description", text_of(doc, "description"));
}

/* The tree of items that isChildOf associations make. */
static void place_items(struct import *im, const struct value *assocs)
{
	size_t i;
	for (i = 0; assocs && assocs->kind == VALUE_LIST && i < assocs->n; i++) {
		const struct value *a = assocs->items[i], *seq = value_get(a, "sequenceNumber");
		size_t child = find(im, node_ident(a, "originNodeURI"));
		size_t parent = find(im, node_ident(a, "destinationNodeURI"));
		struct item *it;

		if (!child || strcmp(value_text(a, "associationType") ? value_text(a, "associationType") : "",
				     "isChildOf"))
			continue;
		it = &im->items[child - 1];
		if (it->placed || parent == child)
			continue; /* (an item reused under a second parent stays under its first) */
		it->placed = 1;
		it->parent = parent; /* 0: the document, or something not in the package */
		it->seq = seq && seq->kind == VALUE_NUMBER ? seq->number : HUGE_VAL;
	}
	for (i = 0; i < im->n; i++) {
		struct item *p;

		if (!im->items[i].parent)
			continue;
		p = &im->items[im->items[i].parent - 1];
		p->kids = xrealloc(p->kids, (p->nkids + 1) * sizeof *p->kids);
		p->kids[p->nkids++] = i;
	}
	for (i = 0; i < im->n; i++)
		sort_items(im, im->items[i].kids, im->items[i].nkids, cmp_seq);
}

static struct value *framework(struct import *im, const struct value *doc,
			       const struct value *assocs, struct caseimport_stats *st)
{
	struct value *fw = value_new_map(), *cats = value_new_list(), *loose = value_new_list();
	const char *title = text_of(doc, "title");
	size_t *top = xmalloc((im->n + 1) * sizeof *top), ntop = 0, i;
	char *seen = xcalloc(im->n + 1, 1);

	value_map_set_str(fw, "id", im->fw_id);
	value_map_set_str(fw, "title", title ? title : "Imported framework");
	document_fields(fw, doc);
	place_items(im, assocs);
	for (i = 0; i < im->n; i++)
		if (!im->items[i].parent)
			top[ntop++] = i;
	sort_items(im, top, ntop, cmp_seq);
	for (i = 0; i < ntop; i++) {
		struct item *it = &im->items[top[i]];

		seen[top[i]] = 1;
		if (it->nkids) {
			const char *code = text_of(it->v, "humanCodingScheme");
			const char *abbr = text_of(it->v, "abbreviatedStatement");
			const char *full = text_of(it->v, "fullStatement");
			const char *notes = text_of(it->v, "notes");
			struct value *c = value_new_map(), *skills = value_new_list();
			char *id = unique_id(im->used_categories, code ? code : abbr ? abbr : full, "group");
			char *ctitle = short_text(abbr ? abbr : full ? full : code ? code : id);

			value_map_set_str(c, "id", id);
			value_map_set_str(c, "title", ctitle);
			if (full && abbr && strcmp(full, abbr))
				value_map_set_str(c, "description", full);
			else if (notes && strncmp(notes, "Example: ", 9))
				value_map_set_str(c, "description", notes);
			skills_below(im, top[i], skills, seen);
			value_map_set(c, "skills", skills, NULL);
			value_list_push(cats, c);
			free(id);
			free(ctitle);
		} else {
			value_list_push(loose, skill_of(im, it));
		}
	}
	/* items that only loops of isChildOf hold up: skills too */
	for (i = 0; i < im->n; i++)
		if (!seen[i]) {
			seen[i] = 1;
			value_list_push(loose, skill_of(im, &im->items[i]));
			skills_below(im, i, loose, seen);
		}
	if (loose->n) {
		struct value *c = value_new_map();
		char *id = unique_id(im->used_categories, cats->n ? "other" : title, "skills");

		value_map_set_str(c, "id", id);
		value_map_set_str(c, "title", cats->n ? "Other skills" : title ? title : "Skills");
		value_map_set(c, "skills", loose, NULL);
		value_list_push(cats, c);
		free(id);
	} else {
		value_free(loose);
	}
	for (i = 0; i < cats->n; i++)
		st->skills += value_get(cats->items[i], "skills")->n;
	st->categories = cats->n;
	st->aligns = add_aligns(im, assocs, cats);
	value_map_set(fw, "categories", cats, NULL);
	free(top);
	free(seen);
	return fw;
}

int caseimport_run(const char *site_dir, const char *file, const char *id, struct strbuf *written,
		   struct caseimport_stats *st, int *usage, struct diag_list *dl)
{
	struct strbuf text = STRBUF_INIT, yaml = STRBUF_INIT;
	struct value *root = NULL, *fw = NULL;
	const struct value *doc, *list, *assocs;
	struct import im;
	char *path = NULL, *fw_id = NULL, *rel = NULL;
	const char *name;
	size_t i;
	int ret = -1;

	memset(&im, 0, sizeof im);
	memset(st, 0, sizeof *st);
	*usage = 0;
	if (id && !slug_valid_id(id)) {
		diag_error(dl, NULL, "'%s' is not a valid id: use lowercase letters, digits and single '-'", id);
		*usage = 1;
		goto done;
	}
	if (scaffold_in_site(site_dir, dl) < 0)
		goto done;
	if (fs_read(file, &text) < 0) {
		diag_io_error(dl, NULL, "unable to read '%s': %s", file, fs_strerror(errno));
		goto done;
	}
	if (!(root = yamlread_parse(file, text.buf, text.len, 0, dl)))
		goto done;
	doc = value_get(root, "CFDocument");
	if (!doc || doc->kind != VALUE_MAP) {
		struct pos top = { file, 1, 1 };

		diag_error(dl, &top, "'%s' is not a CASE package: it has no CFDocument", file);
		goto done;
	}
	list = value_get(root, "CFItems");
	assocs = value_get(root, "CFAssociations");
	im.dl = dl;
	im.items = xcalloc((list && list->kind == VALUE_LIST ? list->n : 0) + 1, sizeof *im.items);
	for (i = 0; list && list->kind == VALUE_LIST && i < list->n; i++) {
		const char *ident = value_text(list->items[i], "identifier");

		if (!ident) {
			diag_warning(dl, &list->items[i]->pos, "an item without an identifier; left out");
			continue;
		}
		im.items[im.n].v = list->items[i];
		im.items[im.n].ident = ident;
		im.items[im.n].seq = HUGE_VAL;
		im.n++;
	}
	if (!im.n) {
		diag_error(dl, &doc->pos, "'%s' has no items (CFItems) to make skills of", file);
		goto done;
	}
	im.by_ident = xmalloc(im.n * sizeof *im.by_ident);
	for (i = 0; i < im.n; i++)
		im.by_ident[i] = i;
	sort_items(&im, im.by_ident, im.n, cmp_ident);
	fw_id = id ? xstrdup(id) : NULL;
	if (!fw_id) {
		struct value *none = value_new_map();

		fw_id = unique_id(none, text_of(doc, "title"), "imported");
		value_free(none);
	}
	im.fw_id = fw_id;
	rel = xmalloc(strlen(fw_id) + 32);
	sprintf(rel, "content/frameworks/%s.yaml", fw_id);
	path = fs_join(site_dir, rel);
	if (fs_is_file(path)) { /* (said before the warnings of an import that will not be) */
		diag_error(dl, NULL, "'%s' already exists; not overwriting it (name the import with --id)",
			   path);
		goto done;
	}
	im.used_skills = value_new_map();
	im.used_categories = value_new_map();
	fw = framework(&im, doc, assocs, st);
	name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	strbuf_addf(&yaml,
		    "# Imported by 'waymark import case' from %s (CASE 1.0). It is an\n"
		    "# ordinary framework file now: edit it as any other (docs/content-model.md).\n",
		    name);
	if (yamlwrite_value(fw, &yaml) < 0) {
		diag_error(dl, NULL, "'%s' holds text that cannot be written as YAML (is it UTF-8?)", file);
		goto done;
	}
	if (scaffold_create(path, yaml.buf, dl) == 0) {
		strbuf_adds(written, path);
		ret = 0;
	}
done:
	for (i = 0; i < im.n; i++) {
		free(im.items[i].kids);
		free(im.items[i].id);
	}
	free(im.items);
	free(im.by_ident);
	value_free(im.used_skills);
	value_free(im.used_categories);
	value_free(fw);
	value_free(root);
	strbuf_release(&text);
	strbuf_release(&yaml);
	free(path);
	free(fw_id);
	free(rel);
	return ret;
}
