/* picture: the size of a picture, read from its first bytes. */
#include "picture.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file (fd) or bytes in memory (mem, len), read at offsets. */
struct src {
	int fd;
	const unsigned char *mem;
	long len;
};

/* n bytes at `off` into buf; 0, or -1 when there are fewer. */
static int get(const struct src *s, long off, unsigned char *buf, size_t n)
{
	if (off < 0)
		return -1;
	if (!s->mem)
		return pread(s->fd, buf, n, off) == (ssize_t)n ? 0 : -1;
	if (off > s->len || (long)n > s->len - off)
		return -1;
	memcpy(buf, s->mem + off, n);
	return 0;
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}
static unsigned long le24(const unsigned char *p)
{
	return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* The orientation in an Exif block (the APP1 segment's data after
 * "Exif\0\0": a TIFF header, then IFD0), or 1. */
static int exif_orientation(const struct src *s, long tiff, long end)
{
	unsigned char h[8], e[12];
	unsigned (*u16)(const unsigned char *);
	unsigned long ifd;
	unsigned n, i;

	if (get(s, tiff, h, 8) < 0)
		return 1;
	if (!memcmp(h, "II*\0", 4)) {
		u16 = le16;
		ifd = (unsigned long)h[7] << 24 | le24(h + 4);
	} else if (!memcmp(h, "MM\0*", 4)) {
		u16 = be16;
		ifd = be32(h + 4);
	} else {
		return 1;
	}
	if (ifd > (unsigned long)(end - tiff) || get(s, tiff + (long)ifd, h, 2) < 0)
		return 1;
	n = u16(h);
	for (i = 0; i < n && tiff + (long)ifd + 2 + 12 * (long)(i + 1) <= end; i++) {
		if (get(s, tiff + (long)ifd + 2 + 12 * (long)i, e, 12) < 0)
			return 1;
		if (u16(e) == 0x0112 && u16(e + 2) == 3) /* Orientation, a SHORT */
			return (int)u16(e + 8);
	}
	return 1;
}

/* A JPEG's frame size, segment by segment up to the first frame header
 * (SOF0 to SOF15 but DHT, JPG and DAC), noting an Exif orientation on
 * the way. */
static int jpeg(const struct src *s, int *w, int *h)
{
	unsigned char b[9];
	long off = 2;
	int orientation = 1, segments;

	for (segments = 0; segments < 4096; segments++) {
		unsigned m, len;

		if (get(s, off, b, 2) < 0 || b[0] != 0xff)
			return -1;
		m = b[1];
		if (m == 0xff) { /* fill */
			off++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { /* no length */
			off += 2;
			continue;
		}
		if (m == 0xd9 || m == 0xda) /* the end, or a scan: no frame first */
			return -1;
		if (get(s, off + 2, b, 2) < 0 || (len = be16(b)) < 2)
			return -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (len < 7 || get(s, off + 4, b, 5) < 0)
				return -1;
			*h = (int)be16(b + 1);
			*w = (int)be16(b + 3);
			if (orientation >= 5 && orientation <= 8) {
				int t = *w;

				*w = *h;
				*h = t;
			}
			return 0;
		}
		if (m == 0xe1 && len >= 16 && get(s, off + 4, b, 6) == 0 && !memcmp(b, "Exif\0\0", 6))
			orientation = exif_orientation(s, off + 10, off + 2 + (long)len);
		off += 2 + (long)len;
	}
	return -1;
}

/* A WebP's canvas: the first chunk, lossy (VP8), lossless (VP8L) or
 * extended (VP8X, which states the canvas). */
static int webp(const struct src *s, int *w, int *h)
{
	unsigned char b[30];

	if (get(s, 0, b, 30) < 0 || memcmp(b + 8, "WEBP", 4))
		return -1;
	if (!memcmp(b + 12, "VP8 ", 4) && b[23] == 0x9d && b[24] == 0x01 && b[25] == 0x2a) {
		*w = (int)(le16(b + 26) & 0x3fff);
		*h = (int)(le16(b + 28) & 0x3fff);
	} else if (!memcmp(b + 12, "VP8L", 4) && b[20] == 0x2f) {
		unsigned long bits = (unsigned long)b[24] << 24 | le24(b + 21);

		*w = (int)(bits & 0x3fff) + 1;
		*h = (int)((bits >> 14) & 0x3fff) + 1;
	} else if (!memcmp(b + 12, "VP8X", 4)) {
		*w = (int)le24(b + 24) + 1;
		*h = (int)le24(b + 27) + 1;
	} else {
		return -1;
	}
	return 0;
}

/* An ISO media file's brands (ftyp: the major one, then the compatible
 * ones): 1 when one of `brands` (NULL after the last) is among them. */
static int has_brand(const struct src *s, const char *const *brands)
{
	unsigned char b[64];
	unsigned long size;
	long i;
	size_t k;

	if (get(s, 0, b, 12) < 0 || memcmp(b + 4, "ftyp", 4))
		return 0;
	size = be32(b);
	if (size > sizeof b)
		size = sizeof b;
	if (size < 12 || get(s, 0, b, size) < 0)
		size = 12;
	for (i = 8; i + 4 <= (long)size; i += 4)
		for (k = 0; i != 12 && brands[k]; k++) /* (12: the minor version) */
			if (!memcmp(b + i, brands[k], 4))
				return 1;
	return 0;
}

static const char *const avif_brands[] = { "avif", "avis", NULL };

/* An ISO media box at `off` (before `end`): its type and where its
 * contents start and end. 0, or -1 when there is none there. */
struct box {
	char type[4];
	long body, end;
};

static int box_at(const struct src *s, long off, long end, struct box *b)
{
	unsigned char h[16];
	unsigned long long size;

	if (off + 8 > end || get(s, off, h, 8) < 0)
		return -1;
	memcpy(b->type, h + 4, 4);
	size = be32(h);
	b->body = off + 8;
	if (size == 1) { /* a 64-bit size follows */
		if (get(s, off + 8, h + 8, 8) < 0)
			return -1;
		size = (unsigned long long)be32(h + 8) << 32 | be32(h + 12);
		b->body = off + 16;
	} else if (size == 0) { /* to the end */
		size = (unsigned long long)(end - off);
	}
	if (size < (unsigned long long)(b->body - off) || size > (unsigned long long)(end - off))
		return -1;
	b->end = off + (long)size;
	return 0;
}

/* The first box of `type` among those from `off` to `end`. */
static int find_box(const struct src *s, long off, long end, const char *type, struct box *b)
{
	int n;

	for (n = 0; n < 512 && box_at(s, off, end, b) == 0; n++, off = b->end)
		if (!memcmp(b->type, type, 4))
			return 0;
	return -1;
}

/*
 * An AVIF's size: the image spatial extents (ispe) among the properties
 * of its primary item (meta: pitm names it, iprp's ipma lists its
 * properties by their place in ipco), the sides swapped when its irot
 * turns it a quarter turn.
 */
static int avif(const struct src *s, int *w, int *h)
{
	const long end = 0x7fffffff; /* (a box that runs out fails to read) */
	struct box meta, pitm, iprp, ipco, ipma, prop;
	unsigned char b[16], list[4096];
	unsigned long primary, count, i, n;
	int version, flags, found = 0, turned = 0;
	long at;

	if (find_box(s, 0, end, "meta", &meta) < 0 ||
	    find_box(s, meta.body + 4, meta.end, "pitm", &pitm) < 0 ||
	    find_box(s, meta.body + 4, meta.end, "iprp", &iprp) < 0 ||
	    find_box(s, iprp.body, iprp.end, "ipco", &ipco) < 0 ||
	    find_box(s, iprp.body, iprp.end, "ipma", &ipma) < 0 || get(s, pitm.body, b, 8) < 0)
		return -1;
	primary = b[0] ? be32(b + 4) : be16(b + 4);
	n = (unsigned long)(ipma.end - ipma.body);
	if (n < 8 || n > sizeof list || get(s, ipma.body, list, n) < 0)
		return -1;
	version = list[0];
	flags = list[3];
	count = be32(list + 4);
	for (at = 8, i = 0; i < count; i++) {
		unsigned long item, k, props;

		if (at + (version ? 5 : 3) > (long)n)
			return -1;
		item = version ? be32(list + at) : be16(list + at);
		at += version ? 4 : 2;
		props = list[at++];
		for (k = 0; k < props; k++) {
			unsigned long index;
			long off;
			unsigned long j;

			if (at + ((flags & 1) ? 2 : 1) > (long)n)
				return -1;
			index = (flags & 1) ? be16(list + at) & 0x7fff : list[at] & 0x7fu;
			at += (flags & 1) ? 2 : 1;
			if (item != primary || !index)
				continue;
			/* the index-th property of ipco, from 1 */
			for (off = ipco.body, j = 1; box_at(s, off, ipco.end, &prop) == 0 && j < index;
			     j++, off = prop.end)
				;
			if (j != index || box_at(s, off, ipco.end, &prop) < 0)
				return -1;
			if (!memcmp(prop.type, "ispe", 4) && get(s, prop.body, b, 12) == 0 &&
			    be32(b + 4) <= 0x7fffffff && be32(b + 8) <= 0x7fffffff) {
				*w = (int)be32(b + 4);
				*h = (int)be32(b + 8);
				found = 1;
			} else if (!memcmp(prop.type, "irot", 4) && get(s, prop.body, b, 1) == 0) {
				turned = b[0] & 1; /* 90 or 270 degrees */
			}
		}
	}
	if (!found)
		return -1;
	if (turned) {
		int t = *w;

		*w = *h;
		*h = t;
	}
	return 0;
}

static int size_of(const struct src *s, int *width, int *height)
{
	unsigned char b[24];
	int w = 0, h = 0, ret = -1;

	if (get(s, 0, b, 4) < 0)
		return -1;
	if (!memcmp(b, "\x89PNG", 4)) {
		if (get(s, 0, b, 24) == 0 && !memcmp(b + 4, "\r\n\x1a\n", 4) &&
		    !memcmp(b + 12, "IHDR", 4) && be32(b + 16) <= 0x7fffffff &&
		    be32(b + 20) <= 0x7fffffff) {
			w = (int)be32(b + 16);
			h = (int)be32(b + 20);
			ret = 0;
		}
	} else if (!memcmp(b, "GIF8", 4)) {
		if (get(s, 0, b, 10) == 0 && (!memcmp(b + 4, "7a", 2) || !memcmp(b + 4, "9a", 2))) {
			w = (int)le16(b + 6);
			h = (int)le16(b + 8);
			ret = 0;
		}
	} else if (b[0] == 0xff && b[1] == 0xd8) {
		ret = jpeg(s, &w, &h);
	} else if (!memcmp(b, "RIFF", 4)) {
		ret = webp(s, &w, &h);
	} else if (has_brand(s, avif_brands)) {
		ret = avif(s, &w, &h);
	}
	if (ret < 0 || w <= 0 || h <= 0)
		return -1;
	*width = w;
	*height = h;
	return 0;
}

static const char *unshowable(const struct src *s)
{
	static const char *const heic[] = { "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1",
					    NULL };
	unsigned char b[12];
	int w, h;

	/* (an AVIF whose size is not found is still shown) */
	if (size_of(s, &w, &h) == 0 || has_brand(s, avif_brands))
		return NULL;
	if (get(s, 0, b, 1) < 0)
		return "the file is empty";
	memset(b, 0, sizeof b);
	if (get(s, 0, b, 12) < 0 && get(s, 0, b, 4) < 0)
		memset(b, 0, sizeof b);
	if (!memcmp(b, "\x89PNG", 4) || (b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) ||
	    !memcmp(b, "GIF8", 4) || (!memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4)))
		return "it is cut short or damaged (it starts as a picture, but its header ends too soon or makes no sense)";
	if (has_brand(s, heic))
		return "it is a HEIC photo (as iPhones save them), which only Safari shows";
	return "its bytes are not those of a PNG, JPEG, GIF, WebP or AVIF picture";
}

const char *picture_unshowable_of(const unsigned char *bytes, long len)
{
	struct src s = { -1, bytes, len };

	return unshowable(&s);
}

const char *picture_unshowable(const char *path)
{
	struct src s = { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), NULL, 0 };
	const char *why = NULL;
	struct stat st;

	if (s.fd < 0)
		return NULL;
	if (fstat(s.fd, &st) == 0 && S_ISREG(st.st_mode))
		why = unshowable(&s);
	close(s.fd);
	return why;
}

int picture_size_of(const unsigned char *bytes, long len, int *width, int *height)
{
	struct src s = { -1, bytes, len };

	return size_of(&s, width, height);
}

int picture_size(const char *path, int *width, int *height)
{
	/* (no waiting on a pipe or a device: the listing took regular
	 * files only, but one may have been swapped since) */
	struct src s = { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), NULL, 0 };
	int ret;

	if (s.fd < 0)
		return -1;
	ret = size_of(&s, width, height);
	close(s.fd);
	return ret;
}
