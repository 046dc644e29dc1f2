/* model: content documents turned into typed, validated, cross-referenced records. */
#include "model.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema.h"
#include "slug.h"
#include "strbuf.h"
#include "xalloc.h"

/* ---------------------------------------------------------------- schemas */

#define END { NULL, 0, 0, NULL, 0, NULL }

const char *const model_association_types[] = {
	"exactMatchOf", "isRelatedTo", "isPartOf", "isPeerOf", "precedes",
	"replacedBy", "exemplar", "hasSkillLevel", "isChildOf", NULL,
};
static const char *const step_kinds[] = {
	"job", "training", "credential", "apprenticeship", NULL,
};

static const struct schema_field align_fields[] = {
	{ "skill", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "uri", SCHEMA_URL, 0, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "type", SCHEMA_STRING, 1, NULL, 0, model_association_types },
	END,
};
static const struct schema_field skill_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "definition", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "examples", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "aligns", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	{ "keywords", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	END,
};
static const struct schema_field category_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "skills", SCHEMA_LIST, 1, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field framework_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "short_title", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "publisher", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "version", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "license", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "url", SCHEMA_URL, 0, NULL, 0, NULL },
	{ "updated", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "categories", SCHEMA_LIST, 1, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field stage_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "order", SCHEMA_NUMBER, 1, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "worker_questions", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "employer_actions", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "community_supports", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "skills", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "resources", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "charts", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field wage_fields[] = {
	{ "hourly", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ "annual", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field step_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "kind", SCHEMA_STRING, 1, NULL, 0, step_kinds },
	{ "duration_months", SCHEMA_NUMBER, 0, NULL, 0, NULL },
	{ "wage", SCHEMA_MAP, 0, wage_fields, 0, NULL },
	{ "credential", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "work_based_learning", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "skills", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field pathway_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "sector", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "data_note", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "steps", SCHEMA_LIST, 1, NULL, SCHEMA_MAP, NULL },
	{ "organizations", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "charts", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field image_fields[] = {
	{ "src", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "alt", SCHEMA_STRING, 1, NULL, 0, NULL },
	END,
};
static const struct schema_field story_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "person", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "date", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "sector", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "pathway", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "stages", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "skills", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "quote", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "image", SCHEMA_MAP, 0, image_fields, 0, NULL },
	{ "illustrative", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "charts", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field guide_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "audience", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field chapter_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "stage", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "stories", SCHEMA_LIST, 0, NULL, SCHEMA_STRING, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "charts", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field sector_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field group_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "description", SCHEMA_STRING, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field resource_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "category", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "publisher", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "url", SCHEMA_URL, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field organization_fields[] = {
	{ "id", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "category", SCHEMA_ID, 1, NULL, 0, NULL },
	{ "sector", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "url", SCHEMA_URL, 0, NULL, 0, NULL },
	END,
};
static const struct schema_field list_file_fields[] = {
	{ "categories", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	{ "resources", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	{ "organizations", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field sectors_file_fields[] = {
	{ "sectors", SCHEMA_LIST, 1, NULL, SCHEMA_MAP, NULL },
	END,
};
static const struct schema_field page_fields[] = {
	{ "title", SCHEMA_STRING, 1, NULL, 0, NULL },
	{ "summary", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "draft", SCHEMA_BOOL, 0, NULL, 0, NULL },
	{ "layout", SCHEMA_ID, 0, NULL, 0, NULL },
	{ "date", SCHEMA_STRING, 0, NULL, 0, NULL },
	{ "params", SCHEMA_MAP, 0, NULL, 0, NULL },
	{ "charts", SCHEMA_LIST, 0, NULL, SCHEMA_MAP, NULL },
	END,
};

/* ---------------------------------------------------------------- records */

static const char *const kind_names[RECORD_KINDS] = {
	"framework", "category", "skill", "stage", "pathway", "story", "guide",
	"chapter", "sector", "resource", "organization", "category",
};

const char *model_kind_name(enum record_kind kind)
{
	return kind_names[kind];
}

static void list_push(struct record_list *l, struct record *r)
{
	XGROW(l->items, l->alloc, l->n + 1);
	l->items[l->n++] = r;
}

static struct record *add(struct model *m, enum record_kind kind, const char *id,
			  const struct value *v, struct doc *doc)
{
	struct record *r = xcalloc(1, sizeof *r);

	r->kind = kind;
	r->id = xstrdup(id ? id : "");
	r->id_len = strlen(r->id);
	r->v = v;
	r->doc = doc;
	r->title = value_text(v, "title");
	if (!r->title)
		r->title = r->id;
	list_push(&m->all[kind], r);
	return r;
}

/* "/section/a/", or "/section/a/b/" */
static void set_url(struct record *r, const char *section, const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '/');
	strbuf_adds(&sb, section);
	strbuf_addch(&sb, '/');
	strbuf_adds(&sb, a);
	strbuf_addch(&sb, '/');
	if (b) {
		strbuf_adds(&sb, b);
		strbuf_addch(&sb, '/');
	}
	if (r->doc && r->doc->is_markdown && r->kind != RECORD_SKILL) {
		free(r->doc->url);
		free(r->doc->out);
		r->doc->url = xstrdup(sb.buf);
		r->doc->out = xmalloc(sb.len + 10);
		memcpy(r->doc->out, sb.buf + 1, sb.len - 1);
		memcpy(r->doc->out + sb.len - 1, "index.html", 11);
		r->doc->claimed = 1;
	}
	free(r->url);
	r->url = strbuf_detach(&sb, NULL);
}

/* "what" for messages: "skill 'teamwork'" */
static char *describe(enum record_kind kind, const char *id)
{
	struct strbuf sb = STRBUF_INIT;

	/* without printf: every record is described, to be checked */
	if (!id) { /* (the message names its file) */
		strbuf_adds(&sb, "this ");
		strbuf_adds(&sb, kind_names[kind]);
		return strbuf_detach(&sb, NULL);
	}
	strbuf_adds(&sb, kind_names[kind]);
	strbuf_adds(&sb, " '");
	strbuf_adds(&sb, id);
	strbuf_addch(&sb, '\'');
	return strbuf_detach(&sb, NULL);
}

static int check(const struct schema_field *fields, const struct value *v,
		 enum record_kind kind, const char *id, struct diag_list *dl)
{
	char *what = describe(kind, id);
	int n = schema_check(fields, v, what, dl);

	free(what);
	return n;
}

/*
 * check() of a Markdown file's fields: a file with none that needs some
 * (its front matter forgotten, or its first '---' mistyped) gets one error
 * that says so, not one for each field it lacks.
 */
static int check_front(const struct schema_field *fields, const struct doc *d,
		       enum record_kind kind, const char *id, struct diag_list *dl)
{
	struct strbuf names = STRBUF_INIT;
	const struct schema_field *f;
	size_t n = 0, k = 0;

	if (d->meta->kind != VALUE_MAP || d->meta->n)
		return check(fields, d->meta, kind, id, dl);
	for (f = fields; f->name; f++)
		n += f->required != 0;
	if (!n)
		return 0;
	for (f = fields; f->name; f++) {
		if (!f->required)
			continue;
		if (k++)
			strbuf_adds(&names, k == n ? " and " : ", ");
		strbuf_adds(&names, f->name);
	}
	{
		struct pos p = { d->path, 1, 1 };

		diag_error(dl, &p,
			   "no front matter: a %s's file starts with a line '---', then its fields "
			   "(at least %s), then another '---'",
			   kind_names[kind], names.buf);
	}
	strbuf_release(&names);
	return 1;
}

/* A list field's items, or none. */
static size_t items(const struct value *v, const char *key, struct value ***out)
{
	const struct value *f = value_get(v, key);

	if (!f || f->kind != VALUE_LIST) {
		*out = NULL;
		return 0;
	}
	*out = f->items;
	return f->n;
}

/*
 * The model reads every document's fields in one pass on one thread, long
 * after the load's threads made them: from memory, not from a cache, a
 * wait at every node. Asking for the fields of the document AHEAD places
 * on (and for its struct twice as far) lets those waits overlap. On the
 * bench's 10,000-page site a story's title edit spent 16.8 ms in the model
 * instead of 21.8 (medians of 31 alternating edits; the whole edit 98.3 ms
 * instead of 100.2, as the pages' prints then share the cores with the
 * look-ahead for longer). A document read from the cache has its fields in
 * one block (content.c), whose first FIELD_BYTES hold a story's.
 */
#define AHEAD 8
#define FIELD_BYTES 1536

/* (macros: GCC takes a function that only prefetches for one without
 * effects, and drops the call) */
#define PREFETCH_FIELDS(d)                                                  \
	do {                                                                \
		const char *p_ = (d) ? (const char *)(d)->meta_block : NULL; \
		int k_;                                                     \
		for (k_ = 0; p_ && k_ < FIELD_BYTES; k_ += 64)              \
			__builtin_prefetch(p_ + k_);                        \
	} while (0)

/* documents docs[0..n), the loop at i */
#define PREFETCH_DOCS(docs, n, i)                                           \
	do {                                                                \
		if ((i) + 2 * AHEAD < (n))                                  \
			__builtin_prefetch((docs)[(i) + 2 * AHEAD]);        \
		if ((i) + AHEAD < (n))                                      \
			PREFETCH_FIELDS((docs)[(i) + AHEAD]);               \
	} while (0)

/* the records of list l, the loop at i */
#define PREFETCH_RECORDS(l, i)                                              \
	do {                                                                \
		if ((i) + 2 * AHEAD < (l)->n)                               \
			__builtin_prefetch((l)->items[(i) + 2 * AHEAD]);    \
		if ((i) + AHEAD < (l)->n)                                   \
			PREFETCH_FIELDS((l)->items[(i) + AHEAD]->doc);      \
	} while (0)

/* ------------------------------------------------------------ loaders */

static void load_framework(struct model *m, struct doc *d, struct diag_list *dl)
{
	const char *fid = value_text(d->meta, "id");
	struct record *fw, *cat, *sk;
	struct value **cats, **skills;
	size_t nc, ns, i, j;
	struct strbuf full = STRBUF_INIT;

	check(framework_fields, d->meta, RECORD_FRAMEWORK, fid, dl);
	if (!fid)
		return;
	fw = add(m, RECORD_FRAMEWORK, fid, d->meta, d);
	set_url(fw, "frameworks", fid, NULL);
	nc = items(d->meta, "categories", &cats);
	for (i = 0; i < nc; i++) {
		const char *cid = value_text(cats[i], "id");

		check(category_fields, cats[i], RECORD_CATEGORY, cid, dl);
		if (!cid)
			continue;
		strbuf_reset(&full);
		strbuf_addf(&full, "%s/%s", fid, cid);
		cat = add(m, RECORD_CATEGORY, full.buf, cats[i], d);
		cat->parent = fw;
		list_push(&fw->children, cat);
		ns = items(cats[i], "skills", &skills);
		for (j = 0; j < ns; j++) {
			const char *sid = value_text(skills[j], "id");
			struct value **al;
			size_t na, k;

			check(skill_fields, skills[j], RECORD_SKILL, sid, dl);
			if (!sid)
				continue;
			na = items(skills[j], "aligns", &al);
			for (k = 0; k < na; k++) {
				char *what = describe(RECORD_SKILL, sid);

				schema_check(align_fields, al[k], what, dl);
				if (!value_get(al[k], "skill") && !value_get(al[k], "uri"))
					diag_error(dl, &al[k]->pos,
						   "an alignment in %s needs 'skill' or 'uri'", what);
				free(what);
			}
			strbuf_reset(&full);
			strbuf_addf(&full, "%s/%s", fid, sid);
			sk = add(m, RECORD_SKILL, full.buf, skills[j], d);
			sk->parent = cat;
			list_push(&cat->children, sk);
			set_url(sk, "frameworks", fid, sid);
		}
	}
	strbuf_release(&full);
}

/* "01-recruit" → "recruit": ordering prefixes are not part of a name. */
static const char *unnumbered(const char *name)
{
	const char *p = name;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > name && *p == '-' ? p + 1 : name;
}

/* The file name of rel without directory, ordering prefix or extension. */
static char *stem(const char *rel)
{
	const char *base = strrchr(rel, '/'), *dot;

	base = unnumbered(base ? base + 1 : rel);
	dot = strrchr(base, '.');
	return xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

static void load_list_file(struct model *m, struct doc *d, const char *what,
			   const struct schema_field *fields, enum record_kind kind,
			   struct diag_list *dl)
{
	struct value **v;
	size_t n, i;

	if (schema_check(list_file_fields, d->meta, d->rel, dl))
		return;
	n = items(d->meta, "categories", &v);
	for (i = 0; i < n; i++) {
		const char *id = value_text(v[i], "id");
		struct strbuf full = STRBUF_INIT;

		check(group_fields, v[i], RECORD_GROUP, id, dl);
		if (!id)
			continue;
		strbuf_addf(&full, "%s/%s", what, id);
		add(m, RECORD_GROUP, full.buf, v[i], d);
		strbuf_release(&full);
	}
	n = items(d->meta, what, &v);
	for (i = 0; i < n; i++) {
		const char *id = value_text(v[i], "id");

		check(fields, v[i], kind, id, dl);
		if (!id)
			continue;
		add(m, kind, id, v[i], d);
	}
}

/* "2026-01-31": the shape, and a month and day that exist. */
/* A number that must be 0 or more: "<field> <what> must be ..." */
static void not_negative(const struct value *v, const char *field, const char *what,
			 struct diag_list *dl)
{
	if (v && v->kind == VALUE_NUMBER && v->number < 0)
		diag_error(dl, &v->pos, "%s %s must be 0 or more, not %g", field, what, v->number);
}

/* 1: a real day written as 2026-01-31; 0: not in that form; -1: in that
 * form, but no such day (2026-02-30). */
static int valid_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return 0;
	/* (read by hand: every story has a date) */
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1)
		return -1;
	if (m == 2 && d == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 1 : -1;
	return d <= days[m - 1] ? 1 : -1;
}

/* A story's image: a blank alt is an error (it is required: the words
 * for readers who cannot see the picture). Its src, when it names a file
 * below content/ (as a Markdown picture would, from the story's own
 * directory), must name a picture there; one from the site's root
 * ("/stories/ana.jpg") names a picture published from content/, else is
 * a warning, as a Markdown picture's is (something else on the same host
 * may serve it); an address with a scheme is the author's to keep. */
static const struct stat *check_picture(const struct model *m, const struct doc *d,
					const struct value *image, const char *story,
					struct diag_list *dl)
{
	const struct stat *found = NULL;
	const struct value *src = value_get(image, "src");
	int outside;
	char *rel;
	const char *near;

	/* (a blank alt is the schema's error, as every blank required text is) */
	if (!src || src->kind != VALUE_STRING)
		return NULL; /* (the schema says) */
	if ((rel = content_rooted(src->str))) {
		if (!content_is_picture(rel) || !(found = content_file_stat(m->listed, rel))) {
			near = content_file_suggest(m->listed, rel);
			if (near && content_is_picture(near))
				diag_warning(dl, &src->pos,
					     "missing picture '%s' for story '%s'; did you mean '/%s'?",
					     src->str, story, near);
			else
				diag_warning(dl, &src->pos,
					     "missing picture '%s' for story '%s': the site has no such picture there (for one that something else on the same host serves, write its whole address: https://...)",
					     src->str, story);
		}
		free(rel);
		return found;
	}
	rel = content_relative(d->rel, src->str, &outside);
	if (outside)
		diag_error(dl, &src->pos, "the picture of story '%s', '%s', is outside content/",
			   story, src->str);
	if (!rel)
		return NULL;
	if (!content_is_picture(rel)) {
		diag_error(dl, &src->pos,
			   "the picture of story '%s', '%s', is not one waymark publishes: use a .png, .jpg, .jpeg, .gif, .webp or .avif file",
			   story, src->str);
	} else if (!(found = content_file_stat(m->listed, rel))) {
		near = content_file_suggest(m->listed, rel);
		if (near && content_is_picture(near)) {
			char *there = slug_relative_path(d->rel, near);

			diag_error(dl, &src->pos,
				   "missing picture '%s' for story '%s'; did you mean '%s'?", src->str,
				   story, there);
			free(there);
		} else {
			diag_error(dl, &src->pos,
				   "missing picture '%s' for story '%s': there is no file 'content/%s'",
				   src->str, story, rel);
		}
	}
	free(rel);
	return found;
}

/* Today's date on this machine, as a story's date is written
 * ("2026-01-31"): worked out again after a minute (waymark serve runs for
 * days), not for each of 10,000 stories. */
static const char *today(void)
{
	static _Thread_local char day[16];
	static _Thread_local time_t when;
	time_t now = time(NULL);
	struct tm tm;

	if (day[0] && now >= when && now - when < 60)
		return day;
	when = now;
	if (!localtime_r(&now, &tm) || !strftime(day, sizeof day, "%Y-%m-%d", &tm))
		strcpy(day, "9999-12-31"); /* (no date: no story is after it) */
	return day;
}

static void load_markdown_record(struct model *m, struct doc *d, const char *section,
				 struct diag_list *dl)
{
	const char *id = value_text(d->meta, "id");
	const struct stat *picture;
	struct record *r;
	char *s;

	if (!strcmp(section, "lifecycle")) {
		check_front(stage_fields, d, RECORD_STAGE, id, dl);
		if (!id)
			return;
		r = add(m, RECORD_STAGE, id, d->meta, d);
		{
			const struct value *o = value_get(d->meta, "order");

			r->order = o && o->kind == VALUE_NUMBER ? (int)o->number : 0;
		}
		set_url(r, "lifecycle", id, NULL);
	} else if (!strcmp(section, "pathways")) {
		check_front(pathway_fields, d, RECORD_PATHWAY, id, dl);
		if (!id)
			return;
		r = add(m, RECORD_PATHWAY, id, d->meta, d);
		set_url(r, "pathways", id, NULL);
		{
			struct value **steps;
			size_t n = items(d->meta, "steps", &steps), j;
			struct strbuf what = STRBUF_INIT;

			for (j = 0; j < n; j++) {
				const struct value *wage = value_get(steps[j], "wage");

				strbuf_reset(&what);
				strbuf_addf(&what, "step %zu of pathway '%s'", j + 1, id);
				schema_check(step_fields, steps[j], what.buf, dl);
				/* (else the pathway's wage or steps chart would say it
				 * cannot show them, of a chart the author never wrote) */
				not_negative(value_get(steps[j], "duration_months"), "'duration_months' in",
					     what.buf, dl);
				not_negative(value_get(wage, "hourly"), "'hourly' in the wage of", what.buf,
					     dl);
				not_negative(value_get(wage, "annual"), "'annual' in the wage of", what.buf,
					     dl);
			}
			strbuf_release(&what);
		}
	} else if (!strcmp(section, "stories")) {
		const char *date = value_text(d->meta, "date");

		s = stem(d->rel);
		check_front(story_fields, d, RECORD_STORY, s, dl);
		if (date && valid_date(date) == 0)
			diag_error(dl, &value_get(d->meta, "date")->pos,
				   "'date' in story '%s' must look like 2026-01-31, not '%s'", s, date);
		else if (date && valid_date(date) < 0)
			diag_error(dl, &value_get(d->meta, "date")->pos,
				   "'date' in story '%s' is '%s', a day that does not exist", s, date);
		else if (date && strcmp(date, today()) > 0)
			diag_warning(dl, &value_get(d->meta, "date")->pos,
				     "'date' in story '%s' is %s, a day still to come: the story is published now, listed first as the newest; if the year or month is mistyped, correct it",
				     s, date);
		if (!slug_valid_id(s)) {
			struct pos p = { d->path, 1, 1 };
			char *slug = slug_make(s, "story");

			diag_error(dl, &p,
				   "story file name '%s' must be lowercase letters, digits and '-': rename it '%s.md'",
				   s, slug);
			free(slug);
		}
		picture = check_picture(m, d, value_get(d->meta, "image"), s, dl);
		r = add(m, RECORD_STORY, s, d->meta, d);
		r->picture = picture;
		set_url(r, "stories", s, NULL);
		free(s);
	}
}

static void load_guide(struct model *m, struct doc *d, struct diag_list *dl)
{
	/* guides/<id>/_index.md or guides/<id>/<nn>-<chapter>.md */
	const char *p = d->rel + strlen("guides/");
	const char *slash = strchr(p, '/');
	char *gid, *cid;
	struct record *g = NULL, *c;
	size_t i;

	if (!slash || strchr(slash + 1, '/')) {
		/* not a guide file: a plain page */
		schema_check(page_fields, d->meta, d->rel, dl);
		d->claimed = 0;
		return;
	}
	gid = xstrndup(p, (size_t)(slash - p));
	if (!slug_valid_id(gid)) {
		struct pos where = { d->path, 1, 1 };
		char *slug = slug_make(gid, "guide");

		if (!m->bad_guide || strcmp(m->bad_guide, gid))
			diag_error(dl, &where,
				   "guide directory '%s' must be an id: lowercase letters, digits and single '-': rename it '%s'",
				   gid, slug);
		free(slug);
		free(m->bad_guide);
		m->bad_guide = gid;
		return;
	}
	for (i = 0; i < m->all[RECORD_GUIDE].n; i++)
		if (!strcmp(m->all[RECORD_GUIDE].items[i]->id, gid))
			g = m->all[RECORD_GUIDE].items[i];
	if (!strcmp(slash + 1, "_index.md")) {
		check_front(guide_fields, d, RECORD_GUIDE, gid, dl);
		{
			if (!g)
				g = add(m, RECORD_GUIDE, gid, d->meta, d);
			g->v = d->meta;
			g->doc = d;
			g->title = value_text(d->meta, "title");
			set_url(g, "guides", gid, NULL);
		}
		free(gid);
		return;
	}
	if (!g) {
		/* chapters are listed before their _index.md sorts in: make the
		 * guide now, fill it when its _index.md comes */
		g = add(m, RECORD_GUIDE, gid, NULL, NULL);
		set_url(g, "guides", gid, NULL);
	}
	cid = stem(d->rel);
	{
		char *slug = slug_make(cid, "chapter");

		free(cid);
		cid = slug;
	}
	check_front(chapter_fields, d, RECORD_CHAPTER, cid, dl);
	{
		struct strbuf full = STRBUF_INIT;

		strbuf_addf(&full, "%s/%s", gid, cid);
		c = add(m, RECORD_CHAPTER, full.buf, d->meta, d);
		c->parent = g;
		c->order = (int)g->children.n + 1;
		list_push(&g->children, c);
		set_url(c, "guides", gid, cid);
		strbuf_release(&full);
	}
	free(cid);
	free(gid);
}

/* -------------------------------------------------------------- lookups */

static int cmp_record(const void *a, const void *b)
{
	return strcmp((*(struct record *const *)a)->id, (*(struct record *const *)b)->id);
}

static size_t slot_of(const char *id, size_t len, size_t mask)
{
	return (size_t)value_hash_fast(id, len, VALUE_HASH_SEED) & mask;
}

static void build_index(struct model *m, struct diag_list *dl)
{
	size_t k, i;

	for (k = 0; k < RECORD_KINDS; k++) {
		struct record_list *ix = &m->index[k];
		size_t size = 16;

		ix->n = ix->alloc = m->all[k].n;
		ix->items = xmalloc((ix->n + 1) * sizeof *ix->items);
		if (ix->n)
			memcpy(ix->items, m->all[k].items, ix->n * sizeof *ix->items);
		qsort(ix->items, ix->n, sizeof *ix->items, cmp_record);
		for (i = 1; i < ix->n; i++) {
			struct record *a = ix->items[i - 1], *b = ix->items[i];

			if (!strcmp(a->id, b->id) && a->v && b->v) {
				const struct value *idv = value_get(b->v, "id");
				struct pos p = { b->doc ? b->doc->path : NULL, 1, 1 };
				const struct value *aidv = value_get(a->v, "id");

				diag_error(dl, idv ? &idv->pos : &p,
					   "duplicate %s id '%s' (also in %s:%d)", kind_names[k], b->id,
					   a->doc ? a->doc->path : "?",
					   aidv ? aidv->pos.line : 1);
			}
		}
		/* the first of equal ids is the one found, as in the sorted index */
		while (size < 2 * ix->n)
			size *= 2;
		m->table[k] = xcalloc(size, sizeof *m->table[k]);
		m->table_mask[k] = size - 1;
		for (i = 0; i < ix->n; i++) {
			size_t h = slot_of(ix->items[i]->id, ix->items[i]->id_len, size - 1);

			while (m->table[k][h] && strcmp(m->table[k][h]->id, ix->items[i]->id))
				h = (h + 1) & (size - 1);
			if (!m->table[k][h])
				m->table[k][h] = ix->items[i];
		}
	}
}

struct record *model_find_n(const struct model *m, enum record_kind kind, const char *id,
			    size_t len)
{
	size_t mask = m->table_mask[kind], h;

	if (!m->table[kind])
		return NULL;
	for (h = slot_of(id, len, mask); m->table[kind][h]; h = (h + 1) & mask) {
		const struct record *have = m->table[kind][h];

		if (have->id_len == len && !memcmp(have->id, id, len))
			return m->table[kind][h];
	}
	return NULL;
}

struct record *model_find(const struct model *m, enum record_kind kind, const char *id)
{
	return model_find_n(m, kind, id, strlen(id));
}

/* Resolve a reference; on failure record "unknown skill 'x' in pathway
 * 'y'; did you mean 'z'?" at the reference. */
static struct record *resolve(struct model *m, enum record_kind kind, const struct value *ref,
			      const struct record *from, struct diag_list *dl)
{
	struct record *r;
	const char **names, *near;
	size_t i;

	if (!ref || !ref->str)
		return NULL;
	r = model_find(m, kind, ref->str);
	if (r)
		return r;
	names = xmalloc((m->index[kind].n + 1) * sizeof *names);
	for (i = 0; i < m->index[kind].n; i++)
		names[i] = m->index[kind].items[i]->id;
	near = diag_suggest(ref->str, names, m->index[kind].n);
	if (near)
		diag_error(dl, &ref->pos, "unknown %s '%s' in %s '%s'; did you mean '%s'?",
			   kind_names[kind], ref->str, kind_names[from->kind], from->id, near);
	else
		diag_error(dl, &ref->pos, "unknown %s '%s' in %s '%s'", kind_names[kind], ref->str,
			   kind_names[from->kind], from->id);
	free(names);
	return NULL;
}

static void use(struct record *target, struct record *by, const struct value *step)
{
	size_t i;

	list_push(&by->refs[target->kind], target);
	/* each record's references are resolved together, so its uses of
	 * target so far are the last ones */
	for (i = target->nuses; i > 0 && target->uses[i - 1].by == by; i--)
		if (target->uses[i - 1].step == step)
			return;
	XGROW(target->uses, target->auses, target->nuses + 1);
	target->uses[target->nuses].by = by;
	target->uses[target->nuses].step = step;
	target->nuses++;
}

static void resolve_list(struct model *m, struct record *from, const struct value *v,
			 const char *key, enum record_kind kind, const struct value *step,
			 struct diag_list *dl)
{
	struct value **ids;
	size_t n = items(v, key, &ids), i;

	for (i = 0; i < n; i++) {
		struct record *t = resolve(m, kind, ids[i], from, dl);

		if (t)
			use(t, from, step);
	}
}

static void resolve_refs(struct model *m, struct diag_list *dl)
{
	struct record_list *l;
	size_t i, j;

	l = &m->all[RECORD_SKILL];
	for (i = 0; i < l->n; i++) {
		struct value **al;
		size_t n = items(l->items[i]->v, "aligns", &al);

		for (j = 0; j < n; j++) {
			struct record *t = resolve(m, RECORD_SKILL, value_get(al[j], "skill"),
						   l->items[i], dl);

			if (t)
				use(t, l->items[i], al[j]);
		}
	}
	l = &m->all[RECORD_STAGE];
	for (i = 0; i < l->n; i++) {
		resolve_list(m, l->items[i], l->items[i]->v, "skills", RECORD_SKILL, NULL, dl);
		resolve_list(m, l->items[i], l->items[i]->v, "resources", RECORD_RESOURCE, NULL, dl);
	}
	l = &m->all[RECORD_PATHWAY];
	for (i = 0; i < l->n; i++) {
		struct record *p = l->items[i];
		struct value **steps;
		size_t n = items(p->v, "steps", &steps);

		p->sector = resolve(m, RECORD_SECTOR, value_get(p->v, "sector"), p, dl);
		if (p->sector)
			use(p->sector, p, NULL);
		for (j = 0; j < n; j++)
			resolve_list(m, p, steps[j], "skills", RECORD_SKILL, steps[j], dl);
		resolve_list(m, p, p->v, "organizations", RECORD_ORGANIZATION, NULL, dl);
	}
	l = &m->all[RECORD_STORY];
	for (i = 0; i < l->n; i++) {
		struct record *s = l->items[i];

		PREFETCH_RECORDS(l, i);
		s->sector = resolve(m, RECORD_SECTOR, value_get(s->v, "sector"), s, dl);
		if (s->sector)
			use(s->sector, s, NULL);
		s->pathway = resolve(m, RECORD_PATHWAY, value_get(s->v, "pathway"), s, dl);
		if (s->pathway) {
			use(s->pathway, s, NULL);
			if (!s->sector)
				s->sector = s->pathway->sector;
		}
		resolve_list(m, s, s->v, "stages", RECORD_STAGE, NULL, dl);
		resolve_list(m, s, s->v, "skills", RECORD_SKILL, NULL, dl);
	}
	l = &m->all[RECORD_CHAPTER];
	for (i = 0; i < l->n; i++) {
		struct record *c = l->items[i];

		c->stage = resolve(m, RECORD_STAGE, value_get(c->v, "stage"), c, dl);
		if (c->stage)
			use(c->stage, c, NULL);
		resolve_list(m, c, c->v, "stories", RECORD_STORY, NULL, dl);
	}
	for (j = 0; j < 2; j++) {
		enum record_kind k = j ? RECORD_ORGANIZATION : RECORD_RESOURCE;
		const char *what = j ? "organizations" : "resources";

		l = &m->all[k];
		for (i = 0; i < l->n; i++) {
			struct record *r = l->items[i];
			const struct value *cat = value_get(r->v, "category");
			struct strbuf full = STRBUF_INIT;

			if (cat && cat->str) {
				strbuf_addf(&full, "%s/%s", what, cat->str);
				r->group = model_find(m, RECORD_GROUP, full.buf);
				if (!r->group)
					diag_error(dl, &cat->pos,
						   "unknown category '%s' in %s '%s' (add it to 'categories' in %s)",
						   cat->str, kind_names[k], r->id, r->doc->path);
			}
			strbuf_release(&full);
			if (k == RECORD_ORGANIZATION) {
				r->sector = resolve(m, RECORD_SECTOR, value_get(r->v, "sector"), r, dl);
				if (r->sector)
					use(r->sector, r, NULL);
			}
		}
	}
}

/* ------------------------------------------------------------- ordering */

static int cmp_stage(const void *a, const void *b)
{
	const struct record *x = *(struct record *const *)a, *y = *(struct record *const *)b;

	return x->order != y->order ? (x->order < y->order ? -1 : 1) : strcmp(x->id, y->id);
}

/* A story and its date, the date's first bytes at hand (NUL-padded, so
 * that they compare as strcmp would): the sort does not go back to 6,000
 * stories' fields in memory for each of its 80,000 comparisons. */
struct dated {
	struct record *r;
	const char *date;
	char key[12];
};

static int cmp_story(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int c = memcmp(y->key, x->key, sizeof x->key); /* newest first */

	if (!c && !memchr(x->key, '\0', sizeof x->key))
		c = strcmp(y->date, x->date); /* longer than a date: the rest */
	return c ? c : strcmp(x->r->id, y->r->id);
}

static void sort_stories(struct record_list *l)
{
	struct dated *d = xmalloc((l->n + 1) * sizeof *d);
	size_t i;

	for (i = 0; i < l->n; i++) {
		const char *date = value_text(l->items[i]->v, "date");

		PREFETCH_RECORDS(l, i);
		d[i].r = l->items[i];
		d[i].date = date ? date : "";
		strncpy(d[i].key, d[i].date, sizeof d[i].key);
	}
	qsort(d, l->n, sizeof *d, cmp_story);
	for (i = 0; i < l->n; i++)
		l->items[i] = d[i].r;
	free(d);
}

/* ---------------------------------------------------------------- build */

static struct doc **intro_slot(struct model *m, const char *rel)
{
	static const struct {
		const char *rel;
		size_t off;
	} slots[] = {
		{ "frameworks/_index.md", offsetof(struct model, intro_frameworks) },
		{ "lifecycle/_index.md", offsetof(struct model, intro_lifecycle) },
		{ "pathways/_index.md", offsetof(struct model, intro_pathways) },
		{ "stories/_index.md", offsetof(struct model, intro_stories) },
		{ "sectors/_index.md", offsetof(struct model, intro_sectors) },
		{ "guides/_index.md", offsetof(struct model, intro_guides) },
		{ "resources/_index.md", offsetof(struct model, intro_resources) },
		{ "organizations/_index.md", offsetof(struct model, intro_organizations) },
	};
	size_t i;

	for (i = 0; i < sizeof slots / sizeof *slots; i++)
		if (!strcmp(slots[i].rel, rel))
			return (struct doc **)((char *)m + slots[i].off);
	return NULL;
}

/* frameworks/<fw>/<skill>.md: the long text of skill "<fw>/<skill>". */
static void claim_skill_text(struct model *m, struct doc *d, struct diag_list *dl)
{
	char *sid = stem(d->rel);
	const char *fw = d->rel + 11, *fs = strchr(fw, '/');
	struct strbuf full = STRBUF_INIT;
	struct record *sk;

	if (fs)
		strbuf_add(&full, fw, (size_t)(fs - fw));
	strbuf_addf(&full, "/%s", sid);
	sk = model_find(m, RECORD_SKILL, full.buf);
	if (!sk) {
		struct pos p = { d->path, 1, 1 };

		diag_error(dl, &p, "'%s' is the long text of skill '%s', which no framework defines",
			   d->rel, full.buf);
	} else {
		schema_check(page_fields, d->meta, d->rel, dl);
		sk->text = d;
		free(d->url);
		free(d->out);
		d->url = xstrdup(sk->url);
		d->out = NULL;
		d->claimed = 1;
	}
	strbuf_release(&full);
	free(sid);
}

int model_build(struct model *m, struct content *c, struct diag_list *dl)
{
	size_t before = dl->errors, i, k, ntexts = 0, atexts = 0;
	struct doc **texts = NULL; /* skills' long texts */

	memset(m, 0, sizeof *m);
	m->listed = c->listed;
	/* sectors, lists and frameworks first: markdown records refer to them */
	for (i = 0; i < c->n; i++) {
		struct doc *d = c->docs[i];
		const char *rel = d->rel;

		if (d->is_markdown)
			continue;
		if (!strncmp(rel, "frameworks/", 11) && !strchr(rel + 11, '/'))
			load_framework(m, d, dl);
		else if (!strcmp(rel, "sectors.yaml") || !strcmp(rel, "sectors.yml")) {
			struct value **v;
			size_t n, j;

			if (schema_check(sectors_file_fields, d->meta, d->rel, dl))
				continue;
			n = items(d->meta, "sectors", &v);
			for (j = 0; j < n; j++) {
				const char *id = value_text(v[j], "id");
				struct record *r;

				check(sector_fields, v[j], RECORD_SECTOR, id, dl);
				if (!id)
					continue;
				r = add(m, RECORD_SECTOR, id, v[j], d);
				set_url(r, "sectors", id, NULL);
			}
		} else if (!strcmp(rel, "resources.yaml") || !strcmp(rel, "resources.yml"))
			load_list_file(m, d, "resources", resource_fields, RECORD_RESOURCE, dl);
		else if (!strcmp(rel, "organizations.yaml") || !strcmp(rel, "organizations.yml"))
			load_list_file(m, d, "organizations", organization_fields,
				       RECORD_ORGANIZATION, dl);
	}
	for (i = 0; i < c->n; i++) {
		struct doc *d = c->docs[i];
		struct doc **slot;
		const char *slash;
		char section[32];

		PREFETCH_DOCS(c->docs, c->n, i);
		if (!d->is_markdown)
			continue;
		slash = strchr(d->rel, '/');
		if ((slot = intro_slot(m, d->rel))) {
			if (schema_check(page_fields, d->meta, d->rel, dl) == 0)
				*slot = d;
			d->claimed = 1;
			continue;
		}
		if (!slash || (size_t)(slash - d->rel) >= sizeof section) {
			schema_check(page_fields, d->meta, d->rel, dl);
			continue;
		}
		memcpy(section, d->rel, (size_t)(slash - d->rel));
		section[slash - d->rel] = '\0';
		if (!strcmp(section, "guides")) {
			load_guide(m, d, dl);
		} else if (!strcmp(section, "frameworks")) {
			/* frameworks/<fw>/<skill>.md: a skill's long text, claimed
			 * once the skills can be found by id */
			XGROW(texts, atexts, ntexts + 1);
			texts[ntexts++] = d;
		} else if (!strcmp(section, "lifecycle") || !strcmp(section, "pathways") ||
			   !strcmp(section, "stories")) {
			load_markdown_record(m, d, section, dl);
			d->claimed = 1;
		} else {
			schema_check(page_fields, d->meta, d->rel, dl);
		}
	}
	/* a guide with chapters but no _index.md */
	for (i = 0; i < m->all[RECORD_GUIDE].n; i++) {
		struct record *g = m->all[RECORD_GUIDE].items[i];

		if (!g->v) {
			struct pos p = { g->children.n ? g->children.items[0]->doc->path : NULL, 1, 1 };

			diag_error(dl, &p, "guide '%s' has chapters but no 'guides/%s/_index.md'", g->id, g->id);
		}
	}
	build_index(m, dl);
	for (i = 0; i < ntexts; i++)
		claim_skill_text(m, texts[i], dl);
	free(texts);
	resolve_refs(m, dl);
	if (m->all[RECORD_STAGE].n)
		qsort(m->all[RECORD_STAGE].items, m->all[RECORD_STAGE].n, sizeof(struct record *),
		      cmp_stage);
	if (m->all[RECORD_STORY].n)
		sort_stories(&m->all[RECORD_STORY]);
	for (k = 0; k < RECORD_KINDS; k++)
		for (i = 0; i < m->all[k].n; i++)
			m->all[k].items[i]->place = i;
	return dl->errors > before ? -1 : 0;
}

void model_release(struct model *m)
{
	size_t k, i, j;

	for (k = 0; k < RECORD_KINDS; k++) {
		for (i = 0; i < m->all[k].n; i++) {
			struct record *r = m->all[k].items[i];

			value_free(atomic_load(&r->summary));
			free(r->id);
			free(r->url);
			free(r->children.items);
			for (j = 0; j < RECORD_KINDS; j++)
				free(r->refs[j].items);
			free(r->uses);
			free(r);
		}
		free(m->all[k].items);
		free(m->index[k].items);
		free(m->table[k]);
	}
	free(m->bad_guide);
	memset(m, 0, sizeof *m);
}
