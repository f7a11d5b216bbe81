/*
 * Patent application numbers and IPC codes (patent.h). The check rules are CNIPA's
 * 《专利申请号标准》 ZC 0006-2003 (DOMAIN.md §9); they were checked against numbers published
 * with granted patents (tests/unit/test_patent.c lists them).
 */
#include <stdio.h>
#include <string.h>
#include "domain/patent.h"

static const int weights12[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};

char cc_patent_check_char(const char *d, size_t n)
{
	int sum = 0;
	if (n != 12 && n != 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] < '0' || d[i] > '9')
			return 0;
		/* The 8-digit form's weights 2..9 are the first eight of the 12-digit form's. */
		sum += (d[i] - '0') * weights12[i];
	}
	sum %= 11;
	return sum == 10 ? 'X' : (char)('0' + sum);
}

const char *cc_patent_kind_id(int kind)
{
	switch (kind) {
	case CC_PATENT_INVENTION: return "invention";
	case CC_PATENT_UTILITY: return "utility_model";
	case CC_PATENT_DESIGN: return "design";
	case CC_PATENT_PCT_INVENTION: return "pct_invention";
	case CC_PATENT_PCT_UTILITY: return "pct_utility_model";
	default: return NULL;
	}
}

const char *cc_patent_kind_zh(int kind)
{
	switch (kind) {
	case CC_PATENT_INVENTION: return "发明";
	case CC_PATENT_UTILITY: return "实用新型";
	case CC_PATENT_DESIGN: return "外观设计";
	case CC_PATENT_PCT_INVENTION: return "PCT发明";
	case CC_PATENT_PCT_UTILITY: return "PCT实用新型";
	default: return NULL;
	}
}

int cc_patent_is_invention(int kind)
{
	return kind == CC_PATENT_INVENTION || kind == CC_PATENT_PCT_INVENTION;
}

static char shown(char c)
{
	return (c >= 0x20 && c < 0x7f) ? c : '?';
}

int cc_patent_no_parse(const char *s, size_t n, struct cc_patent_no *out, struct cc_error *err)
{
	char d[16];
	size_t nd = 0, pos = 0;
	char check = 0;
	int dot = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
		pos++;
	if (n - pos >= 2 && ((s[pos] | 0x20) == 'z' && (s[pos + 1] | 0x20) == 'l'))
		pos += 2;
	else if (n - pos >= 2 && ((s[pos] | 0x20) == 'c' && (s[pos + 1] | 0x20) == 'n'))
		pos += 2;
	if (pos == n)
		return cc_error_set(err, CC_EINVAL, "application number is empty");
	for (size_t i = pos; i < n; i++) {
		char c = s[i];
		if (c == ' ')
			continue;
		if (check)
			return cc_error_set(err, CC_EINVAL,
					    "character '%c' at position %zu follows the check "
					    "character",
					    shown(c), i + 1);
		if (c == '.') {
			if (dot)
				return cc_error_set(err, CC_EINVAL, "second '.' at position %zu",
						    i + 1);
			if (nd != 12 && nd != 8)
				return cc_error_set(err, CC_EINVAL,
						    "'.' after %zu digits: an application number "
						    "has 12 digits (8 before October 2003) before "
						    "its check character",
						    nd);
			dot = 1;
			continue;
		}
		if (c >= '0' && c <= '9' && !dot && nd < 13) {
			d[nd++] = c;
			continue;
		}
		if ((c >= '0' && c <= '9') || c == 'X' || c == 'x') {
			if (!dot && nd != 12 && nd != 8)
				return cc_error_set(err, CC_EINVAL,
						    "%zu digits before '%c': an application number "
						    "has 12 digits (8 before October 2003) and a "
						    "check character",
						    nd, shown(c));
			check = (c == 'x') ? 'X' : c;
			continue;
		}
		return cc_error_set(err, CC_EINVAL,
				    "character '%c' at position %zu is not allowed in an "
				    "application number",
				    shown(c), i + 1);
	}
	/* Without a '.', the last of 13 or 9 digits is the check character. */
	if (!dot && !check && (nd == 13 || nd == 9))
		check = d[--nd];
	if (nd != 12 && nd != 8)
		return cc_error_set(err, CC_EINVAL,
				    "application number has %zu digits: it needs 12 (8 before "
				    "October 2003) and a check character",
				    nd);
	if (!check)
		return cc_error_set(err, CC_EINVAL, "check character missing after the %zu digits",
				    nd);
	int kind, year;
	if (nd == 12) {
		year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
		kind = d[4] - '0';
		if (year < 2003 || year > 2099)
			return cc_error_set(err, CC_EINVAL,
					    "year %d: the 12-digit form began in 2003", year);
	} else {
		int yy = (d[0] - '0') * 10 + (d[1] - '0');
		kind = d[2] - '0';
		if (yy >= 85)
			year = 1900 + yy;
		else if (yy <= 3)
			year = 2000 + yy;
		else
			return cc_error_set(err, CC_EINVAL,
					    "year '%02d': the 8-digit form ran from 1985 to 2003",
					    yy);
	}
	if (!cc_patent_kind_id(kind))
		return cc_error_set(err, CC_EINVAL,
				    "kind digit %d at position %d is not 1, 2, 3, 8 or 9 "
				    "(invention, utility model, design, PCT invention, PCT "
				    "utility model)",
				    kind, nd == 12 ? 5 : 3);
	char want = cc_patent_check_char(d, nd);
	if (want != check)
		return cc_error_set(err, CC_EINVAL, "check character should be '%c', not '%c'",
				    want, check);
	memcpy(out->canon, d, nd);
	out->canon[nd] = '.';
	out->canon[nd + 1] = check;
	out->canon[nd + 2] = '\0';
	out->year = year;
	out->kind = kind;
	out->old_form = nd == 8;
	return 0;
}

static char upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

int cc_ipc_parse(const char *s, size_t n, int allow_prefix, struct cc_ipc *out,
		 struct cc_error *err)
{
	size_t i = 0;
	memset(out, 0, sizeof *out);
	out->main_group = -1;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return cc_error_set(err, CC_EINVAL, "IPC code is empty");
	char sec = upper(s[i]);
	if (sec < 'A' || sec > 'H')
		return cc_error_set(err, CC_EINVAL,
				    "IPC code must begin with a section letter A-H, not '%c'",
				    shown(s[i]));
	out->section = sec;
	i++;
	if (i == n) {
		if (!allow_prefix)
			return cc_error_set(err, CC_EINVAL,
					    "IPC code '%c' is a section only: give at least the "
					    "subclass (H01M)",
					    sec);
		snprintf(out->canon, sizeof out->canon, "%c", sec);
		return 0;
	}
	if (n - i < 2 || s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9')
		return cc_error_set(err, CC_EINVAL,
				    "IPC class at position %zu must be two digits (H01)", i + 1);
	out->klass = (s[i] - '0') * 10 + (s[i + 1] - '0');
	if (out->klass == 0)
		return cc_error_set(err, CC_EINVAL, "IPC class 00 does not exist");
	i += 2;
	if (i == n) {
		if (!allow_prefix)
			return cc_error_set(err, CC_EINVAL,
					    "IPC code '%c%02d' has no subclass letter (H01M)", sec,
					    out->klass);
		snprintf(out->canon, sizeof out->canon, "%c%02d", sec, out->klass);
		return 0;
	}
	char sub = upper(s[i]);
	if (sub < 'A' || sub > 'Z')
		return cc_error_set(err, CC_EINVAL,
				    "IPC subclass at position %zu must be a letter, not '%c'",
				    i + 1, shown(s[i]));
	out->subclass = sub;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	if (i == n) {
		snprintf(out->canon, sizeof out->canon, "%c%02d%c", sec, out->klass, sub);
		return 0;
	}
	int g = 0, ng = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && ng < 5) {
		g = g * 10 + (s[i] - '0');
		ng++;
		i++;
	}
	if (ng == 0 || ng > 4)
		return cc_error_set(err, CC_EINVAL,
				    "IPC main group at position %zu must be 1-4 digits", i + 1);
	if (g == 0)
		return cc_error_set(err, CC_EINVAL, "IPC main group 0 does not exist");
	while (i < n && s[i] == ' ')
		i++;
	if (i == n && allow_prefix) {
		out->main_group = g;
		snprintf(out->canon, sizeof out->canon, "%c%02d%c %d", sec, out->klass, sub, g);
		return 0;
	}
	if (i == n || s[i] != '/')
		return cc_error_set(err, CC_EINVAL,
				    "IPC group needs '/' and a subgroup (10/0525) at position %zu",
				    i + 1);
	i++;
	while (i < n && s[i] == ' ')
		i++;
	size_t ns = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && ns < 7) {
		out->subgroup[ns < 7 ? ns : 6] = s[i];
		ns++;
		i++;
	}
	if (ns < (allow_prefix ? 1u : 2u) || ns > 6)
		return cc_error_set(err, CC_EINVAL, "IPC subgroup must be 2-6 digits, not %zu", ns);
	out->subgroup[ns] = '\0';
	if (i != n)
		return cc_error_set(err, CC_EINVAL,
				    "character '%c' at position %zu after the IPC subgroup",
				    shown(s[i]), i + 1);
	out->main_group = g;
	/* "H01M 10/0525" written by hand: an import formats one per patent row, where snprintf
	 * cost more than the parse. */
	char *c = out->canon, dg[4];
	int nd = 0;
	*c++ = sec;
	*c++ = (char)('0' + out->klass / 10 % 10);
	*c++ = (char)('0' + out->klass % 10);
	*c++ = sub;
	*c++ = ' ';
	for (int v = g; v && nd < 4; v /= 10)
		dg[nd++] = (char)('0' + v % 10);
	while (nd)
		*c++ = dg[--nd];
	*c++ = '/';
	memcpy(c, out->subgroup, ns + 1);
	return 0;
}

int cc_ipc_list_parse(const char *s, size_t n, char *out, size_t cap, struct cc_error *err)
{
	size_t o = 0, i = 0;
	int count = 0;
	if (cap == 0)
		return -2;
	out[0] = '\0';
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ';' && s[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && (s[a] == ' ' || s[a] == '\t'))
			a++;
		if (a < b) {
			struct cc_ipc ipc;
			if (cc_ipc_parse(s + a, b - a, 0, &ipc, err)) {
				/* The bad code first, then the reason (cut to fit). */
				char why[sizeof err->msg - 64];
				int k = (int)(b - a > 40 ? 40 : b - a);
				size_t wl = strnlen(err->msg, sizeof why - 1);
				memcpy(why, err->msg, wl);
				why[wl] = '\0';
				snprintf(err->msg, sizeof err->msg, "'%.*s': %.900s", k, s + a,
					 why);
				return -1;
			}
			size_t len = strlen(ipc.canon);
			if (o + len + (count ? 1 : 0) + 1 > cap)
				return -2;
			if (count)
				out[o++] = ';';
			memcpy(out + o, ipc.canon, len + 1);
			o += len;
			count++;
		}
		i = j + 1;
	}
	return count;
}
