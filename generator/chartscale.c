/* chartscale: axis ticks at round numbers and numbers written for people. */
#include "chartscale.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- ticks ------------------------------------------------------------ */

void chart_scale_nice(double lo, double hi, int target, struct chart_ticks *t)
{
	static const double mult[] = { 1, 2, 5 };
	double raw, mag, step = 1, first = 0, last = 1;
	int k;

	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (lo > hi) {
		double tmp = lo;

		lo = hi;
		hi = tmp;
	}
	if (target < 2)
		target = 2;
	if (lo == hi) { /* one value: show it against zero */
		if (lo > 0)
			lo = 0;
		else if (hi < 0)
			hi = 0;
		else
			hi = 1;
	}
	raw = (hi - lo) / (target - 1);
	mag = pow(10, floor(log10(raw)));
	/* 1, 2, 5, 10, 20, 50 ... times mag: the first that fits `target` */
	for (k = 0; k < 30; k++) {
		step = mult[k % 3] * mag * pow(10, k / 3);
		/* the epsilon keeps 30.000000001 / 10 from needing another tick */
		first = floor(lo / step + 1e-9) * step;
		last = ceil(hi / step - 1e-9) * step;
		if (llround((last - first) / step) + 1 <= target)
			break;
	}
	t->step = step;
	t->count = (int)llround((last - first) / step) + 1;
	t->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (t->decimals > 6)
		t->decimals = 6;
	t->min = first;
	t->max = last;
}

double chart_scale_tick(const struct chart_ticks *t, int i)
{
	double p = pow(10, t->decimals);
	double v = round((t->min + i * t->step) * p) / p;

	return v == 0 ? 0 : v; /* no -0 */
}

/* ---- numbers ---------------------------------------------------------- */

void chart_format_number(struct strbuf *sb, double v, int decimals)
{
	char buf[64];
	const char *dot, *p;
	size_t int_len, i;
	int nonzero = 0;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(v) || fabs(v) >= 1e15) { /* never in a valid chart */
		strbuf_addf(sb, "%g", v);
		return;
	}
	snprintf(buf, sizeof buf, "%.*f", decimals, fabs(v));
	for (p = buf; *p; p++)
		if (*p >= '1' && *p <= '9')
			nonzero = 1;
	if (v < 0 && nonzero)
		strbuf_addch(sb, '-');
	dot = strchr(buf, '.');
	int_len = dot ? (size_t)(dot - buf) : strlen(buf);
	for (i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, buf[i]);
	}
	if (dot)
		strbuf_adds(sb, dot);
}

/* Bytes of the currency symbol `unit` starts with, or 0. */
static size_t currency_len(const char *unit)
{
	if (!unit)
		return 0;
	if (unit[0] == '$')
		return 1;
	if (!strncmp(unit, "\xc2\xa3", 2)) /* £ */
		return 2;
	if (!strncmp(unit, "\xe2\x82\xac", 3)) /* € */
		return 3;
	return 0;
}

int chart_unit_is_currency(const char *unit)
{
	return currency_len(unit) > 0;
}

static int is_whole(double v)
{
	return fabs(v - round(v)) < 1e-9;
}

/* Up to two decimals, trailing zeros dropped: 2.5, 2.25, 3. */
static void add_plain(struct strbuf *sb, double v)
{
	size_t start = sb->len;

	chart_format_number(sb, v, is_whole(v) ? 0 : 2);
	if (!is_whole(v)) {
		while (sb->len > start && sb->buf[sb->len - 1] == '0')
			strbuf_setlen(sb, sb->len - 1);
		if (sb->len > start && sb->buf[sb->len - 1] == '.')
			strbuf_setlen(sb, sb->len - 1);
	}
}

static void add_currency(struct strbuf *sb, double v, const char *unit,
			 size_t sym, int decimals)
{
	struct strbuf num = STRBUF_INIT;

	chart_format_number(&num, v, decimals);
	if (num.buf[0] == '-') { /* -$5, not $-5 */
		strbuf_addch(sb, '-');
		strbuf_add(sb, unit, sym);
		strbuf_adds(sb, num.buf + 1);
	} else {
		strbuf_add(sb, unit, sym);
		strbuf_adds(sb, num.buf);
	}
	strbuf_release(&num);
}

void chart_format_value(struct strbuf *sb, double v, const char *unit,
			enum chart_style style)
{
	size_t sym = currency_len(unit), ulen;

	if (sym) {
		const char *rest = unit + sym;

		add_currency(sb, v, unit, sym, is_whole(v) ? 0 : 2);
		if (style == CHART_LONG && *rest) {
			if (*rest == '/')
				strbuf_addf(sb, " per %s", rest + 1);
			else
				strbuf_addf(sb, "%s%s", *rest == ' ' ? "" : " ", rest);
		}
		return;
	}
	add_plain(sb, v);
	if (unit && !strcmp(unit, "%")) {
		strbuf_addch(sb, '%');
		return;
	}
	if (style == CHART_SHORT || !unit || !*unit)
		return;
	ulen = strlen(unit);
	/* "1 month", "1 skill": only for one plain word, not "jobs per 1,000" */
	if (fabs(v) == 1 && ulen > 1 && unit[ulen - 1] == 's' && unit[ulen - 2] != 's' &&
	    !strchr(unit, ' '))
		ulen--;
	strbuf_addch(sb, ' ');
	strbuf_add(sb, unit, ulen);
}

void chart_format_tick(struct strbuf *sb, const struct chart_ticks *t, double v,
		       const char *unit)
{
	size_t sym = currency_len(unit);

	if (sym) {
		add_currency(sb, v, unit, sym, t->decimals == 0 ? 0 : t->decimals < 2 ? 2 : t->decimals);
		return;
	}
	chart_format_number(sb, v, t->decimals);
	if (unit && !strcmp(unit, "%"))
		strbuf_addch(sb, '%');
}
