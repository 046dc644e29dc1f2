/* frontmatter: splitting a Markdown file into its YAML front matter and body. */
#include "frontmatter.h"

#include <string.h>

/* Is text[start..end) a fence line holding only `mark` (3 chars) and blanks? */
static int is_fence(const char *text, size_t start, size_t end, const char *mark)
{
	size_t i;

	if (end - start < 3 || memcmp(text + start, mark, 3))
		return 0;
	for (i = start + 3; i < end; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return 0;
	return 1;
}

int frontmatter_split(const char *text, size_t len, struct frontmatter *fm)
{
	size_t start = 0, line_end, pos;
	int line = 1;

	memset(fm, 0, sizeof *fm);
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		start = 3;
	fm->body_off = start;
	fm->body_line = 1;
	line_end = start;
	while (line_end < len && text[line_end] != '\n')
		line_end++;
	if (!is_fence(text, start, line_end, "---"))
		return 0;
	fm->present = 1;
	fm->yaml_line = 2;
	fm->yaml_off = line_end < len ? line_end + 1 : len;
	pos = fm->yaml_off;
	while (pos < len) {
		size_t e = pos;

		line++;
		while (e < len && text[e] != '\n')
			e++;
		if (is_fence(text, pos, e, "---") || is_fence(text, pos, e, "...")) {
			fm->yaml_len = pos - fm->yaml_off;
			fm->body_off = e < len ? e + 1 : len;
			fm->body_line = line + 1;
			return 0;
		}
		pos = e + 1;
	}
	fm->yaml_len = len - fm->yaml_off;
	fm->body_off = len;
	return -1;
}
