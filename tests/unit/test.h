/* test.h: what every Check suite shares: a main that runs one suite. */
#ifndef WAYMARK_TEST_H
#define WAYMARK_TEST_H

#include <check.h>
#include <stdlib.h>

/* Each tests/unit/check_foo.c defines `static Suite *suite(void)` and ends
 * with TEST_MAIN. The run prints Check's "N%: Checks: N, Failures: N,
 * Errors: N" line and exits non-zero on any failure. */
#define TEST_MAIN                                                  \
	int main(void)                                             \
	{                                                          \
		SRunner *sr = srunner_create(suite());             \
		int failed;                                        \
		srunner_run_all(sr, CK_NORMAL);                    \
		failed = srunner_ntests_failed(sr);                \
		srunner_free(sr);                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;       \
	}

/*
 * At file scope: LeakSanitizer (make unit-asan) leaves out leaks from the
 * libraries named in `supp` (its suppressions: "leak:libx.so\n"...).
 */
#define TEST_LEAKS_ARE_NOT_OURS(supp)                              \
	const char *__lsan_default_suppressions(void);             \
	const char *__lsan_default_suppressions(void)              \
	{                                                          \
		return supp;                                       \
	}                                                          \
	const char *__lsan_default_options(void);                  \
	const char *__lsan_default_options(void)                   \
	{                                                          \
		return "print_suppressions=0";                     \
	}

/* For suites that draw text: Debian 12's fontconfig loses one block while
 * it parses its configuration, once per process; not ours.
 * tests/fontconfig.supp is the same for valgrind. */
#define TEST_FONTCONFIG_LEAK_IS_NOT_OURS TEST_LEAKS_ARE_NOT_OURS("leak:libfontconfig.so\n")

#endif
