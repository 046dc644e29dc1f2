/* watch: noticing changes to a site's sources with inotify. */
#ifndef WAYMARK_WATCH_H
#define WAYMARK_WATCH_H

#include "diag.h"

/*
 * Watches what a build reads: site.yaml and every directory below
 * content/, themes/ and lua/ of the site but those whose names start with
 * '.' (following symbolic links, each directory once), adding directories
 * as they appear. Names starting with '.' or '#' or ending in '~' (editors'
 * swap and backup files) are not changes. A watch is used from one thread.
 */
struct watch;

/*
 * Start watching `site_dir`. Returns the watch, or NULL with the reason
 * recorded as an I/O error. A directory that cannot be watched (the
 * system's limit of watches reached) is recorded as a warning and the
 * rest are still watched. The caller frees the result with watch_free.
 */
struct watch *watch_new(const char *site_dir, struct diag_list *dl);
/* The descriptor to poll for reading; owned by the watch. */
int watch_fd(const struct watch *w);
/*
 * Take every pending event (never blocks). Returns 1 when one of them
 * concerns the site's sources, 0 when none does, -1 when reading failed
 * (recorded). Directories that appeared are watched from now on; a
 * directory that cannot be watched is recorded as a warning.
 */
int watch_read(struct watch *w, struct diag_list *dl);
/*
 * Watch these files too (paths relative to the site directory, one a line:
 * what the Lua hooks read with waymark.read), in place of those given last
 * time. A file is watched through its directory, so replacing it (as
 * editors do) counts as changing it.
 */
void watch_files(struct watch *w, const char *lines, struct diag_list *dl);
/*
 * The files below content/ that changed since the watch began or this was
 * last called (paths relative to content/; a path written several times
 * in a row comes once, one changed again later comes again; names the
 * reading skips among them), for a build to bring the content's
 * listing up to date with (fs_list_update) instead of listing the whole
 * tree. Returns 0 and hands them over (the caller frees each, and the
 * array); or -1, with none, when they are not known and the tree is to be
 * listed again: directories came, went or moved, events were lost, more
 * than a few hundred files changed, or a directory is not watched.
 */
int watch_content_changes(struct watch *w, char ***paths, size_t *n);
/* Stop watching and free `w`; NULL is a no-op. */
void watch_free(struct watch *w);

#endif
