/* fsutil: reading, writing, listing and removing files. */
#ifndef WAYMARK_FSUTIL_H
#define WAYMARK_FSUTIL_H

#include <stddef.h>

#include "strbuf.h"

#include <sys/stat.h>

/* Paths found by fs_list: relative to the listed directory, sorted, each
 * with what stat() said of it (all zero for a link that points nowhere).
 * A directory that could not be listed stops the listing: `failed` is its
 * path and `failed_errno` why (ELOOP: it is a directory that holds it,
 * reached again through a link, which would be listed without end). */
struct fs_list {
	char **paths;
	size_t n, alloc;
	struct stat *stats;
	char *failed;
	int failed_errno;
	int links; /* a symbolic link was followed (or a name of unknown type) */
};

#define FS_LIST_INIT { NULL, 0, 0, NULL, NULL, 0, 0 }

/* Append the whole file to `out`. Returns 0, or -1 with errno set: EISDIR
 * for a directory, EINVAL for anything else that is not a regular file. */
int fs_read(const char *path, struct strbuf *out);
/* strerror(err), saying what fs_read's EINVAL means. */
const char *fs_strerror(int err);
/* Create every missing directory of `path` (like mkdir -p). 0 or -1/errno. */
int fs_mkdirs(const char *path);
/* Create the parent directories of `path`, then write it. 0 or -1/errno. */
int fs_write(const char *path, const void *data, size_t len);
/* fs_write for `rel` below the open directory `dirfd`. 0 or -1/errno. */
int fs_write_at(int dirfd, const char *rel, const void *data, size_t len);
/* The same for a file whose directory is most likely new (a page of a
 * site's first build: each has a directory of its own), made before the
 * file is opened rather than after opening it failed. */
int fs_write_new_at(int dirfd, const char *rel, const void *data, size_t len);
/* Write `path` whole or not at all: a new file beside it
 * (".waymark-new-<name>"), renamed over it. 0 or -1/errno. */
int fs_replace(const char *path, const void *data, size_t len);
/* Write all of data[0..len) to an open file, retrying short writes.
 * 0 or -1/errno. */
int fs_write_fd(int fd, const void *data, size_t len);
/* 1 when `path` is a regular file holding exactly data[0..len), else 0. */
int fs_same(const char *path, const void *data, size_t len);
/* Remove a file or a whole directory tree; a missing path is not an error.
 * 0 or -1/errno. */
int fs_remove_tree(const char *path);
/* 1 if `path` is a directory, 0 otherwise. */
int fs_is_dir(const char *path);
int fs_is_file(const char *path);

/*
 * Every regular file below `dir` whose name ends in one of the
 * NULL-terminated `exts` (all files when exts is NULL), recursively,
 * sorted bytewise; names starting with '.' are skipped. A link that
 * points nowhere is listed (reading it then says why it fails); a link to
 * a directory is followed, unless the directory holds the link (a loop).
 * Returns 0, or -1 with errno set and `failed` (if not NULL) and
 * out->failed set to the path that failed.
 */
int fs_list(const char *dir, const char *const *exts, struct fs_list *out,
	    struct strbuf *failed);
void fs_list_release(struct fs_list *l);
/*
 * Bring a listing fs_list made of `dir` up to date for one path below it
 * (`rel`, as a watch reported it: written, made, deleted or moved), as
 * fs_list would list it now: a file is listed with its new stat, or no
 * more. Returns 0, or -1 when only a new fs_list will do: `rel` is now a
 * directory (its files come with it), or the listing followed a link
 * (what is behind it changes where no watch sees it) or failed.
 */
int fs_list_update(struct fs_list *l, const char *dir, const char *rel,
		   const char *const *exts);
/* Whether `name` ends in one of `exts` (NULL-terminated; NULL: any name),
 * as fs_list chooses what to list. */
int fs_has_ext(const char *name, const char *const *exts);

/*
 * Chain into `h` the name, size and modification time of every file below
 * `dir` (recursively, sorted, dot-files skipped): a cheap fingerprint that
 * changes whenever a file is added, removed or written. A missing
 * directory adds nothing. Returns the new hash. fs_stamp_list does the
 * same and hands the listing it made to `keep` (to release), so that the
 * files need not be listed again.
 */
unsigned long long fs_stamp(const char *dir, unsigned long long h);
unsigned long long fs_stamp_list(const char *dir, unsigned long long h, struct fs_list *keep);
/* The same for a listing of `dir` already made (fs_stamp_list's for it, when
 * it is up to date). */
unsigned long long fs_list_stamp(const char *dir, unsigned long long h, const struct fs_list *files);

/* "a" + "b" → "a/b"; "." + "b" → "b". The caller frees the result. */
char *fs_join(const char *a, const char *b);

#endif
