/*
 * Accounts, sessions and login rate limiting.
 *
 * Passwords: Argon2id through libsodium's crypto_pwhash_str (interactive limits). Sessions: a
 * random 32-byte token in the cookie; the store keeps only its BLAKE2b hash, so a copy of the
 * database does not hand out live sessions. A session expires after SESSION_IDLE seconds
 * without use and SESSION_MAX seconds after login whatever its use; last_seen is written at
 * most once a minute so reads stay reads. The cookie is Secure when the request came over TLS
 * (a proxy in front says so with X-Forwarded-Proto: https).
 *
 * Login: a JSON body only (a cross-site form cannot send one without a CORS preflight, so
 * nobody is logged in to an attacker's account: login CSRF); an unknown user name costs the
 * same Argon2id verification as a known one, so timing does not tell which names exist; the
 * failures of a (client, user name) pair are counted in the database (login_failures), so
 * that the servers of a deployment count them together, and a live window is never evicted.
 * Sessions and their CSRF tokens are rows of `sessions`: any server answers any session.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sodium.h>
#include "base/parse.h"
#include "base/progress.h"
#include "domain/catalogue.h"
#include "domain/uscc.h"
#include "http/handlers.h"
#include "store/dialect.h"

#define SESSION_IDLE   (12 * 3600)
#define SESSION_MAX    (24 * 3600)
#define RATE_WINDOW    300
#define RATE_MAX_FAILS 5
#define RATE_SLOTS     4096 /* live (client, user) windows; beyond, logins wait (never evict) */
/* (CC_LOGIN_WINDOWS sets another bound: tests.) */

int http_hash_password(const char *password, char out[128])
{
	if (sodium_init() < 0)
		return CC_EINVAL;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return CC_ENOMEM;
	return 0;
}

int http_verify_password(const char *hash, const char *password)
{
	if (sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof h);
}

static int role_bit(const char *role)
{
	if (strcmp(role, "admin") == 0)
		return HTTP_ROLE_ADMIN;
	if (strcmp(role, "analyst") == 0)
		return HTTP_ROLE_ANALYST;
	if (strcmp(role, "chief") == 0)
		return HTTP_ROLE_CHIEF;
	if (strcmp(role, "enterprise") == 0)
		return HTTP_ROLE_ENTERPRISE;
	if (strcmp(role, "investor") == 0)
		return HTTP_ROLE_INVESTOR;
	return 0;
}

/*
 * The session cache, where a look-up is a round trip to the database server (PostgreSQL):
 * that round trip was most of the cost of a request the frame answers from memory. A session
 * resolved from the database is kept here for CC_SESSION_CACHE_MS (default 1000, 0: off)
 * milliseconds, in one of SC_SLOTS slots chosen by its hash (a newer session takes the slot;
 * sessions that do not resolve are not kept, so made-up tokens evict nothing). A logout, a
 * password change or a disabled account on this server takes effect here at once (sc_drop,
 * sc_clear); on the other servers of a deployment within that time (docs/DEPLOY.md).
 */
#define SC_SLOTS 4096
struct sc_entry {
	char th[65];
	struct http_user user;
	int64_t last, created;
	double at;    /* cc_now() when read from the database */
	uint64_t gen; /* sc_gen then */
};
static struct sc_entry *sc;
static uint64_t sc_gen = 1;
static pthread_mutex_t sc_lock = PTHREAD_MUTEX_INITIALIZER;

static double sc_ttl(struct cc_store *st)
{
	static long long ms = -1;
	long long v = __atomic_load_n(&ms, __ATOMIC_RELAXED);
	if (v < 0) {
		v = cc_env_int("CC_SESSION_CACHE_MS", 1000, 0, 60000);
		__atomic_store_n(&ms, v, __ATOMIC_RELAXED);
	}
	return cc_store_round_trips(st) ? (double)v / 1000 : 0;
}

static struct sc_entry *sc_slot(const char *th)
{
	unsigned long h = strtoul(
		(char[9]){th[0], th[1], th[2], th[3], th[4], th[5], th[6], th[7], 0}, NULL, 16);
	return &sc[h % SC_SLOTS];
}

/* The cached session TH, younger than TTL, into *U, *LAST, *CREATED: 1, else 0. */
static int sc_get(const char *th, double ttl, struct http_user *u, int64_t *last, int64_t *created)
{
	int hit = 0;
	pthread_mutex_lock(&sc_lock);
	if (sc) {
		struct sc_entry *e = sc_slot(th);
		if (e->gen == sc_gen && cc_now() - e->at < ttl && strcmp(e->th, th) == 0) {
			*u = e->user;
			*last = e->last;
			*created = e->created;
			hit = 1;
		}
	}
	pthread_mutex_unlock(&sc_lock);
	return hit;
}

static void sc_put(const char *th, const struct http_user *u, int64_t last, int64_t created,
		   double at, uint64_t gen)
{
	pthread_mutex_lock(&sc_lock);
	if (!sc)
		sc = calloc(SC_SLOTS, sizeof *sc); /* NULL: nothing is cached */
	if (sc && gen == sc_gen) {		   /* not read before an sc_clear */
		struct sc_entry *e = sc_slot(th);
		snprintf(e->th, sizeof e->th, "%s", th);
		e->user = *u;
		e->last = last;
		e->created = created;
		e->at = at;
		e->gen = gen;
	}
	pthread_mutex_unlock(&sc_lock);
}

/* Forgets session TH (a logout). */
static void sc_drop(const char *th)
{
	pthread_mutex_lock(&sc_lock);
	if (sc && strcmp(sc_slot(th)->th, th) == 0)
		sc_slot(th)->gen = 0;
	pthread_mutex_unlock(&sc_lock);
}

/* Forgets every session (an account changed: its sessions may be gone). */
void http_auth_cache_clear(void)
{
	pthread_mutex_lock(&sc_lock);
	sc_gen++;
	pthread_mutex_unlock(&sc_lock);
}

int http_auth_resolve(struct http_req *req)
{
	char th[65];
	struct cc_stmt *s = NULL;
	struct cc_error err;
	memset(&req->user, 0, sizeof req->user);
	const char *tok = req->cookie_session;
	if (!tok || strlen(tok) != 64)
		return 0;
	token_hash(tok, th);
	time_t now = time(NULL);
	double ttl = sc_ttl(req->st);
	int64_t last = 0, created = 0;
	struct http_user u;
	uint64_t gen = 0;
	double at = 0;
	if (ttl > 0) {
		if (sc_get(th, ttl, &u, &last, &created)) {
			if (now - last <= SESSION_IDLE && now - created <= SESSION_MAX)
				req->user = u;
			return 0; /* last_seen was written, if due, when it was read */
		}
		pthread_mutex_lock(&sc_lock);
		gen = sc_gen;
		pthread_mutex_unlock(&sc_lock);
		at = cc_now();
	}
	static const char sql[] =
		"SELECT u.id, u.username, u.role, u.uscc, u.chains, s.csrf, s.last_seen, s.created, "
		"u.institution_id "
		"FROM sessions s JOIN users u ON u.id = s.user_id "
		"WHERE s.token_hash = ?1 AND u.disabled = 0";
	s = cc_stmt_cached(req->st, sql, &err);
	if (!s)
		return 0;
	cc_stmt_bind_text(s, 1, th, 64);
	if (cc_stmt_step(s, &err) == 1) {
		last = cc_stmt_int64(s, 6);
		created = cc_stmt_int64(s, 7);
		if (now - last <= SESSION_IDLE && now - created <= SESSION_MAX) {
			req->user.id = cc_stmt_int64(s, 0);
			snprintf(req->user.username, sizeof req->user.username, "%s",
				 cc_stmt_text(s, 1));
			req->user.role = role_bit(cc_stmt_text(s, 2));
			snprintf(req->user.uscc, sizeof req->user.uscc, "%s", cc_stmt_text(s, 3));
			snprintf(req->user.chains, sizeof req->user.chains, "%s",
				 cc_stmt_text(s, 4));
			snprintf(req->user.csrf, sizeof req->user.csrf, "%s", cc_stmt_text(s, 5));
			snprintf(req->user.session, sizeof req->user.session, "%s", th);
			req->user.institution_id = cc_stmt_int64(s, 8);
		}
		cc_stmt_reset(s);
		s = NULL;
		if (req->user.id && now - last > 60) {
			char upd[200];
			snprintf(upd, sizeof upd,
				 "UPDATE sessions SET last_seen = %lld WHERE token_hash = '%s'",
				 (long long)now, th);
			if (cc_store_exec(req->st, upd, NULL) == 0)
				last = now;
		}
		if (req->user.id && ttl > 0)
			sc_put(th, &req->user, last, created, at, gen);
	}
	if (s)
		cc_stmt_reset(s);
	return 0;
}

/*
 * Login rate limit: failures per key (client address + user name) within RATE_WINDOW, kept in
 * the table login_failures (migration 30) so that every server of a deployment counts them
 * together (issue 18). The key is stored as its BLAKE2b hash. A live window is never taken
 * from its key, and at most rate_slots() live windows are admitted: when every one is taken
 * (an attack on the table itself) a new key is told to wait for the oldest window to end
 * rather than reset anyone's count. Ended windows are deleted whenever a failure is counted,
 * so the table holds live windows and a few ended ones, never more than the bound grows.
 * Counting a failure is a write transaction (the writers' lock), so two servers counting at
 * once count both.
 */
static int rate_slots(void)
{
	static int slots;
	int n = __atomic_load_n(&slots, __ATOMIC_RELAXED);
	if (!n) {
		n = (int)cc_env_int("CC_LOGIN_WINDOWS", RATE_SLOTS, 16, 1 << 20);
		__atomic_store_n(&slots, n, __ATOMIC_RELAXED);
	}
	return n;
}

/* The live window of KH (first, fails) into *FIRST / *FAILS; returns 1, 0 when none, or a
 * negative CC_E*. */
static int rate_window(struct cc_store *st, const char *kh, time_t now, int64_t *first,
		       int64_t *fails)
{
	static const char sql[] = "SELECT since, fails FROM login_failures WHERE key_hash = ?1";
	struct cc_error err = {0};
	struct cc_stmt *s = cc_stmt_cached(st, sql, &err);
	if (!s)
		return err.code ? err.code : CC_EDB;
	cc_stmt_bind_text(s, 1, kh, 64);
	int rc = cc_stmt_step(s, &err);
	if (rc == 1) {
		*first = cc_stmt_int64(s, 0);
		*fails = cc_stmt_int64(s, 1);
		rc = now - *first <= RATE_WINDOW;
	}
	cc_stmt_reset(s);
	return rc;
}

/* Seconds a new key waits because every admitted window is live (0: there is room), or a
 * negative CC_E*. */
static int rate_full(struct cc_store *st, time_t now)
{
	static const char sql[] =
		"SELECT count(*), min(since) FROM login_failures WHERE since >= ?1";
	struct cc_error err = {0};
	struct cc_stmt *s = cc_stmt_cached(st, sql, &err);
	if (!s)
		return err.code ? err.code : CC_EDB;
	cc_stmt_bind_int64(s, 1, (int64_t)now - RATE_WINDOW);
	int rc = cc_stmt_step(s, &err), wait = 0;
	if (rc == 1 && cc_stmt_int64(s, 0) >= rate_slots())
		wait = (int)(RATE_WINDOW - (now - cc_stmt_int64(s, 1))) + 1;
	cc_stmt_reset(s);
	return rc < 0 ? rc : wait;
}

int http_ratelimit_check(struct cc_store *st, const char *key, int failed)
{
	char kh[65];
	struct cc_error err = {0};
	time_t now = time(NULL);
	int64_t first = 0, fails = 0;
	int wait = 0;
	token_hash(key, kh);
	int rc = failed ? cc_store_begin(st, &err) : 0;
	if (rc)
		return rc;
	int live = rate_window(st, kh, now, &first, &fails);
	if (live < 0) {
		rc = live;
	} else if (!live) {
		wait = rate_full(st, now);
		if (wait < 0)
			rc = wait;
	} else if (!failed && fails >= RATE_MAX_FAILS) {
		wait = (int)(RATE_WINDOW - (now - first));
	}
	if (rc == 0 && failed && wait == 0) {
		/* Ended windows go (this key's among them), then the failure is counted. */
		static const char prune[] = "DELETE FROM login_failures WHERE since < ?1";
		static const char count[] =
			"INSERT INTO login_failures(key_hash, since, fails) VALUES(?1, ?2, 1) "
			"ON CONFLICT(key_hash) DO UPDATE SET fails = login_failures.fails + 1";
		struct cc_stmt *s = cc_stmt_cached(st, prune, &err);
		if (!s)
			rc = CC_EDB;
		if (rc == 0) {
			cc_stmt_bind_int64(s, 1, (int64_t)now - RATE_WINDOW);
			rc = cc_stmt_step(s, &err) < 0 ? CC_EDB : 0;
			cc_stmt_reset(s);
		}
		if (rc == 0 && !(s = cc_stmt_cached(st, count, &err)))
			rc = CC_EDB;
		if (rc == 0) {
			cc_stmt_bind_text(s, 1, kh, 64);
			cc_stmt_bind_int64(s, 2, (int64_t)now);
			rc = cc_stmt_step(s, &err) < 0 ? CC_EDB : 0;
			cc_stmt_reset(s);
		}
	}
	if (failed) {
		if (rc == 0)
			rc = cc_store_commit(st, &err);
		else
			cc_store_rollback(st);
	}
	if (rc)
		return cc_store_busy(st) ? CC_EBUSY : rc;
	return wait > 0 ? wait : 0;
}

static json_t *user_json(const struct http_user *u)
{
	static const char *const names[] = {"", "admin", "analyst", "",		 "chief",
					    "", "",	 "",	    "enterprise"};
	json_t *chains = json_array();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", u->chains);
	for (char *p = buf; *p;) {
		char *c = strchr(p, ',');
		if (c)
			*c = '\0';
		if (*p)
			json_array_append_new(chains, json_string(p));
		if (!c)
			break;
		p = c + 1;
	}
	json_t *j = json_pack("{s:s, s:s, s:s?, s:o}", "username", u->username, "role",
			      u->role == HTTP_ROLE_INVESTOR ? "investor"
			      : u->role <= 8		    ? names[u->role]
							    : "",
			      "uscc", u->uscc[0] ? u->uscc : NULL, "chains", chains);
	if (u->institution_id)
		json_object_set_new(j, "institution", json_integer(u->institution_id));
	return j;
}

/*
 * A hash of a random password, verified when the user name is unknown so that a login costs
 * the same Argon2id work whether the name exists or not. Made once, on first use.
 */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[128];

static void make_dummy(void)
{
	unsigned char raw[16];
	char pw[33];
	if (sodium_init() < 0)
		return;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (http_hash_password(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

/* Returns 1 when the request arrived over TLS: a proxy in front says so. */
static int over_tls(const struct http_req *req)
{
	return req->forwarded_proto && strcasecmp(req->forwarded_proto, "https") == 0;
}

int h_login(struct http_req *req)
{
	int rc;
	if (!req->content_type || strncasecmp(req->content_type, "application/json", 16) != 0)
		return http_error(req, 415, "unsupported_media_type", NULL,
				  "登录请求应为 JSON（Content-Type: application/json）",
				  "log in with a JSON body (Content-Type: application/json)");
	json_t *body = http_body_json(req);
	if (!body)
		return req->status;
	const char *user = json_string_value(json_object_get(body, "username"));
	const char *pass = json_string_value(json_object_get(body, "password"));
	if (!user || !*user) {
		int st_ = http_error(req, 400, "invalid", "username", "请输入用户名",
				     "username is required");
		json_decref(body);
		return st_;
	}
	if (!pass) {
		int st_ = http_error(req, 400, "invalid", "password", "请输入密码",
				     "password is required");
		json_decref(body);
		return st_;
	}
	char key[160];
	snprintf(key, sizeof key, "%s|%.64s", req->client, user);
	int wait = http_ratelimit_check(req->st, key, 0);
	if (wait < 0) {
		json_decref(body);
		return http_error_from(req, wait, NULL, NULL, NULL);
	}
	if (wait) {
		char secs[16];
		snprintf(secs, sizeof secs, "%d", wait);
		http_header(req, "Retry-After", secs);
		int st_ = http_error(req, 429, "rate_limited", NULL, "登录失败次数过多，请稍后再试",
				     "too many failed logins; try again in %d seconds", wait);
		json_decref(body);
		return st_;
	}
	struct cc_stmt *s = NULL;
	struct cc_error err;
	rc = cc_stmt_prepare(
		req->st, &s,
		"SELECT id, password_hash, role, uscc, chains, institution_id FROM users WHERE "
		"username = ?1 AND disabled = 0",
		&err);
	if (rc) {
		int st_ = http_error(req, 500, "internal", NULL, "数据库错误", "%s", err.msg);
		json_decref(body);
		return st_;
	}
	cc_stmt_bind_text(s, 1, user, strlen(user));
	int ok = 0;
	struct http_user u = {0};
	pthread_once(&dummy_once, make_dummy);
	int found = cc_stmt_step(s, &err) == 1;
	if (!found && dummy_hash[0])
		http_verify_password(dummy_hash, pass); /* the same work for an unknown name */
	if (found && http_verify_password(cc_stmt_text(s, 1), pass)) {
		ok = 1;
		u.id = cc_stmt_int64(s, 0);
		snprintf(u.username, sizeof u.username, "%s", user);
		u.role = role_bit(cc_stmt_text(s, 2));
		snprintf(u.uscc, sizeof u.uscc, "%s", cc_stmt_text(s, 3));
		snprintf(u.chains, sizeof u.chains, "%s", cc_stmt_text(s, 4));
		u.institution_id = cc_stmt_int64(s, 5);
	}
	cc_stmt_free(s);
	json_decref(body);
	if (!ok) {
		int counted = http_ratelimit_check(req->st, key, 1);
		if (counted < 0)
			return http_error_from(req, counted, NULL, NULL, NULL);
		return http_error(req, 401, "unauthorized", NULL, "用户名或密码错误",
				  "wrong user name or password");
	}
	unsigned char raw[32], csrf_raw[32];
	char token[65], th[65];
	randombytes_buf(raw, sizeof raw);
	randombytes_buf(csrf_raw, sizeof csrf_raw);
	sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	sodium_bin2hex(u.csrf, sizeof u.csrf, csrf_raw, sizeof csrf_raw);
	token_hash(token, th);
	rc = cc_stmt_prepare(req->st, &s,
			     "INSERT INTO sessions(token_hash, user_id, csrf, created, last_seen) "
			     "VALUES(?1, ?2, ?3, ?4, ?4)",
			     &err);
	if (rc == 0) {
		cc_stmt_bind_text(s, 1, th, 64);
		cc_stmt_bind_int64(s, 2, u.id);
		cc_stmt_bind_text(s, 3, u.csrf, 64);
		cc_stmt_bind_int64(s, 4, (int64_t)time(NULL));
		rc = cc_stmt_step(s, &err) < 0 ? CC_EDB : 0;
		cc_stmt_free(s);
	}
	if (rc)
		return http_error(req, 500, "internal", NULL, "无法创建会话",
				  "cannot create session");
	/* Old sessions of this user beyond the idle limit go now. */
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM sessions WHERE last_seen < %lld",
		 (long long)time(NULL) - SESSION_IDLE);
	cc_store_exec(req->st, sql, NULL);
	char cookie[220];
	snprintf(cookie, sizeof cookie,
		 "cc_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
		 SESSION_MAX, over_tls(req) ? "; Secure" : "");
	http_header(req, "Set-Cookie", cookie);
	req->user = u;
	/* BODY (and USER, which points into it) is gone by now: audit the copied name. */
	http_audit(req, "login", u.username, NULL, NULL);
	return http_json(req, 200, json_pack("{s:o, s:s}", "user", user_json(&u), "csrf", u.csrf));
}

int h_logout(struct http_req *req)
{
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM sessions WHERE token_hash = '%s'",
		 req->user.session);
	cc_store_exec(req->st, sql, NULL);
	sc_drop(req->user.session);
	http_header(req, "Set-Cookie",
		    over_tls(req)
			    ? "cc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
			    : "cc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_audit(req, "logout", req->user.username, NULL, NULL);
	return http_json(req, 200, json_pack("{s:b}", "ok", 1));
}

int h_session(struct http_req *req)
{
	if (!req->user.id)
		return http_error(req, 401, "unauthorized", NULL, "未登录", "not logged in");
	return http_json(
		req, 200,
		json_pack("{s:o, s:s}", "user", user_json(&req->user), "csrf", req->user.csrf));
}

int http_password_check(const char *username, const char *password, struct cc_error *err)
{
	/* A short list of the passwords most tried against Chinese sites and in general
	 * (leaked-password rankings); the length and class rules catch the rest of that kind. */
	static const char *const common[] = {
		"1234567890",  "12345678910",  "0123456789", "1qaz2wsx3edc", "qwertyuiop",
		"password123", "password1234", "1q2w3e4r5t", "abc1234567",   "a123456789",
		"woaini1314",  "5201314520",   "qwer123456", "admin12345",   "admin123456",
	};
	size_t n = password ? strlen(password) : 0;
	if (n < 10)
		return cc_error_set(err, CC_EINVAL, "password must have at least 10 characters");
	if (n > 128)
		return cc_error_set(err, CC_EINVAL, "password must have at most 128 characters");
	int letters = 0, digits = 0, others = 0, same = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)password[i];
		if (c < ' ' || c == 0x7f)
			return cc_error_set(err, CC_EINVAL,
					    "password may not hold control characters");
		letters |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
		digits |= c >= '0' && c <= '9';
		others |= c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					(c >= '0' && c <= '9'));
		same &= password[i] == password[0];
	}
	if (letters + digits + others < 2 || same)
		return cc_error_set(
			err, CC_EINVAL,
			"password must mix at least two of letters, digits and symbols");
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(password, common[i]) == 0)
			return cc_error_set(err, CC_EINVAL, "password is too common");
	size_t un = username ? strlen(username) : 0;
	for (size_t i = 0; un && i + un <= n; i++)
		if (strncasecmp(password + i, username, un) == 0)
			return cc_error_set(err, CC_EINVAL,
					    "password may not contain the user name");
	return 0;
}

int http_user_create(struct cc_store *st, const char *username, const char *password,
		     const char *role, const char *uscc, const char *chains, int64_t institution,
		     struct cc_error *err)
{
	char hash[128], canon[19] = "";
	struct cc_stmt *s = NULL;
	int rc;
	if (!username || !*username || strlen(username) > 60)
		return cc_error_set(err, CC_EINVAL, "user name must have 1 to 60 characters");
	for (const char *p = username; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '/' || *p == '"' || *p == '\'')
			return cc_error_set(err, CC_EINVAL,
					    "user name may not hold spaces, quotes or slashes");
	if (http_password_check(username, password, err))
		return CC_EINVAL;
	if (!role_bit(role ? role : ""))
		return cc_error_set(
			err, CC_EINVAL,
			"role must be admin, analyst, chief, enterprise or investor, not '%s'",
			role ? role : "");
	if (strcmp(role, "investor") == 0) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM institutions WHERE id = %lld",
			 (long long)institution);
		if (institution <= 0)
			return cc_error_set(err, CC_EINVAL,
					    "an investor account needs --institution (an id)");
		if (cc_store_int(st, sql, 0) != 1)
			return cc_error_set(err, CC_EINVAL, "no institution with id %lld",
					    (long long)institution);
	} else {
		institution = 0;
	}
	if (strcmp(role, "enterprise") == 0) {
		if (!uscc || !*uscc)
			return cc_error_set(err, CC_EINVAL, "an enterprise account needs --uscc");
		struct cc_error e;
		if (cc_uscc_validate(uscc, strlen(uscc), canon, NULL, &e))
			return cc_error_set(err, CC_EINVAL, "'%s' is not a credit code: %s", uscc,
					    e.msg);
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM enterprises WHERE uscc = '%.18s'",
			 canon);
		if (cc_store_int(st, sql, 0) != 1)
			return cc_error_set(err, CC_EINVAL, "no enterprise with credit code %s",
					    canon);
	}
	if (chains && *chains) {
		const struct cc_catalogue *cat = cc_catalogue_get(err);
		char copy[512];
		snprintf(copy, sizeof copy, "%s", chains);
		for (char *p = copy; cat && *p;) {
			char *c = strchr(p, ',');
			if (c)
				*c = '\0';
			if (*p && !cc_chain_find(cat, p))
				return cc_error_set(err, CC_EINVAL, "unknown chain '%s'", p);
			if (!c)
				break;
			p = c + 1;
		}
	}
	rc = http_hash_password(password, hash);
	if (rc)
		return cc_error_set(err, rc, "cannot hash the password");
	rc = cc_stmt_prepare(st, &s,
			     "INSERT INTO users(username, password_hash, role, uscc, chains, "
			     "institution_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
			     err);
	if (rc)
		return rc;
	cc_stmt_bind_text(s, 1, username, strlen(username));
	cc_stmt_bind_text(s, 2, hash, strlen(hash));
	cc_stmt_bind_text(s, 3, role, strlen(role));
	if (canon[0])
		cc_stmt_bind_text(s, 4, canon, strlen(canon));
	if (chains && *chains)
		cc_stmt_bind_text(s, 5, chains, strlen(chains));
	if (institution > 0)
		cc_stmt_bind_int64(s, 6, institution);
	rc = cc_stmt_step(s, err);
	cc_stmt_free(s);
	if (rc == CC_EINVAL)
		return cc_error_set(err, CC_EEXIST, "user '%s' exists", username);
	return rc < 0 ? rc : 0;
}

int http_user_update(struct cc_store *st, const char *username, const char *password, int disabled,
		     struct cc_error *err)
{
	struct cc_stmt *s = NULL;
	char hash[128];
	int rc = 0;
	if (password) {
		if (http_password_check(username, password, err))
			return CC_EINVAL;
		if (http_hash_password(password, hash))
			return cc_error_set(err, CC_ENOMEM, "cannot hash the password");
	}
	rc = cc_stmt_prepare(st, &s,
			     "UPDATE users SET password_hash = coalesce(?2, password_hash), "
			     "disabled = coalesce(?3, disabled) WHERE username = ?1",
			     err);
	if (rc)
		return rc;
	cc_stmt_bind_text(s, 1, username, strlen(username));
	if (password)
		cc_stmt_bind_text(s, 2, hash, strlen(hash));
	if (disabled >= 0)
		cc_stmt_bind_int64(s, 3, disabled);
	rc = cc_stmt_step(s, err);
	cc_stmt_free(s);
	if (rc < 0)
		return rc;
	if (cc_store_changes(st) == 0)
		return cc_error_set(err, CC_ENOTFOUND, "no user '%s'", username);
	if (disabled == 1 || password) {
		/* A disabled account or a new password ends the account's sessions. */
		struct cc_stmt *d = NULL;
		if (cc_stmt_prepare(
			    st, &d,
			    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE "
			    "username = ?1)",
			    err) == 0) {
			cc_stmt_bind_text(d, 1, username, strlen(username));
			cc_stmt_step(d, err);
			cc_stmt_free(d);
		}
		http_auth_cache_clear();
	}
	return 0;
}
