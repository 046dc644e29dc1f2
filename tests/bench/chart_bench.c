/* chart_bench: how long drawing charts takes, and a gallery to look at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "yamlread.h"

/*
 * Usage: chart_bench [-n COUNT] [-s SCALE] [GALLERY-DIR]
 *
 * Draws COUNT charts (default 1000), cycling through the sample specs
 * below at 1x (or SCALE), and prints the time per chart. With
 * GALLERY-DIR, first writes every sample at 1x and 2x there (NAME.png,
 * NAME@2x.png) so people can look at them.
 */

struct sample {
	const char *name;
	int width; /* 0: the default */
	const char *yaml;
};

static const struct sample samples[] = {
	{ "line-wage", 0,
	  "id: nursing-wage\ntype: line\ntitle: Hourly wage at each step\nunit: $/hour\n"
	  "source: Illustrative wages, not survey data\n"
	  "data:\n"
	  "  - {label: Certified Nursing Assistant (CNA), value: 18}\n"
	  "  - {label: Patient Care Technician, value: 21}\n"
	  "  - {label: Practical nursing program, value: 21}\n"
	  "  - {label: Licensed Practical Nurse (LPN), value: 29}\n"
	  "  - {label: Registered Nurse (RN), value: 39.42}\n" },
	{ "bar-wages", 0,
	  "id: entry-wages\ntype: bar\ntitle: Starting wage by pathway\nunit: $/hour\n"
	  "source: Illustrative wages, not survey data\n"
	  "data:\n"
	  "  - {label: Nursing, value: 18}\n"
	  "  - {label: CNC machining, value: 17.5}\n"
	  "  - {label: Retail management, value: 15}\n"
	  "  - {label: Culinary, value: 14.25}\n"
	  "  - {label: IT support, value: 20}\n"
	  "  - {label: Electrician apprentice, value: 19}\n"
	  "  - {label: Warehouse to CDL driver, value: 18.5}\n" },
	{ "bar-annual", 0,
	  "id: annual\ntype: bar\ntitle: Yearly pay after the last step\nunit: $/year\n"
	  "data:\n"
	  "  - {label: Registered nurse, value: 82000}\n"
	  "  - {label: CNC machinist, value: 52000}\n"
	  "  - {label: Store manager, value: 61500}\n"
	  "  - {label: Kitchen manager, value: 56000}\n" },
	{ "bar-change", 0,
	  "id: job-change\ntype: bar\ntitle: Change in job openings since last year\nunit: \"%\"\n"
	  "data:\n"
	  "  - {label: Healthcare, value: 12}\n"
	  "  - {label: Manufacturing, value: -4}\n"
	  "  - {label: Retail, value: -9.5}\n"
	  "  - {label: Hospitality, value: 3}\n"
	  "  - {label: IT, value: 7}\n" },
	{ "hbar-skills", 0,
	  "id: skills\ntype: hbar\ntitle: Skills you gain on each pathway\nunit: skills\n"
	  "data:\n"
	  "  - {label: Healthcare, value: 14}\n"
	  "  - {label: Advanced manufacturing, value: 11}\n"
	  "  - {label: Retail, value: 9}\n"
	  "  - {label: Hospitality, value: 8}\n"
	  "  - {label: Information technology, value: 13}\n"
	  "  - {label: Construction (registered apprenticeship for electricians), value: 12}\n"
	  "  - {label: Transportation and logistics, value: 1}\n" },
	{ "hbar-months", 0,
	  "id: months\ntype: hbar\ntitle: Months from first job to last step\nunit: months\n"
	  "source: Pathway pages on this site\n"
	  "data:\n"
	  "  - {label: Nursing, value: 84}\n"
	  "  - {label: CNC machining, value: 48}\n"
	  "  - {label: IT support, value: 36}\n" },
	{ "steps-nursing", 0,
	  "id: nursing-steps\ntype: steps\ntitle: \"Healthcare: Nursing Assistant to Registered Nurse\"\n"
	  "steps:\n"
	  "  - {title: Certified Nursing Assistant (CNA), duration_months: 12, credential: State nursing assistant certification}\n"
	  "  - {title: Patient Care Technician, duration_months: 12, credential: Phlebotomy or EKG technician certificate}\n"
	  "  - {title: Practical nursing program, duration_months: 12, credential: Practical nursing certificate}\n"
	  "  - {title: Licensed Practical Nurse (LPN), duration_months: 24, credential: NCLEX-PN and state LPN license}\n"
	  "  - {title: Registered Nurse (RN), duration_months: 24, credential: \"Associate degree in nursing, NCLEX-RN and state RN license\"}\n" },
	{ "steps-narrow", 360,
	  "id: it-steps\ntype: steps\ntitle: \"IT: help desk to cybersecurity\"\n"
	  "steps:\n"
	  "  - {title: Help desk technician, duration_months: 12, credential: CompTIA A+}\n"
	  "  - {title: Network support, duration_months: 18, credential: CompTIA Network+}\n"
	  "  - {title: Security analyst, duration_months: 24, credential: CompTIA Security+}\n"
	  "  - {title: Cybersecurity engineer}\n" },
};
#define N_SAMPLES (sizeof samples / sizeof samples[0])

static int load(const struct sample *s, struct chart *c)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct value *v = yamlread_parse(s->name, s->yaml, strlen(s->yaml), 0, &dl);
	int rc = v ? chart_parse(v, c, &dl) : -1;

	diag_list_print(&dl, stderr);
	diag_list_release(&dl);
	value_free(v);
	return rc;
}

static void opts_for(const struct sample *s, struct chart_opts *o)
{
	static const struct chart_opts defaults = CHART_OPTS_INIT;

	*o = defaults;
	if (s->width)
		o->width = s->width;
}

static int gallery(const char *dir)
{
	size_t i;
	int scale;

	for (i = 0; i < N_SAMPLES; i++) {
		struct chart c;
		struct chart_opts o;
		struct diag_list dl = DIAG_LIST_INIT;
		int w, h;

		if (load(&samples[i], &c))
			return -1;
		opts_for(&samples[i], &o);
		chart_size(&c, &o, &w, &h, &dl);
		diag_list_print(&dl, stderr);
		diag_list_release(&dl);
		for (scale = 1; scale <= 2; scale++) {
			struct strbuf png = STRBUF_INIT;
			char path[512];
			FILE *f;

			if (chart_render(&c, &o, scale, &png, &dl)) {
				diag_list_print(&dl, stderr);
				return -1;
			}
			snprintf(path, sizeof path, "%s/%s%s.png", dir, samples[i].name,
				 scale == 2 ? "@2x" : "");
			if (!(f = fopen(path, "wb")) || fwrite(png.buf, 1, png.len, f) != png.len ||
			    fclose(f)) {
				fprintf(stderr, "chart_bench: unable to write '%s'\n", path);
				return -1;
			}
			printf("%s (%dx%d CSS px, %zu bytes)\n", path, w, h, png.len);
			strbuf_release(&png);
		}
		chart_release(&c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct chart charts[N_SAMPLES];
	struct timespec t0, t1;
	size_t i, bytes = 0;
	long count = 1000;
	double secs;
	int argi = 1, scale = 1;

	for (; argi + 1 < argc && argv[argi][0] == '-'; argi += 2) {
		if (!strcmp(argv[argi], "-n"))
			count = atol(argv[argi + 1]);
		else if (!strcmp(argv[argi], "-s"))
			scale = atoi(argv[argi + 1]);
	}
	if (argi < argc && gallery(argv[argi]))
		return 1;
	for (i = 0; i < N_SAMPLES; i++)
		if (load(&samples[i], &charts[i]))
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < (size_t)count; i++) {
		const struct sample *s = &samples[i % N_SAMPLES];
		struct chart_opts o;
		struct strbuf png = STRBUF_INIT;
		struct diag_list dl = DIAG_LIST_INIT;

		opts_for(s, &o);
		if (chart_render(&charts[i % N_SAMPLES], &o, scale, &png, &dl)) {
			diag_list_print(&dl, stderr);
			return 1;
		}
		bytes += png.len;
		strbuf_release(&png);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("chart_bench: %ld charts at %dx (%zu kinds) in %.2f s: %.2f ms a chart, %.1f KB a PNG\n",
	       count, scale, N_SAMPLES, secs, secs * 1000 / (double)count,
	       (double)bytes / (double)count / 1024);
	for (i = 0; i < N_SAMPLES; i++)
		chart_release(&charts[i]);
	chart_shutdown();
	return 0;
}
