/* check_picture: a picture's size from its headers. */
#include "test.h"

#include <gd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "picture.h"

/* libgd 2.3.3's AVIF writer, which pictures_libgd_writes uses, leaves
 * libavif's encoder allocated */
TEST_LEAKS_ARE_NOT_OURS("leak:libavif.so\n")

#define SIZE_OF(bytes, w, h) picture_size_of(bytes, (long)sizeof(bytes), w, h)

/* (w and h read once the call that sets them is done) */
static void is(int ret, const int *w, const int *h, int want_w, int want_h)
{
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(*w, want_w);
	ck_assert_int_eq(*h, want_h);
}

static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
	0, 0, 0x02, 0x80, 0, 0, 0x01, 0xe0, 8, 6, 0, 0, 0 /* 640 x 480 */
};

START_TEST(png_size_is_in_its_header)
{
	int w = 0, h = 0;

	is(SIZE_OF(png, &w, &h), &w, &h, 640, 480);
	/* cut before the height */
	ck_assert_int_eq(picture_size_of(png, 20, &w, &h), -1);
}
END_TEST

START_TEST(gif_size_is_its_screen)
{
	static const unsigned char gif[] = { 'G', 'I', 'F', '8', '9', 'a', 3, 0, 5, 0, 0xf7, 0, 0 };
	static const unsigned char bad[] = { 'G', 'I', 'F', '8', '8', 'a', 3, 0, 5, 0, 0xf7, 0, 0 };
	int w = 0, h = 0;

	is(SIZE_OF(gif, &w, &h), &w, &h, 3, 5);
	ck_assert_int_eq(SIZE_OF(bad, &w, &h), -1);
}
END_TEST

/* SOI, a JFIF APP0, then a baseline frame of 400 x 300 (after fill bytes) */
static const unsigned char jfif[] = {
	0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
	0xff, 0xff, 0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x01, 0x90, 3, 1, 0x22, 0, 2, 0x11, 1,
	3, 0x11, 1, 0xff, 0xd9
};

START_TEST(jpeg_size_is_its_frame)
{
	int w = 0, h = 0;

	is(SIZE_OF(jfif, &w, &h), &w, &h, 400, 300);
	/* the frame header cut short */
	ck_assert_int_eq(picture_size_of(jfif, 28, &w, &h), -1);
}
END_TEST

/* SOI, an Exif APP1 whose IFD0 holds one entry, Orientation = o (in
 * either byte order), then the 400 x 300 frame */
static size_t exif_jpeg(unsigned char *out, int big_endian, int o)
{
	static const unsigned char frame[] = { 0xff, 0xc2, 0, 11, 8, 0x01, 0x2c, 0x01, 0x90, 1, 1,
					       0x11, 0 };
	unsigned char tiff[26];
	size_t n = 0;

	memset(tiff, 0, sizeof tiff);
	if (big_endian) {
		memcpy(tiff, "MM\0*\0\0\0\x08", 8);
		tiff[8] = 0, tiff[9] = 1;                   /* one entry */
		tiff[10] = 0x01, tiff[11] = 0x12;           /* Orientation */
		tiff[12] = 0, tiff[13] = 3;                 /* SHORT */
		tiff[17] = 1;                               /* one of them */
		tiff[18] = 0, tiff[19] = (unsigned char)o;  /* the value */
	} else {
		memcpy(tiff, "II*\0\x08\0\0\0", 8);
		tiff[8] = 1, tiff[9] = 0;
		tiff[10] = 0x12, tiff[11] = 0x01;
		tiff[12] = 3, tiff[13] = 0;
		tiff[14] = 1;
		tiff[18] = (unsigned char)o, tiff[19] = 0;
	}
	out[n++] = 0xff, out[n++] = 0xd8, out[n++] = 0xff, out[n++] = 0xe1;
	out[n++] = 0, out[n++] = (unsigned char)(2 + 6 + sizeof tiff);
	memcpy(out + n, "Exif\0\0", 6), n += 6;
	memcpy(out + n, tiff, sizeof tiff), n += sizeof tiff;
	memcpy(out + n, frame, sizeof frame), n += sizeof frame;
	return n;
}

START_TEST(jpeg_turned_by_exif_swaps_its_sides)
{
	unsigned char b[128];
	int w = 0, h = 0, o, be;

	for (be = 0; be <= 1; be++)
		for (o = 1; o <= 8; o++) {
			size_t n = exif_jpeg(b, be, o);

			ck_assert_int_eq(picture_size_of(b, (long)n, &w, &h), 0);
			if (o >= 5) {
				ck_assert_int_eq(w, 300);
				ck_assert_int_eq(h, 400);
			} else {
				ck_assert_int_eq(w, 400);
				ck_assert_int_eq(h, 300);
			}
		}
}
END_TEST

START_TEST(jpeg_scan_before_any_frame_has_no_size)
{
	static const unsigned char b[] = { 0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xc0, 0, 11, 8, 0, 1,
					   0, 1, 1, 1, 0x11, 0 };
	int w = 0, h = 0;

	ck_assert_int_eq(SIZE_OF(b, &w, &h), -1);
}
END_TEST

START_TEST(webp_sizes_of_each_kind)
{
	unsigned char b[30];
	int w = 0, h = 0;

	memset(b, 0, sizeof b);
	memcpy(b, "RIFF\0\0\0\0WEBPVP8 ", 16);
	b[23] = 0x9d, b[24] = 0x01, b[25] = 0x2a;
	b[26] = 0x20, b[27] = 0x03; /* 800 */
	b[28] = 0x58, b[29] = 0x02; /* 600 */
	is(SIZE_OF(b, &w, &h), &w, &h, 800, 600);

	memset(b + 12, 0, sizeof b - 12);
	memcpy(b + 12, "VP8L", 4);
	b[20] = 0x2f;
	/* width - 1 = 99 in bits 0-13, height - 1 = 49 in bits 14-27 */
	b[21] = 99, b[22] = (49 << 6) & 0xff, b[23] = 49 >> 2, b[24] = 0;
	is(SIZE_OF(b, &w, &h), &w, &h, 100, 50);

	memset(b + 12, 0, sizeof b - 12);
	memcpy(b + 12, "VP8X", 4);
	b[24] = 0x3f, b[25] = 0x1f; /* 8000 - 1 */
	b[27] = 0x1f, b[28] = 0x03; /* 800 - 1 */
	is(SIZE_OF(b, &w, &h), &w, &h, 8000, 800);

	memcpy(b + 12, "ALPH", 4);
	ck_assert_int_eq(SIZE_OF(b, &w, &h), -1);
}
END_TEST

START_TEST(other_bytes_have_no_size)
{
	static const unsigned char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"/>";
	static const unsigned char avif[] = { 0, 0, 0, 0x1c, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f' };
	unsigned char zero[sizeof png];
	int w = 7, h = 9;

	ck_assert_int_eq(SIZE_OF(svg, &w, &h), -1);
	ck_assert_int_eq(SIZE_OF(avif, &w, &h), -1);
	ck_assert_int_eq(picture_size_of(png, 0, &w, &h), -1);
	/* a PNG of no width */
	memcpy(zero, png, sizeof png);
	memset(zero + 16, 0, 4);
	ck_assert_int_eq(SIZE_OF(zero, &w, &h), -1);
	/* nothing was written */
	ck_assert_int_eq(w, 7);
	ck_assert_int_eq(h, 9);
}
END_TEST

START_TEST(files_are_read_by_path)
{
	char dir[] = "/tmp/waymark-picture-XXXXXX", path[64];
	FILE *f;
	int w = 0, h = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.png", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(png, 1, sizeof png, f), sizeof png);
	fclose(f);
	is(picture_size(path, &w, &h), &w, &h, 640, 480);
	ck_assert_int_eq(picture_size(dir, &w, &h), -1);
	ck_assert_ptr_null(picture_unshowable(dir)); /* (not a file: said elsewhere) */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(picture_size(path, &w, &h), -1);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static size_t put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
	return 4;
}

/* A box's header: its size and type. */
static size_t head(unsigned char *p, unsigned long size, const char *type)
{
	put32(p, size);
	memcpy(p + 4, type, 4);
	return 8;
}

/* The boxes of an AVIF whose primary item (2) is 640 x 480, turned by
 * `angle` quarter turns (irot), its properties listed by an ipma of
 * `version` and `flags` (bit 0: two-byte indices); item 1, a thumbnail,
 * is 64 x 48 and listed first. No pixels. */
static size_t avif_bytes(unsigned char *out, int version, int flags, int angle)
{
	size_t n = 0, ipma_size = 8 + 4 + 4 + 2 * ((version ? 4 : 2) + 1 + 2 * ((flags & 1) ? 2 : 1));
	size_t ipco_size = 8 + 20 + 20 + 9, iprp_size = 8 + ipco_size + ipma_size;
	size_t meta_size = 8 + 4 + 14 + iprp_size;
	int item, k;

	n += head(out + n, 24, "ftyp");
	memcpy(out + n, "avif\0\0\0\0mif1avif", 16), n += 16;
	n += head(out + n, meta_size, "meta");
	n += put32(out + n, 0);
	n += head(out + n, 14, "pitm");
	n += put32(out + n, 0);
	out[n++] = 0, out[n++] = 2;
	n += head(out + n, iprp_size, "iprp");
	n += head(out + n, ipco_size, "ipco");
	n += head(out + n, 20, "ispe"), n += put32(out + n, 0);
	n += put32(out + n, 64), n += put32(out + n, 48);        /* property 1 */
	n += head(out + n, 20, "ispe"), n += put32(out + n, 0);
	n += put32(out + n, 640), n += put32(out + n, 480);      /* property 2 */
	n += head(out + n, 9, "irot"), out[n++] = (unsigned char)angle; /* 3 */
	n += head(out + n, ipma_size, "ipma");
	n += put32(out + n, (unsigned long)version << 24 | (unsigned long)flags);
	n += put32(out + n, 2);
	for (item = 1; item <= 2; item++) {
		if (version)
			n += put32(out + n, (unsigned long)item);
		else
			out[n++] = 0, out[n++] = (unsigned char)item;
		out[n++] = 2;
		for (k = 0; k < 2; k++) {
			int index = item == 1 ? 1 : k ? 3 : 2; /* (the thumbnail's irot: none) */

			if (flags & 1)
				out[n++] = 0x80, out[n++] = (unsigned char)index;
			else
				out[n++] = (unsigned char)(0x80 | index);
		}
	}
	return n;
}

START_TEST(avif_size_is_its_primary_items)
{
	unsigned char b[256];
	int w = 0, h = 0, version, flags;

	for (version = 0; version <= 1; version++)
		for (flags = 0; flags <= 1; flags++) {
			is(picture_size_of(b, (long)avif_bytes(b, version, flags, 0), &w, &h), &w, &h,
			   640, 480);
			is(picture_size_of(b, (long)avif_bytes(b, version, flags, 1), &w, &h), &w, &h,
			   480, 640);
			is(picture_size_of(b, (long)avif_bytes(b, version, flags, 2), &w, &h), &w, &h,
			   640, 480);
			/* cut before the ipma: no size, but still a picture */
			ck_assert_int_eq(picture_size_of(b, 120, &w, &h), -1);
			ck_assert_ptr_null(picture_unshowable_of(b, 120));
		}
}
END_TEST

START_TEST(unshowable_pictures_say_why)
{
	static const unsigned char heic[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
					      0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c' };
	static const unsigned char avif[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f',
					      0, 0, 0, 0, 'm', 'i', 'f', '1', 'm', 'i', 'a', 'f' };
	static const unsigned char wave[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E' };
	static const unsigned char text[] = "<!DOCTYPE html><title>Not found</title>";

	ck_assert_ptr_null(picture_unshowable_of(png, (long)sizeof png));
	ck_assert_ptr_null(picture_unshowable_of(jfif, (long)sizeof jfif));
	ck_assert_ptr_null(picture_unshowable_of(avif, (long)sizeof avif));
	ck_assert_str_eq(picture_unshowable_of(heic, (long)sizeof heic),
			 "it is a HEIC photo (as iPhones save them), which only Safari shows");
	ck_assert_str_eq(picture_unshowable_of(png, 0), "the file is empty");
	ck_assert_ptr_nonnull(strstr(picture_unshowable_of(png, 20), "cut short or damaged"));
	ck_assert_ptr_nonnull(strstr(picture_unshowable_of(jfif, 28), "cut short or damaged"));
	ck_assert_ptr_nonnull(strstr(picture_unshowable_of(wave, (long)sizeof wave), "not those of"));
	ck_assert_ptr_nonnull(strstr(picture_unshowable_of(text, (long)sizeof text), "not those of"));
}
END_TEST

/* Pictures as libgd writes them, 123 x 45, in every format it can. */
START_TEST(pictures_libgd_writes)
{
	static const char *const exts[] = { "png", "gif", "jpg", "webp", "avif" };
	gdImagePtr im = gdImageCreateTrueColor(123, 45);
	char dir[] = "/tmp/waymark-picture-XXXXXX", path[64];
	size_t i;
	int w, h, tried = 0;

	ck_assert_ptr_nonnull(im);
	gdImageFilledRectangle(im, 0, 0, 122, 44, gdTrueColor(0, 0x72, 0xb2));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof exts / sizeof *exts; i++) {
		snprintf(path, sizeof path, "%s/a.%s", dir, exts[i]);
		if (!gdSupportsFileType(path, 1))
			continue;
		ck_assert_int_eq(gdImageFile(im, path), GD_TRUE);
		w = h = 0;
		ck_assert_msg(picture_size(path, &w, &h) == 0, "no size for a .%s", exts[i]);
		ck_assert_int_eq(w, 123);
		ck_assert_int_eq(h, 45);
		ck_assert_ptr_null(picture_unshowable(path));
		ck_assert_int_eq(unlink(path), 0);
		tried++;
	}
	ck_assert_int_ge(tried, 4); /* Debian's libgd writes all five */

	ck_assert_int_eq(rmdir(dir), 0);
	gdImageDestroy(im);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("picture");
	TCase *tc = tcase_create("size");

	tcase_add_test(tc, png_size_is_in_its_header);
	tcase_add_test(tc, gif_size_is_its_screen);
	tcase_add_test(tc, jpeg_size_is_its_frame);
	tcase_add_test(tc, jpeg_turned_by_exif_swaps_its_sides);
	tcase_add_test(tc, jpeg_scan_before_any_frame_has_no_size);
	tcase_add_test(tc, webp_sizes_of_each_kind);
	tcase_add_test(tc, other_bytes_have_no_size);
	tcase_add_test(tc, files_are_read_by_path);
	tcase_add_test(tc, pictures_libgd_writes);
	tcase_add_test(tc, unshowable_pictures_say_why);
	tcase_add_test(tc, avif_size_is_its_primary_items);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
