/*
 * The HTTP server on libmicrohttpd: a pool of epoll threads, one store handle per thread,
 * bounded request bodies, an access log line per request, and a graceful stop on SIGINT or
 * SIGTERM (the listening socket closes, requests in flight finish, the database closes clean).
 *
 * Defences against a hostile client, decided before any body is read: the route, the session,
 * the role and the CSRF token are checked from the headers (http_gate), and a body is only
 * accepted up to its route's cap (http_body_cap: small for routes open to anyone, larger for
 * JSON routes, largest for uploads, which go straight to a file, never to memory). A client address
 * holds at most CC_MAX_CONN_PER_IP connections; a request must finish its headers within
 * HEADER_SECONDS and its body at a minimum rate (a watchdog shuts slow sockets down), and
 * a connection idle for IDLE_SECONDS closes.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "base/parse.h"
#include "base/progress.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "http/handlers.h"
#include "http/http.h"
#include "match/match.h"
#include "report/report.h"
#include "store/pg.h"

/* libmicrohttpd's memory pool per connection (request line and headers, its own response
 * headers; bodies are ours): 32 KB, its default. The pool is cleared whenever a kept-alive
 * connection takes its next request, so its size is paid on every request: 128 KB was 9 % of
 * the server's time under load on the enterprise list. Headers beyond it are refused (431). */
#define MHD_POOL_KB 32

#define MAX_QUERY      64 /* query parameters of one request */
#define HEADER_SECONDS 15 /* from a connection's start to full headers (CC_HEADER_SECONDS) */
#define BODY_MIN_RATE  (16u << 10) /* bytes a second a body must keep up, after BODY_GRACE */
#define BODY_GRACE     30
#define IDLE_SECONDS   20 /* a keep-alive connection with nothing to say */
#define REPORT_DAYS    7  /* reject reports are kept this long */

/*
 * One connection as the watchdog sees it: when its current phase started and how long that
 * phase may last. Linked in a list the watchdog walks once a second.
 */
struct watch {
	int fd;
	double t0;     /* start of the phase */
	double limit;  /* seconds the phase may last; 0: no limit (a handler is running) */
	int unescapes; /* URL pieces decoded for the current request */
	struct watch *next, *prev;
};

struct conn {
	struct http_req req;
	struct cc_buf body;
	int too_large;
	int answered; /* an error was queued from the headers: the body is never read */
	int upload_fd;
	char upload_path[512];
	double t0;
};

static pthread_key_t store_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void close_store(void *p)
{
	cc_store_close(p);
}

static void make_key(void)
{
	pthread_key_create(&store_key, close_store);
}

/* This thread's store handle, opened on first use. */
static struct cc_store *thread_store(struct http_server *srv)
{
	pthread_once(&key_once, make_key);
	struct cc_store *st = pthread_getspecific(store_key);
	if (!st) {
		struct cc_error err = {0};
		if (cc_store_open(&st, srv->db_path, 0, &err)) {
			fprintf(stderr, "chainchief serve: %s\n", err.msg);
			return NULL;
		}
		pthread_setspecific(store_key, st);
	}
	return st;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct http_req *req = cls;
	if (req->nquery >= MAX_QUERY) {
		req->nquery = MAX_QUERY + 1; /* too many: the request is refused */
		return MHD_NO;
	}
	req->qkey[req->nquery] = key;
	req->qval[req->nquery] = value ? value : "";
	req->nquery++;
	return MHD_YES;
}

/* ---- the watchdog of slow clients ---- */

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static double header_seconds = HEADER_SECONDS;
static struct watch watch_list = {.next = &watch_list, .prev = &watch_list};

/* Starts a phase of W: LIMIT seconds from now (0: none). */
static void watch_phase(struct watch *w, double limit)
{
	if (!w)
		return;
	pthread_mutex_lock(&watch_lock);
	w->t0 = cc_now();
	w->limit = limit;
	pthread_mutex_unlock(&watch_lock);
}

static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			      enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct watch *w = calloc(1, sizeof *w);
		*socket_context = w;
		if (!w || !ci)
			return;
		w->fd = ci->connect_fd;
		w->t0 = cc_now();
		w->limit = header_seconds;
		pthread_mutex_lock(&watch_lock);
		w->next = watch_list.next;
		w->prev = &watch_list;
		watch_list.next->prev = w;
		watch_list.next = w;
		pthread_mutex_unlock(&watch_lock);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		/* Called before the socket is closed: once unlinked under the lock, the watchdog
		 * can no longer touch a descriptor number the system may hand out again. */
		struct watch *w = *socket_context;
		if (!w)
			return;
		pthread_mutex_lock(&watch_lock);
		if (w->next) {
			w->prev->next = w->next;
			w->next->prev = w->prev;
		}
		pthread_mutex_unlock(&watch_lock);
		free(w);
		*socket_context = NULL;
	}
}

static struct watch *conn_watch(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static volatile int watchdog_stop;
static long long watchdog_cut;

/* Once a second: shuts down the sockets whose phase ran out (MHD then closes them). */
static void *watchdog(void *arg)
{
	(void)arg;
	while (!watchdog_stop) {
		struct timespec ts = {0, 200 * 1000 * 1000};
		for (int i = 0; i < 5 && !watchdog_stop; i++)
			nanosleep(&ts, NULL);
		double now = cc_now();
		pthread_mutex_lock(&watch_lock);
		for (struct watch *w = watch_list.next; w != &watch_list; w = w->next)
			if (w->limit > 0 && now - w->t0 > w->limit) {
				shutdown(w->fd, SHUT_RDWR);
				w->limit = 0;
				watchdog_cut++;
			}
		pthread_mutex_unlock(&watch_lock);
	}
	return NULL;
}

static volatile int reminders_stop;

/*
 * Reporting reminders (report/report.h): written at start and then once an hour on a
 * connection of this thread's own. A reminder is written once per report, so a run with
 * nothing due writes nothing (and no audit row); a busy store is tried again next hour.
 * CC_REMIND_SECONDS sets another interval (tests).
 */
static void *reminders(void *arg)
{
	const char *db = arg;
	const char *env = getenv("CC_REMIND_SECONDS");
	double every = env && *env ? strtod(env, NULL) : 3600, last = -1e18;
	struct cc_store *st = NULL;
	if (!(every > 0))
		every = 3600;
	while (!reminders_stop) {
		double now = cc_now();
		if (now - last >= every) {
			struct cc_error err = {0};
			int64_t n = 0;
			if (!st && cc_store_open(&st, db, 0, &err))
				st = NULL;
			if (st && report_remind(st, 0, 0, &n, &err) == 0 && n)
				fprintf(stderr, "chainchief: %lld reporting reminders written\n",
					(long long)n);
			last = now;
		}
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	cc_store_close(st);
	return NULL;
}

/*
 * Writes S into OUT (size N) with control characters and backslashes as \xNN, so a request
 * line cannot forge or break a line of the access log ("%0a" in a URL).
 */
static const char *log_safe(const char *s, char *out, size_t n)
{
	size_t o = 0;
	for (; s && *s && o + 5 < n; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f || ch == '\\') {
			snprintf(out + o, n - o, "\\x%02x", ch);
			o += 4;
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
	return out;
}

static const char *peer(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(buf, n, "-");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
			  (socklen_t)n);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf,
			  (socklen_t)n);
	return buf;
}

static enum MHD_Result queue(struct MHD_Connection *c, struct conn *cn)
{
	struct http_req *req = &cn->req;
	struct MHD_Response *r;
	size_t len;
	if (req->resp_fd >= 0) {
		len = (size_t)req->resp_fd_len;
		r = MHD_create_response_from_fd64(req->resp_fd_len, req->resp_fd);
		if (r)
			req->resp_fd = -1; /* the response owns it now */
	} else if (req->resp_static) {
		len = req->resp_static_len;
		r = MHD_create_response_from_buffer(len, (void *)req->resp_static,
						    MHD_RESPMEM_PERSISTENT);
	} else {
		len = req->resp.len;
		char *data = cc_buf_detach(&req->resp);
		r = MHD_create_response_from_buffer(len, data ? data : (void *)"",
						    data ? MHD_RESPMEM_MUST_FREE
							 : MHD_RESPMEM_PERSISTENT);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				req->resp_type ? req->resp_type
					       : "application/json; charset=utf-8");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; script-src 'self'; style-src 'self' "
				"'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; "
				"frame-ancestors 'none'");
	MHD_add_response_header(r, "Cache-Control",
				req->cacheable ? "public, max-age=300" : "no-store");
	for (int i = 0; i < req->nresp_headers; i++) {
		char *line = req->resp_headers[i];
		char *colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			MHD_add_response_header(r, line, colon + 2);
		}
	}
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)req->status, r);
	MHD_destroy_response(r);
	if (req->srv->log_requests) {
		struct timespec ts;
		struct tm tm;
		char when[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		char method[64], path[1024], user[160];
		fprintf(stderr, "%s %s %s %s %d %zu %.1fms %s\n", when, req->client,
			log_safe(req->method, method, sizeof method),
			log_safe(req->path, path, sizeof path), req->status, len,
			(cc_now() - cn->t0) * 1000,
			req->user.id ? log_safe(req->user.username, user, sizeof user) : "-");
	}
	return ok;
}

/* The request as far as the headers tell: method, path, client, query, cookies. */
static void request_headers(struct http_server *srv, struct MHD_Connection *c, struct conn *cn,
			    const char *url, const char *method)
{
	struct http_req *req = &cn->req;
	char addr[64];
	req->method = method;
	req->path = url;
	req->client = cc_arena_strdup(&req->arena, peer(c, addr, sizeof addr));
	req->srv = srv;
	req->status = 200;
	req->stream_files = 1;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, req);
	req->cookie_session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cc_session");
	req->csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	req->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	req->forwarded_proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
	req->body = "";
}

/*
 * Everything decided before a byte of the body is read. Returns 1 when the request was
 * answered from its headers (an error: too many parameters, no session, a role, CSRF, a
 * declared length over the route's cap), else 0 with the body's cap set and, for an upload
 * route, its file open.
 */
static int decide_from_headers(struct http_server *srv, struct MHD_Connection *c, struct conn *cn)
{
	struct http_req *req = &cn->req;
	size_t cap = HTTP_MAX_ANON;
	int upload = 0;
	if (req->nquery > MAX_QUERY) {
		http_error(req, 400, "invalid", NULL, "查询参数过多",
			   "more than %d query parameters", MAX_QUERY);
		return 1;
	}
	req->st = thread_store(srv);
	if (!req->st) {
		http_error(req, 503, "internal", NULL, "数据库不可用", "database unavailable");
		return 1;
	}
	if (strncmp(req->path, "/api/", 5) == 0) {
		int known;
		http_auth_resolve(req);
		const struct http_route *r = http_route_find(req->method, req->path, &known);
		if (http_gate(req, r, known))
			return 1;
		req->gated = r;
		upload = (r->roles & HTTP_BODY_UPLOAD) != 0;
		cap = http_body_cap(r);
		if (upload && srv->max_body < cap)
			cap = srv->max_body;
	}
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	long long declared = -1;
	if (cl && cc_parse_int64(cl, strlen(cl), &declared))
		declared = -1;
	if (declared > (long long)cap) {
		http_error(req, 413, "too_large", NULL, "请求体过大",
			   "request body is larger than %zu bytes", cap);
		return 1;
	}
	cc_buf_init(&cn->body, cap);
	if (upload) {
		http_file_new(req, "upload", "", cn->upload_path, sizeof cn->upload_path);
		cn->upload_fd =
			open(cn->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (cn->upload_fd < 0) {
			cn->upload_path[0] = '\0';
			http_error(req, 500, "internal", NULL, "无法保存上传文件",
				   "cannot store the upload");
			return 1;
		}
	}
	double limit = BODY_GRACE;
	if (declared > 0)
		limit += (double)declared / BODY_MIN_RATE;
	else if (!cl)
		limit += (double)cap / BODY_MIN_RATE; /* chunked: as long as the cap would take */
	watch_phase(conn_watch(c), limit);
	return 0;
}

/* Takes a piece of the body: to the upload file or the bounded buffer. */
static void body_append(struct conn *cn, const char *data, size_t n)
{
	if (cn->too_large)
		return;
	if (n > cn->body.max - cn->req.body_len) {
		cn->too_large = 1;
		return;
	}
	if (cn->upload_fd >= 0) {
		for (size_t done = 0; done < n;) {
			ssize_t w = write(cn->upload_fd, data + done, n - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				cn->too_large = 2; /* the disk refused it */
				return;
			}
			done += (size_t)w;
		}
	} else if (cc_buf_append(&cn->body, data, n)) {
		cn->too_large = 1;
		return;
	}
	cn->req.body_len += n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct http_server *srv = cls;
	struct conn *cn = *con_cls;
	if (!cn) {
		cn = calloc(1, sizeof *cn);
		if (!cn)
			return MHD_NO;
		cn->t0 = cc_now();
		cn->upload_fd = -1; /* no file yet (0 is a descriptor like any other) */
		cn->req.resp_fd = -1;
		cc_arena_init(&cn->req.arena, 16 * 1024);
		cc_buf_init(&cn->req.resp, (size_t)1 << 30);
		*con_cls = cn;
		request_headers(srv, c, cn, url, method);
		if (decide_from_headers(srv, c, cn)) {
			/* Answered now: libmicrohttpd sends it without reading the body and
			 * closes the connection after. */
			cn->answered = 1;
			return queue(c, cn);
		}
		return MHD_YES;
	}
	if (cn->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		body_append(cn, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	struct http_req *req = &cn->req;
	watch_phase(conn_watch(c), 0); /* the handler's time is not the client's fault */
	if (cn->upload_fd >= 0) {
		close(cn->upload_fd);
		cn->upload_fd = -1;
		req->body_file = cn->upload_path;
	} else {
		req->body = cn->body.data ? cn->body.data : "";
	}
	if (cn->too_large == 2) {
		http_error(req, 507, "storage", NULL, "服务器磁盘空间不足，无法保存上传文件",
			   "the upload could not be stored (disk full?)");
		return queue(c, cn);
	}
	if (cn->too_large) {
		http_error(req, 413, "too_large", NULL, "请求体过大",
			   "request body is larger than %zu bytes", cn->body.max);
		return queue(c, cn);
	}
	if (strncmp(url, "/api/", 5) == 0)
		http_dispatch(req);
	else
		http_static(req);
	return queue(c, cn);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	struct conn *cn = *con_cls;
	if (!cn)
		return;
	cc_buf_release(&cn->body);
	cc_buf_release(&cn->req.resp);
	if (cn->upload_fd >= 0)
		close(cn->upload_fd);
	if (cn->upload_path[0])
		unlink(cn->upload_path);
	if (cn->req.resp_fd >= 0)
		close(cn->req.resp_fd);
	struct watch *w = conn_watch(c);
	watch_phase(w, IDLE_SECONDS); /* waiting for the next request */
	if (w)
		w->unescapes = 0;
	cc_frame_release(cn->req.frame);
	for (int i = 0; i < cn->req.nresp_headers; i++)
		free(cn->req.resp_headers[i]);
	cc_arena_release(&cn->req.arena);
	free(cn);
	*con_cls = NULL;
}

/*
 * Answers 400 on the socket itself and shuts it down. For a request line with thousands of
 * query parameters: libmicrohttpd parses every one into the connection's memory pool before
 * any callback may refuse the request, and when the pool runs out (about 2,000 short ones) it
 * can no longer build its own error answer and the connection hangs until a timeout. The
 * unescape callback sees each parameter as it is parsed, so it stops the request at once.
 */
static void refuse_now(int fd)
{
#define STR_(x) #x
#define STR(x)	STR_(x)
	static const char body[] = "{\"error\":{\"code\":\"invalid\",\"message\":\"more than " STR(
		MAX_QUERY) " query parameters\",\"message_zh\":\"查询参数过多\"}}";
	char resp[512];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; "
			 "charset=utf-8\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
			 sizeof body - 1, body);
	if (n > 0 && send(fd, resp, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		n = 0; /* nothing more to do: the socket goes down below */
	shutdown(fd, SHUT_RDWR);
}

/*
 * URL unescaping as libmicrohttpd's, except that %00 stays as it is written: a NUL decoded into
 * a path would cut it short ("index.html%00.js" would become "index.html"), and no route or
 * file name holds one.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	struct watch *wt = conn_watch(c);
	if (wt && ++wt->unescapes == 2 * MAX_QUERY + 4)
		refuse_now(wt->fd);
	char *w = s;
	for (const char *r = s; *r;) {
		if (r[0] == '%' && r[1] && r[2]) {
			int hi = r[1] >= '0' && r[1] <= '9' ? r[1] - '0'
				 : (r[1] | 0x20) >= 'a' && (r[1] | 0x20) <= 'f'
					 ? (r[1] | 0x20) - 'a' + 10
					 : -1;
			int lo = r[2] >= '0' && r[2] <= '9' ? r[2] - '0'
				 : (r[2] | 0x20) >= 'a' && (r[2] | 0x20) <= 'f'
					 ? (r[2] | 0x20) - 'a' + 10
					 : -1;
			if (hi >= 0 && lo >= 0 && (hi | lo)) {
				*w++ = (char)(hi * 16 + lo);
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

/*
 * Makes the server's file folder beside the database (DB.files, mode 0700; for PostgreSQL see
 * http_serve) and cleans it:
 * uploads and exports (files in passing, left by a crash) go, reject reports older than
 * REPORT_DAYS go. Sets SRV->file_id past every id still there, so report links stay unique
 * across restarts. Returns 0 or CC_EIO.
 */
int http_files_clean(struct http_server *srv, int at_start, struct cc_error *err)
{
	if (at_start &&
	    ((mkdir(srv->tmpdir, 0700) != 0 && errno != EEXIST) || chmod(srv->tmpdir, 0700) != 0))
		return cc_error_set(err, CC_EIO, "cannot create the folder '%s': %s", srv->tmpdir,
				    strerror(errno));
	DIR *d = opendir(srv->tmpdir);
	if (!d)
		return cc_error_set(err, CC_EIO, "cannot open the folder '%s': %s", srv->tmpdir,
				    strerror(errno));
	time_t now = time(NULL);
	int maxid = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char path[600];
		struct stat sb;
		const char *dash = strrchr(de->d_name, '-');
		if (de->d_name[0] == '.' || !dash)
			continue;
		snprintf(path, sizeof path, "%s/%s", srv->tmpdir, de->d_name);
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		int is_report = strncmp(de->d_name, "rejects-", 8) == 0;
		if ((at_start && !is_report) ||
		    (is_report && now - sb.st_mtime > (time_t)REPORT_DAYS * 86400)) {
			unlink(path);
			continue;
		}
		long long id = 0;
		const char *dot = strchr(dash, '.');
		size_t n = dot ? (size_t)(dot - dash - 1) : strlen(dash + 1);
		if (cc_parse_int64(dash + 1, n, &id) == 0 && id > maxid && id < (1 << 30))
			maxid = (int)id;
	}
	closedir(d);
	if (at_start)
		srv->file_id = maxid;
	return 0;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct cc_error *err)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return cc_error_set(err, CC_EINVAL, "--listen must be HOST:PORT, not '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return cc_error_set(err, CC_EINVAL, "bad port in --listen '%s'", listen);
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
		return cc_error_set(err, CC_EINVAL,
				    "bad address in --listen '%s' (use an IPv4 address)", listen);
	return 0;
}

int http_serve(const char *db_path, const char *db_read, const char *listen, int threads,
	       const char *web_dir, struct cc_error *err)
{
	struct http_server srv = {0};
	struct sockaddr_in sa;
	struct cc_store *st = NULL, *read_st = NULL;
	struct MHD_Daemon *d = NULL;
	int rc = parse_listen(listen, &sa, err);
	if (rc)
		return rc;
	srv.db_path = db_path;
	srv.web_dir = web_dir;
	srv.max_body = HTTP_MAX_UPLOAD;
	srv.log_requests = getenv("CC_NO_ACCESS_LOG") == NULL;
	/* $CHAINCHIEF_FILES (each server of a deployment its own: docs/DEPLOY.md), else beside
	 * an SQLite file, or ./chainchief.files for a PostgreSQL URL. */
	const char *files = getenv("CHAINCHIEF_FILES");
	if ((size_t)(files && *files ? snprintf(srv.tmpdir, sizeof srv.tmpdir, "%s", files)
		     : cc_pg_is_url(db_path)
			     ? snprintf(srv.tmpdir, sizeof srv.tmpdir, "./chainchief.files")
			     : snprintf(srv.tmpdir, sizeof srv.tmpdir, "%s.files", db_path)) >=
	    sizeof srv.tmpdir)
		return cc_error_set(err, CC_EINVAL, "the database path is too long");
	rc = http_files_clean(&srv, 1, err);
	if (rc)
		return rc;
	rc = cc_codes_load(err);
	if (rc)
		return rc;
	if (!cc_catalogue_get(err))
		return CC_EINVAL;
	/* Open once up front: migrations run here, and a bad path fails before we listen. */
	rc = cc_store_open(&st, db_path, 0, err);
	if (rc)
		goto out;
	rc = cc_frame_cache_new(&srv.frames, db_path, CC_FRAME_MONTHLY, err);
	if (rc == 0 && db_read) {
		/* The snapshot from the standby, from the first build on. */
		rc = cc_frame_cache_read_from(srv.frames, db_read, err);
		if (rc == 0)
			rc = cc_store_open(&read_st, db_read, CC_STORE_READONLY, err);
		if (rc == 0)
			fprintf(stderr, "frame: built and followed from the standby (--db-read)\n");
	}
	if (rc)
		goto out;
	/* Build the first frame before accepting requests. */
	struct cc_frame *f = NULL;
	struct timespec tb0, tb1;
	clock_gettime(CLOCK_MONOTONIC, &tb0);
	rc = cc_frame_cache_get(srv.frames, read_st ? read_st : st, &f, err);
	if (rc)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &tb1);
	fprintf(stderr, "frame: %d enterprises, %d edges, %.1f MB, built in %.2f s\n", f->n,
		f->nedges, (double)cc_frame_bytes(f) / 1e6,
		(double)(tb1.tv_sec - tb0.tv_sec) + (double)(tb1.tv_nsec - tb0.tv_nsec) / 1e9);
	cc_frame_release(f);
	/* From here on no request builds: a thread follows the change log. */
	h_enterprise_follow_init();
	h_risk_follow_init();
	h_chain_follow_init();
	match_follow_init();
	rc = cc_frame_cache_start(srv.frames, 10, err);
	if (rc)
		goto out;
	/* Matching's text index, built in the background (FTS5 answers until it is ready);
	 * CC_MATCH_TEXT_INDEX=0 leaves it out (its size at 1M postings: PERFORMANCE.md). It
	 * reproduces SQLite's FTS5 trigram index and finds its database by file: on PostgreSQL
	 * the store's full text (pg_trgm) answers, without it. */
	if (cc_env_int("CC_MATCH_TEXT_INDEX", 1, 0, 1) && !cc_pg_is_url(db_path))
		match_text_start(db_path);

	/* Signals are taken by sigwait below, in this thread only. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned per_ip = (unsigned)cc_env_int("CC_MAX_CONN_PER_IP", 64, 1, 100000);
	header_seconds = (double)cc_env_int("CC_HEADER_SECONDS", HEADER_SECONDS, 1, 3600);
	d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		handle, &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 2),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_SECONDS, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)2000, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(MHD_POOL_KB * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED,
		completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, notify_connection, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!d) {
		rc = cc_error_set(err, CC_EIO, "cannot listen on %s (in use, or not allowed)",
				  listen);
		goto out;
	}
	pthread_t wd;
	watchdog_stop = 0;
	int wd_started = pthread_create(&wd, NULL, watchdog, NULL) == 0;
	pthread_t rm;
	reminders_stop = 0;
	int rm_started = pthread_create(&rm, NULL, reminders, (void *)db_path) == 0;
	char shown[1024];
	cc_pg_shown(db_path, shown, sizeof shown); /* a password in a URL masked */
	fprintf(stderr, "chainchief serving %s on http://%s/ (%d threads); Ctrl-C stops\n", shown,
		listen, threads > 0 ? threads : 2);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "chainchief: signal %d, finishing requests in flight ...\n", sig);
	MHD_quiesce_daemon(d);
	MHD_stop_daemon(d); /* waits for the worker threads, which finish their requests */
	d = NULL;
	watchdog_stop = 1;
	if (wd_started)
		pthread_join(wd, NULL);
	reminders_stop = 1;
	if (rm_started)
		pthread_join(rm, NULL);
	if (watchdog_cut)
		fprintf(stderr, "chainchief: %lld slow connections cut\n", watchdog_cut);
	struct cc_frame_cache_stats fs;
	cc_frame_cache_stats(srv.frames, &fs);
	fprintf(stderr,
		"frame follower: %lld versions patched, %lld rebuilt, longest %lld ms, at change "
		"%lld\n",
		(long long)fs.patches, (long long)fs.rebuilds, (long long)fs.max_ms,
		(long long)fs.seq);
	fprintf(stderr, "chainchief: stopped cleanly\n");
out:
	if (d)
		MHD_stop_daemon(d);
	match_text_stop();
	cc_frame_cache_free(srv.frames);
	cc_store_close(read_st);
	cc_store_close(st);
	return rc;
}
