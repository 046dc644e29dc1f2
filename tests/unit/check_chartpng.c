/* check_chartpng: pictures written with a palette of their own colours. */
#include "test.h"

#include <gd.h>
#include <string.h>

#include "chartpng.h"

static gdImagePtr decode(const struct strbuf *png)
{
	gdImagePtr im = gdImageCreateFromPngPtr((int)png->len, png->buf);

	ck_assert_ptr_nonnull(im);
	return im;
}

/* Every pixel of `png` is the colour it has in `im`. */
static void same_pixels(gdImagePtr im, const struct strbuf *png)
{
	gdImagePtr back = decode(png);
	int x, y;

	for (y = 0; y < gdImageSY(im); y++)
		for (x = 0; x < gdImageSX(im); x++)
			ck_assert_int_eq(gdImageGetTrueColorPixel(back, x, y) & 0xffffff,
					 gdImageGetTrueColorPixel(im, x, y) & 0xffffff);
	gdImageDestroy(back);
}

/* IHDR's colour type: 2 truecolor, 3 palette. */
static int color_type(const struct strbuf *png)
{
	ck_assert_uint_gt(png->len, 26);
	return (unsigned char)png->buf[25];
}

static long long distance(int a, int b)
{
	long long dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
	long long dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff), db = (a & 0xff) - (b & 0xff);

	return dr * dr + dg * dg + db * db;
}

/* A white picture with a blue bar and a ramp of `ramp` greys, two pixels
 * each, then `rare` single pixels of blues a shade apart, near the bar's. */
static gdImagePtr picture(int ramp, int rare)
{
	gdImagePtr im = gdImageCreateTrueColor(300, 120);
	int i;

	gdImageFilledRectangle(im, 0, 0, 299, 119, gdTrueColor(255, 255, 255));
	gdImageFilledRectangle(im, 20, 30, 80, 110, gdTrueColor(0, 0x72, 0xb2));
	for (i = 0; i < ramp; i++) {
		gdImageSetPixel(im, i % 300, 5 + i / 300, gdTrueColor(i, i, i));
		gdImageSetPixel(im, i % 300, 10 + i / 300, gdTrueColor(i, i, i));
	}
	for (i = 0; i < rare; i++)
		gdImageSetPixel(im, 100 + i, 60, gdTrueColor(0, 0x72 + 1 + i / 64, 0xb2 + i % 64));
	return im;
}

START_TEST(few_colours_are_kept_exactly)
{
	gdImagePtr im = picture(200, 0);
	struct strbuf png = STRBUF_INIT;

	ck_assert_int_eq(chart_png_encode(im, 256, NULL, 0, &png), 0);
	ck_assert_int_eq(color_type(&png), 3);
	same_pixels(im, &png);
	gdImageDestroy(im);
	strbuf_release(&png);
}
END_TEST

/* picture(250, 40) cut to `colors`: white and the bar stay, and no pixel
 * moves further than `far` (squared); the number of pixels changed. */
static int cut(int colors, long long far)
{
	gdImagePtr im = picture(250, 40), back;
	struct strbuf png = STRBUF_INIT;
	int x, y, changed = 0;

	ck_assert_int_eq(chart_png_encode(im, colors, NULL, 0, &png), 0);
	ck_assert_int_eq(color_type(&png), 3);
	back = decode(&png);
	ck_assert_int_le(gdImageColorsTotal(back), colors);
	for (y = 0; y < gdImageSY(im); y++)
		for (x = 0; x < gdImageSX(im); x++) {
			int a = gdImageGetTrueColorPixel(im, x, y) & 0xffffff;
			int b = gdImageGetTrueColorPixel(back, x, y) & 0xffffff;

			if (a == 0xffffff || a == 0x0072b2)
				ck_assert_int_eq(b, a);
			ck_assert_int_le(distance(a, b), far);
			changed += a != b;
		}
	gdImageDestroy(im);
	gdImageDestroy(back);
	strbuf_release(&png);
	return changed;
}

/* Of 292 colours, the rarest a shade from another go: each moves a few
 * shades at most. */
START_TEST(rare_colours_take_the_nearest)
{
	ck_assert_int_ge(cut(256, 4 * 4), 292 - 256);
}
END_TEST

/* 1,500 colours scattered through the cube: every pixel whose colour goes
 * takes one as near as any colour kept (the search for it stops early,
 * by the colours' sums, and must never stop too early). */
START_TEST(dropped_colours_take_a_nearest_kept_one)
{
	gdImagePtr im = gdImageCreateTrueColor(300, 100), back;
	struct strbuf png = STRBUF_INIT;
	static unsigned kept[256 * 256 * 256 / 32];
	int pool[1500], used[256], nused = 0, x, y, i;
	unsigned seed = 7;

	for (i = 0; i < 1500; i++) {
		seed = seed * 1103515245u + 12345u;
		pool[i] = (int)(seed >> 8) & 0xffffff;
	}
	for (y = 0; y < 100; y++)
		for (x = 0; x < 300; x++)
			gdImageSetPixel(im, x, y, pool[(x * 7 + y * 13 + x * y) % 1500]);
	ck_assert_int_eq(chart_png_encode(im, 256, NULL, 0, &png), 0);
	back = decode(&png);
	memset(kept, 0, sizeof kept);
	for (y = 0; y < 100; y++)
		for (x = 0; x < 300; x++) {
			int b = gdImageGetTrueColorPixel(back, x, y) & 0xffffff;

			if (!(kept[b / 32] & (1u << (b % 32)))) {
				kept[b / 32] |= 1u << (b % 32);
				ck_assert_int_lt(nused, 256);
				used[nused++] = b;
			}
		}
	ck_assert_int_eq(nused, 256);
	for (y = 0; y < 100; y++)
		for (x = 0; x < 300; x++) {
			int a = gdImageGetTrueColorPixel(im, x, y) & 0xffffff;
			int b = gdImageGetTrueColorPixel(back, x, y) & 0xffffff;
			long long best = -1;

			for (i = 0; i < nused; i++)
				if (best < 0 || distance(a, used[i]) < best)
					best = distance(a, used[i]);
			ck_assert_msg(distance(a, b) == best, "%06x took %06x, %lld away, not one %lld away",
				      a, b, distance(a, b), best);
		}
	gdImageDestroy(im);
	gdImageDestroy(back);
	strbuf_release(&png);
}
END_TEST

/* Rows the same as the row above count as often as they appear: of 257
 * colours one goes, and it is the rarest of those a shade from another,
 * not a colour that fills a column of identical rows. */
START_TEST(repeated_rows_count_every_time)
{
	gdImagePtr im = gdImageCreateTrueColor(300, 120), back;
	struct strbuf png = STRBUF_INIT;
	int i;

	gdImageFilledRectangle(im, 0, 0, 299, 119, gdTrueColor(255, 255, 255));
	gdImageFilledRectangle(im, 20, 30, 80, 110, gdTrueColor(0, 0x72, 0xb2));
	for (i = 0; i < 253; i++) /* 253 greys, each a pixel 3 from the next */
		gdImageSetPixel(im, i, 5, gdTrueColor(i, i, i));
	/* a shade from the bar: 50 pixels in 50 identical rows */
	gdImageLine(im, 200, 40, 200, 89, gdTrueColor(0, 0x72, 0xb3));
	/* a shade from white: 2 pixels */
	gdImageLine(im, 150, 10, 151, 10, gdTrueColor(255, 255, 254));
	ck_assert_int_eq(chart_png_encode(im, 256, NULL, 0, &png), 0);
	ck_assert_int_eq(color_type(&png), 3);
	back = decode(&png);
	ck_assert_int_eq(gdImageGetTrueColorPixel(back, 200, 60) & 0xffffff, 0x0072b3);
	ck_assert_int_eq(gdImageGetTrueColorPixel(back, 150, 10) & 0xffffff, 0xffffff);
	gdImageDestroy(im);
	gdImageDestroy(back);
	strbuf_release(&png);
}
END_TEST

START_TEST(same_pixels_give_the_same_bytes)
{
	gdImagePtr a = picture(250, 40), b = picture(250, 40);
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

	ck_assert_int_eq(chart_png_encode(a, 256, NULL, 0, &x), 0);
	ck_assert_int_eq(chart_png_encode(b, 256, NULL, 0, &y), 0);
	ck_assert_uint_eq(x.len, y.len);
	ck_assert_int_eq(memcmp(x.buf, y.buf, x.len), 0);
	gdImageDestroy(a);
	gdImageDestroy(b);
	strbuf_release(&x);
	strbuf_release(&y);
}
END_TEST

/* Fewer colours asked for: 292 into 48, and a grey of the ramp is then a
 * few of its steps from one kept. */
START_TEST(colours_are_cut_to_the_number_asked)
{
	ck_assert_int_ge(cut(48, 3 * 16 * 16), 292 - 48);
}
END_TEST

/* A colour named exact stays, though it is one pixel a shade from the
 * bar: without the name, it is the first to go. */
START_TEST(exact_colours_are_never_replaced)
{
	gdImagePtr im = picture(100, 0), back;
	struct strbuf png = STRBUF_INIT;
	const int axis = gdTrueColor(0, 0x72, 0xb3);

	gdImageSetPixel(im, 200, 60, axis);
	ck_assert_int_eq(chart_png_encode(im, 16, NULL, 0, &png), 0);
	back = decode(&png);
	ck_assert_int_eq(gdImageGetTrueColorPixel(back, 200, 60) & 0xffffff, 0x0072b2);
	gdImageDestroy(back);
	strbuf_reset(&png);
	ck_assert_int_eq(chart_png_encode(im, 16, &axis, 1, &png), 0);
	back = decode(&png);
	ck_assert_int_le(gdImageColorsTotal(back), 16);
	ck_assert_int_eq(gdImageGetTrueColorPixel(back, 200, 60) & 0xffffff, 0x0072b3);
	gdImageDestroy(im);
	gdImageDestroy(back);
	strbuf_release(&png);
}
END_TEST

/* WAYMARK_TIMINGS=1 and the benchmark report the PNG writer's CPU */
START_TEST(writing_time_is_counted)
{
	gdImagePtr im = picture(40, 0);
	struct strbuf png = STRBUF_INIT;
	double before = chart_png_seconds();

	ck_assert_int_eq(chart_png_encode(im, 256, NULL, 0, &png), 0);
	ck_assert(chart_png_seconds() > before);
	strbuf_release(&png);
	gdImageDestroy(im);
}
END_TEST

START_TEST(photograph_stays_truecolor)
{
	gdImagePtr im = gdImageCreateTrueColor(120, 100);
	struct strbuf png = STRBUF_INIT;
	int x, y;

	for (y = 0; y < 100; y++)
		for (x = 0; x < 120; x++)
			gdImageSetPixel(im, x, y, gdTrueColor(x * 2, y * 2, (x * y) & 0xff));
	ck_assert_int_eq(chart_png_encode(im, 256, NULL, 0, &png), 0);
	ck_assert_int_eq(color_type(&png), 2);
	same_pixels(im, &png);
	gdImageDestroy(im);
	strbuf_release(&png);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("chartpng");
	TCase *tc = tcase_create("palette");

	tcase_add_test(tc, few_colours_are_kept_exactly);
	tcase_add_test(tc, rare_colours_take_the_nearest);
	tcase_add_test(tc, dropped_colours_take_a_nearest_kept_one);
	tcase_add_test(tc, repeated_rows_count_every_time);
	tcase_add_test(tc, same_pixels_give_the_same_bytes);
	tcase_add_test(tc, colours_are_cut_to_the_number_asked);
	tcase_add_test(tc, exact_colours_are_never_replaced);
	tcase_add_test(tc, photograph_stays_truecolor);
	tcase_add_test(tc, writing_time_is_counted);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
