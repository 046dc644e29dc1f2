/* scaffold: `waymark new`: skeleton content files that build as they are. */
#include "scaffold.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "slug.h"
#include "value.h"
#include "xalloc.h"
#include "yamlread.h"

int scaffold_in_site(const char *site_dir, struct diag_list *dl)
{
	char *path = fs_join(site_dir, "site.yaml");
	int is = fs_is_file(path);

	free(path);
	if (!is)
		diag_error(dl, NULL,
			   "no 'site.yaml' in '%s': is it a site directory? (choose one with -s SITE_DIR, or make one with 'waymark new site DIR')",
			   site_dir);
	return is ? 0 : -1;
}

int scaffold_create(const char *path, const char *text, struct diag_list *dl)
{
	const char *slash = strrchr(path, '/');
	int fd;
	size_t len = strlen(text);

	if (slash) {
		char *dir = xstrndup(path, (size_t)(slash - path));

		fs_mkdirs(dir);
		free(dir);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			diag_error(dl, NULL, "'%s' already exists; not overwriting it", path);
		else
			diag_io_error(dl, NULL, "unable to create '%s': %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len) {
		diag_io_error(dl, NULL, "unable to write '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return close(fd);
}

/* The ids listed under `key` in a content YAML file ("sectors.yaml"). */
static void known_ids(const char *site_dir, const char *file, const char *key,
		      struct strbuf *first, struct strbuf *all)
{
	char *path, *rel = fs_join("content", file);
	struct strbuf text = STRBUF_INIT;
	struct diag_list ignored = DIAG_LIST_INIT;
	struct value *v = NULL, *list;
	size_t i;

	path = fs_join(site_dir, rel);
	if (fs_read(path, &text) == 0)
		v = yamlread_parse(path, text.buf, text.len, 0, &ignored);
	list = value_get(v, key);
	for (i = 0; list && list->kind == VALUE_LIST && i < list->n; i++) {
		const char *id = value_string(value_get(list->items[i], "id"));

		if (!id)
			continue;
		if (!first->len)
			strbuf_adds(first, id);
		strbuf_addf(all, "%s%s", all->len ? ", " : "", id);
	}
	value_free(v);
	diag_list_release(&ignored);
	strbuf_release(&text);
	free(path);
	free(rel);
}

static void today(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

static void framework(struct strbuf *t, const char *id)
{
	strbuf_addf(t,
		"# A skills framework. Every field is described in docs/content-model.md.\n"
		"# Its page is /frameworks/%s/, and each skill gets /frameworks/%s/<skill-id>/.\n"
		"id: %s                 # lowercase letters, digits and '-'; never change it once published\n"
		"title: %s              # the framework's name\n"
		"publisher: Your organization\n"
		"version: \"1.0\"\n"
		"license: CC-BY-4.0\n"
		"description: >-\n"
		"  One or two plain sentences: who the framework is for and what it covers.\n"
		"categories:            # groups of skills, in the order shown\n"
		"  - id: first-group\n"
		"    title: First group\n"
		"    description: What the skills in this group have in common.\n"
		"    skills:\n"
		"      - id: first-skill  # a skill's full id is %s/first-skill\n"
		"        title: First skill\n"
		"        definition: >-   # required: plain language, one or two sentences\n"
		"          What the skill means, in words a worker uses.\n"
		"        examples:        # concrete things a worker does that show the skill\n"
		"          - A first example from a real workplace.\n"
		"          - A second example from another kind of job.\n"
		"        aligns: []       # matches in other frameworks: - {skill: other/id, type: exactMatchOf}\n",
		id, id, id, id, id);
}

static void pathway(struct strbuf *t, const char *id, const char *sector, const char *sectors)
{
	strbuf_addf(t,
		"---\n"
		"# A career pathway. Every field is described in docs/content-model.md.\n"
		"id: %s\n"
		"title: %s\n", id, id);
	if (*sector)
		strbuf_addf(t, "sector: %s          # one of: %s\n", sector, sectors);
	else
		strbuf_adds(t, "# sector: an id from content/sectors.yaml (none defined yet)\n");
	strbuf_adds(t,
		"summary: >-\n"
		"  One sentence: where the pathway starts and where it leads.\n"
		"data_note: >-\n"
		"  Wages are illustrative examples for comparing steps, not survey data.\n"
		"steps:                 # in order, from the first job to the last\n"
		"  - title: First job\n"
		"    kind: job          # job, training, credential or apprenticeship\n"
		"    duration_months: 12\n"
		"    wage: {hourly: 16} # or {annual: 40000}; illustrative\n"
		"    credential: What the worker earns on this step\n"
		"    work_based_learning: How the worker learns on the job\n"
		"    skills: []         # full skill ids, like employability/teamwork\n"
		"  - title: Next job\n"
		"    kind: job\n"
		"    duration_months: 24\n"
		"    wage: {hourly: 22}\n"
		"    skills: []\n"
		"---\n"
		"Describe the pathway in plain language. Say that the wages are illustrative.\n");
}

static void stage(struct strbuf *t, const char *id, int order)
{
	strbuf_addf(t,
		"---\n"
		"# A stage of the employment lifecycle. Fields: docs/content-model.md.\n"
		"id: %s\n"
		"title: %s\n"
		"order: %d             # stages are shown in this order\n"
		"summary: One sentence about this stage of work.\n"
		"worker_questions:      # questions a worker can ask themselves or their employer\n"
		"  - What do I want to get out of this stage?\n"
		"employer_actions:      # what employers can do\n"
		"  - One thing an employer can do.\n"
		"community_supports:    # what community organizations offer\n"
		"  - One kind of help from a community group.\n"
		"skills: []             # full skill ids that matter most here\n"
		"resources: []          # ids from content/resources.yaml\n"
		"---\n"
		"Explain this stage in plain language.\n", id, id, order);
}

/* `s` as a double-quoted YAML string. */
static void add_quoted(struct strbuf *t, const char *s)
{
	strbuf_addch(t, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			strbuf_addch(t, '\\');
		strbuf_addch(t, *s);
	}
	strbuf_addch(t, '"');
}

static void story(struct strbuf *t, const char *title, const char *pathways)
{
	char date[16];

	today(date, sizeof date);
	strbuf_adds(t, "---\n# A success story. Fields: docs/content-model.md.\ntitle: ");
	add_quoted(t, title);
	strbuf_addf(t,
		"\n"
		"person: First name     # a first name only\n"
		"date: %s\n"
		"# pathway: a pathway id%s%s\n"
		"stages: []             # lifecycle stage ids the story touches\n"
		"skills: []             # full skill ids the story shows\n"
		"quote: \"A short line in the person's own words.\"\n"
		"illustrative: true     # a composite, not a real person: the page says so\n"
		"# image:                # a picture beside this file, under 500 KB\n"
		"#   src: photo.jpg\n"
		"#   alt: What the picture shows, for readers who cannot see it\n"
		"---\n"
		"This is an illustrative composite story, not about a real person.\n\n"
		"Tell the story in three to five short paragraphs.\n",
		date, *pathways ? " (one of: " : "", *pathways ? pathways : "");
}

static void page(struct strbuf *t, const char *title, const char *slug)
{
	strbuf_adds(t, "---\n# A plain page, at /");
	strbuf_adds(t, slug);
	strbuf_adds(t, "/. Fields: docs/content-model.md.\ntitle: ");
	add_quoted(t, title);
	strbuf_adds(t, "\n"
		       "summary: One sentence about the page, shown under its title.\n"
		       "---\n"
		       "Write the page in short paragraphs and plain words.\n");
}

static void guide(struct strbuf *intro, struct strbuf *chapter, const char *id)
{
	strbuf_addf(intro,
		"---\n"
		"# A guide: this file is its introduction, at /guides/%s/; every other\n"
		"# .md file in this directory is a chapter. Fields: docs/content-model.md.\n"
		"title: %s\n"
		"summary: One sentence about what the guide helps its readers do.\n"
		"audience: Who the guide is for\n"
		"---\n"
		"Introduce the guide in plain words: who it is for, and what each chapter covers.\n",
		id, id);
	strbuf_addf(chapter,
		"---\n"
		"# A chapter of the guide, at /guides/%s/first-chapter/. Chapters come in\n"
		"# the order of their file names: add 02-next-step.md and so on.\n"
		"title: First chapter\n"
		"summary: One sentence about this chapter.\n"
		"# stage: the id of a lifecycle stage this chapter goes with\n"
		"stories: []           # ids of stories to show with it\n"
		"---\n"
		"Write the chapter in short paragraphs and plain words.\n",
		id);
}

static void site(struct strbuf *yaml, struct strbuf *home, struct strbuf *about)
{
	strbuf_adds(yaml,
		"# A waymark site. Fields: docs/usage.md.\n"
		"title: My pathways site\n"
		"description: Skills, career pathways and guides for workers\n"
		"lang: en\n"
		"base_url: /\n"
		"theme: default\n"
		"menu:\n"
		"  - title: About\n"
		"    url: /about/\n");
	strbuf_adds(home,
		"---\n"
		"title: My pathways site\n"
		"summary: One sentence about what this site offers workers.\n"
		"---\n"
		"Welcome. Read [about this site](pages/about.md).\n");
	strbuf_adds(about,
		"---\n"
		"title: About this site\n"
		"---\n"
		"Who publishes this site, and where its facts come from.\n");
}

/* Whether `kind` is one `new` makes; if not, the error says so, with the
 * kind meant when it is a typo. */
static int known_kind(const char *kind, struct diag_list *dl)
{
	static const char *const kinds[] = { "framework", "pathway", "stage", "story", "guide",
					     "page", "site" };
	size_t i, n = sizeof kinds / sizeof *kinds;
	const char *near;

	for (i = 0; i < n; i++)
		if (!strcmp(kind, kinds[i]))
			return 1;
	near = diag_suggest(kind, kinds, n);
	if (near)
		diag_error(dl, NULL, "unknown kind '%s'; did you mean '%s'?", kind, near);
	else
		diag_error(dl, NULL,
			   "unknown kind '%s': use framework, pathway, stage, story, guide, page or site",
			   kind);
	return 0;
}

/* The site whose content/ `dir` is, or would be, inside (dir itself or a
 * directory above it is a site's content/): its directory, to free; NULL
 * when there is none. */
static char *site_around(const char *dir)
{
	struct strbuf at = STRBUF_INIT;
	char *found = NULL, *slash;

	if (dir[0] != '/') {
		char cwd[4096];

		if (!getcwd(cwd, sizeof cwd))
			return NULL;
		strbuf_adds(&at, cwd);
		strbuf_addch(&at, '/');
	}
	strbuf_adds(&at, dir);
	while (!found && at.len > 1) {
		char *real = realpath(at.buf, NULL);
		size_t n = real ? strlen(real) : 0;

		if (n > 8 && !strcmp(real + n - 8, "/content")) {
			char *yaml;

			real[n - 8] = '\0';
			yaml = fs_join(real[0] ? real : "/", "site.yaml");
			if (fs_is_file(yaml))
				found = xstrdup(real[0] ? real : "/");
			free(yaml);
		}
		free(real);
		/* up one: "a/b/c" -> "a/b" (then "a", then "/") */
		while (at.len > 1 && at.buf[at.len - 1] == '/')
			at.buf[--at.len] = '\0';
		slash = strrchr(at.buf, '/');
		if (!slash)
			break;
		at.len = slash == at.buf ? 1 : (size_t)(slash - at.buf);
		at.buf[at.len] = '\0';
	}
	strbuf_release(&at);
	return found;
}

int scaffold_new(const char *site_dir, const char *kind, const char *arg,
		 struct strbuf *written, int *usage, struct diag_list *dl)
{
	struct strbuf text = STRBUF_INIT, first = STRBUF_INIT, all = STRBUF_INIT;
	char *rel = NULL, *path = NULL;
	int ret = -1;

	*usage = 0;
	if (!known_kind(kind, dl)) {
		*usage = 1;
		goto done;
	}
	if (!strcmp(kind, "site")) {
		struct strbuf home = STRBUF_INIT, about = STRBUF_INIT;
		char *p1 = fs_join(arg, "site.yaml"), *p2 = fs_join(arg, "content/_index.md");
		char *p3 = fs_join(arg, "content/pages/about.md"), *p4 = fs_join(arg, ".gitignore");

		char *around = site_around(arg);

		site(&text, &home, &about);
		if (around) {
			diag_error(dl, NULL,
				   "'%s' is inside the content of the site at '%s': every file of a new site there would become a page of that one; make it outside '%s/content'",
				   arg, around, around);
		} else if (fs_is_file(p1)) {
			diag_error(dl, NULL, "'%s' already exists; not overwriting it", p1);
		} else if (scaffold_create(p1, text.buf, dl) == 0 && scaffold_create(p2, home.buf, dl) == 0 &&
			   scaffold_create(p3, about.buf, dl) == 0 &&
			   /* what a build makes stays out of git (the cache beside
			    * public/ grows to megabytes); a .gitignore already
			    * there is the repository's own, left as it is */
			   (access(p4, F_OK) == 0 ||
			    scaffold_create(p4, "# made by waymark build: the site, and its cache beside it\n"
				       "/public/\n/.waymark-*\n", dl) == 0)) {
			strbuf_adds(written, arg);
			ret = 0;
		}
		strbuf_release(&home);
		strbuf_release(&about);
		free(around);
		free(p1);
		free(p2);
		free(p3);
		free(p4);
		goto done;
	}
	/* (a file of a site: not made in a directory that is none) */
	if (scaffold_in_site(site_dir, dl) < 0)
		goto done;
	if ((!strcmp(kind, "story") || !strcmp(kind, "page")) && !arg[strspn(arg, " \t\n")]) {
		diag_error(dl, NULL, "a %s needs a title, as in: waymark new %s \"%s\"", kind, kind,
			   !strcmp(kind, "story") ? "From cashier to store manager"
						  : "Accessibility statement");
		*usage = 1;
		goto done;
	}
	if (strcmp(kind, "story") && strcmp(kind, "page") && !slug_valid_id(arg)) {
		diag_error(dl, NULL, "'%s' is not a valid id: use lowercase letters, digits and single '-'",
			   arg);
		*usage = 1;
		goto done;
	}
	if (!strcmp(kind, "guide")) {
		struct strbuf chapter = STRBUF_INIT;
		char *dir, *p1, *p2;

		rel = xmalloc(strlen(arg) + 32);
		sprintf(rel, "content/guides/%s", arg);
		dir = fs_join(site_dir, rel);
		p1 = fs_join(dir, "_index.md");
		p2 = fs_join(dir, "01-first-chapter.md");
		guide(&text, &chapter, arg);
		if (access(dir, F_OK) == 0) {
			diag_error(dl, NULL, "'%s' already exists; not writing into it", dir);
		} else if (scaffold_create(p1, text.buf, dl) == 0 && scaffold_create(p2, chapter.buf, dl) == 0) {
			strbuf_addf(written, "%s and %s", p1, p2);
			ret = 0;
		}
		strbuf_release(&chapter);
		free(dir);
		free(p1);
		free(p2);
		goto done;
	} else if (!strcmp(kind, "page")) {
		char *slug = slug_make(arg, "page");

		rel = xmalloc(strlen(slug) + 32);
		sprintf(rel, "content/pages/%s.md", slug);
		page(&text, arg, slug);
		free(slug);
	} else if (!strcmp(kind, "framework")) {
		rel = xmalloc(strlen(arg) + 32);
		sprintf(rel, "content/frameworks/%s.yaml", arg);
		framework(&text, arg);
	} else if (!strcmp(kind, "pathway")) {
		rel = xmalloc(strlen(arg) + 32);
		sprintf(rel, "content/pathways/%s.md", arg);
		known_ids(site_dir, "sectors.yaml", "sectors", &first, &all);
		pathway(&text, arg, first.buf, all.buf);
	} else if (!strcmp(kind, "stage")) {
		char *dir = fs_join(site_dir, "content/lifecycle");
		static const char *const md[] = { ".md", NULL };
		struct fs_list files = FS_LIST_INIT;
		size_t i;
		int order = 1;

		fs_list(dir, md, &files, NULL);
		for (i = 0; i < files.n; i++)
			if (strcmp(files.paths[i], "_index.md"))
				order++;
		rel = xmalloc(strlen(arg) + 40);
		sprintf(rel, "content/lifecycle/%02d-%s.md", order, arg);
		stage(&text, arg, order);
		fs_list_release(&files);
		free(dir);
	} else if (!strcmp(kind, "story")) {
		char *slug = slug_make(arg, "story");
		char *dir = fs_join(site_dir, "content/pathways");
		static const char *const md[] = { ".md", NULL };
		struct fs_list files = FS_LIST_INIT;
		size_t i;

		fs_list(dir, md, &files, NULL);
		for (i = 0; i < files.n; i++)
			if (strcmp(files.paths[i], "_index.md") && !strchr(files.paths[i], '/')) {
				files.paths[i][strlen(files.paths[i]) - 3] = '\0';
				strbuf_addf(&all, "%s%s", all.len ? ", " : "", files.paths[i]);
			}
		if (all.len)
			strbuf_addch(&all, ')');
		rel = xmalloc(strlen(slug) + 32);
		sprintf(rel, "content/stories/%s.md", slug);
		story(&text, arg, all.buf);
		fs_list_release(&files);
		free(dir);
		free(slug);
	}
	path = fs_join(site_dir, rel);
	if (scaffold_create(path, text.buf, dl) == 0) {
		strbuf_adds(written, path);
		ret = 0;
	}
done:
	free(rel);
	free(path);
	strbuf_release(&text);
	strbuf_release(&first);
	strbuf_release(&all);
	return ret;
}
