/*
 * Expressions (see expr.h for the language): a hand-written lexer and recursive-descent parser
 * that builds a typed tree in an arena, and an evaluator that works on blocks of enterprises.
 *
 * Evaluation walks the tree once per block of BLOCK enterprises, not once per enterprise: each
 * node turns its children's columns into its own column with a plain loop. Scratch columns are
 * "slots" numbered like an evaluation stack; a node evaluated in slot s writes only slots s and
 * above, so a left operand left in slot s survives while the right one is computed in s + 1.
 * The parser works out how many slots each subtree needs, so one allocation per call serves
 * the whole evaluation (and none at all for one enterprise, which uses a block of one on the
 * stack). A metric leaf returns a pointer straight into the frame's column, without copying.
 *
 * Unknown is NaN for numbers and EXPR_UNKNOWN for conditions; see expr.h for the rules.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/arena.h"
#include "base/text.h"
#include "domain/derive.h"
#include "domain/metric.h"
#include "eval/expr.h"

#define BLOCK 1024
/* The most scratch slots an expression may need; the parse limits keep real ones far below. */
#define MAX_SLOTS 256
#define MAX_NAME  64
#define MAX_ARGS  130

enum kind {
	K_NUM,
	K_BOOL,
	K_METRIC,
	K_AGE,
	K_REGION,
	K_LISTED,
	K_HAS,
	K_BOARD,
	K_SCALE,
	K_INREGION,
	K_NEG,
	K_ADD,
	K_SUB,
	K_MUL,
	K_DIV,
	K_ABS,
	K_MIN,
	K_MAX,
	K_IF,
	K_BANDS,
	K_YOY,
	K_CAGR,
	K_AVG,
	K_SUM,
	K_MINL,
	K_MAXL,
	K_VALUE,
	K_CMP,
	K_BETWEEN,
	K_IN,
	K_NOT,
	K_AND,
	K_OR,
};

struct node {
	uint8_t kind;
	uint8_t type;	 /* enum expr_type_t */
	uint8_t op;	 /* K_CMP: enum expr_op_t */
	int8_t polarity; /* clauses: +1, or -1 under an odd number of "not"; 0 otherwise */
	int nkids;
	int clause;	  /* clause index, or -1 */
	int height, need; /* tree height; scratch slots needed */
	int ival;	  /* metric id, N, YEARS or OFFSET, bit mask, bool constant */
	double num;	  /* K_NUM */
	struct node **kids;
	double *consts; /* K_BANDS: t1, p1, …, else (nconsts); K_INREGION: code, divisor pairs */
	int nconsts;
	size_t start, end; /* source span (bytes) */
	size_t ostart;	   /* where errors about this operand point (its '(' if parenthesised) */
	const char *text;  /* clauses: the span's text */
};

struct expr {
	struct cc_arena arena;
	char *src;
	size_t len;
	struct node *root;
	int nodes, nclauses, nslots;
};

/* ---------------------------------------------------------------------------------------- */
/* Characters */

/* Code points standing for the two-character operators written as one character. */
enum { CP_LE = 0x110001, CP_GE = 0x110002, CP_NE = 0x110003 };

/*
 * Decodes the UTF-8 sequence at S[I] (validated by the caller); sets *N to its length. A lead
 * byte whose sequence does not fit gives U+FFFD and length 1.
 */
static uint32_t decode(const char *s, size_t len, size_t i, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t left = len - i;
	size_t want = u[0] < 0x80 ? 1 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3 : 4;
	if (want > left || (u[0] >= 0x80 && u[0] < 0xC0)) {
		*n = 1;
		return u[0] < 0x80 ? u[0] : 0xFFFD;
	}
	*n = want;
	switch (want) {
	case 1: return u[0];
	case 2: return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	case 3:
		return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
		       (u[2] & 0x3F);
	default:
		return ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
		       ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
	}
}

/* Maps the full-width and mathematical forms the language accepts to their ASCII meaning. */
static uint32_t fold(uint32_t c)
{
	switch (c) {
	case 0xFF08: return '(';
	case 0xFF09: return ')';
	case 0xFF0C:
	case 0x3001: return ',';
	case 0xFF05: return '%';
	case 0xFF0B: return '+';
	case 0xFF0D: return '-';
	case 0xFF0A:
	case 0x00D7: return '*';
	case 0xFF0F:
	case 0x00F7: return '/';
	case 0xFF1C: return '<';
	case 0xFF1E: return '>';
	case 0xFF1D: return '=';
	case 0xFF01: return '!';
	case 0xFF0E: return '.';
	case 0xFF06: return '&';
	case 0xFF5C: return '|';
	case 0x3000:
	case 0x00A0: return ' ';
	case 0x2264: return CP_LE;
	case 0x2265: return CP_GE;
	case 0x2260: return CP_NE;
	default: break;
	}
	if (c >= 0xFF10 && c <= 0xFF19)
		return '0' + (c - 0xFF10);
	return c;
}

static int is_ideograph(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static int is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static int is_name_start(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || is_ideograph(c);
}

static int is_name_char(uint32_t c)
{
	return is_name_start(c) || is_digit(c);
}

static int is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Terminal columns a code point takes: 2 for East Asian wide ones. */
static int width(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
			       (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
			       (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
			       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
			       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
			       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD)
		       ? 2
		       : 1;
}

/* 1-based line and column (in characters) of byte OFF of S. */
static void locate(const char *s, size_t len, size_t off, int *line, int *col)
{
	int l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b == '\n') {
			l++;
			c = 1;
		} else if ((b & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static int multiline(const char *s, size_t len)
{
	return memchr(s, '\n', len) != NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Lexer */

enum tok_t {
	T_END,
	T_NUM,
	T_NAME,
	T_LP,
	T_RP,
	T_COMMA,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_EQ,
	T_NE,
	T_BANG,
	T_ANDAND,
	T_OROR,
};

enum kw_t { KW_NONE, KW_AND, KW_OR, KW_NOT, KW_BETWEEN, KW_IN, KW_TRUE, KW_FALSE };

struct tok {
	int t;
	int kw;
	size_t start, end;
	double num;
	int integral; /* T_NUM written without '.', exponent or '%' */
	char name[MAX_NAME];
	int toolong;
};

struct parser {
	const char *s;
	size_t len;
	struct tok tok;
	int depth;
	int failed;
	struct expr *e;
	struct expr_where *where;
	struct cc_error *err;
};

static void fail(struct parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct parser *p, size_t off, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	int line, col;
	if (p->failed)
		return;
	p->failed = CC_EPARSE;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	locate(p->s, p->len, off, &line, &col);
	if (p->where) {
		p->where->line = line;
		p->where->column = col;
		p->where->offset = off > p->len ? p->len : off;
	}
	if (multiline(p->s, p->len))
		cc_error_set(p->err, CC_EPARSE, "error at line %d, column %d: %s", line, col, msg);
	else
		cc_error_set(p->err, CC_EPARSE, "error at column %d: %s", col, msg);
}

static void fail_nomem(struct parser *p)
{
	if (p->failed)
		return;
	p->failed = CC_ENOMEM;
	cc_error_set(p->err, CC_ENOMEM, "out of memory parsing an expression");
}

/* Quotes the source text of [START, END) into OUT for a message, cut at a character. */
static const char *quote(const struct parser *p, size_t start, size_t end, char *out, size_t cap)
{
	size_t n = cc_utf8_cut(p->s + start, end - start, 32), i = 0;
	out[i++] = '\'';
	for (size_t k = 0; k < n && i + 5 < cap; k++) {
		unsigned char b = (unsigned char)p->s[start + k];
		out[i++] = (b < 0x20 || b == 0x7F) ? ' ' : (char)b;
	}
	if (n < end - start && i + 5 < cap) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i++] = '\'';
	out[i] = '\0';
	return out;
}

/* Describes token T for a message: "'foo'" or "the end of the expression". */
static const char *describe(const struct parser *p, const struct tok *t, char *out, size_t cap)
{
	if (t->t == T_END) {
		snprintf(out, cap, "the end of the expression");
		return out;
	}
	return quote(p, t->start, t->end, out, cap);
}

static uint32_t peek_cp(const struct parser *p, size_t at, size_t *n)
{
	if (at >= p->len) {
		*n = 0;
		return 0;
	}
	return fold(decode(p->s, p->len, at, n));
}

/* Reads digits into BUF at *BL; returns how many were read. */
static int lex_digits(const struct parser *p, size_t *at, char *buf, size_t *bl, size_t cap)
{
	int count = 0;
	size_t n;
	uint32_t c;
	while (is_digit(c = peek_cp(p, *at, &n))) {
		if (*bl + 1 < cap)
			buf[*bl] = (char)c;
		(*bl)++;
		*at += n;
		count++;
	}
	return count;
}

static int lex_number(struct parser *p, size_t at, struct tok *t)
{
	char buf[96];
	size_t bl = 0, n;
	long exp = 0;
	int digits = 0, pct = 0;
	uint32_t c;
	t->integral = 1;
	digits += lex_digits(p, &at, buf, &bl, 64);
	if (peek_cp(p, at, &n) == '.') {
		if (bl + 1 < 64)
			buf[bl] = '.';
		bl++;
		at += n;
		t->integral = 0;
		digits += lex_digits(p, &at, buf, &bl, 64);
	}
	c = peek_cp(p, at, &n);
	if (digits && (c == 'e' || c == 'E')) {
		int neg = 0;
		at += n;
		c = peek_cp(p, at, &n);
		if (c == '+' || c == '-') {
			neg = c == '-';
			at += n;
		}
		if (!is_digit(peek_cp(p, at, &n))) {
			char q[80];
			fail(p, t->start, "malformed number %s: the exponent needs digits",
			     quote(p, t->start, at, q, sizeof q));
			return -1;
		}
		while (is_digit(c = peek_cp(p, at, &n))) {
			if (exp < 100000)
				exp = exp * 10 + (long)(c - '0');
			at += n;
		}
		if (neg)
			exp = -exp;
		t->integral = 0;
	}
	c = peek_cp(p, at, &n);
	if (digits && c == '%') {
		pct = 1;
		at += n;
		t->integral = 0;
		c = peek_cp(p, at, &n);
	}
	if (!digits || is_name_char(c) || c == '.' || (c == '%' && !pct)) {
		char q[80];
		size_t end = at + n;
		while (end < p->len && is_name_char(peek_cp(p, end, &n)) && n)
			end += n;
		fail(p, t->start, "malformed number %s", quote(p, t->start, end, q, sizeof q));
		return -1;
	}
	if (bl >= 64) {
		fail(p, t->start, "number too long (more than 60 digits)");
		return -1;
	}
	if (pct)
		exp -= 2;
	snprintf(buf + bl, sizeof buf - bl, "e%ld", exp);
	char *endp = NULL;
	double v = strtod(buf, &endp);
	if (!endp || *endp != '\0' || !isfinite(v)) {
		char q[80];
		fail(p, t->start, "number %s is out of range", quote(p, t->start, at, q, sizeof q));
		return -1;
	}
	t->t = T_NUM;
	t->num = v;
	t->end = at;
	return 0;
}

static int keyword(const char *s)
{
	static const struct {
		const char *w;
		int kw;
	} kws[] = {
		{"and", KW_AND}, {"or", KW_OR},	    {"not", KW_NOT},	 {"between", KW_BETWEEN},
		{"in", KW_IN},	 {"true", KW_TRUE}, {"false", KW_FALSE},
	};
	for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++)
		if (strcmp(s, kws[i].w) == 0)
			return kws[i].kw;
	return KW_NONE;
}

static int lex_name(struct parser *p, size_t at, struct tok *t)
{
	size_t nl = 0, n;
	uint32_t c;
	t->toolong = 0;
	while (at < p->len && is_name_char(c = peek_cp(p, at, &n))) {
		size_t start = at;
		at += n;
		if (c < 0x80) {
			if (nl + 1 < MAX_NAME)
				t->name[nl++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
			else
				t->toolong = 1;
		} else if (nl + n < MAX_NAME) {
			memcpy(t->name + nl, p->s + start, n);
			nl += n;
		} else {
			t->toolong = 1;
		}
	}
	t->name[nl] = '\0';
	t->t = T_NAME;
	t->kw = t->toolong ? KW_NONE : keyword(t->name);
	t->end = at;
	return 0;
}

/* Lexes the token at byte AT into *T. Returns 0, or -1 after reporting an error. */
static int lex(struct parser *p, size_t at, struct tok *t)
{
	size_t n, n2;
	uint32_t c, c2;
	memset(t, 0, sizeof *t);
	for (;;) {
		c = peek_cp(p, at, &n);
		if (at >= p->len || !is_space(c))
			break;
		at += n;
	}
	t->start = at;
	t->end = at;
	if (at >= p->len) {
		t->t = T_END;
		return 0;
	}
	if (is_digit(c) || (c == '.' && is_digit(peek_cp(p, at + n, &n2))))
		return lex_number(p, at, t);
	if (is_name_start(c))
		return lex_name(p, at, t);
	t->end = at + n;
	c2 = peek_cp(p, at + n, &n2);
	switch (c) {
	case '(': t->t = T_LP; return 0;
	case ')': t->t = T_RP; return 0;
	case ',': t->t = T_COMMA; return 0;
	case '+': t->t = T_PLUS; return 0;
	case '-': t->t = T_MINUS; return 0;
	case '*': t->t = T_STAR; return 0;
	case '/': t->t = T_SLASH; return 0;
	case CP_LE: t->t = T_LE; return 0;
	case CP_GE: t->t = T_GE; return 0;
	case CP_NE: t->t = T_NE; return 0;
	case '<': t->t = c2 == '=' ? T_LE : c2 == '>' ? T_NE : T_LT; break;
	case '>': t->t = c2 == '=' ? T_GE : T_GT; break;
	case '=': t->t = T_EQ; break;
	case '!': t->t = c2 == '=' ? T_NE : T_BANG; break;
	case '&':
	case '|':
		if (c2 != c) {
			fail(p, at, "unexpected '%c': write '%s' or '%s'", (char)c,
			     c == '&' ? "and" : "or", c == '&' ? "&&" : "||");
			return -1;
		}
		t->t = c == '&' ? T_ANDAND : T_OROR;
		t->end += n2;
		return 0;
	case '%': fail(p, at, "'%%' must follow a number (5%% is 0.05)"); return -1;
	default: {
		char q[80];
		if (c < 0x20 || c == 0x7F)
			fail(p, at, "unexpected control character U+%04X", (unsigned)c);
		else
			fail(p, at, "unexpected character %s", quote(p, at, at + n, q, sizeof q));
		return -1;
	}
	}
	/* Two-character operators: "<=", "<>", ">=", "==", "!=". */
	if (c2 == '=' || (c == '<' && c2 == '>'))
		t->end += n2;
	return 0;
}

static int next(struct parser *p)
{
	if (p->failed)
		return -1;
	return lex(p, p->tok.end, &p->tok);
}

/* ---------------------------------------------------------------------------------------- */
/* Tree building */

static int kid_need(const struct node *nd);

static struct node *mk(struct parser *p, int kind, int type, size_t start, size_t end)
{
	struct node *nd;
	if (p->failed)
		return NULL;
	if (++p->e->nodes > EXPR_MAX_NODES) {
		fail(p, start, "the expression has more than %d parts", EXPR_MAX_NODES);
		return NULL;
	}
	nd = cc_arena_alloc(&p->e->arena, sizeof *nd);
	if (!nd) {
		fail_nomem(p);
		return NULL;
	}
	memset(nd, 0, sizeof *nd);
	nd->kind = (uint8_t)kind;
	nd->type = (uint8_t)type;
	nd->clause = -1;
	nd->start = start;
	nd->ostart = start;
	nd->end = end;
	nd->height = 1;
	nd->need = 1;
	return nd;
}

static int set_kids(struct parser *p, struct node *nd, struct node **kids, int n)
{
	nd->kids = cc_arena_alloc(&p->e->arena, sizeof *kids * (size_t)(n ? n : 1));
	if (!nd->kids) {
		fail_nomem(p);
		return -1;
	}
	memcpy(nd->kids, kids, sizeof *kids * (size_t)n);
	nd->nkids = n;
	for (int i = 0; i < n; i++)
		if (kids[i]->height + 1 > nd->height)
			nd->height = kids[i]->height + 1;
	nd->need = kid_need(nd);
	if (nd->height > EXPR_MAX_HEIGHT) {
		fail(p, kids[n - 1]->ostart,
		     "the expression is too deep (more than %d levels of operations)",
		     EXPR_MAX_HEIGHT);
		return -1;
	}
	if (nd->need > MAX_SLOTS) {
		fail(p, nd->ostart, "the expression is too complex to evaluate");
		return -1;
	}
	return 0;
}

static struct node *mk2(struct parser *p, int kind, int type, struct node *a, struct node *b)
{
	struct node *kids[2] = {a, b};
	struct node *nd = mk(p, kind, type, a->start, b->end);
	if (!nd)
		return NULL;
	nd->ostart = a->ostart;
	return set_kids(p, nd, kids, 2) ? NULL : nd;
}

/*
 * Scratch slots a node needs: kid k is evaluated in slot s + offset(k) while the results of
 * the kids before it are still held in slots s .. s + offset(k) - 1.
 */
static int kid_need(const struct node *nd)
{
	int need = 1;
	for (int i = 0; i < nd->nkids; i++) {
		int off;
		switch (nd->kind) {
		case K_IF:
		case K_BETWEEN: off = i; break; /* each kid in its own slot */
		case K_YOY:
		case K_CAGR:
		case K_AVG:
		case K_SUM:
		case K_MINL:
		case K_MAXL: off = 1; break; /* the same kid once more, beside the first */
		case K_NEG:
		case K_ABS:
		case K_NOT:
		case K_VALUE:
		case K_BANDS: off = 0; break;
		default: off = i ? 1 : 0; break; /* accumulate in s, next kid in s + 1 */
		}
		if (off + nd->kids[i]->need > need)
			need = off + nd->kids[i]->need;
	}
	return need;
}

/* Checks that ND has TYPE; otherwise reports "expected … WHAT, found …". */
static int want(struct parser *p, const struct node *nd, int type, const char *what)
{
	if (!nd)
		return -1;
	if (nd->type == type)
		return 0;
	if (type == EXPR_CONDITION)
		fail(p, nd->ostart, "expected a condition (such as revenue > 0) %s, found a number",
		     what);
	else
		fail(p, nd->ostart, "expected a number %s, found a condition", what);
	return -1;
}

static const char *tok_text(int t)
{
	switch (t) {
	case T_PLUS: return "+";
	case T_MINUS: return "-";
	case T_STAR: return "*";
	case T_SLASH: return "/";
	case T_LT: return "<";
	case T_LE: return "<=";
	case T_GT: return ">";
	case T_GE: return ">=";
	case T_EQ: return "==";
	case T_NE: return "!=";
	default: return "?";
	}
}

static int enter(struct parser *p, size_t at)
{
	if (++p->depth > EXPR_MAX_DEPTH) {
		fail(p, at, "the expression nests more than %d levels deep", EXPR_MAX_DEPTH);
		return -1;
	}
	return 0;
}

static double fix(double v)
{
	return isfinite(v) ? v : NAN;
}

/* ---------------------------------------------------------------------------------------- */
/* Parser */

static struct node *parse_or(struct parser *p);
static struct node *parse_not(struct parser *p);
static struct node *parse_test(struct parser *p);
static struct node *parse_sum(struct parser *p);
static struct node *parse_unary(struct parser *p);
static struct node *parse_primary(struct parser *p);

/* Growable array of nodes in the expression's arena. */
struct nodes {
	struct node **v;
	int n, cap;
};

static int push(struct parser *p, struct nodes *a, struct node *nd)
{
	if (a->n == a->cap) {
		int cap = a->cap ? a->cap * 2 : 8;
		struct node **v = cc_arena_alloc(&p->e->arena, sizeof *v * (size_t)cap);
		if (!v) {
			fail_nomem(p);
			return -1;
		}
		if (a->n)
			memcpy(v, a->v, sizeof *v * (size_t)a->n);
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = nd;
	return 0;
}

static int is_op(const struct tok *t, int tt, int kw)
{
	return t->t == tt || (t->t == T_NAME && t->kw == kw && kw != KW_NONE);
}

/* and/or chains become one node with all the operands (kind K_AND or K_OR). */
static struct node *parse_chain(struct parser *p, int kind)
{
	int tt = kind == K_OR ? T_OROR : T_ANDAND, kw = kind == K_OR ? KW_OR : KW_AND;
	const char *word = kind == K_OR ? "or" : "and";
	struct nodes ops = {0};
	struct node *first = kind == K_OR ? parse_chain(p, K_AND) : parse_not(p), *nd;
	char what[32];
	if (!first || !is_op(&p->tok, tt, kw))
		return first;
	snprintf(what, sizeof what, "before '%s'", word);
	if (want(p, first, EXPR_CONDITION, what) || push(p, &ops, first))
		return NULL;
	snprintf(what, sizeof what, "after '%s'", word);
	while (is_op(&p->tok, tt, kw)) {
		if (next(p))
			return NULL;
		nd = kind == K_OR ? parse_chain(p, K_AND) : parse_not(p);
		if (want(p, nd, EXPR_CONDITION, what) || push(p, &ops, nd))
			return NULL;
	}
	nd = mk(p, kind, EXPR_CONDITION, first->start, ops.v[ops.n - 1]->end);
	if (!nd)
		return NULL;
	nd->ostart = first->ostart;
	return set_kids(p, nd, ops.v, ops.n) ? NULL : nd;
}

static struct node *parse_or(struct parser *p)
{
	return parse_chain(p, K_OR);
}

static struct node *parse_not(struct parser *p)
{
	if (p->tok.t == T_BANG || (p->tok.t == T_NAME && p->tok.kw == KW_NOT)) {
		size_t start = p->tok.start;
		struct node *kid, *nd;
		if (enter(p, start) || next(p))
			return NULL;
		kid = parse_not(p);
		p->depth--;
		if (want(p, kid, EXPR_CONDITION, "after 'not'"))
			return NULL;
		nd = mk(p, K_NOT, EXPR_CONDITION, start, kid->end);
		return nd && !set_kids(p, nd, &kid, 1) ? nd : NULL;
	}
	return parse_test(p);
}

static int relop(int t)
{
	switch (t) {
	case T_LT: return EXPR_OP_LT;
	case T_LE: return EXPR_OP_LE;
	case T_GT: return EXPR_OP_GT;
	case T_GE: return EXPR_OP_GE;
	case T_EQ: return EXPR_OP_EQ;
	case T_NE: return EXPR_OP_NE;
	default: return -1;
	}
}

static int mirror(int op)
{
	switch (op) {
	case EXPR_OP_LT: return EXPR_OP_GT;
	case EXPR_OP_LE: return EXPR_OP_GE;
	case EXPR_OP_GT: return EXPR_OP_LT;
	case EXPR_OP_GE: return EXPR_OP_LE;
	default: return op;
	}
}

static struct node *parse_in(struct parser *p, struct node *x)
{
	struct nodes items = {0};
	char what[80];
	if (push(p, &items, x))
		return NULL;
	if (next(p))
		return NULL;
	if (p->tok.t != T_LP) {
		fail(p, p->tok.start, "expected '(' after 'in', found %s",
		     describe(p, &p->tok, what, sizeof what));
		return NULL;
	}
	if (enter(p, p->tok.start) || next(p))
		return NULL;
	for (;;) {
		struct node *it = parse_sum(p);
		if (want(p, it, EXPR_NUMBER, "in the list of 'in'") || push(p, &items, it))
			return NULL;
		if (p->tok.t == T_RP)
			break;
		if (p->tok.t != T_COMMA) {
			char q[80];
			fail(p, p->tok.start, "expected ',' or ')' in the list of 'in', found %s",
			     describe(p, &p->tok, q, sizeof q));
			return NULL;
		}
		if (next(p))
			return NULL;
	}
	p->depth--;
	struct node *nd = mk(p, K_IN, EXPR_CONDITION, x->start, p->tok.end);
	if (!nd || next(p))
		return NULL;
	nd->ostart = x->ostart;
	return set_kids(p, nd, items.v, items.n) ? NULL : nd;
}

static struct node *parse_test(struct parser *p)
{
	struct node *left = parse_sum(p), *nd = NULL;
	int op, negate = 0;
	if (!left)
		return NULL;
	op = relop(p->tok.t);
	if (op >= 0) {
		char what[32];
		snprintf(what, sizeof what, "before '%s'", tok_text(p->tok.t));
		if (want(p, left, EXPR_NUMBER, what))
			return NULL;
		snprintf(what, sizeof what, "after '%s'", tok_text(p->tok.t));
		if (next(p))
			return NULL;
		struct node *right = parse_sum(p);
		if (want(p, right, EXPR_NUMBER, what))
			return NULL;
		if (relop(p->tok.t) >= 0) {
			fail(p, p->tok.start,
			     "comparisons do not chain: write 'a < b and b < c' or 'b between a and c'");
			return NULL;
		}
		/* A constant on the left moves right, so that the clause's value is the data. */
		if (left->kind == K_NUM && right->kind != K_NUM) {
			nd = mk2(p, K_CMP, EXPR_CONDITION, right, left);
			if (!nd)
				return NULL;
			nd->start = left->start;
			nd->end = right->end;
			nd->ostart = left->ostart;
			nd->op = (uint8_t)mirror(op);
		} else {
			nd = mk2(p, K_CMP, EXPR_CONDITION, left, right);
			if (nd)
				nd->op = (uint8_t)op;
		}
		return nd;
	}
	if (p->tok.t == T_NAME && p->tok.kw == KW_NOT) {
		struct tok ahead;
		if (lex(p, p->tok.end, &ahead))
			return NULL;
		if (ahead.t == T_NAME && (ahead.kw == KW_BETWEEN || ahead.kw == KW_IN)) {
			negate = 1;
			if (next(p))
				return NULL;
		}
	}
	if (p->tok.t == T_NAME && p->tok.kw == KW_BETWEEN) {
		if (want(p, left, EXPR_NUMBER, "before 'between'") || next(p))
			return NULL;
		struct node *lo = parse_sum(p);
		if (want(p, lo, EXPR_NUMBER, "after 'between'"))
			return NULL;
		if (!(p->tok.t == T_NAME && p->tok.kw == KW_AND)) {
			char q[80];
			fail(p, p->tok.start, "expected 'and' in 'between … and …', found %s",
			     describe(p, &p->tok, q, sizeof q));
			return NULL;
		}
		if (next(p))
			return NULL;
		struct node *hi = parse_sum(p);
		if (want(p, hi, EXPR_NUMBER, "after 'between … and'"))
			return NULL;
		struct node *kids[3] = {left, lo, hi};
		nd = mk(p, K_BETWEEN, EXPR_CONDITION, left->start, hi->end);
		if (!nd || set_kids(p, nd, kids, 3))
			return NULL;
		nd->ostart = left->ostart;
		nd->op = EXPR_OP_BETWEEN;
	} else if (p->tok.t == T_NAME && p->tok.kw == KW_IN) {
		if (want(p, left, EXPR_NUMBER, "before 'in'"))
			return NULL;
		nd = parse_in(p, left);
		if (!nd)
			return NULL;
		nd->op = EXPR_OP_IN;
	} else {
		return left;
	}
	if (negate) {
		struct node *n2 = mk(p, K_NOT, EXPR_CONDITION, nd->start, nd->end);
		if (!n2 || set_kids(p, n2, &nd, 1))
			return NULL;
		n2->ostart = nd->ostart;
		return n2;
	}
	return nd;
}

/* Folds a binary operation on two constants into one constant. */
static double arith(int kind, double a, double b)
{
	switch (kind) {
	case K_ADD: return fix(a + b);
	case K_SUB: return fix(a - b);
	case K_MUL: return fix(a * b);
	default: return b == 0 ? NAN : fix(a / b);
	}
}

static struct node *parse_binary(struct parser *p, int level)
{
	struct node *left = level ? parse_unary(p) : parse_binary(p, 1);
	while (left) {
		int t = p->tok.t, kind;
		if (level == 0 && (t == T_PLUS || t == T_MINUS))
			kind = t == T_PLUS ? K_ADD : K_SUB;
		else if (level == 1 && (t == T_STAR || t == T_SLASH))
			kind = t == T_STAR ? K_MUL : K_DIV;
		else
			break;
		char what[32];
		snprintf(what, sizeof what, "before '%s'", tok_text(t));
		if (want(p, left, EXPR_NUMBER, what) || next(p))
			return NULL;
		struct node *right = level ? parse_unary(p) : parse_binary(p, 1);
		snprintf(what, sizeof what, "after '%s'", tok_text(t));
		if (want(p, right, EXPR_NUMBER, what))
			return NULL;
		if (left->kind == K_NUM && right->kind == K_NUM) {
			left->num = arith(kind, left->num, right->num);
			left->end = right->end;
			continue;
		}
		left = mk2(p, kind, EXPR_NUMBER, left, right);
	}
	return left;
}

static struct node *parse_sum(struct parser *p)
{
	return parse_binary(p, 0);
}

static struct node *parse_unary(struct parser *p)
{
	if (p->tok.t == T_MINUS || p->tok.t == T_PLUS) {
		int neg = p->tok.t == T_MINUS;
		size_t start = p->tok.start;
		struct node *kid, *nd;
		if (enter(p, start) || next(p))
			return NULL;
		kid = parse_unary(p);
		p->depth--;
		if (want(p, kid, EXPR_NUMBER, neg ? "after '-'" : "after '+'"))
			return NULL;
		if (!neg || kid->kind == K_NUM) {
			if (neg)
				kid->num = -kid->num;
			kid->start = start;
			kid->ostart = start;
			return kid;
		}
		nd = mk(p, K_NEG, EXPR_NUMBER, start, kid->end);
		return nd && !set_kids(p, nd, &kid, 1) ? nd : NULL;
	}
	return parse_primary(p);
}

/* Functions: name, node kind, argument counts, how the arguments are read, signature. */
enum { A_NUM, A_TIME, A_IF, A_BANDS, A_SYMS, A_CODES };

struct fn {
	const char *name;
	int kind, min, max, args;
	const char *sig;
	int lo, hi; /* A_TIME: range of the constant */
};

static const struct fn fns[] = {
	{"yoy", K_YOY, 1, 1, A_NUM, "yoy(x)", 0, 0},
	{"cagr", K_CAGR, 2, 2, A_TIME, "cagr(x, years)", 1, EXPR_MAX_YEARS},
	{"avg_last", K_AVG, 2, 2, A_TIME, "avg_last(x, n)", 1, EXPR_MAX_YEARS},
	{"sum_last", K_SUM, 2, 2, A_TIME, "sum_last(x, n)", 1, EXPR_MAX_YEARS},
	{"min_last", K_MINL, 2, 2, A_TIME, "min_last(x, n)", 1, EXPR_MAX_YEARS},
	{"max_last", K_MAXL, 2, 2, A_TIME, "max_last(x, n)", 1, EXPR_MAX_YEARS},
	{"value", K_VALUE, 2, 2, A_TIME, "value(x, year_offset)", -EXPR_MAX_YEARS, EXPR_MAX_YEARS},
	{"min", K_MIN, 2, 64, A_NUM, "min(a, b, ...)", 0, 0},
	{"max", K_MAX, 2, 64, A_NUM, "max(a, b, ...)", 0, 0},
	{"abs", K_ABS, 1, 1, A_NUM, "abs(x)", 0, 0},
	{"if", K_IF, 3, 3, A_IF, "if(condition, a, b)", 0, 0},
	{"bands", K_BANDS, 4, MAX_ARGS, A_BANDS, "bands(x, t1, p1, t2, p2, ..., otherwise)", 0, 0},
	{"has", K_HAS, 1, 8, A_SYMS, "has(hightech, ...)", 0, 0},
	{"board", K_BOARD, 1, 8, A_SYMS, "board(star, ...)", 0, 0},
	{"scale", K_SCALE, 1, 8, A_SYMS, "scale(small, ...)", 0, 0},
	{"in_region", K_INREGION, 1, 64, A_CODES, "in_region(50, ...)", 0, 0},
};

/* Symbols of has(), board() and scale(), in the frame's codes (bit k = code k + BASE). */
static const char *const cert_syms[] = {"hightech",   "tech_sme",	"srdi",
					"srdi_giant", "innovative_sme", NULL};
static const char *const board_syms[] = {"none", "main", "star", "gem", "bse", "neeq", NULL};
static const char *const scale_syms[] = {"large", "medium", "small", "micro", NULL};

static const char *const attrs[] = {"age", "region", "listed", NULL};

/* Edit distance of A and B (both shorter than MAX_NAME). */
static int distance(const char *a, const char *b)
{
	int row[MAX_NAME + 1], la = (int)strlen(a), lb = (int)strlen(b);
	if (la >= MAX_NAME || lb >= MAX_NAME)
		return MAX_NAME;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void consider(const char *name, const char *cand, const char **best, int *bestd)
{
	int d = distance(name, cand);
	if (d < *bestd) {
		*bestd = d;
		*best = cand;
	}
}

/* The known name closest to NAME, or NULL when none is close. */
static const char *suggest(const char *name)
{
	const char *best = NULL;
	int bestd = 3;
	for (int m = 0; m < CC_M_COUNT; m++)
		consider(name, cc_metric_get(m)->key, &best, &bestd);
	for (int i = 0; attrs[i]; i++)
		consider(name, attrs[i], &best, &bestd);
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
		consider(name, fns[i].name, &best, &bestd);
	return best && bestd < (int)strlen(name) ? best : NULL;
}

static void list_syms(const char *const *syms, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; syms[i] && used < cap; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "", syms[i]);
}

/* Reads the symbol arguments of has(), board() or scale() into a bit mask. */
static int parse_syms(struct parser *p, const struct fn *fn, struct node *nd)
{
	const char *const *syms = fn->kind == K_HAS	? cert_syms
				  : fn->kind == K_BOARD ? board_syms
							: scale_syms;
	const char *what = fn->kind == K_HAS	 ? "certificate"
			   : fn->kind == K_BOARD ? "board"
						 : "scale";
	int count = 0;
	for (;;) {
		int k;
		char q[80], all[200];
		if (p->tok.t != T_NAME) {
			list_syms(syms, all, sizeof all);
			fail(p, p->tok.start, "expected a %s in %s (one of %s), found %s", what,
			     fn->name, all, describe(p, &p->tok, q, sizeof q));
			return -1;
		}
		for (k = 0; syms[k]; k++)
			if (!p->tok.toolong && strcmp(p->tok.name, syms[k]) == 0)
				break;
		if (!syms[k]) {
			list_syms(syms, all, sizeof all);
			fail(p, p->tok.start, "unknown %s %s in %s: expected one of %s", what,
			     quote(p, p->tok.start, p->tok.end, q, sizeof q), fn->name, all);
			return -1;
		}
		/* Certificates are bits 0..4; boards and scales are codes 1.. (0 is unknown). */
		nd->ival |= fn->kind == K_HAS ? 1 << k : 1 << (k + 1);
		if (++count > fn->max) {
			fail(p, p->tok.start, "%s takes at most %d arguments", fn->name, fn->max);
			return -1;
		}
		if (next(p))
			return -1;
		if (p->tok.t == T_RP)
			return 0;
		if (p->tok.t != T_COMMA) {
			fail(p, p->tok.start,
			     "expected ',' or ')' in the arguments of %s, found %s", fn->name,
			     describe(p, &p->tok, q, sizeof q));
			return -1;
		}
		if (next(p))
			return -1;
	}
}

/* Reads the region codes of in_region() as (code, divisor) pairs. */
static int parse_codes(struct parser *p, const struct fn *fn, struct node *nd)
{
	double codes[2 * 64];
	int count = 0;
	for (;;) {
		char q[80];
		double v = p->tok.num, div = 0;
		if (p->tok.t == T_NUM && p->tok.integral) {
			if (v >= 10 && v <= 99)
				div = 10000;
			else if (v >= 1000 && v <= 9999)
				div = 100;
			else if (v >= 100000 && v <= 999999)
				div = 1;
		}
		if (div == 0) {
			fail(p, p->tok.start,
			     "expected a region code of 2, 4 or 6 digits in %s (50, 5001, 500112), "
			     "found %s",
			     fn->name, describe(p, &p->tok, q, sizeof q));
			return -1;
		}
		if (count >= fn->max) {
			fail(p, p->tok.start, "%s takes at most %d arguments", fn->name, fn->max);
			return -1;
		}
		codes[2 * count] = v;
		codes[2 * count + 1] = div;
		count++;
		if (next(p))
			return -1;
		if (p->tok.t == T_RP)
			break;
		if (p->tok.t != T_COMMA) {
			fail(p, p->tok.start,
			     "expected ',' or ')' in the arguments of %s, found %s", fn->name,
			     describe(p, &p->tok, q, sizeof q));
			return -1;
		}
		if (next(p))
			return -1;
	}
	nd->consts = cc_arena_alloc(&p->e->arena, sizeof(double) * 2 * (size_t)count);
	if (!nd->consts) {
		fail_nomem(p);
		return -1;
	}
	memcpy(nd->consts, codes, sizeof(double) * 2 * (size_t)count);
	nd->nconsts = count;
	return 0;
}

static int whole_in(const struct node *nd, int lo, int hi)
{
	return nd->kind == K_NUM && nd->num == floor(nd->num) && nd->num >= lo && nd->num <= hi;
}

/* Checks the arguments of FN and sets up ND from them. */
static int check_args(struct parser *p, const struct fn *fn, struct node *nd, struct node **args,
		      int nargs, size_t name_at)
{
	char what[64];
	if (nargs < fn->min || nargs > fn->max) {
		if (fn->min == fn->max)
			fail(p, name_at, "%s takes %d argument%s: %s", fn->name, fn->min,
			     fn->min == 1 ? "" : "s", fn->sig);
		else
			fail(p, name_at, "%s takes %d to %d arguments: %s", fn->name, fn->min,
			     fn->max, fn->sig);
		return -1;
	}
	for (int i = 0; i < nargs; i++) {
		int type = (fn->args == A_IF && i == 0) ? EXPR_CONDITION : EXPR_NUMBER;
		snprintf(what, sizeof what, "as argument %d of %s", i + 1, fn->name);
		if (want(p, args[i], type, what))
			return -1;
	}
	if (fn->args == A_TIME) {
		if (!whole_in(args[1], fn->lo, fn->hi)) {
			fail(p, args[1]->ostart,
			     "the %s of %s must be a whole number from %d to %d",
			     fn->kind == K_CAGR	   ? "years"
			     : fn->kind == K_VALUE ? "year offset"
						   : "n",
			     fn->name, fn->lo, fn->hi);
			return -1;
		}
		nd->ival = (int)args[1]->num;
		return set_kids(p, nd, args, 1);
	}
	if (fn->args == A_BANDS) {
		if (nargs % 2 != 0) {
			fail(p, name_at,
			     "bands takes x, then (threshold, points) pairs, then the points "
			     "otherwise: bands(x, 0.3, 20, 0.2, 10, 0)");
			return -1;
		}
		nd->nconsts = nargs - 1;
		nd->consts = cc_arena_alloc(&p->e->arena, sizeof(double) * (size_t)nd->nconsts);
		if (!nd->consts) {
			fail_nomem(p);
			return -1;
		}
		for (int i = 1; i < nargs; i++) {
			if (args[i]->kind != K_NUM || isnan(args[i]->num)) {
				fail(p, args[i]->ostart,
				     "the thresholds and points of bands must be numbers");
				return -1;
			}
			nd->consts[i - 1] = args[i]->num;
			if (i % 2 == 1 && i >= 3 && i < nargs - 1 &&
			    !(args[i]->num < args[i - 2]->num)) {
				fail(p, args[i]->ostart,
				     "the thresholds of bands must go down strictly (highest first)");
				return -1;
			}
		}
		return set_kids(p, nd, args, 1);
	}
	return set_kids(p, nd, args, nargs);
}

static struct node *parse_call(struct parser *p, const struct fn *fn, size_t name_at)
{
	struct node *nd, *args[MAX_ARGS];
	int nargs = 0;
	char q[80];
	int type = (fn->args == A_SYMS || fn->args == A_CODES) ? EXPR_CONDITION : EXPR_NUMBER;
	nd = mk(p, fn->kind, type, name_at, name_at);
	if (!nd || enter(p, p->tok.start) || next(p)) /* past '(' */
		return NULL;
	if (fn->args == A_SYMS || fn->args == A_CODES) {
		if ((fn->args == A_SYMS ? parse_syms(p, fn, nd) : parse_codes(p, fn, nd)))
			return NULL;
	} else if (p->tok.t != T_RP) {
		for (;;) {
			struct node *a =
				(fn->args == A_IF && nargs == 0) ? parse_or(p) : parse_sum(p);
			if (!a)
				return NULL;
			if (nargs >= MAX_ARGS) {
				fail(p, a->ostart, "%s takes at most %d arguments", fn->name,
				     fn->max);
				return NULL;
			}
			args[nargs++] = a;
			if (p->tok.t == T_RP)
				break;
			if (p->tok.t != T_COMMA) {
				if (nargs >= fn->max)
					fail(p, p->tok.start,
					     "expected ')' after arguments of %s, found %s",
					     fn->name, describe(p, &p->tok, q, sizeof q));
				else
					fail(p, p->tok.start,
					     "expected ',' or ')' in the arguments of %s, found %s",
					     fn->name, describe(p, &p->tok, q, sizeof q));
				return NULL;
			}
			if (next(p))
				return NULL;
		}
	}
	p->depth--;
	nd->end = p->tok.end; /* the ')' */
	if (fn->args != A_SYMS && fn->args != A_CODES &&
	    check_args(p, fn, nd, args, nargs, name_at))
		return NULL;
	return next(p) ? NULL : nd;
}

static struct node *parse_primary(struct parser *p)
{
	struct tok *t = &p->tok;
	struct node *nd;
	char q[80];
	if (p->failed)
		return NULL;
	switch (t->t) {
	case T_NUM:
		nd = mk(p, K_NUM, EXPR_NUMBER, t->start, t->end);
		if (!nd)
			return NULL;
		nd->num = t->num;
		return next(p) ? NULL : nd;
	case T_LP: {
		size_t open = t->start;
		if (enter(p, open) || next(p))
			return NULL;
		nd = parse_or(p);
		if (!nd)
			return NULL;
		if (t->t != T_RP) {
			int line, col;
			locate(p->s, p->len, open, &line, &col);
			fail(p, t->start, "expected ')' to close the '(' at column %d, found %s",
			     col, describe(p, t, q, sizeof q));
			return NULL;
		}
		p->depth--;
		nd->ostart = open;
		return next(p) ? NULL : nd;
	}
	case T_NAME: break;
	case T_END:
		fail(p, t->start, "expected a value, found the end of the expression");
		return NULL;
	default:
		fail(p, t->start, "expected a value, found %s", describe(p, t, q, sizeof q));
		return NULL;
	}
	/* A name: keyword, function, attribute or metric. */
	size_t start = t->start, end = t->end;
	if (t->kw == KW_TRUE || t->kw == KW_FALSE) {
		nd = mk(p, K_BOOL, EXPR_CONDITION, start, end);
		if (!nd)
			return NULL;
		nd->ival = t->kw == KW_TRUE ? EXPR_TRUE : EXPR_FALSE;
		return next(p) ? NULL : nd;
	}
	if (t->kw != KW_NONE) {
		fail(p, start, "expected a value, found %s", describe(p, t, q, sizeof q));
		return NULL;
	}
	struct tok ahead;
	if (lex(p, end, &ahead))
		return NULL;
	if (ahead.t == T_LP) {
		for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
			if (!t->toolong && strcmp(fns[i].name, t->name) == 0) {
				*t = ahead;
				return parse_call(p, &fns[i], start);
			}
		const char *s = t->toolong ? NULL : suggest(t->name);
		if (s)
			fail(p, start, "unknown function %s (did you mean '%s'?)",
			     quote(p, start, end, q, sizeof q), s);
		else
			fail(p, start, "unknown function %s", quote(p, start, end, q, sizeof q));
		return NULL;
	}
	const struct cc_metric *m = t->toolong ? NULL : cc_metric_find(t->name);
	if (m) {
		nd = mk(p, K_METRIC, EXPR_NUMBER, start, end);
		if (nd)
			nd->ival = m->id;
	} else if (!t->toolong && strcmp(t->name, "age") == 0) {
		nd = mk(p, K_AGE, EXPR_NUMBER, start, end);
	} else if (!t->toolong && strcmp(t->name, "region") == 0) {
		nd = mk(p, K_REGION, EXPR_NUMBER, start, end);
	} else if (!t->toolong && strcmp(t->name, "listed") == 0) {
		nd = mk(p, K_LISTED, EXPR_CONDITION, start, end);
	} else {
		const char *s = t->toolong ? NULL : suggest(t->name);
		int isfn = 0;
		for (size_t i = 0; !t->toolong && i < sizeof fns / sizeof fns[0]; i++)
			isfn |= strcmp(fns[i].name, t->name) == 0;
		if (isfn)
			fail(p, start, "%s is a function: write %s(...)",
			     quote(p, start, end, q, sizeof q), t->name);
		else if (s)
			fail(p, start, "unknown name %s (did you mean '%s'?)",
			     quote(p, start, end, q, sizeof q), s);
		else
			fail(p, start, "unknown name %s", quote(p, start, end, q, sizeof q));
		return NULL;
	}
	if (!nd)
		return NULL;
	*t = ahead;
	return nd;
}

/* Numbers the clauses of the and/or/not structure in source order and copies their text. */
static int mark_clauses(struct expr *e, struct node *nd, int polarity)
{
	if (nd->kind == K_AND || nd->kind == K_OR) {
		for (int i = 0; i < nd->nkids; i++)
			if (mark_clauses(e, nd->kids[i], polarity))
				return -1;
		return 0;
	}
	if (nd->kind == K_NOT)
		return mark_clauses(e, nd->kids[0], -polarity);
	if (nd->type != EXPR_CONDITION)
		return 0;
	nd->clause = e->nclauses++;
	nd->polarity = (int8_t)polarity;
	nd->text = cc_arena_strndup(&e->arena, e->src + nd->start, nd->end - nd->start);
	return nd->text ? 0 : -1;
}

int expr_parse(const char *src, size_t len, int flags, struct expr **out, struct expr_where *where,
	       struct cc_error *err)
{
	struct parser p;
	struct expr *e = NULL;
	int rc = 0;
	*out = NULL;
	memset(&p, 0, sizeof p);
	p.s = src ? src : "";
	p.len = src ? len : 0;
	p.where = where;
	p.err = err;
	if (where)
		memset(where, 0, sizeof *where);
	if (p.len > EXPR_MAX_LEN) {
		p.len = 0; /* report at column 1 without walking the text */
		fail(&p, 0, "the expression is longer than %d bytes", EXPR_MAX_LEN);
		return CC_EPARSE;
	}
	size_t valid = cc_utf8_valid_prefix((const unsigned char *)p.s, p.len);
	if (valid < p.len) {
		fail(&p, valid, "the expression is not valid UTF-8");
		return CC_EPARSE;
	}
	e = calloc(1, sizeof *e);
	if (!e)
		return cc_error_set(err, CC_ENOMEM, "out of memory parsing an expression");
	cc_arena_init(&e->arena, 8192);
	p.e = e;
	e->src = cc_arena_strndup(&e->arena, p.s, p.len);
	if (!e->src) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory parsing an expression");
		goto out;
	}
	e->len = p.len;
	p.tok.end = 0;
	if (lex(&p, 0, &p.tok) == 0)
		e->root = parse_or(&p);
	if (!p.failed && p.tok.t != T_END) {
		char q[80];
		if (p.tok.t == T_RP)
			fail(&p, p.tok.start, "unexpected ')' with no '(' to close");
		else
			fail(&p, p.tok.start, "unexpected %s: expected an operator or the end",
			     describe(&p, &p.tok, q, sizeof q));
	}
	if (!p.failed && (flags & EXPR_WANT_CONDITION) && e->root->type != EXPR_CONDITION)
		fail(&p, 0, "expected a condition (such as revenue > 0), found a number");
	if (!p.failed && (flags & EXPR_WANT_NUMBER) && e->root->type != EXPR_NUMBER)
		fail(&p, 0, "expected a number, found a condition");
	if (p.failed) {
		rc = p.failed;
		goto out;
	}
	if (mark_clauses(e, e->root, 1)) {
		rc = cc_error_set(err, CC_ENOMEM, "out of memory parsing an expression");
		goto out;
	}
	e->nslots = e->root->need + 1;
out:
	if (rc) {
		expr_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	cc_arena_release(&e->arena);
	free(e);
}

int expr_type(const struct expr *e)
{
	return e->root->type;
}

const char *expr_source(const struct expr *e)
{
	return e->src;
}

int expr_clause_count(const struct expr *e)
{
	return e->nclauses;
}

const char *expr_op_name(int op)
{
	static const char *const names[] = {
		"<", "<=", ">", ">=", "==", "!=", "between", "in", "test"};
	return op >= 0 && op <= EXPR_OP_TEST ? names[op] : "?";
}

int expr_caret(struct cc_buf *b, const char *src, size_t len, size_t offset)
{
	size_t ls = 0, le, i;
	int rc = 0;
	const unsigned char *u = (const unsigned char *)src;
	if (!src)
		len = 0;
	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++)
		if (src[i] == '\n')
			ls = i + 1;
	for (le = ls; le < len && src[le] != '\n'; le++)
		;
	/* Two passes over the line: the text, then the caret under OFFSET. */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (i = ls; i < le && !rc;) {
			size_t avail = le - i < 4 ? le - i : 4, n = 1;
			size_t ok = cc_utf8_valid_prefix(u + i, avail);
			uint32_t c = '?';
			if (ok > 0) {
				c = decode(src, le, i, &n);
				if (n > ok) {
					n = 1;
					c = '?';
				}
			}
			if (pass == 1 && i >= offset)
				break;
			if (pass == 0) {
				if (c == '\t' || (c >= 0x20 && c != 0x7F && c != '?'))
					rc = cc_buf_append(b, src + i, n);
				else if (c == '?')
					rc = cc_buf_putc(b, '?');
				else
					rc = cc_buf_putc(b, ' ');
			} else {
				if (c == '\t')
					rc = cc_buf_putc(b, '\t');
				else
					rc = cc_buf_puts(b, width(c) == 2 ? "  " : " ");
			}
			i += n;
		}
		if (!rc)
			rc = cc_buf_puts(b, pass == 0 ? "\n" : "^\n");
	}
	return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Evaluation */

struct ctx {
	const struct cc_frame *f;
	size_t base, cnt, stride;
	double *d;
	uint8_t *t;
	double margin; /* relaxed evaluation for near misses when >= 0 */
};

static double *dslot(const struct ctx *c, int s)
{
	return c->d + (size_t)s * c->stride;
}

static uint8_t *tslot(const struct ctx *c, int s)
{
	return c->t + (size_t)s * c->stride;
}

static const double *column(const struct cc_frame *f, int m, int year)
{
	return cc_frame_annual(f, m, year); /* NULL out of range; a derived column made here */
}

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days before month M (1-12) in a common year and in a leap year. */
static const int before[2][13] = {
	{0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
	{0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
};

/*
 * Years from FOUNDED (YYYYMMDD) to 31 December of YEAR (LY = leap(YEAR), LN = leap(YEAR + 1)):
 * whole years plus the fraction of the anniversary year gone by, so that anniversaries give
 * whole numbers. A 29 February founding has its anniversary on 1 March in common years.
 */
static double age_at(int32_t founded, int year, int ly, int ln)
{
	int fy = founded / 10000, fm = founded / 100 % 100, fd = founded % 100;
	if (founded <= 0 || fy < 1 || fm < 1 || fm > 12 || fd < 1 || fd > 31)
		return NAN;
	/* Day of the year of this year's anniversary (0-based), the days left in the year after
	 * it, and the days from it to next year's anniversary. */
	int doy = before[ly][fm] + fd - 1, doy_next = before[ln][fm] + fd - 1;
	int left = 365 + ly - 1 - doy, span = 365 + ly - doy + doy_next;
	return (double)(year - fy) + (double)left / (double)span;
}

static void fill(double *o, size_t n, double v)
{
	for (size_t k = 0; k < n; k++)
		o[k] = v;
}

static const uint8_t *cond(const struct ctx *c, const struct node *nd, int year, int s);

static const double *num(const struct ctx *c, const struct node *nd, int year, int s);

/* Age in years at the end of YEAR, from the founding date (NaN without one). */
static const double *num_age(const struct ctx *c, int year, double *o)
{
	const struct cc_frame *f = c->f;
	size_t n = c->cnt;
	int ly = leap(year), ln = leap((long)year + 1);
	if (!f->founded) {
		fill(o, n, NAN);
		return o;
	}
	for (size_t k = 0; k < n; k++)
		o[k] = age_at(f->founded[c->base + k], year, ly, ln);
	return o;
}

/* The region code as a number (NaN when unknown). */
static const double *num_region(const struct ctx *c, double *o)
{
	const struct cc_frame *f = c->f;
	size_t n = c->cnt;
	if (!f->region) {
		fill(o, n, NAN);
		return o;
	}
	for (size_t k = 0; k < n; k++) {
		int32_t r = f->region[c->base + k];
		o[k] = r > 0 ? (double)r : NAN;
	}
	return o;
}

/* + - * / of two operands; a division by zero is NaN. */
static const double *num_arith(const struct ctx *c, const struct node *nd, int year, int s,
			       double *o)
{
	size_t n = c->cnt, k;
	const double *a = num(c, nd->kids[0], year, s);
	const double *b = num(c, nd->kids[1], year, s + 1);
	switch (nd->kind) {
	case K_ADD:
		for (k = 0; k < n; k++)
			o[k] = fix(a[k] + b[k]);
		break;
	case K_SUB:
		for (k = 0; k < n; k++)
			o[k] = fix(a[k] - b[k]);
		break;
	case K_MUL:
		for (k = 0; k < n; k++)
			o[k] = fix(a[k] * b[k]);
		break;
	default:
		for (k = 0; k < n; k++)
			o[k] = b[k] == 0 ? NAN : fix(a[k] / b[k]);
		break;
	}
	return o;
}

/* min() and max() of two or more operands: NaN when any is NaN. */
static const double *num_minmax(const struct ctx *c, const struct node *nd, int year, int s,
				double *o)
{
	size_t n = c->cnt;
	const double *a = num(c, nd->kids[0], year, s);
	if (a != o)
		memcpy(o, a, sizeof *o * n);
	for (int i = 1; i < nd->nkids; i++) {
		const double *b = num(c, nd->kids[i], year, s + 1);
		for (size_t k = 0; k < n; k++) {
			double x = o[k], y = b[k];
			if (isnan(x) || isnan(y))
				o[k] = NAN;
			else if (nd->kind == K_MIN ? y < x : y > x)
				o[k] = y;
		}
	}
	return o;
}

/* if(condition, then, else): NaN where the condition is unknown. */
static const double *num_if(const struct ctx *c, const struct node *nd, int year, int s, double *o)
{
	const uint8_t *t = cond(c, nd->kids[0], year, s);
	const double *a = num(c, nd->kids[1], year, s + 1);
	const double *b = num(c, nd->kids[2], year, s + 2);
	for (size_t k = 0; k < c->cnt; k++)
		o[k] = t[k] == EXPR_TRUE ? a[k] : t[k] == EXPR_FALSE ? b[k] : NAN;
	return o;
}

/* bands(x, t1, v1, t2, v2, ..., else): the value of the first threshold X reaches. */
static const double *num_bands(const struct ctx *c, const struct node *nd, int year, int s,
			       double *o)
{
	const double *a = num(c, nd->kids[0], year, s);
	for (size_t k = 0; k < c->cnt; k++) {
		double x = a[k], v = nd->consts[nd->nconsts - 1];
		if (isnan(x)) {
			o[k] = NAN;
			continue;
		}
		for (int j = 0; j + 1 < nd->nconsts; j += 2)
			if (x >= nd->consts[j]) {
				v = nd->consts[j + 1];
				break;
			}
		o[k] = v;
	}
	return o;
}

/* yoy(x) and cagr(x, years): growth against one year or IVAL years before. */
static const double *num_growth(const struct ctx *c, const struct node *nd, int year, int s,
				double *o)
{
	int back = nd->kind == K_YOY ? 1 : nd->ival;
	const double *a = num(c, nd->kids[0], year, s);
	const double *b = num(c, nd->kids[0], year - back, s + 1);
	for (size_t k = 0; k < c->cnt; k++)
		o[k] = fix(nd->kind == K_YOY ? cc_growth(a[k], b[k])
					     : cc_cagr(a[k], b[k], (double)back));
	return o;
}

/* sum, avg, min and max over the IVAL years up to YEAR (the window's min/max: NaN when a year
 * is NaN). */
static const double *num_window(const struct ctx *c, const struct node *nd, int year, int s,
				double *o)
{
	size_t n = c->cnt, k;
	const double *a = num(c, nd->kids[0], year, s);
	if (a != o)
		memcpy(o, a, sizeof *o * n);
	for (int j = 1; j < nd->ival; j++) {
		const double *b = num(c, nd->kids[0], year - j, s + 1);
		if (nd->kind == K_SUM || nd->kind == K_AVG) {
			for (k = 0; k < n; k++)
				o[k] += b[k];
		} else {
			for (k = 0; k < n; k++) {
				double x = o[k], y = b[k];
				if (isnan(y))
					o[k] = NAN;
				else if (nd->kind == K_MINL ? y < x : y > x)
					o[k] = y;
			}
		}
	}
	if (nd->kind == K_AVG)
		for (k = 0; k < n; k++)
			o[k] /= nd->ival;
	for (k = 0; k < n; k++)
		o[k] = fix(o[k]);
	return o;
}

/*
 * The value of the numeric node ND for YEAR over the rows of C: a column of the frame itself,
 * or slot S (the slots above S are the operands' scratch).
 */
static const double *num(const struct ctx *c, const struct node *nd, int year, int s)
{
	double *o = dslot(c, s);
	const double *a;
	size_t n = c->cnt, k;
	switch (nd->kind) {
	case K_NUM: fill(o, n, nd->num); return o;
	case K_METRIC:
		a = column(c->f, nd->ival, year);
		if (a)
			return a + c->base;
		fill(o, n, NAN);
		return o;
	case K_AGE: return num_age(c, year, o);
	case K_REGION: return num_region(c, o);
	case K_NEG:
		a = num(c, nd->kids[0], year, s);
		for (k = 0; k < n; k++)
			o[k] = -a[k];
		return o;
	case K_ABS:
		a = num(c, nd->kids[0], year, s);
		for (k = 0; k < n; k++)
			o[k] = fabs(a[k]);
		return o;
	case K_ADD:
	case K_SUB:
	case K_MUL:
	case K_DIV: return num_arith(c, nd, year, s, o);
	case K_MIN:
	case K_MAX: return num_minmax(c, nd, year, s, o);
	case K_IF: return num_if(c, nd, year, s, o);
	case K_BANDS: return num_bands(c, nd, year, s, o);
	case K_YOY:
	case K_CAGR: return num_growth(c, nd, year, s, o);
	case K_SUM:
	case K_AVG:
	case K_MINL:
	case K_MAXL: return num_window(c, nd, year, s, o);
	case K_VALUE: return num(c, nd->kids[0], year + nd->ival, s);
	default: /* a condition where a number is wanted: the parser never builds one */
		fill(o, n, NAN);
		return o;
	}
}

/* Where a value stands against a measurable clause: the threshold that matters and the gap. */
static void measure(int op, double v, double lo, double hi, double *thr, double *gap)
{
	*thr = lo;
	switch (op) {
	case EXPR_OP_GE:
	case EXPR_OP_GT: *gap = lo - v; break;
	case EXPR_OP_LE:
	case EXPR_OP_LT: *gap = v - lo; break;
	case EXPR_OP_EQ: *gap = fabs(v - lo); break;
	case EXPR_OP_BETWEEN:
		if (v < lo) {
			*gap = lo - v;
		} else if (v > hi) {
			*thr = hi;
			*gap = v - hi;
		} else if (v - lo <= hi - v) {
			*gap = -(v - lo);
		} else {
			*thr = hi;
			*gap = -(hi - v);
		}
		break;
	default:
		*thr = NAN;
		*gap = NAN;
		break;
	}
	if (isnan(v) || isnan(*thr))
		*gap = NAN;
}

static double relative(double thr, double gap)
{
	if (isnan(gap) || isnan(thr))
		return NAN;
	if (thr == 0)
		return gap == 0 ? 0 : INFINITY;
	return fabs(gap) / fabs(thr);
}

/* Relaxes truth T of clause ND toward what helps the whole when within the margin. */
static uint8_t relax(const struct ctx *c, const struct node *nd, uint8_t t, double v, double lo,
		     double hi)
{
	double thr, gap;
	if (t == EXPR_UNKNOWN || t == (nd->polarity > 0 ? EXPR_TRUE : EXPR_FALSE))
		return t;
	measure(nd->op, v, lo, hi, &thr, &gap);
	return relative(thr, gap) <= c->margin ? (uint8_t)(EXPR_TRUE - t) : t;
}

static uint8_t compare(int op, double x, double y)
{
	int r;
	if (isnan(x) || isnan(y))
		return EXPR_UNKNOWN;
	switch (op) {
	case EXPR_OP_LT: r = x < y; break;
	case EXPR_OP_LE: r = x <= y; break;
	case EXPR_OP_GT: r = x > y; break;
	case EXPR_OP_GE: r = x >= y; break;
	case EXPR_OP_EQ: r = x == y; break;
	default: r = x != y; break;
	}
	return r ? EXPR_TRUE : EXPR_FALSE;
}

/* One loop per operator, so the compiler can keep it tight. */
#define CMP_LOOP(OP)                                                                               \
	for (k = 0; k < n; k++) {                                                                  \
		double x = a[k], y = b[k];                                                         \
		o[k] = (isnan(x) || isnan(y)) ? EXPR_UNKNOWN                                       \
					      : (uint8_t)((x OP y) ? EXPR_TRUE : EXPR_FALSE);      \
	}

static const uint8_t *cond(const struct ctx *c, const struct node *nd, int year, int s)
{
	uint8_t *o = tslot(c, s);
	const double *a, *b;
	size_t n = c->cnt, k;
	const struct cc_frame *f = c->f;
	int relaxing = c->margin >= 0 && nd->polarity != 0;
	switch (nd->kind) {
	case K_BOOL: memset(o, nd->ival, n); return o;
	case K_HAS:
		if (!f->certs) {
			memset(o, EXPR_UNKNOWN, n);
			return o;
		}
		for (k = 0; k < n; k++)
			o[k] = (f->certs[c->base + k] & nd->ival) ? EXPR_TRUE : EXPR_FALSE;
		return o;
	case K_LISTED:
	case K_BOARD:
	case K_SCALE: {
		/* Truth by code: 0 (and codes the frame does not define) unknown. */
		const uint8_t *codes = nd->kind == K_SCALE ? f->scale : f->listed;
		int top = nd->kind == K_SCALE ? 4 : 6;
		int mask = nd->kind == K_LISTED ? 0x3C /* main, star, gem, bse */ : nd->ival;
		uint8_t table[256];
		memset(table, EXPR_UNKNOWN, sizeof table);
		for (int v = 1; v <= top; v++)
			table[v] = ((mask >> v) & 1) ? EXPR_TRUE : EXPR_FALSE;
		if (!codes) {
			memset(o, EXPR_UNKNOWN, n);
			return o;
		}
		for (k = 0; k < n; k++)
			o[k] = table[codes[c->base + k]];
		return o;
	}
	case K_INREGION:
		for (k = 0; k < n; k++) {
			int32_t r = f->region ? f->region[c->base + k] : 0;
			uint8_t t = EXPR_UNKNOWN;
			if (r > 0) {
				t = EXPR_FALSE;
				for (int j = 0; j < nd->nconsts; j++) {
					int32_t div = (int32_t)nd->consts[2 * j + 1];
					if ((double)(r / div) == nd->consts[2 * j])
						t = EXPR_TRUE;
				}
			}
			o[k] = t;
		}
		return o;
	case K_NOT:
		cond(c, nd->kids[0], year, s);
		for (k = 0; k < n; k++)
			o[k] = (uint8_t)(EXPR_TRUE - o[k]);
		return o;
	case K_AND:
	case K_OR: {
		/* The whole block is decided once every entry is false (and) or true (or). */
		uint8_t done = nd->kind == K_AND ? EXPR_FALSE : EXPR_TRUE;
		int open = 0;
		cond(c, nd->kids[0], year, s);
		for (k = 0; k < n; k++)
			open |= o[k] != done;
		for (int i = 1; i < nd->nkids && open; i++) {
			const uint8_t *t = cond(c, nd->kids[i], year, s + 1);
			open = 0;
			if (nd->kind == K_AND)
				for (k = 0; k < n; k++) {
					o[k] = t[k] < o[k] ? t[k] : o[k];
					open |= o[k] != done;
				}
			else
				for (k = 0; k < n; k++) {
					o[k] = t[k] > o[k] ? t[k] : o[k];
					open |= o[k] != done;
				}
		}
		return o;
	}
	case K_CMP:
		a = num(c, nd->kids[0], year, s);
		b = num(c, nd->kids[1], year, s + 1);
		switch (nd->op) {
		case EXPR_OP_LT: CMP_LOOP(<); break;
		case EXPR_OP_LE: CMP_LOOP(<=); break;
		case EXPR_OP_GT: CMP_LOOP(>); break;
		case EXPR_OP_GE: CMP_LOOP(>=); break;
		case EXPR_OP_EQ: CMP_LOOP(==); break;
		default: CMP_LOOP(!=); break;
		}
		if (relaxing)
			for (k = 0; k < n; k++)
				o[k] = relax(c, nd, o[k], a[k], b[k], NAN);
		return o;
	case K_BETWEEN: {
		const double *h;
		a = num(c, nd->kids[0], year, s);
		b = num(c, nd->kids[1], year, s + 1);
		h = num(c, nd->kids[2], year, s + 2);
		for (k = 0; k < n; k++) {
			double x = a[k], lo = b[k], hi = h[k];
			o[k] = (isnan(x) || isnan(lo) || isnan(hi)) ? EXPR_UNKNOWN
			       : (x >= lo && x <= hi)		    ? EXPR_TRUE
								    : EXPR_FALSE;
			if (relaxing)
				o[k] = relax(c, nd, o[k], x, lo, hi);
		}
		return o;
	}
	case K_IN:
		a = num(c, nd->kids[0], year, s);
		memset(o, EXPR_FALSE, n);
		for (int i = 1; i < nd->nkids; i++) {
			b = num(c, nd->kids[i], year, s + 1);
			for (k = 0; k < n; k++) {
				uint8_t t = compare(EXPR_OP_EQ, a[k], b[k]);
				o[k] = t > o[k] ? t : o[k];
			}
		}
		return o;
	default: /* a number where a condition is wanted: the parser never builds one */
		memset(o, EXPR_UNKNOWN, n);
		return o;
	}
}

int expr_resolve_year(const struct cc_frame *f, int year)
{
	if (year <= 0)
		year = cc_frame_latest_year(f);
	/* Far beyond any data; keeps year arithmetic from overflowing. */
	if (year > 1000000)
		year = 1000000;
	return year;
}

/* The value of a condition: false 0, unknown NaN, true 1. */
static const double truth_value[3] = {0.0, NAN, 1.0};

static int run_column(const struct expr *e, const struct cc_frame *f, int year, double margin,
		      double *out_values, uint8_t *out_state, struct cc_error *err)
{
	size_t n = f->n > 0 ? (size_t)f->n : 0;
	size_t slots = (size_t)e->nslots;
	struct ctx c;
	year = expr_resolve_year(f, year);
	memset(&c, 0, sizeof c);
	c.f = f;
	c.stride = BLOCK;
	c.margin = margin;
	c.d = malloc(slots * BLOCK * sizeof(double) + slots * BLOCK);
	if (!c.d)
		return cc_error_set(err, CC_ENOMEM, "out of memory evaluating an expression");
	c.t = (uint8_t *)(c.d + slots * BLOCK);
	for (size_t base = 0; base < n; base += BLOCK) {
		c.base = base;
		c.cnt = n - base < BLOCK ? n - base : BLOCK;
		if (e->root->type == EXPR_CONDITION) {
			const uint8_t *t = cond(&c, e->root, year, 0);
			if (out_state)
				memcpy(out_state + base, t, c.cnt);
			if (out_values)
				for (size_t k = 0; k < c.cnt; k++)
					out_values[base + k] = truth_value[t[k]];
		} else {
			const double *v = num(&c, e->root, year, 0);
			if (out_values)
				memcpy(out_values + base, v, sizeof *v * c.cnt);
			if (out_state)
				for (size_t k = 0; k < c.cnt; k++)
					out_state[base + k] =
						isnan(v[k]) ? EXPR_UNKNOWN : EXPR_TRUE;
		}
	}
	free(c.d);
	return 0;
}

int expr_eval_column(const struct expr *e, const struct cc_frame *f, int year, double *out_values,
		     uint8_t *out_state, struct cc_error *err)
{
	return run_column(e, f, year, -1.0, out_values, out_state, err);
}

int expr_near_miss_column(const struct expr *e, const struct cc_frame *f, int year, double margin,
			  uint8_t *out_state, struct cc_error *err)
{
	if (!(margin >= 0))
		return cc_error_set(err, CC_EINVAL, "the near-miss margin must be 0 or more");
	if (e->root->type != EXPR_CONDITION)
		return cc_error_set(err, CC_EINVAL, "near misses need a condition, not a number");
	return run_column(e, f, year, margin, NULL, out_state, err);
}

/* Scratch for one enterprise, on the caller's stack. */
struct one {
	double d[MAX_SLOTS + 1];
	uint8_t t[MAX_SLOTS + 1];
};

static void one_ctx(struct ctx *c, struct one *sc, const struct cc_frame *f, int i, double margin)
{
	memset(c, 0, sizeof *c);
	c->f = f;
	c->base = (size_t)i;
	c->cnt = 1;
	c->stride = 1;
	c->d = sc->d;
	c->t = sc->t;
	c->margin = margin;
}

static int run_one(const struct expr *e, const struct cc_frame *f, int i, int year, double margin,
		   double *value)
{
	struct one sc;
	struct ctx c;
	if (value)
		*value = NAN;
	if (i < 0 || i >= f->n)
		return EXPR_UNKNOWN;
	year = expr_resolve_year(f, year);
	one_ctx(&c, &sc, f, i, margin);
	if (e->root->type == EXPR_CONDITION) {
		uint8_t t = cond(&c, e->root, year, 0)[0];
		if (value)
			*value = t == EXPR_UNKNOWN ? NAN : t == EXPR_TRUE ? 1.0 : 0.0;
		return t;
	}
	double v = num(&c, e->root, year, 0)[0];
	if (value)
		*value = v;
	return isnan(v) ? EXPR_UNKNOWN : EXPR_TRUE;
}

int expr_eval_one(const struct expr *e, const struct cc_frame *f, int i, int year, double *value)
{
	return run_one(e, f, i, year, -1.0, value);
}

int expr_near_miss_one(const struct expr *e, const struct cc_frame *f, int i, int year,
		       double margin)
{
	if (!(margin >= 0) || e->root->type != EXPR_CONDITION)
		return EXPR_UNKNOWN;
	return run_one(e, f, i, year, margin, NULL);
}

/* Fills R for clause ND; C is NULL when there is no enterprise (every clause unknown). */
static void explain_clause(const struct expr *e, struct ctx *c, const struct node *nd, int year,
			   struct expr_clause_result *r)
{
	int line;
	double v = NAN, w = NAN, lo = NAN, hi = NAN;
	memset(r, 0, sizeof *r);
	r->text = nd->text;
	r->offset = nd->start;
	locate(e->src, e->len, nd->start, &line, &r->column);
	r->negated = nd->polarity < 0;
	r->low = r->high = r->threshold = r->gap = NAN;
	r->truth = EXPR_UNKNOWN;
	switch (nd->kind) {
	case K_CMP:
		r->op = nd->op;
		if (c) {
			v = num(c, nd->kids[0], year, 0)[0];
			w = num(c, nd->kids[1], year, 1)[0];
			r->truth = compare(nd->op, v, w);
			measure(nd->op, v, w, NAN, &r->threshold, &r->gap);
		}
		r->value = v;
		r->threshold = w;
		break;
	case K_BETWEEN:
		r->op = EXPR_OP_BETWEEN;
		if (c) {
			v = num(c, nd->kids[0], year, 0)[0];
			lo = num(c, nd->kids[1], year, 1)[0];
			hi = num(c, nd->kids[2], year, 2)[0];
			r->truth = (isnan(v) || isnan(lo) || isnan(hi)) ? EXPR_UNKNOWN
				   : (v >= lo && v <= hi)		? EXPR_TRUE
									: EXPR_FALSE;
			measure(EXPR_OP_BETWEEN, v, lo, hi, &r->threshold, &r->gap);
			if (isnan(lo) || isnan(hi))
				r->threshold = NAN;
		}
		r->value = v;
		r->low = lo;
		r->high = hi;
		break;
	case K_IN:
		r->op = EXPR_OP_IN;
		if (c) {
			r->value = num(c, nd->kids[0], year, 0)[0];
			r->truth = cond(c, nd, year, 0)[0];
		} else {
			r->value = NAN;
		}
		break;
	default:
		r->op = EXPR_OP_TEST;
		if (c)
			r->truth = cond(c, nd, year, 0)[0];
		r->value = r->truth == EXPR_UNKNOWN ? NAN : r->truth == EXPR_TRUE ? 1.0 : 0.0;
		break;
	}
	if (r->truth == EXPR_UNKNOWN)
		r->gap = NAN;
}

static void explain_walk(const struct expr *e, struct ctx *c, const struct node *nd, int year,
			 struct expr_clause_result *out, int max)
{
	if (nd->kind == K_AND || nd->kind == K_OR) {
		for (int i = 0; i < nd->nkids; i++)
			explain_walk(e, c, nd->kids[i], year, out, max);
		return;
	}
	if (nd->kind == K_NOT) {
		explain_walk(e, c, nd->kids[0], year, out, max);
		return;
	}
	if (nd->clause >= 0 && nd->clause < max)
		explain_clause(e, c, nd, year, &out[nd->clause]);
}

int expr_explain(const struct expr *e, const struct cc_frame *f, int i, int year,
		 struct expr_clause_result *out, int max)
{
	struct one sc;
	struct ctx c;
	int have = i >= 0 && i < f->n;
	if (e->nclauses == 0 || max <= 0 || !out)
		return e->nclauses;
	year = expr_resolve_year(f, year);
	if (have)
		one_ctx(&c, &sc, f, i, -1.0);
	explain_walk(e, have ? &c : NULL, e->root, year, out, max);
	return e->nclauses;
}

double expr_relative_gap(const struct expr_clause_result *r)
{
	if (r->truth == EXPR_UNKNOWN)
		return NAN;
	return relative(r->threshold, r->gap);
}
