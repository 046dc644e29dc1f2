/* cache: what each output was made from at the last build. */
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"
#include "xalloc.h"

/* An output and its hash, or (when text is not NULL) a note and its text. */
struct entry {
	char *out;
	unsigned long long hash;
	char *text;
};

struct cache {
	struct entry *old;     /* from the last build, sorted by out */
	size_t nold;
	struct entry *now;     /* this build's, in any order */
	size_t nnow, anow;
	pthread_mutex_t lock;
	char *blob_dir;             /* "<parent>/.waymark-cache-<name>.d" */
	unsigned long long *blobs;  /* keys used this build */
	size_t nblobs, ablobs;
	char *new_dir;              /* new blobs wait here until cache_save */
	unsigned long long *pending_keys;
	size_t npending, apending_keys;
};

#define CACHE_MAGIC "waymark-cache 1"

/* "site/public" → "site/.waymark-cache-public" */
static char *cache_path(const char *out_dir)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(out_dir), base;

	while (n > 1 && out_dir[n - 1] == '/')
		n--;
	for (base = n; base > 0 && out_dir[base - 1] != '/'; base--)
		;
	strbuf_add(&sb, out_dir, base);
	strbuf_adds(&sb, ".waymark-cache-");
	strbuf_add(&sb, out_dir + base, n - base);
	return strbuf_detach(&sb, NULL);
}

/* Notes are kept on one line: "\n" and "\\" stand for newline and backslash. */
static char *unescape(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			strbuf_addch(&sb, *s == 'n' ? '\n' : *s);
		} else {
			strbuf_addch(&sb, *s);
		}
	}
	return strbuf_detach(&sb, NULL);
}

static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			strbuf_adds(sb, "\\n");
		else if (*s == '\\')
			strbuf_adds(sb, "\\\\");
		else
			strbuf_addch(sb, *s);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->out, ((const struct entry *)b)->out);
}

struct cache *cache_load(const char *out_dir)
{
	struct cache *c = xcalloc(1, sizeof *c);
	char *path = cache_path(out_dir);
	struct strbuf text = STRBUF_INIT;
	size_t alloc = 0;
	char *line, *save = NULL;

	pthread_mutex_init(&c->lock, NULL);
	c->blob_dir = xmalloc(strlen(path) + 3);
	sprintf(c->blob_dir, "%s.d", path);
	c->new_dir = xmalloc(strlen(path) + 7);
	sprintf(c->new_dir, "%s.d.new", path);
	if (fs_is_dir(out_dir) && fs_read(path, &text) == 0 &&
	    !strncmp(text.buf, CACHE_MAGIC "\n", strlen(CACHE_MAGIC) + 1)) {
		for (line = strtok_r(text.buf + strlen(CACHE_MAGIC) + 1, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sp = strchr(line, ' ');

			if (!sp)
				continue;
			*sp = '\0';
			XGROW(c->old, alloc, c->nold + 1);
			memset(&c->old[c->nold], 0, sizeof *c->old);
			if (line[0] == '=') { /* "=key text" */
				c->old[c->nold].out = xstrdup(line);
				c->old[c->nold].text = unescape(sp + 1);
			} else {
				c->old[c->nold].hash = strtoull(line, NULL, 16);
				c->old[c->nold].out = xstrdup(sp + 1);
			}
			c->nold++;
		}
		qsort(c->old, c->nold, sizeof *c->old, cmp_entry);
	}
	strbuf_release(&text);
	free(path);
	return c;
}

unsigned long long cache_get(const struct cache *c, const char *out)
{
	struct entry key = { (char *)out, 0, NULL }, *e;

	if (!c->nold)
		return 0;
	e = bsearch(&key, c->old, c->nold, sizeof *c->old, cmp_entry);
	return e ? e->hash : 0;
}

void cache_put(struct cache *c, const char *out, unsigned long long hash)
{
	pthread_mutex_lock(&c->lock);
	XGROW(c->now, c->anow, c->nnow + 1);
	c->now[c->nnow].out = xstrdup(out);
	c->now[c->nnow].hash = hash;
	c->now[c->nnow].text = NULL;
	c->nnow++;
	pthread_mutex_unlock(&c->lock);
}

const char *cache_note_get(const struct cache *c, const char *key)
{
	struct strbuf k = STRBUF_INIT;
	struct entry e, *found;

	if (!c->nold)
		return NULL;
	strbuf_addf(&k, "=%s", key);
	e.out = k.buf;
	found = bsearch(&e, c->old, c->nold, sizeof *c->old, cmp_entry);
	strbuf_release(&k);
	return found ? found->text : NULL;
}

void cache_note_put(struct cache *c, const char *key, const char *text)
{
	struct strbuf k = STRBUF_INIT;

	strbuf_addf(&k, "=%s", key);
	pthread_mutex_lock(&c->lock);
	XGROW(c->now, c->anow, c->nnow + 1);
	c->now[c->nnow].out = strbuf_detach(&k, NULL);
	c->now[c->nnow].hash = 0;
	c->now[c->nnow].text = xstrdup(text);
	c->nnow++;
	pthread_mutex_unlock(&c->lock);
}

static void blob_used(struct cache *c, unsigned long long key)
{
	pthread_mutex_lock(&c->lock);
	XGROW(c->blobs, c->ablobs, c->nblobs + 1);
	c->blobs[c->nblobs++] = key;
	pthread_mutex_unlock(&c->lock);
}

static char *blob_path(const struct cache *c, unsigned long long key)
{
	char *p = xmalloc(strlen(c->blob_dir) + 20);

	sprintf(p, "%s/%016llx", c->blob_dir, key);
	return p;
}

int cache_blob_get(struct cache *c, unsigned long long key, struct strbuf *out)
{
	char *path = blob_path(c, key);
	size_t before = out->len;
	int found = fs_read(path, out) == 0;

	free(path);
	if (!found) {
		strbuf_setlen(out, before);
		return 0;
	}
	blob_used(c, key);
	return 1;
}

void cache_blob_put(struct cache *c, unsigned long long key, const void *data, size_t len)
{
	/* written aside until the build has succeeded: a failed build
	 * leaves nothing new beside the output (cache_free removes it) */
	char *p = xmalloc(strlen(c->new_dir) + 20);

	sprintf(p, "%s/%016llx", c->new_dir, key);
	if (fs_write(p, data, len) == 0) {
		pthread_mutex_lock(&c->lock);
		XGROW(c->pending_keys, c->apending_keys, c->npending + 1);
		c->pending_keys[c->npending++] = key;
		pthread_mutex_unlock(&c->lock);
		blob_used(c, key);
	}
	free(p);
}

static int cmp_key(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Delete the blobs this build did not use. */
static void prune_blobs(const struct cache *c)
{
	struct fs_list files = { NULL, 0, 0 };
	unsigned long long *used = xmalloc((c->nblobs + 1) * sizeof *used);
	size_t i;

	if (!fs_is_dir(c->blob_dir)) {
		free(used);
		return;
	}
	memcpy(used, c->blobs, c->nblobs * sizeof *used);
	qsort(used, c->nblobs, sizeof *used, cmp_key);
	fs_list(c->blob_dir, NULL, &files, NULL);
	for (i = 0; i < files.n; i++) {
		unsigned long long k = strtoull(files.paths[i], NULL, 16);

		if (!bsearch(&k, used, c->nblobs, sizeof *used, cmp_key)) {
			char *p = fs_join(c->blob_dir, files.paths[i]);

			unlink(p);
			free(p);
		}
	}
	fs_list_release(&files);
	free(used);
}

int cache_save(const struct cache *c, const char *out_dir)
{
	char *path = cache_path(out_dir);
	struct strbuf text = STRBUF_INIT;
	struct entry *sorted = xmalloc((c->nnow + 1) * sizeof *sorted);
	size_t i;
	int ret;

	/* sorted, so the file is the same whatever order threads finished in */
	memcpy(sorted, c->now, c->nnow * sizeof *sorted);
	qsort(sorted, c->nnow, sizeof *sorted, cmp_entry);
	strbuf_adds(&text, CACHE_MAGIC "\n");
	for (i = 0; i < c->nnow; i++) {
		if (sorted[i].text) {
			strbuf_addf(&text, "%s ", sorted[i].out);
			add_escaped(&text, sorted[i].text);
			strbuf_addch(&text, '\n');
		} else {
			strbuf_addf(&text, "%016llx %s\n", sorted[i].hash, sorted[i].out);
		}
	}
	ret = fs_write(path, text.buf, text.len);
	if (c->npending)
		fs_mkdirs(c->blob_dir);
	for (i = 0; i < c->npending; i++) {
		char *to = blob_path(c, c->pending_keys[i]);
		char *from = xmalloc(strlen(c->new_dir) + 20);

		sprintf(from, "%s/%016llx", c->new_dir, c->pending_keys[i]);
		rename(from, to);
		free(from);
		free(to);
	}
	fs_remove_tree(c->new_dir);
	prune_blobs(c);
	free(sorted);
	strbuf_release(&text);
	free(path);
	return ret;
}

void cache_free(struct cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nold; i++) {
		free(c->old[i].out);
		free(c->old[i].text);
	}
	for (i = 0; i < c->nnow; i++) {
		free(c->now[i].out);
		free(c->now[i].text);
	}
	free(c->old);
	free(c->now);
	fs_remove_tree(c->new_dir); /* a build that did not save */
	free(c->new_dir);
	free(c->pending_keys);
	free(c->blobs);
	free(c->blob_dir);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
