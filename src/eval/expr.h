/*
 * Expressions: the small, safe language in which criteria, filters and model indicators are
 * written (data/criteria/, data/models/). An expression is parsed once into a tree held in an
 * arena, then evaluated over whole frame columns at a reference year, or for one enterprise,
 * or explained clause by clause.
 *
 * Grammar (lowest precedence first; keywords are case-insensitive, names are matched in
 * lower case):
 *
 *   expr    := and { ("or" | "||") and }
 *   and     := not { ("and" | "&&") not }
 *   not     := ("not" | "!") not | test
 *   test    := sum [ relop sum
 *                  | ["not"] "between" sum "and" sum
 *                  | ["not"] "in" "(" sum { "," sum } ")" ]
 *   relop   := "<" | "<=" | ">" | ">=" | "==" | "=" | "!=" | "<>"   (also ≤ ≥ ≠ ＜ ＞ ＝)
 *   sum     := product { ("+" | "-") product }
 *   product := unary { ("*" | "/") unary }                               (also × ÷)
 *   unary   := ("-" | "+") unary | primary
 *   primary := number | name | name "(" [ args ] ")" | "(" expr ")" | "true" | "false"
 *   number  := digits [ "." digits ] [ ("e" | "E") [sign] digits ] [ "%" ]   (5% is 0.05)
 *
 * Full-width forms are accepted: （ ） ， 、 ％ ＋ － ＊ ／ ＜ ＞ ＝ ！, digits ０-９ and ．
 * in numbers, and U+3000 as a space. Comparisons do not chain (a < b < c is an error).
 * Note that "not" and "!" bind looser than comparisons: !x > 1 is not (x > 1).
 *
 * Names:
 *   every metric key of domain/metric.h (revenue, rd_intensity, employees, …, derived ones
 *   too) or its Chinese name (营业收入): the value at the reference year;
 *   age          years since founding at the end of the reference year (31 December),
 *                fractional and exact on anniversaries (founded 2022-12-31 -> 2.0 in 2024);
 *   region       the GB/T 2260 code as a number;
 *   listed       condition: on a stock exchange (main, star, gem, bse); NEEQ is not listed.
 * Functions (N, YEARS and OFFSET must be whole-number constants):
 *   yoy(x)              x / x a year earlier - 1 (unknown when the earlier value <= 0)
 *   cagr(x, YEARS)      (x / x YEARS earlier)^(1/YEARS) - 1 (unknown when either <= 0)
 *   avg_last(x, N), sum_last(x, N), min_last(x, N), max_last(x, N)
 *                       over the N years ending at the reference year (1 <= N <= 50);
 *                       unknown when any of the N values is unknown
 *   value(x, OFFSET)    x at the reference year + OFFSET (value(revenue, -1) is last year's)
 *   min(a, b, …), max(a, b, …), abs(x)
 *   if(condition, a, b) a when the condition holds, b when it fails, unknown when unknown
 *   bands(x, t1, p1, t2, p2, …, else)
 *                       scoring tables: p1 when x >= t1, else p2 when x >= t2, …, else ELSE;
 *                       constant thresholds in strictly descending order, lower bounds
 *                       inclusive (write if() chains for other boundary rules)
 *   has(cert, …)        holds any of the certificates hightech, tech_sme, srdi, srdi_giant,
 *                       innovative_sme
 *   board(b, …)         listed on any of none, main, star, gem, bse, neeq (unknown board:
 *                       unknown)
 *   scale(s, …)         size class any of large, medium, small, micro (unknown: unknown)
 *   in_region(code, …)  region code starts with any of the codes (2, 4 or 6 digits: 50 is
 *                       Chongqing, 5101 Chengdu city, 500112 Yubei district)
 * The x of the time functions is any numeric expression: yoy(rd_expense / revenue) works.
 *
 * Semantics: a value is a number, a condition (true / false / unknown) or unknown. Unknown
 * is never zero: arithmetic on unknown is unknown, and so is division by zero and any result
 * that is not finite; a comparison with an unknown side is unknown; "and", "or" and "not"
 * follow Kleene's three-valued logic (false and unknown = false, true or unknown = true);
 * x in (…) is true when x equals an item, unknown when x or an unmatched item is unknown;
 * between is inclusive at both ends. Types are checked when parsing ("revenue and x > 1"
 * is an error that points at revenue).
 *
 * Limits: EXPR_MAX_LEN bytes, EXPR_MAX_DEPTH levels of nesting (parentheses, function
 * arguments, unary operators), EXPR_MAX_NODES nodes; each is a clear parse error, and
 * evaluation never recurses deeper than EXPR_MAX_HEIGHT.
 *
 * Ownership and threads: expr_parse() allocates the expression; expr_free() frees it. A
 * parsed expression is never written again, so any number of threads may evaluate it at once.
 * The frame is only read.
 */
#ifndef CC_EVAL_EXPR_H
#define CC_EVAL_EXPR_H
#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"
#include "frame/frame.h"

#define EXPR_MAX_LEN	4096
#define EXPR_MAX_DEPTH	64
#define EXPR_MAX_NODES	1024
#define EXPR_MAX_HEIGHT 256
/* Years a time function may reach back (or forward, for value()). */
#define EXPR_MAX_YEARS 50

/* Three-valued truth. The order makes "and" a minimum, "or" a maximum and "not" 2 - x. */
enum expr_truth_t { EXPR_FALSE = 0, EXPR_UNKNOWN = 1, EXPR_TRUE = 2 };

enum expr_type_t { EXPR_NUMBER = 1, EXPR_CONDITION = 2 };

enum expr_flags_t {
	EXPR_WANT_CONDITION = 1, /* refuse an expression that is a number (criteria, filters) */
	EXPR_WANT_NUMBER = 2,	 /* refuse an expression that is a condition (indicators) */
};

/* The operator of an explained clause. */
enum expr_op_t {
	EXPR_OP_LT,
	EXPR_OP_LE,
	EXPR_OP_GT,
	EXPR_OP_GE,
	EXPR_OP_EQ,
	EXPR_OP_NE,
	EXPR_OP_BETWEEN,
	EXPR_OP_IN,
	EXPR_OP_TEST, /* a condition without a threshold: has(), listed, board(), true … */
};

struct expr;

/* Where a parse error is: 1-based line and column (in characters, not bytes), byte offset. */
struct expr_where {
	int line, column;
	size_t offset;
};

/*
 * Parses the LEN bytes at SRC (UTF-8; need not be NUL-terminated). FLAGS is a set of
 * enum expr_flags_t. Returns 0 and *OUT (free with expr_free), or CC_EPARSE with a message
 * in ERR such as "error at column 17: expected ')' after arguments of cagr, found '>'"
 * ("error at line 2, column 5: …" when the text has several lines) and the position in
 * *WHERE (may be NULL; see expr_caret), or CC_ENOMEM.
 */
int expr_parse(const char *src, size_t len, int flags, struct expr **out, struct expr_where *where,
	       struct cc_error *err);

/* Frees E and everything it holds. Accepts NULL. */
void expr_free(struct expr *e);

/* Returns EXPR_NUMBER or EXPR_CONDITION. */
int expr_type(const struct expr *e);

/* Returns the source text (NUL-terminated, owned by E). */
const char *expr_source(const struct expr *e);

/* Returns the number of clauses expr_explain() reports (0 for a numeric expression). */
int expr_clause_count(const struct expr *e);

/*
 * Appends to B the line of SRC[0..LEN) that holds byte OFFSET and under it a caret line
 * pointing at that character (wide CJK characters count two columns; control characters are
 * shown as spaces), each ending in '\n':
 *
 *     cagr(revenue, 3 > 0.2
 *                     ^
 * Returns 0 or CC_ENOMEM.
 */
int expr_caret(struct cc_buf *b, const char *src, size_t len, size_t offset);

/* Returns YEAR, or the frame's latest year (cc_frame_latest_year) when YEAR <= 0. */
int expr_resolve_year(const struct cc_frame *f, int year);

/*
 * Evaluates E for all F->n enterprises at the reference YEAR (<= 0: the latest; resolving it
 * scans the frame, so loops should resolve it once with expr_resolve_year). Fills
 * OUT_VALUES[i] (may be NULL) with the value (a condition gives 1, 0 or NaN for unknown) and
 * OUT_STATE[i] (may be NULL) with enum expr_truth_t (a number gives EXPR_TRUE when known,
 * EXPR_UNKNOWN when not). Works in blocks of enterprises with one scratch allocation per
 * call. Returns 0 or CC_ENOMEM (ERR may be NULL).
 */
int expr_eval_column(const struct expr *e, const struct cc_frame *f, int year, double *out_values,
		     uint8_t *out_state, struct cc_error *err);

/*
 * Evaluates E for enterprise I (0 <= I < F->n) at YEAR (as above). Stores the value in *VALUE
 * (may be NULL) and returns the enum expr_truth_t as expr_eval_column's OUT_STATE. Never
 * allocates.
 */
int expr_eval_one(const struct expr *e, const struct cc_frame *f, int i, int year, double *value);

/* One clause of a condition, as expr_explain() reports it. */
struct expr_clause_result {
	const char *text; /* the clause's source text, NUL-terminated, owned by the expression */
	size_t offset;	  /* its byte offset in the source */
	int column;	  /* its 1-based column (characters) in its line */
	int op;	      /* enum expr_op_t; a constant on the left is moved right (5 < x is x > 5) */
	int truth;    /* enum expr_truth_t of the clause itself */
	int negated;  /* under an odd number of "not": the whole wants this clause false */
	double value; /* the left-hand (data) value; NaN when unknown; TEST: 1, 0 or NaN */
	double threshold; /* the right-hand value; BETWEEN: the bound nearer the value (the one
			   * failed, when failing); NaN for IN and TEST */
	double low, high; /* BETWEEN: both bounds; otherwise NaN */
	/*
	 * How far the value is from passing, in the value's unit: threshold - value for >= and >,
	 * value - threshold for <= and <, |value - threshold| for ==, and for BETWEEN the distance
	 * outside the range. Positive when failing by that much; zero or negative when passing
	 * (the negative is the margin it passes by; a strict > or < fails at gap 0). NaN when
	 * unknown or not measurable (!=, in, tests).
	 */
	double gap;
};

/*
 * Explains E for enterprise I at YEAR (an I outside the frame gives every clause unknown,
 * with its text): fills OUT[0..min(MAX, count)) with every clause of the condition's
 * and/or/not structure in source order (a clause is any condition that is not an
 * and/or/not: a comparison, between, in, has(), …). Returns the number of clauses (which may
 * exceed MAX; 0 for a numeric expression). The overall result is expr_eval_one's.
 */
int expr_explain(const struct expr *e, const struct cc_frame *f, int i, int year,
		 struct expr_clause_result *out, int max);

/*
 * Returns the relative gap of a clause: |gap| / |threshold| (for a failing clause, how far
 * from passing as a fraction of the threshold; for a passing one, the margin it passes by).
 * 0 when the gap and threshold are both 0, INFINITY when only the threshold is 0, NaN when
 * the clause is unknown or not measurable.
 */
double expr_relative_gap(const struct expr_clause_result *r);

/*
 * Near misses. Evaluates E as expr_eval_column does, but every measurable clause whose
 * relative gap is at most MARGIN counts as passing (as failing when negated). An enterprise
 * is a near miss when its strict result is not EXPR_TRUE and its relaxed result is: every
 * failed clause that stands in the way is within MARGIN of its threshold (for "a or b", one
 * of them is). Fills OUT_STATE[i] with the relaxed enum expr_truth_t. Returns 0, CC_EINVAL
 * (MARGIN negative or NaN, or E not a condition) or CC_ENOMEM.
 */
int expr_near_miss_column(const struct expr *e, const struct cc_frame *f, int year, double margin,
			  uint8_t *out_state, struct cc_error *err);

/* The same for enterprise I; returns the relaxed enum expr_truth_t (EXPR_UNKNOWN on bad input). */
int expr_near_miss_one(const struct expr *e, const struct cc_frame *f, int i, int year,
		       double margin);

/* Returns "<", "<=", ">", ">=", "==", "!=", "between", "in" or "test". */
const char *expr_op_name(int op);

#endif
