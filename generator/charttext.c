/* charttext: chart text from FreeType glyphs that are hinted and rendered once per process. */
#include "charttext.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_GLYPH_H
#include FT_SIZES_H
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gdlib.h"
#include "xalloc.h"

/*
 * What libgd 2.3.3 does in gdImageStringFTEx (src/gdft.c), and what is
 * kept of it here:
 *
 *   font      fontconfig: FcNameParse, substitutions, FcFontMatch (the
 *             face it names; libgd always took a file's first), the first
 *             Unicode (or symbol) charmap.
 *             Kept per name.
 *   metrics   a size at 300 dpi (METRIC_RES): each glyph's hinted advance,
 *             bearings and height, kerning between glyphs; libgd loads
 *             each glyph twice at this size per call. Kept per glyph.
 *   pixels    a size at 72 dpi: the glyph hinted again and rendered with
 *             anti-aliasing, placed at the 300 dpi pen position scaled
 *             down and truncated. Kept per glyph as gd alpha levels.
 *
 * The arithmetic below (pen positions, the bounding box, the blending)
 * is libgd's, expression for expression, so the pictures do not change.
 */

#define METRIC_RES 300 /* dpi of the layout, as in libgd */
#define PIXEL_RES 72   /* dpi of the pixels: a size in points is in pixels */
#define LINESPACE 1.05 /* libgd's line height for "\n", in ems */

struct chart_glyph {
	FT_Pos advance, bearing_x, bearing_y, height; /* 26.6 at METRIC_RES */
	int left, top, width, rows;                   /* the bitmap at PIXEL_RES */
	unsigned char *level;                         /* width * rows, 0..gdAlphaMax */
};

/* One font at one size: two FreeType sizes and the glyphs loaded so far. */
struct size {
	FT_F26Dot6 em;
	FT_Size metric, pixel;
	struct chart_glyph **glyph; /* by glyph index */
	struct size *next;
};

struct font {
	char *name;
	FT_Face face;
	int symbol;  /* a symbol charmap: characters are moved to U+F0xx */
	int kerning; /* the face has kerning and is not fixed width */
	struct size *sizes;
	struct font *next;
};

/* The process-wide cache: everything in it changes only under `lock`,
 * and glyphs, once made, do not change until chart_text_shutdown. */
static struct {
	pthread_mutex_t lock;
	FT_Library lib; /* NULL until first used */
	struct font *fonts;
} cache = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL };

/* ---- fonts and glyphs (with the lock held) ---------------------------- */

/* The file fontconfig picks for `name`, as libgd's font_pattern does;
 * NULL when none. Free the result. */
static char *font_file(const char *name, int *index)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)name), *match = NULL;
	FcChar8 *file;
	FcResult res;
	char *path = NULL;

	if (!pat)
		return NULL;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcConfigSubstitute(NULL, pat, FcMatchFont);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
		path = xstrdup((const char *)file);
		if (FcPatternGetInteger(match, FC_INDEX, 0, index) != FcResultMatch)
			*index = 0;
	}
	if (match)
		FcPatternDestroy(match);
	FcPatternDestroy(pat);
	return path;
}

int chart_text_font(const char *font, char *want, size_t wsize, char *got, size_t gsize,
		    const char **err)
{
	FcPattern *pat, *match = NULL;
	FcChar8 *s;
	FcResult res;
	int ret = -1;

	*want = *got = '\0';
	pthread_mutex_lock(&cache.lock);
	if (!(pat = FcNameParse((const FcChar8 *)font))) {
		*err = "fontconfig cannot read it as a font name";
		goto done;
	}
	if (FcPatternGetString(pat, FC_FAMILY, 0, &s) == FcResultMatch)
		snprintf(want, wsize, "%s", (const char *)s);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcConfigSubstitute(NULL, pat, FcMatchFont);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	if (!match || FcPatternGetString(match, FC_FILE, 0, &s) != FcResultMatch) {
		*err = "fontconfig finds no font for it";
		goto done;
	}
	if (FcPatternGetString(match, FC_FAMILY, 0, &s) == FcResultMatch)
		snprintf(got, gsize, "%s", (const char *)s);
	ret = 0;
done:
	if (match)
		FcPatternDestroy(match);
	if (pat)
		FcPatternDestroy(pat);
	pthread_mutex_unlock(&cache.lock);
	return ret;
}

static struct font *get_font(const char *name, const char **err)
{
	struct font *f;
	char *path;
	int index = 0, i;

	for (f = cache.fonts; f; f = f->next)
		if (!strcmp(f->name, name))
			return f;
	if (!(path = font_file(name, &index))) {
		*err = "fontconfig finds no font for the name";
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	if (FT_New_Face(cache.lib, path, index, &f->face)) {
		free(path);
		free(f);
		*err = "unable to read the font file fontconfig names";
		return NULL;
	}
	free(path);
	/* libgd's choice of charmap: the first Unicode-like one */
	for (i = 0; i < f->face->num_charmaps; i++) {
		FT_Encoding e = f->face->charmaps[i]->encoding;

		if (e == FT_ENCODING_MS_SYMBOL || e == FT_ENCODING_UNICODE ||
		    e == FT_ENCODING_ADOBE_CUSTOM || e == FT_ENCODING_ADOBE_STANDARD) {
			FT_Select_Charmap(f->face, e);
			f->symbol = e == FT_ENCODING_MS_SYMBOL;
			break;
		}
	}
	if (i == f->face->num_charmaps) {
		FT_Done_Face(f->face);
		free(f);
		*err = "the font has no Unicode character map";
		return NULL;
	}
	f->kerning = !FT_IS_FIXED_WIDTH(f->face) && FT_HAS_KERNING(f->face);
	f->name = xstrdup(name);
	f->next = cache.fonts;
	cache.fonts = f;
	return f;
}

static int new_size(FT_Face face, FT_F26Dot6 em, int dpi, FT_Size *out)
{
	if (FT_New_Size(face, out))
		return -1;
	FT_Activate_Size(*out);
	return FT_Set_Char_Size(face, 0, em, dpi, dpi) ? -1 : 0;
}

/* The font at `em`, its metric size active. */
static struct size *get_size(struct font *f, FT_F26Dot6 em, const char **err)
{
	struct size *z;

	for (z = f->sizes; z && z->em != em; z = z->next)
		;
	if (z) {
		FT_Activate_Size(z->metric);
		return z;
	}
	z = xcalloc(1, sizeof *z);
	z->em = em;
	if (new_size(f->face, em, PIXEL_RES, &z->pixel) ||
	    new_size(f->face, em, METRIC_RES, &z->metric)) {
		/* FT_Done_Face frees the sizes made so far */
		free(z);
		*err = "unable to set the font's size";
		return NULL;
	}
	z->glyph = xcalloc((size_t)f->face->num_glyphs, sizeof *z->glyph);
	z->next = f->sizes;
	f->sizes = z;
	return z;
}

/* The rendered glyph's coverage as gd alpha levels, as libgd's
 * gdft_draw_bitmap reads it; a pixel mode it cannot draw stays blank. */
static void take_bitmap(struct chart_glyph *g, const FT_BitmapGlyph bm)
{
	const FT_Bitmap *b = &bm->bitmap;
	int row, col;

	g->left = bm->left;
	g->top = bm->top;
	g->width = (int)b->width;
	g->rows = (int)b->rows;
	g->level = xcalloc((size_t)g->width * (size_t)g->rows + 1, 1);
	for (row = 0; row < g->rows; row++)
		for (col = 0; col < g->width; col++) {
			int pc = row * b->pitch, level = 0;

			if (b->pixel_mode == FT_PIXEL_MODE_GRAY)
				level = b->buffer[pc + col] * gdAlphaMax / (b->num_grays - 1);
			else if (b->pixel_mode == FT_PIXEL_MODE_MONO)
				level = b->buffer[(col >> 3) + pc] & (1 << (~col & 0x07))
					? gdAlphaTransparent : gdAlphaOpaque;
			g->level[row * g->width + col] = (unsigned char)level;
		}
}

/* Glyph `index` of `f` at size `z`, loaded on first use; the metric size
 * is active again afterwards. */
static const struct chart_glyph *get_glyph(struct font *f, struct size *z, FT_UInt index,
					   const char **err)
{
	FT_GlyphSlot slot = f->face->glyph;
	struct chart_glyph *g;
	FT_Glyph image;

	if (index >= (FT_UInt)f->face->num_glyphs) {
		*err = "a glyph index is out of range";
		return NULL;
	}
	if (z->glyph[index])
		return z->glyph[index];
	if (FT_Load_Glyph(f->face, index, FT_LOAD_DEFAULT)) {
		*err = "unable to load a glyph";
		return NULL;
	}
	g = xcalloc(1, sizeof *g);
	g->advance = slot->metrics.horiAdvance;
	g->bearing_x = slot->metrics.horiBearingX;
	g->bearing_y = slot->metrics.horiBearingY;
	g->height = slot->metrics.height;
	FT_Activate_Size(z->pixel);
	if (FT_Load_Glyph(f->face, index, FT_LOAD_DEFAULT) || FT_Get_Glyph(slot, &image)) {
		FT_Activate_Size(z->metric);
		free(g);
		*err = "unable to load a glyph";
		return NULL;
	}
	FT_Activate_Size(z->metric);
	if (image->format != FT_GLYPH_FORMAT_BITMAP &&
	    FT_Glyph_To_Bitmap(&image, FT_RENDER_MODE_NORMAL, NULL, 1)) {
		FT_Done_Glyph(image);
		free(g);
		*err = "unable to render a glyph";
		return NULL;
	}
	take_bitmap(g, (FT_BitmapGlyph)image);
	FT_Done_Glyph(image);
	return z->glyph[index] = g;
}

/* ---- layout ----------------------------------------------------------- */

/* The next character of UTF-8 `s`, as libgd decodes it (a byte that does
 * not start a valid sequence stands for itself); returns its length. */
static int utf8_next(const unsigned char *s, FT_ULong *ch)
{
	if (s[0] < 0xc0) {
		*ch = s[0];
		return 1;
	}
	if (s[0] < 0xe0 && (s[1] & 0xc0) == 0x80) {
		*ch = (FT_ULong)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] >= 0xe0 && s[0] < 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*ch = (FT_ULong)(s[0] & 0x0f) << 12 | (FT_ULong)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] < 0xf8 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		*ch = (FT_ULong)(s[0] & 0x07) << 18 | (FT_ULong)(s[1] & 0x3f) << 12 |
		      (FT_ULong)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return 4;
	}
	*ch = s[0];
	return 1;
}

/* Look up every glyph of `ch` and its kerned advance, with the lock
 * held; libgd's textLayout. A symbol font moves `ch` to U+F0xx. */
static int shape(struct chart_text *t, const char *font, double px, FT_ULong *ch,
		 FT_Pos *advance, const char **err)
{
	struct font *f;
	struct size *z;
	FT_UInt previous = 0;
	size_t i;

	if (!cache.lib && FT_Init_FreeType(&cache.lib)) {
		cache.lib = NULL;
		*err = "unable to start FreeType";
		return -1;
	}
	if (!(f = get_font(font, err)) || !(z = get_size(f, (FT_F26Dot6)(px * 64), err)))
		return -1;
	for (i = 0; i < t->n; i++) {
		FT_UInt index;
		FT_Vector delta = { 0, 0 };

		if (f->symbol) /* where symbol fonts keep their characters */
			ch[i] |= 0xf000;
		index = FT_Get_Char_Index(f->face, ch[i]);
		if (f->kerning && previous && index)
			FT_Get_Kerning(f->face, previous, index, FT_KERNING_DEFAULT, &delta);
		if (!(t->glyph[i] = get_glyph(f, z, index, err)))
			return -1;
		if (delta.x)
			advance[i - 1] += delta.x;
		advance[i] = t->glyph[i]->advance;
		previous = ch[i] == '\r' || ch[i] == '\n' ? 0 : index;
	}
	return 0;
}

int chart_text_layout(struct chart_text *t, const char *font, double px, const char *s,
		      const char **err)
{
	const double cos_a = 1, sin_a = 0; /* libgd's rotation, unrotated */
	const double scale = (double)PIXEL_RES / (64 * METRIC_RES);
	size_t len = strlen(s), i;
	FT_ULong *ch = xmalloc((len + 1) * sizeof *ch);
	FT_Pos *advance = xmalloc((len + 1) * sizeof *advance);
	FT_Vector pen = { 0, 0 }, lo = { 0, 0 }, hi = { 0, 0 };
	int rc;

	memset(t, 0, sizeof *t);
	while (*s) {
		s += utf8_next((const unsigned char *)s, &ch[t->n]);
		t->n++;
	}
	t->glyph = xcalloc(t->n + 1, sizeof *t->glyph);
	t->pen_x = xcalloc(t->n + 1, sizeof *t->pen_x);
	t->pen_y = xcalloc(t->n + 1, sizeof *t->pen_y);
	pthread_mutex_lock(&cache.lock);
	rc = shape(t, font, px, ch, advance, err);
	pthread_mutex_unlock(&cache.lock);
	if (rc) {
		free(ch);
		free(advance);
		chart_text_release(t);
		return -1;
	}
	/* libgd's main loop: pen positions and the bounding box */
	for (i = 0; i < t->n; i++) {
		FT_Vector gmin, gmax;

		if (ch[i] == '\r') {
			pen.x = 0;
			t->glyph[i] = NULL;
			continue;
		}
		if (ch[i] == '\n') {
			pen.x = 0;
			pen.y += LINESPACE * px * 64 * METRIC_RES / 72;
			pen.y &= ~63;
			t->glyph[i] = NULL;
			continue;
		}
		gmin.x = pen.x + t->glyph[i]->bearing_x;
		gmin.y = pen.y - t->glyph[i]->bearing_y;
		gmax.x = pen.x + advance[i];
		gmax.y = gmin.y + t->glyph[i]->height;
		if (i == 0) {
			lo = gmin;
			hi = gmax;
		} else {
			if (gmin.x < lo.x)
				lo.x = gmin.x;
			if (gmin.y < lo.y)
				lo.y = gmin.y;
			if (gmax.x > hi.x)
				hi.x = gmax.x;
			if (gmax.y > hi.y)
				hi.y = gmax.y;
		}
		t->pen_x[i] = pen.x;
		t->pen_y[i] = pen.y;
		pen.x += advance[i];
	}
	t->left = (int)((lo.x * cos_a + hi.y * sin_a) * scale);
	t->right = (int)((hi.x * cos_a + hi.y * sin_a) * scale);
	free(ch);
	free(advance);
	return 0;
}

int chart_text_width(const struct chart_text *t)
{
	return t->right - t->left;
}

/* ---- drawing ---------------------------------------------------------- */

/* libgd's gdft_draw_bitmap for a truecolor image and a colour that is
 * not negative (anti-aliased). */
static void blit(const struct gdlib *gd, gdImagePtr im, const struct chart_glyph *g, int color,
		 int pen_x, int pen_y)
{
	int row, col;

	for (row = 0; row < g->rows; row++) {
		int y = pen_y + row;

		if (y > im->cy2 || y < im->cy1)
			continue;
		for (col = 0; col < g->width; col++) {
			int level = g->level[row * g->width + col], x = pen_x + col, *tpixel;

			if (level == 0)
				continue;
			level = level * (gdAlphaMax - gdTrueColorGetAlpha(color)) / gdAlphaMax;
			level = gdAlphaMax - level;
			if (x > im->cx2 || x < im->cx1)
				continue;
			tpixel = &im->tpixels[y][x];
			if (im->alphaBlendingFlag && gdTrueColorGetAlpha(*tpixel) != gdAlphaTransparent)
				*tpixel = gd->alpha_blend(*tpixel, (level << 24) + (color & 0xffffff));
			else
				*tpixel = (level << 24) + (color & 0xffffff);
		}
	}
}

int chart_text_draw(const struct chart_text *t, gdImagePtr im, int x, int y, int color,
		    const char **err)
{
	const double cos_a = 1, sin_a = 0;
	const struct gdlib *gd = gdlib(err);
	size_t i;

	if (!gd)
		return -1;
	if (!im->trueColor) {
		*err = "text is drawn on truecolor images only";
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		const struct chart_glyph *g = t->glyph[i];
		FT_Pos pen_x = t->pen_x[i], pen_y = t->pen_y[i];

		if (!g)
			continue;
		blit(gd, im, g, color,
		     (int)(x + (pen_x * cos_a + pen_y * sin_a) * PIXEL_RES / (METRIC_RES * 64) + g->left),
		     (int)(y - (pen_x * sin_a - pen_y * cos_a) * PIXEL_RES / (METRIC_RES * 64) - g->top));
	}
	return 0;
}

void chart_text_release(struct chart_text *t)
{
	free(t->glyph);
	free(t->pen_x);
	free(t->pen_y);
	memset(t, 0, sizeof *t);
}

/* ---- shutdown --------------------------------------------------------- */

void chart_text_shutdown(void)
{
	pthread_mutex_lock(&cache.lock);
	while (cache.fonts) {
		struct font *f = cache.fonts;

		cache.fonts = f->next;
		while (f->sizes) {
			struct size *z = f->sizes;
			FT_Long i;

			f->sizes = z->next;
			for (i = 0; i < f->face->num_glyphs; i++)
				if (z->glyph[i]) {
					free(z->glyph[i]->level);
					free(z->glyph[i]);
				}
			free(z->glyph);
			free(z);
		}
		FT_Done_Face(f->face); /* and its sizes */
		free(f->name);
		free(f);
	}
	if (cache.lib)
		FT_Done_FreeType(cache.lib);
	cache.lib = NULL;
	pthread_mutex_unlock(&cache.lock);
}

int chart_text_version(void)
{
	return FREETYPE_MAJOR * 10000 + FREETYPE_MINOR * 100 + FREETYPE_PATCH;
}
