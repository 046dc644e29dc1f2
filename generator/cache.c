/* cache: what each output was made from at the last build. */
#include "cache.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "strbuf.h"
#include "value.h"
#include "xalloc.h"

/* A note ("=key") and its text, or an output, its hash and its deps
 * (text); out and text are the last build's loaded ones when borrowed. */
struct entry {
	char *out;
	unsigned long long hash;
	char *text;
	int borrowed;
	size_t rank; /* a kept page's place among the last build's (sorted),
		      * else (size_t)-1 */
	int recent;  /* a kept page's entry came from the recent file */
};

/* An output of the last build, pointing into the loaded text. */
struct page_entry {
	const char *out;
	unsigned long long hash;
	const char *deps;
	signed char there; /* cache_look: 1 a file, 0 not, -1 not looked at */
	unsigned char recent; /* from the recent file (see pages_parse) */
};

/* A blob in the pack: its key and where its bytes are in the mapping. */
struct blob {
	unsigned long long key;
	size_t off, len;
	unsigned long long check; /* value_hash_fast of the bytes, from the key */
};

struct cache {
	struct entry *old;     /* notes from the last build, sorted by key */
	size_t nold;
	char *pages_path;      /* "<cache>.pages": the last build's outputs */
	unsigned long long pages_check; /* what the main file says that holds */
	int has_pages;         /* the main file names a pages file */
	char *pages_text;      /* read and parsed when first asked for */
	char *recent_path;     /* "<cache>.pages-recent": entries since pages_path */
	char *writing_path;    /* "<cache>.writing": see cache_writing */
	int interrupted;       /* it was there when the cache was loaded */
	unsigned long long recent_check;
	int has_recent;
	char *recent_text;
	struct page_entry *pages; /* ... then, sorted by out */
	size_t npages;
	uint32_t *page_slot;   /* pages by out: open addressing on its hash, a
				* power of two at least twice npages (index + 1) */
	size_t page_mask;
	atomic_int pages_ready;
	struct entry *now;     /* this build's, in any order */
	size_t nnow, anow;
	pthread_mutex_t lock;
	char *pack_path;       /* "<parent>/.waymark-cache-<name>.pack" */
	char *new_path;        /* this build's new blobs, until cache_save */
	atomic_int pack_ready; /* the pack is read (when first needed) */
	char *index_path;      /* "<pack>.idx": where each record is */
	struct blob *recs;     /* the pack's records, as its index lists them
				* (by key) or, without one, in file order */
	size_t nrecs;
	struct blob *fresh;    /* this build's, at their offsets in new_path */
	size_t nfresh, afresh;
	size_t new_size;       /* bytes in new_path */
	const char *map;       /* the pack, mapped; NULL when there is none */
	size_t map_len;
	size_t valid_end;      /* where the last whole record of the pack ends */
	struct blob *blobs;    /* the pack's records, sorted by key */
	size_t nblobs;
	atomic_uchar *used;    /* per record: got in this build */
	int out_exists;        /* the output directory is there (else no pack) */
	int new_fd;            /* new_path, open once a blob is put */
	struct strbuf pending; /* records not yet written to new_path */
	int new_failed;        /* writing new_path failed: keep nothing new */
};

#define CACHE_MAGIC "waymark-cache 3"
#define PAGES_LINE "%pages "
#define RECENT_LINE "%recent "

static void pack_load(struct cache *c);

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
	c->pack_path = xmalloc(strlen(path) + 6);
	sprintf(c->pack_path, "%s.pack", path);
	c->new_path = xmalloc(strlen(path) + 10);
	sprintf(c->new_path, "%s.pack.new", path);
	c->new_fd = -1;
	strbuf_init(&c->pending, 0);
	c->index_path = xmalloc(strlen(path) + 10);
	sprintf(c->index_path, "%s.pack.idx", path);
	c->out_exists = fs_is_dir(out_dir);
	c->pages_path = xmalloc(strlen(path) + 7);
	sprintf(c->pages_path, "%s.pages", path);
	c->recent_path = xmalloc(strlen(path) + 14);
	sprintf(c->recent_path, "%s.pages-recent", path);
	c->writing_path = xmalloc(strlen(path) + 9);
	sprintf(c->writing_path, "%s.writing", path);
	c->interrupted = access(c->writing_path, F_OK) == 0;
	if (fs_is_dir(out_dir) && !c->interrupted && fs_read(path, &text) == 0 &&
	    !strncmp(text.buf, CACHE_MAGIC "\n", strlen(CACHE_MAGIC) + 1)) {
		for (line = strtok_r(text.buf + strlen(CACHE_MAGIC) + 1, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *sp = strchr(line, ' ');

			if (!strncmp(line, PAGES_LINE, strlen(PAGES_LINE))) {
				c->pages_check = strtoull(line + strlen(PAGES_LINE), NULL, 16);
				c->has_pages = 1;
				continue;
			}
			if (!strncmp(line, RECENT_LINE, strlen(RECENT_LINE))) {
				c->recent_check = strtoull(line + strlen(RECENT_LINE), NULL, 16);
				c->has_recent = 1;
				continue;
			}
			if (!sp || line[0] != '=')
				continue;
			*sp = '\0';
			XGROW(c->old, alloc, c->nold + 1);
			c->old[c->nold].out = xstrdup(line); /* "=key text" */
			c->old[c->nold].text = unescape(sp + 1);
			c->old[c->nold].hash = 0;
			c->old[c->nold].borrowed = 0;
			c->nold++;
		}
		if (c->nold)
			qsort(c->old, c->nold, sizeof *c->old, cmp_entry);
	}
	strbuf_release(&text);
	free(path);
	return c;
}

static int cmp_page(const void *a, const void *b)
{
	return strcmp(((const struct page_entry *)a)->out, ((const struct page_entry *)b)->out);
}

/* A pages file's text, when its check is `check`; else NULL. */
static char *pages_read(const char *path, unsigned long long check)
{
	struct strbuf sb = STRBUF_INIT;

	if (fs_read(path, &sb) == 0 && value_hash_fast(sb.buf, sb.len, VALUE_HASH_SEED) == check)
		return strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return NULL;
}

/* The entries of a pages file's `text` (split in place), sorted by out. */
static struct page_entry *pages_lines(char *text, int recent, size_t *n)
{
	struct page_entry *pages = NULL;
	size_t alloc = 0, i;
	char *p, *nl;

	*n = 0;
	for (p = text; p && (nl = strchr(p, '\n')); p = nl + 1) {
		char *t1, *t2;
		const char *end;

		*nl = '\0';
		t1 = strchr(p, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		*t1 = *t2 = '\0';
		XGROW(pages, alloc, *n + 1);
		strbuf_read_hex(p, &pages[*n].hash, &end);
		pages[*n].out = t1 + 1;
		pages[*n].deps = t2 + 1;
		pages[*n].there = -1;
		pages[*n].recent = (unsigned char)recent;
		(*n)++;
	}
	/* cache_save wrote them sorted: sort only what was not */
	for (i = 1; i < *n && cmp_page(&pages[i - 1], &pages[i]) < 0; i++)
		;
	if (i < *n)
		qsort(pages, *n, sizeof *pages, cmp_page);
	return pages;
}

/*
 * The last build's outputs, in their own files so that a build that finds
 * nothing changed never reads them: a line each, "hash\tout\tdeps", read
 * and split in place by the first thread that asks. The main file holds
 * their checks: written first, a pages file is only believed with the main
 * file written after it.
 *
 * The pages file has every page as some build left it; the recent file,
 * when the main file names one, the pages that builds since then rendered
 * (cache_save), which take the place of the pages file's. A rebuild that
 * renders 11 pages of 10,000 writes those, not 5 MB again.
 */
static void pages_parse(struct cache *c)
{
	size_t i;

	if (atomic_load_explicit(&c->pages_ready, memory_order_acquire))
		return;
	pthread_mutex_lock(&c->lock);
	if (!atomic_load_explicit(&c->pages_ready, memory_order_relaxed)) {
		if (c->has_pages)
			c->pages_text = pages_read(c->pages_path, c->pages_check);
		if (c->pages_text && c->has_recent &&
		    !(c->recent_text = pages_read(c->recent_path, c->recent_check))) {
			free(c->pages_text); /* not as the last build left them */
			c->pages_text = NULL;
		}
		c->pages = pages_lines(c->pages_text, 0, &c->npages);
		if (c->recent_text) {
			size_t nr, j, n = 0;
			struct page_entry *r = pages_lines(c->recent_text, 1, &nr);
			struct page_entry *all = xmalloc((c->npages + nr + 1) * sizeof *all);

			for (i = j = 0; i < c->npages || j < nr;) {
				int cmp = i == c->npages ? 1 : j == nr ? -1 :
							cmp_page(&c->pages[i], &r[j]);

				if (cmp < 0) {
					all[n++] = c->pages[i++];
				} else {
					i += cmp == 0; /* the recent one takes its place */
					all[n++] = r[j++];
				}
			}
			free(c->pages);
			free(r);
			c->pages = all;
			c->npages = n;
		}
		/* a rebuild looks up each of 10,000 pages three times */
		c->page_mask = 15;
		while (c->page_mask + 1 < 2 * c->npages)
			c->page_mask = c->page_mask * 2 + 1;
		c->page_slot = xcalloc(c->page_mask + 1, sizeof *c->page_slot);
		for (i = 0; i < c->npages; i++) {
			size_t h = value_hash_fast(c->pages[i].out, strlen(c->pages[i].out),
						   VALUE_HASH_SEED) & c->page_mask;

			while (c->page_slot[h])
				h = (h + 1) & c->page_mask;
			c->page_slot[h] = (uint32_t)(i + 1);
		}
		atomic_store_explicit(&c->pages_ready, 1, memory_order_release);
	}
	pthread_mutex_unlock(&c->lock);
}

static const struct page_entry *page_find(struct cache *c, const char *out)
{
	size_t h;

	pages_parse(c);
	if (!c->npages)
		return NULL;
	for (h = value_hash_fast(out, strlen(out), VALUE_HASH_SEED) & c->page_mask; c->page_slot[h];
	     h = (h + 1) & c->page_mask)
		if (!strcmp(c->pages[c->page_slot[h] - 1].out, out))
			return &c->pages[c->page_slot[h] - 1];
	return NULL;
}

unsigned long long cache_get(struct cache *c, const char *out, const char **deps)
{
	const struct page_entry *e = page_find(c, out);

	if (deps)
		*deps = e ? e->deps : "";
	return e ? e->hash : 0;
}

size_t cache_pages(struct cache *c)
{
	pages_parse(c);
	return c->npages;
}

unsigned long long cache_page(struct cache *c, size_t rank, const char **deps)
{
	*deps = c->pages[rank].deps;
	return c->pages[rank].hash;
}

long cache_rank(struct cache *c, const char *out)
{
	const struct page_entry *e = page_find(c, out);

	return e ? (long)(e - c->pages) : -1;
}

void cache_look(struct cache *c, int dirfd)
{
	size_t i;

	pages_parse(c);
	for (i = 0; i < c->npages; i++) {
		struct stat st;

		c->pages[i].there = dirfd < 0 || (fstatat(dirfd, c->pages[i].out, &st, 0) == 0 &&
						   S_ISREG(st.st_mode));
	}
}

int cache_there(struct cache *c, long rank)
{
	return rank >= 0 && (size_t)rank < c->npages ? c->pages[rank].there : -1;
}

/* Add an entry to this build's (taking out and text; borrowed: see
 * struct entry). */
static void put_now(struct cache *c, char *out, unsigned long long hash, char *text, int borrowed,
		    size_t rank, int recent)
{
	pthread_mutex_lock(&c->lock);
	XGROW(c->now, c->anow, c->nnow + 1);
	c->now[c->nnow].out = out;
	c->now[c->nnow].hash = hash;
	c->now[c->nnow].text = text;
	c->now[c->nnow].borrowed = borrowed;
	c->now[c->nnow].rank = rank;
	c->now[c->nnow].recent = recent;
	c->nnow++;
	pthread_mutex_unlock(&c->lock);
}

void cache_keep(struct cache *c, long rank)
{
	const struct page_entry *e;

	if (rank < 0 || (size_t)rank >= c->npages)
		return;
	/* the loaded text lives as long as the cache: no copies */
	e = &c->pages[rank];
	put_now(c, (char *)e->out, e->hash, (char *)e->deps, 1, (size_t)rank, e->recent);
}

void cache_put(struct cache *c, const char *out, unsigned long long hash, const char *deps)
{
	if (out[0] == '=' || strpbrk(out, "\t\n"))
		return; /* not kept: the page is rendered next time */
	put_now(c, xstrdup(out), hash, xstrdup(deps && !strchr(deps, '\n') ? deps : ""), 0,
		(size_t)-1, 0);
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
	put_now(c, strbuf_detach(&k, NULL), 0, xstrdup(text), 0, (size_t)-1, 0);
}

/*
 * Blobs live in one pack file beside the cache rather than a file each (a
 * build of 10,000 pages would otherwise create 10,000 files just for its
 * cache): "waymark-pack 2\n", then records of an 8-byte key, a 4-byte
 * length, an 8-byte check of the bytes and the bytes, in this machine's
 * byte order. A blob whose bytes do not match its check (a damaged file)
 * is not given out. Blobs put in
 * a build go to "<pack>.new" and join the pack only in cache_save, so a
 * failed build adds nothing. The pack is appended to, and rewritten with
 * only the blobs in use once more than half of it is unused.
 */
#define PACK_MAGIC "waymark-pack 2\n"
#define PACK_HEAD (2 * sizeof(unsigned long long) + sizeof(uint32_t))

static int cmp_blob(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static int blobs_sorted(const struct blob *a, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (cmp_blob(&a[i - 1], &a[i]) > 0)
			return 0;
	return 1;
}

/*
 * The index beside the pack: "waymark-pack-index 1\n", the pack's size,
 * the number of records, then per record its key, offset, length and
 * check (8, 8, 4 and 8 bytes). It spares reading every record's head, all
 * through the pack, to find them; it is believed only when the pack has
 * the size it says.
 */
#define INDEX_MAGIC "waymark-pack-index 1\n"
#define INDEX_REC 28

static int index_load(struct cache *c)
{
	struct strbuf sb = STRBUF_INIT;
	uint64_t size, n, i;
	const char *p;
	int ok = 0;

	if (fs_read(c->index_path, &sb) == 0 && sb.len >= strlen(INDEX_MAGIC) + 16 &&
	    !memcmp(sb.buf, INDEX_MAGIC, strlen(INDEX_MAGIC))) {
		p = sb.buf + strlen(INDEX_MAGIC);
		memcpy(&size, p, 8);
		memcpy(&n, p + 8, 8);
		p += 16;
		if (size == c->map_len && n <= (sb.len - (size_t)(p - sb.buf)) / INDEX_REC &&
		    sb.len == (size_t)(p - sb.buf) + n * INDEX_REC) {
			c->recs = xmalloc((n + 1) * sizeof *c->recs);
			for (i = 0; i < n; i++, p += INDEX_REC) {
				struct blob *b = &c->recs[i];
				uint64_t off;
				uint32_t len;

				memcpy(&b->key, p, 8);
				memcpy(&off, p + 8, 8);
				memcpy(&len, p + 16, 4);
				memcpy(&b->check, p + 20, 8);
				if (off > c->map_len || len > c->map_len - off)
					break;
				b->off = (size_t)off;
				b->len = len;
			}
			c->nrecs = (size_t)i;
			ok = i == n;
			c->valid_end = c->map_len;
		}
	}
	strbuf_release(&sb);
	return ok ? 0 : -1;
}

/* Every record's head, from the start of the pack. */
static void pack_scan(struct cache *c)
{
	size_t off, alloc = 0;

	free(c->recs);
	c->recs = NULL;
	c->nrecs = 0;
	for (off = strlen(PACK_MAGIC); off + PACK_HEAD <= c->map_len;) {
		struct blob b;
		uint32_t len;

		memcpy(&b.key, c->map + off, sizeof b.key);
		memcpy(&len, c->map + off + sizeof b.key, sizeof len);
		memcpy(&b.check, c->map + off + sizeof b.key + sizeof len, sizeof b.check);
		if (len > c->map_len - off - PACK_HEAD)
			break; /* cut short (a build stopped while appending) */
		b.off = off + PACK_HEAD;
		b.len = len;
		XGROW(c->recs, alloc, c->nrecs + 1);
		c->recs[c->nrecs++] = b;
		off = b.off + b.len;
	}
	c->valid_end = off;
}

/* Map the pack and find its records: once, when a blob is first asked for
 * or the cache is saved (a build that finds nothing changed never does). */
static void pack_load(struct cache *c)
{
	int fd;
	struct stat st;
	size_t i, n;
	void *m;

	if (atomic_load_explicit(&c->pack_ready, memory_order_acquire))
		return;
	pthread_mutex_lock(&c->lock);
	if (atomic_load_explicit(&c->pack_ready, memory_order_relaxed) || !c->out_exists)
		goto done;
	fd = open(c->pack_path, O_RDONLY);
	if (fd < 0)
		goto done;
	if (fstat(fd, &st) < 0 || (size_t)st.st_size < strlen(PACK_MAGIC) ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		close(fd);
		goto done;
	}
	close(fd);
	c->map = m;
	c->map_len = (size_t)st.st_size;
	if (memcmp(c->map, PACK_MAGIC, strlen(PACK_MAGIC)))
		goto done; /* not a pack: cache_save replaces it */
	if (index_load(c) < 0)
		pack_scan(c);
	/* sorted by key; of two records with one key, the later one wins */
	c->blobs = xmalloc((c->nrecs + 1) * sizeof *c->blobs);
	if (c->nrecs)
		memcpy(c->blobs, c->recs, c->nrecs * sizeof *c->blobs);
	c->nblobs = c->nrecs;
	/* the index is written sorted (index_order); a scanned pack is not */
	if (!blobs_sorted(c->blobs, c->nblobs))
		qsort(c->blobs, c->nblobs, sizeof *c->blobs, cmp_blob);
	for (i = n = 0; i < c->nblobs; i++) {
		if (n && c->blobs[n - 1].key == c->blobs[i].key)
			n--;
		c->blobs[n++] = c->blobs[i];
	}
	c->nblobs = n;
	c->used = xcalloc(n + 1, sizeof *c->used);
done:
	atomic_store_explicit(&c->pack_ready, 1, memory_order_release);
	pthread_mutex_unlock(&c->lock);
}

/* The pack's record for key, or NULL. */
static const struct blob *blob_find(struct cache *c, unsigned long long key)
{
	size_t lo, hi;

	pack_load(c);
	lo = 0;
	hi = c->nblobs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->blobs[mid].key < key) {
			lo = mid + 1;
		} else if (c->blobs[mid].key > key) {
			hi = mid;
		} else {
			return &c->blobs[mid];
		}
	}
	return NULL;
}

/* Keep b for the next build (a byte of its own: no lock; the threads
 * that set them are joined before cache_save reads them). */
static void blob_used(struct cache *c, const struct blob *b)
{
	atomic_store_explicit(&c->used[b - c->blobs], 1, memory_order_relaxed);
}

const char *cache_blob_view(struct cache *c, unsigned long long key, size_t *len)
{
	const struct blob *b = blob_find(c, key);

	if (!b || value_hash_fast(c->map + b->off, b->len, key) != b->check)
		return NULL;
	blob_used(c, b);
	*len = b->len;
	return c->map + b->off;
}

int cache_blob_get(struct cache *c, unsigned long long key, struct strbuf *out)
{
	size_t len;
	const char *data = cache_blob_view(c, key, &len);

	if (!data)
		return 0;
	strbuf_add(out, data, len);
	return 1;
}

int cache_blob_has(struct cache *c, unsigned long long key)
{
	const struct blob *b = blob_find(c, key);

	if (b)
		blob_used(c, b);
	return b != NULL;
}

/*
 * Records wait in `pending` and reach new_path a mebibyte at a time: a
 * write for each record's head and another for its bytes made a full
 * build of 10,000 pages 38,000 system calls, each under the lock.
 */
#define PENDING_MAX (1u << 20)

/* Append one record, with its check, to the records waiting. */
static void put_record(struct cache *c, unsigned long long key, const void *data, size_t len,
		       unsigned long long check)
{
	uint32_t n = (uint32_t)len;

	strbuf_add(&c->pending, &key, sizeof key);
	strbuf_add(&c->pending, &n, sizeof n);
	strbuf_add(&c->pending, &check, sizeof check);
	strbuf_add(&c->pending, data, len);
}

/* Write the records waiting to new_path. 0, or -1 (new_failed is set). */
static int flush_pending(struct cache *c)
{
	if (!c->new_failed && c->pending.len && fs_write_fd(c->new_fd, c->pending.buf, c->pending.len) < 0)
		c->new_failed = 1;
	strbuf_reset(&c->pending);
	return c->new_failed ? -1 : 0;
}

/* Open new_path for this build's blobs, with the pack's magic waiting. */
static int open_new(struct cache *c)
{
	c->new_fd = open(c->new_path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	c->new_failed = c->new_fd < 0;
	strbuf_reset(&c->pending);
	strbuf_adds(&c->pending, PACK_MAGIC);
	c->new_size = strlen(PACK_MAGIC);
	return c->new_failed ? -1 : 0;
}

void cache_read_only(struct cache *c)
{
	pthread_mutex_lock(&c->lock);
	c->new_failed = 1; /* (as when the new pack could not be written) */
	pthread_mutex_unlock(&c->lock);
}

void cache_blob_put(struct cache *c, unsigned long long key, const void *data, size_t len)
{
	if (len > UINT32_MAX)
		return;
	pthread_mutex_lock(&c->lock);
	if (c->new_fd < 0 && !c->new_failed)
		open_new(c);
	if (!c->new_failed) {
		struct blob b = { key, c->new_size + PACK_HEAD, len, value_hash_fast(data, len, key) };

		put_record(c, key, data, len, b.check);
		XGROW(c->fresh, c->afresh, c->nfresh + 1);
		c->fresh[c->nfresh++] = b;
		c->new_size += PACK_HEAD + len;
		if (c->pending.len >= PENDING_MAX)
			flush_pending(c);
	}
	pthread_mutex_unlock(&c->lock);
}

/* Copy the records of `from` (a pack file) after its magic to the end of fd. */
static int append_file(int fd, const char *from)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	if (fs_read(from, &sb) == 0 && sb.len >= strlen(PACK_MAGIC))
		ret = fs_write_fd(fd, sb.buf + strlen(PACK_MAGIC), sb.len - strlen(PACK_MAGIC));
	strbuf_release(&sb);
	return ret;
}

/* The records of a (at offsets + shift_a) and b (+ shift_b), in cmp_blob's
 * order, so that pack_load need not sort them: a, as pack_load left it, is
 * mostly sorted already, and b (this build's) is few. */
static struct blob *index_order(const struct blob *a, size_t na, size_t shift_a,
				const struct blob *b, size_t nb, size_t shift_b)
{
	struct blob *all = xmalloc((na + nb + 1) * sizeof *all), *x = all, *y = all + na;
	struct blob *out = xmalloc((na + nb + 1) * sizeof *out);
	size_t i, j, k;

	for (i = 0; i < na; i++) {
		all[i] = a[i];
		all[i].off += shift_a;
	}
	for (i = 0; i < nb; i++) {
		all[na + i] = b[i];
		all[na + i].off += shift_b;
	}
	if (!blobs_sorted(x, na))
		qsort(x, na, sizeof *x, cmp_blob);
	if (nb)
		qsort(y, nb, sizeof *y, cmp_blob);
	for (i = j = k = 0; i < na || j < nb;)
		out[k++] = j == nb || (i < na && cmp_blob(&x[i], &y[j]) <= 0) ? x[i++] : y[j++];
	free(all);
	return out;
}

/* Write the index of a pack of `size` bytes: the records of `a` and `b`
 * (either may be NULL), each record's offset moved by its list's `shift`,
 * in index_order's order. */
static void index_write(const struct cache *c, size_t size, const struct blob *a, size_t na,
			size_t shift_a, const struct blob *b, size_t nb, size_t shift_b)
{
	struct strbuf sb = STRBUF_INIT;
	struct blob *all = index_order(a, na, shift_a, b, nb, shift_b);
	uint64_t v;
	size_t i;

	strbuf_adds(&sb, INDEX_MAGIC);
	v = size;
	strbuf_add(&sb, &v, 8);
	v = na + nb;
	strbuf_add(&sb, &v, 8);
	for (i = 0; i < na + nb; i++) {
		const struct blob *r = &all[i];
		uint64_t off = r->off;
		uint32_t len = (uint32_t)r->len;

		strbuf_add(&sb, &r->key, 8);
		strbuf_add(&sb, &off, 8);
		strbuf_add(&sb, &len, 4);
		strbuf_add(&sb, &r->check, 8);
	}
	free(all);
	if (fs_write(c->index_path, sb.buf, sb.len) < 0)
		unlink(c->index_path); /* a wrong index is only ever ignored, but still */
	strbuf_release(&sb);
}

/* Make the pack this build's: the blobs got or put in it, and maybe
 * others from earlier builds while they are fewer than half. */
static void pack_save(struct cache *c)
{
	size_t live = 0, dead, i, nkept = 0;
	struct blob *kept;
	int fd;

	pack_load(c);
	for (i = 0; i < c->nblobs; i++)
		if (c->used[i])
			live += PACK_HEAD + c->blobs[i].len;
	dead = c->map ? c->valid_end - strlen(PACK_MAGIC) - live : 0;
	if (c->new_fd >= 0)
		flush_pending(c);
	if (c->new_failed)
		return; /* the pack stays as it was: only costs time */
	if (c->map && c->nblobs && dead <= live) {
		if (c->new_fd < 0) {
			if (!fs_is_file(c->index_path))
				index_write(c, c->valid_end, c->recs, c->nrecs, 0, NULL, 0, 0);
			return; /* nothing new */
		}
		/* append: after the last whole record, in case one was cut short */
		fd = open(c->pack_path, O_WRONLY);
		if (fd >= 0 && ftruncate(fd, (off_t)c->valid_end) == 0 &&
		    lseek(fd, 0, SEEK_END) >= 0 && append_file(fd, c->new_path) == 0)
			index_write(c, c->valid_end + c->new_size - strlen(PACK_MAGIC), c->recs,
				    c->nrecs, 0, c->fresh, c->nfresh,
				    c->valid_end - strlen(PACK_MAGIC));
		else
			unlink(c->index_path);
		if (fd >= 0)
			close(fd);
		return;
	}
	/* rewrite: the new blobs, then the old ones still in use */
	if (c->new_fd < 0 && open_new(c) < 0)
		return;
	kept = xmalloc((c->nblobs + 1) * sizeof *kept);
	for (i = 0; i < c->nblobs; i++) {
		if (!c->used[i])
			continue;
		/* the old check, so a damaged record stays one */
		put_record(c, c->blobs[i].key, c->map + c->blobs[i].off, c->blobs[i].len,
			   c->blobs[i].check);
		kept[nkept] = c->blobs[i];
		kept[nkept++].off = c->new_size + PACK_HEAD;
		c->new_size += PACK_HEAD + c->blobs[i].len;
		if (c->pending.len >= PENDING_MAX && flush_pending(c) < 0)
			break;
	}
	if (flush_pending(c) < 0) {
		free(kept);
		return;
	}
	unlink(c->index_path);
	if (close(c->new_fd) == 0 && rename(c->new_path, c->pack_path) == 0)
		index_write(c, c->new_size, c->fresh, c->nfresh, 0, kept, nkept, 0);
	c->new_fd = -1;
	free(kept);
}

/*
 * This build's entries sorted by out, so the file is the same whatever
 * order threads finished in. The pages kept as they were are in the last
 * build's order already (c->pages is sorted): only the others are sorted,
 * then merged in (a rebuild that renders 11 pages of 10,000 sorts 11).
 */
static struct entry *sort_now(struct cache *c)
{
	struct entry *sorted = xmalloc((c->nnow + 1) * sizeof *sorted), *fresh;
	const struct entry **kept = xcalloc(c->npages + 1, sizeof *kept);
	size_t i, j, n = 0, nfresh = 0;

	fresh = xmalloc((c->nnow + 1) * sizeof *fresh);
	for (i = 0; i < c->nnow; i++) {
		const struct entry *e = &c->now[i];

		if (e->rank < c->npages && !kept[e->rank])
			kept[e->rank] = e;
		else
			fresh[nfresh++] = *e;
	}
	if (nfresh)
		qsort(fresh, nfresh, sizeof *fresh, cmp_entry);
	for (i = j = 0; i < c->npages || j < nfresh;) {
		while (i < c->npages && !kept[i])
			i++;
		if (i < c->npages && (j == nfresh || strcmp(kept[i]->out, fresh[j].out) <= 0))
			sorted[n++] = *kept[i++];
		else if (j < nfresh)
			sorted[n++] = fresh[j++];
	}
	free(kept);
	free(fresh);
	return sorted;
}

/* An entry the last build's pages file has as it is. */
static int in_pages_file(const struct entry *e)
{
	return e->borrowed && !e->recent;
}

/*
 * Whether this build's entries can be written as the last build's pages
 * file, left as it is, and a recent file of the others: every page the
 * pages file and the recent file had is made again (kept or rendered: no
 * page went), and the others are at most a quarter of them (else the
 * pages file is written anew: the recent file, written whole by each
 * build, grows with the pages rendered since).
 */
static int recent_will_do(struct cache *c, const struct entry *sorted, size_t n)
{
	size_t i, again = 0, others = 0;

	if (!c->pages_text || !c->npages)
		return 0;
	for (i = 0; i < n; i++) {
		if (sorted[i].out[0] == '=')
			continue;
		if ((sorted[i].borrowed && sorted[i].rank < c->npages) || page_find(c, sorted[i].out))
			again++;
		others += !in_pages_file(&sorted[i]);
	}
	return again == c->npages && others * 4 <= c->npages;
}

int cache_save(struct cache *c, const char *out_dir)
{
	char *path = cache_path(out_dir);
	struct strbuf text = STRBUF_INIT;
	struct entry *sorted = sort_now(c);
	unsigned long long check;
	size_t i;
	int ret, recent = recent_will_do(c, sorted, c->nnow);

	for (i = 0; i < c->nnow; i++) {
		if (sorted[i].out[0] == '=' || (recent && in_pages_file(&sorted[i])))
			continue;
		/* "hash\tout\tdeps\n", without printf: 10,000 lines and more */
		strbuf_add_hex(&text, sorted[i].hash, 1);
		strbuf_addch(&text, '\t');
		strbuf_adds(&text, sorted[i].out);
		strbuf_addch(&text, '\t');
		strbuf_adds(&text, sorted[i].text);
		strbuf_addch(&text, '\n');
	}
	ret = fs_write(recent ? c->recent_path : c->pages_path, text.buf, text.len);
	check = value_hash_fast(text.buf, text.len, VALUE_HASH_SEED);
	strbuf_reset(&text);
	strbuf_adds(&text, CACHE_MAGIC "\n");
	if (ret == 0 && recent)
		strbuf_addf(&text, "%%pages %016llx\n%%recent %016llx\n", c->pages_check,
			    check);
	else if (ret == 0)
		strbuf_addf(&text, "%%pages %016llx\n", check); /* PAGES_LINE */
	if (!recent)
		unlink(c->recent_path);
	for (i = 0; i < c->nnow; i++)
		if (sorted[i].out[0] == '=') {
			strbuf_addf(&text, "%s ", sorted[i].out);
			add_escaped(&text, sorted[i].text);
			strbuf_addch(&text, '\n');
		}
	ret |= fs_write(path, text.buf, text.len);
	pack_save(c);
	/* blobs were a file each in a directory before waymark 0.2 */
	{
		char *old_dir = xmalloc(strlen(path) + 3);

		sprintf(old_dir, "%s.d", path);
		if (fs_is_dir(old_dir))
			fs_remove_tree(old_dir);
		free(old_dir);
	}
	free(sorted);
	strbuf_release(&text);
	free(path);
	return ret;
}

/*
 * After a build that rendered no page through the cache (the quick path):
 * the main file again, with this build's notes over the last build's; the
 * pages file and the pack stay as they are.
 */
int cache_save_notes(struct cache *c, const char *out_dir)
{
	char *path = cache_path(out_dir);
	struct strbuf text = STRBUF_INIT;
	size_t i, j;
	int ret;

	strbuf_adds(&text, CACHE_MAGIC "\n");
	if (c->has_pages)
		strbuf_addf(&text, "%%pages %016llx\n", c->pages_check);
	if (c->has_pages && c->has_recent)
		strbuf_addf(&text, "%%recent %016llx\n", c->recent_check);
	for (i = 0; i < c->nold; i++) {
		for (j = 0; j < c->nnow && strcmp(c->now[j].out, c->old[i].out); j++)
			;
		if (j < c->nnow)
			continue; /* this build's is written below */
		strbuf_addf(&text, "%s ", c->old[i].out);
		add_escaped(&text, c->old[i].text);
		strbuf_addch(&text, '\n');
	}
	for (i = 0; i < c->nnow; i++)
		if (c->now[i].out[0] == '=') {
			strbuf_addf(&text, "%s ", c->now[i].out);
			add_escaped(&text, c->now[i].text);
			strbuf_addch(&text, '\n');
		}
	ret = fs_write(path, text.buf, text.len);
	strbuf_release(&text);
	free(path);
	return ret;
}

int cache_writing(struct cache *c)
{
	int fd = open(c->writing_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);

	return fd < 0 ? -1 : close(fd);
}

void cache_discard_new(const struct cache *c)
{
	if (c && c->new_path)
		unlink(c->new_path);
}

void cache_written(struct cache *c)
{
	unlink(c->writing_path);
	c->interrupted = 0;
}

int cache_interrupted(const struct cache *c)
{
	return c->interrupted;
}

char *cache_file(const char *out_dir, const char *suffix)
{
	char *path = cache_path(out_dir);
	char *full = xmalloc(strlen(path) + strlen(suffix) + 1);

	sprintf(full, "%s%s", path, suffix);
	free(path);
	return full;
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
	for (i = 0; i < c->nnow; i++)
		if (!c->now[i].borrowed) {
			free(c->now[i].out);
			free(c->now[i].text);
		}
	free(c->old);
	free(c->now);
	free(c->pages_text);
	free(c->pages_path);
	free(c->recent_text);
	free(c->recent_path);
	free(c->writing_path);
	free(c->pages);
	free(c->page_slot);
	if (c->new_fd >= 0) { /* a build that did not save */
		close(c->new_fd);
		unlink(c->new_path);
	}
	if (c->map)
		munmap((void *)c->map, c->map_len);
	free(c->new_path);
	free(c->pack_path);
	free(c->index_path);
	free(c->recs);
	free(c->fresh);
	strbuf_release(&c->pending);
	free(c->blobs);
	free(c->used);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
