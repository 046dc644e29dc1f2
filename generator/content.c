/* content: every file under content/, read once into documents. */
#include "content.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "frontmatter.h"
#include "fsutil.h"
#include "picture.h"
#include "slug.h"
#include "strbuf.h"
#include "threads.h"
#include "xalloc.h"
#include "yamlread.h"

void content_free_doc(struct doc *d)
{
	if (!d)
		return;
	value_free(d->meta);
	free(d->meta_block);
	free(d->rel);
	free(d->path);
	free(d->body);
	free(d->url);
	free(d->out);
	free(d->html);
	free(d->html_joined);
	value_free(d->toc);
	free(d);
}

static struct doc *load_markdown(struct doc *d, struct strbuf *text, struct diag_list *dl)
{
	struct frontmatter fm;
	struct value *draft;

	if (frontmatter_split(text->buf, text->len, &fm) < 0) {
		struct pos p = { d->path, 1, 1 };

		diag_error(dl, &p, "front matter opened here is never closed with '---'");
		return NULL;
	}
	if (fm.present) {
		d->meta = yamlread_parse(d->path, text->buf + fm.yaml_off, fm.yaml_len,
					 fm.yaml_line - 1, dl);
		if (!d->meta)
			return NULL;
		if (d->meta->kind == VALUE_NULL) {
			value_free(d->meta);
			d->meta = NULL;
		} else if (d->meta->kind != VALUE_MAP) {
			diag_error(dl, &d->meta->pos, "front matter must be a map of fields, not a %s",
				   value_kind_name(d->meta->kind));
			return NULL;
		}
	}
	if (!d->meta) {
		struct pos p = { d->path, 1, 1 };

		d->meta = value_new(VALUE_MAP, &p);
	}
	draft = value_get(d->meta, "draft");
	if (draft && draft->kind != VALUE_BOOL) {
		diag_error(dl, &draft->pos, "'draft' must be true or false, not a %s",
			   value_kind_name(draft->kind));
		return NULL;
	}
	d->draft = draft && draft->boolean;
	d->body_len = text->len - fm.body_off;
	d->body = xstrndup(text->buf + fm.body_off, d->body_len);
	content_hash_body(d);
	d->body_line = fm.body_line;
	d->is_markdown = 1;
	slug_url_of(d->rel, &d->url, &d->out);
	return d;
}

/*
 * Parsed documents are kept in the build cache, a blob per file named by
 * the program, the file's name, size, times and inode, and without the
 * Markdown body (its hash only): a build parses only the files that
 * changed since the last one, and reads a body again only to render it
 * (content_body). A blob: is_markdown, draft, body_line, body_len,
 * body_hash, meta_hash, the URL and output file, the tree's size (struct
 * tree_size), then the tree: its nodes, its maps' members and its lists'
 * items as records of a fixed size that name each other and their text by
 * place (struct packed_node ...), then all the text. A rebuild reads
 * 10,000 of them: a record at a time and the text in one copy, they cost
 * a third of reading a tree a field at a time, and a URL kept costs a
 * tenth of working it out again.
 */
static unsigned long long doc_key(unsigned long long seed, const char *rel, const struct stat *st)
{
	unsigned long long h = value_hash_fast("doc", 4, seed);
	uint64_t f[7] = { (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec,
			  (uint64_t)st->st_mtim.tv_nsec, (uint64_t)st->st_ctim.tv_sec,
			  (uint64_t)st->st_ctim.tv_nsec, (uint64_t)st->st_ino,
			  (uint64_t)st->st_dev };

	h = value_hash_fast(rel, strlen(rel) + 1, h);
	return value_hash_fast(f, sizeof f, h);
}

static void put_u32(struct strbuf *sb, uint32_t v)
{
	strbuf_add(sb, &v, sizeof v);
}

static void put_text(struct strbuf *sb, const char *s)
{
	put_u32(sb, s ? (uint32_t)strlen(s) : UINT32_MAX);
	if (s)
		strbuf_adds(sb, s);
}

/* How many of each part a packed tree has (value_measure). */
struct tree_size {
	uint32_t nodes, members, items, text;
};

/* A node, a member and an item as a blob has them: places instead of
 * pointers (a node's children, a text's first byte), fixed sizes. */
struct packed_node {
	double number;
	int32_t line, col, boolean;
	uint32_t str; /* place in the text, plus one; 0: none */
	uint32_t len;
	uint32_t n, first; /* its items or members: how many, the first's place */
	uint8_t kind, in_file; /* in_file: the position is in the document's file */
	uint8_t pad[2];
};

struct packed_member {
	uint32_t key; /* place in the text */
	uint32_t val; /* its node's place */
	int32_t line, col;
	uint8_t in_file, pad[3];
};

/* A tree being packed: its parts, and how many of each are taken. */
struct packing {
	struct packed_node *node;
	struct packed_member *member;
	uint32_t *item;
	char *text;
	struct tree_size used;
	const char *path; /* the document's: positions in it are marked in_file */
};

static uint32_t pack_text(struct packing *pk, const char *s, size_t len)
{
	uint32_t at = pk->used.text;

	memcpy(pk->text + at, s, len);
	pk->text[at + len] = '\0';
	pk->used.text += (uint32_t)len + 1;
	return at;
}

/* Lay v out at the next node, before its children (so a child's node
 * always comes after its parent's); returns that node's place. */
static uint32_t pack_node(struct packing *pk, const struct value *v)
{
	uint32_t at = pk->used.nodes++;
	struct packed_node *c = &pk->node[at];
	size_t i;

	c->kind = (uint8_t)v->kind;
	c->in_file = v->pos.file == pk->path;
	c->line = v->pos.line;
	c->col = v->pos.col;
	c->number = v->number;
	c->boolean = v->boolean;
	if (v->str) {
		c->str = pack_text(pk, v->str, v->len) + 1;
		c->len = (uint32_t)v->len;
	}
	if (v->kind == VALUE_LIST) {
		c->n = (uint32_t)v->n;
		c->first = pk->used.items;
		pk->used.items += c->n;
		for (i = 0; i < v->n; i++)
			pk->item[c->first + i] = pack_node(pk, v->items[i]);
	} else if (v->kind == VALUE_MAP) {
		c->n = (uint32_t)v->n;
		c->first = pk->used.members;
		pk->used.members += c->n;
		for (i = 0; i < v->n; i++) {
			struct packed_member *m = &pk->member[c->first + i];
			const char *key = v->members[i].key;

			m->key = pack_text(pk, key, strlen(key));
			m->in_file = v->members[i].key_pos.file == pk->path;
			m->line = v->members[i].key_pos.line;
			m->col = v->members[i].key_pos.col;
			m->val = pack_node(pk, v->members[i].val);
		}
	}
	return at;
}

static size_t packed_bytes(const struct tree_size *z)
{
	return z->nodes * sizeof(struct packed_node) + z->members * sizeof(struct packed_member) +
	       z->items * sizeof(uint32_t) + z->text;
}

static void pack_doc(const struct doc *d, struct strbuf *sb)
{
	unsigned char flags[2] = { (unsigned char)d->is_markdown, (unsigned char)d->draft };
	uint64_t body[3] = { d->body_len, d->body_hash, d->meta_hash };
	struct tree_size size;
	struct value_size z = { 0, 0, 0, 0 };
	struct packing pk;
	char *bytes;
	size_t n;

	strbuf_add(sb, flags, sizeof flags);
	put_u32(sb, (uint32_t)d->body_line);
	strbuf_add(sb, body, sizeof body);
	put_text(sb, d->url);
	put_text(sb, d->out);
	value_measure(d->meta, &z);
	size.nodes = (uint32_t)z.nodes;
	size.members = (uint32_t)z.members;
	size.items = (uint32_t)z.items;
	size.text = (uint32_t)z.text;
	n = packed_bytes(&size);
	bytes = xcalloc(1, n + 1); /* (calloc: no byte of it, padding too, left unset) */
	memset(&pk, 0, sizeof pk);
	pk.node = (struct packed_node *)(void *)bytes;
	pk.member = (struct packed_member *)(pk.node + size.nodes);
	pk.item = (uint32_t *)(pk.member + size.members);
	pk.text = (char *)(pk.item + size.items);
	pk.path = d->path;
	pack_node(&pk, d->meta);
	strbuf_add(sb, &size, sizeof size);
	strbuf_add(sb, bytes, n);
	free(bytes);
}

/* Reading a blob back; `bad` is set at the first byte it cannot make sense of. */
struct unpacker {
	const char *p, *end;
	int bad;
};

static const char *take(struct unpacker *u, size_t n)
{
	const char *p = u->p;

	if (u->bad || (size_t)(u->end - u->p) < n) {
		u->bad = 1;
		return NULL;
	}
	u->p += n;
	return p;
}

static uint32_t get_u32(struct unpacker *u)
{
	const char *p = take(u, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);
	return v;
}

static char *get_text(struct unpacker *u)
{
	uint32_t len = get_u32(u);
	const char *p;

	if (len == UINT32_MAX || !(p = take(u, len)))
		return NULL;
	return xstrndup(p, len);
}

/*
 * The tree is made again in one block of memory: its nodes, its maps'
 * members, its lists' items and its text (copied whole). Every place is
 * checked: a text ends in the text, a child's node comes after its
 * parent's (so no tree read back can loop), a node's children are in
 * their part.
 */
struct unpacking {
	const char *node, *member, *item; /* the blob's records (not aligned) */
	struct value *nodes;
	struct value_member *members;
	struct value **items;
	char *text;
	struct tree_size size;
	const char *path;
};

static char *text_at(const struct unpacking *up, uint32_t at, size_t len)
{
	if (at >= up->size.text || len >= up->size.text - at || up->text[at + len])
		return NULL;
	return up->text + at;
}

static int unpack_tree(struct unpacking *up)
{
	uint32_t i, k;

	for (i = 0; i < up->size.nodes; i++) {
		struct packed_node pn;
		struct value *v = &up->nodes[i];

		memcpy(&pn, up->node + (size_t)i * sizeof pn, sizeof pn);
		if (pn.kind > VALUE_MAP)
			return -1;
		memset(v, 0, sizeof *v);
		v->kind = (enum value_kind)pn.kind;
		v->pos.file = pn.in_file ? up->path : NULL;
		v->pos.line = pn.line;
		v->pos.col = pn.col;
		v->number = pn.number;
		v->boolean = pn.boolean;
		v->in_block = 1;
		if (pn.str) {
			if (!(v->str = text_at(up, pn.str - 1, pn.len)))
				return -1;
			v->len = pn.len;
		}
		if (v->kind == VALUE_LIST) {
			if (pn.first > up->size.items || pn.n > up->size.items - pn.first)
				return -1;
			v->items = up->items + pn.first;
			for (k = 0; k < pn.n; k++) {
				uint32_t c;

				memcpy(&c, up->item + ((size_t)pn.first + k) * sizeof c, sizeof c);
				if (c <= i || c >= up->size.nodes)
					return -1;
				v->items[k] = &up->nodes[c];
			}
			v->n = v->alloc = pn.n;
		} else if (v->kind == VALUE_MAP) {
			if (pn.first > up->size.members || pn.n > up->size.members - pn.first)
				return -1;
			v->members = up->members + pn.first;
			for (k = 0; k < pn.n; k++) {
				struct packed_member pm;
				struct value_member *m = &v->members[k];

				memcpy(&pm, up->member + ((size_t)pn.first + k) * sizeof pm, sizeof pm);
				if (pm.val <= i || pm.val >= up->size.nodes || pm.key >= up->size.text ||
				    !memchr(up->text + pm.key, '\0', up->size.text - pm.key))
					return -1;
				m->key = up->text + pm.key;
				m->key_pos.file = pm.in_file ? up->path : NULL;
				m->key_pos.line = pm.line;
				m->key_pos.col = pm.col;
				m->val = &up->nodes[pm.val];
			}
			v->n = v->alloc = pn.n;
		}
	}
	return 0;
}

/* 0, or -1 when the blob is not a packed document (d is then unchanged). */
static int unpack_doc(struct doc *d, const char *blob, size_t blob_len)
{
	struct unpacker u = { blob, blob + blob_len, 0 };
	const char *flags = take(&u, 2), *body, *sizes, *bytes = NULL;
	uint32_t line = get_u32(&u);
	uint64_t b[3] = { 0, 0, 0 };
	struct unpacking up;
	char *url, *out, *block;

	if ((body = take(&u, sizeof b)))
		memcpy(b, body, sizeof b);
	url = get_text(&u);
	out = get_text(&u);
	memset(&up, 0, sizeof up);
	if ((sizes = take(&u, sizeof up.size)))
		memcpy(&up.size, sizes, sizeof up.size);
	/* each part is at least a byte of the blob a piece: a damaged count
	 * cannot ask for more memory than the blob is long */
	if (sizes && up.size.nodes && up.size.nodes < blob_len && up.size.members < blob_len &&
	    up.size.items < blob_len && up.size.text < blob_len)
		bytes = take(&u, packed_bytes(&up.size));
	if (!bytes || u.bad || u.p != u.end || !flags || !url != !out || (flags[0] && !url)) {
		free(url);
		free(out);
		return -1;
	}
	up.node = bytes;
	up.member = up.node + (size_t)up.size.nodes * sizeof(struct packed_node);
	up.item = up.member + (size_t)up.size.members * sizeof(struct packed_member);
	block = xmalloc(up.size.nodes * sizeof *up.nodes + up.size.members * sizeof *up.members +
			up.size.items * sizeof *up.items + up.size.text);
	up.nodes = (struct value *)(void *)block;
	up.members = (struct value_member *)(up.nodes + up.size.nodes);
	up.items = (struct value **)(up.members + up.size.members);
	up.text = (char *)(up.items + up.size.items);
	memcpy(up.text, up.item + (size_t)up.size.items * sizeof(uint32_t), up.size.text);
	up.path = d->path;
	if (unpack_tree(&up) < 0) {
		free(block);
		free(url);
		free(out);
		return -1;
	}
	d->is_markdown = flags[0];
	d->draft = flags[1];
	d->body_line = (int)line;
	d->body_len = (size_t)b[0];
	d->body_hash = b[1];
	d->meta_hash = b[2];
	d->meta = up.nodes;
	d->meta_block = block;
	d->url = url;
	d->out = out;
	return 0;
}

void content_hash_meta(struct doc *d)
{
	d->meta_hash = value_hash(d->meta, VALUE_HASH_SEED);
}

void content_hash_body(struct doc *d)
{
	d->body_hash = value_hash_fast(d->body ? d->body : "", d->body ? d->body_len : 0,
				       VALUE_HASH_SEED);
}

static pthread_mutex_t body_lock = PTHREAD_MUTEX_INITIALIZER;

int content_body(struct doc *d, struct diag_list *dl)
{
	struct strbuf text = STRBUF_INIT;
	struct frontmatter fm;
	int ret = 0;

	pthread_mutex_lock(&body_lock);
	if (d->is_markdown && !d->body) {
		if (fs_read(d->path, &text) < 0) {
			diag_io_error(dl, NULL, "unable to read '%s': %s", d->path, fs_strerror(errno));
			ret = -1;
		} else if (frontmatter_split(text.buf, text.len, &fm) < 0 ||
			   text.len - fm.body_off != d->body_len ||
			   value_hash_fast(text.buf + fm.body_off, d->body_len, VALUE_HASH_SEED) !=
				   d->body_hash) {
			struct pos p = { d->path, 1, 1 };

			diag_error(dl, &p, "the file changed while waymark was building; build again");
			ret = -1;
		} else {
			d->body = xstrndup(text.buf + fm.body_off, d->body_len);
		}
	}
	pthread_mutex_unlock(&body_lock);
	strbuf_release(&text);
	return ret;
}

int content_bodies(struct content *c, struct diag_list *dl)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < c->n; i++)
		ret |= content_body(c->docs[i], dl);
	return ret;
}

static struct doc *load_one(const char *content_dir, const char *rel, const struct stat *listed,
			    struct cache *cache, unsigned long long seed, struct diag_list *dl)
{
	struct doc *d = xcalloc(1, sizeof *d);
	struct strbuf text = STRBUF_INIT;
	struct stat st;
	unsigned long long key = 0;

	d->rel = xstrdup(rel);
	d->path = fs_join(content_dir, rel);
	if (listed)
		st = *listed;
	if (cache && (listed || stat(d->path, &st) == 0) && S_ISREG(st.st_mode)) {
		key = doc_key(seed, rel, &st);
		size_t len;
		const char *blob = cache_blob_view(cache, key, &len);

		if (blob && unpack_doc(d, blob, len) == 0)
			return d;
	}
	if (fs_read(d->path, &text) < 0) {
		diag_io_error(dl, NULL, "unable to read '%s': %s", d->path, fs_strerror(errno));
		goto fail;
	}
	if (diag_invalid_utf8(dl, d->path, text.buf, text.len, 0))
		goto fail;
	if (content_is_markdown(rel)) {
		if (!load_markdown(d, &text, dl))
			goto fail;
	} else {
		d->meta = yamlread_parse(d->path, text.buf, text.len, 0, dl);
		if (!d->meta)
			goto fail;
	}
	content_hash_meta(d);
	if (key) {
		strbuf_reset(&text);
		pack_doc(d, &text);
		cache_blob_put(cache, key, text.buf, text.len);
	}
	/* as a document read back from the cache is: in one block */
	d->meta = value_block(d->meta);
	strbuf_release(&text);
	return d;
fail:
	strbuf_release(&text);
	content_free_doc(d);
	return NULL;
}

struct doc *content_load_file(const char *site_dir, const char *rel, struct diag_list *dl)
{
	char *content_dir = fs_join(site_dir, "content");
	struct doc *d = load_one(content_dir, rel, NULL, NULL, 0, dl);

	free(content_dir);
	return d;
}

/*
 * Files are read and parsed on threads (libyaml keeps no shared state):
 * each takes the next file and keeps its own diagnostics; the documents
 * land in their files' order, so the result does not depend on timing.
 */
static const char *const content_exts[] = { ".md", ".yaml", ".yml", NULL };

struct load_job {
	const char *content_dir;
	struct cache *cache;
	unsigned long long seed;
	const struct fs_list *files; /* some may be other files: skipped */
	struct doc **docs;       /* per file: the document, or NULL */
	struct diag_list *dls;   /* per thread */
	atomic_size_t next;
};

struct loader {
	struct load_job *job;
	size_t index;
};

static void *load_worker(void *arg)
{
	struct loader *w = arg;
	struct load_job *job = w->job;
	size_t i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->files->n)
		if (fs_has_ext(job->files->paths[i], content_exts))
			job->docs[i] = load_one(job->content_dir, job->files->paths[i],
					job->files->stats ? &job->files->stats[i] : NULL, job->cache,
					job->seed, &job->dls[w->index]);
	return NULL;
}

int content_load(struct content *c, const char *site_dir, int drafts, struct cache *cache,
		 unsigned long long seed, const struct fs_list *listed, struct diag_list *dl)
{
	char *content_dir = fs_join(site_dir, "content");
	struct fs_list files = FS_LIST_INIT;
	size_t before = dl->errors, i, nthreads;
	struct load_job job;
	struct loader *workers;

	memset(c, 0, sizeof *c);
	/* the stamp's listing of every file (the workers skip all but the
	 * content's), else a listing of the content */
	if (!listed || !fs_is_dir(content_dir)) {
		fs_list(content_dir, content_exts, &files, NULL);
		listed = &files;
	}
	if (listed->failed)
		diag_listing_failed(dl, listed->failed, listed->failed_errno);
	for (i = 0; listed->stats && i < listed->n; i++)
		if (content_is_picture(listed->paths[i]) && content_file_usable(listed, i)) {
			char *path = fs_join(content_dir, listed->paths[i]);
			struct pos at = { path, 0, 0 };
			const char *why = picture_unshowable(path);

			/* (a page that shows it shows a broken picture) */
			if (why)
				diag_warning(dl, &at,
					     "this picture cannot be shown: %s; save it as a JPEG, PNG or WebP",
					     why);
			else if (listed->stats[i].st_size > CONTENT_PICTURE_MAX)
				diag_warning(dl, &at,
					     "this picture is %.1f MB: a worker on a phone downloads all of it with the page; make it smaller (under %d KB: fewer pixels, or JPEG or WebP for a photograph)",
					     (double)listed->stats[i].st_size / (1024 * 1024),
					     CONTENT_PICTURE_MAX / 1024);
			free(path);
		}
	nthreads = listed->n >= 64 ? threads_cpus() : 1;
	job.content_dir = content_dir;
	job.cache = cache;
	job.seed = seed;
	job.files = listed;
	job.docs = xcalloc(listed->n + 1, sizeof *job.docs);
	job.dls = xcalloc(nthreads, sizeof *job.dls);
	atomic_init(&job.next, 0);
	workers = xcalloc(nthreads, sizeof *workers);
	for (i = 0; i < nthreads; i++) {
		workers[i].job = &job;
		workers[i].index = i;
	}
	nthreads = threads_run(nthreads, load_worker, workers, sizeof *workers);
	for (i = 0; i < nthreads; i++)
		diag_list_move(dl, &job.dls[i]);
	for (i = 0; i < listed->n; i++) {
		struct doc *d = job.docs[i];

		if (!d)
			continue;
		if (d->draft && !drafts) {
			content_free_doc(d);
			continue;
		}
		XGROW(c->docs, c->alloc, c->n + 1);
		c->docs[c->n++] = d;
	}
	/* two files that would make one page are found when pages are
	 * planned, after the model has given records their own URLs */
	free(job.docs);
	free(job.dls);
	free(workers);
	c->listed = listed == &files ? NULL : listed;
	fs_list_release(&files);
	free(content_dir);
	return dl->errors > before ? -1 : 0;
}

void content_release(struct content *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		content_free_doc(c->docs[i]);
	free(c->docs);
	memset(c, 0, sizeof *c);
}

static int cmp_docs(const void *a, const void *b)
{
	return strcmp((*(struct doc *const *)a)->rel, (*(struct doc *const *)b)->rel);
}

void content_sort(struct content *c)
{
	if (c->n)
		qsort(c->docs, c->n, sizeof *c->docs, cmp_docs);
}

static int cmp_rel(const void *key, const void *elem)
{
	return strcmp(key, (*(struct doc *const *)elem)->rel);
}

int content_is_markdown(const char *rel)
{
	size_t n = strlen(rel);

	return n > 3 && !strcmp(rel + n - 3, ".md");
}

size_t content_place(const struct content *c, const char *rel)
{
	struct doc **d = c->n ? bsearch(rel, c->docs, c->n, sizeof *c->docs, cmp_rel) : NULL;

	return d ? (size_t)(d - c->docs) : (size_t)-1;
}

struct doc *content_find(const struct content *c, const char *rel)
{
	size_t at = content_place(c, rel);

	return at == (size_t)-1 ? NULL : c->docs[at];
}

static const char *const picture_exts[] = { ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif",
					      NULL };
static const char *const document_exts[] = { ".pdf", NULL };

static int has_ext(const char *rel, const char *const *exts)
{
	const char *dot = strrchr(rel, '.');
	size_t i;

	if (!dot || strchr(dot, '/'))
		return 0;
	for (i = 0; exts[i]; i++)
		if (!strcasecmp(dot, exts[i]))
			return 1;
	return 0;
}

int content_is_picture(const char *rel)
{
	return has_ext(rel, picture_exts);
}

int content_is_file(const char *rel)
{
	return has_ext(rel, picture_exts) || has_ext(rel, document_exts);
}

static int cmp_path(const void *key, const void *elem)
{
	return strcmp(key, *(char *const *)elem);
}

int content_file_usable(const struct fs_list *listed, size_t i)
{
	return content_is_file(listed->paths[i]) &&
	       (!listed->stats || S_ISREG(listed->stats[i].st_mode));
}

/* Where `rel` is in `listed`, when it is a file a page may show or link
 * there; else -1. */
static long file_at(const struct fs_list *listed, const char *rel)
{
	char **p;

	if (!listed || !listed->n || !content_is_file(rel))
		return -1;
	p = bsearch(rel, listed->paths, listed->n, sizeof *listed->paths, cmp_path);
	return p && content_file_usable(listed, (size_t)(p - listed->paths)) ? p - listed->paths
										 : -1;
}

const char *content_file_find(const struct fs_list *listed, const char *rel)
{
	long i = file_at(listed, rel);

	return i < 0 ? NULL : listed->paths[i];
}

const struct stat *content_file_stat(const struct fs_list *listed, const char *rel)
{
	long i = file_at(listed, rel);

	return i < 0 ? NULL : &listed->stats[i];
}

char *content_relative(const char *from, const char *src, int *outside)
{
	const char *p, *slash = strrchr(from, '/');
	struct strbuf joined = STRBUF_INIT;
	char *norm;

	*outside = 0;
	if (!src || !*src || *src == '/' || *src == '#' || *src == '?')
		return NULL;
	for (p = src; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == ':')
			return NULL; /* https:, mailto:, data: ... */
	if (slash)
		strbuf_add(&joined, from, (size_t)(slash - from + 1));
	strbuf_add(&joined, src, strcspn(src, "?#"));
	norm = slug_normalize_path(joined.buf);
	*outside = !norm;
	strbuf_release(&joined);
	return norm;
}

char *content_rooted(const char *src)
{
	char *written, *rel;

	if (!slug_from_root(src))
		return NULL;
	written = xstrndup(src + 1, strcspn(src + 1, "?#"));
	rel = slug_normalize_root_path(written);
	free(written);
	return rel;
}

/* The candidate path `rel` most likely meant: one a typo away, else the
 * only one with the same file name in another folder (a file moved, or a
 * link written from a folder it has since left). */
static const char *path_suggest(const char *rel, const char *const *names, size_t n)
{
	const char *best = diag_suggest(rel, names, n), *base = strrchr(rel, '/');
	size_t i;

	if (best)
		return best;
	base = base ? base + 1 : rel;
	for (i = 0; i < n; i++) {
		const char *b = strrchr(names[i], '/');

		if (strcmp(b ? b + 1 : names[i], base) || !strcmp(names[i], rel))
			continue;
		if (best)
			return NULL; /* two of that name: no telling which */
		best = names[i];
	}
	return best;
}

const char *content_file_suggest(const struct fs_list *listed, const char *rel)
{
	const char **names;
	const char *best;
	size_t i, n = 0;

	if (!listed)
		return NULL;
	names = xmalloc((listed->n + 1) * sizeof *names);
	for (i = 0; i < listed->n; i++)
		if (content_file_usable(listed, i))
			names[n++] = listed->paths[i];
	best = path_suggest(rel, names, n);
	free(names);
	return best;
}

const char *content_suggest(const struct content *c, const char *rel)
{
	const char **names = xmalloc((c->n + 1) * sizeof *names);
	const char *best;
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		if (c->docs[i]->is_markdown)
			names[n++] = c->docs[i]->rel;
	best = path_suggest(rel, names, n);
	free(names);
	return best;
}
