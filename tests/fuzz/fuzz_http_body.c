/*
 * Fuzz target: request bodies. The first byte picks a route, the rest is the body of a
 * synthetic request (no sockets) given to http_body_json or, through http_dispatch, to a
 * JSON-accepting handler with the right role and CSRF token:
 *
 *   0 http_body_json alone            4 PATCH /api/v1/enterprises/{uscc}     (analyst)
 *   1 POST  /api/v1/login  (anonymous) 5 PUT  .../{uscc}/indicators/2024      (analyst)
 *   2 POST  /api/v1/users  (admin)     6 PUT  .../{uscc}/indicators/2024-05   (the enterprise)
 *   3 PATCH /api/v1/users/fuzzchief    7 PATCH /api/v1/enterprises/{other}    (the enterprise: 403)
 *
 * The body is NUL-terminated past body_len, as the server's buffer is. Checks: a status in
 * 100..599, a JSON response, and on every 4xx/5xx the error shape
 * {"error":{"code","message","message_zh"}}; FUZZ_HTTP_LAX=1 keeps only the status and a
 * non-empty body. FUZZ_HTTP_ROUTES="0,1,4" limits the routes (to go on fuzzing the others while
 * one has a known crash). Memory errors and leaks are found by ASan/LSan.
 *
 * Accounts use minimal Argon2id limits so that logins stay fast; the state (users, sessions,
 * the password of fuzzchief) is reset after the inputs that change it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "domain/catalogue.h"
#include "domain/codes.h"
#include "domain/uscc.h"
#include "frame/frame.h"
#include "http/http.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NROUTES 8

static struct cc_store *st;
static struct http_server srv;
static char dir[64], db[128], uscc_a[19], uscc_b[19];
static char path_ent_a[96], path_ent_b[96], path_ind[128], path_ind_month[128];
static char fast_hash[crypto_pwhash_STRBYTES];
static int enabled[NROUTES];
static int lax;
static unsigned counter;
static const char csrf[] = "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed";

static void code(char out[19], int region, int serial)
{
	snprintf(out, 19, "91%06dMA%06d", region, serial);
	out[16] = cc_orgcode_check_char(out + 8);
	out[17] = cc_uscc_check_char(out);
	out[18] = '\0';
}

static void die(const char *what, const struct cc_error *err)
{
	fprintf(stderr, "fuzz_http_body: %s: %s\n", what, err ? err->msg : "");
	abort();
}

static void reset_accounts(void)
{
	struct cc_stmt *s = NULL;
	struct cc_error err;
	cc_store_exec(st,
		      "DELETE FROM users WHERE username NOT IN ('fuzzadmin','fuzzchief','fuzzent');"
		      "DELETE FROM sessions;",
		      NULL);
	if (cc_stmt_prepare(st, &s, "UPDATE users SET password_hash = ?1, disabled = 0", &err))
		die("prepare", &err);
	cc_stmt_bind_text(s, 1, fast_hash, strlen(fast_hash));
	cc_stmt_step(s, &err);
	cc_stmt_free(s);
}

static void cleanup(void)
{
	char cmd[128];
	cc_frame_cache_free(srv.frames);
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_http_body: could not remove %s\n", dir);
}

static void init(void)
{
	struct cc_error err = {0};
	char sql[600];
	snprintf(dir, sizeof dir, "/tmp/cc-fuzz-http-XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp", NULL);
	snprintf(db, sizeof db, "%s/fuzz.db", dir);
	if (sodium_init() < 0)
		die("sodium_init", NULL);
	if (cc_codes_load(&err) || !cc_catalogue_get(&err))
		die("codes", &err);
	if (cc_store_open(&st, db, CC_STORE_CREATE, &err))
		die("store", &err);
	cc_store_exec(st, "PRAGMA synchronous = OFF", NULL);
	code(uscc_a, 500112, 7);
	code(uscc_b, 510104, 8);
	snprintf(sql, sizeof sql,
		 "INSERT INTO enterprises(uscc, name, region, industry, scale) VALUES"
		 "('%s', '重庆模糊测试有限公司', 500112, 'C3670', 'medium'),"
		 "('%s', '成都模糊测试有限公司', 510104, 'C3670', 'small');"
		 "INSERT INTO users(username, password_hash, role, uscc, chains) VALUES"
		 "('fuzzadmin', 'x', 'admin', NULL, NULL),"
		 "('fuzzchief', 'x', 'chief', NULL, 'nev'),"
		 "('fuzzent', 'x', 'enterprise', '%s', NULL);",
		 uscc_a, uscc_b, uscc_a);
	if (cc_store_exec(st, sql, &err))
		die("seed", &err);
	/* "fuzz-pass" with the smallest Argon2id limits: verifying it costs microseconds. */
	if (crypto_pwhash_str(fast_hash, "fuzz-pass", 9, crypto_pwhash_OPSLIMIT_MIN,
			      crypto_pwhash_MEMLIMIT_MIN) != 0)
		die("hash", NULL);
	reset_accounts();
	srv.db_path = db;
	srv.max_body = 64u << 20;
	snprintf(srv.tmpdir, sizeof srv.tmpdir, "%s", dir);
	if (cc_frame_cache_new(&srv.frames, db, CC_FRAME_MONTHLY, &err))
		die("frame cache", &err);
	snprintf(path_ent_a, sizeof path_ent_a, "/api/v1/enterprises/%s", uscc_a);
	snprintf(path_ent_b, sizeof path_ent_b, "/api/v1/enterprises/%s", uscc_b);
	snprintf(path_ind, sizeof path_ind, "/api/v1/enterprises/%s/indicators/2024", uscc_a);
	snprintf(path_ind_month, sizeof path_ind_month, "/api/v1/enterprises/%s/indicators/2024-05",
		 uscc_a);
	atexit(cleanup);
	const char *only = getenv("FUZZ_HTTP_ROUTES");
	for (int i = 0; i < NROUTES; i++)
		enabled[i] = !only;
	for (const char *p = only; p && *p; p++)
		if (*p >= '0' && *p < '0' + NROUTES)
			enabled[*p - '0'] = 1;
	lax = getenv("FUZZ_HTTP_LAX") && strcmp(getenv("FUZZ_HTTP_LAX"), "1") == 0;
}

static void set_user(struct http_req *r, int64_t id, const char *name, int role, const char *uscc)
{
	r->user.id = id;
	snprintf(r->user.username, sizeof r->user.username, "%s", name);
	r->user.role = role;
	snprintf(r->user.uscc, sizeof r->user.uscc, "%s", uscc ? uscc : "");
	snprintf(r->user.csrf, sizeof r->user.csrf, "%s", csrf);
	r->csrf_header = csrf;
}

static void check_response(const struct http_req *r)
{
	if (r->status < 100 || r->status > 599)
		abort();
	if (!r->resp.len || !r->resp.data)
		abort();
	if (lax)
		return;
	json_error_t je;
	json_t *j = json_loadb(r->resp.data, r->resp.len, 0, &je);
	if (!j) {
		fprintf(stderr, "response is not JSON: %.*s\n", (int)r->resp.len, r->resp.data);
		abort();
	}
	if (r->status >= 400) {
		json_t *e = json_object_get(j, "error");
		if (!json_is_string(json_object_get(e, "code")) ||
		    !json_is_string(json_object_get(e, "message")) ||
		    !json_is_string(json_object_get(e, "message_zh"))) {
			fprintf(stderr, "error without the shape (%d): %.*s\n", r->status,
				(int)r->resp.len, r->resp.data);
			abort();
		}
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!st)
		init();
	if (size < 1)
		return 0;
	int route = data[0] % NROUTES;
	if (!enabled[route])
		return 0;
	/* The body, NUL-terminated just past its end (as cc_buf keeps it). */
	char *body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	char client[32];
	counter++;
	/* Alternate a fixed client (reaches the rate limit) with fresh ones (reach the checks). */
	if (counter & 1)
		snprintf(client, sizeof client, "10.0.0.1");
	else
		snprintf(client, sizeof client, "10.%u.%u.%u", (counter >> 16) & 255,
			 (counter >> 8) & 255, counter & 255);

	struct http_req r;
	memset(&r, 0, sizeof r);
	cc_arena_init(&r.arena, 4096);
	cc_buf_init(&r.resp, (size_t)1 << 26);
	r.client = client;
	r.st = st;
	r.srv = &srv;
	r.status = 200;
	r.body = body;
	r.body_len = size - 1;
	r.content_type = "application/json";
	int reset = 0;
	switch (route) {
	case 0: {
		r.method = "POST";
		r.path = "/api/v1/x";
		json_t *j = http_body_json(&r);
		if (j ? !json_is_object(j) : r.status < 400)
			abort();
		if (!j)
			check_response(&r); /* the 400/413 it set */
		json_decref(j);
		break;
	}
	case 1:
		r.method = "POST";
		r.path = "/api/v1/login";
		http_dispatch(&r);
		reset = r.status == 200;
		break;
	case 2:
		r.method = "POST";
		r.path = "/api/v1/users";
		set_user(&r, 1, "fuzzadmin", HTTP_ROLE_ADMIN, NULL);
		http_dispatch(&r);
		reset = r.status == 201;
		break;
	case 3:
		r.method = "PATCH";
		r.path = "/api/v1/users/fuzzchief";
		set_user(&r, 1, "fuzzadmin", HTTP_ROLE_ADMIN, NULL);
		http_dispatch(&r);
		reset = r.status == 200;
		break;
	case 4:
		r.method = "PATCH";
		r.path = path_ent_a;
		set_user(&r, 2, "fuzzanalyst", HTTP_ROLE_ANALYST, NULL);
		http_dispatch(&r);
		break;
	case 5:
		r.method = "PUT";
		r.path = path_ind;
		set_user(&r, 2, "fuzzanalyst", HTTP_ROLE_ANALYST, NULL);
		http_dispatch(&r);
		break;
	case 6:
		r.method = "PUT";
		r.path = path_ind_month;
		set_user(&r, 3, "fuzzent", HTTP_ROLE_ENTERPRISE, uscc_a);
		http_dispatch(&r);
		break;
	case 7:
		r.method = "PATCH";
		r.path = path_ent_b;
		set_user(&r, 3, "fuzzent", HTTP_ROLE_ENTERPRISE, uscc_a);
		http_dispatch(&r);
		if (r.status != 403)
			abort(); /* an enterprise account may never edit another enterprise */
		break;
	}
	if (route != 0)
		check_response(&r);
	cc_buf_release(&r.resp);
	cc_frame_release(r.frame);
	for (int i = 0; i < r.nresp_headers; i++)
		free(r.resp_headers[i]);
	cc_arena_release(&r.arena);
	free(body);
	if (reset)
		reset_accounts();
	return 0;
}
