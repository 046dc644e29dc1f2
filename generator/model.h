/* model: content documents turned into typed, validated, cross-referenced records. */
#ifndef WAYMARK_MODEL_H
#define WAYMARK_MODEL_H

#include <stddef.h>

#include "content.h"
#include "diag.h"
#include "value.h"

/*
 * The content types of docs/content-model.md. Records do not copy their
 * fields: `v` points into the tree of the document they came from, so the
 * model lives no longer than the content it was built from.
 */
enum record_kind {
	RECORD_FRAMEWORK,
	RECORD_CATEGORY,   /* a framework's category of skills */
	RECORD_SKILL,
	RECORD_STAGE,
	RECORD_PATHWAY,
	RECORD_STORY,
	RECORD_GUIDE,
	RECORD_CHAPTER,
	RECORD_SECTOR,
	RECORD_RESOURCE,
	RECORD_ORGANIZATION,
	RECORD_GROUP,      /* a category of resources or organizations */
	RECORD_KINDS
};

struct record;

struct record_list {
	struct record **items;
	size_t n, alloc;
};

/* One place a record is named: by a pathway (and which step), a stage, a
 * story, a chapter. */
struct record_use {
	struct record *by;
	const struct value *step; /* the pathway step that names it, or NULL */
};

struct record {
	enum record_kind kind;
	char *id;                 /* skills: "framework/skill" */
	size_t id_len;            /* strlen(id) */
	const char *title;
	const struct value *v;    /* its fields (not owned) */
	struct doc *doc;          /* the file it came from */
	struct doc *text;         /* a skill's optional long text */
	char *url;                /* root-relative URL of its page, or NULL */
	struct record *parent;    /* skill → category → framework; chapter → guide */
	struct record *sector;    /* pathway, story, organization (may be NULL) */
	struct record *pathway;   /* story */
	struct record *group;     /* resource or organization: its category */
	struct record *stage;     /* chapter: the stage it covers (may be NULL) */
	struct record_list children; /* framework → categories → skills; guide → chapters */
	struct record_list refs[RECORD_KINDS]; /* what it names, by kind, in order */
	struct record_use *uses;  /* who names it */
	size_t nuses, auses;
	int order;                /* stage order; chapter number */
	size_t place;             /* where it is in model.all[kind]: display order */
	/* a story's picture below content/, as listed (its size is on the
	 * story's page): NULL when it has none there */
	const struct stat *picture;
	unsigned long long print; /* everything a page can read of it (pages_fingerprint) */
	unsigned long long id_print; /* its kind and id (pages_fingerprint) */
	/* a story's summary, as every list shows it: made by the first page
	 * that needs it and shared by the rest (pages.c); freed with the model */
	_Atomic(struct value *) summary;
};

struct model {
	struct record_list all[RECORD_KINDS]; /* in display order */
	struct record_list index[RECORD_KINDS]; /* sorted by id: duplicates, suggestions */
	/* by id, for model_find: open addressing on the id's hash, a power
	 * of two at least twice the records (NULL: an empty slot) */
	struct record **table[RECORD_KINDS];
	size_t table_mask[RECORD_KINDS];
	/* Markdown that introduces a section page ("pathways/_index.md"), by
	 * section name; NULL when the site has none. */
	struct doc *intro_frameworks, *intro_lifecycle, *intro_pathways,
		*intro_stories, *intro_sectors, *intro_guides, *intro_resources,
		*intro_organizations;
	/* the last guide directory found not to be an id: said once, not for
	 * each of its files (they come together, in path order) */
	char *bad_guide;
	/* every file below content/ (struct content's, borrowed): a story's
	 * picture is looked for there */
	const struct fs_list *listed;
};

/*
 * Build the model from the loaded content: check every record against its
 * schema, give typed documents their URLs ("lifecycle/01-recruit.md" →
 * "/lifecycle/recruit/"), resolve every reference by id (with "did you
 * mean") and record who uses whom. Marks each document the model renders
 * itself by setting doc->claimed. Returns 0, or -1 with every problem
 * recorded.
 */
int model_build(struct model *m, struct content *c, struct diag_list *dl);
void model_release(struct model *m);
/* The record of `kind` with `id`, or NULL. */
struct record *model_find(const struct model *m, enum record_kind kind, const char *id);
/* The same for id[0..len), which need not end there (a token's id). */
struct record *model_find_n(const struct model *m, enum record_kind kind, const char *id,
			    size_t len);
/* "skill", "pathway", ... */
const char *model_kind_name(enum record_kind kind);

/* CASE 1.0 association types a skill may use in `aligns`, NULL-terminated. */
extern const char *const model_association_types[];

#endif
