/* xalloc: allocation that never returns NULL (out of memory exits with status 3). */
#ifndef WAYMARK_XALLOC_H
#define WAYMARK_XALLOC_H

#include <stddef.h>

/* Each returns valid memory or, when the system has none left, prints
 * "waymark: error: out of memory" and exits with status 3. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "waymark: error: out of memory" and exit with status 3. */
_Noreturn void xalloc_die(void);

/* Grow *items (of *alloc elements of size elem) to hold at least need elements. */
void xgrow(void **items, size_t *alloc, size_t need, size_t elem);
#define XGROW(arr, alloc, need) xgrow((void **)&(arr), &(alloc), (need), sizeof *(arr))

#endif
