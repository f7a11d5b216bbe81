/*
 * Unit tests of eval/expr: the expression language of criteria and models. Parsing
 * (precedence, every operator and function, errors with their columns, limits), three-valued
 * logic, each function on a small frame built through the importer with every expected number
 * worked out below, thresholds exactly at the boundary on both sides, explain and near misses,
 * and column evaluation agreeing with one-enterprise evaluation.
 *
 * Enterprises (region; founded; scale; board; certificates):
 *   A 500112 (Chongqing Yubei)  2022-12-31 small  none  hightech;srdi
 *   B 500107 (Chongqing)        2023-01-01 medium star  tech_sme
 *   C 510116 (Chengdu)          2010-06-15 large  neeq  -
 *   D 440305 (Shenzhen)         everything else unknown, no indicators
 * Indicators (万元; persons; count):
 *   A revenue 2021 1000, 2022 1200, 2023 1500, 2024 2000; rd_expense 40, 50, 60, 100;
 *     net_profit 2023 -10, 2024 50; 2024: employees 100, rd_staff 10, total_assets 1000,
 *     total_liabilities 600, invention_patents 7.
 *     -> 2024: rd_intensity 100/2000 = 0.05 exactly, rd_staff_share 0.1 exactly, debt 0.6;
 *        yoy(revenue) = 2000/1500 - 1 = 1/3; cagr(revenue, 3) = 2^(1/3) - 1 = 0.259921;
 *        avg_last(revenue, 3) = (1200 + 1500 + 2000)/3 = 1566.667; sum_last = 4700;
 *        sum_last(rd_expense, 3) / sum_last(revenue, 3) = 210/4700 = 0.0446809;
 *        value(revenue, -1) = 1500, value(revenue, -3) = 1000, value(revenue, -4) unknown
 *        (2020 is before the frame); min_last(net_profit, 2) = -10, max_last = 50;
 *        age = 2.0 exactly (second anniversary on 31 December 2024); in 2023, 1.0.
 *   B revenue 2021 500, 2023 800, 2024 1000 (2022 missing); 2024: rd_expense 49.9999
 *     (rd_intensity 0.0499999), employees 50, rd_staff 4 (0.08), total_assets 100,
 *     total_liabilities 71 (debt 0.71).
 *     -> yoy = 0.25; cagr(revenue, 3) = 2^(1/3) - 1; sum_last(revenue, 3) unknown (2022);
 *        age = 1 + 365/366 (founded 1 January 2023; 2024 is a leap year).
 *   C revenue 2021 100, 2023 0, 2024 800; rd_expense 2023 5.
 *     -> yoy(revenue) unknown (last year 0), cagr(revenue, 3) = 8^(1/3) - 1 = 1;
 *        rd_expense / revenue in 2023 unknown (division by zero).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "domain/uscc.h"
#include "eval/expr.h"
#include "io/import.h"

/* cmocka 1.1 compares floats in single precision; these tests need doubles. */
#define near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/* An expression that is unknown for every enterprise (2004 is outside the frame). */
#define UNK "value(revenue, -20) > 0"

static char dir[] = "/tmp/cc-expr-XXXXXX";
static struct cc_store *st;
static struct cc_frame *frame;
static char A[19], B[19], C[19], D[19];
static int ia, ib, ic, id;

static void load(const char *name, const char *text)
{
	tu_load(st, dir, name, text);
}

static int setup(void **state)
{
	(void)state;
	char p[256], t[4096];
	struct cc_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	snprintf(p, sizeof p, "%s/e.db", dir);
	if (cc_store_open(&st, p, CC_STORE_CREATE, &err))
		return -1;
	tu_uscc(A, 500112, 1);
	tu_uscc(B, 500107, 2);
	tu_uscc(C, 510116, 3);
	tu_uscc(D, 440305, 4);
	snprintf(t, sizeof t,
		 "uscc,name,region,founded,scale,listed,certs\n"
		 "%s,A,500112,2022-12-31,small,none,hightech;srdi\n"
		 "%s,B,500107,2023-01-01,medium,star,tech_sme\n"
		 "%s,C,510116,2010-06-15,large,neeq,\n"
		 "%s,D,440305,,,,\n",
		 A, B, C, D);
	load("e.csv", t);
	snprintf(t, sizeof t,
		 "uscc,period,revenue,rd_expense,net_profit,employees,rd_staff,total_assets,"
		 "total_liabilities,invention_patents\n"
		 "%s,2021,1000,40,,,,,,\n%s,2022,1200,50,,,,,,\n%s,2023,1500,60,-10,,,,,\n"
		 "%s,2024,2000,100,50,100,10,1000,600,7\n"
		 "%s,2021,500,,,,,,,\n%s,2023,800,,,,,,,\n%s,2024,1000,49.9999,,50,4,100,71,\n"
		 "%s,2021,100,,,,,,,\n%s,2023,0,5,,,,,,\n%s,2024,800,,,,,,,\n",
		 A, A, A, A, B, B, B, C, C, C);
	load("i.csv", t);
	if (cc_frame_build(st, 0, &frame, &err))
		return -1;
	ia = cc_frame_find(frame, A);
	ib = cc_frame_find(frame, B);
	ic = cc_frame_find(frame, C);
	id = cc_frame_find(frame, D);
	return ia < 0 || ib < 0 || ic < 0 || id < 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	cc_frame_release(frame);
	cc_store_close(st);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Parses SRC or fails the test with the parser's message. */
static struct expr *parse(const char *src)
{
	struct expr *e = NULL;
	struct cc_error err = {0};
	int rc = expr_parse(src, strlen(src), 0, &e, NULL, &err);
	if (rc)
		fail_msg("'%s': %s", src, err.msg);
	return e;
}

/* Evaluates SRC for enterprise I at YEAR; returns the truth and the value in *V. */
static int eval_at(const char *src, int i, int year, double *v)
{
	struct expr *e = parse(src);
	double x;
	int t = expr_eval_one(e, frame, i, year, &x);
	expr_free(e);
	if (v)
		*v = x;
	return t;
}

static double value_of(const char *src, int i)
{
	double v;
	eval_at(src, i, 2024, &v);
	return v;
}

static int truth_of(const char *src, int i)
{
	return eval_at(src, i, 2024, NULL);
}

/* Asserts that SRC fails to parse at COLUMN with a message containing PART. */
static void bad(const char *src, int column, const char *part)
{
	struct expr *e = NULL;
	struct expr_where w;
	struct cc_error err = {0};
	int rc = expr_parse(src, strlen(src), 0, &e, &w, &err);
	if (rc != CC_EPARSE)
		fail_msg("'%s' parsed (rc %d)", src, rc);
	assert_null(e);
	if (w.column != column || !strstr(err.msg, part))
		fail_msg("'%s': got column %d '%s', want column %d with '%s'", src, w.column,
			 err.msg, column, part);
	char head[32];
	snprintf(head, sizeof head, "error at column %d: ", column);
	if (strncmp(err.msg, head, strlen(head)) != 0 && !strstr(err.msg, "line"))
		fail_msg("'%s': message '%s' does not start with '%s'", src, err.msg, head);
}

static void test_parse_ok(void **state)
{
	(void)state;
	static const struct {
		const char *src;
		int type, clauses;
	} ok[] = {
		{"revenue", EXPR_NUMBER, 0},
		{"rd_intensity >= 0.05", EXPR_CONDITION, 1},
		{"revenue >= 1e6 and rd_intensity >= 5%", EXPR_CONDITION, 2},
		{"not (revenue > 1 or employees < 3) and has(hightech)", EXPR_CONDITION, 3},
		{"revenue between 1 and 2", EXPR_CONDITION, 1},
		{"revenue not between 1 and 2", EXPR_CONDITION, 1},
		{"revenue not in (1, 2, 3)", EXPR_CONDITION, 1},
		{"yoy(revenue) + cagr(revenue, 3) + avg_last(revenue, 2) + sum_last(revenue, 2) + "
		 "min_last(revenue, 2) + max_last(revenue, 2) + value(revenue, -1) + min(1, 2) + "
		 "max(1, 2, 3) + abs(-1) + if(revenue > 1, 1, 2) + bands(revenue, 10, 1, 0)",
		 EXPR_NUMBER, 0},
		{"age > 1 && !listed || board(star, gem) && scale(small, micro) && in_region(50, 5101)",
		 EXPR_CONDITION, 5},
		{"REVENUE > 1 AND Employees < 5", EXPR_CONDITION, 2},
		{"营业收入 ≥ 1000 and 研发投入强度 ≥ 5％", EXPR_CONDITION, 2},
		{"cagr（revenue，3） ＞ 0.2", EXPR_CONDITION, 1},
		{"true", EXPR_CONDITION, 1},
		{"  revenue\n  > 1\n", EXPR_CONDITION, 1},
		{"yoy(rd_expense / revenue) > 0", EXPR_CONDITION, 1},
		{".5 < 1", EXPR_CONDITION, 1},
		{"revenue = 1 or revenue == 2 or revenue <> 3 or revenue != 4 or revenue ≠ 5",
		 EXPR_CONDITION, 5},
	};
	for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
		struct expr *e = parse(ok[k].src);
		assert_int_equal(expr_type(e), ok[k].type);
		assert_int_equal(expr_clause_count(e), ok[k].clauses);
		assert_string_equal(expr_source(e), ok[k].src);
		expr_free(e);
	}
	/* Every metric of the catalogue, derived ones included, by key and by Chinese name. */
	for (int m = 0; m < CC_M_COUNT; m++) {
		const struct cc_metric *mt = cc_metric_get(m);
		struct expr *e = parse(mt->key);
		expr_free(e);
		e = parse(mt->name_zh);
		expr_free(e);
	}
	/* Flags: criteria want conditions, indicators numbers. */
	struct expr *e = NULL;
	struct cc_error err;
	assert_int_equal(expr_parse("revenue", 7, EXPR_WANT_CONDITION, &e, NULL, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "expected a condition"));
	assert_int_equal(expr_parse("revenue > 1", 11, EXPR_WANT_NUMBER, &e, NULL, &err),
			 CC_EPARSE);
	assert_int_equal(expr_parse("revenue > 1", 11, EXPR_WANT_CONDITION, &e, NULL, &err), 0);
	expr_free(e);
	/* Not NUL-terminated: only LEN bytes are read. */
	assert_int_equal(expr_parse("revenue > 1 garbage", 11, 0, &e, NULL, &err), 0);
	assert_string_equal(expr_source(e), "revenue > 1");
	expr_free(e);
	expr_free(NULL);
}

static void test_precedence(void **state)
{
	(void)state;
	static const struct {
		const char *src;
		double v;
	} cases[] = {
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"10 - 4 - 3", 3},
		{"8 / 4 / 2", 1},
		{"2 * 3 + 4 * 5", 26},
		{"-2 * 3", -6},
		{"-(2 + 3)", -5},
		{"- -2", 2},
		{"+2", 2},
		{"2 - -2", 4},
		{"5% * 200", 10},
		{"1e3 + 1", 1001},
		{"2.5e-1", 0.25},
		{"12.5%", 0.125},
		{"1E+2", 100},
		{"３ × ４ ÷ ２", 6},
		{"（1 ＋ 2）＊ 3 － 1", 8},
		{"abs(-3) + min(4, 2, 3) + max(1, 5)", 10},
		{"if(1 > 2, 10, 20)", 20},
		{"if(1 < 2, 10, 20)", 10},
		{"bands(0.25, 0.3, 20, 0.25, 16, 0.2, 12, 0)", 16},
		{"bands(0.2499, 0.3, 20, 0.25, 16, 0.2, 12, 0)", 12},
		{"bands(0.31, 0.3, 20, 0.25, 16, 0.2, 12, 0)", 20},
		{"bands(0.1, 0.3, 20, 0.25, 16, 0.2, 12, 0)", 0},
		/* Conditions as values: 1 true, 0 false. */
		{"true or false and false", 1}, /* and binds tighter than or */
		{"(true or false) and false", 0},
		{"not false and false", 0}, /* (not false) and false */
		{"not (false and false)", 1},
		{"!1 > 2", 1}, /* ! binds looser than comparisons */
		{"1 + 1 == 2", 1},
		{"2 * 3 > 5 and 1 < 2", 1},
		{"1 between 1 and 2", 1},
		{"2 between 1 and 2", 1},
		{"2.0001 between 1 and 2", 0},
		{"3 not between 1 and 2", 1},
		{"2 in (1, 2, 3)", 1},
		{"4 in (1, 2, 3)", 0},
		{"4 not in (1, 2, 3)", 1},
		{"1 < 2", 1},
		{"2 <= 2", 1},
		{"3 > 2", 1},
		{"2 >= 3", 0},
		{"2 == 2", 1},
		{"2 = 2", 1},
		{"2 != 2", 0},
		{"2 <> 3", 1},
		{"2 ≤ 2 and 3 ≥ 3 and 2 ≠ 3", 1},
		{"2 ＜ 3 and 3 ＞ 2 and 2 ＝ 2 and 2 ＞＝ 2 and 2 ！＝ 3", 1},
		{"true && false || true", 1},
		{"！false", 1},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double v = value_of(cases[k].src, ia);
		if (!(fabs(v - cases[k].v) <= 1e-12))
			fail_msg("'%s' = %.17g, want %.17g", cases[k].src, v, cases[k].v);
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* The example of the issue: the caret goes where the ')' was expected. */
	bad("cagr(revenue, 3 > 0.2", 17, "expected ')' after arguments of cagr");
	bad("", 1, "expected a value, found the end of the expression");
	bad("   ", 4, "expected a value");
	bad("revenue >", 10, "expected a value, found the end");
	bad("revenue > > 1", 11, "expected a value, found '>'");
	bad("revenu > 1", 1, "unknown name 'revenu' (did you mean 'revenue'?)");
	bad("rd_intensty >= 0.05", 1, "did you mean 'rd_intensity'?");
	bad("zzz > 1", 1, "unknown name 'zzz'");
	bad("cagr > 1", 1, "'cagr' is a function");
	bad("foo(revenue)", 1, "unknown function 'foo'");
	bad("yo(revenue)", 1, "unknown function 'yo' (did you mean 'yoy'?)");
	bad("revenue and employees > 1", 1,
	    "expected a condition (such as revenue > 0) before 'and'");
	bad("revenue > 1 and employees", 17, "after 'and', found a number");
	bad("revenue > 1 or 2", 16, "after 'or', found a number");
	bad("not revenue", 5, "after 'not', found a number");
	bad("(revenue > 1) + 2", 1, "expected a number before '+', found a condition");
	bad("2 * (revenue > 1)", 5, "expected a number after '*'");
	bad("1 < revenue < 3", 13, "comparisons do not chain");
	bad("(revenue > 1", 13, "expected ')' to close the '(' at column 1");
	bad("revenue > 1)", 12, "unexpected ')' with no '(' to close");
	bad("revenue > 1 2", 13, "unexpected '2': expected an operator or the end");
	bad("revenue 2", 9, "unexpected '2'");
	bad("5%%", 3, "'%' must follow a number");
	bad("% 5", 1, "'%' must follow a number");
	bad("1.2.3", 1, "malformed number '1.2.3'");
	bad("2e > 1", 1, "the exponent needs digits");
	bad("3abc", 1, "malformed number '3abc'");
	bad("1e999", 1, "out of range");
	bad("revenue & 1", 9, "write 'and' or '&&'");
	bad("revenue | 1", 9, "write 'or' or '||'");
	bad("revenue @ 1", 9, "unexpected character '@'");
	bad("revenue > 1 and", 16, "expected a value");
	bad("and revenue", 1, "expected a value, found 'and'");
	bad("revenue between 1 or 2", 19, "expected 'and' in 'between");
	bad("revenue in 1, 2", 12, "expected '(' after 'in'");
	bad("revenue in (1, 2", 17, "expected ',' or ')' in the list of 'in'");
	bad("revenue in (1 > 0)", 15, "expected ',' or ')' in the list of 'in'");
	bad("revenue in ((1 > 0))", 13, "expected a number in the list of 'in'");
	bad("yoy(revenue", 12, "expected ')' after arguments of yoy");
	bad("yoy()", 1, "yoy takes 1 argument: yoy(x)");
	bad("cagr(revenue)", 1, "cagr takes 2 arguments: cagr(x, years)");
	bad("cagr(revenue, 0)", 15, "the years of cagr must be a whole number from 1 to 50");
	bad("cagr(revenue, 2.5)", 15, "whole number");
	bad("cagr(revenue, employees)", 15, "whole number");
	bad("avg_last(revenue, 51)", 19, "the n of avg_last must be a whole number from 1 to 50");
	bad("value(revenue, 0.5)", 16, "the year offset of value");
	bad("min(revenue)", 1, "min takes 2 to 64 arguments");
	bad("min(revenue, 1 2)", 16, "expected ',' or ')' in the arguments of min");
	bad("yoy(revenue > 1)", 13, "expected ')' after arguments of yoy");
	bad("yoy((revenue > 1))", 5, "expected a number as argument 1 of yoy");
	bad("if(revenue, 1, 2)", 4,
	    "expected a condition (such as revenue > 0) as argument 1 of if");
	bad("if(revenue > 1, 2)", 1, "if takes 3 arguments");
	bad("bands(revenue, 1)", 1, "bands takes 4 to");
	bad("bands(revenue, 1, 2, 3, 4)", 1, "bands takes x, then (threshold, points) pairs");
	bad("bands(revenue, 1, 10, 2, 20, 0)", 23, "must go down strictly");
	bad("bands(revenue, employees, 10, 0)", 16, "must be numbers");
	bad("has(foo)", 5, "unknown certificate 'foo' in has: expected one of hightech");
	bad("has()", 5, "expected a certificate in has");
	bad("has(hightech srdi)", 14, "expected ',' or ')' in the arguments of has");
	bad("board(nasdaq)", 7, "unknown board 'nasdaq'");
	bad("scale(huge)", 7, "unknown scale 'huge'");
	bad("in_region(500)", 11, "region code of 2, 4 or 6 digits");
	bad("in_region(50.0)", 11, "region code of 2, 4 or 6 digits");
	bad("营业收入 ≥ 1000 且", 13, "unexpected '且'");
	bad("营业收入 >= 10０0万", 9, "malformed number");
	bad("revenue > 1 and\n  yoy(", 7, "expected a value");
	/* Several lines: the message names the line. */
	struct expr *e = NULL;
	struct expr_where w;
	struct cc_error err;
	assert_int_equal(expr_parse("revenue > 1 and\n  yoy(", 22, 0, &e, &w, &err), CC_EPARSE);
	assert_int_equal(w.line, 2);
	assert_int_equal(w.column, 7);
	assert_int_equal(w.offset, 22);
	assert_string_equal(err.msg, "error at line 2, column 7: expected a value, found the end "
				     "of the expression");
	/* Invalid UTF-8 and control characters. */
	assert_int_equal(expr_parse("rev\xff", 4, 0, &e, &w, &err), CC_EPARSE);
	assert_int_equal(w.column, 4);
	assert_non_null(strstr(err.msg, "not valid UTF-8"));
	assert_int_equal(expr_parse("1 >\0 0", 6, 0, &e, &w, &err), CC_EPARSE);
	assert_int_equal(w.column, 4);
	assert_non_null(strstr(err.msg, "control character U+0000"));
}

static void test_limits(void **state)
{
	(void)state;
	char *s = malloc(EXPR_MAX_LEN * 4);
	struct expr *e = NULL;
	struct expr_where w;
	struct cc_error err;
	size_t n;
	/* Length. */
	memset(s, ' ', EXPR_MAX_LEN + 1);
	s[0] = '1';
	assert_int_equal(expr_parse(s, EXPR_MAX_LEN + 1, 0, &e, &w, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "longer than 4096 bytes"));
	assert_int_equal(expr_parse(s, EXPR_MAX_LEN, 0, &e, &w, &err), 0);
	expr_free(e);
	/* Nesting: 64 parentheses parse, 65 do not. */
	for (int depth = EXPR_MAX_DEPTH; depth <= EXPR_MAX_DEPTH + 1; depth++) {
		n = 0;
		for (int k = 0; k < depth; k++)
			s[n++] = '(';
		s[n++] = '1';
		for (int k = 0; k < depth; k++)
			s[n++] = ')';
		int rc = expr_parse(s, n, 0, &e, &w, &err);
		if (depth == EXPR_MAX_DEPTH) {
			assert_int_equal(rc, 0);
			expr_free(e);
		} else {
			assert_int_equal(rc, CC_EPARSE);
			assert_int_equal(w.column, EXPR_MAX_DEPTH + 1);
			assert_non_null(strstr(err.msg, "nests more than 64 levels"));
		}
	}
	/* Unary operators and "not" count as nesting too. */
	n = 0;
	for (int k = 0; k < 1000; k++)
		s[n++] = '-';
	s[n++] = '1';
	assert_int_equal(expr_parse(s, n, 0, &e, &w, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "nests more than"));
	n = 0;
	for (int k = 0; k < 1000; k++) {
		memcpy(s + n, "not ", 4);
		n += 4;
	}
	memcpy(s + n, "true", 4);
	assert_int_equal(expr_parse(s, n + 4, 0, &e, &w, &err), CC_EPARSE);
	/* Nested function calls. */
	n = 0;
	for (int k = 0; k < 100; k++) {
		memcpy(s + n, "abs(", 4);
		n += 4;
	}
	s[n++] = '1';
	for (int k = 0; k < 100; k++)
		s[n++] = ')';
	assert_int_equal(expr_parse(s, n, 0, &e, &w, &err), CC_EPARSE);
	/* A long flat sum: too many levels of operations for the evaluator. */
	n = 0;
	for (int k = 0; k < 400; k++) {
		memcpy(s + n, "revenue+", 8);
		n += 8;
	}
	s[n++] = '1';
	assert_int_equal(expr_parse(s, n, 0, &e, &w, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "too deep"));
	/* Too many nodes (constants fold, but each still counts). */
	n = 0;
	for (int k = 0; k < 1100; k++) {
		memcpy(s + n, "1+", 2);
		n += 2;
	}
	s[n++] = '1';
	assert_int_equal(expr_parse(s, n, 0, &e, &w, &err), CC_EPARSE);
	assert_non_null(strstr(err.msg, "more than 1024 parts"));
	/* A long criterion within the limits works: 100 clauses. */
	n = 0;
	for (int k = 0; k < 100; k++) {
		n += (size_t)snprintf(s + n, 64, "%srevenue > %d", k ? " and " : "", k);
	}
	assert_int_equal(expr_parse(s, n, 0, &e, &w, &err), 0);
	assert_int_equal(expr_clause_count(e), 100);
	assert_int_equal(expr_eval_one(e, frame, ia, 2024, NULL), EXPR_TRUE);
	expr_free(e);
	free(s);
}

/* Kleene's three-valued logic, through the language. */
static void test_three_valued(void **state)
{
	(void)state;
	static const char *const lit[3] = {"false", UNK, "true"}; /* by enum expr_truth_t */
	char src[256];
	assert_int_equal(truth_of(UNK, ia), EXPR_UNKNOWN);
	for (int a = 0; a < 3; a++) {
		snprintf(src, sizeof src, "not (%s)", lit[a]);
		assert_int_equal(truth_of(src, ia), 2 - a);
		for (int b = 0; b < 3; b++) {
			int want_and = a < b ? a : b, want_or = a > b ? a : b;
			snprintf(src, sizeof src, "(%s) and (%s)", lit[a], lit[b]);
			if (truth_of(src, ia) != want_and)
				fail_msg("%s: %d, want %d", src, truth_of(src, ia), want_and);
			snprintf(src, sizeof src, "(%s) or (%s)", lit[a], lit[b]);
			if (truth_of(src, ia) != want_or)
				fail_msg("%s: %d, want %d", src, truth_of(src, ia), want_or);
		}
	}
	/* The table spelled out where it matters. */
	assert_int_equal(truth_of("false and " UNK, ia), EXPR_FALSE);
	assert_int_equal(truth_of(UNK " and false", ia), EXPR_FALSE);
	assert_int_equal(truth_of("true and " UNK, ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("true or " UNK, ia), EXPR_TRUE);
	assert_int_equal(truth_of(UNK " or true", ia), EXPR_TRUE);
	assert_int_equal(truth_of("false or " UNK, ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("not " UNK, ia), EXPR_UNKNOWN);
	/* Unknown is never zero. */
	double v;
	assert_int_equal(eval_at("value(revenue, -20)", ia, 2024, &v), EXPR_UNKNOWN);
	assert_true(isnan(v));
	assert_true(isnan(value_of("0 * value(revenue, -20)", ia)));
	assert_true(isnan(value_of("value(revenue, -20) + 1", ia)));
	assert_true(isnan(value_of("-value(revenue, -20)", ia)));
	assert_true(isnan(value_of("abs(value(revenue, -20))", ia)));
	assert_true(isnan(value_of("min(1, value(revenue, -20))", ia)));
	assert_true(isnan(value_of("max(value(revenue, -20), 1)", ia)));
	assert_true(isnan(value_of("if(" UNK ", 1, 1)", ia)));
	assert_true(isnan(value_of("bands(value(revenue, -20), 1, 1, 0)", ia)));
	assert_int_equal(truth_of("value(revenue, -20) == value(revenue, -20)", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("value(revenue, -20) != 1", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("value(revenue, -20) >= 0", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("value(revenue, -20) between 0 and 1", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("1 between value(revenue, -20) and 2", ia), EXPR_UNKNOWN);
	/* in: true on a match whatever else is unknown; unknown when an unmatched item is. */
	assert_int_equal(truth_of("1 in (1, value(revenue, -20))", ia), EXPR_TRUE);
	assert_int_equal(truth_of("1 in (2, value(revenue, -20))", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("value(revenue, -20) in (1, 2)", ia), EXPR_UNKNOWN);
	assert_int_equal(truth_of("1 not in (2, value(revenue, -20))", ia), EXPR_UNKNOWN);
	/* Division by zero is unknown, in constants and in data. */
	assert_true(isnan(value_of("1 / 0", ia)));
	assert_true(isnan(value_of("revenue / 0", ia)));
	assert_true(isnan(value_of("value(rd_expense / revenue, -1)", ic))); /* C: 5 / 0 in 2023 */
	assert_int_equal(truth_of("value(rd_expense / revenue, -1) > 0", ic), EXPR_UNKNOWN);
	/* Results that overflow are unknown, not infinite. */
	assert_true(isnan(value_of("1e300 * 1e300", ia)));
	assert_true(isnan(value_of("revenue * 1e306", ia)));
	/* An enterprise with no data: every metric unknown, and so every comparison. */
	assert_int_equal(truth_of("revenue > 0", id), EXPR_UNKNOWN);
	assert_int_equal(truth_of("revenue > 0 or has(hightech)", id), EXPR_UNKNOWN);
	assert_int_equal(truth_of("revenue > 0 and has(hightech)", id), EXPR_FALSE);
	/* Out of range enterprise. */
	struct expr *e = parse("true");
	assert_int_equal(expr_eval_one(e, frame, -1, 2024, &v), EXPR_UNKNOWN);
	assert_true(isnan(v));
	assert_int_equal(expr_eval_one(e, frame, frame->n, 2024, NULL), EXPR_UNKNOWN);
	expr_free(e);
}

static void test_functions(void **state)
{
	(void)state;
	double v;
	/* Metrics at the reference year; the reference year defaults to the latest (2024). */
	near(value_of("revenue", ia), 2000, 0);
	assert_int_equal(eval_at("revenue", ia, 0, &v), EXPR_TRUE);
	near(v, 2000, 0);
	assert_int_equal(eval_at("revenue", ia, 2022, &v), EXPR_TRUE);
	near(v, 1200, 0);
	near(value_of("rd_intensity", ia), 0.05, 0);
	near(value_of("研发投入强度", ia), 0.05, 0);
	near(value_of("debt_ratio", ib), 0.71, 1e-15);
	/* yoy */
	near(value_of("yoy(revenue)", ia), 1.0 / 3.0, 1e-15);
	near(value_of("yoy(revenue)", ib), 0.25, 1e-15);
	assert_true(isnan(value_of("yoy(revenue)", ic))); /* last year 0 */
	assert_true(isnan(value_of("yoy(revenue)", id)));
	assert_int_equal(eval_at("yoy(revenue)", ia, 2023, &v), EXPR_TRUE);
	near(v, 0.25, 1e-15);						       /* 1500 / 1200 - 1 */
	assert_int_equal(eval_at("yoy(revenue)", ia, 2021, &v), EXPR_UNKNOWN); /* no 2020 */
	near(value_of("yoy(rd_expense / revenue)", ia), 0.05 / 0.04 - 1, 1e-12);
	/* cagr over 3 years: 2000 / 1000, 1000 / 500, 800 / 100; the frame's revenue_cagr3 agrees.
	 */
	near(value_of("cagr(revenue, 3)", ia), 0.2599210498948732, 1e-12);
	near(value_of("cagr(revenue, 3)", ib), 0.2599210498948732, 1e-12);
	near(value_of("cagr(revenue, 3)", ic), 1.0, 1e-12);
	near(value_of("cagr(revenue, 3) - revenue_cagr3", ia), 0, 0);
	near(value_of("cagr(revenue, 1) - yoy(revenue)", ia), 0, 1e-15);
	near(value_of("cagr(revenue, 2)", ia), sqrt(2000.0 / 1200.0) - 1, 1e-12);
	assert_true(isnan(value_of("cagr(revenue, 2)", ib))); /* 2022 missing */
	assert_true(isnan(value_of("cagr(revenue, 4)", ia))); /* 2020 outside the frame */
	/* avg_last, sum_last, min_last, max_last: unknown when any year is. */
	near(value_of("avg_last(revenue, 3)", ia), 4700.0 / 3.0, 1e-9);
	near(value_of("sum_last(revenue, 3)", ia), 4700, 0);
	near(value_of("sum_last(revenue, 4)", ia), 5700, 0);
	near(value_of("sum_last(revenue, 1)", ia), 2000, 0);
	near(value_of("avg_last(revenue, 2)", ib), 900, 0);
	assert_true(isnan(value_of("sum_last(revenue, 3)", ib)));
	assert_true(isnan(value_of("avg_last(revenue, 3)", ib)));
	assert_true(isnan(value_of("sum_last(revenue, 5)", ia)));
	near(value_of("sum_last(rd_expense, 3) / sum_last(revenue, 3)", ia), 210.0 / 4700.0, 1e-15);
	near(value_of("min_last(net_profit, 2)", ia), -10, 0);
	near(value_of("max_last(net_profit, 2)", ia), 50, 0);
	assert_true(isnan(value_of("min_last(net_profit, 3)", ia)));
	near(value_of("min_last(revenue, 4)", ia), 1000, 0);
	near(value_of("max_last(revenue, 4)", ia), 2000, 0);
	/* value(x, offset): last year's, three years back, outside the frame, the future. */
	near(value_of("value(revenue, -1)", ia), 1500, 0);
	near(value_of("value(revenue, -3)", ia), 1000, 0);
	near(value_of("value(revenue, 0)", ia), 2000, 0);
	assert_true(isnan(value_of("value(revenue, -4)", ia)));
	assert_true(isnan(value_of("value(revenue, 1)", ia)));
	assert_int_equal(eval_at("value(revenue, 1)", ia, 2023, &v), EXPR_TRUE);
	near(v, 2000, 0);
	near(value_of("value(yoy(revenue), -1)", ia), 0.25, 1e-15);
	near(value_of("value(value(revenue, -1), -1)", ia), 1200, 0);
	near(value_of("sum_last(value(revenue, -1), 2)", ia), 2700, 0);
	/* min, max, abs, if, bands. */
	near(value_of("min(revenue, 1500, 3000)", ia), 1500, 0);
	near(value_of("max(revenue, 1500, 3000)", ia), 3000, 0);
	near(value_of("abs(net_profit - 100)", ia), 50, 0);
	near(value_of("if(revenue <= 5000, 5%, if(revenue <= 20000, 4%, 3%))", ia), 0.05, 0);
	near(value_of("bands(rd_staff_share, 0.3, 20, 0.25, 16, 0.2, 12, 0.15, 8, 0.1, 4, 0)", ia),
	     4, 0);
	near(value_of("bands(rd_staff_share, 0.3, 20, 0.25, 16, 0.2, 12, 0.15, 8, 0.1, 4, 0)", ib),
	     0, 0);
	/* Attributes. age at 31 December of the reference year. */
	near(value_of("age", ia), 2.0, 0);
	assert_int_equal(eval_at("age", ia, 2023, &v), EXPR_TRUE);
	near(v, 1.0, 0);
	near(value_of("age", ib), 1.0 + 365.0 / 366.0, 1e-15);
	near(value_of("age", ic), 14 + (double)(30 - 15 + 31 + 31 + 30 + 31 + 30 + 31) / 365.0,
	     1e-12);
	assert_true(isnan(value_of("age", id)));
	assert_int_equal(truth_of("age >= 2", ia), EXPR_TRUE);
	assert_int_equal(truth_of("age >= 2", ib), EXPR_FALSE);
	assert_int_equal(truth_of("age > 1", ib), EXPR_TRUE);
	near(value_of("region", ia), 500112, 0);
	assert_int_equal(truth_of("region == 500112", ia), EXPR_TRUE);
	assert_int_equal(truth_of("in_region(50)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("in_region(50)", ib), EXPR_TRUE);
	assert_int_equal(truth_of("in_region(50)", ic), EXPR_FALSE);
	assert_int_equal(truth_of("in_region(5101)", ic), EXPR_TRUE);
	assert_int_equal(truth_of("in_region(500112)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("in_region(500112)", ib), EXPR_FALSE);
	assert_int_equal(truth_of("in_region(44, 5101)", id), EXPR_TRUE);
	assert_int_equal(truth_of("has(hightech)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("has(srdi)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("has(srdi_giant)", ia), EXPR_FALSE);
	assert_int_equal(truth_of("has(hightech)", ib), EXPR_FALSE);
	assert_int_equal(truth_of("has(hightech, tech_sme)", ib), EXPR_TRUE);
	assert_int_equal(truth_of("has(hightech)", id), EXPR_FALSE); /* no certificate: false */
	assert_int_equal(truth_of("listed", ia), EXPR_FALSE);	     /* none */
	assert_int_equal(truth_of("listed", ib), EXPR_TRUE);	     /* star */
	assert_int_equal(truth_of("listed", ic), EXPR_FALSE); /* neeq is quoted, not listed */
	assert_int_equal(truth_of("listed", id), EXPR_UNKNOWN);
	assert_int_equal(truth_of("board(neeq)", ic), EXPR_TRUE);
	assert_int_equal(truth_of("board(star, gem)", ib), EXPR_TRUE);
	assert_int_equal(truth_of("board(none)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("board(star)", id), EXPR_UNKNOWN);
	assert_int_equal(truth_of("scale(small, micro)", ia), EXPR_TRUE);
	assert_int_equal(truth_of("scale(small, micro)", ib), EXPR_FALSE);
	assert_int_equal(truth_of("scale(large)", ic), EXPR_TRUE);
	assert_int_equal(truth_of("scale(small)", id), EXPR_UNKNOWN);
}

/* Thresholds exactly at the boundary, both sides. */
static void test_boundaries(void **state)
{
	(void)state;
	/* A: rd_intensity = 100 / 2000 = 0.05 exactly; B: 49.9999 / 1000 = 0.0499999. */
	assert_int_equal(truth_of("rd_intensity >= 0.05", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity >= 0.05", ib), EXPR_FALSE);
	assert_int_equal(truth_of("rd_intensity >= 5%", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity >= 5%", ib), EXPR_FALSE);
	assert_int_equal(truth_of("rd_intensity >= 5.0e-2", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity > 0.05", ia), EXPR_FALSE);
	assert_int_equal(truth_of("rd_intensity <= 0.05", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity < 0.05", ia), EXPR_FALSE);
	assert_int_equal(truth_of("rd_intensity < 0.05", ib), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity == 0.05", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity >= 0.04999989", ib), EXPR_TRUE);
	assert_int_equal(truth_of("0.05 <= rd_intensity", ia), EXPR_TRUE);
	assert_int_equal(truth_of("0.05 <= rd_intensity", ib), EXPR_FALSE);
	assert_int_equal(truth_of("rd_intensity between 0.05 and 0.06", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity between 0.04 and 0.05", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_intensity between 0.05 and 0.06", ib), EXPR_FALSE);
	/* rd_staff_share = 10 / 100 = 0.1 exactly; B 0.08. */
	assert_int_equal(truth_of("rd_staff_share >= 10%", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_staff_share >= 0.1", ia), EXPR_TRUE);
	assert_int_equal(truth_of("rd_staff_share >= 0.1000001", ia), EXPR_FALSE);
	/* age exactly 2 on the second anniversary, one day short the day before. */
	assert_int_equal(truth_of("age >= 2", ia), EXPR_TRUE);
	assert_int_equal(truth_of("age > 2", ia), EXPR_FALSE);
	assert_int_equal(truth_of("age >= 2", ib), EXPR_FALSE);
	/* Money at the threshold. */
	assert_int_equal(truth_of("revenue >= 2000", ia), EXPR_TRUE);
	assert_int_equal(truth_of("revenue >= 2000.0001", ia), EXPR_FALSE);
	assert_int_equal(truth_of("revenue <= 2000 and revenue >= 2000", ia), EXPR_TRUE);
}

static void test_explain(void **state)
{
	(void)state;
	const char *src = "rd_intensity >= 5% and rd_staff_share >= 0.1 and 2100 <= revenue and "
			  "debt_ratio between 0 and 0.7 and not listed and has(hightech) and "
			  "invention_patents in (5, 6, 7)";
	struct expr *e = parse(src);
	struct expr_clause_result r[8];
	assert_int_equal(expr_clause_count(e), 7);
	/* A */
	assert_int_equal(expr_explain(e, frame, ia, 2024, r, 8), 7);
	assert_string_equal(r[0].text, "rd_intensity >= 5%");
	assert_int_equal(r[0].offset, 0);
	assert_int_equal(r[0].column, 1);
	assert_int_equal(r[0].op, EXPR_OP_GE);
	assert_string_equal(expr_op_name(r[0].op), ">=");
	assert_int_equal(r[0].truth, EXPR_TRUE);
	near(r[0].value, 0.05, 0);
	near(r[0].threshold, 0.05, 0);
	near(r[0].gap, 0, 0);
	near(expr_relative_gap(&r[0]), 0, 0);
	assert_int_equal(r[0].negated, 0);
	assert_true(isnan(r[0].low) && isnan(r[0].high));
	assert_string_equal(r[1].text, "rd_staff_share >= 0.1");
	assert_int_equal(r[1].truth, EXPR_TRUE);
	near(r[1].gap, 0, 0);
	/* A constant on the left moves right: the value is the data. */
	assert_string_equal(r[2].text, "2100 <= revenue");
	assert_int_equal(r[2].offset, strstr(src, "2100") - src);
	assert_int_equal(r[2].column, (int)(strstr(src, "2100") - src) + 1);
	assert_int_equal(r[2].op, EXPR_OP_GE);
	assert_int_equal(r[2].truth, EXPR_FALSE);
	near(r[2].value, 2000, 0);
	near(r[2].threshold, 2100, 0);
	near(r[2].gap, 100, 0);
	near(expr_relative_gap(&r[2]), 100.0 / 2100.0, 1e-15);
	/* between: passing, nearer to the upper bound (0.6 is 0.1 below 0.7). */
	assert_string_equal(r[3].text, "debt_ratio between 0 and 0.7");
	assert_int_equal(r[3].op, EXPR_OP_BETWEEN);
	assert_int_equal(r[3].truth, EXPR_TRUE);
	near(r[3].value, 0.6, 1e-15);
	near(r[3].low, 0, 0);
	near(r[3].high, 0.7, 0);
	near(r[3].threshold, 0.7, 0);
	near(r[3].gap, -0.1, 1e-15);
	/* not listed: the clause is "listed", false, under a not. */
	assert_string_equal(r[4].text, "listed");
	assert_int_equal(r[4].op, EXPR_OP_TEST);
	assert_int_equal(r[4].truth, EXPR_FALSE);
	assert_int_equal(r[4].negated, 1);
	near(r[4].value, 0, 0);
	assert_true(isnan(r[4].gap));
	assert_true(isnan(expr_relative_gap(&r[4])));
	assert_string_equal(r[5].text, "has(hightech)");
	assert_int_equal(r[5].truth, EXPR_TRUE);
	near(r[5].value, 1, 0);
	assert_string_equal(r[6].text, "invention_patents in (5, 6, 7)");
	assert_int_equal(r[6].op, EXPR_OP_IN);
	assert_int_equal(r[6].truth, EXPR_TRUE);
	near(r[6].value, 7, 0);
	assert_true(isnan(r[6].threshold));
	assert_int_equal(expr_eval_one(e, frame, ia, 2024, NULL), EXPR_FALSE);
	/* B: 0.0499999 fails by 1e-7; 0.08 by 0.02; debt 0.71 above 0.7 by 0.01. */
	assert_int_equal(expr_explain(e, frame, ib, 2024, r, 8), 7);
	assert_int_equal(r[0].truth, EXPR_FALSE);
	near(r[0].value, 0.0499999, 1e-15);
	near(r[0].gap, 1e-7, 1e-15);
	near(expr_relative_gap(&r[0]), 2e-6, 1e-12);
	assert_int_equal(r[1].truth, EXPR_FALSE);
	near(r[1].gap, 0.02, 1e-15);
	near(expr_relative_gap(&r[1]), 0.2, 1e-14);
	near(r[2].gap, 1100, 0);
	assert_int_equal(r[3].truth, EXPR_FALSE);
	near(r[3].threshold, 0.7, 0);
	near(r[3].gap, 0.01, 1e-15);
	near(expr_relative_gap(&r[3]), 0.01 / 0.7, 1e-12);
	assert_int_equal(r[4].truth, EXPR_TRUE); /* listed on star */
	near(r[4].value, 1, 0);
	assert_int_equal(r[5].truth, EXPR_FALSE);
	near(r[5].value, 0, 0);
	assert_int_equal(r[6].truth, EXPR_UNKNOWN); /* no patents reported */
	assert_true(isnan(r[6].value));
	/* Fewer slots than clauses: the first ones are filled, the count is still 7. */
	memset(r, 0, sizeof r);
	assert_int_equal(expr_explain(e, frame, ib, 2024, r, 2), 7);
	assert_non_null(r[1].text);
	assert_null(r[2].text);
	expr_free(e);

	/* Other operators and their gaps. */
	e = parse("revenue <= 1500 or revenue < 2000 or revenue == 1900 or revenue > 2000 or "
		  "revenue != 2000 or revenue between 2500 and 3000 or 1500 > revenue");
	assert_int_equal(expr_explain(e, frame, ia, 2024, r, 8), 7);
	near(r[0].gap, 500, 0); /* value - threshold */
	assert_int_equal(r[0].truth, EXPR_FALSE);
	near(r[1].gap, 0, 0); /* fails at gap 0: strict */
	assert_int_equal(r[1].truth, EXPR_FALSE);
	near(r[2].gap, 100, 0); /* |value - threshold| */
	near(r[3].gap, 0, 0);
	assert_int_equal(r[3].truth, EXPR_FALSE);
	assert_int_equal(r[4].op, EXPR_OP_NE);
	assert_int_equal(r[4].truth, EXPR_FALSE);
	near(r[4].threshold, 2000, 0);
	assert_true(isnan(r[4].gap));
	near(r[5].threshold, 2500, 0); /* below the range: the lower bound, 500 short */
	near(r[5].gap, 500, 0);
	assert_int_equal(r[6].op, EXPR_OP_LT); /* 1500 > revenue is revenue < 1500 */
	near(r[6].threshold, 1500, 0);
	near(r[6].gap, 500, 0);
	expr_free(e);

	/* A threshold of zero: INFINITY unless the gap is zero too. */
	e = parse("net_profit > 0 and value(net_profit, -1) > 0");
	assert_int_equal(expr_explain(e, frame, ia, 2024, r, 8), 2);
	assert_int_equal(r[0].truth, EXPR_TRUE);
	near(r[0].gap, -50, 0);
	assert_true(isinf(expr_relative_gap(&r[0])));
	assert_int_equal(r[1].truth, EXPR_FALSE);
	near(r[1].gap, 10, 0);
	assert_true(isinf(expr_relative_gap(&r[1])));
	expr_free(e);

	/* A numeric expression has no clauses; conditions inside if() are not clauses. */
	e = parse("if(revenue > 1, 1, 0) + 1");
	assert_int_equal(expr_clause_count(e), 0);
	assert_int_equal(expr_explain(e, frame, ia, 2024, r, 8), 0);
	expr_free(e);
	e = parse("if(revenue > 1, 1, 0) >= 1");
	assert_int_equal(expr_clause_count(e), 1);
	expr_free(e);
}

/* A clause on missing data says so. */
static void test_explain_unknown(void **state)
{
	(void)state;
	struct expr *e = parse("rd_intensity >= 0.05 and revenue between 1 and 2 and "
			       "employees in (1, 2) and listed and not scale(small)");
	struct expr_clause_result r[5];
	assert_int_equal(expr_explain(e, frame, id, 2024, r, 5), 5);
	for (int k = 0; k < 5; k++) {
		assert_int_equal(r[k].truth, EXPR_UNKNOWN);
		assert_true(isnan(r[k].value));
		assert_true(isnan(r[k].gap));
		assert_true(isnan(expr_relative_gap(&r[k])));
	}
	near(r[0].threshold, 0.05, 0); /* the threshold is known even when the value is not */
	near(r[1].low, 1, 0);
	near(r[1].high, 2, 0);
	assert_int_equal(r[4].negated, 1);
	assert_int_equal(expr_eval_one(e, frame, id, 2024, NULL), EXPR_UNKNOWN);
	/* No such enterprise: unknown, with the text. */
	memset(r, 0, sizeof r);
	assert_int_equal(expr_explain(e, frame, -1, 2024, r, 5), 5);
	assert_string_equal(r[2].text, "employees in (1, 2)");
	assert_int_equal(r[2].truth, EXPR_UNKNOWN);
	expr_free(e);
}

static void test_near_miss(void **state)
{
	(void)state;
	struct expr *e;
	struct cc_error err;
	uint8_t strict[8], relaxed[8];
	/* A: rd_intensity 0.05 is 1/6 short of 0.06, revenue 2000 is 100/2100 short of 2100. */
	e = parse("rd_intensity >= 0.06 and revenue >= 2100");
	assert_int_equal(expr_eval_one(e, frame, ia, 2024, NULL), EXPR_FALSE);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.1), EXPR_FALSE);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.17), EXPR_TRUE);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.166), EXPR_FALSE);
	assert_int_equal(expr_near_miss_one(e, frame, id, 2024, 0.5), EXPR_UNKNOWN);
	expr_free(e);
	/* or: one alternative within the margin is enough. */
	e = parse("rd_intensity >= 0.5 or revenue >= 2100");
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.05), EXPR_TRUE);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.04), EXPR_FALSE);
	expr_free(e);
	/* not: a passing clause near its threshold counts as failing (0.71 vs 0.7 under not). */
	e = parse("not (debt_ratio <= 0.7) and revenue >= 1000");
	assert_int_equal(expr_eval_one(e, frame, ib, 2024, NULL), EXPR_TRUE);
	e = (expr_free(e), parse("not (debt_ratio > 0.7)"));
	assert_int_equal(expr_eval_one(e, frame, ib, 2024, NULL), EXPR_FALSE);
	assert_int_equal(expr_near_miss_one(e, frame, ib, 2024, 0.02), EXPR_TRUE);
	assert_int_equal(expr_near_miss_one(e, frame, ib, 2024, 0.01), EXPR_FALSE);
	expr_free(e);
	/* Tests (has(), listed) are never near. */
	e = parse("has(srdi_giant) and revenue >= 2000");
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 10), EXPR_FALSE);
	expr_free(e);
	/* The criterion of the explain test: A fails only 2100 <= revenue (4.76%). */
	e = parse("rd_intensity >= 5% and rd_staff_share >= 0.1 and 2100 <= revenue and "
		  "debt_ratio between 0 and 0.7 and not listed and has(hightech)");
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.05), EXPR_TRUE);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.04), EXPR_FALSE);
	assert_int_equal(expr_near_miss_one(e, frame, ib, 2024, 0.9), EXPR_FALSE); /* has() */
	/* Columns agree with one-by-one. */
	assert_true(frame->n <= 8);
	assert_int_equal(expr_eval_column(e, frame, 2024, NULL, strict, &err), 0);
	assert_int_equal(expr_near_miss_column(e, frame, 2024, 0.05, relaxed, &err), 0);
	for (int i = 0; i < frame->n; i++) {
		assert_int_equal(strict[i], expr_eval_one(e, frame, i, 2024, NULL));
		assert_int_equal(relaxed[i], expr_near_miss_one(e, frame, i, 2024, 0.05));
	}
	assert_int_equal(relaxed[ia], EXPR_TRUE);
	assert_int_equal(strict[ia], EXPR_FALSE);
	/* A zero margin changes nothing here; bad margins are refused. */
	assert_int_equal(expr_near_miss_column(e, frame, 2024, 0, relaxed, &err), 0);
	for (int i = 0; i < frame->n; i++)
		assert_int_equal(relaxed[i], strict[i]);
	assert_int_equal(expr_near_miss_column(e, frame, 2024, -0.1, relaxed, &err), CC_EINVAL);
	assert_int_equal(expr_near_miss_column(e, frame, 2024, NAN, relaxed, &err), CC_EINVAL);
	expr_free(e);
	e = parse("revenue");
	assert_int_equal(expr_near_miss_column(e, frame, 2024, 0.1, relaxed, &err), CC_EINVAL);
	assert_int_equal(expr_near_miss_one(e, frame, ia, 2024, 0.1), EXPR_UNKNOWN);
	expr_free(e);
}

/* Whole-column evaluation gives exactly what one-by-one evaluation gives. */
static void test_column(void **state)
{
	(void)state;
	static const char *const srcs[] = {
		"revenue",
		"rd_intensity >= 0.05",
		"sum_last(rd_expense, 3) / sum_last(revenue, 3) >= 0.04 or cagr(revenue, 3) >= 25%",
		"yoy(revenue) + value(revenue, -1) * 2",
		"age >= 2 and in_region(50) and not listed or has(hightech)",
		"if(revenue <= 1000, 1, bands(rd_intensity, 0.05, 10, 0.04, 5, 0)) + min_last(revenue, 2)",
		"revenue between 900 and 2000 and region in (500112, 500107)",
		"true",
		UNK,
	};
	double vals[8], v;
	uint8_t states[8];
	struct cc_error err;
	assert_true(frame->n <= 8);
	for (size_t q = 0; q < sizeof srcs / sizeof srcs[0]; q++) {
		struct expr *e = parse(srcs[q]);
		for (int year = 2020; year <= 2025; year++) {
			assert_int_equal(expr_eval_column(e, frame, year, vals, states, &err), 0);
			for (int i = 0; i < frame->n; i++) {
				int t = expr_eval_one(e, frame, i, year, &v);
				assert_int_equal(states[i], t);
				if (isnan(v))
					assert_true(isnan(vals[i]));
				else
					near(vals[i], v, 0);
			}
		}
		/* Either output may be left out; year 0 is the latest. */
		assert_int_equal(expr_eval_column(e, frame, 0, NULL, states, &err), 0);
		assert_int_equal(expr_eval_column(e, frame, 0, vals, NULL, &err), 0);
		assert_int_equal(expr_eval_one(e, frame, ia, 2024, &v), states[ia]);
		expr_free(e);
	}
	assert_int_equal(expr_resolve_year(frame, 0), 2024);
	assert_int_equal(expr_resolve_year(frame, 2022), 2022);
}

static void test_caret(void **state)
{
	(void)state;
	struct cc_buf b = CC_BUF_INIT(4096);
	const char *s = "cagr(revenue, 3 > 0.2";
	assert_int_equal(expr_caret(&b, s, strlen(s), 16), 0);
	assert_string_equal(cc_buf_str(&b), "cagr(revenue, 3 > 0.2\n                ^\n");
	/* Wide characters take two columns; the caret may sit after the last character. */
	cc_buf_reset(&b);
	s = "营业收入 ≥ 1000 且";
	assert_int_equal(expr_caret(&b, s, strlen(s), strlen(s) - 3), 0);
	assert_string_equal(cc_buf_str(&b), "营业收入 ≥ 1000 且\n                ^\n");
	cc_buf_reset(&b);
	assert_int_equal(expr_caret(&b, "ab", 2, 2), 0);
	assert_string_equal(cc_buf_str(&b), "ab\n  ^\n");
	/* Several lines: only the line with the offset; tabs stay tabs, controls become spaces. */
	cc_buf_reset(&b);
	s = "a > 1 and\n\tb\x01 > 2\nc";
	assert_int_equal(expr_caret(&b, s, strlen(s), 13), 0);
	assert_string_equal(cc_buf_str(&b), "\tb  > 2\n\t  ^\n");
	/* Invalid UTF-8 shows as '?'. */
	cc_buf_reset(&b);
	assert_int_equal(expr_caret(&b, "x\xff y", 4, 3), 0);
	assert_string_equal(cc_buf_str(&b), "x? y\n   ^\n");
	/* The CLI's display of a parse error. */
	struct expr *e = NULL;
	struct expr_where w;
	struct cc_error err;
	s = "cagr（revenue， 3 ＞ 0.2";
	assert_int_equal(expr_parse(s, strlen(s), 0, &e, &w, &err), CC_EPARSE);
	assert_string_equal(err.msg, "error at column 17: expected ')' after arguments of cagr, "
				     "found '＞'");
	cc_buf_reset(&b);
	assert_int_equal(expr_caret(&b, s, strlen(s), w.offset), 0);
	assert_string_equal(cc_buf_str(&b), "cagr（revenue， 3 ＞ 0.2\n                  ^\n");
	cc_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),	cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_parse_errors),	cmocka_unit_test(test_limits),
		cmocka_unit_test(test_three_valued),	cmocka_unit_test(test_functions),
		cmocka_unit_test(test_boundaries),	cmocka_unit_test(test_explain),
		cmocka_unit_test(test_explain_unknown), cmocka_unit_test(test_near_miss),
		cmocka_unit_test(test_column),		cmocka_unit_test(test_caret),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
