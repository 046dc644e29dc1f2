/* watch: noticing changes to a site's sources with inotify. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "xalloc.h"

/* the directories below the site directory whose whole trees are sources */
static const char *const roots[] = { "content", "themes", "lua" };

#define WATCH_MAX_DEPTH 64 /* deeper than any real site; stops runaway links */

/* events on the site directory itself: site.yaml and the roots coming and going */
#define TOP_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | \
		  IN_MOVED_TO | IN_ONLYDIR)
#define TREE_MASK (TOP_MASK | IN_DELETE_SELF | IN_MOVE_SELF | IN_EXCL_UNLINK)

/* Directories are found again from the roots after every change to the
 * tree (rescan), which gives each its path again. */
struct watch_dir {
	int wd;
	unsigned stamp; /* the scan that last reached it */
	char *rel;      /* its path below the site directory, as the scan reached it */
};

/* More files than this changed at once (a checkout, say): listing the tree
 * again costs less than bringing a listing up to date one file at a time. */
#define WATCH_MAX_CHANGES 256

/* A file watched by name in its directory (see watch_files). */
struct watch_file {
	int wd;     /* its directory's */
	char *name; /* in that directory */
};

struct watch {
	int fd;
	int top_wd; /* the site directory */
	char *site_dir;
	struct watch_dir *dirs;
	size_t n, alloc;
	unsigned stamp; /* the current scan */
	struct watch_file *files;
	size_t nfiles, afiles;
	/* for watch_content_changes: the files below content/ that changed
	 * since it was last called, or `unknown` */
	char **changed;
	size_t nchanged, achanged;
	int unknown;
	int unwatched; /* a directory could not be watched */
};

static struct watch_dir *find(struct watch *w, int wd)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

static void forget(struct watch *w, struct watch_dir *d)
{
	free(d->rel);
	*d = w->dirs[--w->n];
}

static int ignored(const char *name)
{
	size_t n = strlen(name);

	return n == 0 || name[0] == '.' || name[0] == '#' || name[n - 1] == '~';
}

/*
 * Watch `path` and every directory below it. A directory this scan has
 * already reached (the same inode through a link gives the same wd) is not
 * entered again, so link cycles end.
 */
static void add_tree(struct watch *w, const char *path, const char *rel, int depth,
		     struct diag_list *dl)
{
	struct watch_dir *d;
	struct dirent *e;
	DIR *dir;
	int wd;

	if (depth > WATCH_MAX_DEPTH)
		return;
	wd = inotify_add_watch(w->fd, path, TREE_MASK);
	if (wd < 0) {
		/* gone again already, or not a directory: nothing to watch */
		if (errno != ENOENT && errno != ENOTDIR) {
			diag_warning(dl, NULL, "unable to watch '%s' for changes: %s", path,
				     strerror(errno));
			w->unwatched = 1;
		}
		return;
	}
	d = find(w, wd);
	if (d && d->stamp == w->stamp)
		return;
	if (!d) {
		XGROW(w->dirs, w->alloc, w->n + 1);
		d = &w->dirs[w->n++];
		d->wd = wd;
		d->rel = NULL;
	}
	d->stamp = w->stamp;
	free(d->rel);
	d->rel = xstrdup(rel);
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		struct stat st;
		char *child, *child_rel;

		/* (as the content's listing does: a directory named like a
		 * backup file may still hold pages) */
		if (e->d_name[0] == '.')
			continue;
		child = fs_join(path, e->d_name);
		child_rel = fs_join(rel, e->d_name);
		if (stat(child, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(w, child, child_rel, depth + 1, dl);
		free(child);
		free(child_rel);
	}
	closedir(dir);
}

/*
 * Bring the watches in line with the disk: watch every directory of the
 * roots under its current path, and drop watches on directories that are
 * no longer below them (moved away).
 */
static void rescan(struct watch *w, struct diag_list *dl)
{
	size_t i;

	w->stamp++;
	w->unwatched = 0;
	for (i = 0; i < sizeof roots / sizeof *roots; i++) {
		char *root = fs_join(w->site_dir, roots[i]);

		if (fs_is_dir(root))
			add_tree(w, root, roots[i], 0, dl);
		free(root);
	}
	for (i = 0; i < w->n;) {
		if (w->dirs[i].stamp != w->stamp) {
			inotify_rm_watch(w->fd, w->dirs[i].wd);
			forget(w, &w->dirs[i]);
		} else {
			i++;
		}
	}
}

struct watch *watch_new(const char *site_dir, struct diag_list *dl)
{
	struct watch *w = xcalloc(1, sizeof *w);

	w->site_dir = xstrdup(site_dir);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		diag_io_error(dl, NULL, "unable to watch '%s' for changes: %s", site_dir,
			      strerror(errno));
		watch_free(w);
		return NULL;
	}
	w->top_wd = inotify_add_watch(w->fd, site_dir, TOP_MASK);
	if (w->top_wd < 0) {
		diag_io_error(dl, NULL, "unable to watch '%s' for changes: %s", site_dir,
			      strerror(errno));
		watch_free(w);
		return NULL;
	}
	rescan(w, dl);
	return w;
}

int watch_fd(const struct watch *w)
{
	return w->fd;
}

static int is_root(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof roots / sizeof *roots; i++)
		if (!strcmp(name, roots[i]))
			return 1;
	return 0;
}

/* Note that `name` in directory d changed, when d is below content/ (a
 * name the content's listing skips is noted too: fs_list_update knows). */
static void content_changed(struct watch *w, const struct watch_dir *d, const char *name)
{
	const char *rel = d->rel;
	char *path;

	if (strncmp(rel, "content", 7) || (rel[7] && rel[7] != '/') || w->unknown)
		return;
	if (w->nchanged == WATCH_MAX_CHANGES) {
		w->unknown = 1;
		return;
	}
	path = rel[7] ? fs_join(rel + 8, name) : xstrdup(name);
	/* (a file written a block at a time is one change) */
	if (w->nchanged && !strcmp(w->changed[w->nchanged - 1], path)) {
		free(path);
		return;
	}
	XGROW(w->changed, w->achanged, w->nchanged + 1);
	w->changed[w->nchanged++] = path;
}

/*
 * What one event means: 1 a source changed, 0 nothing of interest.
 * *resync is set when directories came, went or moved.
 */
static int classify(struct watch *w, const struct inotify_event *ev, int *resync)
{
	const char *name = ev->len ? ev->name : "";
	struct watch_dir *d;
	size_t i;

	if (ev->mask & IN_Q_OVERFLOW) {
		/* events were lost: assume anything changed */
		*resync = 1;
		return 1;
	}
	if (!(ev->mask & (IN_ISDIR | IN_IGNORED)))
		for (i = 0; i < w->nfiles; i++)
			if (w->files[i].wd == ev->wd && !strcmp(w->files[i].name, name))
				return 1;
	if (ev->wd == w->top_wd) {
		if (!strcmp(name, "site.yaml"))
			return 1;
		if (is_root(name)) {
			*resync = 1;
			return 1;
		}
		return 0;
	}
	d = find(w, ev->wd);
	if (ev->mask & IN_IGNORED) {
		/* the directory was deleted or unwatched; its parent reports the deletion */
		if (d)
			forget(w, d);
		return 0;
	}
	if (!d)
		return 0;
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
		*resync = 1;
		return 1;
	}
	if (ev->mask & IN_ISDIR) {
		/* directories came or went: watched anew (rescan), and the
		 * content listed again (a '.' one the listing skips too) */
		if (name[0] != '.')
			*resync = 1;
		return !ignored(name);
	}
	content_changed(w, d, name);
	return !ignored(name);
}

int watch_read(struct watch *w, struct diag_list *dl)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int changed = 0, resync = 0;

	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		char *p;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			diag_io_error(dl, NULL, "unable to read changes to '%s': %s", w->site_dir,
				      n < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;

			if (classify(w, ev, &resync))
				changed = 1;
			p += sizeof *ev + ev->len;
		}
	}
	if (resync) {
		w->unknown = 1; /* directories came or went, or events were lost */
		rescan(w, dl);
	}
	return changed;
}

static void forget_changes(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nchanged; i++)
		free(w->changed[i]);
	w->nchanged = 0;
}

int watch_content_changes(struct watch *w, char ***paths, size_t *n)
{
	int known = !w->unknown && !w->unwatched;

	*paths = NULL;
	*n = 0;
	if (known) {
		*paths = w->changed;
		*n = w->nchanged;
		w->changed = NULL;
		w->nchanged = w->achanged = 0;
	}
	forget_changes(w);
	w->unknown = 0;
	return known ? 0 : -1;
}

static void forget_files(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nfiles; i++)
		free(w->files[i].name);
	w->nfiles = 0;
}

void watch_files(struct watch *w, const char *lines, struct diag_list *dl)
{
	forget_files(w);
	while (lines && *lines) {
		size_t len = strcspn(lines, "\n");
		char *rel = xstrndup(lines, len), *path = fs_join(w->site_dir, rel);
		char *slash = strrchr(path, '/');
		int wd;

		lines += len + (lines[len] == '\n');
		*slash = '\0';
		/* IN_MASK_ADD: the directory may be watched already, as a tree's */
		wd = inotify_add_watch(w->fd, path, TOP_MASK | IN_MASK_ADD);
		if (wd < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				diag_warning(dl, NULL, "unable to watch '%s' for changes: %s", path,
					     strerror(errno));
		} else {
			XGROW(w->files, w->afiles, w->nfiles + 1);
			w->files[w->nfiles].wd = wd;
			w->files[w->nfiles++].name = xstrdup(slash + 1);
		}
		free(path);
		free(rel);
	}
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	forget_files(w);
	free(w->files);
	forget_changes(w);
	free(w->changed);
	while (w->n)
		forget(w, &w->dirs[0]);
	free(w->dirs);
	if (w->fd >= 0)
		close(w->fd); /* drops every watch */
	free(w->site_dir);
	free(w);
}
