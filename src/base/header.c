/*
 * Column headers: the one normal form by which header cells are matched against expected
 * column names (the rule is stated in header.h). Header rows are short and read once per
 * file, so matching normalises both sides each time rather than keeping normalised copies.
 */
#include <string.h>
#include "base/header.h"
#include "base/parse.h"
#include "base/text.h"

/* Headers longer than this are cut before comparing: no expected name comes near it. */
#define HEADER_MAX 256

size_t cc_header_norm(const char *s, size_t n, char *out, size_t cap)
{
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	cc_trim(&s, &n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '(' || (i + 3 <= n && memcmp(s + i, "\xEF\xBC\x88", 3) == 0)) {
			if (i > 0) /* a cell that begins with one keeps it all */
				n = i;
			break;
		}
	}
	cc_trim(&s, &n);
	n = cc_utf8_cut(s, n, cap - 1); /* a long Chinese header is never cut inside a character */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == ' ' || c == '-')
			c = '_';
		out[i] = c;
	}
	out[n] = '\0';
	return n;
}

int cc_header_is(const char *s, size_t n, const char *name)
{
	char a[HEADER_MAX], b[HEADER_MAX];
	size_t la = cc_header_norm(s, n, a, sizeof a);
	size_t lb = cc_header_norm(name, strlen(name), b, sizeof b);
	return la == lb && memcmp(a, b, la) == 0;
}

int cc_header_find(const char *s, size_t n, const char *const *names, int count)
{
	for (int k = 0; (count < 0 || k < count) && names[k]; k++)
		if (cc_header_is(s, n, names[k]))
			return k;
	return -1;
}
