/*
 * Bounded dynamic buffers (see buf.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/error.h"

void cc_buf_init(struct cc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->failed = 0;
}

static int grow(struct cc_buf *b, size_t need)
{
	if (b->failed)
		return CC_ENOMEM;
	if (b->len + need + 1 <= b->cap)
		return 0;
	if (b->len + need + 1 > b->max) {
		b->failed = 1;
		return CC_ENOMEM;
	}
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return CC_ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

int cc_buf_append(struct cc_buf *b, const void *p, size_t n)
{
	if (grow(b, n))
		return CC_ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cc_buf_puts(struct cc_buf *b, const char *s)
{
	return cc_buf_append(b, s, strlen(s));
}

int cc_buf_putc(struct cc_buf *b, char c)
{
	return cc_buf_append(b, &c, 1);
}

int cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CC_EINVAL;
	if ((size_t)n < sizeof small)
		return cc_buf_append(b, small, (size_t)n);
	if (grow(b, (size_t)n))
		return CC_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Length of a valid UTF-8 sequence starting at P (at most N bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80)
		return 1;
	size_t len;
	unsigned cp;
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int cc_buf_json_str(struct cc_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = cc_buf_putc(b, '"');
	size_t i = 0, run = 0;
	while (rc == 0 && i < n) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run = i;
			while (i < n && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' && p[i] < 0x80)
				i++;
			rc = cc_buf_append(b, p + run, i - run);
			continue;
		}
		if (c >= 0x80) {
			size_t len = utf8_seq(p + i, n - i);
			if (len) {
				rc = cc_buf_append(b, p + i, len);
				i += len;
			} else {
				rc = cc_buf_puts(b, "\xEF\xBF\xBD");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': rc = cc_buf_puts(b, "\\\""); break;
		case '\\': rc = cc_buf_puts(b, "\\\\"); break;
		case '\n': rc = cc_buf_puts(b, "\\n"); break;
		case '\r': rc = cc_buf_puts(b, "\\r"); break;
		case '\t': rc = cc_buf_puts(b, "\\t"); break;
		default: rc = cc_buf_printf(b, "\\u%04x", c); break;
		}
		i++;
	}
	if (rc == 0)
		rc = cc_buf_putc(b, '"');
	return rc;
}

/* Appends S as one CSV field, behind a single quote when GUARD (inside the field's quotes). */
static int csv_put(struct cc_buf *b, const char *s, size_t n, int guard)
{
	int quote = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
			quote = 1;
			break;
		}
	if (!quote) {
		int rc = guard ? cc_buf_putc(b, '\'') : 0;
		return rc ? rc : cc_buf_append(b, s, n);
	}
	int rc = cc_buf_putc(b, '"');
	if (rc == 0 && guard)
		rc = cc_buf_putc(b, '\'');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (s[i] == '"')
			rc = cc_buf_putc(b, '"');
		if (rc == 0)
			rc = cc_buf_putc(b, s[i]);
	}
	if (rc == 0)
		rc = cc_buf_putc(b, '"');
	return rc;
}

int cc_buf_csv_field(struct cc_buf *b, const char *s, size_t n)
{
	return csv_put(b, s, n, 0);
}

int cc_csv_needs_guard(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == '\'')
		i++;
	if (i == n)
		return 0;
	return s[i] == '=' || s[i] == '+' || s[i] == '-' || s[i] == '@' || s[i] == '\t' ||
	       s[i] == '\r';
}

int cc_buf_csv_cell(struct cc_buf *b, const char *s, size_t n, int as_text)
{
	return csv_put(b, s, n, as_text && cc_csv_needs_guard(s, n));
}

void cc_csv_unguard(const char **s, size_t *n)
{
	if (*n >= 2 && (*s)[0] == '\'' && cc_csv_needs_guard(*s + 1, *n - 1)) {
		(*s)++;
		(*n)--;
	}
}

void cc_buf_reset(struct cc_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

const char *cc_buf_str(const struct cc_buf *b)
{
	return b->data ? b->data : "";
}

char *cc_buf_detach(struct cc_buf *b)
{
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return p;
}

void cc_buf_release(struct cc_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

/*
 * The exact fast path of cc_num_format: V is exactly the double nearest a decimal with at most
 * 8 decimals and |V| < 1e9 (money in 万元 with cents, ratios, counts). Writes it without
 * printf and returns its length, or 0 when V is not such a value.
 */
static size_t num_exact(double v, char *out)
{
	/* One test at 8 decimals: a value exact with fewer decimals is exact with 8 too, and
	 * the trailing zeros of the fraction are dropped below (a loop over 0, 2, ... 8
	 * decimals cost five tries for every value that is not such a decimal). */
	double a = fabs(v);
	if (a < 1e-4 || a >= 1e9)
		return 0; /* %g writes small values with an exponent: so do we */
	double r = floor(a * 1e8 + 0.5);
	if (r / 1e8 != a)
		return 0;
	uint64_t n = (uint64_t)r, whole = n / 100000000u, frac = n % 100000000u;
	char tmp[24];
	size_t o = 0, t = 0;
	if (v < 0)
		out[o++] = '-';
	do {
		tmp[t++] = (char)('0' + (int)(whole % 10));
		whole /= 10;
	} while (whole);
	while (t)
		out[o++] = tmp[--t];
	if (frac) {
		int len = 8;
		while (frac % 10 == 0) {
			frac /= 10;
			len--;
		}
		out[o++] = '.';
		for (int j = len - 1; j >= 0; j--) {
			out[o + (size_t)j] = (char)('0' + (int)(frac % 10));
			frac /= 10;
		}
		o += (size_t)len;
	}
	out[o] = '\0';
	return o;
}

/*
 * What printf's "%.15g" writes for V, without printf, for 1e-4 <= |V| < 1e15 (fixed notation):
 * the 15 significant digits come from |V| * 10^k in long double (64-bit mantissa, so the
 * product is off by far less than a thousandth of the last digit: the rounding of a digit is
 * decided exactly unless the product sits that close to a half, where 0 is returned and the
 * caller uses printf). Returns the length, or 0 when V is not such a value.
 */
static size_t num_g15(double v, char *out)
{
	static const long double p10[] = {1e0L,	 1e1L,	1e2L,  1e3L,  1e4L,  1e5L,  1e6L,
					  1e7L,	 1e8L,	1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
					  1e14L, 1e15L, 1e16L, 1e17L, 1e18L};
	double a = fabs(v);
	if (!(a >= 1e-4 && a < 1e15))
		return 0;
	int e2;
	frexp(a, &e2);
	int e10 = (int)floor((e2 - 1) * 0.30102999566398120); /* 10^e10 <= a, give or take one */
	long double p = 0;
	for (int tries = 0; tries < 3; tries++) {
		if (e10 < -4 || e10 > 14)
			return 0;
		p = (long double)a * p10[14 - e10];
		if (p >= 1e15L)
			e10++;
		else if (p < 1e14L)
			e10--;
		else
			break;
	}
	if (!(p >= 1e14L && p < 1e15L))
		return 0;
	long double fl = floorl(p), frac = p - fl;
	if (frac > 0.499L && frac < 0.501L)
		return 0; /* too close to a half to round without the exact value */
	uint64_t r = (uint64_t)fl + (frac > 0.5L);
	if (r >= 1000000000000000ull) { /* rounded up to the next power of ten */
		r /= 10;
		if (++e10 > 14)
			return 0; /* printf writes 1e+15 */
	}
	char d[16];
	for (int k = 14; k >= 0; k--) {
		d[k] = (char)('0' + (int)(r % 10));
		r /= 10;
	}
	int last = 14; /* the last digit to write: trailing zeros after the point go */
	while (last > e10 && last > 0 && d[last] == '0')
		last--;
	size_t o = 0;
	if (v < 0)
		out[o++] = '-';
	if (e10 < 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (int k = 0; k < -e10 - 1; k++)
			out[o++] = '0';
		for (int k = 0; k <= last; k++)
			out[o++] = d[k];
	} else {
		for (int k = 0; k <= e10; k++)
			out[o++] = d[k];
		if (last > e10) {
			out[o++] = '.';
			for (int k = e10 + 1; k <= last; k++)
				out[o++] = d[k];
		}
	}
	out[o] = '\0';
	return o;
}

size_t cc_num_format(double v, int sig, char *out, size_t n)
{
	char tmp[48];
	size_t len = 0;
	if (n == 0)
		return 0;
	out[0] = '\0';
	if (isnan(v) || isinf(v))
		return 0;
	if (v == 0) {
		len = 1;
		memcpy(tmp, "0", 2); /* also -0 */
	} else if (sig > 0) {
		int w = snprintf(tmp, sizeof tmp, "%.*g", sig > 17 ? 17 : sig, v);
		len = w > 0 ? (size_t)w : 0;
	} else if ((len = num_exact(v, tmp)) == 0) {
		/* CC_NUM_TEXT: 15 significant digits (every decimal of up to 15 digits comes back
		 * exactly, as Excel keeps them), printf's "%.15g" without printf where num_g15 can.
		 * CC_NUM_EXACT: the shortest of 15, 16 or 17 digits that reads back as V, found
		 * with strtod (a file must round-trip). */
		len = num_g15(v, tmp);
		if (len && (sig == CC_NUM_TEXT || strtod(tmp, NULL) == v))
			goto done;
		for (int prec = 15; prec <= 17; prec++) {
			int w = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
			len = w > 0 ? (size_t)w : 0;
			if (sig == CC_NUM_TEXT || prec == 17 || strtod(tmp, NULL) == v)
				break;
		}
	}
done:
	if (len >= n)
		len = 0; /* OUT too small: nothing rather than a cut number */
	memcpy(out, tmp, len);
	out[len] = '\0';
	return len;
}

int cc_buf_num(struct cc_buf *b, double v)
{
	char out[48];
	if (isnan(v) || isinf(v))
		return cc_buf_puts(b, "null");
	size_t len = cc_num_format(v, CC_NUM_TEXT, out, sizeof out);
	return cc_buf_append(b, out, len);
}
