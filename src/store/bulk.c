/*
 * Bulk load (store.h, cc_store_bulk_*; issue 18, item 3): the rows a module validated,
 * written through one row statement. On SQLite the statement is stepped per row, as the
 * importer always did (an in-process step costs about a microsecond). On PostgreSQL a step is
 * a round trip to the server (~40 µs), so the rows are copied into a temporary staging table
 * and the row statement is run once over the whole table at the end.
 *
 * The copy: COPY FROM STDIN in binary format, each value converted here to its column's type
 * (a value the type cannot hold is refused with its row, naming it), so that no number is
 * printed by us and parsed again by the server; the text format where a column is of a type
 * not written here. The rows go in pieces of BULK_CHUNK while the caller makes the next ones,
 * the COPY left open between them so that the server stores rows meanwhile; another statement
 * the caller runs between rows ends it, and the next piece starts a new one.
 *
 * The merge: the statement's `VALUES(...)` becomes a `SELECT ... FROM` the staging table, its
 * ON CONFLICT clause is kept as written, and the statement for changed rows joins the rows
 * the upsert RETURNed.
 *
 * Same outcome as row by row: the staging table's scan gives the rows in the order they were
 * copied (a temporary table no other session can scan, so no synchronized scan starts it
 * midway), and where an `id` is numbered (ROWID_IDS) or the turns below read a sorted table,
 * an ORDER BY on the row number says it. PostgreSQL refuses an ON CONFLICT DO UPDATE that
 * meets the same key twice in one statement (SQLSTATE 21000); the first attempt runs under a
 * savepoint, and when it meets one the rows are applied in turns instead: every key's first
 * occurrence, then every second occurrence, and so on, each turn one statement, which is what
 * the per-row statements in file order do.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "base/buf.h"
#include "base/parse.h"
#include "store/store.h"
#include "store/store_impl.h"

#define BULK_MAXV  64
#define BULK_CHUNK (256u << 10) /* bytes of COPY text sent at once */

struct span {
	const char *p;
	size_t n;
};

/* An `INSERT INTO table(columns) VALUES(expressions) rest` statement, cut into its parts. */
struct ins {
	struct span table, rest;
	struct span col[BULK_MAXV], val[BULK_MAXV];
	int ncols;
	int key[8]; /* the conflict target's columns (indexes into col), if any */
	int nkeys;
	int update; /* ON CONFLICT ... DO UPDATE (a key met twice fails on PostgreSQL) */
};

struct cc_bulk {
	struct cc_store *st;
	int nv;
	char types[BULK_MAXV + 1];
	int rowid_ids;
	void (*refused)(void *ctx, int64_t row, const char *msg);
	void *ctx;
	int64_t changed, rows;
	/* The statements cut into their parts (checked on both backends; PostgreSQL's merge is
	 * made of them) */
	struct ins up, ch;
	int has_ch;
	char *upsert_sql, *changed_sql; /* owned copies the spans point into */
	/* SQLite */
	struct cc_stmt *upsert, *plain, *on_change;
	int np_upsert, np_plain, np_change;
	/* PostgreSQL */
	struct cc_buf data;
	int staged;	      /* the staging table exists */
	int binary;	      /* the rows go in binary format, each value as kind[k] says */
	char kind[BULK_MAXV]; /* the staging column's type: 'l' int8, 'i' int4, 's' int2, 'd'
				 float8, 'f' float4, 't' text */
	int64_t first_min;    /* rows from which pg_first_load is tried (CC_BULK_FIRST_ROWS) */
	int first_loaded;     /* 1: pg_first_load wrote the rows; 2: the direct load did */
	int64_t stage_rows;   /* rows in the staging table not merged yet */
	char *add[2];	      /* the first-load path's keys to add again, per target */
	/* The direct load (pg_direct): rows copied straight into UPSERT's table */
	int direct_ok; /* may still be tried: binary, bare values, no key seen twice, not tried */
	int direct_refused; /* a constraint refused a row the direct load copied
			       (cc_store_bulk_retry) */
	int direct;
	int64_t direct_rows;
	int upar[BULK_MAXV]; /* UPSERT's column c is fed by value upar[c] (0-based) */
	int side[BULK_MAXV]; /* the values CHANGED reads, kept in cc_bulk_side */
	int nside;
	char *direct_sql, *side_sql;
	struct cc_buf side_data;
	/* The conflict keys seen (key_seen): while ascending, their hashes in a list and the
	 * last key's bytes; after, a hash set (open addressing, 0 = empty) */
	int kunsorted;
	uint64_t *seq;
	size_t nseq, capseq;
	struct cc_buf klast;
	uint64_t *keys;
	size_t nkeys, capkeys;
};

static int is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Past the quoted string or identifier at P (its opening quote). */
static const char *skip_quoted(const char *p)
{
	char q = *p++;
	while (*p && !(*p == q && p[1] != q))
		p += (*p == q) ? 2 : 1;
	return *p ? p + 1 : p;
}

/*
 * Splits the parenthesised list at P ('(') at its top-level commas into OUT (at most MAX
 * items, spaces trimmed); returns the character after the closing ')', or NULL.
 */
static const char *split_list(const char *p, struct span *out, int max, int *n)
{
	if (*p != '(')
		return NULL;
	p++;
	*n = 0;
	const char *start = p;
	int depth = 0;
	for (;;) {
		if (!*p)
			return NULL;
		if (*p == '\'' || *p == '"') {
			p = skip_quoted(p);
			continue;
		}
		if (*p == '(')
			depth++;
		if ((*p == ',' || *p == ')') && depth == 0) {
			if (*n >= max)
				return NULL;
			const char *a = skip_space(start), *b = p;
			while (b > a && (b[-1] == ' ' || b[-1] == '\n' || b[-1] == '\t'))
				b--;
			out[*n].p = a;
			out[*n].n = (size_t)(b - a);
			(*n)++;
			if (*p == ')')
				return p + 1;
			start = p + 1;
		} else if (*p == ')') {
			depth--;
		}
		p++;
	}
}

static int span_is(struct span s, const char *w)
{
	return s.n == strlen(w) && strncmp(s.p, w, s.n) == 0;
}

/* Cuts SQL into IN; returns 0 or CC_EINVAL (ERR says what is wrong). */
static int parse_insert(const char *sql, struct ins *in, struct cc_error *err)
{
	memset(in, 0, sizeof *in);
	const char *p = skip_space(sql);
	int nv = 0;
	if (strncmp(p, "INSERT INTO ", 12) != 0)
		goto bad;
	p = skip_space(p + 12);
	in->table.p = p;
	while (is_word(*p))
		p++;
	in->table.n = (size_t)(p - in->table.p);
	p = split_list(skip_space(p), in->col, BULK_MAXV, &in->ncols);
	if (!p || !in->table.n)
		goto bad;
	p = skip_space(p);
	if (strncmp(p, "VALUES", 6) != 0)
		goto bad;
	p = split_list(skip_space(p + 6), in->val, BULK_MAXV, &nv);
	if (!p || nv != in->ncols)
		goto bad;
	in->rest.p = p;
	in->rest.n = strlen(p);
	for (const char *q = p; *q; q++) {
		if (*q == '\'' || *q == '"') {
			q = skip_quoted(q) - 1;
			continue;
		}
		if (*q == '?')
			return cc_error_set(err, CC_EINVAL,
					    "bulk statement has a parameter after VALUES: %s", sql);
	}
	p = skip_space(p);
	if (strncmp(p, "ON CONFLICT", 11) == 0) {
		p = skip_space(p + 11);
		struct span k[8];
		int nk = 0;
		if (*p == '(') {
			p = split_list(p, k, 8, &nk);
			if (!p)
				goto bad;
		}
		for (int i = 0; i < nk; i++) {
			int found = -1;
			for (int c = 0; c < in->ncols && found < 0; c++)
				if (in->col[c].n == k[i].n &&
				    strncmp(in->col[c].p, k[i].p, k[i].n) == 0)
					found = c;
			if (found < 0)
				return cc_error_set(err, CC_EINVAL,
						    "bulk statement's conflict key '%.*s' is not "
						    "among its columns: %s",
						    (int)k[i].n, k[i].p, sql);
			in->key[in->nkeys++] = found;
		}
		in->update = strstr(p, "DO UPDATE") != NULL;
	} else if (*p) {
		goto bad;
	}
	return 0;
bad:
	return cc_error_set(err, CC_EINVAL,
			    "bulk statement is not INSERT INTO t(columns) VALUES(...) [ON CONFLICT "
			    "...]: %s",
			    sql);
}

/* Appends expression E with each ?N written as ALIAS.cN. */
/* The end of the token of expression text at P (before END): a quoted string or name, a
 * parameter ?N (*K = N), or one character (*K = 0 unless a parameter). */
static const char *token(const char *p, const char *end, int *k)
{
	*k = 0;
	if (*p == '\'' || *p == '"') {
		const char *q = skip_quoted(p);
		return q > end ? end : q;
	}
	if (*p == '?' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			*k = *k * 10 + (*p - '0');
		return p;
	}
	return p + 1;
}

static void subst(struct cc_buf *out, struct span e, const char *alias)
{
	const char *end = e.p + e.n;
	for (const char *p = e.p, *q; p < end; p = q) {
		int k;
		q = token(p, end, &k);
		if (k)
			cc_buf_printf(out, "%s.c%d", alias, k);
		else
			cc_buf_append(out, p, (size_t)(q - p));
	}
}

/* Appends IN's column list: col,col,... */
static void put_cols(struct cc_buf *q, const struct ins *in)
{
	for (int c = 0; c < in->ncols; c++)
		cc_buf_printf(q, "%s%.*s", c ? "," : "", (int)in->col[c].n, in->col[c].p);
}

/* Appends IN as `INSERT INTO t(columns) SELECT values FROM SRC s`, its values read from S. */
static void insert_select(struct cc_buf *q, const struct ins *in, const char *src)
{
	cc_buf_printf(q, "INSERT INTO %.*s(", (int)in->table.n, in->table.p);
	put_cols(q, in);
	cc_buf_puts(q, ") SELECT ");
	for (int c = 0; c < in->ncols; c++) {
		if (c)
			cc_buf_putc(q, ',');
		subst(q, in->val[c], "s");
	}
	cc_buf_printf(q, " FROM %s s", src);
}

/* The parameter number when E is a bare ?N, else 0. */
static int bare_param(struct span e)
{
	if (e.n < 2 || e.p[0] != '?')
		return 0;
	int v = 0;
	for (size_t i = 1; i < e.n; i++) {
		if (e.p[i] < '0' || e.p[i] > '9')
			return 0;
		v = v * 10 + (e.p[i] - '0');
	}
	return v;
}

/* ---- SQLite: the row statements, stepped per row ---- */

static int lite_prepare(struct cc_bulk *b, const char *sql, struct cc_stmt **s, int *np,
			struct cc_error *err)
{
	if (!sql)
		return 0;
	int rc = cc_stmt_prepare(b->st, s, sql, err);
	if (rc == 0)
		*np = sqlite3_bind_parameter_count((*s)->s);
	return rc;
}

static void lite_bind(struct cc_stmt *s, int np, const struct cc_val *v, int n)
{
	cc_stmt_reset(s);
	for (int k = 0; k < n && k < np; k++) {
		switch (v[k].type) {
		case CC_VAL_INT: cc_stmt_bind_int64(s, k + 1, v[k].i); break;
		case CC_VAL_REAL: cc_stmt_bind_double(s, k + 1, v[k].d); break;
		case CC_VAL_TEXT: cc_stmt_bind_text_static(s, k + 1, v[k].s, v[k].n); break;
		default: break; /* the reset left it NULL */
		}
	}
}

static int lite_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err)
{
	int s = CC_EINVAL;
	int64_t before = cc_store_total_changes(b->st);
	if (b->plain) {
		lite_bind(b->plain, b->np_plain, v, n);
		s = cc_stmt_step(b->plain, err);
		cc_stmt_reset(b->plain);
	}
	if (s == CC_EINVAL) { /* no plain INSERT, or the row's key exists: the upsert */
		lite_bind(b->upsert, b->np_upsert, v, n);
		s = cc_stmt_step(b->upsert, err);
		cc_stmt_reset(b->upsert);
	}
	if (s < 0)
		return s;
	/* Changed: a row written by the statement, or by the INSTEAD OF trigger of the view it
	 * inserts into (energy_rows), which cc_store_changes does not count; the other triggers
	 * write only after a row of the statement changed. */
	if (cc_store_changes(b->st) <= 0 && cc_store_total_changes(b->st) == before)
		return 0;
	b->changed++;
	if (!b->on_change)
		return 0;
	lite_bind(b->on_change, b->np_change, v, n);
	s = cc_stmt_step(b->on_change, err);
	cc_stmt_reset(b->on_change);
	return s < 0 ? (s == CC_EINVAL ? CC_EDB : s) : 0;
}

/* ---- PostgreSQL: COPY into the staging table, one merge at the end ---- */

/* Creates the staging table: n (the row's number), then c1..cN typed as the target column a
 * bare ?K feeds, else by TYPES. */
static int pg_stage(struct cc_bulk *b, struct cc_error *err)
{
	struct cc_buf q = CC_BUF_INIT(1 << 16);
	cc_buf_puts(&q, "CREATE TEMP TABLE cc_bulk_stage ON COMMIT DROP AS SELECT 0::bigint AS n");
	for (int k = 1; k <= b->nv; k++) {
		int col = -1;
		for (int c = 0; c < b->up.ncols && col < 0; c++)
			if (bare_param(b->up.val[c]) == k)
				col = c;
		if (col >= 0) {
			cc_buf_printf(&q, ", t.%.*s AS c%d", (int)b->up.col[col].n,
				      b->up.col[col].p, k);
		} else {
			char t = b->types[k - 1];
			cc_buf_printf(&q, ", NULL::%s AS c%d",
				      t == 'i'	 ? "bigint"
				      : t == 'd' ? "float8"
						 : "text",
				      k);
		}
	}
	cc_buf_printf(&q, " FROM %.*s t WITH NO DATA", (int)b->up.table.n, b->up.table.p);
	int rc = q.failed ? cc_error_set(err, CC_ENOMEM, "out of memory")
			  : cc_store_exec(b->st, cc_buf_str(&q), err);
	cc_buf_release(&q);
	if (rc)
		return rc;
	b->staged = 1;
	/* Binary COPY when every column is of a type written here (the schema's tables have
	 * bigint, double precision and text): no number printed by us and parsed by the server.
	 * Else (a type added later) the text form, as with CC_BULK_TEXT=1 in the environment
	 * (tests; a PostgreSQL derivative that refuses binary COPY: docs/DEPLOY.md). */
	struct cc_stmt *s = NULL;
	int k = 0, ok = 1;
	rc = cc_stmt_prepare(b->st, &s,
			     "SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = "
			     "'cc_bulk_stage'::regclass AND attnum > 1 AND NOT attisdropped ORDER "
			     "BY attnum",
			     err);
	while (rc == 0 && (rc = cc_stmt_step(s, err)) == 1) {
		const char *t = cc_stmt_text(s, 0);
		char c = !strcmp(t, "bigint")		  ? 'l'
			 : !strcmp(t, "integer")	  ? 'i'
			 : !strcmp(t, "smallint")	  ? 's'
			 : !strcmp(t, "double precision") ? 'd'
			 : !strcmp(t, "real")		  ? 'f'
			 : !strcmp(t, "text")		  ? 't'
							  : 0;
		if (!c || k >= b->nv)
			ok = 0;
		else
			b->kind[k++] = c;
		rc = 0;
	}
	cc_stmt_free(s);
	b->binary = rc == 0 && ok && k == b->nv && !getenv("CC_BULK_TEXT");
	return rc;
}

static void copy_text(struct cc_buf *d, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '\\' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r')
			j++;
		cc_buf_append(d, s + i, j - i);
		if (j == n)
			break;
		cc_buf_puts(d, s[j] == '\\'   ? "\\\\"
			       : s[j] == '\t' ? "\\t"
			       : s[j] == '\n' ? "\\n"
					      : "\\r");
		i = j + 1;
	}
}

/* Appends V in decimal (printf costs more than the rest of a row's formatting). */
static void copy_int(struct cc_buf *d, int64_t v)
{
	char t[24];
	int k = sizeof t;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		t[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--k] = '-';
	cc_buf_append(d, t + k, sizeof t - (size_t)k);
}

static int pg_flush(struct cc_bulk *b, struct cc_error *err)
{
	if (!b->data.len)
		return 0;
	if (b->data.failed)
		return cc_error_set(err, CC_ENOMEM, "out of memory staging rows");
	int rc = cc_pg_copy_put(b->st,
				b->binary ? "COPY cc_bulk_stage FROM STDIN (FORMAT binary)"
					  : "COPY cc_bulk_stage FROM STDIN",
				b->binary, b->data.data, b->data.len, err);
	cc_buf_reset(&b->data);
	return rc;
}

/* Binary format: big-endian integers of 2, 4 or 8 bytes. */
static void be(struct cc_buf *d, uint64_t v, int bytes)
{
	unsigned char t[8];
	for (int i = 0; i < bytes; i++)
		t[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	cc_buf_append(d, t, (size_t)bytes);
}

/* Text as float8in reads it (strtod's forms, spaces around); 0 or -1. */
static int parse_float(const char *s, size_t n, double *x)
{
	char t[64], *end;
	if (n >= sizeof t)
		return -1;
	memcpy(t, s, n);
	t[n] = '\0';
	*x = strtod(t, &end);
	while (end > t && (*end == ' ' || *end == '\t'))
		end++;
	return end == t || *end ? -1 : 0;
}

/* Value V as column K's binary field (length, bytes), converted as the text COPY's input
 * function would read the value's text; a value that one would refuse is refused here, naming
 * it (CC_EINVAL: the caller rejects the row). */
static int bin_value(struct cc_bulk *b, struct cc_buf *d, int k, const struct cc_val *v,
		     struct cc_error *err)
{
	char num[40];
	long long l = 0;
	double x = 0;
	switch (b->kind[k]) {
	case 'l':
	case 'i':
	case 's':
		if (v->type == CC_VAL_INT)
			l = v->i;
		else if (v->type == CC_VAL_REAL && v->d == v->d && v->d >= -0x1p63 &&
			 v->d < 0x1p63 && (double)(long long)v->d == v->d)
			l = (long long)v->d;
		else if (v->type != CC_VAL_TEXT || cc_parse_int64(v->s, v->n, &l))
			goto bad;
		if (b->kind[k] == 's') {
			if (l < INT16_MIN || l > INT16_MAX)
				goto bad;
			be(d, 2, 4);
			be(d, (uint16_t)(int16_t)l, 2);
		} else if (b->kind[k] == 'i') {
			if (l < INT32_MIN || l > INT32_MAX)
				goto bad;
			be(d, 4, 4);
			be(d, (uint32_t)(int32_t)l, 4);
		} else {
			be(d, 8, 4);
			be(d, (uint64_t)l, 8);
		}
		return 0;
	case 'd':
	case 'f': {
		if (v->type == CC_VAL_REAL)
			x = v->d;
		else if (v->type == CC_VAL_INT)
			x = (double)v->i;
		else if (v->type != CC_VAL_TEXT || parse_float(v->s, v->n, &x))
			goto bad;
		if (x == 0)
			x = 0; /* -0 stored as 0, as the text form and SQLite store it */
		if (b->kind[k] == 'f') {
			float f = (float)x;
			uint32_t u;
			if (isfinite(x) && !isfinite(f))
				goto bad;
			memcpy(&u, &f, sizeof u);
			be(d, 4, 4);
			be(d, u, 4);
			return 0;
		}
		uint64_t u;
		memcpy(&u, &x, sizeof u);
		be(d, 8, 4);
		be(d, u, 8);
		return 0;
	}
	default:
		if (v->type == CC_VAL_TEXT) {
			if (v->n > INT32_MAX)
				goto bad;
			be(d, v->n, 4);
			cc_buf_append(d, v->s, v->n);
			return 0;
		}
		if (v->type == CC_VAL_INT)
			snprintf(num, sizeof num, "%lld", (long long)v->i);
		else
			cc_num_format(v->d, CC_NUM_EXACT, num, sizeof num);
		be(d, strlen(num), 4);
		cc_buf_puts(d, num);
		return 0;
	}
bad:
	if (v->type == CC_VAL_TEXT)
		return cc_error_set(err, CC_EINVAL, "value %d ('%.*s') is not %s", k + 1,
				    v->n > 40 ? 40 : (int)v->n, v->s,
				    b->kind[k] == 'd' || b->kind[k] == 'f' ? "a number"
									   : "an integer in range");
	if (v->type == CC_VAL_REAL)
		cc_num_format(v->d, CC_NUM_EXACT, num, sizeof num);
	else
		snprintf(num, sizeof num, "%lld", (long long)v->i);
	return cc_error_set(err, CC_EINVAL, "value %d (%s) is not %s", k + 1, num,
			    b->kind[k] == 'f' ? "in the range of a real" : "an integer in range");
}

/* Value K of the row's N (NULL past them) as a binary field of D. */
static int bin_field(struct cc_bulk *b, struct cc_buf *d, int k, const struct cc_val *v, int n,
		     struct cc_error *err)
{
	if (k >= n || v[k].type == CC_VAL_NULL) {
		be(d, UINT32_MAX, 4); /* -1: NULL */
		return 0;
	}
	return bin_value(b, d, k, &v[k], err);
}

/* The hash of the row's conflict key as its fields were just encoded into D (so "5" and 5 for
 * a bigint are one key, as for the server): field f of the row spans D from OFF[f] to
 * OFF[f + 1], and the key's i-th column is field FIELD[key[i]] (FIELD NULL: the column's own
 * index). 0 is never returned. */
static uint64_t key_hash(const struct cc_bulk *b, const struct cc_buf *d, const size_t *off,
			 const int *field)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, then a finalizer's mix */
	for (int i = 0; i < b->up.nkeys; i++) {
		int f = field ? field[b->up.key[i]] : b->up.key[i];
		for (size_t j = off[f]; j < off[f + 1]; j++)
			h = (h ^ (unsigned char)d->data[j]) * 0x100000001b3u;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h ? h : 1;
}

/* Adds H to the hash set of keys: 1 when it was there already, 0 added, CC_ENOMEM. */
static int set_add(struct cc_bulk *b, uint64_t h)
{
	if (2 * (b->nkeys + 1) > b->capkeys) {
		size_t cap = b->capkeys ? 2 * b->capkeys : (size_t)1 << 14;
		uint64_t *t = calloc(cap, sizeof *t);
		if (!t)
			return CC_ENOMEM;
		for (size_t i = 0; i < b->capkeys; i++)
			if (b->keys[i]) {
				size_t j = b->keys[i] & (cap - 1);
				while (t[j])
					j = (j + 1) & (cap - 1);
				t[j] = b->keys[i];
			}
		free(b->keys);
		b->keys = t;
		b->capkeys = cap;
	}
	size_t j = h & (b->capkeys - 1);
	while (b->keys[j]) {
		if (b->keys[j] == h)
			return 1;
		j = (j + 1) & (b->capkeys - 1);
	}
	b->keys[j] = h;
	b->nkeys++;
	return 0;
}

/* The row's conflict key (fields as for key_hash) against the last key of the ascending run:
 * memcmp's order over the fields' encoded bytes one after the other, each with its length
 * in front. */
static int key_cmp_last(const struct cc_bulk *b, const struct cc_buf *d, const size_t *off,
			const int *field)
{
	size_t p = 0;
	for (int i = 0; i < b->up.nkeys; i++) {
		int f = field ? field[b->up.key[i]] : b->up.key[i];
		size_t n = off[f + 1] - off[f];
		size_t m = b->klast.len - p < n ? b->klast.len - p : n;
		int c = m ? memcmp(d->data + off[f], b->klast.data + p, m) : 0;
		if (c || m < n)
			return c ? c : 1;
		p += n;
	}
	return p < b->klast.len ? -1 : 0;
}

/*
 * Notes the row's conflict key (fields as for key_hash): 1 when it was seen already, 0 when
 * not, CC_ENOMEM. While the keys come in ascending order (a file sorted by its key, as our
 * exports and most systems' are), a key above the last one cannot have been seen: it is only
 * compared with the last, and its hash appended to a list. The first key out of order turns
 * the list into the hash set, in which it and every later key are looked up. A sorted file
 * costs a comparison and 8 bytes a row, written in order, instead of a random probe of a
 * table of 16-32 bytes a row (a fifth of the client's time on 4M rows).
 */
static int key_seen(struct cc_bulk *b, const struct cc_buf *d, const size_t *off, const int *field)
{
	uint64_t h = key_hash(b, d, off, field);
	if (!b->kunsorted) {
		if (key_cmp_last(b, d, off, field) > 0) {
			if (b->nseq == b->capseq) {
				size_t cap = b->capseq ? 2 * b->capseq : (size_t)1 << 14;
				uint64_t *t = realloc(b->seq, cap * sizeof *t);
				if (!t)
					return CC_ENOMEM;
				b->seq = t;
				b->capseq = cap;
			}
			b->seq[b->nseq++] = h;
			cc_buf_reset(&b->klast);
			for (int i = 0; i < b->up.nkeys; i++) {
				int f = field ? field[b->up.key[i]] : b->up.key[i];
				cc_buf_append(&b->klast, d->data + off[f], off[f + 1] - off[f]);
			}
			return b->klast.failed ? CC_ENOMEM : 0;
		}
		/* out of order: from here on, the hash set (two of the run's keys with one
		 * hash count once: the next key with it is taken as repeated, which only sends
		 * the rest the general way) */
		b->kunsorted = 1;
		for (size_t i = 0; i < b->nseq; i++)
			if (set_add(b, b->seq[i]) < 0)
				return CC_ENOMEM;
		free(b->seq);
		b->seq = NULL;
		b->nseq = b->capseq = 0;
	}
	return set_add(b, h);
}

static void keys_forget(struct cc_bulk *b)
{
	free(b->keys);
	b->keys = NULL;
	b->nkeys = b->capkeys = 0;
	free(b->seq);
	b->seq = NULL;
	b->nseq = b->capseq = 0;
	cc_buf_release(&b->klast);
	b->kunsorted = 0;
}

static int pg_row_binary(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err)
{
	struct cc_buf *d = &b->data;
	size_t start = d->len, off[BULK_MAXV + 1];
	be(d, (uint64_t)(b->nv + 1), 2);
	be(d, 8, 4);
	be(d, (uint64_t)(b->rows + 1), 8);
	for (int k = 0; k < b->nv; k++) {
		off[k] = d->len;
		int rc = bin_field(b, d, k, v, n, err);
		if (rc) {
			d->len = start; /* the row is not sent */
			return rc;
		}
	}
	off[b->nv] = d->len;
	/* Until the direct load is tried: a conflict key met twice rules it out */
	if (b->direct_ok && b->up.nkeys) {
		int seen = key_seen(b, d, off, b->upar);
		if (seen) {
			b->direct_ok = 0;
			keys_forget(b);
		}
	}
	b->rows++;
	b->stage_rows++;
	return d->len >= BULK_CHUNK ? pg_flush(b, err) : 0;
}

static int pg_direct(struct cc_bulk *b, struct cc_error *err);
static int pg_direct_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err);

static int pg_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err)
{
	if (b->direct)
		return pg_direct_row(b, v, n, err);
	if (b->direct_ok && b->rows >= b->first_min) {
		int rc = pg_direct(b, err);
		if (rc)
			return rc;
		if (b->direct)
			return pg_direct_row(b, v, n, err);
	}
	if (b->binary)
		return pg_row_binary(b, v, n, err);
	struct cc_buf *d = &b->data;
	char num[40];
	b->stage_rows++;
	copy_int(d, ++b->rows);
	for (int k = 0; k < b->nv; k++) {
		cc_buf_putc(d, '\t');
		if (k >= n) {
			cc_buf_puts(d, "\\N");
			continue;
		}
		switch (v[k].type) {
		case CC_VAL_INT: copy_int(d, v[k].i); break;
		case CC_VAL_REAL:
			/* the shortest text that reads back as the same double */
			cc_num_format(v[k].d, CC_NUM_EXACT, num, sizeof num);
			cc_buf_puts(d, num);
			break;
		case CC_VAL_TEXT: copy_text(d, v[k].s, v[k].n); break;
		default: cc_buf_puts(d, "\\N"); break;
		}
	}
	cc_buf_putc(d, '\n');
	return d->len >= BULK_CHUNK ? pg_flush(b, err) : 0;
}

/* Appends the join condition of the conflict key: L.col = (the value's expression over S). */
static void key_join(struct cc_buf *q, const struct ins *in, const char *l, const char *s)
{
	for (int i = 0; i < in->nkeys; i++) {
		int c = in->key[i];
		cc_buf_printf(q, "%s%s.%.*s = ", i ? " AND " : "", l, (int)in->col[c].n,
			      in->col[c].p);
		subst(q, in->val[c], s);
	}
}

/*
 * The merge over source SRC (a table or parenthesised query with the staging columns, alias
 * s): one statement whose result is the number of rows the upsert inserted or changed.
 * ORDERED: the source is not in row order by itself.
 */
static void merge_sql(struct cc_bulk *b, struct cc_buf *q, const char *src, int ordered, int plain)
{
	const struct ins *u = &b->up;
	int ids = b->rowid_ids;
	for (int c = 0; c < u->ncols; c++)
		if (span_is(u->col[c], "id"))
			ids = 0;
	cc_buf_printf(q, "WITH up AS (INSERT INTO %.*s(", (int)u->table.n, u->table.p);
	put_cols(q, u);
	if (ids)
		cc_buf_puts(q, ",id");
	cc_buf_puts(q, ") SELECT ");
	for (int c = 0; c < u->ncols; c++) {
		if (c)
			cc_buf_putc(q, ',');
		subst(q, u->val[c], "s");
	}
	if (ids && u->nkeys && !plain) /* a key stored already keeps its id; new keys number on */
		cc_buf_printf(q,
			      ",coalesce(o.id, (SELECT coalesce(max(id), 0) FROM %.*s) + "
			      "row_number() OVER (PARTITION BY o.id IS NULL ORDER BY s.n))",
			      (int)u->table.n, u->table.p);
	else if (ids)
		cc_buf_printf(q, ",(SELECT coalesce(max(id), 0) FROM %.*s) + s.n", (int)u->table.n,
			      u->table.p);
	cc_buf_printf(q, " FROM %s s", src);
	if (ids && u->nkeys && !plain) {
		cc_buf_printf(q, " LEFT JOIN %.*s o ON ", (int)u->table.n, u->table.p);
		key_join(q, u, "o", "s");
	}
	if (ordered || (ids && u->nkeys && !plain))
		cc_buf_puts(q, " ORDER BY s.n");
	if (!plain)
		cc_buf_append(q, u->rest.p, u->rest.n);
	cc_buf_puts(q, " RETURNING ");
	if (b->has_ch && u->nkeys && !plain) {
		for (int i = 0; i < u->nkeys; i++)
			cc_buf_printf(q, "%s%.*s", i ? "," : "", (int)u->col[u->key[i]].n,
				      u->col[u->key[i]].p);
	} else {
		cc_buf_puts(q, "1");
	}
	cc_buf_puts(q, ")");
	if (b->has_ch && u->nkeys) {
		const struct ins *c = &b->ch;
		cc_buf_puts(q, ", ch AS (");
		insert_select(q, c, src);
		if (plain) { /* every row is inserted */
			cc_buf_puts(q, ")");
		} else {
			cc_buf_puts(q, " JOIN up ON ");
			key_join(q, u, "up", "s");
			cc_buf_append(q, c->rest.p, c->rest.n);
			cc_buf_puts(q, ")");
		}
	}
	cc_buf_puts(q, " SELECT count(*) FROM up");
}

static int pg_run(struct cc_bulk *b, const char *src, int ordered, int64_t *n, struct cc_error *err)
{
	struct cc_buf q = CC_BUF_INIT(1 << 18);
	merge_sql(b, &q, src, ordered, 0);
	int rc = q.failed ? cc_error_set(err, CC_ENOMEM, "out of memory")
			  : cc_pg_bulk_exec(b->st, cc_buf_str(&q), n, err);
	cc_buf_release(&q);
	return rc;
}

/* Applies the rows of SRC in turns: each key's first occurrence, then its second, ...; *N the
 * rows changed. */
static int pg_turns(struct cc_bulk *b, const char *src, int64_t *n, struct cc_error *err)
{
	struct cc_buf q = CC_BUF_INIT(1 << 16);
	cc_buf_puts(&q, "CREATE TEMP TABLE cc_bulk_turns ON COMMIT DROP AS SELECT *, row_number() "
			"OVER (PARTITION BY ");
	for (int i = 0; i < b->up.nkeys; i++) {
		if (i)
			cc_buf_putc(&q, ',');
		subst(&q, b->up.val[b->up.key[i]], "s");
	}
	cc_buf_printf(&q, " ORDER BY s.n) AS cc_turn FROM %s s", src);
	int rc = q.failed ? cc_error_set(err, CC_ENOMEM, "out of memory")
			  : cc_store_exec(b->st, cc_buf_str(&q), err);
	cc_buf_release(&q);
	int64_t turns = rc ? 0 : cc_store_int(b->st, "SELECT max(cc_turn) FROM cc_bulk_turns", 0);
	*n = 0;
	for (int64_t t = 1; t <= turns && rc == 0; t++) {
		char turn[96];
		int64_t k = 0;
		snprintf(turn, sizeof turn, "(SELECT * FROM cc_bulk_turns WHERE cc_turn = %lld)",
			 (long long)t);
		rc = pg_run(b, turn, 1, &k, err);
		if (rc == 1)
			rc = cc_error_set(err, CC_EDB, "bulk write: a key met twice in one turn");
		*n += k;
	}
	if (rc == 0)
		rc = cc_store_exec(b->st, "DROP TABLE cc_bulk_turns", err);
	return rc;
}

/*
 * Applies the rows of SRC under a savepoint of its own: one merge, or the rows in turns when
 * a key comes twice (PostgreSQL refuses an ON CONFLICT DO UPDATE that meets a key twice,
 * SQLSTATE 21000). Returns 0 (*N rows changed), CC_EINVAL when a constraint refused a row
 * (ERR set; nothing of SRC written, the transaction usable), or another negative CC_E*.
 */
static int pg_apply(struct cc_bulk *b, const char *src, int ordered, int64_t *n,
		    struct cc_error *err)
{
	*n = 0;
	int rc = cc_store_exec(b->st, "SAVEPOINT cc_bulk", err);
	if (rc == 0)
		rc = pg_run(b, src, ordered, n, err);
	if (rc == 1) {
		rc = cc_store_exec(b->st, "ROLLBACK TO SAVEPOINT cc_bulk", err);
		if (rc == 0)
			rc = pg_turns(b, src, n, err);
	}
	if (rc == CC_EINVAL) {
		struct cc_error e = {0};
		*n = 0;
		if (cc_store_exec(b->st, "ROLLBACK TO SAVEPOINT cc_bulk", &e) ||
		    cc_store_exec(b->st, "RELEASE SAVEPOINT cc_bulk", &e))
			return cc_error_set(err, CC_EDB, "%s", e.msg);
		return CC_EINVAL;
	}
	return rc ? rc : cc_store_exec(b->st, "RELEASE SAVEPOINT cc_bulk", err);
}

/*
 * The staged rows numbered LO..HI when a constraint refused one of them: each half applied in
 * turn (pg_apply), down to the rows refused alone, which are left out and named to
 * spec.refused, as SQLite refuses a row at its step. k refused rows of N cost about k log2 N
 * merges, over an index on the row number.
 */
static int pg_parts(struct cc_bulk *b, int64_t lo, int64_t hi, struct cc_error *err)
{
	char src[128];
	int64_t n = 0;
	struct cc_error e = {0};
	snprintf(src, sizeof src, "(SELECT * FROM cc_bulk_stage WHERE n BETWEEN %lld AND %lld)",
		 (long long)lo, (long long)hi);
	int rc = pg_apply(b, src, 1, &n, &e);
	if (rc == 0) {
		b->changed += n;
		return 0;
	}
	if (rc != CC_EINVAL) {
		cc_error_set(err, rc, "%s", e.msg);
		return rc;
	}
	if (lo == hi) {
		b->refused(b->ctx, lo, e.msg);
		return 0;
	}
	int64_t mid = lo + (hi - lo) / 2;
	rc = pg_parts(b, lo, mid, err);
	return rc ? rc : pg_parts(b, mid + 1, hi, err);
}

/*
 * A big load into empty tables (a first load): PostgreSQL checks a foreign key and inserts
 * into each index row by row, which took three quarters of a 4M-row indicators load. So when
 * the targets (UPSERT's and CHANGED's) are empty, no other table refers to them and no row
 * trigger of theirs would run (first_load_open), their keys and foreign keys are dropped
 * (keys_drop), the rows inserted plainly (nothing to conflict with), and the constraints added
 * again: one index build and one validating join each.
 */

/* 0 when the targets are open to a first load, else 1. */
static int first_load_open(struct cc_bulk *b)
{
	const struct ins *t[2] = {&b->up, b->has_ch ? &b->ch : NULL};
	for (int i = 0; i < 2; i++) {
		if (!t[i])
			continue;
		int ids = i == 0 && b->rowid_ids;
		for (int c = 0; c < t[i]->ncols; c++)
			ids |= span_is(t[i]->col[c], "id");
		/* Empty, not referred to, and no row trigger on INSERT that would run: a trigger
		 * reading its own table by key (energy_total, migration 14) would scan the whole
		 * table for every row once the keys are dropped. Not counted: a trigger whose WHEN
		 * this load makes false, that is, one of a setting this transaction has set to '1'
		 * (cc_store_log_bulk's cc.log_bulk and cc.energy_bulk) or a NEW.id IS NULL where
		 * the load gives every id. */
		struct cc_buf q = CC_BUF_INIT(1 << 14);
		cc_buf_printf(
			&q,
			"SELECT (SELECT count(*) FROM (SELECT 1 FROM %.*s LIMIT 1) x) + (SELECT "
			"count(*) FROM pg_constraint WHERE confrelid = '%.*s'::regclass) + (SELECT "
			"count(*) FROM pg_trigger g, LATERAL (SELECT pg_get_triggerdef(g.oid) AS d) "
			"x WHERE g.tgrelid = '%.*s'::regclass AND NOT g.tgisinternal AND "
			"g.tgenabled <> 'D' AND (g.tgtype & 5) = 5 AND NOT (%d = 1 AND strpos(x.d, "
			"' WHEN ((new.id IS NULL)) ') > 0) AND coalesce(current_setting(substring("
			"x.d FROM 'WHEN \\(\\(current_setting\\(''([a-z_.]+)''::text, true\\) "
			"IS DISTINCT FROM ''1''::text\\)\\)'), true), '') <> '1')",
			(int)t[i]->table.n, t[i]->table.p, (int)t[i]->table.n, t[i]->table.p,
			(int)t[i]->table.n, t[i]->table.p, ids);
		int64_t v = q.failed ? 1 : cc_store_int(b->st, cc_buf_str(&q), 1);
		cc_buf_release(&q);
		if (v != 0)
			return 1;
	}
	return 0;
}

/* Sets the savepoint cc_bulk_first and drops the targets' keys and foreign keys, keeping in
 * b->add what adds them again. 0, or CC_EDB (E set; the caller rolls back to the savepoint:
 * a lock not granted within the timeout, as ALTER TABLE waits for readers of the table, or a
 * table not ours to alter). */
static int keys_drop(struct cc_bulk *b, struct cc_error *e)
{
	const struct ins *t[2] = {&b->up, b->has_ch ? &b->ch : NULL};
	if (cc_store_exec(b->st, "SAVEPOINT cc_bulk_first", e))
		return CC_EDB;
	/* The index builds (maintenance_work_mem) and the foreign keys' validating joins
	 * (work_mem) sort in memory rather than on disk: at least 256 MB each, for this
	 * transaction only (a server set higher keeps its own). */
	if (cc_store_exec(
		    b->st,
		    "SELECT set_config(name, '262144kB', true) FROM pg_settings WHERE name IN "
		    "('work_mem', 'maintenance_work_mem') AND setting::bigint < 262144",
		    e))
		return CC_EDB;
	for (int i = 0; i < 2; i++) {
		struct cc_stmt *s = NULL;
		char q[768];
		if (!t[i])
			continue;
		snprintf(
			q, sizeof q,
			"SELECT string_agg('DROP CONSTRAINT ' || quote_ident(conname), ', '), "
			"string_agg('ADD CONSTRAINT ' || quote_ident(conname) || ' ' || "
			"pg_get_constraintdef(oid), ', ' ORDER BY contype = 'f', conname) FROM "
			"pg_constraint WHERE conrelid = '%.*s'::regclass AND contype IN ('p', 'u', "
			"'f')",
			(int)t[i]->table.n, t[i]->table.p);
		if (cc_stmt_prepare(b->st, &s, q, e) || cc_stmt_step(s, e) != 1) {
			cc_stmt_free(s);
			return CC_EDB;
		}
		char *drop = NULL;
		if (!cc_stmt_is_null(s, 0)) {
			struct cc_buf d = CC_BUF_INIT(1 << 16), a = CC_BUF_INIT(1 << 16);
			cc_buf_printf(&d, "ALTER TABLE %.*s %s", (int)t[i]->table.n, t[i]->table.p,
				      cc_stmt_text(s, 0));
			cc_buf_printf(&a, "ALTER TABLE %.*s %s", (int)t[i]->table.n, t[i]->table.p,
				      cc_stmt_text(s, 1));
			drop = cc_buf_detach(&d);
			free(b->add[i]);
			b->add[i] = cc_buf_detach(&a);
			cc_buf_release(&d);
			cc_buf_release(&a);
		}
		cc_stmt_free(s);
		int rc = drop && cc_store_exec(b->st, drop, e) ? CC_EDB : 0;
		free(drop);
		if (rc || (drop == NULL) != (b->add[i] == NULL))
			return CC_EDB;
	}
	return 0;
}

/* Adds again what keys_drop dropped; forgets it. 0, CC_EINVAL (a row breaks a key: a value
 * repeated, a foreign key's value missing) or CC_EDB (E set). */
static int keys_add(struct cc_bulk *b, struct cc_error *e)
{
	int rc = 0;
	for (int i = 0; i < 2; i++) {
		if (rc == 0 && b->add[i] && cc_store_exec(b->st, b->add[i], e))
			rc = cc_pg_refused(b->st) ? CC_EINVAL : CC_EDB;
		free(b->add[i]);
		b->add[i] = NULL;
	}
	return rc;
}

/* Back to the savepoint of keys_drop: as it was before. */
static int keys_undo(struct cc_bulk *b, struct cc_error *err)
{
	for (int i = 0; i < 2; i++) {
		free(b->add[i]);
		b->add[i] = NULL;
	}
	return cc_store_exec(b->st, "ROLLBACK TO SAVEPOINT cc_bulk_first", err) ? CC_EDB : 0;
}

/*
 * The first load at the end, from the staging table. Under the savepoint: a key repeated in
 * the file (the key cannot be added) rolls back to it, and the rows take the general path.
 * Returns 0 when done (*N rows), 1 when not (nothing changed), or a negative CC_E*.
 */
static int pg_first_load(struct cc_bulk *b, int64_t *n, struct cc_error *err)
{
	struct cc_error e = {0};
	if (b->stage_rows < b->first_min || first_load_open(b))
		return 1;
	int rc = keys_drop(b, &e);
	if (rc == 0) {
		struct cc_buf q = CC_BUF_INIT(1 << 18);
		merge_sql(b, &q, "cc_bulk_stage", 0, 1);
		rc = q.failed ? CC_ENOMEM : cc_pg_bulk_exec(b->st, cc_buf_str(&q), n, &e);
		cc_buf_release(&q);
	}
	if (rc == 0)
		rc = keys_add(b, &e); /* a key repeated in the file */
	if (rc == 0)
		return cc_store_exec(b->st, "RELEASE SAVEPOINT cc_bulk_first", err) ? CC_EDB : 0;
	*n = 0;
	return keys_undo(b, err) ? CC_EDB : 1; /* as it was: the general path */
}

/*
 * The direct load: a first load that copies the rows straight into UPSERT's table, without
 * the staging table and the merge (which took half of a 4M-row indicators load). It is tried
 * once, when CC_BULK_FIRST_ROWS rows are staged, if every value of UPSERT is a bare ?K used
 * once, no id is numbered here, the rows are in binary format and no conflict key came twice
 * so far: the targets open to a first load (first_load_open) lose their keys (keys_drop), the
 * staged rows are inserted plainly, and the rows after go by COPY into the table, while
 * the values CHANGED reads go into a narrow staging table, cc_bulk_side, inserted at the end.
 * The conflict keys are remembered (a hash each, 8-16 bytes a row): a key met again ends the
 * direct load before its row (pg_direct_end: keys added again), and that row and the rest
 * take the general path, so that the second occurrence updates the first as row by row.
 */
static void direct_spec(struct cc_bulk *b)
{
	int used[BULK_MAXV + 1] = {0};
	b->direct_ok = b->binary;
	for (int c = 0; c < b->up.ncols && b->direct_ok; c++) {
		int k = bare_param(b->up.val[c]);
		if (k < 1 || k > b->nv || used[k]++)
			b->direct_ok = 0;
		b->upar[c] = k - 1;
	}
	int ids = !b->rowid_ids;
	for (int c = 0; c < b->up.ncols; c++)
		ids |= span_is(b->up.col[c], "id");
	if (!ids)
		b->direct_ok = 0;
	/* the values CHANGED's expressions read */
	memset(used, 0, sizeof used);
	for (int c = 0; b->has_ch && c < b->ch.ncols; c++) {
		const char *end = b->ch.val[c].p + b->ch.val[c].n;
		for (const char *p = b->ch.val[c].p; p < end;) {
			int k;
			p = token(p, end, &k);
			if (k >= 1 && k <= b->nv && !used[k]++)
				b->side[b->nside++] = k - 1;
		}
	}
}

/* Flushes the direct COPY's rows (DATA into UPSERT's table) and, when ALL or past 8 MB, the
 * values kept for CHANGED (each its own COPY, so the table's is ended first). */
static int direct_flush(struct cc_bulk *b, int all, struct cc_error *err)
{
	int rc = 0;
	if (b->data.len) {
		rc = b->data.failed ? cc_error_set(err, CC_ENOMEM, "out of memory staging rows")
				    : cc_pg_copy_put(b->st, b->direct_sql, 1, b->data.data,
						     b->data.len, err);
		cc_buf_reset(&b->data);
	}
	if (rc == 0 && b->side_data.len && (all || b->side_data.len >= (8u << 20))) {
		rc = cc_pg_copy_end(b->st, err);
		if (rc == 0)
			rc = b->side_data.failed
				     ? cc_error_set(err, CC_ENOMEM, "out of memory staging rows")
				     : cc_pg_copy_put(b->st, b->side_sql, 1, b->side_data.data,
						      b->side_data.len, err);
		cc_buf_reset(&b->side_data);
		all = 1; /* the side's COPY is not left open: the next piece is the table's */
	}
	if (rc == 0 && all)
		rc = cc_pg_copy_end(b->st, err);
	return rc;
}

/* Tries the direct load (see above); 0 whether taken (b->direct) or not, or a CC_E*. */
static int pg_direct(struct cc_bulk *b, struct cc_error *err)
{
	struct cc_error e = {0};
	int64_t n = 0;
	b->direct_ok = 0; /* tried once */
	int rc = pg_flush(b, err);
	if (rc == 0)
		rc = cc_pg_copy_end(b->st, err);
	if (rc || first_load_open(b)) {
		keys_forget(b);
		return rc;
	}
	rc = keys_drop(b, &e);
	struct cc_buf q = CC_BUF_INIT(1 << 16);
	if (rc == 0 && b->stage_rows) { /* the rows staged so far, plainly */
		merge_sql(b, &q, "cc_bulk_stage", 0, 1);
		rc = q.failed ? CC_ENOMEM : cc_pg_bulk_exec(b->st, cc_buf_str(&q), &n, &e);
		if (rc == 0)
			rc = cc_store_exec(b->st, "TRUNCATE cc_bulk_stage", &e);
	}
	if (rc == 0 && b->nside) {
		cc_buf_reset(&q);
		cc_buf_puts(&q, "CREATE TEMP TABLE cc_bulk_side ON COMMIT DROP AS SELECT n");
		for (int i = 0; i < b->nside; i++)
			cc_buf_printf(&q, ", c%d", b->side[i] + 1);
		cc_buf_puts(&q, " FROM cc_bulk_stage WITH NO DATA");
		rc = q.failed ? CC_ENOMEM : cc_store_exec(b->st, cc_buf_str(&q), &e);
	}
	if (rc == 0) {
		cc_buf_reset(&q);
		cc_buf_printf(&q, "COPY %.*s(", (int)b->up.table.n, b->up.table.p);
		put_cols(&q, &b->up);
		cc_buf_puts(&q, ") FROM STDIN (FORMAT binary)");
		b->direct_sql = q.failed ? NULL : strdup(cc_buf_str(&q));
		b->side_sql = strdup("COPY cc_bulk_side FROM STDIN (FORMAT binary)");
		if (!b->direct_sql || !b->side_sql)
			rc = CC_ENOMEM;
	}
	cc_buf_release(&q);
	if (rc == 0)
		rc = cc_store_exec(b->st, "RELEASE SAVEPOINT cc_bulk_first", &e) ? CC_EDB : 0;
	if (rc) { /* as it was: the rows stay staged, for the general path */
		keys_forget(b);
		if (rc == CC_ENOMEM)
			return cc_error_set(err, CC_ENOMEM, "out of memory");
		return keys_undo(b, err);
	}
	b->changed += n;
	b->stage_rows = 0;
	b->direct = 1;
	b->first_loaded = 2;
	if (!b->up.nkeys)
		keys_forget(b);
	return 0;
}

/* Ends the direct load: the last rows, CHANGED's rows from cc_bulk_side, the keys added
 * again (a foreign key's value missing fails here, as the merge would). */
static int pg_direct_end(struct cc_bulk *b, struct cc_error *err)
{
	int rc = direct_flush(b, 1, err);
	b->direct = 0;
	keys_forget(b);
	if (rc == 0 && b->nside) {
		struct cc_buf q = CC_BUF_INIT(1 << 16);
		insert_select(&q, &b->ch, "cc_bulk_side");
		rc = q.failed ? cc_error_set(err, CC_ENOMEM, "out of memory")
			      : cc_store_exec(b->st, cc_buf_str(&q), err);
		cc_buf_release(&q);
		if (rc == 0)
			rc = cc_store_exec(b->st, "DROP TABLE cc_bulk_side", err);
	}
	if (rc == 0)
		rc = keys_add(b, err);
	if (rc == CC_EINVAL || (rc && cc_pg_refused(b->st))) {
		b->direct_refused = 1;
		rc = CC_EDB;
	}
	b->changed += b->direct_rows;
	b->direct_rows = 0;
	return rc;
}

static int pg_direct_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err)
{
	struct cc_buf *d = &b->data, *sd = &b->side_data;
	size_t start = d->len, sstart = sd->len, off[BULK_MAXV + 1];
	int rc = 0;
	be(d, (uint64_t)b->up.ncols, 2);
	for (int c = 0; c < b->up.ncols && rc == 0; c++) {
		off[c] = d->len;
		rc = bin_field(b, d, b->upar[c], v, n, err);
	}
	off[b->up.ncols] = d->len;
	if (rc == 0 && b->up.nkeys) {
		rc = key_seen(b, d, off, NULL);
		if (rc == 1) { /* a key met again: this row and the rest the general way */
			d->len = start;
			rc = pg_direct_end(b, err);
			return rc ? rc : pg_row(b, v, n, err);
		}
		if (rc)
			rc = cc_error_set(err, rc, "out of memory");
	}
	if (rc == 0 && b->nside) {
		be(sd, (uint64_t)(b->nside + 1), 2);
		be(sd, 8, 4);
		be(sd, (uint64_t)(b->rows + 1), 8);
		for (int i = 0; i < b->nside && rc == 0; i++)
			rc = bin_field(b, sd, b->side[i], v, n, err);
	}
	if (rc) { /* the row is not sent (its key stays remembered: harmless) */
		d->len = start;
		sd->len = sstart;
		return rc;
	}
	b->rows++;
	b->direct_rows++;
	rc = d->len >= BULK_CHUNK ? direct_flush(b, 0, err) : 0;
	if (rc && cc_pg_refused(b->st))
		b->direct_refused = 1;
	return rc;
}

static int pg_end(struct cc_bulk *b, struct cc_error *err)
{
	int64_t n = 0;
	int rc = b->direct ? pg_direct_end(b, err) : 0;
	if (rc == 0)
		rc = pg_flush(b, err);
	if (rc == 0)
		rc = cc_pg_copy_end(b->st, err);
	if (rc || !b->stage_rows)
		return rc;
	rc = pg_first_load(b, &n, err);
	if (rc <= 0) {
		if (rc == 0)
			b->first_loaded = 1;
		b->changed += n;
		return rc;
	}
	rc = pg_apply(b, "cc_bulk_stage", 0, &n, err);
	if (rc == 0) {
		b->changed += n;
		return 0;
	}
	if (rc != CC_EINVAL || !b->refused)
		return rc;
	/* a constraint refused a row: the rows in parts, the refused ones left out */
	int64_t lo = cc_store_int(b->st, "SELECT min(n) FROM cc_bulk_stage", 0);
	int64_t hi = cc_store_int(b->st, "SELECT max(n) FROM cc_bulk_stage", 0);
	rc = cc_store_exec(b->st, "CREATE INDEX ON cc_bulk_stage(n)", err);
	return rc ? rc : pg_parts(b, lo, hi, err);
}

/* ---- the interface ---- */

int cc_store_bulk_begin(struct cc_store *st, const struct cc_bulk_spec *spec, struct cc_bulk **out,
			struct cc_error *err)
{
	int rc = 0;
	*out = NULL;
	struct cc_bulk *b = calloc(1, sizeof *b);
	if (!b)
		return cc_error_set(err, CC_ENOMEM, "out of memory");
	b->st = st;
	cc_buf_init(&b->klast, 1u << 24);
	b->nv = (int)strlen(spec->types);
	if (b->nv > BULK_MAXV) {
		rc = cc_error_set(err, CC_EINVAL, "bulk load of more than %d values a row",
				  BULK_MAXV);
		goto out;
	}
	memcpy(b->types, spec->types, (size_t)b->nv + 1);
	b->rowid_ids = spec->rowid_ids;
	b->refused = spec->refused;
	b->ctx = spec->ctx;
	/* tests set it low to take the first-load path with small files */
	const char *fm = getenv("CC_BULK_FIRST_ROWS");
	long long v;
	b->first_min = fm && cc_parse_int64(fm, strlen(fm), &v) == 0 && v > 0 ? v : 100000;
	/* The statements are checked on both backends, so that a spec SQLite would run and
	 * PostgreSQL refuse fails where it is written and tested. */
	b->upsert_sql = strdup(spec->upsert);
	b->changed_sql = spec->changed ? strdup(spec->changed) : NULL;
	if (!b->upsert_sql || (spec->changed && !b->changed_sql)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory");
		goto out;
	}
	rc = parse_insert(b->upsert_sql, &b->up, err);
	if (rc == 0 && b->changed_sql) {
		rc = parse_insert(b->changed_sql, &b->ch, err);
		b->has_ch = 1;
		if (rc == 0 && !b->up.nkeys)
			rc = cc_error_set(err, CC_EINVAL,
					  "bulk statement for changed rows needs a conflict key");
	}
	if (rc)
		goto out;
	if (!st->pg) {
		rc = lite_prepare(b, spec->upsert, &b->upsert, &b->np_upsert, err);
		if (rc == 0)
			rc = lite_prepare(b, spec->plain, &b->plain, &b->np_plain, err);
		if (rc == 0)
			rc = lite_prepare(b, spec->changed, &b->on_change, &b->np_change, err);
		goto out;
	}
	cc_buf_init(&b->data, (size_t)BULK_CHUNK + (16u << 20)); /* a row of up to 16 MB */
	cc_buf_init(&b->side_data, (size_t)(8u << 20) + (16u << 20));
	rc = pg_stage(b, err);
	if (rc == 0 && !spec->no_direct)
		direct_spec(b);
out:
	if (rc) {
		cc_store_bulk_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int cc_store_bulk_row(struct cc_bulk *b, const struct cc_val *v, int n, struct cc_error *err)
{
	return b->st->pg ? pg_row(b, v, n, err) : lite_row(b, v, n, err);
}

int cc_store_bulk_end(struct cc_bulk *b, int64_t *changed, struct cc_error *err)
{
	int rc = b->st->pg ? pg_end(b, err) : 0;
	if (rc == 0 && b->staged) {
		rc = cc_store_exec(b->st, "DROP TABLE cc_bulk_stage", err);
		b->staged = 0;
	}
	if (changed)
		*changed = b->changed;
	return rc;
}

int cc_store_bulk_first_load(const struct cc_bulk *b)
{
	return b->first_loaded;
}

int cc_store_bulk_retry(const struct cc_bulk *b)
{
	return b->direct_refused;
}

void cc_store_bulk_free(struct cc_bulk *b)
{
	if (!b)
		return;
	cc_stmt_free(b->upsert);
	cc_stmt_free(b->plain);
	cc_stmt_free(b->on_change);
	free(b->upsert_sql);
	free(b->changed_sql);
	cc_buf_release(&b->data);
	cc_buf_release(&b->side_data);
	keys_forget(b);
	free(b->add[0]);
	free(b->add[1]);
	free(b->direct_sql);
	free(b->side_sql);
	free(b);
}
