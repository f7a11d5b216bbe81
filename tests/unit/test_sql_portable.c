/*
 * The SQL outside src/store stays portable (issue 18 point 1; store/store.h says which subset):
 * scans every C string literal of src/ outside src/store (adjacent literals joined, as the
 * compiler joins them) that looks like SQL, for the constructs SQLite accepts and PostgreSQL 15
 * rejects or reads differently, and prints file:line of each hit. What the engines genuinely do
 * differently goes through store/dialect.h and store/fulltext.h instead.
 *
 * Checked, case-insensitive and word-bounded (the table `forbidden` below): SQLite's statement
 * forms (INSERT OR ..., REPLACE INTO, PRAGMA, AUTOINCREMENT, WITHOUT ROWID), its row ids and
 * catalogue (rowid, oid, sqlite_*), its date functions and 'now', its functions that
 * PostgreSQL lacks or spells differently (group_concat, instr, ifnull, iif, total, typeof,
 * printf, format, json_*, char, unicode, hex, randomblob, zeroblob, likelihood, likely,
 * unlikely, last_insert_rowid, changes), FTS5 (MATCH, bm25, highlight, snippet), GLOB,
 * COLLATE NOCASE, LIMIT -1; and by small parsers: IS / IS NOT between values (anything but
 * NULL, TRUE, FALSE, DISTINCT FROM), scalar max() / min() of two or more arguments, sum() of a
 * comparison, a bare 0 / 1 as a condition (WHERE 1, AND 0), and a subquery in FROM / JOIN
 * without an alias. Not checked here (reviewed by hand, see store.h): GROUP BY gaps, NULL
 * ordering, comparisons selected as numbers, LIKE relied on for case folding.
 *
 * Known exceptions (`allowed`), each with its reason: the frame build's range scans of
 * supply_edges by rowid (on PostgreSQL schema_pg.c gives supply_edges a rowid column).
 */
#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "testutil.h"

/* A pattern matched case-insensitively; a letter, digit or _ at either end must not touch
 * another one in the text (word-bounded). */
static const struct {
	const char *pattern, *why;
} forbidden[] = {
	{"INSERT OR", "INSERT ... ON CONFLICT DO NOTHING / DO UPDATE"},
	{"REPLACE INTO", "INSERT ... ON CONFLICT(key) DO UPDATE"},
	{"PRAGMA", "a store function (store/dialect.h, cc_store_schema_version)"},
	{"pragma_", "a store function (store/dialect.h)"},
	{"AUTOINCREMENT", "schema.c only"},
	{"rowid", "a key column, or store/fulltext.h for the text indexes"},
	{"_rowid_", "a key column"},
	{"oid", "a key column"},
	{"sqlite_", "a store function"},
	{"strftime", "cc_stamp_now / cc_date_today bound as a parameter"},
	{"date(", "cc_date_today / cc_date_add_months bound as a parameter"},
	{"datetime(", "cc_stamp_now bound as a parameter"},
	{"time(", "cc_stamp_now bound as a parameter"},
	{"julianday(", "cc_stamp_days_between in C"},
	{"unixepoch(", "cc_stamp_seconds in C"},
	{"'now'", "cc_stamp_now / cc_date_today bound as a parameter"},
	{"group_concat", "string_agg(x, sep) over an ordered subquery"},
	{"instr(", "strpos(s, sub)"},
	{"ifnull(", "coalesce"},
	{"iif(", "CASE WHEN"},
	{"total(", "coalesce(sum(x), 0)"},
	{"typeof(", "no portable form"},
	{"printf(", "format in C, or || with CASE"},
	{"format(", "format in C"},
	{"json_", "build or read JSON in C (jansson)"},
	{"char(", "the text itself"},
	{"unicode(", "no portable form"},
	{"hex(", "no portable form"},
	{"randomblob", "no portable form"},
	{"zeroblob", "no portable form"},
	{"likelihood(", "no portable form"},
	{"likely(", "no portable form"},
	{"unlikely(", "no portable form"},
	{"last_insert_rowid", "cc_store_last_id or RETURNING"},
	{"changes()", "cc_store_changes"},
	{"MATCH", "store/fulltext.h"},
	{"bm25", "store/fulltext.h"},
	{"highlight(", "store/fulltext.h"},
	{"snippet(", "store/fulltext.h"},
	{"GLOB", "LIKE (case-sensitive on PostgreSQL) or a C check"},
	{"NOCASE", "lower(x)"},
	{"LIMIT -1", "no LIMIT"},
};

/* Hits that stay, each with its reason: FILE (under src/) and PATTERN. */
static const struct {
	const char *file, *pattern, *why;
} allowed[] = {
	{"frame/frame.c", "rowid",
	 "range scans of supply_edges in two halves; PostgreSQL's supply_edges has a rowid "
	 "column (schema_pg.c)"},
};

static int hits;

static int word_char(int c)
{
	return isalnum(c) || c == '_';
}

static int is_allowed(const char *rel, const char *what)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (!strcmp(rel, allowed[i].file) && !strcmp(what, allowed[i].pattern))
			return 1;
	return 0;
}

static void report(const char *rel, int line, const char *what, const char *why, const char *sql)
{
	if (is_allowed(rel, what))
		return;
	hits++;
	print_message("src/%s:%d: %s (use %s): %.160s\n", rel, line, what, why, sql);
}

/* Whether PAT occurs in S (case-insensitive, word-bounded) at or after FROM; its offset or -1. */
static long find_word(const char *s, const char *pat, size_t from)
{
	size_t n = strlen(pat), len = strlen(s);
	for (size_t i = from; i + n <= len; i++) {
		if (strncasecmp(s + i, pat, n) != 0)
			continue;
		if (word_char((unsigned char)pat[0]) && i > 0 && word_char((unsigned char)s[i - 1]))
			continue;
		if (word_char((unsigned char)pat[n - 1]) && pat[n - 1] != '_' &&
		    word_char((unsigned char)s[i + n]))
			continue; /* a pattern ending in _ is a prefix (json_, sqlite_) */
		return (long)i;
	}
	return -1;
}

/* The SQL keywords that mark a literal as SQL (upper case, as our SQL writes them). */
static int looks_like_sql(const char *s)
{
	static const char *const kw[] = {"SELECT",   "INSERT", "UPDATE", "DELETE", "WHERE",
					 "FROM",     "JOIN",   "VALUES", "PRAGMA", "ORDER BY",
					 "GROUP BY", "AND",    "OR",	 "CASE",   "WITH",
					 "SET",	     "LIMIT"};
	for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++) {
		const char *p = s;
		size_t n = strlen(kw[k]);
		while ((p = strstr(p, kw[k]))) {
			if ((p == s || !word_char((unsigned char)p[-1])) &&
			    !word_char((unsigned char)p[n]))
				return 1;
			p += n;
		}
	}
	return 0;
}

/* The next word or symbol of S at *I (skipping blanks) into OUT; 0 at the end. */
static int token(const char *s, size_t *i, char *out, size_t cap)
{
	while (s[*i] && isspace((unsigned char)s[*i]))
		(*i)++;
	if (!s[*i])
		return 0;
	size_t n = 0;
	if (word_char((unsigned char)s[*i]) || s[*i] == '?') {
		while ((word_char((unsigned char)s[*i]) || s[*i] == '?' || s[*i] == '.') &&
		       n + 1 < cap)
			out[n++] = s[(*i)++];
	} else if (strchr("<>!=", s[*i]) && strchr("<>=", s[*i + 1])) {
		out[n++] = s[(*i)++];
		out[n++] = s[(*i)++];
	} else {
		out[n++] = s[(*i)++];
	}
	out[n] = '\0';
	return 1;
}

/* Offset of the parenthesis closing the one at OPEN, or -1. */
static long closing(const char *s, size_t open)
{
	int depth = 0;
	for (size_t i = open; s[i]; i++) {
		if (s[i] == '\'') {
			while (s[++i] && s[i] != '\'')
				;
			if (!s[i])
				return -1;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return (long)i;
	}
	return -1;
}

/* Whether S[A..B) holds a top-level (depth 0) comma or comparison; WHICH 0: comma, 1: comparison.
 */
static int top_level(const char *s, size_t a, size_t b, int which)
{
	int depth = 0;
	for (size_t i = a; i < b; i++) {
		if (s[i] == '\'') {
			while (i + 1 < b && s[++i] != '\'')
				;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		else if (depth == 0 && which == 0 && s[i] == ',')
			return 1;
		else if (depth == 0 && which == 1 &&
			 (s[i] == '=' || s[i] == '<' || s[i] == '>' ||
			  (i > a && !word_char((unsigned char)s[i - 1]) &&
			   (!strncasecmp(s + i, "IS ", 3) || !strncasecmp(s + i, "IN ", 3) ||
			    !strncasecmp(s + i, "IN(", 3) || !strncasecmp(s + i, "LIKE ", 5)))))
			return 1;
	}
	return 0;
}

static int keyword(const char *t)
{
	static const char *const kw[] = {"WHERE",  "GROUP",	"ORDER",  "LIMIT",  "JOIN",
					 "LEFT",   "INNER",	"CROSS",  "ON",	    "UNION",
					 "EXCEPT", "INTERSECT", "HAVING", "WINDOW", ")",
					 ";",	   ",",		"OFFSET"};
	for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
		if (!strcasecmp(t, kw[k]))
			return 1;
	return 0;
}

/* The checks that need more than a pattern. */
static void check_forms(const char *rel, int line, const char *s)
{
	char t[64], u[64], v[64];
	/* IS / IS NOT between values. */
	for (long at = 0; (at = find_word(s, "IS", (size_t)at)) >= 0; at += 2) {
		size_t i = (size_t)at + 2;
		if (!token(s, &i, t, sizeof t))
			break;
		if (!strcasecmp(t, "NOT") && !token(s, &i, t, sizeof t))
			break;
		if (strcasecmp(t, "NULL") && strcasecmp(t, "DISTINCT") && strcasecmp(t, "TRUE") &&
		    strcasecmp(t, "FALSE"))
			report(rel, line, "IS between values", "IS [NOT] DISTINCT FROM", s);
	}
	/* Scalar max() / min(); sum() of a comparison. */
	static const char *const fns[] = {"max(", "min(", "sum("};
	for (int f = 0; f < 3; f++)
		for (long at = 0; (at = find_word(s, fns[f], (size_t)at)) >= 0; at++) {
			size_t open = (size_t)at + 3;
			long close = closing(s, open);
			if (close < 0)
				break;
			if (f < 2 && top_level(s, open + 1, (size_t)close, 0))
				report(rel, line, f ? "scalar min()" : "scalar max()",
				       "least()/greatest() in C or CASE", s);
			size_t i = open + 1;
			if (f == 2 && token(s, &i, t, sizeof t) && strcasecmp(t, "CASE") &&
			    top_level(s, open + 1, (size_t)close, 1))
				report(rel, line, "sum() of a comparison",
				       "sum(CASE WHEN ... THEN 1 ELSE 0 END)", s);
		}
	/* A bare 0 / 1 as a condition. */
	size_t i = 0;
	t[0] = u[0] = '\0';
	while (token(s, &i, v, sizeof v)) {
		int cond = !strcasecmp(u, "WHERE") || !strcasecmp(u, "AND") ||
			   !strcasecmp(u, "OR") || !strcasecmp(u, "NOT") ||
			   (!strcmp(u, "(") && (!strcasecmp(t, "WHERE") || !strcasecmp(t, "AND") ||
						!strcasecmp(t, "OR") || !strcasecmp(t, "NOT")));
		if (cond && (!strcmp(v, "0") || !strcmp(v, "1"))) {
			size_t j = i;
			char w[64];
			if (!token(s, &j, w, sizeof w) ||
			    !(strchr("=<>!", w[0]) || !strcasecmp(w, "IS") ||
			      !strcasecmp(w, "IN") || !strcasecmp(w, "BETWEEN") ||
			      strchr("+-*/%", w[0])))
				report(rel, line, "a bare 0 / 1 as a condition", "1 = 1 / 1 = 0",
				       s);
		}
		memcpy(t, u, sizeof t);
		memcpy(u, v, sizeof u);
	}
	/* A subquery in FROM / JOIN without an alias. */
	static const char *const froms[] = {"FROM", "JOIN"};
	for (int f = 0; f < 2; f++)
		for (long at = 0; (at = find_word(s, froms[f], (size_t)at)) >= 0; at += 4) {
			size_t j = (size_t)at + 4;
			while (s[j] == ' ')
				j++;
			if (s[j] != '(')
				continue;
			long close = closing(s, j);
			if (close < 0)
				continue;
			size_t k = (size_t)close + 1;
			if (!token(s, &k, t, sizeof t) || keyword(t))
				report(rel, line, "a subquery without an alias",
				       "(SELECT ...) AS t", s);
		}
}

static void check_sql(const char *rel, int line, const char *s)
{
	if (!looks_like_sql(s))
		return;
	for (size_t k = 0; k < sizeof forbidden / sizeof forbidden[0]; k++)
		if (find_word(s, forbidden[k].pattern, 0) >= 0)
			report(rel, line, forbidden[k].pattern, forbidden[k].why, s);
	check_forms(rel, line, s);
}

/* Joins the string literals of the C text SRC (comments and character literals skipped,
 * adjacent literals joined even across PRI* macros and line continuations) and checks each. */
static void scan_file(const char *rel, const char *src)
{
	size_t n = strlen(src);
	char *lit = malloc(n + 1);
	assert_non_null(lit);
	size_t used = 0;
	int line = 1, start = 0, open = 0; /* open: a literal run in progress */
	for (size_t i = 0; i < n;) {
		char c = src[i];
		if (c == '\n') {
			line++;
			i++;
			continue;
		}
		if (c == '/' && src[i + 1] == '/') {
			while (i < n && src[i] != '\n')
				i++;
			continue;
		}
		if (c == '/' && src[i + 1] == '*') {
			i += 2;
			while (i < n && !(src[i] == '*' && src[i + 1] == '/')) {
				line += src[i] == '\n';
				i++;
			}
			i += 2;
			continue;
		}
		if (c == '\'') {
			i++;
			while (i < n && src[i] != '\'')
				i += src[i] == '\\' ? 2 : 1;
			i++;
			goto end_run;
		}
		if (c == '"') {
			if (!open) {
				open = 1;
				used = 0;
				start = line;
			}
			i++;
			while (i < n && src[i] != '"') {
				if (src[i] == '\\' && src[i + 1] == '\n') {
					line++;
					i += 2;
					continue;
				}
				if (src[i] == '\\') {
					lit[used++] = src[i++];
				}
				lit[used++] = src[i++];
			}
			i++;
			continue;
		}
		if (isspace((unsigned char)c) || (c == '\\' && src[i + 1] == '\n')) {
			i++;
			continue;
		}
		if (open && !strncmp(src + i, "PRI", 3)) { /* "%" PRId64 "..." */
			while (i < n && word_char((unsigned char)src[i]))
				i++;
			continue;
		}
		i++;
	end_run:
		if (open) {
			lit[used] = '\0';
			check_sql(rel, start, lit);
			open = 0;
		}
	}
	if (open) {
		lit[used] = '\0';
		check_sql(rel, start, lit);
	}
	free(lit);
}

static int files;

static void scan_dir(const char *root, const char *rel)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[2048];
		snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(path, sizeof path, "%s/%s", root, sub);
		struct stat sb;
		if (stat(path, &sb))
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (strcmp(sub, "store") != 0) /* the store's own SQL is the backend's */
				scan_dir(root, sub);
			continue;
		}
		size_t len = strlen(sub);
		if (len < 2 || (strcmp(sub + len - 2, ".c") && strcmp(sub + len - 2, ".h")))
			continue;
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *text = malloc((size_t)size + 1);
		assert_non_null(text);
		assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
		text[size] = '\0';
		fclose(f);
		scan_file(sub, text);
		free(text);
		files++;
	}
	closedir(d);
}

static void test_sql_outside_store_is_portable(void **state)
{
	(void)state;
	const char *root = getenv("CC_SOURCE_DIR");
	assert_non_null(root);
	char src[4096];
	snprintf(src, sizeof src, "%s/src", root);
	hits = 0;
	files = 0;
	scan_dir(src, "");
	print_message("%d files scanned, %d non-portable constructs\n", files, hits);
	assert_true(files > 50);
	assert_int_equal(hits, 0);
}

/* The scanner itself: each kind of construct is caught in a literal, and portable SQL is not. */
static void test_scanner_catches(void **state)
{
	(void)state;
	static const struct {
		const char *c;
		int bad;
	} cases[] = {
		{"x = \"INSERT OR IGNORE INTO t(a) VALUES(1)\";", 1},
		{"x = \"INSERT INTO t(a) VALUES(1) \"\n \"ON CONFLICT DO NOTHING\";", 0},
		{"x = \"UPDATE t SET at = strftime('%Y', 'now') WHERE id = ?1\";", 1},
		{"x = \"SELECT id FROM t WHERE a IS ?1\";", 1},
		{"x = \"SELECT id FROM t WHERE a IS NOT DISTINCT FROM ?1 AND b IS NOT NULL\";", 0},
		{"x = \"SELECT max(a, b) FROM t\";", 1},
		{"x = \"SELECT max(a), min(b) FROM t\";", 0},
		{"x = \"SELECT sum(a = 'x') FROM t\";", 1},
		{"x = \"SELECT sum(CASE WHEN a = 'x' THEN 1 ELSE 0 END) FROM t\";", 0},
		{"x = \"SELECT count(*) FROM t WHERE 1\";", 1},
		{"x = \"SELECT count(*) FROM t WHERE 1 = 1 AND (?1 = 0 OR a = ?1)\";", 0},
		{"x = \"SELECT count(*) FROM (SELECT 1 FROM t LIMIT 3)\";", 1},
		{"x = \"SELECT count(*) FROM (SELECT 1 FROM t LIMIT 3) t\";", 0},
		{"x = \"SELECT group_concat(a, ',') FROM t\";", 1},
		{"x = \"SELECT rowid FROM t_fts WHERE t_fts MATCH ?1\";", 1},
		{"x = \"SELECT a FROM t ORDER BY a COLLATE NOCASE\";", 1},
		{"x = \"SELECT a FROM t WHERE b = \" PRId64 \" AND json_extract(c, '$.x')\";", 1},
		{"/* \"SELECT instr(a, b) FROM t\" */ x = 'a';", 0},
		{"printf(\"no SQL here: date(now) and group_concat\");", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		hits = 0;
		scan_file("test.c", cases[i].c);
		if ((hits > 0) != cases[i].bad)
			print_error("case %zu (%s): %d hits\n", i, cases[i].c, hits);
		assert_int_equal(hits > 0, cases[i].bad);
	}
	hits = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_catches),
		cmocka_unit_test(test_sql_outside_store_is_portable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
