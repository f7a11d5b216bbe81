/*
 * USCC validation to GB 32100-2015, with the GB 11714 organisation-code check as a warning.
 * Weights and alphabet: GB 32100-2015 §4-5 (see DOMAIN.md §5).
 */
#include <string.h>
#include "domain/uscc.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* The value of C in the alphabet, or -1: a table (a strchr per character was a visible cost
 * of a patents import, which checks a holder code per row). */
static int value_of(char c)
{
	static const signed char v[128] = {
		['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,	['6'] = 7,
		['7'] = 8,  ['8'] = 9,	['9'] = 10, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14,
		['E'] = 15, ['F'] = 16, ['G'] = 17, ['H'] = 18, ['J'] = 19, ['K'] = 20, ['L'] = 21,
		['M'] = 22, ['N'] = 23, ['P'] = 24, ['Q'] = 25, ['R'] = 26, ['T'] = 27, ['U'] = 28,
		['W'] = 29, ['X'] = 30, ['Y'] = 31};
	unsigned char u = (unsigned char)c;
	return u < 128 ? v[u] - 1 : -1;
}

int cc_uscc_char_ok(char c)
{
	return value_of(c) >= 0;
}

char cc_uscc_check_char(const char *s17)
{
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		int v = value_of(s17[i]);
		if (v < 0)
			return 0;
		sum += v * weights[i];
	}
	return alphabet[(31 - sum % 31) % 31];
}

char cc_orgcode_check_char(const char *s8)
{
	int sum = 0;
	for (int i = 0; i < 8; i++) {
		char c = s8[i];
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'A' && c <= 'Z')
			v = c - 'A' + 10;
		else
			return 0;
		sum += v * org_weights[i];
	}
	int c = 11 - sum % 11;
	if (c == 10)
		return 'X';
	if (c == 11)
		return '0';
	return (char)('0' + c);
}

int cc_uscc_validate(const char *s, size_t n, char out[19], int *org_warn, struct cc_error *err)
{
	if (org_warn)
		*org_warn = 0;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n != CC_USCC_LEN)
		return cc_error_set(err, CC_EINVAL, "credit code must have 18 characters, not %zu",
				    n);
	for (size_t i = 0; i < CC_USCC_LEN; i++) {
		char c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!cc_uscc_char_ok(c))
			return cc_error_set(
				err, CC_EINVAL,
				"character '%c' at position %zu is not allowed in a credit "
				"code (letters I, O, S, V, Z are never used)",
				(s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?', i + 1);
		out[i] = c;
	}
	out[CC_USCC_LEN] = '\0';
	for (int i = 2; i < 8; i++)
		if (out[i] < '0' || out[i] > '9')
			return cc_error_set(
				err, CC_EINVAL,
				"positions 3-8 of a credit code are a region code and must "
				"be digits, found '%c' at position %d",
				out[i], i + 1);
	char want = cc_uscc_check_char(out);
	if (want != out[17])
		return cc_error_set(err, CC_EINVAL, "check character is '%c' but should be '%c'",
				    out[17], want);
	if (org_warn) {
		char oc = cc_orgcode_check_char(out + 8);
		*org_warn = oc != out[16];
	}
	return 0;
}

int cc_uscc_region(const char *uscc)
{
	int r = 0;
	for (int i = 2; i < 8; i++) {
		if (uscc[i] < '0' || uscc[i] > '9')
			return -1;
		r = r * 10 + (uscc[i] - '0');
	}
	return r;
}
