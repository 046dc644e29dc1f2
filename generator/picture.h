/* picture: the size of a picture, read from its first bytes. */
#ifndef WAYMARK_PICTURE_H
#define WAYMARK_PICTURE_H

/*
 * A picture's width and height in pixels, as a browser shows it: for a
 * JPEG whose Exif orientation turns it a quarter turn (5 to 8, as a
 * phone held upright writes), the two swapped. Read from the headers
 * alone (PNG's IHDR, GIF's screen, JPEG's frame, WebP's VP8, VP8L or
 * VP8X chunk, AVIF's primary item's ispe, turned by its irot), never the
 * pixels: a page's <img> gets its width and height, so the page keeps its
 * place while the picture loads.
 *
 * Returns 0, or -1 for a format it does not read (SVG), a file it cannot
 * open, or one too short or malformed to say.
 */
int picture_size(const char *path, int *width, int *height);

/* The same, of the first `len` bytes of a file (the rest counted as
 * missing): for tests. */
int picture_size_of(const unsigned char *bytes, long len, int *width, int *height);

/*
 * Why browsers cannot show the picture at `path`, in words that follow
 * "this picture cannot be shown: ", or NULL when its first bytes are those
 * of a PNG, JPEG, GIF, WebP or AVIF picture (or it cannot be read: the
 * build says why elsewhere). A HEIC photo saved under a .jpg name (as an
 * iPhone's can be) is the one to catch: only Safari shows those.
 */
const char *picture_unshowable(const char *path);
/* The same, of bytes: for tests. */
const char *picture_unshowable_of(const unsigned char *bytes, long len);

#endif
