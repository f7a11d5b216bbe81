/*
 * Cell value parsers (see parse.h): numbers as analysts type them in Excel (thousands
 * separators, full-width forms from Chinese input methods, percentages), calendar dates in
 * the usual Chinese spellings, and reporting periods.
 *
 * cc_parse_number runs once per numeric cell of every import (tens of millions of calls for
 * a large file), so plain ASCII decimals of up to 15 digits take a fast path that computes
 * the value exactly (an integer below 2^53 divided by an exact power of ten is correctly
 * rounded, as strtod would give); everything else is normalised into a small local buffer,
 * checked against the grammar by hand, and handed to strtod.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/parse.h"
#include "base/text.h"

/* Longest number accepted once normalised (digits, sign, point, exponent). */
#define NUM_MAX 320

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void cc_trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n;
	for (;;) {
		if (len > 0 && is_space(p[0])) {
			p++;
			len--;
		} else if (len >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			len -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (len > 0 && is_space(p[len - 1]))
			len--;
		else if (len >= 3 && p[len - 3] == 0xE3 && p[len - 2] == 0x80 && p[len - 1] == 0x80)
			len -= 3;
		else
			break;
	}
	*s = (const char *)p;
	*n = len;
}

int cc_is_blank(const char *s, size_t n)
{
	cc_trim(&s, &n);
	return n == 0;
}

/*
 * Length of S[0..N) to quote in a message: at most 60 bytes, not cutting a UTF-8 sequence
 * (cc_utf8_cut, which also copes with values that are not UTF-8).
 */
static int quote_len(const char *s, size_t n)
{
	return (int)cc_utf8_cut(s, n, 60);
}

static const double pow10_tab[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Plain ASCII decimal: [+-]digits[.digits], 1 to 15 digits in all. Returns 1 and *OUT, or 0
 * when S is anything else (the general path then decides).
 */
static int number_fast(const unsigned char *p, size_t n, double *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t m = 0;
	if (n > 0 && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i++;
	}
	size_t d0 = i;
	while (i < n && (unsigned)(p[i] - '0') < 10)
		m = m * 10 + (unsigned)(p[i++] - '0');
	size_t nint = i - d0, nfrac = 0;
	if (i < n && p[i] == '.') {
		size_t f0 = ++i;
		while (i < n && (unsigned)(p[i] - '0') < 10)
			m = m * 10 + (unsigned)(p[i++] - '0');
		nfrac = i - f0;
	}
	if (i != n || nint + nfrac == 0 || nint + nfrac > 15)
		return 0;
	double v = (double)m;
	if (nfrac)
		v /= pow10_tab[nfrac];
	*out = neg ? -v : v;
	return 1;
}

/*
 * Rewrites S[0..N) into T with full-width forms (U+FF05 ％, U+FF0B ＋, U+FF0C ，, U+FF0D －,
 * U+FF0E ．, U+FF10-FF19 ０-９) as ASCII. Returns the length, or -1 for any other non-ASCII
 * byte or a result longer than NUM_MAX.
 */
static int normalise(const unsigned char *s, size_t n, char *t)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (k >= NUM_MAX)
			return -1;
		if (c < 0x80) {
			t[k++] = (char)c;
			continue;
		}
		if (c != 0xEF || i + 2 >= n || s[i + 1] != 0xBC)
			return -1;
		unsigned char d = s[i + 2];
		if (d >= 0x90 && d <= 0x99)
			t[k++] = (char)('0' + (d - 0x90));
		else if (d == 0x85)
			t[k++] = '%';
		else if (d == 0x8B)
			t[k++] = '+';
		else if (d == 0x8C)
			t[k++] = ',';
		else if (d == 0x8D)
			t[k++] = '-';
		else if (d == 0x8E)
			t[k++] = '.';
		else
			return -1;
		i += 2;
	}
	return (int)k;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int cc_parse_number(const char *s, size_t n, double *out, struct cc_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	if (number_fast(p, n, out))
		return 0;

	cc_trim(&s, &n);
	p = (const unsigned char *)s;
	if (n == 0)
		return cc_error_set(err, CC_EINVAL, "empty number");
	if (number_fast(p, n, out))
		return 0;

	char t[NUM_MAX + 1], c[NUM_MAX + 8];
	int tl = normalise(p, n, t);
	if (tl < 0)
		goto bad;
	/* Check the grammar on T while copying the parts strtod needs into C. */
	size_t i = 0, k = 0, len = (size_t)tl;
	int ndig = 0, pct = 0, expo = 0;
	if (i < len && (t[i] == '+' || t[i] == '-'))
		c[k++] = t[i++];
	size_t run = 0;
	int grouped = 0;
	while (i < len) {
		if (is_digit(t[i])) {
			c[k++] = t[i++];
			run++;
			ndig++;
		} else if (t[i] == ',') {
			/* Thousands: the first group 1-3 digits, each following group exactly 3. */
			if (run == 0 || run > 3 || (grouped && run != 3))
				goto bad_sep;
			grouped = 1;
			run = 0;
			i++;
		} else {
			break;
		}
	}
	if (grouped && run != 3)
		goto bad_sep;
	if (i < len && t[i] == '.') {
		c[k++] = t[i++];
		while (i < len && is_digit(t[i])) {
			c[k++] = t[i++];
			ndig++;
		}
	}
	if (ndig == 0)
		goto bad;
	if (i < len && (t[i] == 'e' || t[i] == 'E')) {
		c[k++] = t[i++];
		if (i < len && (t[i] == '+' || t[i] == '-'))
			c[k++] = t[i++];
		if (i >= len || !is_digit(t[i]))
			goto bad;
		while (i < len && is_digit(t[i]))
			c[k++] = t[i++];
		expo = 1;
	}
	if (i < len && t[i] == '%') {
		pct = 1;
		i++;
		if (!expo) {
			/* Scale in decimal so that "12.34%" is exactly the double nearest 0.1234.
			 */
			memcpy(c + k, "e-2", 3);
			k += 3;
		}
	}
	if (i != len)
		goto bad;
	c[k] = '\0';
	char *end;
	double v = strtod(c, &end);
	if (*end != '\0')
		goto bad;
	if (pct && expo)
		v /= 100;
	if (!isfinite(v))
		return cc_error_set(err, CC_EINVAL, "number out of range: '%.*s'", quote_len(s, n),
				    s);
	*out = v;
	return 0;
bad_sep:
	return cc_error_set(err, CC_EINVAL,
			    "misplaced thousands separator in '%.*s' (groups of three digits)",
			    quote_len(s, n), s);
bad:
	return cc_error_set(err, CC_EINVAL, "not a number: '%.*s'", quote_len(s, n), s);
}

/* Reads 1..MAXD ASCII digits at P[*I]; returns how many (0: none) with the value in *V. */
static int read_digits(const unsigned char *p, size_t n, size_t *i, int maxd, int *v)
{
	int k = 0, x = 0;
	while (*i < n && k < maxd && p[*i] >= '0' && p[*i] <= '9') {
		x = x * 10 + (p[*i] - '0');
		(*i)++;
		k++;
	}
	*v = x;
	return k;
}

/* True when P[*I..N) starts with the literal LIT (advanced past it). */
static int take(const unsigned char *p, size_t n, size_t *i, const char *lit)
{
	size_t l = strlen(lit);
	if (n - *i < l || memcmp(p + *i, lit, l) != 0)
		return 0;
	*i += l;
	return 1;
}

#define NIAN "\xE5\xB9\xB4" /* 年 */
#define YUE  "\xE6\x9C\x88" /* 月 */
#define RI   "\xE6\x97\xA5" /* 日 */

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dim[m - 1];
}

int cc_parse_date(const char *s, size_t n, int *ymd, struct cc_error *err)
{
	cc_trim(&s, &n);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int y, m, d, cjk = 0;
	char sep = 0;
	if (read_digits(p, n, &i, 4, &y) != 4)
		goto bad;
	if (i < n && (p[i] == '-' || p[i] == '/' || p[i] == '.'))
		sep = (char)p[i++];
	else if (take(p, n, &i, NIAN))
		cjk = 1;
	else
		goto bad;
	if (read_digits(p, n, &i, 2, &m) == 0)
		goto bad;
	if (cjk) {
		if (!take(p, n, &i, YUE))
			goto bad;
	} else {
		if (i >= n || p[i] != sep)
			goto bad;
		i++;
	}
	if (read_digits(p, n, &i, 2, &d) == 0)
		goto bad;
	if (cjk && !take(p, n, &i, RI))
		goto bad;
	if (i != n)
		goto bad;
	if (y < 1800 || y > 2200)
		return cc_error_set(err, CC_EINVAL, "year out of range 1800-2200: '%.*s'",
				    quote_len(s, n), s);
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return cc_error_set(err, CC_EINVAL, "no such date: '%.*s'", quote_len(s, n), s);
	*ymd = y * 10000 + m * 100 + d;
	return 0;
bad:
	return cc_error_set(err, CC_EINVAL, "not a date (YYYY-MM-DD): '%.*s'", quote_len(s, n), s);
}

int cc_parse_period(const char *s, size_t n, int *year, int *month, struct cc_error *err)
{
	cc_trim(&s, &n);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int y, m = 0, monthly = 1;
	if (read_digits(p, n, &i, 4, &y) != 4)
		goto bad;
	if (i == n) {
		monthly = 0; /* YYYY */
	} else if (p[i] == '-' || p[i] == '/') {
		i++;
		if (read_digits(p, n, &i, 2, &m) == 0 || i != n)
			goto bad;
	} else if (p[i] >= '0' && p[i] <= '9') {
		if (read_digits(p, n, &i, 2, &m) != 2 || i != n)
			goto bad; /* YYYYMM */
	} else if (take(p, n, &i, NIAN)) {
		if (i == n)
			monthly = 0; /* YYYY年 */
		else if (read_digits(p, n, &i, 2, &m) == 0 || !take(p, n, &i, YUE) || i != n)
			goto bad;
	} else {
		goto bad;
	}
	if (y < 1900 || y > 2200)
		return cc_error_set(err, CC_EINVAL, "period year out of range 1900-2200: '%.*s'",
				    quote_len(s, n), s);
	if (monthly && (m < 1 || m > 12))
		return cc_error_set(err, CC_EINVAL, "no such month in period '%.*s'",
				    quote_len(s, n), s);
	*year = y;
	*month = m;
	return 0;
bad:
	return cc_error_set(err, CC_EINVAL, "not a period (YYYY or YYYY-MM): '%.*s'",
			    quote_len(s, n), s);
}

void cc_format_date(int ymd, char *out)
{
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	if (ymd < 0 || y > 9999)
		y = m = d = 0;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* Howard Hinnant's days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date
 * Algorithms"). */
int64_t cc_days_from_ymd(int64_t ymd)
{
	int64_t y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t cc_ymd_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return y * 10000 + m * 100 + d;
}

int cc_parse_int64(const char *s, size_t n, long long *out)
{
	cc_trim(&s, &n);
	size_t i = 0;
	int neg = 0;
	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (i == n)
		return CC_EINVAL;
	/* Accumulate the magnitude; the negative range is one larger. */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
	for (; i < n; i++) {
		unsigned dgt = (unsigned)((unsigned char)s[i] - '0');
		if (dgt > 9 || v > (limit - dgt) / 10)
			return CC_EINVAL;
		v = v * 10 + dgt;
	}
	*out = neg ? (v ? -(long long)(v - 1) - 1 : 0) : (long long)v;
	return 0;
}

long long cc_env_int(const char *name, long long def, long long min, long long max)
{
	const char *v = getenv(name);
	long long x;
	if (!v || cc_parse_int64(v, strlen(v), &x) || x < min || x > max)
		return def;
	return x;
}
