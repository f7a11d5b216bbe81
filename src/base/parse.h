/*
 * Parsers for cell values: numbers, dates, periods, and trimming. Each takes a pointer and
 * length (not necessarily NUL-terminated) and never reads past it.
 */
#ifndef CC_BASE_PARSE_H
#define CC_BASE_PARSE_H
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

/*
 * Trims ASCII white space and U+3000 (ideographic space) from both ends of *S / *N in place.
 */
void cc_trim(const char **s, size_t *n);

/* Returns 1 when the cell is empty after trimming (an unknown value, never zero). */
int cc_is_blank(const char *s, size_t n);

/*
 * Parses a number cell: optional sign, digits with optional thousands separators (',' in
 * groups of three: "1,234.5"), optional fraction, optional exponent, optional trailing '%'
 * (divides by 100). Full-width digits, sign, point, comma and percent (０-９ ＋ － ． ， ％)
 * are accepted as their ASCII forms. Surrounding spaces are ignored. Rejects empty input,
 * NaN, infinities, values that overflow a double, and anything else, with the reason in ERR.
 * Returns 0 or CC_EINVAL.
 */
int cc_parse_number(const char *s, size_t n, double *out, struct cc_error *err);

/*
 * Parses a calendar date: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日 (one or two
 * digit month and day in every form, one separator throughout), with real calendar checks
 * (2023-02-30 is refused; leap years by the Gregorian rule). Years 1800-2200. On success *ymd =
 * YYYYMMDD. Returns 0 or CC_EINVAL.
 */
int cc_parse_date(const char *s, size_t n, int *ymd, struct cc_error *err);

/*
 * Parses a period: "YYYY" (annual, *month = 0) or "YYYY-MM" / "YYYY/MM" / "YYYYMM" /
 * "YYYY年M月" (monthly, month 1-12); "YYYY年" is annual too. Years 1900-2200. Returns 0 or
 * CC_EINVAL (with the reason in ERR).
 */
int cc_parse_period(const char *s, size_t n, int *year, int *month, struct cc_error *err);

/* Formats YYYYMMDD as "YYYY-MM-DD" into OUT (at least 11 bytes). */
void cc_format_date(int ymd, char *out);

/* Days from 1970-01-01 to YYYYMMDD (years >= 0, proleptic Gregorian; a day past the month's
 * end counts on into the next month, as SQLite's date functions do). */
int64_t cc_days_from_ymd(int64_t ymd);
/* The YYYYMMDD of DAYS since 1970-01-01 (the inverse of cc_days_from_ymd). */
int64_t cc_ymd_from_days(int64_t days);

/* Parses a decimal integer of the whole (trimmed) string; 0 or CC_EINVAL (also on overflow). */
int cc_parse_int64(const char *s, size_t n, long long *out);

/*
 * The integer in environment variable NAME when it is set, a whole decimal integer and within
 * MIN..MAX; DEF otherwise (tuning knobs for tests and benchmarks).
 */
long long cc_env_int(const char *name, long long def, long long min, long long max);

#endif
