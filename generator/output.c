/* output: writing the site so that a failed build changes nothing. */
#define _GNU_SOURCE /* renameat2 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"
#include "threads.h"
#include "value.h"
#include "xalloc.h"

/* "a/b/public" → "a/b/.waymark-<what>-public" */
static char *beside(const char *dir, const char *what)
{
	const char *slash = strrchr(dir, '/');
	struct strbuf sb = STRBUF_INIT;

	if (slash) {
		strbuf_add(&sb, dir, (size_t)(slash - dir + 1));
		strbuf_addf(&sb, ".waymark-%s-%s", what, slash + 1);
	} else {
		strbuf_addf(&sb, ".waymark-%s-%s", what, dir);
	}
	return strbuf_detach(&sb, NULL);
}

/* Is `inner` equal to `outer` or below it? Both are real paths. */
static int is_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	if (strncmp(inner, outer, n))
		return 0;
	return inner[n] == '\0' || inner[n] == '/' || (n == 1 && outer[0] == '/');
}

/*
 * The real path `path` has or would have: realpath of the nearest part
 * that exists, then the rest of its names. -1 when a name still to be made
 * is "." or ".." (not worth resolving) or the result is too long.
 */
static int real_or_planned(const char *path, char *out)
{
	char parent[PATH_MAX];
	const char *name;
	size_t n = strlen(path), len;

	if (realpath(path, out))
		return 0;
	if (errno != ENOENT || n >= sizeof parent)
		return -1;
	while (n > 1 && path[n - 1] == '/')
		n--;
	memcpy(parent, path, n);
	parent[n] = '\0';
	/* parent/name, or ./name */
	if ((name = strrchr(parent, '/'))) {
		parent[name == parent ? 1 : name - parent] = '\0';
		name = path + (name - parent) + 1;
	} else {
		name = path;
		strcpy(parent, ".");
	}
	len = (size_t)(path + n - name);
	if (!len || (len == 1 && name[0] == '.') || (len == 2 && !strncmp(name, "..", 2)) ||
	    real_or_planned(parent, out) < 0)
		return -1;
	if (strlen(out) + 1 + len >= PATH_MAX)
		return -1;
	if (strcmp(out, "/"))
		strcat(out, "/");
	strncat(out, name, len);
	return 0;
}

int output_allowed(const char *dir, const char *site_dir, struct diag_list *dl)
{
	static const char *const inputs[] = { "content", "themes", "lua" };
	char real_out[PATH_MAX], real_site[PATH_MAX];
	size_t i;

	if (!*dir) {
		diag_error(dl, NULL, "the output directory may not be empty ('')");
		return -1;
	}
	if (access(dir, F_OK) == 0 && !fs_is_dir(dir)) {
		diag_error(dl, NULL, "refusing to write the site to '%s': it is a file, not a directory", dir);
		return -1;
	}
	if (fs_is_dir(dir) && realpath(dir, real_out) && realpath(site_dir, real_site)) {
		char *marker1 = fs_join(dir, "site.yaml"), *marker2 = fs_join(dir, ".git");
		int unsafe = is_within(real_site, real_out) || fs_is_file(marker1) ||
			     fs_is_dir(marker2);

		free(marker1);
		free(marker2);
		if (unsafe) {
			diag_error(dl, NULL,
				   "refusing to replace '%s': it holds a site or a repository; choose another output directory with -o",
				   dir);
			return -1;
		}
	}
	if (real_or_planned(dir, real_out) == 0 && realpath(site_dir, real_site))
		for (i = 0; i < sizeof inputs / sizeof *inputs; i++) {
			char *in = fs_join(real_site, inputs[i]);
			int inside = is_within(real_out, in);

			free(in);
			if (inside) {
				diag_error(dl, NULL,
					   "refusing to write the site to '%s': it is in the site's %s/ directory, which the build reads; choose another output directory with -o",
					   dir, inputs[i]);
				return -1;
			}
		}
	return 0;
}

int output_begin(struct output *o, const char *dir, const char *site_dir, int dry_run,
		 struct diag_list *dl)
{
	char *clean = xstrdup(dir);
	size_t n = strlen(clean);

	memset(o, 0, sizeof *o);
	o->staging_fd = o->final_fd = -1;
	atomic_init(&o->written, 0);
	atomic_init(&o->kept, 0);
	atomic_init(&o->made_sum, 0);
	atomic_init(&o->full, 0);
	pthread_mutex_init(&o->lock, NULL);
	while (n > 1 && clean[n - 1] == '/')
		clean[--n] = '\0';
	o->final = clean;
	o->staging = beside(clean, "staging");
	o->dry_run = dry_run;
	if (dry_run)
		return 0;
	if (output_allowed(dir, site_dir, dl) < 0)
		return -1;
	o->update = fs_is_dir(dir);
	if (o->update)
		o->final_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs_remove_tree(o->staging) < 0 || fs_mkdirs(o->staging) < 0 ||
	    (o->staging_fd = open(o->staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		diag_io_error(dl, NULL, "unable to create '%s': %s", o->staging, strerror(errno));
		return -1;
	}
	return 0;
}

int output_confined(const char *rel)
{
	const char *p = rel;

	if (!*rel || *rel == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 2 && !memcmp(p, "..", 2)) || (n == 1 && *p == '.') || n == 0)
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

/* Where the calling thread's files are noted too (output_capture). */
static _Thread_local struct strbuf *capture;

void output_capture(struct strbuf *into)
{
	capture = into;
}

/* What a name adds to the manifest's head (manifest_head). */
static unsigned long long name_hash(const char *name)
{
	return value_hash_fast(name, strlen(name), VALUE_HASH_SEED);
}

static void note(struct output *o, char ***list, size_t *n, size_t *alloc, const char *rel)
{
	if (capture && list == &o->made)
		strbuf_addf(capture, "\n%s", rel);
	/* (summed here, on the thread that makes the file, while its name
	 * is at hand: not in one pass over 12,000 names as the build ends) */
	if (list == &o->made)
		atomic_fetch_add_explicit(&o->made_sum, name_hash(rel), memory_order_relaxed);
	pthread_mutex_lock(&o->lock);
	xgrow((void **)list, alloc, *n + 1, sizeof **list);
	(*list)[(*n)++] = xstrdup(rel);
	pthread_mutex_unlock(&o->lock);
}

int output_write(struct output *o, const char *rel, const void *data, size_t len,
		 struct diag_list *dl)
{
	char *dst, *old;
	int ret = 0;

	if (!output_confined(rel)) {
		diag_error(dl, NULL, "refusing to write '%s': outside the output directory", rel);
		return -1;
	}
	if (o->dry_run)
		return 0;
	note(o, &o->made, &o->nmade, &o->amade, rel);
	if (atomic_load(&o->full)) /* (said once, by the first that did not fit) */
		return -1;
	old = fs_join(o->final, rel);
	if (o->update && fs_same(old, data, len)) {
		atomic_fetch_add(&o->kept, 1);
		free(old);
		return 0;
	}
	if (o->update) {
		/* staged under its number in o->staged, with no directories to
		 * make and remove: output_commit renames it to rel */
		char name[32];
		size_t at;

		pthread_mutex_lock(&o->lock);
		XGROW(o->staged, o->astaged, o->nstaged + 1);
		at = o->nstaged++;
		o->staged[at] = xstrdup(rel);
		pthread_mutex_unlock(&o->lock);
		snprintf(name, sizeof name, "%zu", at);
		dst = fs_join(o->staging, name);
		ret = fs_write_at(o->staging_fd, name, data, len);
	} else {
		dst = fs_join(o->staging, rel);
		/* relative to the open staging directory: the kernel walks only rel */
		ret = fs_write_new_at(o->staging_fd, rel, data, len);
	}
	if (ret < 0 && (errno == ENOSPC || errno == EDQUOT)) {
		if (atomic_fetch_add(&o->full, 1) == 0)
			diag_io_error(dl, NULL,
				      "unable to write '%s': %s (the build writes nothing more and leaves the output as it was: make room, then build again)",
				      dst, strerror(errno));
	} else if (ret < 0) {
		diag_io_error(dl, NULL, "unable to write '%s': %s", dst, strerror(errno));
	} else {
		atomic_fetch_add(&o->written, 1);
	}
	free(dst);
	free(old);
	return ret < 0 ? -1 : 0;
}

int output_keep(struct output *o, const char *rel, int there)
{
	char *old;
	int ret = -1;

	if (o->dry_run || !o->update || !output_confined(rel))
		return -1;
	if (there >= 0) {
		ret = there ? 0 : -1;
	} else if (o->final_fd >= 0) {
		/* relative to the open output directory, when it could be opened */
		struct stat st;

		ret = fstatat(o->final_fd, rel, &st, 0) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
	} else {
		old = fs_join(o->final, rel);
		ret = fs_is_file(old) ? 0 : -1;
		free(old);
	}
	if (ret == 0) {
		note(o, &o->made, &o->nmade, &o->amade, rel);
		atomic_fetch_add(&o->kept, 1);
	}
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "<parent>/.waymark-made-<name>": every file the last build made, one a
 * line, so the next one knows what to remove without walking the output. */
static char *manifest_of(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	struct strbuf sb = STRBUF_INIT;

	if (slash)
		strbuf_add(&sb, dir, (size_t)(slash - dir + 1));
	strbuf_addf(&sb, ".waymark-made-%s", slash ? slash + 1 : dir);
	return strbuf_detach(&sb, NULL);
}

static char *manifest_path(const struct output *o)
{
	return manifest_of(o->final);
}

/*
 * A manifest starts "waymark-made 2 <files> <sum>": how many files it
 * lists and the sum of their names' hashes, which does not depend on their
 * order. A rebuild that made the files the last build made (most do) finds
 * that from the first line, without sorting its 10,000 names to compare
 * them with the rest. ("waymark-made 1", without them, is read too.)
 */
#define MANIFEST_MAGIC "waymark-made "

/* The head of a manifest for `names` (n of them, in any order). */
static void manifest_head(size_t n, unsigned long long sum, struct strbuf *head)
{
	strbuf_addf(head, MANIFEST_MAGIC "2 %zx %016llx\n", n, sum);
}

/* The manifest of the last build into `dir`, its bytes in `text`: 0, or
 * -1 when there is none. */
static int read_manifest_of(const char *dir, struct strbuf *text)
{
	char *path = manifest_of(dir);
	int ret = fs_read(path, text) == 0 &&
			  !strncmp(text->buf, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC)) &&
			  strchr(text->buf, '\n') ? 0 : -1;

	free(path);
	return ret;
}

static int read_manifest(const struct output *o, struct strbuf *text)
{
	return read_manifest_of(o->final, text);
}

int output_made(const char *dir, char *const *rels, size_t n)
{
	struct strbuf text = STRBUF_INIT, line = STRBUF_INIT;
	size_t i;
	int ret = -1;

	if (read_manifest_of(dir, &text) == 0) {
		/* a name a line, after the magic's line */
		for (ret = 1, i = 0; i < n && ret; i++) {
			strbuf_reset(&line);
			strbuf_addch(&line, '\n');
			strbuf_adds(&line, rels[i]);
			strbuf_addch(&line, '\n');
			ret = strstr(text.buf, line.buf) != NULL;
		}
	}
	strbuf_release(&text);
	strbuf_release(&line);
	return ret;
}

/* output_intact's stats, shared out in chunks between threads. */
struct intact_job {
	int fd;
	char **names;
	size_t n;
	atomic_size_t next;
	atomic_int missing;
};

#define INTACT_CHUNK 64
#define INTACT_THREAD_MIN 512 /* fewer: a second thread costs more than it saves */

static void *intact_worker(void *arg)
{
	struct intact_job *j = arg;
	size_t first, i;
	struct stat st;

	while (!atomic_load(&j->missing) &&
	       (first = atomic_fetch_add(&j->next, INTACT_CHUNK)) < j->n)
		for (i = first; i < j->n && i < first + INTACT_CHUNK; i++)
			if (fstatat(j->fd, j->names[i], &st, 0) < 0 || !S_ISREG(st.st_mode)) {
				atomic_store(&j->missing, 1);
				break;
			}
	return NULL;
}

int output_intact(const char *dir)
{
	char *line, *end;
	struct strbuf text = STRBUF_INIT;
	struct intact_job job;
	size_t alloc = 0;
	int ret = -1;

	memset(&job, 0, sizeof job);
	if (read_manifest_of(dir, &text) < 0)
		goto out;
	for (line = strchr(text.buf, '\n') + 1; (end = strchr(line, '\n')); line = end + 1) {
		*end = '\0';
		if (!output_confined(line))
			goto out;
		XGROW(job.names, alloc, job.n + 1);
		job.names[job.n++] = line;
	}
	job.fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (job.fd < 0)
		goto out;
	/* names relative to the open directory, so that the kernel walks
	 * only their own parts; on every CPU for a large site (12,305 files
	 * of the bench's 10,000 pages: 28 ms on one thread of two) */
	atomic_init(&job.next, 0);
	atomic_init(&job.missing, 0);
	threads_run(job.n >= INTACT_THREAD_MIN ? threads_cpus() : 1, intact_worker, &job, 0);
	ret = !atomic_load(&job.missing);
	close(job.fd);
out:
	free(job.names);
	strbuf_release(&text);
	return ret;
}

/* Whether the last build's manifest starts with `head`. */
static int manifest_starts(const struct output *o, const struct strbuf *head)
{
	char *path = manifest_path(o), buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC), same = 0;

	if (fd >= 0 && head->len <= sizeof buf)
		same = read(fd, buf, head->len) == (ssize_t)head->len &&
		       !memcmp(buf, head->buf, head->len);
	if (fd >= 0)
		close(fd);
	free(path);
	return same;
}

/* Its lines. */
static void manifest_lines(const struct strbuf *text, struct fs_list *l)
{
	struct strbuf copy = STRBUF_INIT;
	char *line, *save = NULL;

	strbuf_add(&copy, text->buf, text->len);
	for (line = strtok_r(strchr(copy.buf, '\n') + 1, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		XGROW(l->paths, l->alloc, l->n + 1);
		l->paths[l->n++] = xstrdup(line);
	}
	strbuf_release(&copy);
}

/* Every file this build made, a line each, in order (o->made is sorted
 * here, for bsearch too). */
static void make_manifest(struct output *o, struct strbuf *text)
{
	size_t i, n = 0;
	unsigned long long sum = atomic_load(&o->made_sum);

	if (o->nmade)
		qsort(o->made, o->nmade, sizeof *o->made, cmp_str);
	for (i = 0; i < o->nmade; i++) /* each once */
		if (!i || strcmp(o->made[i], o->made[n - 1])) {
			o->made[n++] = o->made[i];
		} else {
			sum -= name_hash(o->made[i]);
			free(o->made[i]);
		}
	o->nmade = n;
	atomic_store(&o->made_sum, sum);
	manifest_head(o->nmade, sum, text);
	for (i = 0; i < o->nmade; i++) {
		strbuf_adds(text, o->made[i]);
		strbuf_addch(text, '\n');
	}
}

/* The manifest `text`, not written again when it is what the last
 * build's said (`was`, may be NULL). Written whole or not at all (a new
 * file renamed over the old): a manifest cut short would leave files that
 * no build removes. */
static void write_manifest(const struct output *o, const struct strbuf *text,
			   const struct strbuf *was)
{
	char *path = manifest_path(o);

	if (!was || was->len != text->len || memcmp(was->buf, text->buf, text->len))
		fs_replace(path, text->buf, text->len);
	free(path);
}

/* The manifest of every file in `a` or `b` (both sorted, as manifests are). */
static void manifest_union(const struct fs_list *a, char *const *b, size_t nb, struct strbuf *text)
{
	struct strbuf lines = STRBUF_INIT;
	unsigned long long sum = 0;
	size_t i = 0, j = 0, n = 0;

	while (i < a->n || j < nb) {
		int c = i == a->n ? 1 : j == nb ? -1 : strcmp(a->paths[i], b[j]);
		const char *name = c <= 0 ? a->paths[i] : b[j];

		i += c <= 0;
		j += c >= 0;
		sum += name_hash(name);
		n++;
		strbuf_adds(&lines, name);
		strbuf_addch(&lines, '\n');
	}
	manifest_head(n, sum, text);
	strbuf_add(text, lines.buf, lines.len);
	strbuf_release(&lines);
}

/* A test's way to stop a build where a power cut could: WAYMARK_TEST_STOP
 * naming this point makes the process end at once. */
void output_test_stop(const char *point)
{
	const char *at = getenv("WAYMARK_TEST_STOP");

	if (at && !strcmp(at, point))
		_exit(99);
}

/* The files in the output directory this build does not make. */
static void note_foreign(struct output *o)
{
	struct fs_list there = FS_LIST_INIT;
	size_t i;

	fs_list(o->final, NULL, &there, NULL);
	for (i = 0; i < there.n; i++)
		if (!bsearch(&there.paths[i], o->made, o->nmade, sizeof *o->made, cmp_str) &&
		    !o->foreign++)
			o->foreign_first = xstrdup(there.paths[i]);
	fs_list_release(&there);
}

/*
 * Move each staged file over its old self, then remove what this build
 * no longer makes. The manifest on disk names every file the output may
 * hold at each moment, so that a build stopped half way leaves none that
 * the next one would not remove: when the files change, it first names
 * both the last build's and this one's, and only this one's at the end.
 */
static int update_in_place(struct output *o, struct diag_list *dl)
{
	struct fs_list old = FS_LIST_INIT;
	struct strbuf was = STRBUF_INIT, now = STRBUF_INIT, both = STRBUF_INIT;
	size_t i;
	int ret = 0, same;

	/* the same files as the last build made (most rebuilds): nothing to
	 * remove, and the manifest stays as it is */
	manifest_head(o->nmade, atomic_load(&o->made_sum), &now);
	same = manifest_starts(o, &now);
	strbuf_reset(&now);
	if (!same) {
		make_manifest(o, &now);
		/* what the last build made (its manifest), to remove what this
		 * one does not make; with none, what is there was made by
		 * someone else (a directory of the user's, pages from a clone):
		 * left alone, and counted for the build to say */
		if (read_manifest(o, &was) < 0) {
			strbuf_reset(&was);
			note_foreign(o);
		} else {
			manifest_lines(&was, &old);
			manifest_union(&old, o->made, o->nmade, &both);
			write_manifest(o, &both, &was);
		}
	}
	for (i = 0; i < o->nstaged; i++) {
		char name[32], *from, *to = fs_join(o->final, o->staged[i]);
		char *slash = strrchr(to, '/');

		snprintf(name, sizeof name, "%zu", i);
		from = fs_join(o->staging, name);
		*slash = '\0';
		fs_mkdirs(to);
		*slash = '/';
		if (rename(from, to) < 0) {
			diag_io_error(dl, NULL, "unable to replace '%s': %s", to, strerror(errno));
			ret = -1;
		}
		free(from);
		free(to);
	}
	output_test_stop("renamed");
	for (i = 0; !same && i < old.n; i++)
		if (!bsearch(&old.paths[i], o->made, o->nmade, sizeof *o->made, cmp_str)) {
			char *gone = fs_join(o->final, old.paths[i]);
			char *slash;

			unlink(gone);
			/* and the directories it leaves empty */
			while ((slash = strrchr(gone, '/')) && slash - gone > (ptrdiff_t)strlen(o->final)) {
				*slash = '\0';
				if (rmdir(gone) < 0)
					break;
			}
			free(gone);
		}
	if (!same)
		write_manifest(o, &now, both.len ? &both : NULL);
	fs_list_release(&old);
	strbuf_release(&was);
	strbuf_release(&now);
	strbuf_release(&both);
	fs_remove_tree(o->staging);
	return ret;
}

/* The build has written everything: the directories need not stay open. */
static void close_staging(struct output *o)
{
	if (o->staging_fd >= 0)
		close(o->staging_fd);
	if (o->final_fd >= 0)
		close(o->final_fd);
	o->staging_fd = o->final_fd = -1;
}

int output_commit(struct output *o, struct diag_list *dl)
{
	struct strbuf now = STRBUF_INIT;

	close_staging(o);
	if (o->dry_run)
		return 0;
	if (o->update)
		return update_in_place(o, dl);
	if (fs_is_dir(o->final)) {
		/* one atomic exchange: there is never a moment without a site */
		if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->final, RENAME_EXCHANGE) == 0) {
			fs_remove_tree(o->staging);
			return 0;
		}
		/* no RENAME_EXCHANGE here: move the old one aside, then swap */
		char *old = beside(o->final, "old");

		fs_remove_tree(old);
		if (rename(o->final, old) < 0 || rename(o->staging, o->final) < 0) {
			diag_io_error(dl, NULL, "unable to replace '%s': %s", o->final,
				      strerror(errno));
			free(old);
			return -1;
		}
		fs_remove_tree(old);
		free(old);
		return 0;
	}
	if (rename(o->staging, o->final) < 0) {
		diag_io_error(dl, NULL, "unable to create '%s': %s", o->final, strerror(errno));
		return -1;
	}
	make_manifest(o, &now);
	write_manifest(o, &now, NULL);
	strbuf_release(&now);
	return 0;
}

void output_abort(struct output *o)
{
	close_staging(o);
	if (!o->dry_run && o->staging)
		fs_remove_tree(o->staging);
}

void output_release(struct output *o)
{
	size_t i;

	if (o->final)
		close_staging(o);
	for (i = 0; i < o->nmade; i++)
		free(o->made[i]);
	for (i = 0; i < o->nstaged; i++)
		free(o->staged[i]);
	free(o->made);
	free(o->foreign_first);
	free(o->staged);
	if (o->final)
		pthread_mutex_destroy(&o->lock);
	free(o->final);
	free(o->staging);
	memset(o, 0, sizeof *o);
}
