/* chartscale: axis ticks at round numbers and numbers written for people. */
#ifndef WAYMARK_CHARTSCALE_H
#define WAYMARK_CHARTSCALE_H

#include "strbuf.h"

/*
 * The scale and number formatting the chart module draws and writes with,
 * kept apart so they can be tested without a font. Nothing here allocates
 * except by appending to a caller's strbuf.
 *
 * Units (the chart spec's `unit`) come in three flavours:
 *   currency  starts with "$", "£" or "€"; the rest, if any, is a rate
 *             ("$/hour") or a scale word ("$ thousands")
 *   percent   exactly "%"
 *   count     anything else ("months", "skills", "jobs"), or none
 */

/* Ticks from `min` to `max` (inclusive) every `step`; step is 1, 2 or 5
 * times a power of ten. `decimals` is how many decimals the step needs. */
struct chart_ticks {
	double min, max, step;
	int count;
	int decimals;
};

/*
 * "Nice" ticks covering [lo, hi] with about `target` ticks (at least 2):
 * the smallest 1-2-5 x 10^k step that needs no more than `target` ticks.
 * lo > hi is swapped; lo == hi widens to a range that holds the value and
 * 0. Non-finite input gives the ticks of [0, 1].
 */
void chart_scale_nice(double lo, double hi, int target, struct chart_ticks *t);
/* The value of tick i (0 <= i < t->count), with rounding noise removed. */
double chart_scale_tick(const struct chart_ticks *t, int i);

/* How a value is written: SHORT on marks and in tables ("$16", "12"),
 * LONG in sentences ("$16 per hour", "12 months", "1 skill"). */
enum chart_style {
	CHART_SHORT,
	CHART_LONG,
};

/* Append `v` with `decimals` decimals (0..6) and thousands separators:
 * 52000 -> "52,000", -1234.5 with 2 -> "-1,234.50". Never "-0". */
void chart_format_number(struct strbuf *sb, double v, int decimals);

/*
 * Append a data value in `unit` (which may be NULL): whole numbers have no
 * decimals, others two for currency ("$39.50") and up to two, trailing
 * zeros dropped, otherwise ("2.5 months"). A one-word plural unit loses
 * its "s" for exactly 1 ("1 month").
 */
void chart_format_value(struct strbuf *sb, double v, const char *unit,
			enum chart_style style);
/* Append tick label `v` of `t` in `unit`, short style, with the decimals
 * the step needs (at least two for fractional currency: "$0.50"). */
void chart_format_tick(struct strbuf *sb, const struct chart_ticks *t, double v,
		       const char *unit);

/* 1 when `unit` is a currency ("$", "$/hour", "£/year"). */
int chart_unit_is_currency(const char *unit);

#endif
