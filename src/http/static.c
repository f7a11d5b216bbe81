/*
 * Static files: the web UI (web/) and ECharts, from the built-in copies or, with
 * `serve --web DIR`, from a folder while developing. Paths are checked before anything is
 * looked up: no "..", no NUL, no backslashes; only names under web/ can ever be served.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/builtin.h"
#include "http/http.h"

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	static const struct {
		const char *ext, *type;
	} types[] = {{".html", "text/html; charset=utf-8"},
		     {".js", "text/javascript; charset=utf-8"},
		     {".mjs", "text/javascript; charset=utf-8"},
		     {".css", "text/css; charset=utf-8"},
		     {".json", "application/json; charset=utf-8"},
		     {".svg", "image/svg+xml"},
		     {".png", "image/png"},
		     {".ico", "image/x-icon"},
		     {".csv", "text/csv; charset=utf-8"}};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

int http_static(struct http_req *req)
{
	char name[512];
	const char *p = req->path;
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return http_error(req, 405, "method_not_allowed", NULL, "不支持的请求方法",
				  "method %s is not allowed here", req->method);
	if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0)
		p = "/web/index.html";
	else if (strcmp(p, "/vendor/echarts.min.js") == 0)
		p = "/web/vendor/echarts.min.js";
	else if (strcmp(p, "/favicon.ico") == 0)
		p = "/web/favicon.svg";
	if (strncmp(p, "/web/", 5) != 0 || strstr(p, "..") || strchr(p, '\\') || strstr(p, "//") ||
	    strlen(p) > 400)
		return http_error(req, 404, "not_found", NULL, "页面不存在", "no such page: %s",
				  req->path);
	snprintf(name, sizeof name, "%s", p + 1);
	req->resp_type = type_of(name);
	req->cacheable = strstr(name, "vendor/") != NULL;
	if (req->srv->web_dir && strncmp(name, "web/vendor/", 11) != 0) {
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", req->srv->web_dir, name + 4);
		FILE *f = fopen(path, "rb");
		if (!f)
			return http_error(req, 404, "not_found", NULL, "页面不存在",
					  "no such page: %s", req->path);
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			cc_buf_append(&req->resp, chunk, n);
		fclose(f);
		req->status = 200;
		return 200;
	}
	const struct cc_builtin *b = cc_builtin_find(name);
	if (!b)
		return http_error(req, 404, "not_found", NULL, "页面不存在", "no such page: %s",
				  req->path);
	req->resp_static = b->data;
	req->resp_static_len = b->size;
	req->status = 200;
	return 200;
}
