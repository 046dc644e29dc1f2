/* check_mustache_spec: the official Mustache spec, run from its YAML files. */
#include "test.h"

#include <stdio.h>
#include <string.h>

#include "mustache.h"
#include "strbuf.h"
#include "yamlread.h"

/*
 * Reads $WAYMARK_SHARED/mustache-spec/specs/NAME.yml (WAYMARK_SHARED
 * defaults to ../shared). A missing file fails the test and says so:
 * a spec that cannot be read must never pass by being skipped.
 * ~lambdas is left out: lambdas are not implemented yet.
 */

static const char *const spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials",
	"sections", "~inheritance", "~dynamic-names",
};
#define NFILES (sizeof spec_files / sizeof spec_files[0])

/* The name the test's own template gets: no spec partial is called that. */
#define MAIN_NAME "(spec template)"

struct tally {
	int passed, total;
};

static char *read_file(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static void spec_path(struct strbuf *sb, const char *file)
{
	const char *shared = getenv("WAYMARK_SHARED");

	strbuf_addf(sb, "%s/mustache-spec/specs/%s.yml", shared && *shared ? shared : "../shared",
		    file);
}

/* Print every diagnostic, indented, for a failure report. */
static void print_diags(const struct diag_list *dl)
{
	size_t i;

	for (i = 0; i < dl->n; i++) {
		char *s = diag_format(&dl->items[i]);

		fprintf(stderr, "    %s\n", s);
		free(s);
	}
}

/* Run one spec test; 1 when it passes (a failure is printed). */
static int run_one(const char *file, const struct value *test)
{
	const char *name = value_string(value_get(test, "name"));
	const char *tmpl = value_string(value_get(test, "template"));
	const char *expected = value_string(value_get(test, "expected"));
	const struct value *partials = value_get(test, "partials");
	struct mustache_set *set = mustache_set_new();
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf out = STRBUF_INIT;
	int ok = 1, rc = 0;
	size_t i;

	if (!name || !tmpl || !expected) {
		fprintf(stderr, "%s.yml: a test lacks name, template or expected\n", file);
		mustache_set_free(set);
		return 0;
	}
	if (partials && partials->kind == VALUE_MAP) {
		for (i = 0; i < partials->n; i++) {
			const struct value *p = partials->members[i].val;

			rc |= mustache_set_add(set, partials->members[i].key,
					       partials->members[i].key, p->str, p->len, &dl);
		}
	}
	rc |= mustache_set_add(set, MAIN_NAME, "template", tmpl, strlen(tmpl), &dl);
	if (rc == 0)
		rc = mustache_render(set, MAIN_NAME, value_get(test, "data"), NULL, &out, &dl);
	if (rc != 0 || strcmp(out.buf, expected) != 0 || dl.n) {
		ok = 0;
		fprintf(stderr, "FAIL %s.yml: %s\n  template: \"%s\"\n  expected: \"%s\"\n"
			"  got:      \"%s\"\n", file, name, tmpl, expected, out.buf);
		print_diags(&dl);
	}
	strbuf_release(&out);
	diag_list_release(&dl);
	mustache_set_free(set);
	return ok;
}

/* Run every test of one spec file into `t`; -1 when the file is unreadable. */
static int run_file(const char *file, struct tally *t)
{
	struct strbuf path = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *spec = NULL;
	const struct value *tests;
	size_t len, i;
	char *text;

	spec_path(&path, file);
	text = read_file(path.buf, &len);
	if (!text) {
		fprintf(stderr, "mustache spec: cannot read '%s'; set WAYMARK_SHARED to the "
			"directory holding mustache-spec/\n", path.buf);
		strbuf_release(&path);
		return -1;
	}
	spec = yamlread_parse(path.buf, text, len, 0, &dl);
	tests = value_get(spec, "tests");
	if (!tests || tests->kind != VALUE_LIST) {
		fprintf(stderr, "mustache spec: '%s' has no list of tests\n", path.buf);
		print_diags(&dl);
		value_free(spec);
		diag_list_release(&dl);
		free(text);
		strbuf_release(&path);
		return -1;
	}
	for (i = 0; i < tests->n; i++) {
		t->total++;
		t->passed += run_one(file, tests->items[i]);
	}
	value_free(spec);
	diag_list_release(&dl);
	free(text);
	strbuf_release(&path);
	return 0;
}

static void check_file(const char *file)
{
	struct tally t = { 0, 0 };

	ck_assert_msg(run_file(file, &t) == 0, "spec file '%s.yml' not readable", file);
	printf("mustache spec %s: %d passed out of %d\n", file, t.passed, t.total);
	fflush(stdout);
	ck_assert_msg(t.total > 0, "spec file '%s.yml' holds no tests", file);
	ck_assert_msg(t.passed == t.total, "%s.yml: %d of %d spec tests failed", file,
		      t.total - t.passed, t.total);
}

START_TEST(spec_comments) { check_file("comments"); }
END_TEST
START_TEST(spec_delimiters) { check_file("delimiters"); }
END_TEST
START_TEST(spec_interpolation) { check_file("interpolation"); }
END_TEST
START_TEST(spec_inverted) { check_file("inverted"); }
END_TEST
START_TEST(spec_partials) { check_file("partials"); }
END_TEST
START_TEST(spec_sections) { check_file("sections"); }
END_TEST
START_TEST(spec_inheritance) { check_file("~inheritance"); }
END_TEST
START_TEST(spec_dynamic_names) { check_file("~dynamic-names"); }
END_TEST

/* All files again for one total line (each test above may run in its own
 * process, so they cannot add up their counts). */
START_TEST(spec_all_files_pass)
{
	struct tally t = { 0, 0 };
	size_t i;
	int unreadable = 0;

	for (i = 0; i < NFILES; i++)
		if (run_file(spec_files[i], &t) < 0)
			unreadable++;
	printf("mustache spec: %d passed out of %d\n", t.passed, t.total);
	fflush(stdout);
	ck_assert_msg(unreadable == 0, "%d spec files not readable", unreadable);
	ck_assert_int_eq(t.passed, t.total);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mustache_spec");
	TCase *tc = tcase_create("spec");

	tcase_add_test(tc, spec_comments);
	tcase_add_test(tc, spec_delimiters);
	tcase_add_test(tc, spec_interpolation);
	tcase_add_test(tc, spec_inverted);
	tcase_add_test(tc, spec_partials);
	tcase_add_test(tc, spec_sections);
	tcase_add_test(tc, spec_inheritance);
	tcase_add_test(tc, spec_dynamic_names);
	tcase_add_test(tc, spec_all_files_pass);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
