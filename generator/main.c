/* main: the waymark command line; picks an operation and runs it. */
#include <cmark-gfm.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <gd.h>
#include <getopt.h>
#include <lua.h>
#include <yaml.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "caseimport.h"
#include "chart.h"
#include "diag.h"
#include "markdown.h"
#include "scaffold.h"
#include "serve.h"
#include "strbuf.h"

#define WAYMARK_VERSION "0.1.0"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static const char usage_text[] =
	"usage: waymark build [-s SITE_DIR] [-o OUT_DIR] [-b BASE_URL] [-j N] [--drafts] [--strict] [--quiet]\n"
	"       waymark check [-s SITE_DIR] [--drafts] [--strict] [--readability] [--format text|json]\n"
	"       waymark new framework|pathway|stage|guide ID [-s SITE_DIR]\n"
	"       waymark new story|page TITLE [-s SITE_DIR]\n"
	"       waymark new site DIR\n"
	"       waymark serve [-s SITE_DIR] [-p PORT] [--bind ADDRESS] [--drafts]\n"
	"       waymark import case FILE.json [-s SITE_DIR] [--id ID]\n"
	"       waymark version\n"
	"       waymark help [COMMAND]\n";

static const struct {
	const char *name;
	const char *help;
} commands[] = {
	{ "build",
	  "usage: waymark build [-s SITE_DIR] [-o OUT_DIR] [-b BASE_URL] [-j N] [--drafts] [--strict] [--quiet]\n"
	  "\n"
	  "Render the site in SITE_DIR (default: the current directory) into OUT_DIR\n"
	  "(default: SITE_DIR/public). Pages are written to a staging directory beside\n"
	  "OUT_DIR and swapped in only when the build has no errors.\n"
	  "\n"
	  "  -s, --site DIR   the site directory (holds site.yaml and content/)\n"
	  "  -o, --out DIR    the output directory\n"
	  "  -b, --base-url URL\n"
	  "                   build for this address instead of site.yaml's base_url\n"
	  "                   (a preview or a second host: https://preview.example.org/)\n"
	  "  -j, --jobs N     render pages on N threads (default: one per CPU)\n"
	  "      --drafts     include pages marked draft: true\n"
	  "      --strict     a name a template uses but the page lacks is an error,\n"
	  "                   and any warning fails the build as an error does\n"
	  "  -q, --quiet      print nothing but problems\n" },
	{ "check",
	  "usage: waymark check [-s SITE_DIR] [--drafts] [--strict] [--readability] [--format text|json]\n"
	  "\n"
	  "Load, validate and render the site as a build would, but write nothing\n"
	  "(charts are laid out, so their warnings show, but not drawn).\n"
	  "Prints every problem found and exits 1 when there was an error (or, with\n"
	  "--strict, a warning). When no input changed since the last build into\n"
	  "SITE_DIR/public, it reports what that build found without doing the work\n"
	  "again.\n"
	  "\n"
	  "      --readability  also print every page's reading grade, worst first\n"
	  "      --format json  print one JSON object on standard output instead, for\n"
	  "                     editors and CI: {pages, errors, warnings, diagnostics:\n"
	  "                     [{file, line, column, severity, message}], and with\n"
	  "                     --readability grades: [{path, graded, grade, words}]}\n" },
	{ "new",
	  "usage: waymark new framework|pathway|stage|guide ID [-s SITE_DIR]\n"
	  "       waymark new story|page TITLE [-s SITE_DIR]\n"
	  "       waymark new site DIR\n"
	  "\n"
	  "Write a skeleton content file, with a comment on every field, that builds\n"
	  "as it is: content/frameworks/ID.yaml, content/pathways/ID.md,\n"
	  "content/lifecycle/NN-ID.md, content/stories/<slug of TITLE>.md,\n"
	  "content/pages/<slug of TITLE>.md, or a guide's content/guides/ID/_index.md\n"
	  "and its first chapter. `new site`\n"
	  "makes a new site directory, with a .gitignore for what builds make (unless\n"
	  "it has one). An existing file is never overwritten.\n" },
	{ "serve",
	  "usage: waymark serve [-s SITE_DIR] [-p PORT] [--bind ADDRESS] [--drafts]\n"
	  "\n"
	  "Build the site into a directory of its own (never SITE_DIR/public), kept\n"
	  "between runs in ~/.cache/waymark/serve/ so that a restart renders only what\n"
	  "changed, serve it at http://127.0.0.1:1313/ and rebuild it when content/,\n"
	  "themes/, lua/ or site.yaml change; open pages reload themselves. While a\n"
	  "build has errors, pages show them. Ctrl-C stops it.\n"
	  "\n"
	  "  -s, --site DIR     the site directory (holds site.yaml and content/)\n"
	  "  -p, --port PORT    the port to listen on (default 1313, or the next free\n"
	  "                     one when it is taken; 0: any free port)\n"
	  "      --bind ADDRESS the address to listen on (default 127.0.0.1; 0.0.0.0:\n"
	  "                     every address, to try the site on a phone on the\n"
	  "                     same network: the addresses to open are printed)\n"
	  "      --drafts       include pages marked draft: true\n" },
	{ "import",
	  "usage: waymark import case FILE.json [-s SITE_DIR] [--id ID]\n"
	  "\n"
	  "Write the CASE 1.0 package FILE.json (a framework published as CASE, such\n"
	  "as another waymark site's .case.json or an export from a CASE server) as\n"
	  "SITE_DIR/content/frameworks/ID.yaml, a framework file to edit and build\n"
	  "like any other. Its items' isChildOf tree gives the categories and skills;\n"
	  "its other associations become the skills' alignments. What cannot be\n"
	  "carried over is a warning at its line of FILE.json. An existing file is\n"
	  "never overwritten.\n"
	  "\n"
	  "  -s, --site DIR   the site directory (default: the current directory)\n"
	  "      --id ID      the framework's id (default: made from its title)\n" },
	{ "version",
	  "usage: waymark version\n\nPrint the version of waymark, and on a second line those of the\n"
	  "libraries that decide what it writes.\n" },
	{ "help", "usage: waymark help [COMMAND]\n\nDescribe a command.\n" },
};

/* What follows a usage error (the full usage is `waymark help`). */
static int short_usage(void)
{
	fputs("usage: waymark build|check|new|serve|import|version|help [OPTIONS]\n"
	      "Run 'waymark help' for every command, 'waymark help COMMAND' for one.\n", stderr);
	return EXIT_USAGE;
}

/* A usage error: what was wrong, then a short usage. */
static int usage_error(const char *fmt, const char *arg)
{
	fputs("waymark: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return short_usage();
}

static int unknown_command(const char *cmd)
{
	const char *names[sizeof commands / sizeof *commands], *near;
	size_t i;

	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		names[i] = commands[i].name;
	near = diag_suggest(cmd, names, i);

	if (!near)
		return usage_error("unknown command '%s'", cmd);
	fprintf(stderr, "waymark: unknown command '%s'; did you mean '%s'?\n", cmd, near);
	return short_usage();
}

/* Every command's long options (without "--"), for an option that is
 * another command's, or a typo of one of this command's. */
static const struct {
	const char *command;
	const char *names[10];
} command_options[] = {
	{ "build", { "site", "out", "base-url", "jobs", "drafts", "strict", "quiet", "help", NULL } },
	{ "check", { "site", "jobs", "drafts", "strict", "readability", "format", "help", NULL } },
	{ "new", { "site", "help", NULL } },
	{ "serve", { "site", "port", "bind", "drafts", "help", NULL } },
	{ "import", { "site", "id", "help", NULL } },
};

/*
 * An option `command` does not take (`arg` as given: "--jbos=2", "-x").
 * A long option gets "did you mean" from the command's own, or is named
 * as another command's when it is one.
 */
static int unknown_option(const char *command, const char *arg)
{
	size_t i, k, n = sizeof command_options / sizeof *command_options;
	const char *const *own = NULL, *near = NULL, *other = NULL;
	char name[64];
	size_t len;

	if (strncmp(arg, "--", 2) || (len = strcspn(arg + 2, "=")) >= sizeof name)
		return usage_error("unknown option '%s'", arg);
	memcpy(name, arg + 2, len);
	name[len] = '\0';
	for (i = 0; i < n; i++)
		if (!strcmp(command_options[i].command, command))
			own = command_options[i].names;
	for (k = 0; own && own[k]; k++)
		;
	if (own)
		near = diag_suggest(name, own, k);
	for (i = 0; i < n && !near && !other; i++)
		for (k = 0; command_options[i].names[k]; k++)
			if (!strcmp(command_options[i].names[k], name))
				other = command_options[i].command;
	fprintf(stderr, "waymark: unknown option '--%s'", name);
	if (near)
		fprintf(stderr, "; did you mean '--%s'?", near);
	else if (other)
		fprintf(stderr, " for '%s': it is an option of 'waymark %s'", command, other);
	fputc('\n', stderr);
	return short_usage();
}

/* The version, and the libraries' that decide what a build writes (the
 * HTML cmark-gfm makes, the pixels of charts): for a bug report, or to
 * see why two machines' charts differ. */
static void print_version(void)
{
	int fc = FcGetVersion();

	puts("waymark " WAYMARK_VERSION);
	printf("cmark-gfm %s, libyaml %s, %s, libgd %s, FreeType %d.%d.%d, fontconfig %d.%d.%d\n",
	       cmark_version_string(), yaml_get_version_string(), LUA_RELEASE, GD_VERSION_STRING,
	       FREETYPE_MAJOR, FREETYPE_MINOR, FREETYPE_PATCH, fc / 10000, fc / 100 % 100, fc % 100);
}

static int cmd_help(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fputs(usage_text, stdout);
		fputs("\nCommands:\n"
		      "  build    render the site into the output directory\n"
		      "  check    validate the site and write nothing\n"
		      "  new      write a skeleton framework, pathway, stage, story, guide, page or site\n"
		      "  serve    preview the site, rebuilding it as it changes\n"
		      "  import   write a CASE 1.0 package as a framework of the site\n"
		      "  version  print the version\n"
		      "  help     describe a command\n"
		      "\nExit status: 0 success, 1 content errors, 2 usage errors, 3 I/O or\n"
		      "internal failure. See waymark(1).\n", stdout);
		return 0;
	}
	for (i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(commands[i].name, argv[1])) {
			fputs(commands[i].help, stdout);
			return 0;
		}
	return unknown_command(argv[1]);
}

static int cmp_grade(const void *a, const void *b)
{
	const struct value *x = *(struct value *const *)a, *y = *(struct value *const *)b;
	double gx = value_get(x, "graded")->boolean ? value_get(x, "grade")->number : -1e9;
	double gy = value_get(y, "graded")->boolean ? value_get(y, "grade")->number : -1e9;

	if (gx != gy)
		return gx > gy ? -1 : 1;
	return strcmp(value_string(value_get(x, "path")), value_string(value_get(y, "path")));
}

/* Every page's reading grade, worst first (waymark check --readability). */
static void print_grades(struct value *grades)
{
	size_t i;

	if (grades->n)
		qsort(grades->items, grades->n, sizeof *grades->items, cmp_grade);
	printf("%6s %6s  %s\n", "grade", "words", "page");
	for (i = 0; i < grades->n; i++) {
		const struct value *g = grades->items[i];

		if (value_get(g, "graded")->boolean)
			printf("%6.1f %6.0f  %s\n", value_get(g, "grade")->number,
			       value_get(g, "words")->number, value_string(value_get(g, "path")));
		else
			printf("%6s %6.0f  %s (too short to grade)\n", "-",
			       value_get(g, "words")->number, value_string(value_get(g, "path")));
	}
}

/* waymark check --format json: everything it found, as one object. */
static void print_json(const struct diag_list *dl, struct build_stats *st)
{
	struct value *o = value_new_map();
	struct strbuf sb = STRBUF_INIT;

	value_map_set_num(o, "pages", (double)st->pages);
	value_map_set_num(o, "errors", (double)dl->errors);
	value_map_set_num(o, "warnings", (double)dl->warnings);
	value_map_set(o, "diagnostics", diag_list_value(dl), NULL);
	if (st->grades) {
		if (st->grades->n)
			qsort(st->grades->items, st->grades->n, sizeof *st->grades->items, cmp_grade);
		value_map_set(o, "grades", st->grades, NULL);
		st->grades = NULL;
	}
	value_json(o, &sb);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
	value_free(o);
}

/* The same for a check that must end before it returns (build_opts.report):
 * written out at once, as the process ends next. */
static void report_json(void *ctx, const struct diag_list *dl)
{
	struct build_stats none;

	(void)ctx;
	memset(&none, 0, sizeof none);
	print_json(dl, &none);
	fflush(stdout);
}

static int cmd_build(int argc, char **argv, int dry_run)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "readability", no_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct build_opts opts = { .site_dir = ".", .dry_run = dry_run, .exiting = 1 };
	char *end;
	struct diag_list dl = DIAG_LIST_INIT;
	struct build_stats st;
	int quiet = 0, json = 0, c, status;
	const char *format = NULL;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, dry_run ? ":s:j:h" : ":s:o:b:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opts.site_dir = optarg; break;
		case 'o': opts.out_dir = optarg; break;
		case 'b': opts.base_url = optarg; break;
		case 'd': opts.drafts = 1; break;
		case 'S': opts.strict = 1; break;
		case 'q': quiet = 1; break;
		case 'R': opts.grades = 1; break;
		case 'F': format = optarg; break;
		case 'j':
			opts.jobs = (int)strtol(optarg, &end, 10);
			if (*end || opts.jobs < 1 || opts.jobs > 1024)
				return usage_error("'-j' needs a number of jobs from 1 to 1024, not '%s'",
						   optarg);
			break;
		case 'h': fputs(commands[dry_run].help, stdout); return 0;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return unknown_option(commands[dry_run].name, argv[optind - 1]);
		}
	}
	if (dry_run && (opts.out_dir || quiet || opts.base_url))
		return unknown_option("check", opts.out_dir ? "--out" : quiet ? "--quiet" : "--base-url");
	if (!dry_run && opts.grades)
		return unknown_option("build", "--readability");
	if (!dry_run && format)
		return unknown_option("build", "--format");
	if (format && strcmp(format, "text")) {
		static const char *const formats[] = { "text", "json" };
		const char *near = diag_suggest(format, formats, 2);

		if (strcmp(format, "json")) {
			fprintf(stderr, "waymark: '--format' takes text or json, not '%s'", format);
			if (near)
				fprintf(stderr, "; did you mean '%s'?", near);
			fputc('\n', stderr);
			return short_usage();
		}
		json = 1;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	opts.progress = !quiet && !json && isatty(STDERR_FILENO);
	opts.quiet = quiet || json;
	if (json)
		opts.report = report_json;

	markdown_init();
	status = build_run(&opts, &dl, &st);
	chart_shutdown();
	diag_list_sort(&dl);
	if (json) {
		print_json(&dl, &st);
		free(st.reads);
		diag_list_release(&dl);
		return status;
	}
	diag_list_print(&dl, stderr);
	free(st.reads);
	if (st.grades) {
		print_grades(st.grades);
		value_free(st.grades);
	}
	if (dl.errors)
		fprintf(stderr, "%zu error%s, %zu warning%s\n", dl.errors, dl.errors == 1 ? "" : "s",
			dl.warnings, dl.warnings == 1 ? "" : "s");
	else if (dry_run && !quiet)
		printf("checked %zu page%s: no errors, %zu warning%s\n", st.pages,
		       st.pages == 1 ? "" : "s", dl.warnings,
		       dl.warnings == 1 ? "" : "s");
	else if (!quiet)
		build_stats_print(stdout, "built", &st);
	diag_list_release(&dl);
	return status;
}

/* The two words a command takes besides its options (`missing`: what to
 * say when there are fewer): 0, or the status of the usage error. */
static int two_words(int argc, char **argv, const char **pos, const char *missing)
{
	int n = 0;

	for (; optind < argc; optind++) {
		if (n == 2)
			return usage_error("unexpected argument '%s'", argv[optind]);
		pos[n++] = argv[optind];
	}
	return n < 2 ? usage_error("%s", missing) : 0;
}

static int cmd_new(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf written = STRBUF_INIT;
	const char *site_dir = ".", *pos[2] = { NULL, NULL };
	int c, usage, status;

	opterr = 0;
	optind = 1;
	/* options may come before or after the two words: GNU getopt moves
	 * the words to the end */
	while ((c = getopt_long(argc, argv, ":s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': site_dir = optarg; break;
		case 'h': fputs(commands[2].help, stdout); return 0;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return unknown_option("new", argv[optind - 1]);
		}
	}
	if ((status = two_words(argc, argv, pos, "new needs a kind and an id, title or directory")))
		return status;
	status = scaffold_new(site_dir, pos[0], pos[1], &written, &usage, &dl);
	diag_list_print(&dl, stderr);
	if (status == 0)
		printf("wrote %s\n", written.buf);
	else if (usage)
		fputs("Run 'waymark help new' for the kinds and their arguments.\n", stderr);
	status = status == 0 ? 0 : usage ? EXIT_USAGE : dl.io_errors ? EXIT_IO : EXIT_CONTENT;
	diag_list_release(&dl);
	strbuf_release(&written);
	return status;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct diag_list dl = DIAG_LIST_INIT;
	struct strbuf written = STRBUF_INIT;
	struct caseimport_stats st;
	const char *site_dir = ".", *id = NULL, *pos[2] = { NULL, NULL };
	int c, usage, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': site_dir = optarg; break;
		case 'i': id = optarg; break;
		case 'h': fputs(commands[4].help, stdout); return 0;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return unknown_option("import", argv[optind - 1]);
		}
	}
	if ((status = two_words(argc, argv, pos, "import needs a format and a file: waymark import case FILE.json")))
		return status;
	if (strcmp(pos[0], "case")) {
		static const char *const formats[] = { "case" };

		fprintf(stderr, "waymark: 'import' reads CASE packages ('import case FILE.json'), not '%s'", pos[0]);
		if (diag_suggest(pos[0], formats, 1))
			fputs("; did you mean 'case'?", stderr);
		fputc('\n', stderr);
		return short_usage();
	}
	status = caseimport_run(site_dir, pos[1], id, &written, &st, &usage, &dl);
	diag_list_sort(&dl);
	diag_list_print(&dl, stderr);
	if (status == 0)
		printf("wrote %s: %zu categor%s, %zu skill%s, %zu alignment%s\n", written.buf,
		       st.categories, st.categories == 1 ? "y" : "ies", st.skills, st.skills == 1 ? "" : "s",
		       st.aligns, st.aligns == 1 ? "" : "s");
	else if (usage)
		fputs("Run 'waymark help import' for its options.\n", stderr);
	else if (dl.errors)
		fprintf(stderr, "%zu error%s, %zu warning%s\n", dl.errors, dl.errors == 1 ? "" : "s",
			dl.warnings, dl.warnings == 1 ? "" : "s");
	status = status == 0 ? 0 : usage ? EXIT_USAGE : dl.io_errors ? EXIT_IO : EXIT_CONTENT;
	diag_list_release(&dl);
	strbuf_release(&written);
	return status;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "drafts", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct serve_opts opts = { ".", "127.0.0.1", 1313, 0, 0, stdout, stderr };
	struct diag_list dl = DIAG_LIST_INIT;
	char *end;
	long port;
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":s:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opts.site_dir = optarg; break;
		case 'p':
			port = strtol(optarg, &end, 10);
			if (!*optarg || *end || port < 0 || port > 65535)
				return usage_error("'-p' needs a port from 0 to 65535, not '%s'", optarg);
			opts.port = (int)port;
			opts.port_given = 1;
			break;
		case 'b': opts.bind = optarg; break;
		case 'd': opts.drafts = 1; break;
		case 'h': fputs(commands[3].help, stdout); return 0;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return unknown_option("serve", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	markdown_init();
	status = serve_run(&opts, &dl);
	diag_list_print(&dl, stderr);
	diag_list_release(&dl);
	return status;
}

int main(int argc, char **argv)
{
	const char *cmd;

#ifdef M_MXFAST
	/* No fastbins (the thread caches stay): a build frees large page
	 * contexts while it allocates more, and glibc then spends its time
	 * merging fastbin chunks (malloc_consolidate). Measured on the
	 * bench's 10,000-page site: a story's title edited, 530 → 410 ms. */
	mallopt(M_MXFAST, 0);
#endif
	if (argc < 2)
		return usage_error("%s", "no command given");
	cmd = argv[1];
	if (!strcmp(cmd, "build"))
		return cmd_build(argc - 1, argv + 1, 0);
	if (!strcmp(cmd, "check"))
		return cmd_build(argc - 1, argv + 1, 1);
	if (!strcmp(cmd, "new"))
		return cmd_new(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "import"))
		return cmd_import(argc - 1, argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		if (argc > 2)
			return usage_error("unexpected argument '%s'", argv[2]);
		print_version();
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return cmd_help(argc - 1, argv + 1);
	return unknown_command(cmd);
}
