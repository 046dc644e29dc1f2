/* check_dynlib: libraries opened when first needed (dynlib, mhdlib, gdlib). */
#include "test.h"

#include <string.h>

#include "dynlib.h"
#include "gdlib.h"
#include "mhdlib.h"

START_TEST(finds_each_function)
{
	double (*cosine)(double) = NULL;
	size_t (*length)(const char *) = NULL;
	const struct dynlib_fn m[] = { { "cos", (void **)&cosine } };
	const struct dynlib_fn c[] = { { "strlen", (void **)&length } };
	struct dynlib libm = DYNLIB_INIT("libm.so.6", m), libc = DYNLIB_INIT("libc.so.6", c);

	ck_assert_ptr_null(dynlib_load(&libm));
	ck_assert_ptr_nonnull(cosine);
	ck_assert(cosine(0.0) == 1.0);
	ck_assert_ptr_null(dynlib_load(&libc));
	ck_assert_uint_eq(length("waymark"), 7);
	ck_assert_ptr_null(dynlib_load(&libm)); /* still fine */
}
END_TEST

START_TEST(a_missing_library_says_which)
{
	void (*f)(void) = NULL;
	const struct dynlib_fn fns[] = { { "f", (void **)&f } };
	struct dynlib l = DYNLIB_INIT("libwaymark-no-such.so.0", fns);
	const char *why = dynlib_load(&l);

	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "libwaymark-no-such.so.0"));
	ck_assert_ptr_null(f);
	ck_assert_ptr_eq(dynlib_load(&l), why); /* tried once, the same reason */
	free(l.failure);
}
END_TEST

START_TEST(a_missing_function_says_which)
{
	double (*cosine)(double) = NULL;
	void (*f)(void) = NULL;
	const struct dynlib_fn fns[] = {
		{ "cos", (void **)&cosine },
		{ "waymark_no_such_function", (void **)&f },
	};
	struct dynlib l = DYNLIB_INIT("libm.so.6", fns);
	const char *why = dynlib_load(&l);

	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "waymark_no_such_function"));
	ck_assert_ptr_null(f);
	free(l.failure);
}
END_TEST

/* the file names the Makefile read from the libraries built against */
START_TEST(opens_libmicrohttpd_and_libgd)
{
	const char *why = NULL;
	const struct mhdlib *mhd = mhdlib(&why);
	const struct gdlib *gd = gdlib(&why);

	ck_assert_msg(mhd != NULL, "libmicrohttpd: %s", why);
	ck_assert_ptr_nonnull(mhd->start_daemon);
	ck_assert_ptr_nonnull(mhd->destroy_response);
	ck_assert_msg(gd != NULL, "libgd: %s", why);
	ck_assert_ptr_nonnull(gd->png_ptr_ex);
	ck_assert_ptr_eq(mhdlib(NULL), mhd); /* opened once */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dynlib");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, finds_each_function);
	tcase_add_test(tc, a_missing_library_says_which);
	tcase_add_test(tc, a_missing_function_says_which);
	tcase_add_test(tc, opens_libmicrohttpd_and_libgd);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
