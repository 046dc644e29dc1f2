/* check_charttext: chart text is measured and drawn exactly as libgd does it. */
#include "test.h"

#include <gd.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "charttext.h"

TEST_FONTCONFIG_LEAK_IS_NOT_OURS

static const char *const fonts[] = { "DejaVu Sans", "DejaVu Sans:bold" };
static const double sizes[] = { 10, 11, 12, 13, 16, 22, 24, 26, 32 };
static const char *const texts[] = {
	"Hourly wage at each step",
	"$39.42",
	"AVAT Ta We Yo",          /* kerning pairs, if the font has a kern table */
	"Certified Nursing Assistant (CNA)",
	"Supercalifrag\xe2\x80\xa6", /* "…" */
	"-9.5%",
	"caf\xc3\xa9 \xe2\x82\xac" "5", /* "café €5" */
	"Two\nlines",
	"W",
	" leading and trailing ",
};
#define N(a) (sizeof (a) / sizeof (a)[0])

#define INK gdTrueColor(0x1a, 0x1a, 0x1a)
#define WHITE gdTrueColor(0xff, 0xff, 0xff)
#define BLUE gdTrueColor(0x00, 0x72, 0xb2)

/* What chartdraw.c did before charttext: libgd's text call, with
 * fontconfig names and 72 dpi. Returns the width (brect[2] - brect[0]);
 * draws when `im` is not NULL. */
static int libgd(gdImagePtr im, const char *font, double px, int x, int y, int color,
		 const char *s)
{
	gdFTStringExtra ex;
	int br[8];
	char *err;

	memset(&ex, 0, sizeof ex);
	ex.flags = gdFTEX_RESOLUTION | gdFTEX_FONTCONFIG;
	ex.hdpi = ex.vdpi = 72;
	err = gdImageStringFTEx(im, br, color, font, px, 0, x, y, (char *)s, &ex);
	ck_assert_msg(err == NULL, "libgd: %s", err ? err : "");
	return br[2] - br[0];
}

static void ours_draw(gdImagePtr im, const char *font, double px, int x, int y, int color,
		      const char *s)
{
	struct chart_text t;
	const char *err = NULL;

	ck_assert_int_eq(chart_text_layout(&t, font, px, s, &err), 0);
	ck_assert_int_eq(chart_text_draw(&t, im, x, y, color, &err), 0);
	chart_text_release(&t);
}

static gdImagePtr canvas(int bg)
{
	gdImagePtr im = gdImageCreateTrueColor(900, 160);

	ck_assert_ptr_nonnull(im);
	gdImageFilledRectangle(im, 0, 0, 899, 159, bg);
	return im;
}

static int same_pixels(gdImagePtr a, gdImagePtr b)
{
	int y;

	for (y = 0; y < gdImageSY(a); y++)
		if (memcmp(a->tpixels[y], b->tpixels[y], (size_t)gdImageSX(a) * sizeof(int)))
			return 0;
	return 1;
}

START_TEST(width_is_libgds_bounding_box)
{
	size_t f, z, i;

	for (f = 0; f < N(fonts); f++)
		for (z = 0; z < N(sizes); z++)
			for (i = 0; i < N(texts); i++) {
				struct chart_text t;
				const char *err = NULL;

				ck_assert_int_eq(chart_text_layout(&t, fonts[f], sizes[z], texts[i], &err), 0);
				ck_assert_msg(chart_text_width(&t) ==
						      libgd(NULL, fonts[f], sizes[z], 0, 0, 0, texts[i]),
					      "'%s' in %s at %g px", texts[i], fonts[f], sizes[z]);
				chart_text_release(&t);
			}
}
END_TEST

START_TEST(pixels_are_libgds)
{
	static const int colors[][2] = { { INK, WHITE }, { WHITE, BLUE } }; /* text, ground */
	size_t f, z, i, c;

	for (c = 0; c < N(colors); c++)
		for (f = 0; f < N(fonts); f++)
			for (z = 0; z < N(sizes); z++)
				for (i = 0; i < N(texts); i++) {
					gdImagePtr a = canvas(colors[c][1]), b = canvas(colors[c][1]);

					libgd(a, fonts[f], sizes[z], 7, 60, colors[c][0], texts[i]);
					ours_draw(b, fonts[f], sizes[z], 7, 60, colors[c][0], texts[i]);
					ck_assert_msg(same_pixels(a, b), "'%s' in %s at %g px",
						      texts[i], fonts[f], sizes[z]);
					gdImageDestroy(a);
					gdImageDestroy(b);
				}
}
END_TEST

START_TEST(text_off_the_edge_is_clipped)
{
	gdImagePtr a = canvas(WHITE), b = canvas(WHITE);

	libgd(a, fonts[1], 32, -12, 10, INK, texts[0]);
	ours_draw(b, fonts[1], 32, -12, 10, INK, texts[0]);
	libgd(a, fonts[0], 32, 700, 170, INK, texts[3]);
	ours_draw(b, fonts[0], 32, 700, 170, INK, texts[3]);
	ck_assert(same_pixels(a, b));
	gdImageDestroy(a);
	gdImageDestroy(b);
}
END_TEST

/* Two threads fill the cache from empty at once and draw what one thread
 * draws alone. */
static void *draw_all(void *arg)
{
	gdImagePtr *out = arg;
	size_t z, i;
	int y = 0;

	for (z = 0; z < N(sizes); z++)
		for (i = 0; i < N(texts); i++) {
			ours_draw(*out, fonts[(z + i) % 2], sizes[z], 5 + (int)(i % 3) * 290,
				  20 + y, INK, texts[i]);
			y = (y + 13) % 130;
		}
	return NULL;
}

START_TEST(threads_share_the_cache)
{
	gdImagePtr one = canvas(WHITE), two[2] = { canvas(WHITE), canvas(WHITE) };
	pthread_t th;

	chart_text_shutdown();
	draw_all(&one);
	chart_text_shutdown();
	ck_assert_int_eq(pthread_create(&th, NULL, draw_all, &two[0]), 0);
	draw_all(&two[1]);
	pthread_join(th, NULL);
	ck_assert(same_pixels(one, two[0]));
	ck_assert(same_pixels(one, two[1]));
	gdImageDestroy(one);
	gdImageDestroy(two[0]);
	gdImageDestroy(two[1]);
}
END_TEST

START_TEST(empty_text_is_nothing)
{
	struct chart_text t;
	const char *err = NULL;

	ck_assert_int_eq(chart_text_layout(&t, fonts[0], 12, "", &err), 0);
	ck_assert_int_eq(chart_text_width(&t), 0);
	ck_assert_uint_eq(t.n, 0);
	chart_text_release(&t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("charttext");
	TCase *tc = tcase_create("libgd");

	/* libgd's side hints every glyph two or three times: slow under ASan */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, width_is_libgds_bounding_box);
	tcase_add_test(tc, pixels_are_libgds);
	tcase_add_test(tc, text_off_the_edge_is_clipped);
	tcase_add_test(tc, threads_share_the_cache);
	tcase_add_test(tc, empty_text_is_nothing);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
