/* check_lambdas: the Mustache spec's ~lambdas, with each lambda written in
 * Lua as a site helper (the spec has no Lua versions; these follow its
 * Python ones), rendered through mustache_render's lambdas. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "hooks.h"
#include "mustache.h"
#include "yamlread.h"

/* The spec's lambdas, by test name, as Lua helpers called `lambda`. */
static const struct {
	const char *name;
	const char *lua;
} lambdas[] = {
	{ "Interpolation", "function() return 'world' end" },
	{ "Interpolation - Expansion", "function() return '{{planet}}' end" },
	{ "Interpolation - Alternate Delimiters", "function() return '|planet| => {{planet}}' end" },
	{ "Interpolation - Multiple Calls",
	  "(function() local calls = 0 return function() calls = calls + 1 return calls end end)()" },
	{ "Escaping", "function() return '>' end" },
	{ "Section", "function(text) return text == '{{x}}' and 'yes' or 'no' end" },
	{ "Section - Expansion", "function(text) return text .. '{{planet}}' .. text end" },
	{ "Section - Alternate Delimiters",
	  "function(text) return text .. '{{planet}} => |planet|' .. text end" },
	{ "Section - Multiple Calls", "function(text) return '__' .. text .. '__' end" },
	{ "Inverted Section", "function(text) return false end" },
};

static int has(void *ctx, const char *name)
{
	return hooks_has_helper(ctx, name);
}

static int call(void *ctx, const char *name, const char *text, size_t len,
		mustache_text_fn render, void *render_ctx, struct strbuf *out,
		struct diag_list *dl)
{
	return hooks_call_helper(ctx, name, text, len, render, render_ctx, out, dl);
}

/* Run one spec test; 1 when it passes. */
static int run(const struct value *test, const char *lua, const char *dir)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf src = STRBUF_INIT, out = STRBUF_INIT;
	struct hooks_opts ho;
	struct hooks *h;
	struct mustache_set *set = mustache_set_new();
	struct mustache_lambdas lam;
	struct mustache_opts mo;
	struct value *data = value_copy(value_get(test, "data"));
	const char *tpl = value_string(value_get(test, "template"));
	const char *want = value_string(value_get(test, "expected"));
	char *path = fs_join(dir, "lua/spec.lua");
	int ok = 0;

	strbuf_addf(&src, "return { helpers = { lambda = %s } }\n", lua);
	fs_write(path, src.buf, src.len);
	memset(&ho, 0, sizeof ho);
	ho.site_dir = dir;
	h = hooks_new(&ho, &dl);
	ck_assert_msg(h != NULL, "hooks_new failed");
	/* the spec's `lambda` data is code for other languages: the helper
	 * takes its place */
	{
		/* remove the key entirely, so lookup falls through to the helper */
		size_t i;

		for (i = 0; i < data->n; i++)
			if (!strcmp(data->members[i].key, "lambda")) {
				free(data->members[i].key);
				value_free(data->members[i].val);
				memmove(&data->members[i], &data->members[i + 1],
					(data->n - i - 1) * sizeof *data->members);
				data->n--;
				break;
			}
	}
	lam.has = has;
	lam.call = call;
	lam.ctx = h;
	memset(&mo, 0, sizeof mo);
	mo.strict = 0;
	mo.lambdas = &lam;
	if (mustache_set_add(set, "t", "t.mustache", tpl, strlen(tpl), &dl) == 0 &&
	    mustache_render(set, "t", data, &mo, &out, &dl) == 0)
		ok = !strcmp(out.buf, want);
	if (!ok) {
		fprintf(stderr, "~lambdas '%s': expected '%s', got '%s'\n",
			value_string(value_get(test, "name")), want, out.buf);
		diag_list_print(&dl, stderr);
	}
	hooks_free(h);
	mustache_set_free(set);
	value_free(data);
	strbuf_release(&src);
	strbuf_release(&out);
	diag_list_release(&dl);
	free(path);
	return ok;
}

START_TEST(spec_lambdas_pass_with_lua_helpers)
{
	const char *shared = getenv("WAYMARK_SHARED");
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *spec, *tests;
	char dir[] = "/tmp/waymark-lambdas-XXXXXX";
	size_t i, k, passed = 0, total = 0;

	strbuf_addf(&path, "%s/mustache-spec/specs/~lambdas.yml", shared ? shared : "../shared");
	ck_assert_msg(fs_read(path.buf, &text) == 0,
		      "cannot read '%s'; set WAYMARK_SHARED to the directory holding mustache-spec/",
		      path.buf);
	spec = yamlread_parse(path.buf, text.buf, text.len, 0, &dl);
	ck_assert_ptr_nonnull(spec);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	{
		char *lua = fs_join(dir, "lua");

		fs_mkdirs(lua);
		free(lua);
	}
	tests = value_get(spec, "tests");
	for (i = 0; tests && i < tests->n; i++) {
		const char *name = value_string(value_get(tests->items[i], "name"));

		for (k = 0; k < sizeof lambdas / sizeof *lambdas; k++)
			if (name && !strcmp(name, lambdas[k].name))
				break;
		total++;
		if (k == sizeof lambdas / sizeof *lambdas) {
			fprintf(stderr, "~lambdas '%s': no Lua version of this lambda\n", name);
			continue;
		}
		passed += run(tests->items[i], lambdas[k].lua, dir);
	}
	printf("mustache spec ~lambdas (Lua helpers): %zu passed out of %zu\n", passed, total);
	fs_remove_tree(dir);
	ck_assert_uint_eq(passed, total);
	ck_assert_uint_ge(total, 10);
	value_free(spec);
	strbuf_release(&path);
	strbuf_release(&text);
	diag_list_release(&dl);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("lambdas");
	TCase *tc = tcase_create("lambdas");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, spec_lambdas_pass_with_lua_helpers);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN
