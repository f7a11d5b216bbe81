/*
 * The HTTP server on libmicrohttpd: a pool of epoll threads, one store handle per thread,
 * bounded request bodies, an access log line per request, and a graceful stop on SIGINT or
 * SIGTERM (the listening socket closes, requests in flight finish, the database closes clean).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "base/progress.h"
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "http/handlers.h"
#include "http/http.h"
#include "match/match.h"

/* Upload bodies (imports) may be large; JSON bodies are far smaller, checked per route. */
#define MAX_BODY (64u << 20)

struct conn {
	struct http_req req;
	struct cc_buf body;
	int too_large;
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
	if (req->nquery < 64) {
		req->qkey[req->nquery] = key;
		req->qval[req->nquery] = value ? value : "";
		req->nquery++;
	}
	return MHD_YES;
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
	if (req->resp_static) {
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
		fprintf(stderr, "%s %s %s %s %d %zu %.1fms %s\n", when, req->client, req->method,
			req->path, req->status, len, (cc_now() - cn->t0) * 1000,
			req->user.id ? req->user.username : "-");
	}
	return ok;
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
		cc_buf_init(&cn->body, srv->max_body);
		cc_arena_init(&cn->req.arena, 16 * 1024);
		cc_buf_init(&cn->req.resp, (size_t)1 << 30);
		*con_cls = cn;
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > srv->max_body)
			cn->too_large = 1;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cn->too_large && cc_buf_append(&cn->body, upload_data, *upload_data_size))
			cn->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	struct http_req *req = &cn->req;
	char addr[64];
	req->method = method;
	req->path = url;
	req->client = cc_arena_strdup(&req->arena, peer(c, addr, sizeof addr));
	req->srv = srv;
	req->status = 200;
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, req);
	req->cookie_session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "cc_session");
	req->csrf_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	req->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	req->body = cn->body.data ? cn->body.data : "";
	req->body_len = cn->body.len;
	if (cn->too_large) {
		http_error(req, 413, "too_large", NULL, "请求体过大",
			   "request body is larger than %zu bytes", srv->max_body);
		return queue(c, cn);
	}
	req->st = thread_store(srv);
	if (!req->st) {
		http_error(req, 503, "internal", NULL, "数据库不可用", "database unavailable");
		return queue(c, cn);
	}
	if (strncmp(url, "/api/", 5) == 0) {
		http_auth_resolve(req);
		http_dispatch(req);
	} else {
		http_static(req);
	}
	return queue(c, cn);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	struct conn *cn = *con_cls;
	if (!cn)
		return;
	cc_buf_release(&cn->body);
	cc_buf_release(&cn->req.resp);
	cc_frame_release(cn->req.frame);
	for (int i = 0; i < cn->req.nresp_headers; i++)
		free(cn->req.resp_headers[i]);
	cc_arena_release(&cn->req.arena);
	free(cn);
	*con_cls = NULL;
}

/*
 * URL unescaping as libmicrohttpd's, except that %00 stays as it is written: a NUL decoded into
 * a path would cut it short ("index.html%00.js" would become "index.html"), and no route or
 * file name holds one.
 */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
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

int http_serve(const char *db_path, const char *listen, int threads, const char *web_dir,
	       struct cc_error *err)
{
	struct http_server srv = {0};
	struct sockaddr_in sa;
	struct cc_store *st = NULL;
	struct MHD_Daemon *d = NULL;
	int rc = parse_listen(listen, &sa, err);
	if (rc)
		return rc;
	srv.db_path = db_path;
	srv.web_dir = web_dir;
	srv.max_body = MAX_BODY;
	srv.log_requests = getenv("CC_NO_ACCESS_LOG") == NULL;
	snprintf(srv.tmpdir, sizeof srv.tmpdir, "/tmp/chainchief-serve-XXXXXX");
	if (!mkdtemp(srv.tmpdir))
		return cc_error_set(err, CC_EIO, "cannot create a temporary folder");
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
	if (rc)
		goto out;
	/* Build the first frame before accepting requests. */
	struct cc_frame *f = NULL;
	struct timespec tb0, tb1;
	clock_gettime(CLOCK_MONOTONIC, &tb0);
	rc = cc_frame_cache_get(srv.frames, st, &f, err);
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

	/* Signals are taken by sigwait below, in this thread only. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		handle, &srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 2),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)2000, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED,
		completed, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!d) {
		rc = cc_error_set(err, CC_EIO, "cannot listen on %s (in use, or not allowed)",
				  listen);
		goto out;
	}
	fprintf(stderr, "chainchief serving %s on http://%s/ (%d threads); Ctrl-C stops\n", db_path,
		listen, threads > 0 ? threads : 2);
	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "chainchief: signal %d, finishing requests in flight ...\n", sig);
	MHD_quiesce_daemon(d);
	MHD_stop_daemon(d); /* waits for the worker threads, which finish their requests */
	d = NULL;
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
	cc_frame_cache_free(srv.frames);
	cc_store_close(st);
	{
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", srv.tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "chainchief: could not remove %s\n", srv.tmpdir);
	}
	return rc;
}
