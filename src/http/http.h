/*
 * The HTTP layer: a request as handlers see it, responses, the route table, sessions and the
 * shared server state. Handlers are plain functions of (request) -> response, testable
 * without sockets (tests/unit/test_http.c calls http_dispatch directly).
 *
 * Memory: everything a request allocates comes from req->arena (freed when the request ends)
 * or is owned by req->resp.
 */
#ifndef CC_HTTP_HTTP_H
#define CC_HTTP_HTTP_H
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "base/arena.h"
#include "base/buf.h"
#include "frame/frame.h"
#include "store/store.h"

enum http_role_bits_t {
	HTTP_ROLE_ADMIN = 1,
	HTTP_ROLE_ANALYST = 2,
	HTTP_ROLE_CHIEF = 4,
	HTTP_ROLE_ENTERPRISE = 8,
	HTTP_ROLE_ANYONE = 16, /* no session needed */
	/* A securities firm's or fund's user, bound to an institution: only the listing routes
	 * that say so (never part of HTTP_ROLES_ALL, so every other route keeps it out). */
	HTTP_ROLE_INVESTOR = 32,
	HTTP_ROLES_ALL = 15,
	HTTP_ROLES_STAFF = 7, /* admin, analyst, chief */
	HTTP_ROLES_EDIT = 3,  /* admin, analyst */
	/* Not a role: the route's body is a file upload, streamed to disk up to the upload
	 * cap (other routes take a small JSON body, held in memory). */
	HTTP_BODY_UPLOAD = 256,
	/* Not a role: the route takes a JSON body of up to HTTP_MAX_JSON_LARGE (a table to
	 * export), held in memory like any JSON body. */
	HTTP_BODY_LARGE = 512,
};

/* The logged-in user of a request (id 0 when there is none). */
struct http_user {
	int64_t id;
	char username[64];
	int role;		/* one of enum http_role_bits_t */
	char uscc[19];		/* the enterprise user's enterprise */
	char chains[512];	/* a chief's chains, comma-separated */
	int64_t institution_id; /* an investor's institution (0 for other roles) */
	char csrf[65];
	char session[65];
};

struct http_server;

struct http_req {
	const char *method;
	const char *path;   /* without the query string */
	const char *client; /* peer address */
	struct http_server *srv;
	struct cc_store *st; /* this worker thread's store handle */
	struct cc_arena arena;
	/* Query parameters and headers (names lower-cased for headers). */
	int nquery;
	const char *qkey[64], *qval[64];
	const char *cookie_session;
	const char *csrf_header;
	const char *content_type;
	const char *forwarded_proto; /* X-Forwarded-Proto of a proxy in front ("https") */
	const char *body;
	size_t body_len;
	/* Path parameters captured by the route pattern ({uscc}, {id} ...). */
	int nparams;
	const char *params[4];
	struct http_user user;
	struct cc_frame *frame; /* taken by http_frame, released when the request ends */
	/* The response. */
	int status;
	struct cc_buf resp;
	const char *resp_type; /* content type */
	char *resp_headers[8]; /* "Name: value" lines, malloc'd */
	int nresp_headers;
	int resp_fd;	       /* a file to stream (http_send_file), when stream_files */
	uint64_t resp_fd_len;  /* its length */
	int stream_files;      /* set by the server: http_send_file answers with resp_fd */
	const char *body_file; /* an upload route's body, streamed to this file (else body) */
	/* The route found and gated from the headers (the server, before the body): the
	 * dispatcher then runs it without looking it up and checking it again. */
	const struct http_route *gated;
	const unsigned char *resp_static; /* a built-in file served as is (not copied) */
	size_t resp_static_len;
	int cacheable;
};

typedef int (*http_handler_fn)(struct http_req *req);

struct http_route {
	const char *method;
	const char *pattern; /* "/api/v1/enterprises/{uscc}" */
	http_handler_fn fn;
	int roles; /* enum http_role_bits_t allowed */
	const char *summary;
	const char *params; /* "q:string,limit:integer" documented query parameters */
	const char *tag;
};

extern const struct http_route http_routes[];
extern const int http_nroutes;

/* Returns the value of query parameter NAME, or NULL. */
const char *http_query(const struct http_req *req, const char *name);

/*
 * Sets an error response: STATUS, CODE ("invalid"), the English and Chinese messages and the
 * field (may be NULL). Returns STATUS so handlers can `return http_error(...)`.
 */
int http_error(struct http_req *req, int status, const char *code, const char *field,
	       const char *msg_zh, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Sets a JSON response from J (consumed). Returns STATUS. */
int http_json(struct http_req *req, int status, json_t *j);

/* A JSON answer written straight into the response (no tree): http_jw_begin(REQ, W) empties
 * the response and points W at it; http_jw_send(REQ, W) ends it as a 200, or a 500 when it
 * did not fit. Returns the status. */
struct cc_jw;
void http_jw_begin(struct http_req *req, struct cc_jw *w);
int http_jw_send(struct http_req *req, struct cc_jw *w);

/* Adds a response header line "NAME: VALUE". */
void http_header(struct http_req *req, const char *name, const char *value);
/* Answers 200 with the file at PATH as the body, of TYPE, to be saved as DOWNLOAD_NAME (404
 * when it cannot be opened, 413 when it passes the response maximum). */
int http_send_file(struct http_req *req, const char *path, const char *type,
		   const char *download_name);
#define HTTP_TYPE_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Parses the request body as a JSON object; on failure sets a 400 and returns NULL. */
json_t *http_body_json(struct http_req *req);

/*
 * Routes REQ (method, path, user already resolved) to its handler: 404 for unknown paths, 405
 * for a known path with another method, 401/403 by role, CSRF check on writes. Returns the
 * status code set.
 */
int http_dispatch(struct http_req *req);

/* Body caps: uploads (streamed to a file), JSON bodies, routes open to anyone (log in). */
#define HTTP_MAX_UPLOAD	    (64u << 20)
#define HTTP_MAX_JSON	    (1u << 20)
#define HTTP_MAX_JSON_LARGE (16u << 20)
#define HTTP_MAX_ANON	    (16u << 10)
/* The largest body route R accepts (static files: HTTP_MAX_ANON). */
size_t http_body_cap(const struct http_route *r);

/*
 * The route for METHOD and PATH, or NULL; *PATH_KNOWN tells whether PATH exists under another
 * method (405 rather than 404).
 */
const struct http_route *http_route_find(const char *method, const char *path, int *path_known);
/*
 * The checks made before a handler runs, from the headers alone: 404/405 when R is NULL, 401
 * without a session, 403 for a role R does not allow or a write without its CSRF token. Sets
 * the error response and returns its status, or returns 0 when the request may go on. The
 * server runs it before reading a body, so nobody without a session can make it buffer one.
 */
int http_gate(struct http_req *req, const struct http_route *r, int path_known);

/*
 * A new path in the server's file folder (uploads, reports, exports): FOLDER/PREFIX-ID EXT.
 * Returns ID, unique for the folder (numbering goes on from what the folder holds at start).
 */
int http_file_new(struct http_req *req, const char *prefix, const char *ext, char *path, size_t n);

/* Matches PATH against PATTERN, capturing {params}. Returns 1 on a match. */
int http_match(const char *pattern, const char *path, struct http_req *req);

/* Returns the current frame (a reference the request releases at its end). */
struct cc_frame *http_frame(struct http_req *req);

/* Writes an audit row (in the caller's transaction when one is open). */
int http_audit(struct http_req *req, const char *action, const char *target, const char *before,
	       const char *after);

/* Server state shared by requests. */
struct http_server {
	const char *db_path;
	const char *web_dir; /* serve web/ from this folder instead of the built-in copy */
	struct cc_frame_cache *frames;
	size_t max_body;
	int log_requests;
	/*
	 * The server's files, beside the database (chainchief.db.files/): uploads while they are
	 * imported, exports while they are sent, reject reports for HTTP_REPORT_DAYS days.
	 * Cleaned at start (what a crash left) and after each import (the retention rule).
	 */
	char tmpdir[256];
	int file_id; /* the last id handed out by http_file_new */
};

/* Session and account functions (http/auth.c). */
int http_auth_resolve(struct http_req *req);
/* Forgets the sessions this process keeps (auth.c's session cache): after an account's change
 * that ends its sessions. */
void http_auth_cache_clear(void);
int http_hash_password(const char *password, char out[128]);
int http_verify_password(const char *hash, const char *password);
/*
 * The password policy, for a new account or a new password: 10 to 128 characters, at least
 * two of letters, digits and symbols, not one character repeated, not a well-known password,
 * not holding the user name. Returns 0, or CC_EINVAL with the rule broken in ERR.
 */
int http_password_check(const char *username, const char *password, struct cc_error *err);
/*
 * The login rate limit of KEY (client address and user name) in ST's database, shared by every
 * server on it: returns 0 when a login may be tried, else the seconds to wait; FAILED counts
 * one failure (a write transaction). A negative CC_E* when the store fails (CC_EBUSY: locked).
 */
int http_ratelimit_check(struct cc_store *st, const char *key, int failed);

/*
 * Creates an account. ROLE is admin, analyst, chief, enterprise or investor; an enterprise
 * account needs USCC (a registered enterprise), an investor account INSTITUTION (the id of an
 * institution; ignored for other roles); CHAINS (chief) is a comma-separated list of chain ids
 * or NULL. Returns 0, CC_EEXIST for a taken name, or CC_EINVAL with the reason in ERR.
 */
int http_user_create(struct cc_store *st, const char *username, const char *password,
		     const char *role, const char *uscc, const char *chains, int64_t institution,
		     struct cc_error *err);
/* Sets a new password or the disabled flag (-1 leaves it). Returns 0 or CC_ENOTFOUND. */
int http_user_update(struct cc_store *st, const char *username, const char *password, int disabled,
		     struct cc_error *err);

/* Serves a static file for GET requests outside /api (http/static.c). */
int http_static(struct http_req *req);

/* The OpenAPI document built from http_routes (http/openapi.c). */
json_t *http_openapi(void);

/*
 * Cleans the server's file folder SRV->tmpdir: at start (AT_START) it is created if missing,
 * uploads and exports a crash left are removed and the id counter goes past what remains;
 * always, reject reports older than the retention (7 days) are removed. Returns 0 or CC_EIO.
 */
int http_files_clean(struct http_server *srv, int at_start, struct cc_error *err);

/*
 * Starts serving DB_PATH; blocks until SIGINT/SIGTERM. DB_READ (NULL: none) is a standby of
 * DB_PATH that the data snapshot is built and followed from (writes and sessions still go to
 * DB_PATH). Returns 0 or a negative CC_E*.
 */
int http_serve(const char *db_path, const char *db_read, const char *listen, int threads,
	       const char *web_dir, struct cc_error *err);

#endif
