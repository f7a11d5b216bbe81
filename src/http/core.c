/*
 * Request helpers and the dispatcher (see http.h): JSON responses and errors, route matching
 * with {params}, role and CSRF checks, the audit trail.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sodium.h>
#include "base/jw.h"
#include "base/text.h"
#include "http/handlers.h"
#include "http/http.h"

const char *http_query(const struct http_req *req, const char *name)
{
	for (int i = 0; i < req->nquery; i++)
		if (strcmp(req->qkey[i], name) == 0)
			return req->qval[i];
	return NULL;
}

int http_json(struct http_req *req, int status, json_t *j)
{
	req->status = status;
	req->resp_type = "application/json; charset=utf-8";
	cc_buf_reset(&req->resp);
	/* The text is written by the one JSON writer (numbers by cc_num_format), not by
	 * jansson's own dumper: the tree is only the handler's way of holding its answer. */
	int bad = !j;
	if (j) {
		struct cc_jw w;
		cc_jw_init(&w, &req->resp);
		cc_jw_json(&w, j);
		bad = cc_jw_finish(&w) != 0;
		if (bad)
			cc_buf_reset(&req->resp);
	}
	if (bad && status >= 400) {
		/* The error itself could not be encoded: still answer with the error shape. */
		cc_buf_puts(&req->resp,
			    "{\"error\":{\"code\":\"internal\",\"message\":\"unencodable "
			    "error\",\"message_zh\":\"错误无法编码\"}}");
	} else if (bad) {
		req->status = status = 500;
		cc_buf_puts(&req->resp, "{\"error\":{\"code\":\"internal\",\"message\":\"response "
					"could not be encoded\",\"message_zh\":\"响应无法编码\"}}");
	}
	json_decref(j);
	return status;
}

void http_jw_begin(struct http_req *req, struct cc_jw *w)
{
	cc_buf_reset(&req->resp);
	cc_jw_init(w, &req->resp);
}

int http_jw_send(struct http_req *req, struct cc_jw *w)
{
	if (cc_jw_finish(w)) {
		cc_buf_reset(&req->resp);
		return http_error(req, 500, "internal", NULL, "响应过大", "response too large");
	}
	req->status = 200;
	req->resp_type = "application/json; charset=utf-8";
	return 200;
}

/*
 * Copies S into OUT (size N) as valid UTF-8: invalid bytes (echoed from a URL, or a message cut
 * inside a character) become U+FFFD, so an error can always be put in JSON.
 */
static void utf8_clean(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0;
	while (len) {
		size_t ok = cc_utf8_valid_prefix(p, len);
		if (ok == 0) {
			/* One invalid byte: a replacement character, if there is room. */
			if (o + 3 >= n)
				break;
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			p++;
			len--;
			continue;
		}
		if (ok > n - 1 - o) {
			/* Out of room: keep whole characters only. */
			ok = cc_utf8_cut((const char *)p, ok, n - 1 - o);
			memcpy(out + o, p, ok);
			o += ok;
			break;
		}
		memcpy(out + o, p, ok);
		o += ok;
		p += ok;
		len -= ok;
	}
	out[o] = '\0';
}

/*
 * The one table from an error code (CC_E*) to what a client sees: HTTP status, error code and
 * a Chinese message for when the handler has none better. Internal failures (database, I/O,
 * memory) are 500 with a generic message: their own words go to the server's log only.
 */
static const struct {
	int rc, status;
	const char *code, *zh, *en;
} errmap[] = {
	{CC_EINVAL, 400, "invalid", "请求无效", "invalid request"},
	{CC_EPARSE, 400, "invalid", "无法解析", "cannot be parsed"},
	{CC_EENCODING, 400, "invalid", "编码无效（应为 UTF-8 或 GB18030）",
	 "text is neither UTF-8 nor GB18030"},
	{CC_EPERM, 403, "forbidden", "无权进行此操作", "not allowed"},
	{CC_ENOTFOUND, 404, "not_found", "没有找到", "not found"},
	{CC_EEXIST, 409, "conflict", "已经存在", "already exists"},
	{CC_EREJECT, 422, "invalid", "部分内容被拒收", "some rows were rejected"},
	{CC_EBUSY, 503, "busy", "数据库正忙（另一项写入正在进行），请稍后重试", "busy"},
	{CC_ENOMEM, 500, "internal", "服务器内部错误", "internal error"},
	{CC_EIO, 500, "internal", "服务器内部错误", "internal error"},
	{CC_EDB, 500, "internal", "服务器内部错误", "internal error"},
};

static int errmap_find(int rc)
{
	for (size_t i = 0; i < sizeof errmap / sizeof errmap[0]; i++)
		if (errmap[i].rc == rc)
			return (int)i;
	return (int)(sizeof errmap / sizeof errmap[0]) - 1; /* unknown: internal */
}

int h_status_of(int rc)
{
	return errmap[errmap_find(rc)].status;
}

const char *h_code_of(int rc)
{
	return errmap[errmap_find(rc)].code;
}

int http_error_from(struct http_req *req, int rc, const struct cc_error *err, const char *field,
		    const char *msg_zh)
{
	int k = errmap_find(rc);
	if (err && err->internal && errmap[k].status < 500) {
		/* A constraint SQLite refused, in its own words: the status stands, the words
		 * go to the log. */
		fprintf(stderr, "chainchief: %d on %s %s: %s\n", errmap[k].status,
			req->method ? req->method : "-", req->path ? req->path : "-", err->msg);
		return http_error(req, errmap[k].status, errmap[k].code, field,
				  msg_zh ? msg_zh : errmap[k].zh,
				  "the request conflicts with stored data");
	}
	const char *msg = err && err->msg[0] ? err->msg : errmap[k].en;
	return http_error(req, errmap[k].status, errmap[k].code, field,
			  msg_zh ? msg_zh : errmap[k].zh, "%s", msg);
}

int http_error(struct http_req *req, int status, const char *code, const char *field,
	       const char *msg_zh, const char *fmt, ...)
{
	char raw[1024], msg[1100], fld[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	if ((status == 503 && strcmp(code, "busy") == 0) ||
	    (status == 500 && req->st && cc_store_busy(req->st))) {
		/* The store stayed locked past its busy timeout (another writer held it): a clear
		 * 503 the client may retry, never "database is locked" as an internal error, nor
		 * a handler's message about its own subject ("invalid subscription") for a
		 * lock. */
		status = 503;
		code = "busy";
		field = NULL;
		msg_zh = errmap[errmap_find(CC_EBUSY)].zh;
		snprintf(raw, sizeof raw,
			 "the database is busy (another write is in progress); try again shortly");
		http_header(req, "Retry-After", "2");
	} else if (status >= 500) {
		/* An internal failure: its words (SQLite's message, a path) go to the server's
		 * log; the client gets a generic message it can quote to an administrator. */
		fprintf(stderr, "chainchief: %d on %s %s: %s\n", status,
			req->method ? req->method : "-", req->path ? req->path : "-", raw);
		snprintf(raw, sizeof raw, "internal error (the server's log has the details)");
	}
	utf8_clean(raw, msg, sizeof msg);
	json_t *e = json_pack("{s:s, s:s, s:s}", "code", code, "message", msg, "message_zh",
			      msg_zh ? msg_zh : msg);
	if (field) {
		utf8_clean(field, fld, sizeof fld);
		json_object_set_new(e, "field", json_string(fld));
	}
	if (!e)
		e = json_pack("{s:s, s:s, s:s}", "code", code, "message", "error", "message_zh",
			      "错误");
	return http_json(req, status, json_pack("{s:o}", "error", e));
}

void http_header(struct http_req *req, const char *name, const char *value)
{
	if (req->nresp_headers >= 8)
		return;
	size_t n = strlen(name) + strlen(value) + 3;
	char *line = malloc(n);
	if (!line)
		return;
	snprintf(line, n, "%s: %s", name, value);
	req->resp_headers[req->nresp_headers++] = line;
}

json_t *http_body_json(struct http_req *req)
{
	json_error_t je;
	if (req->gated && (req->gated->roles & HTTP_BODY_LARGE)) {
		if (req->body_len > HTTP_MAX_JSON_LARGE) {
			http_error(req, 413, "too_large", NULL, "请求体过大（不超过 16 MB）",
				   "JSON body is larger than 16 MB");
			return NULL;
		}
	} else if (req->body_len > HTTP_MAX_JSON) {
		http_error(req, 413, "too_large", NULL, "请求体过大（JSON 不超过 1 MB）",
			   "JSON body is larger than 1 MB");
		return NULL;
	}
	json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		http_error(req, 400, "bad_request", NULL, "请求体不是有效的 JSON",
			   "body is not valid JSON: %s (line %d, column %d)", je.text, je.line,
			   je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_error(req, 400, "bad_request", NULL, "请求体应为 JSON 对象",
			   "body must be a JSON object");
		return NULL;
	}
	return j;
}

int http_match(const char *pattern, const char *path, struct http_req *req)
{
	const char *p = pattern, *s = path;
	int n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			size_t len = se ? (size_t)(se - s) : strlen(s);
			if (!pe || len == 0)
				return 0;
			if (req && n < 4)
				req->params[n] = cc_arena_strndup(&req->arena, s, len);
			n++;
			p = pe + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s || n > 4)
		return 0; /* a pattern with more parameters than a request holds never matches */
	if (req)
		req->nparams = n;
	return 1;
}

struct cc_frame *http_frame(struct http_req *req)
{
	if (!req->frame) {
		struct cc_error err = {0};
		if (cc_frame_cache_get(req->srv->frames, req->st, &req->frame, &err)) {
			http_error(req, 500, "internal", NULL, "无法读取数据快照",
				   "cannot build the data frame: %s", err.msg);
			return NULL;
		}
	}
	return req->frame;
}

int http_audit(struct http_req *req, const char *action, const char *target, const char *before,
	       const char *after)
{
	struct cc_error err;
	return cc_store_audit(req->st, req->user.id ? req->user.username : "anonymous", action,
			      target, before, after, &err);
}

static int is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/*
 * A writer reads its own writes: after a successful write the response waits (up to 2 s) until
 * the shared frame holds every change logged so far, so this session's next reads — and
 * everyone's — see it. A write the frame does not read logs nothing and waits for nothing (not
 * even for other writers' changes still being followed).
 * A full rebuild (a bulk import) may take longer; the response then goes without it.
 */
static void read_own_write(struct http_req *req, int64_t before)
{
	if (!req->srv || !req->srv->frames || !req->st || cc_store_in_tx(req->st))
		return;
	int64_t after = cc_store_log_seq(req->st);
	if (after > before)
		cc_frame_cache_wait(req->srv->frames, after, 2000);
}

const struct http_route *http_route_find(const char *method, const char *path, int *path_known)
{
	*path_known = 0;
	for (int i = 0; i < http_nroutes; i++) {
		const struct http_route *r = &http_routes[i];
		if (!http_match(r->pattern, path, NULL))
			continue;
		*path_known = 1;
		if (strcmp(r->method, method) == 0)
			return r;
	}
	return NULL;
}

size_t http_body_cap(const struct http_route *r)
{
	if (!r || (r->roles & HTTP_ROLE_ANYONE))
		return HTTP_MAX_ANON;
	if (r->roles & HTTP_BODY_UPLOAD)
		return HTTP_MAX_UPLOAD;
	return (r->roles & HTTP_BODY_LARGE) ? HTTP_MAX_JSON_LARGE : HTTP_MAX_JSON;
}

int http_gate(struct http_req *req, const struct http_route *r, int path_known)
{
	if (!r) {
		if (path_known)
			return http_error(req, 405, "method_not_allowed", NULL, "不支持的请求方法",
					  "method %s is not allowed on %s", req->method, req->path);
		return http_error(req, 404, "not_found", NULL, "没有这个接口",
				  "no such API route: %s", req->path);
	}
	if (r->roles & HTTP_ROLE_ANYONE)
		return 0;
	if (!req->user.id)
		return http_error(req, 401, "unauthorized", NULL, "请先登录",
				  "log in first (no session, or it has expired)");
	if (!(r->roles & req->user.role))
		return http_error(req, 403, "forbidden", NULL, "当前角色无权访问",
				  "your role may not use %s %s", r->method, r->pattern);
	if (is_write(req->method) &&
	    (!req->csrf_header || strlen(req->csrf_header) != strlen(req->user.csrf) ||
	     sodium_memcmp(req->csrf_header, req->user.csrf, strlen(req->user.csrf)) != 0))
		return http_error(req, 403, "csrf", NULL,
				  "缺少或错误的 CSRF 令牌（请求头 X-CSRF-Token）",
				  "missing or wrong CSRF token (header X-CSRF-Token)");
	return 0;
}

int http_dispatch(struct http_req *req)
{
	int path_known, status;
	const struct http_route *r = req->gated;
	/* A lock-out of an earlier request on this thread's store speaks for none of this one's
	 * failures. */
	cc_store_busy_forget(req->st);
	if (!r) {
		r = http_route_find(req->method, req->path, &path_known);
		status = http_gate(req, r, path_known);
		if (status)
			return status;
		req->gated = r; /* the body's cap (http_body_json) is the route's */
	}
	http_match(r->pattern, req->path, req);
	int write = is_write(req->method) && req->st;
	int64_t before = write ? cc_store_log_seq(req->st) : 0;
	status = r->fn(req);
	if (write && status < 400)
		read_own_write(req, before);
	return status;
}

int http_file_new(struct http_req *req, const char *prefix, const char *ext, char *path, size_t n)
{
	int id = __atomic_add_fetch(&req->srv->file_id, 1, __ATOMIC_RELAXED);
	snprintf(path, n, "%s/%s-%d%s", req->srv->tmpdir, prefix, id, ext);
	return id;
}

/*
 * Answers with the file: the server streams it from an open descriptor (the caller may unlink
 * PATH at once; the open file lives until it is sent), so a download of any size costs no
 * memory. Without a server (unit tests) the file is read into the body.
 */
int http_send_file(struct http_req *req, const char *path, const char *type,
		   const char *download_name)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return http_error(req, 404, "not_found", NULL, "文件不存在", "no such file");
	}
	cc_buf_reset(&req->resp);
	if (req->stream_files) {
		req->resp_fd = fd;
		req->resp_fd_len = (uint64_t)sb.st_size;
	} else {
		char chunk[65536];
		ssize_t n;
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			if (cc_buf_append(&req->resp, chunk, (size_t)n)) {
				close(fd);
				return http_error(req, 413, "too_large", NULL, "文件过大",
						  "file too large");
			}
		close(fd);
	}
	req->status = 200;
	req->resp_type = type;
	char disp[300];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", download_name);
	http_header(req, "Content-Disposition", disp);
	return 200;
}
