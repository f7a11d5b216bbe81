/*
 * Chinese patent application numbers (专利申请号, CNIPA ZC 0006-2003) and IPC codes
 * (International Patent Classification), as DOMAIN.md §9 describes them.
 *
 * An application number since 1 October 2003 is 12 digits — year (4), kind (1), serial (7) —
 * then '.' and a check character: Σ digit × weight (2,3,4,5,6,7,8,9,2,3,4,5) mod 11, 10 written
 * 'X'. Before that it was 8 digits — year (2), kind (1), serial (5) — and a check over weights
 * 2..9 by the same rule ("90101673.X"). A granted patent is written "ZL" + the number; "CN" is
 * the country prefix some databases add. Both are accepted and dropped.
 */
#ifndef CC_DOMAIN_PATENT_H
#define CC_DOMAIN_PATENT_H
#include <stddef.h>
#include "base/error.h"

/* The kind digit of an application number. */
enum cc_patent_kind_t {
	CC_PATENT_INVENTION = 1,     /* 发明 */
	CC_PATENT_UTILITY = 2,	     /* 实用新型 */
	CC_PATENT_DESIGN = 3,	     /* 外观设计 */
	CC_PATENT_PCT_INVENTION = 8, /* PCT 发明 entering the national phase */
	CC_PATENT_PCT_UTILITY = 9,   /* PCT 实用新型 entering the national phase */
};

/* A parsed, valid application number. */
struct cc_patent_no {
	char canon[16]; /* "201710601862.3" or "90101673.X" (no ZL/CN prefix) */
	int year;	/* 2017; 1990 for the 8-digit form's "90" */
	int kind;	/* enum cc_patent_kind_t */
	int old_form;	/* 1 for the 8-digit form before October 2003 */
};

/*
 * Validates the application number at S (N bytes, not NUL-terminated): optional "ZL" or "CN"
 * prefix (any case), optional spaces inside ("ZL 2015 1 0958772.0" as people write it), the
 * digits, an optional '.', and the check character (x or X for 10). Fills *OUT and returns 0,
 * or returns CC_EINVAL with the reason in ERR (length, a non-digit and its position, an unknown
 * kind digit, a year before the form existed, a missing check character, the expected check
 * character against the one found).
 */
int cc_patent_no_parse(const char *s, size_t n, struct cc_patent_no *out, struct cc_error *err);

/*
 * The check character of the N digits at D (N is 12 or 8; every byte a digit): '0'..'9' or
 * 'X'. Returns 0 for another N or a non-digit.
 */
char cc_patent_check_char(const char *d, size_t n);

/* "invention", "utility_model", "design", "pct_invention", "pct_utility_model"; NULL for an
 * unknown kind. */
const char *cc_patent_kind_id(int kind);
/* "发明", "实用新型", "外观设计", "PCT发明", "PCT实用新型"; NULL for an unknown kind. */
const char *cc_patent_kind_zh(int kind);
/* Returns 1 when KIND is an invention (national or PCT). */
int cc_patent_is_invention(int kind);

/*
 * An IPC code: section A-H, class (2 digits), subclass letter, and optionally a group: main
 * group of 1-4 digits, '/', subgroup of 2-6 digits. Canonical text: "H01M 10/0525" (one space
 * between subclass and group), or "H01M" for a subclass alone.
 */
struct cc_ipc {
	char canon[24];
	char section;	  /* 'H' */
	int klass;	  /* 1 */
	char subclass;	  /* 'M' */
	int main_group;	  /* 10, or -1 when only the subclass is given */
	char subgroup[8]; /* "0525", "" with no group */
};

/*
 * Parses the IPC code at S (N bytes): spaces between subclass and group optional (also a
 * full-width space is not accepted: the caller normalises text), letters in any case. When
 * ALLOW_PREFIX is 1, a bare section ("H"), section + class ("H01"), a main group without
 * subgroup ("H01M 10") or a subgroup of 1 digit ("H01M 4/5", a prefix of 4/58 ... 4/5825) is
 * accepted too (what the IPC → node map uses); otherwise a subclass at least. Returns 0 with *OUT
 * filled, or CC_EINVAL with the reason and the position in ERR.
 */
int cc_ipc_parse(const char *s, size_t n, int allow_prefix, struct cc_ipc *out,
		 struct cc_error *err);

/*
 * Splits the list at S (N bytes) of IPC codes separated by ';' or ',' (a spreadsheet's usual
 * separators), parsing each with cc_ipc_parse (no prefixes). Writes the canonical codes into
 * OUT (size CAP) joined by ';', the first one given first (the main classification). Returns
 * the number of codes, or -1 with ERR naming the bad code, or -2 when OUT is too small.
 */
int cc_ipc_list_parse(const char *s, size_t n, char *out, size_t cap, struct cc_error *err);

#endif
