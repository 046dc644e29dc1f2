/* fsutil: reading, writing, listing and removing files. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "threads.h"
#include "value.h"
#include "xalloc.h"

int fs_read(const char *path, struct strbuf *out)
{
	/* (O_NONBLOCK: opening a named pipe waits for a writer otherwise) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -1;
	/* regular files only: a device such as /dev/zero would be read
	 * without end */
	if (fstat(fd, &st) < 0)
		e = errno;
	else
		e = S_ISREG(st.st_mode) ? 0 : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	/* room for the whole file and a byte more, where the read that finds
	 * the end goes: a full buffer would be doubled (and a 5 MB file
	 * copied into 10 MB) only to learn that there was nothing left */
	strbuf_grow(out, st.st_size > 0 ? (size_t)st.st_size + 1 : 4096);
	for (;;) {
		if (out->len + 1 >= out->alloc) /* (the file grew as it was read) */
			strbuf_grow(out, 8192);
		n = read(fd, out->buf + out->len, out->alloc - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
	}
	close(fd);
	return 0;
}

const char *fs_strerror(int err)
{
	return err == EINVAL ? "not a regular file (a device, a pipe or a socket)" : strerror(err);
}

/* Make directory `p` below dirfd (AT_FDCWD: the current directory) and
 * every missing one above it. Mostly only the last is missing (a write
 * where an earlier one made the rest): that is tried first. `p` is
 * changed while this runs and left as it was. */
static int make_dirs(int dirfd, char *p)
{
	char *s;
	int ret = 0;

	if (mkdirat(dirfd, p, 0777) == 0 || errno == EEXIST)
		return 0;
	for (s = p; (s = strchr(s + 1, '/'));) {
		*s = '\0';
		if (mkdirat(dirfd, p, 0777) < 0 && errno != EEXIST)
			ret = -1;
		*s = '/';
	}
	if (ret == 0 && mkdirat(dirfd, p, 0777) < 0 && errno != EEXIST)
		ret = -1;
	return ret;
}

int fs_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int ret = make_dirs(AT_FDCWD, p);

	free(p);
	return ret;
}

/* Make the directories of `rel` (all but its last name) below dirfd. */
static int mkdirs_at(int dirfd, const char *rel)
{
	char *p = xstrdup(rel), *s = strrchr(p, '/');
	int ret = 0;

	if (s) {
		*s = '\0';
		ret = make_dirs(dirfd, p);
	}
	free(p);
	return ret;
}

/* fs_write_at, its directories made first when `dirs_first`. */
static int write_at(int dirfd, const char *rel, const void *data, size_t len, int dirs_first)
{
	int fd;

	if (dirs_first && mkdirs_at(dirfd, rel) < 0)
		return -1;
	fd = openat(dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT && !dirs_first) {
		if (mkdirs_at(dirfd, rel) < 0)
			return -1;
		fd = openat(dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	}
	if (fd < 0)
		return -1;
	if (fs_write_fd(fd, data, len) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int fs_write_at(int dirfd, const char *rel, const void *data, size_t len)
{
	return write_at(dirfd, rel, data, len, 0);
}

int fs_write_new_at(int dirfd, const char *rel, const void *data, size_t len)
{
	return write_at(dirfd, rel, data, len, 1);
}

int fs_write(const char *path, const void *data, size_t len)
{
	return fs_write_at(AT_FDCWD, path, data, len);
}

int fs_replace(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	struct strbuf tmp = STRBUF_INIT;
	int ret;

	/* beside it, so that the rename stays on one file system */
	strbuf_add(&tmp, path, slash ? (size_t)(slash - path + 1) : 0);
	strbuf_addf(&tmp, ".waymark-new-%s", slash ? slash + 1 : path);
	ret = fs_write(tmp.buf, data, len);
	if (ret == 0 && rename(tmp.buf, path) < 0)
		ret = -1;
	if (ret < 0) {
		int e = errno;

		unlink(tmp.buf);
		errno = e;
	}
	strbuf_release(&tmp);
	return ret;
}

int fs_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fs_same(const char *path, const void *data, size_t len)
{
	struct stat st;
	struct strbuf sb = STRBUF_INIT;
	int same;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	same = fs_read(path, &sb) == 0 && sb.len == len && !memcmp(sb.buf, data, len);
	strbuf_release(&sb);
	return same;
}

int fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int fs_remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *child;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		child = fs_join(path, e->d_name);
		if (fs_remove_tree(child))
			ret = -1;
		free(child);
	}
	closedir(d);
	if (!ret && rmdir(path) < 0)
		ret = -1;
	return ret;
}

char *fs_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	char *p;

	if (!strcmp(a, ".") || !la)
		return xstrdup(b);
	while (la > 1 && a[la - 1] == '/')
		la--;
	p = xmalloc(la + strlen(b) + 2);
	memcpy(p, a, la);
	p[la] = '/';
	strcpy(p + la + 1, b);
	return p;
}

int fs_has_ext(const char *name, const char *const *exts)
{
	size_t ln = strlen(name);

	if (!exts)
		return 1;
	for (; *exts; exts++) {
		size_t le = strlen(*exts);

		if (ln >= le && !strcmp(name + ln - le, *exts))
			return 1;
	}
	return 0;
}

static void add_file(struct fs_list *out, char *path, const struct stat *st)
{
	size_t alloc = out->alloc;

	XGROW(out->paths, out->alloc, out->n + 1);
	if (out->alloc != alloc || !out->stats)
		out->stats = xrealloc(out->stats, out->alloc * sizeof *out->stats);
	out->paths[out->n] = path;
	out->stats[out->n++] = *st;
}

/* A directory's entries, and their stats once taken (ok: 0, or -1 for a
 * dangling link). */
struct entries {
	int fd;
	char **names;
	struct stat *st;
	int *ok;
	size_t n, alloc;
};

/* Stat a directory's entries, relative to it (the kernel looks up one
 * name, not the whole path again), a chunk at a time from `next`. */
struct stat_job {
	struct entries *e;
	atomic_size_t next;
};

#define STAT_CHUNK 64

static void *stat_worker(void *arg)
{
	struct stat_job *j = arg;
	size_t first, i;

	while ((first = atomic_fetch_add(&j->next, STAT_CHUNK)) < j->e->n)
		for (i = first; i < j->e->n && i < first + STAT_CHUNK; i++)
			j->e->ok[i] = fstatat(j->e->fd, j->e->names[i], &j->e->st[i], 0);
	return NULL;
}

/* Below this many entries a second thread costs more than it saves. */
#define STAT_THREAD_MIN 512

/* The directories a walk is inside, innermost first: one reached again
 * through a link is a loop. */
struct walked {
	dev_t dev;
	ino_t ino;
	const struct walked *up;
};

static int walk_failed(struct fs_list *out, struct strbuf *failed, const char *dir, int err)
{
	if (failed) {
		strbuf_reset(failed);
		strbuf_adds(failed, dir);
	}
	free(out->failed);
	out->failed = xstrdup(dir);
	out->failed_errno = err;
	errno = err;
	return -1;
}

static int walk(const char *root, const char *rel, const struct walked *up,
		const char *const *exts, struct fs_list *out, struct strbuf *failed)
{
	char *dir = rel ? fs_join(root, rel) : xstrdup(root);
	DIR *d = opendir(dir);
	struct dirent *de;
	struct entries e = { -1, NULL, NULL, NULL, 0, 0 };
	struct stat_job job;
	struct walked here = { 0, 0, up };
	struct stat st;
	int ret = 0;
	size_t i;

	if (!d || fstat(dirfd(d), &st) < 0) {
		ret = walk_failed(out, failed, dir, errno);
		if (d)
			closedir(d);
		free(dir);
		return ret;
	}
	here.dev = st.st_dev;
	here.ino = st.st_ino;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_LNK || de->d_type == DT_UNKNOWN)
			out->links = 1; /* (see fs_list_update) */
		XGROW(e.names, e.alloc, e.n + 1);
		e.names[e.n++] = xstrdup(de->d_name);
	}
	e.fd = dirfd(d);
	e.st = xcalloc(e.n + 1, sizeof *e.st);
	e.ok = xcalloc(e.n + 1, sizeof *e.ok);
	/* the stats of a big directory (6,000 stories) on every CPU */
	job.e = &e;
	atomic_init(&job.next, 0);
	threads_run(e.n >= STAT_THREAD_MIN ? threads_cpus() : 1, stat_worker, &job, 0);
	for (i = 0; i < e.n && !ret; i++) {
		char *crel = rel ? fs_join(rel, e.names[i]) : xstrdup(e.names[i]);

		if (e.ok[i] < 0) {
			/* a dangling link: list it, so reading it reports why */
			if (fs_has_ext(e.names[i], exts)) {
				memset(&e.st[i], 0, sizeof e.st[i]);
				add_file(out, crel, &e.st[i]);
				crel = NULL;
			}
		} else if (S_ISDIR(e.st[i].st_mode)) {
			const struct walked *a;

			for (a = &here; a && (a->dev != e.st[i].st_dev || a->ino != e.st[i].st_ino);
			     a = a->up)
				;
			if (a) {
				char *looped = fs_join(root, crel);

				ret = walk_failed(out, failed, looped, ELOOP);
				free(looped);
			} else {
				ret = walk(root, crel, &here, exts, out, failed);
			}
		} else if (S_ISREG(e.st[i].st_mode) && fs_has_ext(e.names[i], exts)) {
			add_file(out, crel, &e.st[i]);
			crel = NULL;
		}
		free(crel);
	}
	for (i = 0; i < e.n; i++)
		free(e.names[i]);
	free(e.names);
	free(e.st);
	free(e.ok);
	closedir(d);
	free(dir);
	return ret;
}

/* Sort a listing by path, its stats along: the names and where each was,
 * so that the sort moves 16 bytes an entry, not a whole stat. */
struct listed {
	char *path;
	size_t at;
};

static int cmp_listed(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->path, ((const struct listed *)b)->path);
}

int fs_list(const char *dir, const char *const *exts, struct fs_list *out,
	    struct strbuf *failed)
{
	size_t first = out->n, n, i;
	int ret = walk(dir, NULL, NULL, exts, out, failed);
	struct listed *l;
	struct stat *st;

	n = out->n - first;
	if (n < 2)
		return ret;
	l = xmalloc(n * sizeof *l);
	st = xmalloc(n * sizeof *st);
	for (i = 0; i < n; i++) {
		l[i].path = out->paths[first + i];
		l[i].at = first + i;
	}
	qsort(l, n, sizeof *l, cmp_listed);
	for (i = 0; i < n; i++) {
		out->paths[first + i] = l[i].path;
		st[i] = out->stats[l[i].at];
	}
	memcpy(out->stats + first, st, n * sizeof *st);
	free(st);
	free(l);
	return ret;
}

void fs_list_release(struct fs_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
	free(l->stats);
	free(l->failed);
	memset(l, 0, sizeof *l);
}

/* Where rel is in l's sorted paths, or would go; *found says which. */
static size_t list_find(const struct fs_list *l, const char *rel, int *found)
{
	size_t lo = 0, hi = l->n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->paths[mid], rel);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int fs_list_update(struct fs_list *l, const char *dir, const char *rel,
		   const char *const *exts)
{
	const char *part, *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char *path;
	struct stat st;
	int found, listed;
	size_t at;

	if (l->links || l->failed)
		return -1;
	/* a name the walk skips, or that is in a directory it skips */
	for (part = rel; part; part = strchr(part, '/') ? strchr(part, '/') + 1 : NULL)
		if (*part == '.' || *part == '/' || !*part)
			return 0;
	path = fs_join(dir, rel);
	if (stat(path, &st) == 0) {
		listed = S_ISREG(st.st_mode);
		if (S_ISDIR(st.st_mode)) {
			free(path);
			return -1;
		}
	} else {
		/* a link to nowhere is listed, with no stat (see fs_list) */
		listed = lstat(path, &st) == 0;
		memset(&st, 0, sizeof st);
	}
	free(path);
	listed = listed && fs_has_ext(name, exts);
	at = list_find(l, rel, &found);
	if (found && listed) {
		l->stats[at] = st;
	} else if (found) {
		free(l->paths[at]);
		memmove(l->paths + at, l->paths + at + 1, (l->n - at - 1) * sizeof *l->paths);
		memmove(l->stats + at, l->stats + at + 1, (l->n - at - 1) * sizeof *l->stats);
		l->n--;
	} else if (listed) {
		add_file(l, NULL, &st); /* room for one more, at the end */
		memmove(l->paths + at + 1, l->paths + at, (l->n - at - 1) * sizeof *l->paths);
		memmove(l->stats + at + 1, l->stats + at, (l->n - at - 1) * sizeof *l->stats);
		l->paths[at] = xstrdup(rel);
		l->stats[at] = st;
	}
	return 0;
}

unsigned long long fs_list_stamp(const char *dir, unsigned long long h, const struct fs_list *files)
{
	size_t i;

	h = value_hash_fast(dir, strlen(dir) + 1, h);
	if (files->failed) { /* (not the stamp of any listing that worked) */
		h = value_hash_fast(files->failed, strlen(files->failed) + 1, h);
		h = value_hash_fast(&files->failed_errno, sizeof files->failed_errno, h);
	}
	for (i = 0; i < files->n; i++) {
		const struct stat *st = &files->stats[i];

		h = value_hash_fast(files->paths[i], strlen(files->paths[i]) + 1, h);
		if (st->st_mode) {
			h = value_hash_fast(&st->st_size, sizeof st->st_size, h);
			h = value_hash_fast(&st->st_mtim.tv_sec, sizeof st->st_mtim.tv_sec, h);
			h = value_hash_fast(&st->st_mtim.tv_nsec, sizeof st->st_mtim.tv_nsec, h);
		}
	}
	return h;
}

unsigned long long fs_stamp_list(const char *dir, unsigned long long h, struct fs_list *keep)
{
	struct fs_list files = FS_LIST_INIT;

	if (!fs_is_dir(dir)) {
		if (keep)
			*keep = files;
		return h;
	}
	fs_list(dir, NULL, &files, NULL);
	h = fs_list_stamp(dir, h, &files);
	if (keep)
		*keep = files;
	else
		fs_list_release(&files);
	return h;
}

unsigned long long fs_stamp(const char *dir, unsigned long long h)
{
	return fs_stamp_list(dir, h, NULL);
}
