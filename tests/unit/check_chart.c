/* check_chart: chart specs, scales, numbers, alt text, HTML and the pictures. */
#include "test.h"

#include <gd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "chartscale.h"
#include "yamlread.h"

#define FILE_NAME "content/p.md"

TEST_FONTCONFIG_LEAK_IS_NOT_OURS

/* Parse `yaml` as a chart spec; the diagnostics land in *dl. */
static int parse(const char *yaml, struct chart *c, struct diag_list *dl)
{
	struct value *v = yamlread_parse(FILE_NAME, yaml, strlen(yaml), 0, dl);
	int rc;

	ck_assert_ptr_nonnull(v);
	rc = chart_parse(v, c, dl);
	value_free(v);
	return rc;
}

/* Parse a spec that must be valid. */
static void parse_ok(const char *yaml, struct chart *c)
{
	struct diag_list dl = DIAG_LIST_INIT;

	if (parse(yaml, c, &dl)) {
		diag_list_print(&dl, stderr);
		ck_abort_msg("spec did not parse");
	}
	ck_assert_uint_eq(dl.n, 0);
	diag_list_release(&dl);
}

/* Parse a spec that must fail with exactly the one diagnostic `want`. */
static void parse_fails(const char *yaml, const char *want)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c;
	char *got;

	ck_assert_int_eq(parse(yaml, &c, &dl), -1);
	ck_assert_uint_ge(dl.n, 1);
	got = diag_format(&dl.items[0]);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(dl.n, 1);
	/* nothing left to draw from */
	ck_assert_uint_eq(c.n_data, 0);
	ck_assert_uint_eq(c.n_steps, 0);
	ck_assert_ptr_null(c.title);
	free(got);
	diag_list_release(&dl);
}

static const char *const wage_line =
	"id: nursing-wage\n"
	"type: line\n"
	"title: Hourly wage\n"
	"unit: $/hour\n"
	"source: Illustrative wages\n"
	"data:\n"
	"  - {label: Nursing assistant, value: 16}\n"
	"  - {label: Patient care technician, value: 21}\n"
	"  - {label: Practical nurse, value: 29}\n"
	"  - {label: LPN, value: 31.5}\n"
	"  - {label: Registered nurse, value: 39}\n";

static const char *const wage_bar =
	"id: entry-wages\n"
	"type: bar\n"
	"title: Starting wage by pathway\n"
	"unit: $/hour\n"
	"data:\n"
	"  - {label: Nursing, value: 18}\n"
	"  - {label: CNC machining, value: 17.5}\n"
	"  - {label: Retail management, value: 15}\n"
	"  - {label: IT support, value: 20}\n";

static const char *const skills_hbar =
	"id: skills\n"
	"type: hbar\n"
	"title: Skills gained\n"
	"unit: skills\n"
	"data:\n"
	"  - {label: Healthcare, value: 14}\n"
	"  - {label: Advanced manufacturing, value: 11}\n"
	"  - {label: Transportation and logistics, value: 1}\n";

static const char *const nursing_steps =
	"id: nursing-steps\n"
	"type: steps\n"
	"title: Nursing pathway\n"
	"steps:\n"
	"  - {title: Nursing assistant, duration_months: 12, credential: CNA certification}\n"
	"  - {title: Patient care technician, duration_months: 12, kind: job}\n"
	"  - {title: Licensed Practical Nurse (LPN), duration_months: 24, credential: NCLEX-PN}\n"
	"  - {title: Registered Nurse (RN), duration_months: 24, credential: NCLEX-RN}\n";

/* ---- scales ------------------------------------------------------------ */

START_TEST(nice_ticks_cover_wages_in_tens)
{
	struct chart_ticks t;

	chart_scale_nice(0, 39.42, 6, &t);
	ck_assert(t.step == 10);
	ck_assert(t.min == 0);
	ck_assert(t.max == 40);
	ck_assert_int_eq(t.count, 5);
	ck_assert_int_eq(t.decimals, 0);
}
END_TEST

START_TEST(nice_ticks_use_one_two_five_steps)
{
	struct chart_ticks t;

	chart_scale_nice(0, 82000, 6, &t);
	ck_assert(t.step == 20000);
	ck_assert(t.max == 100000);
	ck_assert_int_eq(t.count, 6);
	chart_scale_nice(0, 14, 6, &t);
	ck_assert(t.step == 5);
	ck_assert(t.max == 15);
	chart_scale_nice(0, 0.9, 6, &t);
	ck_assert(t.step == 0.2);
	ck_assert_int_eq(t.decimals, 1);
	ck_assert(t.max == 1);
}
END_TEST

START_TEST(nice_ticks_have_no_rounding_noise)
{
	struct chart_ticks t;
	struct strbuf sb = STRBUF_INIT;

	chart_scale_nice(0, 0.9, 6, &t);
	ck_assert(chart_scale_tick(&t, 3) == 0.6);
	chart_format_tick(&sb, &t, chart_scale_tick(&t, 3), NULL);
	ck_assert_str_eq(sb.buf, "0.6");
	strbuf_release(&sb);
}
END_TEST

START_TEST(nice_ticks_span_negative_values)
{
	struct chart_ticks t;

	chart_scale_nice(-9.5, 12, 6, &t);
	ck_assert(t.step == 5);
	ck_assert(t.min == -10);
	ck_assert(t.max == 15);
	ck_assert_int_eq(t.count, 6);
	ck_assert(chart_scale_tick(&t, 2) == 0);
}
END_TEST

START_TEST(nice_ticks_widen_a_single_value)
{
	struct chart_ticks t;

	chart_scale_nice(5, 5, 6, &t);
	ck_assert(t.min == 0);
	ck_assert(t.max == 5);
	ck_assert(t.step == 1);
	chart_scale_nice(0, 0, 6, &t);
	ck_assert(t.min == 0);
	ck_assert(t.max == 1);
	chart_scale_nice(-3, -3, 6, &t);
	ck_assert(t.min == -3);
	ck_assert(t.max == 0);
}
END_TEST

/* ---- numbers ----------------------------------------------------------- */

static void assert_value(double v, const char *unit, enum chart_style style, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	chart_format_value(&sb, v, unit, style);
	ck_assert_str_eq(sb.buf, want);
	strbuf_release(&sb);
}

START_TEST(currency_has_no_cents_when_whole)
{
	assert_value(16, "$/hour", CHART_SHORT, "$16");
	assert_value(39.5, "$/hour", CHART_SHORT, "$39.50");
	assert_value(52000, "$/year", CHART_SHORT, "$52,000");
	assert_value(-5, "$", CHART_SHORT, "-$5");
	assert_value(1500, "\xc2\xa3/month", CHART_SHORT, "\xc2\xa3" "1,500");
}
END_TEST

START_TEST(currency_rates_read_as_per)
{
	assert_value(16, "$/hour", CHART_LONG, "$16 per hour");
	assert_value(52000, "$/year", CHART_LONG, "$52,000 per year");
	assert_value(52, "$ thousands", CHART_LONG, "$52 thousands");
	assert_value(16, "$", CHART_LONG, "$16");
}
END_TEST

START_TEST(units_follow_the_number)
{
	assert_value(12, "months", CHART_LONG, "12 months");
	assert_value(1, "months", CHART_LONG, "1 month");
	assert_value(1, "skills", CHART_LONG, "1 skill");
	assert_value(2.5, "months", CHART_LONG, "2.5 months");
	assert_value(12, "months", CHART_SHORT, "12");
	assert_value(45, "%", CHART_SHORT, "45%");
	assert_value(-9.5, "%", CHART_LONG, "-9.5%");
	assert_value(1, "jobs per 1,000", CHART_LONG, "1 jobs per 1,000");
	assert_value(1234567, "", CHART_LONG, "1,234,567");
}
END_TEST

START_TEST(numbers_group_thousands_and_never_show_minus_zero)
{
	struct strbuf sb = STRBUF_INIT;

	chart_format_number(&sb, -1234.5, 2);
	ck_assert_str_eq(sb.buf, "-1,234.50");
	strbuf_reset(&sb);
	chart_format_number(&sb, -0.001, 1);
	ck_assert_str_eq(sb.buf, "0.0");
	strbuf_reset(&sb);
	chart_format_number(&sb, 999, 0);
	ck_assert_str_eq(sb.buf, "999");
	strbuf_reset(&sb);
	chart_format_number(&sb, 100000, 0);
	ck_assert_str_eq(sb.buf, "100,000");
	strbuf_release(&sb);
}
END_TEST

START_TEST(tick_labels_use_the_step_decimals)
{
	struct chart_ticks t;
	struct strbuf sb = STRBUF_INIT;

	chart_scale_nice(0, 2.2, 6, &t); /* step 0.5 */
	chart_format_tick(&sb, &t, chart_scale_tick(&t, 1), "$/hour");
	ck_assert_str_eq(sb.buf, "$0.50");
	strbuf_reset(&sb);
	chart_scale_nice(0, 82000, 6, &t);
	chart_format_tick(&sb, &t, chart_scale_tick(&t, 2), "$/year");
	ck_assert_str_eq(sb.buf, "$40,000");
	strbuf_reset(&sb);
	chart_scale_nice(-10, 15, 6, &t);
	chart_format_tick(&sb, &t, chart_scale_tick(&t, 0), "%");
	ck_assert_str_eq(sb.buf, "-10%");
	strbuf_release(&sb);
}
END_TEST

/* ---- parsing ----------------------------------------------------------- */

START_TEST(parse_reads_every_field)
{
	struct chart c;

	parse_ok(wage_line, &c);
	ck_assert_int_eq(c.type, CHART_LINE);
	ck_assert_str_eq(c.id, "nursing-wage");
	ck_assert_str_eq(c.title, "Hourly wage");
	ck_assert_str_eq(c.unit, "$/hour");
	ck_assert_str_eq(c.source, "Illustrative wages");
	ck_assert_uint_eq(c.n_data, 5);
	ck_assert_str_eq(c.data[3].label, "LPN");
	ck_assert(c.data[3].value == 31.5);
	ck_assert_int_eq(c.data[3].value_pos.line, 10);
	ck_assert_str_eq(c.label_heading, "Item");
	chart_release(&c);
	chart_release(&c); /* released twice is harmless */
}
END_TEST

START_TEST(parse_takes_pathway_steps_as_they_are)
{
	struct chart c;

	parse_ok(nursing_steps, &c);
	ck_assert_int_eq(c.type, CHART_STEPS);
	ck_assert_uint_eq(c.n_steps, 4);
	ck_assert_ptr_null(c.steps[1].credential);
	ck_assert(c.steps[3].months == 24);
	ck_assert_str_eq(c.label_heading, "Step");
	chart_release(&c);
}
END_TEST

START_TEST(unknown_type_suggests_the_nearest)
{
	parse_fails("id: w\ntype: bars\ntitle: T\ndata: [{label: a, value: 1}]\n",
		    FILE_NAME ":2:7: error: unknown chart type 'bars' in chart 'w'; did you mean 'bar'?");
}
END_TEST

START_TEST(unknown_type_lists_the_types)
{
	parse_fails("id: w\ntype: histogram\ntitle: T\ndata: [{label: a, value: 1}]\n",
		    FILE_NAME ":2:7: error: unknown chart type 'histogram' in chart 'w' "
		    "(use bar, hbar, line or steps)");
}
END_TEST

START_TEST(unknown_field_suggests_the_nearest)
{
	parse_fails("id: w\ntype: bar\ntitel: T\ntitle: T\ndata: [{label: a, value: 1}]\n",
		    FILE_NAME ":3:1: error: unknown field 'titel' in chart 'w'; did you mean 'title'?");
}
END_TEST

START_TEST(value_that_is_not_a_number_is_an_error)
{
	parse_fails("id: w\ntype: bar\ntitle: T\ndata:\n"
		    "  - {label: a, value: 1}\n"
		    "  - {label: b, value: twelve}\n",
		    FILE_NAME ":6:23: error: 'value' in data item 2 of chart 'w' must be a number, "
		    "not 'twelve'");
}
END_TEST

START_TEST(quoted_number_is_not_a_number)
{
	parse_fails("id: w\ntype: bar\ntitle: T\ndata:\n  - {label: a, value: \"16\"}\n",
		    FILE_NAME ":5:23: error: 'value' in data item 1 of chart 'w' must be a number, "
		    "not '16'");
}
END_TEST

START_TEST(empty_data_is_an_error)
{
	parse_fails("id: w\ntype: bar\ntitle: T\ndata: []\n",
		    FILE_NAME ":4:7: error: 'data' in chart 'w' is empty: there is nothing to draw");
}
END_TEST

START_TEST(missing_data_is_an_error)
{
	parse_fails("id: w\ntype: hbar\ntitle: T\n",
		    FILE_NAME ":1:1: error: missing required field 'data' in chart 'w'");
}
END_TEST

START_TEST(negative_wage_is_an_error)
{
	parse_fails("id: w\ntype: line\ntitle: T\nunit: $/hour\ndata:\n"
		    "  - {label: a, value: 16}\n"
		    "  - {label: b, value: -3}\n",
		    FILE_NAME ":7:23: error: 'value' in data item 2 of chart 'w' is negative ('-3'), "
		    "which a chart in '$/hour' cannot show");
}
END_TEST

START_TEST(negative_count_is_an_error)
{
	parse_fails("id: w\ntype: hbar\ntitle: T\nunit: skills\ndata:\n  - {label: a, value: -1}\n",
		    FILE_NAME ":6:23: error: 'value' in data item 1 of chart 'w' is negative ('-1'), "
		    "which a chart in 'skills' cannot show");
}
END_TEST

START_TEST(negative_percentage_is_fine)
{
	struct chart c;

	parse_ok("id: w\ntype: bar\ntitle: T\nunit: \"%\"\ndata:\n  - {label: a, value: -4}\n", &c);
	ck_assert(c.data[0].value == -4);
	chart_release(&c);
}
END_TEST

START_TEST(label_too_long_is_an_error)
{
	char yaml[512];

	snprintf(yaml, sizeof yaml, "id: w\ntype: bar\ntitle: T\ndata:\n  - label: %s\n    value: 1\n",
		 "A label that goes on and on about the job, its employer, its hours and its pay too");
	parse_fails(yaml, FILE_NAME ":5:12: error: 'label' in data item 1 of chart 'w' is too long "
			  "(82 characters; at most 80)");
}
END_TEST

START_TEST(missing_value_is_an_error)
{
	parse_fails("id: w\ntype: bar\ntitle: T\ndata:\n  - {label: a}\n",
		    FILE_NAME ":5:5: error: missing required field 'value' in data item 1 of chart 'w'");
}
END_TEST

START_TEST(data_item_must_be_a_map)
{
	parse_fails("id: w\ntype: bar\ntitle: T\ndata:\n  - 16\n",
		    FILE_NAME ":5:5: error: data item 1 of chart 'w' must be a map with 'label' and "
		    "'value', not a number");
}
END_TEST

START_TEST(line_needs_two_points)
{
	parse_fails("id: w\ntype: line\ntitle: T\ndata:\n  - {label: a, value: 1}\n",
		    FILE_NAME ":5:3: error: a line chart needs at least two points; 'data' in chart "
		    "'w' has one");
}
END_TEST

START_TEST(too_many_bars_is_an_error)
{
	struct strbuf yaml = STRBUF_INIT;
	int i;

	strbuf_adds(&yaml, "id: w\ntype: bar\ntitle: T\ndata:\n");
	for (i = 0; i < CHART_MAX_DATA + 1; i++)
		strbuf_addf(&yaml, "  - {label: x%d, value: %d}\n", i, i);
	parse_fails(yaml.buf, FILE_NAME ":5:3: error: 'data' in chart 'w' has too many items "
				  "(25; at most 24)");
	strbuf_release(&yaml);
}
END_TEST

START_TEST(bad_id_is_an_error)
{
	parse_fails("id: Wage Chart\ntype: bar\ntitle: T\ndata: [{label: a, value: 1}]\n",
		    FILE_NAME ":1:5: error: 'Wage Chart' is not a valid chart id: use lowercase "
		    "letters, digits and single '-'");
}
END_TEST

START_TEST(spec_must_be_a_map)
{
	parse_fails("- bar\n", FILE_NAME ":1:1: error: a chart must be a map of fields, not a list");
}
END_TEST

START_TEST(negative_duration_is_an_error)
{
	parse_fails("id: s\ntype: steps\ntitle: T\nsteps:\n  - {title: a, duration_months: -6}\n",
		    FILE_NAME ":5:33: error: 'duration_months' in step 1 of chart 's' is negative "
		    "('-6'), which a chart in 'months' cannot show");
}
END_TEST

START_TEST(steps_chart_rejects_data)
{
	parse_fails("id: s\ntype: steps\ntitle: T\ndata: []\nsteps:\n  - {title: a}\n",
		    FILE_NAME ":4:1: error: 'data' is not used by a steps chart (chart 's'); use 'steps'");
}
END_TEST

START_TEST(every_problem_is_reported)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c;

	ck_assert_int_eq(parse("id: w\ntype: bar\ndata:\n"
			       "  - {label: a, value: x}\n"
			       "  - {label: b, value: -1}\n"
			       "  - {value: 2}\n", &c, &dl), -1);
	/* no title; x; nothing negative without a unit is wrong; no label */
	ck_assert_uint_eq(dl.errors, 3);
	diag_list_release(&dl);
}
END_TEST

/* ---- alt text and HTML ------------------------------------------------- */

static void assert_alt(const char *yaml, const char *want)
{
	struct chart c;
	struct strbuf sb = STRBUF_INIT;

	parse_ok(yaml, &c);
	chart_alt_text(&c, &sb);
	ck_assert_str_eq(sb.buf, want);
	strbuf_release(&sb);
	chart_release(&c);
}

START_TEST(alt_text_states_the_trend_of_a_line)
{
	assert_alt(wage_line, "Hourly wage rises from $16 per hour (Nursing assistant) to $39 per "
			      "hour (Registered nurse) over four steps.");
}
END_TEST

START_TEST(alt_text_mentions_a_peak_in_the_middle)
{
	assert_alt("id: w\ntype: line\ntitle: Openings\nunit: jobs\ndata:\n"
		   "  - {label: '2021', value: 10}\n  - {label: '2022', value: 30}\n"
		   "  - {label: '2023', value: 5}\n",
		   "Openings falls from 10 jobs (2021) to 5 jobs (2023) over two steps, highest at "
		   "30 jobs (2022).");
}
END_TEST

START_TEST(alt_text_names_highest_and_lowest_bar)
{
	assert_alt(wage_bar, "Starting wage by pathway, four bars: highest IT support at $20 per "
			     "hour, lowest Retail management at $15 per hour.");
}
END_TEST

START_TEST(alt_text_counts_steps_and_months)
{
	assert_alt(nursing_steps, "Nursing pathway, four steps from Nursing assistant to Registered "
				  "Nurse (RN), taking 72 months (6 years) in all.");
	assert_alt("id: s\ntype: steps\ntitle: IT\nsteps:\n  - {title: Help desk, duration_months: 12}\n"
		   "  - {title: Analyst}\n",
		   "IT, two steps from Help desk to Analyst.");
	/* the years as the page says them, months left over too */
	assert_alt("id: s\ntype: steps\ntitle: CDL\nsteps:\n  - {title: Warehouse, duration_months: 12}\n"
		   "  - {title: Training, duration_months: 2}\n  - {title: Driver, duration_months: 1}\n",
		   "CDL, three steps from Warehouse to Driver, taking 15 months (1 year 3 months) in all.");
	assert_alt("id: s\ntype: steps\ntitle: Short\nsteps:\n  - {title: Aide, duration_months: 11}\n",
		   "Short, one step: Aide, taking 11 months.");
}
END_TEST

START_TEST(table_has_caption_and_scoped_headers)
{
	struct chart c;
	struct strbuf sb = STRBUF_INIT;

	parse_ok("id: w\ntype: bar\ntitle: Pay & hours\nunit: $/hour\nlabel_heading: Job\n"
		 "data:\n  - {label: <CNA>, value: 16}\n  - {label: RN, value: 39.5}\n", &c);
	chart_table_html(&c, &sb);
	ck_assert_str_eq(sb.buf,
			 "<table class=\"chart-table\">\n"
			 "<caption>Pay &amp; hours ($/hour)</caption>\n"
			 "<thead><tr><th scope=\"col\">Job</th><th scope=\"col\">Value ($/hour)</th></tr></thead>\n"
			 "<tbody>\n"
			 "<tr><th scope=\"row\">&lt;CNA&gt;</th><td>$16</td></tr>\n"
			 "<tr><th scope=\"row\">RN</th><td>$39.50</td></tr>\n"
			 "</tbody>\n</table>\n");
	strbuf_release(&sb);
	chart_release(&c);
}
END_TEST

START_TEST(steps_table_has_every_column)
{
	struct chart c;
	struct strbuf sb = STRBUF_INIT;

	parse_ok(nursing_steps, &c);
	chart_table_html(&c, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "<th scope=\"col\">Step</th><th scope=\"col\">Title</th>"
					     "<th scope=\"col\">Duration</th><th scope=\"col\">Credential</th>"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "<tr><td>2</td><th scope=\"row\">Patient care technician"
					     "</th><td>12 months</td><td>None</td></tr>"));
	strbuf_release(&sb);
	chart_release(&c);
}
END_TEST

START_TEST(figure_has_srcset_alt_and_caption)
{
	struct chart c;
	struct strbuf sb = STRBUF_INIT;
	struct chart_picture wide = { "/charts/ab.png", "/charts/ab@2x.png", 640, 360 },
			     narrow = { NULL, "/charts/cd@2x.png", 320, 300 },
			     one = { "/charts/a&b.png", NULL, 640, 360 };

	parse_ok("id: w\ntype: bar\ntitle: Pay\nunit: $/hour\nsource: \"Survey \\\"A\\\"\"\n"
		 "data:\n  - {label: CNA, value: 16}\n", &c);
	chart_figure_html(&c, &wide, &narrow, &sb);
	ck_assert_str_eq(sb.buf,
			 "<figure class=\"chart chart-bar\" id=\"chart-w\">\n<picture>\n"
			 "<source media=\"(max-width: 36em)\" "
			 "srcset=\"/charts/cd@2x.png 2x\" width=\"320\" height=\"300\">\n"
			 "<img src=\"/charts/ab.png\" srcset=\"/charts/ab.png 1x, /charts/ab@2x.png 2x\" "
			 "width=\"640\" height=\"360\" alt=\"Pay, one bar: CNA at $16 per hour.\" "
			 "loading=\"lazy\" decoding=\"async\">\n</picture>\n"
			 "<figcaption><span class=\"chart-title\">Pay</span> "
			 "<span class=\"chart-unit\">($/hour)</span> "
			 "<span class=\"chart-source\">Source: Survey &quot;A&quot;</span></figcaption>\n"
			 "</figure>\n"
			 "<details class=\"chart-data\">\n"
			 "<summary>Data for the chart &ldquo;Pay&rdquo;</summary>\n"
			 "<table class=\"chart-table\">\n<caption>Pay ($/hour)</caption>\n"
			 "<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Value ($/hour)</th></tr></thead>\n"
			 "<tbody>\n<tr><th scope=\"row\">CNA</th><td>$16</td></tr>\n</tbody>\n</table>\n"
			 "</details>\n");
	/* no phone picture, no 2x: no <source>, no srcset */
	strbuf_reset(&sb);
	chart_figure_html(&c, &one, NULL, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "<picture>\n<img src=\"/charts/a&amp;b.png\" width=\"640\" "
					     "height=\"360\" alt=\"Pay"));
	ck_assert_ptr_null(strstr(sb.buf, "<source"));
	ck_assert_ptr_null(strstr(sb.buf, "srcset"));
	strbuf_release(&sb);
	chart_release(&c);
}
END_TEST

/* ---- pictures ---------------------------------------------------------- */

static uint64_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static unsigned png_u32(const struct strbuf *png, size_t off)
{
	const unsigned char *p = (const unsigned char *)png->buf + off;

	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static void render_ok(const struct chart *c, const struct chart_opts *o, int scale,
		      struct strbuf *png)
{
	struct diag_list dl = DIAG_LIST_INIT;

	if (chart_render(c, o, scale, png, &dl)) {
		diag_list_print(&dl, stderr);
		ck_abort_msg("render failed");
	}
	diag_list_release(&dl);
	ck_assert_uint_gt(png->len, 100);
	ck_assert_int_eq(memcmp(png->buf, "\x89PNG\r\n\x1a\n", 8), 0);
}

START_TEST(rendering_twice_gives_the_same_bytes)
{
	struct chart c;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	parse_ok(wage_line, &c);
	render_ok(&c, NULL, 1, &a);
	render_ok(&c, NULL, 1, &b);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_int_eq(memcmp(a.buf, b.buf, a.len), 0);
	strbuf_release(&a);
	strbuf_release(&b);
	chart_release(&c);
}
END_TEST

START_TEST(double_scale_is_twice_the_size)
{
	struct chart c;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int w, h;

	parse_ok(nursing_steps, &c);
	ck_assert_int_eq(chart_size(&c, NULL, &w, &h, NULL), 0);
	render_ok(&c, NULL, 1, &a);
	render_ok(&c, NULL, 2, &b);
	/* IHDR: width at byte 16, height at 20 */
	ck_assert_uint_eq(png_u32(&a, 16), (unsigned)w);
	ck_assert_uint_eq(png_u32(&a, 20), (unsigned)h);
	ck_assert_uint_eq(png_u32(&b, 16), 2u * (unsigned)w);
	ck_assert_uint_eq(png_u32(&b, 20), 2u * (unsigned)h);
	strbuf_release(&a);
	strbuf_release(&b);
	chart_release(&c);
}
END_TEST

START_TEST(narrow_steps_wrap_onto_more_rows)
{
	struct chart c;
	struct chart_opts wide = CHART_OPTS_INIT, narrow = CHART_OPTS_INIT;
	int w1, h1, w2, h2;

	parse_ok(nursing_steps, &c);
	narrow.width = 320;
	ck_assert_int_eq(chart_size(&c, &wide, &w1, &h1, NULL), 0);
	ck_assert_int_eq(chart_size(&c, &narrow, &w2, &h2, NULL), 0);
	ck_assert_int_eq(w1, 640);
	ck_assert_int_eq(w2, 320);
	ck_assert_int_gt(h2, h1 + 100); /* 2 rows of 2, not 1 row of 4 */
	chart_release(&c);
}
END_TEST

/* A source too long for one line takes two or three on a phone's
 * picture, 14px apart, and a taller picture (steps grow to fit). */
START_TEST(long_source_wraps_on_a_narrow_picture)
{
	static const char steps[] = "id: s\ntype: steps\ntitle: T\n%s"
				    "steps:\n  - {title: a}\n  - {title: b}\n";
	char yaml[512];
	struct chart shorter, longer;
	struct chart_opts narrow = CHART_OPTS_INIT, wide = CHART_OPTS_INIT;
	int w, h_short, h_long, h_wide_short, h_wide_long;

	narrow.width = 320;
	snprintf(yaml, sizeof yaml, steps, "source: A survey\n");
	parse_ok(yaml, &shorter);
	snprintf(yaml, sizeof yaml, steps,
		 "source: Illustrative wages, not survey data; yearly pay shown per hour "
		 "(2,080 hours a year)\n");
	parse_ok(yaml, &longer);
	ck_assert_int_eq(chart_size(&shorter, &narrow, &w, &h_short, NULL), 0);
	ck_assert_int_eq(chart_size(&longer, &narrow, &w, &h_long, NULL), 0);
	ck_assert_int_eq(h_long, h_short + 14); /* two lines at 320 */
	/* at 640 it fits on one, as before */
	ck_assert_int_eq(chart_size(&shorter, &wide, &w, &h_wide_short, NULL), 0);
	ck_assert_int_eq(chart_size(&longer, &wide, &w, &h_wide_long, NULL), 0);
	ck_assert_int_eq(h_wide_long, h_wide_short);
	chart_release(&shorter);
	chart_release(&longer);
}
END_TEST

/* A phone's step boxes (two to a row, 127 pixels) take a title or a
 * credential of six lines whole, what three lines of a computer's box
 * hold: the retail pathway's "Retail management certificate (often paid
 * for by the employer)" was cut after four. A seventh is shortened, with
 * a warning. */
START_TEST(narrow_step_boxes_hold_six_lines)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c;
	struct chart_opts narrow = CHART_OPTS_INIT;
	int w, h;

	narrow.width = 320;
	parse_ok("id: s\ntype: steps\ntitle: T\nsteps:\n"
		 "  - {title: Certified Nursing Assistant (CNA) and Patient Care Technician,\n"
		 "     credential: Retail management certificate (often paid for by the employer)}\n"
		 "  - {title: Aide}\n", &c);
	ck_assert_int_eq(chart_size(&c, &narrow, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	chart_release(&c);
	parse_ok("id: s\ntype: steps\ntitle: T\nsteps:\n"
		 "  - {title: Certified Nursing Assistant (CNA) and Patient Care Technician and Phlebotomist}\n"
		 "  - {title: Aide}\n", &c);
	ck_assert_int_eq(chart_size(&c, &narrow, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "is shortened to"));
	diag_list_release(&dl);
	chart_release(&c);
}
END_TEST

/* The boxes of a row are one height, and each row is as tall as its own
 * boxes need: two more lines of credential in the first of three steps
 * (a phone's two rows) make the picture two lines taller, not four. */
START_TEST(step_rows_take_their_own_height)
{
	static const char steps[] = "id: s\ntype: steps\ntitle: T\nsteps:\n"
				    "  - {title: Aide, credential: %s}\n"
				    "  - {title: Aide, credential: CNA}\n"
				    "  - {title: Aide, credential: CNA}\n";
	struct chart one, three;
	struct chart_opts narrow = CHART_OPTS_INIT;
	char yaml[512];
	int w, h_one, h_three;

	narrow.width = 320;
	snprintf(yaml, sizeof yaml, steps, "CNA");
	parse_ok(yaml, &one);
	snprintf(yaml, sizeof yaml, steps, "State nursing assistant certificate exam");
	parse_ok(yaml, &three);
	ck_assert_int_eq(chart_size(&one, &narrow, &w, &h_one, NULL), 0);
	ck_assert_int_eq(chart_size(&three, &narrow, &w, &h_three, NULL), 0);
	ck_assert_int_eq(h_three, h_one + 2 * 15);
	chart_release(&one);
	chart_release(&three);
}
END_TEST

/* A word wider than a phone's step box breaks after a hyphen between
 * letters ("pre-", "apprenticeship"), as a browser would break it, rather
 * than being shortened; without the hyphen it is shortened. */
START_TEST(long_word_breaks_after_its_hyphen)
{
	static const char steps[] = "id: s\ntype: steps\ntitle: T\nsteps:\n"
				    "  - {title: %s}\n  - {title: Aide}\n";
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c;
	struct chart_opts narrow = CHART_OPTS_INIT;
	char yaml[256];
	int w, h;

	narrow.width = 320;
	snprintf(yaml, sizeof yaml, steps, "Construction pre-apprenticeship");
	parse_ok(yaml, &c);
	ck_assert_int_eq(chart_size(&c, &narrow, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	chart_release(&c);
	snprintf(yaml, sizeof yaml, steps, "Construction preapprenticeship");
	parse_ok(yaml, &c);
	ck_assert_int_eq(chart_size(&c, &narrow, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_ptr_nonnull(strstr(dl.items[0].msg, "'Construction preapprentic"));
	diag_list_release(&dl);
	chart_release(&c);
}
END_TEST

/* On a phone's picture, labels that do not fit under their points are
 * numbered there and named in a key below: the picture grows to hold it,
 * drawn as tall as it measured, and nothing is shortened. */
START_TEST(narrow_labels_that_do_not_fit_go_to_a_key)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c, fits;
	struct chart_opts narrow = CHART_OPTS_INIT, wide = CHART_OPTS_INIT;
	struct strbuf png = STRBUF_INIT;
	int w, h, h_fits, h_wide;

	narrow.width = 320;
	parse_ok(wage_line, &c);
	ck_assert_int_eq(chart_size(&c, &narrow, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	/* five names of a line each, and the gap above them */
	ck_assert_int_eq(h, narrow.height + 10 + 5 * (15 + 3));
	render_ok(&c, &narrow, 2, &png);
	ck_assert_uint_eq(png_u32(&png, 20), 2u * (unsigned)h);
	/* the computer's picture keeps its labels under the points */
	ck_assert_int_eq(chart_size(&c, &wide, &w, &h_wide, NULL), 0);
	ck_assert_int_eq(h_wide, wide.height);
	/* and so does a phone's when they fit */
	parse_ok("id: s\ntype: line\ntitle: T\ndata:\n  - {label: Aide, value: 1}\n"
		 "  - {label: Nurse, value: 2}\n", &fits);
	ck_assert_int_eq(chart_size(&fits, &narrow, &w, &h_fits, NULL), 0);
	ck_assert_int_eq(h_fits, narrow.height);
	strbuf_release(&png);
	diag_list_release(&dl);
	chart_release(&c);
	chart_release(&fits);
}
END_TEST

START_TEST(shortened_label_is_a_warning_at_the_label)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct chart c;
	int w, h;
	char *s;

	parse_ok("id: w\ntype: bar\ntitle: T\ndata:\n"
		 "  - {label: Supercalifragilisticexpialidocious, value: 1}\n"
		 "  - {label: b, value: 2}\n  - {label: c, value: 2}\n  - {label: d, value: 2}\n"
		 "  - {label: e, value: 2}\n  - {label: f, value: 2}\n  - {label: g, value: 2}\n", &c);
	ck_assert_int_eq(chart_size(&c, NULL, &w, &h, &dl), 0);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_uint_eq(dl.errors, 0);
	s = diag_format(&dl.items[0]);
	ck_assert_str_eq(s, FILE_NAME ":5:13: warning: label 'Supercalifragilisticexpialidocious' is "
			    "shortened to 'Supercalifrag\xe2\x80\xa6' to fit chart 'w' (the data "
			    "table has it in full)");
	free(s);
	diag_list_release(&dl);
	chart_release(&c);
}
END_TEST

START_TEST(hash_covers_pixels_not_the_id)
{
	struct chart a, b;
	struct chart_opts wide = CHART_OPTS_INIT;

	parse_ok(wage_bar, &a);
	parse_ok(wage_bar, &b);
	ck_assert(chart_hash(&a, NULL) == chart_hash(&b, NULL));
	free(b.id);
	b.id = strdup("another-id");
	ck_assert(chart_hash(&a, NULL) == chart_hash(&b, NULL));
	b.data[1].value = 17.25;
	ck_assert(chart_hash(&a, NULL) != chart_hash(&b, NULL));
	wide.width = 800;
	ck_assert(chart_hash(&a, NULL) != chart_hash(&a, &wide));
	/* stable across runs and machines with libgd 2.3.3 and FreeType 2.12.1 */
	ck_assert_uint_eq(chart_hash(&a, NULL), UINT64_C(0x2c0fb82572b86649));
	chart_release(&a);
	chart_release(&b);
}
END_TEST

/*
 * Regression: the FNV-1a hash of each kind's PNG at 1x and 2x. Pixels
 * depend on libgd, FreeType, fontconfig's choice of font, the DejaVu
 * version and zlib, so these values hold on Debian 12 (libgd 2.3.3-9,
 * FreeType 2.12.1, fonts-dejavu-core 2.37, zlib 1.2.13). On another
 * system, look at the pictures (make bench-charts CHARTS_DIR=/tmp/charts)
 * and update them.
 */
/* A drawn chart has at most 16 colours, and the colours it draws with
 * are among them as they are (the contrast stated in chartdraw.c). */
START_TEST(pictures_keep_their_own_colours)
{
	static const int drawn[] = { 0xffffff, 0x1a1a1a, 0x595959, 0x0072b2 };
	struct chart c;
	struct strbuf png = STRBUF_INIT;
	gdImagePtr im;
	size_t k;
	int i;

	parse_ok(nursing_steps, &c);
	render_ok(&c, NULL, 1, &png);
	im = gdImageCreateFromPngPtr((int)png.len, png.buf);
	ck_assert_ptr_nonnull(im);
	ck_assert(!gdImageTrueColor(im));
	ck_assert_int_le(gdImageColorsTotal(im), 16);
	for (k = 0; k < sizeof drawn / sizeof *drawn; k++) {
		for (i = 0; i < gdImageColorsTotal(im); i++)
			if ((gdImageRed(im, i) << 16 | gdImageGreen(im, i) << 8 | gdImageBlue(im, i)) ==
			    drawn[k])
				break;
		ck_assert_msg(i < gdImageColorsTotal(im), "%06x is not in the palette", drawn[k]);
	}
	gdImageDestroy(im);
	strbuf_release(&png);
	chart_release(&c);
}
END_TEST

START_TEST(pictures_match_the_reference_hashes)
{
	static const struct {
		const char *const *yaml;
		uint64_t x1, x2;
	} cases[] = {
		{ &wage_line, UINT64_C(0x7175441cad51a6d2), UINT64_C(0x87a24d82d1621787) },
		{ &wage_bar, UINT64_C(0x789fa15fee6b813c), UINT64_C(0xfd85ce80d482757d) },
		{ &skills_hbar, UINT64_C(0x3d4b01edb15d34d6), UINT64_C(0x4f13869df4119d7e) },
		{ &nursing_steps, UINT64_C(0x4dc574f972b1ae71), UINT64_C(0x8d9a96f02856e36c) },
	};
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct chart c;
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		uint64_t h1, h2;

		parse_ok(*cases[i].yaml, &c);
		render_ok(&c, NULL, 1, &a);
		render_ok(&c, NULL, 2, &b);
		h1 = fnv1a(a.buf, a.len);
		h2 = fnv1a(b.buf, b.len);
		if (h1 != cases[i].x1 || h2 != cases[i].x2) {
			fprintf(stderr, "chart %s: got 0x%016llx, 0x%016llx\n", c.id,
				(unsigned long long)h1, (unsigned long long)h2);
			failed = 1;
		}
		strbuf_release(&a);
		strbuf_release(&b);
		chart_release(&c);
	}
	ck_assert_msg(!failed, "picture hashes differ (see above)");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("chart");
	TCase *scale = tcase_create("scale");
	TCase *numbers = tcase_create("numbers");
	TCase *spec = tcase_create("spec");
	TCase *words = tcase_create("words");
	TCase *pictures = tcase_create("pictures");

	tcase_add_test(scale, nice_ticks_cover_wages_in_tens);
	tcase_add_test(scale, nice_ticks_use_one_two_five_steps);
	tcase_add_test(scale, nice_ticks_have_no_rounding_noise);
	tcase_add_test(scale, nice_ticks_span_negative_values);
	tcase_add_test(scale, nice_ticks_widen_a_single_value);
	suite_add_tcase(s, scale);

	tcase_add_test(numbers, currency_has_no_cents_when_whole);
	tcase_add_test(numbers, currency_rates_read_as_per);
	tcase_add_test(numbers, units_follow_the_number);
	tcase_add_test(numbers, numbers_group_thousands_and_never_show_minus_zero);
	tcase_add_test(numbers, tick_labels_use_the_step_decimals);
	suite_add_tcase(s, numbers);

	tcase_add_test(spec, parse_reads_every_field);
	tcase_add_test(spec, parse_takes_pathway_steps_as_they_are);
	tcase_add_test(spec, unknown_type_suggests_the_nearest);
	tcase_add_test(spec, unknown_type_lists_the_types);
	tcase_add_test(spec, unknown_field_suggests_the_nearest);
	tcase_add_test(spec, value_that_is_not_a_number_is_an_error);
	tcase_add_test(spec, quoted_number_is_not_a_number);
	tcase_add_test(spec, empty_data_is_an_error);
	tcase_add_test(spec, missing_data_is_an_error);
	tcase_add_test(spec, negative_wage_is_an_error);
	tcase_add_test(spec, negative_count_is_an_error);
	tcase_add_test(spec, negative_percentage_is_fine);
	tcase_add_test(spec, label_too_long_is_an_error);
	tcase_add_test(spec, missing_value_is_an_error);
	tcase_add_test(spec, data_item_must_be_a_map);
	tcase_add_test(spec, line_needs_two_points);
	tcase_add_test(spec, too_many_bars_is_an_error);
	tcase_add_test(spec, bad_id_is_an_error);
	tcase_add_test(spec, spec_must_be_a_map);
	tcase_add_test(spec, negative_duration_is_an_error);
	tcase_add_test(spec, steps_chart_rejects_data);
	tcase_add_test(spec, every_problem_is_reported);
	suite_add_tcase(s, spec);

	tcase_add_test(words, alt_text_states_the_trend_of_a_line);
	tcase_add_test(words, alt_text_mentions_a_peak_in_the_middle);
	tcase_add_test(words, alt_text_names_highest_and_lowest_bar);
	tcase_add_test(words, alt_text_counts_steps_and_months);
	tcase_add_test(words, table_has_caption_and_scoped_headers);
	tcase_add_test(words, steps_table_has_every_column);
	tcase_add_test(words, figure_has_srcset_alt_and_caption);
	suite_add_tcase(s, words);

	/* drawing under ASan takes a while */
	tcase_set_timeout(pictures, 60);
	tcase_add_test(pictures, rendering_twice_gives_the_same_bytes);
	tcase_add_test(pictures, double_scale_is_twice_the_size);
	tcase_add_test(pictures, narrow_steps_wrap_onto_more_rows);
	tcase_add_test(pictures, long_source_wraps_on_a_narrow_picture);
	tcase_add_test(pictures, narrow_step_boxes_hold_six_lines);
	tcase_add_test(pictures, step_rows_take_their_own_height);
	tcase_add_test(pictures, narrow_labels_that_do_not_fit_go_to_a_key);
	tcase_add_test(pictures, shortened_label_is_a_warning_at_the_label);
	tcase_add_test(pictures, long_word_breaks_after_its_hyphen);
	tcase_add_test(pictures, hash_covers_pixels_not_the_id);
	tcase_add_test(pictures, pictures_keep_their_own_colours);
	tcase_add_test(pictures, pictures_match_the_reference_hashes);
	suite_add_tcase(s, pictures);
	return s;
}

TEST_MAIN
