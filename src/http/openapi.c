/*
 * The OpenAPI 3.0 document, produced from the route table.
 */
#include <stdio.h>
#include <string.h>
#include "http/handlers.h"

static json_t *error_schema(void)
{
	return json_pack("{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}}}}}", "type",
			 "object", "properties", "error", "type", "object", "properties", "code",
			 "type", "string", "message", "type", "string", "message_zh", "type",
			 "string", "field", "type", "string");
}

json_t *http_openapi(void)
{
	json_t *paths = json_object();
	for (int i = 0; i < http_nroutes; i++) {
		const struct http_route *r = &http_routes[i];
		const char *p = r->pattern;
		json_t *item = json_object_get(paths, p);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, p, item);
		}
		json_t *params = json_array();
		/* Path parameters. */
		for (const char *b = strchr(p, '{'); b; b = strchr(b + 1, '{')) {
			const char *e = strchr(b, '}');
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(e - b - 1), b + 1);
			json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name",
								name, "in", "path", "required", 1,
								"schema", "type", "string"));
		}
		/* Query parameters: "name:type,..." */
		char buf[1024];
		snprintf(buf, sizeof buf, "%s", r->params);
		for (char *q = buf; *q;) {
			char *comma = strchr(q, ',');
			if (comma)
				*comma = '\0';
			char *colon = strchr(q, ':');
			if (colon) {
				*colon = '\0';
				json_array_append_new(params,
						      json_pack("{s:s, s:s, s:b, s:{s:s}}", "name",
								q, "in", "query", "required", 0,
								"schema", "type", colon + 1));
			}
			if (!comma)
				break;
			q = comma + 1;
		}
		char method[16];
		size_t k = 0;
		for (; r->method[k] && k < sizeof method - 1; k++)
			method[k] = (char)(r->method[k] | 0x20);
		method[k] = '\0';
		json_t *roles = json_array();
		static const char *const names[] = {"admin",	  "analyst", "chief",
						    "enterprise", "anyone",  "investor"};
		for (int b = 0; b < 6; b++)
			if (r->roles & (1 << b))
				json_array_append_new(roles, json_string(names[b]));
		json_t *op = json_pack(
			"{s:s, s:[s], s:o, s:o, s:{s:{s:s}, s:{s:s, s:{s:{s:{s:s}}}}}}", "summary",
			r->summary, "tags", r->tag, "parameters", params, "x-roles", roles,
			"responses", "200", "description", "OK", "default", "description",
			"Error (see the error schema)", "content", "application/json", "schema",
			"$ref", "#/components/schemas/Error");
		if (strcmp(r->method, "GET") != 0 && !(r->roles & HTTP_ROLE_ANYONE))
			json_object_set_new(op, "x-csrf", json_true());
		if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "DELETE") != 0) {
			/* The body: a file upload or a JSON object, with the cap the server
			 * enforces from the headers (413 before reading more). */
			int up = (r->roles & HTTP_BODY_UPLOAD) != 0;
			json_object_set_new(op, "x-max-body",
					    json_integer((json_int_t)http_body_cap(r)));
			json_object_set_new(
				op, "requestBody",
				json_pack("{s:{s:{s:{s:s, s:s?}}}}", "content",
					  up ? "application/octet-stream" : "application/json",
					  "schema", "type", up ? "string" : "object", "format",
					  up ? "binary" : NULL));
		}
		json_object_set_new(item, method, op);
	}
	return json_pack(
		"{s:s, s:{s:s, s:s, s:s}, s:[{s:s}], s:o, s:{s:{s:o}, s:{s:{s:s, s:s, s:s}}}}",
		"openapi", "3.0.3", "info", "title", "ChainChief API", "version", "1.0.0",
		"description",
		"链长制产业链平台 API. Errors carry code, message, message_zh, field.", "servers",
		"url", "/", "paths", paths, "components", "schemas", "Error", error_schema(),
		"securitySchemes", "session", "type", "apiKey", "in", "cookie", "name",
		"cc_session");
}

int h_openapi(struct http_req *req)
{
	req->cacheable = 1;
	return http_json(req, 200, http_openapi());
}
