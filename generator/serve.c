/* serve: build a site, serve it over HTTP and rebuild it as it changes. */
#define _GNU_SOURCE /* strcasestr, mkdtemp */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <malloc.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "config.h"
#include "fsutil.h"
#include "mhdlib.h"
#include "strbuf.h"
#include "threads.h"
#include "value.h"
#include "watch.h"
#include "xalloc.h"

/* quiet time after a change before rebuilding: an editor's save (a write, a
 * rename) and a "save all" arrive within a few ms; the reader waits for
 * this on top of the rebuild itself */
#define SERVE_DEBOUNCE_MS 40
#define SERVE_KEEPALIVE_S 15   /* an idle event stream sends a comment this often */
#define SERVE_HTML "text/html; charset=utf-8"

/*
 * Shared between the main thread (which builds) and the HTTP threads
 * (which serve). Everything below `lock` may change while serving and is
 * read or written only with it held; the rest is fixed before the daemon
 * starts.
 */
struct serve {
	const struct serve_opts *opts;
	char *tmp_dir;  /* a private directory (real path, removed at the end), or NULL */
	char *out_dir;  /* the build's output directory: <kept or private dir>/site */
	int lock_fd;    /* held on the kept directory's lock file, or -1 */

	pthread_mutex_t lock;
	pthread_cond_t changed; /* signalled when gen or stopping changes */
	unsigned long gen;      /* builds finished so far */
	int stopping;
	int failed;             /* the last build had errors */
	struct strbuf errors;   /* its diagnostics, as escaped HTML lines */
	char *base_path;        /* "/" or "/sub/" from base_url, after a good build */
	char *reads;            /* what the last build's hooks read (watch_files); main thread */
	/* main thread: the last build's listing of the content, for the next
	 * to bring up to date from what the watch saw change; and whether the
	 * output is as the last build left it (it built without an error) */
	struct build_listing listing;
	int output_trusted;
};

/* libmicrohttpd, opened when serving starts (set before the daemon runs) */
static const struct mhdlib *mhd;

/* ============================================================ pages */

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", SERVE_HTML },
	{ ".htm", SERVE_HTML },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".jsonld", "application/ld+json" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".csv", "text/csv; charset=utf-8" },
	{ ".xml", "application/xml" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".avif", "image/avif" },
	{ ".ico", "image/x-icon" },
	{ ".woff", "font/woff" },
	{ ".woff2", "font/woff2" },
	{ ".pdf", "application/pdf" },
};

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	size_t i;

	if (dot && (!slash || dot > slash))
		for (i = 0; i < sizeof types / sizeof *types; i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int is_html(const char *path)
{
	return !strcmp(content_type(path), SERVE_HTML);
}

/*
 * The reload script: reload when a build finishes after the one this page
 * came from (the server compares `since`), and reconnect if the stream is
 * closed for good (the server was restarted).
 */
static void add_script(struct strbuf *sb, unsigned long gen)
{
	strbuf_addf(sb,
		    "<script>/* waymark serve: reload after each rebuild */\n"
		    "(function () {\n"
		    "  function connect() {\n"
		    "    var es = new EventSource('" SERVE_EVENTS_PATH "?since=%lu');\n"
		    "    es.addEventListener('reload', function () { location.reload(); });\n"
		    "    es.onerror = function () {\n"
		    "      if (es.readyState === 2) setTimeout(connect, 1000);\n"
		    "    };\n"
		    "  }\n"
		    "  connect();\n"
		    "})();\n"
		    "</script>\n",
		    gen);
}

/* The script goes before the last </body>, or at the end when there is none. */
static void inject_script(struct strbuf *html, unsigned long gen)
{
	struct strbuf script = STRBUF_INIT;
	const char *p, *at = NULL;
	size_t pos;

	for (p = html->buf; (p = strcasestr(p, "</body>")); p++)
		at = p;
	pos = at ? (size_t)(at - html->buf) : html->len;
	add_script(&script, gen);
	strbuf_grow(html, script.len);
	memmove(html->buf + pos + script.len, html->buf + pos, html->len - pos + 1);
	memcpy(html->buf + pos, script.buf, script.len);
	html->len += script.len;
	strbuf_release(&script);
}

/* A page of waymark's own (not the site's), with the reload script. */
static void own_page(struct strbuf *sb, const char *title, const char *body, unsigned long gen)
{
	strbuf_adds(sb, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<title>");
	strbuf_add_html(sb, title, strlen(title));
	strbuf_adds(sb, " · waymark serve</title>\n<style>\n"
			"body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fff; }\n"
			"main { max-width: 60rem; margin: 0 auto; padding: 1rem; }\n"
			".banner { background: #8b0000; color: #fff; padding: 0.75rem 1rem; margin: 0; }\n"
			"pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4;\n"
			"      border-left: 4px solid #8b0000; padding: 1rem; font-size: 0.9rem; }\n"
			".error { color: #8b0000; } .warning { color: #6b4f00; }\n"
			"</style>\n</head>\n<body>\n");
	strbuf_adds(sb, body);
	add_script(sb, gen);
	strbuf_adds(sb, "</body>\n</html>\n");
}

/* The page shown for every page request while the last build failed; lock held. */
static void error_page(struct serve *s, struct strbuf *sb)
{
	struct strbuf body = STRBUF_INIT;

	/* (a failed build leaves the output as it was: none yet, when no
	 * build has worked, in this run or a kept one before it) */
	strbuf_adds(&body, "<p class=\"banner\" role=\"alert\"><strong>The build failed.</strong> ");
	strbuf_adds(&body, fs_is_dir(s->out_dir)
				   ? "The last good site is kept; this page reloads when you save a fix.</p>\n"
				   : "There is no site to show until a build works; this page reloads when you save a fix.</p>\n");
	strbuf_adds(&body, "<main>\n<h1>Build failed</h1>\n<pre>");
	strbuf_add(&body, s->errors.buf, s->errors.len);
	strbuf_adds(&body, "</pre>\n</main>\n");
	own_page(sb, "Build failed", body.buf, s->gen);
	strbuf_release(&body);
}

/* Record the outcome of a build for the HTTP threads; lock held. */
static void set_errors(struct serve *s, const struct diag_list *dl)
{
	size_t i;

	strbuf_reset(&s->errors);
	s->failed = dl->errors > 0;
	for (i = 0; s->failed && i < dl->n; i++) {
		char *line = diag_format(&dl->items[i]);
		const char *cls = dl->items[i].level == DIAG_ERROR ? "error" : "warning";

		strbuf_addf(&s->errors, "<span class=\"%s\">", cls);
		strbuf_add_html(&s->errors, line, strlen(line));
		strbuf_adds(&s->errors, "</span>\n");
		free(line);
	}
	if (s->failed)
		strbuf_addf(&s->errors, "\n%zu error%s, %zu warning%s\n", dl->errors,
			    dl->errors == 1 ? "" : "s", dl->warnings, dl->warnings == 1 ? "" : "s");
}

/* ============================================================ HTTP */

static enum MHD_Result send_response(struct MHD_Connection *conn, unsigned status,
				     struct MHD_Response *r, const char *type)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	mhd->add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd->add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = mhd->queue_response(conn, status, r);
	mhd->destroy_response(r);
	return ret;
}

/* Send sb's bytes (the buffer is handed over and left empty). */
static enum MHD_Result send_buffer(struct MHD_Connection *conn, unsigned status,
				   struct strbuf *sb, const char *type)
{
	size_t len;
	char *data = strbuf_detach(sb, &len);

	return send_response(conn, status,
			     mhd->create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE), type);
}

static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, text);
	return send_buffer(conn, status, &sb, "text/plain; charset=utf-8");
}

static enum MHD_Result send_redirect(struct MHD_Connection *conn, const char *path)
{
	struct strbuf loc = STRBUF_INIT;
	struct MHD_Response *r;

	strbuf_add_url(&loc, path); /* (what may not stand in a Location header as it is) */
	r = mhd->create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r)
		mhd->add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc.buf);
	strbuf_release(&loc);
	return send_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r, "text/plain; charset=utf-8");
}

/* An HTML file of the output, with the reload script; or the error page. */
static enum MHD_Result send_html(struct serve *s, struct MHD_Connection *conn, unsigned status,
				 const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long gen;

	pthread_mutex_lock(&s->lock);
	gen = s->gen;
	if (s->failed) {
		error_page(s, &sb);
		pthread_mutex_unlock(&s->lock);
		return send_buffer(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, &sb, SERVE_HTML);
	}
	pthread_mutex_unlock(&s->lock);
	if (path && fs_read(path, &sb) == 0) {
		inject_script(&sb, gen);
		return send_buffer(conn, status, &sb, SERVE_HTML);
	}
	strbuf_reset(&sb);
	own_page(&sb, "Not found",
		 "<main>\n<h1>Not found</h1>\n<p>No page has this address. "
		 "Add <code>404.html</code> to the site to show your own page here.</p>\n</main>\n",
		 gen);
	return send_buffer(conn, MHD_HTTP_NOT_FOUND, &sb, SERVE_HTML);
}

/* Does `rel` name a page (a directory, an .html file or a name without an
 * extension) rather than a stylesheet, script or image? */
static int names_page(const char *rel)
{
	const char *name = strrchr(rel, '/');

	name = name ? name + 1 : rel;
	return !*name || !strchr(name, '.') || is_html(name);
}

static enum MHD_Result send_not_found(struct serve *s, struct MHD_Connection *conn, const char *rel)
{
	char *page;
	enum MHD_Result ret;

	/* a missing stylesheet gets a short answer, a missing page a page */
	if (!names_page(rel))
		return send_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	page = fs_join(s->out_dir, "404.html");
	ret = send_html(s, conn, MHD_HTTP_NOT_FOUND, fs_is_file(page) ? page : NULL);
	free(page);
	return ret;
}

static enum MHD_Result send_file(struct MHD_Connection *conn, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct MHD_Response *r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return send_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	r = mhd->create_response_from_fd((uint64_t)st.st_size, fd); /* closes fd */
	if (!r)
		close(fd);
	return send_response(conn, MHD_HTTP_OK, r, content_type(path));
}

/* Is every segment of `rel` a plain name: no "..", no ".", no hidden file?
 * Returns 0 when fine, 400 for "." and "..", 404 for a hidden name. */
static unsigned check_segments(const char *rel)
{
	const char *p = rel;

	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return MHD_HTTP_BAD_REQUEST;
		if (n > 0 && p[0] == '.')
			return MHD_HTTP_NOT_FOUND;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

/* Is the real path of `path` inside the output directory? */
static int confined(struct serve *s, const char *path)
{
	char real[PATH_MAX];
	size_t n = strlen(s->out_dir);

	return realpath(path, real) && !strncmp(real, s->out_dir, n) && real[n] == '/';
}

static enum MHD_Result serve_path(struct serve *s, struct MHD_Connection *conn, const char *url)
{
	struct strbuf path = STRBUF_INIT;
	const char *rel;
	char *base;
	size_t blen;
	unsigned bad;
	enum MHD_Result ret;

	if (url[0] != '/' || strchr(url, '\\'))
		return send_text(conn, MHD_HTTP_BAD_REQUEST, "bad request\n");
	pthread_mutex_lock(&s->lock);
	base = xstrdup(s->base_path);
	pthread_mutex_unlock(&s->lock);
	blen = strlen(base);
	/* a site published below /sub/ is served below /sub/ too */
	if (blen > 1 && (!strcmp(url, "/") ||
			 (strlen(url) == blen - 1 && !strncmp(url, base, blen - 1)))) {
		ret = send_redirect(conn, base);
		free(base);
		return ret;
	}
	/* nothing outside it, as on the published site: a link that leaves
	 * out /sub/ breaks here too, before it breaks there */
	if (strncmp(url, base, blen)) {
		free(base);
		return send_not_found(s, conn, url + 1);
	}
	rel = url + blen;
	free(base);
	bad = check_segments(rel);
	if (bad == MHD_HTTP_BAD_REQUEST)
		return send_text(conn, bad, "bad request\n");
	if (bad)
		return send_not_found(s, conn, rel);
	strbuf_adds(&path, s->out_dir);
	strbuf_addch(&path, '/');
	strbuf_adds(&path, rel);
	if (!*rel || rel[strlen(rel) - 1] == '/')
		strbuf_adds(&path, "index.html");
	if (fs_is_dir(path.buf) && confined(s, path.buf)) {
		struct strbuf to = STRBUF_INIT;

		/* /about → /about/: the page's relative links need the slash */
		strbuf_adds(&to, url);
		strbuf_addch(&to, '/');
		ret = send_redirect(conn, to.buf);
		strbuf_release(&to);
	} else if (!fs_is_file(path.buf) || !confined(s, path.buf)) {
		ret = send_not_found(s, conn, rel);
	} else if (is_html(path.buf)) {
		ret = send_html(s, conn, MHD_HTTP_OK, path.buf);
	} else {
		ret = send_file(conn, path.buf);
	}
	strbuf_release(&path);
	return ret;
}

/* ============================================================ events */

/* One open event stream. */
struct client {
	struct serve *s;
	unsigned long gen; /* the build this client's page came from */
	int greeted;
};

/*
 * Runs on the connection's own thread (the daemon has one per
 * connection), so it may wait: until the next build, a keep-alive time or
 * the server stopping.
 */
static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct client *c = cls;
	struct serve *s = c->s;
	struct timespec until;
	int n;

	(void)pos;
	pthread_mutex_lock(&s->lock);
	if (!c->greeted) {
		c->greeted = 1;
		n = snprintf(buf, max, "retry: 1000\n\n");
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += SERVE_KEEPALIVE_S;
	while (!s->stopping && c->gen == s->gen)
		if (pthread_cond_timedwait(&s->changed, &s->lock, &until) == ETIMEDOUT)
			break;
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (c->gen != s->gen) {
		c->gen = s->gen;
		n = snprintf(buf, max, "event: reload\ndata: %lu\n\n", c->gen);
	} else {
		n = snprintf(buf, max, ": keep-alive\n\n");
	}
out:
	pthread_mutex_unlock(&s->lock);
	return n < 0 || (size_t)n >= max ? MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static enum MHD_Result send_events(struct serve *s, struct MHD_Connection *conn)
{
	struct client *c = xcalloc(1, sizeof *c);
	const char *since = mhd->lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
	struct MHD_Response *r;
	char *end;

	c->s = s;
	pthread_mutex_lock(&s->lock);
	c->gen = s->gen;
	pthread_mutex_unlock(&s->lock);
	/* a page from an older build reloads at once: it missed a rebuild */
	if (since && *since) {
		unsigned long g = strtoul(since, &end, 10);

		if (!*end)
			c->gen = g;
	}
	r = mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 256, events_read, c, free);
	if (!r)
		free(c);
	return send_response(conn, MHD_HTTP_OK, r, "text/event-stream");
}

/* libmicrohttpd's unescaping (every %XX the byte it stands for), but for
 * %00: a NUL would end the path early (/stories/%00 served /stories/), so
 * it becomes a backslash, which serve_path refuses (400), as it does %5C. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *uri)
{
	char *r = uri, *w = uri;
	int hi, lo;

	(void)cls;
	(void)conn;
	while (*r) {
		if (r[0] == '%' && (hi = strbuf_hex_digit(r[1])) >= 0 &&
		    (lo = strbuf_hex_digit(r[2])) >= 0) {
			*w++ = hi || lo ? (char)(hi * 16 + lo) : '\\';
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - uri);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	struct serve *s = cls;
	static int headers_read;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	/* the first call only says the headers are in: a response queued
	 * then makes libmicrohttpd close the connection after it, and a
	 * browser open a new one for each stylesheet, script and chart */
	if (!*req_cls) {
		*req_cls = &headers_read;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, SERVE_EVENTS_PATH))
		return send_events(s, conn);
	return serve_path(s, conn, url);
}

/* ============================================================ listening */

/*
 * A listening socket on host:port; the chosen port is written to *port.
 * Returns the socket, or -1 with the reason recorded (errno: why not).
 */
static int listen_on(const char *host, int *port, struct diag_list *dl)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage addr;
	socklen_t alen = sizeof addr;
	char service[16];
	int fd = -1, err, one = 1, saved = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(service, sizeof service, "%d", *port);
	err = getaddrinfo(host, service, &hints, &res);
	if (err) {
		diag_io_error(dl, NULL, "unable to listen on '%s': %s", host, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 64) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		diag_io_error(dl, NULL, "unable to listen on '%s' port %d: %s%s", host, *port,
			      strerror(saved),
			      saved == EADDRINUSE ? " (another server has it: '-p 0' takes any free port)"
						  : "");
		errno = saved;
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&addr, &alen) == 0)
		*port = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
							 : ((struct sockaddr_in *)&addr)->sin_port);
	return fd;
}

/* ============================================================ building */

static double now_ms(void)
{
	return monotonic_seconds() * 1000;
}

/* "https://example.org/sub/" → "/sub/"; "/" → "/" */
static char *base_path_of(const char *site_dir)
{
	struct diag_list dl = DIAG_LIST_INIT;
	struct config cfg;
	char *path = NULL;

	memset(&cfg, 0, sizeof cfg);
	if (config_load(&cfg, site_dir, NULL, &dl) == 0) {
		const char *p = strstr(cfg.base_url, "://");

		p = p ? strchr(p + 3, '/') : cfg.base_url;
		path = xstrdup(p && *p == '/' ? p : "/");
	}
	config_release(&cfg);
	diag_list_release(&dl);
	return path;
}

/* A build's new pages are in place: serve them, and let every open page
 * know. No error is left to show (a build that failed writes nothing). */
static void announce(struct serve *s, struct diag_list *dl)
{
	char *base = dl->errors ? NULL : base_path_of(s->opts->site_dir);

	pthread_mutex_lock(&s->lock);
	set_errors(s, dl);
	if (base) {
		free(s->base_path);
		s->base_path = base;
	}
	s->gen++;
	pthread_cond_broadcast(&s->changed);
	pthread_mutex_unlock(&s->lock);
}

struct committed {
	struct serve *s;
	int announced;
};

/* build_opts.committed: reload the pages before the build saves its cache */
static void on_committed(void *ctx)
{
	struct committed *c = ctx;
	struct diag_list none = DIAG_LIST_INIT;

	announce(c->s, &none);
	c->announced = 1;
}

/* Free memory a build leaves to malloc beyond this goes back to the
 * system (a server idles between edits). Below it the next rebuild finds
 * it ready: on the bench's site of 10,000 pages a title edit leaves 180 to
 * 195 MB free, spread over the threads' arenas (a full build about 205),
 * and taking it fresh from the system each time (12,000 to 15,000 page
 * faults a rebuild instead of 1,000) cost it 30 to 40 ms of CPU and 10 to
 * 20 of its time. */
#define SERVE_KEEP_FREE (256u << 20)

/*
 * Build into the output directory, report, and let every open page know
 * (as soon as the pages are in place, when the build rendered any). `w`,
 * when not NULL, has watched the site since before the last build began.
 * Returns build_run's status.
 */
static int rebuild(struct serve *s, struct watch *w, int first)
{
	struct build_opts bo;
	struct build_stats st;
	struct diag_list dl = DIAG_LIST_INIT;
	struct committed c = { s, 0 };
	int status;

	memset(&bo, 0, sizeof bo);
	bo.site_dir = s->opts->site_dir;
	bo.out_dir = s->out_dir;
	bo.drafts = s->opts->drafts;
	bo.committed = on_committed;
	bo.committed_ctx = &c;
	/* the output is the server's own, locked while it runs (kept_dir):
	 * after a build that went well, nothing else changes it (a directory
	 * deleted whole is made whole again: output_begin) */
	bo.output_trusted = s->output_trusted;
	bo.listing = &s->listing;
	s->listing.changed_known = w && watch_content_changes(w, &s->listing.changed,
							      &s->listing.nchanged) == 0;
	status = build_run(&bo, &dl, &st);
	s->output_trusted = status == 0;
	for (size_t i = 0; i < s->listing.nchanged; i++)
		free(s->listing.changed[i]);
	free(s->listing.changed);
	s->listing.changed = NULL;
	s->listing.nchanged = 0;
	if (st.reads) {
		free(s->reads);
		s->reads = st.reads;
	}
	diag_list_sort(&dl);
	diag_list_print(&dl, s->opts->err);
	if (dl.errors)
		fprintf(s->opts->err, "%zu error%s, %zu warning%s%s\n", dl.errors,
			dl.errors == 1 ? "" : "s", dl.warnings, dl.warnings == 1 ? "" : "s",
			first ? "" : "; serving the last good site");
	else
		build_stats_print(s->opts->out, first ? "built" : "rebuilt", &st);
	fflush(s->opts->err);
	fflush(s->opts->out);
	if (!c.announced)
		announce(s, &dl);
	diag_list_release(&dl);
	if (mallinfo2().fordblks > SERVE_KEEP_FREE)
		malloc_trim(0);
	return status;
}

/* ============================================================ running */

/*
 * The output directory is kept between runs in the user's cache directory
 * ($XDG_CACHE_HOME, else ~/.cache), as waymark/serve/<site>-<hash of the
 * site's real path>/site, with the build's cache beside it: a restart
 * renders only what changed while no server ran (on the bench's site of
 * 10,000 pages, a first build takes seconds; one that finds nothing
 * changed, tens of milliseconds). A server holds a lock on it while it
 * runs. Returns 0, or -1 when it cannot be had: no cache directory to
 * write to, or another server on this site (said on `err`).
 */
static int kept_dir(struct serve *s)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *base, *c;
	char site[PATH_MAX], real[PATH_MAX];
	struct strbuf name = STRBUF_INIT;
	char *root, *dir = NULL, *lock = NULL;
	int fd = -1, ret = -1;

	if (!realpath(s->opts->site_dir, site))
		return -1;
	/* (relative paths in XDG_CACHE_HOME are to be ignored, says the spec) */
	if (xdg && xdg[0] == '/')
		root = fs_join(xdg, "waymark/serve");
	else if (home && home[0] == '/')
		root = fs_join(home, ".cache/waymark/serve");
	else
		return -1;
	base = strrchr(site, '/') + 1;
	for (c = *base ? base : "root"; *c && name.len < 40; c++)
		strbuf_addch(&name, (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
					    (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' ?
				    *c : '_');
	strbuf_addf(&name, "-%016llx", value_hash_bytes(site, strlen(site), VALUE_HASH_SEED));
	dir = fs_join(root, name.buf);
	lock = fs_join(dir, "lock");
	if (fs_mkdirs(dir) < 0 || !realpath(dir, real) ||
	    (fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		goto done;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(s->opts->err, "another waymark serve is using %s: building into a "
				      "directory of this server's own\n", real);
		goto done;
	}
	s->lock_fd = fd;
	fd = -1;
	s->out_dir = fs_join(real, "site");
	ret = 0;
done:
	if (fd >= 0)
		close(fd);
	strbuf_release(&name);
	free(root);
	free(dir);
	free(lock);
	return ret;
}

/* Otherwise a private one: <tmp>/waymark-serve-XXXXXX, by its real path,
 * removed at the end. */
static int make_private_dir(struct serve *s, struct diag_list *dl)
{
	const char *tmp = getenv("TMPDIR");
	char real[PATH_MAX];
	char *templ;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	templ = fs_join(tmp, "waymark-serve-XXXXXX");
	if (!mkdtemp(templ)) {
		diag_io_error(dl, NULL, "unable to create a directory in '%s': %s", tmp,
			      strerror(errno));
		free(templ);
		return -1;
	}
	if (!realpath(templ, real)) {
		diag_io_error(dl, NULL, "unable to find '%s': %s", templ, strerror(errno));
		rmdir(templ);
		free(templ);
		return -1;
	}
	free(templ);
	s->tmp_dir = xstrdup(real);
	s->out_dir = fs_join(real, "site");
	return 0;
}

/* --bind 0.0.0.0 or :: (every address of the machine) */
static int every_address(const char *bind)
{
	return !strcmp(bind, "0.0.0.0") || !strcmp(bind, "::") || !strcmp(bind, "[::]");
}

/* "  on this network: http://192.168.1.20:1313/", for each IPv4 address
 * of an interface that is up and not the loopback. */
static void print_lan_urls(FILE *out, int port, const char *base_path)
{
	struct ifaddrs *all, *a;
	char host[NI_MAXHOST];

	if (getifaddrs(&all) < 0)
		return;
	for (a = all; a; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && (a->ifa_flags & IFF_UP) &&
		    !(a->ifa_flags & IFF_LOOPBACK) &&
		    getnameinfo(a->ifa_addr, sizeof(struct sockaddr_in), host, sizeof host, NULL, 0,
				NI_NUMERICHOST) == 0)
			fprintf(out, "  on this network: http://%s:%d%s\n", host, port, base_path);
	freeifaddrs(all);
}

/* Wait for a signal or changes, rebuilding after a quiet spell; returns on a signal. */
static void loop(struct serve *s, struct watch *w, int sig_fd, struct diag_list *dl)
{
	struct pollfd fds[2] = { { sig_fd, POLLIN, 0 }, { watch_fd(w), POLLIN, 0 } };
	double due = 0; /* when to rebuild; 0: nothing changed */

	for (;;) {
		int timeout = -1, n;

		if (due)
			timeout = due > now_ms() ? (int)(due - now_ms()) + 1 : 0;
		n = poll(fds, 2, timeout);
		if (n < 0 && errno != EINTR) {
			diag_io_error(dl, NULL, "unable to wait for changes: %s", strerror(errno));
			return;
		}
		if (n > 0 && (fds[0].revents & POLLIN))
			return;
		if (n > 0 && (fds[1].revents & POLLIN)) {
			struct diag_list wl = DIAG_LIST_INIT;
			int changed = watch_read(w, &wl);

			diag_list_print(&wl, s->opts->err);
			diag_list_release(&wl);
			if (changed < 0)
				return;
			if (changed)
				due = now_ms() + SERVE_DEBOUNCE_MS;
		}
		if (due && now_ms() >= due) {
			struct diag_list wl = DIAG_LIST_INIT;

			due = 0;
			rebuild(s, w, 0);
			watch_files(w, s->reads, &wl);
			diag_list_print(&wl, s->opts->err);
			diag_list_release(&wl);
		}
	}
}

int serve_run(const struct serve_opts *opts, struct diag_list *dl)
{
	struct serve s;
	struct watch *w = NULL;
	struct MHD_Daemon *d = NULL;
	sigset_t block, old;
	pthread_condattr_t ca;
	int sig_fd, listen_fd = -1, port = opts->port, status = 3;
	const char *why;

	memset(&s, 0, sizeof s);
	s.opts = opts;
	strbuf_init(&s.errors, 0);
	/* what a rebuild frees stays for the next (see SERVE_KEEP_FREE): malloc
	 * would give free memory at the top of a heap back at once, and every
	 * block of 128 KB and more as it is freed (mmap) */
	mallopt(M_TRIM_THRESHOLD, (int)SERVE_KEEP_FREE);
	mallopt(M_MMAP_THRESHOLD, 32 << 20); /* (the most it takes) */
	s.base_path = xstrdup("/");
	s.lock_fd = -1;
	pthread_mutex_init(&s.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s.changed, &ca);
	pthread_condattr_destroy(&ca);

	/* blocked here, so in every thread started from here on: they arrive
	 * only through sig_fd */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	sig_fd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0) {
		diag_io_error(dl, NULL, "unable to catch signals: %s", strerror(errno));
		goto done;
	}
	if (!(mhd = mhdlib(&why))) {
		diag_io_error(dl, NULL, "unable to open libmicrohttpd, which waymark serve needs: %s",
			      why);
		goto done;
	}
	/* the address first: a port in use is found before a long build.
	 * Without -p, a server that finds 1313 taken (by another site's
	 * server, say) takes the next free port after it, as hugo server
	 * does, and says so. */
	{
		struct diag_list first = DIAG_LIST_INIT;
		int err, next = 0;

		listen_fd = listen_on(opts->bind, &port, &first);
		err = errno;
		while (listen_fd < 0 && err == EADDRINUSE && !opts->port_given && next < 19) {
			struct diag_list again = DIAG_LIST_INIT;

			port = opts->port + ++next;
			listen_fd = listen_on(opts->bind, &port, &again);
			err = errno;
			diag_list_release(&again);
		}
		if (listen_fd < 0 && next)
			diag_io_error(dl, NULL, "unable to listen on '%s': ports %d to %d are all in use "
				      "('-p 0' takes any free port)", opts->bind, opts->port, port);
		else if (listen_fd < 0)
			diag_list_move(dl, &first);
		else if (next)
			fprintf(opts->out, "port %d is in use: taking %d\n", opts->port, port);
		diag_list_release(&first);
	}
	if (listen_fd < 0 || (kept_dir(&s) < 0 && make_private_dir(&s, dl) < 0))
		goto done;
	/* watching from before the first build: a change while it runs starts
	 * another, and its listing of the content is one the next build can
	 * bring up to date (a watch that cannot start is tried again after the
	 * build, which says what is wrong with the site first) */
	{
		struct diag_list early = DIAG_LIST_INIT;

		w = watch_new(opts->site_dir, &early);
		if (w)
			diag_list_move(dl, &early);
		diag_list_release(&early);
	}
	if (rebuild(&s, w, 1) == 3)
		goto done; /* not a site, or nowhere to write: printed already */
	if (!w && !(w = watch_new(opts->site_dir, dl)))
		goto done;
	watch_files(w, s.reads, dl);
	diag_list_print(dl, opts->err); /* warnings about directories not watched */
	diag_list_release(dl);
	d = mhd->start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
				     MHD_USE_AUTO,
			     0, NULL, NULL, handle, &s, MHD_OPTION_LISTEN_SOCKET, listen_fd,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!d) {
		diag_io_error(dl, NULL, "unable to start serving on '%s' port %d", opts->bind, port);
		goto done;
	}
	listen_fd = -1; /* the daemon's now: it closes it */
	if (every_address(opts->bind)) {
		/* 0.0.0.0 is no address to open: this machine's, and the ones
		 * a phone on the same network can reach (to try the site on one) */
		fprintf(opts->out, "serving %s at http://127.0.0.1:%d%s (press Ctrl-C to stop)\n",
			opts->site_dir, port, s.base_path);
		print_lan_urls(opts->out, port, s.base_path);
	} else {
		fprintf(opts->out, "serving %s at http://%s%s%s:%d%s (press Ctrl-C to stop)\n",
			opts->site_dir, strchr(opts->bind, ':') ? "[" : "", opts->bind,
			strchr(opts->bind, ':') ? "]" : "", port, s.base_path);
	}
	fprintf(opts->out, "output in %s\n", s.out_dir);
	fflush(opts->out);
	loop(&s, w, sig_fd, dl);
	status = dl->errors ? 3 : 0;
done:
	pthread_mutex_lock(&s.lock);
	s.stopping = 1;
	pthread_cond_broadcast(&s.changed);
	pthread_mutex_unlock(&s.lock);
	if (d)
		mhd->stop_daemon(d); /* waits for every connection's thread */
	if (listen_fd >= 0)
		close(listen_fd);
	watch_free(w);
	free(s.reads);
	fs_list_release(&s.listing.files);
	if (s.tmp_dir && fs_remove_tree(s.tmp_dir) < 0)
		diag_warning(dl, NULL, "unable to remove '%s': %s", s.tmp_dir, strerror(errno));
	if (s.lock_fd >= 0)
		close(s.lock_fd); /* (the lock goes with it) */
	if (sig_fd >= 0) {
		struct signalfd_siginfo si;

		/* take the signal that stopped us, so unblocking does not deliver it */
		while (read(sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
			;
		close(sig_fd);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(s.tmp_dir);
	free(s.out_dir);
	free(s.base_path);
	strbuf_release(&s.errors);
	pthread_cond_destroy(&s.changed);
	pthread_mutex_destroy(&s.lock);
	return status;
}
